//! A root filesystem read into memory, from a directory or a tar archive.
//!
//! The importer needs the shape of the tree (directories, files, symlinks)
//! and the contents of a few kinds of files only: ELF files (inspected at
//! once, so their bytes are dropped), the `#!` line of scripts, and the
//! package databases and loader cache. Everything else is kept as "a file is
//! there". Reading both sources into the same model means every later step
//! works the same on `docker export` output and on an unpacked directory.
//!
//! Symlinks are resolved here, inside the tree only: an absolute target
//! starts again at the tree's root and `..` at the root stays at the root, as
//! under `chroot`. Nothing on the host is ever followed. An archive member
//! is kept at the path the archive gives it, even if an earlier member made
//! one of its directories a symlink (`docker export` never writes that).

use std::collections::BTreeMap;
use std::fs::File;
use std::io::{BufReader, Read};
use std::os::unix::fs::PermissionsExt;
use std::path::Path;

use walkdir::WalkDir;

use super::ImportError;
use crate::base::normalize;
use crate::elf::inspect::{self, ElfInfo};

/// How many symlinks one lookup may cross, as the kernel allows.
const MAX_LINK_HOPS: usize = 40;

/// The ELF type of shared objects and position-independent executables.
pub(crate) const ET_DYN: u16 = 3;

#[derive(Debug, Clone)]
pub(crate) enum Node {
    Dir,
    File { mode: u32, content: Content },
    Symlink(String),
}

#[derive(Debug, Clone)]
pub(crate) enum Content {
    Elf(Box<ElfFile>),
    /// The `#!` line, without `#!` and surrounding blanks.
    Script(String),
    /// Package databases, the loader cache and `/etc/passwd`, kept whole.
    Kept(Vec<u8>),
    /// Anything else: only its presence matters.
    Other,
}

#[derive(Debug, Clone)]
pub(crate) struct ElfFile {
    pub info: ElfInfo,
    /// For the C library: the release named in its version banner
    /// (`… release version 2.36.`), which outlives the symbol versions
    /// (a release need not add one).
    pub libc_release: Option<String>,
}

/// The whole tree, keyed by normalised absolute path.
#[derive(Debug, Default)]
pub(crate) struct Rootfs {
    pub nodes: BTreeMap<String, Node>,
}

/// Paths whose contents later steps read.
fn is_kept(path: &str) -> bool {
    path == "/etc/ld.so.cache"
        || path == "/etc/passwd"
        || path.starts_with("/var/lib/dpkg/")
        || path.ends_with("/apk/db/installed")
}

/// Decides what a regular file's content is, reading no more than needed.
fn classify(path: &str, mut reader: impl Read) -> std::io::Result<Content> {
    let mut head = Vec::with_capacity(512);
    reader.by_ref().take(512).read_to_end(&mut head)?;
    if is_kept(path) {
        reader.read_to_end(&mut head)?;
        return Ok(Content::Kept(head));
    }
    if inspect::has_elf_magic(&head) {
        reader.read_to_end(&mut head)?;
        return Ok(match inspect::inspect(&head) {
            Ok(info) => {
                let libc_release = if info.soname.as_deref() == Some("libc.so.6") {
                    glibc_release(&head)
                } else {
                    None
                };
                Content::Elf(Box::new(ElfFile { info, libc_release }))
            }
            // A truncated or foreign file that only looks like ELF: the
            // loader would reject it too, so it is nothing usable.
            Err(_) => Content::Other,
        });
    }
    if let Some(rest) = head.strip_prefix(b"#!") {
        let line = rest.split(|&b| b == b'\n').next().unwrap_or_default();
        return Ok(Content::Script(
            String::from_utf8_lossy(line).trim().to_string(),
        ));
    }
    Ok(Content::Other)
}

/// Finds `release version X.Y` in glibc's banner string.
fn glibc_release(bytes: &[u8]) -> Option<String> {
    const MARK: &[u8] = b"release version ";
    let start = bytes.windows(MARK.len()).position(|w| w == MARK)? + MARK.len();
    let version: String = bytes[start..]
        .iter()
        .take_while(|b| b.is_ascii_digit() || **b == b'.')
        .map(|&b| b as char)
        .collect();
    let version = version.trim_end_matches('.').to_string();
    (!version.is_empty()).then_some(version)
}

