//! The controllers' runtime, shared by `hgctl run-local` and `hgctl operator`:
//! watches (labelled children only, managedFields stripped), the Performer
//! controller, per-object backoff, events and metrics.

pub mod lease;
pub mod metrics;
pub mod performer;
pub mod plan;

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use futures::{StreamExt, future};
use k8s_openapi::api::core::v1::{Pod, Service};
use kube::api::Api;
use kube::runtime::controller::{Action, Controller};
use kube::runtime::events::{Recorder, Reporter};
use kube::runtime::reflector::{self, ObjectRef, Store};
use kube::runtime::{WatchStreamExt, watcher};
use kube::{Client, Resource};

use crate::api::Performer;
use crate::render::performer::{APP_PERFORMER, LABEL_APP, RenderContext};

pub use metrics::Metrics;

/// The one field manager of every write hgctl's reconcilers make.
pub const FIELD_MANAGER: &str = "hgctl";

/// Why a reconcile pass failed (it is retried with per-object backoff).
#[derive(Debug, thiserror::Error)]
pub enum ReconcileError {
    #[error("{context}: {source}")]
    Kube {
        context: String,
        #[source]
        source: kube::Error,
    },
    #[error("{0}")]
    Internal(String),
}

impl ReconcileError {
    pub fn kube(context: impl Into<String>, source: kube::Error) -> Self {
        Self::Kube {
            context: context.into(),
            source,
        }
    }
}

/// What every reconcile pass shares.
pub struct Context {
    pub client: Client,
    pub pods: Store<Pod>,
    pub services: Store<Service>,
    pub recorder: Recorder,
    pub render: RenderContext,
    pub metrics: Arc<Metrics>,
    /// Consecutive failures per object, for exponential backoff.
    failures: Mutex<HashMap<String, u32>>,
}

/// Where and how the controllers run.
#[derive(Debug, Clone)]
pub struct RuntimeConfig {
    /// None: every namespace.
    pub namespace: Option<String>,
    pub cluster_domain: String,
    /// Identifies this process in events and the lease.
    pub identity: String,
}

fn api<K>(client: &Client, namespace: Option<&str>) -> Api<K>
where
    K: Resource<Scope = k8s_openapi::NamespaceResourceScope, DynamicType = ()>,
{
    match namespace {
        Some(ns) => Api::namespaced(client.clone(), ns),
        None => Api::all(client.clone()),
    }
}

/// Runs the controllers until `shutdown` resolves; in-flight reconciles finish first.
pub async fn run(
    client: Client,
    config: RuntimeConfig,
    metrics: Arc<Metrics>,
    ready: impl Fn() + Send + Sync + 'static,
    shutdown: impl std::future::Future<Output = ()> + Send + Sync + 'static,
) {
    let ns = config.namespace.as_deref();
    let children = watcher::Config::default().labels(&format!("{LABEL_APP}={APP_PERFORMER}"));

    let (pods, pod_writer) = reflector::store_shared::<Pod>(1024);
    let pod_events = pod_writer
        .subscribe()
        .expect("a shared store has a dispatcher");
    // Children that leave the watch: see `wake_owner_of_removed`.
    let (removed_tx, removed_rx) = futures::channel::mpsc::unbounded::<ObjectRef<Performer>>();
    let pod_watch = watcher(api::<Pod>(&client, ns), children.clone())
        .default_backoff()
        .modify(|p| {
            p.metadata.managed_fields = None;
        })
        .reflect_shared(pod_writer)
        .for_each({
            let tx = removed_tx.clone();
            move |event| wake_owner_of_removed(&tx, event)
        });

    let (services, svc_writer) = reflector::store_shared::<Service>(256);
    let svc_events = svc_writer
        .subscribe()
        .expect("a shared store has a dispatcher");
    let svc_watch = watcher(api::<Service>(&client, ns), children)
        .default_backoff()
        .modify(|s| {
            s.metadata.managed_fields = None;
        })
        .reflect_shared(svc_writer)
        .for_each(move |event| wake_owner_of_removed(&removed_tx, event));

    let (performers, perf_writer) = reflector::store::<Performer>();
    let perf_stream = reflector::reflector(
        perf_writer,
        watcher(api::<Performer>(&client, ns), watcher::Config::default())
            .default_backoff()
            .modify(|p| {
                p.metadata.managed_fields = None;
            }),
    )
    .applied_objects();

    let ctx = Arc::new(Context {
        client: client.clone(),
        pods: pods.clone(),
        services: services.clone(),
        recorder: Recorder::new(
            client.clone(),
            Reporter {
                controller: "hgctl".into(),
                instance: Some(config.identity.clone()),
            },
        ),
        render: RenderContext {
            cluster_domain: config.cluster_domain.clone(),
        },
        metrics: metrics.clone(),
        failures: Mutex::new(HashMap::new()),
    });
    metrics.set_performer_store(performers.clone());

    let controller = Controller::for_stream(perf_stream, performers)
        .owns_shared_stream(pod_events)
        .owns_shared_stream(svc_events)
        .reconcile_on(removed_rx)
        .graceful_shutdown_on(shutdown)
        .run(performer::reconcile, error_policy, ctx.clone())
        .for_each(|result| {
            match result {
                Ok((obj, _)) => {
                    ctx.failures.lock().map(|mut f| f.remove(&key(&obj))).ok();
                }
                Err(e) => tracing::debug!(error = %e, "reconcile stream"),
            }
            future::ready(())
        });

    // Readiness: once the caches have their first full list.
    let wait_ready = {
        let pods = pods.clone();
        let services = services.clone();
        async move {
            let _ = pods.wait_until_ready().await;
            let _ = services.wait_until_ready().await;
            ready();
            future::pending::<()>().await
        }
    };
    tokio::select! {
        _ = controller => {}
        _ = pod_watch => {}
        _ = svc_watch => {}
        _ = wait_ready => {}
    }
}

