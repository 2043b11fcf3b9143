//! Each check on constructed snapshots: no cluster.

use super::*;
use crate::doctor::snapshot::{ClusterInfo, Right, SecretKeys};
use crate::doctor::{self, CheckResult, RunOptions, Status, report};
use k8s_openapi::api::coordination::v1::Lease;
use k8s_openapi::api::core::v1::{Node, Service};
use k8s_openapi::api::discovery::v1::EndpointSlice;
use k8s_openapi::api::node::v1::RuntimeClass;
use k8s_openapi::apiextensions_apiserver::pkg::apis::apiextensions::v1::CustomResourceDefinition;
use k8s_openapi::jiff::Timestamp;
use serde_json::{Value, json};

fn now() -> Timestamp {
    "2026-01-01T12:00:00Z".parse().unwrap()
}

fn node(name: &str, labels: Value, taints: Value, alloc: Value) -> Node {
    serde_json::from_value(json!({
        "metadata": {"name": name, "labels": labels},
        "spec": {"taints": taints},
        "status": {"allocatable": alloc}
    }))
    .unwrap()
}

fn nodes() -> Vec<Node> {
    vec![
        node(
            "cpu-1",
            json!({}),
            json!([]),
            json!({"cpu": "8", "pods": "100"}),
        ),
        node(
            "gpu-a100-40gb",
            json!({"nvidia.com/gpu.product": "NVIDIA-A100-SXM4-40GB"}),
            json!([]),
            json!({"nvidia.com/gpu": "8", "cpu": "96"}),
        ),
        node(
            "gpu-h100",
            json!({"nvidia.com/gpu.product": "NVIDIA-H100-80GB-HBM3"}),
            json!([{"key": "nvidia.com/gpu", "value": "present", "effect": "NoSchedule"}]),
            json!({"nvidia.com/gpu": "8", "cpu": "96"}),
        ),
        node(
            "tee-sgx",
            json!({"feature.node.kubernetes.io/cpu-security.sgx.enabled": "true"}),
            json!([]),
            json!({"cpu": "32", "sgx.intel.com/epc": "512Mi", "sgx.intel.com/enclave": "20", "sgx.intel.com/provision": "20"}),
        ),
        node(
            "avs-1",
            json!({"node.kubernetes.io/instance-type": "m5.2xlarge"}),
            json!([{"key": "dedicated", "value": "avs-workloads", "effect": "NoSchedule"}]),
            json!({"cpu": "8"}),
        ),
    ]
}

fn established_crds() -> Vec<CustomResourceDefinition> {
    api::crds()
        .into_iter()
        .map(|mut c| {
            c.status = Some(
                serde_json::from_value(json!({"conditions": [
                    {"type": "Established", "status": "True", "lastTransitionTime": "2026-01-01T00:00:00Z"}
                ]}))
                .unwrap(),
            );
            c
        })
        .collect()
}

fn runtime_classes() -> Vec<RuntimeClass> {
    vec![
        serde_json::from_value(json!({
            "metadata": {"name": "kata-qemu-tdx"}, "handler": "kata-qemu-tdx",
            "scheduling": {"nodeSelector": {"katacontainers.io/kata-runtime": "true"}}
        }))
        .unwrap(),
    ]
}

/// A healthy, empty cluster: reachable, CRDs Established, no workloads.
fn snap() -> Snapshot {
    let mut s = Snapshot::empty(now());
    s.namespace = Some("ns".into());
    s.cluster = Ok(ClusterInfo {
        context: Some("test".into()),
        server: "https://127.0.0.1:6443".into(),
        version: Some("v1.36.3".into()),
    });
    s.crds = Ok(established_crds());
    s.nodes = Ok(nodes());
    s.pods = Ok(Vec::new());
    s.pods_cluster_wide = true;
    s.runtime_classes = Ok(runtime_classes());
    s.performers = Ok(Vec::new());
    s.executors = Ok(Vec::new());
    s.services = Ok(Vec::new());
    s.endpoint_slices = Ok(Vec::new());
    s.secrets = Ok(Vec::new());
    s.leases = Ok(Vec::new());
    s.operator_deployments = Ok(Vec::new());
    s.executor_workloads = Ok(Vec::new());
    s
}

