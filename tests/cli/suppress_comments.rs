//! Suppression comments as a team writes them: on the line, for the whole
//! file, as a ruff-style `noqa`, and the report of those that suppress
//! nothing.

use std::path::Path;
use std::process::Command;

use serde_json::Value;

fn run_in(cwd: &Path, args: &[&str]) -> (i32, String, String) {
    let output = Command::new(env!("CARGO_BIN_EXE_distrolint"))
        .current_dir(cwd)
        .env("NO_COLOR", "1")
        .args(args)
        .arg("--isolated")
        .output()
        .expect("run distrolint");
    (
        output.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

/// `check app --format json` plus `extra`: the findings as
/// `CODE:line`, and the JSON document.
fn findings(dir: &Path, extra: &[&str]) -> (Vec<String>, Value) {
    let mut args = vec!["check", "app", "--format", "json", "--fail-on", "never"];
    args.extend_from_slice(extra);
    let (code, stdout, stderr) = run_in(dir, &args);
    assert_eq!(code, 0, "{stderr}");
    let doc: Value = serde_json::from_str(&stdout).unwrap();
    let list = doc["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| format!("{}:{}", f["code"].as_str().unwrap(), f["line"]))
        .collect();
    (list, doc)
}

fn app(files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for (name, text) in files {
        let path = dir.path().join("app").join(name);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }
    dir
}

#[test]
fn a_comment_on_the_calls_first_line_suppresses_the_codes_it_names() {
    let dir = app(&[(
        "tasks.py",
        "import os\n\
         import subprocess\n\
         \n\
         def nightly(cmd):\n\
         \x20   os.system(cmd)  # distrolint: ignore[DL201]\n\
         \x20   os.system(\"ls -l\")  # distrolint: ignore[DL201]\n\
         \x20   subprocess.run(  # distrolint: ignore[DL302]\n\
         \x20       cmd,\n\
         \x20   )\n\
         \x20   subprocess.run(cmd)\n",
    )]);
    let (found, doc) = findings(dir.path(), &[]);
    // Line 6 keeps its DL301 (ls is missing): only DL201 was named.
    assert_eq!(found, ["DL301:6", "DL302:10"]);
    assert_eq!(doc["summary"]["gate"]["suppressed"], 3);
}

#[test]
fn noqa_with_distrolint_codes_is_honoured_beside_other_tools_codes() {
    let dir = app(&[(
        "legacy.py",
        "import os\n\
         os.system(\"ls\")  # noqa: E501, DL201,DL301 -- vendored\n\
         os.system(\"ls\")  # noqa\n\
         os.system(\"ls\")  # NOQA:DL2\n",
    )]);
    let (found, _) = findings(dir.path(), &[]);
    // A bare noqa suppresses nothing; a prefix works like a code. Line 3's
    // missing `ls` is part of its shell finding; on line 4, with DL201
    // suppressed, it stands alone.
    assert_eq!(found, ["DL201:3", "DL301:4"]);
}

#[test]
fn a_file_level_comment_covers_the_whole_file_and_only_its_codes() {
    let dir = app(&[
        (
            "worker.py",
            "# distrolint: ignore-file[DL302, exec]\nimport os, subprocess\n\ndef go(cmd):\n    subprocess.run(cmd)\n    subprocess.run(['git', 'pull'])\n    os.system(cmd)\n",
        ),
        ("other.py", "import subprocess\nsubprocess.run(['git', 'pull'])\n"),
    ]);
    let (found, doc) = findings(dir.path(), &[]);
    assert_eq!(found, ["DL301:2", "DL201:7"]);
    assert_eq!(doc["findings"][0]["path"], "app/other.py");
}

#[test]
fn unused_suppressions_are_reported_when_asked() {
    let dir = app(&[
        (
            "tasks.py",
            "import os\n\
             os.system(\"ls\")  # distrolint: ignore[DL201, DL301, DL303]\n\
             x = 1  # noqa: E501, DL201\n\
             y = 2  # distrolint: ignore[DL299]\n\
             z = 3  # distrolint: ignore\n",
        ),
        // A file with no finding at all is read too.
        ("clean.py", "import json  # noqa: DL201\n"),
    ]);
    let (found, _) = findings(dir.path(), &[]);
    assert!(found.is_empty(), "{found:?}");

    let (found, doc) = findings(dir.path(), &["--report-unused-ignores"]);
    assert_eq!(
        found,
        ["DL910:1", "DL910:2", "DL910:3", "DL910:4", "DL910:5"]
    );
    let messages: Vec<&str> = doc["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["message"].as_str().unwrap())
        .collect();
    assert_eq!(doc["findings"][0]["path"], "app/clean.py");
    assert!(
        messages[1].starts_with("DL303 in `# distrolint: ignore[DL201, DL301, DL303]` suppresses nothing: there is no DL303 finding on this line"),
        "{}",
        messages[1]
    );
    assert!(
        messages[2].contains("`# noqa: E501, DL201`"),
        "{}",
        messages[2]
    );
    assert!(
        messages[3].contains("DL299 is not a distrolint code"),
        "{}",
        messages[3]
    );
    assert!(messages[4].contains("names no codes"), "{}", messages[4]);
    assert_eq!(doc["findings"][1]["column"], 18);
    assert_eq!(doc["findings"][1]["severity"], "warning");

    // DL910 is a code like any other.
    let (found, _) = findings(
        dir.path(),
        &["--report-unused-ignores", "--ignore", "DL910"],
    );
    assert!(found.is_empty(), "{found:?}");
    let (code, _, _) = run_in(dir.path(), &["check", "app", "--report-unused-ignores"]);
    assert_eq!(
        code, 0,
        "DL910 is a warning; the default --fail-on is error"
    );
}

#[test]
fn a_directive_inside_a_string_suppresses_nothing() {
    // The command's own text carries the directive: it is a string, not a
    // comment, so DL201 stays.
    let dir = app(&[(
        "tasks.py",
        "import os\n\
         os.system(\"x # distrolint: ignore[DL201]\")\n\
         os.system(\"\"\"\n\
         # distrolint: ignore-file[DL201]\n\
         \"\"\")\n",
    )]);
    let (found, doc) = findings(dir.path(), &[]);
    assert!(
        found.iter().filter(|f| f.starts_with("DL201:")).count() == 2,
        "{found:?}"
    );
    assert_eq!(doc["summary"]["gate"]["suppressed"], 0);
}
