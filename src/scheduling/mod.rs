//! Would this pod fit on these nodes, and if not, why? The one pure,
//! simplified copy of kube-scheduler's filters (cordon, node selector,
//! required node affinity, taints, allocatable minus requested, pod count,
//! RuntimeClass), with integer quantities as the scheduler counts them. One
//! structured [`NodeFit`] per node, rendered two ways: [`report`], the per-node
//! lines of `performer create --check`, and [`explain`], the doctor's "closest
//! node" explanation.

pub mod dra;
pub mod explain;

use std::collections::BTreeMap;

use k8s_openapi::api::core::v1::{
    Node, NodeSelectorRequirement, NodeSelectorTerm, Pod, ResourceRequirements, Taint, Toleration,
};
use k8s_openapi::api::node::v1::RuntimeClass;
use k8s_openapi::apimachinery::pkg::api::resource::Quantity;

use crate::hardware;
use crate::quantity::parse_milli;

pub use dra::Devices;
pub use explain::{Explanation, explain, explain_fits, free_gpus, gpu_class};

/// Why one node cannot take the pod.
#[derive(Debug, Clone, PartialEq)]
pub enum Misfit {
    /// `spec.unschedulable` (cordoned).
    Cordoned,
    /// The pod names a RuntimeClass that does not exist (the API server rejects the pod).
    MissingRuntimeClass(String),
    /// A node selector entry (the pod's or its RuntimeClass's) the node's labels miss.
    Selector {
        key: String,
        want: String,
        actual: Option<String>,
    },
    /// A requirement of the closest required node-affinity term the node fails.
    Affinity {
        requirement: NodeSelectorRequirement,
        actual: Option<String>,
    },
    /// A NoSchedule/NoExecute taint the pod does not tolerate.
    Taint(Taint),
    /// Not enough of a resource left, in milli-units.
    Insufficient {
        resource: String,
        free: i128,
        need: i128,
    },
    /// The node runs as many pods as it allows.
    TooManyPods { running: usize, max: i128 },
    /// The pod's claim names a DeviceClass that does not exist.
    MissingDeviceClass(String),
    /// Fewer unallocated devices matching the pod's DRA claim than it asks for.
    NoDevices {
        class: String,
        free: usize,
        need: usize,
    },
}

impl Misfit {
    /// The requirement on the node's labels this misfit names, when it is one.
    pub fn wanted_label(&self) -> Option<String> {
        match self {
            Self::Selector { key, want, .. } => Some(format!("{key}={want}")),
            Self::Affinity { requirement, .. } => Some(describe_requirement(requirement)),
            _ => None,
        }
    }
}

/// The verdict for one node.
#[derive(Debug, Clone, PartialEq)]
pub struct NodeFit {
    pub node: String,
    /// Why not (empty when it fits).
    pub misfits: Vec<Misfit>,
}

impl NodeFit {
    pub fn fits(&self) -> bool {
        self.misfits.is_empty()
    }

    /// Why not, one short phrase each, as `create --check` prints them.
    pub fn reasons(&self) -> Vec<String> {
        self.misfits.iter().map(check_phrase).collect()
    }
}

/// What the pods bound to each node already take: requests in milli-units by
/// resource, and how many pods.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Usage {
    nodes: BTreeMap<String, NodeUsage>,
    /// DRA: the devices published and not yet allocated (none known by default).
    pub devices: Devices,
}

#[derive(Debug, Clone, Default, PartialEq)]
struct NodeUsage {
    requests: BTreeMap<String, i128>,
    pods: usize,
}

impl Usage {
    /// What `pods` take; ended pods take nothing, and `except` (the pod being
    /// placed, by namespace and name) is not counted.
    pub fn of<'a>(pods: impl IntoIterator<Item = &'a Pod>, except: Option<&Pod>) -> Self {
        let key = |p: &Pod| (p.metadata.namespace.clone(), p.metadata.name.clone());
        let me = except.map(key);
        let mut out = Self::default();
        for pod in pods {
            let Some(node) = pod.spec.as_ref().and_then(|s| s.node_name.clone()) else {
                continue;
            };
            let phase = pod.status.as_ref().and_then(|s| s.phase.as_deref());
            if matches!(phase, Some("Succeeded" | "Failed")) || me == Some(key(pod)) {
                continue;
            }
            let entry = out.nodes.entry(node).or_default();
            entry.pods += 1;
            for (k, v) in pod_requests(pod, &[]) {
                *entry.requests.entry(k).or_default() += v;
            }
        }
        out
    }

    fn taken(&self, node: &str, resource: &str) -> i128 {
        self.nodes
            .get(node)
            .and_then(|u| u.requests.get(resource))
            .copied()
            .unwrap_or(0)
    }

    fn pods_on(&self, node: &str) -> usize {
        self.nodes.get(node).map_or(0, |u| u.pods)
    }
}

