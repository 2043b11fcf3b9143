//! `hgctl install` and `hgctl uninstall`: apply or remove what [`crate::install::manifests`]
//! renders, checking rights first and refusing to lose stored objects.

use std::io::IsTerminal;
use std::time::{Duration, Instant};

use futures::{StreamExt, TryStreamExt};
use indicatif::{ProgressBar, ProgressStyle};
use k8s_openapi::api::apps::v1::Deployment;
use k8s_openapi::api::authorization::v1::{
    ResourceAttributes, SelfSubjectAccessReview, SelfSubjectAccessReviewSpec,
};
use k8s_openapi::apiextensions_apiserver::pkg::apis::apiextensions::v1::CustomResourceDefinition;
use kube::api::{
    Api, ApiResource, DeleteParams, DynamicObject, ListParams, Patch, PatchParams, PostParams,
};
use kube::runtime::wait::{Condition, conditions};
use kube::{Client, Resource};

use super::args::{GlobalArgs, InstallArgs, UninstallArgs};
use crate::api::{self, HourglassExecutor, Performer};
use crate::error::{Error, Result};
use crate::install::manifests::{self, FIELD_MANAGER, Manifest, Monitoring, Options};
use crate::install::monitoring;
use crate::install::upgrade;
use crate::{cluster, output, validate};

/// The operator namespace: `-n` when given, else `hourglass-system` (never the context's
/// namespace: installing into `default` by accident is worse than a fixed default).
fn operator_namespace(global: &GlobalArgs) -> Result<String> {
    let ns = global
        .namespace
        .clone()
        .unwrap_or_else(|| manifests::DEFAULT_NAMESPACE.to_string());
    if !validate::is_dns1123_label(&ns) {
        return Err(Error::flag(
            "--namespace",
            format!("{ns:?} is not a valid namespace name"),
            "use lowercase letters, digits and '-', at most 63 characters",
        ));
    }
    Ok(ns)
}

/// `hgctl install`.
pub async fn install(global: &GlobalArgs, args: &InstallArgs) -> Result<()> {
    let options = Options {
        namespace: operator_namespace(global)?,
        image: match &args.image {
            Some(image) if image.trim().is_empty() || image.contains(char::is_whitespace) => {
                return Err(Error::flag(
                    "--image",
                    format!("{image:?} is not an image reference"),
                    "e.g. --image ghcr.io/hgctl/hgctl:v0.1.0",
                ));
            }
            Some(image) => image.clone(),
            None => manifests::default_image(),
        },
        crds_only: args.crds_only,
        placement: crate::scaffold::flags::placement(
            "--node-selector",
            &args.node_selector,
            &args.toleration,
        )?,
        monitoring: match args.monitoring {
            false => Monitoring::Off,
            // The export is for any cluster: it carries everything.
            true => Monitoring::PrometheusOperator,
        },
    };
    if args.dry_run {
        let manifests = manifests::render(&options)?;
        let objects: Vec<&DynamicObject> = manifests.iter().map(|m| &m.object).collect();
        return output::print(&output::yaml_stream(&objects)?);
    }

    let client = cluster::connect(global).await?;
    let mut options = options;
    if args.monitoring && !serves_prometheus_operator(&client).await? {
        eprintln!(
            "hgctl: the cluster serves no {} CRDs: installing the metrics Service {}/{} only (no ServiceMonitor, no PrometheusRule); `hgctl install --monitoring --export` prints them",
            monitoring::GROUP,
            options.namespace,
            monitoring::METRICS_SERVICE
        );
        options.monitoring = Monitoring::Service;
    }
    let manifests = manifests::render(&options)?;
    check_access(&client, &manifests).await?;
    let (crds, rest): (Vec<&Manifest>, Vec<&Manifest>) = manifests
        .iter()
        .partition(|m| m.kind() == "CustomResourceDefinition");
    check_upgrade(&client, &crds).await?;

    let progress = Progress::new(args.wait);
    for m in &crds {
        apply(&client, m).await?;
    }
    // The rest does not name the CRDs, but a usable install needs them served.
    let crd_api: Api<CustomResourceDefinition> = Api::all(client.clone());
    let deadline = Instant::now() + args.timeout;
    for m in &crds {
        progress.set(format!("waiting for CRD {} to be Established", m.name()));
        wait_until(
            &crd_api,
            m.name(),
            conditions::is_crd_established(),
            deadline,
            format!("CRD {} to be Established", m.name()),
        )
        .await?;
    }
    for m in &rest {
        apply(&client, m).await?;
    }
    if args.wait && !args.crds_only {
        let deployments: Api<Deployment> = Api::namespaced(client.clone(), &options.namespace);
        progress.set(format!(
            "waiting for deployment {}/{} to be Available",
            options.namespace,
            manifests::NAME
        ));
        wait_until(
            &deployments,
            manifests::NAME,
            is_deployment_available,
            deadline,
            format!(
                "deployment {}/{} to be Available",
                options.namespace,
                manifests::NAME
            ),
        )
        .await?;
    }
    progress.finish();
    Ok(())
}

