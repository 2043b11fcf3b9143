//! What the two `create` commands accept, as typed flags: the scaffolder's input. The
//! command tree in `cli::args` embeds them; they live here so that the scaffolder, a
//! pure module, does not depend on the command line module.

use std::path::PathBuf;
use std::time::Duration;

use clap::Args;

/// Flags shared by the two `create` commands.
#[derive(Debug, Clone, Args)]
pub struct ApplyArgs {
    /// Print the objects and change nothing
    #[arg(long)]
    pub dry_run: bool,
    /// Never prompt; fail naming the missing flags instead
    #[arg(short = 'y', long, alias = "non-interactive")]
    pub yes: bool,
    /// Wait until the object is ready
    #[arg(long)]
    pub wait: bool,
    /// How long --wait waits
    #[arg(long, value_parser = parse_duration, default_value = "5m", value_name = "DURATION")]
    pub timeout: Duration,
}

#[derive(Debug, Args)]
// The file describes the object: every flag that also would is refused next to -f.
#[command(group(clap::ArgGroup::new("spec").multiple(true).conflicts_with("filename")))]
pub struct PerformerCreateArgs {
    /// Name of the Performer (its Service is performer-NAME)
    #[arg(group = "spec")]
    pub name: Option<String>,
    /// Read the Performer from a YAML file (`-` for stdin) instead of flags
    #[arg(short = 'f', long, value_name = "FILE")]
    pub filename: Option<String>,
    /// Container image
    #[arg(group = "spec", long, value_name = "IMAGE")]
    pub image: Option<String>,
    /// AVS address (0x + 40 hex digits)
    #[arg(group = "spec", long, value_name = "ADDRESS")]
    pub avs: Option<String>,
    /// Informational version; a change rolls the pod
    #[arg(group = "spec", long, value_name = "VERSION")]
    pub version: Option<String>,
    /// gRPC port of the performer (default 9090)
    #[arg(group = "spec", long, value_name = "PORT")]
    pub grpc_port: Option<i32>,
    /// Environment variable (repeatable)
    #[arg(group = "spec", long = "env", value_name = "K=V")]
    pub env: Vec<String>,
    /// Environment variable from a Secret key (repeatable)
    #[arg(group = "spec", long = "env-from-secret", value_name = "K=SECRET/KEY")]
    pub env_from_secret: Vec<String>,
    /// GPU model (a100, h100, l4 ...), optionally a MIG slice (a100:mig-1g.10gb) and :COUNT
    #[arg(group = "spec", long, value_name = "MODEL[:mig-PROFILE][:COUNT]", value_parser = TableNames(TableColumn::GpuModels))]
    pub gpu: Option<String>,
    /// A time-sliced (shared) GPU is acceptable: nvidia.com/gpu.shared
    #[arg(group = "spec", long)]
    pub gpu_shared: bool,
    /// How the cluster advertises MIG slices (default single; GKE is single)
    #[arg(group = "spec", long, value_name = "STRATEGY", value_parser = ["single", "mixed"])]
    pub mig_strategy: Option<String>,
    /// How the GPUs are allocated: the device plugin's nvidia.com/gpu (default) or DRA (a
    /// ResourceClaimTemplate for the NVIDIA DRA driver)
    #[arg(group = "spec", long, value_name = "ROUTE", value_parser = ["device-plugin", "dra"])]
    pub gpu_allocation: Option<String>,
    /// DeviceClass of a DRA GPU request (default gpu.nvidia.com)
    #[arg(group = "spec", long, value_name = "NAME")]
    pub device_class: Option<String>,
    /// Number of GPUs (default 1)
    #[arg(group = "spec", long, value_name = "N")]
    pub gpu_count: Option<i32>,
    /// Trusted Execution Environment (sgx, tdx, sev-snp, sev)
    #[arg(group = "spec", long, value_name = "TYPE", value_parser = TableNames(TableColumn::TeeTypes))]
    pub tee: Option<String>,
    /// How the TEE is reached: a Kata runtime class, or a node that is a confidential VM
    #[arg(group = "spec", long, value_name = "MODE", value_parser = ["runtime-class", "node"])]
    pub tee_mode: Option<String>,
    /// SGX through Intel's webhook: annotate the pod with this quote provider (e.g. aesmd)
    #[arg(group = "spec", long, value_name = "NAME")]
    pub sgx_quote_provider: Option<String>,
    /// RuntimeClass for the pod
    #[arg(group = "spec", long, value_name = "NAME")]
    pub runtime_class: Option<String>,
    /// Node label the pod requires (repeatable)
    #[arg(group = "spec", long = "node-selector", value_name = "K=V")]
    pub node_selector: Vec<String>,
    /// Toleration (repeatable)
    #[arg(group = "spec", long = "toleration", value_name = "KEY[=VALUE]:EFFECT")]
    pub toleration: Vec<String>,
    /// CPU request and limit
    #[arg(group = "spec", long, value_name = "QUANTITY")]
    pub cpu: Option<String>,
    /// Memory request and limit
    #[arg(group = "spec", long, value_name = "QUANTITY")]
    pub memory: Option<String>,
    /// Requests, e.g. cpu=500m,memory=1Gi
    #[arg(group = "spec", long, value_name = "R=Q,...")]
    pub requests: Option<String>,
    /// Limits, e.g. cpu=2,memory=4Gi
    #[arg(group = "spec", long, value_name = "R=Q,...")]
    pub limits: Option<String>,
    /// PriorityClass for the pod
    #[arg(group = "spec", long, value_name = "NAME")]
    pub priority_class: Option<String>,
    /// ServiceAccount the pod runs as
    #[arg(group = "spec", long, value_name = "NAME")]
    pub service_account: Option<String>,
    /// Label on the Performer (repeatable)
    #[arg(group = "spec", long = "label", value_name = "K=V")]
    pub label: Vec<String>,
    /// Check which nodes could run it and why the others cannot
    #[arg(long)]
    pub check: bool,
    #[command(flatten)]
    pub apply: ApplyArgs,
}

