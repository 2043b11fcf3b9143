//! End-to-end test of an HourglassExecutor's optional NetworkPolicy
//! (`spec.networkPolicy.enabled`) on the local control plane, with its own
//! namespace and its own run-local.
//!
//! The local cluster has no network plugin, so nothing enforces the policy: what
//! is tested is that the object selects the right pods. Its `podSelector` and its
//! `from` selector are evaluated by the API server (a pod list with the selector)
//! and compared with the pods found by ownership (owner references), not by
//! labels, so a wrong label in either selector fails the test.

mod common;

use std::collections::BTreeSet;
use std::time::Duration;

use common::cluster::{TestNamespace, create_operator_keys, kubectl_apply, wait_for};
use common::run_local::{RunLocal, install_crds};
use hgctl::api::{HourglassExecutor, Performer};
use k8s_openapi::api::apps::v1::ReplicaSet;
use k8s_openapi::api::core::v1::Pod;
use k8s_openapi::api::networking::v1::NetworkPolicy;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::LabelSelector;
use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;
use kube::ResourceExt;
use kube::api::{Api, ListParams, PostParams};
use serde_json::json;

/// Generous: the executor's Deployment goes through the controller-manager and kwok.
const TIMEOUT: Duration = Duration::from_secs(180);
const EXECUTOR: &str = "guard";
const POLICY: &str = "guard-performers";

fn executor_body(log_level: &str, network_policy: bool) -> serde_json::Value {
    json!({
        "apiVersion": "hourglass.eigenlayer.io/v1alpha1",
        "kind": "HourglassExecutor",
        "metadata": {"name": EXECUTOR},
        "spec": {
            "image": "ghcr.io/layr-labs/hourglass-monorepo/ponos-executor:v0.1.0",
            "replicas": 1,
            "config": {
                "operatorAddress": "0x15d34AAf54267DB7D7c367839AAf71A00a2C6A65",
                "logLevel": log_level,
                "chains": [{"name": "anvil", "rpc": "http://anvil:8545", "chainId": 31337}],
                "operatorKeys": {"secretRef": {"name": "operator-keys"}},
            },
            "networkPolicy": {"enabled": network_policy},
        },
    })
}

fn performer_body(name: &str, grpc_port: i32) -> serde_json::Value {
    json!({
        "apiVersion": "hourglass.eigenlayer.io/v1alpha1",
        "kind": "Performer",
        "metadata": {"name": name},
        "spec": {
            "avsAddress": "0x1111111111111111111111111111111111111111",
            "image": "myavs/performer:v1",
            "config": {"grpcPort": grpc_port},
        },
    })
}

/// A pause pod with these labels: not a performer, not this executor's.
fn other_pod(name: &str, labels: serde_json::Value) -> Pod {
    serde_json::from_value(json!({
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": {"name": name, "labels": labels},
        "spec": {
            "terminationGracePeriodSeconds": 0,
            "containers": [{"name": "main", "image": "registry.k8s.io/pause:3.10"}],
        },
    }))
    .unwrap()
}

/// A LabelSelector as the `labelSelector` query parameter, so the API server evaluates it.
fn selector_query(s: &LabelSelector) -> String {
    let mut parts: Vec<String> = s
        .match_labels
        .iter()
        .flatten()
        .map(|(k, v)| format!("{k}={v}"))
        .collect();
    for e in s.match_expressions.iter().flatten() {
        let values = e.values.clone().unwrap_or_default().join(",");
        parts.push(match e.operator.as_str() {
            "In" => format!("{} in ({values})", e.key),
            "NotIn" => format!("{} notin ({values})", e.key),
            "Exists" => e.key.clone(),
            "DoesNotExist" => format!("!{}", e.key),
            other => panic!("unknown selector operator {other}"),
        });
    }
    assert!(!parts.is_empty(), "an empty selector selects every pod");
    parts.join(",")
}

async fn names_selected(
    pods: &Api<Pod>,
    selector: &LabelSelector,
) -> Result<BTreeSet<String>, String> {
    let list = pods
        .list(&ListParams::default().labels(&selector_query(selector)))
        .await
        .map_err(|e| e.to_string())?;
    Ok(list.items.iter().map(|p| p.name_any()).collect())
}

