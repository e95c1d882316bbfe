//! Which installed distribution each file belongs to.
//!
//! The authority is `*.dist-info/RECORD`, the list pip writes of every file it
//! installed, with paths relative to the directory holding the `.dist-info`.
//! Debian's packages install `*.egg-info` instead: there `installed-files.txt`
//! is used when present, and otherwise `top_level.txt` names the top-level
//! packages the distribution owns. A `RECORD` row that cannot be parsed is
//! skipped (and counted into one diagnostic per file), never fatal.

use std::collections::{BTreeSet, HashMap};

use rayon::prelude::*;
use std::path::{Path, PathBuf};

use crate::finding::{Distribution, Family, Finding, Severity};

use super::normalize_path;

/// Metadata files larger than this are not installer output; they are read
/// no further so that a hostile tree cannot make discovery hold gigabytes.
const MAX_METADATA_BYTES: u64 = 64 * 1024 * 1024;

#[derive(Debug, Clone)]
pub struct DistributionInfo {
    pub distribution: Distribution,
    /// The `.dist-info` or `.egg-info` path.
    pub metadata_path: PathBuf,
    /// The directory the metadata sits in (the package tree).
    pub tree: PathBuf,
    /// `Tag:` lines of the `WHEEL` file.
    pub wheel_tags: Vec<String>,
    /// Files claimed, normalised; emptied once discovery has given each
    /// file its owner (see [`Distributions::forget_file_lists`]).
    pub files: Vec<PathBuf>,
    /// From `top_level.txt`, used only when no file list exists.
    pub top_level: Vec<String>,
}

#[derive(Debug, Default)]
pub struct Distributions {
    list: Vec<DistributionInfo>,
    /// Every distribution's name, normalized, for rules that ask whether
    /// one is installed.
    names: BTreeSet<String>,
    file_lists_forgotten: bool,
}

/// A distribution name as pip compares them (PEP 503): lower case, each
/// run of `-`, `_` and `.` one `-`. `Backports.ZoneInfo` is
/// `backports-zoneinfo`.
pub fn normalized_distribution_name(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    let mut in_separator = false;
    for c in name.trim().chars() {
        if matches!(c, '-' | '_' | '.') {
            in_separator = true;
            continue;
        }
        if in_separator && !out.is_empty() {
            out.push('-');
        }
        in_separator = false;
        out.extend(c.to_lowercase());
    }
    out
}

impl Distributions {
    pub fn get(&self, index: usize) -> &DistributionInfo {
        &self.list[index]
    }

    pub fn len(&self) -> usize {
        self.list.len()
    }

    pub fn is_empty(&self) -> bool {
        self.list.is_empty()
    }

    pub fn iter(&self) -> impl Iterator<Item = &DistributionInfo> {
        self.list.iter()
    }

    /// The normalized names of the distributions (see
    /// [`normalized_distribution_name`]).
    pub fn names(&self) -> &BTreeSet<String> {
        &self.names
    }

    pub fn read(
        dist_infos: &[PathBuf],
        egg_infos: &[PathBuf],
        problems: &mut Vec<Finding>,
    ) -> Self {
        // One distribution's metadata does not depend on another's: read
        // them in parallel, keeping the order (and so the order of the
        // problems) of the serial loop.
        let read: Vec<(DistributionInfo, Vec<Finding>)> = dist_infos
            .par_iter()
            .map(|dir| {
                let mut found = Vec::new();
                let info = read_dist_info(dir, &mut found);
                (info, found)
            })
            .collect();
        let mut list: Vec<DistributionInfo> = Vec::with_capacity(read.len() + egg_infos.len());
        for (info, found) in read {
            list.push(info);
            problems.extend(found);
        }
        list.extend(
            egg_infos
                .par_iter()
                .map(|egg| read_egg_info(egg))
                .collect::<Vec<_>>(),
        );
        list.sort_by(|a, b| a.metadata_path.cmp(&b.metadata_path));
        let names = list
            .iter()
            .map(|d| normalized_distribution_name(&d.distribution.name))
            .collect();
        Distributions {
            list,
            names,
            file_lists_forgotten: false,
        }
    }

