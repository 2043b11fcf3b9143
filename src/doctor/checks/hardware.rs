use super::*;

pub(super) fn gpu_nodes(s: &Snapshot) -> Vec<Finding> {
    let nodes = match &s.nodes {
        Ok(n) => n,
        Err(m) => return vec![Finding::skipped(None, format!("skipped: {}", m.reason()))],
    };
    let gpu_nodes: Vec<_> = nodes
        .iter()
        .filter(|n| {
            let l = n.metadata.labels.clone().unwrap_or_default();
            l.contains_key(crate::hardware::GPU_PRODUCT_LABEL)
                || l.get("nvidia.com/gpu.present").is_some_and(|v| v == "true")
        })
        .collect();
    if gpu_nodes.is_empty() {
        return vec![Finding::pass(
            None,
            format!(
                "no GPU nodes (none of {} nodes has {})",
                nodes.len(),
                crate::hardware::GPU_PRODUCT_LABEL
            ),
        )];
    }
    let mut out = Vec::new();
    for n in &gpu_nodes {
        let name = n.metadata.name.clone().unwrap_or_default();
        // Whole GPUs, MIG slices (mixed strategy), time-sliced replicas or passed-through GPUs.
        let alloc: i128 = n
            .status
            .as_ref()
            .and_then(|st| st.allocatable.as_ref())
            .into_iter()
            .flat_map(|a| a.keys())
            .filter(|r| crate::hardware::is_gpu_resource(r))
            .map(|r| scheduling::free_on(n, r, &Usage::default()))
            .sum();
        if alloc <= 0 {
            out.push(Finding::problem(
                Some(format!("node/{name}")),
                format!("node {name} is labelled as a GPU node but has no allocatable {}", crate::hardware::GPU_RESOURCE),
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
                crate::hardware::GPU_RESOURCE,
                scheduling::free_gpus(nodes, &Usage::default())
            ),
        ));
    }
    out
}

/// Which route a GPU Performer's devices take; through DRA, whether the DeviceClass exists
/// and which nodes publish enough free matching devices (the simulator's count).
pub(super) fn gpu_route(s: &Snapshot) -> Vec<Finding> {
    let devices = devices(s);
    per_performer(
        s,
        |p| {
            let hw = p.spec.hardware_requirements.as_ref()?;
            let gpu_type = hw.gpu_type.as_deref()?;
            let Some(claim) = crate::render::performer::dra_gpu_claim(p) else {
                let resource = gpu_resource(p);
                return Some(Finding::pass(
                    Some(pobj(p)),
                    format!("{gpu_type}: through the device plugin ({resource})"),
                ));
            };
            let class = &claim.device_class;
            match &s.device_classes {
                Err(m) => return Some(skipped_for(pobj(p), m)),
                Ok(classes)
                    if !classes
                        .iter()
                        .any(|c| c.metadata.name.as_deref() == Some(class)) =>
                {
                    return Some(Finding::problem(
                        Some(pobj(p)),
                        format!("{gpu_type}: through DRA, but DeviceClass {class} does not exist"),
                        format!(
                            "install the NVIDIA DRA driver for GPUs (it creates DeviceClass {}), set hardwareRequirements.deviceClassName to one of `kubectl get deviceclasses`, or use gpuAllocation DevicePlugin",
                            crate::hardware::DRA_GPU_DRIVER
                        ),
                    ));
                }
                Ok(_) => {}
            }
            if let Err(m) = &s.resource_slices {
                return Some(skipped_for(pobj(p), m));
            }
            let mut having: Vec<String> = s
                .nodes
                .iter()
                .flatten()
                .filter_map(|n| n.metadata.name.clone())
                .filter(|n| {
                    devices.free_for(n, &claim) >= usize::try_from(claim.count).unwrap_or(0)
                })
                .collect();
            having.sort();
            // Its own pod's claim holds its devices once allocated.
            let ns = p.metadata.namespace.as_deref().unwrap_or_default();
            let name = p.metadata.name.as_deref().unwrap_or_default();
            let scheduled = s.pods_of(ns, name).iter().any(|pod| {
                pod.spec
                    .as_ref()
                    .and_then(|sp| sp.node_name.as_ref())
                    .is_some()
            });
            if having.is_empty() && !scheduled {
                return Some(Finding::problem(
                    Some(pobj(p)),
                    format!(
                        "{gpu_type}: through DRA (DeviceClass {class}), but no node publishes {} free matching device(s)",
                        claim.count
                    ),
                    format!(
                        "`kubectl get resourceslices` shows what DRA drivers publish; free {gpu_type} devices or lower gpuCount"
                    ),
                ));
            }
            Some(Finding::pass(
                Some(pobj(p)),
                if having.is_empty() {
                    format!(
                        "{gpu_type}: through DRA (DeviceClass {class}); its pod holds its devices"
                    )
                } else {
                    format!(
                        "{gpu_type}: through DRA (DeviceClass {class}); free on {}",
                        having.join(", ")
                    )
                },
            ))
        },
        "no Performer requests GPUs",
    )
}

