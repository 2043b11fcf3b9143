//! Fills a [`Snapshot`] from the cluster. Every call is bounded by a timeout,
//! and a call the user has no right to make becomes `Missing::Forbidden`
//! ("no permission to list nodes"), never an error: doctor never hangs and
//! never stops at the first wall.

use std::future::Future;
use std::time::Duration;

use k8s_openapi::api::apps::v1::{Deployment, StatefulSet};
use k8s_openapi::api::authorization::v1::{
    ResourceAttributes, SelfSubjectAccessReview, SelfSubjectAccessReviewSpec,
};
use k8s_openapi::api::coordination::v1::Lease;
use k8s_openapi::api::core::v1::{Event, Node, Pod, Secret, Service};
use k8s_openapi::api::discovery::v1::EndpointSlice;
use k8s_openapi::api::node::v1::RuntimeClass;
use k8s_openapi::api::resource::v1::{DeviceClass, ResourceClaim, ResourceSlice};
use k8s_openapi::apiextensions_apiserver::pkg::apis::apiextensions::v1::CustomResourceDefinition;
use k8s_openapi::jiff::Timestamp;
use kube::api::{Api, ListParams, LogParams, PostParams};
use kube::{Client, Resource};
use serde::de::DeserializeOwned;

use super::snapshot::{
    ClusterInfo, ExecutorWorkload, Gathered, Missing, Right, SecretKeys, Snapshot,
};
use crate::api::{HourglassExecutor, Performer};
use crate::cluster::Connection;
use crate::install::manifests;
use crate::reconcile::lease::LEASE_NAME;

/// How long one API call may take.
pub const CALL_TIMEOUT: Duration = Duration::from_secs(10);
/// Log lines shown for a crash-looping container.
pub const LOG_LINES: i64 = 5;
/// Lines read from each executor container, scanned for known fatal lines.
pub const EXECUTOR_LOG_LINES: i64 = 50;

/// What to read.
#[derive(Debug, Clone, Default)]
pub struct Scope {
    /// None: every namespace.
    pub namespace: Option<String>,
    pub names: Vec<String>,
    pub pre: bool,
}

/// Runs one call with [`CALL_TIMEOUT`]; 403 becomes `Forbidden(what)`.
pub async fn bounded<T>(
    what: &str,
    call: impl Future<Output = Result<T, kube::Error>>,
) -> Gathered<T> {
    match tokio::time::timeout(CALL_TIMEOUT, call).await {
        Err(_) => Err(Missing::Failed(format!(
            "could not {what}: no answer within {}s",
            CALL_TIMEOUT.as_secs()
        ))),
        Ok(Err(kube::Error::Api(s))) if s.code == 403 => Err(Missing::Forbidden(what.to_string())),
        Ok(Err(e)) => Err(Missing::Failed(format!("could not {what}: {e}"))),
        Ok(Ok(v)) => Ok(v),
    }
}

async fn list<K>(api: Api<K>, what: impl AsRef<str>, params: ListParams) -> Gathered<Vec<K>>
where
    K: Resource + Clone + DeserializeOwned + std::fmt::Debug,
{
    bounded(what.as_ref(), async {
        api.list(&params).await.map(|l| l.items)
    })
    .await
}

fn scoped<K>(client: &Client, ns: Option<&str>) -> Api<K>
where
    K: Resource<Scope = k8s_openapi::NamespaceResourceScope>,
    <K as Resource>::DynamicType: Default,
{
    match ns {
        Some(ns) => Api::namespaced(client.clone(), ns),
        None => Api::all(client.clone()),
    }
}

fn in_ns(kind: &str, ns: Option<&str>) -> String {
    match ns {
        Some(ns) => format!("list {kind} in namespace {ns}"),
        None => format!("list {kind} in all namespaces"),
    }
}

/// The rights `hgctl install` needs, asked with SelfSubjectAccessReviews.
pub fn install_rights() -> Vec<Right> {
    let r = |verb: &str, group: &str, resource: &str, ns: Option<&str>| Right {
        verb: verb.into(),
        group: group.into(),
        resource: resource.into(),
        namespace: ns.map(str::to_string),
    };
    let ns = Some(manifests::DEFAULT_NAMESPACE);
    vec![
        r(
            "create",
            "apiextensions.k8s.io",
            "customresourcedefinitions",
            None,
        ),
        r("create", "rbac.authorization.k8s.io", "clusterroles", None),
        r(
            "create",
            "rbac.authorization.k8s.io",
            "clusterrolebindings",
            None,
        ),
        r("create", "", "namespaces", None),
        r("create", "apps", "deployments", ns),
    ]
}

