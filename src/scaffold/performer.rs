//! `hgctl performer create` flags -> a validated `Performer`. Pure.

use std::collections::BTreeMap;

use k8s_openapi::api::core::v1::{ResourceRequirements, SecretKeySelector, Toleration};
use k8s_openapi::apimachinery::pkg::api::resource::Quantity;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;

use super::flags::PerformerCreateArgs;
use super::{check_port, check_schema, parse_labels, parse_quantity, split_kv};
use crate::api::performer::{
    EnvironmentFromSource, EnvironmentValueSource, HardwareRequirements, PerformerConfig,
    Scheduling,
};
use crate::api::{self, Performer, PerformerSpec};
use crate::error::{Error, Result};
use crate::hardware::{self, GpuSelector, TeeType};
use crate::validate;

/// Most GPUs one pod may ask for (the CRD's `gpuCount` maximum).
pub const MAX_GPUS: i32 = 64;

/// Builds the Performer the flags describe. `namespace` is put in the metadata when known.
pub fn build(args: &PerformerCreateArgs, namespace: Option<&str>) -> Result<Performer> {
    let mut missing = Vec::new();
    if args.name.is_none() {
        missing.push("NAME");
    }
    if args.image.is_none() {
        missing.push("--image");
    }
    if args.avs.is_none() {
        missing.push("--avs");
    }
    if !missing.is_empty() {
        return Err(Error::missing(
            &missing,
            "e.g. hgctl performer create my-avs --image ghcr.io/org/performer:v1 --avs 0x...; run in a terminal without --yes to be asked",
        ));
    }
    let name = args.name.as_deref().unwrap_or_default();
    check_name(name)?;
    let image = args.image.as_deref().unwrap_or_default();
    check_image("--image", image)?;
    let avs = args.avs.as_deref().unwrap_or_default();
    check_avs("--avs", avs)?;
    if let Some(v) = &args.version
        && (v.is_empty() || v.chars().any(char::is_whitespace) || v.len() > 128)
    {
        return Err(Error::flag(
            "--version",
            format!("{v:?} is not a version"),
            "use a short version string without spaces, e.g. v1.2.0",
        ));
    }
    if let Some(port) = args.grpc_port {
        check_port("--grpc-port", port)?;
    }

    let config = config(args)?;
    let resources = resources(args)?;
    let hardware = hardware_requirements(args)?;
    let scheduling = scheduling(args)?;
    let labels = parse_labels("--label", &args.label)?;

    let performer = Performer {
        metadata: ObjectMeta {
            name: Some(name.to_string()),
            namespace: namespace.map(str::to_string),
            labels: (!labels.is_empty()).then_some(labels),
            ..Default::default()
        },
        spec: PerformerSpec {
            avs_address: avs.to_string(),
            image: image.to_string(),
            version: args.version.clone(),
            image_pull_policy: None,
            config,
            resources,
            scheduling,
            hardware_requirements: hardware,
            ..Default::default()
        },
        status: None,
    };
    check_schema(&api::crds()[0], &performer, flag_for_path)?;
    Ok(performer)
}

/// The flag that sets a Performer field, for schema violations.
fn flag_for_path(path: &str) -> &'static str {
    let table: &[(&str, &str)] = &[
        ("metadata.name", "NAME"),
        ("metadata.labels", "--label"),
        ("spec.avsAddress", "--avs"),
        ("spec.image", "--image"),
        ("spec.version", "--version"),
        ("spec.config.grpcPort", "--grpc-port"),
        ("spec.config.environmentFrom", "--env-from-secret"),
        ("spec.config.environment", "--env"),
        ("spec.config.serviceAccountName", "--service-account"),
        ("spec.hardwareRequirements.gpuType", "--gpu"),
        ("spec.hardwareRequirements.gpuCount", "--gpu-count"),
        ("spec.hardwareRequirements.tee", "--tee"),
        ("spec.scheduling.nodeSelector", "--node-selector"),
        ("spec.scheduling.tolerations", "--toleration"),
        ("spec.scheduling.runtimeClass", "--runtime-class"),
        ("spec.scheduling.priorityClassName", "--priority-class"),
        ("spec.resources", "--requests/--limits"),
    ];
    table
        .iter()
        .find(|(prefix, _)| path.starts_with(prefix))
        .map(|(_, flag)| *flag)
        .unwrap_or("NAME")
}

