//! The baseline: the findings a team has accepted, so that a blocking check
//! can be adopted without fixing everything first.
//!
//! `--write-baseline FILE` records the current findings by fingerprint (see
//! [`super::fingerprint`]), with how many share each one; `--baseline FILE`
//! then reports only findings beyond those counts. Entries that no longer
//! match anything are stale — the code was fixed or removed — and are
//! reported so that the file can be rewritten smaller; they never fail the
//! check.
//!
//! The file is JSON, sorted, one entry per fingerprint, with the code, path
//! and callee or library beside it so that a reviewer can read a diff of it.

use std::collections::HashMap;
use std::path::Path;

use serde::{Deserialize, Serialize};

use super::fingerprint::VERSION as FINGERPRINT_VERSION;
use crate::finding::Finding;

/// Bumped when the file's layout changes.
const FILE_VERSION: u32 = 1;

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct BaselineFile {
    version: u32,
    fingerprint: String,
    entries: Vec<Entry>,
}

/// One accepted fingerprint.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Entry {
    pub fingerprint: String,
    pub code: String,
    pub path: String,
    /// The callee, program or library the finding is about.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub what: Option<String>,
    #[serde(default = "one")]
    pub count: usize,
}

fn one() -> usize {
    1
}

#[derive(Debug, Clone, Default)]
pub struct Baseline {
    pub entries: Vec<Entry>,
}

#[derive(Debug, thiserror::Error, miette::Diagnostic)]
pub enum BaselineError {
    #[error("cannot read the baseline {path}: {source}")]
    #[diagnostic(
        code(distrolint::baseline),
        help("write one with `distrolint check --write-baseline FILE`")
    )]
    Read {
        path: String,
        source: std::io::Error,
    },
    #[error("{path} is not a distrolint baseline: {message}")]
    #[diagnostic(
        code(distrolint::baseline),
        help("rewrite it with `distrolint check --write-baseline FILE`")
    )]
    Invalid { path: String, message: String },
    #[error("cannot write the baseline {path}: {source}")]
    #[diagnostic(code(distrolint::baseline))]
    Write {
        path: String,
        source: std::io::Error,
    },
}

/// What comparing against the baseline found.
#[derive(Debug, Clone, Default)]
pub struct BaselineOutcome {
    /// Findings the baseline accepted (not reported).
    pub matched: usize,
    /// Entries (with the count left over) that matched nothing.
    pub stale: Vec<Entry>,
}

impl Baseline {
    pub fn load(path: &Path) -> Result<Baseline, BaselineError> {
        let text = std::fs::read_to_string(path).map_err(|source| BaselineError::Read {
            path: path.display().to_string(),
            source,
        })?;
        let invalid = |message: String| BaselineError::Invalid {
            path: path.display().to_string(),
            message,
        };
        let file: BaselineFile = serde_json::from_str(&text).map_err(|e| invalid(e.to_string()))?;
        if file.version != FILE_VERSION {
            return Err(invalid(format!(
                "it is version {}, this distrolint reads version {FILE_VERSION}",
                file.version
            )));
        }
        if file.fingerprint != FINGERPRINT_VERSION {
            return Err(invalid(format!(
                "its fingerprints are {}, this distrolint computes {FINGERPRINT_VERSION}",
                file.fingerprint
            )));
        }
        Ok(Baseline {
            entries: file.entries,
        })
    }

    /// The baseline of `findings`, whose fingerprints and report paths are
    /// given in the same order.
    pub fn of(findings: &[Finding], fingerprints: &[String], paths: &[String]) -> Baseline {
        let mut by_fingerprint: HashMap<&str, Entry> = HashMap::new();
        for ((finding, fingerprint), path) in findings.iter().zip(fingerprints).zip(paths) {
            by_fingerprint
                .entry(fingerprint)
                .and_modify(|e| e.count += 1)
                .or_insert_with(|| Entry {
                    fingerprint: fingerprint.clone(),
                    code: finding.code.clone(),
                    path: path.clone(),
                    what: what(finding),
                    count: 1,
                });
        }
        let mut entries: Vec<Entry> = by_fingerprint.into_values().collect();
        entries.sort_by(|a, b| {
            (&a.path, &a.code, &a.fingerprint).cmp(&(&b.path, &b.code, &b.fingerprint))
        });
        Baseline { entries }
    }

