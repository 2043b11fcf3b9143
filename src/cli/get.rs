//! `hgctl get performers|executors` and `hgctl performer|executor get`.

use std::fmt::Debug;

use futures::{StreamExt, TryStreamExt};
use k8s_openapi::api::core::v1::Pod;
use k8s_openapi::jiff::Timestamp;
use kube::api::{Api, ListParams};
use kube::runtime::watcher;
use kube::{Client, Resource};
use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::api::{HourglassExecutor, Performer};
use crate::cli::args::{GlobalArgs, KindGetArgs, OutputFormat, ResourceKind};
use crate::cluster;
use crate::error::{Error, Result};
use crate::output::get::{self as render, PodIndex, performer_pod_selector};
use crate::output::table::{self, TableOptions};

/// Runs `get` for one kind.
pub async fn run(global: &GlobalArgs, kind: ResourceKind, args: &KindGetArgs) -> Result<()> {
    let format = global.output.unwrap_or(OutputFormat::Table);
    if format == OutputFormat::Short {
        return Err(Error::flag(
            "--output",
            "`short` is not an output format of get",
            "use one of: table, wide, json, yaml, name",
        ));
    }
    if args.all_namespaces && args.name.is_some() {
        return Err(Error::usage(
            "a resource cannot be retrieved by name across all namespaces",
            "drop -A and pass the namespace with -n NS",
        ));
    }
    if let Some(contexts) = crate::fleet::contexts(global, &args.fleet)? {
        return fleet(global, kind, args, format, &contexts).await;
    }
    let conn = cluster::connection(global).await?;
    let namespace = (!args.all_namespaces).then_some(conn.namespace.as_str());
    match kind {
        ResourceKind::Performers => {
            get::<Performer>(&conn.client, kind, namespace, args, format).await
        }
        ResourceKind::Executors => {
            get::<HourglassExecutor>(&conn.client, kind, namespace, args, format).await
        }
    }
}

/// `get` over several contexts: every cluster listed at once, one table with a CONTEXT
/// column (or one document); exit 3 when a cluster gave no answer.
async fn fleet(
    global: &GlobalArgs,
    kind: ResourceKind,
    args: &KindGetArgs,
    format: OutputFormat,
    contexts: &[String],
) -> Result<()> {
    if args.watch {
        return Err(Error::usage(
            "--watch follows one cluster",
            "pick one with --context NAME, or drop --watch",
        ));
    }
    if format == OutputFormat::Name {
        return Err(Error::flag(
            "--output",
            "names are not unique across clusters",
            "use -o json or -o yaml (a section per context), or one --context",
        ));
    }
    let wide_pods = kind == ResourceKind::Performers && format == OutputFormat::Wide;
    let members = crate::fleet::query(
        global,
        contexts,
        args.fleet.context_timeout,
        |conn| async move {
            let namespace = (!args.all_namespaces).then_some(conn.namespace.as_str());
            let mut params = ListParams::default();
            if let Some(selector) = &args.selector {
                params = params.labels(selector);
            }
            if let Some(name) = &args.name {
                params = params.fields(&format!("metadata.name={name}"));
            }
            let objects = match kind {
                ResourceKind::Performers => {
                    list::<Performer>(&conn.client, namespace, &params).await?
                }
                ResourceKind::Executors => {
                    list::<HourglassExecutor>(&conn.client, namespace, &params).await?
                }
            };
            let pods = if wide_pods && !objects.is_empty() {
                performer_pods(&conn.client, namespace).await?
            } else {
                PodIndex::default()
            };
            Ok((objects, pods))
        },
    )
    .await;
    let text = match format {
        OutputFormat::Json => crate::output::json(&render::fleet_document(&members)?)?,
        OutputFormat::Yaml => crate::output::yaml(&render::fleet_document(&members)?)?,
        _ => {
            let options = TableOptions {
                wide: format == OutputFormat::Wide,
                all_namespaces: args.all_namespaces,
            };
            render::fleet_table(kind, &members, options, Timestamp::now())
        }
    };
    crate::output::print(&text)?;
    crate::fleet::outcome(&members)
}

/// One list call, as JSON values.
async fn list<K>(
    client: &Client,
    namespace: Option<&str>,
    params: &ListParams,
) -> Result<Vec<serde_json::Value>>
where
    K: Resource<Scope = k8s_openapi::NamespaceResourceScope>
        + Clone
        + Debug
        + Serialize
        + DeserializeOwned,
    K::DynamicType: Default,
{
    let items = api::<K>(client, namespace)
        .list(params)
        .await
        .map_err(|e| Error::kube(format!("listing {}", K::plural(&Default::default())), e))?
        .items;
    render::values(&items)
}

fn api<K>(client: &Client, namespace: Option<&str>) -> Api<K>
where
    K: Resource<Scope = k8s_openapi::NamespaceResourceScope>,
    K::DynamicType: Default,
{
    match namespace {
        Some(ns) => Api::namespaced(client.clone(), ns),
        None => Api::all(client.clone()),
    }
}

