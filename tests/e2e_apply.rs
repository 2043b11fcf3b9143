//! End-to-end tests of working from a folder (`hgctl diff`, `hgctl apply --prune`, the
//! ApplySet shared with kubectl) on the local control plane, each test in its own namespace.

mod common;

use std::path::Path;
use std::process::Command;

use common::cli::{hgctl, text};
use common::cluster::{self, TestNamespace};
use common::run_local::install_crds;
use hgctl::api::{HourglassExecutor, Performer};
use k8s_openapi::api::core::v1::Secret;
use kube::api::{Api, ListParams};

const SET_LABEL: &str = "applyset.kubernetes.io/part-of";

fn performer(name: &str, image: &str) -> String {
    format!(
        "apiVersion: hourglass.eigenlayer.io/v1alpha1
kind: Performer
metadata:
  name: {name}
spec:
  avsAddress: \"0x1234567890abcdef1234567890abcdef12345678\"
  image: {image}
"
    )
}

const EXECUTOR: &str = "apiVersion: hourglass.eigenlayer.io/v1alpha1
kind: HourglassExecutor
metadata:
  name: ops
spec:
  image: ghcr.io/layr-labs/hourglass-monorepo/ponos-executor:v0.1.0
  config:
    operatorAddress: \"0x15d34AAf54267DB7D7c367839AAf71A00a2C6A65\"
    chains:
    - name: sepolia
      rpc: https://ethereum-sepolia-rpc.publicnode.com
      chainId: 11155111
    operatorKeys:
      secretRef:
        name: operator-keys
";

/// A folder: executor.yaml, performers/{a,b,c}.yaml.
fn folder() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("a temp dir");
    std::fs::create_dir(dir.path().join("performers")).unwrap();
    std::fs::write(dir.path().join("executor.yaml"), EXECUTOR).unwrap();
    for name in ["a", "b", "c"] {
        std::fs::write(
            dir.path().join(format!("performers/{name}.yaml")),
            performer(name, "ghcr.io/x/y:1"),
        )
        .unwrap();
    }
    dir
}

fn path(dir: &Path) -> &str {
    dir.to_str().expect("a UTF-8 path")
}

async fn performer_names(ns: &TestNamespace) -> Vec<String> {
    let api: Api<Performer> = ns.api();
    let mut names: Vec<String> = api
        .list(&ListParams::default())
        .await
        .unwrap()
        .items
        .into_iter()
        .filter_map(|p| p.metadata.name)
        .collect();
    names.sort();
    names
}

