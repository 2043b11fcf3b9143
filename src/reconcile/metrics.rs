//! Prometheus metrics of the controllers, in the text exposition format:
//! reconciles, errors and durations by kind, API writes by verb and resource,
//! and Performers by phase (read from the cache at scrape time).

use std::collections::BTreeMap;
use std::fmt::Write;
use std::sync::Mutex;
use std::time::Duration;

use kube::runtime::reflector::Store;

use crate::api::Performer;
use crate::api::performer::PerformerPhase;

#[derive(Default)]
struct Counters {
    reconciles: BTreeMap<&'static str, u64>,
    errors: BTreeMap<&'static str, u64>,
    duration_sum: BTreeMap<&'static str, f64>,
    writes: BTreeMap<(&'static str, &'static str), u64>,
}

/// Metrics shared by every controller of one process.
#[derive(Default)]
pub struct Metrics {
    counters: Mutex<Counters>,
    performers: Mutex<Option<Store<Performer>>>,
}

impl Metrics {
    pub fn new() -> Self {
        Self::default()
    }

    /// Counts one reconcile pass of `kind`.
    pub fn observe(&self, kind: &'static str, took: Duration, failed: bool) {
        let mut c = self.counters.lock().unwrap_or_else(|e| e.into_inner());
        *c.reconciles.entry(kind).or_default() += 1;
        *c.duration_sum.entry(kind).or_default() += took.as_secs_f64();
        if failed {
            *c.errors.entry(kind).or_default() += 1;
        }
    }

    /// Counts one API write.
    pub fn write(&self, verb: &'static str, resource: &'static str) {
        let mut c = self.counters.lock().unwrap_or_else(|e| e.into_inner());
        *c.writes.entry((verb, resource)).or_default() += 1;
    }

    /// Total API writes so far (for tests and the benchmark).
    pub fn total_writes(&self) -> u64 {
        let c = self.counters.lock().unwrap_or_else(|e| e.into_inner());
        c.writes.values().sum()
    }

    pub fn set_performer_store(&self, store: Store<Performer>) {
        *self.performers.lock().unwrap_or_else(|e| e.into_inner()) = Some(store);
    }

    /// The Prometheus text exposition of every metric.
    pub fn render(&self) -> String {
        let mut out = String::new();
        let c = self.counters.lock().unwrap_or_else(|e| e.into_inner());
        let _ = writeln!(
            out,
            "# HELP hgctl_reconciles_total Reconcile passes by kind."
        );
        let _ = writeln!(out, "# TYPE hgctl_reconciles_total counter");
        for (kind, n) in &c.reconciles {
            let _ = writeln!(out, "hgctl_reconciles_total{{kind=\"{kind}\"}} {n}");
        }
        let _ = writeln!(
            out,
            "# HELP hgctl_reconcile_errors_total Failed reconcile passes by kind."
        );
        let _ = writeln!(out, "# TYPE hgctl_reconcile_errors_total counter");
        for (kind, n) in &c.errors {
            let _ = writeln!(out, "hgctl_reconcile_errors_total{{kind=\"{kind}\"}} {n}");
        }
        let _ = writeln!(
            out,
            "# HELP hgctl_reconcile_duration_seconds_sum Time spent reconciling by kind."
        );
        let _ = writeln!(out, "# TYPE hgctl_reconcile_duration_seconds_sum counter");
        for (kind, s) in &c.duration_sum {
            let _ = writeln!(
                out,
                "hgctl_reconcile_duration_seconds_sum{{kind=\"{kind}\"}} {s:.6}"
            );
        }
        let _ = writeln!(
            out,
            "# HELP hgctl_api_writes_total API writes by verb and resource."
        );
        let _ = writeln!(out, "# TYPE hgctl_api_writes_total counter");
        for ((verb, resource), n) in &c.writes {
            let _ = writeln!(
                out,
                "hgctl_api_writes_total{{verb=\"{verb}\",resource=\"{resource}\"}} {n}"
            );
        }
        drop(c);
        if let Some(store) = self
            .performers
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .as_ref()
        {
            let mut by_phase: BTreeMap<&str, u64> = PerformerPhase::ALL
                .iter()
                .map(|p| (p.as_str(), 0))
                .collect();
            for p in store.state() {
                if let Some(phase) = p.status.as_ref().and_then(|s| s.phase) {
                    *by_phase.entry(phase.as_str()).or_default() += 1;
                }
            }
            let _ = writeln!(out, "# HELP hgctl_performers Performers by phase.");
            let _ = writeln!(out, "# TYPE hgctl_performers gauge");
            for (phase, n) in by_phase {
                let _ = writeln!(out, "hgctl_performers{{phase=\"{phase}\"}} {n}");
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_counters_in_prometheus_text() {
        let m = Metrics::new();
        m.observe("performer", Duration::from_millis(5), false);
        m.observe("performer", Duration::from_millis(5), true);
        m.write("apply", "pods");
        let text = m.render();
        assert!(text.contains("hgctl_reconciles_total{kind=\"performer\"} 2"));
        assert!(text.contains("hgctl_reconcile_errors_total{kind=\"performer\"} 1"));
        assert!(text.contains("hgctl_api_writes_total{verb=\"apply\",resource=\"pods\"} 1"));
        assert_eq!(m.total_writes(), 1);
    }
}
