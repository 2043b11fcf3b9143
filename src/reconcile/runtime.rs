//! What both controllers run on: the client, events and metrics they share,
//! the wiring of a watch into a cache, and per-object backoff after a failed pass.

use std::collections::HashMap;
use std::fmt::Debug;
use std::future::Future;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use futures::{Stream, StreamExt, future};
use k8s_openapi::NamespaceResourceScope;
use kube::api::Api;
use kube::runtime::controller::{self, Action, Controller};
use kube::runtime::reflector::{self, ObjectRef, Store};
use kube::runtime::{WatchStreamExt, watcher};
use kube::{Client, Resource};
use serde::Serialize;
use serde::de::DeserializeOwned;

use super::{Metrics, ReconcileError};

/// What every pass of either controller shares.
pub struct Runtime {
    pub client: Client,
    pub events: super::events::Events,
    pub metrics: Arc<Metrics>,
    /// Settings of both controllers (see [`super::RuntimeConfig::concurrency`]).
    pub controller_config: controller::Config,
    /// Namespaces being deleted, where writes are refused.
    pub terminating: Terminating,
    /// Statuses written that the caches may not show yet.
    pub written_statuses: WrittenStatuses,
}

/// The statuses this process wrote, until the cache shows them. A pass that runs before the
/// watch delivers its own status write would plan from the status before that write: an
/// executor whose pod became ready in the same second as its config changed lost its new
/// `lastConfigUpdate` and stayed `Pending` (the stale status equalled the plan, so nothing
/// was written), and an unchanged plan was written twice.
#[derive(Debug, Default)]
pub struct WrittenStatuses(Mutex<HashMap<String, WrittenStatus>>);

#[derive(Debug, Clone)]
struct WrittenStatus {
    uid: Option<String>,
    resource_version: Option<u64>,
    status: serde_json::Value,
    at: Instant,
}

/// `Kind/namespace/name`: the key of an object's written status.
pub fn status_key<K: Object>(obj: &K) -> String {
    format!(
        "{}/{}/{}",
        K::kind(&()),
        obj.meta().namespace.as_deref().unwrap_or_default(),
        obj.meta().name.as_deref().unwrap_or_default()
    )
}

impl WrittenStatuses {
    /// How long a written status is trusted over the cache, whatever resourceVersions say.
    pub const TRUSTED_FOR: Duration = Duration::from_secs(60);

    /// The status this process last wrote on the object with `uid`, when the cached copy at
    /// `resource_version` predates that write; None (and the write forgotten) once the
    /// cache has caught up, for another object of the name, or after [`Self::TRUSTED_FOR`].
    pub fn newer_than_cache(
        &self,
        key: &str,
        uid: Option<&str>,
        resource_version: Option<&str>,
        now: Instant,
    ) -> Option<serde_json::Value> {
        let mut written = self.0.lock().unwrap_or_else(|e| e.into_inner());
        let w = written.get(key)?;
        let cached_rv = resource_version.and_then(|v| v.parse::<u64>().ok());
        let cache_predates = w
            .resource_version
            .is_some_and(|mine| cached_rv.is_some_and(|seen| seen < mine));
        if w.uid.as_deref() == uid && cache_predates && now.duration_since(w.at) < Self::TRUSTED_FOR
        {
            return Some(w.status.clone());
        }
        written.remove(key);
        None
    }

    /// `obj` with the status this process last wrote, when its cached copy predates it.
    pub fn newest<K: Object>(&self, obj: Arc<K>) -> Arc<K> {
        let meta = obj.meta();
        let Some(status) = self.newer_than_cache(
            &status_key(obj.as_ref()),
            meta.uid.as_deref(),
            meta.resource_version.as_deref(),
            Instant::now(),
        ) else {
            return obj;
        };
        let mut value = match serde_json::to_value(obj.as_ref()) {
            Ok(v) => v,
            Err(_) => return obj,
        };
        value["status"] = status;
        serde_json::from_value(value).map(Arc::new).unwrap_or(obj)
    }

    /// This process wrote `status`; the API server answered with `resource_version`.
    pub fn wrote(
        &self,
        key: String,
        uid: Option<String>,
        resource_version: Option<&str>,
        status: serde_json::Value,
        now: Instant,
    ) {
        let mut written = self.0.lock().unwrap_or_else(|e| e.into_inner());
        written.retain(|_, w| now.duration_since(w.at) < Self::TRUSTED_FOR);
        written.insert(
            key,
            WrittenStatus {
                uid,
                resource_version: resource_version.and_then(|v| v.parse().ok()),
                status,
                at: now,
            },
        );
    }
}

