//! Trees written from a case file's `[[file]]` and `[[link]]` tables (the
//! interpreter corpus, `corpus/interpreter/*/case.toml`).

use std::fs;
use std::os::unix::fs::PermissionsExt;
use std::path::Path;

use serde::Deserialize;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct FileSpec {
    pub path: String,
    pub text: String,
    #[serde(default)]
    pub executable: bool,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct LinkSpec {
    pub path: String,
    pub target: String,
}

/// Writes `files` and `links` below `root`.
pub fn write(root: &Path, files: &[FileSpec], links: &[LinkSpec]) {
    for file in files {
        let path = root.join(&file.path);
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(&path, &file.text).unwrap();
        // Set here rather than trusted to the checkout, both ways.
        let mode = if file.executable { 0o755 } else { 0o644 };
        fs::set_permissions(&path, fs::Permissions::from_mode(mode)).unwrap();
    }
    for link in links {
        let path = root.join(&link.path);
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::os::unix::fs::symlink(&link.target, &path).unwrap();
    }
}
