//! Load errors, and where in the rule file they are.
//!
//! Every mistake is reported against the file with a span: toml's own span
//! for syntax errors and unknown keys, the [`toml::Spanned`] value for
//! semantic ones (a code defined twice, a group nobody defines). Mistakes
//! *inside* a string — a placeholder in a message, a position in a query or
//! in a regex — are mapped from the string's value back to its source
//! token, escapes and all, so the label lands on the exact character.

use std::ops::Range;

use toml::Spanned;

#[derive(Debug, thiserror::Error, miette::Diagnostic)]
pub enum RuleError {
    #[error("cannot read rule file {path}")]
    #[diagnostic(code(distrolint::rule_file))]
    Read {
        path: String,
        #[source]
        source: std::io::Error,
    },
    #[error(transparent)]
    #[diagnostic(transparent)]
    Invalid(Box<InvalidRule>),
    #[error(transparent)]
    #[diagnostic(transparent)]
    Refused(crate::tree_files::Refused),
}

/// A rule file that does not say something loadable, with where.
#[derive(Debug, thiserror::Error, miette::Diagnostic)]
#[error("invalid rule file {file}:{line}:{column}: {message}")]
#[diagnostic(code(distrolint::rule_invalid))]
pub struct InvalidRule {
    pub file: String,
    pub message: String,
    /// 1-based line and column (in characters) of the span's start.
    pub line: usize,
    pub column: usize,
    /// `None` for a file the scanned tree supplies that is not a TOML
    /// document: its lines may be anything, so the message places the
    /// mistake by line and column only.
    #[source_code]
    pub source_code: Option<miette::NamedSource<String>>,
    #[label("{message}")]
    pub span: Option<miette::SourceSpan>,
}

impl RuleError {
    /// An error at `span` (byte range) of `text`.
    pub fn at(file: &str, text: &str, span: Range<usize>, message: String) -> RuleError {
        let start = span.start.min(text.len());
        let (line, column) = line_column(text, start);
        RuleError::Invalid(Box::new(InvalidRule {
            file: file.to_string(),
            message,
            line,
            column,
            source_code: Some(miette::NamedSource::new(file, text.to_string())),
            span: Some((start, span.end.clamp(start, text.len()) - start).into()),
        }))
    }
}

impl RuleError {
    /// The same error without the file's source.
    pub fn unquoted(self) -> RuleError {
        match self {
            RuleError::Invalid(mut invalid) => {
                invalid.source_code = None;
                invalid.span = None;
                RuleError::Invalid(invalid)
            }
            other => other,
        }
    }
}

use crate::text_position::line_column;

/// Where a string value sits in the file: maps byte ranges of the value
/// (after unescaping) to byte ranges of the file.
pub struct StringPlace {
    /// The token's start in the file.
    token_start: usize,
    token_len: usize,
    /// For each byte of the value (and one past the end), its offset in
    /// the token; `None` when the token could not be mapped.
    offsets: Option<Vec<usize>>,
}

impl StringPlace {
    pub fn of(text: &str, value: &Spanned<String>) -> StringPlace {
        let span = value.span();
        let token = text.get(span.clone()).unwrap_or("");
        let offsets = token_offsets(token).and_then(|(decoded, offsets)| {
            // Trust the map only when it reproduces what toml read.
            (decoded == *value.get_ref()).then_some(offsets)
        });
        StringPlace {
            token_start: span.start,
            token_len: span.len(),
            offsets,
        }
    }

    /// The file range of `range` in the value; the whole token when the
    /// string could not be mapped.
    pub fn span(&self, range: Range<usize>) -> Range<usize> {
        match &self.offsets {
            Some(offsets) if range.end < offsets.len() && range.start <= range.end => {
                self.token_start + offsets[range.start]..self.token_start + offsets[range.end]
            }
            _ => self.token_start..self.token_start + self.token_len,
        }
    }

