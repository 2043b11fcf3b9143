//! A folder of YAML in, validated documents out: which files (folders recurse), how a
//! multi-document file splits, what each document is, and the order they are applied in.
//! Pure except [`read_paths`], which only reads files.

use std::collections::BTreeSet;
use std::io::{IsTerminal, Read};
use std::ops::Range;
use std::path::{Path, PathBuf};

use kube::core::{ApiResource, GroupVersionKind};
use serde_json::Value;

use crate::api::{self, HourglassExecutor, Performer};
use crate::error::{Error, Result};
use crate::scaffold::file::{self, locate};
use crate::validate;

/// The kinds a folder may hold. Order of the variants is the order of apply: what others
/// reference first (a Performer's env Secret, an executor before its performers).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Kind {
    ConfigMap,
    Secret,
    HourglassExecutor,
    Performer,
}

impl Kind {
    pub const ALL: [Kind; 4] = [
        Kind::ConfigMap,
        Kind::Secret,
        Kind::HourglassExecutor,
        Kind::Performer,
    ];

    /// From a document's apiVersion and kind; `None` for a kind hgctl does not apply.
    pub fn of(api_version: &str, kind: &str) -> Option<Kind> {
        let ours = format!("{}/{}", api::GROUP, api::VERSION);
        match (api_version, kind) {
            ("v1", "ConfigMap") => Some(Kind::ConfigMap),
            ("v1", "Secret") => Some(Kind::Secret),
            (v, "HourglassExecutor") if v == ours => Some(Kind::HourglassExecutor),
            (v, "Performer") if v == ours => Some(Kind::Performer),
            _ => None,
        }
    }

    pub fn api_resource(self) -> ApiResource {
        let (group, version, kind, plural) = match self {
            Kind::ConfigMap => ("", "v1", "ConfigMap", "configmaps"),
            Kind::Secret => ("", "v1", "Secret", "secrets"),
            Kind::HourglassExecutor => (
                api::GROUP,
                api::VERSION,
                "HourglassExecutor",
                "hourglassexecutors",
            ),
            Kind::Performer => (api::GROUP, api::VERSION, "Performer", "performers"),
        };
        ApiResource::from_gvk_with_plural(&GroupVersionKind::gvk(group, version, kind), plural)
    }

    /// `Kind.group` as the ApplySet annotation `contains-group-kinds` spells it.
    pub fn group_kind(self) -> String {
        let ar = self.api_resource();
        if ar.group.is_empty() {
            ar.kind
        } else {
            format!("{}.{}", ar.kind, ar.group)
        }
    }

    /// From `Kind.group` (or the legacy `resource.group`).
    pub fn from_group_kind(gk: &str) -> Option<Kind> {
        Kind::ALL.into_iter().find(|k| {
            let ar = k.api_resource();
            let gr = if ar.group.is_empty() {
                ar.plural.clone()
            } else {
                format!("{}.{}", ar.plural, ar.group)
            };
            gk == k.group_kind() || gk == gr
        })
    }

    /// How kubectl names an object of this kind in its output: `performer.hourglass.eigenlayer.io/x`.
    pub fn display(self, name: &str) -> String {
        let ar = self.api_resource();
        if ar.group.is_empty() {
            format!("{}/{name}", ar.kind.to_lowercase())
        } else {
            format!("{}.{}/{name}", ar.kind.to_lowercase(), ar.group)
        }
    }
}

/// One validated document of the input.
#[derive(Debug, Clone)]
pub struct Document {
    /// Where it came from, `file.yaml:12` (line of its first line).
    pub origin: String,
    pub kind: Kind,
    pub name: String,
    /// Namespace from the document or `-n`; `None` until the default is filled in.
    pub namespace: Option<String>,
    /// The object as it will be applied (for CRs: the schema-checked object).
    pub object: Value,
}