impl Rootfs {
    /// Reads a directory or a (possibly gzip-compressed) tar archive.
    pub fn read(source: &Path) -> Result<Rootfs, ImportError> {
        let meta = std::fs::metadata(source).map_err(|e| ImportError::io(source, e))?;
        if meta.is_dir() {
            Self::read_dir(source)
        } else {
            Self::read_tar(source)
        }
    }

    fn read_dir(root: &Path) -> Result<Rootfs, ImportError> {
        let mut fs = Rootfs::default();
        fs.nodes.insert("/".into(), Node::Dir);
        for entry in WalkDir::new(root).follow_links(false).sort_by_file_name() {
            let entry = entry.map_err(|e| {
                let path = e.path().unwrap_or(root).to_path_buf();
                ImportError::io(&path, e.into())
            })?;
            let Ok(relative) = entry.path().strip_prefix(root) else {
                continue;
            };
            let path = normalize(&format!("/{}", relative.to_string_lossy()));
            if path == "/" {
                continue;
            }
            let file_type = entry.file_type();
            let node = if file_type.is_dir() {
                Node::Dir
            } else if file_type.is_symlink() {
                let target = std::fs::read_link(entry.path())
                    .map_err(|e| ImportError::io(entry.path(), e))?;
                Node::Symlink(target.to_string_lossy().into_owned())
            } else if file_type.is_file() {
                let mode = entry
                    .metadata()
                    .map_err(|e| ImportError::io(entry.path(), e.into()))?
                    .permissions()
                    .mode();
                let file =
                    File::open(entry.path()).map_err(|e| ImportError::io(entry.path(), e))?;
                let content = classify(&path, BufReader::new(file))
                    .map_err(|e| ImportError::io(entry.path(), e))?;
                Node::File { mode, content }
            } else {
                // Devices, FIFOs and sockets: never opened (a FIFO blocks).
                continue;
            };
            fs.nodes.insert(path, node);
        }
        Ok(fs)
    }

    fn read_tar(archive_path: &Path) -> Result<Rootfs, ImportError> {
        let archive_error = |entry: &str, source: std::io::Error| ImportError::Archive {
            path: archive_path.to_path_buf(),
            entry: entry.to_string(),
            source,
        };
        let mut file = File::open(archive_path).map_err(|e| ImportError::io(archive_path, e))?;
        let mut magic = [0u8; 2];
        let gzip = file.read_exact(&mut magic).is_ok() && magic == [0x1f, 0x8b];
        let file = File::open(archive_path).map_err(|e| ImportError::io(archive_path, e))?;
        let reader: Box<dyn Read> = if gzip {
            Box::new(flate2::read::MultiGzDecoder::new(BufReader::new(file)))
        } else {
            Box::new(BufReader::new(file))
        };
        let mut archive = tar::Archive::new(reader);
        let mut fs = Rootfs::default();
        fs.nodes.insert("/".into(), Node::Dir);
        let entries = archive.entries().map_err(|e| archive_error("(start)", e))?;
        let mut seen_any = false;
        for entry in entries {
            let mut entry = entry.map_err(|e| archive_error("(header)", e))?;
            seen_any = true;
            let raw_path = entry
                .path()
                .map_err(|e| archive_error("(path)", e))?
                .to_string_lossy()
                .into_owned();
            let path = normalize(&format!("/{raw_path}"));
            if path == "/" {
                continue;
            }
            let kind = entry.header().entry_type();
            let node = if kind.is_dir() {
                Node::Dir
            } else if kind.is_symlink() {
                let target = entry
                    .link_name()
                    .map_err(|e| archive_error(&raw_path, e))?
                    .map(|t| t.to_string_lossy().into_owned())
                    .unwrap_or_default();
                Node::Symlink(target)
            } else if kind.is_hard_link() {
                // A hard link names an earlier member by its archive path.
                let target = entry
                    .link_name()
                    .map_err(|e| archive_error(&raw_path, e))?
                    .map(|t| normalize(&format!("/{}", t.to_string_lossy())))
                    .unwrap_or_default();
                match fs.nodes.get(&target) {
                    Some(node) => node.clone(),
                    None => continue,
                }
            } else if kind.is_file() || kind == tar::EntryType::Continuous {
                let mode = entry.header().mode().unwrap_or(0o644);
                let content =
                    classify(&path, &mut entry).map_err(|e| archive_error(&raw_path, e))?;
                Node::File { mode, content }
            } else {
                continue;
            };
            fs.add_parents(&path);
            fs.nodes.insert(path, node);
        }
        if !seen_any {
            return Err(ImportError::NotARootfs {
                path: archive_path.to_path_buf(),
            });
        }
        Ok(fs)
    }

