//! The real API server enforces the CRDs' rules (OpenAPI constraints and CEL,
//! no webhook): every invalid manifest below is rejected with a readable
//! message naming the problem, every valid one (the examples) is accepted,
//! and hgctl's client-side validation agrees with the server on each case.

mod common;

use common::cluster::TestNamespace;
use common::run_local::install_crds;
use hgctl::api;
use kube::api::{Api, DynamicObject, Patch, PatchParams, PostParams};
use kube::core::{ApiResource, GroupVersionKind};
use serde_json::{Value, json};

const AVS: &str = "0x1234567890abcdef1234567890abcdef12345678";

fn performer(name: &str, spec: Value) -> Value {
    json!({"apiVersion": "hourglass.eigenlayer.io/v1alpha1", "kind": "Performer", "metadata": {"name": name}, "spec": spec})
}

fn executor(name: &str, spec: Value) -> Value {
    json!({"apiVersion": "hourglass.eigenlayer.io/v1alpha1", "kind": "HourglassExecutor", "metadata": {"name": name}, "spec": spec})
}

fn perf_spec(extra: Value) -> Value {
    let mut spec = json!({"avsAddress": AVS, "image": "avs/p:v1"});
    for (k, v) in extra.as_object().unwrap() {
        spec[k] = v.clone();
    }
    spec
}

fn exec_spec(config: Value) -> Value {
    json!({"image": "hourglass/executor:v1", "config": config})
}

