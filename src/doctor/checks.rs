//! The catalog: every check with its ID, category, severity, description and
//! pure evaluation over a [`Snapshot`]. Per-object checks return one finding per
//! Performer/executor/node they looked at.

use std::collections::BTreeMap;

use k8s_openapi::api::core::v1::Pod;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;
use k8s_openapi::jiff::SignedDuration;

mod executor;

use super::fit::{self, Explanation};
use super::snapshot::{Missing, Snapshot};
use super::{Category, CheckDef, Finding, Severity, When, executor_object, performer_object};
use crate::api::conditions;
use crate::api::{self, HourglassExecutor, Performer};
use crate::hardware::{self, GpuSelector, TeeType};
use crate::reconcile::lease;
use crate::render::performer as render;

/// Kubernetes minor versions hgctl supports (oldest) and was tested on (newest).
pub const MIN_MINOR: u32 = 30;
pub const TESTED_MINOR: u32 = 36;
/// An object deleting for longer than this is stuck.
pub const STUCK_AFTER_SECS: i64 = 120;
/// Image pull failures, as kubelet reports them in a waiting container.
const PULL_REASONS: &[&str] = &[
    "ErrImagePull",
    "ImagePullBackOff",
    "InvalidImageName",
    "ErrImageNeverPull",
];

const REACHABLE: &str = "cluster.reachable";
const CRDS: &str = "install.crds";
const BASE: &[&str] = &[REACHABLE];
const INSTALLED: &[&str] = &[REACHABLE, CRDS];

macro_rules! check {
    ($id:expr, $cat:ident, $sev:ident, $when:ident, $needs:expr, $desc:expr, $eval:expr) => {
        CheckDef {
            id: $id,
            category: Category::$cat,
            severity: Severity::$sev,
            description: $desc,
            when: When::$when,
            needs: $needs,
            eval: $eval,
        }
    };
}

/// Every check, in report order.
#[rustfmt::skip]
pub const CATALOG: &[CheckDef] = &[
    check!(REACHABLE, Cluster, Fatal, Always, &[], "the kubeconfig resolves and the API server answers", cluster_reachable),
    check!("cluster.version", Cluster, Warning, Always, BASE, "the Kubernetes version is one hgctl supports", cluster_version),
    check!("cluster.install-rights", Cluster, Error, Pre, BASE, "you may create what `hgctl install` creates (SelfSubjectAccessReview)", install_rights),
    check!(CRDS, Installation, Fatal, Installed, BASE, "both CRDs are present and Established", install_crds),
    check!("install.crd-version", Installation, Warning, Installed, INSTALLED, "the installed CRDs serve v1alpha1 with every field this hgctl knows", crd_version),
    check!("install.controller", Installation, Warning, Installed, BASE, "an operator Deployment or a run-local is reconciling", controller),
    check!("install.single-controller", Installation, Warning, Installed, BASE, "at most one hgctl controller holds a lease", single_controller),
    check!("hardware.gpu-nodes", HardwareInventory, Warning, Always, BASE, "GPU nodes advertise allocatable nvidia.com/gpu (device plugin running)", gpu_nodes),
    check!("hardware.gpu-model", HardwareInventory, Error, Installed, INSTALLED, "the GPU model a Performer requests exists on some node", gpu_model),
    check!("hardware.gpu-free", HardwareInventory, Error, Installed, INSTALLED, "a node of that model has as many free GPUs as requested", gpu_free),
    check!("hardware.taints", HardwareInventory, Warning, Installed, INSTALLED, "the pod hgctl generates tolerates the taints of the matching nodes", hardware_taints),
    check!("hardware.tee-nodes", HardwareInventory, Error, Installed, INSTALLED, "a node advertises the TEE a Performer requires", tee_nodes),
    check!("hardware.runtime-class", HardwareInventory, Error, Installed, INSTALLED, "the RuntimeClass a Performer needs exists and matches a node", runtime_class),
    check!("workload.performer.ready", Workloads, Warning, Installed, INSTALLED, "the Performer is Ready", performer_ready),
    check!("workload.performer.unschedulable", Workloads, Error, Installed, INSTALLED, "the Performer's pod can be placed on a node", unschedulable),
    check!("workload.performer.image-pull", Workloads, Error, Installed, INSTALLED, "the Performer's image can be pulled", image_pull),
    check!("workload.performer.crash-loop", Workloads, Error, Installed, INSTALLED, "the Performer's container is not crash-looping", crash_loop),
    check!("workload.performer.service", Workloads, Error, Installed, INSTALLED, "Service performer-<name> exists, selects a pod, on the gRPC port", service),
    check!("workload.performer.endpoints", Workloads, Error, Installed, INSTALLED, "the Service's EndpointSlice has a ready address", endpoints),
    check!("workload.stale-status", Workloads, Warning, Installed, INSTALLED, "status.observedGeneration matches metadata.generation", stale_status),
    check!("workload.stuck-deleting", Workloads, Error, Installed, INSTALLED, "no object is stuck with a deletionTimestamp", stuck_deleting),
    check!("workload.executor.config-complete", Workloads, Error, Installed, INSTALLED, "the executor has every field its binary needs to start", executor::config_complete),
    check!("workload.executor.keys-secret", Workloads, Error, Installed, INSTALLED, "the executor's operator-key Secret exists with the needed keys", executor::keys_secret),
    check!("workload.executor.inline-keys", Workloads, Error, Installed, INSTALLED, "no private key is inline in the executor spec", executor::inline_keys),
    check!("workload.executor.rollout", Workloads, Error, Installed, INSTALLED, "the executor's workload has its replicas updated and ready", executor::rollout),
    check!("workload.executor.crash-loop", Workloads, Error, Installed, INSTALLED, "the executor's container is not crash-looping", executor::executor_crash_loop),
    check!("workload.executor.fatal-log", Workloads, Error, Installed, INSTALLED, "the executor's last log lines hold no known fatal line", executor::fatal_log),
    check!("workload.executor.unused-fields", Workloads, Warning, Installed, INSTALLED, "the executor spec sets no field the executor binary ignores", executor::unused_fields),
];

// ---------------------------------------------------------------- helpers

fn name_of(meta: &ObjectMeta) -> (&str, &str) {
    (
        meta.namespace.as_deref().unwrap_or_default(),
        meta.name.as_deref().unwrap_or_default(),
    )
}

