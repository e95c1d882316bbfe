//! The fuzz harnesses: one function per input distrolint reads from a tree or
//! a repository it does not control, taking arbitrary bytes.
//!
//! The libFuzzer targets in `fuzz_targets/` are one-line wrappers around
//! these functions, and `tests/hostile/fuzz_replay.rs` includes this file
//! with `#[path]` to run the same functions over the seeds, the crashes
//! found so far and mutated seeds on the stable toolchain without libFuzzer.
//! A harness passes when it returns: every input must end in a value or an
//! error, never in a panic, an abort or a hang.
//!
//! Each harness goes one step past the parser where that step is where
//! hostile data bites: an inspected ELF file is handed to the loader
//! simulation (DT_NEEDED and RUNPATH cycles), a parsed manifest is used to
//! judge a fixed tree and program calls (link loops in the image), a
//! compiled rule set matches its own example snippets, a parsed Dockerfile
//! has its final stage judged against the base its `FROM` names.

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use distrolint::base::{self, BaseImage};
use distrolint::dockerfile::{self, BaseChoice, ContextView, Stages};
use distrolint::elf::{self, inspect, ElfInfo, ElfObject, ElfTree, TreeSymlink};
use distrolint::finding::Distribution;
use distrolint::gate::catalogue::{catalogue, RuleInfo};
use distrolint::gate::config;
use distrolint::gate::sources::SourceText;
use distrolint::gate::suppress;
use distrolint::python::{self, PythonContext};
use distrolint::rules::RuleSet;

/// A harness: takes any bytes, returns when they are handled.
pub type Harness = fn(&[u8]);

/// Every harness, by the name of its libFuzzer target.
pub const HARNESSES: &[(&str, Harness)] = &[
    ("elf_inspect", elf_inspect),
    ("python_analyse", python_analyse),
    ("rule_files", rule_files),
    ("base_manifest", base_manifest),
    ("config_file", config_file),
    ("dockerfile", dockerfile),
];

/// At most this many example snippets of a fuzzed rule set are analysed, so
/// one input cannot make an iteration slow.
const MAX_SNIPPETS: usize = 8;

fn builtin_rules() -> &'static RuleSet {
    static RULES: OnceLock<RuleSet> = OnceLock::new();
    RULES.get_or_init(|| {
        RuleSet::builtin(distrolint::checks::NATIVE).expect("the built-in rules compile")
    })
}

fn builtin_bases() -> &'static [BaseImage] {
    static BASES: OnceLock<Vec<BaseImage>> = OnceLock::new();
    BASES.get_or_init(base::builtin)
}

fn known_codes() -> &'static [RuleInfo] {
    static KNOWN: OnceLock<Vec<RuleInfo>> = OnceLock::new();
    KNOWN.get_or_init(|| catalogue(builtin_rules()))
}

/// A scratch directory for the harnesses whose API reads a file, made once
/// per process and removed when it ends.
fn scratch() -> &'static Path {
    static DIR: OnceLock<tempfile::TempDir> = OnceLock::new();
    DIR.get_or_init(|| {
        tempfile::Builder::new()
            .prefix("distrolint-fuzz-")
            .tempdir()
            .expect("create a scratch directory")
    })
    .path()
}

/// The base a harness judges against, picked by the input so that every
/// base (glibc, musl, static, with and without Python) gets exercised.
fn pick_base(data: &[u8]) -> &'static BaseImage {
    let bases = builtin_bases();
    let selector = data
        .iter()
        .fold(0usize, |acc, &b| acc.wrapping_add(b as usize));
    &bases[selector % bases.len()]
}

/// An ELF file as a vendored library would meet the loader: the bytes are
/// inspected, and when they read as ELF, the loader simulation runs over a
/// tree holding the object twice — as an extension module and under the
/// first name it needs — with a `$ORIGIN`-style link beside it, so that a
/// file needing itself, or RUNPATH entries pointing back at its own
/// directory, form the cycles the resolver must end.
pub fn elf_inspect(data: &[u8]) {
    let Ok(info) = inspect::inspect(data) else {
        return;
    };
    let _ = inspect::machine_name(info.machine, info.is_64);
    let root = PathBuf::from("/fuzz/site-packages");
    let mut objects = vec![object(
        root.join("pkg/_native.cpython-311-x86_64-linux-gnu.so"),
        info.clone(),
    )];
    let mut symlinks = Vec::new();
    if let Some(first) = info.needed.first().filter(|n| is_plain_name(n)) {
        objects.push(object(root.join("pkg").join(first), info.clone()));
        symlinks.push(TreeSymlink {
            path: root.join("pkg.libs").join(first),
            target: PathBuf::from(format!("../pkg/{first}")),
            root: 0,
        });
    }
    let tree = ElfTree {
        roots: vec![root],
        root_locations: vec![],
        objects,
        symlinks,
    };
    let _ = elf::check_tree(builtin_rules(), &tree, pick_base(data));
}