/// Whether the API server serves the Prometheus Operator's ServiceMonitor and PrometheusRule.
async fn serves_prometheus_operator(client: &Client) -> Result<bool> {
    let wanted = ["servicemonitors", "prometheusrules"];
    match client
        .list_api_group_resources(&format!("{}/v1", monitoring::GROUP))
        .await
    {
        Ok(list) => Ok(wanted
            .iter()
            .all(|w| list.resources.iter().any(|r| r.name == *w))),
        Err(kube::Error::Api(s)) if s.code == 404 => Ok(false),
        Err(e) => Err(Error::kube(
            format!("asking whether the cluster serves {}", monitoring::GROUP),
            e,
        )),
    }
}

fn is_deployment_available(d: Option<&Deployment>) -> bool {
    d.and_then(|d| d.status.as_ref())
        .and_then(|s| s.conditions.as_ref())
        .is_some_and(|c| {
            c.iter().any(|c| {
                c.type_.as_deref() == Some("Available") && c.status.as_deref() == Some("True")
            })
        })
}

/// Waits for `condition` on `name` until `deadline`.
async fn wait_until<K>(
    api: &Api<K>,
    name: &str,
    condition: impl Condition<K>,
    deadline: Instant,
    what: String,
) -> Result<()>
where
    K: Resource + Clone + std::fmt::Debug + serde::de::DeserializeOwned + Send + 'static,
{
    let remaining = deadline.saturating_duration_since(Instant::now());
    super::wait::until(
        api,
        name,
        condition,
        remaining,
        &what,
        "raise --timeout, or look at `kubectl -n <namespace> describe deployment hgctl-operator` and its pods' events",
    )
    .await
    .map(|_| ())
}

/// A spinner on stderr, only when asked and stderr is a terminal.
struct Progress(ProgressBar);

impl Progress {
    fn new(wanted: bool) -> Self {
        if !wanted || !std::io::stderr().is_terminal() {
            return Self(ProgressBar::hidden());
        }
        let bar = ProgressBar::new_spinner();
        if let Ok(style) = ProgressStyle::with_template("{spinner} {msg} ({elapsed})") {
            bar.set_style(style);
        }
        bar.enable_steady_tick(Duration::from_millis(120));
        Self(bar)
    }
    fn set(&self, message: String) {
        self.0.set_message(message);
    }
    fn finish(&self) {
        self.0.finish_and_clear();
    }
}

fn dynamic_api(client: &Client, m: &Manifest) -> Api<DynamicObject> {
    match m.namespace() {
        Some(ns) => Api::namespaced_with(client.clone(), ns, &m.resource),
        None => Api::all_with(client.clone(), &m.resource),
    }
}

/// Server-side applies one object and prints `kind/name created|configured|unchanged`.
async fn apply(client: &Client, m: &Manifest) -> Result<()> {
    let api = dynamic_api(client, m);
    let before = api
        .get_opt(m.name())
        .await
        .map_err(|e| Error::kube(format!("reading {}", m.display_name()), e))?;
    let params = PatchParams::apply(FIELD_MANAGER).force();
    let after = api
        .patch(m.name(), &params, &Patch::Apply(&m.object))
        .await
        .map_err(|e| Error::kube(format!("applying {}", m.display_name()), e))?;
    let verb = match before {
        None => "created",
        Some(before) if same_content(&before, &after) => "unchanged",
        Some(_) => "configured",
    };
    output::print(&format!("{} {verb}\n", m.display_name()))
}

