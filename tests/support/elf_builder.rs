//! Builds real ELF shared objects with `cc` from a small spec, lays them out
//! as a scanned tree (with symlinks and `.dist-info` directories), and reads
//! them back into the `ElfTree` discovery would hand over.
//!
//! Every DT_NEEDED entry comes from linking against a stub library that has
//! the wanted DT_SONAME; stubs live outside the scanned root, so the tree
//! holds exactly the objects the spec lists. A symbol-version requirement
//! (`libc.so.6` `GLIBC_2.99`) comes from a stub that defines that version
//! with a version script and an object that calls the symbol versioned
//! there. Objects are linked with `-nostdlib`, so their DT_NEEDED lists are
//! exactly what the spec says, in its order. Another architecture is made by
//! rewriting `e_machine` of a built object, which needs no cross compiler.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use distrolint::elf::{inspect, ElfObject, ElfTree, TreeSymlink};
use distrolint::finding::Distribution;
use serde::Deserialize;

/// What the loader will do with an object.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Kind {
    #[default]
    Library,
    /// Exports `PyInit_<module>`.
    Extension,
    /// A program with `_start` and a program interpreter.
    Executable,
    /// A program linked with `-static`: no dynamic section at all.
    StaticExecutable,
}

/// One object to build.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct ObjectSpec {
    /// Below the scanned root.
    pub path: String,
    #[serde(default)]
    pub kind: Kind,
    pub soname: Option<String>,
    /// DT_NEEDED, in order.
    #[serde(default)]
    pub needed: Vec<String>,
    /// Written as DT_RUNPATH (`--enable-new-dtags`).
    #[serde(default)]
    pub runpath: Vec<String>,
    /// Written as DT_RPATH (`--disable-new-dtags`).
    #[serde(default)]
    pub rpath: Vec<String>,
    /// DT_VERNEED entries; the library must also be in `needed`.
    #[serde(default)]
    pub needs_versions: Vec<VersionNeedSpec>,
    /// DT_VERDEF entries.
    #[serde(default)]
    pub defines_versions: Vec<String>,
    /// `aarch64`, ...: patched into `e_machine` after the build.
    pub machine: Option<String>,
    /// PT_INTERP of an executable (default: the host compiler's).
    pub interpreter: Option<String>,
    /// The `PyInit_` suffix of an extension; default: the file name up to
    /// its first dot.
    pub module: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct VersionNeedSpec {
    pub library: String,
    pub version: String,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct SymlinkSpec {
    /// Below the scanned root.
    pub path: String,
    /// As written in the link.
    pub target: String,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct DistributionSpec {
    pub name: String,
    pub version: String,
    /// `Tag:` lines of its WHEEL file.
    #[serde(default)]
    pub wheel_tags: Vec<String>,
    /// Path prefixes below the root that it installed (`psycopg2/`).
    #[serde(default)]
    pub files: Vec<String>,
}

/// A whole scanned tree.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct TreeSpec {
    #[serde(default, rename = "object")]
    pub objects: Vec<ObjectSpec>,
    #[serde(default, rename = "symlink")]
    pub symlinks: Vec<SymlinkSpec>,
    #[serde(default, rename = "distribution")]
    pub distributions: Vec<DistributionSpec>,
}

/// A built tree; the files live as long as this value.
pub struct BuiltTree {
    _dir: tempfile::TempDir,
    pub root: PathBuf,
    pub tree: ElfTree,
}

impl BuiltTree {
    /// The path findings use for `relative` (root joined with it).
    pub fn path(&self, relative: &str) -> PathBuf {
        self.root.join(relative)
    }
}

/// Builds `spec` into a fresh temporary directory.
pub fn build(spec: &TreeSpec) -> BuiltTree {
    let dir = tempfile::Builder::new()
        .prefix("distrolint-elf-")
        .tempdir()
        .expect("create a temporary directory");
    let root = dir.path().join("site-packages");
    let work = dir.path().join("work");
    fs::create_dir_all(&root).unwrap();
    fs::create_dir_all(&work).unwrap();

    let stubs = build_stubs(spec, &work);
    for (n, object) in spec.objects.iter().enumerate() {
        build_object(
            object,
            &root.join(&object.path),
            &work.join(format!("object{n}")),
            &stubs,
        );
    }
    for link in &spec.symlinks {
        let path = root.join(&link.path);
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::os::unix::fs::symlink(&link.target, &path).expect("create symlink");
    }
    for dist in &spec.distributions {
        write_dist_info(&root, dist, spec);
    }
    let tree = read_tree(&root, spec);
    BuiltTree {
        _dir: dir,
        root,
        tree,
    }
}

/// One stub per needed soname, defining every version anything needs from it.
fn build_stubs(spec: &TreeSpec, work: &Path) -> BTreeMap<String, PathBuf> {
    let mut versions: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for object in &spec.objects {
        for name in &object.needed {
            versions.entry(name.clone()).or_default();
        }
        for need in &object.needs_versions {
            assert!(
                object.needed.contains(&need.library),
                "{}: a version of {} is needed, so {} must be in `needed` too",
                object.path,
                need.library,
                need.library
            );
            versions
                .entry(need.library.clone())
                .or_default()
                .insert(need.version.clone());
        }
    }
    let mut stubs = BTreeMap::new();
    for (n, (soname, versions)) in versions.iter().enumerate() {
        let dir = work.join(format!("stub{n}"));
        fs::create_dir_all(&dir).unwrap();
        let mut source = String::from("void distrolint_stub_anchor(void) {}\n");
        for version in versions {
            source.push_str(&format!(
                "void {}(void) {{}}\n",
                version_symbol("stub", version)
            ));
        }
        fs::write(dir.join("stub.c"), source).unwrap();
        let out = dir.join("stub.so");
        let mut cc = Command::new("cc");
        cc.current_dir(&dir)
            .args(["-shared", "-nostdlib", "-fPIC", "-o"])
            .arg(&out)
            .arg("stub.c")
            .arg(format!("-Wl,-soname,{soname}"));
        if !versions.is_empty() {
            fs::write(
                dir.join("stub.map"),
                version_script("stub", versions.iter()),
            )
            .unwrap();
            cc.arg("-Wl,--version-script=stub.map");
        }
        run(cc, &format!("stub {soname}"));
        stubs.insert(soname.clone(), out);
    }
    stubs
}

fn build_object(spec: &ObjectSpec, out: &Path, work: &Path, stubs: &BTreeMap<String, PathBuf>) {
    assert!(
        spec.rpath.is_empty() || spec.runpath.is_empty(),
        "{}: the linker writes either RPATH or RUNPATH",
        spec.path
    );
    fs::create_dir_all(work).unwrap();
    fs::create_dir_all(out.parent().unwrap()).unwrap();
    let mut source = String::new();
    for need in &spec.needs_versions {
        source.push_str(&format!(
            "extern void {}(void);\n",
            version_symbol("stub", &need.version)
        ));
    }
    source.push_str("void distrolint_uses(void) {\n");
    for need in &spec.needs_versions {
        source.push_str(&format!(
            "    {}();\n",
            version_symbol("stub", &need.version)
        ));
    }
    source.push_str("}\n");
    for version in &spec.defines_versions {
        source.push_str(&format!(
            "void {}(void) {{}}\n",
            version_symbol("own", version)
        ));
    }
    if spec.kind == Kind::Extension {
        let file = Path::new(&spec.path)
            .file_name()
            .unwrap()
            .to_string_lossy()
            .into_owned();
        let module = spec
            .module
            .clone()
            .unwrap_or_else(|| file.split('.').next().unwrap_or("module").to_string());
        source.push_str(&format!("void *PyInit_{module}(void) {{ return 0; }}\n"));
    }
    if matches!(spec.kind, Kind::Executable | Kind::StaticExecutable) {
        source.push_str("void _start(void) { for (;;) {} }\n");
    }
    fs::write(work.join("object.c"), source).unwrap();

    let mut cc = Command::new("cc");
    cc.current_dir(work)
        .args(["-nostdlib", "-fPIC", "-o"])
        .arg(out)
        .arg("object.c");
    match spec.kind {
        Kind::Library | Kind::Extension => {
            cc.arg("-shared");
        }
        Kind::Executable => {
            if let Some(interpreter) = &spec.interpreter {
                cc.arg(format!("-Wl,--dynamic-linker={interpreter}"));
            }
        }
        Kind::StaticExecutable => {
            cc.arg("-static");
        }
    }
    if let Some(soname) = &spec.soname {
        cc.arg(format!("-Wl,-soname,{soname}"));
    }
    if !spec.defines_versions.is_empty() {
        fs::write(
            work.join("object.map"),
            version_script("own", spec.defines_versions.iter()),
        )
        .unwrap();
        cc.arg("-Wl,--version-script=object.map");
    }
    if !spec.runpath.is_empty() {
        cc.arg("-Wl,--enable-new-dtags")
            .arg(format!("-Wl,-rpath,{}", spec.runpath.join(":")));
    }
    if !spec.rpath.is_empty() {
        cc.arg("-Wl,--disable-new-dtags")
            .arg(format!("-Wl,-rpath,{}", spec.rpath.join(":")));
    }
    cc.arg("-Wl,--no-as-needed");
    for name in &spec.needed {
        cc.arg(&stubs[name]);
    }
    run(cc, &spec.path);
    if let Some(machine) = &spec.machine {
        set_machine(out, machine_number(machine));
    }
}

/// `GLIBC_2.99` → `distrolint_stub_GLIBC_2_99`.
fn version_symbol(prefix: &str, version: &str) -> String {
    let clean: String = version
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
        .collect();
    format!("distrolint_{prefix}_{clean}")
}

fn version_script<'a>(prefix: &str, versions: impl Iterator<Item = &'a String>) -> String {
    let mut script = String::new();
    for (n, version) in versions.enumerate() {
        let local = if n == 0 { " local: *;" } else { "" };
        script.push_str(&format!(
            "{version} {{ global: {};{local} }};\n",
            version_symbol(prefix, version)
        ));
    }
    script
}

