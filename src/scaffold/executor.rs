//! `hgctl executor create` flags -> a validated `HourglassExecutor` and the
//! Secret `<name>-keys` holding the operator's keys. Pure: key files are read
//! through the `read` function the caller passes.
//!
//! Key bytes only ever go into the Secret's `stringData`: never into the CR,
//! never into an error message (errors say what is wrong with a file, not what
//! is in it), and [`redacted`] is what `--dry-run` prints.

use std::collections::BTreeMap;
use std::path::Path;

use k8s_openapi::ByteString;
use k8s_openapi::api::core::v1::Secret;
use k8s_openapi::apimachinery::pkg::api::resource::Quantity;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;

use super::flags::ExecutorCreateArgs;
use super::performer::{check_avs, check_image};
use super::{check_port, check_schema, parse_quantity, split_kv};
use crate::api::executor::{
    AvsPerformer, Chain, ExecutorConfig, ExecutorService, ExternalTrafficPolicy, KeysSecretRef,
    LogLevel, OperatorKeys, OverrideContract, OverrideContracts, RemoteKey, RemoteSigner,
    SECRET_KEY_BLS_KEYSTORE, SECRET_KEY_BLS_PASSWORD, SECRET_KEY_ECDSA, SECRET_KEY_OPERATOR,
    ServiceType, Storage, StorageType,
};
use crate::api::{self, HourglassExecutor, HourglassExecutorSpec};
use crate::error::{Error, Result};
use crate::render::executor::keys_secret_name;
use crate::validate;

/// What the value of every key looks like in `--dry-run` output.
pub const REDACTED: &str = "<redacted>";

/// The scaffolded objects.
pub struct Scaffold {
    pub executor: HourglassExecutor,
    /// The key Secret to create, unless `--keys-secret` names an existing one.
    pub secret: Option<Secret>,
    /// Advice that does not stop the command (printed on stderr).
    pub warnings: Vec<String>,
}

impl std::fmt::Debug for Scaffold {
    // Never print key material, even in a debug dump.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Scaffold")
            .field("executor", &self.executor)
            .field("secret", &self.secret.as_ref().map(redacted))
            .field("warnings", &self.warnings)
            .finish()
    }
}

/// A copy of the Secret with every value replaced by [`REDACTED`].
pub fn redacted(secret: &Secret) -> Secret {
    let mut copy = secret.clone();
    let hide = |keys: Vec<String>| -> BTreeMap<String, String> {
        keys.into_iter()
            .map(|k| (k, REDACTED.to_string()))
            .collect()
    };
    let mut keys: Vec<String> = Vec::new();
    keys.extend(copy.string_data.iter().flat_map(|m| m.keys().cloned()));
    keys.extend(copy.data.iter().flat_map(|m| m.keys().cloned()));
    copy.data = None::<BTreeMap<String, ByteString>>;
    copy.string_data = (!keys.is_empty()).then(|| hide(keys));
    copy
}

/// Builds the executor and its key Secret. `read` reads a key file.
pub fn build(
    args: &ExecutorCreateArgs,
    namespace: Option<&str>,
    read: &dyn Fn(&Path) -> std::io::Result<Vec<u8>>,
) -> Result<Scaffold> {
    let key_files = [
        &args.operator_key_file,
        &args.ecdsa_key_file,
        &args.bls_keystore,
        &args.bls_password_file,
    ];
    let has_key_files = key_files.iter().any(|f| f.is_some());
    let mut missing = Vec::new();
    if args.name.is_none() {
        missing.push("NAME");
    }
    if args.image.is_none() {
        missing.push("--image");
    }
    if args.operator_address.is_none() {
        missing.push("--operator-address");
    }
    let remote = remote_signer(args)?;
    let remote_operator = remote.as_ref().is_some_and(|r| r.operator_key.is_some());
    let remote_signing = remote.as_ref().is_some_and(|r| r.signing_key.is_some());
    if args.keys_secret.is_none() && !has_key_files && !(remote_operator && remote_signing) {
        missing.push("--operator-key-file (or --keys-secret)");
    }
    if !missing.is_empty() {
        return Err(Error::missing(
            &missing,
            "e.g. hgctl executor create ops --image ghcr.io/layr-labs/hourglass/executor:v1 --operator-address 0x... --operator-key-file op.hex --ecdsa-key-file ecdsa.hex",
        ));
    }
    let name = args.name.as_deref().unwrap_or_default();
    check_name(name)?;
    check_image("--image", args.image.as_deref().unwrap_or_default())?;
    let operator_address = args.operator_address.clone().unwrap_or_default();
    check_avs("--operator-address", &operator_address)?;

    let mut warnings = Vec::new();
    warnings.extend(replicas_warning(args)?);
    let log_level = log_level(args)?;
    let chains = chains(&args.chain)?;
    check_l1(args, &chains)?;
    if let Some(agg) = &args.aggregator {
        check_host_port(agg)?;
    }
    let avs_performers = avs_performers(&args.avs)?;
    let storage = args.storage.as_deref().map(storage).transpose()?;
    check_ports(args)?;

    let service = service(args)?;
    let override_contracts = task_mailbox(args, &chains, read)?;
    let contracts = args
        .contracts_file
        .as_deref()
        .map(|f| json_file("--contracts-file", f, read))
        .transpose()?;
    let command = (!args.command.is_empty()).then(|| args.command.clone());
    let container_args = (!args.args.is_empty()).then(|| args.args.clone());
    if command
        .as_ref()
        .is_some_and(|c| c.iter().any(|a| a.is_empty()))
    {
        return Err(Error::flag(
            "--command",
            "an empty command item",
            "give one non-empty item per --command",
        ));
    }

    let (secret_name, secret) = key_source(
        args,
        name,
        namespace,
        read,
        has_key_files,
        (remote_operator, remote_signing),
    )?;

    let config = ExecutorConfig {
        aggregator_endpoint: args.aggregator.clone(),
        performer_mode: None,
        log_level,
        chains: (!chains.is_empty()).then_some(chains),
        l1_chain: args.l1_chain.clone(),
        operator_keys: (!secret_name.is_empty()).then_some(OperatorKeys {
            ecdsa: None,
            bls: None,
            secret_ref: Some(KeysSecretRef { name: secret_name }),
        }),
        operator_address: Some(operator_address),
        grpc_port: args.grpc_port,
        management_grpc_port: args.management_port,
        storage,
        avs_performers: (!avs_performers.is_empty()).then_some(avs_performers),
        auth: None,
        override_contracts,
        contracts,
        remote_signer: remote,
    };
    let executor = HourglassExecutor {
        metadata: ObjectMeta {
            name: Some(name.to_string()),
            namespace: namespace.map(str::to_string),
            ..Default::default()
        },
        spec: HourglassExecutorSpec {
            image: args.image.clone().unwrap_or_default(),
            replicas: args.replicas,
            config: Some(config),
            network_policy: args
                .network_policy
                .then_some(api::executor::PerformerNetworkPolicy { enabled: true }),
            command,
            args: container_args,
            service,
            ..Default::default()
        },
        status: None,
    };
    check_schema(&api::crds()[1], &executor, flag_for_path)?;
    // What the executor would lack or ignore: the same assessment as its status condition.
    let assessment = crate::render::assessment::assess(&executor, None);
    for item in assessment.blocking() {
        warnings.push(format!(
            "{} ({}): the executor will run 0 replicas until this is fixed",
            item,
            flag_for_path(&format!("spec.{}", item.field))
        ));
    }
    for item in &assessment.unused {
        warnings.push(format!("not used by the executor: {item}"));
    }
    Ok(Scaffold {
        executor,
        secret,
        warnings,
    })
}

