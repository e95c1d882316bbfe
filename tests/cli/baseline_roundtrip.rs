//! Adopting distrolint on a tree that already has findings: record them in
//! a baseline, keep working, and see only what is new.

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

fn codes_and_lines(json: &str) -> Vec<(String, u64)> {
    let doc: Value = serde_json::from_str(json).expect("JSON report");
    doc["findings"]
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

const BEFORE: &str = "\
import os
import subprocess


def convert(html, pdf):
    os.system(f\"wkhtmltopdf {html} {pdf}\")
    subprocess.run([\"git\", \"rev-parse\", \"HEAD\"], check=True)
";

/// The same module a few commits later: a docstring and an import above the
/// accepted calls, the first call reformatted over three lines, and one new
/// shell call.
const AFTER: &str = "\
\"\"\"Invoices.

Rendered to PDF.
\"\"\"
import os
import shutil
import subprocess


def convert(html, pdf):
    os.system(
        f'wkhtmltopdf {html} {pdf}',
    )
    subprocess.run(['git', 'rev-parse', 'HEAD'], check=True)


def archive(path):
    os.system(\"tar czf backup.tgz \" + path)
";

#[test]
fn after_line_shifts_and_reformatting_only_the_new_finding_is_reported() {
    let dir = tempfile::tempdir().unwrap();
    let app = dir.path().join("app");
    std::fs::create_dir(&app).unwrap();
    std::fs::write(app.join("invoice.py"), BEFORE).unwrap();

    let (code, stdout, stderr) = run_in(
        dir.path(),
        &[
            "check",
            "app",
            "--write-baseline",
            "distrolint-baseline.json",
        ],
    );
    assert_eq!(code, 0, "{stderr}");
    assert!(stdout.is_empty(), "{stdout}");
    // os.system of wkhtmltopdf is one finding (DL201, the missing program
    // joined in), the git call another.
    assert!(stderr.contains("Wrote 2 findings"), "{stderr}");
    let baseline: Value = serde_json::from_slice(
        &std::fs::read(dir.path().join("distrolint-baseline.json")).unwrap(),
    )
    .unwrap();
    assert_eq!(baseline["entries"][0]["path"], "app/invoice.py");

    let (code, stdout, _) = run_in(
        dir.path(),
        &["check", "app", "--baseline", "distrolint-baseline.json"],
    );
    assert_eq!(code, 0, "{stdout}");
    assert!(stdout.contains("2 accepted by the baseline"), "{stdout}");

    std::fs::write(app.join("invoice.py"), AFTER).unwrap();
    let (code, stdout, stderr) = run_in(
        dir.path(),
        &[
            "check",
            "app",
            "--baseline",
            "distrolint-baseline.json",
            "--format",
            "json",
        ],
    );
    assert_eq!(code, 1, "{stderr}");
    assert_eq!(
        codes_and_lines(&stdout),
        [("DL201".to_string(), 18)],
        "only the new call: {stdout}"
    );
    assert!(stderr.is_empty(), "nothing is stale: {stderr}");
}

#[test]
fn fixed_findings_make_baseline_entries_stale_and_they_are_reported() {
    let dir = tempfile::tempdir().unwrap();
    let app = dir.path().join("app");
    std::fs::create_dir(&app).unwrap();
    std::fs::write(app.join("invoice.py"), BEFORE).unwrap();
    let (code, _, _) = run_in(dir.path(), &["check", "app", "--write-baseline", "b.json"]);
    assert_eq!(code, 0);

    // The git call is gone; the os.system stays.
    std::fs::write(
        app.join("invoice.py"),
        BEFORE.replace(
            "    subprocess.run([\"git\", \"rev-parse\", \"HEAD\"], check=True)\n",
            "",
        ),
    )
    .unwrap();
    let (code, stdout, stderr) = run_in(
        dir.path(),
        &["check", "app", "--baseline", "b.json", "--format", "json"],
    );
    assert_eq!(code, 0, "a stale entry does not fail the check: {stderr}");
    assert!(
        stderr.contains("1 findings in the baseline b.json no longer occur"),
        "{stderr}"
    );
    let doc: Value = serde_json::from_str(&stdout).unwrap();
    let gate = &doc["summary"]["gate"]["baseline"];
    assert_eq!(gate["matched"], 1);
    assert_eq!(gate["stale"][0]["code"], "DL301");
    assert_eq!(gate["stale"][0]["what"], "subprocess.run");
}

#[test]
fn a_baseline_that_is_not_one_is_a_tool_error() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("b.json"), "{\"findings\": []}").unwrap();
    let (code, _, stderr) = run_in(dir.path(), &["check", ".", "--baseline", "b.json"]);
    assert_eq!(code, 2);
    assert!(stderr.contains("not a distrolint baseline"), "{stderr}");
    let (code, _, _) = run_in(dir.path(), &["check", ".", "--baseline", "none.json"]);
    assert_eq!(code, 2);
}

#[test]
fn write_baseline_does_not_write_through_a_symlink_the_tree_planted() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("app.py"), BEFORE).unwrap();
    let victim = dir.path().join("victim.txt");
    std::fs::write(&victim, "precious\n").unwrap();
    std::os::unix::fs::symlink(&victim, dir.path().join("distrolint-baseline.json")).unwrap();
    let (code, _, stderr) = run_in(
        dir.path(),
        &[
            "check",
            "app.py",
            "--write-baseline",
            "distrolint-baseline.json",
        ],
    );
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains("symbolic link"), "{stderr}");
    assert_eq!(std::fs::read_to_string(&victim).unwrap(), "precious\n");
}

