//! The annotated starter corpus: every Procfile, ini, compose and
//! Kubernetes file under `corpus/starters/` is judged through the library
//! API against the image its directory's Dockerfile builds (or the base
//! alone), and its findings must be exactly the ones its `# expect:`
//! comments announce (see `corpus/starters/README.md`).

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use distrolint::base::{builtin, find_in, BaseImage};
use distrolint::dockerfile::{choose_base, parse, CheckOptions};
use distrolint::finding::Family;
use distrolint::starters::{self, codes, ImageDockerfile, Judging, TargetImage};

fn corpus_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus/starters")
}

/// Every case directory, with its starter files.
fn cases() -> Vec<(PathBuf, Vec<PathBuf>)> {
    let mut cases = Vec::new();
    for dir in std::fs::read_dir(corpus_dir()).expect("corpus/starters exists") {
        let dir = dir.unwrap().path();
        if !dir.is_dir() {
            continue;
        }
        let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| starters::kind_of(p).is_some())
            .collect();
        files.sort();
        cases.push((dir, files));
    }
    cases.sort();
    cases
}

fn header(text: &str, key: &str) -> Option<String> {
    text.lines().take(5).find_map(|line| {
        let rest = line.trim().strip_prefix("# distrolint-corpus:")?;
        rest.split_whitespace()
            .find_map(|kv| kv.strip_prefix(&format!("{key}=")).map(str::to_string))
    })
}

/// (line, code) → pinned severity. An `# expect:` comment applies to the
/// next line that is neither blank nor a comment.
fn expectations(text: &str) -> BTreeMap<(u32, String), Option<String>> {
    let lines: Vec<&str> = text.lines().collect();
    let mut expected = BTreeMap::new();
    for (i, line) in lines.iter().enumerate() {
        let Some(list) = line.trim_start().strip_prefix("# expect:") else {
            continue;
        };
        let target = lines
            .iter()
            .enumerate()
            .skip(i + 1)
            .find(|(_, l)| {
                let l = l.trim_start();
                !l.is_empty() && !l.starts_with('#') && !l.starts_with(';')
            })
            .map(|(j, _)| j as u32 + 1)
            .unwrap_or_else(|| panic!("line {}: `# expect:` with no line after it", i + 1));
        for item in list.split(',').map(str::trim).filter(|s| !s.is_empty()) {
            let (code, severity) = match item.split_once('/') {
                Some((c, s)) => (c.to_string(), Some(s.to_string())),
                None => (item.to_string(), None),
            };
            expected.insert((target, code), severity);
        }
    }
    expected
}

fn base_of<'a>(bases: &'a [BaseImage], starter_text: &str, dockerfile: &Path) -> &'a BaseImage {
    if let Some(name) = header(starter_text, "base") {
        return find_in(bases, &name).unwrap_or_else(|| panic!("no base {name}"));
    }
    std::fs::read(dockerfile)
        .ok()
        .and_then(|bytes| choose_base(&parse(&bytes), bases).base())
        .unwrap_or_else(|| find_in(bases, "python3-debian13").unwrap())
}

#[test]
fn every_announced_finding_appears_and_nothing_else_does() {
    let bases = builtin();
    let mut problems = Vec::new();
    let mut codes_seen = BTreeSet::new();
    let mut judged_files = 0;
    for (dir, files) in cases() {
        let case = dir.file_name().unwrap().to_string_lossy().into_owned();
        assert!(!files.is_empty(), "{case}: no starter file");
        let root = std::fs::canonicalize(&dir).unwrap();
        let dockerfile = root.join("Dockerfile");
        for path in files {
            let bytes = std::fs::read(&path).unwrap();
            let text = String::from_utf8_lossy(&bytes).into_owned();
            let shown = format!("{case}/{}", path.file_name().unwrap().to_string_lossy());
            let base = base_of(&bases, &text, &dockerfile);
            let options = CheckOptions::new(
                None,
                true,
                &[dockerfile.clone()][..usize::from(dockerfile.is_file())],
            );
            let image_dockerfile =
                ImageDockerfile::find(&options, base, std::slice::from_ref(&root));
            // The application's image goes by the case's name in a
            // registry, as a scanned tree's name.
            let judging = Judging {
                rules: distrolint::checks::builtin_rules(),
                app: TargetImage::new(base, image_dockerfile.as_ref()),
                app_names: vec![case.trim_end_matches("-ok").to_string()],
            };
            let candidate = starters::kind_of(&path).unwrap();
            let analysis = starters::analyse(&path, candidate, &bytes, &judging);
            assert!(analysis.read.is_some(), "{shown}: not read as a starter");
            let expected = expectations(&text);
            if case.ends_with("-ok") && !expected.is_empty() {
                problems.push(format!("{shown}: an -ok twin announces findings"));
            }
            let mut found = BTreeMap::new();
            for finding in &analysis.findings {
                assert_eq!(finding.family, Family::Starters, "{shown}: {finding:?}");
                assert!(
                    codes::is_starter_code(&finding.code),
                    "{shown}: {finding:?}"
                );
                let line = finding.location.map_or(0, |l| l.line);
                codes_seen.insert(finding.code.clone());
                found.insert((line, finding.code.clone()), finding);
            }
            for (key, severity) in &expected {
                match found.get(key) {
                    None => problems.push(format!(
                        "{shown}:{}: expected {} but it was not reported",
                        key.0, key.1
                    )),
                    Some(finding) => {
                        if let Some(severity) = severity {
                            if finding.severity.to_string() != *severity {
                                problems.push(format!(
                                    "{shown}:{}: {} is {}, expected {severity}",
                                    key.0, key.1, finding.severity
                                ));
                            }
                        }
                    }
                }
            }
            for (key, finding) in &found {
                if !expected.contains_key(key) {
                    problems.push(format!(
                        "{shown}:{}: unannounced {}: {}",
                        key.0, key.1, finding.message
                    ));
                }
            }
            judged_files += 1;
        }
    }
    assert!(
        problems.is_empty(),
        "{} problems:\n{}",
        problems.len(),
        problems.join("\n")
    );
    assert!(judged_files >= 10, "expected the whole corpus");
    // DL804 (unreadable files) is the hostile tests' to fire.
    let all: BTreeSet<String> = codes::CHECKS
        .iter()
        .map(|c| c.code.to_string())
        .filter(|c| c != "DL804")
        .collect();
    let missing: Vec<_> = all.difference(&codes_seen).collect();
    assert!(missing.is_empty(), "no corpus case fires {missing:?}");
}
