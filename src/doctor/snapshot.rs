//! What doctor read from the cluster. Every list is either the objects or why
//! it is missing (no permission, timeout, error), so a check can say
//! "skipped: no permission to list nodes" instead of failing.

use std::collections::BTreeMap;

use k8s_openapi::api::apps::v1::{Deployment, StatefulSet};
use k8s_openapi::api::coordination::v1::Lease;
use k8s_openapi::api::core::v1::Event;
use k8s_openapi::api::core::v1::{Node, Pod, Service};
use k8s_openapi::api::discovery::v1::EndpointSlice;
use k8s_openapi::api::node::v1::RuntimeClass;
use k8s_openapi::api::resource::v1::{DeviceClass, ResourceClaim, ResourceSlice};
use k8s_openapi::apiextensions_apiserver::pkg::apis::apiextensions::v1::CustomResourceDefinition;
use k8s_openapi::jiff::Timestamp;

use crate::api::{HourglassExecutor, Performer};

/// Why a part of the snapshot is not there.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Missing {
    /// The API said 403: `what` is e.g. "list nodes".
    Forbidden(String),
    /// Timed out or failed: the message says which call and why.
    Failed(String),
    /// Not read in this mode (e.g. `--pre`, or an earlier fatal failure).
    NotGathered,
}

impl Missing {
    /// "no permission to list nodes", "could not list nodes: timed out after 10s".
    pub fn reason(&self) -> String {
        match self {
            Self::Forbidden(what) => format!("no permission to {what}"),
            Self::Failed(msg) => msg.clone(),
            Self::NotGathered => "not read".into(),
        }
    }
}

/// A part of the snapshot.
pub type Gathered<T> = Result<T, Missing>;

/// How to reach the cluster and whether it answered.
#[derive(Debug, Clone, Default)]
pub struct ClusterInfo {
    pub context: Option<String>,
    pub server: String,
    /// `gitVersion` of the API server, e.g. `v1.36.3`.
    pub version: Option<String>,
}

/// A Secret's name and the names of its keys: never its values.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SecretKeys {
    pub namespace: String,
    pub name: String,
    pub keys: Vec<String>,
}

/// An executor's Deployment or StatefulSet, reduced to its rollout.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExecutorWorkload {
    pub namespace: String,
    /// The executor's name (the workload has the same name).
    pub name: String,
    pub kind: &'static str,
    pub desired: i32,
    pub updated: i32,
    pub ready: i32,
    /// The Deployment controller gave up waiting (`Progressing=False ProgressDeadlineExceeded`).
    pub deadline_exceeded: bool,
}

impl ExecutorWorkload {
    pub fn from_deployment(d: &Deployment) -> Self {
        let status = d.status.clone().unwrap_or_default();
        Self {
            namespace: d.metadata.namespace.clone().unwrap_or_default(),
            name: d.metadata.name.clone().unwrap_or_default(),
            kind: "Deployment",
            desired: d.spec.replicas.unwrap_or(1),
            updated: status.updated_replicas.unwrap_or(0),
            ready: status.ready_replicas.unwrap_or(0),
            deadline_exceeded: status.conditions.iter().flatten().any(|c| {
                c.type_.as_deref() == Some("Progressing")
                    && c.status.as_deref() == Some("False")
                    && c.reason.as_deref() == Some("ProgressDeadlineExceeded")
            }),
        }
    }

    pub fn from_stateful_set(s: &StatefulSet) -> Self {
        let status = s.status.clone().unwrap_or_default();
        Self {
            namespace: s.metadata.namespace.clone().unwrap_or_default(),
            name: s.metadata.name.clone().unwrap_or_default(),
            kind: "StatefulSet",
            desired: s.spec.replicas.unwrap_or(1),
            updated: status.updated_replicas.unwrap_or(0),
            ready: status.ready_replicas.unwrap_or(0),
            deadline_exceeded: false,
        }
    }

    /// Every desired replica runs the current template and is ready.
    pub fn rolled_out(&self) -> bool {
        self.updated >= self.desired && self.ready >= self.desired
    }
}

/// One right that `--pre` asks about with a SelfSubjectAccessReview.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Right {
    pub verb: String,
    pub group: String,
    pub resource: String,
    pub namespace: Option<String>,
}

impl Right {
    pub fn describe(&self) -> String {
        let resource = if self.group.is_empty() {
            self.resource.clone()
        } else {
            format!("{}.{}", self.resource, self.group)
        };
        match &self.namespace {
            Some(ns) => format!("{} {resource} in namespace {ns}", self.verb),
            None => format!("{} {resource}", self.verb),
        }
    }
}

