//! Scaffolding: command-line flags or a YAML file in, validated objects out.
//! Pure (no cluster, no prompts); `cli::create` does the I/O around it.
//!
//! Every refusal names the flag (or the file location) and says what to type
//! instead; the objects are also checked against the generated CRD schema and
//! its CEL rules ([`crate::schema`]) so the client and the API server agree.

pub mod executor;
pub mod file;
pub mod flags;
pub mod performer;

use std::collections::BTreeMap;

use k8s_openapi::apiextensions_apiserver::pkg::apis::apiextensions::v1::CustomResourceDefinition;
use serde::Serialize;

use crate::error::{Error, Result};
use crate::schema;
use crate::validate;

/// Splits `K=V` at the first `=`; both sides non-empty unless `allow_empty_value`.
pub(crate) fn split_kv<'a>(
    flag: &str,
    text: &'a str,
    example: &str,
    allow_empty_value: bool,
) -> Result<(&'a str, &'a str)> {
    match text.split_once('=') {
        Some((k, v)) if !k.is_empty() && (allow_empty_value || !v.is_empty()) => Ok((k, v)),
        _ => Err(Error::flag(
            flag,
            format!("{text:?} is not of the form KEY=VALUE"),
            format!("e.g. {flag} {example}"),
        )),
    }
}

/// Parses repeated `K=V` label flags (node selectors, labels) into a map; keys and
/// values follow the label syntax, duplicates are refused.
pub(crate) fn parse_labels(flag: &str, items: &[String]) -> Result<BTreeMap<String, String>> {
    let mut map = BTreeMap::new();
    for item in items {
        let (k, v) = split_kv(flag, item, "app=avs", true)?;
        if !validate::is_label_key(k) {
            return Err(Error::flag(
                flag,
                format!("{k:?} is not a valid label key"),
                "a label key is an optional DNS prefix and '/', then up to 63 of [A-Za-z0-9_.-], e.g. nvidia.com/gpu.present",
            ));
        }
        if !validate::is_label_value(v) {
            return Err(Error::flag(
                flag,
                format!("the value of {k} is not a valid label value"),
                "label values are up to 63 of [A-Za-z0-9_.-], starting and ending alphanumeric",
            ));
        }
        if map.insert(k.to_string(), v.to_string()).is_some() {
            return Err(Error::flag(
                flag,
                format!("{k} is given twice"),
                "give each key once",
            ));
        }
    }
    Ok(map)
}

/// Checks a quantity's syntax (`500m`, `2`, `4Gi`).
pub(crate) fn parse_quantity(flag: &str, text: &str) -> Result<i128> {
    crate::quantity::parse_milli(text).ok_or_else(|| {
        Error::flag(
            flag,
            format!("{text:?} is not a Kubernetes quantity"),
            "use a number with an optional suffix: 500m or 2 (CPU), 512Mi or 4Gi (memory)",
        )
    })
}

/// Checks a port number.
pub(crate) fn check_port(flag: &str, port: i32) -> Result<()> {
    if (1..=65535).contains(&port) {
        Ok(())
    } else {
        Err(Error::flag(
            flag,
            format!("{port} is not a port number"),
            "use a port between 1 and 65535",
        ))
    }
}

/// Checks an object against its CRD (structure and CEL). A violation is reported
/// against the flag `flag_for` maps its field path to.
pub(crate) fn check_schema<T: Serialize>(
    crd: &CustomResourceDefinition,
    object: &T,
    flag_for: fn(&str) -> &'static str,
) -> Result<()> {
    let value = serde_json::to_value(object)
        .map_err(|e| Error::Internal(format!("serializing the scaffolded object: {e}")))?;
    let violations = schema::validate_object(crd, &value);
    match violations.first() {
        None => Ok(()),
        Some(v) => Err(Error::flag(
            flag_for(&v.path),
            format!("{}: {}", v.path, v.message),
            "`hgctl crds` shows the schema and its rules",
        )),
    }
}
