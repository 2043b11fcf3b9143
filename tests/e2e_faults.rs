//! Faults and rights on the real control plane (issue 10):
//!
//! * control-plane processes killed under load (kube-apiserver, etcd, kwok) on a PRIVATE
//!   cluster (own state directory and ports, torn down by a guard), so the shared cluster at
//!   `/tmp/hgctl-cluster` that the other tests use is never disturbed;
//! * a Performer's pod relabelled by someone else (shared cluster, own namespace);
//! * run-local as a ServiceAccount that has rights in one namespace only (and none on
//!   NetworkPolicies, which only an executor's opt-in `spec.networkPolicy` needs).

mod common;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use common::cluster::{self, TestNamespace, create_operator_keys, try_kubectl_apply, wait_for};
use common::private_cluster::PrivateCluster;
use common::run_local::{RunLocal, install_crds_on};
use futures::{StreamExt, TryStreamExt};
use hgctl::api::executor::ExecutorPhase;
use hgctl::api::{self, HourglassExecutor, Performer};
use k8s_openapi::api::authentication::v1::{TokenRequest, TokenRequestSpec};
use k8s_openapi::api::core::v1::{Namespace, Node, Pod, ServiceAccount};
use k8s_openapi::api::discovery::v1::EndpointSlice;
use k8s_openapi::apiextensions_apiserver::pkg::apis::apiextensions::v1::CustomResourceDefinition;
use kube::api::{Api, ListParams, Patch, PatchParams, PostParams};
use kube::{Client, ResourceExt};
use serde_json::{Value, json};

/// kwok's node selection in tests/cluster/up.sh (the inventory's nodes, never the real node).
const INVENTORY_SELECTOR: &str = "--manage-nodes-with-label-selector=hgctl.test/inventory";

const TIMEOUT: Duration = Duration::from_secs(90);
/// 200 Performers on two shared cores, across a control-plane restart.
const FLEET_TIMEOUT: Duration = Duration::from_secs(300);
const LABEL_PERFORMER: &str = "hourglass.eigenlayer.io/performer";

/// One private cluster at a time: they are heavy for the shared machine.
static PRIVATE_CLUSTER_LOCK: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

fn minimal(name: &str) -> Value {
    let path = format!(
        "{}/examples/performer-minimal.yaml",
        env!("CARGO_MANIFEST_DIR")
    );
    let mut body: Value = serde_saphyr::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    body["metadata"]["name"] = json!(name);
    body
}

fn is_ready(p: &Performer) -> bool {
    p.status
        .as_ref()
        .is_some_and(|s| s.ready && s.observed_generation == p.metadata.generation)
}

async fn wait_ready(api: &Api<Performer>, name: &str, timeout: Duration) -> Performer {
    wait_for(timeout, format!("performer {name} ready"), || async {
        let p = api.get(name).await.map_err(|e| e.to_string())?;
        if is_ready(&p) {
            Ok(p)
        } else {
            Err(format!("status {:?}", p.status))
        }
    })
    .await
}

async fn pods_of(pods: &Api<Pod>, name: &str) -> Vec<Pod> {
    pods.list(&ListParams::default().labels(&format!("{LABEL_PERFORMER}={name}")))
        .await
        .unwrap()
        .items
}

async fn ready_addresses(slices: &Api<EndpointSlice>, service: &str) -> Vec<String> {
    slices
        .list(&ListParams::default().labels(&format!("kubernetes.io/service-name={service}")))
        .await
        .map(|l| {
            l.items
                .iter()
                .flat_map(|s| s.endpoints.iter().flatten())
                .filter(|e| e.conditions.as_ref().and_then(|c| c.ready).unwrap_or(false))
                .filter_map(|e| e.target_ref.as_ref()?.name.clone())
                .collect()
        })
        .unwrap_or_default()
}

async fn create_namespace(client: &Client, name: &str) {
    let ns: Namespace =
        serde_json::from_value(json!({"metadata": {"name": name}})).expect("valid Namespace");
    Api::<Namespace>::all(client.clone())
        .create(&PostParams::default(), &ns)
        .await
        .unwrap();
    let sas: Api<ServiceAccount> = Api::namespaced(client.clone(), name);
    wait_for(TIMEOUT, "default ServiceAccount", || async {
        sas.get_opt("default")
            .await
            .map_err(|e| e.to_string())?
            .ok_or("not yet".to_string())
    })
    .await;
}

/// How many of the fleet are ready (at their current generation).
async fn count_ready(api: &Api<Performer>) -> Result<usize, String> {
    let list = api
        .list(&ListParams::default())
        .await
        .map_err(|e| e.to_string())?;
    Ok(list.items.iter().filter(|p| is_ready(p)).count())
}

