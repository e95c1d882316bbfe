//! Real packages against real bases: the pinned manylinux wheels and Debian
//! packages of `tests/data/real-world.lock`, fetched and unpacked by
//! `scripts/fetch-real-world.sh` (cached; network only on the first run), and
//! distrolint's verdicts on them for the python3-debian12/13 and Chainguard
//! bases.
//!
//! The verdicts checked here are the ones `scripts/truth-test.py` establishes
//! by importing the same files under chroot: manylinux wheels carry their
//! libraries and load on the base of their Python; a cpython-311 build cannot
//! be imported by 3.13 at all; Debian's own extensions need libraries the
//! distroless images do not ship.
//!
//! If the inputs cannot be fetched the tests fail, with the script's output:
//! a skipped real-world test looks exactly like a passing one.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

use serde_json::Value;

const DEBIAN12: &str = "python3-debian12";
const DEBIAN13: &str = "python3-debian13";
const CHAINGUARD: &str = "cgr.dev/chainguard/python:latest";

fn repo() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// The fetch script's cache, filled once per test run.
fn cache() -> &'static Path {
    static CACHE: OnceLock<Result<PathBuf, String>> = OnceLock::new();
    let fetched = CACHE.get_or_init(|| {
        let script = repo().join("scripts/fetch-real-world.sh");
        let output = Command::new(&script)
            .output()
            .map_err(|e| format!("cannot run {}: {e}", script.display()))?;
        let stderr = String::from_utf8_lossy(&output.stderr);
        if !output.status.success() {
            return Err(format!(
                "{} failed ({}):\n{stderr}{}",
                script.display(),
                output.status,
                String::from_utf8_lossy(&output.stdout)
            ));
        }
        stderr
            .lines()
            .find_map(|line| {
                line.strip_prefix("fetch-real-world: ready in ")
                    .or_else(|| line.strip_prefix("fetch-real-world: up to date in "))
            })
            .map(|dir| PathBuf::from(dir.trim()))
            .ok_or_else(|| format!("the fetch script did not name its cache:\n{stderr}"))
    });
    match fetched {
        Ok(dir) => dir,
        Err(message) => panic!("the real-world inputs could not be fetched:\n{message}"),
    }
}

/// The unpacked wheels for a CPython tag such as `cp311`.
fn wheels(tag: &str) -> PathBuf {
    cache().join("trees").join(tag).join("site-packages")
}

/// Debian's dist-packages as a suite's python3-* packages install it.
fn debian_packages(suite: &str) -> PathBuf {
    cache()
        .join("trees")
        .join(format!("deb-{suite}"))
        .join("usr/lib/python3/dist-packages")
}

/// `distrolint check TREE --base BASE --format json`, parsed. Checks the
/// exit status against the findings.
fn check(tree: &Path, base: &str) -> Report {
    assert!(
        tree.is_dir(),
        "{} is missing from the cache",
        tree.display()
    );
    let output = Command::new(env!("CARGO_BIN_EXE_distrolint"))
        .arg("check")
        .arg(tree)
        .args(["--base", base, "--format", "json"])
        .output()
        .expect("run distrolint");
    let stderr = String::from_utf8_lossy(&output.stderr);
    let document: Value = serde_json::from_slice(&output.stdout).unwrap_or_else(|e| {
        panic!(
            "distrolint check {} --base {base}: no JSON ({e}); stderr:\n{stderr}",
            tree.display()
        )
    });
    let findings = document["findings"]
        .as_array()
        .expect("a findings array")
        .clone();
    let any_error = findings.iter().any(|f| f["severity"] == "error");
    let expected = if any_error { 1 } else { 0 };
    assert_eq!(
        output.status.code(),
        Some(expected),
        "exit status of distrolint check {} --base {base}; stderr:\n{stderr}",
        tree.display()
    );
    assert!(
        document["summary"]["elf_files"].as_u64().unwrap_or(0) > 0,
        "distrolint found no ELF file in {}",
        tree.display()
    );
    Report {
        root: tree.to_path_buf(),
        findings,
    }
}

struct Report {
    root: PathBuf,
    findings: Vec<Value>,
}

impl Report {
    /// Native-library errors, by file (relative to the scanned tree).
    fn errors_by_file(&self) -> BTreeMap<String, Vec<Value>> {
        let mut by_file: BTreeMap<String, Vec<Value>> = BTreeMap::new();
        for finding in &self.findings {
            if finding["severity"] != "error" || finding["family"] != "native-library" {
                continue;
            }
            let path = Path::new(finding["path"].as_str().expect("a path"));
            let relative = path.strip_prefix(&self.root).unwrap_or_else(|_| {
                panic!(
                    "finding path {} is not under the scanned {}",
                    path.display(),
                    self.root.display()
                )
            });
            by_file
                .entry(relative.to_string_lossy().into_owned())
                .or_default()
                .push(finding.clone());
        }
        by_file
    }

