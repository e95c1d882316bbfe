//! The build context: the directory `docker build` sends to the builder,
//! and so what a `COPY` or `ADD` without `--from` can put in the image.
//!
//! A COPY of a directory from the context is not "anything under its
//! destination": `COPY docker/rootfs /` puts exactly the files of
//! `docker/rootfs` at `/`, and when that directory holds only `etc/` and
//! `usr/share/`, the image still has no `/bin/sh`. Looking at the context
//! answers that, where presuming would silence every later finding.
//!
//! Which directory is the context is not written in the Dockerfile (`docker
//! build -f docker/Dockerfile .` is as common as `docker build docker/`).
//! It is the Dockerfile's directory or one of its parents inside the
//! scanned root: the one holding the most of the Dockerfile's literal COPY
//! sources, the nearest on a tie. Nothing outside the scanned root is
//! looked at, no link is followed (a link in the context is taken as
//! providing whatever is asked of it), and `.dockerignore` is honoured: a
//! file it excludes is never sent.

use std::path::{Path, PathBuf};

use globset::{GlobBuilder, GlobMatcher};

use crate::discovery::read_small_text;

/// A build context found on disk, inside the scanned root.
#[derive(Debug, Clone)]
pub struct BuildContext {
    dir: PathBuf,
    ignore: DockerIgnore,
}

/// What a path of the context is, as the builder would see it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Entry {
    File,
    Dir,
    /// A link, or something else distrolint does not look through: it may
    /// provide anything.
    Opaque,
    /// Not there, outside the context, or excluded by `.dockerignore`.
    Absent,
}

impl BuildContext {
    /// The context at `dir`, with the `.dockerignore` that applies to the
    /// Dockerfile at `dockerfile` (BuildKit's `NAME.dockerignore` next to
    /// it first, then the context's own).
    pub fn at(dir: PathBuf, dockerfile: &Path) -> BuildContext {
        let beside = dockerfile.file_name().map(|name| {
            let mut name = name.to_os_string();
            name.push(".dockerignore");
            dockerfile.with_file_name(name)
        });
        let ignore = beside
            .and_then(|path| read_small_text(&path))
            .or_else(|| read_small_text(&dir.join(".dockerignore")))
            .map(|text| DockerIgnore::parse(&text))
            .unwrap_or_default();
        BuildContext { dir, ignore }
    }

    /// The context of the Dockerfile at `dockerfile`, scanned under `root`,
    /// whose COPY and ADD instructions name `sources` (context paths as
    /// written, without wildcards). `None` when the Dockerfile is not below
    /// `root`, or when none of the candidate directories holds any of the
    /// sources: the context is then somewhere the scan does not see.
    pub fn locate(dockerfile: &Path, root: &Path, sources: &[String]) -> Option<BuildContext> {
        let below = crate::discovery::path_below(dockerfile, root)?.parent()?;
        let parts: Vec<_> = below.components().collect();
        let candidates = (0..=parts.len()).rev().map(|k| {
            parts[..k]
                .iter()
                .fold(root.to_path_buf(), |dir, part| dir.join(part))
        });
        let mut best: Option<(usize, BuildContext)> = None;
        for dir in candidates {
            let context = BuildContext::at(dir, dockerfile);
            let found = sources
                .iter()
                .filter(|s| context.entry_unfiltered(s) != Entry::Absent)
                .count();
            if sources.is_empty() {
                return Some(context);
            }
            if best.as_ref().is_none_or(|(most, _)| found > *most) {
                best = Some((found, context));
            }
        }
        best.filter(|(found, _)| *found > 0).map(|(_, c)| c)
    }

    /// What `source` (a context path as a COPY names it) is.
    pub fn entry(&self, source: &str) -> Entry {
        let Some(relative) = clean(source) else {
            return Entry::Absent;
        };
        if !relative.is_empty() && self.ignore.excludes(&relative) {
            return Entry::Absent;
        }
        self.entry_of(&relative)
    }

    /// [`entry`](Self::entry) without `.dockerignore`: for choosing the
    /// context, where an ignored source still says "this is the place".
    fn entry_unfiltered(&self, source: &str) -> Entry {
        match clean(source) {
            Some(relative) => self.entry_of(&relative),
            None => Entry::Absent,
        }
    }

