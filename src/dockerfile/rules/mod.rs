//! The Dockerfile checks (DL7xx), one file per check (or per pair that
//! share their facts), each declaring its code, the forms of finding
//! (variants) it produces and the facts it fills in its rule's templates,
//! and deciding when its finding exists; [`CHECKS`] lists them.
//!
//! Everything a user reads about these rules — name, default severity,
//! documentation, message and help wording — is in `rules/dockerfile.toml`,
//! like every other rule. [`super::check`] walks the final stage and hands
//! each instruction to the checks. Declaring the variants and placeholders
//! lets the rule loader reject a template that names something a check
//! never fills. Codes are never reused.

pub mod cmd_behind_python_entrypoint;
pub mod commands;
pub mod env_locale;
pub mod python_trees;
pub mod syntax;
pub mod user_account;
pub mod venv_interpreter;

use std::path::Path;

use crate::base::BaseImage;
use crate::finding::{Family, Finding, Location};
pub use crate::rules::NativeCheck;
use crate::rules::RuleSet;

/// Every Dockerfile check, by code.
pub const CHECKS: &[NativeCheck] = &[
    syntax::SYNTAX,
    commands::SHELL_FORM_RUN,
    commands::SHELL_FORM_COMMAND,
    commands::SHELL_FORM_HEALTHCHECK,
    commands::MISSING_SHELL,
    commands::MISSING_PROGRAM,
    python_trees::PYTHON_TREE_OFF_SYS_PATH,
    python_trees::BUILDER_PYTHON_MISMATCH,
    venv_interpreter::VENV_INTERPRETER_MISSING,
    cmd_behind_python_entrypoint::CMD_BEHIND_PYTHON_ENTRYPOINT,
    env_locale::ENV_LOCALE_MISSING,
    user_account::USER_ACCOUNT_MISSING,
];

/// Whether `code` is a Dockerfile check's.
pub fn is_dockerfile_code(code: &str) -> bool {
    CHECKS.iter().any(|c| c.code == code)
}

/// A finding of `check` at `location` in the Dockerfile at `path`: severity,
/// message and help from the run's rule for it (the case for `variant`).
/// `base` is `None` when the file is checked for its syntax only.
pub fn finding(
    rules: &RuleSet,
    check: &NativeCheck,
    path: &Path,
    location: Location,
    base: Option<&BaseImage>,
    variant: Option<&str>,
    values: &[(&str, String)],
) -> Finding {
    rules
        .native_finding(check, Family::Dockerfile, path, base, variant, values)
        .with_location(location)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::builtin_rules;
    use crate::rules::Matcher;

    #[test]
    fn every_check_has_its_rule_and_every_dockerfile_rule_its_check() {
        let rules = builtin_rules();
        let codes: Vec<_> = CHECKS.iter().map(|c| c.code).collect();
        let mut sorted = codes.clone();
        sorted.sort();
        sorted.dedup();
        assert_eq!(
            codes, sorted,
            "keep the table in code order, each code once"
        );
        for check in CHECKS {
            let rule = rules.rule(check.code).expect("a rule file defines it");
            assert!(matches!(rule.matcher, Matcher::Native(_)), "{}", check.code);
            assert_eq!(rule.family, Family::Dockerfile);
            assert!(check.code.starts_with("DL7"));
            for section in ["What it finds", "Why it breaks on distroless", "Instead"] {
                assert!(
                    rule.docs_section(section).is_some(),
                    "{} lacks {section}",
                    check.code
                );
            }
        }
        let dockerfile_rules = rules
            .rules
            .iter()
            .filter(|r| r.family == Family::Dockerfile)
            .count();
        assert_eq!(dockerfile_rules, CHECKS.len());
    }
}
