//! A cheap test that a file cannot hold a finding, so its parse can be
//! skipped — the main speed lever on a large tree, since most files never
//! start a process.
//!
//! Why it never loses a finding: the engine reports a call only when its
//! callee resolves to a callable's qualified name `first.….last` (or a
//! listed method name). Resolution builds names only from identifiers, from
//! import statements, and from string literals that spell a name verbatim
//! (see `resolve`), so both `first` and `last` are written in the file as
//! whole words — except that `first` may come from the file's own package
//! through a relative import (`from . import x`), and that identifiers are
//! NFKC-normalized by the parser (`ｓｙｓｔｅｍ` is `system`). So: the file may
//! match when some callable has its last part written and its first part
//! written or a relative import present, or when a method name is written;
//! words that contain non-ASCII bytes are NFKC-normalized before comparing.
//!
//! Query rules add literals (see `rules::query`): a pattern can only match a
//! file that contains a literal of each of its groups, because a node's text
//! is a slice of the file; a pattern without literals makes every file a
//! candidate. One automaton finds every query literal in one pass, for all
//! queries at once.
//! Literals are compared on the file's bytes, which are its text for UTF-8
//! and, for ASCII literals, for every ASCII-compatible encoding; a file that
//! is not UTF-8 is a candidate whenever some literal is not ASCII.

use std::collections::HashMap;

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, AhoCorasickKind, MatchKind};
use unicode_normalization::UnicodeNormalization;

use super::rules::query::LiteralGroups;

#[derive(Debug, Clone, Default)]
pub struct Prefilter {
    matcher: Option<AhoCorasick>,
    words: Vec<String>,
    index: HashMap<String, usize>,
    /// (first part, last part) word indices of each qualified name; `None`
    /// first part for single-word names.
    pairs: Vec<(Option<usize>, usize)>,
    /// Word indices that match on their own (method names).
    singles: Vec<usize>,
    /// Index of the word `from`, for relative imports.
    from_word: usize,
    queries: QueryIndex,
}

/// The literals of the query rules (substrings, not words), and what each
/// query needs of them.
#[derive(Debug, Clone, Default)]
struct QueryIndex {
    /// Every distinct literal; `None` when there are none, or when the
    /// automaton could not be built (then every query is a candidate).
    automaton: Option<AhoCorasick>,
    literals: usize,
    /// Per query rule, per pattern: `None` for "any file", else groups of
    /// literal indices, one of each group needed.
    queries: Vec<Vec<Option<Vec<Vec<usize>>>>>,
    /// Some literal is not ASCII.
    non_ascii: bool,
}

