//! What ships when a project is installed as a Python distribution and no
//! Dockerfile says otherwise: the packages `pip install` copies, not the
//! rest of the source tree.
//!
//! A project with packaging metadata (`setup.py`, `setup.cfg`, or a
//! `pyproject.toml` with `[project]` or `[build-system]`) and no image
//! Dockerfile is deployed by installing it: its `contrib/` scripts, the
//! maintainer's `update-pot.sh` at the root and the tools beside the
//! package never reach the image. What ships is each top-level directory
//! that is a package (an `__init__.py` in it, or in a directory right below
//! it, for a namespace package), everything under `src/` (the src layout),
//! and a top-level module the packaging files name. Findings elsewhere are
//! left out like test code, and counted. With an image Dockerfile, the
//! Dockerfile decides what ships instead.

use std::collections::BTreeSet;
use std::path::{Component, Path};

use super::{normal_parts, path_below, read_small_text, DiscoveredFile, Discovery, Origin};

/// Per scanned root, what `pip install` of it ships; `None` for a root
/// without packaging metadata.
#[derive(Debug, Default)]
pub struct Packaged {
    roots: Vec<Option<RootPackages>>,
}

#[derive(Debug)]
struct RootPackages {
    /// Top-level directories that ship whole.
    directories: BTreeSet<String>,
    /// The text of the packaging files, to find top-level modules named in
    /// them (`py_modules=["app"]`).
    metadata: String,
}

impl Packaged {
    pub fn of(discovery: &Discovery) -> Packaged {
        let roots = discovery
            .roots
            .iter()
            .enumerate()
            .map(|(index, root)| root_packages(discovery, index, root))
            .collect();
        Packaged { roots }
    }

    /// Whether `file`, of the application, is left out of what installing
    /// its project ships.
    pub fn left_out(&self, discovery: &Discovery, file: &DiscoveredFile) -> bool {
        if file.origin != Origin::Application {
            return false;
        }
        let Some(Some(packages)) = self.roots.get(file.root) else {
            return false;
        };
        let Some(relative) = path_below(&file.path, &discovery.roots[file.root]) else {
            return false;
        };
        match normal_parts(relative).as_slice() {
            [] => false,
            [file_name] => match file_name.strip_suffix(".py") {
                Some(stem) => !named_in(&packages.metadata, stem),
                None => true,
            },
            [top, ..] => !packages.directories.contains(*top),
        }
    }
}

fn root_packages(discovery: &Discovery, index: usize, root: &Path) -> Option<RootPackages> {
    let read = |name: &str| read_small_text(&root.join(name));
    let setup_py = read("setup.py");
    let setup_cfg = read("setup.cfg");
    let pyproject = read("pyproject.toml").filter(|text| {
        text.lines()
            .any(|l| matches!(l.trim(), "[project]" | "[build-system]"))
    });
    if setup_py.is_none() && setup_cfg.is_none() && pyproject.is_none() {
        return None;
    }
    let mut directories = BTreeSet::new();
    directories.insert("src".to_string());
    for file in discovery.files.iter().filter(|f| f.root == index) {
        let Some(relative) = path_below(&file.path, root) else {
            continue;
        };
        if relative.file_name().is_none_or(|n| n != "__init__.py") {
            continue;
        }
        let parts: Vec<_> = relative.components().collect();
        // `pkg/__init__.py`, or `namespace/pkg/__init__.py`.
        if matches!(parts.len(), 2 | 3) {
            if let Some(Component::Normal(top)) = parts.first() {
                directories.extend(top.to_str().map(str::to_string));
            }
        }
    }
    let metadata = [setup_py, setup_cfg, pyproject]
        .into_iter()
        .flatten()
        .collect::<Vec<_>>()
        .join("\n");
    Some(RootPackages {
        directories,
        metadata,
    })
}

/// Whether packaging text names the module `stem` as a quoted string or a
/// `py_modules` entry.
fn named_in(metadata: &str, stem: &str) -> bool {
    [
        format!("\"{stem}\""),
        format!("'{stem}'"),
        format!("= {stem}\n"),
    ]
    .iter()
    .any(|quoted| metadata.contains(quoted.as_str()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn modules_named_in_packaging() {
        assert!(named_in("setup(py_modules=['app'])", "app"));
        assert!(named_in(
            "[tool.setuptools]\npy-modules = [\"app\"]\n",
            "app"
        ));
        assert!(!named_in("setup(name='application')", "app"));
    }
}
