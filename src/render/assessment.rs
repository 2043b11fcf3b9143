//! The one assessment of an executor spec against the real executor binary:
//! what it lacks (the binary would not start), what it asks for that cannot
//! work in a pod, what it gives that the binary ignores, and which fields hold
//! inline private keys. Pure. Rendering (replicas 0 while incomplete), the
//! status conditions, doctor, describe and `executor create` all read this,
//! so they cannot disagree.

use std::collections::BTreeSet;

use crate::api::HourglassExecutor;
use crate::api::executor::{
    Chain, ExecutorConfig, KNOWN_L1_CHAIN_IDS, LogLevel, PerformerMode, SECRET_KEY_BLS_KEYSTORE,
    SECRET_KEY_BLS_PASSWORD, SECRET_KEY_ECDSA, SECRET_KEY_OPERATOR, TASK_MAILBOX_CHAIN_IDS,
};

/// Which well-known keys the keys Secret holds: names only, never values.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct KeyMaterial {
    /// The Secret the keys come from (`secretRef.name`, or `<name>-keys` for inline keys).
    pub secret: Option<String>,
    /// False when `secret` is named but does not exist.
    pub exists: bool,
    /// Key names in the Secret's `data`.
    pub names: BTreeSet<String>,
}

impl KeyMaterial {
    /// The referenced Secret, with the key names it holds.
    pub fn from_secret(secret: &str, names: impl IntoIterator<Item = String>) -> Self {
        Self {
            secret: Some(secret.into()),
            exists: true,
            names: names.into_iter().collect(),
        }
    }

    /// The referenced Secret does not exist (yet).
    pub fn missing_secret(secret: &str) -> Self {
        Self {
            secret: Some(secret.into()),
            exists: false,
            names: BTreeSet::new(),
        }
    }

    pub fn has(&self, key: &str) -> bool {
        self.exists && self.names.contains(key)
    }

    /// Both halves of a BLS key: the keystore and its password.
    pub fn bls(&self) -> bool {
        self.has(SECRET_KEY_BLS_KEYSTORE) && self.has(SECRET_KEY_BLS_PASSWORD)
    }
}

/// One finding about a spec field: the field (as a path under `spec.`) and what about it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Item {
    pub field: String,
    pub message: String,
}

impl Item {
    fn new(field: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            field: field.into(),
            message: message.into(),
        }
    }
}

impl std::fmt::Display for Item {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.field, self.message)
    }
}

/// Where the executor gets the TaskMailbox of its L1 chain.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TaskMailbox {
    /// The contract table compiled into the binary has one for the chain id.
    BuiltIn,
    /// `overrideContracts.taskMailbox` names the chain id.
    Override,
    /// Runtime `contracts` replaces the built-in table (hgctl cannot look inside).
    RuntimeContracts,
    /// None: the binary exits with "task mailbox contract not found".
    Missing,
    /// No L1 chain, so no question.
    NoChain,
}

/// What hgctl concludes about an executor spec.
#[derive(Debug, Clone, PartialEq)]
pub struct Assessment {
    /// The chain the binary reads as `l1Chain`.
    pub l1: Option<Chain>,
    pub task_mailbox: TaskMailbox,
    /// What the binary needs and the spec (or its Secret) does not give.
    pub missing: Vec<Item>,
    /// Settings that cannot work in a pod.
    pub refused: Vec<Item>,
    /// Spec fields the binary does not read, each with why.
    pub unused: Vec<Item>,
    /// Spec fields holding an inline private key (never their values).
    pub inline_keys: Vec<&'static str>,
}

impl Assessment {
    /// True when the binary can start with this spec: `ConfigComplete=True`.
    pub fn complete(&self) -> bool {
        self.missing.is_empty() && self.refused.is_empty()
    }

