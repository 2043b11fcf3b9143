//! The one table of hardware conventions: GPU models and TEE types, with the
//! label, resource and runtime-class names that real device plugins, GPU
//! Feature Discovery, Node Feature Discovery and kata-deploy use.
//!
//! The CRD's CEL rules, the scaffolder's `--gpu/--tee` flags and completions, the Pod
//! renderer, the scheduler simulator and the doctor all read this module, so a model added
//! here is accepted, scheduled and diagnosed everywhere at once.
//!
//! A request becomes a placement here ([`GpuRequest::placement`], [`TeeRequest::placement`]):
//! the extended resource, the required node affinity as OR terms over the label schemes real
//! clusters use (GPU Feature Discovery, GKE, Karpenter on AWS, AKS; MIG single and mixed;
//! time-sliced GPUs; confidential VM nodes), the runtime class and the pod annotations.

use std::collections::BTreeMap;
use std::fmt;

use k8s_openapi::api::core::v1::NodeSelectorRequirement;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

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
    /// MIG profiles the model can be partitioned into (`1g.10gb` ...); empty without MIG.
    pub mig_profiles: &'static [&'static str],
    /// GKE's `cloud.google.com/gke-accelerator` values for the model.
    pub gke: &'static [&'static str],
    /// Karpenter on AWS: `karpenter.k8s.aws/instance-gpu-name` and, when the name alone does
    /// not tell the model (a100 40 GB / 80 GB), `karpenter.k8s.aws/instance-gpu-memory` (MiB).
    pub karpenter: Option<(&'static str, Option<&'static str>)>,
    /// AKS: VM sizes (`node.kubernetes.io/instance-type`) of node pools labelled
    /// `kubernetes.azure.com/accelerator=nvidia` carrying this model.
    pub aks_sizes: &'static [&'static str],
}

/// A model known only by its GFD product names (no MIG, no cloud labels).
const GFD_ONLY: GpuModel = GpuModel {
    short: "",
    aliases: &[],
    products: &[],
    display: "",
    mig_profiles: &[],
    gke: &[],
    karpenter: None,
    aks_sizes: &[],
};

/// Suffix GFD appends to the product of a time-sliced GPU (sharing with `renameByDefault`).
pub const SHARED_SUFFIX: &str = "-SHARED";
/// Resource a time-sliced GPU replica is advertised as under `renameByDefault: true`.
pub const GPU_SHARED_RESOURCE: &str = "nvidia.com/gpu.shared";
/// Under the mixed MIG strategy each profile is its own resource: `nvidia.com/mig-1g.10gb`.
pub const MIG_RESOURCE_PREFIX: &str = "nvidia.com/mig-";
/// GFD's MIG strategy label (`none`, `single`, `mixed`).
pub const MIG_STRATEGY_LABEL: &str = "nvidia.com/mig.strategy";
/// The resource of a GPU passed whole into a Kata confidential VM (NVIDIA CC).
pub const PGPU_RESOURCE: &str = "nvidia.com/pgpu";
/// Set by the GPU operator when a GPU's confidential-computing mode is ready.
pub const CC_READY_LABEL: &str = "nvidia.com/cc.ready.state";
/// GKE's model label on GPU node pools (no GFD there).
pub const GKE_ACCELERATOR_LABEL: &str = "cloud.google.com/gke-accelerator";
/// GKE's MIG partition size on partitioned node pools (resource stays `nvidia.com/gpu`).
pub const GKE_PARTITION_LABEL: &str = "cloud.google.com/gke-gpu-partition-size";
/// GKE's GPU sharing strategy on shared node pools (`time-sharing`, `mps`).
pub const GKE_SHARING_LABEL: &str = "cloud.google.com/gke-gpu-sharing-strategy";
/// Karpenter on AWS: the GPU's name (`a100`, `h100`, `l4` ...).
pub const KARPENTER_GPU_NAME_LABEL: &str = "karpenter.k8s.aws/instance-gpu-name";
/// Karpenter on AWS: the GPU's manufacturer (`nvidia`).
pub const KARPENTER_GPU_MANUFACTURER_LABEL: &str = "karpenter.k8s.aws/instance-gpu-manufacturer";
/// Karpenter on AWS: memory of one GPU in MiB.
pub const KARPENTER_GPU_MEMORY_LABEL: &str = "karpenter.k8s.aws/instance-gpu-memory";
/// AKS GPU node pools: `nvidia`. The model is in the VM size.
pub const AKS_ACCELERATOR_LABEL: &str = "kubernetes.azure.com/accelerator";
/// The well-known instance type label (the VM size on AKS).
pub const INSTANCE_TYPE_LABEL: &str = "node.kubernetes.io/instance-type";