    fn errors_for(&self, file: &str) -> Vec<Value> {
        self.errors_by_file().remove(file).unwrap_or_default()
    }
}

/// The ELF files under a tree, relative to it, found by magic as distrolint
/// finds them.
fn elf_files(root: &Path) -> Vec<String> {
    let mut found: Vec<String> = walkdir::WalkDir::new(root)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|entry| entry.file_type().is_file())
        .filter(|entry| {
            std::fs::read(entry.path())
                .map(|bytes| bytes.starts_with(b"\x7fELF"))
                .unwrap_or(false)
        })
        .map(|entry| {
            entry
                .path()
                .strip_prefix(root)
                .expect("under the root")
                .to_string_lossy()
                .into_owned()
        })
        .collect();
    found.sort();
    found
}

/// Extension modules built for one CPython (`cpython-311` in the name).
fn extensions_tagged(root: &Path, tag: &str) -> Vec<String> {
    let suffix = format!(".{tag}-x86_64-linux-gnu.so");
    elf_files(root)
        .into_iter()
        .filter(|file| file.ends_with(&suffix))
        .collect()
}

/// PEP 503 normalisation: `psycopg2_binary` and `psycopg2-binary` are one.
fn normalize(name: &str) -> String {
    name.to_ascii_lowercase().replace(['_', '.'], "-")
}

/// The distribution and version each top-level entry of a wheel tree comes
/// from, per the lock file (wheels install `pkg/` and `pkg.libs/`).
fn owners(tag: &str) -> BTreeMap<&'static str, (String, String)> {
    let lock = std::fs::read_to_string(repo().join("tests/data/real-world.lock"))
        .expect("read the lock file");
    let mut versions = BTreeMap::new();
    for line in lock.lines() {
        let fields: Vec<&str> = line.split_whitespace().collect();
        if fields.len() == 6 && fields[0] == "wheel" && fields[1] == tag {
            versions.insert(normalize(fields[2]), fields[3].to_string());
        }
    }
    let top_level = [
        ("numpy", "numpy"),
        ("numpy.libs", "numpy"),
        ("lxml", "lxml"),
        ("PIL", "pillow"),
        ("pillow.libs", "pillow"),
        ("psycopg2", "psycopg2-binary"),
        ("psycopg2_binary.libs", "psycopg2-binary"),
        ("cryptography", "cryptography"),
        ("zmq", "pyzmq"),
        ("pyzmq.libs", "pyzmq"),
        ("orjson", "orjson"),
    ];
    top_level
        .into_iter()
        .map(|(dir, dist)| {
            let version = versions
                .get(dist)
                .unwrap_or_else(|| panic!("{dist} is not pinned for {tag}"))
                .clone();
            (dir, (dist.to_string(), version))
        })
        .collect()
}

/// Every finding names the distribution that installed the file, and its
/// version, from the wheel's RECORD.
fn assert_attributed(report: &Report, tag: &str) {
    let owners = owners(tag);
    for (file, findings) in report.errors_by_file() {
        let top = file.split('/').next().unwrap_or_default();
        let Some((dist, version)) = owners.get(top) else {
            panic!("{file}: no wheel of the lock installs {top}/");
        };
        for finding in findings {
            assert_eq!(
                normalize(finding["distribution"].as_str().unwrap_or("(none)")),
                *dist,
                "distribution of {file}: {finding:#}"
            );
            assert_eq!(
                finding["version"].as_str(),
                Some(version.as_str()),
                "version of {file}: {finding:#}"
            );
        }
    }
}

fn codes(findings: &[Value]) -> BTreeSet<String> {
    findings
        .iter()
        .filter_map(|f| f["code"].as_str().map(str::to_string))
        .collect()
}

/// The DL101 findings of one file: every missing library, and the one the
/// loader names.
fn missing_libraries(findings: &[Value]) -> (BTreeSet<String>, Vec<String>) {
    let mut all = BTreeSet::new();
    let mut first = Vec::new();
    for finding in findings.iter().filter(|f| f["code"] == "DL101") {
        let library = finding["library"]
            .as_str()
            .unwrap_or_else(|| panic!("DL101 without a library: {finding:#}"))
            .to_string();
        if finding["first_missing"] == true {
            first.push(library.clone());
        }
        all.insert(library);
    }
    (all, first)
}

fn assert_no_errors(report: &Report, what: &str) {
    let errors = report.errors_by_file();
    assert!(
        errors.is_empty(),
        "{what}: expected every file to load, got errors on:\n{}",
        errors
            .iter()
            .map(|(file, findings)| format!("  {file}: {:?}", codes(findings)))
            .collect::<Vec<_>>()
            .join("\n")
    );
}

