//! hgctl: the Hourglass Kubernetes operator, run from outside the cluster.
//!
//! Layout: [`api`] (the CRD types), [`hardware`] (the one table of GPU/TEE
//! conventions), [`validate`] (syntax rules shared with the CRD's CEL rules),
//! [`cli`] (commands), [`cluster`] (connecting), [`output`] (YAML/JSON/tables),
//! [`error`] (diagnostics and exit codes), [`reconcile`] (the controllers: per
//! kind a `controller.rs` that does the I/O and a pure `plan.rs` that decides,
//! on a shared `runtime` and `writers`), [`doctor`] (checks as data, one file
//! per category under `doctor/checks/`), [`scheduling`] (the one scheduler
//! simulator, rendered by `create --check` and by the doctor), [`quantity`]
//! (integer milli-unit quantities).

#![forbid(unsafe_code)]

pub mod api;
pub mod cli;
pub mod cluster;
pub mod declarative;
pub mod doctor;
pub mod error;
pub mod fleet;
pub mod hardware;
pub mod install;
pub mod logging;
pub mod output;
pub mod quantity;
pub mod reconcile;
pub mod render;
pub mod scaffold;
pub mod scheduling;
pub mod schema;
pub mod serve;
pub mod support;
pub mod tls;
pub mod validate;
