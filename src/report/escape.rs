//! Scanned text made safe to show.
//!
//! Paths, string literals, METADATA fields, ELF strings and Dockerfile text
//! come from the tree under review, which a pull request controls. Written
//! raw, a carriage return or newline lets such text start a line of its own
//! (the GitHub Actions runner reads `::error ...`/`::add-mask::` at the start
//! of any line, after leading whitespace, and takes a bare `\r` as a line
//! end), an ESC starts a terminal sequence (clearing the screen, setting
//! the window title, planting an OSC 8 link), and a bidi override makes the
//! text read differently from what it is. Every control character is
//! therefore written as a visible escape (`\r`, `\x1b`, `\u{85}`) and every
//! bidi or line-separator control as `\u{202e}`, so the reader sees that it
//! is there.
//!
//! The backslash itself is left alone: escaping it would change every
//! Windows path and regular expression in ordinary reports, and a spelled
//! out `\x1b` is harmless whatever it is mistaken for.

use std::borrow::Cow;
use std::fmt::Write as _;

/// Whether `c` may not be written raw into a report.
pub fn needs_escape(c: char) -> bool {
    c.is_control() || is_format_control(c)
}

/// Characters that reorder or break text without being `Cc` controls: the
/// bidi embeddings, overrides, isolates and marks, and the Unicode line and
/// paragraph separators (which some viewers take as line ends).
fn is_format_control(c: char) -> bool {
    matches!(
        c,
        '\u{061c}'
            | '\u{200e}'
            | '\u{200f}'
            | '\u{202a}'..='\u{202e}'
            | '\u{2066}'..='\u{2069}'
            | '\u{2028}'
            | '\u{2029}'
    )
}

/// Appends the visible form of `c` to `out`.
pub fn push_escaped(out: &mut String, c: char) {
    match c {
        '\n' => out.push_str("\\n"),
        '\r' => out.push_str("\\r"),
        '\t' => out.push_str("\\t"),
        c if (c as u32) < 0x80 => {
            let _ = write!(out, "\\x{:02x}", c as u32);
        }
        c if needs_escape(c) => {
            let _ = write!(out, "\\u{{{:x}}}", c as u32);
        }
        c => out.push(c),
    }
}

/// `text` with every control, bidi and separator character escaped.
/// Ordinary text comes back borrowed and unchanged.
pub fn display(text: &str) -> Cow<'_, str> {
    if !text.chars().any(needs_escape) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 16);
    for c in text.chars() {
        if needs_escape(c) {
            push_escaped(&mut out, c);
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// Like [`display`], but keeps newlines and tabs: for multi-line text that
/// distrolint itself lays out (an error report for standard error), where
/// the lines are ours and only what is inside them came from the tree. A
/// bare `\r` is still escaped, since the runner ends a line there too.
pub fn display_lines(text: &str) -> Cow<'_, str> {
    let escape = |c: char| needs_escape(c) && c != '\n' && c != '\t';
    if !text.chars().any(escape) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 16);
    for c in text.chars() {
        if escape(c) {
            push_escaped(&mut out, c);
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn controls_and_bidi_become_visible_and_plain_text_is_untouched() {
        assert!(matches!(display("app/x.py: C:\\tmp"), Cow::Borrowed(_)));
        assert_eq!(
            display("p\r::error file=x::I"),
            "p\\r::error file=x::I".to_string()
        );
        assert_eq!(display("a\n::add-mask::X\n.py"), "a\\n::add-mask::X\\n.py");
        assert_eq!(display("\u{1b}[2J\u{7f}"), "\\x1b[2J\\x7f");
        assert_eq!(display("\u{9b}31m"), "\\u{9b}31m");
        assert_eq!(display("abc\u{202e}fdp.exe"), "abc\\u{202e}fdp.exe");
        assert_eq!(display("x\u{2028}y"), "x\\u{2028}y");
        assert_eq!(display_lines("one\n\ttwo\rthree"), "one\n\ttwo\\rthree");
    }
}