/// Everything the checks look at.
#[derive(Debug, Clone)]
pub struct Snapshot {
    pub now: Timestamp,
    /// Namespaces in scope; None means all.
    pub namespace: Option<String>,
    /// `NAME...` given on the command line: only these Performers/executors.
    pub names: Vec<String>,
    /// The kubeconfig and the API server; Err when either is unusable.
    pub cluster: Result<ClusterInfo, String>,
    pub crds: Gathered<Vec<CustomResourceDefinition>>,
    pub nodes: Gathered<Vec<Node>>,
    /// Pods in every namespace when allowed (free GPUs need them), else the scope's.
    pub pods: Gathered<Vec<Pod>>,
    /// Whether `pods` holds every namespace's pods.
    pub pods_cluster_wide: bool,
    pub runtime_classes: Gathered<Vec<RuntimeClass>>,
    /// DRA: the DeviceClasses, the devices drivers publish, and the claims holding them.
    pub device_classes: Gathered<Vec<DeviceClass>>,
    pub resource_slices: Gathered<Vec<ResourceSlice>>,
    pub resource_claims: Gathered<Vec<ResourceClaim>>,
    pub performers: Gathered<Vec<Performer>>,
    pub executors: Gathered<Vec<HourglassExecutor>>,
    pub services: Gathered<Vec<Service>>,
    pub endpoint_slices: Gathered<Vec<EndpointSlice>>,
    /// The Secrets executors name, keys only.
    pub secrets: Gathered<Vec<SecretKeys>>,
    /// Leases named `hgctl-operator`, wherever they were found.
    pub leases: Gathered<Vec<Lease>>,
    /// Deployments named `hgctl-operator`.
    pub operator_deployments: Gathered<Vec<Deployment>>,
    /// The executors' Deployments and StatefulSets (labelled with the executor).
    pub executor_workloads: Gathered<Vec<ExecutorWorkload>>,
    /// Last log lines of crash-looping containers and of executor containers, by `ns/pod`.
    pub logs: BTreeMap<String, Result<String, String>>,
    /// `--pre`: the rights install needs and whether they are granted.
    pub rights: Gathered<Vec<(Right, bool)>>,
    /// The kubelet's `Unhealthy` events (failing probes) of Performer pods that are not Ready.
    pub unhealthy: Gathered<Vec<Event>>,
    /// `--probe`: what a pod in each namespace saw calling the Performers' endpoints.
    pub probes: Gathered<super::probe::ProbeResults>,
}

impl Snapshot {
    /// An empty snapshot of an unreachable cluster; the gatherer fills it in.
    pub fn empty(now: Timestamp) -> Self {
        Self {
            now,
            namespace: None,
            names: Vec::new(),
            cluster: Err("not connected".into()),
            crds: Err(Missing::NotGathered),
            nodes: Err(Missing::NotGathered),
            pods: Err(Missing::NotGathered),
            pods_cluster_wide: false,
            runtime_classes: Err(Missing::NotGathered),
            device_classes: Err(Missing::NotGathered),
            resource_slices: Err(Missing::NotGathered),
            resource_claims: Err(Missing::NotGathered),
            performers: Err(Missing::NotGathered),
            executors: Err(Missing::NotGathered),
            services: Err(Missing::NotGathered),
            endpoint_slices: Err(Missing::NotGathered),
            secrets: Err(Missing::NotGathered),
            leases: Err(Missing::NotGathered),
            operator_deployments: Err(Missing::NotGathered),
            executor_workloads: Err(Missing::NotGathered),
            logs: BTreeMap::new(),
            rights: Err(Missing::NotGathered),
            unhealthy: Err(Missing::NotGathered),
            probes: Err(Missing::NotGathered),
        }
    }

    fn wanted(&self, name: Option<&str>) -> bool {
        self.names.is_empty() || name.is_some_and(|n| self.names.iter().any(|w| w == n))
    }

    /// The Performers the checks are about (scope and `NAME...`).
    pub fn performers_in_scope(&self) -> Vec<&Performer> {
        match &self.performers {
            Ok(list) => list
                .iter()
                .filter(|p| self.wanted(p.metadata.name.as_deref()))
                .collect(),
            Err(_) => Vec::new(),
        }
    }

    /// The HourglassExecutors the checks are about.
    pub fn executors_in_scope(&self) -> Vec<&HourglassExecutor> {
        match &self.executors {
            Ok(list) => list
                .iter()
                .filter(|e| self.wanted(e.metadata.name.as_deref()))
                .collect(),
            Err(_) => Vec::new(),
        }
    }

    /// Pods of one Performer (by the performer label, in its namespace).
    pub fn pods_of(&self, ns: &str, performer: &str) -> Vec<&Pod> {
        let Ok(pods) = &self.pods else {
            return Vec::new();
        };
        pods.iter()
            .filter(|p| p.metadata.namespace.as_deref() == Some(ns))
            .filter(|p| {
                p.metadata
                    .labels
                    .as_ref()
                    .and_then(|l| l.get(crate::render::performer::LABEL_PERFORMER))
                    .is_some_and(|v| v == performer)
            })
            .collect()
    }

    /// Pods of one HourglassExecutor (by the executor label, in its namespace).
    pub fn executor_pods(&self, ns: &str, executor: &str) -> Vec<&Pod> {
        self.pods_in(ns)
            .into_iter()
            .filter(|p| {
                p.metadata
                    .labels
                    .as_ref()
                    .and_then(|l| l.get(crate::render::executor::LABEL_EXECUTOR))
                    .is_some_and(|v| v == executor)
            })
            .collect()
    }

    /// Pods of one namespace.
    pub fn pods_in(&self, ns: &str) -> Vec<&Pod> {
        match &self.pods {
            Ok(pods) => pods
                .iter()
                .filter(|p| p.metadata.namespace.as_deref() == Some(ns))
                .collect(),
            Err(_) => Vec::new(),
        }
    }

    /// The scope in words: "namespace x" or "all namespaces".
    pub fn scope(&self) -> String {
        match &self.namespace {
            Some(ns) => format!("namespace {ns}"),
            None => "all namespaces".into(),
        }
    }
}
