//! Connecting to a cluster the way kubectl does: `--kubeconfig`, then
//! `$KUBECONFIG`, then `~/.kube/config`, then the in-cluster ServiceAccount.
//! Every failure is a diagnostic that says which of those was tried.

use std::time::Duration;

use kube::Client;
use kube::config::{Config, KubeConfigOptions, Kubeconfig, KubeconfigError};

use crate::error::{Error, Result};

/// How long a TCP connect to the API server may take before hgctl gives up.
pub const CONNECT_TIMEOUT: Duration = Duration::from_secs(8);
/// How long one non-watch request may wait for its answer.
pub const REQUEST_TIMEOUT: Duration = Duration::from_secs(30);

/// The User-Agent of every request hgctl makes.
pub const USER_AGENT: &str = concat!("hgctl/", env!("CARGO_PKG_VERSION"));

/// Which cluster, user and namespace to talk to: kubectl's `--kubeconfig`, `--context`
/// and `-n` (the CLI's global flags convert into it).
#[derive(Debug, Clone, Default)]
pub struct Target {
    pub kubeconfig: Option<std::path::PathBuf>,
    pub context: Option<String>,
    pub namespace: Option<String>,
}

/// A client and the namespace commands default to.
#[derive(Clone)]
pub struct Connection {
    pub client: Client,
    /// `-n`, else the context's namespace, else `default`.
    pub namespace: String,
    /// The kubeconfig context in use (None in-cluster).
    pub context: Option<String>,
    /// The API server URL.
    pub server: String,
}

/// Builds a client from the global flags.
pub async fn connect(target: impl Into<Target>) -> Result<Client> {
    Ok(connection(target).await?.client)
}

/// Builds a client and resolves the namespace and context names.
pub async fn connection(target: impl Into<Target>) -> Result<Connection> {
    let global = &target.into();
    let (mut config, context) = load_config(global).await?;
    config.connect_timeout = Some(CONNECT_TIMEOUT);
    // Lets audit logs and API server metrics tell hgctl's requests apart.
    config.headers.push((
        http::header::USER_AGENT,
        http::HeaderValue::from_static(USER_AGENT),
    ));
    config.write_timeout = Some(REQUEST_TIMEOUT);
    let namespace = global
        .namespace
        .clone()
        .unwrap_or_else(|| config.default_namespace.clone());
    let server = config.cluster_url.to_string();
    let client = Client::try_from(config).map_err(|e| Error::Kubeconfig {
        message: format!("cannot build a Kubernetes client: {e}"),
        help: Some("check the certificates and server URL of the kubeconfig context".into()),
    })?;
    Ok(Connection {
        client,
        namespace,
        context,
        server,
    })
}

async fn load_config(global: &Target) -> Result<(Config, Option<String>)> {
    let options = KubeConfigOptions {
        context: global.context.clone(),
        cluster: None,
        user: None,
    };
    match read_kubeconfig(global.kubeconfig.as_deref())? {
        Some(kubeconfig) => {
            let context = global.context.clone().or_else(|| kubeconfig.current_context.clone());
            if let Some(name) = &global.context
                && !kubeconfig.contexts.iter().any(|c| &c.name == name)
            {
                let known: Vec<&str> = kubeconfig.contexts.iter().map(|c| c.name.as_str()).collect();
                return Err(Error::Kubeconfig {
                    message: format!("context {name:?} is not in the kubeconfig"),
                    help: Some(format!(
                        "known contexts: {}; `kubectl config get-contexts` lists them",
                        if known.is_empty() { "none".to_string() } else { known.join(", ") }
                    )),
                });
            }
            let config = Config::from_custom_kubeconfig(kubeconfig, &options)
                .await
                .map_err(|e| kubeconfig_error(e, global.kubeconfig.as_deref()))?;
            Ok((config, context))
        }
        None => match Config::incluster() {
            Ok(config) => Ok((config, None)),
            Err(_) => Err(Error::Kubeconfig {
                message: "no kubeconfig found and not running inside a cluster".into(),
                help: Some(
                    "pass --kubeconfig FILE, set KUBECONFIG, or create ~/.kube/config; the local test cluster's is printed by tests/cluster/up.sh".into(),
                ),
            }),
        },
    }
}

/// `--kubeconfig`, else `$KUBECONFIG` (several files merged, as kubectl does), else
/// `~/.kube/config`; None when there is none (in-cluster is tried next).
fn read_kubeconfig(path: Option<&std::path::Path>) -> Result<Option<Kubeconfig>> {
    match path {
        Some(path) => Ok(Some(
            Kubeconfig::read_from(path).map_err(|e| kubeconfig_error(e, Some(path)))?,
        )),
        None => match Kubeconfig::from_env() {
            Ok(Some(k)) => Ok(Some(k)),
            Ok(None) => default_kubeconfig(),
            Err(e) => Err(kubeconfig_error(e, None)),
        },
    }
}

/// Every context name of the kubeconfig, in file order (`--all-contexts`).
pub fn context_names(path: Option<&std::path::Path>) -> Result<Vec<String>> {
    let names: Vec<String> = read_kubeconfig(path)?
        .map(|k| k.contexts.into_iter().map(|c| c.name).collect())
        .unwrap_or_default();
    if names.is_empty() {
        return Err(Error::Kubeconfig {
            message: "--all-contexts: the kubeconfig has no contexts".into(),
            help: Some("`kubectl config get-contexts` lists them; pass --kubeconfig FILE or set KUBECONFIG".into()),
        });
    }
    Ok(names)
}

/// `~/.kube/config` when it exists; a missing file is not an error (in-cluster is tried next).
fn default_kubeconfig() -> Result<Option<Kubeconfig>> {
    let Some(home) = std::env::var_os("HOME") else {
        return Ok(None);
    };
    let path = std::path::Path::new(&home).join(".kube").join("config");
    if !path.exists() {
        return Ok(None);
    }
    Kubeconfig::read_from(&path)
        .map(Some)
        .map_err(|e| kubeconfig_error(e, Some(&path)))
}

fn kubeconfig_error(err: KubeconfigError, path: Option<&std::path::Path>) -> Error {
    let where_ = path
        .map(|p| format!(" ({})", p.display()))
        .unwrap_or_default();
    Error::Kubeconfig {
        message: format!("cannot use the kubeconfig{where_}: {err}"),
        help: Some(match err {
            KubeconfigError::ReadConfig(..) => "check that the file exists and is readable, or pass another with --kubeconfig".into(),
            KubeconfigError::Parse(_) => "the file is not valid kubeconfig YAML; `kubectl config view` shows what kubectl makes of it".into(),
            KubeconfigError::LoadContext(_) | KubeconfigError::CurrentContextNotSet => {
                "pick a context with --context NAME; `kubectl config get-contexts` lists them".into()
            }
            _ => "`kubectl config view --minify` shows the context hgctl is reading".into(),
        }),
    }
}