/// `--replicas` in range; above 1 a warning (no leader election upstream).
fn replicas_warning(args: &ExecutorCreateArgs) -> Result<Option<String>> {
    if let Some(r) = args.replicas {
        if !(0..=1000).contains(&r) {
            return Err(Error::flag(
                "--replicas",
                format!("{r} is not a replica count"),
                "use 0 to 1000; one replica per operator identity is recommended",
            ));
        }
        if r > 1 {
            return Ok(Some(format!(
                "--replicas {r}: the executor has no leader election, so {r} replicas of one operator identity deploy every performer {r} times; one is recommended"
            )));
        }
    }
    Ok(None)
}

/// `--executor-log-level`, in the CR's terms.
fn log_level(args: &ExecutorCreateArgs) -> Result<Option<LogLevel>> {
    args.executor_log_level
        .as_deref()
        .map(|l| match l.to_ascii_lowercase().as_str() {
            "debug" => Ok(LogLevel::Debug),
            "info" => Ok(LogLevel::Info),
            "warn" | "warning" => Ok(LogLevel::Warn),
            "error" => Ok(LogLevel::Error),
            _ => Err(Error::flag(
                "--executor-log-level",
                format!("{l:?} is not a log level"),
                "use debug, info, warn or error (only debug changes what the executor logs)",
            )),
        })
        .transpose()
}

/// `--l1-chain` names one of the `--chain`s.
fn check_l1(args: &ExecutorCreateArgs, chains: &[Chain]) -> Result<()> {
    if let Some(l1) = &args.l1_chain
        && !chains.iter().any(|c| &c.name == l1)
    {
        return Err(Error::flag(
            "--l1-chain",
            format!("{l1:?} is not one of the --chain names"),
            if chains.is_empty() {
                "add it with --chain NAME=CHAIN_ID,RPC_URL".to_string()
            } else {
                format!(
                    "use one of {}",
                    chains
                        .iter()
                        .map(|c| c.name.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                )
            },
        ));
    }
    Ok(())
}

/// Both ports valid, and not the same one.
fn check_ports(args: &ExecutorCreateArgs) -> Result<()> {
    for (flag, port) in [
        ("--grpc-port", args.grpc_port),
        ("--management-port", args.management_port),
    ] {
        if let Some(p) = port {
            check_port(flag, p)?;
        }
    }
    let grpc = args
        .grpc_port
        .unwrap_or(api::executor::DEFAULT_EXECUTOR_GRPC_PORT);
    let management = args
        .management_port
        .unwrap_or(api::executor::DEFAULT_EXECUTOR_MANAGEMENT_PORT);
    if grpc == management {
        return Err(Error::conflict(
            "--grpc-port",
            "--management-port",
            format!("both servers would listen on port {grpc}"),
            "give the task and management servers different ports (the defaults are 9000 and 9001)",
        ));
    }

    Ok(())
}

/// Where the keys come from: an existing Secret (its name), or `<name>-keys` made from the
/// key files (name and Secret), or nowhere when the remote signer holds every key.
fn key_source(
    args: &ExecutorCreateArgs,
    name: &str,
    namespace: Option<&str>,
    read: &dyn Fn(&Path) -> std::io::Result<Vec<u8>>,
    has_key_files: bool,
    (remote_operator, remote_signing): (bool, bool),
) -> Result<(String, Option<Secret>)> {
    Ok(match (&args.keys_secret, has_key_files) {
        (Some(_), true) => {
            return Err(Error::conflict(
                "--keys-secret",
                "--*-key-file/--bls-*",
                "keys come either from an existing Secret or from files",
                "drop --keys-secret to create <name>-keys from the files, or drop the key files",
            ));
        }
        (Some(existing), false) => {
            if !validate::is_dns1123_subdomain(existing) {
                return Err(Error::flag(
                    "--keys-secret",
                    format!("{existing:?} is not a valid Secret name"),
                    "use lowercase letters, digits, '-' and '.'",
                ));
            }
            (existing.clone(), None)
        }
        (None, false) => (String::new(), None), // every key is the remote signer's
        (None, true) => {
            let secret = key_secret(args, name, namespace, read, remote_operator, remote_signing)?;
            (keys_secret_name(name), Some(secret))
        }
    })
}

fn flag_for_path(path: &str) -> &'static str {
    let table: &[(&str, &str)] = &[
        ("metadata.name", "NAME"),
        ("spec.image", "--image"),
        ("spec.replicas", "--replicas"),
        ("spec.config.chains", "--chain"),
        ("spec.config.l1Chain", "--l1-chain"),
        ("spec.config.aggregatorEndpoint", "--aggregator"),
        ("spec.config.operatorAddress", "--operator-address"),
        ("spec.config.operatorKeys", "--keys-secret"),
        ("spec.config.grpcPort", "--grpc-port"),
        ("spec.config.managementGrpcPort", "--management-port"),
        ("spec.config.storage", "--storage"),
        ("spec.config.avsPerformers", "--avs"),
        ("spec.config.logLevel", "--executor-log-level"),
        ("spec.networkPolicy", "--network-policy"),
        ("spec.config.overrideContracts", "--task-mailbox-contract"),
        ("spec.config.contracts", "--contracts-file"),
        ("spec.config.remoteSigner.url", "--remote-signer-url"),
        (
            "spec.config.remoteSigner.tlsSecretRef",
            "--remote-signer-tls-secret",
        ),
        (
            "spec.config.remoteSigner.operatorKey",
            "--remote-operator-key",
        ),
        (
            "spec.config.remoteSigner.signingKey",
            "--remote-signing-key",
        ),
        ("spec.config.remoteSigner", "--remote-signer-url"),
        ("spec.service.annotations", "--service-annotation"),
        (
            "spec.service.externalTrafficPolicy",
            "--external-traffic-policy",
        ),
        ("spec.service", "--service-type"),
        ("spec.command", "--command"),
        ("spec.args", "--arg"),
    ];
    table
        .iter()
        .find(|(prefix, _)| path.starts_with(prefix))
        .map(|(_, flag)| *flag)
        .unwrap_or("NAME")
}