/// Namespaces the API server refused a write into because they are being deleted. Their
/// objects are left alone (no retries, no warnings) for [`Terminating::QUIET`] after the
/// last refusal, and each namespace is logged once: deleting a namespace is no error.
#[derive(Debug, Default)]
pub struct Terminating(Mutex<HashMap<String, Instant>>);

impl Terminating {
    /// How long a namespace's objects are skipped after a refusal; then one pass tries again
    /// (the namespace may be gone and made anew under the same name).
    pub const QUIET: Duration = Duration::from_secs(30);

    /// Notes a refusal at `now`; true when it is news (not refused within the last 10 minutes).
    pub fn refused(&self, namespace: &str, now: Instant) -> bool {
        let mut seen = self.0.lock().unwrap_or_else(|e| e.into_inner());
        let news = seen
            .get(namespace)
            .is_none_or(|t| now.duration_since(*t) > Duration::from_secs(600));
        seen.insert(namespace.to_string(), now);
        news
    }

    /// Whether a pass over an object of `namespace` at `now` should not even start.
    pub fn skips(&self, namespace: &str, now: Instant) -> bool {
        self.0
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .get(namespace)
            .is_some_and(|t| now.duration_since(*t) < Self::QUIET)
    }
}

impl Runtime {
    /// Records an event on the object; failures to record are logged, never fatal.
    pub async fn event<K: Resource<DynamicType = ()>>(
        &self,
        obj: &K,
        warning: bool,
        reason: &str,
        note: &str,
    ) {
        let note = super::events::Note {
            warning,
            reason,
            action: "Reconcile",
            note,
        };
        if let Err(e) = self.events.publish(&obj.object_ref(&()), &note).await {
            if super::namespace_terminating(&e) {
                tracing::debug!(reason, "no event: the namespace is being deleted");
            } else {
                tracing::warn!(reason, error = %e, "cannot record event");
            }
        } else {
            self.metrics.write("create", "events");
        }
    }
}

/// When a controller looks at an object again if nothing wakes it before.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Requeue {
    /// Only when the object or a child changes.
    OnChange,
    After(Duration),
}

impl From<Requeue> for Action {
    fn from(r: Requeue) -> Self {
        match r {
            Requeue::OnChange => Action::await_change(),
            Requeue::After(d) => Action::requeue(d),
        }
    }
}

/// What every pass of one controller reads: the shared runtime, the controller's
/// own caches and settings, and its failures so far.
pub struct State<C> {
    pub runtime: Arc<Runtime>,
    /// The kind in logs and metrics (`performer`, `executor`).
    pub kind: &'static str,
    pub caches: C,
    failures: Failures,
}

impl<C> State<C> {
    pub fn new(runtime: Arc<Runtime>, kind: &'static str, caches: C) -> Arc<Self> {
        Arc::new(State {
            runtime,
            kind,
            caches,
            failures: Failures::default(),
        })
    }
}

/// What the controllers watch and write: a namespaced kind they can share across tasks.
pub trait Object:
    Resource<Scope = NamespaceResourceScope, DynamicType = ()>
    + Clone
    + Serialize
    + DeserializeOwned
    + Debug
    + Send
    + Sync
    + 'static
{
}
impl<K> Object for K where
    K: Resource<Scope = NamespaceResourceScope, DynamicType = ()>
        + Clone
        + Serialize
        + DeserializeOwned
        + Debug
        + Send
        + Sync
        + 'static
{
}

/// Consecutive failed passes per object (`namespace/name`), for exponential backoff.
#[derive(Debug, Default)]
pub struct Failures(Mutex<HashMap<String, u32>>);

impl Failures {
    /// Counts one more failed pass; returns the attempts so far.
    pub fn failed(&self, key: &str) -> u32 {
        let mut failures = self.0.lock().unwrap_or_else(|e| e.into_inner());
        let n = failures.entry(key.to_string()).or_insert(0);
        *n = n.saturating_add(1);
        *n
    }

    /// A pass succeeded: the next failure starts from the shortest delay again.
    pub fn succeeded(&self, key: &str) {
        self.0.lock().unwrap_or_else(|e| e.into_inner()).remove(key);
    }
}

/// The delay before retry number `attempts` (1-based): 1s, 2s, 4s ... capped at 5 minutes.
pub fn backoff(attempts: u32) -> Duration {
    let secs = 1u64 << attempts.saturating_sub(1).min(9);
    Duration::from_secs(secs.min(300))
}

