//! A cluster of the test's own: `tests/cluster/up.sh` with its own state directory and
//! ports (kwok nodes only), stopped by `down.sh` when dropped. For tests that break the
//! control plane (e2e_faults) or need a second cluster (e2e_fleet).

use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use kube::Client;

use super::cluster::{self, wait_for};
use super::run_local::RunLocal;

const READYZ_TIMEOUT: Duration = Duration::from_secs(90);

/// A cluster of its own started by `tests/cluster/up.sh` with its own state directory and
/// ports; `tests/cluster/down.sh` stops it when dropped (also when the test panics).
pub struct PrivateCluster {
    pub state: PathBuf,
    pub env: Vec<(&'static str, String)>,
}

/// The first port the kernel hands out as a source port (`ip_local_port_range`).
fn ephemeral_low() -> u16 {
    std::fs::read_to_string("/proc/sys/net/ipv4/ip_local_port_range")
        .ok()
        .and_then(|r| r.split_whitespace().next()?.parse().ok())
        .unwrap_or(32768)
}

/// `count` consecutive free TCP ports on 127.0.0.1, BELOW the ephemeral range. A component the
/// test kills must get its port back when it is restarted: a port from the ephemeral range can
/// meanwhile become the source port of some outgoing connection (a client retrying against the
/// dead server even connects to itself), and the restarted kube-apiserver then exits with
/// "bind: address already in use". The kernel never picks a source port below the range.
pub fn free_ports(count: u16) -> u16 {
    use std::hash::{BuildHasher, Hasher};
    let high = ephemeral_low();
    let low = 20000.min(high / 2);
    for _ in 0..1000 {
        let mut h = std::collections::hash_map::RandomState::new().build_hasher();
        h.write_u32(std::process::id());
        let first = low + (h.finish() % u64::from(high - low - count)) as u16;
        let free = (first..first + count)
            .all(|port| std::net::TcpListener::bind(("127.0.0.1", port)).is_ok());
        if free {
            return first;
        }
    }
    panic!("no {count} consecutive free ports on 127.0.0.1 in {low}..{high}");
}

impl PrivateCluster {
    pub fn start(tag: &str) -> PrivateCluster {
        let state = PathBuf::from(format!("/tmp/hgctl-private-{tag}-{}", std::process::id()));
        let ports = free_ports(5);
        let env = vec![
            ("HGCTL_CLUSTER_STATE", state.to_string_lossy().into_owned()),
            // etcd's peer port is the client port + 1.
            ("HGCTL_CLUSTER_ETCD_PORT", ports.to_string()),
            ("HGCTL_CLUSTER_APISERVER_PORT", (ports + 2).to_string()),
            ("HGCTL_CLUSTER_KCM_PORT", (ports + 3).to_string()),
            ("HGCTL_CLUSTER_SCHEDULER_PORT", (ports + 4).to_string()),
            // kwok nodes only: the machine's one real node belongs to the shared cluster.
            ("HGCTL_REAL_NODE", "0".to_string()),
        ];
        // From here on the guard exists: a failed start is cleaned up too.
        let cluster = PrivateCluster { state, env };
        let out = cluster
            .script("up.sh")
            .stdin(Stdio::null())
            .output()
            .expect("running tests/cluster/up.sh");
        assert!(
            out.status.success(),
            "private cluster did not start: {}\n{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        eprintln!("{}", String::from_utf8_lossy(&out.stdout).trim());
        cluster
    }

    pub fn script(&self, name: &str) -> Command {
        let mut cmd = Command::new(cluster::cluster_dir().join(name));
        for (k, v) in &self.env {
            cmd.env(k, v);
        }
        cmd
    }

    pub fn kubeconfig(&self) -> PathBuf {
        self.state.join("kubeconfig")
    }

    pub async fn client(&self) -> Client {
        cluster::client_for(&self.kubeconfig()).await
    }

    /// run-local reconciling `ns` of this cluster, its log kept with the component logs.
    pub fn run_local(&self, ns: &str) -> RunLocal {
        RunLocal::start_logged(
            ns,
            &self.kubeconfig(),
            &self.state.join("logs").join("run-local.log"),
        )
    }

    pub fn pid_file(&self, component: &str) -> PathBuf {
        self.state.join("pids").join(format!("{component}.pid"))
    }

    pub fn pid(&self, component: &str) -> u32 {
        std::fs::read_to_string(self.pid_file(component))
            .unwrap()
            .trim()
            .parse()
            .unwrap()
    }

    /// SIGKILLs `component` and respawns it with exactly the same command line, detached like
    /// up.sh does (own session, log appended to `STATE/logs/<component>.log`), recording the new
    /// pid so down.sh stops it. Returns once the old process is gone and the new one started.
    pub fn kill_and_restart(&self, component: &str) {
        let argv = self.kill(component);
        self.respawn(component, &argv);
    }

    /// SIGKILLs `component` and waits until it is gone; returns its command line.
    pub fn kill(&self, component: &str) -> Vec<String> {
        let old = self.pid(component);
        let argv = self.cmdline(component);
        assert!(
            argv[0].ends_with(component),
            "pid {old} runs {argv:?}, not {component}"
        );
        let rc = Command::new("kill")
            .args(["-KILL", &old.to_string()])
            .status()
            .unwrap();
        assert!(rc.success(), "kill -KILL {old} failed");
        let deadline = Instant::now() + Duration::from_secs(30);
        while process_alive(old) {
            assert!(
                Instant::now() < deadline,
                "{component} ({old}) survived SIGKILL"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
        argv
    }

    /// The child is deliberately not waited for: it outlives the test until down.sh stops it.
    #[allow(clippy::zombie_processes)]
    pub fn respawn(&self, component: &str, argv: &[String]) {
        let log = std::fs::OpenOptions::new()
            .append(true)
            .create(true)
            .open(self.state.join("logs").join(format!("{component}.log")))
            .unwrap();
        let child = Command::new("setsid")
            .args(argv)
            .stdin(Stdio::null())
            .stdout(log.try_clone().unwrap())
            .stderr(log)
            .spawn()
            .unwrap_or_else(|e| panic!("restarting {component}: {e}"));
        // `setsid` execs the program in place (the child is no group leader): same pid.
        std::fs::write(self.pid_file(component), format!("{}\n", child.id())).unwrap();
    }

    /// The command line a component currently runs with.
    pub fn cmdline(&self, component: &str) -> Vec<String> {
        let pid = self.pid(component);
        std::fs::read(format!("/proc/{pid}/cmdline"))
            .unwrap()
            .split(|b| *b == 0)
            .filter(|a| !a.is_empty())
            .map(|a| String::from_utf8(a.to_vec()).unwrap())
            .collect()
    }

    /// Waits for `/readyz`; fails at once, with the end of its log, if a component the test
    /// restarted has exited meanwhile.
    pub async fn wait_readyz(&self, client: &Client) {
        wait_for(READYZ_TIMEOUT, "kube-apiserver /readyz", || async {
            for component in ["etcd", "kube-apiserver"] {
                let pid = self.pid(component);
                if !process_alive(pid) {
                    let log = std::fs::read_to_string(
                        self.state.join("logs").join(format!("{component}.log")),
                    )
                    .unwrap_or_default();
                    let tail: Vec<&str> = log.lines().rev().take(5).collect();
                    panic!("{component} ({pid}) exited; its log ends with {tail:#?}");
                }
            }
            let req = http::Request::get("/readyz").body(Vec::new()).unwrap();
            client.request_text(req).await.map(|_| ())
        })
        .await;
    }
}

impl Drop for PrivateCluster {
    /// After a failure the component logs (and run-local's) are kept in `STATE-logs.<time>/`;
    /// after every run with `HGCTL_FAULTS_KEEP_LOGS=1`.
    fn drop(&mut self) {
        let mut down = self.script("down.sh");
        if std::thread::panicking() || std::env::var_os("HGCTL_FAULTS_KEEP_LOGS").is_some() {
            down.arg("--keep-logs");
        }
        match down.stdin(Stdio::null()).output() {
            Ok(out) if out.status.success() => {
                let said = String::from_utf8_lossy(&out.stderr);
                if let Some(line) = said.lines().find(|l| l.contains("kept logs")) {
                    eprintln!("{line}");
                }
            }
            Ok(out) => eprintln!(
                "warning: down.sh for {} failed: {}",
                self.state.display(),
                String::from_utf8_lossy(&out.stderr)
            ),
            Err(e) => eprintln!("warning: cannot run down.sh: {e}"),
        }
    }
}

/// Some thread of the process has not exited yet. The main thread of a SIGKILLed Go program
/// turns zombie while its other threads are still exiting, and the open files (the listening
/// socket among them) are closed only when the last thread is gone: a restart that trusted the
/// main thread's state alone failed with "bind: address already in use".
pub fn process_alive(pid: u32) -> bool {
    let Ok(tasks) = std::fs::read_dir(format!("/proc/{pid}/task")) else {
        return false;
    };
    tasks.flatten().any(|task| {
        std::fs::read_to_string(task.path().join("stat")).is_ok_and(|stat| {
            !stat
                .rsplit_once(')')
                .is_some_and(|(_, rest)| rest.trim_start().starts_with('Z'))
        })
    })
}
