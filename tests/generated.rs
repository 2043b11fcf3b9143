//! Generated files are generated: `crds/` and `completions/` must equal what
//! the code produces. Run `HGCTL_BLESS=1 cargo test --test generated` after
//! changing the API types or the command line, and commit the result.

use std::path::Path;

#[test]
fn checked_in_crds_and_completions_match_the_code() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let bless = std::env::var_os("HGCTL_BLESS").is_some();
    let mut drifted = Vec::new();
    for (path, expected) in hgctl::cli::generated::checked_in_files().expect("generating files") {
        let file = root.join(&path);
        let actual = std::fs::read_to_string(&file).unwrap_or_default();
        if actual != expected {
            if bless {
                std::fs::create_dir_all(file.parent().unwrap()).unwrap();
                std::fs::write(&file, &expected).unwrap();
            } else {
                drifted.push(path);
            }
        }
    }
    assert!(
        drifted.is_empty(),
        "generated files differ from the code: {drifted:?}\nregenerate with: HGCTL_BLESS=1 cargo test --test generated"
    );
}

#[test]
fn hgctl_crds_prints_exactly_the_checked_in_crds() {
    let text = hgctl::cli::generated::crds_text(None).unwrap();
    let docs: Vec<serde_json::Value> = serde_saphyr::from_multiple(&text).unwrap();
    assert_eq!(docs.len(), 2);
    let names: Vec<&str> = docs
        .iter()
        .map(|d| d["metadata"]["name"].as_str().unwrap())
        .collect();
    assert_eq!(
        names,
        [
            "performers.hourglass.eigenlayer.io",
            "hourglassexecutors.hourglass.eigenlayer.io"
        ]
    );
    for doc in &docs {
        let name = doc["metadata"]["name"].as_str().unwrap();
        let file = Path::new(env!("CARGO_MANIFEST_DIR")).join(format!("crds/{name}.yaml"));
        let checked_in: serde_json::Value =
            serde_saphyr::from_str(&std::fs::read_to_string(file).unwrap()).unwrap();
        assert_eq!(&checked_in, doc, "{name}");
    }
}