/// Every GPU model hgctl knows, in the order prompts list them.
pub const GPU_MODELS: &[GpuModel] = &[
    GpuModel {
        short: "a100",
        aliases: &["nvidia-a100", "nvidia-tesla-a100", "a100-40gb"],
        products: &["NVIDIA-A100-SXM4-40GB", "NVIDIA-A100-PCIE-40GB"],
        display: "NVIDIA A100 40GB",
        mig_profiles: &[
            "1g.5gb", "1g.10gb", "2g.10gb", "3g.20gb", "4g.20gb", "7g.40gb",
        ],
        gke: &["nvidia-tesla-a100"],
        karpenter: Some(("a100", Some("40960"))),
        aks_sizes: &["Standard_ND96asr_v4"],
    },
    GpuModel {
        short: "a100-80gb",
        aliases: &["nvidia-a100-80gb"],
        products: &["NVIDIA-A100-SXM4-80GB", "NVIDIA-A100-80GB-PCIe"],
        display: "NVIDIA A100 80GB",
        mig_profiles: &[
            "1g.10gb", "1g.20gb", "2g.20gb", "3g.40gb", "4g.40gb", "7g.80gb",
        ],
        gke: &["nvidia-a100-80gb"],
        karpenter: Some(("a100", Some("81920"))),
        aks_sizes: &[
            "Standard_NC24ads_A100_v4",
            "Standard_NC48ads_A100_v4",
            "Standard_NC96ads_A100_v4",
            "Standard_ND96amsr_A100_v4",
        ],
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
        mig_profiles: &[
            "1g.10gb", "1g.20gb", "2g.20gb", "3g.40gb", "4g.40gb", "7g.80gb",
        ],
        gke: &["nvidia-h100-80gb", "nvidia-h100-mega-80gb"],
        karpenter: Some(("h100", None)),
        aks_sizes: &[
            "Standard_NC40ads_H100_v5",
            "Standard_NC80adis_H100_v5",
            "Standard_ND96isr_H100_v5",
        ],
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
        mig_profiles: &[
            "1g.18gb", "1g.35gb", "2g.35gb", "3g.71gb", "4g.71gb", "7g.141gb",
        ],
        gke: &["nvidia-h200-141gb"],
        karpenter: Some(("h200", None)),
        aks_sizes: &["Standard_ND96isr_H200_v5"],
    },
    GpuModel {
        short: "h20",
        aliases: &["nvidia-h20"],
        products: &["NVIDIA-H20"],
        display: "NVIDIA H20",
        ..GFD_ONLY
    },
    GpuModel {
        short: "gh200",
        aliases: &["nvidia-gh200", "nvidia-gh200-480gb"],
        products: &["NVIDIA-GH200-480GB"],
        display: "NVIDIA GH200",
        ..GFD_ONLY
    },
    GpuModel {
        short: "b200",
        aliases: &["nvidia-b200"],
        products: &["NVIDIA-B200"],
        display: "NVIDIA B200",
        mig_profiles: &[
            "1g.23gb", "1g.45gb", "2g.45gb", "3g.90gb", "4g.90gb", "7g.180gb",
        ],
        gke: &["nvidia-b200"],
        karpenter: Some(("b200", None)),
        ..GFD_ONLY
    },
    GpuModel {
        short: "gb200",
        aliases: &["nvidia-gb200"],
        products: &["NVIDIA-GB200"],
        display: "NVIDIA GB200",
        gke: &["nvidia-gb200"],
        ..GFD_ONLY
    },
    GpuModel {
        short: "rtx-pro-6000",
        aliases: &["nvidia-rtx-pro-6000"],
        products: &["NVIDIA-RTX-PRO-6000-Blackwell-Server-Edition"],
        display: "NVIDIA RTX PRO 6000 Blackwell",
        gke: &["nvidia-rtx-pro-6000"],
        ..GFD_ONLY
    },
    GpuModel {
        short: "rtx-6000-ada",
        aliases: &["nvidia-rtx-6000-ada"],
        products: &["NVIDIA-RTX-6000-Ada-Generation"],
        display: "NVIDIA RTX 6000 Ada",
        ..GFD_ONLY
    },
    GpuModel {
        short: "l40",
        aliases: &["nvidia-l40"],
        products: &["NVIDIA-L40"],
        display: "NVIDIA L40",
        ..GFD_ONLY
    },
    GpuModel {
        short: "a40",
        aliases: &["nvidia-a40"],
        products: &["NVIDIA-A40"],
        display: "NVIDIA A40",
        ..GFD_ONLY
    },
    GpuModel {
        short: "a30",
        aliases: &["nvidia-a30"],
        products: &["NVIDIA-A30"],
        display: "NVIDIA A30",
        mig_profiles: &["1g.6gb", "2g.12gb", "4g.24gb"],
        ..GFD_ONLY
    },
    GpuModel {
        short: "a10",
        aliases: &["nvidia-a10"],
        products: &["NVIDIA-A10"],
        display: "NVIDIA A10",
        ..GFD_ONLY
    },
    GpuModel {
        short: "l4",
        aliases: &["nvidia-l4"],
        products: &["NVIDIA-L4"],
        display: "NVIDIA L4",
        gke: &["nvidia-l4"],
        karpenter: Some(("l4", None)),
        ..GFD_ONLY
    },
    GpuModel {
        short: "l40s",
        aliases: &["nvidia-l40s"],
        products: &["NVIDIA-L40S"],
        display: "NVIDIA L40S",
        karpenter: Some(("l40s", None)),
        ..GFD_ONLY
    },
    GpuModel {
        short: "t4",
        aliases: &["nvidia-t4", "nvidia-tesla-t4"],
        products: &["Tesla-T4"],
        display: "NVIDIA T4",
        gke: &["nvidia-tesla-t4"],
        karpenter: Some(("t4", None)),
        aks_sizes: &[
            "Standard_NC4as_T4_v3",
            "Standard_NC8as_T4_v3",
            "Standard_NC16as_T4_v3",
            "Standard_NC64as_T4_v3",
        ],
        ..GFD_ONLY
    },
    GpuModel {
        short: "a10g",
        aliases: &["nvidia-a10g"],
        products: &["NVIDIA-A10G"],
        display: "NVIDIA A10G",
        karpenter: Some(("a10g", None)),
        ..GFD_ONLY
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
        gke: &["nvidia-tesla-v100"],
        karpenter: Some(("v100", None)),
        aks_sizes: &["Standard_NC6s_v3", "Standard_NC12s_v3", "Standard_NC24s_v3"],
        ..GFD_ONLY
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
    /// The `nvidia.com/gpu.product` values of whole, unshared GPUs of this model (node
    /// affinity cannot match prefixes; MIG slices and time-sliced GPUs are left out).
    pub fn product_values(&self) -> Vec<String> {
        self.products.iter().map(|p| (*p).to_string()).collect()
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

/// How MIG slices are advertised: GPU Feature Discovery's `migStrategy`.
#[derive(JsonSchema, Serialize, Deserialize, Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum MigStrategy {
    /// The product label carries the slice (`NVIDIA-A100-SXM4-40GB-MIG-1g.5gb`), the
    /// resource stays `nvidia.com/gpu` (also GKE's partitioned node pools).
    #[default]
    Single,
    /// Each profile is its own resource (`nvidia.com/mig-1g.10gb`); the node says
    /// `nvidia.com/mig.strategy=mixed`.
    Mixed,
}

/// Whether a time-sliced GPU is acceptable.
#[derive(JsonSchema, Serialize, Deserialize, Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum GpuSharing {
    /// Whole GPUs only: never a MIG slice or a time-sliced replica.
    #[default]
    Exclusive,
    /// A time-sliced replica (`nvidia.com/gpu.shared`, product `<product>-SHARED`: the
    /// device plugin's sharing with `renameByDefault: true`).
    Shared,
}

/// How the pod gets its GPUs.
#[derive(JsonSchema, Serialize, Deserialize, Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum GpuAllocation {
    /// The device plugin's extended resource (`nvidia.com/gpu` ...) and node labels.
    #[default]
    DevicePlugin,
    /// Dynamic Resource Allocation (`resource.k8s.io/v1`): a ResourceClaimTemplate asks a
    /// DeviceClass for devices by their attributes; the scheduler allocates them from the
    /// ResourceSlices the DRA driver publishes. No GPU Feature Discovery labels needed.
    Dra,
}

