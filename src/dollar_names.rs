//! `$NAME` and `${NAME}` in a text replaced by looked-up values: how the
//! dynamic loader writes its tokens in a search path (`$ORIGIN/../lib`),
//! and how a shell command names its environment (`$VIRTUAL_ENV/bin`).
//! A name that is not looked up stays as written, `$` included.

/// `text` with each `$NAME` / `${NAME}` that `value` knows replaced. `value`
/// is also told whether the name stands at the very start of the result
/// (where `$ORIGIN` anchors a path).
pub fn substitute<'v>(text: &str, mut value: impl FnMut(&str, bool) -> Option<&'v str>) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(dollar) = rest.find('$') {
        out.push_str(&rest[..dollar]);
        let after = &rest[dollar + 1..];
        let (name, consumed) = match after.strip_prefix('{') {
            Some(inner) => match inner.find('}') {
                Some(end) => (&inner[..end], end + 2),
                None => ("", 0),
            },
            None => {
                let end = after
                    .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
                    .unwrap_or(after.len());
                (&after[..end], end)
            }
        };
        match value(name, out.is_empty()) {
            Some(found) if consumed > 0 => {
                out.push_str(found);
                rest = &after[consumed..];
            }
            _ => {
                out.push('$');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_spellings_are_replaced_and_unknown_names_stay() {
        let value = |name: &str, _| (name == "A").then_some("x");
        assert_eq!(
            substitute("$A/${A}/$B/${B}/$/${A", value),
            "x/x/$B/${B}/$/${A"
        );
        assert_eq!(substitute("$A_B $A-B", value), "$A_B x-B");
        let mut starts = Vec::new();
        substitute("$A/$A", |name, at_start| {
            starts.push(at_start);
            (name == "A").then_some("x")
        });
        assert_eq!(starts, [true, false]);
    }
}