/// Every listed extension gets DL105 (it cannot be imported at all), and no
/// other file gets an error.
fn assert_only_abi_mismatches(report: &Report, expected: &[String], what: &str) {
    assert!(!expected.is_empty(), "{what}: no extension to check");
    let mut errors = report.errors_by_file();
    for file in expected {
        let findings = errors
            .remove(file)
            .unwrap_or_else(|| panic!("{what}: no finding for {file}"));
        assert!(
            findings.iter().any(|f| f["code"] == "DL105"),
            "{what}: {file} should be DL105, got {:?}",
            codes(&findings)
        );
    }
    assert!(
        errors.is_empty(),
        "{what}: unexpected errors on {:?}",
        errors.keys().collect::<Vec<_>>()
    );
}

// --- manylinux wheels ----------------------------------------------------------

#[test]
fn cp311_wheels_load_on_python3_debian12() {
    let report = check(&wheels("cp311"), DEBIAN12);
    assert_no_errors(&report, "cp311 wheels on python3-debian12");
}

#[test]
fn cp313_wheels_load_on_python3_debian13() {
    let report = check(&wheels("cp313"), DEBIAN13);
    assert_no_errors(&report, "cp313 wheels on python3-debian13");
}

#[test]
fn a_python_3_11_environment_cannot_import_its_extensions_on_python3_debian13() {
    let tree = wheels("cp311");
    let report = check(&tree, DEBIAN13);
    // cryptography's cp311-abi3 build is the exception: abi3 works on 3.13.
    assert_only_abi_mismatches(
        &report,
        &extensions_tagged(&tree, "cpython-311"),
        "cp311 wheels on python3-debian13",
    );
    assert_attributed(&report, "cp311");
}

#[test]
fn a_python_3_13_environment_cannot_import_its_extensions_on_python3_debian12() {
    let tree = wheels("cp313");
    let report = check(&tree, DEBIAN12);
    // pyzmq's 3.13 build is cp312-abi3: abi3 from 3.12 up, so not on 3.11;
    // cryptography's cp311-abi3 is fine.
    let mut expected = extensions_tagged(&tree, "cpython-313");
    expected.push("zmq/backend/cython/_zmq.abi3.so".to_string());
    expected.sort();
    assert_only_abi_mismatches(&report, &expected, "cp313 wheels on python3-debian12");
    assert_attributed(&report, "cp313");
}

#[test]
fn cp313_wheels_on_chainguard_python_3_14() {
    let tree = wheels("cp313");
    let report = check(&tree, CHAINGUARD);
    // Only the abi3 builds (cryptography cp311-abi3, pyzmq cp312-abi3) import
    // on 3.14, and they load: their libraries are vendored.
    assert_only_abi_mismatches(
        &report,
        &extensions_tagged(&tree, "cpython-313"),
        "cp313 wheels on Chainguard python",
    );
    assert_attributed(&report, "cp313");
}

// --- Debian's own packages -------------------------------------------------------

/// The Debian suite whose python3-* packages match each python base.
const DEBIAN_PAIRS: [(&str, &str, &str); 2] = [
    ("bookworm", DEBIAN12, "cpython-311"),
    ("trixie", DEBIAN13, "cpython-313"),
];

fn debian_extension(tag: &str, module: &str) -> String {
    format!("{module}.{tag}-x86_64-linux-gnu.so")
}

#[test]
fn debian_psycopg2_needs_libpq_which_distroless_lacks() {
    for (suite, base, tag) in DEBIAN_PAIRS {
        let report = check(&debian_packages(suite), base);
        let file = debian_extension(tag, "psycopg2/_psycopg");
        let findings = report.errors_for(&file);
        let (missing, first) = missing_libraries(&findings);
        assert!(
            missing.contains("libpq.so.5"),
            "{suite} {file} on {base}: {findings:#?}"
        );
        assert_eq!(
            first,
            ["libpq.so.5"],
            "{suite} {file} on {base}: first missing"
        );
    }
}

#[test]
fn debian_yaml_needs_libyaml_which_distroless_lacks() {
    for (suite, base, tag) in DEBIAN_PAIRS {
        let report = check(&debian_packages(suite), base);
        let file = debian_extension(tag, "yaml/_yaml");
        let findings = report.errors_for(&file);
        let (missing, first) = missing_libraries(&findings);
        assert_eq!(
            missing,
            BTreeSet::from(["libyaml-0.so.2".to_string()]),
            "{suite} {file} on {base}: {findings:#?}"
        );
        assert_eq!(
            first,
            ["libyaml-0.so.2"],
            "{suite} {file} on {base}: first missing"
        );
    }
}