#[tokio::test]
async fn diff_apply_prune_round_trip_shares_the_set_with_kubectl() {
    install_crds().await;
    let ns = TestNamespace::create("e2e-apply").await;
    let dir = folder();
    let f = path(dir.path());

    // Nothing exists yet: everything shows as added, exit 1.
    let out = hgctl(ns.name(), &["diff", "-f", f]);
    let (stdout, stderr) = text(&out);
    assert_eq!(out.status.code(), Some(1), "{stdout}\n{stderr}");
    for what in [
        "+++ merged/hourglassexecutor.hourglass.eigenlayer.io/ops",
        "+++ merged/performer.hourglass.eigenlayer.io/a",
        "+++ merged/performer.hourglass.eigenlayer.io/c",
        "+kind: Performer",
    ] {
        assert!(stdout.contains(what), "{what} in\n{stdout}");
    }
    assert!(!stdout.contains("\x1b["), "no color off a terminal");
    assert!(!stdout.contains("managedFields") && !stdout.contains("resourceVersion"));

    // apply creates them, executor first.
    let out = hgctl(ns.name(), &["apply", "-f", f]);
    let (stdout, stderr) = text(&out);
    assert!(out.status.success(), "{stdout}\n{stderr}");
    assert_eq!(
        stdout,
        "hourglassexecutor.hourglass.eigenlayer.io/ops created
performer.hourglass.eigenlayer.io/a created
performer.hourglass.eigenlayer.io/b created
performer.hourglass.eigenlayer.io/c created
"
    );
    assert_eq!(performer_names(&ns).await, ["a", "b", "c"]);
    let executor = ns.api::<HourglassExecutor>().get("ops").await.unwrap();
    let set_id = executor.metadata.labels.as_ref().unwrap()[SET_LABEL].clone();
    assert!(set_id.starts_with("applyset-") && set_id.ends_with("-v1"));

    // No change: diff exits 0 and prints nothing; apply says unchanged.
    let out = hgctl(ns.name(), &["diff", "-f", f]);
    assert_eq!(out.status.code(), Some(0), "{:?}", text(&out));
    assert!(out.stdout.is_empty());
    let out = hgctl(ns.name(), &["apply", "-f", f]);
    assert_eq!(
        text(&out).0.matches(" unchanged").count(),
        4,
        "{:?}",
        text(&out)
    );

    // A Performer created outside the set, with the same tool.
    let out = hgctl(
        ns.name(),
        &[
            "performer",
            "create",
            "outsider",
            "--image",
            "a/b:1",
            "--avs",
            "0x1234567890abcdef1234567890abcdef12345678",
            "-y",
        ],
    );
    assert!(out.status.success(), "{:?}", text(&out));

    // Edit one file, delete another.
    std::fs::write(
        dir.path().join("performers/a.yaml"),
        performer("a", "ghcr.io/x/y:2"),
    )
    .unwrap();
    std::fs::remove_file(dir.path().join("performers/c.yaml")).unwrap();

    let out = hgctl(ns.name(), &["diff", "-f", f]);
    let (stdout, _) = text(&out);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stdout.contains("-  image: ghcr.io/x/y:1\n+  image: ghcr.io/x/y:2\n"),
        "{stdout}"
    );
    assert!(
        !stdout.contains("performer.hourglass.eigenlayer.io/c"),
        "{stdout}"
    );
    let out = hgctl(ns.name(), &["diff", "--prune", "-f", f]);
    let (stdout, _) = text(&out);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stdout.contains("--- live/performer.hourglass.eigenlayer.io/c"),
        "{stdout}"
    );
    assert!(stdout.contains("-  name: c\n"), "{stdout}");
    assert!(!stdout.contains("outsider"), "{stdout}");

    // kubectl sees the same set: its dry run prunes exactly c.
    let out = Command::new("kubectl")
        .env("KUBECTL_APPLYSET", "true")
        .arg("--kubeconfig")
        .arg(cluster::kubeconfig_path())
        .args([
            "-n",
            ns.name(),
            "apply",
            "--server-side",
            "--field-manager=hgctl",
            "--prune",
            "--applyset=hgctl-applyset",
            "--dry-run=server",
            "-R",
            "-f",
            f,
        ])
        .output()
        .expect("running kubectl");
    let (stdout, stderr) = text(&out);
    assert!(out.status.success(), "{stdout}\n{stderr}");
    assert!(
        stdout.contains("performer.hourglass.eigenlayer.io/c pruned"),
        "{stdout}"
    );
    assert!(!stdout.contains("outsider"), "{stdout}");

    // apply --prune: configures a, deletes c, leaves the outsider alone.
    let out = hgctl(ns.name(), &["apply", "--prune", "-f", f]);
    let (stdout, stderr) = text(&out);
    assert!(out.status.success(), "{stdout}\n{stderr}");
    assert!(
        stdout.contains("performer.hourglass.eigenlayer.io/a configured"),
        "{stdout}"
    );
    assert!(
        stdout.contains("performer.hourglass.eigenlayer.io/b unchanged"),
        "{stdout}"
    );
    assert!(
        stdout.contains("performer.hourglass.eigenlayer.io/c pruned"),
        "{stdout}"
    );
    cluster::wait_for(
        std::time::Duration::from_secs(30),
        "performer c to be gone",
        || async {
            let names = performer_names(&ns).await;
            if names == ["a", "b", "outsider"] {
                Ok(())
            } else {
                Err(format!("{names:?}"))
            }
        },
    )
    .await;
    let out = hgctl(ns.name(), &["diff", "--prune", "-f", f]);
    assert_eq!(out.status.code(), Some(0), "{:?}", text(&out));
}

