//! The Python half end to end on a real installed tree: pinned wheels from
//! PyPI (fetched once into `.cache/python-real-world`, hashes checked by pip)
//! unpacked as pip installs them, then checked by the binary. Known calls in
//! known distributions must be found, attributed, and judged per base.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

use serde_json::Value;

fn cache_dir() -> PathBuf {
    std::env::var_os("DISTROLINT_CACHE")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join(".cache"))
        .join("python-real-world")
}

/// Downloads the pinned wheels (unless present) and unpacks them into one
/// site-packages directory. A failed download fails the test with pip's
/// output: nothing is skipped silently.
fn site_packages() -> PathBuf {
    // The tests of this file run in parallel and share the cache.
    static PREPARED: OnceLock<PathBuf> = OnceLock::new();
    PREPARED.get_or_init(prepare_site_packages).clone()
}

fn prepare_site_packages() -> PathBuf {
    let cache = cache_dir();
    let wheels = cache.join("wheels");
    let site = cache.join("site-packages");
    if site.join("distro-1.9.0.dist-info").is_dir()
        && site.join("pyperclip-1.11.0.dist-info").is_dir()
        && site.join("GitPython-3.1.43.dist-info").is_dir()
    {
        return site;
    }
    std::fs::create_dir_all(&wheels).unwrap();
    let requirements =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/python-real-world.txt");
    let output = Command::new("python3")
        .args([
            "-m",
            "pip",
            "download",
            "--quiet",
            "--no-deps",
            "--only-binary=:all:",
            "--require-hashes",
            "-r",
        ])
        .arg(&requirements)
        .arg("-d")
        .arg(&wheels)
        .output()
        .expect("python3 -m pip runs");
    assert!(
        output.status.success(),
        "pip download failed:\n{}\n{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    let staging = cache.join("site-packages.partial");
    let _ = std::fs::remove_dir_all(&staging);
    std::fs::create_dir_all(&staging).unwrap();
    for entry in std::fs::read_dir(&wheels).unwrap() {
        let wheel = entry.unwrap().path();
        if wheel.extension().is_some_and(|e| e == "whl") {
            let status = Command::new("python3")
                .args(["-m", "zipfile", "-e"])
                .arg(&wheel)
                .arg(&staging)
                .status()
                .unwrap();
            assert!(status.success(), "cannot unpack {}", wheel.display());
        }
    }
    let _ = std::fs::remove_dir_all(&site);
    std::fs::rename(&staging, &site).unwrap();
    site
}

fn check(site: &Path, base: &str, extra: &[&str]) -> Vec<Value> {
    let output = Command::new(env!("CARGO_BIN_EXE_distrolint"))
        .args([
            "check",
            "--format",
            "json",
            "--fail-on",
            "never",
            "--base",
            base,
        ])
        .args(extra)
        .arg(site)
        .output()
        .unwrap();
    assert_eq!(
        output.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let doc: Value = serde_json::from_slice(&output.stdout).unwrap();
    doc["findings"].as_array().unwrap().clone()
}

fn programs_of(findings: &[Value], distribution: &str, code: &str) -> Vec<String> {
    findings
        .iter()
        .filter(|f| f["distribution"] == distribution && f["code"] == code)
        .filter_map(|f| f["program"].as_str().map(str::to_string))
        .collect()
}

#[test]
fn distro_pyperclip_and_gitpython_run_programs_python3_debian12_lacks() {
    let site = site_packages();
    let findings = check(&site, "python3-debian12", &[]);

    let distro = programs_of(&findings, "distro", "DL301");
    for program in ["lsb_release", "uname"] {
        assert!(distro.contains(&program.to_string()), "distro: {distro:?}");
    }
    let located = findings
        .iter()
        .find(|f| f["distribution"] == "distro" && f["program"] == "lsb_release")
        .unwrap();
    assert_eq!(located["version"], "1.9.0");
    // distro plans for it: `except (OSError, subprocess.CalledProcessError):
    // return {}`. Still reported, as a note that says so.
    assert_eq!(located["severity"], "info");
    assert_eq!(located["handled"], "caught at line 1167 (except OSError)");
    assert!(located["path"]
        .as_str()
        .unwrap()
        .ends_with("distro/distro.py"));
    assert!(located["line"].as_u64().unwrap() > 1);
    assert!(
        located["message"]
            .as_str()
            .unwrap()
            .contains("FileNotFoundError"),
        "{located}"
    );

    let pyperclip = programs_of(&findings, "pyperclip", "DL301");
    for program in ["xclip", "xsel", "wl-copy"] {
        assert!(
            pyperclip.contains(&program.to_string()),
            "pyperclip: {pyperclip:?}"
        );
    }

    // GitPython passes its own `shell=` argument through: unknown, so a
    // warning that says so, never silence.
    let unknown_shell: Vec<&Value> = findings
        .iter()
        .filter(|f| f["distribution"] == "GitPython" && f["code"] == "DL202")
        .collect();
    assert!(!unknown_shell.is_empty(), "{findings:#?}");
    assert!(unknown_shell.iter().all(|f| f["severity"] == "warning"));
}

#[test]
fn the_verdict_follows_the_base_and_the_scope() {
    let site = site_packages();
    // Chainguard's -dev image ships busybox's uname but no lsb_release.
    let dev = check(&site, "chainguard-python-latest-dev", &[]);
    let distro = programs_of(&dev, "distro", "DL301");
    assert!(distro.contains(&"lsb_release".to_string()), "{distro:?}");
    assert!(!distro.contains(&"uname".to_string()), "{distro:?}");

    // Everything here is a dependency: the application scope is empty.
    assert!(check(&site, "python3-debian12", &["--scope", "app"]).is_empty());
    assert!(!check(&site, "python3-debian12", &["--scope", "deps"]).is_empty());
}
