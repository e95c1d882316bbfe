//! The configuration file: what a repository says about how it is checked.
//!
//! `[tool.distrolint]` in `pyproject.toml`, or the top level of
//! `distrolint.toml` / `.distrolint.toml`, found by walking up from the
//! first scanned path; in one directory `.distrolint.toml` wins over
//! `distrolint.toml`, which wins over `pyproject.toml` (a `pyproject.toml`
//! without the table does not count, and the walk goes on). `--config FILE`
//! replaces the walk. Relative paths and globs in the file are relative to
//! its directory.
//!
//! The serde types below are the file format and nothing else: every value
//! keeps its span, so that a mistake — an unknown key, a wrong type, a code
//! that does not exist, a base nobody knows — is reported against the line
//! and column in the file, with the source shown, before anything runs.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use clap::ValueEnum;
use miette::{NamedSource, SourceSpan};
use serde::Deserialize;
use toml::Spanned;

use super::catalogue::RuleInfo;
use super::paths::PathPatterns;
use super::select::Selector;
use crate::base;
use crate::finding::Location;
use crate::options::{FailOn, Scope};
use crate::tree_files::{self, NamedBy, ReadError};

/// File names tried in each directory, first wins.
pub const FILE_NAMES: &[&str] = &[".distrolint.toml", "distrolint.toml", "pyproject.toml"];

/// What the file may say.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct ConfigFile {
    base: Option<Spanned<String>>,
    base_file: Option<Spanned<String>>,
    select: Option<Vec<Spanned<String>>>,
    ignore: Option<Vec<Spanned<String>>>,
    per_file_ignores: Option<BTreeMap<Spanned<String>, Vec<Spanned<String>>>>,
    exclude: Option<Vec<Spanned<String>>>,
    scope: Option<Spanned<String>>,
    include_tests: Option<bool>,
    fail_on: Option<Spanned<String>>,
    rules: Option<Vec<Spanned<String>>>,
    app: Option<Vec<Spanned<String>>>,
    accept: Option<Vec<Spanned<AcceptSpec>>>,
}

/// `[[accept]]`: findings the team accepts, by what they are about rather
/// than where a comment could go — the way to quiet native-library
/// findings, which live in ELF files.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct AcceptSpec {
    codes: Option<Vec<Spanned<String>>>,
    distribution: Option<String>,
    library: Option<String>,
    path: Option<Spanned<String>>,
    reason: Option<String>,
}

/// `pyproject.toml`: only `[tool.distrolint]` is ours; everything else in
/// the file is ignored.
#[derive(Debug, Deserialize)]
struct PyProject {
    tool: Option<PyProjectTools>,
}

#[derive(Debug, Deserialize)]
struct PyProjectTools {
    distrolint: Option<ConfigFile>,
}

/// How the configuration names the base image.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BaseChoice {
    Name(String),
    File(PathBuf),
}

/// A checked configuration.
#[derive(Debug, Clone)]
pub struct Config {
    /// The file it came from.
    pub path: PathBuf,
    /// Who named it: a file found in the scanned tree may only name files
    /// inside that tree.
    pub named: NamedBy,
    /// Its directory, against which its paths and globs are resolved.
    pub root: PathBuf,
    pub base: Option<BaseChoice>,
    pub select: Option<Vec<Selector>>,
    pub ignore: Vec<Selector>,
    /// Globs (with their patterns compiled) and the selectors they ignore.
    pub per_file_ignores: Vec<(String, Vec<Selector>)>,
    pub exclude: Vec<String>,
    pub scope: Option<Scope>,
    /// `include-tests`: report findings in test code too.
    pub include_tests: bool,
    pub fail_on: Option<FailOn>,
    /// Extra rule directories, resolved against `root`.
    pub rules: Vec<PathBuf>,
    /// What counts as first-party code, resolved against `root`.
    pub app: Vec<PathBuf>,
    pub accept: Vec<Accept>,
    /// The keys that turn checks off or let findings pass, where they are
    /// written: shown in every report, refused in the tree under
    /// `--strict-config`.
    pub lowering: Vec<Lowering>,
}

/// A configuration key that lowers the gate: it hides findings (`ignore`,
/// `exclude`, `select` without `ALL`, ...), lets them pass (`fail-on =
/// "never"`), or decides what the image has (`base-file`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Lowering {
    /// The key as written (`ignore`, `per-file-ignores`, `fail-on`).
    pub key: String,
    /// The value, shortened, as written.
    pub value: String,
    /// The configuration file, as shown to the user.
    pub path: PathBuf,
    /// 1-based line and column of the value.
    pub line: usize,
    pub column: usize,
}

