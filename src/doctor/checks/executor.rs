//! Executor checks: every verdict on the spec comes from the one assessment
//! (`render::assessment`), the same the `ConfigComplete` condition, `describe`
//! and `executor create` use; the rest reads the workload, its pods and their
//! last log lines (keys redacted before anything is shown).

use super::*;
use crate::doctor::gather::LOG_LINES;
use crate::render::assessment::{self, KeyMaterial};
use crate::render::executor as executor_render;

/// The annotation `kubectl apply` keeps the last applied manifest in.
pub const LAST_APPLIED: &str = "kubectl.kubernetes.io/last-applied-configuration";

/// An executor rollout that has not finished after this long is stuck (the
/// Deployment controller's own default progress deadline).
pub const ROLLOUT_STUCK_SECS: i64 = 600;

/// Known fatal lines of the executor's log, as data: what a line contains
/// (any of `needles`, case-insensitive), what it means, and the fix.
pub struct FatalLine {
    pub needles: &'static [&'static str],
    pub cause: &'static str,
    pub fix: &'static str,
}

#[rustfmt::skip]
pub const FATAL_LINES: &[FatalLine] = &[
    FatalLine {
        needles: &["task mailbox contract not found"],
        cause: "the executor has no TaskMailbox for its L1 chain id",
        fix: "give spec.config.overrideContracts.taskMailbox (`hgctl executor create --task-mailbox-contract FILE`), or use an L1 whose TaskMailbox is built into the executor",
    },
    FatalLine {
        needles: &["cannot connect to the docker daemon"],
        cause: "the executor runs performers with Docker, and a pod has no Docker socket",
        fix: "set spec.config.performerMode: kubernetes",
    },
    FatalLine {
        needles: &[
            "first record does not look like a tls handshake",
            "authentication handshake failed",
            "tls: handshake failure",
            "x509: certificate signed by unknown authority",
        ],
        cause: "TLS handshakes fail when the executor calls its performers (it dials them with TLS; performers built on the upstream server speak plaintext)",
        fix: "put the performers behind TLS that the executor trusts: `performerTemplate: {tls: {terminate: true}}` on each avsPerformers entry (a TLS sidecar with a certificate from the namespace's performer CA, which the executor pod then trusts), or use an executor build that dials performers in plaintext",
    },
    FatalLine {
        needles: &["store is required"],
        cause: "the executor's config has no storage",
        fix: "hgctl always writes storage: check that spec.command/spec.args do not point the executor at another config file",
    },
];

/// An L1 RPC failure: a line about the RPC or the chain id that says it could not connect.
const RPC_WORDS: &[&str] = &["rpc", "chainid", "chain id", "eth_", "l1"];
const UNREACHABLE: &[&str] = &[
    "connection refused",
    "no such host",
    "i/o timeout",
    "context deadline exceeded",
    "network is unreachable",
];
static RPC_UNREACHABLE: FatalLine = FatalLine {
    needles: &[],
    cause: "the L1 RPC cannot be reached from the pod",
    fix: "check spec.config.chains[].rpc of the L1 (URL, DNS, credentials) and that egress from the executor's namespace is allowed",
};

/// The known fatal line `line` is, if any.
pub fn fatal_line(line: &str) -> Option<&'static FatalLine> {
    let lower = line.to_ascii_lowercase();
    FATAL_LINES
        .iter()
        .find(|f| f.needles.iter().any(|n| lower.contains(n)))
        .or_else(|| {
            (RPC_WORDS.iter().any(|w| lower.contains(w))
                && UNREACHABLE.iter().any(|w| lower.contains(w)))
            .then_some(&RPC_UNREACHABLE)
        })
}

/// `text` with private keys hidden: PEM blocks, runs of 64+ hex digits (raw
/// keys), and the value after a `privateKey`/`password`/`secret` key.
pub fn redact_keys(text: &str) -> String {
    let mut out: Vec<String> = Vec::new();
    let mut in_pem = false;
    for line in text.lines() {
        if line.contains("-----BEGIN") {
            in_pem = !line.contains("-----END");
            out.push("<redacted PEM block>".into());
        } else if in_pem {
            in_pem = !line.contains("-----END");
        } else {
            out.push(redact_line(line));
        }
    }
    out.join("\n")
}

