//! Build stages: which image each `FROM` names once global `ARG`s are
//! substituted, which stage builds on which, and the final stage's base.
//!
//! Only what the file says is used: an `ARG` without a default stands for a
//! `--build-arg` we cannot see, so a `FROM` that needs one is *unresolved*
//! rather than guessed. BuildKit's automatic platform arguments
//! (`TARGETARCH`, `BUILDPLATFORM`, …) are taken as linux/amd64, the
//! architecture of the built-in base manifests. The final stage is the last
//! one in the file, as for a `docker build` without `--target`;
//! [`Stages::target`] picks another.

use std::collections::BTreeMap;
use std::path::Path;

use super::ast::{Args, Dockerfile, Keyword};
use super::source::Span;
use super::words::{expand, Expanded};
use crate::base::{find_in, BaseImage};

/// An image reference from a `FROM` line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImageRef {
    /// After `ARG` substitution, as `docker build` would pull it.
    pub reference: String,
    /// As written in the `FROM` line.
    pub written: String,
    /// The image word of the `FROM` line that names it.
    pub span: Span,
}

impl ImageRef {
    /// The reference without tag and digest (`gcr.io/distroless/python3-debian12`).
    pub fn repository(&self) -> &str {
        split_reference(&self.reference).0
    }

    /// `nonroot`, `debug`, `3.12-slim`, …
    pub fn tag(&self) -> Option<&str> {
        split_reference(&self.reference).1
    }

    /// `sha256:…`.
    pub fn digest(&self) -> Option<&str> {
        split_reference(&self.reference).2
    }

    /// A distroless `:debug` / `:debug-nonroot` tag: the image plus busybox.
    pub fn is_debug(&self) -> bool {
        self.tag().is_some_and(|t| t.contains("debug"))
    }

    /// A `:nonroot` tag: the same files, run as uid 65532.
    pub fn is_nonroot(&self) -> bool {
        self.tag().is_some_and(|t| t.contains("nonroot"))
    }

    /// `FROM scratch`: the empty image.
    pub fn is_scratch(&self) -> bool {
        self.reference.eq_ignore_ascii_case("scratch")
    }
}

/// `repo[:tag][@digest]`; a colon inside a registry's `host:port` is not a tag.
fn split_reference(reference: &str) -> (&str, Option<&str>, Option<&str>) {
    let (name, digest) = match reference.split_once('@') {
        Some((n, d)) => (n, Some(d)),
        None => (reference, None),
    };
    match name.rfind(':') {
        Some(pos) if !name[pos + 1..].contains('/') => {
            (&name[..pos], Some(&name[pos + 1..]), digest)
        }
        _ => (name, None, digest),
    }
}

/// What a stage is built on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StageBase {
    Image(ImageRef),
    /// An earlier stage, by index.
    Stage {
        index: usize,
        span: Span,
    },
    /// A `FROM` whose image depends on what the file does not say.
    Unresolved {
        written: String,
        span: Span,
        /// Build arguments it uses that have no default.
        missing: Vec<String>,
        /// A substitution this tool does not evaluate (`${A%%-*}`).
        unsupported: Option<String>,
    },
}

