//! The `HourglassExecutor` kind: the real Hourglass executor ("ponos") as a workload.
//!
//! Keeps every field of the seed design (some of which the real binary does not
//! read) and adds what the binary needs; see `render::executor` for the mapping.

use std::collections::BTreeMap;

use k8s_openapi::api::core::v1::{
    Affinity, ConfigMapKeySelector, LocalObjectReference, ResourceRequirements, SecretKeySelector,
    Toleration,
};
use k8s_openapi::apimachinery::pkg::api::resource::Quantity;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::{Condition, Time};
use kube::{CustomResource, KubeSchema};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// Desired state of an HourglassExecutor.
#[derive(CustomResource, KubeSchema, Serialize, Deserialize, Clone, Debug, Default, PartialEq)]
#[kube(
    group = "hourglass.eigenlayer.io",
    version = "v1alpha1",
    kind = "HourglassExecutor",
    plural = "hourglassexecutors",
    singular = "hourglassexecutor",
    namespaced,
    status = "HourglassExecutorStatus",
    shortname = "hge",
    shortname = "executor",
    category = "hourglass",
    scale(
        spec_replicas_path = ".spec.replicas",
        status_replicas_path = ".status.replicas",
        label_selector_path = ".status.selector"
    ),
    validation = Rule::new("self.metadata.name.matches('^[a-z]([-a-z0-9]*[a-z0-9])?$') && size(self.metadata.name) <= 50")
        .message("metadata.name must be a DNS-1035 label of at most 50 characters, so that <name>-config and <name>-keys are valid names"),
)]
#[serde(rename_all = "camelCase")]
pub struct HourglassExecutorSpec {
    /// Container image of the executor.
    #[x_kube(validation = Rule::new(r"self.size() > 0 && !self.matches('[\\p{Z}\\p{Cc}]')").message("image must be a non-empty image reference without white space or control characters"))]
    #[schemars(length(max = 512))]
    pub image: String,

    /// Executor pods; the scale subresource drives this field (HPA, kubectl scale).
    #[serde(default = "default_replicas", skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 0, max = 1000))]
    pub replicas: Option<i32>,

    /// What the executor runs with.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub config: Option<ExecutorConfig>,

    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resources: Option<ResourceRequirements>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub node_selector: Option<BTreeMap<String, String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tolerations: Option<Vec<Toleration>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub affinity: Option<Affinity>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub image_pull_secrets: Option<Vec<LocalObjectReference>>,

    /// Opt-in NetworkPolicy that lets only this executor's pods reach the performers' gRPC port.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub network_policy: Option<PerformerNetworkPolicy>,

    /// Container command, for images whose executor is not `executor` on the PATH
    /// (default: `[executor]`, as in the official image, which has no ENTRYPOINT).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(length(min = 1, max = 32))]
    pub command: Option<Vec<String>>,

    /// Container args (default: `[run, --config, /etc/hourglass/config.yaml]`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(length(max = 64))]
    pub args: Option<Vec<String>>,

    /// The executor's Service: the aggregator dials its task port, often from outside the cluster.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub service: Option<ExecutorService>,
}

/// How the executor's Service is exposed.
#[derive(KubeSchema, Serialize, Deserialize, Clone, Debug, Default, PartialEq)]
#[serde(rename_all = "camelCase")]
#[x_kube(
    validation = Rule::new("!has(self.externalTrafficPolicy) || (has(self.type) && self.type != 'ClusterIP')").message("externalTrafficPolicy applies to NodePort and LoadBalancer Services only"),
)]
pub struct ExecutorService {
    /// ClusterIP (default), NodePort or LoadBalancer.
    #[serde(default, rename = "type", skip_serializing_if = "Option::is_none")]
    pub kind: Option<ServiceType>,
    /// Annotations of the Service (e.g. a cloud load balancer's settings).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub annotations: Option<BTreeMap<String, String>>,
    /// Cluster (default) or Local (keeps the client's source address, no second hop).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub external_traffic_policy: Option<ExternalTrafficPolicy>,
}

/// Kubernetes Service types the executor may use.
#[derive(JsonSchema, Serialize, Deserialize, Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum ServiceType {
    #[default]
    ClusterIP,
    NodePort,
    LoadBalancer,
}

