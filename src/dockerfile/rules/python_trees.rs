//! Installed Python trees copied from a build stage: whether the base's
//! Python imports them where they land (DL706), whether they were built
//! by the same Python version (DL707), and, for a virtualenv, whether the
//! interpreter it links to is there (DL708, `venv_interpreter`).
//!
//! What a COPY carries is not visible, so a source counts as a Python tree
//! only on evidence: its path ends in `site-packages`/`dist-packages`, names
//! `lib/python3.X`, is what the source stage gave to `pip install
//! --target`/`--prefix` or made with `python -m venv`,
//! `virtualenv` or `uv venv`, or is named like a virtualenv (`venv`,
//! `.venv`). A source without such evidence is not judged. The builder's
//! version comes from its image (`python:3.12-slim`, or a base manifest
//! with a Python) or from a `lib/python3.X` in the copied path.
//!
//! Where a tree is imported from: a packages directory at the destination
//! itself; a `--prefix` tree at `DEST/lib/python3.X/site-packages`; a
//! virtualenv through its own `bin/python`, so it counts as used when its
//! `bin` is on PATH or an ENTRYPOINT/CMD names it. An `ENV PYTHONPATH` that
//! cannot be read (it uses an unknown variable) or a PATH that cannot be
//! read makes the copy unjudged, not wrong.

use std::collections::{BTreeMap, BTreeSet};

use super::venv_interpreter::{
    builder_for, made_venv, python_executable, stage_python, MadeVenv, StagePython, VenvPython,
};
use super::NativeCheck;
use crate::base::{normalize, BaseImage};
use crate::dockerfile::ast::{Args, Command, Dockerfile, Keyword};
use crate::dockerfile::check::Checker;
use crate::dockerfile::copied_from::CopiedFrom;
use crate::dockerfile::image::ImageState;
use crate::dockerfile::source::Span;
use crate::dockerfile::stages::{StageBase, Stages};

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

/// What kind of Python tree a copied path is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Tree {
    /// Importable packages at the top (site-packages, `pip --target`).
    Packages,
    /// A `pip install --prefix` tree: packages under
    /// `lib/python3.X/site-packages`.
    Prefix,
    Virtualenv,
}

/// What the source stage says about its Python.
struct Builder {
    /// The stage name or image, for messages.
    label: String,
    /// `3.12`, when known.
    python: Option<String>,
    /// "FROM python:3.12-slim on line 1".
    evidence: Option<String>,
    /// Paths the stage installed into or made virtualenvs at.
    targets: BTreeSet<String>,
    prefixes: BTreeSet<String>,
    venvs: BTreeMap<String, MadeVenv>,
    /// Where the stage's own Python is, for the venvs it makes.
    stage_python: Option<StagePython>,
}

