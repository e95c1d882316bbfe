//! DL108: an extension module on a base that has no Python.

use super::describe;
use super::NativeCheck;
use crate::base::BaseImage;
use crate::elf::library_hints::LibraryHints;
use crate::elf::python_abi::ExtensionName;
use crate::elf::ElfObject;
use crate::finding::Finding;
use crate::rules::RuleSet;

pub const CHECK: NativeCheck = NativeCheck {
    code: "DL108",
    variants: &[],
    placeholders: &["object", "import", "suggestion"],
    templates: true,
};

pub fn finding(
    rules: &RuleSet,
    object: &ElfObject,
    name: &ExtensionName,
    base: &BaseImage,
) -> Finding {
    let others = LibraryHints::get().bases_with_python("3", base);
    let suggestion = if others.is_empty() {
        "a python3 base".to_string()
    } else {
        others.join(" or ")
    };
    super::finding(
        rules,
        &CHECK,
        object,
        base,
        None,
        |s| s,
        &[
            ("object", describe(object)),
            ("import", name.import.clone()),
            ("suggestion", suggestion),
        ],
    )
}
