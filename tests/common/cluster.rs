//! The local test cluster (real etcd, kube-apiserver, controller-manager, scheduler and kwok
//! fake nodes) started by `tests/cluster/up.sh`.
//!
//! * [`client`] connects to it through the kubeconfig named by `HGCTL_TEST_KUBECONFIG`
//!   (`source /tmp/hgctl-cluster/env` after `tests/cluster/up.sh`). Without that variable every
//!   end-to-end test panics: they never pass silently without a cluster.
//! * [`TestNamespace`] gives a test its own namespace (unique name, `default` ServiceAccount
//!   present) and deletes it when dropped, also when the test panics. Set
//!   `HGCTL_TEST_KEEP_NAMESPACES=1` to keep them for debugging; all carry the label
//!   `hgctl.test/e2e=true` (`kubectl delete ns -l hgctl.test/e2e=true` removes leftovers).
//! * [`wait_for`] polls an async condition until it holds or a timeout panics with the last
//!   observation. Use it instead of sleeps.

use std::collections::hash_map::RandomState;
use std::fmt::Display;
use std::future::Future;
use std::hash::{BuildHasher, Hasher};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use k8s_openapi::api::core::v1::{Namespace, ServiceAccount};
use kube::api::{Api, DeleteParams, PostParams};
use kube::config::{KubeConfigOptions, Kubeconfig};
use kube::{Client, Config};

/// Environment variable holding the path of the test cluster's kubeconfig.
pub const KUBECONFIG_ENV: &str = "HGCTL_TEST_KUBECONFIG";
/// Environment variable that keeps test namespaces instead of deleting them.
pub const KEEP_NAMESPACES_ENV: &str = "HGCTL_TEST_KEEP_NAMESPACES";
/// Label put on every namespace created by [`TestNamespace`].
pub const TEST_NAMESPACE_LABEL: (&str, &str) = ("hgctl.test/e2e", "true");
/// Label on the nodes of `tests/cluster/inventory.yaml` (`extra` for `add-nodes.sh` nodes).
pub const INVENTORY_LABEL: &str = "hgctl.test/inventory";

/// How long [`TestNamespace::create`] waits for the namespace's `default` ServiceAccount.
const SERVICE_ACCOUNT_TIMEOUT: Duration = Duration::from_secs(60);
/// Pause between two checks of [`wait_for`].
const POLL_INTERVAL: Duration = Duration::from_millis(200);

/// `tests/cluster/` in this repository.
pub fn cluster_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests")
        .join("cluster")
}

/// Path of the test cluster's kubeconfig, from `HGCTL_TEST_KUBECONFIG`.
///
/// Panics with instructions when the variable is unset or the file is missing.
pub fn kubeconfig_path() -> PathBuf {
    let path = match std::env::var_os(KUBECONFIG_ENV) {
        Some(p) if !p.is_empty() => PathBuf::from(p),
        _ => panic!(
            "{KUBECONFIG_ENV} is not set: these end-to-end tests need the local test cluster. \
             Start it with tests/cluster/up.sh, then `source /tmp/hgctl-cluster/env` \
             (or export {KUBECONFIG_ENV}=/tmp/hgctl-cluster/kubeconfig) and run the tests again."
        ),
    };
    assert!(
        path.is_file(),
        "{KUBECONFIG_ENV}={} does not exist: is the test cluster running? \
         Start it with tests/cluster/up.sh",
        path.display()
    );
    path
}

/// A new [`Client`] for the test cluster (built from the `HGCTL_TEST_KUBECONFIG` file only; the
/// user's own kubeconfig and `KUBECONFIG` are never read).
pub async fn client() -> Client {
    client_for(&kubeconfig_path()).await
}

/// A new [`Client`] from the kubeconfig file `path` only (e.g. a private cluster's, or one
/// written for a ServiceAccount token).
pub async fn client_for(path: &Path) -> Client {
    let kubeconfig = Kubeconfig::read_from(path)
        .unwrap_or_else(|e| panic!("cannot read kubeconfig {}: {e}", path.display()));
    let config = Config::from_custom_kubeconfig(kubeconfig, &KubeConfigOptions::default())
        .await
        .unwrap_or_else(|e| panic!("invalid kubeconfig {}: {e}", path.display()));
    Client::try_from(config)
        .unwrap_or_else(|e| panic!("cannot build a client for {}: {e}", path.display()))
}