fn is_plain_name(name: &str) -> bool {
    !name.is_empty() && name != "." && name != ".." && !name.contains(['/', '\0'])
}

fn object(path: PathBuf, info: ElfInfo) -> ElfObject {
    ElfObject {
        path,
        root: 0,
        info,
        distribution: Some(Distribution {
            name: "pkg".into(),
            version: "1.0".into(),
        }),
        wheel_tags: vec!["cp311-cp311-manylinux_2_17_x86_64".into()],
    }
}

/// A Python file from the tree: decoding (BOM, coding cookie, invalid
/// bytes), both parsers, name resolution and every built-in rule, then the
/// suppression comments the gate would read from it.
pub fn python_analyse(data: &[u8]) {
    let rules = builtin_rules();
    let _ = python::may_match(data, rules, Some("fuzzpkg.sub.module"));
    let context = PythonContext {
        base: pick_base(data),
        distribution: None,
        rules,
        module_path: Some("fuzzpkg.sub.module".into()),
        installed: &std::collections::BTreeSet::new(),
    };
    let _ = python::analyse_file(Path::new("fuzzpkg/sub/module.py"), data, &context);
    let text = SourceText::new(String::from_utf8_lossy(data).into_owned());
    let _ = suppress::parse_directives(&text, known_codes(), true);
}

/// A rule file from a `rules` directory the configuration names: compiled
/// alone, and beside the built-in rules (whose callables and groups user
/// rules may use); a set that compiles is run over its own example
/// snippets.
pub fn rule_files(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if let Ok(rules) = RuleSet::from_sources(
        distrolint::checks::NATIVE,
        [("fuzz.toml".to_string(), text.to_string())],
    ) {
        run_examples(&rules);
    }
    let dir = scratch().join("rules");
    std::fs::create_dir_all(&dir).expect("create the rules directory");
    std::fs::write(dir.join("fuzz.toml"), text).expect("write the rule file");
    if let Ok(rules) = RuleSet::builtin_with_dirs(distrolint::checks::NATIVE, &[dir.as_path()]) {
        run_examples(&rules);
    }
}

fn run_examples(rules: &RuleSet) {
    let base = pick_base(b"");
    let context = PythonContext {
        base,
        distribution: None,
        rules,
        module_path: None,
        installed: &std::collections::BTreeSet::new(),
    };
    let snippets = rules
        .rules
        .iter()
        .flat_map(|r| r.valid.iter().chain(&r.invalid))
        .take(MAX_SNIPPETS);
    for snippet in snippets {
        let _ = python::analyse_file(Path::new("example.py"), snippet.code.as_bytes(), &context);
    }
}

/// A base manifest given with `--base-file`: parsed, then used the way a
/// check uses it — the loader simulation over a fixed tree, program lookup
/// on its PATH, and a Python file judged against it.
pub fn base_manifest(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let Ok(base) = base::parse_manifest("fuzz.toml", text) else {
        return;
    };
    let _ = base.display_name();
    for program in ["sh", "/bin/sh", "python3", "/usr/bin/env", "../../bin/ls"] {
        let _ = base.find_executable(program);
    }
    for soname in ["libc.so.6", "libssl.so.3", "libz.so.1"] {
        if let Some(library) = base.find_system_library(soname) {
            let _ = base.defines_version(library, "GLIBC_2.99");
        }
    }
    let _ = base.library_at("/lib/x86_64-linux-gnu/libc.so.6");
    let _ = elf::check_tree(builtin_rules(), &manifest_probe_tree(), &base);
    let context = PythonContext {
        base: &base,
        distribution: None,
        rules: builtin_rules(),
        module_path: None,
        installed: &std::collections::BTreeSet::new(),
    };
    let probe = b"import os, subprocess, ctypes, ctypes.util, locale\nos.system('ls -l')\nsubprocess.run(['git', 'status'])\nos.execvp('python3', ['python3'])\nctypes.CDLL('libz.so.1')\nctypes.CDLL('/lib/../usr/lib/libc.so.6')\nctypes.util.find_library('c')\nlocale.setlocale(locale.LC_ALL, 'de_DE.UTF-8')\n";
    let _ = python::analyse_file(Path::new("probe.py"), probe, &context);
}

