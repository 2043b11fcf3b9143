//! End-to-end tests of the local control plane itself (issue 3, "Done when"): the real
//! kube-apiserver, kube-controller-manager and kube-scheduler with kwok fake nodes, started by
//! `tests/cluster/up.sh`. They need `HGCTL_TEST_KUBECONFIG` (see `tests/common/cluster.rs`) and
//! fail, rather than skip, without a cluster.

mod common;

use std::collections::BTreeSet;
use std::time::Duration;

use common::cluster::{self, TestNamespace, wait_for};
use common::real_node;
use k8s_openapi::api::apps::v1::Deployment;
use k8s_openapi::api::core::v1::{ConfigMap, Event, Node, Pod, Secret, Service};
use k8s_openapi::api::discovery::v1::EndpointSlice;
use k8s_openapi::api::node::v1::RuntimeClass;
use kube::Resource;
use kube::api::{Api, DeleteParams, ListParams, Patch, PatchParams, PostParams};
use serde_json::json;

/// Upper bound for anything the scheduler, kwok or the controllers do (normally < 2 s).
const TIMEOUT: Duration = Duration::from_secs(60);
/// The garbage collector may need a discovery resync (~30 s) before it acts.
const GC_TIMEOUT: Duration = Duration::from_secs(90);

const A100_NODES: [&str; 2] = ["gpu-a100-40gb", "gpu-a100-80gb"];

fn pod(name: &str, labels: serde_json::Value, spec: serde_json::Value) -> Pod {
    let mut spec = spec;
    let container = json!({
        "name": "main",
        "image": "registry.k8s.io/pause:3.10",
        "securityContext": {
            "runAsNonRoot": true,
            "runAsUser": 65532,
            "allowPrivilegeEscalation": false,
            "capabilities": { "drop": ["ALL"] },
            "seccompProfile": { "type": "RuntimeDefault" },
        },
    });
    let obj = spec.as_object_mut().expect("spec is an object");
    let mut c = container;
    if let Some(resources) = obj.remove("resources") {
        c["resources"] = resources;
    }
    obj.insert("containers".into(), json!([c]));
    obj.insert("terminationGracePeriodSeconds".into(), json!(0));
    serde_json::from_value(json!({
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": { "name": name, "labels": labels },
        "spec": spec,
    }))
    .expect("valid Pod")
}

fn gpu_limits(n: u32) -> serde_json::Value {
    json!({ "limits": { "nvidia.com/gpu": n.to_string() } })
}

fn require_node_label(key: &str, values: &[&str]) -> serde_json::Value {
    json!({
        "nodeAffinity": {
            "requiredDuringSchedulingIgnoredDuringExecution": {
                "nodeSelectorTerms": [{
                    "matchExpressions": [{ "key": key, "operator": "In", "values": values }]
                }]
            }
        }
    })
}

fn is_ready(pod: &Pod) -> bool {
    let status = pod.status.as_ref();
    status.and_then(|s| s.phase.as_deref()) == Some("Running")
        && status
            .and_then(|s| s.conditions.as_ref())
            .is_some_and(|cs| cs.iter().any(|c| c.type_ == "Ready" && c.status == "True"))
}

fn describe_pod(pod: &Pod) -> String {
    let status = pod.status.as_ref();
    format!(
        "phase={:?} node={:?} conditions={:?}",
        status.and_then(|s| s.phase.as_deref()),
        pod.spec.as_ref().and_then(|s| s.node_name.as_deref()),
        status.and_then(|s| s.conditions.as_ref()).map(|cs| cs
            .iter()
            .map(|c| format!(
                "{}={} {}",
                c.type_,
                c.status,
                c.message.as_deref().unwrap_or("")
            ))
            .collect::<Vec<_>>())
    )
}

/// Wait until the pod is Running and Ready (kwok plays the kubelet) and return it.
async fn wait_running_ready(pods: &Api<Pod>, name: &str) -> Pod {
    wait_for(
        TIMEOUT,
        format_args!("pod {name} Running and Ready"),
        || async {
            let pod = pods.get(name).await.map_err(|e| e.to_string())?;
            if is_ready(&pod) {
                Ok(pod)
            } else {
                Err(describe_pod(&pod))
            }
        },
    )
    .await
}

