//! The Performer's decisions, as a pure function of what was observed: which
//! pod to create, which to delete, which pods the Service selects, the status,
//! its events and when to look again. [`plan`] runs them as named steps; the
//! controller only carries the plan out.

use std::time::Duration;

use k8s_openapi::api::core::v1::{
    ContainerState, ContainerStatus, ObjectReference, Pod, PodSpec, PodStatus, Service,
    ServicePort, ServiceSpec,
};
use k8s_openapi::api::discovery::v1::{Endpoint, EndpointConditions, EndpointSlice};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::{Condition, Time};
use k8s_openapi::jiff::SignedDuration;
use kube::ResourceExt;

use crate::api::conditions::{self, reason};
use crate::api::template::UpgradeStrategy;
use crate::api::{Performer, PerformerStatus, performer::PerformerPhase};
use crate::reconcile::Stamp;
use crate::reconcile::runtime::Requeue;
use crate::render::performer::{self as render, LABEL_TEMPLATE_HASH};
use crate::render::template::TemplateLink;

/// How long past its `deletionTimestamp` (the end of its grace period) a pod may stay before
/// hgctl stops waiting for its kubelet and deletes it without a grace period. A working kubelet
/// confirms within seconds of the grace period's end; one that does not is on a lost node
/// (powered off, partitioned), and the pod would stay Terminating until the node came back.
/// A Deployment would start a replacement beside it; a Performer's pod name is fixed by its
/// template (that is what keeps a stale cache from ever making a second pod), so the
/// replacement can only start once the name is free. Running twice for a moment is harmless
/// for a Performer (every blue-green upgrade does it); StatefulSets, which must never run
/// twice, leave this to an administrator instead.
pub const DELETION_OVERDUE: Duration = Duration::from_secs(30);

/// What the reconciler needs to know about one pod.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct PodView {
    pub name: String,
    pub uid: Option<String>,
    pub hash: Option<String>,
    pub ready: bool,
    pub terminating: bool,
    /// `deletionTimestamp`: when the grace period of a terminating pod ends.
    pub delete_by: Option<Time>,
    /// Finalizers hold it: deleting it again would not make it go.
    pub finalizers: bool,
    /// Its node stopped reporting: the node lifecycle controller set Ready=False while the
    /// containers are still ready (`ContainersReady=True`). A kubelet never reports that
    /// combination for a pod without readiness gates (a failing readiness probe makes the
    /// containers not ready), and a Performer's pod has none.
    pub node_not_ready: bool,
    /// `DisruptionTarget=True`: (reason, message) of whoever is evicting it, e.g.
    /// `DeletionByTaintManager` for a pod evicted from a lost node.
    pub disruption: Option<(String, String)>,
    /// Failed or Succeeded: a restartPolicy=Always pod that ended (evicted, node lost).
    pub ended: bool,
    pub node: Option<String>,
    /// `PodScheduled=False`: (reason, message) from the scheduler.
    pub unschedulable: Option<(String, String)>,
    /// A container stuck waiting: (reason, message), e.g. CrashLoopBackOff.
    pub waiting: Option<(String, String)>,
    pub created: Option<Time>,
}

impl From<&Pod> for PodView {
    fn from(pod: &Pod) -> Self {
        let status = pod.status.as_ref();
        let conditions = status
            .and_then(|s| s.conditions.as_deref())
            .unwrap_or_default();
        let cond = |t: &str| conditions.iter().find(|c| c.type_ == t);
        let phase = status.and_then(|s| s.phase.as_deref()).unwrap_or_default();
        let unschedulable = cond("PodScheduled")
            .filter(|c| c.status == "False")
            .map(|c| {
                (
                    c.reason
                        .clone()
                        .unwrap_or_else(|| reason::UNSCHEDULABLE.into()),
                    c.message.clone().unwrap_or_default(),
                )
            });
        let waiting = status
            .and_then(|s| s.container_statuses.as_ref())
            .into_iter()
            .flatten()
            .filter_map(|cs| cs.state.as_ref()?.waiting.as_ref())
            .filter_map(|w| {
                let r = w.reason.clone()?;
                matches!(
                    r.as_str(),
                    "CrashLoopBackOff"
                        | "ImagePullBackOff"
                        | "ErrImagePull"
                        | "InvalidImageName"
                        | "CreateContainerConfigError"
                        | "CreateContainerError"
                        | "RunContainerError"
                )
                .then(|| (r, w.message.clone().unwrap_or_default()))
            })
            .next();
        let is_true = |t: &str| cond(t).is_some_and(|c| c.status == "True");
        let terminating = pod.metadata.deletion_timestamp.is_some();
        PodView {
            name: pod.metadata.name.clone().unwrap_or_default(),
            uid: pod.metadata.uid.clone(),
            hash: pod
                .metadata
                .labels
                .as_ref()
                .and_then(|l| l.get(LABEL_TEMPLATE_HASH).cloned()),
            ready: cond("Ready").is_some_and(|c| c.status == "True")
                && pod.metadata.deletion_timestamp.is_none(),
            terminating,
            delete_by: pod.metadata.deletion_timestamp.clone(),
            finalizers: pod
                .metadata
                .finalizers
                .as_ref()
                .is_some_and(|f| !f.is_empty()),
            node_not_ready: !terminating
                && phase == "Running"
                && cond("Ready").is_some_and(|c| c.status == "False")
                && is_true("ContainersReady"),
            disruption: cond("DisruptionTarget")
                .filter(|c| c.status == "True")
                .map(|c| {
                    (
                        c.reason.clone().unwrap_or_default(),
                        c.message.clone().unwrap_or_default(),
                    )
                }),
            ended: matches!(phase, "Failed" | "Succeeded"),
            node: pod.spec.as_ref().and_then(|s| s.node_name.clone()),
            unschedulable,
            waiting,
            created: pod.metadata.creation_timestamp.clone(),
        }
    }
}

/// Drops what [`PodView`] never reads before a Pod enters the cache: the spec
/// (but its node), annotations, managed fields and most of the status. Pods are
/// the largest objects the controller caches (the heap profile in the README).
pub fn slim_pod(pod: &mut Pod) {
    pod.metadata.managed_fields = None;
    pod.metadata.annotations = None;
    if let Some(spec) = pod.spec.as_mut() {
        *spec = PodSpec {
            node_name: spec.node_name.take(),
            ..Default::default()
        };
    }
    if let Some(status) = pod.status.as_mut() {
        let container_statuses = status.container_statuses.take().map(|all| {
            all.into_iter()
                .filter_map(|cs| {
                    let waiting = cs.state?.waiting?;
                    Some(ContainerStatus {
                        name: cs.name,
                        state: Some(ContainerState {
                            waiting: Some(waiting),
                            ..Default::default()
                        }),
                        ..Default::default()
                    })
                })
                .collect()
        });
        *status = PodStatus {
            phase: status.phase.take(),
            conditions: status.conditions.take(),
            container_statuses,
            ..Default::default()
        };
    }
}

/// Keeps of a cached Service what the reconciler compares ([`service_up_to_date`]) and
/// reads (the selector): at 1000 Performers the whole objects were megabytes of status,
/// cluster IPs and annotations nobody reads.
pub fn slim_service(service: &mut Service) {
    service.metadata.managed_fields = None;
    service.metadata.annotations = None;
    service.status = None;
    if let Some(spec) = service.spec.as_mut() {
        let ports = spec.ports.take().map(|ports| {
            ports
                .into_iter()
                .map(|p| ServicePort {
                    name: p.name,
                    port: p.port,
                    target_port: p.target_port,
                    app_protocol: p.app_protocol,
                    ..Default::default()
                })
                .collect()
        });
        *spec = ServiceSpec {
            selector: spec.selector.take(),
            ports,
            ..Default::default()
        };
    }
}

/// Keeps of a cached EndpointSlice which pods it lists and whether each is ready (what
/// the handover waits for), and the labels that name its Service and Performer.
pub fn slim_endpoint_slice(slice: &mut EndpointSlice) {
    slice.metadata.managed_fields = None;
    slice.metadata.annotations = None;
    slice.ports = None;
    for endpoint in slice.endpoints.iter_mut().flatten() {
        *endpoint = Endpoint {
            addresses: Vec::new(),
            target_ref: endpoint.target_ref.take().map(|t| ObjectReference {
                name: t.name,
                ..Default::default()
            }),
            conditions: endpoint.conditions.take().map(|c| EndpointConditions {
                ready: c.ready,
                ..Default::default()
            }),
            ..Default::default()
        };
    }
}

