//! Desired state of an HourglassExecutor: the real executor binary ("ponos")
//! as a workload. Pure: the spec and the *names* of the keys its Secret holds
//! in, Kubernetes objects out, no I/O, never a key value.
//!
//! The binary reads one YAML file whose keys are matched to its Go field names
//! (the executor's config structs, as the README's executor section lists them); private keys reach it as
//! `EXECUTOR__...` environment variables from `secretKeyRef`, which override
//! the `""` placeholders the file carries for them, and the BLS keystore as a
//! file mounted from the Secret.
//!
//! The container runs `command: [executor]`, `args: [run, --config,
//! /etc/hourglass/config.yaml]`: the official image has no ENTRYPOINT (its
//! binaries sit in `/usr/local/bin`), as the upstream chart does. Custom images
//! override either with `spec.command` / `spec.args`.

use std::collections::BTreeMap;

use k8s_openapi::ByteString;
use k8s_openapi::api::apps::v1::{
    Deployment, DeploymentSpec, DeploymentStrategy, StatefulSet, StatefulSetSpec,
};
use k8s_openapi::api::core::v1::{
    Capabilities, ConfigMap, ConfigMapVolumeSource, Container, ContainerPort, EnvVar, EnvVarSource,
    KeyToPath, PersistentVolumeClaim, PersistentVolumeClaimSpec, PodSecurityContext, PodSpec,
    PodTemplateSpec, Probe, SeccompProfile, Secret, SecretKeySelector, SecretVolumeSource,
    SecurityContext, Service, ServiceAccount, ServicePort, ServiceSpec, TCPSocketAction, Volume,
    VolumeMount, VolumeResourceRequirements,
};
use k8s_openapi::api::networking::v1::{
    NetworkPolicy, NetworkPolicyIngressRule, NetworkPolicyPeer, NetworkPolicyPort,
    NetworkPolicySpec,
};
use k8s_openapi::api::rbac::v1::{PolicyRule, Role, RoleBinding, RoleRef, Subject};
use k8s_openapi::apimachinery::pkg::api::resource::Quantity;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::{LabelSelector, ObjectMeta, OwnerReference};
use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;
use kube::Resource;
use serde::Serialize;
use serde_json::{Value, json};

use crate::api::executor::{
    AvsPerformer, DEFAULT_EXECUTOR_GRPC_PORT, DEFAULT_EXECUTOR_MANAGEMENT_PORT,
    ExternalTrafficPolicy, LogLevel, PerformerMode, RemoteKey, SECRET_KEY_BLS_KEYSTORE,
    SECRET_KEY_BLS_PASSWORD, SECRET_KEY_ECDSA, SECRET_KEY_OPERATOR, ServiceType, StorageType,
    TLS_KEY_CA, TLS_KEY_CERT, TLS_KEY_KEY,
};
use crate::api::{GROUP, HourglassExecutor, VERSION};
use crate::install::manifests::RUN_AS_USER;

pub use super::assessment::KeyMaterial;
use super::assessment::{self, Assessment};
use super::hash;
pub use super::performer::RenderError;

/// The owning HourglassExecutor's name, on every child (the watches select on it).
pub const LABEL_EXECUTOR: &str = "hourglass.eigenlayer.io/executor";
/// Checksum of the rendered `config.yaml` on the pod template: a config change rolls the pods.
pub const ANNOTATION_CONFIG_CHECKSUM: &str = "hourglass.eigenlayer.io/config-checksum";
/// Hash of the whole rendered child: the reconciler applies only when it differs.
pub const ANNOTATION_SPEC_HASH: &str = "hourglass.eigenlayer.io/spec-hash";
/// `app.kubernetes.io/name` of every executor child.
pub const APP_EXECUTOR: &str = "hourglass-executor";
/// Name of the executor container.
pub const CONTAINER_NAME: &str = "executor";
/// Where the ConfigMap is mounted, and the file the binary is started with.
pub const CONFIG_DIR: &str = "/etc/hourglass";
pub const CONFIG_FILE: &str = "config.yaml";
pub const CONFIG_PATH: &str = "/etc/hourglass/config.yaml";
/// Where the BLS keystore is mounted from the Secret (not under the read-only config mount).
pub const KEYS_DIR: &str = "/etc/hourglass-keys";
/// The badger volume (a PVC of the StatefulSet) and the directory the binary writes.
pub const DATA_DIR: &str = "/var/lib/hourglass";
pub const BADGER_DIR: &str = "/var/lib/hourglass/badger";
/// Size of the badger volume when `storage.size` is not set.
pub const DEFAULT_BADGER_SIZE: &str = "1Gi";
/// The binary's environment override prefix (viper prefix `EXECUTOR_` plus its `_`).
pub const ENV_PREFIX: &str = "EXECUTOR__";
/// Secret key under which an inline (seed) BLS key is kept; the binary cannot use it.
pub const SECRET_KEY_INLINE_BLS: &str = "bls-private-key";
/// Config path of each secret the binary reads, and the Secret key it comes from.
pub const KEY_OPERATOR_PATH: &str = "operator.operatorPrivateKey.privateKey";
pub const KEY_ECDSA_PATH: &str = "operator.signingKeys.ecdsa.privateKey";
pub const KEY_BLS_PASSWORD_PATH: &str = "operator.signingKeys.bls.password";

/// Config paths of the remote signer's TLS material, under the key it signs for.
pub const KEY_OPERATOR_REMOTE_PATH: &str = "operator.operatorPrivateKey.remoteSignerConfig";
pub const KEY_ECDSA_REMOTE_PATH: &str = "operator.signingKeys.ecdsa.remoteSignerConfig";

/// The container command when `spec.command` is not set: the official image has no ENTRYPOINT.
pub fn default_command() -> Vec<String> {
    vec!["executor".into()]
}

/// The container args when `spec.args` is not set.
pub fn default_args() -> Vec<String> {
    ["run", "--config", CONFIG_PATH].map(String::from).to_vec()
}

/// `EXECUTOR__...` variables of the remote signer's TLS material (PEM text) from
/// `secret`, for each config path given. Optional refs: a key the Secret lacks
/// leaves the file's `""` (e.g. no client certificate).
pub fn remote_signer_env(secret: &str, paths: &[&str]) -> Vec<EnvVar> {
    let mut env = Vec::new();
    for path in paths {
        for (field, key) in [
            ("caCert", TLS_KEY_CA),
            ("cert", TLS_KEY_CERT),
            ("key", TLS_KEY_KEY),
        ] {
            env.push(EnvVar {
                name: env_name(&format!("{path}.{field}")),
                value: None,
                value_from: Some(EnvVarSource {
                    secret_key_ref: Some(SecretKeySelector {
                        name: secret.into(),
                        key: key.into(),
                        optional: Some(true),
                    }),
                    ..Default::default()
                }),
            });
        }
    }
    env
}

/// The address the aggregator should dial, from the observed Service: the load
/// balancer's ingress, any node's address on the node port, or the in-cluster name.
pub fn task_address(service: &Service) -> Option<String> {
    let spec = service.spec.as_ref()?;
    let port = spec
        .ports
        .iter()
        .flatten()
        .find(|p| p.name.as_deref() == Some("grpc"))?;
    let name = service.metadata.name.as_deref()?;
    let ns = service.metadata.namespace.as_deref()?;
    match spec.type_.as_deref() {
        Some("LoadBalancer") => {
            let ingress = service
                .status
                .as_ref()
                .and_then(|s| s.load_balancer.as_ref())
                .and_then(|lb| lb.ingress.as_ref())
                .and_then(|i| i.first())
                .and_then(|i| i.ip.clone().or_else(|| i.hostname.clone()));
            Some(match ingress {
                Some(host) => format!("{host}:{}", port.port),
                None => "<pending: the load balancer has no address yet>".into(),
            })
        }
        Some("NodePort") => port.node_port.map(|p| format!("<any node address>:{p}")),
        _ => Some(format!("{name}.{ns}.svc:{} (in-cluster only)", port.port)),
    }
}

