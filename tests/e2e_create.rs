//! End-to-end tests of `hgctl performer create` / `hgctl executor create` on the
//! local control plane: the binary runs with stdin closed (so it never prompts),
//! each test in its own namespace with its own `run-local`.

mod common;

use std::path::Path;
use std::process::{Child, Command, Stdio};

use common::cli::{hgctl, text};
use common::cluster::{self, TestNamespace};
use common::run_local::install_crds;
use hgctl::api::{HourglassExecutor, Performer};
use k8s_openapi::api::core::v1::{ConfigMap, Pod, Secret};
use kube::api::{Api, ListParams};
use serde_json::json;

const AVS: &str = "0x1234567890abcdef1234567890abcdef12345678";
const OPERATOR: &str = "0x1111111111111111111111111111111111111111";
const OPERATOR_KEY: &str = "4c0883a69102937d6231471b5dbb6204fe5129617082792ae468d01a3f362318";
const ECDSA_KEY: &str = "0x8f2a55949038a9610f50fb23b5883af3b4ecb3c3bb792cbcefbd1542c692be63";
const BLS_PASSWORD: &str = "correct-horse-battery-staple";
const BLS_CIPHERTEXT: &str = "e18afad793ec8dc3263169c07add77515d9f301464a05508d7ecb42ced24ed3a";

/// A `hgctl run-local` child process, killed when dropped.
struct RunLocal(Child);

impl RunLocal {
    fn start(ns: &str) -> RunLocal {
        let child = Command::new(env!("CARGO_BIN_EXE_hgctl"))
            .args(["run-local", "-n", ns, "--lease-namespace", ns])
            .args([
                "--metrics-addr",
                "127.0.0.1:0",
                "--health-addr",
                "127.0.0.1:0",
            ])
            .arg("--kubeconfig")
            .arg(cluster::kubeconfig_path())
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("starting hgctl run-local");
        RunLocal(child)
    }
}

