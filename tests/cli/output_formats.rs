//! The CI outputs as a pipeline meets them: GitHub annotations, a GitLab
//! Code Quality report, `--output`, `--exit-zero` and `--statistics`.

use std::path::Path;
use std::process::Command;

use serde_json::Value;

/// Runs distrolint in `cwd` with no configuration file.
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

/// An application with two identical `os.system` calls (DL201 errors) in a
/// file whose name needs escaping, and a call whose shell= is unknown
/// (a DL202 warning).
fn app() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("app")).unwrap();
    std::fs::write(
        dir.path().join("app/report,v2.py"),
        "import os\nimport subprocess\n\n\ndef run(cmd, use_shell):\n    os.system(cmd)\n    os.system(cmd)\n    subprocess.run([\"python3\", cmd], shell=use_shell)\n",
    )
    .unwrap();
    dir
}

#[test]
fn github_annotations_name_file_line_column_and_code_escaped() {
    let dir = app();
    let (code, stdout, _) = run_in(dir.path(), &["check", "app", "--format", "github"]);
    assert_eq!(code, 1, "{stdout}");
    let lines: Vec<&str> = stdout.lines().collect();
    assert_eq!(lines.len(), 3, "{stdout}");
    assert!(
        lines[0].starts_with("::error file=app/report%2Cv2.py,line=6,col=5,title=DL201::"),
        "{}",
        lines[0]
    );
    assert!(lines[2].starts_with("::warning file=app/report%2Cv2.py,line=8,col=5,title=DL202::"));
    // A message spans one line: its newlines are escaped.
    assert!(lines[0].contains("%0Ahelp: "), "{}", lines[0]);
}

#[test]
fn gitlab_code_quality_has_unique_fingerprints_and_mapped_severities() {
    let dir = app();
    let (_, stdout, _) = run_in(dir.path(), &["check", "app", "--format", "gitlab"]);
    let issues: Vec<Value> = serde_json::from_str(&stdout).expect("a JSON array");
    assert_eq!(issues.len(), 3);
    let fingerprints: std::collections::HashSet<&str> = issues
        .iter()
        .map(|i| i["fingerprint"].as_str().unwrap())
        .collect();
    assert_eq!(
        fingerprints.len(),
        3,
        "identical calls still differ: {stdout}"
    );
    assert_eq!(issues[0]["check_name"], "DL201");
    assert_eq!(issues[0]["severity"], "critical");
    assert_eq!(issues[2]["severity"], "minor");
    assert_eq!(issues[0]["location"]["path"], "app/report,v2.py");
    assert_eq!(issues[1]["location"]["lines"]["begin"], 7);
    assert!(issues[0]["description"]
        .as_str()
        .unwrap()
        .starts_with("DL201: "));
}

#[test]
fn output_writes_the_report_to_a_file_and_exit_zero_keeps_the_pipeline_green() {
    let dir = app();
    let (code, stdout, _) = run_in(
        dir.path(),
        &[
            "check",
            "app",
            "--format",
            "sarif",
            "--output",
            "out.sarif",
            "--exit-zero",
        ],
    );
    assert_eq!(code, 0);
    assert!(stdout.is_empty(), "{stdout}");
    let sarif: Value =
        serde_json::from_slice(&std::fs::read(dir.path().join("out.sarif")).unwrap()).unwrap();
    assert_eq!(sarif["runs"][0]["results"].as_array().unwrap().len(), 3);
    // --exit-zero does not hide tool errors.
    let (code, _, _) = run_in(dir.path(), &["check", "missing-dir", "--exit-zero"]);
    assert_eq!(code, 2);
}

#[test]
fn statistics_count_findings_by_code_most_frequent_first() {
    let dir = app();
    let (code, stdout, _) = run_in(dir.path(), &["check", "app", "--statistics"]);
    assert_eq!(code, 1, "statistics do not change the exit status");
    assert_eq!(
        stdout,
        "2\tDL201\tshell-always\t[error]\n1\tDL202\tshell-true\t[warning]\nFound 3 findings.\n"
    );
    let (_, stdout, _) = run_in(
        dir.path(),
        &["check", "app", "--statistics", "--format", "json"],
    );
    let rows: Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(rows[0]["code"], "DL201");
    assert_eq!(rows[0]["count"], 2);
    let (code, _, stderr) = run_in(
        dir.path(),
        &["check", "app", "--statistics", "--format", "sarif"],
    );
    assert_eq!(code, 2, "{stderr}");
}

