//! What `hgctl get` prints (pure): tables, `-o wide|json|yaml|name`, kubectl style.

use std::collections::HashMap;

use k8s_openapi::api::core::v1::Pod;
use k8s_openapi::jiff::Timestamp;
use kube::Resource;
use serde::Serialize;
use serde_json::{Value, json};

use crate::api::GROUP;
use crate::api::columns::{self, Column};
use crate::error::{Error, Result};
use crate::fleet::Member;
use crate::output::table::{self, ExtraColumn, Rows, TableOptions};
use crate::output::{OutputFormat, ResourceKind};
use crate::render::performer::{APP_PERFORMER, LABEL_APP, LABEL_PERFORMER};

/// Selects every performer pod (`app=hourglass-performer`).
pub fn performer_pod_selector() -> String {
    format!("{LABEL_APP}={APP_PERFORMER}")
}
/// Label naming a pod's Performer.
pub const PERFORMER_LABEL: &str = LABEL_PERFORMER;

impl ResourceKind {
    /// Columns shared with the CRD's printer columns.
    pub fn columns(self) -> &'static [Column] {
        match self {
            Self::Performers => columns::PERFORMER,
            Self::Executors => columns::EXECUTOR,
        }
    }

    /// Singular lower-case kind, as in `-o name` and error messages.
    pub fn singular(self) -> &'static str {
        match self {
            Self::Performers => "performer",
            Self::Executors => "hourglassexecutor",
        }
    }

    /// The plural kubectl uses (`kubectl get <plural>`).
    pub fn plural(self) -> &'static str {
        match self {
            Self::Performers => "performers",
            Self::Executors => "hourglassexecutors",
        }
    }
}

/// Serializes an object the way `kubectl get -o json` shows it: no managedFields.
pub fn to_value<K: Resource + Serialize + Clone>(object: &K) -> Result<Value> {
    let mut object = object.clone();
    object.meta_mut().managed_fields = None;
    serde_json::to_value(&object).map_err(|e| Error::Internal(format!("serializing: {e}")))
}

/// Where each performer's pod runs, from one list of performer pods.
#[derive(Debug, Default)]
pub struct PodIndex {
    /// (namespace, pod name) -> node.
    by_pod: HashMap<(String, String), String>,
    /// (namespace, performer name) -> node of one of its pods.
    by_performer: HashMap<(String, String), String>,
}

impl PodIndex {
    pub fn new(pods: &[Pod]) -> Self {
        let mut index = Self::default();
        for pod in pods {
            let ns = pod.metadata.namespace.clone().unwrap_or_default();
            let Some(node) = pod.spec.as_ref().and_then(|s| s.node_name.clone()) else {
                continue;
            };
            if let Some(name) = &pod.metadata.name {
                index
                    .by_pod
                    .insert((ns.clone(), name.clone()), node.clone());
            }
            if let Some(performer) = pod
                .metadata
                .labels
                .as_ref()
                .and_then(|l| l.get(PERFORMER_LABEL))
            {
                index
                    .by_performer
                    .entry((ns, performer.clone()))
                    .or_insert(node);
            }
        }
        index
    }

    /// Node of the serving pod (`status.podName`), else of any pod of the performer.
    pub fn node(&self, namespace: &str, performer: &str, pod: Option<&str>) -> Option<&str> {
        pod.and_then(|p| self.by_pod.get(&(namespace.to_string(), p.to_string())))
            .or_else(|| {
                self.by_performer
                    .get(&(namespace.to_string(), performer.to_string()))
            })
            .map(String::as_str)
    }

    /// Node of a performer given as JSON.
    pub fn node_of_value(&self, performer: &Value) -> Option<&str> {
        let s = |p| table::lookup(performer, p).and_then(Value::as_str);
        self.node(
            s(".metadata.namespace").unwrap_or_default(),
            s(".metadata.name").unwrap_or_default(),
            s(".status.podName"),
        )
    }
}

/// GPUs a performer asks for (`gpuCount`, 1 when only `gpuType` is set).
pub fn gpu_count(spec: &Value) -> i64 {
    let hw = table::lookup(spec, ".spec.hardwareRequirements");
    let count = hw.and_then(|h| h.get("gpuCount")).and_then(Value::as_i64);
    let typed = hw
        .and_then(|h| h.get("gpuType"))
        .is_some_and(|t| !t.is_null());
    count.unwrap_or(if typed { 1 } else { 0 })
}

