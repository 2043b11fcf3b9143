//! Fixed objects and a fixed "now" for golden tests of get/status/describe.
//! Goldens live in `tests/golden/`; `HGCTL_BLESS=1 cargo test --lib output` rewrites them.

use std::path::Path;

use k8s_openapi::api::core::v1::Pod;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::{Condition, Time};
use k8s_openapi::jiff::Timestamp;
use serde_json::json;

use crate::api::{HourglassExecutor, Performer};

/// 2026-01-01T00:00:00Z.
pub fn now() -> Timestamp {
    Timestamp::from_second(1_767_225_600).unwrap()
}

/// `now` minus some seconds, as an RFC 3339 string.
pub fn ago(seconds: i64) -> String {
    Timestamp::from_second(now().as_second() - seconds)
        .unwrap()
        .to_string()
}

fn time_ago(seconds: i64) -> Time {
    Time(Timestamp::from_second(now().as_second() - seconds).unwrap())
}

pub fn condition(type_: &str, status: bool, reason: &str, message: &str, ago: i64) -> Condition {
    Condition {
        type_: type_.into(),
        status: if status { "True" } else { "False" }.into(),
        reason: reason.into(),
        message: message.into(),
        observed_generation: Some(1),
        last_transition_time: time_ago(ago),
    }
}

fn performer(value: serde_json::Value) -> Performer {
    serde_json::from_value(value).expect("fixture performer")
}

/// Five performers: GPU, TEE, upgrading, unschedulable (ns avs) and one without status (ns lab).
pub fn performers() -> Vec<Performer> {
    let endpoint = |n: &str, ns: &str| format!("performer-{n}.{ns}.svc.cluster.local:9090");
    vec![
        performer(json!({
            "apiVersion": "hourglass.eigenlayer.io/v1alpha1", "kind": "Performer",
            "metadata": {"name": "gpu-a", "namespace": "avs", "creationTimestamp": ago(3 * 86400 + 7200),
                "generation": 1, "uid": "u-gpu-a",
                "managedFields": [{"manager": "hgctl", "operation": "Apply", "apiVersion": "hourglass.eigenlayer.io/v1alpha1"}]},
            "spec": {"avsAddress": "0x1234567890abcdef1234567890abcdef12345678", "image": "myavs/performer:v2.1.0",
                "hardwareRequirements": {"gpuType": "a100-80gb", "gpuCount": 2}},
            "status": {"phase": "Running", "ready": true, "podName": "gpu-a-7f9c", "serviceName": "performer-gpu-a",
                "grpcEndpoint": endpoint("gpu-a", "avs"), "readyTime": ago(3 * 86400), "observedGeneration": 1,
                "conditions": [condition("Ready", true, "PodReady", "pod gpu-a-7f9c is ready", 3 * 86400)]}
        })),
        performer(json!({
            "apiVersion": "hourglass.eigenlayer.io/v1alpha1", "kind": "Performer",
            "metadata": {"name": "tee-b", "namespace": "avs", "creationTimestamp": ago(5 * 3600), "generation": 1},
            "spec": {"avsAddress": "0xabcdefabcdefabcdefabcdefabcdefabcdefabcd", "image": "myavs/performer-sgx:v1.0.0",
                "hardwareRequirements": {"teeRequired": true, "teeType": "sgx"}},
            "status": {"phase": "Running", "ready": true, "podName": "tee-b-5d2e", "grpcEndpoint": endpoint("tee-b", "avs"),
                "readyTime": ago(4 * 3600), "observedGeneration": 1}
        })),
        performer(json!({
            "apiVersion": "hourglass.eigenlayer.io/v1alpha1", "kind": "Performer",
            "metadata": {"name": "up-c", "namespace": "avs", "creationTimestamp": ago(20 * 86400), "generation": 3},
            "spec": {"avsAddress": "0x1111111111111111111111111111111111111111", "image": "myavs/performer:v3", "version": "3"},
            "status": {"phase": "Upgrading", "ready": true, "podName": "up-c-old", "grpcEndpoint": endpoint("up-c", "avs"),
                "readyTime": ago(19 * 86400), "observedGeneration": 3,
                "conditions": [condition("Progressing", true, "RollingOut", "new pod up-c-new is starting", 45)]}
        })),
        performer(json!({
            "apiVersion": "hourglass.eigenlayer.io/v1alpha1", "kind": "Performer",
            "metadata": {"name": "h200-d", "namespace": "avs", "creationTimestamp": ago(310), "generation": 1},
            "spec": {"avsAddress": "0x2222222222222222222222222222222222222222", "image": "myavs/performer:v2.1.0",
                "hardwareRequirements": {"gpuType": "h200"}},
            "status": {"phase": "Pending", "ready": false, "podName": "h200-d-9a1b", "observedGeneration": 1,
                "conditions": [
                    condition("Ready", false, "PodPending", "pod h200-d-9a1b is pending", 300),
                    condition("Scheduled", false, "Unschedulable", "0/11 nodes are available: 11 node(s) didn't match Pod's node affinity/selector.", 300)
                ]}
        })),
        performer(json!({
            "apiVersion": "hourglass.eigenlayer.io/v1alpha1", "kind": "Performer",
            "metadata": {"name": "fresh", "namespace": "lab", "creationTimestamp": ago(2), "generation": 1},
            "spec": {"avsAddress": "0x3333333333333333333333333333333333333333", "image": "lab/performer:dev"}
        })),
    ]
}