impl std::fmt::Display for Lowering {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} = {} ({}:{})",
            self.key,
            self.value,
            self.path.display(),
            self.line
        )
    }
}

/// One `[[accept]]` entry: a finding is accepted when everything the entry
/// names matches it.
#[derive(Debug, Clone)]
pub struct Accept {
    /// Empty: any code.
    pub codes: Vec<Selector>,
    /// A distribution name, compared as PEP 503 normalises names.
    pub distribution: Option<String>,
    /// The library (soname) a native-library finding is about.
    pub library: Option<String>,
    /// A glob, relative to the configuration's directory.
    pub path: Option<String>,
    pub reason: Option<String>,
    /// Where the entry is written (line, column, byte offset, length), to
    /// report it when it accepts nothing.
    pub place: Location,
}

/// A configuration mistake, shown against the file.
#[derive(Debug, thiserror::Error, miette::Diagnostic)]
#[error("{message}")]
#[diagnostic(code(distrolint::config))]
pub struct ConfigError {
    pub message: String,
    /// `None` when the file may not be quoted (see
    /// [`NamedBy::may_show`]); the message then says where the mistake is.
    #[source_code]
    pub source_code: Option<NamedSource<String>>,
    #[label("{label}")]
    pub span: Option<SourceSpan>,
    pub label: String,
    #[help]
    pub help: Option<String>,
}

/// A configuration file that could not be read at all.
#[derive(Debug, thiserror::Error, miette::Diagnostic)]
#[error("cannot read the configuration {path}: {source}")]
#[diagnostic(code(distrolint::config))]
pub struct ConfigReadError {
    pub path: String,
    pub source: std::io::Error,
}

/// The configuration that applies to `start`: the first file found walking
/// up from it, read and parsed but not yet checked.
pub fn find(start: &Path) -> miette::Result<Option<ConfigSource>> {
    let mut dir = if start.is_dir() {
        Some(start)
    } else {
        start.parent()
    };
    while let Some(here) = dir {
        for name in FILE_NAMES {
            let candidate = here.join(name);
            match std::fs::symlink_metadata(&candidate) {
                Ok(meta) if !meta.is_dir() => {}
                _ => continue,
            }
            let named = NamedBy::found_in(here);
            if let Some(source) = ConfigSource::read(&candidate, named)? {
                return Ok(Some(source));
            }
        }
        dir = here.parent();
    }
    Ok(None)
}

/// Reads and checks one configuration file. `Ok(None)` for a
/// `pyproject.toml` without `[tool.distrolint]`.
pub fn load(path: &Path, known: &[RuleInfo], named: NamedBy) -> miette::Result<Option<Config>> {
    ConfigSource::read(path, named)?
        .map(|source| source.check(known))
        .transpose()
}

/// A configuration file read once and parsed, not yet checked: its rule
/// directories must be loaded first, because its selectors may name the
/// codes they define (`select = ["ACME001"]`).
pub struct ConfigSource {
    /// The file as found.
    path: PathBuf,
    /// The file as the user sees it from where they run, for errors.
    shown: PathBuf,
    text: String,
    /// Whether errors may quote the file.
    show: bool,
    named: NamedBy,
    file: ConfigFile,
}

impl ConfigSource {
    /// Reads one configuration file. `Ok(None)` for a `pyproject.toml`
    /// without `[tool.distrolint]`.
    pub fn read(path: &Path, named: NamedBy) -> miette::Result<Option<ConfigSource>> {
        let text = tree_files::read_text(path, &named).map_err(|error| match error {
            ReadError::Refused(refused) => miette::Report::new(refused),
            ReadError::Io(source) => miette::Report::new(ConfigReadError {
                path: path.display().to_string(),
                source,
            }),
        })?;
        let show = named.may_show(&text);
        let shown = std::env::current_dir()
            .map(|cwd| PathBuf::from(super::paths::report_path(path, &cwd)))
            .unwrap_or_else(|_| path.to_path_buf());
        let is_pyproject = path.file_name().is_some_and(|n| n == "pyproject.toml");
        let file = if is_pyproject {
            if !text.contains("distrolint") {
                return Ok(None);
            }
            let parsed: PyProject =
                toml::from_str(&text).map_err(|e| toml_error(&shown, &text, show, &e))?;
            match parsed.tool.and_then(|t| t.distrolint) {
                Some(file) => file,
                None => return Ok(None),
            }
        } else {
            toml::from_str(&text).map_err(|e| toml_error(&shown, &text, show, &e))?
        };
        Ok(Some(ConfigSource {
            path: path.to_path_buf(),
            shown,
            text,
            show,
            named,
            file,
        }))
    }

