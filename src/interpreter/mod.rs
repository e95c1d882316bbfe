//! The interpreter checks: what runs the scanned tree's scripts, and which
//! Python its installed packages were made for, against the base image.
//!
//! Scripts are found file by file during the scan ([`read_script`], called
//! on every file that starts with `#!`); everything else needs the whole
//! tree and runs once after it ([`check_tree`]): the virtualenvs and the
//! Python each starts (`venvs`), the scripts judged against the base and
//! the venvs (`scripts`, DL601–DL602), and the Python version of trees and
//! distributions (`installed`, DL603–DL605). Nothing is executed: `#!`
//! lines are parsed as the kernel parses them (`shebang`), and the image is
//! the base manifest plus the scanned tree (`image`).
//!
//! The wording of every finding is in `rules/interpreter.toml`; the checks
//! here fill its placeholders (`codes`).

pub mod codes;
mod image;
mod installed;
mod scripts;
pub mod shebang;
mod text;
mod venvs;
pub mod wheel_tags;

use std::path::{Path, PathBuf};

use crate::base::BaseImage;
use crate::discovery::Discovery;
use crate::finding::Finding;
use crate::rules::RuleSet;
pub use shebang::Shebang;

/// How much of a file to read for [`read_script`]: the kernel's buffer, and
/// the second line pip writes for a long interpreter path.
pub const SCRIPT_HEAD: usize = 1024;

/// A file that starts with a `#!` line the kernel accepts.
#[derive(Debug, Clone)]
pub struct Script {
    pub path: PathBuf,
    pub shebang: Shebang,
    /// Any execute bit is set.
    pub executable: bool,
    /// pip's `/bin/sh` launcher, written instead of a direct `#!` when the
    /// interpreter's path is too long for the kernel or contains spaces:
    /// `#!/bin/sh` then `'''exec' "/path/to/python" "$0" "$@"`.
    pub pip_trampoline: bool,
}

/// The script in a file whose first bytes are `head` and whose mode bits
/// are `mode`; `None` when it does not start with a usable `#!` line.
pub fn read_script(path: &Path, head: &[u8], mode: u32) -> Option<Script> {
    let shebang = shebang::parse(head)?;
    let second_line = head
        .iter()
        .position(|&c| c == b'\n')
        .map(|newline| &head[newline + 1..])
        .unwrap_or_default();
    Some(Script {
        path: path.to_path_buf(),
        shebang,
        executable: mode & 0o111 != 0,
        pip_trampoline: second_line.starts_with(b"'''exec' "),
    })
}

/// Every interpreter finding of the tree: scripts, virtualenvs, trees and
/// distributions. `started` is what the image's Dockerfiles start by path,
/// `None` without one. Scripts are judged in the order given; the findings
/// are sorted by the caller like all others.
pub fn check_tree(
    rules: &RuleSet,
    discovery: &Discovery,
    scripts: &[Script],
    base: &BaseImage,
    started: Option<&[String]>,
) -> Vec<Finding> {
    let venvs = venvs::survey(discovery, base);
    let mut findings = scripts::check(rules, scripts, &venvs, discovery, base, started);
    findings.extend(installed::check(rules, &venvs, discovery, base));
    findings
}
