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