    /// Its directory, against which its paths and globs are resolved.
    fn root(&self) -> PathBuf {
        self.path
            .parent()
            .map(Path::to_path_buf)
            .unwrap_or_else(|| PathBuf::from("."))
    }

    /// The `rules` directories it names, resolved against its directory,
    /// each with who named it: a file the tree supplies names directories
    /// its rule files must stay inside.
    pub fn rule_dirs(&self) -> Vec<(PathBuf, NamedBy)> {
        let root = self.root();
        self.file
            .rules
            .iter()
            .flatten()
            .map(|dir| (root.join(dir.get_ref()), self.named.clone()))
            .collect()
    }

    /// Checks every value against what exists: `known` holds the codes of
    /// the rules in use, the configuration's own directories included.
    pub fn check(self, known: &[RuleInfo]) -> miette::Result<Config> {
        let root = self.root();
        let checker = Checker {
            path: &self.shown,
            text: &self.text,
            show: self.show,
        };
        checker
            .check(self.file, root, self.named, known)
            .map_err(|e| miette::Report::new(*e))
    }
}

fn toml_error(path: &Path, text: &str, show: bool, error: &toml::de::Error) -> ConfigError {
    let message = error.message().trim().to_string();
    let help = message
        .starts_with("unknown field")
        .then(|| "see docs/ci.md for the configuration keys".to_string());
    // The label under the source is short; the message has the details
    // (serde lists every expected key).
    let label = message
        .split(", expected")
        .next()
        .unwrap_or(&message)
        .to_string();
    error_in(path, text, show, error.span(), message, label, help)
}

/// A mistake at `span` of the file: shown against its source when it may
/// be quoted, else placed by line and column in the message.
fn error_in(
    path: &Path,
    text: &str,
    show: bool,
    span: Option<std::ops::Range<usize>>,
    message: String,
    label: String,
    help: Option<String>,
) -> ConfigError {
    if show {
        return ConfigError {
            message: format!("invalid configuration in {}: {message}", path.display()),
            source_code: Some(
                NamedSource::new(path.display().to_string(), text.to_string())
                    .with_language("toml"),
            ),
            span: span.map(Into::into),
            label,
            help,
        };
    }
    let place = span.map_or(String::new(), |span| {
        let (line, column) = crate::text_position::line_column(text, span.start);
        format!(":{line}:{column}")
    });
    ConfigError {
        message: format!(
            "invalid configuration in {}{place}: {message} (the file is not shown: it is not a TOML document)",
            path.display()
        ),
        source_code: None,
        span: None,
        label,
        help,
    }
}

/// A check's result: boxed, as a diagnostic with its source is large.
type Checked<T> = Result<T, Box<ConfigError>>;

struct Checker<'a> {
    path: &'a Path,
    text: &'a str,
    /// Whether errors may quote the file.
    show: bool,
}

