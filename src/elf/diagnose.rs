//! Words for what the loader simulation found: each outcome of a root's load
//! becomes a finding that says what breaks, on which base, why, and how to
//! fix it, with the loader's own error text where there is one.

use serde_json::Value;

use super::codes::{MISSING_LIBRARY, NO_DYNAMIC_LOADER, VERSION_TOO_NEW, WRONG_LIBC};
use super::inspect::machine_name;
use super::library_hints::{newest_in_base, newest_of, LibraryHints};
use super::resolve::{
    libc_of, Incompatibility, MissingLibrary, Provider, Resolver, RootLoad, VersionFailure,
};
use super::search_path::DirIssue;
use super::ElfObject;
use crate::base::{split_version, BaseImage, LibcKind};
use crate::finding::{Finding, Severity};

/// The root a finding is told from: how it is opened decides how it fails.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Subject {
    /// Python imports it.
    Extension,
    /// The kernel starts it.
    Executable,
    /// A library nothing in the tree links against.
    Unreached,
}

impl Subject {
    /// The severity of a rule whose default is `default`, for this subject:
    /// an unreached library breaks only if something opens it.
    pub fn severity(self, default: Severity) -> Severity {
        match self {
            Subject::Unreached => default.min(Severity::Warning),
            _ => default,
        }
    }

    pub fn cannot(self) -> &'static str {
        match self {
            Subject::Extension => "cannot be imported",
            Subject::Executable => "cannot start",
            Subject::Unreached => "cannot be loaded",
        }
    }

    /// How the user meets the loader's error text.
    fn raises(self, error: &str) -> String {
        match self {
            Subject::Extension => format!("Python raises ImportError: {error}"),
            Subject::Executable => {
                format!("it exits with: error while loading shared libraries: {error}")
            }
            Subject::Unreached => format!("ctypes/dlopen fails with: {error}"),
        }
    }

    /// Appended to messages about unreached libraries.
    pub fn unreached_note(self, object: &ElfObject) -> String {
        match self {
            Subject::Unreached => format!(
                " Nothing in the scanned tree links against {}, so this breaks only if something opens it at run time (ctypes, dlopen).",
                object.path.display()
            ),
            _ => String::new(),
        }
    }
}

/// `path (dist version)`.
pub fn describe(object: &ElfObject) -> String {
    match &object.distribution {
        Some(d) => format!("{} ({} {})", object.path.display(), d.name, d.version),
        None => object.path.display().to_string(),
    }
}

/// DL101, DL102 and DL103 for everything one root's load met.
/// `loader_error_first` is false when the root already failed before its
/// libraries (a missing program interpreter).
pub fn load_findings(
    resolver: &Resolver<'_>,
    load: &RootLoad<'_>,
    subject: Subject,
    loader_error_first: bool,
) -> Vec<Finding> {
    let mut findings = Vec::new();
    let first = load.missing.first().map(|m| m.name.clone());
    for (n, missing) in load.missing.iter().enumerate() {
        findings.push(missing_library(
            resolver,
            load,
            missing,
            subject,
            loader_error_first && n == 0,
            first.as_deref(),
        ));
    }
    for &index in &load.foreign_libc {
        findings.extend(foreign_libc_in_chain(resolver, load, index, subject));
    }
    for failure in &load.version_failures {
        findings.push(version_too_new(resolver, load, failure, subject));
    }
    findings
}

/// How a loaded object appears in chains and messages.
fn loaded_name(resolver: &Resolver<'_>, load: &RootLoad<'_>, index: usize) -> String {
    match load.loaded[index].provider {
        Provider::Tree(i) => resolver.tree().objects[i].path.display().to_string(),
        Provider::Base(_) => load.loaded[index].names[0].clone(),
    }
}

fn chain_to(resolver: &Resolver<'_>, load: &RootLoad<'_>, index: usize) -> Vec<String> {
    load.chain(index)
        .into_iter()
        .map(|i| loaded_name(resolver, load, i))
        .collect()
}

fn root_object<'t>(resolver: &Resolver<'t>, load: &RootLoad<'_>) -> &'t ElfObject {
    &resolver.tree().objects[load.root]
}

