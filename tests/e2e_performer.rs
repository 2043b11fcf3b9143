//! End-to-end tests of the Performer reconciler (`hgctl run-local`) on the real
//! local control plane. Each test owns a namespace and runs its own run-local
//! with the leader Lease in that namespace, so tests do not compete for it.

mod common;

use std::collections::BTreeSet;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use common::cluster::{self, TestNamespace, wait_for};
use common::performers::{pods_of, ready_addresses, wait_ready};
use common::run_local::{RunLocal, install_crds};
use hgctl::api::{self, Performer};
use k8s_openapi::api::core::v1::{Event, Node, Pod, Service};
use kube::ResourceExt;
use kube::api::{Api, DeleteParams, ListParams, Patch, PatchParams};
use serde_json::json;

const TIMEOUT: Duration = Duration::from_secs(60);
/// The garbage collector may need a discovery resync (~30 s) for a fresh CRD.
const GC_TIMEOUT: Duration = Duration::from_secs(120);

async fn setup(prefix: &str) -> (TestNamespace, RunLocal) {
    install_crds().await;
    let ns = TestNamespace::create(prefix).await;
    let run = RunLocal::start(ns.name());
    (ns, run)
}

fn example(file: &str) -> serde_json::Value {
    let path = format!("{}/examples/{file}", env!("CARGO_MANIFEST_DIR"));
    serde_saphyr::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

async fn apply(ns: &TestNamespace, body: &serde_json::Value) -> Performer {
    let api: Api<Performer> = ns.api();
    let name = body["metadata"]["name"].as_str().unwrap().to_string();
    api.patch(
        &name,
        &PatchParams::apply("kubectl-test").force(),
        &Patch::Apply(body),
    )
    .await
    .unwrap()
}

#[tokio::test]
async fn the_gpu_example_lands_on_an_a100_node_and_becomes_ready_behind_its_service() {
    let (ns, _run) = setup("perf-gpu").await;
    apply(&ns, &example("performer-gpu.yaml")).await;
    let p = wait_ready(&ns, "gpu-performer", TIMEOUT).await;
    let status = p.status.unwrap();
    assert_eq!(status.phase.map(|p| p.as_str()), Some("Running"));
    assert_eq!(
        status.grpc_endpoint.as_deref(),
        Some(
            format!(
                "performer-gpu-performer.{}.svc.cluster.local:9090",
                ns.name()
            )
            .as_str()
        )
    );
    let pods = pods_of(&ns, "gpu-performer").await;
    assert_eq!(pods.len(), 1);
    let node_name = pods[0].spec.as_ref().unwrap().node_name.clone().unwrap();
    let node: Node = Api::<Node>::all(ns.client()).get(&node_name).await.unwrap();
    assert_eq!(
        node.labels()
            .get("nvidia.com/gpu.product")
            .map(String::as_str),
        Some("NVIDIA-A100-SXM4-40GB"),
        "scheduled on {node_name}"
    );
    wait_for(TIMEOUT, "a ready EndpointSlice address", || async {
        (ready_addresses(&ns, "performer-gpu-performer").await >= 1).then_some(())
    })
    .await;
}

#[tokio::test]
async fn a_performer_shaped_like_the_upstream_executors_gets_its_service_on_8080() {
    let (ns, _run) = setup("perf-upstream").await;
    apply(&ns, &example("performer-upstream.yaml")).await;
    let p = wait_ready(&ns, "performer-3f9a1c-7be21d04", TIMEOUT).await;
    let svc: Service = ns
        .api::<Service>()
        .get("performer-performer-3f9a1c-7be21d04")
        .await
        .unwrap();
    let port = &svc.spec.unwrap().ports.unwrap()[0];
    assert_eq!((port.name.as_deref(), port.port), (Some("grpc"), 8080));
    assert!(
        p.status
            .unwrap()
            .grpc_endpoint
            .unwrap()
            .ends_with(".svc.cluster.local:8080")
    );
}

#[tokio::test]
async fn an_h200_performer_is_unschedulable_with_the_schedulers_reason_and_no_churn() {
    let (ns, mut run) = setup("perf-h200").await;
    let mut body = example("performer-gpu.yaml");
    body["metadata"]["name"] = json!("h200");
    body["spec"]["hardwareRequirements"]["gpuType"] = json!("h200");
    apply(&ns, &body).await;
    let api: Api<Performer> = ns.api();
    let p = wait_for(TIMEOUT, "Scheduled=False", || async {
        let p = api.get("h200").await.map_err(|e| e.to_string())?;
        let scheduled = api::conditions::find(
            p.status.as_ref().and_then(|s| s.conditions.as_deref()),
            "Scheduled",
        )
        .cloned();
        match scheduled {
            Some(c) if c.status == "False" && c.reason == "Unschedulable" => Ok(c),
            other => Err(format!("{other:?}")),
        }
    })
    .await;
    assert!(p.message.contains("nodes are available"), "{}", p.message);
    let first: Vec<String> = pods_of(&ns, "h200")
        .await
        .iter()
        .map(|p| p.uid().unwrap())
        .collect();
    assert_eq!(first.len(), 1);

    // A minute later: the same single pod, and one Unschedulable event.
    run.quiet_window(ns.name(), 60).await;
    let later: Vec<String> = pods_of(&ns, "h200")
        .await
        .iter()
        .map(|p| p.uid().unwrap())
        .collect();
    assert_eq!(
        first, later,
        "the pending pod was not deleted and recreated"
    );
    let events: Api<Event> = ns.api();
    let unschedulable: Vec<Event> = events
        .list(&ListParams::default())
        .await
        .unwrap()
        .items
        .into_iter()
        .filter(|e| {
            e.involved_object.kind.as_deref() == Some("Performer")
                && e.reason.as_deref() == Some("Unschedulable")
        })
        .collect();
    assert_eq!(unschedulable.len(), 1, "{unschedulable:?}");
    let status = api.get("h200").await.unwrap().status.unwrap();
    assert_eq!(status.phase.map(|p| p.as_str()), Some("Pending"));
    assert!(!status.ready);
}

#[tokio::test]
async fn an_env_change_rolls_out_blue_green_without_losing_every_endpoint() {
    let (ns, _run) = setup("perf-rollout").await;
    let mut body = example("performer-minimal.yaml");
    apply(&ns, &body).await;
    wait_ready(&ns, "minimal", TIMEOUT).await;
    wait_for(TIMEOUT, "a ready endpoint", || async {
        (ready_addresses(&ns, "performer-minimal").await >= 1).then_some(())
    })
    .await;
    let old: BTreeSet<String> = pods_of(&ns, "minimal")
        .await
        .iter()
        .map(|p| p.name_any())
        .collect();

    body["spec"]["config"] = json!({"environment": {"MODE": "v2"}});
    apply(&ns, &body).await;

    // Sample the EndpointSlice until only the new pod is left.
    let deadline = Instant::now() + TIMEOUT;
    let mut samples = 0;
    loop {
        let ready = ready_addresses(&ns, "performer-minimal").await;
        assert!(
            ready >= 1,
            "no ready endpoint during the rollout (sample {samples})"
        );
        samples += 1;
        let pods: BTreeSet<String> = pods_of(&ns, "minimal")
            .await
            .iter()
            .map(|p| p.name_any())
            .collect();
        if pods.len() == 1 && pods.is_disjoint(&old) {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "rollout did not finish: pods {pods:?}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(samples > 1);
    let p = wait_ready(&ns, "minimal", TIMEOUT).await;
    let status = p.status.unwrap();
    assert_eq!(status.phase.map(|p| p.as_str()), Some("Running"));
    assert!(status.last_upgrade.is_some());
    let env = &pods_of(&ns, "minimal").await[0]
        .spec
        .clone()
        .unwrap()
        .containers[0]
        .env
        .clone()
        .unwrap();
    assert!(
        env.iter()
            .any(|e| e.name == "MODE" && e.value.as_deref() == Some("v2"))
    );
}

#[tokio::test]
async fn a_settled_performer_sees_no_writes_and_deleting_it_removes_its_children() {
    let (ns, mut run) = setup("perf-quiet").await;
    apply(&ns, &example("performer-minimal.yaml")).await;
    wait_ready(&ns, "minimal", TIMEOUT).await;
    let versions = || async {
        let p = ns.api::<Performer>().get("minimal").await.unwrap();
        let pods: Vec<String> = pods_of(&ns, "minimal")
            .await
            .iter()
            .map(|p| p.resource_version().unwrap())
            .collect();
        let svc = ns.api::<Service>().get("performer-minimal").await.unwrap();
        (p.resource_version(), pods, svc.resource_version())
    };
    // Let the pod's own status settle (kwok writes it), then measure a 30 s window.
    wait_for(TIMEOUT, "EndpointSlice ready", || async {
        (ready_addresses(&ns, "performer-minimal").await >= 1).then_some(())
    })
    .await;
    let before = versions().await;
    run.quiet_window(ns.name(), 30).await;
    assert_eq!(
        before,
        versions().await,
        "something was written while nothing changed"
    );

    let out = Command::new(env!("CARGO_BIN_EXE_hgctl"))
        .args([
            "performer",
            "delete",
            "minimal",
            "--wait",
            "-n",
            ns.name(),
            "--kubeconfig",
        ])
        .arg(cluster::kubeconfig_path())
        .stdin(Stdio::null())
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        "performer.hourglass.eigenlayer.io/minimal deleted\n"
    );
    wait_for(GC_TIMEOUT, "pod and service garbage-collected", || async {
        let pods = pods_of(&ns, "minimal").await;
        let svc = ns
            .api::<Service>()
            .get_opt("performer-minimal")
            .await
            .map_err(|e| e.to_string())?;
        (pods.is_empty() && svc.is_none())
            .then_some(())
            .ok_or(format!("{} pods, service {}", pods.len(), svc.is_some()))
    })
    .await;
}

#[tokio::test]
async fn a_deleted_pod_or_edited_service_is_restored() {
    let (ns, _run) = setup("perf-restore").await;
    apply(&ns, &example("performer-minimal.yaml")).await;
    wait_ready(&ns, "minimal", TIMEOUT).await;
    let svc_api: Api<Service> = ns.api();
    svc_api
        .patch(
            "performer-minimal",
            &PatchParams::default(),
            &Patch::Merge(json!({"spec": {"selector": {"hourglass.eigenlayer.io/performer": "someone-else"}}})),
        )
        .await
        .unwrap();
    wait_for(TIMEOUT, "service selector restored", || async {
        let svc = svc_api
            .get("performer-minimal")
            .await
            .map_err(|e| e.to_string())?;
        let selector = svc.spec.unwrap().selector.unwrap();
        (selector["hourglass.eigenlayer.io/performer"] == "minimal")
            .then_some(())
            .ok_or(format!("{selector:?}"))
    })
    .await;

    let pod = pods_of(&ns, "minimal").await.remove(0);
    ns.api::<Pod>()
        .delete(&pod.name_any(), &DeleteParams::default())
        .await
        .unwrap();
    wait_for(TIMEOUT, "a new ready pod", || async {
        let pods = pods_of(&ns, "minimal").await;
        let fresh = pods
            .iter()
            .any(|p| p.uid() != pod.uid() && p.metadata.deletion_timestamp.is_none());
        fresh.then_some(()).ok_or(format!("{} pods", pods.len()))
    })
    .await;
    wait_ready(&ns, "minimal", TIMEOUT).await;
}

#[tokio::test]
async fn killing_run_local_mid_rollout_converges_to_one_pod_after_restart() {
    let (ns, mut run) = setup("perf-kill").await;
    let mut body = example("performer-minimal.yaml");
    apply(&ns, &body).await;
    wait_ready(&ns, "minimal", TIMEOUT).await;
    // An upgrade that cannot finish (no node has an H200): the old pod keeps serving.
    body["spec"]["hardwareRequirements"] = json!({"gpuType": "h200"});
    apply(&ns, &body).await;
    wait_for(TIMEOUT, "old and new pod side by side", || async {
        (pods_of(&ns, "minimal").await.len() == 2).then_some(())
    })
    .await;
    run.kill();
    // The killed process's lease runs out after 15 s; --take-over waits for that.
    let _run2 = RunLocal::start_with(ns.name(), &["--take-over"]);
    // The restarted controller keeps exactly the two pods and the old one serving ...
    let api: Api<Performer> = ns.api();
    wait_for(TIMEOUT, "Upgrading with the upgrade blocked", || async {
        let p = api.get("minimal").await.map_err(|e| e.to_string())?;
        let s = p.status.unwrap_or_default();
        (s.ready && s.phase.map(|p| p.as_str()) == Some("Upgrading"))
            .then_some(())
            .ok_or(format!("{s:?}"))
    })
    .await;
    assert_eq!(
        pods_of(&ns, "minimal").await.len(),
        2,
        "no duplicate pods after the restart"
    );
    // ... and finishes the rollout once the spec can be met.
    body["spec"]["hardwareRequirements"] = json!(null);
    body["spec"]["image"] = json!("myavs/performer:v2");
    apply(&ns, &body).await;
    wait_for(TIMEOUT, "one pod with the new image", || async {
        let pods: Vec<Pod> = pods_of(&ns, "minimal")
            .await
            .into_iter()
            .filter(|p| p.metadata.deletion_timestamp.is_none())
            .collect();
        let images: Vec<String> = pods
            .iter()
            .map(|p| p.spec.clone().unwrap().containers[0].image.clone().unwrap())
            .collect();
        (images == ["myavs/performer:v2"])
            .then_some(())
            .ok_or(format!("{images:?}"))
    })
    .await;
}

#[tokio::test]
async fn a_second_run_local_refuses_while_the_first_holds_the_lease() {
    let (ns, _run) = setup("perf-lease").await;
    apply(&ns, &example("performer-minimal.yaml")).await;
    wait_ready(&ns, "minimal", TIMEOUT).await;
    let out = Command::new(env!("CARGO_BIN_EXE_hgctl"))
        .args([
            "run-local",
            "-n",
            ns.name(),
            "--lease-namespace",
            ns.name(),
            "--kubeconfig",
        ])
        .arg(cluster::kubeconfig_path())
        .stdin(Stdio::null())
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(6),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("holds the lease") && stderr.contains("run-local@"),
        "{stderr}"
    );
}

/// `--rollout-budget 3`: an image change to 12 Performers never runs more than 3 rollouts
/// at once (pods beyond one per Performer, terminating ones included, as a watch of the
/// namespace's pods sees them in order), the others report `RolloutQueued` while their old
/// pod serves, and all end on the new image with one pod each.
#[tokio::test]
async fn a_fleet_upgrade_rolls_out_within_the_rollout_budget() {
    use futures::{StreamExt, TryStreamExt};
    use kube::runtime::watcher;

    install_crds().await;
    let ns = TestNamespace::create("perf-budget").await;
    let _run = RunLocal::start_with(ns.name(), &["--rollout-budget", "3"]);
    let names: Vec<String> = (0..12).map(|i| format!("p{i:02}")).collect();
    let body = |name: &str, image: &str| {
        json!({"apiVersion": "hourglass.eigenlayer.io/v1alpha1", "kind": "Performer",
            "metadata": {"name": name},
            "spec": {"avsAddress": "0x1111111111111111111111111111111111111111", "image": image}})
    };
    for name in &names {
        apply(&ns, &body(name, "myavs/performer:v1")).await;
    }
    for name in &names {
        wait_ready(&ns, name, TIMEOUT).await;
    }

    // Every pod event of the namespace, in the API server's order, from before the upgrade.
    let pods: Api<Pod> = ns.api();
    let mut events = watcher(
        pods,
        watcher::Config::default().labels("app=hourglass-performer"),
    )
    .boxed();
    let mut live: BTreeSet<String> = BTreeSet::new();
    loop {
        match events.try_next().await.unwrap().unwrap() {
            watcher::Event::InitApply(p) => {
                live.insert(p.name_any());
            }
            watcher::Event::InitDone => break,
            _ => {}
        }
    }
    assert_eq!(live.len(), names.len());

    for name in &names {
        apply(&ns, &body(name, "myavs/performer:v2")).await;
    }
    let api: Api<Performer> = ns.api();
    let mut most_surplus = 0;
    let mut saw_queued = false;
    let deadline = Instant::now() + Duration::from_secs(180);
    loop {
        let event = tokio::time::timeout(Duration::from_secs(2), events.try_next()).await;
        if let Ok(event) = event {
            match event.unwrap().unwrap() {
                watcher::Event::Apply(p) | watcher::Event::InitApply(p) => {
                    live.insert(p.name_any());
                }
                watcher::Event::Delete(p) => {
                    live.remove(&p.name_any());
                }
                _ => {}
            }
            most_surplus = most_surplus.max(live.len().saturating_sub(names.len()));
            assert!(
                most_surplus <= 3,
                "{} pods for {} Performers: more than 3 rollouts at once",
                live.len(),
                names.len()
            );
        }
        let all = api.list(&ListParams::default()).await.unwrap().items;
        saw_queued |= all.iter().any(|p| {
            api::conditions::find(
                p.status.as_ref().and_then(|s| s.conditions.as_deref()),
                api::conditions::PROGRESSING,
            )
            .is_some_and(|c| c.reason == api::conditions::reason::ROLLOUT_QUEUED)
        });
        let done = all.iter().all(|p| {
            p.status.as_ref().is_some_and(|s| {
                s.ready
                    && s.phase == Some(api::performer::PerformerPhase::Running)
                    && s.observed_generation == p.metadata.generation
            })
        }) && live.len() == names.len();
        if done {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "the fleet upgrade did not finish: {} pods live",
            live.len()
        );
    }
    assert!(saw_queued, "no Performer ever waited for a slot");
    assert!(most_surplus >= 1, "no rollout was seen");
    for name in &names {
        let pods = pods_of(&ns, name).await;
        assert_eq!(pods.len(), 1, "{name}: {pods:?}");
        let image = pods[0].spec.as_ref().unwrap().containers[0].image.clone();
        assert_eq!(image.as_deref(), Some("myavs/performer:v2"), "{name}");
    }
}
