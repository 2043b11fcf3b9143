//! The Hourglass runtime path on the real node: an HourglassExecutor runs the executor stand-in
//! (`hgctl.local/executor:plaintext`: the official image layout, the Performer body the real
//! executor sends, its status polling and its task call), the stand-in writes its Performer,
//! hgctl makes it Ready on the real node, and the stand-in's task call through
//! `performer-<name>.<ns>.svc.cluster.local` succeeds.

mod common;

use std::time::Duration;

use common::cluster::{TestNamespace, kubectl_apply, wait_for};
use common::performers::pods_of;
use common::real_node::{self, NODE_NAME, PERFORMER_IMAGE};
use common::run_local::{RunLocal, install_crds};
use hgctl::api::executor::HourglassExecutor;
use hgctl::api::performer::Performer;
use k8s_openapi::api::core::v1::{Pod, Secret};
use kube::ResourceExt;
use kube::api::{Api, ListParams, LogParams, PostParams};
use serde_json::json;

const AVS: &str = "0xCE2Ac75bE2E0951F1F7B288c7a6A9BfB6c331DC4";
/// Start of the executor pod, the Performer it writes, that pod's start and the stand-in's
/// 5 s status poll, on a loaded two-core machine.
const TIMEOUT: Duration = Duration::from_secs(240);

/// An HourglassExecutor running `image` (a stand-in tag) whose AVS's Performers land on the
/// real node; `tls_proxy`: the AVS's performers behind TLS, with that sidecar image.
fn executor(image: &str, tls_proxy: Option<&str>) -> serde_json::Value {
    let placement = real_node::placement_spec();
    let mut template = json!({"scheduling": {
        "nodeSelector": placement["nodeSelector"],
        "tolerations": placement["tolerations"],
    }});
    if let Some(proxy) = tls_proxy {
        template["tls"] = json!({"terminate": true, "proxyImage": proxy});
    }
    json!({
        "apiVersion": "hourglass.eigenlayer.io/v1alpha1",
        "kind": "HourglassExecutor",
        "metadata": {"name": "standin"},
        "spec": {
            "image": image,
            "replicas": 1,
            "nodeSelector": placement["nodeSelector"],
            "tolerations": placement["tolerations"],
            "config": {
                "operatorAddress": "0x15d34AAf54267DB7D7c367839AAf71A00a2C6A65",
                "performerMode": "kubernetes",
                "chains": [{"name": "anvil", "rpc": "http://anvil.invalid:8545", "chainId": 31337}],
                "operatorKeys": {"secretRef": {"name": "operator-keys"}},
                "avsPerformers": [{
                    "avsAddress": AVS,
                    "image": PERFORMER_IMAGE,
                    // What the real executor cannot say: put its Performer on the real node.
                    "performerTemplate": template,
                }],
            },
        },
    })
}

/// The log of the executor's pod once it has a line containing `needle`.
async fn executor_log_with(ns: &TestNamespace, needle: &str) -> String {
    let pods: Api<Pod> = ns.api();
    wait_for(
        TIMEOUT,
        format!("the executor logging {needle:?}"),
        || async {
            let list = pods
                .list(&ListParams::default().labels("app.kubernetes.io/instance=standin"))
                .await
                .map_err(|e| e.to_string())?;
            let Some(pod) = list.items.first() else {
                return Err("no executor pod".to_string());
            };
            let log = pods
                .logs(&pod.name_any(), &LogParams::default())
                .await
                .map_err(|e| format!("pod {}: {e}; status {:?}", pod.name_any(), pod.status))?;
            log.contains(needle).then_some(log.clone()).ok_or(log)
        },
    )
    .await
}

/// A namespace with the operator keys Secret and run-local, and the executor applied.
async fn deploy(prefix: &str, body: serde_json::Value) -> (TestNamespace, RunLocal) {
    install_crds().await;
    let ns = TestNamespace::create(prefix).await;
    let run = RunLocal::start(ns.name());
    let keys: Secret = serde_json::from_value(json!({
        "metadata": {"name": "operator-keys"},
        "stringData": {
            "operator-private-key": "0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d",
            "ecdsa-private-key": "0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d",
        },
    }))
    .unwrap();
    ns.api::<Secret>()
        .create(&PostParams::default(), &keys)
        .await
        .unwrap();
    kubectl_apply(&ns.api::<HourglassExecutor>(), &body).await;
    (ns, run)
}

