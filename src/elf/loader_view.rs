//! The bytes of an ELF file that dynamic linking reads, and nothing else.
//!
//! A shared object may be 25 MB of code and data around a few kilobytes of
//! headers, dynamic section, string, symbol, hash and version tables. This
//! module reads those pieces with positioned reads (`pread`) into an
//! anonymous zero-filled mapping as long as the file, each at its own
//! offset, so that goblin can parse the result as if it were the whole
//! file: untouched pages cost no memory and read as zeros, which goblin
//! takes for empty relocation tables.
//!
//! One piece is changed on the way: the static symbol table (`.symtab`,
//! which only debuggers and linkers read) is marked as an unused section in
//! the view. goblin would otherwise parse it and its string table, which
//! were not read: megabytes of zeros, each byte an empty name.
//!
//! Why not map the file itself: a mapped file that another process
//! truncates while it is parsed raises SIGBUS on the next access past the
//! new end, and that kills the whole scan. A positioned read of a truncated
//! file is merely short; what was not read stays zero and reads as a
//! malformed file, which is one diagnostic for that file.

use std::fs::File;
use std::io;
use std::os::unix::fs::FileExt;

use goblin::container::{Container, Ctx, Endian};
use goblin::elf::header;
use goblin::elf::program_header::{ProgramHeader, PT_DYNAMIC, PT_INTERP, PT_NOTE};
use goblin::elf::section_header::{
    SectionHeader, SHF_ALLOC, SHT_FINI_ARRAY, SHT_INIT_ARRAY, SHT_NOBITS, SHT_NULL,
    SHT_PREINIT_ARRAY, SHT_PROGBITS, SHT_SYMTAB,
};

/// The loader's view of one file: as long as the file, zero where nothing
/// was read.
pub struct LoaderView {
    bytes: Bytes,
}

enum Bytes {
    Anonymous(memmap2::Mmap),
    Small(Vec<u8>),
}

impl std::ops::Deref for LoaderView {
    type Target = [u8];
    fn deref(&self) -> &[u8] {
        match &self.bytes {
            Bytes::Anonymous(map) => map,
            Bytes::Small(bytes) => bytes,
        }
    }
}

/// Files this small are read whole: a mapping would cost more than it saves.
const READ_WHOLE_BELOW: u64 = 64 * 1024;

/// Reads the loader's view of `file`, whose length was `len` when it was
/// looked at. A file that shrinks meanwhile yields a view with zeros where
/// its end used to be; one that grows is read up to `len`.
pub fn read(file: &File, len: u64) -> io::Result<LoaderView> {
    let Ok(size) = usize::try_from(len) else {
        return Err(io::Error::new(
            io::ErrorKind::InvalidData,
            "the file is larger than this machine's address space",
        ));
    };
    if len < READ_WHOLE_BELOW {
        let mut bytes = vec![0u8; size];
        read_region(file, &mut bytes, 0, len);
        return Ok(LoaderView {
            bytes: Bytes::Small(bytes),
        });
    }
    let mut map = memmap2::MmapMut::map_anon(size)?;
    let regions = match regions(file, &mut map) {
        Some(regions) => regions,
        // No section headers to go by (a stripped-to-the-bone object) or
        // headers that make no sense: the whole file, still by pread.
        None => vec![(0, len)],
    };
    for (offset, length) in regions {
        read_region(file, &mut map, offset, length);
    }
    Ok(LoaderView {
        bytes: Bytes::Anonymous(map.make_read_only()?),
    })
}

/// Reads the ELF header, program headers and section headers into `view`,
/// and returns the other file ranges goblin reads for dynamic linking.
/// `None` when the file must be read whole.
fn regions(file: &File, view: &mut [u8]) -> Option<Vec<(u64, u64)>> {
    let len = view.len() as u64;
    read_region(file, view, 0, header::header64::SIZEOF_EHDR as u64);
    let header = goblin::elf::Elf::parse_header(view).ok()?;
    let container = if header.e_ident[header::EI_CLASS] == header::ELFCLASS64 {
        Container::Big
    } else {
        Container::Little
    };
    let endian = Endian::from(header.e_ident[header::EI_DATA] != header::ELFDATA2MSB);
    let ctx = Ctx::new(container, endian);

    let mut regions = Vec::new();
    let phdrs_len = u64::from(header.e_phnum) * u64::from(header.e_phentsize);
    read_region(file, view, header.e_phoff, phdrs_len);
    let program_headers =
        ProgramHeader::parse(view, header.e_phoff as usize, header.e_phnum as usize, ctx).ok()?;
    for phdr in &program_headers {
        if matches!(phdr.p_type, PT_DYNAMIC | PT_INTERP | PT_NOTE) {
            regions.push((phdr.p_offset, phdr.p_filesz));
        }
    }

    if header.e_shoff == 0 || header.e_shoff >= len {
        return None;
    }
    // With more than 0xff00 sections, e_shnum is 0 and the count is in the
    // first section header's sh_size; goblin reads that entry itself.
    let first = u64::from(header.e_shentsize);
    read_region(file, view, header.e_shoff, first);
    let count = if header.e_shnum == 0 {
        SectionHeader::parse(view, header.e_shoff as usize, 1, ctx)
            .ok()?
            .first()
            .map_or(0, |s| s.sh_size)
    } else {
        u64::from(header.e_shnum)
    };
    let shdrs_len = count.checked_mul(first)?;
    if header.e_shoff.checked_add(shdrs_len)? > len {
        return None;
    }
    read_region(file, view, header.e_shoff, shdrs_len);
    let sections = SectionHeader::parse(view, header.e_shoff as usize, count as usize, ctx).ok()?;
    if sections.is_empty() {
        return None;
    }
    for (index, section) in sections.iter().enumerate() {
        if section.sh_type == SHT_SYMTAB {
            hide_section(view, header.e_shoff, first, index, endian);
            continue;
        }
        let code_or_data = matches!(
            section.sh_type,
            SHT_PROGBITS | SHT_NOBITS | SHT_INIT_ARRAY | SHT_FINI_ARRAY | SHT_PREINIT_ARRAY
        );
        let allocated = section.sh_flags & u64::from(SHF_ALLOC) != 0;
        // The section-name table is not allocated but names the sections.
        let names = index == usize::from(header.e_shstrndx);
        if (allocated && !code_or_data) || names {
            regions.push((section.sh_offset, section.sh_size));
        }
    }
    Some(regions)
}