/// `namespace/name` of an object reference.
pub fn key<K: Resource>(obj: &ObjectRef<K>) -> String {
    format!(
        "{}/{}",
        obj.namespace.as_deref().unwrap_or_default(),
        obj.name
    )
}

/// Retries a failed pass with per-object backoff. The error names the object and
/// the write, never a value.
fn error_policy<K, C>(obj: Arc<K>, error: &ReconcileError, state: Arc<State<C>>) -> Action
where
    K: Resource<DynamicType = ()>,
{
    let key = key(&ObjectRef::from_obj(obj.as_ref()));
    if error.namespace_terminating() {
        let ns = obj.meta().namespace.as_deref().unwrap_or_default();
        if state.runtime.terminating.refused(ns, Instant::now()) {
            tracing::info!(
                namespace = ns,
                "namespace is being deleted: hgctl stops writing into it"
            );
        }
        return Action::await_change();
    }
    let attempts = state.failures.failed(&key);
    let delay = backoff(attempts);
    tracing::warn!(kind = state.kind, object = %key, attempt = attempts, retry_in = ?delay, "reconcile failed: {error}");
    Action::requeue(delay)
}

/// Runs `controller` until its shutdown signal: each pass is timed into the metrics,
/// a failed pass backs off per object and a successful one resets the backoff.
pub async fn drive<K, C, F, Fut>(controller: Controller<K>, reconcile: F, state: Arc<State<C>>)
where
    K: Object,
    C: Send + Sync + 'static,
    F: Fn(Arc<K>, Arc<State<C>>) -> Fut + Send + 'static,
    Fut: Future<Output = Result<Action, ReconcileError>> + Send + 'static,
{
    let timed = move |obj: Arc<K>, state: Arc<State<C>>| {
        // Objects of a namespace being deleted wait for their own deletion, unless the
        // pass is about that deletion.
        let ns = obj.meta().namespace.as_deref().unwrap_or_default();
        let skip = obj.meta().deletion_timestamp.is_none()
            && state.runtime.terminating.skips(ns, Instant::now());
        let pass = (!skip).then(|| reconcile(obj, state.clone()));
        async move {
            let Some(pass) = pass else {
                return Ok(Action::await_change());
            };
            let started = Instant::now();
            let result = pass.await;
            state
                .runtime
                .metrics
                .observe(state.kind, started.elapsed(), result.is_err());
            result
        }
    };
    controller
        .run(timed, error_policy::<K, C>, state.clone())
        .for_each(|result| {
            match result {
                Ok((obj, _)) => state.failures.succeeded(&key(&obj)),
                Err(e) => tracing::debug!(kind = state.kind, error = %e, "reconcile stream"),
            }
            future::ready(())
        })
        .await;
}

/// The API of `K` in one namespace, or in all of them.
pub fn api<K>(client: &Client, namespace: Option<&str>) -> Api<K>
where
    K: Resource<Scope = NamespaceResourceScope, DynamicType = ()>,
{
    match namespace {
        Some(ns) => Api::namespaced(client.clone(), ns),
        None => Api::all(client.clone()),
    }
}

/// A cache of the `K` that `config` selects, kept by a watch (managedFields dropped,
/// then `slim`). The stream yields each change after the cache has it, so a pass it
/// triggers never reads older state.
pub fn reflect<K: Object>(
    client: &Client,
    namespace: Option<&str>,
    config: watcher::Config,
    slim: fn(&mut K),
) -> (
    Store<K>,
    impl Stream<Item = Result<watcher::Event<K>, watcher::Error>> + Send + 'static,
) {
    let (store, writer) = reflector::store::<K>();
    let stream = reflector::reflector(
        writer,
        watcher(api::<K>(client, namespace), config)
            .default_backoff()
            .modify(move |o| {
                o.meta_mut().managed_fields = None;
                slim(o);
            }),
    );
    (store, stream)
}

/// A cache of children, and which children each owner has (named by the same `owner`
/// function that wakes the owner), so that a pass reads its own children without scanning
/// every cached one (that made each pass O(N), and a fleet-wide change O(N^2)).
///
/// It also answers with the children this process wrote that the watch has not delivered
/// yet ([`Children::wrote`]): a pass between a write and its watch event (the owner's own
/// status write wakes it at once) would otherwise find the child missing or old and write
/// it again.
#[derive(Clone)]
pub struct Children<K: Object> {
    store: Store<K>,
    index: Arc<Mutex<OwnerIndex>>,
    unseen: Arc<Mutex<Unseen<K>>>,
    slim: fn(&mut K),
    owner: Arc<OwnerName<K>>,
}

