//! distrolint: finds what will break when a Python application moves onto a
//! distroless container image.
//!
//! Data flows one way: command line → settings → discovery → per-file
//! analysis in parallel → findings → report → exit status. Each step has one
//! module; only the binary's `main` prints or exits.

pub mod base;
pub mod bases_cmd;
pub mod cli;
pub mod discovery;
pub mod elf;
pub mod finding;
pub mod python;
pub mod report;
pub mod scan;
pub mod settings;

use std::time::Duration;

use cli::FailOn;
use finding::Severity;
use report::{Format, ReportInput};
use settings::CheckSettings;

/// A finished check: the rendered report and the exit status it implies.
pub struct Outcome {
    pub report: Vec<u8>,
    pub status: u8,
    pub elapsed: Duration,
}

/// The exit status for a set of findings: 1 when any reaches `fail_on`.
pub fn exit_status(findings: &[finding::Finding], fail_on: FailOn) -> u8 {
    let threshold = match fail_on {
        FailOn::Error => Severity::Error,
        FailOn::Warning => Severity::Warning,
        FailOn::Never => return 0,
    };
    u8::from(findings.iter().any(|f| f.severity >= threshold))
}

/// Runs a check and renders its report.
pub fn check(settings: &CheckSettings) -> miette::Result<Outcome> {
    let request = scan::ScanRequest {
        paths: settings.paths.clone(),
        base: settings.base.clone(),
        rules: settings.rules.clone(),
        scope: settings.scope,
    };
    let outcome = match settings.threads {
        Some(threads) => rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .map_err(|e| miette::miette!("cannot start {threads} threads: {e}"))?
            .install(|| scan::run(&request)),
        None => scan::run(&request),
    };
    let input = ReportInput {
        base: &settings.base,
        base_source: settings.base_source.clone(),
        findings: &outcome.findings,
        stats: outcome.stats,
        elapsed: outcome.elapsed,
        color: settings.color,
    };
    let mut report = Vec::new();
    match settings.format {
        Format::Human => report::human::render(&input, &mut report),
        Format::Json => report::json::render(&input, &mut report),
    }
    .map_err(|e| miette::miette!("cannot render the report: {e}"))?;
    Ok(Outcome {
        report,
        status: exit_status(&outcome.findings, settings.fail_on),
        elapsed: outcome.elapsed,
    })
}