/// Waits until every one of `names` is ready with exactly one pod (none terminating) whose
/// container carries `env` (when given), and returns how long that took.
async fn wait_fleet_converged(
    perfs: &Api<Performer>,
    pods: &Api<Pod>,
    names: &[String],
    env: Option<(&str, &str)>,
    what: &str,
) -> Duration {
    let start = Instant::now();
    wait_for(FLEET_TIMEOUT, what, || async {
        let list = perfs
            .list(&ListParams::default())
            .await
            .map_err(|e| e.to_string())?;
        let not_ready: Vec<String> = list
            .items
            .iter()
            .filter(|p| !is_ready(p))
            .map(|p| p.name_any())
            .collect();
        if list.items.len() != names.len() || !not_ready.is_empty() {
            return Err(format!(
                "{} performers, {} not ready (e.g. {:?})",
                list.items.len(),
                not_ready.len(),
                not_ready.iter().take(5).collect::<Vec<_>>()
            ));
        }
        let all = pods
            .list(&ListParams::default().labels(LABEL_PERFORMER))
            .await
            .map_err(|e| e.to_string())?;
        let mut per: BTreeMap<String, Vec<&Pod>> = BTreeMap::new();
        for pod in &all.items {
            per.entry(pod.labels()[LABEL_PERFORMER].clone())
                .or_default()
                .push(pod);
        }
        for name in names {
            let mine = per.get(name).map(Vec::as_slice).unwrap_or_default();
            if mine.len() != 1 || mine[0].metadata.deletion_timestamp.is_some() {
                return Err(explain(perfs, pods, name, mine).await);
            }
            if let Some((k, v)) = env {
                let has = mine[0].spec.as_ref().unwrap().containers[0]
                    .env
                    .iter()
                    .flatten()
                    .any(|e| e.name == k && e.value.as_deref() == Some(v));
                if !has {
                    return Err(format!("{name}'s pod has not got {k}={v} yet"));
                }
            }
        }
        if per.len() != names.len() {
            return Err(format!("pods of unknown performers: {:?}", per.keys()));
        }
        Ok(())
    })
    .await;
    start.elapsed()
}

/// What one Performer's children look like, for a timeout message: each pod (template hash,
/// phase, Ready, deletion), the Service's selected hash and the pods its EndpointSlices list.
async fn explain(perfs: &Api<Performer>, pods: &Api<Pod>, name: &str, mine: &[&Pod]) -> String {
    let client: Client = pods.clone().into_client();
    let ns = perfs
        .get(name)
        .await
        .ok()
        .and_then(|p| p.namespace())
        .unwrap_or_default();
    let described: Vec<String> = mine
        .iter()
        .map(|p| {
            let status = p.status.as_ref();
            let ready = status
                .and_then(|s| s.conditions.as_ref())
                .and_then(|c| c.iter().find(|c| c.type_ == "Ready"))
                .map(|c| c.status.clone());
            format!(
                "{} (hash {:?}, phase {:?}, Ready {:?}, deleting since {:?}, node {:?})",
                p.name_any(),
                p.labels()
                    .get(hgctl::render::performer::LABEL_TEMPLATE_HASH),
                status.and_then(|s| s.phase.clone()),
                ready,
                p.metadata.deletion_timestamp.as_ref().map(|t| t.0),
                p.spec.as_ref().and_then(|s| s.node_name.clone()),
            )
        })
        .collect();
    let service = Api::<k8s_openapi::api::core::v1::Service>::namespaced(client.clone(), &ns)
        .get_opt(&format!("performer-{name}"))
        .await
        .ok()
        .flatten()
        .and_then(|s| s.spec?.selector);
    let slices: Api<EndpointSlice> = Api::namespaced(client, &ns);
    let endpoints = ready_addresses(&slices, &format!("performer-{name}")).await;
    let status = perfs.get(name).await.ok().and_then(|p| p.status);
    format!(
        "{name} has pods {described:?}; service selector {service:?}; ready endpoints {endpoints:?}; status {status:?}"
    )
}

