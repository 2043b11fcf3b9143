//! Desired state of a Performer: its Pod and its Service. Pure: spec in,
//! Kubernetes objects out, no I/O. Hardware requirements go through
//! [`crate::hardware`], the one table of GPU/TEE conventions.

use std::collections::BTreeMap;

use k8s_openapi::api::core::v1::{
    Affinity, Capabilities, Container, ContainerPort, EnvVar, EnvVarSource, GRPCAction, Lifecycle,
    LifecycleHandler, NodeAffinity, NodeSelector, NodeSelectorRequirement, NodeSelectorTerm, Pod,
    PodResourceClaim, PodSecurityContext, PodSpec, Probe, ResourceClaim, ResourceRequirements,
    SeccompProfile, SecretVolumeSource, SecurityContext, Service, ServicePort, ServiceSpec,
    SleepAction, TCPSocketAction, Toleration, Volume, VolumeMount,
};
use k8s_openapi::api::resource::v1::{
    CELDeviceSelector, DeviceClaim, DeviceRequest, DeviceSelector, ExactDeviceRequest,
    ResourceClaimSpec, ResourceClaimTemplate, ResourceClaimTemplateSpec,
};
use k8s_openapi::apimachinery::pkg::api::resource::Quantity;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::{ObjectMeta, OwnerReference};
use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;
use kube::Resource;

use crate::api::Performer;
use crate::api::performer::HardwareRequirements;
use crate::api::performer::ProbeProtocol;
use crate::hardware;
use crate::validate::SERVICE_PREFIX;

/// `app=hourglass-performer`: upstream's label, on every Pod and Service.
pub const LABEL_APP: &str = "app";
pub const APP_PERFORMER: &str = "hourglass-performer";
/// The owning Performer's name.
pub const LABEL_PERFORMER: &str = "hourglass.eigenlayer.io/performer";
/// The AVS address the Performer serves.
pub const LABEL_AVS: &str = "hourglass.eigenlayer.io/avs";
/// Hash of the rendered pod template; the Service selects the serving hash.
pub const LABEL_TEMPLATE_HASH: &str = "hourglass.eigenlayer.io/pod-template-hash";
/// Name of the performer container.
pub const CONTAINER_NAME: &str = "performer";
/// Name of the gRPC port on the container and the Service.
pub const GRPC_PORT_NAME: &str = "grpc";
/// The TLS sidecar (`spec.tls.terminate`): its container, named port and certificate mount.
pub const TLS_CONTAINER_NAME: &str = "tls-proxy";
pub const TLS_PORT_NAME: &str = "grpc-tls";
const TLS_MOUNT: &str = "/etc/hgctl/tls";

/// Taints the node lifecycle controller puts on a node that stops reporting (`not-ready`: the
/// kubelet says so; `unreachable`: the kubelet is silent).
pub const NODE_LOSS_TAINTS: [&str; 2] = [
    "node.kubernetes.io/not-ready",
    "node.kubernetes.io/unreachable",
];

/// How long a Performer's pod stays bound to a node that stopped reporting before the node
/// lifecycle controller evicts it (and hgctl starts a replacement). Kubernetes' default is
/// 300 s; a Performer is a single pod, so every second of a lost node is downtime, and the
/// controller only applies the taint after `--node-monitor-grace-period` (50 s) of silence
/// anyway, so a kubelet restart does not evict. Users of Deployments shorten it the same way.
/// A toleration of the same taint in `spec.scheduling.tolerations` replaces this default.
pub const NODE_LOSS_TOLERATION_SECONDS: i64 = 30;

/// Settings that are not in the spec.
#[derive(Debug, Clone)]
pub struct RenderContext {
    /// Cluster DNS domain for `grpcEndpoint` (default `cluster.local`).
    pub cluster_domain: String,
}

impl Default for RenderContext {
    fn default() -> Self {
        Self {
            cluster_domain: "cluster.local".into(),
        }
    }
}

/// A spec that cannot be turned into a Pod (the CRD rules normally prevent these).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct RenderError(pub String);

/// The Pod Security Admission label whose value is the level a namespace enforces.
pub const POD_SECURITY_ENFORCE_LABEL: &str = "pod-security.kubernetes.io/enforce";

/// Non-root uid a Performer runs as in a namespace that enforces `restricted` and whose spec
/// names no user (distroless `nonroot`, the executor pod's uid too). Numeric, so the kubelet
/// can verify `runAsNonRoot` even for an image whose USER is root or a name.
pub const RESTRICTED_RUN_AS_USER: i64 = crate::install::manifests::RUN_AS_USER;

/// The Pod Security level the Performer's namespace enforces: the one input of the security
/// defaults. Images that run as root (the upstream AVS template and demo images, what the
/// executor's docker mode runs) run unchanged unless the namespace enforces `restricted`; there
/// the pod runs as a numeric non-root user so that admission takes it and the kubelet never
/// refuses it (`CreateContainerConfigError`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum PodSecurityLevel {
    /// No label, `privileged` or `baseline`: root images are allowed.
    #[default]
    Unrestricted,
    /// `restricted`, or a value Pod Security Admission does not know (the strictest reading).
    Restricted,
}

impl PodSecurityLevel {
    /// The level the namespace's `pod-security.kubernetes.io/enforce` label names.
    pub fn from_namespace_labels(labels: Option<&BTreeMap<String, String>>) -> Self {
        match labels.and_then(|l| l.get(POD_SECURITY_ENFORCE_LABEL)) {
            None => Self::Unrestricted,
            Some(v) if v == "privileged" || v == "baseline" => Self::Unrestricted,
            Some(_) => Self::Restricted,
        }
    }
}

/// `performer-<name>`: the Service name the real executor dials.
pub fn service_name(performer_name: &str) -> String {
    format!("{SERVICE_PREFIX}{performer_name}")
}

/// `performer-<name>.<ns>.svc.<domain>:<port>`.
pub fn grpc_endpoint(performer_name: &str, namespace: &str, domain: &str, port: i32) -> String {
    format!(
        "{}.{namespace}.svc.{domain}:{port}",
        service_name(performer_name)
    )
}

/// Labels every child of a Performer carries (upstream's three plus app.kubernetes.io/*).
pub fn common_labels(p: &Performer) -> BTreeMap<String, String> {
    let name = p.metadata.name.clone().unwrap_or_default();
    let mut labels = BTreeMap::new();
    labels.insert(LABEL_APP.into(), APP_PERFORMER.into());
    labels.insert(LABEL_PERFORMER.into(), name.clone());
    if crate::validate::is_label_value(&p.spec.avs_address) {
        labels.insert(LABEL_AVS.into(), p.spec.avs_address.clone());
    }
    labels.insert("app.kubernetes.io/name".into(), APP_PERFORMER.into());
    labels.insert("app.kubernetes.io/instance".into(), name);
    labels.insert("app.kubernetes.io/component".into(), "performer".into());
    labels.insert("app.kubernetes.io/managed-by".into(), "hgctl".into());
    if let Some(v) = p
        .spec
        .version
        .as_ref()
        .filter(|v| crate::validate::is_label_value(v))
    {
        labels.insert("app.kubernetes.io/version".into(), v.clone());
    }
    labels
}

/// Label selector of every pod of one Performer.
pub fn pods_selector(performer_name: &str) -> String {
    format!("{LABEL_PERFORMER}={performer_name}")
}

pub(crate) fn owner_reference(p: &Performer) -> Option<OwnerReference> {
    p.controller_owner_ref(&())
}

/// The DRA claim of the Performer's GPUs, when it asks for them through DRA.
pub fn dra_gpu_claim(p: &Performer) -> Option<hardware::DraGpuClaim> {
    let hw = p.spec.hardware_requirements.as_ref()?;
    hw.gpu_request()?.dra_claim().ok().flatten()
}

/// `<performer>-gpu-<hash of the claim>`: a ResourceClaimTemplate's spec cannot change, so a
/// changed request is a new template (and, the pod naming it, a new pod).
pub fn gpu_claim_template_name(p: &Performer, claim: &hardware::DraGpuClaim) -> String {
    let name = p.metadata.name.clone().unwrap_or_default();
    let text = format!(
        "{}/{}/{}",
        claim.device_class,
        claim.count,
        claim.products.join(",")
    );
    format!("{name}-gpu-{}", super::hash(&text))
}

