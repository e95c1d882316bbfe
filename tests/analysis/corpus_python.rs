//! The annotated Python corpus: every file in `corpus/python/` is analysed
//! through the library API, and its findings must be exactly the ones its
//! comments announce.
//!
//! A flagged line ends with `# expect: DL201` (several: `# expect: DL201,
//! DL301`; a severity may be pinned: `DL201/warning`) on the line where the
//! call starts. Every other line must stay silent. The first lines may say
//! `# distrolint-corpus: base=NAME` (default python3-debian13) and
//! `# distrolint-corpus: module=pkg.mod` (the file's dotted module name, for
//! relative imports) and `# distrolint-corpus: installed=tzdata,django` (the
//! distributions installed beside it).

use crate::support::python as support;

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use distrolint::finding::Family;
use distrolint::python::{analyse_file, may_match, PythonContext};
use distrolint::rules::RuleSet;
use distrolint::rules::{normalized_distribution_name, Matcher};

fn corpus_files() -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus/python");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .expect("corpus/python exists")
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "py"))
        .collect();
    files.sort();
    assert!(!files.is_empty(), "no corpus files in {}", dir.display());
    files
}

fn header(text: &str, key: &str) -> Option<String> {
    text.lines().take(5).find_map(|line| {
        let rest = line.trim().strip_prefix("# distrolint-corpus:")?;
        rest.split_whitespace()
            .find_map(|kv| kv.strip_prefix(&format!("{key}=")).map(str::to_string))
    })
}

/// (line, code) → pinned severity, from the `# expect:` comments.
fn expectations(text: &str) -> BTreeMap<(u32, String), Option<String>> {
    let mut expected = BTreeMap::new();
    for (i, line) in text.lines().enumerate() {
        let Some(pos) = line.find("# expect:") else {
            continue;
        };
        for item in line[pos + "# expect:".len()..].split(',') {
            let item = item.trim();
            if item.is_empty() {
                continue;
            }
            let (code, severity) = match item.split_once('/') {
                Some((c, s)) => (c.to_string(), Some(s.to_string())),
                None => (item.to_string(), None),
            };
            expected.insert((i as u32 + 1, code), severity);
        }
    }
    expected
}

#[test]
fn every_corpus_case_fires_and_every_ok_case_stays_silent() {
    let rules = RuleSet::builtin(distrolint::checks::NATIVE).expect("built-in rules load");
    let mut problems = Vec::new();
    let mut flagged = 0;
    let mut callees = std::collections::BTreeSet::new();
    for path in corpus_files() {
        let bytes = std::fs::read(&path).unwrap();
        let text = String::from_utf8_lossy(&bytes);
        let base_name = header(&text, "base").unwrap_or_else(|| "python3-debian13".into());
        let base = support::base(&base_name);
        let installed: BTreeSet<String> = header(&text, "installed")
            .map(|names| names.split(',').map(normalized_distribution_name).collect())
            .unwrap_or_default();
        let ctx = PythonContext {
            base: &base,
            distribution: None,
            rules: &rules,
            module_path: header(&text, "module"),
            installed: &installed,
        };
        let findings = analyse_file(&path, &bytes, &ctx);
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        let mut expected = expectations(&text);
        flagged += expected.len();
        for finding in &findings {
            let line = finding.location.map(|l| l.line).unwrap_or(0);
            let key = (line, finding.code.clone());
            match expected.remove(&key) {
                Some(Some(severity)) if severity != finding.severity.to_string() => {
                    problems.push(format!(
                        "{name}:{line}: {} is {} but the corpus expects {severity}: {}",
                        finding.code, finding.severity, finding.message
                    ))
                }
                Some(_) => {}
                None => problems.push(format!(
                    "{name}:{line}: unexpected {} ({}): {}",
                    finding.code, finding.severity, finding.message
                )),
            }
            // Call rules name the callee; query rules what they matched.
            let fields: &[&str] = match rules.rule(&finding.code).map(|r| &r.matcher) {
                Some(Matcher::Query(_)) => &["matched", "family"],
                _ => &["callee", "family"],
            };
            for field in fields {
                if finding.family != Family::Scan && !finding.fields.contains_key(field) {
                    problems.push(format!(
                        "{name}:{line}: {} has no `{field}` field",
                        finding.code
                    ));
                }
            }
        }
        for ((line, code), _) in expected {
            problems.push(format!("{name}:{line}: expected {code}, not reported"));
        }
        // The prefilter may only skip files without findings.
        for finding in &findings {
            if let Some(callee) = finding.fields.get("callee").and_then(|c| c.as_str()) {
                callees.insert(callee.to_string());
            }
        }
        let real = findings.iter().any(|f| f.family != Family::Scan);
        if real && !may_match(&bytes, &rules, ctx.module_path.as_deref()) {
            problems.push(format!(
                "{name}: has findings but the prefilter would skip it"
            ));
        }
    }
    assert!(
        flagged >= 100,
        "the corpus should exercise many cases, has {flagged}"
    );
    assert!(
        problems.is_empty(),
        "{} corpus problems:\n{}",
        problems.len(),
        problems.join("\n")
    );
}

