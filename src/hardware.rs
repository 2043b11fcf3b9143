//! The one table of hardware conventions: GPU models and TEE types, with the
//! label, resource and runtime-class names that real device plugins, GPU
//! Feature Discovery, Node Feature Discovery and kata-deploy use.
//!
//! The CRD's CEL rules, the scaffolder's `--gpu/--tee` flags, the Pod renderer
//! and the doctor all read this module, so a model added here is accepted,
//! scheduled and diagnosed everywhere at once.

use std::fmt;

/// Extended resource every NVIDIA device plugin advertises. Never `nvidia.com/<model>`.
pub const GPU_RESOURCE: &str = "nvidia.com/gpu";
/// GPU Feature Discovery's model label: the NVML product name, spaces as `-`.
pub const GPU_PRODUCT_LABEL: &str = "nvidia.com/gpu.product";
/// GPU Feature Discovery's memory label (MiB).
pub const GPU_MEMORY_LABEL: &str = "nvidia.com/gpu.memory";
/// Taint key GPU nodes usually carry (GKE: `nvidia.com/gpu=present:NoSchedule`).
pub const GPU_TAINT_KEY: &str = "nvidia.com/gpu";
/// Label kata-deploy puts on nodes that can run Kata runtime classes.
pub const KATA_RUNTIME_LABEL: &str = "katacontainers.io/kata-runtime";

/// One NVIDIA GPU model as users name it and as nodes advertise it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct GpuModel {
    /// The short name users type: `--gpu a100`, `gpuType: a100`.
    pub short: &'static str,
    /// Other names accepted in `gpuType`: the seed design's `nvidia-a100` and cloud names.
    pub aliases: &'static [&'static str],
    /// `nvidia.com/gpu.product` values observed on real nodes.
    pub products: &'static [&'static str],
    /// Human-readable name for tables and prompts.
    pub display: &'static str,
}

/// Suffixes GFD appends to a product name: time-slicing and MIG (single strategy).
const PRODUCT_SUFFIXES: &[&str] = &["-SHARED"];

/// Every GPU model hgctl knows, in the order prompts list them.
pub const GPU_MODELS: &[GpuModel] = &[
    GpuModel {
        short: "a100",
        aliases: &["nvidia-a100", "nvidia-tesla-a100", "a100-40gb"],
        products: &["NVIDIA-A100-SXM4-40GB", "NVIDIA-A100-PCIE-40GB"],
        display: "NVIDIA A100 40GB",
    },
    GpuModel {
        short: "a100-80gb",
        aliases: &["nvidia-a100-80gb"],
        products: &["NVIDIA-A100-SXM4-80GB", "NVIDIA-A100-80GB-PCIe"],
        display: "NVIDIA A100 80GB",
    },
    GpuModel {
        short: "h100",
        aliases: &["nvidia-h100", "nvidia-h100-80gb", "nvidia-h100-mega-80gb"],
        products: &[
            "NVIDIA-H100-80GB-HBM3",
            "NVIDIA-H100-SXM5-80GB",
            "NVIDIA-H100-PCIe",
            "NVIDIA-H100-NVL",
        ],
        display: "NVIDIA H100",
    },
    GpuModel {
        short: "h200",
        aliases: &["nvidia-h200", "nvidia-h200-141gb"],
        products: &[
            "NVIDIA-H200",
            "NVIDIA-H200-SXM-141GB-HBM3e",
            "NVIDIA-H200-NVL",
        ],
        display: "NVIDIA H200",
    },
    GpuModel {
        short: "h20",
        aliases: &["nvidia-h20"],
        products: &["NVIDIA-H20"],
        display: "NVIDIA H20",
    },
    GpuModel {
        short: "gh200",
        aliases: &["nvidia-gh200", "nvidia-gh200-480gb"],
        products: &["NVIDIA-GH200-480GB"],
        display: "NVIDIA GH200",
    },
    GpuModel {
        short: "b200",
        aliases: &["nvidia-b200"],
        products: &["NVIDIA-B200"],
        display: "NVIDIA B200",
    },
    GpuModel {
        short: "gb200",
        aliases: &["nvidia-gb200"],
        products: &["NVIDIA-GB200"],
        display: "NVIDIA GB200",
    },
    GpuModel {
        short: "rtx-pro-6000",
        aliases: &["nvidia-rtx-pro-6000"],
        products: &["NVIDIA-RTX-PRO-6000-Blackwell-Server-Edition"],
        display: "NVIDIA RTX PRO 6000 Blackwell",
    },
    GpuModel {
        short: "rtx-6000-ada",
        aliases: &["nvidia-rtx-6000-ada"],
        products: &["NVIDIA-RTX-6000-Ada-Generation"],
        display: "NVIDIA RTX 6000 Ada",
    },
    GpuModel {
        short: "l40",
        aliases: &["nvidia-l40"],
        products: &["NVIDIA-L40"],
        display: "NVIDIA L40",
    },
    GpuModel {
        short: "a40",
        aliases: &["nvidia-a40"],
        products: &["NVIDIA-A40"],
        display: "NVIDIA A40",
    },
    GpuModel {
        short: "a30",
        aliases: &["nvidia-a30"],
        products: &["NVIDIA-A30"],
        display: "NVIDIA A30",
    },
    GpuModel {
        short: "a10",
        aliases: &["nvidia-a10"],
        products: &["NVIDIA-A10"],
        display: "NVIDIA A10",
    },
    GpuModel {
        short: "l4",
        aliases: &["nvidia-l4"],
        products: &["NVIDIA-L4"],
        display: "NVIDIA L4",
    },
    GpuModel {
        short: "l40s",
        aliases: &["nvidia-l40s"],
        products: &["NVIDIA-L40S"],
        display: "NVIDIA L40S",
    },
    GpuModel {
        short: "t4",
        aliases: &["nvidia-t4", "nvidia-tesla-t4"],
        products: &["Tesla-T4"],
        display: "NVIDIA T4",
    },
    GpuModel {
        short: "a10g",
        aliases: &["nvidia-a10g"],
        products: &["NVIDIA-A10G"],
        display: "NVIDIA A10G",
    },
    GpuModel {
        short: "v100",
        aliases: &["nvidia-v100", "nvidia-tesla-v100"],
        products: &[
            "Tesla-V100-SXM2-16GB",
            "Tesla-V100-SXM2-32GB",
            "Tesla-V100-PCIE-16GB",
        ],
        display: "NVIDIA V100",
    },
];

