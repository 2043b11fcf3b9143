//! The benchmark harness: convergence against the control plane's own floor,
//! per-object latency, API cost, memory and CPU, blue-green rollout and CLI
//! wall time, on the local control plane. Measurements only; nothing here is
//! a pass/fail assertion.
//!
//! Run it through `tests/bench/run.sh [--count N]`, which builds the release
//! binary, starts the cluster and adds fake nodes. Reports go to
//! `target/bench/report.json` and `target/bench/report.md`.

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime};

use futures::{StreamExt, stream};
use hgctl::api::{self, Performer, PerformerSpec};
use hgctl::render::performer as render;
use k8s_openapi::api::core::v1::{Namespace, Pod, Service};
use k8s_openapi::api::discovery::v1::EndpointSlice;
use kube::api::{Api, DeleteParams, ListParams, Patch, PatchParams, PostParams};
use kube::config::{KubeConfigOptions, Kubeconfig};
use kube::runtime::{WatchStreamExt, watcher};
use kube::{Client, Config, ResourceExt};
use serde_json::{Value, json};

const BENCH_UA: &str = "hgctl-bench";
const AVS: &str = "0x1234567890abcdef1234567890abcdef12345678";

struct Args {
    count: usize,
    concurrency: usize,
    steady_secs: u64,
    out: PathBuf,
    skip_double: bool,
    /// Performers on the real node for the real-pod scenario (0: skip it).
    real_pods: usize,
    /// A larger N measured last (reconciler with rollout, and the floor), so that one run
    /// gives the growth from N to it.
    scale: Option<usize>,
}

fn parse_args() -> Args {
    let mut args = Args {
        count: 1000,
        concurrency: 16,
        steady_secs: 60,
        out: PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/target/bench")),
        skip_double: false,
        real_pods: 20,
        scale: None,
    };
    let mut it = std::env::args().skip(1);
    while let Some(a) = it.next() {
        match a.as_str() {
            "--count" => args.count = it.next().and_then(|v| v.parse().ok()).expect("--count N"),
            "--concurrency" => {
                args.concurrency = it
                    .next()
                    .and_then(|v| v.parse().ok())
                    .expect("--concurrency N")
            }
            "--steady-secs" => {
                args.steady_secs = it
                    .next()
                    .and_then(|v| v.parse().ok())
                    .expect("--steady-secs S")
            }
            "--out" => args.out = PathBuf::from(it.next().expect("--out DIR")),
            "--skip-double" => args.skip_double = true,
            "--real-pods" => {
                args.real_pods = it
                    .next()
                    .and_then(|v| v.parse().ok())
                    .expect("--real-pods N")
            }
            "--scale" => {
                args.scale = Some(it.next().and_then(|v| v.parse().ok()).expect("--scale N"))
            }
            "--bench" => {}
            other => panic!("unknown argument {other}; see tests/bench/run.sh"),
        }
    }
    args
}

async fn client() -> Client {
    let path = std::env::var("HGCTL_TEST_KUBECONFIG")
        .expect("source the cluster env (tests/bench/run.sh does)");
    let kubeconfig = Kubeconfig::read_from(path).unwrap();
    let mut config = Config::from_custom_kubeconfig(kubeconfig, &KubeConfigOptions::default())
        .await
        .unwrap();
    config.headers.push((
        http::header::USER_AGENT,
        http::HeaderValue::from_static(BENCH_UA),
    ));
    Client::try_from(config).unwrap()
}

fn hgctl_bin() -> PathBuf {
    PathBuf::from(
        std::env::var("HGCTL_BIN").unwrap_or_else(|_| {
            concat!(env!("CARGO_MANIFEST_DIR"), "/target/release/hgctl").into()
        }),
    )
}

fn kubeconfig() -> String {
    std::env::var("HGCTL_TEST_KUBECONFIG").unwrap()
}

fn percentile(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    let rank = ((p / 100.0) * (sorted.len() as f64 - 1.0)).round() as usize;
    sorted[rank.min(sorted.len() - 1)]
}

fn stats(mut v: Vec<f64>) -> Value {
    v.sort_by(|a, b| a.partial_cmp(b).unwrap());
    json!({
        "p50_ms": percentile(&v, 50.0),
        "p90_ms": percentile(&v, 90.0),
        "p99_ms": percentile(&v, 99.0),
        "max_ms": v.last().copied().unwrap_or(f64::NAN),
        "n": v.len(),
    })
}

/// Resident memory and CPU of a process, from /proc.
struct ProcSample {
    rss_kib: u64,
    hwm_kib: u64,
    cpu_secs: f64,
}

fn sample(pid: u32) -> ProcSample {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    let field = |name: &str| {
        status
            .lines()
            .find(|l| l.starts_with(name))
            .and_then(|l| l.split_whitespace().nth(1))
            .and_then(|v| v.parse().ok())
            .unwrap_or(0)
    };
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
    let after = stat.rsplit_once(')').map(|(_, r)| r).unwrap_or("");
    let f: Vec<&str> = after.split_whitespace().collect();
    let ticks: f64 = f.get(11).and_then(|v| v.parse::<f64>().ok()).unwrap_or(0.0)
        + f.get(12).and_then(|v| v.parse::<f64>().ok()).unwrap_or(0.0);
    ProcSample {
        rss_kib: field("VmRSS:"),
        hwm_kib: field("VmHWM:"),
        cpu_secs: ticks / 100.0,
    }
}

struct RunLocal(Child);

impl RunLocal {
    fn start(ns: &str) -> RunLocal {
        let log = std::fs::File::create(format!("/tmp/hgctl-bench-run-local-{ns}.log")).unwrap();
        let child = Command::new(hgctl_bin())
            .args([
                "run-local",
                "-n",
                ns,
                "--lease-namespace",
                ns,
                "--kubeconfig",
                &kubeconfig(),
            ])
            .args([
                "--health-addr",
                "127.0.0.1:0",
                "--metrics-addr",
                "127.0.0.1:0",
            ])
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(log)
            .spawn()
            .expect("starting run-local");
        RunLocal(child)
    }
}

impl Drop for RunLocal {
    fn drop(&mut self) {
        // SIGTERM: a clean stop releases the lease.
        unsafe { libc::kill(self.0.id() as i32, libc::SIGTERM) };
        let _ = self.0.wait();
    }
}

