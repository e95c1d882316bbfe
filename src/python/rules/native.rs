//! Native matchers: checks written in Rust (the ELF loader simulation, the
//! scan's own diagnostics) whose code, documentation, severity and wording
//! live in rule files like every other rule.
//!
//! The Rust side declares each check here — its code, the variants (forms
//! of finding) it produces and the placeholders it fills — so a rule file
//! that names a variant or placeholder the check does not have fails at
//! load, exactly as a call or query rule would. Checks marked `templates:
//! false` are documented entries: the code that detects them writes their
//! message (they belong to other parts of the program), and the rule file
//! gives the rest.

use std::sync::{Arc, OnceLock};

use super::template::render;
use super::{Case, RuleSet};
use crate::base::BaseImage;
use crate::finding::Severity;

/// What a built-in check produces.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NativeCheck {
    pub code: &'static str,
    /// Forms of finding, chosen with `when.variant`; empty: one form.
    pub variants: &'static [&'static str],
    /// What the check fills in a template (`base` is always given).
    pub placeholders: &'static [&'static str],
    /// Whether the check renders the rule file's message and help.
    pub templates: bool,
}

/// The scan's diagnostics (files that cannot be analysed) and the gate's.
const SCAN_CHECKS: &[NativeCheck] = &[
    documented("DL900"),
    documented("DL901"),
    documented("DL902"),
    NativeCheck {
        code: crate::python::UNDECODABLE,
        variants: &[],
        placeholders: &["base", "error"],
        templates: true,
    },
    NativeCheck {
        code: crate::python::UNPARSABLE,
        variants: &["broken", "too-deep", "nul-byte"],
        placeholders: &["base", "error", "depth"],
        templates: true,
    },
    documented("DL905"),
    documented("DL910"),
];

const fn documented(code: &'static str) -> NativeCheck {
    NativeCheck {
        code,
        variants: &[],
        placeholders: &[],
        templates: false,
    }
}

/// Every built-in check.
pub fn native_checks() -> impl Iterator<Item = &'static NativeCheck> {
    crate::elf::codes::CHECKS
        .iter()
        .chain(crate::interpreter::codes::CHECKS)
        .chain(crate::dockerfile::codes::CHECKS)
        .chain(crate::starters::codes::CHECKS)
        .chain(SCAN_CHECKS)
}

pub fn native_check(code: &str) -> Option<&'static NativeCheck> {
    native_checks().find(|c| c.code == code)
}

/// The built-in rule set, loaded once per process. The built-in files are
/// part of the program and the test suite loads them, so failing here is a
/// bug in distrolint, not a user error.
pub fn builtin_rules() -> &'static RuleSet {
    shared_builtin_rules()
}

/// The same rule set, to hold beside a user's rules: a check without rule
/// directories uses it rather than compiling the files (and their queries)
/// a second time.
pub fn shared_builtin_rules() -> &'static Arc<RuleSet> {
    static BUILTIN: OnceLock<Arc<RuleSet>> = OnceLock::new();
    BUILTIN.get_or_init(|| {
        Arc::new(
            RuleSet::builtin()
                .unwrap_or_else(|e| panic!("the built-in rule files do not load: {e}")),
        )
    })
}

/// A native finding's severity, message and help.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rendered {
    pub severity: Severity,
    pub message: String,
    pub help: String,
}

/// Renders the built-in rule `code` for `variant` on `base`, filling its
/// templates from `values` (and `base` with the base's display name).
pub fn render_native(
    code: &str,
    variant: Option<&str>,
    base: &BaseImage,
    values: &[(&str, String)],
) -> Rendered {
    render_native_on(code, variant, Some(base), values)
}

/// [`render_native`] where there may be no base (a Dockerfile checked for
/// its syntax only): a case with a `base` condition does not hold then.
pub fn render_native_on(
    code: &str,
    variant: Option<&str>,
    base: Option<&BaseImage>,
    values: &[(&str, String)],
) -> Rendered {
    let rules = builtin_rules();
    let rule = rules
        .rule(code)
        .unwrap_or_else(|| panic!("no built-in rule file defines {code}"));
    let case: Option<&Case> = rule.cases.iter().find(|case| {
        let variant_holds = match (&case.when.variant, variant) {
            (None, _) => true,
            (Some(want), Some(have)) => want.get_ref() == have,
            (Some(_), None) => false,
        };
        let base_holds = match base {
            Some(base) => case.when.base_holds(base),
            None => case.when.base.is_empty(),
        };
        variant_holds && base_holds
    });
    let lookup = |name: &str| -> String {
        values
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, v)| v.clone())
            .unwrap_or_else(|| match (name, base) {
                ("base", Some(base)) => base.display_name(),
                _ => String::new(),
            })
    };
    match case {
        Some(case) => Rendered {
            severity: case.severity,
            message: render(&case.message, &lookup),
            help: render(&case.help, &lookup),
        },
        None => Rendered {
            severity: rule.severity,
            message: rule.summary.clone(),
            help: String::new(),
        },
    }
}
