//! Logging on stderr through `tracing`; `RUST_LOG` overrides `--log-level`.

use tracing_subscriber::EnvFilter;

/// Installs the global subscriber once; later calls are no-ops. `json` gives one
/// JSON object per line (the controllers' `--log-format json`, for log pipelines).
pub fn init(level: &str, json: bool) {
    let filter = EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| EnvFilter::new(format!("hgctl={level},kube=warn")));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_target(false);
    let _ = if json {
        builder.json().try_init()
    } else {
        builder.try_init()
    };
}
