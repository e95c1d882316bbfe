//! DL105: an extension module built for another Python than the image's.

use super::describe;
use crate::base::{compare_versions, BaseImage};
use crate::elf::codes::NativeRule;
use crate::elf::library_hints::LibraryHints;
use crate::elf::python_abi::{
    abi3_minimum, dotted, wheel_abi, ExtensionName, ExtensionTag, PythonTarget,
};
use crate::elf::ElfObject;
use crate::finding::{Finding, Severity};

pub const RULE: NativeRule = NativeRule {
    code: "DL105",
    name: "python-abi-mismatch",
    severity: Severity::Error,
    summary: "an extension module is built for another Python version or platform than the base's",
    explanation: "\
What it does: reads the extension's file-name tag \
(`_x.cpython-311-x86_64-linux-gnu.so`) and compares it with the Python that \
will import it: the base's, or one the scanned tree carries on a base without \
Python. For stable-ABI (`abi3`) modules it takes the minimum version from the \
wheel's tags (`cp38-abi3`); for untagged `x.so` modules, the wheel's ABI tag \
(`cp311`).

Why it breaks: Python looks only for `.cpython-<its version>-<its platform>.so`, \
`.abi3.so` and `.so`; a module for another version or platform is simply not \
found (`ModuleNotFoundError`). An abi3 module built for a newer Python, or an \
untagged one built for another version, is found but uses C API the image's \
Python does not have.

Example: dependencies installed with `python:3.11` copied onto \
python3-debian13 (Python 3.13).

Instead: install the dependencies with the same Python minor version as the \
base, or choose the base whose Python matches.",
};

/// DL105 for one extension module, if Python will not import it.
pub fn finding(
    object: &ElfObject,
    name: &ExtensionName,
    python: &PythonTarget,
    base: &BaseImage,
) -> Option<Finding> {
    let module = &name.module;
    let accepted = format!(
        "`{module}.{}.so`, `{module}.abi3.so` or `{module}.so`",
        python.soabi
    );
    let not_found = format!(
        "`import {0}` fails with ModuleNotFoundError: No module named '{0}'",
        name.import
    );
    let wanted = python
        .soabi
        .strip_prefix("cpython-")
        .unwrap_or(&python.soabi);
    let (wanted_version, wanted_platform) = wanted.split_once('-').unwrap_or((wanted, ""));
    let hints = LibraryHints::get();
    let (message, help, found) = match &name.tag {
        ExtensionTag::CPython { version, platform } => {
            let tag = match platform {
                Some(p) => format!("cpython-{version}-{p}"),
                None => format!("cpython-{version}"),
            };
            if version != wanted_version {
                let built_for = dotted(version);
                let message = format!(
                    "{} is built for CPython {built_for}{} (tag `{tag}`), but {} has Python {}, which looks only for {accepted}: it cannot import this module at all; {not_found}.",
                    describe(object),
                    flavour(version),
                    python.source,
                    python.version
                );
                let help = other_version_help(python, &built_for, base, hints);
                (message, help, tag)
            } else if platform.as_deref() != Some(wanted_platform) {
                let message = format!(
                    "{} is built for platform `{}` (tag `{tag}`), but the Python of {} looks only for {accepted}: {not_found}.",
                    describe(object),
                    platform.as_deref().unwrap_or("none"),
                    python.source
                );
                let help = format!(
                    "Install wheels built for `{wanted_platform}` (manylinux wheels for a glibc image, musllinux for a musl one, and the image's architecture), e.g. by building in a stage on the same platform as the image."
                );
                (message, help, tag)
            } else {
                return None;
            }
        }
        ExtensionTag::Abi3 => {
            let minimum = abi3_minimum(&object.wheel_tags)?;
            if compare_versions(&minimum, &python.minor()) != std::cmp::Ordering::Greater {
                return None;
            }
            let message = format!(
                "{} uses the stable ABI of CPython {minimum} and newer (wheel tag `cp{}-abi3`), but {} has Python {}: the module is found, but importing it fails on C API functions that Python {} lacks (ImportError: undefined symbol).",
                describe(object),
                minimum.replace('.', ""),
                python.source,
                python.version,
                python.minor()
            );
            let others = hints.bases_with_python_at_least(&minimum, base);
            let mut help = format!(
                "Install the package with Python {} in the build stage so pip picks a wheel whose abi3 tag it supports (cp{} or older)",
                python.minor(),
                python.minor().replace('.', "")
            );
            if !others.is_empty() {
                help.push_str(&format!(
                    ", or choose a base with Python {minimum} or newer: {}",
                    others.join(", ")
                ));
            }
            help.push('.');
            (message, help, format!("abi3 >= {minimum}"))
        }
        ExtensionTag::Untagged => {
            let abi = wheel_abi(&object.wheel_tags)?;
            if abi == wanted_version {
                return None;
            }
            let built_for = dotted(&abi);
            let message = format!(
                "{} has no version tag in its name, so Python {} of {} imports it, but its wheel was built for CPython {built_for}{} (ABI tag `cp{abi}`): importing it fails on missing C API symbols, or crashes.",
                describe(object),
                python.version,
                python.source,
                flavour(&abi)
            );
            let help = other_version_help(python, &built_for, base, hints);
            (message, help, format!("cp{abi}"))
        }
        ExtensionTag::Other(other) => {
            let message = format!(
                "{} is built for another Python implementation (tag `{other}`); the CPython of {} looks only for {accepted}: {not_found}.",
                describe(object),
                python.source
            );
            let help = format!(
                "Install the dependencies with CPython {} in the build stage.",
                python.minor()
            );
            (message, help, other.clone())
        }
    };
    Some(
        RULE.finding(object, RULE.severity, message, help)
            .with_field("found", found)
            .with_field("expected", python.soabi.clone())
            .with_field("python", python.version.clone()),
    )
}

/// ` (free-threaded build)` for `313t`.
fn flavour(version: &str) -> String {
    match version.trim_start_matches(|c: char| c.is_ascii_digit()) {
        "" => String::new(),
        "t" => " (free-threaded build)".into(),
        "d" => " (debug build)".into(),
        other => format!(" (ABI flags `{other}`)"),
    }
}

fn other_version_help(
    python: &PythonTarget,
    built_for: &str,
    base: &BaseImage,
    hints: &LibraryHints,
) -> String {
    let mut help = format!(
        "Install the dependencies with Python {} in the build stage — the same minor version as the image — so pip picks `{}` files",
        python.minor(),
        python.soabi
    );
    let others = hints.bases_with_python(built_for, base);
    if !others.is_empty() {
        help.push_str(&format!(
            ", or choose a base with Python {built_for}: {}",
            others.join(", ")
        ));
    }
    help.push('.');
    help
}
