//! A virtualenv copied from a build stage whose Python is not where the
//! base has one (DL708).
//!
//! `python -m venv DIR` makes `DIR/bin/python` a symlink to the interpreter
//! that ran it, by absolute path, and `pyvenv.cfg` names that interpreter's
//! directory as `home`. Copied into another image, the venv works only if
//! that image has a Python at the same path: the official `python:3.X`
//! images keep theirs in `/usr/local/bin`, Debian's package (and the
//! distroless python images, built from it) in `/usr/bin`. With `--copies`
//! the link is a copy of the binary, which still loads its libpython and
//! standard library from the builder's prefix.
//!
//! Which interpreter made the venv is read from the command (an absolute
//! interpreter path, `-p`/`--python`), else from the stage: an official
//! `python:` image, a Debian image with `python3` installed by apt, or an
//! image a base manifest describes. Anything else (a tool that may download
//! its own Python, an image we cannot place) is not judged.

use super::NativeCheck;
use crate::base::{normalize, BaseImage};
use crate::dockerfile::check::Checker;
use crate::dockerfile::copied_from::CopiedFrom;
use crate::dockerfile::image::{ImageState, Presence};
use crate::dockerfile::source::Span;
use crate::dockerfile::stages::ImageRef;

pub const VENV_INTERPRETER_MISSING: NativeCheck = NativeCheck {
    code: "DL708",
    variants: &["link", "copies"],
    placeholders: &[
        "stage",
        "source",
        "destination",
        "interpreter",
        "evidence",
        "python-path",
        "builder",
        "package-dir",
        "lacks",
        "error",
    ],
    templates: true,
};

/// How a RUN command made a virtualenv.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(in crate::dockerfile) struct MadeVenv {
    pub interpreter: VenvPython,
    /// `--copies` / `--always-copy`: bin/python is a copy, not a link.
    pub copies: bool,
}

/// The Python a virtualenv's `bin/python` points at.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(in crate::dockerfile) enum VenvPython {
    /// Named by absolute path (`/usr/bin/python3 -m venv`, `-p /usr/bin/python3`).
    Path(String),
    /// A name the stage's PATH finds (`python3 -m venv`).
    Named(String),
    /// The tool's own choice (`virtualenv`, `uv venv`, `ENV VIRTUAL_ENV`):
    /// the stage's `python3`.
    StageDefault,
    /// A version request or a relative path: the tool may pick, or download,
    /// a Python we cannot place.
    Unknown,
}

/// Where a build stage's own Python is, and how we know.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(in crate::dockerfile) struct StagePython {
    pub dir: String,
    /// `3.11`, when known.
    pub version: Option<String>,
    /// An official `python:` image: a shared libpython under `/usr/local`.
    pub official: bool,
    /// "FROM python:3.11-slim on line 1", for messages.
    pub evidence: String,
}

impl StagePython {
    /// The interpreter `python` resolves to for a venv made by `made`.
    fn interpreter(&self, made: &VenvPython) -> Option<String> {
        match made {
            VenvPython::Path(path) => Some(path.clone()),
            VenvPython::Named(name) => Some(format!("{}/{name}", self.dir)),
            VenvPython::StageDefault => Some(match &self.version {
                Some(version) => format!("{}/python{version}", self.dir),
                None => format!("{}/python3", self.dir),
            }),
            VenvPython::Unknown => None,
        }
    }
}

/// Debian releases and the `python3` their apt installs: a `debian:` tag
/// names the release by number or code name.
const DEBIAN_PYTHON: &[(&str, &str, &str)] = &[
    ("11", "bullseye", "3.9"),
    ("12", "bookworm", "3.11"),
    ("13", "trixie", "3.13"),
];

/// The Python of a stage built `FROM image` whose RUN commands are
/// `commands`, when the image says where it is.
pub(in crate::dockerfile) fn stage_python(
    image: &ImageRef,
    line: u32,
    official_version: Option<String>,
    commands: &[String],
) -> Option<StagePython> {
    let repository = image.repository();
    let short = repository
        .strip_prefix("docker.io/")
        .or_else(|| repository.strip_prefix("index.docker.io/"))
        .unwrap_or(repository);
    let short = short.strip_prefix("library/").unwrap_or(short);
    let evidence = format!("FROM {} on line {line}", image.reference);
    if let Some(python) = crate::base::find_in(crate::dockerfile::builtin_bases(), &image.reference)
        .and_then(|b| b.python.as_ref())
    {
        let (dir, _) = python.executable.rsplit_once('/')?;
        return Some(StagePython {
            dir: dir.to_string(),
            version: minor_of(&python.version),
            official: false,
            evidence,
        });
    }
    // Docker Hub's official image, or a mirror of it (`…/library/python`);
    // another registry's `…/python` is someone else's build.
    if short == "python" || short.ends_with("/library/python") {
        return Some(StagePython {
            dir: "/usr/local/bin".to_string(),
            version: official_version,
            official: true,
            evidence,
        });
    }
    if short == "debian" {
        let release = image.tag().unwrap_or("latest");
        let release = release.split('-').next().unwrap_or(release);
        let major = release.split('.').next().unwrap_or(release);
        let (_, _, version) = DEBIAN_PYTHON
            .iter()
            .find(|(number, name, _)| major == *number || release == *name)?;
        if !commands.iter().any(|c| apt_installs_python(c)) {
            return None;
        }
        return Some(StagePython {
            dir: "/usr/bin".to_string(),
            version: Some(version.to_string()),
            official: false,
            evidence: format!("python3 from apt on {evidence}"),
        });
    }
    None
}