fn machine_number(name: &str) -> u16 {
    match name {
        "aarch64" => 183,
        "x86_64" => 62,
        "riscv64" => 243,
        "ppc64le" => 21,
        "s390x" => 22,
        other => panic!("unknown machine {other} in the spec"),
    }
}

/// Rewrites `e_machine` (offset 18, little-endian objects only).
fn set_machine(path: &Path, machine: u16) {
    let mut bytes = fs::read(path).unwrap();
    assert_eq!(bytes[5], 1, "only little-endian objects can be patched");
    bytes[18..20].copy_from_slice(&machine.to_le_bytes());
    fs::write(path, bytes).unwrap();
}

fn run(mut command: Command, what: &str) {
    let output = command
        .output()
        .expect("run cc (is a C compiler installed?)");
    assert!(
        output.status.success(),
        "building {what} failed: {:?}\n{}",
        command,
        String::from_utf8_lossy(&output.stderr)
    );
}

/// The files a distribution owns, by the spec's prefixes.
fn owned<'a>(dist: &DistributionSpec, spec: &'a TreeSpec) -> Vec<&'a str> {
    spec.objects
        .iter()
        .map(|o| o.path.as_str())
        .chain(spec.symlinks.iter().map(|l| l.path.as_str()))
        .filter(|p| {
            dist.files
                .iter()
                .any(|prefix| p.starts_with(prefix.as_str()))
        })
        .collect()
}

