use super::*;

/// Image pull failures, as kubelet reports them in a waiting container.
const PULL_REASONS: &[&str] = &[
    "ErrImagePull",
    "ImagePullBackOff",
    "InvalidImageName",
    "ErrImageNeverPull",
];

pub(super) fn performer_ready(s: &Snapshot) -> Vec<Finding> {
    per_performer(
        s,
        |p| {
            let (ns, name) = name_of(&p.metadata);
            let describe = format!("hgctl performer describe {name} -n {ns}");
            Some(match p.status.as_ref() {
                None => Finding::problem(
                    Some(pobj(p)),
                    "no controller has reconciled it yet (no status)",
                    format!("hgctl run-local -n {ns}, or hgctl install"),
                ),
                Some(st) if st.ready => Finding::pass(
                    Some(pobj(p)),
                    format!(
                        "Ready, serving at {}",
                        st.grpc_endpoint.as_deref().unwrap_or("<unknown>")
                    ),
                ),
                Some(st) => {
                    let cond = conditions::find(st.conditions.as_deref(), conditions::READY);
                    let why = cond
                        .map(|c| format!("{}: {}", c.reason, c.message))
                        .unwrap_or_else(|| "no Ready condition".into());
                    Finding::problem(
                        Some(pobj(p)),
                        format!(
                            "not Ready (phase {}): {why}",
                            st.phase.map(|p| p.as_str()).unwrap_or("<none>")
                        ),
                        describe,
                    )
                }
            })
        },
        "no Performers",
    )
}

pub(super) fn unschedulable(s: &Snapshot) -> Vec<Finding> {
    per_performer(
        s,
        |p| {
            let (ns, name) = name_of(&p.metadata);
            let pods = s.pods_of(ns, name);
            let pending = pods.into_iter().find(|pod| {
                pod.spec
                    .as_ref()
                    .and_then(|s| s.node_name.as_ref())
                    .is_none()
                    && pod.metadata.deletion_timestamp.is_none()
                    && pod
                        .status
                        .as_ref()
                        .and_then(|s| s.conditions.as_ref())
                        .is_some_and(|c| {
                            c.iter()
                                .any(|c| c.type_ == "PodScheduled" && c.status == "False")
                        })
            });
            let Some(pod) = pending else {
                return Some(Finding::pass(Some(pobj(p)), "no pod waiting for a node"));
            };
            let pod_name = pod.metadata.name.clone().unwrap_or_default();
            let scheduler_says = pod
                .status
                .as_ref()
                .and_then(|s| s.conditions.as_ref())
                .and_then(|c| c.iter().find(|c| c.type_ == "PodScheduled"))
                .and_then(|c| c.message.clone())
                .unwrap_or_default();
            let (lines, ex) = match (&s.nodes, &s.runtime_classes) {
                (Ok(nodes), rcs) => {
                    let used = used(s);
                    let mut fits =
                        scheduling::fits_of(pod, nodes, &used, rcs.as_deref().unwrap_or_default());
                    if rcs.is_err() {
                        scheduling::runtime_classes_unknown(&mut fits);
                    }
                    let gpu = gpu_request(p).map(|(t, _)| t);
                    let ex = scheduling::explain_fits(pod, nodes, &fits, &used, gpu.as_deref());
                    (ex.lines.clone(), ex)
                }
                (Err(m), _) => (
                    vec![format!(
                        "the scheduler says: {scheduler_says} (nodes not read: {})",
                        m.reason()
                    )],
                    Explanation::default(),
                ),
            };
            let hint = if let Some(gpu) = &ex.missing_gpu {
                let present = models_present(s);
                format!(
                    "use a GPU model the cluster has{} with `{}`, or add nodes with {gpu} GPUs",
                    if present.is_empty() {
                        String::new()
                    } else {
                        format!(" (gpuType: {})", present.join(", "))
                    },
                    edit_performer(p)
                )
            } else if ex.taint_blocks {
                format!(
                    "tolerate the taint in spec.scheduling.tolerations (`{}`), or remove it from the node (`kubectl taint node NODE KEY-`)",
                    edit_performer(p)
                )
            } else if !ex.fitting.is_empty() {
                format!(
                    "wait for the scheduler, or check it runs: `kubectl -n {ns} get events --field-selector involvedObject.name={pod_name}`"
                )
            } else {
                format!(
                    "relax spec.scheduling / spec.hardwareRequirements (`{}`) or add a node that meets them",
                    edit_performer(p)
                )
            };
            Some(Finding::problem(
                Some(pobj(p)),
                format!("pod {pod_name} cannot be scheduled: {}", lines.join("; ")),
                hint,
            ))
        },
        "no Performers",
    )
}