fn pobj(p: &Performer) -> String {
    let (ns, name) = name_of(&p.metadata);
    performer_object(ns, name)
}

fn eobj(e: &HourglassExecutor) -> String {
    let (ns, name) = name_of(&e.metadata);
    executor_object(ns, name)
}

fn edit_performer(p: &Performer) -> String {
    let (ns, name) = name_of(&p.metadata);
    format!("kubectl -n {ns} edit performer {name}")
}

/// Runs `f` on every Performer in scope; one finding when there are none or
/// they could not be read.
fn per_performer(
    s: &Snapshot,
    mut f: impl FnMut(&Performer) -> Option<Finding>,
    none: &str,
) -> Vec<Finding> {
    if let Err(m) = &s.performers {
        return vec![Finding::skipped(None, format!("skipped: {}", m.reason()))];
    }
    let out: Vec<Finding> = s
        .performers_in_scope()
        .into_iter()
        .filter_map(&mut f)
        .collect();
    if out.is_empty() {
        vec![Finding::pass(None, format!("{none} in {}", s.scope()))]
    } else {
        out
    }
}

fn per_executor(
    s: &Snapshot,
    mut f: impl FnMut(&HourglassExecutor) -> Option<Finding>,
    none: &str,
) -> Vec<Finding> {
    if let Err(m) = &s.executors {
        return vec![Finding::skipped(None, format!("skipped: {}", m.reason()))];
    }
    let out: Vec<Finding> = s
        .executors_in_scope()
        .into_iter()
        .filter_map(&mut f)
        .collect();
    if out.is_empty() {
        vec![Finding::pass(None, format!("{none} in {}", s.scope()))]
    } else {
        out
    }
}

fn skipped_for(obj: String, m: &Missing) -> Finding {
    Finding::skipped(Some(obj), format!("skipped: {}", m.reason()))
}

fn gpu_request(p: &Performer) -> Option<(String, i32)> {
    let hw = p.spec.hardware_requirements.as_ref()?;
    Some((hw.gpu_type.clone()?, hw.gpu_count.unwrap_or(1)))
}

fn tee_request(p: &Performer) -> Option<TeeType> {
    let hw = p.spec.hardware_requirements.as_ref()?;
    if hw.tee_required != Some(true) {
        return None;
    }
    TeeType::parse(hw.tee_type.as_deref()?)
}

fn gpu_short(gpu_type: &str) -> String {
    hardware::gpu_model(gpu_type)
        .map(|m| m.short.to_string())
        .unwrap_or_else(|| gpu_type.to_string())
}

/// Whether a node's product label belongs to what `gpuType` asks for.
fn node_has_gpu(node: &k8s_openapi::api::core::v1::Node, gpu_type: &str) -> bool {
    let Some(product) = node
        .metadata
        .labels
        .as_ref()
        .and_then(|l| l.get(hardware::GPU_PRODUCT_LABEL))
    else {
        return false;
    };
    match hardware::parse_gpu_type(gpu_type) {
        Some(GpuSelector::Known(m)) => m.matches_product(product),
        Some(GpuSelector::RawProduct(raw)) => {
            product == raw || product.starts_with(&format!("{raw}-"))
        }
        None => false,
    }
}

fn used(s: &Snapshot) -> BTreeMap<String, BTreeMap<String, f64>> {
    match &s.pods {
        Ok(pods) => fit::used_by_node(pods.iter()),
        Err(_) => BTreeMap::new(),
    }
}

/// GPU model short names the cluster's nodes have.
fn models_present(s: &Snapshot) -> Vec<String> {
    let mut out: Vec<String> = s
        .nodes
        .iter()
        .flatten()
        .filter_map(fit::gpu_class)
        .collect();
    out.sort();
    out.dedup();
    out
}

fn pod_ready(pod: &Pod) -> bool {
    pod.metadata.deletion_timestamp.is_none()
        && pod
            .status
            .as_ref()
            .and_then(|s| s.conditions.as_ref())
            .is_some_and(|c| c.iter().any(|c| c.type_ == "Ready" && c.status == "True"))
}

fn waiting(pod: &Pod) -> Vec<(String, String, String, i32)> {
    pod.status
        .as_ref()
        .and_then(|s| s.container_statuses.as_ref())
        .into_iter()
        .flatten()
        .filter_map(|c| {
            let w = c.state.as_ref()?.waiting.as_ref()?;
            Some((
                c.name.clone(),
                w.reason.clone().unwrap_or_default(),
                w.message.clone().unwrap_or_default(),
                c.restart_count,
            ))
        })
        .collect()
}

// ---------------------------------------------------------------- cluster

fn cluster_reachable(s: &Snapshot) -> Vec<Finding> {
    match &s.cluster {
        Ok(info) => vec![Finding::pass(
            None,
            format!(
                "API server {} answers (context {})",
                info.server,
                info.context.as_deref().unwrap_or("in-cluster")
            ),
        )],
        Err(msg) => vec![Finding::problem(
            None,
            msg.clone(),
            "check the context (`kubectl config current-context`) and that the cluster is up (`kubectl get --raw /version`); pass --kubeconfig/--context to use another",
        )],
    }
}

/// `v1.36.3` -> (1, 36).
pub fn parse_version(v: &str) -> Option<(u32, u32)> {
    let v = v.trim_start_matches('v');
    let mut parts = v.split('.');
    let major = parts.next()?.parse().ok()?;
    let minor: String = parts
        .next()?
        .chars()
        .take_while(char::is_ascii_digit)
        .collect();
    Some((major, minor.parse().ok()?))
}

fn cluster_version(s: &Snapshot) -> Vec<Finding> {
    let version = s.cluster.as_ref().ok().and_then(|c| c.version.clone());
    let Some(v) = version else {
        return vec![Finding::skipped(
            None,
            "skipped: the server did not say its version",
        )];
    };
    match parse_version(&v) {
        Some((1, minor)) if (MIN_MINOR..=TESTED_MINOR).contains(&minor) => vec![Finding::pass(
            None,
            format!("Kubernetes {v} (supported: 1.{MIN_MINOR} to 1.{TESTED_MINOR})"),
        )],
        Some((1, minor)) if minor > TESTED_MINOR => vec![Finding::problem(
            None,
            format!("Kubernetes {v} is newer than hgctl was tested with (1.{TESTED_MINOR})"),
            "it probably works; report problems with `hgctl version --server` output",
        )],
        _ => vec![Finding::problem(
            None,
            format!("Kubernetes {v} is older than 1.{MIN_MINOR}, the oldest hgctl supports"),
            "upgrade the cluster; CRD validation rules (CEL) and selectable fields need 1.30+",
        )],
    }
}

