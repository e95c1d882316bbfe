//! The default report: one miette diagnostic per finding, grouped by who
//! owns the code (the application first, then each distribution), then a
//! summary.
//!
//! Colour is used only when the caller says the output is a terminal and
//! `NO_COLOR` is unset; the width is fixed so the rendering is stable.

use std::borrow::Cow;
use std::fmt;
use std::io::{self, Write};
use std::path::PathBuf;
use std::sync::Arc;

use miette::{
    Diagnostic, GraphicalReportHandler, GraphicalTheme, LabeledSpan, MietteError,
    MietteSpanContents, SourceCode, SourceSpan, SpanContents,
};

use super::escape::{display, needs_escape, push_escaped};
use super::{ReportInput, APPLICATION};
use crate::finding::{Finding, Severity};
use crate::gate::sources::SourceText;

/// Files larger than this are not re-read to show a snippet.
const MAX_SNIPPET_SOURCE: u64 = 8 * 1024 * 1024;
const WIDTH: usize = 100;
/// A source line longer than this is cut to a window around the span: a
/// 30 KB line of calls would otherwise be printed whole for every call on it.
const MAX_LINE_BYTES: usize = 240;
/// How much of a cut line is kept before the span starts.
const LEAD_BYTES: usize = 60;
/// A span over more lines is shown up to here (a call whose arguments run
/// over thousands of lines would otherwise be printed whole).
const MAX_SPAN_LINES: u32 = 12;

/// The lines a diagnostic shows, copied out of the file and escaped, with
/// the finding's span moved to where it lands in the copy.
///
/// miette reads a snippet out of the source it is given, counting lines
/// from its start; handing it the whole file cost a copy and a scan of the
/// file per finding (quadratic in findings per file) and showed control
/// characters raw. The copy holds only the span's lines and one line of
/// context either side, and reports their real line numbers.
struct Snippet {
    /// The path, escaped.
    name: String,
    text: String,
    /// 0-based number, in the file, of the copy's first line.
    first_line: usize,
    span: SourceSpan,
    /// 0-based column of the finding in the file (the copy may have cut
    /// or escaped what precedes it).
    column: usize,
}

impl SourceCode for Snippet {
    fn read_span<'a>(
        &'a self,
        span: &SourceSpan,
        context_lines_before: usize,
        context_lines_after: usize,
    ) -> Result<Box<dyn SpanContents<'a> + 'a>, MietteError> {
        let inner = SourceCode::read_span(
            self.text.as_str(),
            span,
            context_lines_before,
            context_lines_after,
        )?;
        // The header's line:column is read with no context at the label.
        let column = if context_lines_before == 0
            && context_lines_after == 0
            && span.offset() == self.span.offset()
        {
            self.column
        } else {
            inner.column()
        };
        Ok(Box::new(MietteSpanContents::new_named(
            self.name.clone(),
            inner.data(),
            *inner.span(),
            inner.line() + self.first_line,
            column,
            inner.line_count(),
        )))
    }
}

/// The largest char boundary of `text` at or below `index`.
fn floor_boundary(text: &str, mut index: usize) -> usize {
    index = index.min(text.len());
    while !text.is_char_boundary(index) {
        index -= 1;
    }
    index
}

