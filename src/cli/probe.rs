//! `doctor --probe`, the I/O: the probe pods `doctor` starts (one per namespace, `hgctl probe`
//! inside), and `hgctl probe` itself, which resolves each endpoint, connects, and calls
//! `grpc.health.v1` over plaintext HTTP/2 and over TLS. Decisions are in `doctor::probe` and
//! the `workload.performer.probe` check.

use std::collections::BTreeMap;
use std::fmt::Display;
use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};

use bytes::Bytes;
use k8s_openapi::api::core::v1::Pod;
use kube::api::{Api, DeleteParams, LogParams, PostParams};
use kube::runtime::wait::await_condition;
use rustls::DigitallySignedStruct;
use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::crypto::CryptoProvider;
use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
use tokio::io::{AsyncRead, AsyncWrite};
use tokio::net::TcpStream;

use super::args::{DoctorArgs, ProbeArgs};
use crate::cluster::Connection;
use crate::doctor::Snapshot;
use crate::doctor::gather;
use crate::doctor::probe::{
    self, Attempt, GRPC_UNIMPLEMENTED, HEALTH_CHECK_PATH, HEALTH_REQUEST, ProbeReport, ProbeResults,
};
use crate::doctor::snapshot::Gathered;
use crate::error::Result;
use crate::render::Placement;

/// How long the probe pod may run (pull, start, every endpoint) before the kubelet stops it.
const POD_DEADLINE_SECONDS: i64 = 120;
/// How long doctor waits for a probe pod to finish.
pub const POD_WAIT: Duration = Duration::from_secs(90);

/// `hgctl probe HOST:PORT...`: every endpoint at once, one JSON report per line, in order.
pub async fn run(args: &ProbeArgs) -> Result<()> {
    let reports =
        futures::future::join_all(args.endpoints.iter().map(|e| endpoint(e, args.timeout))).await;
    let mut out = String::new();
    for r in reports {
        out.push_str(&serde_json::to_string(&r).unwrap_or_default());
        out.push('\n');
    }
    crate::output::print(&out)
}

async fn endpoint(endpoint: &str, timeout: Duration) -> ProbeReport {
    let mut r = ProbeReport {
        endpoint: endpoint.into(),
        ..Default::default()
    };
    let host = endpoint
        .rsplit_once(':')
        .map(|(h, _)| h)
        .unwrap_or(endpoint);
    let start = Instant::now();
    let resolved = within(timeout, tokio::net::lookup_host(endpoint)).await;
    r.dns_ms = ms(start);
    let addresses: Vec<SocketAddr> = match resolved {
        Ok(a) => a.collect(),
        Err(e) => {
            r.dns_error = Some(e);
            return r;
        }
    };
    r.addresses = addresses.iter().map(|a| a.ip().to_string()).collect();
    let Some(addr) = addresses.first().copied() else {
        r.dns_error = Some("resolved to no address".into());
        return r;
    };
    let start = Instant::now();
    let tcp = match within(timeout, TcpStream::connect(addr)).await {
        Ok(tcp) => tcp,
        Err(e) => {
            r.connect_error = Some(e);
            return r;
        }
    };
    r.connect_ms = ms(start);
    r.plaintext = attempt(timeout, health(tcp, host)).await;
    r.tls = attempt(timeout, async {
        let tcp = TcpStream::connect(addr).await.map_err(|e| e.to_string())?;
        health(tls(tcp, host).await?, host).await
    })
    .await;
    r
}

fn ms(since: Instant) -> f64 {
    since.elapsed().as_secs_f64() * 1000.0
}

async fn within<T, E: Display>(
    timeout: Duration,
    fut: impl Future<Output = std::result::Result<T, E>>,
) -> std::result::Result<T, String> {
    match tokio::time::timeout(timeout, fut).await {
        Ok(Ok(v)) => Ok(v),
        Ok(Err(e)) => Err(e.to_string()),
        Err(_) => Err(format!("timed out after {}s", timeout.as_secs_f32())),
    }
}

async fn attempt(
    timeout: Duration,
    call: impl Future<Output = std::result::Result<String, String>>,
) -> Attempt {
    let start = Instant::now();
    match within(timeout, call).await {
        Ok(status) => Attempt::Answered {
            status,
            ms: ms(start),
        },
        Err(error) => Attempt::Failed { error },
    }
}

