//! Client-side validation of an object against a generated CRD schema: the
//! structural OpenAPI constraints (types, required, enums, lengths, ranges,
//! unknown fields) and the CEL rules, so hgctl refuses bad input with the
//! same words the API server would, before sending anything.

use serde_json::Value;

use k8s_openapi::apiextensions_apiserver::pkg::apis::apiextensions::v1::CustomResourceDefinition;

/// One violation, located by a JSONPath-like field path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Violation {
    /// e.g. `spec.hardwareRequirements.gpuCount`
    pub path: String,
    pub message: String,
}

impl std::fmt::Display for Violation {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.path, self.message)
    }
}

/// The openAPIV3Schema of the CRD's first version, as JSON.
pub fn openapi_schema(crd: &CustomResourceDefinition) -> Value {
    crd.spec
        .versions
        .first()
        .and_then(|v| v.schema.as_ref())
        .and_then(|s| s.open_api_v3_schema.as_ref())
        .map(|s| serde_json::to_value(s).unwrap_or(Value::Null))
        .unwrap_or(Value::Null)
}

/// Validates a whole object (with `metadata`) against a CRD: structure first,
/// then, when the structure is sound, the CEL rules on the defaulted object.
pub fn validate_object(crd: &CustomResourceDefinition, object: &Value) -> Vec<Violation> {
    let schema = openapi_schema(crd);
    let mut violations = Vec::new();
    structural(&schema, object, "", &mut violations);
    if !violations.is_empty() {
        return violations;
    }
    let validator = kube::core::cel::Validator::new();
    let defaulted = kube::core::cel::apply_defaults(&schema, object);
    if let Err(errors) = validator.validate(&schema, &defaulted, None) {
        for e in errors.into_vec() {
            violations.push(Violation {
                path: e.field_path.trim_start_matches('.').to_string(),
                message: e.message,
            });
        }
    }
    violations
}

fn join(path: &str, key: &str) -> String {
    if path.is_empty() {
        key.to_string()
    } else {
        format!("{path}.{key}")
    }
}

fn type_name(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(n) if n.is_i64() || n.is_u64() => "integer",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}

fn structural(schema: &Value, value: &Value, path: &str, out: &mut Vec<Violation>) {
    let here = if path.is_empty() { "<root>" } else { path };
    let mut fail = |message: String| {
        out.push(Violation {
            path: here.to_string(),
            message,
        })
    };
    if value.is_null() {
        if schema.get("nullable").and_then(Value::as_bool) != Some(true) {
            fail("must not be null".into());
        }
        return;
    }
    if schema
        .get("x-kubernetes-int-or-string")
        .and_then(Value::as_bool)
        == Some(true)
    {
        if !(value.is_string() || value.is_i64() || value.is_u64()) {
            fail(format!(
                "must be an integer or a string, not {}",
                type_name(value)
            ));
        }
        return;
    }
    if let Some(expected) = schema.get("type").and_then(Value::as_str) {
        let actual = type_name(value);
        let ok = expected == actual || (expected == "number" && actual == "integer");
        if !ok {
            fail(format!("must be of type {expected}, not {actual}"));
            return;
        }
    }
    if let Some(options) = schema.get("enum").and_then(Value::as_array)
        && !options.contains(value)
    {
        let names: Vec<String> = options.iter().map(|o| o.to_string()).collect();
        fail(format!("must be one of {}, not {value}", names.join(", ")));
    }
    match value {
        Value::String(s) => {
            let len = s.chars().count() as u64;
            if let Some(max) = schema.get("maxLength").and_then(Value::as_u64)
                && len > max
            {
                fail(format!("must be at most {max} characters long, not {len}"));
            }
            if let Some(min) = schema.get("minLength").and_then(Value::as_u64)
                && len < min
            {
                fail(format!("must be at least {min} characters long"));
            }
        }
        Value::Number(n) => {
            if let (Some(min), Some(v)) =
                (schema.get("minimum").and_then(Value::as_f64), n.as_f64())
                && v < min
            {
                fail(format!("must be greater than or equal to {min}, not {v}"));
            }
            if let (Some(max), Some(v)) =
                (schema.get("maximum").and_then(Value::as_f64), n.as_f64())
                && v > max
            {
                fail(format!("must be less than or equal to {max}, not {v}"));
            }
        }
        Value::Array(items) => structural_array(schema, items, path, out),
        Value::Object(map) => structural_object(schema, map, path, out),
        _ => {}
    }
}