/// An extension needing libc with a new symbol version, a system library, a
/// vendored library through RUNPATH, and a program with an interpreter.
fn manifest_probe_tree() -> ElfTree {
    let root = PathBuf::from("/probe/site-packages");
    let info = |needed: &[&str], runpath: &[&str], interpreter: Option<&str>| ElfInfo {
        is_64: true,
        little_endian: true,
        machine: 62,
        elf_type: if interpreter.is_some() { 2 } else { 3 },
        soname: None,
        needed: needed.iter().map(|s| s.to_string()).collect(),
        rpath: Vec::new(),
        runpath: runpath.iter().map(|s| s.to_string()).collect(),
        interpreter: interpreter.map(str::to_string),
        dynamic: true,
        version_needs: vec![inspect::VersionNeed {
            file: "libc.so.6".into(),
            versions: vec!["GLIBC_2.17".into(), "GLIBC_2.99".into()],
        }],
        version_defs: Vec::new(),
        python_init: Vec::new(),
    };
    let mut extension = info(
        &["libvendored.so.1", "libssl.so.3", "libc.so.6"],
        &["$ORIGIN/../pkg.libs"],
        None,
    );
    extension.python_init = vec!["PyInit__native".into()];
    let mut vendored = info(&["libz.so.1", "libc.so.6"], &[], None);
    vendored.soname = Some("libvendored.so.1".into());
    let program = info(&["libc.so.6"], &[], Some("/lib64/ld-linux-x86-64.so.2"));
    ElfTree {
        roots: vec![root.clone()],
        root_locations: vec![],
        objects: vec![
            object(
                root.join("pkg/_native.cpython-311-x86_64-linux-gnu.so"),
                extension,
            ),
            object(root.join("pkg.libs/libvendored.so.1"), vendored),
            object(root.join("bin/tool"), program),
        ],
        symlinks: Vec::new(),
    }
}

/// A configuration file found by walking up from the scanned path: the
/// first byte picks which of the three file names it is read as.
pub fn config_file(data: &[u8]) {
    let Some((&selector, body)) = data.split_first() else {
        return;
    };
    let names = config::FILE_NAMES;
    let name = names[selector as usize % names.len()];
    let dir = scratch().join("config");
    std::fs::create_dir_all(&dir).expect("create the configuration directory");
    let path = dir.join(name);
    std::fs::write(&path, body).expect("write the configuration");
    // Found by walking up, so it belongs to the tree: the stricter reading.
    let _ = config::load(
        &path,
        known_codes(),
        distrolint::tree_files::NamedBy::Tree { root: dir },
    );
}

/// A Dockerfile or Containerfile: parsed, its stages and final base
/// worked out, and its final stage judged against the base its `FROM`
/// names (when a built-in manifest describes it) and against a base picked
/// by the input.
pub fn dockerfile(data: &[u8]) {
    let path = Path::new("Dockerfile");
    let parsed = dockerfile::parse(data);
    let stages = Stages::of(&parsed);
    let _ = dockerfile::final_base(&parsed);
    if let BaseChoice::Known { base, .. } = dockerfile::choose_base(&parsed, builtin_bases()) {
        let _ = dockerfile::analyse(
            distrolint::checks::builtin_rules(),
            path,
            &parsed,
            &stages,
            Some(base),
            ContextView::Presumed,
        );
    }
    // A context the tree does not hold: every COPY source is unseen.
    let _ = dockerfile::analyse(
        distrolint::checks::builtin_rules(),
        path,
        &parsed,
        &stages,
        Some(pick_base(data)),
        ContextView::NotFound,
    );
    let _ = dockerfile::analyse_dockerfile(builtin_rules(), path, data, None);
    // The way `check` meets a Dockerfile in a scanned tree: judged on the
    // base its FROM names when a manifest describes it, for syntax only
    // otherwise (the path is no image Dockerfile on disk); with and
    // without a --target that may name no stage.
    for target in [None, Some("build".to_string())] {
        let options = dockerfile::CheckOptions {
            target,
            base_is_given: data.first().is_some_and(|b| b & 1 == 1),
            image_dockerfiles: Vec::new(),
        };
        // A root the path is not below: no file is looked at.
        let root = Path::new("/nonexistent/fuzz-root");
        let _ = dockerfile::analyse_in_check(
            builtin_rules(),
            path,
            root,
            data,
            pick_base(data),
            &options,
        );
    }
}