/// (case, manifest, a word the server's message must contain)
fn invalid_manifests() -> Vec<(&'static str, Value, &'static str)> {
    let chain =
        |name: &str, id: i64| json!({"name": name, "rpc": "https://rpc.example", "chainId": id});
    vec![
        (
            "avs address placeholder",
            performer(
                "p",
                perf_spec(json!({"avsAddress": "0x1234567890abcdef..."})),
            ),
            "avsAddress must be 0x",
        ),
        (
            "avs address without 0x",
            performer(
                "p",
                perf_spec(json!({"avsAddress": "1234567890abcdef1234567890abcdef12345678"})),
            ),
            "avsAddress",
        ),
        (
            "avs address non-hex",
            performer(
                "p",
                perf_spec(json!({"avsAddress": "0x1234567890abcdef1234567890abcdef1234567g"})),
            ),
            "avsAddress",
        ),
        (
            "avs address too long",
            performer("p", perf_spec(json!({"avsAddress": format!("{AVS}00")}))),
            "avsAddress",
        ),
        (
            "missing avsAddress",
            performer("p", json!({"image": "x"})),
            "avsAddress",
        ),
        (
            "missing image",
            performer("p", json!({"avsAddress": AVS})),
            "image",
        ),
        (
            "empty image",
            performer("p", perf_spec(json!({"image": ""}))),
            "image",
        ),
        (
            "image with a space",
            performer("p", perf_spec(json!({"image": "avs/p v1"}))),
            "image",
        ),
        (
            // Found by tests/properties.rs: the Pod API refuses it, so the schema must.
            "image that is a vertical tab",
            performer("p", perf_spec(json!({"image": "\u{b}"}))),
            "image",
        ),
        (
            "grpc port 0",
            performer("p", perf_spec(json!({"config": {"grpcPort": 0}}))),
            "grpcPort",
        ),
        (
            "grpc port 70000",
            performer("p", perf_spec(json!({"config": {"grpcPort": 70000}}))),
            "grpcPort",
        ),
        (
            "grpc port as text",
            performer("p", perf_spec(json!({"config": {"grpcPort": "http"}}))),
            "grpcPort",
        ),
        (
            "gpuCount 0 with gpuType",
            performer(
                "p",
                perf_spec(json!({"hardwareRequirements": {"gpuType": "a100", "gpuCount": 0}})),
            ),
            "gpuCount must be at least 1",
        ),
        (
            "negative gpuCount",
            performer(
                "p",
                perf_spec(json!({"hardwareRequirements": {"gpuCount": -1}})),
            ),
            "gpuCount",
        ),
        (
            "unknown gpuType",
            performer(
                "p",
                perf_spec(json!({"hardwareRequirements": {"gpuType": "a200"}})),
            ),
            "gpuType must be a known GPU model",
        ),
        (
            "nvidia resource-style gpuType",
            performer(
                "p",
                perf_spec(json!({"hardwareRequirements": {"gpuType": "nvidia.com/gpu"}})),
            ),
            "gpuType",
        ),
        (
            "unknown teeType",
            performer(
                "p",
                perf_spec(
                    json!({"hardwareRequirements": {"teeRequired": true, "teeType": "trustzone"}}),
                ),
            ),
            "teeType must be one of",
        ),
        (
            "teeRequired without teeType",
            performer(
                "p",
                perf_spec(json!({"hardwareRequirements": {"teeRequired": true}})),
            ),
            "teeType is required",
        ),
        (
            "unknown MIG slice",
            performer(
                "p",
                perf_spec(
                    json!({"hardwareRequirements": {"gpuType": "a100", "gpuPartition": "9g.99gb"}}),
                ),
            ),
            "gpuPartition must be a MIG profile: one of 1g.10gb, ",
        ),
        (
            "MIG slice of another model",
            performer(
                "p",
                perf_spec(
                    json!({"hardwareRequirements": {"gpuType": "a30", "gpuPartition": "1g.5gb"}}),
                ),
            ),
            "a30: 1g.6gb, 2g.12gb, 4g.24gb",
        ),
        (
            "MIG slice of a model without MIG",
            performer(
                "p",
                perf_spec(
                    json!({"hardwareRequirements": {"gpuType": "l4", "gpuPartition": "1g.5gb"}}),
                ),
            ),
            "gpuPartition must be a MIG profile of the gpuType (a100: 1g.5gb",
        ),
        (
            "unknown MIG strategy",
            performer(
                "p",
                perf_spec(
                    json!({"hardwareRequirements": {"gpuType": "a100", "gpuPartition": "1g.5gb", "migStrategy": "Auto"}}),
                ),
            ),
            "\"Single\", \"Mixed\"",
        ),
        (
            "unknown GPU sharing",
            performer(
                "p",
                perf_spec(json!({"hardwareRequirements": {"gpuType": "l4", "gpuSharing": "MPS"}})),
            ),
            "\"Exclusive\", \"Shared\"",
        ),
        (
            "a shared MIG slice",
            performer(
                "p",
                perf_spec(
                    json!({"hardwareRequirements": {"gpuType": "a100", "gpuPartition": "1g.5gb", "gpuSharing": "Shared"}}),
                ),
            ),
            "exclude each other",
        ),
        (
            "unknown TEE mode",
            performer(
                "p",
                perf_spec(
                    json!({"hardwareRequirements": {"teeRequired": true, "teeType": "tdx", "teeMode": "Enclave"}}),
                ),
            ),
            "\"RuntimeClass\", \"Node\"",
        ),
        (
            "sgx through a runtime class",
            performer(
                "p",
                perf_spec(
                    json!({"hardwareRequirements": {"teeRequired": true, "teeType": "sgx", "teeMode": "RuntimeClass"}}),
                ),
            ),
            "sgx runs in process enclaves",
        ),
        (
            "quote provider without sgx",
            performer(
                "p",
                perf_spec(
                    json!({"hardwareRequirements": {"teeRequired": true, "teeType": "tdx", "sgxQuoteProvider": "aesmd"}}),
                ),
            ),
            "sgxQuoteProvider needs teeType sgx",
        ),
        (
            "unknown GPU allocation",
            performer(
                "p",
                perf_spec(
                    json!({"hardwareRequirements": {"gpuType": "h100", "gpuAllocation": "Plugin"}}),
                ),
            ),
            "\"DevicePlugin\", \"Dra\"",
        ),
        (
            "a MIG slice through DRA",
            performer(
                "p",
                perf_spec(
                    json!({"hardwareRequirements": {"gpuType": "a100", "gpuPartition": "1g.5gb", "gpuAllocation": "Dra"}}),
                ),
            ),
            "gpuAllocation Dra needs gpuType and asks for whole, unshared GPUs",
        ),
        (
            "a DeviceClass without DRA",
            performer(
                "p",
                perf_spec(
                    json!({"hardwareRequirements": {"gpuType": "h100", "deviceClassName": "gpu.nvidia.com"}}),
                ),
            ),
            "deviceClassName needs gpuAllocation Dra",
        ),
        (
            "a DeviceClass that is no name",
            performer(
                "p",
                perf_spec(
                    json!({"hardwareRequirements": {"gpuType": "h100", "gpuAllocation": "Dra", "deviceClassName": "GPU Class"}}),
                ),
            ),
            "deviceClassName must be a DNS subdomain",
        ),
        (
            "bad pull policy",
            performer("p", perf_spec(json!({"imagePullPolicy": "Sometimes"}))),
            "imagePullPolicy",
        ),
        (
            "env from both secret and configmap",
            performer(
                "p",
                perf_spec(
                    json!({"config": {"environmentFrom": [{"name": "X", "valueFrom": {"secretKeyRef": {"name": "s", "key": "k"}, "configMapKeyRef": {"name": "c", "key": "k"}}}]}}),
                ),
            ),
            "exactly one of secretKeyRef or configMapKeyRef",
        ),
        (
            "env from neither",
            performer(
                "p",
                perf_spec(json!({"config": {"environmentFrom": [{"name": "X", "valueFrom": {}}]}})),
            ),
            "exactly one of",
        ),
        (
            "performer name of 54 characters",
            performer(&"a".repeat(54), perf_spec(json!({}))),
            "at most 53 characters",
        ),
        (
            "performer name with a dot",
            performer("a.b", perf_spec(json!({}))),
            "DNS-1035",
        ),
        (
            "performer name starting with a digit",
            performer("1abc", perf_spec(json!({}))),
            "DNS-1035",
        ),
        (
            "environment value not a string",
            performer("p", perf_spec(json!({"config": {"environment": {"A": 1}}}))),
            "environment",
        ),
        (
            "negative replicas",
            executor("e", json!({"image": "x", "replicas": -1})),
            "replicas",
        ),
        (
            "chain id 0",
            executor("e", exec_spec(json!({"chains": [chain("eth", 0)]}))),
            "chainId",
        ),
        (
            "duplicate chain names",
            executor(
                "e",
                exec_spec(json!({"chains": [chain("eth", 1), chain("eth", 8453)]})),
            ),
            "Duplicate value",
        ),
        (
            "chain rpc not a URL",
            executor(
                "e",
                exec_spec(
                    json!({"chains": [{"name": "eth", "rpc": "localhost:8545", "chainId": 1}]}),
                ),
            ),
            "rpc must be an http(s) or ws(s) URL",
        ),
        (
            "task mailbox placeholder",
            executor(
                "e",
                exec_spec(
                    json!({"chains": [{"name": "eth", "rpc": "https://x", "chainId": 1, "taskMailboxAddress": "0x..."}]}),
                ),
            ),
            "taskMailboxAddress",
        ),
        (
            "l1Chain naming no chain",
            executor(
                "e",
                exec_spec(json!({"chains": [chain("eth", 1)], "l1Chain": "base"})),
            ),
            "l1Chain must name one of the chains",
        ),
        (
            "bad operator address",
            executor("e", exec_spec(json!({"operatorAddress": "0xabc"}))),
            "operatorAddress",
        ),
        (
            "secretRef and inline keys",
            executor(
                "e",
                exec_spec(json!({"operatorKeys": {"secretRef": {"name": "k"}, "ecdsa": "0x1"}})),
            ),
            "either secretRef or the inline",
        ),
        (
            "unknown performerMode",
            executor("e", exec_spec(json!({"performerMode": "nomad"}))),
            "performerMode",
        ),
        (
            "unknown logLevel",
            executor("e", exec_spec(json!({"logLevel": "verbose"}))),
            "logLevel",
        ),
        (
            "storage size with memory",
            executor(
                "e",
                exec_spec(json!({"storage": {"type": "memory", "size": "1Gi"}})),
            ),
            "storage.size applies to type badger",
        ),
        (
            "executor grpc port 0",
            executor("e", exec_spec(json!({"grpcPort": 0}))),
            "grpcPort",
        ),
        (
            "executor name of 51 characters",
            executor(&"e".repeat(51), json!({"image": "x"})),
            "at most 50 characters",
        ),
        (
            "avs performer bad address",
            executor(
                "e",
                exec_spec(json!({"avsPerformers": [{"avsAddress": "0x1", "image": "x"}]})),
            ),
            "avsAddress",
        ),
        (
            "avs env with value and valueFrom",
            executor(
                "e",
                exec_spec(
                    json!({"avsPerformers": [{"avsAddress": AVS, "image": "x", "envs": [{"name": "A", "value": "1", "valueFrom": {"secretKeyRef": {"name": "s", "key": "k"}}}]}]}),
                ),
            ),
            "exactly one of value or valueFrom",
        ),
        (
            "template gpu type unknown",
            executor(
                "e",
                template(json!({"hardwareRequirements": {"gpuType": "h100 x"}})),
            ),
            "gpuType",
        ),
        (
            "template tee required without type",
            executor(
                "e",
                template(json!({"hardwareRequirements": {"teeRequired": true}})),
            ),
            "teeType is required when teeRequired is true",
        ),
        (
            "template gpu count zero with type",
            executor(
                "e",
                template(json!({"hardwareRequirements": {"gpuType": "h100", "gpuCount": 0}})),
            ),
            "gpuCount must be at least 1",
        ),
        (
            "template pull policy unknown",
            executor("e", template(json!({"imagePullPolicy": "Sometimes"}))),
            "imagePullPolicy",
        ),
        (
            "template startup budget zero",
            executor("e", template(json!({"probes": {"startupSeconds": 0}}))),
            "startupSeconds",
        ),
        (
            "template upgrade strategy unknown",
            executor("e", template(json!({"upgradeStrategy": "Rolling"}))),
            "upgradeStrategy",
        ),
        (
            "performer upgrade strategy unknown",
            performer("p", perf_spec(json!({"upgradeStrategy": "Rolling"}))),
            "upgradeStrategy",
        ),
        (
            "unknown Service type",
            executor("e", json!({"image": "x", "service": {"type": "Ingress"}})),
            "type",
        ),
        (
            "externalTrafficPolicy on a ClusterIP Service",
            executor(
                "e",
                json!({"image": "x", "service": {"externalTrafficPolicy": "Local"}}),
            ),
            "externalTrafficPolicy applies to NodePort and LoadBalancer",
        ),
        (
            "empty container command",
            executor("e", json!({"image": "x", "command": []})),
            "command",
        ),
        (
            "remote signer holding no key",
            executor(
                "e",
                exec_spec(json!({"remoteSigner": {"url": "https://s:9000"}})),
            ),
            "remoteSigner needs operatorKey, signingKey or both",
        ),
        (
            "remote signer URL not http(s)",
            executor(
                "e",
                exec_spec(
                    json!({"remoteSigner": {"url": "tcp://s:9000", "signingKey": {"fromAddress": AVS, "publicKey": "04ab"}}}),
                ),
            ),
            "remoteSigner.url must be an http(s) URL",
        ),
        (
            "remote signer key with a bad address",
            executor(
                "e",
                exec_spec(
                    json!({"remoteSigner": {"url": "https://s", "operatorKey": {"fromAddress": "0x12", "publicKey": "04ab"}}}),
                ),
            ),
            "fromAddress must be 0x",
        ),
        (
            "task mailbox override without chain ids",
            executor(
                "e",
                exec_spec(json!({"overrideContracts": {"taskMailbox": {"contract": "{}"}}})),
            ),
            "chainIds",
        ),
        (
            "task mailbox override with an empty contract",
            executor(
                "e",
                exec_spec(
                    json!({"overrideContracts": {"taskMailbox": {"contract": "", "chainIds": [17000]}}}),
                ),
            ),
            "contract must be the contract's JSON",
        ),
        (
            "empty runtime contracts",
            executor("e", exec_spec(json!({"contracts": ""}))),
            "contracts must not be empty",
        ),
    ]
}

