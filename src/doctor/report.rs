//! Rendering doctor results: a table grouped by category with a mark per
//! check, the problems only (`short`), or exactly one JSON document.

use std::collections::BTreeMap;

use serde::Serialize;

use super::{CheckResult, Status};

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
