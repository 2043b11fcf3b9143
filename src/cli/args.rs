//! The whole `hgctl` command tree as clap types. Behaviour lives in the
//! sibling modules; this file only says what can be typed.

pub use crate::output::{OutputFormat, ResourceKind};
pub use crate::scaffold::flags::{
    ApplyArgs, ExecutorCreateArgs, PerformerCreateArgs, parse_duration,
};
use std::path::PathBuf;
use std::time::Duration;

use clap::{Args, Parser, Subcommand, ValueEnum};

/// hgctl runs the Hourglass Kubernetes operator (Performers and HourglassExecutors)
/// from your machine or in-cluster.
#[derive(Debug, Parser)]
#[command(
    name = "hgctl",
    version,
    about = "Run the Hourglass Kubernetes operator from outside the cluster",
    long_about = None,
    max_term_width = 100
)]
pub struct Cli {
    #[command(flatten)]
    pub global: GlobalArgs,
    #[command(subcommand)]
    pub command: Command,
}

/// Flags every command accepts, as kubectl names them.
#[derive(Debug, Clone, Args)]
pub struct GlobalArgs {
    /// Path to the kubeconfig file (default: $KUBECONFIG, then ~/.kube/config)
    #[arg(long, global = true, value_name = "FILE")]
    pub kubeconfig: Option<PathBuf>,
    /// Kubeconfig context to use (default: the current context); get, status and doctor
    /// take it more than once and query those clusters together
    #[arg(long, global = true, value_name = "NAME")]
    pub context: Vec<String>,
    /// Namespace (default: the context's namespace, else "default")
    #[arg(short = 'n', long, global = true, value_name = "NS")]
    pub namespace: Option<String>,
    /// Output format (commands accept the subset that makes sense for them)
    #[arg(short = 'o', long, global = true, value_enum, value_name = "FORMAT")]
    pub output: Option<OutputFormat>,
    /// Log verbosity on stderr
    #[arg(long, global = true, value_enum, default_value_t = LogLevel::Warn, value_name = "LEVEL")]
    pub log_level: LogLevel,
}

impl From<&GlobalArgs> for crate::cluster::Target {
    fn from(global: &GlobalArgs) -> Self {
        crate::cluster::Target {
            kubeconfig: global.kubeconfig.clone(),
            // Commands that take one cluster refuse a second --context (cli::run).
            context: global.context.last().cloned(),
            namespace: global.namespace.clone(),
        }
    }
}

/// Log levels of hgctl itself.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum LogLevel {
    Error,
    Warn,
    Info,
    Debug,
    Trace,
}

impl LogLevel {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Error => "error",
            Self::Warn => "warn",
            Self::Info => "info",
            Self::Debug => "debug",
            Self::Trace => "trace",
        }
    }
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Install the CRDs, RBAC and the in-cluster operator
    Install(InstallArgs),
    /// Remove what `hgctl install` created (refuses to delete data unless asked)
    Uninstall(UninstallArgs),
    /// Create, inspect and delete Performers
    #[command(subcommand)]
    Performer(PerformerCommand),
    /// Create, inspect and delete HourglassExecutors
    #[command(subcommand)]
    Executor(ExecutorCommand),
    /// List Performers or HourglassExecutors like `kubectl get`
    Get(GetArgs),
    /// One screen for the whole fleet: executors, performers by phase, a summary
    Status(StatusArgs),
    /// Run the reconcilers on this machine against the current kubeconfig context
    RunLocal(ControllerArgs),
    /// Run the reconcilers in-cluster (the entry point of the operator Deployment)
    Operator(ControllerArgs),
    /// Check the cluster, the installation, the hardware and the workloads
    Doctor(DoctorArgs),
    /// Print both CRDs as a multi-document YAML stream
    Crds,
    /// Print a shell completion script
    Completions(CompletionsArgs),
    /// Print the man page (roff) of hgctl
    #[command(hide = true)]
    Manpage,
    /// Print the version of hgctl (and of the cluster with --server)
    Version(VersionArgs),
    /// Apply a folder of specs as one set (server-side apply; --prune removes what left it)
    Apply(ApplyFolderArgs),
    /// Show what `apply` would change, as a unified diff (exit 1 when something differs)
    Diff(DiffArgs),
    /// Wait until a Performer or HourglassExecutor is ready
    Wait(WaitArgs),
    /// Collect versions, objects, events, logs and doctor's report into a .tar.gz (no secrets)
    SupportBundle(SupportBundleArgs),
    /// Resolve and call gRPC endpoints, one JSON line each (what the pod of `doctor --probe` runs)
    #[command(hide = true)]
    Probe(ProbeArgs),
    /// Terminate TLS and forward to a local port (the sidecar of a Performer with tls.terminate)
    #[command(hide = true)]
    TlsProxy(TlsProxyArgs),
}