    /// The `ConfigComplete` reason: refused settings first, then a missing
    /// TaskMailbox when it is the only gap, else missing fields.
    pub fn reason(&self) -> &'static str {
        use crate::api::conditions::reason;
        if self.complete() {
            reason::AS_EXPECTED
        } else if !self.refused.is_empty() {
            reason::UNSUPPORTED_IN_POD
        } else if self.task_mailbox == TaskMailbox::Missing && self.missing.len() == 1 {
            reason::NO_TASK_MAILBOX
        } else {
            reason::MISSING_FIELDS
        }
    }

    /// What keeps it from starting, refused settings first.
    pub fn blocking(&self) -> impl Iterator<Item = &Item> {
        self.refused.iter().chain(&self.missing)
    }
}

/// The chain the binary reads as `l1Chain`: the one named by `config.l1Chain`,
/// else the first with a known L1 chain id.
pub fn l1_chain<'a>(chains: &'a [Chain], l1: Option<&str>) -> Option<&'a Chain> {
    match l1 {
        Some(name) => chains.iter().find(|c| c.name == name),
        None => chains
            .iter()
            .find(|c| KNOWN_L1_CHAIN_IDS.contains(&c.chain_id)),
    }
}

/// The spec's inline key fields (`operatorKeys.ecdsa`, `operatorKeys.bls`).
pub fn inline_keys(config: &ExecutorConfig) -> Vec<&'static str> {
    let keys = config.operator_keys.as_ref();
    let mut fields = Vec::new();
    if keys.is_some_and(|k| k.ecdsa.is_some()) {
        fields.push("config.operatorKeys.ecdsa");
    }
    if keys.is_some_and(|k| k.bls.is_some()) {
        fields.push("config.operatorKeys.bls");
    }
    fields
}

/// Assesses the spec. `keys` is what the keys Secret holds; `None` when the
/// caller has not looked (then nothing is said about keys: `scaffold`, `describe`).
pub fn assess(e: &HourglassExecutor, keys: Option<&KeyMaterial>) -> Assessment {
    let config = e.spec.config.clone().unwrap_or_default();
    let chains = config.chains.clone().unwrap_or_default();
    let l1 = l1_chain(&chains, config.l1_chain.as_deref()).cloned();
    let mut missing = Vec::new();
    let mut refused = Vec::new();
    let mut unused = Vec::new();

    if config.operator_address.is_none() {
        missing.push(Item::new(
            "config.operatorAddress",
            "the operator's Ethereum address is required",
        ));
    }
    let task_mailbox = task_mailbox(&config, l1.as_ref());
    match (&l1, task_mailbox) {
        (None, _) => missing.push(Item::new(
            "config.chains",
            format!(
                "an L1 chain is required: a chain with a chain id in {KNOWN_L1_CHAIN_IDS:?}, or config.l1Chain naming one"
            ),
        )),
        (Some(c), TaskMailbox::Missing) => missing.push(Item::new(
            "config.overrideContracts.taskMailbox",
            format!(
                "the executor has no TaskMailbox for chain id {} (chains[{}]) in its built-in table ({TASK_MAILBOX_CHAIN_IDS:?}) and exits with \"task mailbox contract not found\"; give overrideContracts.taskMailbox (the contract JSON, chainIds [{}]) or contracts",
                c.chain_id, c.name, c.chain_id
            ),
        )),
        _ => {}
    }
    if config.performer_mode == Some(PerformerMode::Docker) {
        refused.push(Item::new(
            "config.performerMode",
            "docker cannot work in a pod (there is no Docker socket: the executor dies with \"Cannot connect to the Docker daemon\"); use kubernetes",
        ));
    }
    if let Some(keys) = keys {
        key_gaps(&config, keys, &mut missing, &mut unused);
    }

    if let Some(agg) = &config.aggregator_endpoint {
        unused.push(Item::new(
            "config.aggregatorEndpoint",
            format!("set to {agg}, but the aggregator dials the executor, not the other way round"),
        ));
    }
    if let Some(level @ (LogLevel::Warn | LogLevel::Error)) = config.log_level {
        let level = if level == LogLevel::Warn {
            "warn"
        } else {
            "error"
        };
        unused.push(Item::new(
            "config.logLevel",
            format!("{level}: only debug changes the executor's logging"),
        ));
    }
    for chain in &chains {
        if l1.as_ref().is_none_or(|l| l.name != chain.name) {
            unused.push(Item::new(
                format!("config.chains[{}]", chain.name),
                format!(
                    "chain id {}: the executor reads one L1 chain",
                    chain.chain_id
                ),
            ));
        }
        if chain.task_mailbox_address.is_some() {
            unused.push(Item::new(
                format!("config.chains[{}].taskMailboxAddress", chain.name),
                format!(
                    "the executor takes the TaskMailbox for chain id {} from {}; an address alone is not enough (the override is the contract JSON with its ABI)",
                    chain.chain_id,
                    match task_mailbox {
                        TaskMailbox::Override => "overrideContracts.taskMailbox",
                        TaskMailbox::RuntimeContracts => "contracts",
                        _ => "its built-in table or overrideContracts.taskMailbox",
                    }
                ),
            ));
        }
    }
    if let Some(over) = config
        .override_contracts
        .as_ref()
        .and_then(|o| o.task_mailbox.as_ref())
        && let Some(l1) = &l1
        && !over.chain_ids.contains(&l1.chain_id)
    {
        unused.push(Item::new(
            "config.overrideContracts.taskMailbox",
            format!(
                "chainIds {:?} do not include the L1 chain id {}",
                over.chain_ids, l1.chain_id
            ),
        ));
    }
    if config
        .operator_keys
        .as_ref()
        .is_some_and(|k| k.bls.is_some())
    {
        unused.push(Item::new(
            "config.operatorKeys.bls",
            format!(
                "the executor needs a BN254 keystore and its password, not a raw key: put them in a Secret under {SECRET_KEY_BLS_KEYSTORE} and {SECRET_KEY_BLS_PASSWORD} and use secretRef"
            ),
        ));
    }

    Assessment {
        l1,
        task_mailbox,
        missing,
        refused,
        unused,
        inline_keys: inline_keys(&config),
    }
}

