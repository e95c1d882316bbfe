//! A real virtualenv, made by this machine's `python3 -m venv`, with a real
//! console script that pip installs into it from a wheel built here (no
//! network), scanned against real bases. Skipped, with a message, where
//! the machine has no Python with venv and pip.

use crate::support;

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Arc;

use distrolint::finding::Finding;
use distrolint::options::Scope;
use distrolint::rules::RuleSet;
use distrolint::scan::{self, ScanRequest};
use support::{base, dump};

fn scan(paths: &[PathBuf], base_name: &str) -> Vec<Finding> {
    let request = ScanRequest {
        paths: paths.to_vec(),
        base: base(base_name),
        rules: Arc::new(RuleSet::builtin(distrolint::checks::NATIVE).unwrap()),
        scope: Scope::All,
        discovery: Default::default(),
        dockerfile: Default::default(),
        include_tests: true,
    };
    scan::run(&request).findings
}

fn run(command: &mut Command) -> bool {
    match command.output() {
        Ok(out) if out.status.success() => true,
        Ok(out) => {
            eprintln!(
                "{command:?} failed: {}",
                String::from_utf8_lossy(&out.stderr)
            );
            false
        }
        Err(err) => {
            eprintln!("{command:?} could not start: {err}");
            false
        }
    }
}

/// A pure-Python wheel with one console script, `hello`, zipped by the
/// standard library's zipfile command line.
fn build_wheel(dir: &Path) -> Option<PathBuf> {
    let src = dir.join("wheel-src");
    let info = src.join("hello-1.0.dist-info");
    fs::create_dir_all(src.join("hello")).unwrap();
    fs::create_dir_all(&info).unwrap();
    fs::write(
        src.join("hello/__init__.py"),
        "def main():\n    print('hello')\n",
    )
    .unwrap();
    fs::write(
        info.join("METADATA"),
        "Metadata-Version: 2.1\nName: hello\nVersion: 1.0\nRequires-Python: >=3.8\n",
    )
    .unwrap();
    fs::write(
        info.join("WHEEL"),
        "Wheel-Version: 1.0\nGenerator: distrolint-test\nRoot-Is-Purelib: true\nTag: py3-none-any\n",
    )
    .unwrap();
    fs::write(
        info.join("entry_points.txt"),
        "[console_scripts]\nhello = hello:main\n",
    )
    .unwrap();
    fs::write(
        info.join("RECORD"),
        "hello/__init__.py,,\nhello-1.0.dist-info/METADATA,,\nhello-1.0.dist-info/WHEEL,,\nhello-1.0.dist-info/entry_points.txt,,\nhello-1.0.dist-info/RECORD,,\n",
    )
    .unwrap();
    let wheel = dir.join("hello-1.0-py3-none-any.whl");
    run(Command::new("python3")
        .current_dir(&src)
        .args(["-m", "zipfile", "-c"])
        .arg(&wheel)
        .args(["hello", "hello-1.0.dist-info"]))
    .then_some(wheel)
}

/// The venv with `hello` installed, and a `--prefix` install of the same
/// wheel made by the venv's pip; `None` when this machine cannot make them.
fn real_trees(dir: &Path) -> Option<(PathBuf, PathBuf)> {
    let venv = dir.join("venv");
    if !run(Command::new("python3").args(["-m", "venv"]).arg(&venv)) {
        return None;
    }
    let wheel = build_wheel(dir)?;
    let pip = |extra: &[&str]| {
        let mut command = Command::new(venv.join("bin/python"));
        command
            .args([
                "-m",
                "pip",
                "install",
                "--no-index",
                "--no-deps",
                "--disable-pip-version-check",
                "--no-warn-script-location",
            ])
            .args(extra)
            .arg(&wheel);
        run(&mut command)
    };
    let prefix = dir.join("prefix");
    let prefix_arg = format!("--prefix={}", prefix.display());
    (pip(&[]) && pip(&["--ignore-installed", &prefix_arg])).then_some((venv, prefix))
}

fn interpreter_findings(findings: &[Finding]) -> Vec<&Finding> {
    findings
        .iter()
        .filter(|f| f.code.starts_with("DL6"))
        .collect()
}

