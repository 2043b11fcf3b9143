//! Prometheus metrics of the controllers, in the text exposition format: reconciles,
//! errors and durations by kind, API writes by verb and resource, whether this process
//! holds the lease, per-Performer and per-executor gauges (read from the caches at scrape
//! time), a histogram of time to ready, and counts of rollouts, force-deletes and lost-node
//! evictions. Labels are bounded: namespace, performer, avs, executor and small enums;
//! no pod hashes and no free text. Every series is listed in the README.

use std::collections::BTreeMap;
use std::fmt::Write;
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use k8s_openapi::apimachinery::pkg::apis::meta::v1::Time;
use k8s_openapi::jiff::Timestamp;
use kube::runtime::reflector::Store;

use crate::api::conditions::{self, reason};
use crate::api::performer::{PerformerPhase, PerformerStatus};
use crate::api::{HourglassExecutor, Performer};

/// Upper bounds (seconds) of the time-to-ready histogram: a pulled image starts in
/// seconds, a model load takes minutes.
pub const READY_BUCKETS: &[f64] = &[
    1.0, 2.0, 5.0, 10.0, 20.0, 30.0, 60.0, 120.0, 300.0, 600.0, 1800.0, 3600.0,
];

/// What started the wait that ended when a Performer became ready.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Trigger {
    /// The Performer was created and is ready for the first time.
    Create,
    /// A spec change rolled out (blue-green) and the new pod serves.
    SpecChange,
    /// It had been ready, stopped being ready (crash, lost node), and is ready again.
    Recovery,
}

impl Trigger {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Create => "create",
            Self::SpecChange => "spec_change",
            Self::Recovery => "recovery",
        }
    }
}

/// A change between two statuses of one Performer that a metric counts.
#[derive(Debug, Clone, PartialEq)]
pub enum Observation {
    Ready { trigger: Trigger, seconds: f64 },
    RolloutStarted,
    LostNodeEviction,
}

/// What a status write changes, for the histogram and counters (pure). `created` is the
/// Performer's creation time, `now` the write's.
pub fn observations(
    old: Option<&PerformerStatus>,
    new: &PerformerStatus,
    created: Option<&Time>,
    now: Timestamp,
) -> Vec<Observation> {
    let mut out = Vec::new();
    let since = |t: &Time| (now.duration_since(t.0).as_secs_f64()).max(0.0);
    let old_conds = old.and_then(|o| o.conditions.as_deref());
    let was_ready = old.is_some_and(|o| o.ready);
    if new.ready && !was_ready {
        let ever_ready = old.is_some_and(|o| o.ready_time.is_some());
        let (trigger, from) = if ever_ready {
            let went_down = conditions::find(old_conds, conditions::READY)
                .filter(|c| c.status == "False")
                .map(|c| &c.last_transition_time);
            (Trigger::Recovery, went_down)
        } else {
            (Trigger::Create, created)
        };
        if let Some(from) = from {
            out.push(Observation::Ready {
                trigger,
                seconds: since(from),
            });
        }
    }
    let old_phase = old.and_then(|o| o.phase);
    if new.phase == Some(PerformerPhase::Upgrading) && old_phase != Some(PerformerPhase::Upgrading)
    {
        out.push(Observation::RolloutStarted);
    }
    if old_phase == Some(PerformerPhase::Upgrading)
        && new.phase == Some(PerformerPhase::Running)
        && new.ready
        && let Some(started) =
            conditions::find(old_conds, conditions::PROGRESSING).filter(|c| c.status == "True")
    {
        out.push(Observation::Ready {
            trigger: Trigger::SpecChange,
            seconds: since(&started.last_transition_time),
        });
    }
    let evicted = |conds: Option<&[k8s_openapi::apimachinery::pkg::apis::meta::v1::Condition]>| {
        conditions::find(conds, conditions::DEGRADED)
            .is_some_and(|c| c.status == "True" && c.reason == reason::POD_EVICTED)
    };
    if evicted(new.conditions.as_deref()) && !evicted(old_conds) {
        out.push(Observation::LostNodeEviction);
    }
    out
}

