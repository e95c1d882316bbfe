//! Query matchers: a tree-sitter-python query, compiled once at load, run on
//! the files the prefilter lets through.
//!
//! tree-sitter checks the query's structure, but it reports a bad predicate
//! (a bad regex, a wrong argument) only by row, and it silently ignores a
//! predicate it does not know — a typo such as `#eq` would disable the
//! check. So the predicates are read here first: unknown names are errors,
//! regexes are compiled with `regex-syntax` (which gives the exact span of
//! the mistake), and every error carries its offset in the query text.
//!
//! The same reading gives the prefilter its literals, soundly: a pattern
//! whose `#eq?`, `#any-of?` or `#match?` constrains a capture that always
//! holds at least one node can only match a file that contains the literal
//! (or, for a regex, one of its required prefixes), because a node's text is
//! a slice of the file. Patterns without such a predicate make every file a
//! candidate.

use std::ops::Range;

use regex_syntax::hir::literal::{ExtractKind, Extractor};
use tree_sitter::{CaptureQuantifier, Language, Query, QueryCursor, StreamingIterator, Tree};

/// Built-in text predicates tree-sitter evaluates itself.
const PREDICATES: &[&str] = &[
    "eq?",
    "not-eq?",
    "any-eq?",
    "any-not-eq?",
    "match?",
    "not-match?",
    "any-match?",
    "any-not-match?",
    "any-of?",
    "not-any-of?",
];

/// At most this many matches are kept per query and file.
const MATCH_LIMIT: u32 = 1_000;

/// A mistake in a query: a message and a byte range in the query text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QueryProblem {
    pub message: String,
    pub range: Range<usize>,
}

#[derive(Debug)]
pub struct QueryMatcher {
    query: Query,
    /// Index of the capture that gives a finding's span.
    span_capture: u32,
    /// Per pattern: what a file must contain for the pattern to match;
    /// `None` when the pattern's predicates give nothing to look for.
    requirements: Vec<Option<LiteralGroups>>,
    /// Per pattern: regexes some part of the file must match (see
    /// [`relaxed_regex`]).
    shapes: Vec<Vec<regex::bytes::Regex>>,
    /// Per pattern: whether every match lies inside one top-level statement
    /// whose text holds a literal of its first group (see
    /// [`is_statement_local`]).
    statement_local: Vec<bool>,
}

/// Groups of literals: a file must contain one literal of every group.
/// Each group comes from one predicate the match must satisfy, so all
/// groups must hold, which is what makes a query with `#eq? @m "ctypes"`
/// and `#any-of? @a "cdll" "pydll"` skip the many files that mention
/// `ctypes` alone.
pub type LiteralGroups = Vec<Vec<Vec<u8>>>;

/// One match: the span capture's node and every capture's first node, as
/// byte ranges of the text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QueryHit {
    pub span: Range<usize>,
    pub captures: Vec<(String, Range<usize>)>,
}

pub fn language() -> Language {
    tree_sitter_python::LANGUAGE.into()
}

impl QueryMatcher {
    /// Compiles `source`; `capture` names the span capture (default: the
    /// first). Errors are positioned in `source`.
    pub fn compile(source: &str, capture: Option<&str>) -> Result<QueryMatcher, QueryProblem> {
        let predicates = read_predicates(source)?;
        for predicate in &predicates {
            check_predicate(predicate)?;
        }
        let query = Query::new(&language(), source).map_err(|e| {
            let start = if e.offset == 0 && e.row > 0 {
                // Predicate errors come with a row only.
                line_start(source, e.row)
            } else {
                e.offset.min(source.len())
            };
            let end = source[start..]
                .find(['\n', ')'])
                .map(|i| start + i.max(1))
                .unwrap_or(source.len());
            QueryProblem {
                message: format!("invalid query: {}", e.message.trim().replace('\n', " ")),
                range: start..end.max(start),
            }
        })?;
        let span_capture = match capture {
            Some(name) => query.capture_index_for_name(name).ok_or_else(|| QueryProblem {
                message: format!(
                    "the query has no capture @{name}; it has {}",
                    capture_list(&query)
                ),
                range: 0..0,
            })?,
            None if query.capture_names().is_empty() => {
                return Err(QueryProblem {
                    message: "the query has no capture; add one (`@name`) to the node that gives the finding's position".into(),
                    range: 0..source.len().min(1),
                })
            }
            None => 0,
        };
        let requirements = (0..query.pattern_count())
            .map(|pattern| requirement(&query, pattern, &predicates))
            .collect();
        let shapes = (0..query.pattern_count())
            .map(|pattern| shapes(&query, pattern, &predicates))
            .collect();
        let statement_local = (0..query.pattern_count())
            .map(|pattern| is_statement_local(&query, source, pattern))
            .collect();
        Ok(QueryMatcher {
            query,
            span_capture,
            requirements,
            shapes,
            statement_local,
        })
    }

