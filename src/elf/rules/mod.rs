//! The native-library checks, one per file, each deciding when its finding
//! exists and filling the placeholders of its rule's templates; the code,
//! severity, documentation and wording are in `rules/native.toml`.
//!
//! A finding says what breaks, on which base, why, and how to fix it, with
//! the loader's own error text where there is one. Findings about what a
//! root's load met (DL101–DL103) are told from the root — the extension
//! Python imports, the program the kernel starts — with the chain that leads
//! to the culprit; [`LoadView`] carries what they need for that.
//!
//! Codes are never reused. A finding about a library that nothing in the
//! scanned tree links against is downgraded to a warning whatever the rule's
//! severity, because it breaks only if something opens that library at run
//! time (ctypes, `dlopen`).

pub mod build_machine_search_path;
pub mod extension_without_python;
pub mod missing_library;
pub mod no_dynamic_loader;
pub mod python_abi_mismatch;
pub mod version_too_new;
pub mod wrong_architecture;
pub mod wrong_libc;

use super::resolve::{Provider, Resolver, RootLoad};
use super::ElfObject;
use crate::base::BaseImage;
use crate::finding::{Family, Finding, Severity};
pub use crate::rules::NativeCheck;
use crate::rules::RuleSet;

/// Every native-library check, by code.
pub const CHECKS: &[NativeCheck] = &[
    missing_library::CHECK,
    version_too_new::CHECK,
    wrong_libc::CHECK,
    wrong_architecture::CHECK,
    python_abi_mismatch::CHECK,
    build_machine_search_path::CHECK,
    no_dynamic_loader::CHECK,
    extension_without_python::CHECK,
];

/// A finding of `check` on `object`: severity, message and help from the
/// rule file (the case for `variant` on `base`), the severity passed
/// through `adjust` (an unreached library is at most a warning).
pub fn finding(
    rules: &RuleSet,
    check: &NativeCheck,
    object: &ElfObject,
    base: &BaseImage,
    variant: Option<&str>,
    adjust: impl FnOnce(Severity) -> Severity,
    values: &[(&str, String)],
) -> Finding {
    let mut finding = rules.native_finding(
        check,
        Family::NativeLibrary,
        &object.path,
        Some(base),
        variant,
        values,
    );
    finding.severity = adjust(finding.severity);
    finding.distribution = object.distribution.clone();
    finding
}

/// The root a finding is told from: how it is opened decides how it fails.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Subject {
    /// Python imports it.
    Extension,
    /// The kernel starts it.
    Executable,
    /// A library nothing in the tree links against.
    Unreached,
}

impl Subject {
    /// The severity of a rule whose default is `default`, for this subject:
    /// an unreached library breaks only if something opens it.
    pub fn severity(self, default: Severity) -> Severity {
        match self {
            Subject::Unreached => default.min(Severity::Warning),
            _ => default,
        }
    }

    pub fn cannot(self) -> &'static str {
        match self {
            Subject::Extension => "cannot be imported",
            Subject::Executable => "cannot start",
            Subject::Unreached => "cannot be loaded",
        }
    }

    /// How the user meets the loader's error text.
    pub fn raises(self, error: &str) -> String {
        match self {
            Subject::Extension => format!("Python raises ImportError: {error}"),
            Subject::Executable => {
                format!("it exits with: error while loading shared libraries: {error}")
            }
            Subject::Unreached => format!("ctypes/dlopen fails with: {error}"),
        }
    }

    /// Appended to messages about unreached libraries.
    pub fn unreached_note(self, object: &ElfObject) -> String {
        match self {
            Subject::Unreached => format!(
                " Nothing in the scanned tree links against {}, so this breaks only if something opens it at run time (ctypes, dlopen).",
                object.path.display()
            ),
            _ => String::new(),
        }
    }
}

/// `path (dist version)`.
pub fn describe(object: &ElfObject) -> String {
    match &object.distribution {
        Some(d) => format!("{} ({} {})", object.path.display(), d.name, d.version),
        None => object.path.display().to_string(),
    }
}

/// One root's simulated load, seen from the root.
pub struct LoadView<'v, 'a> {
    /// The run's rules, which word the findings.
    pub rules: &'v RuleSet,
    pub resolver: &'v Resolver<'a>,
    pub load: &'v RootLoad<'a>,
    pub subject: Subject,
}

impl<'a> LoadView<'_, 'a> {
    pub fn root(&self) -> &'a ElfObject {
        &self.resolver.tree().objects[self.load.root]
    }

    /// The tree object behind `load.loaded[index]`, if it is one.
    pub fn tree_object(&self, index: usize) -> Option<&'a ElfObject> {
        match self.load.loaded[index].provider {
            Provider::Tree(i) => Some(&self.resolver.tree().objects[i]),
            Provider::Base(_) => None,
        }
    }

    /// How a loaded object appears in chains and messages: a tree object by
    /// its path, an image library by the name it was requested as.
    pub fn name(&self, index: usize) -> String {
        match self.tree_object(index) {
            Some(object) => object.path.display().to_string(),
            None => self.load.loaded[index].names[0].clone(),
        }
    }

    /// Root → … → `index`.
    pub fn chain(&self, index: usize) -> Vec<String> {
        self.load
            .chain(index)
            .into_iter()
            .map(|i| self.name(i))
            .collect()
    }

    /// `<root> cannot be imported on <base>`.
    pub fn headline(&self) -> String {
        format!(
            "{} {} on {}",
            describe(self.root()),
            self.subject.cannot(),
            self.resolver.base().display_name()
        )
    }
}

/// ` (chain: a → b → c)` when the chain is longer than root → target.
pub fn chain_clause(chain: &[String]) -> String {
    if chain.len() > 2 {
        format!(" (chain: {})", chain.join(" → "))
    } else {
        String::new()
    }
}

/// DL101, DL102 and DL103 for everything one root's load met.
/// `loader_error_first` is false when the root already failed before its
/// libraries (a missing program interpreter).
pub fn load_findings(view: &LoadView<'_, '_>, loader_error_first: bool) -> Vec<Finding> {
    let mut findings = Vec::new();
    for (n, missing) in view.load.missing.iter().enumerate() {
        findings.push(missing_library::finding(
            view,
            missing,
            loader_error_first && n == 0,
        ));
    }
    for &index in &view.load.foreign_libc {
        findings.extend(wrong_libc::in_chain(view, index));
    }
    for failure in &view.load.version_failures {
        findings.push(version_too_new::finding(view, failure));
    }
    findings
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::builtin_rules;
    use crate::rules::Matcher;

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