fn performer(name: &str, spec: Value) -> Performer {
    serde_json::from_value(json!({
        "apiVersion": "hourglass.eigenlayer.io/v1alpha1", "kind": "Performer",
        "metadata": {"name": name, "namespace": "ns", "generation": 1, "uid": "u-1"},
        "spec": spec
    }))
    .unwrap()
}

fn base_spec() -> Value {
    json!({"avsAddress": "0x1234567890abcdef1234567890abcdef12345678", "image": "avs:v1"})
}

fn with(mut spec: Value, extra: Value) -> Value {
    for (k, v) in extra.as_object().unwrap() {
        spec[k] = v.clone();
    }
    spec
}

/// The pod hgctl would create for `p`, with a status.
fn pod_of(p: &Performer, node: Option<&str>, status: Value) -> Pod {
    let mut pod = render::desired_pod(p).unwrap().pod;
    pod.spec.as_mut().unwrap().node_name = node.map(str::to_string);
    pod.status = Some(serde_json::from_value(status).unwrap());
    pod
}

fn pending_status() -> Value {
    json!({"phase": "Pending", "conditions": [{"type": "PodScheduled", "status": "False", "reason": "Unschedulable",
        "message": "0/5 nodes are available"}]})
}

fn ready_status() -> Value {
    json!({"phase": "Running", "conditions": [{"type": "Ready", "status": "True"}],
        "containerStatuses": [{"name": "performer", "image": "avs:v1", "imageID": "", "ready": true, "restartCount": 0,
            "state": {"running": {}}}]})
}

fn results(s: &Snapshot) -> Vec<CheckResult> {
    doctor::run(s, &RunOptions::default())
}

fn only<'a>(r: &'a [CheckResult], id: &str) -> Vec<&'a CheckResult> {
    r.iter().filter(|x| x.id == id).collect()
}

fn one<'a>(r: &'a [CheckResult], id: &str) -> &'a CheckResult {
    let found = only(r, id);
    assert_eq!(found.len(), 1, "{id}: {found:?}");
    found[0]
}

#[test]
fn catalog_ids_are_unique_and_dependencies_come_first() {
    let mut seen: Vec<&str> = Vec::new();
    for c in CATALOG {
        assert!(!seen.contains(&c.id), "duplicate {}", c.id);
        for need in c.needs {
            assert!(
                seen.contains(need),
                "{} needs {need}, which must come first",
                c.id
            );
        }
        assert!(!c.description.is_empty());
        seen.push(c.id);
    }
}

#[test]
fn healthy_empty_cluster_passes() {
    let r = results(&snap());
    assert!(!doctor::failed(&r, false), "{r:#?}");
    // No controller: a warning, which fails only with --fail-on warning.
    assert_eq!(one(&r, "install.controller").status, Status::Warn);
    assert!(doctor::failed(&r, true));
}

#[test]
fn unreachable_cluster_fails_fatally_and_skips_everything_else() {
    let mut s = snap();
    s.cluster = Err("cannot reach the API server https://10.0.0.1:6443: timed out".into());
    let r = results(&s);
    assert_eq!(one(&r, "cluster.reachable").status, Status::Fail);
    assert!(
        one(&r, "cluster.reachable")
            .hint
            .as_deref()
            .unwrap()
            .contains("kubectl config current-context")
    );
    for other in r.iter().filter(|x| x.id != "cluster.reachable") {
        assert_eq!(other.status, Status::Skipped, "{other:?}");
    }
}

#[test]
fn missing_crds_fail_with_the_install_hint_and_skip_workloads() {
    let mut s = snap();
    s.crds = Ok(vec![]);
    s.performers = Err(Missing::Failed("could not list performers: 404".into()));
    let r = results(&s);
    let crds = one(&r, "install.crds");
    assert_eq!(crds.status, Status::Fail);
    assert_eq!(crds.severity, Severity::Fatal);
    assert!(
        crds.message
            .contains("CRD performers.hourglass.eigenlayer.io is not installed")
    );
    assert_eq!(crds.hint.as_deref(), Some("hgctl install --crds-only"));
    assert_eq!(one(&r, "workload.performer.ready").status, Status::Skipped);
    assert_eq!(
        one(&r, "workload.performer.ready").message,
        "skipped: install.crds failed"
    );
    // Checks that do not need the CRDs still run.
    assert_eq!(one(&r, "hardware.gpu-nodes").status, Status::Pass);
}

