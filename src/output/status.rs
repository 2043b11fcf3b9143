//! What `hgctl status` prints (pure): executors, performers grouped by phase,
//! and a summary line. Works from lists only (no per-object API calls), so
//! thousands of performers render at once.

use k8s_openapi::jiff::Timestamp;

use crate::api::conditions::{self, reason};
use crate::api::performer::PerformerPhase;
use crate::api::{HourglassExecutor, Performer};
use crate::error::Result;
use crate::fleet::Member;
use crate::output::get::PodIndex;
use crate::output::table::{self, age_of};

/// How the summary line counts a performer; each falls in exactly one bucket.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Bucket {
    Ready,
    Upgrading,
    Pending,
    NotReady,
    Unschedulable,
    Failed,
    Terminating,
    NoStatus,
}

impl Bucket {
    const ALL: [Bucket; 8] = [
        Self::Ready,
        Self::Upgrading,
        Self::Pending,
        Self::NotReady,
        Self::Unschedulable,
        Self::Failed,
        Self::Terminating,
        Self::NoStatus,
    ];

    fn label(self) -> &'static str {
        match self {
            Self::Ready => "ready",
            Self::Upgrading => "upgrading",
            Self::Pending => "pending",
            Self::NotReady => "not ready",
            Self::Unschedulable => "unschedulable",
            Self::Failed => "failed",
            Self::Terminating => "terminating",
            Self::NoStatus => "no status yet",
        }
    }

    /// The bucket of a performer: problems first, then upgrade, then readiness.
    pub fn of(performer: &Performer) -> Self {
        let Some(status) = &performer.status else {
            return Self::NoStatus;
        };
        let conds = status.conditions.as_deref();
        if performer.metadata.deletion_timestamp.is_some()
            || status.phase == Some(PerformerPhase::Terminating)
        {
            return Self::Terminating;
        }
        if unschedulable(performer) {
            return Self::Unschedulable;
        }
        match status.phase {
            Some(PerformerPhase::Failed) => Self::Failed,
            Some(PerformerPhase::Upgrading) => Self::Upgrading,
            _ if status.ready => Self::Ready,
            Some(PerformerPhase::Pending) | None => Self::Pending,
            _ if conditions::is_true(conds, conditions::DEGRADED) => Self::Failed,
            _ => Self::NotReady,
        }
    }
}

/// Condition `Scheduled` is False with reason `Unschedulable`.
pub fn unschedulable(performer: &Performer) -> bool {
    let conds = performer
        .status
        .as_ref()
        .and_then(|s| s.conditions.as_deref());
    conditions::find(conds, conditions::SCHEDULED)
        .is_some_and(|c| c.status == "False" && c.reason == reason::UNSCHEDULABLE)
}

/// `12 performers: 10 ready, 1 upgrading, 1 unschedulable`.
pub fn summary(performers: &[Performer]) -> String {
    summary_of(performers.iter())
}

/// [`summary`] of performers borrowed from several lists (the fleet's clusters).
fn summary_of<'a>(performers: impl Iterator<Item = &'a Performer>) -> String {
    let mut counts = [0usize; Bucket::ALL.len()];
    let mut total = 0;
    for p in performers {
        total += 1;
        counts[Bucket::ALL
            .iter()
            .position(|b| *b == Bucket::of(p))
            .unwrap_or(0)] += 1;
    }
    let noun = if total == 1 {
        "performer"
    } else {
        "performers"
    };
    let parts: Vec<String> = Bucket::ALL
        .iter()
        .zip(counts)
        .filter(|(_, n)| *n > 0)
        .map(|(b, n)| format!("{n} {}", b.label()))
        .collect();
    if parts.is_empty() {
        format!("0 {noun}")
    } else {
        format!("{total} {noun}: {}", parts.join(", "))
    }
}

/// What is wrong or under way, shortened at a word for a table cell (`describe` and
/// `status -o json` have the whole text).
pub fn note(performer: &Performer) -> String {
    shorten_at_word(&message(performer), 100)
}

