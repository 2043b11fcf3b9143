//! Desired state: pure functions from a spec to the Kubernetes objects that
//! should exist. No I/O here; the reconcilers read, diff and write.

pub mod assessment;
pub mod executor;
pub mod performer;
pub mod template;