#[derive(Debug, Args)]
pub struct TlsProxyArgs {
    /// Address to accept TLS on
    #[arg(long, value_name = "HOST:PORT")]
    pub listen: String,
    /// The performer's plaintext address
    #[arg(long, value_name = "HOST:PORT")]
    pub upstream: String,
    /// PEM certificate (chain)
    #[arg(long, value_name = "FILE")]
    pub cert: PathBuf,
    /// PEM private key
    #[arg(long, value_name = "FILE")]
    pub key: PathBuf,
}

#[derive(Debug, Args)]
pub struct ProbeArgs {
    /// HOST:PORT to resolve and call grpc.health.v1 on, plaintext and TLS
    #[arg(value_name = "HOST:PORT", required = true)]
    pub endpoints: Vec<String>,
    /// Deadline of each step (resolve, connect, each call)
    #[arg(long, value_parser = parse_duration, default_value = "5s", value_name = "DURATION")]
    pub timeout: Duration,
}

/// `--dry-run` of `hgctl apply`, as kubectl spells it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum DryRun {
    None,
    Client,
    Server,
}

#[derive(Debug, Args)]
pub struct ApplyFolderArgs {
    /// File or folder (folders recurse; `-` for stdin); repeatable
    #[arg(short = 'f', long, required = true, value_name = "PATH")]
    pub filename: Vec<String>,
    /// Delete the set's objects that the input no longer has
    #[arg(long)]
    pub prune: bool,
    /// Name of the ApplySet parent Secret (the same as `kubectl apply --applyset=NAME`)
    #[arg(long, default_value = crate::declarative::applyset::DEFAULT_PARENT, value_name = "NAME")]
    pub applyset: String,
    /// Change nothing: `client` validates and says what would happen, `server` asks the API server
    #[arg(long, value_enum, default_value_t = DryRun::None, num_args = 0..=1, default_missing_value = "client", value_name = "MODE")]
    pub dry_run: DryRun,
    /// Wait until every applied Performer and executor is ready
    #[arg(long)]
    pub wait: bool,
    /// How long --wait waits
    #[arg(long, value_parser = parse_duration, default_value = "5m", value_name = "DURATION")]
    pub timeout: Duration,
}

#[derive(Debug, Args)]
pub struct DiffArgs {
    /// File or folder (folders recurse; `-` for stdin); repeatable
    #[arg(short = 'f', long, required = true, value_name = "PATH")]
    pub filename: Vec<String>,
    /// Also show the set's objects that the input no longer has, as removed
    #[arg(long)]
    pub prune: bool,
    /// Name of the ApplySet parent Secret
    #[arg(long, default_value = crate::declarative::applyset::DEFAULT_PARENT, value_name = "NAME")]
    pub applyset: String,
}

/// What `hgctl wait --for` waits for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum WaitFor {
    Ready,
}

#[derive(Debug, Args)]
pub struct WaitArgs {
    /// performer/NAME or executor/NAME (hourglassexecutor/NAME, hge/NAME)
    #[arg(value_name = "KIND/NAME", required = true)]
    pub objects: Vec<String>,
    /// The condition to wait for
    #[arg(long = "for", value_enum, default_value_t = WaitFor::Ready)]
    pub for_: WaitFor,
    /// How long to wait
    #[arg(long, value_parser = parse_duration, default_value = "5m", value_name = "DURATION")]
    pub timeout: Duration,
}

