//! Programs the application brings with it, beside the base's: the
//! console scripts its installed distributions put in a `bin/` directory of
//! the scanned tree (a virtualenv's `bin/supervisord`), and, when only the
//! application's own code is scanned, the dependencies it declares, whose
//! console scripts carry their name (`alembic`, `gunicorn`, `yt-dlp`).
//!
//! A program the Python checks found missing from the base (DL301, DL303)
//! that one of these provides is not breakage the base causes: it is there
//! when the image runs from the virtualenv those distributions are
//! installed in. The finding stays, as a note that says where the program
//! comes from, so that a team can check that its image puts that `bin/`
//! on the PATH.

use std::collections::BTreeMap;
use std::path::Path;

use crate::discovery::{normalized_distribution_name, read_small_text, Discovery, Origin};
use crate::finding::{Finding, Severity};

/// Codes whose `program` field names a program the base lacks.
const PROGRAM_CODES: &[&str] = &["DL301", "DL303"];

/// Program name → where it comes from, for the note.
#[derive(Debug, Default)]
pub struct ProvidedPrograms {
    by_name: BTreeMap<String, String>,
}

impl ProvidedPrograms {
    /// What the scanned trees of `discovery` provide, when one of
    /// `findings` is about a program (nothing is read otherwise).
    pub fn for_findings(discovery: &Discovery, findings: &[Finding]) -> ProvidedPrograms {
        let asked = findings
            .iter()
            .any(|f| PROGRAM_CODES.contains(&f.code.as_str()) && f.severity != Severity::Info);
        if asked {
            ProvidedPrograms::survey(discovery)
        } else {
            ProvidedPrograms::default()
        }
    }

    /// What the scanned trees of `discovery` provide.
    fn survey(discovery: &Discovery) -> ProvidedPrograms {
        let mut by_name = BTreeMap::new();
        for file in &discovery.files {
            if file.origin != Origin::Package {
                continue;
            }
            let in_bin = file
                .path
                .parent()
                .and_then(|p| p.file_name())
                .is_some_and(|d| d == "bin");
            let Some(name) = file.path.file_name().and_then(|n| n.to_str()) else {
                continue;
            };
            if !in_bin {
                continue;
            }
            let from = match discovery.distribution_of(file) {
                Some(distribution) => format!(
                    "{}, installed by {}",
                    file.path.display(),
                    distribution.name
                ),
                None => file.path.display().to_string(),
            };
            by_name.entry(name.to_string()).or_insert(from);
        }
        for (root, location) in discovery.roots.iter().zip(&discovery.root_locations) {
            if !location.is_dir() {
                continue;
            }
            for (dependency, declared_in) in declared_dependencies(root) {
                by_name.entry(dependency.clone()).or_insert_with(|| {
                    format!("the console script of the dependency {dependency} ({declared_in}), when the image runs from the virtualenv it is installed in")
                });
            }
        }
        ProvidedPrograms { by_name }
    }

    /// Lowers to a note each finding about a program this tree provides,
    /// saying where it comes from.
    pub fn soften(&self, findings: &mut [Finding]) {
        if self.by_name.is_empty() {
            return;
        }
        for finding in findings.iter_mut() {
            if !PROGRAM_CODES.contains(&finding.code.as_str()) || finding.severity == Severity::Info
            {
                continue;
            }
            let Some(program) = finding.fields.get("program").and_then(|p| p.as_str()) else {
                continue;
            };
            let Some(from) = self.lookup(program) else {
                continue;
            };
            let message = format!(
                "{} — but the application brings `{program}`: {from}",
                finding.message
            );
            finding.message = message.into();
            finding.severity = Severity::Info;
            finding.fields.insert("provided_by".into(), from.into());
        }
    }

    fn lookup(&self, program: &str) -> Option<&str> {
        if program.contains('/') {
            return None;
        }
        self.by_name
            .get(program)
            .or_else(|| self.by_name.get(&normalized_distribution_name(program)))
            .map(String::as_str)
    }
}

/// The distributions a project at `root` declares it needs: the
/// requirement names of `requirements.txt` and `pyproject.toml`'s
/// `[project] dependencies`, normalized, with the file that says so.
fn declared_dependencies(root: &Path) -> Vec<(String, String)> {
    let mut declared = Vec::new();
    if let Some(text) = read_small_text(&root.join("requirements.txt")) {
        for line in text.lines() {
            if let Some(name) = requirement_name(line) {
                declared.push((name, "requirements.txt".to_string()));
            }
        }
    }
    if let Some(text) = read_small_text(&root.join("pyproject.toml")) {
        let dependencies = toml::from_str::<toml::Table>(&text)
            .ok()
            .and_then(|doc| doc.get("project")?.get("dependencies")?.as_array().cloned());
        for dependency in dependencies.unwrap_or_default() {
            if let Some(name) = dependency.as_str().and_then(requirement_name) {
                declared.push((name, "pyproject.toml".to_string()));
            }
        }
    }
    declared
}

/// The distribution a requirement line names (`alembic>=1.4`,
/// `yt-dlp[default]; python_version > "3.8"`), normalized; `None` for
/// comments, options (`-r other.txt`) and URLs.
fn requirement_name(line: &str) -> Option<String> {
    let line = line.trim();
    if line.is_empty() || line.starts_with('#') || line.starts_with('-') {
        return None;
    }
    let end = line
        .find(|c: char| !(c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_')))
        .unwrap_or(line.len());
    let name = &line[..end];
    let rest = line[end..].trim_start();
    if name.is_empty() || rest.starts_with(':') {
        return None;
    }
    Some(normalized_distribution_name(name))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn requirement_lines() {
        assert_eq!(requirement_name("alembic>=1.4"), Some("alembic".into()));
        assert_eq!(
            requirement_name("yt_dlp[default] ; python_version > '3.8'"),
            Some("yt-dlp".into())
        );
        assert_eq!(
            requirement_name("  Django==4.2  # web"),
            Some("django".into())
        );
        assert_eq!(requirement_name("# comment"), None);
        assert_eq!(requirement_name("-r base.txt"), None);
        assert_eq!(requirement_name("https://example.org/x.whl"), None);
        assert_eq!(requirement_name(""), None);
    }
}