/// Wait for the scheduler's FailedScheduling event about pod `name` and return its message.
async fn wait_failed_scheduling(ns: &TestNamespace, name: &str) -> String {
    let events: Api<Event> = ns.api();
    let params = ListParams::default().fields(&format!(
        "involvedObject.kind=Pod,involvedObject.name={name},reason=FailedScheduling"
    ));
    wait_for(
        TIMEOUT,
        format_args!("a FailedScheduling event for pod {name}"),
        || async {
            let list = events.list(&params).await.map_err(|e| e.to_string())?;
            list.items
                .into_iter()
                .find_map(|e| e.message)
                .ok_or_else(|| "no FailedScheduling event yet".to_string())
        },
    )
    .await
}

fn node_name(pod: &Pod) -> String {
    pod.spec
        .as_ref()
        .and_then(|s| s.node_name.clone())
        .unwrap_or_default()
}

#[tokio::test]
async fn api_server_reports_the_built_version() {
    let client = cluster::client().await;
    let info = client.apiserver_version().await.expect("GET /version");
    let built = cluster::built_k8s_version();
    assert_eq!(info.git_version, built, "server /version: {info:?}");
    let minor = built
        .trim_start_matches('v')
        .split('.')
        .nth(1)
        .unwrap()
        .to_string();
    assert_eq!(info.major, "1");
    assert_eq!(info.minor, minor);
}

#[tokio::test]
async fn nodes_are_the_inventory_and_all_ready() {
    let client = cluster::client().await;
    let nodes: Api<Node> = Api::all(client.clone());
    let want: BTreeSet<String> = cluster::inventory_node_names().into_iter().collect();
    assert_eq!(
        want.len(),
        19,
        "inventory.yaml should declare 19 nodes: {want:?}"
    );

    let fixed = nodes
        .list(&ListParams::default().labels(&format!("{}=fixed", cluster::INVENTORY_LABEL)))
        .await
        .expect("list nodes");
    let have: BTreeSet<String> = fixed
        .items
        .iter()
        .filter_map(|n| n.metadata.name.clone())
        .collect();
    assert_eq!(
        have, want,
        "inventory nodes in the cluster differ from tests/cluster/inventory.yaml"
    );

    // Any other node must be one of add-nodes.sh's extra nodes, or the real node.
    for node in nodes
        .list(&ListParams::default())
        .await
        .expect("list nodes")
        .items
    {
        let labels = node.metadata.labels.clone().unwrap_or_default();
        let name = node.metadata.name.clone().unwrap_or_default();
        assert!(
            labels.contains_key(cluster::INVENTORY_LABEL)
                || (name == real_node::NODE_NAME && labels.contains_key(real_node::NODE_LABEL)),
            "node {name} is neither in the inventory nor an add-nodes.sh node nor the real node"
        );
    }

    for node in &fixed.items {
        let name = node.metadata.name.as_deref().unwrap();
        let conditions = node
            .status
            .as_ref()
            .and_then(|s| s.conditions.clone())
            .unwrap_or_default();
        assert!(
            conditions
                .iter()
                .any(|c| c.type_ == "Ready" && c.status == "True"),
            "node {name} is not Ready: {conditions:?}"
        );
        let taints = node
            .spec
            .as_ref()
            .and_then(|s| s.taints.clone())
            .unwrap_or_default();
        assert!(
            !taints
                .iter()
                .any(|t| t.key.starts_with("node.kubernetes.io/")),
            "node {name} still has a lifecycle taint: {taints:?}"
        );
    }

    // Spot-check the scheduling-relevant facts of the inventory.
    let get = |name: &str| {
        fixed
            .items
            .iter()
            .find(|n| n.metadata.name.as_deref() == Some(name))
            .unwrap()
    };
    let alloc = |name: &str, res: &str| {
        get(name)
            .status
            .as_ref()
            .unwrap()
            .allocatable
            .as_ref()
            .unwrap()
            .get(res)
            .map(|q| q.0.clone())
    };
    let label = |name: &str, key: &str| {
        get(name)
            .metadata
            .labels
            .as_ref()
            .unwrap()
            .get(key)
            .cloned()
    };
    for a100 in A100_NODES {
        assert_eq!(
            alloc(a100, "nvidia.com/gpu").as_deref(),
            Some("8"),
            "{a100}"
        );
    }
    assert_eq!(
        label("gpu-a100-40gb", "nvidia.com/gpu.product").as_deref(),
        Some("NVIDIA-A100-SXM4-40GB")
    );
    assert_eq!(
        label("gpu-a100-80gb", "nvidia.com/gpu.memory").as_deref(),
        Some("81920")
    );
    let h100_taints = get("gpu-h100")
        .spec
        .as_ref()
        .unwrap()
        .taints
        .clone()
        .unwrap();
    assert!(h100_taints.iter().any(|t| t.key == "nvidia.com/gpu"
        && t.value.as_deref() == Some("present")
        && t.effect == "NoSchedule"));
    assert!(alloc("tee-sgx", "sgx.intel.com/epc").is_some());
    assert_eq!(
        label("tee-tdx", "intel.feature.node.kubernetes.io/tdx").as_deref(),
        Some("true")
    );
    assert_eq!(
        label("tee-snp", "amd.feature.node.kubernetes.io/snp").as_deref(),
        Some("true")
    );
    assert_eq!(
        label("avs-1", "node.kubernetes.io/instance-type").as_deref(),
        Some("m5.2xlarge")
    );

    let runtime_classes: Api<RuntimeClass> = Api::all(client);
    let have: BTreeSet<String> = runtime_classes
        .list(&ListParams::default())
        .await
        .expect("list runtimeclasses")
        .items
        .into_iter()
        .filter_map(|rc| rc.metadata.name)
        .collect();
    for rc in [
        "gvisor",
        "kata-qemu",
        "kata-qemu-tdx",
        "kata-qemu-snp",
        "kata-qemu-sev",
    ] {
        assert!(
            have.contains(rc),
            "RuntimeClass {rc} missing; have {have:?}"
        );
    }
}

