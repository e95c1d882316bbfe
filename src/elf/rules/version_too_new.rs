//! DL102: a required symbol version that the providing library lacks.

use super::{chain_clause, LoadView};
use crate::base::{split_version, BaseImage};
use crate::elf::codes::NativeRule;
use crate::elf::library_hints::{newest_in_base, newest_of, LibraryHints};
use crate::elf::resolve::{Provider, VersionFailure};
use crate::finding::{Finding, Severity};

pub const RULE: NativeRule = NativeRule {
    code: "DL102",
    name: "symbol-version-too-new",
    severity: Severity::Error,
    summary: "a required symbol version is newer than the library that provides it",
    explanation: "\
What it does: checks every DT_VERNEED entry (`GLIBC_2.38` from `libc.so.6`, \
`GLIBCXX_3.4.32` from `libstdc++.so.6`) of every object a root loads against \
the library that name resolves to in the image or the tree.

Why it breaks: the loader refuses the object: \
``version `GLIBC_2.38' not found (required by …)``. It happens when the code \
was built on a newer distribution than the base.

Example: a wheel built on Ubuntu 24.04 (glibc 2.39) copied onto \
python3-debian12 (glibc 2.36).

Instead: build in a stage based on the same (or an older) release as the base, \
install manylinux wheels whose glibc tag the base satisfies, or choose a base \
with a newer C library.",
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
    let message = format!(
        "{}: {requester} requires {version} from {}, but {provider_text} {provides}{}. {}.{}",
        view.headline(),
        failure.library,
        chain_clause(&chain),
        view.subject.raises(&error),
        view.subject.unreached_note(view.root())
    );
    let mut finding = RULE
        .finding(
            view.root(),
            view.subject.severity(RULE.severity),
            message,
            help(base, failure, provided.as_deref(), from_tree),
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

fn help(
    base: &BaseImage,
    failure: &VersionFailure,
    provided: Option<&str>,
    from_tree: bool,
) -> String {
    let version = &failure.version;
    if from_tree {
        return format!(
            "The copy of {} in the tree is older than the one the requester was built against: vendor the matching version (rebuild the wheel with `auditwheel repair` against the same library).",
            failure.library
        );
    }
    let bases = LibraryHints::get().bases_defining(&failure.library, version, base);
    let mut help = match split_version(version) {
        Some(("GLIBC", needed)) => {
            let tag = provided
                .and_then(split_version)
                .map(|(_, n)| format!(" (manylinux_{} or older)", n.replace('.', "_")))
                .unwrap_or_default();
            format!(
                "It was built against glibc {needed}{}. Build it in a stage based on the same Debian release as the image, or install a manylinux wheel whose glibc tag the image satisfies{tag}",
                base.libc
                    .version
                    .as_ref()
                    .map(|v| format!(", newer than the image's glibc {v}"))
                    .unwrap_or_default()
            )
        }
        Some(("GLIBCXX" | "CXXABI" | "GCC", _)) => format!(
            "It was built with a newer GCC than the one whose {} the image carries. Build it in a stage based on the same Debian release as the image, or install a wheel that vendors its C++ runtime",
            failure.library
        ),
        _ => format!(
            "It was built against a newer {} than the image carries. Build it against the image's version, or vendor the newer library beside it",
            failure.library
        ),
    };
    if !bases.is_empty() {
        help.push_str(&format!(
            "; or choose a base that has {version}: {}",
            bases.join(", ")
        ));
    }
    help.push('.');
    help
}
