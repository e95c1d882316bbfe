//! Words and variables as the Dockerfile frontend reads them.
//!
//! Three splitters, because BuildKit uses three: plain whitespace (FROM,
//! EXPOSE, non-JSON COPY/ADD/VOLUME), shell-like words that keep their
//! quotes (ARG, ENV, LABEL, builder flags, heredoc detection), and the
//! expansion of one word against known variables (`$VAR`, `${VAR}`,
//! `${VAR:-default}` and the other POSIX forms), which removes quotes.
//! Pattern operators (`${VAR#x}`, `${VAR%x}`, `${VAR/x/y}`) are reported as
//! unsupported rather than guessed.

/// Whitespace between words: BuildKit's `[\t\v\f\r ]`.
pub fn is_space(c: char) -> bool {
    matches!(c, ' ' | '\t' | '\u{0b}' | '\u{0c}' | '\r')
}

/// Byte ranges of the words of `text` split on runs of whitespace.
pub fn split_whitespace(text: &str) -> Vec<(usize, usize)> {
    let mut words = Vec::new();
    let mut start = None;
    for (i, c) in text.char_indices() {
        match (is_space(c), start) {
            (true, Some(s)) => {
                words.push((s, i));
                start = None;
            }
            (false, None) => start = Some(i),
            _ => {}
        }
    }
    if let Some(s) = start {
        words.push((s, text.len()));
    }
    words
}

/// Byte ranges of shell-like words: whitespace outside quotes separates;
/// quotes and escapes stay in the word. With `heredocs`, `<<` swallows the
/// whitespace after it (`<< EOF` is one word), as BuildKit's lexer does when
/// it looks for heredocs.
pub fn split_words(text: &str, escape: char, heredocs: bool) -> Vec<(usize, usize)> {
    let mut words = Vec::new();
    let mut chars = text.char_indices().peekable();
    let mut start: Option<usize> = None;
    while let Some((i, c)) = chars.next() {
        if is_space(c) {
            if let Some(s) = start.take() {
                words.push((s, i));
            }
            continue;
        }
        start.get_or_insert(i);
        if c == escape {
            chars.next();
        } else if c == '\'' {
            for (_, q) in chars.by_ref() {
                if q == '\'' {
                    break;
                }
            }
        } else if c == '"' {
            while let Some((_, q)) = chars.next() {
                if q == escape {
                    chars.next();
                } else if q == '"' {
                    break;
                }
            }
        } else if heredocs && c == '<' && chars.peek().is_some_and(|&(_, n)| n == '<') {
            chars.next();
            while chars.peek().is_some_and(|&(_, n)| is_space(n)) {
                chars.next();
            }
        }
    }
    if let Some(s) = start {
        words.push((s, text.len()));
    }
    words
}

/// The result of expanding one word.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Expanded {
    pub value: String,
    /// Variables the word used that had no value (they expand to nothing,
    /// as in the build, but the result is then only a guess).
    pub unset: Vec<String>,
    /// A construct this expander does not evaluate (`${VAR%pattern}`).
    pub unsupported: Option<String>,
}

impl Expanded {
    /// Whether the value is what the build would see.
    pub fn is_exact(&self) -> bool {
        self.unset.is_empty() && self.unsupported.is_none()
    }
}

/// Expands variables in `word` and removes its quotes, looking values up
/// with `vars`.
pub fn expand(word: &str, escape: char, vars: &dyn Fn(&str) -> Option<String>) -> Expanded {
    let mut out = Expanded::default();
    let chars: Vec<char> = word.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c == escape {
            match chars.get(i + 1) {
                Some(&next) => out.value.push(next),
                None => out.value.push(c),
            }
            i += 2;
        } else if c == '\'' {
            i += 1;
            while i < chars.len() && chars[i] != '\'' {
                out.value.push(chars[i]);
                i += 1;
            }
            i += 1;
        } else if c == '"' {
            i += 1;
            while i < chars.len() && chars[i] != '"' {
                let d = chars[i];
                if d == escape {
                    match chars.get(i + 1) {
                        Some(&next) if next == '"' || next == '$' || next == escape => {
                            out.value.push(next);
                            i += 2;
                        }
                        _ => {
                            out.value.push(d);
                            i += 1;
                        }
                    }
                } else if d == '$' {
                    i = dollar(&chars, i, escape, vars, &mut out);
                } else {
                    out.value.push(d);
                    i += 1;
                }
            }
            i += 1;
        } else if c == '$' {
            i = dollar(&chars, i, escape, vars, &mut out);
        } else {
            out.value.push(c);
            i += 1;
        }
    }
    out
}

