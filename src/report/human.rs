//! The default report: one miette diagnostic per finding, grouped by who
//! owns the code (the application first, then each distribution), then a
//! summary.
//!
//! Colour is used only when the caller says the output is a terminal and
//! `NO_COLOR` is unset; the width is fixed so the rendering is stable.

use std::fmt;
use std::io::{self, Write};

use miette::{
    Diagnostic, GraphicalReportHandler, GraphicalTheme, LabeledSpan, NamedSource, SourceSpan,
};

use super::{ReportInput, APPLICATION};
use crate::finding::{Finding, Severity};

/// Files larger than this are not re-read to show a snippet.
const MAX_SNIPPET_SOURCE: u64 = 8 * 1024 * 1024;
const WIDTH: usize = 100;

struct FindingDiagnostic<'a> {
    finding: &'a Finding,
    source: Option<NamedSource<String>>,
}

impl fmt::Debug for FindingDiagnostic<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("FindingDiagnostic")
            .field("code", &self.finding.code)
            .finish()
    }
}

impl fmt::Display for FindingDiagnostic<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let path = crate::gate::paths::escaped(&self.finding.path);
        if self.source.is_some() || self.finding.message.contains(path.as_str()) {
            f.write_str(&self.finding.message)
        } else {
            write!(
                f,
                "{}\n  in {}",
                self.finding.message,
                self.finding.path.display()
            )
        }
    }
}

impl std::error::Error for FindingDiagnostic<'_> {}

impl Diagnostic for FindingDiagnostic<'_> {
    fn code<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        Some(Box::new(&self.finding.code))
    }

    fn severity(&self) -> Option<miette::Severity> {
        Some(match self.finding.severity {
            Severity::Error => miette::Severity::Error,
            Severity::Warning => miette::Severity::Warning,
            Severity::Info => miette::Severity::Advice,
        })
    }

    fn help<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        (!self.finding.help.is_empty())
            .then(|| Box::new(&self.finding.help) as Box<dyn fmt::Display>)
    }

    fn source_code(&self) -> Option<&dyn miette::SourceCode> {
        self.source.as_ref().map(|s| s as &dyn miette::SourceCode)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        let location = self.finding.location?;
        self.source.as_ref()?;
        let label = self
            .finding
            .fields
            .get("callee")
            .and_then(|v| v.as_str())
            .map(|callee| format!("{callee} called here"));
        Some(Box::new(std::iter::once(LabeledSpan::new_with_span(
            label,
            SourceSpan::new(location.offset.into(), location.length),
        ))))
    }
}

/// Re-reads the file to show the offending lines. The analysers do not keep
/// sources alive, so this costs one read per file with located findings.
fn load_source(finding: &Finding) -> Option<NamedSource<String>> {
    let location = finding.location?;
    let meta = std::fs::metadata(&finding.path).ok()?;
    if !meta.is_file() || meta.len() > MAX_SNIPPET_SOURCE {
        return None;
    }
    let bytes = std::fs::read(&finding.path).ok()?;
    let text = String::from_utf8_lossy(&bytes).into_owned();
    // A span that no longer fits (the file changed) would make miette
    // render garbage; show no snippet instead.
    if location.offset + location.length > text.len() || !text.is_char_boundary(location.offset) {
        return None;
    }
    Some(NamedSource::new(crate::gate::paths::escaped(&finding.path), text).with_language("python"))
}

fn owner(finding: &Finding) -> String {
    match &finding.distribution {
        Some(d) => format!("{} {}", d.name, d.version),
        None => format!("{APPLICATION} (your code)"),
    }
}

pub fn render(input: &ReportInput, out: &mut dyn Write) -> io::Result<()> {
    let theme = if input.color {
        GraphicalTheme::unicode()
    } else {
        GraphicalTheme::unicode_nocolor()
    };
    let handler = GraphicalReportHandler::new_themed(theme).with_width(WIDTH);
    let mut current_owner: Option<String> = None;
    let mut source_cache: Option<(std::path::PathBuf, Option<NamedSource<String>>)> = None;
    for finding in input.findings {
        let this_owner = owner(finding);
        if current_owner.as_deref() != Some(this_owner.as_str()) {
            writeln!(out, "── {this_owner} ──")?;
            current_owner = Some(this_owner);
        }
        let source = match &source_cache {
            Some((path, source)) if *path == finding.path && finding.location.is_some() => {
                source.clone()
            }
            _ => {
                let loaded = load_source(finding);
                source_cache = Some((finding.path.clone(), loaded.clone()));
                loaded
            }
        };
        let diagnostic = FindingDiagnostic { finding, source };
        let mut rendered = String::new();
        if handler.render_report(&mut rendered, &diagnostic).is_err() {
            rendered = format!(
                "{}: {} [{}]\n",
                finding.path.display(),
                finding.message,
                finding.code
            );
        }
        out.write_all(rendered.as_bytes())?;
        writeln!(out)?;
    }
    write_summary(input, out)
}

fn write_summary(input: &ReportInput, out: &mut dyn Write) -> io::Result<()> {
    let summary = input.summary();
    let count = |s: Severity| summary.by_severity.get(&s).copied().unwrap_or(0);
    writeln!(
        out,
        "Base: {} [{}]",
        input.base.display_name(),
        input.base_source
    )?;
    writeln!(
        out,
        "Scanned {} files ({} Python, {} ELF) from {} distributions and the application.",
        input.stats.files,
        input.stats.python_files,
        input.stats.elf_files,
        input.stats.distributions
    )?;
    let mut hidden = Vec::new();
    if input.gate.suppressed > 0 {
        hidden.push(format!("{} suppressed by comments", input.gate.suppressed));
    }
    if input.gate.ignored > 0 {
        hidden.push(format!(
            "{} turned off by the configuration or flags",
            input.gate.ignored
        ));
    }
    if let Some((path, outcome)) = &input.gate.baseline {
        hidden.push(format!(
            "{} accepted by the baseline {}",
            outcome.matched,
            path.display()
        ));
    }
    if input.stats.test_code_findings > 0 {
        hidden.push(format!(
            "{} in test code (--include-tests shows them)",
            input.stats.test_code_findings
        ));
    }
    if !hidden.is_empty() {
        writeln!(out, "Not shown: {}.", hidden.join(", "))?;
    }
    for line in input.gate.weakenings() {
        writeln!(out, "Gate weakened: {line}.")?;
    }
    if input.findings.is_empty() && input.gate.baseline.is_some() {
        writeln!(
            out,
            "No new findings: nothing beyond the baseline breaks on this base."
        )?;
        return Ok(());
    }
    if input.findings.is_empty() {
        writeln!(out, "No findings: nothing found that breaks on this base.")?;
        return Ok(());
    }
    writeln!(
        out,
        "Found {} errors, {} warnings, {} notes.",
        count(Severity::Error),
        count(Severity::Warning),
        count(Severity::Info)
    )?;
    let by_owner: Vec<String> = summary
        .by_distribution
        .iter()
        .map(|(name, n)| format!("{name}: {n}"))
        .collect();
    writeln!(out, "By owner: {}", by_owner.join(", "))?;
    let by_code: Vec<String> = summary
        .by_code
        .iter()
        .map(|(c, n)| format!("{c}: {n}"))
        .collect();
    writeln!(out, "By code: {}", by_code.join(", "))
}
