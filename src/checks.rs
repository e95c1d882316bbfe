//! Every check distrolint has, in one place: the call and query rules are
//! data (`rules/*.toml`, loaded by [`crate::rules`]); the native checks are
//! Rust, one table per family, listed here so that the rule engine, which
//! sits below the families, can check the rule files that describe them
//! without naming a family.
//!
//! Adding a native check: its file in the family, one line in the family's
//! table, its rule in the family's rule file, a corpus example.

use std::sync::{Arc, OnceLock};

use crate::rules::native::documented;
use crate::rules::{NativeCheck, NativeChecks, RuleSet};

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

/// Every native check, family by family.
pub const NATIVE: &NativeChecks = &[
    crate::elf::rules::CHECKS,
    crate::interpreter::codes::CHECKS,
    crate::dockerfile::rules::CHECKS,
    crate::starters::codes::CHECKS,
    SCAN_CHECKS,
];

/// The built-in rule set, compiled once per process and shared: a check
/// without rule directories uses it rather than compiling the files (and
/// their queries) again. The built-in files are part of the program and the
/// test suite loads them, so failing here is a bug in distrolint, not a
/// user error.
pub fn builtin_rules() -> &'static Arc<RuleSet> {
    static BUILTIN: OnceLock<Arc<RuleSet>> = OnceLock::new();
    BUILTIN.get_or_init(|| {
        Arc::new(
            RuleSet::builtin(NATIVE)
                .unwrap_or_else(|e| panic!("the built-in rule files do not load: {e}")),
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::Matcher;

    #[test]
    fn builtin_rules_load() {
        let set = RuleSet::builtin(NATIVE).expect("built-in rules are valid");
        assert!(set.rule("DL201").is_some());
        assert!(set.callable_named("os.system").is_some());
        assert!(matches!(
            set.rule("DL101").unwrap().matcher,
            Matcher::Native(_)
        ));
    }

    #[test]
    fn docs_sections_are_found_by_heading() {
        let set = builtin_rules();
        let rule = set.rule("DL101").unwrap();
        let instead = rule.docs_section("Instead").unwrap();
        assert!(
            instead.to_lowercase().starts_with("copy the library"),
            "{instead}"
        );
    }
}
