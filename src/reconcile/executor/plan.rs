//! The HourglassExecutor's decisions, pure: where the keys come from, which
//! children to write again, the status and its events, and when to look again.

use std::time::Duration;

use k8s_openapi::api::apps::v1::{Deployment, StatefulSet};
use k8s_openapi::api::core::v1::{PodTemplateSpec, Secret, Service};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::{Condition, Time};
use kube::{Resource, ResourceExt};

use crate::api::HourglassExecutor;
use crate::api::conditions::{self, reason};
use crate::api::executor::{ExecutorPhase, HourglassExecutorStatus};
use crate::reconcile::Stamp;
use crate::reconcile::runtime::Requeue;
use crate::render::executor::{
    self as render, ANNOTATION_CONFIG_CHECKSUM, ANNOTATION_SPEC_HASH, KeyMaterial, Rendered,
};

/// How often a settled executor is looked at again (the keys Secret is not watched).
pub const RESYNC: Duration = Duration::from_secs(300);
/// How soon to look again while the config is incomplete (keys may be added to the Secret).
pub const INCOMPLETE_POLL: Duration = Duration::from_secs(30);

/// The executor is being deleted: its children go by ownerReference garbage collection.
pub fn terminating(e: &HourglassExecutor) -> Option<Requeue> {
    e.metadata
        .deletion_timestamp
        .as_ref()
        .map(|_| Requeue::OnChange)
}

/// When to look again: soon while keys may still be added, else after [`RESYNC`].
pub fn requeue(rendered: &Rendered) -> Requeue {
    Requeue::After(if rendered.assessment.complete() {
        RESYNC
    } else {
        INCOMPLETE_POLL
    })
}

/// Where the operator keys come from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum KeySource {
    /// Inline in the spec: copied into the owned `<name>-keys` Secret.
    Inline,
    /// The user's Secret, by name (only its key names are read).
    Secret(String),
    None,
}

impl KeySource {
    pub fn of(e: &HourglassExecutor) -> Self {
        if has_inline_keys(e) {
            return Self::Inline;
        }
        e.spec
            .config
            .as_ref()
            .and_then(|c| c.operator_keys.as_ref())
            .and_then(|k| k.secret_ref.as_ref())
            .map_or(Self::None, |s| Self::Secret(s.name.clone()))
    }
}

/// The inline keys are gone from the spec since the last pass: so goes their copy.
pub fn drop_inline_copy(e: &HourglassExecutor) -> bool {
    let had_inline = e
        .status
        .as_ref()
        .and_then(|s| conditions::find(s.conditions.as_deref(), conditions::KEYS_SECURE))
        .is_some_and(|c| c.reason == reason::INLINE_KEYS);
    had_inline && !has_inline_keys(e)
}

/// The spec carries the seed's inline keys (the assessment's list of them).
fn has_inline_keys(e: &HourglassExecutor) -> bool {
    e.spec
        .config
        .as_ref()
        .is_some_and(|c| !crate::render::assessment::inline_keys(c).is_empty())
}

/// The key names the user's Secret holds (never the values).
pub fn key_names(secret_name: &str, secret: Option<Secret>) -> KeyMaterial {
    match secret {
        Some(s) => KeyMaterial::from_secret(
            secret_name,
            s.data
                .into_iter()
                .flatten()
                .map(|(k, _)| k)
                .chain(s.string_data.into_iter().flatten().map(|(k, _)| k)),
        ),
        None => KeyMaterial::missing_secret(secret_name),
    }
}

/// The copy of the inline keys holds them and is owned by the executor. Values are
/// compared in memory only.
pub fn inline_copy_up_to_date(
    e: &HourglassExecutor,
    observed: Option<&Secret>,
    desired: &Secret,
) -> bool {
    observed.is_some_and(|o| {
        o.data == desired.data
            && o.owner_references()
                .iter()
                .any(|r| Some(&r.uid) == e.metadata.uid.as_ref() && r.controller == Some(true))
    })
}

/// True when the observed child is missing or carries another spec hash.
pub fn stale<K: Resource>(observed: Option<&K>, desired: &K) -> bool {
    let hash = |k: &K| {
        k.meta()
            .annotations
            .as_ref()
            .and_then(|a| a.get(ANNOTATION_SPEC_HASH).cloned())
    };
    observed.is_none_or(|o| hash(o).is_none() || hash(o) != hash(desired))
}

/// Like [`stale`], and also when someone scaled the workload (the spec hash does not
/// cover what `kubectl scale` changes).
pub fn workload_stale<K: Resource>(
    observed: Option<&K>,
    desired: &K,
    replicas: fn(&K) -> Option<i32>,
) -> bool {
    observed.is_some_and(|o| replicas(o) != replicas(desired)) || stale(observed, desired)
}