impl ServiceType {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::ClusterIP => "ClusterIP",
            Self::NodePort => "NodePort",
            Self::LoadBalancer => "LoadBalancer",
        }
    }
}

/// `externalTrafficPolicy` of a NodePort or LoadBalancer Service.
#[derive(JsonSchema, Serialize, Deserialize, Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum ExternalTrafficPolicy {
    #[default]
    Cluster,
    Local,
}

impl ExternalTrafficPolicy {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Cluster => "Cluster",
            Self::Local => "Local",
        }
    }
}

fn default_replicas() -> Option<i32> {
    Some(1)
}

/// Executor configuration: the seed design's fields and the real binary's.
#[derive(KubeSchema, Serialize, Deserialize, Clone, Debug, Default, PartialEq)]
#[serde(rename_all = "camelCase")]
#[x_kube(
    validation = Rule::new("!has(self.l1Chain) || (has(self.chains) && self.chains.exists(c, c.name == self.l1Chain))").message("l1Chain must name one of the chains"),
    validation = Rule::new(format!("has(self.l1Chain) || !has(self.chains) || self.chains.filter(c, c.chainId in {:?}).size() <= 1", KNOWN_L1_CHAIN_IDS)).message("more than one chain has a known L1 chain id; set l1Chain to the one the executor should use (it reads exactly one L1 chain)"),
    validation = Rule::new("!has(self.grpcPort) || !has(self.managementGrpcPort) || self.grpcPort != self.managementGrpcPort").message("grpcPort and managementGrpcPort must differ: the executor runs two gRPC servers"),
    validation = Rule::new("!has(self.avsPerformers) || self.avsPerformers.all(a, self.avsPerformers.exists_one(b, b.avsAddress.lowerAscii() == a.avsAddress.lowerAscii()))").message("each avsAddress may appear in avsPerformers only once"),
)]
pub struct ExecutorConfig {
    /// Seed field; the real executor has no such setting (the aggregator dials the executor).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(length(max = 253))]
    pub aggregator_endpoint: Option<String>,

    /// How the executor deploys performers (`avsPerformers[].deploymentMode`).
    #[serde(
        default = "default_performer_mode",
        skip_serializing_if = "Option::is_none"
    )]
    pub performer_mode: Option<PerformerMode>,

    /// `debug` turns on the binary's `debug: true`; other levels are its default.
    #[serde(default = "default_log_level", skip_serializing_if = "Option::is_none")]
    pub log_level: Option<LogLevel>,

    /// Chains; the binary reads one L1 chain, chosen by `l1Chain`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[x_kube(merge_strategy = ListMerge::Map(vec!["name".into()]))]
    #[schemars(length(max = 32))]
    pub chains: Option<Vec<Chain>>,

    /// Name of the chain in `chains` that is the L1 (default: the one with a known L1 chain id).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(length(max = 63))]
    pub l1_chain: Option<String>,

    /// Operator identity and keys.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub operator_keys: Option<OperatorKeys>,

    /// The operator's Ethereum address.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[x_kube(validation = crate::validate::eth_address_rule("operatorAddress"))]
    #[schemars(length(max = 42))]
    pub operator_address: Option<String>,

    /// Task gRPC port (the aggregator dials it).
    #[serde(default = "default_grpc_port", skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 1, max = 65535))]
    pub grpc_port: Option<i32>,

    /// Management gRPC port.
    #[serde(
        default = "default_management_port",
        skip_serializing_if = "Option::is_none"
    )]
    #[schemars(range(min = 1, max = 65535))]
    pub management_grpc_port: Option<i32>,

    /// Where the executor keeps its state.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub storage: Option<Storage>,

    /// AVS performers the executor deploys.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(length(max = 64))]
    pub avs_performers: Option<Vec<AvsPerformer>>,

    /// Authentication of the executor's gRPC servers.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub auth: Option<Auth>,

    /// The binary's `overrideContracts`: a TaskMailbox for chains its built-in table lacks.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub override_contracts: Option<OverrideContracts>,

    /// The binary's runtime `contracts` (JSON): replaces its whole built-in contract table.
    /// Rendered as a list of byte values (see `render::executor::contracts_bytes`), so
    /// it is kept small enough for the ConfigMap.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[x_kube(validation = Rule::new("self.size() > 0").message("contracts must not be empty (omit it to use the built-in table)"))]
    #[schemars(length(max = 65536))]
    pub contracts: Option<String>,

    /// Sign with a remote signer (Web3Signer, a KMS proxy) instead of a key in the Secret.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub remote_signer: Option<RemoteSigner>,
}

