//! The DRA side of the simulator: the devices DRA drivers publish per node (ResourceSlices),
//! minus those allocated to claims, and whether a [`DraGpuClaim`] finds enough of them, as
//! kube-scheduler's DynamicResources plugin decides it for hgctl's own claims.

use std::collections::{BTreeMap, BTreeSet};

use k8s_openapi::api::resource::v1::{DeviceClass, ResourceClaim, ResourceSlice};

use crate::hardware::DraGpuClaim;

/// Published, unallocated devices by node, the DeviceClasses that exist, and the GPU claims
/// of the templates the pods being placed name.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Devices {
    /// None when DeviceClasses could not be read (then a missing one proves nothing).
    classes: Option<BTreeSet<String>>,
    free: BTreeMap<String, Vec<FreeDevice>>,
    /// `(namespace, template name)` -> the claim it makes.
    templates: BTreeMap<(String, String), DraGpuClaim>,
}

#[derive(Debug, Clone, PartialEq)]
struct FreeDevice {
    driver: String,
    /// String attributes, by their name as published.
    attributes: BTreeMap<String, String>,
}

impl Devices {
    /// From the cluster's ResourceSlices, DeviceClasses and ResourceClaims (a device named
    /// in a claim's allocation is taken).
    pub fn of(slices: &[ResourceSlice], classes: &[DeviceClass], claims: &[ResourceClaim]) -> Self {
        let taken: BTreeSet<(String, String, String)> = claims
            .iter()
            .filter_map(|c| c.status.as_ref()?.allocation.as_ref()?.devices.as_ref())
            .flat_map(|d| d.results.iter().flatten())
            .map(|r| (r.driver.clone(), r.pool.clone(), r.device.clone()))
            .collect();
        let mut free: BTreeMap<String, Vec<FreeDevice>> = BTreeMap::new();
        for slice in slices {
            let spec = &slice.spec;
            let Some(node) = spec.node_name.clone() else {
                continue;
            };
            for device in spec.devices.iter().flatten() {
                let key = (
                    spec.driver.clone(),
                    spec.pool.name.clone(),
                    device.name.clone(),
                );
                if taken.contains(&key) {
                    continue;
                }
                let attributes = device
                    .attributes
                    .iter()
                    .flatten()
                    .filter_map(|(k, v)| Some((k.clone(), v.string.clone()?)))
                    .collect();
                free.entry(node.clone()).or_default().push(FreeDevice {
                    driver: spec.driver.clone(),
                    attributes,
                });
            }
        }
        Self {
            classes: Some(
                classes
                    .iter()
                    .filter_map(|c| c.metadata.name.clone())
                    .collect(),
            ),
            free,
            templates: BTreeMap::new(),
        }
    }

    /// DeviceClasses could not be read: a missing one proves nothing.
    pub fn classes_unknown(mut self) -> Self {
        self.classes = None;
        self
    }

    /// Template `name` in `namespace` makes `claim` (rendered, not read: `create --check`
    /// places a Performer before its template exists).
    pub fn with_template(mut self, namespace: &str, name: String, claim: DraGpuClaim) -> Self {
        self.templates.insert((namespace.to_string(), name), claim);
        self
    }

    /// The claim behind template `name` in `namespace`, when known.
    pub fn template(&self, namespace: &str, name: &str) -> Option<&DraGpuClaim> {
        self.templates
            .get(&(namespace.to_string(), name.to_string()))
    }

    /// Whether the DeviceClass exists (true when unknown).
    pub fn class_exists(&self, name: &str) -> bool {
        self.classes.as_ref().is_none_or(|c| c.contains(name))
    }

    /// How many unallocated devices on `node` the claim would take.
    pub fn free_for(&self, node: &str, claim: &DraGpuClaim) -> usize {
        self.free
            .get(node)
            .into_iter()
            .flatten()
            .filter(|d| claim.matches(&d.driver, &d.attributes))
            .count()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn slice(node: &str, devices: &[(&str, &str, Option<&str>)]) -> ResourceSlice {
        let devices: Vec<serde_json::Value> = devices
            .iter()
            .map(|(name, product, kind)| {
                let mut attrs = serde_json::json!({"productName": {"string": product}});
                if let Some(kind) = kind {
                    attrs["type"] = serde_json::json!({"string": kind});
                }
                serde_json::json!({"name": name, "attributes": attrs})
            })
            .collect();
        serde_json::from_value(serde_json::json!({
            "metadata": {"name": format!("{node}-gpu")},
            "spec": {"driver": "gpu.nvidia.com", "nodeName": node,
                     "pool": {"name": node, "generation": 1, "resourceSliceCount": 1},
                     "devices": devices},
        }))
        .unwrap()
    }

    fn h100(count: i32) -> DraGpuClaim {
        DraGpuClaim {
            device_class: "gpu.nvidia.com".into(),
            count,
            products: vec!["NVIDIA H100 80GB HBM3".into()],
        }
    }

    #[test]
    fn whole_gpus_of_the_model_not_allocated_are_free() {
        let slices = [slice(
            "n1",
            &[
                ("gpu-0", "NVIDIA H100 80GB HBM3", Some("gpu")),
                ("gpu-1", "NVIDIA H100 80GB HBM3", None),
                ("gpu-2", "NVIDIA A100-SXM4-40GB", Some("gpu")),
                ("mig-0", "NVIDIA H100 80GB HBM3", Some("mig")),
            ],
        )];
        let claim: ResourceClaim = serde_json::from_value(serde_json::json!({
            "metadata": {"name": "c", "namespace": "ns"},
            "spec": {},
            "status": {"allocation": {"devices": {"results": [
                {"request": "gpu", "driver": "gpu.nvidia.com", "pool": "n1", "device": "gpu-0"}
            ]}}},
        }))
        .unwrap();
        let devices = Devices::of(&slices, &[], &[]);
        assert_eq!(
            devices.free_for("n1", &h100(1)),
            2,
            "not the A100, not the slice"
        );
        assert_eq!(devices.free_for("n2", &h100(1)), 0);
        let devices = Devices::of(&slices, &[], &[claim]);
        assert_eq!(devices.free_for("n1", &h100(1)), 1, "gpu-0 is allocated");
        assert!(!devices.class_exists("gpu.nvidia.com"));
        assert!(devices.classes_unknown().class_exists("gpu.nvidia.com"));
    }
}
