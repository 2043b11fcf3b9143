//! What `hgctl performer|executor describe` prints (pure), laid out like
//! `kubectl describe`. Never prints Secret values, values taken from Secrets,
//! inline keys, or RPC URL paths (they often carry API keys).

use k8s_openapi::api::core::v1::{Event, Pod, Service};
use k8s_openapi::api::discovery::v1::EndpointSlice;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::{Condition, ObjectMeta};
use k8s_openapi::jiff::Timestamp;

use crate::api::executor::{AvsEnv, Chain};
use crate::api::performer::EnvironmentFromSource;
use crate::api::{HourglassExecutor, Performer};
use crate::doctor::{CheckResult, report};
use crate::output::table::{self, age_of};
use crate::render::template::{self, TemplateLink};
use crate::validate::SERVICE_PREFIX;

/// Shown instead of an inline key.
pub const REDACTED_INLINE_KEY: &str = "<redacted: inline key, move it to a Secret>";
/// At most this many events, newest last.
const MAX_EVENTS: usize = 20;

/// Key/value lines aligned like kubectl describe's tabwriter.
struct Block {
    out: String,
}

impl Block {
    fn new() -> Self {
        Self { out: String::new() }
    }

    fn pairs(&mut self, indent: usize, pairs: &[(&str, String)]) {
        let width = pairs.iter().map(|(k, _)| k.len() + 1).max().unwrap_or(0) + 2;
        for (key, value) in pairs {
            let key = format!("{key}:");
            if value.is_empty() {
                self.out.push_str(&format!("{:indent$}{key}\n", ""));
            } else {
                self.out
                    .push_str(&format!("{:indent$}{key:<width$}{value}\n", ""));
            }
        }
    }

    fn heading(&mut self, indent: usize, title: &str) {
        self.out.push_str(&format!("{:indent$}{title}:\n", ""));
    }

    fn line(&mut self, indent: usize, text: &str) {
        self.out.push_str(&format!("{:indent$}{text}\n", ""));
    }

    fn table(&mut self, indent: usize, headers: &[&str], rows: Vec<Vec<String>>) {
        let headers: Vec<String> = headers.iter().map(|h| h.to_string()).collect();
        let text = table::render(&headers, &rows, &[], true);
        for l in text.lines() {
            self.line(indent, l);
        }
    }
}

fn or_none(value: Option<impl ToString>) -> String {
    value
        .map(|v| v.to_string())
        .unwrap_or_else(|| "<none>".into())
}

fn labels(meta: &ObjectMeta) -> String {
    match &meta.labels {
        Some(l) if !l.is_empty() => l
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>()
            .join("\n               "),
        _ => "<none>".into(),
    }
}

fn header(b: &mut Block, meta: &ObjectMeta, now: Timestamp) {
    let created = meta
        .creation_timestamp
        .as_ref()
        .map(|t| format!("{} ({} ago)", t.0, table::age(t.0, now)))
        .unwrap_or_else(|| "<unknown>".into());
    let mut pairs = vec![
        ("Name", or_none(meta.name.as_ref())),
        ("Namespace", or_none(meta.namespace.as_ref())),
        ("Labels", labels(meta)),
        ("Created", created),
    ];
    if let Some(t) = &meta.deletion_timestamp {
        pairs.push((
            "Deleting Since",
            format!(
                "{} (finalizers: {})",
                t.0,
                meta.finalizers
                    .as_ref()
                    .map(|f| f.join(", "))
                    .unwrap_or_else(|| "none".into())
            ),
        ));
    }
    // Align the first block like kubectl's 15-column key field.
    let width = 15;
    for (key, value) in pairs {
        let key = format!("{key}:");
        b.out.push_str(&format!("{key:<width$}{value}\n"));
    }
}

fn conditions(b: &mut Block, conds: Option<&[Condition]>, now: Timestamp) {
    match conds {
        Some(c) if !c.is_empty() => {
            b.heading(0, "Conditions");
            let rows = c
                .iter()
                .map(|c| {
                    vec![
                        c.type_.clone(),
                        c.status.clone(),
                        c.reason.clone(),
                        table::age(c.last_transition_time.0, now),
                        c.message.clone(),
                    ]
                })
                .collect();
            b.table(2, &["Type", "Status", "Reason", "Age", "Message"], rows);
        }
        _ => b.pairs(0, &[("Conditions", "<none>".into())]),
    }
}

