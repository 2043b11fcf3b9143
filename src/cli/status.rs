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
    let conn = cluster::connection(global).await?;
    let client = conn.client;
    let namespace = (!args.all_namespaces).then_some(conn.namespace.as_str());
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
    let scope = match namespace {
        Some(ns) => format!("namespace {ns}"),
        None => "all namespaces".to_string(),
    };
    if let Some(format) = format {
        let doc = status::document(&scope, &executors.items, &performers.items, &pods);
        return crate::output::print(&match format {
            OutputFormat::Json => crate::output::json(&doc)?,
            _ => crate::output::yaml(&doc)?,
        });
    }
    let colour = std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none();
    let text = status::render(
        &scope,
        &executors.items,
        &performers.items,
        &pods,
        namespace.is_none(),
        colour,
        Timestamp::now(),
    );
    crate::output::print(&text)
}
