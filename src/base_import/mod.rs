//! Generates a base-image manifest from a real root filesystem.
//!
//! The built-in manifests are never typed: `distrolint bases import` reads a
//! root filesystem (a directory, or a tar archive as `docker export` writes
//! it, plain or gzip-compressed) and records what a check needs: the
//! libraries with their sonames and symbol versions, the programs on `PATH`
//! and whether they can start, the loader and its cache, the Python
//! interpreter, a few files whose absence breaks code, and the package
//! versions everything came from.
//!
//! The tree is read into memory and links are resolved inside it only
//! (`rootfs`), so an absolute link in the image never reaches the host's
//! files. What cannot be read from the files (an ABI tag with no extension
//! module to show it, a cache in an unknown format) is written into
//! `provenance.notes` rather than guessed silently. Everything is sorted, so
//! importing the same tree twice gives the same text.

mod ldcache;
mod packages;
mod programs;
mod python;
mod rootfs;

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use self::packages::{upstream_version, Packages};
use self::rootfs::{Content, ElfFile, Node, Rootfs, ET_DYN};
use crate::base::manifest::*;
use crate::base::{compare_versions, split_version};
use crate::elf::inspect::machine_name;

pub use self::ldcache::{parse as parse_ld_so_cache, LdCacheError};

/// The `PATH` every distroless image sets.
pub const DISTROLESS_PATH: &[&str] = &[
    "/usr/local/sbin",
    "/usr/local/bin",
    "/usr/sbin",
    "/usr/bin",
    "/sbin",
    "/bin",
];

/// [`DISTROLESS_PATH`] as owned strings, the default for `--path`.
pub fn default_path() -> Vec<String> {
    DISTROLESS_PATH.iter().map(|d| d.to_string()).collect()
}

/// Reads `--tag-variant TAG:USER:WORKDIR`; the working directory may hold
/// colons of its own.
pub fn parse_tag_variant(spec: &str) -> Result<TagVariant, String> {
    let mut parts = spec.splitn(3, ':');
    match (parts.next(), parts.next(), parts.next()) {
        (Some(tag), Some(user), Some(workdir))
            if !tag.is_empty() && !user.is_empty() && workdir.starts_with('/') =>
        {
            Ok(TagVariant {
                tag: tag.to_string(),
                user: user.to_string(),
                workdir: workdir.to_string(),
            })
        }
        _ => Err(format!(
            "--tag-variant {spec:?}: expected TAG:USER:WORKDIR with an absolute WORKDIR, e.g. nonroot:65532:/home/nonroot"
        )),
    }
}

/// Symbol-version families whose newest member the manifest records.
const VERSION_FAMILIES: &[&str] = &["GLIBC", "GLIBCXX", "CXXABI", "GCC"];

/// What the root filesystem cannot tell: how the image is named and run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportOptions {
    /// The manifest's short name (`python3-debian13`).
    pub name: String,
    /// Full image references (`gcr.io/distroless/python3-debian13`).
    pub images: Vec<String>,
    pub aliases: Vec<String>,
    pub summary: String,
    /// The image's `PATH`; empty means [`DISTROLESS_PATH`].
    pub path: Vec<String>,
    /// The image's `LANG`, when it sets one.
    pub lang: Option<String>,
    /// The image's `ENTRYPOINT`, when it sets one.
    pub entrypoint: Vec<String>,
    /// The image's `USER`, when it sets one.
    pub user: Option<String>,
    /// The image's `WORKDIR`, when it sets one.
    pub workdir: Option<String>,
    /// Tags of the image that set another USER and WORKDIR over the same
    /// files (distroless `:nonroot`).
    pub tag_variants: Vec<TagVariant>,
    /// ISO date for the provenance; default `SOURCE_DATE_EPOCH`, else today.
    pub date: Option<String>,
    /// How the root filesystem was made, for the provenance.
    pub method: Option<String>,
}

impl Default for ImportOptions {
    fn default() -> Self {
        ImportOptions {
            name: String::new(),
            images: Vec::new(),
            aliases: Vec::new(),
            summary: String::new(),
            path: default_path(),
            lang: None,
            entrypoint: Vec::new(),
            user: None,
            workdir: None,
            tag_variants: Vec::new(),
            date: None,
            method: None,
        }
    }
}