/// Names the owner of a child, if it has one.
type OwnerName<K> = dyn Fn(&K) -> Option<String> + Send + Sync;

impl<K: Object> std::ops::Deref for Children<K> {
    type Target = Store<K>;
    fn deref(&self) -> &Store<K> {
        &self.store
    }
}

impl<K: Object> Children<K> {
    /// The children of owner `name` in `namespace`: the cached ones, and those written
    /// since that the cache does not show yet.
    pub fn of(&self, namespace: &str, name: &str) -> Vec<Arc<K>> {
        // The writes first: the watch forgets one only after the store holds it.
        let written = self.lock_unseen().of(namespace, name, Instant::now());
        let names = self
            .index
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .children(namespace, name);
        let mut children: Vec<Arc<K>> = names
            .iter()
            .filter_map(|child| self.store.get(&ObjectRef::new(child).within(namespace)))
            .collect();
        for w in written {
            match children
                .iter_mut()
                .find(|c| c.meta().name == w.object.meta().name)
            {
                Some(cached) if !w.newer_than(cached.as_ref()) => {}
                Some(cached) => *cached = w.object,
                None => children.push(w.object),
            }
        }
        children
    }

    /// The child `name` in `namespace`: the cached one, or the one written since when the
    /// cache does not show that write yet.
    pub fn newest(&self, namespace: &str, name: &str) -> Option<Arc<K>> {
        let written = self.lock_unseen().get(namespace, name, Instant::now());
        let cached = self.store.get(&ObjectRef::new(name).within(namespace));
        match (written, cached) {
            (Some(w), Some(c)) if !w.newer_than(c.as_ref()) => Some(c),
            (Some(w), _) => Some(w.object),
            (None, c) => c,
        }
    }

    /// This process wrote `object` (as the API server answered): it stands in for the
    /// cached copy until the watch delivers the write, for [`UNSEEN_FOR`] at most.
    pub fn wrote(&self, mut object: K) {
        object.meta_mut().managed_fields = None;
        (self.slim)(&mut object);
        let owner = (self.owner)(&object);
        self.lock_unseen().wrote(owner, object, Instant::now());
    }

    fn lock_unseen(&self) -> std::sync::MutexGuard<'_, Unseen<K>> {
        self.unseen.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// How long a written child stands in for the cache: far longer than any watch lag, short
/// enough that a write the watch never delivers (the object deleted at once) is not
/// assumed for long.
pub const UNSEEN_FOR: Duration = Duration::from_secs(30);

/// Children written that the watch has not delivered yet, by `(namespace, name)`.
struct Unseen<K> {
    by_name: HashMap<(String, String), Written<K>>,
}

impl<K> Default for Unseen<K> {
    fn default() -> Self {
        Self {
            by_name: HashMap::new(),
        }
    }
}

struct Written<K> {
    owner: Option<String>,
    resource_version: Option<u64>,
    object: Arc<K>,
    at: Instant,
}

impl<K> Clone for Written<K> {
    fn clone(&self) -> Self {
        Self {
            owner: self.owner.clone(),
            resource_version: self.resource_version,
            object: self.object.clone(),
            at: self.at,
        }
    }
}

fn resource_version<K: Resource>(o: &K) -> Option<u64> {
    o.meta().resource_version.as_deref()?.parse().ok()
}

impl<K: Resource> Written<K> {
    /// True when `cached` predates this write. The API server's resourceVersions are
    /// opaque to clients but, on every server hgctl supports, etcd revisions that grow
    /// with each write (an older copy of the name, of another uid, included).
    fn newer_than(&self, cached: &K) -> bool {
        self.resource_version
            .is_some_and(|mine| resource_version(cached).is_some_and(|seen| seen < mine))
    }
}

impl<K: Resource> Unseen<K> {
    fn wrote(&mut self, owner: Option<String>, object: K, now: Instant) {
        self.by_name
            .retain(|_, w| now.duration_since(w.at) < UNSEEN_FOR);
        let key = (
            object.meta().namespace.clone().unwrap_or_default(),
            object.meta().name.clone().unwrap_or_default(),
        );
        self.by_name.insert(
            key,
            Written {
                owner,
                resource_version: resource_version(&object),
                object: Arc::new(object),
                at: now,
            },
        );
    }