impl<'a> Checker<'a> {
    /// DL706, DL707 and DL708 for the COPY --from instructions of the final
    /// chain, with the image as the stages leave it and the commands it
    /// starts with.
    pub(in crate::dockerfile) fn python_trees(
        &mut self,
        stages: &Stages,
        copies: &[CopiedFrom],
        state: &ImageState<'a>,
        commands: &[&Command],
    ) {
        for copy in copies {
            let builder = builder_of(self.df, stages, &copy.from);
            for (source, span) in &copy.sources {
                // A venv's interpreter matters on any base, with a Python or not.
                if let (Some(made), Some(stage)) =
                    (builder.venvs.get(source), &builder.stage_python)
                {
                    self.venv_interpreter(
                        copy,
                        (source, *span),
                        &builder.label,
                        made,
                        stage,
                        state,
                    );
                }
            }
        }
        let Some(python) = &self.base.python else {
            return;
        };
        let base_minor = minor(&python.version);
        for copy in copies {
            let builder = builder_of(self.df, stages, &copy.from);
            for (source, span) in &copy.sources {
                let Some(tree) = tree_kind(source, &builder) else {
                    continue;
                };
                let version = builder
                    .python
                    .clone()
                    .map(|v| (v, builder.evidence.clone().unwrap_or_default()))
                    .or_else(|| {
                        version_in_path(source)
                            .map(|v| (v.clone(), format!("its path names lib/python{v}")))
                    });
                if let (Some((version, evidence)), Some(base_minor)) = (&version, &base_minor) {
                    if version != base_minor {
                        let variant = match tree {
                            Tree::Packages => "packages",
                            Tree::Prefix => "versioned-tree",
                            Tree::Virtualenv => "venv",
                        };
                        self.mismatch(
                            copy,
                            &builder,
                            (source, *span),
                            variant,
                            version,
                            evidence,
                            base_minor,
                        );
                    }
                }
                self.off_sys_path(
                    copy,
                    &builder,
                    source,
                    tree,
                    version.as_ref().map(|(v, _)| v.as_str()),
                    state,
                    commands,
                );
            }
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn mismatch(
        &mut self,
        copy: &CopiedFrom,
        builder: &Builder,
        (source, span): (&str, Span),
        variant: &str,
        version: &str,
        evidence: &str,
        base_minor: &str,
    ) {
        let values = [
            ("stage", builder.label.clone()),
            ("source", source.to_string()),
            ("builder-python", version.to_string()),
            ("builder-digits", version.replace('.', "")),
            ("evidence", evidence.to_string()),
            ("python", base_minor.to_string()),
            ("python-path", python_executable(self.base)),
            ("builder", builder_for(self.base)),
        ];
        self.push_copy_finding(&BUILDER_PYTHON_MISMATCH, copy, span, variant, &values);
    }

    #[allow(clippy::too_many_arguments)]
    fn off_sys_path(
        &mut self,
        copy: &CopiedFrom,
        builder: &Builder,
        source: &str,
        tree: Tree,
        version: Option<&str>,
        state: &ImageState<'a>,
        commands: &[&Command],
    ) {
        let base = self.base;
        let Some(pythonpath) = python_path(state, base) else {
            return;
        };
        let destination = &copy.destination;
        let variant = match tree {
            Tree::Virtualenv => {
                let bin = format!("{destination}/bin");
                let Some(path) = state.path() else { return };
                let on_path = path
                    .iter()
                    .any(|dir| base.resolve_links(&normalize(dir)) == bin);
                let named = commands.iter().any(|c| mentions(c, &bin));
                let imported = pythonpath
                    .iter()
                    .any(|p| p == destination || p.starts_with(&format!("{destination}/")));
                if on_path || named || imported {
                    return;
                }
                "venv"
            }
            Tree::Packages | Tree::Prefix => {
                let imported = match tree {
                    Tree::Packages => destination.clone(),
                    _ => format!(
                        "{destination}/lib/python{}/site-packages",
                        version.unwrap_or("3.X")
                    ),
                };
                let read = package_dirs(base)
                    .into_iter()
                    .chain(pythonpath.iter().cloned())
                    .any(|dir| same_dir(&dir, &imported));
                if read {
                    return;
                }
                let variant = if imported.ends_with("/site-packages") {
                    "site-packages"
                } else {
                    "elsewhere"
                };
                self.push_off_sys_path(copy, builder, source, &imported, variant);
                return;
            }
        };
        self.push_off_sys_path(copy, builder, source, destination, variant);
    }

    fn push_off_sys_path(
        &mut self,
        copy: &CopiedFrom,
        builder: &Builder,
        source: &str,
        imported: &str,
        variant: &str,
    ) {
        let dirs = package_dirs(self.base);
        let values = [
            ("stage", builder.label.clone()),
            ("source", source.to_string()),
            ("destination", copy.destination.clone()),
            ("imported", imported.to_string()),
            ("package-dir", dirs.first().cloned().unwrap_or_default()),
            ("package-dirs", dirs.join(" and ")),
        ];
        self.push_copy_finding(
            &PYTHON_TREE_OFF_SYS_PATH,
            copy,
            copy.destination_span,
            variant,
            &values,
        );
    }

    /// A finding about a `COPY --from`, at `span` of its line, judged on
    /// the checker's base.
    pub(in crate::dockerfile) fn push_copy_finding(
        &mut self,
        check: &NativeCheck,
        copy: &CopiedFrom,
        span: Span,
        variant: &str,
        values: &[(&str, String)],
    ) {
        let finding = super::finding(
            self.rules,
            check,
            self.path,
            self.df.location(span),
            Some(self.base),
            Some(variant),
            values,
        )
        .with_field("instruction", "COPY")
        .with_field("from", copy.from.as_str());
        self.findings.push(finding);
    }
}

/// The base's package directories, normalized.
fn package_dirs(base: &BaseImage) -> Vec<String> {
    base.python
        .as_ref()
        .map(|p| p.package_dirs.iter().map(|d| normalize(d)).collect())
        .unwrap_or_default()
}

/// The `PYTHONPATH` entries the stages set; `None` when it cannot be read.
fn python_path(state: &ImageState<'_>, base: &BaseImage) -> Option<Vec<String>> {
    match state.env("PYTHONPATH") {
        None => Some(Vec::new()),
        Some(None) => None,
        Some(Some(value)) => Some(
            value
                .split(':')
                .filter(|p| p.starts_with('/'))
                .map(|p| base.resolve_links(&normalize(p)))
                .collect(),
        ),
    }
}

fn same_dir(a: &str, b: &str) -> bool {
    normalize(a) == normalize(b)
}

/// Whether a command names a path under `dir` (`/venv/bin/python -m …`).
fn mentions(command: &Command, dir: &str) -> bool {
    let under = |text: &str| {
        text.split(|c: char| c.is_whitespace() || c == '"' || c == '\'')
            .any(|w| w.starts_with(&format!("{dir}/")))
    };
    match command {
        Command::Exec { args, .. } => args.iter().any(|a| under(&a.text)),
        Command::Shell(word) => under(&word.text),
    }
}

/// `3.11` of `3.11.2`.
fn minor(version: &str) -> Option<String> {
    let mut parts = version.split('.');
    let major = parts.next()?;
    let minor = parts.next()?;
    let digits = |s: &str| !s.is_empty() && s.chars().all(|c| c.is_ascii_digit());
    (digits(major) && digits(minor)).then(|| format!("{major}.{minor}"))
}

/// `3.12` from a path naming `python3.12` (`/install/lib/python3.12/site-packages`).
fn version_in_path(path: &str) -> Option<String> {
    path.split('/')
        .find_map(|c| c.strip_prefix("python").and_then(minor))
}

/// What a source path is, on the evidence of its name and the builder.
fn tree_kind(source: &str, builder: &Builder) -> Option<Tree> {
    let last = source.rsplit('/').next().unwrap_or("");
    if matches!(last, "site-packages" | "dist-packages") || builder.targets.contains(source) {
        return Some(Tree::Packages);
    }
    if builder.prefixes.contains(source) {
        return Some(Tree::Prefix);
    }
    if builder.venvs.contains_key(source) || matches!(last, "venv" | ".venv" | "virtualenv") {
        return Some(Tree::Virtualenv);
    }
    None
}

/// The source of a `COPY --from`: a stage by name or index, else an image.
fn builder_of(df: &Dockerfile, stages: &Stages, from: &str) -> Builder {
    let stage = stages.named(from).or_else(|| {
        from.parse::<usize>()
            .ok()
            .and_then(|i| stages.stages.get(i))
    });
    let mut builder = Builder {
        label: from.to_string(),
        python: None,
        evidence: None,
        targets: BTreeSet::new(),
        prefixes: BTreeSet::new(),
        venvs: BTreeMap::new(),
        stage_python: None,
    };
    let Some(stage) = stage else {
        builder.python = image_python(from);
        builder.evidence = builder.python.as_ref().map(|_| format!("the image {from}"));
        return builder;
    };
    let chain = stages.chain(stage.index);
    let root = match chain.first().map(|s| &s.base) {
        Some(StageBase::Image(image)) => Some(image),
        _ => None,
    };
    if let Some(image) = root {
        builder.python = image_python(&image.reference);
        builder.evidence = builder.python.as_ref().map(|_| {
            format!(
                "FROM {} on line {}",
                image.reference,
                df.location(image.span).line
            )
        });
    }
    // ENV values the stage sets plainly, for `python -m venv $VIRTUAL_ENV`.
    let mut env: BTreeMap<String, String> = BTreeMap::new();
    let mut commands = Vec::new();
    for stage in chain {
        for instruction in stage.body.clone().filter_map(|i| df.instructions.get(i)) {
            if let (Keyword::Env, Args::Pairs(pairs)) = (&instruction.keyword, &instruction.args) {
                for pair in pairs {
                    let value = pair.value.as_ref().map(|v| substitute(&v.text, &env));
                    let key = pair.key.text.clone();
                    match value.filter(|v| !v.contains('$')) {
                        Some(value) => {
                            // The virtualenv convention: whatever made it, the
                            // stage's Python is the one it names. uv's
                            // UV_PROJECT_ENVIRONMENT is where `uv sync` makes
                            // the project's virtualenv, with the Python it
                            // finds on the stage.
                            if matches!(key.as_str(), "VIRTUAL_ENV" | "UV_PROJECT_ENVIRONMENT")
                                && value.starts_with('/')
                            {
                                builder.venvs.entry(normalize(&value)).or_insert(MadeVenv {
                                    interpreter: VenvPython::StageDefault,
                                    copies: false,
                                });
                            }
                            env.insert(key, value);
                        }
                        None => {
                            env.remove(&key);
                        }
                    }
                }
                continue;
            }
            if instruction.keyword != Keyword::Run {
                continue;
            }
            let text = match instruction.command() {
                Some(Command::Shell(word)) => word.text.clone(),
                Some(Command::Exec { args, .. }) => args
                    .iter()
                    .map(|a| a.text.as_str())
                    .collect::<Vec<_>>()
                    .join(" "),
                None => continue,
            };
            let text = substitute(&text, &env);
            record_installs(&text, &mut builder);
            commands.push(text);
        }
    }
    if let Some(image) = root {
        let line = df.location(image.span).line;
        builder.stage_python = stage_python(image, line, builder.python.clone(), &commands);
        if builder.python.is_none() {
            if let Some(stage) = &builder.stage_python {
                builder.python = stage.version.clone();
                builder.evidence = Some(stage.evidence.clone());
            }
        }
    }
    builder
}

/// `$NAME` and `${NAME}` replaced by the values in `env`; other variables
/// are left as written.
fn substitute(text: &str, env: &BTreeMap<String, String>) -> String {
    crate::dollar_names::substitute(text, |name, _| env.get(name).map(String::as_str))
}

/// Where a RUN command installs packages or makes virtualenvs: the
/// absolute path after `--target`/`-t` and `--prefix`, and after
/// `-m venv`, `virtualenv` or `uv venv` (options skipped).
fn record_installs(command: &str, builder: &mut Builder) {
    let words: Vec<&str> = command
        .split(|c: char| c.is_whitespace() || matches!(c, ';' | '&' | '|' | '(' | ')'))
        .filter(|w| !w.is_empty())
        .map(|w| w.trim_matches(|c| c == '"' || c == '\''))
        .collect();
    let absolute = |w: &str| w.starts_with('/').then(|| normalize(w));
    for (i, word) in words.iter().enumerate() {
        let next = words.get(i + 1).copied().unwrap_or("");
        let (option, value) = match word.split_once('=') {
            Some((o, v)) if o.starts_with("--") => (o, v),
            _ => (*word, next),
        };
        let set = match option {
            "--target" | "-t" => &mut builder.targets,
            "--prefix" => &mut builder.prefixes,
            _ => {
                if let Some((path, made)) = made_venv(&words, i) {
                    builder.venvs.insert(path, made);
                }
                continue;
            }
        };
        if let Some(path) = absolute(value) {
            set.insert(path);
        }
    }
}

/// The Python minor version of an image: Docker Hub's `python:3.12-slim`
/// (any registry path ending in `/python` with a version tag), or a base
/// manifest that describes the image and has a Python.
fn image_python(reference: &str) -> Option<String> {
    let image = crate::dockerfile::stages::ImageRef {
        reference: reference.to_string(),
        written: reference.to_string(),
        span: Span::default(),
    };
    let repository = image.repository();
    let name = repository.rsplit('/').next().unwrap_or(repository);
    if name == "python" {
        if let Some(version) = image
            .tag()
            .and_then(|t| minor(t.split('-').next().unwrap_or(t)))
        {
            return Some(version);
        }
    }
    crate::base::find_in(crate::dockerfile::builtin_bases(), reference)
        .and_then(|b| b.python.as_ref())
        .and_then(|p| minor(&p.version))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions_of_images_and_paths() {
        assert_eq!(image_python("python:3.12-slim").as_deref(), Some("3.12"));
        assert_eq!(
            image_python("docker.io/library/python:3.11.9-bookworm").as_deref(),
            Some("3.11")
        );
        assert_eq!(image_python("python:3-slim"), None);
        assert_eq!(image_python("python:slim"), None);
        assert_eq!(image_python("node:20"), None);
        assert_eq!(
            image_python("gcr.io/distroless/python3-debian13").as_deref(),
            Some("3.13")
        );
        assert_eq!(
            version_in_path("/install/lib/python3.12/site-packages").as_deref(),
            Some("3.12")
        );
        assert_eq!(version_in_path("/usr/lib/python3/dist-packages"), None);
    }

    #[test]
    fn installs_and_virtualenvs_are_read_from_run_commands() {
        let mut builder = Builder {
            label: "build".into(),
            python: None,
            evidence: None,
            targets: BTreeSet::new(),
            prefixes: BTreeSet::new(),
            venvs: BTreeMap::new(),
            stage_python: None,
        };
        record_installs(
            "python -m venv --copies /opt/env && pip install --prefix=/install -r r.txt && pip install -t /deps/ x; uv venv /uv",
            &mut builder,
        );
        record_installs(
            "virtualenv relative && pip install --prefix /p2 y",
            &mut builder,
        );
        let list = |s: &BTreeSet<String>| s.iter().cloned().collect::<Vec<_>>();
        let venvs: Vec<_> = builder.venvs.keys().cloned().collect();
        assert_eq!(venvs, ["/opt/env", "/uv"]);
        assert_eq!(list(&builder.prefixes), ["/install", "/p2"]);
        assert_eq!(list(&builder.targets), ["/deps"]);
    }
}