fn performer(name: &str, image: &str) -> Performer {
    Performer::new(
        name,
        PerformerSpec {
            avs_address: AVS.into(),
            image: image.into(),
            ..Default::default()
        },
    )
}

async fn create_namespace(client: &Client, name: &str) {
    let api: Api<Namespace> = Api::all(client.clone());
    let ns: Namespace = serde_json::from_value(json!({"metadata": {"name": name}})).unwrap();
    api.create(&PostParams::default(), &ns).await.unwrap();
    let sas: Api<k8s_openapi::api::core::v1::ServiceAccount> =
        Api::namespaced(client.clone(), name);
    for _ in 0..300 {
        if sas.get_opt("default").await.unwrap().is_some() {
            return;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("no default ServiceAccount in {name}");
}

/// Deletes the namespace and waits until it is gone, so that its garbage
/// collection does not load the API server during the next scenario.
async fn delete_namespace(client: &Client, name: &str) {
    let api: Api<Namespace> = Api::all(client.clone());
    let _ = api.delete(name, &DeleteParams::background()).await;
    let start = Instant::now();
    while api.get_opt(name).await.ok().flatten().is_some() {
        assert!(
            start.elapsed() < Duration::from_secs(900),
            "namespace {name} still there after 900 s"
        );
        tokio::time::sleep(Duration::from_millis(500)).await;
    }
}

async fn install_crds(client: &Client) {
    let crds: Api<k8s_openapi::apiextensions_apiserver::pkg::apis::apiextensions::v1::CustomResourceDefinition> =
        Api::all(client.clone());
    for crd in api::crds() {
        let mut body = serde_json::to_value(&crd).unwrap();
        body["apiVersion"] = json!("apiextensions.k8s.io/v1");
        body["kind"] = json!("CustomResourceDefinition");
        crds.patch(
            crd.metadata.name.as_deref().unwrap(),
            &PatchParams::apply("hgctl-bench").force(),
            &Patch::Apply(&body),
        )
        .await
        .unwrap();
    }
    tokio::time::sleep(Duration::from_secs(2)).await;
}

/// First time each named object was seen by a watch (ms since `t0`).
type Seen = Arc<Mutex<HashMap<String, f64>>>;

fn watch_first_seen<K>(
    api: Api<K>,
    seen: Seen,
    t0: Instant,
    key: fn(&K) -> Option<String>,
) -> tokio::task::JoinHandle<()>
where
    K: kube::Resource + Clone + serde::de::DeserializeOwned + std::fmt::Debug + Send + 'static,
{
    tokio::spawn(async move {
        let mut s = watcher(api, watcher::Config::default())
            .default_backoff()
            .applied_objects()
            .boxed();
        while let Some(Ok(obj)) = s.next().await {
            if let Some(k) = key(&obj) {
                let now = t0.elapsed().as_secs_f64() * 1000.0;
                seen.lock().unwrap().entry(k).or_insert(now);
            }
        }
    })
}

/// Requests in the audit log between two wall-clock times, by "verb resource",
/// from clients whose User-Agent starts with `agent`: how many, and how long the
/// API server took over each (ms from received to response complete).
struct Audit {
    counts: BTreeMap<String, u64>,
    server_ms: BTreeMap<String, Vec<f64>>,
}

impl Audit {
    /// Server-side latency of the writes, per "verb resource".
    fn write_latency(&self) -> Value {
        self.server_ms
            .iter()
            .filter(|(k, _)| is_write(k))
            .map(|(k, v)| (k.clone(), stats(v.clone())))
            .collect::<serde_json::Map<_, _>>()
            .into()
    }
}

fn audit(ns: &str, agent: &str, from: SystemTime, to: SystemTime) -> Audit {
    let mut out = Audit {
        counts: BTreeMap::new(),
        server_ms: BTreeMap::new(),
    };
    let Ok(path) = std::env::var("HGCTL_CLUSTER_AUDIT_LOG") else {
        return out;
    };
    let text = std::fs::read_to_string(path).unwrap_or_default();
    let from = k8s_openapi::jiff::Timestamp::try_from(from).unwrap();
    let to = k8s_openapi::jiff::Timestamp::try_from(to).unwrap();
    let time = |v: &Value| {
        v.as_str()
            .and_then(|t| t.parse::<k8s_openapi::jiff::Timestamp>().ok())
    };
    for line in text.lines() {
        let Ok(v) = serde_json::from_str::<Value>(line) else {
            continue;
        };
        if !v["userAgent"]
            .as_str()
            .unwrap_or_default()
            .starts_with(agent)
        {
            continue;
        }
        let in_ns = v["objectRef"]["namespace"]
            .as_str()
            .map(|n| n == ns)
            .unwrap_or(true);
        if !in_ns {
            continue;
        }
        let Some(ts) = time(&v["requestReceivedTimestamp"]) else {
            continue;
        };
        if ts < from || ts > to {
            continue;
        }
        let verb = v["verb"].as_str().unwrap_or("?").to_string();
        let resource = v["objectRef"]["resource"].as_str().unwrap_or("-");
        let sub = v["objectRef"]["subresource"]
            .as_str()
            .map(|s| format!("/{s}"))
            .unwrap_or_default();
        let key = format!("{verb} {resource}{sub}");
        if let Some(done) = time(&v["stageTimestamp"]) {
            let ms = done.duration_since(ts).as_secs_f64() * 1000.0;
            out.server_ms.entry(key.clone()).or_default().push(ms);
        }
        *out.counts.entry(key).or_default() += 1;
    }
    out
}

/// hgctl's requests (User-Agent `hgctl/<version>`), by verb.
fn audit_counts(ns: &str, from: SystemTime, to: SystemTime) -> BTreeMap<String, u64> {
    audit(ns, "hgctl/", from, to).counts
}

fn is_write(key: &str) -> bool {
    [
        "create ",
        "update ",
        "patch ",
        "delete ",
        "deletecollection ",
    ]
    .iter()
    .any(|v| key.starts_with(v))
}

async fn wait_all<F>(what: &str, timeout: Duration, mut done: F)
where
    F: FnMut() -> bool,
{
    let start = Instant::now();
    while !done() {
        assert!(start.elapsed() < timeout, "timed out waiting for {what}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// Waits until run-local holds its lease in `ns`.
async fn wait_for_lease(client: &Client, ns: &str) {
    let leases: Api<k8s_openapi::api::coordination::v1::Lease> =
        Api::namespaced(client.clone(), ns);
    let start_wait = Instant::now();
    while leases.get_opt("hgctl-operator").await.unwrap().is_none() {
        assert!(
            start_wait.elapsed() < Duration::from_secs(60),
            "run-local did not take its lease"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// Convergence, latency, API cost, memory and rollout of run-local at `n` performers.
async fn reconciler_scenario(client: &Client, n: usize, args: &Args) -> Value {
    let ns = format!("bench-perf-{n}-{}", std::process::id());
    create_namespace(client, &ns).await;
    let run = RunLocal::start(&ns);
    let pid = run.0.id();
    let performers: Api<Performer> = Api::namespaced(client.clone(), &ns);
    // Wait for run-local to hold its lease before starting the clock.
    wait_for_lease(client, &ns).await;
    let idle = sample(pid);
    // Open descriptors of run-local, sampled: kube's client speaks HTTP/1.1, so
    // in-flight requests are connections; this shows what bounds them.
    let fds_peak = Arc::new(AtomicUsize::new(0));
    let sampler = {
        let fds_peak = fds_peak.clone();
        tokio::spawn(async move {
            loop {
                if let Ok(dir) = std::fs::read_dir(format!("/proc/{pid}/fd")) {
                    fds_peak.fetch_max(dir.count(), Ordering::Relaxed);
                }
                tokio::time::sleep(Duration::from_millis(100)).await;
            }
        })
    };

    let t0 = Instant::now();
    let wall0 = SystemTime::now();
    let pods_seen: Seen = Arc::default();
    let svcs_seen: Seen = Arc::default();
    let ready_seen: Seen = Arc::default();
    let w1 = watch_first_seen(
        Api::<Pod>::namespaced(client.clone(), &ns),
        pods_seen.clone(),
        t0,
        |p: &Pod| p.labels().get(render::LABEL_PERFORMER).cloned(),
    );
    let w2 = watch_first_seen(
        Api::<Service>::namespaced(client.clone(), &ns),
        svcs_seen.clone(),
        t0,
        |s: &Service| s.labels().get(render::LABEL_PERFORMER).cloned(),
    );
    let w3 = watch_first_seen(
        performers.clone(),
        ready_seen.clone(),
        t0,
        |p: &Performer| p.status.as_ref().filter(|s| s.ready).map(|_| p.name_any()),
    );
    tokio::time::sleep(Duration::from_millis(500)).await;

    let created: Arc<Mutex<HashMap<String, f64>>> = Arc::default();
    let t_create = Instant::now();
    stream::iter(0..n)
        .map(|i| {
            let performers = performers.clone();
            let created = created.clone();
            async move {
                let name = format!("p{i:05}");
                let before = t0.elapsed().as_secs_f64() * 1000.0;
                performers
                    .create(
                        &PostParams::default(),
                        &performer(&name, "bench/performer:v1"),
                    )
                    .await
                    .unwrap();
                created.lock().unwrap().insert(name, before);
            }
        })
        .buffer_unordered(args.concurrency)
        .collect::<Vec<_>>()
        .await;
    wait_all("every performer ready", Duration::from_secs(1800), || {
        ready_seen.lock().unwrap().len() >= n
    })
    .await;
    let converge_s = t_create.elapsed().as_secs_f64();
    let wall1 = SystemTime::now();
    let peak = sample(pid);

    let lat = |seen: &Seen| {
        let seen = seen.lock().unwrap();
        let created = created.lock().unwrap();
        stats(
            created
                .iter()
                .filter_map(|(k, c)| seen.get(k).map(|s| s - c))
                .collect(),
        )
    };
    let latency = json!({
        "performer_to_pod": lat(&pods_seen),
        "performer_to_service": lat(&svcs_seen),
        "performer_to_ready": lat(&ready_seen),
    });
    let convergence_audit = audit(&ns, "hgctl/", wall0, wall1);
    let convergence_calls = convergence_audit.counts.clone();
    let per_performer: BTreeMap<String, f64> = convergence_calls
        .iter()
        .map(|(k, v)| (k.clone(), *v as f64 / n as f64))
        .collect();

    // Steady window: nothing changes; count hgctl's writes.
    tokio::time::sleep(Duration::from_secs(5)).await;
    let steady_from = SystemTime::now();
    tokio::time::sleep(Duration::from_secs(args.steady_secs)).await;
    let steady_to = SystemTime::now();
    let steady_calls = audit_counts(&ns, steady_from, steady_to);
    // Lease renewals are leader election's heartbeat, not reconcile writes: counted apart.
    let steady_writes: u64 = steady_calls
        .iter()
        .filter(|(k, _)| is_write(k) && !k.ends_with(" leases"))
        .map(|(_, v)| v)
        .sum();
    let lease_renewals: u64 = steady_calls
        .iter()
        .filter(|(k, _)| is_write(k) && k.ends_with(" leases"))
        .map(|(_, v)| v)
        .sum();
    let steady = sample(pid);

    let mut result = json!({
        "count": n,
        "convergence_s": converge_s,
        "latency": latency,
        "api_calls_during_convergence": convergence_calls,
        "api_calls_per_performer": per_performer,
        "apiserver_write_ms": convergence_audit.write_latency(),
        "open_fds_peak": fds_peak.load(Ordering::Relaxed),
        "steady_window_s": args.steady_secs,
        "steady_writes": steady_writes,
        "steady_lease_renewals": lease_renewals,
        "steady_calls": steady_calls,
        "rss_idle_mib": idle.rss_kib as f64 / 1024.0,
        "rss_peak_mib": peak.hwm_kib.max(steady.hwm_kib) as f64 / 1024.0,
        "rss_steady_mib": steady.rss_kib as f64 / 1024.0,
        "cpu_s_convergence": peak.cpu_secs - idle.cpu_secs,
        "cpu_s_steady_window": steady.cpu_secs - peak.cpu_secs,
    });

    let (before, from) = (sample(pid), SystemTime::now());
    result["rollout"] = rollout(client, &ns, n, args).await;
    // What the rollout cost run-local and the API server, per Performer.
    let cpu = sample(pid).cpu_secs - before.cpu_secs;
    let writes: BTreeMap<String, f64> = audit_counts(&ns, from, SystemTime::now())
        .into_iter()
        .filter(|(k, _)| is_write(k) && !k.ends_with(" leases"))
        .map(|(k, v)| (k, v as f64 / n as f64))
        .collect();
    result["rollout"]["cpu_s"] = json!(cpu);
    result["rollout"]["writes_per_performer"] = json!(writes);
    result["cli"] = cli_timings().await;
    result["paced"] = paced_latency(&performers, &pods_seen, &ready_seen, t0).await;
    result["rss_peak_mib"] = json!(sample(pid).hwm_kib as f64 / 1024.0);
    sampler.abort();
    drop(run);
    for w in [w1, w2, w3] {
        w.abort();
    }
    delete_namespace(client, &ns).await;
    result
}

/// Performers created one at a time at a moderate pace (5/s) into the converged
/// namespace: the reconciler's own latency when the API server is not saturated.
async fn paced_latency(
    performers: &Api<Performer>,
    pods_seen: &Seen,
    ready_seen: &Seen,
    t0: Instant,
) -> Value {
    const COUNT: usize = 100;
    const RATE_PER_S: u64 = 5;
    let mut created = HashMap::new();
    let mut tick = tokio::time::interval(Duration::from_millis(1000 / RATE_PER_S));
    for i in 0..COUNT {
        tick.tick().await;
        let name = format!("q{i:05}");
        let before = t0.elapsed().as_secs_f64() * 1000.0;
        performers
            .create(
                &PostParams::default(),
                &performer(&name, "bench/performer:v1"),
            )
            .await
            .unwrap();
        created.insert(name, before);
    }
    wait_all(
        "every paced performer ready",
        Duration::from_secs(600),
        || {
            let seen = ready_seen.lock().unwrap();
            created.keys().all(|k| seen.contains_key(k))
        },
    )
    .await;
    let lat = |seen: &Seen| {
        let seen = seen.lock().unwrap();
        stats(
            created
                .iter()
                .filter_map(|(k, c)| seen.get(k).map(|s| s - c))
                .collect(),
        )
    };
    json!({
        "count": COUNT,
        "rate_per_s": RATE_PER_S,
        "performer_to_pod": lat(pods_seen),
        "performer_to_ready": lat(ready_seen),
    })
}

/// Changes the image of every performer; times the blue-green rollout and
/// records the fewest ready endpoints seen per performer during it.
async fn rollout(client: &Client, ns: &str, n: usize, args: &Args) -> Value {
    let performers: Api<Performer> = Api::namespaced(client.clone(), ns);
    let slices: Api<EndpointSlice> = Api::namespaced(client.clone(), ns);
    let min_ready: Arc<Mutex<HashMap<String, usize>>> = Arc::default();
    let watch = {
        let min_ready = min_ready.clone();
        tokio::spawn(async move {
            let mut s = watcher(slices, watcher::Config::default())
                .default_backoff()
                .applied_objects()
                .boxed();
            while let Some(Ok(slice)) = s.next().await {
                let Some(svc) = slice.labels().get("kubernetes.io/service-name").cloned() else {
                    continue;
                };
                let ready = slice
                    .endpoints
                    .iter()
                    .flatten()
                    .filter(|e| e.conditions.as_ref().and_then(|c| c.ready).unwrap_or(false))
                    .count();
                let mut m = min_ready.lock().unwrap();
                let e = m.entry(svc).or_insert(usize::MAX);
                *e = (*e).min(ready);
            }
        })
    };
    // Pods beyond one per Performer at any moment (each would hold a GPU on a GPU fleet):
    // the rollout budget bounds it per namespace.
    let most_extra = Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let pod_watch = {
        let most_extra = most_extra.clone();
        let pods: Api<Pod> = Api::namespaced(client.clone(), ns);
        tokio::spawn(async move {
            let mut live = std::collections::HashSet::new();
            let mut s = watcher(
                pods,
                watcher::Config::default().labels("app=hourglass-performer"),
            )
            .default_backoff()
            .boxed();
            while let Some(Ok(event)) = s.next().await {
                match event {
                    watcher::Event::Apply(p) | watcher::Event::InitApply(p) => {
                        live.insert(p.name_any());
                    }
                    watcher::Event::Delete(p) => {
                        live.remove(&p.name_any());
                    }
                    _ => {}
                }
                most_extra.fetch_max(
                    live.len().saturating_sub(n),
                    std::sync::atomic::Ordering::Relaxed,
                );
            }
        })
    };
    tokio::time::sleep(Duration::from_secs(1)).await;
    let t = Instant::now();
    stream::iter(0..n)
        .map(|i| {
            let performers = performers.clone();
            async move {
                performers
                    .patch(
                        &format!("p{i:05}"),
                        &PatchParams::default(),
                        &Patch::Merge(json!({"spec": {"image": "bench/performer:v2"}})),
                    )
                    .await
                    .unwrap();
            }
        })
        .buffer_unordered(args.concurrency)
        .collect::<Vec<_>>()
        .await;
    let pods: Api<Pod> = Api::namespaced(client.clone(), ns);
    loop {
        assert!(
            t.elapsed() < Duration::from_secs(1800),
            "rollout did not finish"
        );
        let list = pods
            .list(&ListParams::default().labels("app=hourglass-performer"))
            .await
            .unwrap();
        let done = list.items.len() == n
            && list.items.iter().all(|p| {
                p.spec.as_ref().unwrap().containers[0].image.as_deref()
                    == Some("bench/performer:v2")
                    && p.metadata.deletion_timestamp.is_none()
            });
        let statuses = performers.list(&ListParams::default()).await.unwrap();
        let running = statuses.items.iter().all(|p| {
            p.status.as_ref().and_then(|s| s.phase).map(|p| p.as_str()) == Some("Running")
                && p.status.as_ref().unwrap().ready
        });
        if done && running {
            break;
        }
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
    let secs = t.elapsed().as_secs_f64();
    watch.abort();
    pod_watch.abort();
    let m = min_ready.lock().unwrap();
    let mins: Vec<usize> = m.values().copied().collect();
    json!({
        "rollout_s": secs,
        "min_ready_endpoints_seen": mins.iter().min().copied().unwrap_or(0),
        "performers_ever_at_zero_ready": mins.iter().filter(|v| **v == 0).count(),
        "services_observed": mins.len(),
        "most_extra_pods": most_extra.load(std::sync::atomic::Ordering::Relaxed),
        "rollout_budget": hgctl::reconcile::rollout::DEFAULT_BUDGET,
    })
}

/// Wall time of the read-only CLI commands over the whole fleet.
async fn cli_timings() -> Value {
    let mut out = serde_json::Map::new();
    for (label, cmd) in [
        ("get performers -A", vec!["get", "performers", "-A"]),
        ("status -A", vec!["status", "-A"]),
        ("doctor -A", vec!["doctor", "-A"]),
    ] {
        let t = Instant::now();
        let status = Command::new(hgctl_bin())
            .args(&cmd)
            .args(["--kubeconfig", &kubeconfig()])
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .unwrap();
        let secs = t.elapsed().as_secs_f64();
        out.insert(
            label.into(),
            json!({"wall_s": secs, "exit_code": status.code()}),
        );
    }
    Value::Object(out)
}

/// The floor: the same pods and services created directly, same concurrency, no reconciler.
async fn floor_scenario(client: &Client, n: usize, args: &Args) -> Value {
    let ns = format!("bench-floor-{n}-{}", std::process::id());
    create_namespace(client, &ns).await;
    let pods: Api<Pod> = Api::namespaced(client.clone(), &ns);
    let services: Api<Service> = Api::namespaced(client.clone(), &ns);
    let ready: Seen = Arc::default();
    let t0 = Instant::now();
    let w = watch_first_seen(pods.clone(), ready.clone(), t0, |p: &Pod| {
        let ready = p
            .status
            .as_ref()
            .and_then(|s| s.conditions.as_ref())
            .is_some_and(|c| c.iter().any(|c| c.type_ == "Ready" && c.status == "True"));
        ready.then(|| p.name_any())
    });
    tokio::time::sleep(Duration::from_millis(500)).await;
    let t = Instant::now();
    let wall0 = SystemTime::now();
    stream::iter(0..n)
        .map(|i| {
            let pods = pods.clone();
            let services = services.clone();
            let ns = ns.clone();
            async move {
                let mut p = performer(&format!("p{i:05}"), "bench/performer:v1");
                p.metadata.namespace = Some(ns);
                let mut desired = render::desired_pod(&p).unwrap();
                desired.pod.metadata.owner_references = None;
                let mut svc = render::desired_service(&p, &desired.hash);
                svc.metadata.owner_references = None;
                pods.create(&PostParams::default(), &desired.pod)
                    .await
                    .unwrap();
                services.create(&PostParams::default(), &svc).await.unwrap();
            }
        })
        .buffer_unordered(args.concurrency)
        .collect::<Vec<_>>()
        .await;
    wait_all("every floor pod ready", Duration::from_secs(1800), || {
        ready.lock().unwrap().len() >= n
    })
    .await;
    let secs = t.elapsed().as_secs_f64();
    let floor_audit = audit(&ns, BENCH_UA, wall0, SystemTime::now());
    w.abort();
    delete_namespace(client, &ns).await;
    json!({"count": n, "convergence_s": secs, "apiserver_write_ms": floor_audit.write_latency()})
}

/// The real node of `tests/cluster/node/` (label and taint), its test performer image and port.
const REAL_NODE_LABEL: &str = "hgctl.test/real-node";
const REAL_NODE_IMAGE: &str = "hgctl.local/performer:test";
const REAL_NODE_PORT: i32 = 8080;

/// `nodeSelector` and `tolerations` that put a pod on the real node (and only there).
fn real_node_placement() -> Value {
    json!({
        "nodeSelector": {REAL_NODE_LABEL: "true"},
        "tolerations": [{"key": REAL_NODE_LABEL, "operator": "Equal", "value": "true", "effect": "NoSchedule"}],
    })
}

/// A Performer of the test performer image placed on the real node.
fn real_node_performer(name: &str, ns: &str) -> Performer {
    serde_json::from_value(json!({
        "apiVersion": "hourglass.eigenlayer.io/v1alpha1",
        "kind": "Performer",
        "metadata": {"name": name, "namespace": ns},
        "spec": {
            "avsAddress": AVS,
            "image": REAL_NODE_IMAGE,
            "config": {"grpcPort": REAL_NODE_PORT},
            "scheduling": real_node_placement(),
        },
    }))
    .unwrap()
}

/// Starts a pod on the real node that polls `addrs` until each answers a gRPC health check
/// (`performer first-serving`), and waits until it runs: the clock starts only then.
async fn start_first_serving_client(pods: &Api<Pod>, addrs: &[String]) {
    let mut args = vec!["first-serving".to_string(), "--timeout".into(), "5m".into()];
    args.extend(addrs.iter().cloned());
    let mut spec = real_node_placement();
    spec["restartPolicy"] = json!("Never");
    spec["containers"] = json!([{"name": "client", "image": REAL_NODE_IMAGE,
        "imagePullPolicy": "Never", "command": ["/performer"], "args": args}]);
    let pod: Pod =
        serde_json::from_value(json!({"metadata": {"name": "first-serving"}, "spec": spec}))
            .unwrap();
    pods.create(&PostParams::default(), &pod).await.unwrap();
    let deadline = Instant::now() + Duration::from_secs(120);
    loop {
        let p = pods.get("first-serving").await.unwrap();
        match p.status.as_ref().and_then(|s| s.phase.as_deref()) {
            Some("Running") => return,
            Some(phase @ ("Succeeded" | "Failed")) => {
                panic!("the first-serving client ended early: {phase}")
            }
            _ => {}
        }
        assert!(
            Instant::now() < deadline,
            "the first-serving client did not start: {:?}",
            p.status
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// Waits for the client to finish and returns when each address first answered.
async fn first_serving_times(pods: &Api<Pod>) -> HashMap<String, SystemTime> {
    let deadline = Instant::now() + Duration::from_secs(400);
    loop {
        let p = pods.get("first-serving").await.unwrap();
        if matches!(
            p.status.as_ref().and_then(|s| s.phase.as_deref()),
            Some("Succeeded" | "Failed")
        ) {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "the first-serving client did not finish"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    let log = pods
        .logs("first-serving", &Default::default())
        .await
        .unwrap_or_default();
    log.lines()
        .filter_map(|line| {
            let rest = line.strip_prefix("first-serving ")?;
            let (addr, rest) = rest.split_once(" at ")?;
            let when = rest.split_whitespace().next()?;
            let ts: k8s_openapi::jiff::Timestamp = when.parse().ok()?;
            Some((addr.to_string(), SystemTime::from(ts)))
        })
        .collect()
}

/// Real pods: `n` Performers on the real node, from creation to a gRPC health answer through
/// the Service's name (a pod on the node dials `performer-<name>.<ns>.svc.cluster.local`),
/// against the same Pods and Services created directly. Null without the real node.
async fn real_pods_scenario(client: &Client, n: usize) -> Value {
    let nodes: Api<k8s_openapi::api::core::v1::Node> = Api::all(client.clone());
    let real = nodes
        .list(&ListParams::default().labels(&format!("{REAL_NODE_LABEL}=true")))
        .await
        .map(|l| !l.items.is_empty())
        .unwrap_or(false);
    if n == 0 || !real {
        eprintln!(
            "== real pods: skipped ({})",
            if n == 0 {
                "--real-pods 0"
            } else {
                "no real node; tests/cluster/up.sh --real-node starts one"
            }
        );
        return Value::Null;
    }
    let mut out = serde_json::Map::new();
    for via in ["hgctl", "direct"] {
        let ns = format!("bench-real-{via}-{}", std::process::id());
        create_namespace(client, &ns).await;
        let _run = (via == "hgctl").then(|| RunLocal::start(&ns));
        if via == "hgctl" {
            wait_for_lease(client, &ns).await;
        }
        let pods: Api<Pod> = Api::namespaced(client.clone(), &ns);
        let names: Vec<String> = (0..n).map(|i| format!("r{i:02}")).collect();
        let addr = |name: &str| {
            format!(
                "{}.{ns}.svc.cluster.local:{REAL_NODE_PORT}",
                render::service_name(name)
            )
        };
        let addrs: Vec<String> = names.iter().map(|n| addr(n)).collect();
        start_first_serving_client(&pods, &addrs).await;
        let created: HashMap<String, SystemTime> = stream::iter(names.clone())
            .map(|name| {
                let (client, ns) = (client.clone(), ns.clone());
                async move {
                    let p = real_node_performer(&name, &ns);
                    let asked = SystemTime::now();
                    if via == "hgctl" {
                        Api::<Performer>::namespaced(client, &ns)
                            .create(&PostParams::default(), &p)
                            .await
                            .unwrap();
                    } else {
                        let mut desired = render::desired_pod(&p).unwrap();
                        desired.pod.metadata.owner_references = None;
                        let mut svc = render::desired_service(&p, &desired.hash);
                        svc.metadata.owner_references = None;
                        Api::<Pod>::namespaced(client.clone(), &ns)
                            .create(&PostParams::default(), &desired.pod)
                            .await
                            .unwrap();
                        Api::<Service>::namespaced(client, &ns)
                            .create(&PostParams::default(), &svc)
                            .await
                            .unwrap();
                    }
                    (addr(&name), asked)
                }
            })
            .buffer_unordered(n)
            .collect()
            .await;
        let answered = first_serving_times(&pods).await;
        let latencies: Vec<f64> = created
            .iter()
            .filter_map(|(a, t)| {
                let done = answered.get(a)?;
                Some(done.duration_since(*t).unwrap_or_default().as_secs_f64() * 1000.0)
            })
            .collect();
        eprintln!(
            "== real pods via {via}: {} of {n} answered",
            latencies.len()
        );
        out.insert(
            via.into(),
            json!({"count": n, "answered": latencies.len(), "to_first_answer_ms": stats(latencies)}),
        );
        delete_namespace(client, &ns).await;
    }
    Value::Object(out)
}

fn machine() -> Value {
    let cores = std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(0);
    let mem_kib: u64 = std::fs::read_to_string("/proc/meminfo")
        .unwrap_or_default()
        .lines()
        .find(|l| l.starts_with("MemTotal:"))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|v| v.parse().ok())
        .unwrap_or(0);
    let cpu = std::fs::read_to_string("/proc/cpuinfo")
        .unwrap_or_default()
        .lines()
        .find(|l| l.starts_with("model name"))
        .and_then(|l| l.split(':').nth(1))
        .map(|s| s.trim().to_string())
        .unwrap_or_default();
    json!({"cores": cores, "memory_gib": (mem_kib as f64 / 1048576.0 * 10.0).round() / 10.0, "cpu": cpu})
}

/// The entries of a JSON object, each formatted (or skipped), comma-separated.
fn join_entries(map: &Value, entry: impl Fn(&str, &Value) -> Option<String>) -> String {
    map.as_object()
        .map(|m| {
            m.iter()
                .filter_map(|(k, v)| entry(k, v))
                .collect::<Vec<_>>()
        })
        .unwrap_or_default()
        .join(", ")
}

/// The rows of the larger run: against its floor, growth from N as an exponent, memory per
/// Performer, and the work per Performer at every N of the run.
fn scale_rows(report: &Value, scale: &Value) -> String {
    let f = |v: &Value| v.as_f64().unwrap_or(f64::NAN);
    let (r, sr, sf) = (&report["reconciler"], &scale["reconciler"], &scale["floor"]);
    let (n, m) = (f(&r["count"]), f(&sr["count"]));
    let exponent = |a: f64, b: f64| (b / a).ln() / (m / n).ln();
    let mut md = String::new();
    md.push_str(&format!(
        "| at M={m}: convergence / floor | {:.1} s / {:.1} s ({:.2}) |\n",
        f(&sr["convergence_s"]),
        f(&sf["convergence_s"]),
        f(&sr["convergence_s"]) / f(&sf["convergence_s"])
    ));
    md.push_str(&format!(
        "| growth {n} → {m} as the exponent of N: convergence / floor / run-local CPU / RSS steady | {:.2} / {:.2} / {:.2} / {:.2} |\n",
        exponent(f(&r["convergence_s"]), f(&sr["convergence_s"])),
        exponent(f(&report["floor"]["convergence_s"]), f(&sf["convergence_s"])),
        exponent(f(&r["cpu_s_convergence"]), f(&sr["cpu_s_convergence"])),
        exponent(f(&r["rss_steady_mib"]), f(&sr["rss_steady_mib"])),
    ));
    md.push_str(&format!(
        "| run-local RSS at {m}: peak / steady; per Performer from {n} to {m} (steady / peak) | {:.1} / {:.1} MiB; {:.1} / {:.1} KiB |\n",
        f(&sr["rss_peak_mib"]),
        f(&sr["rss_steady_mib"]),
        (f(&sr["rss_steady_mib"]) - f(&r["rss_steady_mib"])) * 1024.0 / (m - n),
        (f(&sr["rss_peak_mib"]) - f(&r["rss_peak_mib"])) * 1024.0 / (m - n),
    ));
    let runs: Vec<&Value> = [r, &report["reconciler_2n"], sr]
        .into_iter()
        .filter(|v| !v.is_null())
        .collect();
    let per = |key: &dyn Fn(&Value) -> f64| {
        runs.iter()
            .map(|v| format!("{:.1}", key(v) * 1000.0 / f(&v["count"])))
            .collect::<Vec<_>>()
            .join(" / ")
    };
    let counts = runs
        .iter()
        .map(|v| v["count"].to_string())
        .collect::<Vec<_>>()
        .join(" / ");
    md.push_str(&format!(
        "| run-local CPU per Performer at {counts}: convergence; rollout | {} ms; {} ms |\n",
        per(&|v| f(&v["cpu_s_convergence"])),
        per(&|v| f(&v["rollout"]["cpu_s"])),
    ));
    md.push_str(&format!(
        "| blue-green rollout of all {m} (budget {}) | {:.1} s; fewest ready endpoints per Performer {}; most pods beyond one per Performer {} |\n",
        sr["rollout"]["rollout_budget"],
        f(&sr["rollout"]["rollout_s"]),
        sr["rollout"]["min_ready_endpoints_seen"],
        sr["rollout"]["most_extra_pods"],
    ));
    let calls = join_entries(&sr["api_calls_per_performer"], |k, v| {
        Some(format!("{k} {:.2}", v.as_f64().unwrap_or(0.0)))
    });
    let writes = join_entries(&sr["rollout"]["writes_per_performer"], |k, v| {
        Some(format!("{k} {:.2}", v.as_f64().unwrap_or(0.0)))
    });
    md.push_str(&format!(
        "| API requests per Performer at {m}: convergence; rollout | {calls}; {writes} |\n"
    ));
    md
}

fn markdown(report: &Value) -> String {
    let r = &report["reconciler"];
    let f = &report["floor"];
    let lat = |k: &str, p: &str| r["latency"][k][p].as_f64().unwrap_or(f64::NAN);
    let mut md = String::new();
    md.push_str(&format!(
        "Machine: {} cores, {} GiB ({}); hgctl {}; Kubernetes {}\n\n",
        report["machine"]["cores"],
        report["machine"]["memory_gib"],
        report["machine"]["cpu"].as_str().unwrap_or(""),
        report["versions"]["hgctl"].as_str().unwrap_or(""),
        report["versions"]["kubernetes"].as_str().unwrap_or("")
    ));
    md.push_str("| measure | value |\n|---|---|\n");
    let n = r["count"].as_u64().unwrap_or(0);
    let conv = r["convergence_s"].as_f64().unwrap_or(f64::NAN);
    let floor = f["convergence_s"].as_f64().unwrap_or(f64::NAN);
    md.push_str(&format!(
        "| convergence of {n} Performers (run-local) | {conv:.1} s |\n"
    ));
    md.push_str(&format!(
        "| floor: {n} Pods + Services created directly | {floor:.1} s |\n"
    ));
    md.push_str(&format!("| convergence / floor | {:.2} |\n", conv / floor));
    for (k, label) in [
        ("performer_to_pod", "Performer → Pod created"),
        ("performer_to_service", "Performer → Service created"),
        ("performer_to_ready", "Performer → status ready"),
    ] {
        md.push_str(&format!(
            "| {label}: p50 / p90 / p99 / max | {:.0} / {:.0} / {:.0} / {:.0} ms |\n",
            lat(k, "p50_ms"),
            lat(k, "p90_ms"),
            lat(k, "p99_ms"),
            lat(k, "max_ms")
        ));
    }
    let pl = &r["paced"];
    if !pl.is_null() {
        md.push_str(&format!(
            "| {} more Performers at {}/s into the converged namespace: → Pod p50 / p99 / max, → ready p50 / p99 | {:.0} / {:.0} / {:.0} ms, {:.0} / {:.0} ms |\n",
            pl["count"], pl["rate_per_s"],
            pl["performer_to_pod"]["p50_ms"].as_f64().unwrap_or(f64::NAN),
            pl["performer_to_pod"]["p99_ms"].as_f64().unwrap_or(f64::NAN),
            pl["performer_to_pod"]["max_ms"].as_f64().unwrap_or(f64::NAN),
            pl["performer_to_ready"]["p50_ms"].as_f64().unwrap_or(f64::NAN),
            pl["performer_to_ready"]["p99_ms"].as_f64().unwrap_or(f64::NAN),
        ));
    }
    // Where the time goes: the API server's own time per write, hgctl vs the floor.
    for (who, lat) in [
        ("run-local", &r["apiserver_write_ms"]),
        ("floor", &f["apiserver_write_ms"]),
    ] {
        let parts = join_entries(lat, |k, v| {
            (v["n"].as_u64().unwrap_or(0) >= 10).then(|| {
                format!(
                    "{k} {:.0} / {:.0}",
                    v["p50_ms"].as_f64().unwrap_or(f64::NAN),
                    v["p99_ms"].as_f64().unwrap_or(f64::NAN)
                )
            })
        });
        md.push_str(&format!(
            "| API server time per write during convergence ({who}), p50 / p99 ms | {parts} |\n"
        ));
    }
    md.push_str(&format!(
        "| run-local open descriptors at peak (API connections + watches) | {} |\n",
        r["open_fds_peak"]
    ));
    let per = join_entries(&r["api_calls_per_performer"], |k, v| {
        Some(format!("{k} {:.2}", v.as_f64().unwrap_or(0.0)))
    });
    md.push_str(&format!(
        "| API requests per Performer during convergence | {per} |\n"
    ));
    md.push_str(&format!(
        "| writes in a {} s steady window | {} |\n",
        r["steady_window_s"], r["steady_writes"]
    ));
    md.push_str(&format!(
        "| run-local RSS at {n}: peak / steady | {:.1} / {:.1} MiB |\n",
        r["rss_peak_mib"].as_f64().unwrap_or(f64::NAN),
        r["rss_steady_mib"].as_f64().unwrap_or(f64::NAN)
    ));
    md.push_str(&format!(
        "| run-local CPU during convergence at {n} | {:.1} s |\n",
        r["cpu_s_convergence"].as_f64().unwrap_or(f64::NAN)
    ));
    if let Some(d) = report.get("reconciler_2n").filter(|d| !d.is_null()) {
        md.push_str(&format!(
            "| at {}: convergence / RSS peak / RSS steady / CPU | {:.1} s / {:.1} MiB / {:.1} MiB / {:.1} s |\n",
            d["count"], d["convergence_s"].as_f64().unwrap_or(f64::NAN), d["rss_peak_mib"].as_f64().unwrap_or(f64::NAN),
            d["rss_steady_mib"].as_f64().unwrap_or(f64::NAN), d["cpu_s_convergence"].as_f64().unwrap_or(f64::NAN)
        ));
    }
    if let Some(m) = report.get("scale").filter(|m| !m.is_null()) {
        md.push_str(&scale_rows(report, m));
    }
    let ro = &r["rollout"];
    md.push_str(&format!(
        "| blue-green image rollout of all {n} (rollout budget {}) | {:.1} s, fewest ready endpoints seen per Performer: {} ({} Performers ever at 0), most pods beyond one per Performer: {} |\n",
        ro["rollout_budget"], ro["rollout_s"].as_f64().unwrap_or(f64::NAN), ro["min_ready_endpoints_seen"], ro["performers_ever_at_zero_ready"], ro["most_extra_pods"]
    ));
    let writes = join_entries(&ro["writes_per_performer"], |k, v| {
        Some(format!("{k} {:.2}", v.as_f64().unwrap_or(0.0)))
    });
    md.push_str(&format!(
        "| the rollout's cost per Performer: run-local CPU / API writes | {:.1} ms / {writes} |\n",
        ro["cpu_s"].as_f64().unwrap_or(f64::NAN) * 1000.0 / n as f64
    ));
    md.push_str(&format!(
        "| run-local CPU per Performer during convergence | {:.1} ms |\n",
        r["cpu_s_convergence"].as_f64().unwrap_or(f64::NAN) * 1000.0 / n as f64
    ));
    if let Some(cli) = r["cli"].as_object() {
        for (k, v) in cli {
            md.push_str(&format!(
                "| `hgctl {k}` at {n} | {:.2} s (exit {}) |\n",
                v["wall_s"].as_f64().unwrap_or(f64::NAN),
                v["exit_code"]
            ));
        }
    }
    let real = &report["real_pods"];
    if real.is_object() {
        let cell = |via: &str| {
            let v = &real[via];
            let t = &v["to_first_answer_ms"];
            format!(
                "{:.0} / {:.0} / {:.0} ms ({} of {} answered)",
                t["p50_ms"].as_f64().unwrap_or(f64::NAN),
                t["p99_ms"].as_f64().unwrap_or(f64::NAN),
                t["max_ms"].as_f64().unwrap_or(f64::NAN),
                v["answered"],
                v["count"]
            )
        };
        md.push_str(&format!(
            "| real node, {} Performers: creation → gRPC health answer through the Service name, p50 / p99 / max | hgctl {}; the same Pods + Services created directly {} |\n",
            real["hgctl"]["count"],
            cell("hgctl"),
            cell("direct")
        ));
    }
    md
}

#[tokio::main]
async fn main() {
    let args = parse_args();
    let client = client().await;
    install_crds(&client).await;
    let server = client
        .apiserver_version()
        .await
        .map(|v| v.git_version)
        .unwrap_or_default();
    let versions = json!({"hgctl": env!("CARGO_PKG_VERSION"), "kubernetes": server, "rustc": option_env!("RUSTC_VERSION")});
    eprintln!("machine {} | versions {}", machine(), versions);

    // First, on a quiet cluster: real containers start, probes answer, names resolve.
    let real = real_pods_scenario(&client, args.real_pods).await;
    eprintln!("{real:#}");
    eprintln!("== reconciler at N={}", args.count);
    let reconciler = reconciler_scenario(&client, args.count, &args).await;
    eprintln!("{reconciler:#}");
    eprintln!("== floor at N={}", args.count);
    let floor = floor_scenario(&client, args.count, &args).await;
    eprintln!("{floor:#}");
    // The larger runs keep a short steady window: the one at N says whether idle is quiet.
    let short = Args {
        steady_secs: 10,
        ..args
    };
    let double = if short.skip_double {
        Value::Null
    } else {
        eprintln!("== reconciler at 2N={}", 2 * short.count);
        let d = reconciler_scenario(&client, 2 * short.count, &short).await;
        eprintln!("{d:#}");
        d
    };
    let scale = match short.scale {
        None => Value::Null,
        Some(m) => {
            // The real node's kube-proxy would program M Services on the same cores.
            stop_real_node();
            eprintln!("== reconciler at M={m}");
            let r = reconciler_scenario(&client, m, &short).await;
            eprintln!("{r:#}");
            eprintln!("== floor at M={m}");
            let f = floor_scenario(&client, m, &short).await;
            eprintln!("{f:#}");
            json!({"reconciler": r, "floor": f})
        }
    };
    let report = json!({
        "machine": machine(),
        "versions": versions,
        "args": {"count": short.count, "concurrency": short.concurrency, "scale": short.scale},
        "reconciler": reconciler,
        "floor": floor,
        "reconciler_2n": double,
        "scale": scale,
        "real_pods": real,
    });
    finish(&short, &report);
}

/// Stops the real node (the cluster scripts' own way), when one runs.
fn stop_real_node() {
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/cluster/node/down.sh");
    match std::process::Command::new(script).status() {
        Ok(s) if s.success() => eprintln!("== real node stopped for the scale run"),
        other => eprintln!(
            "== could not stop the real node ({other:?}); the scale run shares the cores with it"
        ),
    }
}

fn finish(args: &Args, report: &Value) {
    std::fs::create_dir_all(&args.out).unwrap();
    let json_path = Path::new(&args.out).join("report.json");
    let md_path = Path::new(&args.out).join("report.md");
    std::fs::write(&json_path, serde_json::to_string_pretty(report).unwrap()).unwrap();
    let md = markdown(report);
    std::fs::write(&md_path, &md).unwrap();
    println!("{md}");
    println!("wrote {} and {}", json_path.display(), md_path.display());
}