/// Whether two versions of an object differ only in what others write: a controller's status
/// update between our read and our apply moves the resourceVersion but is not our change.
fn same_content(before: &DynamicObject, after: &DynamicObject) -> bool {
    if before.metadata.resource_version == after.metadata.resource_version {
        return true;
    }
    let strip = |o: &DynamicObject| {
        let mut v = serde_json::to_value(o).unwrap_or_default();
        if let Some(map) = v.as_object_mut() {
            map.remove("status");
        }
        if let Some(meta) = v.get_mut("metadata").and_then(|m| m.as_object_mut()) {
            for volatile in ["resourceVersion", "managedFields", "generation"] {
                meta.remove(volatile);
            }
        }
        v
    };
    strip(before) == strip(after)
}

/// One right install or uninstall needs.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
struct Access {
    verb: String,
    group: String,
    resource: String,
    namespace: Option<String>,
}

impl Access {
    fn new(verb: &str, group: &str, resource: &str, namespace: Option<&str>) -> Self {
        Self {
            verb: verb.into(),
            group: group.into(),
            resource: resource.into(),
            namespace: namespace.map(str::to_string),
        }
    }

    fn describe(&self) -> String {
        let resource = if self.group.is_empty() {
            self.resource.clone()
        } else {
            format!("{}.{}", self.resource, self.group)
        };
        match &self.namespace {
            Some(ns) => format!("{} {resource} in namespace {ns}", self.verb),
            None => format!("{} {resource} (cluster-wide)", self.verb),
        }
    }
}

/// The rights install writes with: get/create/patch on every kind it applies, and, unless the
/// user may `escalate` and `bind` roles, every right the operator's roles grant (RBAC only lets
/// one grant rights one holds).
fn install_rights(manifests: &[Manifest]) -> (Vec<Access>, Vec<Access>) {
    let mut writes = Vec::new();
    let mut grants = Vec::new();
    for m in manifests {
        let ns = if m.namespaced { m.namespace() } else { None };
        for verb in ["get", "create", "patch"] {
            writes.push(Access::new(verb, &m.resource.group, &m.resource.plural, ns));
        }
        let rules = match m.kind() {
            "ClusterRole" => manifests::CLUSTER_RULES,
            "Role" => manifests::LEASE_RULES,
            _ => continue,
        };
        for (verb, plural) in [
            ("escalate", m.resource.plural.as_str()),
            ("bind", m.resource.plural.as_str()),
        ] {
            writes.push(Access::new(verb, &m.resource.group, plural, ns));
        }
        for rule in rules {
            for resource in rule.resources {
                for verb in rule.verbs {
                    grants.push(Access::new(verb, rule.group, resource, ns));
                }
            }
        }
    }
    writes.sort();
    writes.dedup();
    grants.sort();
    grants.dedup();
    (writes, grants)
}

async fn can(client: &Client, access: &Access) -> Result<bool> {
    let review = SelfSubjectAccessReview {
        spec: SelfSubjectAccessReviewSpec {
            resource_attributes: Some(ResourceAttributes {
                verb: Some(access.verb.clone()),
                group: Some(access.group.clone()),
                resource: Some(access.resource.split('/').next().unwrap_or_default().into()),
                subresource: access.resource.split('/').nth(1).map(str::to_string),
                namespace: access.namespace.clone(),
                ..Default::default()
            }),
            ..Default::default()
        },
        ..Default::default()
    };
    let api: Api<SelfSubjectAccessReview> = Api::all(client.clone());
    let answer = api
        .create(&PostParams::default(), &review)
        .await
        .map_err(|e| Error::kube("checking your rights (SelfSubjectAccessReview)", e))?;
    Ok(answer.status.is_some_and(|s| s.allowed))
}

async fn denied(client: &Client, rights: &[Access]) -> Result<Vec<Access>> {
    let answers: Vec<(Access, bool)> = futures::stream::iter(rights.iter().cloned())
        .map(|a| async move { can(client, &a).await.map(|ok| (a, ok)) })
        .buffer_unordered(8)
        .try_collect()
        .await?;
    let mut out: Vec<Access> = answers
        .into_iter()
        .filter(|(_, ok)| !ok)
        .map(|(a, _)| a)
        .collect();
    out.sort();
    Ok(out)
}

