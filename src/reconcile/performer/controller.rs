//! The Performer reconciler: reads the cached children, asks [`super::plan`]
//! what to do, and writes only what differs.

use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};

use k8s_openapi::api::core::v1::{Namespace, Pod, Service};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::Time;
use k8s_openapi::jiff::Timestamp;
use kube::api::{Api, DeleteParams, Patch, PatchParams, Preconditions};
use kube::runtime::controller::Action;
use kube::runtime::events::{Event, EventType};
use kube::runtime::reflector::ObjectRef;
use kube::{Resource, ResourceExt};
use serde_json::json;

use super::plan::{self, Observed, PlanInput, PodView};
use crate::api::Performer;
use crate::api::conditions;
use crate::api::performer::PerformerPhase;
use crate::reconcile::{Context, FIELD_MANAGER, ReconcileError};
use crate::render::performer::{
    self as render, LABEL_PERFORMER, LABEL_TEMPLATE_HASH, PodSecurityLevel,
};

/// How often a settled Performer is looked at again without any event.
const RESYNC: Duration = Duration::from_secs(600);
/// A safety net while waiting mid-rollout; EndpointSlice and pod events normally come first.
const ENDPOINT_POLL: Duration = Duration::from_secs(5);

/// How long the first passes wait for the namespace cache's first list before they ask the
/// API server instead.
const NAMESPACE_CACHE_WAIT: Duration = Duration::from_secs(5);

/// The Pod Security level `ns` enforces, from the namespace cache; a namespace not cached
/// (yet, or the watch is not allowed) is read directly, so the pod is never rendered for a
/// level the namespace does not have.
async fn pod_security_level(ctx: &Context, ns: &str) -> Result<PodSecurityLevel, ReconcileError> {
    if !ctx.namespaces_waited.load(Ordering::Relaxed) {
        let _ = tokio::time::timeout(NAMESPACE_CACHE_WAIT, ctx.namespaces.wait_until_ready()).await;
        ctx.namespaces_waited.store(true, Ordering::Relaxed);
    }
    if let Some(n) = ctx.namespaces.get(&ObjectRef::new(ns)) {
        return Ok(PodSecurityLevel::from_namespace_labels(
            n.metadata.labels.as_ref(),
        ));
    }
    let n = Api::<Namespace>::all(ctx.client.clone())
        .get(ns)
        .await
        .map_err(|e| ReconcileError::kube(format!("reading namespace {ns}"), e))?;
    Ok(PodSecurityLevel::from_namespace_labels(
        n.metadata.labels.as_ref(),
    ))
}

/// One pass over one Performer.
pub async fn reconcile(p: Arc<Performer>, ctx: Arc<Context>) -> Result<Action, ReconcileError> {
    let started = Instant::now();
    let result = reconcile_inner(&p, &ctx).await;
    ctx.metrics
        .observe("performer", started.elapsed(), result.is_err());
    result
}

