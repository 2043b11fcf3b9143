//! What `hgctl status` prints (pure): executors, performers grouped by phase,
//! and a summary line. Works from lists only (no per-object API calls), so
//! thousands of performers render at once.

use k8s_openapi::jiff::Timestamp;

use crate::api::conditions::{self, reason};
use crate::api::performer::PerformerPhase;
use crate::api::{HourglassExecutor, Performer};
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
    let mut counts = [0usize; Bucket::ALL.len()];
    for p in performers {
        counts[Bucket::ALL
            .iter()
            .position(|b| *b == Bucket::of(p))
            .unwrap_or(0)] += 1;
    }
    let noun = if performers.len() == 1 {
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
        format!("{} {noun}: {}", performers.len(), parts.join(", "))
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
    let mut out = String::new();
    let ns_cell = |ns: &Option<String>| ns.clone().unwrap_or_default();

    out.push_str(&paint(
        &format!("Executors ({}) in {scope}", executors.len()),
        "1",
        colour,
    ));
    out.push('\n');
    if executors.is_empty() {
        out.push_str("  none\n");
    } else {
        let mut headers: Vec<String> = Vec::new();
        if all_namespaces {
            headers.push("NAMESPACE".into());
        }
        headers
            .extend(["NAME", "READY", "PHASE", "CONFIG-UPDATED", "AGE", "IMAGE"].map(String::from));
        let rows: Vec<Vec<String>> = executors
            .iter()
            .map(|e| {
                let status = e.status.as_ref();
                let mut row = Vec::new();
                if all_namespaces {
                    row.push(ns_cell(&e.metadata.namespace));
                }
                row.push(e.metadata.name.clone().unwrap_or_default());
                row.push(format!(
                    "{}/{}",
                    status.and_then(|s| s.ready_replicas).unwrap_or(0),
                    e.spec.replicas.unwrap_or(1)
                ));
                row.push(
                    status
                        .and_then(|s| s.phase)
                        .map(|p| p.as_str().to_string())
                        .unwrap_or_else(|| "<none>".into()),
                );
                row.push(
                    status
                        .and_then(|s| s.last_config_update.as_ref())
                        .map(|t| table::age(t.0, now))
                        .unwrap_or_else(|| "<never>".into()),
                );
                row.push(age_of(e.metadata.creation_timestamp.as_ref(), now));
                row.push(e.spec.image.clone());
                row
            })
            .collect();
        out.push_str(&indent(&table::render(&headers, &rows, &[], true)));
    }
    out.push('\n');

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
    let mut groups: Vec<(Option<PerformerPhase>, Vec<&Performer>)> =
        order.iter().map(|p| (Some(*p), Vec::new())).collect();
    groups.push((None, Vec::new()));
    for p in performers {
        let phase = p.status.as_ref().and_then(|s| s.phase);
        if let Some(group) = groups.iter_mut().find(|(g, _)| *g == phase) {
            group.1.push(p);
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
        let mut headers: Vec<String> = Vec::new();
        if all_namespaces {
            headers.push("NAMESPACE".into());
        }
        headers.extend(
            [
                "NAME", "READY", "NODE", "GPU", "TEE", "ENDPOINT", "AGE", "MESSAGE",
            ]
            .map(String::from),
        );
        let rows: Vec<Vec<String>> = members
            .iter()
            .map(|p| {
                let status = p.status.as_ref();
                let ns = p.metadata.namespace.clone().unwrap_or_default();
                let name = p.metadata.name.clone().unwrap_or_default();
                let mut row = Vec::new();
                if all_namespaces {
                    row.push(ns.clone());
                }
                row.push(name.clone());
                row.push(status.is_some_and(|s| s.ready).to_string());
                row.push(
                    pods.node(&ns, &name, status.and_then(|s| s.pod_name.as_deref()))
                        .unwrap_or("<none>")
                        .to_string(),
                );
                row.push(gpu(p));
                row.push(tee(p));
                row.push(
                    status
                        .and_then(|s| s.grpc_endpoint.clone())
                        .unwrap_or_default(),
                );
                row.push(age_of(p.metadata.creation_timestamp.as_ref(), now));
                row.push(note(p));
                row
            })
            .collect();
        out.push_str(&indent(&table::render(&headers, &rows, &[], true)));
    }
    out.push('\n');
    out.push_str(&paint(&summary(performers), "1", colour));
    out.push('\n');
    out
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