/// Fails naming every missing right before anything is written.
async fn check_access(client: &Client, manifests: &[Manifest]) -> Result<()> {
    let (writes, grants) = install_rights(manifests);
    let mut missing = denied(client, &writes).await?;
    // escalate/bind are a shortcut, not a requirement: without them, holding the granted
    // rights is enough. Check those only when the shortcut is missing.
    let shortcut_missing = missing
        .iter()
        .any(|a| a.verb == "escalate" || a.verb == "bind");
    missing.retain(|a| a.verb != "escalate" && a.verb != "bind");
    let lacking = if shortcut_missing {
        denied(client, &grants).await?
    } else {
        Vec::new()
    };
    if missing.is_empty() && lacking.is_empty() {
        return Ok(());
    }
    let mut message =
        "hgctl install needs rights you do not have, so it wrote nothing:".to_string();
    for line in grouped(&missing) {
        message.push_str(&format!("\n  - cannot {line}"));
    }
    if !lacking.is_empty() {
        const SHOWN: usize = 6;
        message.push_str(
            "\nand, to grant the operator its roles without escalate/bind on (cluster)roles, the rights they grant:",
        );
        let lines = grouped(&lacking);
        for line in lines.iter().take(SHOWN) {
            message.push_str(&format!("\n  - cannot {line}"));
        }
        if lines.len() > SHOWN {
            message.push_str(&format!("\n  - ... and {} more", lines.len() - SHOWN));
        }
    }
    Err(Error::Forbidden {
        message,
        help: Some(
            "ask a cluster admin to install, or to grant these rights; `kubectl auth can-i VERB RESOURCE` checks one".into(),
        ),
    })
}

/// `create/get/patch deployments.apps in namespace x`: one line per resource and scope.
fn grouped(rights: &[Access]) -> Vec<String> {
    let mut groups: Vec<(Access, Vec<String>)> = Vec::new();
    for a in rights {
        let key = Access {
            verb: String::new(),
            ..a.clone()
        };
        match groups.iter_mut().find(|(k, _)| *k == key) {
            Some((_, verbs)) => verbs.push(a.verb.clone()),
            None => groups.push((key, vec![a.verb.clone()])),
        }
    }
    groups
        .into_iter()
        .map(|(mut key, verbs)| {
            key.verb = verbs.join("/");
            key.describe()
        })
        .collect()
}

/// Refuses a CRD update that would drop a field some stored object still has.
async fn check_upgrade(client: &Client, crds: &[&Manifest]) -> Result<()> {
    let api: Api<CustomResourceDefinition> = Api::all(client.clone());
    for m in crds {
        let Some(stored) = api
            .get_opt(m.name())
            .await
            .map_err(|e| Error::kube(format!("reading CRD {}", m.name()), e))?
        else {
            continue;
        };
        let new: CustomResourceDefinition = m.to_typed()?;
        let dropped = upgrade::dropped_fields(&stored, &new);
        if dropped.is_empty() {
            continue;
        }
        for (version, path) in &dropped {
            let resource = ApiResource {
                group: stored.spec.group.clone(),
                version: version.clone(),
                api_version: format!("{}/{version}", stored.spec.group),
                kind: stored.spec.names.kind.clone(),
                plural: stored.spec.names.plural.clone(),
            };
            let objects: Api<DynamicObject> = Api::all_with(client.clone(), &resource);
            let list = objects
                .list(&ListParams::default())
                .await
                .map_err(|e| Error::kube(format!("listing {}", resource.plural), e))?;
            let user = list
                .items
                .iter()
                .find(|o| serde_json::to_value(o).is_ok_and(|v| upgrade::object_uses(&v, path)));
            if let Some(user) = user {
                let field = if path.is_empty() {
                    format!("version {version}")
                } else {
                    format!("field {path} ({version})")
                };
                return Err(Error::Refused {
                    message: format!(
                        "this hgctl's CRD {} drops {field}, which {} {}/{} still stores; applying it would lose that data, so nothing was changed",
                        m.name(),
                        resource.kind,
                        user.metadata.namespace.as_deref().unwrap_or_default(),
                        user.metadata.name.as_deref().unwrap_or_default(),
                    ),
                    help: Some(format!(
                        "migrate or remove that field from every {} first (`kubectl get {} -A -o yaml`), or use the hgctl version that installed the CRD",
                        resource.kind, resource.plural
                    )),
                });
            }
            tracing::info!(crd = m.name(), %version, %path, "field dropped by the new CRD is unused");
        }
    }
    Ok(())
}

