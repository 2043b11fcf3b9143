//! End-to-end tests of `hgctl doctor` on the local control plane. Each test owns a namespace
//! with one deliberately broken setup and asserts that doctor names it with the right check ID
//! and hint. "CRDs missing" is covered by the pure check's unit tests (the CRDs are shared by
//! every concurrent test and must not be deleted here).

mod common;

use std::time::Duration;

use common::cli::{hgctl_plain as hgctl, hgctl_with};
use common::cluster::{self, TestNamespace, wait_for};
use common::run_local::{RunLocal, install_crds};
use hgctl::api::{HourglassExecutor, Performer};
use k8s_openapi::api::core::v1::{Pod, Service};
use k8s_openapi::api::discovery::v1::EndpointSlice;
use kube::api::{Api, ListParams, Patch, PatchParams};
use serde_json::{Value, json};

const TIMEOUT: Duration = Duration::from_secs(60);

/// `hgctl doctor -n NS -o json`: exit code and the one JSON document.
fn doctor_json(ns: &str, extra: &[&str]) -> (i32, Value) {
    let mut args = vec!["doctor", "-n", ns, "-o", "json"];
    args.extend(extra);
    let out = hgctl(&args);
    let text = String::from_utf8_lossy(&out.stdout).to_string();
    let doc: Value = serde_json::from_str(&text).unwrap_or_else(|e| {
        panic!(
            "doctor -o json is not one JSON document ({e}):\n{text}\nstderr:\n{}",
            String::from_utf8_lossy(&out.stderr)
        )
    });
    (out.status.code().unwrap_or(-1), doc)
}

/// The entries of one check about one object (or every entry of the check when `object` is None).
fn entries<'a>(doc: &'a Value, id: &str, object: Option<&str>) -> Vec<&'a Value> {
    doc["checks"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["id"] == id && object.is_none_or(|o| c["object"] == o))
        .collect()
}

fn the_entry<'a>(doc: &'a Value, id: &str, object: &str) -> &'a Value {
    let found = entries(doc, id, Some(object));
    assert_eq!(found.len(), 1, "{id} on {object}: {doc:#}");
    found[0]
}

