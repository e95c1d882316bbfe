//! What the application needs that the base lacks: the findings turned
//! into the list a team turns into its Dockerfile changes.
//!
//! Each rule says in its file what its findings say the base lacks
//! (`lacks = { kind, field, name }`); a finding's need is that kind and the
//! name its field holds. The same need found in many places is one entry
//! (thirty-seven scripts whose `#!` names `/command/with-contenv` are one
//! missing program), with the places that need it, how many of them the
//! code already handles, and which distributions they are in. A finding
//! that took in another (`joined`, see `gate::absorb`) needs what both
//! rules say: `os.system("chown …")` needs `/bin/sh` and `chown`.
//!
//! A shell is named by its program (`sh`, `bash`), wherever the finding
//! found it (`/bin/sh`, `["sh", "-c", …]`).
//!
//! Errors and warnings count; a note counts only when it is a handled
//! failure (its `handled` field), as a handled place. Other notes say that
//! nothing breaks, so they need nothing.

use std::collections::BTreeMap;

use serde_json::{json, Value};

use super::ReportInput;
use crate::finding::{Fields, Finding, Severity};
use crate::gate::absorb::JOINED_FIELD;
use crate::gate::catalogue::RuleInfo;
use crate::rules::LackKind;

/// How many places each need lists; the counts cover them all.
pub const PLACES_LISTED: usize = 10;

/// One thing the base lacks, and where the application needs it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Need {
    pub kind: LackKind,
    pub name: String,
    /// Every place, handled or not (a summary of hidden findings counts
    /// each of them).
    pub places: usize,
    /// Of those, the ones the code handles.
    pub handled: usize,
    pub errors: usize,
    pub warnings: usize,
    /// The distributions the places are in, by name; empty when all are in
    /// the application's own code.
    pub distributions: Vec<String>,
    /// Whether some place is in the application's own code.
    pub in_application: bool,
    /// The first places in report order, at most [`PLACES_LISTED`].
    pub listed: Vec<Place>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Place {
    /// As reports write paths (relative to where distrolint runs).
    pub path: String,
    pub line: Option<u32>,
    pub code: String,
    pub severity: Severity,
    pub handled: bool,
}

/// The needs of `input`'s findings, by kind and then name.
pub fn needs(input: &ReportInput) -> Vec<Need> {
    let mut found: BTreeMap<(LackKind, String), Need> = BTreeMap::new();
    for finding in input.findings {
        let weight = super::bound::weight(finding);
        let mut add = |code: &str, severity: Severity, fields: &Fields| {
            let Some((kind, name)) = lack_of(input, code, fields) else {
                return;
            };
            let handled = fields.contains_key("handled");
            if severity == Severity::Info && !handled {
                return;
            }
            let need = found.entry((kind, name.clone())).or_insert_with(|| Need {
                kind,
                name,
                places: 0,
                handled: 0,
                errors: 0,
                warnings: 0,
                distributions: Vec::new(),
                in_application: false,
                listed: Vec::new(),
            });
            need.places += weight;
            match severity {
                Severity::Error => need.errors += weight,
                Severity::Warning => need.warnings += weight,
                Severity::Info => {}
            }
            if handled {
                need.handled += weight;
            }
            match &finding.distribution {
                Some(d) if !need.distributions.contains(&d.name) => {
                    need.distributions.push(d.name.clone())
                }
                Some(_) => {}
                None => need.in_application = true,
            }
            if need.listed.len() < PLACES_LISTED {
                need.listed.push(Place {
                    path: input.path(finding),
                    line: finding.location.map(|l| l.line),
                    code: code.to_string(),
                    severity,
                    handled,
                });
            }
        };
        add(&finding.code, finding.severity, &finding.fields);
        for joined in joined(finding) {
            add(&joined.0, joined.1, &joined.2);
        }
    }
    let mut needs: Vec<Need> = found.into_values().collect();
    for need in &mut needs {
        need.distributions.sort();
    }
    needs
}

/// The findings `finding` took in: code, severity and fields of each.
fn joined(finding: &Finding) -> Vec<(String, Severity, Fields)> {
    let Some(Value::Array(items)) = finding.fields.get(JOINED_FIELD) else {
        return Vec::new();
    };
    items
        .iter()
        .filter_map(|item| {
            let object = item.as_object()?;
            let code = object.get("code")?.as_str()?.to_string();
            let severity = serde_json::from_value(object.get("severity")?.clone()).ok()?;
            let mut fields = Fields::default();
            for (key, value) in object {
                if key != "code" && key != "severity" {
                    fields.insert(key.clone(), value.clone());
                }
            }
            Some((code, severity, fields))
        })
        .collect()
}

fn lack_of(input: &ReportInput, code: &str, fields: &Fields) -> Option<(LackKind, String)> {
    let rule: &RuleInfo = input.rule(code)?;
    let lack = rule.lacks.as_ref()?;
    let named = lack
        .field
        .as_deref()
        .and_then(|key| fields.get(key))
        .and_then(|value| match value {
            Value::String(text) if !text.is_empty() => Some(text.clone()),
            Value::Number(n) => Some(n.to_string()),
            _ => None,
        });
    let mut name = named.or_else(|| lack.name.clone())?;
    // `/bin/sh` for os.system, `sh` for ["sh", "-c", …], `/bin/sh` from a
    // RUN: one missing shell, named as a program is.
    if lack.kind == LackKind::Shell {
        if let Some((_, base)) = name.rsplit_once('/').filter(|(_, b)| !b.is_empty()) {
            name = base.to_string();
        }
    }
    Some((lack.kind, name))
}

/// The JSON form of `needs` (docs/json-output.md).
pub fn to_json(needs: &[Need]) -> Value {
    Value::Array(
        needs
            .iter()
            .map(|need| {
                json!({
                    "kind": need.kind.as_str(),
                    "name": need.name,
                    "places": need.places,
                    "handled": need.handled,
                    "errors": need.errors,
                    "warnings": need.warnings,
                    "in_application": need.in_application,
                    "distributions": need.distributions,
                    "listed": need.listed.iter().map(|place| json!({
                        "path": place.path,
                        "line": place.line,
                        "code": place.code,
                        "severity": place.severity,
                        "handled": place.handled,
                    })).collect::<Vec<_>>(),
                })
            })
            .collect(),
    )
}
