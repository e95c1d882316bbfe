//! One root, many spellings, one verdict.
//!
//! `distrolint check .` from inside a tree, `check mysite` from its parent,
//! `check ../mysite`, an absolute path, a link to the directory, with or
//! without a trailing slash, alone or beside another root: the findings must
//! be the same, paths aside. A spelling that changed a verdict once made
//! `$ORIGIN` of a file directly in a root spelled `.` point at `/`, and the
//! loader simulation reported a vendored library as missing.
//!
//! Every tree of the corpus is checked this way (the native and interpreter
//! cases built as their runners build them), and so are the real-world
//! trees: the pinned wheels and Debian packages, and the Wagtail site with
//! its requirements installed into the project.

use crate::support;

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use serde::Deserialize;
use serde_json::Value;
use support::elf_builder::{self, DistributionSpec, ObjectSpec, SymlinkSpec, TreeSpec};
use support::tree_files::{self, FileSpec, LinkSpec};

/// The directory name every tree is checked under; unusual enough that
/// removing it from the report's text removes nothing else.
const ROOT: &str = "zz-spelled-root";
const LINK: &str = "zz-spelled-link";
const OTHER: &str = "zz-other-root";

fn repo() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// One run of `distrolint check`: where it runs and what it is given.
struct Spelling {
    name: &'static str,
    cwd: PathBuf,
    args: Vec<String>,
    /// How the report may spell the root, longest first: removed from
    /// every string of the report before comparing.
    prefixes: Vec<String>,
}

/// The spellings of `root` (a directory named [`ROOT`]) that must agree.
fn spellings(root: &Path) -> Vec<Spelling> {
    let parent = root.parent().unwrap().to_path_buf();
    let absolute = root.to_string_lossy().into_owned();
    let below_slash = absolute.trim_start_matches('/').to_string();
    let link = parent.join(LINK);
    if !link.exists() {
        std::os::unix::fs::symlink(ROOT, &link).unwrap();
    }
    let prefixes = vec![
        absolute.clone(),
        below_slash,
        parent.join(LINK).to_string_lossy().into_owned(),
        format!("../{ROOT}"),
        ROOT.to_string(),
        LINK.to_string(),
    ];
    let spell = |name, cwd: &Path, arg: &str| Spelling {
        name,
        cwd: cwd.to_path_buf(),
        args: vec![arg.to_string()],
        prefixes: prefixes.clone(),
    };
    vec![
        spell(".", root, "."),
        spell("./", root, "./"),
        spell("name", &parent, ROOT),
        spell("name/", &parent, &format!("{ROOT}/")),
        spell("../name", root, &format!("../{ROOT}")),
        spell("absolute", Path::new("/"), &absolute),
        spell("link on the command line", &parent, LINK),
    ]
}

/// Runs one spelling and returns the exit status and the report with the
/// root's spellings taken out of every string and without fingerprints
/// (they hash the path as reported, by design).
fn run(spelling: &Spelling, extra: &[String]) -> (i32, Value) {
    let output = Command::new(env!("CARGO_BIN_EXE_distrolint"))
        .current_dir(&spelling.cwd)
        .arg("check")
        .args(&spelling.args)
        .args(extra)
        .args(["--format", "json", "--isolated"])
        .output()
        .expect("run distrolint");
    let code = output.status.code().unwrap_or(-1);
    if code == 2 {
        // The message is wrapped to a width, wherever the root's spelling
        // moves the breaks: compare its words run together.
        let stderr: String = String::from_utf8_lossy(&output.stderr)
            .chars()
            .filter(|c| !c.is_whitespace() && *c != '│')
            .collect();
        return (code, Value::String(strip(&stderr, &spelling.prefixes)));
    }
    let mut report: Value = serde_json::from_slice(&output.stdout).unwrap_or_else(|e| {
        panic!(
            "spelling {}: not JSON ({e}):\n{}",
            spelling.name,
            String::from_utf8_lossy(&output.stderr)
        )
    });
    normalise(&mut report, &spelling.prefixes);
    if let Some(findings) = report.get_mut("findings").and_then(Value::as_array_mut) {
        for finding in findings.iter_mut() {
            finding.as_object_mut().unwrap().remove("fingerprint");
        }
        findings.sort_by_key(|f| f.to_string());
    }
    (code, report)
}

fn strip(text: &str, prefixes: &[String]) -> String {
    let mut text = text.to_string();
    for prefix in prefixes {
        text = text.replace(&format!("{prefix}/"), "");
    }
    for prefix in prefixes {
        if text == *prefix {
            return ".".into();
        }
        // The root itself, named in a sentence.
        text = text.replace(prefix.as_str(), ".");
    }
    text
}