/// An executor name: DNS-1035, short enough for `<name>-config` and `<name>-keys`.
pub fn check_name(name: &str) -> Result<()> {
    if name.len() > validate::MAX_EXECUTOR_NAME || !validate::is_dns1035_label(name) {
        return Err(Error::flag(
            "NAME",
            format!("{name:?} is not a valid executor name"),
            format!(
                "use at most {} lowercase letters, digits and '-', starting with a letter (its children are NAME-config and NAME-keys)",
                validate::MAX_EXECUTOR_NAME
            ),
        ));
    }
    Ok(())
}

/// `NAME=CHAIN_ID,RPC_URL[,MAILBOX]`.
fn chains(items: &[String]) -> Result<Vec<Chain>> {
    let flag = "--chain";
    let hint = "use NAME=CHAIN_ID,RPC_URL[,MAILBOX_ADDRESS], e.g. --chain ethereum=1,https://eth.example.com";
    let mut chains: Vec<Chain> = Vec::new();
    for item in items {
        let (name, rest) = split_kv(flag, item, "ethereum=1,https://eth.example.com", false)?;
        if !validate::is_dns1123_label(name) {
            return Err(Error::flag(
                flag,
                format!("{name:?} is not a chain name"),
                "chain names are lowercase letters, digits and '-'",
            ));
        }
        let parts: Vec<&str> = rest.split(',').collect();
        if !(2..=3).contains(&parts.len()) {
            return Err(Error::flag(
                flag,
                format!("{item:?} needs a chain id and an RPC URL"),
                hint,
            ));
        }
        let chain_id = parts[0]
            .parse::<i64>()
            .ok()
            .filter(|id| *id >= 1)
            .ok_or_else(|| {
                Error::flag(
                    flag,
                    format!("{:?} is not a chain id", parts[0]),
                    "a chain id is a positive integer (1 mainnet, 17000 holesky, 11155111 sepolia, 31337 anvil)",
                )
            })?;
        if !validate::is_rpc_url(parts[1]) {
            return Err(Error::flag(
                flag,
                format!("{:?} is not an http(s) or ws(s) URL", parts[1]),
                hint,
            ));
        }
        let mailbox = match parts.get(2) {
            Some(m) if validate::is_eth_address(m) => Some(m.to_string()),
            Some(m) => {
                return Err(Error::flag(
                    flag,
                    format!("mailbox {m:?} is not an Ethereum address"),
                    "use 0x followed by 40 hexadecimal digits",
                ));
            }
            None => None,
        };
        if chains.iter().any(|c| c.name == name) {
            return Err(Error::flag(
                flag,
                format!("chain {name} is given twice"),
                "give each chain once",
            ));
        }
        chains.push(Chain {
            name: name.to_string(),
            rpc: parts[1].to_string(),
            chain_id,
            task_mailbox_address: mailbox,
        });
    }
    Ok(chains)
}

fn check_host_port(text: &str) -> Result<()> {
    let ok = text.rsplit_once(':').is_some_and(|(host, port)| {
        !host.is_empty()
            && !host.contains(char::is_whitespace)
            && !host.contains('/')
            && port.parse::<u16>().is_ok_and(|p| p > 0)
    });
    if ok {
        Ok(())
    } else {
        Err(Error::flag(
            "--aggregator",
            format!("{text:?} is not HOST:PORT"),
            "e.g. --aggregator aggregator.avs.svc:9010 (the real executor does not read it: the aggregator dials the executor)",
        ))
    }
}

/// `0x...=IMAGE`.
fn avs_performers(items: &[String]) -> Result<Vec<AvsPerformer>> {
    let mut out: Vec<AvsPerformer> = Vec::new();
    for item in items {
        let (address, image) = split_kv("--avs", item, "0x...=ghcr.io/org/performer:v1", false)?;
        check_avs("--avs", address)?;
        check_image("--avs", image)?;
        if out
            .iter()
            .any(|p| p.avs_address.eq_ignore_ascii_case(address))
        {
            return Err(Error::flag(
                "--avs",
                format!("AVS {address} is given twice"),
                "give each AVS once",
            ));
        }
        out.push(AvsPerformer {
            avs_address: address.to_string(),
            image: image.to_string(),
            envs: None,
            service_account_name: None,
            performer_template: None,
        });
    }
    Ok(out)
}

/// `memory` or `badger[:SIZE]`.
fn storage(text: &str) -> Result<Storage> {
    let hint = "use memory, badger or badger:SIZE (e.g. badger:10Gi)";
    let (kind, size) = match text.split_once(':') {
        Some((k, s)) => (k, Some(s)),
        None => (text, None),
    };
    let kind = match kind {
        "memory" => StorageType::Memory,
        "badger" => StorageType::Badger,
        other => {
            return Err(Error::flag(
                "--storage",
                format!("{other:?} is not a storage type"),
                hint,
            ));
        }
    };
    if let Some(size) = size {
        if kind == StorageType::Memory {
            return Err(Error::flag(
                "--storage",
                "memory storage has no size".to_string(),
                hint,
            ));
        }
        if parse_quantity("--storage", size)? == 0 {
            return Err(Error::flag(
                "--storage",
                "the badger volume size must be above zero".to_string(),
                hint,
            ));
        }
    }
    Ok(Storage {
        kind,
        size: size.map(|s| Quantity(s.to_string())),
    })
}

