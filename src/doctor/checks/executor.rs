use super::*;

pub(super) fn keys_secret(s: &Snapshot) -> Vec<Finding> {
    per_executor(
        s,
        |e| {
            let (ns, name) = name_of(&e.metadata);
            let keys = e
                .spec
                .config
                .as_ref()
                .and_then(|c| c.operator_keys.as_ref());
            let inline = keys.is_some_and(|k| k.ecdsa.is_some() || k.bls.is_some());
            let Some(secret) = keys
                .and_then(|k| k.secret_ref.as_ref())
                .map(|r| r.name.clone())
            else {
                if inline {
                    return None; // workload.executor.inline-keys reports it
                }
                return Some(Finding::problem(
                    Some(eobj(e)),
                    "spec.config.operatorKeys.secretRef is not set: the executor has no operator keys",
                    format!(
                        "kubectl -n {ns} create secret generic {name}-keys --from-file={SECRET_KEY_OPERATOR}=KEYFILE --from-file={SECRET_KEY_ECDSA}=KEYFILE, then set spec.config.operatorKeys.secretRef.name: {name}-keys"
                    ),
                ));
            };
            let secrets = match &s.secrets {
                Ok(v) => v,
                Err(m) => return Some(skipped_for(eobj(e), m)),
            };
            let Some(found) = secrets
                .iter()
                .find(|x| x.namespace == ns && x.name == secret)
            else {
                return Some(Finding::problem(
                    Some(eobj(e)),
                    format!(
                        "Secret {secret} (spec.config.operatorKeys.secretRef) does not exist in {ns}"
                    ),
                    format!(
                        "kubectl -n {ns} create secret generic {secret} --from-file={SECRET_KEY_OPERATOR}=KEYFILE --from-file={SECRET_KEY_ECDSA}=KEYFILE"
                    ),
                ));
            };
            let has = |k: &str| found.keys.iter().any(|x| x == k);
            let mut missing = Vec::new();
            if !has(SECRET_KEY_OPERATOR) {
                missing.push(SECRET_KEY_OPERATOR.to_string());
            }
            let signing = has(SECRET_KEY_ECDSA)
                || (has(SECRET_KEY_BLS_KEYSTORE) && has(SECRET_KEY_BLS_PASSWORD));
            if !signing {
                missing.push(format!(
                    "{SECRET_KEY_ECDSA} (or {SECRET_KEY_BLS_KEYSTORE} + {SECRET_KEY_BLS_PASSWORD})"
                ));
            }
            if missing.is_empty() {
                Some(Finding::pass(
                    Some(eobj(e)),
                    format!("Secret {secret} has the operator and signing keys"),
                ))
            } else {
                Some(Finding::problem(
                    Some(eobj(e)),
                    format!(
                        "Secret {secret} lacks the key(s) {}; it has: {}",
                        missing.join(", "),
                        if found.keys.is_empty() {
                            "none".into()
                        } else {
                            found.keys.join(", ")
                        }
                    ),
                    format!(
                        "kubectl -n {ns} create secret generic {secret} --from-file=... --dry-run=client -o yaml | kubectl apply -f - (with every key listed)"
                    ),
                ))
            }
        },
        "no HourglassExecutors",
    )
}

pub(super) fn inline_keys(s: &Snapshot) -> Vec<Finding> {
    per_executor(
        s,
        |e| {
            let (ns, name) = name_of(&e.metadata);
            let keys = e
                .spec
                .config
                .as_ref()
                .and_then(|c| c.operator_keys.as_ref());
            let mut fields = Vec::new();
            if keys.is_some_and(|k| k.ecdsa.is_some()) {
                fields.push("operatorKeys.ecdsa");
            }
            if keys.is_some_and(|k| k.bls.is_some()) {
                fields.push("operatorKeys.bls");
            }
            if fields.is_empty() {
                return Some(Finding::pass(Some(eobj(e)), "no inline private keys"));
            }
            // Never the values: only which fields hold them.
            Some(Finding::problem(
                Some(eobj(e)),
                format!(
                    "spec.config.{} hold(s) a private key inline: anyone who can read HourglassExecutors can read it",
                    fields.join(" and spec.config.")
                ),
                format!(
                    "move the keys to a Secret (`kubectl -n {ns} create secret generic {name}-keys --from-file={SECRET_KEY_ECDSA}=KEYFILE ...`), set spec.config.operatorKeys.secretRef.name: {name}-keys and delete the inline fields (`kubectl -n {ns} edit hourglassexecutor {name}`)"
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
            let config = e.spec.config.clone().unwrap_or_default();
            let chains = config.chains.clone().unwrap_or_default();
            let l1 = crate::output::describe::l1_chain(&chains, config.l1_chain.as_deref());
            let mut unused = Vec::new();
            if config.aggregator_endpoint.is_some() {
                unused.push("aggregatorEndpoint (the aggregator dials the executor)".to_string());
            }
            for c in &chains {
                if c.task_mailbox_address.is_some() {
                    unused.push(format!(
                        "chains[{}].taskMailboxAddress (built into the executor)",
                        c.name
                    ));
                }
                if l1.is_none_or(|l| l.name != c.name) {
                    unused.push(format!("chains[{}] (only the L1 chain is read)", c.name));
                }
            }
            if unused.is_empty() {
                return Some(Finding::pass(
                    Some(eobj(e)),
                    "every field is used by the executor",
                ));
            }
            Some(Finding::problem(
                Some(eobj(e)),
                format!("the executor ignores {}", unused.join(", ")),
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
        assert!(k[1].message.contains("lacks the key(s) ecdsa-private-key"));
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
        let all = report::json(&r).unwrap() + &report::table(&r, false, false);
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
            unused
                .message
                .contains("chains[base] (only the L1 chain is read)")
        );
    }
}