/// One `grpc.health.v1.Health/Check` for the whole server over HTTP/2 on `io`.
async fn health<S>(io: S, host: &str) -> std::result::Result<String, String>
where
    S: AsyncRead + AsyncWrite + Unpin + Send + 'static,
{
    let (client, connection) = h2::client::handshake(io)
        .await
        .map_err(|e| format!("HTTP/2 handshake: {e}"))?;
    let driver = tokio::spawn(connection);
    let outcome = async {
        let mut client = client.ready().await.map_err(|e| e.to_string())?;
        let request = http::Request::post(format!("http://{host}{HEALTH_CHECK_PATH}"))
            .header("content-type", "application/grpc")
            .header("te", "trailers")
            .body(())
            .map_err(|e| e.to_string())?;
        let (response, mut send) = client
            .send_request(request, false)
            .map_err(|e| e.to_string())?;
        send.send_data(Bytes::from_static(&HEALTH_REQUEST), true)
            .map_err(|e| e.to_string())?;
        let (head, mut body) = response.await.map_err(|e| e.to_string())?.into_parts();
        if head.status != http::StatusCode::OK {
            return Err(format!("HTTP status {}", head.status));
        }
        let mut data = Vec::new();
        while let Some(chunk) = body.data().await {
            let chunk = chunk.map_err(|e| e.to_string())?;
            let _ = body.flow_control().release_capacity(chunk.len());
            data.extend_from_slice(&chunk);
        }
        // A trailers-only answer carries grpc-status in the headers.
        let trailers = body.trailers().await.map_err(|e| e.to_string())?;
        let grpc = |name: &str| {
            trailers
                .as_ref()
                .and_then(|t| t.get(name))
                .or_else(|| head.headers.get(name))
                .and_then(|v| v.to_str().ok())
                .map(str::to_string)
        };
        match grpc("grpc-status").as_deref() {
            Some("0") => probe::health_status(&data).map(str::to_string),
            Some(GRPC_UNIMPLEMENTED) => Ok("UNIMPLEMENTED".into()),
            Some(code) => Err(format!(
                "grpc-status {code}: {}",
                grpc("grpc-message").unwrap_or_default()
            )),
            None => Err("the answer has no grpc-status".into()),
        }
    }
    .await;
    driver.abort();
    outcome
}

/// A TLS connection offering HTTP/2 that accepts any certificate: the probe asks what the
/// port speaks, not whether the caller would trust it.
async fn tls(
    tcp: TcpStream,
    host: &str,
) -> std::result::Result<tokio_rustls::client::TlsStream<TcpStream>, String> {
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let mut config = rustls::ClientConfig::builder_with_provider(provider.clone())
        .with_safe_default_protocol_versions()
        .map_err(|e| e.to_string())?
        .dangerous()
        .with_custom_certificate_verifier(Arc::new(AnyCertificate(provider)))
        .with_no_client_auth();
    config.alpn_protocols = vec![b"h2".to_vec()];
    let name = ServerName::try_from(host.to_string()).map_err(|e| e.to_string())?;
    tokio_rustls::TlsConnector::from(Arc::new(config))
        .connect(name, tcp)
        .await
        .map_err(|e| format!("TLS handshake: {e}"))
}

#[derive(Debug)]
struct AnyCertificate(Arc<CryptoProvider>);