/// `allocatable - used` of one resource on a node, in milli-units.
pub fn free_on(node: &Node, resource: &str, used: &Usage) -> i128 {
    let name = node.metadata.name.as_deref().unwrap_or_default();
    allocatable(node, resource).unwrap_or(0) - used.taken(name, resource)
}

fn allocatable(node: &Node, resource: &str) -> Option<i128> {
    node.status
        .as_ref()
        .and_then(|s| s.allocatable.as_ref())
        .and_then(|a| a.get(resource))
        .and_then(|q| parse_milli(&q.0))
}

/// Evaluates `pod` against every node. `pods` are the cluster's pods (their
/// requests count against the node they are bound to; the pod itself is skipped).
pub fn evaluate(
    pod: &Pod,
    nodes: &[Node],
    pods: &[Pod],
    runtime_classes: &[RuntimeClass],
    devices: Devices,
) -> Vec<NodeFit> {
    let used = Usage {
        devices,
        ..Usage::of(pods, Some(pod))
    };
    fits_of(pod, nodes, &used, runtime_classes)
}

/// One [`NodeFit`] per node, with what is already used given.
pub fn fits_of(
    pod: &Pod,
    nodes: &[Node],
    used: &Usage,
    runtime_classes: &[RuntimeClass],
) -> Vec<NodeFit> {
    nodes
        .iter()
        .map(|node| NodeFit {
            node: node.metadata.name.clone().unwrap_or_default(),
            misfits: misfits(pod, node, used, runtime_classes),
        })
        .collect()
}

/// Drops the missing-RuntimeClass misfits, for when RuntimeClasses could not be
/// read (their absence from the list then proves nothing).
pub fn runtime_classes_unknown(fits: &mut [NodeFit]) {
    for f in fits {
        f.misfits
            .retain(|m| !matches!(m, Misfit::MissingRuntimeClass(_)));
    }
}

/// Every reason `node` cannot take `pod` (empty: it fits). The RuntimeClass's
/// scheduling (node selector, tolerations) and overhead count as the pod's,
/// as the API server's RuntimeClass admission merges them.
pub fn misfits(
    pod: &Pod,
    node: &Node,
    used: &Usage,
    runtime_classes: &[RuntimeClass],
) -> Vec<Misfit> {
    let mut out = Vec::new();
    let Some(spec) = pod.spec.as_ref() else {
        return out;
    };
    let name = node.metadata.name.clone().unwrap_or_default();
    let labels = node.metadata.labels.clone().unwrap_or_default();
    let mut selector = spec.node_selector.clone().unwrap_or_default();
    let mut tolerations = spec.tolerations.clone().unwrap_or_default();
    let mut overhead: Vec<RuntimeClass> = Vec::new();
    if let Some(rc_name) = &spec.runtime_class_name {
        match runtime_classes
            .iter()
            .find(|rc| rc.metadata.name.as_deref() == Some(rc_name))
        {
            None => out.push(Misfit::MissingRuntimeClass(rc_name.clone())),
            Some(rc) => {
                if let Some(s) = &rc.scheduling {
                    selector.extend(s.node_selector.clone().unwrap_or_default());
                    tolerations.extend(s.tolerations.clone().unwrap_or_default());
                }
                overhead.push(rc.clone());
            }
        }
    }
    if node.spec.as_ref().and_then(|s| s.unschedulable) == Some(true) {
        out.push(Misfit::Cordoned);
    }
    for (key, want) in &selector {
        if labels.get(key) != Some(want) {
            out.push(Misfit::Selector {
                key: key.clone(),
                want: want.clone(),
                actual: labels.get(key).cloned(),
            });
        }
    }
    let terms: Vec<NodeSelectorTerm> = spec
        .affinity
        .as_ref()
        .and_then(|a| a.node_affinity.as_ref())
        .and_then(|n| {
            n.required_during_scheduling_ignored_during_execution
                .as_ref()
        })
        .map(|s| s.node_selector_terms.clone())
        .unwrap_or_default();
    // Terms are ORed (any one met is enough), requirements within a term ANDed;
    // when none is met, the closest term (fewest failures, the first on a tie) says why.
    let failures: Vec<Vec<Misfit>> = terms
        .iter()
        .map(|t| term_misfits(t, &name, &labels))
        .collect();
    if !failures.is_empty() && failures.iter().all(|f| !f.is_empty()) {
        let closest = failures.into_iter().min_by_key(Vec::len);
        out.extend(closest.unwrap_or_default());
    }
    for taint in node
        .spec
        .as_ref()
        .and_then(|s| s.taints.as_ref())
        .into_iter()
        .flatten()
    {
        if matches!(taint.effect.as_str(), "NoSchedule" | "NoExecute")
            && !tolerations.iter().any(|t| tolerates(t, taint))
        {
            out.push(Misfit::Taint(taint.clone()));
        }
    }
    let running = used.pods_on(&name);
    if let Some(max) = allocatable(node, "pods")
        && (running as i128 + 1) * 1000 > max
    {
        out.push(Misfit::TooManyPods {
            running,
            max: max / 1000,
        });
    }
    for template in spec
        .resource_claims
        .iter()
        .flatten()
        .filter_map(|c| c.resource_claim_template_name.as_deref())
    {
        let ns = pod.metadata.namespace.as_deref().unwrap_or_default();
        let Some(claim) = used.devices.template(ns, template) else {
            continue;
        };
        if !used.devices.class_exists(&claim.device_class) {
            out.push(Misfit::MissingDeviceClass(claim.device_class.clone()));
            continue;
        }
        let free = used.devices.free_for(&name, claim);
        let need = usize::try_from(claim.count).unwrap_or(0);
        if free < need {
            out.push(Misfit::NoDevices {
                class: claim.device_class.clone(),
                free,
                need,
            });
        }
    }
    for (resource, need) in pod_requests(pod, &overhead) {
        if need <= 0 {
            continue;
        }
        let free = free_on(node, &resource, used);
        if free < need {
            out.push(Misfit::Insufficient {
                resource,
                free: free.max(0),
                need,
            });
        }
    }
    out
}

