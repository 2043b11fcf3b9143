//! The `Performer` kind: one AVS container reachable over gRPC.
//!
//! A superset of the upstream Go operator's CRD (same JSON names), so every
//! Performer the real Hourglass executor writes is accepted unchanged.

use std::collections::BTreeMap;

use k8s_openapi::api::core::v1::{
    Affinity, ConfigMapKeySelector, LocalObjectReference, PodSecurityContext, ResourceRequirements,
    SecretKeySelector, SecurityContext, Toleration,
};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::{Condition, Time};
use kube::{CustomResource, KubeSchema};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::template::UpgradeStrategy;
use crate::hardware;

/// Desired state of a Performer.
#[derive(CustomResource, KubeSchema, Serialize, Deserialize, Clone, Debug, Default, PartialEq)]
#[kube(
    group = "hourglass.eigenlayer.io",
    version = "v1alpha1",
    kind = "Performer",
    plural = "performers",
    singular = "performer",
    namespaced,
    status = "PerformerStatus",
    shortname = "perf",
    category = "hourglass",
    selectable = ".spec.avsAddress",
    validation = Rule::new("self.metadata.name.matches('^[a-z]([-a-z0-9]*[a-z0-9])?$') && size(self.metadata.name) <= 53")
        .message("metadata.name must be a DNS-1035 label of at most 53 characters, so that its Service performer-<name> is a valid name")
        .reason(kube::core::Reason::FieldValueInvalid),
)]
#[serde(rename_all = "camelCase")]
pub struct PerformerSpec {
    /// Address of the AVS this performer serves: `0x` and 40 hex digits.
    #[x_kube(validation = crate::validate::eth_address_rule("avsAddress"))]
    #[schemars(length(max = 42))]
    pub avs_address: String,

    /// Container image of the performer.
    // Any Unicode white space or control character anywhere (a superset of what the Pod
    // API refuses at the ends), so that every image the schema takes renders.
    #[x_kube(validation = Rule::new(r"self.size() > 0 && !self.matches('[\\p{Z}\\p{Cc}]')").message("image must be a non-empty image reference without white space or control characters"))]
    #[schemars(length(max = 512))]
    pub image: String,

    /// Informational version of the AVS software; a change rolls the pod.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version: Option<String>,

    /// Pull policy for the image (default IfNotPresent).
    #[serde(
        default = "default_pull_policy",
        skip_serializing_if = "Option::is_none"
    )]
    pub image_pull_policy: Option<ImagePullPolicy>,

    /// Secrets used to pull the image.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub image_pull_secrets: Option<Vec<LocalObjectReference>>,

    /// How the container runs.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub config: Option<PerformerConfig>,

    /// Compute resources of the performer container.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resources: Option<ResourceRequirements>,

    /// Where the pod may run.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scheduling: Option<Scheduling>,

    /// GPU and TEE requirements, translated to resources, affinity and runtime class.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hardware_requirements: Option<HardwareRequirements>,

    /// Replaces hgctl's pod security defaults field by field (root images run unless the
    /// namespace enforces the `restricted` Pod Security level).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pod_security_context: Option<PodSecurityContext>,

    /// Replaces hgctl's container security defaults field by field.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub container_security_context: Option<SecurityContext>,

    /// How the kubelet checks the performer: its start-up budget and the health protocol.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub probes: Option<PerformerProbes>,

    /// `BlueGreen` (default): the new pod serves before the old one goes. `Recreate`: the
    /// old pod goes first (for GPUs too scarce to run both).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub upgrade_strategy: Option<UpgradeStrategy>,

    /// TLS in front of the performer, for executors that dial performers with TLS
    /// (upstream's, in Kubernetes mode) while the performer serves plaintext.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tls: Option<PerformerTls>,
}

/// Start-up budget in seconds when the spec sets none: a performer that loads a large model
/// before it binds its port is not restarted during the first ten minutes. The executor
/// writes Performers without probe settings, so this default is what they get.
pub const DEFAULT_STARTUP_SECONDS: i32 = 600;

/// Probe settings of the performer container.
#[derive(KubeSchema, Serialize, Deserialize, Clone, Debug, Default, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct PerformerProbes {
    /// Seconds the performer may take to start serving (e.g. loading a model) before it is
    /// restarted; readiness and liveness checks begin once it serves. Default 600.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 1, max = 86400))]
    pub startup_seconds: Option<i32>,

    /// `Grpc` (default): grpc.health.v1 Check, which the upstream performer server answers.
    /// `Tcp`: the port accepts connections, for performers without the health service.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub protocol: Option<ProbeProtocol>,
}