/// 200 Performers converge through a SIGKILLed and restarted kube-apiserver, then a spec change
/// of all 200 converges through a SIGKILLed and restarted etcd: run-local reconnects by itself,
/// every Performer ends ready with exactly one pod.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn apiserver_and_etcd_killed_mid_convergence() {
    let _one_at_a_time = PRIVATE_CLUSTER_LOCK.lock().await;
    let t0 = Instant::now();
    let cluster = PrivateCluster::start("cp");
    let client = cluster.client().await;
    install_crds_on(&client).await;
    let ns = "faults";
    create_namespace(&client, ns).await;
    let _run = cluster.run_local(ns);
    let perfs: Api<Performer> = Api::namespaced(client.clone(), ns);
    let pods: Api<Pod> = Api::namespaced(client.clone(), ns);
    let names: Vec<String> = (0..200).map(|i| format!("p{i:03}")).collect();
    eprintln!("cluster up in {:.1}s", t0.elapsed().as_secs_f64());

    // Phase 1: kube-apiserver killed while the fleet converges.
    let t = Instant::now();
    futures::stream::iter(names.iter().map(|n| {
        let perfs = perfs.clone();
        async move { try_kubectl_apply(&perfs, &minimal(n)).await.map(|_| ()) }
    }))
    .buffer_unordered(20)
    .try_collect::<Vec<_>>()
    .await
    .expect("creating 200 performers");
    let ready_at_kill = wait_for(FLEET_TIMEOUT, "50 performers ready", || async {
        let n = count_ready(&perfs).await?;
        (n >= 50).then_some(n).ok_or(format!("{n} ready"))
    })
    .await;
    cluster.kill_and_restart("kube-apiserver");
    eprintln!(
        "kube-apiserver SIGKILLed with {ready_at_kill}/200 ready ({:.1}s after the first create); restarted",
        t.elapsed().as_secs_f64()
    );
    cluster.wait_readyz(&client).await;
    let took = wait_fleet_converged(&perfs, &pods, &names, None, "200 ready, one pod each").await;
    eprintln!(
        "phase 1: all 200 ready with one pod each {:.1}s after the apiserver restart ({:.1}s total)",
        took.as_secs_f64(),
        t.elapsed().as_secs_f64()
    );

    // Phase 2: a spec change of all 200; etcd killed while it rolls out.
    let t = Instant::now();
    futures::stream::iter(names.iter().map(|n| {
        let perfs = perfs.clone();
        async move {
            let mut body = minimal(n);
            body["spec"]["config"] = json!({"environment": {"ROUND": "2"}});
            try_kubectl_apply(&perfs, &body).await.map(|_| ())
        }
    }))
    .buffer_unordered(20)
    .try_collect::<Vec<_>>()
    .await
    .expect("changing 200 performers");
    let ready_at_kill = wait_for(FLEET_TIMEOUT, "50 performers rolled out", || async {
        let n = count_ready(&perfs).await?;
        (n >= 50).then_some(n).ok_or(format!("{n} ready"))
    })
    .await;
    let etcd_dir = std::fs::read_to_string(cluster.state.join("etcd-dir")).unwrap();
    assert!(
        cluster
            .cmdline("etcd")
            .contains(&format!("--data-dir={}", etcd_dir.trim())),
        "etcd's data directory is not the one up.sh recorded"
    );
    cluster.kill_and_restart("etcd");
    eprintln!(
        "etcd SIGKILLed with {ready_at_kill}/200 rolled out ({:.1}s after the first patch); restarted on {}",
        t.elapsed().as_secs_f64(),
        etcd_dir.trim()
    );
    cluster.wait_readyz(&client).await;
    let took = wait_fleet_converged(
        &perfs,
        &pods,
        &names,
        Some(("ROUND", "2")),
        "200 rolled out, one new pod each",
    )
    .await;
    eprintln!(
        "phase 2: all 200 rolled out with one pod each {:.1}s after the etcd restart ({:.1}s total)",
        took.as_secs_f64(),
        t.elapsed().as_secs_f64()
    );
}

/// The Performer's Ready condition as (status, reason, message).
fn ready_condition(p: &Performer) -> Option<(String, String, String)> {
    p.status
        .as_ref()?
        .conditions
        .as_ref()?
        .iter()
        .find(|c| c.type_ == "Ready")
        .map(|c| (c.status.clone(), c.reason.clone(), c.message.clone()))
}

/// Waits until every Performer of `names` says `Ready=False` with `reason`; returns the
/// messages.
async fn wait_not_ready_because(
    perfs: &Api<Performer>,
    names: &[&str],
    reason: &str,
    timeout: Duration,
) -> Vec<String> {
    wait_for(
        timeout,
        format!("{names:?} Ready=False, reason {reason}"),
        || async {
            let mut said = Vec::new();
            for name in names {
                let p = perfs.get(name).await.map_err(|e| e.to_string())?;
                match ready_condition(&p) {
                    Some((status, r, message)) if status == "False" && r == reason => {
                        said.push(message)
                    }
                    other => return Err(format!("{name}: Ready {other:?}")),
                }
            }
            Ok(said)
        },
    )
    .await
}

/// The one pod of Performer `name` (panics on none or several).
async fn the_pod(pods: &Api<Pod>, name: &str) -> Pod {
    let mut mine = pods_of(pods, name).await;
    assert_eq!(
        mine.len(),
        1,
        "{name}: {:?}",
        mine.iter().map(|p| p.name_any()).collect::<Vec<_>>()
    );
    mine.remove(0)
}

