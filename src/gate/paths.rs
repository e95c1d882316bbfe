//! Paths as the gate and the CI reports see them, and the glob patterns of
//! the configuration (`exclude`, `per-file-ignores`).
//!
//! Findings carry the path as the user named it. Code-scanning platforms
//! want it relative to the repository root, and the configuration's globs
//! are written relative to the configuration file; both are computed here,
//! lexically (no file system access, so a deleted file still has a path).

use std::path::{Path, PathBuf};

use globset::{Glob, GlobBuilder, GlobSet, GlobSetBuilder};

use crate::discovery::normalize_path;

/// `path` made absolute against `cwd`, with `.` and `..` folded.
pub fn absolute(path: &Path, cwd: &Path) -> PathBuf {
    normalize_path(&cwd.join(path))
}

/// `path` relative to `root` with `/` separators, when it lies below it.
pub fn relative_to(path: &Path, root: &Path, cwd: &Path) -> Option<String> {
    let absolute = absolute(path, cwd);
    let root = absolute_root(root, cwd);
    let rest = absolute.strip_prefix(&root).ok()?;
    Some(slashes(rest))
}

/// The path a report shows: relative to `cwd` (where CI runs, the
/// repository root) when below it, otherwise absolute.
pub fn report_path(path: &Path, cwd: &Path) -> String {
    relative_to(path, cwd, cwd).unwrap_or_else(|| slashes(&absolute(path, cwd)))
}

fn absolute_root(root: &Path, cwd: &Path) -> PathBuf {
    normalize_path(&cwd.join(root))
}

fn slashes(path: &Path) -> String {
    let text = path
        .components()
        .map(|c| escaped_name(c.as_os_str()))
        .collect::<Vec<_>>()
        .join("/");
    // `components` drops the root's own separator into a lone "/" part.
    text.strip_prefix("//")
        .map(|t| format!("/{t}"))
        .unwrap_or(text)
}

/// `path` as text for reports and fingerprints, with bytes that are not
/// UTF-8 kept as `\xNN` escapes. Replacing them (as a lossy conversion
/// does) made `a\xff.py` and `a\xfe.py` one path with one fingerprint.
pub fn escaped(path: &Path) -> String {
    escaped_name(path.as_os_str())
}

fn escaped_name(name: &std::ffi::OsStr) -> String {
    if let Some(text) = name.to_str() {
        return text.to_string();
    }
    let mut out = String::new();
    for chunk in name.as_encoded_bytes().utf8_chunks() {
        out.push_str(chunk.valid());
        for byte in chunk.invalid() {
            out.push_str(&format!("\\x{byte:02x}"));
        }
    }
    out
}

/// Glob patterns written relative to a directory.
///
/// A pattern is matched against the path relative to that directory and
/// against each of its parent directories, so `vendor` or `tests/**` cover
/// everything below. A pattern without `/` also matches a file or directory
/// name anywhere (`__init__.py`, `migrations`). `*` stays within one path
/// component; `**` crosses them. Paths outside the directory are matched
/// by their names only, and by their absolute path.
#[derive(Debug, Clone)]
pub struct PathPatterns {
    root: PathBuf,
    full: GlobSet,
    names: GlobSet,
    /// For each index of `names`, the index of the pattern it came from.
    name_index: Vec<usize>,
    len: usize,
}

impl PathPatterns {
    pub fn new(root: &Path, patterns: &[String]) -> Result<PathPatterns, (usize, String)> {
        let mut full = GlobSetBuilder::new();
        let mut names = GlobSetBuilder::new();
        let mut name_index = Vec::new();
        for (i, pattern) in patterns.iter().enumerate() {
            let trimmed = pattern.trim_start_matches("./").trim_end_matches('/');
            full.add(glob(trimmed).map_err(|e| (i, e))?);
            if !trimmed.contains('/') {
                names.add(glob(trimmed).map_err(|e| (i, e))?);
                name_index.push(i);
            }
        }
        Ok(PathPatterns {
            root: root.to_path_buf(),
            full: full.build().map_err(|e| (0, e.to_string()))?,
            names: names.build().map_err(|e| (0, e.to_string()))?,
            name_index,
            len: patterns.len(),
        })
    }

    pub fn empty() -> PathPatterns {
        PathPatterns::new(Path::new("."), &[]).expect("no patterns always build")
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// The indices of the patterns that match `path`.
    pub fn matching(&self, path: &Path, cwd: &Path) -> Vec<usize> {
        if self.is_empty() {
            return Vec::new();
        }
        let mut hits = Vec::new();
        let absolute = absolute(path, cwd);
        let relative = relative_to(path, &self.root, cwd);
        let full_candidates: Vec<String> = match &relative {
            Some(relative) => prefixes(relative),
            None => vec![slashes(&absolute)],
        };
        for candidate in &full_candidates {
            hits.extend(self.full.matches(candidate));
        }
        let name_parts: Vec<&str> = match &relative {
            Some(relative) => relative.split('/').collect(),
            None => absolute
                .file_name()
                .and_then(|n| n.to_str())
                .into_iter()
                .collect(),
        };
        for name in name_parts {
            hits.extend(
                self.names
                    .matches(name)
                    .into_iter()
                    .map(|i| self.name_index[i]),
            );
        }
        hits.sort_unstable();
        hits.dedup();
        hits
    }

    pub fn is_match(&self, path: &Path, cwd: &Path) -> bool {
        !self.matching(path, cwd).is_empty()
    }
}

fn glob(pattern: &str) -> Result<Glob, String> {
    GlobBuilder::new(pattern)
        .literal_separator(true)
        .build()
        .map_err(|e| e.kind().to_string())
}

/// `a/b/c.py` → `a`, `a/b`, `a/b/c.py`.
fn prefixes(relative: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut at = 0;
    while let Some(slash) = relative[at..].find('/') {
        out.push(relative[..at + slash].to_string());
        at += slash + 1;
    }
    out.push(relative.to_string());
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn patterns(list: &[&str]) -> PathPatterns {
        let list: Vec<String> = list.iter().map(|s| s.to_string()).collect();
        PathPatterns::new(Path::new("/repo"), &list).unwrap()
    }

    #[test]
    fn report_paths_are_relative_to_where_ci_runs() {
        let cwd = Path::new("/repo");
        assert_eq!(report_path(Path::new("./app/x.py"), cwd), "app/x.py");
        assert_eq!(report_path(Path::new("/repo/app/../lib.so"), cwd), "lib.so");
        assert_eq!(
            report_path(Path::new("/usr/lib/x.so"), cwd),
            "/usr/lib/x.so"
        );
    }

    #[test]
    fn globs_match_the_path_its_parents_and_bare_names() {
        let cwd = Path::new("/repo");
        let p = patterns(&["tests", "scripts/*.py", "**/migrations/*.py", "conftest.py"]);
        assert_eq!(p.matching(Path::new("tests/unit/a.py"), cwd), vec![0]);
        assert_eq!(p.matching(Path::new("scripts/run.py"), cwd), vec![1]);
        assert!(p.matching(Path::new("scripts/sub/run.py"), cwd).is_empty());
        assert_eq!(
            p.matching(Path::new("app/db/migrations/0001.py"), cwd),
            vec![2]
        );
        assert_eq!(p.matching(Path::new("/repo/app/conftest.py"), cwd), vec![3]);
        assert!(p.matching(Path::new("app/main.py"), cwd).is_empty());
        assert_eq!(
            p.matching(Path::new("/elsewhere/conftest.py"), cwd),
            vec![3]
        );
    }
}