#[test]
fn a_real_venv_and_its_pip_console_scripts_against_real_bases() {
    let dir = tempfile::tempdir().unwrap();
    let Some((venv, prefix)) = real_trees(dir.path()) else {
        eprintln!("skipped: this machine cannot make a venv with pip from python3");
        return;
    };
    let hello = venv.join("bin/hello");
    let shebang = fs::read_to_string(&hello).unwrap();
    assert!(
        shebang.starts_with(&format!("#!{}", venv.join("bin/python").display())),
        "pip wrote the venv's python into the script: {shebang}"
    );
    let config = fs::read_to_string(venv.join("pyvenv.cfg")).unwrap();
    let host_version = config
        .lines()
        .find_map(|l| l.strip_prefix("version = "))
        .expect("pyvenv.cfg has a version")
        .to_string();
    let host_minor: Vec<&str> = host_version.split('.').take(2).collect();
    let host_minor = host_minor.join(".");
    let venv_paths = [venv.clone()];

    // No Python on the base: the venv's python is missing, said once for the
    // venv, with the scripts that start with it — not once per script.
    let findings = scan(&venv_paths, "base-debian12");
    let found = interpreter_findings(&findings);
    assert_eq!(found.len(), 1, "{}", dump(&findings));
    let venv_python = found[0];
    assert_eq!(venv_python.code, "DL602");
    assert_eq!(venv_python.path, venv.join("bin/python"));
    assert!(
        venv_python.message.contains("hello") && venv_python.message.contains("pip"),
        "{}",
        venv_python.message
    );

    // Chainguard's Python is 3.14: the venv was made for another version,
    // which pyvenv.cfg says on its `version` line.
    if host_minor != "3.14" {
        let findings = scan(&venv_paths, "chainguard-python-latest");
        let mismatch: Vec<_> = findings.iter().filter(|f| f.code == "DL603").collect();
        assert_eq!(mismatch.len(), 1, "{}", dump(&findings));
        assert_eq!(mismatch[0].path, venv.join("pyvenv.cfg"));
        let location = mismatch[0].location.expect("points at the version line");
        assert_eq!(
            &config[location.offset..location.offset + location.length],
            host_version
        );
        assert!(mismatch[0].message.contains(&host_minor));
        assert!(findings
            .iter()
            .all(|f| f.code != "DL601" && f.code != "DL604" && f.code != "DL605"));
    }

    // python3-debian12 runs 3.11 from /usr/bin: no version finding when the
    // host has 3.11, and a missing-python finding exactly when the venv's
    // link leads elsewhere (a pyenv or /usr/local build).
    let findings = scan(&venv_paths, "python3-debian12");
    assert_eq!(
        findings.iter().any(|f| f.code == "DL603"),
        host_minor != "3.11",
        "{}",
        dump(&findings)
    );
    let mut target = venv.join("bin/python");
    while let Ok(next) = fs::read_link(&target) {
        target = target.parent().unwrap().join(next);
    }
    let on_base = ["/usr/bin/python3", "/usr/bin/python3.11", "/usr/bin/python"]
        .iter()
        .any(|p| target == Path::new(p));
    assert_eq!(
        findings.iter().any(|f| f.code == "DL602"),
        !on_base,
        "venv python {}: {}",
        target.display(),
        dump(&findings)
    );

    // `pip install --prefix` by the venv's pip, copied without the venv:
    // the console script names the build venv's python, which the image
    // does not have. RECORD attributes it to its distribution.
    let findings = scan(std::slice::from_ref(&prefix), "python3-debian12");
    let scripts: Vec<_> = findings.iter().filter(|f| f.code == "DL601").collect();
    assert_eq!(scripts.len(), 1, "{}", dump(&findings));
    assert_eq!(scripts[0].path, prefix.join("bin/hello"));
    assert_eq!(
        scripts[0].fields.get("variant").and_then(|v| v.as_str()),
        Some("python")
    );
    assert_eq!(
        scripts[0].distribution.as_ref().map(|d| d.name.as_str()),
        Some("hello")
    );

    // Scanned together, the prefix's script is recognised as starting with
    // the scanned venv's python: still one finding, on the venv.
    let findings = scan(&[venv.clone(), prefix.clone()], "base-debian12");
    let found = interpreter_findings(&findings);
    assert_eq!(found.len(), 1, "{}", dump(&findings));
    assert_eq!(found[0].code, "DL602");
}
