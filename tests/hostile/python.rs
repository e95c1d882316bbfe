//! Python files nobody reviewed, through the real binary: random bytes,
//! NUL bytes, bytes that are not text in the declared (or the default)
//! encoding, 100 000 nested brackets, and a 50 MB module. Each file gives
//! exactly one diagnostic (or the finding its code calls for, where the
//! text is readable), the files beside it are still checked, and the exit
//! status stays 0 or 1 — a stack overflow would kill the process, which is
//! why these run the binary and not the library.

use crate::support::hostile as support;

use std::path::Path;

const BASE: &str = "python3-debian12";
/// Every hostile tree also holds this file, whose one finding proves the
/// scan went on.
const WITNESS: &str = "zz_witness.py";

fn write(root: &Path, relative: &str, bytes: &[u8]) {
    let path = root.join(relative);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, bytes).unwrap();
}

fn with_witness(root: &Path) {
    write(root, WITNESS, b"import os\nos.system('ls')\n");
}

fn assert_witness(run: &support::Run) {
    assert!(
        run.codes(WITNESS).iter().any(|c| c == "DL201"),
        "the scan went on to the witness: {:#?}",
        run.by_file
    );
    assert_eq!(run.code, 1, "the witness's DL201 is an error");
}

#[test]
fn bytes_that_are_not_text_are_one_diagnostic_each() {
    let tree = tempfile::tempdir().unwrap();
    let t = tree.path();
    with_witness(t);
    let random = support::pseudo_random_bytes(7, 256 * 1024);
    write(t, "random.py", &random);
    // Random bytes that happen to start with a coding cookie.
    let mut cookie_random = b"# -*- coding: utf-8 -*-\n".to_vec();
    cookie_random.extend_from_slice(&random[..4096]);
    write(t, "random_after_cookie.py", &cookie_random);
    write(
        t,
        "latin1_no_cookie.py",
        b"import os\nname = '\xe9t\xe9'\nos.system('ls')\n",
    );
    write(
        t,
        "utf8_cookie_invalid.py",
        b"# coding: utf-8\nimport os\nname = '\xff\xfe'\nos.system('ls')\n",
    );
    write(
        t,
        "ascii_cookie_high_bytes.py",
        b"# coding: ascii\nname = '\xe9'\n",
    );
    write(t, "unknown_cookie.py", b"# coding: klingon\nimport os\n");
    write(
        t,
        "bom_and_latin1_cookie.py",
        b"\xef\xbb\xbf# coding: latin-1\nimport os\n",
    );
    write(t, "truncated_utf8.py", b"name = '\xe2\x82'\n");
    write(t, "overlong_utf8.py", b"name = '\xc0\xaf'\n");
    write(t, "surrogate_utf8.py", b"name = '\xed\xa0\x80'\n");

    let run = support::check(t, BASE);
    assert_witness(&run);
    for file in [
        "random.py",
        "random_after_cookie.py",
        "latin1_no_cookie.py",
        "utf8_cookie_invalid.py",
        "ascii_cookie_high_bytes.py",
        "unknown_cookie.py",
        "bom_and_latin1_cookie.py",
        "truncated_utf8.py",
        "overlong_utf8.py",
        "surrogate_utf8.py",
    ] {
        let finding = run.only(file);
        assert_eq!(finding["code"], "DL903", "{file}: {finding:#?}");
        assert_eq!(finding["family"], "scan", "{file}");
    }
}

/// A cookie that names the encoding the bytes are in makes them text:
/// the file is analysed like any other, with no diagnostic.
#[test]
fn a_coding_cookie_makes_legacy_bytes_readable() {
    let tree = tempfile::tempdir().unwrap();
    let t = tree.path();
    write(
        t,
        "latin1.py",
        b"# -*- coding: latin-1 -*-\nimport os\nname = '\xe9t\xe9'\nos.system('ls')\n",
    );
    write(
        t,
        "cp1252.py",
        b"# vim: set fileencoding=cp1252 :\n# \x93quoted\x94\nimport os\nos.popen('ls')\n",
    );
    let run = support::check(t, BASE);
    for file in ["latin1.py", "cp1252.py"] {
        let codes = run.codes(file);
        assert!(codes.contains(&"DL201".to_string()), "{file}: {codes:?}");
        assert!(
            !codes.iter().any(|c| c.starts_with("DL90")),
            "{file}: {codes:?}"
        );
    }
}

