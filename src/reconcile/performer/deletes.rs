//! Pod deletions the API server accepted but the pod cache has not shown yet.
//!
//! A pass that runs between a delete and the watch event carrying the pod's
//! `deletionTimestamp` (the Performer's own status write wakes it at once) would see the
//! pod alive and delete it again: 1.72 deletes per Performer in a 1000-Performer rollout.
//! Such a pod is treated as terminating until the cache catches up.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use super::plan::PodView;

/// How long a sent deletion is assumed: far longer than any cache lag, short enough that a
/// pod the cache still shows alive afterwards (a deletion lost somehow) is deleted again.
pub const ASSUMED_FOR: Duration = Duration::from_secs(30);

/// Uids of the pods this controller deleted, with when.
#[derive(Default)]
pub struct SentDeletes {
    by_uid: Mutex<HashMap<String, Instant>>,
}

impl SentDeletes {
    /// The API server accepted the deletion of the pod with this uid.
    pub fn sent(&self, uid: &str, now: Instant) {
        let mut by_uid = self.by_uid.lock().unwrap_or_else(|e| e.into_inner());
        by_uid.retain(|_, at| now.duration_since(*at) < ASSUMED_FOR);
        by_uid.insert(uid.to_string(), now);
    }

    /// Marks the pods deleted in the last [`ASSUMED_FOR`] that the cache still shows alive
    /// as terminating; forgets those it shows terminating.
    pub fn assume(&self, pods: &mut [PodView], now: Instant) {
        let mut by_uid = self.by_uid.lock().unwrap_or_else(|e| e.into_inner());
        if by_uid.is_empty() {
            return;
        }
        for view in pods.iter_mut() {
            let Some(uid) = view.uid.as_deref() else {
                continue;
            };
            let Some(at) = by_uid.get(uid).copied() else {
                continue;
            };
            if view.terminating || now.duration_since(at) >= ASSUMED_FOR {
                by_uid.remove(uid);
            } else {
                assume_terminating(view);
            }
        }
    }

    #[cfg(test)]
    fn len(&self) -> usize {
        self.by_uid.lock().unwrap().len()
    }
}

/// What the cache will show once the deletion arrives: terminating, not ready. No
/// `delete_by`: the overdue clock starts from the real `deletionTimestamp`.
fn assume_terminating(view: &mut PodView) {
    view.terminating = true;
    view.ready = false;
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pod(name: &str, uid: &str) -> PodView {
        PodView {
            name: name.into(),
            uid: Some(uid.into()),
            ready: true,
            ..Default::default()
        }
    }

    #[test]
    fn a_deleted_pod_the_cache_shows_alive_is_taken_as_terminating() {
        let sent = SentDeletes::default();
        let t0 = Instant::now();
        sent.sent("u-old", t0);
        let mut pods = [pod("old", "u-old"), pod("new", "u-new")];
        sent.assume(&mut pods, t0 + Duration::from_millis(50));
        assert!(pods[0].terminating && !pods[0].ready);
        assert!(pods[0].delete_by.is_none());
        assert!(
            !pods[1].terminating && pods[1].ready,
            "other pods untouched"
        );
        assert_eq!(sent.len(), 1, "remembered until the cache shows it");
    }

    #[test]
    fn forgotten_once_the_cache_shows_the_deletion() {
        let sent = SentDeletes::default();
        let t0 = Instant::now();
        sent.sent("u-old", t0);
        let mut seen = [PodView {
            terminating: true,
            ready: false,
            ..pod("old", "u-old")
        }];
        sent.assume(&mut seen, t0);
        assert_eq!(sent.len(), 0);
    }

    #[test]
    fn a_pod_still_alive_after_the_assumed_time_is_deleted_again() {
        let sent = SentDeletes::default();
        let t0 = Instant::now();
        sent.sent("u-old", t0);
        let mut pods = [pod("old", "u-old")];
        sent.assume(&mut pods, t0 + ASSUMED_FOR);
        assert!(!pods[0].terminating && pods[0].ready);
        assert_eq!(sent.len(), 0);
    }

    #[test]
    fn a_new_pod_of_the_same_name_is_not_taken_for_the_deleted_one() {
        let sent = SentDeletes::default();
        let t0 = Instant::now();
        sent.sent("u-first", t0);
        let mut pods = [pod("p", "u-second")];
        sent.assume(&mut pods, t0);
        assert!(!pods[0].terminating);
    }

    #[test]
    fn old_entries_are_dropped_when_new_ones_come() {
        let sent = SentDeletes::default();
        let t0 = Instant::now();
        sent.sent("a", t0);
        sent.sent("b", t0 + ASSUMED_FOR);
        assert_eq!(sent.len(), 1);
    }
}
