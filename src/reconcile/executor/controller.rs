//! The HourglassExecutor controller's I/O: finds which keys the operator's
//! Secret holds (names only), moves the seed's inline keys into an owned
//! Secret, renders the children with [`crate::render::executor`], writes each
//! one [`super::plan`] finds stale, and the status when it changed. The
//! optional NetworkPolicy (`spec.networkPolicy`) is applied or deleted the
//! same way. Key values are never logged, put in an event, a condition or the
//! status; the only place they are written is the `<name>-keys` Secret.

use std::sync::Arc;

use k8s_openapi::api::apps::v1::{Deployment, StatefulSet};
use k8s_openapi::api::core::v1::{ConfigMap, Secret, Service};
use k8s_openapi::api::networking::v1::NetworkPolicy;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::Time;
use k8s_openapi::jiff::Timestamp;
use kube::api::Api;
use kube::runtime::controller::{Action, Controller};
use kube::runtime::reflector::ObjectRef;
use kube::runtime::{WatchStreamExt, predicates, watcher};
use kube::{Resource, ResourceExt};

use super::plan::{self, KeySource, WorkloadView, plan_status};
use crate::api::HourglassExecutor;
use crate::reconcile::ReconcileError;
use crate::reconcile::runtime::{self, Children, Runtime, State};
use crate::reconcile::writers;
use crate::render::executor::{self as render, KeyMaterial, RenderContext, Rendered, Workload};

/// Runs the HourglassExecutor controller until `shutdown` resolves: watches the
/// executors (spec changes only: status writes do not trigger a pass) and the
/// children labelled `hourglass.eigenlayer.io/executor`; a touched child,
/// deletions included, triggers its executor, named by the label.
pub async fn run(
    rt: Arc<Runtime>,
    namespace: Option<&str>,
    render: RenderContext,
    shutdown: impl std::future::Future<Output = ()> + Send + Sync + 'static,
) {
    fn owner<K: Resource>(child: &K) -> Option<ObjectRef<HourglassExecutor>> {
        let owner = child.meta().labels.as_ref()?.get(render::LABEL_EXECUTOR)?;
        Some(ObjectRef::new(owner).within(child.meta().namespace.as_deref()?))
    }
    let client = &rt.client;
    let children = watcher::Config::default().labels(render::LABEL_EXECUTOR);
    let (deployments, deploy_triggers) = runtime::watch_children(
        client,
        namespace,
        children.clone(),
        runtime::keep,
        owner::<Deployment>,
    );
    let (stateful_sets, sts_triggers) = runtime::watch_children(
        client,
        namespace,
        children.clone(),
        runtime::keep,
        owner::<StatefulSet>,
    );
    let (config_maps, cm_triggers) = runtime::watch_children(
        client,
        namespace,
        children.clone(),
        runtime::keep,
        owner::<ConfigMap>,
    );
    let (services, svc_triggers) =
        runtime::watch_children(client, namespace, children, runtime::keep, owner::<Service>);
    let (executors, stream) =
        runtime::reflect::<HourglassExecutor>(client, namespace, Default::default(), runtime::keep);
    rt.metrics.set_executor_store(executors.clone());

    let state = State::new(
        rt.clone(),
        "executor",
        ExecutorCaches {
            deployments,
            stateful_sets,
            config_maps,
            services,
            render,
        },
    );
    let stream = stream
        .applied_objects()
        .predicate_filter(predicates::generation, Default::default());
    let controller = Controller::for_stream(stream, executors)
        .with_config(rt.controller_config.clone())
        .reconcile_on(deploy_triggers)
        .reconcile_on(sts_triggers)
        .reconcile_on(cm_triggers)
        .reconcile_on(svc_triggers)
        .graceful_shutdown_on(shutdown);
    runtime::drive(controller, reconcile, state).await;
}

