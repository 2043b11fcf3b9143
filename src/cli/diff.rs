//! `hgctl diff -f PATH...`: a server-side dry-run apply of every document, diffed against
//! the live object. Exit 0 when nothing differs, 1 when something does, more on errors
//! (`kubectl diff`'s contract).

use std::collections::BTreeSet;
use std::io::IsTerminal;

use kube::api::{DynamicObject, Patch, PatchParams};
use serde_json::Value;

use super::apply::{api, live_members, load, read_parent};
use super::args::{DiffArgs, GlobalArgs};
use crate::declarative::applyset;
use crate::declarative::diff::{colorize, normalize, redact_secret_pair, unified};
use crate::declarative::documents::Kind;
use crate::error::{Error, Result};
use crate::install::manifests::FIELD_MANAGER;
use crate::output;

/// `hgctl diff`.
pub async fn run(global: &GlobalArgs, args: &DiffArgs) -> Result<()> {
    compute(global, args).await.map_err(Error::diff_failed)
}

async fn compute(global: &GlobalArgs, args: &DiffArgs) -> Result<()> {
    let input = load(global, &args.filename).await?;
    let client = &input.client;
    let ns = input.namespace.as_str();
    let set_id = applyset::id(&args.applyset, ns);
    let mut pairs: Vec<(String, Option<Value>, Option<Value>)> = Vec::new();
    for d in &input.documents {
        let what = d.kind.display(&d.name);
        let api = api(client, ns, d.kind);
        let live = api
            .get_opt(&d.name)
            .await
            .map_err(|e| Error::kube(format!("reading {what}"), e))?;
        let mut object = d.object.clone();
        applyset::label_member(&mut object, &set_id);
        let merged: DynamicObject = api
            .patch(
                &d.name,
                &PatchParams::apply(FIELD_MANAGER).dry_run(),
                &Patch::Apply(&object),
            )
            .await
            .map_err(|e| Error::kube(format!("dry-run applying {what} ({})", d.origin), e))?;
        pairs.push((
            what,
            live.map(|l| to_value(&l, d.kind)),
            Some(to_value(&merged, d.kind)),
        ));
    }
    if args.prune {
        let state = read_parent(client, ns, &args.applyset).await?;
        let kinds: BTreeSet<Kind> = state
            .kinds
            .iter()
            .copied()
            .chain(input.documents.iter().map(|d| d.kind))
            .collect();
        let desired: BTreeSet<applyset::Member> = input
            .documents
            .iter()
            .map(|d| (d.kind, d.name.clone()))
            .collect();
        let live = live_members(client, ns, &set_id, &kinds).await?;
        for (kind, name) in applyset::prune_plan(&set_id, &live, &desired) {
            let what = kind.display(&name);
            let object = api(client, ns, kind)
                .get_opt(&name)
                .await
                .map_err(|e| Error::kube(format!("reading {what}"), e))?;
            if let Some(o) = object {
                pairs.push((what, Some(to_value(&o, kind)), None));
            }
        }
    }
    let mut text = String::new();
    let mut differing = 0usize;
    for (what, mut live, mut merged) in pairs {
        redact_secret_pair(live.as_mut(), merged.as_mut());
        let yaml = |v: &Option<Value>| -> Result<String> {
            match v {
                Some(v) => output::yaml(&normalize(v)),
                None => Ok(String::new()),
            }
        };
        let d = unified(
            &yaml(&live)?,
            &yaml(&merged)?,
            &format!("live/{what}"),
            &format!("merged/{what}"),
            3,
        );
        if !d.is_empty() {
            differing += 1;
            text.push_str(&d);
        }
    }
    let colour = std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none();
    output::print(&if colour { colorize(&text) } else { text })?;
    if differing > 0 {
        return Err(Error::Differences { count: differing });
    }
    Ok(())
}

fn to_value(object: &DynamicObject, kind: Kind) -> Value {
    let mut v = serde_json::to_value(object).unwrap_or(Value::Null);
    // A GET of a typed object omits apiVersion/kind in some paths; the diff shows them.
    let ar = kind.api_resource();
    if let Some(map) = v.as_object_mut() {
        map.insert("apiVersion".into(), Value::String(ar.api_version));
        map.insert("kind".into(), Value::String(ar.kind));
    }
    v
}
