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

use super::template::render;
use super::{Case, RuleSet};
use crate::base::BaseImage;
use std::path::Path;

use crate::finding::{Family, Finding, Severity};

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

/// The checks built into the program, family by family: what native rules
/// describe. The engine is given them (by `crate::checks`) rather than
/// naming the families, which sit above it.
pub type NativeChecks = [&'static [NativeCheck]];

/// A check that only documents its code: the code that reports it writes
/// its message.
pub const fn documented(code: &'static str) -> NativeCheck {
    NativeCheck {
        code,
        variants: &[],
        placeholders: &[],
        templates: false,
    }
}

pub fn native_check(natives: &NativeChecks, code: &str) -> Option<&'static NativeCheck> {
    natives
        .iter()
        .flat_map(|family| family.iter())
        .find(|c| c.code == code)
}

/// A native finding's severity, message and help.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rendered {
    pub severity: Severity,
    pub message: String,
    pub help: String,
}

impl RuleSet {
    /// Renders the native rule `code` for `variant` on `base`, filling its
    /// templates from `values` (and `base` with the base's display name).
    /// Where there is no base (a Dockerfile checked for its syntax only), a
    /// case with a `base` condition does not hold. A set without the rule
    /// (rule files loaded alone) gives an error that lists the facts.
    pub fn render_native(
        &self,
        code: &str,
        variant: Option<&str>,
        base: Option<&BaseImage>,
        values: &[(&str, String)],
    ) -> Rendered {
        let Some(rule) = self.rule(code) else {
            // A set made of some rule files alone (a rule directory under
            // test, a fuzzed file) may not word every check: the finding
            // keeps its facts rather than stop the run.
            let facts: Vec<String> = values
                .iter()
                .filter(|(_, value)| !value.is_empty())
                .map(|(name, value)| format!("{name}: {value}"))
                .collect();
            return Rendered {
                severity: Severity::Error,
                message: format!("{code} ({})", facts.join("; ")),
                help: String::new(),
            };
        };
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

    /// A finding of the native check `check` about `path`, its severity,
    /// message and help from this set's rule for the check (the case for
    /// `variant` on `base`). Every family builds its findings here, so a
    /// check reads its wording from the run's rules.
    pub fn native_finding(
        &self,
        check: &NativeCheck,
        family: Family,
        path: &Path,
        base: Option<&BaseImage>,
        variant: Option<&str>,
        values: &[(&str, String)],
    ) -> Finding {
        let rendered = self.render_native(check.code, variant, base, values);
        Finding::new(
            check.code,
            rendered.severity,
            family,
            path,
            rendered.message,
            rendered.help,
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::finding::Family;

    #[test]
    fn a_set_without_the_rule_keeps_the_facts() {
        let check = NativeCheck {
            code: "DL999",
            variants: &[],
            placeholders: &["error"],
            templates: true,
        };
        let finding = RuleSet::default().native_finding(
            &check,
            Family::Scan,
            Path::new("a.py"),
            None,
            None,
            &[("error", "bad byte".into()), ("depth", String::new())],
        );
        assert_eq!(finding.severity, Severity::Error);
        assert_eq!(&*finding.message, "DL999 (error: bad byte)");
    }
}
