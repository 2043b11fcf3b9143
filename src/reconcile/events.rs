//! Events (`events.k8s.io/v1`) with a bounded memory of the recent ones.
//!
//! kube's `Recorder` keeps every event it sent, whole, for six minutes so that a repeat
//! becomes a series: 4.6 MiB at 1000 Performers, nearly all of it events that never
//! repeat (each Performer's own "created", "ready"). This keeps at most [`CAPACITY`]
//! recent events as a hash and a name, which is all a repeat needs.

use std::collections::hash_map::DefaultHasher;
use std::collections::{HashMap, VecDeque};
use std::hash::{Hash, Hasher};
use std::sync::Mutex;

use k8s_openapi::api::core::v1::ObjectReference;
use k8s_openapi::api::events::v1::{Event, EventSeries};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::{MicroTime, ObjectMeta};
use k8s_openapi::jiff::{SignedDuration, Timestamp};
use kube::Client;
use kube::api::{Api, Patch, PatchParams, PostParams};
use serde_json::json;

/// Recent events remembered for a series; older ones are forgotten first.
pub const CAPACITY: usize = 512;
/// A repeat later than this is a new event (as client-go and kube-runtime do).
pub const SERIES_WINDOW: SignedDuration = SignedDuration::from_secs(6 * 60);

/// What one event says about one object.
pub struct Note<'a> {
    pub warning: bool,
    pub reason: &'a str,
    pub action: &'a str,
    pub note: &'a str,
}

/// Whether to create an event or count a repeat of a recent one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Publish {
    Create { name: String },
    Repeat { name: String, count: i32 },
}

#[derive(Debug, Clone)]
struct Recent {
    name: String,
    count: i32,
    last: Timestamp,
}

/// The recent events, by a hash of (object, type, reason, action, note); pure.
#[derive(Debug, Default)]
pub struct RecentEvents {
    by_key: HashMap<u64, Recent>,
    /// Keys in the order they were first sent: the oldest are forgotten first.
    order: VecDeque<u64>,
}

impl RecentEvents {
    /// Decides the write for an event with `key` at `now`, to be named `fresh_name` if new,
    /// and remembers it.
    pub fn note(&mut self, key: u64, fresh_name: String, now: Timestamp) -> Publish {
        if let Some(recent) = self.by_key.get_mut(&key)
            && now.duration_since(recent.last) < SERIES_WINDOW
        {
            recent.count += 1;
            recent.last = now;
            return Publish::Repeat {
                name: recent.name.clone(),
                count: recent.count,
            };
        }
        if self.by_key.remove(&key).is_some() {
            self.order.retain(|k| *k != key);
        }
        while self.order.len() >= CAPACITY {
            if let Some(oldest) = self.order.pop_front() {
                self.by_key.remove(&oldest);
            }
        }
        self.order.push_back(key);
        self.by_key.insert(
            key,
            Recent {
                name: fresh_name.clone(),
                count: 1,
                last: now,
            },
        );
        Publish::Create { name: fresh_name }
    }

    #[cfg(test)]
    fn len(&self) -> usize {
        self.by_key.len()
    }
}

/// Sends events as `hgctl` from one instance (the operator identity).
pub struct Events {
    client: Client,
    instance: String,
    recent: Mutex<RecentEvents>,
}

/// The reporting controller of every event hgctl sends.
pub const REPORTING_CONTROLLER: &str = "hgctl";

impl Events {
    pub fn new(client: Client, instance: String) -> Self {
        Events {
            client,
            instance,
            recent: Mutex::default(),
        }
    }

    /// Creates the event, or counts it as a repeat of a recent one.
    pub async fn publish(
        &self,
        regarding: &ObjectReference,
        note: &Note<'_>,
    ) -> Result<(), kube::Error> {
        let now = Timestamp::now();
        let ns = regarding
            .namespace
            .clone()
            .unwrap_or_else(|| "default".into());
        let fresh_name = format!(
            "{}.{:x}",
            regarding.name.as_deref().unwrap_or("object"),
            now.as_nanosecond()
        );
        let decided = self.recent.lock().unwrap_or_else(|e| e.into_inner()).note(
            key(regarding, note),
            fresh_name,
            now,
        );
        let api: Api<Event> = Api::namespaced(self.client.clone(), &ns);
        match decided {
            Publish::Create { name } => {
                let event = event(regarding, note, &self.instance, &name, &ns, now);
                api.create(&PostParams::default(), &event).await?;
            }
            Publish::Repeat { name, count } => {
                let series = EventSeries {
                    count,
                    last_observed_time: MicroTime(now),
                };
                api.patch(
                    &name,
                    &PatchParams::default(),
                    &Patch::Merge(json!({ "series": series })),
                )
                .await?;
            }
        }
        Ok(())
    }
}