    fn get(&self, namespace: &str, name: &str, now: Instant) -> Option<Written<K>> {
        if self.by_name.is_empty() {
            return None;
        }
        self.by_name
            .get(&(namespace.to_string(), name.to_string()))
            .filter(|w| now.duration_since(w.at) < UNSEEN_FOR)
            .cloned()
    }

    fn of(&self, namespace: &str, owner: &str, now: Instant) -> Vec<Written<K>> {
        self.by_name
            .iter()
            .filter(|((ns, _), w)| {
                ns == namespace
                    && w.owner.as_deref() == Some(owner)
                    && now.duration_since(w.at) < UNSEEN_FOR
            })
            .map(|(_, w)| w.clone())
            .collect()
    }

    /// A watch event: the write it shows (or a later state, or the deletion) is forgotten.
    fn seen(&mut self, event: &watcher::Event<K>) {
        if self.by_name.is_empty() {
            return;
        }
        let (watcher::Event::Apply(o) | watcher::Event::InitApply(o) | watcher::Event::Delete(o)) =
            event
        else {
            return;
        };
        let key = (
            o.meta().namespace.clone().unwrap_or_default(),
            o.meta().name.clone().unwrap_or_default(),
        );
        let delete = matches!(event, watcher::Event::Delete(_));
        if self
            .by_name
            .get(&key)
            .is_some_and(|w| delete || !w.newer_than(o))
        {
            self.by_name.remove(&key);
        }
    }
}

/// Child names by `(namespace, owner)`, kept from the watch events the store is kept from;
/// a relist builds a new index that replaces the old one when the list is complete, as the
/// store does.
#[derive(Debug, Default)]
pub struct OwnerIndex {
    current: Owners,
    relisting: Option<Owners>,
}

#[derive(Debug, Default)]
struct Owners {
    /// `(namespace, owner)` -> child names.
    children: HashMap<(String, String), std::collections::BTreeSet<String>>,
    /// `(namespace, child)` -> owner, to move or drop a child whose owner changed.
    owner_of: HashMap<(String, String), String>,
}

impl Owners {
    fn set(&mut self, ns: &str, child: &str, owner: Option<String>) {
        let key = (ns.to_string(), child.to_string());
        if let Some(old) = self.owner_of.remove(&key) {
            let slot = (ns.to_string(), old);
            if let Some(set) = self.children.get_mut(&slot) {
                set.remove(child);
                if set.is_empty() {
                    self.children.remove(&slot);
                }
            }
        }
        if let Some(owner) = owner {
            self.children
                .entry((ns.to_string(), owner.clone()))
                .or_default()
                .insert(child.to_string());
            self.owner_of.insert(key, owner);
        }
    }
}

impl OwnerIndex {
    /// Applies one watch event: `owner` of the child it carries (None: no owner).
    pub fn apply<K: Resource>(
        &mut self,
        event: &watcher::Event<K>,
        owner: impl Fn(&K) -> Option<String>,
    ) {
        let place = |o: &K| {
            (
                o.meta().namespace.clone().unwrap_or_default(),
                o.meta().name.clone().unwrap_or_default(),
            )
        };
        match event {
            watcher::Event::Apply(o) => {
                let (ns, name) = place(o);
                self.current.set(&ns, &name, owner(o));
            }
            watcher::Event::Delete(o) => {
                let (ns, name) = place(o);
                self.current.set(&ns, &name, None);
            }
            watcher::Event::Init => self.relisting = Some(Owners::default()),
            watcher::Event::InitApply(o) => {
                let (ns, name) = place(o);
                self.relisting
                    .get_or_insert_with(Owners::default)
                    .set(&ns, &name, owner(o));
            }
            watcher::Event::InitDone => {
                if let Some(done) = self.relisting.take() {
                    self.current = done;
                }
            }
        }
    }