#[test]
fn json_findings_carry_their_fingerprint() {
    let dir = app();
    let (_, stdout, _) = run_in(dir.path(), &["check", "app", "--format", "json"]);
    let doc: Value = serde_json::from_str(&stdout).unwrap();
    let first = doc["findings"][0]["fingerprint"].as_str().unwrap();
    let second = doc["findings"][1]["fingerprint"].as_str().unwrap();
    assert_eq!(first.len(), 16);
    assert_eq!(second, format!("{first}:2"));
    assert_eq!(doc["summary"]["gate"]["suppressed"], 0);
}

#[test]
fn output_does_not_write_through_a_symlink_the_tree_planted() {
    // A pull request commits the Action's default report path as a link to
    // a file the runner can write.
    let dir = app();
    let victim = dir.path().join("victim.txt");
    std::fs::write(&victim, "precious\n").unwrap();
    std::os::unix::fs::symlink(&victim, dir.path().join("distrolint.sarif")).unwrap();
    let (code, _, stderr) = run_in(
        dir.path(),
        &[
            "check",
            "app",
            "--format",
            "sarif",
            "--output",
            "distrolint.sarif",
        ],
    );
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains("symbolic link"), "{stderr}");
    assert_eq!(std::fs::read_to_string(&victim).unwrap(), "precious\n");

    // A regular file already there is replaced as before.
    std::fs::remove_file(dir.path().join("distrolint.sarif")).unwrap();
    std::fs::write(dir.path().join("distrolint.sarif"), "stale").unwrap();
    let (code, _, stderr) = run_in(
        dir.path(),
        &[
            "check",
            "app",
            "--format",
            "sarif",
            "--output",
            "distrolint.sarif",
        ],
    );
    assert_eq!(code, 1, "{stderr}");
    let sarif: Value =
        serde_json::from_slice(&std::fs::read(dir.path().join("distrolint.sarif")).unwrap())
            .unwrap();
    assert_eq!(sarif["version"], "2.1.0");
}

/// The human report shows a snippet with its control characters escaped,
/// and the span still underlined where the call is: the escapes before it
/// make the shown line longer than the file's, and the label moves with
/// them. A line of thousands of calls is shown cut around each call, not
/// whole for every one of them.
#[test]
fn human_snippets_are_escaped_and_the_label_stays_on_the_call() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("app")).unwrap();
    std::fs::write(
        dir.path().join("app/x.py"),
        "import os\nx = '\u{1b}[2J\u{202e}'; os.system('ls')\n",
    )
    .unwrap();
    let long_line = format!("import os\n{}\n", "os.system('x');".repeat(2000));
    std::fs::write(dir.path().join("app/long.py"), &long_line).unwrap();
    let (_, stdout, _) = run_in(dir.path(), &["check", "app/x.py", "--select", "DL201"]);
    let lines: Vec<&str> = stdout.lines().collect();
    let shown = lines
        .iter()
        .position(|l| l.contains("os.system('ls')"))
        .unwrap_or_else(|| panic!("{stdout}"));
    assert!(
        lines[shown].contains("x = '\\x1b[2J\\u{202e}'; os.system('ls')"),
        "{}",
        lines[shown]
    );
    assert!(
        lines[shown].trim_start().starts_with("2 │ "),
        "{}",
        lines[shown]
    );
    assert!(stdout.contains("[app/x.py:2:14]"), "{stdout}");
    let call = lines[shown].find("os.system").unwrap();
    let underline = lines[shown + 1];
    let first_mark = underline
        .char_indices()
        .find(|(_, c)| *c == '─')
        .map(|(i, _)| i)
        .unwrap();
    assert_eq!(
        lines[shown][..call].chars().count(),
        underline[..first_mark].chars().count(),
        "the label starts under the call:\n{}\n{}",
        lines[shown],
        underline
    );

    let (_, stdout, _) = run_in(dir.path(), &["check", "app/long.py", "--select", "DL201"]);
    let widest = stdout.lines().map(|l| l.chars().count()).max().unwrap();
    assert!(widest < 400, "a snippet line of {widest} characters");
    assert!(
        stdout.contains("[app/long.py:2:286]"),
        "{}",
        &stdout[..2000]
    );
}

