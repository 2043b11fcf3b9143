use super::*;

/// An object deleting for longer than this is stuck.
pub const STUCK_AFTER_SECS: i64 = 120;

fn stale(meta: &ObjectMeta, observed: Option<i64>) -> Option<(i64, i64)> {
    let generation = meta.generation?;
    let observed = observed?;
    (observed != generation).then_some((observed, generation))
}

pub(super) fn stale_status(s: &Snapshot) -> Vec<Finding> {
    let mut out = Vec::new();
    let ns_hint = s.namespace.as_deref().unwrap_or("NS");
    let mut check = |obj: String, meta: &ObjectMeta, observed: Option<i64>| {
        match stale(meta, observed) {
        Some((o, g)) => out.push(Finding::problem(
            Some(obj),
            format!("status describes generation {o}, the spec is at generation {g}: the controller has not caught up"),
            format!("is a controller running? `hgctl doctor` install.controller; `hgctl run-local -n {ns_hint}`"),
        )),
        None => out.push(Finding::pass(Some(obj), "status is current")),
    }
    };
    for p in s.performers_in_scope() {
        check(
            pobj(p),
            &p.metadata,
            p.status.as_ref().and_then(|s| s.observed_generation),
        );
    }
    for e in s.executors_in_scope() {
        check(
            eobj(e),
            &e.metadata,
            e.status.as_ref().and_then(|s| s.observed_generation),
        );
    }
    if out.is_empty() {
        out.push(match (&s.performers, &s.executors) {
            (Err(m), _) | (_, Err(m)) => Finding::skipped(None, format!("skipped: {}", m.reason())),
            _ => Finding::pass(None, format!("no Performers or executors in {}", s.scope())),
        });
    }
    out
}

pub(super) fn stuck_deleting(s: &Snapshot) -> Vec<Finding> {
    let mut out = Vec::new();
    let mut check = |kind: &str, meta: &ObjectMeta| {
        let Some(since) = meta.deletion_timestamp.as_ref() else {
            return;
        };
        let age = s.now.duration_since(since.0);
        if age < SignedDuration::from_secs(STUCK_AFTER_SECS) {
            return;
        }
        let (ns, name) = name_of(meta);
        let finalizers = meta.finalizers.clone().unwrap_or_default();
        out.push(Finding::problem(
            Some(format!("{kind}/{ns}/{name}")),
            format!(
                "{kind} {ns}/{name} has been deleting for {}s; finalizers: {}",
                age.as_secs(),
                if finalizers.is_empty() { "none".into() } else { finalizers.join(", ") }
            ),
            if finalizers.is_empty() {
                format!("kubectl -n {ns} get {kind} {name} -o yaml (no finalizer: is the garbage collector or kwok/kubelet running?)")
            } else {
                format!(
                    "start the controller that owns the finalizer; as a last resort `kubectl -n {ns} patch {kind} {name} --type merge -p '{{\"metadata\":{{\"finalizers\":null}}}}'`"
                )
            },
        ));
    };
    for p in s.performers_in_scope() {
        check("performer", &p.metadata);
        let (ns, name) = name_of(&p.metadata);
        for pod in s.pods_of(ns, name) {
            check("pod", &pod.metadata);
        }
    }
    for e in s.executors_in_scope() {
        check("hourglassexecutor", &e.metadata);
    }
    if out.is_empty() {
        out.push(match (&s.performers, &s.executors) {
            (Err(m), _) | (_, Err(m)) => Finding::skipped(None, format!("skipped: {}", m.reason())),
            _ => Finding::pass(None, format!("nothing stuck deleting in {}", s.scope())),
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::super::fixtures::*;

    #[test]
    fn stale_status_and_stuck_deleting() {
        let mut s = snap();
        let mut p = performer("old", base_spec());
        p.metadata.generation = Some(3);
        p.status =
            Some(serde_json::from_value(json!({"observedGeneration": 2, "ready": true})).unwrap());
        p.metadata.deletion_timestamp = Some(k8s_openapi::apimachinery::pkg::apis::meta::v1::Time(
            "2026-01-01T11:00:00Z".parse().unwrap(),
        ));
        p.metadata.finalizers = Some(vec!["example.com/hold".into()]);
        s.performers = Ok(vec![p]);
        let r = results(&s);
        let stale = one(&r, "workload.stale-status");
        assert_eq!(stale.status, Status::Warn);
        assert!(
            stale
                .message
                .starts_with("status describes generation 2, the spec is at generation 3")
        );
        let stuck = one(&r, "workload.stuck-deleting");
        assert_eq!(stuck.status, Status::Fail);
        assert_eq!(
            stuck.message,
            "performer ns/old has been deleting for 3600s; finalizers: example.com/hold"
        );
    }
}
