//! Dockerfiles and Containerfiles: what breaks when the final stage runs on
//! a distroless base.
//!
//! The parser is our own. The crates on crates.io at the time of writing
//! (`dockerfile-parser` 0.9, a pest grammar; `dockerfile-parser-rs` 3.4)
//! read neither the `# escape=` directive nor heredocs in general (the
//! first has none, the second only a literal `<<EOF`), and the second keeps
//! no positions. BuildKit's frontend is the reference: [`mod@parse`] reads
//! lines, directives, continuations and heredocs as it does, [`args`] the
//! arguments of each instruction, [`words`] words and `${VAR}` expansion.
//!
//! Module map:
//! - [`source`]: the file's text (invalid UTF-8 kept byte for byte) and
//!   positions;
//! - [`ast`]: the parsed Dockerfile, every piece with its byte span;
//! - [`mod@parse`], [`args`], [`words`]: the parser;
//! - [`stages`]: stages, `ARG` substitution in `FROM`, the final stage's
//!   image and the base manifest that describes it;
//! - [`image`]: the final image as its stages build it (PATH, WORKDIR,
//!   SHELL, what COPY puts where), and whether a program is there, with
//!   [`context`] for what a COPY from the build context really copies;
//! - [`check`]: which instructions are judged, against what state, with
//!   `copied_from` for the `COPY --from` steps several checks judge;
//! - [`rules`]: the checks, one file each (DL700 `syntax`, DL701–DL705
//!   `commands` with [`exec_form`] for the suggested rewrite, DL706 and
//!   DL707 `python_trees`, DL708 `venv_interpreter`, DL709
//!   `cmd_behind_python_entrypoint`, DL710 `env_locale`, DL711
//!   `user_account`), whose wording is in `rules/dockerfile.toml`.
//!
//! Entry points: [`analyse_dockerfile`] for bytes from disk, or [`parse()`],
//! [`choose_base`] and [`analyse`] when the caller picks the base from the
//! file itself.

pub mod args;
pub mod ast;
pub mod check;
pub mod context;
mod copied_from;
pub mod exec_form;
pub mod final_image;
pub mod image;
mod logical;
pub mod parse;
pub mod pick;
pub mod rules;
pub mod runs;
pub mod source;
pub mod stages;
pub mod words;

use std::path::Path;

use crate::base::BaseImage;
use crate::finding::Finding;
use crate::rules::RuleSet;

pub use ast::{Args, Command, Dockerfile, Heredoc, Instruction, Keyword, ParseError, Word};
pub use image::ContextView;
pub use parse::{parse, parse_str};
pub(crate) use rules::commands::{is_python, is_shell};
pub(crate) use rules::user_account::missing_account;
pub use source::Span;
pub use stages::{choose_base, final_base, BaseChoice, ImageRef, Stages};

/// What the analysis of one Dockerfile found.
#[derive(Debug, Clone, PartialEq)]
pub struct DockerfileAnalysis {
    /// DL700 for what `docker build` would reject, DL701–DL705 for the final
    /// stage on the base (none without a base). Unsorted.
    pub findings: Vec<Finding>,
    /// The final stage's image after `ARG` substitution, following stage
    /// names back; `None` without a `FROM`, or when it needs a build
    /// argument that has no default.
    pub final_base: Option<ImageRef>,
}

/// Parses and checks one Dockerfile. `base` is the image the final stage is
/// judged against (from `--base`, or [`choose_base`] on the parsed file);
/// `None` checks only the syntax. Never panics on any input.
pub fn analyse_dockerfile(
    rules: &RuleSet,
    path: &Path,
    bytes: &[u8],
    base: Option<&BaseImage>,
) -> DockerfileAnalysis {
    let df = parse(bytes);
    analyse(
        rules,
        path,
        &df,
        &Stages::of(&df),
        base,
        ContextView::Presumed,
    )
}