/// One input file's text and the name diagnostics use (`<stdin>` for `-`).
#[derive(Debug, Clone)]
pub struct Source {
    pub path: String,
    pub text: String,
}

/// All of stdin for `-f -`; a terminal is refused (with `example` as the help), so that
/// hgctl never waits for typing.
pub fn read_stdin(example: &str) -> Result<String> {
    if std::io::stdin().is_terminal() {
        return Err(Error::flag("-f", "stdin is a terminal", example));
    }
    let mut text = String::new();
    std::io::stdin()
        .read_to_string(&mut text)
        .map_err(|e| Error::Io {
            path: "<stdin>".into(),
            source: e,
        })?;
    Ok(text)
}

/// The files named by `-f`: files as given, folders recursively (`.yaml`, `.yml`, `.json`,
/// sorted by path), `-` for stdin.
pub fn read_paths(paths: &[String]) -> Result<Vec<Source>> {
    let mut sources = Vec::new();
    for p in paths {
        if p == "-" {
            let text = read_stdin("pipe the YAML in: `cat folder/*.yaml | hgctl apply -f -`")?;
            sources.push(Source {
                path: "-".into(),
                text,
            });
            continue;
        }
        let mut files = Vec::new();
        collect(Path::new(p), true, &mut files)?;
        for f in files {
            let text = std::fs::read_to_string(&f).map_err(|e| Error::Io {
                path: f.display().to_string(),
                source: e,
            })?;
            sources.push(Source {
                path: f.display().to_string(),
                text,
            });
        }
    }
    Ok(sources)
}

fn collect(path: &Path, named: bool, out: &mut Vec<PathBuf>) -> Result<()> {
    let io = |e| Error::Io {
        path: path.display().to_string(),
        source: e,
    };
    if path.is_dir() {
        let mut entries: Vec<PathBuf> = std::fs::read_dir(path)
            .map_err(io)?
            .map(|e| e.map(|e| e.path()))
            .collect::<std::io::Result<_>>()
            .map_err(io)?;
        entries.sort();
        for e in entries {
            collect(&e, false, out)?;
        }
        return Ok(());
    }
    let manifest = path
        .extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| matches!(e, "yaml" | "yml" | "json"));
    if named || manifest {
        std::fs::metadata(path).map_err(io)?;
        out.push(path.to_path_buf());
    }
    Ok(())
}

/// Byte ranges of the documents of a YAML stream (split at `---` lines), skipping
/// documents that hold only blanks and comments.
pub fn split_documents(text: &str) -> Vec<Range<usize>> {
    let mut ranges = Vec::new();
    let mut start = 0;
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        let bare = line.trim_end();
        if bare == "---" || bare.starts_with("--- ") || bare.starts_with("---#") {
            ranges.push(start..offset);
            start = offset + line.len();
        }
        offset += line.len();
    }
    ranges.push(start..text.len());
    ranges
        .into_iter()
        .filter(|r| {
            text[r.clone()].lines().any(|l| {
                let t = l.trim();
                !t.is_empty() && !t.starts_with('#') && t != "..."
            })
        })
        .collect()
}

/// `text` with everything outside `range` replaced by spaces (newlines kept), so offsets,
/// lines and columns of the document are those of the whole file.
pub fn blank_outside(text: &str, range: Range<usize>) -> String {
    let mut out = String::with_capacity(text.len());
    for (i, c) in text.char_indices() {
        if range.contains(&i) || c == '\n' {
            out.push(c);
        } else {
            out.extend(std::iter::repeat_n(' ', c.len_utf8()));
        }
    }
    out
}

fn line_of(text: &str, offset: usize) -> usize {
    let first = text[offset..]
        .find(|c: char| !c.is_whitespace())
        .map_or(offset, |i| offset + i);
    text[..first].matches('\n').count() + 1
}

