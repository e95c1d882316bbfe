//! The base images distrolint judges code against.
//!
//! Built-in manifests are embedded from `rules/bases/*.toml` at build time;
//! `--base-file` reads one from disk. Lookup accepts a manifest name, an alias
//! or a full image reference with any tag or digest (`:nonroot`,
//! `@sha256:…`); `:debug` tags are a different image (they ship busybox) and
//! only match a manifest that lists them.

mod locale;
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
        /// Shared rather than inline, so the error stays small.
        #[source_code]
        source_code: std::sync::Arc<miette::NamedSource<String>>,
        #[label("{message}")]
        span: Option<miette::SourceSpan>,
        message: String,
    },
    /// A manifest the scanned tree supplies that is not a TOML document:
    /// its lines are not quoted, they may be anything.
    #[error("invalid base manifest {name}:{line}:{column}: {message} (the file is not shown: it is not a TOML document)")]
    #[diagnostic(code(distrolint::base_manifest))]
    ParseUnquoted {
        name: String,
        line: usize,
        column: usize,
        message: String,
    },
}

/// Parses one manifest, reporting a bad one with its position.
pub fn parse_manifest(name: &str, text: &str) -> Result<BaseImage, BaseError> {
    toml::from_str::<BaseImage>(text).map_err(|err| BaseError::Parse {
        name: name.to_string(),
        source_code: std::sync::Arc::new(miette::NamedSource::new(name, text.to_string())),
        span: err.span().map(Into::into),
        message: err.message().to_string(),
    })
}

/// Every built-in base, sorted by name, with a manifest of its own for each
/// tag variant its file declares (`python3-debian13:nonroot`). A broken
/// embedded manifest is a bug caught by the test suite, so it panics with
/// the file's name.
pub fn builtin() -> Vec<BaseImage> {
    let mut bases: Vec<BaseImage> = EMBEDDED
        .iter()
        .map(|(file, text)| {
            parse_manifest(file, text)
                .unwrap_or_else(|e| panic!("embedded base manifest {file} is invalid: {e:?}"))
        })
        .flat_map(with_tag_variants)
        .collect();
    bases.sort_by(|a, b| a.name.cmp(&b.name));
    bases
}

/// `base` and a manifest for each tag variant it declares, the variants
/// after it: [`find_in`] over the list picks `:nonroot` for a reference
/// with that tag and `base` for any other.
pub fn with_tag_variants(base: BaseImage) -> Vec<BaseImage> {
    let variants: Vec<BaseImage> = base.tag_variants.iter().map(|v| base.for_tag(v)).collect();
    std::iter::once(base).chain(variants).collect()
}

