//! `hgctl run-local` and `hgctl operator`: the same controllers, on the
//! user's machine or in-cluster, behind the same leader-election Lease.

use std::sync::Arc;

use k8s_openapi::api::authorization::v1::{
    ResourceAttributes, SelfSubjectAccessReview, SelfSubjectAccessReviewSpec,
};
use k8s_openapi::api::core::v1::Namespace;
use kube::Client;
use kube::api::{Api, ListParams, Patch, PatchParams, PostParams};
use serde_json::json;

use super::args::{ControllerArgs, GlobalArgs};
use crate::api::Performer;
use crate::cluster;
use crate::error::{Error, Result};
use crate::reconcile::{self, Metrics, RuntimeConfig, lease};
use crate::serve::{self, Endpoints, Health};

/// Where the operator serves /healthz and /readyz unless told otherwise.
pub const DEFAULT_HEALTH_ADDR: &str = "127.0.0.1:8081";
/// Where the operator serves /metrics unless told otherwise.
pub const DEFAULT_METRICS_ADDR: &str = "127.0.0.1:9464";

/// Which entry point started the controllers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    RunLocal,
    Operator,
}

/// Runs the controllers until Ctrl-C / SIGTERM, or until the lease is lost.
pub async fn run(global: &GlobalArgs, args: &ControllerArgs, mode: Mode) -> Result<()> {
    let conn = cluster::connection(global).await?;
    let namespace = (!args.all_namespaces).then(|| conn.namespace.clone());
    let scope = namespace
        .as_deref()
        .map(|ns| format!("namespace {ns}"))
        .unwrap_or_else(|| "all namespaces".into());
    let identity = identity(mode);
    eprintln!(
        "hgctl {}: context {} ({}), reconciling {scope}, lease {}/{} as {identity}",
        if mode == Mode::RunLocal {
            "run-local"
        } else {
            "operator"
        },
        conn.context.as_deref().unwrap_or("in-cluster"),
        conn.server,
        args.lease_namespace,
        lease::LEASE_NAME,
    );

    // The in-cluster operator serves its probes and metrics from the start, so liveness holds
    // while it waits for the lease; /readyz turns 200 once the caches are synced.
    let (stop_tx, stop_rx) = tokio::sync::watch::channel(false);
    let metrics = Arc::new(Metrics::new());
    let health = Health::new();
    let servers = serve_endpoints(mode, args, &health, &metrics, &stop_rx).await?;

    check_crds(&conn.client, namespace.as_deref()).await?;
    check_rights(&conn.client, namespace.as_deref(), &args.lease_namespace).await?;
    ensure_namespace(&conn.client, &args.lease_namespace).await?;
    let guard = lease::acquire(
        conn.client.clone(),
        &args.lease_namespace,
        &identity,
        args.take_over,
    )
    .await?;
    eprintln!("hgctl: holding the lease; reconciling (Ctrl-C to stop)");
    metrics.set_leader(true);

    let config = RuntimeConfig {
        namespace,
        cluster_domain: args.cluster_domain.clone(),
        identity,
        concurrency: args.concurrency,
        operator_namespace: args.lease_namespace.clone(),
        rollout_budget: args.rollout_budget,
    };
    let shutdown = {
        let mut rx = stop_rx.clone();
        async move {
            let _ = rx.wait_for(|stop| *stop).await;
        }
    };
    let controllers = reconcile::run(
        conn.client.clone(),
        config,
        metrics.clone(),
        {
            let health = health.clone();
            move || {
                tracing::info!("caches synced");
                health.set_ready(true);
            }
        },
        shutdown,
    );
    tokio::pin!(controllers);
    let mut lost = false;
    tokio::select! {
        _ = &mut controllers => {}
        _ = shutdown_signal() => {
            eprintln!("hgctl: stopping; finishing in-flight reconciles");
            let _ = stop_tx.send(true);
            finish(&mut controllers).await;
        }
        _ = guard.keep() => {
            lost = true;
            let _ = stop_tx.send(true);
            finish(&mut controllers).await;
        }
    }
    health.set_ready(false);
    metrics.set_leader(false);
    let _ = stop_tx.send(true);
    if let Some(servers) = servers {
        let _ = servers.await;
    }
    guard.release().await;
    if lost {
        return Err(Error::Refused {
            message: "lost the leader-election lease to another controller; stopped reconciling"
                .into(),
            help: Some(
                "`kubectl get lease -n <lease namespace> hgctl-operator -o yaml` shows the holder"
                    .into(),
            ),
        });
    }
    Ok(())
}

/// How long in-flight reconciles may take to finish after a stop: the lease is released and
/// the process exits before the kubelet's default 30 s grace period ends, even when a pass
/// hangs on an API server that does not answer.
const SHUTDOWN_GRACE: std::time::Duration = std::time::Duration::from_secs(15);