async fn reconcile_inner(p: &Performer, ctx: &Context) -> Result<Action, ReconcileError> {
    let name = p.name_any();
    let ns = p.namespace().unwrap_or_default();
    let client = ctx.client.clone();
    let performers: Api<Performer> = Api::namespaced(client.clone(), &ns);
    let now = Time(Timestamp::now());

    if p.metadata.deletion_timestamp.is_some() {
        // Children go by ownerReference garbage collection; only say so.
        let mut status = p.status.clone().unwrap_or_default();
        if status.phase != Some(PerformerPhase::Terminating) {
            status.phase = Some(PerformerPhase::Terminating);
            status.ready = false;
            write_status(&performers, &name, &status).await?;
        }
        return Ok(Action::await_change());
    }

    let level = pod_security_level(ctx, &ns).await?;
    let desired = match render::desired_pod_in(p, level) {
        Ok(d) => d,
        Err(e) => {
            let mut status = p.status.clone().unwrap_or_default();
            let previous = status.conditions.clone();
            let degraded = conditions::condition(
                previous.as_deref(),
                conditions::DEGRADED,
                true,
                "InvalidSpec",
                e.to_string(),
                p.metadata.generation,
                &now,
            );
            status.phase = Some(PerformerPhase::Failed);
            status.ready = false;
            status.observed_generation = p.metadata.generation;
            status.conditions = Some(vec![degraded]);
            if p.status.as_ref() != Some(&status) {
                write_status(&performers, &name, &status).await?;
                ctx.event(p, true, "InvalidSpec", &e.to_string()).await;
            }
            return Ok(Action::await_change());
        }
    };
    let desired_pod_name = desired.pod.metadata.name.clone().unwrap_or_default();

    let pods: Vec<Arc<Pod>> = ctx
        .pods
        .state()
        .into_iter()
        .filter(|pod| {
            pod.metadata.namespace.as_deref() == Some(ns.as_str())
                && pod.labels().get(LABEL_PERFORMER).map(String::as_str) == Some(name.as_str())
                && pod
                    .owner_references()
                    .iter()
                    .any(|o| Some(&o.uid) == p.metadata.uid.as_ref())
        })
        .collect();
    let service = ctx
        .services
        .get(&ObjectRef::new(&render::service_name(&name)).within(&ns));
    let observed = Observed {
        pods: pods.iter().map(|pod| PodView::from(pod.as_ref())).collect(),
        service_hash: service.as_ref().map(|s| {
            s.spec
                .as_ref()
                .and_then(|spec| spec.selector.as_ref())
                .and_then(|sel| sel.get(LABEL_TEMPLATE_HASH).cloned())
                .unwrap_or_default()
        }),
        desired_in_endpoints: endpoints_ready(ctx, &ns, &name, &desired_pod_name),
    };
    fn input<'a>(
        p: &'a Performer,
        hash: &'a str,
        pod_name: &'a str,
        observed: &'a Observed,
        domain: &'a str,
        now: &'a Time,
    ) -> PlanInput<'a> {
        PlanInput {
            performer: p,
            desired_hash: hash,
            desired_pod_name: pod_name,
            observed,
            cluster_domain: domain,
            now,
        }
    }
    let domain = ctx.render.cluster_domain.as_str();
    let plan = plan::plan(input(
        p,
        &desired.hash,
        &desired_pod_name,
        &observed,
        domain,
        &now,
    ));

    let pod_api: Api<Pod> = Api::namespaced(client.clone(), &ns);
    let apply = PatchParams::apply(FIELD_MANAGER).force();
    if plan.create_pod {
        let mut pod = desired.pod.clone();
        pod.metadata.managed_fields = None;
        let mut body =
            serde_json::to_value(&pod).map_err(|e| ReconcileError::Internal(e.to_string()))?;
        body["apiVersion"] = json!("v1");
        body["kind"] = json!("Pod");
        pod_api
            .patch(&desired_pod_name, &apply, &Patch::Apply(&body))
            .await
            .map_err(|e| {
                ReconcileError::kube(format!("applying pod {ns}/{desired_pod_name}"), e)
            })?;
        ctx.metrics.write("apply", "pods");
    }

    let wanted = render::desired_service(p, &plan.serving_hash);
    if service
        .as_deref()
        .is_none_or(|s| !service_matches(s, &wanted))
    {
        let mut body =
            serde_json::to_value(&wanted).map_err(|e| ReconcileError::Internal(e.to_string()))?;
        body["apiVersion"] = json!("v1");
        body["kind"] = json!("Service");
        Api::<Service>::namespaced(client.clone(), &ns)
            .patch(&render::service_name(&name), &apply, &Patch::Apply(&body))
            .await
            .map_err(|e| {
                ReconcileError::kube(format!("applying service {ns}/performer-{name}"), e)
            })?;
        ctx.metrics.write("apply", "services");
    }

    for pod_name in &plan.delete_pods {
        match pod_api.delete(pod_name, &DeleteParams::default()).await {
            Ok(_) => ctx.metrics.write("delete", "pods"),
            Err(kube::Error::Api(s)) if s.code == 404 => {}
            Err(e) => {
                return Err(ReconcileError::kube(
                    format!("deleting pod {ns}/{pod_name}"),
                    e,
                ));
            }
        }
    }

    for pod_name in &plan.force_delete_pods {
        // Only the pod that was seen: a new pod of the same name must not go with it.
        let uid = observed
            .pods
            .iter()
            .find(|v| &v.name == pod_name)
            .and_then(|v| v.uid.clone());
        let params = DeleteParams {
            grace_period_seconds: Some(0),
            preconditions: uid.map(|uid| Preconditions {
                uid: Some(uid),
                resource_version: None,
            }),
            ..DeleteParams::default()
        };
        match pod_api.delete(pod_name, &params).await {
            Ok(_) => {
                ctx.metrics.write("delete", "pods");
                let note = format!(
                    "pod {pod_name} was still there {} s after its grace period ended: its \
                     node does not confirm the deletion (kubelet unreachable); deleted without \
                     waiting so that a new pod can start",
                    plan::DELETION_OVERDUE.as_secs()
                );
                tracing::warn!(performer = %name, pod = %pod_name, "force-deleted an overdue pod");
                ctx.event(p, true, "PodForceDeleted", &note).await;
            }
            // Gone already, or the name belongs to a newer pod by now.
            Err(kube::Error::Api(s)) if s.code == 404 || s.code == 409 => {}
            Err(e) => {
                return Err(ReconcileError::kube(
                    format!("force-deleting pod {ns}/{pod_name}"),
                    e,
                ));
            }
        }
    }

    if p.status.as_ref() != Some(&plan.status) {
        write_status(&performers, &name, &plan.status).await?;
        ctx.metrics.write("patch", "performers/status");
    }
    for event in &plan.events {
        ctx.event(p, event.warning, &event.reason, &event.note)
            .await;
    }

    if plan.needs_endpoint_check || plan.create_pod && observed.pods.iter().any(|v| v.terminating) {
        return Ok(Action::requeue(ENDPOINT_POLL));
    }
    if observed
        .pods
        .iter()
        .any(|v| v.name == desired_pod_name && v.terminating)
    {
        return Ok(Action::requeue(ENDPOINT_POLL));
    }
    Ok(Action::requeue(plan.recheck_in.map_or(RESYNC, |r| {
        r.min(RESYNC) + Duration::from_secs(1)
    })))
}

