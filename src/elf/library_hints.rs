//! Where a missing library can be had: the Debian package that ships it, and
//! the built-in bases that already carry it (or a new enough version of it).
//!
//! The package names come from `rules/library-packages.toml` when that data
//! file exists (a table from soname to package, generated elsewhere), and
//! otherwise from the `package` recorded for the library in any built-in base
//! manifest. Both are embedded at build time; a missing or unreadable data
//! file only means fewer hints, never an error, because a hint is advice and
//! the finding stands without it.

use std::collections::HashMap;
use std::sync::OnceLock;

use crate::base::{self, compare_versions, split_version, BaseImage, Library};

const EMBEDDED_RULES: &[(&str, &str)] = include!(concat!(env!("OUT_DIR"), "/embedded_rules.rs"));
const PACKAGES_FILE: &str = "library-packages.toml";
/// At most this many bases are named in one hint.
const MAX_BASES: usize = 3;

/// Package and base hints, loaded once per process.
#[derive(Debug, Default)]
pub struct LibraryHints {
    packages: HashMap<String, String>,
    bases: Vec<BaseImage>,
}

impl LibraryHints {
    pub fn get() -> &'static LibraryHints {
        static HINTS: OnceLock<LibraryHints> = OnceLock::new();
        HINTS.get_or_init(|| {
            let text = EMBEDDED_RULES
                .iter()
                .find(|(name, _)| *name == PACKAGES_FILE)
                .map(|(_, text)| *text);
            LibraryHints {
                packages: text.map(parse_packages).unwrap_or_default(),
                // A tag variant has its image's libraries: one is enough.
                bases: base::builtin()
                    .into_iter()
                    .filter(|b| b.variant_tag.is_none())
                    .collect(),
            }
        })
    }

    /// The Debian package that ships `soname`, when known.
    pub fn package(&self, soname: &str) -> Option<&str> {
        if let Some(package) = self.packages.get(soname) {
            return Some(package);
        }
        self.bases
            .iter()
            .filter_map(|b| b.find_system_library(soname))
            .find_map(|lib| lib.package.as_deref())
    }

    /// Other bases of the same architecture and C library that ship `soname`
    /// (Python bases only, when the current base has Python).
    pub fn bases_providing(&self, soname: &str, current: &BaseImage) -> Vec<String> {
        self.comparable_bases(current)
            .filter(|b| b.find_system_library(soname).is_some())
            .map(|b| b.name.clone())
            .take(MAX_BASES)
            .collect()
    }

    /// Other comparable bases where `soname` defines `version`.
    pub fn bases_defining(&self, soname: &str, version: &str, current: &BaseImage) -> Vec<String> {
        self.comparable_bases(current)
            .filter(|b| {
                b.find_system_library(soname)
                    .is_some_and(|lib| b.defines_version(lib, version))
            })
            .map(|b| b.name.clone())
            .take(MAX_BASES)
            .collect()
    }

    /// Built-in bases whose Python has minor version `minor` (`"3.11"`).
    pub fn bases_with_python(&self, minor: &str, current: &BaseImage) -> Vec<String> {
        self.bases
            .iter()
            .filter(|b| b.name != current.name && b.architecture == current.architecture)
            .filter(|b| {
                b.python.as_ref().is_some_and(|p| {
                    p.version == minor || p.version.starts_with(&format!("{minor}."))
                })
            })
            .map(|b| b.name.clone())
            .take(MAX_BASES)
            .collect()
    }

    /// Built-in bases whose Python is at least `minor`.
    pub fn bases_with_python_at_least(&self, minor: &str, current: &BaseImage) -> Vec<String> {
        self.bases
            .iter()
            .filter(|b| b.name != current.name && b.architecture == current.architecture)
            .filter(|b| {
                b.python.as_ref().is_some_and(|p| {
                    compare_versions(&p.version, minor) != std::cmp::Ordering::Less
                })
            })
            .map(|b| b.name.clone())
            .take(MAX_BASES)
            .collect()
    }

    fn comparable_bases<'a>(
        &'a self,
        current: &'a BaseImage,
    ) -> impl Iterator<Item = &'a BaseImage> + 'a {
        self.bases.iter().filter(move |b| {
            b.name != current.name
                && b.architecture == current.architecture
                && b.libc.kind == current.libc.kind
                && (current.python.is_none() || b.python.is_some())
        })
    }
}

