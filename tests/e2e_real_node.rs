//! End-to-end tests on the real node (`tests/cluster/node/`): containers really run, probes
//! really answer, `performer-<name>.<ns>.svc.cluster.local` really resolves (CoreDNS) and
//! connects (kube-proxy). Each test owns a namespace; Performers and client pods select and
//! tolerate the real node. Without the node these tests skip, unless it is expected
//! (`HGCTL_REAL_NODE=1` or `CI=true`), where they fail.

mod common;

use std::time::Duration;

use common::cluster::{TestNamespace, wait_for};
use common::performers::{pods_of, ready_addresses, wait_ready};
use common::real_node::{self, NODE_NAME, POD_TIMEOUT};
use common::run_local::{RunLocal, install_crds};
use k8s_openapi::api::core::v1::Pod;
use kube::ResourceExt;
use kube::api::Api;

#[tokio::test]
async fn a_performer_runs_on_the_real_node_and_answers_serving_through_its_service_name() {
    if !real_node::require("a_performer_runs_on_the_real_node").await {
        return;
    }
    install_crds().await;
    let ns = TestNamespace::create("real-serving").await;
    let _run = RunLocal::start(ns.name());
    real_node::create_performer(ns.name(), "echo", &[]);
    let p = wait_ready(&ns, "echo", POD_TIMEOUT).await;

    let pods = pods_of(&ns, "echo").await;
    assert_eq!(pods.len(), 1, "{pods:?}");
    let (node, ready) = real_node::placement_and_readiness(&pods[0]);
    assert_eq!(node.as_deref(), Some(NODE_NAME));
    assert!(ready, "the kubelet's probes passed: {:?}", pods[0].status);

    let endpoint = p.status.unwrap().grpc_endpoint.unwrap();
    assert!(
        endpoint.starts_with(&format!("performer-echo.{}.svc.cluster.local:", ns.name())),
        "{endpoint}"
    );
    // Ready in hgctl's status is the pod's readiness; the EndpointSlice controller and then
    // kube-proxy follow asynchronously (as in any cluster), so wait for the slice, then allow
    // kube-proxy a few seconds: a check pod per attempt.
    wait_for(POD_TIMEOUT, "a ready EndpointSlice address", || async {
        (ready_addresses(&ns, "performer-echo").await >= 1).then_some(())
    })
    .await;
    let mut attempts = Vec::new();
    for attempt in 1..=3 {
        let name = format!("check-{attempt}");
        let (ok, log) =
            real_node::run_client(&ns.api(), &name, &["check", &endpoint], POD_TIMEOUT).await;
        if ok {
            assert!(log.contains("SERVING"), "{log}");
            eprintln!("SERVING from {endpoint} at attempt {attempt}");
            return;
        }
        attempts.push(log);
    }
    panic!("check {endpoint} failed 3 times:\n{}", attempts.join("\n"));
}

#[tokio::test]
async fn a_blue_green_upgrade_on_the_real_node_loses_no_call_through_the_service_name() {
    if !real_node::require("a_blue_green_upgrade_on_the_real_node").await {
        return;
    }
    install_crds().await;
    let ns = TestNamespace::create("real-bluegreen").await;
    let _run = RunLocal::start(ns.name());
    real_node::create_performer(ns.name(), "bg", &["--env", "MODE=v1"]);
    let p = wait_ready(&ns, "bg", POD_TIMEOUT).await;
    let endpoint = p.status.unwrap().grpc_endpoint.unwrap();
    let old: Vec<String> = pods_of(&ns, "bg")
        .await
        .iter()
        .map(|p| p.name_any())
        .collect();

    // A client calling through the Service name for the whole rollout, one connection as the
    // executor keeps it; the upgrade starts once the client has had its first answer (before
    // that, kube-proxy may not have synced the Service yet: that lag is not the rollout's).
    let loop_args = [
        "loop",
        endpoint.as_str(),
        "--warmup",
        "60s",
        "--duration",
        "60s",
        "--interval",
        "100ms",
    ];
    let pods: Api<Pod> = ns.api();
    let client = {
        let pods = pods.clone();
        let args: Vec<String> = loop_args.iter().map(|s| s.to_string()).collect();
        tokio::spawn(async move {
            let args: Vec<&str> = args.iter().map(String::as_str).collect();
            real_node::run_client(&pods, "loop", &args, Duration::from_secs(180)).await
        })
    };
    wait_for(POD_TIMEOUT, "the loop client's first answer", || async {
        let log = pods
            .logs("loop", &Default::default())
            .await
            .map_err(|e| e.to_string())?;
        log.contains("loop: first answer at")
            .then_some(())
            .ok_or(log)
    })
    .await;
    real_node::create_performer(ns.name(), "bg", &["--env", "MODE=v2"]);
    wait_for(
        Duration::from_secs(150),
        "the rollout to replace the pod",
        || async {
            let now: Vec<String> = pods_of(&ns, "bg")
                .await
                .iter()
                .map(|p| p.name_any())
                .collect();
            (now.len() == 1 && !old.contains(&now[0]))
                .then_some(())
                .ok_or(format!("pods {now:?}"))
        },
    )
    .await;
    let (ok, log) = client.await.unwrap();
    let summary = log
        .lines()
        .find(|l| l.starts_with("loop done"))
        .unwrap_or_default()
        .to_string();
    eprintln!("blue-green client: {summary}");
    assert!(ok, "calls failed during the blue-green upgrade:\n{log}");
    assert!(summary.contains("failed=0"), "{log}");
    // Both the old and the new pod served calls: the loop really spanned the switch.
    let hosts = summary.split("hosts=").nth(1).unwrap_or_default();
    assert_eq!(hosts.split(',').count(), 2, "{summary}");
}

#[tokio::test]
async fn a_root_image_that_loads_for_90_seconds_starts_under_hgctl_defaults_without_a_restart() {
    if !real_node::require("a_root_image_that_loads_for_90_seconds").await {
        return;
    }
    install_crds().await;
    let ns = TestNamespace::create("real-slow").await;
    let _run = RunLocal::start(ns.name());
    let started = std::time::Instant::now();
    real_node::create_performer(ns.name(), "slow", &["--env", "PERFORMER_STARTUP_DELAY=90s"]);
    wait_ready(&ns, "slow", Duration::from_secs(240)).await;
    assert!(
        started.elapsed() >= Duration::from_secs(90),
        "ready before its 90 s load finished"
    );
    let pods = pods_of(&ns, "slow").await;
    assert_eq!(pods.len(), 1);
    let status = pods[0].status.clone().unwrap();
    let container = &status.container_statuses.unwrap()[0];
    assert_eq!(
        container.restart_count, 0,
        "killed during start-up: {container:?}"
    );
    // The test performer image has no USER: it runs as root, like the upstream AVS images.
    let log = ns
        .api::<Pod>()
        .logs(&pods[0].name_any(), &Default::default())
        .await
        .unwrap();
    assert!(log.contains("uid 0"), "{log}");
}
