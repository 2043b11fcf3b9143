//! What `hgctl diff` prints: live and would-be objects without the fields nobody wrote,
//! Secret values redacted, as a unified diff. Pure.

use serde_json::Value;

/// Metadata the API server maintains; a change there is not the user's change.
const SERVER_METADATA: &[&str] = &[
    "managedFields",
    "resourceVersion",
    "generation",
    "uid",
    "creationTimestamp",
    "deletionTimestamp",
    "deletionGracePeriodSeconds",
    "selfLink",
];

/// Drops status and server-maintained metadata.
pub fn normalize(object: &Value) -> Value {
    let mut v = object.clone();
    if let Some(map) = v.as_object_mut() {
        map.remove("status");
    }
    if let Some(meta) = v.get_mut("metadata").and_then(Value::as_object_mut) {
        for key in SERVER_METADATA {
            meta.remove(*key);
        }
        if meta
            .get("annotations")
            .and_then(Value::as_object)
            .is_some_and(|a| a.is_empty())
        {
            meta.remove("annotations");
        }
    }
    v
}

/// Replaces the values of a Secret's `data` / `stringData` in both sides: `***` where
/// they are equal, `*** (before)` / `*** (after)` where they differ, so the diff says a
/// value changed without showing it.
pub fn redact_secret_pair(live: Option<&mut Value>, merged: Option<&mut Value>) {
    let is_secret = |v: &Option<&mut Value>| {
        v.as_ref()
            .is_some_and(|v| v.get("kind").and_then(Value::as_str) == Some("Secret"))
    };
    if !is_secret(&live) && !is_secret(&merged) {
        return;
    }
    let (mut live, mut merged) = (live, merged);
    for field in ["data", "stringData"] {
        let before = live
            .as_ref()
            .and_then(|v| v.get(field))
            .cloned()
            .unwrap_or(Value::Null);
        let after = merged
            .as_ref()
            .and_then(|v| v.get(field))
            .cloned()
            .unwrap_or(Value::Null);
        let mask = |side: &mut Option<&mut Value>, other: &Value, tag: &str| {
            if let Some(map) = side
                .as_deref_mut()
                .and_then(|v| v.get_mut(field))
                .and_then(Value::as_object_mut)
            {
                for (k, v) in map.iter_mut() {
                    let same = other.get(k) == Some(v);
                    *v = Value::String(if same {
                        "***".into()
                    } else {
                        format!("*** ({tag})")
                    });
                }
            }
        };
        mask(&mut live, &after, "before");
        mask(&mut merged, &before, "after");
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Op {
    Same,
    Removed,
    Added,
}

/// Line diff by longest common subsequence (objects are small: a few hundred lines).
fn line_ops<'a>(a: &[&'a str], b: &[&'a str]) -> Vec<(Op, &'a str)> {
    let (n, m) = (a.len(), b.len());
    let mut lcs = vec![vec![0u32; m + 1]; n + 1];
    for i in (0..n).rev() {
        for j in (0..m).rev() {
            lcs[i][j] = if a[i] == b[j] {
                lcs[i + 1][j + 1] + 1
            } else {
                lcs[i + 1][j].max(lcs[i][j + 1])
            };
        }
    }
    let (mut i, mut j) = (0, 0);
    let mut ops = Vec::with_capacity(n + m);
    while i < n || j < m {
        if i < n && j < m && a[i] == b[j] {
            ops.push((Op::Same, a[i]));
            i += 1;
            j += 1;
        } else if i < n && (j == m || lcs[i + 1][j] >= lcs[i][j + 1]) {
            ops.push((Op::Removed, a[i]));
            i += 1;
        } else {
            ops.push((Op::Added, b[j]));
            j += 1;
        }
    }
    ops
}

/// A unified diff of two texts with `context` lines around each change; empty when equal.
pub fn unified(before: &str, after: &str, from: &str, to: &str, context: usize) -> String {
    let a: Vec<&str> = before.lines().collect();
    let b: Vec<&str> = after.lines().collect();
    let ops = line_ops(&a, &b);
    let changed: Vec<usize> = ops
        .iter()
        .enumerate()
        .filter(|(_, (op, _))| *op != Op::Same)
        .map(|(i, _)| i)
        .collect();
    if changed.is_empty() {
        return String::new();
    }
    // Group changes whose context overlaps into hunks of op indices.
    let mut hunks: Vec<(usize, usize)> = Vec::new();
    for &c in &changed {
        let start = c.saturating_sub(context);
        let end = (c + context + 1).min(ops.len());
        match hunks.last_mut() {
            Some(last) if start <= last.1 => last.1 = end,
            _ => hunks.push((start, end)),
        }
    }
    let mut out = format!("--- {from}\n+++ {to}\n");
    for (start, end) in hunks {
        // Line numbers (1-based) of the hunk's first line on each side.
        let a_before = ops[..start].iter().filter(|(o, _)| *o != Op::Added).count();
        let b_before = ops[..start]
            .iter()
            .filter(|(o, _)| *o != Op::Removed)
            .count();
        let a_len = ops[start..end]
            .iter()
            .filter(|(o, _)| *o != Op::Added)
            .count();
        let b_len = ops[start..end]
            .iter()
            .filter(|(o, _)| *o != Op::Removed)
            .count();
        let pos = |before: usize, len: usize| if len == 0 { before } else { before + 1 };
        out.push_str(&format!(
            "@@ -{},{a_len} +{},{b_len} @@\n",
            pos(a_before, a_len),
            pos(b_before, b_len)
        ));
        for (op, line) in &ops[start..end] {
            let sign = match op {
                Op::Same => ' ',
                Op::Removed => '-',
                Op::Added => '+',
            };
            out.push(sign);
            out.push_str(line);
            out.push('\n');
        }
    }
    out
}

/// Colors a unified diff for a terminal: removals red, additions green, hunks cyan.
pub fn colorize(diff: &str) -> String {
    let mut out = String::with_capacity(diff.len() + 64);
    for line in diff.lines() {
        let color = if line.starts_with("+++") || line.starts_with("---") {
            "\x1b[1m"
        } else if line.starts_with('+') {
            "\x1b[32m"
        } else if line.starts_with('-') {
            "\x1b[31m"
        } else if line.starts_with("@@") {
            "\x1b[36m"
        } else {
            ""
        };
        if color.is_empty() {
            out.push_str(line);
        } else {
            out.push_str(color);
            out.push_str(line);
            out.push_str("\x1b[0m");
        }
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn equal_texts_have_no_diff() {
        assert_eq!(unified("a\nb\n", "a\nb\n", "x", "y", 3), "");
    }

    #[test]
    fn a_change_is_one_hunk_with_context() {
        let before = "a\nb\nc\nd\ne\nf\ng\nh\n";
        let after = "a\nb\nc\nd\nE\nf\ng\nh\n";
        let d = unified(before, after, "live", "merged", 2);
        assert_eq!(
            d,
            "--- live\n+++ merged\n@@ -3,5 +3,5 @@\n c\n d\n-e\n+E\n f\n g\n"
        );
    }

    #[test]
    fn an_added_object_is_all_additions() {
        let d = unified("", "a\nb\n", "live", "merged", 3);
        assert_eq!(d, "--- live\n+++ merged\n@@ -0,0 +1,2 @@\n+a\n+b\n");
        let d = unified("a\n", "", "live", "merged", 3);
        assert_eq!(d, "--- live\n+++ merged\n@@ -1,1 +0,0 @@\n-a\n");
    }

    #[test]
    fn distant_changes_are_separate_hunks() {
        let before: String = (0..20).map(|i| format!("{i}\n")).collect();
        let after: String = (0..20)
            .map(|i| match i {
                2 => "two\n".to_string(),
                17 => "seventeen\n".to_string(),
                i => format!("{i}\n"),
            })
            .collect();
        let d = unified(&before, &after, "a", "b", 1);
        assert_eq!(d.matches("@@ -").count(), 2, "{d}");
    }

    #[test]
    fn normalize_drops_what_nobody_wrote() {
        let live = json!({
            "kind": "Performer",
            "metadata": {"name": "p", "uid": "u", "resourceVersion": "7", "generation": 2,
                          "creationTimestamp": "t", "managedFields": [], "labels": {"a": "b"}},
            "spec": {"image": "x"},
            "status": {"phase": "Running"},
        });
        assert_eq!(
            normalize(&live),
            json!({"kind": "Performer", "metadata": {"name": "p", "labels": {"a": "b"}}, "spec": {"image": "x"}})
        );
    }

    #[test]
    fn secret_values_are_redacted_but_changes_show() {
        let mut live = json!({"kind": "Secret", "data": {"same": "c2VjcmV0", "changed": "b2xk"}});
        let mut merged = json!({"kind": "Secret", "data": {"same": "c2VjcmV0", "changed": "bmV3", "added": "eA=="}});
        redact_secret_pair(Some(&mut live), Some(&mut merged));
        let text = format!("{live}{merged}");
        for secret in ["c2VjcmV0", "b2xk", "bmV3", "eA=="] {
            assert!(!text.contains(secret), "{text}");
        }
        assert_eq!(live["data"]["same"], "***");
        assert_eq!(merged["data"]["same"], "***");
        assert_eq!(live["data"]["changed"], "*** (before)");
        assert_eq!(merged["data"]["changed"], "*** (after)");
        assert_eq!(merged["data"]["added"], "*** (after)");

        let mut added = json!({"kind": "Secret", "stringData": {"k": "v"}});
        redact_secret_pair(None, Some(&mut added));
        assert_eq!(added["stringData"]["k"], "*** (after)");
        // Other kinds are left alone.
        let mut cm = json!({"kind": "ConfigMap", "data": {"k": "v"}});
        redact_secret_pair(None, Some(&mut cm));
        assert_eq!(cm["data"]["k"], "v");
    }

    #[test]
    fn color_only_marks_lines() {
        let c = colorize("--- a\n+++ b\n@@ -1 +1 @@\n-x\n+y\n z\n");
        assert!(c.contains("\x1b[31m-x\x1b[0m"));
        assert!(c.contains("\x1b[32m+y\x1b[0m"));
        assert!(c.contains("\n z\n"));
    }
}
