//! Discovery: walk the paths the user named and decide, for every file, what
//! it is and who it belongs to.
//!
//! The walk never follows a symlink (links are recorded, so the ELF resolver
//! can follow the ones that stay inside a root) and never descends into
//! `__pycache__`, `.git` or `node_modules`. FIFOs, sockets and devices are
//! skipped without being opened, because opening a FIFO blocks. A directory
//! that cannot be read is one diagnostic and the walk goes on.
//!
//! Installed packages are recognised by their layout rather than by any
//! configuration: a `site-packages` or `dist-packages` directory, a directory
//! holding `*.dist-info` (what `pip install -t DIR` makes), and a virtualenv
//! (a `pyvenv.cfg` beside `lib/pythonX.Y/site-packages`). Everything else is
//! the application's own code.
//!
//! A `pip install -t DIR` target is often the project itself (`pip install
//! -r requirements.txt -t .`, then `COPY` the directory into the image): its
//! files that no distribution claims are the application's, not a nameless
//! dependency's. In `site-packages` they are a package's, installed by some
//! other means.

mod distributions;
pub mod packaged;
mod test_code;
mod walk;

use std::collections::{HashMap, HashSet};
use std::os::unix::ffi::OsStrExt;
use std::path::{Component, Path, PathBuf};
use std::sync::Arc;

use rayon::prelude::*;

use crate::finding::{Distribution, Family, Finding, Severity};
pub use distributions::{normalized_distribution_name, DistributionInfo, Distributions};

/// A symbolic link inside a scanned root, kept so that the resolver can
/// follow `libfoo.so.1 -> libfoo.so.1.2.3` without touching the disk again.
#[derive(Debug, Clone)]
pub struct TreeSymlink {
    pub path: PathBuf,
    /// The link's target exactly as stored in the link.
    pub target: PathBuf,
    pub root: usize,
}

/// Directory names that never hold anything a check needs.
const SKIPPED_DIRS: &[&str] = &["__pycache__", ".git", "node_modules"];

/// Whether a file is the application's or an installed package's.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Origin {
    Application,
    /// Inside a package tree (`site-packages`, `dist-packages`, `pip -t`).
    Package,
}

#[derive(Debug, Clone)]
pub struct DiscoveredFile {
    pub path: PathBuf,
    /// Index into `Discovery::roots`.
    pub root: usize,
    pub origin: Origin,
    /// The package tree the file is in, when it is in one: an index into
    /// `Discovery::package_trees` (see [`Discovery::package_tree_of`]).
    pub package_tree: Option<usize>,
    pub distribution: Option<usize>,
    /// Test code by the runners' conventions (see `test_code`): analysed,
    /// but left out of the report unless asked for.
    pub test_code: bool,
    /// The application's build, documentation, CI or example tooling
    /// (`test_code::is_tooling`): left out like test code.
    pub tooling: bool,
}

/// A virtualenv found during the walk.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VirtualEnv {
    pub path: PathBuf,
    /// The `version` (or `version_info`) key of `pyvenv.cfg`.
    pub python_version: Option<String>,
}

#[derive(Debug, Default)]
pub struct Discovery {
    pub roots: Vec<PathBuf>,
    /// Each root's absolute location, its links followed (the user named
    /// them), so that every spelling of one root means the same place.
    pub root_locations: Vec<PathBuf>,
    /// Regular files, sorted by path.
    pub files: Vec<DiscoveredFile>,
    pub symlinks: Vec<TreeSymlink>,
    pub package_trees: Vec<PathBuf>,
    pub virtualenvs: Vec<VirtualEnv>,
    pub distributions: Distributions,
    /// Files and directories that could not be read.
    pub problems: Vec<Finding>,
    /// Entries passed over: FIFOs, sockets, devices.
    pub skipped_special: usize,
}