/// kwok plays the kubelet of every node. Two Performers: `steady` with hgctl's default
/// toleration of a lost node (30 s), `patient` tolerating one for an hour
/// (`spec.scheduling.tolerations`).
///
/// 1. kwok SIGKILLed: every node stops reporting. Both Performers say `Ready=False`, reason
///    `NodeNotReady`. Kubernetes evicts nothing while every node is away (the node lifecycle
///    controller suspects its own network), so when kwok is back the same two pods are Ready
///    again (the kubelet reports them again) and both Performers recover.
/// 2. Only the nodes of the two pods lose their kubelet (kwok restarted without them). The
///    taint manager evicts `steady`'s pod after 30 s; its kubelet never confirms, so hgctl
///    force-deletes it once the deletion is overdue, and the new pod runs on a node that works:
///    `steady` is Ready again while its old node is still away. `patient` keeps its pod.
/// 3. kwok manages every node again: `patient`'s pod is Ready again. One pod each.
///
/// Nobody touches a Performer or a pod in between.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn kwok_stopped_and_back() {
    let _one_at_a_time = PRIVATE_CLUSTER_LOCK.lock().await;
    let cluster = PrivateCluster::start("kwok");
    let client = cluster.client().await;
    install_crds_on(&client).await;
    let ns = "faults";
    create_namespace(&client, ns).await;
    let _run = cluster.run_local(ns);
    let perfs: Api<Performer> = Api::namespaced(client.clone(), ns);
    let pods: Api<Pod> = Api::namespaced(client.clone(), ns);
    let nodes: Api<Node> = Api::all(client.clone());
    let both = ["steady", "patient"];
    try_kubectl_apply(&perfs, &minimal("steady")).await.unwrap();
    let mut patient = minimal("patient");
    patient["spec"]["scheduling"] = json!({"tolerations": [
        {"key": "node.kubernetes.io/unreachable", "operator": "Exists", "effect": "NoExecute",
         "tolerationSeconds": 3600},
        {"key": "node.kubernetes.io/not-ready", "operator": "Exists", "effect": "NoExecute",
         "tolerationSeconds": 3600},
    ]});
    try_kubectl_apply(&perfs, &patient).await.unwrap();
    for name in both {
        wait_ready(&perfs, name, TIMEOUT).await;
    }
    let steady_pod = the_pod(&pods, "steady").await;
    let patient_pod = the_pod(&pods, "patient").await;

    // ---- 1. Every kubelet gone.
    let t = Instant::now();
    let all_nodes_argv = cluster.kill("kwok");
    // kwok's 40 s node leases, then the node lifecycle controller's 50 s grace period.
    let said =
        wait_not_ready_because(&perfs, &both, "NodeNotReady", Duration::from_secs(150)).await;
    eprintln!(
        "1. kwok stopped: both Performers NodeNotReady after {:.1}s: {:?}",
        t.elapsed().as_secs_f64(),
        said[0]
    );
    assert!(said[0].contains("stopped reporting"), "{said:?}");
    let t = Instant::now();
    cluster.respawn("kwok", &all_nodes_argv);
    for name in both {
        wait_ready(&perfs, name, TIMEOUT).await;
    }
    eprintln!(
        "1. kwok back: both ready again after {:.1}s",
        t.elapsed().as_secs_f64()
    );
    for (name, before) in [("steady", &steady_pod), ("patient", &patient_pod)] {
        let now = the_pod(&pods, name).await;
        assert_eq!(
            now.uid(),
            before.uid(),
            "{name}: nothing is evicted while every node is away"
        );
    }

    // ---- 2. The kubelet of the pods' nodes gone, the other nodes fine.
    let lost: Vec<String> = [&steady_pod, &patient_pod]
        .iter()
        .filter_map(|p| p.spec.as_ref()?.node_name.clone())
        .collect::<std::collections::BTreeSet<_>>()
        .into_iter()
        .collect();
    for node in &lost {
        nodes
            .patch(
                node,
                &PatchParams::default(),
                &Patch::Merge(json!({"metadata": {"labels": {"hgctl.test/kubelet": "lost"}}})),
            )
            .await
            .unwrap();
    }
    let t = Instant::now();
    cluster.kill("kwok");
    let some_nodes_argv: Vec<String> = all_nodes_argv
        .iter()
        .map(|a| {
            if a == INVENTORY_SELECTOR {
                format!("{INVENTORY_SELECTOR},hgctl.test/kubelet!=lost")
            } else {
                a.clone()
            }
        })
        .collect();
    assert_ne!(
        some_nodes_argv, all_nodes_argv,
        "kwok's node selector changed"
    );
    cluster.respawn("kwok", &some_nodes_argv);
    wait_not_ready_because(&perfs, &both, "NodeNotReady", Duration::from_secs(150)).await;
    eprintln!(
        "2. kubelet of {lost:?} gone: both Performers NodeNotReady after {:.1}s",
        t.elapsed().as_secs_f64()
    );
    // Taint after <= 10 s (the eviction rate), eviction after the 30 s toleration, the 30 s
    // grace period, 30 s more before hgctl stops waiting, then a new pod on a working node.
    let saw_evicted = std::sync::atomic::AtomicBool::new(false);
    let replacement = wait_for(
        Duration::from_secs(240),
        "steady ready again on a new pod",
        || async {
            let p = perfs.get("steady").await.map_err(|e| e.to_string())?;
            if ready_condition(&p).is_some_and(|(_, r, _)| r == "PodEvicted") {
                saw_evicted.store(true, std::sync::atomic::Ordering::Relaxed);
            }
            let mine = pods_of(&pods, "steady").await;
            let replaced = mine.len() == 1 && mine[0].uid() != steady_pod.uid();
            if replaced && is_ready(&p) {
                Ok(mine[0].clone())
            } else {
                Err(format!(
                    "pods {:?}, Ready {:?}",
                    mine.iter()
                        .map(|p| (p.name_any(), p.metadata.deletion_timestamp.is_some()))
                        .collect::<Vec<_>>(),
                    ready_condition(&p)
                ))
            }
        },
    )
    .await;
    let new_node = replacement
        .spec
        .as_ref()
        .unwrap()
        .node_name
        .clone()
        .unwrap();
    eprintln!(
        "2. steady evicted, force-deleted and ready on {new_node} {:.1}s after the kubelets of {lost:?} stopped",
        t.elapsed().as_secs_f64()
    );
    assert!(!lost.contains(&new_node), "the new pod is on a lost node");
    assert!(
        saw_evicted.load(std::sync::atomic::Ordering::Relaxed),
        "the Ready condition never said PodEvicted"
    );
    let events: Vec<String> =
        Api::<k8s_openapi::api::core::v1::Event>::namespaced(client.clone(), ns)
            .list(&ListParams::default().fields("involvedObject.name=steady"))
            .await
            .unwrap()
            .items
            .into_iter()
            .filter_map(|e| e.reason)
            .collect();
    assert!(
        events.iter().any(|r| r == "PodForceDeleted"),
        "events of steady: {events:?}"
    );
    // patient tolerates the lost node: same pod, not being deleted, still saying why.
    let now = the_pod(&pods, "patient").await;
    assert_eq!(now.uid(), patient_pod.uid(), "patient's pod was replaced");
    assert!(now.metadata.deletion_timestamp.is_none());
    let p = perfs.get("patient").await.unwrap();
    assert_eq!(
        ready_condition(&p).map(|c| c.1),
        Some("NodeNotReady".to_string())
    );

    // ---- 3. Every kubelet back.
    let t = Instant::now();
    cluster.kill("kwok");
    cluster.respawn("kwok", &all_nodes_argv);
    let names = both.map(String::from);
    wait_fleet_converged(&perfs, &pods, &names, None, "both ready, one pod each").await;
    eprintln!(
        "3. kwok manages every node again: both ready after {:.1}s",
        t.elapsed().as_secs_f64()
    );
    assert_eq!(
        the_pod(&pods, "patient").await.uid(),
        patient_pod.uid(),
        "patient keeps its pod: the kubelet reports it Ready again"
    );
    assert_eq!(the_pod(&pods, "steady").await.uid(), replacement.uid());
}