/// What is wrong or under way, from the conditions (empty when healthy), in full.
pub fn message(performer: &Performer) -> String {
    let conds = performer
        .status
        .as_ref()
        .and_then(|s| s.conditions.as_deref());
    let pick = conditions::find(conds, conditions::SCHEDULED)
        .filter(|c| c.status == "False")
        .or_else(|| conditions::find(conds, conditions::DEGRADED).filter(|c| c.status == "True"))
        .or_else(|| conditions::find(conds, conditions::PROGRESSING).filter(|c| c.status == "True"))
        .or_else(|| conditions::find(conds, conditions::READY).filter(|c| c.status == "False"));
    pick.map(|c| format!("{}: {}", c.reason, c.message))
        .unwrap_or_default()
}

/// At most `max` characters, cut after the last whole word that fits, with `…`
/// (mid-word only when the first word alone is longer than `max`).
pub fn shorten_at_word(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_string();
    }
    let room: String = text.chars().take(max.saturating_sub(1)).collect();
    let next_is_break = text
        .chars()
        .nth(room.chars().count())
        .is_some_and(char::is_whitespace);
    let cut = if next_is_break {
        room.trim_end()
    } else {
        match room.rfind(char::is_whitespace) {
            Some(i) if i > 0 => room[..i].trim_end(),
            _ => room.as_str(),
        }
    };
    let cut = cut.trim_end_matches([',', ';', ':', '.']);
    format!("{cut}…")
}

/// `a100-80gb x2`, or empty without a GPU.
fn gpu(performer: &Performer) -> String {
    let hw = performer.spec.hardware_requirements.as_ref();
    match hw.and_then(|h| h.gpu_type.as_deref()) {
        Some(t) => {
            let n = hw.and_then(|h| h.gpu_count).unwrap_or(1);
            if n == 1 {
                t.to_string()
            } else {
                format!("{t} x{n}")
            }
        }
        None => String::new(),
    }
}

fn tee(performer: &Performer) -> String {
    performer
        .spec
        .hardware_requirements
        .as_ref()
        .and_then(|h| h.tee_type.clone())
        .unwrap_or_default()
}

/// ANSI colour, only when asked (a terminal, NO_COLOR unset).
fn paint(text: &str, code: &str, colour: bool) -> String {
    if colour {
        format!("\x1b[{code}m{text}\x1b[0m")
    } else {
        text.to_string()
    }
}

fn phase_colour(phase: Option<PerformerPhase>) -> &'static str {
    match phase {
        Some(PerformerPhase::Running) => "32",
        Some(PerformerPhase::Pending | PerformerPhase::Upgrading) => "33",
        Some(PerformerPhase::Failed) => "31",
        _ => "2",
    }
}

fn indent(text: &str) -> String {
    text.lines().map(|l| format!("  {l}\n")).collect()
}

/// One cluster's lists. `context` is None for the usual single cluster (no CONTEXT column).
#[derive(Clone, Copy)]
pub struct Section<'a> {
    pub context: Option<&'a str>,
    pub executors: &'a [HourglassExecutor],
    pub performers: &'a [Performer],
    pub pods: &'a PodIndex,
}

/// What `status` lists of one cluster, one list call each.
#[derive(Debug, Default)]
pub struct Lists {
    pub executors: Vec<HourglassExecutor>,
    pub performers: Vec<Performer>,
    pub pods: PodIndex,
}

impl Lists {
    fn section<'a>(&'a self, context: Option<&'a str>) -> Section<'a> {
        Section {
            context,
            executors: &self.executors,
            performers: &self.performers,
            pods: &self.pods,
        }
    }
}

/// Everything `hgctl status` prints. `scope` is "namespace avs" or "all namespaces".
pub fn render(
    scope: &str,
    executors: &[HourglassExecutor],
    performers: &[Performer],
    pods: &PodIndex,
    all_namespaces: bool,
    colour: bool,
    now: Timestamp,
) -> String {
    let section = Section {
        context: None,
        executors,
        performers,
        pods,
    };
    let mut out = sections(scope, &[section], all_namespaces, colour, now);
    out.push_str(&paint(&summary(performers), "1", colour));
    out.push('\n');
    out
}

