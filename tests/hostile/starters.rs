//! Starter files nobody reviewed: a compose file of 100 MB, an alias bomb
//! ("billion laughs"), nesting thousands of levels deep, bytes that are
//! not UTF-8, malformed YAML. Each is one DL804 for that file, quickly,
//! and the good Procfile beside them is still judged.

use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use serde_json::Value;

fn write(root: &Path, relative: &str, bytes: &[u8]) {
    let path = root.join(relative);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, bytes).unwrap();
}

fn billion_laughs() -> String {
    let mut doc = String::from("services:\n  web:\n    image: x\n");
    doc.push_str(
        "x-a0: &a0 [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n",
    );
    for i in 1..40 {
        let p = i - 1;
        doc.push_str(&format!(
            "x-a{i}: &a{i} [*a{p},*a{p},*a{p},*a{p},*a{p},*a{p},*a{p},*a{p},*a{p}]\n"
        ));
    }
    // The bomb is used where a lookup goes: a service merged from it.
    doc.push_str("x-b: &b\n  <<: [*a39, *a39]\n");
    doc
}

#[test]
fn each_hostile_starter_file_is_one_diagnostic_and_the_scan_goes_on() {
    let tree = tempfile::tempdir().unwrap();
    let t = tree.path();
    write(t, "Procfile", b"web: gunicorn app:app\n");
    // 100 MB, sparse: refused by its size, never read.
    let huge = std::fs::File::create(t.join("big/compose.yaml")).or_else(|_| {
        std::fs::create_dir_all(t.join("big"))?;
        std::fs::File::create(t.join("big/compose.yaml"))
    });
    huge.unwrap().set_len(100 * 1024 * 1024).unwrap();
    write(t, "laughs/compose.yaml", billion_laughs().as_bytes());
    let deep = format!(
        "services:\n  web:\n    command: {}{}\n",
        "[".repeat(300),
        "]".repeat(300)
    );
    write(t, "deep/compose.yaml", deep.as_bytes());
    let mut indented = String::from("services:\n");
    for depth in 1..3000 {
        indented.push_str(&format!("{}k:\n", " ".repeat(depth)));
    }
    write(t, "indented/compose.yaml", indented.as_bytes());
    write(
        t,
        "latin1/compose.yaml",
        b"services:\n  web:\n    command: caf\xe9\n",
    );
    write(
        t,
        "broken/compose.yaml",
        b"services:\n  web:\n    command: [\"gunicorn\"\n",
    );

    let started = Instant::now();
    let output = Command::new(env!("CARGO_BIN_EXE_distrolint"))
        .args(["check", "--format", "json", "--base", "python3-debian13"])
        .arg(t)
        .output()
        .expect("run distrolint");
    let elapsed = started.elapsed();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert!(elapsed < Duration::from_secs(20), "took {elapsed:?}");
    let doc: Value =
        serde_json::from_slice(&output.stdout).unwrap_or_else(|e| panic!("{e}: {stderr}"));
    // Warnings only (the Procfile's DL801 and the DL804s): below --fail-on.
    assert_eq!(output.status.code(), Some(0), "{doc:#}");
    let findings = doc["findings"].as_array().unwrap();
    for dir in ["big", "laughs", "deep", "indented", "latin1", "broken"] {
        let here: Vec<&Value> = findings
            .iter()
            .filter(|f| {
                f["path"]
                    .as_str()
                    .unwrap()
                    .contains(&format!("{dir}/compose.yaml"))
            })
            .collect();
        // The alias bomb is small as written: it reads, and judges nothing.
        if dir == "laughs" {
            assert!(here.is_empty(), "{dir}: {here:#?}");
            continue;
        }
        assert_eq!(here.len(), 1, "{dir}: {here:#?}");
        assert_eq!(here[0]["code"], "DL804", "{dir}");
        assert_eq!(here[0]["family"], "starters", "{dir}");
    }
    let procfile: Vec<&Value> = findings
        .iter()
        .filter(|f| f["path"].as_str().unwrap().ends_with("Procfile"))
        .collect();
    assert_eq!(procfile.len(), 1, "{procfile:#?}");
    assert_eq!(procfile[0]["code"], "DL801");
    let read = doc["starter_files"].as_array().unwrap();
    assert!(read
        .iter()
        .any(|r| r["path"].as_str().unwrap().ends_with("laughs/compose.yaml")));
}
