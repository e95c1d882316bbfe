//! The fuzz harnesses (`fuzz/src/lib.rs`) on the stable toolchain, without
//! libFuzzer: every seed, every input a fuzzer once crashed on, and a few
//! thousand deterministic mutations of the seeds. This is the regression
//! test for crashes the fuzzers found, and the fallback where cargo-fuzz
//! cannot run.
//!
//! The seeds are the repository's own inputs — `corpus/`, `rules/*.toml`,
//! `rules/bases/*.toml`, the configuration examples of `docs/ci.md` — plus
//! ELF files built here with `cc`. `write_fuzz_seeds` (ignored; run by
//! `.ci/run`) writes the same seeds as libFuzzer corpora, so there is one
//! definition of them.

#[path = "../../fuzz/src/lib.rs"]
mod harness;
use crate::support::hostile as support;

use std::collections::BTreeMap;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::{Path, PathBuf};

use support::HandElf;

/// Inputs a fuzzer crashed on, by harness, with what they broke. Each must
/// pass its harness from now on.
const REGRESSIONS: &[(&str, &str, &[u8])] = &[];

/// Mutations tried per seed.
const MUTATIONS: usize = 24;

type Seeds = BTreeMap<&'static str, Vec<(String, Vec<u8>)>>;

fn repo() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// Files below `dir` (recursively) whose name ends with one of `suffixes`,
/// as `(path relative to the repository, bytes)`, sorted.
fn files(dir: &str, suffixes: &[&str]) -> Vec<(String, Vec<u8>)> {
    let mut out = Vec::new();
    let mut pending = vec![repo().join(dir)];
    while let Some(dir) = pending.pop() {
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() {
                pending.push(path);
            } else if suffixes.iter().any(|s| path.to_string_lossy().ends_with(s)) {
                let name = path
                    .strip_prefix(repo())
                    .unwrap()
                    .to_string_lossy()
                    .into_owned();
                out.push((name, std::fs::read(&path).unwrap()));
            }
        }
    }
    out.sort();
    out
}

/// The TOML examples of `docs/ci.md`, as configuration seeds: the first
/// byte picks the file name the harness reads them as (`0`:
/// `.distrolint.toml`, `2`: `pyproject.toml`).
fn config_seeds() -> Vec<(String, Vec<u8>)> {
    let doc = std::fs::read_to_string(repo().join("docs/ci.md")).unwrap_or_default();
    let mut seeds = Vec::new();
    for (n, block) in doc.split("```toml").skip(1).enumerate() {
        let body = block.split("```").next().unwrap_or_default();
        let selector = if body.contains("[tool.distrolint") {
            '2'
        } else {
            '0'
        };
        seeds.push((
            format!("docs-ci-{n}"),
            format!("{selector}{body}").into_bytes(),
        ));
    }
    seeds.push((
        "every-key".into(),
        b"1base = \"python3-debian12\"\nselect = [\"DL1\", \"shell\"]\nignore = [\"DL302\"]\nexclude = [\"tests\", \"build/**\"]\nscope = \"app\"\nfail-on = \"warning\"\nrules = [\"ci/rules\"]\napp = [\"src\"]\n[per-file-ignores]\n\"scripts/*.py\" = [\"DL301\"]\n[[accept]]\nlibrary = \"libpq.so.5\"\ndistribution = \"psycopg2\"\ncodes = [\"DL101\"]\npath = \"venv/**\"\nreason = \"copied in\"\n".to_vec(),
    ));
    seeds
}