#[test]
fn crds_not_established_fail() {
    let mut s = snap();
    let mut crds = established_crds();
    crds[0].status = None;
    s.crds = Ok(crds);
    let r = results(&s);
    assert!(
        one(&r, "install.crds")
            .message
            .contains("is not Established")
    );
}

#[test]
fn namespaced_user_without_crd_rights_still_gets_workload_checks() {
    let mut s = snap();
    s.crds = Err(Missing::Forbidden("list customresourcedefinitions".into()));
    let r = results(&s);
    assert_eq!(one(&r, "install.crds").status, Status::Pass);
    assert!(
        one(&r, "install.crds")
            .message
            .contains("no permission to list customresourcedefinitions")
    );
}

#[test]
fn forbidden_nodes_are_skipped_with_the_missing_permission() {
    let mut s = snap();
    s.nodes = Err(Missing::Forbidden("list nodes".into()));
    s.performers = Ok(vec![performer(
        "gpu",
        with(
            base_spec(),
            json!({"hardwareRequirements": {"gpuType": "a100"}}),
        ),
    )]);
    let r = results(&s);
    assert_eq!(
        one(&r, "hardware.gpu-nodes").message,
        "skipped: no permission to list nodes"
    );
    let model = one(&r, "hardware.gpu-model");
    assert_eq!(model.status, Status::Skipped);
    assert_eq!(model.object.as_deref(), Some("performer/ns/gpu"));
}

#[test]
fn version_range() {
    assert_eq!(parse_version("v1.36.3"), Some((1, 36)));
    assert_eq!(parse_version("v1.31.0-gke.1"), Some((1, 31)));
    let mut s = snap();
    s.cluster.as_mut().unwrap().version = Some("v1.27.4".into());
    assert_eq!(one(&results(&s), "cluster.version").status, Status::Warn);
}

#[test]
fn pre_checks_install_rights_only_in_pre_mode() {
    let mut s = snap();
    s.rights = Ok(vec![
        (
            Right {
                verb: "create".into(),
                group: "apiextensions.k8s.io".into(),
                resource: "customresourcedefinitions".into(),
                namespace: None,
            },
            false,
        ),
        (
            Right {
                verb: "create".into(),
                group: "".into(),
                resource: "namespaces".into(),
                namespace: None,
            },
            true,
        ),
    ]);
    let pre = doctor::run(
        &s,
        &RunOptions {
            pre: true,
            skip: vec![],
        },
    );
    let rights = one(&pre, "cluster.install-rights");
    assert_eq!(rights.status, Status::Fail);
    assert_eq!(
        rights.message,
        "you cannot create customresourcedefinitions.apiextensions.k8s.io"
    );
    assert!(
        only(&pre, "install.crds").is_empty(),
        "--pre does not check the installation"
    );
    assert!(only(&results(&s), "cluster.install-rights").is_empty());
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
        r.message
            .starts_with("RuntimeClass gvisor (from spec.scheduling.runtimeClass) does not exist")
    );
    assert!(r.hint.unwrap().contains("kubectl get runtimeclasses"));
}

fn waiting_status(reason: &str, message: &str) -> Value {
    json!({"phase": "Pending", "conditions": [{"type": "PodScheduled", "status": "True"}],
        "containerStatuses": [{"name": "performer", "image": "avs:v1", "imageID": "", "ready": false, "restartCount": 7,
            "lastState": {"terminated": {"exitCode": 2}},
            "state": {"waiting": {"reason": reason, "message": message}}}]})
}

#[test]
fn image_pull_failure() {
    let mut s = snap();
    let p = performer("img", base_spec());
    s.pods = Ok(vec![pod_of(
        &p,
        Some("cpu-1"),
        waiting_status("ImagePullBackOff", "Back-off pulling image \"avs:v1\""),
    )]);
    s.performers = Ok(vec![p]);
    let r = results(&s);
    let pull = one(&r, "workload.performer.image-pull");
    assert_eq!(pull.status, Status::Fail);
    assert!(
        pull.message
            .contains("cannot pull image avs:v1 (ImagePullBackOff: Back-off pulling image"),
        "{}",
        pull.message
    );
    assert!(pull.hint.as_deref().unwrap().contains("imagePullSecrets"));
    assert_eq!(
        one(&r, "workload.performer.crash-loop").status,
        Status::Pass
    );
}