/// The runtime `contracts` JSON as the binary's loader can read it: the field is
/// a `json.RawMessage` (bytes) decoded by viper, which splits a string at every
/// comma, so the file carries the (compacted) JSON as a list of byte values.
pub fn contracts_bytes(json_text: &str) -> Value {
    let compact = serde_json::from_str::<Value>(json_text)
        .ok()
        .and_then(|v| serde_json::to_string(&v).ok())
        .unwrap_or_else(|| json_text.to_string());
    json!(compact.as_bytes())
}

/// Settings that are not in the spec.
#[derive(Debug, Clone)]
pub struct RenderContext {
    /// The binary's `kubernetes.operatorNamespace` (where the operator is installed).
    pub operator_namespace: String,
}

impl Default for RenderContext {
    fn default() -> Self {
        Self {
            operator_namespace: crate::install::manifests::DEFAULT_NAMESPACE.into(),
        }
    }
}

/// `EXECUTOR__` + the config path with dots as `_`, upper case: the variable
/// the binary's loader reads to override that key.
pub fn env_name(config_path: &str) -> String {
    format!(
        "{ENV_PREFIX}{}",
        config_path.replace('.', "_").to_uppercase()
    )
}

/// `<name>-config`.
pub fn config_map_name(name: &str) -> String {
    format!("{name}-config")
}
/// `<name>-keys`: the Secret inline keys are moved to.
pub fn keys_secret_name(name: &str) -> String {
    format!("{name}-keys")
}
/// `<name>-executor`: ServiceAccount, Role and RoleBinding.
pub fn service_account_name(name: &str) -> String {
    format!("{name}-executor")
}

/// `<name>-performers`: the NetworkPolicy `spec.networkPolicy.enabled` asks for.
pub fn network_policy_name(name: &str) -> String {
    format!("{name}-performers")
}

/// Label selector of the executor's pods (also `status.selector` for the scale subresource).
pub fn selector_labels(name: &str) -> BTreeMap<String, String> {
    BTreeMap::from([
        (
            "app.kubernetes.io/name".to_string(),
            APP_EXECUTOR.to_string(),
        ),
        ("app.kubernetes.io/instance".to_string(), name.to_string()),
        (LABEL_EXECUTOR.to_string(), name.to_string()),
    ])
}

/// `selector_labels` as a label selector string.
pub fn selector_string(name: &str) -> String {
    selector_labels(name)
        .iter()
        .map(|(k, v)| format!("{k}={v}"))
        .collect::<Vec<_>>()
        .join(",")
}

/// Labels of every child.
pub fn common_labels(e: &HourglassExecutor) -> BTreeMap<String, String> {
    let name = e.metadata.name.clone().unwrap_or_default();
    let mut labels = selector_labels(&name);
    labels.insert("app.kubernetes.io/component".into(), "executor".into());
    labels.insert("app.kubernetes.io/managed-by".into(), "hgctl".into());
    labels
}

/// Splits `repository:tag` (the tag is after the last `:` that follows the last `/`).
pub fn split_image(image: &str) -> (String, String) {
    let slash = image.rfind('/').map_or(0, |i| i + 1);
    match image[slash..].rfind(':') {
        Some(i) => (
            image[..slash + i].to_string(),
            image[slash + i + 1..].to_string(),
        ),
        None => (image.to_string(), String::new()),
    }
}

/// The executor's workload: a Deployment, or a StatefulSet with a PVC for badger.
#[derive(Debug, Clone, PartialEq)]
pub enum Workload {
    Deployment(Box<Deployment>),
    StatefulSet(Box<StatefulSet>),
}

impl Workload {
    pub fn kind(&self) -> &'static str {
        match self {
            Self::Deployment(_) => "Deployment",
            Self::StatefulSet(_) => "StatefulSet",
        }
    }
}

/// Everything an HourglassExecutor becomes.
#[derive(Debug, Clone)]
pub struct Rendered {
    pub config_map: ConfigMap,
    /// The `config.yaml` in the ConfigMap, and its checksum (the pod template annotation).
    pub config_yaml: String,
    pub checksum: String,
    pub workload: Workload,
    pub service: Service,
    pub service_account: ServiceAccount,
    pub role: Role,
    pub role_binding: RoleBinding,
    /// `<name>-performers`, only when `spec.networkPolicy.enabled` (else the reconciler deletes it).
    pub network_policy: Option<NetworkPolicy>,
    /// Replicas the workload gets: the CR's, or 0 while the config is incomplete
    /// (a pod that cannot start would only crash-loop).
    pub replicas: i32,
    /// What the spec lacks, refuses and ignores (condition `ConfigComplete`).
    pub assessment: Assessment,
}

/// `config.yaml` as the binary reads it, in its own key names; secrets are left empty
/// (they come from the Secret through env and files).
fn config_file(
    e: &HourglassExecutor,
    keys: &KeyMaterial,
    ctx: &RenderContext,
    ns: &str,
    l1: Option<&crate::api::executor::Chain>,
    (grpc_port, management_port): (i32, i32),
    badger: bool,
) -> serde_json::Value {
    let config = e.spec.config.clone().unwrap_or_default();
    let mode = match config.performer_mode.unwrap_or_default() {
        PerformerMode::Kubernetes => "kubernetes",
        PerformerMode::Docker => "docker",
    };
    let remote = config.remote_signer.as_ref();
    let remote_key = |key: Option<&RemoteKey>| {
        remote.zip(key).map(|(r, k)| {
            json!({
                "useRemoteSigner": true,
                "remoteSignerConfig": {
                    "url": r.url,
                    // From the TLS Secret through env (see `remote_signer_env`).
                    "caCert": "",
                    "cert": "",
                    "key": "",
                    "fromAddress": k.from_address,
                    "publicKey": k.public_key,
                },
            })
        })
    };
    let remote_operator = remote_key(remote.and_then(|r| r.operator_key.as_ref()));
    let remote_signing = remote_key(remote.and_then(|r| r.signing_key.as_ref()));
    let mut signing = serde_json::Map::new();
    if let Some(r) = &remote_signing {
        signing.insert("ecdsa".into(), r.clone());
    } else if keys.has(SECRET_KEY_ECDSA) {
        signing.insert("ecdsa".into(), json!({"privateKey": ""}));
    }
    if keys.bls() {
        signing.insert(
            "bls".into(),
            json!({
                "keystoreFile": format!("{KEYS_DIR}/{SECRET_KEY_BLS_KEYSTORE}"),
                "password": "",
            }),
        );
    }
    let mut file = json!({
        "debug": config.log_level == Some(LogLevel::Debug),
        "grpcPort": grpc_port,
        "managementServerGrpcPort": management_port,
        "operator": {
            "address": config.operator_address.clone().unwrap_or_default(),
            "operatorPrivateKey": remote_operator
                .clone()
                .unwrap_or_else(|| json!({"privateKey": ""})),
            "signingKeys": signing,
        },
        "avsPerformers": config
            .avs_performers
            .iter()
            .flatten()
            .map(|a| avs_performer(a, mode))
            .collect::<Vec<_>>(),
        "kubernetes": {
            "namespace": ns,
            "operatorNamespace": ctx.operator_namespace,
            "crdGroup": GROUP,
            "crdVersion": VERSION,
            "connectionTimeout": "30s",
            "inCluster": true,
        },
        "storage": if badger {
            json!({"type": "badger", "badgerConfig": {"dir": BADGER_DIR}})
        } else {
            json!({"type": "memory"})
        },
        "authConfig": {"isEnabled": config.auth.as_ref().is_some_and(|a| a.enabled)},
    });
    if let Some(chain) = l1 {
        file["l1Chain"] = json!({"rpcUrl": chain.rpc, "chainId": chain.chain_id});
    }
    if let Some(mailbox) = config
        .override_contracts
        .as_ref()
        .and_then(|o| o.task_mailbox.as_ref())
    {
        file["overrideContracts"] = json!({
            "taskMailbox": {"contract": mailbox.contract, "chainIds": mailbox.chain_ids},
        });
    }
    if let Some(contracts) = &config.contracts {
        file["contracts"] = contracts_bytes(contracts);
    }
    file
}

