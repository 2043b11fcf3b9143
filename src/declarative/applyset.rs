//! The ApplySet convention of KEP-3659, as `kubectl apply --prune --applyset` implements it:
//! a parent Secret carrying the set's id and the group-kinds of its members, members
//! labelled `applyset.kubernetes.io/part-of=<id>`. Pure: ids, the parent object, and the
//! plan of what to prune.

use std::collections::{BTreeMap, BTreeSet};

use base64::Engine;
use serde_json::{Value, json};

use super::documents::Kind;

/// Label on the parent: the set's id.
pub const LABEL_ID: &str = "applyset.kubernetes.io/id";
/// Label on every member: the id of the set it belongs to.
pub const LABEL_PART_OF: &str = "applyset.kubernetes.io/part-of";
/// Annotation on the parent: which tool manages the set (`NAME/VERSION`).
pub const ANNOTATION_TOOLING: &str = "applyset.kubernetes.io/tooling";
/// Annotation on the parent: `Kind.group` of every member, sorted, comma-separated.
pub const ANNOTATION_GROUP_KINDS: &str = "applyset.kubernetes.io/contains-group-kinds";
/// The older spelling kubectl still reads: `resource.group`.
pub const ANNOTATION_GROUP_RESOURCES: &str = "applyset.kubernetes.io/contains-group-resources";

/// The tool name in the tooling annotation. kubectl refuses a set whose tooling is not
/// `kubectl/...`, so hgctl writes kubectl's name (with hgctl in the version part): either
/// tool can then apply and prune the same set.
pub const TOOLING_NAME: &str = "kubectl";
/// The full tooling annotation hgctl writes.
pub const TOOLING: &str = concat!("kubectl/hgctl-", env!("CARGO_PKG_VERSION"));

/// Default name of the parent Secret.
pub const DEFAULT_PARENT: &str = "hgctl-applyset";

/// The set's id for a Secret parent, as kubectl computes it:
/// `applyset-<base64url(sha256("<name>.<namespace>.Secret."))>-v1`.
pub fn id(parent_name: &str, namespace: &str) -> String {
    let unencoded = format!("{parent_name}.{namespace}.Secret.");
    let digest = ring::digest::digest(&ring::digest::SHA256, unencoded.as_bytes());
    let b64 = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(digest.as_ref());
    format!("applyset-{b64}-v1")
}

/// The parent Secret (metadata only; it holds no data) listing `kinds`.
pub fn parent(name: &str, namespace: &str, kinds: &BTreeSet<Kind>) -> Value {
    json!({
        "apiVersion": "v1",
        "kind": "Secret",
        "metadata": {
            "name": name,
            "namespace": namespace,
            "labels": { LABEL_ID: id(name, namespace) },
            "annotations": {
                ANNOTATION_TOOLING: TOOLING,
                ANNOTATION_GROUP_KINDS: group_kinds_annotation(kinds),
            },
        },
    })
}

pub fn group_kinds_annotation(kinds: &BTreeSet<Kind>) -> String {
    let mut gks: Vec<String> = kinds.iter().map(|k| k.group_kind()).collect();
    gks.sort();
    gks.join(",")
}

/// What an existing parent says: its member kinds, and the group-kinds hgctl does not
/// know (which it may list but never prunes).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ParentState {
    pub kinds: BTreeSet<Kind>,
    pub unknown: Vec<String>,
}

/// Reads an existing parent's labels and annotations; an error says why hgctl must not
/// take it over (another set's id, another tool).
pub fn read_parent(
    name: &str,
    namespace: &str,
    labels: &BTreeMap<String, String>,
    annotations: &BTreeMap<String, String>,
) -> Result<ParentState, String> {
    let expected = id(name, namespace);
    match labels.get(LABEL_ID) {
        Some(found) if *found == expected => {}
        Some(found) => {
            return Err(format!(
                "Secret {name} is the parent of another apply set (id {found}, expected {expected})"
            ));
        }
        None => {
            return Err(format!(
                "Secret {name} exists and is not an apply set parent (no {LABEL_ID} label)"
            ));
        }
    }
    match annotations.get(ANNOTATION_TOOLING) {
        Some(t) if t.split('/').next() == Some(TOOLING_NAME) => {}
        Some(t) => {
            return Err(format!(
                "the apply set {name} is managed by {t}, not kubectl-compatible tooling"
            ));
        }
        None => return Err(format!("the apply set {name} has no {ANNOTATION_TOOLING}")),
    }
    let mut state = ParentState::default();
    for key in [ANNOTATION_GROUP_KINDS, ANNOTATION_GROUP_RESOURCES] {
        for gk in annotations
            .get(key)
            .map(String::as_str)
            .unwrap_or_default()
            .split(',')
            .filter(|s| !s.is_empty())
        {
            match Kind::from_group_kind(gk) {
                Some(k) => {
                    state.kinds.insert(k);
                }
                None => state.unknown.push(gk.to_string()),
            }
        }
    }
    Ok(state)
}