async fn get<K>(
    client: &Client,
    kind: ResourceKind,
    namespace: Option<&str>,
    args: &KindGetArgs,
    format: OutputFormat,
) -> Result<()>
where
    K: Resource<Scope = k8s_openapi::NamespaceResourceScope>
        + Clone
        + Debug
        + Serialize
        + DeserializeOwned
        + Send
        + Sync
        + 'static,
    K::DynamicType: Default,
{
    let objects_api: Api<K> = api(client, namespace);
    let wide_pods = kind == ResourceKind::Performers && format == OutputFormat::Wide;
    if args.watch {
        return watch(
            client,
            objects_api,
            kind,
            namespace,
            args,
            format,
            wide_pods,
        )
        .await;
    }
    let objects: Vec<K> = match &args.name {
        Some(name) => {
            let found = objects_api
                .get_opt(name)
                .await
                .map_err(|e| Error::kube(format!("getting {} {name}", kind.singular()), e))?;
            match found {
                Some(o) => vec![o],
                None => return Err(not_found(kind, name, namespace.unwrap_or_default())),
            }
        }
        None => {
            let mut params = ListParams::default();
            if let Some(selector) = &args.selector {
                params = params.labels(selector);
            }
            objects_api
                .list(&params)
                .await
                .map_err(|e| Error::kube(format!("listing {}", kind.plural()), e))?
                .items
        }
    };
    let pods = if wide_pods && !objects.is_empty() {
        performer_pods(client, namespace).await?
    } else {
        PodIndex::default()
    };
    let values = render::values(&objects)?;
    let text = render::render(
        kind,
        &values,
        &pods,
        format,
        namespace.is_none(),
        args.name.is_some(),
        Timestamp::now(),
    )?;
    if values.is_empty() && matches!(format, OutputFormat::Table | OutputFormat::Wide) {
        eprintln!("{}", render::no_resources(namespace));
    }
    crate::output::print(&text)
}

/// The NotFound error of a missing named object, with how to list what exists.
pub fn not_found(kind: ResourceKind, name: &str, namespace: &str) -> Error {
    Error::NotFound {
        kind: kind.singular().to_string(),
        name: name.to_string(),
        namespace: namespace.to_string(),
        help: Some(format!(
            "list what exists with `hgctl get {} -n {namespace}` (or -A for every namespace)",
            kind.plural()
        )),
    }
}

/// One list of performer pods, for the NODE column and `status`.
pub async fn performer_pods(client: &Client, namespace: Option<&str>) -> Result<PodIndex> {
    let pods: Api<Pod> = api(client, namespace);
    let list = pods
        .list(&ListParams::default().labels(&performer_pod_selector()))
        .await
        .map_err(|e| Error::kube("listing performer pods", e))?;
    Ok(PodIndex::new(&list.items))
}

/// Streams changes like `kubectl get -w`: the current list, then one row (or
/// document) per change, until Ctrl-C.
async fn watch<K>(
    client: &Client,
    objects_api: Api<K>,
    kind: ResourceKind,
    namespace: Option<&str>,
    args: &KindGetArgs,
    format: OutputFormat,
    wide_pods: bool,
) -> Result<()>
where
    K: Resource + Clone + Debug + Serialize + DeserializeOwned + Send + Sync + 'static,
    K::DynamicType: Default,
{
    let mut config = watcher::Config::default();
    if let Some(selector) = &args.selector {
        config = config.labels(selector);
    }
    if let Some(name) = &args.name {
        config = config.fields(&format!("metadata.name={name}"));
    }
    let mut stream = watcher(objects_api, config).boxed();
    let mut initial: Vec<K> = Vec::new();
    let mut listed = false;
    let mut widths: Vec<usize> = Vec::new();
    let options = TableOptions {
        wide: format == OutputFormat::Wide,
        all_namespaces: namespace.is_none(),
    };
    let ctrl_c = tokio::signal::ctrl_c();
    tokio::pin!(ctrl_c);
    loop {
        let event = tokio::select! {
            _ = &mut ctrl_c => return Ok(()),
            event = stream.try_next() => event,
        };
        let event = match event {
            Ok(Some(event)) => event,
            Ok(None) => return Ok(()),
            Err(e) => {
                return Err(Error::Api {
                    context: format!("watching {}", kind.plural()),
                    message: e.to_string(),
                    help: Some(
                        "is the CRD installed and may you list and watch it? `hgctl doctor` checks both"
                            .into(),
                    ),
                });
            }
        };
        let changed: Vec<K> = match event {
            watcher::Event::Init => {
                initial.clear();
                continue;
            }
            watcher::Event::InitApply(object) => {
                if !listed {
                    initial.push(object);
                }
                continue;
            }
            watcher::Event::InitDone => {
                if listed {
                    continue;
                }
                listed = true;
                if initial.is_empty() {
                    if matches!(format, OutputFormat::Table | OutputFormat::Wide) {
                        eprintln!("{}", render::no_resources(namespace));
                    }
                    continue;
                }
                std::mem::take(&mut initial)
            }
            watcher::Event::Apply(object) | watcher::Event::Delete(object) => vec![object],
        };
        let pods = if wide_pods {
            performer_pods(client, namespace).await?
        } else {
            PodIndex::default()
        };
        let values = render::values(&changed)?;
        let text = match format {
            OutputFormat::Table | OutputFormat::Wide => {
                let rows = render::table_rows(kind, &values, &pods, options, Timestamp::now());
                let header = widths.is_empty();
                let new_widths = rows.widths();
                widths = if header {
                    new_widths
                } else {
                    widths
                        .iter()
                        .zip(new_widths)
                        .map(|(a, b)| (*a).max(b))
                        .collect()
                };
                table::render(&rows.headers, &rows.rows, &widths, header)
            }
            // kubectl prints each object as its own document while watching.
            _ => values
                .iter()
                .map(|v| {
                    render::render(
                        kind,
                        std::slice::from_ref(v),
                        &pods,
                        format,
                        false,
                        true,
                        Timestamp::now(),
                    )
                    .map(|t| {
                        if format == OutputFormat::Yaml {
                            format!("---\n{t}")
                        } else {
                            t
                        }
                    })
                })
                .collect::<Result<String>>()?,
        };
        crate::output::print(&text)?;
    }
}
