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
use std::sync::Arc;

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
    /// Files other than the Dockerfile that start processes in the image
    /// (compose, Kubernetes, Procfile, supervisord, uwsgi).
    Starters,
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
            Family::Starters => "starters",
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
    /// Shared: the same rule gives the same text for every copy of a call,
    /// and a file of thousands of them kept a copy each (see [`intern`]).
    pub message: Arc<str>,
    pub help: Arc<str>,
    /// The file, as the user named it (relative to where they ran the tool
    /// when they gave a relative path).
    pub path: PathBuf,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub location: Option<Location>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub distribution: Option<Distribution>,
    /// Finding-specific facts (`library`, `chain`, `callee`, `program`, ...).
    #[serde(default, skip_serializing_if = "Fields::is_empty")]
    pub fields: Fields,
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
            message: Arc::from(message.into()),
            help: Arc::from(help.into()),
            path: path.into(),
            location: None,
            distribution: None,
            fields: Fields::default(),
        }
    }

    pub fn with_field(mut self, key: &str, value: impl Into<serde_json::Value>) -> Self {
        self.fields.insert(key.to_string(), value.into());
        self
    }

    /// The finding at `severity` instead of its rule's, when there is one
    /// (a check that knows the failure is handled, or only possible).
    pub fn with_severity_instead(mut self, severity: Option<Severity>) -> Self {
        if let Some(severity) = severity {
            self.severity = severity;
        }
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

/// A finding's specific facts, by key in key order.
///
/// A finding has two or three of them. In a `BTreeMap` they took a node
/// with room for eleven (about 640 bytes), the largest single part of a
/// finding when a module gives hundreds of thousands of them; here they
/// take what they hold.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Fields(Vec<(String, serde_json::Value)>);

impl Fields {
    pub fn get(&self, key: &str) -> Option<&serde_json::Value> {
        self.position(key).ok().map(|i| &self.0[i].1)
    }

    pub fn contains_key(&self, key: &str) -> bool {
        self.position(key).is_ok()
    }

    /// Sets `key`, replacing what it held.
    pub fn insert(&mut self, key: String, value: serde_json::Value) {
        match self.position(&key) {
            Ok(i) => self.0[i].1 = value,
            Err(i) => {
                self.0.reserve_exact(1);
                self.0.insert(i, (key, value));
            }
        }
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// The fields in key order.
    pub fn iter(&self) -> impl Iterator<Item = (&String, &serde_json::Value)> {
        self.0.iter().map(|(k, v)| (k, v))
    }

    fn position(&self, key: &str) -> Result<usize, usize> {
        self.0.binary_search_by(|(k, _)| k.as_str().cmp(key))
    }
}

impl<'a> IntoIterator for &'a Fields {
    type Item = (&'a String, &'a serde_json::Value);
    type IntoIter = std::iter::Map<
        std::slice::Iter<'a, (String, serde_json::Value)>,
        fn(&'a (String, serde_json::Value)) -> (&'a String, &'a serde_json::Value),
    >;

    fn into_iter(self) -> Self::IntoIter {
        self.0.iter().map(|(k, v)| (k, v))
    }
}

impl std::ops::Index<&str> for Fields {
    type Output = serde_json::Value;

    fn index(&self, key: &str) -> &serde_json::Value {
        self.get(key)
            .unwrap_or_else(|| panic!("no field {key:?} in the finding"))
    }
}

impl Serialize for Fields {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_map(self.iter())
    }
}

impl<'de> Deserialize<'de> for Fields {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let map = BTreeMap::<String, serde_json::Value>::deserialize(deserializer)?;
        Ok(Fields(map.into_iter().collect()))
    }
}

/// Gives findings with equal messages or help one shared copy of the text.
/// Used where a file's findings are produced, which is where the repeats
/// are: 100,000 calls of `os.system("x")` have one message between them.
#[derive(Default)]
pub struct Interner {
    seen: std::collections::HashSet<Arc<str>>,
}

impl Interner {
    pub fn share(&mut self, finding: &mut Finding) {
        self.share_text(&mut finding.message);
        self.share_text(&mut finding.help);
    }

    fn share_text(&mut self, text: &mut Arc<str>) {
        match self.seen.get(&**text) {
            Some(shared) => *text = Arc::clone(shared),
            None => {
                self.seen.insert(Arc::clone(text));
            }
        }
    }
}

/// [`Interner::share`] over the findings of one file.
pub fn intern(findings: &mut [Finding]) {
    if findings.len() > 1 {
        let mut interner = Interner::default();
        findings.iter_mut().for_each(|f| interner.share(f));
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_keep_key_order_and_serialise_as_a_map() {
        let mut fields = Fields::default();
        fields.insert("program".into(), "x".into());
        fields.insert("callee".into(), "os.system".into());
        fields.insert("program".into(), "y".into());
        assert_eq!(fields.len(), 2);
        assert_eq!(fields["program"], "y");
        assert!(fields.contains_key("callee") && !fields.contains_key("via"));
        let keys: Vec<&String> = fields.iter().map(|(k, _)| k).collect();
        assert_eq!(keys, ["callee", "program"]);
        let json = serde_json::to_string(&fields).unwrap();
        assert_eq!(json, r#"{"callee":"os.system","program":"y"}"#);
        let back: Fields = serde_json::from_str(&json).unwrap();
        assert_eq!(back, fields);
    }

    #[test]
    fn equal_texts_are_shared() {
        let make = |m: &str| Finding::new("DL201", Severity::Error, Family::Shell, "x.py", m, "h");
        let mut findings = vec![make("same"), make("same"), make("other")];
        intern(&mut findings);
        assert!(Arc::ptr_eq(&findings[0].message, &findings[1].message));
        assert!(Arc::ptr_eq(&findings[0].help, &findings[2].help));
        assert_eq!(&*findings[2].message, "other");
    }
}
