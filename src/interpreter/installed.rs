//! DL603, DL604 and DL605: the Python an installed tree was made for,
//! against the base's.
//!
//! The evidence, from the widest to the narrowest: a virtualenv's
//! `pyvenv.cfg` (`version = 3.12.4`) or the `lib/python3.12/site-packages`
//! directory a tree sits in (DL603, once per tree); a distribution's wheel
//! tags (`Tag: cp312-cp312-manylinux…`, DL604, once per distribution); its
//! `Requires-Python` (DL605). A finding about a tree explains everything in
//! it, so the distributions of a tree that has one are not reported again,
//! and a distribution whose wheel tags are reported is not reported for its
//! `Requires-Python` too. A specifier that does not parse is left alone:
//! pip ignores it as well. Nothing is judged on a base without Python (the
//! ELF checks say that nothing there can import an extension).

use std::path::{Path, PathBuf};
use std::str::FromStr;

use pep440_rs::{Version, VersionSpecifiers};

use super::codes::{self, Subject, REQUIRES_PYTHON, TREE_VERSION, WHEEL_TAG};
use super::text;
use super::venvs::{minor_version, Venv};
use super::wheel_tags::{self, TargetPython};
use crate::base::BaseImage;
use crate::discovery::{Discovery, DistributionInfo};
use crate::finding::Finding;
use crate::rules::RuleSet;

pub fn check(
    rules: &RuleSet,
    venvs: &[Venv],
    discovery: &Discovery,
    base: &BaseImage,
) -> Vec<Finding> {
    let Some(python) = &base.python else {
        return Vec::new();
    };
    let Some(base_minor) = minor_version(&python.version) else {
        return Vec::new();
    };
    let mut findings = Vec::new();
    // Directories whose every distribution a tree finding already covers.
    let mut explained: Vec<PathBuf> = Vec::new();
    let facts = |found: &str, evidence: String, tree: &Path| {
        vec![
            ("tree", tree.display().to_string()),
            ("found", found.to_string()),
            ("evidence", evidence),
            ("python-version", python.version.clone()),
            ("python-minor", base_minor.clone()),
        ]
    };

    for venv in venvs {
        let Some((key, version)) = &venv.version else {
            continue;
        };
        let Some(found) = minor_version(&version.value) else {
            continue;
        };
        if found == base_minor {
            continue;
        }
        explained.push(venv.path.clone());
        findings.push(codes::finding(
            rules,
            &TREE_VERSION,
            Some("venv"),
            base,
            Subject {
                path: venv.config.clone(),
                location: Some(version.location),
                distribution: None,
            },
            &facts(&found, format!("`{key} = {}`", version.value), &venv.path),
        ));
    }

    for tree in &discovery.package_trees {
        if explained.iter().any(|e| tree.starts_with(e)) {
            continue;
        }
        let Some(found) = lib_dir_version(tree) else {
            continue;
        };
        if found == base_minor {
            continue;
        }
        explained.push(tree.clone());
        findings.push(codes::finding(
            rules,
            &TREE_VERSION,
            Some("lib-dir"),
            base,
            Subject {
                path: tree.clone(),
                location: None,
                distribution: None,
            },
            &facts(&found, format!("`python{found}/`"), tree),
        ));
    }

    let target = TargetPython::new(&python.version, &python.soabi);
    let base_version = Version::from_str(&python.version).ok();
    for dist in discovery.distributions.iter() {
        if explained.iter().any(|e| dist.tree.starts_with(e)) {
            continue;
        }
        let tag_finding = target
            .as_ref()
            .and_then(|target| wheel_tag_finding(rules, dist, target, base, &base_minor));
        if let Some(finding) = tag_finding {
            findings.push(finding);
            continue;
        }
        if let Some(version) = &base_version {
            findings.extend(requires_python_finding(rules, dist, version, base));
        }
    }
    findings
}

