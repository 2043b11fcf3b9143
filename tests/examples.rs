//! Every file in examples/ parses with the Rust types and passes the generated
//! schema (structure and CEL rules), client-side.

use std::path::Path;

use hgctl::api::{self, HourglassExecutor, Performer};

fn examples() -> Vec<(String, String)> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples");
    let mut files: Vec<(String, String)> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "yaml"))
        .map(|p| {
            (
                p.file_name().unwrap().to_string_lossy().into_owned(),
                std::fs::read_to_string(&p).unwrap(),
            )
        })
        .collect();
    files.sort();
    files
}

#[test]
fn every_example_parses_and_validates_against_the_generated_schema() {
    let crds = api::crds();
    let files = examples();
    assert!(files.len() >= 6, "examples/ lost files: {files:?}");
    for (name, text) in files {
        let value: serde_json::Value =
            serde_saphyr::from_str(&text).unwrap_or_else(|e| panic!("{name}: {e}"));
        let kind = value["kind"].as_str().unwrap_or_default();
        let crd = match kind {
            "Performer" => {
                let _: Performer =
                    serde_saphyr::from_str(&text).unwrap_or_else(|e| panic!("{name}: {e}"));
                &crds[0]
            }
            "HourglassExecutor" => {
                let _: HourglassExecutor =
                    serde_saphyr::from_str(&text).unwrap_or_else(|e| panic!("{name}: {e}"));
                &crds[1]
            }
            other => panic!("{name}: unexpected kind {other:?}"),
        };
        let violations = hgctl::schema::validate_object(crd, &value);
        assert!(violations.is_empty(), "{name}: {violations:?}");
    }
}

#[test]
fn the_seed_examples_keep_their_seed_values() {
    let seed: Performer = serde_saphyr::from_str(
        &std::fs::read_to_string(
            Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/performer-seed.yaml"),
        )
        .unwrap(),
    )
    .unwrap();
    let hw = seed.spec.hardware_requirements.unwrap();
    assert_eq!(hw.gpu_type.as_deref(), Some("nvidia-a100"));
    assert_eq!(hw.tee_type.as_deref(), Some("sgx"));
    assert_eq!(seed.spec.config.unwrap().grpc_port, Some(9090));
}

/// The executor's CEL rules reject what the real binary cannot run, and each
/// rejection names the rule's message.
#[test]
fn executor_rules_reject_what_the_binary_cannot_use() {
    let crd = &api::crds()[1];
    let with = |config: serde_json::Value| {
        let obj = serde_json::json!({
            "apiVersion": "hourglass.eigenlayer.io/v1alpha1",
            "kind": "HourglassExecutor",
            "metadata": {"name": "e1"},
            "spec": {"image": "ponos/executor:v1", "config": config},
        });
        hgctl::schema::validate_object(crd, &obj)
            .iter()
            .map(|v| v.to_string())
            .collect::<Vec<_>>()
            .join("\n")
    };
    let chain = |name: &str, id: i64| serde_json::json!({"name": name, "rpc": "https://rpc", "chainId": id});
    assert_eq!(
        with(serde_json::json!({"chains": [chain("a", 1), chain("b", 8453)]})),
        ""
    );
    assert!(
        with(serde_json::json!({"chains": [chain("a", 1), chain("b", 11155111)]}))
            .contains("set l1Chain")
    );
    assert_eq!(
        with(serde_json::json!({"chains": [chain("a", 1), chain("b", 11155111)], "l1Chain": "b"})),
        ""
    );
    assert!(
        with(serde_json::json!({"grpcPort": 9000, "managementGrpcPort": 9000}))
            .contains("must differ")
    );
    assert!(with(serde_json::json!({"operatorAddress": "0x12"})).contains("operatorAddress"));
    let avs = |image: &str| serde_json::json!({"avsAddress": "0xCE2Ac75bE2E0951F1F7B288c7a6A9BfB6c331DC4", "image": image});
    assert_eq!(
        with(serde_json::json!({"avsPerformers": [avs("reg:5000/a/b:v1")]})),
        ""
    );
    assert!(
        with(serde_json::json!({"avsPerformers": [avs("reg:5000/a/b")]}))
            .contains("repository:tag")
    );
    assert!(
        with(serde_json::json!({"avsPerformers": [avs("a/b:v1"), avs("a/c:v2")]}))
            .contains("only once")
    );
}