/// `hgctl uninstall`.
pub async fn uninstall(global: &GlobalArgs, args: &UninstallArgs) -> Result<()> {
    let namespace = operator_namespace(global)?;
    let manifests = manifests::render(&Options {
        namespace: namespace.clone(),
        ..Options::default()
    })?;
    let client = cluster::connect(global).await?;

    // Deleting a CRD deletes every object of it; deleting the namespace deletes those in it.
    let scope = if args.keep_crds {
        Some(namespace.as_str())
    } else {
        None
    };
    let at_risk = stored_objects(&client, scope).await?;
    if !at_risk.is_empty() {
        let what = match scope {
            None => "deleting the CRDs would delete them all".to_string(),
            Some(ns) => format!("deleting namespace {ns} would delete them"),
        };
        let example = at_risk
            .iter()
            .take(3)
            .cloned()
            .collect::<Vec<_>>()
            .join(", ");
        let summary = format!(
            "{} Performer/HourglassExecutor object(s) exist ({example}{}); {what}",
            at_risk.len(),
            if at_risk.len() > 3 { ", ..." } else { "" }
        );
        if !args.delete_data {
            return Err(Error::Refused {
                message: format!("{summary}; nothing was deleted"),
                help: Some(if args.keep_crds {
                    "move or delete them first, or pass --delete-data to delete them too".into()
                } else {
                    "pass --keep-crds to remove only the operator, or --delete-data to delete them too".into()
                }),
            });
        }
        confirm(&summary, args.yes)?;
    }

    let mut deleted = Vec::new();
    for m in manifests.iter().rev() {
        if args.keep_crds && m.kind() == "CustomResourceDefinition" {
            continue;
        }
        let api = dynamic_api(&client, m);
        match api.delete(m.name(), &DeleteParams::background()).await {
            Ok(_) => {
                output::print(&format!("{} deleted\n", m.display_name()))?;
                deleted.push(m);
            }
            Err(kube::Error::Api(s)) if s.code == 404 => {
                output::print(&format!("{} not found\n", m.display_name()))?;
            }
            Err(e) => return Err(Error::kube(format!("deleting {}", m.display_name()), e)),
        }
    }
    if args.wait {
        let progress = Progress::new(true);
        let deadline = Instant::now() + args.timeout;
        for m in deleted {
            progress.set(format!("waiting for {} to be gone", m.display_name()));
            wait_until(
                &dynamic_api(&client, m),
                m.name(),
                |o: Option<&DynamicObject>| o.is_none(),
                deadline,
                format!("{} to be deleted", m.display_name()),
            )
            .await?;
        }
        progress.finish();
    }
    Ok(())
}

/// `namespace/name` of every Performer and HourglassExecutor (in `namespace`, or everywhere).
/// A missing CRD means none.
async fn stored_objects(client: &Client, namespace: Option<&str>) -> Result<Vec<String>> {
    async fn names<K>(client: &Client, namespace: Option<&str>) -> Result<Vec<String>>
    where
        K: Resource<DynamicType = (), Scope = k8s_openapi::NamespaceResourceScope>
            + Clone
            + std::fmt::Debug
            + serde::de::DeserializeOwned,
    {
        let api: Api<K> = match namespace {
            Some(ns) => Api::namespaced(client.clone(), ns),
            None => Api::all(client.clone()),
        };
        match api.list_metadata(&ListParams::default()).await {
            Ok(list) => Ok(list
                .items
                .iter()
                .map(|o| {
                    format!(
                        "{} {}/{}",
                        K::kind(&()),
                        o.metadata.namespace.as_deref().unwrap_or_default(),
                        o.metadata.name.as_deref().unwrap_or_default()
                    )
                })
                .collect()),
            Err(kube::Error::Api(s)) if s.code == 404 => Ok(Vec::new()),
            Err(e) => Err(Error::kube(format!("listing {}", K::plural(&())), e)),
        }
    }
    let _ = api::GROUP;
    let mut out = names::<Performer>(client, namespace).await?;
    out.extend(names::<HourglassExecutor>(client, namespace).await?);
    Ok(out)
}

