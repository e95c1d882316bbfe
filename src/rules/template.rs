//! Message templates: literal text with `{placeholder}`s, `{{` and `}}` for
//! literal braces. Which placeholders exist depends on the matcher; a
//! template naming any other is a load error at the placeholder.

use std::ops::Range;

#[derive(Debug, PartialEq, Eq)]
pub enum Piece<'t> {
    Text(&'t str),
    Placeholder(&'t str),
}

/// Splits a template into literal text and placeholders, each with its byte
/// range in the template.
pub fn pieces_with_ranges(template: &str) -> Vec<(Piece<'_>, Range<usize>)> {
    let mut pieces = Vec::new();
    let mut at = 0;
    while at < template.len() {
        let rest = &template[at..];
        if rest.starts_with("{{") {
            pieces.push((Piece::Text("{"), at..at + 2));
            at += 2;
        } else if rest.starts_with("}}") {
            pieces.push((Piece::Text("}"), at..at + 2));
            at += 2;
        } else if let Some(after) = rest.strip_prefix('{') {
            match after.find('}') {
                Some(end) => {
                    pieces.push((Piece::Placeholder(&after[..end]), at..at + end + 2));
                    at += end + 2;
                }
                None => {
                    pieces.push((Piece::Text(rest), at..template.len()));
                    at = template.len();
                }
            }
        } else {
            let end = rest
                .find(['{', '}'])
                .map(|i| i.max(1))
                .unwrap_or(rest.len());
            pieces.push((Piece::Text(&rest[..end]), at..at + end));
            at += end;
        }
    }
    pieces
}

/// Splits a template into literal text and placeholders.
pub fn template_pieces(template: &str) -> Vec<Piece<'_>> {
    pieces_with_ranges(template)
        .into_iter()
        .map(|(piece, _)| piece)
        .collect()
}

/// The first placeholder of `template` that `known` does not accept, with
/// its range (braces included).
pub fn unknown_placeholder<'t>(
    template: &'t str,
    known: &dyn Fn(&str) -> bool,
) -> Option<(&'t str, Range<usize>)> {
    pieces_with_ranges(template)
        .into_iter()
        .find_map(|(piece, range)| match piece {
            Piece::Placeholder(name) if !known(name) => Some((name, range)),
            _ => None,
        })
}

/// Fills a template's placeholders from `values` (missing ones are empty).
pub fn render(template: &str, values: &dyn Fn(&str) -> String) -> String {
    template_pieces(template)
        .into_iter()
        .map(|piece| match piece {
            Piece::Text(t) => t.to_string(),
            Piece::Placeholder(name) => values(name),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn templates_render_and_escape() {
        let out = render("{{literal}} {callee} via {via}", &|name| {
            format!("<{name}>")
        });
        assert_eq!(out, "{literal} <callee> via <via>");
    }

    #[test]
    fn unknown_placeholders_come_with_their_range() {
        let known = |name: &str| name == "base";
        assert_eq!(
            unknown_placeholder("on {base}: {nope}", &known),
            Some(("nope", 11..17))
        );
        assert_eq!(unknown_placeholder("{{nope}} {base}", &known), None);
    }
}
