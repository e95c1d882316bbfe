//! Reports: render the sorted findings for a person or a program.
//!
//! Reporters only format. They never scan, filter or decide the exit status;
//! what they show has already passed the gate (suppressions, selection,
//! baseline), and the rule metadata they need comes from the catalogue.

pub mod bound;
pub mod escape;
pub mod github;
pub mod gitlab;
pub mod human;
pub mod json;
pub mod needs;
pub mod sarif;
pub mod statistics;

use std::collections::BTreeMap;
use std::io::{self, Write};
use std::path::Path;
use std::time::Duration;

use crate::base::BaseImage;
use crate::finding::{Finding, Severity};
use crate::gate::catalogue::RuleInfo;
use crate::gate::GateSummary;
use crate::options::Format;
use crate::scan::ScanStats;

/// Everything a reporter may show.
pub struct ReportInput<'a> {
    pub base: &'a BaseImage,
    /// How the base was chosen (`--base`, `--base-file`, the default).
    pub base_source: String,
    /// The image's Dockerfiles judged as if built on the base.
    pub judged_as_if: &'a [crate::dockerfile::pick::JudgedAsIf],
    /// The files read for the commands they start, and what each was
    /// judged against.
    pub starter_files: &'a [crate::starters::StarterFileRead],
    pub findings: &'a [Finding],
    /// One per finding, same order, unique within the report.
    pub fingerprints: &'a [String],
    pub stats: ScanStats,
    pub elapsed: Duration,
    pub color: bool,
    /// Every known rule, in code order.
    pub rules: &'a [RuleInfo],
    /// What the gate held back.
    pub gate: &'a GateSummary,
    /// Where paths in machine reports are relative to.
    pub cwd: &'a Path,
}

/// Counts shown at the end of a report.
pub struct Summary {
    pub by_severity: BTreeMap<Severity, usize>,
    pub by_code: BTreeMap<String, usize>,
    /// Keyed by distribution name, `application` for the app's own code.
    pub by_distribution: BTreeMap<String, usize>,
}

/// The name a report uses for findings in the application's own code.
pub const APPLICATION: &str = "application";

impl ReportInput<'_> {
    pub fn summary(&self) -> Summary {
        let mut summary = Summary {
            by_severity: BTreeMap::new(),
            by_code: BTreeMap::new(),
            by_distribution: BTreeMap::new(),
        };
        for f in self.findings {
            // A summary of hidden findings counts each of them.
            let n = bound::weight(f);
            *summary.by_severity.entry(f.severity).or_default() += n;
            *summary.by_code.entry(f.code.clone()).or_default() += n;
            let owner = f
                .distribution
                .as_ref()
                .map(|d| d.name.clone())
                .unwrap_or_else(|| APPLICATION.to_string());
            *summary.by_distribution.entry(owner).or_default() += n;
        }
        summary
    }

    /// The catalogue entry for `code`.
    pub fn rule(&self, code: &str) -> Option<&RuleInfo> {
        self.rules
            .binary_search_by(|r| r.code.as_str().cmp(code))
            .ok()
            .map(|i| &self.rules[i])
    }

    /// A finding's path for machine reports: relative to the directory
    /// distrolint runs in, with `/`.
    pub fn path(&self, finding: &Finding) -> String {
        crate::gate::paths::report_path(&finding.path, self.cwd)
    }

    pub fn findings_with_fingerprints(&self) -> impl Iterator<Item = (&Finding, &str)> {
        self.findings
            .iter()
            .zip(self.fingerprints.iter().map(String::as_str))
    }
}

/// Writes the pretty-printed JSON `document`, whose empty array at byte
/// `empty_array_at` (at nesting depth `depth`) is filled with `items`, one
/// at a time.
///
/// Building the whole document as a `serde_json::Value` held every
/// finding as a tree of maps at once (gigabytes for a few hundred thousand
/// findings); this holds one. The bytes are those `to_writer_pretty` writes
/// for the filled document: an array's items each on their own lines,
/// indented two spaces per level, and JSON strings never hold a raw
/// newline, so indenting every line of an item is exact.
pub(crate) fn write_filled(
    out: &mut dyn Write,
    document: &str,
    empty_array_at: usize,
    depth: usize,
    items: impl Iterator<Item = serde_json::Value>,
) -> io::Result<()> {
    debug_assert_eq!(&document[empty_array_at..empty_array_at + 2], "[]");
    write_json(out, &document[..=empty_array_at])?;
    let indent = "  ".repeat(depth + 1);
    let mut buffer = Vec::new();
    let mut any = false;
    for item in items {
        out.write_all(if any { b",\n" } else { b"\n" })?;
        any = true;
        buffer.clear();
        serde_json::to_writer_pretty(&mut buffer, &item)?;
        let item = std::str::from_utf8(&buffer).map_err(io::Error::other)?;
        for (i, line) in item.split('\n').enumerate() {
            if i > 0 {
                out.write_all(b"\n")?;
            }
            out.write_all(indent.as_bytes())?;
            write_json(out, line)?;
        }
    }
    if any {
        out.write_all(b"\n")?;
        out.write_all(&indent.as_bytes()[2..])?;
    }
    write_json(out, &document[empty_array_at + 1..])
}

/// Writes JSON text with the characters serde_json leaves raw but a reader
/// could act on (DEL, the C1 controls such as the one-byte CSI, bidi
/// controls, the Unicode line separators) as `\u` escapes. Outside strings
/// JSON is ASCII, so they can only be inside a string, where the escape
/// means the same character: a parser reads the same document, and
/// `cat report.json` in a CI log or terminal shows them inert.
fn write_json(out: &mut dyn Write, text: &str) -> io::Result<()> {
    let mut rest = text;
    while let Some(at) = rest.find(|c: char| c as u32 >= 0x7f && escape::needs_escape(c)) {
        out.write_all(&rest.as_bytes()[..at])?;
        let c = rest[at..].chars().next().unwrap_or_default();
        write!(out, "\\u{:04x}", c as u32)?;
        rest = &rest[at + c.len_utf8()..];
    }
    out.write_all(rest.as_bytes())
}

/// Where the empty array of `key` starts in a pretty-printed document,
/// the key being at nesting depth `depth`.
pub(crate) fn empty_array_of(document: &str, key: &str, depth: usize) -> usize {
    let marker = format!("\n{}\"{key}\": []", "  ".repeat(depth));
    document
        .find(&marker)
        .map(|at| at + marker.len() - 2)
        .expect("the document has the empty array")
}

/// Renders `input` in `format`.
pub fn render(format: Format, input: &ReportInput, out: &mut dyn Write) -> io::Result<()> {
    match format {
        Format::Human => human::render(input, out),
        Format::Json => json::render(input, out),
        Format::Sarif => sarif::render(input, out),
        Format::Github => github::render(input, out),
        Format::Gitlab => gitlab::render(input, out),
    }
}
