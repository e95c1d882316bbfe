//! What Python makes of an extension module's file name, and which Python
//! will import it.
//!
//! CPython finds an extension by file name: on Linux it tries
//! `name.cpython-<XY>[flags]-<platform>.so`, then `name.abi3.so`, then
//! `name.so`, and nothing else. A module tagged for another version, build
//! flavour (debug `d`, free-threaded `t`) or platform is never found. A
//! stable-ABI (`abi3`) module is found by any version, but only works on
//! versions at least as new as the one its wheel names (`cp38-abi3`). On a
//! base without Python an extension cannot be imported by anything, unless
//! the scanned tree brings its own interpreter — then that one is judged.

use std::path::{Component, Path};

use super::{ElfObject, ElfTree};
use crate::base::{compare_versions, BaseImage, LibcKind};

/// The extension-module part of a file name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ExtensionTag {
    /// `name.so`: any CPython tries it.
    Untagged,
    /// `name.abi3.so`.
    Abi3,
    /// `name.cpython-311-x86_64-linux-gnu.so`.
    CPython {
        /// `311`, with flags such as `311d` or `313t`.
        version: String,
        /// `x86_64-linux-gnu`, when present.
        platform: Option<String>,
    },
    /// Another implementation (`pypy39-pp73-…`).
    Other(String),
}

/// Splits `_psycopg.cpython-311-x86_64-linux-gnu.so` into module name and
/// tag. Only names ending in `.so` are extension candidates.
pub fn extension_tag(file_name: &str) -> Option<(&str, ExtensionTag)> {
    let stem = file_name.strip_suffix(".so")?;
    let Some((module, tag)) = stem.split_once('.') else {
        return Some((stem, ExtensionTag::Untagged));
    };
    let tag = if tag == "abi3" {
        ExtensionTag::Abi3
    } else if let Some(rest) = tag.strip_prefix("cpython-") {
        let (version, platform) = match rest.split_once('-') {
            Some((v, p)) => (v, Some(p.to_string())),
            None => (rest, None),
        };
        if !version.starts_with(|c: char| c.is_ascii_digit()) {
            return None;
        }
        ExtensionTag::CPython {
            version: version.to_string(),
            platform,
        }
    } else if tag.starts_with("pypy") || tag.starts_with("graalpy") {
        ExtensionTag::Other(tag.to_string())
    } else {
        // `libfoo-1.2.so` and the like: a library, not a module name.
        return None;
    };
    Some((module, tag))
}

/// Whether the object is a CPython extension module: it exports `PyInit_*`
/// or carries an interpreter tag in its name.
pub fn is_extension(object: &ElfObject) -> bool {
    if !object.info.python_init.is_empty() {
        return true;
    }
    file_name(object)
        .and_then(extension_tag)
        .is_some_and(|(_, tag)| tag != ExtensionTag::Untagged)
}

/// `311` → `3.11`; flags after the digits are dropped.
pub fn dotted(version: &str) -> String {
    let digits: String = version.chars().take_while(char::is_ascii_digit).collect();
    match digits.split_at_checked(1) {
        Some((major, minor)) if !minor.is_empty() => format!("{major}.{minor}"),
        _ => digits,
    }
}

/// The Python extensions will be imported by.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PythonTarget {
    /// `3.13.5` (or `3.13` when only the minor version is known).
    pub version: String,
    /// `cpython-313-x86_64-linux-gnu`.
    pub soabi: String,
    /// Where it comes from, for messages: the base, or a file of the tree.
    pub source: String,
}

impl PythonTarget {
    /// The Python of the base, or failing that one the tree carries
    /// (`python3.11`, `libpython3.11.so.1.0`).
    pub fn find(base: &BaseImage, tree: &ElfTree) -> Option<PythonTarget> {
        if let Some(python) = &base.python {
            return Some(PythonTarget {
                version: python.version.clone(),
                soabi: python.soabi.clone(),
                source: base.display_name(),
            });
        }
        let libc = match base.libc.kind {
            LibcKind::Musl => "musl",
            _ => "gnu",
        };
        tree.objects.iter().find_map(|object| {
            let name = file_name(object)?;
            let minor = name
                .strip_prefix("libpython")
                .and_then(|rest| rest.split_once(".so").map(|(v, _)| v))
                .or_else(|| {
                    name.strip_prefix("python")
                        .filter(|_| object.info.elf_type == 2 || object.info.interpreter.is_some())
                })?;
            let (major, minor_part) = minor.split_once('.')?;
            if major != "3"
                || minor_part.is_empty()
                || !minor_part.chars().all(|c| c.is_ascii_digit())
            {
                return None;
            }
            Some(PythonTarget {
                version: minor.to_string(),
                soabi: format!("cpython-3{minor_part}-{}-linux-{libc}", base.architecture),
                source: object.path.display().to_string(),
            })
        })
    }