/// Pods owned by a Performer, by owner reference.
async fn performer_pods(pods: &Api<Pod>) -> Result<BTreeSet<String>, String> {
    let list = pods
        .list(&ListParams::default())
        .await
        .map_err(|e| e.to_string())?;
    Ok(list
        .items
        .iter()
        .filter(|p| p.owner_references().iter().any(|o| o.kind == "Performer"))
        .map(|p| p.name_any())
        .collect())
}

/// Pods of the executor's Deployment, by owner reference (Deployment -> ReplicaSet -> Pod).
async fn executor_pods(ns: &TestNamespace) -> Result<BTreeSet<String>, String> {
    let sets = ns
        .api::<ReplicaSet>()
        .list(&ListParams::default())
        .await
        .map_err(|e| e.to_string())?;
    let ours: BTreeSet<String> = sets
        .items
        .iter()
        .filter(|rs| {
            rs.owner_references()
                .iter()
                .any(|o| o.kind == "Deployment" && o.name == EXECUTOR)
        })
        .map(|rs| rs.name_any())
        .collect();
    let pods = ns
        .api::<Pod>()
        .list(&ListParams::default())
        .await
        .map_err(|e| e.to_string())?;
    Ok(pods
        .items
        .iter()
        .filter(|p| {
            p.owner_references()
                .iter()
                .any(|o| o.kind == "ReplicaSet" && ours.contains(&o.name))
        })
        .map(|p| p.name_any())
        .collect())
}

/// Waits until the reconciler has finished a pass over the executor's current generation.
async fn wait_observed(api: &Api<HourglassExecutor>) {
    wait_for(
        TIMEOUT,
        "the executor's generation to be observed",
        || async {
            let e = api.get(EXECUTOR).await.map_err(|e| e.to_string())?;
            let observed = e.status.as_ref().and_then(|s| s.observed_generation);
            (observed.is_some() && observed == e.metadata.generation)
                .then_some(())
                .ok_or(format!(
                    "observed {observed:?}, generation {:?}",
                    e.metadata.generation
                ))
        },
    )
    .await;
}

