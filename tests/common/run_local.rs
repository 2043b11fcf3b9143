//! `hgctl run-local` as a child process of a test, with its leader Lease in
//! the test's own namespace so parallel tests do not compete for it.

use std::path::Path;
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
        Self::start_with_kubeconfig(ns, &cluster::kubeconfig_path(), extra)
    }

    /// Same, against the cluster and user of another kubeconfig (a private cluster, or a
    /// namespaced ServiceAccount).
    pub fn start_with_kubeconfig(ns: &str, kubeconfig: &Path, extra: &[&str]) -> RunLocal {
        Self::spawn(ns, ns, kubeconfig, extra, Stdio::null())
    }

    /// Same, its output appended to `log` (a private cluster keeps it with its own logs).
    pub fn start_logged(ns: &str, kubeconfig: &Path, log: &Path) -> RunLocal {
        Self::start_logged_leased(ns, ns, kubeconfig, log)
    }

    /// Same, its leader Lease in `lease_ns` (a test that deletes `ns` keeps the lease).
    pub fn start_logged_leased(
        ns: &str,
        lease_ns: &str,
        kubeconfig: &Path,
        log: &Path,
    ) -> RunLocal {
        let file = std::fs::OpenOptions::new()
            .append(true)
            .create(true)
            .open(log)
            .expect("opening the run-local log");
        Self::spawn(ns, lease_ns, kubeconfig, &[], Stdio::from(file))
    }

    /// `stderr`: where its log goes (stdout only repeats the startup lines).
    fn spawn(
        ns: &str,
        lease_ns: &str,
        kubeconfig: &Path,
        extra: &[&str],
        stderr: Stdio,
    ) -> RunLocal {
        let child = Command::new(env!("CARGO_BIN_EXE_hgctl"))
            .args(["run-local", "-n", ns, "--lease-namespace", lease_ns])
            .args(extra)
            .arg("--kubeconfig")
            .arg(kubeconfig)
            .args(["--log-level", "info"])
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(stderr)
            .spawn()
            .expect("starting hgctl run-local");
        RunLocal { child }
    }

    /// Waits out a "nothing changes" window of `secs` seconds and proves the controller
    /// was alive throughout: the process still runs and its leader Lease in `ns` was
    /// renewed during the window (a quiet cluster is otherwise indistinguishable from a
    /// dead controller).
    pub async fn quiet_window(&mut self, ns: &str, secs: u64) {
        let renewed = || async {
            let leases: kube::Api<k8s_openapi::api::coordination::v1::Lease> =
                kube::Api::namespaced(cluster::client().await, ns);
            leases
                .get(hgctl::reconcile::lease::LEASE_NAME)
                .await
                .expect("run-local's lease")
                .spec
                .and_then(|s| s.renew_time)
                .map(|t| t.0)
        };
        let before = renewed().await;
        tokio::time::sleep(std::time::Duration::from_secs(secs)).await;
        assert!(
            self.child.try_wait().expect("run-local status").is_none(),
            "run-local exited during the quiet window"
        );
        let after = renewed().await;
        assert!(
            after.is_some() && after > before,
            "run-local's lease was not renewed during the quiet window ({before:?} -> {after:?})"
        );
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

/// Server-side applies both CRDs (shared by every test; never deleted) and waits until
/// they are Established.
pub async fn install_crds() {
    install_crds_on(&cluster::client().await).await;
}

/// [`install_crds`] on any cluster (e.g. a private one a fault test starts).
pub async fn install_crds_on(client: &kube::Client) {
    use hgctl::api;
    use k8s_openapi::apiextensions_apiserver::pkg::apis::apiextensions::v1::CustomResourceDefinition;
    use kube::api::{Api, Patch, PatchParams};
    use serde_json::json;

    let crds: Api<CustomResourceDefinition> = Api::all(client.clone());
    for crd in api::crds() {
        let name = crd.metadata.name.clone().unwrap();
        let mut body = serde_json::to_value(&crd).unwrap();
        body["apiVersion"] = json!("apiextensions.k8s.io/v1");
        body["kind"] = json!("CustomResourceDefinition");
        crds.patch(
            &name,
            &PatchParams::apply("hgctl-test").force(),
            &Patch::Apply(&body),
        )
        .await
        .unwrap();
        cluster::wait_for(
            std::time::Duration::from_secs(60),
            format!("CRD {name} Established"),
            || async {
                let crd = crds.get(&name).await.map_err(|e| e.to_string())?;
                let established = crd
                    .status
                    .and_then(|s| s.conditions)
                    .unwrap_or_default()
                    .iter()
                    .any(|c| c.type_ == "Established" && c.status == "True");
                established.then_some(()).ok_or("not yet".to_string())
            },
        )
        .await;
    }
}