/// Prefixes a raw `nvidia.com/gpu.product` value starts with; used to accept
/// models this table does not list yet.
pub const RAW_PRODUCT_PREFIXES: &[&str] = &["NVIDIA-", "Tesla-", "Quadro-"];

/// What a `gpuType` string asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GpuSelector<'a> {
    /// A model from [`GPU_MODELS`].
    Known(&'static GpuModel),
    /// An exact `nvidia.com/gpu.product` value this table does not know.
    RawProduct(&'a str),
}

impl GpuModel {
    /// The `nvidia.com/gpu.product` values a pod for this model may land on,
    /// including the time-sliced variants (node affinity cannot match prefixes).
    pub fn product_values(&self) -> Vec<String> {
        let mut values: Vec<String> = Vec::new();
        for product in self.products {
            values.push((*product).to_string());
            for suffix in PRODUCT_SUFFIXES {
                values.push(format!("{product}{suffix}"));
            }
        }
        values
    }

    /// True when a node's product label belongs to this model (prefix match, as
    /// suffixes for MIG and time-slicing vary).
    pub fn matches_product(&self, product: &str) -> bool {
        self.products.iter().any(|p| {
            product == *p
                || product.starts_with(&format!("{p}-"))
                || p.strip_prefix("NVIDIA-")
                    .is_some_and(|bare| product == bare || product.starts_with(&format!("{bare}-")))
        })
    }
}

/// Looks up a model by short name or alias, case-insensitively.
pub fn gpu_model(name: &str) -> Option<&'static GpuModel> {
    let name = name.trim().to_ascii_lowercase();
    GPU_MODELS
        .iter()
        .find(|m| m.short == name || m.aliases.contains(&name.as_str()))
}

/// The model a node's `nvidia.com/gpu.product` value belongs to, if known.
pub fn gpu_model_for_product(product: &str) -> Option<&'static GpuModel> {
    GPU_MODELS.iter().find(|m| m.matches_product(product))
}

/// Interprets a `gpuType` value: a known model, or a raw product label value.
pub fn parse_gpu_type(value: &str) -> Option<GpuSelector<'_>> {
    if let Some(model) = gpu_model(value) {
        return Some(GpuSelector::Known(model));
    }
    if is_raw_product(value) {
        return Some(GpuSelector::RawProduct(value));
    }
    None
}