fn normalise(value: &mut Value, prefixes: &[String]) {
    match value {
        Value::String(text) => *text = strip(text, prefixes),
        Value::Array(items) => items.iter_mut().for_each(|v| normalise(v, prefixes)),
        Value::Object(map) => map.values_mut().for_each(|v| normalise(v, prefixes)),
        _ => {}
    }
}

/// Checks `root` under every spelling against the first; returns what
/// differs.
fn compare(label: &str, root: &Path, extra: &[String]) -> Vec<String> {
    let spellings = spellings(root);
    let (first_code, first) = run(&spellings[0], extra);
    let mut problems = Vec::new();
    for spelling in &spellings[1..] {
        let (code, report) = run(spelling, extra);
        if code != first_code || report != first {
            problems.push(format!(
                "{label}: `{}` and `{}` disagree (exit {first_code} and {code}):\n{}",
                spellings[0].name,
                spelling.name,
                difference(&first, &report)
            ));
        }
    }
    problems
}

/// The first lines where two pretty-printed reports differ.
fn difference(a: &Value, b: &Value) -> String {
    let a = serde_json::to_string_pretty(a).unwrap();
    let b = serde_json::to_string_pretty(b).unwrap();
    let mut out = Vec::new();
    for (x, y) in a.lines().zip(b.lines()) {
        if x != y {
            out.push(format!("  - {x}\n  + {y}"));
            if out.len() == 6 {
                break;
            }
        }
    }
    if out.is_empty() {
        out.push(format!(
            "  ({} and {} lines)",
            a.lines().count(),
            b.lines().count()
        ));
    }
    out.join("\n")
}

/// A fresh directory holding `ROOT`, filled by `fill`.
fn staged(fill: impl FnOnce(&Path)) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::Builder::new()
        .prefix("distrolint-spelling-")
        .tempdir()
        .unwrap();
    let root = dir.path().join(ROOT);
    fs::create_dir(&root).unwrap();
    fill(&root);
    (dir, root)
}

fn base_args(base: &str) -> Vec<String> {
    vec!["--base".into(), base.into()]
}

fn dirs(of: &Path) -> Vec<PathBuf> {
    let mut dirs: Vec<PathBuf> = fs::read_dir(of)
        .unwrap()
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.is_dir())
        .collect();
    dirs.sort();
    dirs
}

fn assert_none(problems: Vec<String>) {
    assert!(
        problems.is_empty(),
        "{} disagreement(s):\n{}",
        problems.len(),
        problems.join("\n")
    );
}

#[derive(Deserialize)]
#[serde(rename_all = "kebab-case")]
struct NativeCase {
    base: String,
    #[serde(default)]
    object: Vec<ObjectSpec>,
    #[serde(default)]
    symlink: Vec<SymlinkSpec>,
    #[serde(default)]
    distribution: Vec<DistributionSpec>,
}

#[test]
fn every_native_corpus_case_gets_one_verdict_whatever_the_roots_spelling() {
    let mut problems = Vec::new();
    for case_dir in dirs(&repo().join("corpus/native")) {
        let text = fs::read_to_string(case_dir.join("case.toml")).unwrap();
        let case: NativeCase = toml::from_str(&text).unwrap();
        let built = elf_builder::build(&TreeSpec {
            objects: case.object,
            symlinks: case.symlink,
            distributions: case.distribution,
        });
        let (_dir, root) = staged(|root| support::copy_tree(&built.root, root));
        let label = case_dir.file_name().unwrap().to_string_lossy().into_owned();
        problems.extend(compare(&label, &root, &base_args(&case.base)));
    }
    assert_none(problems);
}

#[derive(Deserialize)]
#[serde(rename_all = "kebab-case")]
struct InterpreterCase {
    base: String,
    #[serde(default)]
    file: Vec<FileSpec>,
    #[serde(default)]
    link: Vec<LinkSpec>,
}

#[test]
fn every_interpreter_corpus_case_gets_one_verdict_whatever_the_roots_spelling() {
    let mut problems = Vec::new();
    for case_dir in dirs(&repo().join("corpus/interpreter")) {
        let text = fs::read_to_string(case_dir.join("case.toml")).unwrap();
        let case: InterpreterCase = toml::from_str(&text).unwrap();
        let (_dir, root) = staged(|root| tree_files::write(root, &case.file, &case.link));
        let label = case_dir.file_name().unwrap().to_string_lossy().into_owned();
        problems.extend(compare(&label, &root, &base_args(&case.base)));
    }
    assert_none(problems);
}

