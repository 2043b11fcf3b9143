use super::*;

fn expected_crds() -> Vec<String> {
    api::crds()
        .into_iter()
        .filter_map(|c| c.metadata.name)
        .collect()
}

pub(super) fn install_crds(s: &Snapshot) -> Vec<Finding> {
    let crds = match &s.crds {
        Ok(c) => c,
        // A namespaced user may not read CRDs; served kinds answer the question.
        Err(m) if s.performers.is_ok() && s.executors.is_ok() => {
            return vec![Finding::pass(
                None,
                format!(
                    "Performers and HourglassExecutors are served (CRD objects not read: {})",
                    m.reason()
                ),
            )];
        }
        Err(m) => return vec![Finding::skipped(None, format!("skipped: {}", m.reason()))],
    };
    let mut problems = Vec::new();
    for name in expected_crds() {
        match crds
            .iter()
            .find(|c| c.metadata.name.as_deref() == Some(name.as_str()))
        {
            None => problems.push(format!("CRD {name} is not installed")),
            Some(crd) => {
                let established = crd
                    .status
                    .as_ref()
                    .and_then(|s| s.conditions.as_ref())
                    .is_some_and(|c| {
                        c.iter()
                            .any(|c| c.type_ == "Established" && c.status == "True")
                    });
                if !established {
                    problems.push(format!("CRD {name} is not Established"));
                }
            }
        }
    }
    if problems.is_empty() {
        vec![Finding::pass(
            None,
            format!("{} are Established", expected_crds().join(" and ")),
        )]
    } else {
        vec![Finding::problem(
            None,
            problems.join("; "),
            "hgctl install --crds-only",
        )]
    }
}

pub(super) fn crd_version(s: &Snapshot) -> Vec<Finding> {
    let Ok(crds) = &s.crds else {
        return vec![Finding::skipped(
            None,
            "skipped: the CRD objects were not read",
        )];
    };
    let mut problems = Vec::new();
    for ours in api::crds() {
        let name = ours.metadata.name.clone().unwrap_or_default();
        let Some(theirs) = crds
            .iter()
            .find(|c| c.metadata.name.as_deref() == Some(name.as_str()))
        else {
            continue;
        };
        let served = theirs
            .spec
            .versions
            .iter()
            .any(|v| v.name == api::VERSION && v.served);
        if !served {
            problems.push(format!("{name} does not serve {}", api::VERSION));
            continue;
        }
        let missing = crate::install::upgrade::dropped_fields(&ours, theirs);
        if !missing.is_empty() {
            let shown: Vec<String> = missing.iter().take(3).map(|(_, p)| p.clone()).collect();
            problems.push(format!(
                "{name} is older than this hgctl: it lacks {}{}",
                shown.join(", "),
                if missing.len() > 3 {
                    format!(" and {} more", missing.len() - 3)
                } else {
                    String::new()
                }
            ));
        }
    }
    if problems.is_empty() {
        vec![Finding::pass(
            None,
            format!(
                "the CRDs serve {} with every field this hgctl writes",
                api::VERSION
            ),
        )]
    } else {
        vec![Finding::problem(
            None,
            problems.join("; "),
            "hgctl install --crds-only (upgrades the CRDs in place)",
        )]
    }
}

struct HeldLease {
    namespace: String,
    holder: String,
    renewed_ago: i64,
}

fn held_leases(s: &Snapshot) -> Vec<HeldLease> {
    s.leases
        .iter()
        .flatten()
        .filter_map(|l| {
            let h = lease::current_holder(l.spec.as_ref(), "", s.now)?;
            Some(HeldLease {
                namespace: l.metadata.namespace.clone().unwrap_or_default(),
                holder: h.identity,
                renewed_ago: h.renewed_ago,
            })
        })
        .collect()
}

fn available_operators(s: &Snapshot) -> Vec<String> {
    s.operator_deployments
        .iter()
        .flatten()
        .filter(|d| {
            d.status
                .as_ref()
                .and_then(|s| s.conditions.as_ref())
                .is_some_and(|c| {
                    c.iter().any(|c| {
                        c.type_.as_deref() == Some("Available")
                            && c.status.as_deref() == Some("True")
                    })
                })
        })
        .map(|d| {
            format!(
                "{}/{}",
                d.metadata.namespace.as_deref().unwrap_or_default(),
                d.metadata.name.as_deref().unwrap_or_default()
            )
        })
        .collect()
}

