//! The Dockerfile checks (DL7xx): which codes they report, the forms of
//! finding (variants) each produces, and the facts each fills in its rule's
//! templates.
//!
//! Everything a user reads about these rules — name, default severity,
//! documentation, message and help wording — is in `rules/dockerfile.toml`,
//! like every other rule; [`super::check`] decides *whether* a finding
//! exists and `verdict` supplies the facts. Declaring the variants and
//! placeholders lets the rule loader reject a template that names
//! something a check never fills. Codes are never reused.

use std::path::Path;

use crate::base::BaseImage;
use crate::finding::{Family, Finding, Location};
pub use crate::rules::NativeCheck;
use crate::rules::RuleSet;

/// What the shell-form checks (DL701–DL703) fill.
const SHELL_FORM_PLACEHOLDERS: &[&str] = &[
    "through",
    "runs",
    "absent",
    "consequence",
    "error",
    "maybe",
    "suggestion",
    "program",
    "feature",
    "keyword",
    "shell",
    "entrypoint-line",
    "entrypoint-program",
    "python-note",
    "exec-keyword",
    "entrypoint-note",
];

pub const SYNTAX: NativeCheck = NativeCheck {
    code: "DL700",
    variants: &["docker-frontend", "other-frontend"],
    placeholders: &["error", "more", "frontend"],
    templates: true,
};

pub const SHELL_FORM_RUN: NativeCheck = NativeCheck {
    code: "DL701",
    variants: &["exec-form", "program-missing", "file-mode", "shell-feature"],
    placeholders: SHELL_FORM_PLACEHOLDERS,
    templates: true,
};

pub const SHELL_FORM_COMMAND: NativeCheck = NativeCheck {
    code: "DL702",
    variants: &[
        "exec-form",
        "program-missing",
        "shell-feature",
        "behind-entrypoint-exec-form",
        "behind-entrypoint-shell-feature",
    ],
    placeholders: SHELL_FORM_PLACEHOLDERS,
    templates: true,
};

pub const SHELL_FORM_HEALTHCHECK: NativeCheck = NativeCheck {
    code: "DL703",
    variants: &["exec-form", "python", "no-python"],
    placeholders: SHELL_FORM_PLACEHOLDERS,
    templates: true,
};

pub const MISSING_SHELL: NativeCheck = NativeCheck {
    code: "DL704",
    variants: &[],
    placeholders: &["absent", "error", "maybe", "shell"],
    templates: true,
};

pub const MISSING_PROGRAM: NativeCheck = NativeCheck {
    code: "DL705",
    variants: &[
        "not-runnable",
        "env-shebang",
        "file-mode",
        "shell",
        "http-client",
        "python-tool",
        "other",
    ],
    placeholders: &[
        "what",
        "absent",
        "consequence",
        "error",
        "maybe",
        "program",
        "needs",
    ],
    templates: true,
};

pub const PYTHON_TREE_OFF_SYS_PATH: NativeCheck = NativeCheck {
    code: "DL706",
    variants: &["site-packages", "elsewhere", "venv"],
    placeholders: &[
        "stage",
        "source",
        "destination",
        "imported",
        "package-dir",
        "package-dirs",
    ],
    templates: true,
};

pub const BUILDER_PYTHON_MISMATCH: NativeCheck = NativeCheck {
    code: "DL707",
    variants: &["packages", "versioned-tree", "venv"],
    placeholders: &[
        "stage",
        "source",
        "builder-python",
        "builder-digits",
        "evidence",
        "python",
        "python-path",
        "builder",
    ],
    templates: true,
};

pub const VENV_INTERPRETER_MISSING: NativeCheck = NativeCheck {
    code: "DL708",
    variants: &["link", "copies"],
    placeholders: &[
        "stage",
        "source",
        "destination",
        "interpreter",
        "evidence",
        "python-path",
        "builder",
        "package-dir",
        "lacks",
        "error",
    ],
    templates: true,
};

pub const CMD_BEHIND_PYTHON_ENTRYPOINT: NativeCheck = NativeCheck {
    code: "DL709",
    variants: &[
        "python",
        "python-tool",
        "python-tool-on-path",
        "shell",
        "script",
    ],
    placeholders: &[
        "cmd",
        "entrypoint",
        "runs",
        "first",
        "script",
        "maybe",
        "suggestion",
    ],
    templates: true,
};

pub const ENV_LOCALE_MISSING: NativeCheck = NativeCheck {
    code: "DL710",
    variants: &[],
    placeholders: &["variable", "locale", "locales", "suggestion"],
    templates: true,
};

pub const USER_ACCOUNT_MISSING: NativeCheck = NativeCheck {
    code: "DL711",
    variants: &[],
    placeholders: &[
        "user",
        "name",
        "accounts",
        "instead",
        "instead-uid",
        "maybe",
    ],
    templates: true,
};

/// Every Dockerfile check, by code.
pub const CHECKS: &[NativeCheck] = &[
    SYNTAX,
    SHELL_FORM_RUN,
    SHELL_FORM_COMMAND,
    SHELL_FORM_HEALTHCHECK,
    MISSING_SHELL,
    MISSING_PROGRAM,
    PYTHON_TREE_OFF_SYS_PATH,
    BUILDER_PYTHON_MISMATCH,
    VENV_INTERPRETER_MISSING,
    CMD_BEHIND_PYTHON_ENTRYPOINT,
    ENV_LOCALE_MISSING,
    USER_ACCOUNT_MISSING,
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