/// An executor spec with one AVS whose performerTemplate is `t`.
fn template(t: Value) -> Value {
    exec_spec(
        json!({"avsPerformers": [{"avsAddress": AVS, "image": "x:1", "performerTemplate": t}]}),
    )
}

fn dynamic_api(ns: &TestNamespace, kind: &str) -> Api<DynamicObject> {
    let plural = if kind == "Performer" {
        "performers"
    } else {
        "hourglassexecutors"
    };
    let ar = ApiResource::from_gvk_with_plural(
        &GroupVersionKind::gvk("hourglass.eigenlayer.io", "v1alpha1", kind),
        plural,
    );
    Api::namespaced_with(ns.client(), ns.name(), &ar)
}

#[tokio::test]
async fn the_api_server_rejects_each_invalid_manifest_with_the_rules_message() {
    install_crds().await;
    let ns = TestNamespace::create("crd-invalid").await;
    let crds = api::crds();
    let cases = invalid_manifests();
    assert!(cases.len() >= 30, "at least 30 invalid manifests");
    let mut failures = Vec::new();
    for (case, manifest, expected) in cases {
        let kind = manifest["kind"].as_str().unwrap().to_string();
        let api = dynamic_api(&ns, &kind);
        // A create, as `kubectl apply` does for a new object; dry run writes nothing.
        let object: DynamicObject = serde_json::from_value(manifest.clone()).unwrap();
        let params = PostParams {
            dry_run: true,
            ..Default::default()
        };
        match api.create(&params, &object).await {
            Ok(_) => failures.push(format!("{case}: accepted by the API server")),
            Err(kube::Error::Api(status)) => {
                if status.code != 422 || !status.message.contains(expected) {
                    failures.push(format!(
                        "{case}: {} {:?} lacks {expected:?}",
                        status.code, status.message
                    ));
                }
            }
            Err(e) => failures.push(format!("{case}: {e}")),
        }
        // hgctl refuses the same manifest before sending it.
        let crd = if kind == "Performer" {
            &crds[0]
        } else {
            &crds[1]
        };
        if hgctl::schema::validate_object(crd, &manifest).is_empty() {
            failures.push(format!(
                "{case}: hgctl's client-side validation accepted it"
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[tokio::test]
async fn the_api_server_accepts_every_example() {
    install_crds().await;
    let ns = TestNamespace::create("crd-valid").await;
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("examples");
    let mut applied = 0;
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_none_or(|e| e != "yaml") {
            continue;
        }
        let manifest: Value =
            serde_saphyr::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
        let kind = manifest["kind"].as_str().unwrap().to_string();
        let name = manifest["metadata"]["name"].as_str().unwrap().to_string();
        dynamic_api(&ns, &kind)
            .patch(
                &name,
                &PatchParams::apply("hgctl-test"),
                &Patch::Apply(&manifest),
            )
            .await
            .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        applied += 1;
    }
    assert!(applied >= 6);
}
