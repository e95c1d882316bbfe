//! The built-in rule set as data: every rule passes `rules test`, is
//! documented in the guide's sections, sits in its family's code range, and
//! the commands show it.

use crate::support::rules as support;

use distrolint::base;
use distrolint::checks::builtin_rules;
use distrolint::finding::Family;
use distrolint::rules::Matcher;
use distrolint::rules::RuleSet;
use distrolint::rules_cmd;
use support::{distrolint, stdout};

#[test]
fn every_built_in_rule_passes_rules_test() {
    let base = base::find(base::DEFAULT_BASE).unwrap();
    let output = rules_cmd::test(builtin_rules(), &base);
    assert_eq!(output.status, 0, "{}", output.text);
    assert!(!output.text.contains("FAIL"), "{}", output.text);
    let passed = output.text.lines().filter(|l| l.starts_with("ok ")).count();
    let testable = builtin_rules()
        .rules
        .iter()
        .filter(|r| !matches!(r.matcher, Matcher::Native(_)))
        .count();
    assert_eq!(passed, testable, "{}", output.text);
}

#[test]
fn every_built_in_detector_is_defined_by_a_rule_file() {
    let rules = builtin_rules();
    for code in [
        "DL101", "DL105", "DL108", "DL201", "DL204", "DL301", "DL900", "DL904", "DL910",
    ] {
        let rule = rules
            .rule(code)
            .unwrap_or_else(|| panic!("{code} has no rule file"));
        assert!(rule.file.starts_with("rules/"), "{code}: {}", rule.file);
    }
    assert!(rules
        .rules
        .iter()
        .any(|r| matches!(r.matcher, Matcher::Query(_))));
}

#[test]
fn built_in_rules_are_documented_in_the_guides_sections() {
    for rule in &builtin_rules().rules {
        let sections: &[&str] = if rule.family == Family::Scan {
            &["What it finds", "Instead"]
        } else {
            &[
                "What it finds",
                "Why it breaks on distroless",
                "Example",
                "Instead",
                "References",
            ]
        };
        for section in sections {
            assert!(
                rule.docs_section(section).is_some(),
                "{} has no `## {section}` in its docs",
                rule.code
            );
        }
    }
}

#[test]
fn built_in_codes_sit_in_their_familys_range() {
    for rule in &builtin_rules().rules {
        let range = match rule.family {
            Family::NativeLibrary => "DL1",
            Family::Shell => "DL2",
            Family::Exec => "DL3",
            Family::Dlopen => "DL4",
            Family::Data => "DL5",
            Family::Interpreter => "DL6",
            Family::Dockerfile => "DL7",
            Family::Starters => "DL8",
            Family::Scan => "DL9",
        };
        assert!(
            rule.code.starts_with(range) && rule.code.len() == 5,
            "{} is not in {range}xx",
            rule.code
        );
    }
}

#[test]
fn a_failing_example_names_the_rule_the_snippet_and_what_happened() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("wrong.toml"),
        r#"[[rule]]
code = "ACME010"
name = "no-curl"
family = "exec"
summary = "curl at run time"
callables = ["@spawn"]
severity = "error"
message = "{call} runs curl"
help = "use urllib"
invalid = ["import subprocess\nsubprocess.run(['wget', 'x'])\n"]

[[rule.case]]
when = { program-in = ["curl"] }
"#,
    )
    .unwrap();
    let output = distrolint(&["rules", "test", dir.path().to_str().unwrap()], dir.path());
    let text = stdout(&output);
    assert_eq!(output.status.code(), Some(1), "{text}");
    assert!(text.contains("FAIL  ACME010 no-curl"), "{text}");
    assert!(text.contains("invalid example at"), "{text}");
    assert!(text.contains("wrong.toml:10 did not fire"), "{text}");
    assert!(text.contains("  | subprocess.run(['wget', 'x'])"), "{text}");
    assert!(text.contains("reported: DL301 error at 2:1"), "{text}");
    assert!(text.contains("1 failed"), "{text}");
}