/// The ResourceClaimTemplate a DRA Performer's pod names: `count` whole GPUs of the model
/// from the DeviceClass, owned by the Performer.
pub fn desired_gpu_claim_template(p: &Performer) -> Option<ResourceClaimTemplate> {
    let claim = dra_gpu_claim(p)?;
    let name = gpu_claim_template_name(p, &claim);
    let mut labels = BTreeMap::new();
    labels.insert(LABEL_APP.to_string(), APP_PERFORMER.to_string());
    labels.insert(
        LABEL_PERFORMER.to_string(),
        p.metadata.name.clone().unwrap_or_default(),
    );
    Some(ResourceClaimTemplate {
        metadata: ObjectMeta {
            name: Some(name),
            namespace: p.metadata.namespace.clone(),
            labels: Some(labels),
            owner_references: owner_reference(p).map(|o| vec![o]),
            ..Default::default()
        },
        spec: Some(ResourceClaimTemplateSpec {
            metadata: None,
            spec: Some(ResourceClaimSpec {
                devices: Some(DeviceClaim {
                    requests: Some(vec![DeviceRequest {
                        name: hardware::DRA_CLAIM_NAME.into(),
                        exactly: Some(ExactDeviceRequest {
                            device_class_name: claim.device_class.clone(),
                            allocation_mode: Some("ExactCount".into()),
                            count: Some(i64::from(claim.count)),
                            selectors: Some(vec![DeviceSelector {
                                cel: Some(CELDeviceSelector {
                                    expression: claim.cel(),
                                }),
                            }]),
                            ..Default::default()
                        }),
                        first_available: None,
                    }]),
                    ..Default::default()
                }),
            }),
        }),
    })
}

/// The rendered pod of a Performer and the hash that names it.
#[derive(Debug, Clone)]
pub struct DesiredPod {
    pub pod: Pod,
    pub hash: String,
}

/// Renders the Pod for a namespace that does not enforce `restricted` (see
/// [`desired_pod_in`]).
pub fn desired_pod(p: &Performer) -> Result<DesiredPod, RenderError> {
    desired_pod_in(p, PodSecurityLevel::default())
}

/// Renders the Pod for a namespace enforcing `level`. Its name carries a hash of the
/// template, so any change that alters the pod (image, env, resources, scheduling, hardware,
/// the namespace's level ...) makes a new pod.
pub fn desired_pod_in(p: &Performer, level: PodSecurityLevel) -> Result<DesiredPod, RenderError> {
    let name = p
        .metadata
        .name
        .clone()
        .ok_or_else(|| RenderError("the Performer has no name".into()))?;
    let spec = pod_spec(p, level)?;
    let mut labels = common_labels(p);
    let hash = template_hash(&spec, &labels);
    labels.insert(LABEL_TEMPLATE_HASH.into(), hash.clone());
    let pod = Pod {
        metadata: ObjectMeta {
            name: Some(format!("{}-{hash}", service_name(&name))),
            namespace: p.metadata.namespace.clone(),
            labels: Some(labels),
            annotations: hardware_annotations(p),
            owner_references: owner_reference(p).map(|o| vec![o]),
            ..Default::default()
        },
        spec: Some(spec),
        status: None,
    };
    Ok(DesiredPod { pod, hash })
}

/// Renders the Service, selecting the pods whose template hash is `serving_hash`
/// (all pods of the Performer when it is empty).
pub fn desired_service(p: &Performer, serving_hash: &str) -> Service {
    let name = p.metadata.name.clone().unwrap_or_default();
    let port = p.spec.grpc_port();
    let mut selector = BTreeMap::new();
    selector.insert(LABEL_PERFORMER.to_string(), name.clone());
    // An empty hash selects every pod of the Performer (during a handover).
    if !serving_hash.is_empty() {
        selector.insert(LABEL_TEMPLATE_HASH.to_string(), serving_hash.to_string());
    }
    Service {
        metadata: ObjectMeta {
            name: Some(service_name(&name)),
            namespace: p.metadata.namespace.clone(),
            labels: Some(common_labels(p)),
            owner_references: owner_reference(p).map(|o| vec![o]),
            ..Default::default()
        },
        spec: Some(ServiceSpec {
            type_: Some("ClusterIP".into()),
            selector: Some(selector),
            ports: Some(vec![ServicePort {
                name: Some(GRPC_PORT_NAME.into()),
                port,
                // With TLS the executor's dial of the Service's port reaches the sidecar.
                target_port: Some(IntOrString::Int(if terminates_tls(p) {
                    tls_port(port)
                } else {
                    port
                })),
                protocol: Some("TCP".into()),
                app_protocol: Some("grpc".into()),
                ..Default::default()
            }]),
            ..Default::default()
        }),
        status: None,
    }
}

/// The sidecar's port: 8443, unless the performer uses it.
pub fn tls_port(grpc_port: i32) -> i32 {
    if grpc_port == 8443 { 9443 } else { 8443 }
}

/// Whether the Performer's pod terminates TLS in a sidecar.
pub fn terminates_tls(p: &Performer) -> bool {
    p.spec.tls.as_ref().is_some_and(|t| t.terminate)
}

/// The sidecar that terminates TLS on [`tls_port`] with the Performer's serving certificate
/// and forwards each connection to the performer on localhost.
fn tls_sidecar(p: &Performer, image: &str) -> (Container, Volume) {
    let port = p.spec.grpc_port();
    let name = p.metadata.name.as_deref().unwrap_or_default();
    let container = Container {
        name: TLS_CONTAINER_NAME.into(),
        image: Some(image.into()),
        image_pull_policy: Some("IfNotPresent".into()),
        args: Some(vec![
            "tls-proxy".into(),
            "--listen".into(),
            format!("0.0.0.0:{}", tls_port(port)),
            "--upstream".into(),
            format!("127.0.0.1:{port}"),
            "--cert".into(),
            format!("{TLS_MOUNT}/{}", crate::tls::CERT_KEY),
            "--key".into(),
            format!("{TLS_MOUNT}/{}", crate::tls::KEY_KEY),
        ]),
        ports: Some(vec![ContainerPort {
            name: Some(TLS_PORT_NAME.into()),
            container_port: tls_port(port),
            protocol: Some("TCP".into()),
            ..Default::default()
        }]),
        readiness_probe: Some(Probe {
            tcp_socket: Some(TCPSocketAction {
                port: IntOrString::Int(tls_port(port)),
                ..Default::default()
            }),
            period_seconds: Some(5),
            ..Default::default()
        }),
        resources: Some(ResourceRequirements {
            requests: Some(BTreeMap::from([
                ("cpu".into(), Quantity("10m".into())),
                ("memory".into(), Quantity("16Mi".into())),
            ])),
            limits: Some(BTreeMap::from([("memory".into(), Quantity("64Mi".into()))])),
            ..Default::default()
        }),
        volume_mounts: Some(vec![VolumeMount {
            name: TLS_CONTAINER_NAME.into(),
            mount_path: TLS_MOUNT.into(),
            read_only: Some(true),
            ..Default::default()
        }]),
        security_context: Some(crate::install::manifests::own_container_security()),
        ..Default::default()
    };
    let volume = Volume {
        name: TLS_CONTAINER_NAME.into(),
        secret: Some(SecretVolumeSource {
            secret_name: Some(crate::tls::serving_secret_name(name)),
            ..Default::default()
        }),
        ..Default::default()
    };
    (container, volume)
}

/// FNV-1a over the canonical JSON of the template: stable across runs and
/// versions of hgctl as long as the rendered pod is the same.
pub fn template_hash(spec: &PodSpec, labels: &BTreeMap<String, String>) -> String {
    super::hash(&serde_json::to_string(&(spec, labels)).unwrap_or_default())
}