/// Reads and checks the key files and builds the Secret.
fn key_secret(
    args: &ExecutorCreateArgs,
    name: &str,
    namespace: Option<&str>,
    read: &dyn Fn(&Path) -> std::io::Result<Vec<u8>>,
    remote_operator: bool,
    remote_signing: bool,
) -> Result<Secret> {
    if remote_operator && args.operator_key_file.is_some() {
        return Err(Error::conflict(
            "--operator-key-file",
            "--remote-operator-key",
            "the transaction key is either in a file or held by the remote signer",
            "drop one of them",
        ));
    }
    let operator_file = args.operator_key_file.as_ref();
    if operator_file.is_none() && !remote_operator {
        return Err(Error::MissingFlags {
            flags: vec!["--operator-key-file".into()],
            message: "the executor signs transactions with the operator key".into(),
            help: Some(
                "pass --operator-key-file FILE (hex), or --keys-secret NAME for an existing Secret"
                    .into(),
            ),
        });
    };
    match (&args.bls_keystore, &args.bls_password_file) {
        (Some(_), None) => {
            return Err(Error::MissingFlags {
                flags: vec!["--bls-password-file".into()],
                message: "a BLS keystore is encrypted with a password".into(),
                help: Some("pass --bls-password-file FILE with the keystore's password".into()),
            });
        }
        (None, Some(_)) => {
            return Err(Error::MissingFlags {
                flags: vec!["--bls-keystore".into()],
                message: "--bls-password-file is the password of a BLS keystore".into(),
                help: Some("pass --bls-keystore FILE (EIP-2335 JSON)".into()),
            });
        }
        _ => {}
    }
    if remote_signing && args.ecdsa_key_file.is_some() {
        return Err(Error::conflict(
            "--ecdsa-key-file",
            "--remote-signing-key",
            "the ECDSA signing key is either in a file or held by the remote signer",
            "drop one of them",
        ));
    }
    if args.ecdsa_key_file.is_none() && args.bls_keystore.is_none() && !remote_signing {
        return Err(Error::MissingFlags {
            flags: vec!["--ecdsa-key-file or --bls-keystore".into()],
            message: "the executor needs at least one signing key".into(),
            help: Some(
                "pass --ecdsa-key-file FILE (hex), or --bls-keystore FILE --bls-password-file FILE"
                    .into(),
            ),
        });
    }
    let mut data = BTreeMap::new();
    if let Some(operator_file) = operator_file {
        data.insert(
            SECRET_KEY_OPERATOR.to_string(),
            hex_key("--operator-key-file", operator_file, read)?,
        );
    }
    if let Some(file) = &args.ecdsa_key_file {
        data.insert(
            SECRET_KEY_ECDSA.to_string(),
            hex_key("--ecdsa-key-file", file, read)?,
        );
    }
    if let (Some(keystore), Some(password)) = (&args.bls_keystore, &args.bls_password_file) {
        data.insert(
            SECRET_KEY_BLS_KEYSTORE.to_string(),
            bls_keystore(keystore, read)?,
        );
        data.insert(
            SECRET_KEY_BLS_PASSWORD.to_string(),
            bls_password(password, read)?,
        );
    }
    let mut labels = BTreeMap::new();
    labels.insert("app.kubernetes.io/managed-by".into(), "hgctl".into());
    labels.insert("app.kubernetes.io/instance".into(), name.to_string());
    labels.insert("app.kubernetes.io/component".into(), "executor-keys".into());
    Ok(Secret {
        metadata: ObjectMeta {
            name: Some(keys_secret_name(name)),
            namespace: namespace.map(str::to_string),
            labels: Some(labels),
            ..Default::default()
        },
        type_: Some("Opaque".into()),
        string_data: Some(data),
        ..Default::default()
    })
}

/// `--remote-signer-url` with the keys it holds.
fn remote_signer(args: &ExecutorCreateArgs) -> Result<Option<RemoteSigner>> {
    let operator_key = args
        .remote_operator_key
        .as_deref()
        .map(|k| remote_key("--remote-operator-key", k))
        .transpose()?;
    let signing_key = args
        .remote_signing_key
        .as_deref()
        .map(|k| remote_key("--remote-signing-key", k))
        .transpose()?;
    let Some(url) = &args.remote_signer_url else {
        if operator_key.is_some()
            || signing_key.is_some()
            || args.remote_signer_tls_secret.is_some()
        {
            return Err(Error::missing(
                &["--remote-signer-url"],
                "the remote signer's keys need its URL, e.g. --remote-signer-url https://web3signer.avs.svc:9000",
            ));
        }
        return Ok(None);
    };
    if !(url.starts_with("https://") || url.starts_with("http://"))
        || url.contains(char::is_whitespace)
    {
        return Err(Error::flag(
            "--remote-signer-url",
            format!("{url:?} is not an http(s) URL"),
            "e.g. --remote-signer-url https://web3signer.avs.svc:9000",
        ));
    }
    if operator_key.is_none() && signing_key.is_none() {
        return Err(Error::missing(
            &["--remote-operator-key or --remote-signing-key"],
            "say which keys the remote signer holds: --remote-operator-key FROM_ADDRESS,PUBLIC_KEY and/or --remote-signing-key FROM_ADDRESS,PUBLIC_KEY",
        ));
    }
    let tls_secret_ref = match &args.remote_signer_tls_secret {
        Some(name) if !validate::is_dns1123_subdomain(name) => {
            return Err(Error::flag(
                "--remote-signer-tls-secret",
                format!("{name:?} is not a valid Secret name"),
                "use lowercase letters, digits, '-' and '.'",
            ));
        }
        Some(name) => Some(KeysSecretRef { name: name.clone() }),
        None => None,
    };
    Ok(Some(RemoteSigner {
        url: url.clone(),
        tls_secret_ref,
        operator_key,
        signing_key,
    }))
}

/// `FROM_ADDRESS,PUBLIC_KEY`.
fn remote_key(flag: &str, text: &str) -> Result<RemoteKey> {
    let hint = format!("use {flag} FROM_ADDRESS,PUBLIC_KEY, e.g. {flag} 0x15d3...6A65,0x04ab...");
    let Some((address, public_key)) = text.split_once(',') else {
        return Err(Error::flag(
            flag,
            format!("{text:?} is not FROM_ADDRESS,PUBLIC_KEY"),
            hint,
        ));
    };
    check_avs(flag, address)?;
    let hex = public_key.strip_prefix("0x").unwrap_or(public_key);
    if hex.is_empty() || !hex.bytes().all(|b| b.is_ascii_hexdigit()) || public_key.len() > 256 {
        return Err(Error::flag(
            flag,
            format!("the public key {public_key:?} is not hexadecimal"),
            hint,
        ));
    }
    Ok(RemoteKey {
        from_address: address.into(),
        public_key: public_key.into(),
    })
}