/// Marks section `index` as unused (`SHT_NULL`) in the view's copy of the
/// section headers. `sh_type` is the second 32-bit word of an entry in
/// both ELF classes.
fn hide_section(view: &mut [u8], shoff: u64, entry_size: u64, index: usize, endian: Endian) {
    let at = shoff + entry_size * index as u64 + 4;
    let Ok(at) = usize::try_from(at) else {
        return;
    };
    if let Some(word) = view.get_mut(at..at + 4) {
        let null = if endian.is_little() {
            SHT_NULL.to_le_bytes()
        } else {
            SHT_NULL.to_be_bytes()
        };
        word.copy_from_slice(&null);
    }
}

/// Reads `length` bytes at `offset` into the same range of `view`, as far
/// as both the view and the file reach; the rest stays as it was.
fn read_region(file: &File, view: &mut [u8], offset: u64, length: u64) {
    let Ok(start) = usize::try_from(offset) else {
        return;
    };
    if start >= view.len() {
        return;
    }
    let end = usize::try_from(offset.saturating_add(length))
        .unwrap_or(usize::MAX)
        .min(view.len());
    let mut buf = &mut view[start..end];
    let mut position = offset;
    while !buf.is_empty() {
        match file.read_at(buf, position) {
            Ok(0) => break,
            Ok(n) => {
                buf = &mut buf[n..];
                position += n as u64;
            }
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(_) => break,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::elf::inspect::inspect;

    /// The view of every ELF file on this machine's library path says what
    /// the whole file says about dynamic linking.
    #[test]
    fn the_view_inspects_like_the_whole_file() {
        let mut checked = 0;
        for dir in [
            "/usr/lib/x86_64-linux-gnu",
            "/lib/x86_64-linux-gnu",
            "/usr/lib",
        ] {
            let Ok(entries) = std::fs::read_dir(dir) else {
                continue;
            };
            for entry in entries.filter_map(Result::ok).take(400) {
                let path = entry.path();
                let Ok(meta) = std::fs::metadata(&path) else {
                    continue;
                };
                if !meta.is_file() || !path.to_string_lossy().contains(".so") {
                    continue;
                }
                let Ok(whole) = std::fs::read(&path) else {
                    continue;
                };
                let Ok(expected) = inspect(&whole) else {
                    continue;
                };
                let file = File::open(&path).unwrap();
                let view = read(&file, meta.len()).unwrap();
                assert_eq!(inspect(&view).as_ref(), Ok(&expected), "{}", path.display());
                checked += 1;
            }
        }
        assert!(checked > 20, "only {checked} libraries found to compare");
    }

    /// A file cut short after it was measured: the view has zeros where
    /// the end was, and inspecting it is an error or a result, never a
    /// crash.
    #[test]
    fn a_file_shorter_than_measured_reads_as_zeros() {
        let source = [
            "/usr/lib/x86_64-linux-gnu/libz.so.1",
            "/lib/x86_64-linux-gnu/libz.so.1",
        ]
        .into_iter()
        .find_map(|p| std::fs::read(p).ok())
        .expect("libz on this machine");
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("libz.so.1");
        std::fs::write(&path, &source).unwrap();
        let file = File::open(&path).unwrap();
        for cut in [source.len() / 2, 4096, 100, 10] {
            let handle = std::fs::OpenOptions::new().write(true).open(&path).unwrap();
            handle.set_len(cut as u64).unwrap();
            let view = read(&file, source.len() as u64).unwrap();
            assert_eq!(view.len(), source.len());
            assert!(view[cut..].iter().all(|&b| b == 0));
            let _ = inspect(&view);
        }
    }
}
