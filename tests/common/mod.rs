//! Shared support for integration and end-to-end tests.
//!
//! Use it from a test crate with `mod common;` and then `common::cluster::...`.
#![allow(dead_code)]

pub mod cli;
pub mod cluster;
pub mod dra;
pub mod http;
pub mod performers;
pub mod private_cluster;
pub mod real_node;
pub mod run_local;