/// `overrideContracts` of the executor binary.
#[derive(KubeSchema, Serialize, Deserialize, Clone, Debug, Default, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct OverrideContracts {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub task_mailbox: Option<OverrideContract>,
}

/// One contract the executor takes from the config instead of its built-in table.
#[derive(KubeSchema, Serialize, Deserialize, Clone, Debug, Default, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct OverrideContract {
    /// The contract as the binary reads it: a JSON object with its address and ABI.
    #[x_kube(validation = Rule::new("self.size() > 0").message("contract must be the contract's JSON (address and ABI)"))]
    #[schemars(length(max = 131072))]
    pub contract: String,
    /// Chain ids the override applies to.
    #[schemars(length(min = 1, max = 32))]
    pub chain_ids: Vec<i64>,
}

/// The remote signer: where it is, its TLS material, and which keys it holds.
#[derive(KubeSchema, Serialize, Deserialize, Clone, Debug, Default, PartialEq)]
#[serde(rename_all = "camelCase")]
#[x_kube(
    validation = Rule::new("has(self.operatorKey) || has(self.signingKey)").message("remoteSigner needs operatorKey, signingKey or both"),
)]
pub struct RemoteSigner {
    /// URL of the signer.
    #[x_kube(validation = Rule::new("self.matches('^https?://[^ ]+$')").message("remoteSigner.url must be an http(s) URL"))]
    #[schemars(length(max = 2048))]
    pub url: String,
    /// Secret with the TLS material (`ca.crt`, `tls.crt`, `tls.key`); never inline.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tls_secret_ref: Option<KeysSecretRef>,
    /// The operator's transaction key is held by the signer.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub operator_key: Option<RemoteKey>,
    /// The ECDSA signing key is held by the signer.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub signing_key: Option<RemoteKey>,
}

/// A key the remote signer holds.
#[derive(KubeSchema, Serialize, Deserialize, Clone, Debug, Default, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct RemoteKey {
    /// Address of the key.
    #[x_kube(validation = crate::validate::eth_address_rule("fromAddress"))]
    #[schemars(length(max = 42))]
    pub from_address: String,
    /// Public key (hex).
    #[x_kube(validation = Rule::new("self.matches('^(0x)?[0-9a-fA-F]+$')").message("publicKey must be hexadecimal"))]
    #[schemars(length(min = 1, max = 256))]
    pub public_key: String,
}

/// Secret keys of the remote signer's TLS material (the `kubernetes.io/tls` names plus the CA).
pub const TLS_KEY_CA: &str = "ca.crt";
pub const TLS_KEY_CERT: &str = "tls.crt";
pub const TLS_KEY_KEY: &str = "tls.key";

fn default_performer_mode() -> Option<PerformerMode> {
    Some(PerformerMode::Kubernetes)
}
fn default_log_level() -> Option<LogLevel> {
    Some(LogLevel::Info)
}
/// Chain ids of L1s the executor knows (mainnet, sepolia, holesky, hoodi, anvil): the
/// default `l1Chain` is the chain with one of these.
pub const KNOWN_L1_CHAIN_IDS: &[i64] = &[1, 11_155_111, 17_000, 560_048, 31_337];
/// Chain ids whose TaskMailbox is in the contract table compiled into the executor
/// (commit 11f1554); on any other L1 it exits with "task mailbox contract not found"
/// unless `overrideContracts` or `contracts` supplies one.
pub const TASK_MAILBOX_CHAIN_IDS: &[i64] = &[1, 8_453, 31_337, 31_338, 84_532, 84_533, 11_155_111];
/// Task server port the upstream chart uses.
pub const DEFAULT_EXECUTOR_GRPC_PORT: i32 = 9000;
/// Management server port the upstream chart uses.
pub const DEFAULT_EXECUTOR_MANAGEMENT_PORT: i32 = 9001;
fn default_grpc_port() -> Option<i32> {
    Some(DEFAULT_EXECUTOR_GRPC_PORT)
}
fn default_management_port() -> Option<i32> {
    Some(DEFAULT_EXECUTOR_MANAGEMENT_PORT)
}

