//! A tree nobody reviewed: truncated and garbage ELF files, a `.so` that is
//! not ELF, symlink loops and links out of the root, a FIFO named like a
//! source file, an unreadable file. Each bad file gives one clear diagnostic
//! for that file, nothing panics, and the good file beside them is still
//! checked.

use std::collections::BTreeMap;
use std::os::unix::fs::PermissionsExt;
use std::path::Path;
use std::process::Command;

use serde_json::Value;

fn compile_extension(dir: &Path) -> Vec<u8> {
    let source = dir.join("x.c");
    std::fs::write(
        &source,
        "void *PyInit_x(void) { return 0; }\nint f(void) { return 1; }\n",
    )
    .unwrap();
    let out = dir.join("full.so");
    let status = Command::new("cc")
        .args(["-shared", "-fPIC", "-o"])
        .arg(&out)
        .arg(&source)
        .arg("-Wl,-soname,libx.so")
        .status()
        .expect("cc runs");
    assert!(status.success());
    std::fs::read(out).unwrap()
}

/// Runs a check as the given user (or as whoever runs the test) and returns
/// the exit code and the findings per file name.
fn check(root: &Path, as_nobody: bool) -> (i32, BTreeMap<String, Vec<Value>>) {
    let exe = env!("CARGO_BIN_EXE_distrolint");
    let mut cmd = if as_nobody {
        let mut c = Command::new("setpriv");
        c.args(["--reuid=65534", "--regid=65534", "--clear-groups", exe]);
        c
    } else {
        Command::new(exe)
    };
    let output = cmd
        .args(["check", "--format", "json", "--base", "python3-debian12"])
        .arg(root)
        .output()
        .expect("run distrolint");
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(!stderr.contains("panicked"), "{stderr}");
    let doc: Value =
        serde_json::from_str(&stdout).unwrap_or_else(|e| panic!("{e}: {stdout}\n{stderr}"));
    let mut by_file: BTreeMap<String, Vec<Value>> = BTreeMap::new();
    for finding in doc["findings"].as_array().unwrap() {
        let name = Path::new(finding["path"].as_str().unwrap())
            .file_name()
            .unwrap()
            .to_string_lossy()
            .into_owned();
        by_file.entry(name).or_default().push(finding.clone());
    }
    (output.status.code().unwrap_or(-1), by_file)
}

fn is_root() -> bool {
    // SAFETY: geteuid has no preconditions and cannot fail.
    unsafe { libc_geteuid() == 0 }
}

extern "C" {
    #[link_name = "geteuid"]
    fn libc_geteuid() -> u32;
}

