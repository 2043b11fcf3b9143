//! The Performer controller's I/O: watches the Performers and their labelled
//! children, reads the caches into an [`Observed`], and carries out what
//! [`super::plan`] decides.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use futures::{StreamExt, future};
use k8s_openapi::api::core::v1::{Namespace, Pod, Service};
use k8s_openapi::api::discovery::v1::EndpointSlice;
use k8s_openapi::api::resource::v1::ResourceClaimTemplate;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::Time;
use k8s_openapi::jiff::Timestamp;
use kube::api::{Api, DeleteParams, ListParams, Preconditions};
use kube::runtime::controller::{Action, Controller};
use kube::runtime::reflector::{ObjectRef, Store};
use kube::runtime::{WatchStreamExt, watcher};
use kube::{Resource, ResourceExt};

use super::deletes::SentDeletes;
use super::plan::{
    self, Observed, PlanInput, PlannedEvent, PodView, Rollout, ServiceSelects, StatusPlan,
};
use crate::api::performer::PerformerStatus;
use crate::api::{HourglassExecutor, Performer};
use crate::reconcile::rollout::RolloutSlots;
use crate::reconcile::runtime::{self, Children, Runtime, State};
use crate::reconcile::writers::{self, Deleted};
use crate::reconcile::{ReconcileError, metrics};
use crate::render::performer::{
    self as render, APP_PERFORMER, LABEL_APP, LABEL_PERFORMER, LABEL_TEMPLATE_HASH,
    PodSecurityLevel, RenderContext,
};
use crate::render::template::{self, TemplateLink};

/// Runs the Performer controller until `shutdown` resolves; `ready` is called once
/// the pod and Service caches have their first full list.
pub async fn run(
    rt: Arc<Runtime>,
    namespace: Option<&str>,
    render: RenderContext,
    rollout_budget: usize,
    ready: impl Fn() + Send + Sync + 'static,
    shutdown: impl std::future::Future<Output = ()> + Send + Sync + 'static,
) {
    let client = &rt.client;
    let children = watcher::Config::default().labels(&format!("{LABEL_APP}={APP_PERFORMER}"));
    let (pods, pod_triggers) = runtime::watch_children(
        client,
        namespace,
        children.clone(),
        plan::slim_pod,
        owner_performer::<Pod>,
    );
    let (services, svc_triggers) = runtime::watch_children(
        client,
        namespace,
        children.clone(),
        plan::slim_service,
        owner_performer::<Service>,
    );
    // The EndpointSlice controller copies the Service's labels onto its slices, so the
    // same selector finds them; a slice change wakes its Performer mid-rollout.
    let (slices, slice_triggers) = runtime::watch_children(
        client,
        namespace,
        children,
        plan::slim_endpoint_slice,
        |slice: &EndpointSlice| {
            let name = slice.labels().get(LABEL_PERFORMER)?;
            Some(ObjectRef::new(name).within(slice.namespace().as_deref().unwrap_or_default()))
        },
    );
    let (performers, stream) =
        runtime::reflect::<Performer>(client, namespace, Default::default(), runtime::keep);
    rt.metrics.set_performer_store(performers.clone());
    let (namespaces, ns_triggers) = watch_namespaces(client, namespace, performers.clone());
    let (executors, executor_triggers) = watch_executors(client, namespace, performers.clone());

    let (rollouts, mut slot_freed) = RolloutSlots::new(rollout_budget);
    let slot_triggers = futures::stream::poll_fn(move |cx| slot_freed.poll_recv(cx));
    let state = State::new(
        rt.clone(),
        "performer",
        PerformerCaches {
            pods: pods.clone(),
            services: services.clone(),
            endpoint_slices: slices,
            namespaces,
            namespaces_waited: AtomicBool::new(false),
            executors: executors.clone(),
            performers: performers.clone(),
            rollouts,
            sent_deletes: SentDeletes::default(),
            render,
        },
    );
    let controller = Controller::for_stream(stream.applied_objects(), performers)
        .with_config(rt.controller_config.clone())
        .reconcile_on(pod_triggers)
        .reconcile_on(svc_triggers)
        .reconcile_on(slice_triggers)
        .reconcile_on(ns_triggers)
        .reconcile_on(executor_triggers)
        .reconcile_on(slot_triggers)
        .graceful_shutdown_on(shutdown);

    let wait_ready = async move {
        let _ = pods.wait_until_ready().await;
        let _ = services.wait_until_ready().await;
        let _ = executors.wait_until_ready().await;
        ready();
        future::pending::<()>().await
    };
    tokio::select! {
        _ = runtime::drive(controller, reconcile, state) => {}
        _ = wait_ready => {}
    }
}