fn is_name_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_'
}

/// Expands the `$…` at `chars[at]`; returns the index after it.
fn dollar(
    chars: &[char],
    at: usize,
    escape: char,
    vars: &dyn Fn(&str) -> Option<String>,
    out: &mut Expanded,
) -> usize {
    let mut i = at + 1;
    if chars.get(i) != Some(&'{') {
        let start = i;
        while i < chars.len() && is_name_char(chars[i]) {
            i += 1;
        }
        if start == i {
            out.value.push('$');
            return i;
        }
        let name: String = chars[start..i].iter().collect();
        lookup(&name, vars, out);
        return i;
    }
    // `${`: find the matching `}`, minding nested `${…}`.
    i += 1;
    let name_start = i;
    while i < chars.len() && is_name_char(chars[i]) {
        i += 1;
    }
    let name: String = chars[name_start..i].iter().collect();
    let Some(close) = matching_brace(chars, i) else {
        out.unsupported
            .get_or_insert_with(|| "an unterminated `${`".to_string());
        return chars.len();
    };
    let operator: String = chars[i..close].iter().collect();
    let after = close + 1;
    if name.is_empty() {
        out.unsupported
            .get_or_insert_with(|| format!("`${{{operator}}}`"));
        return after;
    }
    if operator.is_empty() {
        lookup(&name, vars, out);
        return after;
    }
    let (op, colon, rest) = match operator.strip_prefix(':') {
        Some(r) => (r.chars().next(), true, r.get(1..).unwrap_or("")),
        None => (
            operator.chars().next(),
            false,
            operator.get(1..).unwrap_or(""),
        ),
    };
    let value = vars(&name);
    let is_set = match &value {
        Some(v) => !(colon && v.is_empty()),
        None => false,
    };
    match op {
        Some('-') => {
            if is_set {
                out.value.push_str(value.as_deref().unwrap_or(""));
            } else {
                append(out, expand(rest, escape, vars));
            }
        }
        Some('+') => {
            if is_set {
                append(out, expand(rest, escape, vars));
            }
        }
        Some('?') => {
            if is_set {
                out.value.push_str(value.as_deref().unwrap_or(""));
            } else {
                out.unset.push(name);
            }
        }
        _ => {
            out.unsupported
                .get_or_insert_with(|| format!("`${{{name}{operator}}}`"));
        }
    }
    after
}

fn lookup(name: &str, vars: &dyn Fn(&str) -> Option<String>, out: &mut Expanded) {
    match vars(name) {
        Some(value) => out.value.push_str(&value),
        None => out.unset.push(name.to_string()),
    }
}

fn append(out: &mut Expanded, inner: Expanded) {
    out.value.push_str(&inner.value);
    out.unset.extend(inner.unset);
    if out.unsupported.is_none() {
        out.unsupported = inner.unsupported;
    }
}

fn matching_brace(chars: &[char], from: usize) -> Option<usize> {
    let mut depth = 0usize;
    let mut i = from;
    while i < chars.len() {
        match chars[i] {
            '$' if chars.get(i + 1) == Some(&'{') => {
                depth += 1;
                i += 1;
            }
            '}' if depth == 0 => return Some(i),
            '}' => depth -= 1,
            _ => {}
        }
        i += 1;
    }
    None
}

