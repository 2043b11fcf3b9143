//! The in-cluster operator on the real node: `hgctl install --image hgctl.local/hgctl:<v>` (this
//! test build's hgctl, imported without a registry), the operator pod holds the lease and turns
//! a Performer into a running pod; `hgctl uninstall` removes it. Its own test binary: the
//! operator reconciles all namespaces, so it must not run beside tests that run their own
//! `hgctl run-local`.

mod common;

use std::time::Duration;

use common::cluster::{TestNamespace, wait_for};
use common::real_node::{self, NODE_NAME, PERFORMER_IMAGE, PERFORMER_PORT, POD_TIMEOUT};
use common::run_local::install_crds;
use hgctl::api::Performer;
use k8s_openapi::api::apps::v1::Deployment;
use k8s_openapi::api::coordination::v1::Lease;
use k8s_openapi::api::core::v1::Pod;
use kube::api::{Api, ListParams};

/// The operator's Deployment and Lease name (`hgctl install`).
const OPERATOR: &str = "hgctl-operator";

#[tokio::test]
async fn the_installed_operator_runs_on_the_real_node_holds_the_lease_and_reconciles() {
    if !real_node::require("the_installed_operator_runs_on_the_real_node").await {
        return;
    }
    install_crds().await;
    let image = real_node::import_hgctl_image();
    let opns = TestNamespace::create("real-operator").await;
    let placement = real_node::placement_flags();
    let mut install = vec!["install", "-n", opns.name(), "--image", &image];
    // Pinned to the real node (otherwise a kwok node "runs" it, and nothing is proven).
    install.extend(placement.iter().map(String::as_str));
    real_node::hgctl(&install);

    let deployments: Api<Deployment> = opns.api();
    let pods: Api<Pod> = opns.api();
    let operator_pod = wait_for(
        POD_TIMEOUT,
        "the operator pod Ready on the real node",
        || async {
            let list = pods
                .list(&ListParams::default().labels(&format!("app.kubernetes.io/name={OPERATOR}")))
                .await
                .map_err(|e| e.to_string())?;
            let on_node: Vec<&Pod> = list
                .items
                .iter()
                .filter(|p| real_node::placement_and_readiness(p) == (Some(NODE_NAME.into()), true))
                .collect();
            match on_node.as_slice() {
                [p] => Ok((*p).clone()),
                _ => Err(format!(
                    "pods: {:?}",
                    list.items
                        .iter()
                        .map(|p| (p.metadata.name.clone(), p.status.clone()))
                        .collect::<Vec<_>>()
                )),
            }
        },
    )
    .await;
    let pod_name = operator_pod.metadata.name.clone().unwrap();
    wait_for(POD_TIMEOUT, "the Deployment Available", || async {
        let d = deployments.get(OPERATOR).await.map_err(|e| e.to_string())?;
        let s = d.status.clone().unwrap_or_default();
        (s.available_replicas == Some(1) && s.updated_replicas == Some(1) && s.replicas == Some(1))
            .then_some(())
            .ok_or(format!("{s:?}"))
    })
    .await;
    let leases: Api<Lease> = opns.api();
    wait_for(
        POD_TIMEOUT,
        "the operator pod holding the lease",
        || async {
            let l = leases.get(OPERATOR).await.map_err(|e| e.to_string())?;
            let holder = l.spec.and_then(|s| s.holder_identity).unwrap_or_default();
            (holder == format!("operator@{pod_name}"))
                .then_some(())
                .ok_or(format!("holder {holder:?}"))
        },
    )
    .await;

    // It reconciles: a Performer in another namespace becomes a running pod on the real node.
    let ns = TestNamespace::create("real-operated").await;
    let placement = real_node::placement_flags();
    let mut args = vec![
        "performer",
        "create",
        "served",
        "-n",
        ns.name(),
        "--image",
        PERFORMER_IMAGE,
        "--avs",
        "0x1111111111111111111111111111111111111111",
        "--grpc-port",
        PERFORMER_PORT,
    ];
    args.extend(placement.iter().map(String::as_str));
    real_node::hgctl(&args);
    let perfs: Api<Performer> = ns.api();
    wait_for(POD_TIMEOUT, "performer served ready", || async {
        let p = perfs.get("served").await.map_err(|e| e.to_string())?;
        p.status
            .as_ref()
            .filter(|s| s.ready)
            .map(|_| ())
            .ok_or(format!("status {:?}", p.status))
    })
    .await;
    let served: Vec<Pod> = ns
        .api::<Pod>()
        .list(&ListParams::default().labels("hourglass.eigenlayer.io/performer=served"))
        .await
        .unwrap()
        .items;
    assert_eq!(served.len(), 1);
    assert_eq!(
        real_node::placement_and_readiness(&served[0]),
        (Some(NODE_NAME.to_string()), true)
    );

    real_node::hgctl(&["uninstall", "-n", opns.name(), "-y", "--keep-crds"]);
    wait_for(
        Duration::from_secs(60),
        "the operator Deployment gone",
        || async {
            match deployments.get_opt(OPERATOR).await {
                Ok(None) => Ok(()),
                Ok(Some(_)) => Err("still there".to_string()),
                Err(e) => Err(e.to_string()),
            }
        },
    )
    .await;
}
