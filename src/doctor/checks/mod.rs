//! The catalog: every check with its ID, category, severity, description and
//! pure evaluation over a [`Snapshot`]. Per-object checks return one finding per
//! Performer/executor/node they looked at. The evaluations live one file per
//! part of the catalog (cluster, install, hardware, performer, executor, and
//! `workload` for the checks over both kinds), each with its tests; the shared
//! helpers are here.

use std::collections::BTreeMap;

use k8s_openapi::api::core::v1::Pod;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;
use k8s_openapi::jiff::SignedDuration;

use super::snapshot::{Missing, Snapshot};
use super::{Category, CheckDef, Finding, Severity, When, executor_object, performer_object};
use crate::api::conditions;
use crate::api::executor::{
    SECRET_KEY_BLS_KEYSTORE, SECRET_KEY_BLS_PASSWORD, SECRET_KEY_ECDSA, SECRET_KEY_OPERATOR,
};
use crate::api::{self, HourglassExecutor, Performer};
use crate::hardware::TeeType;
use crate::reconcile::lease;
use crate::render::performer as render;
use crate::scheduling::{self, Explanation, Usage};

mod cluster;
mod executor;
mod hardware;
mod install;
mod performer;
mod probe;
mod template;
mod workload;

use self::hardware::{
    gpu_free, gpu_model, gpu_nodes, gpu_route, hardware_taints, runtime_class, tee_nodes,
};
use cluster::{cluster_reachable, cluster_version, install_rights};
use executor::{
    config_complete, executor_crash_loop, fatal_log, inline_keys, keys_secret, rollout,
    unused_fields,
};
use install::{controller, crd_version, install_crds, single_controller};
use performer::{
    container_start, crash_loop, endpoints, failing_probes, image_pull, performer_ready, service,
    unschedulable,
};
use probe::in_cluster_probe;
use template::{orphans, template_link, upgrade_blocked};
use workload::{stale_status, stuck_deleting};

const REACHABLE: &str = "cluster.reachable";
const CRDS: &str = "install.crds";
const BASE: &[&str] = &[REACHABLE];
const INSTALLED: &[&str] = &[REACHABLE, CRDS];

macro_rules! check {
    ($id:expr, $cat:ident, $sev:ident, $when:ident, $needs:expr, $desc:expr, $eval:expr) => {
        CheckDef {
            id: $id,
            category: Category::$cat,
            severity: Severity::$sev,
            description: $desc,
            when: When::$when,
            needs: $needs,
            eval: $eval,
        }
    };
}