fn minor_of(version: &str) -> Option<String> {
    let mut parts = version.split('.');
    Some(format!("{}.{}", parts.next()?, parts.next()?))
}

/// `apt-get install … python3-venv …` (or `python3`, `python3.11-venv`, …)
/// within one command of a RUN line.
fn apt_installs_python(command: &str) -> bool {
    let separators = |c: char| matches!(c, ';' | '&' | '|' | '(' | ')' | '\n');
    command.split(separators).any(|simple| {
        let mut words = simple.split_whitespace();
        words.any(|w| matches!(w, "apt-get" | "apt"))
            && words
                .skip_while(|w| *w != "install")
                .any(|w| w.starts_with("python3"))
    })
}

/// The virtualenv made by the command whose words start at `i`, if they
/// are `python -m venv DIR`, `virtualenv DIR` or `uv venv DIR` (options
/// skipped). A relative DIR is not placed.
pub(in crate::dockerfile) fn made_venv(words: &[&str], i: usize) -> Option<(String, MadeVenv)> {
    let word = words[i];
    let (tool, rest) = if word == "venv" && i >= 2 && words[i - 1] == "-m" {
        let python = words[i - 2];
        let interpreter = if python.starts_with('/') {
            VenvPython::Path(normalize(python))
        } else if python.contains('/') {
            VenvPython::Unknown
        } else {
            VenvPython::Named(python.to_string())
        };
        (interpreter, &words[i + 1..])
    } else if word == "virtualenv" || (word == "venv" && i >= 1 && words[i - 1] == "uv") {
        (VenvPython::StageDefault, &words[i + 1..])
    } else {
        return None;
    };
    let mut interpreter = tool;
    let mut copies = false;
    let mut directory = None;
    let mut k = 0;
    while k < rest.len() {
        let w = rest[k];
        if matches!(w, "&&" | "||") {
            break;
        }
        let (option, inline) = match w.split_once('=') {
            Some((o, v)) if o.starts_with('-') => (o, Some(v)),
            _ => (w, None),
        };
        match option {
            "--copies" | "--always-copy" => copies = true,
            "-p" | "--python" => {
                let value = inline.or_else(|| {
                    k += 1;
                    rest.get(k).copied()
                });
                interpreter = match value {
                    Some(v) if v.starts_with('/') => VenvPython::Path(normalize(v)),
                    _ => VenvPython::Unknown,
                };
            }
            _ if w.starts_with('-') => {}
            _ => {
                directory = Some(w);
                break;
            }
        }
        k += 1;
    }
    let directory = directory.filter(|d| d.starts_with('/'))?;
    Some((
        normalize(directory),
        MadeVenv {
            interpreter,
            copies,
        },
    ))
}

impl<'a> Checker<'a> {
    /// DL708 for the virtualenv `source` of `copy`, made by `made` in a
    /// stage whose Python is `stage` (`label` names the stage).
    pub(in crate::dockerfile) fn venv_interpreter(
        &mut self,
        copy: &CopiedFrom,
        (source, span): (&str, Span),
        label: &str,
        made: &MadeVenv,
        stage: &StagePython,
        state: &ImageState<'a>,
    ) {
        let Some(interpreter) = stage.interpreter(&made.interpreter) else {
            return;
        };
        // A COPY of the interpreter itself (or a RUN that may have made it)
        // settles it either way; only a path nothing provides is judged.
        if state.presence(&interpreter) != Presence::Missing {
            return;
        }
        let base = self.base;
        let destination = &copy.destination;
        let mut values = vec![
            ("stage", label.to_string()),
            ("source", source.to_string()),
            ("destination", destination.clone()),
            ("interpreter", interpreter.clone()),
            ("evidence", stage.evidence.clone()),
            ("python-path", python_executable(base)),
            ("builder", builder_for(base)),
            (
                "package-dir",
                base.python
                    .as_ref()
                    .and_then(|p| p.package_dirs.first().cloned())
                    .unwrap_or_default(),
            ),
        ];
        let variant = if made.copies {
            // Only an official image's layout is known well enough to say
            // what the copied binary loads.
            let (true, Some(version)) = (stage.official, &stage.version) else {
                return;
            };
            let libpython = format!("libpython{version}.so.1.0");
            let stdlib = format!("/usr/local/lib/python{version}");
            let (lacks, error) = if base.find_system_library(&libpython).is_none() {
                (
                    format!("{libpython} and {stdlib}"),
                    format!("error while loading shared libraries: {libpython}: cannot open shared object file: No such file or directory"),
                )
            } else {
                (
                    stdlib,
                    "ModuleNotFoundError: No module named 'encodings'".to_string(),
                )
            };
            values.push(("lacks", lacks));
            values.push(("error", error));
            "copies"
        } else {
            "link"
        };
        self.push_copy_finding(&VENV_INTERPRETER_MISSING, copy, span, variant, &values);
    }
}

