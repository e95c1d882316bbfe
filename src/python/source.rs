//! Turning a file's bytes into the text Python would compile, and positions
//! in that text back into line and column.
//!
//! Python reads a source file as UTF-8 unless a byte-order mark or a PEP 263
//! coding cookie on line 1 or 2 says otherwise. We follow the same order, and
//! decode strictly: bytes the declared codec rejects make the file
//! undecodable, which the caller reports as a diagnostic. Python itself would
//! refuse to import such a file, so nothing in it can run.
//!
//! Limits: codecs are those `encoding_rs` knows under Python's spelling of
//! the name, plus exact `latin-1` and `ascii` (which `encoding_rs` would treat
//! as windows-1252). Byte offsets reported for multi-byte legacy encodings
//! (Shift_JIS, GBK, ...) are offsets into the decoded text, not the file.

use std::borrow::Cow;

use crate::finding::Location;

/// Why a file could not be decoded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DecodeError {
    /// The cookie names a codec we (and usually Python) do not know.
    UnknownEncoding { name: String },
    /// A byte-order mark says UTF-8 but the cookie says something else.
    BomMismatch { cookie: String },
    /// The bytes are not valid in the file's encoding.
    Invalid { encoding: String, offset: usize },
}

impl std::fmt::Display for DecodeError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            DecodeError::UnknownEncoding { name } => {
                write!(f, "SyntaxError: unknown encoding: {name}")
            }
            DecodeError::BomMismatch { cookie } => write!(
                f,
                "SyntaxError: encoding problem: {cookie} with BOM (a UTF-8 byte-order mark only allows a utf-8 cookie)"
            ),
            DecodeError::Invalid { encoding, offset } => write!(
                f,
                "SyntaxError: (unicode error) '{encoding}' codec can't decode byte at offset {offset}"
            ),
        }
    }
}

/// Decoded source text and how to map its offsets back to the file.
#[derive(Debug)]
pub struct Source<'a> {
    pub text: Cow<'a, str>,
    /// The codec used, in Python's spelling.
    pub encoding: String,
    offsets: OffsetMap,
    /// Computed on first use: most files produce no location at all.
    line_starts: std::cell::OnceCell<Vec<usize>>,
}

#[derive(Debug, Clone, Copy)]
enum OffsetMap {
    /// File offset = text offset + a constant (the BOM's length).
    Shifted(usize),
    /// One byte per character: file offset = character index.
    SingleByte,
    /// Multi-byte legacy encodings: offsets are into the decoded text.
    Decoded,
}