/// One object by kind and name (the set lives in one namespace).
pub type Member = (Kind, String);

/// Objects labelled as members that the input no longer has: what `--prune` deletes.
/// Only objects that carry the set's label are candidates, so nothing outside the set is
/// ever pruned.
pub fn prune_plan(
    set_id: &str,
    live: &[(Kind, String, BTreeMap<String, String>)],
    desired: &BTreeSet<Member>,
) -> Vec<Member> {
    let mut plan: Vec<Member> = live
        .iter()
        .filter(|(_, _, labels)| labels.get(LABEL_PART_OF).map(String::as_str) == Some(set_id))
        .map(|(k, n, _)| (*k, n.clone()))
        .filter(|m| !desired.contains(m))
        .collect();
    // Performers before executors: the reverse of apply order.
    plan.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
    plan.dedup();
    plan
}

/// Adds the part-of label to an object about to be applied.
pub fn label_member(object: &mut Value, set_id: &str) {
    if let Some(meta) = object.get_mut("metadata").and_then(Value::as_object_mut) {
        let labels = meta
            .entry("labels")
            .or_insert_with(|| Value::Object(Default::default()));
        if let Some(labels) = labels.as_object_mut() {
            labels.insert(LABEL_PART_OF.into(), Value::String(set_id.into()));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn id_matches_kubectl() {
        // sha256("hgctl-applyset.team-a.Secret."), base64url without padding, as kubectl does.
        let digest = ring::digest::digest(&ring::digest::SHA256, b"hgctl-applyset.team-a.Secret.");
        let b64 = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(digest.as_ref());
        assert_eq!(id("hgctl-applyset", "team-a"), format!("applyset-{b64}-v1"));
        let id = id("hgctl-applyset", "team-a");
        assert!(id.len() <= 63, "a label value");
        assert!(crate::validate::is_label_value(&id));
        assert_ne!(id, super::id("hgctl-applyset", "team-b"));
    }

    #[test]
    fn parent_round_trips_and_refuses_foreign_sets() {
        let kinds: BTreeSet<Kind> = [Kind::Performer, Kind::HourglassExecutor].into();
        let p = parent("s", "ns", &kinds);
        let map =
            |v: &Value| -> BTreeMap<String, String> { serde_json::from_value(v.clone()).unwrap() };
        let labels = map(&p["metadata"]["labels"]);
        let mut annotations = map(&p["metadata"]["annotations"]);
        assert_eq!(
            annotations[ANNOTATION_GROUP_KINDS],
            "HourglassExecutor.hourglass.eigenlayer.io,Performer.hourglass.eigenlayer.io"
        );
        let state = read_parent("s", "ns", &labels, &annotations).unwrap();
        assert_eq!(state.kinds, kinds);

        assert!(read_parent("s", "other", &labels, &annotations).is_err());
        assert!(read_parent("s", "ns", &BTreeMap::new(), &annotations).is_err());
        annotations.insert(ANNOTATION_TOOLING.into(), "helm/v3".into());
        assert!(read_parent("s", "ns", &labels, &annotations).is_err());
        annotations.insert(ANNOTATION_TOOLING.into(), "kubectl/v1.34.0".into());
        annotations.insert(
            ANNOTATION_GROUP_KINDS.into(),
            "Deployment.apps,Performer.hourglass.eigenlayer.io".into(),
        );
        let state = read_parent("s", "ns", &labels, &annotations).unwrap();
        assert_eq!(state.kinds, [Kind::Performer].into());
        assert_eq!(state.unknown, ["Deployment.apps"]);
    }

    #[test]
    fn prunes_only_labelled_members_missing_from_the_input() {
        let set = id("s", "ns");
        let member = |k, n: &str, set: &str| {
            (
                k,
                n.to_string(),
                BTreeMap::from([(LABEL_PART_OF.to_string(), set.to_string())]),
            )
        };
        let live = vec![
            member(Kind::Performer, "kept", &set),
            member(Kind::Performer, "removed", &set),
            member(Kind::HourglassExecutor, "old-exec", &set),
            member(Kind::Performer, "other-set", "applyset-x-v1"),
            (Kind::Performer, "unlabelled".to_string(), BTreeMap::new()),
        ];
        let desired = BTreeSet::from([(Kind::Performer, "kept".to_string())]);
        assert_eq!(
            prune_plan(&set, &live, &desired),
            vec![
                (Kind::Performer, "removed".to_string()),
                (Kind::HourglassExecutor, "old-exec".to_string())
            ]
        );
    }

    #[test]
    fn labels_members() {
        let mut o = json!({"metadata": {"name": "x"}});
        label_member(&mut o, "applyset-a-v1");
        assert_eq!(o["metadata"]["labels"][LABEL_PART_OF], "applyset-a-v1");
    }
}
