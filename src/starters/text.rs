//! Positions in a starter file: byte spans to the line, column (in
//! characters, 1-based) and byte range every finding carries.

use crate::finding::Location;

/// The text of one file, with where each line starts.
pub struct Text<'t> {
    pub text: &'t str,
    line_starts: Vec<usize>,
}

impl<'t> Text<'t> {
    pub fn new(text: &'t str) -> Self {
        let mut line_starts = vec![0];
        line_starts.extend(memchr::memchr_iter(b'\n', text.as_bytes()).map(|i| i + 1));
        Text { text, line_starts }
    }

    /// The location of the bytes `start..end`.
    pub fn location(&self, start: usize, end: usize) -> Location {
        let start = self.text.floor_char_boundary(start);
        let end = self
            .text
            .floor_char_boundary(end.clamp(start, self.text.len()));
        let line = self.line_starts.partition_point(|&s| s <= start).max(1);
        let line_start = self.line_starts[line - 1];
        let column = self.text[line_start..start].chars().count() + 1;
        Location {
            line: u32::try_from(line).unwrap_or(u32::MAX),
            column: u32::try_from(column).unwrap_or(u32::MAX),
            offset: start,
            length: end - start,
        }
    }

    /// The end of the line holding byte `offset`, newline excluded.
    pub fn line_end(&self, offset: usize) -> usize {
        let offset = offset.min(self.text.len());
        memchr::memchr(b'\n', &self.text.as_bytes()[offset..])
            .map_or(self.text.len(), |i| offset + i)
    }

    /// The byte offset of a 1-based `line` and 0-based `column` counted in
    /// characters, as the YAML parser reports them.
    pub fn offset_of(&self, line: usize, column: usize) -> usize {
        let Some(&line_start) = self.line_starts.get(line.saturating_sub(1)) else {
            return self.text.len();
        };
        let rest = &self.text[line_start..];
        line_start
            + rest
                .char_indices()
                .nth(column)
                .map_or(rest.len(), |(i, _)| i)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_count_characters_and_offsets_bytes() {
        let text = Text::new("a: é\nweb: gunicorn\n");
        let at = 11;
        assert_eq!(&text.text[at..at + 8], "gunicorn");
        let location = text.location(at, at + 8);
        assert_eq!((location.line, location.column, location.length), (2, 6, 8));
        assert_eq!(text.location(3, 5).column, 4);
    }
}