#[test]
fn rules_list_shows_code_family_severity_and_status() {
    let dir = tempfile::tempdir().unwrap();
    let output = distrolint(&["rules", "list", "--format", "json"], dir.path());
    assert_eq!(output.status.code(), Some(0));
    let list: serde_json::Value = serde_json::from_str(&stdout(&output)).unwrap();
    let rules = list.as_array().unwrap();
    assert_eq!(rules.len(), builtin_rules().rules.len());
    let dl204 = rules.iter().find(|r| r["code"] == "DL204").unwrap();
    assert_eq!(dl204["family"], "shell");
    assert_eq!(dl204["severity"], "warning");
    assert_eq!(dl204["status"], "stable");
    assert_eq!(dl204["matcher"], "query");
    let text = stdout(&distrolint(&["rules", "list"], dir.path()));
    assert!(text.lines().next().unwrap().starts_with("CODE "), "{text}");
    assert!(text.contains("DL101  missing-library"), "{text}");
}

#[test]
fn explain_prints_the_documentation_like_ruff_rule() {
    let dir = tempfile::tempdir().unwrap();
    let output = distrolint(&["explain", "DL101"], dir.path());
    let text = stdout(&output);
    assert_eq!(output.status.code(), Some(0));
    assert!(text.starts_with("# missing-library (DL101)\n"), "{text}");
    assert!(text.contains("## Why it breaks on distroless"), "{text}");
    let by_name = stdout(&distrolint(&["explain", "shell-always"], dir.path()));
    assert!(by_name.starts_with("# shell-always (DL201)"), "{by_name}");
    assert!(by_name.contains("Fires on:"), "{by_name}");
    let unknown = distrolint(&["explain", "DL999"], dir.path());
    assert_eq!(unknown.status.code(), Some(2));
}

#[test]
fn user_rules_cannot_take_a_built_in_code() {
    let dir = tempfile::tempdir().unwrap();
    let copy = "[[rule]]\ncode = \"DL204\"\nname = \"again\"\nfamily = \"shell\"\nsummary = \"s\"\nseverity = \"info\"\nmessage = \"m\"\nhelp = \"h\"\nquery = '(string) @s'\n";
    std::fs::write(dir.path().join("dup.toml"), copy).unwrap();
    let err = RuleSet::builtin_with_dirs(distrolint::checks::NATIVE, &[dir.path()]).unwrap_err();
    assert!(
        err.to_string()
            .contains("DL204 is defined twice (first in rules/shell.toml"),
        "{err}"
    );
}

/// `docs/rules/` is what `rules docs` writes for the built-in rules, page
/// for page: a rule changed without regenerating its page fails here.
#[test]
fn the_rule_reference_in_docs_is_up_to_date() {
    let dir = tempfile::tempdir().unwrap();
    let output = distrolint(&["rules", "docs", dir.path().to_str().unwrap()], dir.path());
    assert!(output.status.success(), "{}", stdout(&output));
    let committed = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/rules");
    let names = |d: &std::path::Path| -> Vec<String> {
        let mut names: Vec<String> = std::fs::read_dir(d)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        names
    };
    assert_eq!(
        names(dir.path()),
        names(&committed),
        "regenerate with `distrolint rules docs docs/rules`"
    );
    for name in names(dir.path()) {
        let fresh = std::fs::read_to_string(dir.path().join(&name)).unwrap();
        let old = std::fs::read_to_string(committed.join(&name)).unwrap();
        assert!(
            fresh == old,
            "docs/rules/{name} is stale: regenerate with `distrolint rules docs docs/rules`"
        );
    }
    // One page per built-in rule, and the index links each.
    let index = std::fs::read_to_string(committed.join("README.md")).unwrap();
    for rule in &builtin_rules().rules {
        assert!(committed.join(format!("{}.md", rule.code)).is_file());
        assert!(index.contains(&format!("[{code}]({code}.md)", code = rule.code)));
    }
}
