//! `hgctl support-bundle`: versions, the Performers and executors with their children,
//! events, recent logs of the operator and of failing pods, doctor's JSON report and the
//! node inventory, in one `.tar.gz`. Secrets are never listed or read here; what is
//! written goes through [`crate::support::scrub`].

use std::time::{SystemTime, UNIX_EPOCH};

use k8s_openapi::api::apps::v1::{Deployment, StatefulSet};
use k8s_openapi::api::core::v1::{ConfigMap, Event, Node, Pod, Service};
use k8s_openapi::apiextensions_apiserver::pkg::apis::apiextensions::v1::CustomResourceDefinition;
use k8s_openapi::jiff::Timestamp;
use kube::api::{Api, ListParams, LogParams};
use kube::{Client, Resource};
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value;

use super::args::{GlobalArgs, SupportBundleArgs};
use crate::api::{HourglassExecutor, Performer};
use crate::doctor::{self, RunOptions, gather, report};
use crate::error::{Error, Result};
use crate::support::archive::{Entry, tar_gz};
use crate::support::{failing, node_inventory, scrub};
use crate::{api, cluster, install, output};

/// Log lines per container.
const LOG_LINES: i64 = 200;
/// Label every child hgctl renders carries.
const MANAGED_BY: &str = "app.kubernetes.io/managed-by=hgctl";

fn api_for<K>(client: &Client, namespace: Option<&str>) -> Api<K>
where
    K: Resource<Scope = k8s_openapi::NamespaceResourceScope>,
    K::DynamicType: Default,
{
    match namespace {
        Some(ns) => Api::namespaced(client.clone(), ns),
        None => Api::all(client.clone()),
    }
}

/// A list as YAML, each item scrubbed; a failure becomes a note in the file.
async fn list_yaml<K>(api: Api<K>, params: &ListParams) -> (String, Vec<Value>)
where
    K: Resource + Clone + std::fmt::Debug + Serialize + DeserializeOwned,
    K::DynamicType: Default,
{
    match api.list(params).await {
        Ok(list) => {
            let ar = K::DynamicType::default();
            let items: Vec<Value> = list
                .items
                .iter()
                .map(|o| {
                    let mut v = serde_json::to_value(o).unwrap_or(Value::Null);
                    if let Some(m) = v.as_object_mut() {
                        m.insert("apiVersion".into(), K::api_version(&ar).into());
                        m.insert("kind".into(), K::kind(&ar).into());
                    }
                    scrub(v)
                })
                .collect();
            let text = output::yaml_stream(&items).unwrap_or_default();
            (text, items)
        }
        Err(e) => (format!("# could not list: {e}\n"), Vec::new()),
    }
}