/// Where performers run.
#[derive(JsonSchema, Serialize, Deserialize, Clone, Copy, Debug, Default, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum PerformerMode {
    #[default]
    Kubernetes,
    Docker,
}

/// Log verbosity of the executor.
#[derive(JsonSchema, Serialize, Deserialize, Clone, Copy, Debug, Default, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum LogLevel {
    Debug,
    #[default]
    Info,
    Warn,
    Error,
}

/// One chain the executor knows of.
#[derive(KubeSchema, Serialize, Deserialize, Clone, Debug, Default, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct Chain {
    /// Unique name of the chain in this executor.
    #[schemars(length(min = 1, max = 63))]
    pub name: String,
    /// JSON-RPC URL.
    #[x_kube(validation = Rule::new("self.matches('^(https?|wss?)://[^ ]+$')").message("rpc must be an http(s) or ws(s) URL"))]
    #[schemars(length(max = 2048))]
    pub rpc: String,
    /// EIP-155 chain id.
    #[schemars(range(min = 1))]
    pub chain_id: i64,
    /// Seed field; the binary takes the TaskMailbox from its built-in table, or from
    /// `overrideContracts.taskMailbox` (a contract JSON with the ABI, which an address alone is not).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[x_kube(validation = crate::validate::eth_address_rule("taskMailboxAddress"))]
    #[schemars(length(max = 42))]
    pub task_mailbox_address: Option<String>,
}

/// Operator keys: a Secret reference (recommended) or the seed's inline keys (insecure).
#[derive(KubeSchema, Serialize, Deserialize, Clone, Debug, Default, PartialEq)]
#[serde(rename_all = "camelCase")]
#[x_kube(
    validation = Rule::new("!(has(self.secretRef) && (has(self.ecdsa) || has(self.bls)))").message("use either secretRef or the inline ecdsa/bls keys, not both"),
)]
pub struct OperatorKeys {
    /// Insecure: an inline hex ECDSA private key, kept for the seed design. hgctl moves it to a Secret.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(length(max = 132))]
    pub ecdsa: Option<String>,
    /// Insecure: an inline BLS key, kept for the seed design. The executor needs a keystore instead.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(length(max = 8192))]
    pub bls: Option<String>,
    /// The Secret holding the keys under the well-known key names.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub secret_ref: Option<KeysSecretRef>,
}

/// A Secret in the executor's namespace with the operator's keys.
#[derive(KubeSchema, Serialize, Deserialize, Clone, Debug, Default, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct KeysSecretRef {
    /// Name of the Secret.
    #[x_kube(validation = Rule::new("self.matches('^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$')").message("secretRef.name must be a valid Secret name"))]
    #[schemars(length(min = 1, max = 253))]
    pub name: String,
}

/// Secret key holding the hex transaction (operator) private key.
pub const SECRET_KEY_OPERATOR: &str = "operator-private-key";
/// Secret key holding the hex ECDSA signing key.
pub const SECRET_KEY_ECDSA: &str = "ecdsa-private-key";
/// Secret key holding the EIP-2335 BLS keystore JSON.
pub const SECRET_KEY_BLS_KEYSTORE: &str = "bls-keystore.json";
/// Secret key holding the BLS keystore password.
pub const SECRET_KEY_BLS_PASSWORD: &str = "bls-password";

/// State storage of the executor.
#[derive(KubeSchema, Serialize, Deserialize, Clone, Debug, Default, PartialEq)]
#[serde(rename_all = "camelCase")]
#[x_kube(
    validation = Rule::new("!has(self.size) || self.type == 'badger'").message("storage.size applies to type badger only"),
)]
pub struct Storage {
    #[serde(rename = "type")]
    pub kind: StorageType,
    /// Volume size for badger (default 1Gi).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub size: Option<Quantity>,
}

/// Storage backends of the executor binary.
#[derive(JsonSchema, Serialize, Deserialize, Clone, Copy, Debug, Default, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum StorageType {
    #[default]
    Memory,
    Badger,
}

