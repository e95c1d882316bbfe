//! `--format gitlab`: a GitLab Code Quality report (the Code Climate issue
//! subset GitLab reads), for `artifacts:reports:codequality`.
//!
//! GitLab matches issues between the base and the merge request by
//! `fingerprint`, which must be unique in a report: it is distrolint's
//! fingerprint (stable across line shifts), numbered when one repeats.
//! Severity: error → critical, warning → minor, info → info. Native-library
//! findings have no line and point at line 1 of the `.so` file.

use std::io::{self, Write};

use serde_json::json;

use super::ReportInput;
use crate::finding::Severity;

pub fn severity(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "critical",
        Severity::Warning => "minor",
        Severity::Info => "info",
    }
}

pub fn render(input: &ReportInput, out: &mut dyn Write) -> io::Result<()> {
    let issues = input
        .findings_with_fingerprints()
        .map(|(finding, fingerprint)| {
            json!({
                "type": "issue",
                "description": format!("{}: {}", finding.code, finding.message),
                "check_name": finding.code,
                "fingerprint": fingerprint,
                "severity": severity(finding.severity),
                "categories": ["Bug Risk"],
                "location": {
                    "path": input.path(finding),
                    "lines": {"begin": finding.location.map(|l| l.line).unwrap_or(1)},
                },
            })
        });
    super::write_filled(out, "[]", 0, 0, issues)?;
    writeln!(out)
}