#[test]
fn crash_loop_shows_the_last_log_lines() {
    let mut s = snap();
    let p = performer("crash", base_spec());
    let pod = pod_of(
        &p,
        Some("cpu-1"),
        waiting_status("CrashLoopBackOff", "back-off 5m0s"),
    );
    let key = format!("ns/{}", pod.metadata.name.clone().unwrap());
    s.pods = Ok(vec![pod]);
    s.performers = Ok(vec![p]);
    s.logs
        .insert(key, Ok("starting\npanic: no config\n".into()));
    let crash = one(&results(&s), "workload.performer.crash-loop").clone();
    assert_eq!(crash.status, Status::Fail);
    assert!(
        crash.message.contains(
            "(7 restarts, last exit code 2); last log lines: starting | panic: no config"
        ),
        "{}",
        crash.message
    );
    assert!(crash.hint.unwrap().contains("--previous"));
}

fn svc(name: &str, selector: Value, port: i32) -> Service {
    serde_json::from_value(json!({
        "metadata": {"name": name, "namespace": "ns"},
        "spec": {"selector": selector, "ports": [{"name": "grpc", "port": port}]}
    }))
    .unwrap()
}

fn slice(service: &str, ready: bool) -> EndpointSlice {
    serde_json::from_value(json!({
        "metadata": {"name": format!("{service}-x"), "namespace": "ns", "labels": {"kubernetes.io/service-name": service}},
        "addressType": "IPv4",
        "endpoints": [{"addresses": ["10.0.0.1"], "conditions": {"ready": ready}}]
    }))
    .unwrap()
}

#[test]
fn service_selector_matching_no_pod_and_endpoints() {
    let mut s = snap();
    let good = performer("good", base_spec());
    let bad = performer("bad", base_spec());
    let good_pod = pod_of(&good, Some("cpu-1"), ready_status());
    let hash = good_pod.metadata.labels.as_ref().unwrap()[render::LABEL_TEMPLATE_HASH].clone();
    let bad_pod = pod_of(&bad, Some("cpu-1"), ready_status());
    s.pods = Ok(vec![good_pod, bad_pod]);
    s.services = Ok(vec![
        render::desired_service(&good, &hash),
        svc(
            "performer-bad",
            json!({"hourglass.eigenlayer.io/performer": "nobody"}),
            9090,
        ),
    ]);
    s.endpoint_slices = Ok(vec![slice("performer-good", false)]);
    s.performers = Ok(vec![good, bad]);
    let r = results(&s);
    let service = only(&r, "workload.performer.service");
    assert_eq!(service[0].status, Status::Pass, "{:?}", service[0]);
    assert_eq!(service[1].status, Status::Fail);
    assert_eq!(
        service[1].message,
        "Service performer-bad selects hourglass.eigenlayer.io/performer=nobody, which matches no pod in ns"
    );
    let ep = only(&r, "workload.performer.endpoints");
    assert_eq!(ep[0].status, Status::Fail, "slice has no ready address");
    assert_eq!(ep[1].status, Status::Skipped);
}

#[test]
fn missing_service() {
    let mut s = snap();
    s.performers = Ok(vec![performer("lonely", base_spec())]);
    let r = one(&results(&s), "workload.performer.service").clone();
    assert_eq!(
        r.message,
        "Service performer-lonely does not exist: the executor cannot reach this Performer"
    );
}

#[test]
fn stale_status_and_stuck_deleting() {
    let mut s = snap();
    let mut p = performer("old", base_spec());
    p.metadata.generation = Some(3);
    p.status =
        Some(serde_json::from_value(json!({"observedGeneration": 2, "ready": true})).unwrap());
    p.metadata.deletion_timestamp = Some(k8s_openapi::apimachinery::pkg::apis::meta::v1::Time(
        "2026-01-01T11:00:00Z".parse().unwrap(),
    ));
    p.metadata.finalizers = Some(vec!["example.com/hold".into()]);
    s.performers = Ok(vec![p]);
    let r = results(&s);
    let stale = one(&r, "workload.stale-status");
    assert_eq!(stale.status, Status::Warn);
    assert!(
        stale
            .message
            .starts_with("status describes generation 2, the spec is at generation 3")
    );
    let stuck = one(&r, "workload.stuck-deleting");
    assert_eq!(stuck.status, Status::Fail);
    assert_eq!(
        stuck.message,
        "performer ns/old has been deleting for 3600s; finalizers: example.com/hold"
    );
}