/// The NVIDIA DRA driver's name, the attribute domain of its devices, and the DeviceClass
/// its chart installs for whole GPUs.
pub const DRA_GPU_DRIVER: &str = "gpu.nvidia.com";
/// The DRA driver's attribute with the NVML product name (`NVIDIA H100 80GB HBM3`).
pub const DRA_PRODUCT_ATTRIBUTE: &str = "productName";
/// The DRA driver's device type attribute: `gpu` for a whole GPU, `mig` for a slice.
pub const DRA_TYPE_ATTRIBUTE: &str = "type";
/// The request (and pod claim) name of a Performer's GPUs through DRA.
pub const DRA_CLAIM_NAME: &str = "gpu";

/// A GPU request through DRA: `count` whole GPUs of the DeviceClass whose product is one
/// of `products`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DraGpuClaim {
    pub device_class: String,
    pub count: i32,
    /// NVML product names: GFD's product label with its `-` back to spaces.
    pub products: Vec<String>,
}

impl DraGpuClaim {
    /// The CEL selector of the ResourceClaimTemplate's request: the product, and never a
    /// MIG slice (a device without a `type` attribute is taken as whole).
    pub fn cel(&self) -> String {
        let d = format!("device.attributes[\"{DRA_GPU_DRIVER}\"]");
        let products = self
            .products
            .iter()
            .map(|p| format!("\"{p}\""))
            .collect::<Vec<_>>()
            .join(", ");
        format!(
            "{d}.{DRA_PRODUCT_ATTRIBUTE} in [{products}] && (!has({d}.{DRA_TYPE_ATTRIBUTE}) || {d}.{DRA_TYPE_ATTRIBUTE} == \"gpu\")"
        )
    }

    /// Whether a published device of `driver` matches [`Self::cel`] (the simulator's copy).
    pub fn matches(&self, driver: &str, attributes: &BTreeMap<String, String>) -> bool {
        let attr = |name: &str| {
            attributes
                .get(name)
                .or_else(|| attributes.get(&format!("{DRA_GPU_DRIVER}/{name}")))
        };
        driver == DRA_GPU_DRIVER
            && attr(DRA_PRODUCT_ATTRIBUTE).is_some_and(|p| self.products.contains(p))
            && attr(DRA_TYPE_ATTRIBUTE).is_none_or(|t| t == "gpu")
    }
}

/// The NVML product name behind a GFD product label value (GFD writes spaces as `-`).
pub fn nvml_product(gfd_product: &str) -> String {
    gfd_product.replace('-', " ")
}

/// A GPU request as the renderer, the simulator and the doctor read it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct GpuRequest<'a> {
    pub selector: GpuSelector<'a>,
    pub count: i32,
    /// A MIG profile (`1g.10gb`), when a slice is asked for.
    pub partition: Option<&'a str>,
    pub mig_strategy: MigStrategy,
    pub sharing: GpuSharing,
    /// A VM-based TEE through its Kata runtime class: the GPU is passed into the
    /// confidential VM (`nvidia.com/pgpu`).
    pub confidential: Option<TeeType>,
    pub allocation: GpuAllocation,
    /// The DeviceClass of a DRA request ([`DRA_GPU_DRIVER`] when not given).
    pub device_class: Option<&'a str>,
}

/// What a [`GpuRequest`] becomes in a pod.
#[derive(Debug, Clone, PartialEq)]
pub struct GpuPlacement {
    /// The extended resource and how many.
    pub resource: String,
    pub count: i32,
    /// Required node affinity: any one term (each an AND of requirements).
    pub terms: Vec<Vec<NodeSelectorRequirement>>,
    /// The runtime class a confidential GPU needs.
    pub runtime_class: Option<&'static str>,
}

fn req(key: &str, op: &str, values: &[&str]) -> NodeSelectorRequirement {
    NodeSelectorRequirement {
        key: key.into(),
        operator: op.into(),
        values: (!values.is_empty()).then(|| values.iter().map(|v| (*v).to_string()).collect()),
    }
}

fn req_in(key: &str, values: Vec<String>) -> NodeSelectorRequirement {
    NodeSelectorRequirement {
        key: key.into(),
        operator: "In".into(),
        values: Some(values),
    }
}

impl GpuModel {
    /// Terms matching whole, unshared GPUs of this model on nodes without GPU Feature
    /// Discovery: GKE, Karpenter on AWS, AKS. Each excludes nodes with a GFD product label
    /// (GFD's term decides there) and GKE's partitioned or shared pools.
    pub fn cloud_terms(&self) -> Vec<Vec<NodeSelectorRequirement>> {
        let no_gfd = req(GPU_PRODUCT_LABEL, "DoesNotExist", &[]);
        let mut terms = Vec::new();
        if !self.gke.is_empty() {
            terms.push(vec![
                req(GKE_ACCELERATOR_LABEL, "In", self.gke),
                req(GKE_PARTITION_LABEL, "DoesNotExist", &[]),
                req(GKE_SHARING_LABEL, "DoesNotExist", &[]),
                no_gfd.clone(),
            ]);
        }
        if let Some((name, memory)) = self.karpenter {
            let mut term = vec![
                req(KARPENTER_GPU_MANUFACTURER_LABEL, "In", &["nvidia"]),
                req(KARPENTER_GPU_NAME_LABEL, "In", &[name]),
            ];
            if let Some(memory) = memory {
                term.push(req(KARPENTER_GPU_MEMORY_LABEL, "In", &[memory]));
            }
            term.push(no_gfd.clone());
            terms.push(term);
        }
        if !self.aks_sizes.is_empty() {
            terms.push(vec![
                req(AKS_ACCELERATOR_LABEL, "In", &["nvidia"]),
                req(INSTANCE_TYPE_LABEL, "In", self.aks_sizes),
                no_gfd,
            ]);
        }
        terms
    }
}

