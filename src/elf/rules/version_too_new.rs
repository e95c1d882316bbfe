//! DL102: a required symbol version that the providing library lacks.

use super::NativeCheck;
use super::{chain_clause, LoadView};
use crate::base::{split_version, BaseImage};
use crate::elf::library_hints::{newest_in_base, newest_of, LibraryHints};
use crate::elf::resolve::{Provider, VersionFailure};
use crate::finding::Finding;

pub const CHECK: NativeCheck = NativeCheck {
    code: "DL102",
    variants: &["from-tree", "glibc", "gcc-runtime", "other"],
    placeholders: &[
        "headline",
        "requester",
        "version",
        "library",
        "provider",
        "provides",
        "chain",
        "outcome",
        "unreached",
        "needed",
        "newer-than-image",
        "manylinux-tag",
        "other-bases",
    ],
    templates: true,
};

/// DL102 for one version a root's load needs and does not get. The version
/// goes in `version_needed`: `version` is the distribution's in the JSON
/// output (`docs/json-output.md`).
pub fn finding(view: &LoadView<'_, '_>, failure: &VersionFailure) -> Finding {
    let base = view.resolver.base();
    let tree = view.resolver.tree();
    let requester = view.name(failure.requester);
    let mut chain = view.chain(failure.requester);
    chain.push(failure.library.clone());
    let version = &failure.version;
    let (provider_text, provided, from_tree) = match view.load.loaded[failure.provider].provider {
        Provider::Base(library) => (
            format!("the image's {}", library.path),
            newest_in_base(base, library, version),
            false,
        ),
        Provider::Tree(i) => (
            format!("{} in the scanned tree", tree.objects[i].path.display()),
            newest_of(&tree.objects[i].info.version_defs, version),
            true,
        ),
    };
    let error = format!("version `{version}' not found (required by {requester})");
    let provides = match &provided {
        Some(p) => format!("provides only up to {p}"),
        None => format!("does not define {version}"),
    };
    let (variant, help_values) = help(base, failure, provided.as_deref(), from_tree);
    let mut values = vec![
        ("headline", view.headline()),
        ("requester", requester.clone()),
        ("version", version.clone()),
        ("library", failure.library.clone()),
        ("provider", provider_text),
        ("provides", provides),
        ("chain", chain_clause(&chain)),
        ("outcome", view.subject.raises(&error)),
        ("unreached", view.subject.unreached_note(view.root())),
    ];
    values.extend(help_values);
    let mut finding = super::finding(
        view.rules,
        &CHECK,
        view.root(),
        base,
        Some(variant),
        |s| view.subject.severity(s),
        &values,
    )
    .with_field("library", failure.library.clone())
    .with_field("version_needed", version.clone())
    .with_field("needed_by", requester)
    .with_field("chain", chain)
    .with_field("error", error);
    if let Some(provided) = provided {
        finding = finding.with_field("provided", provided);
    }
    finding
}

/// The help's variant, and the values it needs.
fn help(
    base: &BaseImage,
    failure: &VersionFailure,
    provided: Option<&str>,
    from_tree: bool,
) -> (&'static str, Vec<(&'static str, String)>) {
    let version = &failure.version;
    if from_tree {
        return ("from-tree", Vec::new());
    }
    let bases = LibraryHints::get().bases_defining(&failure.library, version, base);
    let other_bases = if bases.is_empty() {
        String::new()
    } else {
        format!(
            "; or choose a base that has {version}: {}",
            bases.join(", ")
        )
    };
    let mut values = vec![("other-bases", other_bases)];
    let variant = match split_version(version) {
        Some(("GLIBC", needed)) => {
            let tag = provided
                .and_then(split_version)
                .map(|(_, n)| format!(" (manylinux_{} or older)", n.replace('.', "_")))
                .unwrap_or_default();
            values.push(("needed", needed.to_string()));
            values.push((
                "newer-than-image",
                base.libc
                    .version
                    .as_ref()
                    .map(|v| format!(", newer than the image's glibc {v}"))
                    .unwrap_or_default(),
            ));
            values.push(("manylinux-tag", tag));
            "glibc"
        }
        Some(("GLIBCXX" | "CXXABI" | "GCC", _)) => "gcc-runtime",
        _ => "other",
    };
    (variant, values)
}