/// ` (chain: a → b → c)` when the chain is longer than root → target.
fn chain_clause(chain: &[String]) -> String {
    if chain.len() > 2 {
        format!(" (chain: {})", chain.join(" → "))
    } else {
        String::new()
    }
}

fn missing_library(
    resolver: &Resolver<'_>,
    load: &RootLoad<'_>,
    missing: &MissingLibrary,
    subject: Subject,
    first_missing: bool,
    first: Option<&str>,
) -> Finding {
    let base = resolver.base();
    let tree = resolver.tree();
    let root = root_object(resolver, load);
    let requester = missing.requested_by[0];
    let mut chain = chain_to(resolver, load, requester);
    chain.push(missing.name.clone());
    let needed_by = loaded_name(resolver, load, requester);

    let wrong_class = missing
        .rejected
        .iter()
        .find(|r| r.why == Incompatibility::Class);
    let error = match wrong_class {
        Some(r) => format!(
            "{}: wrong ELF class: ELFCLASS{}",
            missing.name,
            if tree.objects[r.object].info.is_64 {
                64
            } else {
                32
            }
        ),
        None => format!(
            "{}: cannot open shared object file: No such file or directory",
            missing.name
        ),
    };
    let who = if requester == 0 {
        "it".to_string()
    } else {
        needed_by.clone()
    };
    let mut message = format!(
        "{} {} on {}: {who} needs {}, which is in neither the image nor the scanned tree{}.",
        describe(root),
        subject.cannot(),
        base.display_name(),
        missing.name,
        chain_clause(&chain)
    );
    for rejected in &missing.rejected {
        let info = &tree.objects[rejected.object].info;
        message.push_str(&format!(
            " {} has that name but is built for {}; the loader skips it.",
            tree.objects[rejected.object].path.display(),
            machine_name(info.machine, info.is_64)
        ));
    }
    if first_missing {
        message.push_str(&format!(" {}.", subject.raises(&error)));
    } else if let Some(first) = first.filter(|f| *f != missing.name) {
        message.push_str(&format!(
            " The loader stops at {first} first; this library is missing as well."
        ));
    }
    let requester_object = match load.loaded[requester].provider {
        Provider::Tree(i) => Some(&tree.objects[i]),
        Provider::Base(_) => None,
    };
    if let Provider::Tree(i) = load.loaded[requester].provider {
        let paths = resolver.search_path(i);
        for (kind, entries) in [("RPATH", &paths.rpath), ("RUNPATH", &paths.runpath)] {
            for entry in entries
                .iter()
                .filter(|e| e.issue == Some(DirIssue::OutsideTree))
            {
                message.push_str(&format!(
                    " Its {kind} entry `{}` leads outside the scanned directory; if the library is there, scan the directory that contains it too.",
                    entry.written
                ));
            }
        }
    }
    message.push_str(&subject.unreached_note(root));

    let help = missing_library_help(base, &missing.name, root, requester_object);
    let mut finding = MISSING_LIBRARY
        .finding(
            root,
            subject.severity(MISSING_LIBRARY.severity),
            message,
            help,
        )
        .with_field("library", missing.name.clone())
        .with_field("chain", chain)
        .with_field("needed_by", needed_by)
        .with_field("first_missing", first_missing)
        .with_field("error", error)
        .with_field("searched", missing.searched.clone());
    if missing.requested_by.len() > 1 {
        let others: Vec<Value> = missing.requested_by[1..]
            .iter()
            .map(|&i| Value::from(loaded_name(resolver, load, i)))
            .collect();
        finding = finding.with_field("also_needed_by", others);
    }
    finding
}