/// Refuses what the CRD schema lets through but a Pod may not hold, so every
/// rendered Pod passes the API server's validation (the property test checks it).
fn check_pod_fields(p: &Performer) -> Result<(), RenderError> {
    use crate::validate::{is_dns1123_subdomain, is_env_name, is_label_key, is_label_value};
    let spec = &p.spec;
    let port = spec.grpc_port();
    if !(1..=65535).contains(&port) {
        return Err(RenderError(format!(
            "config.grpcPort {port} is not a port (1-65535)"
        )));
    }
    let labels = |field: &str, map: Option<&BTreeMap<String, String>>| -> Result<(), RenderError> {
        for (k, v) in map.into_iter().flatten() {
            if !is_label_key(k) {
                return Err(RenderError(format!(
                    "{field}: {k:?} is not a valid label key"
                )));
            }
            if !is_label_value(v) {
                return Err(RenderError(format!(
                    "{field}: {v:?} (for {k}) is not a valid label value"
                )));
            }
        }
        Ok(())
    };
    let scheduling = spec.scheduling.as_ref();
    labels(
        "scheduling.nodeSelector",
        scheduling.and_then(|s| s.node_selector.as_ref()),
    )?;
    labels(
        "hardwareRequirements.customLabels",
        spec.hardware_requirements
            .as_ref()
            .and_then(|h| h.custom_labels.as_ref()),
    )?;
    let config = spec.config.as_ref();
    let env_names = config
        .and_then(|c| c.environment.as_ref())
        .into_iter()
        .flat_map(|e| e.keys())
        .chain(
            config
                .and_then(|c| c.environment_from.as_ref())
                .into_iter()
                .flatten()
                .map(|e| &e.name),
        );
    for name in env_names {
        if !is_env_name(name) {
            return Err(RenderError(format!(
                "config.environment: {name:?} is not a valid environment variable name"
            )));
        }
    }
    for (field, name) in [
        (
            "scheduling.runtimeClass",
            scheduling.and_then(|s| s.runtime_class.as_ref()),
        ),
        (
            "scheduling.priorityClassName",
            scheduling.and_then(|s| s.priority_class_name.as_ref()),
        ),
        (
            "config.serviceAccountName",
            config.and_then(|c| c.service_account_name.as_ref()),
        ),
    ] {
        if let Some(name) = name
            && !is_dns1123_subdomain(name)
        {
            return Err(RenderError(format!(
                "{field}: {name:?} is not a valid name"
            )));
        }
    }
    if spec.image.trim() != spec.image || spec.image.is_empty() {
        return Err(RenderError(
            "image must not be empty or start or end with white space".into(),
        ));
    }
    if let Some(resources) = spec.resources.as_ref() {
        for (name, q) in resources
            .limits
            .iter()
            .flatten()
            .chain(resources.requests.iter().flatten())
        {
            if !crate::quantity::is_quantity(&q.0) {
                return Err(RenderError(format!(
                    "resources: {name}: {:?} is not a quantity (e.g. 500m, 2, 4Gi)",
                    q.0
                )));
            }
        }
    }
    Ok(())
}

/// Tolerates a lost node for [`NODE_LOSS_TOLERATION_SECONDS`] (Kubernetes' default is 300 s)
/// unless the spec tolerates the node-loss taints itself.
fn add_node_loss_tolerations(tolerations: &mut Vec<Toleration>) {
    for key in NODE_LOSS_TAINTS {
        let user_set = tolerations.iter().any(|t| {
            t.key.as_deref().is_none_or(|k| k == key)
                && t.effect.as_deref().is_none_or(|e| e == "NoExecute")
        });
        if !user_set {
            tolerations.push(Toleration {
                key: Some(key.into()),
                operator: Some("Exists".into()),
                effect: Some("NoExecute".into()),
                toleration_seconds: Some(NODE_LOSS_TOLERATION_SECONDS),
                ..Default::default()
            });
        }
    }
}

fn pod_spec(p: &Performer, level: PodSecurityLevel) -> Result<PodSpec, RenderError> {
    check_pod_fields(p)?;
    let spec = &p.spec;
    let config = spec.config.clone().unwrap_or_default();
    let scheduling = spec.scheduling.clone().unwrap_or_default();
    let hardware = spec.hardware_requirements.clone().unwrap_or_default();
    let port = spec.grpc_port();

    let mut resources = spec.resources.clone().unwrap_or_default();
    let mut tolerations = scheduling.tolerations.clone().unwrap_or_default();
    let mut runtime_class = scheduling.runtime_class.clone();
    let mut groups: Vec<Vec<Vec<NodeSelectorRequirement>>> = Vec::new();

    let placement = hardware_placement(&hardware, &resources)?;
    let gpu_toleration = Toleration {
        key: Some(hardware::GPU_TAINT_KEY.into()),
        operator: Some("Exists".into()),
        effect: Some("NoSchedule".into()),
        ..Default::default()
    };
    let mut pod_claims = Vec::new();
    if let Some(claim) = &placement.dra {
        // The claim's device selector places the pod: no resource, no node labels.
        add_toleration(&mut tolerations, gpu_toleration.clone());
        resources
            .claims
            .get_or_insert_with(Vec::new)
            .push(ResourceClaim {
                name: hardware::DRA_CLAIM_NAME.into(),
                request: None,
            });
        pod_claims.push(PodResourceClaim {
            name: hardware::DRA_CLAIM_NAME.into(),
            resource_claim_template_name: Some(gpu_claim_template_name(p, claim)),
            resource_claim_name: None,
        });
    }
    if let Some(gpu) = &placement.gpu {
        set_limit(&mut resources, &gpu.resource, &gpu.count.to_string());
        groups.push(gpu.terms.clone());
        add_toleration(&mut tolerations, gpu_toleration);
        if runtime_class.is_none() {
            runtime_class = gpu.runtime_class.map(str::to_string);
        }
    }
    if let Some(tee) = &placement.tee {
        for (resource, quantity) in &tee.resources {
            set_limit(&mut resources, resource, quantity);
        }
        if !tee.terms.is_empty() {
            groups.push(tee.terms.clone());
        }
        if runtime_class.is_none() {
            runtime_class = tee.runtime_class.map(str::to_string);
        }
    }

    for (key, value) in hardware.custom_labels.iter().flatten() {
        groups.push(vec![vec![NodeSelectorRequirement {
            key: key.clone(),
            operator: "In".into(),
            values: Some(vec![value.clone()]),
        }]]);
    }

    let container = Container {
        name: CONTAINER_NAME.into(),
        image: Some(spec.image.clone()),
        image_pull_policy: Some(spec.image_pull_policy.unwrap_or_default().as_str().into()),
        command: config.command.clone().filter(|c| !c.is_empty()),
        args: config.args.clone().filter(|a| !a.is_empty()),
        env: env(p),
        ports: Some(vec![ContainerPort {
            name: Some(GRPC_PORT_NAME.into()),
            container_port: port,
            protocol: Some("TCP".into()),
            ..Default::default()
        }]),
        resources: (resources != ResourceRequirements::default()).then_some(resources),
        startup_probe: Some(startup_probe(
            port,
            spec.probe_protocol(),
            spec.startup_seconds(),
        )),
        readiness_probe: Some(health_probe(port, spec.probe_protocol(), 5, 3)),
        liveness_probe: Some(health_probe(port, spec.probe_protocol(), 10, 6)),
        lifecycle: Some(Lifecycle {
            pre_stop: Some(LifecycleHandler {
                sleep: Some(SleepAction {
                    seconds: DRAIN_SECONDS,
                }),
                ..Default::default()
            }),
            ..Default::default()
        }),
        security_context: Some(container_security_context(
            spec.container_security_context.as_ref(),
            level,
        )),
        ..Default::default()
    };

    add_node_loss_tolerations(&mut tolerations);

    let mut containers = vec![container];
    let mut volumes = Vec::new();
    if let Some(tls) = spec.tls.as_ref().filter(|t| t.terminate) {
        let image = tls
            .proxy_image
            .clone()
            .unwrap_or_else(crate::install::manifests::default_image);
        let (sidecar, volume) = tls_sidecar(p, &image);
        containers.push(sidecar);
        volumes.push(volume);
    }

    let service_account = config.service_account_name.clone();
    Ok(PodSpec {
        containers,
        volumes: (!volumes.is_empty()).then_some(volumes),
        restart_policy: Some("Always".into()),
        enable_service_links: Some(false),
        automount_service_account_token: Some(service_account.is_some()),
        service_account_name: service_account,
        image_pull_secrets: spec.image_pull_secrets.clone().filter(|s| !s.is_empty()),
        node_selector: scheduling.node_selector.clone().filter(|s| !s.is_empty()),
        tolerations: (!tolerations.is_empty()).then_some(tolerations),
        affinity: merge_required_affinity(scheduling.affinity.clone(), groups),
        runtime_class_name: runtime_class,
        resource_claims: (!pod_claims.is_empty()).then_some(pod_claims),
        priority_class_name: scheduling.priority_class_name.clone(),
        security_context: Some(pod_security_context(
            spec.pod_security_context.as_ref(),
            spec.container_security_context.as_ref(),
            level,
        )),
        ..Default::default()
    })
}

