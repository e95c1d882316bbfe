//! The scanned tree as the loader will see it once it is copied into the
//! image: a read-only, in-memory file system of the ELF objects and symlinks
//! discovery found.
//!
//! Nothing here touches the disk. Symlinks are followed virtually, component
//! by component, so a vendored `libfoo.so.1 -> libfoo.so.1.2.3` or a linked
//! directory resolves the way the kernel would resolve it inside the image.
//! A path that climbs above the object's own scanned root is not followed:
//! where the tree lands in the image is unknown, so what lies above it is
//! unknown too. An absolute link target leaves the tree for the image itself
//! (unless it points back inside the same root by its scanned path), and is
//! handed back for the caller to look up in the base manifest.

use std::collections::{HashMap, VecDeque};
use std::ffi::OsString;
use std::path::{Component, Path, PathBuf};

use super::ElfTree;

/// The kernel's limit on symlinks followed in one path resolution.
const MAX_LINK_HOPS: usize = 40;

/// Where a path of the tree leads.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TreeHit {
    /// An ELF object of the tree (index into `ElfTree::objects`).
    Object(usize),
    /// An absolute path inside the image, reached through an absolute link.
    Image(String),
}

/// Index over one `ElfTree` for path lookups.
#[derive(Debug)]
pub struct TreeFs {
    roots: Vec<PathBuf>,
    locations: Vec<PathBuf>,
    objects: HashMap<PathBuf, usize>,
    links: HashMap<PathBuf, PathBuf>,
}

impl TreeFs {
    pub fn new(tree: &ElfTree) -> Self {
        let roots = tree.roots.iter().map(|r| normalize_path(r)).collect();
        let objects = tree
            .objects
            .iter()
            .enumerate()
            .map(|(i, o)| (normalize_path(&o.path), i))
            .collect();
        let links = tree
            .symlinks
            .iter()
            .map(|l| (normalize_path(&l.path), l.target.clone()))
            .collect();
        let locations = tree
            .root_locations
            .iter()
            .map(|l| normalize_path(l))
            .collect();
        TreeFs {
            roots,
            locations,
            objects,
            links,
        }
    }

    /// The normalised path of scanned root `root`.
    pub fn root(&self, root: usize) -> Option<&Path> {
        self.roots.get(root).map(PathBuf::as_path)
    }

    /// The tree path (as discovery spells it) of absolute directory `dir`,
    /// when `dir` lies in a root's location on this machine.
    pub fn tree_path_of(&self, dir: &Path) -> Option<(usize, PathBuf)> {
        self.locations
            .iter()
            .enumerate()
            .find_map(|(root, location)| {
                if !location.is_absolute() {
                    return None;
                }
                let below = dir.strip_prefix(location).ok()?;
                Some((root, normalize_path(&self.roots.get(root)?.join(below))))
            })
    }

    /// Resolves `path` (a path of the tree, as discovery spells paths) inside
    /// scanned root `root`, following the tree's symlinks.
    pub fn lookup(&self, root: usize, path: &Path) -> Option<TreeHit> {
        let root_path = self.roots.get(root)?;
        let path = normalize_path(path);
        let below = path.strip_prefix(root_path).ok()?;
        let mut pending: VecDeque<OsString> = VecDeque::new();
        for component in below.components() {
            match component {
                Component::Normal(name) => pending.push_back(name.to_os_string()),
                Component::ParentDir => pending.push_back(OsString::from("..")),
                _ => {}
            }
        }
        let mut current = root_path.clone();
        let mut hops = 0;
        while let Some(name) = pending.pop_front() {
            if name == ".." {
                // Climbing above the root leaves what we know of the image.
                if current == *root_path {
                    return None;
                }
                current.pop();
                continue;
            }
            let candidate = current.join(&name);
            let Some(target) = self.links.get(&candidate) else {
                current = candidate;
                continue;
            };
            hops += 1;
            if hops > MAX_LINK_HOPS {
                return None;
            }
            if target.is_absolute() {
                let mut rest = normalize_path(target);
                if is_inside(&rest, root_path) {
                    // An absolute link that names the tree by its scanned path.
                    let below = rest.strip_prefix(root_path).ok()?.to_path_buf();
                    let mut prefix: VecDeque<OsString> = below
                        .components()
                        .map(|c| c.as_os_str().to_os_string())
                        .collect();
                    prefix.extend(pending.drain(..));
                    pending = prefix;
                    current = root_path.clone();
                    continue;
                }
                for name in pending.drain(..) {
                    rest.push(name);
                }
                return Some(TreeHit::Image(image_path_string(&rest)));
            }
            // A relative target replaces the link's own component.
            let mut prefix: VecDeque<OsString> = VecDeque::new();
            for component in target.components() {
                match component {
                    Component::Normal(n) => prefix.push_back(n.to_os_string()),
                    Component::ParentDir => prefix.push_back(OsString::from("..")),
                    _ => {}
                }
            }
            prefix.extend(pending.drain(..));
            pending = prefix;
        }
        self.objects.get(&current).map(|&i| TreeHit::Object(i))
    }
}

