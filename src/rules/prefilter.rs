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
//! A relative import resolves inside the file's own top-level package, so it
//! stands in for `first` only in a file of a package named `first` (the
//! standard library's `asyncio`, say), never in a venv's other packages.
//!
//! Most files mention none of the names, and the frequent short words
//! (`os`, `run`, `call`) are what makes a search slow, so a first pass looks
//! only for one word per callable, the rarer-looking (longer) of its two
//! parts, which the file needs either way; only a file where one of those
//! appears pays for the exact pass.
//!
//! Query rules add literals (see `rules::query`): a pattern can only match a
//! file that contains a literal of each of its groups, because a node's text
//! is a slice of the file; a pattern without literals makes every file a
//! candidate. The first pass also looks for one literal group per pattern
//! (its key: the group whose shortest literal is longest); only a file with
//! a key pays for the exact pass over every query literal, and then for the
//! patterns' regexes, relaxed to run on the whole file.
//! Literals are compared on the file's bytes, which are its text for UTF-8
//! and, for ASCII literals, for every ASCII-compatible encoding; a file that
//! is not UTF-8 is a candidate whenever some literal is not ASCII.

use std::collections::{HashMap, HashSet};

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, AhoCorasickKind, MatchKind};
use unicode_normalization::UnicodeNormalization;

use super::query::LiteralGroups;

/// What one query rule's patterns need of a file: literal groups and
/// regexes, per pattern.
pub type QueryRequirements<'a> = (&'a [Option<LiteralGroups>], &'a [Vec<regex::bytes::Regex>]);

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
    /// Word indices of the trigger words.
    triggers: Vec<usize>,
    /// The first pass: one word per callable and every method name (a file
    /// without any of them cannot match a call, outside the packages in
    /// `first_parts`), then the query rules' key literals.
    first_pass: Option<FirstPass>,
    /// Every first part of a qualified name: the top-level packages in
    /// which a relative import may stand for it.
    first_parts: HashSet<String>,
    queries: QueryIndex,
}

/// One search for the trigger words and the query keys together.
#[derive(Debug, Clone)]
struct FirstPass {
    automaton: AhoCorasick,
    /// Per pattern: the trigger word's index, or `None` for a query key.
    words: Vec<Option<usize>>,
    lengths: Vec<usize>,
    /// Per pattern: the other patterns that are prefixes of it, which the
    /// leftmost-longest search does not report where it reports this one.
    prefixes: Vec<Vec<usize>>,
    /// Per word index: whether it is a trigger.
    is_trigger: Vec<bool>,
}

/// What the first pass found in one file.
struct Found {
    /// Per word index: a trigger written there as a whole word.
    triggers: Vec<bool>,
    key: bool,
}

/// The literals of the query rules (substrings, not words), and what each
/// query needs of them.
#[derive(Debug, Clone, Default)]
struct QueryIndex {
    /// Every distinct literal, each looked for only when a pattern asks
    /// (a file usually has the key of one pattern, and its other groups are
    /// settled by one or two searches).
    literals: Vec<Vec<u8>>,
    /// Per query rule, per pattern: `None` for "any file", else groups of
    /// literal indices, one of each group needed.
    queries: Vec<Vec<Option<Vec<Vec<usize>>>>>,
    /// Per query rule, per pattern: regexes the file must also match
    /// (tried only once the literals are there).
    shapes: Vec<Vec<Vec<regex::bytes::Regex>>>,
    /// Some literal is not ASCII.
    non_ascii: bool,
    /// One literal group per pattern (`None` when some pattern has none):
    /// a file with none of these literals matches no query, which the first
    /// pass tells.
    keys: Option<Vec<Vec<u8>>>,
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
        // One trigger per callable, and as few distinct ones as will do: a
        // first part that many callables share (`pytesseract`, `subprocess`)
        // stands for all of them, unless it is too short to be rare (`os`).
        // Past 64 patterns the first pass loses its vectorised search
        // (aho-corasick's Teddy) and became the slowest step of the scan.
        let mut shared = vec![0usize; filter.words.len()];
        for &(first, last) in &filter.pairs {
            shared[last] += 1;
            if let Some(f) = first {
                shared[f] += 1;
            }
        }
        let rank = |w: usize| (shared[w], filter.words[w].len());
        let mut triggers: Vec<usize> = Vec::new();
        for &(first, last) in &filter.pairs {
            let trigger = match first {
                Some(f) if filter.words[f].len() >= 5 && rank(f) > rank(last) => f,
                _ => last,
            };
            triggers.push(trigger);
            if let Some(f) = first {
                filter.first_parts.insert(filter.words[f].clone());
            }
        }
        triggers.extend(filter.singles.iter().copied());
        triggers.sort_unstable();
        triggers.dedup();
        filter.triggers = triggers;
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

