//! Every object `hgctl install` applies, rendered without I/O so it can be
//! unit-tested, printed by `--dry-run`, and applied by the installer alike.

use std::collections::BTreeMap;

use k8s_openapi::api::apps::v1::{Deployment, DeploymentSpec, DeploymentStrategy};
use k8s_openapi::api::core::v1::{
    Capabilities, Container, ContainerPort, EnvVar, EnvVarSource, HTTPGetAction, Namespace,
    ObjectFieldSelector, PodSecurityContext, PodSpec, PodTemplateSpec, Probe, ResourceRequirements,
    SeccompProfile, SecurityContext, ServiceAccount,
};
use k8s_openapi::api::rbac::v1::{
    ClusterRole, ClusterRoleBinding, PolicyRule, Role, RoleBinding, RoleRef, Subject,
};
use k8s_openapi::apimachinery::pkg::api::resource::Quantity;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::{LabelSelector, ObjectMeta};
use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;
use kube::Resource;
use kube::api::{ApiResource, DynamicObject};
use serde::Serialize;

use crate::api;
use crate::error::{Error, Result};

/// Namespace of the operator when `-n` is not given.
pub const DEFAULT_NAMESPACE: &str = "hourglass-system";
/// Name of the namespaced objects (ServiceAccount, Deployment, Role, RoleBinding).
pub const NAME: &str = "hgctl-operator";
/// Name of the leader-election Lease in the operator's namespace.
pub const LEASE_NAME: &str = "hgctl-operator";
/// Port of `/healthz` and `/readyz`.
pub const HEALTH_PORT: i32 = 8081;
/// Port of `/metrics`.
pub const METRICS_PORT: i32 = 9464;
/// UID of the distroless `nonroot` user the image runs as.
pub const RUN_AS_USER: i64 = 65532;
/// Field manager of every write hgctl makes.
pub const FIELD_MANAGER: &str = "hgctl";
/// Registry path of the operator image; the tag is the crate version.
pub const IMAGE_REPOSITORY: &str = "ghcr.io/hgctl/hgctl";

/// What to render.
#[derive(Debug, Clone, PartialEq)]
pub struct Options {
    pub namespace: String,
    pub image: String,
    pub crds_only: bool,
    /// Where the operator pod runs (`--node-selector`, `--toleration`).
    pub placement: crate::render::Placement,
    /// What `--monitoring` adds.
    pub monitoring: Monitoring,
}

/// What `install --monitoring` adds to the operator.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Monitoring {
    #[default]
    Off,
    /// The metrics Service only: the cluster serves no Prometheus Operator CRDs.
    Service,
    /// The metrics Service, a ServiceMonitor and a PrometheusRule.
    PrometheusOperator,
}

impl Default for Options {
    fn default() -> Self {
        Self {
            namespace: DEFAULT_NAMESPACE.to_string(),
            image: default_image(),
            crds_only: false,
            placement: Default::default(),
            monitoring: Monitoring::Off,
        }
    }
}

/// The image of this hgctl's version, so an install never runs a different operator than the CLI.
pub fn default_image() -> String {
    format!("{IMAGE_REPOSITORY}:v{}", env!("CARGO_PKG_VERSION"))
}

/// The pod security of hgctl's own pods (the operator, the doctor's probe): the image's
/// non-root user, numeric so the kubelet can verify it, `RuntimeDefault` seccomp (`restricted`).
pub fn own_pod_security() -> PodSecurityContext {
    PodSecurityContext {
        run_as_non_root: Some(true),
        run_as_user: Some(RUN_AS_USER),
        run_as_group: Some(RUN_AS_USER),
        seccomp_profile: Some(SeccompProfile {
            type_: "RuntimeDefault".into(),
            ..Default::default()
        }),
        ..Default::default()
    }
}

/// The container security of hgctl's own pods: nothing to escalate, no capability, a
/// read-only root file system.
pub fn own_container_security() -> SecurityContext {
    SecurityContext {
        allow_privilege_escalation: Some(false),
        read_only_root_filesystem: Some(true),
        run_as_non_root: Some(true),
        capabilities: Some(Capabilities {
            drop: Some(vec!["ALL".into()]),
            ..Default::default()
        }),
        seccomp_profile: Some(SeccompProfile {
            type_: "RuntimeDefault".into(),
            ..Default::default()
        }),
        ..Default::default()
    }
}

