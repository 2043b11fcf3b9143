//! The performer TLS option's certificates: the namespace's performer CA (Secret
//! `hgctl-performer-ca`, its key never leaves it) and each TLS Performer's serving
//! certificate for its Service names (Secret `performer-<name>-tls`, owned by the Performer).
//! Issuing is the controllers' (it draws random keys); whether to issue is decided here from
//! the annotations a serving Secret carries, so a pass with nothing to change writes nothing.

use std::collections::BTreeMap;

use k8s_openapi::jiff::{SignedDuration, Timestamp};
use rcgen::{
    BasicConstraints, CertificateParams, DistinguishedName, DnType, ExtendedKeyUsagePurpose, IsCa,
    Issuer, KeyPair, KeyUsagePurpose,
};

/// The namespace's performer CA: `ca.crt` and `ca.key`.
pub const CA_SECRET: &str = "hgctl-performer-ca";
pub const CA_CERT_KEY: &str = "ca.crt";
pub const CA_KEY_KEY: &str = "ca.key";
/// A serving Secret's keys (the `kubernetes.io/tls` type's).
pub const CERT_KEY: &str = "tls.crt";
pub const KEY_KEY: &str = "tls.key";
/// What a serving Secret was issued for: its names, the CA (SHA-256 of `ca.crt`), its end.
pub const ANNOTATION_NAMES: &str = "hourglass.eigenlayer.io/tls-names";
pub const ANNOTATION_CA: &str = "hourglass.eigenlayer.io/tls-ca";
pub const ANNOTATION_NOT_AFTER: &str = "hourglass.eigenlayer.io/tls-not-after";

/// Validity of a serving certificate, and how long before its end it is issued anew.
const SERVING_DAYS: i64 = 365;
const RENEW_BEFORE_DAYS: i64 = 30;
const CA_DAYS: i64 = 3650;
const CA_NAME: &str = "hgctl performer CA";

/// The Secret that holds a Performer's serving certificate.
pub fn serving_secret_name(performer: &str) -> String {
    format!("performer-{performer}-tls")
}

/// The names a client may dial a Performer's Service by.
pub fn service_names(service: &str, namespace: &str, domain: &str) -> Vec<String> {
    vec![
        service.to_string(),
        format!("{service}.{namespace}"),
        format!("{service}.{namespace}.svc"),
        format!("{service}.{namespace}.svc.{domain}"),
    ]
}

/// Hex SHA-256 of a PEM text (which CA issued a serving certificate).
pub fn fingerprint(pem: &str) -> String {
    ring::digest::digest(&ring::digest::SHA256, pem.as_bytes())
        .as_ref()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Whether a serving Secret with `annotations` must be issued (anew): missing, other names,
/// another CA, or less than 30 days left.
pub fn needs_issue(
    annotations: Option<&BTreeMap<String, String>>,
    names: &[String],
    ca_fingerprint: &str,
    now: Timestamp,
) -> bool {
    let Some(a) = annotations else {
        return true;
    };
    let not_after = a
        .get(ANNOTATION_NOT_AFTER)
        .and_then(|t| t.parse::<i64>().ok())
        .unwrap_or(0);
    a.get(ANNOTATION_NAMES) != Some(&names.join(","))
        || a.get(ANNOTATION_CA).map(String::as_str) != Some(ca_fingerprint)
        || not_after - now.as_second() < RENEW_BEFORE_DAYS * 86_400
}

/// A CA or serving certificate and its key, PEM.
pub struct Issued {
    pub cert_pem: String,
    pub key_pem: String,
    /// Unix seconds.
    pub not_after: i64,
}

impl Issued {
    /// The annotations of the serving Secret that holds it.
    pub fn annotations(&self, names: &[String], ca_fingerprint: &str) -> BTreeMap<String, String> {
        BTreeMap::from([
            (ANNOTATION_NAMES.to_string(), names.join(",")),
            (ANNOTATION_CA.to_string(), ca_fingerprint.to_string()),
            (ANNOTATION_NOT_AFTER.to_string(), self.not_after.to_string()),
        ])
    }
}

fn validity(params: &mut CertificateParams, now: Timestamp, days: i64) -> Result<i64, String> {
    let date = |t: Timestamp| {
        let d = t.to_zoned(k8s_openapi::jiff::tz::TimeZone::UTC).date();
        rcgen::date_time_ymd(i32::from(d.year()), d.month() as u8, d.day() as u8)
    };
    let start = now - SignedDuration::from_hours(24);
    let end = now + SignedDuration::from_hours(24 * days);
    params.not_before = date(start);
    params.not_after = date(end);
    Ok(params.not_after.unix_timestamp())
}

fn ca_params(now: Timestamp) -> Result<(CertificateParams, i64), String> {
    let mut params = CertificateParams::new(Vec::<String>::new()).map_err(|e| e.to_string())?;
    let mut dn = DistinguishedName::new();
    dn.push(DnType::CommonName, CA_NAME);
    params.distinguished_name = dn;
    params.is_ca = IsCa::Ca(BasicConstraints::Constrained(0));
    params.key_usages = vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::CrlSign];
    let not_after = validity(&mut params, now, CA_DAYS)?;
    Ok((params, not_after))
}