fn executor(name: &str, config: Value) -> HourglassExecutor {
    serde_json::from_value(json!({
        "apiVersion": "hourglass.eigenlayer.io/v1alpha1", "kind": "HourglassExecutor",
        "metadata": {"name": name, "namespace": "ns", "generation": 1},
        "spec": {"image": "exec:v1", "config": config}
    }))
    .unwrap()
}

#[test]
fn executor_key_secret() {
    let mut s = snap();
    s.executors = Ok(vec![
        executor(
            "missing",
            json!({"operatorKeys": {"secretRef": {"name": "gone"}}}),
        ),
        executor(
            "partial",
            json!({"operatorKeys": {"secretRef": {"name": "half"}}}),
        ),
        executor(
            "full",
            json!({"operatorKeys": {"secretRef": {"name": "keys"}}}),
        ),
    ]);
    s.secrets = Ok(vec![
        SecretKeys {
            namespace: "ns".into(),
            name: "half".into(),
            keys: vec!["operator-private-key".into()],
        },
        SecretKeys {
            namespace: "ns".into(),
            name: "keys".into(),
            keys: vec![
                "bls-keystore.json".into(),
                "bls-password".into(),
                "operator-private-key".into(),
            ],
        },
    ]);
    let r = results(&s);
    let k = only(&r, "workload.executor.keys-secret");
    assert_eq!(k[0].status, Status::Fail);
    assert_eq!(
        k[0].message,
        "Secret gone (spec.config.operatorKeys.secretRef) does not exist in ns"
    );
    assert!(
        k[0].hint.as_deref().unwrap().starts_with(
            "kubectl -n ns create secret generic gone --from-file=operator-private-key="
        )
    );
    assert_eq!(k[1].status, Status::Fail);
    assert_eq!(
        k[1].message,
        "Secret half lacks a signing key: key ecdsa-private-key, or bls-keystore.json with bls-password, in Secret half; it has: operator-private-key"
    );
    assert_eq!(k[2].status, Status::Pass);
}

#[test]
fn inline_keys_are_named_never_printed() {
    let mut s = snap();
    s.executors = Ok(vec![executor(
        "seed",
        json!({"aggregatorEndpoint": "agg:9090", "operatorKeys": {"ecdsa": "0xdeadbeefsecret", "bls": "blssecret"},
            "chains": [{"name": "ethereum", "rpc": "https://x", "chainId": 1, "taskMailboxAddress": "0x0000000000000000000000000000000000000001"},
                       {"name": "base", "rpc": "https://y", "chainId": 8453}]}),
    )]);
    let r = results(&s);
    let inline = one(&r, "workload.executor.inline-keys");
    assert_eq!(inline.status, Status::Fail);
    assert!(
        inline
            .message
            .contains("spec.config.operatorKeys.ecdsa and spec.config.operatorKeys.bls")
    );
    let all = report::json(&r).unwrap() + &report::table(&r, false, false);
    assert!(
        !all.contains("deadbeef") && !all.contains("blssecret"),
        "a key value leaked"
    );
    // Inline keys are reported once, not again as a missing Secret.
    assert_eq!(
        one(&r, "workload.executor.keys-secret").status,
        Status::Pass
    );
    let unused = one(&r, "workload.executor.unused-fields");
    assert_eq!(unused.status, Status::Warn);
    assert!(unused.message.contains("aggregatorEndpoint"));
    assert!(
        unused
            .message
            .contains("chains[ethereum].taskMailboxAddress")
    );
    assert!(
        unused
            .message
            .contains("spec.config.chains[base]: chain id 8453: the executor reads one L1 chain")
    );
    // What the status condition always reported and doctor missed before the assessment.
    assert!(unused.message.contains("spec.config.operatorKeys.bls"));
}

