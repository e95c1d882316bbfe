//! Vendored binaries of any origin, beyond what `hostile_input.rs` covers
//! (truncation, garbage, an absurd program-header table): offsets past the
//! end of the file, strings without their NUL, a dynamic section of 100 000
//! needs, vendored libraries that need each other through `$ORIGIN`, and
//! objects of another class, byte order or machine. Each file gives exactly
//! the one finding its situation calls for, the well-formed extension
//! beside it is still checked, and the exit status stays 0 or 1.
//!
//! Every file is made in the test, by `cc` and byte patches or written by
//! hand (`HandElf`); nothing binary is committed.

use crate::support::hostile as support;

use std::path::Path;

use support::{elf64, HandElf};

const BASE: &str = "python3-debian12";
/// An extension the base's Python (3.11) imports: no finding of its own.
const GOOD: &str = "good/_good.cpython-311-x86_64-linux-gnu.so";

fn write(root: &Path, relative: &str, bytes: &[u8]) {
    let path = root.join(relative);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, bytes).unwrap();
}

/// The good extension beside the hostile files, whose only finding must
/// be the one planted in it: it needs a library nobody has.
fn plant_good(root: &Path, scratch: &Path) {
    let good = support::cc(
        scratch,
        "good.so",
        "void *PyInit__good(void) { return 0; }\n",
        &[
            "-shared",
            "-fPIC",
            "-Wl,--no-as-needed",
            "-Wl,-soname,_good.so",
        ],
    );
    write(root, GOOD, &good);
    let needs_missing = HandElf {
        needed: vec!["libnowhere.so.9".into(), "libc.so.6".into()],
        ..Default::default()
    };
    write(
        root,
        "good/_missing.cpython-311-x86_64-linux-gnu.so",
        &needs_missing.bytes(),
    );
}

fn assert_good_still_checked(run: &support::Run) {
    assert!(run.codes(GOOD).is_empty(), "{:#?}", run.by_file.get(GOOD));
    assert_eq!(
        run.codes("good/_missing.cpython-311-x86_64-linux-gnu.so"),
        ["DL101"],
        "the scan went on past the hostile files: {:#?}",
        run.by_file
    );
    assert_eq!(run.code, 1, "DL101 is an error");
}

/// Section headers are not the loader's business: a table past the end of
/// the file changes nothing for it, and changes nothing for distrolint.
/// Program headers are the loader's: a segment past the end is refused.
#[test]
fn offsets_past_the_end_of_the_file() {
    let scratch = tempfile::tempdir().unwrap();
    let tree = tempfile::tempdir().unwrap();
    let t = tree.path();
    plant_good(t, scratch.path());
    let base = support::extension(scratch.path(), "m");
    let len = base.len() as u64;

    let mut sections = base.clone();
    elf64::put_u64(&mut sections, elf64::E_SHOFF, len + 4096);
    write(
        t,
        "sections_past_end.cpython-311-x86_64-linux-gnu.so",
        &sections,
    );

    let mut sections_overflow = base.clone();
    elf64::put_u64(&mut sections_overflow, elf64::E_SHOFF, u64::MAX - 8);
    write(
        t,
        "sections_overflow.cpython-311-x86_64-linux-gnu.so",
        &sections_overflow,
    );

    let dynamic = elf64::dynamic_phdr(&base);
    let mut dynamic_past_end = base.clone();
    elf64::put_u64(&mut dynamic_past_end, dynamic + 8, len + 4096); // p_offset
    write(
        t,
        "dynamic_past_end.cpython-311-x86_64-linux-gnu.so",
        &dynamic_past_end,
    );

    let mut dynamic_too_long = base.clone();
    elf64::put_u64(&mut dynamic_too_long, dynamic + 32, u64::MAX / 2); // p_filesz
    write(
        t,
        "dynamic_too_long.cpython-311-x86_64-linux-gnu.so",
        &dynamic_too_long,
    );

    let mut headers_past_end = base.clone();
    elf64::put_u64(&mut headers_past_end, elf64::E_PHOFF, len - 8);
    write(
        t,
        "headers_past_end.cpython-311-x86_64-linux-gnu.so",
        &headers_past_end,
    );

    let run = support::check(t, BASE);
    assert_good_still_checked(&run);
    for name in ["sections_past_end", "sections_overflow"] {
        let file = format!("{name}.cpython-311-x86_64-linux-gnu.so");
        let codes = run.codes(&file);
        assert!(
            codes.is_empty() || codes == ["DL902"],
            "{file}: at most the one diagnostic: {:#?}",
            run.by_file.get(&file)
        );
    }
    for name in ["dynamic_past_end", "dynamic_too_long", "headers_past_end"] {
        let file = format!("{name}.cpython-311-x86_64-linux-gnu.so");
        assert_eq!(run.only(&file)["code"], "DL902", "{file}");
    }
}

