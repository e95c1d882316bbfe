//! How many findings a report shows per file and per line.
//!
//! A module of a million `os.system` calls, or one line of thousands, is
//! one problem repeated; a report that lists every copy is hundreds of
//! megabytes nobody reads, and costs the runner memory and time. A report
//! therefore shows at most [`MAX_PER_FILE`] findings of one file and
//! [`MAX_PER_LINE`] of one line, in report order, and replaces the rest of
//! each code by one summary finding ("12,345 more DL201 findings like this
//! in x.py, not shown").
//!
//! Hiding happens after the gate, on what it let through, and only changes
//! what is listed: the exit status is decided on every finding, and the
//! summary counts ([`super::ReportInput::summary`]) count each hidden one,
//! so a flood of findings can never make the gate weaker. A baseline
//! written with `--write-baseline` records every finding too.

use std::collections::BTreeMap;

use serde_json::json;

use crate::finding::{Finding, Severity};

/// Findings shown per file.
pub const MAX_PER_FILE: usize = 500;
/// Findings shown per line of a file.
pub const MAX_PER_LINE: usize = 20;
/// The field a summary finding carries: how many findings it stands for.
pub const HIDDEN_FIELD: &str = "hidden";

/// How many findings `finding` stands for: one, or the hidden findings of
/// a summary.
pub fn weight(finding: &Finding) -> usize {
    finding
        .fields
        .get(HIDDEN_FIELD)
        .and_then(|v| v.as_u64())
        .map_or(1, |n| n as usize)
}

/// Hidden findings of one code in one file, gathered into their summary.
struct Hidden {
    count: usize,
    severity: Severity,
    /// The first one hidden, with its fingerprint: the summary takes its
    /// place, its location and its (unique) fingerprint.
    first: Finding,
    fingerprint: String,
}

/// `findings` (in report order, so each file's findings are together and
/// sorted by line) with at most [`MAX_PER_FILE`] per file and
/// [`MAX_PER_LINE`] per line; the rest of each file becomes one summary
/// finding per code, after the file's shown findings.
pub fn bound(findings: Vec<Finding>, fingerprints: Vec<String>) -> (Vec<Finding>, Vec<String>) {
    let (listed, summaries) = listed(&findings);
    if summaries == 0 {
        // The usual case: nothing to hide, and no second list of findings.
        return (findings, fingerprints);
    }
    // Sized exactly, so that the findings are not held twice over while a
    // growing list doubles.
    let size = listed.iter().filter(|&&l| l).count() + summaries;
    let mut shown = Vec::with_capacity(size);
    let mut shown_fingerprints = Vec::with_capacity(size);
    let mut hidden: BTreeMap<String, Hidden> = BTreeMap::new();
    let mut current: Option<std::path::PathBuf> = None;
    for ((finding, fingerprint), listed) in findings.into_iter().zip(fingerprints).zip(listed) {
        if current.as_ref() != Some(&finding.path) {
            flush(&mut hidden, &mut shown, &mut shown_fingerprints);
            current = Some(finding.path.clone());
        }
        if listed {
            shown.push(finding);
            shown_fingerprints.push(fingerprint);
            continue;
        }
        match hidden.get_mut(&finding.code) {
            Some(h) => {
                h.count += 1;
                h.severity = h.severity.max(finding.severity);
            }
            None => {
                hidden.insert(
                    finding.code.clone(),
                    Hidden {
                        count: 1,
                        severity: finding.severity,
                        first: finding,
                        fingerprint,
                    },
                );
            }
        }
    }
    flush(&mut hidden, &mut shown, &mut shown_fingerprints);
    (shown, shown_fingerprints)
}

