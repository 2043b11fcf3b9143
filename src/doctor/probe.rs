//! `doctor --probe`, the pure part: what the probe pod reports per endpoint, the pod that runs
//! `hgctl probe`, and the gRPC health messages it sends and reads. The I/O is in `cli::probe`.

use std::collections::BTreeMap;

use k8s_openapi::api::core::v1::{Container, Pod, PodSpec};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;
use serde::{Deserialize, Serialize};

use crate::api::Performer;
use crate::install::manifests::{own_container_security, own_pod_security};
use crate::render::Placement;
use crate::render::performer::grpc_endpoint;

/// The probe pod's `app.kubernetes.io/component` (with `managed-by: hgctl`).
pub const COMPONENT: &str = "doctor-probe";

/// What `hgctl probe` found for one `host:port`, printed as one JSON line.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq, Default)]
#[serde(rename_all = "camelCase")]
pub struct ProbeReport {
    pub endpoint: String,
    /// The addresses the host resolved to.
    pub addresses: Vec<String>,
    pub dns_ms: f64,
    /// Set when the name did not resolve (nothing else was tried).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dns_error: Option<String>,
    /// Set when no TCP connection could be made (nothing else was tried).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub connect_error: Option<String>,
    pub connect_ms: f64,
    /// `grpc.health.v1` Check over plaintext HTTP/2 (as the kubelet and a plaintext executor
    /// call), and over TLS (as upstream's executor calls in Kubernetes mode; any certificate
    /// is accepted: this says what the port speaks, not whom it trusts).
    pub plaintext: Attempt,
    pub tls: Attempt,
}

/// One health call.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq, Default)]
#[serde(tag = "result", rename_all = "camelCase")]
pub enum Attempt {
    #[default]
    NotTried,
    /// The server answered: a health status (`SERVING`, ...) or `UNIMPLEMENTED` when it
    /// speaks gRPC without `grpc.health.v1`.
    Answered {
        status: String,
        ms: f64,
    },
    Failed {
        error: String,
    },
}

impl Attempt {
    pub fn answered(&self) -> Option<(&str, f64)> {
        match self {
            Self::Answered { status, ms } => Some((status, *ms)),
            _ => None,
        }
    }
}

/// Results by endpoint (`host:port`); an `Err` says why the probe itself could not run.
pub type ProbeResults = BTreeMap<String, Result<ProbeReport, String>>;

/// The address a Performer is called at: its status endpoint (what the executor dials), or the
/// one its Service will have.
pub fn endpoint_of(p: &Performer) -> String {
    p.status
        .as_ref()
        .and_then(|s| s.grpc_endpoint.clone())
        .unwrap_or_else(|| {
            grpc_endpoint(
                p.metadata.name.as_deref().unwrap_or_default(),
                p.metadata.namespace.as_deref().unwrap_or_default(),
                "cluster.local",
                p.spec.grpc_port(),
            )
        })
}

/// Reads the probe pod's log: one JSON report per line; other lines are ignored.
pub fn parse_reports(log: &str) -> Vec<ProbeReport> {
    log.lines()
        .filter_map(|l| serde_json::from_str(l.trim()).ok())
        .collect()
}

/// The short-lived pod that calls `endpoints` from inside namespace `ns`: `hgctl probe`,
/// restricted-profile security, no API token, stopped after `deadline_seconds` at most.
pub fn pod(
    ns: &str,
    image: &str,
    endpoints: &[String],
    placement: &Placement,
    deadline_seconds: i64,
) -> Pod {
    let labels = BTreeMap::from([
        (
            "app.kubernetes.io/managed-by".to_string(),
            "hgctl".to_string(),
        ),
        (
            "app.kubernetes.io/component".to_string(),
            COMPONENT.to_string(),
        ),
    ]);
    let mut args = vec!["probe".to_string()];
    args.extend(endpoints.iter().cloned());
    let mut pod = Pod {
        metadata: ObjectMeta {
            generate_name: Some("hgctl-probe-".into()),
            namespace: Some(ns.into()),
            labels: Some(labels),
            ..Default::default()
        },
        spec: Some(PodSpec {
            restart_policy: Some("Never".into()),
            active_deadline_seconds: Some(deadline_seconds),
            automount_service_account_token: Some(false),
            termination_grace_period_seconds: Some(0),
            security_context: Some(own_pod_security()),
            containers: vec![Container {
                name: "probe".into(),
                image: Some(image.into()),
                image_pull_policy: Some("IfNotPresent".into()),
                args: Some(args),
                security_context: Some(own_container_security()),
                ..Default::default()
            }],
            ..Default::default()
        }),
        ..Default::default()
    };
    if let Some(spec) = pod.spec.as_mut() {
        placement.apply(spec);
    }
    pod
}

// ------------------------------------------------------------------ gRPC health, by hand

/// The path of `grpc.health.v1.Health/Check`.
pub const HEALTH_CHECK_PATH: &str = "/grpc.health.v1.Health/Check";

