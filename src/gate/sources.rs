//! The text of files that have findings, read once for the gate.
//!
//! Suppression comments and fingerprints need the flagged lines; the
//! analysers do not keep sources alive, so the gate re-reads the few files
//! that have located findings (never the whole tree, and never to analyse
//! again). Files too large or unreadable simply have no text: their
//! findings keep their comments unread and get a fingerprint without a
//! snippet.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// Larger files are not re-read.
const MAX_SOURCE: u64 = 8 * 1024 * 1024;

/// One file's text with its line starts.
#[derive(Debug)]
pub struct SourceText {
    pub text: String,
    line_starts: Vec<usize>,
}

impl SourceText {
    pub fn new(text: String) -> SourceText {
        let line_starts = std::iter::once(0)
            .chain(text.match_indices('\n').map(|(i, _)| i + 1))
            .collect();
        SourceText { text, line_starts }
    }

    /// Line `number` (1-based), without its line ending.
    pub fn line(&self, number: u32) -> Option<&str> {
        let index = (number as usize).checked_sub(1)?;
        let start = *self.line_starts.get(index)?;
        let end = self
            .line_starts
            .get(index + 1)
            .copied()
            .unwrap_or(self.text.len());
        Some(self.text[start..end].trim_end_matches(['\n', '\r']))
    }

    /// Byte offset where line `number` starts.
    pub fn line_start(&self, number: u32) -> Option<usize> {
        let index = (number as usize).checked_sub(1)?;
        self.line_starts.get(index).copied()
    }

    /// The 1-based number of the line that holds byte `offset` (the last
    /// line for an offset past the end).
    pub fn line_of(&self, offset: usize) -> u32 {
        let index = self.line_starts.partition_point(|&start| start <= offset);
        index.max(1) as u32
    }

    /// How many lines the text has (a final line without a newline counts).
    pub fn line_count(&self) -> u32 {
        self.line_starts.len() as u32
    }

    /// Every line with its 1-based number.
    pub fn lines(&self) -> impl Iterator<Item = (u32, &str)> {
        (1..=self.line_starts.len() as u32).filter_map(|n| self.line(n).map(|l| (n, l)))
    }

    /// The text of a byte range, when it still fits the file.
    pub fn span(&self, offset: usize, length: usize) -> Option<&str> {
        self.text.get(offset..offset.checked_add(length)?)
    }
}

/// Files read so far, by path.
#[derive(Debug, Default)]
pub struct SourceFiles {
    files: HashMap<PathBuf, Option<Arc<SourceText>>>,
}

impl SourceFiles {
    pub fn get(&mut self, path: &Path) -> Option<Arc<SourceText>> {
        self.files
            .entry(path.to_path_buf())
            .or_insert_with(|| read(path).map(Arc::new))
            .clone()
    }
}

fn read(path: &Path) -> Option<SourceText> {
    let meta = std::fs::metadata(path).ok()?;
    if !meta.is_file() || meta.len() > MAX_SOURCE {
        return None;
    }
    let bytes = std::fs::read(path).ok()?;
    Some(SourceText::new(
        String::from_utf8_lossy(&bytes).into_owned(),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_are_one_based_and_lose_their_endings() {
        let source = SourceText::new("a = 1\r\nb = 2\nc".to_string());
        assert_eq!(source.line(1), Some("a = 1"));
        assert_eq!(source.line(2), Some("b = 2"));
        assert_eq!(source.line(3), Some("c"));
        assert_eq!(source.line(4), None);
        assert_eq!(source.line(0), None);
        assert_eq!(source.lines().count(), 3);
        assert_eq!(source.line_of(0), 1);
        assert_eq!(source.line_of(6), 1);
        assert_eq!(source.line_of(7), 2);
        assert_eq!(source.line_of(100), 3);
        assert_eq!(source.span(7, 5), Some("b = 2"));
        assert_eq!(source.span(12, 50), None);
    }
}
