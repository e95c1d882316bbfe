//! The rule set: every built-in detector, and any user rules, as data.
//!
//! Rule files come from `rules/*.toml` (embedded in the binary) and from
//! directories given with `--rules` or the configuration's `rules`. A rule
//! has one of three matchers:
//!
//! - a **call** matcher over resolved qualified names (`callables`), run by
//!   `python::check`;
//! - a **query** matcher, a tree-sitter-python query ([`query`]);
//! - a **native** matcher, a check written in Rust ([`native`]) for which
//!   the file supplies code, documentation, severity and wording.
//!
//! The engine names no family of checks: the native checks it describes
//! come from the registry above it (`crate::checks`), and every family
//! words its findings through the run's rule set ([`RuleSet::render_native`]),
//! so a user's rule directory reaches them all.
//!
//! Loading is where mistakes are caught, each reported at its line and
//! column in the file ([`error`]): unknown keys, a code defined twice, a
//! callable name claimed twice, a rule naming a group nobody defines, a bad
//! query or regex, a case with no message, a placeholder that does not
//! exist.

mod compile;
pub mod error;
pub mod exceptions;
pub mod native;
pub mod prefilter;
pub mod query;
pub mod spec;
pub mod template;

use std::collections::{BTreeSet, HashMap, HashSet};
use std::path::{Path, PathBuf};

pub use error::{InvalidRule, RuleError};
pub use native::{NativeCheck, NativeChecks, Rendered};
pub use query::QueryMatcher;
pub use spec::{
    ArgSpec, BaseFact, Conditions, LackKind, Needs, ProgramState, ShellState, SubjectKind,
    SubjectState,
};
pub use template::{render, template_pieces, Piece};

use crate::base::BaseImage;
pub use crate::discovery::normalized_distribution_name;
use crate::finding::{Family, Severity};
use crate::rules::prefilter::Prefilter;
use crate::tree_files::{self, NamedBy, ReadError};

const EMBEDDED: &[(&str, &str)] = include!(concat!(env!("OUT_DIR"), "/embedded_rules.rs"));

/// Data files in `rules/` that are not rule files.
const DATA_FILES: &[&str] = &["library-packages.toml"];

/// Placeholders a call rule's message, help or error template may use.
pub const PLACEHOLDERS: &[&str] = &[
    "callee",
    "via",
    "call",
    "program",
    "base",
    "error",
    "shell",
    "interpreter",
    "python",
    "subject",
    "ca-bundle",
    "locales",
    "lang",
    "argv",
];

/// Placeholders a query rule's templates may use, besides `{@capture}`.
pub const QUERY_PLACEHOLDERS: &[&str] = &["base", "python", "shell", "text", "ca-bundle"];

/// A compiled callable: where its arguments are.
#[derive(Debug, Clone)]
pub struct Callable {
    pub names: Vec<String>,
    pub methods: Vec<String>,
    pub argv: Option<ArgSpec>,
    pub program: Option<ArgSpec>,
    pub command: Option<ArgSpec>,
    pub shell: Option<ArgSpec>,
    pub executable: Option<ArgSpec>,
    /// The program it always starts, when no argument names one.
    pub starts: Option<String>,
    /// The argument the call is about, and how to judge it.
    pub subject: Option<(ArgSpec, SubjectKind)>,
    pub error: Option<String>,
    /// The exception it raises on failure, class then bases; empty when it
    /// raises nothing.
    pub raises: Vec<String>,
    /// It returns `None` on failure.
    pub returns_none: bool,
    /// Indices into [`RuleSet::rules`] of the rules that apply to it.
    pub rules: Vec<usize>,
}

/// How a rule finds things.
#[derive(Debug)]
pub enum Matcher {
    /// Calls to the callables it names (`RuleSet::callables[i].rules`).
    Call,
    /// A tree-sitter query.
    Query(Box<QueryMatcher>),
    /// A check built into distrolint.
    Native(&'static NativeCheck),
}

impl Matcher {
    pub fn kind(&self) -> &'static str {
        match self {
            Matcher::Call => "call",
            Matcher::Query(_) => "query",
            Matcher::Native(_) => "native",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Status {
    Stable,
    Preview,
    Deprecated,
    Removed,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Stable => "stable",
            Status::Preview => "preview",
            Status::Deprecated => "deprecated",
            Status::Removed => "removed",
        }
    }
}

/// A snippet of a rule's `valid` or `invalid` list, with where it is written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Example {
    pub code: String,
    /// 1-based line of the snippet's string in the rule file.
    pub line: usize,
}

