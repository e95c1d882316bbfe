//! Shared helpers of the integration tests.
#![allow(dead_code)]

pub mod elf_builder;
pub mod hostile;
pub mod python;
pub mod rules;
pub mod tree_files;

use std::path::{Path, PathBuf};
use std::process::Command;

use distrolint::base::BaseImage;
use distrolint::finding::Finding;

/// A built-in base by name (the generated manifests of `rules/bases/`).
pub fn base(name: &str) -> BaseImage {
    distrolint::base::find(name).unwrap_or_else(|e| panic!("no built-in base {name}: {e:?}"))
}

/// The findings with `code` on the file at `path`.
pub fn with_code<'a>(findings: &'a [Finding], path: &Path, code: &str) -> Vec<&'a Finding> {
    findings
        .iter()
        .filter(|f| f.code == code && f.path == path)
        .collect()
}

/// A string field of a finding.
pub fn field<'a>(finding: &'a Finding, key: &str) -> &'a str {
    finding
        .fields
        .get(key)
        .and_then(|v| v.as_str())
        .unwrap_or_else(|| panic!("{} has no string field {key}: {finding:#?}", finding.code))
}

/// Every finding, one per line, for assertion messages.
pub fn dump(findings: &[Finding]) -> String {
    findings
        .iter()
        .map(|f| {
            format!(
                "{} {} {}: {}",
                f.code,
                f.severity,
                f.path.display(),
                f.message
            )
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// Runs `scripts/SCRIPT` (a fetch script: cached, network only when cold)
/// and returns the cache it names on stderr as `MARKER: ready in DIR` or
/// `MARKER: up to date in DIR`. A fetch that fails fails the test: a skipped
/// real-world test would look exactly like a passing one.
pub fn fetched(script: &str, marker: &str) -> PathBuf {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("scripts")
        .join(script);
    let output = Command::new(&path).output().expect("run the fetch script");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        output.status.success(),
        "{script} failed:\n{stderr}{}",
        String::from_utf8_lossy(&output.stdout)
    );
    stderr
        .lines()
        .find_map(|line| {
            line.strip_prefix(&format!("{marker}: ready in "))
                .or_else(|| line.strip_prefix(&format!("{marker}: up to date in ")))
        })
        .map(|dir| PathBuf::from(dir.trim()))
        .unwrap_or_else(|| panic!("{script} did not name its cache:\n{stderr}"))
}

/// `cp -a` (hard links where the file system allows: the real-world trees
/// are hundreds of megabytes, and nothing writes to them).
pub fn copy_tree(from: &Path, to: &Path) {
    let contents = format!("{}/.", from.display());
    let linked = Command::new("cp")
        .args(["-al", &contents])
        .arg(to)
        .status()
        .is_ok_and(|s| s.success());
    if !linked {
        let status = Command::new("cp")
            .args(["-a", &contents])
            .arg(to)
            .status()
            .expect("run cp");
        assert!(status.success(), "cp -a {} failed", from.display());
    }
}