/// Why a Performer is not ready, as a bounded label value (None when ready), from the
/// same conditions `status` and doctor read.
pub fn not_ready_reason(p: &Performer) -> Option<&'static str> {
    let Some(status) = &p.status else {
        return Some("no_status");
    };
    if status.ready {
        return None;
    }
    let conds = status.conditions.as_deref();
    if crate::output::status::unschedulable(p) {
        return Some("unschedulable");
    }
    let degraded = conditions::find(conds, conditions::DEGRADED).filter(|c| c.status == "True");
    if let Some(c) = degraded {
        return Some(match c.reason.as_str() {
            reason::IMAGE_PULL => "image_pull",
            reason::CRASH_LOOP => "crash_loop",
            reason::NODE_NOT_READY | reason::POD_EVICTED => "node_lost",
            reason::POD_FAILED => "pod_failed",
            _ => "other",
        });
    }
    let ready = conditions::find(conds, conditions::READY);
    Some(match ready.map(|c| c.reason.as_str()) {
        Some(reason::POD_PENDING) | Some(reason::POD_SCHEDULED) => "starting",
        Some(reason::POD_NOT_READY) => "probe_failing",
        Some(reason::DELETING) => "terminating",
        _ => "other",
    })
}

/// GPUs a Performer asks for (its `hardwareRequirements`, else a `nvidia.com/gpu` limit).
pub fn gpus_requested(p: &Performer) -> i64 {
    let hw = p.spec.hardware_requirements.as_ref();
    if hw.and_then(|h| h.gpu_type.as_ref()).is_some() {
        return i64::from(hw.and_then(|h| h.gpu_count).unwrap_or(1));
    }
    p.spec
        .resources
        .as_ref()
        .and_then(|r| r.limits.as_ref())
        .and_then(|l| l.get(crate::hardware::GPU_RESOURCE))
        .and_then(|q| q.0.parse::<i64>().ok())
        .unwrap_or(0)
}

#[derive(Default)]
struct Histogram {
    buckets: Vec<u64>,
    sum: f64,
    count: u64,
}

impl Histogram {
    fn observe(&mut self, value: f64) {
        if self.buckets.is_empty() {
            self.buckets = vec![0; READY_BUCKETS.len()];
        }
        for (i, bound) in READY_BUCKETS.iter().enumerate() {
            if value <= *bound {
                self.buckets[i] += 1;
            }
        }
        self.sum += value;
        self.count += 1;
    }
}

#[derive(Default)]
struct Counters {
    reconciles: BTreeMap<&'static str, u64>,
    errors: BTreeMap<&'static str, u64>,
    duration_sum: BTreeMap<&'static str, f64>,
    writes: BTreeMap<(&'static str, &'static str), u64>,
    ready_seconds: BTreeMap<Trigger, Histogram>,
    /// (series, namespace) -> count, for the rollout, force-delete and eviction counters.
    per_namespace: BTreeMap<(&'static str, String), u64>,
}

/// Metrics shared by every controller of one process.
#[derive(Default)]
pub struct Metrics {
    counters: Mutex<Counters>,
    performers: Mutex<Option<Store<Performer>>>,
    executors: Mutex<Option<Store<HourglassExecutor>>>,
    leader: AtomicBool,
}

const ROLLOUTS: &str = "hgctl_performer_rollouts_total";
const FORCE_DELETES: &str = "hgctl_performer_pod_force_deletes_total";
const EVICTIONS: &str = "hgctl_performer_lost_node_evictions_total";

impl Metrics {
    pub fn new() -> Self {
        Self::default()
    }

    fn counters(&self) -> std::sync::MutexGuard<'_, Counters> {
        self.counters.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Counts one reconcile pass of `kind`.
    pub fn observe(&self, kind: &'static str, took: Duration, failed: bool) {
        let mut c = self.counters();
        *c.reconciles.entry(kind).or_default() += 1;
        *c.duration_sum.entry(kind).or_default() += took.as_secs_f64();
        if failed {
            *c.errors.entry(kind).or_default() += 1;
        }
    }