#[tokio::test]
async fn gpu_pod_with_a100_affinity_runs_on_an_a100_node() {
    let ns = TestNamespace::create("e2e-a100").await;
    let pods: Api<Pod> = ns.api();
    let p = pod(
        "train",
        json!({}),
        json!({
            "resources": gpu_limits(1),
            "affinity": require_node_label("nvidia.com/gpu.product", &["NVIDIA-A100-SXM4-40GB", "NVIDIA-A100-SXM4-80GB"]),
        }),
    );
    pods.create(&PostParams::default(), &p)
        .await
        .expect("create pod");
    let running = wait_running_ready(&pods, "train").await;
    let node = node_name(&running);
    assert!(
        A100_NODES.contains(&node.as_str()),
        "scheduled onto {node}, not an A100 node"
    );
    let ip = running.status.as_ref().and_then(|s| s.pod_ip.clone());
    assert!(
        ip.is_some_and(|ip| ip.starts_with("10.244.")),
        "kwok should assign a pod IP from 10.244.0.0/16"
    );
}

#[tokio::test]
async fn gpu_pod_asking_for_h200_stays_pending() {
    let ns = TestNamespace::create("e2e-h200").await;
    let pods: Api<Pod> = ns.api();
    let p = pod(
        "wants-h200",
        json!({}),
        json!({
            "resources": gpu_limits(1),
            "affinity": require_node_label("nvidia.com/gpu.product", &["NVIDIA-H200", "NVIDIA-H200-SXM-141GB-HBM3e"]),
            "tolerations": [{ "key": "nvidia.com/gpu", "operator": "Exists", "effect": "NoSchedule" }],
        }),
    );
    pods.create(&PostParams::default(), &p)
        .await
        .expect("create pod");
    let message = wait_failed_scheduling(&ns, "wants-h200").await;
    assert!(
        message.contains("0/"),
        "unexpected FailedScheduling message: {message}"
    );

    // The scheduler records the event and sets PodScheduled=False/Unschedulable; the two writes
    // are not ordered, so wait for the condition as well.
    let pod = wait_for(TIMEOUT, "wants-h200 to be marked Unschedulable", || async {
        let pod = pods.get("wants-h200").await.map_err(|e| e.to_string())?;
        let unschedulable = pod
            .status
            .as_ref()
            .and_then(|s| s.conditions.as_ref())
            .is_some_and(|cs| {
                cs.iter().any(|c| {
                    c.type_ == "PodScheduled"
                        && c.status == "False"
                        && c.reason.as_deref() == Some("Unschedulable")
                })
            });
        if unschedulable {
            Ok(pod)
        } else {
            Err(describe_pod(&pod))
        }
    })
    .await;
    assert_eq!(
        pod.status.as_ref().and_then(|s| s.phase.as_deref()),
        Some("Pending"),
        "{}",
        describe_pod(&pod)
    );
    assert!(
        node_name(&pod).is_empty(),
        "must not be bound: {}",
        describe_pod(&pod)
    );
}

