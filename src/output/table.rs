//! kubectl-like tables (pure): borderless, upper-case headers, columns three
//! spaces apart, values taken from the shared column table in [`crate::api::columns`].
//!
//! "Now" is a parameter everywhere so golden tests are deterministic.

use comfy_table::{ColumnConstraint, ContentArrangement, Table, Width, presets};
use k8s_openapi::jiff::Timestamp;
use serde_json::Value;

use crate::api::columns::{Column, ColumnKind};

/// Padding kubectl's tabwriter puts between columns.
const PADDING: u16 = 3;
/// kubectl's tabwriter minimum cell width (text plus padding).
const MIN_CELL: u16 = 6;

/// Which view of a list to render.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct TableOptions {
    /// `-o wide`: priority-1 columns and hgctl-only columns.
    pub wide: bool,
    /// `-A`: a NAMESPACE column first.
    pub all_namespaces: bool,
}

/// A column hgctl adds in wide views whose value is not a JSONPath into the object
/// (it needs another object, like the pod's node, or a default applied).
pub struct ExtraColumn<'a> {
    pub header: &'static str,
    pub value: Box<dyn Fn(&Value) -> String + 'a>,
}

/// Headers and cells of a table before layout.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Rows {
    pub headers: Vec<String>,
    pub rows: Vec<Vec<String>>,
}

impl Rows {
    /// Lays the rows out like kubectl, header included.
    pub fn render(&self) -> String {
        render(&self.headers, &self.rows, &[], true)
    }

    /// Widths of each column (text only), for `--watch` to keep later rows aligned.
    pub fn widths(&self) -> Vec<usize> {
        let mut widths: Vec<usize> = self.headers.iter().map(|h| h.chars().count()).collect();
        for row in &self.rows {
            for (i, cell) in row.iter().enumerate() {
                if let Some(w) = widths.get_mut(i) {
                    *w = (*w).max(cell.chars().count());
                }
            }
        }
        widths
    }
}

/// Builds the rows of `kubectl get` for objects (already `serde_json::to_value`d).
pub fn rows(
    objects: &[Value],
    columns: &[Column],
    extras: &[ExtraColumn<'_>],
    options: TableOptions,
    now: Timestamp,
) -> Rows {
    let shown: Vec<&Column> = columns
        .iter()
        .filter(|c| c.printer && (options.wide || c.priority == 0))
        .collect();
    let mut headers = Vec::new();
    if options.all_namespaces {
        headers.push("NAMESPACE".to_string());
    }
    headers.push("NAME".to_string());
    headers.extend(shown.iter().map(|c| c.name.to_uppercase()));
    if options.wide {
        headers.extend(extras.iter().map(|e| e.header.to_uppercase()));
    }
    let rows = objects
        .iter()
        .map(|object| {
            let mut row = Vec::with_capacity(headers.len());
            if options.all_namespaces {
                row.push(string_at(object, ".metadata.namespace"));
            }
            row.push(string_at(object, ".metadata.name"));
            row.extend(shown.iter().map(|c| cell(object, c, now)));
            if options.wide {
                row.extend(extras.iter().map(|e| (e.value)(object)));
            }
            row
        })
        .collect();
    Rows { headers, rows }
}

/// One cell as the API server's table convertor shows a CRD printer column:
/// empty when the path finds nothing.
pub fn cell(object: &Value, column: &Column, now: Timestamp) -> String {
    let Some(value) = lookup(object, column.json_path) else {
        return String::new();
    };
    match column.kind {
        ColumnKind::Age => value
            .as_str()
            .and_then(|s| s.parse::<Timestamp>().ok())
            .map(|t| age(t, now))
            .unwrap_or_else(|| "<unknown>".to_string()),
        _ => scalar(value),
    }
}

/// Follows a simple JSONPath (`.a.b.c`, no filters or indices).
pub fn lookup<'a>(value: &'a Value, path: &str) -> Option<&'a Value> {
    let mut current = value;
    for part in path.split('.').filter(|p| !p.is_empty()) {
        current = current.get(part)?;
    }
    (!current.is_null()).then_some(current)
}

fn string_at(object: &Value, path: &str) -> String {
    lookup(object, path).map(scalar).unwrap_or_default()
}

/// A JSON value as kubectl prints a cell: strings bare, everything else as JSON.
pub fn scalar(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        Value::Null => String::new(),
        other => other.to_string(),
    }
}

/// Age of `then` at `now`, like kubectl (`45s`, `5m10s`, `3h`, `2d`).
pub fn age(then: Timestamp, now: Timestamp) -> String {
    human_duration(now.as_second() - then.as_second())
}

/// Age of an optional timestamp; `<unknown>` when there is none.
pub fn age_of(
    then: Option<&k8s_openapi::apimachinery::pkg::apis::meta::v1::Time>,
    now: Timestamp,
) -> String {
    then.map(|t| age(t.0, now))
        .unwrap_or_else(|| "<unknown>".to_string())
}

