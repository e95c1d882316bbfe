//! The base images distrolint judges code against.
//!
//! Built-in manifests are embedded from `rules/bases/*.toml` at build time;
//! `--base-file` reads one from disk. Lookup accepts a manifest name, an alias
//! or a full image reference with any tag or digest (`:nonroot`,
//! `@sha256:…`); `:debug` tags are a different image (they ship busybox) and
//! only match a manifest that lists them.

pub mod manifest;

use std::path::Path;

pub use manifest::*;

const EMBEDDED: &[(&str, &str)] = include!(concat!(env!("OUT_DIR"), "/embedded_bases.rs"));

/// The base used when neither `--base` nor a Dockerfile names one.
pub const DEFAULT_BASE: &str = "python3-debian13";

#[derive(Debug, thiserror::Error, miette::Diagnostic)]
pub enum BaseError {
    #[error("unknown base image `{name}`")]
    #[diagnostic(
        code(distrolint::unknown_base),
        help("run `distrolint bases` for the built-in images, or describe your own with `distrolint bases import ROOTFS --name NAME -o FILE` and pass it with --base-file")
    )]
    Unknown { name: String },
    #[error("cannot read base manifest {path}")]
    #[diagnostic(code(distrolint::base_file))]
    Read {
        path: String,
        #[source]
        source: std::io::Error,
    },
    #[error("invalid base manifest {name}")]
    #[diagnostic(code(distrolint::base_manifest))]
    Parse {
        name: String,
        #[source_code]
        source_code: miette::NamedSource<String>,
        #[label("{message}")]
        span: Option<miette::SourceSpan>,
        message: String,
    },
}

/// Parses one manifest, reporting a bad one with its position.
pub fn parse_manifest(name: &str, text: &str) -> Result<BaseImage, BaseError> {
    toml::from_str::<BaseImage>(text).map_err(|err| BaseError::Parse {
        name: name.to_string(),
        source_code: miette::NamedSource::new(name, text.to_string()),
        span: err.span().map(Into::into),
        message: err.message().to_string(),
    })
}

/// Every built-in base, sorted by name. A broken embedded manifest is a bug
/// caught by the test suite, so it panics with the file's name.
pub fn builtin() -> Vec<BaseImage> {
    let mut bases: Vec<BaseImage> = EMBEDDED
        .iter()
        .map(|(file, text)| {
            parse_manifest(file, text)
                .unwrap_or_else(|e| panic!("embedded base manifest {file} is invalid: {e:?}"))
        })
        .collect();
    bases.sort_by(|a, b| a.name.cmp(&b.name));
    bases
}

/// Reads a manifest given with `--base-file`.
pub fn from_file(path: &Path) -> Result<BaseImage, BaseError> {
    let text = std::fs::read_to_string(path).map_err(|source| BaseError::Read {
        path: path.display().to_string(),
        source,
    })?;
    parse_manifest(&path.display().to_string(), &text)
}

/// Finds a built-in base by name, alias or image reference.
pub fn find(query: &str) -> Result<BaseImage, BaseError> {
    let bases = builtin();
    find_in(&bases, query)
        .cloned()
        .ok_or_else(|| BaseError::Unknown {
            name: query.to_string(),
        })
}

/// The lookup itself, separate so it can be tested on any list.
pub fn find_in<'a>(bases: &'a [BaseImage], query: &str) -> Option<&'a BaseImage> {
    let query = query.trim();
    if let Some(b) = bases
        .iter()
        .find(|b| b.name == query || b.aliases.iter().any(|a| a == query))
    {
        return Some(b);
    }
    // An image reference: try it exactly (a manifest may list a `:debug`
    // tag), then without a digest, then without a tag unless it is a debug tag.
    if let Some(b) = bases.iter().find(|b| b.images.iter().any(|i| i == query)) {
        return Some(b);
    }
    let (without_digest, _) = query.split_once('@').unwrap_or((query, ""));
    let (repository, tag) = split_tag(without_digest);
    if tag.is_some_and(|t| t.contains("debug")) {
        return bases
            .iter()
            .find(|b| b.images.iter().any(|i| i == without_digest));
    }
    bases.iter().find(|b| {
        b.images
            .iter()
            .any(|i| i == repository || split_tag(i) == (repository, tag))
    })
}

/// Splits `repo:tag`; a colon inside the registry's host:port is not a tag.
fn split_tag(reference: &str) -> (&str, Option<&str>) {
    match reference.rfind(':') {
        Some(pos) if !reference[pos + 1..].contains('/') => {
            (&reference[..pos], Some(&reference[pos + 1..]))
        }
        _ => (reference, None),
    }
}

