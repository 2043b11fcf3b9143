//! Condition types and reasons the reconcilers write and `status`/`doctor` read.
//! Conditions use the metav1 `Condition` shape; a condition's
//! `lastTransitionTime` changes only when its status changes.

use k8s_openapi::apimachinery::pkg::apis::meta::v1::{Condition, Time};

/// The Performer serves gRPC through its Service from a Ready pod.
pub const READY: &str = "Ready";
/// The serving (or upcoming) pod has been placed on a node.
pub const SCHEDULED: &str = "Scheduled";
/// A rollout (first pod or blue-green upgrade) is under way.
pub const PROGRESSING: &str = "Progressing";
/// Something keeps the Performer from its desired state (crash loop, image pull, lost pod).
pub const DEGRADED: &str = "Degraded";
/// HourglassExecutor: the config has every field the real executor binary needs.
pub const CONFIG_COMPLETE: &str = "ConfigComplete";
/// HourglassExecutor: keys come from a Secret, not inline in the spec.
pub const KEYS_SECURE: &str = "KeysSecure";
/// HourglassExecutor: more than one replica runs one operator identity (a warning
/// when True: the executor has no leader election and would deploy duplicate performers).
pub const DUPLICATE_OPERATOR: &str = "DuplicateOperator";
/// Performer: which executor's per-AVS template was merged in (or why none).
pub const TEMPLATE_APPLIED: &str = "TemplateApplied";

/// Reasons, in the API's CamelCase.
pub mod reason {
    pub const POD_READY: &str = "PodReady";
    pub const POD_NOT_READY: &str = "PodNotReady";
    pub const POD_PENDING: &str = "PodPending";
    pub const POD_SCHEDULED: &str = "PodScheduled";
    /// The scheduler's own reason for a pod no node can take.
    pub const UNSCHEDULABLE: &str = "Unschedulable";
    pub const CRASH_LOOP: &str = "CrashLoopBackOff";
    pub const IMAGE_PULL: &str = "ImagePullBackOff";
    pub const POD_FAILED: &str = "PodFailed";
    pub const POD_MISSING: &str = "PodMissing";
    /// The pod's node stopped reporting (kubelet unreachable or not ready).
    pub const NODE_NOT_READY: &str = "NodeNotReady";
    /// The pod is being evicted (`DisruptionTarget`), e.g. from a lost node.
    pub const POD_EVICTED: &str = "PodEvicted";
    pub const ROLLING_OUT: &str = "RollingOut";
    /// The namespace's rollout budget is in use: the upgrade waits its turn.
    pub const ROLLOUT_QUEUED: &str = "RolloutQueued";
    pub const UPGRADE_BLOCKED: &str = "UpgradeBlocked";
    pub const UP_TO_DATE: &str = "UpToDate";
    pub const AS_EXPECTED: &str = "AsExpected";
    pub const DELETING: &str = "Deleting";
    pub const MISSING_FIELDS: &str = "MissingFields";
    /// ConfigComplete: the L1 has no TaskMailbox in the binary's table and none is given.
    pub const NO_TASK_MAILBOX: &str = "NoTaskMailbox";
    /// ConfigComplete: a setting that cannot work in a pod (performerMode docker).
    pub const UNSUPPORTED_IN_POD: &str = "UnsupportedInPod";
    pub const INLINE_KEYS: &str = "InlineKeys";
    pub const SECRET_REF: &str = "SecretRef";
    pub const NO_SECRET: &str = "NoSecret";
    pub const NO_LEADER_ELECTION: &str = "NoLeaderElection";
    pub const SINGLE_REPLICA: &str = "SingleReplica";
    pub const REPLICAS_READY: &str = "ReplicasReady";
    pub const REPLICAS_NOT_READY: &str = "ReplicasNotReady";
    pub const SCALED_TO_ZERO: &str = "ScaledToZero";
    pub const TEMPLATE_MERGED: &str = "TemplateMerged";
    pub const NO_TEMPLATE: &str = "NoTemplate";
    pub const AMBIGUOUS_TEMPLATE: &str = "AmbiguousTemplate";
}

/// Finds a condition by type.
pub fn find<'a>(conditions: Option<&'a [Condition]>, type_: &str) -> Option<&'a Condition> {
    conditions?.iter().find(|c| c.type_ == type_)
}

/// True when the condition of that type has status "True".
pub fn is_true(conditions: Option<&[Condition]>, type_: &str) -> bool {
    find(conditions, type_).is_some_and(|c| c.status == "True")
}

/// Builds a condition; `lastTransitionTime` is carried over from `previous`
/// when the status did not change, so a status write never differs in time only.
pub fn condition(
    previous: Option<&[Condition]>,
    type_: &str,
    status: bool,
    reason: &str,
    message: impl Into<String>,
    observed_generation: Option<i64>,
    now: &Time,
) -> Condition {
    let status = if status { "True" } else { "False" }.to_string();
    let last_transition_time = find(previous, type_)
        .filter(|old| old.status == status)
        .map(|old| old.last_transition_time.clone())
        .unwrap_or_else(|| now.clone());
    Condition {
        type_: type_.to_string(),
        status,
        reason: reason.to_string(),
        message: message.into(),
        observed_generation,
        last_transition_time,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use k8s_openapi::jiff::Timestamp;

    fn at(secs: i64) -> Time {
        Time(Timestamp::from_second(secs).unwrap())
    }

    #[test]
    fn transition_time_moves_only_when_status_changes() {
        let first = vec![condition(
            None,
            READY,
            false,
            reason::POD_PENDING,
            "waiting",
            Some(1),
            &at(10),
        )];
        let same = condition(
            Some(&first),
            READY,
            false,
            reason::POD_NOT_READY,
            "still waiting",
            Some(2),
            &at(20),
        );
        assert_eq!(same.last_transition_time, at(10));
        let flipped = condition(
            Some(&first),
            READY,
            true,
            reason::POD_READY,
            "ok",
            Some(2),
            &at(30),
        );
        assert_eq!(flipped.last_transition_time, at(30));
        assert!(is_true(Some(&[flipped]), READY));
    }
}
