//! End-to-end tests of the hardware table on the inventory's node classes, one per labelling
//! scheme (issue #18): MIG single and mixed, time-sliced GPUs, GKE, Karpenter and AKS without
//! GPU Feature Discovery, a confidential VM node, SGX through Intel's quote-provider webhook and
//! confidential GPUs, and DRA (a DeviceClass in the inventory, a ResourceSlice the tests
//! publish). For each: `performer create --check` names the fitting nodes, the created
//! Performer lands on exactly one of those, and `doctor` passes its hardware checks; and for
//! every node of the inventory the simulator's verdict is what kube-scheduler does with the pod.

mod common;

use std::collections::BTreeSet;
use std::time::Duration;

use common::cli::{hgctl, text};
use common::cluster::{self, TestNamespace, wait_for};
use common::dra;
use common::run_local::{RunLocal, install_crds};
use hgctl::api::Performer;
use k8s_openapi::api::core::v1::{
    Node, NodeAffinity, NodeSelector, NodeSelectorRequirement, NodeSelectorTerm, Pod,
};
use k8s_openapi::api::node::v1::RuntimeClass;
use k8s_openapi::api::resource::v1::{
    DeviceClass, ResourceClaim, ResourceClaimTemplate, ResourceSlice,
};
use kube::api::{Api, ListParams, Patch, PatchParams, PostParams};
use serde_json::Value;

const AVS: &str = "0x1234567890abcdef1234567890abcdef12345678";

/// One scheme: a name, the `create` flags, the `hardwareRequirements` they write (and the
/// resources), and the inventory nodes it fits.
struct Scheme {
    name: &'static str,
    flags: &'static [&'static str],
    fits: &'static [&'static str],
}

const SCHEMES: &[Scheme] = &[
    Scheme {
        name: "whole-a100",
        flags: &["--gpu", "a100"],
        fits: &["gpu-a100-40gb"],
    },
    Scheme {
        name: "mig-single",
        flags: &["--gpu", "a100:mig-1g.5gb"],
        fits: &["gpu-a100-mig-single"],
    },
    Scheme {
        name: "mig-mixed",
        flags: &[
            "--gpu",
            "a100-80gb:mig-1g.10gb:2",
            "--mig-strategy",
            "mixed",
        ],
        fits: &["gpu-a100-mig-mixed"],
    },
    Scheme {
        name: "shared-l4",
        flags: &["--gpu", "l4", "--gpu-shared"],
        fits: &["gpu-l4-shared"],
    },
    Scheme {
        name: "gke-l4",
        flags: &["--gpu", "l4"],
        fits: &["gke-l4"],
    },
    Scheme {
        name: "karpenter-l40s",
        flags: &["--gpu", "l40s"],
        fits: &["karpenter-l40s"],
    },
    Scheme {
        name: "aks-t4",
        flags: &["--gpu", "t4"],
        fits: &["aks-t4"],
    },
    Scheme {
        name: "cvm-snp",
        flags: &["--tee", "sev-snp", "--tee-mode", "node"],
        fits: &["cvm-snp"],
    },
    Scheme {
        name: "kata-snp",
        flags: &["--tee", "sev-snp"],
        fits: &["tee-snp"],
    },
    Scheme {
        name: "sgx-quote",
        flags: &[
            "--tee",
            "sgx",
            "--sgx-quote-provider",
            "aesmd",
            "--limits",
            "sgx.intel.com/epc=128Mi",
        ],
        fits: &["tee-sgx"],
    },
    Scheme {
        name: "cgpu-tdx",
        flags: &["--gpu", "h100", "--tee", "tdx"],
        fits: &["cgpu-h100-tdx"],
    },
    Scheme {
        name: "dra-h100",
        flags: &["--gpu", "h100", "--gpu-allocation", "dra"],
        fits: &[dra::NODE],
    },
];

/// The allocated devices of the pod's claims, as `node/device`.
async fn allocated_devices(ns: &TestNamespace, pod: &Pod) -> Vec<String> {
    let claims: Api<ResourceClaim> = ns.api();
    let mut out = Vec::new();
    for status in pod
        .status
        .as_ref()
        .and_then(|s| s.resource_claim_statuses.clone())
        .unwrap_or_default()
    {
        let Some(name) = status.resource_claim_name else {
            continue;
        };
        let claim = claims.get(&name).await.unwrap();
        let allocation = claim.status.and_then(|s| s.allocation);
        for r in allocation
            .and_then(|a| a.devices)
            .and_then(|d| d.results)
            .unwrap_or_default()
        {
            out.push(format!("{}/{}", r.pool, r.device));
        }
    }
    out
}

