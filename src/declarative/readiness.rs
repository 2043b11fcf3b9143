//! Whether an applied object is ready, still on its way, or cannot get there: what
//! `apply --wait` and `hgctl wait` decide on each poll. Pure.

use crate::api::conditions;
use crate::api::{HourglassExecutor, Performer};
use crate::output::status::{Bucket, note};

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Readiness {
    Ready,
    /// On its way; the text says where it is.
    Waiting(String),
    /// Will not become ready without a change (the text says why, in status's words).
    Stuck(String),
}

/// The status was written for the current spec (not a previous generation's).
fn current(observed: Option<i64>, generation: Option<i64>) -> bool {
    match (observed, generation) {
        (Some(o), Some(g)) => o >= g,
        _ => true,
    }
}

pub fn performer(p: &Performer) -> Readiness {
    let observed = p.status.as_ref().and_then(|s| s.observed_generation);
    let why = || {
        let n = note(p);
        if n.is_empty() {
            format!(
                "phase {}",
                p.status
                    .as_ref()
                    .and_then(|s| s.phase)
                    .map_or("unknown", |ph| ph.as_str())
            )
        } else {
            n
        }
    };
    if !current(observed, p.metadata.generation) {
        return Readiness::Waiting("the controller has not seen the change yet".into());
    }
    match Bucket::of(p) {
        Bucket::Ready => Readiness::Ready,
        Bucket::Unschedulable | Bucket::Failed => Readiness::Stuck(why()),
        Bucket::NoStatus => Readiness::Waiting("no status yet (is a controller running?)".into()),
        _ => Readiness::Waiting(why()),
    }
}

pub fn executor(e: &HourglassExecutor) -> Readiness {
    let status = e.status.as_ref();
    let Some(status) = status else {
        return Readiness::Waiting("no status yet (is a controller running?)".into());
    };
    if !current(status.observed_generation, e.metadata.generation) {
        return Readiness::Waiting("the controller has not seen the change yet".into());
    }
    let conds = status.conditions.as_deref();
    if conditions::is_true(conds, conditions::READY) {
        return Readiness::Ready;
    }
    let replicas = e.spec.replicas.unwrap_or(1);
    let ready = status.ready_replicas.unwrap_or(0);
    let why = conditions::find(conds, conditions::READY)
        .map(|c| format!("{}: {}", c.reason, c.message))
        .unwrap_or_else(|| format!("{ready}/{replicas} replicas ready"));
    if conditions::is_true(conds, conditions::DEGRADED) {
        return Readiness::Stuck(why);
    }
    Readiness::Waiting(why)
}

/// One line of progress over many objects: `2/4 ready; waiting for performer/x: ...`.
pub fn progress(states: &[(String, Readiness)]) -> String {
    let ready = states
        .iter()
        .filter(|(_, r)| *r == Readiness::Ready)
        .count();
    let first = states.iter().find_map(|(name, r)| match r {
        Readiness::Waiting(why) => Some(format!("; waiting for {name}: {why}")),
        _ => None,
    });
    format!(
        "{ready}/{} ready{}",
        states.len(),
        first.unwrap_or_default()
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::output::fixtures;

    #[test]
    fn fixtures_cover_each_outcome() {
        let states: Vec<(String, Readiness)> = fixtures::performers()
            .iter()
            .map(|p| (p.metadata.name.clone().unwrap_or_default(), performer(p)))
            .collect();
        assert!(states.iter().any(|(_, r)| *r == Readiness::Ready));
        assert!(
            states
                .iter()
                .any(|(_, r)| matches!(r, Readiness::Stuck(why) if why.contains("Unschedulable"))),
            "{states:?}"
        );
        let line = progress(&states);
        assert!(line.starts_with(&format!(
            "{}/{} ready",
            states.iter().filter(|(_, r)| *r == Readiness::Ready).count(),
            states.len()
        )));
    }

    #[test]
    fn a_stale_status_is_not_ready() {
        let mut p = fixtures::performers()
            .into_iter()
            .find(|p| performer(p) == Readiness::Ready)
            .expect("a ready fixture");
        p.metadata.generation =
            Some(p.status.as_ref().unwrap().observed_generation.unwrap_or(1) + 1);
        p.status.as_mut().unwrap().observed_generation = Some(1);
        p.metadata.generation = Some(2);
        assert!(matches!(performer(&p), Readiness::Waiting(_)));
    }

    #[test]
    fn an_executor_without_status_waits() {
        let mut e = fixtures::executors().remove(0);
        e.status = None;
        assert!(matches!(executor(&e), Readiness::Waiting(_)));
    }
}