/// Which findings are listed, and how many summaries the rest need (one per
/// code per file).
fn listed(findings: &[Finding]) -> (Vec<bool>, usize) {
    let mut listed = Vec::with_capacity(findings.len());
    let mut summaries = 0;
    let mut hidden_codes: Vec<&str> = Vec::new();
    let mut in_file = 0;
    let mut on_line = 0;
    let mut line = None;
    for (i, finding) in findings.iter().enumerate() {
        if i == 0 || findings[i - 1].path != finding.path {
            summaries += hidden_codes.len();
            hidden_codes.clear();
            in_file = 0;
            on_line = 0;
            line = None;
        }
        let this_line = finding.location.map(|l| l.line);
        if this_line != line {
            line = this_line;
            on_line = 0;
        }
        on_line += 1;
        let list = in_file < MAX_PER_FILE && (this_line.is_none() || on_line <= MAX_PER_LINE);
        if list {
            in_file += 1;
        } else if !hidden_codes.contains(&finding.code.as_str()) {
            hidden_codes.push(&finding.code);
        }
        listed.push(list);
    }
    (listed, summaries + hidden_codes.len())
}

/// Appends a summary finding for each code with hidden findings.
fn flush(
    hidden: &mut BTreeMap<String, Hidden>,
    shown: &mut Vec<Finding>,
    fingerprints: &mut Vec<String>,
) {
    for (code, h) in std::mem::take(hidden) {
        let path = h.first.path.to_string_lossy().into_owned();
        let mut summary = Finding::new(
            &code,
            h.severity,
            h.first.family,
            h.first.path.clone(),
            format!(
                "{} more {code} {} like this in {path}, not shown (a report lists at most \
                 {MAX_PER_FILE} findings per file and {MAX_PER_LINE} per line)",
                thousands(h.count),
                if h.count == 1 { "finding" } else { "findings" },
            ),
            "the hidden findings still count: they are in the summary and the exit status, \
             and --write-baseline records them; fix the ones shown (often one helper used \
             everywhere) and run again to see the rest",
        )
        .with_field(HIDDEN_FIELD, json!(h.count));
        summary.location = h.first.location;
        summary.distribution = h.first.distribution;
        shown.push(summary);
        fingerprints.push(h.fingerprint);
    }
}

/// `n` with commas between thousands: 12,345.
fn thousands(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, d) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(d);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::finding::{Family, Location};

    fn at(path: &str, line: u32, code: &str) -> Finding {
        Finding::new(code, Severity::Error, Family::Shell, path, "m", "h").with_location(Location {
            line,
            column: 1,
            offset: 0,
            length: 1,
        })
    }

    #[test]
    fn files_and_lines_are_cut_and_the_rest_summarised_per_code() {
        let mut findings = Vec::new();
        // One line of 30 findings, then 600 lines of one each, in a.py;
        // b.py is short and untouched.
        for _ in 0..30 {
            findings.push(at("a.py", 1, "DL201"));
        }
        for line in 2..602 {
            findings.push(at(
                "a.py",
                line,
                if line % 2 == 0 { "DL201" } else { "DL301" },
            ));
        }
        findings.push(at("b.py", 1, "DL201"));
        let total = findings.len();
        let fingerprints: Vec<String> = (0..total).map(|i| format!("{i:016x}")).collect();
        let (shown, fps) = bound(findings, fingerprints);
        assert_eq!(shown.len(), fps.len());
        let a: Vec<&Finding> = shown.iter().filter(|f| f.path.ends_with("a.py")).collect();
        assert_eq!(a.len(), MAX_PER_FILE + 2, "two codes hidden in a.py");
        let summaries: Vec<&&Finding> = a.iter().filter(|f| weight(f) > 1).collect();
        assert_eq!(summaries.len(), 2);
        assert_eq!(summaries[0].code, "DL201");
        // Of a.py's 630: 20 of line 1 shown, 10 hidden there, then 480
        // lines shown, 120 hidden (60 of each code).
        assert_eq!(weight(summaries[0]), 70);
        assert_eq!(weight(summaries[1]), 60);
        assert!(summaries[0]
            .message
            .starts_with("70 more DL201 findings like this in a.py"));
        assert_eq!(summaries[0].location.unwrap().line, 1);
        // The summary takes the first hidden finding's fingerprint.
        assert_eq!(fps[MAX_PER_FILE], format!("{:016x}", 20));
        let counted: usize = shown.iter().map(weight).sum();
        assert_eq!(counted, total, "every finding is still counted");
        assert_eq!(shown.last().unwrap().path.to_str(), Some("b.py"));
        assert_eq!(thousands(12_345), "12,345");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(1_000_000), "1,000,000");
    }
}
