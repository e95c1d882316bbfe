//! The native-library check: which objects the loader starts from, and what
//! goes wrong when it loads them inside the base image.
//!
//! Roots are extension modules (Python opens them by path) and programs (the
//! kernel starts them). Everything a root loads is checked *as part of that
//! root*: a problem of a vendored library is reported on each extension that
//! loads it, with the chain that leads there, because that is where the user
//! sees it fail. Libraries no root reaches (opened only through ctypes or
//! `dlopen`, or not at all) are checked as roots of their own, at warning
//! severity; among those, one that another unreached library loads is
//! reported only through that one. Problems of the file itself — a wrong
//! architecture or C library on a root, a search path into the build
//! machine, an extension Python will not import — are reported once, on the
//! file.

use std::collections::HashSet;

use super::codes::{BUILD_MACHINE_SEARCH_PATH, NO_DYNAMIC_LOADER, WRONG_ARCHITECTURE, WRONG_LIBC};
use super::diagnose::{self, Subject};
use super::inspect::machine_name;
use super::python_abi::{self, PythonTarget};
use super::resolve::{libc_of, LoadOptions, Resolver, RootLoad, Target};
use super::search_path::DirIssue;
use super::{ElfInfo, ElfObject, ElfTree};
use crate::base::{BaseImage, LibcKind};
use crate::finding::{sort_and_dedup, Finding, Severity};

const ET_EXEC: u16 = 2;
const ET_DYN: u16 = 3;

/// What the loader does with an object.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    /// A CPython extension module: Python opens it by path.
    Extension,
    /// A program: the kernel starts it.
    Executable,
    /// A shared library: loaded by something else, if at all.
    Library,
    /// Not loadable (relocatable objects, core files).
    Inert,
}

/// The role of `object`. A position-independent executable is ET_DYN like a
/// library; it is told apart by its program interpreter and the lack of a
/// DT_SONAME (libc.so.6 has an interpreter too, but also a soname).
pub fn role(object: &ElfObject) -> Role {
    let info = &object.info;
    if info.elf_type != ET_EXEC && info.elf_type != ET_DYN {
        return Role::Inert;
    }
    if python_abi::is_extension(object) {
        Role::Extension
    } else if info.elf_type == ET_EXEC || (info.interpreter.is_some() && info.soname.is_none()) {
        Role::Executable
    } else {
        Role::Library
    }
}

/// Whether the loader has anything to do for `info`. Static programs, and
/// static-pie ones that relocate themselves, need nothing.
pub fn is_dynamically_linked(info: &ElfInfo) -> bool {
    info.dynamic && (info.interpreter.is_some() || !info.needed.is_empty())
}

/// Every native-library finding for `tree` on `base`, in report order.
pub fn check_tree(tree: &ElfTree, base: &BaseImage) -> Vec<Finding> {
    let mut check = Check::new(tree, base);
    check.search_paths();
    check.python_modules();
    check.roots();
    check.unreached_libraries();
    let mut findings = check.findings;
    sort_and_dedup(&mut findings);
    findings
}

/// What is wrong with a file before anything is loaded.
enum Refusal {
    Architecture,
    Libc(LibcKind),
    NoLoader,
}

struct Check<'a> {
    tree: &'a ElfTree,
    base: &'a BaseImage,
    resolver: Resolver<'a>,
    target: Option<Target>,
    roles: Vec<Role>,
    /// Tree objects some root loads, or passes over as incompatible.
    reached: HashSet<usize>,
    findings: Vec<Finding>,
}

impl<'a> Check<'a> {
    fn new(tree: &'a ElfTree, base: &'a BaseImage) -> Self {
        Check {
            tree,
            base,
            resolver: Resolver::new(tree, base),
            target: Target::for_architecture(&base.architecture),
            roles: tree.objects.iter().map(role).collect(),
            reached: HashSet::new(),
            findings: Vec::new(),
        }
    }