#[derive(Debug)]
pub struct Rule {
    pub code: String,
    pub name: String,
    pub family: Family,
    pub status: Status,
    pub summary: String,
    /// The severity a list shows: the rule's `severity`, else the strongest
    /// of its cases.
    pub severity: Severity,
    pub matcher: Matcher,
    pub suppresses: Vec<String>,
    /// Codes whose finding at the same place becomes part of this one.
    pub absorbs: Vec<String>,
    /// What its findings say the base lacks.
    pub lacks: Option<Lack>,
    /// What a finding becomes when the code handles the failure.
    pub handled: Option<Handled>,
    pub cases: Vec<Case>,
    /// The rule-level templates, as written (cases may override them).
    pub message: Option<String>,
    pub help: Option<String>,
    pub docs: Option<String>,
    pub valid: Vec<Example>,
    pub invalid: Vec<Example>,
    /// The file the rule came from.
    pub file: String,
    /// The line of its `code`.
    pub line: usize,
}

impl Rule {
    /// Whether the rule runs at all.
    pub fn is_active(&self) -> bool {
        self.status != Status::Removed
    }

    /// Whether the rule is one of distrolint's own (from the embedded
    /// files).
    pub fn is_builtin(&self) -> bool {
        self.file.starts_with("rules/")
    }

    /// The rule's whole reference page in Markdown: what `explain` prints,
    /// what `rules docs` writes and what SARIF viewers show as its help.
    pub fn reference_markdown(&self) -> String {
        use std::fmt::Write;
        let mut text = String::new();
        let _ = writeln!(text, "# {} ({})\n", self.name, self.code);
        let _ = writeln!(
            text,
            "Family: {} · Default severity: {} · Status: {} · Matcher: {} · Defined in {}\n",
            self.family.as_str(),
            self.severity,
            self.status.as_str(),
            self.matcher.kind(),
            self.file
        );
        let _ = writeln!(text, "{}.\n", self.summary.trim_end_matches('.'));
        match &self.docs {
            Some(docs) => {
                let _ = writeln!(text, "{}", docs.trim());
            }
            None => {
                if let Some(help) = &self.help {
                    let _ = writeln!(text, "## Instead\n\n{help}");
                }
            }
        }
        if !self.invalid.is_empty() || !self.valid.is_empty() {
            let _ = writeln!(text, "\n## Tested examples");
            for (title, examples) in [
                ("Fires on", &self.invalid),
                ("Stays silent on", &self.valid),
            ] {
                for example in examples {
                    let _ = writeln!(
                        text,
                        "\n{title}:\n\n```python\n{}\n```",
                        example.code.trim_end()
                    );
                }
            }
        }
        text
    }

    /// A section of the documentation (`## Instead`), without its heading.
    pub fn docs_section(&self, heading: &str) -> Option<String> {
        let docs = self.docs.as_deref()?;
        let mut lines = docs.lines();
        lines.find(|l| {
            l.trim_start_matches('#')
                .trim()
                .eq_ignore_ascii_case(heading)
                && l.starts_with("##")
        })?;
        let body: Vec<&str> = lines.take_while(|l| !l.starts_with("## ")).collect();
        let text = body.join("\n").trim().to_string();
        (!text.is_empty()).then_some(text)
    }
}

/// What a rule's findings say the base lacks: the kind, and where a
/// finding's name for it comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Lack {
    pub kind: LackKind,
    /// The finding field that names it.
    pub field: Option<String>,
    /// The name when the finding has no such field.
    pub name: Option<String>,
}

/// A rule's `handled`: the severity of a handled failure, and what a guard
/// must test for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Handled {
    pub severity: Severity,
    pub needs: Needs,
}

#[derive(Debug, Clone)]
pub struct Case {
    pub when: Conditions,
    pub severity: Severity,
    pub message: String,
    pub help: String,
    pub error: Option<String>,
}

impl Conditions {
    /// Whether the `base` conditions hold on `base`.
    pub fn base_holds(&self, base: &BaseImage) -> bool {
        self.base.iter().all(|(fact, want)| {
            let have = match fact {
                BaseFact::BinSh => base.facts.bin_sh,
                BaseFact::Python => base.python.is_some(),
                BaseFact::UsrBinEnv => base.facts.usr_bin_env,
                BaseFact::Zoneinfo => base.facts.zoneinfo,
                BaseFact::ZoneinfoLegacy => base.facts.zoneinfo_legacy,
                BaseFact::CaBundle => base.facts.ca_bundle.is_some(),
                BaseFact::Ldconfig => base.facts.ldconfig,
                BaseFact::LdSoCache => base.loader.ld_so_cache,
            };
            have == *want
        })
    }