impl StageBase {
    /// The image word of the `FROM` line.
    pub fn span(&self) -> Span {
        match self {
            StageBase::Image(image) => image.span,
            StageBase::Stage { span, .. } | StageBase::Unresolved { span, .. } => *span,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stage {
    pub index: usize,
    /// The `AS` name, lower-cased as BuildKit compares it.
    pub name: Option<String>,
    /// Index of the `FROM` instruction in [`Dockerfile::instructions`].
    pub from: usize,
    /// The instructions after the `FROM`, up to the next one.
    pub body: std::ops::Range<usize>,
    pub base: StageBase,
}

impl Stage {
    /// The name, or `stage-N` as BuildKit calls an unnamed stage.
    pub fn label(&self) -> String {
        match &self.name {
            Some(name) => name.clone(),
            None => format!("stage-{}", self.index),
        }
    }
}

/// The stages of a Dockerfile, in order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stages {
    pub stages: Vec<Stage>,
    /// `ARG`s before the first `FROM`, with their (substituted) defaults.
    pub global_args: BTreeMap<String, Option<String>>,
    /// Which stage `docker build` produces: the last, unless [`Stages::target`]
    /// chose another.
    pub target: Option<usize>,
}

/// BuildKit's automatic platform arguments, for linux/amd64.
fn platform_arg(name: &str) -> Option<&'static str> {
    Some(match name {
        "TARGETPLATFORM" | "BUILDPLATFORM" => "linux/amd64",
        "TARGETOS" | "BUILDOS" => "linux",
        "TARGETARCH" | "BUILDARCH" => "amd64",
        "TARGETVARIANT" | "BUILDVARIANT" => "",
        _ => return None,
    })
}

impl Stages {
    pub fn of(df: &Dockerfile) -> Stages {
        let mut global_args: BTreeMap<String, Option<String>> = BTreeMap::new();
        let mut stages: Vec<Stage> = Vec::new();
        for (i, instruction) in df.instructions.iter().enumerate() {
            match (&instruction.keyword, &instruction.args) {
                (Keyword::Arg, Args::Pairs(pairs)) if stages.is_empty() => {
                    for pair in pairs {
                        let value = pair.value.as_ref().map(|v| {
                            let e = expand(&v.text, df.escape, &|n| global_value(&global_args, n));
                            e.value
                        });
                        let value =
                            value.or_else(|| platform_arg(&pair.key.text).map(str::to_string));
                        global_args.insert(pair.key.text.clone(), value);
                    }
                }
                (Keyword::From, args) => {
                    if let Some(last) = stages.last_mut() {
                        last.body.end = i;
                    }
                    let (base, name) = match args {
                        Args::From { image, alias } => {
                            let expanded =
                                expand(&image.text, df.escape, &|n| global_value(&global_args, n));
                            let base =
                                stage_base(&stages, image.text.clone(), image.span, expanded);
                            (base, alias.as_ref().map(|a| a.text.to_ascii_lowercase()))
                        }
                        _ => (
                            StageBase::Unresolved {
                                written: String::new(),
                                span: instruction.name.span,
                                missing: Vec::new(),
                                unsupported: Some("a FROM without an image".to_string()),
                            },
                            None,
                        ),
                    };
                    stages.push(Stage {
                        index: stages.len(),
                        name,
                        from: i,
                        body: i + 1..df.instructions.len(),
                        base,
                    });
                }
                _ => {}
            }
        }
        Stages {
            stages,
            global_args,
            target: None,
        }
    }

    /// Builds `name` instead of the last stage (`docker build --target`);
    /// `None` when no stage has that name.
    pub fn target(mut self, name: &str) -> Option<Stages> {
        let index = self.named(name)?.index;
        self.target = Some(index);
        Some(self)
    }

    pub fn named(&self, name: &str) -> Option<&Stage> {
        let name = name.to_ascii_lowercase();
        self.stages
            .iter()
            .find(|s| s.name.as_deref() == Some(name.as_str()))
    }

    /// The stage `docker build` produces.
    pub fn final_stage(&self) -> Option<&Stage> {
        match self.target {
            Some(i) => self.stages.get(i),
            None => self.stages.last(),
        }
    }

    /// The stages an image is built through, from the one on an external
    /// image (or an unresolved one) to `index` itself.
    pub fn chain(&self, index: usize) -> Vec<&Stage> {
        let mut chain = Vec::new();
        let mut current = self.stages.get(index);
        while let Some(stage) = current {
            chain.push(stage);
            current = match &stage.base {
                // Only earlier stages can be named, so this ends.
                StageBase::Stage { index, .. } if *index < stage.index => self.stages.get(*index),
                _ => None,
            };
        }
        chain.reverse();
        chain
    }

