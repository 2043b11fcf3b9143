//! The executor's per-AVS performer template, merged under a Performer's own spec, and
//! which executor's template applies to a Performer. Pure: the Performer controller,
//! `performer describe` and the doctor all use these.

use std::collections::BTreeMap;

use k8s_openapi::api::core::v1::ResourceRequirements;

use super::performer::{APP_PERFORMER, LABEL_APP, LABEL_PERFORMER};
use crate::api::HourglassExecutor;
use crate::api::performer::{HardwareRequirements, PerformerProbes, Scheduling};
use crate::api::template::PerformerTemplate;
use crate::api::{Performer, PerformerSpec};

/// The Performer carries the marks the real executor puts on the Performers it writes
/// (`app=hourglass-performer` and `hourglass.eigenlayer.io/performer=<its own name>` on the
/// Performer itself; `hgctl performer create` puts neither there).
pub fn executor_written(p: &Performer) -> bool {
    let labels = p.metadata.labels.as_ref();
    let label = |k: &str| labels.and_then(|l| l.get(k)).map(String::as_str);
    label(LABEL_APP) == Some(APP_PERFORMER)
        && label(LABEL_PERFORMER).is_some()
        && label(LABEL_PERFORMER) == p.metadata.name.as_deref()
}

/// A Performer's spec with a template merged in, and the fields the template supplied.
#[derive(Debug, Clone, PartialEq)]
pub struct Merged {
    pub spec: PerformerSpec,
    /// JSON paths (under `spec`) whose value came from the template.
    pub from_template: Vec<&'static str>,
}

/// Merges `template` under `spec`: a field the Performer sets wins, field by field inside
/// hardware requirements, scheduling and probes; empty resources (the executor writes
/// `resources: {}`) count as unset; the security contexts are taken whole. The one
/// exception is the pull policy: on a Performer the executor wrote (`executor_written`)
/// its `Never` is the executor's fixed choice, not the operator's, so the template's
/// policy replaces it.
pub fn merge(spec: &PerformerSpec, executor_written: bool, t: &PerformerTemplate) -> Merged {
    let mut out = spec.clone();
    let mut from = Vec::new();

    if let Some(th) = &t.hardware_requirements {
        let h = out
            .hardware_requirements
            .get_or_insert_with(Default::default);
        merge_hardware(h, th, &mut from);
        if *h == HardwareRequirements::default() {
            out.hardware_requirements = None;
        }
    }
    if resources_empty(out.resources.as_ref())
        && let Some(r) = t.resources.as_ref().filter(|r| !resources_empty(Some(r)))
    {
        out.resources = Some(r.clone());
        from.push("resources");
    }
    if let Some(ts) = &t.scheduling {
        let s = out.scheduling.get_or_insert_with(Default::default);
        merge_scheduling(s, ts, &mut from);
        if *s == Scheduling::default() {
            out.scheduling = None;
        }
    }
    if let Some(policy) = t.image_pull_policy
        && (executor_written || out.image_pull_policy.is_none())
        && out.image_pull_policy != Some(policy)
    {
        out.image_pull_policy = Some(policy);
        from.push("imagePullPolicy");
    }
    fill(
        &mut out.pod_security_context,
        &t.pod_security_context,
        "podSecurityContext",
        &mut from,
    );
    fill(
        &mut out.container_security_context,
        &t.container_security_context,
        "containerSecurityContext",
        &mut from,
    );
    if let Some(tp) = &t.probes {
        let p = out.probes.get_or_insert_with(Default::default);
        fill(
            &mut p.startup_seconds,
            &tp.startup_seconds,
            "probes.startupSeconds",
            &mut from,
        );
        fill(&mut p.protocol, &tp.protocol, "probes.protocol", &mut from);
        if *p == PerformerProbes::default() {
            out.probes = None;
        }
    }
    fill(
        &mut out.upgrade_strategy,
        &t.upgrade_strategy,
        "upgradeStrategy",
        &mut from,
    );
    fill(&mut out.tls, &t.tls, "tls", &mut from);
    Merged {
        spec: out,
        from_template: from,
    }
}