fn example(file: &str) -> Value {
    let path = format!("{}/examples/{file}", env!("CARGO_MANIFEST_DIR"));
    serde_saphyr::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

fn performer(name: &str, spec: Value) -> Value {
    let mut s = json!({"avsAddress": "0x1234567890abcdef1234567890abcdef12345678", "image": "avs/performer:v1"});
    for (k, v) in spec.as_object().unwrap() {
        s[k] = v.clone();
    }
    json!({"apiVersion": "hourglass.eigenlayer.io/v1alpha1", "kind": "Performer",
           "metadata": {"name": name}, "spec": s})
}

async fn apply_performer(ns: &TestNamespace, body: &Value) {
    let name = body["metadata"]["name"].as_str().unwrap();
    ns.api::<Performer>()
        .patch(
            name,
            &PatchParams::apply("e2e-doctor").force(),
            &Patch::Apply(body),
        )
        .await
        .unwrap();
}

async fn apply_executor(ns: &TestNamespace, body: &Value) {
    let name = body["metadata"]["name"].as_str().unwrap();
    ns.api::<HourglassExecutor>()
        .patch(
            name,
            &PatchParams::apply("e2e-doctor").force(),
            &Patch::Apply(body),
        )
        .await
        .unwrap();
}

async fn pods_of(ns: &TestNamespace, name: &str) -> Vec<Pod> {
    ns.api::<Pod>()
        .list(&ListParams::default().labels(&format!("hourglass.eigenlayer.io/performer={name}")))
        .await
        .unwrap()
        .items
}

async fn wait_ready(ns: &TestNamespace, name: &str) {
    let api: Api<Performer> = ns.api();
    wait_for(TIMEOUT, format!("performer {name} ready"), || async {
        let p = api.get(name).await.map_err(|e| e.to_string())?;
        match p.status.as_ref() {
            Some(s) if s.ready => Ok(()),
            s => Err(format!("status {s:?}")),
        }
    })
    .await;
}

async fn wait_unschedulable(ns: &TestNamespace, name: &str) {
    wait_for(
        TIMEOUT,
        format!("a pod of {name} marked unschedulable"),
        || async {
            let pods = pods_of(ns, name).await;
            pods.iter()
                .any(|p| {
                    p.status
                        .as_ref()
                        .and_then(|s| s.conditions.as_ref())
                        .is_some_and(|c| {
                            c.iter()
                                .any(|c| c.type_ == "PodScheduled" && c.status == "False")
                        })
                })
                .then_some(())
        },
    )
    .await;
}

fn obj(ns: &TestNamespace, kind: &str, name: &str) -> String {
    format!("{kind}/{}/{name}", ns.name())
}

#[tokio::test]
async fn a_healthy_namespace_passes_with_exit_0_and_json_has_one_entry_per_check_run() {
    install_crds().await;
    let ns = TestNamespace::create("doc-ok").await;
    let _run = RunLocal::start(ns.name());
    apply_performer(&ns, &performer("ok", json!({}))).await;
    wait_ready(&ns, "ok").await;
    let slices: Api<EndpointSlice> = ns.api();
    wait_for(TIMEOUT, "a ready EndpointSlice address", || async {
        let list = slices
            .list(&ListParams::default().labels("kubernetes.io/service-name=performer-ok"))
            .await
            .map_err(|e| e.to_string())?;
        list.items
            .iter()
            .flat_map(|s| s.endpoints.iter().flatten())
            .any(|e| e.conditions.as_ref().and_then(|c| c.ready) == Some(true))
            .then_some(())
            .ok_or("no ready address yet".to_string())
    })
    .await;

    let out = hgctl(&["doctor", "-n", ns.name()]);
    let table = String::from_utf8_lossy(&out.stdout);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{table}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(table.contains("ok   workload.performer.ready"), "{table}");
    assert!(
        table.contains("ok   install.controller"),
        "the run-local's lease is seen: {table}"
    );

    let (code, doc) = doctor_json(ns.name(), &[]);
    assert_eq!(code, 0);
    let checks = doc["checks"].as_array().unwrap();
    assert_eq!(
        doc["summary"]["total"].as_u64().unwrap() as usize,
        checks.len()
    );
    assert_eq!(doc["summary"]["fail"], 0, "{doc:#}");
    // Every check of the normal mode ran once per object it applies to (not `--pre`'s, not
    // `--probe`'s).
    for def in hgctl::doctor::CHECKS {
        let expected = !matches!(
            def.when,
            hgctl::doctor::When::Pre | hgctl::doctor::When::Probe
        );
        assert_eq!(
            !entries(&doc, def.id, None).is_empty(),
            expected,
            "{}",
            def.id
        );
    }
    let ready = the_entry(
        &doc,
        "workload.performer.ready",
        &obj(&ns, "performer", "ok"),
    );
    assert_eq!(ready["status"], "pass");
    assert_eq!(
        the_entry(
            &doc,
            "workload.performer.endpoints",
            &obj(&ns, "performer", "ok")
        )["status"],
        "pass"
    );

    // --skip removes exactly that check; --fail-on warning turns a warning into exit 1.
    let (_, skipped) = doctor_json(ns.name(), &["--skip", "workload.performer.ready"]);
    assert!(entries(&skipped, "workload.performer.ready", None).is_empty());
    assert_eq!(
        skipped["checks"].as_array().unwrap().len(),
        checks.len() - 1
    );
}

#[tokio::test]
async fn an_h200_request_is_explained_with_the_gpus_the_cluster_has() {
    install_crds().await;
    let ns = TestNamespace::create("doc-h200").await;
    let _run = RunLocal::start(ns.name());
    apply_performer(
        &ns,
        &performer("h200", json!({"hardwareRequirements": {"gpuType": "h200"}})),
    )
    .await;
    wait_unschedulable(&ns, "h200").await;

    let (code, doc) = doctor_json(ns.name(), &[]);
    assert_eq!(code, 1, "a failed check exits 1");
    let model = the_entry(&doc, "hardware.gpu-model", &obj(&ns, "performer", "h200"));
    assert_eq!(model["status"], "fail");
    let msg = model["message"].as_str().unwrap();
    assert!(msg.starts_with("h200 requested: 0 of "), "{msg}");
    assert!(
        msg.contains("nodes have nvidia.com/gpu.product=NVIDIA-H200*; GPU nodes with free GPUs: "),
        "{msg}"
    );
    assert!(msg.contains("a100 x "), "{msg}");
    assert!(
        model["hint"]
            .as_str()
            .unwrap()
            .contains(&format!("kubectl -n {} edit performer h200", ns.name()))
    );
    let sched = the_entry(
        &doc,
        "workload.performer.unschedulable",
        &obj(&ns, "performer", "h200"),
    );
    assert_eq!(sched["status"], "fail");
    assert!(
        sched["message"]
            .as_str()
            .unwrap()
            .contains("nvidia.com/gpu.product=NVIDIA-H200*"),
        "{sched}"
    );
}

#[tokio::test]
async fn an_untolerated_taint_is_named_with_the_node() {
    install_crds().await;
    let ns = TestNamespace::create("doc-taint").await;
    let _run = RunLocal::start(ns.name());
    apply_performer(
        &ns,
        &performer("tainted", json!({"scheduling": {"nodeSelector": {"node.kubernetes.io/instance-type": "m5.2xlarge"}}})),
    )
    .await;
    wait_unschedulable(&ns, "tainted").await;

    let (code, doc) = doctor_json(ns.name(), &[]);
    assert_eq!(code, 1);
    let sched = the_entry(
        &doc,
        "workload.performer.unschedulable",
        &obj(&ns, "performer", "tainted"),
    );
    assert_eq!(sched["status"], "fail");
    let msg = sched["message"].as_str().unwrap();
    assert!(
        msg.contains(
            "node avs-1 has taint dedicated=avs-workloads:NoSchedule that the pod does not tolerate"
        ),
        "{msg}"
    );
    assert!(
        sched["hint"]
            .as_str()
            .unwrap()
            .contains("spec.scheduling.tolerations")
    );
}

#[tokio::test]
async fn a_missing_runtime_class_is_named() {
    install_crds().await;
    let ns = TestNamespace::create("doc-rc").await;
    apply_performer(
        &ns,
        &performer(
            "rc",
            json!({"scheduling": {"runtimeClass": "hgctl-e2e-missing"}}),
        ),
    )
    .await;

    let (code, doc) = doctor_json(ns.name(), &[]);
    assert_eq!(code, 1);
    let rc = the_entry(&doc, "hardware.runtime-class", &obj(&ns, "performer", "rc"));
    assert_eq!(rc["status"], "fail");
    let msg = rc["message"].as_str().unwrap();
    assert!(
        msg.starts_with(
            "RuntimeClass hgctl-e2e-missing (from spec.scheduling.runtimeClass) does not exist"
        ),
        "{msg}"
    );
    assert!(
        msg.contains("kata-qemu-tdx"),
        "lists the classes that exist: {msg}"
    );
    assert!(
        rc["hint"]
            .as_str()
            .unwrap()
            .contains("kubectl get runtimeclasses")
    );
}

#[tokio::test]
async fn an_image_that_cannot_be_pulled_is_named() {
    install_crds().await;
    let ns = TestNamespace::create("doc-pull").await;
    let mut run = RunLocal::start(ns.name());
    apply_performer(
        &ns,
        &performer("pull", json!({"image": "registry.invalid/nope:v1"})),
    )
    .await;
    wait_ready(&ns, "pull").await;
    run.kill();
    // kwok never pulls; simulate kubelet's report through the status subresource. kwok's
    // pod-ready stage only acts on Pending pods, so a Running pod keeps this status.
    let pod = pods_of(&ns, "pull").await.remove(0);
    let pod_name = pod.metadata.name.clone().unwrap();
    let pods: Api<Pod> = ns.api();
    let status = json!({"status": {
        "conditions": [{"type": "Ready", "status": "False", "reason": "ContainersNotReady"}],
        "containerStatuses": [{"name": "performer", "image": "registry.invalid/nope:v1", "imageID": "",
            "ready": false, "restartCount": 0,
            "state": {"waiting": {"reason": "ImagePullBackOff",
                "message": "Back-off pulling image \"registry.invalid/nope:v1\""}}}]}});
    pods.patch_status(
        &pod_name,
        &PatchParams::default(),
        &Patch::Strategic(&status),
    )
    .await
    .unwrap();

    let (code, doc) = doctor_json(ns.name(), &[]);
    assert_eq!(code, 1);
    let pull = the_entry(
        &doc,
        "workload.performer.image-pull",
        &obj(&ns, "performer", "pull"),
    );
    assert_eq!(pull["status"], "fail", "{doc:#}");
    let msg = pull["message"].as_str().unwrap();
    assert!(
        msg.contains(&format!(
            "pod {pod_name} cannot pull image registry.invalid/nope:v1 (ImagePullBackOff"
        )),
        "{msg}"
    );
    assert!(pull["hint"].as_str().unwrap().contains("imagePullSecrets"));
    // The simulated state was still there when doctor read it (nothing overwrote it).
    let after = pods.get(&pod_name).await.unwrap();
    let waiting = after.status.unwrap().container_statuses.unwrap()[0]
        .state
        .clone()
        .unwrap()
        .waiting
        .unwrap()
        .reason;
    assert_eq!(waiting.as_deref(), Some("ImagePullBackOff"));
}

#[tokio::test]
async fn a_missing_executor_key_secret_is_named_with_the_command_to_create_it() {
    install_crds().await;
    let ns = TestNamespace::create("doc-keys").await;
    apply_executor(&ns, &example("executor-full.yaml")).await;

    let (code, doc) = doctor_json(ns.name(), &[]);
    assert_eq!(code, 1);
    let keys = the_entry(
        &doc,
        "workload.executor.keys-secret",
        &obj(&ns, "executor", "sepolia-executor"),
    );
    assert_eq!(keys["status"], "fail");
    assert_eq!(
        keys["message"],
        format!(
            "Secret operator-keys (spec.config.operatorKeys.secretRef) does not exist in {}",
            ns.name()
        )
    );
    assert!(keys["hint"].as_str().unwrap().starts_with(&format!(
        "kubectl -n {} create secret generic operator-keys --from-file=operator-private-key=",
        ns.name()
    )));
}

#[tokio::test]
async fn inline_executor_keys_are_named_and_never_printed() {
    install_crds().await;
    let ns = TestNamespace::create("doc-inline").await;
    let mut body = example("executor.yaml");
    body["spec"]["config"]["operatorKeys"] =
        json!({"ecdsa": "0xfeedfacecafebeef", "bls": "bls-e2e-secret-value"});
    apply_executor(&ns, &body).await;

    let out = hgctl(&["doctor", "-n", ns.name(), "-o", "json"]);
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        !text.contains("feedface") && !text.contains("bls-e2e-secret-value"),
        "a key leaked:\n{text}"
    );
    let (code, doc) = doctor_json(ns.name(), &[]);
    assert_eq!(code, 1);
    let inline = the_entry(
        &doc,
        "workload.executor.inline-keys",
        &obj(&ns, "executor", "example-executor"),
    );
    assert_eq!(inline["status"], "fail");
    assert!(
        inline["message"]
            .as_str()
            .unwrap()
            .contains("spec.config.operatorKeys.ecdsa and spec.config.operatorKeys.bls")
    );
    assert!(inline["hint"].as_str().unwrap().contains("secretRef"));
    let unused = the_entry(
        &doc,
        "workload.executor.unused-fields",
        &obj(&ns, "executor", "example-executor"),
    );
    assert_eq!(unused["status"], "warn");
    assert!(
        unused["message"]
            .as_str()
            .unwrap()
            .contains("aggregatorEndpoint")
    );
    // describe ends with the same verdict.
    let out = hgctl(&["executor", "describe", "example-executor", "-n", ns.name()]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(text.contains("Doctor:\n"), "{text}");
    assert!(
        text.contains("FAIL workload.executor.inline-keys"),
        "{text}"
    );
    assert!(!text.contains("feedface"));
}

#[tokio::test]
async fn a_service_selector_matching_no_pod_is_named() {
    install_crds().await;
    let ns = TestNamespace::create("doc-svc").await;
    let mut run = RunLocal::start(ns.name());
    apply_performer(&ns, &performer("svc", json!({}))).await;
    wait_ready(&ns, "svc").await;
    run.kill(); // or it would put the selector back
    let services: Api<Service> = ns.api();
    services
        .patch(
            "performer-svc",
            &PatchParams::default(),
            &Patch::Merge(
                json!({"spec": {"selector": {"hourglass.eigenlayer.io/performer": "nobody"}}}),
            ),
        )
        .await
        .unwrap();

    let (code, doc) = doctor_json(ns.name(), &[]);
    assert_eq!(code, 1);
    let svc = the_entry(
        &doc,
        "workload.performer.service",
        &obj(&ns, "performer", "svc"),
    );
    assert_eq!(svc["status"], "fail");
    let msg = svc["message"].as_str().unwrap();
    assert!(msg.starts_with("Service performer-svc selects "), "{msg}");
    assert!(
        msg.contains("hourglass.eigenlayer.io/performer=nobody"),
        "{msg}"
    );
    assert!(
        msg.ends_with(&format!("which matches no pod in {}", ns.name())),
        "{msg}"
    );
    assert!(svc["hint"].as_str().unwrap().contains("hgctl run-local"));
    // describe says the same.
    let out = hgctl(&["performer", "describe", "svc", "-n", ns.name()]);
    assert!(String::from_utf8_lossy(&out.stdout).contains("FAIL workload.performer.service"));
}

#[tokio::test]
async fn an_unreachable_cluster_exits_3_quickly_with_one_json_document() {
    let dir = std::env::temp_dir().join(cluster::unique_name("doc-offline"));
    std::fs::create_dir_all(&dir).unwrap();
    let kubeconfig = dir.join("kubeconfig");
    std::fs::write(
        &kubeconfig,
        "apiVersion: v1\nkind: Config\nclusters:\n- name: c\n  cluster: {server: 'https://127.0.0.1:1'}\ncontexts:\n- name: c\n  context: {cluster: c, user: u}\ncurrent-context: c\nusers:\n- name: u\n  user: {token: x}\n",
    )
    .unwrap();
    let out = hgctl_with(&kubeconfig, &["doctor", "-o", "json"]);
    let _ = std::fs::remove_dir_all(&dir);
    assert_eq!(
        out.status.code(),
        Some(3),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let doc: Value = serde_json::from_slice(&out.stdout).expect("one JSON document");
    let reach = &entries(&doc, "cluster.reachable", None)[0];
    assert_eq!(reach["status"], "fail");
    assert!(
        reach["message"]
            .as_str()
            .unwrap()
            .contains("https://127.0.0.1:1")
    );
    assert!(
        doc["checks"]
            .as_array()
            .unwrap()
            .iter()
            .skip(1)
            .all(|c| c["status"] == "skipped")
    );
}

#[tokio::test]
async fn pre_checks_the_rights_to_install_and_bad_flags_exit_2() {
    let out = hgctl(&["doctor", "--pre", "-o", "json"]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let doc: Value = serde_json::from_slice(&out.stdout).unwrap();
    let rights = &entries(&doc, "cluster.install-rights", None)[0];
    assert_eq!(
        rights["status"], "pass",
        "the test cluster's admin may install"
    );
    assert!(entries(&doc, "install.crds", None).is_empty());
    for bad in [
        vec!["doctor", "--skip", "no.such.check"],
        vec!["doctor", "-o", "yaml"],
        vec!["doctor", "-A", "-n", "x"],
        vec!["doctor", "--pre", "--probe"],
        vec!["doctor", "--probe-image", "hgctl:v1"],
        vec!["doctor", "--probe", "--probe-toleration", "no-effect"],
    ] {
        let out = hgctl(&bad);
        assert_eq!(
            out.status.code(),
            Some(2),
            "{bad:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
}
