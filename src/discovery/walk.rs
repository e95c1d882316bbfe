//! The walk of the scanned roots, spread over the scan's threads.
//!
//! Reading directories is the one part of discovery that touches every
//! entry of the tree, and on a venv it was a tenth of the whole check when
//! done on one thread; `ignore`'s parallel walker reads several directories
//! at once. It is used with every filter of its own turned off (no
//! `.gitignore`, no hidden-file rule): what is left out is only what
//! [`walk`]'s `skip` says.
//!
//! The result is sorted, root by root, in the order a sorted depth-first
//! walk would give (a directory before its entries, siblings by name), so
//! nothing downstream depends on the threads' scheduling.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use rayon::slice::ParallelSliceMut;

/// What an entry is, as the directory listing says (no link is followed).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Kind {
    Dir,
    File,
    Symlink,
    /// FIFOs, sockets, devices.
    Special,
}

/// Which directories the walk leaves out (`true`: neither listed nor
/// entered).
pub(super) type SkipFn = Arc<dyn Fn(&Path, Kind) -> bool + Send + Sync>;

/// One step of the walk.
#[derive(Debug)]
pub(super) enum Walked {
    Entry {
        path: PathBuf,
        kind: Kind,
    },
    /// A directory or entry that could not be read, and why.
    Error {
        path: PathBuf,
        detail: String,
    },
}

impl Walked {
    fn path(&self) -> &Path {
        match self {
            Walked::Entry { path, .. } | Walked::Error { path, .. } => path,
        }
    }
}

/// Every entry below `root` (and `root` itself), sorted; a directory for
/// which `skip` says true is neither listed nor entered (`root` never is
/// skipped). A root that is a link to a directory is walked, as the user
/// named it; links below it are listed, not followed. `threads` is how many
/// directories are read at once (0: as many as there are CPUs).
pub(super) fn walk(root: &Path, threads: usize, skip: SkipFn) -> Vec<Walked> {
    let start = if std::fs::symlink_metadata(root).is_ok_and(|m| m.file_type().is_symlink())
        && root.is_dir()
    {
        // A trailing slash makes the walker resolve the link itself.
        root.join("")
    } else {
        root.to_path_buf()
    };
    let found: Mutex<Vec<Walked>> = Mutex::new(Vec::new());
    let walker = ignore::WalkBuilder::new(&start)
        .standard_filters(false)
        .follow_links(false)
        .threads(threads)
        .filter_entry(move |entry| {
            entry.depth() == 0 || !skip(entry.path(), kind(entry.file_type()))
        })
        .build_parallel();
    walker.run(|| {
        let start = &start;
        let mut batch = Batch {
            items: Vec::new(),
            into: &found,
        };
        Box::new(move |result| {
            batch.items.push(match result {
                Ok(entry) => Walked::Entry {
                    path: entry.path().to_path_buf(),
                    kind: kind(entry.file_type()),
                },
                Err(err) => Walked::Error {
                    path: error_path(&err).unwrap_or(start).to_path_buf(),
                    detail: error_detail(&err),
                },
            });
            ignore::WalkState::Continue
        })
    });
    let found = found.into_inner().unwrap_or_else(|e| e.into_inner());
    // Path order compares component by component, which is the order of a
    // depth-first walk with sorted siblings. The walk's paths have no `.`,
    // `..` or doubled separators, so comparing their bytes with the
    // separator as the smallest byte gives the same order, without parsing
    // components in every comparison.
    let mut keyed: Vec<(Vec<u8>, Walked)> = found
        .into_iter()
        .map(|walked| (sort_key(walked.path()), walked))
        .collect();
    keyed.par_sort_unstable_by(|a, b| a.0.cmp(&b.0));
    keyed.into_iter().map(|(_, walked)| walked).collect()
}

fn sort_key(path: &Path) -> Vec<u8> {
    use std::os::unix::ffi::OsStrExt;
    path.as_os_str()
        .as_bytes()
        .iter()
        .map(|&b| if b == b'/' { 0 } else { b })
        .collect()
}

/// One worker's entries, handed over once when the worker is done rather
/// than locking for every entry.
struct Batch<'a> {
    items: Vec<Walked>,
    into: &'a Mutex<Vec<Walked>>,
}

impl Drop for Batch<'_> {
    fn drop(&mut self) {
        let mut into = self.into.lock().unwrap_or_else(|e| e.into_inner());
        into.append(&mut self.items);
    }
}

fn kind(file_type: Option<std::fs::FileType>) -> Kind {
    match file_type {
        Some(t) if t.is_symlink() => Kind::Symlink,
        Some(t) if t.is_dir() => Kind::Dir,
        Some(t) if t.is_file() => Kind::File,
        _ => Kind::Special,
    }
}