/// An executor whose spec is complete with the Secret `keys` (`keys_secret()`).
fn complete_executor(name: &str) -> HourglassExecutor {
    executor(
        name,
        json!({"operatorAddress": "0x15d34AAf54267DB7D7c367839AAf71A00a2C6A65",
            "chains": [{"name": "sepolia", "rpc": "https://x", "chainId": 11155111}],
            "operatorKeys": {"secretRef": {"name": "keys"}}}),
    )
}

fn keys_secret() -> SecretKeys {
    SecretKeys {
        namespace: "ns".into(),
        name: "keys".into(),
        keys: vec!["ecdsa-private-key".into(), "operator-private-key".into()],
    }
}

/// The executor's pod with a container status.
fn executor_pod(executor: &str, container_status: Value) -> Pod {
    serde_json::from_value(json!({
        "metadata": {"name": format!("{executor}-abc"), "namespace": "ns",
            "labels": {"hourglass.eigenlayer.io/executor": executor}},
        "status": {"phase": "Running", "containerStatuses": [container_status]}
    }))
    .unwrap()
}

#[test]
fn config_complete_names_what_the_executor_lacks() {
    let mut s = snap();
    let mut holesky = complete_executor("holesky");
    holesky
        .spec
        .config
        .as_mut()
        .unwrap()
        .chains
        .as_mut()
        .unwrap()[0]
        .chain_id = 17_000;
    let mut docker = complete_executor("docker");
    docker.spec.config.as_mut().unwrap().performer_mode =
        Some(crate::api::executor::PerformerMode::Docker);
    s.executors = Ok(vec![complete_executor("ok"), holesky, docker]);
    s.secrets = Ok(vec![keys_secret()]);
    let r = results(&s);
    let c = only(&r, "workload.executor.config-complete");
    assert_eq!(c[0].status, Status::Pass, "{:?}", c[0]);
    assert_eq!(c[1].status, Status::Fail);
    assert!(
        c[1].message.starts_with("the executor cannot start (NoTaskMailbox): spec.config.overrideContracts.taskMailbox: the executor has no TaskMailbox for chain id 17000"),
        "{}",
        c[1].message
    );
    assert_eq!(c[2].status, Status::Fail);
    assert!(
        c[2].message
            .contains("(UnsupportedInPod): spec.config.performerMode: docker cannot work in a pod"),
        "{}",
        c[2].message
    );
    // Without the Secret's key names the rest is still assessed, and says so.
    s.secrets = Err(Missing::Forbidden("get secrets in namespace ns".into()));
    let r = results(&s);
    let c = only(&r, "workload.executor.config-complete");
    assert!(
        c[0].message
            .contains("the keys Secret was not read: no permission")
    );
    assert_eq!(c[1].status, Status::Fail);
}

#[test]
fn crash_looping_executor_shows_its_last_lines_redacted_and_the_fatal_cause() {
    let mut s = snap();
    s.executors = Ok(vec![complete_executor("ex")]);
    s.secrets = Ok(vec![keys_secret()]);
    let key = "4c0883a69102937d6231471b5dbb6204fe5129617082792ae468d01a3f362318";
    let log = format!(
        "line 1\nline 2\nconfig: privateKey: {key}\n-----BEGIN PRIVATE KEY-----\nMIIEv\n-----END PRIVATE KEY-----\nFailed to get chainId from rpc: dial tcp 10.0.0.1:8545: connect: connection refused\nfatal: task mailbox contract not found\n"
    );
    s.pods = Ok(vec![executor_pod(
        "ex",
        json!({"name": "executor", "image": "x", "imageID": "", "ready": false, "restartCount": 4,
            "state": {"waiting": {"reason": "CrashLoopBackOff"}},
            "lastState": {"terminated": {"exitCode": 1, "message": log}}}),
    )]);
    let r = results(&s);
    let crash = one(&r, "workload.executor.crash-loop");
    assert_eq!(crash.status, Status::Fail);
    assert_eq!(
        crash.message,
        "container executor of executor pod ex-abc is crash-looping (4 restarts, last exit code 1); last log lines: line 2 | config: privateKey: <redacted> | <redacted PEM block> | Failed to get chainId from rpc: dial tcp 10.0.0.1:8545: connect: connection refused | fatal: task mailbox contract not found"
    );
    let fatal = one(&r, "workload.executor.fatal-log");
    assert_eq!(fatal.status, Status::Fail);
    assert_eq!(
        fatal.message,
        "the L1 RPC cannot be reached from the pod (log: Failed to get chainId from rpc: dial tcp 10.0.0.1:8545: connect: connection refused); the executor has no TaskMailbox for its L1 chain id (log: fatal: task mailbox contract not found)"
    );
    assert!(
        fatal
            .hint
            .as_deref()
            .unwrap()
            .contains("overrideContracts.taskMailbox")
    );
    let all = report::json(&r).unwrap() + &report::table(&r, false, false);
    assert!(
        !all.contains(&key[..16]) && !all.contains("MIIEv"),
        "a key leaked"
    );

    // A running executor whose log (read from the logs API) shows TLS failures to performers.
    s.pods = Ok(vec![executor_pod(
        "ex",
        json!({"name": "executor", "image": "x", "imageID": "", "ready": true, "restartCount": 0,
            "state": {"running": {}}}),
    )]);
    s.logs.insert(
        "ns/ex-abc".into(),
        Ok("task failed: rpc error: code = Unavailable desc = connection error: desc = \"transport: authentication handshake failed: tls: first record does not look like a TLS handshake\"".into()),
    );
    let r = results(&s);
    assert_eq!(one(&r, "workload.executor.crash-loop").status, Status::Pass);
    let fatal = one(&r, "workload.executor.fatal-log");
    assert_eq!(fatal.status, Status::Fail);
    assert!(
        fatal
            .message
            .starts_with("TLS handshakes fail when the executor calls its performers"),
        "{}",
        fatal.message
    );
    assert!(fatal.hint.as_deref().unwrap().contains("SSL_CERT_DIR"));
}

