//! The Performer controller: [`controller`] reads and writes, [`plan`] decides.

pub mod controller;
pub mod deletes;
pub mod plan;

pub use controller::run;
