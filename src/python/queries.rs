//! Running the query rules on one file: parse with tree-sitter-python once,
//! run each query whose literals the file contains, and turn every match
//! into a finding at its span capture.
//!
//! Queries see the source as written — a string's escapes, a comment's
//! text — not resolved names; that is what call matchers are for. The tree
//! is parsed only when some query may match, so files without the
//! queries' literals cost nothing here.

use std::ops::Range;
use std::path::Path;

use tree_sitter::Parser;

use super::rules::query::{language, QueryHit};
use super::rules::{render, Rule};
use super::source::Source;
use super::PythonContext;
use crate::finding::Finding;

/// Captured text longer than this is shortened in messages.
const MAX_SHOWN: usize = 60;

pub(super) fn check_queries(
    source: &Source<'_>,
    path: &Path,
    ctx: &PythonContext<'_>,
) -> Vec<Finding> {
    let text = source.text.as_ref();
    let candidates = ctx.rules.prefilter().query_candidates(text.as_bytes());
    let active: Vec<_> = ctx
        .rules
        .query_rules()
        .zip(candidates)
        .filter_map(|(rule, candidate)| candidate.then_some(rule))
        .collect();
    if active.is_empty() {
        return Vec::new();
    }
    let mut parser = Parser::new();
    if parser.set_language(&language()).is_err() {
        return Vec::new();
    }
    let Some(tree) = parser.parse(text, None) else {
        return Vec::new();
    };
    let mut findings = Vec::new();
    for (rule, query) in active {
        for hit in query.run(&tree, text) {
            if let Some(finding) = finding(rule, &hit, source, path, ctx) {
                findings.push(finding);
            }
        }
    }
    findings
}

fn finding(
    rule: &Rule,
    hit: &QueryHit,
    source: &Source<'_>,
    path: &Path,
    ctx: &PythonContext<'_>,
) -> Option<Finding> {
    let base = ctx.base;
    let case = rule
        .cases
        .iter()
        .find(|c| c.when.context_holds(base, ctx.installed))?;
    let text = source.text.as_ref();
    let shown = |range: &Range<usize>| shorten(text.get(range.clone()).unwrap_or(""));
    let matched = shown(&hit.span);
    let values = |name: &str| -> String {
        match name {
            "base" => base.name.clone(),
            "python" => base
                .python
                .as_ref()
                .map(|p| p.executable.clone())
                .unwrap_or_default(),
            "shell" => "/bin/sh".to_string(),
            "text" => matched.clone(),
            "ca-bundle" => base.facts.ca_bundle.clone().unwrap_or_default(),
            _ => name
                .strip_prefix('@')
                .and_then(|capture| hit.captures.iter().find(|(n, _)| n == capture))
                .map(|(_, range)| shown(range))
                .unwrap_or_default(),
        }
    };
    let location = source.location(hit.span.start, hit.span.end);
    let mut finding = Finding::new(
        &rule.code,
        case.severity,
        rule.family,
        path,
        render(&case.message, &values),
        render(&case.help, &values),
    )
    .with_location(location)
    .with_field("family", rule.family.as_str())
    .with_field("matched", matched);
    finding.distribution = ctx.distribution.clone();
    Some(finding)
}

/// One line, at most [`MAX_SHOWN`] characters.
fn shorten(text: &str) -> String {
    let compact: String = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if compact.chars().count() > MAX_SHOWN {
        let short: String = compact.chars().take(MAX_SHOWN - 3).collect();
        format!("{short}...")
    } else {
        compact
    }
}