    /// The children of `owner` in `namespace`, by name.
    pub fn children(&self, namespace: &str, owner: &str) -> Vec<String> {
        self.current
            .children
            .get(&(namespace.to_string(), owner.to_string()))
            .map(|set| set.iter().cloned().collect())
            .unwrap_or_default()
    }
}

/// A cache of children (indexed by owner) and the owners to look at again when one changes
/// (deletions included); `owner` names the owner of a child, if it has one.
pub fn watch_children<K, O>(
    client: &Client,
    namespace: Option<&str>,
    config: watcher::Config,
    slim: fn(&mut K),
    owner: fn(&K) -> Option<ObjectRef<O>>,
) -> (
    Children<K>,
    impl Stream<Item = ObjectRef<O>> + Send + 'static,
)
where
    K: Object,
    O: Resource<DynamicType = ()> + Send + 'static,
{
    let (store, stream) = reflect(client, namespace, config, slim);
    let index = Arc::new(Mutex::new(OwnerIndex::default()));
    let unseen = Arc::new(Mutex::new(Unseen::default()));
    let (keeper, forget) = (index.clone(), unseen.clone());
    let owners = stream
        .inspect(move |event| {
            if let Ok(event) = event {
                keeper
                    .lock()
                    .unwrap_or_else(|e| e.into_inner())
                    .apply(event, |child| owner(child).map(|o| o.name));
                forget.lock().unwrap_or_else(|e| e.into_inner()).seen(event);
            }
        })
        .touched_objects()
        .filter_map(move |child| future::ready(child.ok().and_then(|c| owner(&c))));
    let children = Children {
        store,
        index,
        unseen,
        slim,
        owner: Arc::new(move |child: &K| owner(child).map(|o| o.name)),
    };
    (children, owners)
}

/// Keeps a cached object whole (but its managedFields).
pub fn keep<K>(_: &mut K) {}

#[cfg(test)]
mod tests {
    use super::*;

    fn pod(name: &str, owner: &str) -> k8s_openapi::api::core::v1::Pod {
        serde_json::from_value(serde_json::json!({
            "metadata": {"name": name, "namespace": "ns", "labels": {"owner": owner}},
        }))
        .unwrap()
    }

    fn versioned(name: &str, owner: &str, rv: &str) -> k8s_openapi::api::core::v1::Pod {
        let mut p = pod(name, owner);
        p.metadata.resource_version = Some(rv.into());
        p
    }

    /// Children over a store fed by hand, as the watch would.
    fn children() -> (
        Children<k8s_openapi::api::core::v1::Pod>,
        reflector::store::Writer<k8s_openapi::api::core::v1::Pod>,
    ) {
        let (store, writer) = reflector::store();
        let owner =
            |p: &k8s_openapi::api::core::v1::Pod| p.metadata.labels.as_ref()?.get("owner").cloned();
        let children = Children {
            store,
            index: Default::default(),
            unseen: Default::default(),
            slim: keep,
            owner: Arc::new(owner),
        };
        (children, writer)
    }

    /// What `watch_children` does with each event.
    fn deliver(
        children: &Children<k8s_openapi::api::core::v1::Pod>,
        writer: &mut reflector::store::Writer<k8s_openapi::api::core::v1::Pod>,
        event: watcher::Event<k8s_openapi::api::core::v1::Pod>,
    ) {
        writer.apply_watcher_event(&event);
        let owner = children.owner.clone();
        children.index.lock().unwrap().apply(&event, |c| owner(c));
        children.lock_unseen().seen(&event);
    }

    fn rv_of(p: Option<Arc<k8s_openapi::api::core::v1::Pod>>) -> Option<String> {
        p?.metadata.resource_version.clone()
    }

    #[test]
    fn a_written_child_stands_in_until_the_watch_delivers_it() {
        let (children, mut writer) = children();
        children.wrote(versioned("a-1", "a", "10"));
        // Not cached yet: the write answers.
        assert_eq!(rv_of(children.newest("ns", "a-1")), Some("10".into()));
        let of_a = children.of("ns", "a");
        assert_eq!(of_a.len(), 1);
        assert!(children.of("ns", "b").is_empty());
        assert!(children.of("other", "a").is_empty());
        // The watch delivers it (and later states): the cache answers, the write is forgotten.
        deliver(
            &children,
            &mut writer,
            watcher::Event::Apply(versioned("a-1", "a", "10")),
        );
        assert!(children.lock_unseen().by_name.is_empty());
        deliver(
            &children,
            &mut writer,
            watcher::Event::Apply(versioned("a-1", "a", "12")),
        );
        assert_eq!(rv_of(children.newest("ns", "a-1")), Some("12".into()));
        assert_eq!(children.of("ns", "a").len(), 1);
    }

    #[test]
    fn a_write_over_an_older_cached_copy_wins_until_the_cache_catches_up() {
        let (children, mut writer) = children();
        deliver(
            &children,
            &mut writer,
            watcher::Event::Apply(versioned("a-1", "a", "5")),
        );
        children.wrote(versioned("a-1", "a", "9"));
        // An event older than the write keeps it.
        deliver(
            &children,
            &mut writer,
            watcher::Event::Apply(versioned("a-1", "a", "7")),
        );
        assert_eq!(rv_of(children.newest("ns", "a-1")), Some("9".into()));
        let of_a = children.of("ns", "a");
        assert_eq!(of_a.len(), 1, "one copy per name");
        assert_eq!(rv_of(of_a.into_iter().next()), Some("9".into()));
        deliver(
            &children,
            &mut writer,
            watcher::Event::Apply(versioned("a-1", "a", "9")),
        );
        assert!(children.lock_unseen().by_name.is_empty());
    }