    /// Capture names, in order.
    pub fn capture_names(&self) -> &[&str] {
        self.query.capture_names()
    }

    /// Per pattern, what a file must contain for it to match (`None`: any
    /// file may match). The rule set indexes these for all queries at once.
    pub fn requirements(&self) -> &[Option<LiteralGroups>] {
        &self.requirements
    }

    /// Literals that locate every possible match: each match lies inside a
    /// top-level statement whose text holds one of them. `None` when some
    /// pattern gives no such promise, and the whole file must be parsed.
    pub fn locating_literals(&self) -> Option<Vec<&[u8]>> {
        let mut literals = Vec::new();
        for (requirement, local) in self.requirements.iter().zip(&self.statement_local) {
            let first_group = requirement.as_ref()?.first()?;
            if !local {
                return None;
            }
            literals.extend(first_group.iter().map(Vec::as_slice));
        }
        Some(literals)
    }

    /// Per pattern, regexes that must each match somewhere in a file for
    /// the pattern to match it; checked after the literals, since a regex
    /// costs more than a literal search.
    pub fn shapes(&self) -> &[Vec<regex::bytes::Regex>] {
        &self.shapes
    }

    /// Every match in `tree` (parsed from `text`), deduplicated by span.
    pub fn run(&self, tree: &Tree, text: &str) -> Vec<QueryHit> {
        let mut cursor = QueryCursor::new();
        cursor.set_match_limit(MATCH_LIMIT);
        let names = self.query.capture_names();
        let mut hits: Vec<QueryHit> = Vec::new();
        let mut matches = cursor.matches(&self.query, tree.root_node(), text.as_bytes());
        while let Some(found) = matches.next() {
            let Some(span) = found
                .captures()
                .iter()
                .find(|c| c.index == self.span_capture)
                .map(|c| c.node.byte_range())
            else {
                continue;
            };
            if hits.iter().any(|h| h.span == span) {
                continue;
            }
            let mut captures: Vec<(String, Range<usize>)> = Vec::new();
            for capture in found.captures() {
                let name = names[capture.index as usize];
                if !captures.iter().any(|(n, _)| n == name) {
                    captures.push((name.to_string(), capture.node.byte_range()));
                }
            }
            hits.push(QueryHit { span, captures });
        }
        hits.sort_by_key(|h| (h.span.start, h.span.end));
        hits
    }
}

fn capture_list(query: &Query) -> String {
    let names: Vec<String> = query
        .capture_names()
        .iter()
        .map(|n| format!("@{n}"))
        .collect();
    if names.is_empty() {
        "none".into()
    } else {
        names.join(", ")
    }
}

fn line_start(text: &str, row: usize) -> usize {
    text.split_inclusive('\n')
        .take(row)
        .map(str::len)
        .sum::<usize>()
        .min(text.len())
}

/// A predicate as written: `(#name? arg ...)`.
#[derive(Debug)]
struct Predicate {
    name: String,
    /// The predicate name's range (with `#`).
    name_range: Range<usize>,
    /// The whole form.
    range: Range<usize>,
    args: Vec<PredicateArg>,
}