fn pods(b: &mut Block, pods: &[Pod], serving: Option<&str>, now: Timestamp) {
    if pods.is_empty() {
        b.pairs(0, &[("Pods", "<none>".into())]);
        return;
    }
    b.heading(0, "Pods");
    let rows = pods
        .iter()
        .map(|p| {
            let status = p.status.as_ref();
            let statuses = status.and_then(|s| s.container_statuses.as_deref());
            let ready = statuses
                .map(|s| s.iter().filter(|c| c.ready).count())
                .unwrap_or(0);
            let total = p.spec.as_ref().map(|s| s.containers.len()).unwrap_or(0);
            // A waiting reason (ImagePullBackOff, CrashLoopBackOff) says more than the phase.
            let waiting = statuses.and_then(|s| {
                s.iter()
                    .find_map(|c| c.state.as_ref()?.waiting.as_ref()?.reason.clone())
            });
            let phase = waiting
                .or_else(|| status.and_then(|s| s.phase.clone()))
                .unwrap_or_else(|| "Unknown".into());
            let name = p.metadata.name.clone().unwrap_or_default();
            let role = if Some(name.as_str()) == serving {
                "serving"
            } else {
                ""
            };
            vec![
                name,
                format!("{ready}/{total}"),
                phase,
                or_none(p.spec.as_ref().and_then(|s| s.node_name.as_ref())),
                or_none(status.and_then(|s| s.pod_ip.as_ref())),
                age_of(p.metadata.creation_timestamp.as_ref(), now),
                role.to_string(),
            ]
        })
        .collect();
    b.table(
        2,
        &["Name", "Ready", "Status", "Node", "IP", "Age", "Role"],
        rows,
    );
}

fn events(b: &mut Block, events: &[Event], now: Timestamp) {
    if events.is_empty() {
        b.pairs(0, &[("Events", "<none>".into())]);
        return;
    }
    let when = |e: &Event| {
        e.last_timestamp
            .as_ref()
            .map(|t| t.0)
            .or(e.event_time.as_ref().map(|t| t.0))
            .or(e.first_timestamp.as_ref().map(|t| t.0))
            .or(e.metadata.creation_timestamp.as_ref().map(|t| t.0))
    };
    let mut sorted: Vec<&Event> = events.iter().collect();
    sorted.sort_by_key(|e| when(e));
    let skip = sorted.len().saturating_sub(MAX_EVENTS);
    b.heading(0, "Events");
    let rows = sorted
        .into_iter()
        .skip(skip)
        .map(|e| {
            let count = e.count.unwrap_or(1);
            let age = when(e)
                .map(|t| table::age(t, now))
                .unwrap_or_else(|| "<unknown>".into());
            let from = e
                .source
                .as_ref()
                .and_then(|s| s.component.clone())
                .or_else(|| e.reporting_component.clone())
                .unwrap_or_default();
            vec![
                e.type_.clone().unwrap_or_default(),
                e.reason.clone().unwrap_or_default(),
                if count > 1 {
                    format!("{age} (x{count})")
                } else {
                    age
                },
                from,
                format!(
                    "{}/{}",
                    e.involved_object.kind.clone().unwrap_or_default(),
                    e.involved_object.name.clone().unwrap_or_default()
                ),
                e.message.clone().unwrap_or_default().trim().to_string(),
            ]
        })
        .collect();
    b.table(
        2,
        &["Type", "Reason", "Age", "From", "Object", "Message"],
        rows,
    );
}

fn env_from(source: &EnvironmentFromSource) -> String {
    if let Some(s) = &source.value_from.secret_key_ref {
        format!("<set from Secret {} key {}>", s.name, s.key)
    } else if let Some(c) = &source.value_from.config_map_key_ref {
        format!("<set from ConfigMap {} key {}>", c.name, c.key)
    } else {
        "<unset>".into()
    }
}

/// Which executor template applies, or why none does.
fn template_line(link: &TemplateLink) -> String {
    match link {
        TemplateLink::None => "<none> (no executor in the namespace lists this AVS)".into(),
        TemplateLink::Linked { .. } => link.template_name().unwrap_or_else(|| {
            format!(
                "<none> (executor {} lists this AVS without a performerTemplate)",
                link.executor().unwrap_or_default()
            )
        }),
        TemplateLink::Ambiguous { executors, .. } => format!(
            "<refused> (executors {} all list this AVS; none applies)",
            executors.join(", ")
        ),
    }
}