fn is_raw_product(value: &str) -> bool {
    RAW_PRODUCT_PREFIXES.iter().any(|p| value.starts_with(p))
        && value.len() <= 63
        && crate::validate::is_label_value(value)
}

/// Every `gpuType` spelling the CRD accepts besides raw product values, sorted.
pub fn accepted_gpu_names() -> Vec<&'static str> {
    let mut names: Vec<&'static str> = GPU_MODELS
        .iter()
        .flat_map(|m| std::iter::once(m.short).chain(m.aliases.iter().copied()))
        .collect();
    names.sort_unstable();
    names
}

/// Short names only, for `--gpu` help and prompts.
pub fn gpu_short_names() -> Vec<&'static str> {
    GPU_MODELS.iter().map(|m| m.short).collect()
}

/// The CEL rule the CRD puts on `hardwareRequirements.gpuType`, built from this table.
pub fn gpu_type_cel_rule() -> String {
    let names = accepted_gpu_names()
        .iter()
        .map(|n| format!("'{n}'"))
        .collect::<Vec<_>>()
        .join(", ");
    let prefixes = RAW_PRODUCT_PREFIXES.join("|");
    format!(
        "self.lowerAscii() in [{names}] || self.matches('^({prefixes})[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$')"
    )
}

/// Message of [`gpu_type_cel_rule`].
pub fn gpu_type_cel_message() -> String {
    format!(
        "gpuType must be a known GPU model ({}), its nvidia-<model> form, or a raw nvidia.com/gpu.product value such as NVIDIA-A100-SXM4-40GB",
        gpu_short_names().join(", ")
    )
}

/// A Trusted Execution Environment a Performer may require.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TeeType {
    Sgx,
    Tdx,
    SevSnp,
    Sev,
}

/// How a TEE type is advertised by nodes and what a pod needs to use it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TeeProfile {
    pub tee: TeeType,
    /// The spelling in `teeType` and `--tee`.
    pub name: &'static str,
    pub display: &'static str,
    /// Node labels that advertise the capability (any one of them suffices).
    pub node_labels: &'static [(&'static str, &'static str)],
    /// Extended resources the pod must request (name, quantity).
    pub resources: &'static [(&'static str, &'static str)],
    /// Runtime class that makes the pod confidential, when the TEE is VM based.
    pub runtime_class: Option<&'static str>,
}

/// Every TEE type hgctl knows.
pub const TEE_PROFILES: &[TeeProfile] = &[
    TeeProfile {
        tee: TeeType::Sgx,
        name: "sgx",
        display: "Intel SGX",
        node_labels: &[
            (
                "feature.node.kubernetes.io/cpu-security.sgx.enabled",
                "true",
            ),
            ("intel.feature.node.kubernetes.io/sgx", "true"),
        ],
        resources: &[
            ("sgx.intel.com/epc", "64Mi"),
            ("sgx.intel.com/enclave", "1"),
            ("sgx.intel.com/provision", "1"),
        ],
        runtime_class: None,
    },
    TeeProfile {
        tee: TeeType::Tdx,
        name: "tdx",
        display: "Intel TDX",
        node_labels: &[
            (
                "feature.node.kubernetes.io/cpu-security.tdx.enabled",
                "true",
            ),
            ("intel.feature.node.kubernetes.io/tdx", "true"),
        ],
        resources: &[],
        runtime_class: Some("kata-qemu-tdx"),
    },
    TeeProfile {
        tee: TeeType::SevSnp,
        name: "sev-snp",
        display: "AMD SEV-SNP",
        node_labels: &[
            (
                "feature.node.kubernetes.io/cpu-security.sev.snp.enabled",
                "true",
            ),
            ("amd.feature.node.kubernetes.io/snp", "true"),
        ],
        resources: &[],
        runtime_class: Some("kata-qemu-snp"),
    },
    TeeProfile {
        tee: TeeType::Sev,
        name: "sev",
        display: "AMD SEV",
        node_labels: &[(
            "feature.node.kubernetes.io/cpu-security.sev.enabled",
            "true",
        )],
        resources: &[],
        runtime_class: Some("kata-qemu-sev"),
    },
];