/// The executor's workload: a StatefulSet with a badger volume, else a Recreate Deployment.
fn workload(
    config: &crate::api::executor::ExecutorConfig,
    name: &str,
    meta: ObjectMeta,
    replicas: i32,
    template: PodTemplateSpec,
    badger: bool,
) -> Workload {
    let selector = LabelSelector {
        match_labels: Some(selector_labels(name)),
        match_expressions: None,
    };
    if badger {
        let size = config
            .storage
            .as_ref()
            .and_then(|s| s.size.clone())
            .unwrap_or_else(|| Quantity(DEFAULT_BADGER_SIZE.into()));
        Workload::StatefulSet(Box::new(stamp(StatefulSet {
            metadata: meta.clone(),
            spec: StatefulSetSpec {
                replicas: Some(replicas),
                selector,
                service_name: Some(name.to_string()),
                template,
                volume_claim_templates: Some(vec![PersistentVolumeClaim {
                    metadata: ObjectMeta {
                        name: Some("data".into()),
                        labels: Some(selector_labels(name)),
                        ..Default::default()
                    },
                    spec: Some(PersistentVolumeClaimSpec {
                        access_modes: Some(vec!["ReadWriteOnce".into()]),
                        resources: Some(VolumeResourceRequirements {
                            requests: Some(BTreeMap::from([("storage".to_string(), size)])),
                            limits: None,
                        }),
                        ..Default::default()
                    }),
                    status: None,
                }]),
                ..Default::default()
            },
            status: None,
        })))
    } else {
        Workload::Deployment(Box::new(stamp(Deployment {
            metadata: meta.clone(),
            spec: DeploymentSpec {
                replicas: Some(replicas),
                selector,
                // Never two pods of one operator identity at once (no leader election upstream).
                strategy: Some(DeploymentStrategy {
                    type_: Some("Recreate".into()),
                    rolling_update: None,
                }),
                template,
                ..Default::default()
            },
            status: None,
        })))
    }
}

/// The executor's Service: the task port (and, in-cluster only, the management port).
fn executor_service(
    e: &HourglassExecutor,
    name: &str,
    meta: ObjectMeta,
    grpc_port: i32,
    management_port: i32,
) -> Service {
    let exposure = e.spec.service.clone().unwrap_or_default();
    let kind = exposure.kind.unwrap_or_default();
    let mut service_meta = meta;
    service_meta.annotations = exposure.annotations.clone().filter(|a| !a.is_empty());
    Service {
        metadata: service_meta,
        spec: Some(ServiceSpec {
            type_: Some(kind.as_str().into()),
            external_traffic_policy: (kind != ServiceType::ClusterIP)
                .then(|| {
                    exposure
                        .external_traffic_policy
                        .map(ExternalTrafficPolicy::as_str)
                })
                .flatten()
                .map(String::from),
            selector: Some(selector_labels(name)),
            // The management server stays in-cluster: only the task port is exposed outside.
            ports: Some(if kind == ServiceType::ClusterIP {
                vec![
                    service_port("grpc", grpc_port),
                    service_port("management", management_port),
                ]
            } else {
                vec![service_port("grpc", grpc_port)]
            }),
            ..Default::default()
        }),
        status: None,
    }
}

/// Renders every child of the executor. Fails only on an object without name/namespace.
pub fn render(
    e: &HourglassExecutor,
    keys: &KeyMaterial,
    ctx: &RenderContext,
) -> Result<Rendered, RenderError> {
    let name = e
        .metadata
        .name
        .clone()
        .ok_or_else(|| RenderError("the HourglassExecutor has no name".into()))?;
    let ns = e
        .metadata
        .namespace
        .clone()
        .ok_or_else(|| RenderError("the HourglassExecutor has no namespace".into()))?;
    let config = e.spec.config.clone().unwrap_or_default();
    let grpc_port = config.grpc_port.unwrap_or(DEFAULT_EXECUTOR_GRPC_PORT);
    let management_port = config
        .management_grpc_port
        .unwrap_or(DEFAULT_EXECUTOR_MANAGEMENT_PORT);
    let assessment = assessment::assess(e, Some(keys));
    let l1 = assessment.l1.as_ref();
    let badger = config
        .storage
        .as_ref()
        .is_some_and(|s| s.kind == StorageType::Badger);

    let file = config_file(e, keys, ctx, &ns, l1, (grpc_port, management_port), badger);
    let config_yaml = serde_saphyr::to_string(&file)
        .map_err(|e| RenderError(format!("serializing config.yaml: {e}")))?;
    let checksum = hash(&config_yaml);

    let labels = common_labels(e);
    let meta = |object_name: String| ObjectMeta {
        name: Some(object_name),
        namespace: Some(ns.clone()),
        labels: Some(labels.clone()),
        owner_references: owner(e).map(|o| vec![o]),
        ..Default::default()
    };

    let config_map = stamp(ConfigMap {
        metadata: meta(config_map_name(&name)),
        data: Some(BTreeMap::from([(
            CONFIG_FILE.to_string(),
            config_yaml.clone(),
        )])),
        ..Default::default()
    });

    let replicas = if assessment.complete() {
        e.spec.replicas.unwrap_or(1)
    } else {
        0
    };
    let template = pod_template(
        e,
        &name,
        keys,
        &checksum,
        grpc_port,
        management_port,
        badger,
    );
    let workload = workload(
        &config,
        &name,
        meta(name.clone()),
        replicas,
        template,
        badger,
    );

    let service = stamp(executor_service(
        e,
        &name,
        meta(name.clone()),
        grpc_port,
        management_port,
    ));

    let sa = service_account_name(&name);
    let service_account = stamp(ServiceAccount {
        metadata: meta(sa.clone()),
        ..Default::default()
    });
    let role = stamp(Role {
        metadata: meta(sa.clone()),
        rules: Some(executor_rules(&ns)),
    });
    let role_binding = stamp(RoleBinding {
        metadata: meta(sa.clone()),
        role_ref: RoleRef {
            api_group: Some("rbac.authorization.k8s.io".into()),
            kind: "Role".into(),
            name: sa.clone(),
        },
        subjects: Some(vec![Subject {
            kind: "ServiceAccount".into(),
            name: sa,
            namespace: Some(ns.clone()),
            api_group: None,
        }]),
    });

    let network_policy = e
        .spec
        .network_policy
        .as_ref()
        .is_some_and(|p| p.enabled)
        .then(|| stamp(network_policy(&name, meta(network_policy_name(&name)))));

    Ok(Rendered {
        config_map,
        config_yaml,
        checksum,
        workload,
        service,
        service_account,
        role,
        role_binding,
        network_policy,
        replicas,
        assessment,
    })
}