#[derive(Debug, Args)]
pub struct SupportBundleArgs {
    /// Across all namespaces
    #[arg(short = 'A', long)]
    pub all_namespaces: bool,
    /// Where to write the archive (default hgctl-support-<time>.tar.gz)
    #[arg(long = "file", value_name = "FILE.tar.gz")]
    pub file: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct InstallArgs {
    /// Install only the two CRDs
    #[arg(long)]
    pub crds_only: bool,
    /// Operator image (default: a versioned image derived from this hgctl)
    #[arg(long, value_name = "IMAGE")]
    pub image: Option<String>,
    /// Node selector of the operator pod (repeatable)
    #[arg(long, value_name = "KEY=VALUE")]
    pub node_selector: Vec<String>,
    /// Toleration of the operator pod (repeatable)
    #[arg(long, value_name = "KEY[=VALUE]:EFFECT")]
    pub toleration: Vec<String>,
    /// Also a metrics Service for the operator, and a ServiceMonitor and PrometheusRule
    /// (hgctl's alerts) when the cluster serves the Prometheus Operator's CRDs
    #[arg(long, conflicts_with = "crds_only")]
    pub monitoring: bool,
    /// Print every manifest as one YAML stream and change nothing (with --monitoring: the
    /// ServiceMonitor and PrometheusRule too)
    #[arg(long, alias = "export")]
    pub dry_run: bool,
    /// Wait until the CRDs are Established and the operator is Available
    #[arg(long)]
    pub wait: bool,
    /// How long --wait waits
    #[arg(long, value_parser = parse_duration, default_value = "5m", value_name = "DURATION")]
    pub timeout: Duration,
}

#[derive(Debug, Args)]
pub struct UninstallArgs {
    /// Also delete the CRDs when Performers or HourglassExecutors exist (deletes them all)
    #[arg(long)]
    pub delete_data: bool,
    /// Do not ask for confirmation
    #[arg(short = 'y', long)]
    pub yes: bool,
    /// Leave the CRDs (and so every Performer and HourglassExecutor) in place
    #[arg(long)]
    pub keep_crds: bool,
    /// Wait until everything is gone
    #[arg(long)]
    pub wait: bool,
    /// How long --wait waits
    #[arg(long, value_parser = parse_duration, default_value = "5m", value_name = "DURATION")]
    pub timeout: Duration,
}

#[derive(Debug, Subcommand)]
pub enum PerformerCommand {
    /// Scaffold a Performer from flags or a file; print it or apply it
    Create(Box<PerformerCreateArgs>),
    /// List Performers
    Get(KindGetArgs),
    /// Show a Performer, its pod, Service, events and what doctor says
    Describe(NameArgs),
    /// Delete a Performer (its pod and Service go with it)
    Delete(DeleteArgs),
    /// Delete Performers an earlier run of their executor left behind
    Prune(PruneArgs),
}

#[derive(Debug, Args)]
pub struct PruneArgs {
    /// Delete executor-written Performers that are not the newest of their executor and AVS
    #[arg(long, required = true)]
    pub orphans: bool,
    /// Print what would be deleted and change nothing
    #[arg(long)]
    pub dry_run: bool,
    /// Delete without asking
    #[arg(short = 'y', long)]
    pub yes: bool,
    /// How long the newest Performer must have been ready before the older ones go
    #[arg(long, value_parser = parse_duration, default_value = "5m", value_name = "DURATION")]
    pub grace: Duration,
}

#[derive(Debug, Subcommand)]
pub enum ExecutorCommand {
    /// Scaffold an HourglassExecutor and its key Secret; print them or apply them
    Create(Box<ExecutorCreateArgs>),
    /// List HourglassExecutors
    Get(KindGetArgs),
    /// Show an executor, its workload, config and events
    Describe(NameArgs),
    /// Delete an HourglassExecutor
    Delete(DeleteArgs),
}

#[derive(Debug, Args)]
pub struct GetArgs {
    /// What to list
    #[arg(value_enum)]
    pub kind: ResourceKind,
    #[command(flatten)]
    pub get: KindGetArgs,
}

#[derive(Debug, Args)]
pub struct KindGetArgs {
    /// Only this object
    pub name: Option<String>,
    /// List across all namespaces
    #[arg(short = 'A', long)]
    pub all_namespaces: bool,
    /// Label selector, e.g. app=x,tier!=y
    #[arg(short = 'l', long, value_name = "SELECTOR")]
    pub selector: Option<String>,
    /// Keep streaming changes
    #[arg(short = 'w', long)]
    pub watch: bool,
    #[command(flatten)]
    pub fleet: FleetArgs,
}

#[derive(Debug, Args)]
pub struct StatusArgs {
    /// Across all namespaces
    #[arg(short = 'A', long)]
    pub all_namespaces: bool,
    #[command(flatten)]
    pub fleet: FleetArgs,
}

/// Several clusters at once: `--context` more than once, or every context.
#[derive(Debug, Clone, Args)]
pub struct FleetArgs {
    /// Every context of the kubeconfig (all files of $KUBECONFIG), queried concurrently
    #[arg(long)]
    pub all_contexts: bool,
    /// With several contexts: how long one cluster may take before its row says so
    #[arg(long, value_parser = parse_duration, default_value = "10s", value_name = "DURATION")]
    pub context_timeout: Duration,
}

#[derive(Debug, Args)]
pub struct NameArgs {
    /// Name of the object
    pub name: String,
}

#[derive(Debug, Args)]
pub struct DeleteArgs {
    /// Name of the object
    pub name: String,
    /// Wait until it and its children are gone
    #[arg(long)]
    pub wait: bool,
    /// How long --wait waits
    #[arg(long, value_parser = parse_duration, default_value = "2m", value_name = "DURATION")]
    pub timeout: Duration,
}

/// Log line format of the controllers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum LogFormat {
    Text,
    Json,
}