/// Parses a manifest the scanned tree supplies: a mistake is shown against
/// its source only when `show` (see
/// [`crate::tree_files::NamedBy::may_show`]).
pub fn parse_manifest_shown(name: &str, text: &str, show: bool) -> Result<BaseImage, BaseError> {
    match parse_manifest(name, text) {
        Err(BaseError::Parse { span, message, .. }) if !show => {
            let (line, column) =
                crate::text_position::line_column(text, span.map_or(0, |s| s.offset()));
            Err(BaseError::ParseUnquoted {
                name: name.to_string(),
                line,
                column,
                message,
            })
        }
        other => other,
    }
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
    // A manifest listing this exact tag wins over one listing the bare
    // repository, whatever their order: `python:latest-dev` is not `python`.
    // An untagged reference means `:latest`, as for `docker pull`.
    let wanted = (repository, Some(tag.unwrap_or("latest")));
    if let Some(b) = bases
        .iter()
        .find(|b| b.images.iter().any(|i| split_tag(i) == wanted))
    {
        return Some(b);
    }
    // A manifest listing the bare repository covers all of its (non-debug)
    // tags: `:nonroot`, `:latest`, a version tag.
    bases
        .iter()
        .find(|b| b.images.iter().any(|i| i == repository))
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
    /// The manifest of the image under the tag `variant`: the same files,
    /// its USER and WORKDIR. A tagged reference resolves to it before the
    /// bare repository (see [`find_in`]), so `FROM …:nonroot` is judged as
    /// the user 65532 in /home/nonroot that it is.
    pub fn for_tag(&self, variant: &TagVariant) -> BaseImage {
        let tagged = |reference: &String| format!("{reference}:{}", variant.tag);
        let mut base = self.clone();
        base.name = tagged(&self.name);
        base.images = self.images.iter().map(tagged).collect();
        base.aliases = self.aliases.iter().map(tagged).collect();
        base.summary = format!(
            "{} (tag {}: USER {}, WORKDIR {})",
            self.summary, variant.tag, variant.user, variant.workdir
        );
        base.facts.user = Some(variant.user.clone());
        base.facts.workdir = Some(variant.workdir.clone());
        base.tag_variants = Vec::new();
        base.variant_tag = Some(variant.tag.clone());
        base
    }

    /// The name of the manifest this one was derived from for a tag (its
    /// own name otherwise): the tags of one image hold the same files.
    pub fn untagged_name(&self) -> &str {
        match &self.variant_tag {
            Some(tag) => self
                .name
                .strip_suffix(tag.as_str())
                .and_then(|n| n.strip_suffix(':'))
                .unwrap_or(&self.name),
            None => &self.name,
        }
    }

    /// The working directory a container starts in unless the Dockerfile
    /// sets one: the image's WORKDIR, else Docker's `/`.
    pub fn workdir(&self) -> &str {
        self.facts.workdir.as_deref().unwrap_or("/")
    }

    /// The user a container runs as unless the Dockerfile sets one: the
    /// image's USER, else Docker's root.
    pub fn user(&self) -> &str {
        self.facts.user.as_deref().unwrap_or("0")
    }

    /// Whether `USER name` finds `name` in the image's `/etc/passwd`;
    /// `None` when the manifest does not list the accounts.
    pub fn has_account(&self, name: &str) -> Option<bool> {
        if self.facts.accounts.is_empty() {
            return None;
        }
        Some(self.facts.accounts.iter().any(|a| a.name == name))
    }

    /// The library at exactly `path` inside the image, following the
    /// image's own symlinks (bounded, since a manifest is input too).
    pub fn library_at(&self, path: &str) -> Option<&Library> {
        let mut current = self.resolve_links(path);
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
                    current = self.resolve_links(&link_destination(&current, target));
                }
            }
        }
        None
    }

    /// Searches the ld.so.cache (when the image has one), then the default
    /// directories, as the loader does after RPATH/RUNPATH.
    pub fn find_system_library(&self, soname: &str) -> Option<&Library> {
        if self.loader.ld_so_cache {
            if let Some(entry) = self
                .loader
                .cache_entries
                .iter()
                .find(|e| e.soname == soname)
            {
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
            let path = self.resolve_links(program);
            return self.executables.iter().find(|e| e.path == path);
        }
        self.facts.path.iter().find_map(|dir| {
            let candidate = self.resolve_links(&format!("{dir}/{program}"));
            self.executables.iter().find(|e| e.path == candidate)
        })
    }

    /// Rewrites `path` through the image's directory symlinks
    /// (`/lib/x86_64-linux-gnu/libc.so.6` → `/usr/lib/x86_64-linux-gnu/…` on
    /// a merged-/usr image), the way the kernel walks a path: the first
    /// component that is a link is replaced, then the walk starts again.
    /// Bounded like the kernel's 40 hops, since a manifest is input too.
    pub fn resolve_links(&self, path: &str) -> String {
        let mut current = normalize(path);
        for _ in 0..40 {
            let hit = self.links.iter().find(|link| {
                current == link.path
                    || current
                        .strip_prefix(link.path.as_str())
                        .is_some_and(|rest| rest.starts_with('/'))
            });
            let Some(link) = hit else {
                return current;
            };
            let rest = &current[link.path.len()..];
            let destination = link_destination(&link.path, &link.target);
            current = normalize(&format!("{destination}{rest}"));
        }
        current
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
        let (x, y) = (
            a.get(i).copied().unwrap_or(0),
            b.get(i).copied().unwrap_or(0),
        );
        match x.cmp(&y) {
            std::cmp::Ordering::Equal => continue,
            other => return other,
        }
    }
    std::cmp::Ordering::Equal
}

