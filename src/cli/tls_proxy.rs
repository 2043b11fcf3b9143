//! `hgctl tls-proxy` (hidden): the sidecar of a Performer with `tls.terminate`. It accepts TLS
//! (HTTP/2 offered by ALPN, as gRPC clients require) with the Performer's serving certificate
//! and copies each connection to the performer on localhost. The certificate is read for every
//! connection, so a renewed Secret takes effect without a restart.

use std::path::Path;
use std::sync::Arc;

use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer};
use tokio::net::{TcpListener, TcpStream};
use tokio_rustls::TlsAcceptor;

use super::args::TlsProxyArgs;
use crate::error::{Error, Result};

/// Serves until SIGTERM / Ctrl-C.
pub async fn run(args: &TlsProxyArgs) -> Result<()> {
    // Refuse to start with unusable files: the kubelet shows the reason.
    server_config(&args.cert, &args.key)
        .map_err(|e| Error::usage(e, "check the mounted Secret"))?;
    let listener = TcpListener::bind(&args.listen).await.map_err(|e| {
        Error::usage(
            format!("cannot listen on {}: {e}", args.listen),
            "pick a free port",
        )
    })?;
    eprintln!("tls-proxy: TLS on {} -> {}", args.listen, args.upstream);
    let stop = crate::cli::run_local::shutdown_signal();
    tokio::pin!(stop);
    loop {
        let (tcp, peer) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(a) => a,
                Err(e) => {
                    eprintln!("tls-proxy: accept: {e}");
                    continue;
                }
            },
            _ = &mut stop => return Ok(()),
        };
        let config = match server_config(&args.cert, &args.key) {
            Ok(c) => c,
            Err(e) => {
                eprintln!("tls-proxy: {e}");
                continue;
            }
        };
        let upstream = args.upstream.clone();
        tokio::spawn(async move {
            let mut tls = match TlsAcceptor::from(config).accept(tcp).await {
                Ok(tls) => tls,
                Err(e) => {
                    eprintln!("tls-proxy: TLS handshake with {peer} failed: {e}");
                    return;
                }
            };
            match TcpStream::connect(&upstream).await {
                Ok(mut up) => {
                    let _ = tokio::io::copy_bidirectional(&mut tls, &mut up).await;
                }
                Err(e) => eprintln!("tls-proxy: the performer at {upstream} refused {peer}: {e}"),
            }
        });
    }
}

fn server_config(
    cert: &Path,
    key: &Path,
) -> std::result::Result<Arc<rustls::ServerConfig>, String> {
    let certs = CertificateDer::pem_file_iter(cert)
        .and_then(|it| it.collect::<std::result::Result<Vec<_>, _>>())
        .map_err(|e| format!("reading certificate {}: {e}", cert.display()))?;
    let key = PrivateKeyDer::from_pem_file(key)
        .map_err(|e| format!("reading key {}: {e}", key.display()))?;
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let mut config = rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| e.to_string())?
        .with_no_client_auth()
        .with_single_cert(certs, key)
        .map_err(|e| format!("certificate and key: {e}"))?;
    config.alpn_protocols = vec![b"h2".to_vec()];
    Ok(Arc::new(config))
}