#[tokio::test]
async fn an_invalid_document_in_the_middle_writes_nothing() {
    install_crds().await;
    let ns = TestNamespace::create("e2e-apply-invalid").await;
    let dir = folder();
    // Sorted between a.yaml and c.yaml; the error is on line 6 of this file.
    std::fs::write(
        dir.path().join("performers/b.yaml"),
        performer("b", "ghcr.io/x/y:1")
            .replace("0x1234567890abcdef1234567890abcdef12345678", "0x12"),
    )
    .unwrap();
    let f = path(dir.path());
    for command in [
        &["apply", "-f", f][..],
        &["apply", "--prune", "-f", f],
        &["diff", "-f", f],
    ] {
        let out = hgctl(ns.name(), command);
        let (_, stderr) = text(&out);
        assert_eq!(out.status.code(), Some(2), "{command:?}: {stderr}");
        assert!(stderr.contains("performers/b.yaml"), "{stderr}");
        assert!(stderr.contains("avsAddress"), "{stderr}");
        assert!(stderr.contains(":6:"), "line 6 in {stderr}");
    }
    assert!(performer_names(&ns).await.is_empty());
    let executors: Api<HourglassExecutor> = ns.api();
    assert!(
        executors
            .list(&ListParams::default())
            .await
            .unwrap()
            .items
            .is_empty()
    );
    let secrets: Api<Secret> = ns.api();
    assert!(
        secrets.get_opt("hgctl-applyset").await.unwrap().is_none(),
        "no apply set parent either"
    );
}

#[tokio::test]
async fn secrets_in_the_folder_are_members_and_redacted_in_the_diff() {
    install_crds().await;
    let ns = TestNamespace::create("e2e-apply-secret").await;
    let dir = tempfile::tempdir().unwrap();
    let secret = |token: &str| {
        format!(
            "apiVersion: v1\nkind: Secret\nmetadata:\n  name: avs-env\nstringData:\n  TOKEN: {token}\n"
        )
    };
    std::fs::write(
        dir.path().join("all.yaml"),
        format!(
            "{}---\n{}",
            performer("p", "x/y:1"),
            secret("first-token-value")
        ),
    )
    .unwrap();
    let f = path(dir.path());
    let out = hgctl(ns.name(), &["apply", "-f", f]);
    let (stdout, stderr) = text(&out);
    assert!(out.status.success(), "{stderr}");
    assert_eq!(
        stdout,
        "secret/avs-env created\nperformer.hourglass.eigenlayer.io/p created\n"
    );
    std::fs::write(
        dir.path().join("all.yaml"),
        format!(
            "{}---\n{}",
            performer("p", "x/y:1"),
            secret("second-token-value")
        ),
    )
    .unwrap();
    let out = hgctl(ns.name(), &["diff", "-f", f]);
    let (stdout, stderr) = text(&out);
    assert_eq!(out.status.code(), Some(1), "{stdout}\n{stderr}");
    assert!(
        stdout.contains("*** (before)") && stdout.contains("*** (after)"),
        "{stdout}"
    );
    for secret in ["first-token-value", "second-token-value"] {
        assert!(!stdout.contains(secret) && !stderr.contains(secret));
    }
    use base64::Engine;
    let b64 = base64::engine::general_purpose::STANDARD.encode("first-token-value");
    assert!(!stdout.contains(&b64), "{stdout}");

    // A Namespace in the folder is refused by name, and nothing is written.
    std::fs::write(
        dir.path().join("ns.yaml"),
        "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: x\n",
    )
    .unwrap();
    let out = hgctl(ns.name(), &["apply", "-f", f]);
    let (_, stderr) = text(&out);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("ns.yaml") && stderr.contains("Namespace"),
        "{stderr}"
    );
}

