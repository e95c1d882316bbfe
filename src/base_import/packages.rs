//! What the image's package databases say: which packages at which
//! versions, and which package ships which file.
//!
//! Three layouts are read. Distroless writes one control file per package
//! to `/var/lib/dpkg/status.d/<pkg>`, with `<pkg>.md5sums` beside it; a
//! regular Debian image has `/var/lib/dpkg/status` and
//! `/var/lib/dpkg/info/<pkg>.{list,md5sums}`; Alpine and Wolfi have
//! `lib/apk/db/installed`. md5sums files list regular files only, so a
//! symlink's package is known only where a `.list` or apk database names it.
//! File paths are mapped through the image's directory links, because a
//! package may name `lib/…` on a merged-/usr image where the file lives in
//! `/usr/lib/…`.

use std::collections::BTreeMap;

use super::rootfs::{Node, Rootfs};
use crate::base::PackageVersion;

const STATUS_D: &str = "/var/lib/dpkg/status.d";
const DPKG_INFO: &str = "/var/lib/dpkg/info";
const APK_DATABASES: &[&str] = &[
    "/lib/apk/db/installed",
    "/usr/lib/apk/db/installed",
    "/var/lib/apk/db/installed",
];

#[derive(Debug, Default)]
pub(crate) struct Packages {
    /// Sorted by name, then version.
    pub installed: Vec<PackageVersion>,
    /// Canonical file path → package name.
    pub owners: BTreeMap<String, String>,
    /// `Architecture` of the packages that are not `all`, for images with no
    /// ELF file to read it from.
    pub architecture: Option<String>,
}

impl Packages {
    pub fn read(fs: &Rootfs) -> Packages {
        let mut packages = Packages::default();
        packages.read_status_d(fs);
        packages.read_dpkg_status(fs);
        packages.read_apk(fs);
        packages
            .installed
            .sort_by(|a, b| (&a.name, &a.version).cmp(&(&b.name, &b.version)));
        packages
            .installed
            .dedup_by(|a, b| a.name == b.name && a.version == b.version);
        packages
    }

    /// The installed version of `name`, if any.
    pub fn version_of(&self, name: &str) -> Option<&str> {
        self.installed
            .iter()
            .find(|p| p.name == name)
            .map(|p| p.version.as_str())
    }

    fn read_status_d(&mut self, fs: &Rootfs) {
        let Some(dir) = fs.resolve(STATUS_D, true) else {
            return;
        };
        let files: Vec<(String, String)> = fs
            .children(&dir)
            .filter(|(_, node)| matches!(node, Node::File { .. }))
            .map(|(path, _)| {
                let name = path.rsplit('/').next().unwrap_or_default().to_string();
                (path.to_string(), name)
            })
            .collect();
        for (path, name) in files {
            let Some(bytes) = fs.kept(&path) else {
                continue;
            };
            let text = String::from_utf8_lossy(bytes);
            if let Some(package) = name.strip_suffix(".md5sums") {
                self.own_md5sums(fs, &text, package);
            } else if let Some(package) = name.strip_suffix(".list") {
                for line in text.lines() {
                    self.own(fs, line, package);
                }
            } else {
                for stanza in stanzas(&text) {
                    self.add_dpkg_stanza(&stanza, "dpkg status.d", false);
                }
            }
        }
    }

    fn read_dpkg_status(&mut self, fs: &Rootfs) {
        if let Some(bytes) = fs.kept("/var/lib/dpkg/status") {
            for stanza in stanzas(&String::from_utf8_lossy(bytes)) {
                self.add_dpkg_stanza(&stanza, "dpkg status", true);
            }
        }
        let Some(dir) = fs.resolve(DPKG_INFO, true) else {
            return;
        };
        let files: Vec<String> = fs.children(&dir).map(|(p, _)| p.to_string()).collect();
        for path in files {
            let name = path.rsplit('/').next().unwrap_or_default();
            // `libc6:amd64.list` belongs to `libc6`.
            let (stem, is_md5) = if let Some(stem) = name.strip_suffix(".md5sums") {
                (stem, true)
            } else if let Some(stem) = name.strip_suffix(".list") {
                (stem, false)
            } else {
                continue;
            };
            let package = stem.split(':').next().unwrap_or(stem).to_string();
            let Some(bytes) = fs.kept(&path) else {
                continue;
            };
            let text = String::from_utf8_lossy(bytes);
            if is_md5 {
                self.own_md5sums(fs, &text, &package);
            } else {
                for line in text.lines() {
                    self.own(fs, line, &package);
                }
            }
        }
    }