    pub fn findings(&self) -> usize {
        self.entries.iter().map(|e| e.count).sum()
    }

    pub fn to_json(&self) -> String {
        let file = BaselineFile {
            version: FILE_VERSION,
            fingerprint: FINGERPRINT_VERSION.to_string(),
            entries: self.entries.clone(),
        };
        let mut text = serde_json::to_string_pretty(&file).expect("a baseline always serializes");
        text.push('\n');
        text
    }

    pub fn write(&self, path: &Path) -> Result<(), BaselineError> {
        crate::output_file::replace(path, self.to_json().as_bytes()).map_err(|source| {
            BaselineError::Write {
                path: path.display().to_string(),
                source,
            }
        })
    }

    /// Keeps, of `findings` and their `fingerprints` (same order, report
    /// order), those the baseline does not account for. When a fingerprint
    /// occurs more often than recorded, the first ones in report order are
    /// the accepted ones.
    pub fn filter(
        &self,
        findings: &mut Vec<Finding>,
        fingerprints: &mut Vec<String>,
    ) -> BaselineOutcome {
        let mut left: HashMap<&str, usize> = HashMap::new();
        for entry in &self.entries {
            *left.entry(entry.fingerprint.as_str()).or_default() += entry.count;
        }
        let mut keep = Vec::with_capacity(findings.len());
        let mut matched = 0;
        for fingerprint in fingerprints.iter() {
            match left.get_mut(fingerprint.as_str()) {
                Some(n) if *n > 0 => {
                    *n -= 1;
                    matched += 1;
                    keep.push(false);
                }
                _ => keep.push(true),
            }
        }
        let mut flags = keep.iter();
        findings.retain(|_| *flags.next().unwrap_or(&true));
        let mut flags = keep.iter();
        fingerprints.retain(|_| *flags.next().unwrap_or(&true));
        let stale = self
            .entries
            .iter()
            .filter_map(|entry| {
                let n = left.get_mut(entry.fingerprint.as_str())?;
                let count = (*n).min(entry.count);
                *n -= count;
                (count > 0).then(|| Entry {
                    count,
                    ..entry.clone()
                })
            })
            .collect();
        BaselineOutcome { matched, stale }
    }
}

fn what(finding: &Finding) -> Option<String> {
    ["callee", "library", "program"]
        .iter()
        .find_map(|key| finding.fields.get(key)?.as_str().map(str::to_string))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::finding::{Family, Severity};

    fn finding(code: &str) -> Finding {
        Finding::new(code, Severity::Error, Family::Shell, "a.py", "m", "h")
    }

    #[test]
    fn counts_decide_how_many_copies_are_accepted_and_leftovers_are_stale() {
        let recorded = Baseline::of(
            &[finding("DL201"), finding("DL201"), finding("DL301")],
            &["x".into(), "x".into(), "y".into()],
            &["a.py".into(), "a.py".into(), "a.py".into()],
        );
        assert_eq!(recorded.entries.len(), 2);
        assert_eq!(recorded.findings(), 3);
        let reread = Baseline {
            entries: serde_json::from_str::<BaselineFile>(&recorded.to_json())
                .unwrap()
                .entries,
        };
        assert_eq!(reread.entries, recorded.entries);

        let mut findings = vec![finding("DL201"), finding("DL201"), finding("DL201")];
        let mut fps: Vec<String> = vec!["x".into(), "x".into(), "x".into()];
        let outcome = reread.filter(&mut findings, &mut fps);
        assert_eq!(outcome.matched, 2);
        assert_eq!(findings.len(), 1);
        assert_eq!(fps, ["x"]);
        assert_eq!(outcome.stale.len(), 1);
        assert_eq!(
            (outcome.stale[0].code.as_str(), outcome.stale[0].count),
            ("DL301", 1)
        );
    }
}