pub(super) fn controller(s: &Snapshot) -> Vec<Finding> {
    if let (Err(m), Err(_)) = (&s.leases, &s.operator_deployments) {
        return vec![Finding::skipped(None, format!("skipped: {}", m.reason()))];
    }
    let held = held_leases(s);
    if let Some(h) = held.first() {
        return vec![Finding::pass(
            None,
            format!(
                "{} holds the lease {}/{} (renewed {}s ago)",
                h.holder,
                h.namespace,
                lease::LEASE_NAME,
                h.renewed_ago
            ),
        )];
    }
    let ops = available_operators(s);
    if !ops.is_empty() {
        return vec![Finding::problem(
            None,
            format!(
                "Deployment {} is available but holds no lease yet",
                ops.join(", ")
            ),
            "kubectl -n hourglass-system logs deploy/hgctl-operator",
        )];
    }
    let ns = s.namespace.as_deref().unwrap_or("NS");
    vec![Finding::problem(
        None,
        format!(
            "no hgctl controller is reconciling: no Deployment {} is available and no run-local holds a Lease {}; Performers will not change",
            crate::install::manifests::NAME,
            lease::LEASE_NAME
        ),
        format!("hgctl run-local -n {ns} (on this machine), or hgctl install (in the cluster)"),
    )]
}

pub(super) fn single_controller(s: &Snapshot) -> Vec<Finding> {
    if let Err(m) = &s.leases {
        return vec![Finding::skipped(None, format!("skipped: {}", m.reason()))];
    }
    let held = held_leases(s);
    if held.len() <= 1 {
        return vec![Finding::pass(
            None,
            format!("{} controller(s) hold a lease", held.len()),
        )];
    }
    let who: Vec<String> = held
        .iter()
        .map(|h| format!("{} (lease in {})", h.holder, h.namespace))
        .collect();
    vec![Finding::problem(
        None,
        format!(
            "{} hgctl controllers are active: {}; if their namespaces overlap, both reconcile the same Performers",
            held.len(),
            who.join(", ")
        ),
        "run one controller per namespace: stop the extra run-local (Ctrl-C), or `hgctl uninstall --keep-crds` to remove the operator",
    )]
}

#[cfg(test)]
mod tests {
    use super::super::fixtures::*;
    use super::*;

    #[test]
    fn missing_crds_fail_with_the_install_hint_and_skip_workloads() {
        let mut s = snap();
        s.crds = Ok(vec![]);
        s.performers = Err(Missing::Failed("could not list performers: 404".into()));
        let r = results(&s);
        let crds = one(&r, "install.crds");
        assert_eq!(crds.status, Status::Fail);
        assert_eq!(crds.severity, Severity::Fatal);
        assert!(
            crds.message
                .contains("CRD performers.hourglass.eigenlayer.io is not installed")
        );
        assert_eq!(crds.hint.as_deref(), Some("hgctl install --crds-only"));
        assert_eq!(one(&r, "workload.performer.ready").status, Status::Skipped);
        assert_eq!(
            one(&r, "workload.performer.ready").message,
            "skipped: install.crds failed"
        );
        // Checks that do not need the CRDs still run.
        assert_eq!(one(&r, "hardware.gpu-nodes").status, Status::Pass);
    }

    #[test]
    fn crds_not_established_fail() {
        let mut s = snap();
        let mut crds = established_crds();
        crds[0].status = None;
        s.crds = Ok(crds);
        let r = results(&s);
        assert!(
            one(&r, "install.crds")
                .message
                .contains("is not Established")
        );
    }

    #[test]
    fn namespaced_user_without_crd_rights_still_gets_workload_checks() {
        let mut s = snap();
        s.crds = Err(Missing::Forbidden("list customresourcedefinitions".into()));
        let r = results(&s);
        assert_eq!(one(&r, "install.crds").status, Status::Pass);
        assert!(
            one(&r, "install.crds")
                .message
                .contains("no permission to list customresourcedefinitions")
        );
    }

    fn lease(ns: &str, holder: &str, renewed: &str) -> Lease {
        serde_json::from_value(json!({
            "metadata": {"name": "hgctl-operator", "namespace": ns},
            "spec": {"holderIdentity": holder, "leaseDurationSeconds": 15, "renewTime": renewed}
        }))
        .unwrap()
    }

    #[test]
    fn controllers_from_leases() {
        let mut s = snap();
        s.leases = Ok(vec![lease(
            "hourglass-system",
            "run-local@me/1",
            "2026-01-01T11:59:58.000000Z",
        )]);
        let r = results(&s);
        assert_eq!(one(&r, "install.controller").status, Status::Pass);
        assert!(
            one(&r, "install.controller")
                .message
                .starts_with("run-local@me/1 holds the lease hourglass-system/hgctl-operator")
        );
        // An expired lease is nobody.
        s.leases = Ok(vec![lease(
            "hourglass-system",
            "run-local@me/1",
            "2026-01-01T11:00:00.000000Z",
        )]);
        assert_eq!(one(&results(&s), "install.controller").status, Status::Warn);
        s.leases = Ok(vec![
            lease(
                "hourglass-system",
                "operator@pod",
                "2026-01-01T11:59:59.000000Z",
            ),
            lease("ns", "run-local@me/1", "2026-01-01T11:59:59.000000Z"),
        ]);
        assert_eq!(
            one(&results(&s), "install.single-controller").status,
            Status::Warn
        );
    }
}