#[derive(Debug)]
enum PredicateArg {
    Capture {
        name: String,
        range: Range<usize>,
    },
    /// A string (or bare word): its value, and each value byte's offset in
    /// the query (one more for the end).
    Text {
        value: String,
        offsets: Vec<usize>,
        range: Range<usize>,
    },
}

impl PredicateArg {
    fn range(&self) -> Range<usize> {
        match self {
            PredicateArg::Capture { range, .. } | PredicateArg::Text { range, .. } => range.clone(),
        }
    }
}

/// Finds every predicate form in a query. Only as much of the query syntax
/// is read as finding them needs (strings, comments, parentheses);
/// tree-sitter checks the rest.
fn read_predicates(source: &str) -> Result<Vec<Predicate>, QueryProblem> {
    let bytes = source.as_bytes();
    let mut predicates = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b';' => i = skip_comment(bytes, i),
            b'"' => i = read_string(source, i)?.1.end,
            b'(' => {
                let open = i;
                let mut j = skip_space(bytes, i + 1);
                if bytes.get(j) == Some(&b'#') {
                    let name_start = j;
                    j += 1;
                    while j < bytes.len() && is_word(bytes[j]) {
                        j += 1;
                    }
                    let name = source[name_start + 1..j].to_string();
                    let name_range = name_start..j;
                    let mut args = Vec::new();
                    loop {
                        j = skip_space(bytes, j);
                        match bytes.get(j) {
                            None => {
                                return Err(QueryProblem {
                                    message: "this predicate is not closed with `)`".into(),
                                    range: open..open + 1,
                                })
                            }
                            Some(b')') => {
                                j += 1;
                                break;
                            }
                            Some(b';') => j = skip_comment(bytes, j),
                            Some(b'@') => {
                                let start = j;
                                j += 1;
                                while j < bytes.len() && is_word(bytes[j]) {
                                    j += 1;
                                }
                                args.push(PredicateArg::Capture {
                                    name: source[start + 1..j].to_string(),
                                    range: start..j,
                                });
                            }
                            Some(b'"') => {
                                let (value, range, offsets) = read_string(source, j)?;
                                j = range.end;
                                args.push(PredicateArg::Text {
                                    value,
                                    offsets,
                                    range,
                                });
                            }
                            Some(_) => {
                                let start = j;
                                while j < bytes.len() && is_word(bytes[j]) {
                                    j += 1;
                                }
                                if j == start {
                                    return Err(QueryProblem {
                                        message: "a predicate takes captures (`@name`) and strings"
                                            .into(),
                                        range: start..start + 1,
                                    });
                                }
                                let value = source[start..j].to_string();
                                let offsets = (start..=j).collect();
                                args.push(PredicateArg::Text {
                                    value,
                                    offsets,
                                    range: start..j,
                                });
                            }
                        }
                    }
                    predicates.push(Predicate {
                        name,
                        name_range,
                        range: open..j,
                        args,
                    });
                    i = j;
                } else {
                    i += 1;
                }
            }
            _ => i += 1,
        }
    }
    Ok(predicates)
}

fn is_word(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-' | b'?' | b'!' | b'.')
}

fn skip_space(bytes: &[u8], mut i: usize) -> usize {
    while i < bytes.len() && bytes[i].is_ascii_whitespace() {
        i += 1;
    }
    i
}

fn skip_comment(bytes: &[u8], i: usize) -> usize {
    bytes[i..]
        .iter()
        .position(|&b| b == b'\n')
        .map(|p| i + p + 1)
        .unwrap_or(bytes.len())
}