/// Someone strips the `app` and `hourglass.eigenlayer.io/performer` labels off a Performer's
/// pod (which also takes it out of the Service). hgctl's pod name is deterministic, so
/// re-applying the desired pod restores the labels on that same pod: the Performer ends ready
/// with exactly one labelled pod (the same one) serving through its Service.
#[tokio::test]
async fn a_relabelled_pod_is_restored_or_replaced() {
    install_crds_on(&cluster::client().await).await;
    let ns = TestNamespace::create("fault-relabel").await;
    let _run = RunLocal::start(ns.name());
    let perfs: Api<Performer> = ns.api();
    let pods: Api<Pod> = ns.api();
    let slices: Api<EndpointSlice> = ns.api();
    try_kubectl_apply(&perfs, &minimal("relabel"))
        .await
        .unwrap();
    wait_ready(&perfs, "relabel", TIMEOUT).await;
    let before = pods_of(&pods, "relabel").await;
    assert_eq!(before.len(), 1);
    let pod_name = before[0].name_any();
    let uid = before[0].uid();
    wait_for(TIMEOUT, "the pod behind the Service", || async {
        let addrs = ready_addresses(&slices, "performer-relabel").await;
        (addrs == [pod_name.clone()])
            .then_some(())
            .ok_or(format!("{addrs:?}"))
    })
    .await;

    let t = Instant::now();
    let stripped = pods
        .patch(
            &pod_name,
            &PatchParams::default(),
            &Patch::Merge(json!({"metadata": {"labels": {"app": null, LABEL_PERFORMER: null}}})),
        )
        .await
        .unwrap();
    // (Not re-listed here: the reconciler may already have put the labels back.)
    assert!(!stripped.labels().contains_key(LABEL_PERFORMER));

    wait_for(
        TIMEOUT,
        "one labelled pod again, behind the Service",
        || async {
            let mine = pods_of(&pods, "relabel").await;
            let live: Vec<&Pod> = mine
                .iter()
                .filter(|p| p.metadata.deletion_timestamp.is_none())
                .collect();
            let addrs = ready_addresses(&slices, "performer-relabel").await;
            let p = perfs.get("relabel").await.map_err(|e| e.to_string())?;
            let ok = live.len() == 1
                && mine.len() == 1
                && live[0].labels().get("app").map(String::as_str) == Some("hourglass-performer")
                && addrs == [live[0].name_any()]
                && is_ready(&p);
            ok.then_some(()).ok_or(format!(
                "pods {:?}, endpoints {addrs:?}, ready {}",
                mine.iter().map(|p| p.name_any()).collect::<Vec<_>>(),
                is_ready(&p)
            ))
        },
    )
    .await;
    let now = pods_of(&pods, "relabel").await;
    eprintln!(
        "labels restored after {:.1}s; same pod: {}",
        t.elapsed().as_secs_f64(),
        now[0].uid() == uid
    );
    // What hgctl does: the desired pod's name is fixed by the spec hash, so the apply lands on
    // the relabelled pod itself and puts the labels back; no second pod is made.
    assert_eq!(
        now[0].uid(),
        uid,
        "the relabelled pod was replaced, not restored"
    );
    let all = pods.list(&ListParams::default()).await.unwrap();
    assert_eq!(all.items.len(), 1, "a stray pod is left over");
}

