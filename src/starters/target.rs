//! The image a starter's commands run in: the final stage of the
//! Dockerfile that builds the application's image, on the base it is
//! judged against (the same choice the Dockerfile checks make, see
//! [`crate::dockerfile::judged_base`]), with everything its stages copy
//! in — or, when no such Dockerfile is judged, the base manifest alone.
//! Whether a program is there is the Dockerfile checks' own question
//! ([`ImageState::presence`]), asked of that state.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use crate::base::BaseImage;
use crate::dockerfile::context::BuildContext;
use crate::dockerfile::final_image::{final_image, ImageEntrypoint};
use crate::dockerfile::image::{ContextView, ImageState};
use crate::dockerfile::{
    judged_base, locate_context, parse, CheckOptions, Dockerfile, Span, Stages,
};

/// The Dockerfile that builds the application's image, read once per check.
pub struct ImageDockerfile {
    /// Where it really is (links followed), to match compose's `build`.
    pub real: PathBuf,
    /// Below its scanned root, for the report.
    pub shown: String,
    df: Dockerfile,
    stages: Stages,
    base: BaseImage,
    context: Option<BuildContext>,
}

impl ImageDockerfile {
    /// The first of the image's Dockerfiles that is judged on a base in a
    /// check on `check_base`; `root_locations` are the scanned roots (links
    /// followed), where its build context is looked for.
    pub fn find(
        options: &CheckOptions,
        check_base: &BaseImage,
        root_locations: &[PathBuf],
    ) -> Option<ImageDockerfile> {
        options.image_dockerfiles.iter().find_map(|real| {
            let bytes = std::fs::read(real).ok()?;
            let df = parse(&bytes);
            let all = Stages::of(&df);
            let stages = match &options.target {
                Some(target) => all.clone().target(target).unwrap_or(all),
                None => all,
            };
            let base = judged_base(real, &stages, check_base, options)?.into_owned();
            let root = root_locations.iter().find(|root| real.starts_with(root));
            let context = root.and_then(|root| locate_context(real, root, &df, &stages));
            let shown = root
                .and_then(|root| real.strip_prefix(root).ok())
                .unwrap_or(real)
                .to_string_lossy()
                .into_owned();
            Some(ImageDockerfile {
                real: real.clone(),
                shown,
                df,
                stages,
                base,
                context,
            })
        })
    }
}

/// The image one starter file's commands are judged in.
#[derive(Clone)]
pub struct TargetImage<'b> {
    pub base: &'b BaseImage,
    pub state: ImageState<'b>,
    pub entrypoint: ImageEntrypoint,
    pub dockerfile: Option<&'b ImageDockerfile>,
}

impl<'b> TargetImage<'b> {
    /// The image `dockerfile` builds, or `base` alone without one.
    pub fn new(base: &'b BaseImage, dockerfile: Option<&'b ImageDockerfile>) -> Self {
        match dockerfile {
            Some(d) => {
                let view = match &d.context {
                    Some(context) => ContextView::Located(context),
                    None => ContextView::NotFound,
                };
                let image = final_image(&d.df, &d.stages, &d.base, view);
                TargetImage {
                    base: &d.base,
                    state: image.state,
                    entrypoint: image.entrypoint,
                    dockerfile: Some(d),
                }
            }
            None => TargetImage {
                base,
                state: ImageState::new(base, '\\', &BTreeMap::new()),
                entrypoint: ImageEntrypoint::Base(base.facts.entrypoint.clone()),
                dockerfile: None,
            },
        }
    }

    /// What was judged, for messages and the report.
    pub fn label(&self) -> String {
        match self.dockerfile {
            Some(d) => format!("the image `{}` builds on {}", d.shown, self.base.name),
            None => self.base.name.clone(),
        }
    }

    /// The line of the judged Dockerfile a span is on, with its file.
    pub fn dockerfile_line(&self, span: Span) -> String {
        match self.dockerfile {
            Some(d) => format!("line {} of {}", d.df.location(span).line, d.shown),
            None => "a step of the Dockerfile".to_string(),
        }
    }

    /// Whether `path` (as compose's `build` names it, links followed) is
    /// the judged Dockerfile.
    pub fn is_built_by(&self, path: &Path) -> bool {
        self.dockerfile
            .is_some_and(|d| std::fs::canonicalize(path).is_ok_and(|real| real == d.real))
    }
}