    /// Every claimed file mapped to its distribution, by the bytes of its
    /// normalized path (the walk's paths are normalized the same way, so
    /// equal bytes are equal paths, and bytes hash far faster than a `Path`,
    /// which hashes component by component). When two distributions claim
    /// one file (an upgrade that left a stale RECORD), the later metadata
    /// path wins, which is deterministic if arbitrary.
    pub fn file_owners(&self) -> HashMap<&[u8], usize> {
        use std::os::unix::ffi::OsStrExt;
        let mut owners = HashMap::with_capacity(self.list.iter().map(|d| d.files.len()).sum());
        for (index, dist) in self.list.iter().enumerate() {
            for file in &dist.files {
                owners.insert(file.as_os_str().as_bytes(), index);
            }
        }
        owners
    }

    /// Frees the file lists once every file has its owner: on a venv they
    /// are the largest part of what discovery holds (the venv of the
    /// benchmark lists 15,000 paths), and nothing after discovery reads
    /// them.
    pub fn forget_file_lists(&mut self) {
        for dist in &mut self.list {
            dist.files = Vec::new();
        }
        self.file_lists_forgotten = true;
    }

    /// For distributions known only by their `top_level.txt`: the owner of a
    /// file in `tree` whose first component is one of its top-level names.
    pub fn owner_by_top_level(&self, tree: &Path, file: &Path) -> Option<usize> {
        // Which distributions have no file list is known only before.
        debug_assert!(!self.file_lists_forgotten, "file lists already forgotten");
        let relative = file.strip_prefix(tree).ok()?;
        let first = relative.components().next()?.as_os_str().to_str()?;
        let module = first.split('.').next().unwrap_or(first);
        self.list.iter().position(|d| {
            d.files.is_empty()
                && d.tree == tree
                && d.top_level.iter().any(|t| t == module || t == first)
        })
    }
}

fn read_limited(path: &Path) -> Option<String> {
    let meta = std::fs::symlink_metadata(path).ok()?;
    if !meta.is_file() || meta.len() > MAX_METADATA_BYTES {
        return None;
    }
    let bytes = std::fs::read(path).ok()?;
    Some(String::from_utf8_lossy(&bytes).into_owned())
}

/// `Name:` and `Version:` from the RFC 822 header of METADATA / PKG-INFO.
fn name_and_version(text: &str) -> (Option<String>, Option<String>) {
    let (mut name, mut version) = (None, None);
    for line in text.lines() {
        if line.is_empty() {
            break;
        }
        if let Some(v) = line.strip_prefix("Name:") {
            name.get_or_insert_with(|| v.trim().to_string());
        } else if let Some(v) = line.strip_prefix("Version:") {
            version.get_or_insert_with(|| v.trim().to_string());
        }
    }
    (name, version)
}

/// `numpy-1.26.4.dist-info` → (`numpy`, `1.26.4`); egg-info names may carry
/// a Python tag after the version (`PyYAML-6.0-py3.11.egg-info`).
fn name_and_version_from_dir(path: &Path) -> (String, String) {
    let stem = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let stem = stem
        .trim_end_matches(".dist-info")
        .trim_end_matches(".egg-info")
        .to_string();
    let mut parts = stem.splitn(3, '-');
    let name = parts.next().unwrap_or("").to_string();
    let version = parts.next().unwrap_or("unknown").to_string();
    (name, version)
}