pub(super) fn image_pull(s: &Snapshot) -> Vec<Finding> {
    per_performer(
        s,
        |p| {
            let (ns, name) = name_of(&p.metadata);
            for pod in s.pods_of(ns, name) {
                for (container, reason, message, _) in waiting(pod) {
                    if PULL_REASONS.contains(&reason.as_str()) {
                        let image = pod
                            .spec
                            .as_ref()
                            .and_then(|s| s.containers.iter().find(|c| c.name == container))
                            .and_then(|c| c.image.clone())
                            .unwrap_or_else(|| p.spec.image.clone());
                        let pod_name = pod.metadata.name.clone().unwrap_or_default();
                        let detail = if message.is_empty() {
                            String::new()
                        } else {
                            format!(": {message}")
                        };
                        let hint = if reason == "ErrImageNeverPull" {
                            format!(
                                "imagePullPolicy is Never: load {image} onto the node, or set spec.imagePullPolicy: IfNotPresent (`{}`)",
                                edit_performer(p)
                            )
                        } else {
                            format!(
                                "check the image name and tag (`kubectl -n {ns} patch performer {name} --type merge -p '{{\"spec\":{{\"image\":\"REPO:TAG\"}}}}'`); for a private registry create a pull secret (`kubectl -n {ns} create secret docker-registry regcred --docker-server=...`) and list it in spec.imagePullSecrets"
                            )
                        };
                        return Some(Finding::problem(
                            Some(pobj(p)),
                            format!("pod {pod_name} cannot pull image {image} ({reason}{detail})"),
                            hint,
                        ));
                    }
                }
            }
            Some(Finding::pass(Some(pobj(p)), "no image pull failures"))
        },
        "no Performers",
    )
}

/// Why the kubelet could not create or start a container, as it reports it while waiting.
const START_REASONS: &[&str] = &[
    "CreateContainerConfigError",
    "CreateContainerError",
    "RunContainerError",
];

pub(super) fn container_start(s: &Snapshot) -> Vec<Finding> {
    per_performer(
        s,
        |p| {
            let (ns, name) = name_of(&p.metadata);
            for pod in s.pods_of(ns, name) {
                for (container, reason, message, _) in waiting(pod) {
                    if START_REASONS.contains(&reason.as_str()) {
                        let pod_name = pod.metadata.name.as_deref().unwrap_or_default();
                        return Some(Finding::problem(
                            Some(pobj(p)),
                            format!(
                                "the kubelet cannot start container {container} of pod {pod_name} ({reason}): {message}"
                            ),
                            start_fix(p, pod_name, &message),
                        ));
                    }
                }
            }
            Some(Finding::pass(Some(pobj(p)), "no container start failures"))
        },
        "no Performers",
    )
}

/// The fix for a kubelet's start failure, from its message.
fn start_fix(p: &Performer, pod_name: &str, message: &str) -> String {
    let (ns, _) = name_of(&p.metadata);
    let quoted = |after: &str| {
        message
            .split(after)
            .nth(1)
            .and_then(|rest| rest.split('"').nth(1))
            .map(str::to_string)
    };
    if message.contains("runAsNonRoot") && message.contains("root") {
        format!(
            "the image runs as root and the pod forbids it: run it as a user the image allows (spec.containerSecurityContext.runAsUser) or drop runAsNonRoot from spec.podSecurityContext (`{}`); hgctl's defaults run root images unless the namespace enforces the restricted Pod Security level",
            edit_performer(p)
        )
    } else if let Some(secret) = quoted("secret ") {
        format!(
            "create Secret {secret} in {ns} (`kubectl -n {ns} create secret generic {secret} --from-literal=KEY=VALUE`) or stop referring to it"
        )
    } else if let Some(map) = quoted("configmap ") {
        format!(
            "create ConfigMap {map} in {ns} (`kubectl -n {ns} create configmap {map} --from-literal=KEY=VALUE`) or stop referring to it"
        )
    } else if message.contains("couldn't find key") {
        format!(
            "add the key to the Secret or ConfigMap it names, or fix the reference (`{}`)",
            edit_performer(p)
        )
    } else {
        format!("kubectl -n {ns} describe pod {pod_name}")
    }
}

