//! The rule set: rule files from `rules/*.toml` (built in) or a directory,
//! checked and compiled into lookup tables the engine uses per call.
//!
//! Loading is where mistakes are caught: unknown keys, a code defined twice,
//! a callable name claimed by two `[[callable]]` tables, a rule naming a
//! group or callable nobody defines, a case with no message, and a message
//! placeholder that does not exist are all errors, reported against the file
//! (and, where we can find it, the position) that caused them.

pub mod spec;

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::Path;

pub use spec::{ArgSpec, BaseFact, Conditions, FamilySpec, ProgramState, ShellState};
use spec::{CallableSpec, RuleFile, RuleSpec};

use crate::finding::{Family, Severity};
use crate::python::prefilter::Prefilter;

const EMBEDDED: &[(&str, &str)] = include!(concat!(env!("OUT_DIR"), "/embedded_rules.rs"));

/// Placeholders a message, help or error template may use.
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
];

#[derive(Debug, thiserror::Error, miette::Diagnostic)]
pub enum RuleError {
    #[error("cannot read rule file {path}")]
    #[diagnostic(code(distrolint::rule_file))]
    Read {
        path: String,
        #[source]
        source: std::io::Error,
    },
    #[error(transparent)]
    #[diagnostic(transparent)]
    Invalid(Box<InvalidRule>),
}

/// A rule file that does not say something loadable, with where.
#[derive(Debug, thiserror::Error, miette::Diagnostic)]
#[error("invalid rule file {file}: {message}")]
#[diagnostic(code(distrolint::rule_invalid))]
pub struct InvalidRule {
    pub file: String,
    pub message: String,
    #[source_code]
    pub source_code: miette::NamedSource<String>,
    #[label("{message}")]
    pub span: Option<miette::SourceSpan>,
}

impl RuleError {
    fn invalid(file: &str, text: &str, message: String, near: Option<&str>) -> RuleError {
        let span = near
            .and_then(|needle| text.find(needle).map(|at| (at, needle.len())))
            .map(Into::into);
        RuleError::Invalid(Box::new(InvalidRule {
            file: file.to_string(),
            message,
            source_code: miette::NamedSource::new(file, text.to_string()),
            span,
        }))
    }
}

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
    pub error: Option<String>,
    /// Indices into [`RuleSet::rules`] of the rules that apply to it.
    pub rules: Vec<usize>,
}

#[derive(Debug, Clone)]
pub struct Rule {
    pub code: String,
    pub name: String,
    pub family: Family,
    pub summary: String,
    pub suppresses: Vec<String>,
    pub cases: Vec<Case>,
    pub docs: Option<String>,
    pub valid: Vec<String>,
    pub invalid: Vec<String>,
    /// The file the rule came from.
    pub file: String,
}

#[derive(Debug, Clone)]
pub struct Case {
    pub when: Conditions,
    pub severity: Severity,
    pub message: String,
    pub help: String,
    pub error: Option<String>,
}

/// Every rule and callable, ready to match.
#[derive(Debug, Clone, Default)]
pub struct RuleSet {
    pub rules: Vec<Rule>,
    pub callables: Vec<Callable>,
    by_name: HashMap<String, usize>,
    by_method: HashMap<String, usize>,
    shell_programs: HashSet<String>,
    shell_builtins: HashSet<String>,
    prefilter: Prefilter,
}

impl RuleSet {
    /// The rule files embedded from `rules/*.toml`.
    pub fn builtin() -> Result<RuleSet, RuleError> {
        RuleSet::from_sources(
            EMBEDDED
                .iter()
                .map(|(name, text)| (format!("rules/{name}"), text.to_string())),
        )
    }

    /// Every `*.toml` directly in `dir`, alone (no built-in rules).
    pub fn load_dir(dir: &Path) -> Result<RuleSet, RuleError> {
        RuleSet::from_sources(read_dir(dir)?)
    }

    /// The built-in rules plus every `*.toml` in each of `dirs`; user rules
    /// may use the built-in callables and groups.
    pub fn builtin_with_dirs(dirs: &[&Path]) -> Result<RuleSet, RuleError> {
        let mut sources: Vec<(String, String)> = EMBEDDED
            .iter()
            .map(|(name, text)| (format!("rules/{name}"), text.to_string()))
            .collect();
        for dir in dirs {
            sources.extend(read_dir(dir)?);
        }
        RuleSet::from_sources(sources)
    }

