//! The base a check runs on when the user names none: the one the scanned
//! Dockerfiles' final stages are built on.
//!
//! Only the Dockerfiles the user points at are asked: a path that is a
//! Dockerfile, or a Dockerfile directly inside a scanned directory (where
//! `docker build DIR` would look). Dockerfiles deeper in the tree belong to
//! other images (a vendored project, a test fixture) and do not choose the
//! base of this one. When the files disagree, or name an image no manifest
//! describes, guessing would judge the application against the wrong
//! image, so the user is asked to say which.

use std::path::{Path, PathBuf};

use super::stages::{choose_in, BaseChoice, Stages};
use super::{is_dockerfile_name, parse};
use crate::base::BaseImage;

/// A base picked from a Dockerfile.
#[derive(Debug, Clone)]
pub struct Picked {
    pub base: BaseImage,
    /// Where it came from, for reports: "FROM … in Dockerfile line 12".
    pub source: String,
}

/// Why no base could be picked from the Dockerfiles.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PickError {
    pub message: String,
    pub help: String,
}

/// The Dockerfiles that choose the base: `paths` that are Dockerfiles, and
/// the Dockerfiles directly inside `paths` that are directories, in name
/// order.
pub fn dockerfiles_among(paths: &[PathBuf]) -> Vec<PathBuf> {
    let mut found = Vec::new();
    for path in paths {
        let is_dockerfile = |p: &Path| {
            p.file_name()
                .and_then(|n| n.to_str())
                .is_some_and(is_dockerfile_name)
        };
        if path.is_file() && is_dockerfile(path) {
            found.push(path.clone());
        } else if path.is_dir() {
            let Ok(entries) = std::fs::read_dir(path) else {
                continue;
            };
            let mut inside: Vec<PathBuf> = entries
                .filter_map(Result::ok)
                .map(|e| e.path())
                .filter(|p| p.is_file() && is_dockerfile(p))
                .collect();
            inside.sort();
            found.extend(inside);
        }
    }
    found.dedup();
    found
}