/// The escaped copy of the lines around `finding`'s span, or `None` when
/// the span no longer fits the file (it changed since the scan).
fn snippet(finding: &Finding, source: &SourceText) -> Option<Snippet> {
    let location = finding.location?;
    let start = location.offset;
    let end = start.checked_add(location.length)?;
    let text = &source.text;
    if end > text.len() || !text.is_char_boundary(start) || !text.is_char_boundary(end) {
        return None;
    }
    let first_span_line = source.line_of(start);
    // miette counts a span that ends where a line starts as reaching into
    // that line, and shows the line after it as context.
    let last_span_line = source
        .line_of(end)
        .min(first_span_line + MAX_SPAN_LINES - 1);
    let first = first_span_line.saturating_sub(1).max(1);
    let last = (last_span_line + 1).min(source.line_count());
    let mut copy = String::new();
    let mut shown_start = None;
    let mut shown_end = None;
    for n in first..=last {
        let line_start = source.line_start(n)?;
        let line = source.line(n)?;
        let next_line = source.line_start(n + 1).unwrap_or(usize::MAX);
        let (mut from, mut to) = (0, line.len());
        if line.len() > MAX_LINE_BYTES {
            let anchor = if n == first_span_line {
                start - line_start
            } else {
                0
            };
            from = floor_boundary(line, anchor.saturating_sub(LEAD_BYTES));
            to = floor_boundary(line, from + MAX_LINE_BYTES);
        }
        if n > first {
            copy.push('\n');
        }
        if from > 0 {
            copy.push('…');
        }
        for (i, c) in line[from..to].char_indices() {
            let at = line_start + from + i;
            if at == start && shown_start.is_none() {
                shown_start = Some(copy.len());
            }
            if at == end && shown_end.is_none() && shown_start.is_some() {
                shown_end = Some(copy.len());
            }
            // miette lays out tabs itself.
            if needs_escape(c) && c != '\t' {
                push_escaped(&mut copy, c);
            } else {
                copy.push(c);
            }
        }
        // A position past the part of the line shown (cut off, or in the
        // line ending) lands at the end of what is shown.
        let shown_to = line_start + to;
        if shown_start.is_none() && (shown_to..next_line).contains(&start) {
            shown_start = Some(copy.len());
        }
        if shown_start.is_some()
            && shown_end.is_none()
            && ((shown_to..next_line).contains(&end) || (n == last_span_line && end > next_line))
        {
            shown_end = Some(copy.len());
        }
        if to < line.len() {
            copy.push('…');
        }
    }
    // As in the file, the last line shown ends with its newline (without
    // it miette drops an empty last line of context).
    if source.line_start(last + 1).is_some() {
        copy.push('\n');
    }
    let shown_start = shown_start?;
    let shown_end = shown_end.unwrap_or(shown_start).max(shown_start);
    Some(Snippet {
        name: display(&finding.path.to_string_lossy()).into_owned(),
        text: copy,
        first_line: first as usize - 1,
        span: SourceSpan::new(shown_start.into(), shown_end - shown_start),
        column: location.column.saturating_sub(1) as usize,
    })
}

struct FindingDiagnostic<'a> {
    finding: &'a Finding,
    /// The message, help and code, escaped.
    message: Cow<'a, str>,
    help: Cow<'a, str>,
    code: Cow<'a, str>,
    source: Option<Snippet>,
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
        // Bytes of the name that are not UTF-8 as \xNN, then control
        // characters as visible escapes.
        let path = crate::gate::paths::escaped(&self.finding.path);
        let path = display(&path);
        if self.source.is_some() || self.message.contains(path.as_ref()) {
            f.write_str(&self.message)
        } else {
            write!(f, "{}\n  in {}", self.message, path)
        }
    }
}

impl std::error::Error for FindingDiagnostic<'_> {}

impl Diagnostic for FindingDiagnostic<'_> {
    fn code<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        Some(Box::new(&self.code))
    }

    fn severity(&self) -> Option<miette::Severity> {
        Some(match self.finding.severity {
            Severity::Error => miette::Severity::Error,
            Severity::Warning => miette::Severity::Warning,
            Severity::Info => miette::Severity::Advice,
        })
    }

    fn help<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        (!self.help.is_empty()).then(|| Box::new(&self.help) as Box<dyn fmt::Display>)
    }

    fn source_code(&self) -> Option<&dyn miette::SourceCode> {
        self.source.as_ref().map(|s| s as &dyn miette::SourceCode)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        self.finding.location?;
        let source = self.source.as_ref()?;
        let label = self
            .finding
            .fields
            .get("callee")
            .and_then(|v| v.as_str())
            .map(|callee| format!("{} called here", display(callee)));
        Some(Box::new(std::iter::once(LabeledSpan::new_with_span(
            label,
            source.span,
        ))))
    }
}

/// Re-reads the file to show the offending lines. The analysers do not keep
/// sources alive, so this costs one read per file with located findings.
fn load_source(finding: &Finding) -> Option<Arc<SourceText>> {
    finding.location?;
    let meta = std::fs::metadata(&finding.path).ok()?;
    if !meta.is_file() || meta.len() > MAX_SNIPPET_SOURCE {
        return None;
    }
    let bytes = std::fs::read(&finding.path).ok()?;
    Some(Arc::new(SourceText::new(
        String::from_utf8_lossy(&bytes).into_owned(),
    )))
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
    let mut source_cache: Option<(PathBuf, Option<Arc<SourceText>>)> = None;
    let mut rendered = String::new();
    for finding in input.findings {
        let this_owner = owner(finding);
        if current_owner.as_deref() != Some(this_owner.as_str()) {
            writeln!(out, "── {} ──", display(&this_owner))?;
            current_owner = Some(this_owner);
        }
        let source = match &source_cache {
            Some((path, source)) if *path == finding.path => source.clone(),
            _ if finding.location.is_none() => None,
            _ => {
                let loaded = load_source(finding);
                source_cache = Some((finding.path.clone(), loaded.clone()));
                loaded
            }
        };
        let diagnostic = FindingDiagnostic {
            finding,
            message: display(&finding.message),
            help: display(&finding.help),
            code: display(&finding.code),
            source: source.and_then(|s| snippet(finding, &s)),
        };
        rendered.clear();
        if handler.render_report(&mut rendered, &diagnostic).is_err() {
            rendered = format!(
                "{}: {} [{}]\n",
                display(&finding.path.to_string_lossy()),
                diagnostic.message,
                diagnostic.code
            );
        }
        out.write_all(rendered.as_bytes())?;
        writeln!(out)?;
    }
    write_needs(input, out)?;
    write_summary(input, out)
}

