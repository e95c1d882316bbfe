//! The image's Python interpreter: version, extension-module tag, and
//! where installed packages are imported from.
//!
//! The version comes from the package database when a package names it
//! (Debian's `python3.X-minimal`, Wolfi's `python-3.X`), else from the
//! interpreter's file name. The ABI tag is read off the standard library's
//! own extension modules in `lib-dynload`; only when there are none is it
//! composed from the version and architecture, with a provenance note.

use std::collections::BTreeMap;

use super::packages::upstream_version;
use super::{file_name, Importer};
use crate::base::{compare_versions, Python};

impl Importer<'_> {
    /// The interpreter `python3` (or `python`) finds on `PATH`, else any
    /// `pythonX.Y` program in a `PATH` directory.
    pub(super) fn python(&mut self, architecture: &str) -> Option<Python> {
        let by_name = ["python3", "python"]
            .iter()
            .filter_map(|name| self.find_on_path(name))
            .filter_map(|found| self.fs.resolve(&found, true));
        let in_dirs = self.path_dirs().into_iter().flat_map(|dir| {
            let mut found: Vec<String> = self
                .fs
                .children(&dir)
                .map(|(path, _)| path.to_string())
                .filter(|path| python_version_of(file_name(path)).is_some())
                .collect();
            found.sort_by(|a, b| {
                compare_versions(
                    python_version_of(file_name(b)).unwrap_or_default(),
                    python_version_of(file_name(a)).unwrap_or_default(),
                )
            });
            found
        });
        let executable = by_name
            .chain(in_dirs)
            .filter_map(|path| self.fs.resolve(&path, true))
            .find(|path| {
                python_version_of(file_name(path)).is_some() && self.elf_at(path).is_some()
            })?;
        let short = python_version_of(file_name(&executable))?.to_string();

        let version = [
            format!("python{short}-minimal"),
            format!("libpython{short}-minimal"),
            format!("python{short}"),
            format!("python-{short}"),
            "python3".to_string(),
        ]
        .iter()
        .filter_map(|p| self.packages.version_of(p))
        .map(upstream_version)
        .find(|v| v.starts_with(&format!("{short}.")))
        .map(str::to_string)
        .unwrap_or_else(|| short.clone());

        let prefix = executable
            .rsplit_once('/')
            .and_then(|(bin, _)| bin.rsplit_once('/'))
            .map(|(prefix, _)| prefix.to_string())
            .unwrap_or_default();
        let nodot = short.replace('.', "");
        let mut tags: BTreeMap<String, usize> = BTreeMap::new();
        if let Some(dynload) = self
            .fs
            .resolve(&format!("{prefix}/lib/python{short}/lib-dynload"), true)
        {
            for (path, _) in self.fs.children(&dynload) {
                if let Some(tag) = extension_tag(file_name(path)) {
                    if tag.starts_with(&format!("cpython-{nodot}")) {
                        *tags.entry(tag.to_string()).or_default() += 1;
                    }
                }
            }
        }
        let soabi = match tags.iter().max_by(|a, b| a.1.cmp(b.1).then(b.0.cmp(a.0))) {
            Some((tag, _)) => tag.clone(),
            None => {
                let tag = format!("cpython-{nodot}-{architecture}-linux-gnu");
                self.notes.push(format!(
                    "python.soabi `{tag}` is inferred: no extension module in lib-dynload carries the tag"
                ));
                tag
            }
        };

        let debian = self
            .packages
            .version_of(&format!("python{short}-minimal"))
            .is_some()
            || self
                .packages
                .version_of(&format!("libpython{short}-minimal"))
                .is_some()
            || self.fs.is_dir("/usr/lib/python3/dist-packages");
        let package_dirs = if debian && prefix == "/usr" {
            // Debian's site.py: dist-packages, never site-packages.
            vec![
                format!("/usr/local/lib/python{short}/dist-packages"),
                "/usr/lib/python3/dist-packages".to_string(),
            ]
        } else {
            vec![format!("{prefix}/lib/python{short}/site-packages")]
        };
        Some(Python {
            version,
            soabi,
            executable,
            package_dirs,
        })
    }
}

/// `python3.11` → `3.11`; anything else (`python3`, `python3.11-config`) → None.
pub(super) fn python_version_of(name: &str) -> Option<&str> {
    let version = name.strip_prefix("python")?;
    let (major, minor) = version.split_once('.')?;
    let digits = |s: &str| !s.is_empty() && s.chars().all(|c| c.is_ascii_digit());
    (digits(major) && digits(minor)).then_some(version)
}

/// `_ssl.cpython-311-x86_64-linux-gnu.so` → `cpython-311-x86_64-linux-gnu`.
fn extension_tag(name: &str) -> Option<&str> {
    let stem = name.strip_suffix(".so")?;
    let (_, tag) = stem.split_once('.')?;
    tag.starts_with("cpython-").then_some(tag)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    pub(super) fn names_and_tags_parse() {
        assert_eq!(python_version_of("python3.11"), Some("3.11"));
        assert_eq!(python_version_of("python3"), None);
        assert_eq!(python_version_of("python3.11-config"), None);
        assert_eq!(
            extension_tag("_ssl.cpython-311-x86_64-linux-gnu.so"),
            Some("cpython-311-x86_64-linux-gnu")
        );
        assert_eq!(extension_tag("libfoo.so"), None);
    }
}
