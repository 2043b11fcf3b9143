//! `workload.performer.probe` (`doctor --probe`): what a pod in the Performer's namespace saw
//! when it resolved the Service name and called gRPC health, plaintext and TLS.

use super::performer::ready_addresses;
use super::*;
use crate::doctor::probe::{Attempt, ProbeReport, endpoint_of};

pub(super) fn in_cluster_probe(s: &Snapshot) -> Vec<Finding> {
    per_performer(
        s,
        |p| {
            let probes = match &s.probes {
                Ok(v) => v,
                Err(m) => return Some(skipped_for(pobj(p), m)),
            };
            let endpoint = endpoint_of(p);
            Some(match probes.get(&endpoint) {
                None => {
                    Finding::skipped(Some(pobj(p)), format!("skipped: {endpoint} was not probed"))
                }
                Some(Err(why)) => Finding::skipped(Some(pobj(p)), format!("skipped: {why}")),
                Some(Ok(report)) => {
                    let (ns, name) = name_of(&p.metadata);
                    let ready = s
                        .endpoint_slices
                        .as_ref()
                        .ok()
                        .map(|sl| ready_addresses(sl, ns, &render::service_name(name)));
                    verdict(p, report, ready)
                }
            })
        },
        "no Performers",
    )
}

/// `ready`: the ready addresses behind the Performer's Service, when known.
fn verdict(p: &Performer, r: &ProbeReport, ready: Option<usize>) -> Finding {
    let (ns, name) = name_of(&p.metadata);
    let obj = Some(pobj(p));
    let svc = render::service_name(name);
    let port = r.endpoint.rsplit(':').next().unwrap_or_default();
    if let Some(e) = &r.dns_error {
        return Finding::problem(
            obj,
            format!("{} does not resolve from a pod in {ns}: {e}", r.endpoint),
            format!(
                "check that Service {svc} exists (`kubectl -n {ns} get service {svc}`) and that cluster DNS runs (`kubectl -n kube-system get pods -l k8s-app=kube-dns`)"
            ),
        );
    }
    if let Some(e) = &r.connect_error {
        let logs = format!("kubectl -n {ns} logs -l hourglass.eigenlayer.io/performer={name}");
        let (what, hint) = if ready == Some(0) {
            // kube-proxy rejects a ClusterIP without endpoints: refused, or unreachable (nftables).
            (
                format!(
                    "no pod is ready behind Service {svc}, so {} cannot be called",
                    r.endpoint
                ),
                format!(
                    "the pod fails its readiness probe: does it listen on spec.config.grpcPort ({}, passed as GRPC_PORT)? `{logs}`",
                    p.spec.grpc_port()
                ),
            )
        } else if e.contains("refused") {
            (
                format!("nothing accepts connections on port {port} behind Service {svc}"),
                format!(
                    "the performer must listen on spec.config.grpcPort ({}, passed as GRPC_PORT): `{logs}`",
                    p.spec.grpc_port()
                ),
            )
        } else {
            (
                format!(
                    "cannot connect to {} ({})",
                    r.endpoint,
                    r.addresses.join(", ")
                ),
                format!(
                    "a NetworkPolicy may drop it (`kubectl -n {ns} get networkpolicy`), or no pod is ready behind Service {svc}"
                ),
            )
        };
        return Finding::problem(obj, format!("{what}: {e}"), hint);
    }
    let tls_note = match &r.tls {
        Attempt::Answered { .. } => "; TLS is answered too",
        _ => {
            "; no TLS: an executor that dials TLS (upstream's, in Kubernetes mode) fails every task"
        }
    };
    match (&r.plaintext, &r.tls) {
        (Attempt::Answered { status, ms }, _) if status == "SERVING" || status == "UNIMPLEMENTED" => {
            let what = if status == "SERVING" {
                "SERVING".to_string()
            } else {
                "gRPC (no grpc.health.v1 service)".to_string()
            };
            Finding::pass(
                obj,
                format!(
                    "{} answers {what} over plaintext in {ms:.1} ms from a pod in {ns} (DNS {:.1} ms){tls_note}",
                    r.endpoint, r.dns_ms
                ),
            )
        }
        (Attempt::Answered { status, .. }, _) => Finding::problem(
            obj,
            format!("{} answers health {status}", r.endpoint),
            format!("the performer reports it cannot serve: `kubectl -n {ns} logs -l hourglass.eigenlayer.io/performer={name}`"),
        ),
        (_, Attempt::Answered { status, ms }) => Finding::problem(
            obj,
            format!(
                "{} speaks only TLS (health {status} over TLS in {ms:.1} ms): plaintext callers, such as the kubelet's gRPC probe and an executor in plaintext mode, fail",
                r.endpoint
            ),
            "serve plaintext gRPC on the port (hgctl can terminate TLS in front of it), or set spec.probes.protocol: Tcp".to_string(),
        ),
        (plain, tls) => Finding::problem(
            obj,
            format!(
                "{} accepts connections but answers neither plaintext gRPC ({}) nor TLS ({})",
                r.endpoint,
                failure(plain),
                failure(tls)
            ),
            format!("is it a gRPC server on port {port}? `kubectl -n {ns} logs -l hourglass.eigenlayer.io/performer={name}`"),
        ),
    }
}