fn read_dist_info(dir: &Path, problems: &mut Vec<Finding>) -> DistributionInfo {
    let tree = dir.parent().map(Path::to_path_buf).unwrap_or_default();
    let (dir_name, dir_version) = name_and_version_from_dir(dir);
    let (name, version) = read_limited(&dir.join("METADATA"))
        .map(|t| name_and_version(&t))
        .unwrap_or((None, None));
    let wheel_tags = read_limited(&dir.join("WHEEL"))
        .map(|t| {
            t.lines()
                .filter_map(|l| l.strip_prefix("Tag:"))
                .map(|v| v.trim().to_string())
                .collect()
        })
        .unwrap_or_default();
    let mut files = Vec::new();
    let record_path = dir.join("RECORD");
    if let Some(record) = read_limited(&record_path) {
        let mut bad_rows = 0usize;
        let mut outside_rows = 0usize;
        let levels_up = installation_levels(&tree);
        for line in record.lines() {
            if line.trim().is_empty() {
                continue;
            }
            match first_csv_field(line) {
                Some(field) if !field.is_empty() => {
                    let field = record_row_below(&tree, &field);
                    if stays_within(Path::new(&*field), &tree, levels_up) {
                        files.push(normalize_path(&tree.join(&*field)));
                    } else {
                        outside_rows += 1;
                    }
                }
                _ => bad_rows += 1,
            }
        }
        // One diagnostic per RECORD, however many ways its rows are wrong.
        let mut wrong = Vec::new();
        if bad_rows > 0 {
            wrong.push(format!("{bad_rows} rows could not be read"));
        }
        if outside_rows > 0 {
            wrong.push(format!(
                "{outside_rows} rows name files outside the distribution's installation, which pip never writes"
            ));
        }
        if !wrong.is_empty() {
            problems.push(Finding::new(
                "DL905",
                Severity::Info,
                Family::Scan,
                &record_path,
                format!(
                    "in {}, {}; their files are attributed by location instead",
                    record_path.display(),
                    wrong.join(" and ")
                ),
                "reinstall the distribution to rewrite its RECORD",
            ));
        }
    }
    files.sort();
    DistributionInfo {
        distribution: Distribution {
            name: name.unwrap_or(dir_name),
            version: version.unwrap_or(dir_version),
        },
        metadata_path: dir.to_path_buf(),
        tree,
        wheel_tags,
        files,
        top_level: Vec::new(),
    }
}

/// A RECORD row as a path below `tree`. pip's `-t` installs into a
/// `lib/python` + `bin` layout and then moves both into the target, so its
/// console scripts, recorded as `../../bin/NAME`, are at `TARGET/bin/NAME`.
fn record_row_below<'a>(tree: &Path, row: &'a str) -> std::borrow::Cow<'a, str> {
    match row.strip_prefix("../../bin/") {
        Some(script) if super::is_pip_target(tree) => format!("bin/{script}").into(),
        _ => std::borrow::Cow::Borrowed(row),
    }
}

fn read_egg_info(path: &Path) -> DistributionInfo {
    let tree = path.parent().map(Path::to_path_buf).unwrap_or_default();
    let (dir_name, dir_version) = name_and_version_from_dir(path);
    // An egg-info may be a single PKG-INFO file or a directory.
    let pkg_info = if path.is_dir() {
        read_limited(&path.join("PKG-INFO"))
    } else {
        read_limited(path)
    };
    let (name, version) = pkg_info
        .map(|t| name_and_version(&t))
        .unwrap_or((None, None));
    let mut files = Vec::new();
    let mut top_level = Vec::new();
    if path.is_dir() {
        if let Some(list) = read_limited(&path.join("installed-files.txt")) {
            files = list
                .lines()
                .filter(|l| !l.trim().is_empty())
                .map(|l| normalize_path(&path.join(l.trim())))
                .collect();
        }
        if let Some(text) = read_limited(&path.join("top_level.txt")) {
            top_level = text
                .lines()
                .map(|l| l.trim().to_string())
                .filter(|l| !l.is_empty())
                .collect();
        }
    }
    files.sort();
    DistributionInfo {
        distribution: Distribution {
            name: name.unwrap_or(dir_name),
            version: version.unwrap_or(dir_version),
        },
        metadata_path: path.to_path_buf(),
        tree,
        wheel_tags: Vec::new(),
        files,
        top_level,
    }
}