/// Every MIG profile of the table, sorted and deduplicated (the CRD's list).
pub fn all_mig_profiles() -> Vec<&'static str> {
    let mut all: Vec<&'static str> = GPU_MODELS
        .iter()
        .flat_map(|m| m.mig_profiles.iter().copied())
        .collect();
    all.sort_unstable();
    all.dedup();
    all
}

/// `mig-1g.10gb` or `1g.10gb` as the profile `1g.10gb`.
pub fn parse_partition(text: &str) -> &str {
    text.strip_prefix("mig-").unwrap_or(text)
}

impl GpuRequest<'_> {
    /// The short name or raw product, for messages.
    pub fn name(&self) -> String {
        match self.selector {
            GpuSelector::Known(m) => m.short.to_string(),
            GpuSelector::RawProduct(raw) => raw.to_string(),
        }
    }

    /// The DRA claim of the request; None when it goes through the device plugin. MIG
    /// slices, time-sliced and confidential GPUs go through the device plugin only.
    pub fn dra_claim(&self) -> Result<Option<DraGpuClaim>, String> {
        if self.allocation != GpuAllocation::Dra {
            return Ok(None);
        }
        if self.count < 1 {
            return Err(format!(
                "gpuCount must be at least 1 for gpuType {}",
                self.name()
            ));
        }
        let unsupported = if self.partition.is_some() {
            Some("a MIG slice")
        } else if self.sharing == GpuSharing::Shared {
            Some("a shared GPU")
        } else if self.confidential.is_some() {
            Some("a confidential GPU")
        } else {
            None
        };
        if let Some(what) = unsupported {
            return Err(format!(
                "{what} is requested through the device plugin: use gpuAllocation DevicePlugin"
            ));
        }
        let products = match self.selector {
            GpuSelector::Known(m) => m.products.iter().map(|p| nvml_product(p)).collect(),
            GpuSelector::RawProduct(raw) => vec![nvml_product(raw)],
        };
        Ok(Some(DraGpuClaim {
            device_class: self.device_class.unwrap_or(DRA_GPU_DRIVER).to_string(),
            count: self.count,
            products,
        }))
    }

    /// The resource, count, node affinity terms and runtime class the request needs.
    pub fn placement(&self) -> Result<GpuPlacement, String> {
        if self.count < 1 {
            return Err(format!(
                "gpuCount must be at least 1 for gpuType {}",
                self.name()
            ));
        }
        let products: Vec<String> = match self.selector {
            GpuSelector::Known(m) => m.product_values(),
            GpuSelector::RawProduct(raw) => vec![raw.to_string()],
        };
        let model = match self.selector {
            GpuSelector::Known(m) => Some(m),
            GpuSelector::RawProduct(_) => None,
        };
        let placement = |resource: &str, terms| GpuPlacement {
            resource: resource.to_string(),
            count: self.count,
            terms,
            runtime_class: None,
        };
        if let Some(profile) = self.partition {
            let model = model.ok_or("a MIG slice needs a known gpuType, not a raw product")?;
            if !model.mig_profiles.contains(&profile) {
                return Err(mig_profile_error(model, profile));
            }
            return Ok(match self.mig_strategy {
                MigStrategy::Single => {
                    let sliced = products
                        .iter()
                        .map(|p| format!("{p}-MIG-{profile}"))
                        .collect();
                    let mut terms = vec![vec![req_in(GPU_PRODUCT_LABEL, sliced)]];
                    if !model.gke.is_empty() {
                        terms.push(vec![
                            req(GKE_ACCELERATOR_LABEL, "In", model.gke),
                            req(GKE_PARTITION_LABEL, "In", &[profile]),
                            req(GPU_PRODUCT_LABEL, "DoesNotExist", &[]),
                        ]);
                    }
                    placement(GPU_RESOURCE, terms)
                }
                MigStrategy::Mixed => placement(
                    &format!("{MIG_RESOURCE_PREFIX}{profile}"),
                    vec![vec![
                        req_in(GPU_PRODUCT_LABEL, products),
                        req(MIG_STRATEGY_LABEL, "In", &["mixed"]),
                    ]],
                ),
            });
        }
        if self.sharing == GpuSharing::Shared {
            let shared = products
                .iter()
                .map(|p| format!("{p}{SHARED_SUFFIX}"))
                .collect();
            return Ok(placement(
                GPU_SHARED_RESOURCE,
                vec![vec![req_in(GPU_PRODUCT_LABEL, shared)]],
            ));
        }
        if let Some(tee) = self.confidential {
            let class = tee
                .profile()
                .confidential_gpu_runtime_class
                .ok_or_else(|| format!("no confidential GPU runtime class for {tee}"))?;
            return Ok(GpuPlacement {
                runtime_class: Some(class),
                ..placement(
                    PGPU_RESOURCE,
                    vec![vec![
                        req_in(GPU_PRODUCT_LABEL, products),
                        req(CC_READY_LABEL, "In", &["true"]),
                    ]],
                )
            });
        }
        let mut terms = vec![vec![req_in(GPU_PRODUCT_LABEL, products)]];
        terms.extend(model.map(GpuModel::cloud_terms).unwrap_or_default());
        Ok(placement(GPU_RESOURCE, terms))
    }
}

/// Whether an extended resource is an NVIDIA GPU in one of its forms: whole, a MIG slice
/// (mixed strategy), a time-sliced replica, or a GPU passed into a confidential VM.
pub fn is_gpu_resource(name: &str) -> bool {
    name == GPU_RESOURCE
        || name == GPU_SHARED_RESOURCE
        || name == PGPU_RESOURCE
        || name.starts_with(MIG_RESOURCE_PREFIX)
}

