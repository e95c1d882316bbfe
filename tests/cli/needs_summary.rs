//! One cause, one finding (a missing program behind a shell is part of the
//! shell finding), and the list of what the application needs that the
//! base lacks, at the end of the human report and in the JSON document.

use std::path::Path;

use serde_json::Value;

use crate::support::rules::{distrolint, stdout};

const TASKS: &str = "import os, shutil, subprocess\n\
    \n\
    def fix_owner():\n\
    \x20   os.system(\"chown app /data\")\n\
    \n\
    def listing():\n\
    \x20   return subprocess.run(\"ls -l | wc -l\", shell=True)\n\
    \n\
    def search(text):\n\
    \x20   return subprocess.run([\"rg\", text], check=True)\n\
    \n\
    def search_again(text):\n\
    \x20   return subprocess.run([\"rg\", \"-i\", text])\n\
    \n\
    def thumbnail():\n\
    \x20   if shutil.which(\"convert\"):\n\
    \x20       subprocess.run([\"convert\", \"a.png\", \"b.jpg\"])\n";

const DOCKERFILE: &str = "FROM gcr.io/distroless/python3-debian13\n\
    COPY app /app\n\
    RUN chmod +x /app/tasks.py\n\
    USER app\n\
    CMD [\"/app/tasks.py\"]\n";

fn project() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("app")).unwrap();
    std::fs::write(dir.path().join("app/tasks.py"), TASKS).unwrap();
    std::fs::write(dir.path().join("Dockerfile"), DOCKERFILE).unwrap();
    dir
}

fn json(dir: &Path, extra: &[&str]) -> Value {
    let mut args = vec![
        "check",
        ".",
        "--isolated",
        "--base",
        "python3-debian13",
        "--format",
        "json",
        "--fail-on",
        "never",
    ];
    args.extend_from_slice(extra);
    let output = distrolint(&args, dir);
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    serde_json::from_str(&stdout(&output)).unwrap()
}

/// `CODE:line` of every finding in `app/tasks.py`.
fn codes_in_tasks(doc: &Value) -> Vec<String> {
    doc["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["path"].as_str().unwrap().ends_with("tasks.py"))
        .map(|f| format!("{}:{}", f["code"].as_str().unwrap(), f["line"]))
        .collect()
}

fn finding<'a>(doc: &'a Value, code: &str, line: u64) -> &'a Value {
    doc["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["code"] == code && f["line"] == line)
        .unwrap_or_else(|| panic!("no {code} at line {line}: {doc:#}"))
}

#[test]
fn a_missing_program_behind_a_shell_is_part_of_the_shell_finding() {
    let dir = project();
    let doc = json(dir.path(), &[]);
    assert_eq!(
        codes_in_tasks(&doc),
        ["DL201:4", "DL202:7", "DL301:10", "DL301:13", "DL303:16", "DL301:17"],
        "{doc:#}"
    );
    let shell = finding(&doc, "DL201", 4);
    let message = shell["message"].as_str().unwrap();
    assert!(message.contains("/bin/sh"), "{message}");
    assert!(
        message.contains("does not ship `chown` either"),
        "{message}"
    );
    assert_eq!(shell["joined"][0]["code"], "DL301");
    assert_eq!(shell["joined"][0]["program"], "chown");
    assert_eq!(shell["program"], "chown", "the program is still a field");
    assert_eq!(doc["summary"]["by_code"]["DL201"], 1);
    assert_eq!(doc["summary"]["by_code"]["DL301"], 3);
}

#[test]
fn a_code_the_run_does_not_report_absorbs_nothing() {
    let dir = project();
    let doc = json(dir.path(), &["--ignore", "DL201"]);
    assert!(codes_in_tasks(&doc).contains(&"DL301:4".to_string()));
    let alone = finding(&doc, "DL301", 4);
    assert!(alone.get("joined").is_none());

    std::fs::write(
        dir.path().join("app/tasks.py"),
        TASKS.replace(
            "os.system(\"chown app /data\")",
            "os.system(\"chown app /data\")  # distrolint: ignore[DL201]",
        ),
    )
    .unwrap();
    let doc = json(dir.path(), &[]);
    assert!(
        codes_in_tasks(&doc).contains(&"DL301:4".to_string()),
        "a suppressed shell finding leaves the program finding standing"
    );
}

#[test]
fn the_absorbing_finding_keeps_its_fingerprint() {
    let dir = project();
    let joined = json(dir.path(), &[]);
    let alone = json(dir.path(), &["--ignore", "DL301"]);
    let of = |doc: &Value| finding(doc, "DL201", 4)["fingerprint"].clone();
    assert_eq!(of(&joined), of(&alone));
    assert!(finding(&alone, "DL201", 4).get("joined").is_none());
}

#[test]
fn the_json_lists_each_need_once_with_its_places() {
    let dir = project();
    let doc = json(dir.path(), &[]);
    let needs = doc["needs"].as_array().unwrap();
    let names: Vec<String> = needs
        .iter()
        .map(|n| {
            format!(
                "{} {}",
                n["kind"].as_str().unwrap(),
                n["name"].as_str().unwrap()
            )
        })
        .collect();
    assert_eq!(
        names,
        [
            "shell sh",
            "program chown",
            "program convert",
            "program ls",
            "program rg",
            "account app",
        ],
        "{:#}",
        doc["needs"]
    );
    let rg = &needs[4];
    assert_eq!(rg["places"], 2);
    assert_eq!(rg["handled"], 0);
    assert_eq!(rg["errors"], 2);
    assert_eq!(rg["in_application"], true);
    assert_eq!(rg["listed"][0]["path"], "app/tasks.py");
    assert_eq!(rg["listed"][0]["line"], 10);
    assert_eq!(rg["listed"][1]["line"], 13);
    let convert = &needs[2];
    assert_eq!(convert["places"], 2, "the lookup and the run");
    assert_eq!(convert["handled"], 2, "guarded by shutil.which");
    let shell = &needs[0];
    // os.system, shell=True, and the Dockerfile's shell-form RUN.
    assert_eq!(shell["places"], 3, "{shell:#}");
}

#[test]
fn the_human_report_ends_with_what_the_code_needs() {
    let dir = project();
    let output = distrolint(
        &[
            "check",
            ".",
            "--isolated",
            "--base",
            "python3-debian13",
            "--fail-on",
            "never",
        ],
        dir.path(),
    );
    let text = stdout(&output);
    let start = text
        .find("What the scanned code needs that python3-debian13 lacks:")
        .unwrap_or_else(|| panic!("{text}"));
    let block: Vec<&str> = text[start..]
        .lines()
        .skip(1)
        .take_while(|l| !l.is_empty())
        .collect();
    assert!(
        block.contains(&"  program rg — 2 places: app/tasks.py:10, app/tasks.py:13"),
        "{block:#?}"
    );
    assert!(
        block.contains(
            &"  program convert — 2 places, all handled: app/tasks.py:16, app/tasks.py:17"
        ),
        "{block:#?}"
    );
    assert!(
        text[start..].contains("\nBase: python3-debian13"),
        "the counts come last"
    );
}
