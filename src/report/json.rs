//! `--format json`: our own schema, documented in `docs/json-output.md`.
//!
//! One object per finding, flat so that `jq '.findings[] | .code'` works
//! without knowing the finding kind; finding-specific fields sit beside the
//! common ones. Nothing time-dependent is written, so the same input gives
//! byte-identical output.

use std::io::{self, Write};

use serde_json::{json, Map, Value};

use super::ReportInput;

/// Bumped only when a field changes meaning or disappears.
pub const SCHEMA_VERSION: u32 = 1;

pub fn finding_object(finding: &crate::finding::Finding) -> Value {
    let mut object = Map::new();
    object.insert("code".into(), json!(finding.code));
    object.insert("severity".into(), json!(finding.severity));
    object.insert("family".into(), json!(finding.family));
    object.insert("message".into(), json!(finding.message));
    object.insert("help".into(), json!(finding.help));
    object.insert(
        "path".into(),
        json!(crate::gate::paths::escaped(&finding.path)),
    );
    if let Some(location) = finding.location {
        object.insert("line".into(), json!(location.line));
        object.insert("column".into(), json!(location.column));
    }
    match &finding.distribution {
        Some(dist) => {
            object.insert("distribution".into(), json!(dist.name));
            object.insert("version".into(), json!(dist.version));
        }
        None => {
            object.insert("distribution".into(), Value::Null);
            object.insert("version".into(), Value::Null);
        }
    }
    for (key, value) in &finding.fields {
        // Common keys win: a finding-specific field never hides them.
        object.entry(key.clone()).or_insert_with(|| value.clone());
    }
    Value::Object(object)
}

pub fn render(input: &ReportInput, out: &mut dyn Write) -> io::Result<()> {
    let findings = input
        .findings_with_fingerprints()
        .map(|(finding, fingerprint)| {
            let mut object = finding_object(finding);
            object["fingerprint"] = json!(fingerprint);
            object
        });
    let summary = input.summary();
    let mut gate = json!({
        "suppressed": input.gate.suppressed,
        "ignored": input.gate.ignored,
    });
    if let (Value::Object(gate), Value::Object(more)) = (&mut gate, input.gate.weakenings_json()) {
        gate.extend(more);
    }
    if let Some((path, outcome)) = &input.gate.baseline {
        gate["baseline"] = json!({
            "path": path.to_string_lossy(),
            "matched": outcome.matched,
            "stale": outcome.stale,
        });
    }
    let document = json!({
        "version": SCHEMA_VERSION,
        "tool": {"name": "distrolint", "version": env!("CARGO_PKG_VERSION")},
        "base": {
            "name": input.base.name,
            "image": input.base.images.first(),
            "chosen_by": input.base_source,
            "judged_as_if": input.judged_as_if.iter().map(|j| json!({
                "dockerfile": j.path.to_string_lossy(),
                "today": j.today,
                "as_if": j.target,
            })).collect::<Vec<_>>(),
        },
        "starter_files": input.starter_files.iter().map(|read| json!({
            "path": read.path.to_string_lossy(),
            "kind": read.kind,
            "judged_against": read.judged_against,
        })).collect::<Vec<_>>(),
        // Filled in as it is written (super::write_filled).
        "findings": [],
        "needs": super::needs::to_json(&super::needs::needs(input)),
        "summary": {
            "files": input.stats.files,
            "python_files": input.stats.python_files,
            "elf_files": input.stats.elf_files,
            "distributions": input.stats.distributions,
            "test_code_findings": input.stats.test_code_findings,
            "tooling_findings": input.stats.tooling_findings,
            "unpackaged_findings": input.stats.unpackaged_findings,
            "by_severity": summary.by_severity,
            "by_code": summary.by_code,
            "by_distribution": summary.by_distribution,
            "gate": gate,
        },
    });
    let document = serde_json::to_string_pretty(&document)?;
    let at = super::empty_array_of(&document, "findings", 1);
    super::write_filled(out, &document, at, 1, findings)?;
    writeln!(out)
}