/// One line per node: `NODE  fits` or `NODE  no: reason; reason`.
pub fn report(fits: &[NodeFit]) -> String {
    let width = fits.iter().map(|f| f.node.len()).max().unwrap_or(4).max(4);
    let mut out = String::new();
    for f in fits {
        if f.fits() {
            out.push_str(&format!("{:width$}  fits\n", f.node));
        } else {
            out.push_str(&format!(
                "{:width$}  no: {}\n",
                f.node,
                f.reasons().join("; ")
            ));
        }
    }
    out
}

/// A misfit as `create --check` words it.
fn check_phrase(m: &Misfit) -> String {
    match m {
        Misfit::Cordoned => "node is cordoned (unschedulable)".into(),
        Misfit::MissingRuntimeClass(rc) => {
            format!("RuntimeClass {rc} missing (the API server rejects the pod)")
        }
        Misfit::Selector { key, want, actual } => match actual {
            Some(actual) => {
                format!("node selector mismatch: {key}={want} (node has {key}={actual})")
            }
            None => format!("node selector mismatch: {key}={want} (node has no label {key})"),
        },
        Misfit::Affinity {
            requirement,
            actual,
        } => requirement_phrase(requirement, actual.as_deref()),
        Misfit::Taint(t) => format!("untolerated taint {}", taint_string(t)),
        Misfit::Insufficient {
            resource,
            free,
            need,
        } => format!(
            "insufficient {resource} (free {} < asked {})",
            human(resource, *free),
            human(resource, *need)
        ),
        Misfit::TooManyPods { running, max } => format!("too many pods ({running} of {max})"),
        Misfit::MissingDeviceClass(class) => {
            format!("DeviceClass {class} missing (no DRA driver installed it)")
        }
        Misfit::NoDevices { class, free, need } => {
            format!("DRA: {free} free matching device(s) of class {class} < asked {need}")
        }
    }
}

fn requirement_phrase(req: &NodeSelectorRequirement, actual: Option<&str>) -> String {
    let values = req.values.clone().unwrap_or_default();
    let list = format!("[{}]", values.join(", "));
    let key = &req.key;
    match (req.operator.as_str(), actual) {
        ("In", None) => format!("missing label {key} in {list}"),
        ("In", Some(v)) => format!("label {key}={v} not in {list}"),
        ("NotIn", Some(v)) => format!("label {key}={v} is excluded"),
        ("Exists", _) => format!("missing label {key}"),
        ("DoesNotExist", Some(v)) => format!("label {key}={v} must be absent"),
        (op, _) => format!("label {key} not {op} {}", values.join("")),
    }
}

/// `key=value:Effect`, as kubectl prints a taint.
pub fn taint_string(t: &Taint) -> String {
    match t.value.as_deref().filter(|v| !v.is_empty()) {
        Some(v) => format!("{}={v}:{}", t.key, t.effect),
        None => format!("{}:{}", t.key, t.effect),
    }
}

