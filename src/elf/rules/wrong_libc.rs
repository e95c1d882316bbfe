//! DL103: an object linked against the other C library than the image's.

use super::NativeCheck;
use super::{chain_clause, describe, LoadView, Subject};
use crate::base::{BaseImage, LibcKind};
use crate::elf::resolve::libc_of;
use crate::elf::ElfObject;
use crate::finding::Finding;
use crate::rules::RuleSet;

pub const CHECK: NativeCheck = NativeCheck {
    code: "DL103",
    variants: &["musl", "glibc", "musl-in-chain", "glibc-in-chain"],
    placeholders: &[
        "object",
        "libc",
        "evidence",
        "base-libc",
        "outcome",
        "unreached",
        "headline",
        "library",
        "chain",
        "what",
    ],
    templates: true,
};

fn libc_name(kind: LibcKind) -> &'static str {
    match kind {
        LibcKind::Glibc => "glibc",
        LibcKind::Musl => "musl libc",
        LibcKind::None => "no C library",
    }
}

/// What the help names: the distribution, or the file.
fn what(object: &ElfObject) -> String {
    object
        .distribution
        .as_ref()
        .map(|d| format!("{} {}", d.name, d.version))
        .unwrap_or_else(|| "This file".into())
}

/// `musl` or `glibc`: whose wheel the object comes from decides the advice.
fn flavour(kind: LibcKind) -> &'static str {
    match kind {
        LibcKind::Musl => "musl",
        _ => "glibc",
    }
}

/// The DT_NEEDED entry that names the object's C library.
fn libc_file(object: &ElfObject) -> Option<&str> {
    object
        .info
        .needed
        .iter()
        .find(|n| n.starts_with("libc.musl-") || *n == "libc.so.6")
        .map(String::as_str)
}

/// What in `object` names its C library.
fn evidence(object: &ElfObject) -> String {
    match (libc_file(object), &object.info.interpreter) {
        (Some(n), _) => format!("it needs {n}"),
        (None, Some(i)) => format!("its interpreter is {i}"),
        (None, None) => "its dependencies".into(),
    }
}

/// DL103 on a root (or unreached library) linked against the other C library.
pub fn on_root(
    rules: &RuleSet,
    object: &ElfObject,
    kind: LibcKind,
    base: &BaseImage,
    subject: Subject,
) -> Finding {
    let libc_file = libc_file(object);
    let error = match libc_file {
        Some(name) => format!("{name}: cannot open shared object file: No such file or directory"),
        None => "No such file or directory".to_string(),
    };
    let outcome = if subject == Subject::Executable && libc_file.is_none() {
        "the kernel cannot find its interpreter, so it cannot start (No such file or directory)"
            .to_string()
    } else {
        format!("it {}; {}", subject.cannot(), subject.raises(&error))
    };
    let variant = flavour(kind);
    let mut finding = super::finding(
        rules,
        &CHECK,
        object,
        base,
        Some(variant),
        |s| subject.severity(s),
        &[
            ("object", describe(object)),
            ("libc", libc_name(kind).to_string()),
            ("evidence", evidence(object)),
            ("base-libc", libc_name(base.libc.kind).to_string()),
            ("outcome", outcome),
            ("unreached", subject.unreached_note(object)),
            ("what", what(object)),
        ],
    )
    .with_field("libc", libc_name(kind))
    .with_field("error", error);
    if let Some(name) = libc_file {
        finding = finding.with_field("library", name);
    }
    finding
}

/// DL103 on a root, for a library it loads that uses the other C library.
pub fn in_chain(view: &LoadView<'_, '_>, index: usize) -> Option<Finding> {
    let base = view.resolver.base();
    let object = view.tree_object(index)?;
    let kind = libc_of(&object.info).unwrap_or(LibcKind::Musl);
    let chain = view.chain(index);
    let variant = format!("{}-in-chain", flavour(kind));
    let finding = super::finding(
        view.rules,
        &CHECK,
        view.root(),
        base,
        Some(&variant),
        |s| view.subject.severity(s),
        &[
            ("headline", view.headline()),
            ("library", object.path.display().to_string()),
            ("libc", libc_name(kind).to_string()),
            ("evidence", evidence(object)),
            ("base-libc", libc_name(base.libc.kind).to_string()),
            ("chain", chain_clause(&chain)),
            ("unreached", view.subject.unreached_note(view.root())),
            ("what", what(object)),
        ],
    )
    .with_field("libc", libc_name(kind))
    .with_field("library", object.path.display().to_string())
    .with_field("chain", chain);
    Some(finding)
}