/// How often a settled Performer is looked at again without any event.
pub const RESYNC: Duration = Duration::from_secs(600);
/// A safety net while waiting mid-rollout; EndpointSlice and pod events normally come first.
pub const ENDPOINT_POLL: Duration = Duration::from_secs(5);

/// Which pods of a Performer its Service selects.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ServiceSelects {
    /// The pods of one template, by its hash.
    Template(String),
    /// Every pod of the Performer: old and new serve together mid-handover.
    EveryPod,
}

/// A Service that selects every pod of its Performer (mid-handover).
pub const WIDE: ServiceSelects = ServiceSelects::EveryPod;

impl ServiceSelects {
    /// What a Service's selector selects, from its template-hash label (none: every pod).
    pub fn from_selector(template_hash: Option<&str>) -> Self {
        template_hash.map_or(Self::EveryPod, Self::from)
    }

    /// The template hash the selector carries, if any.
    pub fn template(&self) -> Option<&str> {
        match self {
            Self::Template(hash) => Some(hash),
            Self::EveryPod => None,
        }
    }

    fn selects(&self, pod: &PodView) -> bool {
        match self {
            Self::Template(hash) => pod.hash.as_deref() == Some(hash),
            Self::EveryPod => true,
        }
    }
}

impl From<&str> for ServiceSelects {
    fn from(hash: &str) -> Self {
        Self::Template(hash.to_string())
    }
}

impl PartialEq<&str> for ServiceSelects {
    fn eq(&self, hash: &&str) -> bool {
        self.template() == Some(*hash)
    }
}

/// What was observed about one Performer's children.
#[derive(Debug, Clone, Default)]
pub struct Observed {
    pub pods: Vec<PodView>,
    /// What the existing Service selects, if it exists.
    pub service_hash: Option<ServiceSelects>,
    /// The Service's EndpointSlices list the desired pod as ready (checked only mid-rollout).
    pub desired_in_endpoints: bool,
}

impl Observed {
    /// The uid of the pod seen under `name`.
    pub fn uid_of(&self, name: &str) -> Option<&str> {
        self.pods
            .iter()
            .find(|v| v.name == name)
            .and_then(|v| v.uid.as_deref())
    }
}

/// An event to record on the Performer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlannedEvent {
    pub warning: bool,
    pub reason: String,
    pub note: String,
}

/// What to do.
#[derive(Debug, Clone, PartialEq)]
pub struct Plan {
    /// Apply the desired pod (it is missing).
    pub create_pod: bool,
    /// Pods to delete (superseded or ended).
    pub delete_pods: Vec<String>,
    /// Terminating pods whose kubelet does not confirm ([`DELETION_OVERDUE`]): delete them
    /// with no grace period.
    pub force_delete_pods: Vec<String>,
    /// Look again after this long even if nothing changes (a deletion falls overdue then).
    pub recheck_in: Option<Duration>,
    /// What the Service must select.
    pub serving_hash: ServiceSelects,
    /// Old pods are kept until the EndpointSlice shows the new pod: look again soon.
    pub needs_endpoint_check: bool,
    pub status: PerformerStatus,
    pub events: Vec<PlannedEvent>,
    /// When to look again if nothing wakes the Performer before.
    pub requeue: Requeue,
    pub rollout: Rollout,
}

/// Settings of one pass.
pub struct PlanInput<'a> {
    pub performer: &'a Performer,
    pub desired_hash: &'a str,
    pub desired_pod_name: &'a str,
    pub observed: &'a Observed,
    pub cluster_domain: &'a str,
    pub now: &'a Time,
    /// A rollout slot is free (or held) for this Performer: an upgrade may start.
    pub may_start_rollout: bool,
}

/// Where the Performer stands with respect to the namespace's rollout budget.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Rollout {
    /// No rollout: a first pod, or nothing to change.
    None,
    /// This pass starts an upgrade (creates the new pod beside a serving one).
    Starting,
    /// An upgrade is under way (new and old pods both exist).
    InFlight,
    /// An upgrade is due but no slot is free: nothing was changed.
    Queued,
}

/// A pass that only writes the status (and records its events).
#[derive(Debug, Clone, PartialEq)]
pub struct StatusPlan {
    pub status: PerformerStatus,
    pub events: Vec<PlannedEvent>,
    pub requeue: Requeue,
}

/// The Performer is being deleted: its children go by ownerReference garbage
/// collection, the status only says so.
pub fn terminating(p: &Performer) -> Option<StatusPlan> {
    p.metadata.deletion_timestamp.as_ref()?;
    let mut status = p.status.clone().unwrap_or_default();
    if status.phase != Some(PerformerPhase::Terminating) {
        status.phase = Some(PerformerPhase::Terminating);
        status.ready = false;
    }
    Some(StatusPlan {
        status,
        events: Vec::new(),
        requeue: Requeue::OnChange,
    })
}

/// The spec cannot be rendered into a pod: Failed, with the reason, until the spec changes.
pub fn invalid_spec(p: &Performer, error: &str, now: &Time) -> StatusPlan {
    let mut status = p.status.clone().unwrap_or_default();
    let degraded = conditions::condition(
        status.conditions.as_deref(),
        conditions::DEGRADED,
        true,
        "InvalidSpec",
        error,
        p.metadata.generation,
        now,
    );
    status.phase = Some(PerformerPhase::Failed);
    status.ready = false;
    status.observed_generation = p.metadata.generation;
    status.conditions = Some(vec![degraded]);
    let events = if p.status.as_ref() != Some(&status) {
        vec![PlannedEvent {
            warning: true,
            reason: "InvalidSpec".into(),
            note: error.to_string(),
        }]
    } else {
        Vec::new()
    };
    StatusPlan {
        status,
        events,
        requeue: Requeue::OnChange,
    }
}

/// The event recorded once an overdue pod was deleted without its kubelet.
pub fn force_deleted_event(pod_name: &str) -> PlannedEvent {
    PlannedEvent {
        warning: true,
        reason: "PodForceDeleted".into(),
        note: format!(
            "pod {pod_name} was still there {} s after its grace period ended: its node does \
             not confirm the deletion (kubelet unreachable); deleted without waiting so that \
             a new pod can start",
            DELETION_OVERDUE.as_secs()
        ),
    }
}

/// The fields hgctl owns on the Service are as rendered (else it is applied again).
pub fn service_up_to_date(actual: &Service, wanted: &Service) -> bool {
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

/// Decides one pass of the Performer reconciler.
pub fn plan(input: PlanInput<'_>) -> Plan {
    let PlanInput {
        performer: p,
        desired_hash,
        desired_pod_name,
        observed,
        cluster_domain,
        now,
        may_start_rollout,
    } = input;
    let pods = Pods::sort(observed, desired_pod_name);
    let mut actions = pod_actions(&pods, observed, now);
    let routing = route(&pods, observed, desired_hash);
    retire(&pods, &routing, &mut actions.delete);
    let upgrade_due = actions.create && pods.desired.is_none() && !pods.others.is_empty();
    let rollout = match (upgrade_due, may_start_rollout) {
        (true, true) => Rollout::Starting,
        (true, false) => Rollout::Queued,
        // Until the old pod is gone (terminating pods still hold their node's GPUs).
        (false, _) if observed.pods.iter().any(|v| v.name != desired_pod_name) => Rollout::InFlight,
        (false, _) => Rollout::None,
    };
    if rollout == Rollout::Queued {
        // The old pod keeps serving, untouched, until a slot frees.
        actions.create = false;
    } else if p.spec.upgrade_strategy() == UpgradeStrategy::Recreate {
        recreate(&pods, observed, &mut actions);
    }
    let not_serving = NotServing::of(&pods, &actions.force_delete);
    let mut serving = Serving::assess(&pods, observed, &routing, desired_hash);
    serving.queued = rollout == Rollout::Queued;
    let status = status(
        p,
        &pods,
        &actions,
        &serving,
        not_serving.as_ref(),
        cluster_domain,
        now,
    );
    let events = transition_events(
        p.status.as_ref().and_then(|s| s.conditions.as_deref()),
        status.conditions.as_deref().unwrap_or_default(),
        p.status.as_ref().and_then(|s| s.phase),
        status.phase.unwrap_or(serving.phase),
        pods.old_ready.is_some(),
    );
    let requeue = match rollout {
        // Woken when a slot frees; this is the fallback.
        Rollout::Queued => Requeue::After(ROLLOUT_QUEUE_RECHECK),
        _ => requeue(&pods, observed, &actions, &routing),
    };
    Plan {
        create_pod: actions.create,
        delete_pods: actions.delete,
        force_delete_pods: actions.force_delete,
        recheck_in: actions.recheck_in,
        serving_hash: routing.selects,
        needs_endpoint_check: routing.needs_endpoint_check,
        status,
        events,
        requeue,
        rollout,
    }
}

/// How often a queued rollout looks for a slot if no release wakes it first.
const ROLLOUT_QUEUE_RECHECK: Duration = Duration::from_secs(30);

/// The observed pods of one pass, by the part they play.
struct Pods<'a> {
    desired_name: &'a str,
    /// Not terminating.
    live: Vec<&'a PodView>,
    /// The desired pod, if it is live (it may have ended).
    desired: Option<&'a PodView>,
    /// The desired pod, if it is live and has not ended.
    desired_ok: Option<&'a PodView>,
    /// The desired pod, if it is terminating.
    desired_going: Option<&'a PodView>,
    /// Live pods of older templates that have not ended.
    others: Vec<&'a PodView>,
    /// The newest Ready pod of an older template: it serves until the new one is Ready.
    old_ready: Option<&'a PodView>,
}