/// The one Performer of the namespace (the stand-in's), Ready, its pod Ready on the real node.
async fn the_performer_on_the_real_node(ns: &TestNamespace) -> Performer {
    let performers = ns
        .api::<Performer>()
        .list(&Default::default())
        .await
        .unwrap();
    assert_eq!(performers.items.len(), 1, "{performers:?}");
    let p = performers.items[0].clone();
    assert!(p.status.as_ref().is_some_and(|s| s.ready), "{:?}", p.status);
    let pods = pods_of(ns, &p.name_any()).await;
    let on_node: Vec<_> = pods
        .iter()
        .map(real_node::placement_and_readiness)
        .collect();
    assert_eq!(
        on_node,
        vec![(Some(NODE_NAME.to_string()), true)],
        "{pods:?}"
    );
    p
}

#[tokio::test]
async fn the_executor_stand_in_writes_its_performer_and_calls_it_through_the_service_name() {
    if !real_node::require("the_executor_stand_in_writes_its_performer").await {
        return;
    }
    let (ns, _run) = deploy(
        "real-executor",
        executor("hgctl.local/executor:plaintext", None),
    )
    .await;
    let log = executor_log_with(&ns, "task call succeeded").await;
    let line = log
        .lines()
        .find(|l| l.contains("task call succeeded"))
        .unwrap();
    assert!(line.contains("transport=plaintext"), "{line}");
    assert!(line.contains(".svc.cluster.local:"), "{line}");
    assert!(!log.contains("task call failed"), "{log}");
    eprintln!("executor stand-in: {line}");
    let p = the_performer_on_the_real_node(&ns).await;
    assert!(
        line.contains(&format!("performer={}", p.name_any())),
        "{line}"
    );
}

/// Upstream's current executor dials performers with TLS, verified: with the AVS behind hgctl's
/// TLS sidecar the call succeeds, verified against the namespace's performer CA.
#[tokio::test]
async fn an_executor_dialing_tls_reaches_a_plaintext_performer_behind_the_tls_sidecar() {
    if !real_node::require("an_executor_dialing_tls_reaches").await {
        return;
    }
    let image = real_node::import_hgctl_image();
    let (ns, _run) = deploy(
        "real-executor-tls",
        executor("hgctl.local/executor:tls", Some(&image)),
    )
    .await;
    let log = executor_log_with(&ns, "task call succeeded").await;
    let line = log
        .lines()
        .find(|l| l.contains("task call succeeded"))
        .unwrap();
    assert!(line.contains("transport=tls"), "{line}");
    assert!(!log.contains("task call failed"), "{log}");
    eprintln!("executor stand-in over TLS: {line}");
    let p = the_performer_on_the_real_node(&ns).await;
    // The performer itself serves plaintext: the sidecar terminated TLS.
    let pods = pods_of(&ns, &p.name_any()).await;
    let containers: Vec<String> = pods[0]
        .spec
        .as_ref()
        .unwrap()
        .containers
        .iter()
        .map(|c| c.name.clone())
        .collect();
    assert_eq!(containers, vec!["performer", "tls-proxy"]);
    // The CA's key stays in its Secret; the executor pod mounts only the certificate.
    let ca = ns.api::<Secret>().get("hgctl-performer-ca").await.unwrap();
    assert!(ca.data.unwrap().contains_key("ca.key"));
}

/// Without the option the same executor fails every task, and doctor says why and what to set.
#[tokio::test]
async fn without_the_tls_option_the_tls_executor_fails_and_doctor_names_the_fix() {
    if !real_node::require("without_the_tls_option").await {
        return;
    }
    let (ns, _run) = deploy(
        "real-executor-notls",
        executor("hgctl.local/executor:tls", None),
    )
    .await;
    let log = executor_log_with(&ns, "health check failed").await;
    assert!(log.contains("transport=tls"), "{log}");
    assert!(!log.contains("task call succeeded"), "{log}");
    let out = common::cli::hgctl(ns.name(), &["doctor", "standin", "-o", "json"]);
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let fatal = report["checks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == "workload.executor.fatal-log")
        .unwrap_or_else(|| panic!("{report:#}"))
        .clone();
    assert_eq!(fatal["status"], "fail", "{fatal:#}");
    assert!(
        fatal["message"]
            .as_str()
            .unwrap_or_default()
            .contains("TLS handshakes fail"),
        "{fatal:#}"
    );
    assert!(
        fatal["hint"]
            .as_str()
            .unwrap_or_default()
            .contains("tls: {terminate: true}"),
        "{fatal:#}"
    );
}
