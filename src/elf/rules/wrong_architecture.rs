//! DL104: an object for another machine, word size or byte order.

use super::NativeCheck;
use super::{describe, Subject};
use crate::base::BaseImage;
use crate::elf::inspect::machine_name;
use crate::elf::resolve::Target;
use crate::elf::ElfObject;
use crate::finding::Finding;
use crate::rules::RuleSet;

pub const CHECK: NativeCheck = NativeCheck {
    code: "DL104",
    variants: &[],
    placeholders: &[
        "object",
        "found",
        "expected",
        "outcome",
        "unreached",
        "architecture",
        "docker-platform",
    ],
    templates: true,
};

pub fn finding(
    rules: &RuleSet,

    object: &ElfObject,
    base: &BaseImage,
    target: Option<Target>,
    subject: Subject,
) -> Finding {
    let info = &object.info;
    let found = describe_kind(info.machine, info.is_64, info.little_endian);
    let expected = target
        .map(|t| describe_kind(t.machine, t.is_64, t.little_endian))
        .unwrap_or_else(|| base.architecture.clone());
    let outcome = match subject {
        Subject::Executable => "the kernel refuses to start it (Exec format error)".to_string(),
        _ => format!("the loader refuses it, so it {}", subject.cannot()),
    };
    super::finding(
        rules,
        &CHECK,
        object,
        base,
        None,
        |s| subject.severity(s),
        &[
            ("object", describe(object)),
            ("found", found),
            ("expected", expected),
            ("outcome", outcome),
            ("unreached", subject.unreached_note(object)),
            ("architecture", base.architecture.clone()),
            (
                "docker-platform",
                docker_platform(&base.architecture).to_string(),
            ),
        ],
    )
    .with_field("architecture", machine_name(info.machine, info.is_64))
    .with_field("expected", base.architecture.clone())
}

/// `aarch64 (64-bit, little-endian)`.
fn describe_kind(machine: u16, is_64: bool, little_endian: bool) -> String {
    format!(
        "{} ({}-bit, {}-endian)",
        machine_name(machine, is_64),
        if is_64 { 64 } else { 32 },
        if little_endian { "little" } else { "big" }
    )
}

/// Docker's spelling of an architecture.
fn docker_platform(arch: &str) -> &str {
    match arch {
        "x86_64" => "amd64",
        "aarch64" => "arm64",
        "armv7l" => "arm/v7",
        "i686" | "i386" => "386",
        other => other,
    }
}
