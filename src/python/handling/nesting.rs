//! The ranges that hold an offset, among ranges that nest or are apart —
//! as the bodies of `try` statements and the blocks guards protect do — in
//! time proportional to how deeply they nest rather than to how many there
//! are: a generated module of a hundred thousand `try` blocks, each around a
//! call with a finding, must not take a hundred thousand steps per finding.

use crate::python::ir::Span;

#[derive(Debug, Default)]
pub struct Nesting {
    /// The ranges by start, a range before those inside it.
    spans: Vec<(Span, usize)>,
    /// For each, in that order, the nearest earlier range that holds its
    /// start.
    parent: Vec<Option<usize>>,
}

impl Nesting {
    /// Indexes `spans`; [`Nesting::holding`] answers with their positions
    /// in it.
    pub fn new(spans: impl IntoIterator<Item = Span>) -> Nesting {
        let mut spans: Vec<(Span, usize)> = spans
            .into_iter()
            .enumerate()
            .map(|(index, span)| (span, index))
            .collect();
        spans.sort_by_key(|(span, _)| (span.start, std::cmp::Reverse(span.end)));
        let mut parent = Vec::with_capacity(spans.len());
        let mut open: Vec<usize> = Vec::new();
        for (position, (span, _)) in spans.iter().enumerate() {
            while let Some(&top) = open.last() {
                if spans[top].0.end <= span.start {
                    open.pop();
                } else {
                    break;
                }
            }
            parent.push(open.last().copied());
            open.push(position);
        }
        Nesting { spans, parent }
    }

    /// The ranges that hold `offset`, innermost first. Ranges that overlap
    /// without nesting (from a broken parse) may be missed, never invented.
    pub fn holding(&self, offset: u32) -> Vec<usize> {
        let mut found = Vec::new();
        let last = self.spans.partition_point(|(span, _)| span.start <= offset);
        let mut current = last.checked_sub(1);
        while let Some(position) = current {
            let Some((span, index)) = self.spans.get(position) else {
                break;
            };
            if span.contains(offset) {
                found.push(*index);
            }
            current = self.parent.get(position).copied().flatten();
        }
        found
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn span(start: u32, end: u32) -> Span {
        Span { start, end }
    }

    #[test]
    fn nested_ranges_are_found_innermost_first_and_apart_ones_not_at_all() {
        // 0: [0, 100) holds 1: [10, 50), which holds 2: [20, 30); 3: [60, 70)
        // is beside 1.
        let nesting = Nesting::new([span(0, 100), span(10, 50), span(20, 30), span(60, 70)]);
        assert_eq!(nesting.holding(25), [2, 1, 0]);
        assert_eq!(nesting.holding(40), [1, 0]);
        assert_eq!(nesting.holding(65), [3, 0]);
        assert_eq!(nesting.holding(55), [0]);
        assert!(nesting.holding(100).is_empty());
        assert!(Nesting::new([]).holding(0).is_empty());
    }

    #[test]
    fn it_agrees_with_a_scan_of_every_range() {
        // Blocks nested three deep, side by side, as a module of many
        // functions with tries in tries would give.
        let mut spans = Vec::new();
        for block in 0..50u32 {
            let base = block * 1000;
            spans.push(span(base, base + 900));
            spans.push(span(base + 100, base + 500));
            spans.push(span(base + 200, base + 300));
            spans.push(span(base + 600, base + 800));
        }
        let nesting = Nesting::new(spans.iter().copied());
        for offset in (0..50_000).step_by(7) {
            let mut found = nesting.holding(offset);
            found.sort_unstable();
            let scanned: Vec<usize> = (0..spans.len())
                .filter(|&i| spans[i].contains(offset))
                .collect();
            assert_eq!(found, scanned, "at {offset}");
        }
    }
}
