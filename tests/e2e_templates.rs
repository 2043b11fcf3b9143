//! End-to-end tests of the executor's per-AVS performer template on the real local control
//! plane: a Performer created with exactly the body the real executor sends takes the
//! template of the executor that lists its AVS, and template edits roll it out.

mod common;

use std::time::Duration;

use common::cluster::{TestNamespace, wait_for};
use common::run_local::{RunLocal, install_crds};
use hgctl::api::{HourglassExecutor, Performer};
use k8s_openapi::api::core::v1::{ConfigMap, Pod, Secret, ServiceAccount};
use kube::ResourceExt;
use kube::api::{Api, ListParams, Patch, PatchParams, PostParams};
use serde_json::{Value, json};

const TIMEOUT: Duration = Duration::from_secs(90);
/// Mixed case in the executor's config; the executor lower-cases it in the Performer.
const AVS: &str = "0xAbC0000000000000000000000000000000000001";
const EXECUTOR: &str = "exec";

/// The body the real executor sends (the Go stand-in's `wantBody` in
/// tests/images/cmd/executor/main_test.go), in namespace `ns` under `name`.
fn executor_body(ns: &str, name: &str) -> String {
    let avs = AVS.to_lowercase();
    format!(
        r#"{{"kind":"Performer","apiVersion":"hourglass.eigenlayer.io/v1alpha1","metadata":{{"name":"{name}","namespace":"{ns}","creationTimestamp":null,"labels":{{"app":"hourglass-performer","hourglass.eigenlayer.io/avs":"{avs}","hourglass.eigenlayer.io/performer":"{name}"}}}},"spec":{{"avsAddress":"{avs}","image":"hgctl.local/performer:v1","imagePullPolicy":"Never","version":"v1","config":{{"grpcPort":8080,"environment":{{"AVS_ADDRESS":"{avs}","GRPC_PORT":"8080","MODEL":"small"}},"environmentFrom":[{{"name":"API_KEY","valueFrom":{{"secretKeyRef":{{"name":"keys","key":"api"}}}}}},{{"name":"REGION","valueFrom":{{"configMapKeyRef":{{"name":"settings","key":"region"}}}}}}],"serviceAccountName":"performer-sa"}},"resources":{{}}}},"status":{{}}}}"#
    )
}

/// Creates the Performer as the executor's Go client does: a POST with that exact body
/// (after the ServiceAccount, Secret and ConfigMap the body names).
async fn create_as_executor(ns: &TestNamespace, name: &str) {
    post_performer(ns, executor_body(ns.name(), name)).await;
}

/// POSTs a Performer body as it is (after the objects the executor's body names).
async fn post_performer(ns: &TestNamespace, body: String) {
    let sa: Api<ServiceAccount> = ns.api();
    let _ = sa
        .create(
            &PostParams::default(),
            &serde_json::from_value(json!({"metadata": {"name": "performer-sa"}})).unwrap(),
        )
        .await;
    let secrets: Api<Secret> = ns.api();
    let _ = secrets
        .create(
            &PostParams::default(),
            &serde_json::from_value(
                json!({"metadata": {"name": "keys"}, "stringData": {"api": "k"}}),
            )
            .unwrap(),
        )
        .await;
    let cms: Api<ConfigMap> = ns.api();
    let _ = cms
        .create(
            &PostParams::default(),
            &serde_json::from_value(
                json!({"metadata": {"name": "settings"}, "data": {"region": "eu"}}),
            )
            .unwrap(),
        )
        .await;
    let req = http::Request::post(format!(
        "/apis/hourglass.eigenlayer.io/v1alpha1/namespaces/{}/performers",
        ns.name()
    ))
    .header("content-type", "application/json")
    .body(body.into_bytes())
    .unwrap();
    ns.client().request_text(req).await.unwrap();
}

async fn apply_executor(ns: &TestNamespace, template: Value) {
    let api: Api<HourglassExecutor> = ns.api();
    let body = json!({
        "apiVersion": "hourglass.eigenlayer.io/v1alpha1", "kind": "HourglassExecutor",
        "metadata": {"name": EXECUTOR},
        "spec": {"image": "hourglass/executor:v1", "replicas": 0, "config": {"avsPerformers": [
            {"avsAddress": AVS, "image": "hgctl.local/performer:v1", "performerTemplate": template}
        ]}}
    });
    api.patch(
        EXECUTOR,
        &PatchParams::apply("e2e-templates").force(),
        &Patch::Apply(&body),
    )
    .await
    .unwrap();
}

