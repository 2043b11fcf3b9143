//! What `hgctl install` puts in a cluster ([`manifests`], with [`monitoring`] for
//! `--monitoring`) and the upgrade check that protects stored objects when a CRD changes
//! ([`upgrade`]). The commands are in `cli::install`.

pub mod manifests;
pub mod monitoring;
pub mod upgrade;