#[tokio::test]
async fn waits_for_ci_fail_fast_then_doctor_wait_sees_the_fix() {
    use common::run_local::RunLocal;
    install_crds().await;
    let ns = TestNamespace::create("e2e-apply-wait").await;
    let _run = RunLocal::start(ns.name());
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("gpu.yaml");
    let unschedulable = format!(
        "{}  hardwareRequirements:\n    gpuType: h200\n",
        performer("gpu", "x/y:1")
    );
    std::fs::write(&file, &unschedulable).unwrap();
    let f = path(dir.path());

    // No node has an H200: --wait fails fast with the reason, well before its timeout.
    let started = std::time::Instant::now();
    let out = hgctl(
        ns.name(),
        &["apply", "-f", f, "--wait", "--timeout", "120s"],
    );
    let (stdout, stderr) = text(&out);
    assert_eq!(out.status.code(), Some(1), "{stdout}\n{stderr}");
    assert!(stdout.contains("performer.hourglass.eigenlayer.io/gpu created"));
    assert!(
        stderr.contains("cannot become ready") && stderr.contains("Unschedulable"),
        "{stderr}"
    );
    assert!(started.elapsed() < std::time::Duration::from_secs(100));

    // Still broken: doctor --wait gives up at its deadline with the last run's exit code.
    let out = hgctl(ns.name(), &["doctor", "gpu", "--wait", "4s", "-o", "short"]);
    assert_eq!(out.status.code(), Some(1), "{:?}", text(&out));

    // Fixed while doctor waits (after its first failing run): it exits 0.
    let mut waiting = Command::new(env!("CARGO_BIN_EXE_hgctl"))
        .args([
            "doctor",
            "gpu",
            "--wait",
            "120s",
            "-n",
            ns.name(),
            "--kubeconfig",
        ])
        .arg(cluster::kubeconfig_path())
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("starting doctor --wait");
    let mut stderr = std::io::BufReader::new(waiting.stderr.take().unwrap());
    let mut seen = String::new();
    while !seen.contains("checking again") {
        let mut line = String::new();
        use std::io::BufRead;
        if stderr.read_line(&mut line).unwrap() == 0 {
            panic!("doctor --wait ended before a failing run: {seen}");
        }
        seen.push_str(&line);
    }
    std::fs::write(&file, performer("gpu", "x/y:1")).unwrap();
    let out = hgctl(ns.name(), &["apply", "-f", f]);
    assert!(text(&out).0.contains("gpu configured"), "{:?}", text(&out));
    let out = waiting.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{:?}", text(&out));

    let out = hgctl(
        ns.name(),
        &[
            "wait",
            "performer/gpu",
            "--for",
            "ready",
            "--timeout",
            "60s",
        ],
    );
    assert_eq!(out.status.code(), Some(0), "{:?}", text(&out));
    assert_eq!(
        text(&out).0,
        "performer.hourglass.eigenlayer.io/gpu condition met\n"
    );
    let out = hgctl(ns.name(), &["wait", "performer/absent", "--timeout", "5s"]);
    assert_eq!(out.status.code(), Some(1), "{:?}", text(&out));

    let out = hgctl(ns.name(), &["status", "-o", "json"]);
    assert!(out.status.success(), "{:?}", text(&out));
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).expect("status -o json");
    assert_eq!(doc["performers"][0]["name"], "gpu");
    assert_eq!(doc["performers"][0]["state"], "ready");
    assert_eq!(doc["counts"]["ready"], 1);
    let out = hgctl(ns.name(), &["status", "-o", "yaml"]);
    assert!(text(&out).0.contains("state: ready"), "{:?}", text(&out));
}

