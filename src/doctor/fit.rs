//! Why a pod fits no node, in hgctl's words rather than the scheduler's
//! `0/10 nodes are available`: which label, which taint, how many free GPUs.
//! Pure: pod, nodes and the pods already placed in, explanation out.

use std::collections::BTreeMap;

use k8s_openapi::api::core::v1::{
    Node, NodeSelectorRequirement, NodeSelectorTerm, Pod, Taint, Toleration,
};
use k8s_openapi::api::node::v1::RuntimeClass;

use crate::hardware;

/// Why one node cannot take the pod.
#[derive(Debug, Clone, PartialEq)]
pub enum Misfit {
    /// `spec.unschedulable` (cordoned).
    Cordoned,
    /// A required label (node selector or required node affinity) is not on the node.
    Label(String),
    /// A NoSchedule/NoExecute taint the pod does not tolerate, as `key=value:Effect`.
    Taint(String),
    /// Not enough of a resource left on the node.
    Insufficient {
        resource: String,
        free: f64,
        need: f64,
    },
}

impl Misfit {
    pub fn describe(&self) -> String {
        match self {
            Self::Cordoned => "is cordoned (unschedulable)".into(),
            Self::Label(want) => format!("lacks {want}"),
            Self::Taint(t) => format!("has taint {t} that the pod does not tolerate"),
            Self::Insufficient {
                resource,
                free,
                need,
            } if *free <= 0.0 => {
                format!("has no free {resource} (the pod needs {})", fmt_qty(*need))
            }
            Self::Insufficient {
                resource,
                free,
                need,
            } => format!(
                "has {} free {resource}, the pod needs {}",
                fmt_qty(*free),
                fmt_qty(*need)
            ),
        }
    }

    /// Misfits that a node "almost fitting" can have: the pod's labels match.
    fn is_near(&self) -> bool {
        !matches!(self, Self::Label(_))
    }
}

fn fmt_qty(v: f64) -> String {
    if v.fract() == 0.0 {
        format!("{v:.0}")
    } else {
        format!("{v:.2}")
    }
}

/// Parses a Kubernetes quantity (`500m`, `64Mi`, `1.5`, `2e3`) to a number.
pub fn parse_quantity(q: &str) -> Option<f64> {
    let q = q.trim();
    const SUFFIXES: &[(&str, f64)] = &[
        ("Ki", 1024.0),
        ("Mi", 1_048_576.0),
        ("Gi", 1_073_741_824.0),
        ("Ti", 1_099_511_627_776.0),
        ("Pi", 1_125_899_906_842_624.0),
        ("Ei", 1_152_921_504_606_846_976.0),
        ("n", 1e-9),
        ("u", 1e-6),
        ("m", 1e-3),
        ("k", 1e3),
        ("M", 1e6),
        ("G", 1e9),
        ("T", 1e12),
        ("P", 1e15),
        ("E", 1e18),
    ];
    for (suffix, factor) in SUFFIXES {
        if let Some(num) = q.strip_suffix(suffix) {
            return num.parse::<f64>().ok().map(|n| n * factor);
        }
    }
    q.parse::<f64>().ok()
}

/// What a pod asks for per resource: the sum over its containers of requests
/// (limits stand in for requests, as the API server defaults them), plus overhead.
pub fn pod_requests(pod: &Pod) -> BTreeMap<String, f64> {
    let mut out: BTreeMap<String, f64> = BTreeMap::new();
    let Some(spec) = pod.spec.as_ref() else {
        return out;
    };
    for c in &spec.containers {
        let res = c.resources.as_ref();
        let mut per: BTreeMap<String, f64> = BTreeMap::new();
        for (k, v) in res.and_then(|r| r.limits.as_ref()).into_iter().flatten() {
            per.insert(k.clone(), parse_quantity(&v.0).unwrap_or(0.0));
        }
        for (k, v) in res.and_then(|r| r.requests.as_ref()).into_iter().flatten() {
            per.insert(k.clone(), parse_quantity(&v.0).unwrap_or(0.0));
        }
        for (k, v) in per {
            *out.entry(k).or_default() += v;
        }
    }
    for (k, v) in spec.overhead.iter().flatten() {
        *out.entry(k.clone()).or_default() += parse_quantity(&v.0).unwrap_or(0.0);
    }
    out
}

