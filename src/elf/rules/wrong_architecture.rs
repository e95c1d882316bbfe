//! DL104: an object for another machine, word size or byte order.

use super::{describe, Subject};
use crate::base::BaseImage;
use crate::elf::codes::NativeRule;
use crate::elf::inspect::machine_name;
use crate::elf::resolve::Target;
use crate::elf::ElfObject;
use crate::finding::{Finding, Severity};

pub const RULE: NativeRule = NativeRule {
    code: "DL104",
    name: "wrong-architecture",
    severity: Severity::Error,
    summary: "the object is for another machine, word size or byte order than the base",
    explanation: "\
What it does: compares each extension's and program's ELF machine, class and \
byte order with the base's architecture. The libraries such an object would \
load go with it and are not reported again; a vendored library of the wrong \
architecture that a correct extension needs is skipped by the loader, as the \
real loader skips it, and shows up as a missing library (DL101).

Why it breaks: the loader refuses the file (a program fails with `Exec format \
error`).

Example: a virtualenv populated on an arm64 laptop, copied into an amd64 \
image.

Instead: build the dependencies for the image's platform \
(`docker build --platform linux/amd64`, or `pip install --platform … \
--only-binary :all:`).",
};

pub fn finding(
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
    RULE.finding(
        object,
        subject.severity(RULE.severity),
        format!(
            "{} is built for {found}, but {} is {expected}: {outcome}.{}",
            describe(object),
            base.display_name(),
            subject.unreached_note(object)
        ),
        format!(
            "Build or download the dependencies for the image's platform ({}): run the build stage with `docker build --platform linux/{}`, or `pip install --platform <manylinux tag for {}> --only-binary :all:`. Wheels installed on an arm64 laptop are aarch64.",
            base.architecture,
            docker_platform(&base.architecture),
            base.architecture
        ),
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
