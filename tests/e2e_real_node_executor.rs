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

fn executor(image: &str) -> serde_json::Value {
    let placement = real_node::placement_spec();
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
                    "performerTemplate": {"scheduling": {
                        "nodeSelector": placement["nodeSelector"],
                        "tolerations": placement["tolerations"],
                    }},
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

#[tokio::test]
async fn the_executor_stand_in_writes_its_performer_and_calls_it_through_the_service_name() {
    if !real_node::require("the_executor_stand_in_writes_its_performer").await {
        return;
    }
    install_crds().await;
    let ns = TestNamespace::create("real-executor").await;
    let _run = RunLocal::start(ns.name());
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
    kubectl_apply(
        &ns.api::<HourglassExecutor>(),
        &executor("hgctl.local/executor:plaintext"),
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

    // The Performer is the one the stand-in wrote, and its pod ran on the real node.
    let performers = ns
        .api::<Performer>()
        .list(&Default::default())
        .await
        .unwrap();
    assert_eq!(performers.items.len(), 1, "{performers:?}");
    let p = &performers.items[0];
    assert!(p.status.as_ref().is_some_and(|s| s.ready), "{:?}", p.status);
    assert!(
        line.contains(&format!("performer={}", p.name_any())),
        "{line}"
    );
    let pods = pods_of(&ns, &p.name_any()).await;
    let on_node: Vec<_> = pods
        .iter()
        .map(real_node::placement_and_readiness)
        .collect();
    assert_eq!(
        on_node,
        vec![(Some(NODE_NAME.to_string()), true)],
        "{pods:?}"
    );
}