/// What the pods bound to each node already use (ended pods use nothing).
pub fn used_by_node<'a>(
    pods: impl IntoIterator<Item = &'a Pod>,
) -> BTreeMap<String, BTreeMap<String, f64>> {
    let mut out: BTreeMap<String, BTreeMap<String, f64>> = BTreeMap::new();
    for pod in pods {
        let Some(node) = pod.spec.as_ref().and_then(|s| s.node_name.clone()) else {
            continue;
        };
        let phase = pod.status.as_ref().and_then(|s| s.phase.as_deref());
        if matches!(phase, Some("Succeeded" | "Failed")) {
            continue;
        }
        let entry = out.entry(node).or_default();
        for (k, v) in pod_requests(pod) {
            *entry.entry(k).or_default() += v;
        }
    }
    out
}

/// `allocatable - used` of one resource on a node.
pub fn free_on(node: &Node, resource: &str, used: &BTreeMap<String, BTreeMap<String, f64>>) -> f64 {
    let alloc = node
        .status
        .as_ref()
        .and_then(|s| s.allocatable.as_ref())
        .and_then(|a| a.get(resource))
        .and_then(|q| parse_quantity(&q.0))
        .unwrap_or(0.0);
    let name = node.metadata.name.as_deref().unwrap_or_default();
    let taken = used
        .get(name)
        .and_then(|u| u.get(resource))
        .copied()
        .unwrap_or(0.0);
    alloc - taken
}