impl Discovery {
    /// Who owns a file: the distribution whose metadata claims it, or, for a
    /// file in `site-packages` that no metadata claims, a distribution named
    /// after its top-level directory with an unknown version — never the
    /// application, which would put a dependency's finding under "your code".
    pub fn distribution_of(&self, file: &DiscoveredFile) -> Option<Distribution> {
        if let Some(index) = file.distribution {
            return Some(self.distributions.get(index).distribution.clone());
        }
        if file.origin == Origin::Application {
            return None;
        }
        let tree = self.package_tree_of(file)?;
        let relative = file.path.strip_prefix(tree).ok()?;
        let first = relative.components().next()?.as_os_str().to_string_lossy();
        let name = first
            .split('.')
            .next()
            .filter(|n| !n.is_empty())
            .unwrap_or(&first)
            .to_string();
        Some(Distribution {
            name,
            version: "unknown".to_string(),
        })
    }

    /// The walked file at `path`, found in the sorted list.
    pub fn file(&self, path: &Path) -> Option<&DiscoveredFile> {
        self.files
            .binary_search_by(|f| f.path.as_path().cmp(path))
            .ok()
            .map(|i| &self.files[i])
    }

    /// The package tree `file` is in, when it is in one.
    pub fn package_tree_of(&self, file: &DiscoveredFile) -> Option<&Path> {
        file.package_tree
            .and_then(|index| self.package_trees.get(index))
            .map(PathBuf::as_path)
    }

    /// The origin of a path the walk did not list as a file (a directory, a
    /// link such as a venv's `bin/python`): a package's when a distribution
    /// owns it or it lies in a package tree or a virtualenv.
    pub fn origin_outside_walk(&self, path: &Path, owned: bool) -> Origin {
        let installed = owned
            || self
                .package_trees
                .iter()
                .chain(self.virtualenvs.iter().map(|v| &v.path))
                .any(|dir| path.starts_with(dir));
        if installed {
            Origin::Package
        } else {
            Origin::Application
        }
    }

    /// The dotted module name of a Python file, for relative imports: its
    /// path below its package tree, or below the scanned root for the
    /// application. `None` when a component is not an identifier.
    pub fn module_path(&self, file: &DiscoveredFile) -> Option<String> {
        let base = self
            .package_tree_of(file)
            .or_else(|| self.roots.get(file.root).map(PathBuf::as_path))?;
        let relative = path_below(&file.path, base)?;
        let mut parts: Vec<String> = relative
            .components()
            .map(|c| c.as_os_str().to_string_lossy().into_owned())
            .collect();
        let last = parts.pop()?;
        let stem = last.strip_suffix(".py")?;
        if stem != "__init__" {
            parts.push(stem.to_string());
        }
        let identifier = |p: &String| {
            !p.is_empty()
                && !p.starts_with(|c: char| c.is_ascii_digit())
                && p.chars().all(|c| c == '_' || c.is_alphanumeric())
        };
        (!parts.is_empty() && parts.iter().all(identifier)).then(|| parts.join("."))
    }
}

/// Removes `.` components and folds `..` lexically, so that the same file
/// reached through two spellings has one path. Symlinked directories are not
/// walked into, which is what makes the lexical fold safe here.
pub fn normalize_path(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for component in path.components() {
        match component {
            Component::CurDir => {}
            Component::ParentDir => match out.components().next_back() {
                Some(Component::Normal(_)) => {
                    out.pop();
                }
                // `..` at the root stays at the root, as the kernel does.
                Some(Component::RootDir | Component::Prefix(_)) => {}
                _ => out.push(".."),
            },
            other => out.push(other.as_os_str()),
        }
    }
    if out.as_os_str().is_empty() {
        out.push(".");
    }
    out
}

/// A path the walk could not read (DL901): an error, so that the default
/// gate fails closed on what it could not check.
fn problem(path: &Path, code: &str, message: String, help: &str) -> Finding {
    Finding::new(code, Severity::Error, Family::Scan, path, message, help)
}

/// A predicate over paths as discovered; `true` leaves the path out.
pub type ExcludeFn = Arc<dyn Fn(&Path) -> bool + Send + Sync>;