/// `status` over several contexts: a row per cluster (unreachable ones say why), the
/// executors and performers of all of them with a CONTEXT column, and the fleet summary.
pub fn render_fleet(
    scope: &str,
    members: &[Member<Lists>],
    all_namespaces: bool,
    colour: bool,
    now: Timestamp,
) -> String {
    let mut out = paint(&format!("Clusters ({})", members.len()), "1", colour);
    out.push('\n');
    let headers: Vec<String> = [
        "CONTEXT",
        "STATE",
        "EXECUTORS",
        "PERFORMERS",
        "SERVER / MESSAGE",
    ]
    .map(String::from)
    .to_vec();
    let rows: Vec<Vec<String>> = members
        .iter()
        .map(|m| match &m.outcome {
            Ok(lists) => vec![
                m.context.clone(),
                "ok".into(),
                lists.executors.len().to_string(),
                summary(&lists.performers),
                m.server.clone().unwrap_or_default(),
            ],
            Err(f) => vec![
                m.context.clone(),
                f.state.as_str().into(),
                String::new(),
                String::new(),
                shorten_at_word(&f.message, 120),
            ],
        })
        .collect();
    out.push_str(&indent(&table::render(&headers, &rows, &[], true)));
    out.push('\n');
    let answered: Vec<Section> = members
        .iter()
        .filter_map(|m| m.outcome.as_ref().ok().map(|l| l.section(Some(&m.context))))
        .collect();
    out.push_str(&sections(scope, &answered, all_namespaces, colour, now));
    out.push_str(&paint(&fleet_summary(members), "1", colour));
    out.push('\n');
    out
}

/// `3 clusters, 2410 performers: 2401 ready, 6 upgrading, 3 unschedulable; 1 cluster unreachable`.
pub fn fleet_summary(members: &[Member<Lists>]) -> String {
    let performers = members
        .iter()
        .filter_map(|m| m.outcome.as_ref().ok())
        .flat_map(|l| l.performers.iter());
    let clusters = if members.len() == 1 {
        "1 cluster".to_string()
    } else {
        format!("{} clusters", members.len())
    };
    let failures = crate::fleet::failures_summary(members);
    let mut line = format!("{clusters}, {}", summary_of(performers));
    if !failures.is_empty() {
        line.push_str("; ");
        line.push_str(&failures);
    }
    line
}

/// A performer and the section (cluster) it came from.
type Placed<'a> = (&'a Section<'a>, &'a Performer);

/// The executor table and the performers grouped by phase, of every section.
fn sections(
    scope: &str,
    sections: &[Section],
    all_namespaces: bool,
    colour: bool,
    now: Timestamp,
) -> String {
    let mut out = String::new();
    let with_context = sections.iter().any(|s| s.context.is_some());
    let prefix = |section: &Section, namespace: &Option<String>| {
        let mut row = Vec::new();
        if with_context {
            row.push(section.context.unwrap_or_default().to_string());
        }
        if all_namespaces {
            row.push(namespace.clone().unwrap_or_default());
        }
        row
    };
    let mut leading: Vec<String> = Vec::new();
    if with_context {
        leading.push("CONTEXT".into());
    }
    if all_namespaces {
        leading.push("NAMESPACE".into());
    }
    let executors: Vec<(&Section, &HourglassExecutor)> = sections
        .iter()
        .flat_map(|s| s.executors.iter().map(move |e| (s, e)))
        .collect();
    out.push_str(&paint(
        &format!("Executors ({}) in {scope}", executors.len()),
        "1",
        colour,
    ));
    out.push('\n');
    if executors.is_empty() {
        out.push_str("  none\n");
    } else {
        let mut headers = leading.clone();
        headers
            .extend(["NAME", "READY", "PHASE", "CONFIG-UPDATED", "AGE", "IMAGE"].map(String::from));
        let rows: Vec<Vec<String>> = executors
            .iter()
            .map(|(section, e)| {
                let mut row = prefix(section, &e.metadata.namespace);
                row.extend(executor_cells(e, now));
                row
            })
            .collect();
        out.push_str(&indent(&table::render(&headers, &rows, &[], true)));
    }
    out.push('\n');

    let performers: Vec<(&Section, &Performer)> = sections
        .iter()
        .flat_map(|s| s.performers.iter().map(move |p| (s, p)))
        .collect();
    out.push_str(&paint(
        &format!("Performers ({}) in {scope}", performers.len()),
        "1",
        colour,
    ));
    out.push('\n');
    if performers.is_empty() {
        out.push_str("  none\n");
    }
    // Healthy first, then what needs attention.
    let order = [
        PerformerPhase::Running,
        PerformerPhase::Upgrading,
        PerformerPhase::Pending,
        PerformerPhase::Failed,
        PerformerPhase::Terminating,
    ];
    let mut groups: Vec<(Option<PerformerPhase>, Vec<Placed>)> =
        order.iter().map(|p| (Some(*p), Vec::new())).collect();
    groups.push((None, Vec::new()));
    for (section, p) in performers {
        let phase = p.status.as_ref().and_then(|s| s.phase);
        if let Some(group) = groups.iter_mut().find(|(g, _)| *g == phase) {
            group.1.push((section, p));
        }
    }
    for (phase, members) in groups.iter().filter(|(_, m)| !m.is_empty()) {
        let title = phase.map(|p| p.as_str()).unwrap_or("No status yet");
        out.push_str(&paint(
            &format!("{title} ({})", members.len()),
            phase_colour(*phase),
            colour,
        ));
        out.push('\n');
        let mut headers = leading.clone();
        headers.extend(
            [
                "NAME", "READY", "NODE", "GPU", "TEE", "ENDPOINT", "AGE", "MESSAGE",
            ]
            .map(String::from),
        );
        let rows: Vec<Vec<String>> = members
            .iter()
            .map(|(section, p)| {
                let mut row = prefix(section, &p.metadata.namespace);
                row.extend(performer_cells(p, section.pods, now));
                row
            })
            .collect();
        out.push_str(&indent(&table::render(&headers, &rows, &[], true)));
    }
    out.push('\n');
    out
}