    /// Counts one API write.
    pub fn write(&self, verb: &'static str, resource: &'static str) {
        *self.counters().writes.entry((verb, resource)).or_default() += 1;
    }

    /// Total API writes so far (for tests and the benchmark).
    pub fn total_writes(&self) -> u64 {
        self.counters().writes.values().sum()
    }

    /// Records what a Performer's status write changed (see [`observations`]).
    pub fn performer_status_written(&self, namespace: &str, observations: &[Observation]) {
        let mut c = self.counters();
        for o in observations {
            match o {
                Observation::Ready { trigger, seconds } => c
                    .ready_seconds
                    .entry(*trigger)
                    .or_default()
                    .observe(*seconds),
                Observation::RolloutStarted => {
                    *c.per_namespace
                        .entry((ROLLOUTS, namespace.into()))
                        .or_default() += 1
                }
                Observation::LostNodeEviction => {
                    *c.per_namespace
                        .entry((EVICTIONS, namespace.into()))
                        .or_default() += 1
                }
            }
        }
    }

    /// Counts a pod deleted with no grace period because its kubelet did not confirm.
    pub fn force_deleted(&self, namespace: &str) {
        *self
            .counters()
            .per_namespace
            .entry((FORCE_DELETES, namespace.into()))
            .or_default() += 1;
    }

    /// Whether this process holds the leader-election lease now.
    pub fn set_leader(&self, leader: bool) {
        self.leader.store(leader, Ordering::Relaxed);
    }

    pub fn set_performer_store(&self, store: Store<Performer>) {
        *self.performers.lock().unwrap_or_else(|e| e.into_inner()) = Some(store);
    }

    pub fn set_executor_store(&self, store: Store<HourglassExecutor>) {
        *self.executors.lock().unwrap_or_else(|e| e.into_inner()) = Some(store);
    }

    /// The Prometheus text exposition of every metric.
    pub fn render(&self) -> String {
        let mut out = String::new();
        self.render_counters(&mut out);
        let leader = u8::from(self.leader.load(Ordering::Relaxed));
        family(
            &mut out,
            "hgctl_leader",
            "gauge",
            "1 while this process holds the leader-election lease and reconciles.",
        );
        let _ = writeln!(out, "hgctl_leader {leader}");
        let now = Timestamp::now();
        if let Some(store) = self
            .performers
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .as_ref()
        {
            let performers: Vec<_> = store.state();
            render_performers(&mut out, performers.iter().map(|p| p.as_ref()), now);
        }
        if let Some(store) = self
            .executors
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .as_ref()
        {
            let executors: Vec<_> = store.state();
            render_executors(&mut out, executors.iter().map(|e| e.as_ref()));
        }
        out
    }

