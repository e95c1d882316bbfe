//! Reads the dynamic-linking facts of one ELF file with goblin.
//!
//! Only what the loader uses is kept: needed libraries, soname, RPATH and
//! RUNPATH (kept apart, because the loader treats them differently), the
//! program interpreter, class, byte order, machine, and the symbol versions
//! the file needs (verneed) and defines (verdef). Everything is copied out of
//! the mapped bytes so the file can be closed before resolution starts.

use goblin::elf::Elf;
use serde::{Deserialize, Serialize};

/// The four bytes every ELF file starts with.
pub const ELF_MAGIC: [u8; 4] = [0x7f, b'E', b'L', b'F'];

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ElfInfo {
    pub is_64: bool,
    pub little_endian: bool,
    /// `e_machine`, e.g. 62 for x86-64.
    pub machine: u16,
    /// ET_DYN or ET_EXEC etc.
    pub elf_type: u16,
    pub soname: Option<String>,
    pub needed: Vec<String>,
    pub rpath: Vec<String>,
    pub runpath: Vec<String>,
    pub interpreter: Option<String>,
    /// Whether the file has a dynamic section at all (static executables and
    /// object files do not, and need nothing at load time).
    pub dynamic: bool,
    /// Versions needed, per needed file (`libc.so.6` → `GLIBC_2.38`, ...),
    /// in the order the file lists them.
    pub version_needs: Vec<VersionNeed>,
    /// Versions this file defines (its own name entry excluded).
    pub version_defs: Vec<String>,
    /// Exported `PyInit_*` functions: the mark of a CPython extension module.
    pub python_init: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct VersionNeed {
    pub file: String,
    pub versions: Vec<String>,
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum ElfError {
    #[error("not an ELF file")]
    NotElf,
    #[error("malformed ELF file: {0}")]
    Malformed(String),
}

/// Whether `bytes` start like an ELF file.
pub fn has_elf_magic(bytes: &[u8]) -> bool {
    bytes.len() >= 4 && bytes[..4] == ELF_MAGIC
}

/// Splits a DT_RPATH/DT_RUNPATH value into its directories. The loader
/// separates them with `:`; empty entries mean the current directory, which
/// no loader in an image would find anything useful in, so they are kept as
/// `.` for the resolver to ignore explicitly.
fn split_search_path(values: &[&str]) -> Vec<String> {
    values
        .iter()
        .flat_map(|v| v.split(':'))
        .map(|d| {
            if d.is_empty() {
                ".".to_string()
            } else {
                d.to_string()
            }
        })
        .collect()
}

pub fn inspect(bytes: &[u8]) -> Result<ElfInfo, ElfError> {
    if !has_elf_magic(bytes) {
        return Err(ElfError::NotElf);
    }
    let elf = Elf::parse(bytes).map_err(|e| ElfError::Malformed(e.to_string()))?;
    check_dynamic_strings(&elf)?;

    let mut version_needs = Vec::new();
    if let Some(verneed) = &elf.verneed {
        for need in verneed.iter() {
            let file = elf.dynstrtab.get_at(need.vn_file).unwrap_or("").to_string();
            let versions = need
                .iter()
                .filter_map(|aux| elf.dynstrtab.get_at(aux.vna_name))
                .map(str::to_string)
                .collect();
            version_needs.push(VersionNeed { file, versions });
        }
    }
    let mut version_defs = Vec::new();
    if let Some(verdef) = &elf.verdef {
        for def in verdef.iter() {
            // VER_FLG_BASE marks the entry that names the file itself.
            if def.vd_flags & 0x1 != 0 {
                continue;
            }
            if let Some(name) = def
                .iter()
                .next()
                .and_then(|aux| elf.dynstrtab.get_at(aux.vda_name))
            {
                version_defs.push(name.to_string());
            }
        }
    }
    let python_init = elf
        .dynsyms
        .iter()
        .filter(|s| s.st_value != 0 && s.st_shndx != 0)
        .filter_map(|s| elf.dynstrtab.get_at(s.st_name))
        .filter(|n| n.starts_with("PyInit_"))
        .map(str::to_string)
        .collect();

    Ok(ElfInfo {
        is_64: elf.is_64,
        little_endian: elf.little_endian,
        machine: elf.header.e_machine,
        elf_type: elf.header.e_type,
        soname: elf.soname.map(str::to_string),
        needed: elf.libraries.iter().map(|s| s.to_string()).collect(),
        rpath: split_search_path(&elf.rpaths),
        runpath: split_search_path(&elf.runpaths),
        interpreter: elf.interpreter.map(str::to_string),
        dynamic: elf.dynamic.is_some(),
        version_needs,
        version_defs,
        python_init,
    })
}

/// Fails when a name the loader reads from the dynamic string table — a
/// needed library, the soname, a search path — does not end inside the
/// table (`DT_STRSZ`). goblin hands such a name back cut at the table's
/// end, but the loader reads on into whatever follows, so what it would
/// look for is unknown: the file is malformed, not a list of odd names.
fn check_dynamic_strings(elf: &Elf<'_>) -> Result<(), ElfError> {
    use goblin::elf::dynamic::{DT_NEEDED, DT_RPATH, DT_RUNPATH, DT_SONAME};
    let Some(dynamic) = &elf.dynamic else {
        return Ok(());
    };
    let table_len = elf.dynstrtab.len();
    for entry in &dynamic.dyns {
        let tag = match entry.d_tag {
            DT_NEEDED => "DT_NEEDED",
            DT_SONAME => "DT_SONAME",
            DT_RPATH => "DT_RPATH",
            DT_RUNPATH => "DT_RUNPATH",
            _ => continue,
        };
        let offset = usize::try_from(entry.d_val).unwrap_or(usize::MAX);
        let ends_inside = elf
            .dynstrtab
            .get_at(offset)
            .is_some_and(|name| offset + name.len() < table_len);
        if !ends_inside {
            return Err(ElfError::Malformed(format!(
                "the {tag} string at offset {offset} does not end inside the dynamic string table ({table_len} bytes)"
            )));
        }
    }
    Ok(())
}

/// The `uname -m` spelling of an ELF machine, for messages and manifests.
pub fn machine_name(machine: u16, is_64: bool) -> String {
    use goblin::elf::header::*;
    match (machine, is_64) {
        (EM_X86_64, true) => "x86_64".into(),
        (EM_X86_64, false) => "x32".into(),
        (EM_386, _) => "i686".into(),
        (EM_AARCH64, _) => "aarch64".into(),
        (EM_ARM, _) => "armv7l".into(),
        (EM_PPC64, _) => "ppc64le".into(),
        (EM_S390, _) => "s390x".into(),
        (EM_RISCV, true) => "riscv64".into(),
        (other, _) => format!("machine {other}"),
    }
}