/// How the kubelet checks a performer's health.
#[derive(JsonSchema, Serialize, Deserialize, Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum ProbeProtocol {
    #[default]
    Grpc,
    Tcp,
}

fn default_pull_policy() -> Option<ImagePullPolicy> {
    Some(ImagePullPolicy::IfNotPresent)
}

/// Kubernetes image pull policies.
#[derive(JsonSchema, Serialize, Deserialize, Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum ImagePullPolicy {
    Always,
    #[default]
    IfNotPresent,
    Never,
}

impl ImagePullPolicy {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Always => "Always",
            Self::IfNotPresent => "IfNotPresent",
            Self::Never => "Never",
        }
    }
}

/// Container settings of a Performer.
#[derive(KubeSchema, Serialize, Deserialize, Clone, Debug, Default, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct PerformerConfig {
    /// Port of the performer's gRPC server; the Service exposes the same number.
    #[serde(default = "default_grpc_port", skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 1, max = 65535))]
    pub grpc_port: Option<i32>,

    /// Plain environment variables.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub environment: Option<BTreeMap<String, String>>,

    /// Environment variables read from Secrets or ConfigMaps.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub environment_from: Option<Vec<EnvironmentFromSource>>,

    /// Arguments to the entrypoint.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub args: Option<Vec<String>>,

    /// Entrypoint override.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub command: Option<Vec<String>>,

    /// ServiceAccount the pod runs as.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub service_account_name: Option<String>,
}

/// Default gRPC port of a Performer (upstream's default).
pub const DEFAULT_GRPC_PORT: i32 = 9090;

fn default_grpc_port() -> Option<i32> {
    Some(DEFAULT_GRPC_PORT)
}

/// One environment variable taken from a Secret or a ConfigMap key.
#[derive(KubeSchema, Serialize, Deserialize, Clone, Debug, Default, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct EnvironmentFromSource {
    /// Name of the environment variable.
    pub name: String,
    /// Where the value comes from.
    pub value_from: EnvironmentValueSource,
}

/// Exactly one of a Secret key or a ConfigMap key.
#[derive(KubeSchema, Serialize, Deserialize, Clone, Debug, Default, PartialEq)]
#[serde(rename_all = "camelCase")]
#[x_kube(validation = Rule::new("has(self.secretKeyRef) != has(self.configMapKeyRef)").message("valueFrom needs exactly one of secretKeyRef or configMapKeyRef"))]
pub struct EnvironmentValueSource {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub secret_key_ref: Option<SecretKeySelector>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub config_map_key_ref: Option<ConfigMapKeySelector>,
}

/// Placement of the performer pod.
#[derive(KubeSchema, Serialize, Deserialize, Clone, Debug, Default, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct Scheduling {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub node_selector: Option<BTreeMap<String, String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tolerations: Option<Vec<Toleration>>,
    /// Merged with, never replaced by, the affinity hardware requirements add.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub affinity: Option<Affinity>,
    /// RuntimeClass name (gVisor, Kata ...); a TEE type may imply one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub runtime_class: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub priority_class_name: Option<String>,
}

/// Hardware the performer needs.
#[derive(KubeSchema, Serialize, Deserialize, Clone, Debug, Default, PartialEq)]
#[serde(rename_all = "camelCase")]
#[x_kube(
    validation = Rule::new("!has(self.gpuType) || !has(self.gpuCount) || self.gpuCount >= 1").message("gpuCount must be at least 1 when gpuType is set"),
    validation = Rule::new("!has(self.teeRequired) || !self.teeRequired || has(self.teeType)").message("teeType is required when teeRequired is true (one of sgx, tdx, sev-snp, sev)"),
    validation = Rule::new(hardware::gpu_partition_model_cel_rule()).message(hardware::gpu_partition_model_cel_message().as_str()),
    validation = Rule::new("!has(self.gpuPartition) || !has(self.gpuSharing) || self.gpuSharing == 'Exclusive'").message("gpuPartition and gpuSharing: Shared exclude each other (a MIG slice is not time-sliced)"),
    validation = Rule::new("!has(self.migStrategy) || has(self.gpuPartition)").message("migStrategy needs gpuPartition (the MIG slice)"),
    validation = Rule::new("!has(self.gpuSharing) || has(self.gpuType)").message("gpuSharing needs gpuType"),
    validation = Rule::new("!has(self.teeMode) || (has(self.teeType) && (self.teeType != 'sgx' || self.teeMode == 'Node'))").message("teeMode needs teeType; sgx runs in process enclaves (teeMode Node only)"),
    validation = Rule::new("!has(self.sgxQuoteProvider) || (has(self.teeType) && self.teeType == 'sgx')").message("sgxQuoteProvider needs teeType sgx"),
    validation = Rule::new("!has(self.gpuAllocation) || self.gpuAllocation != 'Dra' || (has(self.gpuType) && !has(self.gpuPartition) && (!has(self.gpuSharing) || self.gpuSharing == 'Exclusive'))").message("gpuAllocation Dra needs gpuType and asks for whole, unshared GPUs (MIG slices and shared GPUs go through DevicePlugin)"),
    validation = Rule::new("!has(self.deviceClassName) || (has(self.gpuAllocation) && self.gpuAllocation == 'Dra')").message("deviceClassName needs gpuAllocation Dra"),
)]
pub struct HardwareRequirements {
    /// GPU model: a short name (`a100`), the `nvidia-a100` form, or a raw `nvidia.com/gpu.product` value.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[x_kube(validation = Rule::new(hardware::gpu_type_cel_rule()).message(hardware::gpu_type_cel_message().as_str()))]
    #[schemars(length(max = 63))]
    pub gpu_type: Option<String>,

