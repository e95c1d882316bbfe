//! Running the query rules on one file: parse with tree-sitter-python once,
//! run each query whose literals the file contains, and turn every match
//! into a finding at its span capture.
//!
//! Queries see the source as written — a string's escapes, a comment's
//! text — not resolved names; that is what call matchers are for. The tree
//! is parsed only when some query may match, so files without the
//! queries' literals cost nothing here; and when ruff has read the file
//! cleanly and every query says where its matches can be, only the
//! top-level statements holding a literal are parsed ([`statement_ranges`]).

use std::ops::Range;
use std::path::Path;

use tree_sitter::Parser;

use super::reachability::Unreachable;
use super::source::Source;
use super::PythonContext;
use crate::finding::Finding;
use crate::rules::query::{language, QueryHit};
use crate::rules::{render, Rule};

/// Captured text longer than this is shortened in messages.
const MAX_SHOWN: usize = 60;

pub(super) fn check_queries(
    source: &Source<'_>,
    path: &Path,
    ctx: &PythonContext<'_>,
    statement_starts: &[u32],
    unreachable: &Unreachable,
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
    let locating: Option<Vec<&[u8]>> = active
        .iter()
        .map(|(_, query)| query.locating_literals())
        .collect::<Option<Vec<_>>>()
        .map(|all| all.concat());
    if let Some(ranges) =
        locating.and_then(|literals| statement_ranges(text, statement_starts, &literals))
    {
        if ranges.is_empty() {
            return Vec::new();
        }
        if parser.set_included_ranges(&ranges).is_err() {
            return Vec::new();
        }
    }
    let Some(tree) = parser.parse(text, None) else {
        return Vec::new();
    };
    let mut findings = Vec::new();
    for (rule, query) in active {
        for hit in query.run(&tree, text) {
            if unreachable.contains(hit.span.start as u32) {
                continue;
            }
            if let Some(finding) = finding(rule, &hit, source, path, ctx) {
                findings.push(finding);
            }
        }
    }
    findings
}

