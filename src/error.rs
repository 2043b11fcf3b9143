//! One error type for every user-facing failure, with miette diagnostics
//! (a stable code, what was wrong, and what to do) and stable exit codes.

use miette::Diagnostic;
use thiserror::Error;

/// Stable process exit codes, documented in the README.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u8)]
pub enum ExitCode {
    /// Everything worked.
    Success = 0,
    /// The operation ran and failed (a check failed, the server refused a write).
    Failure = 1,
    /// The command line or an input file is invalid; nothing was changed.
    Usage = 2,
    /// No usable kubeconfig, or the cluster could not be reached.
    Cluster = 3,
    /// The cluster said no: missing RBAC rights.
    Forbidden = 4,
    /// A named object does not exist.
    NotFound = 5,
    /// Refused to protect data or a running controller (use the flag the message names).
    Refused = 6,
    /// A wait ran out of time.
    Timeout = 7,
    /// `hgctl diff` could not compute the diff (1 means "differences", as with kubectl diff).
    DiffFailed = 8,
    /// A bug in hgctl.
    Internal = 70,
}

/// Every error hgctl reports to a user.
#[derive(Debug, Error, Diagnostic)]
pub enum Error {
    #[error("{message}")]
    #[diagnostic(code(hgctl::usage))]
    Usage {
        message: String,
        #[help]
        help: Option<String>,
    },

    #[error("invalid value for {flag}: {message}")]
    #[diagnostic(code(hgctl::invalid_flag))]
    InvalidFlag {
        flag: String,
        message: String,
        #[help]
        help: Option<String>,
    },

    #[error(transparent)]
    #[diagnostic(transparent)]
    InvalidFile(Box<FileError>),

    #[error("missing {}: {message}", flags.join(", "))]
    #[diagnostic(code(hgctl::missing_flags))]
    MissingFlags {
        flags: Vec<String>,
        message: String,
        #[help]
        help: Option<String>,
    },

    #[error("conflicting flags {}: {message}", flags.join(" and "))]
    #[diagnostic(code(hgctl::conflicting_flags))]
    ConflictingFlags {
        flags: Vec<String>,
        message: String,
        #[help]
        help: Option<String>,
    },

    /// A key file that is not what it should be. The message never quotes the file's content.
    #[error("invalid key file for {flag} ({path}): {message}")]
    #[diagnostic(code(hgctl::invalid_key_file))]
    InvalidKeyFile {
        flag: String,
        path: String,
        message: String,
        #[help]
        help: Option<String>,
    },

    #[error("{message}")]
    #[diagnostic(code(hgctl::unschedulable))]
    Unschedulable {
        message: String,
        #[help]
        help: Option<String>,
    },

    #[error("cannot read {path}: {source}")]
    #[diagnostic(code(hgctl::io), help("check that the file exists and is readable"))]
    Io {
        path: String,
        #[source]
        source: std::io::Error,
    },

    #[error("{message}")]
    #[diagnostic(code(hgctl::kubeconfig))]
    Kubeconfig {
        message: String,
        #[help]
        help: Option<String>,
    },

    #[error("cannot reach the Kubernetes API server: {message}")]
    #[diagnostic(
        code(hgctl::unreachable),
        help(
            "check the context with `kubectl config current-context` and that the cluster is running; `hgctl doctor --pre` explains more"
        )
    )]
    Unreachable { message: String },

    /// `get`/`status`/`doctor` over several contexts: some clusters gave no answer
    /// (their rows say why; the others were printed).
    #[error("{message}")]
    #[diagnostic(
        code(hgctl::fleet_incomplete),
        help(
            "the rows marked unreachable, forbidden or error say why; --context-timeout gives slow clusters longer"
        )
    )]
    FleetIncomplete { message: String },

    #[error("forbidden: {message}")]
    #[diagnostic(code(hgctl::forbidden))]
    Forbidden {
        message: String,
        #[help]
        help: Option<String>,
    },

    #[error("{kind} {name:?} not found in namespace {namespace:?}")]
    #[diagnostic(code(hgctl::not_found))]
    NotFound {
        kind: String,
        name: String,
        namespace: String,
        #[help]
        help: Option<String>,
    },

    #[error("the API server rejected {what}: {message}")]
    #[diagnostic(code(hgctl::rejected))]
    Rejected {
        what: String,
        message: String,
        #[help]
        help: Option<String>,
    },

    #[error("{message}")]
    #[diagnostic(code(hgctl::refused))]
    Refused {
        message: String,
        #[help]
        help: Option<String>,
    },

    #[error("timed out after {seconds}s waiting for {what}")]
    #[diagnostic(code(hgctl::timeout))]
    Timeout {
        what: String,
        seconds: u64,
        #[help]
        help: Option<String>,
    },

    #[error("Kubernetes API error while {context}: {message}")]
    #[diagnostic(code(hgctl::api))]
    Api {
        context: String,
        message: String,
        #[help]
        help: Option<String>,
    },

    #[error("{0}")]
    #[diagnostic(code(hgctl::failed))]
    Failed(String),

    /// `hgctl diff` found differences: exit 1, as `kubectl diff`.
    #[error("{count} object(s) differ from the cluster")]
    #[diagnostic(code(hgctl::differences))]
    Differences { count: usize },

    /// An error of `hgctl diff` that would otherwise exit 1, which there means "differences".
    #[error(transparent)]
    #[diagnostic(transparent)]
    DiffFailed(Box<Error>),

    #[error("internal error: {0}")]
    #[diagnostic(
        code(hgctl::internal),
        help("this is a bug in hgctl; please report it with the command you ran")
    )]
    Internal(String),
}

