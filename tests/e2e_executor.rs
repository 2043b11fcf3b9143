//! End-to-end tests of the HourglassExecutor reconciler (`hgctl run-local`) on
//! the real local control plane. Each test owns a namespace and runs its own
//! run-local with the leader Lease in that namespace.

mod common;

use std::process::{Child, Command, Stdio};
use std::time::Duration;

use common::cluster::{self, TestNamespace, create_operator_keys, kubectl_apply, wait_for};
use common::run_local::install_crds;
use hgctl::api::{self, HourglassExecutor};
use k8s_openapi::ByteString;
use k8s_openapi::api::apps::v1::{Deployment, StatefulSet};
use k8s_openapi::api::authorization::v1::{
    ResourceAttributes, SubjectAccessReview, SubjectAccessReviewSpec,
};
use k8s_openapi::api::core::v1::{ConfigMap, Event, Secret, Service, ServiceAccount};
use k8s_openapi::api::rbac::v1::{Role, RoleBinding};
use kube::api::{Api, ListParams, Patch, PatchParams, PostParams};
use serde_json::json;

/// Generous: a Recreate rollout waits for kwok to finish the old pod, slow on a loaded machine.
const TIMEOUT: Duration = Duration::from_secs(180);
const AVS: &str = "0xCE2Ac75bE2E0951F1F7B288c7a6A9BfB6c331DC4";

/// A `hgctl run-local` child process, killed when dropped; stderr goes to a file.
struct RunLocal {
    child: Child,
    stderr: tempfile::NamedTempFile,
}

impl RunLocal {
    fn start(ns: &str, level: &str) -> RunLocal {
        let stderr = tempfile::NamedTempFile::new().unwrap();
        let child = Command::new(env!("CARGO_BIN_EXE_hgctl"))
            .args(["run-local", "-n", ns, "--lease-namespace", ns])
            .arg("--kubeconfig")
            .arg(cluster::kubeconfig_path())
            .args(["--log-level", level])
            .env_remove("RUST_LOG")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(stderr.reopen().unwrap())
            .spawn()
            .expect("starting hgctl run-local");
        RunLocal { child, stderr }
    }

    fn stderr(&self) -> String {
        std::fs::read_to_string(self.stderr.path()).unwrap_or_default()
    }
}

impl Drop for RunLocal {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        // A failed test shows what the reconciler said last.
        if std::thread::panicking() {
            let stderr = self.stderr();
            let lines: Vec<&str> = stderr.lines().collect();
            eprintln!(
                "--- last lines of run-local's stderr:\n{}",
                lines[lines.len().saturating_sub(40)..].join("\n")
            );
        }
    }
}

async fn apply_executor(ns: &TestNamespace, body: &serde_json::Value) {
    kubectl_apply(&ns.api::<HourglassExecutor>(), body).await;
}

fn executor_body(name: &str, log_level: &str) -> serde_json::Value {
    json!({
        "apiVersion": "hourglass.eigenlayer.io/v1alpha1",
        "kind": "HourglassExecutor",
        "metadata": {"name": name},
        "spec": {
            "image": "ghcr.io/layr-labs/hourglass-monorepo/ponos-executor:v0.1.0",
            "replicas": 1,
            "config": {
                "operatorAddress": "0x15d34AAf54267DB7D7c367839AAf71A00a2C6A65",
                "logLevel": log_level,
                "chains": [{"name": "anvil", "rpc": "http://anvil:8545", "chainId": 31337}],
                "operatorKeys": {"secretRef": {"name": "operator-keys"}},
                "avsPerformers": [{"avsAddress": AVS, "image": "example/avs:v1"}],
            },
        },
    })
}