/// The base the final stages of `files` are built on (the stage `target`
/// where given), looked up among `bases`. `Ok(None)` when there is no
/// Dockerfile (or none with a `FROM`). `shown` renders a path for messages.
pub fn base_from_dockerfiles(
    files: &[PathBuf],
    target: Option<&str>,
    bases: &[BaseImage],
    shown: &dyn Fn(&Path) -> String,
) -> Result<Option<Picked>, PickError> {
    let mut picks: Vec<(String, Picked)> = Vec::new();
    for file in files {
        // An unreadable Dockerfile is reported by the scan (DL901).
        let Ok(bytes) = std::fs::read(file) else {
            continue;
        };
        let df = parse(&bytes);
        let display = shown(file);
        let mut stages = Stages::of(&df);
        if let Some(target) = target {
            let names: Vec<String> = stages
                .stages
                .iter()
                .filter_map(|s| s.name.clone())
                .collect();
            stages = stages.target(target).ok_or_else(|| PickError {
                message: format!("--target {target}: {display} has no stage named {target}"),
                help: if names.is_empty() {
                    "its stages have no names (`FROM image AS name`)".to_string()
                } else {
                    format!("its stages are: {}", names.join(", "))
                },
            })?;
        }
        let choice = choose_in(&stages, bases);
        let described = choice.describe(&df, Path::new(&display));
        match choice {
            BaseChoice::Known { image, base } => {
                let mut source = format!(
                    "FROM {} in {display} line {}",
                    image.reference,
                    df.location(image.span).line
                );
                if image.written != image.reference {
                    source.push_str(&format!(", written `{}`", image.written));
                }
                picks.push((
                    display,
                    Picked {
                        base: base.clone(),
                        source,
                    },
                ));
            }
            BaseChoice::NoStage => {}
            BaseChoice::Unknown { .. } | BaseChoice::Unresolved { .. } => {
                return Err(PickError {
                    message: format!("cannot pick the base from {display}: {described}"),
                    help: "pass the base with --base NAME or --base-file FILE; `distrolint bases` lists the built-in ones".to_string(),
                })
            }
        }
    }
    let Some((_, first)) = picks.first() else {
        return Ok(None);
    };
    if picks.iter().all(|(_, p)| p.base.name == first.base.name) {
        let mut picked = first.clone();
        if picks.len() > 1 {
            picked.source.push_str(&format!(
                " (and {} more Dockerfiles on the same base)",
                picks.len() - 1
            ));
        }
        return Ok(Some(picked));
    }
    let listed: Vec<String> = picks
        .iter()
        .map(|(_, p)| format!("{} ({})", p.base.name, p.source))
        .collect();
    Err(PickError {
        message: format!(
            "the Dockerfiles name different bases: {}",
            listed.join("; ")
        ),
        help: "pass the base the application runs on with --base NAME (or check each Dockerfile's directory on its own)".to_string(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
        let path = dir.join(name);
        std::fs::write(&path, text).unwrap();
        path
    }

    fn pick(files: &[PathBuf], target: Option<&str>) -> Result<Option<Picked>, PickError> {
        base_from_dockerfiles(files, target, &crate::base::builtin(), &|p: &Path| {
            p.file_name().unwrap().to_string_lossy().into_owned()
        })
    }

    #[test]
    fn dockerfiles_directly_inside_a_directory_are_found_not_deeper_ones() {
        let dir = tempfile::tempdir().unwrap();
        write(dir.path(), "Dockerfile", "FROM x\n");
        write(dir.path(), "prod.Dockerfile", "FROM x\n");
        write(dir.path(), "app.py", "");
        std::fs::create_dir(dir.path().join("vendor")).unwrap();
        write(&dir.path().join("vendor"), "Dockerfile", "FROM y\n");
        let found = dockerfiles_among(&[dir.path().to_path_buf()]);
        let names: Vec<_> = found
            .iter()
            .map(|p| p.file_name().unwrap().to_string_lossy().into_owned())
            .collect();
        assert_eq!(names, ["Dockerfile", "prod.Dockerfile"]);
        let file = dir.path().join("vendor/Dockerfile");
        assert_eq!(dockerfiles_among(std::slice::from_ref(&file)), vec![file]);
    }

    #[test]
    fn agreeing_files_pick_their_base_and_say_where() {
        let dir = tempfile::tempdir().unwrap();
        let a = write(
            dir.path(),
            "Dockerfile",
            "ARG D=12\nFROM python:3.11-slim AS build\nFROM gcr.io/distroless/python3-debian${D}:nonroot\n",
        );
        let b = write(
            dir.path(),
            "Containerfile",
            "FROM gcr.io/distroless/python3-debian12\n",
        );
        let picked = pick(&[a, b], None).unwrap().unwrap();
        assert_eq!(picked.base.name, "python3-debian12");
        assert_eq!(
            picked.source,
            "FROM gcr.io/distroless/python3-debian12:nonroot in Dockerfile line 3, written `gcr.io/distroless/python3-debian${D}:nonroot` (and 1 more Dockerfiles on the same base)"
        );
    }

    #[test]
    fn disagreeing_files_and_unknown_images_are_errors() {
        let dir = tempfile::tempdir().unwrap();
        let a = write(
            dir.path(),
            "a.Dockerfile",
            "FROM gcr.io/distroless/python3-debian12\n",
        );
        let b = write(
            dir.path(),
            "b.Dockerfile",
            "FROM gcr.io/distroless/python3-debian13\n",
        );
        let error = pick(&[a.clone(), b], None).unwrap_err();
        assert!(
            error.message.contains(
                "python3-debian12 (FROM gcr.io/distroless/python3-debian12 in a.Dockerfile line 1)"
            ),
            "{error:?}"
        );
        assert!(error.message.contains("python3-debian13"), "{error:?}");
        assert!(error.help.contains("--base"));

        let c = write(
            dir.path(),
            "c.Dockerfile",
            "FROM registry.example/python:3.12\n",
        );
        let error = pick(&[a, c], None).unwrap_err();
        assert!(error.message.contains("c.Dockerfile"), "{error:?}");
        assert!(error.message.contains("bases import"), "{error:?}");
    }

    #[test]
    fn a_target_chooses_the_stage_and_must_exist() {
        let dir = tempfile::tempdir().unwrap();
        let a = write(
            dir.path(),
            "Dockerfile",
            "FROM gcr.io/distroless/python3-debian12 AS prod\nFROM python:3.12 AS dev\n",
        );
        let picked = pick(std::slice::from_ref(&a), Some("prod"))
            .unwrap()
            .unwrap();
        assert_eq!(picked.base.name, "python3-debian12");
        let error = pick(&[a], Some("test")).unwrap_err();
        assert_eq!(
            error.message,
            "--target test: Dockerfile has no stage named test"
        );
        assert_eq!(error.help, "its stages are: prod, dev");
    }

    #[test]
    fn no_dockerfile_or_no_from_picks_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let a = write(dir.path(), "Dockerfile", "# nothing yet\n");
        assert!(pick(&[a], None).unwrap().is_none());
        assert!(pick(&[], None).unwrap().is_none());
    }
}
