//! `hgctl apply -f PATH...`: validate every document, then server-side apply them as one
//! ApplySet (KEP-3659) and, with `--prune`, delete the set's members the input no longer
//! has. The decisions are in [`crate::declarative`]; this is the I/O around them.

use std::collections::{BTreeMap, BTreeSet};
use std::time::{Duration, Instant};

use k8s_openapi::api::core::v1::Secret;
use kube::api::{Api, DeleteParams, DynamicObject, ListParams, Patch, PatchParams};
use kube::{Client, ResourceExt};
use serde_json::Value;

use super::args::{ApplyFolderArgs, DryRun, GlobalArgs};
use super::create::{apply_as, spinner};
use crate::api::{HourglassExecutor, Performer};
use crate::declarative::applyset::{self, ParentState};
use crate::declarative::documents::{self, Document, Kind};
use crate::declarative::readiness::{self, Readiness};
use crate::error::{Error, Result};
use crate::install::manifests::FIELD_MANAGER;
use crate::{cluster, output};

/// The validated input, in apply order, every document in `namespace`.
pub(crate) struct Input {
    pub namespace: String,
    pub documents: Vec<Document>,
    pub client: Client,
}

/// Reads and validates every document (all diagnostics are printed; the last is returned),
/// then resolves the namespace. Nothing is sent to the cluster before this succeeds.
pub(crate) async fn load(global: &GlobalArgs, paths: &[String]) -> Result<Input> {
    let sources = documents::read_paths(paths)?;
    let mut docs = match documents::load(&sources, global.namespace.as_deref()) {
        Ok(docs) => docs,
        Err(mut errors) => {
            let last = errors
                .pop()
                .unwrap_or_else(|| Error::Internal("no error".into()));
            for e in errors {
                eprintln!("{:?}", miette::Report::new(e));
            }
            return Err(last);
        }
    };
    if docs.is_empty() {
        return Err(Error::usage(
            format!("no documents in {}", paths.join(", ")),
            "point -f at .yaml/.yml/.json files or folders holding them",
        ));
    }
    let conn = cluster::connection(global).await?;
    let namespace = global.namespace.clone().unwrap_or(conn.namespace);
    for d in &mut docs {
        match &d.namespace {
            Some(n) if *n != namespace => {
                return Err(Error::usage(
                    format!(
                        "{} ({}) is in namespace {n}, but this apply set is in {namespace}",
                        d.kind.display(&d.name),
                        d.origin
                    ),
                    format!("pass -n {n}, or keep one namespace per folder"),
                ));
            }
            Some(_) => {}
            None => {
                d.namespace = Some(namespace.clone());
                if let Some(meta) = d.object.get_mut("metadata").and_then(Value::as_object_mut) {
                    meta.insert("namespace".into(), Value::String(namespace.clone()));
                }
            }
        }
    }
    documents::order(&mut docs);
    Ok(Input {
        namespace,
        documents: docs,
        client: conn.client,
    })
}

pub(crate) fn api(client: &Client, namespace: &str, kind: Kind) -> Api<DynamicObject> {
    Api::namespaced_with(client.clone(), namespace, &kind.api_resource())
}

/// The existing parent's state, an empty state when there is none, or a refusal.
pub(crate) async fn read_parent(
    client: &Client,
    namespace: &str,
    parent: &str,
) -> Result<ParentState> {
    let secrets: Api<Secret> = Api::namespaced(client.clone(), namespace);
    // Metadata only: the parent holds no data, and hgctl never reads Secret data it does not need.
    let meta = secrets
        .get_metadata_opt(parent)
        .await
        .map_err(|e| Error::kube(format!("reading the apply set parent Secret {parent}"), e))?;
    let Some(meta) = meta else {
        return Ok(ParentState::default());
    };
    applyset::read_parent(parent, namespace, meta.labels(), meta.annotations()).map_err(|why| {
        Error::Refused {
            message: why,
            help: Some("choose another set with --applyset NAME".into()),
        }
    })
}

/// Live members of the set, by kind, with their labels.
pub(crate) async fn live_members(
    client: &Client,
    namespace: &str,
    set_id: &str,
    kinds: &BTreeSet<Kind>,
) -> Result<Vec<(Kind, String, BTreeMap<String, String>)>> {
    let mut live = Vec::new();
    for kind in kinds {
        let list = api(client, namespace, *kind)
            .list_metadata(
                &ListParams::default().labels(&format!("{}={set_id}", applyset::LABEL_PART_OF)),
            )
            .await
            .map_err(|e| Error::kube(format!("listing {kind:?} members of the apply set"), e))?;
        for o in list.items {
            live.push((*kind, o.name_any(), o.labels().clone()));
        }
    }
    Ok(live)
}

async fn write_parent(
    client: &Client,
    namespace: &str,
    parent: &str,
    kinds: &BTreeSet<Kind>,
) -> Result<()> {
    let secrets: Api<Secret> = Api::namespaced(client.clone(), namespace);
    // Forced: the parent is bookkeeping that kubectl may also have written.
    secrets
        .patch(
            parent,
            &PatchParams::apply(FIELD_MANAGER).force(),
            &Patch::Apply(applyset::parent(parent, namespace, kinds)),
        )
        .await
        .map_err(|e| Error::kube(format!("writing the apply set parent Secret {parent}"), e))?;
    Ok(())
}