/// Namespaces, for the Pod Security level each enforces (an input of the rendered pod):
/// a change of level (and only that) wakes every Performer of the namespace.
fn watch_namespaces(
    client: &kube::Client,
    namespace: Option<&str>,
    performers: Store<Performer>,
) -> (
    Store<Namespace>,
    impl futures::Stream<Item = ObjectRef<Performer>> + Send + 'static,
) {
    let config = match namespace {
        Some(n) => watcher::Config::default().fields(&format!("metadata.name={n}")),
        None => watcher::Config::default(),
    };
    let (store, writer) = kube::runtime::reflector::store::<Namespace>();
    let triggers = kube::runtime::reflector::reflector(
        writer,
        watcher(Api::<Namespace>::all(client.clone()), config)
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
    });
    (store, triggers)
}

/// HourglassExecutors, for their per-AVS performer templates: any change of one (its
/// deletion included) wakes every Performer of its namespace, since an AVS it no longer
/// lists must lose the template too.
fn watch_executors(
    client: &kube::Client,
    namespace: Option<&str>,
    performers: Store<Performer>,
) -> (
    Store<HourglassExecutor>,
    impl futures::Stream<Item = ObjectRef<Performer>> + Send + 'static,
) {
    let (store, stream) =
        runtime::reflect::<HourglassExecutor>(client, namespace, Default::default(), runtime::keep);
    let triggers = stream
        .touched_objects()
        .filter_map(|r| future::ready(r.ok()))
        .flat_map(move |e| {
            let ns = e.namespace();
            futures::stream::iter(
                performers
                    .state()
                    .into_iter()
                    .filter(|p| p.metadata.namespace == ns)
                    .map(|p| ObjectRef::from_obj(p.as_ref()))
                    .collect::<Vec<_>>(),
            )
        });
    (store, triggers)
}

/// How long the first passes wait for the namespace cache's first list before they ask the
/// API server instead.
const NAMESPACE_CACHE_WAIT: Duration = Duration::from_secs(5);

