//! Reads `/etc/ld.so.cache`, the table `ldconfig` writes so that the loader
//! (and `ldconfig -p`, which `ctypes.util.find_library` runs) can find a
//! library by soname without scanning directories.
//!
//! Only the format glibc has written since 2.32, `glibc-ld.so.cache1.1`, is
//! read. Older files put the same table after a legacy `ld.so-1.7.0` one;
//! the new table is found by its magic in either case, and its string
//! offsets count from its own header. Entries are kept whatever their
//! hardware-capability flags say, since distrolint only asks whether a
//! soname is listed.

use crate::base::CacheEntry;

const MAGIC: &[u8] = b"glibc-ld.so.cache1.1";
/// magic + version (20), nlibs, len_strings, flags + padding, extension
/// offset, three unused words.
const HEADER_LEN: usize = 48;
/// flags, key, value, osversion, hwcap (u64).
const ENTRY_LEN: usize = 24;

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum LdCacheError {
    #[error("no `glibc-ld.so.cache1.1` table (only the pre-2.32 format, or not a cache)")]
    UnknownFormat,
    #[error("the cache is cut short: {0}")]
    Truncated(&'static str),
}

/// The sonames the cache lists with the path each maps to, sorted and
/// without duplicates.
pub fn parse(bytes: &[u8]) -> Result<Vec<CacheEntry>, LdCacheError> {
    let start = bytes
        .windows(MAGIC.len())
        .position(|w| w == MAGIC)
        .ok_or(LdCacheError::UnknownFormat)?;
    let table = &bytes[start..];
    if table.len() < HEADER_LEN {
        return Err(LdCacheError::Truncated("header"));
    }
    // The low bits of byte 28 record the writer's byte order: 2 little, 3
    // big; 0 (unset, from older writers) is read as little-endian, which is
    // what every machine that shipped such files used.
    let big_endian = table[28] & 0b11 == 3;
    let word = |offset: usize| -> Option<u32> {
        let raw: [u8; 4] = table.get(offset..offset + 4)?.try_into().ok()?;
        Some(if big_endian {
            u32::from_be_bytes(raw)
        } else {
            u32::from_le_bytes(raw)
        })
    };
    let count = word(20).ok_or(LdCacheError::Truncated("header"))? as usize;
    let string_at = |offset: u32| -> Option<String> {
        let rest = table.get(offset as usize..)?;
        let end = rest.iter().position(|&b| b == 0)?;
        Some(String::from_utf8_lossy(&rest[..end]).into_owned())
    };
    let mut entries = Vec::with_capacity(count.min(65_536));
    for i in 0..count {
        let at = HEADER_LEN + i * ENTRY_LEN;
        let (Some(key), Some(value)) = (word(at + 4), word(at + 8)) else {
            return Err(LdCacheError::Truncated("entries"));
        };
        let (Some(soname), Some(path)) = (string_at(key), string_at(value)) else {
            return Err(LdCacheError::Truncated("strings"));
        };
        entries.push(CacheEntry { soname, path });
    }
    entries.sort_by(|a, b| (&a.soname, &a.path).cmp(&(&b.soname, &b.path)));
    entries.dedup();
    Ok(entries)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Writes a cache the way ldconfig lays it out: header, entries, then
    /// the strings, offsets counted from the header.
    fn cache(pairs: &[(&str, &str)]) -> Vec<u8> {
        let strings_start = HEADER_LEN + pairs.len() * ENTRY_LEN;
        let mut strings = Vec::new();
        let mut offsets = Vec::new();
        for (soname, path) in pairs {
            let key = strings_start + strings.len();
            strings.extend_from_slice(soname.as_bytes());
            strings.push(0);
            let value = strings_start + strings.len();
            strings.extend_from_slice(path.as_bytes());
            strings.push(0);
            offsets.push((key as u32, value as u32));
        }
        let mut out = Vec::new();
        out.extend_from_slice(MAGIC);
        out.extend_from_slice(&(pairs.len() as u32).to_le_bytes());
        out.extend_from_slice(&(strings.len() as u32).to_le_bytes());
        out.extend_from_slice(&[2, 0, 0, 0]);
        out.extend_from_slice(&[0; 16]);
        for (key, value) in offsets {
            out.extend_from_slice(&0x0303i32.to_le_bytes());
            out.extend_from_slice(&key.to_le_bytes());
            out.extend_from_slice(&value.to_le_bytes());
            out.extend_from_slice(&0u32.to_le_bytes());
            out.extend_from_slice(&0u64.to_le_bytes());
        }
        out.extend_from_slice(&strings);
        out
    }

    #[test]
    fn a_cache_lists_sonames_with_their_paths() {
        let bytes = cache(&[
            ("libz.so.1", "/lib/x86_64-linux-gnu/libz.so.1"),
            ("libc.so.6", "/lib/x86_64-linux-gnu/libc.so.6"),
        ]);
        let entries = parse(&bytes).unwrap();
        assert_eq!(entries.len(), 2);
        assert_eq!(entries[0].soname, "libc.so.6");
        assert_eq!(entries[1].path, "/lib/x86_64-linux-gnu/libz.so.1");
    }

    #[test]
    fn a_truncated_or_foreign_file_is_an_error_not_a_panic() {
        let bytes = cache(&[("libc.so.6", "/lib/libc.so.6")]);
        assert_eq!(parse(&bytes[..54]), Err(LdCacheError::Truncated("entries")));
        assert_eq!(
            parse(&bytes[..bytes.len() - 3]),
            Err(LdCacheError::Truncated("strings"))
        );
        assert_eq!(
            parse(b"ld.so-1.7.0\0\0\0\0\0"),
            Err(LdCacheError::UnknownFormat)
        );
    }
}
