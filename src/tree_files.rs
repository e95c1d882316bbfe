//! Reading the configuration, rule and manifest files a scanned tree
//! supplies, without letting the tree read the runner's files.
//!
//! distrolint gates pull requests, so the scanned tree is written by
//! whoever opened one. A file the tree supplies — a `distrolint.toml`
//! found in it, or a `base-file` or `rules` directory its configuration
//! names — must be a regular file inside the tree: a symlink to
//! `/proc/self/environ` or to a credentials file would otherwise be read,
//! and its lines echoed into the CI log by the error that says it is not
//! valid TOML. Nothing under `.git` is read either: `.git/config` holds the
//! checkout's token on many runners.
//!
//! Files named on the command line are the user's choice and are read
//! wherever they are.

use std::io::Read;
use std::path::{Component, Path, PathBuf};

/// Larger files are refused: a configuration or a rule file is a few
/// kilobytes, and reading a huge one would only waste the runner.
const MAX_LEN: u64 = 4 * 1024 * 1024;

/// Larger files of the tree are not quoted in errors: nobody writes a
/// configuration that long by hand, and the box would flood the log.
const MAX_QUOTED: usize = 256 * 1024;

/// Who named a file, which decides where it may be and whether an error
/// may show its lines.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NamedBy {
    /// The command line: read wherever it is.
    User,
    /// The scanned tree (found in it, or named by a file found in it): it
    /// must resolve to a regular file below `root`.
    Tree { root: PathBuf },
}

impl NamedBy {
    /// For a configuration found in `dir`: the tree is the git work tree
    /// holding `dir` (its files may link to one another, and a monorepo's
    /// configuration may name `../ci/base.toml`), else `dir` itself.
    pub fn found_in(dir: &Path) -> NamedBy {
        let work_tree = dir
            .ancestors()
            .find(|a| std::fs::symlink_metadata(a.join(".git")).is_ok());
        NamedBy::Tree {
            root: work_tree.unwrap_or(dir).to_path_buf(),
        }
    }

    /// Whether an error in `text` may quote it. The user's own files
    /// always; a tree's file only when it is a TOML document (a syntax
    /// error means it may be anything — an environment, a key file) of a
    /// size someone wrote by hand.
    pub fn may_show(&self, text: &str) -> bool {
        match self {
            NamedBy::User => true,
            NamedBy::Tree { .. } => {
                text.len() <= MAX_QUOTED && toml::from_str::<toml::Table>(text).is_ok()
            }
        }
    }
}

/// Why a file the tree supplies is not read.
#[derive(Debug, thiserror::Error, miette::Diagnostic)]
#[error("refusing to read {path}: {reason}")]
#[diagnostic(
    code(distrolint::outside_tree),
    help("configuration, rule and manifest files found in the scanned tree, or named by its configuration, must be regular files inside it (not symlinks out of it, not under .git); name a file elsewhere on the command line instead")
)]
pub struct Refused {
    pub path: String,
    pub reason: String,
}

/// Why a file could not be read: refused, or an I/O error.
#[derive(Debug)]
pub enum ReadError {
    Refused(Refused),
    Io(std::io::Error),
}

/// Where `path` really is, if the tree may supply it: below `root` once
/// symlinks are resolved, and not in a `.git` directory.
pub fn confine(path: &Path, root: &Path) -> Result<PathBuf, Refused> {
    let refuse = |reason: &str| Refused {
        path: path.display().to_string(),
        reason: reason.to_string(),
    };
    let real_root = std::fs::canonicalize(root).map_err(|_| refuse("its directory is gone"))?;
    let real = std::fs::canonicalize(path).map_err(|_| refuse("it does not resolve"))?;
    let Ok(inside) = real.strip_prefix(&real_root) else {
        return Err(refuse("it leads outside the scanned tree"));
    };
    if inside
        .components()
        .any(|c| matches!(c, Component::Normal(name) if name == ".git"))
    {
        return Err(refuse("it is inside .git"));
    }
    Ok(real)
}

/// A directory the tree supplies (a `rules` directory), resolved.
pub fn confine_dir(path: &Path, named: &NamedBy) -> Result<PathBuf, Refused> {
    match named {
        NamedBy::User => Ok(path.to_path_buf()),
        NamedBy::Tree { root } => confine(path, root),
    }
}

/// The text of a configuration, rule or manifest file.
pub fn read_text(path: &Path, named: &NamedBy) -> Result<String, ReadError> {
    let real = match named {
        NamedBy::User => path.to_path_buf(),
        NamedBy::Tree { root } => {
            let real = confine(path, root).map_err(ReadError::Refused)?;
            let meta = std::fs::metadata(&real).map_err(ReadError::Io)?;
            if !meta.is_file() {
                return Err(ReadError::Refused(Refused {
                    path: path.display().to_string(),
                    reason: "it is not a regular file".into(),
                }));
            }
            real
        }
    };
    let file = std::fs::File::open(&real).map_err(ReadError::Io)?;
    let mut bytes = Vec::new();
    file.take(MAX_LEN + 1)
        .read_to_end(&mut bytes)
        .map_err(ReadError::Io)?;
    if bytes.len() as u64 > MAX_LEN {
        return Err(ReadError::Refused(Refused {
            path: path.display().to_string(),
            reason: format!("it is larger than {} MiB", MAX_LEN / (1024 * 1024)),
        }));
    }
    String::from_utf8(bytes).map_err(|_| {
        ReadError::Io(std::io::Error::new(
            std::io::ErrorKind::InvalidData,
            "not UTF-8 text",
        ))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn symlinks_out_of_the_tree_and_git_are_refused() {
        let dir = tempfile::tempdir().unwrap();
        let tree = dir.path().join("tree");
        std::fs::create_dir_all(tree.join(".git")).unwrap();
        std::fs::write(dir.path().join("secret.toml"), "token = \"x\"\n").unwrap();
        std::fs::write(tree.join(".git/config"), "[core]\n").unwrap();
        std::fs::write(tree.join("ok.toml"), "a = 1\n").unwrap();
        std::os::unix::fs::symlink("../secret.toml", tree.join("out.toml")).unwrap();
        std::os::unix::fs::symlink("ok.toml", tree.join("in.toml")).unwrap();
        let named = NamedBy::Tree { root: tree.clone() };
        assert!(read_text(&tree.join("ok.toml"), &named).is_ok());
        assert!(read_text(&tree.join("in.toml"), &named).is_ok());
        assert!(matches!(
            read_text(&tree.join("out.toml"), &named),
            Err(ReadError::Refused(_))
        ));
        assert!(matches!(
            read_text(&tree.join(".git/config"), &named),
            Err(ReadError::Refused(_))
        ));
        assert!(matches!(
            read_text(Path::new("/proc/self/environ"), &named),
            Err(ReadError::Refused(_))
        ));
        assert!(read_text(&tree.join("out.toml"), &NamedBy::User).is_ok());
    }

    #[test]
    fn only_toml_documents_of_the_tree_are_quoted() {
        let tree = NamedBy::Tree { root: "/".into() };
        assert!(tree.may_show("select = [\"DL201\"]\n"));
        assert!(!tree.may_show("HOME=/root\0PATH=/bin\0"));
        assert!(NamedBy::User.may_show("HOME=/root\0"));
    }
}