/// Reads the query string starting at `start` (a `"`), unescaping as
/// tree-sitter does: its value, its range, and each value byte's offset.
fn read_string(
    source: &str,
    start: usize,
) -> Result<(String, Range<usize>, Vec<usize>), QueryProblem> {
    let mut value = String::new();
    let mut offsets = Vec::new();
    let mut i = start + 1;
    let mut chars = source[i..].char_indices().peekable();
    while let Some((at, c)) = chars.next() {
        let here = i + at;
        match c {
            '"' => {
                offsets.push(here);
                return Ok((value, start..here + 1, offsets));
            }
            '\\' => {
                let Some((_, escaped)) = chars.next() else {
                    break;
                };
                let decoded = match escaped {
                    'n' => Some('\n'),
                    'r' => Some('\r'),
                    't' => Some('\t'),
                    '0' => Some('\0'),
                    // An escaped newline continues the string.
                    '\n' => None,
                    other => Some(other),
                };
                if let Some(d) = decoded {
                    value.push(d);
                    offsets.extend(std::iter::repeat_n(here, d.len_utf8()));
                }
            }
            c => {
                value.push(c);
                offsets.extend(std::iter::repeat_n(here, c.len_utf8()));
            }
        }
    }
    i = source.len();
    Err(QueryProblem {
        message: "this string is not closed with `\"`".into(),
        range: start..i.min(start + 1),
    })
}

fn check_predicate(p: &Predicate) -> Result<(), QueryProblem> {
    if !PREDICATES.contains(&p.name.as_str()) {
        return Err(QueryProblem {
            message: format!(
                "unknown predicate #{}; distrolint's queries use #{}",
                p.name,
                PREDICATES.join(", #")
            ),
            range: p.name_range.clone(),
        });
    }
    let wrong = |message: String, range: Range<usize>| Err(QueryProblem { message, range });
    match p.args.first() {
        Some(PredicateArg::Capture { .. }) => {}
        Some(other) => {
            return wrong(
                format!(
                    "the first argument of #{} must be a capture (`@name`)",
                    p.name
                ),
                other.range(),
            )
        }
        None => {
            return wrong(
                format!("#{} needs a capture and a value", p.name),
                p.range.clone(),
            )
        }
    }
    let family = p.name.trim_start_matches("any-").trim_start_matches("not-");
    match family {
        "eq?" | "match?" if p.args.len() != 2 => wrong(
            format!("#{} takes a capture and one value", p.name),
            p.range.clone(),
        ),
        "of?" if p.args.len() < 2 => wrong(
            format!("#{} takes a capture and at least one string", p.name),
            p.range.clone(),
        ),
        "match?" => match &p.args[1] {
            PredicateArg::Text { value, offsets, .. } => {
                parse_regex(value).map(|_| ()).map_err(|(message, range)| {
                    // `offsets` has one entry per value byte and one for the
                    // closing quote; regex spans stay within the value.
                    let at = |i: usize| offsets[i.min(offsets.len() - 1)];
                    let start = at(range.start);
                    QueryProblem {
                        message,
                        range: start..at(range.end).max(start + 1),
                    }
                })
            }
            other => wrong(
                format!("the regex of #{} must be a string", p.name),
                other.range(),
            ),
        },
        "of?" => match p.args[1..]
            .iter()
            .find(|a| matches!(a, PredicateArg::Capture { .. }))
        {
            Some(capture) => wrong(
                format!("#{} compares with strings, not captures", p.name),
                capture.range(),
            ),
            None => Ok(()),
        },
        _ => Ok(()),
    }
}

/// Parses a regex as tree-sitter's `regex::bytes::Regex` will; an error
/// comes with its byte range in the pattern.
fn parse_regex(pattern: &str) -> Result<regex_syntax::hir::Hir, (String, Range<usize>)> {
    regex_syntax::ParserBuilder::new()
        .utf8(false)
        .build()
        .parse(pattern)
        .map_err(|e| {
            let (kind, span) = match &e {
                regex_syntax::Error::Parse(e) => (e.kind().to_string(), *e.span()),
                regex_syntax::Error::Translate(e) => (e.kind().to_string(), *e.span()),
                _ => (
                    e.to_string(),
                    regex_syntax::ast::Span::splat(regex_syntax::ast::Position::new(0, 1, 1)),
                ),
            };
            (
                format!("invalid regex: {kind}"),
                span.start.offset..span.end.offset,
            )
        })
}

