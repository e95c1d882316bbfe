//! Turns one DT_RPATH/DT_RUNPATH entry (or a DT_NEEDED name that contains a
//! `/`) into a place to look: a directory of the scanned tree, a directory of
//! the base image, or nowhere.
//!
//! Dynamic string tokens are expanded the way glibc does: `$ORIGIN` and
//! `${ORIGIN}` become the requesting object's own directory, `$LIB` the
//! image's multiarch library directory, `$PLATFORM` the architecture; an
//! unknown `$NAME` stays as written and so finds nothing. A path built from
//! `$ORIGIN` is a path of the tree, which travels with the tree wherever it is
//! copied. A literal absolute path is a path of the *image*: the tree's own
//! location on the build machine means nothing there. The exceptions are a
//! path inside a scanned root given by its absolute scanned path (a tree
//! copied to the same place, like `COPY --from=build /opt/venv /opt/venv`),
//! and paths that can only exist on a build machine (home directories, CI
//! tool caches, a build's own Python prefix): those are reported and resolve
//! nothing. A relative entry without `$ORIGIN` depends on the working
//! directory of the process, which the loader's caller does not control; it
//! is skipped.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use super::tree_fs::{is_inside, normalize_path, TreeFs};
use crate::base::{normalize, BaseImage};

/// Directory prefixes that exist only where code is built, never in a
/// distroless image. An entry ending in `*` matches any component that
/// starts with it (`/usr/local/lib/python3.11`).
const BUILD_MACHINE_DIRS: &[&str] = &[
    "/root",
    "/home",
    "/Users",
    "/tmp",
    "/var/tmp",
    "/build",
    "/builds",
    "/workspace",
    "/io",
    "/project",
    "/github",
    "/__w",
    "/usr/src",
    "/nix/store",
    "/opt/python",
    "/opt/hostedtoolcache",
    "/opt/rh",
    "/opt/conda",
    "/opt/miniconda*",
    "/opt/anaconda*",
    "/usr/local/lib/python*",
];

/// Directories where an image keeps shared libraries, whether or not the
/// chosen base has anything in them yet.
const IMAGE_LIBRARY_DIRS: &[&str] = &[
    "/lib",
    "/lib32",
    "/lib64",
    "/libx32",
    "/usr/lib",
    "/usr/lib32",
    "/usr/lib64",
    "/usr/libx32",
    "/usr/local/lib",
    "/usr/local/lib64",
];

/// A place the loader can look, in the tree or in the image.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Location {
    /// A path of scanned root `root`, spelled as discovery spells paths.
    Tree { root: usize, path: PathBuf },
    /// An absolute path inside the base image.
    Image(String),
}

impl Location {
    /// `self/name`.
    pub fn join(&self, name: &str) -> Location {
        match self {
            Location::Tree { root, path } => Location::Tree {
                root: *root,
                path: path.join(name),
            },
            Location::Image(dir) => Location::Image(normalize(&format!("{dir}/{name}"))),
        }
    }

    pub fn display(&self) -> String {
        match self {
            Location::Tree { path, .. } => path.display().to_string(),
            Location::Image(path) => path.clone(),
        }
    }
}

/// Why an entry resolves nothing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DirIssue {
    /// A directory of the machine the code was built on.
    BuildMachine,
    /// An absolute directory that is neither in the scanned tree nor a
    /// library directory of the image.
    NotInImage,
    /// `$ORIGIN/..` climbing above the scanned root: the target is unknown.
    OutsideTree,
    /// Relative to the process's working directory.
    RelativeToCwd,
}

/// One entry of a search path, as written and as understood.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SearchEntry {
    pub written: String,
    pub location: Option<Location>,
    pub issue: Option<DirIssue>,
}

/// What expansion needs to know about the tree and the image.
#[derive(Debug)]
pub struct SearchContext {
    lib: String,
    platform: String,
    image_dirs: BTreeSet<String>,
}

impl SearchContext {
    pub fn new(base: &BaseImage) -> Self {
        let mut image_dirs: BTreeSet<String> = base
            .loader
            .default_search_path
            .iter()
            .map(|d| normalize(d))
            .collect();
        for library in &base.libraries {
            if let Some((dir, _)) = library.path.rsplit_once('/') {
                image_dirs.insert(normalize(dir));
            }
        }
        SearchContext {
            lib: lib_token(base),
            platform: base.architecture.clone(),
            image_dirs,
        }
    }