/// The performers' pods (the unschedulable one has no node).
pub fn pods() -> Vec<Pod> {
    let pod = |name: &str, performer: &str, node: Option<&str>| -> Pod {
        serde_json::from_value(json!({
            "metadata": {"name": name, "namespace": "avs",
                "labels": {"app": "hourglass-performer", "hourglass.eigenlayer.io/performer": performer}},
            "spec": {"containers": [{"name": "performer", "image": "x"}], "nodeName": node}
        }))
        .expect("fixture pod")
    };
    vec![
        pod("gpu-a-7f9c", "gpu-a", Some("gpu-a100-80gb")),
        pod("tee-b-5d2e", "tee-b", Some("tee-sgx")),
        pod("up-c-old", "up-c", Some("cpu-1")),
        pod("up-c-new", "up-c", Some("cpu-2")),
        pod("h200-d-9a1b", "h200-d", None),
    ]
}

/// Two executors: a running one with a Secret and a pending one with inline keys.
pub fn executors() -> Vec<HourglassExecutor> {
    [
        json!({
            "apiVersion": "hourglass.eigenlayer.io/v1alpha1", "kind": "HourglassExecutor",
            "metadata": {"name": "exec-main", "namespace": "avs", "creationTimestamp": ago(2 * 86400), "generation": 2},
            "spec": {"image": "ghcr.io/layr-labs/hourglass-executor:v1.2.0", "replicas": 2,
                "config": {"operatorAddress": "0x9999999999999999999999999999999999999999",
                    "aggregatorEndpoint": "aggregator.example.com:9000",
                    "l1Chain": "sepolia",
                    "chains": [
                        {"name": "sepolia", "rpc": "https://sepolia.example.com", "chainId": 11155111,
                         "taskMailboxAddress": "0x4444444444444444444444444444444444444444"},
                        {"name": "base-sepolia", "rpc": "https://base-sepolia.example.com", "chainId": 84532}
                    ],
                    "operatorKeys": {"secretRef": {"name": "exec-main-keys"}},
                    "avsPerformers": [{"avsAddress": "0x1234567890abcdef1234567890abcdef12345678",
                        "image": "myavs/performer:v2.1.0",
                        "envs": [{"name": "MODE", "value": "prod"},
                                 {"name": "API_TOKEN", "valueFrom": {"secretKeyRef": {"name": "avs-secrets", "key": "token"}}}]}]},
                "networkPolicy": {"enabled": true}},
            "status": {"phase": "Running", "replicas": 2, "readyReplicas": 2, "selector": "app=hourglass-executor,hourglass.eigenlayer.io/executor=exec-main",
                "lastConfigUpdate": ago(3 * 3600), "observedGeneration": 2}
        }),
        json!({
            "apiVersion": "hourglass.eigenlayer.io/v1alpha1", "kind": "HourglassExecutor",
            "metadata": {"name": "exec-inline", "namespace": "avs", "creationTimestamp": ago(600), "generation": 1},
            "spec": {"image": "ghcr.io/layr-labs/hourglass-executor:v1.2.0",
                "config": {"operatorAddress": "0x8888888888888888888888888888888888888888",
                    "operatorKeys": {"ecdsa": "0xdeadbeefdeadbeefdeadbeefdeadbeefdeadbeefdeadbeefdeadbeefdeadbeef",
                                     "bls": "super-secret-bls-key"}}},
            "status": {"phase": "Pending", "replicas": 1, "readyReplicas": 0,
                "conditions": [condition("KeysSecure", false, "InlineKeys", "operatorKeys holds inline private keys", 600)]}
        }),
    ]
    .into_iter()
    .map(|v| serde_json::from_value(v).expect("fixture executor"))
    .collect()
}

/// Compares `actual` with `tests/golden/<name>`; `HGCTL_BLESS=1` rewrites the file.
pub fn assert_golden(name: &str, actual: &str) {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/golden")
        .join(name);
    if std::env::var_os("HGCTL_BLESS").is_some() {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, actual).unwrap();
        return;
    }
    let expected = std::fs::read_to_string(&path).unwrap_or_else(|e| {
        panic!(
            "cannot read golden {}: {e}; create it with HGCTL_BLESS=1",
            path.display()
        )
    });
    assert!(
        expected == actual,
        "output differs from golden {}\n--- expected\n{expected}\n--- actual\n{actual}\n(if the change is intended: HGCTL_BLESS=1 cargo test --lib output)",
        path.display()
    );
}