/// A new performer CA.
pub fn new_ca(now: Timestamp) -> Result<Issued, String> {
    let key = KeyPair::generate().map_err(|e| e.to_string())?;
    let (params, not_after) = ca_params(now)?;
    let cert = params.self_signed(&key).map_err(|e| e.to_string())?;
    Ok(Issued {
        cert_pem: cert.pem(),
        key_pem: key.serialize_pem(),
        not_after,
    })
}

/// A serving certificate for `names`, issued by the CA whose key is `ca_key_pem`.
pub fn issue(ca_key_pem: &str, names: &[String], now: Timestamp) -> Result<Issued, String> {
    let ca_key = KeyPair::from_pem(ca_key_pem).map_err(|e| format!("the CA key: {e}"))?;
    // The issuer is the CA's name and key; the CA certificate itself need not be parsed.
    let (ca, _) = ca_params(now)?;
    let issuer = Issuer::new(ca, ca_key);
    let key = KeyPair::generate().map_err(|e| e.to_string())?;
    let mut params = CertificateParams::new(names.to_vec()).map_err(|e| e.to_string())?;
    let mut dn = DistinguishedName::new();
    dn.push(
        DnType::CommonName,
        names.first().cloned().unwrap_or_default(),
    );
    params.distinguished_name = dn;
    params.key_usages = vec![KeyUsagePurpose::DigitalSignature];
    params.extended_key_usages = vec![ExtendedKeyUsagePurpose::ServerAuth];
    params.use_authority_key_identifier_extension = true;
    let not_after = validity(&mut params, now, SERVING_DAYS)?;
    let cert = params.signed_by(&key, &issuer).map_err(|e| e.to_string())?;
    Ok(Issued {
        cert_pem: cert.pem(),
        key_pem: key.serialize_pem(),
        not_after,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn now() -> Timestamp {
        "2026-12-04T12:00:00Z".parse().unwrap()
    }

    #[test]
    fn a_serving_secret_is_issued_when_missing_renamed_recast_or_ending() {
        let names = service_names("performer-a", "ns", "cluster.local");
        assert_eq!(names[3], "performer-a.ns.svc.cluster.local");
        let fresh = Issued {
            cert_pem: String::new(),
            key_pem: String::new(),
            not_after: now().as_second() + 300 * 86_400,
        }
        .annotations(&names, "ca1");
        assert!(!needs_issue(Some(&fresh), &names, "ca1", now()));
        assert!(needs_issue(None, &names, "ca1", now()));
        assert!(needs_issue(Some(&fresh), &names[..2], "ca1", now()));
        assert!(needs_issue(Some(&fresh), &names, "ca2", now()));
        let later = now() + SignedDuration::from_hours(24 * 280);
        assert!(needs_issue(Some(&fresh), &names, "ca1", later));
    }

    #[test]
    fn a_serving_certificate_chains_to_the_ca_and_names_the_service() {
        let ca = new_ca(now()).unwrap();
        assert!(ca.cert_pem.starts_with("-----BEGIN CERTIFICATE-----"));
        assert!(ca.key_pem.contains("PRIVATE KEY"));
        let names = service_names("performer-a", "ns", "cluster.local");
        let leaf = issue(&ca.key_pem, &names, now()).unwrap();
        assert!(leaf.not_after > now().as_second() + 360 * 86_400);

        // Verified as a TLS client verifies it: against the CA as the only root.
        use rustls::client::danger::ServerCertVerifier;
        use rustls::pki_types::{CertificateDer, ServerName, UnixTime, pem::PemObject};
        let mut roots = rustls::RootCertStore::empty();
        roots
            .add(CertificateDer::from_pem_slice(ca.cert_pem.as_bytes()).unwrap())
            .unwrap();
        let provider = std::sync::Arc::new(rustls::crypto::ring::default_provider());
        let verifier =
            rustls::client::WebPkiServerVerifier::builder_with_provider(roots.into(), provider)
                .build()
                .unwrap();
        let cert = CertificateDer::from_pem_slice(leaf.cert_pem.as_bytes()).unwrap();
        let at = UnixTime::since_unix_epoch(std::time::Duration::from_secs(
            now().as_second() as u64 + 3600,
        ));
        for name in &names {
            let server = ServerName::try_from(name.clone()).unwrap();
            verifier
                .verify_server_cert(&cert, &[], &server, &[], at)
                .unwrap_or_else(|e| panic!("{name}: {e}"));
        }
        let other = ServerName::try_from("performer-b.ns.svc").unwrap();
        assert!(
            verifier
                .verify_server_cert(&cert, &[], &other, &[], at)
                .is_err()
        );
        // Another CA's certificate does not verify.
        let stranger = new_ca(now()).unwrap();
        let foreign = issue(&stranger.key_pem, &names, now()).unwrap();
        let foreign = CertificateDer::from_pem_slice(foreign.cert_pem.as_bytes()).unwrap();
        let server = ServerName::try_from(names[0].clone()).unwrap();
        assert!(
            verifier
                .verify_server_cert(&foreign, &[], &server, &[], at)
                .is_err()
        );
    }
}
