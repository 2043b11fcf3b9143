//! `hgctl run-local` as a child process of a test, with its leader Lease in
//! the test's own namespace so parallel tests do not compete for it.

use std::process::{Child, Command, Stdio};

use super::cluster;

/// A running `hgctl run-local`, killed when dropped.
pub struct RunLocal {
    pub child: Child,
}

impl RunLocal {
    /// Reconciles namespace `ns`, lease in `ns`.
    pub fn start(ns: &str) -> RunLocal {
        Self::start_with(ns, &[])
    }

    /// Same, with extra arguments (e.g. `--take-over`).
    pub fn start_with(ns: &str, extra: &[&str]) -> RunLocal {
        let child = Command::new(env!("CARGO_BIN_EXE_hgctl"))
            .args(["run-local", "-n", ns, "--lease-namespace", ns])
            .args(extra)
            .arg("--kubeconfig")
            .arg(cluster::kubeconfig_path())
            .args(["--log-level", "info"])
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("starting hgctl run-local");
        RunLocal { child }
    }

    /// Stops it at once (SIGKILL), as a crash would.
    pub fn kill(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for RunLocal {
    fn drop(&mut self) {
        self.kill();
    }
}