pub(super) fn failing_probes(s: &Snapshot) -> Vec<Finding> {
    per_performer(
        s,
        |p| {
            let events = match &s.unhealthy {
                Ok(v) => v,
                Err(m) => return Some(skipped_for(pobj(p), m)),
            };
            let (ns, name) = name_of(&p.metadata);
            for pod in s.pods_of(ns, name) {
                let pod_name = pod.metadata.name.as_deref().unwrap_or_default();
                let latest = events
                    .iter()
                    .filter(|e| {
                        e.metadata.namespace.as_deref() == Some(ns)
                            && e.involved_object.name.as_deref() == Some(pod_name)
                    })
                    .max_by_key(|e| e.last_timestamp.as_ref().map(|t| t.0));
                let Some(event) = latest else { continue };
                let message = event.message.as_deref().unwrap_or_default();
                let count = event.count.unwrap_or(1);
                return Some(Finding::problem(
                    Some(pobj(p)),
                    format!("the kubelet's probe of pod {pod_name} fails: {message} (x{count})"),
                    probe_fix(p, message),
                ));
            }
            Some(Finding::pass(Some(pobj(p)), "no failing probes"))
        },
        "no Performers",
    )
}

/// The fix for a failing probe, from the kubelet's message (its gRPC and TCP probers' words).
fn probe_fix(p: &Performer, message: &str) -> String {
    let port = p.spec.grpc_port();
    let edit = edit_performer(p);
    if message.contains("does not implement the grpc health protocol") {
        format!(
            "the performer serves no grpc.health.v1: set spec.probes.protocol: Tcp (`{edit}`), or serve the health service"
        )
    } else if message.contains("NOT_SERVING") {
        "the performer reports NOT_SERVING: see its log for why it cannot serve".to_string()
    } else if message.starts_with("Startup probe") {
        format!(
            "it does not answer on port {port} yet: if it loads slowly (a model), raise spec.probes.startupSeconds (`{edit}`); otherwise check that it listens on spec.config.grpcPort ({port}, passed as GRPC_PORT)"
        )
    } else {
        format!(
            "it stopped answering on port {port}: check its log and that it listens on spec.config.grpcPort ({port}, passed as GRPC_PORT)"
        )
    }
}

pub(super) fn crash_loop(s: &Snapshot) -> Vec<Finding> {
    per_performer(
        s,
        |p| {
            let (ns, name) = name_of(&p.metadata);
            for pod in s.pods_of(ns, name) {
                for (container, reason, _, restarts) in waiting(pod) {
                    if reason != "CrashLoopBackOff" {
                        continue;
                    }
                    let pod_name = pod.metadata.name.clone().unwrap_or_default();
                    let exit = pod
                        .status
                        .as_ref()
                        .and_then(|s| s.container_statuses.as_ref())
                        .and_then(|cs| cs.iter().find(|c| c.name == container))
                        .and_then(|c| c.last_state.as_ref()?.terminated.as_ref())
                        .map(|t| format!(", last exit code {}", t.exit_code))
                        .unwrap_or_default();
                    let logs = match s.logs.get(&format!("{ns}/{pod_name}")) {
                        Some(Ok(text)) if !text.trim().is_empty() => format!(
                            "; last log lines: {}",
                            text.trim().lines().collect::<Vec<_>>().join(" | ")
                        ),
                        Some(Ok(_)) => "; the previous container logged nothing".into(),
                        Some(Err(e)) => format!("; logs not readable: {e}"),
                        None => String::new(),
                    };
                    return Some(Finding::problem(
                        Some(pobj(p)),
                        format!(
                            "container {container} of pod {pod_name} is crash-looping ({restarts} restarts{exit}){logs}"
                        ),
                        format!("kubectl -n {ns} logs {pod_name} -c {container} --previous"),
                    ));
                }
            }
            Some(Finding::pass(Some(pobj(p)), "no crash loops"))
        },
        "no Performers",
    )
}

fn selects(selector: &BTreeMap<String, String>, pod: &Pod) -> bool {
    let labels = pod.metadata.labels.clone().unwrap_or_default();
    !selector.is_empty() && selector.iter().all(|(k, v)| labels.get(k) == Some(v))
}