#[derive(Debug, Args)]
// The file describes the object: every flag that also would is refused next to -f.
#[command(group(clap::ArgGroup::new("spec").multiple(true).conflicts_with("filename")))]
pub struct ExecutorCreateArgs {
    /// Name of the HourglassExecutor
    #[arg(group = "spec")]
    pub name: Option<String>,
    /// Read the executor from a YAML file (`-` for stdin) instead of flags
    #[arg(short = 'f', long, value_name = "FILE")]
    pub filename: Option<String>,
    /// Executor image
    #[arg(group = "spec", long, value_name = "IMAGE")]
    pub image: Option<String>,
    /// Operator address (0x + 40 hex digits)
    #[arg(group = "spec", long, value_name = "ADDRESS")]
    pub operator_address: Option<String>,
    /// Replicas (one per operator identity is recommended)
    #[arg(group = "spec", long, value_name = "N")]
    pub replicas: Option<i32>,
    /// Executor log level (debug, info, warn, error); `--log-level` is hgctl's own
    #[arg(group = "spec", long, value_name = "LEVEL")]
    pub executor_log_level: Option<String>,
    /// Chain (repeatable)
    #[arg(
        group = "spec",
        long = "chain",
        value_name = "NAME=CHAIN_ID,RPC_URL[,MAILBOX]"
    )]
    pub chain: Vec<String>,
    /// Which chain is the L1 (default: the one with a known L1 chain id)
    #[arg(group = "spec", long, value_name = "NAME")]
    pub l1_chain: Option<String>,
    /// Aggregator endpoint (seed field; not read by the executor)
    #[arg(group = "spec", long, value_name = "HOST:PORT")]
    pub aggregator: Option<String>,
    /// AVS performer the executor runs (repeatable)
    #[arg(group = "spec", long = "avs", value_name = "0x...=IMAGE")]
    pub avs: Vec<String>,
    /// State storage
    #[arg(group = "spec", long, value_name = "memory|badger[:SIZE]")]
    pub storage: Option<String>,
    /// Task gRPC port (default 9000)
    #[arg(group = "spec", long, value_name = "PORT")]
    pub grpc_port: Option<i32>,
    /// Management gRPC port (default 9001)
    #[arg(group = "spec", long, value_name = "PORT")]
    pub management_port: Option<i32>,
    /// File with the hex transaction private key
    #[arg(group = "spec", long, value_name = "FILE")]
    pub operator_key_file: Option<PathBuf>,
    /// File with the hex ECDSA signing key
    #[arg(group = "spec", long, value_name = "FILE")]
    pub ecdsa_key_file: Option<PathBuf>,
    /// EIP-2335 BLS keystore JSON
    #[arg(group = "spec", long, value_name = "FILE")]
    pub bls_keystore: Option<PathBuf>,
    /// File with the BLS keystore password
    #[arg(group = "spec", long, value_name = "FILE")]
    pub bls_password_file: Option<PathBuf>,
    /// Use an existing Secret with the keys instead of key files
    #[arg(group = "spec", long, value_name = "NAME")]
    pub keys_secret: Option<String>,
    /// Let only this executor's pods reach the performers' gRPC port (a NetworkPolicy
    /// NAME-performers; every other ingress to performer pods is then denied)
    #[arg(group = "spec", long)]
    pub network_policy: bool,
    /// Container command for a custom image, one item per flag (default: executor)
    #[arg(
        group = "spec",
        long = "command",
        value_name = "ARG",
        allow_hyphen_values = true
    )]
    pub command: Vec<String>,
    /// Container args for a custom image, one item per flag (default: run --config FILE)
    #[arg(
        group = "spec",
        long = "arg",
        value_name = "ARG",
        allow_hyphen_values = true
    )]
    pub args: Vec<String>,
    /// TaskMailbox contract JSON (address and ABI) for an L1 the executor has none for
    #[arg(group = "spec", long, value_name = "FILE")]
    pub task_mailbox_contract: Option<PathBuf>,
    /// Chain ids the TaskMailbox contract applies to (default: the L1 chain's)
    #[arg(group = "spec", long, value_name = "ID,...", value_delimiter = ',')]
    pub task_mailbox_chain_ids: Vec<i64>,
    /// Contract table JSON replacing the executor's built-in one
    #[arg(group = "spec", long, value_name = "FILE")]
    pub contracts_file: Option<PathBuf>,
    /// URL of a remote signer (Web3Signer, KMS proxy) holding the keys below
    #[arg(group = "spec", long, value_name = "URL")]
    pub remote_signer_url: Option<String>,
    /// Secret with the remote signer's TLS material (ca.crt, tls.crt, tls.key)
    #[arg(group = "spec", long, value_name = "NAME")]
    pub remote_signer_tls_secret: Option<String>,
    /// The transaction key is the remote signer's
    #[arg(group = "spec", long, value_name = "FROM_ADDRESS,PUBLIC_KEY")]
    pub remote_operator_key: Option<String>,
    /// The ECDSA signing key is the remote signer's
    #[arg(group = "spec", long, value_name = "FROM_ADDRESS,PUBLIC_KEY")]
    pub remote_signing_key: Option<String>,
    /// Type of the executor's Service (the aggregator dials its task port)
    #[arg(group = "spec", long, value_name = "ClusterIP|NodePort|LoadBalancer")]
    pub service_type: Option<String>,
    /// Annotation of the executor's Service (repeatable)
    #[arg(group = "spec", long = "service-annotation", value_name = "KEY=VALUE")]
    pub service_annotation: Vec<String>,
    /// externalTrafficPolicy of a NodePort or LoadBalancer Service
    #[arg(group = "spec", long, value_name = "Cluster|Local")]
    pub external_traffic_policy: Option<String>,
    #[command(flatten)]
    pub apply: ApplyArgs,
}