/// How far above `tree` a distribution's RECORD rows may reach: to the
/// installation prefix (3 levels) when `tree` is its
/// `lib/pythonX.Y/site-packages` (pip records console scripts as
/// `../../../bin/NAME`), else not at all. A row beyond would let a
/// dependency claim the application's own files, which `--scope app` then
/// drops.
fn installation_levels(tree: &Path) -> usize {
    let absolute = std::path::absolute(tree).unwrap_or_else(|_| tree.to_path_buf());
    let tree = normalize_path(&absolute);
    let name = |p: Option<&Path>| {
        p.and_then(Path::file_name)
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default()
    };
    let version_dir = tree.parent();
    let lib_dir = version_dir.and_then(Path::parent);
    let is_site = matches!(
        name(Some(&tree)).as_str(),
        "site-packages" | "dist-packages"
    );
    let is_version = name(version_dir).starts_with("python");
    let is_lib = matches!(name(lib_dir).as_str(), "lib" | "lib64");
    if is_site && is_version && is_lib && lib_dir.and_then(Path::parent).is_some() {
        3
    } else {
        0
    }
}

/// Whether the RECORD row `field`, relative to `tree`, stays below the
/// directory `levels_up` above it. Lexical, as pip writes rows; an absolute
/// row is compared with `tree` made absolute.
fn stays_within(field: &Path, tree: &Path, levels_up: usize) -> bool {
    use std::path::Component;
    if field.is_absolute() {
        let absolute = std::path::absolute(tree).unwrap_or_else(|_| tree.to_path_buf());
        let mut scope = normalize_path(&absolute);
        for _ in 0..levels_up {
            scope.pop();
        }
        return normalize_path(field).starts_with(scope);
    }
    let mut depth = levels_up as isize;
    for component in field.components() {
        match component {
            Component::ParentDir => depth -= 1,
            Component::Normal(_) => depth += 1,
            Component::CurDir => {}
            Component::RootDir | Component::Prefix(_) => return false,
        }
        if depth < 0 {
            return false;
        }
    }
    true
}

/// The first field of a CSV row as pip writes RECORD (RFC 4180 quoting).
/// Returns `None` for a row whose quoting is broken.
fn first_csv_field(line: &str) -> Option<String> {
    let mut chars = line.chars().peekable();
    if chars.peek() != Some(&'"') {
        return Some(line.split(',').next().unwrap_or("").to_string());
    }
    chars.next();
    let mut field = String::new();
    loop {
        match chars.next()? {
            '"' if chars.peek() == Some(&'"') => {
                chars.next();
                field.push('"');
            }
            '"' => return Some(field),
            c => field.push(c),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn record_rows_with_quotes_and_commas() {
        assert_eq!(
            first_csv_field("numpy/__init__.py,sha256=abc,123").as_deref(),
            Some("numpy/__init__.py")
        );
        assert_eq!(
            first_csv_field("\"odd,name.py\",,").as_deref(),
            Some("odd,name.py")
        );
        assert_eq!(
            first_csv_field("\"say \"\"hi\"\".py\",,").as_deref(),
            Some("say \"hi\".py")
        );
        assert_eq!(first_csv_field("\"unterminated,"), None);
    }

    #[test]
    fn names_from_metadata_directories() {
        assert_eq!(
            name_and_version_from_dir(Path::new("x/numpy-1.26.4.dist-info")),
            ("numpy".into(), "1.26.4".into())
        );
        assert_eq!(
            name_and_version_from_dir(Path::new("PyYAML-6.0-py3.11.egg-info")),
            ("PyYAML".into(), "6.0".into())
        );
    }
}