/// How many places a need shows in the human report.
const PLACES_SHOWN: usize = 3;

/// The list of what the base lacks, one line per need.
fn write_needs(input: &ReportInput, out: &mut dyn Write) -> io::Result<()> {
    let needs = super::needs::needs(input);
    if needs.is_empty() {
        return Ok(());
    }
    writeln!(
        out,
        "What the scanned code needs that {} lacks:",
        display(&input.base.name)
    )?;
    for need in &needs {
        let mut line = format!(
            "  {} {} — {}",
            need.kind.as_str(),
            display(&need.name),
            counted(need.places, "place", "places")
        );
        if need.handled == need.places {
            line.push_str(if need.places == 1 {
                ", handled"
            } else {
                ", all handled"
            });
        } else if need.handled > 0 {
            line.push_str(&format!(", {} handled", need.handled));
        }
        if !need.distributions.is_empty() {
            let mut owners: Vec<String> = Vec::new();
            if need.in_application {
                owners.push("the application".into());
            }
            owners.extend(need.distributions.iter().map(|d| display(d).into_owned()));
            line.push_str(&format!(", in {}", owners.join(", ")));
        }
        let shown: Vec<String> = need
            .listed
            .iter()
            .take(PLACES_SHOWN)
            .map(|place| match place.line {
                Some(l) => format!("{}:{l}", display(&place.path)),
                None => display(&place.path).into_owned(),
            })
            .collect();
        line.push_str(": ");
        line.push_str(&shown.join(", "));
        if need.places > shown.len() {
            line.push_str(&format!(" and {} more", need.places - shown.len()));
        }
        writeln!(out, "{line}")?;
    }
    writeln!(out)
}

/// "1 error", "2 errors".
fn counted(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

fn write_summary(input: &ReportInput, out: &mut dyn Write) -> io::Result<()> {
    let summary = input.summary();
    let count = |s: Severity| summary.by_severity.get(&s).copied().unwrap_or(0);
    writeln!(
        out,
        "Base: {} [{}]",
        display(&input.base.display_name()),
        display(&input.base_source)
    )?;
    for judged in input.judged_as_if {
        writeln!(
            out,
            "Judged as if on that base: the final stage of {} (today FROM {}, judged as FROM {}).",
            display(&judged.path.to_string_lossy()),
            display(&judged.today),
            display(&judged.target)
        )?;
    }
    for read in input.starter_files {
        writeln!(
            out,
            "Read {} ({}): its commands judged against {}.",
            display(&read.path.to_string_lossy()),
            read.kind.as_str(),
            display(&read.judged_against)
        )?;
    }
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
            display(&path.to_string_lossy())
        ));
    }
    if input.stats.test_code_findings > 0 {
        hidden.push(format!(
            "{} in test code (--include-tests shows them)",
            input.stats.test_code_findings
        ));
    }
    if input.stats.unpackaged_findings > 0 {
        hidden.push(format!(
            "{} outside the packages installing the project ships, with no Dockerfile to say more ships (--include-tests shows them)",
            input.stats.unpackaged_findings
        ));
    }
    if input.stats.tooling_findings > 0 {
        hidden.push(format!(
            "{} in build, docs, CI and example tooling and web assets (--include-tests shows them)",
            input.stats.tooling_findings
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
        "Found {}, {}, {}.",
        counted(count(Severity::Error), "error", "errors"),
        counted(count(Severity::Warning), "warning", "warnings"),
        counted(count(Severity::Info), "note", "notes")
    )?;
    let by_owner: Vec<String> = summary
        .by_distribution
        .iter()
        .map(|(name, n)| format!("{}: {n}", display(name)))
        .collect();
    writeln!(out, "By owner: {}", by_owner.join(", "))?;
    let by_code: Vec<String> = summary
        .by_code
        .iter()
        .map(|(c, n)| format!("{}: {n}", display(c)))
        .collect();
    writeln!(out, "By code: {}", by_code.join(", "))
}