/// CPython refuses source with NUL bytes; distrolint says so once (DL904)
/// and still reports what the readable parts call.
#[test]
fn nul_bytes() {
    let tree = tempfile::tempdir().unwrap();
    let t = tree.path();
    with_witness(t);
    write(t, "all_nul.py", &[0u8; 4096]);
    write(
        t,
        "nul_in_line.py",
        b"import os\nx = 1\0\0\nos.system('ls')\n",
    );
    let run = support::check(t, BASE);
    assert_witness(&run);
    assert_eq!(run.only("all_nul.py")["code"], "DL904");
    let codes = run.codes("nul_in_line.py");
    assert_eq!(
        codes.iter().filter(|c| c.starts_with("DL90")).count(),
        1,
        "{codes:?}"
    );
    assert!(codes.contains(&"DL904".to_string()), "{codes:?}");
    assert!(codes.contains(&"DL201".to_string()), "{codes:?}");
}

/// A NUL byte inside a string literal: ruff's parser accepts it, CPython
/// refuses the whole file ("source code cannot contain null bytes").
#[test]
fn a_nul_byte_inside_a_string_literal() {
    let tree = tempfile::tempdir().unwrap();
    let t = tree.path();
    write(t, "nul_in_string.py", b"import os\nos.system('a\0b')\n");
    let run = support::check(t, BASE);
    let codes = run.codes("nul_in_string.py");
    assert!(codes.contains(&"DL904".to_string()), "{:#?}", run.by_file);
    assert!(codes.contains(&"DL201".to_string()), "{:#?}", run.by_file);
}

/// 100 000 levels of every kind of nesting the grammar allows. CPython
/// refuses them all; the parser must not overflow its stack on the way,
/// on a worker thread of the default size.
#[test]
fn a_hundred_thousand_nested_brackets() {
    const DEPTH: usize = 100_000;
    let tree = tempfile::tempdir().unwrap();
    let t = tree.path();
    with_witness(t);
    let repeat = |s: &str| s.repeat(DEPTH);
    // Each file starts with a call the rules know, so that the prefilter
    // lets it through to the parser (a file naming nothing the rules match
    // is not parsed at all) and the call before the nesting is found.
    let call = "import os\nos.system('ls')\n";
    let deep: Vec<(&str, String)> = vec![
        (
            "brackets.py",
            format!("x = {}{}\n", repeat("["), repeat("]")),
        ),
        ("braces.py", format!("x = {}{}\n", repeat("{"), repeat("}"))),
        ("unclosed.py", format!("x = {}\n", repeat("(["))),
        ("unary.py", format!("x = {}1\n", repeat("-"))),
        ("not.py", format!("x = {}y\n", repeat("not "))),
        ("binary.py", format!("x = {}1\n", repeat("1 + "))),
        ("power.py", format!("x = {}1\n", repeat("2 ** "))),
        ("calls.py", format!("x = f{}\n", repeat("()"))),
        ("subscripts.py", format!("x = a{}\n", repeat("[0]"))),
        ("attributes.py", format!("x = a{}\n", repeat(".b"))),
        ("lambdas.py", format!("x = {}0\n", repeat("lambda: "))),
        (
            "conditional.py",
            format!("x = {}0\n", repeat("1 if y else ")),
        ),
    ];
    // Nesting that leaves no depth in the syntax tree: parentheses around
    // an expression vanish in it, and 200 nested f-strings are shallow.
    // CPython refuses 100 000 parentheses in its tokenizer; distrolint
    // analyses the call inside them.
    let flat: Vec<(&str, String)> = vec![
        (
            "parens.py",
            format!("x = {}'ls'{}\n", repeat("("), repeat(")")),
        ),
        ("fstrings.py", format!("x = {}\n", nested_fstring(200))),
    ];
    for (name, source) in deep.iter().chain(&flat) {
        write(t, name, format!("{call}{source}").as_bytes());
    }
    let run = support::check(t, BASE);
    assert_witness(&run);
    for (name, _) in deep.iter().chain(&flat) {
        let codes = run.codes(name);
        assert!(
            codes.contains(&"DL201".to_string()),
            "{name}: the call before the nesting: {codes:?}"
        );
        let diagnostics: Vec<&String> = codes.iter().filter(|c| c.starts_with("DL90")).collect();
        assert!(
            diagnostics.len() <= 1,
            "{name}: at most one diagnostic: {codes:?}"
        );
        if deep.iter().any(|(n, _)| n == name) {
            assert_eq!(diagnostics, ["DL904"], "{name}: {codes:?}");
        }
    }
}

/// f-strings nested through their replacement fields (allowed since 3.12).
fn nested_fstring(depth: usize) -> String {
    let mut s = String::from("x");
    for _ in 0..depth {
        s = format!("f'{{{s}}}'");
        s = s.replace('\'', "\"");
    }
    s
}