    /// DL106: once per object and directory.
    fn search_paths(&mut self) {
        for (index, object) in self.tree.objects.iter().enumerate() {
            if self.roles[index] == Role::Inert || !object.info.dynamic {
                continue;
            }
            let paths = self.resolver.search_path(index);
            let mut seen = HashSet::new();
            for (kind, entries) in [("RPATH", &paths.rpath), ("RUNPATH", &paths.runpath)] {
                for entry in entries {
                    let Some(issue @ (DirIssue::BuildMachine | DirIssue::NotInImage)) = entry.issue
                    else {
                        continue;
                    };
                    if !seen.insert(entry.written.clone()) {
                        continue;
                    }
                    let why = match issue {
                        DirIssue::BuildMachine => "a directory of the machine it was built on",
                        _ => "neither inside the scanned tree nor a library directory of the image",
                    };
                    self.findings.push(
                        BUILD_MACHINE_SEARCH_PATH
                            .finding(
                                object,
                                Severity::Warning,
                                format!(
                                    "{} has {kind} entry `{}`, {why}: it does not exist on {}, so the loader finds nothing there.",
                                    diagnose::describe(object),
                                    entry.written,
                                    self.base.display_name()
                                ),
                                format!(
                                    "Vendor the libraries it found there beside the package and point {kind} at them with `$ORIGIN` (`auditwheel repair` does this), or copy them into the image's library directory; then drop the stale entry (`patchelf --remove-rpath` or `--set-rpath`)."
                                ),
                            )
                            .with_field("directory", entry.written.clone())
                            .with_field("kind", kind),
                    );
                }
            }
        }
    }

    /// DL105 and DL108. On a base with no C library at all, DL107 already
    /// says that nothing, Python included, can run there.
    fn python_modules(&mut self) {
        let python = PythonTarget::find(self.base, self.tree);
        if python.is_none() && self.base.libc.kind == LibcKind::None {
            return;
        }
        for (index, object) in self.tree.objects.iter().enumerate() {
            if self.roles[index] == Role::Extension {
                self.findings.extend(python_abi::check_extension(
                    object,
                    self.tree,
                    self.base,
                    python.as_ref(),
                ));
            }
        }
    }

    /// Extensions and programs.
    fn roots(&mut self) {
        for index in 0..self.tree.objects.len() {
            let subject = match self.roles[index] {
                Role::Extension => Subject::Extension,
                Role::Executable => Subject::Executable,
                _ => continue,
            };
            if let Some(load) = self.check_root(index, subject) {
                self.mark_reached(&load);
            }
        }
    }

    /// Libraries no root reaches, each checked as a root at warning severity
    /// unless another such library loads it.
    fn unreached_libraries(&mut self) {
        let candidates: Vec<usize> = (0..self.tree.objects.len())
            .filter(|&i| self.roles[i] == Role::Library && !self.reached.contains(&i))
            .filter(|&i| {
                is_dynamically_linked(&self.tree.objects[i].info) || self.refusal(i).is_some()
            })
            .collect();
        let loads: Vec<RootLoad<'a>> = candidates
            .iter()
            .map(|&i| {
                let options = self.options_for(i);
                self.resolver.load(i, options)
            })
            .collect();
        let loaded_by_other: HashSet<usize> = loads
            .iter()
            .flat_map(|load| load.tree_objects().skip(1).collect::<Vec<_>>())
            .collect();
        // Tops first; members of a cycle of unreached libraries after them.
        let mut order: Vec<usize> = (0..candidates.len())
            .filter(|&k| !loaded_by_other.contains(&candidates[k]))
            .collect();
        order.extend((0..candidates.len()).filter(|&k| loaded_by_other.contains(&candidates[k])));
        let mut covered: HashSet<usize> = HashSet::new();
        for k in order {
            let index = candidates[k];
            if covered.contains(&index) {
                continue;
            }
            covered.extend(loads[k].tree_objects());
            if let Some(load) = self.check_root(index, Subject::Unreached) {
                covered.extend(load.tree_objects());
            }
        }
    }

