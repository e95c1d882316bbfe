//! Shared by the hostile-input suites (`tests/hostile_*.rs`): running the
//! real binary on a tree the way CI does (`check --format json`), reading
//! its findings per file, and building the ELF files the trees hold with
//! `cc` and byte patches, so that nothing binary is committed.
//!
//! The binary, not the library, is what these suites run: a stack overflow
//! or an abort kills a process, and only a process shows it.

#![allow(dead_code)]

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::Value;

/// What one run of `distrolint check` gave.
pub struct Run {
    /// The exit code; a run killed by a signal fails the harness instead.
    pub code: i32,
    pub stdout: Vec<u8>,
    pub stderr: String,
    /// Findings keyed by path relative to the scanned root.
    pub by_file: BTreeMap<String, Vec<Value>>,
}

impl Run {
    /// The codes reported on `relative`, in report order.
    pub fn codes(&self, relative: &str) -> Vec<String> {
        self.by_file
            .get(relative)
            .map(|findings| {
                findings
                    .iter()
                    .map(|f| f["code"].as_str().unwrap_or_default().to_string())
                    .collect()
            })
            .unwrap_or_default()
    }

    /// The one finding on `relative`, failing with everything reported when
    /// there is not exactly one.
    pub fn only(&self, relative: &str) -> &Value {
        match self.by_file.get(relative).map(Vec::as_slice) {
            Some([one]) => one,
            other => panic!(
                "expected exactly one finding on {relative}, got {other:#?}\nall: {:#?}",
                self.by_file
            ),
        }
    }
}

/// The command for `distrolint check --format json --base BASE ROOT`, so a
/// test can add arguments or change how it runs.
pub fn command(root: &Path, base: &str) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_distrolint"));
    command
        .args(["check", "--format", "json", "--isolated", "--base", base])
        .arg(root)
        .env("NO_COLOR", "1");
    command
}

/// Runs `distrolint check --format json` on `root` against `base`.
pub fn check(root: &Path, base: &str) -> Run {
    let output = command(root, base).output().expect("run distrolint");
    read_run(root, output)
}

/// Reads a finished run; fails on a signal, a panic message or output
/// that is not the JSON document.
pub fn read_run(root: &Path, output: Output) -> Run {
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    let Some(code) = output.status.code() else {
        panic!(
            "distrolint was killed by a signal ({:?}); stderr:\n{stderr}",
            output.status
        );
    };
    assert!(
        code == 0 || code == 1,
        "exit status {code} (documented: 0 clean, 1 findings); stderr:\n{stderr}"
    );
    assert!(!stderr.contains("panicked"), "{stderr}");
    let doc: Value = serde_json::from_slice(&output.stdout).unwrap_or_else(|e| {
        panic!(
            "{e}: {}\nstderr:\n{stderr}",
            String::from_utf8_lossy(&output.stdout)
        )
    });
    let mut by_file: BTreeMap<String, Vec<Value>> = BTreeMap::new();
    for finding in doc["findings"].as_array().expect("a findings array") {
        let path = PathBuf::from(finding["path"].as_str().expect("a path"));
        let relative = path
            .strip_prefix(root)
            .map(Path::to_path_buf)
            .unwrap_or(path);
        by_file
            .entry(relative.to_string_lossy().into_owned())
            .or_default()
            .push(finding.clone());
    }
    Run {
        code,
        stdout: output.stdout,
        stderr,
        by_file,
    }
}

