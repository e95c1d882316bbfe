//! Reports: render the sorted findings for a person or a program.
//!
//! Reporters only format. They never scan, filter or decide the exit status.

pub mod human;
pub mod json;

use std::collections::BTreeMap;
use std::time::Duration;

use crate::base::BaseImage;
use crate::finding::{Finding, Severity};
use crate::scan::ScanStats;

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    Human,
    Json,
}

/// Everything a reporter may show.
pub struct ReportInput<'a> {
    pub base: &'a BaseImage,
    /// How the base was chosen (`--base`, `--base-file`, the default).
    pub base_source: String,
    pub findings: &'a [Finding],
    pub stats: ScanStats,
    pub elapsed: Duration,
    pub color: bool,
}

/// Counts shown at the end of a report.
pub struct Summary {
    pub by_severity: BTreeMap<Severity, usize>,
    pub by_code: BTreeMap<String, usize>,
    /// Keyed by distribution name, `application` for the app's own code.
    pub by_distribution: BTreeMap<String, usize>,
}

/// The name a report uses for findings in the application's own code.
pub const APPLICATION: &str = "application";

impl ReportInput<'_> {
    pub fn summary(&self) -> Summary {
        let mut summary = Summary {
            by_severity: BTreeMap::new(),
            by_code: BTreeMap::new(),
            by_distribution: BTreeMap::new(),
        };
        for f in self.findings {
            *summary.by_severity.entry(f.severity).or_default() += 1;
            *summary.by_code.entry(f.code.clone()).or_default() += 1;
            let owner = f
                .distribution
                .as_ref()
                .map(|d| d.name.clone())
                .unwrap_or_else(|| APPLICATION.to_string());
            *summary.by_distribution.entry(owner).or_default() += 1;
        }
        summary
    }
}