async fn wait_status(
    ns: &TestNamespace,
    name: &str,
    what: &str,
    ok: impl Fn(&HourglassExecutor) -> bool,
) -> HourglassExecutor {
    let api: Api<HourglassExecutor> = ns.api();
    wait_for(TIMEOUT, format!("executor {name}: {what}"), || async {
        let e = api.get(name).await.map_err(|e| e.to_string())?;
        if ok(&e) {
            Ok(e)
        } else {
            let workload = match ns.api::<Deployment>().get_opt(name).await {
                Ok(Some(d)) => format!("deployment status {:?}", d.status),
                Ok(None) => "no deployment".into(),
                Err(e) => format!("reading the deployment: {e}"),
            };
            Err(format!(
                "status {:?}; {workload}; {}",
                e.status,
                ns.pods_seen().await
            ))
        }
    })
    .await
}

fn phase(e: &HourglassExecutor) -> Option<&'static str> {
    e.status.as_ref()?.phase.map(|p| p.as_str())
}

async fn can(ns: &TestNamespace, user: &str, verb: &str, resource: &str, group: &str) -> bool {
    let review = SubjectAccessReview {
        spec: SubjectAccessReviewSpec {
            user: Some(user.into()),
            groups: Some(vec![
                "system:serviceaccounts".into(),
                format!("system:serviceaccounts:{}", ns.name()),
                "system:authenticated".into(),
            ]),
            resource_attributes: Some(ResourceAttributes {
                verb: Some(verb.into()),
                group: Some(group.into()),
                resource: Some(resource.into()),
                namespace: Some(ns.name().into()),
                ..Default::default()
            }),
            ..Default::default()
        },
        ..Default::default()
    };
    Api::<SubjectAccessReview>::all(ns.client())
        .create(&PostParams::default(), &review)
        .await
        .unwrap()
        .status
        .is_some_and(|s| s.allowed)
}

fn template_checksum(d: &Deployment) -> Option<String> {
    d.spec
        .template
        .metadata
        .as_ref()?
        .annotations
        .as_ref()?
        .get("hourglass.eigenlayer.io/config-checksum")
        .cloned()
}