fn merge_hardware(
    h: &mut HardwareRequirements,
    t: &HardwareRequirements,
    from: &mut Vec<&'static str>,
) {
    fill(
        &mut h.gpu_type,
        &t.gpu_type,
        "hardwareRequirements.gpuType",
        from,
    );
    fill(
        &mut h.gpu_count,
        &t.gpu_count,
        "hardwareRequirements.gpuCount",
        from,
    );
    fill(
        &mut h.tee_required,
        &t.tee_required,
        "hardwareRequirements.teeRequired",
        from,
    );
    fill(
        &mut h.tee_type,
        &t.tee_type,
        "hardwareRequirements.teeType",
        from,
    );
    fill(
        &mut h.gpu_partition,
        &t.gpu_partition,
        "hardwareRequirements.gpuPartition",
        from,
    );
    fill(
        &mut h.mig_strategy,
        &t.mig_strategy,
        "hardwareRequirements.migStrategy",
        from,
    );
    fill(
        &mut h.gpu_sharing,
        &t.gpu_sharing,
        "hardwareRequirements.gpuSharing",
        from,
    );
    fill(
        &mut h.tee_mode,
        &t.tee_mode,
        "hardwareRequirements.teeMode",
        from,
    );
    fill(
        &mut h.sgx_quote_provider,
        &t.sgx_quote_provider,
        "hardwareRequirements.sgxQuoteProvider",
        from,
    );
    fill(
        &mut h.gpu_allocation,
        &t.gpu_allocation,
        "hardwareRequirements.gpuAllocation",
        from,
    );
    fill(
        &mut h.device_class_name,
        &t.device_class_name,
        "hardwareRequirements.deviceClassName",
        from,
    );
    fill_map(
        &mut h.custom_labels,
        &t.custom_labels,
        "hardwareRequirements.customLabels",
        from,
    );
}

fn merge_scheduling(s: &mut Scheduling, t: &Scheduling, from: &mut Vec<&'static str>) {
    fill_map(
        &mut s.node_selector,
        &t.node_selector,
        "scheduling.nodeSelector",
        from,
    );
    if s.tolerations.as_ref().is_none_or(Vec::is_empty)
        && let Some(v) = t.tolerations.as_ref().filter(|v| !v.is_empty())
    {
        s.tolerations = Some(v.clone());
        from.push("scheduling.tolerations");
    }
    fill(&mut s.affinity, &t.affinity, "scheduling.affinity", from);
    fill(
        &mut s.runtime_class,
        &t.runtime_class,
        "scheduling.runtimeClass",
        from,
    );
    fill(
        &mut s.priority_class_name,
        &t.priority_class_name,
        "scheduling.priorityClassName",
        from,
    );
}

/// Takes the template's value when the Performer has none.
fn fill<T: Clone>(
    own: &mut Option<T>,
    template: &Option<T>,
    path: &'static str,
    from: &mut Vec<&'static str>,
) {
    if own.is_none()
        && let Some(v) = template
    {
        *own = Some(v.clone());
        from.push(path);
    }
}

/// [`fill`] for maps, where an empty map counts as unset.
fn fill_map(
    own: &mut Option<BTreeMap<String, String>>,
    template: &Option<BTreeMap<String, String>>,
    path: &'static str,
    from: &mut Vec<&'static str>,
) {
    if own.as_ref().is_none_or(BTreeMap::is_empty)
        && let Some(v) = template.as_ref().filter(|v| !v.is_empty())
    {
        *own = Some(v.clone());
        from.push(path);
    }
}

fn resources_empty(r: Option<&ResourceRequirements>) -> bool {
    r.is_none_or(|r| {
        r.limits.as_ref().is_none_or(BTreeMap::is_empty)
            && r.requests.as_ref().is_none_or(BTreeMap::is_empty)
            && r.claims.as_ref().is_none_or(Vec::is_empty)
    })
}

/// Which executor template applies to a Performer.
#[derive(Debug, Clone, PartialEq)]
pub enum TemplateLink {
    /// No executor in the namespace lists the Performer's AVS.
    None,
    /// One executor lists it; `template` is its entry's template, if any.
    Linked {
        executor: String,
        avs: String,
        template: Option<Box<PerformerTemplate>>,
    },
    /// Several executors list it: hgctl does not pick one.
    Ambiguous { executors: Vec<String>, avs: String },
}

