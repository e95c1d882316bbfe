//! DL601 and DL602: scripts whose `#!` interpreter the image cannot run,
//! and virtualenvs whose own Python it cannot run.
//!
//! Only files meant to be executed are judged: an executable mode bit, a
//! file in a virtualenv's `bin/`, or a file in a `bin/` directory that an
//! installed distribution's RECORD lists (a console script). The kernel
//! never reads the `#!` line of a file it is not asked to execute, and
//! `python file.py` ignores it, so a non-executable module that starts with
//! `#!/usr/bin/env python` — common in packages — is not reported.
//! Neither is a template (`manage.py-tpl`, `run.sh.j2`): Django's and
//! Wagtail's project templates keep the execute bit, but a template is
//! rendered into a script, never executed as it is.
//!
//! A script whose `#!` names a scanned venv's Python is not reported on its
//! own: when that Python is missing, DL602 says it once for the venv and
//! lists the scripts that fail with it. A relative interpreter (`#!python`)
//! is resolved from the working directory at exec time, which the tree does
//! not tell, and is not judged.

use std::collections::BTreeMap;
use std::path::Path;

use super::codes::{self, Subject, SCRIPT_INTERPRETER, VENV_PYTHON};
use super::image::{self, OnImage};
use super::venvs::{Venv, VenvPython};
use super::Script;
use crate::base::BaseImage;
use crate::discovery::{path_below, DiscoveredFile, Discovery};
use crate::finding::Finding;
use crate::rules::RuleSet;

pub fn check(
    rules: &RuleSet,

    scripts: &[Script],
    venvs: &[Venv],
    discovery: &Discovery,
    base: &BaseImage,
    started: Option<&[String]>,
) -> Vec<Finding> {
    let mut findings = Vec::new();
    // Scripts that start with each broken venv's Python, by venv.
    let mut dependents: BTreeMap<usize, Vec<String>> = BTreeMap::new();
    for script in scripts {
        let file = discovery.file(&script.path);
        let in_venv_bin = venvs
            .iter()
            .any(|v| script.path.parent() == Some(v.bin().as_path()));
        // A `bin/` that is a package of its own (`wagtail/bin/__init__.py`)
        // holds modules, not the scripts pip installs.
        let console_script = script.path.parent().is_some_and(|dir| {
            dir.file_name().is_some_and(|d| d == "bin")
                && discovery.file(&dir.join("__init__.py")).is_none()
        }) && file.is_some_and(|f| f.distribution.is_some());
        if !(script.executable || in_venv_bin || console_script) || is_template(&script.path) {
            continue;
        }
        let interpreter = script.shebang.interpreter.as_str();
        if !interpreter.starts_with('/') {
            continue;
        }
        if let Some(index) = venvs
            .iter()
            .position(|v| v.owns_interpreter(interpreter, &script.path))
        {
            if matches!(venvs[index].python, VenvPython::Broken(_)) {
                let name = script
                    .path
                    .file_name()
                    .map(|n| n.to_string_lossy().into_owned())
                    .unwrap_or_default();
                dependents.entry(index).or_default().push(name);
            }
            continue;
        }
        let Some((mut variant, program, nested)) = verdict(script, base, discovery) else {
            continue;
        };
        let mut evidence = String::new();
        let installed = in_venv_bin || console_script;
        if !installed && !started_by_path(&script.path, started) {
            // The application's own script: with the image's Dockerfile to
            // say what runs, one it never starts by path does not break;
            // without one, a Python file is still far more often started
            // through Python than by path.
            if started.is_some() {
                variant = "not-started";
                evidence = "nothing the image's Dockerfile starts runs it by path".to_string();
            } else if is_python_file(script, variant, &program) {
                variant = "python-file";
                evidence = "no Dockerfile of the image was found to say what runs it".to_string();
            }
        }
        let subject = Subject {
            path: script.path.clone(),
            location: None,
            distribution: file.and_then(|f| discovery.distribution_of(f)),
        };
        findings.push(codes::finding(
            rules,
            &SCRIPT_INTERPRETER,
            Some(variant),
            base,
            subject,
            &[
                ("script", script.path.display().to_string()),
                ("script-in-tree", in_tree(&script.path, file, discovery)),
                ("line", script.shebang.line().escape_debug().to_string()),
                (
                    "interpreter",
                    script.shebang.interpreter.escape_debug().to_string(),
                ),
                ("program", program),
                ("python", base_python(base)),
                ("nested", nested),
                ("evidence", evidence),
            ],
        ));
    }
    for (index, venv) in venvs.iter().enumerate() {
        let VenvPython::Broken(broken) = &venv.python else {
            continue;
        };
        let scripts = match dependents.get(&index) {
            Some(names) if !names.is_empty() => format!(" ({})", names.join(", ")),
            _ => String::new(),
        };
        findings.push(codes::finding(
            rules,
            &VENV_PYTHON,
            Some(broken.variant),
            base,
            Subject {
                path: broken.path.clone(),
                location: broken.location,
                distribution: None,
            },
            &[
                ("venv", venv.path.display().to_string()),
                ("link", broken.path.display().to_string()),
                ("target", broken.target.clone()),
                ("key", broken.key.clone()),
                ("python", base_python(base)),
                ("nested", broken.nested.clone()),
                ("scripts", scripts),
            ],
        ));
    }
    findings
}