/// `--service-type`, `--service-annotation`, `--external-traffic-policy`.
fn service(args: &ExecutorCreateArgs) -> Result<Option<ExecutorService>> {
    let kind = args
        .service_type
        .as_deref()
        .map(|t| match t.to_ascii_lowercase().as_str() {
            "clusterip" => Ok(ServiceType::ClusterIP),
            "nodeport" => Ok(ServiceType::NodePort),
            "loadbalancer" => Ok(ServiceType::LoadBalancer),
            _ => Err(Error::flag(
                "--service-type",
                format!("{t:?} is not a Service type"),
                "use ClusterIP, NodePort or LoadBalancer (the aggregator must reach the task port)",
            )),
        })
        .transpose()?;
    let policy = args
        .external_traffic_policy
        .as_deref()
        .map(|p| match p.to_ascii_lowercase().as_str() {
            "cluster" => Ok(ExternalTrafficPolicy::Cluster),
            "local" => Ok(ExternalTrafficPolicy::Local),
            _ => Err(Error::flag(
                "--external-traffic-policy",
                format!("{p:?} is not a traffic policy"),
                "use Cluster or Local",
            )),
        })
        .transpose()?;
    if policy.is_some() && kind.unwrap_or_default() == ServiceType::ClusterIP {
        return Err(Error::conflict(
            "--external-traffic-policy",
            "--service-type ClusterIP",
            "externalTrafficPolicy applies to NodePort and LoadBalancer Services only",
            "add --service-type NodePort or LoadBalancer, or drop --external-traffic-policy",
        ));
    }
    let mut annotations = BTreeMap::new();
    for item in &args.service_annotation {
        let (k, v) = split_kv(
            "--service-annotation",
            item,
            "service.beta.kubernetes.io/aws-load-balancer-type=nlb",
            true,
        )?;
        if !validate::is_label_key(k) {
            return Err(Error::flag(
                "--service-annotation",
                format!("{k:?} is not a valid annotation key"),
                "use an optional DNS prefix and a name, e.g. example.com/lb-class",
            ));
        }
        annotations.insert(k.to_string(), v.to_string());
    }
    if kind.is_none() && policy.is_none() && annotations.is_empty() {
        return Ok(None);
    }
    Ok(Some(ExecutorService {
        kind,
        annotations: (!annotations.is_empty()).then_some(annotations),
        external_traffic_policy: policy,
    }))
}

/// `--task-mailbox-contract FILE` with `--task-mailbox-chain-ids` (default: the L1's).
fn task_mailbox(
    args: &ExecutorCreateArgs,
    chains: &[Chain],
    read: &dyn Fn(&Path) -> std::io::Result<Vec<u8>>,
) -> Result<Option<OverrideContracts>> {
    let Some(file) = &args.task_mailbox_contract else {
        if !args.task_mailbox_chain_ids.is_empty() {
            return Err(Error::missing(
                &["--task-mailbox-contract"],
                "--task-mailbox-chain-ids says which chains a TaskMailbox contract applies to; pass the contract JSON with --task-mailbox-contract FILE",
            ));
        }
        return Ok(None);
    };
    let contract = json_file("--task-mailbox-contract", file, read)?;
    let chain_ids = if args.task_mailbox_chain_ids.is_empty() {
        match crate::render::assessment::l1_chain(chains, args.l1_chain.as_deref()) {
            Some(l1) => vec![l1.chain_id],
            None => {
                return Err(Error::missing(
                    &["--task-mailbox-chain-ids"],
                    "no L1 chain to apply the TaskMailbox contract to: pass --task-mailbox-chain-ids ID,... or --chain NAME=CHAIN_ID,RPC_URL",
                ));
            }
        }
    } else {
        args.task_mailbox_chain_ids.clone()
    };
    if let Some(bad) = chain_ids.iter().find(|id| **id < 1) {
        return Err(Error::flag(
            "--task-mailbox-chain-ids",
            format!("{bad} is not a chain id"),
            "use positive EIP-155 chain ids, e.g. 17000",
        ));
    }
    Ok(Some(OverrideContracts {
        task_mailbox: Some(OverrideContract {
            contract,
            chain_ids,
        }),
    }))
}

/// A JSON file's text, checked to parse (its content is public contract data, not a key).
fn json_file(
    flag: &str,
    path: &Path,
    read: &dyn Fn(&Path) -> std::io::Result<Vec<u8>>,
) -> Result<String> {
    let bytes = read(path).map_err(|e| {
        Error::flag(
            flag,
            format!("cannot read {}: {}", path.display(), e.kind()),
            "check the path and that the file is readable",
        )
    })?;
    let text = String::from_utf8(bytes).unwrap_or_default();
    match serde_json::from_str::<serde_json::Value>(&text) {
        Ok(v) if v.is_object() => Ok(text.trim().to_string()),
        _ => Err(Error::flag(
            flag,
            format!("{} is not a JSON object", path.display()),
            "give the contract JSON (an object with the address and ABI) as the executor reads it",
        )),
    }
}

fn read_key_file(
    flag: &str,
    path: &Path,
    read: &dyn Fn(&Path) -> std::io::Result<Vec<u8>>,
) -> Result<String> {
    let bytes = read(path).map_err(|e| Error::InvalidKeyFile {
        flag: flag.into(),
        path: path.display().to_string(),
        // The io error describes the file system, never the content.
        message: format!("cannot read it: {}", e.kind()),
        help: Some("check the path and that the file is readable".into()),
    })?;
    String::from_utf8(bytes).map_err(|_| Error::InvalidKeyFile {
        flag: flag.into(),
        path: path.display().to_string(),
        message: "it is not text".into(),
        help: Some("key files are UTF-8 text (hex, or keystore JSON)".into()),
    })
}

