//! The native-library rules: one table of stable codes, each with its
//! default severity and the reasoning a user reads with `distrolint rule`.
//!
//! Codes are never reused. A finding about a library that nothing in the
//! scanned tree links against is downgraded to a warning whatever the rule's
//! default, because it breaks only if something opens that library at run
//! time (ctypes, `dlopen`).

use crate::finding::{Family, Finding, Severity};

use super::ElfObject;

/// One native-library rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NativeRule {
    pub code: &'static str,
    pub name: &'static str,
    pub severity: Severity,
    /// One line: what the rule finds.
    pub summary: &'static str,
    /// What it does, why it breaks, and what to do instead.
    pub explanation: &'static str,
}

impl NativeRule {
    /// A finding of this rule on `object`, carrying its distribution.
    pub fn finding(
        &self,
        object: &ElfObject,
        severity: Severity,
        message: impl Into<String>,
        help: impl Into<String>,
    ) -> Finding {
        let mut finding = Finding::new(
            self.code,
            severity,
            Family::NativeLibrary,
            object.path.clone(),
            message,
            help,
        );
        finding.distribution = object.distribution.clone();
        finding
    }
}

/// DL101.
pub const MISSING_LIBRARY: NativeRule = NativeRule {
    code: "DL101",
    name: "missing-library",
    severity: Severity::Error,
    summary: "a shared library the object needs is in neither the image nor the scanned tree",
    explanation: "\
What it does: simulates the image's dynamic loader over every DT_NEEDED entry, \
breadth-first, with each object's own RPATH/RUNPATH, the image's ld.so.cache and \
default directories, and the libraries the scanned tree carries.

Why it breaks: the loader stops at the first library it cannot find; Python \
raises `ImportError: libpq.so.5: cannot open shared object file: No such file \
or directory`, a program exits with `error while loading shared libraries`. \
Distroless images carry only the handful of libraries their packages list.

Instead: copy the library (and what it needs) from the build stage into a \
directory the loader searches, vendor it beside the package with an \
`$ORIGIN`-relative RUNPATH (what `auditwheel repair` does for manylinux \
wheels), install a wheel that vendors it, or choose a base that ships it.",
};