/// A Performer name: a DNS-1035 label short enough for `performer-<name>`.
pub fn check_name(name: &str) -> Result<()> {
    if name.len() > validate::MAX_PERFORMER_NAME {
        return Err(Error::flag(
            "NAME",
            format!(
                "{name:?} is {} characters long; at most {} are allowed",
                name.len(),
                validate::MAX_PERFORMER_NAME
            ),
            "its Service is performer-NAME, and a Service name is at most 63 characters",
        ));
    }
    if !validate::is_dns1035_label(name) {
        return Err(Error::flag(
            "NAME",
            format!("{name:?} is not a DNS-1035 label"),
            "use lowercase letters, digits and '-', starting with a letter, e.g. my-avs",
        ));
    }
    Ok(())
}

/// An image reference.
pub fn check_image(flag: &str, image: &str) -> Result<()> {
    if validate::is_image_reference(image) {
        Ok(())
    } else {
        Err(Error::flag(
            flag,
            format!("{image:?} is not an image reference"),
            "use [registry/]repository[:tag][@sha256:digest] with a lower-case repository, e.g. ghcr.io/org/performer:v1",
        ))
    }
}

/// An AVS (or operator) address.
pub fn check_avs(flag: &str, address: &str) -> Result<()> {
    if validate::is_eth_address(address) {
        Ok(())
    } else {
        Err(Error::flag(
            flag,
            format!("{address:?} is not an Ethereum address"),
            "use 0x followed by 40 hexadecimal digits",
        ))
    }
}

fn config(args: &PerformerCreateArgs) -> Result<Option<PerformerConfig>> {
    let mut environment = BTreeMap::new();
    for item in &args.env {
        let (k, v) = split_kv("--env", item, "LOG_LEVEL=debug", true)?;
        check_env_name("--env", k)?;
        if environment.insert(k.to_string(), v.to_string()).is_some() {
            return Err(Error::flag(
                "--env",
                format!("{k} is given twice"),
                "give each variable once",
            ));
        }
    }
    let mut from = Vec::new();
    for item in &args.env_from_secret {
        let example = "API_TOKEN=avs-secrets/token";
        let (k, reference) = split_kv("--env-from-secret", item, example, false)?;
        check_env_name("--env-from-secret", k)?;
        let Some((secret, key)) = reference.split_once('/') else {
            return Err(Error::flag(
                "--env-from-secret",
                format!("{item:?} does not name a Secret key as SECRET/KEY"),
                format!("e.g. --env-from-secret {example}"),
            ));
        };
        if !validate::is_dns1123_subdomain(secret) {
            return Err(Error::flag(
                "--env-from-secret",
                format!("{secret:?} is not a valid Secret name"),
                "Secret names are lowercase letters, digits, '-' and '.'",
            ));
        }
        if !validate::is_config_key(key) {
            return Err(Error::flag(
                "--env-from-secret",
                format!("{key:?} is not a valid Secret key"),
                "Secret keys are letters, digits, '-', '_' and '.'",
            ));
        }
        if environment.contains_key(k) || from.iter().any(|f: &EnvironmentFromSource| f.name == k) {
            return Err(Error::conflict(
                "--env",
                "--env-from-secret",
                format!("{k} is set more than once"),
                "set each variable with one flag only",
            ));
        }
        from.push(EnvironmentFromSource {
            name: k.to_string(),
            value_from: EnvironmentValueSource {
                secret_key_ref: Some(SecretKeySelector {
                    name: secret.to_string(),
                    key: key.to_string(),
                    optional: None,
                }),
                config_map_key_ref: None,
            },
        });
    }
    if let Some(sa) = &args.service_account
        && !validate::is_dns1123_subdomain(sa)
    {
        return Err(Error::flag(
            "--service-account",
            format!("{sa:?} is not a valid ServiceAccount name"),
            "use lowercase letters, digits, '-' and '.'",
        ));
    }
    let config = PerformerConfig {
        grpc_port: args.grpc_port,
        environment: (!environment.is_empty()).then_some(environment),
        environment_from: (!from.is_empty()).then_some(from),
        service_account_name: args.service_account.clone(),
        ..Default::default()
    };
    Ok((config != PerformerConfig::default()).then_some(config))
}