    fn entry_of(&self, relative: &str) -> Entry {
        let mut path = self.dir.clone();
        let parts: Vec<&str> = relative.split('/').filter(|p| !p.is_empty()).collect();
        if parts.is_empty() {
            return match std::fs::metadata(&path) {
                Ok(meta) if meta.is_dir() => Entry::Dir,
                _ => Entry::Absent,
            };
        }
        for (i, part) in parts.iter().enumerate() {
            path.push(part);
            let Ok(meta) = std::fs::symlink_metadata(&path) else {
                return Entry::Absent;
            };
            let last = i + 1 == parts.len();
            if meta.file_type().is_symlink() {
                return Entry::Opaque;
            }
            if last {
                return if meta.is_file() {
                    Entry::File
                } else if meta.is_dir() {
                    Entry::Dir
                } else {
                    Entry::Opaque
                };
            }
            if !meta.is_dir() {
                return Entry::Absent;
            }
        }
        Entry::Absent
    }

    /// The context paths a source with wildcards in its last part
    /// (`*.sh`, `requirements*.txt`) matches, sorted. `None` when the
    /// wildcards are elsewhere too, which distrolint does not expand.
    pub fn expand(&self, source: &str) -> Option<Vec<String>> {
        let relative = clean(source)?;
        let (parent, pattern) = match relative.rsplit_once('/') {
            Some((parent, pattern)) => (parent, pattern),
            None => ("", relative.as_str()),
        };
        if has_wildcard(parent) {
            return None;
        }
        let matcher = glob(pattern)?;
        if self.entry(parent) != Entry::Dir {
            return Some(Vec::new());
        }
        let Ok(entries) = std::fs::read_dir(self.dir.join(parent)) else {
            return Some(Vec::new());
        };
        let mut matched: Vec<String> = entries
            .filter_map(|e| e.ok()?.file_name().into_string().ok())
            .filter(|name| matcher.is_match(name))
            .map(|name| {
                if parent.is_empty() {
                    name
                } else {
                    format!("{parent}/{name}")
                }
            })
            .filter(|path| !self.ignore.excludes(path))
            .collect();
        matched.sort();
        Some(matched)
    }
}

/// Whether a COPY source uses the builder's wildcards.
pub fn has_wildcard(source: &str) -> bool {
    source.contains(['*', '?', '['])
}

/// A context path with `.` parts and leading slashes gone (the context is
/// the root of every source), `None` when `..` climbs out of it.
fn clean(source: &str) -> Option<String> {
    let mut parts: Vec<&str> = Vec::new();
    for part in source.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            part => parts.push(part),
        }
    }
    Some(parts.join("/"))
}

/// The builder's glob for one path part or pattern: `*` and `?` stop at
/// `/`, `**` crosses directories, `[^…]` negates as Go writes it.
fn glob(pattern: &str) -> Option<GlobMatcher> {
    let pattern = pattern.replace("[^", "[!");
    GlobBuilder::new(&pattern)
        .literal_separator(true)
        .backslash_escape(true)
        .build()
        .ok()
        .map(|g| g.compile_matcher())
}

/// The patterns of a `.dockerignore`, in order.
#[derive(Debug, Clone, Default)]
struct DockerIgnore {
    patterns: Vec<IgnorePattern>,
}

#[derive(Debug, Clone)]
struct IgnorePattern {
    matcher: GlobMatcher,
    /// `!pattern`: sends again what an earlier pattern excluded.
    exception: bool,
}

impl DockerIgnore {
    fn parse(text: &str) -> DockerIgnore {
        let patterns = text
            .lines()
            .map(str::trim)
            .filter(|line| !line.is_empty() && !line.starts_with('#'))
            .filter_map(|line| {
                let (exception, pattern) = match line.strip_prefix('!') {
                    Some(rest) => (true, rest.trim()),
                    None => (false, line),
                };
                let pattern = clean(pattern)?;
                if pattern.is_empty() {
                    return None;
                }
                // A pattern the builder would reject stops the build; here it
                // excludes nothing rather than guessing.
                let matcher = glob(&pattern)?;
                Some(IgnorePattern { matcher, exception })
            })
            .collect();
        DockerIgnore { patterns }
    }

    /// Whether the context path `relative` is left out: the last pattern
    /// that matches it or one of its parent directories decides.
    fn excludes(&self, relative: &str) -> bool {
        let mut excluded = false;
        for pattern in &self.patterns {
            if pattern.exception == excluded
                && self_or_parents(relative).any(|p| pattern.matcher.is_match(p))
            {
                excluded = !pattern.exception;
            }
        }
        excluded
    }
}