impl<'a> Pods<'a> {
    fn sort(observed: &'a Observed, desired_name: &'a str) -> Self {
        let live: Vec<&PodView> = observed.pods.iter().filter(|v| !v.terminating).collect();
        let desired = live.iter().find(|v| v.name == desired_name).copied();
        let others: Vec<&PodView> = live
            .iter()
            .filter(|v| v.name != desired_name && !v.ended)
            .copied()
            .collect();
        let old_ready = others
            .iter()
            .filter(|v| v.ready)
            .max_by(|a, b| a.created.cmp(&b.created))
            .copied();
        Pods {
            desired_name,
            desired,
            desired_ok: desired.filter(|d| !d.ended),
            desired_going: observed
                .pods
                .iter()
                .find(|v| v.name == desired_name && v.terminating),
            others,
            old_ready,
            live,
        }
    }
}

/// What to do with the pods, before the handover says which old ones may go.
struct PodActions {
    create: bool,
    delete: Vec<String>,
    force_delete: Vec<String>,
    recheck_in: Option<Duration>,
}

/// Ended pods are deleted (they never come back; the desired one is recreated next
/// pass), a missing desired pod is created once its name is free, and a terminating
/// pod whose grace period ended [`DELETION_OVERDUE`] ago is deleted without one.
fn pod_actions(pods: &Pods, observed: &Observed, now: &Time) -> PodActions {
    let delete = pods
        .live
        .iter()
        .filter(|v| v.ended)
        .map(|v| v.name.clone())
        .collect();
    let overdue = SignedDuration::try_from(DELETION_OVERDUE).unwrap_or(SignedDuration::MAX);
    let mut force_delete = Vec::new();
    let mut recheck_in: Option<Duration> = None;
    for v in observed
        .pods
        .iter()
        .filter(|v| v.terminating && !v.finalizers)
    {
        let Some(due) = &v.delete_by else { continue };
        let late = now.0.duration_since(due.0);
        if late >= overdue {
            force_delete.push(v.name.clone());
        } else {
            let wait = Duration::try_from(overdue - late).unwrap_or(DELETION_OVERDUE);
            recheck_in = Some(recheck_in.map_or(wait, |r| r.min(wait)));
        }
    }
    PodActions {
        create: pods.desired.is_none() && pods.desired_going.is_none(),
        delete,
        force_delete,
        recheck_in,
    }
}

/// Which pods the Service selects, and whether the handover lets the old ones go.
struct Routing {
    selects: ServiceSelects,
    /// The Service selects only the new pod and its EndpointSlice lists it: old pods go.
    retire_others: bool,
    /// Mid-handover and not there yet: look again soon.
    needs_endpoint_check: bool,
}

/// The handover never leaves the Service without a ready endpoint, even when the
/// EndpointSlice controller sees the new pod's readiness later than hgctl does:
/// old serves -> both serve (selector without the hash) until the EndpointSlice
/// lists the new pod ready -> new serves -> old pods are deleted.
fn route(pods: &Pods, observed: &Observed, desired_hash: &str) -> Routing {
    let desired_ready = pods.desired_ok.is_some_and(|d| d.ready);
    let handover = desired_ready && !pods.others.is_empty();
    let selects = if handover && !observed.desired_in_endpoints {
        ServiceSelects::EveryPod
    } else if desired_ready {
        ServiceSelects::from(desired_hash)
    } else if let Some(old) = pods.old_ready.and_then(|o| o.hash.as_deref()) {
        ServiceSelects::from(old)
    } else {
        ServiceSelects::from(desired_hash)
    };
    let switched = observed
        .service_hash
        .as_ref()
        .is_some_and(|s| *s == desired_hash);
    let retire_others = handover && switched && observed.desired_in_endpoints;
    Routing {
        selects,
        retire_others,
        needs_endpoint_check: handover && !retire_others,
    }
}

/// Old pods go once the handover is done; superseded pods that never became ready
/// serve nobody and go at once.
fn retire(pods: &Pods, routing: &Routing, delete: &mut Vec<String>) {
    if routing.retire_others {
        delete.extend(pods.others.iter().map(|v| v.name.clone()));
    }
    for v in &pods.others {
        if !v.ready
            && Some(v.name.as_str()) != pods.old_ready.map(|o| o.name.as_str())
            && !delete.contains(&v.name)
        {
            delete.push(v.name.clone());
        }
    }
}

/// `Recreate`: every pod of an older template goes first, and the new pod is created only
/// once none is left (not even terminating), so the upgrade never needs the old pod's GPUs
/// twice. A desired pod that already exists is left alone.
fn recreate(pods: &Pods, observed: &Observed, actions: &mut PodActions) {
    for v in &pods.others {
        if !actions.delete.contains(&v.name) {
            actions.delete.push(v.name.clone());
        }
    }
    let old_remain = observed
        .pods
        .iter()
        .any(|v| v.name != pods.desired_name && !v.ended);
    // The old pod's deletion wakes the Performer (the pod watch).
    if old_remain {
        actions.create = false;
    }
}

/// The `TemplateApplied` condition and `status.template`: which executor template the pass
/// rendered, so that a user sees why the pod has fields the Performer does not set.
pub fn note_template(
    status: &mut PerformerStatus,
    p: &Performer,
    link: &TemplateLink,
    from_template: &[&str],
    now: &Time,
) {
    let previous = p.status.as_ref().and_then(|s| s.conditions.as_deref());
    let c = match link {
        TemplateLink::None => {
            status.template = None;
            return;
        }
        TemplateLink::Linked { executor, .. } => {
            status.template = link.template_name();
            match &status.template {
                Some(name) => conditions::condition(
                    previous,
                    conditions::TEMPLATE_APPLIED,
                    true,
                    reason::TEMPLATE_MERGED,
                    if from_template.is_empty() {
                        format!("template {name} applies; the Performer sets every field it has")
                    } else {
                        format!("template {name} supplies {}", from_template.join(", "))
                    },
                    p.metadata.generation,
                    now,
                ),
                None => conditions::condition(
                    previous,
                    conditions::TEMPLATE_APPLIED,
                    false,
                    reason::NO_TEMPLATE,
                    format!(
                        "executor {executor} lists AVS {} without a performerTemplate",
                        p.spec.avs_address
                    ),
                    p.metadata.generation,
                    now,
                ),
            }
        }
        TemplateLink::Ambiguous { .. } => {
            status.template = None;
            ambiguous_condition(previous, p, link, now)
        }
    };
    let list = status.conditions.get_or_insert_with(Vec::new);
    list.retain(|x| x.type_ != conditions::TEMPLATE_APPLIED);
    list.push(c);
}

