//! Whether a program path exists and can run in the image: on the base, or
//! in the scanned tree when that tree is a root file system.

use std::path::{Path, PathBuf};

use crate::base::{BaseImage, Executable};
use crate::discovery::{normalize_path, Discovery};

/// What `execve` of an absolute path meets in the image.
#[derive(Debug, Clone, Copy)]
pub enum OnImage<'b> {
    Runs,
    /// The base has it, but it cannot start there (a script whose own
    /// interpreter is missing, such as `ldd` on python3-debian13).
    NotRunnable(&'b Executable),
    Missing,
}

/// Judges an absolute path in the image. The base is asked first; then the
/// scanned roots, read as root file systems (`check rootfs/` where
/// `rootfs/usr/local/bin/python3.11` exists). Where the scanned tree lands
/// in the image is otherwise unknown, so nothing else counts as present.
pub fn judge<'b>(path: &str, base: &'b BaseImage, discovery: &Discovery) -> OnImage<'b> {
    match base.find_executable(path) {
        Some(executable) if executable.runnable => return OnImage::Runs,
        Some(executable) => return OnImage::NotRunnable(executable),
        None => {}
    }
    let relative = path.trim_start_matches('/');
    if relative.is_empty() {
        return OnImage::Missing;
    }
    let in_tree = discovery
        .roots
        .iter()
        .any(|root| tree_has(discovery, &normalize_path(&root.join(relative))));
    if in_tree {
        OnImage::Runs
    } else {
        OnImage::Missing
    }
}

/// Whether the walk saw a regular file or a link at `path`.
pub fn tree_has(discovery: &Discovery, path: &Path) -> bool {
    discovery.file(path).is_some() || symlink_target(discovery, path).is_some()
}

/// The stored target of the link the walk saw at `path`.
pub fn symlink_target<'d>(discovery: &'d Discovery, path: &Path) -> Option<&'d PathBuf> {
    discovery
        .symlinks
        .binary_search_by(|l| l.path.as_path().cmp(path))
        .ok()
        .map(|i| &discovery.symlinks[i].target)
}

/// `python3.11`, `python3`, `python`, `pypy3`: names of Python interpreters.
pub fn is_python_name(name: &str) -> bool {
    ["python", "pypy"].iter().any(|p| {
        name.strip_prefix(p)
            .is_some_and(|rest| rest.chars().all(|c| c.is_ascii_digit() || c == '.'))
    })
}

/// Shells: a script for one needs `/bin/sh` or its like.
pub fn is_shell_name(name: &str) -> bool {
    matches!(
        name,
        "sh" | "bash" | "dash" | "ash" | "zsh" | "ksh" | "mksh" | "busybox"
    )
}

/// The last component of an image path.
pub fn file_name(path: &str) -> &str {
    path.rsplit('/').next().unwrap_or(path)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn interpreter_names() {
        for name in ["python", "python3", "python3.11", "pypy3.10"] {
            assert!(is_python_name(name), "{name}");
        }
        for name in ["python-config", "pythonw", "py", "ipython3"] {
            assert!(!is_python_name(name), "{name}");
        }
        assert!(is_shell_name("bash"));
        assert!(!is_shell_name("bashful"));
    }
}