fn install_rights(s: &Snapshot) -> Vec<Finding> {
    match &s.rights {
        Err(m) => vec![Finding::skipped(None, format!("skipped: {}", m.reason()))],
        Ok(rights) => {
            let denied: Vec<String> = rights
                .iter()
                .filter(|(_, ok)| !ok)
                .map(|(r, _)| r.describe())
                .collect();
            if denied.is_empty() {
                vec![Finding::pass(
                    None,
                    format!(
                        "you may {}",
                        rights
                            .iter()
                            .map(|(r, _)| r.describe())
                            .collect::<Vec<_>>()
                            .join(", ")
                    ),
                )]
            } else {
                vec![Finding::problem(
                    None,
                    format!("you cannot {}", denied.join(", ")),
                    "ask a cluster admin to run `hgctl install`, or to grant these rights; `kubectl auth can-i create customresourcedefinitions` checks one",
                )]
            }
        }
    }
}

// ---------------------------------------------------------------- installation

fn expected_crds() -> Vec<String> {
    api::crds()
        .into_iter()
        .filter_map(|c| c.metadata.name)
        .collect()
}

fn install_crds(s: &Snapshot) -> Vec<Finding> {
    let crds = match &s.crds {
        Ok(c) => c,
        // A namespaced user may not read CRDs; served kinds answer the question.
        Err(m) if s.performers.is_ok() && s.executors.is_ok() => {
            return vec![Finding::pass(
                None,
                format!(
                    "Performers and HourglassExecutors are served (CRD objects not read: {})",
                    m.reason()
                ),
            )];
        }
        Err(m) => return vec![Finding::skipped(None, format!("skipped: {}", m.reason()))],
    };
    let mut problems = Vec::new();
    for name in expected_crds() {
        match crds
            .iter()
            .find(|c| c.metadata.name.as_deref() == Some(name.as_str()))
        {
            None => problems.push(format!("CRD {name} is not installed")),
            Some(crd) => {
                let established = crd
                    .status
                    .as_ref()
                    .and_then(|s| s.conditions.as_ref())
                    .is_some_and(|c| {
                        c.iter()
                            .any(|c| c.type_ == "Established" && c.status == "True")
                    });
                if !established {
                    problems.push(format!("CRD {name} is not Established"));
                }
            }
        }
    }
    if problems.is_empty() {
        vec![Finding::pass(
            None,
            format!("{} are Established", expected_crds().join(" and ")),
        )]
    } else {
        vec![Finding::problem(
            None,
            problems.join("; "),
            "hgctl install --crds-only",
        )]
    }
}

fn crd_version(s: &Snapshot) -> Vec<Finding> {
    let Ok(crds) = &s.crds else {
        return vec![Finding::skipped(
            None,
            "skipped: the CRD objects were not read",
        )];
    };
    let mut problems = Vec::new();
    for ours in api::crds() {
        let name = ours.metadata.name.clone().unwrap_or_default();
        let Some(theirs) = crds
            .iter()
            .find(|c| c.metadata.name.as_deref() == Some(name.as_str()))
        else {
            continue;
        };
        let served = theirs
            .spec
            .versions
            .iter()
            .any(|v| v.name == api::VERSION && v.served);
        if !served {
            problems.push(format!("{name} does not serve {}", api::VERSION));
            continue;
        }
        let missing = crate::install::upgrade::dropped_fields(&ours, theirs);
        if !missing.is_empty() {
            let shown: Vec<String> = missing.iter().take(3).map(|(_, p)| p.clone()).collect();
            problems.push(format!(
                "{name} is older than this hgctl: it lacks {}{}",
                shown.join(", "),
                if missing.len() > 3 {
                    format!(" and {} more", missing.len() - 3)
                } else {
                    String::new()
                }
            ));
        }
    }
    if problems.is_empty() {
        vec![Finding::pass(
            None,
            format!(
                "the CRDs serve {} with every field this hgctl writes",
                api::VERSION
            ),
        )]
    } else {
        vec![Finding::problem(
            None,
            problems.join("; "),
            "hgctl install --crds-only (upgrades the CRDs in place)",
        )]
    }
}

struct HeldLease {
    namespace: String,
    holder: String,
    renewed_ago: i64,
}

fn held_leases(s: &Snapshot) -> Vec<HeldLease> {
    s.leases
        .iter()
        .flatten()
        .filter_map(|l| {
            let h = lease::current_holder(l.spec.as_ref(), "", s.now)?;
            Some(HeldLease {
                namespace: l.metadata.namespace.clone().unwrap_or_default(),
                holder: h.identity,
                renewed_ago: h.renewed_ago,
            })
        })
        .collect()
}

fn available_operators(s: &Snapshot) -> Vec<String> {
    s.operator_deployments
        .iter()
        .flatten()
        .filter(|d| {
            d.status
                .as_ref()
                .and_then(|s| s.conditions.as_ref())
                .is_some_and(|c| {
                    c.iter().any(|c| {
                        c.type_.as_deref() == Some("Available")
                            && c.status.as_deref() == Some("True")
                    })
                })
        })
        .map(|d| {
            format!(
                "{}/{}",
                d.metadata.namespace.as_deref().unwrap_or_default(),
                d.metadata.name.as_deref().unwrap_or_default()
            )
        })
        .collect()
}