impl ServerCertVerifier for AnyCertificate {
    fn verify_server_cert(
        &self,
        _end_entity: &CertificateDer<'_>,
        _intermediates: &[CertificateDer<'_>],
        _server_name: &ServerName<'_>,
        _ocsp_response: &[u8],
        _now: UnixTime,
    ) -> std::result::Result<ServerCertVerified, rustls::Error> {
        Ok(ServerCertVerified::assertion())
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> std::result::Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls12_signature(
            message,
            cert,
            dss,
            &self.0.signature_verification_algorithms,
        )
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> std::result::Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls13_signature(
            message,
            cert,
            dss,
            &self.0.signature_verification_algorithms,
        )
    }

    fn supported_verify_schemes(&self) -> Vec<rustls::SignatureScheme> {
        self.0.signature_verification_algorithms.supported_schemes()
    }
}

// ------------------------------------------------------------------ the doctor side

/// The probe pod's placement from `--probe-node-selector` / `--probe-toleration`.
pub fn placement(args: &DoctorArgs) -> Result<Placement> {
    crate::scaffold::flags::placement(
        "--probe-node-selector",
        &args.probe_node_selector,
        &args.probe_toleration,
    )
}

/// One probe pod per namespace with Performers in scope; the reports by endpoint.
pub async fn in_cluster(
    conn: &Connection,
    snapshot: &Snapshot,
    image: Option<&str>,
    placement: &Placement,
) -> Gathered<ProbeResults> {
    if let Err(m) = &snapshot.performers {
        return Err(m.clone());
    }
    let image = image
        .map(str::to_string)
        .unwrap_or_else(|| operator_image(snapshot));
    let mut by_namespace: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for p in snapshot.performers_in_scope() {
        let ns = p.metadata.namespace.clone().unwrap_or_default();
        let endpoints = by_namespace.entry(ns).or_default();
        let e = probe::endpoint_of(p);
        if !endpoints.contains(&e) {
            endpoints.push(e);
        }
    }
    let image = image.as_str();
    let runs = by_namespace.iter().map(|(ns, endpoints)| async move {
        let outcome = namespace(conn, ns, image, endpoints, placement).await;
        (endpoints, outcome)
    });
    let mut results = ProbeResults::new();
    for (endpoints, outcome) in futures::future::join_all(runs).await {
        match outcome {
            Ok(reports) => {
                for e in endpoints {
                    let found = reports.iter().find(|r| &r.endpoint == e).cloned();
                    results.insert(
                        e.clone(),
                        found.ok_or_else(|| "the probe pod did not report it".to_string()),
                    );
                }
            }
            Err(why) => results.extend(endpoints.iter().map(|e| (e.clone(), Err(why.clone())))),
        }
    }
    Ok(results)
}

/// The installed operator's image (the same hgctl), else the image `hgctl install` uses.
fn operator_image(snapshot: &Snapshot) -> String {
    snapshot
        .operator_deployments
        .as_ref()
        .ok()
        .and_then(|ds| ds.first())
        .and_then(|d| d.spec.template.spec.as_ref()?.containers.first())
        .and_then(|c| c.image.clone())
        .unwrap_or_else(crate::install::manifests::default_image)
}

/// Runs the probe pod in `ns`, reads its reports, deletes it.
async fn namespace(
    conn: &Connection,
    ns: &str,
    image: &str,
    endpoints: &[String],
    placement: &Placement,
) -> std::result::Result<Vec<ProbeReport>, String> {
    let pods: Api<Pod> = Api::namespaced(conn.client.clone(), ns);
    let pod = probe::pod(ns, image, endpoints, placement, POD_DEADLINE_SECONDS);
    let created = gather::bounded(
        &format!("create pods in {ns}"),
        pods.create(&PostParams::default(), &pod),
    )
    .await
    .map_err(|m| m.reason())?;
    let name = created.metadata.name.unwrap_or_default();
    let outcome = finish(&pods, &name, image).await;
    let _ = pods
        .delete(&name, &DeleteParams::background().grace_period(0))
        .await;
    outcome
}

async fn finish(
    pods: &Api<Pod>,
    name: &str,
    image: &str,
) -> std::result::Result<Vec<ProbeReport>, String> {
    let done = |p: Option<&Pod>| {
        p.and_then(|p| p.status.as_ref()?.phase.as_deref())
            .is_some_and(|ph| ph == "Succeeded" || ph == "Failed")
    };
    let waited = tokio::time::timeout(POD_WAIT, await_condition(pods.clone(), name, done)).await;
    if waited.is_err() {
        let why = pods
            .get(name)
            .await
            .map(|p| not_finished(&p))
            .unwrap_or_else(|e| e.to_string());
        return Err(format!(
            "probe pod {name} ({image}) did not finish within {}s: {why}",
            POD_WAIT.as_secs()
        ));
    }
    let log = pods
        .logs(name, &LogParams::default())
        .await
        .map_err(|e| format!("could not read the log of probe pod {name}: {e}"))?;
    let reports = probe::parse_reports(&log);
    if reports.is_empty() {
        let tail: Vec<&str> = log.lines().rev().take(5).collect();
        return Err(format!(
            "probe pod {name} ({image}) reported nothing; its last lines: {}",
            tail.into_iter().rev().collect::<Vec<_>>().join(" | ")
        ));
    }
    Ok(reports)
}

/// Why a probe pod is still not done: the scheduler's or the kubelet's last word.
fn not_finished(p: &Pod) -> String {
    let status = p.status.as_ref();
    let waiting = status
        .and_then(|s| s.container_statuses.as_ref())
        .and_then(|cs| cs.first())
        .and_then(|c| c.state.as_ref()?.waiting.as_ref())
        .map(|w| {
            format!(
                "{} {}",
                w.reason.as_deref().unwrap_or_default(),
                w.message.as_deref().unwrap_or_default()
            )
        });
    let unscheduled = status
        .and_then(|s| s.conditions.as_ref())
        .and_then(|cs| {
            cs.iter()
                .find(|c| c.type_ == "PodScheduled" && c.status == "False")
        })
        .map(|c| {
            format!(
                "unschedulable: {}",
                c.message.as_deref().unwrap_or_default()
            )
        });
    waiting
        .or(unscheduled)
        .unwrap_or_else(|| {
            format!(
                "phase {}",
                status.and_then(|s| s.phase.as_deref()).unwrap_or("unknown")
            )
        })
        .trim()
        .to_string()
}
