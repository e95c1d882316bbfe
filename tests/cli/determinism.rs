//! The same input gives byte-identical output, in every format, whatever
//! the number of threads and however they are scheduled: the repository's
//! corpus plus a generated site-packages (ELF extensions, vendored
//! libraries behind symlinks, distributions with RECORDs, and hundreds of
//! Python files with findings), checked 20 times with one thread and 20
//! times with two.

use std::path::Path;
use std::process::Command;

const RUNS: usize = 20;
const FORMATS: &[&str] = &["human", "json", "sarif", "github", "gitlab"];

fn cc(dir: &Path, out: &Path, source: &str, args: &[&str]) {
    let source_path = dir.join("object.c");
    std::fs::write(&source_path, source).unwrap();
    let status = Command::new("cc")
        .args(args)
        .arg("-o")
        .arg(out)
        .arg(&source_path)
        .status()
        .expect("cc runs");
    assert!(status.success(), "cc {args:?}");
}

fn write(root: &Path, relative: &str, text: &str) {
    let path = root.join(relative);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

fn dist_info(site: &Path, name: &str, version: &str, tag: &str, files: &[String]) {
    let dir = format!("{name}-{version}.dist-info");
    write(
        site,
        &format!("{dir}/METADATA"),
        &format!("Metadata-Version: 2.1\nName: {name}\nVersion: {version}\n\n"),
    );
    write(
        site,
        &format!("{dir}/WHEEL"),
        &format!("Wheel-Version: 1.0\nRoot-Is-Purelib: false\nTag: {tag}\n"),
    );
    let mut record: String = files.iter().map(|f| format!("{f},sha256=x,1\n")).collect();
    record.push_str(&format!("{dir}/RECORD,,\n"));
    write(site, &format!("{dir}/RECORD"), &record);
}

/// A site-packages with the native and Python situations the checks know.
fn generated_tree(root: &Path) {
    let work = root.join("work");
    let site = root.join("venv/lib/python3.11/site-packages");
    std::fs::create_dir_all(&work).unwrap();
    std::fs::create_dir_all(&site).unwrap();
    write(
        root,
        "venv/pyvenv.cfg",
        "home = /usr/bin\nversion = 3.11.2\n",
    );

    // Stubs that give DT_NEEDED entries, outside the tree.
    for soname in ["libmissing.so.1", "libpq.so.5", "libvend.so.1"] {
        cc(
            &work,
            &work.join(soname),
            "void stub(void) {}\n",
            &[
                "-shared",
                "-fPIC",
                "-nostdlib",
                &format!("-Wl,-soname,{soname}"),
            ],
        );
    }
    let link_against = |name: &str| work.join(name).to_string_lossy().into_owned();

    // nativepkg: extensions needing a missing library, a vendored library
    // through RUNPATH and a symlink, and a too-new Python.
    let mut files = Vec::new();
    for module in ["_alpha", "_beta", "_gamma"] {
        let relative = format!("nativepkg/{module}.cpython-311-x86_64-linux-gnu.so");
        let out = site.join(&relative);
        std::fs::create_dir_all(out.parent().unwrap()).unwrap();
        cc(
            &work,
            &out,
            &format!("void *PyInit_{module}(void) {{ return 0; }}\n"),
            &[
                "-shared",
                "-fPIC",
                "-Wl,--no-as-needed",
                "-Wl,--enable-new-dtags,-rpath,$ORIGIN/../nativepkg.libs",
                &link_against("libvend.so.1"),
                &link_against("libmissing.so.1"),
                &link_against("libpq.so.5"),
            ],
        );
        files.push(relative);
    }
    let newer = "nativepkg/_delta.cpython-313-x86_64-linux-gnu.so".to_string();
    cc(
        &work,
        &site.join(&newer),
        "void *PyInit__delta(void) { return 0; }\n",
        &["-shared", "-fPIC"],
    );
    files.push(newer);
    let vendored = "nativepkg.libs/libvend-1a2b3c.so.1.0".to_string();
    std::fs::create_dir_all(site.join("nativepkg.libs")).unwrap();
    cc(
        &work,
        &site.join(&vendored),
        "void vend(void) {}\n",
        &[
            "-shared",
            "-fPIC",
            "-Wl,-soname,libvend.so.1",
            "-Wl,--no-as-needed",
            &link_against("libmissing.so.1"),
        ],
    );
    std::os::unix::fs::symlink(
        "libvend-1a2b3c.so.1.0",
        site.join("nativepkg.libs/libvend.so.1"),
    )
    .unwrap();
    files.push(vendored);
    // An unreached library and a foreign-architecture one.
    let unreached = "nativepkg.libs/libunused.so.2".to_string();
    cc(
        &work,
        &site.join(&unreached),
        "void unused(void) {}\n",
        &[
            "-shared",
            "-fPIC",
            "-Wl,-soname,libunused.so.2",
            "-Wl,--no-as-needed",
            &link_against("libpq.so.5"),
        ],
    );
    files.push(unreached);
    let arm = "nativepkg/_arm.cpython-311-x86_64-linux-gnu.so".to_string();
    cc(
        &work,
        &site.join(&arm),
        "void *PyInit__arm(void) { return 0; }\n",
        &["-shared", "-fPIC"],
    );
    let mut bytes = std::fs::read(site.join(&arm)).unwrap();
    bytes[0x12..0x14].copy_from_slice(&183u16.to_le_bytes());
    std::fs::write(site.join(&arm), bytes).unwrap();
    files.push(arm);
    // Python files of the distribution, with findings.
    for i in 0..60 {
        let relative = format!("nativepkg/tools/t{i:02}.py");
        write(
            &site,
            &relative,
            &format!(
                "import os, subprocess\nos.system('make t{i}')\nsubprocess.run(['git', 'tag', 'v{i}'])\nsubprocess.call('ls | wc -l', shell=True)\n"
            ),
        );
        files.push(relative);
    }
    dist_info(
        &site,
        "nativepkg",
        "2.0.1",
        "cp311-cp311-manylinux_2_17_x86_64",
        &files,
    );

    // Several pure-Python distributions, and files no RECORD claims.
    for d in 0..8 {
        let name = format!("purepkg{d}");
        let mut files = Vec::new();
        for i in 0..25 {
            let relative = format!("{name}/m{i:02}.py");
            write(
                &site,
                &relative,
                &format!(
                    "from subprocess import check_output as co\nimport shlex\nco(shlex.split('curl -s https://example.org/{d}/{i}'))\nco(['bash', '-c', 'echo {i}'])\n"
                ),
            );
            files.push(relative);
        }
        dist_info(&site, &name, &format!("1.{d}"), "py3-none-any", &files);
    }
    write(
        &site,
        "orphan/__init__.py",
        "import os\nos.popen('uname -a').read()\n",
    );
    // The application itself.
    for i in 0..80 {
        write(
            root,
            &format!("app/handlers/h{i:02}.py"),
            &format!(
                "import os\nimport subprocess as sp\n\ndef run_{i}(arg):\n    sp.Popen('convert ' + arg, shell=True)\n    os.execvp('ffmpeg', ['ffmpeg', arg])\n"
            ),
        );
    }
}

fn check(repo: &Path, tree: &Path, format: &str, threads: usize) -> Vec<u8> {
    let output = Command::new(env!("CARGO_BIN_EXE_distrolint"))
        .current_dir(repo)
        .args(["check", "--isolated", "--base", "python3-debian12"])
        .args(["--format", format])
        .args(["--threads", &threads.to_string()])
        .arg("corpus")
        .arg(tree)
        .env("NO_COLOR", "1")
        .env_remove("CLICOLOR_FORCE")
        .output()
        .expect("run distrolint");
    let code = output.status.code();
    assert!(
        code == Some(0) || code == Some(1),
        "{format}, {threads} threads: {:?}\n{}",
        output.status,
        String::from_utf8_lossy(&output.stderr)
    );
    output.stdout
}

#[test]
fn every_format_is_byte_identical_for_one_and_two_threads_across_twenty_runs() {
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
    let tree = tempfile::tempdir().unwrap();
    generated_tree(tree.path());
    for format in FORMATS {
        let reference = check(repo, tree.path(), format, 1);
        assert!(
            reference.len() > 1000,
            "{format}: the tree gives findings to compare: {}",
            String::from_utf8_lossy(&reference)
        );
        for run in 0..RUNS {
            for threads in [1, 2] {
                if run == 0 && threads == 1 {
                    continue;
                }
                let output = check(repo, tree.path(), format, threads);
                if output != reference {
                    let first = output
                        .iter()
                        .zip(&reference)
                        .position(|(a, b)| a != b)
                        .unwrap_or(output.len().min(reference.len()));
                    let context = |bytes: &[u8]| {
                        String::from_utf8_lossy(
                            &bytes[first.saturating_sub(200)..(first + 200).min(bytes.len())],
                        )
                        .into_owned()
                    };
                    panic!(
                        "{format}: run {run} with {threads} threads differs at byte {first}:\n--- one thread, first run\n{}\n--- this run\n{}",
                        context(&reference),
                        context(&output)
                    );
                }
            }
        }
    }
}

/// The JSON report covers every kind of finding the tree was built for, so
/// the comparison above is not vacuous.
#[test]
fn the_generated_tree_exercises_native_and_python_findings() {
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
    let tree = tempfile::tempdir().unwrap();
    generated_tree(tree.path());
    let json: serde_json::Value =
        serde_json::from_slice(&check(repo, tree.path(), "json", 2)).unwrap();
    let codes: std::collections::BTreeSet<&str> = json["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|f| f["code"].as_str())
        .collect();
    for code in ["DL101", "DL104", "DL105", "DL201"] {
        assert!(codes.contains(code), "{code} missing from {codes:?}");
    }
    let distributions: std::collections::BTreeSet<&str> = json["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|f| f["distribution"].as_str())
        .collect();
    assert!(distributions.len() >= 5, "{distributions:?}");
}