fn write_dist_info(root: &Path, dist: &DistributionSpec, spec: &TreeSpec) {
    let dir = root.join(format!(
        "{}-{}.dist-info",
        dist.name.replace('-', "_"),
        dist.version
    ));
    fs::create_dir_all(&dir).unwrap();
    fs::write(
        dir.join("METADATA"),
        format!(
            "Metadata-Version: 2.1\nName: {}\nVersion: {}\n",
            dist.name, dist.version
        ),
    )
    .unwrap();
    let mut wheel =
        String::from("Wheel-Version: 1.0\nGenerator: distrolint-tests\nRoot-Is-Purelib: false\n");
    for tag in &dist.wheel_tags {
        wheel.push_str(&format!("Tag: {tag}\n"));
    }
    fs::write(dir.join("WHEEL"), wheel).unwrap();
    let dist_dir = dir.file_name().unwrap().to_string_lossy().into_owned();
    let mut record = String::new();
    for path in owned(dist, spec) {
        record.push_str(&format!("{path},,\n"));
    }
    for file in ["METADATA", "WHEEL", "RECORD"] {
        record.push_str(&format!("{dist_dir}/{file},,\n"));
    }
    fs::write(dir.join("RECORD"), record).unwrap();
}

/// What discovery would produce for the built root: its ELF files,
/// inspected, and its symlinks, in path order.
fn read_tree(root: &Path, spec: &TreeSpec) -> ElfTree {
    let mut objects = Vec::new();
    let mut symlinks = Vec::new();
    for entry in walkdir::WalkDir::new(root)
        .follow_links(false)
        .sort_by_file_name()
    {
        let entry = entry.unwrap();
        let relative = entry
            .path()
            .strip_prefix(root)
            .unwrap()
            .to_string_lossy()
            .into_owned();
        if entry.file_type().is_symlink() {
            symlinks.push(TreeSymlink {
                path: entry.path().to_path_buf(),
                target: fs::read_link(entry.path()).unwrap(),
                root: 0,
            });
            continue;
        }
        if !entry.file_type().is_file() {
            continue;
        }
        let bytes = fs::read(entry.path()).unwrap();
        if !inspect::has_elf_magic(&bytes) {
            continue;
        }
        let info = inspect::inspect(&bytes).unwrap_or_else(|e| panic!("{relative}: {e}"));
        let dist = spec.distributions.iter().find(|d| {
            d.files
                .iter()
                .any(|prefix| relative.starts_with(prefix.as_str()))
        });
        objects.push(ElfObject {
            path: entry.path().to_path_buf(),
            root: 0,
            info,
            distribution: dist.map(|d| Distribution {
                name: d.name.clone(),
                version: d.version.clone(),
            }),
            wheel_tags: dist.map(|d| d.wheel_tags.clone()).unwrap_or_default(),
        });
    }
    ElfTree {
        roots: vec![root.to_path_buf()],
        root_locations: vec![std::fs::canonicalize(root).unwrap_or_else(|_| root.to_path_buf())],
        objects,
        symlinks,
    }
}
