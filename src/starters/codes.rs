//! The starter checks (DL8xx): their codes, the forms of finding (variants)
//! each produces and the facts each fills. The wording is in
//! `rules/starters.toml`; declaring variants and placeholders here lets the
//! rule loader reject a template that names something no check fills.
//! Codes are never reused.

use std::path::Path;

use crate::base::BaseImage;
use crate::finding::{Family, Finding, Location};
use crate::rules::{NativeCheck, RuleSet};

/// What DL801 and DL802 fill.
const COMMAND_PLACEHOLDERS: &[&str] = &[
    "what",
    "runs",
    "absent",
    "consequence",
    "error",
    "maybe",
    "image",
    "suggestion",
    "program",
    "needs",
];

pub const SHELL_COMMAND: NativeCheck = NativeCheck {
    code: "DL801",
    variants: &["procfile", "uwsgi", "healthcheck"],
    placeholders: COMMAND_PLACEHOLDERS,
    templates: true,
};

pub const MISSING_PROGRAM: NativeCheck = NativeCheck {
    code: "DL802",
    variants: &[
        "not-runnable",
        "shell",
        "http-client",
        "python-tool",
        "other",
    ],
    placeholders: COMMAND_PLACEHOLDERS,
    templates: true,
};

pub const ARGS_BEHIND_PYTHON_ENTRYPOINT: NativeCheck = NativeCheck {
    code: "DL803",
    variants: &["python", "python-tool", "shell", "script"],
    placeholders: &[
        "what",
        "given",
        "entrypoint",
        "runs",
        "first",
        "script",
        "maybe",
        "image",
        "suggestion",
        "entrypoint-field",
    ],
    templates: true,
};

pub const UNREADABLE: NativeCheck = NativeCheck {
    code: "DL804",
    variants: &[],
    placeholders: &["file", "kind", "error"],
    templates: true,
};

pub const USER_ACCOUNT_MISSING: NativeCheck = NativeCheck {
    code: "DL805",
    variants: &[],
    placeholders: &[
        "what",
        "user",
        "name",
        "image",
        "accounts",
        "instead",
        "instead-uid",
        "maybe",
    ],
    templates: true,
};

/// Every starter check, in code order.
pub const CHECKS: &[NativeCheck] = &[
    SHELL_COMMAND,
    MISSING_PROGRAM,
    ARGS_BEHIND_PYTHON_ENTRYPOINT,
    UNREADABLE,
    USER_ACCOUNT_MISSING,
];

/// Whether `code` is a starter check's.
pub fn is_starter_code(code: &str) -> bool {
    CHECKS.iter().any(|c| c.code == code)
}

/// A finding of `check` at `location` in the file at `path`, worded by the
/// rule file's case for `variant`.
pub fn finding(
    rules: &RuleSet,
    check: &NativeCheck,
    path: &Path,
    location: Option<Location>,
    base: &BaseImage,
    variant: Option<&str>,
    values: &[(&str, String)],
) -> Finding {
    let finding = rules.native_finding(check, Family::Starters, path, Some(base), variant, values);
    match location {
        Some(location) => finding.with_location(location),
        None => finding,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::builtin_rules;
    use crate::rules::Matcher;

    #[test]
    fn every_check_has_its_rule_and_every_starters_rule_its_check() {
        let rules = builtin_rules();
        for check in CHECKS {
            let rule = rules.rule(check.code).expect("a rule file defines it");
            assert!(matches!(rule.matcher, Matcher::Native(_)), "{}", check.code);
            assert_eq!(rule.family, Family::Starters);
            assert!(check.code.starts_with("DL8"));
        }
        let starters = rules
            .rules
            .iter()
            .filter(|r| r.family == Family::Starters)
            .count();
        assert_eq!(starters, CHECKS.len());
    }
}
