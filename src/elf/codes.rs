//! The native-library checks: which codes the loader simulation reports,
//! and what each fills in its rule's templates.
//!
//! Everything a user reads about these rules — name, default severity,
//! documentation, message and help wording — is in `rules/native.toml`,
//! like every other rule; the checks here decide *whether* a finding exists
//! and supply the facts (`{library}`, `{chain}`, ...). Declaring the
//! variants and placeholders lets the rule loader reject a template that
//! names something a check never fills.
//!
//! Codes are never reused. A finding about a library that nothing in the
//! scanned tree links against is downgraded to a warning whatever the rule's
//! severity, because it breaks only if something opens that library at run
//! time (ctypes, `dlopen`).

use crate::base::BaseImage;
use crate::finding::{Family, Finding, Severity};
use crate::python::rules::render_native;
pub use crate::python::rules::NativeCheck;

use super::{rules, ElfObject};

/// Every native-library check, by code.
pub const CHECKS: &[NativeCheck] = &[
    rules::missing_library::CHECK,
    rules::version_too_new::CHECK,
    rules::wrong_libc::CHECK,
    rules::wrong_architecture::CHECK,
    rules::python_abi_mismatch::CHECK,
    rules::build_machine_search_path::CHECK,
    rules::no_dynamic_loader::CHECK,
    rules::extension_without_python::CHECK,
];

/// A finding of `check` on `object`: severity, message and help from the
/// rule file (the case for `variant` on `base`), the severity passed
/// through `adjust` (an unreached library is at most a warning).
pub fn finding(
    check: &NativeCheck,
    object: &ElfObject,
    base: &BaseImage,
    variant: Option<&str>,
    adjust: impl FnOnce(Severity) -> Severity,
    values: &[(&str, String)],
) -> Finding {
    let rendered = render_native(check.code, variant, base, values);
    let mut finding = Finding::new(
        check.code,
        adjust(rendered.severity),
        Family::NativeLibrary,
        object.path.clone(),
        rendered.message,
        rendered.help,
    );
    finding.distribution = object.distribution.clone();
    finding
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::python::rules::{builtin_rules, Matcher};

    #[test]
    fn every_check_has_its_rule_and_every_native_rule_its_check() {
        let rules = builtin_rules();
        let mut codes: Vec<_> = CHECKS.iter().map(|c| c.code).collect();
        let mut sorted = codes.clone();
        sorted.sort();
        assert_eq!(codes, sorted, "keep the table in code order");
        codes.dedup();
        assert_eq!(codes.len(), CHECKS.len());
        for check in CHECKS {
            let rule = rules.rule(check.code).expect("a rule file defines it");
            assert!(matches!(rule.matcher, Matcher::Native(_)), "{}", check.code);
            assert_eq!(rule.family, Family::NativeLibrary);
            assert!(check.code.starts_with("DL1"));
            assert!(check.templates);
        }
    }
}