/// Validates every document of every source; all diagnostics, or the documents.
/// Nothing here touches a cluster, so an invalid folder writes nothing.
pub fn load(sources: &[Source], namespace: Option<&str>) -> Result<Vec<Document>, Vec<Error>> {
    let mut docs = Vec::new();
    let mut errors = Vec::new();
    for source in sources {
        for range in split_documents(&source.text) {
            let line = line_of(&source.text, range.start);
            match load_one(source, range, namespace) {
                Ok(mut d) => {
                    d.origin = format!("{}:{line}", display_path(&source.path));
                    docs.push(d);
                }
                Err(e) => errors.push(e),
            }
        }
    }
    let mut seen = BTreeSet::new();
    for d in &docs {
        if !seen.insert((d.kind, d.namespace.clone(), d.name.clone())) {
            errors.push(Error::usage(
                format!(
                    "{} is defined twice (again at {})",
                    d.kind.display(&d.name),
                    d.origin
                ),
                "keep one document per object",
            ));
        }
    }
    if errors.is_empty() {
        Ok(docs)
    } else {
        Err(errors)
    }
}

fn display_path(path: &str) -> &str {
    if path == "-" { "<stdin>" } else { path }
}

fn load_one(source: &Source, range: Range<usize>, namespace: Option<&str>) -> Result<Document> {
    let path = source.path.as_str();
    let doc = blank_outside(&source.text, range);
    let header: Value = serde_saphyr::from_str(&doc).unwrap_or(Value::Null);
    let api_version = header.get("apiVersion").and_then(Value::as_str);
    let kind_name = header.get("kind").and_then(Value::as_str);
    let kind = match (api_version, kind_name) {
        (Some(v), Some(k)) => Kind::of(v, k).ok_or_else(|| {
            let why = if k == "Namespace" {
                "a Namespace is not applied by hgctl: pruning it would delete everything in it, and the apply set's parent lives in a namespace that must exist first".to_string()
            } else {
                format!("hgctl applies Performers, HourglassExecutors, Secrets and ConfigMaps, not {k} ({v})")
            };
            file::file_error(
                path,
                &doc,
                locate(&doc, "kind"),
                why,
                "create it with kubectl (`kubectl create namespace NAME`, `kubectl apply -f`), or move it out of this folder",
            )
        })?,
        // Let the CR loader say what is wrong (YAML syntax, missing kind).
        _ => Kind::Performer,
    };
    let object = match kind {
        Kind::Performer => {
            let p: Performer = file::performer_document(path, &doc, &doc, namespace)?;
            typed_value(&p)?
        }
        Kind::HourglassExecutor => {
            let e: HourglassExecutor = file::executor_document(path, &doc, &doc, namespace)?;
            typed_value(&e)?
        }
        Kind::Secret | Kind::ConfigMap => core_object(path, &doc, kind, header, namespace)?,
    };
    let name = object
        .pointer("/metadata/name")
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_string();
    let namespace = object
        .pointer("/metadata/namespace")
        .and_then(Value::as_str)
        .map(str::to_string);
    Ok(Document {
        origin: String::new(),
        kind,
        name,
        namespace,
        object,
    })
}

fn typed_value<T: serde::Serialize>(object: &T) -> Result<Value> {
    serde_json::to_value(object).map_err(|e| Error::Internal(format!("serializing: {e}")))
}