impl TeeType {
    pub fn profile(self) -> &'static TeeProfile {
        TEE_PROFILES
            .iter()
            .find(|p| p.tee == self)
            .expect("every TeeType has a profile")
    }

    pub fn parse(value: &str) -> Option<Self> {
        let value = value.trim().to_ascii_lowercase();
        TEE_PROFILES.iter().find(|p| p.name == value).map(|p| p.tee)
    }

    pub fn as_str(self) -> &'static str {
        self.profile().name
    }
}

impl fmt::Display for TeeType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// `teeType` spellings, for the CRD enum, help texts and prompts.
pub fn tee_names() -> Vec<&'static str> {
    TEE_PROFILES.iter().map(|p| p.name).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_names_and_aliases_resolve_to_the_same_model() {
        assert_eq!(gpu_model("a100").unwrap().short, "a100");
        assert_eq!(gpu_model("nvidia-a100").unwrap().short, "a100");
        assert_eq!(gpu_model("A100-80GB").unwrap().short, "a100-80gb");
        assert_eq!(gpu_model("nvidia-tesla-t4").unwrap().short, "t4");
        assert!(gpu_model("a200").is_none());
    }

    #[test]
    fn product_labels_map_back_to_models_by_prefix() {
        let model = |p| gpu_model_for_product(p).map(|m| m.short);
        assert_eq!(model("NVIDIA-A100-SXM4-40GB"), Some("a100"));
        assert_eq!(model("NVIDIA-A100-SXM4-80GB"), Some("a100-80gb"));
        assert_eq!(
            model("NVIDIA-A100-80GB-PCIe-MIG-1g.10gb"),
            Some("a100-80gb")
        );
        assert_eq!(model("NVIDIA-H100-80GB-HBM3-SHARED"), Some("h100"));
        assert_eq!(
            model("H100-PCIe"),
            Some("h100"),
            "older drivers drop NVIDIA-"
        );
        assert_eq!(model("Tesla-T4"), Some("t4"));
        assert_eq!(model("NVIDIA-B200"), Some("b200"));
        assert_eq!(model("NVIDIA-H200"), Some("h200"), "not H20 by prefix");
        assert_eq!(model("NVIDIA-L40S"), Some("l40s"), "not L40 by prefix");
        assert_eq!(model("NVIDIA-A10G"), Some("a10g"), "not A10 by prefix");
        assert_eq!(
            model("NVIDIA-RTX-6000-Ada-Generation"),
            Some("rtx-6000-ada")
        );
        assert_eq!(model("NVIDIA-RTX-A6000"), None);
    }

    #[test]
    fn every_product_maps_back_to_its_own_model() {
        for m in GPU_MODELS {
            for value in m.product_values() {
                let found = gpu_model_for_product(&value).map(|f| f.short);
                assert_eq!(found, Some(m.short), "{value}");
            }
        }
    }

    #[test]
    fn product_values_include_time_sliced_variants() {
        let values = gpu_model("l4").unwrap().product_values();
        assert_eq!(values, vec!["NVIDIA-L4", "NVIDIA-L4-SHARED"]);
    }

    #[test]
    fn gpu_type_accepts_known_names_and_raw_products_only() {
        assert!(matches!(
            parse_gpu_type("h100"),
            Some(GpuSelector::Known(_))
        ));
        assert!(matches!(
            parse_gpu_type("NVIDIA-RTX-A6000"),
            Some(GpuSelector::RawProduct("NVIDIA-RTX-A6000"))
        ));
        assert_eq!(parse_gpu_type("amd-mi300"), None);
        assert_eq!(parse_gpu_type("NVIDIA-"), None);
    }

    #[test]
    fn tee_types_round_trip() {
        for name in tee_names() {
            assert_eq!(TeeType::parse(name).unwrap().as_str(), name);
        }
        assert_eq!(TeeType::parse("SEV-SNP"), Some(TeeType::SevSnp));
        assert_eq!(TeeType::parse("trustzone"), None);
        assert_eq!(TeeType::Tdx.profile().runtime_class, Some("kata-qemu-tdx"));
        assert!(TeeType::Sgx.profile().runtime_class.is_none());
    }

    #[test]
    fn every_product_value_is_a_valid_label_value() {
        for model in GPU_MODELS {
            for value in model.product_values() {
                assert!(crate::validate::is_label_value(&value), "{value}");
            }
        }
    }
}