pub(super) fn service(s: &Snapshot) -> Vec<Finding> {
    per_performer(
        s,
        |p| {
            let (ns, name) = name_of(&p.metadata);
            let services = match &s.services {
                Ok(v) => v,
                Err(m) => return Some(skipped_for(pobj(p), m)),
            };
            let svc_name = render::service_name(name);
            let Some(svc) = services.iter().find(|s| {
                s.metadata.namespace.as_deref() == Some(ns)
                    && s.metadata.name.as_deref() == Some(svc_name.as_str())
            }) else {
                return Some(Finding::problem(
                    Some(pobj(p)),
                    format!(
                        "Service {svc_name} does not exist: the executor cannot reach this Performer"
                    ),
                    format!("a running controller creates it: hgctl run-local -n {ns}"),
                ));
            };
            let spec = svc.spec.clone().unwrap_or_default();
            let selector = spec.selector.clone().unwrap_or_default();
            let selected = s
                .pods_in(ns)
                .into_iter()
                .filter(|pod| selects(&selector, pod))
                .count();
            let sel = selector
                .iter()
                .map(|(k, v)| format!("{k}={v}"))
                .collect::<Vec<_>>()
                .join(",");
            if selected == 0 {
                return Some(Finding::problem(
                    Some(pobj(p)),
                    format!(
                        "Service {svc_name} selects {}, which matches no pod in {ns}",
                        if sel.is_empty() {
                            "nothing".into()
                        } else {
                            sel.clone()
                        }
                    ),
                    format!(
                        "a running controller re-applies the selector (hgctl run-local -n {ns}); `kubectl -n {ns} get pods -l {sel}` shows what it selects"
                    ),
                ));
            }
            let want = p.spec.grpc_port();
            let port_ok =
                spec.ports.iter().flatten().any(|sp| {
                    sp.port == want && sp.name.as_deref() == Some(render::GRPC_PORT_NAME)
                });
            if !port_ok {
                return Some(Finding::problem(
                    Some(pobj(p)),
                    format!(
                        "Service {svc_name} has no port named {} on {want} (the gRPC port in the spec)",
                        render::GRPC_PORT_NAME
                    ),
                    format!(
                        "a running controller re-applies the Service (hgctl run-local -n {ns})"
                    ),
                ));
            }
            Some(Finding::pass(
                Some(pobj(p)),
                format!(
                    "Service {svc_name} selects {selected} pod(s) on port {} {want}",
                    render::GRPC_PORT_NAME
                ),
            ))
        },
        "no Performers",
    )
}

/// Ready addresses in the EndpointSlices of Service `svc_name` in `ns`.
pub(super) fn ready_addresses(
    slices: &[k8s_openapi::api::discovery::v1::EndpointSlice],
    ns: &str,
    svc_name: &str,
) -> usize {
    slices
        .iter()
        .filter(|sl| {
            sl.metadata.namespace.as_deref() == Some(ns)
                && sl
                    .metadata
                    .labels
                    .as_ref()
                    .and_then(|l| l.get("kubernetes.io/service-name"))
                    .is_some_and(|n| n == svc_name)
        })
        .flat_map(|sl| sl.endpoints.iter().flatten())
        .filter(|ep| {
            ep.conditions
                .as_ref()
                .and_then(|c| c.ready)
                .unwrap_or(false)
        })
        .count()
}

pub(super) fn endpoints(s: &Snapshot) -> Vec<Finding> {
    per_performer(
        s,
        |p| {
            let (ns, name) = name_of(&p.metadata);
            let (services, slices) = match (&s.services, &s.endpoint_slices) {
                (Ok(a), Ok(b)) => (a, b),
                (Err(m), _) | (_, Err(m)) => return Some(skipped_for(pobj(p), m)),
            };
            let svc_name = render::service_name(name);
            let svc = services.iter().find(|s| {
                s.metadata.namespace.as_deref() == Some(ns)
                    && s.metadata.name.as_deref() == Some(svc_name.as_str())
            })?;
            let selector = svc
                .spec
                .as_ref()
                .and_then(|s| s.selector.clone())
                .unwrap_or_default();
            let ready_pod = s
                .pods_in(ns)
                .into_iter()
                .find(|pod| selects(&selector, pod) && pod_ready(pod));
            let Some(ready_pod) = ready_pod else {
                return Some(Finding::skipped(
                    Some(pobj(p)),
                    format!("skipped: no Ready pod behind Service {svc_name} yet"),
                ));
            };
            let ready_addresses = ready_addresses(slices, ns, &svc_name);
            if ready_addresses == 0 {
                Some(Finding::problem(
                    Some(pobj(p)),
                    format!(
                        "the EndpointSlices of Service {svc_name} have no ready address although pod {} is Ready",
                        ready_pod.metadata.name.as_deref().unwrap_or_default()
                    ),
                    format!(
                        "kubectl -n {ns} get endpointslices -l kubernetes.io/service-name={svc_name} -o yaml (is kube-controller-manager running?)"
                    ),
                ))
            } else {
                Some(Finding::pass(
                    Some(pobj(p)),
                    format!("Service {svc_name} has {ready_addresses} ready address(es)"),
                ))
            }
        },
        "no Performers",
    )
}