    /// What the chain of `index` finally stands on: an image or an
    /// unresolved `FROM`.
    pub fn root_base(&self, index: usize) -> Option<&StageBase> {
        self.chain(index).first().map(|s| &s.base)
    }
}

fn global_value(args: &BTreeMap<String, Option<String>>, name: &str) -> Option<String> {
    match args.get(name) {
        Some(value) => value.clone(),
        None => platform_arg(name).map(str::to_string),
    }
}

fn stage_base(stages: &[Stage], written: String, span: Span, expanded: Expanded) -> StageBase {
    if !expanded.is_exact() || expanded.value.is_empty() {
        return StageBase::Unresolved {
            written,
            span,
            missing: expanded.unset,
            unsupported: expanded.unsupported,
        };
    }
    let lower = expanded.value.to_ascii_lowercase();
    if let Some(stage) = stages
        .iter()
        .find(|s| s.name.as_deref() == Some(lower.as_str()))
    {
        return StageBase::Stage {
            index: stage.index,
            span,
        };
    }
    StageBase::Image(ImageRef {
        reference: expanded.value,
        written,
        span,
    })
}

/// The final stage's external image, following stage names back
/// (`FROM builder` → what `builder` is `FROM`). `None` when the file has no
/// stage or the image depends on build arguments without defaults.
pub fn final_base(df: &Dockerfile) -> Option<ImageRef> {
    let stages = Stages::of(df);
    let last = stages.final_stage()?;
    match stages.root_base(last.index)? {
        StageBase::Image(image) => Some(image.clone()),
        _ => None,
    }
}

/// Which base the Dockerfile's final stage runs on.
#[derive(Debug, Clone, PartialEq)]
pub enum BaseChoice<'a> {
    /// A built-in (or given) manifest describes the image.
    Known {
        image: ImageRef,
        base: &'a BaseImage,
    },
    /// No manifest describes the image.
    Unknown { image: ImageRef },
    /// The `FROM` depends on build arguments without defaults.
    Unresolved {
        written: String,
        span: Span,
        missing: Vec<String>,
        unsupported: Option<String>,
    },
    /// The file has no `FROM`.
    NoStage,
}

/// Looks the final stage's image up among `bases`
/// ([`crate::base::builtin`], or those plus a `--base-file`).
pub fn choose_base<'a>(df: &Dockerfile, bases: &'a [BaseImage]) -> BaseChoice<'a> {
    choose_in(&Stages::of(df), bases)
}

/// [`choose_base`] for stages already computed (e.g. with a target).
pub fn choose_in<'a>(stages: &Stages, bases: &'a [BaseImage]) -> BaseChoice<'a> {
    let Some(root) = stages
        .final_stage()
        .and_then(|last| stages.root_base(last.index))
    else {
        return BaseChoice::NoStage;
    };
    match root {
        StageBase::Image(image) => match lookup(bases, &image.reference) {
            Some(base) => BaseChoice::Known {
                image: image.clone(),
                base,
            },
            None => BaseChoice::Unknown {
                image: image.clone(),
            },
        },
        StageBase::Unresolved {
            written,
            span,
            missing,
            unsupported,
        } => BaseChoice::Unresolved {
            written: written.clone(),
            span: *span,
            missing: missing.clone(),
            unsupported: unsupported.clone(),
        },
        // `chain` always ends on a non-stage base; this is unreachable but
        // harmless.
        StageBase::Stage { .. } => BaseChoice::NoStage,
    }
}

/// [`find_in`], also trying Docker Hub's spellings of the same image
/// (`python:3.12` = `docker.io/library/python:3.12`).
fn lookup<'a>(bases: &'a [BaseImage], reference: &str) -> Option<&'a BaseImage> {
    if let Some(base) = find_in(bases, reference) {
        return Some(base);
    }
    let short = reference
        .strip_prefix("docker.io/")
        .or_else(|| reference.strip_prefix("index.docker.io/"))
        .map(|r| r.strip_prefix("library/").unwrap_or(r));
    let alternatives = match short {
        Some(short) => vec![short.to_string()],
        None if !reference
            .split('/')
            .next()
            .is_some_and(|first| first.contains(['.', ':']) || first == "localhost") =>
        {
            let full = if reference.contains('/') {
                format!("docker.io/{reference}")
            } else {
                format!("docker.io/library/{reference}")
            };
            vec![full]
        }
        None => Vec::new(),
    };
    alternatives.iter().find_map(|r| find_in(bases, r))
}