fn redact_line(line: &str) -> String {
    const SECRET_KEYS: &[&str] = &["privatekey", "private_key", "password", "secret"];
    let chars: Vec<char> = line.chars().collect();
    let mut out = String::with_capacity(line.len());
    let mut i = 0;
    while i < chars.len() {
        // A run of hex digits (after an optional 0x) of key length.
        let start = i;
        let mut j = i;
        if chars[j] == '0' && chars.get(j + 1).is_some_and(|c| *c == 'x' || *c == 'X') {
            j += 2;
        }
        let hex_start = j;
        while j < chars.len() && chars[j].is_ascii_hexdigit() {
            j += 1;
        }
        let boundary = start == 0 || !chars[start - 1].is_ascii_alphanumeric();
        if boundary && j - hex_start >= 64 {
            out.push_str("<redacted>");
            i = j;
            continue;
        }
        // `privateKey: VALUE`, `password=VALUE`, `"privateKey":"VALUE"`.
        let rest: String = chars[i..].iter().collect::<String>().to_ascii_lowercase();
        if let Some(key) = SECRET_KEYS.iter().find(|k| rest.starts_with(*k)) {
            let mut k = i + key.len();
            while k < chars.len() && (chars[k].is_alphanumeric() || chars[k] == '_') {
                k += 1; // the rest of the key name
            }
            let key_end = k;
            while k < chars.len() && matches!(chars[k], '"' | '\'' | ' ' | ':' | '=') {
                k += 1;
            }
            if k > key_end && k < chars.len() {
                let mut v = k;
                while v < chars.len() && !matches!(chars[v], ' ' | ',' | '}' | ']' | '"' | '\'') {
                    v += 1;
                }
                if v > k {
                    out.extend(&chars[i..k]);
                    out.push_str("<redacted>");
                    i = v;
                    continue;
                }
            }
        }
        out.push(chars[i]);
        i += 1;
    }
    out
}

/// The key names the executor's keys come from: the `<name>-keys` Secret its
/// inline keys are moved to, or its `secretRef` Secret as doctor read it.
fn key_material(s: &Snapshot, e: &HourglassExecutor) -> Result<KeyMaterial, Missing> {
    if let Some(inline) = executor_render::inline_key_material(e) {
        return Ok(inline);
    }
    let Some(secret) = e
        .spec
        .config
        .as_ref()
        .and_then(|c| c.operator_keys.as_ref())
        .and_then(|k| k.secret_ref.as_ref())
        .map(|r| r.name.clone())
    else {
        return Ok(KeyMaterial::default());
    };
    let (ns, _) = name_of(&e.metadata);
    let secrets = s.secrets.as_ref().map_err(Clone::clone)?;
    Ok(
        match secrets
            .iter()
            .find(|x| x.namespace == ns && x.name == secret)
        {
            Some(found) => KeyMaterial::from_secret(&secret, found.keys.iter().cloned()),
            None => KeyMaterial::missing_secret(&secret),
        },
    )
}

fn edit_executor(e: &HourglassExecutor) -> String {
    let (ns, name) = name_of(&e.metadata);
    format!("kubectl -n {ns} edit hourglassexecutor {name}")
}

pub(super) fn config_complete(s: &Snapshot) -> Vec<Finding> {
    per_executor(
        s,
        |e| {
            // Without the Secret's key names the rest is still assessed.
            let keys = key_material(s, e);
            let a = assessment::assess(e, keys.as_ref().ok());
            let unread = match &keys {
                Err(m) => format!(" (the keys Secret was not read: {})", m.reason()),
                Ok(_) => String::new(),
            };
            if a.complete() {
                return Some(Finding::pass(
                    Some(eobj(e)),
                    format!("the executor has every field it needs to start{unread}"),
                ));
            }
            let fields: Vec<String> = a.blocking().map(|i| format!("spec.{i}")).collect();
            Some(Finding::problem(
                Some(eobj(e)),
                format!(
                    "the executor cannot start ({}): {}; it runs 0 replicas until then{unread}",
                    a.reason(),
                    fields.join("; ")
                ),
                format!(
                    "set the field(s) named ({}); `hgctl executor describe {}` shows the spec",
                    edit_executor(e),
                    name_of(&e.metadata).1
                ),
            ))
        },
        "no HourglassExecutors",
    )
}

