//! `--format sarif`: SARIF 2.1.0, as GitHub code scanning and other SARIF
//! viewers read it.
//!
//! One run. The driver lists every rule distrolint knows (not only those
//! found), so that a viewer can explain a code and show which rules ran.
//! Each result names its rule, its level, its message, and where: a
//! repository-relative URI under `%SRCROOT%` (the directory distrolint ran
//! in), with a 1-based line and column for findings in text files; native
//! library findings point at the `.so` file with no region. Paths outside
//! that directory are written as absolute `file:` URIs.
//!
//! `partialFingerprints` carries distrolint's own fingerprint, which
//! survives line shifts, so code scanning can track an alert across edits.
//! Columns are counted in Unicode code points, as the findings count them.
//! The output is validated against the SARIF 2.1.0 schema in
//! `tests/cli/sarif_schema.rs`.

use std::io::{self, Write};

use serde_json::{json, Map, Value};

use super::ReportInput;
use crate::finding::Severity;
use crate::gate::catalogue::RuleInfo;

pub const SCHEMA_URI: &str = "https://json.schemastore.org/sarif-2.1.0.json";
/// The key of our fingerprint in `partialFingerprints`.
pub const FINGERPRINT_KEY: &str = "distrolintFingerprint/v1";
/// The base every relative URI is resolved against.
pub const SRCROOT: &str = "%SRCROOT%";

pub fn level(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "note",
    }
}

fn rule_object(rule: &RuleInfo) -> Value {
    let mut object = json!({
        "id": rule.code,
        "name": rule.name,
        "shortDescription": {"text": rule.summary},
        "fullDescription": {"text": rule.explanation},
        "help": {"text": rule.help, "markdown": rule.markdown},
        "defaultConfiguration": {"level": level(rule.severity)},
        "properties": {"tags": [rule.family.as_str()]},
    });
    if let Some(uri) = rule.help_uri() {
        object["helpUri"] = json!(uri);
    }
    object
}

/// Percent-encodes what may not appear in a URI path.
pub fn encode_uri_path(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for byte in path.bytes() {
        let keep = byte.is_ascii_alphanumeric() || b"-._~/!$&'()*+,;=:@".contains(&byte);
        if keep {
            out.push(byte as char);
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

fn artifact_location(path: &str) -> Value {
    if path.starts_with('/') {
        json!({"uri": format!("file://{}", encode_uri_path(path))})
    } else {
        json!({"uri": encode_uri_path(path), "uriBaseId": SRCROOT})
    }
}

pub fn render(input: &ReportInput, out: &mut dyn Write) -> io::Result<()> {
    let rules: Vec<Value> = input.rules.iter().map(rule_object).collect();
    let results = input
        .findings_with_fingerprints()
        .map(|(finding, fingerprint)| {
            let mut physical = Map::new();
            physical.insert(
                "artifactLocation".into(),
                artifact_location(&input.path(finding)),
            );
            if let Some(location) = finding.location {
                physical.insert(
                    "region".into(),
                    json!({"startLine": location.line.max(1), "startColumn": location.column.max(1)}),
                );
            }
            let mut properties = Map::new();
            properties.insert("family".into(), json!(finding.family));
            if let Some(dist) = &finding.distribution {
                properties.insert("distribution".into(), json!(dist.name));
                properties.insert("version".into(), json!(dist.version));
            }
            for (key, value) in &finding.fields {
                properties.entry(key.clone()).or_insert_with(|| value.clone());
            }
            let mut result = json!({
                "ruleId": finding.code,
                "level": level(finding.severity),
                "message": {"text": format!("{}\nHelp: {}", finding.message, finding.help)},
                "locations": [{"physicalLocation": Value::Object(physical)}],
                "partialFingerprints": {FINGERPRINT_KEY: fingerprint},
                "properties": Value::Object(properties),
            });
            if let Ok(index) = input
                .rules
                .binary_search_by(|r| r.code.as_str().cmp(&finding.code))
            {
                result["ruleIndex"] = json!(index);
            }
            result
        });
    let mut driver = json!({
        "name": "distrolint",
        "version": env!("CARGO_PKG_VERSION"),
        "semanticVersion": env!("CARGO_PKG_VERSION"),
        "rules": rules,
    });
    if let Some(repository) = option_env!("CARGO_PKG_REPOSITORY").filter(|r| !r.is_empty()) {
        driver["informationUri"] = json!(repository);
    }
    let mut src_root = encode_uri_path(&input.cwd.to_string_lossy());
    if !src_root.ends_with('/') {
        src_root.push('/');
    }
    let document = json!({
        "$schema": SCHEMA_URI,
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": driver},
            "originalUriBaseIds": {SRCROOT: {"uri": format!("file://{src_root}")}},
            "columnKind": "unicodeCodePoints",
            // Filled in as it is written (super::write_filled).
            "results": [],
            "properties": {
                "base": input.base.name,
                "baseChosenBy": input.base_source,
                "judgedAsIf": input.judged_as_if.iter().map(|j| json!({
                    "dockerfile": j.path.to_string_lossy(),
                    "today": j.today,
                    "asIf": j.target,
                })).collect::<Vec<_>>(),
                "gate": input.gate.weakenings_json(),
            },
        }],
    });
    let document = serde_json::to_string_pretty(&document)?;
    let at = super::empty_array_of(&document, "results", 3);
    super::write_filled(out, &document, at, 3, results)?;
    writeln!(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uris_are_percent_encoded_and_absolute_paths_are_file_uris() {
        assert_eq!(encode_uri_path("app/my file#1.py"), "app/my%20file%231.py");
        assert_eq!(encode_uri_path("naïve.py"), "na%C3%AFve.py");
        assert_eq!(
            artifact_location("/opt/venv/x.so")["uri"],
            "file:///opt/venv/x.so"
        );
        assert_eq!(artifact_location("app/x.py")["uriBaseId"], SRCROOT);
    }
}