/// A 50 MB module (generated code does this): read, parsed and checked
/// like any other, its one call found on its last line.
#[test]
fn a_fifty_megabyte_module() {
    let tree = tempfile::tempdir().unwrap();
    let t = tree.path();
    with_witness(t);
    let mut source = String::from("import os\n");
    let mut i = 0u64;
    while source.len() < 50 * 1024 * 1024 {
        source.push_str(&format!(
            "value_{i} = compute({i}, name='item_{i}', flags=[{i}, {}])\n",
            i * 7
        ));
        i += 1;
    }
    source.push_str("os.system('ls')\n");
    let last_line = source.lines().count();
    write(t, "generated.py", source.as_bytes());
    drop(source);

    let run = support::check(t, BASE);
    assert_witness(&run);
    let findings = &run.by_file["generated.py"];
    assert!(
        findings.iter().all(|f| f["family"] != "scan"),
        "{findings:#?}"
    );
    let shell = findings
        .iter()
        .find(|f| f["code"] == "DL201")
        .unwrap_or_else(|| panic!("{findings:#?}"));
    assert_eq!(shell["line"], last_line as u64);
}

/// Names whose values are built from the name before, four times over on
/// each of 40 lines: a list (`X2 = [X1, X1, X1, X1]`) and a platform test
/// (`W2 = W1 == W1 == W1 == W1`). Followed naively, the value of the last
/// name takes 4^40 steps and the check never ends; each assignment must be
/// evaluated once. Nothing is timed: the watchdog only turns that hang into
/// a failure.
#[test]
fn names_built_from_names_are_evaluated_once_each() {
    const LINES: usize = 40;
    let tree = tempfile::tempdir().unwrap();
    let t = tree.path();
    with_witness(t);
    let mut lists = String::from("import subprocess\nX0 = 'ls'\n");
    let mut tests = String::from("import os\nimport sys\nW0 = sys.platform == 'win32'\n");
    for i in 1..=LINES {
        let p = i - 1;
        lists.push_str(&format!("X{i} = [X{p}, X{p}, X{p}, X{p}]\n"));
        tests.push_str(&format!("W{i} = W{p} == W{p} == W{p} == W{p}\n"));
    }
    lists.push_str(&format!("subprocess.run(X{LINES})\n"));
    tests.push_str(&format!("if W{LINES}:\n    os.system('ls')\n"));
    write(t, "lists.py", lists.as_bytes());
    write(t, "flags.py", tests.as_bytes());

    let run = check_within_five_minutes(t);
    assert_witness(&run);
    // The list is too big to know: the program it starts is unknown.
    assert_eq!(run.codes("lists.py"), ["DL302"], "{:#?}", run.by_file);
    // `False == False` is not a string comparison, so the test is unknown
    // and the call may run: `ls` through a shell, one finding for both.
    assert_eq!(run.codes("flags.py"), ["DL201"], "{:#?}", run.by_file);
}

/// Runs the check on `root`, failing if it has not ended after five
/// minutes: a watchdog that turns a hang into a failure, not a timing. The
/// output goes to files, which never fill up as a pipe nobody reads does.
fn check_within_five_minutes(root: &Path) -> support::Run {
    let output = tempfile::tempdir().unwrap();
    let stdout = output.path().join("stdout");
    let stderr = output.path().join("stderr");
    let mut child = support::command(root, BASE)
        .stdout(std::fs::File::create(&stdout).unwrap())
        .stderr(std::fs::File::create(&stderr).unwrap())
        .spawn()
        .expect("run distrolint");
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(300);
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if std::time::Instant::now() > deadline {
            child.kill().unwrap();
            panic!("the check did not end");
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
    };
    let output = std::process::Output {
        status,
        stdout: std::fs::read(&stdout).unwrap(),
        stderr: std::fs::read(&stderr).unwrap(),
    };
    support::read_run(root, output)
}

/// Generated code: 15 000 `try` statements and as many guards in one
/// module, each around a program the base lacks, and a 20 000-clause
/// `elif` chain that raises in every clause, whose account of how its
/// clauses may end is bounded (kept whole, it would be quadratic in the
/// clauses). The check ends, and every call is handled.
#[test]
fn thirty_thousand_handled_calls_in_one_module() {
    const BLOCKS: usize = 15_000;
    let tree = tempfile::tempdir().unwrap();
    let t = tree.path();
    with_witness(t);
    let mut source = String::from("import shutil\nimport subprocess\n");
    for _ in 0..BLOCKS {
        source.push_str("try:\n    subprocess.run(['git', 'log'])\nexcept OSError:\n    pass\n");
        source.push_str("if shutil.which('git'):\n    subprocess.run(['git', 'status'])\n");
    }
    source.push_str("def pick(kind):\n    if kind == 0:\n        raise ValueError(0)\n");
    for i in 1..20_000 {
        source.push_str(&format!(
            "    elif kind == {i}:\n        raise ValueError({i})\n"
        ));
    }
    write(t, "generated.py", source.as_bytes());
    drop(source);

    let run = check_within_five_minutes(t);
    assert_witness(&run);
    let findings = &run.by_file["generated.py"];
    assert!(!findings.is_empty());
    // Listed or summarised, every finding of the module is a note.
    for finding in findings {
        assert_eq!(finding["severity"], "info", "{finding:#}");
    }
}
