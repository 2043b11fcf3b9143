//! The controllers, shared by `hgctl run-local` and `hgctl operator`. Each
//! controller is a directory of the same two files: `controller.rs` reads the
//! caches, carries out the plan and writes; `plan.rs` decides, purely. Both run
//! on [`runtime`] (watches into caches, events, per-object backoff) and write
//! through [`writers`].

pub mod events;
pub mod executor;
pub mod lease;
pub mod metrics;
pub mod performer;
pub mod rollout;
pub mod runtime;
pub mod tls;
pub mod writers;

use std::sync::Arc;

use futures::FutureExt;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::{Condition, Time};
use kube::Client;

use crate::api::conditions;

use crate::render::performer::RenderContext;

pub use metrics::Metrics;
pub use runtime::Runtime;

/// The one field manager of every write hgctl makes (defined with the install's names).
pub use crate::install::manifests::FIELD_MANAGER;

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

    /// The API server refused a create because the namespace is being deleted.
    pub fn namespace_terminating(&self) -> bool {
        matches!(self, Self::Kube { source, .. } if namespace_terminating(source))
    }
}

/// A 403 with cause `NamespaceTerminating`: the namespace is being deleted and takes no new
/// objects (events included).
pub fn namespace_terminating(error: &kube::Error) -> bool {
    let kube::Error::Api(status) = error else {
        return false;
    };
    status.code == 403
        && (status
            .details
            .as_ref()
            .is_some_and(|d| d.causes.iter().any(|c| c.reason == "NamespaceTerminating"))
            || status.message.contains("because it is being terminated"))
}

/// What every condition a plan writes in one pass is stamped with.
pub struct Stamp<'a> {
    /// The conditions in the status now (a condition keeps its transition time
    /// while its status stays).
    pub previous: Option<&'a [Condition]>,
    pub generation: Option<i64>,
    pub now: &'a Time,
}

impl<'a> Stamp<'a> {
    pub fn new(previous: Option<&'a [Condition]>, generation: Option<i64>, now: &'a Time) -> Self {
        Stamp {
            previous,
            generation,
            now,
        }
    }

    pub fn condition(
        &self,
        type_: &str,
        status: bool,
        reason: &str,
        message: impl Into<String>,
    ) -> Condition {
        conditions::condition(
            self.previous,
            type_,
            status,
            reason,
            message,
            self.generation,
            self.now,
        )
    }

    /// The condition is missing or has the other status now: it turns to `status`.
    pub fn turns(&self, type_: &str, status: bool) -> bool {
        conditions::find(self.previous, type_).is_none_or(|c| (c.status == "True") != status)
    }
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
    /// Where hgctl's operator is installed (its Lease's namespace): the executor's
    /// `kubernetes.operatorNamespace`.
    pub operator_namespace: String,
    /// Blue-green rollouts at once per namespace (0: no limit).
    pub rollout_budget: usize,
}

/// Runs the controllers until `shutdown` resolves; in-flight reconciles finish first.
/// `ready` is called once the Performer controller's caches have their first full list.
pub async fn run(
    client: Client,
    config: RuntimeConfig,
    metrics: Arc<Metrics>,
    ready: impl Fn() + Send + Sync + 'static,
    shutdown: impl std::future::Future<Output = ()> + Send + Sync + 'static,
) {
    let ns = config.namespace.as_deref();
    let runtime = Arc::new(Runtime {
        client: client.clone(),
        events: events::Events::new(client.clone(), config.identity.clone()),
        metrics,
        controller_config: kube::runtime::controller::Config::default()
            .concurrency(config.concurrency),
        terminating: Default::default(),
        written_statuses: Default::default(),
    });
    let shutdown = shutdown.shared();
    let performers = performer::run(
        runtime.clone(),
        ns,
        RenderContext {
            cluster_domain: config.cluster_domain.clone(),
        },
        config.rollout_budget,
        ready,
        shutdown.clone(),
    );
    let executors = executor::run(
        runtime,
        ns,
        crate::render::executor::RenderContext {
            operator_namespace: config.operator_namespace.clone(),
        },
        shutdown,
    );
    tokio::join!(performers, executors);
}