/// Shared reflector streams wake owners of applied children only. A child that leaves the watch
/// (deleted outright, or relabelled out of the `app` selector by someone) must wake its
/// Performer too, or nobody would notice until the periodic resync.
fn wake_owner_of_removed<K: Resource>(
    tx: &futures::channel::mpsc::UnboundedSender<ObjectRef<Performer>>,
    event: Result<watcher::Event<K>, watcher::Error>,
) -> future::Ready<()> {
    if let Ok(watcher::Event::Delete(child)) = event {
        let ns = child.meta().namespace.clone().unwrap_or_default();
        for owner in child.meta().owner_references.iter().flatten() {
            if owner.kind == "Performer"
                && owner.api_version.starts_with("hourglass.eigenlayer.io/")
            {
                let _ = tx.unbounded_send(ObjectRef::new(&owner.name).within(&ns));
            }
        }
    }
    future::ready(())
}

fn key(obj: &ObjectRef<Performer>) -> String {
    format!(
        "{}/{}",
        obj.namespace.as_deref().unwrap_or_default(),
        obj.name
    )
}

/// Exponential backoff per object: 1s, 2s, 4s ... capped at 5 minutes.
fn error_policy(p: Arc<Performer>, error: &ReconcileError, ctx: Arc<Context>) -> Action {
    let k = format!(
        "{}/{}",
        p.metadata.namespace.as_deref().unwrap_or_default(),
        p.metadata.name.as_deref().unwrap_or_default()
    );
    let attempts = {
        let mut failures = ctx.failures.lock().unwrap_or_else(|e| e.into_inner());
        let n = failures.entry(k.clone()).or_insert(0);
        *n = n.saturating_add(1);
        *n
    };
    let delay = backoff(attempts);
    tracing::warn!(performer = %k, attempt = attempts, retry_in = ?delay, "reconcile failed: {error}");
    Action::requeue(delay)
}

/// The delay before retry number `attempts` (1-based).
pub fn backoff(attempts: u32) -> Duration {
    let secs = 1u64 << attempts.saturating_sub(1).min(9);
    Duration::from_secs(secs.min(300))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_child_leaving_the_watch_wakes_its_performer_only() {
        let pod: Pod = serde_json::from_value(serde_json::json!({
            "metadata": {"name": "performer-a-1", "namespace": "ns", "ownerReferences": [
                {"apiVersion": "hourglass.eigenlayer.io/v1alpha1", "kind": "Performer",
                 "name": "a", "uid": "u1", "controller": true},
                {"apiVersion": "v1", "kind": "ConfigMap", "name": "x", "uid": "u2"},
            ]},
        }))
        .unwrap();
        let (tx, mut rx) = futures::channel::mpsc::unbounded();
        futures::executor::block_on(wake_owner_of_removed(
            &tx,
            Ok(watcher::Event::Apply(pod.clone())),
        ));
        futures::executor::block_on(wake_owner_of_removed(&tx, Ok(watcher::Event::Delete(pod))));
        drop(tx);
        let woken: Vec<_> = futures::executor::block_on_stream(&mut rx).collect();
        assert_eq!(woken, vec![ObjectRef::<Performer>::new("a").within("ns")]);
    }

    #[test]
    fn backoff_doubles_and_is_capped() {
        assert_eq!(backoff(1), Duration::from_secs(1));
        assert_eq!(backoff(2), Duration::from_secs(2));
        assert_eq!(backoff(5), Duration::from_secs(16));
        assert_eq!(backoff(50), Duration::from_secs(300));
    }
}