/// Everything needed to describe a Performer, fetched by list calls.
pub struct PerformerView<'a> {
    pub performer: &'a Performer,
    pub pods: &'a [Pod],
    pub service: Option<&'a Service>,
    pub endpoint_slices: &'a [EndpointSlice],
    pub events: &'a [Event],
    /// What `hgctl doctor` says about this Performer.
    pub doctor: &'a [CheckResult],
    /// The executors of the namespace, for the template that applies to it.
    pub executors: &'a [HourglassExecutor],
}

/// `hgctl performer describe`.
pub fn performer(view: &PerformerView<'_>, now: Timestamp) -> String {
    let p = view.performer;
    let mut b = Block::new();
    header(&mut b, &p.metadata, now);
    performer_spec(&mut b, view);
    performer_status(&mut b, view, now);
    performer_service(&mut b, view);
    events(&mut b, view.events, now);
    b.out.push_str(&report::describe_section(view.doctor));
    b.out
}

/// The spec a Performer's pod is rendered from: its own with its template under it,
/// the template's values marked.
fn performer_spec(b: &mut Block, view: &PerformerView<'_>) {
    let p = view.performer;
    // The values the pod is rendered from: the Performer's own with its template under them.
    let link = template::link(p, view.executors);
    let merged = template::effective(p, &link);
    let spec = &merged.spec;
    let marked = |prefix: &str, value: String| {
        if merged.from_template.iter().any(|f| f.starts_with(prefix)) {
            format!("{value} (template)")
        } else {
            value
        }
    };
    let hw = spec.hardware_requirements.as_ref();
    let sched = spec.scheduling.as_ref();
    b.heading(0, "Spec");
    let gpu = match hw.and_then(|h| h.gpu_type.as_ref()) {
        Some(t) => {
            let count = hw.and_then(|h| h.gpu_count).unwrap_or(1);
            let effective = Performer {
                spec: spec.clone(),
                ..p.clone()
            };
            match crate::render::performer::dra_gpu_claim(&effective) {
                Some(claim) => format!("{t} x{count} (DRA, DeviceClass {})", claim.device_class),
                None => format!("{t} x{count}"),
            }
        }
        None => "<none>".into(),
    };
    b.pairs(
        2,
        &[
            ("AVS", spec.avs_address.clone()),
            ("Image", spec.image.clone()),
            ("Version", or_none(spec.version.as_ref())),
            (
                "Pull Policy",
                marked(
                    "imagePullPolicy",
                    or_none(spec.image_pull_policy.map(|p| p.as_str())),
                ),
            ),
            ("gRPC Port", spec.grpc_port().to_string()),
            ("GPU", marked("hardwareRequirements.gpu", gpu)),
            (
                "TEE",
                marked(
                    "hardwareRequirements.tee",
                    or_none(hw.and_then(|h| h.tee_type.as_ref())),
                ),
            ),
            (
                "Runtime Class",
                marked(
                    "scheduling.runtimeClass",
                    or_none(sched.and_then(|s| s.runtime_class.as_ref())),
                ),
            ),
            (
                "Node Selector",
                marked(
                    "scheduling.nodeSelector",
                    match sched.and_then(|s| s.node_selector.as_ref()) {
                        Some(m) if !m.is_empty() => m
                            .iter()
                            .map(|(k, v)| format!("{k}={v}"))
                            .collect::<Vec<_>>()
                            .join(","),
                        _ => "<none>".into(),
                    },
                ),
            ),
            (
                "Upgrade Strategy",
                marked("upgradeStrategy", spec.upgrade_strategy().as_str().into()),
            ),
            ("Template", template_line(&link)),
            (
                "From Template",
                if merged.from_template.is_empty() {
                    "<none>".into()
                } else {
                    merged.from_template.join(", ")
                },
            ),
        ],
    );
    let config = spec.config.as_ref();
    let plain = config.and_then(|c| c.environment.as_ref());
    let from = config.and_then(|c| c.environment_from.as_ref());
    if plain.is_some_and(|e| !e.is_empty()) || from.is_some_and(|e| !e.is_empty()) {
        b.heading(2, "Environment");
        let mut pairs: Vec<(&str, String)> = Vec::new();
        if let Some(env) = plain {
            pairs.extend(env.iter().map(|(k, v)| (k.as_str(), v.clone())));
        }
        if let Some(env) = from {
            pairs.extend(env.iter().map(|e| (e.name.as_str(), env_from(e))));
        }
        b.pairs(4, &pairs);
    } else {
        b.pairs(2, &[("Environment", "<none>".into())]);
    }
}