/// The predicates of `pattern` that every match must satisfy on some node:
/// those whose first argument is a capture that always holds a node (one
/// that may hold none satisfies a predicate vacuously).
fn binding_predicates<'p>(
    query: &'p Query,
    pattern: usize,
    predicates: &'p [Predicate],
) -> impl Iterator<Item = &'p Predicate> {
    let start = query.start_byte_for_pattern(pattern);
    let next = if pattern + 1 < query.pattern_count() {
        query.start_byte_for_pattern(pattern + 1)
    } else {
        usize::MAX
    };
    let quantifiers = query.capture_quantifiers(pattern);
    predicates
        .iter()
        .filter(move |p| p.range.start >= start && p.range.start < next)
        .filter(move |p| {
            let Some(PredicateArg::Capture { name, .. }) = p.args.first() else {
                return false;
            };
            query.capture_index_for_name(name).is_some_and(|index| {
                matches!(
                    quantifiers.get(index as usize),
                    Some(CaptureQuantifier::One | CaptureQuantifier::OneOrMore)
                )
            })
        })
}

/// Whether every match of `pattern` lies inside one top-level statement of
/// the file, and is found the same when only that statement is parsed: a
/// pattern with one root node that is not "non-local" (a sequence of
/// siblings), and, when that root may be the module itself, one that says
/// nothing about the module's other children — no anchor, negated field or
/// quantifier anywhere in it, to stay on the safe side. Its literals then
/// tell which statements to parse.
fn is_statement_local(query: &Query, source: &str, pattern: usize) -> bool {
    if !query.is_pattern_rooted(pattern) || query.is_pattern_non_local(pattern) {
        return false;
    }
    let start = query.start_byte_for_pattern(pattern);
    let end = query.end_byte_for_pattern(pattern);
    let Some(text) = source.get(start..end) else {
        return false;
    };
    let code = query_syntax(text);
    let root = code.trim_start_matches(|c: char| c == '(' || c.is_whitespace());
    let root_type: String = root
        .chars()
        .take_while(|c| c.is_alphanumeric() || *c == '_')
        .collect();
    let may_be_module = matches!(root_type.as_str(), "" | "_" | "module");
    !may_be_module || !code.contains(['.', '!', '*', '+', '?'])
}

/// A query's text with what is not structure blanked — string literals,
/// `;` comments, capture names (`@a.b`) and predicate names (`#eq?`) — so
/// that their characters are not taken for anchors or quantifiers.
fn query_syntax(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        match c {
            '"' => {
                out.push(' ');
                while let Some(inner) = chars.next() {
                    match inner {
                        '\\' => {
                            chars.next();
                        }
                        '"' => break,
                        _ => {}
                    }
                }
            }
            '@' | '#' => {
                out.push(' ');
                for inner in chars.by_ref() {
                    if inner.is_whitespace() || inner == ')' || inner == '(' {
                        out.push(inner);
                        break;
                    }
                }
            }
            ';' => {
                for inner in chars.by_ref() {
                    if inner == '\n' {
                        out.push('\n');
                        break;
                    }
                }
            }
            _ => out.push(c),
        }
    }
    out
}

/// The literals pattern `pattern` needs in the file, if its predicates say.
fn requirement(query: &Query, pattern: usize, predicates: &[Predicate]) -> Option<LiteralGroups> {
    let groups = binding_predicates(query, pattern, predicates)
        .filter_map(|p| {
            let texts = || -> Vec<Vec<u8>> {
                p.args[1..]
                    .iter()
                    .filter_map(|a| match a {
                        PredicateArg::Text { value, .. } => Some(value.as_bytes().to_vec()),
                        PredicateArg::Capture { .. } => None,
                    })
                    .collect()
            };
            let literals = match p.name.as_str() {
                "eq?" | "any-eq?" if matches!(p.args.get(1), Some(PredicateArg::Text { .. })) => {
                    texts()
                }
                "any-of?" => texts(),
                "match?" | "any-match?" => match p.args.get(1) {
                    Some(PredicateArg::Text { value, .. }) => regex_prefixes(value)?,
                    _ => return None,
                },
                _ => return None,
            };
            (!literals.is_empty() && literals.iter().all(|l| !l.is_empty())).then_some(literals)
        })
        .collect::<Vec<_>>();
    (!groups.is_empty()).then_some(groups)
}