#[derive(Debug, thiserror::Error, miette::Diagnostic)]
pub enum ImportError {
    #[error("cannot read {}", path.display())]
    #[diagnostic(code(distrolint::bases_import::read))]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("cannot read the archive {} at {entry}", path.display())]
    #[diagnostic(
        code(distrolint::bases_import::archive),
        help("pass a directory, or a tar archive such as `docker export` writes (plain or gzip-compressed)")
    )]
    Archive {
        path: PathBuf,
        entry: String,
        #[source]
        source: std::io::Error,
    },
    #[error("{} is neither a directory nor a tar archive with files in it", path.display())]
    #[diagnostic(code(distrolint::bases_import::not_a_rootfs))]
    NotARootfs { path: PathBuf },
    #[error("cannot tell the architecture of {}: it has no ELF file and no package database names one", path.display())]
    #[diagnostic(code(distrolint::bases_import::architecture))]
    UnknownArchitecture { path: PathBuf },
}

impl ImportError {
    fn io(path: &Path, source: std::io::Error) -> Self {
        ImportError::Io {
            path: path.to_path_buf(),
            source,
        }
    }
}

/// Reads the root filesystem at `source` (directory or tar) into a manifest.
pub fn import_rootfs(source: &Path, opts: &ImportOptions) -> Result<BaseImage, ImportError> {
    let fs = Rootfs::read(source)?;
    Importer::new(&fs, opts).manifest(source)
}

/// The manifest as TOML, under a header saying it is generated.
pub fn to_toml(base: &BaseImage) -> String {
    let body = toml::to_string(base)
        .unwrap_or_else(|e| panic!("a BaseImage always serializes to TOML: {e}"));
    format!(
        "# Generated by `distrolint bases import`; do not edit.\n\
         # Regenerate it from the image instead (scripts/generate-manifests.sh\n\
         # for the built-in bases).\n\n{body}"
    )
}

struct Importer<'a> {
    fs: &'a Rootfs,
    opts: &'a ImportOptions,
    path: Vec<String>,
    packages: Packages,
    notes: Vec<String>,
}

impl<'a> Importer<'a> {
    fn new(fs: &'a Rootfs, opts: &'a ImportOptions) -> Self {
        let path = if opts.path.is_empty() {
            default_path()
        } else {
            opts.path.clone()
        };
        Importer {
            fs,
            opts,
            path,
            packages: Packages::read(fs),
            notes: Vec::new(),
        }
    }

    fn manifest(mut self, source: &Path) -> Result<BaseImage, ImportError> {
        if self.packages.installed.is_empty() {
            self.notes.push(
                "no package database (dpkg status.d, dpkg status or apk installed) was found: packages and file owners are unknown".into(),
            );
        }
        let architecture = self
            .architecture()
            .ok_or_else(|| ImportError::UnknownArchitecture {
                path: source.to_path_buf(),
            })?;
        let mut libraries = self.libraries();
        libraries.sort_by(|a, b| a.path.cmp(&b.path));
        let mut executables = self.executables();
        executables.sort_by(|a, b| a.path.cmp(&b.path));
        let libc = self.libc(&libraries);
        let python = self.python(&architecture);
        let loader = self.loader(&architecture, libc.kind, python.as_ref());
        let facts = self.facts();
        let links = self.links(&libraries, &executables);
        let provenance = Provenance {
            method: self.opts.method.clone().unwrap_or_else(|| {
                "read from a root filesystem by `distrolint bases import`".into()
            }),
            date: self.opts.date.clone().unwrap_or_else(today),
            packages: self.packages.installed.clone(),
            notes: self.notes,
        };
        Ok(BaseImage {
            name: self.opts.name.clone(),
            images: self.opts.images.clone(),
            aliases: self.opts.aliases.clone(),
            summary: self.opts.summary.clone(),
            architecture,
            libc,
            python,
            loader,
            facts,
            links,
            libraries,
            executables,
            tag_variants: self.opts.tag_variants.clone(),
            provenance,
            variant_tag: None,
        })
    }

