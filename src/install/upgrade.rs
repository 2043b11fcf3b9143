//! Upgrade safety: which field paths a new CRD schema drops, and whether stored objects use them.
//!
//! The API server prunes fields a structural schema does not declare, so applying a CRD that
//! drops a field silently loses that field of every stored object on its next write.
//! Paths are dotted: `spec.config.chains[].name`; `[]` is an array item, `*` a map value.

use k8s_openapi::apiextensions_apiserver::pkg::apis::apiextensions::v1::{
    CustomResourceDefinition, JSONSchemaProps, JSONSchemaPropsOrArray, JSONSchemaPropsOrBool,
};
use serde_json::Value;

/// Field paths declared by `old` that `new` no longer declares, per served version name
/// (`v1alpha1: spec.foo`). A version missing from `new` drops all its paths (reported as `""`).
pub fn dropped_fields(
    old: &CustomResourceDefinition,
    new: &CustomResourceDefinition,
) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for version in &old.spec.versions {
        let Some(old_schema) = schema_of(version.schema.as_ref()) else {
            continue;
        };
        match new.spec.versions.iter().find(|v| v.name == version.name) {
            None => out.push((version.name.clone(), String::new())),
            Some(new_version) => {
                let Some(new_schema) = schema_of(new_version.schema.as_ref()) else {
                    continue; // no schema: nothing is pruned
                };
                let mut dropped = Vec::new();
                diff(old_schema, new_schema, "", &mut dropped);
                out.extend(dropped.into_iter().map(|p| (version.name.clone(), p)));
            }
        }
    }
    out
}

fn schema_of(
    v: Option<&k8s_openapi::apiextensions_apiserver::pkg::apis::apiextensions::v1::CustomResourceValidation>,
) -> Option<&JSONSchemaProps> {
    v.and_then(|v| v.open_api_v3_schema.as_ref())
}

fn join(prefix: &str, segment: &str) -> String {
    if prefix.is_empty() {
        segment.to_string()
    } else if segment == "[]" {
        format!("{prefix}[]")
    } else {
        format!("{prefix}.{segment}")
    }
}

/// Pushes onto `out` the paths under `prefix` that `old` declares and `new` does not.
pub fn diff(old: &JSONSchemaProps, new: &JSONSchemaProps, prefix: &str, out: &mut Vec<String>) {
    // Everything under a node that keeps unknown fields survives, declared or not.
    if new.x_kubernetes_preserve_unknown_fields == Some(true) {
        return;
    }
    if let Some(old_props) = &old.properties {
        for (name, old_child) in old_props {
            let path = join(prefix, name);
            match new.properties.as_ref().and_then(|p| p.get(name)) {
                Some(new_child) => diff(old_child, new_child, &path, out),
                None => match additional(new) {
                    Some(Some(schema)) => diff(old_child, schema, &path, out),
                    Some(None) => {}
                    None => out.push(path),
                },
            }
        }
    }
    if let Some(JSONSchemaPropsOrArray::Schema(old_items)) = &old.items {
        let path = join(prefix, "[]");
        match &new.items {
            Some(JSONSchemaPropsOrArray::Schema(new_items)) => {
                diff(old_items, new_items, &path, out)
            }
            Some(JSONSchemaPropsOrArray::Schemas(_)) => {}
            None => out.push(path),
        }
    }
    if let Some(Some(old_add)) = additional(old) {
        let path = join(prefix, "*");
        match additional(new) {
            Some(Some(new_add)) => diff(old_add, new_add, &path, out),
            Some(None) => {}
            None => out.push(path),
        }
    }
}

/// `additionalProperties`: None when absent or false, Some(None) when `true` (any value kept),
/// Some(Some(schema)) when a schema.
fn additional(s: &JSONSchemaProps) -> Option<Option<&JSONSchemaProps>> {
    match &s.additional_properties {
        Some(JSONSchemaPropsOrBool::Schema(schema)) => Some(Some(schema)),
        Some(JSONSchemaPropsOrBool::Bool(true)) => Some(None),
        _ => None,
    }
}

/// Whether `object` holds a value (even `null` is skipped) at a dotted `path`.
pub fn object_uses(object: &Value, path: &str) -> bool {
    if path.is_empty() {
        return true;
    }
    let segments = split(path);
    uses(object, &segments)
}

fn split(path: &str) -> Vec<&str> {
    let mut out = Vec::new();
    for part in path.split('.') {
        let mut rest = part;
        while let Some(stripped) = rest.strip_suffix("[]") {
            rest = stripped;
            out.push("[]");
        }
        // `a[][]` pushed the markers first; put the name before them.
        let markers = part.len().saturating_sub(rest.len()) / 2;
        let at = out.len() - markers;
        out.insert(at, rest);
    }
    out
}

