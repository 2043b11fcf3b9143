//! Column definitions shared by the CRD printer columns and `hgctl get`.

/// How a column's value is typed and shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ColumnKind {
    String,
    Integer,
    Boolean,
    /// A timestamp shown as an age (`5m`, `2d`), like kubectl's `date` columns.
    Age,
}

impl ColumnKind {
    /// The printer-column `type` the API server expects.
    pub fn openapi_type(self) -> &'static str {
        match self {
            Self::String => "string",
            Self::Integer => "integer",
            Self::Boolean => "boolean",
            Self::Age => "date",
        }
    }
}

/// One column of `kubectl get` / `hgctl get`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Column {
    /// Header as kubectl shows it (upper-cased in tables).
    pub name: &'static str,
    /// Simple JSONPath (`.a.b.c`) into the object.
    pub json_path: &'static str,
    pub kind: ColumnKind,
    /// 0: default view; 1: `-o wide` only.
    pub priority: i32,
    pub description: &'static str,
    /// False for hgctl-only wide columns that need more than one object (node, pod).
    pub printer: bool,
}

const fn col(
    name: &'static str,
    json_path: &'static str,
    kind: ColumnKind,
    priority: i32,
    description: &'static str,
) -> Column {
    Column {
        name,
        json_path,
        kind,
        priority,
        description,
        printer: true,
    }
}

/// Columns of Performers.
pub const PERFORMER: &[Column] = &[
    col(
        "AVS",
        ".spec.avsAddress",
        ColumnKind::String,
        0,
        "AVS address",
    ),
    col(
        "Image",
        ".spec.image",
        ColumnKind::String,
        0,
        "Performer image",
    ),
    col(
        "GPU",
        ".spec.hardwareRequirements.gpuType",
        ColumnKind::String,
        0,
        "Requested GPU model",
    ),
    col(
        "Phase",
        ".status.phase",
        ColumnKind::String,
        0,
        "Lifecycle phase",
    ),
    col(
        "Ready",
        ".status.ready",
        ColumnKind::Boolean,
        0,
        "Serving through its Service",
    ),
    col(
        "Endpoint",
        ".status.grpcEndpoint",
        ColumnKind::String,
        0,
        "gRPC endpoint the executor dials",
    ),
    col(
        "Age",
        ".metadata.creationTimestamp",
        ColumnKind::Age,
        0,
        "Time since creation",
    ),
    col(
        "TEE",
        ".spec.hardwareRequirements.teeType",
        ColumnKind::String,
        1,
        "Requested TEE type",
    ),
    col(
        "Pod",
        ".status.podName",
        ColumnKind::String,
        1,
        "Serving pod",
    ),
    col(
        "Ready-Time",
        ".status.readyTime",
        ColumnKind::Age,
        1,
        "Since it last became ready",
    ),
    col(
        "Template",
        ".status.template",
        ColumnKind::String,
        1,
        "Executor template applied, <executor>/<avs>",
    ),
];

/// Columns of HourglassExecutors.
pub const EXECUTOR: &[Column] = &[
    col(
        "Image",
        ".spec.image",
        ColumnKind::String,
        0,
        "Executor image",
    ),
    col(
        "Replicas",
        ".spec.replicas",
        ColumnKind::Integer,
        0,
        "Desired replicas",
    ),
    col(
        "Ready",
        ".status.readyReplicas",
        ColumnKind::Integer,
        0,
        "Ready replicas",
    ),
    col(
        "Phase",
        ".status.phase",
        ColumnKind::String,
        0,
        "Lifecycle phase",
    ),
    col(
        "Age",
        ".metadata.creationTimestamp",
        ColumnKind::Age,
        0,
        "Time since creation",
    ),
    col(
        "Operator",
        ".spec.config.operatorAddress",
        ColumnKind::String,
        1,
        "Operator address",
    ),
    col(
        "Config-Updated",
        ".status.lastConfigUpdate",
        ColumnKind::Age,
        1,
        "Since the config last changed",
    ),
];