#[tokio::test]
async fn executor_children_rbac_config_rollout_and_scale_to_zero() {
    install_crds().await;
    let ns = TestNamespace::create("e2e-exec").await;
    let _run = RunLocal::start(ns.name(), "info");
    create_operator_keys(&ns).await;
    let name = "exec1";
    apply_executor(&ns, &executor_body(name, "info")).await;

    let running = wait_status(&ns, name, "phase Running", |e| phase(e) == Some("Running")).await;
    let status = running.status.clone().unwrap();
    assert_eq!(status.ready_replicas, Some(1));
    assert!(
        status
            .selector
            .unwrap()
            .contains("hourglass.eigenlayer.io/executor=exec1")
    );
    let first_update = status.last_config_update.clone().unwrap();

    // Children and RBAC.
    let cm = ns.api::<ConfigMap>().get("exec1-config").await.unwrap();
    let config = &cm.data.unwrap()["config.yaml"];
    assert!(config.contains("privateKey: \"\""), "{config}");
    assert!(config.contains("rpcUrl: http://anvil:8545"), "{config}");
    let svc = ns.api::<Service>().get(name).await.unwrap();
    let ports: Vec<_> = svc
        .spec
        .unwrap()
        .ports
        .unwrap()
        .into_iter()
        .map(|p| (p.name.unwrap(), p.port))
        .collect();
    assert_eq!(
        ports,
        [("grpc".to_string(), 9000), ("management".to_string(), 9001)]
    );
    ns.api::<ServiceAccount>()
        .get("exec1-executor")
        .await
        .unwrap();
    ns.api::<Role>().get("exec1-executor").await.unwrap();
    ns.api::<RoleBinding>().get("exec1-executor").await.unwrap();
    let sa = format!("system:serviceaccount:{}:exec1-executor", ns.name());
    assert!(can(&ns, &sa, "create", "performers", api::GROUP).await);
    assert!(can(&ns, &sa, "watch", "performers", api::GROUP).await);
    assert!(
        !can(&ns, &sa, "get", "secrets", "").await,
        "no access to Secrets"
    );
    assert!(!can(&ns, &sa, "list", "configmaps", "").await);

    let deployments: Api<Deployment> = ns.api();
    // Settled: a quiet window sees no write to the executor or any child.
    let versions = || async {
        [
            ns.api::<HourglassExecutor>()
                .get(name)
                .await
                .unwrap()
                .metadata
                .resource_version,
            ns.api::<ConfigMap>()
                .get("exec1-config")
                .await
                .unwrap()
                .metadata
                .resource_version,
            deployments
                .get(name)
                .await
                .unwrap()
                .metadata
                .resource_version,
            ns.api::<Service>()
                .get(name)
                .await
                .unwrap()
                .metadata
                .resource_version,
            ns.api::<Role>()
                .get("exec1-executor")
                .await
                .unwrap()
                .metadata
                .resource_version,
            ns.api::<RoleBinding>()
                .get("exec1-executor")
                .await
                .unwrap()
                .metadata
                .resource_version,
            ns.api::<ServiceAccount>()
                .get("exec1-executor")
                .await
                .unwrap()
                .metadata
                .resource_version,
        ]
    };
    let settled = versions().await;
    tokio::time::sleep(Duration::from_secs(20)).await;
    assert_eq!(
        settled,
        versions().await,
        "something was written while nothing changed"
    );

    // Deleted children come back (a deletion triggers the owner).
    ns.api::<Service>()
        .delete(name, &Default::default())
        .await
        .unwrap();
    ns.api::<ConfigMap>()
        .delete("exec1-config", &Default::default())
        .await
        .unwrap();
    wait_for(TIMEOUT, "Service and ConfigMap recreated", || async {
        let svc = ns
            .api::<Service>()
            .get_opt(name)
            .await
            .map_err(|e| e.to_string())?;
        let cm = ns
            .api::<ConfigMap>()
            .get_opt("exec1-config")
            .await
            .map_err(|e| e.to_string())?;
        (svc.is_some() && cm.is_some()).then_some(()).ok_or(format!(
            "service {}, configmap {}",
            svc.is_some(),
            cm.is_some()
        ))
    })
    .await;

    let before = deployments.get(name).await.unwrap();
    let env: Vec<String> = before.spec.template.spec.as_ref().unwrap().containers[0]
        .env
        .iter()
        .flatten()
        .map(|e| e.name.clone())
        .collect();
    assert_eq!(
        env,
        [
            "EXECUTOR__OPERATOR_OPERATORPRIVATEKEY_PRIVATEKEY",
            "EXECUTOR__OPERATOR_SIGNINGKEYS_ECDSA_PRIVATEKEY"
        ]
    );
    let old_sum = template_checksum(&before).unwrap();

    // A config change rolls the workload and moves lastConfigUpdate.
    apply_executor(&ns, &executor_body(name, "debug")).await;
    let rolled = wait_for(TIMEOUT, "the pod template checksum to change", || async {
        let d = deployments.get(name).await.map_err(|e| e.to_string())?;
        match template_checksum(&d) {
            Some(sum) if sum != old_sum => Ok(d),
            other => Err(format!("checksum {other:?}")),
        }
    })
    .await;
    let cm = ns.api::<ConfigMap>().get("exec1-config").await.unwrap();
    assert!(cm.data.unwrap()["config.yaml"].contains("debug: true"));
    assert_ne!(template_checksum(&rolled), Some(old_sum));
    let updated = wait_status(&ns, name, "Running on the new config", |e| {
        phase(e) == Some("Running")
            && e.status
                .as_ref()
                .and_then(|s| s.last_config_update.as_ref())
                != Some(&first_update)
    })
    .await;
    assert_eq!(
        updated.status.unwrap().observed_generation,
        updated.metadata.generation
    );

    // kubectl scale --replicas=0 goes through the scale subresource.
    let executors: Api<HourglassExecutor> = ns.api();
    executors
        .patch_scale(
            name,
            &PatchParams::default(),
            &Patch::Merge(json!({"spec": {"replicas": 0}})),
        )
        .await
        .unwrap();
    wait_status(&ns, name, "phase Stopped", |e| phase(e) == Some("Stopped")).await;
    wait_for(TIMEOUT, "the Deployment scaled to 0", || async {
        let d = deployments.get(name).await.map_err(|e| e.to_string())?;
        (d.spec.replicas == Some(0))
            .then_some(())
            .ok_or(format!("replicas {:?}", d.spec.replicas))
    })
    .await;

    // Badger storage: the Deployment becomes a StatefulSet with a PVC template.
    let mut badger = executor_body(name, "debug");
    badger["spec"]["replicas"] = json!(0);
    badger["spec"]["config"]["storage"] = json!({"type": "badger", "size": "2Gi"});
    apply_executor(&ns, &badger).await;
    let sts_api: Api<StatefulSet> = ns.api();
    let sts = wait_for(
        TIMEOUT,
        "a StatefulSet instead of the Deployment",
        || async {
            let sts = sts_api.get_opt(name).await.map_err(|e| e.to_string())?;
            let dep = deployments.get_opt(name).await.map_err(|e| e.to_string())?;
            match (sts, dep) {
                (Some(s), None) => Ok(s),
                (s, d) => Err(format!(
                    "statefulset {}, deployment {}",
                    s.is_some(),
                    d.is_some()
                )),
            }
        },
    )
    .await;
    let claim = &sts.spec.volume_claim_templates.unwrap()[0];
    assert_eq!(
        claim
            .spec
            .as_ref()
            .unwrap()
            .resources
            .as_ref()
            .unwrap()
            .requests
            .as_ref()
            .unwrap()["storage"]
            .0,
        "2Gi"
    );
    let cm = ns.api::<ConfigMap>().get("exec1-config").await.unwrap();
    assert!(cm.data.unwrap()["config.yaml"].contains("dir: /var/lib/hourglass/badger"));
}