impl BaseImage {
    /// The library at exactly `path` inside the image, following the
    /// image's own symlinks (bounded, since a manifest is input too).
    pub fn library_at(&self, path: &str) -> Option<&Library> {
        let mut current = normalize(path);
        for _ in 0..16 {
            let lib = self
                .libraries
                .binary_search_by(|l| l.path.as_str().cmp(current.as_str()))
                .ok()
                .map(|i| &self.libraries[i])
                .or_else(|| self.libraries.iter().find(|l| l.path == current))?;
            match &lib.link_target {
                None => return Some(lib),
                Some(target) => {
                    current = if target.starts_with('/') {
                        normalize(target)
                    } else {
                        let parent = current.rsplit_once('/').map(|(p, _)| p).unwrap_or("");
                        normalize(&format!("{parent}/{target}"))
                    };
                }
            }
        }
        None
    }

    /// Searches the ld.so.cache (when the image has one), then the default
    /// directories, as the loader does after RPATH/RUNPATH.
    pub fn find_system_library(&self, soname: &str) -> Option<&Library> {
        if self.loader.ld_so_cache {
            if let Some(entry) = self.loader.cache_entries.iter().find(|e| e.soname == soname) {
                if let Some(lib) = self.library_at(&entry.path) {
                    return Some(lib);
                }
            }
        }
        self.loader
            .default_search_path
            .iter()
            .find_map(|dir| self.library_at(&format!("{dir}/{soname}")))
    }

    /// The executable a bare program name finds on the image's PATH, or the
    /// executable at an absolute path.
    pub fn find_executable(&self, program: &str) -> Option<&Executable> {
        if program.contains('/') {
            let path = normalize(program);
            return self.executables.iter().find(|e| e.path == path);
        }
        self.facts.path.iter().find_map(|dir| {
            let candidate = normalize(&format!("{dir}/{program}"));
            self.executables.iter().find(|e| e.path == candidate)
        })
    }

    /// Whether the base defines `version` (e.g. `GLIBC_2.38`) in `library`,
    /// falling back to the family maxima for curated manifests.
    pub fn defines_version(&self, library: &Library, version: &str) -> bool {
        if !library.versions.is_empty() {
            return library.versions.iter().any(|v| v == version);
        }
        let Some((family, number)) = split_version(version) else {
            // Names like `Base` or a library's own private tag: without a list
            // of definitions we cannot say it is missing.
            return true;
        };
        match self.libc.newest_versions.get(family) {
            Some(newest) => compare_versions(number, newest) != std::cmp::Ordering::Greater,
            None => true,
        }
    }

    pub fn display_name(&self) -> String {
        match self.images.first() {
            Some(image) => format!("{} ({image})", self.name),
            None => self.name.clone(),
        }
    }
}

/// `GLIBC_2.38` → (`GLIBC`, `2.38`).
pub fn split_version(version: &str) -> Option<(&str, &str)> {
    let (family, number) = version.rsplit_once('_')?;
    if number.is_empty() || !number.chars().all(|c| c.is_ascii_digit() || c == '.') {
        return None;
    }
    Some((family, number))
}

/// Compares dotted version numbers numerically (`2.9` < `2.10`).
pub fn compare_versions(a: &str, b: &str) -> std::cmp::Ordering {
    let parse = |s: &str| -> Vec<u64> { s.split('.').map(|p| p.parse().unwrap_or(0)).collect() };
    let (a, b) = (parse(a), parse(b));
    for i in 0..a.len().max(b.len()) {
        let (x, y) = (a.get(i).copied().unwrap_or(0), b.get(i).copied().unwrap_or(0));
        match x.cmp(&y) {
            std::cmp::Ordering::Equal => continue,
            other => return other,
        }
    }
    std::cmp::Ordering::Equal
}

/// Collapses `.`, `..` and repeated slashes in an absolute image path.
/// `..` at the root stays at the root, as the kernel does.
pub fn normalize(path: &str) -> String {
    let mut parts: Vec<&str> = Vec::new();
    for part in path.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            p => parts.push(p),
        }
    }
    format!("/{}", parts.join("/"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn version_numbers_compare_numerically() {
        assert_eq!(compare_versions("2.9", "2.10"), std::cmp::Ordering::Less);
        assert_eq!(compare_versions("3.4.30", "3.4.30"), std::cmp::Ordering::Equal);
        assert_eq!(compare_versions("2.41", "2.36"), std::cmp::Ordering::Greater);
        assert_eq!(split_version("GLIBC_2.38"), Some(("GLIBC", "2.38")));
        assert_eq!(split_version("GLIBC_PRIVATE"), None);
    }

    #[test]
    fn image_paths_normalize_like_the_kernel() {
        assert_eq!(normalize("/lib/../usr//lib/./x.so"), "/usr/lib/x.so");
        assert_eq!(normalize("/../../etc"), "/etc");
    }

    #[test]
    fn tags_split_without_confusing_a_registry_port() {
        assert_eq!(split_tag("gcr.io/distroless/cc:nonroot"), ("gcr.io/distroless/cc", Some("nonroot")));
        assert_eq!(split_tag("localhost:5000/app"), ("localhost:5000/app", None));
    }
}
