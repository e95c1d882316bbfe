//! A reader for the ini dialects of supervisord and uwsgi, keeping the
//! byte span of every value.
//!
//! Hand-written because the crates that read ini files (`rust-ini` 0.21,
//! `configparser` 3) keep no positions, and both fold repeated keys into
//! one, while uwsgi reads every repetition (`exec-asap` five times runs five
//! commands). What is read: `[section]` lines, `key = value` (and
//! supervisord's `key: value`), whole-line comments starting with `#` or
//! `;`, and configparser's continuation lines (indented lines extend the
//! value before them). Anything else on a line is skipped, as both programs
//! would refuse or ignore it; inline comments are not stripped, since
//! uwsgi keeps them and supervisord strips only ` ;` ones.

/// One `key = value` of an ini file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    /// The section's name, as written between the brackets.
    pub section: String,
    pub key: String,
    /// Continuation lines joined with a newline.
    pub value: String,
    /// Byte range of the value's first line in the file.
    pub span: (usize, usize),
}

/// Every entry of `text`, in file order.
pub fn entries(text: &str, colon_delimits: bool) -> Vec<Entry> {
    let mut entries: Vec<Entry> = Vec::new();
    let mut section = String::new();
    let mut offset = 0;
    let mut continues = false;
    for line in text.split_inclusive('\n') {
        let start = offset;
        offset += line.len();
        let body = line.trim_end_matches(['\n', '\r']);
        let trimmed = body.trim();
        if trimmed.is_empty() || trimmed.starts_with('#') || trimmed.starts_with(';') {
            continues = continues && !trimmed.is_empty();
            continue;
        }
        if continues && body.starts_with([' ', '\t']) {
            if let Some(last) = entries.last_mut() {
                last.value.push('\n');
                last.value.push_str(trimmed);
            }
            continue;
        }
        continues = false;
        if let Some(name) = trimmed.strip_prefix('[').and_then(|r| r.strip_suffix(']')) {
            section = name.trim().to_string();
            continue;
        }
        let delimiter = body
            .char_indices()
            .find(|&(_, c)| c == '=' || (colon_delimits && c == ':'));
        let Some((at, _)) = delimiter else { continue };
        let key = body[..at].trim();
        if key.is_empty() {
            continue;
        }
        let raw = &body[at + 1..];
        let value = raw.trim();
        let value_start = start + at + 1 + (raw.len() - raw.trim_start().len());
        entries.push(Entry {
            section: section.clone(),
            key: key.to_string(),
            value: value.to_string(),
            span: (value_start, value_start + value.len()),
        });
        continues = true;
    }
    entries
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn repeated_keys_sections_comments_and_continuations() {
        let text = "; top\n[uwsgi]\nexec-asap = mkdir -p /tmp/x\nexec-asap = touch /tmp/y\n# c\n[program:web]\ncommand: gunicorn\n  --bind :8000\n";
        let found = entries(text, true);
        assert_eq!(found.len(), 3);
        assert_eq!(found[0].section, "uwsgi");
        assert_eq!(found[1].value, "touch /tmp/y");
        assert_eq!(&text[found[1].span.0..found[1].span.1], "touch /tmp/y");
        assert_eq!(found[2].section, "program:web");
        assert_eq!(found[2].value, "gunicorn\n--bind :8000");
        assert!(entries("[uwsgi]\nhttp: :8000\n", false).is_empty());
    }
}
