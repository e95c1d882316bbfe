//! What a COPY from the build context puts in the image, as `distrolint
//! check` sees it: the context is looked for in the scanned tree, however
//! the tree is named on the command line, and a Dockerfile kept in a
//! subdirectory is built with the tree's root as its context.

use std::path::Path;
use std::process::Command;

/// (code, line, severity) of each Dockerfile finding of `check ARGS` run in
/// `cwd`.
fn dockerfile_findings(cwd: &Path, args: &[&str]) -> Vec<(String, u64, String)> {
    let output = Command::new(env!("CARGO_BIN_EXE_distrolint"))
        .current_dir(cwd)
        .args(["check", "--format", "json"])
        .args(args)
        .output()
        .expect("run distrolint");
    let report: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap_or_else(|e| {
        panic!(
            "not JSON ({e}): {}{}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        )
    });
    let mut found: Vec<(String, u64, String)> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["code"].as_str().is_some_and(|c| c.starts_with("DL7")))
        .map(|f| {
            (
                f["code"].as_str().unwrap().to_string(),
                f["line"].as_u64().unwrap_or(0),
                f["severity"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    found.sort();
    found
}

fn write(root: &Path, path: &str, text: &str) {
    let path = root.join(path);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

fn finding(code: &str, line: u64, severity: &str) -> (String, u64, String) {
    (code.to_string(), line, severity.to_string())
}

#[test]
fn an_overlay_without_a_shell_is_judged_under_every_spelling_of_the_root() {
    let dir = tempfile::tempdir().unwrap();
    let tree = dir.path().join("service");
    write(&tree, "rootfs/etc/service.conf", "port = 1\n");
    write(
        &tree,
        "Dockerfile",
        "FROM gcr.io/distroless/python3-debian13\nCOPY rootfs /\nRUN echo ready\nENTRYPOINT [\"/init\"]\n",
    );
    let expected = vec![finding("DL701", 3, "error"), finding("DL705", 4, "error")];
    assert_eq!(dockerfile_findings(&tree, &["."]), expected);
    assert_eq!(dockerfile_findings(dir.path(), &["service"]), expected);
    assert_eq!(
        dockerfile_findings(Path::new("/"), &[tree.to_str().unwrap()]),
        expected
    );

    // Once the overlay holds the programs, nothing is left to report.
    write(&tree, "rootfs/init", "the overlay's init\n");
    write(&tree, "rootfs/bin/sh", "a static shell\n");
    assert_eq!(dockerfile_findings(&tree, &["."]), vec![]);
}

#[test]
fn a_dockerfile_in_a_subdirectory_copies_from_the_tree_root() {
    let dir = tempfile::tempdir().unwrap();
    let tree = dir.path();
    write(tree, "bin/serve", "the server\n");
    write(tree, ".dockerignore", "bin/debug-*\n");
    write(tree, "bin/debug-shell", "left out of the context\n");
    write(
        tree,
        "docker/Dockerfile",
        "FROM gcr.io/distroless/python3-debian13\nCOPY bin/ /usr/local/bin/\nHEALTHCHECK CMD [\"debug-shell\"]\nENTRYPOINT [\"serve\"]\n",
    );
    assert_eq!(
        dockerfile_findings(tree, &["."]),
        vec![finding("DL705", 3, "warning")]
    );
    // Scanned from docker/ alone, the context is not in the tree: the
    // COPY may hold anything, and both verdicts say so as notes.
    assert_eq!(
        dockerfile_findings(&tree.join("docker"), &["."]),
        vec![finding("DL705", 3, "info"), finding("DL705", 4, "info")]
    );
}