fn controller(s: &Snapshot) -> Vec<Finding> {
    if let (Err(m), Err(_)) = (&s.leases, &s.operator_deployments) {
        return vec![Finding::skipped(None, format!("skipped: {}", m.reason()))];
    }
    let held = held_leases(s);
    if let Some(h) = held.first() {
        return vec![Finding::pass(
            None,
            format!(
                "{} holds the lease {}/{} (renewed {}s ago)",
                h.holder,
                h.namespace,
                lease::LEASE_NAME,
                h.renewed_ago
            ),
        )];
    }
    let ops = available_operators(s);
    if !ops.is_empty() {
        return vec![Finding::problem(
            None,
            format!(
                "Deployment {} is available but holds no lease yet",
                ops.join(", ")
            ),
            "kubectl -n hourglass-system logs deploy/hgctl-operator",
        )];
    }
    let ns = s.namespace.as_deref().unwrap_or("NS");
    vec![Finding::problem(
        None,
        format!(
            "no hgctl controller is reconciling: no Deployment {} is available and no run-local holds a Lease {}; Performers will not change",
            crate::install::manifests::NAME,
            lease::LEASE_NAME
        ),
        format!("hgctl run-local -n {ns} (on this machine), or hgctl install (in the cluster)"),
    )]
}

fn single_controller(s: &Snapshot) -> Vec<Finding> {
    if let Err(m) = &s.leases {
        return vec![Finding::skipped(None, format!("skipped: {}", m.reason()))];
    }
    let held = held_leases(s);
    if held.len() <= 1 {
        return vec![Finding::pass(
            None,
            format!("{} controller(s) hold a lease", held.len()),
        )];
    }
    let who: Vec<String> = held
        .iter()
        .map(|h| format!("{} (lease in {})", h.holder, h.namespace))
        .collect();
    vec![Finding::problem(
        None,
        format!(
            "{} hgctl controllers are active: {}; if their namespaces overlap, both reconcile the same Performers",
            held.len(),
            who.join(", ")
        ),
        "run one controller per namespace: stop the extra run-local (Ctrl-C), or `hgctl uninstall --keep-crds` to remove the operator",
    )]
}

// ---------------------------------------------------------------- hardware

fn gpu_nodes(s: &Snapshot) -> Vec<Finding> {
    let nodes = match &s.nodes {
        Ok(n) => n,
        Err(m) => return vec![Finding::skipped(None, format!("skipped: {}", m.reason()))],
    };
    let gpu_nodes: Vec<_> = nodes
        .iter()
        .filter(|n| {
            let l = n.metadata.labels.clone().unwrap_or_default();
            l.contains_key(hardware::GPU_PRODUCT_LABEL)
                || l.get("nvidia.com/gpu.present").is_some_and(|v| v == "true")
        })
        .collect();
    if gpu_nodes.is_empty() {
        return vec![Finding::pass(
            None,
            format!(
                "no GPU nodes (none of {} nodes has {})",
                nodes.len(),
                hardware::GPU_PRODUCT_LABEL
            ),
        )];
    }
    let mut out = Vec::new();
    for n in &gpu_nodes {
        let name = n.metadata.name.clone().unwrap_or_default();
        let alloc = fit::free_on(n, hardware::GPU_RESOURCE, &BTreeMap::new());
        if alloc <= 0.0 {
            out.push(Finding::problem(
                Some(format!("node/{name}")),
                format!("node {name} is labelled as a GPU node but has no allocatable {}", hardware::GPU_RESOURCE),
                format!("the NVIDIA device plugin is not running there: `kubectl get pods -A -o wide --field-selector spec.nodeName={name}` (install the NVIDIA GPU Operator or device plugin)"),
            ));
        }
    }
    if out.is_empty() {
        out.push(Finding::pass(
            None,
            format!(
                "{} GPU node(s) advertise {}: {}",
                gpu_nodes.len(),
                hardware::GPU_RESOURCE,
                fit::free_gpus(nodes, &BTreeMap::new())
            ),
        ));
    }
    out
}

fn gpu_model(s: &Snapshot) -> Vec<Finding> {
    per_performer(
        s,
        |p| {
            let (gpu_type, _) = gpu_request(p)?;
            let nodes = match &s.nodes {
                Ok(n) => n,
                Err(m) => return Some(skipped_for(pobj(p), m)),
            };
            let short = gpu_short(&gpu_type);
            let having: Vec<String> = nodes
                .iter()
                .filter(|n| node_has_gpu(n, &gpu_type))
                .filter_map(|n| n.metadata.name.clone())
                .collect();
            if !having.is_empty() {
                return Some(Finding::pass(
                    Some(pobj(p)),
                    format!(
                        "{short} requested: {} of {} nodes have it ({})",
                        having.len(),
                        nodes.len(),
                        having.join(", ")
                    ),
                ));
            }
            let want = render::desired_pod(p)
                .ok()
                .and_then(|d| d.pod.spec)
                .and_then(|s| s.affinity)
                .and_then(|a| a.node_affinity)
                .and_then(|n| n.required_during_scheduling_ignored_during_execution)
                .and_then(|r| r.node_selector_terms.into_iter().next())
                .and_then(|t| t.match_expressions)
                .and_then(|e| e.into_iter().find(|r| r.key == hardware::GPU_PRODUCT_LABEL))
                .map(|r| fit::describe_requirement(&r))
                .unwrap_or_else(|| format!("{}={gpu_type}", hardware::GPU_PRODUCT_LABEL));
            let free = if s.pods_cluster_wide {
                fit::free_gpus(nodes, &used(s))
            } else {
                format!(
                    "unknown ({})",
                    s.pods
                        .as_ref()
                        .err()
                        .map(Missing::reason)
                        .unwrap_or_else(|| "pods of other namespaces not readable".into())
                )
            };
            let present = models_present(s);
            Some(Finding::problem(
                Some(pobj(p)),
                format!(
                    "{short} requested: 0 of {} nodes have {want}; GPU nodes with free GPUs: {free}",
                    nodes.len()
                ),
                if present.is_empty() {
                    format!(
                        "the cluster has no GPU nodes: add nodes with {short} GPUs, or remove hardwareRequirements.gpuType (`{}`)",
                        edit_performer(p)
                    )
                } else {
                    format!(
                        "use a model the cluster has (gpuType: {}) with `{}`, or add nodes with {short} GPUs",
                        present.join(", "),
                        edit_performer(p)
                    )
                },
            ))
        },
        "no Performer requests a GPU",
    )
}