/// `hgctl support-bundle`.
pub async fn run(global: &GlobalArgs, args: &SupportBundleArgs) -> Result<()> {
    if args.all_namespaces && global.namespace.is_some() {
        return Err(Error::usage(
            "-A/--all-namespaces and -n/--namespace exclude each other",
            "use -A for every namespace or -n NS for one",
        ));
    }
    let conn = cluster::connection(global).await?;
    let client = conn.client.clone();
    let ns = (!args.all_namespaces).then(|| conn.namespace.clone());
    let ns = ns.as_deref();
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    let stamp = Timestamp::now().strftime("%Y%m%dT%H%M%SZ").to_string();
    let root = format!("hgctl-support-{stamp}");
    let file = args
        .file
        .clone()
        .unwrap_or_else(|| format!("{root}.tar.gz").into());
    let mut entries: Vec<Entry> = Vec::new();
    let mut add = |name: &str, text: String| {
        entries.push(Entry {
            path: format!("{root}/{name}"),
            data: text.into_bytes(),
        })
    };

    let crd_lines = crd_versions(&client).await;
    let server = match client.apiserver_version().await {
        Ok(v) => format!("{}.{} ({})", v.major, v.minor, v.git_version),
        Err(e) => format!("unknown: {e}"),
    };
    add(
        "versions.txt",
        format!(
            "hgctl {}\nserver {server}\ncontext {}\nscope {}\n{crd_lines}",
            env!("CARGO_PKG_VERSION"),
            conn.context
                .clone()
                .unwrap_or_else(|| "<in-cluster>".into()),
            ns.unwrap_or("<all namespaces>"),
        ),
    );

    let all = ListParams::default();
    let children = ListParams::default().labels(MANAGED_BY);
    let (text, _) = list_yaml(api_for::<Performer>(&client, ns), &all).await;
    add("performers.yaml", text);
    let (text, _) = list_yaml(api_for::<HourglassExecutor>(&client, ns), &all).await;
    add("executors.yaml", text);
    let (text, pods) = list_yaml(api_for::<Pod>(&client, ns), &children).await;
    add("children/pods.yaml", text);
    let (text, _) = list_yaml(api_for::<Service>(&client, ns), &children).await;
    add("children/services.yaml", text);
    let (text, _) = list_yaml(api_for::<Deployment>(&client, ns), &children).await;
    add("children/deployments.yaml", text);
    let (text, _) = list_yaml(api_for::<StatefulSet>(&client, ns), &children).await;
    add("children/statefulsets.yaml", text);
    let (text, _) = list_yaml(api_for::<ConfigMap>(&client, ns), &children).await;
    add("children/configmaps.yaml", text);
    let (text, _) = list_yaml(api_for::<Event>(&client, ns), &all).await;
    add("events.yaml", text);

    // Nodes: the inventory only.
    match Api::<Node>::all(client.clone()).list(&all).await {
        Ok(list) => {
            let inventory: Vec<Value> = list
                .items
                .iter()
                .map(|n| node_inventory(&serde_json::to_value(n).unwrap_or(Value::Null)))
                .collect();
            add("nodes.yaml", output::yaml_stream(&inventory)?);
        }
        Err(e) => add("nodes.yaml", format!("# could not list nodes: {e}\n")),
    }

    for (name, text) in logs(&client, &pods).await {
        add(&name, text);
    }

    // What doctor says, as JSON.
    let scope = gather::Scope {
        namespace: ns.map(str::to_string),
        names: Vec::new(),
        pre: false,
    };
    let snapshot = gather::gather(&conn, &scope, Timestamp::now()).await;
    let results = doctor::run(&snapshot, &RunOptions::default());
    add("doctor.json", crate::output::json(&report::json(&results))?);

    let count = entries.len();
    std::fs::write(&file, tar_gz(&entries, now)).map_err(|e| Error::Io {
        path: file.display().to_string(),
        source: e,
    })?;
    output::print(&format!(
        "wrote {} ({count} files; no Secret data, no env values from Secrets)\n",
        file.display()
    ))
}

/// The CRDs this hgctl knows: installed or not, served versions, by which hgctl.
async fn crd_versions(client: &kube::Client) -> String {
    let crds: Api<CustomResourceDefinition> = Api::all(client.clone());
    let mut crd_lines = String::new();
    for crd in api::crds() {
        let name = crd.metadata.name.clone().unwrap_or_default();
        match crds.get_opt(&name).await {
            Ok(Some(c)) => {
                let versions: Vec<String> =
                    c.spec.versions.iter().map(|v| v.name.clone()).collect();
                let by = c
                    .metadata
                    .annotations
                    .as_ref()
                    .and_then(|a| a.get("app.kubernetes.io/version").cloned())
                    .unwrap_or_default();
                crd_lines.push_str(&format!("crd {name}: {} {by}\n", versions.join(",")));
            }
            Ok(None) => crd_lines.push_str(&format!("crd {name}: not installed\n")),
            Err(e) => crd_lines.push_str(&format!("crd {name}: {e}\n")),
        }
    }
    crd_lines
}

/// The operator's logs and failing pods' (last lines of each container), by file name.
async fn logs(client: &kube::Client, pods: &[Value]) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let operator_ns = install::manifests::DEFAULT_NAMESPACE;
    let operator_pods: Api<Pod> = Api::namespaced(client.clone(), operator_ns);
    let operator = operator_pods
        .list(&ListParams::default().labels(&format!(
            "app.kubernetes.io/name={}",
            install::manifests::NAME
        )))
        .await
        .map(|l| l.items)
        .unwrap_or_default();
    let mut logs: Vec<(String, String)> = operator
        .iter()
        .filter_map(|p| p.metadata.name.clone())
        .map(|n| (operator_ns.to_string(), n))
        .collect();
    for p in pods.iter().filter(|p| failing(p)) {
        if let (Some(n), Some(name)) = (
            p.pointer("/metadata/namespace").and_then(Value::as_str),
            p.pointer("/metadata/name").and_then(Value::as_str),
        ) {
            logs.push((n.to_string(), name.to_string()));
        }
    }
    for (pod_ns, name) in logs {
        let api: Api<Pod> = Api::namespaced(client.clone(), &pod_ns);
        let params = LogParams {
            tail_lines: Some(LOG_LINES),
            ..LogParams::default()
        };
        let text = match api.logs(&name, &params).await {
            Ok(t) => t,
            Err(e) => format!("# no logs: {e}\n"),
        };
        out.push((format!("logs/{pod_ns}/{name}.log"), text));
    }

    out
}
