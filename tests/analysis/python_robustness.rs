//! Files that are not tidy Python 3: each must give proper findings or one
//! diagnostic, never a panic or a stack overflow — including on a worker
//! thread with the 2 MiB stack a thread pool gives by default.

use crate::support::python as support;

use distrolint::finding::{Family, Finding};
use distrolint::python::may_match;
use distrolint::rules::RuleSet;

fn analyse(bytes: &[u8]) -> Vec<Finding> {
    let rules = RuleSet::builtin(distrolint::checks::NATIVE).unwrap();
    let base = support::base("python3-debian13");
    support::analyse(bytes, &base, &rules, "pkg/module.py")
}

/// Runs `f` on a thread with a 2 MiB stack, as a rayon worker would.
fn on_small_stack<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> T {
    std::thread::Builder::new()
        .stack_size(2 * 1024 * 1024)
        .spawn(f)
        .unwrap()
        .join()
        .expect("analysis must not panic or overflow")
}

fn codes(findings: &[Finding]) -> Vec<(u32, &str)> {
    let mut codes: Vec<(u32, &str)> = findings
        .iter()
        .map(|f| (f.location.map(|l| l.line).unwrap_or(0), f.code.as_str()))
        .collect();
    codes.sort();
    codes
}

#[test]
fn a_python2_file_is_analysed_through_the_fallback_parser() {
    let source = b"import os, commands\nprint \"hello\"\nexec \"x = 1\"\nprint `os.getcwd()`\nos.system('make')\n";
    let findings = analyse(source);
    let codes = codes(&findings);
    assert!(codes.contains(&(5, "DL201")), "{codes:?}");
    assert!(codes.contains(&(5, "DL301")), "{codes:?}");
    // Backticks are beyond both parsers: the file is flagged as partly read.
    assert!(codes.iter().any(|(_, c)| *c == "DL904"), "{codes:?}");
}

#[test]
fn a_clean_python2_file_needs_no_diagnostic() {
    let findings = analyse(b"import os\nprint \"x\"\nos.system('ls')\n");
    assert!(
        findings.iter().all(|f| f.family != Family::Scan),
        "{findings:?}"
    );
    assert!(findings.iter().any(|f| f.code == "DL201"));
}

#[test]
fn latin1_with_a_cookie_is_decoded_and_positions_count_characters() {
    let source = b"# -*- coding: latin-1 -*-\nname = '\xe9t\xe9'; import os; os.system('ls')\n";
    let findings = analyse(source);
    let f = findings.iter().find(|f| f.code == "DL201").expect("DL201");
    let loc = f.location.unwrap();
    assert_eq!(loc.line, 2);
    assert_eq!(loc.column, 26, "columns count characters, not bytes");
    assert_eq!(&source[loc.offset..loc.offset + 9], b"os.system");
}

#[test]
fn cp1252_cookie_works() {
    let findings =
        analyse(b"# vim: set fileencoding=cp1252 :\n# \x93quoted\x94\nimport os\nos.popen('ls')\n");
    assert!(findings.iter().any(|f| f.code == "DL201"), "{findings:?}");
}

#[test]
fn non_utf8_without_a_cookie_is_undecodable() {
    let findings = analyse(b"import os\nname = '\xe9t\xe9'\nos.system('ls')\n");
    assert_eq!(codes(&findings), vec![(0, "DL903")]);
    assert_eq!(findings[0].severity.to_string(), "warning");
    assert!(
        findings[0].message.contains("utf-8"),
        "{}",
        findings[0].message
    );
}

#[test]
fn an_unknown_cookie_is_undecodable() {
    let findings = analyse(b"# coding: martian\nimport os\n");
    assert_eq!(codes(&findings), vec![(0, "DL903")]);
    assert!(findings[0].message.contains("martian"));
}

#[test]
fn binary_garbage_is_one_diagnostic() {
    let garbage: Vec<u8> = (0..4096u32)
        .map(|i| (i.wrapping_mul(2654435761) >> 13) as u8)
        .collect();
    let findings = analyse(&garbage);
    assert_eq!(findings.len(), 1, "{findings:?}");
    assert_eq!(findings[0].family, Family::Scan);
}

#[test]
fn nul_bytes_do_not_hide_the_rest_of_the_file() {
    // CPython refuses source with NUL bytes; we say so and still look.
    let findings = analyse(b"import os\nx = 1\0\0\nos.system('ls')\n");
    assert!(findings.iter().any(|f| f.code == "DL904"), "{findings:?}");
    assert!(findings.iter().any(|f| f.code == "DL201"), "{findings:?}");
}