    /// Number of GPUs (whole devices); 1 when `gpuType` is set and this is not.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 0, max = 64))]
    pub gpu_count: Option<i32>,

    /// Whether the pod must run in a Trusted Execution Environment.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tee_required: Option<bool>,

    /// The TEE type: sgx, tdx, sev-snp or sev.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[x_kube(validation = Rule::new("self in ['sgx', 'tdx', 'sev-snp', 'sev']").message("teeType must be one of sgx, tdx, sev-snp, sev"))]
    #[schemars(length(max = 16))]
    pub tee_type: Option<String>,

    /// Node labels the pod's node must carry (required node affinity).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub custom_labels: Option<BTreeMap<String, String>>,

    /// A MIG slice instead of whole GPUs: the profile (`1g.10gb`) of the gpuType;
    /// gpuCount is then the number of slices.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[x_kube(validation = Rule::new(hardware::gpu_partition_cel_rule()).message(hardware::gpu_partition_cel_message().as_str()))]
    #[schemars(length(max = 16))]
    pub gpu_partition: Option<String>,

    /// How the cluster advertises MIG slices: `Single` (default; also GKE) or `Mixed`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mig_strategy: Option<hardware::MigStrategy>,

    /// `Exclusive` (default): whole GPUs only. `Shared`: a time-sliced replica is acceptable
    /// (`nvidia.com/gpu.shared`, the device plugin's `renameByDefault`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub gpu_sharing: Option<hardware::GpuSharing>,

    /// How a VM-based TEE is reached: `RuntimeClass` (Kata, default for tdx, sev-snp, sev)
    /// or `Node` (the node is a confidential VM: GKE Confidential nodes, Azure confidential
    /// VMs; a node selector, no runtime class). sgx: `Node` only.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tee_mode: Option<hardware::TeeMode>,

    /// SGX the way Intel recommends: the pod is annotated `sgx.intel.com/quote-provider`
    /// with this value (`aesmd`, or the container name of the quote provider) and asks for
    /// `sgx.intel.com/epc` only; Intel's webhook adds the enclave and provision resources.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[x_kube(validation = Rule::new("self.matches('^[a-z0-9]([-a-z0-9]*[a-z0-9])?$')").message("sgxQuoteProvider must be a DNS label such as aesmd"))]
    #[schemars(length(max = 63))]
    pub sgx_quote_provider: Option<String>,

    /// How the GPUs are allocated: `DevicePlugin` (default: `nvidia.com/gpu` and node
    /// labels) or `Dra` (a ResourceClaimTemplate `<name>-gpu` asking `deviceClassName` for
    /// whole GPUs of the model; the cluster runs NVIDIA's DRA driver).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub gpu_allocation: Option<hardware::GpuAllocation>,

    /// The DeviceClass of a `Dra` request; `gpu.nvidia.com` (the NVIDIA DRA driver's) when
    /// not set.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[x_kube(validation = Rule::new("self.matches('^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$')").message("deviceClassName must be a DNS subdomain such as gpu.nvidia.com"))]
    #[schemars(length(max = 253))]
    pub device_class_name: Option<String>,
}

