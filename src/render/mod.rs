//! Desired state: pure functions from a spec to the Kubernetes objects that
//! should exist. No I/O here; the reconcilers read, diff and write.

pub mod assessment;
pub mod executor;
pub mod performer;
pub mod template;

use std::collections::BTreeMap;

use k8s_openapi::api::core::v1::{PodSpec, Toleration};

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