#[tokio::test]
async fn the_support_bundle_holds_each_part_and_no_key_bytes() {
    use base64::Engine;
    install_crds().await;
    let ns = TestNamespace::create("e2e-bundle").await;
    let dir = tempfile::tempdir().unwrap();
    let operator_key = "4c0883a69102937d6231471b5dbb6204fe5129617082792ae468d01a3f3623aa";
    let ecdsa_key = "0x8f2a55949038a9610f50fb23b5883af3b4ecb3c3bb792cbcefbd1542c692bebb";
    let env_secret = "performer-env-token-value-77";
    std::fs::write(dir.path().join("op.key"), operator_key).unwrap();
    std::fs::write(dir.path().join("ecdsa.key"), ecdsa_key).unwrap();
    let d = path(dir.path());
    let out = hgctl(
        ns.name(),
        &[
            "executor",
            "create",
            "ops",
            "--image",
            "ghcr.io/layr-labs/hourglass-monorepo/ponos-executor:v0.1.0",
            "--operator-address",
            "0x15d34AAf54267DB7D7c367839AAf71A00a2C6A65",
            "--chain",
            "sepolia=11155111,https://ethereum-sepolia-rpc.publicnode.com",
            "--operator-key-file",
            &format!("{d}/op.key"),
            "--ecdsa-key-file",
            &format!("{d}/ecdsa.key"),
            "-y",
        ],
    );
    assert!(out.status.success(), "{:?}", text(&out));
    let folder = dir.path().join("folder");
    std::fs::create_dir(&folder).unwrap();
    std::fs::write(
        folder.join("p.yaml"),
        format!(
            "{}---\napiVersion: v1\nkind: Secret\nmetadata:\n  name: env\nstringData:\n  TOKEN: {env_secret}\n",
            performer("p", "x/y:1")
        ),
    )
    .unwrap();
    let out = hgctl(ns.name(), &["apply", "-f", path(&folder)]);
    assert!(out.status.success(), "{:?}", text(&out));

    let bundle = dir.path().join("bundle.tar.gz");
    let out = hgctl(
        ns.name(),
        &["support-bundle", "--file", bundle.to_str().unwrap()],
    );
    assert!(out.status.success(), "{:?}", text(&out));
    let extract = dir.path().join("x");
    std::fs::create_dir(&extract).unwrap();
    let status = Command::new("tar")
        .arg("-xzf")
        .arg(&bundle)
        .arg("-C")
        .arg(&extract)
        .status()
        .unwrap();
    assert!(status.success(), "the bundle opens with tar");
    let root = std::fs::read_dir(&extract)
        .unwrap()
        .next()
        .unwrap()
        .unwrap()
        .path();
    for part in [
        "versions.txt",
        "performers.yaml",
        "executors.yaml",
        "children/pods.yaml",
        "events.yaml",
        "nodes.yaml",
        "doctor.json",
    ] {
        assert!(root.join(part).exists(), "{part} in the bundle");
    }
    let read = |p: &str| std::fs::read_to_string(root.join(p)).unwrap();
    assert!(read("versions.txt").starts_with("hgctl "));
    assert!(read("performers.yaml").contains("name: p"));
    assert!(read("executors.yaml").contains("name: ops"));
    assert!(read("nodes.yaml").contains("allocatable"));
    serde_json::from_str::<serde_json::Value>(&read("doctor.json")).expect("doctor.json is JSON");

    let bytes = std::fs::read(&bundle).unwrap();
    let haystack = String::from_utf8_lossy(&bytes);
    let b64 = base64::engine::general_purpose::STANDARD;
    for secret in [operator_key, &ecdsa_key[2..], env_secret] {
        assert!(!haystack.contains(secret), "{secret} in the bundle");
        assert!(
            !haystack.contains(&b64.encode(secret)),
            "base64 of {secret} in the bundle"
        );
    }
}