    fn render_counters(&self, out: &mut String) {
        let c = self.counters();
        family(
            out,
            "hgctl_reconciles_total",
            "counter",
            "Reconcile passes by kind.",
        );
        for (kind, n) in &c.reconciles {
            let _ = writeln!(out, "hgctl_reconciles_total{{kind=\"{kind}\"}} {n}");
        }
        family(
            out,
            "hgctl_reconcile_errors_total",
            "counter",
            "Failed reconcile passes by kind.",
        );
        for (kind, n) in &c.errors {
            let _ = writeln!(out, "hgctl_reconcile_errors_total{{kind=\"{kind}\"}} {n}");
        }
        family(
            out,
            "hgctl_reconcile_duration_seconds_sum",
            "counter",
            "Time spent reconciling by kind.",
        );
        for (kind, s) in &c.duration_sum {
            let _ = writeln!(
                out,
                "hgctl_reconcile_duration_seconds_sum{{kind=\"{kind}\"}} {s:.6}"
            );
        }
        family(
            out,
            "hgctl_api_writes_total",
            "counter",
            "API writes by verb and resource.",
        );
        for ((verb, resource), n) in &c.writes {
            let _ = writeln!(
                out,
                "hgctl_api_writes_total{{verb=\"{verb}\",resource=\"{resource}\"}} {n}"
            );
        }
        let name = "hgctl_performer_ready_seconds";
        family(
            out,
            name,
            "histogram",
            "Time from a Performer's creation (trigger=create), a spec change (spec_change) or a loss of readiness (recovery) to ready.",
        );
        for (trigger, h) in &c.ready_seconds {
            let t = trigger.as_str();
            for (bound, n) in READY_BUCKETS.iter().zip(&h.buckets) {
                let _ = writeln!(out, "{name}_bucket{{trigger=\"{t}\",le=\"{bound}\"}} {n}");
            }
            let _ = writeln!(
                out,
                "{name}_bucket{{trigger=\"{t}\",le=\"+Inf\"}} {}",
                h.count
            );
            let _ = writeln!(out, "{name}_sum{{trigger=\"{t}\"}} {:.3}", h.sum);
            let _ = writeln!(out, "{name}_count{{trigger=\"{t}\"}} {}", h.count);
        }
        for (series, help) in [
            (ROLLOUTS, "Blue-green rollouts started, by namespace."),
            (
                FORCE_DELETES,
                "Pods deleted with no grace period because their kubelet did not confirm, by namespace.",
            ),
            (
                EVICTIONS,
                "Performer pods evicted from a lost node, by namespace.",
            ),
        ] {
            family(out, series, "counter", help);
            for ((s, ns), n) in &c.per_namespace {
                if *s == series {
                    let _ = writeln!(out, "{series}{{namespace=\"{}\"}} {n}", escape(ns));
                }
            }
        }
    }
}

/// A gauge family: name, help, and its value for one object (at a time).
type Gauge<K, V> = (&'static str, &'static str, fn(&K, Timestamp) -> V);

/// `# HELP` and `# TYPE` of one metric family.
fn family(out: &mut String, name: &str, kind: &str, help: &str) {
    let _ = writeln!(out, "# HELP {name} {help}");
    let _ = writeln!(out, "# TYPE {name} {kind}");
}

/// A label value as the exposition format wants it.
fn escape(value: &str) -> String {
    value
        .replace('\\', "\\\\")
        .replace('"', "\\\"")
        .replace('\n', "\\n")
}

/// The per-Performer gauges and the counts by phase and by not-ready reason (pure).
pub fn render_performers<'a>(
    out: &mut String,
    performers: impl Iterator<Item = &'a Performer>,
    now: Timestamp,
) {
    let performers: Vec<&Performer> = performers.collect();
    let mut by_phase: BTreeMap<&str, u64> = PerformerPhase::ALL
        .iter()
        .map(|p| (p.as_str(), 0))
        .collect();
    let mut not_ready: BTreeMap<(String, &str), u64> = BTreeMap::new();
    for p in &performers {
        if let Some(phase) = p.status.as_ref().and_then(|s| s.phase) {
            *by_phase.entry(phase.as_str()).or_default() += 1;
        }
        if let Some(why) = not_ready_reason(p) {
            let ns = p.metadata.namespace.clone().unwrap_or_default();
            *not_ready.entry((ns, why)).or_default() += 1;
        }
    }
    family(out, "hgctl_performers", "gauge", "Performers by phase.");
    for (phase, n) in by_phase {
        let _ = writeln!(out, "hgctl_performers{{phase=\"{phase}\"}} {n}");
    }
    family(
        out,
        "hgctl_performers_not_ready",
        "gauge",
        "Performers not ready, by namespace and reason (unschedulable, image_pull, crash_loop, node_lost, pod_failed, probe_failing, starting, terminating, no_status, other).",
    );
    for ((ns, why), n) in &not_ready {
        let _ = writeln!(
            out,
            "hgctl_performers_not_ready{{namespace=\"{}\",reason=\"{why}\"}} {n}",
            escape(ns)
        );
    }
    let labels = |p: &Performer| {
        format!(
            "namespace=\"{}\",performer=\"{}\",avs=\"{}\"",
            escape(p.metadata.namespace.as_deref().unwrap_or_default()),
            escape(p.metadata.name.as_deref().unwrap_or_default()),
            escape(&p.spec.avs_address),
        )
    };
    let gauges: [Gauge<Performer, f64>; 5] = [
        (
            "hgctl_performer_ready",
            "1 when the Performer serves through its Service.",
            |p, _| f64::from(u8::from(p.status.as_ref().is_some_and(|s| s.ready))),
        ),
        (
            "hgctl_performer_upgrading",
            "1 while a blue-green rollout is under way (or queued for a slot).",
            |p, _| {
                f64::from(u8::from(
                    p.status.as_ref().and_then(|s| s.phase) == Some(PerformerPhase::Upgrading),
                ))
            },
        ),
        (
            "hgctl_performer_rollout_queued",
            "1 while its rollout waits for a slot of the namespace's rollout budget.",
            |p, _| {
                let conds = p.status.as_ref().and_then(|s| s.conditions.as_deref());
                f64::from(u8::from(
                    conditions::find(conds, conditions::PROGRESSING)
                        .is_some_and(|c| c.status == "True" && c.reason == reason::ROLLOUT_QUEUED),
                ))
            },
        ),
        (
            "hgctl_performer_gpus_requested",
            "GPUs the Performer asks for.",
            |p, _| gpus_requested(p) as f64,
        ),
        (
            "hgctl_performer_seconds_since_ready",
            "0 while ready; else seconds since it stopped being ready (or since creation if never).",
            seconds_since_ready,
        ),
    ];
    for (name, help, value) in gauges {
        family(out, name, "gauge", help);
        for p in &performers {
            let _ = writeln!(out, "{name}{{{}}} {}", labels(p), value(p, now));
        }
    }
    family(
        out,
        "hgctl_performer_phase",
        "gauge",
        "1 for the Performer's current phase, 0 for the others.",
    );
    for p in &performers {
        let current = p.status.as_ref().and_then(|s| s.phase);
        for phase in PerformerPhase::ALL {
            let on = u8::from(current == Some(phase));
            let _ = writeln!(
                out,
                "hgctl_performer_phase{{{},phase=\"{}\"}} {on}",
                labels(p),
                phase.as_str()
            );
        }
    }
}