/// Name of the ClusterRole and ClusterRoleBinding: cluster-scoped, so it carries the
/// namespace and two installs in different namespaces do not overwrite each other.
pub fn cluster_name(namespace: &str) -> String {
    format!("{NAME}-{namespace}")
}

/// One RBAC rule: an API group, its resources, the verbs, and why the reconcilers need them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rule {
    pub group: &'static str,
    pub resources: &'static [&'static str],
    pub verbs: &'static [&'static str],
    pub why: &'static str,
}

const READ: &[&str] = &["get", "list", "watch"];
const MANAGE: &[&str] = &[
    "get", "list", "watch", "create", "patch", "update", "delete",
];

/// The ClusterRole of the operator: exactly what the reconcilers use, nothing more.
/// The least-privilege end-to-end test reads this table.
pub const CLUSTER_RULES: &[Rule] = &[
    Rule {
        group: api::GROUP,
        resources: &["performers"],
        verbs: MANAGE,
        why: "reconcile Performers; create/delete too because the executor's Role grants them (RBAC forbids granting rights one lacks)",
    },
    Rule {
        group: api::GROUP,
        resources: &[
            "performers/status",
            "hourglassexecutors/status",
            "hourglassexecutors/scale",
        ],
        verbs: &["get", "patch", "update"],
        why: "write status; scale is read and kept in sync with replicas",
    },
    Rule {
        group: api::GROUP,
        resources: &["hourglassexecutors"],
        verbs: &["get", "list", "watch", "patch", "update"],
        why: "reconcile HourglassExecutors (finalizers are patched on the object)",
    },
    Rule {
        group: api::GROUP,
        resources: &["performers/finalizers", "hourglassexecutors/finalizers"],
        verbs: &["update"],
        why: "owner references with blockOwnerDeletion on the children",
    },
    Rule {
        group: "",
        resources: &["pods", "services"],
        verbs: MANAGE,
        why: "a Performer is a Pod and a Service performer-<name>",
    },
    Rule {
        group: "",
        resources: &["configmaps"],
        verbs: &["get", "list", "watch", "create", "patch", "delete"],
        why: "the executor reconciler writes and watches <name>-config; no update: writes are server-side apply patches",
    },
    Rule {
        group: "",
        resources: &["secrets"],
        verbs: &["get", "create", "patch", "delete"],
        why: "the executor reconciler reads the key names of the Secret an executor names and writes <name>-keys; both write the namespace performer CA and the serving certificates of Performers with tls.terminate; no list or watch, so it cannot enumerate Secrets",
    },
    Rule {
        group: "apps",
        resources: &["deployments", "statefulsets"],
        verbs: MANAGE,
        why: "an executor runs as a Deployment (memory storage) or a StatefulSet (badger storage)",
    },
    Rule {
        group: "",
        resources: &["serviceaccounts"],
        verbs: MANAGE,
        why: "the executor's ServiceAccount",
    },
    Rule {
        group: "rbac.authorization.k8s.io",
        resources: &["roles", "rolebindings"],
        verbs: MANAGE,
        why: "the executor's Role (performers CRUD, performers/status get, namespaces get) and its binding",
    },
    Rule {
        group: "networking.k8s.io",
        resources: &["networkpolicies"],
        verbs: &["get", "create", "patch", "delete"],
        why: "an executor's optional NetworkPolicy <name>-performers (spec.networkPolicy): read per pass, server-side applied, deleted when turned off; no list or watch",
    },
    Rule {
        group: "",
        resources: &["namespaces"],
        verbs: &["get", "list", "watch"],
        why: "the Pod Security level a namespace enforces shapes its Performers' pods (cached, a change wakes them); the executor's Role grants get on its namespace, so the operator must hold it",
    },
    Rule {
        group: "discovery.k8s.io",
        resources: &["endpointslices"],
        verbs: READ,
        why: "a Performer is Ready only when its Service has a ready endpoint",
    },
    Rule {
        group: "events.k8s.io",
        resources: &["events"],
        verbs: &["create", "patch"],
        why: "record events on the objects it reconciles",
    },
    Rule {
        group: "",
        resources: &["nodes"],
        verbs: READ,
        why: "explain why GPU/TEE pods cannot be scheduled",
    },
    Rule {
        group: "node.k8s.io",
        resources: &["runtimeclasses"],
        verbs: READ,
        why: "check the runtime class a TEE Performer names exists",
    },
    Rule {
        group: "resource.k8s.io",
        resources: &["resourceclaimtemplates"],
        verbs: &["list", "create", "patch", "delete"],
        why: "a Performer with gpuAllocation Dra gets its GPUs from a ResourceClaimTemplate <name>-gpu-<hash>: listed (by label) and created before its pod, earlier ones deleted; no get or watch",
    },
];