/// The hgctl-only wide columns of a kind.
pub fn extra_columns(kind: ResourceKind, pods: &PodIndex) -> Vec<ExtraColumn<'_>> {
    match kind {
        ResourceKind::Performers => vec![
            ExtraColumn {
                header: "GPUs",
                value: Box::new(|o| gpu_count(o).to_string()),
            },
            ExtraColumn {
                header: "Node",
                value: Box::new(|o| pods.node_of_value(o).unwrap_or("<none>").to_string()),
            },
        ],
        ResourceKind::Executors => Vec::new(),
    }
}

/// The table rows of `get` (header included), for table and wide output.
pub fn table_rows(
    kind: ResourceKind,
    objects: &[Value],
    pods: &PodIndex,
    options: TableOptions,
    now: Timestamp,
) -> Rows {
    table::rows(
        objects,
        kind.columns(),
        &extra_columns(kind, pods),
        options,
        now,
    )
}

/// What `get` prints on stdout. `single` is true when one object was asked for by
/// name: json/yaml then print it as itself, not as a List.
pub fn render(
    kind: ResourceKind,
    objects: &[Value],
    pods: &PodIndex,
    format: OutputFormat,
    all_namespaces: bool,
    single: bool,
    now: Timestamp,
) -> Result<String> {
    match format {
        OutputFormat::Table | OutputFormat::Wide => {
            if objects.is_empty() {
                return Ok(String::new());
            }
            let options = TableOptions {
                wide: format == OutputFormat::Wide,
                all_namespaces,
            };
            Ok(table_rows(kind, objects, pods, options, now).render())
        }
        OutputFormat::Json => crate::output::json(&document(objects, single)),
        OutputFormat::Yaml => crate::output::yaml(&document(objects, single)),
        OutputFormat::Name => Ok(objects
            .iter()
            .map(|o| format!("{}\n", name_of(kind, o)))
            .collect()),
        OutputFormat::Short => Err(Error::flag(
            "--output",
            "`short` is not an output format of get",
            "use one of: table, wide, json, yaml, name",
        )),
    }
}

/// `performer.hourglass.eigenlayer.io/NAME`, as `kubectl get -o name`.
pub fn name_of(kind: ResourceKind, object: &Value) -> String {
    let name = table::lookup(object, ".metadata.name")
        .and_then(Value::as_str)
        .unwrap_or_default();
    format!("{}.{GROUP}/{name}", kind.singular())
}

/// One object as itself, or a `kind: List` like kubectl.
fn document(objects: &[Value], single: bool) -> Value {
    if single && objects.len() == 1 {
        return objects[0].clone();
    }
    json!({
        "apiVersion": "v1",
        "items": objects,
        "kind": "List",
        "metadata": {"resourceVersion": ""},
    })
}

/// `get` over several contexts as a table: a CONTEXT column first, and one row per
/// cluster that gave no answer (`<unreachable>` and why, in the last column).
pub fn fleet_table(
    kind: ResourceKind,
    members: &[Member<(Vec<Value>, PodIndex)>],
    options: TableOptions,
    now: Timestamp,
) -> String {
    let empty = table_rows(kind, &[], &PodIndex::default(), options, now);
    let mut headers = vec!["CONTEXT".to_string()];
    headers.extend(empty.headers);
    let mut rows = Vec::new();
    for member in members {
        match &member.outcome {
            Ok((objects, pods)) => {
                for row in table_rows(kind, objects, pods, options, now).rows {
                    let mut cells = vec![member.context.clone()];
                    cells.extend(row);
                    rows.push(cells);
                }
            }
            Err(failure) => {
                let mut cells = vec![member.context.clone(); 1];
                cells.resize(headers.len(), String::new());
                cells[1] = format!("<{}>", failure.state.as_str());
                if let Some(last) = cells.last_mut() {
                    *last = crate::output::status::shorten_at_word(&failure.message, 120);
                }
                rows.push(cells);
            }
        }
    }
    table::render(&headers, &rows, &[], true)
}

/// `get -o json|yaml` over several contexts: one document, a section per context
/// (`items`, or `state` and `error` for a cluster that gave no answer).
pub fn fleet_document(members: &[Member<(Vec<Value>, PodIndex)>]) -> Result<Value> {
    let contexts = members
        .iter()
        .map(|m| {
            let items = Member {
                context: m.context.clone(),
                server: m.server.clone(),
                outcome: match &m.outcome {
                    Ok((objects, _)) => Ok(json!({"items": objects})),
                    Err(f) => Err(f.clone()),
                },
            };
            crate::fleet::section(&items)
        })
        .collect::<Result<Vec<_>>>()?;
    Ok(json!({"kind": "FleetList", "contexts": contexts}))
}

