use super::*;

/// Kubernetes minor versions hgctl supports (oldest) and was tested on (newest).
pub const MIN_MINOR: u32 = 30;
pub const TESTED_MINOR: u32 = 36;

pub(super) fn cluster_reachable(s: &Snapshot) -> Vec<Finding> {
    match &s.cluster {
        Ok(info) => vec![Finding::pass(
            None,
            format!(
                "API server {} answers (context {})",
                info.server,
                info.context.as_deref().unwrap_or("in-cluster")
            ),
        )],
        Err(msg) => vec![Finding::problem(
            None,
            msg.clone(),
            "check the context (`kubectl config current-context`) and that the cluster is up (`kubectl get --raw /version`); pass --kubeconfig/--context to use another",
        )],
    }
}

/// `v1.36.3` -> (1, 36).
pub fn parse_version(v: &str) -> Option<(u32, u32)> {
    let v = v.trim_start_matches('v');
    let mut parts = v.split('.');
    let major = parts.next()?.parse().ok()?;
    let minor: String = parts
        .next()?
        .chars()
        .take_while(char::is_ascii_digit)
        .collect();
    Some((major, minor.parse().ok()?))
}

pub(super) fn cluster_version(s: &Snapshot) -> Vec<Finding> {
    let version = s.cluster.as_ref().ok().and_then(|c| c.version.clone());
    let Some(v) = version else {
        return vec![Finding::skipped(
            None,
            "skipped: the server did not say its version",
        )];
    };
    match parse_version(&v) {
        Some((1, minor)) if (MIN_MINOR..=TESTED_MINOR).contains(&minor) => vec![Finding::pass(
            None,
            format!("Kubernetes {v} (supported: 1.{MIN_MINOR} to 1.{TESTED_MINOR})"),
        )],
        Some((1, minor)) if minor > TESTED_MINOR => vec![Finding::problem(
            None,
            format!("Kubernetes {v} is newer than hgctl was tested with (1.{TESTED_MINOR})"),
            "it probably works; report problems with `hgctl version --server` output",
        )],
        _ => vec![Finding::problem(
            None,
            format!("Kubernetes {v} is older than 1.{MIN_MINOR}, the oldest hgctl supports"),
            "upgrade the cluster; CRD validation rules (CEL) and selectable fields need 1.30+",
        )],
    }
}

pub(super) fn install_rights(s: &Snapshot) -> Vec<Finding> {
    match &s.rights {
        Err(m) => vec![Finding::skipped(None, format!("skipped: {}", m.reason()))],
        Ok(rights) => {
            let denied: Vec<String> = rights
                .iter()
                .filter(|(_, ok)| !ok)
                .map(|(r, _)| r.describe())
                .collect();
            if denied.is_empty() {
                vec![Finding::pass(
                    None,
                    format!(
                        "you may {}",
                        rights
                            .iter()
                            .map(|(r, _)| r.describe())
                            .collect::<Vec<_>>()
                            .join(", ")
                    ),
                )]
            } else {
                vec![Finding::problem(
                    None,
                    format!("you cannot {}", denied.join(", ")),
                    "ask a cluster admin to run `hgctl install`, or to grant these rights; `kubectl auth can-i create customresourcedefinitions` checks one",
                )]
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::fixtures::*;
    use super::*;

    #[test]
    fn unreachable_cluster_fails_fatally_and_skips_everything_else() {
        let mut s = snap();
        s.cluster = Err("cannot reach the API server https://10.0.0.1:6443: timed out".into());
        let r = results(&s);
        assert_eq!(one(&r, "cluster.reachable").status, Status::Fail);
        assert!(
            one(&r, "cluster.reachable")
                .hint
                .as_deref()
                .unwrap()
                .contains("kubectl config current-context")
        );
        for other in r.iter().filter(|x| x.id != "cluster.reachable") {
            assert_eq!(other.status, Status::Skipped, "{other:?}");
        }
    }

    #[test]
    fn forbidden_nodes_are_skipped_with_the_missing_permission() {
        let mut s = snap();
        s.nodes = Err(Missing::Forbidden("list nodes".into()));
        s.performers = Ok(vec![performer(
            "gpu",
            with(
                base_spec(),
                json!({"hardwareRequirements": {"gpuType": "a100"}}),
            ),
        )]);
        let r = results(&s);
        assert_eq!(
            one(&r, "hardware.gpu-nodes").message,
            "skipped: no permission to list nodes"
        );
        let model = one(&r, "hardware.gpu-model");
        assert_eq!(model.status, Status::Skipped);
        assert_eq!(model.object.as_deref(), Some("performer/ns/gpu"));
    }

    #[test]
    fn version_range() {
        assert_eq!(parse_version("v1.36.3"), Some((1, 36)));
        assert_eq!(parse_version("v1.31.0-gke.1"), Some((1, 31)));
        let mut s = snap();
        s.cluster.as_mut().unwrap().version = Some("v1.27.4".into());
        assert_eq!(one(&results(&s), "cluster.version").status, Status::Warn);
    }

    #[test]
    fn pre_checks_install_rights_only_in_pre_mode() {
        let mut s = snap();
        s.rights = Ok(vec![
            (
                Right {
                    verb: "create".into(),
                    group: "apiextensions.k8s.io".into(),
                    resource: "customresourcedefinitions".into(),
                    namespace: None,
                },
                false,
            ),
            (
                Right {
                    verb: "create".into(),
                    group: "".into(),
                    resource: "namespaces".into(),
                    namespace: None,
                },
                true,
            ),
        ]);
        let pre = doctor::run(
            &s,
            &RunOptions {
                pre: true,
                ..Default::default()
            },
        );
        let rights = one(&pre, "cluster.install-rights");
        assert_eq!(rights.status, Status::Fail);
        assert_eq!(
            rights.message,
            "you cannot create customresourcedefinitions.apiextensions.k8s.io"
        );
        assert!(
            only(&pre, "install.crds").is_empty(),
            "--pre does not check the installation"
        );
        assert!(only(&results(&s), "cluster.install-rights").is_empty());
    }
}