/// The base's interpreter, or nothing on a base without Python.
pub(in crate::dockerfile) fn python_executable(base: &BaseImage) -> String {
    base.python
        .as_ref()
        .map(|p| p.executable.clone())
        .unwrap_or_default()
}

/// An image to build the venv in whose Python is the base's, at the same
/// path: a built-in manifest with a shell and the same interpreter
/// (Chainguard's `latest-dev` for `latest`), else the Debian release a
/// distroless `…-debianN` image is made from.
pub(in crate::dockerfile) fn builder_for(base: &BaseImage) -> String {
    let Some(python) = &base.python else {
        return String::new();
    };
    let same_python = crate::dockerfile::builtin_bases().iter().find(|b| {
        b.facts.bin_sh
            && b.python
                .as_ref()
                .is_some_and(|p| p.executable == python.executable && p.version == python.version)
    });
    if let Some(image) = same_python.and_then(|b| b.images.first()) {
        return image.clone();
    }
    let release = base
        .name
        .rsplit_once("debian")
        .map(|(_, n)| n)
        .filter(|n| !n.is_empty() && n.chars().all(|c| c.is_ascii_digit()));
    match release {
        Some(release) if python.executable.starts_with("/usr/bin/") => {
            format!("debian:{release}-slim with python3-venv from apt")
        }
        _ => format!("an image that has {}", python.executable),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn made(command: &str) -> Vec<(String, MadeVenv)> {
        let words: Vec<&str> = command.split_whitespace().collect();
        (0..words.len())
            .filter_map(|i| made_venv(&words, i))
            .collect()
    }

    #[test]
    fn the_command_says_which_python_the_venv_links_to() {
        let link = |interpreter| MadeVenv {
            interpreter,
            copies: false,
        };
        assert_eq!(
            made("python3 -m venv /venv"),
            [("/venv".into(), link(VenvPython::Named("python3".into())))]
        );
        assert_eq!(
            made("/usr/bin/python3 -m venv --upgrade-deps /opt/env/"),
            [(
                "/opt/env".into(),
                link(VenvPython::Path("/usr/bin/python3".into()))
            )]
        );
        assert_eq!(
            made("python -m venv --copies /venv"),
            [(
                "/venv".into(),
                MadeVenv {
                    interpreter: VenvPython::Named("python".into()),
                    copies: true
                }
            )]
        );
        assert_eq!(
            made("virtualenv -p /usr/local/bin/python3.12 /env"),
            [(
                "/env".into(),
                link(VenvPython::Path("/usr/local/bin/python3.12".into()))
            )]
        );
        assert_eq!(
            made("uv venv --python 3.12 /uv"),
            [("/uv".into(), link(VenvPython::Unknown))]
        );
        assert_eq!(
            made("uv venv /uv"),
            [("/uv".into(), link(VenvPython::StageDefault))]
        );
        assert!(made("python -m venv .venv").is_empty());
        assert!(made("python -m venv && ls /x").is_empty());
    }

    #[test]
    fn debian_stages_have_python_only_when_apt_installs_it() {
        let image = |reference: &str| ImageRef {
            reference: reference.into(),
            written: reference.into(),
            span: Span::default(),
        };
        let apt = [
            "apt-get update && apt-get install -y --no-install-recommends python3-venv gcc"
                .to_string(),
        ];
        let python = stage_python(&image("debian:12-slim"), 1, None, &apt).unwrap();
        assert_eq!(python.dir, "/usr/bin");
        assert_eq!(python.version.as_deref(), Some("3.11"));
        assert!(!python.official);
        let trixie = stage_python(
            &image("docker.io/library/debian:trixie-slim"),
            1,
            None,
            &apt,
        );
        assert_eq!(trixie.unwrap().version.as_deref(), Some("3.13"));
        assert!(stage_python(
            &image("debian:12-slim"),
            1,
            None,
            &["apt-get install -y gcc".into()]
        )
        .is_none());
        assert!(stage_python(&image("debian:sid"), 1, None, &apt).is_none());
        assert!(stage_python(&image("node:20"), 1, None, &apt).is_none());
        let official =
            stage_python(&image("python:3.11-slim"), 1, Some("3.11".into()), &[]).unwrap();
        assert_eq!(official.dir, "/usr/local/bin");
        assert!(official.official);
        let chainguard =
            stage_python(&image("cgr.dev/chainguard/python:latest-dev"), 1, None, &[]).unwrap();
        assert_eq!(chainguard.dir, "/usr/bin");
    }
}
