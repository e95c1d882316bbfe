//! Suppression comments: a team's way to say "we know, leave it".
//!
//! Three forms are read from Python sources:
//!
//! - `# distrolint: ignore[DL201, DL301]` on the line a finding points at
//!   (a call's first line) suppresses those codes there;
//! - `# distrolint: ignore-file[DL302]` on a line of its own, anywhere in
//!   the file, suppresses those codes in the whole file;
//! - `# noqa: DL201` is honoured like `ignore[DL201]`, so a line already
//!   carrying a flake8/ruff `noqa` needs no second comment. Codes that are
//!   not distrolint's (`E501`) are left to their tools, and a bare `# noqa`
//!   is not honoured: it would silently hide findings nobody looked at.
//!
//! A code may be any selector (`DL2`, `shell`). This is a step after
//! analysis: it reads the lines of files that have findings, and never
//! analyses again. Native-library findings are in ELF files, which cannot
//! carry comments; configuration (`ignore`, `per-file-ignores`) is their
//! suppression.
//!
//! A comment that suppresses nothing is reported on request
//! (`--report-unused-ignores`) as DL910, so suppressions do not outlive the
//! code they were written for. In Python sources only real comments carry
//! directives, told apart from strings by the tokenizer: otherwise
//! `os.system("x # distrolint: ignore[DL201]")` would suppress its own
//! finding, and the scanned tree is not trusted to be honest.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use super::catalogue::{RuleInfo, UNUSED_SUPPRESSION};
use super::select::Selector;
use super::sources::{SourceFiles, SourceText};
use crate::finding::{Family, Finding, Location, Severity};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DirectiveKind {
    /// `# distrolint: ignore[...]`
    Line,
    /// `# distrolint: ignore-file[...]`
    File,
    /// `# noqa: ...`
    Noqa,
}

/// One code named by a comment.
#[derive(Debug, Clone)]
pub struct DirectiveCode {
    pub text: String,
    /// `None` when the text names no known code.
    pub selector: Option<Selector>,
    pub used: bool,
}

/// One suppression comment.
#[derive(Debug, Clone)]
pub struct Directive {
    pub kind: DirectiveKind,
    pub line: u32,
    /// 1-based, in characters.
    pub column: u32,
    /// Byte offset of the `#` in the file, and the comment's length.
    pub offset: usize,
    pub length: usize,
    pub text: String,
    pub codes: Vec<DirectiveCode>,
}

impl Directive {
    fn suppresses(&mut self, finding: &Finding) -> bool {
        let mut hit = false;
        for code in &mut self.codes {
            if code
                .selector
                .as_ref()
                .is_some_and(|s| s.matches(&finding.code, finding.family))
            {
                code.used = true;
                hit = true;
            }
        }
        hit
    }
}

/// Every suppression comment in `source`; when it is `python`, only those
/// in comment tokens.
pub fn parse_directives(source: &SourceText, known: &[RuleInfo], python: bool) -> Vec<Directive> {
    let lower = source.text.to_ascii_lowercase();
    if !lower.contains("distrolint") && !lower.contains("noqa") {
        return Vec::new();
    }
    let comments = python.then(|| python_comment_starts(&source.text));
    let mut directives = Vec::new();
    for (number, line) in source.lines() {
        let line_start = source.line_start(number).unwrap_or(0);
        for (hash, _) in line.match_indices('#') {
            if let Some(starts) = &comments {
                if starts.binary_search(&(line_start + hash)).is_err() {
                    continue;
                }
            }
            if let Some((kind, length, codes)) = parse_comment(&line[hash..], known) {
                if kind == DirectiveKind::File && !line[..hash].trim().is_empty() {
                    // A file-wide switch must stand on its own line.
                    continue;
                }
                directives.push(Directive {
                    kind,
                    line: number,
                    column: line[..hash].chars().count() as u32 + 1,
                    offset: line_start + hash,
                    length,
                    text: line[hash..hash + length].to_string(),
                    codes,
                });
            }
        }
    }
    directives
}

/// Byte offsets where the comments of a Python source start, in order.
fn python_comment_starts(text: &str) -> Vec<usize> {
    use ruff_python_ast::token::TokenKind;
    use ruff_text_size::Ranged;
    let parsed =
        ruff_python_parser::parse_unchecked_source(text, ruff_python_ast::PySourceType::Python);
    parsed
        .tokens()
        .iter()
        .filter(|token| token.kind() == TokenKind::Comment)
        .map(|token| token.start().to_usize())
        .collect()
}

