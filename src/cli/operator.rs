//! `hgctl operator`: the entry point of the in-cluster Deployment. For now it serves the health
//! and metrics endpoints and shuts down cleanly on SIGTERM; the reconcilers plug in here.

use std::time::Instant;

use futures::FutureExt;

use super::args::{ControllerArgs, GlobalArgs};
use crate::error::Result;
use crate::serve::{self, Endpoints, Health};

/// `hgctl operator`.
pub async fn run(_global: &GlobalArgs, args: &ControllerArgs) -> Result<()> {
    let health = Health::new();
    let health_listener = serve::bind(&args.health_addr).await?;
    let metrics_listener = serve::bind(&args.metrics_addr).await?;
    let started = Instant::now();
    let metrics = move || {
        format!(
            "# HELP hgctl_build_info Version of the running hgctl.\n\
             # TYPE hgctl_build_info gauge\n\
             hgctl_build_info{{version=\"{}\"}} 1\n\
             # HELP hgctl_uptime_seconds Seconds since the operator started.\n\
             # TYPE hgctl_uptime_seconds gauge\n\
             hgctl_uptime_seconds {}\n",
            env!("CARGO_PKG_VERSION"),
            started.elapsed().as_secs()
        )
    };
    let shutdown = serve::shutdown_signal().shared();
    tracing::info!(
        health = %args.health_addr,
        metrics = %args.metrics_addr,
        "operator serving health and metrics"
    );
    // Nothing to wait for yet; the reconcilers set this once their caches are synced.
    health.set_ready(true);
    let (a, b) = tokio::join!(
        serve::run(
            health_listener,
            Endpoints::health(health.clone()),
            shutdown.clone()
        ),
        serve::run(metrics_listener, Endpoints::metrics(metrics), shutdown),
    );
    health.set_ready(false);
    tracing::info!("operator stopped");
    a.and(b)
}