fn labels(node: &Node) -> BTreeMap<String, String> {
    node.metadata.labels.clone().unwrap_or_default()
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

fn requirement_holds(req: &NodeSelectorRequirement, value: Option<&String>) -> bool {
    let values = req.values.as_deref().unwrap_or_default();
    let num = |s: &str| s.parse::<i64>().ok();
    match req.operator.as_str() {
        "In" => value.is_some_and(|v| values.contains(v)),
        "NotIn" => value.is_none_or(|v| !values.contains(v)),
        "Exists" => value.is_some(),
        "DoesNotExist" => value.is_none(),
        "Gt" => {
            matches!((value.and_then(|v| num(v)), values.first().and_then(|v| num(v))), (Some(a), Some(b)) if a > b)
        }
        "Lt" => {
            matches!((value.and_then(|v| num(v)), values.first().and_then(|v| num(v))), (Some(a), Some(b)) if a < b)
        }
        _ => false,
    }
}

fn term_misfits(term: &NodeSelectorTerm, node: &Node) -> Vec<Misfit> {
    let labels = labels(node);
    let mut out = Vec::new();
    for req in term.match_expressions.iter().flatten() {
        if !requirement_holds(req, labels.get(&req.key)) {
            out.push(Misfit::Label(describe_requirement(req)));
        }
    }
    for req in term.match_fields.iter().flatten() {
        let value =
            (req.key == "metadata.name").then(|| node.metadata.name.clone().unwrap_or_default());
        if !requirement_holds(req, value.as_ref()) {
            out.push(Misfit::Label(describe_requirement(req)));
        }
    }
    out
}

fn tolerates(tolerations: &[Toleration], taint: &Taint) -> bool {
    tolerations.iter().any(|t| {
        let effect_ok = t
            .effect
            .as_deref()
            .is_none_or(|e| e.is_empty() || e == taint.effect);
        let key_ok = match t.key.as_deref() {
            None | Some("") => t.operator.as_deref() == Some("Exists"),
            Some(k) => k == taint.key,
        };
        let value_ok = match t.operator.as_deref() {
            Some("Exists") => true,
            _ => {
                t.value.as_deref().unwrap_or_default() == taint.value.as_deref().unwrap_or_default()
            }
        };
        effect_ok && key_ok && value_ok
    })
}

/// `key=value:Effect`, as kubectl prints a taint.
pub fn taint_string(t: &Taint) -> String {
    match t.value.as_deref() {
        Some(v) if !v.is_empty() => format!("{}={v}:{}", t.key, t.effect),
        _ => format!("{}:{}", t.key, t.effect),
    }
}

/// Every reason `node` cannot take `pod` (empty: it fits). The RuntimeClass's
/// node selector counts as the pod's (the API server merges it at admission).
pub fn misfits(
    pod: &Pod,
    node: &Node,
    used: &BTreeMap<String, BTreeMap<String, f64>>,
    runtime_classes: &[RuntimeClass],
) -> Vec<Misfit> {
    let mut out = Vec::new();
    let Some(spec) = pod.spec.as_ref() else {
        return out;
    };
    if node.spec.as_ref().and_then(|s| s.unschedulable) == Some(true) {
        out.push(Misfit::Cordoned);
    }
    let labels = labels(node);
    let mut selector: BTreeMap<String, String> = spec.node_selector.clone().unwrap_or_default();
    let mut tolerations = spec.tolerations.clone().unwrap_or_default();
    if let Some(rc) = spec.runtime_class_name.as_deref().and_then(|n| {
        runtime_classes
            .iter()
            .find(|r| r.metadata.name.as_deref() == Some(n))
    }) && let Some(s) = rc.scheduling.as_ref()
    {
        selector.extend(s.node_selector.clone().unwrap_or_default());
        tolerations.extend(s.tolerations.clone().unwrap_or_default());
    }
    for (k, v) in &selector {
        if labels.get(k) != Some(v) {
            out.push(Misfit::Label(format!("{k}={v}")));
        }
    }
    let terms = spec
        .affinity
        .as_ref()
        .and_then(|a| a.node_affinity.as_ref())
        .and_then(|n| {
            n.required_during_scheduling_ignored_during_execution
                .as_ref()
        })
        .map(|r| r.node_selector_terms.clone())
        .unwrap_or_default();
    if !terms.is_empty() {
        // Terms are ORed: report the closest one.
        let best = terms
            .iter()
            .map(|t| term_misfits(t, node))
            .min_by_key(|m| m.len())
            .unwrap_or_default();
        out.extend(best);
    }
    for taint in node
        .spec
        .as_ref()
        .and_then(|s| s.taints.as_ref())
        .into_iter()
        .flatten()
    {
        if matches!(taint.effect.as_str(), "NoSchedule" | "NoExecute")
            && !tolerates(&tolerations, taint)
        {
            out.push(Misfit::Taint(taint_string(taint)));
        }
    }
    for (resource, need) in pod_requests(pod) {
        if need <= 0.0 {
            continue;
        }
        let free = free_on(node, &resource, used);
        if free < need {
            out.push(Misfit::Insufficient {
                resource,
                free: free.max(0.0),
                need,
            });
        }
    }
    out
}

/// The GPU model short name of a node (`a100`), its raw product label, or None.
pub fn gpu_class(node: &Node) -> Option<String> {
    let labels = labels(node);
    let product = labels.get(hardware::GPU_PRODUCT_LABEL)?;
    Some(
        hardware::gpu_model_for_product(product)
            .map(|m| m.short.to_string())
            .unwrap_or_else(|| product.clone()),
    )
}

/// `a100 x 16, h100 x 8`: free GPUs per model on schedulable nodes.
pub fn free_gpus(nodes: &[Node], used: &BTreeMap<String, BTreeMap<String, f64>>) -> String {
    let mut per: BTreeMap<String, f64> = BTreeMap::new();
    for node in nodes {
        if node.spec.as_ref().and_then(|s| s.unschedulable) == Some(true) {
            continue;
        }
        let free = free_on(node, hardware::GPU_RESOURCE, used);
        if free <= 0.0 {
            continue;
        }
        let class = gpu_class(node).unwrap_or_else(|| "unlabelled".into());
        *per.entry(class).or_default() += free;
    }
    if per.is_empty() {
        return "none".into();
    }
    per.iter()
        .map(|(k, v)| format!("{k} x {}", fmt_qty(*v)))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Why `pod` fits no node, as short sentences, most decisive first.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Explanation {
    /// Nodes that would take the pod now (the scheduler may just not have run).
    pub fitting: Vec<String>,
    pub lines: Vec<String>,
    /// A taint is what keeps the pod from its closest node.
    pub taint_blocks: bool,
    /// The GPU model (short name) the pod asks for and no node has.
    pub missing_gpu: Option<String>,
}

/// Explains, per node class, why `pod` cannot be placed. `gpu` is the
/// `gpuType` the Performer asked for, when it asked for one.
pub fn explain(
    pod: &Pod,
    nodes: &[Node],
    used: &BTreeMap<String, BTreeMap<String, f64>>,
    runtime_classes: &[RuntimeClass],
    gpu: Option<&str>,
) -> Explanation {
    let mut ex = Explanation::default();
    let total = nodes.len();
    let per_node: Vec<(String, Vec<Misfit>)> = nodes
        .iter()
        .map(|n| {
            (
                n.metadata.name.clone().unwrap_or_default(),
                misfits(pod, n, used, runtime_classes),
            )
        })
        .collect();
    ex.fitting = per_node
        .iter()
        .filter(|(_, m)| m.is_empty())
        .map(|(n, _)| n.clone())
        .collect();
    if !ex.fitting.is_empty() {
        ex.lines.push(format!(
            "{} of {total} nodes fit now ({}); the scheduler has not placed it yet",
            ex.fitting.len(),
            ex.fitting.join(", ")
        ));
        return ex;
    }
    let wants_gpu = pod_requests(pod)
        .get(hardware::GPU_RESOURCE)
        .is_some_and(|n| *n > 0.0);
    // Requirements no node meets at all: the decisive ones.
    let mut impossible: Vec<String> = Vec::new();
    for (_, m) in &per_node {
        for misfit in m {
            if let Misfit::Label(want) = misfit
                && !impossible.contains(want)
                && per_node.iter().all(|(_, other)| other.contains(misfit))
            {
                impossible.push(want.clone());
            }
        }
    }
    for want in &impossible {
        let is_gpu = want.starts_with(hardware::GPU_PRODUCT_LABEL);
        let subject = match (is_gpu, gpu) {
            (true, Some(g)) => {
                let short = hardware::gpu_model(g)
                    .map(|m| m.short.to_string())
                    .unwrap_or_else(|| g.to_string());
                ex.missing_gpu = Some(short.clone());
                format!("{short} requested")
            }
            _ => "required".to_string(),
        };
        let mut line = format!("{subject}: 0 of {total} nodes have {want}");
        if is_gpu && wants_gpu {
            line.push_str(&format!(
                "; GPU nodes with free GPUs: {}",
                free_gpus(nodes, used)
            ));
        }
        ex.lines.push(line);
    }
    // Nodes whose labels match but something else (taint, room, cordon) is in the way.
    for (name, m) in &per_node {
        if !m.is_empty() && m.iter().all(Misfit::is_near) {
            for misfit in m {
                if matches!(misfit, Misfit::Taint(_)) {
                    ex.taint_blocks = true;
                }
                ex.lines.push(format!("node {name} {}", misfit.describe()));
            }
        }
    }
    if ex.lines.is_empty() {
        // Every node lacks something, but no single requirement is missing everywhere.
        // Labels first: a node without the hardware lacks its resources too, which says nothing new.
        let labels_only = |m: &Vec<Misfit>| -> Vec<Misfit> {
            let l: Vec<Misfit> = m.iter().filter(|x| !x.is_near()).cloned().collect();
            if l.is_empty() { m.clone() } else { l }
        };
        let mut closest: Vec<(&String, Vec<Misfit>)> =
            per_node.iter().map(|(n, m)| (n, labels_only(m))).collect();
        closest.sort_by_key(|(n, m)| (m.len(), (*n).clone()));
        let shown: Vec<String> = closest
            .iter()
            .take(3)
            .map(|(n, m)| {
                format!(
                    "{n} {}",
                    m.iter()
                        .map(Misfit::describe)
                        .collect::<Vec<_>>()
                        .join(", ")
                )
            })
            .collect();
        ex.lines.push(format!(
            "no node of {total} meets every requirement; closest: {}",
            shown.join("; ")
        ));
        if wants_gpu {
            ex.lines.push(format!(
                "GPU nodes with free GPUs: {}",
                free_gpus(nodes, used)
            ));
        }
    }
    ex
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    pub(crate) fn node(
        name: &str,
        labels: serde_json::Value,
        taints: serde_json::Value,
        alloc: serde_json::Value,
    ) -> Node {
        serde_json::from_value(json!({
            "metadata": {"name": name, "labels": labels},
            "spec": {"taints": taints},
            "status": {"allocatable": alloc}
        }))
        .unwrap()
    }

    fn pod(spec: serde_json::Value) -> Pod {
        serde_json::from_value(json!({"metadata": {"name": "p", "namespace": "ns"}, "spec": spec}))
            .unwrap()
    }

    fn gpu_pod(products: &[&str], count: i32) -> Pod {
        pod(json!({
            "containers": [{"name": "c", "resources": {"limits": {"nvidia.com/gpu": count.to_string()}}}],
            "tolerations": [{"key": "nvidia.com/gpu", "operator": "Exists", "effect": "NoSchedule"}],
            "affinity": {"nodeAffinity": {"requiredDuringSchedulingIgnoredDuringExecution": {"nodeSelectorTerms": [
                {"matchExpressions": [{"key": "nvidia.com/gpu.product", "operator": "In", "values": products}]}
            ]}}}
        }))
    }

    fn cluster() -> Vec<Node> {
        vec![
            node("cpu-1", json!({}), json!([]), json!({"cpu": "8"})),
            node(
                "gpu-a100",
                json!({"nvidia.com/gpu.product": "NVIDIA-A100-SXM4-40GB"}),
                json!([]),
                json!({"nvidia.com/gpu": "8"}),
            ),
            node(
                "gpu-h100",
                json!({"nvidia.com/gpu.product": "NVIDIA-H100-80GB-HBM3"}),
                json!([{"key": "nvidia.com/gpu", "value": "present", "effect": "NoSchedule"}]),
                json!({"nvidia.com/gpu": "8"}),
            ),
            node(
                "avs-1",
                json!({"node.kubernetes.io/instance-type": "m5.2xlarge"}),
                json!([{"key": "dedicated", "value": "avs-workloads", "effect": "NoSchedule"}]),
                json!({"cpu": "8"}),
            ),
        ]
    }

    #[test]
    fn quantities_parse() {
        assert_eq!(parse_quantity("500m"), Some(0.5));
        assert_eq!(parse_quantity("64Mi"), Some(67_108_864.0));
        assert_eq!(parse_quantity("8"), Some(8.0));
        assert_eq!(parse_quantity("1e3"), Some(1000.0));
        assert_eq!(parse_quantity("x"), None);
    }

    #[test]
    fn missing_gpu_model_is_named_with_free_gpus_per_model() {
        let products: Vec<String> = hardware::gpu_model("h200").unwrap().product_values();
        let refs: Vec<&str> = products.iter().map(String::as_str).collect();
        let ex = explain(
            &gpu_pod(&refs, 1),
            &cluster(),
            &BTreeMap::new(),
            &[],
            Some("h200"),
        );
        assert!(ex.fitting.is_empty());
        assert_eq!(ex.missing_gpu.as_deref(), Some("h200"));
        assert_eq!(
            ex.lines[0],
            "h200 requested: 0 of 4 nodes have nvidia.com/gpu.product=NVIDIA-H200*; GPU nodes with free GPUs: a100 x 8, h100 x 8"
        );
    }

    #[test]
    fn used_gpus_are_not_free() {
        let running = pod(json!({
            "nodeName": "gpu-a100",
            "containers": [{"name": "c", "resources": {"limits": {"nvidia.com/gpu": "6"}}}]
        }));
        let used = used_by_node([&running]);
        assert_eq!(free_gpus(&cluster(), &used), "a100 x 2, h100 x 8");
        let ex = explain(
            &gpu_pod(&["NVIDIA-A100-SXM4-40GB"], 4),
            &cluster(),
            &used,
            &[],
            Some("a100"),
        );
        assert_eq!(
            ex.lines,
            vec!["node gpu-a100 has 2 free nvidia.com/gpu, the pod needs 4"]
        );
    }

    #[test]
    fn untolerated_taint_is_named_per_node() {
        let p = pod(json!({
            "containers": [{"name": "c"}],
            "nodeSelector": {"node.kubernetes.io/instance-type": "m5.2xlarge"}
        }));
        let ex = explain(&p, &cluster(), &BTreeMap::new(), &[], None);
        assert!(ex.taint_blocks);
        assert!(ex.lines.contains(
            &"node avs-1 has taint dedicated=avs-workloads:NoSchedule that the pod does not tolerate".to_string()
        ));
    }

    #[test]
    fn generated_gpu_toleration_covers_the_gpu_taint() {
        let ex = explain(
            &gpu_pod(&["NVIDIA-H100-80GB-HBM3"], 1),
            &cluster(),
            &BTreeMap::new(),
            &[],
            Some("h100"),
        );
        assert_eq!(ex.fitting, vec!["gpu-h100"]);
    }

    #[test]
    fn runtime_class_node_selector_counts() {
        let rc: RuntimeClass = serde_json::from_value(json!({
            "metadata": {"name": "kata"}, "handler": "kata",
            "scheduling": {"nodeSelector": {"katacontainers.io/kata-runtime": "true"}}
        }))
        .unwrap();
        let p = pod(json!({"containers": [{"name": "c"}], "runtimeClassName": "kata"}));
        let ex = explain(&p, &cluster(), &BTreeMap::new(), &[rc], None);
        assert_eq!(
            ex.lines,
            vec!["required: 0 of 4 nodes have katacontainers.io/kata-runtime=true"]
        );
    }

    #[test]
    fn no_single_missing_label_names_the_closest_nodes() {
        let p = gpu_pod(&["NVIDIA-A100-SXM4-40GB"], 1);
        let mut p2 = p.clone();
        p2.spec.as_mut().unwrap().node_selector = Some(
            [(
                "node.kubernetes.io/instance-type".to_string(),
                "m5.2xlarge".to_string(),
            )]
            .into(),
        );
        let ex = explain(&p2, &cluster(), &BTreeMap::new(), &[], Some("a100"));
        assert!(
            ex.lines[0].starts_with("no node of 4 meets every requirement; closest: "),
            "{:?}",
            ex.lines
        );
        assert!(ex.lines[0].contains("gpu-a100 lacks node.kubernetes.io/instance-type=m5.2xlarge"));
        assert_eq!(ex.lines[1], "GPU nodes with free GPUs: a100 x 8, h100 x 8");
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
}
