//! End-to-end tests of `hgctl get`, `status` and `describe` on the local control
//! plane. Each test owns a namespace; the reconciler's work is simulated by
//! creating the pod and patching the status subresource directly.

mod common;

use std::io::Read;
use std::process::{Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use common::cli::hgctl;
use common::cluster::{self, TestNamespace, wait_for};
use common::run_local::install_crds;
use hgctl::api::{HourglassExecutor, Performer};
use k8s_openapi::api::core::v1::Pod;
use kube::api::{Api, Patch, PatchParams, PostParams};
use serde_json::{Value, json};

const TIMEOUT: Duration = Duration::from_secs(60);

fn stdout_ok(ns: &str, args: &[&str]) -> String {
    let out = hgctl(ns, args);
    assert!(
        out.status.success(),
        "hgctl {args:?} failed ({:?}): {}",
        out.status.code(),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

fn kubectl(ns: &str, args: &[&str]) -> String {
    let out = Command::new("kubectl")
        .arg("--kubeconfig")
        .arg(cluster::kubeconfig_path())
        .args(["-n", ns])
        .args(args)
        .stdin(Stdio::null())
        .output()
        .expect("kubectl must be on PATH for this test");
    assert!(
        out.status.success(),
        "kubectl {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

/// Two performers (one serving from a pod on cpu-1, one unschedulable) and an
/// executor with inline keys.
async fn fleet(ns: &TestNamespace) {
    let performers: Api<Performer> = ns.api();
    let apply = PatchParams::apply("kubectl-test").force();
    for (name, hw) in [
        ("alpha", json!({"gpuType": "a100"})),
        ("beta", json!({"gpuType": "h200"})),
    ] {
        let body = json!({
            "apiVersion": "hourglass.eigenlayer.io/v1alpha1", "kind": "Performer",
            "metadata": {"name": name},
            "spec": {"avsAddress": "0x1234567890abcdef1234567890abcdef12345678",
                     "image": "myavs/performer:v1", "hardwareRequirements": hw}
        });
        performers
            .patch(name, &apply, &Patch::Apply(&body))
            .await
            .unwrap();
    }
    let pod: Pod = serde_json::from_value(json!({
        "metadata": {"name": "alpha-pod", "labels": {
            "app": "hourglass-performer", "hourglass.eigenlayer.io/performer": "alpha"}},
        "spec": {"nodeName": "cpu-1", "containers": [{"name": "performer", "image": "myavs/performer:v1"}]}
    }))
    .unwrap();
    ns.api::<Pod>()
        .create(&PostParams::default(), &pod)
        .await
        .unwrap();
    let now = k8s_openapi::jiff::Timestamp::now().to_string();
    let endpoint = format!("performer-alpha.{}.svc.cluster.local:9090", ns.name());
    performers
        .patch_status(
            "alpha",
            &PatchParams::default(),
            &Patch::Merge(json!({"status": {
                "phase": "Running", "ready": true, "podName": "alpha-pod", "grpcEndpoint": endpoint,
                "readyTime": now, "observedGeneration": 1,
                "conditions": [{"type": "Ready", "status": "True", "reason": "PodReady",
                    "message": "pod alpha-pod is ready", "lastTransitionTime": now}]}})),
        )
        .await
        .unwrap();
    performers
        .patch_status(
            "beta",
            &PatchParams::default(),
            &Patch::Merge(json!({"status": {
                "phase": "Pending", "ready": false, "observedGeneration": 1,
                "conditions": [{"type": "Scheduled", "status": "False", "reason": "Unschedulable",
                    "message": "0/11 nodes are available: no h200", "lastTransitionTime": now}]}})),
        )
        .await
        .unwrap();
    let executor = json!({
        "apiVersion": "hourglass.eigenlayer.io/v1alpha1", "kind": "HourglassExecutor",
        "metadata": {"name": "exec"},
        "spec": {"image": "ghcr.io/layr-labs/hourglass-executor:v1", "replicas": 1,
            "config": {"operatorAddress": "0x9999999999999999999999999999999999999999",
                "aggregatorEndpoint": "agg.example.com:9000",
                "operatorKeys": {"ecdsa": "0xfeedfacefeedfacefeedfacefeedfacefeedfacefeedfacefeedfacefeedface"}}}
    });
    ns.api::<HourglassExecutor>()
        .patch("exec", &apply, &Patch::Apply(&executor))
        .await
        .unwrap();
}

/// Splits a table into rows of cells (cells are separated by 3+ spaces).
fn cells(table: &str) -> Vec<Vec<String>> {
    table
        .lines()
        .map(|l| {
            l.split("   ")
                .map(str::trim)
                .filter(|c| !c.is_empty())
                .map(String::from)
                .collect()
        })
        .collect()
}

#[tokio::test]
async fn get_matches_kubectl_and_prints_every_format() {
    install_crds().await;
    let ns = TestNamespace::create("e2e-get").await;
    let n = ns.name();
    fleet(&ns).await;

    // Same columns and (ages aside, which are last) same cells as kubectl.
    let ours = stdout_ok(n, &["get", "performers"]);
    let theirs = kubectl(n, &["get", "performers"]);
    assert_eq!(
        ours.lines().next(),
        theirs.lines().next(),
        "headers differ\nhgctl:\n{ours}\nkubectl:\n{theirs}"
    );
    let strip_age = |t: &str| -> Vec<Vec<String>> {
        cells(t)
            .into_iter()
            .map(|mut r| {
                r.pop();
                r
            })
            .collect()
    };
    assert_eq!(
        strip_age(&ours),
        strip_age(&theirs),
        "hgctl:\n{ours}\nkubectl:\n{theirs}"
    );
    assert_eq!(ours.lines().count(), 3);
    // The alias spelling gives the same table.
    assert_eq!(
        strip_age(&stdout_ok(n, &["performer", "get"])),
        strip_age(&ours)
    );

    let wide = stdout_ok(n, &["get", "performers", "-o", "wide"]);
    let header = wide.lines().next().unwrap();
    for col in ["TEE", "POD", "READY-TIME", "GPUS", "NODE"] {
        assert!(header.contains(col), "wide header lacks {col}: {header}");
    }
    let alpha = wide.lines().find(|l| l.starts_with("alpha ")).unwrap();
    assert!(
        alpha.contains("alpha-pod") && alpha.trim_end().ends_with("cpu-1"),
        "{alpha}"
    );
    let beta = wide.lines().find(|l| l.starts_with("beta ")).unwrap();
    assert!(beta.trim_end().ends_with("<none>"), "{beta}");

    let list: Value =
        serde_json::from_str(&stdout_ok(n, &["get", "performers", "-o", "json"])).unwrap();
    assert_eq!(list["kind"], "List");
    assert_eq!(list["apiVersion"], "v1");
    assert_eq!(list["items"].as_array().unwrap().len(), 2);
    assert!(list["items"][0]["metadata"].get("managedFields").is_none());
    assert!(list["items"][0]["metadata"].get("uid").is_some());

    let one: Value =
        serde_saphyr::from_str(&stdout_ok(n, &["get", "performers", "alpha", "-o", "yaml"]))
            .unwrap();
    assert_eq!(one["kind"], "Performer");
    assert_eq!(one["status"]["podName"], "alpha-pod");
    assert!(one["metadata"].get("managedFields").is_none());

    assert_eq!(
        stdout_ok(n, &["get", "performers", "-o", "name"]),
        kubectl(n, &["get", "performers", "-o", "name"])
    );
    assert_eq!(
        stdout_ok(
            n,
            &["get", "performers", "-l", "nothing=here", "-o", "name"]
        ),
        ""
    );

    let missing = hgctl(n, &["get", "performers", "nope"]);
    assert_eq!(missing.status.code(), Some(5));
    let err = String::from_utf8_lossy(&missing.stderr);
    assert!(
        err.contains("not found") && err.contains("hgctl get performers"),
        "{err}"
    );

    let execs = stdout_ok(n, &["get", "executors"]);
    assert_eq!(
        execs.lines().next(),
        kubectl(n, &["get", "hourglassexecutors"]).lines().next()
    );
    assert!(execs.contains("exec "));

    let empty = TestNamespace::create("e2e-get-empty").await;
    let out = hgctl(empty.name(), &["get", "performers"]);
    assert!(out.status.success());
    assert!(out.stdout.is_empty());
    assert_eq!(
        String::from_utf8_lossy(&out.stderr).trim(),
        format!("No resources found in {} namespace.", empty.name())
    );
}

#[tokio::test]
async fn status_and_describe_show_the_fleet_without_secrets() {
    install_crds().await;
    let ns = TestNamespace::create("e2e-status").await;
    let n = ns.name();
    fleet(&ns).await;

    let status = stdout_ok(n, &["status"]);
    assert!(!status.contains('\x1b'), "no colour when not a terminal");
    assert!(
        status.contains("2 performers: 1 ready, 1 unschedulable"),
        "{status}"
    );
    let alpha = status
        .lines()
        .find(|l| l.trim_start().starts_with("alpha "))
        .unwrap();
    assert!(
        alpha.contains("cpu-1") && alpha.contains("performer-alpha."),
        "{alpha}"
    );
    assert!(status.contains("Unschedulable: 0/11 nodes are available: no h200"));
    assert!(status.contains("exec ") && status.contains("0/1"));

    let describe = stdout_ok(n, &["performer", "describe", "alpha"]);
    for want in [
        "Name:          alpha",
        "Pods:",
        "alpha-pod",
        "cpu-1",
        "Conditions:",
        "PodReady",
        "Service:",
    ] {
        assert!(
            describe.contains(want),
            "describe lacks {want:?}:\n{describe}"
        );
    }
    let missing = hgctl(n, &["performer", "describe", "nope"]);
    assert_eq!(missing.status.code(), Some(5));

    let exec = stdout_ok(n, &["executor", "describe", "exec"]);
    assert!(
        exec.contains("<redacted: inline key, move it to a Secret>"),
        "{exec}"
    );
    assert!(!exec.contains("feedface"), "inline key leaked:\n{exec}");
    assert!(exec.contains("Not used by the executor:") && exec.contains("agg.example.com:9000"));
}

#[tokio::test]
async fn watch_prints_a_row_per_change() {
    install_crds().await;
    let ns = TestNamespace::create("e2e-watch").await;
    let n = ns.name().to_string();
    fleet(&ns).await;
    let mut child = Command::new(env!("CARGO_BIN_EXE_hgctl"))
        .arg("--kubeconfig")
        .arg(cluster::kubeconfig_path())
        .args(["-n", &n, "get", "performers", "--watch"])
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let output = Arc::new(Mutex::new(String::new()));
    let mut stdout = child.stdout.take().unwrap();
    let sink = output.clone();
    std::thread::spawn(move || {
        let mut buf = [0u8; 4096];
        while let Ok(read) = stdout.read(&mut buf) {
            if read == 0 {
                break;
            }
            sink.lock()
                .unwrap()
                .push_str(&String::from_utf8_lossy(&buf[..read]));
        }
    });
    wait_for(TIMEOUT, "the initial table", || async {
        let text = output.lock().unwrap().clone();
        (text.contains("alpha") && text.contains("beta"))
            .then_some(())
            .ok_or(text)
    })
    .await;
    let body = json!({
        "apiVersion": "hourglass.eigenlayer.io/v1alpha1", "kind": "Performer",
        "metadata": {"name": "gamma"},
        "spec": {"avsAddress": "0x1234567890abcdef1234567890abcdef12345678", "image": "myavs/performer:v1"}
    });
    ns.api::<Performer>()
        .patch(
            "gamma",
            &PatchParams::apply("kubectl-test"),
            &Patch::Apply(&body),
        )
        .await
        .unwrap();
    let text = wait_for(TIMEOUT, "a row for the new performer", || async {
        let text = output.lock().unwrap().clone();
        text.lines()
            .any(|l| l.starts_with("gamma "))
            .then_some(text.clone())
            .ok_or(text)
    })
    .await;
    let _ = child.kill();
    let _ = child.wait();
    assert_eq!(text.matches("NAME ").count(), 1, "one header only:\n{text}");
}