fn mig_profile_error(model: &GpuModel, profile: &str) -> String {
    if model.mig_profiles.is_empty() {
        format!("{} has no MIG slices ({profile} asked for)", model.short)
    } else {
        format!(
            "{profile} is not a MIG profile of {}: use one of {}",
            model.short,
            model.mig_profiles.join(", ")
        )
    }
}

/// Whether one requirement holds for a node's labels (the scheduler's operators).
pub fn requirement_holds(r: &NodeSelectorRequirement, labels: &BTreeMap<String, String>) -> bool {
    let value = labels.get(&r.key);
    let values = r.values.as_deref().unwrap_or_default();
    match r.operator.as_str() {
        "In" => value.is_some_and(|v| values.contains(v)),
        "NotIn" => value.is_none_or(|v| !values.contains(v)),
        "Exists" => value.is_some(),
        "DoesNotExist" => value.is_none(),
        _ => false,
    }
}

/// Whether a node's labels satisfy any of `terms`.
pub fn terms_hold(
    terms: &[Vec<NodeSelectorRequirement>],
    labels: &BTreeMap<String, String>,
) -> bool {
    terms
        .iter()
        .any(|t| t.iter().all(|r| requirement_holds(r, labels)))
}

/// The GPU model a node carries by any label scheme: GFD's product, GKE's accelerator,
/// Karpenter's GPU name (and memory), AKS's VM size.
pub fn node_gpu_model(labels: &BTreeMap<String, String>) -> Option<&'static GpuModel> {
    if let Some(product) = labels.get(GPU_PRODUCT_LABEL) {
        return gpu_model_for_product(product);
    }
    GPU_MODELS.iter().find(|m| {
        let gke = labels.get(GKE_ACCELERATOR_LABEL);
        gke.is_some_and(|a| m.gke.contains(&a.as_str()))
            || m.karpenter.is_some_and(|(name, memory)| {
                labels
                    .get(KARPENTER_GPU_NAME_LABEL)
                    .is_some_and(|n| n == name)
                    && memory.is_none_or(|mem| {
                        labels
                            .get(KARPENTER_GPU_MEMORY_LABEL)
                            .is_none_or(|x| x == mem)
                    })
            })
            || (labels
                .get(AKS_ACCELERATOR_LABEL)
                .is_some_and(|a| a == "nvidia")
                && labels
                    .get(INSTANCE_TYPE_LABEL)
                    .is_some_and(|t| m.aks_sizes.contains(&t.as_str())))
    })
}

/// How a VM-based TEE is reached: a Kata runtime class on a TEE-capable host, or a node that
/// is itself a confidential VM (GKE Confidential nodes, Azure confidential VM node pools).
#[derive(JsonSchema, Serialize, Deserialize, Clone, Copy, Debug, PartialEq, Eq)]
pub enum TeeMode {
    /// The pod runs in a Kata confidential VM (`kata-qemu-tdx` ...) on a host with the TEE.
    RuntimeClass,
    /// The node is a confidential VM: a node selector, no runtime class.
    Node,
}

/// The CEL rule on `gpuPartition`: a MIG profile of some model in the table.
pub fn gpu_partition_cel_rule() -> String {
    let list = all_mig_profiles()
        .iter()
        .map(|p| format!("'{p}'"))
        .collect::<Vec<_>>()
        .join(", ");
    format!("self in [{list}]")
}

/// Message of [`gpu_partition_cel_rule`].
pub fn gpu_partition_cel_message() -> String {
    format!(
        "gpuPartition must be a MIG profile: one of {}",
        all_mig_profiles().join(", ")
    )
}

/// The CEL rule on `hardwareRequirements`: the partition is one of the gpuType's profiles.
pub fn gpu_partition_model_cel_rule() -> String {
    let quoted = |v: &[&str]| {
        v.iter()
            .map(|p| format!("'{p}'"))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let per_model = GPU_MODELS
        .iter()
        .filter(|m| !m.mig_profiles.is_empty())
        .map(|m| {
            let names: Vec<&str> = std::iter::once(m.short)
                .chain(m.aliases.iter().copied())
                .collect();
            format!(
                "(self.gpuType.lowerAscii() in [{}] && self.gpuPartition in [{}])",
                quoted(&names),
                quoted(m.mig_profiles)
            )
        })
        .collect::<Vec<_>>()
        .join(" || ");
    format!("!has(self.gpuPartition) || (has(self.gpuType) && ({per_model}))")
}

/// Message of [`gpu_partition_model_cel_rule`].
pub fn gpu_partition_model_cel_message() -> String {
    let per_model = GPU_MODELS
        .iter()
        .filter(|m| !m.mig_profiles.is_empty())
        .map(|m| format!("{}: {}", m.short, m.mig_profiles.join(", ")))
        .collect::<Vec<_>>()
        .join("; ");
    format!("gpuPartition must be a MIG profile of the gpuType ({per_model})")
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
    /// How the TEE is reached unless `teeMode` says otherwise.
    pub default_mode: TeeMode,
    /// `teeMode: Node`: labels of nodes that are themselves confidential VMs of this type
    /// (any one term; each an AND of labels).
    pub node_terms: &'static [&'static [(&'static str, &'static str)]],
    /// Kata runtime class of a confidential VM with an NVIDIA GPU passed in (NVIDIA CC).
    pub confidential_gpu_runtime_class: Option<&'static str>,
    /// Resources Intel's SGX webhook adds itself to a pod annotated with
    /// `sgx.intel.com/quote-provider` (so hgctl does not request them then).
    pub webhook_adds: &'static [&'static str],
}