fn gpu_free(s: &Snapshot) -> Vec<Finding> {
    per_performer(
        s,
        |p| {
            let (gpu_type, count) = gpu_request(p)?;
            let (ns, name) = name_of(&p.metadata);
            if let Some(node) = s
                .pods_of(ns, name)
                .into_iter()
                .find_map(|pod| pod.spec.as_ref()?.node_name.clone())
            {
                return Some(Finding::pass(
                    Some(pobj(p)),
                    format!("its pod runs on {node}"),
                ));
            }
            let nodes = match &s.nodes {
                Ok(n) => n,
                Err(m) => return Some(skipped_for(pobj(p), m)),
            };
            if !s.pods_cluster_wide {
                return Some(Finding::skipped(
                    Some(pobj(p)),
                    "skipped: free GPUs unknown (no permission to list pods in all namespaces)",
                ));
            }
            let used = used(s);
            let best = nodes
                .iter()
                .filter(|n| node_has_gpu(n, &gpu_type))
                .map(|n| {
                    (
                        fit::free_on(n, hardware::GPU_RESOURCE, &used),
                        n.metadata.name.clone().unwrap_or_default(),
                    )
                })
                .max_by(|a, b| a.0.total_cmp(&b.0));
            let short = gpu_short(&gpu_type);
            match best {
                None => Some(Finding::skipped(
                    Some(pobj(p)),
                    format!("skipped: no node has {short} (see hardware.gpu-model)"),
                )),
                Some((free, node)) if free >= f64::from(count) => Some(Finding::pass(
                    Some(pobj(p)),
                    format!("{short} x {count} requested: {node} has {free} free"),
                )),
                Some((free, node)) => Some(Finding::problem(
                    Some(pobj(p)),
                    format!(
                        "{short} x {count} requested: the most free on one {short} node is {free} ({node})"
                    ),
                    format!(
                        "lower hardwareRequirements.gpuCount (`{}`), free GPUs (`kubectl get pods -A -o wide --field-selector spec.nodeName={node}`), or add {short} nodes",
                        edit_performer(p)
                    ),
                )),
            }
        },
        "no Performer requests a GPU",
    )
}

fn hardware_taints(s: &Snapshot) -> Vec<Finding> {
    per_performer(
        s,
        |p| {
            let gpu = gpu_request(p).map(|(t, _)| t);
            let tee = tee_request(p);
            if gpu.is_none() && tee.is_none() {
                return None;
            }
            let nodes = match &s.nodes {
                Ok(n) => n,
                Err(m) => return Some(skipped_for(pobj(p), m)),
            };
            let pod = render::desired_pod(p).ok()?.pod;
            let tolerations = pod
                .spec
                .as_ref()
                .and_then(|s| s.tolerations.clone())
                .unwrap_or_default();
            let matching = nodes.iter().filter(|n| {
                let labels = n.metadata.labels.clone().unwrap_or_default();
                let gpu_ok = gpu.as_deref().is_none_or(|g| node_has_gpu(n, g));
                let tee_ok = tee.is_none_or(|t| {
                    t.profile()
                        .node_labels
                        .iter()
                        .any(|(k, v)| labels.get(*k).is_some_and(|x| x == v))
                });
                gpu_ok && tee_ok
            });
            let mut blocked = Vec::new();
            let mut count = 0;
            for n in matching {
                count += 1;
                let bare = Pod {
                    spec: Some(k8s_openapi::api::core::v1::PodSpec {
                        tolerations: Some(tolerations.clone()),
                        ..Default::default()
                    }),
                    ..Default::default()
                };
                for m in fit::misfits(&bare, n, &BTreeMap::new(), &[]) {
                    if let fit::Misfit::Taint(t) = m {
                        blocked.push((n.metadata.name.clone().unwrap_or_default(), t));
                    }
                }
            }
            if blocked.is_empty() {
                return Some(Finding::pass(
                    Some(pobj(p)),
                    format!(
                        "the generated pod tolerates the taints of the {count} matching node(s)"
                    ),
                ));
            }
            let (node, taint) = &blocked[0];
            let key = taint.split(['=', ':']).next().unwrap_or_default();
            let effect = taint.rsplit(':').next().unwrap_or("NoSchedule");
            Some(Finding::problem(
                Some(pobj(p)),
                blocked
                    .iter()
                    .map(|(n, t)| format!("node {n} has taint {t} that the pod does not tolerate"))
                    .collect::<Vec<_>>()
                    .join("; "),
                format!(
                    "add {{key: {key}, operator: Exists, effect: {effect}}} to spec.scheduling.tolerations (`{}`), or `kubectl taint node {node} {key}-`",
                    edit_performer(p)
                ),
            ))
        },
        "no Performer requests a GPU or a TEE",
    )
}

fn tee_nodes(s: &Snapshot) -> Vec<Finding> {
    per_performer(
        s,
        |p| {
            let tee = tee_request(p)?;
            let nodes = match &s.nodes {
                Ok(n) => n,
                Err(m) => return Some(skipped_for(pobj(p), m)),
            };
            let profile = tee.profile();
            // The generated pod requires the first label (see render::performer).
            let (key, value) = profile.node_labels[0];
            let having: Vec<String> = nodes
                .iter()
                .filter(|n| {
                    n.metadata
                        .labels
                        .as_ref()
                        .and_then(|l| l.get(key))
                        .is_some_and(|v| v == value)
                })
                .filter_map(|n| n.metadata.name.clone())
                .collect();
            if having.is_empty() {
                Some(Finding::problem(
                    Some(pobj(p)),
                    format!(
                        "{} requested: 0 of {} nodes have {key}={value}",
                        profile.name,
                        nodes.len()
                    ),
                    format!(
                        "install Node Feature Discovery on {} nodes, or label one: `kubectl label node NODE {key}={value}`",
                        profile.display
                    ),
                ))
            } else {
                Some(Finding::pass(
                    Some(pobj(p)),
                    format!(
                        "{} requested: {} of {} nodes have it ({})",
                        profile.name,
                        having.len(),
                        nodes.len(),
                        having.join(", ")
                    ),
                ))
            }
        },
        "no Performer requires a TEE",
    )
}