    /// The whole token.
    pub fn token(&self) -> Range<usize> {
        self.token_start..self.token_start + self.token_len
    }
}

/// Decodes a TOML string token (quotes included) and records, for each byte
/// of the value, where it came from in the token. `None` if `token` is not
/// a string.
pub fn token_offsets(token: &str) -> Option<(String, Vec<usize>)> {
    let (quote, literal) = if token.starts_with("'''") {
        ("'''", true)
    } else if token.starts_with("\"\"\"") {
        ("\"\"\"", false)
    } else if token.starts_with('\'') {
        ("'", true)
    } else if token.starts_with('"') {
        ("\"", false)
    } else {
        return None;
    };
    if token.len() < 2 * quote.len() || !token.ends_with(quote) {
        return None;
    }
    let multiline = quote.len() == 3;
    let mut i = quote.len();
    let end = token.len() - quote.len();
    if multiline {
        // A newline right after the opening quotes is not part of the value.
        if token[i..].starts_with("\r\n") {
            i += 2;
        } else if token[i..].starts_with('\n') {
            i += 1;
        }
    }
    let mut value = String::new();
    let mut offsets = Vec::new();
    let push = |value: &mut String, offsets: &mut Vec<usize>, c: char, at: usize| {
        value.push(c);
        offsets.extend(std::iter::repeat_n(at, c.len_utf8()));
    };
    while i < end {
        let c = token[i..].chars().next()?;
        if literal || c != '\\' {
            push(&mut value, &mut offsets, c, i);
            i += c.len_utf8();
            continue;
        }
        let escape = token[i + 1..].chars().next()?;
        let simple = match escape {
            'b' => Some('\u{8}'),
            't' => Some('\t'),
            'n' => Some('\n'),
            'f' => Some('\u{c}'),
            'r' => Some('\r'),
            'e' => Some('\u{1b}'),
            '"' => Some('"'),
            '\\' => Some('\\'),
            _ => None,
        };
        if let Some(decoded) = simple {
            push(&mut value, &mut offsets, decoded, i);
            i += 2;
            continue;
        }
        let hex_len = match escape {
            'x' => 2,
            'u' => 4,
            'U' => 8,
            _ => 0,
        };
        if hex_len > 0 {
            let digits = token.get(i + 2..i + 2 + hex_len)?;
            let decoded = char::from_u32(u32::from_str_radix(digits, 16).ok()?)?;
            push(&mut value, &mut offsets, decoded, i);
            i += 2 + hex_len;
            continue;
        }
        if multiline && escape.is_whitespace() {
            // A line-ending backslash: whitespace and newlines up to the
            // next other character are dropped.
            i += 1;
            while i < end {
                let w = token[i..].chars().next()?;
                if !w.is_whitespace() {
                    break;
                }
                i += w.len_utf8();
            }
            continue;
        }
        return None;
    }
    offsets.push(end);
    Some((value, offsets))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn basic_strings_map_through_escapes() {
        let (value, offsets) = token_offsets(r#""a\tb{x}""#).unwrap();
        assert_eq!(value, "a\tb{x}");
        // `{` is value byte 3, token byte 5.
        assert_eq!(offsets[3], 5);
    }

    #[test]
    fn multiline_strings_drop_the_first_newline_and_line_continuations() {
        let (value, offsets) = token_offsets("\"\"\"\nab \\\n   cd\"\"\"").unwrap();
        assert_eq!(value, "ab cd");
        assert_eq!(offsets[3], 12);
        let (value, offsets) = token_offsets("'''\n(a) \\d'''").unwrap();
        assert_eq!(value, "(a) \\d");
        assert_eq!(offsets[0], 4);
    }

    #[test]
    fn positions_are_one_based_in_characters() {
        assert_eq!(line_column("ab\ncé{x}", 6), (2, 3));
        assert_eq!(line_column("", 0), (1, 1));
    }
}