/// A module of 600 notes (`subprocess.run` of a program not known
/// statically, DL302) followed by 400 calls of `os.system` (one error
/// each: the shell, with the program the base lacks joined in), and a line
/// of 50 calls: each
/// format lists at most 500 findings of the file and 20 of the line, and
/// one summary per code for the rest. The hidden findings still count:
/// in the summary, and in the exit status, which an error seen only among
/// the hidden ones still fails.
#[test]
fn findings_beyond_the_bounds_are_summarised_and_still_fail_the_gate() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("app")).unwrap();
    let mut module = String::from("import os\nimport subprocess\n\n\ndef run(cmd):\n");
    module.push_str(&"    subprocess.run(cmd)\n".repeat(600));
    module.push_str(&"os.system('ls')\n".repeat(400));
    std::fs::write(dir.path().join("app/many.py"), module).unwrap();
    std::fs::write(
        dir.path().join("app/line.py"),
        format!("import os\n{}\n", "os.system('ls');".repeat(50)),
    )
    .unwrap();
    let args = |format: &'static str| ["check", "app", "--fail-on", "error", "--format", format];

    let (code, stdout, _) = run_in(dir.path(), &args("json"));
    assert_eq!(code, 1, "the hidden errors fail the gate");
    let doc: Value = serde_json::from_str(&stdout).unwrap();
    let findings = doc["findings"].as_array().unwrap();
    let in_file = |name: &str| -> Vec<&Value> {
        findings
            .iter()
            .filter(|f| f["path"].as_str().unwrap().ends_with(name))
            .collect()
    };
    let many = in_file("many.py");
    assert_eq!(many.len(), 500 + 2, "{:#?}", &many[498..]);
    assert!(many[..500].iter().all(|f| f.get("hidden").is_none()));
    let summaries: Vec<(&str, u64, &str)> = many[500..]
        .iter()
        .map(|f| {
            (
                f["code"].as_str().unwrap(),
                f["hidden"].as_u64().unwrap(),
                f["severity"].as_str().unwrap(),
            )
        })
        .collect();
    // Only notes are shown; every error is hidden.
    assert_eq!(summaries, [("DL201", 400, "error"), ("DL302", 100, "info")]);
    let line = in_file("line.py");
    // 50 calls give 50 findings on one line: 20 shown.
    assert_eq!(line.len(), 20 + 1, "{line:#?}");
    assert!(line[20]["message"]
        .as_str()
        .unwrap()
        .contains("more DL201 findings like this in app/line.py, not shown"));
    let by_code: u64 = doc["summary"]["by_code"]
        .as_object()
        .unwrap()
        .values()
        .map(|v| v.as_u64().unwrap())
        .sum();
    assert_eq!(by_code, 600 + 400 + 50, "the summary counts every finding");
    assert_eq!(doc["summary"]["by_severity"]["error"], 450);

    let (code, stdout, _) = run_in(dir.path(), &args("sarif"));
    assert_eq!(code, 1);
    let sarif: Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(
        sarif["runs"][0]["results"].as_array().unwrap().len(),
        findings.len()
    );
    let (_, stdout, _) = run_in(dir.path(), &args("gitlab"));
    let issues: Vec<Value> = serde_json::from_str(&stdout).unwrap();
    let unique: std::collections::HashSet<&str> = issues
        .iter()
        .map(|i| i["fingerprint"].as_str().unwrap())
        .collect();
    assert_eq!(unique.len(), findings.len());
    let (code, stdout, _) = run_in(dir.path(), &args("github"));
    assert_eq!(code, 1);
    assert_eq!(stdout.lines().count(), findings.len());
    let (code, stdout, _) = run_in(dir.path(), &args("human"));
    assert_eq!(code, 1);
    assert!(stdout.contains("400 more DL201 findings like this in app/many.py"));
    assert!(
        stdout.contains("Found 450 errors, 0 warnings, 600 notes."),
        "{}",
        &stdout[stdout.len() - 400..]
    );
}