/// The Role in the operator's own namespace: leader election only.
pub const LEASE_RULES: &[Rule] = &[Rule {
    group: "coordination.k8s.io",
    resources: &["leases"],
    verbs: &["get", "list", "watch", "create", "patch", "update"],
    why: "leader election on the Lease hgctl-operator, so only one replica reconciles",
}];

/// One object to apply: its API resource (for a dynamic client) and its content.
#[derive(Debug, Clone)]
pub struct Manifest {
    pub resource: ApiResource,
    pub namespaced: bool,
    pub object: DynamicObject,
}

impl Manifest {
    fn new<K>(object: K) -> Result<Self>
    where
        K: Resource<DynamicType = ()> + Serialize,
        K::Scope: ScopeInfo,
    {
        let resource = ApiResource::erase::<K>(&());
        let value = serde_json::to_value(&object)
            .map_err(|e| Error::Internal(format!("serializing {}: {e}", resource.kind)))?;
        let object: DynamicObject = serde_json::from_value(value)
            .map_err(|e| Error::Internal(format!("converting {}: {e}", resource.kind)))?;
        Ok(Self {
            resource,
            namespaced: <K::Scope as ScopeInfo>::NAMESPACED,
            object,
        })
    }

    pub fn kind(&self) -> &str {
        &self.resource.kind
    }

    pub fn name(&self) -> &str {
        self.object.metadata.name.as_deref().unwrap_or_default()
    }

    pub fn namespace(&self) -> Option<&str> {
        self.object.metadata.namespace.as_deref()
    }

    /// `kind/name` as kubectl prints it (`customresourcedefinition.apiextensions.k8s.io/x`).
    pub fn display_name(&self) -> String {
        let kind = self.resource.kind.to_lowercase();
        if self.resource.group.is_empty() {
            format!("{kind}/{}", self.name())
        } else {
            format!("{kind}.{}/{}", self.resource.group, self.name())
        }
    }

    /// Converts back to the typed object (tests, and checks on the Deployment).
    pub fn to_typed<K: serde::de::DeserializeOwned>(&self) -> Result<K> {
        serde_json::to_value(&self.object)
            .and_then(serde_json::from_value)
            .map_err(|e| Error::Internal(format!("converting {}: {e}", self.kind())))
    }
}

/// Whether a kind is namespaced, from k8s-openapi's scope marker types.
pub trait ScopeInfo {
    const NAMESPACED: bool;
}
impl ScopeInfo for k8s_openapi::NamespaceResourceScope {
    const NAMESPACED: bool = true;
}
impl ScopeInfo for k8s_openapi::ClusterResourceScope {
    const NAMESPACED: bool = false;
}

pub(crate) fn labels() -> BTreeMap<String, String> {
    BTreeMap::from([
        ("app.kubernetes.io/name".into(), NAME.into()),
        ("app.kubernetes.io/part-of".into(), "hourglass".into()),
        ("app.kubernetes.io/managed-by".into(), "hgctl".into()),
    ])
}

pub(crate) fn meta(name: &str, namespace: Option<&str>) -> ObjectMeta {
    ObjectMeta {
        name: Some(name.to_string()),
        namespace: namespace.map(str::to_string),
        labels: Some(labels()),
        ..Default::default()
    }
}

fn policy_rules(rules: &[Rule]) -> Vec<PolicyRule> {
    rules
        .iter()
        .map(|r| PolicyRule {
            api_groups: Some(vec![r.group.to_string()]),
            resources: Some(r.resources.iter().map(|s| s.to_string()).collect()),
            verbs: r.verbs.iter().map(|s| s.to_string()).collect(),
            ..Default::default()
        })
        .collect()
}

