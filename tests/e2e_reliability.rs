//! Reliability and security on the real control plane: generated pods pass
//! the `restricted` Pod Security level, a conflict storm converges, kubeconfig
//! problems fail fast and clearly, and rendered pods pass the API server's own
//! validation (a property-test sample, server-side dry run).

mod common;
mod support_specs;

use std::collections::BTreeSet;
use std::process::{Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use common::cluster::{self, TestNamespace, kubectl_apply, wait_for};
use common::run_local::{RunLocal, install_crds};
use futures::StreamExt;
use hgctl::api::{self, Performer};
use k8s_openapi::api::core::v1::Pod;
use kube::ResourceExt;
use kube::api::{Api, ListParams, PostParams};
use kube::runtime::{WatchStreamExt, watcher};
use proptest::strategy::{Strategy, ValueTree};
use proptest::test_runner::TestRunner;
use serde_json::{Value, json};

const TIMEOUT: Duration = Duration::from_secs(90);

fn example(file: &str) -> Value {
    let path = format!("{}/examples/{file}", env!("CARGO_MANIFEST_DIR"));
    serde_saphyr::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

async fn wait_ready(api: &Api<Performer>, name: &str) -> Performer {
    wait_for(TIMEOUT, format!("performer {name} ready"), || async {
        let p = api.get(name).await.map_err(|e| e.to_string())?;
        match p.status.as_ref() {
            Some(s) if s.ready && s.observed_generation == p.metadata.generation => Ok(p),
            s => Err(format!("status {s:?}")),
        }
    })
    .await
}

#[tokio::test]
async fn generated_pods_are_admitted_in_a_restricted_namespace() {
    install_crds().await;
    let ns = TestNamespace::create_with_labels(
        "rel-restricted",
        &[("pod-security.kubernetes.io/enforce", "restricted")],
    )
    .await;
    common::dra::publish_gpus().await;
    let _run = RunLocal::start(ns.name());
    let api: Api<Performer> = ns.api();
    for file in [
        "performer-gpu.yaml",
        "performer-gpu-dra.yaml",
        "performer-tee.yaml",
        "performer-minimal.yaml",
        "performer-upstream.yaml",
    ] {
        kubectl_apply(&api, &example(file)).await;
    }
    for name in [
        "gpu-performer",
        "dra-performer",
        "tee-performer",
        "minimal",
        "performer-3f9a1c-7be21d04",
    ] {
        wait_ready(&api, name).await;
    }
}

/// Outside `restricted` a pod keeps the image's user (root images run, as under Docker);
/// when the namespace starts enforcing `restricted`, its Performers roll to a numeric
/// non-root user that admission takes.
#[tokio::test]
async fn a_namespace_that_starts_enforcing_restricted_rolls_its_performers_to_non_root() {
    install_crds().await;
    let ns = TestNamespace::create("rel-psa").await;
    let _run = RunLocal::start(ns.name());
    let api: Api<Performer> = ns.api();
    kubectl_apply(&api, &example("performer-minimal.yaml")).await;
    let first = wait_ready(&api, "minimal").await;
    let pods: Api<Pod> = ns.api();
    let security = |pod: &Pod| {
        let sc = pod.spec.as_ref().unwrap().security_context.clone().unwrap();
        (sc.run_as_non_root, sc.run_as_user)
    };
    let pod = pods
        .get(first.status.as_ref().unwrap().pod_name.as_deref().unwrap())
        .await
        .unwrap();
    assert_eq!(security(&pod), (None, None), "the image's own user");

    let namespaces: Api<k8s_openapi::api::core::v1::Namespace> = Api::all(ns.client());
    namespaces
        .patch(
            ns.name(),
            &kube::api::PatchParams::default(),
            &kube::api::Patch::Merge(json!({"metadata": {"labels": {
                "pod-security.kubernetes.io/enforce": "restricted"}}})),
        )
        .await
        .unwrap();
    let old_pod = pod.name_any();
    let rolled = wait_for(
        TIMEOUT,
        "the Performer rolled to a non-root pod",
        || async {
            let p = api.get("minimal").await.map_err(|e| e.to_string())?;
            let s = p.status.clone().unwrap_or_default();
            match s.pod_name {
                Some(name) if s.ready && name != old_pod => Ok(name),
                other => Err(format!("pod {other:?} ready {}", s.ready)),
            }
        },
    )
    .await;
    let pod = pods.get(&rolled).await.unwrap();
    assert_eq!(security(&pod), (Some(true), Some(65532)));
}

#[tokio::test]
async fn a_conflict_storm_converges_to_the_last_spec_without_an_error_loop() {
    install_crds().await;
    let ns = TestNamespace::create("rel-storm").await;
    let _run = RunLocal::start(ns.name());
    let api: Api<Performer> = ns.api();
    let mut body = example("performer-minimal.yaml");
    kubectl_apply(&api, &body).await;
    wait_ready(&api, "minimal").await;

    // Every pod that ever exists for this Performer.
    let seen: Arc<Mutex<BTreeSet<String>>> = Arc::default();
    let watch = {
        let seen = seen.clone();
        let pods: Api<Pod> = ns.api();
        tokio::spawn(async move {
            let cfg =
                watcher::Config::default().labels("hourglass.eigenlayer.io/performer=minimal");
            let mut s = watcher(pods, cfg)
                .default_backoff()
                .applied_objects()
                .boxed();
            while let Some(Ok(p)) = s.next().await {
                seen.lock().unwrap().insert(p.name_any());
            }
        })
    };
    const PATCHES: usize = 50;
    for i in 0..PATCHES {
        body["spec"]["config"] = json!({"environment": {"STEP": i.to_string()}});
        kubectl_apply(&api, &body).await;
    }
    let last = (PATCHES - 1).to_string();
    let pods: Api<Pod> = ns.api();
    wait_for(TIMEOUT, "one pod with the last spec", || async {
        let list = pods
            .list(&ListParams::default().labels("hourglass.eigenlayer.io/performer=minimal"))
            .await
            .map_err(|e| e.to_string())?;
        let live: Vec<&Pod> = list
            .items
            .iter()
            .filter(|p| p.metadata.deletion_timestamp.is_none())
            .collect();
        let ok = live.len() == list.items.len()
            && live.len() == 1
            && live[0].spec.as_ref().unwrap().containers[0]
                .env
                .iter()
                .flatten()
                .any(|e| e.name == "STEP" && e.value.as_deref() == Some(last.as_str()));
        ok.then_some(()).ok_or(format!("{} pods", list.items.len()))
    })
    .await;
    // Ready may briefly be Upgrading while the last old pod goes; it settles on Running.
    wait_for(TIMEOUT, "phase Running at the last generation", || async {
        let p = api.get("minimal").await.map_err(|e| e.to_string())?;
        let s = p.status.clone().unwrap_or_default();
        let done = s.ready
            && s.observed_generation == p.metadata.generation
            && s.phase.map(|p| p.as_str()) == Some("Running");
        done.then_some(()).ok_or(format!("{s:?}"))
    })
    .await;
    watch.abort();
    let count = seen.lock().unwrap().len();
    // At most one pod per spec version (the first plus one per patch): no duplicates, no churn.
    assert!(
        count <= PATCHES + 1,
        "{count} pods for {PATCHES} spec changes"
    );
}

/// Runs `hgctl get performers` with a kubeconfig problem; returns (exit code, stderr, seconds).
fn probe(args: &[&str]) -> (Option<i32>, String, f64) {
    let t = Instant::now();
    let out = Command::new(env!("CARGO_BIN_EXE_hgctl"))
        .args(["get", "performers", "-n", "default"])
        .args(args)
        .env_remove("KUBECONFIG")
        .stdin(Stdio::null())
        .output()
        .unwrap();
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
        t.elapsed().as_secs_f64(),
    )
}

fn write_kubeconfig(dir: &std::path::Path, name: &str, edit: impl FnOnce(&mut Value)) -> String {
    let text = std::fs::read_to_string(cluster::kubeconfig_path()).unwrap();
    let mut config: Value = serde_saphyr::from_str(&text).unwrap();
    edit(&mut config);
    let path = dir.join(name);
    std::fs::write(&path, serde_json::to_string(&config).unwrap()).unwrap();
    path.to_string_lossy().into_owned()
}

#[tokio::test]
async fn kubeconfig_problems_fail_within_ten_seconds_with_a_clear_error() {
    install_crds().await;
    let dir = tempfile::tempdir().unwrap();
    let ca = std::fs::read_to_string(
        cluster::kubeconfig_path()
            .parent()
            .unwrap()
            .join("pki/front-proxy-ca.crt"),
    )
    .unwrap();
    let unreachable = write_kubeconfig(dir.path(), "unreachable", |c| {
        c["clusters"][0]["cluster"]["server"] = json!("https://127.0.0.1:1");
    });
    let wrong_ca = write_kubeconfig(dir.path(), "wrong-ca", |c| {
        let cluster = &mut c["clusters"][0]["cluster"];
        cluster
            .as_object_mut()
            .unwrap()
            .remove("certificate-authority");
        cluster["certificate-authority-data"] = json!(base64(&ca));
    });
    let no_rights = write_kubeconfig(dir.path(), "no-rights", |c| {
        c["users"][0]["user"]["as"] = json!("nobody-in-particular");
    });
    let missing = dir.path().join("missing").to_string_lossy().into_owned();
    let good = cluster::kubeconfig_path().to_string_lossy().into_owned();
    let cases: Vec<(&str, Vec<&str>, i32, &str)> = vec![
        (
            "missing file",
            vec!["--kubeconfig", &missing],
            3,
            "cannot use the kubeconfig",
        ),
        (
            "unknown context",
            vec!["--kubeconfig", &good, "--context", "nope"],
            3,
            "context \"nope\" is not in the kubeconfig",
        ),
        (
            "unreachable server",
            vec!["--kubeconfig", &unreachable],
            3,
            "cannot reach the Kubernetes API server",
        ),
        (
            "wrong CA",
            vec!["--kubeconfig", &wrong_ca],
            3,
            "cannot reach the Kubernetes API server",
        ),
        (
            "no rights",
            vec!["--kubeconfig", &no_rights],
            4,
            "forbidden",
        ),
    ];
    for (case, args, code, words) in cases {
        let (exit, stderr, secs) = probe(&args);
        assert_eq!(exit, Some(code), "{case}: {stderr}");
        assert!(stderr.contains(words), "{case}: {stderr}");
        assert!(!stderr.contains("panicked"), "{case}: {stderr}");
        assert!(secs < 10.0, "{case} took {secs:.1}s");
    }
}

fn base64(text: &str) -> String {
    const TABLE: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let bytes = text.as_bytes();
    let mut out = String::new();
    for chunk in bytes.chunks(3) {
        let b = [
            chunk[0],
            *chunk.get(1).unwrap_or(&0),
            *chunk.get(2).unwrap_or(&0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(TABLE[((n >> (18 - 6 * i)) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

#[tokio::test]
async fn rendered_pods_of_random_valid_specs_pass_the_api_servers_validation() {
    install_crds().await;
    let ns = TestNamespace::create("rel-proptest").await;
    let pods: Api<Pod> = ns.api();
    let crd = &api::crds()[0];
    let known_runtime_classes = [
        "gvisor",
        "kata-qemu",
        "kata-qemu-tdx",
        "kata-qemu-snp",
        "kata-qemu-sev",
        "kata-qemu-nvidia-gpu-tdx",
        "kata-qemu-nvidia-gpu-snp",
    ];
    let mut runner = TestRunner::deterministic();
    let strategy = support_specs::performer_spec();
    let (mut checked, mut tried, mut refused) = (0, 0, 0);
    while checked < 40 && tried < 20_000 {
        tried += 1;
        let spec = strategy.new_tree(&mut runner).unwrap().current();
        let name = format!("p{tried}");
        let p = support_specs::performer(&name, ns.name(), spec);
        if !hgctl::schema::validate_object(crd, &serde_json::to_value(&p).unwrap()).is_empty() {
            continue;
        }
        // What the schema lets through but a Pod may not hold is refused at render time
        // (the reconciler reports it as Degraded/InvalidSpec); everything rendered must pass.
        let Ok(rendered) = hgctl::render::performer::desired_pod(&p) else {
            refused += 1;
            continue;
        };
        // A RuntimeClass that does not exist is an admission (not validation) failure.
        let runtime = rendered
            .pod
            .spec
            .as_ref()
            .and_then(|s| s.runtime_class_name.clone());
        if runtime.is_some_and(|r| !known_runtime_classes.contains(&r.as_str())) {
            continue;
        }
        let params = PostParams {
            dry_run: true,
            ..Default::default()
        };
        if let Err(e) = pods.create(&params, &rendered.pod).await {
            panic!(
                "the API server rejected the pod rendered from {:?}: {e}",
                p.spec
            );
        }
        checked += 1;
    }
    assert!(
        checked >= 40,
        "only {checked} valid specs in {tried} tries ({refused} refused at render time)"
    );
}

/// `run-local --metrics-addr/--health-addr` serve Prometheus metrics of what it did.
#[tokio::test]
async fn run_local_serves_metrics_and_health_when_asked() {
    install_crds().await;
    let ns = TestNamespace::create("rel-metrics").await;
    let (health, metrics) = (common::http::free_port(), common::http::free_port());
    let _run = RunLocal::start_with(
        ns.name(),
        &[
            "--health-addr",
            &format!("127.0.0.1:{health}"),
            "--metrics-addr",
            &format!("127.0.0.1:{metrics}"),
            "--log-format",
            "json",
        ],
    );
    let api: Api<Performer> = ns.api();
    kubectl_apply(&api, &example("performer-minimal.yaml")).await;
    wait_ready(&api, "minimal").await;
    let get = common::http::get;
    let ready = wait_for(TIMEOUT, "/readyz 200", || async {
        let r = get(health, "/readyz").await?;
        r.starts_with("HTTP/1.1 200").then_some(r.clone()).ok_or(r)
    })
    .await;
    assert!(ready.starts_with("HTTP/1.1 200"));
    let scrape = wait_for(TIMEOUT, "one Running performer in /metrics", || async {
        let m = get(metrics, "/metrics").await?;
        m.contains("hgctl_performers{phase=\"Running\"} 1")
            .then_some(m.clone())
            .ok_or(m)
    })
    .await;
    assert!(
        scrape.contains("hgctl_reconciles_total{kind=\"performer\"}"),
        "{scrape}"
    );
    assert!(
        scrape.contains("hgctl_api_writes_total{verb=\"apply\",resource=\"pods\"} 1"),
        "{scrape}"
    );

    // Every status write is counted, also the one that reports a spec that cannot be
    // rendered (the schema lets an invalid environment variable name through).
    let status_writes = |m: &str| {
        m.lines()
            .find_map(|l| {
                l.strip_prefix(
                    "hgctl_api_writes_total{verb=\"patch\",resource=\"performers/status\"} ",
                )
            })
            .map_or(0, |n| n.trim().parse::<u64>().unwrap())
    };
    let before = status_writes(&scrape);
    assert!(before >= 1, "{scrape}");
    let mut invalid = example("performer-minimal.yaml");
    invalid["metadata"]["name"] = json!("invalid-env");
    invalid["spec"]["config"] = json!({"environment": {"1BAD": "x"}});
    kubectl_apply(&api, &invalid).await;
    wait_for(TIMEOUT, "performer invalid-env Failed", || async {
        let p = api.get("invalid-env").await.map_err(|e| e.to_string())?;
        let failed = p.status.as_ref().and_then(|s| s.phase)
            == Some(hgctl::api::performer::PerformerPhase::Failed);
        failed.then_some(()).ok_or(format!("{:?}", p.status))
    })
    .await;
    wait_for(TIMEOUT, "the InvalidSpec status write counted", || async {
        let m = get(metrics, "/metrics").await?;
        (status_writes(&m) > before).then_some(()).ok_or(m)
    })
    .await;
}

#[tokio::test]
async fn a_namespace_being_deleted_is_logged_once_and_its_refusals_are_not_retried() {
    install_crds().await;
    let ns = TestNamespace::create("ns-deleting").await;
    // The leader Lease lives elsewhere: a controller whose lease is deleted stops, by design.
    let lease_ns = TestNamespace::create("ns-deleting-lease").await;
    let log = tempfile::NamedTempFile::new().unwrap();
    let mut run = RunLocal::start_logged_leased(
        ns.name(),
        lease_ns.name(),
        &cluster::kubeconfig_path(),
        log.path(),
    );
    let api: Api<Performer> = ns.api();
    // A finalizer of the test's keeps the Performer while the namespace controller deletes its
    // pod: hgctl then wants a new pod, which the API server refuses (NamespaceTerminating).
    let mut held = example("performer-minimal.yaml");
    held["metadata"] = json!({"name": "held", "finalizers": ["hgctl.test/hold"]});
    kubectl_apply(&api, &held).await;
    wait_ready(&api, "held").await;
    let namespaces: Api<k8s_openapi::api::core::v1::Namespace> = Api::all(cluster::client().await);
    namespaces
        .delete(ns.name(), &Default::default())
        .await
        .unwrap();
    let read = || std::fs::read_to_string(log.path()).unwrap_or_default();
    wait_for(TIMEOUT, "run-local noticing the deletion", || async {
        let text = read();
        text.contains("namespace is being deleted")
            .then_some(())
            .ok_or(text)
    })
    .await;
    // A window in which the pod stays refused: run-local lives on and neither logs it again
    // nor warns about it.
    run.quiet_window(lease_ns.name(), 10).await;
    let text = read();
    assert_eq!(
        text.matches("namespace is being deleted").count(),
        1,
        "{text}"
    );
    let warnings: Vec<&str> = text
        .lines()
        .filter(|l| l.contains("WARN") && l.contains("being terminated"))
        .collect();
    assert!(warnings.is_empty(), "{warnings:#?}");
    api.patch(
        "held",
        &kube::api::PatchParams::default(),
        &kube::api::Patch::Merge(json!({"metadata": {"finalizers": null}})),
    )
    .await
    .unwrap();
}