fn create_args<'a>(scheme: &'a Scheme, extra: &[&'a str]) -> Vec<&'a str> {
    let mut args = vec![
        "performer",
        "create",
        scheme.name,
        "--image",
        "avs/perf:v1",
        "--avs",
        AVS,
    ];
    args.extend(scheme.flags);
    args.extend(extra);
    args
}

/// The nodes `create --check` says fit (lines `NODE  fits`).
fn fitting_nodes(stdout: &str) -> BTreeSet<String> {
    stdout
        .lines()
        .filter(|l| l.trim_end().ends_with("  fits"))
        .filter_map(|l| l.split_whitespace().next().map(str::to_string))
        .collect()
}

#[tokio::test]
async fn each_scheme_check_names_the_fitting_nodes_the_performer_lands_there_and_doctor_agrees() {
    install_crds().await;
    dra::publish_gpus().await;
    let ns = TestNamespace::create("hw-schemes").await;
    let _run = RunLocal::start(ns.name());
    for scheme in SCHEMES {
        let out = hgctl(ns.name(), &create_args(scheme, &["--check"]));
        let (stdout, stderr) = text(&out);
        assert!(out.status.success(), "{}: {stdout}\n{stderr}", scheme.name);
        let want: BTreeSet<String> = scheme.fits.iter().map(|s| s.to_string()).collect();
        assert_eq!(fitting_nodes(&stdout), want, "{}: {stdout}", scheme.name);

        let out = hgctl(
            ns.name(),
            &create_args(scheme, &["--wait", "--timeout", "90s"]),
        );
        let (stdout, stderr) = text(&out);
        assert!(out.status.success(), "{}: {stdout}\n{stderr}", scheme.name);
        let pods: Api<Pod> = ns.api();
        let list = pods
            .list(&ListParams::default().labels(&format!(
                "hourglass.eigenlayer.io/performer={}",
                scheme.name
            )))
            .await
            .unwrap()
            .items;
        assert_eq!(list.len(), 1, "{}: one pod", scheme.name);
        let node = list[0].spec.as_ref().unwrap().node_name.clone().unwrap();
        assert!(want.contains(&node), "{} landed on {node}", scheme.name);
        if scheme.fits == [dra::NODE] {
            // The scheduler allocated one whole H100 of the slice to the pod's claim.
            let devices = allocated_devices(&ns, &list[0]).await;
            assert_eq!(devices.len(), 1, "{}: {devices:?}", scheme.name);
            assert!(
                devices[0].starts_with(&format!("{}/gpu-", dra::NODE))
                    && !devices[0].contains("mig"),
                "{}: {devices:?}",
                scheme.name
            );
        }

        let out = hgctl(ns.name(), &["doctor", scheme.name, "-o", "json"]);
        let report: Value = serde_json::from_slice(&out.stdout)
            .unwrap_or_else(|e| panic!("doctor -o json: {e}: {}", text(&out).1));
        let object = format!("performer/{}/{}", ns.name(), scheme.name);
        let mine: Vec<&Value> = report["checks"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|c| c["object"].as_str() == Some(object.as_str()))
            .collect();
        assert!(
            mine.iter().any(|c| c["id"] == "workload.performer.ready"),
            "{}: doctor reported nothing on {object}: {report}",
            scheme.name
        );
        let gpu = scheme.flags.contains(&"--gpu");
        assert_eq!(
            mine.iter().any(|c| c["id"] == "hardware.gpu-route"),
            gpu,
            "{}: the GPU route is reported for GPU Performers only",
            scheme.name
        );
        for check in report["checks"].as_array().unwrap() {
            let id = check["id"].as_str().unwrap_or_default();
            if id.starts_with("hardware.") && check["object"].as_str() == Some(object.as_str()) {
                assert_ne!(check["status"], "fail", "{}: {check}", scheme.name);
            }
            // Doctor says which route the GPUs take.
            if id == "hardware.gpu-route" && check["object"].as_str() == Some(object.as_str()) {
                let message = check["message"].as_str().unwrap_or_default();
                let dra = scheme.fits == [dra::NODE];
                assert_eq!(
                    message.contains("through DRA (DeviceClass gpu.nvidia.com)"),
                    dra,
                    "{}: {message}",
                    scheme.name
                );
                assert_eq!(
                    message.contains("through the device plugin"),
                    !dra,
                    "{}: {message}",
                    scheme.name
                );
            }
        }
    }
    dra_request_change_replaces_the_template(&ns).await;
    let sgx: Api<Pod> = ns.api();
    let sgx = sgx
        .list(&ListParams::default().labels("hourglass.eigenlayer.io/performer=sgx-quote"))
        .await
        .unwrap()
        .items
        .remove(0);
    assert_eq!(
        sgx.metadata.annotations.unwrap()["sgx.intel.com/quote-provider"],
        "aesmd"
    );
    let limits = sgx.spec.unwrap().containers[0]
        .resources
        .clone()
        .unwrap()
        .limits
        .unwrap();
    assert_eq!(
        limits["sgx.intel.com/epc"].0, "128Mi",
        "the user's EPC size"
    );
    assert!(!limits.contains_key("sgx.intel.com/enclave"));
}

/// Two GPUs instead of one: a new template (a template's spec cannot change), a new pod
/// holding two devices, and the first template deleted.
async fn dra_request_change_replaces_the_template(ns: &TestNamespace) {
    let performers: Api<Performer> = ns.api();
    let templates: Api<ResourceClaimTemplate> = ns.api();
    let by_performer = ListParams::default().labels("hourglass.eigenlayer.io/performer=dra-h100");
    let names = |list: Vec<ResourceClaimTemplate>| -> Vec<String> {
        list.into_iter().filter_map(|t| t.metadata.name).collect()
    };
    let first = names(templates.list(&by_performer).await.unwrap().items);
    assert_eq!(first.len(), 1, "{first:?}");
    performers
        .patch(
            "dra-h100",
            &PatchParams::default(),
            &Patch::Merge(serde_json::json!({"spec": {"hardwareRequirements": {"gpuCount": 2}}})),
        )
        .await
        .unwrap();
    let mut changed = performers.get("dra-h100").await.unwrap();
    changed.metadata.namespace = Some(ns.name().to_string());
    let want = hgctl::render::performer::desired_gpu_claim_template(&changed)
        .unwrap()
        .metadata
        .name
        .unwrap();
    assert_ne!(want, first[0]);
    let pods: Api<Pod> = ns.api();
    let pod_names = ListParams::default().labels("hourglass.eigenlayer.io/performer=dra-h100");
    wait_for(
        Duration::from_secs(90),
        "one pod with two H100s and only the new template",
        || {
            let (pods, templates, pod_names, by_performer, want) = (
                pods.clone(),
                templates.clone(),
                pod_names.clone(),
                by_performer.clone(),
                want.clone(),
            );
            async move {
                let list = pods.list(&pod_names).await.map_err(|e| e.to_string())?.items;
                let left = names(
                    templates
                        .list(&by_performer)
                        .await
                        .map_err(|e| e.to_string())?
                        .items,
                );
                let [pod] = list.as_slice() else {
                    return Err(format!("{} pods, templates {left:?}", list.len()));
                };
                let devices = allocated_devices(ns, pod).await;
                let named = pod
                    .spec
                    .as_ref()
                    .and_then(|s| s.resource_claims.clone())
                    .unwrap_or_default()
                    .iter()
                    .any(|c| c.resource_claim_template_name.as_deref() == Some(want.as_str()));
                if named && devices.len() == 2 && left == [want.clone()] {
                    Ok(())
                } else {
                    Err(format!("pod claims from new template: {named}, devices {devices:?}, templates {left:?}"))
                }
            }
        },
    )
    .await;
}

/// `pod` restricted to `node` (a `metadata.name` field requirement ANDed into every term).
fn pinned(pod: &Pod, node: &str, name: &str) -> Pod {
    let mut pod = pod.clone();
    pod.metadata = kube::api::ObjectMeta {
        name: Some(name.to_string()),
        annotations: pod.metadata.annotations.clone(),
        ..Default::default()
    };
    let spec = pod.spec.as_mut().unwrap();
    let field = NodeSelectorRequirement {
        key: "metadata.name".into(),
        operator: "In".into(),
        values: Some(vec![node.to_string()]),
    };
    let affinity = spec.affinity.get_or_insert_with(Default::default);
    let node_affinity = affinity
        .node_affinity
        .get_or_insert_with(NodeAffinity::default);
    let selector = node_affinity
        .required_during_scheduling_ignored_during_execution
        .get_or_insert_with(|| NodeSelector {
            node_selector_terms: vec![NodeSelectorTerm::default()],
        });
    for term in &mut selector.node_selector_terms {
        term.match_fields = Some(vec![field.clone()]);
    }
    pod
}

#[tokio::test]
async fn the_simulator_agrees_with_kube_scheduler_on_every_node_for_every_scheme() {
    dra::publish_gpus().await;
    let ns = TestNamespace::create("hw-agree").await;
    let client = cluster::client().await;
    let slices = Api::<ResourceSlice>::all(client.clone())
        .list(&ListParams::default())
        .await
        .unwrap()
        .items;
    let classes = Api::<DeviceClass>::all(client.clone())
        .list(&ListParams::default())
        .await
        .unwrap()
        .items;
    let claims = Api::<ResourceClaim>::all(client.clone())
        .list(&ListParams::default())
        .await
        .unwrap()
        .items;
    let cluster_devices = hgctl::scheduling::Devices::of(&slices, &classes, &claims);
    let nodes: Vec<Node> = Api::<Node>::all(client.clone())
        .list(&ListParams::default().labels("hgctl.test/inventory=fixed"))
        .await
        .unwrap()
        .items;
    let runtime_classes: Vec<RuntimeClass> = Api::<RuntimeClass>::all(client.clone())
        .list(&ListParams::default())
        .await
        .unwrap()
        .items;
    let all_pods: Vec<Pod> = Api::<Pod>::all(client.clone())
        .list(&ListParams::default().fields("status.phase!=Succeeded,status.phase!=Failed"))
        .await
        .unwrap()
        .items;
    let pods: Api<Pod> = ns.api();
    let mut expected = Vec::new();
    for scheme in SCHEMES {
        let out = hgctl(
            ns.name(),
            &create_args(scheme, &["--dry-run", "-o", "json"]),
        );
        let (stdout, stderr) = text(&out);
        assert!(out.status.success(), "{}: {stderr}", scheme.name);
        let performer: Performer = serde_json::from_str(&stdout)
            .unwrap_or_else(|e| panic!("{}: {e}: {stdout}", scheme.name));
        let mut performer = performer;
        performer.metadata.namespace = Some(ns.name().to_string());
        let pod = hgctl::render::performer::desired_pod(&performer)
            .unwrap()
            .pod;
        let mut devices = cluster_devices.clone();
        if let Some(template) = hgctl::render::performer::desired_gpu_claim_template(&performer) {
            // The pinned pods name the template the controller would create.
            let claim = hgctl::render::performer::dra_gpu_claim(&performer).unwrap();
            let name = template.metadata.name.clone().unwrap();
            Api::<ResourceClaimTemplate>::namespaced(client.clone(), ns.name())
                .create(&PostParams::default(), &template)
                .await
                .unwrap_or_else(|e| panic!("{name}: {e}"));
            devices = devices.with_template(ns.name(), name, claim);
        }
        let fits = hgctl::scheduling::evaluate(&pod, &nodes, &all_pods, &runtime_classes, devices);
        for fit in fits {
            let name = format!("{}-{}", scheme.name, fit.node);
            pods.create(&PostParams::default(), &pinned(&pod, &fit.node, &name))
                .await
                .unwrap_or_else(|e| panic!("{name}: {e}"));
            expected.push((name, fit.node.clone(), fit.fits(), fit.reasons()));
        }
    }
    for (name, node, simulated, reasons) in expected {
        let scheduled = wait_for(
            Duration::from_secs(60),
            format!("kube-scheduler's verdict on {name}"),
            || {
                let pods = pods.clone();
                let name = name.clone();
                async move {
                    let pod = pods.get(&name).await.map_err(|e| e.to_string())?;
                    if pod
                        .spec
                        .as_ref()
                        .and_then(|s| s.node_name.clone())
                        .is_some()
                    {
                        return Ok(true);
                    }
                    let unschedulable = pod
                        .status
                        .and_then(|s| s.conditions)
                        .unwrap_or_default()
                        .iter()
                        .any(|c| {
                            c.type_ == "PodScheduled"
                                && c.status == "False"
                                && c.reason.as_deref() == Some("Unschedulable")
                        });
                    if unschedulable {
                        Ok(false)
                    } else {
                        Err("not decided yet".to_string())
                    }
                }
            },
        )
        .await;
        assert_eq!(
            scheduled,
            simulated,
            "{name} on {node}: kube-scheduler {} it, the simulator says {}",
            if scheduled { "placed" } else { "refused" },
            if simulated {
                "fits".to_string()
            } else {
                reasons.join("; ")
            }
        );
    }
}