#[test]
fn empty_and_bom_only_files_are_silent() {
    assert!(analyse(b"").is_empty());
    assert!(analyse(b"\xEF\xBB\xBF").is_empty());
    assert!(analyse(b"\n\n# just a comment\n").is_empty());
}

#[test]
fn crlf_and_lone_cr_line_endings_count_lines_like_python() {
    let findings = analyse(b"import os\r\nx = 1\ros.system('ls')\r\n");
    let f = findings.iter().find(|f| f.code == "DL201").unwrap();
    assert_eq!(f.location.unwrap().line, 3);
}

#[test]
fn ten_thousand_nested_brackets_do_not_overflow() {
    let findings = on_small_stack(|| {
        let n = 10_000;
        let source = format!(
            "import os\nos.system('ls')\nx = {}1{}\n",
            "[".repeat(n),
            "]".repeat(n)
        );
        analyse(source.as_bytes())
    });
    // CPython refuses more than 200 nested brackets; we report the depth and
    // still analyse the rest.
    assert!(findings.iter().any(|f| f.code == "DL904"), "{findings:?}");
    assert!(findings.iter().any(|f| f.code == "DL201"), "{findings:?}");
}

#[test]
fn ten_thousand_nested_calls_do_not_overflow() {
    let findings = on_small_stack(|| {
        let n = 10_000;
        let source = format!(
            "import os\nx = {}os.system('ls'){}\n",
            "f(".repeat(n),
            ")".repeat(n)
        );
        analyse(source.as_bytes())
    });
    assert!(findings.iter().any(|f| f.code == "DL904"), "{findings:?}");
}

#[test]
fn long_operator_chains_do_not_overflow_when_dropped() {
    // 100 000 `+` make a tree 100 000 levels deep; dropping it naively would
    // overflow even the main thread's stack.
    let findings = on_small_stack(|| {
        let source = format!(
            "import os\nos.system('ls')\nx = 1{}\ny = a{}\n",
            "+1".repeat(100_000),
            ".b".repeat(50_000)
        );
        analyse(source.as_bytes())
    });
    assert!(findings.iter().any(|f| f.code == "DL201"), "{findings:?}");
}

#[test]
fn moderately_deep_code_is_analysed_without_a_diagnostic() {
    let findings = on_small_stack(|| {
        let source = format!(
            "import os\nx = {}os.system('ls'){}\n",
            "(".repeat(150),
            ")".repeat(150)
        );
        analyse(source.as_bytes())
    });
    assert_eq!(codes(&findings), vec![(2, "DL201"), (2, "DL301")]);
}

#[test]
fn the_prefilter_skips_unrelated_files_and_keeps_related_ones() {
    let rules = RuleSet::builtin(distrolint::checks::NATIVE).unwrap();
    assert!(!may_match(
        b"import json\nprint(json.dumps({'run': 1}))\n",
        &rules,
        None
    ));
    assert!(!may_match(b"def system(): pass\nsystem()\n", &rules, None));
    assert!(may_match(
        b"import subprocess as s\ns.run(['ls'])\n",
        &rules,
        None
    ));
    assert!(may_match(
        b"import os\ngetattr(os, 'system')('x')\n",
        &rules,
        None
    ));
    // A relative import names `subprocess` only inside that package.
    let relative = b"from . import helpers\nhelpers.run()\n";
    assert!(may_match(relative, &rules, Some("subprocess.helpers")));
    assert!(!may_match(relative, &rules, Some("myapp.views")));
    assert!(may_match(b"loop.subprocess_exec(f, 'ls')\n", &rules, None));
    assert!(may_match(
        "import os\nos.ｓｙｓｔｅｍ('ls')\n".as_bytes(),
        &rules,
        None
    ));
}

#[test]
fn names_built_from_escapes_are_not_resolved_so_the_prefilter_stays_sound() {
    // `"\x73ystem"` is "system", but the file never spells it: the engine
    // does not resolve it either, so skipping the file loses nothing.
    let rules = RuleSet::builtin(distrolint::checks::NATIVE).unwrap();
    let source = b"import os\ngetattr(os, '\\x73ystem')('ls')\n";
    assert!(!may_match(source, &rules, None));
    assert!(analyse(source).is_empty());
}

#[test]
fn nfkc_identifiers_resolve_like_python() {
    let findings = analyse("import os\nos.ｓｙｓｔｅｍ('ls')\n".as_bytes());
    assert!(findings.iter().any(|f| f.code == "DL201"), "{findings:?}");
}
