//! Would this pod fit on these nodes, and if not, why? A pure, simplified
//! version of the scheduler's filters (node selector, required node affinity,
//! taints, allocatable minus requested, RuntimeClass), used by
//! `performer create --check` and by the doctor. One line of reasons per node.

use std::collections::BTreeMap;

use k8s_openapi::api::core::v1::{
    Node, NodeSelectorRequirement, NodeSelectorTerm, Pod, Taint, Toleration,
};
use k8s_openapi::api::node::v1::RuntimeClass;
use k8s_openapi::apimachinery::pkg::api::resource::Quantity;

use crate::quantity::parse_milli;

/// The verdict for one node.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NodeFit {
    pub node: String,
    pub fits: bool,
    /// Why not, one short phrase each (empty when it fits).
    pub reasons: Vec<String>,
}

/// Evaluates `pod` against every node. `pods` are the cluster's pods (their
/// requests count against the node they are bound to; the pod itself is skipped).
pub fn explain(
    pod: &Pod,
    nodes: &[Node],
    pods: &[Pod],
    runtime_classes: &[RuntimeClass],
) -> Vec<NodeFit> {
    let spec = pod.spec.clone().unwrap_or_default();
    let mut node_selector = spec.node_selector.clone().unwrap_or_default();
    let mut tolerations = spec.tolerations.clone().unwrap_or_default();
    let mut requests = pod_requests(pod);
    let mut global = Vec::new();
    if let Some(rc_name) = &spec.runtime_class_name {
        match runtime_classes
            .iter()
            .find(|rc| rc.metadata.name.as_deref() == Some(rc_name))
        {
            None => global.push(format!(
                "RuntimeClass {rc_name} missing (the API server rejects the pod)"
            )),
            Some(rc) => {
                if let Some(s) = &rc.scheduling {
                    node_selector.extend(s.node_selector.clone().unwrap_or_default());
                    tolerations.extend(s.tolerations.clone().unwrap_or_default());
                }
                for (name, q) in rc
                    .overhead
                    .as_ref()
                    .and_then(|o| o.pod_fixed.clone())
                    .unwrap_or_default()
                {
                    *requests.entry(name).or_default() += parse_milli(&q.0).unwrap_or(0);
                }
            }
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
    let me = pod.metadata.name.as_deref();

    nodes
        .iter()
        .map(|node| {
            let name = node.metadata.name.clone().unwrap_or_default();
            let labels = node.metadata.labels.clone().unwrap_or_default();
            let mut reasons = global.clone();
            if node.spec.as_ref().and_then(|s| s.unschedulable) == Some(true) {
                reasons.push("node is cordoned (unschedulable)".into());
            }
            for (k, v) in &node_selector {
                match labels.get(k) {
                    Some(actual) if actual == v => {}
                    Some(actual) => reasons.push(format!(
                        "node selector mismatch: {k}={v} (node has {k}={actual})"
                    )),
                    None => reasons.push(format!(
                        "node selector mismatch: {k}={v} (node has no label {k})"
                    )),
                }
            }
            if !terms.is_empty() {
                let failures: Vec<Vec<String>> = terms
                    .iter()
                    .map(|t| term_failures(t, &name, &labels))
                    .collect();
                if failures.iter().all(|f| !f.is_empty()) {
                    // Terms are ORed: report the first term's failures.
                    reasons.extend(failures.into_iter().next().unwrap_or_default());
                }
            }
            for taint in node
                .spec
                .as_ref()
                .and_then(|s| s.taints.clone())
                .unwrap_or_default()
            {
                if (taint.effect == "NoSchedule" || taint.effect == "NoExecute")
                    && !tolerations.iter().any(|t| tolerates(t, &taint))
                {
                    reasons.push(format!("untolerated taint {}", taint_string(&taint)));
                }
            }
            reasons.extend(resource_failures(node, &name, &requests, pods, me));
            NodeFit {
                node: name,
                fits: reasons.is_empty(),
                reasons,
            }
        })
        .collect()
}

/// One line per node: `NODE  fits` or `NODE  no: reason; reason`.
pub fn report(fits: &[NodeFit]) -> String {
    let width = fits.iter().map(|f| f.node.len()).max().unwrap_or(4).max(4);
    let mut out = String::new();
    for f in fits {
        if f.fits {
            out.push_str(&format!("{:width$}  fits\n", f.node));
        } else {
            out.push_str(&format!(
                "{:width$}  no: {}\n",
                f.node,
                f.reasons.join("; ")
            ));
        }
    }
    out
}

fn taint_string(t: &Taint) -> String {
    match t.value.as_deref().filter(|v| !v.is_empty()) {
        Some(v) => format!("{}={v}:{}", t.key, t.effect),
        None => format!("{}:{}", t.key, t.effect),
    }
}

/// The scheduler's toleration matching.
fn tolerates(t: &Toleration, taint: &Taint) -> bool {
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

fn term_failures(
    term: &NodeSelectorTerm,
    node_name: &str,
    labels: &BTreeMap<String, String>,
) -> Vec<String> {
    let mut out = Vec::new();
    for req in term.match_expressions.iter().flatten() {
        if let Some(why) = requirement_failure(req, labels.get(&req.key).map(String::as_str)) {
            out.push(why);
        }
    }
    for req in term.match_fields.iter().flatten() {
        if req.key == "metadata.name"
            && let Some(why) = requirement_failure(req, Some(node_name))
        {
            out.push(why);
        }
    }
    out
}

fn requirement_failure(req: &NodeSelectorRequirement, actual: Option<&str>) -> Option<String> {
    let values = req.values.clone().unwrap_or_default();
    let list = format!("[{}]", values.join(", "));
    let key = &req.key;
    match (req.operator.as_str(), actual) {
        ("In", None) => Some(format!("missing label {key} in {list}")),
        ("In", Some(v)) if !values.iter().any(|x| x == v) => {
            Some(format!("label {key}={v} not in {list}"))
        }
        ("NotIn", Some(v)) if values.iter().any(|x| x == v) => {
            Some(format!("label {key}={v} is excluded"))
        }
        ("Exists", None) => Some(format!("missing label {key}")),
        ("DoesNotExist", Some(v)) => Some(format!("label {key}={v} must be absent")),
        (op @ ("Gt" | "Lt"), actual) => {
            let bound: Option<i64> = values.first().and_then(|v| v.parse().ok());
            let ok = match (actual.and_then(|a| a.parse::<i64>().ok()), bound) {
                (Some(a), Some(b)) => (op == "Gt" && a > b) || (op == "Lt" && a < b),
                _ => false,
            };
            (!ok).then(|| format!("label {key} not {op} {}", values.join("")))
        }
        _ => None,
    }
}

/// Requests of a pod in milli-units by resource: containers summed, init
/// containers as their maximum, limits standing in for missing requests.
pub fn pod_requests(pod: &Pod) -> BTreeMap<String, i128> {
    let Some(spec) = pod.spec.as_ref() else {
        return BTreeMap::new();
    };
    let container = |r: Option<&k8s_openapi::api::core::v1::ResourceRequirements>| {
        let mut m: BTreeMap<String, i128> = BTreeMap::new();
        if let Some(r) = r {
            let limits = r.limits.clone().unwrap_or_default();
            let requests = r.requests.clone().unwrap_or_default();
            let mut merged: BTreeMap<String, Quantity> = limits;
            merged.extend(requests);
            for (k, q) in merged {
                m.insert(k, parse_milli(&q.0).unwrap_or(0));
            }
        }
        m
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
    total
}

fn resource_failures(
    node: &Node,
    node_name: &str,
    requests: &BTreeMap<String, i128>,
    pods: &[Pod],
    me: Option<&str>,
) -> Vec<String> {
    let allocatable = node
        .status
        .as_ref()
        .and_then(|s| s.allocatable.clone())
        .unwrap_or_default();
    let running: Vec<&Pod> = pods
        .iter()
        .filter(|p| p.spec.as_ref().and_then(|s| s.node_name.as_deref()) == Some(node_name))
        .filter(|p| {
            !matches!(
                p.status.as_ref().and_then(|s| s.phase.as_deref()),
                Some("Succeeded" | "Failed")
            )
        })
        .filter(|p| me.is_none() || p.metadata.name.as_deref() != me)
        .collect();
    let mut used: BTreeMap<String, i128> = BTreeMap::new();
    for p in &running {
        for (k, v) in pod_requests(p) {
            *used.entry(k).or_default() += v;
        }
    }
    let mut out = Vec::new();
    if let Some(max_pods) = allocatable.get("pods").and_then(|q| parse_milli(&q.0))
        && (running.len() as i128 + 1) * 1000 > max_pods
    {
        out.push(format!(
            "too many pods ({} of {})",
            running.len(),
            max_pods / 1000
        ));
    }
    for (resource, asked) in requests {
        if *asked == 0 {
            continue;
        }
        let capacity = allocatable
            .get(resource)
            .and_then(|q| parse_milli(&q.0))
            .unwrap_or(0);
        let free = capacity - used.get(resource).copied().unwrap_or(0);
        if free < *asked {
            out.push(format!(
                "insufficient {resource} (free {} < asked {})",
                human(resource, free.max(0)),
                human(resource, *asked)
            ));
        }
    }
    out
}

/// A quantity for people: CPU in cores or millicores, byte-like resources in
/// binary units when exact, counts as integers.
fn human(resource: &str, milli: i128) -> String {
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
    use serde_json::json;

    fn node(
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
        let fits = explain(&gpu_pod("1"), &cluster(), &[], &[]);
        assert!(verdict(&fits, "gpu-a100").fits, "{fits:?}");
        assert_eq!(
            verdict(&fits, "cpu-1").reasons,
            vec![
                "missing label nvidia.com/gpu.product in [NVIDIA-A100-SXM4-40GB]",
                "insufficient nvidia.com/gpu (free 0 < asked 1)"
            ]
        );
        assert_eq!(
            verdict(&fits, "gpu-h100").reasons,
            vec![
                "label nvidia.com/gpu.product=NVIDIA-H100-80GB-HBM3 not in [NVIDIA-A100-SXM4-40GB]"
            ]
        );
        assert!(
            verdict(&fits, "avs-1")
                .reasons
                .contains(&"untolerated taint dedicated=avs-workloads:NoSchedule".to_string())
        );
    }

    #[test]
    fn bound_pods_use_up_allocatable() {
        let mut other = gpu_pod("2");
        other.metadata.name = Some("other".into());
        other.spec.as_mut().unwrap().node_name = Some("gpu-a100".into());
        let fits = explain(&gpu_pod("1"), &cluster(), &[other.clone()], &[]);
        assert_eq!(
            verdict(&fits, "gpu-a100").reasons,
            vec!["insufficient nvidia.com/gpu (free 0 < asked 1)"]
        );
        // A finished pod frees its GPUs; the pod itself is not counted.
        other.status = Some(serde_json::from_value(json!({"phase": "Succeeded"})).unwrap());
        assert!(
            verdict(
                &explain(&gpu_pod("1"), &cluster(), &[other], &[]),
                "gpu-a100"
            )
            .fits
        );
        let mut me = gpu_pod("2");
        me.spec.as_mut().unwrap().node_name = Some("gpu-a100".into());
        assert!(verdict(&explain(&gpu_pod("1"), &cluster(), &[me], &[]), "gpu-a100").fits);
    }

    #[test]
    fn taints_need_a_matching_toleration() {
        let plain = pod(json!({"containers": [{"name": "c"}]}));
        let fits = explain(&plain, &cluster(), &[], &[]);
        assert!(verdict(&fits, "cpu-1").fits);
        assert_eq!(
            verdict(&fits, "gpu-h100").reasons,
            vec!["untolerated taint nvidia.com/gpu=present:NoSchedule"]
        );
        let tolerant = pod(json!({"containers": [{"name": "c"}],
            "tolerations": [{"key": "dedicated", "operator": "Equal", "value": "avs-workloads", "effect": "NoSchedule"}]}));
        assert!(verdict(&explain(&tolerant, &cluster(), &[], &[]), "avs-1").fits);
        let wrong = pod(json!({"containers": [{"name": "c"}],
            "tolerations": [{"key": "dedicated", "operator": "Equal", "value": "other"}]}));
        assert!(!verdict(&explain(&wrong, &cluster(), &[], &[]), "avs-1").fits);
        let everything =
            pod(json!({"containers": [{"name": "c"}], "tolerations": [{"operator": "Exists"}]}));
        assert!(
            explain(&everything, &cluster(), &[], &[])
                .iter()
                .all(|f| f.fits)
        );
    }

    #[test]
    fn node_selectors_and_runtime_classes() {
        let p = pod(json!({"containers": [{"name": "c"}], "nodeSelector": {"zone": "a"}}));
        let fits = explain(&p, &cluster(), &[], &[]);
        assert_eq!(
            verdict(&fits, "cpu-1").reasons,
            vec!["node selector mismatch: zone=a (node has no label zone)"]
        );
        let kata = pod(
            json!({"containers": [{"name": "c", "resources": {"requests": {"cpu": "7900m"}}}],
            "runtimeClassName": "kata-qemu-tdx"}),
        );
        let fits = explain(&kata, &cluster(), &[], &[]);
        assert!(verdict(&fits, "cpu-1").reasons.contains(
            &"RuntimeClass kata-qemu-tdx missing (the API server rejects the pod)".to_string()
        ));
        let rc: RuntimeClass = serde_json::from_value(json!({
            "metadata": {"name": "kata-qemu-tdx"}, "handler": "kata",
            "overhead": {"podFixed": {"cpu": "250m"}},
            "scheduling": {"nodeSelector": {"katacontainers.io/kata-runtime": "true"}}
        }))
        .unwrap();
        let fits = explain(&kata, &cluster(), &[], &[rc]);
        assert_eq!(
            verdict(&fits, "cpu-1").reasons,
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
        let fits = explain(&p, &cluster(), &[], &[]);
        assert!(verdict(&fits, "cpu-1").fits);
        assert!(verdict(&fits, "gpu-a100").fits);
        assert_eq!(
            verdict(&fits, "avs-1").reasons[0],
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
}
