//! `hgctl doctor`: gather a snapshot (bounded), run the pure checks, print.
//! Exit 0 when nothing failed, 1 on failures (or warnings with
//! `--fail-on warning`), 2 on usage errors, 3 when the cluster is unreachable.

use std::io::IsTerminal;
use std::time::{Duration, Instant};

use k8s_openapi::jiff::Timestamp;

use crate::cli::args::{DoctorArgs, FailOn, GlobalArgs, OutputFormat};
use crate::cluster;
use crate::doctor::{self, CheckResult, RunOptions, Snapshot, gather, report};
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
    let contexts = crate::fleet::contexts(global, &args.fleet)?;
    let deadline = args.wait.map(|w| Instant::now() + w);
    let bar = crate::cli::create::spinner("doctor: checking".into());
    loop {
        let (text, outcome) = match &contexts {
            Some(contexts) => fleet(global, args, format, contexts).await,
            None => once(global, args, format).await,
        };
        let again = matches!(
            outcome,
            Err(Error::Failed(_) | Error::Unreachable { .. } | Error::FleetIncomplete { .. })
        ) && deadline.is_some_and(|d| Instant::now() + WAIT_INTERVAL < d);
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
    let (results, cluster_error) = match check(cluster::connection(global).await, args).await {
        Ok(checked) => checked,
        Err(e) => return (String::new(), Err(e)),
    };
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
    (text, failed(&results, args))
}

/// Several contexts checked at once: a section per cluster (one line for a cluster that
/// gave no answer) and a fleet line; exit 3 when a cluster gave no answer, else 1 when a
/// check failed anywhere.
async fn fleet(
    global: &GlobalArgs,
    args: &DoctorArgs,
    format: Format,
    contexts: &[String],
) -> (String, Result<()>) {
    // The probe pods start and run on top of the checks' own deadline.
    let timeout = args.fleet.context_timeout
        + if args.probe {
            crate::cli::probe::POD_WAIT
        } else {
            Duration::ZERO
        };
    let members = crate::fleet::query(global, contexts, timeout, |conn| async move {
        match check(Ok(conn), args).await? {
            (_, Some(err)) => Err(err),
            (results, None) => Ok(results),
        }
    })
    .await;
    let terminal = std::io::stdout().is_terminal();
    let colours = terminal && std::env::var_os("NO_COLOR").is_none();
    let text = match format {
        Format::Table => report::fleet_table(&members, terminal, colours),
        Format::Short => report::fleet_short(&members, terminal, colours),
        Format::Json => match report::fleet_json(&members).and_then(|d| crate::output::json(&d)) {
            Ok(t) => t,
            Err(e) => return (String::new(), Err(e)),
        },
    };
    let outcome = crate::fleet::outcome(&members).and_then(|()| {
        let all: Vec<CheckResult> = members
            .iter()
            .filter_map(|m| m.outcome.as_ref().ok())
            .flatten()
            .cloned()
            .collect();
        failed(&all, args)
    });
    (text, outcome)
}

/// The `Failed` outcome when a check failed (or warned, with `--fail-on warning`).
fn failed(results: &[CheckResult], args: &DoctorArgs) -> Result<()> {
    if doctor::failed(results, args.fail_on == FailOn::Warning) {
        let s = report::summary(results);
        return Err(Error::Failed(format!(
            "doctor found {} failed check(s) and {} warning(s)",
            s.fail, s.warn
        )));
    }
    Ok(())
}

/// One cluster's checks, and the error that makes the run fail whatever the checks say
/// (the cluster could not be reached). `Err` for a NAME that does not exist.
async fn check(
    connection: Result<cluster::Connection>,
    args: &DoctorArgs,
) -> Result<(Vec<CheckResult>, Option<Error>)> {
    let now = Timestamp::now();
    let (snapshot, cluster_error) = match connection {
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
    if cluster_error.is_none() {
        unknown_names(&snapshot)?;
    }
    let results = doctor::run(
        &snapshot,
        &RunOptions {
            pre: args.pre,
            probe: args.probe,
            skip: args.skip.clone(),
        },
    );
    Ok((results, cluster_error))
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
