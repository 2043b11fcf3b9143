//! The HourglassExecutor reconciler: finds which keys the operator's Secret
//! holds (names only), moves the seed's inline keys into an owned Secret,
//! renders the children with [`crate::render::executor`], applies each one
//! only when it differs from what is observed, and writes status only when
//! it changed. The optional NetworkPolicy (`spec.networkPolicy`) is applied
//! or deleted the same way. Key values are never logged, put in an event, a
//! condition or the status; the only place they are written is the
//! `<name>-keys` Secret.

use std::sync::Arc;
use std::time::{Duration, Instant};

use k8s_openapi::NamespaceResourceScope;
use k8s_openapi::api::apps::v1::{Deployment, StatefulSet};
use k8s_openapi::api::core::v1::{ConfigMap, Secret, Service};
use k8s_openapi::api::networking::v1::NetworkPolicy;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::Time;
use k8s_openapi::jiff::Timestamp;
use kube::api::{Api, DeleteParams, Patch, PatchParams};
use kube::runtime::controller::Action;
use kube::runtime::reflector::{ObjectRef, Store};
use kube::{Resource, ResourceExt};
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::json;

use super::plan::{WorkloadView, plan_status};
use crate::api::HourglassExecutor;
use crate::api::conditions::{self, reason};
use crate::api::executor::HourglassExecutorStatus;
use crate::reconcile::{Context, FIELD_MANAGER, ReconcileError};
use crate::render::executor::{
    self as render, ANNOTATION_CONFIG_CHECKSUM, ANNOTATION_SPEC_HASH, KeyMaterial, Workload,
};

/// How often a settled executor is looked at again (the keys Secret is not watched).
const RESYNC: Duration = Duration::from_secs(300);
/// How soon to look again while the config is incomplete (keys may be added to the Secret).
const INCOMPLETE_POLL: Duration = Duration::from_secs(30);

/// The executor controller's caches and the runtime shared with the Performer controller.
pub struct ExecutorContext {
    pub base: Arc<Context>,
    pub deployments: Store<Deployment>,
    pub stateful_sets: Store<StatefulSet>,
    pub config_maps: Store<ConfigMap>,
    pub services: Store<Service>,
    pub render: render::ExecutorContext,
    /// Consecutive failures per executor, for exponential backoff.
    failures: std::sync::Mutex<std::collections::HashMap<String, u32>>,
}

/// One pass over one HourglassExecutor.
pub async fn reconcile(
    e: Arc<HourglassExecutor>,
    ctx: Arc<ExecutorContext>,
) -> Result<Action, ReconcileError> {
    let started = Instant::now();
    let result = reconcile_inner(&e, &ctx).await;
    ctx.base
        .metrics
        .observe("executor", started.elapsed(), result.is_err());
    result
}