/// Lets the stopped controllers finish their in-flight passes, for [`SHUTDOWN_GRACE`] at most.
async fn finish(controllers: &mut (impl std::future::Future<Output = ()> + Unpin)) {
    if tokio::time::timeout(SHUTDOWN_GRACE, controllers)
        .await
        .is_err()
    {
        eprintln!(
            "hgctl: in-flight reconciles did not finish within {}s; stopping anyway",
            SHUTDOWN_GRACE.as_secs()
        );
    }
}

/// The health and metrics endpoints: always for the operator, only when asked for
/// run-local (a laptop's ports are not ours to take). They stop when `stop_rx` says so.
async fn serve_endpoints(
    mode: Mode,
    args: &ControllerArgs,
    health: &Health,
    metrics: &Arc<Metrics>,
    stop_rx: &tokio::sync::watch::Receiver<bool>,
) -> Result<Option<tokio::task::JoinHandle<impl Sized + use<>>>> {
    let (health_addr, metrics_addr) = match mode {
        Mode::Operator => (
            Some(
                args.health_addr
                    .clone()
                    .unwrap_or_else(|| DEFAULT_HEALTH_ADDR.into()),
            ),
            Some(
                args.metrics_addr
                    .clone()
                    .unwrap_or_else(|| DEFAULT_METRICS_ADDR.into()),
            ),
        ),
        Mode::RunLocal => (args.health_addr.clone(), args.metrics_addr.clone()),
    };
    let health_listener = match &health_addr {
        Some(addr) => Some(serve::bind(addr).await?),
        None => None,
    };
    let metrics_listener = match &metrics_addr {
        Some(addr) => Some(serve::bind(addr).await?),
        None => None,
    };
    let stopped = |mut rx: tokio::sync::watch::Receiver<bool>| async move {
        let _ = rx.wait_for(|stop| *stop).await;
    };
    let health_server = health_listener.map(|l| {
        serve::run(
            l,
            Endpoints::health(health.clone()),
            stopped(stop_rx.clone()),
        )
    });
    let metrics_server = metrics_listener.map(|l| {
        let m = metrics.clone();
        serve::run(
            l,
            Endpoints::metrics(move || m.render()),
            stopped(stop_rx.clone()),
        )
    });
    Ok(
        (health_server.is_some() || metrics_server.is_some()).then(|| {
            tokio::spawn(futures::future::join(
                async move {
                    match health_server {
                        Some(s) => s.await,
                        None => Ok(()),
                    }
                },
                async move {
                    match metrics_server {
                        Some(s) => s.await,
                        None => Ok(()),
                    }
                },
            ))
        }),
    )
}

fn identity(mode: Mode) -> String {
    let host = std::env::var("HOSTNAME")
        .ok()
        .or_else(|| {
            std::fs::read_to_string("/etc/hostname")
                .ok()
                .map(|s| s.trim().to_string())
        })
        .unwrap_or_else(|| "unknown".into());
    match mode {
        Mode::RunLocal => format!("run-local@{host}/{}", std::process::id()),
        Mode::Operator => format!("operator@{host}"),
    }
}

pub async fn shutdown_signal() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        match signal(SignalKind::terminate()) {
            Ok(mut term) => {
                tokio::select! {
                    _ = tokio::signal::ctrl_c() => {}
                    _ = term.recv() => {}
                }
            }
            Err(_) => {
                let _ = tokio::signal::ctrl_c().await;
            }
        }
    }
    #[cfg(not(unix))]
    {
        let _ = tokio::signal::ctrl_c().await;
    }
}

async fn check_crds(client: &Client, namespace: Option<&str>) -> Result<()> {
    let api: Api<Performer> = match namespace {
        Some(ns) => Api::namespaced(client.clone(), ns),
        None => Api::all(client.clone()),
    };
    match api.list_metadata(&ListParams::default().limit(1)).await {
        Ok(_) => Ok(()),
        Err(kube::Error::Api(s)) if s.code == 404 => Err(Error::Refused {
            message: "the Performer CRD is not installed in this cluster".into(),
            help: Some("install the CRDs first: `hgctl install --crds-only` (or `hgctl crds | kubectl apply --server-side -f -`)".into()),
        }),
        // Not allowed to list here: check_rights names every missing right at once.
        Err(kube::Error::Api(s)) if s.code == 403 => Ok(()),
        Err(e) => Err(Error::kube("listing performers", e)),
    }
}