impl Prefilter {
    pub fn new<'a>(
        qualified: impl IntoIterator<Item = &'a str>,
        methods: impl IntoIterator<Item = &'a str>,
    ) -> Prefilter {
        let mut filter = Prefilter::default();
        filter.from_word = filter.word("from");
        let mut qualified: Vec<&str> = qualified.into_iter().collect();
        qualified.sort_unstable();
        for name in qualified {
            let parts: Vec<&str> = name.split('.').collect();
            let last = filter.word(parts[parts.len() - 1]);
            let first = match parts.as_slice() {
                [_] => None,
                ["builtins", ..] => None,
                [first, ..] => Some(filter.word(first)),
                [] => None,
            };
            filter.pairs.push((first, last));
        }
        let mut methods: Vec<&str> = methods.into_iter().collect();
        methods.sort_unstable();
        for method in methods {
            let w = filter.word(method);
            filter.singles.push(w);
        }
        // Every pattern is a whole identifier, so leftmost-longest matching
        // loses nothing: a shorter word starting at the same place ends
        // inside an identifier, and one starting inside a match is preceded
        // by an identifier character; neither could pass the boundary check.
        filter.matcher = AhoCorasickBuilder::new()
            .match_kind(MatchKind::LeftmostLongest)
            .kind(Some(AhoCorasickKind::DFA))
            .build(&filter.words)
            .ok();
        filter
    }

    /// Adds the query rules' requirements, in the rule set's query order.
    pub fn with_queries(mut self, queries: &[&[Option<LiteralGroups>]]) -> Prefilter {
        let mut literals: Vec<&[u8]> = Vec::new();
        let mut ids: HashMap<&[u8], usize> = HashMap::new();
        let mut index = QueryIndex::default();
        for patterns in queries {
            let mut compiled = Vec::new();
            for pattern in patterns.iter() {
                compiled.push(pattern.as_ref().map(|groups| {
                    groups
                        .iter()
                        .map(|group| {
                            group
                                .iter()
                                .map(|literal| {
                                    *ids.entry(literal.as_slice()).or_insert_with(|| {
                                        literals.push(literal.as_slice());
                                        literals.len() - 1
                                    })
                                })
                                .collect()
                        })
                        .collect()
                }));
            }
            index.queries.push(compiled);
        }
        index.non_ascii = literals.iter().any(|l| !l.is_ascii());
        index.literals = literals.len();
        if !literals.is_empty() {
            index.automaton = AhoCorasick::new(&literals).ok();
        }
        self.queries = index;
        self
    }

    /// Per query rule (in the rule set's order), whether it may match
    /// `bytes`.
    pub fn query_candidates(&self, bytes: &[u8]) -> Vec<bool> {
        let index = &self.queries;
        let undecodable = index.non_ascii && std::str::from_utf8(bytes).is_err();
        let present = match &index.automaton {
            Some(automaton) if !undecodable => {
                let mut present = vec![false; index.literals];
                for found in automaton.find_overlapping_iter(bytes) {
                    present[found.pattern().as_usize()] = true;
                }
                Some(present)
            }
            Some(_) => None,
            // No literals at all, or an automaton that failed to build.
            None if index.literals == 0 => Some(Vec::new()),
            None => None,
        };
        index
            .queries
            .iter()
            .map(|patterns| {
                patterns.iter().any(|pattern| match (pattern, &present) {
                    (None, _) | (Some(_), None) => true,
                    (Some(groups), Some(present)) => groups
                        .iter()
                        .all(|group| group.iter().any(|&literal| present[literal])),
                })
            })
            .collect()
    }

    /// Whether some query rule may match `bytes`.
    pub fn queries_may_match(&self, bytes: &[u8]) -> bool {
        self.query_candidates(bytes).into_iter().any(|c| c)
    }

    fn word(&mut self, word: &str) -> usize {
        if let Some(&i) = self.index.get(word) {
            return i;
        }
        self.words.push(word.to_string());
        self.index.insert(word.to_string(), self.words.len() - 1);
        self.words.len() - 1
    }

    /// Whether `bytes` may hold something some rule matches.
    pub fn may_match(&self, bytes: &[u8]) -> bool {
        self.calls_may_match(bytes) || self.queries_may_match(bytes)
    }

    /// Whether `bytes` may hold a call some rule matches.
    pub fn calls_may_match(&self, bytes: &[u8]) -> bool {
        let Some(matcher) = &self.matcher else {
            // No automaton (it failed to build): never skip.
            return true;
        };
        let mut present = vec![false; self.words.len()];
        let mut relative_import = false;
        for m in matcher.find_iter(bytes) {
            let (start, end) = (m.start(), m.end());
            if !is_boundary(bytes, start.checked_sub(1)) || !is_boundary(bytes, Some(end)) {
                continue;
            }
            let w = m.pattern().as_usize();
            if w == self.from_word {
                relative_import |= followed_by_dot(&bytes[end..]);
            }
            present[w] = true;
        }
        if self.decide(&present, relative_import) {
            return true;
        }
        if bytes.is_ascii() {
            return false;
        }
        // Identifiers with non-ASCII characters may normalize to a name.
        for run in bytes.split(|&b| !is_word_byte(b)) {
            if run.is_ascii() {
                continue;
            }
            let normalized: String = String::from_utf8_lossy(run).nfkc().collect();
            for part in normalized.split(|c: char| !(c.is_alphanumeric() || c == '_')) {
                if let Some(&w) = self.index.get(part) {
                    present[w] = true;
                }
            }
        }
        self.decide(&present, relative_import)
    }

    fn decide(&self, present: &[bool], relative_import: bool) -> bool {
        self.singles.iter().any(|&w| present[w])
            || self.pairs.iter().any(|&(first, last)| {
                present[last] && first.is_none_or(|f| present[f] || relative_import)
            })
    }
}

/// Bytes that can be part of an identifier (non-ASCII counted in, so a
/// match inside `naïve_system` is not taken for `system` — the NFKC pass
/// looks at such words separately).
fn is_word_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_' || b >= 0x80
}

fn is_boundary(bytes: &[u8], at: Option<usize>) -> bool {
    match at.and_then(|i| bytes.get(i)) {
        None => true,
        Some(&b) => !(b.is_ascii_alphanumeric() || b == b'_' || b >= 0x80),
    }
}

/// `from` then spaces, tabs or line continuations, then a dot.
fn followed_by_dot(rest: &[u8]) -> bool {
    let mut i = 0;
    while i < rest.len() {
        match rest[i] {
            b' ' | b'\t' | b'\x0c' => i += 1,
            b'\\' if matches!(rest.get(i + 1), Some(b'\n' | b'\r')) => i += 2,
            b'\n' | b'\r' if i > 0 && rest[i - 1] == b'\\' => i += 1,
            b'.' => return true,
            _ => return false,
        }
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    fn filter() -> Prefilter {
        Prefilter::new(["os.system", "subprocess.run"], ["subprocess_shell"])
    }

    #[test]
    fn needs_both_parts_as_words() {
        let f = filter();
        assert!(f.may_match(b"import os\nos.system('x')"));
        assert!(f.may_match(b"import os\nos.path.join('system')"));
        assert!(!f.may_match(b"def run(): pass\n# a file with runs and subprocesses"));
        assert!(!f.may_match(b"import osx\nosx.systems()"));
        assert!(f.may_match(b"loop.subprocess_shell('x')"));
    }

    #[test]
    fn relative_imports_stand_in_for_the_first_part() {
        let f = filter();
        assert!(f.may_match(b"from . import helpers\nhelpers.run()"));
        assert!(f.may_match(b"from  ..x import run"));
        assert!(!f.may_match(b"from x import y\nrun()"));
    }

    #[test]
    fn nfkc_identifiers_count() {
        let f = filter();
        assert!(f.may_match("import os\nos.ｓｙｓｔｅｍ('x')".as_bytes()));
        assert!(!f.may_match("import os\nos.naïve_system('x')".as_bytes()));
    }
}
