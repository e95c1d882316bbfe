//! Fingerprints: an identity for a finding that survives edits around it.
//!
//! A baseline that stored line numbers would break the first time someone
//! added an import. The fingerprint is a hash of what the finding is about —
//! the rule code, the file (relative to where distrolint runs), the callee,
//! program or library, and the flagged code itself, normalised so that
//! reformatting does not change it (all whitespace removed, quotes unified,
//! trailing commas dropped). Line and column are not part of it, nor is the
//! message, which names the base.
//!
//! Two identical calls in one file have the same fingerprint; the baseline
//! counts them, and the reports make each unique by appending its
//! occurrence (`:2`, `:3`) in report order.
//!
//! The hash is 64-bit FNV-1a, written out here so that it never changes
//! with the Rust version (the standard library's hasher may).

use std::collections::HashMap;

use super::sources::SourceText;
use crate::finding::Finding;

/// Bumped when the inputs change; baselines of another version do not match.
pub const VERSION: &str = "v1";

/// Finding fields that say *what* a finding is about (not what the base
/// makes of it).
const IDENTITY_FIELDS: &[&str] = &["callee", "program", "library", "version_needed"];

/// The fingerprint of `finding`, whose report path is `path`; `source` is
/// its file's text when it has a location.
pub fn fingerprint(finding: &Finding, path: &str, source: Option<&SourceText>) -> String {
    let mut hasher = Fnv1a::new();
    hasher.write(VERSION);
    hasher.write(&finding.code);
    hasher.write(path);
    for key in IDENTITY_FIELDS {
        if let Some(value) = finding.fields.get(key) {
            hasher.write(key);
            match value.as_str() {
                Some(text) => hasher.write(text),
                None => hasher.write(&value.to_string()),
            }
        }
    }
    if let Some(snippet) = snippet(finding, source) {
        hasher.write(&normalise(&snippet));
    }
    format!("{:016x}", hasher.finish())
}

/// What the finding points at: its span, or its whole line when the span is
/// empty or no longer fits the file.
fn snippet(finding: &Finding, source: Option<&SourceText>) -> Option<String> {
    let location = finding.location?;
    let source = source?;
    source
        .span(location.offset, location.length)
        .filter(|s| !s.trim().is_empty())
        .or_else(|| source.line(location.line))
        .map(str::to_string)
}

/// Removes what a formatter changes: whitespace, quote style, trailing
/// commas, and comments at the ends of lines.
pub fn normalise(code: &str) -> String {
    let mut out = String::with_capacity(code.len());
    for line in code.lines() {
        let line = strip_comment(line);
        out.extend(line.chars().filter(|c| !c.is_whitespace()).map(|c| {
            if c == '\'' {
                '"'
            } else {
                c
            }
        }));
    }
    // `f(a, b,)` and `f(a, b)` are the same call.
    let mut cleaned = String::with_capacity(out.len());
    let chars: Vec<char> = out.chars().collect();
    for (i, c) in chars.iter().enumerate() {
        if *c == ',' && matches!(chars.get(i + 1), Some(')' | ']' | '}')) {
            continue;
        }
        cleaned.push(*c);
    }
    cleaned
}

/// The line up to a `#` that is outside string quotes.
fn strip_comment(line: &str) -> &str {
    let mut quote: Option<char> = None;
    let mut escaped = false;
    for (i, c) in line.char_indices() {
        match quote {
            Some(q) => {
                if escaped {
                    escaped = false;
                } else if c == '\\' {
                    escaped = true;
                } else if c == q {
                    quote = None;
                }
            }
            None if c == '"' || c == '\'' => quote = Some(c),
            None if c == '#' => return &line[..i],
            None => {}
        }
    }
    line
}

/// Makes fingerprints unique in report order: the second finding with the
/// same fingerprint gets `:2`, and so on.
pub fn unique(fingerprints: &[String]) -> Vec<String> {
    let mut seen: HashMap<&str, usize> = HashMap::new();
    fingerprints
        .iter()
        .map(|fp| {
            let n = seen.entry(fp.as_str()).or_default();
            *n += 1;
            if *n == 1 {
                fp.clone()
            } else {
                format!("{fp}:{n}")
            }
        })
        .collect()
}

struct Fnv1a(u64);

impl Fnv1a {
    fn new() -> Fnv1a {
        Fnv1a(0xcbf2_9ce4_8422_2325)
    }

    /// Each part ends with a NUL, so that ("ab", "c") and ("a", "bc")
    /// differ.
    fn write(&mut self, part: &str) {
        for byte in part.bytes().chain(std::iter::once(0)) {
            self.0 ^= u64::from(byte);
            self.0 = self.0.wrapping_mul(0x0000_0100_0000_01b3);
        }
    }

    fn finish(&self) -> u64 {
        self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::finding::{Family, Location, Severity};

    fn call_at(source: &SourceText, needle: &str) -> Finding {
        let offset = source.text.find(needle).unwrap();
        let line = source.text[..offset].matches('\n').count() as u32 + 1;
        Finding::new(
            "DL201",
            Severity::Error,
            Family::Shell,
            "app/x.py",
            "m",
            "h",
        )
        .with_field("callee", "os.system")
        .with_location(Location {
            line,
            column: 5,
            offset,
            length: needle.len(),
        })
    }

    #[test]
    fn moving_and_reformatting_a_call_keeps_its_fingerprint() {
        let before = SourceText::new("import os\nos.system('ls -l')\n".into());
        let after = SourceText::new(
            "import os\n\n\ndef f():\n    pass\nos.system(\n    \"ls -l\",\n)  # why\n".into(),
        );
        let a = call_at(&before, "os.system('ls -l')");
        let b = call_at(&after, "os.system(\n    \"ls -l\",\n)");
        assert_eq!(
            fingerprint(&a, "app/x.py", Some(&before)),
            fingerprint(&b, "app/x.py", Some(&after))
        );
        let other = SourceText::new("import os\nos.system('ls -la')\n".into());
        let c = call_at(&other, "os.system('ls -la')");
        assert_ne!(
            fingerprint(&a, "app/x.py", Some(&before)),
            fingerprint(&c, "app/x.py", Some(&other))
        );
        assert_ne!(
            fingerprint(&a, "app/x.py", Some(&before)),
            fingerprint(&a, "app/y.py", Some(&before))
        );
    }

    #[test]
    fn comments_but_not_hashes_in_strings_are_dropped() {
        assert_eq!(normalise("f('#x')  # note"), "f(\"#x\")");
        assert_eq!(normalise("f(a,\n  b,\n)"), "f(a,b)");
    }

    #[test]
    fn repeated_fingerprints_are_numbered() {
        let fps: Vec<String> = ["a", "b", "a", "a"].iter().map(|s| s.to_string()).collect();
        assert_eq!(unique(&fps), ["a", "b", "a:2", "a:3"]);
    }
}