/// Every object to apply, in apply order: CRDs first (the rest may refer to them), then the
/// namespace, then what lives in it.
pub fn render(options: &Options) -> Result<Vec<Manifest>> {
    let mut out = Vec::new();
    for mut crd in api::crds() {
        crd.metadata
            .labels
            .get_or_insert_with(Default::default)
            .insert("app.kubernetes.io/managed-by".into(), "hgctl".into());
        out.push(Manifest::new(crd)?);
    }
    if options.crds_only {
        return Ok(out);
    }
    let ns = options.namespace.as_str();
    let cluster = cluster_name(ns);
    let subject = Subject {
        kind: "ServiceAccount".into(),
        name: NAME.into(),
        namespace: Some(ns.into()),
        ..Default::default()
    };

    let mut ns_meta = meta(ns, None);
    let ns_labels = ns_meta.labels.get_or_insert_with(Default::default);
    ns_labels.insert(
        "pod-security.kubernetes.io/enforce".into(),
        "restricted".into(),
    );
    ns_labels.insert(
        "pod-security.kubernetes.io/enforce-version".into(),
        "latest".into(),
    );
    out.push(Manifest::new(Namespace {
        metadata: ns_meta,
        ..Default::default()
    })?);
    out.push(Manifest::new(ServiceAccount {
        metadata: meta(NAME, Some(ns)),
        ..Default::default()
    })?);
    out.push(Manifest::new(ClusterRole {
        metadata: meta(&cluster, None),
        rules: Some(policy_rules(CLUSTER_RULES)),
        ..Default::default()
    })?);
    out.push(Manifest::new(ClusterRoleBinding {
        metadata: meta(&cluster, None),
        role_ref: RoleRef {
            api_group: Some("rbac.authorization.k8s.io".into()),
            kind: "ClusterRole".into(),
            name: cluster.clone(),
        },
        subjects: Some(vec![subject.clone()]),
    })?);
    out.push(Manifest::new(Role {
        metadata: meta(NAME, Some(ns)),
        rules: Some(policy_rules(LEASE_RULES)),
    })?);
    out.push(Manifest::new(RoleBinding {
        metadata: meta(NAME, Some(ns)),
        role_ref: RoleRef {
            api_group: Some("rbac.authorization.k8s.io".into()),
            kind: "Role".into(),
            name: NAME.into(),
        },
        subjects: Some(vec![subject]),
    })?);
    out.push(Manifest::new(deployment(ns, options))?);
    if options.monitoring != Monitoring::Off {
        out.push(Manifest::new(super::monitoring::metrics_service(ns))?);
    }
    if options.monitoring == Monitoring::PrometheusOperator {
        out.push(Manifest {
            resource: super::monitoring::service_monitor_resource(),
            namespaced: true,
            object: super::monitoring::service_monitor(ns)?,
        });
        out.push(Manifest {
            resource: super::monitoring::prometheus_rule_resource(),
            namespaced: true,
            object: super::monitoring::prometheus_rule(ns)?,
        });
    }
    Ok(out)
}