/// A kubeconfig for ServiceAccount `sa` of `ns` (server and CA from the admin kubeconfig).
async fn service_account_kubeconfig(ns: &TestNamespace, sa: &str, dir: &Path) -> PathBuf {
    let token = Api::<ServiceAccount>::namespaced(ns.client(), ns.name())
        .create_token_request(
            sa,
            &PostParams::default(),
            &TokenRequest {
                spec: Some(TokenRequestSpec {
                    expiration_seconds: Some(3600),
                    ..Default::default()
                }),
                ..Default::default()
            },
        )
        .await
        .unwrap()
        .status
        .unwrap()
        .token;
    let admin: Value =
        serde_saphyr::from_str(&std::fs::read_to_string(cluster::kubeconfig_path()).unwrap())
            .unwrap();
    let config = json!({
        "apiVersion": "v1",
        "kind": "Config",
        "clusters": [{"name": "c", "cluster": admin["clusters"][0]["cluster"].clone()}],
        "users": [{"name": sa, "user": {"token": token}}],
        "contexts": [{"name": "sa", "context": {"cluster": "c", "user": sa, "namespace": ns.name()}}],
        "current-context": "sa",
    });
    let path = dir.join("kubeconfig");
    std::fs::write(&path, serde_json::to_string(&config).unwrap()).unwrap();
    path
}

