//! `-f FILE`: a Performer or HourglassExecutor from YAML, with diagnostics that
//! point into the file (the YAML parser's location, or the line of the field a
//! schema rule names).

use k8s_openapi::apiextensions_apiserver::pkg::apis::apiextensions::v1::CustomResourceDefinition;
use miette::{NamedSource, SourceSpan};
use serde::de::DeserializeOwned;
use serde_json::Value;

use crate::api::{self, HourglassExecutor, Performer};
use crate::error::{Error, FileError, Result};
use crate::schema;

/// A Performer from YAML text read from `path` (`-` for stdin).
pub fn performer(path: &str, text: &str, namespace: Option<&str>) -> Result<Performer> {
    load(path, text, text, &api::crds()[0], "Performer", namespace)
}

/// An HourglassExecutor from YAML. Inline keys are refused: they belong in a Secret.
pub fn executor(path: &str, text: &str, namespace: Option<&str>) -> Result<HourglassExecutor> {
    executor_document(path, text, text, namespace)
}

/// An HourglassExecutor from `document`: `shown` with every other document of the file
/// blanked (same offsets), so diagnostics point at the line in the whole file.
pub(crate) fn executor_document(
    path: &str,
    document: &str,
    shown: &str,
    namespace: Option<&str>,
) -> Result<HourglassExecutor> {
    let text = shown;
    let executor: HourglassExecutor = load(
        path,
        document,
        shown,
        &api::crds()[1],
        "HourglassExecutor",
        namespace,
    )?;
    let inline = crate::render::assessment::assess(&executor, None).inline_keys;
    if !inline.is_empty() {
        return Err(file_error(
            path,
            text,
            locate(document, "spec.config.operatorKeys"),
            format!(
                "spec.{} hold(s) a private key inline; hgctl does not send keys in a custom resource",
                inline.join(" and spec.")
            ),
            "put the keys in a Secret and reference it with operatorKeys.secretRef.name, or use `hgctl executor create NAME --operator-key-file F --ecdsa-key-file F ...`, which creates NAME-keys",
        ));
    }
    Ok(executor)
}

/// A Performer from one document of a multi-document file (see [`executor_document`]).
pub(crate) fn performer_document(
    path: &str,
    document: &str,
    shown: &str,
    namespace: Option<&str>,
) -> Result<Performer> {
    load(
        path,
        document,
        shown,
        &api::crds()[0],
        "Performer",
        namespace,
    )
}

/// `document` is what is parsed; `shown` (same length and offsets) is what a diagnostic quotes.
fn load<K: DeserializeOwned>(
    path: &str,
    document: &str,
    text: &str,
    crd: &CustomResourceDefinition,
    kind: &str,
    namespace: Option<&str>,
) -> Result<K> {
    let mut value: Value = serde_saphyr::from_str(document).map_err(|e| {
        let span = e.location().and_then(|l| {
            let offset = l
                .span()
                .byte_offset()
                .map(|o| o as usize)
                .or_else(|| offset_of(text, l.line() as usize, l.column() as usize))?;
            Some(SourceSpan::from((
                offset.min(text.len()),
                1usize.min(text.len() - offset.min(text.len())),
            )))
        });
        file_error(
            path,
            text,
            span,
            format!("not valid YAML: {}", first_line(&e.to_string())),
            "fix the YAML syntax at the marked place",
        )
    })?;
    if !value.is_object() {
        return Err(file_error(
            path,
            text,
            None,
            format!("expected one {kind} object"),
            "the file holds a single YAML mapping with apiVersion, kind, metadata and spec",
        ));
    }
    let expected_api = format!("{}/{}", api::GROUP, api::VERSION);
    if value.get("kind").and_then(Value::as_str) != Some(kind) {
        return Err(file_error(
            path,
            text,
            locate(document, "kind"),
            format!("kind must be {kind}"),
            format!(
                "use `hgctl {} create -f` for this kind",
                if kind == "Performer" {
                    "executor"
                } else {
                    "performer"
                }
            ),
        ));
    }
    if value.get("apiVersion").and_then(Value::as_str) != Some(expected_api.as_str()) {
        return Err(file_error(
            path,
            text,
            locate(document, "apiVersion"),
            format!("apiVersion must be {expected_api}"),
            format!("set apiVersion: {expected_api}"),
        ));
    }
    let file_ns = value
        .pointer("/metadata/namespace")
        .and_then(Value::as_str)
        .map(str::to_string);
    match (&file_ns, namespace) {
        (Some(f), Some(n)) if f != n => {
            return Err(file_error(
                path,
                text,
                locate(document, "metadata.namespace"),
                format!("the file's namespace {f} is not the requested namespace {n}"),
                "drop -n or metadata.namespace, or make them agree",
            ));
        }
        (None, Some(n)) => {
            if let Some(meta) = value.get_mut("metadata").and_then(Value::as_object_mut) {
                meta.insert("namespace".into(), Value::String(n.into()));
            }
        }
        _ => {}
    }
    if let Some(v) = schema::validate_object(crd, &value).into_iter().next() {
        return Err(file_error(
            path,
            text,
            locate(document, &v.path),
            format!("{}: {}", v.path, v.message),
            "`hgctl crds` shows the schema and its rules",
        ));
    }
    serde_json::from_value(value).map_err(|e| {
        file_error(
            path,
            text,
            None,
            format!("not a valid {kind}: {e}"),
            "`hgctl crds` shows the schema",
        )
    })
}