    /// Compiles rule files given as `(file name, contents)`.
    pub fn from_sources(
        sources: impl IntoIterator<Item = (String, String)>,
    ) -> Result<RuleSet, RuleError> {
        let mut files = Vec::new();
        for (name, text) in sources {
            let file: RuleFile = toml::from_str(&text).map_err(|err| {
                RuleError::Invalid(Box::new(InvalidRule {
                    file: name.clone(),
                    message: err.message().to_string(),
                    source_code: miette::NamedSource::new(&name, text.clone()),
                    span: err.span().map(Into::into),
                }))
            })?;
            files.push((name, text, file));
        }
        compile(&files)
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

    /// Every qualified callable name and method name, for the prefilter.
    pub fn callable_names(&self) -> impl Iterator<Item = &str> {
        self.by_name.keys().map(String::as_str)
    }

    pub fn method_names(&self) -> impl Iterator<Item = &str> {
        self.by_method.keys().map(String::as_str)
    }

    /// The prefilter over every name these rules can match.
    pub fn prefilter(&self) -> &Prefilter {
        &self.prefilter
    }
}

fn read_dir(dir: &Path) -> Result<Vec<(String, String)>, RuleError> {
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
        .map(|path| {
            std::fs::read_to_string(&path)
                .map(|text| (path.display().to_string(), text))
                .map_err(|source| RuleError::Read {
                    path: path.display().to_string(),
                    source,
                })
        })
        .collect()
}

fn compile(files: &[(String, String, RuleFile)]) -> Result<RuleSet, RuleError> {
    let mut set = RuleSet::default();
    let mut groups: BTreeMap<String, Vec<usize>> = BTreeMap::new();
    for (file, text, parsed) in files {
        set.shell_programs
            .extend(parsed.shell_programs.iter().cloned());
        set.shell_builtins
            .extend(parsed.shell_builtins.iter().cloned());
        for spec in &parsed.callable {
            let index = set.callables.len();
            add_callable(&mut set, &mut groups, index, spec, file, text)?;
        }
    }
    let mut codes: HashSet<String> = HashSet::new();
    for (file, text, parsed) in files {
        for spec in &parsed.rule {
            if !codes.insert(spec.code.clone()) {
                return Err(RuleError::invalid(
                    file,
                    text,
                    format!("rule code {} is defined twice", spec.code),
                    Some(&format!("\"{}\"", spec.code)),
                ));
            }
            let index = set.rules.len();
            let rule = compile_rule(spec, file, text)?;
            for target in &spec.callables {
                let indices: Vec<usize> = if let Some(group) = target.strip_prefix('@') {
                    groups.get(group).cloned().ok_or_else(|| {
                        RuleError::invalid(
                            file,
                            text,
                            format!(
                                "rule {} names group @{group}, which no [[callable]] is in",
                                spec.code
                            ),
                            Some(&format!("\"{target}\"")),
                        )
                    })?
                } else if let Some(method) = target.strip_prefix('.') {
                    vec![*set.by_method.get(method).ok_or_else(|| {
                        RuleError::invalid(
                            file,
                            text,
                            format!(
                                "rule {} names method .{method}, which no [[callable]] lists",
                                spec.code
                            ),
                            Some(&format!("\"{target}\"")),
                        )
                    })?]
                } else {
                    vec![*set.by_name.get(target.as_str()).ok_or_else(|| {
                        RuleError::invalid(
                            file,
                            text,
                            format!(
                                "rule {} names {target}, which no [[callable]] defines",
                                spec.code
                            ),
                            Some(&format!("\"{target}\"")),
                        )
                    })?]
                };
                for i in indices {
                    if !set.callables[i].rules.contains(&index) {
                        set.callables[i].rules.push(index);
                    }
                }
            }
            set.rules.push(rule);
        }
    }
    for rule in &set.rules {
        for code in &rule.suppresses {
            if !codes.contains(code) {
                let (file, text) = files
                    .iter()
                    .find(|(f, _, _)| *f == rule.file)
                    .map(|(f, t, _)| (f.as_str(), t.as_str()))
                    .unwrap_or(("?", ""));
                return Err(RuleError::invalid(
                    file,
                    text,
                    format!("rule {} suppresses {code}, which is not a rule", rule.code),
                    Some(&format!("\"{code}\"")),
                ));
            }
        }
    }
    set.prefilter = Prefilter::new(set.callable_names(), set.method_names());
    Ok(set)
}

fn add_callable(
    set: &mut RuleSet,
    groups: &mut BTreeMap<String, Vec<usize>>,
    index: usize,
    spec: &CallableSpec,
    file: &str,
    text: &str,
) -> Result<(), RuleError> {
    if spec.names.is_empty() && spec.methods.is_empty() {
        return Err(RuleError::invalid(
            file,
            text,
            "a [[callable]] needs `names` or `methods`".into(),
            Some("[[callable]]"),
        ));
    }
    for arg in [
        &spec.argv,
        &spec.program,
        &spec.command,
        &spec.shell,
        &spec.executable,
    ]
    .into_iter()
    .flatten()
    {
        if arg.position.is_none() && arg.keyword.is_none() {
            return Err(RuleError::invalid(
                file,
                text,
                "an argument needs a `position`, a `keyword` or both".into(),
                None,
            ));
        }
    }
    if let Some(error) = &spec.error {
        check_template(error, file, text)?;
    }
    for name in &spec.names {
        if set.by_name.insert(name.clone(), index).is_some() {
            return Err(RuleError::invalid(
                file,
                text,
                format!("callable {name} is defined twice"),
                Some(&format!("\"{name}\"")),
            ));
        }
    }
    for method in &spec.methods {
        if set.by_method.insert(method.clone(), index).is_some() {
            return Err(RuleError::invalid(
                file,
                text,
                format!("method {method} is defined twice"),
                Some(&format!("\"{method}\"")),
            ));
        }
    }
    for group in &spec.groups {
        groups.entry(group.clone()).or_default().push(index);
    }
    set.callables.push(Callable {
        names: spec.names.clone(),
        methods: spec.methods.clone(),
        argv: spec.argv.clone(),
        program: spec.program.clone(),
        command: spec.command.clone(),
        shell: spec.shell.clone(),
        executable: spec.executable.clone(),
        error: spec.error.clone(),
        rules: Vec::new(),
    });
    Ok(())
}

fn compile_rule(spec: &RuleSpec, file: &str, text: &str) -> Result<Rule, RuleError> {
    let near = format!("\"{}\"", spec.code);
    if spec.case.is_empty() {
        return Err(RuleError::invalid(
            file,
            text,
            format!("rule {} has no [[rule.case]]", spec.code),
            Some(&near),
        ));
    }
    let mut cases = Vec::new();
    for case in &spec.case {
        let message = case.message.clone().or_else(|| spec.message.clone());
        let help = case.help.clone().or_else(|| spec.help.clone());
        let (Some(message), Some(help)) = (message, help) else {
            return Err(RuleError::invalid(
                file,
                text,
                format!(
                    "rule {}: every case needs a message and help (its own or the rule's)",
                    spec.code
                ),
                Some(&near),
            ));
        };
        let error = case.error.clone().or_else(|| spec.error.clone());
        for template in [Some(&message), Some(&help), error.as_ref()]
            .into_iter()
            .flatten()
        {
            check_template(template, file, text)?;
        }
        cases.push(Case {
            when: case.when.clone(),
            severity: case.severity,
            message,
            help,
            error,
        });
    }
    Ok(Rule {
        code: spec.code.clone(),
        name: spec.name.clone(),
        family: match spec.family {
            FamilySpec::Shell => Family::Shell,
            FamilySpec::Exec => Family::Exec,
        },
        summary: spec.summary.clone(),
        suppresses: spec.suppresses.clone(),
        cases,
        docs: spec.docs.clone(),
        valid: spec.valid.clone(),
        invalid: spec.invalid.clone(),
        file: file.to_string(),
    })
}

/// Checks every `{placeholder}` in a template (`{{` and `}}` are literal
/// braces).
fn check_template(template: &str, file: &str, text: &str) -> Result<(), RuleError> {
    for piece in template_pieces(template) {
        if let Piece::Placeholder(name) = piece {
            if !PLACEHOLDERS.contains(&name) {
                return Err(RuleError::invalid(
                    file,
                    text,
                    format!(
                        "unknown placeholder {{{name}}}; known: {}",
                        PLACEHOLDERS.join(", ")
                    ),
                    Some(&format!("{{{name}}}")),
                ));
            }
        }
    }
    Ok(())
}

#[derive(Debug, PartialEq, Eq)]
pub enum Piece<'t> {
    Text(&'t str),
    Placeholder(&'t str),
}

/// Splits a template into literal text and placeholders.
pub fn template_pieces(template: &str) -> Vec<Piece<'_>> {
    let mut pieces = Vec::new();
    let mut rest = template;
    while !rest.is_empty() {
        if let Some(after) = rest.strip_prefix("{{") {
            pieces.push(Piece::Text("{"));
            rest = after;
        } else if let Some(after) = rest.strip_prefix("}}") {
            pieces.push(Piece::Text("}"));
            rest = after;
        } else if let Some(after) = rest.strip_prefix('{') {
            match after.find('}') {
                Some(end) => {
                    pieces.push(Piece::Placeholder(&after[..end]));
                    rest = &after[end + 1..];
                }
                None => {
                    pieces.push(Piece::Text(rest));
                    rest = "";
                }
            }
        } else {
            let end = rest
                .find(['{', '}'])
                .map(|i| i.max(1))
                .unwrap_or(rest.len());
            pieces.push(Piece::Text(&rest[..end]));
            rest = &rest[end..];
        }
    }
    pieces
}

/// Fills a template's placeholders from `values` (missing ones are empty).
pub fn render(template: &str, values: &dyn Fn(&str) -> String) -> String {
    template_pieces(template)
        .into_iter()
        .map(|piece| match piece {
            Piece::Text(t) => t.to_string(),
            Piece::Placeholder(name) => values(name),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn load(text: &str) -> Result<RuleSet, RuleError> {
        RuleSet::from_sources([("test.toml".to_string(), text.to_string())])
    }

    #[test]
    fn builtin_rules_load() {
        let set = RuleSet::builtin().expect("built-in rules are valid");
        assert!(set.rule("DL201").is_some());
        assert!(set.callable_named("os.system").is_some());
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

    #[test]
    fn templates_render_and_escape() {
        let out = render("{{literal}} {callee} via {via}", &|name| {
            format!("<{name}>")
        });
        assert_eq!(out, "{literal} <callee> via <via>");
    }
}