/// Needed names that do not end inside the dynamic string table: every
/// NUL overwritten, the table's size cut in the middle of a name, the table
/// running into the end of the file. The loader would read on into
/// whatever follows, so the name it looks for is unknown: one DL902 each,
/// not a DL101 for a name glued together from the bytes after it.
#[test]
fn needed_strings_without_their_nul() {
    let scratch = tempfile::tempdir().unwrap();
    let tree = tempfile::tempdir().unwrap();
    let t = tree.path();
    plant_good(t, scratch.path());

    let hand = HandElf {
        needed: vec!["libfoo.so.1".into(), "libc.so.6".into()],
        ..Default::default()
    }
    .bytes();
    // The table starts after the header and two program headers.
    let strtab = 64 + 2 * 56;
    let strtab_len = 1 + "libfoo.so.1\0libc.so.6\0".len();
    let mut unterminated = hand.clone();
    for byte in &mut unterminated[strtab + 1..strtab + strtab_len] {
        if *byte == 0 {
            *byte = b'A';
        }
    }
    write(
        t,
        "unterminated.cpython-311-x86_64-linux-gnu.so",
        &unterminated,
    );

    // The same with the string table cut in the middle of the first name.
    let mut cut = hand.clone();
    let strsz_entry = hand.len() - 2 * 16; // the entry before DT_NULL
    elf64::put_u64(&mut cut, strsz_entry + 8, 5);
    write(t, "strsz_cut.cpython-311-x86_64-linux-gnu.so", &cut);

    // And one whose table runs to the very end of the file.
    let compiled = support::extension(scratch.path(), "n");
    let shoff = elf64::u64_at(&compiled, elf64::E_SHOFF) as usize;
    let dynstr = section_named(&compiled, shoff, ".dynstr");
    let mut to_end = compiled[..dynstr.0 + dynstr.1].to_vec();
    for byte in &mut to_end[dynstr.0 + 1..] {
        if *byte == 0 {
            *byte = b'B';
        }
    }
    write(t, "to_end.cpython-311-x86_64-linux-gnu.so", &to_end);

    let run = support::check(t, BASE);
    assert_good_still_checked(&run);
    for name in ["unterminated", "strsz_cut", "to_end"] {
        let file = format!("{name}.cpython-311-x86_64-linux-gnu.so");
        let finding = run.only(&file);
        assert_eq!(finding["code"], "DL902", "{file}");
        assert!(
            finding["message"]
                .as_str()
                .is_some_and(|m| m.contains("cannot be read")),
            "{file}: {finding:#?}"
        );
    }
}