/// The Kubernetes version the cluster binaries were built from (`k8s.io/kubernetes` in
/// `tests/cluster/build/k8s/go.mod`), e.g. `v1.36.3`.
pub fn built_k8s_version() -> String {
    let go_mod = cluster_dir().join("build").join("k8s").join("go.mod");
    let text = std::fs::read_to_string(&go_mod)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", go_mod.display()));
    text.lines()
        .map(|l| l.trim().trim_start_matches("require").trim())
        .find_map(|l| l.strip_prefix("k8s.io/kubernetes "))
        .map(|v| v.split_whitespace().next().unwrap_or_default().to_string())
        .unwrap_or_else(|| panic!("no k8s.io/kubernetes requirement in {}", go_mod.display()))
}

/// Names of the Nodes declared in `tests/cluster/inventory.yaml`, in file order.
pub fn inventory_node_names() -> Vec<String> {
    inventory_names_of_kind("Node")
}

/// Names of the objects of `kind` (e.g. `"Node"`, `"RuntimeClass"`) in `tests/cluster/inventory.yaml`.
pub fn inventory_names_of_kind(kind: &str) -> Vec<String> {
    let path = cluster_dir().join("inventory.yaml");
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    // The file is plain block YAML: each document has top-level `kind:` and `metadata:` keys with
    // `name:` as a two-space-indented child of `metadata`.
    text.split("\n---")
        .filter(|doc| doc.lines().any(|l| l.trim_end() == format!("kind: {kind}")))
        .filter_map(|doc| {
            let mut in_metadata = false;
            for line in doc.lines() {
                if line.starts_with("metadata:") {
                    in_metadata = true;
                } else if in_metadata && !line.starts_with(' ') && !line.trim().is_empty() {
                    in_metadata = false;
                } else if in_metadata && let Some(name) = line.strip_prefix("  name: ") {
                    return Some(name.trim().trim_matches('"').to_string());
                }
            }
            None
        })
        .collect()
}

/// A condition result for [`wait_for`]: `Some(v)`/`Ok(v)` means done with `v`; `None` or
/// `Err(e)` means "not yet" (`e` is reported if the wait times out, so transient API errors can
/// simply be returned). Note that `Ok(None)` of a `Result<Option<T>, E>` counts as done.
pub trait Condition {
    type Value;
    fn into_outcome(self) -> Result<Self::Value, String>;
}

impl<T> Condition for Option<T> {
    type Value = T;
    fn into_outcome(self) -> Result<T, String> {
        self.ok_or_else(|| "condition not met".to_string())
    }
}

impl<T, E: Display> Condition for Result<T, E> {
    type Value = T;
    fn into_outcome(self) -> Result<T, String> {
        self.map_err(|e| e.to_string())
    }
}

/// Poll `check` every 200 ms until it yields a value, and return that value; panic after
/// `timeout` with `what` and the last "not yet" reason.
///
/// ```ignore
/// let pod = wait_for(Duration::from_secs(60), "pod web to be Running", || async {
///     let pod = pods.get("web").await.map_err(|e| e.to_string())?;
///     match pod.status.as_ref().and_then(|s| s.phase.as_deref()) {
///         Some("Running") => Ok(pod),
///         phase => Err(format!("phase is {phase:?}")),
///     }
/// })
/// .await;
/// ```
pub async fn wait_for<F, Fut>(
    timeout: Duration,
    what: impl Display,
    mut check: F,
) -> <Fut::Output as Condition>::Value
where
    F: FnMut() -> Fut,
    Fut: Future,
    Fut::Output: Condition,
{
    let start = Instant::now();
    let deadline = start + timeout;
    let mut attempts = 0u32;
    let mut last = String::new();
    loop {
        attempts += 1;
        let remaining = deadline.saturating_duration_since(Instant::now());
        // Bound each check too, so a hanging request cannot outlive the timeout.
        match tokio::time::timeout(remaining.max(Duration::from_millis(1)), check()).await {
            Ok(outcome) => match outcome.into_outcome() {
                Ok(value) => return value,
                Err(reason) => last = reason,
            },
            // Keep what the previous check saw: it says what was still missing.
            Err(_) => {
                last = if last.is_empty() {
                    "the check itself did not finish before the deadline".to_string()
                } else {
                    format!("{last} (the check after it did not finish before the deadline)")
                }
            }
        }
        if Instant::now() + POLL_INTERVAL > deadline {
            panic!(
                "timed out after {:.1}s ({attempts} checks) waiting for {what}; last observation: {last}",
                start.elapsed().as_secs_f64()
            );
        }
        tokio::time::sleep(POLL_INTERVAL).await;
    }
}

