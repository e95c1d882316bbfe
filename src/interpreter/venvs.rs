//! Virtualenvs and the interpreter each one starts.
//!
//! A virtualenv's `bin/python` is a link to the Python it was made with
//! (`python -m venv` links to it by absolute path: `/usr/local/bin/python3.12`
//! in a `python:3.12` build stage), and every console script pip installs
//! into it starts with `#!<venv>/bin/python`. Copied into an image, the venv
//! runs only if that link's end exists there. The link chain is followed
//! inside the venv; a venv made with `--copies` carries its interpreter as a
//! file, which the ELF checks judge instead. Without a `bin/python` at all,
//! `pyvenv.cfg` says which interpreter made it (`executable`, else `home`).
//!
//! Where the venv lands in the image is not known from the tree alone; a
//! script's `#!` is taken to name a scanned venv's Python when the script is
//! in that venv's `bin/`, or when the path it names is the venv's own path
//! (on this machine, or below a scanned root file system).

use std::path::{Path, PathBuf};

use super::image::{self, OnImage};
use super::text::{self, Entry};
use crate::base::BaseImage;
use crate::discovery::{normalize_path, Discovery};
use crate::finding::Location;

/// A virtualenv of the scanned tree.
#[derive(Debug)]
pub struct Venv {
    pub path: PathBuf,
    pub config: PathBuf,
    /// `version` (or virtualenv's `version_info`) of `pyvenv.cfg`, with the
    /// key it was found under.
    pub version: Option<(&'static str, Entry)>,
    pub python: VenvPython,
    /// Where this venv would be found on this machine, for matching `#!`
    /// lines written by pip on it.
    absolute: PathBuf,
    /// The venv's path below its scanned root, for a root file system.
    in_root: Option<PathBuf>,
}

/// What the venv's `bin/python` starts in the image.
#[derive(Debug)]
pub enum VenvPython {
    /// An interpreter the image runs, or one the venv carries itself.
    Fine,
    /// Nothing to judge: no `bin/python` and no interpreter in the config,
    /// or a link that leaves the venv by a relative path.
    Unknown,
    Broken(BrokenPython),
}

/// Why a venv's Python cannot start, and where that is written.
#[derive(Debug)]
pub struct BrokenPython {
    /// `link` (a `bin/python` link), `config` (`pyvenv.cfg`) or
    /// `not-runnable`.
    pub variant: &'static str,
    /// The link, or the config file.
    pub path: PathBuf,
    pub location: Option<Location>,
    /// The interpreter path the image lacks.
    pub target: String,
    /// The config key that names it (`executable`, `home`).
    pub key: String,
    /// For a target the base has but cannot run: its own `#!` interpreter.
    pub nested: String,
}

impl Venv {
    pub fn bin(&self) -> PathBuf {
        self.path.join("bin")
    }

