//! `hgctl support-bundle`: what a maintainer asks for, with nothing secret. The pure
//! parts: which fields are dropped or masked, the node inventory, the archive format.

pub mod archive;

use serde_json::{Value, json};

/// Drops what may hold a secret or is noise in a bundle: managedFields, the
/// last-applied annotation (a copy of the input), inline executor keys, and the data of
/// any Secret that reaches here by mistake.
pub fn scrub(mut object: Value) -> Value {
    if let Some(meta) = object.get_mut("metadata").and_then(Value::as_object_mut) {
        meta.remove("managedFields");
        if let Some(a) = meta.get_mut("annotations").and_then(Value::as_object_mut) {
            a.remove("kubectl.kubernetes.io/last-applied-configuration");
        }
    }
    if object.get("kind").and_then(Value::as_str) == Some("Secret")
        && let Some(map) = object.as_object_mut()
    {
        map.remove("data");
        map.remove("stringData");
    }
    if let Some(keys) = object
        .pointer_mut("/spec/config/operatorKeys")
        .and_then(Value::as_object_mut)
    {
        for inline in ["ecdsa", "bls"] {
            if keys.contains_key(inline) {
                keys.insert(inline.into(), Value::String("<redacted>".into()));
            }
        }
    }
    object
}

/// A node as the bundle shows it: name, labels, allocatable, taints, readiness.
pub fn node_inventory(node: &Value) -> Value {
    let ready = node
        .pointer("/status/conditions")
        .and_then(Value::as_array)
        .and_then(|c| {
            c.iter()
                .find(|c| c.get("type").and_then(Value::as_str) == Some("Ready"))
        })
        .and_then(|c| c.get("status").cloned());
    json!({
        "name": node.pointer("/metadata/name"),
        "labels": node.pointer("/metadata/labels"),
        "allocatable": node.pointer("/status/allocatable"),
        "taints": node.pointer("/spec/taints"),
        "ready": ready,
    })
}

/// Whether a pod is failing (its logs go in the bundle): not Running+Ready, or restarting.
pub fn failing(pod: &Value) -> bool {
    let phase = pod.pointer("/status/phase").and_then(Value::as_str);
    let statuses = pod
        .pointer("/status/containerStatuses")
        .and_then(Value::as_array);
    let all_ready = statuses.is_some_and(|s| {
        s.iter()
            .all(|c| c.get("ready").and_then(Value::as_bool) == Some(true))
    });
    let restarting = statuses.is_some_and(|s| {
        s.iter()
            .any(|c| c.get("restartCount").and_then(Value::as_i64).unwrap_or(0) > 0)
    });
    phase != Some("Running") || !all_ready || restarting
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scrub_drops_secret_material() {
        let e = json!({
            "kind": "HourglassExecutor",
            "metadata": {"name": "x", "managedFields": [{}],
                         "annotations": {"kubectl.kubernetes.io/last-applied-configuration": "{...}"}},
            "spec": {"config": {"operatorKeys": {"ecdsa": "0xabc", "secretRef": {"name": "k"}}}},
        });
        let s = scrub(e).to_string();
        assert!(
            !s.contains("0xabc") && !s.contains("managedFields") && !s.contains("last-applied")
        );
        assert!(s.contains("\"secretRef\""));
        let secret = scrub(json!({"kind": "Secret", "data": {"k": "dg=="}, "metadata": {}}));
        assert!(secret.get("data").is_none());
    }

    #[test]
    fn inventory_and_failing_pods() {
        let node = json!({"metadata": {"name": "n", "labels": {"a": "b"}},
            "spec": {"taints": [{"key": "gpu", "effect": "NoSchedule"}]},
            "status": {"allocatable": {"cpu": "4"}, "conditions": [{"type": "Ready", "status": "True"}]}});
        let inv = node_inventory(&node);
        assert_eq!(inv["ready"], "True");
        assert_eq!(inv["allocatable"]["cpu"], "4");
        let ok = json!({"status": {"phase": "Running", "containerStatuses": [{"ready": true, "restartCount": 0}]}});
        assert!(!failing(&ok));
        let pending = json!({"status": {"phase": "Pending"}});
        assert!(failing(&pending));
    }
}
