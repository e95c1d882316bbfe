//! The text of a Dockerfile and positions in it.
//!
//! BuildKit reads a Dockerfile as bytes and never rejects invalid UTF-8, so
//! neither do we: an invalid byte becomes `?`, one byte for one byte, and
//! every span stays a byte range of the file as it is on disk. Lines end at
//! `\n` only (a `\r` before it is dropped, a lone `\r` is not a line break),
//! as Go's line scanner splits them.

use crate::finding::Location;

/// A byte range of the Dockerfile, `start..end`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Span {
    pub start: usize,
    pub end: usize,
}

impl Span {
    pub fn new(start: usize, end: usize) -> Span {
        Span {
            start,
            end: end.max(start),
        }
    }

    /// The smallest span covering both.
    pub fn to(self, other: Span) -> Span {
        Span::new(self.start.min(other.start), self.end.max(other.end))
    }

    pub fn is_empty(self) -> bool {
        self.start == self.end
    }
}

/// The decoded text and its line starts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Source {
    text: String,
    line_starts: Vec<usize>,
    /// Length of a leading UTF-8 byte-order mark (0 or 3), which BuildKit
    /// ignores and which is not a column.
    bom: usize,
}

impl Source {
    /// Decodes `bytes`, replacing each byte that is not part of valid UTF-8
    /// with `?` so that offsets do not move.
    pub fn decode(bytes: &[u8]) -> Source {
        let mut text = String::with_capacity(bytes.len());
        let mut rest = bytes;
        while !rest.is_empty() {
            match std::str::from_utf8(rest) {
                Ok(valid) => {
                    text.push_str(valid);
                    break;
                }
                Err(error) => {
                    let valid = error.valid_up_to();
                    // The prefix was just checked to be valid UTF-8.
                    text.push_str(std::str::from_utf8(&rest[..valid]).unwrap_or_default());
                    let bad = error.error_len().unwrap_or(rest.len() - valid);
                    text.extend(std::iter::repeat_n('?', bad));
                    rest = &rest[valid + bad..];
                }
            }
        }
        Source::new(text)
    }

    pub fn new(text: String) -> Source {
        let mut line_starts = vec![0];
        line_starts.extend(
            text.bytes()
                .enumerate()
                .filter(|&(_, b)| b == b'\n')
                .map(|(i, _)| i + 1),
        );
        let bom = if text.starts_with('\u{feff}') { 3 } else { 0 };
        Source {
            text,
            line_starts,
            bom,
        }
    }

    pub fn text(&self) -> &str {
        &self.text
    }

    /// Where the text proper starts (after a byte-order mark).
    pub fn body_start(&self) -> usize {
        self.bom
    }

    /// The 1-based line of a byte offset.
    pub fn line_of(&self, offset: usize) -> u32 {
        let line = self.line_starts.partition_point(|&s| s <= offset).max(1);
        u32::try_from(line).unwrap_or(u32::MAX)
    }

    /// 1-based line and column (in characters) of `span.start`, with the
    /// byte range.
    pub fn location(&self, span: Span) -> Location {
        let start = self.text.floor_char_boundary(span.start);
        let end = span.end.clamp(start, self.text.len());
        let line = self.line_of(start);
        let mut line_start = self.line_starts[line as usize - 1];
        if line == 1 {
            line_start = line_start.max(self.bom).min(start);
        }
        let column = self.text[line_start..start].chars().count() + 1;
        Location {
            line,
            column: u32::try_from(column).unwrap_or(u32::MAX),
            offset: start,
            length: end - start,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn invalid_bytes_keep_their_offsets() {
        let source = Source::decode(b"FROM a\xff\xfe\nRUN \xc3\xa9x\n");
        assert_eq!(source.text(), "FROM a??\nRUN \u{e9}x\n");
        let loc = source.location(Span::new(13, 14));
        assert_eq!((loc.line, loc.column, loc.offset), (2, 5, 13));
        assert_eq!(source.text().len(), 17);
    }

    #[test]
    fn columns_count_characters_and_skip_the_bom() {
        let source = Source::decode("\u{feff}FROM é x".as_bytes());
        let loc = source.location(Span::new(3, 7));
        assert_eq!((loc.line, loc.column), (1, 1));
        let x = source.text().find('x').unwrap();
        assert_eq!(source.location(Span::new(x, x + 1)).column, 8);
    }

    #[test]
    fn a_span_past_the_end_is_clamped() {
        let source = Source::decode(b"FROM a");
        let loc = source.location(Span::new(100, 200));
        assert_eq!((loc.line, loc.offset, loc.length), (1, 6, 0));
    }
}
