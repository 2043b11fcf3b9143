//! Checks of executor-written Performers: which executor template applies, and the
//! upgrade strategy a GPU-blocked blue-green upgrade needs.

use super::*;
use crate::api::template::UpgradeStrategy;
use crate::render::template::{self, TemplateLink};

/// One executor template per Performer: two executors listing the same AVS in one
/// namespace leave it with none (the reconciler refuses to pick).
pub(super) fn template_link(s: &Snapshot) -> Vec<Finding> {
    let executors = s.executors.as_deref().unwrap_or_default();
    per_performer(
        s,
        |p| {
            let link = template::link(p, executors);
            Some(match &link {
                TemplateLink::Ambiguous { executors, avs } => Finding::problem(
                    Some(pobj(p)),
                    format!(
                        "executors {} all list AVS {avs} in namespace {}: no performer template \
                         applies and its pods are left as they are",
                        executors.join(", "),
                        p.metadata.namespace.as_deref().unwrap_or_default()
                    ),
                    "remove the AVS from spec.config.avsPerformers of all executors but one \
                     (`kubectl edit hourglassexecutor NAME`)",
                ),
                TemplateLink::Linked { .. } => Finding::pass(
                    Some(pobj(p)),
                    match link.template_name() {
                        Some(t) => format!("template {t} applies"),
                        None => format!(
                            "executor {} lists its AVS without a performerTemplate",
                            link.executor().unwrap_or_default()
                        ),
                    },
                ),
                TemplateLink::None => Finding::pass(Some(pobj(p)), "no executor lists its AVS"),
            })
        },
        "no Performers",
    )
}

/// A blue-green upgrade blocked because the new pod's GPUs are not free: with the GPUs
/// the old pod holds it never will be, and `Recreate` is the fix.
pub(super) fn upgrade_blocked(s: &Snapshot) -> Vec<Finding> {
    let executors = s.executors.as_deref().unwrap_or_default();
    per_performer(
        s,
        |p| {
            let link = template::link(p, executors);
            let spec = template::effective(p, &link).spec;
            let blocked = p
                .status
                .as_ref()
                .and_then(|st| conditions::find(st.conditions.as_deref(), conditions::PROGRESSING))
                .filter(|c| c.status == "False" && c.reason == conditions::reason::UPGRADE_BLOCKED);
            let Some(c) = blocked else {
                return Some(Finding::pass(Some(pobj(p)), "no upgrade blocked"));
            };
            // Whole GPUs, shared replicas, passed-through GPUs (all `nvidia.com/gpu...` or
            // `nvidia.com/pgpu`) or MIG slices (`nvidia.com/mig-...`) the old pod holds.
            let gpus = [
                crate::hardware::GPU_RESOURCE,
                crate::hardware::PGPU_RESOURCE,
                crate::hardware::MIG_RESOURCE_PREFIX,
            ]
            .iter()
            .any(|r| c.message.contains(r));
            if spec.upgrade_strategy() != UpgradeStrategy::BlueGreen || !gpus {
                return Some(Finding::problem(
                    Some(pobj(p)),
                    format!("upgrade blocked: {}", c.message),
                    format!(
                        "hgctl performer describe {}",
                        p.metadata.name.as_deref().unwrap_or_default()
                    ),
                ));
            }
            let where_ = match link.template_name() {
                Some(t) => format!(
                    "upgradeStrategy: Recreate in the performerTemplate of {t} (`kubectl edit hourglassexecutor {}`)",
                    link.executor().unwrap_or_default()
                ),
                None => format!("spec.upgradeStrategy: Recreate (`{}`)", edit_performer(p)),
            };
            Some(Finding::problem(
                Some(pobj(p)),
                format!(
                    "blue-green upgrade blocked by scarce GPUs: the new pod needs GPUs the old \
                     pod still holds ({})",
                    c.message
                ),
                format!("set {where_}: the old pod goes first (brief downtime, no extra GPUs)"),
            ))
        },
        "no Performers",
    )
}

