//! Compatibility of the rendered executor config with the real executor's
//! loader: `tests/executor-compat` (Go) loads `config.yaml` with the pod's
//! `EXECUTOR__...` variables applied, the way the binary does, and validates
//! it. The ponos module itself is not served by the Go module proxy, so the Go
//! program reproduces its loader and checks from executor.md (see its header).
//! Go is required: the test fails, never skips, without it.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

use hgctl::api::HourglassExecutor;
use hgctl::api::executor::{
    KeysSecretRef, OverrideContract, OverrideContracts, RemoteKey, RemoteSigner,
    SECRET_KEY_BLS_KEYSTORE, SECRET_KEY_BLS_PASSWORD, SECRET_KEY_ECDSA, SECRET_KEY_OPERATOR,
    StorageType, TLS_KEY_CA, TLS_KEY_CERT, TLS_KEY_KEY,
};
use hgctl::render::executor::{self as render, KeyMaterial, RenderContext, Rendered, Workload};
use k8s_openapi::api::core::v1::PodTemplateSpec;

/// Builds the Go program once per test binary (the Go build cache keeps it fast).
fn compat_binary() -> &'static Path {
    static BIN: OnceLock<PathBuf> = OnceLock::new();
    BIN.get_or_init(|| {
        let out = Path::new(env!("CARGO_TARGET_TMPDIR")).join("executor-compat");
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/executor-compat");
        let status = Command::new("go")
            .args(["build", "-o"])
            .arg(&out)
            .arg(".")
            .current_dir(&dir)
            .status()
            .expect("running `go build` (Go is required for this test)");
        assert!(status.success(), "go build in {} failed", dir.display());
        out
    })
}

fn example(file: &str) -> HourglassExecutor {
    let text =
        std::fs::read_to_string(format!("{}/examples/{file}", env!("CARGO_MANIFEST_DIR"))).unwrap();
    let mut e: HourglassExecutor = serde_saphyr::from_str(&text).unwrap();
    e.metadata.namespace = Some("avs".into());
    e.metadata.uid = Some("uid-1".into());
    e
}

fn template(r: &Rendered) -> &PodTemplateSpec {
    match &r.workload {
        Workload::Deployment(d) => &d.spec.template,
        Workload::StatefulSet(s) => &s.spec.template,
    }
}

/// The container's env as the kubelet would set it, with a fake value per Secret key.
fn pod_env(r: &Rendered, values: &BTreeMap<&str, &str>) -> Vec<(String, String)> {
    template(r).spec.as_ref().unwrap().containers[0]
        .env
        .iter()
        .flatten()
        .map(|e| {
            let key = &e
                .value_from
                .as_ref()
                .and_then(|v| v.secret_key_ref.as_ref())
                .expect("executor env comes from Secrets")
                .key;
            (e.name.clone(), values[key.as_str()].to_string())
        })
        .collect()
}

/// Runs the loader on the rendered config; Ok(loaded config JSON) or Err(its complaint).
fn load(r: &Rendered, env: &[(String, String)]) -> Result<serde_json::Value, String> {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("config.yaml");
    std::fs::write(&path, &r.config_yaml).unwrap();
    let out = Command::new(compat_binary())
        .arg(&path)
        .env_clear()
        .envs(env.iter().map(|(k, v)| (k.as_str(), v.as_str())))
        .output()
        .unwrap();
    if out.status.success() {
        Ok(serde_json::from_slice(&out.stdout).unwrap())
    } else {
        Err(String::from_utf8_lossy(&out.stderr).into_owned())
    }
}

fn values() -> BTreeMap<&'static str, &'static str> {
    BTreeMap::from([
        (SECRET_KEY_OPERATOR, "0xop"),
        (SECRET_KEY_ECDSA, "0xecdsa"),
        (SECRET_KEY_BLS_PASSWORD, "pw"),
        (SECRET_KEY_BLS_KEYSTORE, "{}"),
        (
            TLS_KEY_CA,
            "-----BEGIN CERTIFICATE-----\nca\n-----END CERTIFICATE-----",
        ),
        (
            TLS_KEY_CERT,
            "-----BEGIN CERTIFICATE-----\nclient\n-----END CERTIFICATE-----",
        ),
        (
            TLS_KEY_KEY,
            "-----BEGIN PRIVATE KEY-----\nk\n-----END PRIVATE KEY-----",
        ),
    ])
}