#[tokio::test]
async fn pod_without_toleration_never_lands_on_the_tainted_h100() {
    let ns = TestNamespace::create("e2e-h100-taint").await;
    let pods: Api<Pod> = ns.api();
    let h100 = require_node_label("nvidia.com/gpu.product", &["NVIDIA-H100-80GB-HBM3"]);

    // Only the H100 node matches, but the pod does not tolerate its taint.
    let p = pod(
        "no-toleration",
        json!({}),
        json!({ "resources": gpu_limits(1), "affinity": h100 }),
    );
    pods.create(&PostParams::default(), &p)
        .await
        .expect("create pod");
    let message = wait_failed_scheduling(&ns, "no-toleration").await;
    assert!(
        message.contains("untolerated taint"),
        "FailedScheduling should blame an untolerated taint: {message}"
    );

    // The same pod with the canonical toleration does land there: the taint was the only reason.
    let p = pod(
        "with-toleration",
        json!({}),
        json!({
            "resources": gpu_limits(1),
            "affinity": h100,
            "tolerations": [{ "key": "nvidia.com/gpu", "operator": "Exists", "effect": "NoSchedule" }],
        }),
    );
    pods.create(&PostParams::default(), &p)
        .await
        .expect("create pod");
    let running = wait_running_ready(&pods, "with-toleration").await;
    assert_eq!(node_name(&running), "gpu-h100");

    let still = pods.get("no-toleration").await.expect("get pod");
    assert!(
        node_name(&still).is_empty(),
        "no-toleration got bound: {}",
        describe_pod(&still)
    );

    // And a fleet of untolerating GPU pods without affinity spreads anywhere but the H100.
    for i in 0..6 {
        let p = pod(
            &format!("gpu-{i}"),
            json!({ "fleet": "gpu" }),
            json!({ "resources": gpu_limits(1) }),
        );
        pods.create(&PostParams::default(), &p)
            .await
            .expect("create pod");
    }
    let fleet = ListParams::default().labels("fleet=gpu");
    let placed = wait_for(TIMEOUT, "6 untolerating GPU pods Running", || async {
        let list = pods.list(&fleet).await.map_err(|e| e.to_string())?;
        let ready = list.items.iter().filter(|p| is_ready(p)).count();
        if ready == 6 {
            Ok(list.items)
        } else {
            Err(format!("{ready}/6 ready"))
        }
    })
    .await;
    for p in placed {
        assert_ne!(
            node_name(&p),
            "gpu-h100",
            "pod {:?} landed on the tainted H100",
            p.metadata.name
        );
    }
}

#[tokio::test]
async fn deployment_rolls_out_through_the_controller_manager() {
    let ns = TestNamespace::create("e2e-deploy").await;
    let deployments: Api<Deployment> = ns.api();
    let template = pod("unused", json!({ "app": "web" }), json!({}));
    let deployment: Deployment = serde_json::from_value(json!({
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": { "name": "web" },
        "spec": {
            "replicas": 3,
            "selector": { "matchLabels": { "app": "web" } },
            "template": { "metadata": { "labels": { "app": "web" } }, "spec": template.spec },
        },
    }))
    .expect("valid Deployment");
    deployments
        .create(&PostParams::default(), &deployment)
        .await
        .expect("create deployment");

    let rolled_out = |generation_at_least: i64| {
        let deployments = deployments.clone();
        async move {
            let d = deployments.get("web").await.map_err(|e| e.to_string())?;
            let generation = d.metadata.generation.unwrap_or_default();
            let s = d.status.clone().unwrap_or_default();
            let done = generation >= generation_at_least
                && s.observed_generation == Some(generation)
                && s.updated_replicas == Some(3)
                && s.ready_replicas == Some(3)
                && s.available_replicas == Some(3)
                && s.replicas == Some(3);
            if done {
                Ok(d)
            } else {
                Err(format!("generation {generation}, status {s:?}"))
            }
        }
    };
    wait_for(TIMEOUT, "deployment web rolled out", || rolled_out(1)).await;

    // A template change rolls out a new ReplicaSet.
    let patch = json!({ "spec": { "template": { "metadata": { "annotations": { "hgctl.test/rev": "2" } } } } });
    deployments
        .patch("web", &PatchParams::default(), &Patch::Merge(&patch))
        .await
        .expect("patch deployment");
    wait_for(TIMEOUT, "deployment web rolled out revision 2", || {
        rolled_out(2)
    })
    .await;
    let pods: Api<Pod> = ns.api();
    let list = pods
        .list(&ListParams::default().labels("app=web"))
        .await
        .expect("list pods");
    let current: Vec<_> = list
        .items
        .iter()
        .filter(|p| p.metadata.deletion_timestamp.is_none())
        .filter(|p| {
            p.metadata
                .annotations
                .as_ref()
                .and_then(|a| a.get("hgctl.test/rev"))
                .map(String::as_str)
                == Some("2")
        })
        .collect();
    assert_eq!(current.len(), 3, "3 pods of revision 2 expected");
}