/// A namespace of its own for one test. Created by [`TestNamespace::create`]; deleted (in the
/// background, not waited for) when dropped, including when the test panics.
pub struct TestNamespace {
    name: String,
    client: Client,
}

impl TestNamespace {
    /// Create a namespace named `<prefix>-<random>` (prefix sanitized to a DNS label), labelled
    /// [`TEST_NAMESPACE_LABEL`], and wait until its `default` ServiceAccount exists (pods are
    /// rejected before that).
    pub async fn create(prefix: &str) -> TestNamespace {
        Self::create_with_labels(prefix, &[]).await
    }

    /// Like [`TestNamespace::create`], with extra namespace labels, e.g.
    /// `&[("pod-security.kubernetes.io/enforce", "restricted")]`.
    pub async fn create_with_labels(prefix: &str, labels: &[(&str, &str)]) -> TestNamespace {
        let client = client().await;
        let name = unique_name(prefix);
        let mut all_labels = serde_json::Map::new();
        all_labels.insert(TEST_NAMESPACE_LABEL.0.into(), TEST_NAMESPACE_LABEL.1.into());
        for (k, v) in labels {
            all_labels.insert((*k).into(), (*v).into());
        }
        let ns: Namespace = serde_json::from_value(serde_json::json!({
            "apiVersion": "v1",
            "kind": "Namespace",
            "metadata": { "name": name, "labels": all_labels },
        }))
        .expect("valid Namespace");
        Api::<Namespace>::all(client.clone())
            .create(&PostParams::default(), &ns)
            .await
            .unwrap_or_else(|e| panic!("cannot create test namespace {name}: {e}"));
        // From here on the guard exists, so the namespace is cleaned up even if the wait panics.
        let guard = TestNamespace { name, client };
        let sas: Api<ServiceAccount> = guard.api();
        wait_for(
            SERVICE_ACCOUNT_TIMEOUT,
            format_args!("ServiceAccount default in namespace {}", guard.name),
            || async {
                match sas.get_opt("default").await {
                    Ok(Some(sa)) => Ok(sa),
                    Ok(None) => {
                        Err("not created yet (the controller-manager creates it)".to_string())
                    }
                    Err(e) => Err(e.to_string()),
                }
            },
        )
        .await;
        guard
    }

    /// The namespace's name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// A client for the test cluster (cheap to clone).
    pub fn client(&self) -> Client {
        self.client.clone()
    }

    /// A namespaced `Api` for this namespace.
    pub fn api<K>(&self) -> Api<K>
    where
        K: kube::Resource<Scope = k8s_openapi::NamespaceResourceScope>,
        <K as kube::Resource>::DynamicType: Default,
    {
        Api::namespaced(self.client.clone(), &self.name)
    }
}

impl TestNamespace {
    /// The namespace's pods in one line each (phase, readiness, node, deleting, waiting
    /// reason): what a timed-out wait adds to its last observation.
    pub async fn pods_seen(&self) -> String {
        let pods = match self
            .api::<k8s_openapi::api::core::v1::Pod>()
            .list(&Default::default())
            .await
        {
            Ok(list) => list.items,
            Err(e) => return format!("(listing pods failed: {e})"),
        };
        if pods.is_empty() {
            return "no pods".into();
        }
        pods.iter()
            .map(|pod| {
                let status = pod.status.clone().unwrap_or_default();
                let ready = status
                    .conditions
                    .iter()
                    .flatten()
                    .find(|c| c.type_ == "Ready")
                    .map_or("-", |c| c.status.as_str())
                    .to_string();
                let waiting: Vec<String> = status
                    .container_statuses
                    .iter()
                    .flatten()
                    .filter_map(|c| c.state.as_ref()?.waiting.as_ref()?.reason.clone())
                    .collect();
                format!(
                    "pod {} phase={} ready={ready} node={}{}{}",
                    pod.metadata.name.as_deref().unwrap_or("?"),
                    status.phase.as_deref().unwrap_or("-"),
                    pod.spec
                        .as_ref()
                        .and_then(|s| s.node_name.as_deref())
                        .unwrap_or("<unscheduled>"),
                    if pod.metadata.deletion_timestamp.is_some() {
                        " deleting"
                    } else {
                        ""
                    },
                    if waiting.is_empty() {
                        String::new()
                    } else {
                        format!(" waiting={}", waiting.join(","))
                    },
                )
            })
            .collect::<Vec<_>>()
            .join("; ")
    }
}

