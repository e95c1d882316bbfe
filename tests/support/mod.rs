//! Shared helpers of the integration tests.
#![allow(dead_code)]

pub mod elf_builder;

use std::path::Path;

use distrolint::base::BaseImage;
use distrolint::finding::Finding;

/// A built-in base by name. Until the generated manifests exist in
/// `rules/bases/`, a hand-written stand-in from `tests/support/bases/` is
/// used instead, so the loader tests do not wait on the importer.
pub fn base(name: &str) -> BaseImage {
    if let Ok(base) = distrolint::base::find(name) {
        return base;
    }
    let file = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/support/bases")
        .join(format!("{name}.toml"));
    distrolint::base::from_file(&file).unwrap_or_else(|e| panic!("no base {name}: {e:?}"))
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