fn task_mailbox(config: &ExecutorConfig, l1: Option<&Chain>) -> TaskMailbox {
    let Some(l1) = l1 else {
        return TaskMailbox::NoChain;
    };
    let overridden = config
        .override_contracts
        .as_ref()
        .and_then(|o| o.task_mailbox.as_ref())
        .is_some_and(|t| t.chain_ids.contains(&l1.chain_id));
    if overridden {
        TaskMailbox::Override
    } else if config.contracts.is_some() {
        TaskMailbox::RuntimeContracts
    } else if TASK_MAILBOX_CHAIN_IDS.contains(&l1.chain_id) {
        TaskMailbox::BuiltIn
    } else {
        TaskMailbox::Missing
    }
}

/// What the keys Secret (or the remote signer) must give: the transaction key
/// and one signing key.
fn key_gaps(
    config: &ExecutorConfig,
    keys: &KeyMaterial,
    missing: &mut Vec<Item>,
    unused: &mut Vec<Item>,
) {
    let remote = config.remote_signer.as_ref();
    let remote_operator = remote.is_some_and(|r| r.operator_key.is_some());
    let remote_signing = remote.is_some_and(|r| r.signing_key.is_some());
    if remote_operator && remote_signing {
        return; // every key is the signer's: no Secret needed
    }
    let field = "config.operatorKeys.secretRef";
    let Some(s) = keys.secret.as_deref() else {
        missing.push(Item::new(
            field,
            format!(
                "a Secret with {SECRET_KEY_OPERATOR} and {SECRET_KEY_ECDSA} (or {SECRET_KEY_BLS_KEYSTORE} + {SECRET_KEY_BLS_PASSWORD}) is required"
            ),
        ));
        return;
    };
    if !keys.exists {
        missing.push(Item::new(field, format!("Secret {s} (not found)")));
        return;
    }
    if !remote_operator && !keys.has(SECRET_KEY_OPERATOR) {
        missing.push(Item::new(
            field,
            format!(
                "the operator (transaction) private key: key {SECRET_KEY_OPERATOR} in Secret {s}"
            ),
        ));
    }
    if !remote_signing && !keys.has(SECRET_KEY_ECDSA) && !keys.bls() {
        missing.push(Item::new(
            field,
            format!(
                "a signing key: key {SECRET_KEY_ECDSA}, or {SECRET_KEY_BLS_KEYSTORE} with {SECRET_KEY_BLS_PASSWORD}, in Secret {s}"
            ),
        ));
    }
    if keys.has(SECRET_KEY_BLS_KEYSTORE) != keys.has(SECRET_KEY_BLS_PASSWORD) {
        unused.push(Item::new(
            field,
            format!(
                "Secret {s}: a BLS key needs both {SECRET_KEY_BLS_KEYSTORE} and {SECRET_KEY_BLS_PASSWORD}; the one present is not used"
            ),
        ));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::executor::{OverrideContract, OverrideContracts, RemoteKey, RemoteSigner};

    fn example(file: &str) -> HourglassExecutor {
        let text =
            std::fs::read_to_string(format!("{}/examples/{file}", env!("CARGO_MANIFEST_DIR")))
                .unwrap();
        let mut e: HourglassExecutor = serde_saphyr::from_str(&text).unwrap();
        e.metadata.namespace = Some("avs".into());
        e
    }

    fn full_keys() -> KeyMaterial {
        KeyMaterial::from_secret(
            "operator-keys",
            [SECRET_KEY_OPERATOR, SECRET_KEY_ECDSA].map(String::from),
        )
    }

    fn on_chain(id: i64) -> HourglassExecutor {
        let mut e = example("executor-full.yaml");
        let config = e.spec.config.as_mut().unwrap();
        config.chains.as_mut().unwrap()[0].chain_id = id;
        e
    }

    #[test]
    fn the_full_example_is_complete_and_uses_everything() {
        let a = assess(&example("executor-full.yaml"), Some(&full_keys()));
        assert!(a.complete(), "{:?}", a.missing);
        assert!(a.unused.is_empty(), "{:?}", a.unused);
        assert!(a.inline_keys.is_empty());
        assert_eq!(a.task_mailbox, TaskMailbox::BuiltIn);
    }

    #[test]
    fn an_l1_without_a_built_in_task_mailbox_is_incomplete_until_overridden() {
        for id in [17_000, 560_048] {
            let e = on_chain(id);
            let a = assess(&e, Some(&full_keys()));
            assert!(!a.complete());
            assert_eq!(a.task_mailbox, TaskMailbox::Missing);
            assert_eq!(a.missing.len(), 1, "{:?}", a.missing);
            assert_eq!(a.missing[0].field, "config.overrideContracts.taskMailbox");
            assert!(a.missing[0].message.contains(&id.to_string()));

            let mut over = e.clone();
            over.spec.config.as_mut().unwrap().override_contracts = Some(OverrideContracts {
                task_mailbox: Some(OverrideContract {
                    contract: "{}".into(),
                    chain_ids: vec![id],
                }),
            });
            let a = assess(&over, Some(&full_keys()));
            assert!(a.complete(), "{:?}", a.missing);
            assert_eq!(a.task_mailbox, TaskMailbox::Override);

            let mut other_chain = over.clone();
            other_chain
                .spec
                .config
                .as_mut()
                .unwrap()
                .override_contracts
                .as_mut()
                .unwrap()
                .task_mailbox
                .as_mut()
                .unwrap()
                .chain_ids = vec![1];
            let a = assess(&other_chain, Some(&full_keys()));
            assert!(!a.complete());
            assert!(
                a.unused
                    .iter()
                    .any(|u| u.field == "config.overrideContracts.taskMailbox")
            );

            let mut runtime = e.clone();
            runtime.spec.config.as_mut().unwrap().contracts = Some("{\"contracts\":[]}".into());
            assert_eq!(
                assess(&runtime, Some(&full_keys())).task_mailbox,
                TaskMailbox::RuntimeContracts
            );
        }
        for id in TASK_MAILBOX_CHAIN_IDS {
            if KNOWN_L1_CHAIN_IDS.contains(id) {
                assert!(assess(&on_chain(*id), Some(&full_keys())).complete());
            }
        }
    }

    #[test]
    fn the_holesky_example_is_complete_with_its_override_and_remote_signer() {
        let e = example("executor-holesky.yaml");
        let ecdsa_only = KeyMaterial::from_secret("operator-keys", [SECRET_KEY_ECDSA.to_string()]);
        let a = assess(&e, Some(&ecdsa_only));
        assert!(a.complete(), "{:?}", a.missing);
        assert_eq!(a.task_mailbox, TaskMailbox::Override);
        assert!(a.unused.is_empty(), "{:?}", a.unused);
        let mut without = e.clone();
        without.spec.config.as_mut().unwrap().override_contracts = None;
        assert_eq!(
            assess(&without, Some(&ecdsa_only)).reason(),
            crate::api::conditions::reason::NO_TASK_MAILBOX
        );
    }

    #[test]
    fn docker_mode_is_refused() {
        let mut e = example("executor-full.yaml");
        e.spec.config.as_mut().unwrap().performer_mode = Some(PerformerMode::Docker);
        let a = assess(&e, Some(&full_keys()));
        assert!(!a.complete());
        assert!(a.missing.is_empty());
        assert_eq!(a.refused[0].field, "config.performerMode");
        assert_eq!(a.blocking().count(), 1);
        assert_eq!(
            a.reason(),
            crate::api::conditions::reason::UNSUPPORTED_IN_POD
        );
    }

    #[test]
    fn a_remote_signer_stands_in_for_the_keys_it_holds() {
        let mut e = example("executor-full.yaml");
        let key = RemoteKey {
            from_address: "0x15d34AAf54267DB7D7c367839AAf71A00a2C6A65".into(),
            public_key: "0x04ab".into(),
        };
        e.spec.config.as_mut().unwrap().remote_signer = Some(RemoteSigner {
            url: "https://signer:9000".into(),
            tls_secret_ref: None,
            operator_key: Some(key.clone()),
            signing_key: None,
        });
        let only_ecdsa = KeyMaterial::from_secret("k", [SECRET_KEY_ECDSA.to_string()]);
        assert!(assess(&e, Some(&only_ecdsa)).complete());
        let only_operator = KeyMaterial::from_secret("k", [SECRET_KEY_OPERATOR.to_string()]);
        let a = assess(&e, Some(&only_operator));
        assert_eq!(a.missing.len(), 1);
        assert!(a.missing[0].message.contains("signing key"));
        e.spec
            .config
            .as_mut()
            .unwrap()
            .remote_signer
            .as_mut()
            .unwrap()
            .signing_key = Some(key);
        assert!(assess(&e, Some(&KeyMaterial::default())).complete());
    }

    /// Every unused case the status condition reports, doctor and describe report too:
    /// they all read this list.
    #[test]
    fn the_seed_example_names_every_gap_and_every_ignored_field() {
        let e = example("executor.yaml");
        let a = assess(&e, Some(&KeyMaterial::default()));
        let fields: Vec<&str> = a.missing.iter().map(|m| m.field.as_str()).collect();
        assert_eq!(
            fields,
            ["config.operatorAddress", "config.operatorKeys.secretRef"]
        );
        let unused: Vec<&str> = a.unused.iter().map(|m| m.field.as_str()).collect();
        assert_eq!(
            unused,
            [
                "config.aggregatorEndpoint",
                "config.chains[ethereum].taskMailboxAddress",
                "config.chains[base]",
                "config.chains[base].taskMailboxAddress",
                "config.operatorKeys.bls",
            ]
        );
        assert_eq!(
            a.inline_keys,
            ["config.operatorKeys.ecdsa", "config.operatorKeys.bls"]
        );
        // Without the keys, nothing is said about them.
        let a = assess(&e, None);
        assert_eq!(a.missing.len(), 1);
    }
}