#[test]
fn a_stuck_executor_rollout_is_an_error() {
    use crate::doctor::snapshot::ExecutorWorkload;
    let mut s = snap();
    let mut e = complete_executor("ex");
    e.status =
        Some(serde_json::from_value(json!({"lastConfigUpdate": "2026-01-01T11:00:00Z"})).unwrap());
    s.executors = Ok(vec![e]);
    s.secrets = Ok(vec![keys_secret()]);
    let workload = |updated, ready, deadline| ExecutorWorkload {
        namespace: "ns".into(),
        name: "ex".into(),
        kind: "StatefulSet",
        desired: 1,
        updated,
        ready,
        deadline_exceeded: deadline,
    };
    s.executor_workloads = Ok(vec![workload(1, 1, false)]);
    assert_eq!(
        one(&results(&s), "workload.executor.rollout").status,
        Status::Pass
    );
    // An hour after the config change, no replica runs the new template.
    s.executor_workloads = Ok(vec![workload(0, 1, false)]);
    let r = results(&s);
    let stuck = one(&r, "workload.executor.rollout");
    assert_eq!(stuck.status, Status::Fail);
    assert_eq!(
        stuck.message,
        "the rollout of StatefulSet ex is stuck: 0/1 replicas updated, 1 ready, 3600s after the last config change"
    );
    // The Deployment controller's own verdict counts at once.
    let mut d = workload(1, 0, true);
    d.kind = "Deployment";
    let mut e = complete_executor("ex");
    e.status = None;
    s.executors = Ok(vec![e]);
    s.executor_workloads = Ok(vec![d]);
    assert_eq!(
        one(&results(&s), "workload.executor.rollout").status,
        Status::Fail
    );
}

#[test]
fn inline_keys_mention_the_last_applied_copy() {
    let mut s = snap();
    let mut e = executor(
        "seed",
        json!({"operatorKeys": {"ecdsa": "0xdeadbeefsecret"}}),
    );
    e.metadata.annotations = Some(std::collections::BTreeMap::from([(
        "kubectl.kubernetes.io/last-applied-configuration".to_string(),
        "{\"spec\":{\"config\":{\"operatorKeys\":{\"ecdsa\":\"0xdeadbeefsecret\"}}}}".to_string(),
    )]));
    s.executors = Ok(vec![e]);
    let r = results(&s);
    let inline = one(&r, "workload.executor.inline-keys");
    assert!(
        inline.message.ends_with(
            "and its kubectl.kubernetes.io/last-applied-configuration annotation holds a copy"
        ),
        "{}",
        inline.message
    );
    let hint = inline.hint.as_deref().unwrap();
    assert!(
        hint.contains("until the file without them is applied"),
        "{hint}"
    );
    let all = report::json(&r).unwrap();
    assert!(!all.contains("deadbeef"));
}