/// Item counts, each item, and unique keys of a `map` list.
fn structural_array(schema: &Value, items: &[Value], path: &str, out: &mut Vec<Violation>) {
    let here = if path.is_empty() { "<root>" } else { path };
    let mut fail = |message: String| {
        out.push(Violation {
            path: here.to_string(),
            message,
        })
    };
    if let Some(max) = schema.get("maxItems").and_then(Value::as_u64)
        && items.len() as u64 > max
    {
        fail(format!(
            "must have at most {max} items, not {}",
            items.len()
        ));
    }
    if let Some(min) = schema.get("minItems").and_then(Value::as_u64)
        && (items.len() as u64) < min
    {
        fail(format!(
            "must have at least {min} item(s), not {}",
            items.len()
        ));
    }
    if let Some(item_schema) = schema.get("items") {
        for (i, item) in items.iter().enumerate() {
            structural(item_schema, item, &format!("{path}[{i}]"), out);
        }
    }
    // `x-kubernetes-list-type: map`: the keys identify an item, so they must be unique.
    if schema.get("x-kubernetes-list-type").and_then(Value::as_str) == Some("map") {
        let keys: Vec<&str> = schema
            .get("x-kubernetes-list-map-keys")
            .and_then(Value::as_array)
            .map(|k| k.iter().filter_map(Value::as_str).collect())
            .unwrap_or_default();
        let mut seen = Vec::new();
        for (i, item) in items.iter().enumerate() {
            let id: Vec<&Value> = keys.iter().map(|k| &item[*k]).collect();
            if seen.contains(&id) {
                out.push(Violation {
                    path: format!("{path}[{i}]"),
                    message: format!(
                        "Duplicate value: an item with the same {} already exists",
                        keys.join(", ")
                    ),
                });
            }
            seen.push(id);
        }
    }
}

/// Required keys, each known key, and unknown keys (except where unknown fields are kept).
fn structural_object(
    schema: &Value,
    map: &serde_json::Map<String, Value>,
    path: &str,
    out: &mut Vec<Violation>,
) {
    if schema
        .get("x-kubernetes-preserve-unknown-fields")
        .and_then(Value::as_bool)
        == Some(true)
        && schema.get("properties").is_none()
    {
        return;
    }
    if let Some(required) = schema.get("required").and_then(Value::as_array) {
        for key in required.iter().filter_map(Value::as_str) {
            if !map.contains_key(key) {
                out.push(Violation {
                    path: join(path, key),
                    message: "is required".into(),
                });
            }
        }
    }
    let properties = schema.get("properties").and_then(Value::as_object);
    let additional = schema.get("additionalProperties");
    for (key, child) in map {
        let child_path = join(path, key);
        if let Some(prop) = properties.and_then(|p| p.get(key)) {
            structural(prop, child, &child_path, out);
        } else if let Some(add) = additional.filter(|a| a.is_object()) {
            structural(add, child, &child_path, out);
        } else if path.is_empty() && (key == "apiVersion" || key == "kind" || key == "metadata") {
            // Declared loosely in CRD schemas; the API server checks these itself.
        } else if properties.is_some() || additional.is_some() {
            out.push(Violation {
                path: child_path,
                message: "unknown field".into(),
            });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::crds;
    use serde_json::json;

    fn performer_crd() -> CustomResourceDefinition {
        crds().remove(0)
    }

    fn performer(spec: Value) -> Value {
        json!({
            "apiVersion": "hourglass.eigenlayer.io/v1alpha1",
            "kind": "Performer",
            "metadata": {"name": "p1"},
            "spec": spec,
        })
    }

    const AVS: &str = "0x1234567890abcdef1234567890abcdef12345678";

    #[test]
    fn a_minimal_performer_is_valid() {
        let v = validate_object(
            &performer_crd(),
            &performer(json!({"avsAddress": AVS, "image": "x:1"})),
        );
        assert_eq!(v, vec![]);
    }

    #[test]
    fn structural_errors_name_the_field() {
        let v = validate_object(
            &performer_crd(),
            &performer(
                json!({"avsAddress": AVS, "image": "x", "config": {"grpcPort": 0}, "bogus": 1}),
            ),
        );
        let paths: Vec<&str> = v.iter().map(|v| v.path.as_str()).collect();
        assert!(paths.contains(&"spec.config.grpcPort"), "{v:?}");
        assert!(paths.contains(&"spec.bogus"), "{v:?}");
    }

    #[test]
    fn cel_rules_are_evaluated_with_their_messages() {
        let v = validate_object(
            &performer_crd(),
            &performer(json!({"avsAddress": "0xnope", "image": "x",
                "hardwareRequirements": {"gpuType": "a100", "gpuCount": 0}})),
        );
        let messages: Vec<&str> = v.iter().map(|v| v.message.as_str()).collect();
        assert!(
            messages.iter().any(|m| m.contains("avsAddress must be 0x")),
            "{v:?}"
        );
        assert!(
            messages
                .iter()
                .any(|m| m.contains("gpuCount must be at least 1")),
            "{v:?}"
        );
    }

    #[test]
    fn the_name_rule_applies_to_metadata() {
        let mut obj = performer(json!({"avsAddress": AVS, "image": "x"}));
        obj["metadata"]["name"] = json!("a".repeat(54));
        let v = validate_object(&performer_crd(), &obj);
        assert!(v.iter().any(|v| v.message.contains("at most 53")), "{v:?}");
    }
}
