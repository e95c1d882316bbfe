//! DL106: an RPATH/RUNPATH directory that will not exist in the image.

use std::collections::HashSet;

use super::describe;
use super::NativeCheck;
use crate::base::BaseImage;
use crate::elf::resolve::ObjectSearchPath;
use crate::elf::search_path::DirIssue;
use crate::elf::ElfObject;
use crate::finding::Finding;
use crate::rules::RuleSet;

pub const CHECK: NativeCheck = NativeCheck {
    code: "DL106",
    variants: &["build-machine", "not-in-image"],
    placeholders: &["object", "kind", "directory"],
    templates: true,
};

/// DL106 for each unusable absolute entry of `object`'s search path.
pub fn findings(
    rules: &RuleSet,
    object: &ElfObject,
    paths: &ObjectSearchPath,
    base: &BaseImage,
) -> Vec<Finding> {
    let mut findings = Vec::new();
    let mut seen = HashSet::new();
    for (kind, entries) in [("RPATH", &paths.rpath), ("RUNPATH", &paths.runpath)] {
        for entry in entries {
            let variant = match entry.issue {
                Some(DirIssue::BuildMachine) => "build-machine",
                Some(DirIssue::NotInImage) => "not-in-image",
                _ => continue,
            };
            if !seen.insert(entry.written.as_str()) {
                continue;
            }
            findings.push(
                super::finding(
                    rules,
                    &CHECK,
                    object,
                    base,
                    Some(variant),
                    |s| s,
                    &[
                        ("object", describe(object)),
                        ("kind", kind.to_string()),
                        ("directory", entry.written.clone()),
                    ],
                )
                .with_field("directory", entry.written.clone())
                .with_field("kind", kind),
            );
        }
    }
    findings
}