/// NAME, READY, PHASE, CONFIG-UPDATED, AGE, IMAGE.
fn executor_cells(e: &HourglassExecutor, now: Timestamp) -> Vec<String> {
    let status = e.status.as_ref();
    vec![
        e.metadata.name.clone().unwrap_or_default(),
        format!(
            "{}/{}",
            status.and_then(|s| s.ready_replicas).unwrap_or(0),
            e.spec.replicas.unwrap_or(1)
        ),
        status
            .and_then(|s| s.phase)
            .map(|p| p.as_str().to_string())
            .unwrap_or_else(|| "<none>".into()),
        status
            .and_then(|s| s.last_config_update.as_ref())
            .map(|t| table::age(t.0, now))
            .unwrap_or_else(|| "<never>".into()),
        age_of(e.metadata.creation_timestamp.as_ref(), now),
        e.spec.image.clone(),
    ]
}

/// NAME, READY, NODE, GPU, TEE, ENDPOINT, AGE, MESSAGE.
fn performer_cells(p: &Performer, pods: &PodIndex, now: Timestamp) -> Vec<String> {
    let status = p.status.as_ref();
    let ns = p.metadata.namespace.clone().unwrap_or_default();
    let name = p.metadata.name.clone().unwrap_or_default();
    vec![
        name.clone(),
        status.is_some_and(|s| s.ready).to_string(),
        pods.node(&ns, &name, status.and_then(|s| s.pod_name.as_deref()))
            .unwrap_or("<none>")
            .to_string(),
        gpu(p),
        tee(p),
        status
            .and_then(|s| s.grpc_endpoint.clone())
            .unwrap_or_default(),
        age_of(p.metadata.creation_timestamp.as_ref(), now),
        note(p),
    ]
}

