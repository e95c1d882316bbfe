//! One cause, one finding.
//!
//! `os.system("chown app /data")` breaks twice over on a distroless base:
//! there is no `/bin/sh`, and there is no `chown` for it to run. Two rules
//! see it (DL201 and DL301), but it is one line to fix, and two findings
//! on one call read as two problems and count twice in the gate. A rule
//! that `absorbs` another takes that rule's finding at the same place into
//! its own: one message that says both, the other's facts kept under
//! [`JOINED_FIELD`], the stronger severity of the two.
//!
//! It runs after selection, suppression comments and `[[accept]]`: a code
//! the run does not report absorbs nothing, so ignoring DL201 leaves the
//! DL301 standing on its own. The absorbing finding keeps its fingerprint
//! (its identity fields are not touched), so a baseline that accepted both
//! still accepts the one.

use std::collections::{HashMap, HashSet};

use serde_json::{json, Map, Value};

use super::catalogue::RuleInfo;
use crate::finding::Finding;

/// The field of an absorbing finding that lists what it took in: one
/// object per absorbed finding, with its code, severity and fields.
pub const JOINED_FIELD: &str = "joined";

/// Merges into each finding of an absorbing rule the findings at the same
/// place whose codes it absorbs; returns how many were merged away.
pub fn apply(findings: &mut Vec<Finding>, known: &[RuleInfo]) -> usize {
    let absorbs: HashMap<&str, &[String]> = known
        .iter()
        .filter(|r| !r.absorbs.is_empty())
        .map(|r| (r.code.as_str(), r.absorbs.as_slice()))
        .collect();
    if absorbs.is_empty() {
        return 0;
    }
    // Only the findings of codes that take part, sorted so that those at
    // one place are neighbours: an index each, not a map of every finding,
    // since a module can give a million of them.
    let involved: HashSet<&str> = absorbs
        .iter()
        .flat_map(|(code, codes)| std::iter::once(*code).chain(codes.iter().map(String::as_str)))
        .collect();
    let mut order: Vec<usize> = (0..findings.len())
        .filter(|&i| findings[i].location.is_some() && involved.contains(findings[i].code.as_str()))
        .collect();
    let place = |i: usize| {
        let finding = &findings[i];
        (&finding.path, finding.location.map(|l| (l.line, l.column)))
    };
    // Whatever order the threads delivered the findings in, the same one
    // absorbs the same others, in the same order.
    order.sort_by(|&a, &b| {
        place(a)
            .cmp(&place(b))
            .then_with(|| findings[a].sort_key().cmp(&findings[b].sort_key()))
    });
    // Which finding absorbs which, decided before anything moves; each
    // finding is absorbed at most once, and an absorbing one never is.
    let mut merges: Vec<(usize, usize)> = Vec::new();
    let mut taken = vec![false; findings.len()];
    for group in order.chunk_by(|&a, &b| place(a) == place(b)) {
        if group.len() < 2 {
            continue;
        }
        for &into in group {
            let Some(codes) = absorbs.get(findings[into].code.as_str()) else {
                continue;
            };
            for &other in group {
                if other != into
                    && !taken[other]
                    && codes.contains(&findings[other].code)
                    && !absorbs.contains_key(findings[other].code.as_str())
                {
                    taken[other] = true;
                    merges.push((into, other));
                }
            }
        }
    }
    if merges.is_empty() {
        return 0;
    }
    let mut absorbed: Vec<Option<Finding>> = Vec::new();
    let mut kept = Vec::with_capacity(findings.len() - merges.len());
    let mut slot = vec![usize::MAX; findings.len()];
    for (index, finding) in std::mem::take(findings).into_iter().enumerate() {
        if taken[index] {
            slot[index] = absorbed.len();
            absorbed.push(Some(finding));
        } else {
            slot[index] = kept.len();
            kept.push(finding);
        }
    }
    for &(into, other) in &merges {
        let other = absorbed[slot[other]].take().expect("absorbed once");
        join(&mut kept[slot[into]], other);
    }
    *findings = kept;
    merges.len()
}

fn join(into: &mut Finding, other: Finding) {
    into.severity = into.severity.max(other.severity);
    into.message = format!("{}. {}", into.message.trim_end_matches('.'), other.message).into();
    let mut facts = Map::new();
    facts.insert("code".into(), json!(other.code));
    facts.insert("severity".into(), json!(other.severity));
    for (key, value) in other.fields.iter() {
        facts.insert(key.clone(), value.clone());
    }
    let mut joined = match into.fields.get(JOINED_FIELD) {
        Some(Value::Array(items)) => items.clone(),
        _ => Vec::new(),
    };
    joined.push(Value::Object(facts));
    into.fields
        .insert(JOINED_FIELD.to_string(), Value::Array(joined));
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::finding::{Family, Location, Severity};
    use crate::gate::catalogue::catalogue;
    use crate::rules::RuleSet;

    fn at(code: &str, severity: Severity, line: u32, program: &str) -> Finding {
        Finding::new(code, severity, Family::Shell, "app/m.py", code, "help")
            .with_location(Location {
                line,
                column: 1,
                offset: 0,
                length: 3,
            })
            .with_field("program", program)
    }

    #[test]
    fn a_shell_finding_takes_in_the_missing_program_on_the_same_call() {
        let known = catalogue(&RuleSet::builtin(crate::checks::NATIVE).unwrap());
        let mut findings = vec![
            at("DL201", Severity::Info, 2, "chown"),
            at("DL301", Severity::Error, 2, "chown"),
            at("DL301", Severity::Error, 3, "rg"),
        ];
        assert_eq!(apply(&mut findings, &known), 1);
        assert_eq!(findings.len(), 2);
        let shell = &findings[0];
        assert_eq!(shell.code, "DL201");
        assert_eq!(shell.severity, Severity::Error, "the stronger of the two");
        assert_eq!(&*shell.message, "DL201. DL301");
        let joined = shell.fields.get(JOINED_FIELD).unwrap();
        assert_eq!(joined[0]["code"], "DL301");
        assert_eq!(joined[0]["program"], "chown");
        assert_eq!(findings[1].code, "DL301", "another call is not absorbed");
    }

    #[test]
    fn nothing_is_absorbed_without_its_absorbing_finding() {
        let known = catalogue(&RuleSet::builtin(crate::checks::NATIVE).unwrap());
        let mut findings = vec![
            at("DL301", Severity::Error, 2, "chown"),
            at("DL303", Severity::Error, 2, "chown"),
        ];
        assert_eq!(apply(&mut findings, &known), 0);
        assert_eq!(findings.len(), 2);
    }
}
