//! A newcomer's path through docs/rules.md: the guide's two worked examples
//! (a call matcher and a query matcher) are copied into a fresh directory,
//! tested with `rules test`, and loaded with `check --rules DIR` — no
//! rebuild — where both fire on the guide's sample.

use crate::support::rules as support;

use serde_json::Value;
use support::{distrolint, guide_files, guide_project, stdout};

#[test]
fn the_guide_has_a_rule_of_each_user_matcher_kind_and_a_sample() {
    let files = guide_files();
    let names: Vec<&str> = files.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(
        names,
        ["apt-get.toml", "interpreter-path.toml", "service.py"],
        "the guide's examples changed; keep this test's expectations in step"
    );
    assert!(files[0].1.contains("callables = "));
    assert!(files[1].1.contains("query = "));
}

#[test]
fn rules_test_passes_on_the_guides_rules() {
    let (dir, rules) = guide_project();
    let output = distrolint(&["rules", "test", rules.to_str().unwrap()], dir.path());
    let text = stdout(&output);
    assert_eq!(output.status.code(), Some(0), "{text}");
    assert!(
        text.contains("ok    ACME001 no-apt-get (2 invalid, 2 valid)"),
        "{text}"
    );
    assert!(
        text.contains("ok    ACME002 hard-coded-python-path (2 invalid, 2 valid)"),
        "{text}"
    );
}

fn findings(json: &str) -> Vec<(String, u64)> {
    let report: Value = serde_json::from_str(json).expect("JSON report");
    report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["code"].as_str().unwrap().to_string(),
                f["line"].as_u64().unwrap_or(0),
            )
        })
        .collect()
}

#[test]
fn check_with_rules_dir_fires_the_new_rules_without_a_rebuild() {
    let (dir, rules) = guide_project();
    let output = distrolint(
        &[
            "check",
            "--isolated",
            "--rules",
            rules.to_str().unwrap(),
            "--format",
            "json",
            "--exit-zero",
            "service.py",
        ],
        dir.path(),
    );
    let text = stdout(&output);
    assert_eq!(
        output.status.code(),
        Some(0),
        "{text}{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let found = findings(&text);
    assert!(found.contains(&("ACME001".into(), 4)), "{found:?}");
    assert!(found.contains(&("ACME002".into(), 6)), "{found:?}");
    // ACME001 suppresses the generic "program missing" on the same call.
    assert!(!found.iter().any(|(c, _)| c == "DL301"), "{found:?}");

    // Without the directory the new codes do not exist.
    let plain = distrolint(
        &[
            "check",
            "--isolated",
            "--format",
            "json",
            "--exit-zero",
            "service.py",
        ],
        dir.path(),
    );
    let plain = findings(&stdout(&plain));
    assert!(
        plain.iter().all(|(c, _)| !c.starts_with("ACME")),
        "{plain:?}"
    );
}

#[test]
fn the_configuration_loads_rule_directories_and_may_select_their_codes() {
    let (dir, _) = guide_project();
    std::fs::write(
        dir.path().join("distrolint.toml"),
        "rules = [\"rules\"]\nselect = [\"ACME\"]\n",
    )
    .unwrap();
    let output = distrolint(
        &["check", "--format", "json", "--exit-zero", "service.py"],
        dir.path(),
    );
    let text = stdout(&output);
    let found = findings(&text);
    let codes: Vec<&str> = found.iter().map(|(c, _)| c.as_str()).collect();
    assert_eq!(
        codes,
        ["ACME001", "ACME002"],
        "{text}{}",
        String::from_utf8_lossy(&output.stderr)
    );
}

#[test]
fn explain_prints_a_user_rules_documentation() {
    let (dir, rules) = guide_project();
    let output = distrolint(
        &["explain", "ACME002", "--rules", rules.to_str().unwrap()],
        dir.path(),
    );
    let text = stdout(&output);
    assert_eq!(output.status.code(), Some(0));
    assert!(
        text.starts_with("# hard-coded-python-path (ACME002)"),
        "{text}"
    );
    assert!(text.contains("Matcher: query"), "{text}");
    assert!(text.contains("Fires on:"), "{text}");
}