    /// Adds the query rules' requirements, in the rule set's query order:
    /// per pattern, literal groups and regexes.
    pub fn with_queries(mut self, queries: &[QueryRequirements<'_>]) -> Prefilter {
        let mut literals: Vec<&[u8]> = Vec::new();
        let mut ids: HashMap<&[u8], usize> = HashMap::new();
        let mut index = QueryIndex::default();
        for (patterns, shapes) in queries {
            index.shapes.push(shapes.to_vec());
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
        index.keys = key_literals(&index.queries, &literals);
        index.literals = literals.iter().map(|l| l.to_vec()).collect();
        self.queries = index;
        self.first_pass = FirstPass::new(&self.words, &self.triggers, self.queries.keys.as_deref());
        self
    }

    /// Per query rule (in the rule set's order), whether it may match
    /// `bytes`.
    pub fn query_candidates(&self, bytes: &[u8]) -> Vec<bool> {
        let index = &self.queries;
        // Literals are compared on bytes: when some literal is not ASCII
        // and the bytes are not UTF-8, the text may differ, and every
        // literal counts as present.
        let undecodable = index.non_ascii && std::str::from_utf8(bytes).is_err();
        let known: Vec<std::cell::OnceCell<bool>> =
            vec![std::cell::OnceCell::new(); index.literals.len()];
        let present = |literal: usize| {
            undecodable
                || *known[literal]
                    .get_or_init(|| memchr::memmem::find(bytes, &index.literals[literal]).is_some())
        };
        // Regexes run on text: on bytes that are not UTF-8 (the decoded
        // text differs) they are not tried.
        let utf8 = std::cell::OnceCell::new();
        let shapes_hold = |shapes: &[regex::bytes::Regex]| {
            shapes.is_empty()
                || !*utf8.get_or_init(|| std::str::from_utf8(bytes).is_ok())
                || shapes.iter().all(|shape| shape.is_match(bytes))
        };
        index
            .queries
            .iter()
            .zip(&index.shapes)
            .map(|(patterns, shapes)| {
                patterns.iter().zip(shapes).any(|(pattern, shapes)| {
                    let literals_hold = match pattern {
                        None => true,
                        Some(groups) => groups
                            .iter()
                            .all(|group| group.iter().any(|&literal| present(literal))),
                    };
                    literals_hold && shapes_hold(shapes)
                })
            })
            .collect()
    }

    fn word(&mut self, word: &str) -> usize {
        if let Some(&i) = self.index.get(word) {
            return i;
        }
        self.words.push(word.to_string());
        self.index.insert(word.to_string(), self.words.len() - 1);
        self.words.len() - 1
    }

    /// Whether `bytes`, the text of the module `module_path` (when known),
    /// may hold something some rule matches.
    pub fn may_match(&self, bytes: &[u8], module_path: Option<&str>) -> bool {
        let top_package = module_path.and_then(|m| m.split('.').next());
        let relative_may_help = top_package.is_some_and(|top| self.first_parts.contains(top));
        let Some(first_pass) = self.first_pass.as_ref().filter(|_| !relative_may_help) else {
            return self.calls_may_match_everywhere(bytes, relative_may_help)
                || self.queries_may_match(bytes, true);
        };
        let found = first_pass.run(bytes);
        self.calls_may_match(bytes, &found) || self.queries_may_match(bytes, found.key)
    }

    /// Whether some query rule may match `bytes`; `key` says a key literal
    /// was found.
    fn queries_may_match(&self, bytes: &[u8], key: bool) -> bool {
        let index = &self.queries;
        if index.queries.is_empty() {
            return false;
        }
        let undecodable = index.non_ascii && std::str::from_utf8(bytes).is_err();
        if index.keys.is_some() && !key && !undecodable {
            return false;
        }
        self.query_candidates(bytes).into_iter().any(|c| c)
    }

    /// Whether `bytes` may hold a call some rule matches, given the trigger
    /// words the first pass found: the other part of a callable is looked
    /// for only when its trigger is there.
    fn calls_may_match(&self, bytes: &[u8], found: &Found) -> bool {
        let non_ascii = (!bytes.is_ascii()).then(|| self.non_ascii_words(bytes));
        let in_non_ascii = |w: usize| non_ascii.as_ref().is_some_and(|words| words[w]);
        let trigger_present = |w: usize| found.triggers[w] || in_non_ascii(w);
        if self.singles.iter().any(|&w| trigger_present(w)) {
            return true;
        }
        let mut known: HashMap<usize, bool> = HashMap::new();
        let mut present = |w: usize| -> bool {
            if self.is_trigger(w) {
                return trigger_present(w);
            }
            *known
                .entry(w)
                .or_insert_with(|| written_as_word(bytes, &self.words[w]) || in_non_ascii(w))
        };
        self.pairs.iter().any(|&(first, last)| match first {
            None => present(last),
            // The trigger first: it is the cheap one to ask about.
            Some(first) if self.is_trigger(first) => present(first) && present(last),
            Some(first) => present(last) && present(first),
        })
    }

    /// Per word index: whether the word is one of the NFKC-normalized
    /// words of a non-ASCII identifier in `bytes`.
    fn non_ascii_words(&self, bytes: &[u8]) -> Vec<bool> {
        let mut found = vec![false; self.words.len()];
        for_each_non_ascii_word(bytes, |word| {
            if let Some(&w) = self.index.get(word) {
                found[w] = true;
            }
        });
        found
    }

    fn is_trigger(&self, w: usize) -> bool {
        self.first_pass.as_ref().is_some_and(|p| p.is_trigger[w])
    }

    /// The exact pass over every word, for a file whose package may stand
    /// for a callable's first part through a relative import (or when the
    /// first pass could not be built).
    fn calls_may_match_everywhere(&self, bytes: &[u8], relative_may_help: bool) -> bool {
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
            if w == self.from_word && relative_may_help {
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
        for (w, found) in self.non_ascii_words(bytes).into_iter().enumerate() {
            present[w] |= found;
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

impl FirstPass {
    fn new(words: &[String], triggers: &[usize], keys: Option<&[Vec<u8>]>) -> Option<FirstPass> {
        let mut patterns: Vec<&[u8]> = Vec::new();
        let mut pattern_words = Vec::new();
        for &w in triggers {
            patterns.push(words[w].as_bytes());
            pattern_words.push(Some(w));
        }
        for key in keys.unwrap_or_default() {
            patterns.push(key);
            pattern_words.push(None);
        }
        if patterns.is_empty() {
            return None;
        }
        let automaton = AhoCorasickBuilder::new()
            .match_kind(MatchKind::LeftmostLongest)
            .build(&patterns)
            .ok()?;
        let prefixes = patterns
            .iter()
            .enumerate()
            .map(|(i, long)| {
                (0..patterns.len())
                    .filter(|&j| j != i && long.starts_with(patterns[j]))
                    .collect()
            })
            .collect();
        let mut is_trigger = vec![false; words.len()];
        for &w in triggers {
            is_trigger[w] = true;
        }
        Some(FirstPass {
            automaton,
            lengths: patterns.iter().map(|p| p.len()).collect(),
            words: pattern_words,
            prefixes,
            is_trigger,
        })
    }

    /// Every trigger word written as a whole word, and whether a key is
    /// there. After each match the search goes on one byte further, not
    /// past the match, so that no occurrence hides inside another.
    fn run(&self, bytes: &[u8]) -> Found {
        let mut found = Found {
            triggers: vec![false; self.is_trigger.len()],
            key: false,
        };
        let mut at = 0;
        while at < bytes.len() {
            let input = aho_corasick::Input::new(bytes).span(at..bytes.len());
            let Some(m) = self.automaton.find(input) else {
                break;
            };
            let start = m.start();
            let reported = m.pattern().as_usize();
            for pattern in std::iter::once(reported).chain(self.prefixes[reported].iter().copied())
            {
                match self.words[pattern] {
                    None => found.key = true,
                    Some(w) => {
                        let end = start + self.lengths[pattern];
                        if is_boundary(bytes, start.checked_sub(1)) && is_boundary(bytes, Some(end))
                        {
                            found.triggers[w] = true;
                        }
                    }
                }
            }
            at = start + 1;
        }
        found
    }
}

/// Whether `word` is written in `bytes` with no identifier character on
/// either side.
fn written_as_word(bytes: &[u8], word: &str) -> bool {
    memchr::memmem::find_iter(bytes, word.as_bytes()).any(|start| {
        is_boundary(bytes, start.checked_sub(1)) && is_boundary(bytes, Some(start + word.len()))
    })
}

/// Calls `found` with each word of the identifiers in `bytes` that hold
/// non-ASCII characters, NFKC-normalized as the parser normalizes
/// identifiers. Most such runs are already normalized (accented words in
/// comments and strings), which a quick check tells without normalizing.
fn for_each_non_ascii_word(bytes: &[u8], mut found: impl FnMut(&str)) {
    use unicode_normalization::{is_nfkc_quick, IsNormalized};
    let is_part_char = |c: char| c.is_alphanumeric() || c == '_';
    let mut at = 0;
    while let Some(offset) = first_non_ascii(&bytes[at..]) {
        let inside = at + offset;
        let start = bytes[..inside]
            .iter()
            .rposition(|&b| !is_word_byte(b))
            .map_or(0, |i| i + 1);
        let end = bytes[inside..]
            .iter()
            .position(|&b| !is_word_byte(b))
            .map_or(bytes.len(), |i| inside + i);
        at = end;
        let text = String::from_utf8_lossy(&bytes[start..end]);
        let normalized: std::borrow::Cow<'_, str> = match is_nfkc_quick(text.chars()) {
            IsNormalized::Yes => std::borrow::Cow::Borrowed(&text),
            _ => std::borrow::Cow::Owned(text.nfkc().collect()),
        };
        for part in normalized.split(|c: char| !is_part_char(c)) {
            if !part.is_empty() {
                found(part);
            }
        }
    }
}

/// The offset of the first byte of `bytes` that is not ASCII; most text is
/// ASCII, so whole blocks are tested at once.
fn first_non_ascii(bytes: &[u8]) -> Option<usize> {
    const BLOCK: usize = 64;
    let mut at = 0;
    while at + BLOCK <= bytes.len() && bytes[at..at + BLOCK].is_ascii() {
        at += BLOCK;
    }
    bytes[at..]
        .iter()
        .position(|&b| !b.is_ascii())
        .map(|i| at + i)
}

/// Per pattern of every query, the literal group to look for first: the one
/// whose shortest literal is longest (long literals are rare and quick to
/// find). `None` when some pattern needs no literal, so any file may match.
fn key_literals(
    queries: &[Vec<Option<Vec<Vec<usize>>>>],
    literals: &[&[u8]],
) -> Option<Vec<Vec<u8>>> {
    let mut keys: Vec<Vec<u8>> = Vec::new();
    for pattern in queries.iter().flatten() {
        let groups = pattern.as_ref()?;
        let shortest =
            |group: &Vec<usize>| group.iter().map(|&l| literals[l].len()).min().unwrap_or(0);
        let group = groups.iter().max_by_key(|group| shortest(group))?;
        keys.extend(group.iter().map(|&l| literals[l].to_vec()));
    }
    // A literal that contains another is implied by it.
    keys.sort_unstable_by_key(Vec::len);
    let mut minimal: Vec<Vec<u8>> = Vec::new();
    for key in keys {
        if !minimal
            .iter()
            .any(|k| memchr::memmem::find(&key, k).is_some())
        {
            minimal.push(key);
        }
    }
    Some(minimal)
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
        assert!(f.may_match(b"import os\nos.system('x')", None));
        assert!(f.may_match(b"import os\nos.path.join('system')", None));
        assert!(!f.may_match(
            b"def run(): pass\n# a file with runs and subprocesses",
            None
        ));
        assert!(!f.may_match(b"import osx\nosx.systems()", None));
        assert!(f.may_match(b"loop.subprocess_shell('x')", None));
        // Either part alone is not enough, the frequent one or the rare one.
        assert!(!f.may_match(b"import os\nos.getcwd()", None));
        assert!(!f.may_match(b"import subprocess\nsubprocess.Popen('x')", None));
    }

    #[test]
    fn no_query_key_hides_behind_a_trigger_word() {
        let with_key = |key: &[u8]| {
            let keys = [Some(vec![vec![key.to_vec()]])];
            let requirements: [QueryRequirements<'_>; 1] = [(&keys, &[Vec::new()])];
            Prefilter::new(["os.system"], []).with_queries(&requirements)
        };
        // Inside a trigger reported in its place (which then fails its
        // boundary check).
        assert!(with_key(b"stem").may_match(b"xsystem", None));
        // At the start of a trigger reported in its place.
        assert!(with_key(b"sys").may_match(b"system = 1", None));
        assert!(!with_key(b"sys").may_match(b"sy stem", None));
    }

    #[test]
    fn relative_imports_stand_in_for_the_first_part() {
        let f = filter();
        let inside = Some("subprocess.sub.helpers");
        assert!(f.may_match(b"from . import helpers\nhelpers.run()", inside));
        assert!(f.may_match(b"from  ..x import run", inside));
        assert!(!f.may_match(b"from x import y\nrun()", inside));
        // Elsewhere a relative import cannot name `subprocess`.
        assert!(!f.may_match(b"from . import helpers\nhelpers.run()", None));
        assert!(!f.may_match(b"from . import helpers\nhelpers.run()", Some("pkg.mod")));
    }

    #[test]
    fn nfkc_identifiers_count() {
        let f = filter();
        assert!(f.may_match("import os\nos.ｓｙｓｔｅｍ('x')".as_bytes(), None));
        assert!(!f.may_match("import os\nos.naïve_system('x')".as_bytes(), None));
    }
}