/// Status, conditions and pods.
fn performer_status(b: &mut Block, view: &PerformerView<'_>, now: Timestamp) {
    let p = view.performer;
    let status = p.status.as_ref();
    b.heading(0, "Status");
    match status {
        None => b.line(2, "<none> (no reconciler has seen this Performer yet)"),
        Some(s) => b.pairs(
            2,
            &[
                ("Phase", or_none(s.phase.map(|p| p.as_str()))),
                ("Ready", s.ready.to_string()),
                ("Endpoint", or_none(s.grpc_endpoint.as_ref())),
                ("Pod", or_none(s.pod_name.as_ref())),
                (
                    "Ready Since",
                    s.ready_time
                        .as_ref()
                        .map(|t| format!("{} ({} ago)", t.0, table::age(t.0, now)))
                        .unwrap_or_else(|| "<never>".into()),
                ),
                (
                    "Last Upgrade",
                    or_none(s.last_upgrade.as_ref().map(|t| t.0)),
                ),
                (
                    "Observed Generation",
                    format!(
                        "{} (generation {})",
                        or_none(s.observed_generation),
                        or_none(p.metadata.generation)
                    ),
                ),
            ],
        ),
    }
    conditions(b, status.and_then(|s| s.conditions.as_deref()), now);
    pods(
        b,
        view.pods,
        status.and_then(|s| s.pod_name.as_deref()),
        now,
    );
}

/// The Service and the addresses of its EndpointSlices.
fn performer_service(b: &mut Block, view: &PerformerView<'_>) {
    let p = view.performer;
    match view.service {
        None => b.pairs(
            0,
            &[(
                "Service",
                format!(
                    "<none> ({SERVICE_PREFIX}{} does not exist)",
                    p.metadata.name.as_deref().unwrap_or_default()
                ),
            )],
        ),
        Some(svc) => {
            let spec = svc.spec.as_ref();
            let ports = spec
                .and_then(|s| s.ports.as_ref())
                .map(|ports| {
                    ports
                        .iter()
                        .map(|p| {
                            format!(
                                "{} {}/{}",
                                p.name.as_deref().unwrap_or("<unnamed>"),
                                p.port,
                                p.protocol.as_deref().unwrap_or("TCP")
                            )
                        })
                        .collect::<Vec<_>>()
                        .join(", ")
                })
                .unwrap_or_else(|| "<none>".into());
            let selector = spec
                .and_then(|s| s.selector.as_ref())
                .map(|s| {
                    s.iter()
                        .map(|(k, v)| format!("{k}={v}"))
                        .collect::<Vec<_>>()
                        .join(",")
                })
                .unwrap_or_else(|| "<none>".into());
            b.heading(0, "Service");
            let mut addresses: Vec<String> = Vec::new();
            for slice in view.endpoint_slices {
                let port = slice
                    .ports
                    .as_ref()
                    .and_then(|p| p.first())
                    .and_then(|p| p.port);
                for ep in slice.endpoints.iter().flatten() {
                    let ready = ep
                        .conditions
                        .as_ref()
                        .and_then(|c| c.ready)
                        .unwrap_or(false);
                    for addr in &ep.addresses {
                        addresses.push(format!(
                            "{addr}{} ({})",
                            port.map(|p| format!(":{p}")).unwrap_or_default(),
                            if ready { "ready" } else { "not ready" }
                        ));
                    }
                }
            }
            b.pairs(
                2,
                &[
                    ("Name", or_none(svc.metadata.name.as_ref())),
                    (
                        "Cluster IP",
                        or_none(spec.and_then(|s| s.cluster_ip.as_ref())),
                    ),
                    ("Ports", ports),
                    ("Selector", selector),
                    (
                        "Endpoints",
                        if addresses.is_empty() {
                            "<none>".into()
                        } else {
                            addresses.join(", ")
                        },
                    ),
                ],
            );
        }
    }
}