fn failure(a: &Attempt) -> String {
    match a {
        Attempt::Failed { error } => error.clone(),
        Attempt::NotTried => "not tried".into(),
        Attempt::Answered { status, .. } => status.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::super::fixtures::*;
    use super::*;
    use crate::doctor::Verdict;
    use crate::doctor::probe::ProbeResults;

    fn snapshot_with(report: Result<ProbeReport, String>) -> (Snapshot, String) {
        let mut s = snap();
        let p = performer("p1", base_spec());
        let endpoint = endpoint_of(&p);
        s.performers = Ok(vec![p]);
        s.probes = Ok(ProbeResults::from([(endpoint.clone(), report)]));
        (s, endpoint)
    }

    fn report(endpoint: &str, plaintext: Attempt, tls: Attempt) -> ProbeReport {
        ProbeReport {
            endpoint: endpoint.into(),
            addresses: vec!["10.96.0.9".into()],
            dns_ms: 0.8,
            plaintext,
            tls,
            ..Default::default()
        }
    }

    fn answered(status: &str) -> Attempt {
        Attempt::Answered {
            status: status.into(),
            ms: 1.25,
        }
    }

    fn failed(error: &str) -> Attempt {
        Attempt::Failed {
            error: error.into(),
        }
    }

    fn finding(s: &Snapshot) -> Finding {
        let mut f = in_cluster_probe(s);
        assert_eq!(f.len(), 1, "{f:?}");
        f.remove(0)
    }

    #[test]
    fn serving_over_plaintext_passes_and_says_tls_is_missing() {
        let (mut s, ep) = snapshot_with(Err(String::new()));
        let r = report(&ep, answered("SERVING"), failed("tls handshake eof"));
        s.probes = Ok(ProbeResults::from([(ep.clone(), Ok(r))]));
        let f = finding(&s);
        assert_eq!(f.verdict, Verdict::Pass, "{f:?}");
        assert!(
            f.message.contains("SERVING over plaintext in 1.2 ms"),
            "{}",
            f.message
        );
        assert!(f.message.contains("no TLS"), "{}", f.message);
    }

    #[test]
    fn each_failure_names_its_stage_and_fix() {
        let ep = endpoint_of(&performer("p1", base_spec()));
        let cases = [
            (
                ProbeReport {
                    dns_error: Some("no such host".into()),
                    ..report(&ep, Attempt::NotTried, Attempt::NotTried)
                },
                "does not resolve",
                "kube-dns",
            ),
            (
                ProbeReport {
                    connect_error: Some("connection refused".into()),
                    ..report(&ep, Attempt::NotTried, Attempt::NotTried)
                },
                "nothing accepts connections on port",
                "GRPC_PORT",
            ),
            (
                ProbeReport {
                    connect_error: Some("timed out after 5s".into()),
                    ..report(&ep, Attempt::NotTried, Attempt::NotTried)
                },
                "cannot connect",
                "NetworkPolicy",
            ),
            (
                report(&ep, answered("NOT_SERVING"), failed("x")),
                "answers health NOT_SERVING",
                "logs",
            ),
            (
                report(
                    &ep,
                    failed("h2 handshake: frame with invalid size"),
                    answered("SERVING"),
                ),
                "speaks only TLS",
                "plaintext",
            ),
            (
                report(&ep, failed("connection reset"), failed("corrupt message")),
                "answers neither",
                "gRPC server",
            ),
        ];
        for (r, message, hint) in cases {
            let (mut s, _) = snapshot_with(Ok(r));
            s.endpoint_slices = Err(Missing::NotGathered);
            let f = finding(&s);
            assert_eq!(f.verdict, Verdict::Problem, "{f:?}");
            assert!(f.message.contains(message), "{message}: {}", f.message);
            assert!(
                f.hint.as_deref().unwrap_or_default().contains(hint),
                "{hint}: {f:?}"
            );
        }
    }

    #[test]
    fn a_service_without_ready_pods_points_at_readiness_whatever_the_connect_error() {
        let ep = ep_of_p1();
        for error in [
            "Network is unreachable (os error 101)",
            "connection refused",
        ] {
            let r = ProbeReport {
                connect_error: Some(error.into()),
                ..report(&ep, Attempt::NotTried, Attempt::NotTried)
            };
            let (mut s, _) = snapshot_with(Ok(r));
            s.endpoint_slices = Ok(Vec::new());
            let f = finding(&s);
            assert_eq!(f.verdict, Verdict::Problem);
            assert!(
                f.message
                    .contains("no pod is ready behind Service performer-p1"),
                "{}",
                f.message
            );
            assert!(f.hint.unwrap().contains("readiness probe"));
        }
    }

    #[test]
    fn a_probe_that_could_not_run_skips_with_its_reason() {
        let (s, _) = snapshot_with(Err("no permission to create pods in ns".into()));
        let f = finding(&s);
        assert_eq!(f.verdict, Verdict::Skipped);
        assert!(
            f.message.contains("no permission to create pods"),
            "{}",
            f.message
        );
    }

    #[test]
    fn the_probe_runs_only_when_asked() {
        let (s, ep) = snapshot_with(Ok(report(&ep_of_p1(), answered("SERVING"), failed("eof"))));
        assert!(only(&results(&s), "workload.performer.probe").is_empty());
        let asked = doctor::run(
            &s,
            &RunOptions {
                probe: true,
                ..Default::default()
            },
        );
        assert_eq!(
            one(&asked, "workload.performer.probe").status,
            Status::Pass,
            "{ep}"
        );
    }

    fn ep_of_p1() -> String {
        endpoint_of(&performer("p1", base_spec()))
    }
}