/// A Secret or ConfigMap: applied as written after the checks the API server would make
/// on names and keys. Diagnostics never quote a Secret's source (it holds the values).
fn core_object(
    path: &str,
    doc: &str,
    kind: Kind,
    mut value: Value,
    namespace: Option<&str>,
) -> Result<Value> {
    let secret = kind == Kind::Secret;
    let fail = |field: &str, message: String| {
        let span = locate(doc, field);
        let line = span.map(|s| doc[..s.offset()].matches('\n').count() + 1);
        let at = line.map(|l| format!(" (line {l})")).unwrap_or_default();
        file::file_error(
            path,
            if secret { "" } else { doc },
            if secret { None } else { span },
            format!("{field}: {message}{at}"),
            "fix the field; `kubectl explain secret` / `kubectl explain configmap` describe them",
        )
    };
    let name = value.pointer("/metadata/name").and_then(Value::as_str);
    match name {
        Some(n) if validate::is_dns1123_subdomain(n) => {}
        Some(n) => {
            return Err(fail(
                "metadata.name",
                format!("{n:?} is not a valid name (lower-case letters, digits, '-', '.')"),
            ));
        }
        None => return Err(fail("metadata.name", "is required".into())),
    }
    let file_ns = value
        .pointer("/metadata/namespace")
        .and_then(Value::as_str)
        .map(str::to_string);
    match (&file_ns, namespace) {
        (Some(f), Some(n)) if f != n => {
            return Err(fail(
                "metadata.namespace",
                format!("the file's namespace {f} is not the requested namespace {n}"),
            ));
        }
        (None, Some(n)) => {
            if let Some(meta) = value.get_mut("metadata").and_then(Value::as_object_mut) {
                meta.insert("namespace".into(), Value::String(n.into()));
            }
        }
        _ => {}
    }
    let fields: &[&str] = if secret {
        &["data", "stringData"]
    } else {
        &["data", "binaryData"]
    };
    for field in fields {
        let Some(map) = value.get(*field) else {
            continue;
        };
        let Some(map) = map.as_object() else {
            return Err(fail(field, "must be a map of key: value".into()));
        };
        for (key, v) in map {
            if !validate::is_config_key(key) {
                return Err(fail(
                    &format!("{field}.{key}"),
                    "is not a valid key ([-._a-zA-Z0-9]+)".into(),
                ));
            }
            if !v.is_string() {
                return Err(fail(&format!("{field}.{key}"), "must be a string".into()));
            }
        }
    }
    let typed = if secret {
        serde_json::from_value::<k8s_openapi::api::core::v1::Secret>(value.clone())
            .map(|_| ())
            .map_err(|e| e.to_string())
    } else {
        serde_json::from_value::<k8s_openapi::api::core::v1::ConfigMap>(value.clone())
            .map(|_| ())
            .map_err(|e| e.to_string())
    };
    if let Err(e) = typed {
        // serde's message names the field, never the value of a string.
        return Err(fail("data", format!("not a valid {kind:?}: {e}")));
    }
    Ok(value)
}

/// The order of apply: by [`Kind`], then namespace and name (stable across runs).
pub fn order(docs: &mut [Document]) {
    docs.sort_by(|a, b| (a.kind, &a.namespace, &a.name).cmp(&(b.kind, &b.namespace, &b.name)));
}

#[cfg(test)]
mod tests {
    use super::*;

    const PERFORMER: &str = "apiVersion: hourglass.eigenlayer.io/v1alpha1
kind: Performer
metadata:
  name: p1
spec:
  avsAddress: \"0x1234567890abcdef1234567890abcdef12345678\"
  image: ghcr.io/x/y:1
";

    fn source(text: &str) -> Vec<Source> {
        vec![Source {
            path: "folder/all.yaml".into(),
            text: text.into(),
        }]
    }

    #[test]
    fn splits_documents_and_skips_empty_ones() {
        let text = "---\n# only a comment\n---\na: 1\n---\nb: 2\n...\n";
        let ranges = split_documents(text);
        assert_eq!(ranges.len(), 2);
        assert!(text[ranges[0].clone()].contains("a: 1"));
        assert!(text[ranges[1].clone()].contains("b: 2"));
        assert_eq!(split_documents("a: 1\n").len(), 1);
    }

    #[test]
    fn blanking_keeps_offsets() {
        let text = "a: é\n---\nb: 2\n";
        let r = split_documents(text)[1].clone();
        let blanked = blank_outside(text, r.clone());
        assert_eq!(blanked.len(), text.len());
        assert_eq!(&blanked[r.clone()], &text[r]);
        assert!(!blanked.contains('a'));
    }