#[tokio::test]
async fn inline_keys_end_up_only_in_the_owned_secret() {
    install_crds().await;
    let ns = TestNamespace::create("e2e-exec-keys").await;
    let run = RunLocal::start(ns.name(), "debug");
    let ecdsa = "0x5eed5eed5eed5eed5eed5eed5eed5eed5eed5eed5eed5eed5eed5eed5eedc0de";
    let bls = "0xb15b15b15b15b15b15b15b15b15b15b15b15b15b15b15b15b15b15b15b15b1";
    let path = format!("{}/examples/executor.yaml", env!("CARGO_MANIFEST_DIR"));
    let mut seed: serde_json::Value =
        serde_saphyr::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    seed["spec"]["config"]["operatorKeys"] = json!({"ecdsa": ecdsa, "bls": bls});
    let name = seed["metadata"]["name"].as_str().unwrap().to_string();
    apply_executor(&ns, &seed).await;

    let e = wait_status(&ns, &name, "KeysSecure=False", |e| {
        e.status
            .as_ref()
            .and_then(|s| s.conditions.as_ref())
            .is_some_and(|c| {
                c.iter().any(|c| {
                    c.type_ == "KeysSecure" && c.status == "False" && c.reason == "InlineKeys"
                }) && c
                    .iter()
                    .any(|c| c.type_ == "ConfigComplete" && c.status == "False")
            })
    })
    .await;
    assert_eq!(phase(&e), Some("Pending"), "incomplete config does not run");

    let secret = ns
        .api::<Secret>()
        .get(&format!("{name}-keys"))
        .await
        .unwrap();
    let data = secret.data.unwrap();
    assert_eq!(
        data["ecdsa-private-key"],
        ByteString(ecdsa.as_bytes().to_vec())
    );
    assert_eq!(data["bls-private-key"], ByteString(bls.as_bytes().to_vec()));
    assert!(
        secret
            .metadata
            .owner_references
            .unwrap()
            .iter()
            .any(|o| o.kind == "HourglassExecutor" && o.controller == Some(true))
    );

    // The Warning event is there, and nothing but the Secret holds key bytes.
    let events: Api<Event> = ns.api();
    let list = wait_for(TIMEOUT, "the InlineKeys warning event", || async {
        let list = events
            .list(&ListParams::default())
            .await
            .map_err(|e| e.to_string())?;
        list.items
            .iter()
            .any(|e| {
                e.reason.as_deref() == Some("InlineKeys") && e.type_.as_deref() == Some("Warning")
            })
            .then_some(list)
            .ok_or("no event yet".to_string())
    })
    .await;
    let needles = [ecdsa, &ecdsa[2..], bls, &bls[2..]];
    let config_maps = ns
        .api::<ConfigMap>()
        .list(&ListParams::default())
        .await
        .unwrap();
    let deployments = ns
        .api::<Deployment>()
        .list(&ListParams::default())
        .await
        .unwrap();
    let haystacks = [
        ("configmaps", serde_json::to_string(&config_maps).unwrap()),
        ("events", serde_json::to_string(&list).unwrap()),
        ("status", serde_json::to_string(&e.status).unwrap()),
        ("deployments", serde_json::to_string(&deployments).unwrap()),
        ("run-local stderr", run.stderr()),
    ];
    assert!(
        run.stderr().contains("DEBUG"),
        "run-local logs at debug level"
    );
    for (what, text) in &haystacks {
        for needle in needles {
            assert!(!text.contains(needle), "key bytes found in {what}");
        }
    }

    // Switching to secretRef removes the copy of the inline keys.
    seed["spec"]["config"]["operatorKeys"] = json!({"secretRef": {"name": "my-keys"}});
    apply_executor(&ns, &seed).await;
    let secrets: Api<Secret> = ns.api();
    wait_for(TIMEOUT, "the <name>-keys Secret deleted", || async {
        match secrets.get_opt(&format!("{name}-keys")).await {
            Ok(None) => Ok(()),
            Ok(Some(_)) => Err("still there".to_string()),
            Err(e) => Err(e.to_string()),
        }
    })
    .await;
    wait_status(&ns, &name, "KeysSecure=True", |e| {
        e.status
            .as_ref()
            .and_then(|s| s.conditions.as_ref())
            .is_some_and(|c| {
                c.iter()
                    .any(|c| c.type_ == "KeysSecure" && c.status == "True")
            })
    })
    .await;
}