/// Compiles `source` with `cc` into `out` with extra arguments; panics with
/// the compiler's output when it fails.
pub fn cc(dir: &Path, name: &str, source: &str, args: &[&str]) -> Vec<u8> {
    let source_path = dir.join(format!("{name}.c"));
    std::fs::write(&source_path, source).unwrap();
    let out = dir.join(name);
    let output = Command::new("cc")
        .current_dir(dir)
        .args(args)
        .arg("-o")
        .arg(&out)
        .arg(&source_path)
        .output()
        .expect("cc runs");
    assert!(
        output.status.success(),
        "cc {args:?} failed:\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    std::fs::read(out).unwrap()
}

/// A CPython extension module built for the host (x86-64, glibc), whose
/// only needs are the C library.
pub fn extension(dir: &Path, module: &str) -> Vec<u8> {
    cc(
        dir,
        &format!("{module}.so"),
        &format!("void *PyInit_{module}(void) {{ return 0; }}\n"),
        &["-shared", "-fPIC", "-Wl,--hash-style=gnu"],
    )
}

/// The 64-bit little-endian ELF header fields the patches below touch.
pub mod elf64 {
    pub const E_MACHINE: usize = 0x12;
    pub const E_PHOFF: usize = 0x20;
    pub const E_SHOFF: usize = 0x28;
    pub const E_PHNUM: usize = 0x38;
    pub const E_SHNUM: usize = 0x3c;
    pub const PHDR_SIZE: usize = 56;
    pub const PT_DYNAMIC: u32 = 2;

    pub fn u16_at(bytes: &[u8], at: usize) -> u16 {
        u16::from_le_bytes(bytes[at..at + 2].try_into().unwrap())
    }

    pub fn u64_at(bytes: &[u8], at: usize) -> u64 {
        u64::from_le_bytes(bytes[at..at + 8].try_into().unwrap())
    }

    pub fn put_u64(bytes: &mut [u8], at: usize, value: u64) {
        bytes[at..at + 8].copy_from_slice(&value.to_le_bytes());
    }

    /// The file offset of the `PT_DYNAMIC` program header.
    pub fn dynamic_phdr(bytes: &[u8]) -> usize {
        let phoff = u64_at(bytes, E_PHOFF) as usize;
        let phnum = u16_at(bytes, E_PHNUM) as usize;
        (0..phnum)
            .map(|i| phoff + i * PHDR_SIZE)
            .find(|&at| u32::from_le_bytes(bytes[at..at + 4].try_into().unwrap()) == PT_DYNAMIC)
            .expect("a PT_DYNAMIC program header")
    }
}

/// A deterministic stream of pseudo-random bytes (xorshift), so the
/// "random" inputs are the same on every run and a failure reproduces.
pub fn pseudo_random_bytes(seed: u64, len: usize) -> Vec<u8> {
    let mut state = seed | 1;
    (0..len)
        .map(|_| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            (state >> 24) as u8
        })
        .collect()
}

/// A shared object written byte by byte: one `PT_LOAD` covering the file,
/// a `PT_DYNAMIC`, the dynamic string table and the dynamic section, and no
/// section headers (the loader does not read them). Any class, byte order
/// and machine, so no cross compiler is needed.
#[derive(Debug, Clone)]
pub struct HandElf {
    pub is_64: bool,
    pub little_endian: bool,
    /// `e_machine`: 62 x86-64, 3 i386, 183 aarch64, 22 s390, 21 ppc64.
    pub machine: u16,
    pub soname: Option<String>,
    pub needed: Vec<String>,
    pub runpath: Option<String>,
}

impl Default for HandElf {
    fn default() -> Self {
        HandElf {
            is_64: true,
            little_endian: true,
            machine: 62,
            soname: None,
            needed: vec!["libc.so.6".into()],
            runpath: None,
        }
    }
}

const DT_NULL: u64 = 0;
const DT_NEEDED: u64 = 1;
const DT_STRTAB: u64 = 5;
const DT_STRSZ: u64 = 10;
const DT_SONAME: u64 = 14;
const DT_RUNPATH: u64 = 29;

