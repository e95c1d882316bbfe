//! What the configuration changes about the walk itself: `exclude` keeps
//! paths out of the scan (not read, not counted), and `app` claims paths
//! inside a package tree as the team's own code.

use std::path::Path;
use std::process::Command;

use serde_json::Value;

fn write(root: &Path, name: &str, text: &str) {
    let path = root.join(name);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

fn check_json(cwd: &Path) -> Value {
    let output = Command::new(env!("CARGO_BIN_EXE_distrolint"))
        .current_dir(cwd)
        .args(["check", ".", "--format", "json", "--fail-on", "never"])
        .output()
        .unwrap();
    assert_eq!(
        output.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    serde_json::from_slice(&output.stdout).unwrap()
}

const SHELL_CALL: &str = "import os\nos.system('make')\n";

#[test]
fn excluded_paths_are_not_scanned_at_all() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    write(root, "service/jobs.py", SHELL_CALL);
    write(root, "vendor/old/tool.py", SHELL_CALL);
    write(root, "vendor/old/more.py", SHELL_CALL);
    let before = check_json(root);
    let files_before = before["summary"]["files"].as_u64().unwrap();

    write(root, "distrolint.toml", "exclude = [\"vendor\"]\n");
    let after = check_json(root);
    let paths: Vec<&str> = after["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["path"].as_str().unwrap())
        .collect();
    assert!(paths.iter().all(|p| !p.contains("vendor")), "{paths:?}");
    assert!(
        paths.iter().any(|p| p.ends_with("service/jobs.py")),
        "{paths:?}"
    );
    // The two vendored files were not even read; the configuration file
    // itself is one more file.
    assert_eq!(
        after["summary"]["files"].as_u64().unwrap(),
        files_before + 1 - 2
    );
}

#[test]
fn app_paths_inside_site_packages_are_the_applications_own_code() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let site = "venv/lib/python3.13/site-packages";
    write(root, &format!("{site}/acme_billing/jobs.py"), SHELL_CALL);
    write(root, &format!("{site}/thirdparty/run.py"), SHELL_CALL);
    let owners = |doc: &Value| -> Vec<(String, Value)> {
        doc["findings"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|f| f["code"] == "DL201")
            .map(|f| {
                (
                    f["path"].as_str().unwrap().to_string(),
                    f["distribution"].clone(),
                )
            })
            .collect()
    };
    let before = owners(&check_json(root));
    assert!(before.iter().all(|(_, d)| !d.is_null()), "{before:?}");

    write(
        root,
        "distrolint.toml",
        &format!("app = [\"{site}/acme_billing\"]\n"),
    );
    let after = owners(&check_json(root));
    for (path, distribution) in &after {
        assert_eq!(
            distribution.is_null(),
            path.contains("acme_billing"),
            "{path}: {distribution}"
        );
    }
    assert_eq!(after.len(), 2);
}
