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

use super::inspect::machine_name;
use super::python_abi::{self, ExtensionName, PythonTarget};
use super::resolve::{libc_of, LoadOptions, Resolver, RootLoad, Target};
use super::rules::{
    build_machine_search_path, extension_without_python, load_findings, missing_library,
    no_dynamic_loader, python_abi_mismatch, wrong_architecture, wrong_libc, LoadView, Subject,
};
use super::{ElfInfo, ElfObject, ElfTree};
use crate::base::{BaseImage, LibcKind};
use crate::finding::{sort_and_dedup, Finding};
use crate::rules::RuleSet;

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
pub fn check_tree(rules: &RuleSet, tree: &ElfTree, base: &BaseImage) -> Vec<Finding> {
    let mut check = Check::new(rules, tree, base);
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
    rules: &'a RuleSet,
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
    fn new(rules: &'a RuleSet, tree: &'a ElfTree, base: &'a BaseImage) -> Self {
        Check {
            rules,
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
            self.findings.extend(build_machine_search_path::findings(
                self.rules,
                object,
                self.resolver.search_path(index),
                self.base,
            ));
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
            if self.roles[index] != Role::Extension {
                continue;
            }
            let name = ExtensionName::of(object, self.tree);
            match &python {
                Some(python) => self.findings.extend(python_abi_mismatch::finding(
                    self.rules, object, &name, python, self.base,
                )),
                None => self.findings.push(extension_without_python::finding(
                    self.rules, object, &name, self.base,
                )),
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
        if let Some(refusal) = self.refusal(index) {
            let finding = match refusal {
                Refusal::Architecture => {
                    wrong_architecture::finding(self.rules, object, self.base, self.target, subject)
                }
                Refusal::Libc(kind) => {
                    wrong_libc::on_root(self.rules, object, kind, self.base, subject)
                }
                Refusal::NoLoader => {
                    no_dynamic_loader::finding(self.rules, object, self.base, subject)
                }
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
                self.findings.push(missing_library::missing_interpreter(
                    self.rules,
                    object,
                    interpreter,
                    self.base,
                    subject,
                ));
            }
        }
        let options = self.options_for(index);
        let load = self.resolver.load(index, options);
        let view = LoadView {
            rules: self.rules,
            resolver: &self.resolver,
            load: &load,
            subject,
        };
        self.findings
            .extend(load_findings(&view, !interpreter_missing));
        Some(load)
    }

    /// Why the loader of the image refuses `index` outright, if it does.
    fn refusal(&self, index: usize) -> Option<Refusal> {
        let info = &self.tree.objects[index].info;
        let foreign = match self.target {
            Some(target) => target.refuses(info).is_some(),
            // An architecture without an entry in the resolver's table:
            // compare the spelling.
            None => machine_name(info.machine, info.is_64) != self.base.architecture,
        };
        if foreign {
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
        let in_python = self.roles[index] == Role::Extension;
        match self.refusal(index) {
            None => LoadOptions {
                target: self.target.unwrap_or_else(|| Target::of(info)),
                libc: Some(self.base.libc.kind),
                in_python,
            },
            Some(_) => LoadOptions {
                target: Target::of(info),
                libc: None,
                in_python: false,
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
}