#[test]
fn every_bad_file_is_one_diagnostic_and_the_scan_goes_on() {
    let scratch = tempfile::tempdir().unwrap();
    let good = compile_extension(scratch.path());
    let tree = tempfile::tempdir().unwrap();
    let t = tree.path();

    // Truncated at every header boundary and a few places in between.
    let cuts = [4usize, 16, 52, 64, 100, 500, 1000, 4000, good.len() - 100];
    for cut in cuts {
        std::fs::write(t.join(format!("cut{cut}.so")), &good[..cut]).unwrap();
    }
    // Absurd program-header offset and count.
    let mut absurd = good.clone();
    absurd[0x20..0x28].copy_from_slice(&u64::MAX.to_le_bytes()); // e_phoff
    absurd[0x38..0x3a].copy_from_slice(&u16::MAX.to_le_bytes()); // e_phnum
    std::fs::write(t.join("absurd.so"), &absurd).unwrap();
    std::fs::write(t.join("garbage.so"), b"\x7fELF\xff\xff\xff\xff garbage").unwrap();
    std::fs::write(t.join("notelf.so"), "INPUT(-lfoo)\n").unwrap();
    std::os::unix::fs::symlink("loop_b", t.join("loop_a")).unwrap();
    std::os::unix::fs::symlink("loop_a", t.join("loop_b")).unwrap();
    std::os::unix::fs::symlink("/etc/passwd", t.join("escape.so")).unwrap();
    std::os::unix::fs::symlink("/usr/lib", t.join("escape_dir")).unwrap();
    let fifo = t.join("x.py");
    let status = Command::new("mkfifo").arg(&fifo).status().unwrap();
    assert!(status.success());
    // The good extension, which must still be checked: cpython-313 on a
    // 3.11 base is DL105.
    std::fs::write(t.join("good.cpython-313-x86_64-linux-gnu.so"), &good).unwrap();

    let (code, by_file) = check(t, false);
    assert_eq!(
        code, 1,
        "the good file's error decides the status: {by_file:#?}"
    );
    for cut in cuts {
        let name = format!("cut{cut}.so");
        let findings = by_file
            .get(&name)
            .unwrap_or_else(|| panic!("no diagnostic for {name}"));
        assert_eq!(findings.len(), 1, "{name}: {findings:#?}");
        assert_eq!(findings[0]["code"], "DL902", "{name}");
        assert_eq!(findings[0]["family"], "scan");
    }
    for name in ["absurd.so", "garbage.so", "notelf.so"] {
        let findings = &by_file[name];
        assert_eq!(findings.len(), 1, "{name}: {findings:#?}");
        assert_eq!(findings[0]["code"], "DL902", "{name}");
    }
    assert!(by_file["notelf.so"][0]["message"]
        .as_str()
        .unwrap()
        .contains("not an ELF file"));
    // Links and the FIFO are passed over without being opened.
    for name in [
        "loop_a",
        "loop_b",
        "escape.so",
        "escape_dir",
        "x.py",
        "passwd",
    ] {
        assert!(
            !by_file.contains_key(name),
            "{name}: {:#?}",
            by_file.get(name)
        );
    }
    let good_findings = &by_file["good.cpython-313-x86_64-linux-gnu.so"];
    assert_eq!(good_findings.len(), 1, "{good_findings:#?}");
    assert_eq!(good_findings[0]["code"], "DL105");
}

#[test]
fn an_unreadable_file_and_directory_are_reported_and_the_rest_is_checked() {
    let scratch = tempfile::tempdir().unwrap();
    let good = compile_extension(scratch.path());
    let tree = tempfile::tempdir().unwrap();
    let t = tree.path();
    std::fs::set_permissions(t, std::fs::Permissions::from_mode(0o755)).unwrap();
    std::fs::write(t.join("secret.cpython-311-x86_64-linux-gnu.so"), &good).unwrap();
    std::fs::set_permissions(
        t.join("secret.cpython-311-x86_64-linux-gnu.so"),
        std::fs::Permissions::from_mode(0o000),
    )
    .unwrap();
    std::fs::create_dir(t.join("locked")).unwrap();
    std::fs::write(t.join("locked/inside.py"), "import os\nos.system('ls')\n").unwrap();
    std::fs::set_permissions(t.join("locked"), std::fs::Permissions::from_mode(0o000)).unwrap();
    std::fs::write(t.join("app.py"), "import os\nos.system('ls')\n").unwrap();

    // Root reads everything, so drop to `nobody` to meet the error for real.
    let (_, by_file) = check(t, is_root());
    let secret = &by_file["secret.cpython-311-x86_64-linux-gnu.so"];
    assert_eq!(secret.len(), 1, "{secret:#?}");
    assert_eq!(secret[0]["code"], "DL901");
    assert!(
        secret[0]["message"]
            .as_str()
            .unwrap()
            .contains("ermission denied"),
        "{secret:#?}"
    );
    let locked = &by_file["locked"];
    assert_eq!(locked.len(), 1, "{locked:#?}");
    assert_eq!(locked[0]["code"], "DL901");
    assert!(
        by_file["app.py"].iter().any(|f| f["code"] == "DL201"),
        "{by_file:#?}"
    );

    // Let the temporary directory be removed.
    std::fs::set_permissions(t.join("locked"), std::fs::Permissions::from_mode(0o755)).unwrap();
}
