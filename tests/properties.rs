//! Property test: any Performer spec the Rust types can hold renders without
//! panicking, and GPU/TEE choices the schema accepts always render (no cluster needed; the server-side half is in e2e_reliability).

mod support_specs;

use hgctl::render::performer::{desired_pod, desired_service};
use proptest::prelude::*;

/// The fields rendering checks beyond the schema (`check_pod_fields`): its refusals start
/// with the field's name.
const RENDER_CHECKED_FIELDS: &[&str] = &[
    "config.grpcPort",
    "config.environment",
    "config.serviceAccountName",
    "scheduling.nodeSelector",
    "scheduling.runtimeClass",
    "scheduling.priorityClassName",
    "hardwareRequirements.customLabels",
    "image",
    "resources",
];

proptest! {
    #![proptest_config(ProptestConfig { cases: 128, ..ProptestConfig::default() })]

    #[test]
    fn any_spec_renders_without_panicking(spec in support_specs::performer_spec()) {
        let p = support_specs::performer("p1", "ns", spec);
        match desired_pod(&p) {
            Ok(rendered) => {
                let svc = desired_service(&p, &rendered.hash);
                prop_assert_eq!(svc.metadata.name.as_deref(), Some("performer-p1"));
                prop_assert_eq!(rendered.pod.spec.as_ref().map(|s| s.containers.len()), Some(1));
            }
            Err(e) => {
                // A refusal is expected only where the schema refuses too, or for a field
                // rendering checks because the schema lets through what a Pod may not hold.
                let schema_refuses = !hgctl::schema::validate_object(
                    &hgctl::api::crds()[0],
                    &serde_json::to_value(&p).unwrap(),
                )
                .is_empty();
                prop_assert!(
                    schema_refuses || RENDER_CHECKED_FIELDS.iter().any(|f| e.0.starts_with(f)),
                    "a spec the schema accepts was refused for another reason: {}",
                    e.0
                );
            }
        }
    }

    #[test]
    fn the_hardware_table_specs_the_schema_accepts_always_render(spec in support_specs::performer_spec()) {
        // Label keys, env names and the like are checked at render time; GPU and TEE
        // choices the schema accepts must always map through the hardware table.
        let mut p = support_specs::performer("p1", "ns", spec);
        if let Some(h) = p.spec.hardware_requirements.as_mut() {
            h.custom_labels = None;
        }
        if let Some(s) = p.spec.scheduling.as_mut() {
            s.node_selector = None;
            s.runtime_class = None;
        }
        if let Some(c) = p.spec.config.as_mut() {
            c.environment = None;
        }
        let object = serde_json::to_value(&p).unwrap();
        if hgctl::schema::validate_object(&hgctl::api::crds()[0], &object).is_empty() {
            prop_assert!(desired_pod(&p).is_ok(), "valid spec failed to render: {:?}", desired_pod(&p).err());
        }
    }
}