#[test]
fn the_corpus_has_at_least_as_many_ok_cases_as_flagged_ones() {
    // Ok cases are marked `# ok:` so they can be counted.
    let mut ok = 0;
    let mut flagged = 0;
    for path in corpus_files() {
        let text = std::fs::read_to_string(&path).unwrap_or_default();
        ok += text.lines().filter(|l| l.contains("# ok:")).count();
        flagged += text.lines().filter(|l| l.contains("# expect:")).count();
    }
    assert!(ok >= flagged, "{ok} ok cases for {flagged} flagged lines");
}

#[test]
fn findings_name_the_callee_the_alias_and_the_program() {
    let rules = RuleSet::builtin(distrolint::checks::NATIVE).unwrap();
    let base = support::base("python3-debian13");
    let findings = support::analyse(
        b"import subprocess as sp\nsp.check_output(['git', 'status'])\n",
        &base,
        &rules,
        "app/vcs.py",
    );
    let f = findings.iter().find(|f| f.code == "DL301").expect("DL301");
    assert_eq!(f.fields["callee"], "subprocess.check_output");
    assert_eq!(f.fields["via"], "sp");
    assert_eq!(f.fields["program"], "git");
    assert_eq!(f.fields["family"], "exec");
    assert!(
        f.message.contains("subprocess.check_output via sp"),
        "{}",
        f.message
    );
    assert!(
        f.message.contains("No such file or directory: 'git'"),
        "{}",
        f.message
    );
    let loc = f.location.unwrap();
    assert_eq!((loc.line, loc.column), (2, 1));
    assert_eq!(loc.length, "sp.check_output(['git', 'status'])".len());
}

#[test]
fn os_system_explains_the_silent_32512() {
    let rules = RuleSet::builtin(distrolint::checks::NATIVE).unwrap();
    let base = support::base("python3-debian13");
    let findings = support::analyse(b"import os\nos.system('true')\n", &base, &rules, "app.py");
    let f = findings.iter().find(|f| f.code == "DL201").expect("DL201");
    assert!(f.message.contains("32512"), "{}", f.message);
    assert!(f.message.contains("python3-debian13"), "{}", f.message);
    assert_eq!(f.severity.to_string(), "error");
}

#[test]
fn findings_carry_the_distribution() {
    let rules = RuleSet::builtin(distrolint::checks::NATIVE).unwrap();
    let base = support::base("python3-debian13");
    let dist = distrolint::finding::Distribution {
        name: "gitpython".into(),
        version: "3.1.43".into(),
    };
    let ctx = PythonContext {
        base: &base,
        distribution: Some(dist.clone()),
        rules: &rules,
        module_path: Some("git.cmd".into()),
        installed: &BTreeSet::new(),
    };
    let findings = analyse_file(
        Path::new("site-packages/git/cmd.py"),
        b"import subprocess\nsubprocess.Popen(['git', 'version'])\n",
        &ctx,
    );
    assert!(!findings.is_empty());
    assert!(findings
        .iter()
        .all(|f| f.distribution.as_ref() == Some(&dist)));
}