fn runtime_class(s: &Snapshot) -> Vec<Finding> {
    per_performer(
        s,
        |p| {
            let explicit = p
                .spec
                .scheduling
                .as_ref()
                .and_then(|s| s.runtime_class.clone());
            let implied = tee_request(p).and_then(|t| t.profile().runtime_class.map(|r| (t, r)));
            let (rc_name, why) = match (&explicit, implied) {
                (Some(n), _) => (n.clone(), "spec.scheduling.runtimeClass".to_string()),
                (None, Some((t, r))) => (r.to_string(), format!("teeType {t}")),
                (None, None) => return None,
            };
            let classes = match &s.runtime_classes {
                Ok(c) => c,
                Err(m) => return Some(skipped_for(pobj(p), m)),
            };
            let Some(rc) = classes
                .iter()
                .find(|r| r.metadata.name.as_deref() == Some(rc_name.as_str()))
            else {
                let known: Vec<String> = classes
                    .iter()
                    .filter_map(|r| r.metadata.name.clone())
                    .collect();
                return Some(Finding::problem(
                    Some(pobj(p)),
                    format!(
                        "RuntimeClass {rc_name} (from {why}) does not exist, so the API server rejects the pod; existing: {}",
                        if known.is_empty() {
                            "none".to_string()
                        } else {
                            known.join(", ")
                        }
                    ),
                    if rc_name.starts_with("kata") {
                        format!(
                            "install kata-deploy (it creates the kata-qemu-* RuntimeClasses), or name an existing one with `{}`",
                            edit_performer(p)
                        )
                    } else {
                        format!(
                            "create it (`kubectl get runtimeclasses` lists what exists), or fix the name with `{}`",
                            edit_performer(p)
                        )
                    },
                ));
            };
            let selector = rc
                .scheduling
                .as_ref()
                .and_then(|s| s.node_selector.clone())
                .unwrap_or_default();
            if selector.is_empty() {
                return Some(Finding::pass(
                    Some(pobj(p)),
                    format!("RuntimeClass {rc_name} exists"),
                ));
            }
            let nodes = match &s.nodes {
                Ok(n) => n,
                Err(m) => return Some(skipped_for(pobj(p), m)),
            };
            let matching = nodes
                .iter()
                .filter(|n| {
                    let l = n.metadata.labels.clone().unwrap_or_default();
                    selector.iter().all(|(k, v)| l.get(k) == Some(v))
                })
                .count();
            let sel = selector
                .iter()
                .map(|(k, v)| format!("{k}={v}"))
                .collect::<Vec<_>>()
                .join(",");
            if matching == 0 {
                Some(Finding::problem(
                    Some(pobj(p)),
                    format!(
                        "RuntimeClass {rc_name} selects nodes with {sel}: 0 of {} nodes have them",
                        nodes.len()
                    ),
                    format!(
                        "install the runtime (kata-deploy labels its nodes) or label a node: `kubectl label node NODE {}`",
                        sel.replace(',', " ")
                    ),
                ))
            } else {
                Some(Finding::pass(
                    Some(pobj(p)),
                    format!("RuntimeClass {rc_name} exists; {matching} node(s) have {sel}"),
                ))
            }
        },
        "no Performer needs a RuntimeClass",
    )
}

// ---------------------------------------------------------------- workloads

fn performer_ready(s: &Snapshot) -> Vec<Finding> {
    per_performer(
        s,
        |p| {
            let (ns, name) = name_of(&p.metadata);
            let describe = format!("hgctl performer describe {name} -n {ns}");
            Some(match p.status.as_ref() {
                None => Finding::problem(
                    Some(pobj(p)),
                    "no controller has reconciled it yet (no status)",
                    format!("hgctl run-local -n {ns}, or hgctl install"),
                ),
                Some(st) if st.ready => Finding::pass(
                    Some(pobj(p)),
                    format!(
                        "Ready, serving at {}",
                        st.grpc_endpoint.as_deref().unwrap_or("<unknown>")
                    ),
                ),
                Some(st) => {
                    let cond = conditions::find(st.conditions.as_deref(), conditions::READY);
                    let why = cond
                        .map(|c| format!("{}: {}", c.reason, c.message))
                        .unwrap_or_else(|| "no Ready condition".into());
                    Finding::problem(
                        Some(pobj(p)),
                        format!(
                            "not Ready (phase {}): {why}",
                            st.phase.map(|p| p.as_str()).unwrap_or("<none>")
                        ),
                        describe,
                    )
                }
            })
        },
        "no Performers",
    )
}

fn unschedulable(s: &Snapshot) -> Vec<Finding> {
    per_performer(
        s,
        |p| {
            let (ns, name) = name_of(&p.metadata);
            let pods = s.pods_of(ns, name);
            let pending = pods.into_iter().find(|pod| {
                pod.spec
                    .as_ref()
                    .and_then(|s| s.node_name.as_ref())
                    .is_none()
                    && pod.metadata.deletion_timestamp.is_none()
                    && pod
                        .status
                        .as_ref()
                        .and_then(|s| s.conditions.as_ref())
                        .is_some_and(|c| {
                            c.iter()
                                .any(|c| c.type_ == "PodScheduled" && c.status == "False")
                        })
            });
            let Some(pod) = pending else {
                return Some(Finding::pass(Some(pobj(p)), "no pod waiting for a node"));
            };
            let pod_name = pod.metadata.name.clone().unwrap_or_default();
            let scheduler_says = pod
                .status
                .as_ref()
                .and_then(|s| s.conditions.as_ref())
                .and_then(|c| c.iter().find(|c| c.type_ == "PodScheduled"))
                .and_then(|c| c.message.clone())
                .unwrap_or_default();
            let (lines, ex) = match (&s.nodes, &s.runtime_classes) {
                (Ok(nodes), rcs) => {
                    let rcs = rcs.as_deref().unwrap_or_default();
                    let ex = fit::explain(
                        pod,
                        nodes,
                        &used(s),
                        rcs,
                        gpu_request(p).map(|(t, _)| t).as_deref(),
                    );
                    (ex.lines.clone(), ex)
                }
                (Err(m), _) => (
                    vec![format!(
                        "the scheduler says: {scheduler_says} (nodes not read: {})",
                        m.reason()
                    )],
                    Explanation::default(),
                ),
            };
            let hint = if let Some(gpu) = &ex.missing_gpu {
                let present = models_present(s);
                format!(
                    "use a GPU model the cluster has{} with `{}`, or add nodes with {gpu} GPUs",
                    if present.is_empty() {
                        String::new()
                    } else {
                        format!(" (gpuType: {})", present.join(", "))
                    },
                    edit_performer(p)
                )
            } else if ex.taint_blocks {
                format!(
                    "tolerate the taint in spec.scheduling.tolerations (`{}`), or remove it from the node (`kubectl taint node NODE KEY-`)",
                    edit_performer(p)
                )
            } else if !ex.fitting.is_empty() {
                format!(
                    "wait for the scheduler, or check it runs: `kubectl -n {ns} get events --field-selector involvedObject.name={pod_name}`"
                )
            } else {
                format!(
                    "relax spec.scheduling / spec.hardwareRequirements (`{}`) or add a node that meets them",
                    edit_performer(p)
                )
            };
            Some(Finding::problem(
                Some(pobj(p)),
                format!("pod {pod_name} cannot be scheduled: {}", lines.join("; ")),
                hint,
            ))
        },
        "no Performers",
    )
}

