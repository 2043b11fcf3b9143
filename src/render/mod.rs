//! Desired state: pure functions from a spec to the Kubernetes objects that
//! should exist. No I/O here; the reconcilers read, diff and write.

pub mod assessment;
pub mod executor;
pub mod performer;
pub mod template;

use std::collections::BTreeMap;

use k8s_openapi::api::core::v1::{PodSpec, Toleration};

/// FNV-1a, 10 hex digits: stable across runs, platforms and hgctl versions (unlike std's
/// hasher), because names and annotations built from it are compared with ones written
/// by earlier runs.
pub fn hash(text: &str) -> String {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for byte in text.bytes() {
        h ^= u64::from(byte);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    format!("{:010x}", h & 0xff_ffff_ffff)
}

/// Where a pod hgctl makes for itself runs (the operator, the probe): from `--node-selector`
/// and `--toleration`-style flags.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Placement {
    pub node_selector: BTreeMap<String, String>,
    pub tolerations: Vec<Toleration>,
}

impl Placement {
    /// Sets the pod's node selector and tolerations (left unset when empty).
    pub fn apply(&self, spec: &mut PodSpec) {
        spec.node_selector = (!self.node_selector.is_empty()).then(|| self.node_selector.clone());
        spec.tolerations = (!self.tolerations.is_empty()).then(|| self.tolerations.clone());
    }
}