    #[test]
    fn a_deletion_forgets_the_write_and_old_writes_lapse() {
        let (children, mut writer) = children();
        children.wrote(versioned("a-1", "a", "10"));
        deliver(
            &children,
            &mut writer,
            watcher::Event::Delete(versioned("a-1", "a", "8")),
        );
        assert!(children.newest("ns", "a-1").is_none());
        assert!(children.of("ns", "a").is_empty());

        let mut unseen = Unseen::default();
        let t0 = Instant::now();
        unseen.wrote(Some("a".into()), versioned("a-2", "a", "3"), t0);
        assert!(unseen.get("ns", "a-2", t0).is_some());
        assert!(unseen.get("ns", "a-2", t0 + UNSEEN_FOR).is_none());
        assert!(unseen.of("ns", "a", t0 + UNSEEN_FOR).is_empty());
        unseen.wrote(
            Some("b".into()),
            versioned("b-1", "b", "4"),
            t0 + UNSEEN_FOR,
        );
        assert_eq!(
            unseen.by_name.len(),
            1,
            "lapsed writes dropped on the next one"
        );
    }

    #[test]
    fn the_owner_index_follows_applies_deletes_owner_changes_and_relists() {
        let owner =
            |p: &k8s_openapi::api::core::v1::Pod| p.metadata.labels.as_ref()?.get("owner").cloned();
        let mut index = OwnerIndex::default();
        index.apply(&watcher::Event::Apply(pod("a-1", "a")), owner);
        index.apply(&watcher::Event::Apply(pod("a-2", "a")), owner);
        index.apply(&watcher::Event::Apply(pod("b-1", "b")), owner);
        assert_eq!(index.children("ns", "a"), vec!["a-1", "a-2"]);
        assert!(index.children("other", "a").is_empty());
        // Its owner changed: it moves.
        index.apply(&watcher::Event::Apply(pod("a-2", "b")), owner);
        assert_eq!(index.children("ns", "a"), vec!["a-1"]);
        assert_eq!(index.children("ns", "b"), vec!["a-2", "b-1"]);
        index.apply(&watcher::Event::Delete(pod("a-1", "a")), owner);
        assert!(index.children("ns", "a").is_empty());
        // A relist replaces the index once complete; until then the old one answers.
        index.apply(&watcher::Event::Init, owner);
        index.apply(&watcher::Event::InitApply(pod("c-1", "c")), owner);
        assert_eq!(index.children("ns", "b"), vec!["a-2", "b-1"]);
        index.apply(&watcher::Event::InitDone, owner);
        assert!(index.children("ns", "b").is_empty());
        assert_eq!(index.children("ns", "c"), vec!["c-1"]);
    }

    #[test]
    fn a_terminating_namespace_is_news_once_and_skipped_for_a_while() {
        let t = Terminating::default();
        let now = Instant::now();
        assert!(!t.skips("ns", now));
        assert!(t.refused("ns", now));
        assert!(
            !t.refused("ns", now + Duration::from_secs(5)),
            "logged once"
        );
        assert!(t.skips("ns", now + Duration::from_secs(20)));
        assert!(!t.skips("other", now));
        assert!(
            !t.skips("ns", now + Duration::from_secs(40)),
            "tried again later"
        );
        assert!(
            t.refused("ns", now + Duration::from_secs(1000)),
            "a later deletion is news"
        );
    }

    #[test]
    fn a_refusal_for_a_terminating_namespace_is_recognised() {
        let refused = |message: &str, cause: &str| {
            let status: kube::core::Status = serde_json::from_value(serde_json::json!({
                "status": "Failure", "code": 403, "reason": "Forbidden", "message": message,
                "details": {"causes": [{"reason": cause}]},
            }))
            .unwrap();
            ReconcileError::kube("create pod", kube::Error::Api(Box::new(status)))
        };
        assert!(refused("pods \"p\" is forbidden: unable to create new content in namespace ns because it is being terminated", "NamespaceTerminating").namespace_terminating());
        assert!(refused("x", "NamespaceTerminating").namespace_terminating());
        assert!(!refused("pods is forbidden: User cannot create", "").namespace_terminating());
        assert!(
            !ReconcileError::Internal("because it is being terminated".into())
                .namespace_terminating()
        );
    }

