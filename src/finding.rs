//! A finding: one thing that will break on the chosen base, or one file that
//! could not be analysed.
//!
//! Findings are plain data. Analysers produce them, suppressions and the
//! baseline filter them, reporters render them; nobody else prints. The JSON
//! output serializes this type directly, so its field names are a stable
//! interface (documented in `docs/json-output.md`).

use std::collections::BTreeMap;
use std::fmt;
use std::path::PathBuf;

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Info,
    Warning,
    Error,
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Severity::Info => "info",
            Severity::Warning => "warning",
            Severity::Error => "error",
        })
    }
}

/// What kind of breakage a finding is about; used for `--select` by family
/// and for grouping in reports.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Family {
    NativeLibrary,
    Shell,
    Exec,
    Dlopen,
    Data,
    Interpreter,
    Dockerfile,
    /// The file itself could not be analysed (unreadable, malformed).
    Scan,
}

impl Family {
    pub fn as_str(self) -> &'static str {
        match self {
            Family::NativeLibrary => "native-library",
            Family::Shell => "shell",
            Family::Exec => "exec",
            Family::Dlopen => "dlopen",
            Family::Data => "data",
            Family::Interpreter => "interpreter",
            Family::Dockerfile => "dockerfile",
            Family::Scan => "scan",
        }
    }
}

impl fmt::Display for Family {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The installed distribution a file belongs to; `None` on a finding means the
/// application's own code.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Distribution {
    pub name: String,
    pub version: String,
}

/// A position in a text file: 1-based line and column (in characters), and
/// the byte range for renderers that show the source.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Location {
    pub line: u32,
    pub column: u32,
    pub offset: usize,
    pub length: usize,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Finding {
    pub code: String,
    pub severity: Severity,
    pub family: Family,
    pub message: String,
    pub help: String,
    /// The file, as the user named it (relative to where they ran the tool
    /// when they gave a relative path).
    pub path: PathBuf,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub location: Option<Location>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub distribution: Option<Distribution>,
    /// Finding-specific facts (`library`, `chain`, `callee`, `program`, ...).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub fields: BTreeMap<String, serde_json::Value>,
}

impl Finding {
    pub fn new(
        code: &str,
        severity: Severity,
        family: Family,
        path: impl Into<PathBuf>,
        message: impl Into<String>,
        help: impl Into<String>,
    ) -> Self {
        Finding {
            code: code.to_string(),
            severity,
            family,
            message: message.into(),
            help: help.into(),
            path: path.into(),
            location: None,
            distribution: None,
            fields: BTreeMap::new(),
        }
    }

    pub fn with_field(mut self, key: &str, value: impl Into<serde_json::Value>) -> Self {
        self.fields.insert(key.to_string(), value.into());
        self
    }

    pub fn with_location(mut self, location: Location) -> Self {
        self.location = Some(location);
        self
    }

    /// The order every report uses: application first, then distributions by
    /// name; within one, by path, position and code. Independent of thread
    /// scheduling, so output is byte-identical across runs.
    pub fn sort_key(&self) -> impl Ord + '_ {
        (
            self.distribution.as_ref().map(|d| (&d.name, &d.version)),
            &self.path,
            self.location.map(|l| (l.line, l.column)),
            &self.code,
            &self.message,
        )
    }
}

/// Sorts findings into report order and drops exact duplicates (the same
/// problem reached twice, e.g. through two scanned roots).
pub fn sort_and_dedup(findings: &mut Vec<Finding>) {
    findings.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
    findings.dedup_by(|a, b| {
        a.code == b.code && a.path == b.path && a.location == b.location && a.message == b.message
    });
}