/// ELF files of the kinds a tree holds, built with `cc` or by hand.
fn elf_seeds() -> Vec<(String, Vec<u8>)> {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::write(
        d.join("ver.map"),
        "VER_1 { global: f; local: *; };\nVER_2 { global: g; } VER_1;\n",
    )
    .unwrap();
    let mut seeds = vec![
        (
            "extension".to_string(),
            support::cc(
                d,
                "ext.so",
                "void *PyInit_ext(void) { return 0; }\n",
                &[
                    "-shared",
                    "-fPIC",
                    "-Os",
                    "-s",
                    "-Wl,-z,noseparate-code",
                    "-Wl,--enable-new-dtags,-rpath,$ORIGIN/../ext.libs:/build/lib",
                    "-Wl,-soname,ext.so",
                ],
            ),
        ),
        (
            "versioned".to_string(),
            support::cc(
                d,
                "ver.so",
                "#include <string.h>\nint f(char *a, const char *b) { return (int)strlen(strcpy(a, b)); }\nint g(void) { return 2; }\n",
                &[
                    "-shared",
                    "-fPIC",
                    "-Os",
                    "-s",
                    "-Wl,-z,noseparate-code",
                    "-Wl,--disable-new-dtags,-rpath,$ORIGIN",
                    "-Wl,-soname,libver.so.1",
                    "-lm",
                    "-Wl,--version-script=ver.map",
                ],
            ),
        ),
        (
            "program".to_string(),
            support::cc(
                d,
                "prog",
                "int main(void) { return 0; }\n",
                &["-Os", "-s", "-Wl,-z,noseparate-code"],
            ),
        ),
        (
            "object32".to_string(),
            support::cc(d, "o32.o", "int f(void) { return 1; }\n", &["-c", "-m32"]),
        ),
    ];
    for (name, hand) in [
        (
            "hand-cycle",
            HandElf {
                soname: Some("liba.so.1".into()),
                needed: vec!["liba.so.1".into(), "libb.so.1".into(), "libc.so.6".into()],
                runpath: Some("$ORIGIN:$ORIGIN/..:$LIB/x".into()),
                ..Default::default()
            },
        ),
        (
            "hand-32-big",
            HandElf {
                is_64: false,
                little_endian: false,
                machine: 20,
                ..Default::default()
            },
        ),
        (
            "hand-aarch64-musl",
            HandElf {
                machine: 183,
                needed: vec!["libc.musl-aarch64.so.1".into()],
                ..Default::default()
            },
        ),
    ] {
        seeds.push((name.to_string(), hand.bytes()));
    }
    seeds
}

fn seeds() -> Seeds {
    let mut seeds = Seeds::new();
    seeds.insert("elf_inspect", elf_seeds());
    let mut python = files("corpus", &[".py"]);
    for (name, text) in [
        ("cookie-latin1", &b"# -*- coding: latin-1 -*-\nimport os\nx = '\xe9'\nos.system('ls')\n"[..]),
        ("bom", b"\xef\xbb\xbfimport subprocess\nsubprocess.run('ls', shell=True)\n"),
        ("python2", b"import os, commands\nprint \"x\"\nexec \"y = 1\"\nos.system('make')\n"),
        ("suppressions", b"import os\nos.system('ls')  # noqa: DL201\nos.system('x')  # distrolint: ignore[DL201, shell]\n# distrolint: file-ignore[DL3]\n"),
        ("nesting", b"import os\nos.system(((((((((('ls')))))))))) \nx = [[[[[[[[]]]]]]]]\n"),
    ] {
        python.push((name.to_string(), text.to_vec()));
    }
    seeds.insert("python_analyse", python);
    seeds.insert(
        "rule_files",
        files("rules", &[".toml"])
            .into_iter()
            .filter(|(n, _)| !n.contains("bases/"))
            .collect(),
    );
    seeds.insert("base_manifest", files("rules/bases", &[".toml"]));
    seeds.insert("config_file", config_seeds());
    let mut dockerfiles = files("corpus/dockerfile", &["Dockerfile", "Containerfile"]);
    dockerfiles.push((
        "heredoc-escape".into(),
        b"# syntax=docker/dockerfile:1\n# escape=`\nARG BASE=gcr.io/distroless/python3-debian12\nFROM python:3.11 AS build\nRUN <<EOF bash\npip install -t /app .\nEOF\nFROM ${BASE}:nonroot\nCOPY --from=build /app /app\nENV PATH=/app/bin:$PATH\nSHELL [\"/bin/sh\", \"-c\"]\nRUN echo `\n  hi\nHEALTHCHECK CMD curl -f http://localhost/\nENTRYPOINT python -m app\n".to_vec(),
    ));
    seeds.insert("dockerfile", dockerfiles);
    seeds
}

/// A deterministic mutation of `seed`: the kinds libFuzzer starts with
/// (flip, erase, insert, duplicate, truncate, splice), chosen by `n`.
fn mutate(seed: &[u8], other: &[u8], n: usize) -> Vec<u8> {
    let noise = support::pseudo_random_bytes(n as u64 * 7919 + seed.len() as u64, 64);
    let pick = |i: usize, len: usize| {
        if len == 0 {
            0
        } else {
            u32::from_le_bytes(noise[i * 4..i * 4 + 4].try_into().unwrap()) as usize % len
        }
    };
    let mut out = seed.to_vec();
    let len = out.len();
    match n % 6 {
        0 => {
            for k in 0..4 {
                if len > 0 {
                    let at = pick(k, len);
                    out[at] ^= 1 << (noise[40 + k] % 8);
                }
            }
        }
        1 => {
            let at = pick(0, len);
            let end = (at + 1 + pick(1, 64)).min(len);
            out.drain(at..end);
        }
        2 => {
            let at = pick(0, len + 1);
            let interesting: &[&[u8]] = &[
                b"\0",
                b"\xff\xff\xff\xff",
                b"\"",
                b"'''",
                b"[[",
                b"(",
                b"\\",
                b"$ORIGIN/..",
                b"\n",
                b"\r",
                b"\xe9",
                b"{",
                b"=",
                b"#",
            ];
            out.splice(
                at..at,
                interesting[pick(1, interesting.len())].iter().copied(),
            );
        }
        3 => {
            let at = pick(0, len);
            let end = (at + pick(1, 256)).min(len);
            let chunk = out[at..end].to_vec();
            out.splice(at..at, chunk);
        }
        4 => out.truncate(pick(0, len + 1)),
        _ => {
            let cut = pick(0, len + 1);
            let from = pick(1, other.len() + 1);
            out.truncate(cut);
            out.extend_from_slice(&other[from..]);
        }
    }
    out
}

