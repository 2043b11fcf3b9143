//! `hgctl performer prune --orphans`: deletes the executor-written Performers an earlier
//! run of their executor left behind (the choice is `render::template::orphans`).

use k8s_openapi::jiff::Timestamp;
use kube::api::{Api, DeleteParams, ListParams, Preconditions};

use super::args::{GlobalArgs, PruneArgs};
use crate::api::{HourglassExecutor, Performer};
use crate::error::{Error, Result};
use crate::render::template;
use crate::{cluster, output};

/// Runs `hgctl performer prune --orphans`.
pub async fn orphans(global: &GlobalArgs, args: &PruneArgs) -> Result<()> {
    let conn = cluster::connection(global).await?;
    let ns = &conn.namespace;
    let api: Api<Performer> = Api::namespaced(conn.client.clone(), ns);
    let performers = api
        .list(&ListParams::default())
        .await
        .map_err(|e| Error::kube("listing performers", e))?
        .items;
    let executors = Api::<HourglassExecutor>::namespaced(conn.client.clone(), ns)
        .list(&ListParams::default())
        .await
        .map_err(|e| Error::kube("listing executors", e))?
        .items;
    let grace = i64::try_from(args.grace.as_secs()).unwrap_or(i64::MAX);
    let found = template::orphans(&performers, &executors, Timestamp::now(), grace);
    if found.is_empty() {
        return output::print(&format!("no orphaned Performers in namespace {ns}\n"));
    }
    if !args.dry_run && !args.yes {
        let names: Vec<&str> = found
            .iter()
            .filter_map(|o| o.performer.metadata.name.as_deref())
            .collect();
        return Err(Error::flag(
            "--yes",
            format!("prune would delete {}", names.join(", ")),
            "review with --dry-run, then run again with --yes",
        ));
    }
    let mut out = String::new();
    for o in &found {
        let name = o.performer.metadata.name.clone().unwrap_or_default();
        let why = format!("orphaned by executor {}, current {}", o.executor, o.current);
        if args.dry_run {
            out.push_str(&format!(
                "performer.hourglass.eigenlayer.io/{name} would be deleted ({why})\n"
            ));
            continue;
        }
        // Only the object that was judged: a new Performer of the same name stays.
        let params = DeleteParams {
            preconditions: Some(Preconditions {
                uid: o.performer.metadata.uid.clone(),
                resource_version: None,
            }),
            ..DeleteParams::background()
        };
        match api.delete(&name, &params).await {
            Ok(_) => out.push_str(&format!(
                "performer.hourglass.eigenlayer.io/{name} deleted ({why})\n"
            )),
            Err(kube::Error::Api(s)) if s.code == 404 || s.code == 409 => {}
            Err(e) => return Err(Error::kube(format!("deleting performer {name}"), e)),
        }
    }
    output::print(&out)
}
