//! The rule directories a configuration file names (`rules = [...]`), read
//! before the configuration is checked.
//!
//! The configuration's selectors may name codes that only its own rule
//! directories define (`select = ["ACME001"]`), so the rules must be loaded
//! before the configuration is validated against them. This reads just the
//! `rules` key, leniently: a file that does not parse gives no directories
//! here, and the configuration loader reports the mistake properly right
//! after.

use std::path::{Path, PathBuf};

use crate::gate::config::FILE_NAMES;
use crate::gate::tree_files::{self, NamedBy};

/// The configuration file that applies to `start`, with who named it:
/// `explicit` if given, else the first one found walking up, as the
/// configuration loader finds it.
pub fn config_file(start: &Path, explicit: Option<&Path>) -> Option<(PathBuf, NamedBy)> {
    if let Some(path) = explicit {
        return Some((path.to_path_buf(), NamedBy::User));
    }
    let start = std::path::absolute(start).unwrap_or_else(|_| start.to_path_buf());
    let mut dir = if start.is_dir() {
        Some(start.as_path())
    } else {
        start.parent()
    };
    while let Some(here) = dir {
        for name in FILE_NAMES {
            let candidate = here.join(name);
            let named = NamedBy::found_in(here);
            if candidate.is_file() && table(&candidate, &named).is_some() {
                return Some((candidate, named));
            }
        }
        dir = here.parent();
    }
    None
}

/// The `rules` directories of the configuration file at `path`, resolved
/// against its directory, each with who named it: a file the tree supplies
/// names directories its rule files must stay inside.
pub fn configured(path: &Path, named: &NamedBy) -> Vec<(PathBuf, NamedBy)> {
    let root = path.parent().unwrap_or(Path::new("."));
    let Some(table) = table(path, named) else {
        return Vec::new();
    };
    table
        .get("rules")
        .and_then(toml::Value::as_array)
        .map(|dirs| {
            dirs.iter()
                .filter_map(toml::Value::as_str)
                .map(|dir| (root.join(dir), named.clone()))
                .collect()
        })
        .unwrap_or_default()
}

/// The distrolint table of a configuration file: `[tool.distrolint]` of a
/// `pyproject.toml`, the whole of any other file.
fn table(path: &Path, named: &NamedBy) -> Option<toml::Table> {
    let text = tree_files::read_text(path, named).ok()?;
    let mut table: toml::Table = toml::from_str(&text).ok()?;
    if path.file_name().is_some_and(|n| n == "pyproject.toml") {
        let tool = table.remove("tool")?;
        match tool {
            toml::Value::Table(mut tool) => match tool.remove("distrolint")? {
                toml::Value::Table(t) => Some(t),
                _ => None,
            },
            _ => None,
        }
    } else {
        Some(table)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rule_directories_come_from_the_nearest_configuration() {
        let dir = tempfile::tempdir().unwrap();
        let app = dir.path().join("app");
        std::fs::create_dir(&app).unwrap();
        std::fs::write(
            dir.path().join("pyproject.toml"),
            "[tool.distrolint]\nrules = [\"ci/rules\"]\nselect = [\"ACME001\"]\n",
        )
        .unwrap();
        let (found, named) = config_file(&app, None).unwrap();
        assert_eq!(
            configured(&found, &named),
            vec![(dir.path().join("ci/rules"), named.clone())]
        );
        std::fs::write(app.join("pyproject.toml"), "[project]\nname = \"x\"\n").unwrap();
        assert_eq!(config_file(&app, None).unwrap().0, found);
    }
}
