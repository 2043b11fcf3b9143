//! The rollout budget: at most N Performers of a namespace run a blue-green rollout at
//! once, so an hgctl upgrade that changes every rendered pod (or one `apply` of a new
//! image to a fleet) never doubles every Performer's pods, and GPUs, at the same moment.
//! Waiting Performers queue in order and the one at the head is woken when a slot frees.

use std::collections::{BTreeSet, HashMap, VecDeque};
use std::sync::Mutex;

use kube::runtime::reflector::ObjectRef;
use tokio::sync::mpsc;

use crate::api::Performer;

/// Rollouts at once per namespace when `--rollout-budget` is not given.
pub const DEFAULT_BUDGET: usize = 10;

/// One namespace's slots. The line is a queue with lazy removal: a Performer that leaves it
/// (its rollout found under way, finished or deleted) is only dropped from `queued`, and its
/// entry skipped once it reaches the head. Every operation on a pass is O(1) but that
/// skip: scanning the whole line on each pass made a 5000-Performer rollout cost 55 ms of
/// CPU per Performer (8 at 1000).
#[derive(Default)]
struct Slots {
    holders: BTreeSet<String>,
    /// (name, ticket) in arrival order; an entry counts while `queued[name] == ticket`.
    line: VecDeque<(String, u64)>,
    queued: HashMap<String, u64>,
    next_ticket: u64,
}

impl Slots {
    fn is_queued(&self, name: &str) -> bool {
        self.queued.contains_key(name)
    }

    fn enqueue(&mut self, name: &str) {
        if self.is_queued(name) {
            return;
        }
        self.next_ticket += 1;
        self.queued.insert(name.to_string(), self.next_ticket);
        self.line.push_back((name.to_string(), self.next_ticket));
    }

    fn leave(&mut self, name: &str) {
        self.queued.remove(name);
    }

    /// The first in line that still counts and still `exists`; drops the others before it.
    fn head(&mut self, exists: &impl Fn(&str) -> bool) -> Option<&str> {
        while let Some((name, ticket)) = self.line.front() {
            if self.queued.get(name) == Some(ticket) && exists(name) {
                break;
            }
            let (name, ticket) = self.line.pop_front().unwrap_or_default();
            if self.queued.get(&name) == Some(&ticket) {
                self.queued.remove(&name);
            }
        }
        self.line.front().map(|(name, _)| name.as_str())
    }
}

/// Rollout slots per namespace, shared by every reconcile of one controller.
pub struct RolloutSlots {
    /// 0: no limit.
    budget: usize,
    namespaces: Mutex<HashMap<String, Slots>>,
    wake: mpsc::UnboundedSender<ObjectRef<Performer>>,
}