/// The variant, the program `env` was to find, and the nested interpreter
/// of a base program that cannot run — or `None` when the script starts.
fn verdict(
    script: &Script,
    base: &BaseImage,
    discovery: &Discovery,
) -> Option<(&'static str, String, String)> {
    let interpreter = script.shebang.interpreter.as_str();
    let name = image::file_name(interpreter);
    let program = script.shebang.env_program().unwrap_or_default().to_string();
    match image::judge(interpreter, base, discovery) {
        OnImage::Runs if name == "env" => {
            if program.is_empty() {
                return None;
            }
            let found = if program.contains('/') {
                image::judge(&program, base, discovery)
            } else {
                match base.find_executable(&program) {
                    Some(e) if e.runnable => OnImage::Runs,
                    Some(e) => OnImage::NotRunnable(e),
                    None => OnImage::Missing,
                }
            };
            match found {
                OnImage::Runs => None,
                OnImage::NotRunnable(e) => Some((
                    "not-runnable",
                    program,
                    e.interpreter.clone().unwrap_or_default(),
                )),
                OnImage::Missing => Some(("env-program", program, String::new())),
            }
        }
        OnImage::Runs => None,
        // `{program}` names what cannot run: here the interpreter itself.
        OnImage::NotRunnable(e) => Some((
            "not-runnable",
            interpreter.to_string(),
            e.interpreter.clone().unwrap_or_default(),
        )),
        OnImage::Missing => {
            let variant = if name == "env" {
                if image::is_python_name(&program) {
                    "env-python"
                } else {
                    "env"
                }
            } else if image::is_shell_name(name) {
                if script.pip_trampoline {
                    "pip-trampoline"
                } else {
                    "shell"
                }
            } else if image::is_python_name(name) {
                "python"
            } else {
                "other"
            };
            Some((variant, program, String::new()))
        }
    }
}

/// A Python source file whose `#!` names a Python: `python file.py`,
/// `python -m` and `import` all ignore that line, and those are how such
/// files are started far more often than by path (`manage.py`, a
/// package's `__main__.py`, a module with a leftover `#!`).
fn is_python_file(script: &Script, variant: &str, program: &str) -> bool {
    let python = match variant {
        "env-python" | "python" => true,
        "env-program" => image::is_python_name(program),
        _ => false,
    };
    python
        && script
            .path
            .extension()
            .is_some_and(|e| e == "py" || e == "pyw")
}

/// Whether one of the programs the image's Dockerfiles start is the file
/// at `path`: named by its file name, or by a path ending in it.
fn started_by_path(path: &std::path::Path, started: Option<&[String]>) -> bool {
    let Some(name) = path.file_name().and_then(|n| n.to_str()) else {
        return false;
    };
    started.is_some_and(|programs| {
        programs
            .iter()
            .any(|p| p == name || p.ends_with(&format!("/{name}")))
    })
}

/// The base's interpreter path, or nothing on a base without Python.
fn base_python(base: &BaseImage) -> String {
    base.python
        .as_ref()
        .map(|p| p.executable.clone())
        .unwrap_or_default()
}

/// Suffixes of template files: `manage.py-tpl` (Django's and Wagtail's
/// `startproject`), `.tpl`, `.tmpl`, `.template`, `.j2`, `.jinja`,
/// `.jinja2`, `.in` (`configure`'s `script.sh.in`).
fn is_template(path: &std::path::Path) -> bool {
    const SUFFIXES: &[&str] = &[
        "-tpl",
        ".tpl",
        ".tmpl",
        ".template",
        ".j2",
        ".jinja",
        ".jinja2",
        ".in",
    ];
    path.file_name()
        .and_then(|n| n.to_str())
        .is_some_and(|name| {
            SUFFIXES
                .iter()
                .any(|s| name.ends_with(s) && name.len() > s.len())
        })
}

/// The script's path below the root it was scanned from, with `/`: the
/// path it has in the project, which help texts show instead of where the
/// scanning machine keeps the checkout (`app/manage.py`, not
/// `/home/ci/build/app/manage.py`).
fn in_tree(path: &Path, file: Option<&DiscoveredFile>, discovery: &Discovery) -> String {
    let below = file
        .and_then(|f| discovery.roots.get(f.root))
        .and_then(|root| path_below(path, root))
        .filter(|p| !p.as_os_str().is_empty());
    match below {
        Some(relative) => relative
            .components()
            .map(|c| c.as_os_str().to_string_lossy())
            .collect::<Vec<_>>()
            .join("/"),
        None => path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| path.display().to_string()),
    }
}