fn check_env_name(flag: &str, name: &str) -> Result<()> {
    if validate::is_env_name(name) {
        Ok(())
    } else {
        Err(Error::flag(
            flag,
            format!("{name:?} is not a valid environment variable name"),
            "use letters, digits, '_', '-' and '.', not starting with a digit",
        ))
    }
}

/// `--cpu/--memory` set requests and limits alike; `--requests/--limits` set them apart.
fn resources(args: &PerformerCreateArgs) -> Result<Option<ResourceRequirements>> {
    let simple = [("--cpu", &args.cpu), ("--memory", &args.memory)];
    let detailed = [("--requests", &args.requests), ("--limits", &args.limits)];
    for (a, av) in &simple {
        for (b, bv) in &detailed {
            if av.is_some() && bv.is_some() {
                return Err(Error::conflict(
                    a,
                    b,
                    format!("{a} sets the request and the limit; {b} sets them separately"),
                    "use --cpu/--memory, or --requests/--limits (e.g. --requests cpu=500m,memory=1Gi --limits cpu=2,memory=4Gi)",
                ));
            }
        }
    }
    let mut requests = BTreeMap::new();
    let mut limits = BTreeMap::new();
    for (flag, resource, value) in [
        ("--cpu", "cpu", &args.cpu),
        ("--memory", "memory", &args.memory),
    ] {
        if let Some(q) = value {
            parse_quantity(flag, q)?;
            requests.insert(resource.to_string(), Quantity(q.clone()));
            limits.insert(resource.to_string(), Quantity(q.clone()));
        }
    }
    if let Some(text) = &args.requests {
        requests = resource_list("--requests", text)?;
    }
    if let Some(text) = &args.limits {
        limits = resource_list("--limits", text)?;
    }
    for (resource, request) in &requests {
        if let Some(limit) = limits.get(resource) {
            let (r, l) = (
                crate::quantity::parse_milli(&request.0).unwrap_or_default(),
                crate::quantity::parse_milli(&limit.0).unwrap_or_default(),
            );
            if r > l {
                return Err(Error::conflict(
                    "--requests",
                    "--limits",
                    format!(
                        "the {resource} request {} is above its limit {}",
                        request.0, limit.0
                    ),
                    "a request must be at most the limit",
                ));
            }
        }
    }
    let resources = ResourceRequirements {
        requests: (!requests.is_empty()).then_some(requests),
        limits: (!limits.is_empty()).then_some(limits),
        claims: None,
    };
    Ok((resources != ResourceRequirements::default()).then_some(resources))
}

/// `cpu=500m,memory=1Gi`.
fn resource_list(flag: &str, text: &str) -> Result<BTreeMap<String, Quantity>> {
    let mut map = BTreeMap::new();
    for item in text.split(',') {
        let (resource, q) = split_kv(flag, item, "cpu=500m,memory=1Gi", false)?;
        if !validate::is_label_key(resource) {
            return Err(Error::flag(
                flag,
                format!("{resource:?} is not a resource name"),
                "use cpu, memory, ephemeral-storage or an extended resource such as example.com/foo",
            ));
        }
        if resource == hardware::GPU_RESOURCE {
            return Err(Error::flag(
                flag,
                format!("{resource} is set from the GPU model"),
                "use --gpu MODEL[:COUNT]; it also adds the node affinity and toleration",
            ));
        }
        parse_quantity(flag, q)?;
        if map
            .insert(resource.to_string(), Quantity(q.to_string()))
            .is_some()
        {
            return Err(Error::flag(
                flag,
                format!("{resource} is given twice"),
                "give each resource once",
            ));
        }
    }
    Ok(map)
}