/// `hgctl status -o json|yaml`: the same facts as the screen, one document, for CI.
pub fn document(
    scope: &str,
    executors: &[HourglassExecutor],
    performers: &[Performer],
    pods: &PodIndex,
) -> serde_json::Value {
    use serde_json::json;
    let executors: Vec<_> = executors
        .iter()
        .map(|e| {
            let status = e.status.as_ref();
            json!({
                "namespace": e.metadata.namespace,
                "name": e.metadata.name,
                "replicas": e.spec.replicas.unwrap_or(1),
                "readyReplicas": status.and_then(|s| s.ready_replicas).unwrap_or(0),
                "phase": status.and_then(|s| s.phase).map(|p| p.as_str()),
                "image": e.spec.image,
            })
        })
        .collect();
    let mut counts = serde_json::Map::new();
    let rows: Vec<_> = performers
        .iter()
        .map(|p| {
            let status = p.status.as_ref();
            let ns = p.metadata.namespace.clone().unwrap_or_default();
            let name = p.metadata.name.clone().unwrap_or_default();
            let bucket = Bucket::of(p).label();
            let n = counts.entry(bucket).or_insert(json!(0));
            *n = json!(n.as_u64().unwrap_or(0) + 1);
            json!({
                "namespace": ns,
                "name": name,
                "state": bucket,
                "ready": status.is_some_and(|s| s.ready),
                "phase": status.and_then(|s| s.phase).map(|ph| ph.as_str()),
                "node": pods.node(&ns, &name, status.and_then(|s| s.pod_name.as_deref())),
                "endpoint": status.and_then(|s| s.grpc_endpoint.clone()),
                "message": message(p),
            })
        })
        .collect();
    json!({
        "scope": scope,
        "executors": executors,
        "performers": rows,
        "counts": counts,
        "summary": summary(performers),
    })
}