fn image_pull(s: &Snapshot) -> Vec<Finding> {
    per_performer(
        s,
        |p| {
            let (ns, name) = name_of(&p.metadata);
            for pod in s.pods_of(ns, name) {
                for (container, reason, message, _) in waiting(pod) {
                    if PULL_REASONS.contains(&reason.as_str()) {
                        let image = pod
                            .spec
                            .as_ref()
                            .and_then(|s| s.containers.iter().find(|c| c.name == container))
                            .and_then(|c| c.image.clone())
                            .unwrap_or_else(|| p.spec.image.clone());
                        let pod_name = pod.metadata.name.clone().unwrap_or_default();
                        let detail = if message.is_empty() {
                            String::new()
                        } else {
                            format!(": {message}")
                        };
                        let hint = if reason == "ErrImageNeverPull" {
                            format!(
                                "imagePullPolicy is Never: load {image} onto the node, or set spec.imagePullPolicy: IfNotPresent (`{}`)",
                                edit_performer(p)
                            )
                        } else {
                            format!(
                                "check the image name and tag (`kubectl -n {ns} patch performer {name} --type merge -p '{{\"spec\":{{\"image\":\"REPO:TAG\"}}}}'`); for a private registry create a pull secret (`kubectl -n {ns} create secret docker-registry regcred --docker-server=...`) and list it in spec.imagePullSecrets"
                            )
                        };
                        return Some(Finding::problem(
                            Some(pobj(p)),
                            format!("pod {pod_name} cannot pull image {image} ({reason}{detail})"),
                            hint,
                        ));
                    }
                }
            }
            Some(Finding::pass(Some(pobj(p)), "no image pull failures"))
        },
        "no Performers",
    )
}

fn crash_loop(s: &Snapshot) -> Vec<Finding> {
    per_performer(
        s,
        |p| {
            let (ns, name) = name_of(&p.metadata);
            for pod in s.pods_of(ns, name) {
                for (container, reason, _, restarts) in waiting(pod) {
                    if reason != "CrashLoopBackOff" {
                        continue;
                    }
                    let pod_name = pod.metadata.name.clone().unwrap_or_default();
                    let exit = pod
                        .status
                        .as_ref()
                        .and_then(|s| s.container_statuses.as_ref())
                        .and_then(|cs| cs.iter().find(|c| c.name == container))
                        .and_then(|c| c.last_state.as_ref()?.terminated.as_ref())
                        .map(|t| format!(", last exit code {}", t.exit_code))
                        .unwrap_or_default();
                    let logs = match s.logs.get(&format!("{ns}/{pod_name}")) {
                        Some(Ok(text)) if !text.trim().is_empty() => format!(
                            "; last log lines: {}",
                            text.trim().lines().collect::<Vec<_>>().join(" | ")
                        ),
                        Some(Ok(_)) => "; the previous container logged nothing".into(),
                        Some(Err(e)) => format!("; logs not readable: {e}"),
                        None => String::new(),
                    };
                    return Some(Finding::problem(
                        Some(pobj(p)),
                        format!(
                            "container {container} of pod {pod_name} is crash-looping ({restarts} restarts{exit}){logs}"
                        ),
                        format!("kubectl -n {ns} logs {pod_name} -c {container} --previous"),
                    ));
                }
            }
            Some(Finding::pass(Some(pobj(p)), "no crash loops"))
        },
        "no Performers",
    )
}

fn selects(selector: &BTreeMap<String, String>, pod: &Pod) -> bool {
    let labels = pod.metadata.labels.clone().unwrap_or_default();
    !selector.is_empty() && selector.iter().all(|(k, v)| labels.get(k) == Some(v))
}

fn service(s: &Snapshot) -> Vec<Finding> {
    per_performer(
        s,
        |p| {
            let (ns, name) = name_of(&p.metadata);
            let services = match &s.services {
                Ok(v) => v,
                Err(m) => return Some(skipped_for(pobj(p), m)),
            };
            let svc_name = render::service_name(name);
            let Some(svc) = services.iter().find(|s| {
                s.metadata.namespace.as_deref() == Some(ns)
                    && s.metadata.name.as_deref() == Some(svc_name.as_str())
            }) else {
                return Some(Finding::problem(
                    Some(pobj(p)),
                    format!(
                        "Service {svc_name} does not exist: the executor cannot reach this Performer"
                    ),
                    format!("a running controller creates it: hgctl run-local -n {ns}"),
                ));
            };
            let spec = svc.spec.clone().unwrap_or_default();
            let selector = spec.selector.clone().unwrap_or_default();
            let selected = s
                .pods_in(ns)
                .into_iter()
                .filter(|pod| selects(&selector, pod))
                .count();
            let sel = selector
                .iter()
                .map(|(k, v)| format!("{k}={v}"))
                .collect::<Vec<_>>()
                .join(",");
            if selected == 0 {
                return Some(Finding::problem(
                    Some(pobj(p)),
                    format!(
                        "Service {svc_name} selects {}, which matches no pod in {ns}",
                        if sel.is_empty() {
                            "nothing".into()
                        } else {
                            sel.clone()
                        }
                    ),
                    format!(
                        "a running controller re-applies the selector (hgctl run-local -n {ns}); `kubectl -n {ns} get pods -l {sel}` shows what it selects"
                    ),
                ));
            }
            let want = p.spec.grpc_port();
            let port_ok =
                spec.ports.iter().flatten().any(|sp| {
                    sp.port == want && sp.name.as_deref() == Some(render::GRPC_PORT_NAME)
                });
            if !port_ok {
                return Some(Finding::problem(
                    Some(pobj(p)),
                    format!(
                        "Service {svc_name} has no port named {} on {want} (the gRPC port in the spec)",
                        render::GRPC_PORT_NAME
                    ),
                    format!(
                        "a running controller re-applies the Service (hgctl run-local -n {ns})"
                    ),
                ));
            }
            Some(Finding::pass(
                Some(pobj(p)),
                format!(
                    "Service {svc_name} selects {selected} pod(s) on port {} {want}",
                    render::GRPC_PORT_NAME
                ),
            ))
        },
        "no Performers",
    )
}