impl TemplateLink {
    /// `<executor>/<avs>`, the name of the applied template, when one applies.
    pub fn template_name(&self) -> Option<String> {
        match self {
            Self::Linked {
                executor,
                avs,
                template: Some(_),
            } => Some(format!("{executor}/{avs}")),
            _ => None,
        }
    }

    /// The executor the Performer belongs to, when exactly one lists its AVS.
    pub fn executor(&self) -> Option<&str> {
        match self {
            Self::Linked { executor, .. } => Some(executor),
            _ => None,
        }
    }
}

/// The executors of the Performer's namespace that list its AVS address (case-insensitive,
/// as the executor lower-cases it), sorted by name.
pub fn link<'a>(
    p: &Performer,
    executors: impl IntoIterator<Item = &'a HourglassExecutor>,
) -> TemplateLink {
    let ns = p.metadata.namespace.as_deref();
    let avs = &p.spec.avs_address;
    let mut found: Vec<(String, String, Option<Box<PerformerTemplate>>)> = executors
        .into_iter()
        .filter(|e| e.metadata.namespace.as_deref() == ns)
        .filter_map(|e| {
            let entry = e
                .spec
                .config
                .iter()
                .flat_map(|c| c.avs_performers.iter().flatten())
                .find(|a| a.avs_address.eq_ignore_ascii_case(avs))?;
            Some((
                e.metadata.name.clone().unwrap_or_default(),
                entry.avs_address.clone(),
                entry.performer_template.clone().map(Box::new),
            ))
        })
        .collect();
    found.sort_by(|a, b| a.0.cmp(&b.0));
    match found.len() {
        0 => TemplateLink::None,
        1 => {
            let (executor, avs, template) = found.remove(0);
            TemplateLink::Linked {
                executor,
                avs,
                template,
            }
        }
        _ => TemplateLink::Ambiguous {
            executors: found.into_iter().map(|f| f.0).collect(),
            avs: avs.clone(),
        },
    }
}

/// The spec the Performer is rendered from: its own, with the linked template under it.
pub fn effective(p: &Performer, link: &TemplateLink) -> Merged {
    match link {
        TemplateLink::Linked {
            template: Some(t), ..
        } => merge(&p.spec, executor_written(p), t),
        _ => Merged {
            spec: p.spec.clone(),
            from_template: Vec::new(),
        },
    }
}

/// How long the newest executor-written Performer of an AVS must have been ready before
/// the older ones count as orphans: the executor's own blue-green promotion also runs two
/// Performers of one AVS, until the new one is ready and it deletes the old one.
pub const ORPHAN_GRACE_SECONDS: i64 = 300;

/// An executor-written Performer left behind by an earlier run of its executor.
#[derive(Debug, Clone)]
pub struct Orphan<'a> {
    pub performer: &'a Performer,
    pub executor: String,
    /// The newest Performer of the same AVS, the current one.
    pub current: String,
}

