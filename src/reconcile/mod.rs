//! The controllers' runtime, shared by `hgctl run-local` and `hgctl operator`:
//! watches (labelled children only, managedFields stripped), the Performer
//! controller, per-object backoff, events and metrics.

pub mod executor;
pub mod lease;
pub mod metrics;
pub mod performer;

use std::collections::HashMap;
use std::sync::atomic::AtomicBool;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use futures::{FutureExt, StreamExt, future};
use k8s_openapi::api::core::v1::{Namespace, Pod, Service};
use k8s_openapi::api::discovery::v1::EndpointSlice;
use kube::api::Api;
use kube::runtime::controller::{Action, Controller};
use kube::runtime::events::{Recorder, Reporter};
use kube::runtime::reflector::{self, ObjectRef, Store};
use kube::runtime::{WatchStreamExt, watcher};
use kube::{Client, Resource, ResourceExt};

use crate::api::Performer;
use crate::render::performer::{
    APP_PERFORMER, LABEL_APP, LABEL_PERFORMER, PodSecurityLevel, RenderContext,
};

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
    /// EndpointSlices of performer Services (they carry the Service's labels).
    pub endpoint_slices: Store<EndpointSlice>,
    /// Namespaces, for the Pod Security level each enforces (an input of the rendered pod).
    pub namespaces: Store<Namespace>,
    /// Set once a pass has waited for the namespace cache's first list (or given up: the
    /// watch may not be allowed), so that no later pass waits again.
    pub namespaces_waited: AtomicBool,
    pub recorder: Recorder,
    pub render: RenderContext,
    pub metrics: Arc<Metrics>,
    /// Settings of both controllers (see [`RuntimeConfig::concurrency`]).
    pub controller_config: kube::runtime::controller::Config,
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
    /// Reconciles in flight at once, per controller. kube's client speaks HTTP/1.1, so
    /// each in-flight request is a TLS connection of its own: unbounded, a burst of
    /// 1000 Performers opened ~1000 connections (RSS and API server CPU went with them).
    pub concurrency: u16,
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

    // Full-object caches of the labelled children. Each reflector updates its store
    // before it yields the object, so a reconcile it triggers never reads stale state.
    let (pods, pod_writer) = reflector::store::<Pod>();
    let pod_triggers = reflector::reflector(
        pod_writer,
        watcher(api::<Pod>(&client, ns), children.clone())
            .default_backoff()
            .modify(performer::plan::slim_pod),
    )
    .touched_objects()
    .filter_map(|r| future::ready(r.ok().and_then(|pod| owner_performer(&pod))));

    let (services, svc_writer) = reflector::store::<Service>();
    let svc_triggers = reflector::reflector(
        svc_writer,
        watcher(api::<Service>(&client, ns), children.clone())
            .default_backoff()
            .modify(|s| {
                s.metadata.managed_fields = None;
            }),
    )
    .touched_objects()
    .filter_map(|r| future::ready(r.ok().and_then(|svc| owner_performer(&svc))));

    // The EndpointSlice controller copies the Service's labels onto its slices, so the
    // same selector finds them; a slice change wakes its Performer mid-rollout.
    let (slices, slice_writer) = reflector::store::<EndpointSlice>();
    let slice_triggers = reflector::reflector(
        slice_writer,
        watcher(api::<EndpointSlice>(&client, ns), children)
            .default_backoff()
            .modify(|s| {
                s.metadata.managed_fields = None;
            }),
    )
    .touched_objects()
    .filter_map(|r| {
        future::ready(r.ok().and_then(|slice| {
            let name = slice.labels().get(LABEL_PERFORMER)?.clone();
            Some(ObjectRef::new(&name).within(slice.namespace().as_deref().unwrap_or_default()))
        }))
    });

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

    // Namespaces: the Pod Security level a namespace enforces shapes its Performers' pods,
    // so a change of level (and only that) wakes every Performer of the namespace.
    let (namespaces, ns_writer) = reflector::store::<Namespace>();
    let ns_config = match ns {
        Some(n) => watcher::Config::default().fields(&format!("metadata.name={n}")),
        None => watcher::Config::default(),
    };
    let ns_triggers = {
        let performers = performers.clone();
        reflector::reflector(
            ns_writer,
            watcher(Api::<Namespace>::all(client.clone()), ns_config)
                .default_backoff()
                .modify(|n| {
                    n.metadata.managed_fields = None;
                    n.metadata.annotations = None;
                }),
        )
        .applied_objects()
        .predicate_filter(
            |n: &Namespace| {
                Some(
                    match PodSecurityLevel::from_namespace_labels(n.metadata.labels.as_ref()) {
                        PodSecurityLevel::Unrestricted => 0,
                        PodSecurityLevel::Restricted => 1,
                    },
                )
            },
            Default::default(),
        )
        .filter_map(|r| future::ready(r.ok()))
        .flat_map(move |n| {
            let name = n.name_any();
            futures::stream::iter(
                performers
                    .state()
                    .into_iter()
                    .filter(|p| p.metadata.namespace.as_deref() == Some(name.as_str()))
                    .map(|p| ObjectRef::from_obj(p.as_ref()))
                    .collect::<Vec<_>>(),
            )
        })
    };

    let ctx = Arc::new(Context {
        client: client.clone(),
        pods: pods.clone(),
        services: services.clone(),
        endpoint_slices: slices.clone(),
        namespaces,
        namespaces_waited: AtomicBool::new(false),
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
        controller_config: kube::runtime::controller::Config::default()
            .concurrency(config.concurrency),
        failures: Mutex::new(HashMap::new()),
    });
    metrics.set_performer_store(performers.clone());

    // ---- HourglassExecutor controller: its own caches, same client, recorder and metrics.
    let shutdown = shutdown.shared();
    let executors = executor::run(client.clone(), ns, ctx.clone(), shutdown.clone());
    // ----

    let controller = Controller::for_stream(perf_stream, performers)
        .with_config(ctx.controller_config.clone())
        .reconcile_on(pod_triggers)
        .reconcile_on(svc_triggers)
        .reconcile_on(slice_triggers)
        .reconcile_on(ns_triggers)
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
        _ = wait_ready => {}
        _ = executors => {}
    }
}

/// The Performer that controls a child, from its ownerReferences.
fn owner_performer<K: Resource>(child: &K) -> Option<ObjectRef<Performer>> {
    let owner = child
        .meta()
        .owner_references
        .as_ref()?
        .iter()
        .find(|o| o.kind == "Performer" && o.controller == Some(true))?;
    Some(ObjectRef::new(&owner.name).within(child.meta().namespace.as_deref().unwrap_or_default()))
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
    fn backoff_doubles_and_is_capped() {
        assert_eq!(backoff(1), Duration::from_secs(1));
        assert_eq!(backoff(2), Duration::from_secs(2));
        assert_eq!(backoff(5), Duration::from_secs(16));
        assert_eq!(backoff(50), Duration::from_secs(300));
    }
}