/// Performers an earlier run of their executor left behind (it does not rehydrate in
/// Kubernetes mode), with the GPUs they hold.
pub(super) fn orphans(s: &Snapshot) -> Vec<Finding> {
    let (Ok(performers), Ok(executors)) = (&s.performers, &s.executors) else {
        return vec![Finding::skipped(
            None,
            "skipped: Performers or executors not read",
        )];
    };
    let found = template::orphans(performers, executors, s.now, template::ORPHAN_GRACE_SECONDS);
    if found.is_empty() {
        return vec![Finding::pass(
            None,
            "no orphaned executor-written Performers",
        )];
    }
    found
        .iter()
        .map(|o| {
            let p = o.performer;
            let spec = template::effective(p, &template::link(p, executors)).spec;
            let gpus = match spec
                .hardware_requirements
                .as_ref()
                .and_then(|h| h.gpu_type.as_ref())
            {
                Some(t) => format!(
                    ", holding {} {t} GPU(s)",
                    spec.hardware_requirements
                        .as_ref()
                        .and_then(|h| h.gpu_count)
                        .unwrap_or(1)
                ),
                None => String::new(),
            };
            Finding::problem(
                Some(pobj(p)),
                format!(
                    "orphaned by executor {}: {} is the current Performer of AVS {}{gpus}",
                    o.executor, o.current, p.spec.avs_address
                ),
                format!(
                    "hgctl performer prune --orphans -n {} (or kubectl delete performer {})",
                    p.metadata.namespace.as_deref().unwrap_or_default(),
                    p.metadata.name.as_deref().unwrap_or_default()
                ),
            )
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::super::fixtures::*;
    use super::*;

    fn executor(name: &str, template: Value) -> HourglassExecutor {
        serde_json::from_value(json!({
            "apiVersion": "hourglass.eigenlayer.io/v1alpha1", "kind": "HourglassExecutor",
            "metadata": {"name": name, "namespace": "ns"},
            "spec": {"image": "x:1", "config": {"avsPerformers": [{
                "avsAddress": "0x1234567890ABCDEF1234567890abcdef12345678", "image": "p:1",
                "performerTemplate": template}]}}
        }))
        .unwrap()
    }

    #[test]
    fn two_executors_listing_one_avs_is_an_error_naming_both() {
        let mut s = snap();
        s.performers = Ok(vec![performer("p", base_spec())]);
        s.executors = Ok(vec![executor("a", json!({})), executor("b", json!({}))]);
        let r = results(&s);
        let f = one(&r, "workload.performer.template");
        assert_eq!(f.status, Status::Fail);
        assert!(f.message.contains("executors a, b"), "{}", f.message);
        s.executors = Ok(vec![executor("a", json!({}))]);
        assert_eq!(
            one(&results(&s), "workload.performer.template").status,
            Status::Pass
        );
    }

    #[test]
    fn a_gpu_blocked_blue_green_upgrade_names_recreate_in_the_template() {
        let mut s = snap();
        let mut p = performer("p", base_spec());
        p.status = serde_json::from_value(json!({"ready": true, "conditions": [{
            "type": "Progressing", "status": "False", "reason": "UpgradeBlocked",
            "message": "the new pod performer-p-x cannot become ready (Unschedulable: 0/10 nodes are available: 1 Insufficient nvidia.com/gpu)",
            "lastTransitionTime": "2026-01-01T00:00:00Z"}]}))
        .unwrap();
        s.performers = Ok(vec![p]);
        s.executors = Ok(vec![executor(
            "ex",
            json!({"hardwareRequirements": {"gpuType": "h100"}}),
        )]);
        let r = results(&s);
        let f = one(&r, "workload.performer.upgrade-blocked");
        assert_eq!(f.status, Status::Warn);
        let hint = f.hint.as_deref().unwrap();
        assert!(hint.contains("upgradeStrategy: Recreate"), "{hint}");
        assert!(hint.contains("performerTemplate of ex/"), "{hint}");
        // Under Recreate there is nothing to recommend.
        s.executors = Ok(vec![executor("ex", json!({"upgradeStrategy": "Recreate"}))]);
        let f = one(&results(&s), "workload.performer.upgrade-blocked").clone();
        assert!(!f.hint.unwrap_or_default().contains("Recreate"));
    }
}