/// The scheduler's toleration matching.
pub fn tolerates(t: &Toleration, taint: &Taint) -> bool {
    if let Some(effect) = t.effect.as_deref().filter(|e| !e.is_empty())
        && effect != taint.effect
    {
        return false;
    }
    let exists = t.operator.as_deref() == Some("Exists");
    match t.key.as_deref().filter(|k| !k.is_empty()) {
        None => exists,
        Some(key) if key != taint.key => false,
        Some(_) if exists => true,
        Some(_) => t.value.as_deref().unwrap_or("") == taint.value.as_deref().unwrap_or(""),
    }
}

fn term_misfits(
    term: &NodeSelectorTerm,
    node_name: &str,
    labels: &BTreeMap<String, String>,
) -> Vec<Misfit> {
    let mut out = Vec::new();
    for req in term.match_expressions.iter().flatten() {
        let actual = labels.get(&req.key);
        if !requirement_holds(req, actual) {
            out.push(Misfit::Affinity {
                requirement: req.clone(),
                actual: actual.cloned(),
            });
        }
    }
    for req in term.match_fields.iter().flatten() {
        let actual = (req.key == "metadata.name").then(|| node_name.to_string());
        if !requirement_holds(req, actual.as_ref()) {
            out.push(Misfit::Affinity {
                requirement: req.clone(),
                actual,
            });
        }
    }
    out
}

fn requirement_holds(req: &NodeSelectorRequirement, value: Option<&String>) -> bool {
    let values = req.values.as_deref().unwrap_or_default();
    let num = |s: &str| s.parse::<i64>().ok();
    let bound = values.first().and_then(|v| num(v));
    match req.operator.as_str() {
        "In" => value.is_some_and(|v| values.contains(v)),
        "NotIn" => value.is_none_or(|v| !values.contains(v)),
        "Exists" => value.is_some(),
        "DoesNotExist" => value.is_none(),
        "Gt" => matches!((value.and_then(|v| num(v)), bound), (Some(a), Some(b)) if a > b),
        "Lt" => matches!((value.and_then(|v| num(v)), bound), (Some(a), Some(b)) if a < b),
        _ => false,
    }
}

/// `key=value` / `key in (a, b)`; GPU product lists collapse to `key=PREFIX*` per model.
pub fn describe_requirement(req: &NodeSelectorRequirement) -> String {
    let values = req.values.clone().unwrap_or_default();
    match req.operator.as_str() {
        "In" if req.key == hardware::GPU_PRODUCT_LABEL => {
            // Drop values another value is a prefix of (suffixes: -SHARED, -SXM-...).
            let mut roots: Vec<&String> = values
                .iter()
                .filter(|v| !values.iter().any(|o| o != *v && v.starts_with(o.as_str())))
                .collect();
            roots.dedup();
            let alts: Vec<String> = roots.iter().map(|v| format!("{v}*")).collect();
            format!("{}={}", req.key, alts.join("|"))
        }
        "In" if values.len() == 1 => format!("{}={}", req.key, values[0]),
        "In" => format!("{} in ({})", req.key, values.join(", ")),
        "NotIn" => format!("{} not in ({})", req.key, values.join(", ")),
        "Exists" => format!("label {}", req.key),
        "DoesNotExist" => format!("no label {}", req.key),
        "Gt" => format!("{} > {}", req.key, values.join(",")),
        "Lt" => format!("{} < {}", req.key, values.join(",")),
        op => format!("{} {op} {}", req.key, values.join(",")),
    }
}

/// Requests of a pod in milli-units by resource, as kube-scheduler computes
/// them: containers summed, init containers as their maximum, limits standing
/// in for missing requests, plus the pod overhead (`spec.overhead`, or the
/// RuntimeClass's `overhead.podFixed` that admission would copy there).
pub fn pod_requests(pod: &Pod, runtime_class: &[RuntimeClass]) -> BTreeMap<String, i128> {
    let Some(spec) = pod.spec.as_ref() else {
        return BTreeMap::new();
    };
    let container = |r: Option<&ResourceRequirements>| {
        let mut merged: BTreeMap<String, Quantity> = BTreeMap::new();
        if let Some(r) = r {
            merged.extend(r.limits.clone().unwrap_or_default());
            merged.extend(r.requests.clone().unwrap_or_default());
        }
        merged
            .into_iter()
            .map(|(k, q)| (k, parse_milli(&q.0).unwrap_or(0)))
            .collect::<BTreeMap<String, i128>>()
    };
    let mut total: BTreeMap<String, i128> = BTreeMap::new();
    for c in &spec.containers {
        for (k, v) in container(c.resources.as_ref()) {
            *total.entry(k).or_default() += v;
        }
    }
    for c in spec.init_containers.iter().flatten() {
        for (k, v) in container(c.resources.as_ref()) {
            let e = total.entry(k).or_default();
            *e = (*e).max(v);
        }
    }
    let overhead = match &spec.overhead {
        Some(o) => o.clone(),
        None => runtime_class
            .iter()
            .find_map(|rc| rc.overhead.as_ref()?.pod_fixed.clone())
            .unwrap_or_default(),
    };
    for (k, q) in overhead {
        *total.entry(k).or_default() += parse_milli(&q.0).unwrap_or(0);
    }
    total
}