/// What the configuration says about the walk.
#[derive(Clone, Default)]
pub struct DiscoveryOptions {
    /// Paths left out of the walk entirely (`exclude`): not read, not
    /// analysed, and not available to the loader simulation either.
    pub exclude: Option<ExcludeFn>,
    /// First-party paths (`app`), absolute: files below them are the
    /// application's even inside a package tree (an editable install, a
    /// vendored copy of the team's own package).
    pub app: Vec<PathBuf>,
}

impl std::fmt::Debug for DiscoveryOptions {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DiscoveryOptions")
            .field("exclude", &self.exclude.is_some())
            .field("app", &self.app)
            .finish()
    }
}

/// Whether package tree `dir` is a `pip install -t` target rather than an
/// interpreter's own package directory (`site-packages`, `dist-packages`,
/// or `lib/python` of `pip install --home`).
pub fn is_pip_target(dir: &Path) -> bool {
    let name = |p: &Path| p.file_name().and_then(|n| n.to_str()).map(str::to_owned);
    match name(dir).as_deref() {
        Some("site-packages") | Some("dist-packages") => false,
        Some("python") => dir.parent().and_then(name).as_deref() != Some("lib"),
        _ => true,
    }
}

/// `path` below `base`, both as discovery spells them. A root given as `.`
/// is `.` here, and the paths below it have no `./` to strip.
pub(crate) fn path_below<'p>(path: &'p Path, base: &Path) -> Option<&'p Path> {
    if base == Path::new(".") {
        return Some(path).filter(|p| p.is_relative() && !p.starts_with(".."));
    }
    path.strip_prefix(base).ok()
}

/// The names of a relative path's parts (`.` and `..` dropped), as text.
pub(crate) fn normal_parts(relative: &Path) -> Vec<&str> {
    relative
        .components()
        .filter_map(|c| match c {
            Component::Normal(name) => name.to_str(),
            _ => None,
        })
        .collect()
}

/// Larger small files of the tree (`.dockerignore`, `requirements.txt`,
/// `setup.py`) are not read: nobody writes one that long, and a tree should
/// not make the scan read a huge file.
const MAX_SMALL_TEXT: u64 = 1024 * 1024;

/// The text of a small file of the scanned tree, invalid UTF-8 replaced:
/// a regular file, not a link (which could lead out of the tree) nor a
/// device, of at most a mebibyte.
pub(crate) fn read_small_text(path: &Path) -> Option<String> {
    let meta = std::fs::symlink_metadata(path).ok()?;
    if !meta.is_file() || meta.len() > MAX_SMALL_TEXT {
        return None;
    }
    let bytes = std::fs::read(path).ok()?;
    Some(String::from_utf8_lossy(&bytes).into_owned())
}

/// Where `root` is: canonical when it exists, else absolute and folded.
fn location_of(root: &Path) -> PathBuf {
    std::fs::canonicalize(root).unwrap_or_else(|_| {
        let cwd = std::env::current_dir().unwrap_or_default();
        normalize_path(&cwd.join(root))
    })
}

/// Walks every root with no configuration.
pub fn discover(roots: &[PathBuf]) -> Discovery {
    discover_with(roots, &DiscoveryOptions::default())
}

