//! The per-AVS performer template of an HourglassExecutor: what the real executor cannot
//! say about the Performers it writes (it sets only image, env, port and `Never`).

use k8s_openapi::api::core::v1::{PodSecurityContext, ResourceRequirements, SecurityContext};
use kube::KubeSchema;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::performer::{
    HardwareRequirements, ImagePullPolicy, PerformerProbes, PerformerTls, Scheduling,
};

/// Defaults for every Performer of one AVS in the executor's namespace; a field the
/// Performer sets itself wins (see `render::template::merge`).
#[derive(KubeSchema, Serialize, Deserialize, Clone, Debug, Default, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct PerformerTemplate {
    /// GPU and TEE requirements (field by field under the Performer's).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hardware_requirements: Option<HardwareRequirements>,

    /// Compute resources of the performer container (used when the Performer's are empty).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resources: Option<ResourceRequirements>,

    /// Placement (field by field under the Performer's).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scheduling: Option<Scheduling>,

    /// Replaces the executor's `Never` on the Performers it writes, so that a node without
    /// the image pulls it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub image_pull_policy: Option<ImagePullPolicy>,

    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pod_security_context: Option<PodSecurityContext>,

    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub container_security_context: Option<SecurityContext>,

    /// Start-up budget and health protocol (field by field under the Performer's).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub probes: Option<PerformerProbes>,

    /// How a changed pod replaces the running one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub upgrade_strategy: Option<UpgradeStrategy>,

    /// TLS in front of the performer (a sidecar with a certificate from the namespace's
    /// performer CA), and the executor made to trust that CA: for executors that dial
    /// performers with TLS while the performers serve plaintext.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tls: Option<PerformerTls>,
}

/// How a Performer's pod is replaced when its template changes.
#[derive(JsonSchema, Serialize, Deserialize, Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum UpgradeStrategy {
    /// The new pod starts beside the old one, which goes once the new one serves: no
    /// downtime, but twice the GPUs during the upgrade.
    #[default]
    BlueGreen,
    /// The old pod is deleted before the new one is created: downtime, no extra GPUs.
    Recreate,
}

impl UpgradeStrategy {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::BlueGreen => "BlueGreen",
            Self::Recreate => "Recreate",
        }
    }
}
