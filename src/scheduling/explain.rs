//! The doctor's rendering of the simulator: why a pod fits no node, in
//! hgctl's words rather than the scheduler's `0/10 nodes are available`:
//! which label, which taint, how many free GPUs, and the closest nodes.

use std::collections::BTreeMap;

use k8s_openapi::api::core::v1::{Node, Pod};
use k8s_openapi::api::node::v1::RuntimeClass;

use super::{Misfit, NodeFit, Usage, fits_of, free_on, human, pod_requests, taint_string};
use crate::hardware;

/// A misfit as the doctor words it, after `node NAME`.
pub fn describe(m: &Misfit) -> String {
    match m {
        Misfit::Cordoned => "is cordoned (unschedulable)".into(),
        Misfit::MissingRuntimeClass(rc) => {
            format!("cannot run RuntimeClass {rc}, which does not exist")
        }
        Misfit::Selector { .. } | Misfit::Affinity { .. } => {
            format!("lacks {}", m.wanted_label().unwrap_or_default())
        }
        Misfit::Taint(t) => format!(
            "has taint {} that the pod does not tolerate",
            taint_string(t)
        ),
        Misfit::Insufficient {
            resource,
            free,
            need,
        } if *free <= 0 => format!(
            "has no free {resource} (the pod needs {})",
            human(resource, *need)
        ),
        Misfit::Insufficient {
            resource,
            free,
            need,
        } => format!(
            "has {} free {resource}, the pod needs {}",
            human(resource, *free),
            human(resource, *need)
        ),
        Misfit::TooManyPods { running, max } => {
            format!("runs {running} pods, its maximum is {max}")
        }
        Misfit::MissingDeviceClass(class) => {
            format!("cannot serve DeviceClass {class}, which does not exist")
        }
        Misfit::NoDevices { class, free, need } => format!(
            "publishes {free} free device(s) of DeviceClass {class} matching the claim, the pod needs {need}"
        ),
    }
}

/// Misfits that a node "almost fitting" can have: the pod's labels match
/// (a missing RuntimeClass is the pod's fault, not the node's: said once).
fn is_near(m: &Misfit) -> bool {
    m.wanted_label().is_none()
        && !matches!(
            m,
            Misfit::MissingRuntimeClass(_) | Misfit::MissingDeviceClass(_)
        )
}

/// The GPU model short name of a node (`a100`), its raw product label, or None.
pub fn gpu_class(node: &Node) -> Option<String> {
    let labels = node.metadata.labels.as_ref()?;
    if let Some(product) = labels.get(hardware::GPU_PRODUCT_LABEL) {
        return Some(
            hardware::gpu_model_for_product(product)
                .map(|m| m.short.to_string())
                .unwrap_or_else(|| product.clone()),
        );
    }
    // GKE, Karpenter and AKS nodes without GPU Feature Discovery.
    hardware::node_gpu_model(labels).map(|m| m.short.to_string())
}

/// `a100 x 16, h100 x 8`: free GPUs per model on schedulable nodes.
pub fn free_gpus(nodes: &[Node], used: &Usage) -> String {
    let mut per: BTreeMap<String, i128> = BTreeMap::new();
    for node in nodes {
        if node.spec.as_ref().and_then(|s| s.unschedulable) == Some(true) {
            continue;
        }
        let free = free_on(node, hardware::GPU_RESOURCE, used);
        if free <= 0 {
            continue;
        }
        let class = gpu_class(node).unwrap_or_else(|| "unlabelled".into());
        *per.entry(class).or_default() += free;
    }
    if per.is_empty() {
        return "none".into();
    }
    per.iter()
        .map(|(k, v)| format!("{k} x {}", human(hardware::GPU_RESOURCE, *v)))
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
    used: &Usage,
    runtime_classes: &[RuntimeClass],
    gpu: Option<&str>,
) -> Explanation {
    let fits = fits_of(pod, nodes, used, runtime_classes);
    explain_fits(pod, nodes, &fits, used, gpu)
}