async fn reconcile_inner(
    e: &HourglassExecutor,
    ctx: &ExecutorContext,
) -> Result<Action, ReconcileError> {
    if e.metadata.deletion_timestamp.is_some() {
        // Children go by ownerReference garbage collection.
        return Ok(Action::await_change());
    }
    let name = e.name_any();
    let ns = e.namespace().unwrap_or_default();
    let client = ctx.base.client.clone();
    let now = Time(Timestamp::now());

    // ---- keys: names only (inline keys are moved into <name>-keys first)
    let inline = render::has_inline_keys(e);
    let had_inline = e
        .status
        .as_ref()
        .and_then(|s| conditions::find(s.conditions.as_deref(), conditions::KEYS_SECURE))
        .is_some_and(|c| c.reason == reason::INLINE_KEYS);
    if !inline && had_inline {
        // The inline keys are gone from the spec: so goes their copy.
        let keys_name = render::keys_secret_name(&name);
        if let Some(old) = get::<Secret>(&client, &ns, &keys_name).await? {
            delete_owned(ctx, e, &ns, &old).await?;
        }
    }
    let keys = if inline {
        ensure_inline_secret(e, ctx).await?;
        render::inline_key_material(e).unwrap_or_default()
    } else if let Some(secret) = e
        .spec
        .config
        .as_ref()
        .and_then(|c| c.operator_keys.as_ref())
        .and_then(|k| k.secret_ref.as_ref())
    {
        let api: Api<Secret> = Api::namespaced(client.clone(), &ns);
        match api.get_opt(&secret.name).await {
            Ok(Some(s)) => KeyMaterial::from_secret(
                &secret.name,
                s.data
                    .into_iter()
                    .flatten()
                    .map(|(k, _)| k)
                    .chain(s.string_data.into_iter().flatten().map(|(k, _)| k)),
            ),
            Ok(None) => KeyMaterial::missing_secret(&secret.name),
            Err(err) => {
                return Err(ReconcileError::kube(
                    format!("reading Secret {ns}/{} (key names)", secret.name),
                    err,
                ));
            }
        }
    } else {
        KeyMaterial::default()
    };

    let rendered = render::render(e, &keys, &ctx.render)
        .map_err(|err| ReconcileError::Internal(err.to_string()))?;

    // ---- children, each applied only when it differs from what is observed
    let observed_workload = observed_workload(ctx, &ns, &name);
    let config_changed = observed_workload
        .as_ref()
        .is_none_or(|w| w.checksum.as_deref() != Some(rendered.checksum.as_str()));

    let cm_key = ObjectRef::new(&render::config_map_name(&name)).within(&ns);
    if stale(
        ctx.config_maps.get(&cm_key).as_deref(),
        &rendered.config_map,
    ) {
        apply(ctx, &ns, &rendered.config_map).await?;
    }
    let sa_name = render::service_account_name(&name);
    if stale(
        get(&client, &ns, &sa_name).await?.as_ref(),
        &rendered.service_account,
    ) {
        apply(ctx, &ns, &rendered.service_account).await?;
    }
    if stale(get(&client, &ns, &sa_name).await?.as_ref(), &rendered.role) {
        apply(ctx, &ns, &rendered.role).await?;
    }
    if stale(
        get(&client, &ns, &sa_name).await?.as_ref(),
        &rendered.role_binding,
    ) {
        apply(ctx, &ns, &rendered.role_binding).await?;
    }
    sync_network_policy(ctx, e, &ns, &name, rendered.network_policy.as_ref()).await?;
    let svc_key = ObjectRef::new(&name).within(&ns);
    if stale(ctx.services.get(&svc_key).as_deref(), &rendered.service) {
        apply(ctx, &ns, &rendered.service).await?;
    }
    let key = ObjectRef::new(&name).within(&ns);
    match &rendered.workload {
        Workload::Deployment(d) => {
            let seen = ctx.deployments.get(&key);
            let replicas_drifted = seen
                .as_ref()
                .is_some_and(|s| s.spec.replicas != d.spec.replicas);
            if replicas_drifted || stale(seen.as_deref(), d.as_ref()) {
                apply(ctx, &ns, d.as_ref()).await?;
            }
            if let Some(old) = ctx.stateful_sets.get(&ObjectRef::new(&name).within(&ns)) {
                delete_owned::<StatefulSet>(ctx, e, &ns, &old).await?;
            }
        }
        Workload::StatefulSet(s) => {
            let seen = ctx.stateful_sets.get(&ObjectRef::new(&name).within(&ns));
            let replicas_drifted = seen
                .as_ref()
                .is_some_and(|o| o.spec.replicas != s.spec.replicas);
            if replicas_drifted || stale(seen.as_deref(), s.as_ref()) {
                apply(ctx, &ns, s.as_ref()).await?;
            }
            if let Some(old) = ctx.deployments.get(&ObjectRef::new(&name).within(&ns)) {
                delete_owned::<Deployment>(ctx, e, &ns, &old).await?;
            }
        }
    }

    // ---- status and events
    let planned = plan_status(
        e,
        &rendered,
        inline,
        observed_workload.as_ref(),
        config_changed,
        &now,
    );
    if e.status.as_ref() != Some(&planned.status) {
        write_status(ctx, &ns, &name, &planned.status).await?;
    }
    for (warning, reason, note) in &planned.events {
        ctx.base.event(e, *warning, reason, note).await;
    }
    tracing::debug!(
        executor = %format!("{ns}/{name}"),
        phase = ?planned.status.phase,
        missing = rendered.missing.len(),
        "reconciled"
    );
    Ok(Action::requeue(if rendered.missing.is_empty() {
        RESYNC
    } else {
        INCOMPLETE_POLL
    }))
}