/// True when a cached EndpointSlice of the Service lists the pod as ready.
fn endpoints_ready(ctx: &Context, ns: &str, name: &str, pod_name: &str) -> bool {
    let service = render::service_name(name);
    ctx.endpoint_slices
        .state()
        .iter()
        .filter(|s| {
            s.metadata.namespace.as_deref() == Some(ns)
                && s.labels().get("kubernetes.io/service-name") == Some(&service)
        })
        .flat_map(|s| s.endpoints.iter().flatten())
        .any(|e| {
            e.target_ref.as_ref().and_then(|t| t.name.as_deref()) == Some(pod_name)
                && e.conditions.as_ref().and_then(|c| c.ready).unwrap_or(false)
        })
}

/// The fields hgctl owns on the Service are as rendered.
fn service_matches(actual: &Service, wanted: &Service) -> bool {
    let (Some(a), Some(w)) = (actual.spec.as_ref(), wanted.spec.as_ref()) else {
        return false;
    };
    let labels_ok = wanted
        .labels()
        .iter()
        .all(|(k, v)| actual.labels().get(k) == Some(v));
    let owner_ok = wanted.owner_references().iter().all(|o| {
        actual
            .owner_references()
            .iter()
            .any(|x| x.uid == o.uid && x.controller == Some(true))
    });
    let ports_ok = match (a.ports.as_deref(), w.ports.as_deref()) {
        (Some(ap), Some(wp)) => {
            ap.len() == wp.len()
                && ap.iter().zip(wp).all(|(x, y)| {
                    x.name == y.name
                        && x.port == y.port
                        && x.target_port == y.target_port
                        && x.app_protocol == y.app_protocol
                })
        }
        _ => false,
    };
    labels_ok && owner_ok && ports_ok && a.selector == w.selector
}

async fn write_status(
    api: &Api<Performer>,
    name: &str,
    status: &crate::api::PerformerStatus,
) -> Result<(), ReconcileError> {
    let body = json!({
        "apiVersion": "hourglass.eigenlayer.io/v1alpha1",
        "kind": "Performer",
        "status": status,
    });
    api.patch_status(
        name,
        &PatchParams::apply(FIELD_MANAGER).force(),
        &Patch::Apply(&body),
    )
    .await
    .map_err(|e| ReconcileError::kube(format!("writing the status of performer {name}"), e))?;
    Ok(())
}

impl Context {
    /// Records an event on the object; failures to record are logged, never fatal.
    pub async fn event<K: Resource<DynamicType = ()>>(
        &self,
        obj: &K,
        warning: bool,
        reason: &str,
        note: &str,
    ) {
        let event = Event {
            type_: if warning {
                EventType::Warning
            } else {
                EventType::Normal
            },
            reason: reason.to_string(),
            note: Some(note.chars().take(1000).collect()),
            action: "Reconcile".into(),
            secondary: None,
        };
        if let Err(e) = self.recorder.publish(&event, &obj.object_ref(&())).await {
            tracing::warn!(reason, error = %e, "cannot record event");
        } else {
            self.metrics.write("create", "events");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::PerformerSpec;

    #[test]
    fn a_service_edited_by_someone_no_longer_matches() {
        let mut p = Performer::new(
            "p1",
            PerformerSpec {
                avs_address: "0x1234567890abcdef1234567890abcdef12345678".into(),
                image: "i".into(),
                ..Default::default()
            },
        );
        p.metadata.namespace = Some("ns".into());
        p.metadata.uid = Some("u".into());
        let wanted = render::desired_service(&p, "h1");
        assert!(service_matches(&wanted, &wanted));
        let mut edited = wanted.clone();
        edited
            .spec
            .as_mut()
            .unwrap()
            .selector
            .as_mut()
            .unwrap()
            .insert("app".into(), "other".into());
        assert!(!service_matches(&edited, &wanted));
        let other_hash = render::desired_service(&p, "h2");
        assert!(!service_matches(&other_hash, &wanted));
    }
}
