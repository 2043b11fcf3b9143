//! Several clusters at once (`--context` more than once, `--all-contexts`): which
//! contexts, each queried concurrently under its own deadline, and what became of
//! each. One unreachable or forbidden cluster is a member saying so; it never fails
//! or delays the others beyond the deadline.

use std::future::Future;
use std::time::Duration;

use serde::Serialize;

use crate::cli::args::{FleetArgs, GlobalArgs};
use crate::cluster::{self, Connection, Target};
use crate::error::{Error, ExitCode, Result};

/// Why a cluster has no answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum FailureState {
    /// No connection, no answer within the deadline, or credentials refused.
    Unreachable,
    /// Reached, but RBAC said no.
    Forbidden,
    /// Reached and answered with an error (a CRD missing, say).
    Error,
}

impl FailureState {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Unreachable => "unreachable",
            Self::Forbidden => "forbidden",
            Self::Error => "error",
        }
    }
}

/// What went wrong with one cluster, one line.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Failure {
    pub state: FailureState,
    pub message: String,
}

impl Failure {
    pub fn of(err: &Error) -> Self {
        let state = match err.exit_code() {
            ExitCode::Cluster => FailureState::Unreachable,
            ExitCode::Forbidden => FailureState::Forbidden,
            _ => FailureState::Error,
        };
        Self {
            state,
            message: err.to_string(),
        }
    }

    pub fn timed_out(after: Duration) -> Self {
        Self {
            state: FailureState::Unreachable,
            message: format!(
                "no answer within {}s (--context-timeout)",
                after.as_secs_f64()
            ),
        }
    }
}

/// One cluster of the fleet and what it answered.
#[derive(Debug)]
pub struct Member<T> {
    pub context: String,
    /// The API server URL, when the kubeconfig context could be read.
    pub server: Option<String>,
    pub outcome: std::result::Result<T, Failure>,
}

impl<T> Member<T> {
    pub fn failure(&self) -> Option<&Failure> {
        self.outcome.as_ref().err()
    }
}

/// The contexts to query together, or None for the usual single cluster.
pub fn contexts(global: &GlobalArgs, fleet: &FleetArgs) -> Result<Option<Vec<String>>> {
    if fleet.all_contexts {
        if !global.context.is_empty() {
            return Err(Error::conflict(
                "--all-contexts",
                "--context",
                "--all-contexts already takes every context",
                "drop --context, or drop --all-contexts and name the contexts",
            ));
        }
        return cluster::context_names(global.kubeconfig.as_deref()).map(Some);
    }
    if global.context.len() < 2 {
        return Ok(None);
    }
    let mut names = Vec::new();
    for name in &global.context {
        if !names.contains(name) {
            names.push(name.clone());
        }
    }
    Ok(Some(names))
}

/// Refuses a second `--context` for commands that talk to one cluster.
pub fn one_context_only(global: &GlobalArgs) -> Result<()> {
    if global.context.len() > 1 {
        return Err(Error::flag(
            "--context",
            format!(
                "this command talks to one cluster, and --context was given {} times",
                global.context.len()
            ),
            "only get, status and doctor take several contexts; run the command once per context",
        ));
    }
    Ok(())
}

/// Runs `query` against every context at once, each under `timeout` (connecting
/// included), and returns the members in the order of `contexts`.
pub async fn query<T, F, Fut>(
    global: &GlobalArgs,
    contexts: &[String],
    timeout: Duration,
    query: F,
) -> Vec<Member<T>>
where
    F: Fn(Connection) -> Fut,
    Fut: Future<Output = Result<T>>,
{
    let one = |context: String| {
        let target = Target {
            kubeconfig: global.kubeconfig.clone(),
            context: Some(context.clone()),
            namespace: global.namespace.clone(),
        };
        let query = &query;
        async move {
            let conn = match cluster::connection(target).await {
                Ok(conn) => conn,
                Err(e) => {
                    return Member {
                        context,
                        server: None,
                        outcome: Err(Failure::of(&e)),
                    };
                }
            };
            let server = Some(conn.server.clone());
            let outcome = match tokio::time::timeout(timeout, query(conn)).await {
                Ok(Ok(value)) => Ok(value),
                Ok(Err(e)) => Err(Failure::of(&e)),
                Err(_) => Err(Failure::timed_out(timeout)),
            };
            Member {
                context,
                server,
                outcome,
            }
        }
    };
    futures::future::join_all(contexts.iter().cloned().map(one)).await
}

/// `1 cluster unreachable, 1 forbidden`, or empty when every cluster answered.
pub fn failures_summary<T>(members: &[Member<T>]) -> String {
    let mut parts = Vec::new();
    for state in [
        FailureState::Unreachable,
        FailureState::Forbidden,
        FailureState::Error,
    ] {
        let n = members
            .iter()
            .filter(|m| m.failure().is_some_and(|f| f.state == state))
            .count();
        if n > 0 {
            let noun = if parts.is_empty() {
                if n == 1 { " cluster" } else { " clusters" }
            } else {
                ""
            };
            parts.push(format!("{n}{noun} {}", state.as_str()));
        }
    }
    parts.join(", ")
}