impl<'a> BaseChoice<'a> {
    /// The manifest picked, if any.
    pub fn base(&self) -> Option<&'a BaseImage> {
        match self {
            BaseChoice::Known { base, .. } => Some(base),
            _ => None,
        }
    }

    /// One paragraph for the user: which manifest was picked from which
    /// line, or why none was and what to do.
    pub fn describe(&self, df: &Dockerfile, path: &Path) -> String {
        let at = |span: Span| format!("{}:{}", path.display(), df.location(span).line);
        match self {
            BaseChoice::Known { image, base } => {
                let mut text = format!(
                    "base {} picked from the final stage's FROM {} ({})",
                    base.display_name(),
                    image.reference,
                    at(image.span)
                );
                if image.written != image.reference {
                    text.push_str(&format!(", written `{}`", image.written));
                }
                if image.is_nonroot() {
                    text.push_str("; the :nonroot tag has the same files and runs as uid 65532");
                }
                if image.digest().is_some() {
                    text.push_str("; the digest is not checked against the manifest");
                }
                text
            }
            BaseChoice::Unknown { image } => {
                let mut text = format!(
                    "the final stage's image {} ({}) is not one distrolint knows",
                    image.reference,
                    at(image.span)
                );
                if image.is_scratch() {
                    text.push_str(" (scratch is the empty image: nothing is there but what the stage copies in)");
                } else if image.is_debug() {
                    text.push_str(" (a :debug tag adds busybox, with a shell at /busybox/sh, so it is not the same image as its plain tag)");
                }
                text.push_str(&format!(
                    "; `distrolint bases` lists the built-in ones. Describe it with `docker export $(docker create {r}) > rootfs.tar` and `distrolint bases import rootfs.tar --name NAME --image {r} -o NAME.toml`, then pass --base-file NAME.toml, or name a built-in base with --base",
                    // The reference is the Dockerfile's text, and the user
                    // is invited to paste this command into a shell.
                    r = shell_quoted(&image.reference)
                ));
                text
            }
            BaseChoice::Unresolved {
                written,
                span,
                missing,
                unsupported,
            } => {
                let why = match (missing.is_empty(), unsupported) {
                    (false, _) => format!(
                        "uses build arguments without a default ({})",
                        missing.join(", ")
                    ),
                    (true, Some(what)) => {
                        format!("uses {what}, which distrolint does not evaluate")
                    }
                    (true, None) => "names no image".to_string(),
                };
                format!(
                    "the final stage's FROM {written} ({}) {why}, so its image is not known; pass the base with --base",
                    at(*span)
                )
            }
            BaseChoice::NoStage => format!(
                "{} has no FROM, so it names no base; pass one with --base",
                path.display()
            ),
        }
    }
}