fn ambiguous_condition(
    previous: Option<&[Condition]>,
    p: &Performer,
    link: &TemplateLink,
    now: &Time,
) -> Condition {
    let executors = match link {
        TemplateLink::Ambiguous { executors, .. } => executors.join(", "),
        _ => String::new(),
    };
    conditions::condition(
        previous,
        conditions::TEMPLATE_APPLIED,
        false,
        reason::AMBIGUOUS_TEMPLATE,
        format!(
            "executors {executors} all list AVS {} in this namespace; hgctl applies no template \
             and leaves the pods as they are until only one lists it",
            p.spec.avs_address
        ),
        p.metadata.generation,
        now,
    )
}

/// Several executors list the Performer's AVS: nothing is rendered (the pods stay as they
/// are); the status says why, with a warning event once.
pub fn ambiguous_template(p: &Performer, link: &TemplateLink, now: &Time) -> StatusPlan {
    let mut status = p.status.clone().unwrap_or_default();
    status.template = None;
    let mut list = status.conditions.take().unwrap_or_default();
    list.retain(|x| x.type_ != conditions::TEMPLATE_APPLIED);
    let c = ambiguous_condition(
        p.status.as_ref().and_then(|s| s.conditions.as_deref()),
        p,
        link,
        now,
    );
    let note = c.message.clone();
    list.push(c);
    status.conditions = Some(list);
    let events = if p.status.as_ref() != Some(&status) {
        vec![PlannedEvent {
            warning: true,
            reason: reason::AMBIGUOUS_TEMPLATE.into(),
            note,
        }]
    } else {
        Vec::new()
    };
    StatusPlan {
        status,
        events,
        requeue: Requeue::OnChange,
    }
}

/// Why the desired pod is not serving, when its node is the cause.
enum NotServing<'a> {
    /// Its node stopped reporting; Kubernetes evicts the pod after the toleration.
    NodeNotReady(&'a PodView),
    /// It is being evicted; `forced` once hgctl stops waiting for its kubelet.
    Evicted {
        pod: &'a PodView,
        by: &'a (String, String),
        forced: bool,
    },
}

impl<'a> NotServing<'a> {
    fn of(pods: &Pods<'a>, force_delete: &[String]) -> Option<Self> {
        if let Some(d) = pods.desired_ok.filter(|d| d.node_not_ready) {
            return Some(Self::NodeNotReady(d));
        }
        let pod = pods.desired_going.filter(|_| pods.desired_ok.is_none())?;
        Some(Self::Evicted {
            pod,
            by: pod.disruption.as_ref()?,
            forced: force_delete.contains(&pod.name),
        })
    }

    fn reason(&self) -> &'static str {
        match self {
            Self::NodeNotReady(_) => reason::NODE_NOT_READY,
            Self::Evicted { .. } => reason::POD_EVICTED,
        }
    }

    fn message(&self) -> String {
        match self {
            Self::NodeNotReady(d) => format!(
                "node {} stopped reporting, so pod {} is marked not ready; once the node has \
                 been away longer than the pod tolerates ({} s unless spec.scheduling.tolerations \
                 says otherwise), Kubernetes evicts the pod and hgctl starts a new one (not \
                 while every node is away: Kubernetes then suspects its own network)",
                d.node.as_deref().unwrap_or("?"),
                d.name,
                render::NODE_LOSS_TOLERATION_SECONDS
            ),
            Self::Evicted {
                pod,
                by: (r, m),
                forced,
            } => {
                let forced = if *forced {
                    format!(
                        "; its node has not confirmed the deletion for {} s, so hgctl deletes \
                         it without waiting",
                        DELETION_OVERDUE.as_secs()
                    )
                } else {
                    String::new()
                };
                format!(
                    "pod {} is being evicted ({r}: {m}); a new pod starts once it is gone{forced}",
                    pod.name
                )
            }
        }
    }
}

/// Whether the Performer serves, and the phase that follows.
struct Serving<'a> {
    /// The Service as it is now routes to a Ready pod.
    ready: bool,
    /// The Service must select another template, or old pods remain.
    rolling: bool,
    /// Why the desired pod cannot start: the scheduler's or a stuck container's (reason, message).
    blocked: Option<(String, String)>,
    /// The pod the status names: the serving one, else the desired one.
    pod: Option<&'a PodView>,
    phase: PerformerPhase,
    /// An upgrade waits for a rollout slot.
    queued: bool,
}

impl<'a> Serving<'a> {
    fn assess(pods: &Pods<'a>, observed: &Observed, routing: &Routing, desired_hash: &str) -> Self {
        let selects = &routing.selects;
        let serving_pod = pods.live.iter().copied().find(|v| {
            v.ready
                && match selects {
                    ServiceSelects::Template(_) => selects.selects(v),
                    ServiceSelects::EveryPod => v.name == pods.desired_name,
                }
        });
        let ready = observed
            .service_hash
            .as_ref()
            .is_some_and(|s| pods.live.iter().any(|v| v.ready && s.selects(v)));
        let rolling = *selects != desired_hash || !pods.others.is_empty();
        let phase = if ready && rolling {
            PerformerPhase::Upgrading
        } else if ready {
            PerformerPhase::Running
        } else {
            PerformerPhase::Pending
        };
        Serving {
            ready,
            rolling,
            blocked: pods
                .desired_ok
                .and_then(|d| d.unschedulable.clone().or_else(|| d.waiting.clone())),
            pod: serving_pod.or(pods.desired),
            phase,
            queued: false,
        }
    }
}

/// The status of one pass: the phase, the serving pod and the four conditions.
fn status(
    p: &Performer,
    pods: &Pods,
    actions: &PodActions,
    serving: &Serving,
    not_serving: Option<&NotServing>,
    cluster_domain: &str,
    now: &Time,
) -> PerformerStatus {
    let name = p.metadata.name.clone().unwrap_or_default();
    let namespace = p.metadata.namespace.clone().unwrap_or_default();
    let old = p.status.clone().unwrap_or_default();
    let stamp = Stamp::new(old.conditions.as_deref(), p.metadata.generation, now);
    let phase = if p.metadata.deletion_timestamp.is_some() {
        PerformerPhase::Terminating
    } else {
        serving.phase
    };
    let pod_name = serving
        .pod
        .map(|v| v.name.clone())
        .or_else(|| actions.create.then(|| pods.desired_name.to_string()));
    let conditions = vec![
        ready_condition(
            &stamp,
            serving,
            pods,
            not_serving,
            pod_name.as_deref(),
            &name,
        ),
        scheduled_condition(&stamp, pods),
        progressing_condition(&stamp, serving, pods.desired_name),
        degraded_condition(&stamp, pods, not_serving),
    ];
    PerformerStatus {
        phase: Some(phase),
        ready: serving.ready,
        pod_name,
        service_name: Some(render::service_name(&name)),
        grpc_endpoint: Some(render::grpc_endpoint(
            &name,
            &namespace,
            cluster_domain,
            p.spec.grpc_port(),
        )),
        ready_time: if serving.ready && !old.ready {
            Some(now.clone())
        } else {
            old.ready_time.clone()
        },
        last_upgrade: if old.phase == Some(PerformerPhase::Upgrading)
            && phase == PerformerPhase::Running
        {
            Some(now.clone())
        } else {
            old.last_upgrade.clone()
        },
        observed_generation: p.metadata.generation,
        template: None,
        conditions: Some(conditions),
    }
}

/// `Ready`: a pod serves the Service, or why none does.
fn ready_condition(
    stamp: &Stamp,
    serving: &Serving,
    pods: &Pods,
    not_serving: Option<&NotServing>,
    pod_name: Option<&str>,
    name: &str,
) -> Condition {
    if serving.ready {
        return stamp.condition(
            conditions::READY,
            true,
            reason::POD_READY,
            format!(
                "pod {} serves {}",
                pod_name.unwrap_or_default(),
                render::service_name(name)
            ),
        );
    }
    let reason = if let Some(n) = not_serving {
        n.reason()
    } else if pods.desired_ok.is_none() {
        reason::POD_MISSING
    } else {
        reason::POD_NOT_READY
    };
    let message = if let Some(n) = not_serving {
        n.message()
    } else if let Some((r, m)) = &serving.blocked {
        format!("{r}: {m}")
    } else {
        "waiting for the pod to become ready".to_string()
    };
    stamp.condition(conditions::READY, false, reason, message)
}