/// DL102.
pub const VERSION_TOO_NEW: NativeRule = NativeRule {
    code: "DL102",
    name: "symbol-version-too-new",
    severity: Severity::Error,
    summary: "a required symbol version is newer than the library that provides it",
    explanation: "\
What it does: checks every DT_VERNEED entry (`GLIBC_2.38` from `libc.so.6`, \
`GLIBCXX_3.4.32` from `libstdc++.so.6`) against the library that name resolves \
to in the image or the tree.

Why it breaks: the loader refuses the object: \
``version `GLIBC_2.38' not found (required by …)``. It happens when the code \
was built on a newer distribution than the base.

Instead: build in a stage based on the same (or an older) release as the base, \
install manylinux wheels whose glibc tag the base satisfies, or choose a base \
with a newer C library.",
};

/// DL103.
pub const WRONG_LIBC: NativeRule = NativeRule {
    code: "DL103",
    name: "wrong-c-library",
    severity: Severity::Error,
    summary: "the object is linked against musl on a glibc image, or the reverse",
    explanation: "\
What it does: recognises musl-linked objects (DT_NEEDED `libc.musl-*.so.1`, \
interpreter `/lib/ld-musl-*`) and glibc-linked ones, and compares them with the \
base's C library. Reported once per object instead of a cascade of missing \
libraries.

Why it breaks: the two C libraries are not interchangeable; a musllinux wheel \
(built on Alpine) cannot load on a Debian-based distroless image.

Instead: install the manylinux wheels (or build on a Debian/glibc stage) for a \
glibc base; musllinux wheels for a musl base.",
};

/// DL104.
pub const WRONG_ARCHITECTURE: NativeRule = NativeRule {
    code: "DL104",
    name: "wrong-architecture",
    severity: Severity::Error,
    summary: "the object is for another machine, word size or byte order than the base",
    explanation: "\
What it does: compares each object's ELF machine, class and byte order with \
the base's architecture.

Why it breaks: the loader refuses the file (a program fails with `Exec format \
error`). It happens when wheels are installed on an arm64 laptop and copied \
into an amd64 image, or the reverse.

Instead: build the dependencies for the image's platform \
(`docker build --platform linux/amd64`, or `pip install --platform … \
--only-binary :all:`).",
};

/// DL105.
pub const PYTHON_ABI_MISMATCH: NativeRule = NativeRule {
    code: "DL105",
    name: "python-abi-mismatch",
    severity: Severity::Error,
    summary: "an extension module is built for another Python version or platform than the base's",
    explanation: "\
What it does: reads the extension's file-name tag \
(`_x.cpython-311-x86_64-linux-gnu.so`) and, for stable-ABI (`abi3`) modules, \
the minimum version from the wheel's tags, and compares them with the base's \
Python.

Why it breaks: Python looks only for `.cpython-<its version>-<its platform>.so`, \
`.abi3.so` and `.so`; a module for another version is simply not found \
(`ModuleNotFoundError`). An abi3 module built for a newer Python uses C API \
the older one lacks.

Instead: install the dependencies with the same Python minor version as the \
base, or choose the base whose Python matches.",
};

/// DL106.
pub const BUILD_MACHINE_SEARCH_PATH: NativeRule = NativeRule {
    code: "DL106",
    name: "build-machine-search-path",
    severity: Severity::Warning,
    summary: "an RPATH/RUNPATH entry points at a directory that exists only on the build machine",
    explanation: "\
What it does: flags absolute RPATH/RUNPATH directories that are neither inside \
the scanned tree nor library directories of the image: home directories, CI \
tool caches, a build's own Python prefix.

Why it breaks: the directory does not exist in the image, so the loader finds \
nothing there; libraries that were found through it on the build machine are \
missing (reported as DL101 when no other path provides them).

Instead: vendor the libraries beside the package with an `$ORIGIN`-relative \
RUNPATH (`auditwheel repair`), or copy them into the image's library \
directory and drop the stale entry (`patchelf --remove-rpath`).",
};

/// DL107.
pub const NO_DYNAMIC_LOADER: NativeRule = NativeRule {
    code: "DL107",
    name: "no-dynamic-loader",
    severity: Severity::Error,
    summary: "the object is dynamically linked but the base has no dynamic loader or C library",
    explanation: "\
What it does: on bases without a C library (distroless `static`), reports each \
dynamically linked program, extension or library once.

Why it breaks: there is no `ld-linux` to start the program and no `libc.so.6` \
to load: exec fails with `No such file or directory`.

Instead: use `base`, `cc` or a `python3` image, or link the program statically.",
};

/// DL108.
pub const NO_PYTHON: NativeRule = NativeRule {
    code: "DL108",
    name: "extension-without-python",
    severity: Severity::Error,
    summary: "an extension module on a base that has no Python interpreter",
    explanation: "\
What it does: reports each Python extension module once when neither the base \
nor the scanned tree provides a Python interpreter.

Why it breaks: nothing in the image can import it; `static`, `base` and `cc` \
images carry no Python.

Instead: use a `python3` base, or copy a complete Python (interpreter and \
standard library) into the image and scan it with the application.",
};

/// Every native-library rule, by code.
pub const RULES: &[NativeRule] = &[
    MISSING_LIBRARY,
    VERSION_TOO_NEW,
    WRONG_LIBC,
    WRONG_ARCHITECTURE,
    PYTHON_ABI_MISMATCH,
    BUILD_MACHINE_SEARCH_PATH,
    NO_DYNAMIC_LOADER,
    NO_PYTHON,
];

/// The rule with `code`, if it is a native-library rule.
pub fn rule(code: &str) -> Option<&'static NativeRule> {
    RULES.iter().find(|r| r.code == code)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_and_names_are_unique() {
        let mut codes: Vec<_> = RULES.iter().map(|r| r.code).collect();
        let mut names: Vec<_> = RULES.iter().map(|r| r.name).collect();
        codes.sort();
        names.sort();
        let (n_codes, n_names) = (codes.len(), names.len());
        codes.dedup();
        names.dedup();
        assert_eq!((codes.len(), names.len()), (n_codes, n_names));
    }
}
