//! Lines and columns of byte offsets that may fall anywhere: inside a
//! multi-byte character, or past the text's end (a parser's error span).
//! The rule files, the configuration and the base manifests all point at
//! their own mistakes this way.

/// 1-based line and column (in characters) of byte `offset`.
pub fn line_column(text: &str, offset: usize) -> (usize, usize) {
    let before = &text[..text.floor_char_boundary(offset)];
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map(|i| i + 1).unwrap_or(0);
    (line, before[line_start..].chars().count() + 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inside_a_character_or_past_the_end_moves_back() {
        let text = "aé\nb";
        assert_eq!(line_column(text, 2), (1, 2));
        assert_eq!(line_column(text, 99), (2, 2));
        assert_eq!(line_column(text, 5), (2, 2));
    }
}