/// The orphans among `performers`: per executor and AVS, every executor-written Performer
/// but the newest (by creation time, then name), once the newest has been ready for
/// `grace_seconds` ([`ORPHAN_GRACE_SECONDS`] by default; so never during a promotion,
/// whose new Performer is not ready yet or only just).
pub fn orphans<'a>(
    performers: &'a [Performer],
    executors: &[HourglassExecutor],
    now: k8s_openapi::jiff::Timestamp,
    grace_seconds: i64,
) -> Vec<Orphan<'a>> {
    let mut groups: BTreeMap<(String, String, String), Vec<&'a Performer>> = BTreeMap::new();
    for p in performers.iter().filter(|p| executor_written(p)) {
        if let Some(e) = link(p, executors).executor() {
            let key = (
                p.metadata.namespace.clone().unwrap_or_default(),
                e.to_string(),
                p.spec.avs_address.to_ascii_lowercase(),
            );
            groups.entry(key).or_default().push(p);
        }
    }
    let mut out = Vec::new();
    for ((_, executor, _), mut group) in groups {
        group.sort_by(|a, b| {
            let at = |p: &Performer| p.metadata.creation_timestamp.as_ref().map(|t| t.0);
            at(a)
                .cmp(&at(b))
                .then(a.metadata.name.cmp(&b.metadata.name))
        });
        let Some((newest, older)) = group.split_last() else {
            continue;
        };
        let settled = newest.status.as_ref().is_some_and(|s| {
            s.ready
                && s.ready_time
                    .as_ref()
                    .is_some_and(|t| now.as_second() - t.0.as_second() >= grace_seconds)
        });
        if !settled {
            continue;
        }
        out.extend(older.iter().map(|p| Orphan {
            performer: p,
            executor: executor.clone(),
            current: newest.metadata.name.clone().unwrap_or_default(),
        }));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::performer::{ImagePullPolicy, PerformerTls, ProbeProtocol};
    use crate::api::template::UpgradeStrategy;
    use k8s_openapi::api::core::v1::{Affinity, PodSecurityContext, SecurityContext, Toleration};
    use k8s_openapi::apimachinery::pkg::api::resource::Quantity;

    fn map(k: &str, v: &str) -> Option<BTreeMap<String, String>> {
        Some(BTreeMap::from([(k.to_string(), v.to_string())]))
    }

    fn res(cpu: &str) -> Option<ResourceRequirements> {
        Some(ResourceRequirements {
            limits: Some(BTreeMap::from([("cpu".into(), Quantity(cpu.into()))])),
            ..Default::default()
        })
    }

    /// A value for every field, different between the Performer (`a`) and the template (`b`).
    fn template(b: bool) -> PerformerTemplate {
        let pick = |x: &str, y: &str| if b { y.to_string() } else { x.to_string() };
        PerformerTemplate {
            hardware_requirements: Some(HardwareRequirements {
                gpu_type: Some(pick("a100", "h100")),
                gpu_count: Some(if b { 2 } else { 1 }),
                tee_required: Some(b),
                tee_type: Some(pick("sgx", "tdx")),
                custom_labels: map("zone", &pick("a", "b")),
                gpu_partition: Some(pick("1g.5gb", "1g.10gb")),
                mig_strategy: Some(if b {
                    crate::hardware::MigStrategy::Mixed
                } else {
                    crate::hardware::MigStrategy::Single
                }),
                gpu_sharing: Some(if b {
                    crate::hardware::GpuSharing::Shared
                } else {
                    crate::hardware::GpuSharing::Exclusive
                }),
                tee_mode: Some(if b {
                    crate::hardware::TeeMode::Node
                } else {
                    crate::hardware::TeeMode::RuntimeClass
                }),
                sgx_quote_provider: Some(pick("a", "b")),
                gpu_allocation: Some(if b {
                    crate::hardware::GpuAllocation::Dra
                } else {
                    crate::hardware::GpuAllocation::DevicePlugin
                }),
                device_class_name: Some(pick("a.example.com", "b.example.com")),
            }),
            resources: res(&pick("1", "2")),
            scheduling: Some(Scheduling {
                node_selector: map("pool", &pick("a", "b")),
                tolerations: Some(vec![Toleration {
                    key: Some(pick("a", "b")),
                    ..Default::default()
                }]),
                affinity: Some(Affinity::default()).filter(|_| !b).or(Some(Affinity {
                    node_affinity: Some(Default::default()),
                    ..Default::default()
                })),
                runtime_class: Some(pick("gvisor", "kata-qemu")),
                priority_class_name: Some(pick("low", "high")),
            }),
            image_pull_policy: Some(if b {
                ImagePullPolicy::IfNotPresent
            } else {
                ImagePullPolicy::Always
            }),
            pod_security_context: Some(PodSecurityContext {
                run_as_user: Some(if b { 2 } else { 1 }),
                ..Default::default()
            }),
            container_security_context: Some(SecurityContext {
                privileged: Some(b),
                ..Default::default()
            }),
            probes: Some(PerformerProbes {
                startup_seconds: Some(if b { 1200 } else { 60 }),
                protocol: Some(if b {
                    ProbeProtocol::Tcp
                } else {
                    ProbeProtocol::Grpc
                }),
            }),
            upgrade_strategy: Some(if b {
                UpgradeStrategy::Recreate
            } else {
                UpgradeStrategy::BlueGreen
            }),
            tls: Some(PerformerTls {
                terminate: b,
                proxy_image: Some(pick("hgctl:a", "hgctl:b")),
            }),
        }
    }

    /// The Performer spec that sets exactly what `t` sets.
    fn spec_setting(t: &PerformerTemplate) -> PerformerSpec {
        PerformerSpec {
            avs_address: "0x1234567890abcdef1234567890abcdef12345678".into(),
            image: "img:v1".into(),
            hardware_requirements: t.hardware_requirements.clone(),
            resources: t.resources.clone(),
            scheduling: t.scheduling.clone(),
            image_pull_policy: t.image_pull_policy,
            pod_security_context: t.pod_security_context.clone(),
            container_security_context: t.container_security_context.clone(),
            probes: t.probes.clone(),
            upgrade_strategy: t.upgrade_strategy,
            tls: t.tls.clone(),
            ..Default::default()
        }
    }

    const EVERY_FIELD: [&str; 25] = [
        "hardwareRequirements.gpuType",
        "hardwareRequirements.gpuCount",
        "hardwareRequirements.teeRequired",
        "hardwareRequirements.teeType",
        "hardwareRequirements.gpuPartition",
        "hardwareRequirements.migStrategy",
        "hardwareRequirements.gpuSharing",
        "hardwareRequirements.teeMode",
        "hardwareRequirements.sgxQuoteProvider",
        "hardwareRequirements.gpuAllocation",
        "hardwareRequirements.deviceClassName",
        "hardwareRequirements.customLabels",
        "resources",
        "scheduling.nodeSelector",
        "scheduling.tolerations",
        "scheduling.affinity",
        "scheduling.runtimeClass",
        "scheduling.priorityClassName",
        "imagePullPolicy",
        "podSecurityContext",
        "containerSecurityContext",
        "probes.startupSeconds",
        "probes.protocol",
        "upgradeStrategy",
        "tls",
    ];

    #[test]
    fn template_only_supplies_every_field() {
        let t = template(true);
        let own = PerformerSpec {
            image_pull_policy: None,
            ..spec_setting(&PerformerTemplate::default())
        };
        let m = merge(&own, false, &t);
        assert_eq!(m.spec, spec_setting(&t));
        assert_eq!(m.from_template, EVERY_FIELD.to_vec());
    }

    #[test]
    fn performer_only_keeps_every_field() {
        let own = spec_setting(&template(false));
        let m = merge(&own, false, &PerformerTemplate::default());
        assert_eq!(m.spec, own);
        assert!(m.from_template.is_empty());
    }

    #[test]
    fn both_set_the_performer_wins_every_field() {
        let own = spec_setting(&template(false));
        let m = merge(&own, false, &template(true));
        assert_eq!(m.spec, own);
        assert!(m.from_template.is_empty(), "{:?}", m.from_template);
    }

    #[test]
    fn executor_written_never_is_replaced_by_the_template_policy() {
        let t = PerformerTemplate {
            image_pull_policy: Some(ImagePullPolicy::IfNotPresent),
            ..Default::default()
        };
        let own = PerformerSpec {
            image_pull_policy: Some(ImagePullPolicy::Never),
            ..spec_setting(&PerformerTemplate::default())
        };
        let m = merge(&own, true, &t);
        assert_eq!(
            m.spec.image_pull_policy,
            Some(ImagePullPolicy::IfNotPresent)
        );
        assert_eq!(m.from_template, vec!["imagePullPolicy"]);
        // A hand-written Performer's policy is its author's choice.
        assert_eq!(
            merge(&own, false, &t).spec.image_pull_policy,
            Some(ImagePullPolicy::Never)
        );
    }

    #[test]
    fn the_executors_empty_resources_count_as_unset() {
        let t = PerformerTemplate {
            resources: res("4"),
            ..Default::default()
        };
        let own = PerformerSpec {
            resources: Some(ResourceRequirements::default()),
            ..Default::default()
        };
        assert_eq!(merge(&own, true, &t).spec.resources, res("4"));
    }

    fn executor(name: &str, ns: &str, avs: &[&str]) -> HourglassExecutor {
        let mut e: HourglassExecutor = serde_json::from_value(serde_json::json!({
            "apiVersion": "hourglass.eigenlayer.io/v1alpha1", "kind": "HourglassExecutor",
            "metadata": {"name": name, "namespace": ns},
            "spec": {"image": "x:1", "config": {"avsPerformers": avs.iter().map(|a| serde_json::json!({
                "avsAddress": a, "image": "p:1", "performerTemplate": {"imagePullPolicy": "Always"}
            })).collect::<Vec<_>>()}}
        }))
        .unwrap();
        e.metadata.namespace = Some(ns.into());
        e
    }

    fn written(name: &str, created: i64, ready_since: Option<i64>) -> Performer {
        let mut p: Performer = serde_json::from_value(serde_json::json!({
            "apiVersion": "hourglass.eigenlayer.io/v1alpha1", "kind": "Performer",
            "metadata": {"name": name, "namespace": "ns",
                "labels": {"app": "hourglass-performer", "hourglass.eigenlayer.io/performer": name}},
            "spec": {"avsAddress": "0xabc0000000000000000000000000000000000001", "image": "p:1"}
        }))
        .unwrap();
        p.metadata.creation_timestamp = Some(k8s_openapi::apimachinery::pkg::apis::meta::v1::Time(
            k8s_openapi::jiff::Timestamp::from_second(created).unwrap(),
        ));
        if let Some(t) = ready_since {
            p.status = serde_json::from_value(serde_json::json!({
                "ready": true, "readyTime": k8s_openapi::jiff::Timestamp::from_second(t).unwrap().to_string()
            }))
            .unwrap();
        }
        p
    }

    #[test]
    fn older_performers_of_an_avs_are_orphans_once_the_newest_is_settled() {
        let e = [executor(
            "e1",
            "ns",
            &["0xABC0000000000000000000000000000000000001"],
        )];
        let now = k8s_openapi::jiff::Timestamp::from_second(10_000).unwrap();
        let old = written("performer-abc-1", 100, Some(200));
        let new = written("performer-abc-2", 1_000, Some(1_100));
        let all = [old.clone(), new.clone()];
        let found = orphans(&all, &e, now, ORPHAN_GRACE_SECONDS);
        assert_eq!(found.len(), 1);
        assert_eq!(
            found[0].performer.metadata.name.as_deref(),
            Some("performer-abc-1")
        );
        assert_eq!(found[0].current, "performer-abc-2");
        // Mid-promotion: the newest is not ready yet, or only just.
        let promoting = [old.clone(), written("performer-abc-2", 1_000, None)];
        assert!(orphans(&promoting, &e, now, ORPHAN_GRACE_SECONDS).is_empty());
        let just = [old.clone(), written("performer-abc-2", 1_000, Some(9_900))];
        assert!(orphans(&just, &e, now, ORPHAN_GRACE_SECONDS).is_empty());
        // Hand-written Performers are never orphans.
        let mut hand = old.clone();
        hand.metadata.labels = None;
        assert!(orphans(&[hand, new], &e, now, ORPHAN_GRACE_SECONDS).is_empty());
    }

    #[test]
    fn link_matches_the_address_case_insensitively_in_the_same_namespace_only() {
        let mut p = Performer::new(
            "p",
            PerformerSpec {
                avs_address: "0xabc0000000000000000000000000000000000001".into(),
                ..Default::default()
            },
        );
        p.metadata.namespace = Some("ns".into());
        let upper = "0xABC0000000000000000000000000000000000001";
        let other_ns = executor("e0", "other", &[upper]);
        let mine = executor("e1", "ns", &[upper]);
        let l = link(&p, [&other_ns, &mine]);
        assert_eq!(l.executor(), Some("e1"));
        assert_eq!(l.template_name(), Some(format!("e1/{upper}")));
        assert_eq!(link(&p, [&other_ns]), TemplateLink::None);
        let second = executor("e2", "ns", &[upper]);
        assert_eq!(
            link(&p, [&second, &mine]),
            TemplateLink::Ambiguous {
                executors: vec!["e1".into(), "e2".into()],
                avs: p.spec.avs_address.clone()
            }
        );
    }
}