/// `hgctl ARGS --kubeconfig <the test cluster>`: (success, stdout + stderr).
fn hgctl_cli(args: &[&str]) -> (bool, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_hgctl"))
        .args(args)
        .arg("--kubeconfig")
        .arg(cluster::kubeconfig_path())
        .env_remove("RUST_LOG")
        .stdin(Stdio::null())
        .output()
        .expect("running hgctl");
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    (out.status.success(), text)
}

fn config_complete(e: &HourglassExecutor) -> Option<(String, String, String)> {
    let c = hgctl::api::conditions::find(
        e.status.as_ref()?.conditions.as_deref(),
        hgctl::api::conditions::CONFIG_COMPLETE,
    )?;
    Some((c.status.clone(), c.reason.clone(), c.message.clone()))
}

/// Holesky (17000) has no TaskMailbox in the executor's built-in table: without
/// overrideContracts the executor is ConfigComplete=False with 0 replicas (it would
/// exit at start), doctor reports it as an error; with the override it runs.
#[tokio::test]
async fn an_l1_without_a_task_mailbox_runs_no_pods_until_overridden() {
    install_crds().await;
    let ns = TestNamespace::create("e2e-exec-holesky").await;
    let _run = RunLocal::start(ns.name(), "info");
    create_operator_keys(&ns).await;
    let name = "holesky";
    let mut body = executor_body(name, "info");
    body["spec"]["config"]["chains"] =
        json!([{"name": "holesky", "rpc": "https://holesky.example", "chainId": 17000}]);
    apply_executor(&ns, &body).await;

    let e = wait_status(&ns, name, "ConfigComplete False", |e| {
        config_complete(e).is_some_and(|c| c.0 == "False")
    })
    .await;
    let (_, reason, message) = config_complete(&e).unwrap();
    assert_eq!(reason, "NoTaskMailbox");
    assert!(
        message.contains("config.overrideContracts.taskMailbox") && message.contains("17000"),
        "{message}"
    );
    let deployments: Api<Deployment> = ns.api();
    let d = wait_for(TIMEOUT, "the Deployment at 0 replicas", || async {
        match deployments.get_opt(name).await.map_err(|e| e.to_string())? {
            Some(d) if d.spec.replicas == Some(0) => Ok(d),
            other => Err(format!("{:?}", other.map(|d| d.spec.replicas))),
        }
    })
    .await;
    assert_eq!(d.spec.replicas, Some(0));

    let (ok, doctor) = hgctl_cli(&["doctor", "-n", ns.name(), "-o", "short"]);
    assert!(!ok, "doctor fails on an error finding:\n{doctor}");
    assert!(
        doctor.contains("workload.executor.config-complete")
            && doctor.contains("config.overrideContracts.taskMailbox"),
        "{doctor}"
    );

    // The override makes it complete: the pod runs.
    body["spec"]["config"]["overrideContracts"] = json!({"taskMailbox": {
        "contract": "{\"name\":\"TaskMailbox\",\"address\":\"0x5555555555555555555555555555555555555555\",\"abiVersions\":[\"[]\"]}",
        "chainIds": [17000],
    }});
    apply_executor(&ns, &body).await;
    wait_status(&ns, name, "phase Running", |e| phase(e) == Some("Running")).await;
    let cm = ns.api::<ConfigMap>().get("holesky-config").await.unwrap();
    assert!(cm.data.unwrap()["config.yaml"].contains("overrideContracts"));
}