/// The gRPC message frame of `HealthCheckRequest{service: ""}` (the server as a whole): flag 0
/// (uncompressed), big-endian length 0, and an empty protobuf body (field 1 at its default).
pub const HEALTH_REQUEST: [u8; 5] = [0, 0, 0, 0, 0];

/// The status in a `HealthCheckResponse` frame (field 1, an enum varint; absent means 0).
pub fn health_status(frame: &[u8]) -> Result<&'static str, String> {
    let [compressed, a, b, c, d, body @ ..] = frame else {
        return Err(format!(
            "a {}-byte response is not a gRPC message",
            frame.len()
        ));
    };
    if *compressed != 0 {
        return Err("the response is compressed (not asked for)".into());
    }
    let len = u32::from_be_bytes([*a, *b, *c, *d]) as usize;
    let body = body
        .get(..len)
        .ok_or_else(|| format!("the response is cut short ({} of {len} bytes)", body.len()))?;
    let mut status = 0u64;
    let mut i = 0;
    while i < body.len() {
        let key = body[i];
        i += 1;
        let (value, used) = varint(&body[i..])?;
        i += used;
        match key {
            0x08 => status = value,
            _ if key & 7 == 0 => {}
            _ => return Err(format!("unexpected field key {key:#x} in the response")),
        }
    }
    Ok(match status {
        0 => "UNKNOWN",
        1 => "SERVING",
        2 => "NOT_SERVING",
        3 => "SERVICE_UNKNOWN",
        _ => "UNRECOGNIZED",
    })
}

fn varint(bytes: &[u8]) -> Result<(u64, usize), String> {
    let mut value = 0u64;
    for (i, b) in bytes.iter().enumerate().take(10) {
        value |= u64::from(b & 0x7f) << (7 * i);
        if b & 0x80 == 0 {
            return Ok((value, i + 1));
        }
    }
    Err("a varint in the response does not end".into())
}

/// `grpc-status` 12: the server speaks gRPC but has no `grpc.health.v1`.
pub const GRPC_UNIMPLEMENTED: &str = "12";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn health_statuses_decode() {
        assert_eq!(health_status(&[0, 0, 0, 0, 2, 0x08, 1]), Ok("SERVING"));
        assert_eq!(health_status(&[0, 0, 0, 0, 2, 0x08, 2]), Ok("NOT_SERVING"));
        // proto3 leaves a zero enum out.
        assert_eq!(health_status(&[0, 0, 0, 0, 0]), Ok("UNKNOWN"));
        assert!(
            health_status(&[0, 0, 0])
                .unwrap_err()
                .contains("not a gRPC message")
        );
        assert!(
            health_status(&[0, 0, 0, 0, 9, 0x08])
                .unwrap_err()
                .contains("cut short")
        );
        assert!(
            health_status(&[1, 0, 0, 0, 0])
                .unwrap_err()
                .contains("compressed")
        );
        assert!(health_status(&[0, 0, 0, 0, 2, 0x08, 0x80]).is_err());
    }

    #[test]
    fn reports_round_trip_through_the_log_and_other_lines_are_ignored() {
        let report = ProbeReport {
            endpoint: "performer-a.ns.svc.cluster.local:8080".into(),
            addresses: vec!["10.96.0.12".into()],
            dns_ms: 1.5,
            plaintext: Attempt::Answered {
                status: "SERVING".into(),
                ms: 2.0,
            },
            tls: Attempt::Failed {
                error: "handshake: corrupt message".into(),
            },
            ..Default::default()
        };
        let log = format!(
            "hgctl probe starting\n{}\n",
            serde_json::to_string(&report).unwrap()
        );
        assert_eq!(parse_reports(&log), vec![report]);
    }

    #[test]
    fn the_probe_pod_passes_the_restricted_profile_and_carries_no_token() {
        let placement = Placement {
            node_selector: BTreeMap::from([("pool".into(), "avs".into())]),
            tolerations: vec![],
        };
        let p = pod(
            "ns",
            "hgctl:v1",
            &["a:1".into(), "b:2".into()],
            &placement,
            90,
        );
        let spec = p.spec.unwrap();
        assert_eq!(spec.automount_service_account_token, Some(false));
        assert_eq!(spec.restart_policy.as_deref(), Some("Never"));
        assert_eq!(spec.active_deadline_seconds, Some(90));
        assert_eq!(spec.node_selector.unwrap()["pool"], "avs");
        assert!(spec.tolerations.is_none());
        let pod_sc = spec.security_context.unwrap();
        assert_eq!(pod_sc.run_as_non_root, Some(true));
        let c = &spec.containers[0];
        assert_eq!(
            c.args.clone().unwrap(),
            vec!["probe".to_string(), "a:1".into(), "b:2".into()]
        );
        let sc = c.security_context.clone().unwrap();
        assert_eq!(sc.allow_privilege_escalation, Some(false));
        assert_eq!(sc.capabilities.unwrap().drop.unwrap(), vec!["ALL"]);
    }
}