impl Drop for TestNamespace {
    fn drop(&mut self) {
        if std::env::var_os(KEEP_NAMESPACES_ENV).is_some_and(|v| !v.is_empty() && v != "0") {
            eprintln!(
                "keeping test namespace {} ({KEEP_NAMESPACES_ENV} is set)",
                self.name
            );
            return;
        }
        // Drop cannot await, and the test's runtime may be single-threaded (or unwinding): delete
        // from a separate thread with its own runtime and its own client, and wait for the API
        // server to accept the deletion (the namespace controller finishes it asynchronously).
        let name = self.name.clone();
        let result = std::thread::spawn(move || {
            let rt = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .map_err(|e| e.to_string())?;
            rt.block_on(async {
                let client = client().await;
                match Api::<Namespace>::all(client)
                    .delete(&name, &DeleteParams::background())
                    .await
                {
                    Ok(_) => Ok(()),
                    Err(kube::Error::Api(e)) if e.code == 404 => Ok(()),
                    Err(e) => Err(e.to_string()),
                }
            })
        })
        .join();
        match result {
            Ok(Ok(())) => {}
            Ok(Err(e)) => eprintln!(
                "warning: could not delete test namespace {}: {e}",
                self.name
            ),
            Err(_) => eprintln!("warning: deleting test namespace {} panicked", self.name),
        }
    }
}

/// `<prefix>-<8 hex chars>`: a valid DNS label, unique across tests and test processes.
pub fn unique_name(prefix: &str) -> String {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let mut clean: String = prefix
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '-'
            }
        })
        .collect();
    clean.truncate(50);
    let clean = clean.trim_matches('-');
    let clean = if clean.is_empty() { "test" } else { clean };
    let mut h = RandomState::new().build_hasher();
    h.write_u64(COUNTER.fetch_add(1, Ordering::Relaxed));
    h.write_u32(std::process::id());
    h.write_u128(
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap_or_default()
            .as_nanos(),
    );
    format!("{clean}-{:08x}", h.finish() as u32)
}

/// Creates the Secret `operator-keys` the executor examples name, holding made-up
/// test keys (never real ones; the secrecy tests grep for these bytes).
pub async fn create_operator_keys(ns: &TestNamespace) {
    let secret: k8s_openapi::api::core::v1::Secret = serde_json::from_value(serde_json::json!({
        "metadata": {"name": "operator-keys"},
        "stringData": {
            "operator-private-key": "0x1111111111111111111111111111111111111111111111111111111111111111",
            "ecdsa-private-key": "0x2222222222222222222222222222222222222222222222222222222222222222",
        },
    }))
    .expect("a Secret");
    ns.api::<k8s_openapi::api::core::v1::Secret>()
        .create(&PostParams::default(), &secret)
        .await
        .expect("creating the operator-keys Secret");
}

/// Server-side applies `body` the way `kubectl apply --server-side --force-conflicts`
/// does (field manager `kubectl-test`): a user's write, not hgctl's.
pub async fn try_kubectl_apply<K>(api: &Api<K>, body: &serde_json::Value) -> Result<K, kube::Error>
where
    K: kube::Resource + Clone + serde::de::DeserializeOwned + std::fmt::Debug,
{
    let name = body["metadata"]["name"].as_str().expect("metadata.name");
    api.patch(
        name,
        &kube::api::PatchParams::apply("kubectl-test").force(),
        &kube::api::Patch::Apply(body),
    )
    .await
}

/// [`try_kubectl_apply`], panicking with the object's name when the API server refuses.
pub async fn kubectl_apply<K>(api: &Api<K>, body: &serde_json::Value) -> K
where
    K: kube::Resource + Clone + serde::de::DeserializeOwned + std::fmt::Debug,
{
    try_kubectl_apply(api, body)
        .await
        .unwrap_or_else(|e| panic!("applying {}: {e}", body["metadata"]["name"]))
}