/// Reads one comment starting at `#`: its kind, length in bytes and codes.
fn parse_comment(
    comment: &str,
    known: &[RuleInfo],
) -> Option<(DirectiveKind, usize, Vec<DirectiveCode>)> {
    let body = comment[1..].trim_start();
    if let Some(rest) = body.strip_prefix("distrolint:") {
        let rest_trimmed = rest.trim_start();
        let (kind, after) = if let Some(after) = rest_trimmed.strip_prefix("ignore-file") {
            (DirectiveKind::File, after)
        } else if let Some(after) = rest_trimmed.strip_prefix("ignore") {
            (DirectiveKind::Line, after)
        } else {
            return None;
        };
        let after_trimmed = after.trim_start();
        let codes_at = comment.len() - after_trimmed.len();
        let Some(list) = after_trimmed.strip_prefix('[') else {
            // `# distrolint: ignore` with no codes: kept so that it can be
            // reported, suppressing nothing.
            return Some((kind, comment.len() - after.len(), Vec::new()));
        };
        let close = list.find(']')?;
        let codes = list[..close]
            .split([',', ' ', '\t'])
            .filter(|c| !c.is_empty())
            .map(|c| code(c, known))
            .collect();
        return Some((kind, codes_at + 1 + close + 1, codes));
    }
    let noqa = body.get(..4)?;
    if !noqa.eq_ignore_ascii_case("noqa") {
        return None;
    }
    let rest = body[4..].trim_start();
    let list = rest.strip_prefix(':')?;
    let list_at = comment.len() - list.len();
    // Codes run until something that is not a code or a separator.
    let mut end = 0;
    let mut codes = Vec::new();
    let mut cursor = 0;
    for part in list.split_inclusive([',', ' ', '\t']) {
        let word = part.trim_end_matches([',', ' ', '\t']);
        cursor += part.len();
        if word.is_empty() {
            continue;
        }
        if !looks_like_code(word) {
            break;
        }
        end = cursor - (part.len() - word.len());
        if word.starts_with("DL") {
            codes.push(code(word, known));
        }
    }
    if codes.is_empty() {
        return None;
    }
    Some((DirectiveKind::Noqa, list_at + end, codes))
}

fn looks_like_code(word: &str) -> bool {
    let letters = word.chars().take_while(|c| c.is_ascii_uppercase()).count();
    letters > 0 && letters < word.len() && word[letters..].chars().all(|c| c.is_ascii_digit())
}

fn code(text: &str, known: &[RuleInfo]) -> DirectiveCode {
    DirectiveCode {
        text: text.to_string(),
        selector: Selector::parse(text, known).ok(),
        used: false,
    }
}

/// What suppression did.
#[derive(Debug, Default)]
pub struct SuppressionOutcome {
    pub suppressed: usize,
    /// DL910 findings, when unused suppressions were asked for.
    pub unused: Vec<Finding>,
}

/// Drops the findings that a comment suppresses. `also_read` are files to
/// search for unused suppressions even though they have no finding (only
/// read when `report_unused`).
pub fn apply(
    findings: &mut Vec<Finding>,
    sources: &mut SourceFiles,
    known: &[RuleInfo],
    report_unused: bool,
    also_read: &[PathBuf],
) -> SuppressionOutcome {
    let mut by_file: BTreeMap<PathBuf, Vec<Directive>> = BTreeMap::new();
    let mut files: Vec<&Path> = findings
        .iter()
        .filter(|f| f.location.is_some() || is_python(&f.path))
        .map(|f| f.path.as_path())
        .collect();
    if report_unused {
        files.extend(also_read.iter().map(PathBuf::as_path));
    }
    files.sort();
    files.dedup();
    for path in files {
        if let Some(source) = sources.get(path) {
            let directives = parse_directives(&source, known, is_python(path));
            if !directives.is_empty() {
                by_file.insert(path.to_path_buf(), directives);
            }
        }
    }
    let before = findings.len();
    findings.retain(|finding| {
        let Some(directives) = by_file.get_mut(&finding.path) else {
            return true;
        };
        let mut suppressed = false;
        for directive in directives.iter_mut() {
            let applies = match directive.kind {
                DirectiveKind::File => true,
                DirectiveKind::Line | DirectiveKind::Noqa => {
                    finding.location.map(|l| l.line) == Some(directive.line)
                }
            };
            // Every matching comment counts as used, not only the first.
            if applies && directive.suppresses(finding) {
                suppressed = true;
            }
        }
        !suppressed
    });
    let mut outcome = SuppressionOutcome {
        suppressed: before - findings.len(),
        unused: Vec::new(),
    };
    if report_unused {
        for (path, directives) in &by_file {
            for directive in directives {
                if let Some(finding) = unused_finding(path, directive) {
                    outcome.unused.push(finding);
                }
            }
        }
    }
    outcome
}