/// `status -o json|yaml` over several contexts: a section per context (the single-cluster
/// document, or `state` and `error`), and the fleet's counts and summary.
pub fn fleet_document(scope: &str, members: &[Member<Lists>]) -> Result<serde_json::Value> {
    let mut counts = serde_json::Map::new();
    let mut contexts = Vec::new();
    for m in members {
        let doc = Member {
            context: m.context.clone(),
            server: m.server.clone(),
            outcome: match &m.outcome {
                Ok(l) => {
                    let doc = document(scope, &l.executors, &l.performers, &l.pods);
                    for (bucket, n) in doc["counts"].as_object().into_iter().flatten() {
                        let total = counts.entry(bucket.clone()).or_insert(0.into());
                        *total = (total.as_u64().unwrap_or(0) + n.as_u64().unwrap_or(0)).into();
                    }
                    Ok(doc)
                }
                Err(f) => Err(f.clone()),
            },
        };
        contexts.push(crate::fleet::section(&doc)?);
    }
    Ok(serde_json::json!({
        "scope": scope,
        "contexts": contexts,
        "counts": counts,
        "summary": fleet_summary(members),
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_are_shortened_at_a_word() {
        let text = "Unschedulable: 0/3 nodes are available: 3 Insufficient nvidia.com/gpu";
        assert_eq!(shorten_at_word(text, 200), text);
        assert_eq!(
            shorten_at_word(text, 40),
            "Unschedulable: 0/3 nodes are available…"
        );
        let cut = shorten_at_word(text, 30);
        assert!(text.starts_with(cut.trim_end_matches('…')), "{cut}");
        assert!(cut.chars().count() <= 30);
        assert_eq!(shorten_at_word("abcdefghij", 5), "abcd…");
    }

    #[test]
    fn the_document_counts_every_performer_once() {
        let performers = crate::output::fixtures::performers();
        let doc = document("namespace avs", &[], &performers, &PodIndex::new(&[]));
        let counted: u64 = doc["counts"]
            .as_object()
            .unwrap()
            .values()
            .map(|v| v.as_u64().unwrap())
            .sum();
        assert_eq!(counted as usize, performers.len());
        assert_eq!(
            doc["performers"].as_array().unwrap().len(),
            performers.len()
        );
        assert_eq!(doc["summary"], summary(&performers));
    }
    use crate::output::fixtures;

    #[test]
    fn golden_status() {
        let text = render(
            "namespace avs",
            &fixtures::executors(),
            &fixtures::performers(),
            &PodIndex::new(&fixtures::pods()),
            false,
            false,
            fixtures::now(),
        );
        fixtures::assert_golden("status.txt", &text);
    }

    #[test]
    fn golden_status_all_namespaces() {
        let text = render(
            "all namespaces",
            &fixtures::executors(),
            &fixtures::performers(),
            &PodIndex::new(&fixtures::pods()),
            true,
            false,
            fixtures::now(),
        );
        fixtures::assert_golden("status-all-namespaces.txt", &text);
    }

    fn fleet() -> Vec<Member<Lists>> {
        use crate::fleet::tests::{member, unreachable};
        let lists = || Lists {
            executors: fixtures::executors(),
            performers: fixtures::performers(),
            pods: PodIndex::new(&fixtures::pods()),
        };
        vec![
            member("eu-prod", Ok(lists())),
            member("us-prod", Ok(lists())),
            member("ap-stage", Err(unreachable())),
        ]
    }

    #[test]
    fn golden_status_fleet() {
        let text = render_fleet("3 clusters", &fleet(), false, false, fixtures::now());
        fixtures::assert_golden("status-fleet.txt", &text);
    }

    #[test]
    fn the_fleet_summary_counts_every_cluster_once() {
        let members = fleet();
        assert_eq!(
            fleet_summary(&members),
            "3 clusters, 10 performers: 4 ready, 2 upgrading, 2 unschedulable, 2 no status yet; 1 cluster unreachable"
        );
        let text = render_fleet("3 clusters", &members, false, false, fixtures::now());
        // Each answered cluster's performers appear under their context; the unreachable
        // cluster is a row of the clusters table and nothing else.
        let rows_of = |ctx: &str| {
            text.lines()
                .filter(|l| l.trim_start().starts_with(ctx))
                .count()
        };
        assert_eq!(rows_of("eu-prod"), rows_of("us-prod"));
        assert_eq!(rows_of("ap-stage"), 1);
        assert!(text.contains("unreachable"), "{text}");
        let doc = fleet_document("3 clusters", &members).unwrap();
        assert_eq!(doc["contexts"].as_array().unwrap().len(), 3);
        assert_eq!(doc["contexts"][2]["state"], "unreachable");
        assert_eq!(
            doc["contexts"][0]["performers"].as_array().unwrap().len(),
            5
        );
        assert_eq!(doc["counts"]["ready"], 4);
        assert_eq!(doc["summary"], fleet_summary(&members));
    }

    #[test]
    fn colour_only_when_asked() {
        let args = |colour| {
            render(
                "namespace avs",
                &[],
                &fixtures::performers(),
                &PodIndex::default(),
                false,
                colour,
                fixtures::now(),
            )
        };
        assert!(!args(false).contains('\x1b'));
        assert!(args(true).contains("\x1b[32mRunning (2)\x1b[0m"));
    }

    #[test]
    fn summary_counts_each_performer_once() {
        assert_eq!(
            summary(&fixtures::performers()),
            "5 performers: 2 ready, 1 upgrading, 1 unschedulable, 1 no status yet"
        );
        assert_eq!(summary(&[]), "0 performers");
    }

    #[test]
    fn the_issue_example_summary() {
        let base = fixtures::performers();
        let mut fleet = Vec::new();
        for i in 0..10 {
            let mut p = base[0].clone();
            p.metadata.name = Some(format!("p{i}"));
            fleet.push(p);
        }
        fleet.push(base[2].clone());
        fleet.push(base[3].clone());
        assert_eq!(
            summary(&fleet),
            "12 performers: 10 ready, 1 upgrading, 1 unschedulable"
        );
    }

    /// Not a timed assertion: prints how long 1000 performers take (see the README).
    #[test]
    fn thousand_performers_render() {
        let base = fixtures::performers();
        let pods_fixture = fixtures::pods();
        let mut performers = Vec::new();
        let mut pods = Vec::new();
        for i in 0..1000 {
            let mut p = base[i % base.len()].clone();
            let name = format!("perf-{i:04}");
            p.metadata.name = Some(name.clone());
            if let Some(s) = p.status.as_mut() {
                s.pod_name = Some(format!("{name}-pod"));
            }
            let mut pod = pods_fixture[0].clone();
            pod.metadata.name = Some(format!("{name}-pod"));
            pod.metadata.namespace = p.metadata.namespace.clone();
            pods.push(pod);
            performers.push(p);
        }
        let start = std::time::Instant::now();
        let text = render(
            "all namespaces",
            &fixtures::executors(),
            &performers,
            &PodIndex::new(&pods),
            true,
            false,
            fixtures::now(),
        );
        eprintln!("status: 1000 performers rendered in {:?}", start.elapsed());
        assert!(text.contains("1000 performers:"));
        assert_eq!(text.matches("perf-").count(), 1000);
    }
}
