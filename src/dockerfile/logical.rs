//! One instruction as the parser sees it: its physical lines joined into
//! one logical text (continuations and comment lines dropped), with the map
//! from each byte of that text back to its byte in the file, so that every
//! word and span the parser reports points into the file as written.
//!
//! Its own module because both the line reader (`parse`) and the argument
//! reader (`args`) use it, and neither should depend on the other for it.

use super::ast::Word;
use super::source::Span;

/// An instruction's text with its continuations joined, and the map back to
/// the file.
#[derive(Debug, Default)]
pub struct Logical {
    pub text: String,
    /// `(logical offset, file offset)` where each copied piece starts.
    pieces: Vec<(usize, usize)>,
}

impl Logical {
    pub fn push(&mut self, file_offset: usize, piece: &str) {
        self.pieces.push((self.text.len(), file_offset));
        self.text.push_str(piece);
    }

    /// The file offset of logical byte `at` (`at` may be the end).
    fn file_offset(&self, at: usize) -> usize {
        let i = self
            .pieces
            .partition_point(|&(l, _)| l <= at)
            .saturating_sub(1);
        match self.pieces.get(i) {
            Some(&(l, f)) => f + (at - l),
            None => 0,
        }
    }

    /// The file span of logical bytes `start..end`.
    pub fn span(&self, start: usize, end: usize) -> Span {
        if end <= start {
            let at = self.file_offset(start);
            return Span::new(at, at);
        }
        Span::new(self.file_offset(start), self.file_offset(end - 1) + 1)
    }

    /// A word of the logical text.
    pub fn word(&self, start: usize, end: usize) -> Word {
        Word {
            text: self.text.get(start..end).unwrap_or("").to_string(),
            span: self.span(start, end),
        }
    }
}