fn missing_library_help(
    base: &BaseImage,
    name: &str,
    root: &ElfObject,
    requester: Option<&ElfObject>,
) -> String {
    let hints = LibraryHints::get();
    let lib_dir = base
        .loader
        .default_search_path
        .iter()
        .find(|d| d.starts_with("/usr/lib/"))
        .or_else(|| base.loader.default_search_path.first())
        .cloned()
        .unwrap_or_else(|| "/usr/lib".into());
    let mut help = String::new();
    if let Some(package) = hints.package(name) {
        help.push_str(&format!("Debian ships {name} in the package {package}. "));
    }
    let requester_file = requester
        .and_then(|o| o.path.file_name())
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "the object that needs it".into());
    help.push_str(&format!(
        "Copy {name} and the libraries it needs from the build stage into {lib_dir}, which the loader searches (`COPY --from=build {lib_dir}/{name}* {lib_dir}/`); or place it beside the package and give {requester_file} a RUNPATH of `$ORIGIN` (`auditwheel repair` vendors libraries this way into `<package>.libs/`)"
    ));
    if let Some(dist) = &root.distribution {
        help.push_str(&format!(
            "; or install a manylinux wheel of {} that vendors its libraries (`pip install --only-binary :all: {}`; some projects publish it as a separate package, such as psycopg2-binary)",
            dist.name, dist.name
        ));
    }
    let bases = hints.bases_providing(name, base);
    if !bases.is_empty() {
        help.push_str(&format!(
            "; or choose a base that ships it: {}",
            bases.join(", ")
        ));
    }
    help.push('.');
    help
}

fn version_too_new(
    resolver: &Resolver<'_>,
    load: &RootLoad<'_>,
    failure: &VersionFailure,
    subject: Subject,
) -> Finding {
    let base = resolver.base();
    let tree = resolver.tree();
    let root = root_object(resolver, load);
    let requester = loaded_name(resolver, load, failure.requester);
    let mut chain = chain_to(resolver, load, failure.requester);
    chain.push(failure.library.clone());
    let version = &failure.version;
    let (provider_text, provided, from_tree) = match load.loaded[failure.provider].provider {
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
        "{} {} on {}: {requester} requires {version} from {}, but {provider_text} {provides}{}. {}.{}",
        describe(root),
        subject.cannot(),
        base.display_name(),
        failure.library,
        chain_clause(&chain),
        subject.raises(&error),
        subject.unreached_note(root)
    );
    let help = version_help(base, failure, provided.as_deref(), from_tree);
    let mut finding = VERSION_TOO_NEW
        .finding(
            root,
            subject.severity(VERSION_TOO_NEW.severity),
            message,
            help,
        )
        .with_field("library", failure.library.clone())
        .with_field("version", version.clone())
        .with_field("needed_by", requester)
        .with_field("chain", chain)
        .with_field("error", error);
    if let Some(provided) = provided {
        finding = finding.with_field("provided", provided);
    }
    finding
}

fn version_help(
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

fn libc_name(kind: LibcKind) -> &'static str {
    match kind {
        LibcKind::Glibc => "glibc",
        LibcKind::Musl => "musl libc",
        LibcKind::None => "no C library",
    }
}

fn wrong_libc_help(kind: LibcKind, object: &ElfObject) -> String {
    let what = object
        .distribution
        .as_ref()
        .map(|d| format!("{} {}", d.name, d.version))
        .unwrap_or_else(|| "this file".into());
    match kind {
        LibcKind::Musl => format!(
            "{} comes from a musllinux wheel or an Alpine build. Install the manylinux wheel instead: build the dependencies in a Debian-based stage (python:3.x-slim, not python:3.x-alpine), or use a musl-based image.",
            capitalized(&what)
        ),
        _ => format!(
            "{} is linked against glibc. Install the musllinux wheel (build on Alpine), or use a glibc-based image.",
            capitalized(&what)
        ),
    }
}

