//! hgctl's alert rules proven with promtool (built from the Go module proxy by
//! tests/monitoring/build.sh, cached): `promtool check rules` on the rules hgctl installs,
//! and `promtool test rules` with tests/monitoring/alerts_test.yaml (every alert, series in,
//! alert out, including before its `for` is over and the cases that must not fire).

use std::path::{Path, PathBuf};
use std::process::Command;

/// promtool's path, building it on first use. A failed build fails the test: never skipped.
fn promtool() -> PathBuf {
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/monitoring/build.sh");
    let out = Command::new(&script)
        .output()
        .expect("running tests/monitoring/build.sh");
    assert!(
        out.status.success(),
        "tests/monitoring/build.sh failed (it needs Go and the Go module proxy):\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    PathBuf::from(String::from_utf8_lossy(&out.stdout).trim())
}

fn run(cmd: &mut Command) -> String {
    let out = cmd.output().expect("running promtool");
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(out.status.success(), "{cmd:?} failed:\n{text}");
    text
}

#[test]
fn promtool_checks_and_tests_every_alert() {
    let promtool = promtool();
    let dir = std::env::temp_dir().join(format!("hgctl-promtool-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let rules = dir.join("hgctl-rules.yaml");
    std::fs::write(&rules, hgctl::install::monitoring::rule_file().unwrap()).unwrap();
    let tests = dir.join("alerts_test.yaml");
    let source = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/monitoring/alerts_test.yaml");
    std::fs::copy(&source, &tests).unwrap();

    let checked = run(Command::new(&promtool).args(["check", "rules"]).arg(&rules));
    let alerts = hgctl::install::monitoring::ALERTS.len();
    assert!(
        checked.contains(&format!("SUCCESS: {alerts} rules found")),
        "{checked}"
    );

    // Every alert has a test that expects it to fire.
    let test_text = std::fs::read_to_string(&source).unwrap();
    for alert in hgctl::install::monitoring::ALERTS {
        assert!(
            test_text.contains(&format!("alertname: {}", alert.name)),
            "tests/monitoring/alerts_test.yaml has no test of {}",
            alert.name
        );
    }
    let tested = run(Command::new(&promtool).args(["test", "rules"]).arg(&tests));
    assert!(tested.contains("SUCCESS"), "{tested}");
    let _ = std::fs::remove_dir_all(&dir);
}