/// What the reconciler needs to know about the workload it finds.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct WorkloadView {
    pub replicas: i32,
    pub ready_replicas: i32,
    /// The config checksum on its pod template.
    pub checksum: Option<String>,
}

fn checksum(t: &PodTemplateSpec) -> Option<String> {
    t.metadata
        .as_ref()
        .and_then(|m| m.annotations.as_ref())
        .and_then(|a| a.get(ANNOTATION_CONFIG_CHECKSUM).cloned())
}

/// Ready replicas of the workload's current template: none while its controller has not
/// seen the current generation (the status still describes the previous template), and
/// never more than the replicas updated to it (old pods may still be ready).
fn ready_of_current(
    generation: Option<i64>,
    observed: Option<i64>,
    ready: Option<i32>,
    updated: Option<i32>,
) -> i32 {
    let seen = match (generation, observed) {
        (Some(g), Some(o)) => o >= g,
        (Some(_), None) => false,
        (None, _) => true,
    };
    if !seen {
        return 0;
    }
    let ready = ready.unwrap_or(0);
    updated.map_or(ready, |u| ready.min(u))
}

impl From<&Deployment> for WorkloadView {
    fn from(d: &Deployment) -> Self {
        let status = d.status.clone().unwrap_or_default();
        WorkloadView {
            replicas: status.replicas.unwrap_or(0),
            ready_replicas: ready_of_current(
                d.metadata.generation,
                status.observed_generation,
                status.ready_replicas,
                status.updated_replicas,
            ),
            checksum: checksum(&d.spec.template),
        }
    }
}

impl From<&StatefulSet> for WorkloadView {
    fn from(s: &StatefulSet) -> Self {
        let status = s.status.clone().unwrap_or_default();
        WorkloadView {
            replicas: status.replicas,
            ready_replicas: ready_of_current(
                s.metadata.generation,
                status.observed_generation,
                status.ready_replicas,
                status.updated_replicas,
            ),
            checksum: checksum(&s.spec.template),
        }
    }
}

/// The rendered config differs from the one the workload's pods were started with.
pub fn config_changed(workload: Option<&WorkloadView>, rendered: &Rendered) -> bool {
    workload.is_none_or(|w| w.checksum.as_deref() != Some(rendered.checksum.as_str()))
}

