//! The HourglassExecutor's decisions, pure: the status to write and the events
//! to record, from the spec, the rendered children and the observed workload.

use k8s_openapi::apimachinery::pkg::apis::meta::v1::{Condition, Time};

use crate::api::HourglassExecutor;
use crate::api::conditions::{self, reason};
use crate::api::executor::{ExecutorPhase, HourglassExecutorStatus};
use crate::render::executor::{self as render, Rendered};

/// What the reconciler needs to know about the workload it finds.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct WorkloadView {
    pub replicas: i32,
    pub ready_replicas: i32,
    /// The config checksum on its pod template.
    pub checksum: Option<String>,
}

/// The status to write and the events to record.
#[derive(Debug, Clone, PartialEq)]
pub struct PlannedStatus {
    pub status: HourglassExecutorStatus,
    /// (warning, reason, note): recorded only on a condition's transition.
    pub events: Vec<(bool, &'static str, String)>,
}

/// Decides the status; pure. Events fire when a condition turns, so a settled
/// executor records nothing.
pub fn plan_status(
    e: &HourglassExecutor,
    rendered: &Rendered,
    inline: bool,
    workload: Option<&WorkloadView>,
    config_changed: bool,
    now: &Time,
) -> PlannedStatus {
    let name = e.metadata.name.clone().unwrap_or_default();
    let old = e.status.clone().unwrap_or_default();
    let previous = old.conditions.as_deref();
    let generation = e.metadata.generation;
    let wanted = e.spec.replicas.unwrap_or(1);
    let view = workload.cloned().unwrap_or_default();
    let complete = rendered.missing.is_empty();
    let mut events = Vec::new();
    let turned = |type_: &str, status: bool| {
        conditions::find(previous, type_).is_none_or(|c| (c.status == "True") != status)
    };

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

    let unused = if rendered.unused.is_empty() {
        String::new()
    } else {
        format!(
            "; {} spec field(s) are not used by the executor (`hgctl executor describe {name}` lists them)",
            rendered.unused.len()
        )
    };
    let config_cond = if complete {
        conditions::condition(
            previous,
            conditions::CONFIG_COMPLETE,
            true,
            reason::AS_EXPECTED,
            format!("the executor has every field it needs{unused}"),
            generation,
            now,
        )
    } else {
        let message = format!(
            "the executor cannot start without: {}; it runs 0 replicas until then{unused}",
            rendered.missing.join("; ")
        );
        if turned(conditions::CONFIG_COMPLETE, false) {
            events.push((true, "ConfigIncomplete", message.clone()));
        }
        conditions::condition(
            previous,
            conditions::CONFIG_COMPLETE,
            false,
            reason::MISSING_FIELDS,
            message,
            generation,
            now,
        )
    };

    let keys_cond = if inline {
        let message = format!(
            "inline keys in spec.config.operatorKeys were moved to Secret {}; store them in a Secret of your own, set operatorKeys.secretRef and remove the inline keys",
            render::keys_secret_name(&name)
        );
        if turned(conditions::KEYS_SECURE, false) {
            events.push((true, reason::INLINE_KEYS, message.clone()));
        }
        conditions::condition(
            previous,
            conditions::KEYS_SECURE,
            false,
            reason::INLINE_KEYS,
            message,
            generation,
            now,
        )
    } else {
        let has_ref = e
            .spec
            .config
            .as_ref()
            .and_then(|c| c.operator_keys.as_ref())
            .is_some_and(|k| k.secret_ref.is_some());
        conditions::condition(
            previous,
            conditions::KEYS_SECURE,
            true,
            if has_ref {
                reason::SECRET_REF
            } else {
                reason::NO_SECRET
            },
            if has_ref {
                "keys come from a Secret"
            } else {
                "no keys in the spec"
            },
            generation,
            now,
        )
    };

    let duplicate = wanted > 1;
    let duplicate_cond = if duplicate {
        let message = format!(
            "{wanted} replicas run one operator identity; the executor has no leader election and each replica would deploy its own performers: use 1 replica per operator"
        );
        if turned(conditions::DUPLICATE_OPERATOR, true) {
            events.push((true, reason::NO_LEADER_ELECTION, message.clone()));
        }
        conditions::condition(
            previous,
            conditions::DUPLICATE_OPERATOR,
            true,
            reason::NO_LEADER_ELECTION,
            message,
            generation,
            now,
        )
    } else {
        conditions::condition(
            previous,
            conditions::DUPLICATE_OPERATOR,
            false,
            reason::SINGLE_REPLICA,
            "at most one replica per operator identity",
            generation,
            now,
        )
    };

    let ready = phase == ExecutorPhase::Running;
    let ready_cond = conditions::condition(
        previous,
        conditions::READY,
        ready,
        match phase {
            ExecutorPhase::Running => reason::REPLICAS_READY,
            ExecutorPhase::Stopped => reason::SCALED_TO_ZERO,
            ExecutorPhase::Pending if !complete => reason::MISSING_FIELDS,
            ExecutorPhase::Pending => reason::REPLICAS_NOT_READY,
        },
        match phase {
            ExecutorPhase::Running => format!("{}/{wanted} replicas ready", view.ready_replicas),
            ExecutorPhase::Stopped => "scaled to 0 replicas".to_string(),
            ExecutorPhase::Pending if !complete => "waiting for a complete config".to_string(),
            ExecutorPhase::Pending => {
                format!("{}/{wanted} replicas ready", view.ready_replicas)
            }
        },
        generation,
        now,
    );

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
            observed_generation: generation,
            conditions: Some(conditions),
        },
        events,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::HourglassExecutorSpec;
    use crate::api::executor::{ExecutorConfig, KeysSecretRef, OperatorKeys};
    use crate::render::executor::ExecutorContext as RenderContext;
    use crate::render::executor::KeyMaterial;
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
        plan_status(e, &r, false, view.as_ref(), changed, &at(now))
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
        let p = plan_status(&e, &r, false, None, true, &at(1));
        let c =
            conditions::find(p.status.conditions.as_deref(), conditions::CONFIG_COMPLETE).unwrap();
        assert_eq!(
            (c.status.as_str(), c.reason.as_str()),
            ("False", reason::MISSING_FIELDS)
        );
        assert!(c.message.contains("operator-private-key"), "{}", c.message);
        assert_eq!(r.replicas, 0);
    }
}