    fn add_dpkg_stanza(
        &mut self,
        stanza: &BTreeMap<String, String>,
        source: &str,
        needs_installed: bool,
    ) {
        let (Some(name), Some(version)) = (stanza.get("Package"), stanza.get("Version")) else {
            return;
        };
        if needs_installed
            && !stanza
                .get("Status")
                .is_some_and(|s| s.ends_with(" installed"))
        {
            return;
        }
        if let Some(arch) = stanza.get("Architecture") {
            if arch != "all" && self.architecture.is_none() {
                self.architecture = Some(arch.clone());
            }
        }
        self.installed.push(PackageVersion {
            name: name.clone(),
            version: version.clone(),
            source: Some(source.to_string()),
        });
    }

    fn own_md5sums(&mut self, fs: &Rootfs, text: &str, package: &str) {
        for line in text.lines() {
            // `<md5>  <path>`; the path may contain spaces.
            if let Some((_, path)) = line.split_once("  ") {
                self.own(fs, path, package);
            }
        }
    }

    fn own(&mut self, fs: &Rootfs, path: &str, package: &str) {
        let path = path.trim();
        if path.is_empty() || path == "/." {
            return;
        }
        if let Some(canonical) = fs.resolve_parent(&format!("/{}", path.trim_start_matches('/'))) {
            if matches!(
                fs.get(&canonical),
                Some(Node::File { .. } | Node::Symlink(_))
            ) {
                self.owners
                    .entry(canonical)
                    .or_insert_with(|| package.to_string());
            }
        }
    }

    fn read_apk(&mut self, fs: &Rootfs) {
        let mut seen = Vec::new();
        for db in APK_DATABASES {
            let Some(canonical) = fs.resolve(db, true) else {
                continue;
            };
            if seen.contains(&canonical) {
                continue;
            }
            let Some(bytes) = fs.kept(&canonical) else {
                continue;
            };
            let text = String::from_utf8_lossy(bytes).into_owned();
            seen.push(canonical);
            // Records are blank-line separated `X:value` lines: P package,
            // V version, A architecture, F directory, R file in the last F.
            let (mut name, mut version) = (None::<String>, None::<String>);
            let mut dir = String::new();
            let flush =
                |name: &mut Option<String>, version: &mut Option<String>, this: &mut Self| {
                    if let (Some(n), Some(v)) = (name.take(), version.take()) {
                        this.installed.push(PackageVersion {
                            name: n,
                            version: v,
                            source: Some("apk installed".into()),
                        });
                    }
                };
            for line in text.lines() {
                if line.is_empty() {
                    flush(&mut name, &mut version, self);
                    dir.clear();
                    continue;
                }
                let Some((key, value)) = line.split_once(':') else {
                    continue;
                };
                match key {
                    "P" => name = Some(value.to_string()),
                    "V" => version = Some(value.to_string()),
                    "A" if self.architecture.is_none() && value != "noarch" => {
                        self.architecture = Some(value.to_string());
                    }
                    "F" => dir = value.to_string(),
                    "R" => {
                        if let Some(package) = name.clone() {
                            self.own(fs, &format!("{dir}/{value}"), &package);
                        }
                    }
                    _ => {}
                }
            }
            flush(&mut name, &mut version, self);
        }
    }
}

/// Splits a Debian control file into stanzas of `Field: value`
/// (continuation lines are folded into the field; only the first line of
/// each field is needed here).
fn stanzas(text: &str) -> Vec<BTreeMap<String, String>> {
    let mut out = Vec::new();
    let mut current = BTreeMap::new();
    for line in text.lines() {
        if line.trim().is_empty() {
            if !current.is_empty() {
                out.push(std::mem::take(&mut current));
            }
            continue;
        }
        if line.starts_with([' ', '\t']) {
            continue;
        }
        if let Some((key, value)) = line.split_once(':') {
            current.insert(key.trim().to_string(), value.trim().to_string());
        }
    }
    if !current.is_empty() {
        out.push(current);
    }
    out
}

/// The upstream part of a Debian or apk version: `2.36-9+deb12u10` →
/// `2.36`, `1:3.0.2-1` → `3.0.2`, `3.14.7-r1` → `3.14.7`.
pub(crate) fn upstream_version(version: &str) -> &str {
    let without_epoch = version.split_once(':').map(|(_, v)| v).unwrap_or(version);
    match without_epoch.rfind('-') {
        Some(pos) => &without_epoch[..pos],
        None => without_epoch,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn upstream_versions_drop_epoch_and_revision() {
        assert_eq!(upstream_version("2.36-9+deb12u10"), "2.36");
        assert_eq!(upstream_version("1:3.0.2-1"), "3.0.2");
        assert_eq!(upstream_version("3.14.7-r1"), "3.14.7");
        assert_eq!(upstream_version("20230311"), "20230311");
    }

    #[test]
    fn control_stanzas_keep_first_lines() {
        let text = "Package: libc6\nVersion: 2.36-9\nDescription: GNU C Library\n more text\n\nPackage: tzdata\nVersion: 2025b-0\n";
        let s = stanzas(text);
        assert_eq!(s.len(), 2);
        assert_eq!(s[0]["Description"], "GNU C Library");
        assert_eq!(s[1]["Package"], "tzdata");
    }
}