/// The rights the controllers need, checked before starting so a missing one
/// is named up front instead of surfacing as a reconcile error loop.
async fn check_rights(client: &Client, namespace: Option<&str>, lease_ns: &str) -> Result<()> {
    let wanted: &[(&str, &str, &str, &str)] = &[
        ("list", "hourglass.eigenlayer.io", "performers", ""),
        ("watch", "hourglass.eigenlayer.io", "performers", ""),
        ("patch", "hourglass.eigenlayer.io", "performers", "status"),
        ("watch", "", "pods", ""),
        ("patch", "", "pods", ""),
        ("delete", "", "pods", ""),
        ("watch", "", "services", ""),
        ("patch", "", "services", ""),
        ("list", "discovery.k8s.io", "endpointslices", ""),
        ("watch", "discovery.k8s.io", "endpointslices", ""),
        ("create", "events.k8s.io", "events", ""),
        // The HourglassExecutor controller.
        ("watch", "hourglass.eigenlayer.io", "hourglassexecutors", ""),
        (
            "patch",
            "hourglass.eigenlayer.io",
            "hourglassexecutors",
            "status",
        ),
        ("get", "", "secrets", ""),
        ("patch", "", "secrets", ""),
        ("watch", "", "configmaps", ""),
        ("patch", "", "configmaps", ""),
        ("watch", "apps", "deployments", ""),
        ("patch", "apps", "deployments", ""),
        ("delete", "apps", "deployments", ""),
        ("watch", "apps", "statefulsets", ""),
        ("patch", "apps", "statefulsets", ""),
        ("delete", "apps", "statefulsets", ""),
        ("get", "", "serviceaccounts", ""),
        ("patch", "", "serviceaccounts", ""),
        ("get", "rbac.authorization.k8s.io", "roles", ""),
        ("patch", "rbac.authorization.k8s.io", "roles", ""),
        ("get", "rbac.authorization.k8s.io", "rolebindings", ""),
        ("patch", "rbac.authorization.k8s.io", "rolebindings", ""),
        // The executor's Role grants these; RBAC forbids granting rights one lacks.
        ("create", "hourglass.eigenlayer.io", "performers", ""),
        ("delete", "hourglass.eigenlayer.io", "performers", ""),
        ("update", "hourglass.eigenlayer.io", "performers", ""),
        ("get", "hourglass.eigenlayer.io", "performers", "status"),
        ("get", "", "namespaces", ""),
    ];
    let api: Api<SelfSubjectAccessReview> = Api::all(client.clone());
    let mut missing = Vec::new();
    let mut checks: Vec<(&str, &str, &str, &str, Option<&str>)> = wanted
        .iter()
        .map(|(v, g, r, s)| (*v, *g, *r, *s, namespace))
        .collect();
    checks.push((
        "update",
        "coordination.k8s.io",
        "leases",
        "",
        Some(lease_ns),
    ));
    for (verb, group, resource, sub, ns) in checks {
        let review = SelfSubjectAccessReview {
            spec: SelfSubjectAccessReviewSpec {
                resource_attributes: Some(ResourceAttributes {
                    verb: Some(verb.into()),
                    group: Some(group.into()),
                    resource: Some(resource.into()),
                    subresource: (!sub.is_empty()).then(|| sub.to_string()),
                    namespace: ns.map(str::to_string),
                    ..Default::default()
                }),
                ..Default::default()
            },
            ..Default::default()
        };
        let answer = api
            .create(&PostParams::default(), &review)
            .await
            .map_err(|e| Error::kube("checking access (SelfSubjectAccessReview)", e))?;
        if !answer.status.is_some_and(|s| s.allowed) {
            let what = if sub.is_empty() {
                resource.to_string()
            } else {
                format!("{resource}/{sub}")
            };
            let group = if group.is_empty() {
                String::new()
            } else {
                format!(".{group}")
            };
            let place = ns
                .map(|n| format!(" in namespace {n}"))
                .unwrap_or_else(|| " cluster-wide".into());
            missing.push(format!("{verb} {what}{group}{place}"));
        }
    }
    if missing.is_empty() {
        return Ok(());
    }
    Err(Error::Forbidden {
        message: format!("the current user cannot {}", missing.join(", ")),
        help: Some(if namespace.is_none() {
            "ask for these rights, or reconcile a single namespace you own with -n NS instead of -A"
                .into()
        } else {
            "ask a cluster admin for these rights (hgctl install creates a ClusterRole with exactly these)".into()
        }),
    })
}

/// The lease namespace must exist; create it when it does not (and say so).
async fn ensure_namespace(client: &Client, name: &str) -> Result<()> {
    let api: Api<Namespace> = Api::all(client.clone());
    match api.get_opt(name).await {
        Ok(Some(_)) => Ok(()),
        Ok(None) => {
            let body = json!({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": name}});
            api.patch(
                name,
                &PatchParams::apply(reconcile::FIELD_MANAGER),
                &Patch::Apply(&body),
            )
            .await
            .map_err(|e| Error::kube(format!("creating namespace {name} for the lease"), e))?;
            eprintln!("hgctl: created namespace {name} for the leader-election lease");
            Ok(())
        }
        // A namespaced user may not read namespaces; the lease write will tell.
        Err(kube::Error::Api(s)) if s.code == 403 => Ok(()),
        Err(e) => Err(Error::kube(format!("reading namespace {name}"), e)),
    }
}