/// Asks on a terminal; elsewhere `--yes` is the confirmation.
fn confirm(summary: &str, yes: bool) -> Result<()> {
    if yes {
        return Ok(());
    }
    if !(std::io::stdin().is_terminal() && std::io::stderr().is_terminal()) {
        return Err(Error::Refused {
            message: format!(
                "{summary}; not deleting without confirmation, and there is no terminal to ask on"
            ),
            help: Some("pass --yes together with --delete-data to delete them".into()),
        });
    }
    let ok = dialoguer::Confirm::new()
        .with_prompt(format!("{summary}. Delete them?"))
        .default(false)
        .interact()
        .map_err(|e| Error::Internal(format!("reading the confirmation: {e}")))?;
    if ok {
        Ok(())
    } else {
        Err(Error::Refused {
            message: "not confirmed; nothing was deleted".into(),
            help: Some("answer yes, or pass --keep-crds to keep the data".into()),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn install_checks_write_rights_on_every_kind_it_applies() {
        let m = manifests::render(&Options {
            namespace: "ops".into(),
            ..Options::default()
        })
        .unwrap();
        let (writes, grants) = install_rights(&m);
        let has = |list: &[Access], verb: &str, group: &str, resource: &str, ns: Option<&str>| {
            list.contains(&Access::new(verb, group, resource, ns))
        };
        assert!(has(
            &writes,
            "create",
            "apiextensions.k8s.io",
            "customresourcedefinitions",
            None
        ));
        assert!(has(&writes, "patch", "", "namespaces", None));
        assert!(has(
            &writes,
            "create",
            "rbac.authorization.k8s.io",
            "clusterrolebindings",
            None
        ));
        assert!(has(&writes, "patch", "apps", "deployments", Some("ops")));
        assert!(has(
            &writes,
            "create",
            "rbac.authorization.k8s.io",
            "roles",
            Some("ops")
        ));
        assert!(has(
            &grants,
            "patch",
            "hourglass.eigenlayer.io",
            "performers/status",
            None
        ));
        assert!(has(
            &grants,
            "create",
            "coordination.k8s.io",
            "leases",
            Some("ops")
        ));
        assert!(!has(
            &grants,
            "create",
            "coordination.k8s.io",
            "leases",
            None
        ));
    }

    #[test]
    fn crds_only_needs_only_crd_rights() {
        let m = manifests::render(&Options {
            crds_only: true,
            ..Options::default()
        })
        .unwrap();
        let (writes, grants) = install_rights(&m);
        assert!(grants.is_empty());
        assert!(
            writes
                .iter()
                .all(|a| a.resource == "customresourcedefinitions")
        );
    }

    #[test]
    fn missing_rights_are_grouped_by_resource() {
        let rights = [
            Access::new("create", "apps", "deployments", Some("x")),
            Access::new("patch", "apps", "deployments", Some("x")),
            Access::new("create", "", "namespaces", None),
        ];
        assert_eq!(
            grouped(&rights),
            [
                "create/patch deployments.apps in namespace x",
                "create namespaces (cluster-wide)"
            ]
        );
    }

    #[test]
    fn rights_are_described_with_verb_resource_and_scope() {
        assert_eq!(
            Access::new("create", "rbac.authorization.k8s.io", "clusterroles", None).describe(),
            "create clusterroles.rbac.authorization.k8s.io (cluster-wide)"
        );
        assert_eq!(
            Access::new("patch", "", "serviceaccounts", Some("x")).describe(),
            "patch serviceaccounts in namespace x"
        );
    }

    #[test]
    fn status_updates_by_others_are_not_changes() {
        let obj = |rv: &str, replicas: i64, ready: i64| -> DynamicObject {
            serde_json::from_value(serde_json::json!({
                "apiVersion": "apps/v1", "kind": "Deployment",
                "metadata": {"name": "x", "resourceVersion": rv, "generation": 1},
                "spec": {"replicas": replicas},
                "status": {"readyReplicas": ready}
            }))
            .unwrap()
        };
        assert!(same_content(&obj("1", 1, 0), &obj("1", 1, 0)));
        assert!(same_content(&obj("1", 1, 0), &obj("2", 1, 1)));
        assert!(!same_content(&obj("1", 1, 0), &obj("2", 2, 0)));
    }

    #[test]
    fn availability_needs_the_available_condition() {
        assert!(!is_deployment_available(None));
        let d: Deployment = serde_json::from_value(serde_json::json!({
            "spec": {"selector": {}, "template": {}},
            "status": {"conditions": [{"type": "Available", "status": "True"}]}
        }))
        .unwrap();
        assert!(is_deployment_available(Some(&d)));
    }
}