/// The regexes of the `#match?` predicates of `pattern`, relaxed so that
/// they can be run on the whole file.
fn shapes(query: &Query, pattern: usize, predicates: &[Predicate]) -> Vec<regex::bytes::Regex> {
    binding_predicates(query, pattern, predicates)
        .filter(|p| matches!(p.name.as_str(), "match?" | "any-match?"))
        .filter_map(|p| match p.args.get(1) {
            Some(PredicateArg::Text { value, .. }) => relaxed_regex(value),
            _ => None,
        })
        .collect()
}

/// `pattern` without its assertions (`^`, `$`, `\b`, ...): a node's text is
/// a slice of the file, and where the regex matches inside that slice, the
/// same characters match in the file — but an assertion looks at what is
/// around them, which differs between the slice and the file. Without
/// assertions, a file where the relaxed regex matches nowhere holds no node
/// the predicate accepts. `None` when the result would match anything.
fn relaxed_regex(pattern: &str) -> Option<regex::bytes::Regex> {
    use regex_syntax::hir::{Capture, Hir, HirKind, Repetition};
    fn relax(hir: &Hir) -> Hir {
        match hir.kind() {
            HirKind::Look(_) => Hir::empty(),
            HirKind::Repetition(r) => Hir::repetition(Repetition {
                sub: Box::new(relax(&r.sub)),
                ..r.clone()
            }),
            HirKind::Capture(c) => Hir::capture(Capture {
                sub: Box::new(relax(&c.sub)),
                ..c.clone()
            }),
            HirKind::Concat(subs) => Hir::concat(subs.iter().map(relax).collect()),
            HirKind::Alternation(subs) => Hir::alternation(subs.iter().map(relax).collect()),
            _ => hir.clone(),
        }
    }
    let relaxed = relax(&parse_regex(pattern).ok()?);
    if relaxed.properties().minimum_len() == Some(0) {
        return None;
    }
    regex::bytes::Regex::new(&relaxed.to_string()).ok()
}