impl<'a> Source<'a> {
    pub fn decode(bytes: &'a [u8]) -> Result<Source<'a>, DecodeError> {
        const BOM: &[u8] = b"\xEF\xBB\xBF";
        let (body, bom) = match bytes.strip_prefix(BOM) {
            Some(rest) => (rest, true),
            None => (bytes, false),
        };
        let cookie = coding_cookie(body);
        let codec = match &cookie {
            None => Codec::Utf8,
            Some(name) => {
                let codec = Codec::from_python_name(name)
                    .ok_or_else(|| DecodeError::UnknownEncoding { name: name.clone() })?;
                if bom && codec != Codec::Utf8 {
                    return Err(DecodeError::BomMismatch {
                        cookie: name.clone(),
                    });
                }
                codec
            }
        };
        let bom_len = if bom { BOM.len() } else { 0 };
        let (text, encoding, offsets) = match codec {
            Codec::Utf8 => {
                let text = std::str::from_utf8(body).map_err(|e| DecodeError::Invalid {
                    encoding: "utf-8".into(),
                    offset: bom_len + e.valid_up_to(),
                })?;
                (
                    Cow::Borrowed(text),
                    "utf-8".to_string(),
                    OffsetMap::Shifted(bom_len),
                )
            }
            Codec::Ascii => {
                if let Some(pos) = body.iter().position(|b| !b.is_ascii()) {
                    return Err(DecodeError::Invalid {
                        encoding: "ascii".into(),
                        offset: pos,
                    });
                }
                let text = std::str::from_utf8(body).map_err(|e| DecodeError::Invalid {
                    encoding: "ascii".into(),
                    offset: e.valid_up_to(),
                })?;
                (
                    Cow::Borrowed(text),
                    "ascii".to_string(),
                    OffsetMap::Shifted(0),
                )
            }
            Codec::Latin1 => {
                let text: String = body.iter().map(|&b| char::from(b)).collect();
                (
                    Cow::Owned(text),
                    "iso-8859-1".to_string(),
                    OffsetMap::SingleByte,
                )
            }
            Codec::Other(encoding) => {
                let text = encoding
                    .decode_without_bom_handling_and_without_replacement(body)
                    .ok_or_else(|| DecodeError::Invalid {
                        encoding: encoding.name().to_ascii_lowercase(),
                        offset: first_invalid(encoding, body),
                    })?;
                let map = if encoding.is_single_byte() {
                    OffsetMap::SingleByte
                } else {
                    OffsetMap::Decoded
                };
                (
                    Cow::Owned(text.into_owned()),
                    encoding.name().to_ascii_lowercase(),
                    map,
                )
            }
        };
        Ok(Source {
            text,
            encoding,
            offsets,
            line_starts: std::cell::OnceCell::new(),
        })
    }

    /// The location of `start..end` (offsets into the decoded text).
    pub fn location(&self, start: usize, end: usize) -> Location {
        let start = start.min(self.text.len());
        let end = end.clamp(start, self.text.len());
        let line_starts = self.line_starts.get_or_init(|| line_starts(&self.text));
        let line = line_starts.partition_point(|&s| s <= start).max(1);
        let line_start = line_starts[line - 1];
        let column = self.text[line_start..self.text.floor_char_boundary(start)]
            .chars()
            .count()
            + 1;
        let (offset, length) = match self.offsets {
            OffsetMap::Shifted(shift) => (start + shift, end - start),
            OffsetMap::SingleByte => {
                let offset = self.text[..self.text.floor_char_boundary(start)]
                    .chars()
                    .count();
                let length = self.text
                    [self.text.floor_char_boundary(start)..self.text.floor_char_boundary(end)]
                    .chars()
                    .count();
                (offset, length)
            }
            OffsetMap::Decoded => (start, end - start),
        };
        Location {
            line: u32::try_from(line).unwrap_or(u32::MAX),
            column: u32::try_from(column).unwrap_or(u32::MAX),
            offset,
            length,
        }
    }
}

/// Line starts as Python counts lines: `\n`, `\r\n` and a lone `\r` end one.
fn line_starts(text: &str) -> Vec<usize> {
    let bytes = text.as_bytes();
    let mut starts = vec![0];
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'\n' => starts.push(i + 1),
            b'\r' if bytes.get(i + 1) == Some(&b'\n') => {
                starts.push(i + 2);
                i += 1;
            }
            b'\r' => starts.push(i + 1),
            _ => {}
        }
        i += 1;
    }
    starts
}

