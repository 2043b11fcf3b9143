//! Monitoring on the local control plane: `install --monitoring` with the Prometheus
//! Operator's CRDs served (taken from its Go module by tests/monitoring/crds.sh; the test
//! fails, never skips, without them), and run-local's /metrics while Performers converge and
//! one is unschedulable.

mod common;

use std::process::{Command, Stdio};
use std::time::Duration;

use common::cli::{hgctl, text};
use common::cluster::{self, TestNamespace, kubectl_apply, wait_for};
use common::run_local::{RunLocal, install_crds};
use hgctl::api::Performer;
use kube::api::Api;
use serde_json::json;

const TIMEOUT: Duration = Duration::from_secs(90);

fn kubectl(args: &[&str]) -> std::process::Output {
    Command::new("kubectl")
        .arg("--kubeconfig")
        .arg(cluster::kubeconfig_path())
        .args(args)
        .stdin(Stdio::null())
        .output()
        .expect("running kubectl")
}

/// Installs the ServiceMonitor and PrometheusRule CRDs (server-side: they are large) and
/// waits until they are served.
fn install_prometheus_operator_crds() {
    let out = Command::new(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/monitoring/crds.sh"),
    )
    .output()
    .expect("running tests/monitoring/crds.sh");
    assert!(
        out.status.success(),
        "cannot get the Prometheus Operator CRDs from the Go module proxy (tests/monitoring/crds.sh):\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let dir = String::from_utf8_lossy(&out.stdout).trim().to_string();
    for kind in ["servicemonitors", "prometheusrules"] {
        let file = format!("{dir}/monitoring.coreos.com_{kind}.yaml");
        let applied = kubectl(&[
            "apply",
            "--server-side",
            "--force-conflicts",
            "--field-manager=hgctl-tests",
            "-f",
            &file,
        ]);
        assert!(applied.status.success(), "{:?}", text(&applied));
        let established = kubectl(&[
            "wait",
            "--for=condition=Established",
            "--timeout=60s",
            &format!("crd/{kind}.monitoring.coreos.com"),
        ]);
        assert!(established.status.success(), "{:?}", text(&established));
    }
}

/// The export passes the API server's own validation (`kubectl apply --dry-run=server`), and
/// a real install creates the metrics Service, the ServiceMonitor and the PrometheusRule.
#[tokio::test]
async fn install_monitoring_with_the_prometheus_operator_crds() {
    install_crds().await;
    install_prometheus_operator_crds();
    let ns = TestNamespace::create("mon-install").await;

    let export = hgctl(ns.name(), &["install", "--monitoring", "--export"]);
    let (yaml, err) = text(&export);
    assert!(export.status.success(), "{err}");
    for kind in [
        "kind: ServiceMonitor",
        "kind: PrometheusRule",
        "hgctl-operator-metrics",
    ] {
        assert!(yaml.contains(kind), "the export has no {kind}:\n{yaml}");
    }
    let mut dry_run = Command::new("kubectl")
        .arg("--kubeconfig")
        .arg(cluster::kubeconfig_path())
        .args(["apply", "--dry-run=server", "-f", "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    use std::io::Write;
    dry_run
        .stdin
        .take()
        .unwrap()
        .write_all(yaml.as_bytes())
        .unwrap();
    let checked = dry_run.wait_with_output().unwrap();
    let (said, err) = text(&checked);
    assert!(
        checked.status.success(),
        "kubectl apply --dry-run=server refused the export:\n{said}\n{err}"
    );
    assert!(
        said.contains("servicemonitor.monitoring.coreos.com/hgctl-operator-metrics"),
        "{said}"
    );
    assert!(
        said.contains("prometheusrule.monitoring.coreos.com/hgctl-operator-metrics"),
        "{said}"
    );

    let installed = hgctl(
        ns.name(),
        &[
            "install",
            "--monitoring",
            "--image",
            "hgctl.local/hgctl:test",
        ],
    );
    let cleanup = || hgctl(ns.name(), &["uninstall", "--keep-crds", "--yes"]);
    if !installed.status.success() {
        cleanup();
        panic!("install --monitoring failed: {:?}", text(&installed));
    }
    let got = kubectl(&[
        "get",
        "-n",
        ns.name(),
        "service/hgctl-operator-metrics",
        "servicemonitor/hgctl-operator-metrics",
        "prometheusrule/hgctl-operator-metrics",
        "-o",
        "jsonpath={range .items[*]}{.kind}{\" \"}{end}{.items[2].spec.groups[0].rules[*].alert}",
    ]);
    cleanup();
    let (listed, err) = text(&got);
    assert!(got.status.success(), "{err}");
    assert!(
        listed.starts_with("Service ServiceMonitor PrometheusRule "),
        "{listed}"
    );
    for alert in hgctl::install::monitoring::ALERTS {
        assert!(
            listed.contains(alert.name),
            "{} missing: {listed}",
            alert.name
        );
    }
}

/// A series' value in a scrape, by its exact name and labels.
fn value(scrape: &str, series: &str) -> Option<f64> {
    scrape
        .lines()
        .find_map(|l| l.strip_prefix(series)?.strip_prefix(' '))
        .and_then(|v| v.trim().parse().ok())
}

async fn scrape(port: u16) -> Result<String, String> {
    common::http::get(port, "/metrics").await
}

/// run-local's /metrics while one Performer becomes ready and one cannot be scheduled: the
/// per-Performer gauges, the not-ready count by reason and the time-to-ready histogram.
#[tokio::test]
async fn run_local_metrics_show_each_performer_and_time_to_ready() {
    install_crds().await;
    let ns = TestNamespace::create("mon-metrics").await;
    let port = common::http::free_port();
    let _run = RunLocal::start_with(ns.name(), &["--metrics-addr", &format!("127.0.0.1:{port}")]);
    let api: Api<Performer> = ns.api();
    let avs = "0x1111111111111111111111111111111111111111";
    kubectl_apply(
        &api,
        &json!({"apiVersion": "hourglass.eigenlayer.io/v1alpha1", "kind": "Performer",
            "metadata": {"name": "serves"},
            "spec": {"avsAddress": avs, "image": "myavs/performer:v1"}}),
    )
    .await;
    kubectl_apply(
        &api,
        &json!({"apiVersion": "hourglass.eigenlayer.io/v1alpha1", "kind": "Performer",
            "metadata": {"name": "no-fit"},
            "spec": {"avsAddress": avs, "image": "myavs/performer:v1",
                "hardwareRequirements": {"gpuType": "a100", "gpuCount": 2},
                "scheduling": {"nodeSelector": {"hgctl.test/nowhere": "true"}}}}),
    )
    .await;
    let labels = |name: &str| {
        format!(
            "namespace=\"{}\",performer=\"{name}\",avs=\"{avs}\"",
            ns.name()
        )
    };
    let ready = |name: &str| format!("hgctl_performer_ready{{{}}}", labels(name));
    let unschedulable = format!(
        "hgctl_performers_not_ready{{namespace=\"{}\",reason=\"unschedulable\"}}",
        ns.name()
    );
    let m = wait_for(
        TIMEOUT,
        "one ready and one unschedulable in /metrics",
        || async {
            let m = scrape(port).await?;
            let done =
                value(&m, &ready("serves")) == Some(1.0) && value(&m, &unschedulable) == Some(1.0);
            done.then_some(m.clone()).ok_or(m)
        },
    )
    .await;
    assert_eq!(value(&m, &ready("no-fit")), Some(0.0), "{m}");
    assert_eq!(
        value(
            &m,
            &format!("hgctl_performer_gpus_requested{{{}}}", labels("no-fit"))
        ),
        Some(2.0)
    );
    assert_eq!(
        value(
            &m,
            &format!("hgctl_performer_gpus_requested{{{}}}", labels("serves"))
        ),
        Some(0.0)
    );
    assert_eq!(
        value(
            &m,
            &format!(
                "hgctl_performer_phase{{{},phase=\"Pending\"}}",
                labels("no-fit")
            )
        ),
        Some(1.0)
    );
    assert_eq!(
        value(
            &m,
            &format!(
                "hgctl_performer_phase{{{},phase=\"Running\"}}",
                labels("serves")
            )
        ),
        Some(1.0)
    );
    let waiting = value(
        &m,
        &format!(
            "hgctl_performer_seconds_since_ready{{{}}}",
            labels("no-fit")
        ),
    )
    .expect("seconds since ready of no-fit");
    assert!((0.0..600.0).contains(&waiting), "{waiting}");
    // Exactly one Performer became ready, after its creation.
    assert_eq!(
        value(
            &m,
            "hgctl_performer_ready_seconds_count{trigger=\"create\"}"
        ),
        Some(1.0),
        "{m}"
    );
    assert_eq!(
        value(
            &m,
            "hgctl_performer_ready_seconds_bucket{trigger=\"create\",le=\"+Inf\"}"
        ),
        Some(1.0)
    );
    let took = value(&m, "hgctl_performer_ready_seconds_sum{trigger=\"create\"}").unwrap();
    assert!((0.0..TIMEOUT.as_secs_f64()).contains(&took), "{took}");
    assert_eq!(value(&m, "hgctl_leader"), Some(1.0));
}