/// `hgctl apply`.
pub async fn run(global: &GlobalArgs, args: &ApplyFolderArgs) -> Result<()> {
    let input = load(global, &args.filename).await?;
    let Input {
        namespace,
        documents,
        client,
    } = input;
    let parent = args.applyset.as_str();
    let set_id = applyset::id(parent, &namespace);
    let state = read_parent(&client, &namespace, parent).await?;
    let kinds_now: BTreeSet<Kind> = documents.iter().map(|d| d.kind).collect();
    if args.prune && !state.unknown.is_empty() {
        return Err(Error::Refused {
            message: format!(
                "the apply set {parent} also holds {}, which hgctl does not prune",
                state.unknown.join(", ")
            ),
            help: Some(
                "prune this set with `kubectl apply --prune --applyset`, or apply without --prune"
                    .into(),
            ),
        });
    }
    let all_kinds: BTreeSet<Kind> = state.kinds.union(&kinds_now).copied().collect();
    let suffix = match args.dry_run {
        DryRun::None => "",
        DryRun::Client => " (dry run)",
        DryRun::Server => " (server dry run)",
    };
    if args.dry_run == DryRun::None {
        // First the union, so an apply that stops half-way still lists every member kind.
        write_parent(&client, &namespace, parent, &all_kinds).await?;
    }
    for d in &documents {
        let mut object = d.object.clone();
        applyset::label_member(&mut object, &set_id);
        let what = d.kind.display(&d.name);
        let api = api(&client, &namespace, d.kind);
        let verb = match args.dry_run {
            DryRun::Client => match api
                .get_metadata_opt(&d.name)
                .await
                .map_err(|e| Error::kube(format!("reading {what}"), e))?
            {
                None => "created",
                Some(_) => "configured",
            },
            DryRun::Server => apply_as(&api, &d.name, &what, &object, true).await?,
            DryRun::None => apply_as(&api, &d.name, &what, &object, false).await?,
        };
        output::print(&format!("{what} {verb}{suffix}\n"))?;
    }
    if args.prune {
        let desired: BTreeSet<applyset::Member> =
            documents.iter().map(|d| (d.kind, d.name.clone())).collect();
        let live = live_members(&client, &namespace, &set_id, &all_kinds).await?;
        for (kind, name) in applyset::prune_plan(&set_id, &live, &desired) {
            let what = kind.display(&name);
            if args.dry_run != DryRun::Client {
                let params = DeleteParams {
                    dry_run: args.dry_run == DryRun::Server,
                    ..DeleteParams::background()
                };
                match api(&client, &namespace, kind).delete(&name, &params).await {
                    Ok(_) => {}
                    Err(kube::Error::Api(s)) if s.code == 404 => {}
                    Err(e) => return Err(Error::kube(format!("pruning {what}"), e)),
                }
            }
            output::print(&format!("{what} pruned{suffix}\n"))?;
        }
        if args.dry_run == DryRun::None {
            write_parent(&client, &namespace, parent, &kinds_now).await?;
        }
    }
    if args.wait && args.dry_run == DryRun::None {
        let targets: Vec<(Kind, String)> = documents
            .iter()
            .filter(|d| matches!(d.kind, Kind::Performer | Kind::HourglassExecutor))
            .map(|d| (d.kind, d.name.clone()))
            .collect();
        wait_ready(&client, &namespace, &targets, args.timeout).await?;
    }
    Ok(())
}

/// Polls until every target is ready, showing one line of progress; fails fast when one
/// is stuck (unschedulable, failed) with the status's reason.
pub(crate) async fn wait_ready(
    client: &Client,
    namespace: &str,
    targets: &[(Kind, String)],
    timeout: Duration,
) -> Result<()> {
    let deadline = Instant::now() + timeout;
    let bar = spinner(format!("waiting for {} objects to be ready", targets.len()));
    let performers: Api<Performer> = Api::namespaced(client.clone(), namespace);
    let executors: Api<HourglassExecutor> = Api::namespaced(client.clone(), namespace);
    let outcome = loop {
        let mut states = Vec::with_capacity(targets.len());
        for (kind, name) in targets {
            let what = kind.display(name);
            let state = match kind {
                Kind::Performer => performers
                    .get_opt(name)
                    .await
                    .map_err(|e| Error::kube(format!("reading {what}"), e))?
                    .map(|p| readiness::performer(&p)),
                _ => executors
                    .get_opt(name)
                    .await
                    .map_err(|e| Error::kube(format!("reading {what}"), e))?
                    .map(|e| readiness::executor(&e)),
            };
            let state = state.unwrap_or(Readiness::Stuck("it does not exist".into()));
            states.push((what, state));
        }
        if let Some((what, Readiness::Stuck(why))) = states
            .iter()
            .find(|(_, s)| matches!(s, Readiness::Stuck(_)))
        {
            break Err(Error::Failed(format!(
                "{what} cannot become ready: {why} (`hgctl doctor {}` says more)",
                what.rsplit('/').next().unwrap_or_default()
            )));
        }
        let line = readiness::progress(&states);
        if states.iter().all(|(_, s)| *s == Readiness::Ready) {
            break Ok(());
        }
        if Instant::now() >= deadline {
            break Err(Error::Timeout {
                what: format!("{} objects to be ready ({line})", targets.len()),
                seconds: timeout.as_secs(),
                help: Some(
                    "raise --timeout, or see why with `hgctl status` and `hgctl doctor`".into(),
                ),
            });
        }
        bar.set_message(line);
        tokio::time::sleep(
            Duration::from_secs(1).min(deadline.saturating_duration_since(Instant::now())),
        )
        .await;
    };
    bar.finish_and_clear();
    outcome
}
