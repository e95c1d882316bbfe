//! DL108: an extension module on a base that has no Python.

use super::describe;
use crate::base::BaseImage;
use crate::elf::codes::NativeRule;
use crate::elf::library_hints::LibraryHints;
use crate::elf::python_abi::ExtensionName;
use crate::elf::ElfObject;
use crate::finding::{Finding, Severity};

pub const RULE: NativeRule = NativeRule {
    code: "DL108",
    name: "extension-without-python",
    severity: Severity::Error,
    summary: "an extension module on a base that has no Python interpreter",
    explanation: "\
What it does: reports each Python extension module once when neither the base \
nor the scanned tree provides a Python interpreter (`python3.X` or \
`libpython3.X.so`). On a base with no C library at all, DL107 says it instead.

Why it breaks: nothing in the image can import it; `base` and `cc` images \
carry no Python.

Example: an application copied onto `gcr.io/distroless/cc-debian12` without \
the Python it was installed for.

Instead: use a `python3` base, or copy a complete Python (interpreter and \
standard library) into the image and scan it with the application.",
};

pub fn finding(object: &ElfObject, name: &ExtensionName, base: &BaseImage) -> Finding {
    let others = LibraryHints::get().bases_with_python("3", base);
    let suggestion = if others.is_empty() {
        "a python3 base".to_string()
    } else {
        others.join(" or ")
    };
    RULE.finding(
        object,
        RULE.severity,
        format!(
            "{} is a Python extension module (`{}`), but {} has no Python interpreter and the scanned tree brings none: nothing in the image can import it.",
            describe(object),
            name.import,
            base.display_name()
        ),
        format!(
            "Use {suggestion}, or copy a complete Python (interpreter and standard library) into the image and scan it together with the application."
        ),
    )
}
