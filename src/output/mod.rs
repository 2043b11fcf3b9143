//! Rendering objects for people and programs: YAML and JSON streams, tables.

use std::io::Write;

use serde::Serialize;

pub mod describe;
#[cfg(test)]
pub(crate) mod fixtures;
pub mod get;
pub mod status;
pub mod table;

use crate::error::{Error, Result};

/// Serializes objects as one `---`-separated YAML stream, kubectl style.
pub fn yaml_stream<T: Serialize>(objects: &[T]) -> Result<String> {
    let mut out = String::new();
    for (i, object) in objects.iter().enumerate() {
        if i > 0 {
            out.push_str("---\n");
        }
        out.push_str(&yaml(object)?);
    }
    Ok(out)
}

/// Serializes one object as YAML.
pub fn yaml<T: Serialize>(object: &T) -> Result<String> {
    // Through serde_json::Value so every map comes out in a stable order.
    let value = serde_json::to_value(object)
        .map_err(|e| Error::Internal(format!("serializing to YAML: {e}")))?;
    let mut text = serde_saphyr::to_string(&value)
        .map_err(|e| Error::Internal(format!("serializing to YAML: {e}")))?;
    if !text.ends_with('\n') {
        text.push('\n');
    }
    Ok(text)
}

/// Serializes one object as pretty JSON with a trailing newline.
pub fn json<T: Serialize>(object: &T) -> Result<String> {
    let mut text = serde_json::to_string_pretty(object)
        .map_err(|e| Error::Internal(format!("serializing to JSON: {e}")))?;
    text.push('\n');
    Ok(text)
}

/// Writes data to stdout. A closed pipe (`hgctl crds | head -1`) is not an error.
pub fn print(text: &str) -> Result<()> {
    let mut stdout = std::io::stdout().lock();
    match stdout
        .write_all(text.as_bytes())
        .and_then(|()| stdout.flush())
    {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        Err(e) => Err(Error::Internal(format!("writing to stdout: {e}"))),
    }
}

/// Output formats, as kubectl spells them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum OutputFormat {
    Table,
    Wide,
    Json,
    Yaml,
    Name,
    Short,
}

impl OutputFormat {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Table => "table",
            Self::Wide => "wide",
            Self::Json => "json",
            Self::Yaml => "yaml",
            Self::Name => "name",
            Self::Short => "short",
        }
    }
}

/// Which kind `hgctl get` lists.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ResourceKind {
    #[value(alias = "performer", alias = "perf")]
    Performers,
    #[value(
        alias = "executor",
        alias = "hourglassexecutors",
        alias = "hourglassexecutor",
        alias = "hge"
    )]
    Executors,
}