/// A 32-byte hex key, `0x` optional, surrounding whitespace ignored.
fn hex_key(
    flag: &str,
    path: &Path,
    read: &dyn Fn(&Path) -> std::io::Result<Vec<u8>>,
) -> Result<String> {
    let text = read_key_file(flag, path, read)?;
    let key = text.trim();
    let digits = key
        .strip_prefix("0x")
        .or_else(|| key.strip_prefix("0X"))
        .unwrap_or(key);
    if digits.len() != 64 || !digits.bytes().all(|b| b.is_ascii_hexdigit()) {
        let what = if digits.bytes().all(|b| b.is_ascii_hexdigit()) {
            format!("it has {} hexadecimal digits, not 64", digits.len())
        } else {
            "it contains characters that are not hexadecimal digits".to_string()
        };
        return Err(Error::InvalidKeyFile {
            flag: flag.into(),
            path: path.display().to_string(),
            message: format!("expected a 32-byte private key in hex: {what}"),
            help: Some(
                "the file holds 64 hexadecimal digits, optionally prefixed with 0x (e.g. the output of `cast wallet new`'s private key)"
                    .into(),
            ),
        });
    }
    Ok(key.to_string())
}

/// An EIP-2335 keystore: a JSON object with `crypto {kdf, checksum, cipher}` and `version: 4`.
fn bls_keystore(path: &Path, read: &dyn Fn(&Path) -> std::io::Result<Vec<u8>>) -> Result<String> {
    let flag = "--bls-keystore";
    let text = read_key_file(flag, path, read)?;
    let invalid = |message: String| {
        Error::InvalidKeyFile {
        flag: flag.into(),
        path: path.display().to_string(),
        message,
        help: Some(
            "pass an EIP-2335 keystore (JSON with crypto.kdf, crypto.checksum, crypto.cipher, pubkey and version 4), e.g. from `eigenlayer keys create --key-type bls`"
                .into(),
        ),
    }
    };
    // serde_json's messages give a line and column, never the text.
    let value: serde_json::Value = serde_json::from_str(&text).map_err(|e| {
        invalid(format!(
            "not JSON (line {} column {})",
            e.line(),
            e.column()
        ))
    })?;
    let crypto = value
        .get("crypto")
        .and_then(|c| c.as_object())
        .ok_or_else(|| invalid("it has no crypto object".into()))?;
    for part in ["kdf", "checksum", "cipher"] {
        if !crypto.get(part).is_some_and(|p| p.is_object()) {
            return Err(invalid(format!("crypto.{part} is missing")));
        }
    }
    if value.get("version").and_then(|v| v.as_u64()) != Some(4) {
        return Err(invalid("version is not 4".into()));
    }
    Ok(text)
}