/// `Scheduled`: the desired pod's node, or the scheduler's reason it has none.
fn scheduled_condition(stamp: &Stamp, pods: &Pods) -> Condition {
    match pods.desired_ok {
        Some(PodView {
            unschedulable: Some((r, m)),
            ..
        }) => stamp.condition(conditions::SCHEDULED, false, r, m.clone()),
        Some(PodView {
            name,
            node: Some(node),
            ..
        }) => stamp.condition(
            conditions::SCHEDULED,
            true,
            reason::POD_SCHEDULED,
            format!("pod {name} is on node {node}"),
        ),
        _ => stamp.condition(
            conditions::SCHEDULED,
            false,
            reason::POD_PENDING,
            "waiting for the scheduler",
        ),
    }
}

/// `Progressing`: a rollout is under way, blocked while the old pod serves, or done.
fn progressing_condition(stamp: &Stamp, serving: &Serving, desired_pod_name: &str) -> Condition {
    if serving.queued {
        return stamp.condition(
            conditions::PROGRESSING,
            true,
            reason::ROLLOUT_QUEUED,
            "the spec changed; waiting for a rollout slot (at most --rollout-budget Performers of the namespace roll out at once); the current pod keeps serving",
        );
    }
    if let (true, Some((r, m))) = (serving.rolling && serving.ready, &serving.blocked) {
        return stamp.condition(
            conditions::PROGRESSING,
            false,
            reason::UPGRADE_BLOCKED,
            format!(
                "the new pod {desired_pod_name} cannot become ready ({r}: {m}); the old pod keeps serving"
            ),
        );
    }
    if !serving.ready || serving.rolling {
        stamp.condition(
            conditions::PROGRESSING,
            true,
            reason::ROLLING_OUT,
            format!("rolling out pod {desired_pod_name}"),
        )
    } else {
        stamp.condition(
            conditions::PROGRESSING,
            false,
            reason::UP_TO_DATE,
            "the serving pod runs the current spec",
        )
    }
}

/// `Degraded`: a container of the desired pod is failing, or its node is the cause.
fn degraded_condition(stamp: &Stamp, pods: &Pods, not_serving: Option<&NotServing>) -> Condition {
    let cause = pods
        .desired_ok
        .and_then(|d| d.waiting.clone())
        .or_else(|| not_serving.map(|n| (n.reason().to_string(), n.message())));
    match cause {
        Some((r, m)) => stamp.condition(conditions::DEGRADED, true, &r, m),
        None => stamp.condition(
            conditions::DEGRADED,
            false,
            reason::AS_EXPECTED,
            "no container is failing",
        ),
    }
}

/// Soon while a pod is on its way in or out, when the next deletion falls overdue,
/// else after [`RESYNC`].
fn requeue(pods: &Pods, observed: &Observed, actions: &PodActions, routing: &Routing) -> Requeue {
    let replacing = actions.create && observed.pods.iter().any(|v| v.terminating);
    if routing.needs_endpoint_check || replacing || pods.desired_going.is_some() {
        return Requeue::After(ENDPOINT_POLL);
    }
    Requeue::After(
        actions
            .recheck_in
            .map_or(RESYNC, |r| r.min(RESYNC) + Duration::from_secs(1)),
    )
}

