//! `hgctl status`: the fleet on one screen, from three list calls.

use std::io::IsTerminal;

use k8s_openapi::jiff::Timestamp;
use kube::api::{Api, ListParams};

use crate::api::{HourglassExecutor, Performer};
use crate::cli::args::{GlobalArgs, OutputFormat, StatusArgs};
use crate::cli::get::performer_pods;
use crate::cluster;
use crate::error::{Error, Result};
use crate::output::status;

/// Runs `hgctl status`.
pub async fn run(global: &GlobalArgs, args: &StatusArgs) -> Result<()> {
    let format = match global.output {
        None | Some(OutputFormat::Table) => None,
        Some(f @ (OutputFormat::Json | OutputFormat::Yaml)) => Some(f),
        Some(other) => {
            return Err(Error::flag(
                "--output",
                format!(
                    "status prints a table, json or yaml, not `{}`",
                    other.as_str()
                ),
                "-o json or -o yaml print one document with every executor and performer",
            ));
        }
    };
    let colour = std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none();
    if let Some(contexts) = crate::fleet::contexts(global, &args.fleet)? {
        let members = crate::fleet::query(global, &contexts, args.fleet.context_timeout, |conn| {
            lists(conn, args.all_namespaces)
        })
        .await;
        let scope = if args.all_namespaces {
            format!("all namespaces of {} clusters", members.len())
        } else {
            format!("{} clusters", members.len())
        };
        let text = match format {
            Some(format) => {
                let doc = status::fleet_document(&scope, &members)?;
                match format {
                    OutputFormat::Json => crate::output::json(&doc)?,
                    _ => crate::output::yaml(&doc)?,
                }
            }
            None => status::render_fleet(
                &scope,
                &members,
                args.all_namespaces,
                colour,
                Timestamp::now(),
            ),
        };
        crate::output::print(&text)?;
        return crate::fleet::outcome(&members);
    }
    let conn = cluster::connection(global).await?;
    let scope = match args.all_namespaces {
        false => format!("namespace {}", conn.namespace),
        true => "all namespaces".to_string(),
    };
    let lists = lists(conn, args.all_namespaces).await?;
    if let Some(format) = format {
        let doc = status::document(&scope, &lists.executors, &lists.performers, &lists.pods);
        return crate::output::print(&match format {
            OutputFormat::Json => crate::output::json(&doc)?,
            _ => crate::output::yaml(&doc)?,
        });
    }
    let text = status::render(
        &scope,
        &lists.executors,
        &lists.performers,
        &lists.pods,
        args.all_namespaces,
        colour,
        Timestamp::now(),
    );
    crate::output::print(&text)
}

/// The three list calls of one cluster, at once.
async fn lists(conn: cluster::Connection, all_namespaces: bool) -> Result<status::Lists> {
    let client = conn.client;
    let namespace = (!all_namespaces).then_some(conn.namespace.as_str());
    let (executors, performers): (Api<HourglassExecutor>, Api<Performer>) = match namespace {
        Some(ns) => (
            Api::namespaced(client.clone(), ns),
            Api::namespaced(client.clone(), ns),
        ),
        None => (Api::all(client.clone()), Api::all(client.clone())),
    };
    let params = ListParams::default();
    let (executors, performers, pods) = tokio::try_join!(
        async {
            executors
                .list(&params)
                .await
                .map_err(|e| Error::kube("listing hourglassexecutors", e))
        },
        async {
            performers
                .list(&params)
                .await
                .map_err(|e| Error::kube("listing performers", e))
        },
        performer_pods(&client, namespace),
    )?;
    Ok(status::Lists {
        executors: executors.items,
        performers: performers.items,
        pods,
    })
}