/// Scheme and host of an RPC URL: paths and queries often hold API keys.
fn rpc_host(url: &str) -> String {
    let (scheme, rest) = url.split_once("://").unwrap_or(("", url));
    let host = rest.split(['/', '?']).next().unwrap_or_default();
    let host = host.rsplit('@').next().unwrap_or(host);
    let hidden = rest.len() > host.len() || rest.contains('@');
    format!("{scheme}://{host}{}", if hidden { "/…" } else { "" })
}

fn avs_env(env: &AvsEnv) -> String {
    if let Some(v) = &env.value {
        return v.clone();
    }
    match env.value_from.as_ref() {
        Some(f) => {
            if let Some(s) = &f.secret_key_ref {
                format!("<set from Secret {} key {}>", s.name, s.key)
            } else if let Some(c) = &f.config_map_key_ref {
                format!("<set from ConfigMap {} key {}>", c.name, c.key)
            } else {
                "<unset>".into()
            }
        }
        None => "<unset>".into(),
    }
}

use crate::render::assessment::TaskMailbox;

/// `LoadBalancer (externalTrafficPolicy Local, 2 annotations)`.
fn service_summary(e: &HourglassExecutor) -> String {
    let service = e.spec.service.clone().unwrap_or_default();
    let mut details = Vec::new();
    if let Some(p) = service.external_traffic_policy {
        details.push(format!("externalTrafficPolicy {}", p.as_str()));
    }
    if let Some(a) = service.annotations.as_ref().filter(|a| !a.is_empty()) {
        details.push(format!("{} annotation(s)", a.len()));
    }
    let kind = service.kind.unwrap_or_default().as_str();
    if details.is_empty() {
        kind.to_string()
    } else {
        format!("{kind} ({})", details.join(", "))
    }
}

/// `text` with every chain's RPC URL shown as its host only.
fn redact_rpc(text: &str, chains: &[Chain]) -> String {
    chains.iter().fold(text.to_string(), |t, c| {
        t.replace(&c.rpc, &rpc_host(&c.rpc))
    })
}

/// `hgctl executor describe`.
pub fn executor(
    e: &HourglassExecutor,
    performers: &[Performer],
    pod_list: &[Pod],
    event_list: &[Event],
    doctor: &[CheckResult],
    now: Timestamp,
) -> String {
    let mut b = Block::new();
    header(&mut b, &e.metadata, now);
    executor_spec(&mut b, e, performers, now);
    executor_status(&mut b, e, now);
    let status = e.status.as_ref();
    conditions(&mut b, status.and_then(|s| s.conditions.as_deref()), now);
    pods(&mut b, pod_list, None, now);
    events(&mut b, event_list, now);
    b.out.push_str(&report::describe_section(doctor));
    b.out
}

