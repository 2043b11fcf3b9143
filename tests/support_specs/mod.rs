//! A proptest strategy for Performer specs: mostly plausible, often invalid,
//! shared by the property test and the server-side sample.

use std::collections::BTreeMap;

use hgctl::api::performer::{HardwareRequirements, PerformerConfig, Scheduling};
use hgctl::api::{Performer, PerformerSpec};
use proptest::prelude::*;

fn address() -> impl Strategy<Value = String> {
    prop_oneof![
        "0x[0-9a-f]{40}",
        Just("0x1234567890abcdef...".to_string()),
        ".{0,50}",
    ]
}

fn gpu_type() -> impl Strategy<Value = Option<String>> {
    proptest::option::of(prop_oneof![
        proptest::sample::select(hgctl::hardware::accepted_gpu_names()).prop_map(str::to_string),
        "(NVIDIA|Tesla)-[A-Za-z0-9]{1,12}",
        "[a-zA-Z0-9./-]{0,24}",
    ])
}

fn tee_type() -> impl Strategy<Value = Option<String>> {
    proptest::option::of(prop_oneof![
        proptest::sample::select(hgctl::hardware::tee_names()).prop_map(str::to_string),
        "[a-z-]{0,10}",
    ])
}

/// The hardware options of issue #18: a MIG slice, its strategy, sharing, the TEE mode and
/// SGX's quote provider, each often absent and sometimes invalid together.
fn hardware_options() -> impl Strategy<Value = HardwareRequirements> {
    (
        proptest::option::of(prop_oneof![
            proptest::sample::select(hgctl::hardware::all_mig_profiles()).prop_map(str::to_string),
            "[0-9]g\\.[0-9]{1,3}gb",
        ]),
        proptest::option::of(prop_oneof![
            Just(hgctl::hardware::MigStrategy::Single),
            Just(hgctl::hardware::MigStrategy::Mixed),
        ]),
        proptest::option::of(prop_oneof![
            Just(hgctl::hardware::GpuSharing::Exclusive),
            Just(hgctl::hardware::GpuSharing::Shared),
        ]),
        proptest::option::of(prop_oneof![
            Just(hgctl::hardware::TeeMode::RuntimeClass),
            Just(hgctl::hardware::TeeMode::Node),
        ]),
        proptest::option::of(prop_oneof![Just("aesmd".to_string()), "[a-z-]{0,8}"]),
    )
        .prop_map(
            |(partition, strategy, sharing, mode, provider)| HardwareRequirements {
                gpu_partition: partition,
                mig_strategy: strategy,
                gpu_sharing: sharing,
                tee_mode: mode,
                sgx_quote_provider: provider,
                ..Default::default()
            },
        )
}

fn label_map() -> impl Strategy<Value = Option<BTreeMap<String, String>>> {
    proptest::option::of(proptest::collection::btree_map(
        "([a-z]{1,8}\\.io/)?[a-z][a-z0-9-]{0,10}",
        "[A-Za-z0-9]{0,10}",
        0..3,
    ))
}

/// Any Performer spec shape the Rust types can hold.
pub fn performer_spec() -> impl Strategy<Value = PerformerSpec> {
    (
        address(),
        prop_oneof!["[a-z]{1,10}/[a-z]{1,10}:v[0-9]", ".{0,20}"],
        proptest::option::of(any::<i32>()),
        proptest::option::of(proptest::collection::btree_map(
            "[A-Z_][A-Z0-9_]{0,8}",
            ".{0,12}",
            0..4,
        )),
        gpu_type(),
        proptest::option::of(-3i32..70),
        proptest::option::of(any::<bool>()),
        tee_type(),
        label_map(),
        label_map(),
        proptest::option::of(prop_oneof![Just("gvisor".to_string()), "[a-z-]{1,12}"]),
        // Mostly none: most combinations of them are invalid, and the schema refuses those.
        prop_oneof![4 => Just(HardwareRequirements::default()), 1 => hardware_options()],
    )
        .prop_map(
            |(
                avs,
                image,
                port,
                env,
                gpu,
                count,
                tee_required,
                tee,
                custom,
                selector,
                runtime,
                options,
            )| {
                PerformerSpec {
                    avs_address: avs,
                    image,
                    config: Some(PerformerConfig {
                        grpc_port: port,
                        environment: env,
                        ..Default::default()
                    }),
                    scheduling: Some(Scheduling {
                        node_selector: selector,
                        runtime_class: runtime,
                        ..Default::default()
                    }),
                    hardware_requirements: Some(HardwareRequirements {
                        gpu_type: gpu,
                        gpu_count: count,
                        tee_required,
                        tee_type: tee,
                        custom_labels: custom,
                        ..options
                    }),
                    ..Default::default()
                }
            },
        )
}

/// A namespaced Performer around a spec.
pub fn performer(name: &str, ns: &str, spec: PerformerSpec) -> Performer {
    let mut p = Performer::new(name, spec);
    p.metadata.namespace = Some(ns.to_string());
    p.metadata.uid = Some("00000000-0000-0000-0000-000000000001".into());
    p
}