/// The one live (not terminating) pod of the Performer once it is ready and alone.
async fn serving_pod(ns: &TestNamespace, name: &str, not: Option<&str>) -> (Performer, Pod) {
    let performers: Api<Performer> = ns.api();
    let pods: Api<Pod> = ns.api();
    wait_for(
        TIMEOUT,
        format!("{name} ready on a single new pod"),
        || async {
            let p = performers.get(name).await.map_err(|e| e.to_string())?;
            let list = pods
                .list(
                    &ListParams::default()
                        .labels(&format!("hourglass.eigenlayer.io/performer={name}")),
                )
                .await
                .map_err(|e| e.to_string())?
                .items;
            let names: Vec<String> = list.iter().map(|p| p.name_any()).collect();
            let ready = p.status.as_ref().is_some_and(|s| s.ready);
            match list.as_slice() {
                [pod]
                    if ready
                        && Some(pod.name_any().as_str()) != not
                        && pod.metadata.deletion_timestamp.is_none() =>
                {
                    Ok((p, pod.clone()))
                }
                _ => Err(format!("ready {ready}, pods {names:?}")),
            }
        },
    )
    .await
}

fn gpus(pod: &Pod) -> Option<String> {
    let c = &pod.spec.as_ref()?.containers[0];
    Some(
        c.resources
            .as_ref()?
            .limits
            .as_ref()?
            .get("nvidia.com/gpu")?
            .0
            .clone(),
    )
}

fn pull_policy(pod: &Pod) -> Option<String> {
    pod.spec.as_ref()?.containers[0].image_pull_policy.clone()
}

fn node(pod: &Pod) -> Option<String> {
    pod.spec.as_ref()?.node_name.clone()
}

#[tokio::test]
async fn an_executor_written_performer_takes_the_template_and_follows_its_edits() {
    install_crds().await;
    let ns = TestNamespace::create("templates").await;
    let _run = RunLocal::start(ns.name());
    apply_executor(
        &ns,
        json!({"hardwareRequirements": {"gpuType": "h100", "gpuCount": 2}, "imagePullPolicy": "IfNotPresent"}),
    )
    .await;
    let name = "performer-abcdef-12345678";
    create_as_executor(&ns, name).await;

    let (p, first) = serving_pod(&ns, name, None).await;
    assert_eq!(node(&first).as_deref(), Some("gpu-h100"));
    assert_eq!(gpus(&first).as_deref(), Some("2"));
    assert_eq!(pull_policy(&first).as_deref(), Some("IfNotPresent"));
    let status = p.status.unwrap();
    assert_eq!(
        status.template.as_deref(),
        Some(format!("{EXECUTOR}/{AVS}").as_str())
    );
    // The Performer itself keeps what the executor wrote.
    assert_eq!(p.spec.image_pull_policy.map(|x| x.as_str()), Some("Never"));
    assert!(status.last_upgrade.is_none());

    // Blue-green: 2 + 4 GPUs fit on the H100 node together, the new pod serves before
    // the old one goes, and the handover stamps lastUpgrade.
    apply_executor(
        &ns,
        json!({"hardwareRequirements": {"gpuType": "h100", "gpuCount": 4}, "imagePullPolicy": "IfNotPresent"}),
    )
    .await;
    let (p, second) = serving_pod(&ns, name, Some(&first.name_any())).await;
    assert_eq!(gpus(&second).as_deref(), Some("4"));
    assert!(
        p.status.as_ref().unwrap().last_upgrade.is_some(),
        "a blue-green handover sets lastUpgrade: {:?}",
        p.status
    );

    // Recreate with no free GPUs: 4 held + 6 wanted > 8, so blue-green could never start
    // the new pod; Recreate deletes the old one first and the new one lands in its place.
    apply_executor(
        &ns,
        json!({"hardwareRequirements": {"gpuType": "h100", "gpuCount": 6}, "imagePullPolicy": "IfNotPresent", "upgradeStrategy": "Recreate"}),
    )
    .await;
    let (_, third) = serving_pod(&ns, name, Some(&second.name_any())).await;
    assert_eq!(node(&third).as_deref(), Some("gpu-h100"));
    assert_eq!(gpus(&third).as_deref(), Some("6"));
}

