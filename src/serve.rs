//! A tiny HTTP/1.1 server for `/healthz`, `/readyz` and `/metrics`: plain tokio, no framework,
//! because three GET endpoints for probes and Prometheus need nothing more.
//!
//! ```no_run
//! # async fn f() -> hgctl::error::Result<()> {
//! use hgctl::serve::{self, Endpoints, Health};
//! let health = Health::new();
//! let listener = serve::bind("127.0.0.1:8081").await?;
//! let endpoints = Endpoints::health(health.clone()).with_metrics(|| "up 1\n".to_string());
//! health.set_ready(true); // once the reconcilers run
//! serve::run(listener, endpoints, serve::shutdown_signal()).await
//! # }
//! ```

use std::future::Future;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

use crate::error::{Error, Result};

/// Liveness and readiness flags shared between the server and the controllers.
#[derive(Debug, Clone)]
pub struct Health {
    live: Arc<AtomicBool>,
    ready: Arc<AtomicBool>,
}

impl Default for Health {
    fn default() -> Self {
        Self::new()
    }
}

impl Health {
    /// Live, not ready.
    pub fn new() -> Self {
        Self {
            live: Arc::new(AtomicBool::new(true)),
            ready: Arc::new(AtomicBool::new(false)),
        }
    }
    /// `/readyz` answers 200 while true, 503 otherwise.
    pub fn set_ready(&self, ready: bool) {
        self.ready.store(ready, Ordering::SeqCst);
    }
    pub fn is_ready(&self) -> bool {
        self.ready.load(Ordering::SeqCst)
    }
    /// `/healthz` answers 503 once false (a stuck controller asks to be restarted).
    pub fn set_live(&self, live: bool) {
        self.live.store(live, Ordering::SeqCst);
    }
    pub fn is_live(&self) -> bool {
        self.live.load(Ordering::SeqCst)
    }
}

/// Renders the Prometheus text exposition on each scrape.
pub type MetricsFn = Arc<dyn Fn() -> String + Send + Sync>;

/// What one listener serves; a path not served is a 404.
#[derive(Clone, Default)]
pub struct Endpoints {
    pub health: Option<Health>,
    pub metrics: Option<MetricsFn>,
}

impl Endpoints {
    /// `/healthz` and `/readyz`.
    pub fn health(health: Health) -> Self {
        Self {
            health: Some(health),
            metrics: None,
        }
    }
    /// `/metrics` only.
    pub fn metrics(f: impl Fn() -> String + Send + Sync + 'static) -> Self {
        Self::default().with_metrics(f)
    }
    /// Adds `/metrics`.
    pub fn with_metrics(mut self, f: impl Fn() -> String + Send + Sync + 'static) -> Self {
        self.metrics = Some(Arc::new(f));
        self
    }

    fn respond(&self, method: &str, path: &str) -> (u16, &'static str, String) {
        let path = path.split('?').next().unwrap_or_default();
        if method != "GET" && method != "HEAD" {
            return (405, "text/plain", "method not allowed\n".into());
        }
        let flag = |ok: bool| {
            if ok {
                (200, "text/plain", "ok\n".to_string())
            } else {
                (503, "text/plain", "not ready\n".to_string())
            }
        };
        match (path, &self.health, &self.metrics) {
            ("/healthz" | "/livez", Some(h), _) => flag(h.is_live()),
            ("/readyz", Some(h), _) => flag(h.is_ready()),
            ("/metrics", _, Some(m)) => (200, "text/plain; version=0.0.4; charset=utf-8", m()),
            _ => (404, "text/plain", "not found\n".into()),
        }
    }
}

/// Binds a listener, with a diagnostic naming the address when it is taken or invalid.
pub async fn bind(addr: &str) -> Result<TcpListener> {
    TcpListener::bind(addr).await.map_err(|e| {
        Error::usage(
            format!("cannot listen on {addr}: {e}"),
            "pick a free HOST:PORT (e.g. 127.0.0.1:0 for any port)",
        )
    })
}

/// Serves `endpoints` on `listener` until `shutdown` completes. Connections in flight get a
/// moment to finish; each is handled on its own task.
pub async fn run(
    listener: TcpListener,
    endpoints: Endpoints,
    shutdown: impl Future<Output = ()>,
) -> Result<()> {
    let endpoints = Arc::new(endpoints);
    tokio::pin!(shutdown);
    loop {
        tokio::select! {
            () = &mut shutdown => return Ok(()),
            accepted = listener.accept() => match accepted {
                Ok((stream, _)) => {
                    let endpoints = endpoints.clone();
                    tokio::spawn(async move {
                        let _ = tokio::time::timeout(Duration::from_secs(10), handle(stream, &endpoints)).await;
                    });
                }
                // Too many open files and the like: keep serving.
                Err(e) => {
                    tracing::warn!(error = %e, "accepting a connection");
                    tokio::time::sleep(Duration::from_millis(100)).await;
                }
            },
        }
    }
}