/// The status to write and the events to record.
#[derive(Debug, Clone, PartialEq)]
pub struct PlannedStatus {
    pub status: HourglassExecutorStatus,
    /// (warning, reason, note): recorded only on a condition's transition.
    pub events: Vec<(bool, &'static str, String)>,
}

type Events = Vec<(bool, &'static str, String)>;

/// Decides the status; pure. Events fire when a condition turns, so a settled
/// executor records nothing.
pub fn plan_status(
    e: &HourglassExecutor,
    rendered: &Rendered,
    inline: bool,
    workload: Option<&WorkloadView>,
    service: Option<&Service>,
    config_changed: bool,
    now: &Time,
) -> PlannedStatus {
    let name = e.metadata.name.clone().unwrap_or_default();
    let old = e.status.clone().unwrap_or_default();
    let stamp = Stamp::new(old.conditions.as_deref(), e.metadata.generation, now);
    let wanted = e.spec.replicas.unwrap_or(1);
    let view = workload.cloned().unwrap_or_default();
    let complete = rendered.assessment.complete();
    let phase = if wanted == 0 {
        ExecutorPhase::Stopped
    } else if complete
        && view.ready_replicas >= wanted
        && view.checksum.is_some()
        && !config_changed
    {
        ExecutorPhase::Running
    } else {
        ExecutorPhase::Pending
    };

    let mut events = Events::new();
    let config_cond = config_condition(&stamp, rendered, &name, &mut events);
    let keys_cond = keys_condition(&stamp, e, inline, &name, &mut events);
    let duplicate_cond = duplicate_condition(&stamp, wanted, &mut events);
    let ready_cond = ready_condition(&stamp, phase, complete, wanted, &view);
    let last_config_update = if config_changed || old.last_config_update.is_none() {
        if workload.is_some() && config_changed {
            events.push((
                false,
                "ConfigUpdated",
                format!(
                    "config {} changed (checksum {}); the executor pods are replaced",
                    render::config_map_name(&name),
                    rendered.checksum
                ),
            ));
        }
        Some(now.clone())
    } else {
        old.last_config_update.clone()
    };

    let conditions: Vec<Condition> = vec![config_cond, keys_cond, ready_cond, duplicate_cond];
    PlannedStatus {
        status: HourglassExecutorStatus {
            phase: Some(phase),
            replicas: Some(view.replicas),
            ready_replicas: Some(view.ready_replicas),
            selector: Some(render::selector_string(&name)),
            last_config_update,
            observed_generation: e.metadata.generation,
            conditions: Some(conditions),
            task_address: service.and_then(render::task_address),
        },
        events,
    }
}

/// `ConfigComplete`: what the executor cannot start without, and how many spec
/// fields it ignores.
fn config_condition(
    stamp: &Stamp,
    rendered: &Rendered,
    name: &str,
    events: &mut Events,
) -> Condition {
    let assessment = &rendered.assessment;
    let unused = if assessment.unused.is_empty() {
        String::new()
    } else {
        format!(
            "; {} spec field(s) are not used by the executor (`hgctl executor describe {name}` lists them)",
            assessment.unused.len()
        )
    };
    if assessment.complete() {
        return stamp.condition(
            conditions::CONFIG_COMPLETE,
            true,
            reason::AS_EXPECTED,
            format!("the executor has every field it needs{unused}"),
        );
    }
    let message = format!(
        "the executor cannot start: {}; it runs 0 replicas until then{unused}",
        assessment
            .blocking()
            .map(ToString::to_string)
            .collect::<Vec<_>>()
            .join("; ")
    );
    if stamp.turns(conditions::CONFIG_COMPLETE, false) {
        events.push((true, "ConfigIncomplete", message.clone()));
    }
    stamp.condition(
        conditions::CONFIG_COMPLETE,
        false,
        assessment.reason(),
        message,
    )
}

/// `KeysSecure`: false while keys are inline in the spec.
fn keys_condition(
    stamp: &Stamp,
    e: &HourglassExecutor,
    inline: bool,
    name: &str,
    events: &mut Events,
) -> Condition {
    if inline {
        let message = format!(
            "inline keys in spec.config.operatorKeys were moved to Secret {}; store them in a Secret of your own, set operatorKeys.secretRef and remove the inline keys",
            render::keys_secret_name(name)
        );
        if stamp.turns(conditions::KEYS_SECURE, false) {
            events.push((true, reason::INLINE_KEYS, message.clone()));
        }
        return stamp.condition(conditions::KEYS_SECURE, false, reason::INLINE_KEYS, message);
    }
    let has_ref = e
        .spec
        .config
        .as_ref()
        .and_then(|c| c.operator_keys.as_ref())
        .is_some_and(|k| k.secret_ref.is_some());
    let (why, message) = if has_ref {
        (reason::SECRET_REF, "keys come from a Secret")
    } else {
        (reason::NO_SECRET, "no keys in the spec")
    };
    stamp.condition(conditions::KEYS_SECURE, true, why, message)
}

/// `DuplicateOperator`: more than one replica runs one operator identity.
fn duplicate_condition(stamp: &Stamp, wanted: i32, events: &mut Events) -> Condition {
    if wanted <= 1 {
        return stamp.condition(
            conditions::DUPLICATE_OPERATOR,
            false,
            reason::SINGLE_REPLICA,
            "at most one replica per operator identity",
        );
    }
    let message = format!(
        "{wanted} replicas run one operator identity; the executor has no leader election and each replica would deploy its own performers: use 1 replica per operator"
    );
    if stamp.turns(conditions::DUPLICATE_OPERATOR, true) {
        events.push((true, reason::NO_LEADER_ELECTION, message.clone()));
    }
    stamp.condition(
        conditions::DUPLICATE_OPERATOR,
        true,
        reason::NO_LEADER_ELECTION,
        message,
    )
}

/// `Ready`: the replicas that are ready, or what they wait for.
fn ready_condition(
    stamp: &Stamp,
    phase: ExecutorPhase,
    complete: bool,
    wanted: i32,
    view: &WorkloadView,
) -> Condition {
    let (why, message) = match phase {
        ExecutorPhase::Running => (
            reason::REPLICAS_READY,
            format!("{}/{wanted} replicas ready", view.ready_replicas),
        ),
        ExecutorPhase::Stopped => (reason::SCALED_TO_ZERO, "scaled to 0 replicas".to_string()),
        ExecutorPhase::Pending if !complete => (
            reason::MISSING_FIELDS,
            "waiting for a complete config".to_string(),
        ),
        ExecutorPhase::Pending => (
            reason::REPLICAS_NOT_READY,
            format!("{}/{wanted} replicas ready", view.ready_replicas),
        ),
    };
    stamp.condition(
        conditions::READY,
        phase == ExecutorPhase::Running,
        why,
        message,
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::HourglassExecutorSpec;

    #[test]
    fn a_workload_status_of_an_older_template_counts_no_ready_replica() {
        let deployment = |generation: i64, status: serde_json::Value| -> WorkloadView {
            let d: Deployment = serde_json::from_value(serde_json::json!({
                "metadata": {"name": "e", "generation": generation},
                "spec": {"selector": {}, "template": {}},
                "status": status,
            }))
            .unwrap();
            WorkloadView::from(&d)
        };
        // The status still describes generation 1 (as an apply's answer does).
        let stale = deployment(
            2,
            serde_json::json!({"observedGeneration": 1, "replicas": 1, "readyReplicas": 1, "updatedReplicas": 1}),
        );
        assert_eq!(stale.ready_replicas, 0);
        // Seen, but the ready pod is the old one.
        let rolling = deployment(
            2,
            serde_json::json!({"observedGeneration": 2, "replicas": 2, "readyReplicas": 1, "updatedReplicas": 0}),
        );
        assert_eq!(rolling.ready_replicas, 0);
        let done = deployment(
            2,
            serde_json::json!({"observedGeneration": 2, "replicas": 1, "readyReplicas": 1, "updatedReplicas": 1}),
        );
        assert_eq!(done.ready_replicas, 1);
        let new = deployment(1, serde_json::json!({}));
        assert_eq!(new.ready_replicas, 0, "not yet seen by its controller");
    }
    use crate::api::executor::{ExecutorConfig, KeysSecretRef, OperatorKeys};
    use crate::render::executor::RenderContext;
    use k8s_openapi::jiff::Timestamp;

    fn at(secs: i64) -> Time {
        Time(Timestamp::from_second(secs).unwrap())
    }

    fn executor(replicas: i32) -> HourglassExecutor {
        let mut e = HourglassExecutor::new(
            "e1",
            HourglassExecutorSpec {
                image: "ponos/executor:v1".into(),
                replicas: Some(replicas),
                config: Some(ExecutorConfig {
                    operator_address: Some("0x15d34AAf54267DB7D7c367839AAf71A00a2C6A65".into()),
                    chains: Some(vec![crate::api::executor::Chain {
                        name: "l1".into(),
                        rpc: "http://anvil:8545".into(),
                        chain_id: 31337,
                        task_mailbox_address: None,
                    }]),
                    operator_keys: Some(OperatorKeys {
                        secret_ref: Some(KeysSecretRef { name: "k".into() }),
                        ..Default::default()
                    }),
                    ..Default::default()
                }),
                ..Default::default()
            },
        );
        e.metadata.namespace = Some("ns".into());
        e.metadata.uid = Some("u".into());
        e.metadata.generation = Some(1);
        e
    }

    fn keys() -> KeyMaterial {
        KeyMaterial::from_secret(
            "k",
            ["operator-private-key", "ecdsa-private-key"].map(String::from),
        )
    }

    fn plan(e: &HourglassExecutor, view: Option<WorkloadView>, now: i64) -> PlannedStatus {
        let r = render::render(e, &keys(), &RenderContext::default()).unwrap();
        let changed = view
            .as_ref()
            .is_none_or(|v| v.checksum.as_deref() != Some(r.checksum.as_str()));
        plan_status(e, &r, false, view.as_ref(), None, changed, &at(now))
    }

    fn running(e: &HourglassExecutor, ready: i32) -> WorkloadView {
        let r = render::render(e, &keys(), &RenderContext::default()).unwrap();
        WorkloadView {
            replicas: ready,
            ready_replicas: ready,
            checksum: Some(r.checksum),
        }
    }

    #[test]
    fn settled_executor_plans_the_same_status_and_no_events() {
        let mut e = executor(1);
        let first = plan(&e, None, 10);
        assert_eq!(first.status.phase, Some(ExecutorPhase::Pending));
        assert_eq!(first.status.last_config_update, Some(at(10)));
        e.status = Some(first.status);
        let up = plan(&e, Some(running(&e, 1)), 20);
        assert_eq!(up.status.phase, Some(ExecutorPhase::Running));
        assert_eq!(
            up.status.last_config_update,
            Some(at(10)),
            "config unchanged"
        );
        e.status = Some(up.status.clone());
        let again = plan(&e, Some(running(&e, 1)), 30);
        assert_eq!(again.status, up.status, "nothing to write");
        assert!(again.events.is_empty());
        assert_eq!(
            again.status.selector.as_deref(),
            Some(
                "app.kubernetes.io/instance=e1,app.kubernetes.io/name=hourglass-executor,hourglass.eigenlayer.io/executor=e1"
            )
        );
    }

    #[test]
    fn a_config_change_moves_last_config_update() {
        let mut e = executor(1);
        let view = running(&e, 1);
        e.status = Some(plan(&e, Some(view.clone()), 10).status);
        e.spec.config.as_mut().unwrap().grpc_port = Some(7000);
        let changed = plan(&e, Some(view), 50);
        assert_eq!(changed.status.last_config_update, Some(at(50)));
        assert_eq!(changed.status.phase, Some(ExecutorPhase::Pending));
        assert!(changed.events.iter().any(|(_, r, _)| *r == "ConfigUpdated"));
    }

    #[test]
    fn zero_replicas_is_stopped_and_two_is_a_warning() {
        let e = executor(0);
        assert_eq!(plan(&e, None, 1).status.phase, Some(ExecutorPhase::Stopped));
        let two = plan(&executor(2), None, 1);
        let dup = conditions::find(
            two.status.conditions.as_deref(),
            conditions::DUPLICATE_OPERATOR,
        )
        .unwrap();
        assert_eq!(dup.status, "True");
        assert!(
            two.events
                .iter()
                .any(|(w, r, _)| *w && *r == reason::NO_LEADER_ELECTION)
        );
    }

    #[test]
    fn missing_keys_are_named_in_the_condition() {
        let e = executor(1);
        let r = render::render(
            &e,
            &KeyMaterial::from_secret("k", ["ecdsa-private-key".to_string()]),
            &RenderContext::default(),
        )
        .unwrap();
        let p = plan_status(&e, &r, false, None, None, true, &at(1));
        let c =
            conditions::find(p.status.conditions.as_deref(), conditions::CONFIG_COMPLETE).unwrap();
        assert_eq!(
            (c.status.as_str(), c.reason.as_str()),
            ("False", reason::MISSING_FIELDS)
        );
        assert!(c.message.contains("operator-private-key"), "{}", c.message);
        assert_eq!(r.replicas, 0);
    }

    #[test]
    fn an_l1_without_a_task_mailbox_is_config_complete_false_naming_the_override() {
        let mut e = executor(1);
        e.spec.config.as_mut().unwrap().chains.as_mut().unwrap()[0].chain_id = 17_000;
        let p = plan(&e, None, 100);
        let c =
            conditions::find(p.status.conditions.as_deref(), conditions::CONFIG_COMPLETE).unwrap();
        assert_eq!(
            (c.status.as_str(), c.reason.as_str()),
            ("False", reason::NO_TASK_MAILBOX)
        );
        assert!(
            c.message.contains("config.overrideContracts.taskMailbox")
                && c.message.contains("17000"),
            "{}",
            c.message
        );
        assert_eq!(p.status.phase, Some(ExecutorPhase::Pending));
        let r = render::render(&e, &keys(), &RenderContext::default()).unwrap();
        assert_eq!(requeue(&r), Requeue::After(INCOMPLETE_POLL));
    }

    #[test]
    fn docker_mode_is_config_complete_false_as_unsupported() {
        let mut e = executor(1);
        e.spec.config.as_mut().unwrap().performer_mode =
            Some(crate::api::executor::PerformerMode::Docker);
        let p = plan(&e, None, 100);
        let c =
            conditions::find(p.status.conditions.as_deref(), conditions::CONFIG_COMPLETE).unwrap();
        assert_eq!(
            (c.status.as_str(), c.reason.as_str()),
            ("False", reason::UNSUPPORTED_IN_POD)
        );
        assert!(c.message.contains("Docker socket"), "{}", c.message);
    }

    #[test]
    fn the_task_address_comes_from_the_observed_service() {
        use k8s_openapi::api::core::v1::{LoadBalancerIngress, LoadBalancerStatus, ServiceStatus};
        let e = executor(1);
        let r = render::render(&e, &keys(), &RenderContext::default()).unwrap();
        let mut svc = r.service.clone();
        svc.spec.as_mut().unwrap().type_ = Some("LoadBalancer".into());
        svc.status = Some(ServiceStatus {
            load_balancer: Some(LoadBalancerStatus {
                ingress: Some(vec![LoadBalancerIngress {
                    hostname: Some("lb.example.com".into()),
                    ..Default::default()
                }]),
            }),
            ..Default::default()
        });
        let p = plan_status(&e, &r, false, None, Some(&svc), true, &at(1));
        assert_eq!(
            p.status.task_address.as_deref(),
            Some("lb.example.com:9000")
        );
        let p = plan_status(&e, &r, false, None, None, true, &at(1));
        assert_eq!(p.status.task_address, None, "no Service observed yet");
    }
}