/// 0 while ready; else how long since Ready went False, or since creation if never ready.
fn seconds_since_ready(p: &Performer, now: Timestamp) -> f64 {
    let status = p.status.as_ref();
    if status.is_some_and(|s| s.ready) {
        return 0.0;
    }
    let conds = status.and_then(|s| s.conditions.as_deref());
    let since = status
        .and_then(|s| s.ready_time.as_ref())
        .and_then(|_| conditions::find(conds, conditions::READY))
        .map(|c| c.last_transition_time.0)
        .or_else(|| p.metadata.creation_timestamp.as_ref().map(|t| t.0));
    since
        .map(|t| now.duration_since(t).as_secs_f64().max(0.0).floor())
        .unwrap_or(0.0)
}

/// The per-executor gauges (pure).
pub fn render_executors<'a>(
    out: &mut String,
    executors: impl Iterator<Item = &'a HourglassExecutor>,
) {
    let executors: Vec<&HourglassExecutor> = executors.collect();
    let labels = |e: &HourglassExecutor| {
        format!(
            "namespace=\"{}\",executor=\"{}\"",
            escape(e.metadata.namespace.as_deref().unwrap_or_default()),
            escape(e.metadata.name.as_deref().unwrap_or_default()),
        )
    };
    let gauges: [Gauge<HourglassExecutor, i64>; 2] = [
        (
            "hgctl_executor_replicas",
            "Replicas the executor asks for.",
            |e, _| i64::from(e.spec.replicas.unwrap_or(1)),
        ),
        (
            "hgctl_executor_ready_replicas",
            "Executor replicas ready.",
            |e, _| {
                i64::from(
                    e.status
                        .as_ref()
                        .and_then(|s| s.ready_replicas)
                        .unwrap_or(0),
                )
            },
        ),
    ];
    for (name, help, value) in gauges {
        family(out, name, "gauge", help);
        for e in &executors {
            let _ = writeln!(
                out,
                "{name}{{{}}} {}",
                labels(e),
                value(e, Timestamp::UNIX_EPOCH)
            );
        }
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

    use crate::output::fixtures;
    use k8s_openapi::apimachinery::pkg::apis::meta::v1::Condition;

    fn at(seconds: i64) -> Time {
        Time(Timestamp::from_second(1_700_000_000 + seconds).unwrap())
    }

    fn cond(type_: &str, status: bool, reason: &str, since: i64) -> Condition {
        Condition {
            type_: type_.into(),
            status: if status { "True" } else { "False" }.into(),
            reason: reason.into(),
            message: String::new(),
            last_transition_time: at(since),
            observed_generation: None,
        }
    }

    fn status(phase: PerformerPhase, ready: bool, conds: Vec<Condition>) -> PerformerStatus {
        PerformerStatus {
            phase: Some(phase),
            ready,
            conditions: Some(conds),
            ..Default::default()
        }
    }

    #[test]
    fn first_ready_is_timed_from_creation() {
        let pending = status(PerformerPhase::Pending, false, vec![]);
        let mut running = status(PerformerPhase::Running, true, vec![]);
        running.ready_time = Some(at(42));
        let seen = observations(Some(&pending), &running, Some(&at(0)), at(42).0);
        assert_eq!(
            seen,
            [Observation::Ready {
                trigger: Trigger::Create,
                seconds: 42.0
            }]
        );
        // A status write that changes nothing observes nothing.
        assert!(observations(Some(&running), &running, Some(&at(0)), at(99).0).is_empty());
        // The first status write of a Performer that is ready at once.
        assert_eq!(observations(None, &running, Some(&at(0)), at(3).0).len(), 1);
    }

    #[test]
    fn recovery_is_timed_from_when_ready_went_false() {
        let mut down = status(
            PerformerPhase::Failed,
            false,
            vec![
                cond("Ready", false, "PodNotReady", 100),
                cond("Degraded", true, "PodEvicted", 100),
            ],
        );
        down.ready_time = Some(at(10));
        let mut up = status(PerformerPhase::Running, true, vec![]);
        up.ready_time = Some(at(130));
        let seen = observations(Some(&down), &up, Some(&at(0)), at(130).0);
        assert_eq!(
            seen,
            [Observation::Ready {
                trigger: Trigger::Recovery,
                seconds: 30.0
            }]
        );
        // The eviction itself is counted once, when Degraded turns to PodEvicted.
        let mut serving = status(PerformerPhase::Running, true, vec![]);
        serving.ready_time = Some(at(10));
        assert_eq!(
            observations(Some(&serving), &down, Some(&at(0)), at(100).0),
            [Observation::LostNodeEviction]
        );
        assert!(observations(Some(&down), &down, Some(&at(0)), at(101).0).is_empty());
    }

    #[test]
    fn a_rollout_is_counted_when_it_starts_and_timed_when_it_ends() {
        let mut running = status(PerformerPhase::Running, true, vec![]);
        running.ready_time = Some(at(0));
        let mut upgrading = status(
            PerformerPhase::Upgrading,
            true,
            vec![cond("Progressing", true, "RollingOut", 500)],
        );
        upgrading.ready_time = Some(at(0));
        assert_eq!(
            observations(Some(&running), &upgrading, Some(&at(0)), at(500).0),
            [Observation::RolloutStarted]
        );
        assert_eq!(
            observations(Some(&upgrading), &running, Some(&at(0)), at(512).0),
            [Observation::Ready {
                trigger: Trigger::SpecChange,
                seconds: 12.0
            }]
        );
    }

    #[test]
    fn not_ready_reasons_are_a_small_set() {
        let performers = fixtures::performers();
        let reasons: Vec<Option<&str>> = performers.iter().map(not_ready_reason).collect();
        assert_eq!(
            reasons,
            [None, None, None, Some("unschedulable"), Some("no_status")]
        );
        let mut crash = performers[0].clone();
        crash.status = Some(status(
            PerformerPhase::Failed,
            false,
            vec![cond("Degraded", true, "CrashLoopBackOff", 0)],
        ));
        assert_eq!(not_ready_reason(&crash), Some("crash_loop"));
        let mut pull = crash.clone();
        pull.status = Some(status(
            PerformerPhase::Pending,
            false,
            vec![cond("Degraded", true, "ImagePullBackOff", 0)],
        ));
        assert_eq!(not_ready_reason(&pull), Some("image_pull"));
    }

    #[test]
    fn per_performer_series_carry_bounded_labels_and_values() {
        let mut out = String::new();
        let performers = fixtures::performers();
        render_performers(&mut out, performers.iter(), fixtures::now());
        let labels = "namespace=\"avs\",performer=\"gpu-a\",avs=\"0x1234567890abcdef1234567890abcdef12345678\"";
        assert!(
            out.contains(&format!("hgctl_performer_ready{{{labels}}} 1\n")),
            "{out}"
        );
        assert!(out.contains(&format!("hgctl_performer_gpus_requested{{{labels}}} 2\n")));
        assert!(out.contains(&format!(
            "hgctl_performer_seconds_since_ready{{{labels}}} 0\n"
        )));
        assert!(out.contains(&format!(
            "hgctl_performer_phase{{{labels},phase=\"Running\"}} 1\n"
        )));
        assert!(out.contains(&format!(
            "hgctl_performer_phase{{{labels},phase=\"Pending\"}} 0\n"
        )));
        assert!(out.contains("hgctl_performer_upgrading{namespace=\"avs\",performer=\"up-c\""));
        assert!(out.contains("hgctl_performer_rollout_queued{namespace=\"avs\",performer=\"up-c\",avs=\"0x1111111111111111111111111111111111111111\"} 0\n"), "{out}");
        // Unschedulable since its creation 310 s before `now`: never ready.
        assert!(out.contains("hgctl_performer_seconds_since_ready{namespace=\"avs\",performer=\"h200-d\",avs=\"0x2222222222222222222222222222222222222222\"} 310\n"), "{out}");
        assert!(out.contains(
            "hgctl_performers_not_ready{namespace=\"avs\",reason=\"unschedulable\"} 1\n"
        ));
        assert!(
            out.contains("hgctl_performers_not_ready{namespace=\"lab\",reason=\"no_status\"} 1\n")
        );
        for line in out.lines().filter(|l| !l.starts_with('#')) {
            assert!(!line.contains("pod"), "no pod names in labels: {line}");
        }
        let mut out = String::new();
        render_executors(&mut out, fixtures::executors().iter());
        assert!(
            out.contains(
                "hgctl_executor_ready_replicas{namespace=\"avs\",executor=\"exec-main\"} 2\n"
            ),
            "{out}"
        );
        assert!(
            out.contains("hgctl_executor_replicas{namespace=\"avs\",executor=\"exec-inline\"} 1\n")
        );
    }

    #[test]
    fn the_histogram_is_cumulative() {
        let m = Metrics::new();
        let ready = |seconds| Observation::Ready {
            trigger: Trigger::Create,
            seconds,
        };
        m.performer_status_written("avs", &[ready(0.5), ready(7.0), ready(4000.0)]);
        m.performer_status_written("avs", &[Observation::RolloutStarted]);
        m.force_deleted("avs");
        m.set_leader(true);
        let text = m.render();
        let bucket = |le: &str| {
            format!("hgctl_performer_ready_seconds_bucket{{trigger=\"create\",le=\"{le}\"}} ")
        };
        assert!(text.contains(&format!("{}1\n", bucket("1"))), "{text}");
        assert!(text.contains(&format!("{}2\n", bucket("10"))));
        assert!(text.contains(&format!("{}2\n", bucket("3600"))));
        assert!(text.contains(&format!("{}3\n", bucket("+Inf"))));
        assert!(text.contains("hgctl_performer_ready_seconds_count{trigger=\"create\"} 3\n"));
        assert!(text.contains("hgctl_performer_rollouts_total{namespace=\"avs\"} 1\n"));
        assert!(text.contains("hgctl_performer_pod_force_deletes_total{namespace=\"avs\"} 1\n"));
        assert!(text.contains("hgctl_leader 1\n"));
    }
}