    /// Every ELF file, in path order.
    fn elf_files(&self) -> impl Iterator<Item = (&'a str, &'a ElfFile)> + 'a {
        self.fs.nodes.iter().filter_map(|(path, node)| match node {
            Node::File {
                content: Content::Elf(elf),
                ..
            } => Some((path.as_str(), elf.as_ref())),
            _ => None,
        })
    }

    fn elf_at(&self, path: &str) -> Option<&'a ElfFile> {
        match self.fs.lookup(path)?.1 {
            Node::File {
                content: Content::Elf(elf),
                ..
            } => Some(elf),
            _ => None,
        }
    }

    /// From the C library, else any ELF file, else the package database
    /// (distroless `static` has no ELF file at all).
    fn architecture(&self) -> Option<String> {
        let elf = self
            .elf_files()
            .find(|(_, e)| e.info.soname.as_deref() == Some("libc.so.6"))
            .or_else(|| self.elf_files().next());
        if let Some((_, elf)) = elf {
            return Some(machine_name(elf.info.machine, elf.info.is_64));
        }
        let arch = self.packages.architecture.as_deref()?;
        Some(
            match arch {
                "amd64" => "x86_64",
                "arm64" => "aarch64",
                "armhf" => "armv7l",
                "i386" | "x86" => "i686",
                "ppc64el" => "ppc64le",
                other => other,
            }
            .to_string(),
        )
    }

    /// ELF shared objects (not executables that happen to be
    /// position-independent), then the symlinks that lead to one.
    fn libraries(&self) -> Vec<Library> {
        let is_library = |path: &str, elf: &ElfFile| {
            elf.info.elf_type == ET_DYN
                && (elf.info.soname.is_some() || file_name(path).contains(".so"))
        };
        let mut libraries: Vec<Library> = self
            .elf_files()
            .filter(|(path, elf)| is_library(path, elf))
            .map(|(path, elf)| {
                let mut versions: Vec<String> = Vec::new();
                for v in &elf.info.version_defs {
                    if !versions.contains(v) {
                        versions.push(v.clone());
                    }
                }
                Library {
                    path: path.to_string(),
                    soname: elf.info.soname.clone(),
                    link_target: None,
                    versions,
                    package: self.packages.owners.get(path).cloned(),
                }
            })
            .collect();
        for (path, node) in &self.fs.nodes {
            let Node::Symlink(target) = node else {
                continue;
            };
            if !file_name(path).contains(".so") {
                continue;
            }
            if self.elf_at(path).is_some_and(|elf| is_library(path, elf)) {
                libraries.push(Library {
                    path: path.clone(),
                    soname: None,
                    link_target: Some(target.clone()),
                    versions: Vec::new(),
                    package: self.packages.owners.get(path).cloned(),
                });
            }
        }
        libraries
    }

    fn libc(&mut self, libraries: &[Library]) -> Libc {
        let glibc = self
            .elf_files()
            .filter(|(_, e)| e.info.soname.as_deref() == Some("libc.so.6"))
            .max_by_key(|(_, e)| e.libc_release.is_some());
        let musl = self
            .elf_files()
            .any(|(path, _)| file_name(path).starts_with("ld-musl-"));
        let (kind, version) = if let Some((_, elf)) = glibc {
            let version = elf
                .libc_release
                .clone()
                .or_else(|| {
                    ["libc6", "glibc"]
                        .iter()
                        .find_map(|p| self.packages.version_of(p))
                        .map(|v| upstream_version(v).to_string())
                })
                .or_else(|| {
                    let newest = newest_in_family(elf.info.version_defs.iter(), "GLIBC");
                    if newest.is_some() {
                        self.notes.push(
                            "libc.version is the newest GLIBC symbol version: libc.so.6 has no release banner and no package says".into(),
                        );
                    }
                    newest
                });
            (LibcKind::Glibc, version)
        } else if musl {
            let version = self
                .packages
                .version_of("musl")
                .map(|v| upstream_version(v).to_string());
            (LibcKind::Musl, version)
        } else {
            (LibcKind::None, None)
        };
        let mut newest_versions = BTreeMap::new();
        for family in VERSION_FAMILIES {
            let all = libraries.iter().flat_map(|l| l.versions.iter());
            if let Some(newest) = newest_in_family(all, family) {
                newest_versions.insert(family.to_string(), newest);
            }
        }
        Libc {
            kind,
            version,
            newest_versions,
        }
    }

    fn loader(&mut self, architecture: &str, kind: LibcKind, python: Option<&Python>) -> Loader {
        let interpreter = self.interpreter(architecture, kind, python);
        let ld_so_cache = self.fs.is_file("/etc/ld.so.cache");
        let mut cache_entries = Vec::new();
        if ld_so_cache {
            match self.fs.kept("/etc/ld.so.cache").map(ldcache::parse) {
                Some(Ok(entries)) => cache_entries = entries,
                Some(Err(e)) => self.notes.push(format!(
                    "/etc/ld.so.cache exists but its entries could not be read: {e}"
                )),
                None => self
                    .notes
                    .push("/etc/ld.so.cache exists but could not be read".into()),
            }
        }
        let mut default_search_path = Vec::new();
        if kind == LibcKind::Musl {
            default_search_path.extend(["/lib", "/usr/local/lib", "/usr/lib"].map(String::from));
        } else {
            if let Some(triplet) = multiarch_triplet(architecture) {
                for dir in [format!("/lib/{triplet}"), format!("/usr/lib/{triplet}")] {
                    if self.fs.is_dir(&dir) {
                        default_search_path.push(dir);
                    }
                }
            }
            if default_search_path.is_empty() && architecture.ends_with("64") {
                for dir in ["/lib64", "/usr/lib64"] {
                    if self.fs.is_dir(dir) {
                        default_search_path.push(dir.to_string());
                    }
                }
            }
            default_search_path.extend(["/lib", "/usr/lib"].map(String::from));
        }
        Loader {
            interpreter,
            ld_so_cache,
            cache_entries,
            default_search_path,
        }
    }

    /// The `PT_INTERP` programs of this image name: the Python
    /// interpreter's, else the one most programs on `PATH` use, else the
    /// architecture's standard loader when the file is there, else any
    /// loader-looking library.
    fn interpreter(
        &self,
        architecture: &str,
        kind: LibcKind,
        python: Option<&Python>,
    ) -> Option<String> {
        let exists = |p: &String| self.fs.is_file(p);
        if let Some(interp) = python
            .and_then(|p| self.elf_at(&p.executable))
            .and_then(|e| e.info.interpreter.clone())
            .filter(exists)
        {
            return Some(interp);
        }
        let mut counts: BTreeMap<String, usize> = BTreeMap::new();
        for dir in self.path_dirs() {
            for (path, _) in self.fs.children(&dir) {
                if let Some(interp) = self.elf_at(path).and_then(|e| e.info.interpreter.clone()) {
                    *counts.entry(interp).or_default() += 1;
                }
            }
        }
        if let Some((interp, _)) = counts
            .iter()
            .filter(|(i, _)| exists(i))
            .max_by(|a, b| a.1.cmp(b.1).then(b.0.cmp(a.0)))
        {
            return Some(interp.clone());
        }
        if let Some(standard) = standard_interpreter(architecture, kind).filter(exists) {
            return Some(standard);
        }
        self.elf_files()
            .map(|(path, _)| path)
            .find(|path| {
                let name = file_name(path);
                name.starts_with("ld-linux")
                    || name.starts_with("ld-musl-")
                    || name.starts_with("ld64.so")
            })
            .map(str::to_string)
    }

    fn facts(&mut self) -> Facts {
        let zoneinfo = self
            .fs
            .lookup("/usr/share/zoneinfo")
            .is_some_and(|(dir, node)| {
                matches!(node, Node::Dir) && self.fs.children(&dir).next().is_some()
            });
        let ca_bundle = [
            "/etc/ssl/certs/ca-certificates.crt",
            "/etc/pki/tls/certs/ca-bundle.crt",
            "/etc/ssl/cert.pem",
            "/etc/ssl/ca-bundle.pem",
        ]
        .into_iter()
        .find(|p| self.fs.is_file(p))
        .map(str::to_string);
        let mut locales = Vec::new();
        if let Some((dir, Node::Dir)) = self.fs.lookup("/usr/lib/locale") {
            for (path, _) in self.fs.children(&dir) {
                if self.fs.is_dir(path) {
                    locales.push(file_name(path).to_string());
                } else if file_name(path) == "locale-archive" {
                    self.notes.push(
                        "/usr/lib/locale/locale-archive exists; the locales inside it are not listed".into(),
                    );
                }
            }
        }
        locales.sort();
        Facts {
            bin_sh: self.fs.is_file("/bin/sh"),
            usr_bin_env: self.fs.is_file("/usr/bin/env"),
            zoneinfo,
            zoneinfo_legacy: self.fs.is_file("/usr/share/zoneinfo/US/Pacific"),
            ca_bundle,
            locales,
            lang: self.opts.lang.clone(),
            entrypoint: self.opts.entrypoint.clone(),
            user: self.opts.user.clone(),
            workdir: self.opts.workdir.clone(),
            accounts: self.accounts(),
            // What `ctypes.util.find_library` runs.
            ldconfig: self.fs.is_file("/sbin/ldconfig"),
            path: self.path.clone(),
        }
    }

    /// The accounts of `/etc/passwd`, in file order. A line that is not
    /// `name:password:uid:gid:gecos:home:shell` with numeric ids is
    /// skipped with a note: the file is input like any other.
    fn accounts(&mut self) -> Vec<Account> {
        let Some(bytes) = self.fs.kept("/etc/passwd") else {
            if self.fs.lookup("/etc/passwd").is_some() {
                self.notes
                    .push("/etc/passwd exists but could not be read: accounts are unknown".into());
            }
            return Vec::new();
        };
        let text = String::from_utf8_lossy(bytes);
        let mut accounts = Vec::new();
        for line in text
            .lines()
            .filter(|l| !l.trim().is_empty() && !l.starts_with('#'))
        {
            let fields: Vec<&str> = line.split(':').collect();
            let parsed = match fields.as_slice() {
                [name, _, uid, gid, _, home, ..] if !name.is_empty() => uid
                    .parse()
                    .ok()
                    .zip(gid.parse().ok())
                    .map(|(uid, gid)| Account {
                        name: name.to_string(),
                        uid,
                        gid,
                        home: home.to_string(),
                    }),
                _ => None,
            };
            match parsed {
                Some(account) => accounts.push(account),
                None => self.notes.push(format!(
                    "/etc/passwd: a line that is not an account was skipped: {line:?}"
                )),
            }
        }
        accounts
    }

    /// Symlinks to directories near the root (`/lib -> usr/lib`), and any
    /// deeper one through which a recorded library or program is reached.
    fn links(&self, libraries: &[Library], executables: &[Executable]) -> Vec<Link> {
        let recorded: BTreeSet<&str> = libraries
            .iter()
            .map(|l| l.path.as_str())
            .chain(executables.iter().map(|e| e.path.as_str()))
            .collect();
        let mut links = Vec::new();
        for (path, node) in &self.fs.nodes {
            let Node::Symlink(target) = node else {
                continue;
            };
            let Some((dir, Node::Dir)) = self.fs.lookup(path) else {
                continue;
            };
            let shallow = path.matches('/').count() <= 2;
            let prefix = format!("{}/", dir.trim_end_matches('/'));
            let leads_somewhere = recorded.iter().any(|p| p.starts_with(&prefix));
            if shallow || leads_somewhere {
                links.push(Link {
                    path: path.clone(),
                    target: target.clone(),
                });
            }
        }
        links
    }
}