/// Walks every root. Roots that do not exist are reported as problems, not
/// errors, so that one typo does not hide the findings of the other paths;
/// the caller decides whether an empty scan is an error.
pub fn discover_with(roots: &[PathBuf], options: &DiscoveryOptions) -> Discovery {
    let mut discovery = Discovery {
        roots: roots.iter().map(|r| normalize_path(r)).collect(),
        root_locations: roots.iter().map(|r| location_of(r)).collect(),
        ..Default::default()
    };
    let mut regular: Vec<(PathBuf, usize)> = Vec::new();
    let mut dirs_with_dist_info: HashSet<PathBuf> = HashSet::new();
    let mut dist_info_dirs: Vec<PathBuf> = Vec::new();
    let mut egg_infos: Vec<PathBuf> = Vec::new();
    let mut pyvenv_cfgs: Vec<PathBuf> = Vec::new();
    let mut seen_dirs: HashSet<PathBuf> = HashSet::new();

    let exclude = options.exclude.clone();
    let skip: walk::SkipFn = Arc::new(move |path: &Path, kind: walk::Kind| {
        let skipped_dir = kind == walk::Kind::Dir
            && path
                .file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| SKIPPED_DIRS.contains(&n));
        skipped_dir || exclude.as_ref().is_some_and(|ex| ex(path))
    });
    for (root_index, root) in discovery.roots.clone().iter().enumerate() {
        for walked in walk::walk(root, rayon::current_num_threads(), skip.clone()) {
            let (raw, kind) = match walked {
                walk::Walked::Entry { path, kind } => (path, kind),
                walk::Walked::Error { path, detail } => {
                    discovery.problems.push(problem(
                        &path,
                        "DL901",
                        format!("cannot read {}: {detail}", path.display()),
                        "fix the permissions or exclude the path; the rest of the scan went on",
                    ));
                    continue;
                }
            };
            let path = normalize_path(&raw);
            let name = path
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            match kind {
                walk::Kind::Symlink => match std::fs::read_link(&raw) {
                    Ok(target) => discovery.symlinks.push(TreeSymlink {
                        path,
                        target,
                        root: root_index,
                    }),
                    Err(err) => discovery.problems.push(problem(
                        &path,
                        "DL901",
                        format!("cannot read the link {}: {err}", path.display()),
                        "fix the permissions or exclude the path; the rest of the scan went on",
                    )),
                },
                walk::Kind::Dir => {
                    // Two roots can overlap (`check . ./venv`); walk each
                    // directory's files once.
                    if !seen_dirs.insert(path.clone()) {
                        continue;
                    }
                    if name.ends_with(".dist-info") {
                        if let Some(parent) = path.parent() {
                            dirs_with_dist_info.insert(parent.to_path_buf());
                        }
                        dist_info_dirs.push(path);
                    } else if name.ends_with(".egg-info") {
                        egg_infos.push(path);
                    }
                }
                walk::Kind::File => {
                    if name == "pyvenv.cfg" {
                        pyvenv_cfgs.push(path.clone());
                    } else if name.ends_with(".egg-info") {
                        egg_infos.push(path.clone());
                    }
                    regular.push((path, root_index));
                }
                walk::Kind::Special => discovery.skipped_special += 1,
            }
        }
    }

    regular.sort();
    regular.dedup_by(|a, b| a.0 == b.0);

    // Package trees: by name, or by holding a *.dist-info directory. The
    // files are sorted, so the files of one directory are neighbours and
    // its ancestors are looked at once.
    let mut package_trees: HashSet<PathBuf> = dirs_with_dist_info;
    let mut previous_parent: Option<&Path> = None;
    for (path, _) in &regular {
        let parent = path.parent();
        if parent.is_some() && parent == previous_parent {
            continue;
        }
        previous_parent = parent;
        for ancestor in path.ancestors().skip(1) {
            if let Some(name) = ancestor.file_name().and_then(|n| n.to_str()) {
                if name == "site-packages" || name == "dist-packages" {
                    package_trees.insert(ancestor.to_path_buf());
                }
            }
        }
    }
    for cfg in &pyvenv_cfgs {
        if let Some(venv) = cfg.parent() {
            discovery.virtualenvs.push(VirtualEnv {
                path: venv.to_path_buf(),
                python_version: read_pyvenv_version(cfg),
            });
        }
    }
    let mut trees: Vec<PathBuf> = package_trees.into_iter().collect();
    trees.sort();
    discovery.package_trees = trees;

    discovery.distributions =
        Distributions::read(&dist_info_dirs, &egg_infos, &mut discovery.problems);
    let file_owner: HashMap<&[u8], usize> = discovery.distributions.file_owners();

    // Few trees and venvs against many files: `starts_with` on each beats
    // hashing every ancestor of every file.
    let trees = &discovery.package_trees;
    let roots = &discovery.roots;
    let venvs = &discovery.virtualenvs;
    let below = |path: &Path, dir: &Path| path != dir && path.starts_with(dir);
    let cwd = std::env::current_dir().unwrap_or_default();
    // Each file is classified on its own, in parallel; `collect` keeps the
    // sorted order.
    let distributions = &discovery.distributions;
    let files: Vec<DiscoveredFile> = regular
        .par_iter()
        .map(|(path, root)| {
            let first_party = !options.app.is_empty() && {
                let absolute = normalize_path(&cwd.join(path));
                options.app.iter().any(|a| absolute.starts_with(a))
            };
            let below_root =
                |base: &Path| path_below(path, base).is_some_and(test_code::is_test_code);
            let tooling = || path_below(path, &roots[*root]).is_some_and(test_code::is_tooling);
            if first_party {
                return DiscoveredFile {
                    path: path.clone(),
                    root: *root,
                    origin: Origin::Application,
                    package_tree: None,
                    distribution: None,
                    test_code: below_root(&roots[*root]),
                    tooling: tooling(),
                };
            }
            // The nearest tree, should trees nest.
            let package_tree = trees
                .iter()
                .enumerate()
                .filter(|(_, tree)| below(path, tree))
                .max_by_key(|(_, tree)| tree.as_os_str().len())
                .map(|(index, _)| index);
            let distribution = file_owner
                .get(path.as_os_str().as_bytes())
                .copied()
                .or_else(|| {
                    package_tree
                        .and_then(|index| distributions.owner_by_top_level(&trees[index], path))
                });
            // Everything in a virtualenv (its `bin/` scripts, `pyvenv.cfg`)
            // was installed, not written by the application.
            let in_venv = venvs.iter().any(|venv| below(path, &venv.path));
            // What no RECORD claims in a `pip -t` target is the project's.
            let unclaimed_in_target = distribution.is_none()
                && !in_venv
                && package_tree.is_some_and(|index| is_pip_target(&trees[index]));
            let installed = package_tree.is_some() || distribution.is_some() || in_venv;
            let origin = if installed && !unclaimed_in_target {
                Origin::Package
            } else {
                Origin::Application
            };
            let test_code = match package_tree {
                Some(index) => below_root(&trees[index]),
                None => below_root(&roots[*root]),
            };
            DiscoveredFile {
                path: path.clone(),
                root: *root,
                origin,
                package_tree,
                distribution,
                test_code,
                tooling: origin == Origin::Application && tooling(),
            }
        })
        .collect();
    drop(file_owner);
    discovery.distributions.forget_file_lists();
    discovery.files = files;
    discovery.symlinks.sort_by(|a, b| a.path.cmp(&b.path));
    discovery.symlinks.dedup_by(|a, b| a.path == b.path);
    discovery
}

fn read_pyvenv_version(cfg: &Path) -> Option<String> {
    let text = std::fs::read_to_string(cfg).ok()?;
    text.lines().find_map(|line| {
        let (key, value) = line.split_once('=')?;
        let key = key.trim();
        (key == "version" || key == "version_info").then(|| value.trim().to_string())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn distribution_names_compare_as_pip_compares_them() {
        assert_eq!(normalized_distribution_name("tzdata"), "tzdata");
        assert_eq!(
            normalized_distribution_name("Backports.ZoneInfo"),
            "backports-zoneinfo"
        );
        assert_eq!(normalized_distribution_name("Foo__-.Bar"), "foo-bar");
        assert_eq!(normalized_distribution_name("_x_"), "x");
    }

    #[test]
    fn lexical_normalisation_keeps_leading_parents() {
        assert_eq!(
            normalize_path(Path::new("./a/./b/../c")),
            PathBuf::from("a/c")
        );
        assert_eq!(
            normalize_path(Path::new("../x/../y")),
            PathBuf::from("../y")
        );
        assert_eq!(normalize_path(Path::new(".")), PathBuf::from("."));
        assert_eq!(normalize_path(Path::new("/a/../../b")), PathBuf::from("/b"));
    }
}
