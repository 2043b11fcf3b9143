//! The Go programs of the real-node test images (`tests/images`): their unit tests, and the
//! generated performer API code matching its `.proto`. Go and protoc (apt `protobuf-compiler`)
//! are required: these tests fail, never skip, without them.

use std::path::Path;
use std::process::Command;

fn images_dir() -> &'static Path {
    Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/images"))
}

fn run(cmd: &mut Command, what: &str) {
    let out = cmd
        .current_dir(images_dir())
        .output()
        .unwrap_or_else(|e| panic!("running {what}: {e}"));
    assert!(
        out.status.success(),
        "{what} failed:\n{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn go_unit_tests_pass() {
    run(
        Command::new("go")
            .args(["test", "./..."])
            .env("GOWORK", "off")
            .env("GOTOOLCHAIN", "local")
            .env("GOFLAGS", "-mod=readonly"),
        "`go test ./...` in tests/images (Go is required)",
    );
}

#[test]
fn go_sources_are_gofmt_clean() {
    let out = Command::new("gofmt")
        .args(["-l", ".", "../executor-compat"])
        .current_dir(images_dir())
        .output()
        .expect("running gofmt (Go is required)");
    let unformatted = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success() && unformatted.trim().is_empty(),
        "run `gofmt -w` on:\n{unformatted}{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn generated_performer_api_matches_the_proto() {
    assert!(
        Command::new("protoc").arg("--version").output().is_ok(),
        "protoc is required: apt-get install protobuf-compiler"
    );
    run(
        Command::new("./gen.sh").arg("--check"),
        "tests/images/gen.sh --check",
    );
}