/// Lexical normalisation: drops `.`, resolves `..` against the preceding
/// component. A `..` that cannot be resolved is kept at the front of a
/// relative path (so it visibly leaves any root) and dropped at `/`, as the
/// kernel does.
pub fn normalize_path(path: &Path) -> PathBuf {
    let mut out: Vec<Component> = Vec::new();
    for component in path.components() {
        match component {
            Component::CurDir => {}
            Component::ParentDir => match out.last() {
                Some(Component::Normal(_)) => {
                    out.pop();
                }
                Some(Component::RootDir) | Some(Component::Prefix(_)) => {}
                _ => out.push(component),
            },
            other => out.push(other),
        }
    }
    out.iter().collect()
}

/// Whether normalised `path` lies at or below normalised `root`. An empty
/// root (the current directory) holds every relative path that does not
/// climb out of it.
pub fn is_inside(path: &Path, root: &Path) -> bool {
    if root.as_os_str().is_empty() {
        return path
            .components()
            .next()
            .is_some_and(|c| matches!(c, Component::Normal(_)));
    }
    path.starts_with(root)
}

/// The path from directory `from` to `to` (both normalised, in the same
/// tree), as a RUNPATH relative to `$ORIGIN` would spell it: `../pkg.libs`.
pub fn relative_path(from: &Path, to: &Path) -> PathBuf {
    let from: Vec<Component> = from.components().collect();
    let to: Vec<Component> = to.components().collect();
    let common = from.iter().zip(&to).take_while(|(a, b)| a == b).count();
    let mut relative = PathBuf::new();
    for _ in common..from.len() {
        relative.push("..");
    }
    for component in &to[common..] {
        relative.push(component.as_os_str());
    }
    relative
}

/// An image path as the base manifest spells it (forward slashes, absolute).
fn image_path_string(path: &Path) -> String {
    crate::base::normalize(&path.to_string_lossy())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::elf::{ElfInfo, ElfObject, TreeSymlink};

    fn object(path: &str) -> ElfObject {
        ElfObject {
            path: PathBuf::from(path),
            root: 0,
            info: ElfInfo {
                is_64: true,
                little_endian: true,
                machine: 62,
                elf_type: 3,
                soname: None,
                needed: vec![],
                rpath: vec![],
                runpath: vec![],
                interpreter: None,
                dynamic: true,
                version_needs: vec![],
                version_defs: vec![],
                python_init: vec![],
            },
            distribution: None,
            wheel_tags: vec![],
        }
    }

    fn link(path: &str, target: &str) -> TreeSymlink {
        TreeSymlink {
            path: PathBuf::from(path),
            target: PathBuf::from(target),
            root: 0,
        }
    }

    fn tree() -> ElfTree {
        ElfTree {
            roots: vec![PathBuf::from("/scan/site")],
            root_locations: vec![],
            objects: vec![
                object("/scan/site/pkg.libs/libfoo.so.1.2.3"),
                object("/scan/site/pkg/x.so"),
            ],
            symlinks: vec![
                link("/scan/site/pkg.libs/libfoo.so.1", "libfoo.so.1.2.3"),
                link("/scan/site/libs", "pkg.libs"),
                link("/scan/site/loop", "loop"),
                link("/scan/site/escape", "../../etc"),
                link("/scan/site/sys", "/usr/lib/x86_64-linux-gnu"),
                link("/scan/site/self", "/scan/site/pkg.libs"),
            ],
        }
    }

    #[test]
    fn a_vendored_soname_link_reaches_the_real_file() {
        let fs = TreeFs::new(&tree());
        let hit = fs.lookup(0, Path::new("/scan/site/pkg/../pkg.libs/libfoo.so.1"));
        assert_eq!(hit, Some(TreeHit::Object(0)));
        assert_eq!(
            fs.lookup(0, Path::new("/scan/site/libs/libfoo.so.1")),
            Some(TreeHit::Object(0))
        );
        assert_eq!(
            fs.lookup(0, Path::new("/scan/site/self/libfoo.so.1")),
            Some(TreeHit::Object(0))
        );
    }

    #[test]
    fn links_that_loop_or_climb_out_of_the_root_resolve_nothing() {
        let fs = TreeFs::new(&tree());
        assert_eq!(fs.lookup(0, Path::new("/scan/site/loop/x")), None);
        assert_eq!(fs.lookup(0, Path::new("/scan/site/escape/passwd")), None);
        assert_eq!(fs.lookup(0, Path::new("/scan/other/x.so")), None);
    }

    #[test]
    fn an_absolute_link_leaves_the_tree_for_the_image() {
        let fs = TreeFs::new(&tree());
        assert_eq!(
            fs.lookup(0, Path::new("/scan/site/sys/libz.so.1")),
            Some(TreeHit::Image("/usr/lib/x86_64-linux-gnu/libz.so.1".into()))
        );
    }

    #[test]
    fn a_relative_path_climbs_to_the_common_directory() {
        let rel = relative_path(Path::new("/s/site/pkg/sub"), Path::new("/s/site/pkg.libs"));
        assert_eq!(rel, PathBuf::from("../../pkg.libs"));
        assert_eq!(
            relative_path(Path::new("/s/a"), Path::new("/s/a")),
            PathBuf::new()
        );
    }

    #[test]
    fn relative_roots_keep_leading_parents_outside() {
        assert_eq!(
            normalize_path(Path::new("a/../../b")),
            PathBuf::from("../b")
        );
        assert!(!is_inside(Path::new("../b"), Path::new("")));
        assert!(is_inside(Path::new("a/b"), Path::new("")));
        assert!(is_inside(Path::new("venv/a"), Path::new("venv")));
        assert!(!is_inside(Path::new("venv2/a"), Path::new("venv")));
    }
}