/// Plain variables and Secret/ConfigMap references, sorted by name; a
/// reference wins over a plain value of the same name.
fn env(p: &Performer) -> Option<Vec<EnvVar>> {
    let config = p.spec.config.as_ref()?;
    let mut vars: BTreeMap<String, EnvVar> = BTreeMap::new();
    for (name, value) in config.environment.iter().flatten() {
        vars.insert(
            name.clone(),
            EnvVar {
                name: name.clone(),
                value: Some(value.clone()),
                value_from: None,
            },
        );
    }
    for from in config.environment_from.iter().flatten() {
        vars.insert(
            from.name.clone(),
            EnvVar {
                name: from.name.clone(),
                value: None,
                value_from: Some(EnvVarSource {
                    secret_key_ref: from.value_from.secret_key_ref.clone(),
                    config_map_key_ref: from.value_from.config_map_key_ref.clone(),
                    ..Default::default()
                }),
            },
        );
    }
    (!vars.is_empty()).then(|| vars.into_values().collect())
}

/// How long a pod being replaced keeps serving after its deletion starts (a preStop sleep,
/// which needs no binary in the image): the Service already selects its successor, but
/// kube-proxy on each node applies that a moment later, and a connection it still sends
/// to the old pod must find it listening. A dead pod IP does not refuse a SYN, it drops
/// it, and a gRPC dial then hangs for its 20 s connect timeout.
pub const DRAIN_SECONDS: i64 = 10;

/// Seconds between start-up probes: short, so that a performer that starts fast is ready
/// fast (readiness and liveness wait for the first successful start-up probe).
pub const STARTUP_PROBE_PERIOD_SECONDS: i32 = 2;

/// Holds liveness back for `budget` seconds while the performer starts (a model load before
/// it binds its port): without it the liveness probe would restart it after a minute.
fn startup_probe(port: i32, protocol: ProbeProtocol, budget: i32) -> Probe {
    let period = STARTUP_PROBE_PERIOD_SECONDS;
    health_probe(
        port,
        protocol,
        period,
        (budget.saturating_add(period - 1) / period).max(1),
    )
}

/// grpc.health.v1 Check on the port (which the upstream performer server answers), or a TCP
/// connect for performers that do not serve the health service.
fn health_probe(port: i32, protocol: ProbeProtocol, period: i32, failure_threshold: i32) -> Probe {
    let (grpc, tcp_socket) = match protocol {
        ProbeProtocol::Grpc => (
            Some(GRPCAction {
                port,
                service: None,
                mode: None,
            }),
            None,
        ),
        ProbeProtocol::Tcp => (
            None,
            Some(TCPSocketAction {
                port: IntOrString::Int(port),
                host: None,
            }),
        ),
    };
    Probe {
        grpc,
        tcp_socket,
        period_seconds: Some(period),
        failure_threshold: Some(failure_threshold),
        timeout_seconds: Some(2),
        ..Default::default()
    }
}

fn set_limit(resources: &mut ResourceRequirements, name: &str, quantity: &str) {
    resources
        .limits
        .get_or_insert_with(BTreeMap::new)
        .insert(name.to_string(), Quantity(quantity.to_string()));
    // Extended resources must have requests equal to limits when both are set.
    if let Some(requests) = resources.requests.as_mut()
        && requests.contains_key(name)
    {
        requests.insert(name.to_string(), Quantity(quantity.to_string()));
    }
}

fn add_toleration(tolerations: &mut Vec<Toleration>, toleration: Toleration) {
    if !tolerations.contains(&toleration) {
        tolerations.push(toleration);
    }
}

/// ANDs `required` into every one of the user's required node selector terms
/// (terms are ORed), keeping the rest of the user's affinity as it is.
fn merge_required_affinity(
    user: Option<Affinity>,
    groups: Vec<Vec<Vec<NodeSelectorRequirement>>>,
) -> Option<Affinity> {
    if groups.is_empty() {
        return user;
    }
    let mut affinity = user.unwrap_or_default();
    let node_affinity = affinity
        .node_affinity
        .get_or_insert_with(NodeAffinity::default);
    let selector = node_affinity
        .required_during_scheduling_ignored_during_execution
        .get_or_insert_with(|| NodeSelector {
            node_selector_terms: Vec::new(),
        });
    if selector.node_selector_terms.is_empty() {
        selector
            .node_selector_terms
            .push(NodeSelectorTerm::default());
    }
    // Terms are ORed, requirements within a term ANDed: each group (one of its
    // alternatives) is ANDed into every term, which makes the product of the alternatives.
    for alternatives in &groups {
        let mut next = Vec::new();
        for term in &selector.node_selector_terms {
            for alternative in alternatives {
                let mut term = term.clone();
                let expressions = term.match_expressions.get_or_insert_with(Vec::new);
                for requirement in alternative {
                    if !expressions.contains(requirement) {
                        expressions.push(requirement.clone());
                    }
                }
                next.push(term);
            }
        }
        selector.node_selector_terms = next;
    }
    Some(affinity)
}

/// What the hardware requirements add to the pod, from the hardware table.
#[derive(Debug, Default)]
struct HardwarePlacement {
    /// GPUs through the device plugin.
    gpu: Option<hardware::GpuPlacement>,
    /// GPUs through DRA.
    dra: Option<hardware::DraGpuClaim>,
    tee: Option<hardware::TeePlacement>,
}

fn hardware_placement(
    hw: &HardwareRequirements,
    resources: &ResourceRequirements,
) -> Result<HardwarePlacement, RenderError> {
    let mut out = HardwarePlacement::default();
    if let Some(gpu_type) = hw.gpu_type.as_deref() {
        let request = hw
            .gpu_request()
            .ok_or_else(|| RenderError(format!("unknown gpuType {gpu_type:?}")))?;
        out.dra = request.dra_claim().map_err(RenderError)?;
        if out.dra.is_none() {
            out.gpu = Some(request.placement().map_err(RenderError)?);
        }
    }
    if hw.tee_required == Some(true) {
        let epc = resources
            .limits
            .as_ref()
            .and_then(|l| l.get(hardware::SGX_EPC_RESOURCE))
            .map(|q| q.0.as_str());
        let request = hw.tee_request(epc).ok_or_else(|| {
            RenderError(format!(
                "unknown teeType {:?}",
                hw.tee_type.as_deref().unwrap_or_default()
            ))
        })?;
        let mut tee = request.placement().map_err(RenderError)?;
        // A confidential GPU's runtime class is the TEE's own confidential VM.
        if out.gpu.as_ref().is_some_and(|g| g.runtime_class.is_some()) {
            tee.runtime_class = None;
        }
        out.tee = Some(tee);
    }
    Ok(out)
}

/// Annotations the hardware requirements put on the pod (SGX's quote provider).
fn hardware_annotations(p: &Performer) -> Option<BTreeMap<String, String>> {
    let hw = p.spec.hardware_requirements.as_ref()?;
    let tee = hw.tee_request(None)?.placement().ok()?;
    (!tee.annotations.is_empty()).then_some(tee.annotations)
}

/// Container defaults every Pod Security level admits (no privilege escalation, no
/// capabilities, the runtime's seccomp profile); in a `restricted` namespace also
/// `runAsNonRoot`. Each field the spec sets wins.
fn container_security_context(
    overrides: Option<&SecurityContext>,
    level: PodSecurityLevel,
) -> SecurityContext {
    let o = overrides.cloned().unwrap_or_default();
    let restricted = level == PodSecurityLevel::Restricted;
    SecurityContext {
        allow_privilege_escalation: o.allow_privilege_escalation.or(Some(false)),
        capabilities: o.capabilities.or(Some(Capabilities {
            drop: Some(vec!["ALL".into()]),
            add: None,
        })),
        run_as_non_root: o.run_as_non_root.or(restricted.then_some(true)),
        seccomp_profile: o.seccomp_profile.or(Some(runtime_default())),
        ..o
    }
}