/// A quantity for people: CPU in cores or millicores, byte-like resources in
/// binary units when exact, counts as integers.
pub fn human(resource: &str, milli: i128) -> String {
    if resource == "cpu" || milli % 1000 != 0 {
        return crate::quantity::format_milli(milli);
    }
    let units = milli / 1000;
    for (suffix, size) in [("Gi", 1i128 << 30), ("Mi", 1 << 20), ("Ki", 1 << 10)] {
        if units >= size && units % size == 0 {
            return format!("{}{suffix}", units / size);
        }
    }
    units.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// [`super::evaluate`] on a cluster without DRA devices.
    fn evaluate(pod: &Pod, nodes: &[Node], pods: &[Pod], rcs: &[RuntimeClass]) -> Vec<NodeFit> {
        super::evaluate(pod, nodes, pods, rcs, Devices::default())
    }
    use serde_json::json;

    pub(super) fn node(
        name: &str,
        labels: serde_json::Value,
        taints: serde_json::Value,
        alloc: serde_json::Value,
    ) -> Node {
        serde_json::from_value(json!({
            "metadata": {"name": name, "labels": labels},
            "spec": {"taints": taints},
            "status": {"allocatable": alloc},
        }))
        .unwrap()
    }

    fn pod(spec: serde_json::Value) -> Pod {
        serde_json::from_value(json!({"metadata": {"name": "p"}, "spec": spec})).unwrap()
    }

    fn gpu_pod(count: &str) -> Pod {
        pod(json!({
            "containers": [{"name": "c", "resources": {"limits": {"nvidia.com/gpu": count}}}],
            "tolerations": [{"key": "nvidia.com/gpu", "operator": "Exists", "effect": "NoSchedule"}],
            "affinity": {"nodeAffinity": {"requiredDuringSchedulingIgnoredDuringExecution": {
                "nodeSelectorTerms": [{"matchExpressions": [
                    {"key": "nvidia.com/gpu.product", "operator": "In", "values": ["NVIDIA-A100-SXM4-40GB"]}
                ]}]}}}
        }))
    }

    fn cluster() -> Vec<Node> {
        vec![
            node(
                "cpu-1",
                json!({}),
                json!([]),
                json!({"cpu": "8", "memory": "32Gi", "pods": "110"}),
            ),
            node(
                "gpu-a100",
                json!({"nvidia.com/gpu.product": "NVIDIA-A100-SXM4-40GB"}),
                json!([]),
                json!({"cpu": "8", "memory": "32Gi", "pods": "110", "nvidia.com/gpu": "2"}),
            ),
            node(
                "gpu-h100",
                json!({"nvidia.com/gpu.product": "NVIDIA-H100-80GB-HBM3"}),
                json!([{"key": "nvidia.com/gpu", "value": "present", "effect": "NoSchedule"}]),
                json!({"cpu": "8", "pods": "110", "nvidia.com/gpu": "8"}),
            ),
            node(
                "avs-1",
                json!({}),
                json!([{"key": "dedicated", "value": "avs-workloads", "effect": "NoSchedule"}]),
                json!({"cpu": "8", "pods": "110"}),
            ),
        ]
    }

    fn verdict<'a>(fits: &'a [NodeFit], name: &str) -> &'a NodeFit {
        fits.iter().find(|f| f.node == name).unwrap()
    }

    #[test]
    fn a_gpu_pod_fits_only_the_matching_model_with_free_gpus() {
        let fits = evaluate(&gpu_pod("1"), &cluster(), &[], &[]);
        assert!(verdict(&fits, "gpu-a100").fits(), "{fits:?}");
        assert_eq!(
            verdict(&fits, "cpu-1").reasons(),
            vec![
                "missing label nvidia.com/gpu.product in [NVIDIA-A100-SXM4-40GB]",
                "insufficient nvidia.com/gpu (free 0 < asked 1)"
            ]
        );
        assert_eq!(
            verdict(&fits, "gpu-h100").reasons(),
            vec![
                "label nvidia.com/gpu.product=NVIDIA-H100-80GB-HBM3 not in [NVIDIA-A100-SXM4-40GB]"
            ]
        );
        assert!(
            verdict(&fits, "avs-1")
                .reasons()
                .contains(&"untolerated taint dedicated=avs-workloads:NoSchedule".to_string())
        );
    }

    #[test]
    fn bound_pods_use_up_allocatable() {
        let mut other = gpu_pod("2");
        other.metadata.name = Some("other".into());
        other.spec.as_mut().unwrap().node_name = Some("gpu-a100".into());
        let fits = evaluate(&gpu_pod("1"), &cluster(), &[other.clone()], &[]);
        assert_eq!(
            verdict(&fits, "gpu-a100").reasons(),
            vec!["insufficient nvidia.com/gpu (free 0 < asked 1)"]
        );
        // A finished pod frees its GPUs; the pod itself is not counted.
        other.status = Some(serde_json::from_value(json!({"phase": "Succeeded"})).unwrap());
        assert!(
            verdict(
                &evaluate(&gpu_pod("1"), &cluster(), &[other], &[]),
                "gpu-a100"
            )
            .fits()
        );
        let mut me = gpu_pod("2");
        me.spec.as_mut().unwrap().node_name = Some("gpu-a100".into());
        assert!(verdict(&evaluate(&gpu_pod("1"), &cluster(), &[me], &[]), "gpu-a100").fits());
    }

    #[test]
    fn taints_need_a_matching_toleration() {
        let plain = pod(json!({"containers": [{"name": "c"}]}));
        let fits = evaluate(&plain, &cluster(), &[], &[]);
        assert!(verdict(&fits, "cpu-1").fits());
        assert_eq!(
            verdict(&fits, "gpu-h100").reasons(),
            vec!["untolerated taint nvidia.com/gpu=present:NoSchedule"]
        );
        let tolerant = pod(json!({"containers": [{"name": "c"}],
            "tolerations": [{"key": "dedicated", "operator": "Equal", "value": "avs-workloads", "effect": "NoSchedule"}]}));
        assert!(verdict(&evaluate(&tolerant, &cluster(), &[], &[]), "avs-1").fits());
        let wrong = pod(json!({"containers": [{"name": "c"}],
            "tolerations": [{"key": "dedicated", "operator": "Equal", "value": "other"}]}));
        assert!(!verdict(&evaluate(&wrong, &cluster(), &[], &[]), "avs-1").fits());
        let everything =
            pod(json!({"containers": [{"name": "c"}], "tolerations": [{"operator": "Exists"}]}));
        assert!(
            evaluate(&everything, &cluster(), &[], &[])
                .iter()
                .all(NodeFit::fits)
        );
    }

    #[test]
    fn node_selectors_and_runtime_classes() {
        let p = pod(json!({"containers": [{"name": "c"}], "nodeSelector": {"zone": "a"}}));
        let fits = evaluate(&p, &cluster(), &[], &[]);
        assert_eq!(
            verdict(&fits, "cpu-1").reasons(),
            vec!["node selector mismatch: zone=a (node has no label zone)"]
        );
        let kata = pod(
            json!({"containers": [{"name": "c", "resources": {"requests": {"cpu": "7900m"}}}],
            "runtimeClassName": "kata-qemu-tdx"}),
        );
        let fits = evaluate(&kata, &cluster(), &[], &[]);
        assert!(verdict(&fits, "cpu-1").reasons().contains(
            &"RuntimeClass kata-qemu-tdx missing (the API server rejects the pod)".to_string()
        ));
        let rc: RuntimeClass = serde_json::from_value(json!({
            "metadata": {"name": "kata-qemu-tdx"}, "handler": "kata",
            "overhead": {"podFixed": {"cpu": "250m"}},
            "scheduling": {"nodeSelector": {"katacontainers.io/kata-runtime": "true"}}
        }))
        .unwrap();
        let fits = evaluate(&kata, &cluster(), &[], &[rc]);
        assert_eq!(
            verdict(&fits, "cpu-1").reasons(),
            vec![
                "node selector mismatch: katacontainers.io/kata-runtime=true (node has no label katacontainers.io/kata-runtime)",
                "insufficient cpu (free 8 < asked 8150m)"
            ]
        );
    }

    #[test]
    fn affinity_terms_are_ored_and_operators_evaluated() {
        let p = pod(json!({"containers": [{"name": "c"}],
        "affinity": {"nodeAffinity": {"requiredDuringSchedulingIgnoredDuringExecution": {
            "nodeSelectorTerms": [
                {"matchExpressions": [{"key": "nvidia.com/gpu.product", "operator": "Exists"}]},
                {"matchFields": [{"key": "metadata.name", "operator": "In", "values": ["cpu-1"]}]}
            ]}}}}));
        let fits = evaluate(&p, &cluster(), &[], &[]);
        assert!(verdict(&fits, "cpu-1").fits());
        assert!(verdict(&fits, "gpu-a100").fits());
        assert_eq!(
            verdict(&fits, "avs-1").reasons()[0],
            "missing label nvidia.com/gpu.product"
        );
        let report = report(&fits);
        assert_eq!(report.lines().count(), 4);
        assert!(report.contains("cpu-1     fits"), "{report}");
    }

    #[test]
    fn memory_is_reported_in_binary_units() {
        assert_eq!(human("memory", (64i128 << 20) * 1000), "64Mi");
        assert_eq!(human("cpu", 1500), "1500m");
        assert_eq!(human("nvidia.com/gpu", 3000), "3");
    }

    #[test]
    fn operators_of_node_affinity() {
        let req = |op: &str, values: &[&str]| NodeSelectorRequirement {
            key: "k".into(),
            operator: op.into(),
            values: Some(values.iter().map(|s| s.to_string()).collect()),
        };
        let v = "5".to_string();
        assert!(requirement_holds(&req("In", &["5"]), Some(&v)));
        assert!(!requirement_holds(&req("NotIn", &["5"]), Some(&v)));
        assert!(requirement_holds(&req("NotIn", &["5"]), None));
        assert!(requirement_holds(&req("Exists", &[]), Some(&v)));
        assert!(requirement_holds(&req("DoesNotExist", &[]), None));
        assert!(requirement_holds(&req("Gt", &["4"]), Some(&v)));
        assert!(!requirement_holds(&req("Lt", &["4"]), Some(&v)));
    }

    fn bound(name: &str, node: &str, cpu: &str) -> Pod {
        serde_json::from_value(json!({"metadata": {"name": name, "namespace": "other"},
            "spec": {"nodeName": node, "containers": [{"name": "c", "resources": {"requests": {"cpu": cpu}}}]}}))
        .unwrap()
    }

    /// kube-scheduler counts in integer milli-units: three 100m pods fill a 300m
    /// node exactly (the doctor's former f64 sum, 0.1 + 0.2, left 0.0999... free).
    #[test]
    fn quantities_are_integer_milli_units() {
        let nodes = vec![node("small", json!({}), json!([]), json!({"cpu": "300m"}))];
        let placed = [bound("a", "small", "100m"), bound("b", "small", "100m")];
        let p =
            pod(json!({"containers": [{"name": "c", "resources": {"requests": {"cpu": "100m"}}}]}));
        assert!(evaluate(&p, &nodes, &placed, &[])[0].fits());
        assert!(explain(&p, &nodes, &Usage::of(&placed, None), &[], None).fitting == ["small"]);
    }

    /// kube-scheduler's pod request: max(sum of containers, largest init
    /// container) plus overhead; `spec.overhead` when admission set it, else the
    /// RuntimeClass's podFixed (counted once, not both). The doctor ignored init
    /// containers and the RuntimeClass overhead of a pod not yet admitted.
    #[test]
    fn requests_take_init_containers_and_overhead_once() {
        let rc: RuntimeClass = serde_json::from_value(json!({
            "metadata": {"name": "kata"}, "handler": "kata", "overhead": {"podFixed": {"cpu": "250m"}}
        }))
        .unwrap();
        let p = pod(json!({
            "containers": [{"name": "c", "resources": {"requests": {"cpu": "1"}}}],
            "initContainers": [{"name": "i", "resources": {"requests": {"cpu": "2"}}}],
            "runtimeClassName": "kata"}));
        assert_eq!(pod_requests(&p, std::slice::from_ref(&rc))["cpu"], 2250);
        let mut admitted = p.clone();
        admitted.spec.as_mut().unwrap().overhead =
            Some([("cpu".to_string(), Quantity("100m".into()))].into());
        assert_eq!(pod_requests(&admitted, &[rc])["cpu"], 2100);
    }

    /// nodeSelectorTerms are ORed, the requirements of one term ANDed: a node
    /// meeting one whole term fits even if it fails the others; one meeting a
    /// requirement of each term but no whole term does not.
    #[test]
    fn affinity_terms_or_and_requirements_and() {
        let p = pod(json!({"containers": [{"name": "c"}],
        "affinity": {"nodeAffinity": {"requiredDuringSchedulingIgnoredDuringExecution": {
            "nodeSelectorTerms": [
                {"matchExpressions": [{"key": "a", "operator": "Exists"}, {"key": "b", "operator": "Exists"}]},
                {"matchExpressions": [{"key": "c", "operator": "Exists"}, {"key": "d", "operator": "Exists"}]}
            ]}}}}));
        let nodes = vec![
            node("cd", json!({"c": "1", "d": "1"}), json!([]), json!({})),
            node("ac", json!({"a": "1", "c": "1"}), json!([]), json!({})),
            node(
                "abc",
                json!({"a": "1", "b": "1", "c": "1"}),
                json!([]),
                json!({}),
            ),
        ];
        let fits = evaluate(&p, &nodes, &[], &[]);
        assert!(fits[0].fits() && fits[2].fits(), "{fits:?}");
        assert_eq!(fits[1].reasons(), vec!["missing label b"]);
    }

    /// One pod, a node for each kind of misfit: `create --check`'s lines and
    /// the doctor's explanation give every node the same verdict.
    #[test]
    fn both_renderings_agree_on_every_node() {
        let rc: RuntimeClass = serde_json::from_value(json!({
            "metadata": {"name": "kata"}, "handler": "kata",
            "scheduling": {"nodeSelector": {"kata": "true"}}
        }))
        .unwrap();
        let p = pod(
            json!({"containers": [{"name": "c", "resources": {"requests": {"cpu": "2"}}}],
            "runtimeClassName": "kata", "nodeSelector": {"zone": "a"},
            "affinity": {"nodeAffinity": {"requiredDuringSchedulingIgnoredDuringExecution": {
                "nodeSelectorTerms": [{"matchExpressions": [{"key": "tier", "operator": "In", "values": ["avs"]}]}]}}}}),
        );
        let ok = json!({"kata": "true", "zone": "a", "tier": "avs"});
        let mut cordoned = node("cordoned", ok.clone(), json!([]), json!({"cpu": "4"}));
        cordoned.spec.as_mut().unwrap().unschedulable = Some(true);
        let nodes = vec![
            node(
                "fits",
                ok.clone(),
                json!([]),
                json!({"cpu": "4", "pods": "10"}),
            ),
            cordoned,
            node(
                "no-zone",
                json!({"kata": "true", "tier": "avs"}),
                json!([]),
                json!({"cpu": "4"}),
            ),
            node(
                "no-kata",
                json!({"zone": "a", "tier": "avs"}),
                json!([]),
                json!({"cpu": "4"}),
            ),
            node(
                "wrong-tier",
                json!({"kata": "true", "zone": "a", "tier": "x"}),
                json!([]),
                json!({"cpu": "4"}),
            ),
            node(
                "tainted",
                ok.clone(),
                json!([{"key": "k", "value": "v", "effect": "NoSchedule"}]),
                json!({"cpu": "4"}),
            ),
            node("small", ok.clone(), json!([]), json!({"cpu": "1"})),
            node(
                "full",
                ok.clone(),
                json!([]),
                json!({"cpu": "4", "pods": "1"}),
            ),
        ];
        let placed = [bound("x", "full", "0")];
        let used = Usage::of(&placed, None);
        for rcs in [vec![rc], vec![]] {
            let fits = evaluate(&p, &nodes, &placed, &rcs);
            let lines = report(&fits);
            let kinds: Vec<std::mem::Discriminant<Misfit>> = fits
                .iter()
                .flat_map(|f| f.misfits.iter().map(std::mem::discriminant))
                .collect();
            // Every kind is covered (missing RuntimeClass on the second round).
            let want = if rcs.is_empty() { 7 } else { 6 };
            let mut distinct = kinds.clone();
            distinct.dedup();
            distinct.sort_by_key(|d| format!("{d:?}"));
            distinct.dedup();
            assert_eq!(distinct.len(), want, "{fits:?}");
            for (n, f) in nodes.iter().zip(&fits) {
                let line = lines
                    .lines()
                    .find(|l| l.starts_with(&format!("{} ", f.node)))
                    .unwrap();
                let check_fits = line.ends_with("  fits");
                let alone = explain(&p, std::slice::from_ref(n), &used, &rcs, None);
                let doctor_fits = alone.fitting == [f.node.clone()];
                assert_eq!(
                    check_fits, doctor_fits,
                    "{}: {line} / {:?}",
                    f.node, alone.lines
                );
                assert_eq!(check_fits, f.fits());
                if !doctor_fits {
                    assert!(!alone.lines.is_empty(), "{}", f.node);
                }
            }
            let all = explain(&p, &nodes, &used, &rcs, None);
            let by_check: Vec<String> = fits
                .iter()
                .filter(|f| f.fits())
                .map(|f| f.node.clone())
                .collect();
            assert_eq!(all.fitting, by_check);
        }
    }
}