/// One event per condition whose status flipped, and one when an upgrade completes.
fn transition_events(
    old: Option<&[Condition]>,
    new: &[Condition],
    old_phase: Option<PerformerPhase>,
    phase: PerformerPhase,
    upgrading: bool,
) -> Vec<PlannedEvent> {
    let mut events = Vec::new();
    for c in new {
        let before = conditions::find(old, &c.type_);
        let flipped = before.map(|o| o.status.as_str()) != Some(c.status.as_str());
        let reason_changed = before.map(|o| o.reason.as_str()) != Some(c.reason.as_str());
        if !flipped && !reason_changed {
            continue;
        }
        let was_true = before.is_some_and(|o| o.status == "True");
        let is_true = c.status == "True";
        let (warning, reason) = match (c.type_.as_str(), is_true) {
            (conditions::READY, true) if flipped => (false, "Ready".to_string()),
            (conditions::READY, false) if was_true => (true, "NotReady".to_string()),
            // A pod first waits for the scheduler (False/PodPending), then is found unschedulable.
            (conditions::SCHEDULED, false) if c.reason == reason::UNSCHEDULABLE => {
                (true, reason::UNSCHEDULABLE.to_string())
            }
            // The scheduler records its own Scheduled event on the pod; a first rollout
            // is announced by Ready. Only upgrades get a RollingOut event.
            (conditions::PROGRESSING, true) if flipped && upgrading => {
                (false, reason::ROLLING_OUT.to_string())
            }
            (conditions::PROGRESSING, false) if c.reason == reason::UPGRADE_BLOCKED => {
                (true, reason::UPGRADE_BLOCKED.to_string())
            }
            (conditions::DEGRADED, true) => (true, c.reason.clone()),
            _ => continue,
        };
        events.push(PlannedEvent {
            warning,
            reason,
            note: c.message.clone(),
        });
    }
    if old_phase == Some(PerformerPhase::Upgrading) && phase == PerformerPhase::Running {
        events.push(PlannedEvent {
            warning: false,
            reason: "Upgraded".into(),
            note: "the new pod serves; the old pod was removed".into(),
        });
    }
    events
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::PerformerSpec;
    use k8s_openapi::jiff::Timestamp;
    use serde_json::json;

    /// A slimmed pod decides exactly what the full one does.
    #[test]
    fn a_slim_pod_has_the_same_view_as_the_full_one() {
        let full_status = |waiting: Option<&str>, ready: &str| -> Pod {
            let mut p = performer();
            p.metadata.uid = Some("u1".into());
            let mut pod = render::desired_pod(&p).unwrap().pod;
            pod.metadata.annotations = Some([("a".to_string(), "b".to_string())].into());
            pod.spec.as_mut().unwrap().node_name = Some("gpu-h100".into());
            pod.metadata.uid = Some("pod-uid".into());
            pod.metadata.finalizers = Some(vec!["example.com/hold".into()]);
            pod.metadata.deletion_timestamp = Some(now());
            let state = match waiting {
                Some(r) => json!({"waiting": {"reason": r, "message": "back-off"}}),
                None => json!({"running": {"startedAt": "2026-11-27T00:00:00Z"}}),
            };
            pod.status = Some(
                serde_json::from_value(json!({
                    "phase": "Running",
                    "podIP": "10.0.0.7",
                    "hostIP": "10.1.0.1",
                    "conditions": [
                        {"type": "PodScheduled", "status": "True"},
                        {"type": "ContainersReady", "status": "True"},
                        {"type": "DisruptionTarget", "status": "True",
                         "reason": "DeletionByTaintManager", "message": "taint"},
                        {"type": "Ready", "status": ready, "reason": "ContainersNotReady"}
                    ],
                    "containerStatuses": [
                        {"name": "performer", "image": "img:v2", "imageID": "sha256:1",
                         "ready": ready == "True", "restartCount": 3, "state": state},
                        {"name": "sidecar", "image": "s", "imageID": "", "ready": true,
                         "restartCount": 0, "state": {"running": {}}}
                    ]
                }))
                .unwrap(),
            );
            pod
        };
        // What a lost node leaves: Ready=False with ContainersReady=True, then the eviction.
        let mut evicted = full_status(None, "False");
        evicted.metadata.deletion_timestamp = Some(now());
        evicted.metadata.finalizers = Some(vec!["example.com/hold".into()]);
        let conditions = evicted
            .status
            .as_mut()
            .unwrap()
            .conditions
            .as_mut()
            .unwrap();
        conditions.push(
            serde_json::from_value(json!({"type": "ContainersReady", "status": "True"})).unwrap(),
        );
        conditions.push(
            serde_json::from_value(json!({"type": "DisruptionTarget", "status": "True",
                "reason": "DeletionByTaintManager", "message": "Taint manager: deleting"}))
            .unwrap(),
        );
        assert!(PodView::from(&evicted).disruption.is_some());
        for pod in [
            full_status(None, "True"),
            full_status(Some("CrashLoopBackOff"), "False"),
            full_status(Some("ContainerCreating"), "False"),
            evicted,
        ] {
            let mut slim = pod.clone();
            slim_pod(&mut slim);
            assert_eq!(PodView::from(&slim), PodView::from(&pod));
            assert!(slim.metadata.annotations.is_none());
            assert!(slim.spec.as_ref().unwrap().containers.is_empty());
            assert!(slim.status.as_ref().unwrap().pod_ip.is_none());
            let (slim_len, full_len) = (
                serde_json::to_vec(&slim).unwrap().len(),
                serde_json::to_vec(&pod).unwrap().len(),
            );
            assert!(slim_len < full_len, "{slim_len} >= {full_len}");
        }
    }

    fn now() -> Time {
        Time(Timestamp::from_second(1_800_000_000).unwrap())
    }

    fn performer() -> Performer {
        let mut p = Performer::new(
            "p1",
            PerformerSpec {
                avs_address: "0x1234567890abcdef1234567890abcdef12345678".into(),
                image: "img:v2".into(),
                ..Default::default()
            },
        );
        p.metadata.namespace = Some("ns".into());
        p.metadata.generation = Some(2);
        p
    }

    fn pod(name: &str, hash: &str, ready: bool, created: i64) -> PodView {
        PodView {
            name: name.into(),
            hash: Some(hash.into()),
            ready,
            node: Some("cpu-1".into()),
            created: Some(Time(Timestamp::from_second(created).unwrap())),
            ..Default::default()
        }
    }

    fn run(p: &Performer, observed: Observed) -> Plan {
        run_budgeted(p, observed, true)
    }

    fn run_budgeted(p: &Performer, observed: Observed, may_start_rollout: bool) -> Plan {
        plan(PlanInput {
            performer: p,
            desired_hash: "new",
            desired_pod_name: "performer-p1-new",
            observed: &observed,
            cluster_domain: "cluster.local",
            now: &now(),
            may_start_rollout,
        })
    }

    #[test]
    fn an_upgrade_without_a_rollout_slot_waits_and_changes_nothing() {
        let observed = Observed {
            pods: vec![pod("performer-p1-old", "old", true, 1)],
            service_hash: Some("old".into()),
            desired_in_endpoints: false,
        };
        let p = performer();
        let allowed = run_budgeted(&p, observed.clone(), true);
        assert_eq!(allowed.rollout, Rollout::Starting);
        assert!(allowed.create_pod);

        let queued = run_budgeted(&p, observed.clone(), false);
        assert_eq!(queued.rollout, Rollout::Queued);
        assert!(!queued.create_pod);
        assert!(queued.delete_pods.is_empty());
        assert_eq!(queued.serving_hash, "old");
        assert!(queued.status.ready, "the old pod keeps serving");
        let progressing =
            conditions::find(queued.status.conditions.as_deref(), conditions::PROGRESSING).unwrap();
        assert_eq!(
            (progressing.status.as_str(), progressing.reason.as_str()),
            ("True", reason::ROLLOUT_QUEUED)
        );
        assert_eq!(queued.requeue, Requeue::After(ROLLOUT_QUEUE_RECHECK));

        // Recreate does not delete the old pod while queued either.
        let mut recreate = performer();
        recreate.spec.upgrade_strategy = Some(UpgradeStrategy::Recreate);
        let queued = run_budgeted(&recreate, observed.clone(), false);
        assert!(queued.delete_pods.is_empty() && !queued.create_pod);

        // Under way: counted as in flight whatever the budget; a first pod is no rollout.
        let mut under_way = observed;
        under_way
            .pods
            .push(pod("performer-p1-new", "new", false, 10));
        assert_eq!(
            run_budgeted(&p, under_way, false).rollout,
            Rollout::InFlight
        );
        assert_eq!(
            run_budgeted(&p, Observed::default(), false).rollout,
            Rollout::None
        );
        assert!(run_budgeted(&p, Observed::default(), false).create_pod);
    }

    #[test]
    fn a_new_performer_creates_its_pod_and_is_pending() {
        let plan = run(&performer(), Observed::default());
        assert!(plan.create_pod);
        assert_eq!(plan.serving_hash, "new");
        assert_eq!(plan.status.phase, Some(PerformerPhase::Pending));
        assert!(!plan.status.ready);
        assert_eq!(
            plan.status.grpc_endpoint.as_deref(),
            Some("performer-p1.ns.svc.cluster.local:9090")
        );
        assert_eq!(plan.status.observed_generation, Some(2));
    }

    #[test]
    fn ready_pod_behind_the_service_is_running() {
        let observed = Observed {
            pods: vec![pod("performer-p1-new", "new", true, 10)],
            service_hash: Some("new".into()),
            desired_in_endpoints: true,
        };
        let plan = run(&performer(), observed);
        assert!(!plan.create_pod && plan.delete_pods.is_empty());
        assert_eq!(plan.status.phase, Some(PerformerPhase::Running));
        assert!(plan.status.ready);
        assert_eq!(plan.status.ready_time, Some(now()));
        assert!(plan.events.iter().any(|e| e.reason == "Ready"));
    }

    #[test]
    fn blue_green_keeps_the_old_pod_until_the_new_one_is_in_the_endpoints() {
        // New pod not ready yet: the old one serves, nothing is deleted.
        let mut observed = Observed {
            pods: vec![
                pod("performer-p1-old", "old", true, 1),
                pod("performer-p1-new", "new", false, 10),
            ],
            service_hash: Some("old".into()),
            desired_in_endpoints: false,
        };
        let p = performer();
        let step1 = run(&p, observed.clone());
        assert_eq!(step1.serving_hash, "old");
        assert!(step1.delete_pods.is_empty());
        assert_eq!(step1.status.phase, Some(PerformerPhase::Upgrading));
        assert!(step1.status.ready, "the old pod still serves");

        // New pod ready: both serve until the EndpointSlice lists the new one.
        observed.pods[1].ready = true;
        let step2 = run(&p, observed.clone());
        assert_eq!(step2.serving_hash, WIDE);
        assert!(step2.delete_pods.is_empty());
        assert!(step2.needs_endpoint_check);
        assert!(step2.status.ready);

        // The slice lists the new pod: the Service narrows to it; the old pod stays for now.
        observed.service_hash = Some(WIDE);
        observed.desired_in_endpoints = true;
        let step3 = run(&p, observed.clone());
        assert_eq!(step3.serving_hash, "new");
        assert!(step3.delete_pods.is_empty());

        // Narrowed and listed: the old pod goes.
        observed.service_hash = Some("new".into());
        let step4 = run(&p, observed);
        assert_eq!(step4.delete_pods, vec!["performer-p1-old".to_string()]);
    }

    #[test]
    fn an_unschedulable_pod_is_left_in_place_with_the_schedulers_reason() {
        let mut p = performer();
        let mut pending = pod("performer-p1-new", "new", false, 10);
        pending.node = None;
        pending.unschedulable = Some((
            "Unschedulable".into(),
            "0/9 nodes are available: 9 Insufficient nvidia.com/gpu.".into(),
        ));
        let observed = Observed {
            pods: vec![pending],
            service_hash: Some("new".into()),
            desired_in_endpoints: false,
        };
        let first = run(&p, observed.clone());
        assert!(
            !first.create_pod && first.delete_pods.is_empty(),
            "no churn"
        );
        let scheduled =
            conditions::find(first.status.conditions.as_deref(), conditions::SCHEDULED).unwrap();
        assert_eq!(
            (scheduled.status.as_str(), scheduled.reason.as_str()),
            ("False", "Unschedulable")
        );
        assert!(scheduled.message.contains("Insufficient nvidia.com/gpu"));
        assert_eq!(
            first
                .events
                .iter()
                .filter(|e| e.reason == "Unschedulable")
                .count(),
            1
        );

        // The next pass with the same observation changes nothing and records nothing.
        p.status = Some(first.status.clone());
        let second = run(&p, observed);
        assert_eq!(second.status, first.status);
        assert!(second.events.is_empty());
    }

    #[test]
    fn waiting_for_the_scheduler_then_unschedulable_records_one_event() {
        let mut p = performer();
        let mut waiting = pod("performer-p1-new", "new", false, 10);
        waiting.node = None;
        let observed = |v: PodView| Observed {
            pods: vec![v],
            service_hash: Some("new".into()),
            desired_in_endpoints: false,
        };
        let first = run(&p, observed(waiting.clone()));
        assert!(first.events.iter().all(|e| e.reason != "Unschedulable"));
        p.status = Some(first.status);
        waiting.unschedulable = Some(("Unschedulable".into(), "0/9 nodes are available".into()));
        let second = run(&p, observed(waiting));
        assert_eq!(
            second
                .events
                .iter()
                .filter(|e| e.reason == "Unschedulable")
                .count(),
            1
        );
    }

    #[test]
    fn a_blocked_upgrade_keeps_the_old_pod_serving_and_says_why() {
        let mut new = pod("performer-p1-new", "new", false, 10);
        new.waiting = Some(("ImagePullBackOff".into(), "Back-off pulling image".into()));
        let observed = Observed {
            pods: vec![pod("performer-p1-old", "old", true, 1), new],
            service_hash: Some("old".into()),
            desired_in_endpoints: false,
        };
        let plan = run(&performer(), observed);
        assert_eq!(plan.serving_hash, "old");
        assert!(plan.delete_pods.is_empty());
        assert!(plan.status.ready);
        let progressing =
            conditions::find(plan.status.conditions.as_deref(), conditions::PROGRESSING).unwrap();
        assert_eq!(progressing.reason, "UpgradeBlocked");
        assert!(conditions::is_true(
            plan.status.conditions.as_deref(),
            conditions::DEGRADED
        ));
    }

    #[test]
    fn an_ended_pod_is_replaced_and_phase_never_copies_pod_phases() {
        let mut evicted = pod("performer-p1-new", "new", false, 10);
        evicted.ended = true;
        let plan = run(
            &performer(),
            Observed {
                pods: vec![evicted],
                service_hash: Some("new".into()),
                desired_in_endpoints: false,
            },
        );
        assert_eq!(plan.delete_pods, vec!["performer-p1-new".to_string()]);
        assert_eq!(plan.status.phase, Some(PerformerPhase::Pending));
    }

    fn at(second: i64) -> Time {
        Time(Timestamp::from_second(second).unwrap())
    }

    /// A pod as the node lifecycle controller leaves it when its node stops reporting.
    fn on_a_lost_node() -> PodView {
        let mut v = pod("performer-p1-new", "new", false, 10);
        v.node_not_ready = true;
        v
    }

    /// The same pod once the taint manager evicts it (grace period ends at `due`).
    fn evicted(due: i64) -> PodView {
        let mut v = on_a_lost_node();
        v.node_not_ready = false;
        v.terminating = true;
        v.delete_by = Some(at(due));
        v.uid = Some("u1".into());
        v.disruption = Some((
            "DeletionByTaintManager".into(),
            "Taint manager: deleting due to NoExecute taint".into(),
        ));
        v
    }

    fn served_by(pods: Vec<PodView>) -> Observed {
        Observed {
            pods,
            service_hash: Some("new".into()),
            desired_in_endpoints: false,
        }
    }

    #[test]
    fn a_pod_on_a_node_that_stopped_reporting_is_kept_and_the_conditions_say_why() {
        let mut p = performer();
        let serving = run(
            &p,
            served_by(vec![pod("performer-p1-new", "new", true, 10)]),
        );
        assert!(serving.status.ready);
        p.status = Some(serving.status);

        let plan = run(&p, served_by(vec![on_a_lost_node()]));
        // Kubernetes evicts it after the toleration; until then hgctl waits for the node.
        assert!(!plan.create_pod);
        assert!(plan.delete_pods.is_empty() && plan.force_delete_pods.is_empty());
        assert!(!plan.status.ready);
        let ready = conditions::find(plan.status.conditions.as_deref(), conditions::READY).unwrap();
        assert_eq!(ready.reason, "NodeNotReady");
        assert!(
            ready.message.contains("node cpu-1 stopped reporting"),
            "{}",
            ready.message
        );
        let degraded =
            conditions::find(plan.status.conditions.as_deref(), conditions::DEGRADED).unwrap();
        assert_eq!(
            (degraded.status.as_str(), degraded.reason.as_str()),
            ("True", "NodeNotReady")
        );
        let reasons: Vec<&str> = plan.events.iter().map(|e| e.reason.as_str()).collect();
        assert!(
            reasons.contains(&"NotReady") && reasons.contains(&"NodeNotReady"),
            "{reasons:?}"
        );
    }

    #[test]
    fn an_evicted_pod_is_waited_for_until_its_deletion_is_overdue_then_force_deleted() {
        let now = 1_800_000_000;
        // Grace period ended 10 s ago: the kubelet may still confirm; look again in 20 s.
        let plan = run(&performer(), served_by(vec![evicted(now - 10)]));
        assert!(!plan.create_pod, "the name is still taken");
        assert!(plan.force_delete_pods.is_empty());
        assert_eq!(plan.recheck_in, Some(Duration::from_secs(20)));
        let ready = conditions::find(plan.status.conditions.as_deref(), conditions::READY).unwrap();
        assert_eq!(ready.reason, "PodEvicted");
        assert!(
            ready.message.contains("DeletionByTaintManager"),
            "{}",
            ready.message
        );
        assert!(!ready.message.contains("without waiting"));

        // 30 s past the grace period: nobody will confirm; delete it without a grace period.
        let plan = run(&performer(), served_by(vec![evicted(now - 30)]));
        assert_eq!(plan.force_delete_pods, vec!["performer-p1-new".to_string()]);
        assert!(
            !plan.create_pod,
            "the new pod follows once the name is free"
        );
        let ready = conditions::find(plan.status.conditions.as_deref(), conditions::READY).unwrap();
        assert!(
            ready.message.contains("without waiting"),
            "{}",
            ready.message
        );

        // Gone: the replacement (same name, same template) is created.
        let plan = run(&performer(), served_by(vec![]));
        assert!(plan.create_pod);
    }

    #[test]
    fn an_overdue_pod_held_by_finalizers_or_superseded_is_handled_alike() {
        let now = 1_800_000_000;
        let mut held = evicted(now - 300);
        held.finalizers = true;
        let plan = run(&performer(), served_by(vec![held]));
        assert!(
            plan.force_delete_pods.is_empty(),
            "deleting again would not help"
        );
        assert_eq!(plan.recheck_in, None);

        // An old template's pod stuck terminating is force-deleted too (it blocks nothing,
        // but it would stay Terminating for as long as its node is away).
        let mut old = evicted(now - 60);
        old.name = "performer-p1-old".into();
        old.hash = Some("old".into());
        let plan = run(
            &performer(),
            served_by(vec![old, pod("performer-p1-new", "new", true, 20)]),
        );
        assert_eq!(plan.force_delete_pods, vec!["performer-p1-old".to_string()]);
        assert!(plan.status.ready);
    }

    #[test]
    fn pod_view_tells_a_lost_node_from_a_failing_readiness_probe() {
        let pod_with = |ready: &str, containers_ready: &str| -> Pod {
            serde_json::from_value(serde_json::json!({
                "metadata": {"name": "performer-p1-new", "uid": "u1"},
                "spec": {"containers": [{"name": "performer"}], "nodeName": "cpu-1"},
                "status": {"phase": "Running", "conditions": [
                    {"type": "Ready", "status": ready},
                    {"type": "ContainersReady", "status": containers_ready},
                ]},
            }))
            .unwrap()
        };
        // The node lifecycle controller flips Ready only.
        assert!(PodView::from(&pod_with("False", "True")).node_not_ready);
        // A kubelet whose readiness probe fails reports both.
        assert!(!PodView::from(&pod_with("False", "False")).node_not_ready);
        assert!(!PodView::from(&pod_with("True", "True")).node_not_ready);

        let mut going = pod_with("False", "True");
        going.metadata.deletion_timestamp = Some(at(100));
        going.metadata.finalizers = Some(vec!["example.com/hold".into()]);
        going
            .status
            .as_mut()
            .unwrap()
            .conditions
            .as_mut()
            .unwrap()
            .push(
                serde_json::from_value(serde_json::json!({
                    "type": "DisruptionTarget", "status": "True",
                    "reason": "DeletionByTaintManager",
                    "message": "Taint manager: deleting due to NoExecute taint",
                }))
                .unwrap(),
            );
        let v = PodView::from(&going);
        assert!(v.terminating && v.finalizers && !v.node_not_ready);
        assert_eq!(v.delete_by, Some(at(100)));
        assert_eq!(v.uid.as_deref(), Some("u1"));
        assert_eq!(v.disruption.unwrap().0, "DeletionByTaintManager");
    }

    #[test]
    fn a_terminating_desired_pod_is_not_recreated_until_it_is_gone() {
        let mut going = pod("performer-p1-new", "new", false, 10);
        going.terminating = true;
        let plan = run(
            &performer(),
            Observed {
                pods: vec![going],
                service_hash: None,
                desired_in_endpoints: false,
            },
        );
        assert!(!plan.create_pod);
    }

    #[test]
    fn a_service_edited_by_someone_is_no_longer_up_to_date() {
        let mut p = performer();
        p.metadata.uid = Some("u".into());
        let wanted = render::desired_service(&p, "h1");
        assert!(service_up_to_date(&wanted, &wanted));
        let mut edited = wanted.clone();
        edited
            .spec
            .as_mut()
            .unwrap()
            .selector
            .as_mut()
            .unwrap()
            .insert("app".into(), "other".into());
        assert!(!service_up_to_date(&edited, &wanted));
        let other_hash = render::desired_service(&p, "h2");
        assert!(!service_up_to_date(&other_hash, &wanted));
    }

    #[test]
    fn a_slim_service_compares_like_the_full_one() {
        let mut p = performer();
        p.metadata.uid = Some("u".into());
        let wanted = render::desired_service(&p, "h1");
        // As the API server returns it: defaults, an IP, annotations, a status.
        let mut full: Service = serde_json::from_value(serde_json::json!({
            "metadata": {"annotations": {"a": "b"}, "resourceVersion": "9"},
            "spec": {"clusterIP": "10.0.0.7", "clusterIPs": ["10.0.0.7"], "type": "ClusterIP",
                     "sessionAffinity": "None", "ipFamilies": ["IPv4"]},
            "status": {"loadBalancer": {}},
        }))
        .unwrap();
        full.metadata.name = wanted.metadata.name.clone();
        full.metadata.labels = wanted.metadata.labels.clone();
        full.metadata.owner_references = wanted.metadata.owner_references.clone();
        let spec = full.spec.as_mut().unwrap();
        spec.selector = wanted.spec.as_ref().unwrap().selector.clone();
        spec.ports = wanted.spec.as_ref().unwrap().ports.clone().map(|ports| {
            ports
                .into_iter()
                .map(|mut port| {
                    port.protocol = Some("TCP".into());
                    port
                })
                .collect()
        });
        let mut slim = full.clone();
        slim_service(&mut slim);
        assert!(service_up_to_date(&full, &wanted));
        assert!(service_up_to_date(&slim, &wanted));
        assert!(!service_up_to_date(
            &slim,
            &render::desired_service(&p, "h2")
        ));
        assert!(slim.status.is_none() && slim.metadata.annotations.is_none());
        assert_eq!(slim.spec.as_ref().unwrap().cluster_ip, None);
    }

    #[test]
    fn a_slim_endpoint_slice_keeps_which_pods_are_ready() {
        let mut slice: EndpointSlice = serde_json::from_value(serde_json::json!({
            "addressType": "IPv4",
            "metadata": {"name": "s", "labels": {"kubernetes.io/service-name": "performer-p"}},
            "ports": [{"name": "grpc", "port": 8080}],
            "endpoints": [
                {"addresses": ["10.1.0.4"], "nodeName": "n1", "zone": "z",
                 "conditions": {"ready": true, "serving": true, "terminating": false},
                 "targetRef": {"kind": "Pod", "name": "new", "namespace": "ns", "uid": "u"}},
                {"addresses": ["10.1.0.5"], "conditions": {"ready": false},
                 "targetRef": {"kind": "Pod", "name": "old"}},
            ],
        }))
        .unwrap();
        slim_endpoint_slice(&mut slice);
        let seen: Vec<(Option<String>, Option<bool>)> = slice
            .endpoints
            .iter()
            .flatten()
            .map(|e| {
                (
                    e.target_ref.as_ref().and_then(|t| t.name.clone()),
                    e.conditions.as_ref().and_then(|c| c.ready),
                )
            })
            .collect();
        assert_eq!(
            seen,
            [
                (Some("new".into()), Some(true)),
                (Some("old".into()), Some(false))
            ]
        );
        assert_eq!(
            slice.metadata.labels.as_ref().unwrap()["kubernetes.io/service-name"],
            "performer-p"
        );
        assert!(slice.ports.is_none());
    }

    #[test]
    fn a_service_without_the_hash_selects_every_pod_and_an_empty_hash_none() {
        let observed = |selects: ServiceSelects| Observed {
            pods: vec![pod("performer-p1-new", "new", true, 10)],
            service_hash: Some(selects),
            desired_in_endpoints: true,
        };
        let every = ServiceSelects::from_selector(None);
        assert_eq!(every, ServiceSelects::EveryPod);
        assert!(run(&performer(), observed(every)).status.ready);
        // A selector whose hash label is empty matches no pod: it is not "every pod".
        let none = ServiceSelects::from_selector(Some(""));
        assert_eq!(none, ServiceSelects::Template(String::new()));
        assert!(!run(&performer(), observed(none)).status.ready);
    }

    fn recreate_performer() -> Performer {
        let mut p = performer();
        p.spec.upgrade_strategy = Some(crate::api::template::UpgradeStrategy::Recreate);
        p
    }

    #[test]
    fn recreate_deletes_the_old_pod_before_creating_the_new_one() {
        let observed = Observed {
            pods: vec![pod("performer-p1-old", "old", true, 10)],
            service_hash: Some("old".into()),
            desired_in_endpoints: false,
        };
        let plan = run(&recreate_performer(), observed.clone());
        assert!(!plan.create_pod);
        assert_eq!(plan.delete_pods, vec!["performer-p1-old".to_string()]);
        // Blue-green keeps the old pod and creates the new one beside it.
        let bg = run(&performer(), observed);
        assert!(bg.create_pod);
        assert!(bg.delete_pods.is_empty());
    }

    #[test]
    fn recreate_waits_for_the_old_pod_to_be_gone_then_creates() {
        let mut old = pod("performer-p1-old", "old", false, 10);
        old.terminating = true;
        let observed = Observed {
            pods: vec![old],
            service_hash: Some("old".into()),
            desired_in_endpoints: false,
        };
        let plan = run(&recreate_performer(), observed);
        assert!(!plan.create_pod);
        let plan = run(&recreate_performer(), Observed::default());
        assert!(plan.create_pod);
    }

    #[test]
    fn recreate_leaves_an_existing_desired_pod_alone() {
        let observed = Observed {
            pods: vec![
                pod("performer-p1-old", "old", true, 10),
                pod("performer-p1-new", "new", false, 20),
            ],
            service_hash: Some("old".into()),
            desired_in_endpoints: false,
        };
        let plan = run(&recreate_performer(), observed);
        assert!(!plan.create_pod);
        assert_eq!(plan.delete_pods, vec!["performer-p1-old".to_string()]);
    }

    #[test]
    fn template_link_is_named_in_status_and_ambiguity_is_refused() {
        use crate::render::template::TemplateLink;
        let p = performer();
        let mut plan = run(&p, Observed::default());
        let link = TemplateLink::Linked {
            executor: "ex".into(),
            avs: p.spec.avs_address.clone(),
            template: Some(Default::default()),
        };
        note_template(&mut plan.status, &p, &link, &["imagePullPolicy"], &now());
        let name = format!("ex/{}", p.spec.avs_address);
        assert_eq!(plan.status.template.as_deref(), Some(name.as_str()));
        let c = conditions::find(
            plan.status.conditions.as_deref(),
            conditions::TEMPLATE_APPLIED,
        )
        .unwrap();
        assert_eq!(
            (c.status.as_str(), c.reason.as_str()),
            ("True", reason::TEMPLATE_MERGED)
        );
        assert!(c.message.contains("imagePullPolicy"));

        let ambiguous = TemplateLink::Ambiguous {
            executors: vec!["a".into(), "b".into()],
            avs: p.spec.avs_address.clone(),
        };
        let refused = ambiguous_template(&p, &ambiguous, &now());
        let c = conditions::find(
            refused.status.conditions.as_deref(),
            conditions::TEMPLATE_APPLIED,
        )
        .unwrap();
        assert_eq!(
            (c.status.as_str(), c.reason.as_str()),
            ("False", reason::AMBIGUOUS_TEMPLATE)
        );
        assert!(c.message.contains("a, b"));
        assert_eq!(refused.events.len(), 1);
    }
}
