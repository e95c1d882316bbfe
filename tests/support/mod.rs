//! Shared helpers of the integration tests.
#![allow(dead_code)]

pub mod elf_builder;
pub mod tree_files;

use std::path::Path;

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
