//! The CI gate: what happens to findings between analysis and the report.
//!
//! ```text
//! findings → suppression comments → configuration (`[[accept]]`, exclude,
//!   select/ignore, per-file-ignores) → sort → fingerprints → baseline → report
//! ```
//!
//! Every step works on finished findings, so none of them re-analyses a
//! file and the analysers know nothing about them. Suppression comes first,
//! so that a comment counts as used even for a code the configuration
//! turns off (it is not stale, only redundant); the configuration comes
//! next, so that the unused-suppression findings it produces can be
//! selected like any other code; the baseline comes last, because it
//! records what is left.

pub mod absorb;
pub mod baseline;
pub mod catalogue;
pub mod config;
pub mod fingerprint;
pub mod paths;
pub mod select;
pub mod sources;
pub mod suppress;

use std::path::{Path, PathBuf};

use crate::finding::{self, Family, Finding, Severity};
use baseline::{Baseline, BaselineOutcome};
use catalogue::{RuleInfo, UNUSED_SUPPRESSION};
use config::{Accept, Lowering};
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
    /// `[[accept]]` entries, with their path globs compiled.
    pub accept: Vec<(Accept, Option<PathPatterns>)>,
    /// The configuration file the entries come from.
    pub config_path: Option<PathBuf>,
    pub report_unused_ignores: bool,
    /// Loaded `--baseline`, with its path.
    pub baseline: Option<(PathBuf, Baseline)>,
    /// The configuration keys in effect that lower the gate.
    pub lowered_by: Vec<Lowering>,
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
    /// Files and directories the walk left out for `exclude` (a directory
    /// counts once, not its contents).
    pub excluded: usize,
    /// Findings a user rule's `suppresses` removed during analysis.
    pub suppressed_by_rules: usize,
    /// The configuration keys in effect that lower the gate, so that a
    /// report always says what weakened it and where.
    pub lowered_by: Vec<Lowering>,
}

impl GateSummary {
    /// One sentence per way the gate was weakened without a finding to
    /// show for it, for the renderers that print text.
    pub fn weakenings(&self) -> Vec<String> {
        let mut lines = Vec::new();
        if self.excluded > 0 {
            lines.push(format!(
                "{} paths were not scanned: the configuration's `exclude` matched them",
                self.excluded
            ));
        }
        if self.suppressed_by_rules > 0 {
            lines.push(format!(
                "{} findings were suppressed by user rules (`suppresses`)",
                self.suppressed_by_rules
            ));
        }
        if !self.lowered_by.is_empty() {
            let keys: Vec<String> = self.lowered_by.iter().map(|l| l.to_string()).collect();
            lines.push(format!(
                "the configuration lowers the gate: {}",
                keys.join("; ")
            ));
        }
        lines
    }

    /// The same as JSON, for the machine formats.
    pub fn weakenings_json(&self) -> serde_json::Value {
        serde_json::json!({
            "excluded": self.excluded,
            "suppressed_by_rules": self.suppressed_by_rules,
            "lowered_by": self.lowered_by.iter().map(|l| serde_json::json!({
                "key": l.key,
                "value": l.value,
                "path": l.path.to_string_lossy(),
                "line": l.line,
                "column": l.column,
            })).collect::<Vec<_>>(),
        })
    }
}

impl Gate {
    /// A gate that lets everything through (no configuration, no flags).
    pub fn open(known: Vec<RuleInfo>, cwd: PathBuf) -> Gate {
        Gate {
            known,
            selection: RuleSelection::default(),
            per_file_ignores: Vec::new(),
            exclude: PathPatterns::empty(),
            accept: Vec::new(),
            config_path: None,
            report_unused_ignores: false,
            baseline: None,
            lowered_by: Vec::new(),
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

    fn accepts(&self, accept: &Accept, path: Option<&PathPatterns>, finding: &Finding) -> bool {
        let field = |key: &str| finding.fields.get(key).and_then(|v| v.as_str());
        (accept.codes.is_empty()
            || accept
                .codes
                .iter()
                .any(|s| s.matches(&finding.code, finding.family)))
            && accept.distribution.as_deref().is_none_or(|name| {
                finding
                    .distribution
                    .as_ref()
                    .is_some_and(|d| normalise_name(&d.name) == normalise_name(name))
            })
            && accept
                .library
                .as_deref()
                .is_none_or(|library| field("library") == Some(library))
            && path.is_none_or(|p| p.is_match(&finding.path, &self.cwd))
    }

    /// DL910 for each `[[accept]]` entry that accepted nothing, pointing
    /// into the configuration file.
    fn unused_accepts<'a>(&'a self, used: &'a [bool]) -> impl Iterator<Item = Finding> + 'a {
        self.accept
            .iter()
            .zip(used)
            .filter(|(_, used)| !**used)
            .filter_map(|((accept, _), _)| {
                let config = self.config_path.as_ref()?;
                let mut what = Vec::new();
                if !accept.codes.is_empty() {
                    let codes: Vec<String> = accept.codes.iter().map(|c| c.to_string()).collect();
                    what.push(format!("codes {}", codes.join(", ")));
                }
                if let Some(d) = &accept.distribution {
                    what.push(format!("distribution {d}"));
                }
                if let Some(l) = &accept.library {
                    what.push(format!("library {l}"));
                }
                if let Some(p) = &accept.path {
                    what.push(format!("path {p}"));
                }
                Some(
                    Finding::new(
                        UNUSED_SUPPRESSION,
                        Severity::Warning,
                        Family::Scan,
                        config,
                        format!(
                            "the [[accept]] entry for {} accepts nothing: no finding matches it",
                            what.join(", ")
                        ),
                        "remove the entry (the finding it was written for is gone), or correct it",
                    )
                    .with_location(accept.place),
                )
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
        let mut accepted = vec![false; self.accept.len()];
        findings.retain(|f| {
            let mut hit = false;
            for (used, (accept, path)) in accepted.iter_mut().zip(&self.accept) {
                if self.accepts(accept, path.as_ref(), f) {
                    *used = true;
                    hit = true;
                }
            }
            !hit && !self.is_ignored(f)
        });
        let ignored = before - findings.len();
        if self.report_unused_ignores {
            findings.extend(
                self.unused_accepts(&accepted)
                    .filter(|f| !self.is_ignored(f)),
            );
        }
        absorb::apply(&mut findings, &self.known);
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
                lowered_by: self.lowered_by.clone(),
                ..GateSummary::default()
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

/// A distribution name as PEP 503 compares them: lower case, runs of `-`,
/// `_` and `.` as one `-`.
fn normalise_name(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    for c in name.chars() {
        if matches!(c, '-' | '_' | '.') {
            if !out.ends_with('-') {
                out.push('-');
            }
        } else {
            out.extend(c.to_lowercase());
        }
    }
    out
}