/// Every check, in report order.
#[rustfmt::skip]
pub const CATALOG: &[CheckDef] = &[
    check!(REACHABLE, Cluster, Fatal, Always, &[], "the kubeconfig resolves and the API server answers", cluster_reachable),
    check!("cluster.version", Cluster, Warning, Always, BASE, "the Kubernetes version is one hgctl supports", cluster_version),
    check!("cluster.install-rights", Cluster, Error, Pre, BASE, "you may create what `hgctl install` creates (SelfSubjectAccessReview)", install_rights),
    check!(CRDS, Installation, Fatal, Installed, BASE, "both CRDs are present and Established", install_crds),
    check!("install.crd-version", Installation, Warning, Installed, INSTALLED, "the installed CRDs serve v1alpha1 with every field this hgctl knows", crd_version),
    check!("install.controller", Installation, Warning, Installed, BASE, "an operator Deployment or a run-local is reconciling", controller),
    check!("install.single-controller", Installation, Warning, Installed, BASE, "at most one hgctl controller holds a lease", single_controller),
    check!("hardware.gpu-nodes", HardwareInventory, Warning, Always, BASE, "GPU nodes advertise allocatable nvidia.com/gpu (device plugin running)", gpu_nodes),
    check!("hardware.gpu-model", HardwareInventory, Error, Installed, INSTALLED, "the GPU model a Performer requests exists on some node", gpu_model),
    check!("hardware.gpu-route", HardwareInventory, Error, Installed, INSTALLED, "a Performer's GPUs come through the device plugin or DRA; through DRA, its DeviceClass exists and some node publishes enough matching devices", gpu_route),
    check!("hardware.gpu-free", HardwareInventory, Error, Installed, INSTALLED, "a node of that model has as many free GPUs as requested", gpu_free),
    check!("hardware.taints", HardwareInventory, Warning, Installed, INSTALLED, "the pod hgctl generates tolerates the taints of the matching nodes", hardware_taints),
    check!("hardware.tee-nodes", HardwareInventory, Error, Installed, INSTALLED, "a node advertises the TEE a Performer requires", tee_nodes),
    check!("hardware.runtime-class", HardwareInventory, Error, Installed, INSTALLED, "the RuntimeClass a Performer needs exists and matches a node", runtime_class),
    check!("workload.performer.ready", Workloads, Warning, Installed, INSTALLED, "the Performer is Ready", performer_ready),
    check!("workload.performer.unschedulable", Workloads, Error, Installed, INSTALLED, "the Performer's pod can be placed on a node", unschedulable),
    check!("workload.performer.image-pull", Workloads, Error, Installed, INSTALLED, "the Performer's image can be pulled", image_pull),
    check!("workload.performer.container-start", Workloads, Error, Installed, INSTALLED, "the kubelet can create and start the Performer's container (config, security, references)", container_start),
    check!("workload.performer.probes", Workloads, Error, Installed, INSTALLED, "the kubelet's startup, readiness and liveness probes of a running Performer pass", failing_probes),
    check!("workload.performer.crash-loop", Workloads, Error, Installed, INSTALLED, "the Performer's container is not crash-looping", crash_loop),
    check!("workload.performer.service", Workloads, Error, Installed, INSTALLED, "Service performer-<name> exists, selects a pod, on the gRPC port", service),
    check!("workload.performer.endpoints", Workloads, Error, Installed, INSTALLED, "the Service's EndpointSlice has a ready address", endpoints),
    check!("workload.performer.probe", Workloads, Error, Probe, INSTALLED, "from a pod in its namespace, the Performer's Service name resolves and gRPC health answers (--probe)", in_cluster_probe),
    check!("workload.performer.template", Workloads, Error, Installed, INSTALLED, "at most one executor in the namespace lists the Performer's AVS (its template applies)", template_link),
    check!("workload.performer.upgrade-blocked", Workloads, Warning, Installed, INSTALLED, "no upgrade waits for GPUs the old pod holds (BlueGreen needs twice the GPUs)", upgrade_blocked),
    check!("workload.performer.orphans", Workloads, Warning, Installed, INSTALLED, "no executor-written Performer was left behind by an earlier run of its executor", orphans),
    check!("workload.stale-status", Workloads, Warning, Installed, INSTALLED, "status.observedGeneration matches metadata.generation", stale_status),
    check!("workload.stuck-deleting", Workloads, Error, Installed, INSTALLED, "no object is stuck with a deletionTimestamp", stuck_deleting),
    check!("workload.executor.config-complete", Workloads, Error, Installed, INSTALLED, "the executor has every field its binary needs to start", config_complete),
    check!("workload.executor.keys-secret", Workloads, Error, Installed, INSTALLED, "the executor's operator-key Secret exists with the needed keys", keys_secret),
    check!("workload.executor.inline-keys", Workloads, Error, Installed, INSTALLED, "no private key is inline in the executor spec", inline_keys),
    check!("workload.executor.rollout", Workloads, Error, Installed, INSTALLED, "the executor's workload has its replicas updated and ready", rollout),
    check!("workload.executor.crash-loop", Workloads, Error, Installed, INSTALLED, "the executor's container is not crash-looping", executor_crash_loop),
    check!("workload.executor.fatal-log", Workloads, Error, Installed, INSTALLED, "the executor's last log lines hold no known fatal line", fatal_log),
    check!("workload.executor.unused-fields", Workloads, Warning, Installed, INSTALLED, "the executor spec sets no field the executor binary ignores", unused_fields),
];

// ---------------------------------------------------------------- helpers

fn name_of(meta: &ObjectMeta) -> (&str, &str) {
    (
        meta.namespace.as_deref().unwrap_or_default(),
        meta.name.as_deref().unwrap_or_default(),
    )
}

fn pobj(p: &Performer) -> String {
    let (ns, name) = name_of(&p.metadata);
    performer_object(ns, name)
}

fn eobj(e: &HourglassExecutor) -> String {
    let (ns, name) = name_of(&e.metadata);
    executor_object(ns, name)
}

fn edit_performer(p: &Performer) -> String {
    let (ns, name) = name_of(&p.metadata);
    format!("kubectl -n {ns} edit performer {name}")
}

/// Runs `f` on every Performer in scope; one finding when there are none or
/// they could not be read.
fn per_performer(
    s: &Snapshot,
    f: impl FnMut(&Performer) -> Option<Finding>,
    none: &str,
) -> Vec<Finding> {
    per_object(
        s,
        s.performers.as_ref().err(),
        s.performers_in_scope(),
        f,
        none,
    )
}