fn error_path(err: &ignore::Error) -> Option<&Path> {
    match err {
        ignore::Error::WithPath { path, .. } => Some(path),
        ignore::Error::WithDepth { err, .. } | ignore::Error::WithLineNumber { err, .. } => {
            error_path(err)
        }
        ignore::Error::Partial(errs) => errs.iter().find_map(error_path),
        ignore::Error::Loop { child, .. } => Some(child),
        _ => None,
    }
}

/// The error without the path it is about (the caller names the path).
fn error_detail(err: &ignore::Error) -> String {
    match err {
        ignore::Error::WithPath { err, .. }
        | ignore::Error::WithDepth { err, .. }
        | ignore::Error::WithLineNumber { err, .. } => error_detail(err),
        ignore::Error::Partial(errs) if errs.len() == 1 => error_detail(&errs[0]),
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn paths(walked: &[Walked], root: &Path) -> Vec<String> {
        walked
            .iter()
            .map(|w| {
                let rel = w.path().strip_prefix(root).unwrap_or(w.path());
                rel.to_string_lossy().into_owned()
            })
            .collect()
    }

    #[test]
    fn entries_come_in_depth_first_sorted_order_whatever_the_threads() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        for d in ["b", "b/c", "b-x", "a"] {
            std::fs::create_dir(root.join(d)).unwrap();
        }
        for f in ["b/c/z.py", "b/y.py", "b-x/w.py", "a/v.py", "top.py"] {
            std::fs::write(root.join(f), "").unwrap();
        }
        let expected = [
            "", "a", "a/v.py", "b", "b/c", "b/c/z.py", "b/y.py", "b-x", "b-x/w.py", "top.py",
        ];
        for threads in [1, 2, 4] {
            let walked = walk(root, threads, Arc::new(|_: &Path, _| false));
            assert_eq!(paths(&walked, root), expected, "{threads} threads");
        }
    }

    #[test]
    fn the_sort_key_orders_as_paths_do() {
        let mut paths: Vec<&Path> = [
            "r/a", "r/a-b", "r/a/b", "r/a.b/c", "r/a!", "r/a/b/c", "r/A", "r", "r/a b", "r/\u{e9}",
        ]
        .iter()
        .map(Path::new)
        .collect();
        let mut by_key = paths.clone();
        paths.sort();
        by_key.sort_by_key(|p| sort_key(p));
        assert_eq!(by_key, paths);
    }

    #[test]
    fn skipped_directories_are_not_entered_and_links_are_not_followed() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("root");
        std::fs::create_dir_all(root.join("skipme/deep")).unwrap();
        std::fs::write(root.join("skipme/deep/x.py"), "").unwrap();
        std::fs::create_dir(dir.path().join("outside")).unwrap();
        std::fs::write(dir.path().join("outside/secret.py"), "").unwrap();
        std::os::unix::fs::symlink(dir.path().join("outside"), root.join("out")).unwrap();
        let skip = Arc::new(|p: &Path, kind: Kind| {
            kind == Kind::Dir && p.file_name().is_some_and(|n| n == "skipme")
        });
        let walked = walk(&root, 2, skip);
        assert_eq!(paths(&walked, &root), ["", "out"]);
        assert!(matches!(
            walked[1],
            Walked::Entry {
                kind: Kind::Symlink,
                ..
            }
        ));
    }

    #[test]
    fn a_root_that_is_a_link_to_a_directory_is_walked_under_its_own_name() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join("real")).unwrap();
        std::fs::write(dir.path().join("real/app.py"), "").unwrap();
        let link = dir.path().join("link");
        std::os::unix::fs::symlink(dir.path().join("real"), &link).unwrap();
        let walked = walk(&link, 2, Arc::new(|_: &Path, _| false));
        let files: Vec<_> = walked
            .iter()
            .filter(|w| {
                matches!(
                    w,
                    Walked::Entry {
                        kind: Kind::File,
                        ..
                    }
                )
            })
            .map(|w| w.path().to_path_buf())
            .collect();
        assert_eq!(files, [link.join("app.py")]);
    }

    #[test]
    fn an_unreadable_directory_is_an_error_naming_it() {
        if unsafe { libc::geteuid() } == 0 {
            // root reads any directory.
            return;
        }
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let locked = dir.path().join("locked");
        std::fs::create_dir(&locked).unwrap();
        std::fs::set_permissions(&locked, std::fs::Permissions::from_mode(0o000)).unwrap();
        let walked = walk(dir.path(), 2, Arc::new(|_: &Path, _| false));
        std::fs::set_permissions(&locked, std::fs::Permissions::from_mode(0o755)).unwrap();
        assert!(walked
            .iter()
            .any(|w| matches!(w, Walked::Error { path, .. } if path == &locked)));
    }
}