    /// `3.13`.
    pub fn minor(&self) -> String {
        let mut parts = self.version.split('.');
        match (parts.next(), parts.next()) {
            (Some(major), Some(minor)) => format!("{major}.{minor}"),
            _ => self.version.clone(),
        }
    }
}

/// An extension module's name as Python sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExtensionName {
    /// `_psycopg`.
    pub module: String,
    pub tag: ExtensionTag,
    /// `psycopg2._psycopg`.
    pub import: String,
}

impl ExtensionName {
    pub fn of(object: &ElfObject, tree: &ElfTree) -> ExtensionName {
        let name = file_name(object).unwrap_or_default();
        let (module, tag) = extension_tag(name).unwrap_or((name, ExtensionTag::Untagged));
        ExtensionName {
            module: module.to_string(),
            import: import_name(object, tree, module),
            tag,
        }
    }
}

/// `cp38-abi3-manylinux_2_17_x86_64` → `3.8` (the lowest such tag wins).
pub fn abi3_minimum(wheel_tags: &[String]) -> Option<String> {
    wheel_tags
        .iter()
        .filter_map(|tag| {
            let mut parts = tag.split('-');
            let (python, abi) = (parts.next()?, parts.next()?);
            (abi == "abi3").then_some(python)
        })
        .flat_map(|python| python.split('.'))
        .filter_map(|p| p.strip_prefix("cp"))
        .filter(|v| v.len() >= 2 && v.chars().all(|c| c.is_ascii_digit()))
        .map(dotted)
        .min_by(|a, b| compare_versions(a, b))
}

/// The CPython ABI a version-specific wheel names: `cp311-cp311-…` →
/// `311`, `cp313-cp313t-…` → `313t`. None for abi3 and pure wheels.
pub fn wheel_abi(wheel_tags: &[String]) -> Option<String> {
    wheel_tags.iter().find_map(|tag| {
        let abi = tag.split('-').nth(1)?;
        let version = abi.strip_prefix("cp")?;
        version
            .starts_with(|c: char| c.is_ascii_digit())
            .then(|| version.to_string())
    })
}

fn file_name(object: &ElfObject) -> Option<&str> {
    object.path.file_name().and_then(|n| n.to_str())
}

/// The dotted import name: the path below the last `site-packages` or
/// `dist-packages` directory, else below the scanned root.
fn import_name(object: &ElfObject, tree: &ElfTree, module: &str) -> String {
    let parent = object.path.parent().unwrap_or(Path::new(""));
    let components: Vec<&str> = parent
        .components()
        .filter_map(|c| match c {
            Component::Normal(n) => n.to_str(),
            _ => None,
        })
        .collect();
    let start = match components
        .iter()
        .rposition(|c| *c == "site-packages" || *c == "dist-packages")
    {
        Some(i) => i + 1,
        None => tree
            .roots
            .get(object.root)
            .map(|r| {
                r.components()
                    .filter(|c| matches!(c, Component::Normal(_)))
                    .count()
            })
            .unwrap_or(0)
            .min(components.len()),
    };
    let mut parts: Vec<&str> = components[start..].to_vec();
    parts.push(module);
    parts.join(".")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_name_tags_are_read_like_cpython_reads_them() {
        assert_eq!(
            extension_tag("_psycopg.cpython-311-x86_64-linux-gnu.so"),
            Some((
                "_psycopg",
                ExtensionTag::CPython {
                    version: "311".into(),
                    platform: Some("x86_64-linux-gnu".into())
                }
            ))
        );
        assert_eq!(
            extension_tag("_rust.abi3.so"),
            Some(("_rust", ExtensionTag::Abi3))
        );
        assert_eq!(
            extension_tag("_speedups.so"),
            Some(("_speedups", ExtensionTag::Untagged))
        );
        assert_eq!(extension_tag("libfoo-1.2.so"), None);
        assert_eq!(extension_tag("libfoo.so.1"), None);
    }

    #[test]
    fn abi3_minimum_comes_from_the_wheel_tags() {
        let tags = vec![
            "cp38-abi3-manylinux_2_17_x86_64".to_string(),
            "cp38-abi3-manylinux2014_x86_64".to_string(),
        ];
        assert_eq!(abi3_minimum(&tags).as_deref(), Some("3.8"));
        assert_eq!(
            abi3_minimum(&["cp312-abi3-linux_x86_64".to_string()]).as_deref(),
            Some("3.12")
        );
        assert_eq!(
            abi3_minimum(&["cp311-cp311-linux_x86_64".to_string()]),
            None
        );
        assert_eq!(dotted("313t"), "3.13");
    }
}