/// The spec, in the executor's terms (its assessment: what it lacks or ignores), and each
/// AVS with the Performers the executor wrote for it.
fn executor_spec(b: &mut Block, e: &HourglassExecutor, performers: &[Performer], now: Timestamp) {
    let config = e.spec.config.clone().unwrap_or_default();
    let chains = config.chains.clone().unwrap_or_default();
    // What the executor lacks or ignores: the assessment doctor and the status share.
    let assessment = crate::render::assessment::assess(e, None);
    let l1 = assessment.l1.as_ref();
    let keys = config.operator_keys.as_ref();
    let key_source = match keys {
        _ if !assessment.inline_keys.is_empty() => REDACTED_INLINE_KEY.to_string(),
        Some(k) => match &k.secret_ref {
            Some(s) => format!("Secret {}", s.name),
            None => "<none>".into(),
        },
        None => "<none>".into(),
    };
    b.heading(0, "Spec");
    b.pairs(
        2,
        &[
            ("Image", e.spec.image.clone()),
            ("Replicas", e.spec.replicas.unwrap_or(1).to_string()),
            (
                "Operator Address",
                or_none(config.operator_address.as_ref()),
            ),
            ("Operator Keys", key_source),
            (
                "L1 Chain",
                l1.map(|c| {
                    format!(
                        "{} (chain id {}, rpc {})",
                        c.name,
                        c.chain_id,
                        rpc_host(&c.rpc)
                    )
                })
                .unwrap_or_else(|| "<none: the executor needs one>".into()),
            ),
            (
                "Performer Mode",
                or_none(config.performer_mode.map(|m| {
                    serde_json::to_value(m)
                        .ok()
                        .and_then(|v| v.as_str().map(String::from))
                        .unwrap_or_default()
                })),
            ),
            (
                "Log Level",
                or_none(config.log_level.map(|m| {
                    serde_json::to_value(m)
                        .ok()
                        .and_then(|v| v.as_str().map(String::from))
                        .unwrap_or_default()
                })),
            ),
            ("gRPC Port", or_none(config.grpc_port)),
            ("Management Port", or_none(config.management_grpc_port)),
            (
                "Storage",
                or_none(config.storage.as_ref().map(|s| {
                    let kind = serde_json::to_value(s.kind)
                        .ok()
                        .and_then(|v| v.as_str().map(String::from))
                        .unwrap_or_default();
                    match &s.size {
                        Some(size) => format!("{kind} ({})", size.0),
                        None => kind,
                    }
                })),
            ),
            (
                "Auth",
                config
                    .auth
                    .as_ref()
                    .map(|a| if a.enabled { "enabled" } else { "disabled" })
                    .unwrap_or("disabled")
                    .to_string(),
            ),
            (
                "Task Mailbox",
                match assessment.task_mailbox {
                    TaskMailbox::BuiltIn => "built into the executor".to_string(),
                    TaskMailbox::Override => "config.overrideContracts.taskMailbox".to_string(),
                    TaskMailbox::RuntimeContracts => "config.contracts".to_string(),
                    TaskMailbox::Missing => {
                        "<none: the executor has none for this chain id>".to_string()
                    }
                    TaskMailbox::NoChain => "<none>".to_string(),
                },
            ),
            (
                "Remote Signer",
                match &config.remote_signer {
                    None => "<none>".to_string(),
                    Some(r) => {
                        let holds: Vec<&str> = [
                            r.operator_key.as_ref().map(|_| "operator key"),
                            r.signing_key.as_ref().map(|_| "signing key"),
                        ]
                        .into_iter()
                        .flatten()
                        .collect();
                        format!(
                            "{} (holds the {}; TLS from {})",
                            rpc_host(&r.url),
                            holds.join(" and "),
                            r.tls_secret_ref
                                .as_ref()
                                .map(|t| format!("Secret {}", t.name))
                                .unwrap_or_else(|| "the system roots".into())
                        )
                    }
                },
            ),
            ("Service", service_summary(e)),
            (
                "Network Policy",
                if e.spec.network_policy.as_ref().is_some_and(|p| p.enabled) {
                    format!(
                        "{} (only this executor's pods reach the performers' grpc port)",
                        crate::render::executor::network_policy_name(
                            e.metadata.name.as_deref().unwrap_or_default()
                        )
                    )
                } else {
                    "disabled".to_string()
                },
            ),
        ],
    );
    executor_avs(b, e, performers, now);

    if !assessment.unused.is_empty() {
        b.heading(0, "Not used by the executor");
        for item in &assessment.unused {
            b.line(2, &redact_rpc(&item.to_string(), &chains));
        }
    }
}

/// Each AVS the executor serves, with the Performers it wrote for it.
fn executor_avs(b: &mut Block, e: &HourglassExecutor, performers: &[Performer], now: Timestamp) {
    let config = e.spec.config.clone().unwrap_or_default();
    match config.avs_performers.as_deref() {
        Some(list) if !list.is_empty() => {
            b.heading(2, "AVS Performers");
            for avs in list {
                b.line(4, &format!("{}  {}", avs.avs_address, avs.image));
                if let Some(envs) = &avs.envs {
                    let pairs: Vec<(&str, String)> =
                        envs.iter().map(|e| (e.name.as_str(), avs_env(e))).collect();
                    b.pairs(6, &pairs);
                }
                // The Performers the executor wrote for this AVS (the template's link).
                let rows: Vec<Vec<String>> = performers
                    .iter()
                    .filter(|p| {
                        template::link(p, [e]).executor() == e.metadata.name.as_deref()
                            && p.spec.avs_address.eq_ignore_ascii_case(&avs.avs_address)
                    })
                    .map(|p| {
                        vec![
                            p.metadata.name.clone().unwrap_or_default(),
                            p.status.as_ref().is_some_and(|s| s.ready).to_string(),
                            table::age_of(p.metadata.creation_timestamp.as_ref(), now),
                        ]
                    })
                    .collect();
                if !rows.is_empty() {
                    b.table(6, &["PERFORMER", "READY", "AGE"], rows);
                }
            }
        }
        _ => b.pairs(2, &[("AVS Performers", "<none>".into())]),
    }
}