/// kubectl's message for an empty list (stderr).
pub fn no_resources(namespace: Option<&str>) -> String {
    match namespace {
        Some(ns) => format!("No resources found in {ns} namespace."),
        None => "No resources found".to_string(),
    }
}

/// Performers and executors as JSON, for callers holding typed lists.
pub fn values<K: Resource + Serialize + Clone>(objects: &[K]) -> Result<Vec<Value>> {
    objects.iter().map(to_value).collect()
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::output::fixtures;

    #[test]
    fn golden_get_fleet() {
        use crate::fleet::tests::{member, unreachable};
        let listing = || {
            (
                values(&fixtures::performers()).unwrap(),
                PodIndex::new(&fixtures::pods()),
            )
        };
        let members = vec![
            member("eu-prod", Ok(listing())),
            member("ap-stage", Err(unreachable())),
            member("us-prod", Ok(listing())),
        ];
        let options = TableOptions {
            wide: false,
            all_namespaces: false,
        };
        let text = fleet_table(ResourceKind::Performers, &members, options, fixtures::now());
        fixtures::assert_golden("get-performers-fleet.txt", &text);
        let doc = fleet_document(&members).unwrap();
        assert_eq!(doc["contexts"][0]["items"].as_array().unwrap().len(), 5);
        assert_eq!(doc["contexts"][1]["state"], "unreachable");
        assert!(doc["contexts"][1].get("items").is_none());
    }

    fn render_performers(format: OutputFormat, all: bool) -> String {
        let objects = values(&fixtures::performers()).unwrap();
        let pods = PodIndex::new(&fixtures::pods());
        render(
            ResourceKind::Performers,
            &objects,
            &pods,
            format,
            all,
            false,
            fixtures::now(),
        )
        .unwrap()
    }

    #[test]
    fn golden_performer_table() {
        fixtures::assert_golden(
            "get-performers.txt",
            &render_performers(OutputFormat::Table, false),
        );
    }

    #[test]
    fn golden_performer_table_all_namespaces() {
        fixtures::assert_golden(
            "get-performers-all-namespaces.txt",
            &render_performers(OutputFormat::Table, true),
        );
    }

    #[test]
    fn golden_performer_wide() {
        fixtures::assert_golden(
            "get-performers-wide.txt",
            &render_performers(OutputFormat::Wide, false),
        );
    }

    #[test]
    fn golden_performer_json() {
        let text = render_performers(OutputFormat::Json, false);
        let doc: Value = serde_json::from_str(&text).unwrap();
        assert_eq!(doc["kind"], "List");
        assert!(!text.contains("managedFields"));
        fixtures::assert_golden("get-performers.json", &text);
    }

    #[test]
    fn golden_performer_yaml() {
        let text = render_performers(OutputFormat::Yaml, false);
        assert!(!text.contains("managedFields"));
        fixtures::assert_golden("get-performers.yaml", &text);
    }

    #[test]
    fn golden_performer_names() {
        fixtures::assert_golden(
            "get-performers-name.txt",
            &render_performers(OutputFormat::Name, false),
        );
    }

    #[test]
    fn golden_executor_table_and_wide() {
        let objects = values(&fixtures::executors()).unwrap();
        let pods = PodIndex::default();
        let mut text = String::new();
        for format in [OutputFormat::Table, OutputFormat::Wide, OutputFormat::Name] {
            text.push_str(
                &render(
                    ResourceKind::Executors,
                    &objects,
                    &pods,
                    format,
                    false,
                    false,
                    fixtures::now(),
                )
                .unwrap(),
            );
        }
        fixtures::assert_golden("get-executors.txt", &text);
    }

    #[test]
    fn a_named_object_is_printed_as_itself() {
        let objects = values(&fixtures::performers()[..1]).unwrap();
        let text = render(
            ResourceKind::Performers,
            &objects,
            &PodIndex::default(),
            OutputFormat::Json,
            false,
            true,
            fixtures::now(),
        )
        .unwrap();
        let doc: Value = serde_json::from_str(&text).unwrap();
        assert_eq!(doc["kind"], "Performer");
        assert_eq!(doc["apiVersion"], "hourglass.eigenlayer.io/v1alpha1");
    }

    #[test]
    fn empty_tables_print_nothing_on_stdout() {
        for format in [OutputFormat::Table, OutputFormat::Wide, OutputFormat::Name] {
            let text = render(
                ResourceKind::Performers,
                &[],
                &PodIndex::default(),
                format,
                false,
                false,
                fixtures::now(),
            )
            .unwrap();
            assert_eq!(text, "");
        }
        assert_eq!(
            no_resources(Some("ns1")),
            "No resources found in ns1 namespace."
        );
    }
}