#[cfg(test)]
mod tests {
    use super::super::fixtures::*;
    use super::*;

    fn waiting_status(reason: &str, message: &str) -> Value {
        json!({"phase": "Pending", "conditions": [{"type": "PodScheduled", "status": "True"}],
            "containerStatuses": [{"name": "performer", "image": "avs:v1", "imageID": "", "ready": false, "restartCount": 7,
                "lastState": {"terminated": {"exitCode": 2}},
                "state": {"waiting": {"reason": reason, "message": message}}}]})
    }

    #[test]
    fn container_start_failures_carry_the_kubelets_message_and_the_fix() {
        let cases = [
            (
                "container has runAsNonRoot and image will run as root (pod: \"p_ns(u)\", container: performer)",
                "spec.containerSecurityContext.runAsUser",
            ),
            (
                "secret \"avs-keys\" not found",
                "create secret generic avs-keys",
            ),
            (
                "configmap \"avs-conf\" not found",
                "create configmap avs-conf",
            ),
            ("couldn't find key rpc in Secret ns/avs-keys", "add the key"),
            ("something else", "describe pod"),
        ];
        for (message, fix) in cases {
            let p = performer("p1", base_spec());
            let mut s = snap();
            s.pods = Ok(vec![pod_of(
                &p,
                Some("n1"),
                waiting_status("CreateContainerConfigError", message),
            )]);
            s.performers = Ok(vec![p]);
            let r = one(&results(&s), "workload.performer.container-start").clone();
            assert_eq!(r.status, Status::Fail, "{r:?}");
            assert!(r.message.contains(message), "{}", r.message);
            assert!(r.hint.as_deref().unwrap().contains(fix), "{fix}: {r:?}");
        }
    }

    fn unhealthy(pod: &Pod, message: &str, count: i32) -> k8s_openapi::api::core::v1::Event {
        serde_json::from_value(json!({
            "metadata": {"name": "e1", "namespace": "ns"},
            "involvedObject": {"kind": "Pod", "name": pod.metadata.name.clone().unwrap()},
            "reason": "Unhealthy", "message": message, "count": count,
            "lastTimestamp": "2026-12-04T10:00:00Z",
        }))
        .unwrap()
    }

    #[test]
    fn failing_probes_carry_the_kubelets_message_and_the_fix() {
        let running =
            json!({"phase": "Running", "conditions": [{"type": "Ready", "status": "False"}]});
        let cases = [
            (
                "Startup probe failed: timeout: failed to connect service \":8080\" within 1s: context deadline exceeded",
                "spec.probes.startupSeconds",
            ),
            (
                "Readiness probe failed: error: this server does not implement the grpc health protocol (grpc.health.v1.Health): rpc error: code = Unimplemented",
                "spec.probes.protocol: Tcp",
            ),
            (
                "Readiness probe failed: service unhealthy (responded with \"NOT_SERVING\")",
                "NOT_SERVING",
            ),
            (
                "Liveness probe failed: dial tcp 10.88.0.5:8080: connect: connection refused",
                "stopped answering",
            ),
        ];
        for (message, fix) in cases {
            let p = performer("p1", base_spec());
            let pod = pod_of(&p, Some("n1"), running.clone());
            let mut s = snap();
            s.unhealthy = Ok(vec![unhealthy(&pod, message, 7)]);
            s.pods = Ok(vec![pod]);
            s.performers = Ok(vec![p]);
            let r = one(&results(&s), "workload.performer.probes").clone();
            assert_eq!(r.status, Status::Fail, "{r:?}");
            assert!(
                r.message.contains(message) && r.message.contains("(x7)"),
                "{}",
                r.message
            );
            assert!(r.hint.as_deref().unwrap().contains(fix), "{fix}: {r:?}");
        }
        // No events: pass.
        let p = performer("p1", base_spec());
        let mut s = snap();
        s.unhealthy = Ok(Vec::new());
        s.pods = Ok(vec![pod_of(&p, Some("n1"), running.clone())]);
        s.performers = Ok(vec![p]);
        assert_eq!(
            one(&results(&s), "workload.performer.probes").status,
            Status::Pass
        );
    }

