//! The real node (`tests/cluster/node/`, started by `up.sh --real-node` or `HGCTL_REAL_NODE=1`):
//! a kubelet with containerd that really runs containers, images `hgctl.local/<name>:<tag>`
//! imported without a registry, and CoreDNS for `cluster.local`.
//!
//! Tests call [`require`] first: without the node they skip with a message, unless the node is
//! expected (`HGCTL_REAL_NODE=1`, which `tests/run.sh` sets, or `CI=true`), where they fail.

use std::process::Command;
use std::time::Duration;

use k8s_openapi::api::core::v1::{Node, Pod};
use kube::api::{Api, LogParams, PostParams};
use serde_json::json;

use super::cluster::{self, wait_for};

/// The real node's name, label key (value `"true"`) and NoSchedule taint key (same key).
pub const NODE_NAME: &str = "hgctl-real-node";
pub const NODE_LABEL: &str = "hgctl.test/real-node";
/// The test performer image (tests/images: PerformerService + grpc.health.v1, runs as root);
/// its `check` and `loop` modes are the gRPC client.
pub const PERFORMER_IMAGE: &str = "hgctl.local/performer:test";
/// The port the test performer serves on (its `GRPC_PORT` default).
pub const PERFORMER_PORT: &str = "8080";
/// How long a pod on the real node may take to start (it takes 1-3 s on a quiet machine).
pub const POD_TIMEOUT: Duration = Duration::from_secs(120);

/// Whether the real node is expected: then a missing node fails the test instead of skipping.
fn expected() -> bool {
    let set = |k: &str, v: &str| std::env::var(k).is_ok_and(|x| x == v);
    set("HGCTL_REAL_NODE", "1") || set("CI", "true")
}

/// `true` when the real node is Ready. When it is not: `false` (the caller returns: skipped)
/// with a message saying how to start it, or a panic when the node is expected.
pub async fn require(test: &str) -> bool {
    let nodes: Api<Node> = Api::all(cluster::client().await);
    let ready = match nodes.get_opt(NODE_NAME).await {
        Ok(Some(node)) => node
            .status
            .and_then(|s| s.conditions)
            .unwrap_or_default()
            .iter()
            .any(|c| c.type_ == "Ready" && c.status == "True"),
        Ok(None) => false,
        Err(e) => panic!("cannot read node {NODE_NAME}: {e}"),
    };
    if !ready {
        let why = format!(
            "the real node {NODE_NAME} is not Ready in this cluster \
             (start it with tests/cluster/up.sh --real-node, or HGCTL_REAL_NODE=1 tests/run.sh)"
        );
        assert!(
            !expected(),
            "{test}: {why}; HGCTL_REAL_NODE=1 or CI=true says it must be"
        );
        eprintln!("SKIPPED {test}: {why}");
    }
    ready
}

/// `hgctl` flags that put a Performer on the real node (and only there).
pub fn placement_flags() -> [String; 4] {
    [
        "--node-selector".into(),
        format!("{NODE_LABEL}=true"),
        "--toleration".into(),
        format!("{NODE_LABEL}=true:NoSchedule"),
    ]
}

/// The same placement as pod-spec JSON (`nodeSelector`, `tolerations`).
pub fn placement_spec() -> serde_json::Value {
    json!({
        "nodeSelector": {NODE_LABEL: "true"},
        "tolerations": [{"key": NODE_LABEL, "operator": "Equal", "value": "true", "effect": "NoSchedule"}],
    })
}

/// The test performer's AVS (any address: the test performer does not check it).
pub const AVS: &str = "0x1111111111111111111111111111111111111111";

/// `hgctl performer create NAME -n NS` with the test performer image on the real node, plus
/// `extra`; panics unless it succeeds.
pub fn create_performer(ns: &str, name: &str, extra: &[&str]) {
    let placement = placement_flags();
    let mut args = vec![
        "performer",
        "create",
        name,
        "-n",
        ns,
        "--image",
        PERFORMER_IMAGE,
        "--avs",
        AVS,
        "--grpc-port",
        PERFORMER_PORT,
    ];
    args.extend(placement.iter().map(String::as_str));
    args.extend(extra);
    hgctl(&args);
}

/// Runs `hgctl ARGS` against the test cluster; panics with its output unless it succeeds.
pub fn hgctl(args: &[&str]) -> String {
    let out = Command::new(env!("CARGO_BIN_EXE_hgctl"))
        .args(args)
        .arg("--kubeconfig")
        .arg(cluster::kubeconfig_path())
        .output()
        .expect("running hgctl");
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(
        out.status.success(),
        "hgctl {args:?} failed ({}):\n{stdout}\n{}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
    stdout
}

/// Builds the operator image from this test build's hgctl and imports it into the real node's
/// containerd (`tests/cluster/node/images.sh hgctl`); returns its reference.
pub fn import_hgctl_image() -> String {
    let out = Command::new(cluster::cluster_dir().join("node").join("images.sh"))
        .args(["hgctl", env!("CARGO_BIN_EXE_hgctl")])
        .output()
        .expect("running tests/cluster/node/images.sh");
    assert!(
        out.status.success(),
        "images.sh hgctl failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).trim().to_string()
}

/// Runs a one-shot pod on the real node with [`PERFORMER_IMAGE`] and `args` (e.g. `check ADDR`),
/// waits until it ends, and returns whether it succeeded and its log.
pub async fn run_client(
    pods: &Api<Pod>,
    name: &str,
    args: &[&str],
    timeout: Duration,
) -> (bool, String) {
    let mut spec = placement_spec();
    spec["restartPolicy"] = json!("Never");
    spec["containers"] = json!([{
        "name": "client",
        "image": PERFORMER_IMAGE,
        "imagePullPolicy": "Never",
        "command": ["/performer"],
        "args": args,
    }]);
    let pod: Pod =
        serde_json::from_value(json!({"metadata": {"name": name}, "spec": spec})).unwrap();
    pods.create(&PostParams::default(), &pod)
        .await
        .unwrap_or_else(|e| panic!("creating client pod {name}: {e}"));
    let phase = wait_for(timeout, format!("client pod {name} to finish"), || async {
        let p = pods.get(name).await.map_err(|e| e.to_string())?;
        match p.status.as_ref().and_then(|s| s.phase.as_deref()) {
            Some(phase @ ("Succeeded" | "Failed")) => Ok(phase.to_string()),
            phase => Err(format!("phase {phase:?}, status {:?}", p.status)),
        }
    })
    .await;
    let log = pods
        .logs(name, &LogParams::default())
        .await
        .unwrap_or_else(|e| format!("(no log: {e})"));
    (phase == "Succeeded", log)
}

/// The node a pod runs on, and whether all its containers are ready.
pub fn placement_and_readiness(pod: &Pod) -> (Option<String>, bool) {
    let node = pod.spec.as_ref().and_then(|s| s.node_name.clone());
    let ready = pod
        .status
        .as_ref()
        .and_then(|s| s.container_statuses.as_ref())
        .is_some_and(|cs| !cs.is_empty() && cs.iter().all(|c| c.ready));
    (node, ready)
}
