//! DL107: a dynamically linked object on a base with no loader at all.

use super::{describe, Subject};
use crate::base::BaseImage;
use crate::elf::codes::NativeRule;
use crate::elf::ElfObject;
use crate::finding::{Finding, Severity};

pub const RULE: NativeRule = NativeRule {
    code: "DL107",
    name: "no-dynamic-loader",
    severity: Severity::Error,
    summary: "the object is dynamically linked but the base has no dynamic loader or C library",
    explanation: "\
What it does: on bases without a C library (distroless `static`), reports each \
dynamically linked program, extension or library once, instead of one missing \
library per DT_NEEDED entry. An extension module there is reported by this \
rule only: with no C library there is no Python either.

Why it breaks: there is no `ld-linux` to start the program and no `libc.so.6` \
to load: exec fails with `No such file or directory`.

Example: a helper program built with the default (dynamic) linking, shipped \
on `gcr.io/distroless/static-debian12`.

Instead: use `base`, `cc` or a `python3` image, or link the program statically.",
};

pub fn finding(object: &ElfObject, base: &BaseImage, subject: Subject) -> Finding {
    let info = &object.info;
    let mut needs = Vec::new();
    if let Some(interpreter) = &info.interpreter {
        needs.push(format!("the program interpreter {interpreter}"));
    }
    if !info.needed.is_empty() {
        needs.push(info.needed.join(", "));
    }
    let what = match subject {
        Subject::Extension => "there is no Python and no loader to import it",
        Subject::Executable => "exec fails with No such file or directory",
        Subject::Unreached => "nothing can load it",
    };
    let mut finding = RULE
        .finding(
            object,
            subject.severity(RULE.severity),
            format!(
                "{} is dynamically linked (it needs {}), but {} has no dynamic loader and no C library: {what}.{}",
                describe(object),
                needs.join("; "),
                base.display_name(),
                subject.unreached_note(object)
            ),
            "Use a base with a C library (the base, cc or python3 image of the same release), or link the program statically (CGO_ENABLED=0 for Go, `-static` for C, a `*-musl` target with static linking for Rust).",
        )
        .with_field("needed", info.needed.clone());
    if let Some(interpreter) = &info.interpreter {
        finding = finding.with_field("interpreter", interpreter.clone());
    }
    finding
}