impl HardwareRequirements {
    /// The GPU request, when gpuType is set and known to the table.
    pub fn gpu_request(&self) -> Option<hardware::GpuRequest<'_>> {
        let selector = hardware::parse_gpu_type(self.gpu_type.as_deref()?)?;
        Some(hardware::GpuRequest {
            selector,
            count: self.gpu_count.unwrap_or(1),
            partition: self.gpu_partition.as_deref().map(hardware::parse_partition),
            mig_strategy: self.mig_strategy.unwrap_or_default(),
            sharing: self.gpu_sharing.unwrap_or_default(),
            confidential: self
                .tee_request(None)
                .filter(|t| t.mode() == hardware::TeeMode::RuntimeClass)
                .map(|t| t.tee)
                .filter(|t| t.profile().confidential_gpu_runtime_class.is_some()),
            allocation: self.gpu_allocation.unwrap_or_default(),
            device_class: self.device_class_name.as_deref(),
        })
    }

    /// The TEE request, when teeRequired is true and teeType known; `epc` is the user's
    /// `sgx.intel.com/epc` limit, if any.
    pub fn tee_request<'a>(&'a self, epc: Option<&'a str>) -> Option<hardware::TeeRequest<'a>> {
        if self.tee_required != Some(true) {
            return None;
        }
        Some(hardware::TeeRequest {
            tee: hardware::TeeType::parse(self.tee_type.as_deref()?)?,
            mode: self.tee_mode,
            quote_provider: self.sgx_quote_provider.as_deref(),
            epc,
        })
    }
}

/// Observed state of a Performer, written only by the reconciler.
#[derive(KubeSchema, Serialize, Deserialize, Clone, Debug, Default, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct PerformerStatus {
    /// The Performer's own lifecycle phase (never a copied Pod phase).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phase: Option<PerformerPhase>,
    /// True when the Service routes to a Ready pod; the executor polls this.
    #[serde(default)]
    pub ready: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pod_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub service_name: Option<String>,
    /// `performer-<name>.<namespace>.svc.<cluster domain>:<port>`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub grpc_endpoint: Option<String>,
    /// When the performer last became ready.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ready_time: Option<Time>,
    /// When the last blue-green upgrade completed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_upgrade: Option<Time>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub observed_generation: Option<i64>,
    /// The executor template applied, `<executor>/<avs address>`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub template: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[x_kube(merge_strategy = ListMerge::Map(vec!["type".into()]))]
    pub conditions: Option<Vec<Condition>>,
}

/// Lifecycle of a Performer.
#[derive(
    JsonSchema, Serialize, Deserialize, Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord,
)]
pub enum PerformerPhase {
    Pending,
    Running,
    Upgrading,
    Terminating,
    Failed,
}

impl PerformerPhase {
    pub const ALL: [PerformerPhase; 5] = [
        Self::Pending,
        Self::Running,
        Self::Upgrading,
        Self::Terminating,
        Self::Failed,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Pending => "Pending",
            Self::Running => "Running",
            Self::Upgrading => "Upgrading",
            Self::Terminating => "Terminating",
            Self::Failed => "Failed",
        }
    }
}

impl PerformerSpec {
    /// The start-up budget in seconds, with the default applied.
    pub fn startup_seconds(&self) -> i32 {
        self.probes
            .as_ref()
            .and_then(|p| p.startup_seconds)
            .unwrap_or(DEFAULT_STARTUP_SECONDS)
    }

    /// The health protocol of the probes, with the default applied.
    pub fn probe_protocol(&self) -> ProbeProtocol {
        self.probes
            .as_ref()
            .and_then(|p| p.protocol)
            .unwrap_or_default()
    }

    /// The upgrade strategy, with the default applied.
    pub fn upgrade_strategy(&self) -> UpgradeStrategy {
        self.upgrade_strategy.unwrap_or_default()
    }

    /// The gRPC port, with the CRD's default applied.
    pub fn grpc_port(&self) -> i32 {
        self.config
            .as_ref()
            .and_then(|c| c.grpc_port)
            .unwrap_or(DEFAULT_GRPC_PORT)
    }
}

/// A sidecar that terminates TLS on the Service's port and forwards to the performer on
/// localhost. Its certificate names the Service (`performer-<name>`, `.<ns>`, `.<ns>.svc`,
/// `.<ns>.svc.cluster.local`) and is issued by the namespace's performer CA, which hgctl keeps
/// in Secret `hgctl-performer-ca` and gives executors that list the AVS with this option to
/// trust (`SSL_CERT_DIR`). The kubelet's probes still talk plaintext to the performer.
#[derive(JsonSchema, Serialize, Deserialize, Clone, Debug, Default, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct PerformerTls {
    /// Terminate TLS in the sidecar (the Service's port then speaks TLS only).
    pub terminate: bool,
    /// Image of the sidecar, an hgctl image (default: this hgctl's release image).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(length(max = 512))]
    pub proxy_image: Option<String>,
}