/// [`per_performer`] for HourglassExecutors.
fn per_executor(
    s: &Snapshot,
    f: impl FnMut(&HourglassExecutor) -> Option<Finding>,
    none: &str,
) -> Vec<Finding> {
    per_object(
        s,
        s.executors.as_ref().err(),
        s.executors_in_scope(),
        f,
        none,
    )
}

/// Runs `f` on `objects`: skipped when they could not be read (`missing`), one pass
/// saying `none` when `f` found nothing to say.
fn per_object<T>(
    s: &Snapshot,
    missing: Option<&Missing>,
    objects: Vec<&T>,
    f: impl FnMut(&T) -> Option<Finding>,
    none: &str,
) -> Vec<Finding> {
    if let Some(m) = missing {
        return vec![Finding::skipped(None, format!("skipped: {}", m.reason()))];
    }
    let out: Vec<Finding> = objects.into_iter().filter_map(f).collect();
    if out.is_empty() {
        vec![Finding::pass(None, format!("{none} in {}", s.scope()))]
    } else {
        out
    }
}

fn skipped_for(obj: String, m: &Missing) -> Finding {
    Finding::skipped(Some(obj), format!("skipped: {}", m.reason()))
}

/// The GPU model and count of a Performer that gets its GPUs through the device plugin
/// (a DRA Performer's are checked by `hardware.gpu-route`).
fn gpu_request(p: &Performer) -> Option<(String, i32)> {
    let hw = p.spec.hardware_requirements.as_ref()?;
    if crate::render::performer::dra_gpu_claim(p).is_some() {
        return None;
    }
    Some((hw.gpu_type.clone()?, hw.gpu_count.unwrap_or(1)))
}

fn tee_request(p: &Performer) -> Option<TeeType> {
    let hw = p.spec.hardware_requirements.as_ref()?;
    if hw.tee_required != Some(true) {
        return None;
    }
    TeeType::parse(hw.tee_type.as_deref()?)
}

fn gpu_short(gpu_type: &str) -> String {
    crate::hardware::gpu_model(gpu_type)
        .map(|m| m.short.to_string())
        .unwrap_or_else(|| gpu_type.to_string())
}

/// Whether a node carries what the Performer's GPU request asks for: the same node
/// affinity terms the renderer writes (any label scheme, slice or sharing), from the table.
fn node_has_gpu(node: &k8s_openapi::api::core::v1::Node, p: &Performer) -> bool {
    let Some(placement) = gpu_placement(p) else {
        return false;
    };
    let labels = node.metadata.labels.clone().unwrap_or_default();
    crate::hardware::terms_hold(&placement.terms, &labels)
}

/// The device plugin's placement of the Performer's GPUs (None through DRA).
fn gpu_placement(p: &Performer) -> Option<crate::hardware::GpuPlacement> {
    let hw = p.spec.hardware_requirements.as_ref()?;
    let request = hw.gpu_request()?;
    if request.dra_claim().ok().flatten().is_some() {
        return None;
    }
    request.placement().ok()
}

/// The extended resource the Performer's GPUs are counted in.
fn gpu_resource(p: &Performer) -> String {
    gpu_placement(p)
        .map(|g| g.resource)
        .unwrap_or_else(|| crate::hardware::GPU_RESOURCE.to_string())
}

fn used(s: &Snapshot) -> Usage {
    let mut used = match &s.pods {
        Ok(pods) => Usage::of(pods, None),
        Err(_) => Usage::default(),
    };
    used.devices = devices(s);
    used
}

/// The DRA devices free per node, with the claims of the DRA Performers in scope.
fn devices(s: &Snapshot) -> scheduling::Devices {
    let mut devices = scheduling::Devices::of(
        s.resource_slices.as_deref().unwrap_or_default(),
        s.device_classes.as_deref().unwrap_or_default(),
        s.resource_claims.as_deref().unwrap_or_default(),
    );
    if s.device_classes.is_err() {
        devices = devices.classes_unknown();
    }
    for p in s.performers.iter().flatten() {
        if let Some(claim) = crate::render::performer::dra_gpu_claim(p) {
            let name = crate::render::performer::gpu_claim_template_name(p, &claim);
            let ns = p.metadata.namespace.as_deref().unwrap_or_default();
            devices = devices.with_template(ns, name, claim);
        }
    }
    devices
}

/// GPU model short names the cluster's nodes have.
fn models_present(s: &Snapshot) -> Vec<String> {
    let mut out: Vec<String> = s
        .nodes
        .iter()
        .flatten()
        .filter_map(scheduling::gpu_class)
        .collect();
    out.sort();
    out.dedup();
    out
}