impl Drop for RunLocal {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

async fn pod_of(ns: &TestNamespace, name: &str) -> Pod {
    let pods: Api<Pod> = ns.api();
    let list = pods
        .list(&ListParams::default().labels(&format!("hourglass.eigenlayer.io/performer={name}")))
        .await
        .unwrap()
        .items;
    assert_eq!(list.len(), 1, "one pod for {name}");
    list.into_iter().next().unwrap()
}

fn write(dir: &Path, name: &str, content: &str) -> String {
    let path = dir.join(name);
    std::fs::write(&path, content).unwrap();
    path.display().to_string()
}

#[tokio::test]
async fn performer_create_gpu_a100_wait_ends_ready_on_an_a100_node() {
    install_crds().await;
    let ns = TestNamespace::create("create-a100").await;
    let _run = RunLocal::start(ns.name());
    let args = [
        "performer",
        "create",
        "gpu-perf",
        "--image",
        "avs/perf:v1",
        "--avs",
        AVS,
        "--gpu",
        "a100",
        "--wait",
        "--timeout",
        "90s",
    ];
    let out = hgctl(ns.name(), &args);
    let (stdout, stderr) = text(&out);
    assert!(out.status.success(), "stdout: {stdout}\nstderr: {stderr}");
    assert_eq!(
        stdout,
        "performer.hourglass.eigenlayer.io/gpu-perf created\n"
    );
    let p: Performer = ns.api::<Performer>().get("gpu-perf").await.unwrap();
    assert!(p.status.unwrap().ready);
    let node = pod_of(&ns, "gpu-perf")
        .await
        .spec
        .unwrap()
        .node_name
        .unwrap();
    assert_eq!(node, "gpu-a100-40gb");

    // The same flags again change nothing; a new label configures.
    let out = hgctl(ns.name(), &args[..9]);
    assert_eq!(
        text(&out).0,
        "performer.hourglass.eigenlayer.io/gpu-perf unchanged\n",
        "{}",
        text(&out).1
    );
    let mut relabel = args[..9].to_vec();
    relabel.extend(["--label", "team=gpu"]);
    let out = hgctl(ns.name(), &relabel);
    assert_eq!(
        text(&out).0,
        "performer.hourglass.eigenlayer.io/gpu-perf configured\n",
        "{}",
        text(&out).1
    );
}

#[tokio::test]
async fn performer_create_gpu_h200_check_reports_that_no_node_fits() {
    install_crds().await;
    let ns = TestNamespace::create("create-h200").await;
    let out = hgctl(
        ns.name(),
        &[
            "performer",
            "create",
            "h200",
            "--image",
            "avs/perf:v1",
            "--avs",
            AVS,
            "--gpu",
            "h200",
            "--check",
        ],
    );
    let (stdout, stderr) = text(&out);
    assert_eq!(
        out.status.code(),
        Some(1),
        "stdout: {stdout}\nstderr: {stderr}"
    );
    assert!(stderr.contains("hgctl::unschedulable"), "{stderr}");
    let lines: Vec<&str> = stdout.lines().collect();
    assert!(lines.len() >= 10, "one line per node: {stdout}");
    for line in &lines {
        assert!(line.contains(" no: "), "{line}");
    }
    for node in ["gpu-a100-40gb", "gpu-h100", "cpu-1"] {
        let line = lines.iter().find(|l| l.starts_with(node)).unwrap();
        assert!(line.contains("nvidia.com/gpu.product"), "{line}");
        assert!(line.contains("NVIDIA-H200"), "{line}");
    }
    // --check is read-only.
    assert!(
        ns.api::<Performer>()
            .list(&ListParams::default())
            .await
            .unwrap()
            .items
            .is_empty()
    );
}

#[tokio::test]
async fn performer_create_wait_fails_fast_when_unschedulable() {
    install_crds().await;
    let ns = TestNamespace::create("create-unsched").await;
    let _run = RunLocal::start(ns.name());
    let out = hgctl(
        ns.name(),
        &[
            "performer",
            "create",
            "h200",
            "--image",
            "avs/perf:v1",
            "--avs",
            AVS,
            "--gpu",
            "h200",
            "--wait",
            "--timeout",
            "5m",
        ],
    );
    let (stdout, stderr) = text(&out);
    assert_eq!(
        out.status.code(),
        Some(1),
        "stdout: {stdout}\nstderr: {stderr}"
    );
    assert!(
        stdout.contains("performer.hourglass.eigenlayer.io/h200 created"),
        "{stdout}"
    );
    assert!(stderr.contains("hgctl::unschedulable"), "{stderr}");
    assert!(
        stderr.contains("nvidia.com/gpu.product"),
        "the pre-check names the label: {stderr}"
    );
}

#[tokio::test]
async fn performer_create_tee_sgx_lands_on_the_sgx_node() {
    install_crds().await;
    let ns = TestNamespace::create("create-sgx").await;
    let _run = RunLocal::start(ns.name());
    let out = hgctl(
        ns.name(),
        &[
            "performer",
            "create",
            "enclave",
            "--image",
            "avs/perf:v1",
            "--avs",
            AVS,
            "--tee",
            "sgx",
            "--wait",
            "--timeout",
            "90s",
        ],
    );
    let (stdout, stderr) = text(&out);
    assert!(out.status.success(), "stdout: {stdout}\nstderr: {stderr}");
    let node = pod_of(&ns, "enclave")
        .await
        .spec
        .unwrap()
        .node_name
        .unwrap();
    assert_eq!(node, "tee-sgx");
}

#[tokio::test]
async fn performer_create_from_a_file_and_from_stdin() {
    install_crds().await;
    let ns = TestNamespace::create("create-file").await;
    let dir = tempfile::tempdir().unwrap();
    let yaml = format!(
        "apiVersion: hourglass.eigenlayer.io/v1alpha1\nkind: Performer\nmetadata:\n  name: from-file\nspec:\n  avsAddress: \"{AVS}\"\n  image: avs/perf:v1\n"
    );
    let file = write(dir.path(), "p.yaml", &yaml);
    let out = hgctl(ns.name(), &["performer", "create", "-f", &file]);
    assert_eq!(
        text(&out).0,
        "performer.hourglass.eigenlayer.io/from-file created\n",
        "{}",
        text(&out).1
    );
    let mut child = Command::new(env!("CARGO_BIN_EXE_hgctl"))
        .args([
            "performer",
            "create",
            "-f",
            "-",
            "-n",
            ns.name(),
            "--kubeconfig",
        ])
        .arg(cluster::kubeconfig_path())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    use std::io::Write;
    child
        .stdin
        .take()
        .unwrap()
        .write_all(yaml.replace("from-file", "from-stdin").as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert_eq!(
        text(&out).0,
        "performer.hourglass.eigenlayer.io/from-stdin created\n",
        "{}",
        text(&out).1
    );
}

fn keystore() -> String {
    json!({
        "crypto": {
            "kdf": {"function": "scrypt", "params": {"dklen": 32, "n": 262144, "p": 1, "r": 8, "salt": "d4e5"}, "message": ""},
            "checksum": {"function": "sha256", "params": {}, "message": "d2217fe5"},
            "cipher": {"function": "aes-128-ctr", "params": {"iv": "264daa3f"}, "message": BLS_CIPHERTEXT}
        },
        "pubkey": "9612d7a727c9d0a22e185a1c768478dfe919cada9266988cb32359c11f2b7b27f4ae4040902382ae2910c15e2b420d07",
        "path": "m/12381/60/0/0",
        "uuid": "1d85ae20-35c5-4611-98e8-aa14a633906f",
        "version": 4
    })
    .to_string()
}

#[tokio::test]
async fn executor_create_puts_key_files_in_a_secret_and_nowhere_else() {
    install_crds().await;
    let ns = TestNamespace::create("create-exec").await;
    let dir = tempfile::tempdir().unwrap();
    let op = write(dir.path(), "op.hex", &format!("{OPERATOR_KEY}\n"));
    let ecdsa = write(dir.path(), "ecdsa.hex", ECDSA_KEY);
    let ks = write(dir.path(), "bls.json", &keystore());
    let pw = write(dir.path(), "bls.pw", &format!("{BLS_PASSWORD}\n"));
    let args = [
        "executor",
        "create",
        "ops",
        "--image",
        "ghcr.io/layr-labs/hourglass/executor:v1",
        "--operator-address",
        OPERATOR,
        "--chain",
        "ethereum=1,https://eth.example.com",
        "--avs",
        &format!("{AVS}=avs/perf:v1"),
        "--storage",
        "badger:1Gi",
        "--operator-key-file",
        &op,
        "--ecdsa-key-file",
        &ecdsa,
        "--bls-keystore",
        &ks,
        "--bls-password-file",
        &pw,
    ];
    let secrets_in_output = |s: &str| {
        [OPERATOR_KEY, &ECDSA_KEY[2..], BLS_PASSWORD, BLS_CIPHERTEXT]
            .iter()
            .filter(|k| s.contains(*k))
            .count()
    };

    let mut dry = args.to_vec();
    dry.push("--dry-run");
    let out = hgctl(ns.name(), &dry);
    let (stdout, stderr) = text(&out);
    assert!(out.status.success(), "{stderr}");
    assert!(
        stdout.contains("<redacted>") && stdout.contains("kind: Secret"),
        "{stdout}"
    );
    assert_eq!(
        secrets_in_output(&stdout) + secrets_in_output(&stderr),
        0,
        "dry-run leaks: {stdout}{stderr}"
    );

    let out = hgctl(ns.name(), &args);
    let (stdout, stderr) = text(&out);
    assert!(out.status.success(), "stdout: {stdout}\nstderr: {stderr}");
    assert_eq!(
        stdout,
        "secret/ops-keys created\nhourglassexecutor.hourglass.eigenlayer.io/ops created\n"
    );
    assert_eq!(secrets_in_output(&stderr), 0);

    let secret: Secret = ns.api::<Secret>().get("ops-keys").await.unwrap();
    let data = secret.data.unwrap();
    let value = |k: &str| String::from_utf8(data[k].0.clone()).unwrap();
    assert_eq!(value("operator-private-key"), OPERATOR_KEY);
    assert_eq!(value("ecdsa-private-key"), ECDSA_KEY);
    assert_eq!(value("bls-password"), BLS_PASSWORD);
    assert!(value("bls-keystore.json").contains(BLS_CIPHERTEXT));

    let executor: HourglassExecutor = ns.api::<HourglassExecutor>().get("ops").await.unwrap();
    let cr = serde_json::to_string(&executor).unwrap();
    assert_eq!(
        executor
            .spec
            .config
            .unwrap()
            .operator_keys
            .unwrap()
            .secret_ref
            .unwrap()
            .name,
        "ops-keys"
    );
    assert_eq!(secrets_in_output(&cr), 0, "CR leaks: {cr}");
    let cms = serde_json::to_string(
        &ns.api::<ConfigMap>()
            .list(&ListParams::default())
            .await
            .unwrap(),
    )
    .unwrap();
    assert_eq!(secrets_in_output(&cms), 0, "ConfigMap leaks");

    // A bad key file: refused, naming the file, without its content.
    let bad = write(dir.path(), "bad.hex", &format!("{}zz", &OPERATOR_KEY[..60]));
    let mut wrong = args.to_vec();
    let i = wrong.iter().position(|a| *a == op).unwrap();
    wrong[i] = &bad;
    let out = hgctl(ns.name(), &wrong);
    let (stdout, stderr) = text(&out);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr.contains("hgctl::invalid_key_file") && stderr.contains("bad.hex"),
        "{stderr}"
    );
    assert!(
        !stderr.contains(&OPERATOR_KEY[..60]) && !stdout.contains(&OPERATOR_KEY[..60]),
        "{stderr}"
    );
}

#[tokio::test]
async fn executor_create_with_keys_secret_references_an_existing_secret() {
    install_crds().await;
    let ns = TestNamespace::create("create-exec-ref").await;
    let base = [
        "executor",
        "create",
        "ops",
        "--image",
        "ex:v1",
        "--operator-address",
        OPERATOR,
        "--keys-secret",
        "external-keys",
    ];
    let out = hgctl(ns.name(), &base);
    assert_eq!(
        out.status.code(),
        Some(5),
        "a missing Secret is NotFound: {}",
        text(&out).1
    );
    assert!(
        ns.api::<HourglassExecutor>()
            .list(&ListParams::default())
            .await
            .unwrap()
            .items
            .is_empty()
    );
    let secret: Secret = serde_json::from_value(
        json!({"metadata": {"name": "external-keys"}, "stringData": {"operator-private-key": "x"}}),
    )
    .unwrap();
    ns.api::<Secret>()
        .create(&Default::default(), &secret)
        .await
        .unwrap();
    let out = hgctl(ns.name(), &base);
    assert_eq!(
        text(&out).0,
        "hourglassexecutor.hourglass.eigenlayer.io/ops created\n",
        "{}",
        text(&out).1
    );
}

/// At least 40 invalid command lines and files: each exits 2 with its diagnostic code,
/// and nothing is written to the namespace (the commands run without --dry-run).
#[tokio::test]
async fn invalid_inputs_are_refused_with_a_stable_code_and_nothing_is_written() {
    install_crds().await;
    let ns = TestNamespace::create("create-invalid").await;
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let key = write(d, "k.hex", OPERATOR_KEY);
    let short = write(d, "short.hex", "0xabcdef");
    let notjson = write(d, "ks.txt", "not json");
    let v3 = write(
        d,
        "v3.json",
        &keystore().replace("\"version\":4", "\"version\":3"),
    );
    let ks = write(d, "ks.json", &keystore());
    let empty = write(d, "empty.pw", "");
    let bad_yaml = write(
        d,
        "bad.yaml",
        "apiVersion: hourglass.eigenlayer.io/v1alpha1\nkind: Performer\nmetadata: [\n",
    );
    let wrong_kind = write(
        d,
        "kind.yaml",
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n",
    );
    let bad_field = write(
        d,
        "field.yaml",
        &format!(
            "apiVersion: hourglass.eigenlayer.io/v1alpha1\nkind: Performer\nmetadata:\n  name: x\nspec:\n  avsAddress: \"{AVS}\"\n  image: x\n  config:\n    grpcPort: 70000\n"
        ),
    );
    let unknown = write(
        d,
        "unknown.yaml",
        &format!(
            "apiVersion: hourglass.eigenlayer.io/v1alpha1\nkind: Performer\nmetadata:\n  name: x\nspec:\n  avsAddress: \"{AVS}\"\n  image: x\n  bogus: 1\n"
        ),
    );
    let inline = write(
        d,
        "inline.yaml",
        "apiVersion: hourglass.eigenlayer.io/v1alpha1\nkind: HourglassExecutor\nmetadata:\n  name: x\nspec:\n  image: x\n  config:\n    operatorKeys:\n      ecdsa: \"0xdeadbeef\"\n",
    );

    let p = |extra: &[&str]| -> Vec<String> {
        let mut v: Vec<String> = [
            "performer",
            "create",
            "p1",
            "--image",
            "avs/p:v1",
            "--avs",
            AVS,
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        v.extend(extra.iter().map(|s| s.to_string()));
        v
    };
    let e = |extra: &[&str]| -> Vec<String> {
        let mut v: Vec<String> = [
            "executor",
            "create",
            "ops",
            "--image",
            "ex:v1",
            "--operator-address",
            OPERATOR,
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        v.extend(extra.iter().map(|s| s.to_string()));
        v
    };
    let raw = |args: &[&str]| -> Vec<String> { args.iter().map(|s| s.to_string()).collect() };
    let keys = [
        "--operator-key-file",
        key.as_str(),
        "--ecdsa-key-file",
        key.as_str(),
    ];
    let ek = |extra: &[&str]| -> Vec<String> {
        let mut v = e(&keys);
        v.extend(extra.iter().map(|s| s.to_string()));
        v
    };

    let flag = "hgctl::invalid_flag";
    let missing = "hgctl::missing_flags";
    let conflict = "hgctl::conflicting_flags";
    let keyfile = "hgctl::invalid_key_file";
    let file = "hgctl::invalid_file";
    let cases: Vec<(Vec<String>, &str)> = vec![
        // performer create
        (raw(&["performer", "create"]), missing),
        (raw(&["performer", "create", "p1"]), missing),
        (
            raw(&["performer", "create", "p1", "--image", "x:1"]),
            missing,
        ),
        (
            raw(&[
                "performer",
                "create",
                "Bad_Name",
                "--image",
                "x:1",
                "--avs",
                AVS,
            ]),
            flag,
        ),
        (
            raw(&[
                "performer",
                "create",
                &"a".repeat(54),
                "--image",
                "x:1",
                "--avs",
                AVS,
            ]),
            flag,
        ),
        (
            raw(&[
                "performer",
                "create",
                "1abc",
                "--image",
                "x:1",
                "--avs",
                AVS,
            ]),
            flag,
        ),
        (
            raw(&[
                "performer",
                "create",
                "p1",
                "--image",
                "Has Space",
                "--avs",
                AVS,
            ]),
            flag,
        ),
        (
            raw(&[
                "performer",
                "create",
                "p1",
                "--image",
                "UPPER/case",
                "--avs",
                AVS,
            ]),
            flag,
        ),
        (
            raw(&[
                "performer",
                "create",
                "p1",
                "--image",
                "x:1",
                "--avs",
                "0x123",
            ]),
            flag,
        ),
        (
            raw(&[
                "performer",
                "create",
                "p1",
                "--image",
                "x:1",
                "--avs",
                "1234567890abcdef1234567890abcdef1234567890",
            ]),
            flag,
        ),
        (p(&["--grpc-port", "0"]), flag),
        (p(&["--grpc-port", "70000"]), flag),
        (p(&["--env", "NOVALUE"]), flag),
        (p(&["--env", "1BAD=x"]), flag),
        (p(&["--env", "A=1", "--env", "A=2"]), flag),
        (p(&["--env-from-secret", "A=secret-without-key"]), flag),
        (p(&["--env-from-secret", "A=Bad_Secret/key"]), flag),
        (p(&["--env", "A=1", "--env-from-secret", "A=s/k"]), conflict),
        (p(&["--gpu", "a200"]), flag),
        (p(&["--gpu", "a100:0"]), flag),
        (p(&["--gpu", "a100:x"]), flag),
        (p(&["--gpu", "a100:65"]), flag),
        (p(&["--gpu", "a100:2", "--gpu-count", "2"]), conflict),
        (p(&["--gpu-count", "2"]), missing),
        (p(&["--tee", "trustzone"]), flag),
        (p(&["--gpu", "a30:mig-1g.5gb"]), flag),
        (p(&["--gpu", "l4:mig-1g.5gb"]), flag),
        (p(&["--gpu", "NVIDIA-RTX-A6000:mig-1g.5gb"]), flag),
        (p(&["--gpu-shared"]), missing),
        (p(&["--gpu", "a100:mig-1g.5gb", "--gpu-shared"]), conflict),
        (p(&["--gpu", "a100", "--mig-strategy", "mixed"]), flag),
        (p(&["--tee-mode", "node"]), missing),
        (p(&["--tee", "sgx", "--tee-mode", "runtime-class"]), flag),
        (p(&["--tee", "tdx", "--sgx-quote-provider", "aesmd"]), flag),
        (
            p(&["--tee", "sgx", "--sgx-quote-provider", "Bad_Name"]),
            flag,
        ),
        (p(&["--runtime-class", "Bad_Class"]), flag),
        (p(&["--priority-class", "UPPER"]), flag),
        (p(&["--service-account", "bad/sa"]), flag),
        (p(&["--node-selector", "novalue"]), flag),
        (p(&["--node-selector", "/bad=x"]), flag),
        (p(&["--toleration", "dedicated=avs"]), flag),
        (p(&["--toleration", "dedicated=avs:Sometimes"]), flag),
        (p(&["--toleration", "bad key:NoSchedule"]), flag),
        (p(&["--cpu", "2 cores"]), flag),
        (p(&["--memory", "1GB"]), flag),
        (p(&["--cpu", "1", "--requests", "cpu=1"]), conflict),
        (p(&["--memory", "1Gi", "--limits", "memory=2Gi"]), conflict),
        (p(&["--requests", "cpu=2", "--limits", "cpu=1"]), conflict),
        (p(&["--requests", "cpu"]), flag),
        (p(&["--limits", "nvidia.com/gpu=1"]), flag),
        (p(&["--label", "bad key=x"]), flag),
        (p(&["--label", "a=-bad-"]), flag),
        (p(&["-o", "wide"]), flag),
        (raw(&["performer", "create", "-f", &bad_yaml]), file),
        (raw(&["performer", "create", "-f", &wrong_kind]), file),
        (raw(&["performer", "create", "-f", &bad_field]), file),
        (raw(&["performer", "create", "-f", &unknown]), file),
        (
            // clap's own usage error: -f conflicts with the flags that describe the object.
            raw(&["performer", "create", "-f", &unknown, "--image", "x:1"]),
            "cannot be used with",
        ),
        (
            raw(&["performer", "create", "-f", "/nonexistent.yaml"]),
            "hgctl::io",
        ),
        // executor create
        (raw(&["executor", "create"]), missing),
        (
            raw(&[
                "executor",
                "create",
                "ops",
                "--image",
                "ex:v1",
                "--operator-address",
                OPERATOR,
            ]),
            missing,
        ),
        (
            raw(&[
                "executor",
                "create",
                "Ops",
                "--image",
                "ex:v1",
                "--operator-address",
                OPERATOR,
                "--keys-secret",
                "k",
            ]),
            flag,
        ),
        (
            raw(&[
                "executor",
                "create",
                &"a".repeat(51),
                "--image",
                "ex:v1",
                "--operator-address",
                OPERATOR,
                "--keys-secret",
                "k",
            ]),
            flag,
        ),
        (
            raw(&[
                "executor",
                "create",
                "ops",
                "--image",
                "ex:v1",
                "--operator-address",
                "0xnope",
                "--keys-secret",
                "k",
            ]),
            flag,
        ),
        (ek(&["--replicas=-1"]), flag),
        (ek(&["--executor-log-level", "loud"]), flag),
        (ek(&["--chain", "eth"]), flag),
        (ek(&["--chain", "eth=0,https://x"]), flag),
        (ek(&["--chain", "eth=1,ftp://x"]), flag),
        (ek(&["--chain", "eth=1,https://x,0xbad"]), flag),
        (
            ek(&["--chain", "eth=1,https://x", "--chain", "eth=2,https://y"]),
            flag,
        ),
        (ek(&["--l1-chain", "base"]), flag),
        (ek(&["--aggregator", "no-port"]), flag),
        (ek(&["--avs", "0x12=img"]), flag),
        (ek(&["--avs", &format!("{AVS}=Bad Image")]), flag),
        (ek(&["--storage", "disk"]), flag),
        (ek(&["--storage", "memory:1Gi"]), flag),
        (ek(&["--storage", "badger:lots"]), flag),
        (ek(&["--grpc-port", "9001"]), conflict),
        (ek(&["--management-port", "0"]), flag),
        (ek(&["--keys-secret", "k"]), conflict),
        (
            e(&["--operator-key-file", &short, "--ecdsa-key-file", &key]),
            keyfile,
        ),
        (
            e(&["--operator-key-file", &key, "--ecdsa-key-file", &notjson]),
            keyfile,
        ),
        (
            e(&[
                "--operator-key-file",
                &key,
                "--bls-keystore",
                &notjson,
                "--bls-password-file",
                &key,
            ]),
            keyfile,
        ),
        (
            e(&[
                "--operator-key-file",
                &key,
                "--bls-keystore",
                &v3,
                "--bls-password-file",
                &key,
            ]),
            keyfile,
        ),
        (
            e(&[
                "--operator-key-file",
                &key,
                "--bls-keystore",
                &ks,
                "--bls-password-file",
                &empty,
            ]),
            keyfile,
        ),
        (
            e(&["--operator-key-file", &key, "--bls-keystore", &ks]),
            missing,
        ),
        (e(&["--operator-key-file", &key]), missing),
        (e(&["--ecdsa-key-file", &key]), missing),
        (
            e(&[
                "--operator-key-file",
                "/nonexistent",
                "--ecdsa-key-file",
                &key,
            ]),
            keyfile,
        ),
        (e(&["--keys-secret", "Bad_Secret"]), flag),
        (raw(&["executor", "create", "-f", &inline]), file),
        (raw(&["executor", "create", "-f", &bad_field]), file),
    ];
    assert!(cases.len() >= 40, "{} cases", cases.len());
    for (args, code) in &cases {
        let argv: Vec<&str> = args.iter().map(String::as_str).collect();
        let out = hgctl(ns.name(), &argv);
        let (stdout, stderr) = text(&out);
        assert_eq!(
            out.status.code(),
            Some(2),
            "{argv:?}\nstdout: {stdout}\nstderr: {stderr}"
        );
        assert!(
            stderr.contains(code),
            "{argv:?} should fail with {code}: {stderr}"
        );
        assert!(stdout.is_empty(), "{argv:?} printed {stdout}");
        assert!(
            !stderr.contains("0xdeadbeef"),
            "inline key echoed: {stderr}"
        );
    }
    assert!(
        ns.api::<Performer>()
            .list(&ListParams::default())
            .await
            .unwrap()
            .items
            .is_empty()
    );
    assert!(
        ns.api::<HourglassExecutor>()
            .list(&ListParams::default())
            .await
            .unwrap()
            .items
            .is_empty()
    );
    assert!(
        ns.api::<Secret>()
            .list(&ListParams::default())
            .await
            .unwrap()
            .items
            .is_empty()
    );
}