async fn can(client: &Client, right: &Right) -> Gathered<bool> {
    let review = SelfSubjectAccessReview {
        spec: SelfSubjectAccessReviewSpec {
            resource_attributes: Some(ResourceAttributes {
                verb: Some(right.verb.clone()),
                group: Some(right.group.clone()),
                resource: Some(right.resource.clone()),
                namespace: right.namespace.clone(),
                ..Default::default()
            }),
            ..Default::default()
        },
        ..Default::default()
    };
    let api: Api<SelfSubjectAccessReview> = Api::all(client.clone());
    bounded("create selfsubjectaccessreviews", async {
        api.create(&PostParams::default(), &review).await
    })
    .await
    .map(|a| a.status.is_some_and(|s| s.allowed))
}

/// Reads everything the checks need. Unreachable: only `cluster` is set.
pub async fn gather(conn: &Connection, scope: &Scope, now: Timestamp) -> Snapshot {
    let mut s = Snapshot::empty(now);
    s.namespace = scope.namespace.clone();
    s.names = scope.names.clone();
    let client = conn.client.clone();
    let context = conn.context.clone();
    match bounded(
        "ask the API server for its version",
        client.apiserver_version(),
    )
    .await
    {
        Ok(info) => {
            s.cluster = Ok(ClusterInfo {
                context,
                server: conn.server.clone(),
                version: Some(info.git_version),
            })
        }
        Err(m) => {
            s.cluster = Err(format!(
                "cannot reach the API server {} (context {}): {}",
                conn.server,
                context.as_deref().unwrap_or("in-cluster"),
                match m {
                    Missing::Forbidden(_) => "it refused the credentials".to_string(),
                    other => other.reason(),
                }
            ));
            return s;
        }
    }
    let ns = scope.namespace.as_deref();

    let nodes = list(
        Api::<Node>::all(client.clone()),
        "list nodes",
        ListParams::default(),
    );
    let rcs = list(
        Api::<RuntimeClass>::all(client.clone()),
        "list runtimeclasses",
        ListParams::default(),
    );
    if scope.pre {
        let rights = async {
            let mut out = Vec::new();
            for right in install_rights() {
                match can(&client, &right).await {
                    Ok(ok) => out.push((right, ok)),
                    Err(m) => return Err(m),
                }
            }
            Ok(out)
        };
        let (n, r, rights) = tokio::join!(nodes, rcs, rights);
        s.nodes = n;
        s.runtime_classes = r;
        s.rights = rights;
        return s;
    }

    let crds = list(
        Api::<CustomResourceDefinition>::all(client.clone()),
        "list customresourcedefinitions",
        ListParams::default(),
    );
    let performers = list(
        scoped::<Performer>(&client, ns),
        in_ns("performers", ns),
        ListParams::default(),
    );
    let executors = list(
        scoped::<HourglassExecutor>(&client, ns),
        in_ns("hourglassexecutors", ns),
        ListParams::default(),
    );
    let services = list(
        scoped::<Service>(&client, ns),
        in_ns("services", ns),
        ListParams::default(),
    );
    let slices = list(
        scoped::<EndpointSlice>(&client, ns),
        in_ns("endpointslices", ns),
        ListParams::default(),
    );
    let pods = pods(&client, ns);
    let by_name = ListParams::default().fields(&format!("metadata.name={LEASE_NAME}"));
    let leases = operator_leases(&client, ns, &by_name);
    let deployments = operator_deployments(&client, &by_name);
    let executor_workloads = executor_workloads(&client, ns);
    let (n, r, c, p, e, sv, sl, (pods, wide), l, d, w) = tokio::join!(
        nodes,
        rcs,
        crds,
        performers,
        executors,
        services,
        slices,
        pods,
        leases,
        deployments,
        executor_workloads
    );
    // DRA's objects matter only to Performers that take their GPUs through it.
    let any_dra = p
        .iter()
        .flatten()
        .any(|p| crate::render::performer::dra_gpu_claim(p).is_some());
    if any_dra {
        gather_dra(&mut s, &client).await;
    }
    s.nodes = n;
    s.runtime_classes = r;
    s.crds = c;
    s.performers = p;
    s.executors = e;
    s.services = sv;
    s.endpoint_slices = sl;
    s.pods = pods;
    s.pods_cluster_wide = wide;
    s.leases = l;
    s.operator_deployments = d;
    s.executor_workloads = w;
    s.secrets = secrets(&client, &s).await;
    s.logs = crash_logs(&client, &s).await;
    s.unhealthy = unhealthy_events(&client, &s).await;
    s.logs.extend(executor_logs(&client, &s).await);
    s
}

/// Every namespace's pods when allowed (free GPUs depend on all of them), else the scope's;
/// and whether they are every namespace's.
async fn pods(client: &Client, ns: Option<&str>) -> (Gathered<Vec<Pod>>, bool) {
    match list(
        Api::<Pod>::all(client.clone()),
        "list pods in all namespaces",
        ListParams::default(),
    )
    .await
    {
        Ok(p) => (Ok(p), true),
        Err(Missing::Forbidden(_)) if ns.is_some() => (
            list(
                scoped::<Pod>(client, ns),
                in_ns("pods", ns),
                ListParams::default(),
            )
            .await,
            false,
        ),
        Err(m) => (Err(m), false),
    }
}

