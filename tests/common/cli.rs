//! Running the hgctl binary against the test cluster, stdin closed (it never prompts).

use std::path::Path;
use std::process::{Command, Output, Stdio};

use super::cluster;

/// `hgctl ARGS -n NS --kubeconfig <test cluster>`.
pub fn hgctl(ns: &str, args: &[&str]) -> Output {
    hgctl_in_dir(ns, args, Path::new("."))
}

/// [`hgctl`] run from `dir` (relative paths in `args` resolve there).
pub fn hgctl_in_dir(ns: &str, args: &[&str], dir: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_hgctl"))
        .args(args)
        .args(["-n", ns, "--kubeconfig"])
        .arg(cluster::kubeconfig_path())
        .current_dir(dir)
        .stdin(Stdio::null())
        .output()
        .expect("running hgctl")
}

/// stdout and stderr as text.
pub fn text(out: &Output) -> (String, String) {
    (
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}