#[tokio::test]
async fn service_gets_an_endpointslice_with_the_pod_ip() {
    let ns = TestNamespace::create("e2e-svc").await;
    let pods: Api<Pod> = ns.api();
    let mut p = pod("backend", json!({ "app": "backend" }), json!({}));
    p.spec.as_mut().unwrap().containers[0].ports = Some(vec![
        serde_json::from_value(json!({ "name": "http", "containerPort": 8080 })).unwrap(),
    ]);
    pods.create(&PostParams::default(), &p)
        .await
        .expect("create pod");
    let running = wait_running_ready(&pods, "backend").await;
    let pod_ip = running
        .status
        .as_ref()
        .and_then(|s| s.pod_ip.clone())
        .expect("pod IP");

    let services: Api<Service> = ns.api();
    let svc: Service = serde_json::from_value(json!({
        "apiVersion": "v1",
        "kind": "Service",
        "metadata": { "name": "backend" },
        "spec": {
            "selector": { "app": "backend" },
            "ports": [{ "name": "http", "port": 80, "targetPort": "http" }],
        },
    }))
    .unwrap();
    let svc = services
        .create(&PostParams::default(), &svc)
        .await
        .expect("create service");
    let cluster_ip = svc
        .spec
        .as_ref()
        .and_then(|s| s.cluster_ip.clone())
        .unwrap_or_default();
    assert!(
        cluster_ip.starts_with("10.96."),
        "cluster IP {cluster_ip} outside 10.96.0.0/16"
    );

    let slices: Api<EndpointSlice> = ns.api();
    let by_service = ListParams::default().labels("kubernetes.io/service-name=backend");
    let slice = wait_for(
        TIMEOUT,
        format_args!("an EndpointSlice for service backend with {pod_ip}"),
        || async {
            let list = slices.list(&by_service).await.map_err(|e| e.to_string())?;
            list.items
                .into_iter()
                .find(|s| {
                    s.endpoints.iter().flatten().any(|e| {
                        e.addresses.contains(&pod_ip)
                            && e.conditions.as_ref().and_then(|c| c.ready) == Some(true)
                    })
                })
                .ok_or_else(|| "no ready endpoint with the pod IP yet".to_string())
        },
    )
    .await;
    let port = slice
        .ports
        .as_ref()
        .and_then(|ps| ps.first())
        .and_then(|p| p.port);
    assert_eq!(
        port,
        Some(8080),
        "the slice should carry the resolved target port"
    );
    let endpoint = slice
        .endpoints
        .iter()
        .flatten()
        .find(|e| e.addresses.contains(&pod_ip))
        .unwrap();
    assert_eq!(endpoint.node_name, running.spec.as_ref().unwrap().node_name);
}

