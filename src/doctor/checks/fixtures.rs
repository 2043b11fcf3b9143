//! Each check on constructed snapshots: no cluster.

pub(super) use super::*;
pub(super) use crate::doctor::snapshot::{ClusterInfo, Right, SecretKeys};
pub(super) use crate::doctor::{self, CheckResult, RunOptions, Status, report};
pub(super) use k8s_openapi::api::coordination::v1::Lease;
pub(super) use k8s_openapi::api::core::v1::{Node, Service};
pub(super) use k8s_openapi::api::discovery::v1::EndpointSlice;
pub(super) use k8s_openapi::api::node::v1::RuntimeClass;
pub(super) use k8s_openapi::apiextensions_apiserver::pkg::apis::apiextensions::v1::CustomResourceDefinition;
pub(super) use k8s_openapi::jiff::Timestamp;
pub(super) use serde_json::{Value, json};

pub(super) fn now() -> Timestamp {
    "2026-01-01T12:00:00Z".parse().unwrap()
}

pub(super) fn node(name: &str, labels: Value, taints: Value, alloc: Value) -> Node {
    serde_json::from_value(json!({
        "metadata": {"name": name, "labels": labels},
        "spec": {"taints": taints},
        "status": {"allocatable": alloc}
    }))
    .unwrap()
}

pub(super) fn nodes() -> Vec<Node> {
    vec![
        node(
            "cpu-1",
            json!({}),
            json!([]),
            json!({"cpu": "8", "pods": "100"}),
        ),
        node(
            "gpu-a100-40gb",
            json!({"nvidia.com/gpu.product": "NVIDIA-A100-SXM4-40GB"}),
            json!([]),
            json!({"nvidia.com/gpu": "8", "cpu": "96"}),
        ),
        node(
            "gpu-h100",
            json!({"nvidia.com/gpu.product": "NVIDIA-H100-80GB-HBM3"}),
            json!([{"key": "nvidia.com/gpu", "value": "present", "effect": "NoSchedule"}]),
            json!({"nvidia.com/gpu": "8", "cpu": "96"}),
        ),
        node(
            "tee-sgx",
            json!({"feature.node.kubernetes.io/cpu-security.sgx.enabled": "true"}),
            json!([]),
            json!({"cpu": "32", "sgx.intel.com/epc": "512Mi", "sgx.intel.com/enclave": "20", "sgx.intel.com/provision": "20"}),
        ),
        node(
            "avs-1",
            json!({"node.kubernetes.io/instance-type": "m5.2xlarge"}),
            json!([{"key": "dedicated", "value": "avs-workloads", "effect": "NoSchedule"}]),
            json!({"cpu": "8"}),
        ),
    ]
}

pub(super) fn established_crds() -> Vec<CustomResourceDefinition> {
    api::crds()
        .into_iter()
        .map(|mut c| {
            c.status = Some(
                serde_json::from_value(json!({"conditions": [
                    {"type": "Established", "status": "True", "lastTransitionTime": "2026-01-01T00:00:00Z"}
                ]}))
                .unwrap(),
            );
            c
        })
        .collect()
}

pub(super) fn runtime_classes() -> Vec<RuntimeClass> {
    vec![
        serde_json::from_value(json!({
            "metadata": {"name": "kata-qemu-tdx"}, "handler": "kata-qemu-tdx",
            "scheduling": {"nodeSelector": {"katacontainers.io/kata-runtime": "true"}}
        }))
        .unwrap(),
    ]
}

/// A healthy, empty cluster: reachable, CRDs Established, no workloads.
pub(super) fn snap() -> Snapshot {
    let mut s = Snapshot::empty(now());
    s.namespace = Some("ns".into());
    s.cluster = Ok(ClusterInfo {
        context: Some("test".into()),
        server: "https://127.0.0.1:6443".into(),
        version: Some("v1.36.3".into()),
    });
    s.crds = Ok(established_crds());
    s.nodes = Ok(nodes());
    s.pods = Ok(Vec::new());
    s.pods_cluster_wide = true;
    s.runtime_classes = Ok(runtime_classes());
    s.performers = Ok(Vec::new());
    s.executors = Ok(Vec::new());
    s.services = Ok(Vec::new());
    s.endpoint_slices = Ok(Vec::new());
    s.secrets = Ok(Vec::new());
    s.leases = Ok(Vec::new());
    s.operator_deployments = Ok(Vec::new());
    s.executor_workloads = Ok(Vec::new());
    s.unhealthy = Ok(Vec::new());
    s.device_classes = Ok(Vec::new());
    s.resource_slices = Ok(Vec::new());
    s.resource_claims = Ok(Vec::new());
    s
}

pub(super) fn performer(name: &str, spec: Value) -> Performer {
    serde_json::from_value(json!({
        "apiVersion": "hourglass.eigenlayer.io/v1alpha1", "kind": "Performer",
        "metadata": {"name": name, "namespace": "ns", "generation": 1, "uid": "u-1"},
        "spec": spec
    }))
    .unwrap()
}

pub(super) fn base_spec() -> Value {
    json!({"avsAddress": "0x1234567890abcdef1234567890abcdef12345678", "image": "avs:v1"})
}

pub(super) fn with(mut spec: Value, extra: Value) -> Value {
    for (k, v) in extra.as_object().unwrap() {
        spec[k] = v.clone();
    }
    spec
}

/// The pod hgctl would create for `p`, with a status.
pub(super) fn pod_of(p: &Performer, node: Option<&str>, status: Value) -> Pod {
    let mut pod = render::desired_pod(p).unwrap().pod;
    pod.spec.as_mut().unwrap().node_name = node.map(str::to_string);
    pod.status = Some(serde_json::from_value(status).unwrap());
    pod
}

pub(super) fn pending_status() -> Value {
    json!({"phase": "Pending", "conditions": [{"type": "PodScheduled", "status": "False", "reason": "Unschedulable",
        "message": "0/5 nodes are available"}]})
}

pub(super) fn ready_status() -> Value {
    json!({"phase": "Running", "conditions": [{"type": "Ready", "status": "True"}],
        "containerStatuses": [{"name": "performer", "image": "avs:v1", "imageID": "", "ready": true, "restartCount": 0,
            "state": {"running": {}}}]})
}

pub(super) fn results(s: &Snapshot) -> Vec<CheckResult> {
    doctor::run(s, &RunOptions::default())
}

pub(super) fn only<'a>(r: &'a [CheckResult], id: &str) -> Vec<&'a CheckResult> {
    r.iter().filter(|x| x.id == id).collect()
}

pub(super) fn one<'a>(r: &'a [CheckResult], id: &str) -> &'a CheckResult {
    let found = only(r, id);
    assert_eq!(found.len(), 1, "{id}: {found:?}");
    found[0]
}

pub(super) fn executor(name: &str, config: Value) -> HourglassExecutor {
    serde_json::from_value(json!({
        "apiVersion": "hourglass.eigenlayer.io/v1alpha1", "kind": "HourglassExecutor",
        "metadata": {"name": name, "namespace": "ns", "generation": 1},
        "spec": {"image": "exec:v1", "config": config}
    }))
    .unwrap()
}