fn executor_status(b: &mut Block, e: &HourglassExecutor, now: Timestamp) {
    let status = e.status.as_ref();
    b.heading(0, "Status");
    match status {
        None => b.line(2, "<none> (no reconciler has seen this executor yet)"),
        Some(s) => b.pairs(
            2,
            &[
                ("Phase", or_none(s.phase.map(|p| p.as_str()))),
                (
                    "Task Address",
                    or_none(s.task_address.as_ref()).replace("<none>", "<not known yet>"),
                ),
                (
                    "Replicas",
                    format!(
                        "{} ready / {} desired",
                        s.ready_replicas.unwrap_or(0),
                        e.spec.replicas.unwrap_or(1)
                    ),
                ),
                (
                    "Config Updated",
                    s.last_config_update
                        .as_ref()
                        .map(|t| format!("{} ({} ago)", t.0, table::age(t.0, now)))
                        .unwrap_or_else(|| "<never>".into()),
                ),
                (
                    "Observed Generation",
                    format!(
                        "{} (generation {})",
                        or_none(s.observed_generation),
                        or_none(e.metadata.generation)
                    ),
                ),
            ],
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::doctor::snapshot::{ClusterInfo, Missing};
    use crate::doctor::{self, Snapshot, executor_object, performer_object};
    use crate::output::fixtures;
    use serde_json::json;

    /// What doctor says about one object of the fixtures, on a small cluster.
    fn doctor_on(
        object: &str,
        pods: &[Pod],
        services: Vec<Service>,
        slices: Vec<EndpointSlice>,
    ) -> Vec<CheckResult> {
        let mut s = Snapshot::empty(fixtures::now());
        s.namespace = Some("avs".into());
        s.cluster = Ok(ClusterInfo {
            context: Some("test".into()),
            server: "https://127.0.0.1:6443".into(),
            version: Some("v1.36.3".into()),
        });
        s.crds = Err(Missing::Forbidden("list customresourcedefinitions".into()));
        s.nodes = Ok(vec![
            serde_json::from_value(json!({"metadata": {"name": "gpu-a100-80gb",
                "labels": {"nvidia.com/gpu.product": "NVIDIA-A100-SXM4-80GB"}},
                "status": {"allocatable": {"nvidia.com/gpu": "8"}}})).unwrap(),
            serde_json::from_value(json!({"metadata": {"name": "tee-sgx",
                "labels": {"feature.node.kubernetes.io/cpu-security.sgx.enabled": "true"}},
                "status": {"allocatable": {"sgx.intel.com/epc": "512Mi", "sgx.intel.com/enclave": "20", "sgx.intel.com/provision": "20"}}})).unwrap(),
        ]);
        s.pods = Ok(pods.to_vec());
        s.pods_cluster_wide = true;
        s.runtime_classes = Ok(vec![]);
        s.performers = Ok(fixtures::performers());
        s.executors = Ok(fixtures::executors());
        s.services = Ok(services);
        s.endpoint_slices = Ok(slices);
        s.unhealthy = Ok(vec![]);
        s.secrets = Ok(vec![]);
        s.leases = Ok(vec![]);
        s.operator_deployments = Ok(vec![]);
        s.executor_workloads = Ok(vec![]);
        doctor::for_object(&s, object)
    }

    fn service() -> Service {
        serde_json::from_value(json!({
            "metadata": {"name": "performer-gpu-a", "namespace": "avs"},
            "spec": {"clusterIP": "10.96.0.12", "selector": {"hourglass.eigenlayer.io/performer": "gpu-a"},
                     "ports": [{"name": "grpc", "port": 9090, "protocol": "TCP"}]}
        }))
        .unwrap()
    }

    fn slices() -> Vec<EndpointSlice> {
        vec![
            serde_json::from_value(json!({
                "metadata": {"name": "performer-gpu-a-abcde", "namespace": "avs"},
                "addressType": "IPv4",
                "ports": [{"name": "grpc", "port": 9090}],
                "endpoints": [{"addresses": ["10.244.1.7"], "conditions": {"ready": true}}]
            }))
            .unwrap(),
        ]
    }

    fn events() -> Vec<Event> {
        vec![
            serde_json::from_value(json!({
                "metadata": {"name": "e1", "namespace": "avs"},
                "involvedObject": {"kind": "Pod", "name": "gpu-a-7f9c"},
                "type": "Normal", "reason": "Scheduled", "message": "Successfully assigned avs/gpu-a-7f9c to gpu-a100-80gb",
                "source": {"component": "default-scheduler"}, "lastTimestamp": fixtures::ago(3 * 86400 + 60)
            }))
            .unwrap(),
            serde_json::from_value(json!({
                "metadata": {"name": "e2", "namespace": "avs"},
                "involvedObject": {"kind": "Performer", "name": "gpu-a"},
                "type": "Normal", "reason": "Ready", "message": "pod gpu-a-7f9c serves performer-gpu-a",
                "source": {"component": "hgctl"}, "lastTimestamp": fixtures::ago(3 * 86400), "count": 2
            }))
            .unwrap(),
        ]
    }

    #[test]
    fn golden_performer_describe() {
        let performers = fixtures::performers();
        let mut pods = fixtures::pods();
        pods.truncate(1);
        let svc = service();
        let checks = doctor_on(
            &performer_object("avs", "gpu-a"),
            &pods,
            vec![svc.clone()],
            slices(),
        );
        let view = PerformerView {
            performer: &performers[0],
            pods: &pods,
            service: Some(&svc),
            endpoint_slices: &slices(),
            events: &events(),
            doctor: &checks,
            executors: &[],
        };
        fixtures::assert_golden("describe-performer.txt", &performer(&view, fixtures::now()));
    }

    #[test]
    fn golden_unschedulable_performer_describe() {
        let performers = fixtures::performers();
        let pods = fixtures::pods();
        let checks = doctor_on(
            &performer_object("avs", "h200-d"),
            &pods[4..],
            vec![],
            vec![],
        );
        let view = PerformerView {
            performer: &performers[3],
            pods: &pods[4..],
            service: None,
            endpoint_slices: &[],
            events: &[],
            doctor: &checks,
            executors: &[],
        };
        fixtures::assert_golden(
            "describe-performer-unschedulable.txt",
            &performer(&view, fixtures::now()),
        );
    }

    #[test]
    fn golden_executor_describe() {
        let executors = fixtures::executors();
        let main = doctor_on(&executor_object("avs", "exec-main"), &[], vec![], vec![]);
        let inline = doctor_on(&executor_object("avs", "exec-inline"), &[], vec![], vec![]);
        let mut text = executor(&executors[0], &[], &[], &[], &main, fixtures::now());
        text.push_str("---\n");
        text.push_str(&executor(
            &executors[1],
            &[],
            &[],
            &[],
            &inline,
            fixtures::now(),
        ));
        fixtures::assert_golden("describe-executors.txt", &text);
    }

    #[test]
    fn secrets_and_inline_keys_never_shown() {
        let executors = fixtures::executors();
        let checks = doctor_on(&executor_object("avs", "exec-inline"), &[], vec![], vec![]);
        assert!(
            checks
                .iter()
                .any(|c| c.id == "workload.executor.inline-keys")
        );
        let text = executor(&executors[1], &[], &[], &[], &checks, fixtures::now());
        assert!(text.contains(REDACTED_INLINE_KEY));
        assert!(!text.contains("deadbeef"));
        assert!(!text.contains("super-secret-bls-key"));
        let main = executor(&executors[0], &[], &[], &[], &[], fixtures::now());
        assert!(main.contains("API_TOKEN:"));
        assert!(main.contains("<set from Secret avs-secrets key token>"));
    }

    #[test]
    fn rpc_urls_lose_paths_and_credentials() {
        assert_eq!(
            rpc_host("https://mainnet.infura.io/v3/SECRETKEY"),
            "https://mainnet.infura.io/…"
        );
        assert_eq!(
            rpc_host("wss://user:pw@node.example.com"),
            "wss://node.example.com/…"
        );
        assert_eq!(rpc_host("http://anvil:8545"), "http://anvil:8545");
    }
}