#[tokio::test]
async fn the_network_policy_selects_performer_pods_and_admits_only_the_executors_pods() {
    install_crds().await;
    let ns = TestNamespace::create("e2e-netpol").await;
    let _run = RunLocal::start(ns.name());
    let pods: Api<Pod> = ns.api();
    let executors: Api<HourglassExecutor> = ns.api();
    let policies: Api<NetworkPolicy> = ns.api();

    create_operator_keys(&ns).await;
    kubectl_apply(&executors, &executor_body("info", true)).await;
    // Two performers on different port numbers: one rule must cover both (named port).
    let perfs: Api<Performer> = ns.api();
    kubectl_apply(&perfs, &performer_body("perf-a", 8080)).await;
    kubectl_apply(&perfs, &performer_body("perf-b", 7443)).await;
    // A bystander, and a pod that looks like another executor's.
    for pod in [
        // managed-by=hgctl too: that label alone must not make a pod a performer.
        other_pod(
            "bystander",
            json!({"app": "web", "app.kubernetes.io/managed-by": "hgctl"}),
        ),
        other_pod(
            "other-executor-pod",
            json!({
                "app.kubernetes.io/name": "hourglass-executor",
                "app.kubernetes.io/instance": "other",
                "hourglass.eigenlayer.io/executor": "other",
            }),
        ),
    ] {
        pods.create(&PostParams::default(), &pod).await.unwrap();
    }

    let policy = wait_for(TIMEOUT, format!("NetworkPolicy {POLICY}"), || async {
        policies
            .get_opt(POLICY)
            .await
            .map_err(|e| e.to_string())?
            .ok_or("not there yet".to_string())
    })
    .await;
    let executor = executors.get(EXECUTOR).await.unwrap();
    let owner = policy
        .owner_references()
        .iter()
        .find(|o| o.controller == Some(true))
        .expect("a controller owner reference")
        .clone();
    assert_eq!(
        (owner.kind.as_str(), owner.name.as_str(), Some(&owner.uid)),
        (
            "HourglassExecutor",
            EXECUTOR,
            executor.metadata.uid.as_ref()
        ),
        "garbage-collected with the executor"
    );
    let spec = policy.spec.clone().unwrap();
    assert_eq!(spec.policy_types, Some(vec!["Ingress".to_string()]));
    let target = spec.pod_selector.clone().unwrap();
    let rules = spec.ingress.clone().unwrap();
    assert_eq!(rules.len(), 1, "{rules:?}");
    let from = rules[0].from.clone().unwrap();
    assert_eq!(from.len(), 1, "{from:?}");
    assert!(
        from[0].namespace_selector.is_none() && from[0].ip_block.is_none(),
        "the executor's namespace only: {from:?}"
    );
    let from = from[0].pod_selector.clone().unwrap();

    // podSelector: exactly the Performers' pods (two of them, by owner reference).
    let selected = wait_for(
        TIMEOUT,
        "podSelector to select exactly the performer pods",
        || async {
            let owned = performer_pods(&pods).await?;
            let selected = names_selected(&pods, &target).await?;
            (owned.len() == 2 && selected == owned)
                .then_some(selected.clone())
                .ok_or(format!("selected {selected:?}, performer pods {owned:?}"))
        },
    )
    .await;
    assert!(!selected.contains("bystander") && !selected.contains("other-executor-pod"));

    // from: exactly the executor's pod(s) (the Deployment's, by owner reference).
    let admitted = wait_for(
        TIMEOUT,
        "from to select exactly the executor's pods",
        || async {
            let owned = executor_pods(&ns).await?;
            let admitted = names_selected(&pods, &from).await?;
            (!owned.is_empty() && admitted == owned)
                .then_some(admitted.clone())
                .ok_or(format!(
                    "from selects {admitted:?}, executor pods {owned:?}"
                ))
        },
    )
    .await;
    assert!(
        admitted.is_disjoint(&selected),
        "the executor's pods are not performers"
    );

    // The port: the performers' named container port, whatever its number.
    let ports = rules[0].ports.clone().unwrap();
    assert_eq!(ports.len(), 1, "{ports:?}");
    assert_eq!(ports[0].port, Some(IntOrString::String("grpc".into())));
    assert_eq!(ports[0].protocol.as_deref(), Some("TCP"));
    let mut numbers = BTreeSet::new();
    for name in &selected {
        let pod = pods.get(name).await.unwrap();
        let container_ports = pod.spec.unwrap().containers[0].ports.clone().unwrap();
        let grpc = container_ports
            .iter()
            .find(|p| p.name.as_deref() == Some("grpc"))
            .unwrap_or_else(|| panic!("pod {name} has no port named grpc: {container_ports:?}"));
        numbers.insert(grpc.container_port);
    }
    assert_eq!(numbers, BTreeSet::from([7443, 8080]));

    // A reconcile that changes nothing in the policy does not write it.
    let written = policy.resource_version();
    kubectl_apply(&executors, &executor_body("debug", true)).await;
    wait_observed(&executors).await;
    assert_eq!(
        policies.get(POLICY).await.unwrap().resource_version(),
        written,
        "the policy was rewritten though it did not change"
    );

    // Turned off: the policy goes.
    kubectl_apply(&executors, &executor_body("debug", false)).await;
    wait_for(
        TIMEOUT,
        format!("NetworkPolicy {POLICY} deleted"),
        || async {
            match policies.get_opt(POLICY).await {
                Ok(None) => Ok(()),
                Ok(Some(_)) => Err("still there".to_string()),
                Err(e) => Err(e.to_string()),
            }
        },
    )
    .await;

    // Someone else's policy of that name is not ours to delete.
    let foreign: NetworkPolicy = serde_json::from_value(json!({
        "metadata": {"name": POLICY},
        "spec": {"podSelector": {"matchLabels": {"app": "web"}}, "policyTypes": ["Ingress"]},
    }))
    .unwrap();
    policies
        .create(&PostParams::default(), &foreign)
        .await
        .unwrap();
    kubectl_apply(&executors, &executor_body("info", false)).await;
    wait_observed(&executors).await;
    assert!(
        policies.get_opt(POLICY).await.unwrap().is_some(),
        "a NetworkPolicy the executor does not own was deleted"
    );
}
