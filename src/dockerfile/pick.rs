//! The base a check runs on when the user names none: the one the scanned
//! Dockerfiles' final stages are built on.
//!
//! Only the Dockerfiles that build the application's image are asked:
//! those named with `--dockerfile`, else a path that is a Dockerfile, or a
//! Dockerfile directly inside a scanned directory or its `docker/`,
//! `container/` or `deploy/` (where `docker build DIR` and `docker build
//! -f docker/Dockerfile .` look) whose name does not say it is for
//! something else (`Dockerfile.dev`, `test.Dockerfile`, `Dockerfile.ci`).
//! Dockerfiles elsewhere belong to other images (an example, a vendored
//! project, a test fixture, a CI job) and do not choose the base of this
//! one. When the files disagree, or name an image no manifest describes,
//! guessing would judge the application against the wrong image, so the
//! user is asked to say which.

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

/// Directories below a scanned directory that hold the image's Dockerfile
/// by convention ("" is the directory itself).
const IMAGE_DIRS: &[&str] = &["", "docker", "container", "deploy"];

/// Words in a Dockerfile's name that say it builds some other image than
/// the one that ships: a developer's, a test runner's, a CI job's.
const OTHER_PURPOSES: &[&str] = &[
    "dev",
    "devel",
    "develop",
    "development",
    "devcontainer",
    "test",
    "tests",
    "testing",
    "ci",
    "debug",
    "local",
    "example",
    "sample",
];

/// Whether a Dockerfile's name says it is not the production image.
pub fn names_another_purpose(name: &str) -> bool {
    name.to_ascii_lowercase()
        .split(['.', '-', '_'])
        .any(|word| OTHER_PURPOSES.contains(&word))
}

/// The Dockerfiles that build the application's image: `paths` that are
/// Dockerfiles, and the Dockerfiles in the conventional places of `paths`
/// that are directories (see the module's documentation), in that order.
pub fn dockerfiles_among(paths: &[PathBuf]) -> Vec<PathBuf> {
    let is_dockerfile = |p: &Path| {
        p.file_name()
            .and_then(|n| n.to_str())
            .is_some_and(is_dockerfile_name)
    };
    let mut found = Vec::new();
    for path in paths {
        if path.is_file() && is_dockerfile(path) {
            found.push(path.clone());
        } else if path.is_dir() {
            for sub in IMAGE_DIRS {
                let dir = if sub.is_empty() {
                    path.clone()
                } else {
                    path.join(sub)
                };
                // A link inside the tree could lead out of it; the path the
                // user named is followed, like every scanned root.
                let is_dir = if sub.is_empty() {
                    dir.is_dir()
                } else {
                    std::fs::symlink_metadata(&dir).is_ok_and(|m| m.is_dir())
                };
                if !is_dir {
                    continue;
                }
                let Ok(entries) = std::fs::read_dir(&dir) else {
                    continue;
                };
                let mut inside: Vec<PathBuf> = entries
                    .filter_map(Result::ok)
                    .map(|e| e.path())
                    .filter(|p| std::fs::symlink_metadata(p).is_ok_and(|m| m.is_file()))
                    .filter(|p| is_dockerfile(p))
                    .filter(|p| {
                        !p.file_name()
                            .and_then(|n| n.to_str())
                            .is_some_and(names_another_purpose)
                    })
                    .collect();
                inside.sort();
                found.extend(inside);
            }
        }
    }
    found.dedup();
    found
}

/// A Dockerfile of the image judged on a base it is not built on: the
/// pre-migration check.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JudgedAsIf {
    pub path: PathBuf,
    /// The image the base manifest describes.
    pub target: String,
    /// The final stage's image as the file names it today.
    pub today: String,
}

/// The `files` whose final stage (the stage `target` where given) is
/// built on an image no manifest describes, and so are judged as if they
/// were built on `base`.
pub fn judged_as_if(files: &[PathBuf], target: Option<&str>, base: &BaseImage) -> Vec<JudgedAsIf> {
    let builtin = super::builtin_bases();
    let mut judged = Vec::new();
    for file in files {
        let Ok(bytes) = std::fs::read(file) else {
            continue;
        };
        let df = parse(&bytes);
        let all = Stages::of(&df);
        let stages = match target {
            Some(target) => all.clone().target(target).unwrap_or(all),
            None => all,
        };
        let today = match choose_in(&stages, std::slice::from_ref(base)) {
            BaseChoice::Known { .. } | BaseChoice::NoStage => continue,
            BaseChoice::Unknown { image } => image.reference,
            BaseChoice::Unresolved { written, .. } => written,
        };
        if choose_in(&stages, builtin).base().is_some() {
            continue;
        }
        judged.push(JudgedAsIf {
            path: file.clone(),
            target: base
                .images
                .first()
                .cloned()
                .unwrap_or_else(|| base.name.clone()),
            today,
        });
    }
    judged
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
    // The tags of one image (`:latest`, `:nonroot`) hold the same files:
    // the check's base is the same, whichever user each file runs as (each
    // Dockerfile is still judged on its own tag).
    if picks
        .iter()
        .all(|(_, p)| p.base.untagged_name() == first.base.untagged_name())
    {
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

    #[test]
    fn names_for_other_purposes() {
        for name in [
            "Dockerfile.dev",
            "dev.Dockerfile",
            "Dockerfile-test",
            "Dockerfile.ci",
            "local.dockerfile",
            "Containerfile.debug",
        ] {
            assert!(names_another_purpose(name), "{name}");
        }
        for name in [
            "Dockerfile",
            "Containerfile",
            "Dockerfile.prod",
            "app.Dockerfile",
            "Dockerfile.device",
        ] {
            assert!(!names_another_purpose(name), "{name}");
        }
    }

    #[test]
    fn the_image_dockerfiles_are_in_the_conventional_places() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        for path in [
            "Dockerfile",
            "Dockerfile.dev",
            "docker/Dockerfile",
            "deploy/prod.Dockerfile",
            "container/Containerfile",
            "examples/Dockerfile",
            "docker/dev/Dockerfile",
            ".github/Dockerfile",
        ] {
            let path = root.join(path);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, "FROM scratch\n").unwrap();
        }
        let found: Vec<String> = dockerfiles_among(&[root.to_path_buf()])
            .iter()
            .map(|p| p.strip_prefix(root).unwrap().display().to_string())
            .collect();
        assert_eq!(
            found,
            [
                "Dockerfile",
                "docker/Dockerfile",
                "container/Containerfile",
                "deploy/prod.Dockerfile"
            ]
        );
        // A file named on the command line is the user's choice.
        let named = root.join("Dockerfile.dev");
        assert_eq!(dockerfiles_among(std::slice::from_ref(&named)), [named]);
    }
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
        assert_eq!(picked.base.name, "python3-debian12:nonroot");
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
