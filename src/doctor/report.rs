//! Rendering doctor results: a table grouped by category with a mark per
//! check, the problems only (`short`), or exactly one JSON document.

use std::collections::BTreeMap;

use serde::Serialize;

use super::{CheckResult, Status};
use crate::fleet::Member;

/// Counts per status.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Summary {
    pub total: usize,
    pub pass: usize,
    pub warn: usize,
    pub fail: usize,
    pub skipped: usize,
}

pub fn summary(results: &[CheckResult]) -> Summary {
    let mut s = Summary {
        total: results.len(),
        ..Default::default()
    };
    for r in results {
        match r.status {
            Status::Pass => s.pass += 1,
            Status::Warn => s.warn += 1,
            Status::Fail => s.fail += 1,
            Status::Skipped => s.skipped += 1,
        }
    }
    s
}

fn summary_line(s: &Summary) -> String {
    format!(
        "{} checks: {} passed, {} warning{}, {} failed, {} skipped\n",
        s.total,
        s.pass,
        s.warn,
        if s.warn == 1 { "" } else { "s" },
        s.fail,
        s.skipped
    )
}

/// The mark of a status: symbols on a terminal, words otherwise.
fn mark(status: Status, fancy: bool) -> &'static str {
    match (status, fancy) {
        (Status::Pass, true) => "✔",
        (Status::Warn, true) => "‼",
        (Status::Fail, true) => "×",
        (Status::Skipped, true) => "-",
        (Status::Pass, false) => "ok  ",
        (Status::Warn, false) => "WARN",
        (Status::Fail, false) => "FAIL",
        (Status::Skipped, false) => "skip",
    }
}

fn colour(status: Status, text: &str, on: bool) -> String {
    if !on {
        return text.to_string();
    }
    let code = match status {
        Status::Pass => "32",
        Status::Warn => "33",
        Status::Fail => "31",
        Status::Skipped => "2",
    };
    format!("\x1b[{code}m{text}\x1b[0m")
}

fn entry(out: &mut String, r: &CheckResult, fancy: bool, colours: bool) {
    let object = r
        .object
        .as_deref()
        .map(|o| format!("{o}: "))
        .unwrap_or_default();
    let width = super::CHECKS.iter().map(|c| c.id.len()).max().unwrap_or(0);
    out.push_str(&format!(
        "  {} {:<width$}  {object}{}\n",
        colour(r.status, mark(r.status, fancy), colours),
        r.id,
        r.message
    ));
    if matches!(r.status, Status::Warn | Status::Fail)
        && let Some(hint) = &r.hint
    {
        out.push_str(&format!("      hint: {hint}\n"));
    }
}

/// The table: per category, one line per problem and one line per check
/// whose runs all passed (with how many objects it looked at).
pub fn table(results: &[CheckResult], fancy: bool, colours: bool) -> String {
    let mut out = String::new();
    for cat in super::Category::ALL {
        let in_cat: Vec<&CheckResult> = results.iter().filter(|r| r.category == cat).collect();
        if in_cat.is_empty() {
            continue;
        }
        out.push_str(&format!("{}\n", cat.title()));
        // Collapse passing per-object runs of one check into one line.
        let mut order: Vec<&'static str> = Vec::new();
        let mut by_id: BTreeMap<&str, Vec<&CheckResult>> = BTreeMap::new();
        for r in &in_cat {
            if !order.contains(&r.id) {
                order.push(r.id);
            }
            by_id.entry(r.id).or_default().push(r);
        }
        for id in order {
            let runs = &by_id[id];
            let passes: Vec<&&CheckResult> =
                runs.iter().filter(|r| r.status == Status::Pass).collect();
            if passes.len() > 1 {
                let def = super::check(id);
                let collapsed = CheckResult {
                    object: None,
                    message: format!(
                        "{} ({} objects)",
                        def.map(|d| d.description).unwrap_or_default(),
                        passes.len()
                    ),
                    ..(**passes[0]).clone()
                };
                entry(&mut out, &collapsed, fancy, colours);
            } else if let Some(p) = passes.first() {
                entry(&mut out, p, fancy, colours);
            }
            for r in runs.iter().filter(|r| r.status != Status::Pass) {
                entry(&mut out, r, fancy, colours);
            }
        }
        out.push('\n');
    }
    out.push_str(&summary_line(&summary(results)));
    out
}

/// Only warnings and failures, then the summary line.
pub fn short(results: &[CheckResult], fancy: bool, colours: bool) -> String {
    let mut out = String::new();
    for r in results
        .iter()
        .filter(|r| matches!(r.status, Status::Warn | Status::Fail))
    {
        entry(&mut out, r, fancy, colours);
    }
    out.push_str(&summary_line(&summary(results)));
    out
}

/// The `-o json` report: exactly one document, `{"checks": [...], "summary": {...}}`.
#[derive(Serialize)]
pub struct JsonReport<'a> {
    checks: &'a [CheckResult],
    summary: Summary,
}

/// The JSON report of `results` (serialized by `output::json`, so that doctor
/// does not import output, which imports doctor for `describe`).
pub fn json(results: &[CheckResult]) -> JsonReport<'_> {
    JsonReport {
        checks: results,
        summary: summary(results),
    }
}

/// `doctor` over several contexts: each cluster's report under its context (one line for
/// a cluster that gave no answer), then the fleet line.
pub fn fleet_table(members: &[Member<Vec<CheckResult>>], fancy: bool, colours: bool) -> String {
    let mut out = String::new();
    for m in members {
        out.push_str(&format!(
            "Context {}{}\n",
            m.context,
            m.server
                .as_deref()
                .map(|s| format!(" ({s})"))
                .unwrap_or_default()
        ));
        let body = match &m.outcome {
            Ok(results) => table(results, fancy, colours),
            Err(f) => failure_line(f, fancy, colours),
        };
        out.extend(body.lines().map(|l| {
            if l.is_empty() {
                "\n".to_string()
            } else {
                format!("  {l}\n")
            }
        }));
        out.push('\n');
    }
    out.push_str(&fleet_summary(members));
    out
}

