//! DL107: a dynamically linked object on a base with no loader at all.

use super::NativeCheck;
use super::{describe, Subject};
use crate::base::BaseImage;
use crate::elf::ElfObject;
use crate::finding::Finding;
use crate::rules::RuleSet;

pub const CHECK: NativeCheck = NativeCheck {
    code: "DL107",
    variants: &[],
    placeholders: &["object", "needs", "outcome", "unreached"],
    templates: true,
};

pub fn finding(rules: &RuleSet, object: &ElfObject, base: &BaseImage, subject: Subject) -> Finding {
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
    let mut finding = super::finding(
        rules,
        &CHECK,
        object,
        base,
        None,
        |s| subject.severity(s),
        &[
            ("object", describe(object)),
            ("needs", needs.join("; ")),
            ("outcome", what.to_string()),
            ("unreached", subject.unreached_note(object)),
        ],
    )
    .with_field("needed", info.needed.clone());
    if let Some(interpreter) = &info.interpreter {
        finding = finding.with_field("interpreter", interpreter.clone());
    }
    finding
}