fn run_harness(name: &str, input: &[u8]) -> Result<(), String> {
    let harness = harness::HARNESSES
        .iter()
        .find(|(n, _)| *n == name)
        .unwrap_or_else(|| panic!("no harness {name}"))
        .1;
    catch_unwind(AssertUnwindSafe(|| harness(input))).map_err(|panic| {
        panic
            .downcast_ref::<String>()
            .cloned()
            .or_else(|| panic.downcast_ref::<&str>().map(|s| s.to_string()))
            .unwrap_or_else(|| "a panic".into())
    })
}

/// How a failing input is shown: as a Rust byte string to paste into
/// `REGRESSIONS`.
fn as_literal(input: &[u8]) -> String {
    let shown: String = input
        .iter()
        .take(2000)
        .flat_map(|&b| std::ascii::escape_default(b))
        .map(char::from)
        .collect();
    format!(
        "b\"{shown}\"{}",
        if input.len() > 2000 { " (cut)" } else { "" }
    )
}

#[test]
fn every_harness_has_seeds() {
    let seeds = seeds();
    for (name, _) in harness::HARNESSES {
        assert!(
            seeds.get(name).is_some_and(|s| !s.is_empty()),
            "no seeds for {name}"
        );
    }
}

#[test]
fn inputs_fuzzing_once_crashed_on_stay_fixed() {
    let mut failures = Vec::new();
    for (name, what, input) in REGRESSIONS {
        if let Err(panic) = run_harness(name, input) {
            failures.push(format!("{name} ({what}): {panic}"));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn seeds_and_their_mutations_pass_every_harness() {
    // The panics are caught and listed; keep the default hook from
    // printing each one.
    let previous = std::panic::take_hook();
    std::panic::set_hook(Box::new(|_| {}));
    let mut failures = Vec::new();
    let mut runs = 0usize;
    for (name, list) in seeds() {
        for (index, (seed_name, seed)) in list.iter().enumerate() {
            let other = &list[(index + 1) % list.len()].1;
            let mut inputs = vec![seed.clone()];
            inputs.extend((0..MUTATIONS).map(|n| mutate(seed, other, n)));
            for (n, input) in inputs.iter().enumerate() {
                runs += 1;
                if let Err(panic) = run_harness(name, input) {
                    failures.push(format!(
                        "{name} on {seed_name} (mutation {n}): {panic}\n  input: {}",
                        as_literal(input)
                    ));
                }
            }
        }
    }
    std::panic::set_hook(previous);
    assert!(runs > 500, "only {runs} inputs");
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// Writes the seeds as libFuzzer corpora: `DISTROLINT_FUZZ_SEEDS=DIR cargo
/// test --test hostile_fuzz_replay -- --ignored write_fuzz_seeds` makes
/// `DIR/<harness>/<seed>` for every harness.
#[test]
#[ignore = "writes files; run by .ci/run before fuzzing"]
fn write_fuzz_seeds() {
    let dir = PathBuf::from(
        std::env::var_os("DISTROLINT_FUZZ_SEEDS")
            .expect("DISTROLINT_FUZZ_SEEDS names the directory"),
    );
    for (name, list) in seeds() {
        let target = dir.join(name);
        std::fs::create_dir_all(&target).unwrap();
        for (seed_name, bytes) in list {
            let file = seed_name.replace(['/', '.'], "_");
            std::fs::write(target.join(file), bytes).unwrap();
        }
    }
    for (n, (name, _, input)) in REGRESSIONS.iter().enumerate() {
        let target = dir.join(name);
        std::fs::create_dir_all(&target).unwrap();
        std::fs::write(target.join(format!("regression-{n}")), input).unwrap();
    }
}