/// An AVS whose performer the executor runs.
#[derive(KubeSchema, Serialize, Deserialize, Clone, Debug, Default, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct AvsPerformer {
    #[x_kube(validation = crate::validate::eth_address_rule("avsAddress"))]
    #[schemars(length(max = 42))]
    pub avs_address: String,
    /// Image reference `repository:tag` of the performer (the executor needs both parts).
    #[x_kube(validation = Rule::new("self.matches('^[^ @]+:[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$') && !self.substring(self.lastIndexOf(':')).contains('/')").message("image must be repository:tag (the executor reads the repository and the tag separately; digests are not supported)"))]
    #[schemars(length(max = 512))]
    pub image: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(length(max = 128))]
    pub envs: Option<Vec<AvsEnv>>,
    /// ServiceAccount of the performer pods the executor creates.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[x_kube(validation = Rule::new("self.matches('^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$')").message("serviceAccountName must be a valid ServiceAccount name"))]
    #[schemars(length(max = 253))]
    pub service_account_name: Option<String>,
    /// What hgctl adds to the Performers the executor writes for this AVS (GPU/TEE,
    /// resources, scheduling, pull policy, security, probes, upgrade strategy).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub performer_template: Option<super::template::PerformerTemplate>,
}

/// An environment variable of a performer the executor deploys.
#[derive(KubeSchema, Serialize, Deserialize, Clone, Debug, Default, PartialEq)]
#[serde(rename_all = "camelCase")]
#[x_kube(
    validation = Rule::new("has(self.value) != has(self.valueFrom)").message("an env entry needs exactly one of value or valueFrom"),
)]
pub struct AvsEnv {
    #[x_kube(validation = Rule::new("self.matches('^[A-Za-z_][A-Za-z0-9_]*$')").message("env name must be a C identifier (letters, digits, _)"))]
    #[schemars(length(min = 1, max = 256))]
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value_from: Option<AvsEnvSource>,
}

/// A Secret or ConfigMap key.
#[derive(KubeSchema, Serialize, Deserialize, Clone, Debug, Default, PartialEq)]
#[serde(rename_all = "camelCase")]
#[x_kube(
    validation = Rule::new("has(self.secretKeyRef) != has(self.configMapKeyRef)").message("valueFrom needs exactly one of secretKeyRef or configMapKeyRef"),
)]
pub struct AvsEnvSource {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub secret_key_ref: Option<SecretKeySelector>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub config_map_key_ref: Option<ConfigMapKeySelector>,
}

/// gRPC authentication of the executor.
#[derive(KubeSchema, Serialize, Deserialize, Clone, Debug, Default, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct Auth {
    #[serde(default)]
    pub enabled: bool,
}

/// `spec.networkPolicy`: when enabled, the reconciler keeps a NetworkPolicy
/// `<name>-performers` (see `render::executor::network_policy`); off by default
/// because a policy denies every other ingress to the performer pods.
#[derive(KubeSchema, Serialize, Deserialize, Clone, Debug, Default, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct PerformerNetworkPolicy {
    /// Allow ingress to performer pods' `grpc` port from this executor's pods only.
    #[serde(default)]
    pub enabled: bool,
}

/// Observed state of an HourglassExecutor.
#[derive(KubeSchema, Serialize, Deserialize, Clone, Debug, Default, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct HourglassExecutorStatus {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phase: Option<ExecutorPhase>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub replicas: Option<i32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ready_replicas: Option<i32>,
    /// Label selector of the executor's pods, for the scale subresource.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub selector: Option<String>,
    /// Where the aggregator should dial the task port (from the Service: load
    /// balancer address, node port, or the in-cluster name).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub task_address: Option<String>,
    /// When the rendered executor configuration last changed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_config_update: Option<Time>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub observed_generation: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[x_kube(merge_strategy = ListMerge::Map(vec!["type".into()]))]
    pub conditions: Option<Vec<Condition>>,
}

/// Lifecycle of an executor.
#[derive(JsonSchema, Serialize, Deserialize, Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ExecutorPhase {
    Pending,
    Running,
    Stopped,
}

impl ExecutorPhase {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Pending => "Pending",
            Self::Running => "Running",
            Self::Stopped => "Stopped",
        }
    }
}