    /// Archives need not list every directory before its contents.
    fn add_parents(&mut self, path: &str) {
        let mut end = 0;
        while let Some(pos) = path[end + 1..].find('/') {
            end += pos + 1;
            self.nodes
                .entry(path[..end].to_string())
                .or_insert(Node::Dir);
        }
    }

    pub fn get(&self, canonical: &str) -> Option<&Node> {
        self.nodes.get(canonical)
    }

    /// The canonical path `path` names inside the tree, crossing every
    /// symlink on the way (and the last one too when `follow_last`). `None`
    /// when a component is missing, a file is used as a directory, or the
    /// links loop.
    pub fn resolve(&self, path: &str, follow_last: bool) -> Option<String> {
        let mut pending: Vec<String> = components(path).rev().collect();
        let mut resolved: Vec<String> = Vec::new();
        let mut hops = 0;
        while let Some(part) = pending.pop() {
            if part == ".." {
                resolved.pop();
                continue;
            }
            let candidate = join(&resolved, &part);
            match self.nodes.get(&candidate)? {
                Node::Symlink(target) if follow_last || !pending.is_empty() => {
                    hops += 1;
                    if hops > MAX_LINK_HOPS {
                        return None;
                    }
                    if target.starts_with('/') {
                        resolved.clear();
                    }
                    pending.extend(components(target).rev());
                }
                Node::File { .. } if !pending.is_empty() => return None,
                _ => resolved.push(part),
            }
        }
        Some(join_all(&resolved))
    }

    /// Like [`resolve`](Self::resolve) for the directory part only: where a
    /// file of that name is or would be. Package file lists name paths this
    /// way (`lib/x86_64-linux-gnu/libc.so.6` lives under `/usr` on a
    /// merged-/usr image).
    pub fn resolve_parent(&self, path: &str) -> Option<String> {
        let path = normalize(path);
        let (parent, name) = path.rsplit_once('/')?;
        let parent = self.resolve(if parent.is_empty() { "/" } else { parent }, true)?;
        Some(if parent == "/" {
            format!("/{name}")
        } else {
            format!("{parent}/{name}")
        })
    }

    /// The node `path` finally names, following every link.
    pub fn lookup(&self, path: &str) -> Option<(String, &Node)> {
        let canonical = self.resolve(path, true)?;
        let node = self.nodes.get(&canonical)?;
        Some((canonical, node))
    }

    pub fn is_file(&self, path: &str) -> bool {
        matches!(self.lookup(path), Some((_, Node::File { .. })))
    }

    pub fn is_dir(&self, path: &str) -> bool {
        matches!(self.lookup(path), Some((_, Node::Dir)))
    }

    /// The entries directly inside the canonical directory `dir`, by name.
    pub fn children<'a>(&'a self, dir: &str) -> impl Iterator<Item = (&'a str, &'a Node)> + 'a {
        let prefix = if dir == "/" {
            "/".to_string()
        } else {
            format!("{dir}/")
        };
        let start = prefix.clone();
        let skip = prefix.len();
        self.nodes
            .range(start..)
            .take_while(move |(p, _)| p.starts_with(&prefix))
            .filter_map(move |(p, n)| {
                let name = &p[skip..];
                (!name.is_empty() && !name.contains('/')).then_some((p.as_str(), n))
            })
    }

    /// The kept contents of the file `path` names.
    pub fn kept(&self, path: &str) -> Option<&[u8]> {
        match self.lookup(path)?.1 {
            Node::File {
                content: Content::Kept(bytes),
                ..
            } => Some(bytes),
            _ => None,
        }
    }
}