/// `executor create --service-type LoadBalancer`: the Service has the type, policy and
/// annotation; once the load balancer has an address (set here as a cloud controller
/// would, kwok has none), status.taskAddress and describe show it.
#[tokio::test]
async fn a_load_balancer_service_shows_the_address_the_aggregator_dials() {
    install_crds().await;
    let ns = TestNamespace::create("e2e-exec-lb").await;
    let _run = RunLocal::start(ns.name(), "info");
    create_operator_keys(&ns).await;
    let name = "lb";
    let (ok, out) = hgctl_cli(&[
        "executor",
        "create",
        name,
        "-n",
        ns.name(),
        "--image",
        "ghcr.io/layr-labs/hourglass-monorepo/ponos-executor:v0.1.0",
        "--operator-address",
        "0x15d34AAf54267DB7D7c367839AAf71A00a2C6A65",
        "--keys-secret",
        "operator-keys",
        "--chain",
        "anvil=31337,http://anvil:8545",
        "--service-type",
        "LoadBalancer",
        "--external-traffic-policy",
        "Local",
        "--service-annotation",
        "example.com/lb-class=internet-facing",
        "--yes",
        "--wait",
        "--timeout",
        "90s",
    ]);
    assert!(ok, "{out}");

    let services: Api<Service> = ns.api();
    let svc = wait_for(TIMEOUT, "the LoadBalancer Service", || async {
        match services.get_opt(name).await.map_err(|e| e.to_string())? {
            Some(s) if s.spec.as_ref().and_then(|s| s.type_.as_deref()) == Some("LoadBalancer") => {
                Ok(s)
            }
            other => Err(format!("{:?}", other.map(|s| s.spec))),
        }
    })
    .await;
    let spec = svc.spec.clone().unwrap();
    assert_eq!(spec.external_traffic_policy.as_deref(), Some("Local"));
    let ports = spec.ports.unwrap();
    assert_eq!(ports.len(), 1, "only the task port leaves the cluster");
    assert!(
        ports[0].node_port.is_some(),
        "the API server allocated a node port"
    );
    assert_eq!(
        svc.metadata.annotations.unwrap()["example.com/lb-class"],
        "internet-facing"
    );
    wait_status(&ns, name, "a pending task address", |e| {
        e.status
            .as_ref()
            .and_then(|s| s.task_address.as_deref())
            .is_some_and(|a| a.starts_with("<pending"))
    })
    .await;

    // The load balancer gets its address.
    services
        .patch_status(
            name,
            &PatchParams::default(),
            &Patch::Merge(
                json!({"status": {"loadBalancer": {"ingress": [{"ip": "203.0.113.10"}]}}}),
            ),
        )
        .await
        .unwrap();
    wait_status(&ns, name, "taskAddress 203.0.113.10:9000", |e| {
        e.status.as_ref().and_then(|s| s.task_address.as_deref()) == Some("203.0.113.10:9000")
    })
    .await;
    let (ok, describe) = hgctl_cli(&["executor", "describe", name, "-n", ns.name()]);
    assert!(ok, "{describe}");
    assert!(
        describe.contains("LoadBalancer (externalTrafficPolicy Local, 1 annotation(s))"),
        "{describe}"
    );
    assert!(
        describe
            .lines()
            .any(|l| l.contains("Task Address:") && l.contains("203.0.113.10:9000")),
        "{describe}"
    );
}