    /// Whether `interpreter`, an absolute path in a `#!` line of `script`,
    /// is this venv's own Python.
    pub fn owns_interpreter(&self, interpreter: &str, script: &Path) -> bool {
        let named = Path::new(interpreter);
        let (Some(dir), Some(name)) = (named.parent(), named.file_name()) else {
            return false;
        };
        if dir.file_name().is_none_or(|d| d != "bin")
            || !image::is_python_name(&name.to_string_lossy())
        {
            return false;
        }
        let Some(home) = dir.parent() else {
            return false;
        };
        let in_bin = script.parent() == Some(self.bin().as_path());
        in_bin
            || home == self.absolute
            || self
                .in_root
                .as_deref()
                .is_some_and(|below| home.strip_prefix("/").is_ok_and(|h| h == below))
    }
}

/// Reads every venv discovery found and judges its Python on `base`.
pub fn survey(discovery: &Discovery, base: &BaseImage) -> Vec<Venv> {
    let cwd = std::env::current_dir().unwrap_or_default();
    discovery
        .virtualenvs
        .iter()
        .map(|venv| {
            let config = venv.path.join("pyvenv.cfg");
            let text = text::read_small(&config).unwrap_or_default();
            let first = |key: &str| text::entries(&text, key, '=').into_iter().next();
            let version = ["version", "version_info"]
                .into_iter()
                .find_map(|key| first(key).map(|entry| (key, entry)));
            let python = judge_python(&venv.path, &config, &text, discovery, base);
            let in_root = discovery
                .roots
                .iter()
                .filter_map(|root| venv.path.strip_prefix(root).ok())
                .find(|below| !below.as_os_str().is_empty())
                .map(Path::to_path_buf);
            Venv {
                absolute: normalize_path(&cwd.join(&venv.path)),
                in_root,
                path: venv.path.clone(),
                config,
                version,
                python,
            }
        })
        .collect()
}

fn judge_python(
    venv: &Path,
    config: &Path,
    config_text: &str,
    discovery: &Discovery,
    base: &BaseImage,
) -> VenvPython {
    let bin = venv.join("bin");
    let start = ["python", "python3"]
        .iter()
        .map(|name| bin.join(name))
        .find(|path| image::tree_has(discovery, path));
    match start {
        Some(start) => follow_link(&start, venv, discovery, base),
        None => judge_config(config, config_text, discovery, base),
    }
}

/// Follows `bin/python` through links inside the venv to its end.
fn follow_link(start: &Path, venv: &Path, discovery: &Discovery, base: &BaseImage) -> VenvPython {
    let mut current = start.to_path_buf();
    // Bounded like the kernel's link hops: a tree is input too.
    for _ in 0..40 {
        let Some(target) = image::symlink_target(discovery, &current) else {
            // A regular file: the venv carries its interpreter (`--copies`).
            return VenvPython::Fine;
        };
        if target.is_absolute() {
            let target = target.to_string_lossy().into_owned();
            return match image::judge(&target, base, discovery) {
                OnImage::Runs => VenvPython::Fine,
                OnImage::NotRunnable(executable) => VenvPython::Broken(BrokenPython {
                    variant: "not-runnable",
                    path: start.to_path_buf(),
                    location: None,
                    nested: executable.interpreter.clone().unwrap_or_default(),
                    target,
                    key: String::new(),
                }),
                OnImage::Missing => VenvPython::Broken(BrokenPython {
                    variant: "link",
                    path: start.to_path_buf(),
                    location: None,
                    target,
                    key: String::new(),
                    nested: String::new(),
                }),
            };
        }
        let next = normalize_path(&current.parent().unwrap_or(venv).join(target));
        if !next.starts_with(venv) {
            return VenvPython::Unknown;
        }
        current = next;
    }
    VenvPython::Unknown
}

/// Without a `bin/python`: the interpreter `pyvenv.cfg` names.
fn judge_config(config: &Path, text: &str, discovery: &Discovery, base: &BaseImage) -> VenvPython {
    let entry = |key: &str| text::entries(text, key, '=').into_iter().next();
    let (key, entry, target) = if let Some(executable) = entry("executable") {
        let target = executable.value.clone();
        ("executable", executable, target)
    } else if let Some(home) = entry("home") {
        let minor = entry("version")
            .and_then(|v| minor_version(&v.value))
            .map(|m| format!("python{m}"))
            .unwrap_or_else(|| "python3".to_string());
        let target = format!("{}/{minor}", home.value.trim_end_matches('/'));
        ("home", home, target)
    } else {
        return VenvPython::Unknown;
    };
    if !target.starts_with('/') {
        return VenvPython::Unknown;
    }
    let broken = |variant, nested: String| {
        VenvPython::Broken(BrokenPython {
            variant,
            path: config.to_path_buf(),
            location: Some(entry.location),
            target: target.clone(),
            key: key.to_string(),
            nested,
        })
    };
    match image::judge(&target, base, discovery) {
        OnImage::Runs => VenvPython::Fine,
        OnImage::NotRunnable(executable) => broken(
            "not-runnable",
            executable.interpreter.clone().unwrap_or_default(),
        ),
        OnImage::Missing => broken("config", String::new()),
    }
}

/// `3.12.4` (or `3.12.4.final.0`) → `3.12`.
pub fn minor_version(version: &str) -> Option<String> {
    let mut parts = version.trim().split('.');
    let major = parts.next().filter(|p| p.parse::<u32>().is_ok())?;
    let minor: String = parts
        .next()?
        .chars()
        .take_while(char::is_ascii_digit)
        .collect();
    (!minor.is_empty()).then(|| format!("{major}.{minor}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn minor_versions() {
        assert_eq!(minor_version("3.12.4").as_deref(), Some("3.12"));
        assert_eq!(minor_version("3.11.7.final.0").as_deref(), Some("3.11"));
        assert_eq!(minor_version("3.13rc1").as_deref(), Some("3.13"));
        assert_eq!(minor_version("three"), None);
        assert_eq!(minor_version("3"), None);
    }
}