/// The NetworkPolicy of `spec.networkPolicy`: ingress to every Performer pod of the
/// namespace (`app=hourglass-performer`, on every pod hgctl renders and on upstream's)
/// only from this executor's pods (its workload's selector, same namespace), only to the
/// container port named `grpc` over TCP. A named port, so one rule covers performers
/// listening on different port numbers. Egress is left alone.
///
/// It selects all performers of the namespace, not only the ones this executor created:
/// the Performers the executor writes carry nothing that names it. NetworkPolicies are
/// additive (the allowed ingress is the union of every policy selecting a pod): with two
/// executors in one namespace that both enable it, the pods of either may reach every
/// performer. And once a policy selects a performer pod, all ingress no policy allows is
/// denied: other pods, other namespaces, ingress controllers, a Prometheus scraping it.
/// Performer pods expose no port but `grpc` (no metrics port), so nothing hgctl renders
/// needs more; the kubelet's gRPC probes come from the node, which policies do not block.
/// Enforced only by a network plugin that implements NetworkPolicy (Calico, Cilium, ...).
pub fn network_policy(name: &str, metadata: ObjectMeta) -> NetworkPolicy {
    use super::performer::{APP_PERFORMER, GRPC_PORT_NAME, LABEL_APP};
    NetworkPolicy {
        metadata,
        spec: Some(NetworkPolicySpec {
            pod_selector: Some(LabelSelector {
                match_labels: Some(BTreeMap::from([(
                    LABEL_APP.to_string(),
                    APP_PERFORMER.to_string(),
                )])),
                match_expressions: None,
            }),
            policy_types: Some(vec!["Ingress".into()]),
            ingress: Some(vec![NetworkPolicyIngressRule {
                from: Some(vec![NetworkPolicyPeer {
                    pod_selector: Some(LabelSelector {
                        match_labels: Some(selector_labels(name)),
                        match_expressions: None,
                    }),
                    namespace_selector: None,
                    ip_block: None,
                }]),
                ports: Some(vec![NetworkPolicyPort {
                    port: Some(IntOrString::String(GRPC_PORT_NAME.into())),
                    protocol: Some("TCP".into()),
                    end_port: None,
                }]),
            }]),
            egress: None,
        }),
    }
}

/// The executor's rights in its namespace: Performers (it creates them in
/// kubernetes mode), their status, and its own namespace for the connection
/// test. Nothing on Secrets.
pub fn executor_rules(namespace: &str) -> Vec<PolicyRule> {
    vec![
        PolicyRule {
            api_groups: Some(vec![GROUP.into()]),
            resources: Some(vec!["performers".into()]),
            verbs: ["create", "get", "list", "watch", "update", "delete"]
                .map(String::from)
                .to_vec(),
            ..Default::default()
        },
        PolicyRule {
            api_groups: Some(vec![GROUP.into()]),
            resources: Some(vec!["performers/status".into()]),
            verbs: vec!["get".into()],
            ..Default::default()
        },
        PolicyRule {
            api_groups: Some(vec![String::new()]),
            resources: Some(vec!["namespaces".into()]),
            resource_names: Some(vec![namespace.into()]),
            verbs: vec!["get".into()],
            ..Default::default()
        },
    ]
}

/// The owned Secret `<name>-keys` holding the seed's inline keys, or None when
/// the spec has none. Its values are the only place the inline keys go.
pub fn inline_keys_secret(e: &HourglassExecutor) -> Option<Secret> {
    let keys = e.spec.config.as_ref()?.operator_keys.as_ref()?;
    let mut data = BTreeMap::new();
    if let Some(ecdsa) = &keys.ecdsa {
        data.insert(
            SECRET_KEY_ECDSA.to_string(),
            ByteString(ecdsa.as_bytes().to_vec()),
        );
    }
    if let Some(bls) = &keys.bls {
        data.insert(
            SECRET_KEY_INLINE_BLS.to_string(),
            ByteString(bls.as_bytes().to_vec()),
        );
    }
    if data.is_empty() {
        return None;
    }
    let name = e.metadata.name.clone()?;
    Some(Secret {
        metadata: ObjectMeta {
            name: Some(keys_secret_name(&name)),
            namespace: e.metadata.namespace.clone(),
            labels: Some(common_labels(e)),
            owner_references: owner(e).map(|o| vec![o]),
            ..Default::default()
        },
        type_: Some("Opaque".into()),
        data: Some(data),
        ..Default::default()
    })
}

/// The key names `inline_keys_secret` writes (without reading anything back).
pub fn inline_key_material(e: &HourglassExecutor) -> Option<KeyMaterial> {
    let secret = inline_keys_secret(e)?;
    let names = secret.data.unwrap_or_default().into_keys();
    Some(KeyMaterial::from_secret(
        secret.metadata.name.as_deref().unwrap_or_default(),
        names,
    ))
}

fn avs_performer(a: &AvsPerformer, mode: &str) -> Value {
    let (repository, tag) = split_image(&a.image);
    let envs: Vec<Value> = a
        .envs
        .iter()
        .flatten()
        .map(|env| match (&env.value, &env.value_from) {
            (_, Some(from)) => {
                let value_from = if let Some(s) = &from.secret_key_ref {
                    json!({"secretKeyRef": {"name": s.name, "key": s.key}})
                } else if let Some(c) = &from.config_map_key_ref {
                    json!({"configMapKeyRef": {"name": c.name, "key": c.key}})
                } else {
                    json!({})
                };
                json!({"name": env.name, "kubernetesEnv": {"valueFrom": value_from}})
            }
            (value, None) => json!({"name": env.name, "value": value.clone().unwrap_or_default()}),
        })
        .collect();
    let mut out = json!({
        "avsAddress": a.avs_address,
        "image": {"repository": repository, "tag": tag},
        "processType": "server",
        "deploymentMode": mode,
        "envs": envs,
    });
    if let Some(sa) = &a.service_account_name {
        out["kubernetes"] = json!({"serviceAccountName": sa});
    }
    out
}

/// Where the executor finds the performer CA, and the system's own trust directory it keeps.
const PERFORMER_CA_DIR: &str = "/etc/hgctl/performer-ca";
const SYSTEM_CERT_DIR: &str = "/etc/ssl/certs";

/// Whether an AVS of the executor has its performers behind TLS (`performerTemplate.tls`),
/// so the executor must trust the namespace's performer CA.
pub fn trusts_performer_ca(e: &HourglassExecutor) -> bool {
    e.spec
        .config
        .iter()
        .flat_map(|c| c.avs_performers.iter().flatten())
        .filter_map(|a| a.performer_template.as_ref()?.tls.as_ref())
        .any(|t| t.terminate)
}

/// The performer CA's certificate (never its key) mounted, and added to Go's trust: Go reads
/// every file of each `SSL_CERT_DIR` directory, besides its default bundle file.
fn trust_performer_ca(
    env: &mut Vec<EnvVar>,
    mounts: &mut Vec<VolumeMount>,
    volumes: &mut Vec<Volume>,
) {
    env.push(EnvVar {
        name: "SSL_CERT_DIR".into(),
        value: Some(format!("{SYSTEM_CERT_DIR}:{PERFORMER_CA_DIR}")),
        value_from: None,
    });
    mounts.push(VolumeMount {
        name: "performer-ca".into(),
        mount_path: PERFORMER_CA_DIR.into(),
        read_only: Some(true),
        ..Default::default()
    });
    volumes.push(Volume {
        name: "performer-ca".into(),
        secret: Some(SecretVolumeSource {
            secret_name: Some(crate::tls::CA_SECRET.into()),
            items: Some(vec![KeyToPath {
                key: crate::tls::CA_CERT_KEY.into(),
                path: crate::tls::CA_CERT_KEY.into(),
                mode: None,
                user: None,
            }]),
            default_mode: Some(0o444),
            default_user: None,
            optional: None,
        }),
        ..Default::default()
    });
}