/// Reads one request head (up to 8 KiB), answers, closes.
async fn handle(mut stream: TcpStream, endpoints: &Endpoints) -> std::io::Result<()> {
    let mut buf = Vec::with_capacity(1024);
    let mut chunk = [0u8; 1024];
    while !buf.windows(4).any(|w| w == b"\r\n\r\n") && !buf.windows(2).any(|w| w == b"\n\n") {
        let n = stream.read(&mut chunk).await?;
        if n == 0 {
            break;
        }
        buf.extend_from_slice(&chunk[..n]);
        if buf.len() > 8192 {
            break;
        }
    }
    let head = String::from_utf8_lossy(&buf);
    let mut parts = head.lines().next().unwrap_or_default().split_whitespace();
    let (method, path) = (
        parts.next().unwrap_or_default(),
        parts.next().unwrap_or_default(),
    );
    let (status, content_type, body) = if method.is_empty() {
        (400, "text/plain", "bad request\n".to_string())
    } else {
        endpoints.respond(method, path)
    };
    let reason = match status {
        200 => "OK",
        400 => "Bad Request",
        404 => "Not Found",
        405 => "Method Not Allowed",
        _ => "Service Unavailable",
    };
    let mut response = format!(
        "HTTP/1.1 {status} {reason}\r\nContent-Type: {content_type}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    )
    .into_bytes();
    if method != "HEAD" {
        response.extend_from_slice(body.as_bytes());
    }
    stream.write_all(&response).await?;
    stream.shutdown().await
}

/// Completes on SIGTERM (what Kubernetes sends) or SIGINT (Ctrl-C).
pub async fn shutdown_signal() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        match signal(SignalKind::terminate()) {
            Ok(mut term) => {
                tokio::select! {
                    _ = term.recv() => {},
                    _ = tokio::signal::ctrl_c() => {},
                }
            }
            Err(_) => {
                let _ = tokio::signal::ctrl_c().await;
            }
        }
    }
    #[cfg(not(unix))]
    {
        let _ = tokio::signal::ctrl_c().await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    async fn get(addr: std::net::SocketAddr, path: &str) -> (u16, String) {
        let mut s = TcpStream::connect(addr).await.unwrap();
        s.write_all(format!("GET {path} HTTP/1.1\r\nHost: x\r\n\r\n").as_bytes())
            .await
            .unwrap();
        let mut out = String::new();
        s.read_to_string(&mut out).await.unwrap();
        let status = out.split_whitespace().nth(1).unwrap().parse().unwrap();
        let body = out.split("\r\n\r\n").nth(1).unwrap_or_default().to_string();
        (status, body)
    }

    #[tokio::test]
    async fn serves_health_readiness_and_metrics_and_stops_on_shutdown() {
        let health = Health::new();
        let listener = bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let endpoints = Endpoints::health(health.clone()).with_metrics(|| "hgctl_up 1\n".into());
        let server = tokio::spawn(run(listener, endpoints, async {
            let _ = stopped.await;
        }));

        assert_eq!(get(addr, "/healthz").await.0, 200);
        assert_eq!(get(addr, "/readyz").await.0, 503);
        health.set_ready(true);
        assert_eq!(get(addr, "/readyz").await, (200, "ok\n".into()));
        assert_eq!(get(addr, "/metrics").await, (200, "hgctl_up 1\n".into()));
        assert_eq!(get(addr, "/nope").await.0, 404);
        health.set_live(false);
        assert_eq!(get(addr, "/healthz").await.0, 503);

        stop.send(()).unwrap();
        server.await.unwrap().unwrap();
        assert!(TcpStream::connect(addr).await.is_err(), "listener closed");
    }

    #[test]
    fn unserved_paths_are_not_found() {
        let only_metrics = Endpoints::metrics(String::new);
        assert_eq!(only_metrics.respond("GET", "/healthz").0, 404);
        assert_eq!(only_metrics.respond("GET", "/metrics?x=1").0, 200);
        assert_eq!(only_metrics.respond("POST", "/metrics").0, 405);
    }
}