/// The explanation of verdicts already made (one [`NodeFit`] per node of `nodes`).
pub fn explain_fits(
    pod: &Pod,
    nodes: &[Node],
    fits: &[NodeFit],
    used: &Usage,
    gpu: Option<&str>,
) -> Explanation {
    let mut ex = Explanation::default();
    let total = nodes.len();
    let per_node: Vec<(&String, &Vec<Misfit>)> =
        fits.iter().map(|f| (&f.node, &f.misfits)).collect();
    ex.fitting = fits
        .iter()
        .filter(|f| f.fits())
        .map(|f| f.node.clone())
        .collect();
    if !ex.fitting.is_empty() {
        ex.lines.push(format!(
            "{} of {total} nodes fit now ({}); the scheduler has not placed it yet",
            ex.fitting.len(),
            ex.fitting.join(", ")
        ));
        return ex;
    }
    let wants_gpu = pod_requests(pod, &[])
        .get(hardware::GPU_RESOURCE)
        .is_some_and(|n| *n > 0);
    let no_runtime_class = per_node
        .iter()
        .flat_map(|(_, m)| m.iter())
        .find_map(|m| match m {
            Misfit::MissingRuntimeClass(rc) => Some(rc),
            _ => None,
        });
    // Requirements no node meets at all: the decisive ones.
    let mut impossible: Vec<String> = Vec::new();
    for (_, m) in per_node.iter() {
        for misfit in m.iter() {
            if let Some(want) = misfit.wanted_label()
                && !impossible.contains(&want)
                && per_node.iter().all(|(_, other)| {
                    other
                        .iter()
                        .any(|o| o.wanted_label().as_ref() == Some(&want))
                })
            {
                impossible.push(want);
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
        if m.iter().any(is_near) && m.iter().all(|x| x.wanted_label().is_none()) {
            for misfit in m.iter().filter(|x| is_near(x)) {
                if matches!(misfit, Misfit::Taint(_)) {
                    ex.taint_blocks = true;
                }
                ex.lines.push(format!("node {name} {}", describe(misfit)));
            }
        }
    }
    if ex.lines.is_empty() {
        // Every node lacks something, but no single requirement is missing everywhere.
        // Labels first: a node without the hardware lacks its resources too, which says nothing new.
        let labels_only = |m: &Vec<Misfit>| -> Vec<Misfit> {
            let l: Vec<Misfit> = m
                .iter()
                .filter(|x| x.wanted_label().is_some())
                .cloned()
                .collect();
            if l.is_empty() { m.clone() } else { l }
        };
        let mut closest: Vec<(&String, Vec<Misfit>)> =
            per_node.iter().map(|(n, m)| (*n, labels_only(m))).collect();
        closest.sort_by_key(|(n, m)| (m.len(), (*n).clone()));
        let shown: Vec<String> = closest
            .iter()
            .take(3)
            .map(|(n, m)| {
                format!(
                    "{n} {}",
                    m.iter().map(describe).collect::<Vec<_>>().join(", ")
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
    if let Some(rc) = no_runtime_class {
        let line = format!("RuntimeClass {rc} does not exist (the API server rejects the pod)");
        ex.lines.insert(0, line);
    }
    ex
}

#[cfg(test)]
mod tests {
    use super::super::tests::node;
    use super::*;
    use serde_json::json;

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
    fn missing_gpu_model_is_named_with_free_gpus_per_model() {
        let products: Vec<String> = hardware::gpu_model("h200").unwrap().product_values();
        let refs: Vec<&str> = products.iter().map(String::as_str).collect();
        let ex = explain(
            &gpu_pod(&refs, 1),
            &cluster(),
            &Usage::default(),
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
        let used = Usage::of([&running], None);
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
        let ex = explain(&p, &cluster(), &Usage::default(), &[], None);
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
            &Usage::default(),
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
        let ex = explain(&p, &cluster(), &Usage::default(), &[rc], None);
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
        let ex = explain(&p2, &cluster(), &Usage::default(), &[], Some("a100"));
        assert!(
            ex.lines[0].starts_with("no node of 4 meets every requirement; closest: "),
            "{:?}",
            ex.lines
        );
        assert!(ex.lines[0].contains("gpu-a100 lacks node.kubernetes.io/instance-type=m5.2xlarge"));
        assert_eq!(ex.lines[1], "GPU nodes with free GPUs: a100 x 8, h100 x 8");
    }

    #[test]
    fn a_missing_runtime_class_is_said_once_before_the_nodes() {
        let p = pod(json!({"containers": [{"name": "c"}], "runtimeClassName": "kata"}));
        let ex = explain(&p, &cluster(), &Usage::default(), &[], None);
        assert_eq!(
            ex.lines[0],
            "RuntimeClass kata does not exist (the API server rejects the pod)"
        );
        assert!(
            ex.lines[1..].iter().all(|l| !l.contains("kata")),
            "{:?}",
            ex.lines
        );
        assert!(ex.lines.contains(
            &"node gpu-h100 has taint nvidia.com/gpu=present:NoSchedule that the pod does not tolerate".to_string()
        ));
    }
}