    #[test]
    fn image_pull_failure() {
        let mut s = snap();
        let p = performer("img", base_spec());
        s.pods = Ok(vec![pod_of(
            &p,
            Some("cpu-1"),
            waiting_status("ImagePullBackOff", "Back-off pulling image \"avs:v1\""),
        )]);
        s.performers = Ok(vec![p]);
        let r = results(&s);
        let pull = one(&r, "workload.performer.image-pull");
        assert_eq!(pull.status, Status::Fail);
        assert!(
            pull.message
                .contains("cannot pull image avs:v1 (ImagePullBackOff: Back-off pulling image"),
            "{}",
            pull.message
        );
        assert!(pull.hint.as_deref().unwrap().contains("imagePullSecrets"));
        assert_eq!(
            one(&r, "workload.performer.crash-loop").status,
            Status::Pass
        );
    }

    #[test]
    fn crash_loop_shows_the_last_log_lines() {
        let mut s = snap();
        let p = performer("crash", base_spec());
        let pod = pod_of(
            &p,
            Some("cpu-1"),
            waiting_status("CrashLoopBackOff", "back-off 5m0s"),
        );
        let key = format!("ns/{}", pod.metadata.name.clone().unwrap());
        s.pods = Ok(vec![pod]);
        s.performers = Ok(vec![p]);
        s.logs
            .insert(key, Ok("starting\npanic: no config\n".into()));
        let crash = one(&results(&s), "workload.performer.crash-loop").clone();
        assert_eq!(crash.status, Status::Fail);
        assert!(
            crash.message.contains(
                "(7 restarts, last exit code 2); last log lines: starting | panic: no config"
            ),
            "{}",
            crash.message
        );
        assert!(crash.hint.unwrap().contains("--previous"));
    }

    fn svc(name: &str, selector: Value, port: i32) -> Service {
        serde_json::from_value(json!({
            "metadata": {"name": name, "namespace": "ns"},
            "spec": {"selector": selector, "ports": [{"name": "grpc", "port": port}]}
        }))
        .unwrap()
    }

    fn slice(service: &str, ready: bool) -> EndpointSlice {
        serde_json::from_value(json!({
            "metadata": {"name": format!("{service}-x"), "namespace": "ns", "labels": {"kubernetes.io/service-name": service}},
            "addressType": "IPv4",
            "endpoints": [{"addresses": ["10.0.0.1"], "conditions": {"ready": ready}}]
        }))
        .unwrap()
    }

    #[test]
    fn service_selector_matching_no_pod_and_endpoints() {
        let mut s = snap();
        let good = performer("good", base_spec());
        let bad = performer("bad", base_spec());
        let good_pod = pod_of(&good, Some("cpu-1"), ready_status());
        let hash = good_pod.metadata.labels.as_ref().unwrap()[render::LABEL_TEMPLATE_HASH].clone();
        let bad_pod = pod_of(&bad, Some("cpu-1"), ready_status());
        s.pods = Ok(vec![good_pod, bad_pod]);
        s.services = Ok(vec![
            render::desired_service(&good, &hash),
            svc(
                "performer-bad",
                json!({"hourglass.eigenlayer.io/performer": "nobody"}),
                9090,
            ),
        ]);
        s.endpoint_slices = Ok(vec![slice("performer-good", false)]);
        s.performers = Ok(vec![good, bad]);
        let r = results(&s);
        let service = only(&r, "workload.performer.service");
        assert_eq!(service[0].status, Status::Pass, "{:?}", service[0]);
        assert_eq!(service[1].status, Status::Fail);
        assert_eq!(
            service[1].message,
            "Service performer-bad selects hourglass.eigenlayer.io/performer=nobody, which matches no pod in ns"
        );
        let ep = only(&r, "workload.performer.endpoints");
        assert_eq!(ep[0].status, Status::Fail, "slice has no ready address");
        assert_eq!(ep[1].status, Status::Skipped);
    }

    #[test]
    fn missing_service() {
        let mut s = snap();
        s.performers = Ok(vec![performer("lonely", base_spec())]);
        let r = one(&results(&s), "workload.performer.service").clone();
        assert_eq!(
            r.message,
            "Service performer-lonely does not exist: the executor cannot reach this Performer"
        );
    }
}