/// The Pod Security level `ns` enforces, from the namespace cache; a namespace not cached
/// (yet, or the watch is not allowed) is read directly, so the pod is never rendered for a
/// level the namespace does not have.
async fn pod_security_level(
    rt: &Runtime,
    ctx: &PerformerCaches,
    ns: &str,
) -> Result<PodSecurityLevel, ReconcileError> {
    if !ctx.namespaces_waited.load(Ordering::Relaxed) {
        let _ = tokio::time::timeout(NAMESPACE_CACHE_WAIT, ctx.namespaces.wait_until_ready()).await;
        ctx.namespaces_waited.store(true, Ordering::Relaxed);
    }
    if let Some(n) = ctx.namespaces.get(&ObjectRef::new(ns)) {
        return Ok(PodSecurityLevel::from_namespace_labels(
            n.metadata.labels.as_ref(),
        ));
    }
    let n = Api::<Namespace>::all(rt.client.clone())
        .get(ns)
        .await
        .map_err(|e| ReconcileError::kube(format!("reading namespace {ns}"), e))?;
    Ok(PodSecurityLevel::from_namespace_labels(
        n.metadata.labels.as_ref(),
    ))
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

/// One pass over one Performer.
async fn reconcile(
    p: Arc<Performer>,
    state: Arc<State<PerformerCaches>>,
) -> Result<Action, ReconcileError> {
    let (rt, ctx) = (&state.runtime, &state.caches);
    let p = rt.written_statuses.newest(p);
    let now = Time(Timestamp::now());
    if let Some(only_status) = plan::terminating(&p) {
        ctx.rollouts
            .release(&p.namespace().unwrap_or_default(), &p.name_any());
        return write_status_only(rt, &p, only_status).await;
    }
    // Rendering before the executors are known would roll the pod out again once they are.
    if tokio::time::timeout(NAMESPACE_CACHE_WAIT, ctx.executors.wait_until_ready())
        .await
        .is_err()
    {
        return Err(ReconcileError::Internal(
            "the HourglassExecutor cache has not listed yet (is watching hourglassexecutors allowed?)".into(),
        ));
    }
    let link = template::link(&p, ctx.executors.state().iter().map(AsRef::as_ref));
    if let TemplateLink::Ambiguous { .. } = link {
        return write_status_only(rt, &p, plan::ambiguous_template(&p, &link, &now)).await;
    }
    let merged = template::effective(&p, &link);
    // Rendered and planned from the merged spec; the status still goes to `p`.
    let effective = Arc::new(Performer {
        spec: merged.spec,
        ..p.as_ref().clone()
    });
    let p = effective;
    let level = pod_security_level(rt, ctx, &p.namespace().unwrap_or_default()).await?;
    let desired = match render::desired_pod_in(&p, level) {
        Ok(d) => d,
        Err(e) => {
            return write_status_only(rt, &p, plan::invalid_spec(&p, &e.to_string(), &now)).await;
        }
    };
    let ns = p.namespace().unwrap_or_default();
    let desired_pod_name = desired.pod.metadata.name.clone().unwrap_or_default();
    let service = ctx
        .services
        .newest(&ns, &render::service_name(&p.name_any()));
    let mut observed = observe(ctx, &p, service.as_deref(), &desired_pod_name);
    ctx.sent_deletes.assume(&mut observed.pods, Instant::now());
    let input = |may_start_rollout| PlanInput {
        performer: &p,
        desired_hash: &desired.hash,
        desired_pod_name: &desired_pod_name,
        observed: &observed,
        cluster_domain: &ctx.render.cluster_domain,
        now: &now,
        may_start_rollout,
    };
    let mut plan = plan::plan(input(true));
    let name = p.name_any();
    match plan.rollout {
        Rollout::Starting => {
            let exists = |n: &str| ctx.performers.get(&ObjectRef::new(n).within(&ns)).is_some();
            if !ctx.rollouts.try_take(&ns, &name, exists) {
                plan = plan::plan(input(false));
            }
        }
        Rollout::InFlight => ctx.rollouts.hold(&ns, &name),
        Rollout::None => ctx.rollouts.release(&ns, &name),
        // Not returned when a slot may be taken.
        Rollout::Queued => {}
    }
    plan::note_template(&mut plan.status, &p, &link, &merged.from_template, &now);

    if render::terminates_tls(&p) {
        // Before the pod: its sidecar mounts the certificate.
        crate::reconcile::tls::ensure_serving(rt, &p, &ctx.render.cluster_domain).await?;
    }
    if plan.create_pod {
        // Before the pod: the pod names the template its GPU claim is made from.
        sync_gpu_claim_template(rt, &p).await?;
        writers::apply_child(rt, &ctx.pods, &ns, &desired.pod).await?;
    }
    // The renderer's convention: an empty hash selects every pod of the Performer.
    let wanted = render::desired_service(&p, plan.serving_hash.template().unwrap_or_default());
    if service.is_none_or(|s| !plan::service_up_to_date(&s, &wanted)) {
        writers::apply_child(rt, &ctx.services, &ns, &wanted).await?;
    }
    for pod_name in &plan.delete_pods {
        let deleted = writers::delete::<Pod>(rt, &ns, pod_name, &DeleteParams::default()).await?;
        if let (Deleted::Now, Some(uid)) = (deleted, observed.uid_of(pod_name)) {
            ctx.sent_deletes.sent(uid, Instant::now());
        }
    }
    for pod_name in &plan.force_delete_pods {
        // Only the pod that was seen: a new pod of the same name must not go with it.
        let params = DeleteParams {
            grace_period_seconds: Some(0),
            preconditions: observed.uid_of(pod_name).map(|uid| Preconditions {
                uid: Some(uid.to_string()),
                resource_version: None,
            }),
            ..DeleteParams::default()
        };
        if writers::delete::<Pod>(rt, &ns, pod_name, &params).await? == Deleted::Now {
            tracing::warn!(performer = %p.name_any(), pod = %pod_name, "force-deleted an overdue pod");
            rt.metrics.force_deleted(&ns);
            record(rt, &p, &[plan::force_deleted_event(pod_name)]).await;
        }
    }
    write_status(rt, &p, &plan.status).await?;
    record(rt, &p, &plan.events).await;
    Ok(plan.requeue.into())
}

/// For a Performer whose GPUs come through DRA: creates the ResourceClaimTemplate its pod
/// names, and deletes the templates of its earlier requests. Read when a pod is about to be
/// created only (not watched), so a cluster without DRA's API costs nothing.
async fn sync_gpu_claim_template(rt: &Runtime, p: &Performer) -> Result<(), ReconcileError> {
    let Some(desired) = render::desired_gpu_claim_template(p) else {
        return Ok(());
    };
    let ns = p.namespace().unwrap_or_default();
    let want = desired.name_any();
    let owned = Api::<ResourceClaimTemplate>::namespaced(rt.client.clone(), &ns)
        .list_metadata(
            &ListParams::default().labels(&format!("{LABEL_PERFORMER}={}", p.name_any())),
        )
        .await
        .map_err(|e| {
            ReconcileError::kube(
                format!(
                    "listing the ResourceClaimTemplates of {ns}/{}",
                    p.name_any()
                ),
                e,
            )
        })?;
    if !owned.items.iter().any(|t| t.name_any() == want) {
        writers::apply(rt, &ns, &desired).await?;
    }
    for old in owned.items.iter().filter(|t| t.name_any() != want) {
        let old = ResourceClaimTemplate {
            metadata: old.metadata.clone(),
            spec: None,
        };
        writers::delete_owned(rt, p.metadata.uid.as_deref(), &old).await?;
    }
    Ok(())
}

/// Writes the status when it changed, and counts what the change means (ready after how
/// long, a rollout started, a lost-node eviction) for the metrics.
async fn write_status(
    rt: &Runtime,
    p: &Performer,
    new: &PerformerStatus,
) -> Result<(), ReconcileError> {
    let seen = metrics::observations(
        p.status.as_ref(),
        new,
        p.metadata.creation_timestamp.as_ref(),
        k8s_openapi::jiff::Timestamp::now(),
    );
    writers::write_status(rt, p, p.status.as_ref(), new).await?;
    rt.metrics
        .performer_status_written(p.metadata.namespace.as_deref().unwrap_or_default(), &seen);
    Ok(())
}

/// Reads the cached children of `p`.
fn observe(
    ctx: &PerformerCaches,
    p: &Performer,
    service: Option<&Service>,
    desired_pod_name: &str,
) -> Observed {
    let ns = p.namespace().unwrap_or_default();
    let name = p.name_any();
    let pods = ctx
        .pods
        .of(&ns, &name)
        .into_iter()
        .filter(|pod| {
            pod.labels().get(LABEL_PERFORMER).map(String::as_str) == Some(name.as_str())
                && pod
                    .owner_references()
                    .iter()
                    .any(|o| Some(&o.uid) == p.metadata.uid.as_ref())
        })
        .map(|pod| PodView::from(pod.as_ref()))
        .collect();
    Observed {
        pods,
        service_hash: service.map(|s| {
            ServiceSelects::from_selector(
                s.spec
                    .as_ref()
                    .and_then(|spec| spec.selector.as_ref())
                    .and_then(|sel| sel.get(LABEL_TEMPLATE_HASH))
                    .map(String::as_str),
            )
        }),
        desired_in_endpoints: endpoints_ready(ctx, &ns, &name, desired_pod_name),
    }
}

/// True when a cached EndpointSlice of the Service lists the pod as ready.
fn endpoints_ready(ctx: &PerformerCaches, ns: &str, name: &str, pod_name: &str) -> bool {
    let service = render::service_name(name);
    ctx.endpoint_slices
        .of(ns, name)
        .iter()
        .filter(|s| s.labels().get("kubernetes.io/service-name") == Some(&service))
        .flat_map(|s| s.endpoints.iter().flatten())
        .any(|e| {
            e.target_ref.as_ref().and_then(|t| t.name.as_deref()) == Some(pod_name)
                && e.conditions.as_ref().and_then(|c| c.ready).unwrap_or(false)
        })
}

async fn write_status_only(
    rt: &Runtime,
    p: &Performer,
    plan: StatusPlan,
) -> Result<Action, ReconcileError> {
    write_status(rt, p, &plan.status).await?;
    record(rt, p, &plan.events).await;
    Ok(plan.requeue.into())
}

async fn record(rt: &Runtime, p: &Performer, events: &[PlannedEvent]) {
    for e in events {
        rt.event(p, e.warning, &e.reason, &e.note).await;
    }
}

/// What a pass of the Performer controller reads: its caches and the shared runtime.
pub struct PerformerCaches {
    /// Pods by the Performer that owns them.
    pub pods: Children<Pod>,
    pub services: Children<Service>,
    /// EndpointSlices of performer Services (they carry the Service's labels), by Performer.
    pub endpoint_slices: Children<EndpointSlice>,
    /// Namespaces, for the Pod Security level each enforces.
    pub namespaces: Store<Namespace>,
    /// Set once a pass has waited for the namespace cache's first list (or given up: the
    /// watch may not be allowed), so that no later pass waits again.
    pub namespaces_waited: AtomicBool,
    /// HourglassExecutors, for the performer template of the Performer's AVS.
    pub executors: Store<HourglassExecutor>,
    /// The Performers themselves: a rollout slot held by one that is gone is freed.
    pub performers: Store<Performer>,
    /// The namespace's rollout budget.
    pub rollouts: RolloutSlots,
    /// Pods deleted whose deletion the pod cache has not shown yet.
    pub sent_deletes: SentDeletes,
    pub render: RenderContext,
}