#[derive(Debug, Args)]
pub struct ControllerArgs {
    /// Reconcile in every namespace (default: only --namespace)
    #[arg(short = 'A', long)]
    pub all_namespaces: bool,
    /// Serve Prometheus /metrics here (operator default 127.0.0.1:9464; run-local only when given)
    #[arg(long, value_name = "ADDR")]
    pub metrics_addr: Option<String>,
    /// Serve /healthz and /readyz here (operator default 127.0.0.1:8081; run-local only when given)
    #[arg(long, value_name = "ADDR")]
    pub health_addr: Option<String>,
    /// Log line format
    #[arg(long, value_enum, default_value_t = LogFormat::Text)]
    pub log_format: LogFormat,
    /// Wait for the current lease holder to give up instead of refusing to start
    #[arg(long)]
    pub take_over: bool,
    /// Cluster DNS domain used in gRPC endpoints
    #[arg(long, default_value = "cluster.local", value_name = "DOMAIN")]
    pub cluster_domain: String,
    /// Namespace of the leader-election Lease shared with the in-cluster operator
    #[arg(long, default_value = "hourglass-system", value_name = "NS")]
    pub lease_namespace: String,
    /// Reconciles in flight at once, per controller (each holds one API server connection)
    #[arg(long, default_value_t = 16, value_name = "N", value_parser = clap::value_parser!(u16).range(1..=1024))]
    pub concurrency: u16,
    /// Blue-green rollouts at once per namespace; the others wait their turn, serving (0: no limit)
    #[arg(long, default_value_t = crate::reconcile::rollout::DEFAULT_BUDGET, value_name = "N")]
    pub rollout_budget: usize,
}

/// Severity at which doctor exits non-zero.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum FailOn {
    Error,
    Warning,
}

#[derive(Debug, Args)]
pub struct DoctorArgs {
    /// Check a cluster before install: reachability, version, rights to install
    #[arg(long)]
    pub pre: bool,
    /// Check workloads in every namespace
    #[arg(short = 'A', long)]
    pub all_namespaces: bool,
    /// Only these Performers / HourglassExecutors
    pub names: Vec<String>,
    /// Exit non-zero on warnings too
    #[arg(long, value_enum, default_value_t = FailOn::Error)]
    pub fail_on: FailOn,
    /// Skip a check by its ID (repeatable)
    #[arg(long, value_name = "ID")]
    pub skip: Vec<String>,
    /// Re-run until nothing fails or this time is up (the exit code is the last run's)
    #[arg(long, value_parser = parse_duration, value_name = "DURATION")]
    pub wait: Option<Duration>,
    /// Also call each Performer from a short-lived pod in its namespace: its Service name
    /// resolves, TCP connects, gRPC health answers (plaintext and TLS), with latencies
    #[arg(long)]
    pub probe: bool,
    /// Image of the probe pod, an hgctl image (default: the installed operator's image)
    #[arg(long, value_name = "IMAGE", requires = "probe")]
    pub probe_image: Option<String>,
    /// Node selector of the probe pod, e.g. where the executors run (repeatable)
    #[arg(long, value_name = "KEY=VALUE", requires = "probe")]
    pub probe_node_selector: Vec<String>,
    /// Toleration of the probe pod (repeatable)
    #[arg(long, value_name = "KEY[=VALUE]:EFFECT", requires = "probe")]
    pub probe_toleration: Vec<String>,
    #[command(flatten)]
    pub fleet: FleetArgs,
}

#[derive(Debug, Args)]
pub struct CompletionsArgs {
    /// Shell to generate completions for
    #[arg(value_enum)]
    pub shell: clap_complete::Shell,
}

#[derive(Debug, Args)]
pub struct VersionArgs {
    /// Also ask the cluster for its version
    #[arg(long)]
    pub server: bool,
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn the_command_tree_is_consistent() {
        Cli::command().debug_assert();
    }

    #[test]
    fn durations() {
        assert_eq!(parse_duration("90").unwrap(), Duration::from_secs(90));
        assert_eq!(parse_duration("1m30s").unwrap(), Duration::from_secs(90));
        assert_eq!(parse_duration("2h").unwrap(), Duration::from_secs(7200));
        assert!(parse_duration("5").is_ok());
        assert!(parse_duration("5x").is_err());
        assert!(parse_duration("m").is_err());
        assert!(parse_duration("10s5").is_err());
        assert!(parse_duration("").is_err());
    }

    #[test]
    fn get_accepts_kubectl_style_kind_names() {
        for kind in ["performers", "performer", "perf"] {
            let cli = Cli::try_parse_from(["hgctl", "get", kind]).unwrap();
            assert!(matches!(
                cli.command,
                Command::Get(GetArgs {
                    kind: ResourceKind::Performers,
                    ..
                })
            ));
        }
        let cli = Cli::try_parse_from(["hgctl", "get", "hge", "-A", "-o", "wide"]).unwrap();
        assert_eq!(cli.global.output, Some(OutputFormat::Wide));
        assert!(matches!(
            cli.command,
            Command::Get(GetArgs {
                kind: ResourceKind::Executors,
                ..
            })
        ));
    }
}
