//! The programs on the image's `PATH`, and whether each can start there.
//!
//! A program is runnable when `execve` would get it going: an ELF file whose
//! `PT_INTERP` loader exists in the image (or that needs none), a script
//! whose `#!` interpreter is runnable in turn, or a symlink whose final
//! target is. `#!/usr/bin/env X` needs both `env` and an `X` on `PATH`.
//! Libraries are not checked here: a program whose libraries are missing
//! still starts far enough to fail with a loader message, which the ELF
//! checks report on their own.

use super::rootfs::{Content, Node};
use super::{file_name, Importer};
use crate::base::{Executable, ExecutableKind};

impl Importer<'_> {
    /// The canonical directories of `PATH`, each once, in `PATH` order.
    pub(super) fn path_dirs(&self) -> Vec<String> {
        let mut dirs: Vec<String> = Vec::new();
        for dir in &self.path {
            if let Some((canonical, Node::Dir)) = self.fs.lookup(dir) {
                if !dirs.contains(&canonical) {
                    dirs.push(canonical);
                }
            }
        }
        dirs
    }

    pub(super) fn executables(&self) -> Vec<Executable> {
        let mut out = Vec::new();
        for dir in self.path_dirs() {
            for (path, node) in self.fs.children(&dir) {
                let package = self.packages.owners.get(path).cloned();
                let executable = match node {
                    Node::Dir => continue,
                    Node::Symlink(target) => Executable {
                        path: path.to_string(),
                        link_target: Some(target.clone()),
                        kind: ExecutableKind::Symlink,
                        interpreter: None,
                        runnable: self.runnable(path, 0),
                        package,
                    },
                    Node::File { mode, content } => {
                        if mode & 0o111 == 0 {
                            continue;
                        }
                        let (kind, interpreter) = match content {
                            Content::Elf(_) => (ExecutableKind::Elf, None),
                            Content::Script(line) => (ExecutableKind::Script, Some(line.clone())),
                            _ => (ExecutableKind::Script, None),
                        };
                        Executable {
                            path: path.to_string(),
                            link_target: None,
                            kind,
                            interpreter,
                            runnable: self.runnable(path, 0),
                            package,
                        }
                    }
                };
                out.push(executable);
            }
        }
        out
    }

    /// Whether `execve(path)` would start a program: an ELF file whose
    /// loader is there (or that needs none), or a script whose interpreter
    /// is runnable in turn (the kernel allows a few levels of that).
    pub(super) fn runnable(&self, path: &str, depth: usize) -> bool {
        if depth > 4 {
            return false;
        }
        let Some((_, Node::File { mode, content })) = self.fs.lookup(path) else {
            return false;
        };
        if mode & 0o111 == 0 {
            return false;
        }
        match content {
            Content::Elf(elf) => match &elf.info.interpreter {
                None => true,
                Some(interpreter) => self.fs.is_file(interpreter),
            },
            Content::Script(line) => self.script_runnable(line, depth),
            _ => false,
        }
    }

    /// `#!/usr/bin/env X` needs both env and an X on `PATH`.
    pub(super) fn script_runnable(&self, line: &str, depth: usize) -> bool {
        let mut words = line.split_whitespace();
        let Some(interpreter) = words.next() else {
            return false;
        };
        if !self.runnable(interpreter, depth + 1) {
            return false;
        }
        if file_name(interpreter) != "env" {
            return true;
        }
        let Some(program) = words.find(|w| !w.starts_with('-') && !w.contains('=')) else {
            return false;
        };
        self.find_on_path(program)
            .is_some_and(|found| self.runnable(&found, depth + 1))
    }

    /// Where `execvp` finds `program`, as spelled on `PATH`.
    pub(super) fn find_on_path(&self, program: &str) -> Option<String> {
        if program.contains('/') {
            return self.fs.is_file(program).then(|| program.to_string());
        }
        self.path
            .iter()
            .map(|dir| format!("{}/{program}", dir.trim_end_matches('/')))
            .find(|candidate| self.fs.is_file(candidate))
    }
}