fn endpoints(s: &Snapshot) -> Vec<Finding> {
    per_performer(
        s,
        |p| {
            let (ns, name) = name_of(&p.metadata);
            let (services, slices) = match (&s.services, &s.endpoint_slices) {
                (Ok(a), Ok(b)) => (a, b),
                (Err(m), _) | (_, Err(m)) => return Some(skipped_for(pobj(p), m)),
            };
            let svc_name = render::service_name(name);
            let svc = services.iter().find(|s| {
                s.metadata.namespace.as_deref() == Some(ns)
                    && s.metadata.name.as_deref() == Some(svc_name.as_str())
            })?;
            let selector = svc
                .spec
                .as_ref()
                .and_then(|s| s.selector.clone())
                .unwrap_or_default();
            let ready_pod = s
                .pods_in(ns)
                .into_iter()
                .find(|pod| selects(&selector, pod) && pod_ready(pod));
            let Some(ready_pod) = ready_pod else {
                return Some(Finding::skipped(
                    Some(pobj(p)),
                    format!("skipped: no Ready pod behind Service {svc_name} yet"),
                ));
            };
            let ready_addresses = slices
                .iter()
                .filter(|sl| {
                    sl.metadata.namespace.as_deref() == Some(ns)
                        && sl
                            .metadata
                            .labels
                            .as_ref()
                            .and_then(|l| l.get("kubernetes.io/service-name"))
                            == Some(&svc_name)
                })
                .flat_map(|sl| sl.endpoints.iter().flatten())
                .filter(|ep| {
                    ep.conditions
                        .as_ref()
                        .and_then(|c| c.ready)
                        .unwrap_or(false)
                })
                .count();
            if ready_addresses == 0 {
                Some(Finding::problem(
                    Some(pobj(p)),
                    format!(
                        "the EndpointSlices of Service {svc_name} have no ready address although pod {} is Ready",
                        ready_pod.metadata.name.as_deref().unwrap_or_default()
                    ),
                    format!(
                        "kubectl -n {ns} get endpointslices -l kubernetes.io/service-name={svc_name} -o yaml (is kube-controller-manager running?)"
                    ),
                ))
            } else {
                Some(Finding::pass(
                    Some(pobj(p)),
                    format!("Service {svc_name} has {ready_addresses} ready address(es)"),
                ))
            }
        },
        "no Performers",
    )
}

fn stale(meta: &ObjectMeta, observed: Option<i64>) -> Option<(i64, i64)> {
    let generation = meta.generation?;
    let observed = observed?;
    (observed != generation).then_some((observed, generation))
}

fn stale_status(s: &Snapshot) -> Vec<Finding> {
    let mut out = Vec::new();
    let ns_hint = s.namespace.as_deref().unwrap_or("NS");
    let mut check = |obj: String, meta: &ObjectMeta, observed: Option<i64>| {
        match stale(meta, observed) {
        Some((o, g)) => out.push(Finding::problem(
            Some(obj),
            format!("status describes generation {o}, the spec is at generation {g}: the controller has not caught up"),
            format!("is a controller running? `hgctl doctor` install.controller; `hgctl run-local -n {ns_hint}`"),
        )),
        None => out.push(Finding::pass(Some(obj), "status is current")),
    }
    };
    for p in s.performers_in_scope() {
        check(
            pobj(p),
            &p.metadata,
            p.status.as_ref().and_then(|s| s.observed_generation),
        );
    }
    for e in s.executors_in_scope() {
        check(
            eobj(e),
            &e.metadata,
            e.status.as_ref().and_then(|s| s.observed_generation),
        );
    }
    if out.is_empty() {
        out.push(match (&s.performers, &s.executors) {
            (Err(m), _) | (_, Err(m)) => Finding::skipped(None, format!("skipped: {}", m.reason())),
            _ => Finding::pass(None, format!("no Performers or executors in {}", s.scope())),
        });
    }
    out
}

fn stuck_deleting(s: &Snapshot) -> Vec<Finding> {
    let mut out = Vec::new();
    let mut check = |kind: &str, meta: &ObjectMeta| {
        let Some(since) = meta.deletion_timestamp.as_ref() else {
            return;
        };
        let age = s.now.duration_since(since.0);
        if age < SignedDuration::from_secs(STUCK_AFTER_SECS) {
            return;
        }
        let (ns, name) = name_of(meta);
        let finalizers = meta.finalizers.clone().unwrap_or_default();
        out.push(Finding::problem(
            Some(format!("{kind}/{ns}/{name}")),
            format!(
                "{kind} {ns}/{name} has been deleting for {}s; finalizers: {}",
                age.as_secs(),
                if finalizers.is_empty() { "none".into() } else { finalizers.join(", ") }
            ),
            if finalizers.is_empty() {
                format!("kubectl -n {ns} get {kind} {name} -o yaml (no finalizer: is the garbage collector or kwok/kubelet running?)")
            } else {
                format!(
                    "start the controller that owns the finalizer; as a last resort `kubectl -n {ns} patch {kind} {name} --type merge -p '{{\"metadata\":{{\"finalizers\":null}}}}'`"
                )
            },
        ));
    };
    for p in s.performers_in_scope() {
        check("performer", &p.metadata);
        let (ns, name) = name_of(&p.metadata);
        for pod in s.pods_of(ns, name) {
            check("pod", &pod.metadata);
        }
    }
    for e in s.executors_in_scope() {
        check("hourglassexecutor", &e.metadata);
    }
    if out.is_empty() {
        out.push(match (&s.performers, &s.executors) {
            (Err(m), _) | (_, Err(m)) => Finding::skipped(None, format!("skipped: {}", m.reason())),
            _ => Finding::pass(None, format!("nothing stuck deleting in {}", s.scope())),
        });
    }
    out
}

#[cfg(test)]
#[path = "checks_tests.rs"]
mod tests;