/// GKE Confidential nodes: `SEV`, `SEV_SNP` or `TDX`.
pub const GKE_CONFIDENTIAL_LABEL: &str = "cloud.google.com/gke-confidential-nodes-instance-type";
/// AKS: `ConfidentialVM` on confidential VM node pools (AMD SEV-SNP sizes).
pub const AKS_SECURITY_TYPE_LABEL: &str = "kubernetes.azure.com/security-type";
/// NFD inside a TDX guest (a node that is a trust domain).
pub const NFD_TDX_GUEST_LABEL: &str = "feature.node.kubernetes.io/cpu-security.tdx.protected";
/// Intel's recommended SGX route: the webhook adds the enclave/provision resources and the
/// quote provider's socket to a pod with this annotation.
pub const SGX_QUOTE_PROVIDER_ANNOTATION: &str = "sgx.intel.com/quote-provider";
/// SGX enclave page cache, asked for in bytes.
pub const SGX_EPC_RESOURCE: &str = "sgx.intel.com/epc";

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
        default_mode: TeeMode::Node,
        node_terms: &[],
        confidential_gpu_runtime_class: None,
        webhook_adds: &["sgx.intel.com/enclave", "sgx.intel.com/provision"],
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
        default_mode: TeeMode::RuntimeClass,
        node_terms: &[
            &[(GKE_CONFIDENTIAL_LABEL, "TDX")],
            &[(NFD_TDX_GUEST_LABEL, "true")],
        ],
        confidential_gpu_runtime_class: Some("kata-qemu-nvidia-gpu-tdx"),
        webhook_adds: &[],
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
        default_mode: TeeMode::RuntimeClass,
        node_terms: &[
            &[(GKE_CONFIDENTIAL_LABEL, "SEV_SNP")],
            &[(AKS_SECURITY_TYPE_LABEL, "ConfidentialVM")],
        ],
        confidential_gpu_runtime_class: Some("kata-qemu-nvidia-gpu-snp"),
        webhook_adds: &[],
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
        default_mode: TeeMode::RuntimeClass,
        node_terms: &[&[(GKE_CONFIDENTIAL_LABEL, "SEV")]],
        confidential_gpu_runtime_class: None,
        webhook_adds: &[],
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

/// A TEE request as the renderer, the simulator and the doctor read it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TeeRequest<'a> {
    pub tee: TeeType,
    /// `None`: the TEE type's default.
    pub mode: Option<TeeMode>,
    /// SGX: the quote provider the Intel webhook wires up (`aesmd`, or a container name).
    pub quote_provider: Option<&'a str>,
    /// SGX: the user's own `sgx.intel.com/epc` quantity, kept when set.
    pub epc: Option<&'a str>,
}

/// What a [`TeeRequest`] becomes in a pod.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct TeePlacement {
    pub resources: Vec<(String, String)>,
    /// Required node affinity: any one term.
    pub terms: Vec<Vec<NodeSelectorRequirement>>,
    pub runtime_class: Option<&'static str>,
    pub annotations: BTreeMap<String, String>,
}

/// EPC size when the spec gives none.
pub const DEFAULT_EPC: &str = "64Mi";