/// Last log lines of an executor container: the kubelet's termination message
/// (`FallbackToLogsOnError`), else what doctor read from the logs API. Keys redacted.
fn last_lines(s: &Snapshot, pod: &Pod, container: &str) -> Option<Result<String, String>> {
    let (ns, pod_name) = name_of(&pod.metadata);
    let message = pod
        .status
        .as_ref()
        .and_then(|st| st.container_statuses.as_ref())
        .and_then(|cs| cs.iter().find(|c| c.name == container))
        .and_then(|c| c.last_state.as_ref()?.terminated.as_ref()?.message.clone())
        .filter(|m| !m.trim().is_empty());
    match message {
        Some(m) => Some(Ok(m)),
        None => s.logs.get(&format!("{ns}/{pod_name}")).cloned(),
    }
    .map(|r| r.map(|text| redact_keys(&text)))
}

/// The last `n` non-empty lines of `text`.
fn tail(text: &str, n: usize) -> String {
    let lines: Vec<&str> = text.lines().filter(|l| !l.trim().is_empty()).collect();
    lines[lines.len().saturating_sub(n)..].join("\n")
}

pub(super) fn executor_crash_loop(s: &Snapshot) -> Vec<Finding> {
    per_executor(
        s,
        |e| {
            let (ns, name) = name_of(&e.metadata);
            if let Err(m) = &s.pods {
                return Some(skipped_for(eobj(e), m));
            }
            for pod in s.executor_pods(ns, name) {
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
                    let logs = match last_lines(s, pod, &container) {
                        Some(Ok(text)) if !text.trim().is_empty() => format!(
                            "; last log lines: {}",
                            tail(&text, LOG_LINES as usize).replace('\n', " | ")
                        ),
                        Some(Ok(_)) => "; the previous container logged nothing".into(),
                        Some(Err(e)) => format!("; logs not readable: {e}"),
                        None => String::new(),
                    };
                    return Some(Finding::problem(
                        Some(eobj(e)),
                        format!(
                            "container {container} of executor pod {pod_name} is crash-looping ({restarts} restarts{exit}){logs}"
                        ),
                        format!(
                            "kubectl -n {ns} logs {pod_name} -c {container} --previous; workload.executor.fatal-log names known causes"
                        ),
                    ));
                }
            }
            Some(Finding::pass(Some(eobj(e)), "no crash loops"))
        },
        "no HourglassExecutors",
    )
}