/// The leases named `hgctl-operator` in every namespace, else (not allowed) in the default
/// operator namespace and the scope's.
async fn operator_leases(
    client: &Client,
    ns: Option<&str>,
    by_name: &ListParams,
) -> Gathered<Vec<Lease>> {
    match list(
        Api::<Lease>::all(client.clone()),
        "list leases in all namespaces",
        by_name.clone(),
    )
    .await
    {
        Err(Missing::Forbidden(what)) => {
            // Fall back to the default lease namespace and the scope's.
            let mut found = Vec::new();
            let mut places = vec![manifests::DEFAULT_NAMESPACE.to_string()];
            places.extend(ns.map(str::to_string));
            let mut any_ok = false;
            for place in places {
                let api: Api<Lease> = Api::namespaced(client.clone(), &place);
                if let Ok(l) = bounded("get leases", api.get_opt(LEASE_NAME)).await {
                    any_ok = true;
                    found.extend(l);
                }
            }
            if any_ok {
                Ok(found)
            } else {
                Err(Missing::Forbidden(what))
            }
        }
        other => other,
    }
}

/// The Deployments named `hgctl-operator` in every namespace, else in the default namespace.
async fn operator_deployments(client: &Client, by_name: &ListParams) -> Gathered<Vec<Deployment>> {
    match list(
        Api::<Deployment>::all(client.clone()),
        "list deployments in all namespaces",
        by_name.clone(),
    )
    .await
    {
        Err(Missing::Forbidden(what)) => {
            let api: Api<Deployment> =
                Api::namespaced(client.clone(), manifests::DEFAULT_NAMESPACE);
            match bounded("get deployments", api.get_opt(manifests::NAME)).await {
                Ok(d) => Ok(d.into_iter().collect()),
                Err(_) => Err(Missing::Forbidden(what)),
            }
        }
        other => other,
    }
}

/// The executors' Deployments and StatefulSets (labelled with the executor).
async fn executor_workloads(client: &Client, ns: Option<&str>) -> Gathered<Vec<ExecutorWorkload>> {
    let by_executor = ListParams::default().labels(crate::render::executor::LABEL_EXECUTOR);
    let deployments = list(
        scoped::<Deployment>(client, ns),
        in_ns("deployments", ns),
        by_executor.clone(),
    )
    .await?;
    let stateful_sets = list(
        scoped::<StatefulSet>(client, ns),
        in_ns("statefulsets", ns),
        by_executor.clone(),
    )
    .await?;
    Ok(deployments
        .iter()
        .map(ExecutorWorkload::from_deployment)
        .chain(
            stateful_sets
                .iter()
                .map(ExecutorWorkload::from_stateful_set),
        )
        .collect())
}

/// The Secrets executors name: their key names only; values are dropped here.
async fn secrets(client: &Client, s: &Snapshot) -> Gathered<Vec<SecretKeys>> {
    let mut out = Vec::new();
    for e in s.executors_in_scope() {
        let Some(name) = e
            .spec
            .config
            .as_ref()
            .and_then(|c| c.operator_keys.as_ref())
            .and_then(|k| k.secret_ref.as_ref())
            .map(|r| r.name.clone())
        else {
            continue;
        };
        let ns = e.metadata.namespace.clone().unwrap_or_default();
        let api: Api<Secret> = Api::namespaced(client.clone(), &ns);
        let found = bounded(
            &format!("get secrets in namespace {ns}"),
            api.get_opt(&name),
        )
        .await?;
        if let Some(secret) = found {
            let mut keys: Vec<String> = secret
                .data
                .iter()
                .flatten()
                .map(|(k, _)| k.clone())
                .collect();
            keys.extend(secret.string_data.iter().flatten().map(|(k, _)| k.clone()));
            keys.sort();
            keys.dedup();
            out.push(SecretKeys {
                namespace: ns,
                name,
                keys,
            });
        }
    }
    Ok(out)
}