fn capitalized(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// What in `object` names its C library.
fn libc_evidence(object: &ElfObject) -> String {
    let info = &object.info;
    let needed = info
        .needed
        .iter()
        .find(|n| n.starts_with("libc.musl-") || *n == "libc.so.6");
    match (needed, &info.interpreter) {
        (Some(n), _) => format!("it needs {n}"),
        (None, Some(i)) => format!("its interpreter is {i}"),
        (None, None) => "its dependencies".into(),
    }
}

/// DL103 on a root (or unreached library) linked against the other C library.
pub fn wrong_libc_root(
    object: &ElfObject,
    kind: LibcKind,
    base: &BaseImage,
    subject: Subject,
    severity: Severity,
) -> Finding {
    let info = &object.info;
    let libc_file = info
        .needed
        .iter()
        .find(|n| n.starts_with("libc.musl-") || *n == "libc.so.6")
        .cloned();
    let error = match &libc_file {
        Some(name) => format!("{name}: cannot open shared object file: No such file or directory"),
        None => "No such file or directory".to_string(),
    };
    let outcome = if subject == Subject::Executable && libc_file.is_none() {
        "the kernel cannot find its interpreter, so it cannot start (No such file or directory)"
            .to_string()
    } else {
        format!("it {}; {}", subject.cannot(), subject.raises(&error))
    };
    let mut finding = WRONG_LIBC
        .finding(
            object,
            severity,
            format!(
                "{} is linked against {} ({}), but {} uses {}: {outcome}.{}",
                describe(object),
                libc_name(kind),
                libc_evidence(object),
                base.display_name(),
                libc_name(base.libc.kind),
                subject.unreached_note(object)
            ),
            wrong_libc_help(kind, object),
        )
        .with_field("libc", libc_name(kind))
        .with_field("error", error);
    if let Some(name) = libc_file {
        finding = finding.with_field("library", name);
    }
    finding
}

/// DL103 on a root, for a library it loads that uses the other C library.
fn foreign_libc_in_chain(
    resolver: &Resolver<'_>,
    load: &RootLoad<'_>,
    index: usize,
    subject: Subject,
) -> Option<Finding> {
    let base = resolver.base();
    let root = root_object(resolver, load);
    let Provider::Tree(object_index) = load.loaded[index].provider else {
        return None;
    };
    let object = &resolver.tree().objects[object_index];
    let kind = libc_of(&object.info).unwrap_or(LibcKind::Musl);
    let chain = chain_to(resolver, load, index);
    let finding = WRONG_LIBC
        .finding(
            root,
            subject.severity(WRONG_LIBC.severity),
            format!(
                "{} {} on {}: it loads {}, which is linked against {} ({}) while the image uses {}{}.{}",
                describe(root),
                subject.cannot(),
                base.display_name(),
                object.path.display(),
                libc_name(kind),
                libc_evidence(object),
                libc_name(base.libc.kind),
                chain_clause(&chain),
                subject.unreached_note(root)
            ),
            wrong_libc_help(kind, object),
        )
        .with_field("libc", libc_name(kind))
        .with_field("library", object.path.display().to_string())
        .with_field("chain", chain);
    Some(finding)
}

/// DL107.
pub fn no_loader(
    object: &ElfObject,
    base: &BaseImage,
    subject: Subject,
    severity: Severity,
) -> Finding {
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
    let mut finding = NO_DYNAMIC_LOADER
        .finding(
            object,
            severity,
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

/// DL101 for a program whose PT_INTERP the image lacks.
pub fn missing_interpreter(
    object: &ElfObject,
    interpreter: &str,
    base: &BaseImage,
    subject: Subject,
) -> Finding {
    let present = base
        .loader
        .interpreter
        .as_deref()
        .map(|i| format!(" (the image's loader is {i})"))
        .unwrap_or_default();
    MISSING_LIBRARY
        .finding(
            object,
            subject.severity(MISSING_LIBRARY.severity),
            format!(
                "{} cannot start on {}: its program interpreter {interpreter} does not exist there{present}, so exec fails with No such file or directory.",
                describe(object),
                base.display_name()
            ),
            format!(
                "Relink it with the image's loader (`-Wl,--dynamic-linker={}`, or `patchelf --set-interpreter`), or build it in a stage based on the same distribution as the image.",
                base.loader.interpreter.as_deref().unwrap_or("/lib64/ld-linux-x86-64.so.2")
            ),
        )
        .with_field("library", interpreter)
        .with_field("chain", vec![object.path.display().to_string(), interpreter.to_string()])
        .with_field("needed_by", object.path.display().to_string())
        .with_field("first_missing", true)
        .with_field("error", "No such file or directory")
}