fn lease(ns: &str, holder: &str, renewed: &str) -> Lease {
    serde_json::from_value(json!({
        "metadata": {"name": "hgctl-operator", "namespace": ns},
        "spec": {"holderIdentity": holder, "leaseDurationSeconds": 15, "renewTime": renewed}
    }))
    .unwrap()
}

#[test]
fn controllers_from_leases() {
    let mut s = snap();
    s.leases = Ok(vec![lease(
        "hourglass-system",
        "run-local@me/1",
        "2026-01-01T11:59:58.000000Z",
    )]);
    let r = results(&s);
    assert_eq!(one(&r, "install.controller").status, Status::Pass);
    assert!(
        one(&r, "install.controller")
            .message
            .starts_with("run-local@me/1 holds the lease hourglass-system/hgctl-operator")
    );
    // An expired lease is nobody.
    s.leases = Ok(vec![lease(
        "hourglass-system",
        "run-local@me/1",
        "2026-01-01T11:00:00.000000Z",
    )]);
    assert_eq!(one(&results(&s), "install.controller").status, Status::Warn);
    s.leases = Ok(vec![
        lease(
            "hourglass-system",
            "operator@pod",
            "2026-01-01T11:59:59.000000Z",
        ),
        lease("ns", "run-local@me/1", "2026-01-01T11:59:59.000000Z"),
    ]);
    assert_eq!(
        one(&results(&s), "install.single-controller").status,
        Status::Warn
    );
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

#[test]
fn names_restrict_the_workload_checks() {
    let mut s = snap();
    s.performers = Ok(vec![
        performer("a", base_spec()),
        performer("b", base_spec()),
    ]);
    s.names = vec!["b".into()];
    let r = results(&s);
    let ready = only(&r, "workload.performer.ready");
    assert_eq!(ready.len(), 1);
    assert_eq!(ready[0].object.as_deref(), Some("performer/ns/b"));
}

#[test]
fn skip_removes_a_check_and_json_has_one_entry_per_run() {
    let mut s = snap();
    s.performers = Ok(vec![
        performer("a", base_spec()),
        performer("b", base_spec()),
    ]);
    let r = doctor::run(
        &s,
        &RunOptions {
            pre: false,
            skip: vec!["install.controller".into()],
        },
    );
    assert!(only(&r, "install.controller").is_empty());
    let text = report::json(&r).unwrap();
    let v: Value = serde_json::from_str(&text).unwrap();
    let checks = v["checks"].as_array().unwrap();
    assert_eq!(checks.len(), r.len());
    assert_eq!(
        only(&r, "workload.performer.ready").len(),
        2,
        "one run per Performer"
    );
    for c in checks {
        for key in ["id", "category", "severity", "status", "message", "hint"] {
            assert!(c.get(key).is_some(), "{key} missing in {c}");
        }
    }
    assert_eq!(v["summary"]["total"], json!(r.len()));
    assert_eq!(checks[0]["category"], json!("cluster"));
}

#[test]
fn table_groups_by_category_and_collapses_passing_runs() {
    let mut s = snap();
    s.performers = Ok(vec![
        performer("a", base_spec()),
        performer("b", base_spec()),
    ]);
    let r = results(&s);
    let text = report::table(&r, false, false);
    let cluster = text.find("Cluster\n").unwrap();
    let workloads = text.find("Workloads\n").unwrap();
    assert!(cluster < workloads);
    assert!(
        text.contains("the Performer's image can be pulled (2 objects)"),
        "{text}"
    );
    assert!(text.contains("      hint: hgctl run-local -n ns"), "{text}");
    let short = report::short(&r, false, false);
    assert!(
        !short.contains("ok  "),
        "short shows problems only: {short}"
    );
    let lines: Vec<&str> = short.lines().collect();
    let (last, problems) = lines.split_last().unwrap();
    assert!(
        last.starts_with(&format!("{} checks: ", r.len())),
        "{short}"
    );
    assert!(!problems.is_empty());
    for l in problems {
        assert!(
            l.starts_with("  WARN ") || l.starts_with("  FAIL ") || l.starts_with("      hint: "),
            "{l}"
        );
    }
}