fn uses(value: &Value, segments: &[&str]) -> bool {
    let Some((first, rest)) = segments.split_first() else {
        return !value.is_null();
    };
    match (*first, value) {
        ("[]", Value::Array(items)) => items.iter().any(|v| uses(v, rest)),
        ("*", Value::Object(map)) => map.values().any(|v| uses(v, rest)),
        (key, Value::Object(map)) => map.get(key).is_some_and(|v| uses(v, rest)),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn schema(v: Value) -> JSONSchemaProps {
        serde_json::from_value(v).unwrap()
    }

    fn dropped(old: Value, new: Value) -> Vec<String> {
        let mut out = Vec::new();
        diff(&schema(old), &schema(new), "", &mut out);
        out
    }

    #[test]
    fn identical_schemas_drop_nothing() {
        let crd = &crate::api::crds()[0];
        assert!(dropped_fields(crd, crd).is_empty());
    }

    #[test]
    fn an_added_field_is_not_a_drop() {
        let old = json!({"type": "object", "properties": {"spec": {"type": "object", "properties": {"a": {"type": "string"}}}}});
        let new = json!({"type": "object", "properties": {"spec": {"type": "object", "properties": {"a": {"type": "string"}, "b": {"type": "string"}}}}});
        assert!(dropped(old, new).is_empty());
    }

    #[test]
    fn removed_fields_are_reported_by_path() {
        let old = json!({"type": "object", "properties": {
        "spec": {"type": "object", "properties": {
            "a": {"type": "string"},
            "chains": {"type": "array", "items": {"type": "object", "properties": {"name": {"type": "string"}, "rpc": {"type": "string"}}}},
            "labels": {"type": "object", "additionalProperties": {"type": "object", "properties": {"x": {"type": "string"}}}}
        }}}});
        let new = json!({"type": "object", "properties": {
        "spec": {"type": "object", "properties": {
            "chains": {"type": "array", "items": {"type": "object", "properties": {"name": {"type": "string"}}}},
            "labels": {"type": "object", "additionalProperties": {"type": "object"}}
        }}}});
        assert_eq!(
            dropped(old, new),
            ["spec.a", "spec.chains[].rpc", "spec.labels.*.x"]
        );
    }

    #[test]
    fn preserve_unknown_fields_keeps_everything_below() {
        let old = json!({"type": "object", "properties": {"spec": {"type": "object", "properties": {"a": {"type": "string"}}}}});
        let new = json!({"type": "object", "properties": {"spec": {"type": "object", "x-kubernetes-preserve-unknown-fields": true}}});
        assert!(dropped(old, new).is_empty());
    }

    #[test]
    fn a_removed_version_drops_all_of_it() {
        let old = crate::api::crds()[0].clone();
        let mut new = old.clone();
        new.spec.versions[0].name = "v1beta1".into();
        assert_eq!(
            dropped_fields(&old, &new),
            [("v1alpha1".to_string(), String::new())]
        );
    }

    #[test]
    fn a_field_dropped_from_the_real_crd_is_found() {
        let old = crate::api::crds()[0].clone();
        let mut new = old.clone();
        let props = new.spec.versions[0]
            .schema
            .as_mut()
            .unwrap()
            .open_api_v3_schema
            .as_mut()
            .unwrap()
            .properties
            .as_mut()
            .unwrap()
            .get_mut("spec")
            .unwrap()
            .properties
            .as_mut()
            .unwrap();
        props.remove("version").unwrap();
        assert_eq!(
            dropped_fields(&old, &new),
            [("v1alpha1".to_string(), "spec.version".to_string())]
        );
    }

    #[test]
    fn objects_are_checked_for_values_at_a_path() {
        let obj = json!({"spec": {"a": "x", "n": null, "chains": [{"name": "l1"}, {"rpc": "http://x"}], "labels": {"k": {"x": "1"}}}});
        assert!(object_uses(&obj, "spec.a"));
        assert!(!object_uses(&obj, "spec.n"), "null is no data");
        assert!(!object_uses(&obj, "spec.b"));
        assert!(object_uses(&obj, "spec.chains[].rpc"));
        assert!(!object_uses(&obj, "spec.chains[].mailbox"));
        assert!(object_uses(&obj, "spec.labels.*.x"));
        assert!(!object_uses(&obj, "spec.labels.*.y"));
        assert!(object_uses(&obj, ""), "a dropped version uses everything");
        assert!(object_uses(&json!({"m": [[1]]}), "m[][]"));
    }
}