/// kubectl's `duration.HumanDuration`, over whole seconds.
pub fn human_duration(seconds: i64) -> String {
    if seconds < -1 {
        return "<invalid>".to_string();
    }
    if seconds < 0 {
        return "0s".to_string();
    }
    if seconds < 120 {
        return format!("{seconds}s");
    }
    let minutes = seconds / 60;
    if minutes < 10 {
        let s = seconds % 60;
        return if s == 0 {
            format!("{minutes}m")
        } else {
            format!("{minutes}m{s}s")
        };
    }
    if minutes < 180 {
        return format!("{minutes}m");
    }
    let hours = seconds / 3600;
    if hours < 8 {
        let m = minutes % 60;
        return if m == 0 {
            format!("{hours}h")
        } else {
            format!("{hours}h{m}m")
        };
    }
    if hours < 48 {
        return format!("{hours}h");
    }
    if hours < 24 * 8 {
        let h = hours % 24;
        return if h == 0 {
            format!("{}d", hours / 24)
        } else {
            format!("{}d{h}h", hours / 24)
        };
    }
    if hours < 24 * 365 * 2 {
        return format!("{}d", hours / 24);
    }
    if hours < 24 * 365 * 8 {
        let days = (hours / 24) % 365;
        return if days == 0 {
            format!("{}y", hours / 24 / 365)
        } else {
            format!("{}y{days}d", hours / 24 / 365)
        };
    }
    format!("{}y", hours / 24 / 365)
}

/// Lays out rows like kubectl's tabwriter: left-aligned, 3 spaces between
/// columns, cells at least 6 wide, no trailing spaces. `min_widths` keeps
/// columns at least as wide as earlier output (for `--watch`).
pub fn render(
    headers: &[String],
    rows: &[Vec<String>],
    min_widths: &[usize],
    header: bool,
) -> String {
    let mut table = Table::new();
    table
        .load_style(presets::NOTHING)
        .set_content_arrangement(ContentArrangement::Disabled)
        .force_no_tty();
    if header {
        table.set_header(headers.to_vec());
    }
    for row in rows {
        table.add_row(row.clone());
    }
    let count = headers.len();
    for (i, column) in table.column_iter_mut().enumerate() {
        let last = i + 1 == count;
        column.set_padding((0, if last { 0 } else { PADDING }));
        let min = min_widths
            .get(i)
            .map(|&w| w as u16)
            .unwrap_or(0)
            .max(if last { 0 } else { MIN_CELL - PADDING });
        column.set_constraint(ColumnConstraint::LowerBoundary(Width::Fixed(min)));
    }
    let mut text = table.trim_fmt();
    if !text.is_empty() {
        text.push('\n');
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::columns;

    #[test]
    fn human_durations_match_kubectl() {
        let cases = [
            (-5, "<invalid>"),
            (-1, "0s"),
            (0, "0s"),
            (45, "45s"),
            (119, "119s"),
            (120, "2m"),
            (310, "5m10s"),
            (600, "10m"),
            (179 * 60, "179m"),
            (3 * 3600, "3h"),
            (3 * 3600 + 5 * 60, "3h5m"),
            (20 * 3600, "20h"),
            (2 * 86400, "2d"),
            (2 * 86400 + 3 * 3600, "2d3h"),
            (30 * 86400, "30d"),
            (800 * 86400, "2y70d"),
            (3000 * 86400, "8y"),
        ];
        for (secs, want) in cases {
            assert_eq!(human_duration(secs), want, "{secs}s");
        }
    }

    #[test]
    fn lookup_follows_paths_and_treats_null_as_missing() {
        let v = serde_json::json!({"a": {"b": {"c": 3}, "n": null}});
        assert_eq!(lookup(&v, ".a.b.c"), Some(&serde_json::json!(3)));
        assert_eq!(lookup(&v, ".a.x"), None);
        assert_eq!(lookup(&v, ".a.n"), None);
    }

    #[test]
    fn layout_is_kubectl_tabwriter() {
        let headers = vec!["NAME".to_string(), "OK".to_string(), "AGE".to_string()];
        let rows = vec![
            vec!["a".to_string(), "true".to_string(), "5m".to_string()],
            vec!["longer-name".to_string(), "".to_string(), "3d".to_string()],
        ];
        assert_eq!(
            render(&headers, &rows, &[], true),
            "NAME          OK     AGE\n\
             a             true   5m\n\
             longer-name          3d\n"
        );
    }

    #[test]
    fn missing_values_are_empty_and_bad_dates_unknown() {
        let now = Timestamp::from_second(1_000_000).unwrap();
        let obj = serde_json::json!({"metadata": {"name": "x", "creationTimestamp": "garbage"}});
        let r = rows(
            &[obj],
            columns::PERFORMER,
            &[],
            TableOptions::default(),
            now,
        );
        assert_eq!(r.rows[0], vec!["x", "", "", "", "", "", "", "<unknown>"]);
    }
}