    /// Whether the `base` and `installed` conditions hold; `installed`
    /// holds the normalized names of the scanned trees' distributions.
    pub fn context_holds(&self, base: &BaseImage, installed: &BTreeSet<String>) -> bool {
        self.base_holds(base)
            && self.installed.iter().all(|(name, want)| {
                installed.contains(&normalized_distribution_name(name)) == *want
            })
    }
}

/// Every rule and callable, ready to match.
#[derive(Debug, Default)]
pub struct RuleSet {
    pub rules: Vec<Rule>,
    pub callables: Vec<Callable>,
    by_name: HashMap<String, usize>,
    by_method: HashMap<String, usize>,
    shell_programs: HashSet<String>,
    shell_builtins: HashSet<String>,
    /// Indices of the active query rules.
    queries: Vec<usize>,
    prefilter: Prefilter,
    /// Findings a user rule's `suppresses` removed, over every file checked
    /// with this set. A rule from the scanned tree could otherwise turn a
    /// built-in error into its own note without a trace; the gate reports
    /// the count. Kept here, where the suppression happens, because the
    /// per-file analysis returns only findings.
    suppressed_by_user_rules: std::sync::atomic::AtomicUsize,
}

fn embedded_sources() -> impl Iterator<Item = (String, String)> {
    EMBEDDED
        .iter()
        .filter(|(name, _)| !DATA_FILES.contains(name))
        .map(|(name, text)| (format!("rules/{name}"), text.to_string()))
}

impl RuleSet {
    /// The rule files embedded from `rules/*.toml`, whose native rules
    /// describe `natives` (the program's registry, `crate::checks`).
    pub fn builtin(natives: &NativeChecks) -> Result<RuleSet, RuleError> {
        RuleSet::from_sources(natives, embedded_sources())
    }

    /// Every `*.toml` directly in `dir`, alone (no built-in rules).
    pub fn load_dir(natives: &NativeChecks, dir: &Path) -> Result<RuleSet, RuleError> {
        RuleSet::from_sources(
            natives,
            read_dir(dir, &NamedBy::User)?
                .into_iter()
                .map(|(name, text, _)| (name, text)),
        )
    }

    /// The built-in rules plus every `*.toml` in each of `dirs`; user rules
    /// may use the built-in callables and groups.
    pub fn builtin_with_dirs<P: AsRef<Path>>(
        natives: &NativeChecks,
        dirs: &[P],
    ) -> Result<RuleSet, RuleError> {
        let named: Vec<(PathBuf, NamedBy)> = dirs
            .iter()
            .map(|d| (d.as_ref().to_path_buf(), NamedBy::User))
            .collect();
        RuleSet::builtin_with_named_dirs(natives, &named)
    }

    /// As [`RuleSet::builtin_with_dirs`], each directory with who named it:
    /// a directory the scanned tree names must lie inside it, and so must
    /// every rule file in it.
    pub fn builtin_with_named_dirs(
        natives: &NativeChecks,
        dirs: &[(PathBuf, NamedBy)],
    ) -> Result<RuleSet, RuleError> {
        let mut sources: Vec<(String, String, bool)> =
            embedded_sources().map(|(n, t)| (n, t, true)).collect();
        // The same directory named twice (on the command line and in the
        // configuration) is read once.
        let mut seen = Vec::new();
        for (dir, named) in dirs {
            let dir = tree_files::confine_dir(dir, named).map_err(RuleError::Refused)?;
            let key = std::fs::canonicalize(&dir).unwrap_or_else(|_| dir.clone());
            if seen.contains(&key) {
                continue;
            }
            seen.push(key);
            sources.extend(read_dir(&dir, named)?);
        }
        RuleSet::compile_sources(natives, sources)
    }

    /// Compiles rule files given as `(file name, contents)`.
    pub fn from_sources(
        natives: &NativeChecks,
        sources: impl IntoIterator<Item = (String, String)>,
    ) -> Result<RuleSet, RuleError> {
        RuleSet::compile_sources(natives, sources.into_iter().map(|(n, t)| (n, t, true)))
    }

    /// Compiles `(file name, contents, may the errors quote it)`.
    fn compile_sources(
        natives: &NativeChecks,
        sources: impl IntoIterator<Item = (String, String, bool)>,
    ) -> Result<RuleSet, RuleError> {
        let mut files = Vec::new();
        for (name, text, show) in sources {
            let file: spec::RuleFile = toml::from_str(&text).map_err(|err| {
                let span = err.span().unwrap_or(0..0);
                let error = RuleError::at(&name, &text, span, err.message().trim().to_string());
                if show {
                    error
                } else {
                    error.unquoted()
                }
            })?;
            files.push((name, text, file));
        }
        compile::compile(&files, natives)
    }