fn all_keys() -> KeyMaterial {
    KeyMaterial::from_secret(
        "operator-keys",
        [
            SECRET_KEY_OPERATOR,
            SECRET_KEY_ECDSA,
            SECRET_KEY_BLS_PASSWORD,
            SECRET_KEY_BLS_KEYSTORE,
        ]
        .map(String::from),
    )
}

#[test]
fn the_full_example_loads_with_keys_from_the_environment() {
    let r = render::render(
        &example("executor-full.yaml"),
        &all_keys(),
        &RenderContext::default(),
    )
    .unwrap();
    let loaded = load(&r, &pod_env(&r, &values())).unwrap_or_else(|e| panic!("{e}"));
    let op = &loaded["Operator"];
    assert_eq!(op["OperatorPrivateKey"]["PrivateKey"], "0xop");
    assert_eq!(op["SigningKeys"]["ECDSA"]["PrivateKey"], "0xecdsa");
    assert_eq!(op["SigningKeys"]["BLS"]["Password"], "pw");
    assert_eq!(
        op["SigningKeys"]["BLS"]["KeystoreFile"],
        "/etc/hourglass-keys/bls-keystore.json"
    );
    assert_eq!(loaded["L1Chain"]["ChainId"], 11155111);
    assert_eq!(loaded["Storage"]["BadgerConfig"]["Dir"], render::BADGER_DIR);
    assert_eq!(loaded["GrpcPort"], 9000);
    assert_eq!(loaded["ManagementServerGrpcPort"], 9001);
    assert_eq!(loaded["Debug"], true);
    assert_eq!(loaded["Kubernetes"]["ConnectionTimeout"], 30_000_000_000u64);
    let avs = &loaded["AvsPerformers"][0];
    assert_eq!(avs["Image"]["Tag"], "v1.2.0");
    assert_eq!(
        avs["Envs"][1]["KubernetesEnv"]["ValueFrom"]["SecretKeyRef"]["Key"],
        "api-token"
    );
    // The keystore file is mounted where keystoreFile points.
    let spec = template(&r).spec.as_ref().unwrap();
    let mounts = spec.containers[0].volume_mounts.as_ref().unwrap();
    assert!(mounts.iter().any(|m| m.mount_path == render::KEYS_DIR));
}

#[test]
fn without_the_secret_env_the_placeholders_fail_validation() {
    let r = render::render(
        &example("executor-full.yaml"),
        &all_keys(),
        &RenderContext::default(),
    )
    .unwrap();
    let err = load(&r, &[]).unwrap_err();
    assert!(err.contains("operatorPrivateKey"), "{err}");
}

#[test]
fn memory_storage_with_an_ecdsa_key_only_loads() {
    let mut e = example("executor-full.yaml");
    let config = e.spec.config.as_mut().unwrap();
    config.storage = None;
    config.log_level = None;
    let keys = KeyMaterial::from_secret(
        "k",
        [SECRET_KEY_OPERATOR, SECRET_KEY_ECDSA].map(String::from),
    );
    let r = render::render(&e, &keys, &RenderContext::default()).unwrap();
    assert!(r.assessment.complete(), "{:?}", r.assessment);
    let loaded = load(&r, &pod_env(&r, &values())).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(loaded["Storage"]["Type"], "memory");
    assert!(loaded["Operator"]["SigningKeys"]["BLS"].is_null());
    assert_eq!(loaded["Debug"], false);
}

/// ConfigComplete=False exactly when the loader would reject the config.
#[test]
fn an_incomplete_config_is_what_the_loader_rejects() {
    let seed = example("executor.yaml");
    let keys = render::inline_key_material(&seed).unwrap();
    let r = render::render(&seed, &keys, &RenderContext::default()).unwrap();
    assert!(!r.assessment.complete());
    let err = load(&r, &pod_env(&r, &values())).unwrap_err();
    assert!(err.contains("operator.address"), "{err}");
    assert!(err.contains("operatorPrivateKey"), "{err}");

    let mut full = example("executor-full.yaml");
    full.spec
        .config
        .as_mut()
        .unwrap()
        .storage
        .as_mut()
        .unwrap()
        .kind = StorageType::Badger;
    let only_ecdsa = KeyMaterial::from_secret("k", [SECRET_KEY_ECDSA.to_string()]);
    let r = render::render(&full, &only_ecdsa, &RenderContext::default()).unwrap();
    assert!(!r.assessment.complete());
    assert!(load(&r, &pod_env(&r, &values())).is_err());
}