#[test]
fn the_python_dockerfile_and_demo_corpora_get_one_verdict_whatever_the_roots_spelling() {
    let mut problems = Vec::new();
    let python = repo().join("corpus/python");
    for base in ["python3-debian12", "chainguard-python-latest-dev"] {
        let (_dir, root) = staged(|root| support::copy_tree(&python, root));
        problems.extend(compare("corpus/python", &root, &base_args(base)));
    }
    // A relative import resolves through the file's module path, which is
    // read below the root: `asyncio/helper.py`'s `.subprocess` is asyncio's.
    let (_dir, root) = staged(|root| {
        fs::create_dir(root.join("asyncio")).unwrap();
        fs::write(
            root.join("asyncio/helper.py"),
            "from .subprocess import create_subprocess_shell\n\n\nasync def main():\n    await create_subprocess_shell(\"ls\")\n",
        )
        .unwrap();
    });
    problems.extend(compare(
        "relative import below the root",
        &root,
        &base_args("python3-debian13"),
    ));
    let (_dir, root) = staged(|root| support::copy_tree(&repo().join("corpus/demo/app"), root));
    problems.extend(compare(
        "corpus/demo/app",
        &root,
        &base_args("python3-debian12"),
    ));
    // Each Dockerfile case chooses its own base (or stops the check, which
    // must then stop under every spelling).
    for case_dir in dirs(&repo().join("corpus/dockerfile")) {
        let (_dir, root) = staged(|root| support::copy_tree(&case_dir, root));
        let label = format!(
            "corpus/dockerfile/{}",
            case_dir.file_name().unwrap().to_string_lossy()
        );
        problems.extend(compare(&label, &root, &[]));
    }
    assert_none(problems);
}

#[test]
fn two_roots_get_one_verdict_whatever_their_spelling() {
    let dir = tempfile::Builder::new()
        .prefix("distrolint-spelling-")
        .tempdir()
        .unwrap();
    let first = dir.path().join(ROOT);
    let second = dir.path().join(OTHER);
    fs::create_dir(&first).unwrap();
    fs::create_dir(&second).unwrap();
    support::copy_tree(&repo().join("corpus/demo/app"), &first);
    support::copy_tree(&repo().join("corpus/python"), &second);
    let prefixes = |more: &[String]| {
        let mut all = vec![
            first.to_string_lossy().into_owned(),
            second.to_string_lossy().into_owned(),
            first.to_string_lossy().trim_start_matches('/').to_string(),
            second.to_string_lossy().trim_start_matches('/').to_string(),
            format!("../{OTHER}"),
            format!("../{ROOT}"),
        ];
        all.extend_from_slice(more);
        all.push(ROOT.into());
        all.push(OTHER.into());
        all
    };
    let runs = [
        Spelling {
            name: "both by name",
            cwd: dir.path().to_path_buf(),
            args: vec![ROOT.into(), OTHER.into()],
            prefixes: prefixes(&[]),
        },
        Spelling {
            name: "one as `.`, the other as `../name/`",
            cwd: first.clone(),
            args: vec![".".into(), format!("../{OTHER}/")],
            prefixes: prefixes(&[]),
        },
        Spelling {
            name: "both absolute",
            cwd: PathBuf::from("/"),
            args: vec![
                first.to_string_lossy().into_owned(),
                second.to_string_lossy().into_owned(),
            ],
            prefixes: prefixes(&[]),
        },
    ];
    let extra = base_args("python3-debian12");
    // A finding of either root reads the same once both roots' spellings
    // are removed; the two trees hold no path in common, so nothing is
    // confused by it.
    let (code, first_report) = run(&runs[0], &extra);
    assert_eq!(code, 1, "the demo app has findings");
    for spelling in &runs[1..] {
        let (other_code, report) = run(spelling, &extra);
        assert_eq!(other_code, code, "{}", spelling.name);
        assert!(
            report == first_report,
            "`{}` and `{}` disagree:\n{}",
            runs[0].name,
            spelling.name,
            difference(&first_report, &report)
        );
    }
}

#[test]
fn the_real_world_trees_get_one_verdict_whatever_the_roots_spelling() {
    let real = support::fetched("fetch-real-world.sh", "fetch-real-world");
    let site = support::fetched("fetch-wagtail-site.sh", "fetch-wagtail-site");
    let trees = [
        (real.join("trees/cp311/site-packages"), "python3-debian12"),
        (real.join("trees/cp313/site-packages"), "python3-debian13"),
        (
            real.join("trees/deb-trixie/usr/lib/python3/dist-packages"),
            "python3-debian13",
        ),
        (site.join("trees/cp313/mysite"), "python3-debian13"),
        (site.join("trees/cp314/mysite"), "chainguard-python-latest"),
    ];
    let mut problems = Vec::new();
    for (tree, base) in trees {
        assert!(tree.is_dir(), "{} is missing", tree.display());
        let (_dir, root) = staged(|root| support::copy_tree(&tree, root));
        problems.extend(compare(
            &tree.display().to_string(),
            &root,
            &base_args(base),
        ));
    }
    assert_none(problems);
}
