//! The I/O of the performer TLS option (decisions in [`crate::tls`]): the namespace's
//! performer CA, created once, and each TLS Performer's serving Secret, written only when
//! missing, for other names, from another CA or near its end. Secrets are read, never cached
//! or listed: the operator's role cannot enumerate them.

use std::collections::BTreeMap;

use k8s_openapi::ByteString;
use k8s_openapi::api::core::v1::Secret;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;
use k8s_openapi::jiff::Timestamp;
use kube::ResourceExt;
use kube::api::{Api, PostParams};

use super::ReconcileError;
use super::runtime::Runtime;
use super::writers;
use crate::api::Performer;
use crate::render::performer as render;
use crate::tls::{self, CA_CERT_KEY, CA_KEY_KEY, CA_SECRET, CERT_KEY, KEY_KEY};

fn text(secret: &Secret, key: &str) -> Option<String> {
    let bytes = secret.data.as_ref()?.get(key)?;
    String::from_utf8(bytes.0.clone()).ok()
}

/// The namespace's performer CA (certificate PEM, key PEM), created when missing.
pub async fn ensure_ca(rt: &Runtime, ns: &str) -> Result<(String, String), ReconcileError> {
    let api: Api<Secret> = Api::namespaced(rt.client.clone(), ns);
    let read = |s: &Secret| Some((text(s, CA_CERT_KEY)?, text(s, CA_KEY_KEY)?));
    let existing = api
        .get_opt(CA_SECRET)
        .await
        .map_err(|e| ReconcileError::kube(format!("reading Secret {ns}/{CA_SECRET}"), e))?;
    if let Some(s) = existing {
        return read(&s).ok_or_else(|| {
            ReconcileError::Internal(format!(
                "Secret {ns}/{CA_SECRET} lacks {CA_CERT_KEY} or {CA_KEY_KEY}: delete it and hgctl makes a new CA"
            ))
        });
    }
    let ca = tls::new_ca(Timestamp::now()).map_err(ReconcileError::Internal)?;
    let secret = Secret {
        metadata: ObjectMeta {
            name: Some(CA_SECRET.into()),
            namespace: Some(ns.into()),
            labels: Some(BTreeMap::from([(
                "app.kubernetes.io/managed-by".to_string(),
                "hgctl".to_string(),
            )])),
            ..Default::default()
        },
        data: Some(BTreeMap::from([
            (
                CA_CERT_KEY.to_string(),
                ByteString(ca.cert_pem.into_bytes()),
            ),
            (CA_KEY_KEY.to_string(), ByteString(ca.key_pem.into_bytes())),
        ])),
        ..Default::default()
    };
    match api.create(&PostParams::default(), &secret).await {
        Ok(s) => {
            rt.metrics.write("create", "secrets");
            tracing::info!(
                namespace = ns,
                "created the performer CA (Secret {CA_SECRET})"
            );
            read(&s).ok_or_else(|| ReconcileError::Internal("the new CA Secret is empty".into()))
        }
        // Another pass made it first: use that one.
        Err(kube::Error::Api(s)) if s.code == 409 => {
            let s = api
                .get(CA_SECRET)
                .await
                .map_err(|e| ReconcileError::kube(format!("reading Secret {ns}/{CA_SECRET}"), e))?;
            read(&s).ok_or_else(|| ReconcileError::Internal("the CA Secret is empty".into()))
        }
        Err(e) => Err(ReconcileError::kube(
            format!("creating Secret {ns}/{CA_SECRET}"),
            e,
        )),
    }
}

/// Writes the Performer's serving Secret when [`tls::needs_issue`] says so.
pub async fn ensure_serving(
    rt: &Runtime,
    p: &Performer,
    domain: &str,
) -> Result<(), ReconcileError> {
    let ns = p.namespace().unwrap_or_default();
    let name = p.name_any();
    let (ca_cert, ca_key) = ensure_ca(rt, &ns).await?;
    let names = tls::service_names(&render::service_name(&name), &ns, domain);
    let fingerprint = tls::fingerprint(&ca_cert);
    let secret_name = tls::serving_secret_name(&name);
    let api: Api<Secret> = Api::namespaced(rt.client.clone(), &ns);
    let existing = api
        .get_opt(&secret_name)
        .await
        .map_err(|e| ReconcileError::kube(format!("reading Secret {ns}/{secret_name}"), e))?;
    let now = Timestamp::now();
    let current = existing
        .as_ref()
        .and_then(|s| s.metadata.annotations.as_ref());
    if !tls::needs_issue(current, &names, &fingerprint, now) {
        return Ok(());
    }
    let issued = tls::issue(&ca_key, &names, now).map_err(ReconcileError::Internal)?;
    let secret = Secret {
        metadata: ObjectMeta {
            name: Some(secret_name.clone()),
            namespace: Some(ns.clone()),
            labels: Some(render::common_labels(p)),
            annotations: Some(issued.annotations(&names, &fingerprint)),
            owner_references: render::owner_reference(p).map(|o| vec![o]),
            ..Default::default()
        },
        type_: Some("kubernetes.io/tls".into()),
        data: Some(BTreeMap::from([
            (
                CERT_KEY.to_string(),
                ByteString(issued.cert_pem.into_bytes()),
            ),
            (KEY_KEY.to_string(), ByteString(issued.key_pem.into_bytes())),
        ])),
        ..Default::default()
    };
    writers::apply(rt, &ns, &secret).await?;
    tracing::info!(performer = %name, namespace = %ns, "issued its serving certificate (Secret {secret_name})");
    Ok(())
}