impl RolloutSlots {
    /// The slots and the stream of Performers to reconcile when a slot frees for them.
    pub fn new(budget: usize) -> (Self, mpsc::UnboundedReceiver<ObjectRef<Performer>>) {
        let (wake, woken) = mpsc::unbounded_channel();
        let slots = Self {
            budget,
            namespaces: Mutex::default(),
            wake,
        };
        (slots, woken)
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<String, Slots>> {
        self.namespaces.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Takes a slot for `name` to start its rollout: true when it holds one (already, or
    /// now); false when the namespace's budget is used, and `name` waits in line.
    /// `exists` drops holders whose Performer is gone (deleted mid-rollout).
    pub fn try_take(&self, ns: &str, name: &str, exists: impl Fn(&str) -> bool) -> bool {
        let mut namespaces = self.lock();
        let slots = namespaces.entry(ns.to_string()).or_default();
        if self.budget == 0 || slots.holders.contains(name) {
            slots.holders.insert(name.to_string());
            return true;
        }
        slots.holders.retain(|h| exists(h));
        // First come, first served: a Performer behind others in line waits its turn.
        let first_in_line = slots.head(&exists).is_none_or(|w| w == name);
        if slots.holders.len() < self.budget && first_in_line {
            slots.leave(name);
            slots.holders.insert(name.to_string());
            self.wake_next(ns, slots, &exists);
            return true;
        }
        slots.enqueue(name);
        false
    }

    /// A rollout found under way (after a restart, or one that started before the budget
    /// was lowered) holds its slot whatever the budget: it is counted, never stopped.
    pub fn hold(&self, ns: &str, name: &str) {
        let mut namespaces = self.lock();
        let slots = namespaces.entry(ns.to_string()).or_default();
        slots.leave(name);
        slots.holders.insert(name.to_string());
    }

    /// `name` has no rollout under way (finished, or deleted): its slot goes to the next
    /// in line.
    pub fn release(&self, ns: &str, name: &str) {
        let mut namespaces = self.lock();
        let Some(slots) = namespaces.get_mut(ns) else {
            return;
        };
        slots.leave(name);
        if slots.holders.remove(name) {
            self.wake_next(ns, slots, &|_: &str| true);
        }
        if slots.holders.is_empty() && slots.queued.is_empty() {
            namespaces.remove(ns);
        }
    }

    /// Wakes the head of the line when a slot is free for it.
    fn wake_next(&self, ns: &str, slots: &mut Slots, exists: &impl Fn(&str) -> bool) {
        if self.budget == 0 || slots.holders.len() >= self.budget {
            return;
        }
        if let Some(next) = slots.head(exists) {
            let _ = self.wake.send(ObjectRef::new(next).within(ns));
        }
    }

    /// Rollouts holding a slot in `ns` (metrics, tests).
    pub fn in_flight(&self, ns: &str) -> usize {
        self.lock().get(ns).map_or(0, |s| s.holders.len())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn all(_: &str) -> bool {
        true
    }

    #[test]
    fn at_most_the_budget_roll_out_and_the_line_moves_in_order() {
        let (slots, mut woken) = RolloutSlots::new(2);
        assert!(slots.try_take("ns", "a", all));
        assert!(slots.try_take("ns", "b", all));
        assert!(!slots.try_take("ns", "c", all));
        assert!(!slots.try_take("ns", "d", all));
        // Asking again neither jumps the line nor queues twice.
        assert!(!slots.try_take("ns", "d", all));
        assert!(slots.try_take("ns", "a", all), "a holder keeps its slot");
        assert_eq!(slots.in_flight("ns"), 2);
        // Another namespace has its own budget.
        assert!(slots.try_take("other", "x", all));

        slots.release("ns", "a");
        assert_eq!(woken.try_recv().unwrap(), ObjectRef::new("c").within("ns"));
        assert!(!slots.try_take("ns", "d", all), "d is behind c");
        assert!(slots.try_take("ns", "c", all));
        assert!(woken.try_recv().is_err(), "no slot is free for d yet");
        slots.release("ns", "b");
        assert_eq!(woken.try_recv().unwrap(), ObjectRef::new("d").within("ns"));
        assert!(slots.try_take("ns", "d", all));
        assert_eq!(slots.in_flight("ns"), 2);
    }

    #[test]
    fn found_rollouts_are_counted_and_deleted_performers_free_their_slot() {
        let (slots, _woken) = RolloutSlots::new(1);
        slots.hold("ns", "running-before-restart");
        slots.hold("ns", "another");
        assert_eq!(slots.in_flight("ns"), 2);
        assert!(!slots.try_take("ns", "new", all));
        // Both holders were deleted meanwhile.
        assert!(slots.try_take("ns", "new", |n| n == "new"));
        assert_eq!(slots.in_flight("ns"), 1);
    }

    #[test]
    fn a_zero_budget_means_no_limit() {
        let (slots, _woken) = RolloutSlots::new(0);
        for i in 0..100 {
            assert!(slots.try_take("ns", &format!("p{i}"), all));
        }
    }

    #[test]
    fn leaving_the_line_and_coming_back_queues_at_the_end() {
        let (slots, mut woken) = RolloutSlots::new(1);
        assert!(slots.try_take("ns", "a", all));
        assert!(!slots.try_take("ns", "b", all));
        assert!(!slots.try_take("ns", "c", all));
        // b's upgrade is withdrawn (spec back as it was): it leaves the line, then comes back.
        slots.release("ns", "b");
        assert!(!slots.try_take("ns", "b", all));
        slots.release("ns", "a");
        assert_eq!(woken.try_recv().unwrap(), ObjectRef::new("c").within("ns"));
        assert!(!slots.try_take("ns", "b", all), "b is behind c now");
        assert!(slots.try_take("ns", "c", all));
    }

    #[test]
    fn a_deleted_performer_at_the_head_is_skipped() {
        let (slots, mut woken) = RolloutSlots::new(1);
        assert!(slots.try_take("ns", "a", all));
        assert!(!slots.try_take("ns", "gone", all));
        assert!(!slots.try_take("ns", "b", all));
        // a finishes while "gone" was deleted: b is the one woken and let in.
        slots.release("ns", "gone");
        slots.release("ns", "a");
        assert_eq!(woken.try_recv().unwrap(), ObjectRef::new("b").within("ns"));
        assert!(slots.try_take("ns", "b", |n| n != "gone"));
    }

    #[test]
    fn a_long_line_costs_no_scan_per_pass() {
        let (slots, _woken) = RolloutSlots::new(1);
        assert!(slots.try_take("ns", "holder", all));
        for i in 0..5000 {
            assert!(!slots.try_take("ns", &format!("p{i}"), all));
        }
        // Passes of Performers in line ask again and again: nothing moves, nothing grows.
        let calls = std::sync::atomic::AtomicUsize::new(0);
        let counting = |_: &str| {
            calls.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            true
        };
        for i in (0..5000).rev() {
            assert!(!slots.try_take("ns", &format!("p{i}"), counting));
        }
        // One look at the holder and one at the head per pass, not the whole line.
        assert!(calls.into_inner() <= 2 * 5000);
    }
}
