//! The small text files the interpreter checks read (`pyvenv.cfg`, `WHEEL`,
//! `METADATA`), and where a key sits in them, so a finding can point at the
//! line that says it.

use std::path::Path;

use crate::finding::Location;

/// Installer metadata larger than this is not installer output; it is not
/// read, so that a hostile tree cannot make the check hold gigabytes.
const MAX_BYTES: u64 = 1024 * 1024;

/// The file's text, if it is a regular file of sensible size.
pub fn read_small(path: &Path) -> Option<String> {
    let meta = std::fs::symlink_metadata(path).ok()?;
    if !meta.is_file() || meta.len() > MAX_BYTES {
        return None;
    }
    let bytes = std::fs::read(path).ok()?;
    Some(String::from_utf8_lossy(&bytes).into_owned())
}

/// One `key <separator> value` line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    pub value: String,
    /// The value's place in the file.
    pub location: Location,
}

/// Every line whose key is `key`, for `key = value` (pyvenv.cfg: keys are
/// compared after trimming) or `Key: value` (RFC 822 headers: the key is
/// exact and the headers end at the first empty line).
pub fn entries(text: &str, key: &str, separator: char) -> Vec<Entry> {
    let headers_only = separator == ':';
    let mut found = Vec::new();
    let mut offset = 0;
    for (index, raw) in text.split_inclusive('\n').enumerate() {
        let line = raw.trim_end_matches(['\n', '\r']);
        if headers_only && line.is_empty() {
            break;
        }
        if let Some((name, value)) = line.split_once(separator) {
            let matches = if headers_only {
                name == key
            } else {
                name.trim() == key
            };
            if matches {
                let value_start = name.len() + 1 + (value.len() - value.trim_start().len());
                let value = value.trim();
                found.push(Entry {
                    value: value.to_string(),
                    location: Location {
                        line: u32::try_from(index + 1).unwrap_or(u32::MAX),
                        column: u32::try_from(line[..value_start].chars().count() + 1)
                            .unwrap_or(u32::MAX),
                        offset: offset + value_start,
                        length: value.len(),
                    },
                });
            }
        }
        offset += raw.len();
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_config_value_is_located_on_its_line() {
        let text = "home = /usr/local/bin\nversion = 3.12.4\n";
        let entry = &entries(text, "version", '=')[0];
        assert_eq!(entry.value, "3.12.4");
        assert_eq!(entry.location.line, 2);
        assert_eq!(entry.location.column, 11);
        assert_eq!(
            &text[entry.location.offset..][..entry.location.length],
            "3.12.4"
        );
    }

    #[test]
    fn headers_stop_at_the_body() {
        let text = "Name: x\r\nRequires-Python: >=3.12\r\n\r\nRequires-Python: body text\n";
        let found = entries(text, "Requires-Python", ':');
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].value, ">=3.12");
        assert_eq!(&text[found[0].location.offset..][..6], ">=3.12");
    }
}