pub(super) fn fatal_log(s: &Snapshot) -> Vec<Finding> {
    per_executor(
        s,
        |e| {
            let (ns, name) = name_of(&e.metadata);
            if let Err(m) = &s.pods {
                return Some(skipped_for(eobj(e), m));
            }
            let mut found: Vec<(&'static FatalLine, String)> = Vec::new();
            for pod in s.executor_pods(ns, name) {
                let Some(Ok(text)) = last_lines(s, pod, executor_render::CONTAINER_NAME) else {
                    continue;
                };
                for line in text.lines() {
                    if let Some(f) = fatal_line(line)
                        && !found.iter().any(|(g, _)| std::ptr::eq(*g, f))
                    {
                        found.push((f, line.trim().to_string()));
                    }
                }
            }
            if found.is_empty() {
                return Some(Finding::pass(
                    Some(eobj(e)),
                    "no known fatal line in the executor's last log lines",
                ));
            }
            Some(Finding::problem(
                Some(eobj(e)),
                found
                    .iter()
                    .map(|(f, line)| format!("{} (log: {line})", f.cause))
                    .collect::<Vec<_>>()
                    .join("; "),
                found
                    .iter()
                    .map(|(f, _)| f.fix)
                    .collect::<Vec<_>>()
                    .join("; "),
            ))
        },
        "no HourglassExecutors",
    )
}

pub(super) fn rollout(s: &Snapshot) -> Vec<Finding> {
    per_executor(
        s,
        |e| {
            let (ns, name) = name_of(&e.metadata);
            let workloads = match &s.executor_workloads {
                Ok(w) => w,
                Err(m) => return Some(skipped_for(eobj(e), m)),
            };
            let Some(w) = workloads
                .iter()
                .find(|w| w.namespace == ns && w.name == name)
            else {
                return Some(Finding::pass(
                    Some(eobj(e)),
                    "no workload yet (the reconciler creates it)",
                ));
            };
            let since = e
                .status
                .as_ref()
                .and_then(|st| st.last_config_update.as_ref())
                .map(|t| s.now.duration_since(t.0).as_secs());
            let stuck = w.deadline_exceeded
                || (!w.rolled_out() && since.is_some_and(|secs| secs > ROLLOUT_STUCK_SECS));
            if !stuck {
                return Some(Finding::pass(
                    Some(eobj(e)),
                    format!(
                        "{} {name}: {}/{} updated, {} ready",
                        w.kind, w.updated, w.desired, w.ready
                    ),
                ));
            }
            Some(Finding::problem(
                Some(eobj(e)),
                format!(
                    "the rollout of {} {name} is stuck: {}/{} replicas updated, {} ready{}",
                    w.kind,
                    w.updated,
                    w.desired,
                    w.ready,
                    since
                        .map(|secs| format!(", {secs}s after the last config change"))
                        .unwrap_or_default()
                ),
                format!(
                    "kubectl -n {ns} describe {} {name}; kubectl -n {ns} get pods -l {}={name} (pending, crash-looping or unready pods: see the other executor checks)",
                    w.kind.to_ascii_lowercase(),
                    executor_render::LABEL_EXECUTOR
                ),
            ))
        },
        "no HourglassExecutors",
    )
}

pub(super) fn keys_secret(s: &Snapshot) -> Vec<Finding> {
    per_executor(
        s,
        |e| {
            let (ns, name) = name_of(&e.metadata);
            if executor_render::inline_key_material(e).is_some() {
                return None; // workload.executor.inline-keys reports it
            }
            let keys = match key_material(s, e) {
                Ok(k) => k,
                Err(m) => return Some(skipped_for(eobj(e), &m)),
            };
            let a = assessment::assess(e, Some(&keys));
            let gaps: Vec<&str> = a
                .missing
                .iter()
                .chain(&a.unused)
                .filter(|i| i.field == KEYS_FIELD)
                .map(|i| i.message.as_str())
                .collect();
            let create = format!(
                "kubectl -n {ns} create secret generic {} --from-file={SECRET_KEY_OPERATOR}=KEYFILE --from-file={SECRET_KEY_ECDSA}=KEYFILE",
                keys.secret
                    .clone()
                    .unwrap_or_else(|| executor_render::keys_secret_name(name))
            );
            Some(match &keys.secret {
                _ if gaps.is_empty() => Finding::pass(
                    Some(eobj(e)),
                    match &keys.secret {
                        Some(secret) => {
                            format!("Secret {secret} has the operator and signing keys")
                        }
                        None => "the remote signer holds the operator and signing keys".into(),
                    },
                ),
                None => Finding::problem(
                    Some(eobj(e)),
                    "spec.config.operatorKeys.secretRef is not set: the executor has no operator keys",
                    format!(
                        "{create}, then set spec.config.operatorKeys.secretRef.name: {}",
                        executor_render::keys_secret_name(name)
                    ),
                ),
                Some(secret) if !keys.exists => Finding::problem(
                    Some(eobj(e)),
                    format!(
                        "Secret {secret} (spec.config.operatorKeys.secretRef) does not exist in {ns}"
                    ),
                    create,
                ),
                Some(secret) => Finding::problem(
                    Some(eobj(e)),
                    format!(
                        "Secret {secret} lacks {}; it has: {}",
                        gaps.join("; "),
                        if keys.names.is_empty() {
                            "no keys".to_string()
                        } else {
                            keys.names.iter().cloned().collect::<Vec<_>>().join(", ")
                        }
                    ),
                    format!(
                        "kubectl -n {ns} create secret generic {secret} --from-file=... --dry-run=client -o yaml | kubectl apply -f - (with every key: {SECRET_KEY_OPERATOR}, {SECRET_KEY_ECDSA} or {SECRET_KEY_BLS_KEYSTORE} + {SECRET_KEY_BLS_PASSWORD})"
                    ),
                ),
            })
        },
        "no HourglassExecutors",
    )
}

/// The assessment's field for everything about the keys Secret.
const KEYS_FIELD: &str = "config.operatorKeys.secretRef";

pub(super) fn inline_keys(s: &Snapshot) -> Vec<Finding> {
    per_executor(
        s,
        |e| {
            let (ns, name) = name_of(&e.metadata);
            let fields = e
                .spec
                .config
                .as_ref()
                .map(assessment::inline_keys)
                .unwrap_or_default();
            if fields.is_empty() {
                return Some(Finding::pass(Some(eobj(e)), "no inline private keys"));
            }
            let applied = e
                .metadata
                .annotations
                .as_ref()
                .is_some_and(|a| a.contains_key(LAST_APPLIED));
            // Never the values: only which fields hold them.
            Some(Finding::problem(
                Some(eobj(e)),
                format!(
                    "spec.{} hold(s) a private key inline: anyone who can read HourglassExecutors can read it{}",
                    fields.join(" and spec."),
                    if applied {
                        format!(", and its {LAST_APPLIED} annotation holds a copy")
                    } else {
                        String::new()
                    }
                ),
                format!(
                    "move the keys to a Secret (`kubectl -n {ns} create secret generic {name}-keys --from-file={SECRET_KEY_ECDSA}=KEYFILE ...`), set spec.config.operatorKeys.secretRef.name: {name}-keys and delete the inline fields (`kubectl -n {ns} edit hourglassexecutor {name}`); `kubectl apply` keeps a copy of the keys in the {LAST_APPLIED} annotation until the file without them is applied (or `kubectl -n {ns} annotate hourglassexecutor {name} {LAST_APPLIED}-`)"
                ),
            ))
        },
        "no HourglassExecutors",
    )
}

pub(super) fn unused_fields(s: &Snapshot) -> Vec<Finding> {
    per_executor(
        s,
        |e| {
            let (ns, name) = name_of(&e.metadata);
            // Key names matter for one case (half a BLS pair); without them the rest is said.
            let keys = key_material(s, e).ok();
            let unused = assessment::assess(e, keys.as_ref()).unused;
            if unused.is_empty() {
                return Some(Finding::pass(
                    Some(eobj(e)),
                    "every field is used by the executor",
                ));
            }
            Some(Finding::problem(
                Some(eobj(e)),
                format!(
                    "the executor ignores {}",
                    unused
                        .iter()
                        .map(|i| format!("spec.{i}"))
                        .collect::<Vec<_>>()
                        .join("; ")
                ),
                format!(
                    "remove them to avoid confusion (`kubectl -n {ns} edit hourglassexecutor {name}`); `hgctl executor describe {name} -n {ns}` shows what is used"
                ),
            ))
        },
        "no HourglassExecutors",
    )
}

#[cfg(test)]
mod tests {
    use super::super::fixtures::*;
    use super::{fatal_line, redact_keys};

    #[test]
    fn executor_key_secret() {
        let mut s = snap();
        s.executors = Ok(vec![
            executor(
                "missing",
                json!({"operatorKeys": {"secretRef": {"name": "gone"}}}),
            ),
            executor(
                "partial",
                json!({"operatorKeys": {"secretRef": {"name": "half"}}}),
            ),
            executor(
                "full",
                json!({"operatorKeys": {"secretRef": {"name": "keys"}}}),
            ),
        ]);
        s.secrets = Ok(vec![
            SecretKeys {
                namespace: "ns".into(),
                name: "half".into(),
                keys: vec!["operator-private-key".into()],
            },
            SecretKeys {
                namespace: "ns".into(),
                name: "keys".into(),
                keys: vec![
                    "bls-keystore.json".into(),
                    "bls-password".into(),
                    "operator-private-key".into(),
                ],
            },
        ]);
        let r = results(&s);
        let k = only(&r, "workload.executor.keys-secret");
        assert_eq!(k[0].status, Status::Fail);
        assert_eq!(
            k[0].message,
            "Secret gone (spec.config.operatorKeys.secretRef) does not exist in ns"
        );
        assert!(k[0].hint.as_deref().unwrap().starts_with(
            "kubectl -n ns create secret generic gone --from-file=operator-private-key="
        ));
        assert_eq!(k[1].status, Status::Fail);
        assert_eq!(
            k[1].message,
            "Secret half lacks a signing key: key ecdsa-private-key, or bls-keystore.json with bls-password, in Secret half; it has: operator-private-key"
        );
        assert_eq!(k[2].status, Status::Pass);
    }

    #[test]
    fn inline_keys_are_named_never_printed() {
        let mut s = snap();
        s.executors = Ok(vec![executor(
            "seed",
            json!({"aggregatorEndpoint": "agg:9090", "operatorKeys": {"ecdsa": "0xdeadbeefsecret", "bls": "blssecret"},
                "chains": [{"name": "ethereum", "rpc": "https://x", "chainId": 1, "taskMailboxAddress": "0x0000000000000000000000000000000000000001"},
                           {"name": "base", "rpc": "https://y", "chainId": 8453}]}),
        )]);
        let r = results(&s);
        let inline = one(&r, "workload.executor.inline-keys");
        assert_eq!(inline.status, Status::Fail);
        assert!(
            inline
                .message
                .contains("spec.config.operatorKeys.ecdsa and spec.config.operatorKeys.bls")
        );
        let all = serde_json::to_string_pretty(&report::json(&r)).unwrap()
            + &report::table(&r, false, false);
        assert!(
            !all.contains("deadbeef") && !all.contains("blssecret"),
            "a key value leaked"
        );
        // Inline keys are reported once, not again as a missing Secret.
        assert_eq!(
            one(&r, "workload.executor.keys-secret").status,
            Status::Pass
        );
        let unused = one(&r, "workload.executor.unused-fields");
        assert_eq!(unused.status, Status::Warn);
        assert!(unused.message.contains("aggregatorEndpoint"));
        assert!(
            unused
                .message
                .contains("chains[ethereum].taskMailboxAddress")
        );
        assert!(
            unused.message.contains(
                "spec.config.chains[base]: chain id 8453: the executor reads one L1 chain"
            )
        );
        // What the status condition always reported and doctor missed before the assessment.
        assert!(unused.message.contains("spec.config.operatorKeys.bls"));
    }

    /// An executor whose spec is complete with the Secret `keys` (`keys_secret()`).
    fn complete_executor(name: &str) -> HourglassExecutor {
        executor(
            name,
            json!({"operatorAddress": "0x15d34AAf54267DB7D7c367839AAf71A00a2C6A65",
                "chains": [{"name": "sepolia", "rpc": "https://x", "chainId": 11155111}],
                "operatorKeys": {"secretRef": {"name": "keys"}}}),
        )
    }

    fn keys_secret() -> SecretKeys {
        SecretKeys {
            namespace: "ns".into(),
            name: "keys".into(),
            keys: vec!["ecdsa-private-key".into(), "operator-private-key".into()],
        }
    }

    /// The executor's pod with a container status.
    fn executor_pod(executor: &str, container_status: Value) -> Pod {
        serde_json::from_value(json!({
            "metadata": {"name": format!("{executor}-abc"), "namespace": "ns",
                "labels": {"hourglass.eigenlayer.io/executor": executor}},
            "status": {"phase": "Running", "containerStatuses": [container_status]}
        }))
        .unwrap()
    }

    #[test]
    fn config_complete_names_what_the_executor_lacks() {
        let mut s = snap();
        let mut holesky = complete_executor("holesky");
        holesky
            .spec
            .config
            .as_mut()
            .unwrap()
            .chains
            .as_mut()
            .unwrap()[0]
            .chain_id = 17_000;
        let mut docker = complete_executor("docker");
        docker.spec.config.as_mut().unwrap().performer_mode =
            Some(crate::api::executor::PerformerMode::Docker);
        s.executors = Ok(vec![complete_executor("ok"), holesky, docker]);
        s.secrets = Ok(vec![keys_secret()]);
        let r = results(&s);
        let c = only(&r, "workload.executor.config-complete");
        assert_eq!(c[0].status, Status::Pass, "{:?}", c[0]);
        assert_eq!(c[1].status, Status::Fail);
        assert!(
            c[1].message.starts_with("the executor cannot start (NoTaskMailbox): spec.config.overrideContracts.taskMailbox: the executor has no TaskMailbox for chain id 17000"),
            "{}",
            c[1].message
        );
        assert_eq!(c[2].status, Status::Fail);
        assert!(
            c[2].message.contains(
                "(UnsupportedInPod): spec.config.performerMode: docker cannot work in a pod"
            ),
            "{}",
            c[2].message
        );
        // Without the Secret's key names the rest is still assessed, and says so.
        s.secrets = Err(Missing::Forbidden("get secrets in namespace ns".into()));
        let r = results(&s);
        let c = only(&r, "workload.executor.config-complete");
        assert!(
            c[0].message
                .contains("the keys Secret was not read: no permission")
        );
        assert_eq!(c[1].status, Status::Fail);
    }

    #[test]
    fn crash_looping_executor_shows_its_last_lines_redacted_and_the_fatal_cause() {
        let mut s = snap();
        s.executors = Ok(vec![complete_executor("ex")]);
        s.secrets = Ok(vec![keys_secret()]);
        let key = "4c0883a69102937d6231471b5dbb6204fe5129617082792ae468d01a3f362318";
        let log = format!(
            "line 1\nline 2\nconfig: privateKey: {key}\n-----BEGIN PRIVATE KEY-----\nMIIEv\n-----END PRIVATE KEY-----\nFailed to get chainId from rpc: dial tcp 10.0.0.1:8545: connect: connection refused\nfatal: task mailbox contract not found\n"
        );
        s.pods = Ok(vec![executor_pod(
            "ex",
            json!({"name": "executor", "image": "x", "imageID": "", "ready": false, "restartCount": 4,
                "state": {"waiting": {"reason": "CrashLoopBackOff"}},
                "lastState": {"terminated": {"exitCode": 1, "message": log}}}),
        )]);
        let r = results(&s);
        let crash = one(&r, "workload.executor.crash-loop");
        assert_eq!(crash.status, Status::Fail);
        assert_eq!(
            crash.message,
            "container executor of executor pod ex-abc is crash-looping (4 restarts, last exit code 1); last log lines: line 2 | config: privateKey: <redacted> | <redacted PEM block> | Failed to get chainId from rpc: dial tcp 10.0.0.1:8545: connect: connection refused | fatal: task mailbox contract not found"
        );
        let fatal = one(&r, "workload.executor.fatal-log");
        assert_eq!(fatal.status, Status::Fail);
        assert_eq!(
            fatal.message,
            "the L1 RPC cannot be reached from the pod (log: Failed to get chainId from rpc: dial tcp 10.0.0.1:8545: connect: connection refused); the executor has no TaskMailbox for its L1 chain id (log: fatal: task mailbox contract not found)"
        );
        assert!(
            fatal
                .hint
                .as_deref()
                .unwrap()
                .contains("overrideContracts.taskMailbox")
        );
        let all =
            crate::output::json(&report::json(&r)).unwrap() + &report::table(&r, false, false);
        assert!(
            !all.contains(&key[..16]) && !all.contains("MIIEv"),
            "a key leaked"
        );

        // A running executor whose log (read from the logs API) shows TLS failures to performers.
        s.pods = Ok(vec![executor_pod(
            "ex",
            json!({"name": "executor", "image": "x", "imageID": "", "ready": true, "restartCount": 0,
                "state": {"running": {}}}),
        )]);
        s.logs.insert(
            "ns/ex-abc".into(),
            Ok("task failed: rpc error: code = Unavailable desc = connection error: desc = \"transport: authentication handshake failed: tls: first record does not look like a TLS handshake\"".into()),
        );
        let r = results(&s);
        assert_eq!(one(&r, "workload.executor.crash-loop").status, Status::Pass);
        let fatal = one(&r, "workload.executor.fatal-log");
        assert_eq!(fatal.status, Status::Fail);
        assert!(
            fatal
                .message
                .starts_with("TLS handshakes fail when the executor calls its performers"),
            "{}",
            fatal.message
        );
        assert!(
            fatal
                .hint
                .as_deref()
                .unwrap()
                .contains("tls: {terminate: true}")
        );
    }

    #[test]
    fn a_stuck_executor_rollout_is_an_error() {
        use crate::doctor::snapshot::ExecutorWorkload;
        let mut s = snap();
        let mut e = complete_executor("ex");
        e.status = Some(
            serde_json::from_value(json!({"lastConfigUpdate": "2026-01-01T11:00:00Z"})).unwrap(),
        );
        s.executors = Ok(vec![e]);
        s.secrets = Ok(vec![keys_secret()]);
        let workload = |updated, ready, deadline| ExecutorWorkload {
            namespace: "ns".into(),
            name: "ex".into(),
            kind: "StatefulSet",
            desired: 1,
            updated,
            ready,
            deadline_exceeded: deadline,
        };
        s.executor_workloads = Ok(vec![workload(1, 1, false)]);
        assert_eq!(
            one(&results(&s), "workload.executor.rollout").status,
            Status::Pass
        );
        // An hour after the config change, no replica runs the new template.
        s.executor_workloads = Ok(vec![workload(0, 1, false)]);
        let r = results(&s);
        let stuck = one(&r, "workload.executor.rollout");
        assert_eq!(stuck.status, Status::Fail);
        assert_eq!(
            stuck.message,
            "the rollout of StatefulSet ex is stuck: 0/1 replicas updated, 1 ready, 3600s after the last config change"
        );
        // The Deployment controller's own verdict counts at once.
        let mut d = workload(1, 0, true);
        d.kind = "Deployment";
        let mut e = complete_executor("ex");
        e.status = None;
        s.executors = Ok(vec![e]);
        s.executor_workloads = Ok(vec![d]);
        assert_eq!(
            one(&results(&s), "workload.executor.rollout").status,
            Status::Fail
        );
    }

    #[test]
    fn inline_keys_mention_the_last_applied_copy() {
        let mut s = snap();
        let mut e = executor(
            "seed",
            json!({"operatorKeys": {"ecdsa": "0xdeadbeefsecret"}}),
        );
        e.metadata.annotations = Some(std::collections::BTreeMap::from([(
            "kubectl.kubernetes.io/last-applied-configuration".to_string(),
            "{\"spec\":{\"config\":{\"operatorKeys\":{\"ecdsa\":\"0xdeadbeefsecret\"}}}}"
                .to_string(),
        )]));
        s.executors = Ok(vec![e]);
        let r = results(&s);
        let inline = one(&r, "workload.executor.inline-keys");
        assert!(
            inline.message.ends_with(
                "and its kubectl.kubernetes.io/last-applied-configuration annotation holds a copy"
            ),
            "{}",
            inline.message
        );
        let hint = inline.hint.as_deref().unwrap();
        assert!(
            hint.contains("until the file without them is applied"),
            "{hint}"
        );
        let all = crate::output::json(&report::json(&r)).unwrap();
        assert!(!all.contains("deadbeef"));
    }

    #[test]
    fn keys_in_log_lines_are_redacted() {
        let key = "4c0883a69102937d6231471b5dbb6204fe5129617082792ae468d01a3f362318";
        assert_eq!(
            redact_keys(&format!("loaded 0x{key} ok")),
            "loaded <redacted> ok"
        );
        assert_eq!(
            redact_keys(&format!(
                "{{\"PrivateKey\":\"{key}\",\"Password\":\"hunter2\"}}"
            )),
            "{\"PrivateKey\":\"<redacted>\",\"Password\":\"<redacted>\"}"
        );
        assert_eq!(
            redact_keys("password=hunter2 next"),
            "password=<redacted> next"
        );
        assert_eq!(
            redact_keys(
                "a\n-----BEGIN EC PRIVATE KEY-----\nAAAA\nBBBB\n-----END EC PRIVATE KEY-----\nb"
            ),
            "a\n<redacted PEM block>\nb"
        );
        // Addresses (40 hex digits) and hashes in words stay.
        let address = "0x15d34AAf54267DB7D7c367839AAf71A00a2C6A65";
        assert_eq!(redact_keys(address), address);
        assert_eq!(redact_keys("grpcPort: 9000"), "grpcPort: 9000");
    }

    #[test]
    fn fatal_lines_are_recognised() {
        assert!(fatal_line("Fatal: Task Mailbox contract not found").is_some());
        assert!(
            fatal_line("Cannot connect to the Docker daemon at unix:///var/run/docker.sock")
                .is_some()
        );
        assert!(
            fatal_line("failed to dial rpc https://x: dial tcp: lookup x: no such host").is_some()
        );
        assert!(fatal_line("performer ready, connection refused by nothing").is_none());
        assert!(fatal_line("task completed").is_none());
    }
}