/// The keys the binary reads from env: only those the Secret has (a reference to a missing
/// key keeps the pod from starting), none the remote signer holds. Sorted by name.
fn key_env(e: &HourglassExecutor, keys: &KeyMaterial) -> Vec<EnvVar> {
    let secret = keys.secret.clone().unwrap_or_default();
    let secret_env = |path: &str, key: &str| EnvVar {
        name: env_name(path),
        value: None,
        value_from: Some(EnvVarSource {
            secret_key_ref: Some(SecretKeySelector {
                name: secret.clone(),
                key: key.into(),
                optional: None,
            }),
            ..Default::default()
        }),
    };
    let remote = e
        .spec
        .config
        .as_ref()
        .and_then(|c| c.remote_signer.as_ref());
    let remote_operator = remote.is_some_and(|r| r.operator_key.is_some());
    let remote_signing = remote.is_some_and(|r| r.signing_key.is_some());
    let mut env = Vec::new();
    if keys.has(SECRET_KEY_OPERATOR) && !remote_operator {
        env.push(secret_env(KEY_OPERATOR_PATH, SECRET_KEY_OPERATOR));
    }
    if keys.has(SECRET_KEY_ECDSA) && !remote_signing {
        env.push(secret_env(KEY_ECDSA_PATH, SECRET_KEY_ECDSA));
    }
    if let Some(tls) = remote.and_then(|r| r.tls_secret_ref.as_ref()) {
        let mut paths = Vec::new();
        if remote_operator {
            paths.push(KEY_OPERATOR_REMOTE_PATH);
        }
        if remote_signing {
            paths.push(KEY_ECDSA_REMOTE_PATH);
        }
        env.extend(remote_signer_env(&tls.name, &paths));
    }
    if keys.bls() {
        env.push(secret_env(KEY_BLS_PASSWORD_PATH, SECRET_KEY_BLS_PASSWORD));
    }
    env.sort_by(|a, b| a.name.cmp(&b.name));
    env
}

/// The config file, the BLS keystore (when the Secret has one) and the badger volume.
fn mounts_and_volumes(
    name: &str,
    keys: &KeyMaterial,
    badger: bool,
) -> (Vec<VolumeMount>, Vec<Volume>) {
    let secret = keys.secret.clone().unwrap_or_default();
    let mut mounts = vec![VolumeMount {
        name: "config".into(),
        mount_path: CONFIG_DIR.into(),
        read_only: Some(true),
        ..Default::default()
    }];
    let mut volumes = vec![Volume {
        name: "config".into(),
        config_map: Some(ConfigMapVolumeSource {
            name: config_map_name(name),
            items: Some(vec![KeyToPath {
                key: CONFIG_FILE.into(),
                path: CONFIG_FILE.into(),
                mode: None,
                user: None,
            }]),
            ..Default::default()
        }),
        ..Default::default()
    }];
    if keys.bls() {
        mounts.push(VolumeMount {
            name: "keys".into(),
            mount_path: KEYS_DIR.into(),
            read_only: Some(true),
            ..Default::default()
        });
        volumes.push(Volume {
            name: "keys".into(),
            secret: Some(SecretVolumeSource {
                secret_name: Some(secret.clone()),
                items: Some(vec![KeyToPath {
                    key: SECRET_KEY_BLS_KEYSTORE.into(),
                    path: SECRET_KEY_BLS_KEYSTORE.into(),
                    mode: None,
                    user: None,
                }]),
                default_mode: Some(0o440),
                default_user: None,
                optional: None,
            }),
            ..Default::default()
        });
    }
    if badger {
        mounts.push(VolumeMount {
            name: "data".into(),
            mount_path: DATA_DIR.into(),
            ..Default::default()
        });
    }
    (mounts, volumes)
}

fn pod_template(
    e: &HourglassExecutor,
    name: &str,
    keys: &KeyMaterial,
    checksum: &str,
    grpc_port: i32,
    management_port: i32,
    badger: bool,
) -> PodTemplateSpec {
    let mut env = key_env(e, keys);

    let (mut mounts, mut volumes) = mounts_and_volumes(name, keys, badger);
    if trusts_performer_ca(e) {
        trust_performer_ca(&mut env, &mut mounts, &mut volumes);
    }

    let tcp = |period: i32, failure_threshold: i32| Probe {
        tcp_socket: Some(TCPSocketAction {
            port: IntOrString::String("grpc".into()),
            host: None,
        }),
        period_seconds: Some(period),
        failure_threshold: Some(failure_threshold),
        timeout_seconds: Some(2),
        ..Default::default()
    };
    let spec = &e.spec;
    let container = Container {
        name: CONTAINER_NAME.into(),
        image: Some(spec.image.clone()),
        command: Some(spec.command.clone().unwrap_or_else(default_command)),
        args: Some(spec.args.clone().unwrap_or_else(default_args)),
        env: (!env.is_empty()).then_some(env),
        ports: Some(vec![
            ContainerPort {
                name: Some("grpc".into()),
                container_port: grpc_port,
                protocol: Some("TCP".into()),
                ..Default::default()
            },
            ContainerPort {
                name: Some("management".into()),
                container_port: management_port,
                protocol: Some("TCP".into()),
                ..Default::default()
            },
        ]),
        volume_mounts: Some(mounts),
        resources: spec.resources.clone(),
        // A crash's last log lines land in the pod status (`lastState.terminated.message`),
        // where doctor reads them without the logs API.
        termination_message_policy: Some("FallbackToLogsOnError".into()),
        readiness_probe: Some(tcp(5, 3)),
        liveness_probe: Some(tcp(10, 6)),
        security_context: Some(SecurityContext {
            allow_privilege_escalation: Some(false),
            capabilities: Some(Capabilities {
                drop: Some(vec!["ALL".into()]),
                add: None,
            }),
            run_as_non_root: Some(true),
            seccomp_profile: Some(runtime_default()),
            ..Default::default()
        }),
        ..Default::default()
    };
    let mut labels = common_labels(e);
    labels.remove("app.kubernetes.io/managed-by");
    PodTemplateSpec {
        metadata: Some(ObjectMeta {
            labels: Some(labels),
            annotations: Some(BTreeMap::from([(
                ANNOTATION_CONFIG_CHECKSUM.to_string(),
                checksum.to_string(),
            )])),
            ..Default::default()
        }),
        spec: Some(PodSpec {
            containers: vec![container],
            service_account_name: Some(service_account_name(name)),
            automount_service_account_token: Some(true),
            enable_service_links: Some(false),
            volumes: Some(volumes),
            image_pull_secrets: spec.image_pull_secrets.clone().filter(|s| !s.is_empty()),
            node_selector: spec.node_selector.clone().filter(|s| !s.is_empty()),
            tolerations: spec.tolerations.clone().filter(|t| !t.is_empty()),
            affinity: spec.affinity.clone(),
            security_context: Some(PodSecurityContext {
                run_as_non_root: Some(true),
                // So `runAsNonRoot` holds whatever USER the image declares, and the
                // Secret/PVC files are group-readable.
                run_as_user: Some(RUN_AS_USER),
                run_as_group: Some(RUN_AS_USER),
                fs_group: Some(RUN_AS_USER),
                seccomp_profile: Some(runtime_default()),
                ..Default::default()
            }),
            ..Default::default()
        }),
    }
}

fn service_port(name: &str, port: i32) -> ServicePort {
    ServicePort {
        name: Some(name.into()),
        port,
        target_port: Some(IntOrString::String(name.into())),
        protocol: Some("TCP".into()),
        app_protocol: Some("grpc".into()),
        ..Default::default()
    }
}

