//! DRA on the test cluster: the inventory's node `gpu-dra-h100` and DeviceClass
//! `gpu.nvidia.com` (tests/cluster/inventory.yaml), and the ResourceSlice the NVIDIA DRA
//! driver would publish there, published by the tests themselves.

use k8s_openapi::api::resource::v1::ResourceSlice;
use kube::api::{Api, Patch, PatchParams};
use serde_json::Value;

/// The inventory's node whose GPUs only DRA knows (no GFD labels, no nvidia.com/gpu).
pub const NODE: &str = "gpu-dra-h100";

/// Publishes what the NVIDIA DRA driver would on [`NODE`]: four whole H100s and one MIG
/// slice of the same product (a whole-GPU claim must never take it). Idempotent.
pub async fn publish_gpus() {
    let mut devices: Vec<Value> = (0..4)
        .map(|i| {
            serde_json::json!({"name": format!("gpu-{i}"), "attributes": {
                "type": {"string": "gpu"},
                "productName": {"string": "NVIDIA H100 80GB HBM3"},
                "uuid": {"string": format!("GPU-00000000-0000-0000-0000-00000000000{i}")},
            }})
        })
        .collect();
    devices.push(
        serde_json::json!({"name": "gpu-4-mig-1g10gb-0", "attributes": {
            "type": {"string": "mig"},
            "productName": {"string": "NVIDIA H100 80GB HBM3"},
        }}),
    );
    let slice: ResourceSlice = serde_json::from_value(serde_json::json!({
        "apiVersion": "resource.k8s.io/v1",
        "kind": "ResourceSlice",
        "metadata": {"name": format!("{NODE}-gpu.nvidia.com")},
        "spec": {
            "driver": "gpu.nvidia.com",
            "nodeName": NODE,
            "pool": {"name": NODE, "generation": 1, "resourceSliceCount": 1},
            "devices": devices,
        },
    }))
    .unwrap();
    Api::<ResourceSlice>::all(super::cluster::client().await)
        .patch(
            &slice.metadata.name.clone().unwrap(),
            &PatchParams::apply("hgctl-e2e").force(),
            &Patch::Apply(&slice),
        )
        .await
        .expect("publishing the DRA node's ResourceSlice");
}