/// A crash-looping executor (its status set as a kubelet would: kwok runs no
/// containers) gets the doctor finding with its last log lines, keys redacted,
/// and the known fatal line turned into a cause and a fix.
#[tokio::test]
async fn a_crash_looping_executor_gets_doctor_findings_with_its_last_lines() {
    install_crds().await;
    let ns = TestNamespace::create("e2e-exec-crash").await;
    let run = RunLocal::start(ns.name(), "info");
    create_operator_keys(&ns).await;
    let name = "crash";
    apply_executor(&ns, &executor_body(name, "info")).await;
    wait_status(&ns, name, "phase Running", |e| phase(e) == Some("Running")).await;
    drop(run);

    let pods: Api<k8s_openapi::api::core::v1::Pod> = ns.api();
    let pod = pods
        .list(&ListParams::default().labels(&format!("hourglass.eigenlayer.io/executor={name}")))
        .await
        .unwrap()
        .items
        .remove(0);
    let pod_name = pod.metadata.name.clone().unwrap();
    let key = format!("0x{}", "ab".repeat(32));
    // What the kubelet reports with terminationMessagePolicy FallbackToLogsOnError.
    let log = format!(
        "starting executor\nloaded operator key {key}\nl1 chain id 17000\nFatal: task mailbox contract not found\n"
    );
    let status = json!({"status": {
        "conditions": [{"type": "Ready", "status": "False", "reason": "ContainersNotReady"}],
        "containerStatuses": [{"name": "executor", "image": "x", "imageID": "",
            "ready": false, "restartCount": 6,
            "state": {"waiting": {"reason": "CrashLoopBackOff", "message": "back-off 5m0s restarting failed container"}},
            "lastState": {"terminated": {"exitCode": 1, "reason": "Error", "message": log}}}]}});
    pods.patch_status(
        &pod_name,
        &PatchParams::default(),
        &Patch::Strategic(&status),
    )
    .await
    .unwrap();

    let (ok, out) = hgctl_cli(&["doctor", "-n", ns.name(), "-o", "json"]);
    assert!(!ok, "{out}");
    let doc: serde_json::Value = serde_json::from_str(&out[..out.rfind('}').unwrap() + 1])
        .unwrap_or_else(|e| panic!("{e}: {out}"));
    let entry = |id: &str| {
        doc["checks"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["id"] == id && c["object"] == format!("executor/{}/{name}", ns.name()))
            .unwrap_or_else(|| panic!("no {id} entry: {doc:#}"))
            .clone()
    };
    let crash = entry("workload.executor.crash-loop");
    assert_eq!(crash["status"], "fail", "{crash:#}");
    let message = crash["message"].as_str().unwrap();
    assert!(
        message.contains(&format!(
            "executor pod {pod_name} is crash-looping (6 restarts, last exit code 1)"
        )),
        "{message}"
    );
    assert!(
        message.contains("last log lines:")
            && message.contains("Fatal: task mailbox contract not found")
            && message.contains("loaded operator key <redacted>"),
        "{message}"
    );
    assert!(!out.contains(&key[2..]), "the key leaked: {out}");
    let fatal = entry("workload.executor.fatal-log");
    assert_eq!(fatal["status"], "fail", "{fatal:#}");
    assert!(
        fatal["message"]
            .as_str()
            .unwrap()
            .contains("no TaskMailbox for its L1 chain id"),
        "{fatal:#}"
    );
    assert!(
        fatal["hint"]
            .as_str()
            .unwrap()
            .contains("overrideContracts.taskMailbox"),
        "{fatal:#}"
    );
}