fn deployment(ns: &str, options: &Options) -> Deployment {
    let image = options.image.as_str();
    let selector = BTreeMap::from([("app.kubernetes.io/name".to_string(), NAME.to_string())]);
    let probe = |path: &str, period: i32| Probe {
        http_get: Some(HTTPGetAction {
            path: Some(path.into()),
            port: IntOrString::String("health".into()),
            ..Default::default()
        }),
        period_seconds: Some(period),
        initial_delay_seconds: Some(5),
        ..Default::default()
    };
    let container = Container {
        name: "operator".into(),
        image: Some(image.into()),
        image_pull_policy: Some("IfNotPresent".into()),
        args: Some(
            [
                "operator",
                "--health-addr",
                &format!("0.0.0.0:{HEALTH_PORT}"),
                "--metrics-addr",
                &format!("0.0.0.0:{METRICS_PORT}"),
                "-A",
                // The Role grants leases only in the operator's own namespace.
                "--lease-namespace",
                ns,
            ]
            .map(String::from)
            .to_vec(),
        ),
        env: Some(vec![EnvVar {
            // The leader-election Lease lives in the pod's own namespace.
            name: "POD_NAMESPACE".into(),
            value_from: Some(EnvVarSource {
                field_ref: Some(ObjectFieldSelector {
                    field_path: "metadata.namespace".into(),
                    ..Default::default()
                }),
                ..Default::default()
            }),
            ..Default::default()
        }]),
        ports: Some(vec![
            ContainerPort {
                name: Some("health".into()),
                container_port: HEALTH_PORT,
                protocol: Some("TCP".into()),
                ..Default::default()
            },
            ContainerPort {
                name: Some("metrics".into()),
                container_port: METRICS_PORT,
                protocol: Some("TCP".into()),
                ..Default::default()
            },
        ]),
        liveness_probe: Some(probe("/healthz", 20)),
        readiness_probe: Some(probe("/readyz", 10)),
        resources: Some(ResourceRequirements {
            requests: Some(BTreeMap::from([
                ("cpu".into(), Quantity("50m".into())),
                ("memory".into(), Quantity("64Mi".into())),
            ])),
            limits: Some(BTreeMap::from([(
                "memory".into(),
                Quantity("256Mi".into()),
            )])),
            ..Default::default()
        }),
        security_context: Some(own_container_security()),
        ..Default::default()
    };
    let mut pod_labels = labels();
    pod_labels.extend(selector.clone());
    Deployment {
        metadata: meta(NAME, Some(ns)),
        spec: DeploymentSpec {
            replicas: Some(1),
            selector: LabelSelector {
                match_labels: Some(selector),
                ..Default::default()
            },
            // Recreate: with leader election a surge replica would only wait for the lease.
            strategy: Some(DeploymentStrategy {
                type_: Some("Recreate".into()),
                ..Default::default()
            }),
            template: PodTemplateSpec {
                metadata: Some(ObjectMeta {
                    labels: Some(pod_labels),
                    ..Default::default()
                }),
                spec: Some(PodSpec {
                    service_account_name: Some(NAME.into()),
                    security_context: Some(own_pod_security()),
                    containers: vec![container],
                    termination_grace_period_seconds: Some(30),
                    ..Default::default()
                })
                .map(|mut spec| {
                    options.placement.apply(&mut spec);
                    spec
                }),
            },
            ..Default::default()
        },
        ..Default::default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn all() -> Vec<Manifest> {
        render(&Options::default()).unwrap()
    }

    fn find<'a>(manifests: &'a [Manifest], kind: &str) -> &'a Manifest {
        manifests
            .iter()
            .find(|m| m.kind() == kind)
            .unwrap_or_else(|| panic!("no {kind}"))
    }

    #[test]
    fn renders_every_object_in_apply_order() {
        let kinds: Vec<(String, String)> = all()
            .iter()
            .map(|m| (m.kind().to_string(), m.name().to_string()))
            .collect();
        let expected = [
            (
                "CustomResourceDefinition",
                "performers.hourglass.eigenlayer.io",
            ),
            (
                "CustomResourceDefinition",
                "hourglassexecutors.hourglass.eigenlayer.io",
            ),
            ("Namespace", "hourglass-system"),
            ("ServiceAccount", "hgctl-operator"),
            ("ClusterRole", "hgctl-operator-hourglass-system"),
            ("ClusterRoleBinding", "hgctl-operator-hourglass-system"),
            ("Role", "hgctl-operator"),
            ("RoleBinding", "hgctl-operator"),
            ("Deployment", "hgctl-operator"),
        ];
        let expected: Vec<(String, String)> = expected
            .iter()
            .map(|(k, n)| (k.to_string(), n.to_string()))
            .collect();
        assert_eq!(kinds, expected);
    }

    #[test]
    fn placement_flags_pin_the_operator_pod_and_nothing_else() {
        let placement = crate::scaffold::flags::placement(
            "--node-selector",
            &["pool=ops".into()],
            &["dedicated=ops:NoSchedule".into()],
        )
        .unwrap();
        let spec = deployment(
            "ops",
            &Options {
                placement,
                ..Options::default()
            },
        )
        .spec
        .template
        .spec
        .unwrap();
        assert_eq!(spec.node_selector.unwrap()["pool"], "ops");
        let t = &spec.tolerations.unwrap()[0];
        assert_eq!(
            (t.key.as_deref(), t.value.as_deref(), t.effect.as_deref()),
            (Some("dedicated"), Some("ops"), Some("NoSchedule"))
        );
        let plain = deployment("ops", &Options::default())
            .spec
            .template
            .spec
            .unwrap();
        assert!(plain.node_selector.is_none() && plain.tolerations.is_none());
    }

    #[test]
    fn monitoring_adds_the_metrics_service_and_the_prometheus_operator_objects() {
        let kinds = |monitoring| -> Vec<String> {
            render(&Options {
                monitoring,
                ..Options::default()
            })
            .unwrap()
            .iter()
            .map(|m| m.kind().to_string())
            .collect()
        };
        let off = kinds(Monitoring::Off);
        let service = kinds(Monitoring::Service);
        let full = kinds(Monitoring::PrometheusOperator);
        assert_eq!(&service[..off.len()], &off[..]);
        assert_eq!(&service[off.len()..], ["Service"]);
        assert_eq!(
            &full[off.len()..],
            ["Service", "ServiceMonitor", "PrometheusRule"]
        );
        let all = render(&Options {
            monitoring: Monitoring::PrometheusOperator,
            ..Options::default()
        })
        .unwrap();
        let rule = all.iter().find(|m| m.kind() == "PrometheusRule").unwrap();
        assert_eq!(
            rule.object.types.as_ref().unwrap().api_version,
            "monitoring.coreos.com/v1"
        );
        assert_eq!(rule.namespace(), Some(DEFAULT_NAMESPACE));
    }

    #[test]
    fn crds_only_renders_only_the_crds() {
        let m = render(&Options {
            crds_only: true,
            ..Options::default()
        })
        .unwrap();
        assert_eq!(m.len(), 2);
        assert!(m.iter().all(|m| m.kind() == "CustomResourceDefinition"));
    }

    #[test]
    fn every_object_carries_api_version_kind_and_its_namespace() {
        let m = render(&Options {
            namespace: "ops".into(),
            ..Options::default()
        })
        .unwrap();
        for manifest in &m {
            let types = manifest.object.types.as_ref().expect("apiVersion/kind");
            assert_eq!(types.kind, manifest.kind());
            assert_eq!(types.api_version, manifest.resource.api_version);
            if manifest.namespaced {
                assert_eq!(manifest.namespace(), Some("ops"), "{}", manifest.kind());
            } else {
                assert_eq!(manifest.namespace(), None, "{}", manifest.kind());
            }
        }
        let crb: ClusterRoleBinding = find(&m, "ClusterRoleBinding").to_typed().unwrap();
        let subject = &crb.subjects.unwrap()[0];
        assert_eq!(subject.namespace.as_deref(), Some("ops"));
        assert_eq!(crb.role_ref.name, "hgctl-operator-ops");
    }

    #[test]
    fn the_namespace_enforces_the_restricted_pod_security_level() {
        let ns: Namespace = find(&all(), "Namespace").to_typed().unwrap();
        assert_eq!(
            ns.metadata.labels.unwrap()["pod-security.kubernetes.io/enforce"],
            "restricted"
        );
    }

    #[test]
    fn the_deployment_runs_the_operator_under_the_restricted_profile() {
        let d: Deployment = find(&all(), "Deployment").to_typed().unwrap();
        let spec = d.spec;
        assert_eq!(spec.replicas, Some(1));
        let pod = spec.template.spec.unwrap();
        assert_eq!(pod.service_account_name.as_deref(), Some(NAME));
        let c = &pod.containers[0];
        assert_eq!(c.image.as_deref(), Some(default_image().as_str()));
        assert_eq!(
            c.args.as_ref().unwrap(),
            &[
                "operator",
                "--health-addr",
                "0.0.0.0:8081",
                "--metrics-addr",
                "0.0.0.0:9464",
                "-A",
                "--lease-namespace",
                "hourglass-system"
            ]
        );
        let sc = c.security_context.as_ref().unwrap();
        assert_eq!(sc.run_as_non_root, Some(true));
        assert_eq!(sc.read_only_root_filesystem, Some(true));
        assert_eq!(sc.allow_privilege_escalation, Some(false));
        assert_eq!(
            sc.capabilities.as_ref().unwrap().drop.as_deref(),
            Some(&["ALL".to_string()][..])
        );
        assert_eq!(sc.seccomp_profile.as_ref().unwrap().type_, "RuntimeDefault");
        let ports: Vec<(&str, i32)> = c
            .ports
            .as_ref()
            .unwrap()
            .iter()
            .map(|p| (p.name.as_deref().unwrap(), p.container_port))
            .collect();
        assert_eq!(ports, [("health", 8081), ("metrics", 9464)]);
        let path = |p: &Option<Probe>| p.as_ref().unwrap().http_get.as_ref().unwrap().path.clone();
        assert_eq!(path(&c.liveness_probe).as_deref(), Some("/healthz"));
        assert_eq!(path(&c.readiness_probe).as_deref(), Some("/readyz"));
        let requests = c.resources.as_ref().unwrap().requests.as_ref().unwrap();
        assert!(requests.contains_key("cpu") && requests.contains_key("memory"));
    }

    #[test]
    fn image_flag_is_used_verbatim() {
        let m = render(&Options {
            image: "registry.example/hgctl:dev".into(),
            ..Options::default()
        })
        .unwrap();
        let d: Deployment = find(&m, "Deployment").to_typed().unwrap();
        assert_eq!(
            d.spec.template.spec.unwrap().containers[0].image.as_deref(),
            Some("registry.example/hgctl:dev")
        );
        assert_eq!(
            default_image(),
            format!("ghcr.io/hgctl/hgctl:v{}", env!("CARGO_PKG_VERSION"))
        );
    }

    #[test]
    fn rbac_is_least_privilege() {
        let rules = CLUSTER_RULES;
        let grants = |group: &str, resource: &str, verb: &str| {
            rules.iter().any(|r| {
                r.group == group && r.resources.contains(&resource) && r.verbs.contains(&verb)
            })
        };
        // No wildcards, no escalation verbs, nothing on RBAC cluster-wide objects.
        for r in rules.iter().chain(LEASE_RULES) {
            assert!(
                !r.verbs.contains(&"*") && !r.resources.contains(&"*"),
                "{r:?}"
            );
            for verb in ["escalate", "bind", "impersonate", "deletecollection"] {
                assert!(!r.verbs.contains(&verb), "{r:?}");
            }
        }
        assert!(!grants(
            "rbac.authorization.k8s.io",
            "clusterroles",
            "create"
        ));
        assert!(!grants("", "nodes", "update") && !grants("", "nodes", "delete"));
        assert!(!grants("", "secrets", "update"));
        assert!(!grants("", "namespaces", "delete") && !grants("", "namespaces", "patch"));
        assert!(
            !grants("coordination.k8s.io", "leases", "get"),
            "leases only in its namespace"
        );
        // What the reconcilers need.
        assert!(grants(api::GROUP, "performers/status", "patch"));
        assert!(grants(api::GROUP, "hourglassexecutors/scale", "update"));
        assert!(grants("", "pods", "create") && grants("", "services", "delete"));
        assert!(grants("events.k8s.io", "events", "create"));
        assert!(grants("node.k8s.io", "runtimeclasses", "list"));
        // The executor's Role grants these, so the operator must hold them.
        for verb in ["create", "get", "list", "watch", "update", "delete"] {
            assert!(grants(api::GROUP, "performers", verb), "performers {verb}");
        }
        assert!(grants("", "namespaces", "get"));
        // The Performer reconciler caches namespaces for their Pod Security level.
        assert!(grants("", "namespaces", "list") && grants("", "namespaces", "watch"));
        for verb in ["get", "create", "patch", "delete"] {
            assert!(
                grants("networking.k8s.io", "networkpolicies", verb),
                "networkpolicies {verb}"
            );
        }
        for verb in ["list", "watch", "update"] {
            assert!(
                !grants("networking.k8s.io", "networkpolicies", verb),
                "networkpolicies {verb}"
            );
        }
    }

    #[test]
    fn rendered_rules_match_the_table() {
        let role: ClusterRole = find(&all(), "ClusterRole").to_typed().unwrap();
        assert_eq!(role.rules.unwrap(), policy_rules(CLUSTER_RULES));
        let role: Role = find(&all(), "Role").to_typed().unwrap();
        assert_eq!(role.rules.unwrap(), policy_rules(LEASE_RULES));
    }
}
