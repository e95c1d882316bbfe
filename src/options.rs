//! The value types the command line and the configuration file share:
//! both spell them the same way, and the steps after settings (scan, gate,
//! report) read them. Nothing here knows where a value came from.

use crate::discovery::Origin;

/// The lowest severity that fails a check.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, clap::ValueEnum)]
pub enum FailOn {
    /// Fail only on errors (the default).
    Error,
    /// Fail on warnings and errors.
    Warning,
    /// Fail on any finding, notes included.
    Info,
    /// Never fail because of findings.
    Never,
}

/// How a report is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// Diagnostics with the source shown, for a terminal.
    Human,
    /// distrolint's own schema (docs/json-output.md).
    Json,
    /// SARIF 2.1.0, for GitHub code scanning and other SARIF viewers.
    Sarif,
    /// GitHub Actions workflow commands: annotations on the pull request.
    Github,
    /// GitLab Code Quality report.
    Gitlab,
}

/// Which code to report on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Scope {
    /// The application's own code only.
    App,
    /// Installed distributions only.
    Deps,
    /// Both.
    All,
}

impl Scope {
    /// Whether a file of `origin` is reported on.
    pub fn includes(self, origin: Origin) -> bool {
        matches!(
            (self, origin),
            (Scope::All, _) | (Scope::App, Origin::Application) | (Scope::Deps, Origin::Package)
        )
    }
}