/// The keystore password: non-empty; one trailing newline is not part of it.
fn bls_password(path: &Path, read: &dyn Fn(&Path) -> std::io::Result<Vec<u8>>) -> Result<String> {
    let flag = "--bls-password-file";
    let text = read_key_file(flag, path, read)?;
    let password = text
        .strip_suffix("\r\n")
        .or_else(|| text.strip_suffix('\n'))
        .unwrap_or(&text);
    if password.is_empty() {
        return Err(Error::InvalidKeyFile {
            flag: flag.into(),
            path: path.display().to_string(),
            message: "it is empty".into(),
            help: Some("the file holds the keystore's password".into()),
        });
    }
    Ok(password.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cli::args::{Cli, Command, ExecutorCommand};
    use clap::Parser;
    use serde_json::json;

    const OP: &str = "0x1111111111111111111111111111111111111111";
    const KEY: &str = "0x4c0883a69102937d6231471b5dbb6204fe5129617082792ae468d01a3f362318";

    fn args(extra: &[&str]) -> Box<ExecutorCreateArgs> {
        let mut argv = vec![
            "hgctl",
            "executor",
            "create",
            "ops",
            "--image",
            "ex:v1",
            "--operator-address",
            OP,
        ];
        argv.extend_from_slice(extra);
        match Cli::try_parse_from(argv).unwrap().command {
            Command::Executor(ExecutorCommand::Create(a)) => a,
            _ => unreachable!(),
        }
    }

    fn files(path: &Path) -> std::io::Result<Vec<u8>> {
        let text = match path.to_str().unwrap() {
            "op" | "ecdsa" => format!("{KEY}\n"),
            "bare" => KEY[2..].to_string(),
            "short" => "0xabcd".into(),
            "ks" => json!({"crypto": {"kdf": {}, "checksum": {}, "cipher": {}}, "pubkey": "ab", "version": 4}).to_string(),
            "ks3" => json!({"crypto": {"kdf": {}, "checksum": {}, "cipher": {}}, "version": 3}).to_string(),
            "pw" => "hunter2\n".into(),
            "mailbox.json" => json!({"name": "TaskMailbox", "address": "0x5555555555555555555555555555555555555555", "abiVersions": ["[]"]}).to_string(),
            "table.json" => json!({"contracts": []}).to_string(),
            "notjson" => "address: 0x55".into(),
            "empty" => "\n".into(),
            _ => return Err(std::io::Error::from(std::io::ErrorKind::NotFound)),
        };
        Ok(text.into_bytes())
    }

    fn ok(extra: &[&str]) -> Scaffold {
        build(&args(extra), Some("ns1"), &files).unwrap()
    }

    fn err(extra: &[&str]) -> Error {
        build(&args(extra), None, &files).unwrap_err()
    }

    #[test]
    fn key_files_become_a_secret_the_executor_references() {
        let s = ok(&[
            "--operator-key-file",
            "op",
            "--ecdsa-key-file",
            "ecdsa",
            "--bls-keystore",
            "ks",
            "--bls-password-file",
            "pw",
        ]);
        let secret = s.secret.unwrap();
        assert_eq!(secret.metadata.name.as_deref(), Some("ops-keys"));
        let data = secret.string_data.clone().unwrap();
        assert_eq!(data[SECRET_KEY_OPERATOR], KEY);
        assert_eq!(data[SECRET_KEY_ECDSA], KEY);
        assert_eq!(data[SECRET_KEY_BLS_PASSWORD], "hunter2");
        assert!(data[SECRET_KEY_BLS_KEYSTORE].contains("\"version\":4"));
        let cr = serde_json::to_string(&s.executor).unwrap();
        assert!(!cr.contains(&KEY[2..]) && !cr.contains("hunter2"), "{cr}");
        assert_eq!(
            serde_json::to_value(&s.executor.spec.config.unwrap().operator_keys).unwrap(),
            json!({"secretRef": {"name": "ops-keys"}})
        );
        let shown = serde_json::to_string(&redacted(&secret)).unwrap();
        assert!(!shown.contains(&KEY[2..]) && !shown.contains("hunter2"));
        assert!(shown.contains(REDACTED));
    }

    #[test]
    fn an_existing_secret_is_referenced_and_nothing_is_created() {
        let s = ok(&["--keys-secret", "vault-synced"]);
        assert!(s.secret.is_none());
        assert_eq!(
            s.executor
                .spec
                .config
                .unwrap()
                .operator_keys
                .unwrap()
                .secret_ref
                .unwrap()
                .name,
            "vault-synced"
        );
    }

    #[test]
    fn every_flag_renders_its_field() {
        let s = ok(&[
            "--keys-secret",
            "k",
            "--replicas",
            "1",
            "--executor-log-level",
            "debug",
            "--chain",
            "ethereum=1,https://eth.example.com,0x2222222222222222222222222222222222222222",
            "--chain",
            "base=8453,wss://base.example.com",
            "--l1-chain",
            "ethereum",
            "--aggregator",
            "agg.avs.svc:9010",
            "--avs",
            "0x3333333333333333333333333333333333333333=avs/p:v1",
            "--storage",
            "badger:10Gi",
            "--grpc-port",
            "7000",
            "--management-port",
            "7001",
            "--network-policy",
        ]);
        let spec = serde_json::to_value(&s.executor.spec).unwrap();
        assert_eq!(
            spec,
            json!({
                "image": "ex:v1", "replicas": 1,
                "config": {
                    "aggregatorEndpoint": "agg.avs.svc:9010", "logLevel": "debug",
                    "chains": [
                        {"name": "ethereum", "rpc": "https://eth.example.com", "chainId": 1, "taskMailboxAddress": "0x2222222222222222222222222222222222222222"},
                        {"name": "base", "rpc": "wss://base.example.com", "chainId": 8453}
                    ],
                    "l1Chain": "ethereum",
                    "operatorKeys": {"secretRef": {"name": "k"}},
                    "operatorAddress": OP, "grpcPort": 7000, "managementGrpcPort": 7001,
                    "storage": {"type": "badger", "size": "10Gi"},
                    "avsPerformers": [{"avsAddress": "0x3333333333333333333333333333333333333333", "image": "avs/p:v1"}]
                },
                "networkPolicy": {"enabled": true}
            })
        );
        assert!(
            ok(&["--keys-secret", "k"])
                .executor
                .spec
                .network_policy
                .is_none(),
            "off unless asked"
        );
        // The seed fields given are reported as unused, as the status condition reports them.
        assert_eq!(
            s.warnings,
            [
                "not used by the executor: config.aggregatorEndpoint: set to agg.avs.svc:9010, but the aggregator dials the executor, not the other way round",
                "not used by the executor: config.chains[ethereum].taskMailboxAddress: the executor takes the TaskMailbox for chain id 1 from its built-in table or overrideContracts.taskMailbox; an address alone is not enough (the override is the contract JSON with its ABI)",
                "not used by the executor: config.chains[base]: chain id 8453: the executor reads one L1 chain",
            ]
        );
        let three = ok(&["--keys-secret", "k", "--replicas", "3"]).warnings;
        assert_eq!(
            three
                .iter()
                .filter(|w| w.starts_with("--replicas 3"))
                .count(),
            1
        );
        assert!(
            three
                .iter()
                .any(|w| w.contains("config.chains: an L1 chain is required")
                    && w.contains("(--chain)")),
            "{three:?}"
        );
        let mem = ok(&["--keys-secret", "k", "--storage", "memory"]);
        assert_eq!(
            serde_json::to_value(mem.executor.spec.config.unwrap().storage).unwrap(),
            json!({"type": "memory"})
        );
        // A bare hex key (no 0x) is accepted as is.
        let bare = ok(&["--operator-key-file", "bare", "--ecdsa-key-file", "op"]);
        assert_eq!(
            bare.secret.unwrap().string_data.unwrap()[SECRET_KEY_OPERATOR],
            &KEY[2..]
        );
    }

    #[test]
    fn key_errors_never_quote_the_key() {
        use miette::Diagnostic;
        for (flags, code) in [
            (
                vec!["--operator-key-file", "short", "--ecdsa-key-file", "op"],
                "hgctl::invalid_key_file",
            ),
            (
                vec!["--operator-key-file", "ks", "--ecdsa-key-file", "op"],
                "hgctl::invalid_key_file",
            ),
            (
                vec![
                    "--operator-key-file",
                    "op",
                    "--bls-keystore",
                    "ks3",
                    "--bls-password-file",
                    "pw",
                ],
                "hgctl::invalid_key_file",
            ),
            (
                vec![
                    "--operator-key-file",
                    "op",
                    "--bls-keystore",
                    "ks",
                    "--bls-password-file",
                    "empty",
                ],
                "hgctl::invalid_key_file",
            ),
            (
                vec!["--operator-key-file", "missing", "--ecdsa-key-file", "op"],
                "hgctl::invalid_key_file",
            ),
            (vec!["--operator-key-file", "op"], "hgctl::missing_flags"),
            (
                vec!["--operator-key-file", "op", "--bls-keystore", "ks"],
                "hgctl::missing_flags",
            ),
            (
                vec!["--keys-secret", "k", "--operator-key-file", "op"],
                "hgctl::conflicting_flags",
            ),
        ] {
            let e = err(&flags);
            assert_eq!(e.code().unwrap().to_string(), code, "{flags:?}");
            let text = format!("{e} {:?}", e.help().map(|h| h.to_string()));
            assert!(
                !text.contains("abcd") && !text.contains(&KEY[2..10]) && !text.contains("hunter2"),
                "{text}"
            );
        }
    }

    #[test]
    fn holesky_with_a_task_mailbox_contract_is_complete() {
        let chain = [
            "--keys-secret",
            "k",
            "--chain",
            "holesky=17000,https://h.example.com",
        ];
        let without = ok(&chain);
        assert!(
            without
                .warnings
                .iter()
                .any(|w| w.contains("no TaskMailbox for chain id 17000")
                    && w.contains("(--task-mailbox-contract)")),
            "{:?}",
            without.warnings
        );
        let with = ok(&[&chain[..], &["--task-mailbox-contract", "mailbox.json"]].concat());
        assert!(with.warnings.is_empty(), "{:?}", with.warnings);
        let config = serde_json::to_value(with.executor.spec.config.unwrap()).unwrap();
        assert_eq!(
            config["overrideContracts"]["taskMailbox"]["chainIds"],
            json!([17000])
        );
        assert!(
            config["overrideContracts"]["taskMailbox"]["contract"]
                .as_str()
                .unwrap()
                .contains("0x5555555555555555555555555555555555555555")
        );
        let table = ok(&[&chain[..], &["--contracts-file", "table.json"]].concat());
        assert!(table.warnings.is_empty(), "{:?}", table.warnings);
    }

    #[test]
    fn a_remote_signer_replaces_the_key_files_it_stands_for() {
        let both = ok(&[
            "--chain",
            "sepolia=11155111,https://s.example.com",
            "--remote-signer-url",
            "https://signer.avs.svc:9000",
            "--remote-signer-tls-secret",
            "signer-tls",
            "--remote-operator-key",
            "0x1111111111111111111111111111111111111111,0x04ab",
            "--remote-signing-key",
            "0x2222222222222222222222222222222222222222,0x04cd",
        ]);
        assert!(both.secret.is_none(), "no key lives in a Secret");
        assert!(both.warnings.is_empty(), "{:?}", both.warnings);
        let config = serde_json::to_value(both.executor.spec.config.unwrap()).unwrap();
        assert!(config.get("operatorKeys").is_none());
        assert_eq!(
            config["remoteSigner"],
            json!({
                "url": "https://signer.avs.svc:9000",
                "tlsSecretRef": {"name": "signer-tls"},
                "operatorKey": {"fromAddress": "0x1111111111111111111111111111111111111111", "publicKey": "0x04ab"},
                "signingKey": {"fromAddress": "0x2222222222222222222222222222222222222222", "publicKey": "0x04cd"},
            })
        );
        // The transaction key remote, the signing key from a file.
        let one = ok(&[
            "--remote-signer-url",
            "https://signer.avs.svc:9000",
            "--remote-operator-key",
            "0x1111111111111111111111111111111111111111,0x04ab",
            "--ecdsa-key-file",
            "ecdsa",
        ]);
        let data = one.secret.unwrap().string_data.unwrap();
        assert_eq!(data.keys().collect::<Vec<_>>(), [SECRET_KEY_ECDSA]);
    }

    #[test]
    fn the_service_flags_set_type_annotations_and_policy() {
        let s = ok(&[
            "--keys-secret",
            "k",
            "--service-type",
            "LoadBalancer",
            "--service-annotation",
            "service.beta.kubernetes.io/aws-load-balancer-type=nlb",
            "--external-traffic-policy",
            "Local",
            "--command",
            "/app/ponos",
            "--arg",
            "run",
            "--arg",
            "--config",
            "--arg",
            "/etc/hourglass/config.yaml",
        ]);
        let spec = serde_json::to_value(&s.executor.spec).unwrap();
        assert_eq!(
            spec["service"],
            json!({
                "type": "LoadBalancer",
                "annotations": {"service.beta.kubernetes.io/aws-load-balancer-type": "nlb"},
                "externalTrafficPolicy": "Local",
            })
        );
        assert_eq!(spec["command"], json!(["/app/ponos"]));
        assert_eq!(
            spec["args"],
            json!(["run", "--config", "/etc/hourglass/config.yaml"])
        );
    }

    #[test]
    fn the_new_flags_say_what_is_wrong() {
        use miette::Diagnostic;
        let k = ["--keys-secret", "k"];
        for (flags, code, says) in [
            (
                vec!["--service-type", "Ingress"],
                "hgctl::invalid_flag",
                "--service-type",
            ),
            (
                vec!["--external-traffic-policy", "Local"],
                "hgctl::conflicting_flags",
                "externalTrafficPolicy applies to NodePort and LoadBalancer",
            ),
            (
                vec![
                    "--service-type",
                    "NodePort",
                    "--external-traffic-policy",
                    "Nearest",
                ],
                "hgctl::invalid_flag",
                "Cluster or Local",
            ),
            (
                vec!["--service-annotation", "bad key=x"],
                "hgctl::invalid_flag",
                "annotation key",
            ),
            (
                vec![
                    "--remote-operator-key",
                    "0x1111111111111111111111111111111111111111,0x04",
                ],
                "hgctl::missing_flags",
                "--remote-signer-url",
            ),
            (
                vec!["--remote-signer-url", "https://s:9000"],
                "hgctl::missing_flags",
                "--remote-operator-key or --remote-signing-key",
            ),
            (
                vec![
                    "--remote-signer-url",
                    "ftp://s",
                    "--remote-signing-key",
                    "0x1111111111111111111111111111111111111111,0x04",
                ],
                "hgctl::invalid_flag",
                "not an http(s) URL",
            ),
            (
                vec![
                    "--remote-signer-url",
                    "https://s",
                    "--remote-signing-key",
                    "0x11,0x04",
                ],
                "hgctl::invalid_flag",
                "--remote-signing-key",
            ),
            (
                vec![
                    "--remote-signer-url",
                    "https://s",
                    "--remote-signing-key",
                    "0x1111111111111111111111111111111111111111,zz",
                ],
                "hgctl::invalid_flag",
                "not hexadecimal",
            ),
            (
                vec![
                    "--task-mailbox-contract",
                    "notjson",
                    "--chain",
                    "h=17000,https://h",
                ],
                "hgctl::invalid_flag",
                "not a JSON object",
            ),
            (
                vec!["--task-mailbox-contract", "mailbox.json"],
                "hgctl::missing_flags",
                "--task-mailbox-chain-ids",
            ),
            (
                vec!["--task-mailbox-chain-ids", "17000"],
                "hgctl::missing_flags",
                "--task-mailbox-contract",
            ),
            (
                vec![
                    "--task-mailbox-contract",
                    "mailbox.json",
                    "--task-mailbox-chain-ids",
                    "0",
                ],
                "hgctl::invalid_flag",
                "not a chain id",
            ),
            (
                vec!["--contracts-file", "nowhere"],
                "hgctl::invalid_flag",
                "cannot read nowhere",
            ),
        ] {
            let e = err(&[&k[..], &flags].concat());
            assert_eq!(e.code().unwrap().to_string(), code, "{flags:?}: {e}");
            let text = format!("{e} {:?} {:?}", e.help().map(|h| h.to_string()), e);
            assert!(text.contains(says), "{flags:?}: {text}");
        }
        // Key files and the remote signer for the same key conflict.
        let e = err(&[
            "--remote-signer-url",
            "https://s",
            "--remote-operator-key",
            "0x1111111111111111111111111111111111111111,0x04",
            "--operator-key-file",
            "op",
            "--ecdsa-key-file",
            "ecdsa",
        ]);
        assert_eq!(e.code().unwrap().to_string(), "hgctl::conflicting_flags");
    }
}