/// A Holesky executor with a TaskMailbox override and runtime contracts: both load
/// (the contracts JSON reaches the binary's `json.RawMessage` intact).
#[test]
fn contract_overrides_and_runtime_contracts_load() {
    let mut e = example("executor-full.yaml");
    let contract = r#"{"name":"TaskMailbox","address":"0x5555555555555555555555555555555555555555","abiVersions":["[]"]}"#;
    let table = r#"{"contracts": [{"name": "AllocationManager", "address": "0x1", "chainId": 17000, "abiVersions": ["[]"]}]}"#;
    let config = e.spec.config.as_mut().unwrap();
    config.chains.as_mut().unwrap()[0].chain_id = 17_000;
    config.override_contracts = Some(OverrideContracts {
        task_mailbox: Some(OverrideContract {
            contract: contract.into(),
            chain_ids: vec![17_000, 560_048],
        }),
    });
    config.contracts = Some(table.into());
    let r = render::render(&e, &all_keys(), &RenderContext::default()).unwrap();
    assert!(r.assessment.complete(), "{:?}", r.assessment);
    let loaded = load(&r, &pod_env(&r, &values())).unwrap_or_else(|e| panic!("{e}"));
    let mailbox = &loaded["OverrideContracts"]["TaskMailbox"];
    assert_eq!(mailbox["Contract"], contract);
    assert_eq!(mailbox["ChainIds"], serde_json::json!([17000, 560048]));
    let expected: serde_json::Value = serde_json::from_str(table).unwrap();
    assert_eq!(loaded["Contracts"], expected);
    assert_eq!(loaded["L1Chain"]["ChainId"], 17000);
}

/// Both keys with the remote signer, TLS material from its Secret through env.
#[test]
fn the_remote_signer_loads_with_tls_from_the_environment() {
    let mut e = example("executor-full.yaml");
    let key = |a: &str| RemoteKey {
        from_address: a.into(),
        public_key: "0x04ab".into(),
    };
    e.spec.config.as_mut().unwrap().remote_signer = Some(RemoteSigner {
        url: "https://signer.avs.svc:9000".into(),
        tls_secret_ref: Some(KeysSecretRef {
            name: "signer-tls".into(),
        }),
        operator_key: Some(key("0x15d34AAf54267DB7D7c367839AAf71A00a2C6A65")),
        signing_key: Some(key("0x2222222222222222222222222222222222222222")),
    });
    // No keys Secret at all: the signer holds both keys.
    let r = render::render(&e, &KeyMaterial::default(), &RenderContext::default()).unwrap();
    assert!(r.assessment.complete(), "{:?}", r.assessment);
    let loaded = load(&r, &pod_env(&r, &values())).unwrap_or_else(|e| panic!("{e}"));
    for key in [
        &loaded["Operator"]["OperatorPrivateKey"],
        &loaded["Operator"]["SigningKeys"]["ECDSA"],
    ] {
        assert_eq!(key["UseRemoteSigner"], true);
        assert_eq!(key["PrivateKey"], "");
        let rs = &key["RemoteSignerConfig"];
        assert_eq!(rs["Url"], "https://signer.avs.svc:9000");
        assert_eq!(rs["CaCert"], values()[TLS_KEY_CA]);
        assert_eq!(rs["Cert"], values()[TLS_KEY_CERT]);
        assert_eq!(rs["Key"], values()[TLS_KEY_KEY]);
    }
    assert_eq!(
        loaded["Operator"]["SigningKeys"]["ECDSA"]["RemoteSignerConfig"]["FromAddress"],
        "0x2222222222222222222222222222222222222222"
    );
    // Without the TLS Secret's keys (optional refs) it still loads, with empty PEMs.
    let loaded = load(&r, &[]).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        loaded["Operator"]["OperatorPrivateKey"]["RemoteSignerConfig"]["CaCert"],
        ""
    );
}