/// A user with rights in one namespace only: run-local `-n NS` reconciles there; `-A` is refused
/// at once (exit 4) naming what is missing cluster-wide.
#[tokio::test]
async fn run_local_scoped_to_one_namespace_works_for_a_namespaced_user() {
    install_crds_on(&cluster::client().await).await;
    let ns = TestNamespace::create("fault-rbac").await;
    let client = ns.client();
    let sa = "run-local";
    let sa_body: ServiceAccount =
        serde_json::from_value(json!({"metadata": {"name": sa}})).unwrap();
    ns.api::<ServiceAccount>()
        .create(&PostParams::default(), &sa_body)
        .await
        .unwrap();
    let role = json!({
        "apiVersion": "rbac.authorization.k8s.io/v1",
        "kind": "Role",
        "metadata": {"name": sa, "namespace": ns.name()},
        "rules": [
            {"apiGroups": ["hourglass.eigenlayer.io"], "resources": ["performers"],
             "verbs": ["get", "list", "watch", "create", "update", "patch", "delete"]},
            {"apiGroups": ["hourglass.eigenlayer.io"],
             "resources": ["hourglassexecutors", "hourglassexecutors/status", "hourglassexecutors/scale"],
             "verbs": ["get", "list", "watch", "patch", "update"]},
            {"apiGroups": [""], "resources": ["secrets", "configmaps", "serviceaccounts"],
             "verbs": ["get", "list", "watch", "create", "patch", "update", "delete"]},
            {"apiGroups": ["apps"], "resources": ["deployments", "statefulsets"],
             "verbs": ["get", "list", "watch", "create", "patch", "update", "delete"]},
            {"apiGroups": ["rbac.authorization.k8s.io"], "resources": ["roles", "rolebindings"],
             "verbs": ["get", "list", "watch", "create", "patch", "update", "delete"]},
            {"apiGroups": [""], "resources": ["namespaces"], "verbs": ["get"]},
            {"apiGroups": ["hourglass.eigenlayer.io"], "resources": ["performers/status"],
             "verbs": ["get", "patch", "update"]},
            {"apiGroups": [""], "resources": ["pods", "services"],
             "verbs": ["get", "list", "watch", "create", "patch", "update", "delete"]},
            {"apiGroups": ["discovery.k8s.io"], "resources": ["endpointslices"],
             "verbs": ["get", "list", "watch"]},
            {"apiGroups": ["events.k8s.io"], "resources": ["events"],
             "verbs": ["create", "patch"]},
            {"apiGroups": ["coordination.k8s.io"], "resources": ["leases"],
             "verbs": ["get", "create", "update", "patch"]},
        ],
    });
    let binding = json!({
        "apiVersion": "rbac.authorization.k8s.io/v1",
        "kind": "RoleBinding",
        "metadata": {"name": sa, "namespace": ns.name()},
        "roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": "Role", "name": sa},
        "subjects": [{"kind": "ServiceAccount", "name": sa, "namespace": ns.name()}],
    });
    let pp = PatchParams::apply("hgctl-test");
    for (resource, body) in [("roles", &role), ("rolebindings", &binding)] {
        let ar = kube::api::ApiResource {
            group: "rbac.authorization.k8s.io".into(),
            version: "v1".into(),
            api_version: "rbac.authorization.k8s.io/v1".into(),
            kind: body["kind"].as_str().unwrap().into(),
            plural: resource.into(),
        };
        Api::<kube::api::DynamicObject>::namespaced_with(client.clone(), ns.name(), &ar)
            .patch(sa, &pp, &Patch::Apply(body))
            .await
            .unwrap();
    }
    let dir = tempfile::tempdir().unwrap();
    let kubeconfig = service_account_kubeconfig(&ns, sa, dir.path()).await;

    // -A: refused quickly, naming the cluster-wide rights it lacks.
    let t = Instant::now();
    let out = Command::new(env!("CARGO_BIN_EXE_hgctl"))
        .args(["run-local", "-A", "--lease-namespace", ns.name()])
        .arg("--kubeconfig")
        .arg(&kubeconfig)
        .env_remove("KUBECONFIG")
        .stdin(Stdio::null())
        .output()
        .unwrap();
    let secs = t.elapsed().as_secs_f64();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(4), "{stderr}");
    assert!(stderr.contains("cluster-wide"), "{stderr}");
    assert!(stderr.contains("performers"), "{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert!(secs < 10.0, "-A took {secs:.1}s to be refused");
    eprintln!("-A refused in {secs:.1}s:\n{stderr}");

    // -n NS: reconciles a Performer to ready with only the namespace's rights.
    let _run = RunLocal::start_with_kubeconfig(ns.name(), &kubeconfig, &[]);
    let perfs: Api<Performer> = ns.api();
    try_kubectl_apply(&perfs, &minimal("scoped")).await.unwrap();
    wait_ready(&perfs, "scoped", TIMEOUT).await;
    assert_eq!(pods_of(&ns.api(), "scoped").await.len(), 1);

    // An executor without spec.networkPolicy runs too, though the Role has no NetworkPolicy
    // rights: the reconciler's look for a policy to delete must not fail the pass.
    create_operator_keys(&ns).await;
    let executors: Api<HourglassExecutor> = ns.api();
    let body = json!({
        "apiVersion": "hourglass.eigenlayer.io/v1alpha1",
        "kind": "HourglassExecutor",
        "metadata": {"name": "scoped-exec"},
        "spec": {
            "image": "ghcr.io/layr-labs/hourglass-monorepo/ponos-executor:v0.1.0",
            "config": {
                "operatorAddress": "0x15d34AAf54267DB7D7c367839AAf71A00a2C6A65",
                "chains": [{"name": "anvil", "rpc": "http://anvil:8545", "chainId": 31337}],
                "operatorKeys": {"secretRef": {"name": "operator-keys"}},
            },
        },
    });
    executors
        .patch(
            "scoped-exec",
            &PatchParams::apply("kubectl-test").force(),
            &Patch::Apply(&body),
        )
        .await
        .unwrap();
    wait_for(TIMEOUT, "executor scoped-exec Running", || async {
        let e = executors
            .get("scoped-exec")
            .await
            .map_err(|e| e.to_string())?;
        let phase = e.status.as_ref().and_then(|s| s.phase);
        (phase == Some(ExecutorPhase::Running))
            .then_some(())
            .ok_or(format!("status {:?}", e.status))
    })
    .await;
}

