//! The command line as a user meets it: exit statuses, errors, base lookup,
//! output that survives a closed pipe.

use std::io::Read;
use std::path::Path;
use std::process::{Command, Stdio};

fn distrolint() -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_distrolint"));
    cmd.env("NO_COLOR", "1");
    cmd
}

fn run(args: &[&str]) -> (i32, String, String) {
    let output = distrolint().args(args).output().expect("run distrolint");
    (
        output.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

#[test]
fn an_empty_application_is_clean_and_exits_zero() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("app.txt"), "nothing to see").unwrap();
    let (code, stdout, _) = run(&["check", dir.path().to_str().unwrap()]);
    assert_eq!(code, 0, "{stdout}");
    assert!(stdout.contains("No findings"), "{stdout}");
}

#[test]
fn a_path_that_does_not_exist_is_a_usage_error() {
    let (code, _, stderr) = run(&["check", "/definitely/not/here"]);
    assert_eq!(code, 2);
    assert!(stderr.contains("no such file or directory"), "{stderr}");
}

#[test]
fn an_unknown_base_names_the_way_out() {
    let dir = tempfile::tempdir().unwrap();
    let (code, _, stderr) = run(&["check", dir.path().to_str().unwrap(), "--base", "alpine:3"]);
    assert_eq!(code, 2);
    assert!(stderr.contains("unknown base image `alpine:3`"), "{stderr}");
    assert!(stderr.contains("distrolint bases"), "{stderr}");
}

#[test]
fn a_bad_flag_is_a_usage_error_and_help_is_not() {
    assert_eq!(run(&["check", "--no-such-flag"]).0, 2);
    assert_eq!(run(&["check", "--fail-on", "sometimes"]).0, 2);
    assert_eq!(run(&["--help"]).0, 0);
}

#[test]
fn bases_lists_every_builtin_with_python_and_shell() {
    let (code, stdout, _) = run(&["bases"]);
    assert_eq!(code, 0);
    for name in [
        "python3-debian12",
        "python3-debian13",
        "static-debian12",
        "chainguard-python-latest",
    ] {
        assert!(stdout.contains(name), "{name} missing from:\n{stdout}");
    }
    let debian12 = stdout
        .lines()
        .find(|l| l.starts_with("python3-debian12 "))
        .unwrap();
    assert!(debian12.contains("3.11"), "{debian12}");
    assert!(debian12.contains("glibc 2.36"), "{debian12}");
}

#[test]
fn bases_show_accepts_a_full_image_reference() {
    let (code, stdout, _) = run(&[
        "bases",
        "show",
        "gcr.io/distroless/python3-debian12:nonroot",
    ]);
    assert_eq!(code, 0);
    // The :nonroot tag is the same files run as 65532 in /home/nonroot.
    assert!(stdout.starts_with("python3-debian12:nonroot\n"), "{stdout}");
    assert!(stdout.contains("/bin/sh:       no"), "{stdout}");
    assert!(
        stdout.contains("USER:          65532 (nonroot)"),
        "{stdout}"
    );
    assert!(stdout.contains("WORKDIR:       /home/nonroot"), "{stdout}");
    let (code, stdout, _) = run(&["bases", "show", "python3-debian12"]);
    assert_eq!(code, 0);
    assert!(stdout.contains("USER:          0 (root)"), "{stdout}");
    assert!(stdout.contains("WORKDIR:       /\n"), "{stdout}");
    assert!(
        stdout.contains("tag :nonroot: USER 65532 (nonroot), WORKDIR /home/nonroot"),
        "{stdout}"
    );
    assert!(
        stdout.contains("accounts:      root (0), nobody (65534), nonroot (65532)"),
        "{stdout}"
    );
    let (code, stdout, _) = run(&["bases", "show", "python3-debian13", "--format", "toml"]);
    assert_eq!(code, 0);
    assert!(stdout.contains("name = \"python3-debian13\""), "{stdout}");
}

#[test]
fn a_closed_pipe_is_not_an_error() {
    // Enough files that the report is larger than a pipe buffer.
    let dir = tempfile::tempdir().unwrap();
    for i in 0..400 {
        std::fs::write(dir.path().join(format!("lib{i}.so")), "not elf").unwrap();
    }
    let mut child = distrolint()
        .args(["check", dir.path().to_str().unwrap(), "--fail-on", "never"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdout = child.stdout.take().unwrap();
    let mut first = [0u8; 16];
    stdout.read_exact(&mut first).unwrap();
    drop(stdout);
    let mut stderr = String::new();
    child
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut stderr)
        .unwrap();
    let status = child.wait().unwrap();
    assert_eq!(status.code(), Some(0), "stderr: {stderr}");
    assert!(!stderr.contains("Broken pipe"), "{stderr}");
}

#[test]
fn fail_on_decides_the_exit_status() {
    // A file named like a library that is not ELF is a warning.
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("libbroken.so"), "text, not ELF").unwrap();
    let path = dir.path().to_str().unwrap();
    assert_eq!(
        run(&["check", path]).0,
        0,
        "a warning does not fail by default"
    );
    assert_eq!(run(&["check", path, "--fail-on", "warning"]).0, 1);
    assert_eq!(run(&["check", path, "--fail-on", "never"]).0, 0);
}

#[test]
fn json_output_is_one_object_per_finding_with_the_documented_fields() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("libbroken.so"), "text, not ELF").unwrap();
    let (_, stdout, _) = run(&["check", dir.path().to_str().unwrap(), "--format", "json"]);
    let doc: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(doc["version"], 1);
    assert_eq!(doc["base"]["name"], "python3-debian13");
    let finding = &doc["findings"][0];
    for key in [
        "code",
        "severity",
        "family",
        "message",
        "help",
        "path",
        "distribution",
        "version",
    ] {
        assert!(finding.get(key).is_some(), "{key} missing in {finding}");
    }
    assert_eq!(finding["code"], "DL902");
    assert!(Path::new(finding["path"].as_str().unwrap()).ends_with("libbroken.so"));
}
