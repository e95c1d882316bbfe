//! Runs every annotated example in `corpus/native/` both ways: each expected
//! finding must appear, and no finding may appear that the case does not
//! expect. The format is described in `corpus/native/README.md`.

use crate::support;

use std::fs;
use std::path::{Path, PathBuf};

use distrolint::elf::check_tree;
use distrolint::finding::{Finding, Severity};
use serde::Deserialize;
use support::elf_builder::{build, DistributionSpec, ObjectSpec, SymlinkSpec, TreeSpec};
use support::{base, dump};

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct Case {
    /// The user's situation, in a sentence or two.
    description: String,
    /// A built-in base name.
    base: String,
    #[serde(default)]
    object: Vec<ObjectSpec>,
    #[serde(default)]
    symlink: Vec<SymlinkSpec>,
    #[serde(default)]
    distribution: Vec<DistributionSpec>,
    #[serde(default)]
    expect: Vec<Expect>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct Expect {
    /// Below the scanned root.
    path: String,
    code: String,
    /// The finding's `library` field, when given.
    library: Option<String>,
    severity: Option<Severity>,
    first_missing: Option<bool>,
    /// Why this finding is expected; not checked.
    #[serde(default)]
    #[allow(dead_code)]
    because: Option<String>,
}

impl Expect {
    fn matches(&self, root: &Path, finding: &Finding) -> bool {
        finding.path == root.join(&self.path)
            && finding.code == self.code
            && self
                .library
                .as_ref()
                .is_none_or(|l| finding.fields.get("library").and_then(|v| v.as_str()) == Some(l))
            && self.severity.is_none_or(|s| finding.severity == s)
            && self.first_missing.is_none_or(|f| {
                finding
                    .fields
                    .get("first_missing")
                    .and_then(|v| v.as_bool())
                    == Some(f)
            })
    }

    fn describe(&self) -> String {
        let mut text = format!("{} {}", self.code, self.path);
        if let Some(library) = &self.library {
            text.push_str(&format!(" library={library}"));
        }
        if let Some(severity) = self.severity {
            text.push_str(&format!(" severity={severity}"));
        }
        if let Some(first) = self.first_missing {
            text.push_str(&format!(" first-missing={first}"));
        }
        text
    }
}

fn cases() -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus/native");
    let mut cases: Vec<PathBuf> = fs::read_dir(&dir)
        .expect("corpus/native exists")
        .filter_map(Result::ok)
        .map(|e| e.path().join("case.toml"))
        .filter(|p| p.is_file())
        .collect();
    cases.sort();
    cases
}

/// Every problem with one case, empty when it passes.
fn run_case(file: &Path) -> Vec<String> {
    let text = fs::read_to_string(file).unwrap();
    let case: Case = toml::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", file.display()));
    assert!(
        !case.description.trim().is_empty(),
        "{}: describe the case",
        file.display()
    );
    let built = build(&TreeSpec {
        objects: case.object,
        symlinks: case.symlink,
        distributions: case.distribution,
    });
    let findings = check_tree(
        distrolint::checks::builtin_rules(),
        &built.tree,
        &base(&case.base),
    );
    let mut problems = Vec::new();
    for expect in &case.expect {
        if !findings.iter().any(|f| expect.matches(&built.root, f)) {
            problems.push(format!("expected but not found: {}", expect.describe()));
        }
    }
    for finding in &findings {
        if !case.expect.iter().any(|e| e.matches(&built.root, finding)) {
            problems.push(format!(
                "unexpected: {}",
                dump(std::slice::from_ref(finding))
                    .replace(&format!("{}/", built.root.display()), "")
            ));
        }
    }
    problems
}

#[test]
fn every_native_corpus_case_produces_exactly_its_expected_findings() {
    let cases = cases();
    assert!(
        cases.len() >= 8,
        "the native corpus has only {} cases",
        cases.len()
    );
    let mut failures = Vec::new();
    for file in &cases {
        let problems = run_case(file);
        if !problems.is_empty() {
            let name = file
                .parent()
                .unwrap()
                .file_name()
                .unwrap()
                .to_string_lossy()
                .into_owned();
            failures.push(format!("{name}:\n  {}", problems.join("\n  ")));
        }
    }
    assert!(
        failures.is_empty(),
        "{} case(s) failed:\n{}",
        failures.len(),
        failures.join("\n")
    );
}