    #[test]
    fn an_invalid_document_in_the_middle_is_reported_with_its_line() {
        let text = format!(
            "{PERFORMER}---\n{}---\n{}",
            PERFORMER
                .replace("name: p1", "name: p2")
                .replace("ghcr.io/x/y:1", "\"\""),
            PERFORMER.replace("name: p1", "name: p3")
        );
        let errors = load(&source(&text), Some("ns")).unwrap_err();
        assert_eq!(errors.len(), 1);
        let e = &errors[0];
        let Error::InvalidFile(f) = e else {
            panic!("{e:?}")
        };
        assert_eq!(f.path, "folder/all.yaml");
        assert!(f.message.contains("spec.image"), "{}", f.message);
        // The span is on line 15 of the file (the second document's image line).
        let span = f.span.expect("a span");
        assert_eq!(text[..span.offset()].matches('\n').count() + 1, 15);
        assert!(text[span.offset()..].starts_with("image:"));
    }

    #[test]
    fn loads_secrets_and_refuses_namespaces_by_name() {
        let text = format!(
            "{PERFORMER}---\napiVersion: v1\nkind: Secret\nmetadata:\n  name: env\nstringData:\n  TOKEN: hunter2\n"
        );
        let docs = load(&source(&text), Some("ns")).unwrap();
        assert_eq!(docs.len(), 2);
        assert_eq!(docs[1].kind, Kind::Secret);
        assert_eq!(docs[1].namespace.as_deref(), Some("ns"));
        assert_eq!(docs[0].origin, "folder/all.yaml:1");
        assert_eq!(docs[1].origin, "folder/all.yaml:9");

        let ns = "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: x\n";
        let errors = load(&source(ns), None).unwrap_err();
        assert!(errors[0].to_string().contains("Namespace is not applied"));

        let bad = "apiVersion: v1\nkind: Secret\nmetadata:\n  name: env\nstringData:\n  TOKEN: [hunter2]\n";
        let errors = load(&source(bad), None).unwrap_err();
        let Error::InvalidFile(f) = &errors[0] else {
            panic!()
        };
        assert!(f.src.is_none(), "a Secret's source is never quoted");
        assert!(f.message.contains("stringData.TOKEN"), "{}", f.message);
    }

    #[test]
    fn duplicates_are_refused() {
        let text = format!("{PERFORMER}---\n{PERFORMER}");
        let errors = load(&source(&text), None).unwrap_err();
        assert!(errors[0].to_string().contains("defined twice"));
    }

    #[test]
    fn executors_come_before_performers_and_secrets_first() {
        let doc = |kind, name: &str| Document {
            origin: String::new(),
            kind,
            name: name.into(),
            namespace: Some("ns".into()),
            object: Value::Null,
        };
        let mut docs = vec![
            doc(Kind::Performer, "b"),
            doc(Kind::HourglassExecutor, "z"),
            doc(Kind::Performer, "a"),
            doc(Kind::Secret, "s"),
        ];
        order(&mut docs);
        let names: Vec<_> = docs.iter().map(|d| d.name.as_str()).collect();
        assert_eq!(names, ["s", "z", "a", "b"]);
    }

    #[test]
    fn group_kinds_round_trip() {
        for k in Kind::ALL {
            assert_eq!(Kind::from_group_kind(&k.group_kind()), Some(k));
        }
        assert_eq!(
            Kind::Performer.group_kind(),
            "Performer.hourglass.eigenlayer.io"
        );
        assert_eq!(Kind::Secret.group_kind(), "Secret");
        assert_eq!(
            Kind::from_group_kind("performers.hourglass.eigenlayer.io"),
            Some(Kind::Performer)
        );
        assert_eq!(Kind::from_group_kind("Deployment.apps"), None);
    }
}