/// `a/b/c`, `a/b`, `a`.
fn self_or_parents(relative: &str) -> impl Iterator<Item = &str> {
    std::iter::successors(Some(relative), |p| {
        p.rsplit_once('/').map(|(parent, _)| parent)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tree(files: &[&str]) -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        for file in files {
            let path = dir.path().join(file);
            if let Some(stripped) = file.strip_suffix('/') {
                std::fs::create_dir_all(dir.path().join(stripped)).unwrap();
                continue;
            }
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(&path, file).unwrap();
        }
        dir
    }

    #[test]
    fn ignore_patterns_follow_the_builder() {
        let ignore = DockerIgnore::parse(
            "# comment\n\n*.pyc\n/docs\n**/__pycache__\n.git\ntests/*\n!tests/keep.py\n  build  \n",
        );
        assert!(ignore.excludes("a.pyc"));
        assert!(!ignore.excludes("pkg/a.pyc"), "* does not cross /");
        assert!(ignore.excludes("docs/index.md"), "a parent matches");
        assert!(ignore.excludes("pkg/sub/__pycache__/x.pyc"));
        assert!(ignore.excludes(".git/config"));
        assert!(ignore.excludes("tests/a.py"));
        assert!(
            !ignore.excludes("tests/keep.py"),
            "an exception sends it again"
        );
        assert!(
            ignore.excludes("build/x"),
            "whitespace around a pattern is trimmed"
        );
        assert!(!ignore.excludes("app.py"));
    }

    #[test]
    fn an_exception_before_the_pattern_does_not_win() {
        let ignore = DockerIgnore::parse("!keep\n*\n");
        assert!(ignore.excludes("keep"));
        let ignore = DockerIgnore::parse("*\n!keep\n");
        assert!(!ignore.excludes("keep"));
        assert!(ignore.excludes("other"));
    }

    #[test]
    fn entries_and_the_ignore_file() {
        let dir = tree(&[
            "docker/rootfs/etc/app.conf",
            "docker/rootfs/usr/share/x",
            "app.py",
            "secret.key",
            ".dockerignore",
        ]);
        std::fs::write(dir.path().join(".dockerignore"), "*.key\n").unwrap();
        let context = BuildContext::at(dir.path().to_path_buf(), &dir.path().join("Dockerfile"));
        assert_eq!(context.entry("./docker/rootfs"), Entry::Dir);
        assert_eq!(context.entry("docker/rootfs/etc/app.conf"), Entry::File);
        assert_eq!(context.entry("/docker/rootfs/bin/sh"), Entry::Absent);
        assert_eq!(context.entry("secret.key"), Entry::Absent);
        assert_eq!(context.entry("../outside"), Entry::Absent);
        assert_eq!(context.entry("."), Entry::Dir);
        assert_eq!(context.expand("*.py"), Some(vec!["app.py".to_string()]));
        assert_eq!(context.expand("*.key"), Some(Vec::new()));
        assert_eq!(context.expand("*/rootfs"), None);
    }

    #[cfg(unix)]
    #[test]
    fn links_are_not_followed() {
        let dir = tree(&["ctx/app.py"]);
        std::os::unix::fs::symlink("/bin", dir.path().join("ctx/bin")).unwrap();
        let context = BuildContext::at(dir.path().join("ctx"), &dir.path().join("ctx/Dockerfile"));
        assert_eq!(context.entry("bin/sh"), Entry::Opaque);
        assert_eq!(context.entry("bin"), Entry::Opaque);
    }

    #[test]
    fn the_context_is_where_the_sources_are() {
        let dir = tree(&["requirements.txt", "src/app.py", "docker/entrypoint.sh"]);
        let root = dir.path();
        let dockerfile = root.join("docker/Dockerfile");
        let located = |sources: &[&str]| {
            let sources: Vec<String> = sources.iter().map(|s| s.to_string()).collect();
            BuildContext::locate(&dockerfile, root, &sources).map(|c| c.dir)
        };
        assert_eq!(
            located(&["requirements.txt", "src", "docker/entrypoint.sh"]),
            Some(root.to_path_buf())
        );
        assert_eq!(located(&["entrypoint.sh"]), Some(root.join("docker")));
        assert_eq!(located(&[]), Some(root.join("docker")), "the nearest");
        assert_eq!(located(&["generated.tar"]), None);
        assert_eq!(
            BuildContext::locate(&dockerfile, &root.join("elsewhere"), &[]).map(|c| c.dir),
            None
        );
    }
}