fn file_name(path: &str) -> &str {
    path.rsplit('/').next().unwrap_or(path)
}

/// The newest `FAMILY_x.y` among `versions`, as `x.y`.
fn newest_in_family<'v>(
    versions: impl Iterator<Item = &'v String>,
    family: &str,
) -> Option<String> {
    versions
        .filter_map(|v| split_version(v))
        .filter(|(f, _)| *f == family)
        .map(|(_, number)| number)
        .max_by(|a, b| compare_versions(a, b))
        .map(str::to_string)
}

/// Debian's multiarch directory name for an architecture.
fn multiarch_triplet(architecture: &str) -> Option<&'static str> {
    Some(match architecture {
        "x86_64" => "x86_64-linux-gnu",
        "aarch64" => "aarch64-linux-gnu",
        "i686" => "i386-linux-gnu",
        "armv7l" => "arm-linux-gnueabihf",
        "ppc64le" => "powerpc64le-linux-gnu",
        "s390x" => "s390x-linux-gnu",
        "riscv64" => "riscv64-linux-gnu",
        _ => return None,
    })
}

/// The loader path the toolchains write into programs.
fn standard_interpreter(architecture: &str, kind: LibcKind) -> Option<String> {
    Some(match kind {
        LibcKind::Musl => format!("/lib/ld-musl-{architecture}.so.1"),
        _ => match architecture {
            "x86_64" => "/lib64/ld-linux-x86-64.so.2",
            "aarch64" => "/lib/ld-linux-aarch64.so.1",
            "i686" => "/lib/ld-linux.so.2",
            "armv7l" => "/lib/ld-linux-armhf.so.3",
            "ppc64le" => "/lib64/ld64.so.2",
            "s390x" => "/lib/ld64.so.1",
            "riscv64" => "/lib/ld-linux-riscv64-lp64d.so.1",
            _ => return None,
        }
        .to_string(),
    })
}

/// `SOURCE_DATE_EPOCH` (for reproducible output) or the current day, UTC.
fn today() -> String {
    let seconds = std::env::var("SOURCE_DATE_EPOCH")
        .ok()
        .and_then(|s| s.trim().parse::<i64>().ok())
        .unwrap_or_else(|| {
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map(|d| d.as_secs() as i64)
                .unwrap_or(0)
        });
    let (y, m, d) = civil_from_days(seconds.div_euclid(86_400));
    format!("{y:04}-{m:02}-{d:02}")
}

/// Days since 1970-01-01 to a proleptic Gregorian date.
fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn days_become_dates() {
        assert_eq!(civil_from_days(0), (1970, 1, 1));
        assert_eq!(civil_from_days(19_723), (2024, 1, 1));
        assert_eq!(civil_from_days(20_513), (2026, 3, 1));
        assert_eq!(civil_from_days(-1), (1969, 12, 31));
    }
}