/// [`analyse_dockerfile`] for a file already parsed, with its stages (which
/// [`Stages::target`] may point at another stage than the last).
pub fn analyse(
    rules: &RuleSet,
    path: &Path,
    df: &Dockerfile,
    stages: &Stages,
    base: Option<&BaseImage>,
    context: ContextView<'_>,
) -> DockerfileAnalysis {
    let mut findings = rules::syntax::findings(rules, path, df, base);
    if let Some(base) = base {
        findings.extend(check::check(rules, df, stages, base, path, context));
    }
    let final_base = stages
        .final_stage()
        .and_then(|s| stages.root_base(s.index))
        .and_then(|b| match b {
            stages::StageBase::Image(image) => Some(image.clone()),
            _ => None,
        });
    DockerfileAnalysis {
        findings,
        final_base,
    }
}

/// How a check judges the Dockerfiles it finds in the scanned trees.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CheckOptions {
    /// `--target STAGE`: judge this stage instead of the last, in the files
    /// that have it.
    pub target: Option<String>,
    /// Whether the user named the check's base (`--base`, `--base-file`,
    /// the configuration) rather than it being the default.
    pub base_is_given: bool,
    /// The Dockerfiles that build the application's image (see
    /// [`pick::dockerfiles_among`]), where they really are (links
    /// followed).
    pub image_dockerfiles: Vec<std::path::PathBuf>,
}

impl CheckOptions {
    /// The options of a check whose image is built by the Dockerfiles
    /// `image_dockerfiles` (as found by [`pick::dockerfiles_among`] or
    /// named by the user).
    pub fn new(
        target: Option<String>,
        base_is_given: bool,
        image_dockerfiles: &[std::path::PathBuf],
    ) -> CheckOptions {
        CheckOptions {
            target,
            base_is_given,
            image_dockerfiles: image_dockerfiles
                .iter()
                .filter_map(|path| std::fs::canonicalize(path).ok())
                .collect(),
        }
    }

    /// The programs the image's Dockerfiles start (see
    /// [`runs::programs_started`]); `None` when there is no such
    /// Dockerfile to say.
    pub fn programs_started(&self) -> Option<Vec<String>> {
        if self.image_dockerfiles.is_empty() {
            return None;
        }
        let mut started = Vec::new();
        for path in &self.image_dockerfiles {
            // Read where discovery found it; an unreadable one is reported
            // by the scan itself.
            if let Ok(bytes) = std::fs::read(path) {
                started.extend(runs::programs_started(&parse(&bytes)));
            }
        }
        Some(started)
    }

    /// Whether the Dockerfile at `path` builds the application's image.
    pub fn builds_the_image(&self, path: &Path) -> bool {
        std::fs::canonicalize(path).is_ok_and(|real| self.image_dockerfiles.contains(&real))
    }
}

/// Parses and checks one Dockerfile found by a check whose base is
/// `check_base`. A file whose final stage names an image some manifest
/// describes is judged on that image: the file says what it runs on. Any
/// other file (an image no manifest describes, a `FROM` that needs build
/// arguments) is judged on the check's base when the user named that base
/// and the file builds the application's image — the pre-migration check:
/// its final stage as if it were built on the target — and only for its
/// syntax otherwise: a development or example Dockerfile on
/// `python:3.12-slim` keeps its shell, and judging it on a distroless base
/// would report what cannot happen. A dev container's Dockerfile
/// (`.devcontainer/`) is the developers' machine, never the image that
/// ships: syntax only, whatever base the check was given.
/// The build context is looked for below `root`, the scanned root that
/// holds the file (see [`context`]).
pub fn analyse_in_check(
    rules: &RuleSet,
    path: &Path,
    root: &Path,
    bytes: &[u8],
    check_base: &BaseImage,
    options: &CheckOptions,
) -> Vec<Finding> {
    let df = parse(bytes);
    let all = Stages::of(&df);
    let stages = match &options.target {
        Some(target) => all.clone().target(target).unwrap_or(all),
        None => all,
    };
    let base = judged_base(path, &stages, check_base, options);
    let base = base.as_deref();
    let located = base.and_then(|_| locate_context(path, root, &df, &stages));
    let view = match &located {
        Some(context) => ContextView::Located(context),
        None => ContextView::NotFound,
    };
    analyse(rules, path, &df, &stages, base, view).findings
}

