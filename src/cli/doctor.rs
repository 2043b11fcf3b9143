//! `hgctl doctor`: gather a snapshot (bounded), run the pure checks, print.
//! Exit 0 when nothing failed, 1 on failures (or warnings with
//! `--fail-on warning`), 2 on usage errors, 3 when the cluster is unreachable.

use std::io::IsTerminal;
use std::time::{Duration, Instant};

use k8s_openapi::jiff::Timestamp;

use crate::cli::args::{DoctorArgs, FailOn, GlobalArgs, OutputFormat};
use crate::cluster;
use crate::doctor::{self, RunOptions, Snapshot, gather, report};
use crate::error::{Error, Result};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Format {
    Table,
    Short,
    Json,
}

fn validate(global: &GlobalArgs, args: &DoctorArgs) -> Result<Format> {
    let format = match global.output {
        None | Some(OutputFormat::Table) => Format::Table,
        Some(OutputFormat::Short) => Format::Short,
        Some(OutputFormat::Json) => Format::Json,
        Some(other) => {
            return Err(Error::flag(
                "--output",
                format!(
                    "doctor prints table, short or json, not `{}`",
                    other.as_str()
                ),
                "-o short lists only the problems; -o json prints one JSON document",
            ));
        }
    };
    for id in &args.skip {
        if doctor::check(id).is_none() {
            let known: Vec<&str> = doctor::CHECKS.iter().map(|c| c.id).collect();
            return Err(Error::flag(
                "--skip",
                format!("{id:?} is not a check ID"),
                format!("known IDs: {}", known.join(", ")),
            ));
        }
    }
    if args.all_namespaces && global.namespace.is_some() {
        return Err(Error::usage(
            "-A/--all-namespaces and -n/--namespace exclude each other",
            "use -A for every namespace or -n NS for one",
        ));
    }
    if args.pre && args.probe {
        return Err(Error::usage(
            "--probe calls the Performers of an installation; --pre checks a cluster before install",
            "drop one of them",
        ));
    }
    crate::cli::probe::placement(args)?;
    if args.pre && !args.names.is_empty() {
        return Err(Error::usage(
            "--pre checks a cluster before install and takes no object names",
            "drop the names, or drop --pre to check those objects",
        ));
    }
    Ok(format)
}

/// Pause between two runs of `doctor --wait`.
const WAIT_INTERVAL: Duration = Duration::from_secs(2);

/// Runs `hgctl doctor`; with `--wait`, again until nothing fails or the time is up, and
/// prints only the last run (whose outcome is the exit code).
pub async fn run(global: &GlobalArgs, args: &DoctorArgs) -> Result<()> {
    let format = validate(global, args)?;
    let deadline = args.wait.map(|w| Instant::now() + w);
    let bar = crate::cli::create::spinner("doctor: checking".into());
    loop {
        let (text, outcome) = once(global, args, format).await;
        let again = matches!(outcome, Err(Error::Failed(_) | Error::Unreachable { .. }))
            && deadline.is_some_and(|d| Instant::now() + WAIT_INTERVAL < d);
        if !again {
            bar.finish_and_clear();
            crate::output::print(&text)?;
            return outcome;
        }
        if let Err(e) = &outcome {
            let line = format!("doctor --wait: {e}; checking again");
            if bar.is_hidden() {
                // A CI log shows each retry; a terminal shows one spinner line.
                eprintln!("{line}");
            }
            bar.set_message(line);
        }
        tokio::time::sleep(WAIT_INTERVAL).await;
    }
}

/// One run: the report's text and the outcome.
async fn once(global: &GlobalArgs, args: &DoctorArgs, format: Format) -> (String, Result<()>) {
    let now = Timestamp::now();
    let (snapshot, cluster_error) = match cluster::connection(global).await {
        Ok(conn) => {
            let scope = gather::Scope {
                namespace: (!args.all_namespaces).then(|| conn.namespace.clone()),
                names: args.names.clone(),
                pre: args.pre,
            };
            let mut snapshot = gather::gather(&conn, &scope, now).await;
            if args.probe && snapshot.cluster.is_ok() {
                // Validated before: the flags parse.
                let placement = crate::cli::probe::placement(args).unwrap_or_default();
                snapshot.probes = crate::cli::probe::in_cluster(
                    &conn,
                    &snapshot,
                    args.probe_image.as_deref(),
                    &placement,
                )
                .await;
            }
            let err = snapshot
                .cluster
                .as_ref()
                .err()
                .map(|m| Error::Unreachable { message: m.clone() });
            (snapshot, err)
        }
        Err(e) => {
            let mut snapshot = Snapshot::empty(now);
            snapshot.cluster = Err(e.to_string());
            (snapshot, Some(e))
        }
    };
    if cluster_error.is_none()
        && let Err(e) = unknown_names(&snapshot)
    {
        return (String::new(), Err(e));
    }
    let results = doctor::run(
        &snapshot,
        &RunOptions {
            pre: args.pre,
            probe: args.probe,
            skip: args.skip.clone(),
        },
    );
    let terminal = std::io::stdout().is_terminal();
    let colours = terminal && std::env::var_os("NO_COLOR").is_none();
    let text = match format {
        Format::Table => report::table(&results, terminal, colours),
        Format::Short => report::short(&results, terminal, colours),
        Format::Json => match crate::output::json(&report::json(&results)) {
            Ok(t) => t,
            Err(e) => return (String::new(), Err(e)),
        },
    };
    if let Some(err) = cluster_error {
        return (text, Err(err));
    }
    if doctor::failed(&results, args.fail_on == FailOn::Warning) {
        let s = report::summary(&results);
        return (
            text,
            Err(Error::Failed(format!(
                "doctor found {} failed check(s) and {} warning(s)",
                s.fail, s.warn
            ))),
        );
    }
    (text, Ok(()))
}

/// `NAME...` that is neither a Performer nor an executor in scope.
fn unknown_names(s: &Snapshot) -> Result<()> {
    let (Ok(performers), Ok(executors)) = (&s.performers, &s.executors) else {
        return Ok(());
    };
    for name in &s.names {
        let known = performers
            .iter()
            .map(|p| &p.metadata)
            .chain(executors.iter().map(|e| &e.metadata))
            .any(|m| m.name.as_deref() == Some(name.as_str()));
        if !known {
            return Err(Error::NotFound {
                kind: "Performer or HourglassExecutor".into(),
                name: name.clone(),
                namespace: s.namespace.clone().unwrap_or_else(|| "<all>".into()),
                help: Some(
                    "`hgctl get performers` and `hgctl get executors` list what exists".into(),
                ),
            });
        }
    }
    Ok(())
}