/// Pod defaults: the runtime's seccomp profile; in a `restricted` namespace also
/// `runAsNonRoot` with a numeric non-root user unless the spec names a user (pod or
/// container), so the kubelet can verify it whatever the image's USER. Elsewhere the image's
/// own user, root included, as under Docker. Each field the spec sets wins.
fn pod_security_context(
    overrides: Option<&PodSecurityContext>,
    container: Option<&SecurityContext>,
    level: PodSecurityLevel,
) -> PodSecurityContext {
    let o = overrides.cloned().unwrap_or_default();
    let restricted = level == PodSecurityLevel::Restricted;
    let names_user = o.run_as_user.is_some() || container.is_some_and(|c| c.run_as_user.is_some());
    PodSecurityContext {
        run_as_non_root: o.run_as_non_root.or(restricted.then_some(true)),
        run_as_user: o
            .run_as_user
            .or((restricted && !names_user).then_some(RESTRICTED_RUN_AS_USER)),
        seccomp_profile: o.seccomp_profile.or(Some(runtime_default())),
        ..o
    }
}

fn runtime_default() -> SeccompProfile {
    SeccompProfile {
        type_: "RuntimeDefault".into(),
        localhost_profile: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::PerformerSpec;
    use crate::api::performer::{
        EnvironmentFromSource, EnvironmentValueSource, HardwareRequirements, PerformerConfig,
        PerformerProbes, Scheduling,
    };
    use k8s_openapi::api::core::v1::SecretKeySelector;

    const AVS: &str = "0x1234567890abcdef1234567890abcdef12345678";

    fn performer(spec: PerformerSpec) -> Performer {
        let mut p = Performer::new("p1", spec);
        p.metadata.namespace = Some("ns1".into());
        p.metadata.uid = Some("uid-1".into());
        p
    }

    fn base() -> PerformerSpec {
        PerformerSpec {
            avs_address: AVS.into(),
            image: "avs/performer:v1".into(),
            ..Default::default()
        }
    }

    #[test]
    fn tls_puts_a_sidecar_in_front_and_points_the_service_at_it() {
        let plain = performer(base());
        assert_eq!(
            desired_service(&plain, "h").spec.unwrap().ports.unwrap()[0].target_port,
            Some(IntOrString::Int(9090))
        );
        let p = performer(PerformerSpec {
            tls: Some(crate::api::performer::PerformerTls {
                terminate: true,
                proxy_image: Some("hgctl.local/hgctl:v1".into()),
            }),
            ..base()
        });
        let svc = desired_service(&p, "h").spec.unwrap().ports.unwrap();
        assert_eq!(svc[0].port, 9090, "the executor dials the same port");
        assert_eq!(svc[0].target_port, Some(IntOrString::Int(8443)));
        let spec = desired_pod(&p).unwrap().pod.spec.unwrap();
        assert_eq!(spec.containers.len(), 2);
        let performer = &spec.containers[0];
        // The kubelet still probes the performer itself, in plaintext.
        assert!(performer.readiness_probe.as_ref().unwrap().grpc.is_some());
        let sidecar = &spec.containers[1];
        assert_eq!(sidecar.name, TLS_CONTAINER_NAME);
        assert_eq!(sidecar.image.as_deref(), Some("hgctl.local/hgctl:v1"));
        let args = sidecar.args.clone().unwrap().join(" ");
        assert!(
            args.starts_with("tls-proxy --listen 0.0.0.0:8443 --upstream 127.0.0.1:9090"),
            "{args}"
        );
        let volume = &spec.volumes.unwrap()[0];
        assert_eq!(
            volume.secret.as_ref().unwrap().secret_name.as_deref(),
            Some("performer-p1-tls")
        );
        assert_eq!(tls_port(8443), 9443);
        // Off by default, and the hash moves only when it is on.
        assert_ne!(
            desired_pod(&p).unwrap().hash,
            desired_pod(&plain).unwrap().hash
        );
    }

    fn with_hw(hw: HardwareRequirements) -> Performer {
        performer(PerformerSpec {
            hardware_requirements: Some(hw),
            ..base()
        })
    }

    fn required_terms(pod: &Pod) -> Vec<NodeSelectorTerm> {
        pod.spec
            .as_ref()
            .unwrap()
            .affinity
            .as_ref()
            .and_then(|a| a.node_affinity.as_ref())
            .and_then(|n| {
                n.required_during_scheduling_ignored_during_execution
                    .as_ref()
            })
            .map(|s| s.node_selector_terms.clone())
            .unwrap_or_default()
    }

    fn limits(pod: &Pod) -> BTreeMap<String, Quantity> {
        pod.spec.as_ref().unwrap().containers[0]
            .resources
            .as_ref()
            .and_then(|r| r.limits.clone())
            .unwrap_or_default()
    }

    #[test]
    fn names_and_labels_are_what_the_executor_expects() {
        let p = performer(base());
        let DesiredPod { pod, hash } = desired_pod(&p).unwrap();
        assert_eq!(
            pod.metadata.name.as_deref(),
            Some(format!("performer-p1-{hash}").as_str())
        );
        let labels = pod.metadata.labels.unwrap();
        assert_eq!(labels[LABEL_APP], "hourglass-performer");
        assert_eq!(labels[LABEL_PERFORMER], "p1");
        assert_eq!(labels[LABEL_AVS], AVS);
        assert_eq!(labels[LABEL_TEMPLATE_HASH], hash);
        let owner = &pod.metadata.owner_references.unwrap()[0];
        assert_eq!(
            (owner.kind.as_str(), owner.controller),
            ("Performer", Some(true))
        );

        let svc = desired_service(&p, &hash);
        assert_eq!(svc.metadata.name.as_deref(), Some("performer-p1"));
        let port = &svc.spec.as_ref().unwrap().ports.as_ref().unwrap()[0];
        assert_eq!(
            (
                port.name.as_deref(),
                port.port,
                port.app_protocol.as_deref()
            ),
            (Some("grpc"), 9090, Some("grpc"))
        );
        assert_eq!(
            svc.spec.unwrap().selector.unwrap()[LABEL_TEMPLATE_HASH],
            hash
        );
        assert_eq!(
            grpc_endpoint("p1", "ns1", "cluster.local", 9090),
            "performer-p1.ns1.svc.cluster.local:9090"
        );
    }

    #[test]
    fn dra_gpus_are_a_claim_from_an_owned_template_not_a_resource_or_labels() {
        let p = with_hw(HardwareRequirements {
            gpu_type: Some("h100".into()),
            gpu_count: Some(2),
            gpu_allocation: Some(hardware::GpuAllocation::Dra),
            ..Default::default()
        });
        let pod = desired_pod(&p).unwrap().pod;
        assert!(
            !limits(&pod).keys().any(|k| hardware::is_gpu_resource(k)),
            "{:?}",
            limits(&pod)
        );
        assert!(required_terms(&pod).is_empty(), "no GPU labels needed");
        let spec = pod.spec.clone().unwrap();
        let claims = spec.resource_claims.unwrap();
        let template = desired_gpu_claim_template(&p).unwrap();
        let template_name = template.metadata.name.clone().unwrap();
        assert_eq!(claims.len(), 1);
        assert_eq!(claims[0].name, "gpu");
        assert_eq!(
            claims[0].resource_claim_template_name.as_deref(),
            Some(template_name.as_str())
        );
        let container_claims = spec.containers[0]
            .resources
            .clone()
            .unwrap()
            .claims
            .unwrap();
        assert_eq!(container_claims[0].name, "gpu");
        assert!(
            spec.tolerations
                .unwrap()
                .iter()
                .any(|t| t.key.as_deref() == Some("nvidia.com/gpu")),
            "GPU nodes' taint"
        );
        // The template: owned, two whole H100s from the NVIDIA driver's class.
        assert!(template_name.starts_with(&format!("{}-gpu-", p.metadata.name.clone().unwrap())));
        assert_eq!(template.metadata.owner_references.unwrap().len(), 1);
        let request = template
            .spec
            .unwrap()
            .spec
            .unwrap()
            .devices
            .unwrap()
            .requests
            .unwrap()[0]
            .exactly
            .clone()
            .unwrap();
        assert_eq!(request.device_class_name, "gpu.nvidia.com");
        assert_eq!(request.count, Some(2));
        let cel = &request.selectors.unwrap()[0]
            .cel
            .clone()
            .unwrap()
            .expression;
        assert!(cel.contains("\"NVIDIA H100 80GB HBM3\""), "{cel}");
        assert!(cel.contains("== \"gpu\""), "never a MIG slice: {cel}");

        // Another class or count is another template (their spec cannot change) and pod.
        let mut other = p.clone();
        let hw = other.spec.hardware_requirements.as_mut().unwrap();
        hw.device_class_name = Some("h100.example.com".into());
        let other_template = desired_gpu_claim_template(&other).unwrap();
        assert_ne!(other_template.metadata.name.unwrap(), template_name);
        assert_ne!(
            desired_pod(&other).unwrap().hash,
            desired_pod(&p).unwrap().hash
        );
        // The device plugin route has no template.
        let plugin = with_hw(HardwareRequirements {
            gpu_type: Some("h100".into()),
            ..Default::default()
        });
        assert!(desired_gpu_claim_template(&plugin).is_none());
        assert!(
            desired_pod(&plugin)
                .unwrap()
                .pod
                .spec
                .unwrap()
                .resource_claims
                .is_none()
        );
    }

    #[test]
    fn dra_refuses_slices_and_shared_gpus() {
        let err = desired_pod(&with_hw(HardwareRequirements {
            gpu_type: Some("a100".into()),
            gpu_partition: Some("1g.5gb".into()),
            gpu_allocation: Some(hardware::GpuAllocation::Dra),
            ..Default::default()
        }))
        .unwrap_err();
        assert!(
            err.to_string().contains("gpuAllocation DevicePlugin"),
            "{err}"
        );
    }

    #[test]
    fn gpu_is_nvidia_com_gpu_plus_product_affinity_plus_toleration() {
        let pod = desired_pod(&with_hw(HardwareRequirements {
            gpu_type: Some("nvidia-a100".into()),
            gpu_count: Some(2),
            ..Default::default()
        }))
        .unwrap()
        .pod;
        assert_eq!(limits(&pod)["nvidia.com/gpu"], Quantity("2".into()));
        assert!(
            !limits(&pod).keys().any(|k| k == "nvidia.com/nvidia-a100"),
            "upstream defect"
        );
        let terms = required_terms(&pod);
        let expr = &terms[0].match_expressions.as_ref().unwrap()[0];
        assert_eq!(expr.key, "nvidia.com/gpu.product");
        assert!(
            expr.values
                .as_ref()
                .unwrap()
                .contains(&"NVIDIA-A100-SXM4-40GB".to_string())
        );
        assert!(
            !expr
                .values
                .as_ref()
                .unwrap()
                .iter()
                .any(|v| v.contains("80GB"))
        );
        let tol = pod.spec.unwrap().tolerations.unwrap();
        assert!(
            tol.iter()
                .any(|t| t.key.as_deref() == Some("nvidia.com/gpu")
                    && t.operator.as_deref() == Some("Exists"))
        );
    }

    #[test]
    fn a_lost_node_evicts_the_pod_after_30_s_unless_the_user_tolerates_it_otherwise() {
        let node_loss = |pod: &Pod| -> Vec<(String, Option<i64>)> {
            pod.spec
                .as_ref()
                .unwrap()
                .tolerations
                .iter()
                .flatten()
                .filter(|t| {
                    t.key
                        .as_deref()
                        .is_none_or(|k| NODE_LOSS_TAINTS.contains(&k))
                })
                .map(|t| (t.key.clone().unwrap_or_default(), t.toleration_seconds))
                .collect()
        };
        let plain = desired_pod(&with_hw(HardwareRequirements::default()))
            .unwrap()
            .pod;
        assert_eq!(
            node_loss(&plain),
            vec![
                ("node.kubernetes.io/not-ready".to_string(), Some(30)),
                ("node.kubernetes.io/unreachable".to_string(), Some(30)),
            ]
        );
        for t in plain.spec.as_ref().unwrap().tolerations.iter().flatten() {
            assert_eq!(t.effect.as_deref(), Some("NoExecute"), "{t:?}");
            assert_eq!(t.operator.as_deref(), Some("Exists"), "{t:?}");
        }

        // The user's own toleration of one taint wins; the other keeps the default.
        let mut p = with_hw(HardwareRequirements::default());
        p.spec.scheduling = Some(crate::api::performer::Scheduling {
            tolerations: Some(vec![Toleration {
                key: Some("node.kubernetes.io/unreachable".into()),
                operator: Some("Exists".into()),
                effect: Some("NoExecute".into()),
                toleration_seconds: Some(3600),
                ..Default::default()
            }]),
            ..Default::default()
        });
        assert_eq!(
            node_loss(&desired_pod(&p).unwrap().pod),
            vec![
                ("node.kubernetes.io/unreachable".to_string(), Some(3600)),
                ("node.kubernetes.io/not-ready".to_string(), Some(30)),
            ]
        );

        // A key-less Exists toleration (tolerates every taint) leaves nothing to add.
        p.spec.scheduling = Some(crate::api::performer::Scheduling {
            tolerations: Some(vec![Toleration {
                operator: Some("Exists".into()),
                ..Default::default()
            }]),
            ..Default::default()
        });
        assert_eq!(
            node_loss(&desired_pod(&p).unwrap().pod),
            vec![(String::new(), None)]
        );
    }

    #[test]
    fn hardware_affinity_is_merged_into_every_user_term() {
        let user = Affinity {
            node_affinity: Some(NodeAffinity {
                required_during_scheduling_ignored_during_execution: Some(NodeSelector {
                    node_selector_terms: vec![
                        NodeSelectorTerm {
                            match_expressions: Some(vec![NodeSelectorRequirement {
                                key: "zone".into(),
                                operator: "In".into(),
                                values: Some(vec!["a".into()]),
                            }]),
                            ..Default::default()
                        },
                        NodeSelectorTerm {
                            match_expressions: Some(vec![NodeSelectorRequirement {
                                key: "zone".into(),
                                operator: "In".into(),
                                values: Some(vec!["b".into()]),
                            }]),
                            ..Default::default()
                        },
                    ],
                }),
                ..Default::default()
            }),
            ..Default::default()
        };
        let p = performer(PerformerSpec {
            scheduling: Some(Scheduling {
                affinity: Some(user),
                ..Default::default()
            }),
            hardware_requirements: Some(HardwareRequirements {
                gpu_type: Some("h100".into()),
                custom_labels: Some([("disk".to_string(), "ssd".to_string())].into()),
                ..Default::default()
            }),
            ..base()
        });
        let terms = required_terms(&desired_pod(&p).unwrap().pod);
        // Each user term ANDed with each of h100's label schemes (GFD, GKE, Karpenter, AKS).
        assert_eq!(terms.len(), 2 * 4, "user's OR terms are kept");
        for term in terms {
            let keys: Vec<String> = term
                .match_expressions
                .unwrap()
                .into_iter()
                .map(|e| e.key)
                .collect();
            assert_eq!(keys.first().map(String::as_str), Some("zone"));
            assert_eq!(keys.last().map(String::as_str), Some("disk"));
            assert!(
                keys.iter().any(|k| k.starts_with("nvidia.com/gpu.product")),
                "{keys:?}"
            );
        }
    }

    #[test]
    fn slices_shares_confidential_gpus_and_nodes_render_from_the_table() {
        let render = |hw: HardwareRequirements| desired_pod(&with_hw(hw)).unwrap().pod;
        let mixed = render(HardwareRequirements {
            gpu_type: Some("a100".into()),
            gpu_count: Some(3),
            gpu_partition: Some("1g.5gb".into()),
            mig_strategy: Some(hardware::MigStrategy::Mixed),
            ..Default::default()
        });
        assert_eq!(
            limits(&mixed)["nvidia.com/mig-1g.5gb"],
            Quantity("3".into())
        );
        assert!(!limits(&mixed).contains_key(hardware::GPU_RESOURCE));
        let single = render(HardwareRequirements {
            gpu_type: Some("a100".into()),
            gpu_partition: Some("1g.5gb".into()),
            ..Default::default()
        });
        assert_eq!(
            limits(&single)[hardware::GPU_RESOURCE],
            Quantity("1".into())
        );
        let first = &required_terms(&single)[0]
            .match_expressions
            .clone()
            .unwrap()[0];
        assert_eq!(
            first.values.as_deref().unwrap(),
            [
                "NVIDIA-A100-SXM4-40GB-MIG-1g.5gb",
                "NVIDIA-A100-PCIE-40GB-MIG-1g.5gb"
            ]
        );
        let shared = render(HardwareRequirements {
            gpu_type: Some("l4".into()),
            gpu_sharing: Some(hardware::GpuSharing::Shared),
            ..Default::default()
        });
        assert_eq!(
            limits(&shared)[hardware::GPU_SHARED_RESOURCE],
            Quantity("1".into())
        );
        let cgpu = render(HardwareRequirements {
            gpu_type: Some("h100".into()),
            tee_required: Some(true),
            tee_type: Some("tdx".into()),
            ..Default::default()
        });
        let spec = cgpu.spec.as_ref().unwrap();
        assert_eq!(
            spec.runtime_class_name.as_deref(),
            Some("kata-qemu-nvidia-gpu-tdx")
        );
        assert_eq!(limits(&cgpu)[hardware::PGPU_RESOURCE], Quantity("1".into()));
        let node = render(HardwareRequirements {
            tee_required: Some(true),
            tee_type: Some("sev-snp".into()),
            tee_mode: Some(hardware::TeeMode::Node),
            ..Default::default()
        });
        assert_eq!(node.spec.as_ref().unwrap().runtime_class_name, None);
        assert_eq!(
            required_terms(&node).len(),
            2,
            "GKE or Azure confidential VMs"
        );
    }

    #[test]
    fn sgx_keeps_the_users_epc_and_uses_the_quote_provider_route_when_asked() {
        let mut p = with_hw(HardwareRequirements {
            tee_required: Some(true),
            tee_type: Some("sgx".into()),
            sgx_quote_provider: Some("aesmd".into()),
            ..Default::default()
        });
        p.spec.resources = Some(ResourceRequirements {
            limits: Some([("sgx.intel.com/epc".to_string(), Quantity("256Mi".into()))].into()),
            ..Default::default()
        });
        let pod = desired_pod(&p).unwrap().pod;
        let l = limits(&pod);
        assert_eq!(l["sgx.intel.com/epc"], Quantity("256Mi".into()));
        assert!(
            !l.contains_key("sgx.intel.com/enclave"),
            "the webhook adds it"
        );
        assert!(
            !l.contains_key("sgx.intel.com/provision"),
            "the webhook adds it"
        );
        assert_eq!(
            pod.metadata.annotations.unwrap()[hardware::SGX_QUOTE_PROVIDER_ANNOTATION],
            "aesmd"
        );
    }

    #[test]
    fn tee_types_get_resources_labels_and_runtime_classes() {
        let sgx = desired_pod(&with_hw(HardwareRequirements {
            tee_required: Some(true),
            tee_type: Some("sgx".into()),
            ..Default::default()
        }))
        .unwrap()
        .pod;
        assert_eq!(limits(&sgx)["sgx.intel.com/epc"], Quantity("64Mi".into()));
        assert_eq!(limits(&sgx)["sgx.intel.com/enclave"], Quantity("1".into()));
        assert_eq!(
            required_terms(&sgx)[0].match_expressions.as_ref().unwrap()[0].key,
            "feature.node.kubernetes.io/cpu-security.sgx.enabled"
        );
        assert_eq!(sgx.spec.unwrap().runtime_class_name, None);

        let tdx = desired_pod(&with_hw(HardwareRequirements {
            tee_required: Some(true),
            tee_type: Some("tdx".into()),
            ..Default::default()
        }))
        .unwrap()
        .pod;
        assert_eq!(
            tdx.spec.unwrap().runtime_class_name.as_deref(),
            Some("kata-qemu-tdx")
        );

        let not_required = desired_pod(&with_hw(HardwareRequirements {
            tee_type: Some("tdx".into()),
            ..Default::default()
        }))
        .unwrap()
        .pod;
        assert_eq!(not_required.spec.unwrap().runtime_class_name, None);
    }

    #[test]
    fn env_is_sorted_and_references_stay_references() {
        let p = performer(PerformerSpec {
            config: Some(PerformerConfig {
                environment: Some(
                    [
                        ("Z".to_string(), "1".to_string()),
                        ("A".to_string(), "2".to_string()),
                    ]
                    .into(),
                ),
                environment_from: Some(vec![EnvironmentFromSource {
                    name: "M".into(),
                    value_from: EnvironmentValueSource {
                        secret_key_ref: Some(SecretKeySelector {
                            name: "s".into(),
                            key: "k".into(),
                            optional: None,
                        }),
                        config_map_key_ref: None,
                    },
                }]),
                ..Default::default()
            }),
            ..base()
        });
        let env = desired_pod(&p).unwrap().pod.spec.unwrap().containers[0]
            .env
            .clone()
            .unwrap();
        let names: Vec<&str> = env.iter().map(|e| e.name.as_str()).collect();
        assert_eq!(names, ["A", "M", "Z"]);
        assert!(
            env[1].value.is_none() && env[1].value_from.as_ref().unwrap().secret_key_ref.is_some()
        );
    }

    fn contexts(pod: &Pod) -> (PodSecurityContext, SecurityContext) {
        let spec = pod.spec.as_ref().unwrap();
        (
            spec.security_context.clone().unwrap(),
            spec.containers[0].security_context.clone().unwrap(),
        )
    }

    /// What the `restricted` Pod Security level checks on a Performer pod (admission), and
    /// what the kubelet needs to verify `runAsNonRoot` for an image whose USER is root.
    fn restricted_violations(pod: &Pod) -> Vec<&'static str> {
        let (p, c) = contexts(pod);
        let mut v = Vec::new();
        if c.allow_privilege_escalation != Some(false) {
            v.push("allowPrivilegeEscalation != false");
        }
        let caps = c.capabilities.clone().unwrap_or_default();
        if !caps.drop.unwrap_or_default().iter().any(|d| d == "ALL") {
            v.push("capabilities do not drop ALL");
        }
        if caps
            .add
            .unwrap_or_default()
            .iter()
            .any(|a| a != "NET_BIND_SERVICE")
        {
            v.push("capabilities add more than NET_BIND_SERVICE");
        }
        if c.run_as_non_root.or(p.run_as_non_root) != Some(true) {
            v.push("runAsNonRoot != true");
        }
        let user = c.run_as_user.or(p.run_as_user);
        if user == Some(0) {
            v.push("runAsUser = 0");
        }
        let seccomp = c.seccomp_profile.or(p.seccomp_profile).map(|s| s.type_);
        if !matches!(seccomp.as_deref(), Some("RuntimeDefault" | "Localhost")) {
            v.push("seccompProfile not RuntimeDefault/Localhost");
        }
        if user.is_none() {
            v.push(
                "no numeric user: the kubelet refuses a root image (CreateContainerConfigError)",
            );
        }
        v
    }

    #[test]
    fn root_images_run_unchanged_outside_restricted_namespaces() {
        let pod = desired_pod(&performer(base())).unwrap().pod;
        let (p, c) = contexts(&pod);
        // No user and no runAsNonRoot: the image's own user, root included, as under Docker.
        assert_eq!((p.run_as_non_root, p.run_as_user), (None, None));
        assert_eq!((c.run_as_non_root, c.run_as_user), (None, None));
        // Still no privilege escalation, no capabilities, the runtime's seccomp profile.
        assert_eq!(c.allow_privilege_escalation, Some(false));
        assert_eq!(c.capabilities.unwrap().drop.unwrap(), ["ALL"]);
        assert_eq!(c.seccomp_profile.unwrap().type_, "RuntimeDefault");
        assert_eq!(p.seccomp_profile.unwrap().type_, "RuntimeDefault");
        for level in [None, Some("privileged"), Some("baseline")] {
            let labels = level
                .map(|l| BTreeMap::from([(POD_SECURITY_ENFORCE_LABEL.to_string(), l.to_string())]));
            assert_eq!(
                PodSecurityLevel::from_namespace_labels(labels.as_ref()),
                PodSecurityLevel::Unrestricted,
                "{level:?}"
            );
        }
    }

    #[test]
    fn a_restricted_namespace_gets_a_numeric_non_root_user_that_admission_and_the_kubelet_take() {
        for value in ["restricted", "something-new"] {
            let labels =
                BTreeMap::from([(POD_SECURITY_ENFORCE_LABEL.to_string(), value.to_string())]);
            assert_eq!(
                PodSecurityLevel::from_namespace_labels(Some(&labels)),
                PodSecurityLevel::Restricted,
                "{value}"
            );
        }
        let restricted = |spec| {
            desired_pod_in(&performer(spec), PodSecurityLevel::Restricted)
                .unwrap()
                .pod
        };
        let pod = restricted(base());
        assert_eq!(restricted_violations(&pod), Vec::<&str>::new());
        let (p, c) = contexts(&pod);
        assert_eq!(
            (p.run_as_non_root, p.run_as_user, c.run_as_non_root),
            (Some(true), Some(RESTRICTED_RUN_AS_USER), Some(true))
        );

        // The spec's own user wins, at either level, and is not doubled at the pod level.
        let own_pod_user = restricted(PerformerSpec {
            pod_security_context: Some(PodSecurityContext {
                run_as_user: Some(1000),
                ..Default::default()
            }),
            ..base()
        });
        assert_eq!(contexts(&own_pod_user).0.run_as_user, Some(1000));
        assert_eq!(restricted_violations(&own_pod_user), Vec::<&str>::new());
        let own_container_user = restricted(PerformerSpec {
            container_security_context: Some(SecurityContext {
                run_as_user: Some(2000),
                ..Default::default()
            }),
            ..base()
        });
        let (p, c) = contexts(&own_container_user);
        assert_eq!((p.run_as_user, c.run_as_user), (None, Some(2000)));
        assert_eq!(
            restricted_violations(&own_container_user),
            Vec::<&str>::new()
        );
    }

    #[test]
    fn security_defaults_can_be_overridden_field_by_field() {
        let p = performer(PerformerSpec {
            container_security_context: Some(SecurityContext {
                run_as_user: Some(1000),
                run_as_non_root: Some(false),
                ..Default::default()
            }),
            pod_security_context: Some(PodSecurityContext {
                run_as_non_root: Some(true),
                ..Default::default()
            }),
            ..base()
        });
        for level in [PodSecurityLevel::Unrestricted, PodSecurityLevel::Restricted] {
            let (pod, c) = contexts(&desired_pod_in(&p, level).unwrap().pod);
            assert_eq!(
                (
                    c.run_as_user,
                    c.run_as_non_root,
                    c.allow_privilege_escalation,
                    pod.run_as_non_root,
                    pod.run_as_user
                ),
                (Some(1000), Some(false), Some(false), Some(true), None),
                "{level:?}"
            );
        }
    }

    #[test]
    fn a_replaced_pod_keeps_serving_while_kube_proxy_catches_up() {
        let pod = desired_pod(&performer(base())).unwrap().pod;
        let spec = pod.spec.as_ref().unwrap();
        let sleep = spec.containers[0]
            .lifecycle
            .as_ref()
            .and_then(|l| l.pre_stop.as_ref())
            .and_then(|h| h.sleep.as_ref())
            .map(|s| s.seconds);
        assert_eq!(sleep, Some(DRAIN_SECONDS));
        // The drain fits in the grace period (Kubernetes' default 30 s when unset).
        assert!(spec.termination_grace_period_seconds.unwrap_or(30) > DRAIN_SECONDS);
    }

    fn probes(pod: &Pod) -> (Probe, Probe, Probe) {
        let c = &pod.spec.as_ref().unwrap().containers[0];
        (
            c.startup_probe.clone().unwrap(),
            c.readiness_probe.clone().unwrap(),
            c.liveness_probe.clone().unwrap(),
        )
    }

    #[test]
    fn a_slow_start_has_a_budget_before_liveness_applies() {
        // The executor's Performers set no probes: the default budget is what they get.
        let (startup, readiness, liveness) = probes(&desired_pod(&performer(base())).unwrap().pod);
        let budget = |p: &Probe| p.period_seconds.unwrap() * p.failure_threshold.unwrap();
        assert_eq!(
            budget(&startup),
            crate::api::performer::DEFAULT_STARTUP_SECONDS
        );
        assert_eq!(startup.period_seconds, Some(STARTUP_PROBE_PERIOD_SECONDS));
        assert!(
            budget(&startup) > budget(&liveness) * 5,
            "minutes of model loading, not one liveness window"
        );
        for p in [&startup, &readiness, &liveness] {
            assert_eq!(p.grpc.as_ref().unwrap().port, 9090);
            assert!(p.tcp_socket.is_none());
        }

        let spec = |probes| PerformerSpec {
            probes: Some(probes),
            ..base()
        };
        let (startup, _, _) = probes(
            &desired_pod(&performer(spec(PerformerProbes {
                startup_seconds: Some(91),
                ..Default::default()
            })))
            .unwrap()
            .pod,
        );
        assert_eq!(
            (startup.period_seconds, startup.failure_threshold),
            (Some(2), Some(46))
        );
    }

    #[test]
    fn tcp_probes_for_performers_without_grpc_health() {
        let p = performer(PerformerSpec {
            probes: Some(PerformerProbes {
                protocol: Some(ProbeProtocol::Tcp),
                ..Default::default()
            }),
            ..base()
        });
        let (startup, readiness, liveness) = probes(&desired_pod(&p).unwrap().pod);
        for p in [startup, readiness, liveness] {
            assert!(p.grpc.is_none());
            assert_eq!(p.tcp_socket.unwrap().port, IntOrString::Int(9090));
        }
    }

    #[test]
    fn the_hash_changes_with_anything_that_changes_the_pod_and_only_then() {
        let a = desired_pod(&performer(base())).unwrap().hash;
        assert_eq!(
            a,
            desired_pod(&performer(base())).unwrap().hash,
            "deterministic"
        );
        let image = desired_pod(&performer(PerformerSpec {
            image: "avs/performer:v2".into(),
            ..base()
        }))
        .unwrap()
        .hash;
        let version = desired_pod(&performer(PerformerSpec {
            version: Some("v2".into()),
            ..base()
        }))
        .unwrap()
        .hash;
        let scheduling = desired_pod(&performer(PerformerSpec {
            scheduling: Some(Scheduling {
                priority_class_name: Some("high".into()),
                ..Default::default()
            }),
            ..base()
        }))
        .unwrap()
        .hash;
        let restricted = desired_pod_in(&performer(base()), PodSecurityLevel::Restricted)
            .unwrap()
            .hash;
        let startup = desired_pod(&performer(PerformerSpec {
            probes: Some(PerformerProbes {
                startup_seconds: Some(60),
                ..Default::default()
            }),
            ..base()
        }))
        .unwrap()
        .hash;
        assert!(a != image && a != version && a != scheduling && image != version);
        assert!(a != restricted && a != startup);
        assert_eq!(a.len(), 10);
    }

    #[test]
    fn upstream_executor_performers_render_on_their_port() {
        let text = std::fs::read_to_string(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/examples/performer-upstream.yaml"
        ))
        .unwrap();
        let mut p: Performer = serde_saphyr::from_str(&text).unwrap();
        p.metadata.namespace = Some("ns".into());
        let pod = desired_pod(&p).unwrap().pod;
        let c = &pod.spec.as_ref().unwrap().containers[0];
        assert_eq!(c.image_pull_policy.as_deref(), Some("Never"));
        assert_eq!(c.ports.as_ref().unwrap()[0].container_port, 8080);
        let svc = desired_service(&p, "h");
        assert_eq!(
            svc.metadata.name.as_deref(),
            Some("performer-performer-3f9a1c-7be21d04")
        );
        assert_eq!(svc.spec.unwrap().ports.unwrap()[0].port, 8080);
    }
}
