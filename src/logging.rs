//! Logging on stderr through `tracing`; `RUST_LOG` overrides `--log-level`.

use tracing_subscriber::EnvFilter;

use crate::cli::args::LogLevel;

/// Installs the global subscriber once; later calls are no-ops.
pub fn init(level: LogLevel) {
    let filter = EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| EnvFilter::new(format!("hgctl={},kube=warn", level.as_str())));
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_target(false)
        .try_init();
}