/// One pass over one HourglassExecutor.
async fn reconcile(
    e: Arc<HourglassExecutor>,
    state: Arc<State<ExecutorCaches>>,
) -> Result<Action, ReconcileError> {
    if let Some(requeue) = plan::terminating(&e) {
        return Ok(requeue.into());
    }
    let (rt, ctx) = (&state.runtime, &state.caches);
    let e = rt.written_statuses.newest(e);
    let name = e.name_any();
    let ns = e.namespace().unwrap_or_default();
    let now = Time(Timestamp::now());

    let source = KeySource::of(&e);
    let keys = sync_keys(rt, &e, &ns, &source).await?;
    let rendered = render::render(&e, &keys, &ctx.render)
        .map_err(|err| ReconcileError::Internal(err.to_string()))?;
    let workload = observed_workload(ctx, &ns, &name);
    if render::trusts_performer_ca(&e) {
        // The pod mounts the CA's certificate: it must exist before the pod starts.
        crate::reconcile::tls::ensure_ca(rt, &ns).await?;
    }
    sync_children(rt, ctx, &e, &ns, &rendered).await?;

    let service = ctx.services.newest(&ns, &name);
    let planned = plan_status(
        &e,
        &rendered,
        source == KeySource::Inline,
        workload.as_ref(),
        service.as_deref(),
        plan::config_changed(workload.as_ref(), &rendered),
        &now,
    );
    writers::write_status(rt, e.as_ref(), e.status.as_ref(), &planned.status).await?;
    for (warning, reason, note) in &planned.events {
        rt.event(e.as_ref(), *warning, reason, note).await;
    }
    tracing::debug!(
        executor = %format!("{ns}/{name}"),
        phase = ?planned.status.phase,
        complete = rendered.assessment.complete(),
        "reconciled"
    );
    Ok(plan::requeue(&rendered).into())
}

/// Keys, names only: inline keys are copied into `<name>-keys` first (and the copy
/// deleted once they leave the spec); a user's Secret is read for its key names.
async fn sync_keys(
    rt: &Runtime,
    e: &HourglassExecutor,
    ns: &str,
    source: &KeySource,
) -> Result<KeyMaterial, ReconcileError> {
    if plan::drop_inline_copy(e) {
        let keys_name = render::keys_secret_name(&e.name_any());
        if let Some(old) = get::<Secret>(rt, ns, &keys_name).await? {
            writers::delete_owned(rt, e.metadata.uid.as_deref(), &old).await?;
        }
    }
    Ok(match source {
        KeySource::Inline => {
            if let Some(desired) = render::inline_keys_secret(e) {
                let name = desired.metadata.name.clone().unwrap_or_default();
                let observed = get::<Secret>(rt, ns, &name).await?;
                if !plan::inline_copy_up_to_date(e, observed.as_ref(), &desired) {
                    writers::apply(rt, ns, &desired).await?;
                }
            }
            render::inline_key_material(e).unwrap_or_default()
        }
        KeySource::Secret(secret) => {
            let observed = Api::<Secret>::namespaced(rt.client.clone(), ns)
                .get_opt(secret)
                .await
                .map_err(|err| {
                    ReconcileError::kube(format!("reading Secret {ns}/{secret} (key names)"), err)
                })?;
            plan::key_names(secret, observed)
        }
        KeySource::None => KeyMaterial::default(),
    })
}

/// Writes each rendered child that is stale, and deletes the workload of the other
/// kind after a storage switch.
async fn sync_children(
    rt: &Runtime,
    ctx: &ExecutorCaches,
    e: &HourglassExecutor,
    ns: &str,
    rendered: &Rendered,
) -> Result<(), ReconcileError> {
    let name = e.name_any();
    let config_map = ctx.config_maps.newest(ns, &render::config_map_name(&name));
    if plan::stale(config_map.as_deref(), &rendered.config_map) {
        writers::apply_child(rt, &ctx.config_maps, ns, &rendered.config_map).await?;
    }
    // Role and RoleBinding are named like the ServiceAccount.
    let sa_name = render::service_account_name(&name);
    let sa = get(rt, ns, &sa_name).await?;
    apply_if_stale(rt, ns, sa.as_ref(), &rendered.service_account).await?;
    let role = get(rt, ns, &sa_name).await?;
    apply_if_stale(rt, ns, role.as_ref(), &rendered.role).await?;
    let binding = get(rt, ns, &sa_name).await?;
    apply_if_stale(rt, ns, binding.as_ref(), &rendered.role_binding).await?;
    sync_network_policy(rt, e, ns, &name, rendered.network_policy.as_ref()).await?;
    let service = ctx.services.newest(ns, &name);
    if plan::stale(service.as_deref(), &rendered.service) {
        writers::apply_child(rt, &ctx.services, ns, &rendered.service).await?;
    }
    let owner = e.metadata.uid.as_deref();
    match &rendered.workload {
        Workload::Deployment(d) => {
            let replicas = |d: &Deployment| d.spec.replicas;
            let other = ctx.stateful_sets.newest(ns, &name);
            sync_workload(rt, ns, owner, &ctx.deployments, d.as_ref(), replicas, other).await
        }
        Workload::StatefulSet(s) => {
            let replicas = |s: &StatefulSet| s.spec.replicas;
            let other = ctx.deployments.newest(ns, &name);
            sync_workload(
                rt,
                ns,
                owner,
                &ctx.stateful_sets,
                s.as_ref(),
                replicas,
                other,
            )
            .await
        }
    }
}

