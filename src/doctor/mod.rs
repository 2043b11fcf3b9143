//! `hgctl doctor`: checks as data. Every check has a stable ID, a category, a
//! severity, a one-line description and, on failure, a hint naming the fix.
//!
//! The checks are pure functions over a [`Snapshot`] (what [`gather`] read
//! from the cluster, with bounded timeouts), so each is unit-tested on
//! constructed snapshots; [`report`] renders the results. A fatal failure
//! skips the checks that need it.

pub mod checks;
pub mod gather;
pub mod probe;
pub mod report;
pub mod snapshot;

use serde::Serialize;

pub use snapshot::Snapshot;

/// Where a check belongs in the report.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Category {
    Cluster,
    Installation,
    HardwareInventory,
    Workloads,
}

impl Category {
    pub const ALL: [Category; 4] = [
        Self::Cluster,
        Self::Installation,
        Self::HardwareInventory,
        Self::Workloads,
    ];

    pub fn title(self) -> &'static str {
        match self {
            Self::Cluster => "Cluster",
            Self::Installation => "Installation",
            Self::HardwareInventory => "Hardware inventory",
            Self::Workloads => "Workloads",
        }
    }
}

/// How bad a failure of the check is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Nothing that depends on it can be checked.
    Fatal,
    Error,
    Warning,
}

/// The outcome of one check run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    Pass,
    Warn,
    Fail,
    Skipped,
}

/// In which mode a check runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum When {
    Always,
    /// Only with `--pre` (before install).
    Pre,
    /// Only without `--pre` (needs an installation).
    Installed,
    /// Only with `--probe` (calls from a pod in the cluster).
    Probe,
}

/// What one evaluation found about one object (or the cluster).
#[derive(Debug, Clone, PartialEq)]
pub struct Finding {
    /// `performer/ns/name`, `node/name`, ... ; None for cluster-wide checks.
    pub object: Option<String>,
    pub verdict: Verdict,
    pub message: String,
    pub hint: Option<String>,
}

/// A check's verdict before its severity is applied.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    Pass,
    Problem,
    Skipped,
}

impl Finding {
    pub fn pass(object: Option<String>, message: impl Into<String>) -> Self {
        Self {
            object,
            verdict: Verdict::Pass,
            message: message.into(),
            hint: None,
        }
    }

    pub fn problem(
        object: Option<String>,
        message: impl Into<String>,
        hint: impl Into<String>,
    ) -> Self {
        Self {
            object,
            verdict: Verdict::Problem,
            message: message.into(),
            hint: Some(hint.into()),
        }
    }

    pub fn skipped(object: Option<String>, message: impl Into<String>) -> Self {
        Self {
            object,
            verdict: Verdict::Skipped,
            message: message.into(),
            hint: None,
        }
    }
}

/// One check, as data.
pub struct CheckDef {
    pub id: &'static str,
    pub category: Category,
    pub severity: Severity,
    pub description: &'static str,
    pub when: When,
    /// Checks that must not have failed (fatal ones); otherwise this one is skipped.
    pub needs: &'static [&'static str],
    /// The pure evaluation.
    pub eval: fn(&Snapshot) -> Vec<Finding>,
}

/// One entry of the report: a check run on one object.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CheckResult {
    pub id: &'static str,
    pub category: Category,
    pub severity: Severity,
    pub status: Status,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub object: Option<String>,
    pub message: String,
    pub hint: Option<String>,
}

/// What to run.
#[derive(Debug, Clone, Default)]
pub struct RunOptions {
    pub pre: bool,
    pub probe: bool,
    pub skip: Vec<String>,
}

/// Every check, in report order. IDs are stable: scripts use them with `--skip`.
pub const CHECKS: &[CheckDef] = checks::CATALOG;

/// Looks a check up by ID.
pub fn check(id: &str) -> Option<&'static CheckDef> {
    CHECKS.iter().find(|c| c.id == id)
}

/// Runs every check that applies, in catalog order; a failed (or skipped)
/// fatal check skips the checks that need it.
pub fn run(snapshot: &Snapshot, options: &RunOptions) -> Vec<CheckResult> {
    let mut results: Vec<CheckResult> = Vec::new();
    // Checks that failed or were skipped because of such a failure.
    let mut blocking: Vec<&str> = Vec::new();
    for def in CHECKS {
        let applies = match def.when {
            When::Always => true,
            When::Pre => options.pre,
            When::Installed => !options.pre,
            When::Probe => options.probe && !options.pre,
        };
        if !applies || options.skip.iter().any(|s| s == def.id) {
            continue;
        }
        let blocked = def.needs.iter().find(|need| blocking.contains(need));
        let findings = match blocked {
            Some(need) => {
                blocking.push(def.id);
                vec![Finding::skipped(None, format!("skipped: {need} failed"))]
            }
            None => (def.eval)(snapshot),
        };
        let start = results.len();
        results.extend(findings.into_iter().map(|f| apply(def, f)));
        if results[start..].iter().any(|r| r.status == Status::Fail) && !blocking.contains(&def.id)
        {
            blocking.push(def.id);
        }
    }
    results
}

/// Only the results about one object (`performer/ns/name`), for `describe`.
pub fn for_object(snapshot: &Snapshot, object: &str) -> Vec<CheckResult> {
    let options = RunOptions::default();
    run(snapshot, &options)
        .into_iter()
        .filter(|r| r.object.as_deref() == Some(object))
        .collect()
}

fn apply(def: &CheckDef, f: Finding) -> CheckResult {
    let status = match f.verdict {
        Verdict::Pass => Status::Pass,
        Verdict::Skipped => Status::Skipped,
        Verdict::Problem => match def.severity {
            Severity::Warning => Status::Warn,
            Severity::Error | Severity::Fatal => Status::Fail,
        },
    };
    CheckResult {
        id: def.id,
        category: def.category,
        severity: def.severity,
        status,
        object: f.object,
        message: f.message,
        hint: f.hint,
    }
}

/// Whether the report means failure: any `fail`, or any `warn` with `--fail-on warning`.
pub fn failed(results: &[CheckResult], fail_on_warning: bool) -> bool {
    results
        .iter()
        .any(|r| r.status == Status::Fail || (fail_on_warning && r.status == Status::Warn))
}

/// `performer/<ns>/<name>`: how results name a Performer.
pub fn performer_object(ns: &str, name: &str) -> String {
    format!("performer/{ns}/{name}")
}

/// `executor/<ns>/<name>`: how results name an HourglassExecutor.
pub fn executor_object(ns: &str, name: &str) -> String {
    format!("executor/{ns}/{name}")
}