    /// Checks one root; returns its load when one was simulated.
    fn check_root(&mut self, index: usize, subject: Subject) -> Option<RootLoad<'a>> {
        let object = &self.tree.objects[index];
        let info = &object.info;
        let severity = |rule_default: Severity| subject.severity(rule_default);
        if let Some(refusal) = self.refusal(index) {
            let finding = match refusal {
                Refusal::Architecture => {
                    self.wrong_architecture(object, subject, severity(WRONG_ARCHITECTURE.severity))
                }
                Refusal::Libc(kind) => diagnose::wrong_libc_root(
                    object,
                    kind,
                    self.base,
                    subject,
                    severity(WRONG_LIBC.severity),
                ),
                Refusal::NoLoader => diagnose::no_loader(
                    object,
                    self.base,
                    subject,
                    severity(NO_DYNAMIC_LOADER.severity),
                ),
            };
            self.findings.push(finding);
            // Still follow what it would load, so its own libraries do not
            // show up again as unreached.
            let options = self.options_for(index);
            return Some(self.resolver.load(index, options));
        }
        if !is_dynamically_linked(info) {
            return None;
        }
        let mut interpreter_missing = false;
        if let (Role::Executable, Some(interpreter)) = (self.roles[index], &info.interpreter) {
            let present = self.base.loader.interpreter.as_deref() == Some(interpreter.as_str())
                || self.base.library_at(interpreter).is_some();
            if !present {
                interpreter_missing = true;
                self.findings.push(diagnose::missing_interpreter(
                    object,
                    interpreter,
                    self.base,
                    subject,
                ));
            }
        }
        let options = self.options_for(index);
        let load = self.resolver.load(index, options);
        self.findings.extend(diagnose::load_findings(
            &self.resolver,
            &load,
            subject,
            !interpreter_missing,
        ));
        Some(load)
    }

    /// Why the loader of the image refuses `index` outright, if it does.
    fn refusal(&self, index: usize) -> Option<Refusal> {
        let info = &self.tree.objects[index].info;
        if self.target.is_some_and(|t| t.refuses(info).is_some()) {
            return Some(Refusal::Architecture);
        }
        if self.base.libc.kind == LibcKind::None {
            return is_dynamically_linked(info).then_some(Refusal::NoLoader);
        }
        match libc_of(info) {
            Some(kind) if kind != self.base.libc.kind => Some(Refusal::Libc(kind)),
            _ => None,
        }
    }

    /// The loader a root is simulated with: the image's, or — for a file the
    /// image refuses anyway — its own, only to learn what it would load.
    fn options_for(&self, index: usize) -> LoadOptions {
        let info = &self.tree.objects[index].info;
        match self.refusal(index) {
            None => LoadOptions {
                target: self.target.unwrap_or_else(|| Target::of(info)),
                libc: Some(self.base.libc.kind),
            },
            Some(_) => LoadOptions {
                target: Target::of(info),
                libc: None,
            },
        }
    }

    fn mark_reached(&mut self, load: &RootLoad<'a>) {
        self.reached.extend(load.tree_objects().skip(1));
        for missing in &load.missing {
            self.reached
                .extend(missing.rejected.iter().map(|r| r.object));
        }
    }

    fn wrong_architecture(
        &self,
        object: &ElfObject,
        subject: Subject,
        severity: Severity,
    ) -> Finding {
        let info = &object.info;
        let found = describe_kind(info.machine, info.is_64, info.little_endian);
        let expected = self
            .target
            .map(|t| describe_kind(t.machine, t.is_64, t.little_endian))
            .unwrap_or_else(|| self.base.architecture.clone());
        let outcome = match subject {
            Subject::Executable => "the kernel refuses to start it (Exec format error)".to_string(),
            _ => format!("the loader refuses it, so it {}", subject.cannot()),
        };
        WRONG_ARCHITECTURE
            .finding(
                object,
                severity,
                format!(
                    "{} is built for {found}, but {} is {expected}: {outcome}.{}",
                    diagnose::describe(object),
                    self.base.display_name(),
                    subject.unreached_note(object)
                ),
                format!(
                    "Build or download the dependencies for the image's platform ({}): run the build stage with `docker build --platform linux/{}`, or `pip install --platform <manylinux tag for {}> --only-binary :all:`. Wheels installed on an arm64 laptop are aarch64.",
                    self.base.architecture,
                    docker_platform(&self.base.architecture),
                    self.base.architecture
                ),
            )
            .with_field("architecture", machine_name(info.machine, info.is_64))
            .with_field("expected", self.base.architecture.clone())
    }
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