/// The kubelet's `Unhealthy` events (probe failures) of the Performer pods that run but are
/// not Ready: one bounded list per such pod.
async fn unhealthy_events(client: &Client, s: &Snapshot) -> Gathered<Vec<Event>> {
    let mut out = Vec::new();
    for p in s.performers_in_scope() {
        let ns = p.metadata.namespace.clone().unwrap_or_default();
        let name = p.metadata.name.clone().unwrap_or_default();
        for pod in s.pods_of(&ns, &name) {
            let status = pod.status.as_ref();
            let running = status.and_then(|s| s.phase.as_deref()) == Some("Running");
            let ready = status
                .and_then(|s| s.conditions.as_ref())
                .is_some_and(|cs| cs.iter().any(|c| c.type_ == "Ready" && c.status == "True"));
            if !running || ready {
                continue;
            }
            let pod_name = pod.metadata.name.clone().unwrap_or_default();
            let params = ListParams::default().fields(&format!(
                "involvedObject.kind=Pod,involvedObject.name={pod_name},reason=Unhealthy"
            ));
            out.extend(
                list(
                    Api::<Event>::namespaced(client.clone(), &ns),
                    format!("list events in {ns}"),
                    params,
                )
                .await?,
            );
        }
    }
    Ok(out)
}

/// The previous container's last lines, for pods in CrashLoopBackOff.
async fn crash_logs(
    client: &Client,
    s: &Snapshot,
) -> std::collections::BTreeMap<String, Result<String, String>> {
    let mut out = std::collections::BTreeMap::new();
    for p in s.performers_in_scope() {
        let ns = p.metadata.namespace.clone().unwrap_or_default();
        let name = p.metadata.name.clone().unwrap_or_default();
        for pod in s.pods_of(&ns, &name) {
            let looping = pod
                .status
                .as_ref()
                .and_then(|st| st.container_statuses.as_ref())
                .into_iter()
                .flatten()
                .find(|c| {
                    c.state
                        .as_ref()
                        .and_then(|st| st.waiting.as_ref())
                        .and_then(|w| w.reason.as_deref())
                        == Some("CrashLoopBackOff")
                });
            let Some(container) = looping else { continue };
            let pod_name = pod.metadata.name.clone().unwrap_or_default();
            let api: Api<Pod> = Api::namespaced(client.clone(), &ns);
            let params = LogParams {
                container: Some(container.name.clone()),
                previous: true,
                tail_lines: Some(LOG_LINES),
                ..Default::default()
            };
            let text = bounded(
                &format!("read logs in namespace {ns}"),
                api.logs(&pod_name, &params),
            )
            .await
            .map_err(|m| m.reason());
            out.insert(format!("{ns}/{pod_name}"), text);
        }
    }
    out
}

/// The last lines of each executor container: of the previous run when it is
/// crash-looping and the kubelet kept no termination message, else of the
/// current one (fatal lines such as failed TLS handshakes do not stop it).
/// Doctor redacts keys before anything is shown.
async fn executor_logs(
    client: &Client,
    s: &Snapshot,
) -> std::collections::BTreeMap<String, Result<String, String>> {
    let mut out = std::collections::BTreeMap::new();
    for e in s.executors_in_scope() {
        let ns = e.metadata.namespace.clone().unwrap_or_default();
        let name = e.metadata.name.clone().unwrap_or_default();
        for pod in s.executor_pods(&ns, &name) {
            let status = pod
                .status
                .as_ref()
                .and_then(|st| st.container_statuses.as_ref())
                .and_then(|cs| {
                    cs.iter()
                        .find(|c| c.name == crate::render::executor::CONTAINER_NAME)
                });
            let Some(status) = status else { continue };
            let terminated = status
                .last_state
                .as_ref()
                .and_then(|l| l.terminated.as_ref());
            if terminated.is_some_and(|t| t.message.as_ref().is_some_and(|m| !m.trim().is_empty()))
            {
                continue; // the kubelet's termination message has the lines
            }
            let running = status.state.as_ref().is_some_and(|st| st.running.is_some());
            if !running && terminated.is_none() {
                continue; // never ran: nothing logged
            }
            let pod_name = pod.metadata.name.clone().unwrap_or_default();
            let api: Api<Pod> = Api::namespaced(client.clone(), &ns);
            let params = LogParams {
                container: Some(status.name.clone()),
                previous: !running,
                tail_lines: Some(EXECUTOR_LOG_LINES),
                ..Default::default()
            };
            let text = bounded(
                &format!("read logs in namespace {ns}"),
                api.logs(&pod_name, &params),
            )
            .await
            .map_err(|m| m.reason());
            out.insert(format!("{ns}/{pod_name}"), text);
        }
    }
    out
}

/// DeviceClasses, ResourceSlices and ResourceClaims: what DRA's simulator and doctor read.
async fn gather_dra(s: &mut Snapshot, client: &Client) {
    let (dc, rs, rc) = tokio::join!(
        list(
            Api::<DeviceClass>::all(client.clone()),
            "list deviceclasses",
            ListParams::default(),
        ),
        list(
            Api::<ResourceSlice>::all(client.clone()),
            "list resourceslices",
            ListParams::default(),
        ),
        list(
            Api::<ResourceClaim>::all(client.clone()),
            "list resourceclaims",
            ListParams::default(),
        ),
    );
    s.device_classes = dc;
    s.resource_slices = rs;
    s.resource_claims = rc;
}