    /// The callable a qualified name resolves to.
    pub fn callable_named(&self, qualified: &str) -> Option<&Callable> {
        self.by_name.get(qualified).map(|&i| &self.callables[i])
    }

    /// The callable a method name on an unresolved receiver stands for.
    pub fn callable_method(&self, method: &str) -> Option<&Callable> {
        self.by_method.get(method).map(|&i| &self.callables[i])
    }

    pub fn is_shell_program(&self, program: &str) -> bool {
        let base = program.rsplit('/').next().unwrap_or(program);
        self.shell_programs.contains(base)
    }

    pub fn is_shell_builtin(&self, word: &str) -> bool {
        self.shell_builtins.contains(word)
    }

    pub fn rule(&self, code: &str) -> Option<&Rule> {
        self.rules.iter().find(|r| r.code == code)
    }

    /// The active query rules, with their matchers.
    pub fn query_rules(&self) -> impl Iterator<Item = (&Rule, &QueryMatcher)> {
        self.queries.iter().filter_map(|&i| {
            let rule = &self.rules[i];
            match &rule.matcher {
                Matcher::Query(q) => Some((rule, q.as_ref())),
                _ => None,
            }
        })
    }

    /// Every qualified callable name and method name, for the prefilter.
    pub fn callable_names(&self) -> impl Iterator<Item = &str> {
        self.by_name.keys().map(String::as_str)
    }

    pub fn method_names(&self) -> impl Iterator<Item = &str> {
        self.by_method.keys().map(String::as_str)
    }

    /// How many findings user rules' `suppresses` removed so far.
    pub fn suppressed_by_user_rules(&self) -> usize {
        self.suppressed_by_user_rules
            .load(std::sync::atomic::Ordering::Relaxed)
    }

    pub(crate) fn count_suppressed_by_user_rule(&self) {
        self.suppressed_by_user_rules
            .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    }

    /// The prefilter over every name and literal these rules can match.
    pub fn prefilter(&self) -> &Prefilter {
        &self.prefilter
    }
}

fn read_dir(dir: &Path, named: &NamedBy) -> Result<Vec<(String, String, bool)>, RuleError> {
    let read_err = |source| RuleError::Read {
        path: dir.display().to_string(),
        source,
    };
    let mut paths: Vec<_> = std::fs::read_dir(dir)
        .map_err(read_err)?
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.is_file() && p.extension().is_some_and(|x| x == "toml"))
        .collect();
    paths.sort();
    paths
        .into_iter()
        .map(|path| match tree_files::read_text(&path, named) {
            Ok(text) => {
                let show = named.may_show(&text);
                Ok((path.display().to_string(), text, show))
            }
            Err(ReadError::Refused(refused)) => Err(RuleError::Refused(refused)),
            Err(ReadError::Io(source)) => Err(RuleError::Read {
                path: path.display().to_string(),
                source,
            }),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn load(text: &str) -> Result<RuleSet, RuleError> {
        // No native checks: these rule files describe none.
        RuleSet::from_sources(&[], [("test.toml".to_string(), text.to_string())])
    }

    #[test]
    fn unknown_keys_and_placeholders_are_errors() {
        let err = load("[[callable]]\nnames = [\"a.b\"]\ncolour = 1\n").unwrap_err();
        assert!(err.to_string().contains("unknown field"), "{err}");
        let err = load(
            "[[callable]]\nnames = [\"a.b\"]\ngroups = [\"g\"]\n[[rule]]\ncode = \"X1\"\nname = \"x\"\nfamily = \"exec\"\nsummary = \"s\"\ncallables = [\"@g\"]\n[[rule.case]]\nseverity = \"error\"\nmessage = \"{nope}\"\nhelp = \"h\"\n",
        )
        .unwrap_err();
        assert!(
            err.to_string().contains("unknown placeholder {nope}"),
            "{err}"
        );
    }

    #[test]
    fn unknown_groups_and_duplicate_codes_are_errors() {
        let rule = |code: &str, target: &str| {
            format!("[[rule]]\ncode = \"{code}\"\nname = \"x\"\nfamily = \"exec\"\nsummary = \"s\"\ncallables = [\"{target}\"]\n[[rule.case]]\nseverity = \"error\"\nmessage = \"m\"\nhelp = \"h\"\n")
        };
        let callable = "[[callable]]\nnames = [\"a.b\"]\ngroups = [\"g\"]\n";
        assert!(load(&format!("{callable}{}", rule("X1", "@nope"))).is_err());
        assert!(load(&format!(
            "{callable}{}{}",
            rule("X1", "@g"),
            rule("X1", "a.b")
        ))
        .is_err());
        assert!(load(&format!("{callable}{}", rule("X1", "a.b"))).is_ok());
    }
}