fn runtime_default() -> SeccompProfile {
    SeccompProfile {
        type_: "RuntimeDefault".into(),
        localhost_profile: None,
    }
}

fn owner(e: &HourglassExecutor) -> Option<OwnerReference> {
    e.controller_owner_ref(&())
}

/// Objects whose metadata can carry the spec-hash annotation.
pub trait Stamped: Serialize {
    fn meta_mut(&mut self) -> &mut ObjectMeta;
}
macro_rules! stamped {
    ($($t:ty),*) => {$(impl Stamped for $t {
        fn meta_mut(&mut self) -> &mut ObjectMeta { &mut self.metadata }
    })*};
}
stamped!(
    ConfigMap,
    Deployment,
    StatefulSet,
    Service,
    ServiceAccount,
    Role,
    RoleBinding,
    Secret,
    NetworkPolicy
);

/// Annotates the object with the hash of everything rendered in it.
pub fn stamp<T: Stamped>(mut obj: T) -> T {
    let text = serde_json::to_string(&obj).unwrap_or_default();
    obj.meta_mut()
        .annotations
        .get_or_insert_with(BTreeMap::new)
        .insert(ANNOTATION_SPEC_HASH.into(), hash(&text));
    obj
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::output::fixtures::assert_golden;

    fn example(file: &str) -> HourglassExecutor {
        let text =
            std::fs::read_to_string(format!("{}/examples/{file}", env!("CARGO_MANIFEST_DIR")))
                .unwrap();
        let mut e: HourglassExecutor = serde_saphyr::from_str(&text).unwrap();
        e.metadata.namespace = Some("avs".into());
        e.metadata.uid = Some("uid-1".into());
        e
    }

    fn full_keys() -> KeyMaterial {
        KeyMaterial::from_secret(
            "operator-keys",
            [
                SECRET_KEY_OPERATOR,
                SECRET_KEY_ECDSA,
                SECRET_KEY_BLS_KEYSTORE,
                SECRET_KEY_BLS_PASSWORD,
            ]
            .map(String::from),
        )
    }

    fn stream(r: &Rendered, secret: Option<&Secret>) -> String {
        let workload = match &r.workload {
            Workload::Deployment(d) => crate::output::yaml(d.as_ref()),
            Workload::StatefulSet(s) => crate::output::yaml(s.as_ref()),
        }
        .unwrap();
        let mut parts = vec![
            crate::output::yaml(&r.config_map).unwrap(),
            workload,
            crate::output::yaml(&r.service).unwrap(),
            crate::output::yaml(&r.service_account).unwrap(),
            crate::output::yaml(&r.role).unwrap(),
            crate::output::yaml(&r.role_binding).unwrap(),
        ];
        if let Some(np) = &r.network_policy {
            parts.push(crate::output::yaml(np).unwrap());
        }
        if let Some(s) = secret {
            // Key names only: the golden file must not hold key bytes either.
            let names: Vec<String> = s.data.clone().unwrap_or_default().into_keys().collect();
            parts.push(format!(
                "# Secret {} keys: {names:?}\n",
                s.metadata.name.clone().unwrap()
            ));
        }
        let mut notes = format!("# replicas: {}\n", r.replicas);
        for m in r.assessment.blocking() {
            notes.push_str(&format!("# missing: {m}\n"));
        }
        for u in &r.assessment.unused {
            notes.push_str(&format!("# unused: {u}\n"));
        }
        parts.push(notes);
        parts.join("---\n")
    }

    #[test]
    fn env_names_follow_the_binary_rule() {
        assert_eq!(
            env_name(KEY_OPERATOR_PATH),
            "EXECUTOR__OPERATOR_OPERATORPRIVATEKEY_PRIVATEKEY"
        );
        assert_eq!(
            env_name(KEY_BLS_PASSWORD_PATH),
            "EXECUTOR__OPERATOR_SIGNINGKEYS_BLS_PASSWORD"
        );
    }

    #[test]
    fn images_split_into_repository_and_tag() {
        assert_eq!(
            split_image("reg:5000/a/b:v1"),
            ("reg:5000/a/b".into(), "v1".into())
        );
        assert_eq!(
            split_image("reg:5000/a/b"),
            ("reg:5000/a/b".into(), "".into())
        );
    }

    #[test]
    fn golden_full_example() {
        let e = example("executor-full.yaml");
        let r = render(&e, &full_keys(), &RenderContext::default()).unwrap();
        assert!(r.assessment.complete(), "{:?}", r.assessment);
        assert!(matches!(r.workload, Workload::StatefulSet(_)));
        assert_golden("executor-full.yaml", &stream(&r, None));
    }

    #[test]
    fn golden_seed_example_with_inline_keys() {
        let e = example("executor.yaml");
        let keys = inline_key_material(&e).unwrap();
        let r = render(&e, &keys, &RenderContext::default()).unwrap();
        assert_eq!(r.replicas, 0, "incomplete config: no crash-looping pods");
        assert_golden(
            "executor-seed.yaml",
            &stream(&r, inline_keys_secret(&e).as_ref()),
        );
    }

    #[test]
    fn inline_keys_never_reach_the_config_or_the_workload() {
        let e = example("executor.yaml");
        let keys = inline_key_material(&e).unwrap();
        let r = render(&e, &keys, &RenderContext::default()).unwrap();
        let inline = e.spec.config.unwrap().operator_keys.unwrap();
        let everything = stream(&r, None);
        for value in [inline.ecdsa.unwrap(), inline.bls.unwrap()] {
            assert!(!everything.contains(&value), "{value:?} leaked");
        }
        assert!(
            r.config_yaml.contains("privateKey: ''") || r.config_yaml.contains("privateKey: \"\"")
        );
    }

    #[test]
    fn an_incomplete_config_runs_no_pods() {
        let e = example("executor.yaml");
        let r = render(&e, &KeyMaterial::default(), &RenderContext::default()).unwrap();
        assert!(!r.assessment.complete());
        assert_eq!(r.replicas, 0);
        let gone = render(
            &example("executor-full.yaml"),
            &KeyMaterial::missing_secret("operator-keys"),
            &RenderContext::default(),
        )
        .unwrap();
        assert_eq!(gone.replicas, 0);
        assert_eq!(
            gone.assessment.missing[0].message,
            "Secret operator-keys (not found)"
        );
        let mut holesky = example("executor-full.yaml");
        holesky
            .spec
            .config
            .as_mut()
            .unwrap()
            .chains
            .as_mut()
            .unwrap()[0]
            .chain_id = 17_000;
        let r = render(&holesky, &full_keys(), &RenderContext::default()).unwrap();
        assert_eq!(
            r.replicas, 0,
            "no TaskMailbox for 17000: the binary would exit"
        );
    }

    fn container(r: &Rendered) -> Container {
        let t = match &r.workload {
            Workload::Deployment(d) => &d.spec.template,
            Workload::StatefulSet(s) => &s.spec.template,
        };
        t.spec.clone().unwrap().containers[0].clone()
    }

    /// The official image: `executor` in /usr/local/bin (on the PATH), no ENTRYPOINT.
    #[test]
    fn the_container_runs_the_executor_binary_of_the_official_image() {
        let e = example("executor-full.yaml");
        let c = container(&render(&e, &full_keys(), &RenderContext::default()).unwrap());
        let argv: Vec<String> = c
            .command
            .unwrap()
            .into_iter()
            .chain(c.args.unwrap())
            .collect();
        assert_eq!(argv, ["executor", "run", "--config", CONFIG_PATH]);
        // What the kubelet execs with no ENTRYPOINT: argv[0] resolved on the image's PATH.
        let image_path = ["/usr/local/sbin", "/usr/local/bin", "/usr/sbin", "/usr/bin"];
        let image_binaries = ["/usr/local/bin/executor", "/usr/local/bin/aggregator"];
        assert!(
            image_path
                .iter()
                .any(|dir| image_binaries.contains(&format!("{dir}/{}", argv[0]).as_str()))
        );
        // The file the args name is the one the ConfigMap is mounted as.
        let mount = c
            .volume_mounts
            .unwrap()
            .into_iter()
            .find(|m| m.name == "config")
            .unwrap();
        assert_eq!(format!("{}/{CONFIG_FILE}", mount.mount_path), argv[3]);
    }

    #[test]
    fn custom_images_override_command_and_args() {
        let mut e = example("executor-full.yaml");
        e.spec.command = Some(vec!["/app/ponos".into()]);
        let c = container(&render(&e, &full_keys(), &RenderContext::default()).unwrap());
        assert_eq!(c.command.unwrap(), ["/app/ponos"]);
        assert_eq!(c.args.unwrap(), default_args());
        e.spec.args = Some(vec!["run".into(), "--config".into(), "/x.yaml".into()]);
        let c = container(&render(&e, &full_keys(), &RenderContext::default()).unwrap());
        assert_eq!(c.args.unwrap(), ["run", "--config", "/x.yaml"]);
    }

    #[test]
    fn the_operator_namespace_is_the_contexts() {
        let e = example("executor-full.yaml");
        let ctx = RenderContext {
            operator_namespace: "ops".into(),
        };
        let r = render(&e, &full_keys(), &ctx).unwrap();
        assert!(
            r.config_yaml.contains("operatorNamespace: ops"),
            "{}",
            r.config_yaml
        );
    }

    #[test]
    fn the_service_type_annotations_and_traffic_policy_come_from_the_spec() {
        use crate::api::executor::ExecutorService;
        let mut e = example("executor-full.yaml");
        let r = render(&e, &full_keys(), &RenderContext::default()).unwrap();
        let spec = r.service.spec.clone().unwrap();
        assert_eq!(spec.type_.as_deref(), Some("ClusterIP"));
        assert_eq!(spec.ports.unwrap().len(), 2);
        assert!(spec.external_traffic_policy.is_none());
        e.spec.service = Some(ExecutorService {
            kind: Some(ServiceType::LoadBalancer),
            annotations: Some(BTreeMap::from([(
                "service.beta.kubernetes.io/aws-load-balancer-type".to_string(),
                "nlb".to_string(),
            )])),
            external_traffic_policy: Some(ExternalTrafficPolicy::Local),
        });
        let r = render(&e, &full_keys(), &RenderContext::default()).unwrap();
        let annotations = r.service.metadata.annotations.clone().unwrap();
        assert_eq!(
            annotations["service.beta.kubernetes.io/aws-load-balancer-type"],
            "nlb"
        );
        assert!(annotations.contains_key(ANNOTATION_SPEC_HASH));
        let spec = r.service.spec.clone().unwrap();
        assert_eq!(spec.type_.as_deref(), Some("LoadBalancer"));
        assert_eq!(spec.external_traffic_policy.as_deref(), Some("Local"));
        let ports = spec.ports.unwrap();
        assert_eq!(ports.len(), 1, "the management port stays in-cluster");
        assert_eq!(ports[0].port, 9000);
    }

    #[test]
    fn the_task_address_follows_the_service_type() {
        use k8s_openapi::api::core::v1::{LoadBalancerIngress, LoadBalancerStatus, ServiceStatus};
        let e = example("executor-full.yaml");
        let mut svc = render(&e, &full_keys(), &RenderContext::default())
            .unwrap()
            .service;
        assert_eq!(
            task_address(&svc).unwrap(),
            "sepolia-executor.avs.svc:9000 (in-cluster only)"
        );
        let spec = svc.spec.as_mut().unwrap();
        spec.type_ = Some("NodePort".into());
        spec.ports.as_mut().unwrap()[0].node_port = Some(31_000);
        assert_eq!(task_address(&svc).unwrap(), "<any node address>:31000");
        svc.spec.as_mut().unwrap().type_ = Some("LoadBalancer".into());
        assert!(task_address(&svc).unwrap().starts_with("<pending"));
        svc.status = Some(ServiceStatus {
            load_balancer: Some(LoadBalancerStatus {
                ingress: Some(vec![LoadBalancerIngress {
                    ip: Some("203.0.113.7".into()),
                    ..Default::default()
                }]),
            }),
            ..Default::default()
        });
        assert_eq!(task_address(&svc).unwrap(), "203.0.113.7:9000");
    }

    #[test]
    fn contract_overrides_and_the_remote_signer_reach_the_config() {
        use crate::api::executor::{OverrideContract, OverrideContracts, RemoteSigner};
        let mut e = example("executor-full.yaml");
        let config = e.spec.config.as_mut().unwrap();
        config.chains.as_mut().unwrap()[0].chain_id = 17_000;
        config.override_contracts = Some(OverrideContracts {
            task_mailbox: Some(OverrideContract {
                contract: r#"{"address":"0x1"}"#.into(),
                chain_ids: vec![17_000],
            }),
        });
        config.remote_signer = Some(RemoteSigner {
            url: "https://signer.avs.svc:9000".into(),
            tls_secret_ref: Some(crate::api::executor::KeysSecretRef {
                name: "signer-tls".into(),
            }),
            operator_key: Some(RemoteKey {
                from_address: "0x15d34AAf54267DB7D7c367839AAf71A00a2C6A65".into(),
                public_key: "0x04ab".into(),
            }),
            signing_key: None,
        });
        let r = render(&e, &full_keys(), &RenderContext::default()).unwrap();
        assert!(r.assessment.complete(), "{:?}", r.assessment);
        assert_golden("executor-overrides.yaml", &stream(&r, None));
        let env: Vec<String> = container(&r)
            .env
            .unwrap()
            .into_iter()
            .map(|e| e.name)
            .collect();
        assert!(
            !env.contains(&env_name(KEY_OPERATOR_PATH)),
            "the signer holds it"
        );
        assert!(env.contains(&env_name(KEY_ECDSA_PATH)));
        assert!(env.contains(&env_name(&format!("{KEY_OPERATOR_REMOTE_PATH}.caCert"))));
    }

    #[test]
    fn a_config_change_changes_the_template_and_only_then() {
        let e = example("executor-full.yaml");
        let keys = full_keys();
        let a = render(&e, &keys, &RenderContext::default()).unwrap();
        let again = render(&e, &keys, &RenderContext::default()).unwrap();
        assert_eq!(a.checksum, again.checksum);
        let mut changed = e.clone();
        changed.spec.config.as_mut().unwrap().log_level = Some(LogLevel::Info);
        let b = render(&changed, &keys, &RenderContext::default()).unwrap();
        assert_ne!(a.checksum, b.checksum);
        let annotation = |r: &Rendered| match &r.workload {
            Workload::StatefulSet(s) => s
                .spec
                .template
                .metadata
                .as_ref()
                .unwrap()
                .annotations
                .as_ref()
                .unwrap()[ANNOTATION_CONFIG_CHECKSUM]
                .clone(),
            Workload::Deployment(_) => unreachable!(),
        };
        assert_eq!(annotation(&b), b.checksum);
        let mut scaled = e.clone();
        scaled.spec.replicas = Some(0);
        let s = render(&scaled, &keys, &RenderContext::default()).unwrap();
        assert_eq!(s.checksum, a.checksum, "replicas are not config");
    }

    #[test]
    fn an_avs_behind_tls_makes_the_executor_trust_the_performer_ca_and_nothing_else() {
        let mut e = example("executor-full.yaml");
        let plain = render(&e, &full_keys(), &RenderContext::default()).unwrap();
        assert!(!trusts_performer_ca(&e));
        assert!(
            container(&plain)
                .env
                .unwrap_or_default()
                .iter()
                .all(|v| v.name != "SSL_CERT_DIR")
        );
        let avs = &mut e
            .spec
            .config
            .as_mut()
            .unwrap()
            .avs_performers
            .as_mut()
            .unwrap()[0];
        avs.performer_template = Some(crate::api::template::PerformerTemplate {
            tls: Some(crate::api::performer::PerformerTls {
                terminate: true,
                proxy_image: None,
            }),
            ..Default::default()
        });
        assert!(trusts_performer_ca(&e));
        let r = render(&e, &full_keys(), &RenderContext::default()).unwrap();
        let c = container(&r);
        let dir = c
            .env
            .unwrap()
            .into_iter()
            .find(|v| v.name == "SSL_CERT_DIR")
            .unwrap();
        assert_eq!(
            dir.value.as_deref(),
            Some("/etc/ssl/certs:/etc/hgctl/performer-ca")
        );
        let t = match &r.workload {
            Workload::Deployment(d) => &d.spec.template,
            Workload::StatefulSet(s) => &s.spec.template,
        };
        let volumes = t.spec.clone().unwrap().volumes.unwrap();
        let ca = volumes.iter().find(|v| v.name == "performer-ca").unwrap();
        let secret = ca.secret.as_ref().unwrap();
        assert_eq!(secret.secret_name.as_deref(), Some(crate::tls::CA_SECRET));
        // Only the certificate: the CA's key never reaches the executor.
        let items = secret.items.as_ref().unwrap();
        assert_eq!(items.len(), 1);
        assert_eq!(items[0].key, crate::tls::CA_CERT_KEY);
    }

    #[test]
    fn memory_storage_is_a_recreate_deployment() {
        let mut e = example("executor-full.yaml");
        e.spec.config.as_mut().unwrap().storage = None;
        let r = render(&e, &full_keys(), &RenderContext::default()).unwrap();
        let Workload::Deployment(d) = r.workload else {
            panic!("memory storage is a Deployment")
        };
        let spec = d.spec;
        assert_eq!(spec.strategy.unwrap().type_.as_deref(), Some("Recreate"));
        assert_eq!(spec.replicas, Some(1));
        assert!(r.config_yaml.contains("type: memory"));
    }

    /// True when every `matchLabels` pair of `selector` is among `labels`.
    fn selects(selector: &LabelSelector, labels: &BTreeMap<String, String>) -> bool {
        assert!(selector.match_expressions.is_none());
        let want = selector.match_labels.clone().unwrap_or_default();
        !want.is_empty() && want.iter().all(|(k, v)| labels.get(k) == Some(v))
    }

    fn template_labels(w: &Workload) -> BTreeMap<String, String> {
        let t = match w {
            Workload::Deployment(d) => &d.spec.template,
            Workload::StatefulSet(s) => &s.spec.template,
        };
        t.metadata.clone().unwrap().labels.unwrap()
    }

    #[test]
    fn the_network_policy_is_opt_in() {
        let mut e = example("executor-full.yaml");
        assert!(
            e.spec.network_policy.as_ref().unwrap().enabled,
            "the example enables it"
        );
        e.spec.network_policy = None;
        let r = render(&e, &full_keys(), &RenderContext::default()).unwrap();
        assert!(r.network_policy.is_none());
        e.spec.network_policy =
            Some(crate::api::executor::PerformerNetworkPolicy { enabled: false });
        let r = render(&e, &full_keys(), &RenderContext::default()).unwrap();
        assert!(r.network_policy.is_none());
    }

    #[test]
    fn the_network_policy_lets_only_this_executors_pods_reach_performers_grpc_port() {
        use crate::render::performer::{self, GRPC_PORT_NAME};
        let e = example("executor-full.yaml");
        let r = render(&e, &full_keys(), &RenderContext::default()).unwrap();
        let np = r.network_policy.clone().expect("enabled in the example");

        // Owned by the executor (garbage-collected with it), in its namespace.
        assert_eq!(
            np.metadata.name.as_deref(),
            Some("sepolia-executor-performers")
        );
        assert_eq!(np.metadata.namespace.as_deref(), Some("avs"));
        let owner = &np.metadata.owner_references.clone().unwrap()[0];
        assert_eq!(
            (
                owner.kind.as_str(),
                owner.name.as_str(),
                owner.uid.as_str(),
                owner.controller
            ),
            ("HourglassExecutor", "sepolia-executor", "uid-1", Some(true))
        );
        assert_eq!(
            np.metadata.labels.clone().unwrap()[LABEL_EXECUTOR],
            "sepolia-executor",
            "the child watch and the reconciler find it by this label"
        );

        let spec = np.spec.clone().unwrap();
        assert_eq!(spec.policy_types, Some(vec!["Ingress".to_string()]));
        assert!(spec.egress.is_none());

        // The policy selects the pods hgctl renders for any Performer, whatever its port.
        let text = std::fs::read_to_string(format!(
            "{}/examples/performer-minimal.yaml",
            env!("CARGO_MANIFEST_DIR")
        ))
        .unwrap();
        let mut p: crate::api::Performer = serde_saphyr::from_str(&text).unwrap();
        p.metadata.namespace = Some("avs".into());
        let mut other_port = p.clone();
        other_port
            .spec
            .config
            .get_or_insert_with(Default::default)
            .grpc_port = Some(7443);
        for perf in [&p, &other_port] {
            let pod = performer::desired_pod(perf).unwrap().pod;
            assert!(selects(
                spec.pod_selector.as_ref().unwrap(),
                pod.metadata.labels.as_ref().unwrap()
            ));
            let container = &pod.spec.unwrap().containers[0];
            let port = &container.ports.as_ref().unwrap()[0];
            assert_eq!(
                port.name.as_deref(),
                Some(GRPC_PORT_NAME),
                "the policy names this port"
            );
            assert_eq!(port.container_port, perf.spec.grpc_port());
        }
        // ... and not the executor's own pods.
        assert!(!selects(
            spec.pod_selector.as_ref().unwrap(),
            &template_labels(&r.workload)
        ));

        // One rule: from this executor's pods (same namespace), to the named gRPC port.
        let rules = spec.ingress.unwrap();
        assert_eq!(rules.len(), 1);
        let from = rules[0].from.clone().unwrap();
        assert_eq!(from.len(), 1);
        assert!(from[0].namespace_selector.is_none() && from[0].ip_block.is_none());
        let from = from[0].pod_selector.clone().unwrap();
        assert_eq!(from.match_labels, Some(selector_labels("sepolia-executor")));
        assert!(selects(&from, &template_labels(&r.workload)));
        let mut other = e.clone();
        other.metadata.name = Some("other-executor".into());
        let other = render(&other, &full_keys(), &RenderContext::default()).unwrap();
        assert!(
            !selects(&from, &template_labels(&other.workload)),
            "another executor's pods"
        );
        assert_eq!(
            rules[0].ports,
            Some(vec![NetworkPolicyPort {
                port: Some(IntOrString::String(GRPC_PORT_NAME.into())),
                protocol: Some("TCP".into()),
                end_port: None,
            }])
        );

        // Config changes do not touch it (the reconciler writes nothing for it then).
        let mut changed = e.clone();
        let config = changed.spec.config.as_mut().unwrap();
        config.log_level = Some(LogLevel::Info);
        config.grpc_port = Some(7000);
        changed.spec.replicas = Some(0);
        let again = render(&changed, &full_keys(), &RenderContext::default()).unwrap();
        assert_eq!(again.network_policy, Some(np));
    }
}
