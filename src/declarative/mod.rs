//! Working from a folder: `hgctl apply`, `hgctl diff`, `hgctl wait`. The pure parts
//! (documents and their order, the ApplySet convention, the diff, readiness) live here;
//! `cli::apply` and `cli::diff` do the I/O around them.

pub mod applyset;
pub mod diff;
pub mod documents;
pub mod readiness;
