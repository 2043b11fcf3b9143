//! `hgctl doctor --probe` on the real node: a pod (the hgctl image) in the namespace resolves
//! each Performer's Service name and calls gRPC health, and what fails becomes a finding.

mod common;

use common::cli::{hgctl, text};
use common::cluster::{TestNamespace, wait_for};
use common::performers::wait_ready;
use common::real_node::{self, NODE_LABEL, POD_TIMEOUT};
use common::run_local::{RunLocal, install_crds};
use k8s_openapi::api::core::v1::Pod;
use serde_json::Value;

/// The `workload.performer.probe` entries of `doctor -o json`, by Performer name.
fn probe_findings(stdout: &str) -> Vec<(String, String, String, String)> {
    let report: Value = serde_json::from_str(stdout).unwrap_or_else(|e| panic!("{e}: {stdout}"));
    report["checks"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["id"] == "workload.performer.probe")
        .map(|c| {
            let s = |k: &str| c[k].as_str().unwrap_or_default().to_string();
            (s("object"), s("status"), s("message"), s("hint"))
        })
        .collect()
}

#[tokio::test]
async fn doctor_probe_calls_each_performer_from_a_pod_and_names_what_fails() {
    if !real_node::require("doctor_probe_calls_each_performer").await {
        return;
    }
    install_crds().await;
    let ns = TestNamespace::create("real-probe").await;
    let _run = RunLocal::start(ns.name());
    real_node::create_performer(ns.name(), "good", &[]);
    // Listens on 9999 while its spec (and Service) say 8080: never Ready, nothing answers.
    real_node::create_performer(ns.name(), "deaf", &["--env", "GRPC_PORT=9999"]);
    wait_ready(&ns, "good", POD_TIMEOUT).await;

    let image = real_node::import_hgctl_image();
    let selector = format!("{NODE_LABEL}=true");
    let toleration = format!("{NODE_LABEL}=true:NoSchedule");
    let probe = [
        "--probe",
        "--probe-image",
        image.as_str(),
        "--probe-node-selector",
        selector.as_str(),
        "--probe-toleration",
        toleration.as_str(),
        "-o",
        "json",
    ];

    // The serving one passes once kube-proxy routes its Service (a second after Ready).
    let mut args = vec!["doctor", "good", "--wait", "90s"];
    args.extend(probe);
    let out = hgctl(ns.name(), &args);
    let (stdout, stderr) = text(&out);
    assert!(out.status.success(), "{stdout}\n{stderr}");
    let found = probe_findings(&stdout);
    assert_eq!(found.len(), 1, "{found:?}");
    let (object, status, message, _) = &found[0];
    assert!(object.ends_with("/good"), "{object}");
    assert_eq!(status, "pass", "{message}");
    assert!(
        message.contains("answers SERVING over plaintext") && message.contains("no TLS"),
        "{message}"
    );

    // The kubelet's startup probe of the deaf one has failed at least once.
    let events: kube::Api<k8s_openapi::api::core::v1::Event> = ns.api();
    wait_for(
        POD_TIMEOUT,
        "an Unhealthy event for the deaf pod",
        || async {
            let list = events
                .list(&kube::api::ListParams::default().fields("reason=Unhealthy"))
                .await
                .map_err(|e| e.to_string())?;
            list.items
                .iter()
                .any(|e| {
                    e.involved_object
                        .name
                        .as_deref()
                        .is_some_and(|n| n.contains("deaf"))
                })
                .then_some(())
                .ok_or(format!("{} Unhealthy events", list.items.len()))
        },
    )
    .await;

    // Both: the deaf one fails with what a caller sees and where to look.
    let mut args = vec!["doctor"];
    args.extend(probe);
    let out = hgctl(ns.name(), &args);
    let (stdout, stderr) = text(&out);
    assert_eq!(out.status.code(), Some(1), "{stdout}\n{stderr}");
    let found = probe_findings(&stdout);
    let deaf = found
        .iter()
        .find(|f| f.0.ends_with("/deaf"))
        .unwrap_or_else(|| panic!("{found:?}"));
    assert_eq!(deaf.1, "fail", "{deaf:?}");
    assert!(
        deaf.2
            .contains("no pod is ready behind Service performer-deaf"),
        "{deaf:?}"
    );
    assert!(
        deaf.3.contains("readiness probe") && deaf.3.contains("GRPC_PORT"),
        "{deaf:?}"
    );
    let good = found.iter().find(|f| f.0.ends_with("/good")).unwrap();
    assert_eq!(good.1, "pass", "{good:?}");
    // The kubelet's own words about the deaf one, with the fix.
    let report: Value = serde_json::from_str(&stdout).unwrap();
    let probes = report["checks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| {
            c["id"] == "workload.performer.probes"
                && c["object"].as_str().is_some_and(|o| o.ends_with("/deaf"))
        })
        .unwrap_or_else(|| panic!("{stdout}"));
    assert_eq!(probes["status"], "fail", "{probes}");
    let message = probes["message"].as_str().unwrap_or_default();
    assert!(message.contains("Startup probe failed"), "{probes}");
    assert!(
        probes["hint"]
            .as_str()
            .unwrap_or_default()
            .contains("spec.probes.startupSeconds"),
        "{probes}"
    );

    // The probe pods are gone.
    let left = ns
        .api::<Pod>()
        .list(&kube::api::ListParams::default().labels("app.kubernetes.io/component=doctor-probe"))
        .await
        .unwrap();
    let live: Vec<_> = left
        .items
        .iter()
        .filter(|p| p.metadata.deletion_timestamp.is_none())
        .collect();
    assert!(live.is_empty(), "{live:?}");
}
