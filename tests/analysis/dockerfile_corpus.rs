//! The annotated Dockerfile corpus: every Dockerfile under
//! `corpus/dockerfile/` is analysed through the library API, with the base
//! its final stage names, and its findings must be exactly the ones its
//! `# expect:` comments announce (see `corpus/dockerfile/README.md`).

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use distrolint::base::{builtin, find_in, BaseImage};
use distrolint::dockerfile::rules;
use distrolint::dockerfile::{
    analyse, analyse_dockerfile, choose_base, is_dockerfile_name, locate_context, parse,
    ContextView, Stages,
};
use distrolint::finding::Family;

fn corpus_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus/dockerfile")
}

/// Every Dockerfile in the corpus, as (case directory, file).
fn cases() -> Vec<(String, PathBuf)> {
    let mut cases = Vec::new();
    for dir in std::fs::read_dir(corpus_dir()).expect("corpus/dockerfile exists") {
        let dir = dir.unwrap().path();
        if !dir.is_dir() {
            continue;
        }
        let name = dir.file_name().unwrap().to_string_lossy().into_owned();
        for file in std::fs::read_dir(&dir).unwrap() {
            let file = file.unwrap().path();
            if is_dockerfile_name(&file.file_name().unwrap().to_string_lossy()) {
                cases.push((name.clone(), file));
            }
        }
    }
    cases.sort();
    assert!(
        cases.len() >= 20,
        "expected the whole corpus, found {}",
        cases.len()
    );
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
fn expectations(text: &str) -> Result<BTreeMap<(u32, String), Option<String>>, String> {
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
            .find(|(_, l)| !l.trim().is_empty() && !l.trim_start().starts_with('#'))
            .map(|(j, _)| j as u32 + 1)
            .ok_or_else(|| format!("line {}: `# expect:` with no line after it", i + 1))?;
        for item in list.split(',').map(str::trim).filter(|s| !s.is_empty()) {
            let (code, severity) = match item.split_once('/') {
                Some((c, s)) => (c.to_string(), Some(s.to_string())),
                None => (item.to_string(), None),
            };
            expected.insert((target, code), severity);
        }
    }
    Ok(expected)
}

fn base_for<'a>(bases: &'a [BaseImage], text: &str, bytes: &[u8]) -> Option<&'a BaseImage> {
    match header(text, "base") {
        Some(name) => Some(find_in(bases, &name).unwrap_or_else(|| panic!("no base {name}"))),
        None => choose_base(&parse(bytes), bases).base(),
    }
}

#[test]
fn every_announced_finding_appears_and_nothing_else_does() {
    let bases = builtin();
    let mut problems = Vec::new();
    let mut codes_seen = BTreeSet::new();
    let mut checked = 0;
    for (case, path) in cases() {
        let bytes = std::fs::read(&path).unwrap();
        let text = String::from_utf8_lossy(&bytes).into_owned();
        let shown = path
            .strip_prefix(corpus_dir())
            .unwrap()
            .display()
            .to_string();
        let expected = match expectations(&text) {
            Ok(expected) => expected,
            Err(e) => {
                problems.push(format!("{shown}: {e}"));
                continue;
            }
        };
        if case.ends_with("-ok") && !expected.is_empty() {
            problems.push(format!("{shown}: an -ok twin announces findings"));
        }
        let base = base_for(&bases, &text, &bytes);
        let analysis = match header(&text, "context") {
            // The case directory is the scanned tree, and the build context
            // is looked for in it as a check would.
            Some(mode) => {
                assert_eq!(mode, "scan", "{shown}: context=scan is the only mode");
                let df = parse(&bytes);
                let stages = Stages::of(&df);
                let root = path.parent().unwrap();
                let located = locate_context(&path, root, &df, &stages);
                let view = match &located {
                    Some(context) => ContextView::Located(context),
                    None => ContextView::NotFound,
                };
                analyse(
                    distrolint::checks::builtin_rules(),
                    &path,
                    &df,
                    &stages,
                    base,
                    view,
                )
            }
            None => analyse_dockerfile(distrolint::checks::builtin_rules(), &path, &bytes, base),
        };
        let mut found = BTreeMap::new();
        for finding in &analysis.findings {
            assert_eq!(finding.family, Family::Dockerfile, "{shown}: {finding:?}");
            assert!(
                rules::is_dockerfile_code(&finding.code),
                "{shown}: unknown code {}",
                finding.code
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
        checked += 1;
    }
    assert!(
        problems.is_empty(),
        "{} problems:\n{}",
        problems.len(),
        problems.join("\n")
    );
    let all: BTreeSet<String> = rules::CHECKS.iter().map(|c| c.code.to_string()).collect();
    let missing: Vec<_> = all.difference(&codes_seen).collect();
    assert!(missing.is_empty(), "no corpus case fires {missing:?}");
    assert!(checked >= 20);
}

#[test]
fn every_case_names_a_known_base_or_says_which() {
    // The corpus relies on base selection from FROM; a case whose base is
    // unknown must be an -ok twin (nothing to judge) or name one.
    let bases = builtin();
    for (case, path) in cases() {
        let bytes = std::fs::read(&path).unwrap();
        let text = String::from_utf8_lossy(&bytes);
        let has_base = base_for(&bases, &text, &bytes).is_some();
        let expects_rules = expectations(&text)
            .unwrap()
            .keys()
            .any(|(_, code)| code != "DL700");
        assert!(
            has_base || !expects_rules,
            "{case}/{}: findings announced but no base",
            path.display()
        );
    }
}

#[test]
fn the_django_app_picks_its_base_from_the_final_stage() {
    let path = corpus_dir().join("django-multistage/Dockerfile");
    let bytes = std::fs::read(&path).unwrap();
    let bases = builtin();
    let df = parse(&bytes);
    let choice = choose_base(&df, &bases);
    assert_eq!(
        choice.base().map(|b| b.name.as_str()),
        Some("python3-debian12:nonroot")
    );
    let said = choice.describe(&df, Path::new("Dockerfile"));
    assert!(
        said.contains("gcr.io/distroless/python3-debian12:nonroot (Dockerfile:12)"),
        "{said}"
    );
    let analysis = analyse_dockerfile(
        distrolint::checks::builtin_rules(),
        &path,
        &bytes,
        choice.base(),
    );
    assert_eq!(
        analysis.final_base.map(|i| i.reference).as_deref(),
        Some("gcr.io/distroless/python3-debian12:nonroot")
    );
}