fn hardware_requirements(args: &PerformerCreateArgs) -> Result<Option<HardwareRequirements>> {
    let mut hw = HardwareRequirements::default();
    match (&args.gpu, args.gpu_count) {
        (None, Some(_)) => {
            return Err(Error::MissingFlags {
                flags: vec!["--gpu".into()],
                message: "--gpu-count needs a GPU model".into(),
                help: Some(format!(
                    "e.g. --gpu a100 --gpu-count 2 (models: {})",
                    hardware::gpu_short_names().join(", ")
                )),
            });
        }
        (Some(spec), count_flag) => {
            let (model, partition, count) = split_gpu_flag(spec);
            if let Some(profile) = partition {
                hw.gpu_partition = Some(gpu_partition(model, profile)?);
            }
            let gpu_type = match hardware::parse_gpu_type(model) {
                Some(GpuSelector::Known(m)) => m.short.to_string(),
                Some(GpuSelector::RawProduct(raw)) => raw.to_string(),
                None => {
                    return Err(Error::flag(
                        "--gpu",
                        format!("{model:?} is not a known GPU model"),
                        format!(
                            "use one of {}, or a raw nvidia.com/gpu.product value such as NVIDIA-RTX-A6000",
                            hardware::gpu_short_names().join(", ")
                        ),
                    ));
                }
            };
            let count = match (count, count_flag) {
                (Some(_), Some(_)) => {
                    return Err(Error::conflict(
                        "--gpu MODEL:COUNT",
                        "--gpu-count",
                        "the GPU count is given twice",
                        "use --gpu a100:2 or --gpu a100 --gpu-count 2",
                    ));
                }
                (Some(c), None) => Some(c.parse::<i32>().map_err(|_| {
                    Error::flag(
                        "--gpu",
                        format!("{c:?} is not a GPU count"),
                        "use MODEL[:mig-PROFILE][:COUNT], e.g. --gpu h100:2 or --gpu a100:mig-1g.5gb:2",
                    )
                })?),
                (None, c) => c,
            };
            if let Some(c) = count
                && !(1..=MAX_GPUS).contains(&c)
            {
                return Err(Error::flag(
                    if count_flag.is_some() {
                        "--gpu-count"
                    } else {
                        "--gpu"
                    },
                    format!("{c} GPUs cannot be requested"),
                    format!("ask for between 1 and {MAX_GPUS} whole GPUs"),
                ));
            }
            hw.gpu_type = Some(gpu_type);
            hw.gpu_count = Some(count.unwrap_or(1));
        }
        (None, None) => {}
    }
    gpu_options(args, &mut hw)?;
    if let Some(tee) = &args.tee {
        let tee = TeeType::parse(tee).ok_or_else(|| {
            Error::flag(
                "--tee",
                format!("{tee:?} is not a known TEE type"),
                format!("use one of {}", hardware::tee_names().join(", ")),
            )
        })?;
        hw.tee_required = Some(true);
        hw.tee_type = Some(tee.as_str().to_string());
    }
    tee_options(args, &mut hw)?;
    Ok((hw != HardwareRequirements::default()).then_some(hw))
}

/// `a100`, `a100:2`, `a100:mig-1g.10gb`, `a100:mig-1g.10gb:2` as (model, profile, count).
fn split_gpu_flag(spec: &str) -> (&str, Option<&str>, Option<&str>) {
    let mut parts = spec.splitn(3, ':');
    let model = parts.next().unwrap_or_default();
    match (parts.next(), parts.next()) {
        (Some(p), count) if p.starts_with("mig-") => (model, Some(p), count),
        (Some(c), None) => (model, None, Some(c)),
        // Not a slice: everything after the model is the count (and fails to parse).
        (Some(_), Some(_)) => (model, None, spec.get(model.len() + 1..)),
        (None, _) => (model, None, None),
    }
}

