//! Rule selection: which codes a check reports.
//!
//! A selector names a code (`DL201`), a code prefix (`DL2`, `DL`), a family
//! (`shell`, `native-library`) or `ALL`. `select` keeps what it names and
//! `ignore` drops it; when both name a finding's code, the more specific
//! selector wins (a code beats a prefix, a longer prefix beats a shorter one,
//! a family sits between `DL` and `DL1`), and `ignore` wins a tie. This is
//! how ruff resolves `select = ["DL2"]` with `ignore = ["DL201"]` — and the
//! other way round.
//!
//! Selection is applied after analysis, to findings, so that the analysers
//! stay unaware of it and suppression comments are judged on every finding.

use std::fmt;

use super::catalogue::RuleInfo;
use crate::finding::Family;

/// Every family a selector may name.
pub const FAMILIES: &[Family] = &[
    Family::NativeLibrary,
    Family::Shell,
    Family::Exec,
    Family::Dlopen,
    Family::Data,
    Family::Interpreter,
    Family::Dockerfile,
    Family::Starters,
    Family::Scan,
];

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Selector {
    /// A code or a prefix of codes; `ALL` is the empty prefix.
    Prefix(String),
    Family(Family),
}

impl Selector {
    /// Parses a selector, checking that it names at least one known code.
    pub fn parse(text: &str, known: &[RuleInfo]) -> Result<Selector, String> {
        let text = text.trim();
        if text == "ALL" {
            return Ok(Selector::Prefix(String::new()));
        }
        if let Some(family) = FAMILIES.iter().find(|f| f.as_str() == text) {
            return Ok(Selector::Family(*family));
        }
        if !text.is_empty() && known.iter().any(|r| r.code.starts_with(text)) {
            return Ok(Selector::Prefix(text.to_string()));
        }
        Err(format!("unknown rule code or family `{text}`; {}", help()))
    }

    pub fn matches(&self, code: &str, family: Family) -> bool {
        match self {
            Selector::Prefix(prefix) => code.starts_with(prefix.as_str()),
            Selector::Family(f) => *f == family,
        }
    }

    /// Higher is more specific.
    fn specificity(&self) -> usize {
        match self {
            Selector::Prefix(prefix) => prefix.len() * 2,
            // Between `DL` (4) and `DL1` (6).
            Selector::Family(_) => 5,
        }
    }
}

impl fmt::Display for Selector {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Selector::Prefix(p) if p.is_empty() => f.write_str("ALL"),
            Selector::Prefix(p) => f.write_str(p),
            Selector::Family(family) => f.write_str(family.as_str()),
        }
    }
}

/// What a selector may be, for error messages.
pub fn help() -> String {
    let families: Vec<&str> = FAMILIES.iter().map(|f| f.as_str()).collect();
    format!(
        "a selector is a code (DL201), a prefix of codes (DL2), ALL, or a family ({})",
        families.join(", ")
    )
}

/// `select` and `ignore`, resolved by specificity.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RuleSelection {
    /// `None` selects everything.
    pub select: Option<Vec<Selector>>,
    pub ignore: Vec<Selector>,
}

impl RuleSelection {
    pub fn is_enabled(&self, code: &str, family: Family) -> bool {
        let best = |selectors: &[Selector]| {
            selectors
                .iter()
                .filter(|s| s.matches(code, family))
                .map(Selector::specificity)
                .max()
        };
        let selected = match &self.select {
            None => Some(0),
            Some(select) => best(select),
        };
        match (selected, best(&self.ignore)) {
            (None, _) => false,
            (Some(_), None) => true,
            (Some(s), Some(i)) => s > i,
        }
    }
}

/// Parses a comma-separated list of selectors (as given on the command
/// line).
pub fn parse_list(text: &str, known: &[RuleInfo]) -> Result<Vec<Selector>, String> {
    text.split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(|s| Selector::parse(s, known))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::gate::catalogue::catalogue;
    use crate::rules::RuleSet;

    fn known() -> Vec<RuleInfo> {
        catalogue(&RuleSet::builtin(crate::checks::NATIVE).unwrap())
    }

    fn selection(select: Option<&str>, ignore: &str) -> RuleSelection {
        let known = known();
        RuleSelection {
            select: select.map(|s| parse_list(s, &known).unwrap()),
            ignore: parse_list(ignore, &known).unwrap(),
        }
    }

    #[test]
    fn codes_prefixes_families_and_all_parse_and_typos_do_not() {
        let known = known();
        assert_eq!(
            Selector::parse("DL2", &known),
            Ok(Selector::Prefix("DL2".into()))
        );
        assert_eq!(
            Selector::parse("shell", &known),
            Ok(Selector::Family(Family::Shell))
        );
        assert_eq!(
            Selector::parse("ALL", &known),
            Ok(Selector::Prefix(String::new()))
        );
        assert!(Selector::parse("DL299", &known).is_err());
        assert!(Selector::parse("E501", &known).is_err());
        assert!(Selector::parse("shel", &known).is_err());
    }

    #[test]
    fn the_more_specific_selector_wins_and_ignore_wins_ties() {
        let s = selection(Some("DL2"), "DL201");
        assert!(!s.is_enabled("DL201", Family::Shell));
        assert!(s.is_enabled("DL202", Family::Shell));
        assert!(!s.is_enabled("DL101", Family::NativeLibrary));

        let s = selection(Some("DL201"), "shell");
        assert!(s.is_enabled("DL201", Family::Shell));
        assert!(!s.is_enabled("DL202", Family::Shell));

        let s = selection(None, "exec");
        assert!(!s.is_enabled("DL301", Family::Exec));
        assert!(s.is_enabled("DL101", Family::NativeLibrary));

        let s = selection(Some("DL3"), "DL3");
        assert!(!s.is_enabled("DL301", Family::Exec));
    }
}
