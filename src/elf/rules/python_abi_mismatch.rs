//! DL105: an extension module built for another Python than the image's.

use super::describe;
use super::NativeCheck;
use crate::base::{compare_versions, BaseImage};
use crate::elf::library_hints::LibraryHints;
use crate::elf::python_abi::{
    abi3_minimum, dotted, wheel_abi, ExtensionName, ExtensionTag, PythonTarget,
};
use crate::elf::ElfObject;
use crate::finding::Finding;
use crate::rules::RuleSet;

pub const CHECK: NativeCheck = NativeCheck {
    code: "DL105",
    variants: &[
        "other-version",
        "other-platform",
        "abi3-too-new",
        "untagged",
        "other-implementation",
    ],
    placeholders: &[
        "object",
        "built-for",
        "flavour",
        "tag",
        "python-source",
        "python-version",
        "python-minor",
        "python-minor-digits",
        "accepted",
        "not-found",
        "platform",
        "wanted-platform",
        "minimum",
        "minimum-digits",
        "abi",
        "soabi",
        "other-bases",
    ],
    templates: true,
};

/// DL105 for one extension module, if Python will not import it.
pub fn finding(
    rules: &RuleSet,

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
    let mut values: Vec<(&str, String)> = vec![
        ("object", describe(object)),
        ("python-source", python.source.clone()),
        ("python-version", python.version.clone()),
        ("python-minor", python.minor()),
        ("python-minor-digits", python.minor().replace('.', "")),
        ("accepted", accepted),
        ("not-found", not_found),
        ("soabi", python.soabi.clone()),
    ];
    let (variant, found) = match &name.tag {
        ExtensionTag::CPython { version, platform } => {
            let tag = match platform {
                Some(p) => format!("cpython-{version}-{p}"),
                None => format!("cpython-{version}"),
            };
            values.push(("tag", tag.clone()));
            if version != wanted_version {
                let built_for = dotted(version);
                values.push(("flavour", flavour(version)));
                values.push(("other-bases", other_bases(&built_for, base, hints)));
                values.push(("built-for", built_for));
                ("other-version", tag)
            } else if platform.as_deref() != Some(wanted_platform) {
                values.push((
                    "platform",
                    platform.as_deref().unwrap_or("none").to_string(),
                ));
                values.push(("wanted-platform", wanted_platform.to_string()));
                ("other-platform", tag)
            } else {
                return None;
            }
        }
        ExtensionTag::Abi3 => {
            let minimum = abi3_minimum(&object.wheel_tags)?;
            if compare_versions(&minimum, &python.minor()) != std::cmp::Ordering::Greater {
                return None;
            }
            let others = hints.bases_with_python_at_least(&minimum, base);
            let other_bases = if others.is_empty() {
                String::new()
            } else {
                format!(
                    ", or choose a base with Python {minimum} or newer: {}",
                    others.join(", ")
                )
            };
            values.push(("other-bases", other_bases));
            values.push(("minimum-digits", minimum.replace('.', "")));
            values.push(("minimum", minimum.clone()));
            ("abi3-too-new", format!("abi3 >= {minimum}"))
        }
        ExtensionTag::Untagged => {
            let abi = wheel_abi(&object.wheel_tags)?;
            if abi == wanted_version {
                return None;
            }
            let built_for = dotted(&abi);
            values.push(("flavour", flavour(&abi)));
            values.push(("other-bases", other_bases(&built_for, base, hints)));
            values.push(("built-for", built_for));
            values.push(("abi", abi.clone()));
            ("untagged", format!("cp{abi}"))
        }
        ExtensionTag::Other(other) => {
            values.push(("tag", other.clone()));
            ("other-implementation", other.clone())
        }
    };
    Some(
        super::finding(rules, &CHECK, object, base, Some(variant), |s| s, &values)
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

/// `, or choose a base with Python 3.11: a, b` when there are such bases.
fn other_bases(built_for: &str, base: &BaseImage, hints: &LibraryHints) -> String {
    let others = hints.bases_with_python(built_for, base);
    if others.is_empty() {
        String::new()
    } else {
        format!(
            ", or choose a base with Python {built_for}: {}",
            others.join(", ")
        )
    }
}