fn first_line(s: &str) -> &str {
    s.lines().next().unwrap_or(s)
}

/// Builds the diagnostic; values of key-like fields are masked in the shown source.
pub(crate) fn file_error(
    path: &str,
    text: &str,
    span: Option<SourceSpan>,
    message: String,
    help: impl Into<String>,
) -> Error {
    let name = if path == "-" { "<stdin>" } else { path };
    Error::InvalidFile(Box::new(FileError {
        path: name.to_string(),
        message,
        src: span.map(|_| NamedSource::new(name, mask_secrets(text))),
        span,
        help: Some(help.into()),
    }))
}

/// Replaces the values of `ecdsa:`, `bls:`, `privateKey:`, `password:` and `keystore:` lines
/// with `*` (same length, so spans stay valid).
pub fn mask_secrets(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for line in text.split_inclusive('\n') {
        let trimmed = line.trim_start().trim_start_matches("- ");
        let key = trimmed.split(':').next().unwrap_or_default().trim();
        if ["ecdsa", "bls", "privateKey", "password", "keystore"].contains(&key)
            && let Some(colon) = line.find(':')
        {
            out.push_str(&line[..=colon]);
            for c in line[colon + 1..].chars() {
                out.push(if c == '\n' || c == '\r' || c == ' ' {
                    c
                } else {
                    '*'
                });
            }
        } else {
            out.push_str(line);
        }
    }
    out
}

fn offset_of(text: &str, line: usize, column: usize) -> Option<usize> {
    let start: usize = text
        .split_inclusive('\n')
        .take(line.checked_sub(1)?)
        .map(str::len)
        .sum();
    let rest = text.get(start..)?;
    let col = rest
        .char_indices()
        .nth(column.saturating_sub(1))
        .map_or(rest.len(), |(i, _)| i);
    Some(start + col)
}