fn is_python(path: &Path) -> bool {
    path.extension().is_some_and(|e| e == "py" || e == "pyw")
}

fn unused_finding(path: &Path, directive: &Directive) -> Option<Finding> {
    let place = match directive.kind {
        DirectiveKind::File => "in this file",
        _ => "on this line",
    };
    let message = if directive.codes.is_empty() {
        format!(
            "`{}` names no codes and suppresses nothing; write the codes in brackets, e.g. `# distrolint: ignore[DL201]`",
            directive.text
        )
    } else {
        let unknown: Vec<&str> = directive
            .codes
            .iter()
            .filter(|c| c.selector.is_none())
            .map(|c| c.text.as_str())
            .collect();
        let unused: Vec<&str> = directive
            .codes
            .iter()
            .filter(|c| c.selector.is_some() && !c.used)
            .map(|c| c.text.as_str())
            .collect();
        let mut parts = Vec::new();
        if !unused.is_empty() {
            parts.push(format!(
                "there is no {} finding {place}",
                unused.join(" or ")
            ));
        }
        if !unknown.is_empty() {
            parts.push(format!("{} is not a distrolint code", unknown.join(", ")));
        }
        if parts.is_empty() {
            return None;
        }
        format!(
            "{} in `{}` suppresses nothing: {}",
            unused
                .iter()
                .chain(unknown.iter())
                .copied()
                .collect::<Vec<_>>()
                .join(", "),
            directive.text,
            parts.join("; ")
        )
    };
    let codes: Vec<&str> = directive
        .codes
        .iter()
        .filter(|c| !c.used)
        .map(|c| c.text.as_str())
        .collect();
    Some(
        Finding::new(
            UNUSED_SUPPRESSION,
            Severity::Warning,
            Family::Scan,
            path,
            message,
            "remove the stale codes from the comment (or the whole comment), so that it does not hide the next real finding here",
        )
        .with_location(Location {
            line: directive.line,
            column: directive.column,
            offset: directive.offset,
            length: directive.length,
        })
        .with_field("directive", directive.text.clone())
        .with_field("codes", codes),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::gate::catalogue::catalogue;
    use crate::rules::RuleSet;

    fn known() -> Vec<RuleInfo> {
        catalogue(&RuleSet::builtin(crate::checks::NATIVE).unwrap())
    }

    fn directives(text: &str) -> Vec<Directive> {
        parse_directives(&SourceText::new(text.to_string()), &known(), true)
    }

    #[test]
    fn the_three_forms_parse_with_their_positions() {
        let found = directives(
            "# distrolint: ignore-file[DL302]\nos.system(x)  # distrolint: ignore[DL201, DL301]\nos.popen(x)  # noqa: E501, DL201 because\n",
        );
        assert_eq!(found.len(), 3);
        assert_eq!(found[0].kind, DirectiveKind::File);
        assert_eq!(found[1].kind, DirectiveKind::Line);
        assert_eq!((found[1].line, found[1].column), (2, 15));
        assert_eq!(found[1].text, "# distrolint: ignore[DL201, DL301]");
        let codes: Vec<_> = found[1].codes.iter().map(|c| c.text.as_str()).collect();
        assert_eq!(codes, ["DL201", "DL301"]);
        assert_eq!(found[2].kind, DirectiveKind::Noqa);
        assert_eq!(found[2].text, "# noqa: E501, DL201");
        assert_eq!(found[2].codes.len(), 1);
    }

    #[test]
    fn other_tools_noqa_and_bare_noqa_are_not_ours() {
        assert!(directives("x = 1  # noqa\ny = 2  # noqa: E402\n").is_empty());
        let found = directives("x  # distrolint: ignore\n");
        assert_eq!(found.len(), 1);
        assert!(found[0].codes.is_empty());
        // ignore-file after code is not a file switch.
        assert!(directives("x  # distrolint: ignore-file[DL201]\n").is_empty());
    }

    #[test]
    fn a_directive_inside_a_string_is_not_a_comment() {
        assert!(directives("os.system(\"x # distrolint: ignore[DL201]\")\n").is_empty());
        assert!(directives("s = '''\n# distrolint: ignore-file[DL201]\n'''\n").is_empty());
        assert!(directives("os.system(f\"{x} # noqa: DL201\")\n").is_empty());
        let found = directives("os.system(\"#\")  # distrolint: ignore[DL201]\n");
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].column, 17);
    }
}