impl Checker<'_> {
    fn error<T>(
        &self,
        span: std::ops::Range<usize>,
        message: String,
        help: Option<String>,
    ) -> Checked<T> {
        Err(Box::new(error_in(
            self.path,
            self.text,
            self.show,
            Some(span),
            message.clone(),
            message,
            help,
        )))
    }

    fn selectors(&self, list: &[Spanned<String>], known: &[RuleInfo]) -> Checked<Vec<Selector>> {
        list.iter()
            .map(|item| {
                Selector::parse(item.get_ref(), known).or_else(|_| {
                    self.error(
                        item.span(),
                        format!("unknown rule code or family `{}`", item.get_ref()),
                        Some(super::select::help()),
                    )
                })
            })
            .collect()
    }

    fn globs(&self, list: &[Spanned<String>], root: &Path) -> Checked<Vec<String>> {
        let patterns: Vec<String> = list.iter().map(|s| s.get_ref().clone()).collect();
        match PathPatterns::new(root, &patterns) {
            Ok(_) => Ok(patterns),
            Err((index, reason)) => self.error(
                list[index].span(),
                format!("invalid glob `{}`: {reason}", patterns[index]),
                None,
            ),
        }
    }

    fn check(
        &self,
        file: ConfigFile,
        root: PathBuf,
        named: NamedBy,
        known: &[RuleInfo],
    ) -> Checked<Config> {
        let base = match (&file.base, &file.base_file) {
            (Some(_), Some(base_file)) => {
                return self.error(
                    base_file.span(),
                    "`base` and `base-file` are both set".into(),
                    Some("keep one: a built-in base by name, or a manifest file".into()),
                )
            }
            (Some(name), None) => {
                if let Err(err) = base::find(name.get_ref()) {
                    return self.error(
                        name.span(),
                        err.to_string(),
                        Some("`distrolint bases` lists the built-in bases".into()),
                    );
                }
                Some(BaseChoice::Name(name.get_ref().clone()))
            }
            (None, Some(file_name)) => {
                let resolved = root.join(file_name.get_ref());
                if let NamedBy::Tree { root: tree } = &named {
                    if let Err(refused) = tree_files::confine(&resolved, tree) {
                        return self.error(
                            file_name.span(),
                            format!("`base-file` may not be read: {}", refused.reason),
                            Some("a configuration found in the scanned tree names only regular files inside it; name another manifest with --base-file".into()),
                        );
                    }
                }
                if !resolved.is_file() {
                    return self.error(
                        file_name.span(),
                        format!("no such base manifest: {}", resolved.display()),
                        Some("paths in the configuration are relative to its directory".into()),
                    );
                }
                Some(BaseChoice::File(resolved))
            }
            (None, None) => None,
        };
        let select = match &file.select {
            Some(list) => Some(self.selectors(list, known)?),
            None => None,
        };
        let ignore = self.selectors(file.ignore.as_deref().unwrap_or_default(), known)?;
        let mut per_file_ignores = Vec::new();
        for (pattern, codes) in file.per_file_ignores.iter().flatten() {
            self.globs(std::slice::from_ref(pattern), &root)?;
            per_file_ignores.push((pattern.get_ref().clone(), self.selectors(codes, known)?));
        }
        let exclude = self.globs(file.exclude.as_deref().unwrap_or_default(), &root)?;
        let scope = match &file.scope {
            Some(value) => Some(self.value_enum::<Scope>(value)?),
            None => None,
        };
        let fail_on = match &file.fail_on {
            Some(value) => Some(self.value_enum::<FailOn>(value)?),
            None => None,
        };
        let paths = |list: &Option<Vec<Spanned<String>>>| -> Vec<PathBuf> {
            list.iter()
                .flatten()
                .map(|p| root.join(p.get_ref()))
                .collect()
        };
        let mut accept = Vec::new();
        for entry in file.accept.iter().flatten() {
            accept.push(self.accept(entry, &root, known)?);
        }
        let lowering = self.lowering(&file, fail_on, scope);
        Ok(Config {
            accept,
            lowering,
            named,
            path: self.path.to_path_buf(),
            base,
            select,
            ignore,
            per_file_ignores,
            exclude,
            scope,
            include_tests: file.include_tests.unwrap_or(false),
            fail_on,
            rules: paths(&file.rules),
            app: paths(&file.app),
            root,
        })
    }

    /// Every key of `file` that lowers the gate, in the order written.
    fn lowering(
        &self,
        file: &ConfigFile,
        fail_on: Option<FailOn>,
        scope: Option<Scope>,
    ) -> Vec<Lowering> {
        let mut found = Vec::new();
        let mut note = |key: &str, span: std::ops::Range<usize>| {
            let (line, column) = crate::text_position::line_column(self.text, span.start);
            let written = self.text.get(span).unwrap_or("").replace('\n', " ");
            let value = match written.char_indices().nth(60) {
                Some((cut, _)) => format!("{}…", &written[..cut]),
                None => written,
            };
            found.push(Lowering {
                key: key.to_string(),
                value,
                path: self.path.to_path_buf(),
                line,
                column,
            });
        };
        // The list with its brackets, as written.
        let list_span = |list: &[Spanned<String>]| -> Option<std::ops::Range<usize>> {
            let first = list.first()?.span();
            let last = list.last()?.span();
            let open = self.text[..first.start].rfind('[').unwrap_or(first.start);
            let close = self.text[last.end..]
                .find(']')
                .map_or(last.end, |i| last.end + i + 1);
            Some(open..close)
        };
        if let Some(list) = &file.select {
            if !list.iter().any(|s| s.get_ref() == "ALL") {
                // An empty list has no span of its own: point at the key's line.
                let span = list_span(list).unwrap_or_else(|| self.key_span("select"));
                note("select", span);
            }
        }
        if let Some(list) = file.ignore.as_deref().filter(|l| !l.is_empty()) {
            note("ignore", list_span(list).unwrap_or(0..0));
        }
        for pattern in file.per_file_ignores.iter().flatten().map(|(p, _)| p) {
            note("per-file-ignores", pattern.span());
        }
        if let Some(list) = file.exclude.as_deref().filter(|l| !l.is_empty()) {
            note("exclude", list_span(list).unwrap_or(0..0));
        }
        for entry in file.accept.iter().flatten() {
            note("accept", entry.span());
        }
        if let (Some(value), Some(scope)) = (&file.scope, scope) {
            if scope != Scope::All {
                note("scope", value.span());
            }
        }
        if let (Some(value), Some(FailOn::Never)) = (&file.fail_on, fail_on) {
            note("fail-on", value.span());
        }
        if let Some(value) = &file.base_file {
            note("base-file", value.span());
        }
        found
    }

    /// Where the value of `key = value` is written, for a value without a
    /// span of its own (an empty list).
    fn key_span(&self, key: &str) -> std::ops::Range<usize> {
        self.text
            .lines()
            .scan(0, |offset, line| {
                let start = *offset;
                *offset += line.len() + 1;
                Some((start, line))
            })
            .find(|(_, line)| {
                line.trim_start()
                    .strip_prefix(key)
                    .is_some_and(|rest| rest.trim_start().starts_with('='))
            })
            .map_or(0..0, |(start, line)| {
                let value = line.find('=').map_or(0, |i| i + 1);
                let skipped = line[value..].len() - line[value..].trim_start().len();
                start + value + skipped..start + line.trim_end().len()
            })
    }

    fn accept(
        &self,
        entry: &Spanned<AcceptSpec>,
        root: &Path,
        known: &[RuleInfo],
    ) -> Checked<Accept> {
        let spec = entry.get_ref();
        if spec.codes.is_none()
            && spec.distribution.is_none()
            && spec.library.is_none()
            && spec.path.is_none()
        {
            return self.error(
                entry.span(),
                "an [[accept]] entry names nothing, so it would accept every finding".into(),
                Some("give `codes`, `distribution`, `library` or `path` (and a `reason`)".into()),
            );
        }
        if let Some(path) = &spec.path {
            self.globs(std::slice::from_ref(path), root)?;
        }
        let span = entry.span();
        let line = self.text[..span.start].matches('\n').count() as u32 + 1;
        let line_start = self.text[..span.start].rfind('\n').map_or(0, |i| i + 1);
        Ok(Accept {
            codes: self.selectors(spec.codes.as_deref().unwrap_or_default(), known)?,
            distribution: spec.distribution.clone(),
            library: spec.library.clone(),
            path: spec.path.as_ref().map(|p| p.get_ref().clone()),
            reason: spec.reason.clone(),
            place: Location {
                line,
                column: self.text[line_start..span.start].chars().count() as u32 + 1,
                offset: span.start,
                length: span.len(),
            },
        })
    }

    fn value_enum<T: ValueEnum>(&self, value: &Spanned<String>) -> Checked<T> {
        T::from_str(value.get_ref(), false).or_else(|_| {
            let names: Vec<String> = T::value_variants()
                .iter()
                .filter_map(|v| v.to_possible_value().map(|p| p.get_name().to_string()))
                .collect();
            self.error(
                value.span(),
                format!("unknown value `{}`", value.get_ref()),
                Some(format!("expected one of: {}", names.join(", "))),
            )
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::gate::catalogue::catalogue;
    use crate::rules::RuleSet;

    fn load_text(name: &str, text: &str) -> miette::Result<Option<Config>> {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(name);
        std::fs::write(&path, text).unwrap();
        load(
            &path,
            &catalogue(&RuleSet::builtin(crate::checks::NATIVE).unwrap()),
            NamedBy::Tree {
                root: dir.path().to_path_buf(),
            },
        )
    }

    fn error_at(name: &str, text: &str) -> (String, usize) {
        let err = load_text(name, text).unwrap_err();
        let config = err.downcast_ref::<ConfigError>().expect("a ConfigError");
        (
            config.message.clone(),
            config.span.expect("a span").offset(),
        )
    }

    #[test]
    fn rule_directories_come_from_the_nearest_configuration() {
        let dir = tempfile::tempdir().unwrap();
        let app = dir.path().join("app");
        std::fs::create_dir(&app).unwrap();
        std::fs::write(
            dir.path().join("pyproject.toml"),
            "[tool.distrolint]\nrules = [\"ci/rules\"]\nselect = [\"ACME001\"]\n",
        )
        .unwrap();
        // A pyproject.toml without the table does not count: the walk goes on.
        std::fs::write(app.join("pyproject.toml"), "[project]\nname = \"x\"\n").unwrap();
        let found = find(&app).unwrap().expect("the parent's pyproject.toml");
        let named = NamedBy::found_in(dir.path());
        assert_eq!(
            found.rule_dirs(),
            vec![(dir.path().join("ci/rules"), named)]
        );
        // Its selector names a code only its rule directory defines, so it
        // is checked against the rules once they are loaded, not before.
        let err = found
            .check(&catalogue(
                &RuleSet::builtin(crate::checks::NATIVE).unwrap(),
            ))
            .unwrap_err();
        assert!(err.to_string().contains("ACME001"), "{err}");
    }

    #[test]
    fn every_key_reads() {
        let config = load_text(
            "distrolint.toml",
            r#"
base = "python3-debian12"
select = ["DL1", "shell"]
ignore = ["DL302"]
exclude = ["tests", "build/**"]
scope = "app"
fail-on = "warning"
rules = ["ci/rules"]
app = ["src"]
[per-file-ignores]
"scripts/*.py" = ["DL301"]
"#,
        )
        .unwrap()
        .unwrap();
        assert_eq!(
            config.base,
            Some(BaseChoice::Name("python3-debian12".into()))
        );
        assert_eq!(config.select.as_ref().map(Vec::len), Some(2));
        assert_eq!(config.scope, Some(Scope::App));
        assert_eq!(config.fail_on, Some(FailOn::Warning));
        assert_eq!(config.per_file_ignores.len(), 1);
        assert!(config.rules[0].ends_with("ci/rules"));
    }

    #[test]
    fn mistakes_point_at_their_place() {
        let text = "select = [\"DL201\"]\ncolour = true\n";
        let (message, at) = error_at("distrolint.toml", text);
        assert!(message.contains("unknown field `colour`"), "{message}");
        assert_eq!(at, text.find("colour").unwrap());

        let text = "select = [\"DL201\", \"DL999\"]\n";
        let (message, at) = error_at("distrolint.toml", text);
        assert!(message.contains("DL999"), "{message}");
        assert_eq!(at, text.find("\"DL999\"").unwrap());

        let text = "[project]\nname = \"x\"\n[tool.distrolint]\nfail-on = 3\n";
        let (message, at) = error_at("pyproject.toml", text);
        assert!(message.contains("invalid type"), "{message}");
        assert_eq!(at, text.find('3').unwrap());

        let text = "scope = \"everything\"\n";
        let (_, at) = error_at(".distrolint.toml", text);
        assert_eq!(at, text.find("\"everything\"").unwrap());
    }

    #[test]
    fn accept_entries_know_where_they_are_written() {
        let text = "ignore = []\n\n[[accept]]\nlibrary = \"libpq.so.5\"\nreason = \"copied in\"\n\n[[accept]]\ndistribution = \"numpy\"\ncodes = [\"DL102\"]\n";
        let config = load_text("distrolint.toml", text).unwrap().unwrap();
        assert_eq!(config.accept.len(), 2);
        assert_eq!(config.accept[0].library.as_deref(), Some("libpq.so.5"));
        assert_eq!(config.accept[1].codes.len(), 1);
        assert!(
            config.accept[0].place.line >= 3,
            "{:?}",
            config.accept[0].place
        );

        let (message, _) = error_at("distrolint.toml", "[[accept]]\nreason = \"why\"\n");
        assert!(message.contains("names nothing"), "{message}");
    }

    #[test]
    fn a_pyproject_without_the_table_is_not_a_configuration() {
        assert!(
            load_text("pyproject.toml", "[tool.ruff]\nline-length = 100\n")
                .unwrap()
                .is_none()
        );
    }
}