/// The file offset and size of the section named `name`.
fn section_named(bytes: &[u8], shoff: usize, name: &str) -> (usize, usize) {
    let shnum = elf64::u16_at(bytes, elf64::E_SHNUM) as usize;
    let shstrndx = elf64::u16_at(bytes, 0x3e) as usize;
    let header = |i: usize| shoff + i * 64;
    let names_at = elf64::u64_at(bytes, header(shstrndx) + 0x18) as usize;
    (0..shnum)
        .find_map(|i| {
            let h = header(i);
            let name_at =
                names_at + u32::from_le_bytes(bytes[h..h + 4].try_into().unwrap()) as usize;
            let end = name_at + bytes[name_at..].iter().position(|&b| b == 0)?;
            (&bytes[name_at..end] == name.as_bytes()).then(|| {
                (
                    elf64::u64_at(bytes, h + 0x18) as usize,
                    elf64::u64_at(bytes, h + 0x20) as usize,
                )
            })
        })
        .unwrap_or_else(|| panic!("no section {name}"))
}

/// 100 000 DT_NEEDED entries. The C library 99 999 times and then one
/// library the base lacks: the loader loads each name once, and the one
/// missing name is the one finding. 100 000 distinct names on an aarch64
/// extension: the simulation still follows them all (to know what the file
/// would load), and the one finding is the architecture. 5 000 distinct
/// missing names on a library: each is reported, and the run stays fast
/// enough to be a test (the resolver indexes its loads; a linear search
/// per need made this quadratic).
#[test]
fn a_hundred_thousand_needed_entries() {
    let tree = tempfile::tempdir().unwrap();
    let t = tree.path();
    let mut needed = vec!["libc.so.6".to_string(); 99_999];
    needed.push("libnowhere.so.1".into());
    let hand = HandElf {
        needed,
        ..Default::default()
    };
    write(t, "many.cpython-311-x86_64-linux-gnu.so", &hand.bytes());
    let distinct =
        |count: usize| -> Vec<String> { (0..count).map(|i| format!("libn{i}.so.1")).collect() };
    let foreign = HandElf {
        machine: 183,
        needed: distinct(100_000),
        ..Default::default()
    };
    write(
        t,
        "arm/_many.cpython-311-x86_64-linux-gnu.so",
        &foreign.bytes(),
    );
    let library = HandElf {
        soname: Some("libdistinct.so.1".into()),
        needed: distinct(5_000),
        ..Default::default()
    };
    write(t, "libs/libdistinct.so.1", &library.bytes());

    let run = support::check(t, BASE);
    let finding = run.only("many.cpython-311-x86_64-linux-gnu.so");
    assert_eq!(finding["code"], "DL101");
    assert_eq!(finding["library"], "libnowhere.so.1");
    assert_eq!(
        run.only("arm/_many.cpython-311-x86_64-linux-gnu.so")["code"],
        "DL104"
    );
    // 500 listed, the other 4,500 in one summary finding that says so
    // (report::bound); every one of them counts.
    let missing = &run.by_file["libs/libdistinct.so.1"];
    assert_eq!(missing.len(), 501);
    assert!(missing.iter().all(|f| f["code"] == "DL101"));
    let listed_or_hidden: u64 = missing
        .iter()
        .map(|f| f["hidden"].as_u64().unwrap_or(1))
        .sum();
    assert_eq!(listed_or_hidden, 5_000);
    assert_eq!(run.code, 1);
}