/// `…/lib/python3.12/site-packages` → `3.12`.
fn lib_dir_version(tree: &Path) -> Option<String> {
    let parent = tree.parent()?;
    let lib = parent.parent()?.file_name()?;
    if lib != "lib" && lib != "lib64" {
        return None;
    }
    let name = parent.file_name()?.to_str()?;
    minor_version(name.strip_prefix("python")?).filter(|m| name == format!("python{m}"))
}

fn wheel_tag_finding(
    rules: &RuleSet,

    dist: &DistributionInfo,
    target: &TargetPython,
    base: &BaseImage,
    base_minor: &str,
) -> Option<Finding> {
    let tags: Vec<String> = dist
        .wheel_tags
        .iter()
        .filter(|t| wheel_tags::is_well_formed(t))
        .cloned()
        .collect();
    if tags.is_empty() || tags.iter().any(|t| target.accepts(t)) {
        return None;
    }
    let (variant, built_for) = wheel_tags::mismatch(&tags, target);
    let wheel = dist.metadata_path.join("WHEEL");
    let location = text::read_small(&wheel)
        .and_then(|t| text::entries(&t, "Tag", ':').into_iter().next())
        .map(|e| e.location);
    Some(codes::finding(
        rules,
        &WHEEL_TAG,
        Some(variant),
        base,
        Subject {
            path: wheel,
            location,
            distribution: Some(dist.distribution.clone()),
        },
        &[
            ("distribution", describe(dist)),
            ("tags", tags.join(", ")),
            ("built-for", built_for),
            ("python-version", base.python.as_ref()?.version.clone()),
            ("python-minor", base_minor.to_string()),
        ],
    ))
}

fn requires_python_finding(
    rules: &RuleSet,

    dist: &DistributionInfo,
    base_version: &Version,
    base: &BaseImage,
) -> Option<Finding> {
    // A dist-info has METADATA; an egg-info is PKG-INFO, in a directory or
    // as the file itself.
    let metadata = if dist.metadata_path.is_dir() {
        ["METADATA", "PKG-INFO"]
            .iter()
            .map(|name| dist.metadata_path.join(name))
            .find(|p| p.is_file())?
    } else {
        dist.metadata_path.clone()
    };
    let text = text::read_small(&metadata)?;
    let entry = text::entries(&text, "Requires-Python", ':')
        .into_iter()
        .next()?;
    let specifiers = VersionSpecifiers::from_str(&entry.value).ok()?;
    if specifiers.contains(base_version) {
        return None;
    }
    Some(codes::finding(
        rules,
        &REQUIRES_PYTHON,
        None,
        base,
        Subject {
            path: metadata,
            location: Some(entry.location),
            distribution: Some(dist.distribution.clone()),
        },
        &[
            ("distribution", describe(dist)),
            ("requires", entry.value.clone()),
            ("python-version", base_version.to_string()),
        ],
    ))
}

fn describe(dist: &DistributionInfo) -> String {
    format!("{} {}", dist.distribution.name, dist.distribution.version)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions_from_library_directories() {
        let v = |p: &str| lib_dir_version(Path::new(p));
        assert_eq!(
            v("venv/lib/python3.12/site-packages").as_deref(),
            Some("3.12")
        );
        assert_eq!(
            v("/usr/local/lib/python3.11/dist-packages").as_deref(),
            Some("3.11")
        );
        assert_eq!(v("/usr/lib/python3/dist-packages"), None);
        assert_eq!(v("x/python3.12/site-packages"), None);
        assert_eq!(v("lib/python3.12-old/site-packages"), None);
    }

    #[test]
    fn requires_python_follows_pep_440() {
        let base = Version::from_str("3.11.2").unwrap();
        let excludes = |s: &str| !VersionSpecifiers::from_str(s).unwrap().contains(&base);
        assert!(excludes(">=3.12"));
        assert!(excludes("~=3.12"));
        assert!(excludes("<3.11"));
        assert!(excludes("!=3.11.*"));
        assert!(!excludes(">=3.8, <4"));
        assert!(!excludes("~=3.9"));
        assert!(!excludes("==3.11.*"));
        assert!(!excludes(">3.11"), "3.11.2 is a later release than 3.11");
    }
}