/// The base the Dockerfile at `path` (with its `stages`) is judged on in a
/// check whose base is `check_base`: see [`analyse_in_check`]. `None`:
/// syntax only.
pub fn judged_base<'a>(
    path: &Path,
    stages: &Stages,
    check_base: &'a BaseImage,
    options: &CheckOptions,
) -> Option<std::borrow::Cow<'a, BaseImage>> {
    use std::borrow::Cow;
    if in_dev_container(path) {
        return None;
    }
    // The check's own manifest first: a --base-file describes images the
    // built-in ones do not. With its tag variants: `FROM …:nonroot` runs
    // as another user in another WORKDIR than the check's base. (A
    // manifest is cloned only when a variant is chosen: a few hundred
    // entries, once per Dockerfile.)
    if check_base.tag_variants.is_empty() {
        if let Some(found) = stages::choose_in(stages, std::slice::from_ref(check_base)).base() {
            return Some(Cow::Borrowed(found));
        }
    } else {
        let own = crate::base::with_tag_variants(check_base.clone());
        if let Some(found) = stages::choose_in(stages, &own).base() {
            return Some(Cow::Owned(found.clone()));
        }
    }
    stages::choose_in(stages, builtin_bases())
        .base()
        .or((options.base_is_given && options.builds_the_image(path)).then_some(check_base))
        .map(Cow::Borrowed)
}

/// The build context of the Dockerfile `df` at `path`, looked for below
/// the scanned root `root`; `None` when the tree holds none of its sources.
pub fn locate_context(
    path: &Path,
    root: &Path,
    df: &Dockerfile,
    stages: &Stages,
) -> Option<context::BuildContext> {
    context::BuildContext::locate(path, root, &context_sources(df, &stages.global_args))
}

/// The literal build-context paths the COPY and ADD instructions of `df`
/// name (no `--from`, no wildcard, no heredoc or URL), with the global
/// `ARG` defaults substituted.
fn context_sources(
    df: &Dockerfile,
    global_args: &std::collections::BTreeMap<String, Option<String>>,
) -> Vec<String> {
    let lookup = |name: &str| global_args.get(name).cloned().flatten();
    df.instructions
        .iter()
        .filter(|i| matches!(i.keyword, Keyword::Copy | Keyword::Add) && i.flag("from").is_none())
        .filter_map(|i| match &i.args {
            Args::List { words, .. } => words.split_last().map(|(_, sources)| sources),
            _ => None,
        })
        .flatten()
        .filter_map(|word| {
            let expanded = words::expand(&word.text, df.escape, &lookup);
            expanded.is_exact().then_some(expanded.value)
        })
        .filter(|s| !context::has_wildcard(s) && !s.starts_with("<<") && !s.contains("://"))
        .collect()
}

fn in_dev_container(path: &Path) -> bool {
    path.components()
        .any(|c| c.as_os_str() == std::ffi::OsStr::new(".devcontainer"))
}

/// The built-in manifests, parsed once: every Dockerfile (and every
/// builder image it copies from) is looked up among them.
pub(crate) fn builtin_bases() -> &'static [BaseImage] {
    static BUILTIN: std::sync::OnceLock<Vec<BaseImage>> = std::sync::OnceLock::new();
    BUILTIN.get_or_init(crate::base::builtin)
}

/// Whether a file name is a Dockerfile or Containerfile by the usual
/// conventions: `Dockerfile`, `Containerfile`, `Dockerfile.prod`,
/// `prod.Dockerfile`, `app.containerfile` (case-insensitive).
pub fn is_dockerfile_name(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    ["dockerfile", "containerfile"].iter().any(|stem| {
        lower == *stem
            || lower
                .strip_prefix(stem)
                .is_some_and(|r| r.starts_with('.') && r.len() > 1)
            || lower
                .strip_suffix(stem)
                .is_some_and(|r| r.ends_with('.') && r.len() > 1)
    })
}

#[cfg(test)]
#[path = "check_tests.rs"]
mod tests;