fn first_invalid(encoding: &'static encoding_rs::Encoding, body: &[u8]) -> usize {
    let mut decoder = encoding.new_decoder_without_bom_handling();
    let mut out = String::with_capacity(body.len() * 3 + 16);
    let (result, read) = decoder.decode_to_string_without_replacement(body, &mut out, true);
    match result {
        encoding_rs::DecoderResult::Malformed(bad, _) => read.saturating_sub(usize::from(bad)),
        _ => read,
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Codec {
    Utf8,
    Ascii,
    Latin1,
    Other(&'static encoding_rs::Encoding),
}

impl Codec {
    /// Python's codec lookup, for the names people write in cookies.
    fn from_python_name(name: &str) -> Option<Codec> {
        let normal = name.trim().to_ascii_lowercase().replace('_', "-");
        // CPython's tokenizer maps these families itself (`get_normal_name`).
        if normal == "utf-8" || normal.starts_with("utf-8-") || normal == "utf8" {
            return Some(Codec::Utf8);
        }
        let latin1 = [
            "latin-1",
            "iso-8859-1",
            "iso-latin-1",
            "latin1",
            "iso8859-1",
            "l1",
            "8859",
            "cp819",
        ];
        if latin1
            .iter()
            .any(|l| normal == *l || normal.starts_with(&format!("{l}-")))
        {
            return Some(Codec::Latin1);
        }
        if matches!(normal.as_str(), "ascii" | "us-ascii" | "646" | "us") {
            return Some(Codec::Ascii);
        }
        let label = match normal.as_str() {
            // Python aliases that the WHATWG label table spells differently.
            "cp932" | "ms932" | "mskanji" | "ms-kanji" | "sjis" | "s-jis" => "shift_jis",
            "eucjp" | "ujis" | "u-jis" => "euc-jp",
            "euckr" | "cp949" | "uhc" => "euc-kr",
            "cp936" | "ms936" | "936" | "gb2312" | "gb18030-2000" => "gbk",
            "big5-tw" | "csbig5" | "cp950" => "big5",
            "koi8r" => "koi8-r",
            "koi8u" => "koi8-u",
            other => other,
        };
        let label = match label.strip_prefix("iso8859-") {
            Some(rest) => format!("iso-8859-{rest}"),
            None => label.to_string(),
        };
        let encoding = encoding_rs::Encoding::for_label_no_replacement(label.as_bytes())?;
        if encoding == encoding_rs::UTF_8 {
            return Some(Codec::Utf8);
        }
        // UTF-16 is never ASCII-compatible, so Python cannot read a cookie
        // written in it; treat it as unknown as Python does.
        if encoding == encoding_rs::UTF_16LE || encoding == encoding_rs::UTF_16BE {
            return None;
        }
        Some(Codec::Other(encoding))
    }
}

/// The PEP 263 cookie on line 1, or on line 2 when line 1 is blank or a
/// comment: `^[ \t\f]*#.*?coding[:=][ \t]*([-\w.]+)`.
fn coding_cookie(bytes: &[u8]) -> Option<String> {
    let mut lines = bytes.split(|&b| b == b'\n').take(2);
    let first = lines.next()?;
    if let Some(name) = cookie_in_line(first) {
        return Some(name);
    }
    let trimmed: Vec<u8> = first
        .iter()
        .copied()
        .skip_while(|b| matches!(b, b' ' | b'\t' | b'\x0c' | b'\r'))
        .collect();
    if trimmed.is_empty() || trimmed[0] == b'#' {
        return lines.next().and_then(cookie_in_line);
    }
    None
}

fn cookie_in_line(line: &[u8]) -> Option<String> {
    let start = line
        .iter()
        .position(|b| !matches!(b, b' ' | b'\t' | b'\x0c'))?;
    if line[start] != b'#' {
        return None;
    }
    let comment = &line[start..];
    let mut search = 0;
    while let Some(pos) = memchr::memmem::find(&comment[search..], b"coding") {
        let after = search + pos + "coding".len();
        if matches!(comment.get(after), Some(b':' | b'=')) {
            let rest = &comment[after + 1..];
            let name: Vec<u8> = rest
                .iter()
                .copied()
                .skip_while(|b| matches!(b, b' ' | b'\t'))
                .take_while(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'))
                .collect();
            if !name.is_empty() {
                return Some(String::from_utf8_lossy(&name).into_owned());
            }
        }
        search = after;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_utf8_and_bom() {
        let s = Source::decode(b"x = 1\n").unwrap();
        assert_eq!(s.encoding, "utf-8");
        let s = Source::decode(b"\xEF\xBB\xBFimport os\nos.system('x')\n").unwrap();
        assert_eq!(&*s.text, "import os\nos.system('x')\n");
        let loc = s.location(10, 12);
        assert_eq!((loc.line, loc.column, loc.offset), (2, 1, 13));
    }

    #[test]
    fn latin1_cookie_on_line_two_after_a_shebang() {
        let s = Source::decode(b"#!/usr/bin/python\n# -*- coding: latin-1 -*-\nx = '\xe9'; y\n")
            .unwrap();
        assert_eq!(s.encoding, "iso-8859-1");
        assert!(s.text.contains("'é'"));
        let y = s.text.find("; y").unwrap() + 2;
        let loc = s.location(y, y + 1);
        assert_eq!((loc.line, loc.column), (3, 10));
        assert_eq!(loc.offset, 53);
    }

    #[test]
    fn cookie_on_line_two_is_ignored_after_code() {
        // Python only looks at line 2 when line 1 is a comment or blank.
        let err = Source::decode(b"x = 1\n# coding: latin-1\ny = '\xe9'\n").unwrap_err();
        assert!(matches!(err, DecodeError::Invalid { .. }));
    }

    #[test]
    fn cp1252_and_unknown_and_bom_mismatch() {
        let s = Source::decode(b"# vim: set fileencoding=cp1252 :\nx = '\x93q\x94'\n").unwrap();
        assert!(s.text.contains('\u{201c}'));
        assert_eq!(
            Source::decode(b"# coding: klingon\n").unwrap_err(),
            DecodeError::UnknownEncoding {
                name: "klingon".into()
            }
        );
        assert!(matches!(
            Source::decode(b"\xEF\xBB\xBF# coding: latin-1\n").unwrap_err(),
            DecodeError::BomMismatch { .. }
        ));
    }

    #[test]
    fn ascii_cookie_rejects_high_bytes_and_utf8_rejects_garbage() {
        assert!(Source::decode(b"# coding: ascii\nx = '\xe9'\n").is_err());
        assert!(Source::decode(b"\xff\xfe\x00garbage").is_err());
    }

    #[test]
    fn columns_count_characters_and_cr_ends_lines() {
        let s = Source::decode("é = 1\rλ(x)\r\nz".as_bytes()).unwrap();
        let x = s.text.find('x').unwrap();
        let loc = s.location(x, x + 1);
        assert_eq!((loc.line, loc.column), (2, 3));
        let z = s.text.find('z').unwrap();
        assert_eq!(s.location(z, z + 1).line, 3);
    }
}