pub(super) fn gpu_model(s: &Snapshot) -> Vec<Finding> {
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
                .filter(|n| node_has_gpu(n, p))
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
                .and_then(|e| {
                    e.into_iter()
                        .find(|r| r.key == crate::hardware::GPU_PRODUCT_LABEL)
                })
                .map(|r| scheduling::describe_requirement(&r))
                .unwrap_or_else(|| format!("{}={gpu_type}", crate::hardware::GPU_PRODUCT_LABEL));
            let free = if s.pods_cluster_wide {
                scheduling::free_gpus(nodes, &used(s))
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

pub(super) fn gpu_free(s: &Snapshot) -> Vec<Finding> {
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
                .filter(|n| node_has_gpu(n, p))
                .map(|n| {
                    (
                        scheduling::free_on(n, &gpu_resource(p), &used),
                        n.metadata.name.clone().unwrap_or_default(),
                    )
                })
                .max_by_key(|(free, _)| *free);
            let short = gpu_short(&gpu_type);
            let best =
                best.map(|(free, node)| (free, node, scheduling::human(&gpu_resource(p), free)));
            match best {
                None => Some(Finding::skipped(
                    Some(pobj(p)),
                    format!("skipped: no node has {short} (see hardware.gpu-model)"),
                )),
                Some((free, node, shown)) if free >= i128::from(count) * 1000 => {
                    Some(Finding::pass(
                        Some(pobj(p)),
                        format!("{short} x {count} requested: {node} has {shown} free"),
                    ))
                }
                Some((_, node, shown)) => Some(Finding::problem(
                    Some(pobj(p)),
                    format!(
                        "{short} x {count} requested: the most free on one {short} node is {shown} ({node})"
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

pub(super) fn hardware_taints(s: &Snapshot) -> Vec<Finding> {
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
                let gpu_ok = gpu.is_none() || node_has_gpu(n, p);
                let tee_ok = tee.is_none() || node_has_tee(&labels, p);
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
                for m in scheduling::misfits(&bare, n, &Usage::default(), &[]) {
                    if let scheduling::Misfit::Taint(t) = m {
                        blocked.push((
                            n.metadata.name.clone().unwrap_or_default(),
                            scheduling::taint_string(&t),
                        ));
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

pub(super) fn tee_nodes(s: &Snapshot) -> Vec<Finding> {
    per_performer(
        s,
        |p| {
            let tee = tee_request(p)?;
            let nodes = match &s.nodes {
                Ok(n) => n,
                Err(m) => return Some(skipped_for(pobj(p), m)),
            };
            let profile = tee.profile();
            // The labels the generated pod requires (see render::performer).
            let terms = tee_terms(p);
            let want = terms
                .iter()
                .map(|t| {
                    t.iter()
                        .map(scheduling::describe_requirement)
                        .collect::<Vec<_>>()
                        .join(" and ")
                })
                .collect::<Vec<_>>()
                .join(" or ");
            let (key, value) = terms
                .first()
                .and_then(|t| t.first())
                .map(|r| {
                    (
                        r.key.clone(),
                        r.values
                            .iter()
                            .flatten()
                            .next()
                            .cloned()
                            .unwrap_or_default(),
                    )
                })
                .unwrap_or_default();
            let having: Vec<String> = nodes
                .iter()
                .filter(|n| node_has_tee(&n.metadata.labels.clone().unwrap_or_default(), p))
                .filter_map(|n| n.metadata.name.clone())
                .collect();
            if having.is_empty() {
                Some(Finding::problem(
                    Some(pobj(p)),
                    format!(
                        "{} requested: 0 of {} nodes have {want}",
                        profile.name,
                        nodes.len()
                    ),
                    if node_mode(p) {
                        format!(
                            "add confidential VM nodes ({} GKE Confidential nodes or Azure confidential VMs), or run it in Kata on a {} host: remove hardwareRequirements.teeMode (`{}`)",
                            profile.display,
                            profile.display,
                            edit_performer(p)
                        )
                    } else {
                        format!(
                            "install Node Feature Discovery on {} nodes, or label one: `kubectl label node NODE {key}={value}`",
                            profile.display
                        )
                    },
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

pub(super) fn runtime_class(s: &Snapshot) -> Vec<Finding> {
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

/// The node affinity terms the Performer's TEE request adds (any one; empty: none).
fn tee_terms(p: &Performer) -> Vec<Vec<k8s_openapi::api::core::v1::NodeSelectorRequirement>> {
    p.spec
        .hardware_requirements
        .as_ref()
        .and_then(|hw| hw.tee_request(None))
        .and_then(|t| t.placement().ok())
        .map(|t| t.terms)
        .unwrap_or_default()
}

/// Whether the Performer asks for a confidential VM node rather than a Kata runtime class.
fn node_mode(p: &Performer) -> bool {
    p.spec
        .hardware_requirements
        .as_ref()
        .and_then(|hw| hw.tee_request(None))
        .is_some_and(|t| t.tee != TeeType::Sgx && t.mode() == crate::hardware::TeeMode::Node)
}

/// Whether a node carries what the Performer's TEE request requires.
fn node_has_tee(labels: &std::collections::BTreeMap<String, String>, p: &Performer) -> bool {
    let terms = tee_terms(p);
    terms.is_empty() || crate::hardware::terms_hold(&terms, labels)
}

#[cfg(test)]
mod tests {
    use super::super::fixtures::*;

    fn dra_h100(count: i32) -> Performer {
        performer(
            "dra",
            with(
                base_spec(),
                json!({"hardwareRequirements": {"gpuType": "h100", "gpuCount": count, "gpuAllocation": "Dra"}}),
            ),
        )
    }

    #[test]
    fn the_gpu_route_is_named_and_a_dra_request_needs_its_device_class_and_devices() {
        let mut s = snap();
        let plugin = performer(
            "plugin",
            with(
                base_spec(),
                json!({"hardwareRequirements": {"gpuType": "h100"}}),
            ),
        );
        s.performers = Ok(vec![plugin, dra_h100(2)]);
        let r = results(&s);
        let route = |r: &[CheckResult], object: &str| {
            r.iter()
                .find(|c| c.id == "hardware.gpu-route" && c.object.as_deref() == Some(object))
                .unwrap()
                .clone()
        };
        let plugin = route(&r, "performer/ns/plugin");
        assert_eq!(plugin.status, Status::Pass);
        assert_eq!(
            plugin.message,
            "h100: through the device plugin (nvidia.com/gpu)"
        );
        let dra = route(&r, "performer/ns/dra");
        assert_eq!(dra.status, Status::Fail);
        assert_eq!(
            dra.message,
            "h100: through DRA, but DeviceClass gpu.nvidia.com does not exist"
        );
        assert!(dra.hint.as_deref().unwrap().contains("NVIDIA DRA driver"));
        // The device-plugin checks leave a DRA Performer alone (no GFD labels needed).
        assert!(!r.iter().any(|c| c.id == "hardware.gpu-model"
            && c.object.as_deref() == Some("performer/ns/dra")
            && c.status == Status::Fail));

        // The class exists; one node publishes one whole H100 and a slice: not enough for two.
        s.device_classes = Ok(vec![
            serde_json::from_value(json!({"metadata": {"name": "gpu.nvidia.com"}, "spec": {}}))
                .unwrap(),
        ]);
        let slice = |devices: Value| {
            serde_json::from_value(json!({
                "metadata": {"name": "cpu-1-gpu"},
                "spec": {"driver": "gpu.nvidia.com", "nodeName": "cpu-1",
                         "pool": {"name": "cpu-1", "generation": 1, "resourceSliceCount": 1},
                         "devices": devices},
            }))
            .unwrap()
        };
        let h100 = |name: &str, kind: &str| {
            json!({"name": name, "attributes": {
                "productName": {"string": "NVIDIA H100 80GB HBM3"}, "type": {"string": kind}}})
        };
        s.resource_slices = Ok(vec![slice(json!([
            h100("gpu-0", "gpu"),
            h100("mig-0", "mig")
        ]))]);
        let dra = route(&results(&s), "performer/ns/dra");
        assert_eq!(dra.status, Status::Fail);
        assert_eq!(
            dra.message,
            "h100: through DRA (DeviceClass gpu.nvidia.com), but no node publishes 2 free matching device(s)"
        );
        s.resource_slices = Ok(vec![slice(json!([
            h100("gpu-0", "gpu"),
            h100("gpu-1", "gpu")
        ]))]);
        let dra = route(&results(&s), "performer/ns/dra");
        assert_eq!(dra.status, Status::Pass);
        assert_eq!(
            dra.message,
            "h100: through DRA (DeviceClass gpu.nvidia.com); free on cpu-1"
        );
    }

    #[test]
    fn h200_requested_names_the_model_and_the_free_gpus() {
        let mut s = snap();
        let p = performer(
            "h200",
            with(
                base_spec(),
                json!({"hardwareRequirements": {"gpuType": "h200"}}),
            ),
        );
        s.pods = Ok(vec![pod_of(&p, None, pending_status())]);
        s.performers = Ok(vec![p]);
        let r = results(&s);
        let model = one(&r, "hardware.gpu-model");
        assert_eq!(model.status, Status::Fail);
        assert_eq!(
            model.message,
            "h200 requested: 0 of 5 nodes have nvidia.com/gpu.product=NVIDIA-H200*; GPU nodes with free GPUs: a100 x 8, h100 x 8"
        );
        assert!(
            model
                .hint
                .as_deref()
                .unwrap()
                .contains("gpuType: a100, h100")
        );
        let sched = one(&r, "workload.performer.unschedulable");
        assert_eq!(sched.status, Status::Fail);
        assert!(
            sched
                .message
                .contains("h200 requested: 0 of 5 nodes have nvidia.com/gpu.product=NVIDIA-H200*"),
            "{}",
            sched.message
        );
        assert!(
            sched
                .hint
                .as_deref()
                .unwrap()
                .contains("kubectl -n ns edit performer h200")
        );
    }

    #[test]
    fn untolerated_taint_is_named() {
        let mut s = snap();
        let p = performer(
            "avs",
            with(
                base_spec(),
                json!({"scheduling": {"nodeSelector": {"node.kubernetes.io/instance-type": "m5.2xlarge"}}}),
            ),
        );
        s.pods = Ok(vec![pod_of(&p, None, pending_status())]);
        s.performers = Ok(vec![p]);
        let r = results(&s);
        let sched = one(&r, "workload.performer.unschedulable");
        assert!(
            sched.message.contains(
                "node avs-1 has taint dedicated=avs-workloads:NoSchedule that the pod does not tolerate"
            ),
            "{}",
            sched.message
        );
        assert!(
            sched
                .hint
                .as_deref()
                .unwrap()
                .contains("spec.scheduling.tolerations")
        );
    }

    #[test]
    fn gpu_taint_is_tolerated_by_the_generated_pod() {
        let mut s = snap();
        s.performers = Ok(vec![performer(
            "h",
            with(
                base_spec(),
                json!({"hardwareRequirements": {"gpuType": "h100"}}),
            ),
        )]);
        let r = results(&s);
        assert_eq!(one(&r, "hardware.taints").status, Status::Pass);
        assert_eq!(one(&r, "hardware.gpu-model").status, Status::Pass);
        assert_eq!(one(&r, "hardware.gpu-free").status, Status::Pass);
    }

    #[test]
    fn not_enough_free_gpus() {
        let mut s = snap();
        let hog = performer(
            "hog",
            with(
                base_spec(),
                json!({"hardwareRequirements": {"gpuType": "a100", "gpuCount": 6}}),
            ),
        );
        let want = performer(
            "want",
            with(
                base_spec(),
                json!({"hardwareRequirements": {"gpuType": "a100", "gpuCount": 4}}),
            ),
        );
        s.pods = Ok(vec![pod_of(&hog, Some("gpu-a100-40gb"), ready_status())]);
        s.performers = Ok(vec![hog, want]);
        let r = results(&s);
        let free = only(&r, "hardware.gpu-free");
        assert_eq!(free[0].status, Status::Pass);
        assert_eq!(free[1].status, Status::Fail);
        assert_eq!(
            free[1].message,
            "a100 x 4 requested: the most free on one a100 node is 2 (gpu-a100-40gb)"
        );
    }

    #[test]
    fn tee_label_and_runtime_class() {
        let mut s = snap();
        s.performers = Ok(vec![
            performer(
                "sgx",
                with(
                    base_spec(),
                    json!({"hardwareRequirements": {"teeRequired": true, "teeType": "sgx"}}),
                ),
            ),
            performer(
                "snp",
                with(
                    base_spec(),
                    json!({"hardwareRequirements": {"teeRequired": true, "teeType": "sev-snp"}}),
                ),
            ),
            performer(
                "tdx",
                with(
                    base_spec(),
                    json!({"hardwareRequirements": {"teeRequired": true, "teeType": "tdx"}}),
                ),
            ),
        ]);
        let r = results(&s);
        let tee = only(&r, "hardware.tee-nodes");
        assert_eq!(tee[0].status, Status::Pass);
        assert_eq!(tee[1].status, Status::Fail);
        assert!(tee[1].message.starts_with("sev-snp requested: 0 of 5 nodes have feature.node.kubernetes.io/cpu-security.sev.snp.enabled=true"));
        let rc = only(&r, "hardware.runtime-class");
        assert_eq!(rc.len(), 2, "sgx needs no runtime class");
        assert_eq!(rc[0].object.as_deref(), Some("performer/ns/snp"));
        assert!(
            rc[0]
                .message
                .starts_with("RuntimeClass kata-qemu-snp (from teeType sev-snp) does not exist"),
            "{}",
            rc[0].message
        );
        assert!(rc[0].hint.as_deref().unwrap().contains("kata-deploy"));
        // kata-qemu-tdx exists but selects nodes nobody has.
        assert!(
            rc[1]
                .message
                .contains("katacontainers.io/kata-runtime=true: 0 of 5 nodes have them"),
            "{}",
            rc[1].message
        );
    }

    #[test]
    fn explicit_missing_runtime_class() {
        let mut s = snap();
        s.performers = Ok(vec![performer(
            "rc",
            with(
                base_spec(),
                json!({"scheduling": {"runtimeClass": "gvisor"}}),
            ),
        )]);
        let r = one(&results(&s), "hardware.runtime-class").clone();
        assert_eq!(r.status, Status::Fail);
        assert!(
            r.message.starts_with(
                "RuntimeClass gvisor (from spec.scheduling.runtimeClass) does not exist"
            )
        );
        assert!(r.hint.unwrap().contains("kubectl get runtimeclasses"));
    }

    #[test]
    fn gpu_node_without_device_plugin() {
        let mut s = snap();
        let mut n = nodes();
        n.push(node(
            "gpu-broken",
            json!({"nvidia.com/gpu.product": "NVIDIA-L4"}),
            json!([]),
            json!({"cpu": "8"}),
        ));
        s.nodes = Ok(n);
        let r = one(&results(&s), "hardware.gpu-nodes").clone();
        assert_eq!(r.status, Status::Warn);
        assert_eq!(r.object.as_deref(), Some("node/gpu-broken"));
        assert!(r.hint.unwrap().contains("device plugin"));
    }
}
