//! The CI gate: what happens to findings between analysis and the report.
//!
//! ```text
//! findings → suppression comments → configuration (exclude, select/ignore,
//!   per-file-ignores) → sort → fingerprints → baseline → report
//! ```
//!
//! Every step works on finished findings, so none of them re-analyses a
//! file and the analysers know nothing about them. Suppression comes first,
//! so that a comment counts as used even for a code the configuration
//! turns off (it is not stale, only redundant); the configuration comes
//! next, so that the unused-suppression findings it produces can be
//! selected like any other code; the baseline comes last, because it
//! records what is left.

pub mod baseline;
pub mod catalogue;
pub mod config;
pub mod fingerprint;
pub mod paths;
pub mod select;
pub mod sources;
pub mod suppress;

use std::path::{Path, PathBuf};

use crate::finding::{self, Finding};
use baseline::{Baseline, BaselineOutcome};
use catalogue::RuleInfo;
use paths::PathPatterns;
use select::{RuleSelection, Selector};
use sources::SourceFiles;

/// How findings are filtered, from the configuration and the flags.
#[derive(Debug, Clone)]
pub struct Gate {
    /// Every known code.
    pub known: Vec<RuleInfo>,
    pub selection: RuleSelection,
    /// Each glob (relative to the configuration's directory) with the
    /// selectors it ignores.
    pub per_file_ignores: Vec<(PathPatterns, Vec<Selector>)>,
    pub exclude: PathPatterns,
    pub report_unused_ignores: bool,
    /// Loaded `--baseline`, with its path.
    pub baseline: Option<(PathBuf, Baseline)>,
    /// Where the paths of reports and fingerprints are relative to: the
    /// directory distrolint runs in.
    pub cwd: PathBuf,
}

/// Findings that passed the gate, in report order.
#[derive(Debug, Default)]
pub struct Gated {
    pub findings: Vec<Finding>,
    /// The fingerprint of each finding, same order; unique within the run.
    pub fingerprints: Vec<String>,
    pub summary: GateSummary,
}

/// What the gate held back, for the report's summary.
#[derive(Debug, Default, Clone)]
pub struct GateSummary {
    /// Findings a suppression comment hid.
    pub suppressed: usize,
    /// Findings the configuration or flags turned off.
    pub ignored: usize,
    /// When a baseline was used: its path and what it matched.
    pub baseline: Option<(PathBuf, BaselineOutcome)>,
}

impl Gate {
    /// A gate that lets everything through (no configuration, no flags).
    pub fn open(known: Vec<RuleInfo>, cwd: PathBuf) -> Gate {
        Gate {
            known,
            selection: RuleSelection::default(),
            per_file_ignores: Vec::new(),
            exclude: PathPatterns::empty(),
            report_unused_ignores: false,
            baseline: None,
            cwd,
        }
    }

    pub fn is_excluded(&self, path: &Path) -> bool {
        self.exclude.is_match(path, &self.cwd)
    }

    fn is_ignored(&self, finding: &Finding) -> bool {
        self.is_excluded(&finding.path)
            || !self.selection.is_enabled(&finding.code, finding.family)
            || self.per_file_ignores.iter().any(|(patterns, selectors)| {
                selectors
                    .iter()
                    .any(|s| s.matches(&finding.code, finding.family))
                    && patterns.is_match(&finding.path, &self.cwd)
            })
    }

    /// Runs every step but the baseline. `python_files` are read for
    /// unused suppressions when those are reported (files with findings are
    /// read anyway).
    pub fn filter(&self, mut findings: Vec<Finding>, python_files: &[PathBuf]) -> Gated {
        let mut sources = SourceFiles::default();
        let suppression = suppress::apply(
            &mut findings,
            &mut sources,
            &self.known,
            self.report_unused_ignores,
            python_files,
        );
        findings.extend(suppression.unused);
        let before = findings.len();
        findings.retain(|f| !self.is_ignored(f));
        let ignored = before - findings.len();
        finding::sort_and_dedup(&mut findings);
        let fingerprints = findings
            .iter()
            .map(|f| {
                let path = paths::report_path(&f.path, &self.cwd);
                let source = f.location.and_then(|_| sources.get(&f.path));
                fingerprint::fingerprint(f, &path, source.as_deref())
            })
            .collect();
        Gated {
            findings,
            fingerprints,
            summary: GateSummary {
                suppressed: suppression.suppressed,
                ignored,
                baseline: None,
            },
        }
    }

    /// The baseline of what passed [`Gate::filter`].
    pub fn baseline_of(&self, gated: &Gated) -> Baseline {
        let paths: Vec<String> = gated
            .findings
            .iter()
            .map(|f| paths::report_path(&f.path, &self.cwd))
            .collect();
        Baseline::of(&gated.findings, &gated.fingerprints, &paths)
    }

    /// Drops what the baseline accepts, then makes fingerprints unique.
    pub fn finish(&self, mut gated: Gated) -> Gated {
        if let Some((path, baseline)) = &self.baseline {
            let outcome = baseline.filter(&mut gated.findings, &mut gated.fingerprints);
            gated.summary.baseline = Some((path.clone(), outcome));
        }
        gated.fingerprints = fingerprint::unique(&gated.fingerprints);
        gated
    }
}