impl HandElf {
    pub fn bytes(&self) -> Vec<u8> {
        // The string table, with each distinct name stored once.
        let mut strtab = vec![0u8];
        let mut offsets: BTreeMap<String, u64> = BTreeMap::new();
        let mut intern = |s: &str, strtab: &mut Vec<u8>| -> u64 {
            *offsets.entry(s.to_string()).or_insert_with(|| {
                let at = strtab.len() as u64;
                strtab.extend_from_slice(s.as_bytes());
                strtab.push(0);
                at
            })
        };
        let mut dynamic: Vec<(u64, u64)> = Vec::new();
        for name in &self.needed {
            dynamic.push((DT_NEEDED, intern(name, &mut strtab)));
        }
        if let Some(soname) = &self.soname {
            dynamic.push((DT_SONAME, intern(soname, &mut strtab)));
        }
        if let Some(runpath) = &self.runpath {
            dynamic.push((DT_RUNPATH, intern(runpath, &mut strtab)));
        }

        let word = if self.is_64 { 8 } else { 4 };
        let ehsize = if self.is_64 { 64 } else { 52 };
        let phentsize = if self.is_64 { 56 } else { 32 };
        let strtab_at = ehsize + 2 * phentsize;
        let dynamic_at = (strtab_at + strtab.len()).next_multiple_of(word);
        // The table's place is known now; the last two entries say it.
        dynamic.push((DT_STRTAB, strtab_at as u64));
        dynamic.push((DT_STRSZ, strtab.len() as u64));
        dynamic.push((DT_NULL, 0));
        let dynamic_size = dynamic.len() * 2 * word;
        let total = dynamic_at + dynamic_size;

        let mut out = Writer {
            bytes: Vec::with_capacity(total),
            little: self.little_endian,
        };
        out.bytes.extend_from_slice(&[0x7f, b'E', b'L', b'F']);
        out.bytes.push(if self.is_64 { 2 } else { 1 });
        out.bytes.push(if self.little_endian { 1 } else { 2 });
        out.bytes.push(1); // EI_VERSION
        out.bytes.resize(16, 0);
        out.u16(3); // ET_DYN
        out.u16(self.machine);
        out.u32(1);
        out.word(self.is_64, 0); // e_entry
        out.word(self.is_64, ehsize as u64); // e_phoff
        out.word(self.is_64, 0); // e_shoff
        out.u32(0); // e_flags
        out.u16(ehsize as u16);
        out.u16(phentsize as u16);
        out.u16(2); // e_phnum
        out.u16(if self.is_64 { 64 } else { 40 });
        out.u16(0); // e_shnum
        out.u16(0); // e_shstrndx
        assert_eq!(out.bytes.len(), ehsize);
        out.phdr(self.is_64, 1, 0, total as u64, 5); // PT_LOAD, r-x
        out.phdr(self.is_64, 2, dynamic_at as u64, dynamic_size as u64, 6);
        out.bytes.extend_from_slice(&strtab);
        out.bytes.resize(dynamic_at, 0);
        for (tag, value) in dynamic {
            out.word(self.is_64, tag);
            out.word(self.is_64, value);
        }
        assert_eq!(out.bytes.len(), total);
        out.bytes
    }
}

struct Writer {
    bytes: Vec<u8>,
    little: bool,
}

impl Writer {
    fn u16(&mut self, v: u16) {
        let b = if self.little {
            v.to_le_bytes()
        } else {
            v.to_be_bytes()
        };
        self.bytes.extend_from_slice(&b);
    }

    fn u32(&mut self, v: u32) {
        let b = if self.little {
            v.to_le_bytes()
        } else {
            v.to_be_bytes()
        };
        self.bytes.extend_from_slice(&b);
    }

    fn u64(&mut self, v: u64) {
        let b = if self.little {
            v.to_le_bytes()
        } else {
            v.to_be_bytes()
        };
        self.bytes.extend_from_slice(&b);
    }

    fn word(&mut self, is_64: bool, v: u64) {
        if is_64 {
            self.u64(v);
        } else {
            self.u32(v as u32);
        }
    }

    /// A program header whose file range is also its address range.
    fn phdr(&mut self, is_64: bool, kind: u32, offset: u64, size: u64, flags: u32) {
        self.u32(kind);
        if is_64 {
            self.u32(flags);
            for v in [offset, offset, offset, size, size, 0x1000] {
                self.u64(v);
            }
        } else {
            for v in [offset, offset, offset, size, size] {
                self.u32(v as u32);
            }
            self.u32(flags);
            self.u32(0x1000);
        }
    }
}
