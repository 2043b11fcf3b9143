//! `hgctl probe` (what the pod of `doctor --probe` runs) against the test performer of
//! `tests/images` on this machine: plaintext and TLS on one port, TLS only, nothing listening,
//! a name that does not resolve. Go is required (the performer is built by
//! `tests/images/build.sh`, cached): these tests fail, never skip, without it.

use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use hgctl::doctor::probe::{Attempt, ProbeReport};

/// A `performer serve` child, killed when dropped.
struct Performer(Child);

impl Drop for Performer {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn performer_binary(dir: &Path) -> PathBuf {
    let build = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/images/build.sh");
    let out = Command::new(build)
        .arg(dir)
        .output()
        .expect("running tests/images/build.sh");
    assert!(
        out.status.success(),
        "tests/images/build.sh failed (Go is required): {}",
        String::from_utf8_lossy(&out.stderr)
    );
    dir.join("performer")
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// Starts `performer serve` on `port` with `env`, and waits until the port accepts.
fn serve(binary: &Path, port: u16, env: &[(&str, String)]) -> Performer {
    let child = Command::new(binary)
        .arg("serve")
        .env("GRPC_PORT", port.to_string())
        .envs(env.iter().map(|(k, v)| (*k, v.as_str())))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("starting the test performer");
    let performer = Performer(child);
    let deadline = Instant::now() + Duration::from_secs(20);
    while TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(
            Instant::now() < deadline,
            "the performer never listened on {port}"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    performer
}

fn probe(endpoints: &[&str]) -> Vec<ProbeReport> {
    let out = Command::new(env!("CARGO_BIN_EXE_hgctl"))
        .arg("probe")
        .args(endpoints)
        .args(["--timeout", "3s"])
        .output()
        .expect("running hgctl probe");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{stdout}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let reports = hgctl::doctor::probe::parse_reports(&stdout);
    assert_eq!(reports.len(), endpoints.len(), "{stdout}");
    reports
}

fn status(a: &Attempt) -> Option<&str> {
    a.answered().map(|(s, _)| s)
}

#[test]
fn probe_tells_plaintext_tls_and_both_apart_and_names_where_a_call_stops() {
    let dir = tempfile::tempdir().unwrap();
    let binary = performer_binary(dir.path());
    let pki = dir.path().join("pki");
    let out = Command::new(&binary)
        .arg("pki")
        .arg(&pki)
        .arg("localhost")
        .output()
        .unwrap();
    assert!(out.status.success(), "{out:?}");
    let tls_env = |only: bool| {
        vec![
            (
                "PERFORMER_TLS_CERT_FILE",
                pki.join("tls.crt").display().to_string(),
            ),
            (
                "PERFORMER_TLS_KEY_FILE",
                pki.join("tls.key").display().to_string(),
            ),
            ("PERFORMER_TLS_ONLY", only.to_string()),
        ]
    };
    let (plain, both, tls_only, closed) = (free_port(), free_port(), free_port(), free_port());
    let _a = serve(&binary, plain, &[]);
    let _b = serve(&binary, both, &tls_env(false));
    let _c = serve(&binary, tls_only, &tls_env(true));

    let endpoints = [
        format!("localhost:{plain}"),
        format!("localhost:{both}"),
        format!("localhost:{tls_only}"),
        format!("localhost:{closed}"),
        "no-such-host.invalid:8080".to_string(),
    ];
    let refs: Vec<&str> = endpoints.iter().map(String::as_str).collect();
    let r = probe(&refs);

    // Plaintext only, as performers on the upstream SDK serve.
    assert_eq!(status(&r[0].plaintext), Some("SERVING"), "{:?}", r[0]);
    assert!(matches!(r[0].tls, Attempt::Failed { .. }), "{:?}", r[0].tls);
    assert!(
        r[0].addresses.iter().any(|a| a == "127.0.0.1"),
        "{:?}",
        r[0]
    );
    // Both on one port.
    assert_eq!(status(&r[1].plaintext), Some("SERVING"), "{:?}", r[1]);
    assert_eq!(status(&r[1].tls), Some("SERVING"), "{:?}", r[1]);
    // TLS only.
    assert!(
        matches!(r[2].plaintext, Attempt::Failed { .. }),
        "{:?}",
        r[2]
    );
    assert_eq!(status(&r[2].tls), Some("SERVING"), "{:?}", r[2]);
    // Nothing listening: stops at connect.
    let refused = r[3].connect_error.as_deref().unwrap_or_default();
    assert!(refused.contains("refused"), "{:?}", r[3]);
    assert_eq!(r[3].plaintext, Attempt::NotTried);
    // A name that does not resolve: stops at DNS.
    assert!(r[4].dns_error.is_some(), "{:?}", r[4]);
    assert!(r[4].addresses.is_empty() && r[4].connect_error.is_none());
}
