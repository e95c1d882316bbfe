//! DL103: an object linked against the other C library than the image's.

use super::{chain_clause, describe, LoadView, Subject};
use crate::base::{BaseImage, LibcKind};
use crate::elf::codes::NativeRule;
use crate::elf::resolve::libc_of;
use crate::elf::ElfObject;
use crate::finding::{Finding, Severity};

pub const RULE: NativeRule = NativeRule {
    code: "DL103",
    name: "wrong-c-library",
    severity: Severity::Error,
    summary: "the object is linked against musl on a glibc image, or the reverse",
    explanation: "\
What it does: recognises musl-linked objects (DT_NEEDED `libc.musl-*.so.1`, \
interpreter `/lib/ld-musl-*`) and glibc-linked ones, and compares them with the \
base's C library. Reported once per object (or once per root that loads it) \
instead of a cascade of missing libraries.

Why it breaks: the two C libraries are not interchangeable; a musllinux wheel \
(built on Alpine) cannot load on a Debian-based distroless image.

Example: dependencies installed in a `python:3.13-alpine` build stage, copied \
onto python3-debian13.

Instead: install the manylinux wheels (or build on a Debian/glibc stage) for a \
glibc base; musllinux wheels for a musl base.",
};

fn libc_name(kind: LibcKind) -> &'static str {
    match kind {
        LibcKind::Glibc => "glibc",
        LibcKind::Musl => "musl libc",
        LibcKind::None => "no C library",
    }
}

fn help(kind: LibcKind, object: &ElfObject) -> String {
    let what = object
        .distribution
        .as_ref()
        .map(|d| format!("{} {}", d.name, d.version))
        .unwrap_or_else(|| "This file".into());
    match kind {
        LibcKind::Musl => format!(
            "{what} comes from a musllinux wheel or an Alpine build. Install the manylinux wheel instead: build the dependencies in a Debian-based stage (python:3.x-slim, not python:3.x-alpine), or use a musl-based image."
        ),
        _ => format!(
            "{what} is linked against glibc. Install the musllinux wheel (build on Alpine), or use a glibc-based image."
        ),
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
pub fn on_root(object: &ElfObject, kind: LibcKind, base: &BaseImage, subject: Subject) -> Finding {
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
    let mut finding = RULE
        .finding(
            object,
            subject.severity(RULE.severity),
            format!(
                "{} is linked against {} ({}), but {} uses {}: {outcome}.{}",
                describe(object),
                libc_name(kind),
                evidence(object),
                base.display_name(),
                libc_name(base.libc.kind),
                subject.unreached_note(object)
            ),
            help(kind, object),
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
    let finding = RULE
        .finding(
            view.root(),
            view.subject.severity(RULE.severity),
            format!(
                "{}: it loads {}, which is linked against {} ({}) while the image uses {}{}.{}",
                view.headline(),
                object.path.display(),
                libc_name(kind),
                evidence(object),
                libc_name(base.libc.kind),
                chain_clause(&chain),
                view.subject.unreached_note(view.root())
            ),
            help(kind, object),
        )
        .with_field("libc", libc_name(kind))
        .with_field("library", object.path.display().to_string())
        .with_field("chain", chain);
    Some(finding)
}