/// Problems only, each prefixed by its context, then the fleet line.
pub fn fleet_short(members: &[Member<Vec<CheckResult>>], fancy: bool, colours: bool) -> String {
    let mut out = String::new();
    for m in members {
        match &m.outcome {
            Ok(results) => {
                for r in results
                    .iter()
                    .filter(|r| matches!(r.status, Status::Warn | Status::Fail))
                {
                    let mut line = String::new();
                    entry(&mut line, r, fancy, colours);
                    out.push_str(&format!("{}:{line}", m.context));
                }
            }
            Err(f) => out.push_str(&format!(
                "{}:{}",
                m.context,
                failure_line(f, fancy, colours)
            )),
        }
    }
    out.push_str(&fleet_summary(members));
    out
}

/// `-o json` over several contexts: `{"contexts": [{context, server, state, checks,
/// summary} | {context, server, state, error}], "summary": {...}}`.
pub fn fleet_json(members: &[Member<Vec<CheckResult>>]) -> crate::error::Result<serde_json::Value> {
    let contexts = members
        .iter()
        .map(|m| {
            crate::fleet::section(&Member {
                context: m.context.clone(),
                server: m.server.clone(),
                outcome: m.outcome.as_ref().map(|r| json(r)).map_err(Clone::clone),
            })
        })
        .collect::<crate::error::Result<Vec<_>>>()?;
    Ok(serde_json::json!({
        "contexts": contexts,
        "summary": summary(&answered(members)),
        "clustersFailed": members.iter().filter(|m| m.failure().is_some()).count(),
    }))
}

fn answered(members: &[Member<Vec<CheckResult>>]) -> Vec<CheckResult> {
    members
        .iter()
        .filter_map(|m| m.outcome.as_ref().ok())
        .flatten()
        .cloned()
        .collect()
}

/// `2 clusters, 24 checks: 20 passed, 2 warnings, 0 failed, 2 skipped; 1 cluster unreachable`.
fn fleet_summary(members: &[Member<Vec<CheckResult>>]) -> String {
    let clusters = match members.len() {
        1 => "1 cluster".to_string(),
        n => format!("{n} clusters"),
    };
    let mut line = format!("{clusters}, {}", summary_line(&summary(&answered(members))));
    let failures = crate::fleet::failures_summary(members);
    if !failures.is_empty() {
        line.truncate(line.trim_end().len());
        line.push_str(&format!("; {failures}\n"));
    }
    line
}

fn failure_line(f: &crate::fleet::Failure, fancy: bool, colours: bool) -> String {
    format!(
        "  {} {}: {}\n",
        colour(Status::Fail, mark(Status::Fail, fancy), colours),
        f.state.as_str(),
        f.message
    )
}

/// The "what doctor says" section of `describe`: problems and skips, or one line.
pub fn describe_section(results: &[CheckResult]) -> String {
    let mut out = String::from("Doctor:\n");
    let problems: Vec<&CheckResult> = results
        .iter()
        .filter(|r| r.status != Status::Pass)
        .collect();
    if results.is_empty() {
        out.push_str("  <no checks apply>\n");
        return out;
    }
    if problems.is_empty() {
        out.push_str(&format!("  all {} checks passed\n", results.len()));
        return out;
    }
    for r in problems {
        let mut line = String::new();
        let plain = CheckResult {
            object: None,
            ..r.clone()
        };
        entry(&mut line, &plain, false, false);
        out.push_str(&line);
    }
    let passed = results.len() - results.iter().filter(|r| r.status != Status::Pass).count();
    out.push_str(&format!("  {passed} other checks passed\n"));
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fleet::tests::{member, unreachable};

    fn result(id: &'static str, status: Status) -> CheckResult {
        let def = super::super::check(id).expect("a known check");
        CheckResult {
            id,
            category: def.category,
            severity: def.severity,
            status,
            object: None,
            message: "m".into(),
            hint: Some("do this".into()),
        }
    }

    #[test]
    fn the_fleet_report_has_a_section_per_context_and_a_fleet_line() {
        let id = super::super::CHECKS[0].id;
        let members = vec![
            member("a", Ok(vec![result(id, Status::Pass)])),
            member("b", Ok(vec![result(id, Status::Fail)])),
            member("c", Err(unreachable())),
        ];
        let text = fleet_table(&members, false, false);
        assert!(
            text.contains("Context a (https://a.example:6443/)"),
            "{text}"
        );
        assert!(text.contains("Context c"), "{text}");
        assert!(text.contains("FAIL unreachable: cannot reach"), "{text}");
        assert!(
            text.ends_with("3 clusters, 2 checks: 1 passed, 0 warnings, 1 failed, 0 skipped; 1 cluster unreachable\n"),
            "{text}"
        );
        let short = fleet_short(&members, false, false);
        assert!(short.starts_with(&format!("b:  FAIL {id}")), "{short}");
        assert!(short.contains("c:  FAIL unreachable"), "{short}");
        let doc = fleet_json(&members).unwrap();
        assert_eq!(doc["contexts"][1]["summary"]["fail"], 1);
        assert_eq!(doc["contexts"][2]["state"], "unreachable");
        assert_eq!(doc["clustersFailed"], 1);
        assert_eq!(doc["summary"]["total"], 2);
    }
}