/// Where a link at `link_path` whose stored target is `target` points, as an
/// absolute image path: relative targets count from the link's directory.
pub fn link_destination(link_path: &str, target: &str) -> String {
    if target.starts_with('/') {
        normalize(target)
    } else {
        let parent = link_path.rsplit_once('/').map(|(p, _)| p).unwrap_or("");
        normalize(&format!("{parent}/{target}"))
    }
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
        assert_eq!(
            compare_versions("3.4.30", "3.4.30"),
            std::cmp::Ordering::Equal
        );
        assert_eq!(
            compare_versions("2.41", "2.36"),
            std::cmp::Ordering::Greater
        );
        assert_eq!(split_version("GLIBC_2.38"), Some(("GLIBC", "2.38")));
        assert_eq!(split_version("GLIBC_PRIVATE"), None);
    }

    #[test]
    fn image_paths_normalize_like_the_kernel() {
        assert_eq!(normalize("/lib/../usr//lib/./x.so"), "/usr/lib/x.so");
        assert_eq!(normalize("/../../etc"), "/etc");
    }

    /// A minimal manifest: everything absent except what the test adds.
    fn manifest(name: &str, images: &[&str], extra: &str) -> BaseImage {
        let images: Vec<String> = images.iter().map(|i| format!("{i:?}")).collect();
        let text = format!(
            r#"
name = "{name}"
images = [{}]
summary = "test"
architecture = "x86_64"
libc = {{ kind = "glibc" }}
loader = {{ ld-so-cache = false, default-search-path = ["/lib/x86_64-linux-gnu", "/usr/lib/x86_64-linux-gnu", "/lib", "/usr/lib"] }}
facts = {{ bin-sh = false, usr-bin-env = false, zoneinfo = false, zoneinfo-legacy = false, ldconfig = false, path = ["/usr/sbin", "/usr/bin", "/sbin", "/bin"] }}
provenance = {{ method = "test", date = "2026-01-01" }}
{extra}
"#,
            images.join(", ")
        );
        parse_manifest(name, &text).expect("test manifest parses")
    }

    #[test]
    fn a_merged_usr_image_finds_libc_through_the_lib_link() {
        let base = manifest(
            "merged",
            &[],
            r#"
[[links]]
path = "/lib"
target = "usr/lib"

[[links]]
path = "/lib64"
target = "usr/lib64"

[[links]]
path = "/bin"
target = "usr/bin"

[[libraries]]
path = "/usr/lib/x86_64-linux-gnu/libc.so.6"
soname = "libc.so.6"

[[libraries]]
path = "/usr/lib64/ld-linux-x86-64.so.2"
link-target = "../lib/x86_64-linux-gnu/ld-linux-x86-64.so.2"

[[libraries]]
path = "/usr/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2"
soname = "ld-linux-x86-64.so.2"

[[executables]]
path = "/usr/bin/python3.13"
kind = "elf"
runnable = true
"#,
        );
        let libc = base
            .library_at("/lib/x86_64-linux-gnu/libc.so.6")
            .expect("found via /lib");
        assert_eq!(libc.path, "/usr/lib/x86_64-linux-gnu/libc.so.6");
        let loader = base
            .library_at("/lib64/ld-linux-x86-64.so.2")
            .expect("found via /lib64");
        assert_eq!(loader.soname.as_deref(), Some("ld-linux-x86-64.so.2"));
        // The search path spells /lib first; the link makes it the same directory.
        assert!(base.find_system_library("libc.so.6").is_some());
        assert_eq!(
            base.find_executable("/bin/python3.13")
                .map(|e| e.path.as_str()),
            Some("/usr/bin/python3.13")
        );
        assert!(base.find_executable("python3.13").is_some());
    }

    #[test]
    fn an_unrecorded_link_is_not_followed() {
        let base = manifest(
            "split",
            &[],
            r#"
[[libraries]]
path = "/usr/lib/x86_64-linux-gnu/libc.so.6"
soname = "libc.so.6"
"#,
        );
        assert!(base.library_at("/lib/x86_64-linux-gnu/libc.so.6").is_none());
        assert!(base
            .library_at("/usr/lib/x86_64-linux-gnu/libc.so.6")
            .is_some());
    }

    #[test]
    fn link_loops_end() {
        let base = manifest(
            "loop",
            &[],
            r#"
[[links]]
path = "/a"
target = "b"

[[links]]
path = "/b"
target = "a"
"#,
        );
        // Any answer will do, as long as it comes back.
        let _ = base.resolve_links("/a/x");
        assert!(base.library_at("/a/x").is_none());
    }

    #[test]
    fn chainguard_tags_pick_their_own_manifest() {
        let bases = vec![
            manifest(
                "chainguard-python-latest",
                &["cgr.dev/chainguard/python:latest"],
                "",
            ),
            manifest(
                "chainguard-python-latest-dev",
                &["cgr.dev/chainguard/python:latest-dev"],
                "",
            ),
            manifest(
                "python3-debian13",
                &["gcr.io/distroless/python3-debian13"],
                "",
            ),
        ];
        let name = |q: &str| find_in(&bases, q).map(|b| b.name.as_str());
        assert_eq!(
            name("cgr.dev/chainguard/python"),
            Some("chainguard-python-latest")
        );
        assert_eq!(
            name("cgr.dev/chainguard/python:latest"),
            Some("chainguard-python-latest")
        );
        assert_eq!(
            name("cgr.dev/chainguard/python:latest-dev"),
            Some("chainguard-python-latest-dev")
        );
        assert_eq!(
            name("cgr.dev/chainguard/python:latest-dev@sha256:0123"),
            Some("chainguard-python-latest-dev")
        );
        assert_eq!(
            name("gcr.io/distroless/python3-debian13:nonroot"),
            Some("python3-debian13")
        );
        assert_eq!(
            name("gcr.io/distroless/python3-debian13"),
            Some("python3-debian13")
        );
        assert_eq!(name("gcr.io/distroless/python3-debian13:debug"), None);
    }

    #[test]
    fn a_tagged_manifest_beats_a_bare_repository() {
        let bases = vec![
            manifest("a-bare", &["example.org/python"], ""),
            manifest("b-dev", &["example.org/python:dev"], ""),
        ];
        assert_eq!(
            find_in(&bases, "example.org/python:dev").map(|b| b.name.as_str()),
            Some("b-dev")
        );
        assert_eq!(
            find_in(&bases, "example.org/python:3").map(|b| b.name.as_str()),
            Some("a-bare")
        );
    }

    #[test]
    fn tags_split_without_confusing_a_registry_port() {
        assert_eq!(
            split_tag("gcr.io/distroless/cc:nonroot"),
            ("gcr.io/distroless/cc", Some("nonroot"))
        );
        assert_eq!(
            split_tag("localhost:5000/app"),
            ("localhost:5000/app", None)
        );
    }
}