/// The key of an event: what makes two events the same.
fn key(regarding: &ObjectReference, note: &Note<'_>) -> u64 {
    let mut h = DefaultHasher::new();
    (
        &regarding.kind,
        &regarding.namespace,
        &regarding.name,
        &regarding.uid,
        note.warning,
        note.reason,
        note.action,
        note.note,
    )
        .hash(&mut h);
    h.finish()
}

/// The event to create; pure.
fn event(
    regarding: &ObjectReference,
    note: &Note<'_>,
    instance: &str,
    name: &str,
    ns: &str,
    now: Timestamp,
) -> Event {
    Event {
        metadata: ObjectMeta {
            name: Some(name.to_string()),
            namespace: Some(ns.to_string()),
            ..Default::default()
        },
        action: Some(note.action.to_string()),
        reason: Some(note.reason.to_string()),
        note: Some(note.note.chars().take(1000).collect()),
        type_: Some(if note.warning { "Warning" } else { "Normal" }.into()),
        regarding: Some(regarding.clone()),
        reporting_controller: Some(REPORTING_CONTROLLER.into()),
        reporting_instance: Some(instance.chars().take(128).collect()),
        event_time: Some(MicroTime(now)),
        ..Default::default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(secs: i64) -> Timestamp {
        Timestamp::from_second(1_800_000_000 + secs).unwrap()
    }

    #[test]
    fn a_repeat_within_the_window_is_counted_on_the_first_event() {
        let mut r = RecentEvents::default();
        assert_eq!(
            r.note(1, "p.a".into(), at(0)),
            Publish::Create { name: "p.a".into() }
        );
        assert_eq!(
            r.note(1, "p.b".into(), at(60)),
            Publish::Repeat {
                name: "p.a".into(),
                count: 2
            }
        );
        // The window runs from the last repeat.
        assert_eq!(
            r.note(1, "p.c".into(), at(60 + 5 * 60)),
            Publish::Repeat {
                name: "p.a".into(),
                count: 3
            }
        );
    }

    #[test]
    fn a_repeat_after_the_window_is_a_new_event() {
        let mut r = RecentEvents::default();
        r.note(1, "p.a".into(), at(0));
        assert_eq!(
            r.note(1, "p.b".into(), at(6 * 60)),
            Publish::Create { name: "p.b".into() }
        );
        assert_eq!(r.len(), 1);
    }

    #[test]
    fn memory_is_bounded_and_the_oldest_go_first() {
        let mut r = RecentEvents::default();
        for k in 0..(CAPACITY as u64 + 10) {
            r.note(k, format!("e{k}"), at(0));
        }
        assert_eq!(r.len(), CAPACITY);
        assert_eq!(
            r.note(0, "again".into(), at(1)),
            Publish::Create {
                name: "again".into()
            },
            "the oldest was forgotten"
        );
        assert!(matches!(
            r.note(CAPACITY as u64 + 9, "x".into(), at(1)),
            Publish::Repeat { count: 2, .. }
        ));
    }

    #[test]
    fn events_differ_by_object_reason_and_note() {
        let object = |name: &str| ObjectReference {
            kind: Some("Performer".into()),
            namespace: Some("ns".into()),
            name: Some(name.into()),
            uid: Some(format!("uid-{name}")),
            ..Default::default()
        };
        let note = |reason, text| Note {
            warning: false,
            reason,
            action: "Reconcile",
            note: text,
        };
        let a = key(&object("a"), &note("Ready", "pod a serves"));
        assert_eq!(a, key(&object("a"), &note("Ready", "pod a serves")));
        assert_ne!(a, key(&object("b"), &note("Ready", "pod a serves")));
        assert_ne!(a, key(&object("a"), &note("Created", "pod a serves")));
        assert_ne!(a, key(&object("a"), &note("Ready", "pod b serves")));
    }

    #[test]
    fn the_event_names_its_object_reporter_and_type() {
        let regarding = ObjectReference {
            kind: Some("Performer".into()),
            name: Some("p".into()),
            namespace: Some("ns".into()),
            ..Default::default()
        };
        let long = "x".repeat(2000);
        let e = event(
            &regarding,
            &Note {
                warning: true,
                reason: "Unschedulable",
                action: "Reconcile",
                note: &long,
            },
            "host-1",
            "p.1",
            "ns",
            at(0),
        );
        assert_eq!(e.type_.as_deref(), Some("Warning"));
        assert_eq!(e.reporting_controller.as_deref(), Some("hgctl"));
        assert_eq!(e.reporting_instance.as_deref(), Some("host-1"));
        assert_eq!(e.note.as_ref().unwrap().len(), 1000);
        assert_eq!(e.regarding.as_ref().unwrap().name.as_deref(), Some("p"));
        assert_eq!(e.metadata.namespace.as_deref(), Some("ns"));
    }
}