/// `text` as one shell word: single-quoted, with its own `'` spelled `'\''`.
fn shell_quoted(text: &str) -> String {
    format!("'{}'", text.replace('\'', "'\\''"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dockerfile::parse_str;

    fn base(text: &str) -> Option<String> {
        final_base(&parse_str(text)).map(|i| i.reference)
    }

    #[test]
    fn the_last_stage_is_final_and_stage_names_are_followed() {
        let text = "FROM python:3.12-slim AS build\nRUN pip wheel .\nFROM gcr.io/distroless/python3-debian12:nonroot AS runtime\nFROM Runtime\nCMD [\"app.py\"]\n";
        let df = parse_str(text);
        let stages = Stages::of(&df);
        assert_eq!(stages.stages.len(), 3);
        assert_eq!(
            stages.stages[2].base,
            StageBase::Stage {
                index: 1,
                span: stages.stages[2].base.span()
            }
        );
        assert_eq!(
            stages.chain(2).iter().map(|s| s.index).collect::<Vec<_>>(),
            vec![1, 2]
        );
        assert_eq!(stages.stages[0].body, 1..2);
        assert_eq!(stages.stages[2].body, 4..5);
        let image = final_base(&df).unwrap();
        assert_eq!(
            image.reference,
            "gcr.io/distroless/python3-debian12:nonroot"
        );
        assert_eq!(image.repository(), "gcr.io/distroless/python3-debian12");
        assert_eq!(image.tag(), Some("nonroot"));
        assert!(image.is_nonroot() && !image.is_debug());
        assert_eq!(df.location(image.span).line, 3);
    }

    #[test]
    fn global_args_are_substituted_in_from() {
        assert_eq!(
            base("ARG DEBIAN=12\nARG IMAGE=gcr.io/distroless/python3-debian${DEBIAN}\nFROM ${IMAGE}:nonroot\n").as_deref(),
            Some("gcr.io/distroless/python3-debian12:nonroot")
        );
        assert_eq!(
            base("ARG V\nFROM gcr.io/distroless/python3-${V:-debian13}\n").as_deref(),
            Some("gcr.io/distroless/python3-debian13")
        );
        assert_eq!(
            base("ARG R=\"gcr.io/distroless\"\nFROM $R/cc-debian12:latest-$TARGETARCH\n")
                .as_deref(),
            Some("gcr.io/distroless/cc-debian12:latest-amd64")
        );
        // An ARG inside a stage does not reach the next FROM.
        assert_eq!(
            base("FROM a\nARG X=b\nFROM ${X:-c}\n").as_deref(),
            Some("c")
        );
    }

    #[test]
    fn an_arg_without_default_leaves_the_base_unresolved() {
        let df = parse_str("ARG BASE\nFROM ${BASE}\n");
        assert_eq!(final_base(&df), None);
        match choose_base(&df, &[]) {
            BaseChoice::Unresolved { missing, .. } => assert_eq!(missing, vec!["BASE".to_string()]),
            other => panic!("{other:?}"),
        }
        let described = choose_base(&df, &[]).describe(&df, Path::new("Dockerfile"));
        assert!(
            described.contains("without a default (BASE)"),
            "{described}"
        );
        assert!(described.contains("Dockerfile:2"), "{described}");
    }

    #[test]
    fn digests_and_registry_ports() {
        let df = parse_str("FROM localhost:5000/distroless/python3@sha256:abc AS x\n");
        let image = final_base(&df).unwrap();
        assert_eq!(image.repository(), "localhost:5000/distroless/python3");
        assert_eq!(image.tag(), None);
        assert_eq!(image.digest(), Some("sha256:abc"));
    }

    #[test]
    fn a_target_picks_another_stage() {
        let df =
            parse_str("FROM gcr.io/distroless/python3-debian12 AS prod\nFROM python:3.12 AS dev\n");
        let stages = Stages::of(&df).target("PROD").unwrap();
        assert_eq!(stages.final_stage().map(|s| s.index), Some(0));
        assert!(Stages::of(&df).target("nope").is_none());
    }

    #[test]
    fn builtin_bases_are_chosen_by_reference() {
        let bases = crate::base::builtin();
        let pick = |text: &str| {
            let df = parse_str(text);
            match choose_base(&df, &bases) {
                BaseChoice::Known { base, .. } => Some(base.name.clone()),
                _ => None,
            }
        };
        assert_eq!(
            pick("FROM gcr.io/distroless/python3-debian12:nonroot\n").as_deref(),
            Some("python3-debian12:nonroot")
        );
        assert_eq!(
            pick("FROM gcr.io/distroless/python3-debian13@sha256:0123\n").as_deref(),
            Some("python3-debian13")
        );
        assert_eq!(
            pick("FROM gcr.io/distroless/python3-debian13:debug\n"),
            None
        );
        assert_eq!(pick("FROM python:3.12-slim\n"), None);

        let df = parse_str("FROM gcr.io/distroless/python3-debian13:debug\n");
        let text = choose_base(&df, &bases).describe(&df, Path::new("Dockerfile"));
        assert!(text.contains("bases import"), "{text}");
        assert!(text.contains("busybox"), "{text}");
        let df = parse_str("FROM gcr.io/distroless/python3-debian13:nonroot\n");
        let text = choose_base(&df, &bases).describe(&df, Path::new("app/Dockerfile"));
        assert!(text.starts_with("base python3-debian13"), "{text}");
        assert!(text.contains("app/Dockerfile:1"), "{text}");
    }

    #[test]
    fn docker_hub_spellings_match() {
        let bases = crate::base::builtin();
        let mut imported = bases[0].clone();
        imported.name = "hub-python".into();
        imported.images = vec!["python:3.12-slim".into()];
        let bases = vec![imported];
        let df = parse_str("FROM docker.io/library/python:3.12-slim\n");
        assert!(matches!(choose_base(&df, &bases), BaseChoice::Known { .. }));
    }

    #[test]
    fn no_from_is_no_stage() {
        let df = parse_str("ARG A=1\n");
        assert_eq!(choose_base(&df, &[]), BaseChoice::NoStage);
    }
}
