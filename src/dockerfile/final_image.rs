//! The finished image of a Dockerfile, for the files outside it that start
//! processes in that image (compose, Kubernetes, Procfile, … see
//! `crate::starters`): the image state after the final stage's last
//! instruction, and the ENTRYPOINT a replaced CMD is handed to.
//!
//! The stages are walked as [`super::check`] walks them (the chain of
//! stages the final one is built `FROM`, ONBUILD triggers first); a RUN
//! step counts as having run, and so possibly made files, unless its own
//! shell or program is missing, in which case the build stops there and
//! the Dockerfile's own finding says so.

use super::ast::{Args, Command, Dockerfile, Keyword};
use super::image::{ContextView, ImageState, Presence};
use super::stages::Stages;
use crate::base::BaseImage;

/// What the image runs when a starter replaces only its CMD.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ImageEntrypoint {
    /// The base's own ENTRYPOINT (the distroless python images run their
    /// interpreter), as its manifest says; empty when it sets none.
    Base(Vec<String>),
    /// The Dockerfile's exec-form ENTRYPOINT, its words expanded where
    /// they could be (`None` for a word that uses an unknown variable).
    Exec(Vec<Option<String>>),
    /// A shell-form ENTRYPOINT: it ignores any CMD.
    Shell,
}

/// The final image of a Dockerfile on `base`.
pub struct FinalImage<'b> {
    pub state: ImageState<'b>,
    pub entrypoint: ImageEntrypoint,
}

/// The image `df`'s final stage (per `stages`) builds on `base`, its
/// build context seen through `context`.
pub fn final_image<'b>(
    df: &Dockerfile,
    stages: &Stages,
    base: &'b BaseImage,
    context: ContextView<'b>,
) -> FinalImage<'b> {
    let mut state = ImageState::new(base, df.escape, &stages.global_args).with_context(context);
    let mut entrypoint = ImageEntrypoint::Base(base.facts.entrypoint.clone());
    let Some(last) = stages.final_stage() else {
        return FinalImage { state, entrypoint };
    };
    let chain = stages.chain(last.index);
    for (k, stage) in chain.iter().enumerate() {
        state.enter_stage();
        let own = stage.body.clone().filter_map(|i| df.instructions.get(i));
        let triggers = k
            .checked_sub(1)
            .map(|parent| {
                chain[parent]
                    .body
                    .clone()
                    .filter_map(|i| df.instructions.get(i))
                    .filter(|i| i.keyword == Keyword::Onbuild)
                    .map(|i| i.triggered())
                    .collect::<Vec<_>>()
            })
            .unwrap_or_default();
        let own = own.filter(|i| i.keyword != Keyword::Onbuild);
        for instruction in triggers.into_iter().chain(own) {
            match (&instruction.keyword, &instruction.args) {
                (Keyword::Run, Args::Command(command)) => {
                    let during = state.with_mounts(instruction);
                    let starts = match command {
                        Command::Shell(_) => during.shell().program.clone(),
                        Command::Exec { args, .. } => {
                            args.first().map(|w| w.text.clone()).unwrap_or_default()
                        }
                    };
                    if !matches!(
                        during.presence(&starts),
                        Presence::Missing | Presence::NotRunnable(_)
                    ) {
                        state.ran(instruction.span);
                    }
                }
                (Keyword::Entrypoint, Args::Command(Command::Exec { args, .. })) => {
                    entrypoint =
                        ImageEntrypoint::Exec(args.iter().map(|w| state.expand(w)).collect());
                }
                (Keyword::Entrypoint, Args::Command(Command::Shell(_))) => {
                    entrypoint = ImageEntrypoint::Shell;
                }
                _ => state.apply(instruction),
            }
        }
    }
    FinalImage { state, entrypoint }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dockerfile::parse_str;

    #[test]
    fn a_venv_copied_in_and_the_base_python_entrypoint_kept() {
        let base = crate::base::find("python3-debian13").unwrap();
        let df = parse_str(
            "FROM python:3.13-slim AS build\nRUN python -m venv /venv\nFROM gcr.io/distroless/python3-debian13\nCOPY --from=build /venv /venv\nENV PATH=/venv/bin:$PATH\n",
        );
        let stages = Stages::of(&df);
        let image = final_image(&df, &stages, &base, ContextView::Presumed);
        assert!(matches!(
            image.state.presence("gunicorn"),
            Presence::Copied(_)
        ));
        assert_eq!(image.state.presence("/bin/sh"), Presence::Missing);
        assert_eq!(
            image.entrypoint,
            ImageEntrypoint::Base(vec!["/usr/bin/python3.13".to_string()])
        );
        let df = parse_str(
            "FROM gcr.io/distroless/python3-debian13\nENTRYPOINT [\"/venv/bin/gunicorn\"]\n",
        );
        let image = final_image(&df, &Stages::of(&df), &base, ContextView::Presumed);
        assert_eq!(
            image.entrypoint,
            ImageEntrypoint::Exec(vec![Some("/venv/bin/gunicorn".to_string())])
        );
    }
}