/// The MIG profile of `--gpu MODEL:mig-PROFILE`, checked against the model's profiles.
fn gpu_partition(model: &str, profile: &str) -> Result<String> {
    let profile = hardware::parse_partition(profile);
    let Some(m) = hardware::gpu_model(model) else {
        return Err(Error::flag(
            "--gpu",
            format!("{model:?} is not a known GPU model, so it has no MIG slices"),
            format!(
                "MIG slices exist for {}",
                hardware::GPU_MODELS
                    .iter()
                    .filter(|m| !m.mig_profiles.is_empty())
                    .map(|m| m.short)
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        ));
    };
    if !m.mig_profiles.contains(&profile) {
        return Err(Error::flag(
            "--gpu",
            format!("{profile:?} is not a MIG slice of {}", m.short),
            if m.mig_profiles.is_empty() {
                format!(
                    "{} cannot be partitioned; ask for whole GPUs (--gpu {})",
                    m.short, m.short
                )
            } else {
                format!(
                    "use one of {}",
                    m.mig_profiles
                        .iter()
                        .map(|p| format!("{}:mig-{p}", m.short))
                        .collect::<Vec<_>>()
                        .join(", ")
                )
            },
        ));
    }
    Ok(profile.to_string())
}

fn gpu_options(args: &PerformerCreateArgs, hw: &mut HardwareRequirements) -> Result<()> {
    if hw.gpu_type.is_none() && (args.gpu_shared || args.mig_strategy.is_some()) {
        return Err(Error::MissingFlags {
            flags: vec!["--gpu".into()],
            message: "--gpu-shared and --mig-strategy need a GPU model".into(),
            help: Some(
                "e.g. --gpu l4 --gpu-shared, --gpu a100:mig-1g.5gb --mig-strategy mixed".into(),
            ),
        });
    }
    if args.gpu_shared {
        if hw.gpu_partition.is_some() {
            return Err(Error::conflict(
                "--gpu MODEL:mig-PROFILE",
                "--gpu-shared",
                "a MIG slice is not time-sliced",
                "ask for a slice or for a shared GPU, not both",
            ));
        }
        hw.gpu_sharing = Some(hardware::GpuSharing::Shared);
    }
    if let Some(strategy) = args.mig_strategy.as_deref() {
        if hw.gpu_partition.is_none() {
            return Err(Error::flag(
                "--mig-strategy",
                "--mig-strategy applies to a MIG slice".to_string(),
                "ask for one: --gpu a100:mig-1g.5gb --mig-strategy mixed",
            ));
        }
        hw.mig_strategy = Some(if strategy == "mixed" {
            hardware::MigStrategy::Mixed
        } else {
            hardware::MigStrategy::Single
        });
    }
    gpu_allocation(args, hw)
}

fn gpu_allocation(args: &PerformerCreateArgs, hw: &mut HardwareRequirements) -> Result<()> {
    let dra = args.gpu_allocation.as_deref() == Some("dra");
    if args.gpu_allocation.is_some() && hw.gpu_type.is_none() {
        return Err(Error::MissingFlags {
            flags: vec!["--gpu".into()],
            message: "--gpu-allocation needs a GPU model".into(),
            help: Some("e.g. --gpu h100 --gpu-allocation dra".into()),
        });
    }
    if let Some(class) = args.device_class.as_deref() {
        if !dra {
            return Err(Error::flag(
                "--device-class",
                "the DeviceClass is a DRA setting".to_string(),
                "use it with --gpu-allocation dra",
            ));
        }
        if !validate::is_dns1123_subdomain(class) {
            return Err(Error::flag(
                "--device-class",
                format!("{class:?} is not a DeviceClass name"),
                "use a DNS subdomain such as gpu.nvidia.com (`kubectl get deviceclasses`)",
            ));
        }
        hw.device_class_name = Some(class.to_string());
    }
    if !dra {
        if args.gpu_allocation.is_some() {
            hw.gpu_allocation = Some(hardware::GpuAllocation::DevicePlugin);
        }
        return Ok(());
    }
    if hw.gpu_partition.is_some() || hw.gpu_sharing.is_some() {
        return Err(Error::conflict(
            "--gpu MODEL:mig-PROFILE or --gpu-shared",
            "--gpu-allocation dra",
            "hgctl asks DRA for whole, unshared GPUs",
            "ask for a MIG slice or a shared GPU through the device plugin (leave --gpu-allocation out)",
        ));
    }
    hw.gpu_allocation = Some(hardware::GpuAllocation::Dra);
    Ok(())
}

fn tee_options(args: &PerformerCreateArgs, hw: &mut HardwareRequirements) -> Result<()> {
    let tee = hw.tee_type.as_deref();
    if let Some(mode) = args.tee_mode.as_deref() {
        if tee.is_none() {
            return Err(Error::MissingFlags {
                flags: vec!["--tee".into()],
                message: "--tee-mode needs a TEE type".into(),
                help: Some("e.g. --tee tdx --tee-mode node".into()),
            });
        }
        if tee == Some("sgx") && mode != "node" {
            return Err(Error::flag(
                "--tee-mode",
                "sgx runs in process enclaves, not in a confidential VM".to_string(),
                "leave --tee-mode out for sgx",
            ));
        }
        hw.tee_mode = Some(if mode == "node" {
            hardware::TeeMode::Node
        } else {
            hardware::TeeMode::RuntimeClass
        });
    }
    if let Some(provider) = args.sgx_quote_provider.as_deref() {
        if tee != Some("sgx") {
            return Err(Error::flag(
                "--sgx-quote-provider",
                "the quote provider is an SGX setting".to_string(),
                "use it with --tee sgx",
            ));
        }
        if !validate::is_dns1123_label(provider) {
            return Err(Error::flag(
                "--sgx-quote-provider",
                format!("{provider:?} is not a valid quote provider name"),
                "use a DNS label such as aesmd",
            ));
        }
        hw.sgx_quote_provider = Some(provider.to_string());
    }
    Ok(())
}

fn scheduling(args: &PerformerCreateArgs) -> Result<Option<Scheduling>> {
    for (flag, value) in [
        ("--runtime-class", &args.runtime_class),
        ("--priority-class", &args.priority_class),
    ] {
        if let Some(v) = value
            && !validate::is_dns1123_subdomain(v)
        {
            return Err(Error::flag(
                flag,
                format!("{v:?} is not a valid object name"),
                "use lowercase letters, digits, '-' and '.'",
            ));
        }
    }
    let node_selector = parse_labels("--node-selector", &args.node_selector)?;
    let tolerations = args
        .toleration
        .iter()
        .map(|t| parse_toleration(t))
        .collect::<Result<Vec<_>>>()?;
    let scheduling = Scheduling {
        node_selector: (!node_selector.is_empty()).then_some(node_selector),
        tolerations: (!tolerations.is_empty()).then_some(tolerations),
        affinity: None,
        runtime_class: args.runtime_class.clone(),
        priority_class_name: args.priority_class.clone(),
    };
    Ok((scheduling != Scheduling::default()).then_some(scheduling))
}

/// Taint effects a toleration may name.
pub const EFFECTS: [&str; 3] = ["NoSchedule", "PreferNoSchedule", "NoExecute"];

/// `KEY[=VALUE]:EFFECT`: `Equal` with a value, `Exists` without.
pub fn parse_toleration(text: &str) -> Result<Toleration> {
    let flag = "--toleration";
    let hint = "use KEY[=VALUE]:EFFECT with EFFECT one of NoSchedule, PreferNoSchedule, NoExecute, e.g. dedicated=avs:NoSchedule";
    let Some((kv, effect)) = text.rsplit_once(':') else {
        return Err(Error::flag(flag, format!("{text:?} has no :EFFECT"), hint));
    };
    if !EFFECTS.contains(&effect) {
        return Err(Error::flag(
            flag,
            format!("{effect:?} is not a taint effect"),
            hint,
        ));
    }
    let (key, value) = match kv.split_once('=') {
        Some((k, v)) => (k, Some(v)),
        None => (kv, None),
    };
    if !validate::is_label_key(key) {
        return Err(Error::flag(
            flag,
            format!("{key:?} is not a valid taint key"),
            hint,
        ));
    }
    if let Some(v) = value
        && !validate::is_label_value(v)
    {
        return Err(Error::flag(
            flag,
            format!("{v:?} is not a valid taint value"),
            hint,
        ));
    }
    Ok(Toleration {
        key: Some(key.to_string()),
        operator: Some(if value.is_some() { "Equal" } else { "Exists" }.to_string()),
        value: value.map(str::to_string),
        effect: Some(effect.to_string()),
        toleration_seconds: None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cli::args::{Cli, Command, PerformerCommand};
    use clap::Parser;
    use serde_json::{Value, json};

    const AVS: &str = "0x1234567890abcdef1234567890abcdef12345678";

    fn args(extra: &[&str]) -> Box<PerformerCreateArgs> {
        let mut argv = vec![
            "hgctl",
            "performer",
            "create",
            "p1",
            "--image",
            "avs/p:v1",
            "--avs",
            AVS,
        ];
        argv.extend_from_slice(extra);
        match Cli::try_parse_from(argv).unwrap().command {
            Command::Performer(PerformerCommand::Create(a)) => a,
            _ => unreachable!(),
        }
    }

    fn spec(extra: &[&str]) -> Value {
        let p = build(&args(extra), Some("ns1")).unwrap();
        assert_eq!(p.metadata.namespace.as_deref(), Some("ns1"));
        serde_json::to_value(&p.spec).unwrap()
    }

    fn code(extra: &[&str]) -> String {
        use miette::Diagnostic;
        build(&args(extra), None)
            .unwrap_err()
            .code()
            .unwrap()
            .to_string()
    }

    #[test]
    fn minimal_flags_render_a_minimal_spec() {
        assert_eq!(spec(&[]), json!({"avsAddress": AVS, "image": "avs/p:v1"}));
    }

    #[test]
    fn every_flag_renders_its_field() {
        let cases: Vec<(Vec<&str>, Value)> = vec![
            (vec!["--version", "v2"], json!({"version": "v2"})),
            (
                vec!["--grpc-port", "8080"],
                json!({"config": {"grpcPort": 8080}}),
            ),
            (
                vec!["--env", "A=1", "--env", "B="],
                json!({"config": {"environment": {"A": "1", "B": ""}}}),
            ),
            (
                vec!["--env-from-secret", "TOKEN=avs-secrets/token"],
                json!({"config": {"environmentFrom": [{"name": "TOKEN", "valueFrom": {"secretKeyRef": {"name": "avs-secrets", "key": "token"}}}]}}),
            ),
            (
                vec!["--service-account", "avs-sa"],
                json!({"config": {"serviceAccountName": "avs-sa"}}),
            ),
            (
                vec!["--gpu", "a100"],
                json!({"hardwareRequirements": {"gpuType": "a100", "gpuCount": 1}}),
            ),
            (
                vec!["--gpu", "a100:mig-1g.5gb:3"],
                json!({"hardwareRequirements": {"gpuType": "a100", "gpuCount": 3, "gpuPartition": "1g.5gb"}}),
            ),
            (
                vec!["--gpu", "a100-80gb:mig-3g.40gb", "--mig-strategy", "mixed"],
                json!({"hardwareRequirements": {"gpuType": "a100-80gb", "gpuCount": 1, "gpuPartition": "3g.40gb", "migStrategy": "Mixed"}}),
            ),
            (
                vec!["--gpu", "l4:2", "--gpu-shared"],
                json!({"hardwareRequirements": {"gpuType": "l4", "gpuCount": 2, "gpuSharing": "Shared"}}),
            ),
            (
                vec!["--gpu", "h100:2", "--gpu-allocation", "dra"],
                json!({"hardwareRequirements": {"gpuType": "h100", "gpuCount": 2, "gpuAllocation": "Dra"}}),
            ),
            (
                vec![
                    "--gpu",
                    "h100",
                    "--gpu-allocation",
                    "dra",
                    "--device-class",
                    "h100.example.com",
                ],
                json!({"hardwareRequirements": {"gpuType": "h100", "gpuCount": 1, "gpuAllocation": "Dra", "deviceClassName": "h100.example.com"}}),
            ),
            (
                vec!["--tee", "tdx", "--tee-mode", "node"],
                json!({"hardwareRequirements": {"teeRequired": true, "teeType": "tdx", "teeMode": "Node"}}),
            ),
            (
                vec!["--tee", "sgx", "--sgx-quote-provider", "aesmd"],
                json!({"hardwareRequirements": {"teeRequired": true, "teeType": "sgx", "sgxQuoteProvider": "aesmd"}}),
            ),
            (
                vec!["--gpu", "nvidia-h100:4"],
                json!({"hardwareRequirements": {"gpuType": "h100", "gpuCount": 4}}),
            ),
            (
                vec!["--gpu", "l4", "--gpu-count", "2"],
                json!({"hardwareRequirements": {"gpuType": "l4", "gpuCount": 2}}),
            ),
            (
                vec!["--gpu", "NVIDIA-RTX-A6000"],
                json!({"hardwareRequirements": {"gpuType": "NVIDIA-RTX-A6000", "gpuCount": 1}}),
            ),
            (
                vec!["--tee", "sgx"],
                json!({"hardwareRequirements": {"teeRequired": true, "teeType": "sgx"}}),
            ),
            (
                vec!["--tee", "SEV-SNP"],
                json!({"hardwareRequirements": {"teeRequired": true, "teeType": "sev-snp"}}),
            ),
            (
                vec!["--gpu", "h100", "--tee", "tdx"],
                json!({"hardwareRequirements": {"gpuType": "h100", "gpuCount": 1, "teeRequired": true, "teeType": "tdx"}}),
            ),
            (
                vec!["--runtime-class", "gvisor"],
                json!({"scheduling": {"runtimeClass": "gvisor"}}),
            ),
            (
                vec!["--priority-class", "high"],
                json!({"scheduling": {"priorityClassName": "high"}}),
            ),
            (
                vec!["--node-selector", "zone=a", "--node-selector", "disk=ssd"],
                json!({"scheduling": {"nodeSelector": {"zone": "a", "disk": "ssd"}}}),
            ),
            (
                vec![
                    "--toleration",
                    "dedicated=avs:NoSchedule",
                    "--toleration",
                    "nvidia.com/gpu:NoExecute",
                ],
                json!({"scheduling": {"tolerations": [
                    {"key": "dedicated", "operator": "Equal", "value": "avs", "effect": "NoSchedule"},
                    {"key": "nvidia.com/gpu", "operator": "Exists", "effect": "NoExecute"}
                ]}}),
            ),
            (
                vec!["--cpu", "500m", "--memory", "1Gi"],
                json!({"resources": {"requests": {"cpu": "500m", "memory": "1Gi"}, "limits": {"cpu": "500m", "memory": "1Gi"}}}),
            ),
            (
                vec!["--cpu", "2"],
                json!({"resources": {"requests": {"cpu": "2"}, "limits": {"cpu": "2"}}}),
            ),
            (
                vec![
                    "--requests",
                    "cpu=500m,memory=1Gi",
                    "--limits",
                    "cpu=2,memory=4Gi",
                ],
                json!({"resources": {"requests": {"cpu": "500m", "memory": "1Gi"}, "limits": {"cpu": "2", "memory": "4Gi"}}}),
            ),
            (
                vec!["--limits", "memory=4Gi"],
                json!({"resources": {"limits": {"memory": "4Gi"}}}),
            ),
        ];
        for (flags, expected) in cases {
            let mut want = json!({"avsAddress": AVS, "image": "avs/p:v1"});
            for (k, v) in expected.as_object().unwrap() {
                want[k] = v.clone();
            }
            assert_eq!(spec(&flags), want, "{flags:?}");
        }
    }

    #[test]
    fn labels_go_on_the_performer() {
        let p = build(
            &args(&["--label", "team=a", "--label", "example.com/tier=gold"]),
            None,
        )
        .unwrap();
        let labels = p.metadata.labels.unwrap();
        assert_eq!(labels.get("team").map(String::as_str), Some("a"));
        assert_eq!(
            labels.get("example.com/tier").map(String::as_str),
            Some("gold")
        );
        assert!(p.metadata.namespace.is_none());
    }

    #[test]
    fn the_rendered_gpu_pod_uses_the_hardware_table() {
        let p = build(&args(&["--gpu", "a100:2"]), Some("ns")).unwrap();
        let pod = crate::render::performer::desired_pod(&p).unwrap().pod;
        let limits = pod.spec.unwrap().containers[0]
            .resources
            .clone()
            .unwrap()
            .limits
            .unwrap();
        assert_eq!(limits[hardware::GPU_RESOURCE].0, "2");
    }

    #[test]
    fn specific_codes_for_missing_and_conflicting_flags() {
        assert_eq!(
            code(&["--cpu", "1", "--requests", "cpu=1"]),
            "hgctl::conflicting_flags"
        );
        assert_eq!(
            code(&["--gpu", "a100:2", "--gpu-count", "2"]),
            "hgctl::conflicting_flags"
        );
        assert_eq!(code(&["--gpu-count", "2"]), "hgctl::missing_flags");
        assert_eq!(code(&["--gpu", "a200"]), "hgctl::invalid_flag");
        assert_eq!(code(&["--gpu-allocation", "dra"]), "hgctl::missing_flags");
        assert_eq!(
            code(&["--gpu", "a100:mig-1g.5gb", "--gpu-allocation", "dra"]),
            "hgctl::conflicting_flags"
        );
        assert_eq!(
            code(&["--gpu", "l4", "--gpu-shared", "--gpu-allocation", "dra"]),
            "hgctl::conflicting_flags"
        );
        assert_eq!(
            code(&["--gpu", "h100", "--device-class", "gpu.nvidia.com"]),
            "hgctl::invalid_flag"
        );
        assert_eq!(
            code(&[
                "--gpu",
                "h100",
                "--gpu-allocation",
                "dra",
                "--device-class",
                "GPU Class"
            ]),
            "hgctl::invalid_flag"
        );
    }
}