/// Vendored libraries that need each other (A needs B, B needs A, both
/// with RUNPATH `$ORIGIN`), a library that needs itself, and a three-link
/// ring through a symlinked directory: the simulation ends, and since the
/// loader finds every member, nothing is missing.
#[test]
fn runpath_cycles_between_vendored_libraries() {
    let tree = tempfile::tempdir().unwrap();
    let t = tree.path();
    let lib = |soname: &str, needed: &[&str], runpath: &str| {
        HandElf {
            soname: Some(soname.into()),
            needed: needed.iter().map(|s| s.to_string()).collect(),
            runpath: Some(runpath.into()),
            ..Default::default()
        }
        .bytes()
    };
    let extension = HandElf {
        needed: vec!["liba.so.1".into(), "libc.so.6".into()],
        runpath: Some("$ORIGIN/../pkg.libs".into()),
        ..Default::default()
    };
    write(
        t,
        "pkg/_cyc.cpython-311-x86_64-linux-gnu.so",
        &extension.bytes(),
    );
    write(
        t,
        "pkg.libs/liba.so.1",
        &lib("liba.so.1", &["libb.so.1", "libc.so.6"], "$ORIGIN"),
    );
    write(
        t,
        "pkg.libs/libb.so.1",
        &lib("libb.so.1", &["liba.so.1", "libc.so.6"], "$ORIGIN"),
    );
    write(
        t,
        "pkg.libs/libself.so.1",
        &lib(
            "libself.so.1",
            &["libself.so.1", "libc.so.6"],
            "$ORIGIN:$ORIGIN/.",
        ),
    );
    // A ring through a link back to the same directory.
    std::fs::create_dir_all(t.join("ring")).unwrap();
    std::os::unix::fs::symlink(".", t.join("ring/again")).unwrap();
    for (name, next) in [("x", "y"), ("y", "z"), ("z", "x")] {
        write(
            t,
            &format!("ring/lib{name}.so.1"),
            &lib(
                &format!("lib{name}.so.1"),
                &[&format!("lib{next}.so.1"), "libc.so.6"],
                "$ORIGIN/again:$ORIGIN/again/again",
            ),
        );
    }

    let run = support::check(t, BASE);
    assert!(
        run.by_file.is_empty(),
        "every member of every cycle is found: {:#?}",
        run.by_file
    );
    assert_eq!(run.code, 0);
}

/// A 32-bit, a big-endian and an aarch64 extension on an x86-64 base: one
/// wrong-architecture finding each. Written by hand, and also patched from
/// a `cc`-built object (so the rest of the file is real).
#[test]
fn objects_of_another_class_byte_order_or_machine() {
    let scratch = tempfile::tempdir().unwrap();
    let tree = tempfile::tempdir().unwrap();
    let t = tree.path();
    plant_good(t, scratch.path());
    let cases = [
        ("i386", false, true, 3u16),
        ("s390x", true, false, 22),
        ("ppc32be", false, false, 20),
        ("aarch64", true, true, 183),
        ("riscv64", true, true, 243),
    ];
    for (name, is_64, little_endian, machine) in cases {
        let hand = HandElf {
            is_64,
            little_endian,
            machine,
            ..Default::default()
        };
        write(
            t,
            &format!("hand/_{name}.cpython-311-x86_64-linux-gnu.so"),
            &hand.bytes(),
        );
    }
    let real = support::extension(scratch.path(), "r");
    let mut aarch64 = real.clone();
    aarch64[elf64::E_MACHINE..elf64::E_MACHINE + 2].copy_from_slice(&183u16.to_le_bytes());
    write(
        t,
        "patched/_aarch64.cpython-311-x86_64-linux-gnu.so",
        &aarch64,
    );
    // EI_CLASS says 32-bit, EI_DATA big-endian: the rest of the header now
    // reads as nonsense, which must still be one finding.
    let mut class32 = real.clone();
    class32[4] = 1;
    write(
        t,
        "patched/_class32.cpython-311-x86_64-linux-gnu.so",
        &class32,
    );
    let mut big = real.clone();
    big[5] = 2;
    write(t, "patched/_big.cpython-311-x86_64-linux-gnu.so", &big);

    let run = support::check(t, BASE);
    assert_good_still_checked(&run);
    for (name, ..) in cases {
        let file = format!("hand/_{name}.cpython-311-x86_64-linux-gnu.so");
        assert_eq!(run.only(&file)["code"], "DL104", "{file}");
    }
    assert_eq!(
        run.only("patched/_aarch64.cpython-311-x86_64-linux-gnu.so")["code"],
        "DL104"
    );
    for name in ["class32", "big"] {
        let file = format!("patched/_{name}.cpython-311-x86_64-linux-gnu.so");
        let code = run.only(&file)["code"].as_str().unwrap().to_string();
        assert!(code == "DL104" || code == "DL902", "{file}: {code}");
    }
}