fn components(path: &str) -> impl DoubleEndedIterator<Item = String> + '_ {
    path.split('/')
        .filter(|p| !p.is_empty() && *p != ".")
        .map(str::to_string)
}

fn join(parts: &[String], last: &str) -> String {
    let mut s = join_all(parts);
    if !s.ends_with('/') {
        s.push('/');
    }
    s.push_str(last);
    s
}

fn join_all(parts: &[String]) -> String {
    format!("/{}", parts.join("/"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tree(entries: &[(&str, Node)]) -> Rootfs {
        let mut fs = Rootfs::default();
        fs.nodes.insert("/".into(), Node::Dir);
        for (path, node) in entries {
            fs.add_parents(path);
            fs.nodes.insert(path.to_string(), node.clone());
        }
        fs
    }

    fn file() -> Node {
        Node::File {
            mode: 0o755,
            content: Content::Other,
        }
    }

    #[test]
    fn links_resolve_inside_the_tree_and_never_above_it() {
        let fs = tree(&[
            ("/usr/lib/x86_64-linux-gnu/libc.so.6", file()),
            ("/lib", Node::Symlink("usr/lib".into())),
            ("/usr/lib64", Node::Dir),
            ("/lib64", Node::Symlink("/usr/lib64".into())),
            (
                "/usr/lib64/ld-linux-x86-64.so.2",
                Node::Symlink("../lib/x86_64-linux-gnu/ld-linux-x86-64.so.2".into()),
            ),
            ("/usr/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2", file()),
            ("/escape", Node::Symlink("../../../../etc/passwd".into())),
            ("/etc/passwd", file()),
        ]);
        assert_eq!(
            fs.resolve("/lib/x86_64-linux-gnu/libc.so.6", true)
                .as_deref(),
            Some("/usr/lib/x86_64-linux-gnu/libc.so.6")
        );
        assert_eq!(
            fs.resolve("/lib64/ld-linux-x86-64.so.2", true).as_deref(),
            Some("/usr/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2")
        );
        assert_eq!(
            fs.resolve("/lib64/ld-linux-x86-64.so.2", false).as_deref(),
            Some("/usr/lib64/ld-linux-x86-64.so.2")
        );
        // `..` stops at the tree's root: this is the image's /etc/passwd.
        assert_eq!(fs.resolve("/escape", true).as_deref(), Some("/etc/passwd"));
        assert_eq!(fs.resolve("/lib/missing", true), None);
        assert_eq!(
            fs.resolve_parent("/lib/x86_64-linux-gnu/new.so").as_deref(),
            Some("/usr/lib/x86_64-linux-gnu/new.so")
        );
    }

    #[test]
    fn a_link_loop_is_not_followed_forever() {
        let fs = tree(&[
            ("/a", Node::Symlink("b".into())),
            ("/b", Node::Symlink("/a".into())),
        ]);
        assert_eq!(fs.resolve("/a", true), None);
        assert_eq!(fs.resolve("/a/x", true), None);
    }

    #[test]
    fn a_file_is_not_a_directory() {
        let fs = tree(&[("/bin/sh", file())]);
        assert_eq!(fs.resolve("/bin/sh/x", true), None);
        let names: Vec<&str> = fs.children("/bin").map(|(p, _)| p).collect();
        assert_eq!(names, ["/bin/sh"]);
    }

    #[test]
    fn the_glibc_banner_gives_the_release() {
        let banner =
            b"\0GNU C Library (Debian GLIBC 2.36-9+deb12u10) stable release version 2.36.\n";
        assert_eq!(glibc_release(banner).as_deref(), Some("2.36"));
        assert_eq!(glibc_release(b"nothing here"), None);
    }
}