/// Applies the workload when it is stale or was scaled, and deletes the owned workload
/// of the other kind (after a storage switch).
async fn sync_workload<W: runtime::Object, Other: runtime::Object>(
    rt: &Runtime,
    ns: &str,
    owner: Option<&str>,
    workloads: &Children<W>,
    desired: &W,
    replicas: fn(&W) -> Option<i32>,
    other: Option<Arc<Other>>,
) -> Result<(), ReconcileError> {
    let name = desired.meta().name.clone().unwrap_or_default();
    let seen = workloads.newest(ns, &name);
    if plan::workload_stale(seen.as_deref(), desired, replicas) {
        writers::apply_child(rt, workloads, ns, desired).await?;
    }
    if let Some(old) = other {
        writers::delete_owned(rt, owner, old.as_ref()).await?;
    }
    Ok(())
}

/// Applies `<name>-performers` when `spec.networkPolicy.enabled` and it is stale, deletes
/// it (only if this executor owns it) when not. Read per pass, not watched: it needs no
/// list/watch rights, and an edit is undone at the next pass (at the latest after RESYNC).
async fn sync_network_policy(
    rt: &Runtime,
    e: &HourglassExecutor,
    ns: &str,
    name: &str,
    desired: Option<&NetworkPolicy>,
) -> Result<(), ReconcileError> {
    let np_name = render::network_policy_name(name);
    if let Some(np) = desired {
        let observed = get(rt, ns, &np_name).await?;
        return apply_if_stale(rt, ns, observed.as_ref(), np).await;
    }
    match Api::<NetworkPolicy>::namespaced(rt.client.clone(), ns)
        .get_opt(&np_name)
        .await
    {
        Ok(Some(old)) => writers::delete_owned(rt, e.metadata.uid.as_deref(), &old)
            .await
            .map(|_| ()),
        Ok(None) => Ok(()),
        // The feature is off: a user who may not read NetworkPolicies (run-local with a
        // namespace Role that predates it) keeps a working executor reconciler.
        Err(kube::Error::Api(s)) if s.code == 403 => {
            tracing::debug!(object = %format!("{ns}/{np_name}"), "cannot read NetworkPolicies; none to delete");
            Ok(())
        }
        Err(err) => Err(ReconcileError::kube(
            format!("reading NetworkPolicy {ns}/{np_name}"),
            err,
        )),
    }
}

async fn apply_if_stale<K: runtime::Object>(
    rt: &Runtime,
    ns: &str,
    observed: Option<&K>,
    desired: &K,
) -> Result<(), ReconcileError> {
    if plan::stale(observed, desired) {
        writers::apply(rt, ns, desired).await?;
    }
    Ok(())
}

fn observed_workload(ctx: &ExecutorCaches, ns: &str, name: &str) -> Option<WorkloadView> {
    if let Some(d) = ctx.deployments.newest(ns, name) {
        return Some(WorkloadView::from(d.as_ref()));
    }
    ctx.stateful_sets
        .newest(ns, name)
        .map(|s| WorkloadView::from(s.as_ref()))
}

async fn get<K: runtime::Object>(
    rt: &Runtime,
    ns: &str,
    name: &str,
) -> Result<Option<K>, ReconcileError> {
    Api::<K>::namespaced(rt.client.clone(), ns)
        .get_opt(name)
        .await
        .map_err(|e| ReconcileError::kube(format!("reading {} {ns}/{name}", K::kind(&())), e))
}

/// What a pass of the executor controller reads: its caches and the shared runtime.
pub struct ExecutorCaches {
    pub deployments: Children<Deployment>,
    pub stateful_sets: Children<StatefulSet>,
    pub config_maps: Children<ConfigMap>,
    pub services: Children<Service>,
    pub render: RenderContext,
}