/// Removes quotes and escapes without expanding anything (flag values,
/// heredoc delimiters).
pub fn unquote(word: &str, escape: char) -> String {
    let mut out = String::new();
    let mut chars = word.chars();
    let mut quote: Option<char> = None;
    while let Some(c) = chars.next() {
        match quote {
            None if c == escape => out.extend(chars.next()),
            None if c == '\'' || c == '"' => quote = Some(c),
            Some(q) if c == q => quote = None,
            Some('"') if c == escape => match chars.next() {
                Some(n) if n == '"' || n == escape => out.push(n),
                Some(n) => {
                    out.push(c);
                    out.push(n);
                }
                None => out.push(c),
            },
            _ => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vars(name: &str) -> Option<String> {
        match name {
            "TAG" => Some("3.12".into()),
            "EMPTY" => Some(String::new()),
            "REG" => Some("gcr.io/distroless".into()),
            _ => None,
        }
    }

    fn ex(word: &str) -> Expanded {
        expand(word, '\\', &vars)
    }

    fn words(text: &str) -> Vec<&str> {
        split_words(text, '\\', true)
            .into_iter()
            .map(|(a, b)| &text[a..b])
            .collect()
    }

    #[test]
    fn plain_and_braced_variables() {
        assert_eq!(ex("python:$TAG-slim").value, "python:3.12-slim");
        assert_eq!(
            ex("${REG}/python3:${TAG}").value,
            "gcr.io/distroless/python3:3.12"
        );
        assert_eq!(ex("a$").value, "a$");
        assert_eq!(ex("$1x").unset, vec!["1x".to_string()]);
    }

    #[test]
    fn defaults_and_alternatives() {
        assert_eq!(ex("${NOPE:-python3-debian12}").value, "python3-debian12");
        assert!(ex("${NOPE:-x}").is_exact());
        assert_eq!(ex("${EMPTY:-d}").value, "d");
        assert_eq!(ex("${EMPTY-d}").value, "");
        assert_eq!(ex("${TAG:+set}").value, "set");
        assert_eq!(ex("${NOPE:+set}").value, "");
        assert_eq!(ex("${NOPE:-${REG}/x}").value, "gcr.io/distroless/x");
        let missing = ex("${NOPE:?must be set}");
        assert_eq!(missing.unset, vec!["NOPE".to_string()]);
    }

    #[test]
    fn unset_and_unsupported_are_reported() {
        let e = ex("python:${VERSION}");
        assert_eq!(e.value, "python:");
        assert_eq!(e.unset, vec!["VERSION".to_string()]);
        assert!(ex("${TAG%%.*}").unsupported.is_some());
        assert!(ex("${TAG").unsupported.is_some());
        assert!(ex("${}").unsupported.is_some());
    }

    #[test]
    fn quotes_and_escapes() {
        assert_eq!(ex("'$TAG'").value, "$TAG");
        assert_eq!(ex("\"$TAG x\"").value, "3.12 x");
        assert_eq!(ex("\\$TAG").value, "$TAG");
        assert_eq!(ex("\"a\\\"b\"").value, "a\"b");
        assert_eq!(expand("`$TAG", '`', &vars).value, "$TAG");
        assert_eq!(unquote("\"EOF\"", '\\'), "EOF");
        assert_eq!(unquote("'E O'F", '\\'), "E OF");
    }

    #[test]
    fn shell_words_keep_quotes_and_heredoc_markers() {
        assert_eq!(
            words("A=\"x y\" B='p q' C=\\ d"),
            vec!["A=\"x y\"", "B='p q'", "C=\\ d"]
        );
        assert_eq!(words("cat << EOF > f"), vec!["cat", "<< EOF", ">", "f"]);
        assert_eq!(words("  a\t b  "), vec!["a", "b"]);
        assert_eq!(words("\"unterminated x"), vec!["\"unterminated x"]);
    }

    #[test]
    fn whitespace_words() {
        let text = " FROM\tpython:3  AS  build ";
        let w: Vec<_> = split_whitespace(text)
            .into_iter()
            .map(|(a, b)| &text[a..b])
            .collect();
        assert_eq!(w, vec!["FROM", "python:3", "AS", "build"]);
    }
}