/// Parses `90s`, `5m`, `1h`, `1m30s` or a bare number of seconds.
/// Which names of the hardware table a flag completes to.
#[derive(Debug, Clone, Copy)]
pub enum TableColumn {
    GpuModels,
    TeeTypes,
}

/// A string flag whose completions are the hardware table's names (`--gpu` completes to the
/// models, `--tee` to the TEE types) while any text is accepted here: `--gpu a100:2` and raw
/// products are valid, and the scaffolder checks the value with a diagnostic naming the
/// valid ones.
#[derive(Debug, Clone, Copy)]
pub struct TableNames(pub TableColumn);

impl clap::builder::TypedValueParser for TableNames {
    type Value = String;

    fn parse_ref(
        &self,
        cmd: &clap::Command,
        arg: Option<&clap::Arg>,
        value: &std::ffi::OsStr,
    ) -> Result<String, clap::Error> {
        clap::builder::StringValueParser::new().parse_ref(cmd, arg, value)
    }

    fn possible_values(
        &self,
    ) -> Option<Box<dyn Iterator<Item = clap::builder::PossibleValue> + '_>> {
        let names = match self.0 {
            TableColumn::GpuModels => crate::hardware::gpu_short_names(),
            TableColumn::TeeTypes => crate::hardware::tee_names(),
        };
        Some(Box::new(
            names.into_iter().map(clap::builder::PossibleValue::new),
        ))
    }
}

pub fn parse_duration(input: &str) -> Result<Duration, String> {
    let s = input.trim();
    if s.is_empty() {
        return Err("empty duration; use e.g. 30s, 5m or 1h".into());
    }
    if let Ok(secs) = s.parse::<u64>() {
        return Ok(Duration::from_secs(secs));
    }
    let mut total = 0u64;
    let mut number = String::new();
    for c in s.chars() {
        if c.is_ascii_digit() {
            number.push(c);
            continue;
        }
        let unit = match c {
            's' => 1,
            'm' => 60,
            'h' => 3600,
            _ => {
                return Err(format!(
                    "invalid duration {input:?}; use e.g. 30s, 5m or 1h"
                ));
            }
        };
        let n: u64 = number
            .parse()
            .map_err(|_| format!("invalid duration {input:?}; use e.g. 30s, 5m or 1h"))?;
        total = total
            .checked_add(n.saturating_mul(unit))
            .ok_or_else(|| format!("duration {input:?} is too long"))?;
        number.clear();
    }
    if !number.is_empty() {
        return Err(format!(
            "invalid duration {input:?}: a number needs a unit (s, m, h)"
        ));
    }
    Ok(Duration::from_secs(total))
}

/// A [`crate::render::Placement`] from repeatable `KEY=VALUE` and `KEY[=VALUE]:EFFECT` flags;
/// the errors name `selector_flag` / `toleration_flag`.
pub fn placement(
    selector_flag: &str,
    selectors: &[String],
    tolerations: &[String],
) -> crate::error::Result<crate::render::Placement> {
    Ok(crate::render::Placement {
        node_selector: super::parse_labels(selector_flag, selectors)?,
        tolerations: tolerations
            .iter()
            .map(|t| super::performer::parse_toleration(t))
            .collect::<crate::error::Result<_>>()?,
    })
}