#[tokio::test]
async fn two_executors_listing_one_avs_are_refused() {
    install_crds().await;
    let ns = TestNamespace::create("templates-ambiguous").await;
    let _run = RunLocal::start(ns.name());
    apply_executor(&ns, json!({"imagePullPolicy": "IfNotPresent"})).await;
    let api: Api<HourglassExecutor> = ns.api();
    let second = json!({
        "apiVersion": "hourglass.eigenlayer.io/v1alpha1", "kind": "HourglassExecutor",
        "metadata": {"name": "exec-2"},
        "spec": {"image": "hourglass/executor:v1", "replicas": 0, "config": {"avsPerformers": [
            {"avsAddress": AVS.to_lowercase(), "image": "hgctl.local/performer:v1"}
        ]}}
    });
    api.patch(
        "exec-2",
        &PatchParams::apply("e2e-templates").force(),
        &Patch::Apply(&second),
    )
    .await
    .unwrap();
    let name = "performer-abcdef-87654321";
    create_as_executor(&ns, name).await;
    let performers: Api<Performer> = ns.api();
    wait_for(
        TIMEOUT,
        "TemplateApplied=False AmbiguousTemplate",
        || async {
            let p = performers.get(name).await.map_err(|e| e.to_string())?;
            let c = p
                .status
                .as_ref()
                .and_then(|s| s.conditions.as_ref())
                .and_then(|cs| cs.iter().find(|c| c.type_ == "TemplateApplied"))
                .cloned();
            match c {
                Some(c)
                    if c.status == "False"
                        && c.reason == "AmbiguousTemplate"
                        && c.message.contains("exec, exec-2") =>
                {
                    Ok(())
                }
                c => Err(format!("{c:?}")),
            }
        },
    )
    .await;
    // Resolving the ambiguity (the second executor drops the AVS) wakes the Performer.
    api.patch(
        "exec-2",
        &PatchParams::apply("e2e-templates").force(),
        &Patch::Apply(&json!({
            "apiVersion": "hourglass.eigenlayer.io/v1alpha1", "kind": "HourglassExecutor",
            "metadata": {"name": "exec-2"},
            "spec": {"image": "hourglass/executor:v1", "replicas": 0, "config": {}}
        })),
    )
    .await
    .unwrap();
    let (p, pod) = serving_pod(&ns, name, None).await;
    assert_eq!(pull_policy(&pod).as_deref(), Some("IfNotPresent"));
    assert_eq!(
        p.status.unwrap().template.as_deref(),
        Some(format!("{EXECUTOR}/{AVS}").as_str())
    );
}

fn hgctl(args: &[&str]) -> std::process::Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_hgctl"))
        .arg("--kubeconfig")
        .arg(common::cluster::kubeconfig_path())
        .args(args)
        .output()
        .expect("running hgctl")
}

async fn wait_ready(ns: &TestNamespace, name: &str) {
    let api: Api<Performer> = ns.api();
    wait_for(TIMEOUT, format!("{name} ready"), || async {
        let p = api.get(name).await.map_err(|e| e.to_string())?;
        p.status
            .filter(|s| s.ready)
            .map(|_| ())
            .ok_or_else(|| "not ready".to_string())
    })
    .await;
}

#[tokio::test]
async fn prune_deletes_the_orphan_of_an_executor_restart_and_never_mid_promotion() {
    install_crds().await;
    let ns = TestNamespace::create("templates-orphans").await;
    let _run = RunLocal::start(ns.name());
    apply_executor(&ns, json!({"imagePullPolicy": "IfNotPresent"})).await;
    // Two generations: the executor wrote the first, died, and its restart wrote the second.
    let (old, new) = ("performer-abcdef-00000001", "performer-abcdef-00000002");
    create_as_executor(&ns, old).await;
    wait_ready(&ns, old).await;
    create_as_executor(&ns, new).await;
    wait_ready(&ns, new).await;
    let prune = |extra: &[&str]| {
        let mut args = vec![
            "performer",
            "prune",
            "--orphans",
            "-n",
            ns.name(),
            "--grace",
            "0s",
        ];
        args.extend(extra);
        hgctl(&args)
    };
    let dry = prune(&["--dry-run"]);
    let text = String::from_utf8_lossy(&dry.stdout).to_string();
    assert!(dry.status.success(), "{dry:?}");
    assert!(
        text.contains(&format!("{old} would be deleted"))
            && !text.contains(&format!("{new} would")),
        "{text}"
    );
    // Without --yes nothing is deleted.
    assert!(!prune(&[]).status.success());
    let api: Api<Performer> = ns.api();
    assert!(api.get_opt(old).await.unwrap().is_some());
    let done = prune(&["--yes"]);
    assert!(done.status.success(), "{done:?}");
    assert!(api.get_opt(new).await.unwrap().is_some());
    wait_for(TIMEOUT, format!("{old} gone"), || async {
        match api.get_opt(old).await {
            Ok(None) => Ok(()),
            other => Err(format!("{:?}", other.map(|p| p.is_some()))),
        }
    })
    .await;

    // Mid-promotion: a newer Performer of the AVS is not ready (its pod cannot be placed),
    // so the current one is not an orphan.
    let promoting = "performer-abcdef-00000003";
    let mut body: Value = serde_json::from_str(&executor_body(ns.name(), promoting)).unwrap();
    body["spec"]["scheduling"] = json!({"nodeSelector": {"hgctl.test/none": "x"}});
    post_performer(&ns, body.to_string()).await;
    let held = prune(&["--yes"]);
    assert!(held.status.success(), "{held:?}");
    assert!(String::from_utf8_lossy(&held.stdout).contains("no orphaned Performers"));
    assert!(api.get_opt(new).await.unwrap().is_some());
}