/// Applies `<name>-performers` when `spec.networkPolicy.enabled` and it differs, deletes it
/// (only if this executor owns it) when not. Read per pass, not watched: it needs no
/// list/watch rights, and an edit is undone at the next pass (at the latest after RESYNC).
async fn sync_network_policy(
    ctx: &ExecutorContext,
    e: &HourglassExecutor,
    ns: &str,
    name: &str,
    desired: Option<&NetworkPolicy>,
) -> Result<(), ReconcileError> {
    let np_name = render::network_policy_name(name);
    if let Some(np) = desired {
        if stale(get(&ctx.base.client, ns, &np_name).await?.as_ref(), np) {
            apply(ctx, ns, np).await?;
        }
        return Ok(());
    }
    match Api::<NetworkPolicy>::namespaced(ctx.base.client.clone(), ns)
        .get_opt(&np_name)
        .await
    {
        Ok(Some(old)) => delete_owned(ctx, e, ns, &old).await,
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

/// Runs the HourglassExecutor controller until `shutdown` resolves: watches
/// the executors (spec changes only: status writes do not trigger a pass) and
/// the children labelled `hourglass.eigenlayer.io/executor`.
pub async fn run(
    client: kube::Client,
    namespace: Option<&str>,
    base: Arc<Context>,
    shutdown: impl std::future::Future<Output = ()> + Send + Sync + 'static,
) {
    use futures::{StreamExt, future};
    use kube::runtime::controller::Controller;
    use kube::runtime::{WatchStreamExt, predicates, reflector, watcher};

    // Each child watch is drained by its own future (the cache never lags
    // behind a busy controller) and every touched child, deletions included
    // (shared streams dispatch none), triggers its executor, named by the label.
    let children = watcher::Config::default().labels(render::LABEL_EXECUTOR);
    let (tx, triggers) = futures::channel::mpsc::unbounded::<ObjectRef<HourglassExecutor>>();
    macro_rules! child_store {
        ($t:ty) => {{
            let (store, writer) = reflector::store::<$t>();
            let tx = tx.clone();
            let watch = reflector::reflector(
                writer,
                watcher(
                    crate::reconcile::api::<$t>(&client, namespace),
                    children.clone(),
                )
                .default_backoff()
                .modify(|o| {
                    o.metadata.managed_fields = None;
                }),
            )
            .touched_objects()
            .for_each(move |child| {
                if let Ok(child) = child
                    && let (Some(owner), Some(ns)) = (
                        child.labels().get(render::LABEL_EXECUTOR),
                        child.namespace(),
                    )
                {
                    let _ = tx.unbounded_send(ObjectRef::new(owner).within(&ns));
                }
                future::ready(())
            });
            (store, watch)
        }};
    }
    let (deployments, deploy_watch) = child_store!(Deployment);
    let (stateful_sets, sts_watch) = child_store!(StatefulSet);
    let (config_maps, cm_watch) = child_store!(ConfigMap);
    let (services, svc_watch) = child_store!(Service);
    drop(tx);

    let (executors, writer) = reflector::store::<HourglassExecutor>();
    let stream = reflector::reflector(
        writer,
        watcher(
            crate::reconcile::api::<HourglassExecutor>(&client, namespace),
            watcher::Config::default(),
        )
        .default_backoff()
        .modify(|e| {
            e.metadata.managed_fields = None;
        }),
    )
    .applied_objects()
    .predicate_filter(predicates::generation, Default::default());

    let ctx = Arc::new(ExecutorContext {
        base,
        deployments,
        stateful_sets,
        config_maps,
        services,
        render: render::ExecutorContext::default(),
        failures: Default::default(),
    });
    let controller = Controller::for_stream(stream, executors)
        .with_config(ctx.base.controller_config.clone())
        .reconcile_on(triggers)
        .graceful_shutdown_on(shutdown)
        .run(reconcile, error_policy, ctx.clone())
        .for_each(|result| {
            match result {
                Ok((obj, _)) => {
                    let key = format!(
                        "{}/{}",
                        obj.namespace.as_deref().unwrap_or_default(),
                        obj.name
                    );
                    ctx.failures.lock().map(|mut f| f.remove(&key)).ok();
                }
                Err(e) => tracing::debug!(error = %e, "executor reconcile stream"),
            }
            future::ready(())
        });
    tokio::select! {
        _ = controller => {}
        _ = deploy_watch => {}
        _ = sts_watch => {}
        _ = cm_watch => {}
        _ = svc_watch => {}
    }
}

/// Retries a failed pass with backoff; the error names the object and the write, never a value.
fn error_policy(
    e: Arc<HourglassExecutor>,
    error: &ReconcileError,
    ctx: Arc<ExecutorContext>,
) -> Action {
    let key = format!("{}/{}", e.namespace().unwrap_or_default(), e.name_any());
    let attempts = {
        let mut failures = ctx.failures.lock().unwrap_or_else(|p| p.into_inner());
        let n = failures.entry(key.clone()).or_insert(0);
        *n = n.saturating_add(1);
        *n
    };
    let delay = crate::reconcile::backoff(attempts);
    tracing::warn!(executor = %key, attempt = attempts, retry_in = ?delay, "reconcile failed: {error}");
    Action::requeue(delay)
}

fn observed_workload(ctx: &ExecutorContext, ns: &str, name: &str) -> Option<WorkloadView> {
    let key = ObjectRef::new(name).within(ns);
    let checksum = |t: &k8s_openapi::api::core::v1::PodTemplateSpec| {
        t.metadata
            .as_ref()
            .and_then(|m| m.annotations.as_ref())
            .and_then(|a| a.get(ANNOTATION_CONFIG_CHECKSUM).cloned())
    };
    if let Some(d) = ctx.deployments.get(&key) {
        let status = d.status.clone().unwrap_or_default();
        return Some(WorkloadView {
            replicas: status.replicas.unwrap_or(0),
            ready_replicas: status.ready_replicas.unwrap_or(0),
            checksum: checksum(&d.spec.template),
        });
    }
    ctx.stateful_sets
        .get(&ObjectRef::new(name).within(ns))
        .map(|s| {
            let status = s.status.clone().unwrap_or_default();
            WorkloadView {
                replicas: status.replicas,
                ready_replicas: status.ready_replicas.unwrap_or(0),
                checksum: checksum(&s.spec.template),
            }
        })
}

/// True when the observed child is missing or carries another spec hash.
fn stale<K: Resource>(observed: Option<&K>, desired: &K) -> bool {
    let hash = |k: &K| {
        k.meta()
            .annotations
            .as_ref()
            .and_then(|a| a.get(ANNOTATION_SPEC_HASH).cloned())
    };
    observed.is_none_or(|o| hash(o).is_none() || hash(o) != hash(desired))
}

async fn get<K>(client: &kube::Client, ns: &str, name: &str) -> Result<Option<K>, ReconcileError>
where
    K: Resource<Scope = NamespaceResourceScope, DynamicType = ()>
        + Clone
        + DeserializeOwned
        + std::fmt::Debug,
{
    Api::<K>::namespaced(client.clone(), ns)
        .get_opt(name)
        .await
        .map_err(|e| ReconcileError::kube(format!("reading {} {ns}/{name}", K::kind(&())), e))
}

/// Server-side apply with the `hgctl` field manager, forced: hgctl owns these fields.
async fn apply<K>(ctx: &ExecutorContext, ns: &str, obj: &K) -> Result<(), ReconcileError>
where
    K: Resource<Scope = NamespaceResourceScope, DynamicType = ()>
        + Clone
        + Serialize
        + DeserializeOwned
        + std::fmt::Debug,
{
    let name = obj.meta().name.clone().unwrap_or_default();
    let mut body =
        serde_json::to_value(obj).map_err(|e| ReconcileError::Internal(e.to_string()))?;
    body["apiVersion"] = json!(K::api_version(&()));
    body["kind"] = json!(K::kind(&()));
    Api::<K>::namespaced(ctx.base.client.clone(), ns)
        .patch(
            &name,
            &PatchParams::apply(FIELD_MANAGER).force(),
            &Patch::Apply(&body),
        )
        .await
        .map_err(|e| ReconcileError::kube(format!("applying {} {ns}/{name}", K::kind(&())), e))?;
    ctx.base.metrics.write("apply", plural::<K>());
    tracing::debug!(kind = %K::kind(&()), object = %format!("{ns}/{name}"), "applied");
    Ok(())
}

fn plural<K: Resource<DynamicType = ()>>() -> &'static str {
    match K::kind(&()).as_ref() {
        "ConfigMap" => "configmaps",
        "Secret" => "secrets",
        "Deployment" => "deployments",
        "StatefulSet" => "statefulsets",
        "Service" => "services",
        "ServiceAccount" => "serviceaccounts",
        "Role" => "roles",
        "RoleBinding" => "rolebindings",
        "NetworkPolicy" => "networkpolicies",
        _ => "other",
    }
}

/// Deletes a child this executor owns (the workload of the other kind after a storage
/// switch, the inline keys' copy, a disabled NetworkPolicy); leaves anyone else's alone.
async fn delete_owned<K>(
    ctx: &ExecutorContext,
    e: &HourglassExecutor,
    ns: &str,
    old: &K,
) -> Result<(), ReconcileError>
where
    K: Resource<Scope = NamespaceResourceScope, DynamicType = ()>
        + Clone
        + DeserializeOwned
        + std::fmt::Debug,
{
    let owned = old
        .meta()
        .owner_references
        .iter()
        .flatten()
        .any(|o| Some(&o.uid) == e.metadata.uid.as_ref());
    if !owned {
        return Ok(());
    }
    let name = old.meta().name.clone().unwrap_or_default();
    match Api::<K>::namespaced(ctx.base.client.clone(), ns)
        .delete(&name, &DeleteParams::background())
        .await
    {
        Ok(_) => {
            ctx.base.metrics.write("delete", plural::<K>());
            Ok(())
        }
        Err(kube::Error::Api(s)) if s.code == 404 => Ok(()),
        Err(err) => Err(ReconcileError::kube(
            format!("deleting {} {ns}/{name}", K::kind(&())),
            err,
        )),
    }
}

/// Writes `<name>-keys` from the inline keys when it is missing or differs.
/// Values are compared in memory only; nothing about them is logged.
async fn ensure_inline_secret(
    e: &HourglassExecutor,
    ctx: &ExecutorContext,
) -> Result<(), ReconcileError> {
    let Some(desired) = render::inline_keys_secret(e) else {
        return Ok(());
    };
    let ns = e.namespace().unwrap_or_default();
    let name = desired.metadata.name.clone().unwrap_or_default();
    let observed: Option<Secret> = get(&ctx.base.client, &ns, &name).await?;
    let same = observed.is_some_and(|o| {
        o.data == desired.data
            && o.owner_references()
                .iter()
                .any(|r| Some(&r.uid) == e.metadata.uid.as_ref() && r.controller == Some(true))
    });
    if !same {
        apply(ctx, &ns, &desired).await?;
    }
    Ok(())
}

async fn write_status(
    ctx: &ExecutorContext,
    ns: &str,
    name: &str,
    status: &HourglassExecutorStatus,
) -> Result<(), ReconcileError> {
    let body = json!({
        "apiVersion": "hourglass.eigenlayer.io/v1alpha1",
        "kind": "HourglassExecutor",
        "status": status,
    });
    Api::<HourglassExecutor>::namespaced(ctx.base.client.clone(), ns)
        .patch_status(
            name,
            &PatchParams::apply(FIELD_MANAGER).force(),
            &Patch::Apply(&body),
        )
        .await
        .map_err(|e| {
            ReconcileError::kube(format!("writing the status of executor {ns}/{name}"), e)
        })?;
    ctx.base.metrics.write("patch", "hourglassexecutors/status");
    Ok(())
}