fn pod_ready(pod: &Pod) -> bool {
    pod.metadata.deletion_timestamp.is_none()
        && pod
            .status
            .as_ref()
            .and_then(|s| s.conditions.as_ref())
            .is_some_and(|c| c.iter().any(|c| c.type_ == "Ready" && c.status == "True"))
}

fn waiting(pod: &Pod) -> Vec<(String, String, String, i32)> {
    pod.status
        .as_ref()
        .and_then(|s| s.container_statuses.as_ref())
        .into_iter()
        .flatten()
        .filter_map(|c| {
            let w = c.state.as_ref()?.waiting.as_ref()?;
            Some((
                c.name.clone(),
                w.reason.clone().unwrap_or_default(),
                w.message.clone().unwrap_or_default(),
                c.restart_count,
            ))
        })
        .collect()
}

#[cfg(test)]
mod fixtures;

#[cfg(test)]
mod tests {
    use super::fixtures::*;

    #[test]
    fn catalog_ids_are_unique_and_dependencies_come_first() {
        let mut seen: Vec<&str> = Vec::new();
        for c in CATALOG {
            assert!(!seen.contains(&c.id), "duplicate {}", c.id);
            for need in c.needs {
                assert!(
                    seen.contains(need),
                    "{} needs {need}, which must come first",
                    c.id
                );
            }
            assert!(!c.description.is_empty());
            seen.push(c.id);
        }
    }

    #[test]
    fn healthy_empty_cluster_passes() {
        let r = results(&snap());
        assert!(!doctor::failed(&r, false), "{r:#?}");
        // No controller: a warning, which fails only with --fail-on warning.
        assert_eq!(one(&r, "install.controller").status, Status::Warn);
        assert!(doctor::failed(&r, true));
    }

    #[test]
    fn names_restrict_the_workload_checks() {
        let mut s = snap();
        s.performers = Ok(vec![
            performer("a", base_spec()),
            performer("b", base_spec()),
        ]);
        s.names = vec!["b".into()];
        let r = results(&s);
        let ready = only(&r, "workload.performer.ready");
        assert_eq!(ready.len(), 1);
        assert_eq!(ready[0].object.as_deref(), Some("performer/ns/b"));
    }

    #[test]
    fn skip_removes_a_check_and_json_has_one_entry_per_run() {
        let mut s = snap();
        s.performers = Ok(vec![
            performer("a", base_spec()),
            performer("b", base_spec()),
        ]);
        let r = doctor::run(
            &s,
            &RunOptions {
                skip: vec!["install.controller".into()],
                ..Default::default()
            },
        );
        assert!(only(&r, "install.controller").is_empty());
        let text = serde_json::to_string_pretty(&report::json(&r)).unwrap();
        let v: Value = serde_json::from_str(&text).unwrap();
        let checks = v["checks"].as_array().unwrap();
        assert_eq!(checks.len(), r.len());
        assert_eq!(
            only(&r, "workload.performer.ready").len(),
            2,
            "one run per Performer"
        );
        for c in checks {
            for key in ["id", "category", "severity", "status", "message", "hint"] {
                assert!(c.get(key).is_some(), "{key} missing in {c}");
            }
        }
        assert_eq!(v["summary"]["total"], json!(r.len()));
        assert_eq!(checks[0]["category"], json!("cluster"));
    }

    #[test]
    fn table_groups_by_category_and_collapses_passing_runs() {
        let mut s = snap();
        s.performers = Ok(vec![
            performer("a", base_spec()),
            performer("b", base_spec()),
        ]);
        let r = results(&s);
        let text = report::table(&r, false, false);
        let cluster = text.find("Cluster\n").unwrap();
        let workloads = text.find("Workloads\n").unwrap();
        assert!(cluster < workloads);
        assert!(
            text.contains("the Performer's image can be pulled (2 objects)"),
            "{text}"
        );
        assert!(text.contains("      hint: hgctl run-local -n ns"), "{text}");
        let short = report::short(&r, false, false);
        assert!(
            !short.contains("ok  "),
            "short shows problems only: {short}"
        );
        let lines: Vec<&str> = short.lines().collect();
        let (last, problems) = lines.split_last().unwrap();
        assert!(
            last.starts_with(&format!("{} checks: ", r.len())),
            "{short}"
        );
        assert!(!problems.is_empty());
        for l in problems {
            assert!(
                l.starts_with("  WARN ")
                    || l.starts_with("  FAIL ")
                    || l.starts_with("      hint: "),
                "{l}"
            );
        }
    }
}