/// On a cluster without the CRDs (a private one, so the shared CRDs stay), `hgctl doctor`
/// fails `install.crds` with the install hint, and run-local refuses to start, naming it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn doctor_and_run_local_on_a_cluster_without_the_crds() {
    let _one_at_a_time = PRIVATE_CLUSTER_LOCK.lock().await;
    let cluster = PrivateCluster::start("nocrd");
    let kubeconfig = cluster.kubeconfig();
    let out = Command::new(env!("CARGO_BIN_EXE_hgctl"))
        .args(["doctor", "-n", "default", "-o", "json", "--kubeconfig"])
        .arg(&kubeconfig)
        .stdin(Stdio::null())
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let report: Value = serde_json::from_slice(&out.stdout).expect("one JSON document");
    let crds = report["checks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == "install.crds")
        .expect("an install.crds entry")
        .clone();
    assert_eq!(crds["status"], "fail", "{crds}");
    assert!(
        crds["hint"]
            .as_str()
            .unwrap_or_default()
            .contains("hgctl install --crds-only"),
        "{crds}"
    );

    let out = Command::new(env!("CARGO_BIN_EXE_hgctl"))
        .args(["run-local", "-n", "default", "--kubeconfig"])
        .arg(&kubeconfig)
        .stdin(Stdio::null())
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(6), "{stderr}");
    assert!(stderr.contains("hgctl install --crds-only"), "{stderr}");
}

/// `uninstall --delete-data --yes` on a private cluster (it deletes the CRDs, and with them
/// every Performer): everything install created is gone, the Performers with it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn uninstall_delete_data_removes_everything() {
    let _one_at_a_time = PRIVATE_CLUSTER_LOCK.lock().await;
    let cluster = PrivateCluster::start("uninst");
    let kubeconfig = cluster.kubeconfig();
    let hgctl = |args: &[&str]| {
        Command::new(env!("CARGO_BIN_EXE_hgctl"))
            .args(args)
            .arg("--kubeconfig")
            .arg(&kubeconfig)
            .stdin(Stdio::null())
            .output()
            .unwrap()
    };
    let out = hgctl(&["install", "-n", "hg-op"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let client = cluster.client().await;
    let performers: Api<Performer> = Api::namespaced(client.clone(), "default");
    let mut body = serde_json::to_value(performer_minimal()).unwrap();
    body["metadata"] = json!({"name": "keep-me-not"});
    performers
        .patch(
            "keep-me-not",
            &PatchParams::apply("test").force(),
            &Patch::Apply(&body),
        )
        .await
        .unwrap();

    let refused = hgctl(&["uninstall", "-n", "hg-op"]);
    assert_eq!(
        refused.status.code(),
        Some(6),
        "{}",
        String::from_utf8_lossy(&refused.stderr)
    );
    assert!(
        performers.get_opt("keep-me-not").await.unwrap().is_some(),
        "refusing deletes nothing"
    );

    let out = hgctl(&[
        "uninstall",
        "-n",
        "hg-op",
        "--delete-data",
        "--yes",
        "--wait",
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let crds: Api<CustomResourceDefinition> = Api::all(client.clone());
    for crd in api::crds() {
        let name = crd.metadata.name.unwrap();
        wait_for(
            Duration::from_secs(60),
            format!("CRD {name} gone"),
            || async {
                crds.get_opt(&name)
                    .await
                    .map_err(|e| e.to_string())?
                    .is_none()
                    .then_some(())
                    .ok_or("still there".to_string())
            },
        )
        .await;
    }
    let namespaces: Api<Namespace> = Api::all(client.clone());
    wait_for(Duration::from_secs(60), "namespace hg-op gone", || async {
        let ns = namespaces
            .get_opt("hg-op")
            .await
            .map_err(|e| e.to_string())?;
        ns.is_none().then_some(()).ok_or("still there".to_string())
    })
    .await;
}

fn performer_minimal() -> Value {
    let path = format!(
        "{}/examples/performer-minimal.yaml",
        env!("CARGO_MANIFEST_DIR")
    );
    serde_saphyr::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}
