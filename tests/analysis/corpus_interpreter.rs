//! Runs every annotated tree in `corpus/interpreter/` both ways: each
//! expected finding must appear, and no finding may appear that the case
//! does not expect. The format is described in
//! `corpus/interpreter/README.md`.

use crate::support;

use std::fs;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use distrolint::dockerfile::{pick, CheckOptions};
use distrolint::finding::{Finding, Severity};
use distrolint::options::Scope;
use distrolint::rules::RuleSet;
use distrolint::scan::{self, ScanRequest};
use serde::Deserialize;
use support::tree_files::{self, FileSpec, LinkSpec};
use support::{base, dump};

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct Case {
    description: String,
    base: String,
    #[serde(default = "all")]
    scope: String,
    /// `--include-tests`.
    #[serde(default)]
    include_tests: bool,
    #[serde(default)]
    file: Vec<FileSpec>,
    #[serde(default)]
    link: Vec<LinkSpec>,
    #[serde(default)]
    expect: Vec<Expect>,
}

fn all() -> String {
    "all".into()
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct Expect {
    path: String,
    code: String,
    severity: Option<Severity>,
    variant: Option<String>,
    line: Option<u32>,
    /// The distribution the finding is attributed to.
    distribution: Option<String>,
    #[serde(default)]
    #[allow(dead_code)]
    because: Option<String>,
}

impl Expect {
    fn matches(&self, root: &Path, finding: &Finding) -> bool {
        finding.path == root.join(&self.path)
            && finding.code == self.code
            && self.severity.is_none_or(|s| finding.severity == s)
            && self
                .variant
                .as_ref()
                .is_none_or(|v| finding.fields.get("variant").and_then(|f| f.as_str()) == Some(v))
            && self
                .line
                .is_none_or(|l| finding.location.map(|loc| loc.line) == Some(l))
            && self
                .distribution
                .as_ref()
                .is_none_or(|d| finding.distribution.as_ref().map(|x| x.name.as_str()) == Some(d))
    }

    fn describe(&self) -> String {
        let mut text = format!("{} {}", self.code, self.path);
        if let Some(v) = &self.variant {
            text.push_str(&format!(" variant={v}"));
        }
        if let Some(l) = self.line {
            text.push_str(&format!(" line={l}"));
        }
        if let Some(s) = self.severity {
            text.push_str(&format!(" severity={s}"));
        }
        text
    }
}

fn run_case(file: &Path) -> Vec<String> {
    let text = fs::read_to_string(file).unwrap();
    let case: Case = toml::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", file.display()));
    assert!(
        !case.description.trim().is_empty(),
        "{}: describe the case",
        file.display()
    );
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("tree");
    fs::create_dir(&root).unwrap();
    tree_files::write(&root, &case.file, &case.link);
    let scope = match case.scope.as_str() {
        "app" => Scope::App,
        "deps" => Scope::Deps,
        _ => Scope::All,
    };
    let request = ScanRequest {
        paths: vec![root.clone()],
        base: base(&case.base),
        rules: Arc::new(RuleSet::builtin(distrolint::checks::NATIVE).unwrap()),
        scope,
        discovery: Default::default(),
        // As `check` finds the image's Dockerfile: in the tree's root and
        // its docker/, container/ and deploy/.
        dockerfile: CheckOptions::new(
            None,
            false,
            &pick::dockerfiles_among(std::slice::from_ref(&root)),
        ),
        include_tests: case.include_tests,
    };
    let findings = scan::run(&request).findings;
    let mut problems = Vec::new();
    for expect in &case.expect {
        if !findings.iter().any(|f| expect.matches(&root, f)) {
            problems.push(format!("expected but not found: {}", expect.describe()));
        }
    }
    for finding in &findings {
        if !case.expect.iter().any(|e| e.matches(&root, finding)) {
            problems.push(format!(
                "unexpected: {}",
                dump(std::slice::from_ref(finding)).replace(&format!("{}/", root.display()), "")
            ));
        }
    }
    problems
}

fn cases() -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus/interpreter");
    let mut cases: Vec<PathBuf> = fs::read_dir(&dir)
        .expect("corpus/interpreter exists")
        .filter_map(Result::ok)
        .map(|e| e.path().join("case.toml"))
        .filter(|p| p.is_file())
        .collect();
    cases.sort();
    cases
}

#[test]
fn every_interpreter_corpus_case_produces_exactly_its_expected_findings() {
    let cases = cases();
    assert!(
        cases.len() >= 10,
        "the interpreter corpus has only {} cases",
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

#[test]
fn every_interpreter_rule_has_a_corpus_case_and_an_ok_twin() {
    let names: Vec<String> = cases()
        .iter()
        .map(|c| {
            c.parent()
                .unwrap()
                .file_name()
                .unwrap()
                .to_string_lossy()
                .into_owned()
        })
        .collect();
    let mut texts = String::new();
    for case in cases() {
        texts.push_str(&fs::read_to_string(case).unwrap());
    }
    for code in ["DL601", "DL602", "DL603", "DL604", "DL605"] {
        assert!(
            texts.contains(&format!("code = \"{code}\"")),
            "no case expects {code}"
        );
    }
    for name in names.iter().filter(|n| !n.ends_with("-ok")) {
        assert!(
            names.contains(&format!("{name}-ok")),
            "{name} has no ok twin ({name}-ok)"
        );
    }
}