    /// Expands `written`, an entry of the search path of an object that lives
    /// in directory `origin` of scanned root `root`.
    pub fn expand(&self, fs: &TreeFs, written: &str, origin: &Path, root: usize) -> SearchEntry {
        // A file directly in a root spelled `.` has an empty directory; as
        // text that would turn `$ORIGIN/x.libs` into the absolute `/x.libs`.
        let origin_text = if origin.as_os_str().is_empty() {
            ".".into()
        } else {
            origin.to_string_lossy()
        };
        let (expanded, starts_at_origin) = self.substitute(written, &origin_text);
        let (location, issue) = if starts_at_origin {
            let path = normalize_path(Path::new(&expanded));
            match fs.root(root) {
                Some(root_path) if is_inside(&path, root_path) => {
                    (Some(Location::Tree { root, path }), None)
                }
                _ => (None, Some(DirIssue::OutsideTree)),
            }
        } else if expanded.starts_with('/') {
            self.classify_absolute(fs, &expanded)
        } else {
            (None, Some(DirIssue::RelativeToCwd))
        };
        SearchEntry {
            written: written.to_string(),
            location,
            issue,
        }
    }

    /// An absolute entry names a directory of the image. It is taken to be
    /// in the tree when it is where a root really is on this machine (a
    /// venv lives at the path it was built at), whatever the root's
    /// spelling on the command line.
    fn classify_absolute(&self, fs: &TreeFs, dir: &str) -> (Option<Location>, Option<DirIssue>) {
        let dir = normalize(dir);
        if is_build_machine_dir(&dir) {
            return (None, Some(DirIssue::BuildMachine));
        }
        if let Some((root, path)) = fs.tree_path_of(Path::new(&dir)) {
            return (Some(Location::Tree { root, path }), None);
        }
        if self.is_image_library_dir(&dir) {
            return (Some(Location::Image(dir)), None);
        }
        (None, Some(DirIssue::NotInImage))
    }

    fn is_image_library_dir(&self, dir: &str) -> bool {
        self.image_dirs.contains(dir) || IMAGE_LIBRARY_DIRS.iter().any(|p| under(dir, p))
    }

    /// Replaces the dynamic string tokens; also says whether the result is
    /// anchored at `$ORIGIN` (and so is a path of the tree).
    fn substitute(&self, written: &str, origin: &str) -> (String, bool) {
        let mut starts_at_origin = false;
        let out = crate::dollar_names::substitute(written, |name, at_start| match name {
            "ORIGIN" => {
                starts_at_origin |= at_start;
                Some(origin)
            }
            "LIB" => Some(self.lib.as_str()),
            "PLATFORM" => Some(self.platform.as_str()),
            _ => None,
        });
        (out, starts_at_origin)
    }
}

/// `$LIB` as the image's loader expands it: Debian's multiarch directory
/// when the base has one, else `lib64` or `lib`.
fn lib_token(base: &BaseImage) -> String {
    let dirs = &base.loader.default_search_path;
    if let Some(multiarch) = dirs.iter().find_map(|d| {
        d.strip_prefix("/lib/")
            .filter(|rest| rest.contains("-linux-"))
    }) {
        return format!("lib/{multiarch}");
    }
    if dirs.iter().any(|d| d == "/lib64" || d == "/usr/lib64") {
        return "lib64".into();
    }
    "lib".into()
}

/// Whether `dir` (normalised) can only exist on a build machine.
pub fn is_build_machine_dir(dir: &str) -> bool {
    BUILD_MACHINE_DIRS
        .iter()
        .any(|prefix| match prefix.strip_suffix('*') {
            Some(stem) => dir.starts_with(stem),
            None => under(dir, prefix),
        })
}

/// `dir` is `prefix` or below it.
fn under(dir: &str, prefix: &str) -> bool {
    dir == prefix
        || dir
            .strip_prefix(prefix)
            .is_some_and(|rest| rest.starts_with('/'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn build_machine_directories_are_recognised_on_component_boundaries() {
        assert!(is_build_machine_dir("/home/runner/work/x/lib"));
        assert!(is_build_machine_dir(
            "/usr/local/lib/python3.11/site-packages/foo.libs"
        ));
        assert!(is_build_machine_dir("/opt/miniconda3/lib"));
        assert!(!is_build_machine_dir("/homework/lib"));
        assert!(!is_build_machine_dir("/usr/local/lib"));
        assert!(!is_build_machine_dir("/usr/lib/x86_64-linux-gnu"));
    }

    #[test]
    fn image_library_directories_include_their_subdirectories() {
        assert!(under(
            "/usr/lib/x86_64-linux-gnu/openblas-pthread",
            "/usr/lib"
        ));
        assert!(!under("/usr/library", "/usr/lib"));
    }
}