impl TeeRequest<'_> {
    pub fn mode(&self) -> TeeMode {
        self.mode.unwrap_or(self.tee.profile().default_mode)
    }

    pub fn placement(&self) -> Result<TeePlacement, String> {
        let profile = self.tee.profile();
        let mode = self.mode();
        let mut out = TeePlacement::default();
        if self.tee == TeeType::Sgx && mode == TeeMode::RuntimeClass {
            return Err("sgx runs in process enclaves: teeMode RuntimeClass does not apply".into());
        }
        if self.quote_provider.is_some() && self.tee != TeeType::Sgx {
            return Err(format!("sgxQuoteProvider applies to sgx, not {}", self.tee));
        }
        if mode == TeeMode::Node && self.tee != TeeType::Sgx {
            out.terms = profile
                .node_terms
                .iter()
                .map(|t| t.iter().map(|(k, v)| req(k, "In", &[v])).collect())
                .collect();
            return Ok(out);
        }
        for (resource, quantity) in profile.resources {
            if self.quote_provider.is_some() && profile.webhook_adds.contains(resource) {
                continue;
            }
            let quantity = match self.epc {
                Some(epc) if *resource == SGX_EPC_RESOURCE => epc,
                _ => quantity,
            };
            out.resources.push(((*resource).into(), quantity.into()));
        }
        if let Some(provider) = self.quote_provider {
            out.annotations
                .insert(SGX_QUOTE_PROVIDER_ANNOTATION.into(), provider.into());
        }
        if let Some((key, value)) = profile.node_labels.first() {
            out.terms = vec![vec![req(key, "In", &[value])]];
        }
        out.runtime_class = profile.runtime_class;
        Ok(out)
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
    fn product_values_are_whole_unshared_gpus_only() {
        let values = gpu_model("l4").unwrap().product_values();
        assert_eq!(values, vec!["NVIDIA-L4"]);
    }

    fn labels(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| ((*k).to_string(), (*v).to_string()))
            .collect()
    }

    fn gpu(model: &str) -> GpuRequest<'static> {
        GpuRequest {
            selector: GpuSelector::Known(gpu_model(model).unwrap()),
            count: 1,
            partition: None,
            mig_strategy: MigStrategy::Single,
            sharing: GpuSharing::Exclusive,
            confidential: None,
            allocation: GpuAllocation::DevicePlugin,
            device_class: None,
        }
    }

    #[test]
    fn a_dra_claim_asks_for_whole_gpus_of_the_model_by_their_nvml_names() {
        let mut request = gpu("a100");
        assert_eq!(request.dra_claim(), Ok(None), "device plugin by default");
        request.allocation = GpuAllocation::Dra;
        request.count = 2;
        let claim = request.dra_claim().unwrap().unwrap();
        assert_eq!(claim.device_class, DRA_GPU_DRIVER);
        assert_eq!(claim.count, 2);
        assert_eq!(
            claim.products,
            ["NVIDIA A100 SXM4 40GB", "NVIDIA A100 PCIE 40GB"]
        );
        let attrs = |product: &str, kind: Option<&str>| {
            let mut m = BTreeMap::from([("productName".to_string(), product.to_string())]);
            if let Some(kind) = kind {
                m.insert("type".into(), kind.into());
            }
            m
        };
        assert!(claim.matches(DRA_GPU_DRIVER, &attrs("NVIDIA A100 SXM4 40GB", Some("gpu"))));
        assert!(claim.matches(DRA_GPU_DRIVER, &attrs("NVIDIA A100 SXM4 40GB", None)));
        assert!(!claim.matches(DRA_GPU_DRIVER, &attrs("NVIDIA A100 SXM4 40GB", Some("mig"))));
        assert!(!claim.matches(DRA_GPU_DRIVER, &attrs("NVIDIA A100 SXM4 80GB", Some("gpu"))));
        assert!(!claim.matches("gpu.amd.com", &attrs("NVIDIA A100 SXM4 40GB", Some("gpu"))));
        assert_eq!(
            claim.cel(),
            "device.attributes[\"gpu.nvidia.com\"].productName in [\"NVIDIA A100 SXM4 40GB\", \"NVIDIA A100 PCIE 40GB\"] && (!has(device.attributes[\"gpu.nvidia.com\"].type) || device.attributes[\"gpu.nvidia.com\"].type == \"gpu\")"
        );
        request.device_class = Some("a100.example.com");
        assert_eq!(
            request.dra_claim().unwrap().unwrap().device_class,
            "a100.example.com"
        );
        for refused in [
            GpuRequest {
                partition: Some("1g.5gb"),
                ..request
            },
            GpuRequest {
                sharing: GpuSharing::Shared,
                ..request
            },
            GpuRequest {
                confidential: Some(TeeType::Tdx),
                ..request
            },
        ] {
            assert!(refused.dra_claim().unwrap_err().contains("DevicePlugin"));
        }
    }

    fn lands(request: &GpuRequest<'_>, node: &[(&str, &str)]) -> bool {
        terms_hold(&request.placement().unwrap().terms, &labels(node))
    }

    const GFD_A100: &[(&str, &str)] = &[(GPU_PRODUCT_LABEL, "NVIDIA-A100-SXM4-40GB")];
    const MIG_SINGLE_A100: &[(&str, &str)] = &[
        (GPU_PRODUCT_LABEL, "NVIDIA-A100-SXM4-40GB-MIG-1g.5gb"),
        (MIG_STRATEGY_LABEL, "single"),
        (KARPENTER_GPU_MANUFACTURER_LABEL, "nvidia"),
        (KARPENTER_GPU_NAME_LABEL, "a100"),
    ];
    const MIG_MIXED_A100: &[(&str, &str)] = &[
        (GPU_PRODUCT_LABEL, "NVIDIA-A100-SXM4-40GB"),
        (MIG_STRATEGY_LABEL, "mixed"),
    ];
    const SHARED_L4: &[(&str, &str)] = &[(GPU_PRODUCT_LABEL, "NVIDIA-L4-SHARED")];
    const GKE_L4: &[(&str, &str)] = &[(GKE_ACCELERATOR_LABEL, "nvidia-l4")];
    const GKE_A100_MIG: &[(&str, &str)] = &[
        (GKE_ACCELERATOR_LABEL, "nvidia-tesla-a100"),
        (GKE_PARTITION_LABEL, "1g.5gb"),
    ];
    const GKE_T4_SHARED: &[(&str, &str)] = &[
        (GKE_ACCELERATOR_LABEL, "nvidia-tesla-t4"),
        (GKE_SHARING_LABEL, "time-sharing"),
    ];
    const KARPENTER_L40S: &[(&str, &str)] = &[
        (KARPENTER_GPU_MANUFACTURER_LABEL, "nvidia"),
        (KARPENTER_GPU_NAME_LABEL, "l40s"),
    ];
    const KARPENTER_A100_80: &[(&str, &str)] = &[
        (KARPENTER_GPU_MANUFACTURER_LABEL, "nvidia"),
        (KARPENTER_GPU_NAME_LABEL, "a100"),
        (KARPENTER_GPU_MEMORY_LABEL, "81920"),
    ];
    const AKS_T4: &[(&str, &str)] = &[
        (AKS_ACCELERATOR_LABEL, "nvidia"),
        (INSTANCE_TYPE_LABEL, "Standard_NC8as_T4_v3"),
    ];

    #[test]
    fn whole_gpus_match_every_label_scheme_but_never_a_slice_or_a_share() {
        let a100 = gpu("a100");
        assert!(lands(&a100, GFD_A100));
        assert!(
            !lands(&a100, MIG_SINGLE_A100),
            "a MIG slice is not a whole GPU"
        );
        assert!(
            lands(&a100, MIG_MIXED_A100),
            "mixed: whole GPUs are counted by the resource"
        );
        assert!(!lands(&a100, GKE_A100_MIG));
        assert!(
            !lands(&a100, KARPENTER_A100_80),
            "80 GB by Karpenter's memory label"
        );
        assert!(lands(&gpu("a100-80gb"), KARPENTER_A100_80));
        let l4 = gpu("l4");
        assert!(lands(&l4, GKE_L4));
        assert!(!lands(&l4, SHARED_L4), "sharing is opt-in");
        assert!(!lands(&gpu("t4"), GKE_T4_SHARED));
        assert!(lands(&gpu("t4"), AKS_T4));
        assert!(lands(&gpu("l40s"), KARPENTER_L40S));
        assert!(!lands(&gpu("l4"), KARPENTER_L40S));
        let whole = a100.placement().unwrap();
        assert_eq!(whole.resource, GPU_RESOURCE);
        assert_eq!(whole.terms.len(), 4, "GFD, GKE, Karpenter, AKS");
        assert_eq!(whole.runtime_class, None);
    }

    #[test]
    fn mig_slices_map_to_both_strategies() {
        let single = GpuRequest {
            partition: Some("1g.5gb"),
            count: 2,
            ..gpu("a100")
        };
        let p = single.placement().unwrap();
        assert_eq!((p.resource.as_str(), p.count), (GPU_RESOURCE, 2));
        assert!(lands(&single, MIG_SINGLE_A100));
        assert!(lands(&single, GKE_A100_MIG));
        assert!(!lands(&single, GFD_A100));
        assert!(!lands(&single, MIG_MIXED_A100));
        let mixed = GpuRequest {
            mig_strategy: MigStrategy::Mixed,
            ..single
        };
        assert_eq!(mixed.placement().unwrap().resource, "nvidia.com/mig-1g.5gb");
        assert!(lands(&mixed, MIG_MIXED_A100));
        assert!(!lands(&mixed, MIG_SINGLE_A100));
        assert!(!lands(&mixed, GFD_A100), "not a mixed-strategy node");
        let wrong = GpuRequest {
            partition: Some("1g.10gb"),
            ..gpu("a30")
        };
        let err = wrong.placement().unwrap_err();
        assert!(err.contains("1g.6gb, 2g.12gb, 4g.24gb"), "{err}");
        let none = GpuRequest {
            partition: Some("1g.5gb"),
            ..gpu("l4")
        };
        assert!(none.placement().unwrap_err().contains("no MIG slices"));
    }

    #[test]
    fn a_shared_gpu_is_a_time_sliced_replica() {
        let shared = GpuRequest {
            sharing: GpuSharing::Shared,
            ..gpu("l4")
        };
        let p = shared.placement().unwrap();
        assert_eq!(p.resource, GPU_SHARED_RESOURCE);
        assert!(lands(&shared, SHARED_L4));
        for gpu in [
            GPU_RESOURCE,
            GPU_SHARED_RESOURCE,
            PGPU_RESOURCE,
            "nvidia.com/mig-1g.5gb",
        ] {
            assert!(is_gpu_resource(gpu), "{gpu}");
        }
        assert!(!is_gpu_resource("sgx.intel.com/epc"));
        assert!(!lands(&shared, &[(GPU_PRODUCT_LABEL, "NVIDIA-L4")]));
    }

    #[test]
    fn a_confidential_gpu_runs_in_the_tees_kata_vm() {
        let cgpu = GpuRequest {
            confidential: Some(TeeType::Tdx),
            ..gpu("h100")
        };
        let p = cgpu.placement().unwrap();
        assert_eq!(p.resource, PGPU_RESOURCE);
        assert_eq!(p.runtime_class, Some("kata-qemu-nvidia-gpu-tdx"));
        assert!(lands(
            &cgpu,
            &[
                (GPU_PRODUCT_LABEL, "NVIDIA-H100-80GB-HBM3"),
                (CC_READY_LABEL, "true")
            ]
        ));
        assert!(!lands(
            &cgpu,
            &[(GPU_PRODUCT_LABEL, "NVIDIA-H100-80GB-HBM3")]
        ));
        assert_eq!(
            TeeType::SevSnp.profile().confidential_gpu_runtime_class,
            Some("kata-qemu-nvidia-gpu-snp")
        );
    }

    #[test]
    fn node_gpu_model_reads_every_scheme() {
        let model = |l: &[(&str, &str)]| node_gpu_model(&labels(l)).map(|m| m.short);
        assert_eq!(model(GFD_A100), Some("a100"));
        assert_eq!(model(GKE_L4), Some("l4"));
        assert_eq!(model(KARPENTER_A100_80), Some("a100-80gb"));
        assert_eq!(model(AKS_T4), Some("t4"));
        assert_eq!(model(&[("kubernetes.io/os", "linux")]), None);
    }

    fn tee(t: TeeType) -> TeeRequest<'static> {
        TeeRequest {
            tee: t,
            mode: None,
            quote_provider: None,
            epc: None,
        }
    }

    #[test]
    fn sgx_requests_device_resources_or_leaves_them_to_intels_webhook() {
        let plain = tee(TeeType::Sgx).placement().unwrap();
        assert_eq!(
            plain.resources,
            vec![
                ("sgx.intel.com/epc".to_string(), "64Mi".to_string()),
                ("sgx.intel.com/enclave".into(), "1".into()),
                ("sgx.intel.com/provision".into(), "1".into()),
            ]
        );
        assert!(plain.annotations.is_empty());
        let quoted = TeeRequest {
            quote_provider: Some("aesmd"),
            epc: Some("256Mi"),
            ..tee(TeeType::Sgx)
        }
        .placement()
        .unwrap();
        assert_eq!(
            quoted.resources,
            vec![("sgx.intel.com/epc".to_string(), "256Mi".to_string())]
        );
        assert_eq!(quoted.annotations[SGX_QUOTE_PROVIDER_ANNOTATION], "aesmd");
        assert_eq!(quoted.runtime_class, None);
        assert!(
            TeeRequest {
                mode: Some(TeeMode::RuntimeClass),
                ..tee(TeeType::Sgx)
            }
            .placement()
            .is_err()
        );
    }

    #[test]
    fn vm_tees_default_to_kata_and_select_confidential_nodes_on_request() {
        for t in [TeeType::Tdx, TeeType::SevSnp, TeeType::Sev] {
            let kata = tee(t).placement().unwrap();
            assert_eq!(kata.runtime_class, t.profile().runtime_class);
            assert_eq!(kata.terms.len(), 1);
            let node = TeeRequest {
                mode: Some(TeeMode::Node),
                ..tee(t)
            }
            .placement()
            .unwrap();
            assert_eq!(node.runtime_class, None, "{t}");
            assert!(node.resources.is_empty());
            assert!(!node.terms.is_empty());
        }
        let snp = TeeRequest {
            mode: Some(TeeMode::Node),
            ..tee(TeeType::SevSnp)
        }
        .placement()
        .unwrap();
        assert!(terms_hold(
            &snp.terms,
            &labels(&[(GKE_CONFIDENTIAL_LABEL, "SEV_SNP")])
        ));
        assert!(terms_hold(
            &snp.terms,
            &labels(&[(AKS_SECURITY_TYPE_LABEL, "ConfidentialVM")])
        ));
        assert!(!terms_hold(
            &snp.terms,
            &labels(&[(GKE_CONFIDENTIAL_LABEL, "TDX")])
        ));
    }

    #[test]
    fn partition_rules_list_the_valid_profiles() {
        let rule = gpu_partition_cel_rule();
        assert!(
            rule.contains("'1g.5gb'") && rule.contains("'7g.141gb'"),
            "{rule}"
        );
        let message = gpu_partition_model_cel_message();
        assert!(
            message.contains("a30: 1g.6gb, 2g.12gb, 4g.24gb"),
            "{message}"
        );
        assert_eq!(parse_partition("mig-1g.10gb"), "1g.10gb");
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