/// Literals every match of `pattern` starts with, when there is a finite
/// set of them.
fn regex_prefixes(pattern: &str) -> Option<Vec<Vec<u8>>> {
    let hir = parse_regex(pattern).ok()?;
    // Past a few dozen literals the extractor shortens them to common
    // prefixes (`#!/bin/` rather than every shell name), which keeps the
    // rule set's automaton small at little cost in selectivity.
    let seq = Extractor::new()
        .kind(ExtractKind::Prefix)
        .limit_total(32)
        .extract(&hir);
    let literals = seq.literals()?;
    Some(literals.iter().map(|l| l.as_bytes().to_vec()).collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::prefilter::Prefilter;

    impl QueryMatcher {
        /// What the rule set's prefilter says of this query alone.
        fn may_match(&self, text: &[u8]) -> bool {
            Prefilter::default()
                .with_queries(&[(self.requirements(), self.shapes())])
                .query_candidates(text)[0]
        }
    }

    #[test]
    fn statement_local_patterns_are_told_apart() {
        let local = |source: &str| {
            let q = QueryMatcher::compile(source, None).unwrap();
            q.statement_local.clone()
        };
        // Module-rooted without anchors (DL503's shape), or rooted below.
        assert_eq!(
            local(
                r#"(module (expression_statement (assignment left: (identifier) @s)) (#eq? @s "X.Y"))"#
            ),
            [true]
        );
        assert_eq!(
            local(r#"((call function: (identifier) @f) (#eq? @f "a"))"#),
            [true]
        );
        // Anchored, negated or quantified children of the module.
        assert_eq!(
            local(r#"(module . (expression_statement) @first)"#),
            [false]
        );
        assert_eq!(local(r#"(module (comment)+ @c)"#), [false]);
        assert_eq!(local(r#"(_ . (identifier) @i)"#), [false]);
        // A sequence of siblings is not rooted in one node.
        assert_eq!(local(r#"((comment) @c . (function_definition))"#), [false]);
        let q = QueryMatcher::compile(r#"((string_content) @s (#eq? @s "a"))"#, None).unwrap();
        assert_eq!(q.locating_literals(), Some(vec![&b"a"[..]]));
        let q = QueryMatcher::compile(r#"((string_content) @s)"#, None).unwrap();
        assert_eq!(q.locating_literals(), None);
    }

    #[test]
    fn relaxed_regexes_drop_assertions_and_keep_the_rest() {
        let r = relaxed_regex(r"^#! ?/bin/(ba)?sh\b").unwrap();
        assert!(r.is_match(b"x = '#!/bin/bash'"));
        assert!(
            r.is_match(b"'#!/bin/shout'"),
            "\\b is dropped, so this is a candidate"
        );
        assert!(!r.is_match(b"#!/bin/zsh"));
        assert!(
            relaxed_regex(r"^$").is_none(),
            "matches anything once relaxed"
        );
        assert!(relaxed_regex(r"\bx*\b").is_none());
        let unicode = relaxed_regex(r"^é+\w$").unwrap();
        assert!(unicode.is_match("s = 'ééz'".as_bytes()));
        assert!(!unicode.is_match(b"s = 'e'"));
    }

    fn parse(text: &str) -> Tree {
        let mut parser = tree_sitter::Parser::new();
        parser.set_language(&language()).unwrap();
        parser.parse(text, None).unwrap()
    }

    #[test]
    fn a_query_matches_with_its_predicates_and_reports_the_capture() {
        let q = QueryMatcher::compile(
            r#"((string_content) @path (#any-of? @path "/bin/sh" "/bin/bash"))"#,
            None,
        )
        .unwrap();
        let text = "x = '/bin/sh'\ny = '/bin/zsh'\n";
        let hits = q.run(&parse(text), text);
        assert_eq!(hits.len(), 1);
        assert_eq!(&text[hits[0].span.clone()], "/bin/sh");
        assert!(q.may_match(text.as_bytes()));
        assert!(!q.may_match(b"x = '/bin/zsh'"));
    }

    #[test]
    fn regex_prefixes_become_literals_and_optional_captures_do_not() {
        let q = QueryMatcher::compile(
            r#"((string_content) @s (#match? @s "^#!/(usr/)?bin/(ba)?sh"))"#,
            None,
        )
        .unwrap();
        assert!(q.may_match(b"'#!/usr/bin/bash'"));
        assert!(!q.may_match(b"'#/bin/sh'"));
        // The literal `#!/usr/bin/` is there, but no shell follows it.
        assert!(!q.may_match(b"#!/usr/bin/python3\nprint(1)\n"));
        let q = QueryMatcher::compile(
            r#"((call (identifier) @f (argument_list (string)? @s)) (#eq? @s "x"))"#,
            Some("f"),
        )
        .unwrap();
        assert!(q.may_match(b"nothing"));
    }

    #[test]
    fn every_predicate_of_a_pattern_must_find_its_literal() {
        let q = QueryMatcher::compile(
            r#"((attribute object: (identifier) @m attribute: (identifier) @a)
                (#eq? @m "ctypes") (#any-of? @a "cdll" "pydll"))"#,
            None,
        )
        .unwrap();
        assert!(q.may_match(b"ctypes.cdll.msvcrt"));
        assert!(!q.may_match(b"import ctypes\nctypes.CDLL('libc.so.6')"));
        assert!(!q.may_match(b"cdll = 1"));
    }

    #[test]
    fn mistakes_come_with_their_offset_in_the_query() {
        let err = |q: &str| QueryMatcher::compile(q, None).unwrap_err();
        let q = r#"((string) @s (#eqq? @s "x"))"#;
        assert_eq!(
            err(q).range,
            q.find("#eqq?").unwrap()..q.find("#eqq?").unwrap() + 5
        );
        let q = r#"((string) @s (#match? @s "a(b"))"#;
        let e = err(q);
        assert!(e.message.contains("invalid regex"), "{e:?}");
        assert_eq!(e.range.start, q.find("(b").unwrap());
        let q = "((strin) @s)";
        let e = err(q);
        assert_eq!(e.range.start, 2, "{e:?}");
        let q = "(string)";
        assert!(err(q).message.contains("no capture"));
    }
}