/// The parts of `text` to parse: the top-level statements (from the line
/// where each starts to the line where the next starts, with the comments
/// in between) that hold one of `literals`. Every match of a query whose
/// literals these are lies inside such a statement (see
/// `QueryMatcher::locating_literals`), and a statement parses the same on
/// its own as in its file, so a Django module that mentions `USE_TZ` in
/// two functions costs the parse of those two. `None` when the statements
/// are not known (the whole file is then parsed).
fn statement_ranges(
    text: &str,
    statement_starts: &[u32],
    literals: &[&[u8]],
) -> Option<Vec<tree_sitter::Range>> {
    if statement_starts.is_empty() {
        return None;
    }
    let bytes = text.as_bytes();
    // Chunks start where a line that begins a statement starts; two
    // statements on one line (`a = 1; b = 2`) share a chunk, and the text
    // before the first statement is a chunk of its own.
    let mut starts: Vec<usize> = vec![0];
    for &start in statement_starts {
        let start = (start as usize).min(bytes.len());
        let line_start = memchr::memrchr(b'\n', &bytes[..start]).map_or(0, |i| i + 1);
        if line_start > *starts.last()? {
            starts.push(line_start);
        }
    }
    let chunk_of = |offset: usize| starts.partition_point(|&s| s <= offset) - 1;
    let mut wanted = vec![false; starts.len()];
    for literal in literals {
        for found in memchr::memmem::find_iter(bytes, literal) {
            wanted[chunk_of(found)] = true;
        }
    }
    let mut ranges = Vec::new();
    let mut row = 0;
    let mut counted_to = 0;
    let mut point_at = |offset: usize| {
        row += memchr::memchr_iter(b'\n', &bytes[counted_to..offset]).count();
        counted_to = offset;
        tree_sitter::Point::new(row, 0)
    };
    let mut chunk = 0;
    while chunk < starts.len() {
        if !wanted[chunk] {
            chunk += 1;
            continue;
        }
        let first = chunk;
        while chunk < starts.len() && wanted[chunk] {
            chunk += 1;
        }
        let start_byte = starts[first];
        let end_byte = starts.get(chunk).copied().unwrap_or(bytes.len());
        let start_point = point_at(start_byte);
        let end_point = if end_byte == bytes.len() {
            // The last line may not end with a newline: its column counts.
            let line_start = memchr::memrchr(b'\n', bytes).map_or(0, |i| i + 1);
            let mut point = point_at(line_start);
            point.column = bytes.len() - line_start;
            point
        } else {
            point_at(end_byte)
        };
        ranges.push(tree_sitter::Range {
            start_byte,
            end_byte,
            start_point,
            end_point,
        });
    }
    Some(ranges)
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

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;
    use std::path::PathBuf;

    use super::*;
    use crate::python::parse;
    use crate::rules::RuleSet;

    /// What the query rules find in `text`, parsing only the statements
    /// that hold a literal, or the whole file.
    fn found(text: &str, rules: &RuleSet, whole_file: bool) -> Vec<(u32, u32, String)> {
        let base = crate::base::find("chainguard-python-latest").unwrap();
        let ctx = PythonContext {
            base: &base,
            distribution: None,
            rules,
            module_path: None,
            installed: &BTreeSet::new(),
        };
        let source = Source::decode(text.as_bytes()).unwrap();
        let parsed = parse::parse(&source.text);
        assert_eq!(parsed.status, parse::Status::Clean, "{text}");
        let starts: &[u32] = if whole_file {
            &[]
        } else {
            &parsed.module.statement_starts
        };
        let mut found: Vec<_> = check_queries(
            &source,
            Path::new("x.py"),
            &ctx,
            starts,
            &Unreachable::default(),
        )
        .into_iter()
        .map(|f| {
            let location = f.location.unwrap();
            (location.line, location.column, f.code)
        })
        .collect();
        found.sort();
        found
    }

    const TRICKY: &[&str] = &[
        // Top level and nested, two statements on one line, a decorator,
        // comments between statements, no newline at the end.
        "import os\nUSE_TZ = True\ndef f():\n    USE_TZ = True\n\nx = 1; USE_TZ = True\n# USE_TZ = True\n\n@decorate('#!/bin/sh')\ndef g():\n    return '#!/bin/sh\\nexec x'\nclass C:\n    S = '''#!/bin/bash\nset -e\n'''\nUSE_TZ = True",
        "\"\"\"Docstring mentioning USE_TZ.\"\"\"\r\n\r\nimport ctypes\r\nctypes.cdll.msvcrt\r\nUSE_TZ = True\r\n",
        "if True:\n    USE_TZ = True\nelse:\n    pass\nUSE_TZ = (\n    True\n)\nS = ('#!/bin/sh\\n'\n     'x')\n",
        "x = 1\n",
    ];

    #[test]
    fn parsing_only_the_statements_with_a_literal_finds_what_the_whole_file_gives() {
        let rules = RuleSet::builtin(crate::checks::NATIVE).unwrap();
        let corpus = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("corpus/python");
        let mut texts: Vec<String> = TRICKY.iter().map(|t| t.to_string()).collect();
        for entry in std::fs::read_dir(corpus).unwrap() {
            let path = entry.unwrap().path();
            if path.extension().is_some_and(|e| e == "py") {
                let text = std::fs::read_to_string(&path).unwrap_or_default();
                if parse::parse(&text).status == parse::Status::Clean {
                    texts.push(text);
                }
            }
        }
        let mut with_findings = 0;
        for text in &texts {
            let whole = found(text, &rules, true);
            with_findings += usize::from(!whole.is_empty());
            assert_eq!(found(text, &rules, false), whole, "{text}");
        }
        assert!(
            with_findings >= 5,
            "only {with_findings} texts have query findings"
        );
    }

    #[test]
    fn only_statements_holding_a_literal_are_parsed() {
        let text = "a = 1\nb = 2; USE_TZ = 3\n# USE_TZ\nc = 4\nd = 'USE_TZ'";
        let parsed = parse::parse(text);
        let ranges = statement_ranges(text, &parsed.module.statement_starts, &[b"USE_TZ"]).unwrap();
        let spans: Vec<(&str, usize, usize)> = ranges
            .iter()
            .map(|r| {
                (
                    &text[r.start_byte..r.end_byte],
                    r.start_point.row,
                    r.end_point.row,
                )
            })
            .collect();
        assert_eq!(
            spans,
            [
                ("b = 2; USE_TZ = 3\n# USE_TZ\n", 1, 3),
                ("d = 'USE_TZ'", 4, 4)
            ]
        );
        assert_eq!(ranges[1].end_point.column, 12);
        assert!(statement_ranges(text, &[], &[b"USE_TZ"]).is_none());
        assert_eq!(
            statement_ranges(text, &parsed.module.statement_starts, &[b"nope"]).unwrap(),
            []
        );
    }
}