/// The exit of a fleet command: exit 3 when any cluster could not be read (after
/// everything was printed), else `Ok`.
pub fn outcome<T>(members: &[Member<T>]) -> Result<()> {
    let failed: Vec<String> = members
        .iter()
        .filter_map(|m| {
            m.failure()
                .map(|f| format!("{} ({})", m.context, f.state.as_str()))
        })
        .collect();
    if failed.is_empty() {
        return Ok(());
    }
    Err(Error::FleetIncomplete {
        message: format!(
            "{} of {} clusters could not be read: {}",
            failed.len(),
            members.len(),
            failed.join(", ")
        ),
    })
}

/// The per-context JSON section of a member: `{context, server, ...value}` or the failure.
pub fn section<T: Serialize>(member: &Member<T>) -> Result<serde_json::Value> {
    let mut doc = serde_json::json!({
        "context": member.context,
        "server": member.server,
    });
    match &member.outcome {
        Ok(value) => {
            doc["state"] = "ok".into();
            let value = serde_json::to_value(value)
                .map_err(|e| Error::Internal(format!("serializing: {e}")))?;
            if let (Some(doc), serde_json::Value::Object(fields)) = (doc.as_object_mut(), value) {
                doc.extend(fields);
            }
        }
        Err(failure) => {
            doc["state"] = failure.state.as_str().into();
            doc["error"] = failure.message.clone().into();
        }
    }
    Ok(doc)
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    pub fn member<T>(context: &str, outcome: std::result::Result<T, Failure>) -> Member<T> {
        Member {
            context: context.into(),
            server: Some(format!("https://{context}.example:6443/")),
            outcome,
        }
    }

    pub fn unreachable() -> Failure {
        Failure::of(&Error::Unreachable {
            message: "listing performers: connection refused".into(),
        })
    }

    #[test]
    fn failures_are_classified_by_what_the_cluster_said() {
        assert_eq!(unreachable().state, FailureState::Unreachable);
        let forbidden = Error::Forbidden {
            message: "listing performers: forbidden".into(),
            help: None,
        };
        assert_eq!(Failure::of(&forbidden).state, FailureState::Forbidden);
        let missing = Error::Api {
            context: "listing performers".into(),
            message: "the server could not find the requested resource".into(),
            help: None,
        };
        assert_eq!(Failure::of(&missing).state, FailureState::Error);
        let late = Failure::timed_out(Duration::from_secs(5));
        assert_eq!(late.state, FailureState::Unreachable);
        assert!(late.message.contains("5s"), "{}", late.message);
    }

    #[test]
    fn the_summary_and_exit_name_the_failed_clusters() {
        let forbidden = Failure {
            state: FailureState::Forbidden,
            message: "no".into(),
        };
        let members = vec![
            member("a", Ok(())),
            member("b", Err(unreachable())),
            member("c", Err(forbidden)),
            member("d", Err(unreachable())),
        ];
        assert_eq!(
            failures_summary(&members),
            "2 clusters unreachable, 1 forbidden"
        );
        let err = outcome(&members).unwrap_err();
        assert_eq!(err.exit_code(), ExitCode::Cluster);
        assert_eq!(
            err.to_string().lines().next().unwrap_or_default(),
            "3 of 4 clusters could not be read: b (unreachable), c (forbidden), d (unreachable)"
        );
        let fine = vec![member("a", Ok(()))];
        assert_eq!(failures_summary(&fine), "");
        assert!(outcome(&fine).is_ok());
        assert_eq!(failures_summary(&members[1..2]), "1 cluster unreachable");
    }

    #[test]
    fn sections_carry_the_value_or_the_failure() {
        let ok = section(&member("a", Ok(serde_json::json!({"items": [1]})))).unwrap();
        assert_eq!(ok["context"], "a");
        assert_eq!(ok["state"], "ok");
        assert_eq!(ok["items"][0], 1);
        let bad = section(&member::<()>("b", Err(unreachable()))).unwrap();
        assert_eq!(bad["state"], "unreachable");
        assert!(
            bad["error"]
                .as_str()
                .unwrap()
                .contains("connection refused")
        );
        assert!(bad.get("items").is_none());
    }

    fn global(contexts: &[&str]) -> GlobalArgs {
        use clap::Parser;
        let mut args = vec!["hgctl".to_string()];
        for c in contexts {
            args.push(format!("--context={c}"));
        }
        args.push("status".into());
        crate::cli::Cli::parse_from(args).global
    }

    #[test]
    fn several_contexts_make_a_fleet_and_one_does_not() {
        let fleet = FleetArgs {
            all_contexts: false,
            context_timeout: Duration::from_secs(10),
        };
        assert_eq!(contexts(&global(&[]), &fleet).unwrap(), None);
        assert_eq!(contexts(&global(&["a"]), &fleet).unwrap(), None);
        assert_eq!(
            contexts(&global(&["a", "b", "a"]), &fleet).unwrap(),
            Some(vec!["a".to_string(), "b".to_string()])
        );
        let all = FleetArgs {
            all_contexts: true,
            ..fleet
        };
        let err = contexts(&global(&["a"]), &all).unwrap_err();
        assert_eq!(err.exit_code(), ExitCode::Usage);
        assert!(one_context_only(&global(&["a"])).is_ok());
        let err = one_context_only(&global(&["a", "b"])).unwrap_err();
        assert_eq!(err.exit_code(), ExitCode::Usage);
    }
}