#[tokio::test]
async fn deleting_an_owner_garbage_collects_its_children() {
    let ns = TestNamespace::create("e2e-gc").await;
    let config_maps: Api<ConfigMap> = ns.api();
    let secrets: Api<Secret> = ns.api();
    let pods: Api<Pod> = ns.api();

    let owner: ConfigMap =
        serde_json::from_value(json!({ "metadata": { "name": "owner" } })).unwrap();
    let owner = config_maps
        .create(&PostParams::default(), &owner)
        .await
        .expect("create owner");
    let owner_ref = owner.controller_owner_ref(&()).expect("owner reference");
    let owner_refs = serde_json::to_value(vec![owner_ref]).unwrap();

    let child_cm: ConfigMap = serde_json::from_value(
        json!({ "metadata": { "name": "child", "ownerReferences": owner_refs } }),
    )
    .unwrap();
    config_maps
        .create(&PostParams::default(), &child_cm)
        .await
        .expect("create child configmap");
    let child_secret: Secret = serde_json::from_value(
        json!({ "metadata": { "name": "child", "ownerReferences": owner_refs } }),
    )
    .unwrap();
    secrets
        .create(&PostParams::default(), &child_secret)
        .await
        .expect("create child secret");
    let mut child_pod = pod("child", json!({}), json!({}));
    child_pod.metadata.owner_references = serde_json::from_value(owner_refs.clone()).unwrap();
    pods.create(&PostParams::default(), &child_pod)
        .await
        .expect("create child pod");
    // A bystander without an owner reference must survive.
    let bystander: ConfigMap =
        serde_json::from_value(json!({ "metadata": { "name": "bystander" } })).unwrap();
    config_maps
        .create(&PostParams::default(), &bystander)
        .await
        .expect("create bystander");

    config_maps
        .delete("owner", &DeleteParams::background())
        .await
        .expect("delete owner");
    wait_for(
        GC_TIMEOUT,
        "the garbage collector to delete the owner's children",
        || async {
            let cm = config_maps
                .get_opt("child")
                .await
                .map_err(|e| e.to_string())?;
            let secret = secrets.get_opt("child").await.map_err(|e| e.to_string())?;
            let pod = pods.get_opt("child").await.map_err(|e| e.to_string())?;
            if cm.is_none() && secret.is_none() && pod.is_none() {
                Ok(())
            } else {
                Err(format!(
                    "still present: configmap={} secret={} pod={}",
                    cm.is_some(),
                    secret.is_some(),
                    pod.is_some()
                ))
            }
        },
    )
    .await;
    assert!(
        config_maps
            .get_opt("bystander")
            .await
            .expect("get bystander")
            .is_some()
    );
}

#[tokio::test]
async fn tee_pods_land_on_their_nodes() {
    let ns = TestNamespace::create("e2e-tee").await;
    let pods: Api<Pod> = ns.api();

    // Kata TDX: the RuntimeClass's nodeSelector (merged in by the API server) picks the TDX node.
    let tdx = pod(
        "tdx",
        json!({}),
        json!({ "runtimeClassName": "kata-qemu-tdx" }),
    );
    let created = pods
        .create(&PostParams::default(), &tdx)
        .await
        .expect("create tdx pod");
    let spec = created.spec.as_ref().unwrap();
    let selector = spec.node_selector.clone().unwrap_or_default();
    assert_eq!(
        selector
            .get("intel.feature.node.kubernetes.io/tdx")
            .map(String::as_str),
        Some("true"),
        "RuntimeClass admission should merge the nodeSelector: {selector:?}"
    );
    assert!(
        spec.overhead.is_some(),
        "RuntimeClass admission should set the pod overhead"
    );

    // Kata SEV-SNP and SGX (extended resources) likewise.
    let snp = pod(
        "snp",
        json!({}),
        json!({ "runtimeClassName": "kata-qemu-snp" }),
    );
    pods.create(&PostParams::default(), &snp)
        .await
        .expect("create snp pod");
    let sgx = pod(
        "sgx",
        json!({}),
        json!({ "resources": { "limits": {
            "sgx.intel.com/epc": "64Mi", "sgx.intel.com/enclave": "1", "sgx.intel.com/provision": "1"
        } } }),
    );
    pods.create(&PostParams::default(), &sgx)
        .await
        .expect("create sgx pod");

    assert_eq!(
        node_name(&wait_running_ready(&pods, "tdx").await),
        "tee-tdx"
    );
    assert_eq!(
        node_name(&wait_running_ready(&pods, "snp").await),
        "tee-snp"
    );
    assert_eq!(
        node_name(&wait_running_ready(&pods, "sgx").await),
        "tee-sgx"
    );

    // A RuntimeClass that does not exist is rejected at admission.
    let bogus = pod(
        "bogus",
        json!({}),
        json!({ "runtimeClassName": "kata-does-not-exist" }),
    );
    let err = pods
        .create(&PostParams::default(), &bogus)
        .await
        .expect_err("unknown RuntimeClass must be rejected");
    assert!(
        err.to_string().contains("kata-does-not-exist"),
        "unexpected error: {err}"
    );
}
