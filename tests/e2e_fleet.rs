//! The fleet view over real clusters: the shared test cluster, a second local control plane
//! of this test's own, and a "blackhole" API server address that accepts connections and
//! never answers. Contexts come from `KUBECONFIG` with three files, as kubectl merges them.

mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use common::cluster::{self, TestNamespace};
use common::private_cluster::PrivateCluster;
use common::run_local::install_crds_on;
use hgctl::api::Performer;
use k8s_openapi::api::core::v1::Namespace;
use kube::api::{Api, PostParams};
use kube::config::Kubeconfig;
use serde_json::{Value, json};

/// Writes `source` to `dir/<name>.kubeconfig` with its cluster, user and context renamed to
/// `name` (every test kubeconfig calls its context `hgctl-test`), optionally pointing at
/// another server.
fn renamed(source: &Path, name: &str, server: Option<&str>, dir: &Path) -> PathBuf {
    let mut k = Kubeconfig::read_from(source).unwrap();
    for c in &mut k.clusters {
        c.name = name.into();
        if let (Some(server), Some(cluster)) = (server, c.cluster.as_mut()) {
            cluster.server = Some(server.into());
        }
    }
    for u in &mut k.auth_infos {
        u.name = name.into();
    }
    for c in &mut k.contexts {
        c.name = name.into();
        if let Some(ctx) = c.context.as_mut() {
            ctx.cluster = name.into();
            ctx.user = Some(name.into());
        }
    }
    k.current_context = Some(name.into());
    let path = dir.join(format!("{name}.kubeconfig"));
    std::fs::write(&path, serde_json::to_string(&k).unwrap()).unwrap();
    path
}

fn hgctl(kubeconfig: &str, args: &[&str]) -> (Output, Duration) {
    let start = Instant::now();
    let out = Command::new(env!("CARGO_BIN_EXE_hgctl"))
        .args(args)
        .env("KUBECONFIG", kubeconfig)
        .stdin(Stdio::null())
        .output()
        .expect("running hgctl");
    (out, start.elapsed())
}

/// A line whose first words are `words` (tables pad with any number of spaces).
fn has_row(text: &str, words: &[&str]) -> bool {
    text.lines().any(|l| {
        l.split_whitespace()
            .take(words.len())
            .eq(words.iter().copied())
    })
}

fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

async fn performer(client: &kube::Client, ns: &str, name: &str) {
    let api: Api<Performer> = Api::namespaced(client.clone(), ns);
    let body: Performer = serde_json::from_value(json!({
        "apiVersion": "hourglass.eigenlayer.io/v1alpha1", "kind": "Performer",
        "metadata": {"name": name},
        "spec": {"avsAddress": "0x1111111111111111111111111111111111111111", "image": "myavs/performer:v1"}
    }))
    .unwrap();
    api.create(&PostParams::default(), &body).await.unwrap();
}

#[tokio::test]
async fn status_get_and_doctor_across_contexts() {
    common::run_local::install_crds().await;
    let ns = TestNamespace::create("fleet").await;
    let second = PrivateCluster::start("fleet");
    let second_client = second.client().await;
    install_crds_on(&second_client).await;
    let ns_body: Namespace =
        serde_json::from_value(json!({"metadata": {"name": ns.name()}})).unwrap();
    Api::<Namespace>::all(second_client.clone())
        .create(&PostParams::default(), &ns_body)
        .await
        .unwrap();
    performer(&ns.client(), ns.name(), "a1").await;
    performer(&ns.client(), ns.name(), "a2").await;
    performer(&second_client, ns.name(), "b1").await;

    let dir = second.state.join("fleet");
    std::fs::create_dir_all(&dir).unwrap();
    let shared = renamed(&cluster::kubeconfig_path(), "shared", None, &dir);
    let other = renamed(&second.kubeconfig(), "second", None, &dir);
    // Accepts TCP connections (the kernel completes them) and never answers.
    let blackhole = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let silent = renamed(
        &cluster::kubeconfig_path(),
        "silent",
        Some(&format!("https://{}", blackhole.local_addr().unwrap())),
        &dir,
    );
    let two = format!("{}:{}", shared.display(), other.display());
    let three = format!("{two}:{}", silent.display());

    // Both clusters answer: their rows, the fleet summary, exit 0.
    let (out, _) = hgctl(&two, &["status", "--all-contexts", "-n", ns.name()]);
    let text = stdout(&out);
    assert!(
        out.status.success(),
        "{text}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(text.contains("Clusters (2)"), "{text}");
    for row in [["shared", "a1"], ["shared", "a2"], ["second", "b1"]] {
        assert!(has_row(&text, &row), "no row {row:?}:\n{text}");
    }
    assert!(
        text.trim_end()
            .ends_with("2 clusters, 3 performers: 3 no status yet"),
        "{text}"
    );

    // get with --context twice: one document, a section per context.
    let (out, _) = hgctl(
        &two,
        &[
            "get",
            "performers",
            "--context",
            "shared",
            "--context",
            "second",
            "-n",
            ns.name(),
            "-o",
            "json",
        ],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let doc: Value = serde_json::from_str(&stdout(&out)).unwrap();
    let names = |i: usize| -> Vec<String> {
        doc["contexts"][i]["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| p["metadata"]["name"].as_str().unwrap().to_string())
            .collect()
    };
    assert_eq!(doc["contexts"][0]["context"], "shared");
    assert_eq!(names(0), ["a1", "a2"]);
    assert_eq!(names(1), ["b1"]);

    // A cluster that never answers is a row after --context-timeout; the others still print.
    let (out, took) = hgctl(
        &three,
        &[
            "status",
            "--all-contexts",
            "--context-timeout",
            "3s",
            "-n",
            ns.name(),
        ],
    );
    let text = stdout(&out);
    assert_eq!(out.status.code(), Some(3), "{text}");
    assert!(has_row(&text, &["silent", "unreachable"]), "{text}");
    assert!(text.contains("no answer within 3s"), "{text}");
    assert!(has_row(&text, &["second", "b1"]), "{text}");
    assert!(
        text.trim_end()
            .ends_with("3 clusters, 3 performers: 3 no status yet; 1 cluster unreachable"),
        "{text}"
    );
    // The deadline holds (with room for the two answering clusters and process start).
    assert!(took < Duration::from_secs(20), "took {took:?}");

    // The second cluster's API server stops: it is unreachable at once (connection refused).
    second.kill("kube-apiserver");
    let (out, _) = hgctl(
        &two,
        &["get", "performers", "--all-contexts", "-n", ns.name()],
    );
    let text = stdout(&out);
    assert_eq!(out.status.code(), Some(3), "{text}");
    assert!(has_row(&text, &["shared", "a1"]), "{text}");
    assert!(has_row(&text, &["second", "<unreachable>"]), "{text}");
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("1 of 2 clusters could not be read: second (unreachable)"),
        "{err}"
    );

    // doctor: a section per context, exit 3 for the cluster it could not check.
    let (out, _) = hgctl(
        &two,
        &["doctor", "--all-contexts", "-n", ns.name(), "-o", "json"],
    );
    assert_eq!(out.status.code(), Some(3));
    let doc: Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(doc["contexts"][0]["state"], "ok");
    assert!(doc["contexts"][0]["summary"]["total"].as_u64().unwrap() > 0);
    assert_eq!(doc["contexts"][1]["state"], "unreachable");
    assert_eq!(doc["clustersFailed"], 1);
    drop(blackhole);
}