/// A team wraps an accepted call in `try`/`except OSError` with a
/// fallback: the finding becomes a note in every format, the gate passes
/// without the baseline, and the baseline still matches it, since the code
/// and fingerprint stay.
#[test]
fn handling_a_failure_changes_its_severity_not_its_fingerprint() {
    const UNHANDLED: &str = "\
import subprocess


def text(image):
    return subprocess.check_output([\"tesseract\", image, \"-\"])
";
    const HANDLED: &str = "\
import subprocess


def text(image):
    try:
        return subprocess.check_output([\"tesseract\", image, \"-\"])
    except OSError:
        return b\"\"
";
    let dir = tempfile::tempdir().unwrap();
    let app = dir.path().join("app");
    std::fs::create_dir(&app).unwrap();
    std::fs::write(app.join("ocr.py"), UNHANDLED).unwrap();
    let json = |args: &[&str]| {
        let mut all = vec!["check", "app", "--format", "json"];
        all.extend_from_slice(args);
        let (code, stdout, stderr) = run_in(dir.path(), &all);
        let doc: Value = serde_json::from_str(&stdout).expect(&stderr);
        (code, doc)
    };
    let (code, before) = json(&[]);
    assert_eq!(code, 1);
    assert_eq!(before["findings"][0]["severity"], "error");
    let (code, _, _) = run_in(dir.path(), &["check", "app", "--write-baseline", "b.json"]);
    assert_eq!(code, 0);

    std::fs::write(app.join("ocr.py"), HANDLED).unwrap();
    let (code, after) = json(&[]);
    assert_eq!(code, 0, "a note does not fail the gate: {after:#}");
    let finding = &after["findings"][0];
    assert_eq!(finding["code"], "DL301");
    assert_eq!(finding["severity"], "info");
    assert_eq!(finding["handled"], "caught at line 7 (except OSError)");
    assert_eq!(
        finding["fingerprint"], before["findings"][0]["fingerprint"],
        "{finding:#}"
    );
    let (code, with_baseline) = json(&["--baseline", "b.json"]);
    assert_eq!(code, 0);
    assert_eq!(with_baseline["summary"]["gate"]["baseline"]["matched"], 1);
    assert!(with_baseline["findings"].as_array().unwrap().is_empty());

    let (code, sarif, _) = run_in(dir.path(), &["check", "app", "--format", "sarif"]);
    assert_eq!(code, 0);
    let sarif: Value = serde_json::from_str(&sarif).unwrap();
    assert_eq!(sarif["runs"][0]["results"][0]["level"], "note");
}