    #[test]
    fn backoff_doubles_and_is_capped() {
        assert_eq!(backoff(1), Duration::from_secs(1));
        assert_eq!(backoff(2), Duration::from_secs(2));
        assert_eq!(backoff(5), Duration::from_secs(16));
        assert_eq!(backoff(50), Duration::from_secs(300));
    }

    #[test]
    fn failures_count_per_object_until_a_success() {
        let f = Failures::default();
        assert_eq!(f.failed("ns/a"), 1);
        assert_eq!(f.failed("ns/a"), 2);
        assert_eq!(f.failed("ns/b"), 1);
        f.succeeded("ns/a");
        assert_eq!(f.failed("ns/a"), 1);
    }

    fn statuses_after_a_write(rv: &str) -> (WrittenStatuses, Instant) {
        let w = WrittenStatuses::default();
        let t0 = Instant::now();
        w.wrote(
            "Kind/ns/a".into(),
            Some("uid-a".into()),
            Some(rv),
            serde_json::json!({"phase": "Pending"}),
            t0,
        );
        (w, t0)
    }

    #[test]
    fn a_cache_older_than_the_write_gives_way_to_the_write() {
        let (w, t0) = statuses_after_a_write("100");
        let newer = w.newer_than_cache("Kind/ns/a", Some("uid-a"), Some("99"), t0);
        assert_eq!(newer, Some(serde_json::json!({"phase": "Pending"})));
        // Still remembered until the cache catches up.
        assert!(
            w.newer_than_cache("Kind/ns/a", Some("uid-a"), Some("99"), t0)
                .is_some()
        );
    }

    #[test]
    fn a_cache_at_or_past_the_write_is_trusted_and_the_write_forgotten() {
        let (w, t0) = statuses_after_a_write("100");
        assert_eq!(
            w.newer_than_cache("Kind/ns/a", Some("uid-a"), Some("100"), t0),
            None
        );
        assert_eq!(
            w.newer_than_cache("Kind/ns/a", Some("uid-a"), Some("50"), t0),
            None,
            "forgotten"
        );
        let (w, t0) = statuses_after_a_write("100");
        assert_eq!(
            w.newer_than_cache("Kind/ns/a", Some("uid-a"), Some("101"), t0),
            None
        );
    }

    #[test]
    fn a_write_to_another_object_of_the_name_or_an_old_write_counts_for_nothing() {
        let (w, t0) = statuses_after_a_write("100");
        assert_eq!(
            w.newer_than_cache("Kind/ns/a", Some("uid-b"), Some("99"), t0),
            None
        );
        let (w, t0) = statuses_after_a_write("100");
        let later = t0 + WrittenStatuses::TRUSTED_FOR;
        assert_eq!(
            w.newer_than_cache("Kind/ns/a", Some("uid-a"), Some("99"), later),
            None
        );
        let (w, t0) = statuses_after_a_write("100");
        assert_eq!(
            w.newer_than_cache("Kind/ns/other", Some("uid-a"), Some("99"), t0),
            None
        );
        let (w, t0) = statuses_after_a_write("not-a-number");
        assert_eq!(
            w.newer_than_cache("Kind/ns/a", Some("uid-a"), Some("99"), t0),
            None
        );
    }

    #[test]
    fn the_newest_object_carries_the_written_status() {
        use crate::api::Performer;
        let w = WrittenStatuses::default();
        let p: Performer = serde_json::from_value(serde_json::json!({
            "apiVersion": "hourglass.eigenlayer.io/v1alpha1", "kind": "Performer",
            "metadata": {"name": "a", "namespace": "ns", "uid": "uid-a", "resourceVersion": "7"},
            "spec": {"image": "x:1", "avsAddress": "0xCE2Ac75bE2E0951F1F7B288c7a6A9BfB6c331DC4"},
            "status": {"phase": "Running", "ready": true},
        }))
        .unwrap();
        let p = Arc::new(p);
        assert!(
            Arc::ptr_eq(&w.newest(p.clone()), &p),
            "nothing written: the cached object"
        );
        w.wrote(
            status_key(p.as_ref()),
            Some("uid-a".into()),
            Some("8"),
            serde_json::json!({"phase": "Pending", "ready": false}),
            Instant::now(),
        );
        let newest = w.newest(p.clone());
        let status = newest.status.as_ref().unwrap();
        assert!(!status.ready);
        assert_eq!(newest.spec.image, p.spec.image);
    }
}