/// A bad input file, with the offending source span when it is known.
#[derive(Debug, Error, Diagnostic)]
#[error("{path}: {message}")]
#[diagnostic(code(hgctl::invalid_file))]
pub struct FileError {
    pub path: String,
    pub message: String,
    #[source_code]
    pub src: Option<miette::NamedSource<String>>,
    #[label("here")]
    pub span: Option<miette::SourceSpan>,
    #[help]
    pub help: Option<String>,
}

/// Result alias used throughout hgctl.
pub type Result<T, E = Error> = std::result::Result<T, E>;

impl Error {
    pub fn usage(message: impl Into<String>, help: impl Into<String>) -> Self {
        Self::Usage {
            message: message.into(),
            help: Some(help.into()),
        }
    }

    pub fn flag(
        flag: impl Into<String>,
        message: impl Into<String>,
        help: impl Into<String>,
    ) -> Self {
        Self::InvalidFlag {
            flag: flag.into(),
            message: message.into(),
            help: Some(help.into()),
        }
    }

    pub fn missing(flags: &[&str], help: impl Into<String>) -> Self {
        Self::MissingFlags {
            flags: flags.iter().map(|f| f.to_string()).collect(),
            message: "required when not reading from a file (-f)".into(),
            help: Some(help.into()),
        }
    }

    pub fn conflict(a: &str, b: &str, message: impl Into<String>, help: impl Into<String>) -> Self {
        Self::ConflictingFlags {
            flags: vec![a.to_string(), b.to_string()],
            message: message.into(),
            help: Some(help.into()),
        }
    }

    /// Wraps a kube error raised while doing `context` ("listing performers").
    /// Status codes map to the matching variant so the exit code says what happened.
    pub fn kube(context: impl Into<String>, err: kube::Error) -> Self {
        let context = context.into();
        match err {
            kube::Error::Api(status) => match status.code {
                401 => Self::Kubeconfig {
                    message: format!("the API server did not accept hgctl's credentials while {context}: {}", status.message),
                    help: Some("refresh the credentials of the current context (`kubectl get --raw /version` should work)".into()),
                },
                403 => Self::Forbidden {
                    message: format!("{context}: {}", status.message),
                    help: Some("ask a cluster admin for the missing right; `hgctl doctor` lists what hgctl needs".into()),
                },
                404 => Self::Api {
                    context,
                    message: status.message,
                    help: Some("is the object or its CRD installed? `hgctl install --crds-only` installs the CRDs".into()),
                },
                422 | 400 => Self::Rejected {
                    what: context,
                    message: status.message,
                    help: Some("fix the field the message names; `hgctl crds` shows the schema".into()),
                },
                _ => Self::Api {
                    context,
                    message: format!("{} ({})", status.message, status.code),
                    help: None,
                },
            },
            kube::Error::HyperError(e) => Self::Unreachable {
                message: format!("{context}: {e}"),
            },
            kube::Error::Service(e) => Self::Unreachable {
                message: format!("{context}: {e}"),
            },
            other => Self::Api {
                context,
                message: other.to_string(),
                help: None,
            },
        }
    }

    /// Keeps `hgctl diff`'s exit codes apart: 1 only for differences, more for errors.
    pub fn diff_failed(self) -> Self {
        match self {
            Self::Differences { .. } => self,
            e if e.exit_code() == ExitCode::Failure => Self::DiffFailed(Box::new(e)),
            e => e,
        }
    }

    /// The process exit code for this error.
    pub fn exit_code(&self) -> ExitCode {
        match self {
            Self::Usage { .. }
            | Self::InvalidFlag { .. }
            | Self::InvalidFile { .. }
            | Self::MissingFlags { .. }
            | Self::ConflictingFlags { .. }
            | Self::InvalidKeyFile { .. }
            | Self::Io { .. } => ExitCode::Usage,
            Self::Kubeconfig { .. } | Self::Unreachable { .. } | Self::FleetIncomplete { .. } => {
                ExitCode::Cluster
            }
            Self::Forbidden { .. } => ExitCode::Forbidden,
            Self::NotFound { .. } => ExitCode::NotFound,
            Self::Refused { .. } => ExitCode::Refused,
            Self::Timeout { .. } => ExitCode::Timeout,
            Self::Rejected { .. }
            | Self::Api { .. }
            | Self::Failed(_)
            | Self::Unschedulable { .. }
            | Self::Differences { .. } => ExitCode::Failure,
            Self::DiffFailed(_) => ExitCode::DiffFailed,
            Self::Internal(_) => ExitCode::Internal,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_variant_has_a_stable_code_and_exit_code() {
        let cases = [
            (Error::usage("x", "y"), "hgctl::usage", ExitCode::Usage),
            (
                Error::flag("--gpu", "x", "y"),
                "hgctl::invalid_flag",
                ExitCode::Usage,
            ),
            (
                Error::Timeout {
                    what: "x".into(),
                    seconds: 3,
                    help: None,
                },
                "hgctl::timeout",
                ExitCode::Timeout,
            ),
            (
                Error::FleetIncomplete {
                    message: "1 of 2 clusters could not be read".into(),
                },
                "hgctl::fleet_incomplete",
                ExitCode::Cluster,
            ),
        ];
        for (err, code, exit) in cases {
            assert_eq!(err.code().unwrap().to_string(), code);
            assert_eq!(err.exit_code(), exit);
        }
    }

    #[test]
    fn forbidden_api_errors_map_to_the_forbidden_exit_code() {
        let status =
            kube::core::Status::failure("performers is forbidden", "Forbidden").with_code(403);
        let err = Error::kube("listing performers", kube::Error::Api(Box::new(status)));
        assert_eq!(err.exit_code(), ExitCode::Forbidden);
        assert!(err.to_string().contains("listing performers"));
    }
}