#[test]
fn debian_lxml_needs_libxml2_and_libxslt_which_distroless_lacks() {
    for (suite, base, tag) in DEBIAN_PAIRS {
        let report = check(&debian_packages(suite), base);

        // etree needs libxslt.so.1, libexslt.so.0 and libxml2.so.2, in that
        // order; the loader stops at the first.
        let etree = debian_extension(tag, "lxml/etree");
        let findings = report.errors_for(&etree);
        let (missing, first) = missing_libraries(&findings);
        let family: BTreeSet<String> = ["libxslt.so.1", "libexslt.so.0", "libxml2.so.2"]
            .map(String::from)
            .into();
        assert_eq!(missing, family, "{suite} {etree} on {base}: {findings:#?}");
        assert_eq!(
            first,
            ["libxslt.so.1"],
            "{suite} {etree} on {base}: first missing"
        );

        let objectify = debian_extension(tag, "lxml/objectify");
        let findings = report.errors_for(&objectify);
        let (missing, first) = missing_libraries(&findings);
        assert!(
            missing.contains("libxml2.so.2"),
            "{suite} {objectify}: {findings:#?}"
        );
        assert_eq!(
            first,
            ["libxml2.so.2"],
            "{suite} {objectify} on {base}: first missing"
        );

        // The modules that need nothing but libc load (their import fails
        // only because lxml.etree does; that is etree's finding).
        let sax = debian_extension(tag, "lxml/sax");
        assert_eq!(
            report.errors_for(&sax),
            Vec::<Value>::new(),
            "{suite} {sax}"
        );
    }
}

#[test]
fn debian_packages_of_the_other_suite_do_not_match_the_python() {
    // bookworm's cpython-311 builds on python3-debian13, and trixie's
    // cpython-313 builds on python3-debian12: not importable at all.
    for (suite, base, tag) in [
        ("bookworm", DEBIAN13, "cpython-311"),
        ("trixie", DEBIAN12, "cpython-313"),
    ] {
        let tree = debian_packages(suite);
        let report = check(&tree, base);
        assert_only_abi_mismatches(
            &report,
            &extensions_tagged(&tree, tag),
            &format!("{suite} packages on {base}"),
        );
    }
}

// --- libraries copied from a newer build stage -----------------------------------

/// Native-library findings of one file at any severity: a library nothing in
/// the tree links to is reported as a warning (it breaks only when something
/// opens it), but it is still a verdict on whether it loads.
fn loader_findings(report: &Report, file: &str) -> Vec<Value> {
    let path = report.root.join(file);
    report
        .findings
        .iter()
        .filter(|f| f["family"] == "native-library" && f["path"] == path.to_str().unwrap())
        .cloned()
        .collect()
}

#[test]
fn libraries_copied_from_a_trixie_stage_onto_python3_debian12() {
    let tree = cache().join("trees/copied-from-trixie");
    let report = check(&tree, DEBIAN12);

    // trixie's libxml2 calls fmod@GLIBC_2.38; bookworm's glibc is 2.36.
    let findings = loader_findings(&report, "libxml2.so.2");
    let needed: BTreeSet<&str> = findings
        .iter()
        .filter(|f| f["code"] == "DL102")
        .filter_map(|f| f["version_needed"].as_str())
        .collect();
    assert_eq!(
        needed,
        BTreeSet::from(["GLIBC_2.38"]),
        "libxml2.so.2: {findings:#?}"
    );
    assert!(
        !codes(&findings).contains("DL101"),
        "libxml2.so.2: {findings:#?}"
    );

    // Without a RUNPATH the loader does not look beside a library: libxslt
    // does not find the libxml2.so.2 next to it.
    let findings = loader_findings(&report, "libxslt.so.1");
    let (_, first) = missing_libraries(&findings);
    assert_eq!(first, ["libxml2.so.2"], "libxslt.so.1: {findings:#?}");

    let findings = loader_findings(&report, "libexslt.so.0");
    let (missing, first) = missing_libraries(&findings);
    assert!(
        missing.contains("libgcrypt.so.20"),
        "libexslt.so.0: {findings:#?}"
    );
    assert_eq!(first, ["libxslt.so.1"], "libexslt.so.0: {findings:#?}");
}

#[test]
fn the_same_libraries_meet_a_new_enough_glibc_on_python3_debian13() {
    let tree = cache().join("trees/copied-from-trixie");
    let report = check(&tree, DEBIAN13);
    for file in ["libxml2.so.2", "libxslt.so.1", "libexslt.so.0"] {
        let findings = loader_findings(&report, file);
        assert!(!codes(&findings).contains("DL102"), "{file}: {findings:#?}");
    }
}
