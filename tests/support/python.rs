//! Shared by the Python analysis tests: the bases they judge against.
//!
//! The real manifests live in `rules/bases/` and are generated from the
//! images' packages; when one is not there yet (it is being generated in
//! parallel), a small stand-in with the facts the tests rely on is used
//! instead. The stand-ins follow shared/reference/distroless-images.md.

#![allow(dead_code)]

use distrolint::base::{self, BaseImage};
use distrolint::finding::Finding;
use distrolint::python::{analyse_file, PythonContext};
use distrolint::rules::RuleSet;

/// The named base, or its stand-in.
pub fn base(name: &str) -> BaseImage {
    if let Ok(found) = base::find(name) {
        return found;
    }
    let text = match name {
        "python3-debian13" => debian13(),
        "chainguard-python-latest-dev" => latest_dev(),
        "no-python" => no_python(),
        other => panic!("no manifest and no stand-in for base {other}"),
    };
    base::parse_manifest(name, &text).expect("stand-in manifest parses")
}

fn executables(list: &[(&str, Option<&str>, bool)]) -> String {
    let mut out = String::new();
    for (path, interpreter, runnable) in list {
        out.push_str(&format!(
            "[[executables]]\npath = \"{path}\"\nkind = \"{}\"\nrunnable = {runnable}\n",
            if interpreter.is_some() {
                "script"
            } else {
                "elf"
            }
        ));
        if let Some(i) = interpreter {
            out.push_str(&format!("interpreter = \"{i}\"\n"));
        }
        out.push('\n');
    }
    out
}

fn manifest(
    name: &str,
    bin_sh: bool,
    python: Option<&str>,
    exes: &[(&str, Option<&str>, bool)],
) -> String {
    let python = python
        .map(|exe| format!("[python]\nversion = \"3.13.5\"\nsoabi = \"cpython-313-x86_64-linux-gnu\"\nexecutable = \"{exe}\"\n\n"))
        .unwrap_or_default();
    format!(
        "name = \"{name}\"\nimages = []\nsummary = \"test stand-in\"\narchitecture = \"x86_64\"\n\n\
         [libc]\nkind = \"glibc\"\nversion = \"2.41\"\n\n{python}\
         [loader]\nld-so-cache = false\ndefault-search-path = [\"/usr/lib/x86_64-linux-gnu\"]\n\n\
         [facts]\nbin-sh = {bin_sh}\nusr-bin-env = {bin_sh}\nzoneinfo = true\nzoneinfo-legacy = true\nldconfig = false\n\
         path = [\"/usr/local/sbin\", \"/usr/local/bin\", \"/usr/sbin\", \"/usr/bin\", \"/sbin\", \"/bin\"]\n\n\
         [provenance]\nmethod = \"test stand-in\"\ndate = \"2026-01-01\"\n\n{}",
        executables(exes)
    )
}

fn debian13() -> String {
    let elf = |p: &'static str| (p, None, true);
    manifest(
        "python3-debian13",
        false,
        Some("/usr/bin/python3.13"),
        &[
            elf("/usr/bin/getconf"),
            elf("/usr/bin/getent"),
            elf("/usr/bin/iconv"),
            elf("/usr/bin/ld.so"),
            ("/usr/bin/ldd", Some("/bin/bash"), false),
            elf("/usr/bin/locale"),
            elf("/usr/bin/localedef"),
            elf("/usr/bin/pldd"),
            elf("/usr/bin/python"),
            elf("/usr/bin/python3"),
            elf("/usr/bin/python3.13"),
            ("/usr/bin/tzselect", Some("/bin/bash"), false),
            elf("/usr/bin/zdump"),
            elf("/usr/sbin/iconvconfig"),
            elf("/usr/sbin/ldconfig"),
            elf("/usr/sbin/zic"),
        ],
    )
}

fn latest_dev() -> String {
    let elf = |p: &'static str| (p, None, true);
    manifest(
        "chainguard-python-latest-dev",
        true,
        Some("/usr/bin/python3.14"),
        &[
            elf("/usr/bin/bash"),
            elf("/usr/bin/git"),
            elf("/usr/bin/ls"),
            elf("/usr/bin/python"),
            elf("/usr/bin/python3"),
            elf("/usr/bin/python3.14"),
            elf("/usr/bin/sh"),
        ],
    )
}

fn no_python() -> String {
    manifest("no-python", false, None, &[])
}

/// Analyses `source` as the application file `path` on `base`.
pub fn analyse(source: &[u8], base: &BaseImage, rules: &RuleSet, path: &str) -> Vec<Finding> {
    let ctx = PythonContext {
        base,
        distribution: None,
        rules,
        module_path: None,
        installed: &std::collections::BTreeSet::new(),
    };
    analyse_file(std::path::Path::new(path), source, &ctx)
}