/// Finds the line of a field path (`spec.chains[1].rpc`) in block-style YAML. Returns
/// the span of the deepest part of the path found (the whole line from the key).
pub fn locate(text: &str, path: &str) -> Option<SourceSpan> {
    let lines: Vec<(usize, &str)> = {
        let mut offset = 0;
        text.split_inclusive('\n')
            .map(|l| {
                let r = (offset, l.trim_end_matches(['\n', '\r']));
                offset += l.len();
                r
            })
            .collect()
    };
    // (line index, column of keys in this block must be > parent_col)
    let mut from = 0usize;
    let mut parent_col: isize = -1;
    let mut stop_dash_col: Option<usize> = None;
    let mut best: Option<SourceSpan> = None;
    for segment in path.split('.') {
        let (key, indices) = split_indices(segment);
        // Find `key:` in the block.
        let mut block_col: Option<usize> = None;
        let mut found = None;
        for (i, (_, line)) in lines.iter().enumerate().skip(from) {
            let Some((col, dash_col, content)) = key_column(line) else {
                continue;
            };
            if i > from
                && let (Some(stop), Some(d)) = (stop_dash_col, dash_col)
                && d <= stop
            {
                break;
            }
            if (col as isize) <= parent_col && !(i == from && stop_dash_col.is_some()) {
                break;
            }
            let bc = *block_col.get_or_insert(col);
            if col != bc {
                continue;
            }
            if content
                .strip_prefix(key)
                .is_some_and(|r| r.trim_start().starts_with(':'))
            {
                found = Some((i, col));
                break;
            }
        }
        let Some((line_idx, col)) = found else {
            return best;
        };
        let (offset, line) = lines[line_idx];
        best = Some(SourceSpan::from((offset + col, line.len() - col)));
        from = line_idx + 1;
        parent_col = col as isize;
        stop_dash_col = None;
        for index in indices {
            // The index-th `- ` item below the key.
            let mut seen = 0usize;
            let mut item_col: Option<usize> = None;
            let mut item = None;
            for (i, (_, line)) in lines.iter().enumerate().skip(from) {
                let Some((kc, dash, _)) = key_column(line) else {
                    continue;
                };
                if (kc as isize) < parent_col || (dash.is_none() && kc as isize <= parent_col) {
                    break;
                }
                if let Some(d) = dash {
                    let ic = *item_col.get_or_insert(d);
                    if d == ic {
                        if seen == index {
                            item = Some((i, d, kc));
                            break;
                        }
                        seen += 1;
                    }
                }
            }
            let Some((i, dash_col, kc)) = item else {
                return best;
            };
            let (offset, line) = lines[i];
            best = Some(SourceSpan::from((offset + dash_col, line.len() - dash_col)));
            from = i;
            parent_col = kc as isize - 1;
            stop_dash_col = Some(dash_col);
        }
    }
    best
}

fn split_indices(segment: &str) -> (&str, Vec<usize>) {
    let key_end = segment.find('[').unwrap_or(segment.len());
    let indices = segment[key_end..]
        .split(['[', ']'])
        .filter_map(|s| s.parse().ok())
        .collect();
    (&segment[..key_end], indices)
}

/// For a non-empty, non-comment line: the column of its first key (after any `- `),
/// the column of its first dash if it is a list item, and the text from the key on.
fn key_column(line: &str) -> Option<(usize, Option<usize>, &str)> {
    let col = line.len() - line.trim_start().len();
    let rest = &line[col..];
    if rest.is_empty() || rest.starts_with('#') || rest.starts_with("---") {
        return None;
    }
    if rest == "-" || rest.starts_with("- ") {
        let after = rest[1..].trim_start();
        let kc = line.len() - after.len();
        return Some((kc, Some(col), after));
    }
    Some((col, None, rest))
}

#[cfg(test)]
mod tests {
    use super::*;

    const YAML: &str = "apiVersion: hourglass.eigenlayer.io/v1alpha1
kind: HourglassExecutor
metadata:
  name: ops
spec:
  image: x
  config:
    chains:
    - name: a
      rpc: https://a
    - name: b
      rpc: nope
    grpcPort: 0
";

    fn line_of(span: SourceSpan) -> &'static str {
        let start = span.offset();
        &YAML[start..start + span.len()]
    }

    #[test]
    fn locates_nested_keys_and_list_items() {
        assert_eq!(line_of(locate(YAML, "metadata.name").unwrap()), "name: ops");
        assert_eq!(
            line_of(locate(YAML, "spec.config.grpcPort").unwrap()),
            "grpcPort: 0"
        );
        assert_eq!(
            line_of(locate(YAML, "spec.config.chains[1].rpc").unwrap()),
            "rpc: nope"
        );
        assert_eq!(
            line_of(locate(YAML, "spec.config.chains[0].rpc").unwrap()),
            "rpc: https://a"
        );
        assert_eq!(
            line_of(locate(YAML, "spec.config.chains[1]").unwrap()),
            "- name: b"
        );
        // A missing leaf points at its deepest present parent.
        assert_eq!(
            line_of(locate(YAML, "spec.config.storage").unwrap()),
            "config:"
        );
        assert!(locate(YAML, "status").is_none());
    }

    #[test]
    fn masks_key_values_keeping_offsets() {
        let text = "ecdsa: 0xabc\n  bls: \"x\"\nname: y\n";
        let masked = mask_secrets(text);
        assert_eq!(masked.len(), text.len());
        assert!(!masked.contains("abc"));
        assert!(masked.contains("name: y"));
    }
}
