//! DL106: an RPATH/RUNPATH directory that will not exist in the image.

use std::collections::HashSet;

use super::describe;
use crate::base::BaseImage;
use crate::elf::codes::NativeRule;
use crate::elf::resolve::ObjectSearchPath;
use crate::elf::search_path::DirIssue;
use crate::elf::ElfObject;
use crate::finding::{Finding, Severity};

pub const RULE: NativeRule = NativeRule {
    code: "DL106",
    name: "build-machine-search-path",
    severity: Severity::Warning,
    summary: "an RPATH/RUNPATH entry points at a directory that exists only on the build machine",
    explanation: "\
What it does: flags absolute RPATH/RUNPATH directories that are neither inside \
the scanned tree nor library directories of the image: home directories, CI \
tool caches, a build's own Python prefix, an application directory the base \
does not have. Once per object and directory, on the object itself.

Why it breaks: the directory does not exist in the image, so the loader finds \
nothing there; libraries that were found through it on the build machine are \
missing (reported as DL101 when no other path provides them). A warning, \
because the entry alone breaks nothing.

Example: an extension built in GitHub Actions with RUNPATH \
`/opt/hostedtoolcache/…/lib`.

Instead: vendor the libraries beside the package with an `$ORIGIN`-relative \
RUNPATH (`auditwheel repair`), or copy them into the image's library \
directory and drop the stale entry (`patchelf --remove-rpath`).",
};

/// DL106 for each unusable absolute entry of `object`'s search path.
pub fn findings(object: &ElfObject, paths: &ObjectSearchPath, base: &BaseImage) -> Vec<Finding> {
    let mut findings = Vec::new();
    let mut seen = HashSet::new();
    for (kind, entries) in [("RPATH", &paths.rpath), ("RUNPATH", &paths.runpath)] {
        for entry in entries {
            let why = match entry.issue {
                Some(DirIssue::BuildMachine) => "a directory of the machine it was built on",
                Some(DirIssue::NotInImage) => {
                    "neither inside the scanned tree nor a library directory of the image"
                }
                _ => continue,
            };
            if !seen.insert(entry.written.as_str()) {
                continue;
            }
            findings.push(
                RULE.finding(
                    object,
                    RULE.severity,
                    format!(
                        "{} has {kind} entry `{}`, {why}: it does not exist on {}, so the loader finds nothing there.",
                        describe(object),
                        entry.written,
                        base.display_name()
                    ),
                    format!(
                        "Vendor the libraries it found there beside the package and point {kind} at them with `$ORIGIN` (`auditwheel repair` does this), or copy them into the image's library directory; then drop the stale entry (`patchelf --remove-rpath` or `--set-rpath`)."
                    ),
                )
                .with_field("directory", entry.written.clone())
                .with_field("kind", kind),
            );
        }
    }
    findings
}