/// The newest version of `version`'s family (`GLIBC` for `GLIBC_2.38`) that
/// `library` defines in `base`, from its own list or the base's maxima.
pub fn newest_in_base(base: &BaseImage, library: &Library, version: &str) -> Option<String> {
    let (family, _) = split_version(version)?;
    let own: Vec<&str> = library
        .versions
        .iter()
        .filter_map(|v| {
            split_version(v)
                .filter(|(f, _)| *f == family)
                .map(|_| v.as_str())
        })
        .collect();
    if !own.is_empty() {
        return newest(own);
    }
    base.libc
        .newest_versions
        .get(family)
        .map(|number| format!("{family}_{number}"))
}

/// The newest of `versions` within `version`'s family.
pub fn newest_of<'a>(
    versions: impl IntoIterator<Item = &'a String>,
    version: &str,
) -> Option<String> {
    let (family, _) = split_version(version)?;
    newest(
        versions
            .into_iter()
            .filter(|v| split_version(v).is_some_and(|(f, _)| f == family))
            .map(String::as_str),
    )
}

fn newest<'a>(versions: impl IntoIterator<Item = &'a str>) -> Option<String> {
    versions
        .into_iter()
        .filter_map(|v| split_version(v).map(|(_, n)| (v, n)))
        .max_by(|a, b| compare_versions(a.1, b.1))
        .map(|(v, _)| v.to_string())
}

/// Reads `soname = "package"` pairs from the data file, at the top level or
/// one table down (`[libraries]`), also accepting `soname = { package = … }`.
fn parse_packages(text: &str) -> HashMap<String, String> {
    let mut packages = HashMap::new();
    let Ok(table) = toml::from_str::<toml::Table>(text) else {
        return packages;
    };
    fn take(packages: &mut HashMap<String, String>, table: &toml::Table, depth: u8) {
        for (key, value) in table {
            match value {
                toml::Value::String(package) => {
                    packages.insert(key.clone(), package.clone());
                }
                toml::Value::Table(inner) => match inner.get("package") {
                    Some(toml::Value::String(package)) => {
                        packages.insert(key.clone(), package.clone());
                    }
                    _ if depth == 0 => take(packages, inner, 1),
                    _ => {}
                },
                _ => {}
            }
        }
    }
    take(&mut packages, &table, 0);
    packages
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_package_table_may_be_flat_nested_or_detailed() {
        let flat = parse_packages("\"libpq.so.5\" = \"libpq5\"\n");
        assert_eq!(flat.get("libpq.so.5").map(String::as_str), Some("libpq5"));
        let nested = parse_packages("[libraries]\n\"libpq.so.5\" = \"libpq5\"\n");
        assert_eq!(nested.get("libpq.so.5").map(String::as_str), Some("libpq5"));
        let detailed = parse_packages("[libraries.\"libpq.so.5\"]\npackage = \"libpq5\"\n");
        assert_eq!(
            detailed.get("libpq.so.5").map(String::as_str),
            Some("libpq5")
        );
        assert!(parse_packages("not toml [").is_empty());
    }

    #[test]
    fn newest_version_is_chosen_numerically_within_a_family() {
        let versions = vec![
            "GLIBC_2.9".to_string(),
            "GLIBC_2.36".to_string(),
            "GLIBC_PRIVATE".to_string(),
        ];
        assert_eq!(
            newest_of(&versions, "GLIBC_2.38").as_deref(),
            Some("GLIBC_2.36")
        );
        assert_eq!(newest_of(&versions, "GLIBCXX_3.4.30"), None);
    }
}
