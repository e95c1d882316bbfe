//! The truth test: distrolint's verdict on every native extension, and on
//! every run-time case (find_library, CDLL, setlocale, ZoneInfo), agrees
//! with what really happens when the image's own Python runs it.
//!
//! `scripts/truth-test.py` rebuilds the python3-debian12 and python3-debian13
//! root filesystems from Debian packages, puts the real-world wheels and
//! Debian packages into them (and, at /mysite, the Wagtail site with its
//! requirements installed into it for the image's Python), imports every extension for real under chroot,
//! runs the cases of `tests/data/truth-runtime/` there, and compares file by
//! file with `distrolint check` against the built-in manifests; the zoneinfo
//! cases also run on python3-debian12 without /usr/share/zoneinfo, judged
//! with the manifest `bases import` makes of it, with and without the tzdata
//! wheel. It needs root and, on a cold cache, the package registries (PyPI,
//! the Debian archive); without them this test fails, saying why.

use std::process::Command;

/// Whether this process runs as root, from /proc (no libc binding needed).
fn running_as_root() -> bool {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|status| {
            status
                .lines()
                .find_map(|line| line.strip_prefix("Uid:"))
                .and_then(|uids| uids.split_whitespace().nth(1).map(|e| e == "0"))
        })
        .unwrap_or(false)
}

/// The "N/M agree" totals the script prints last.
fn agreement(stdout: &str) -> Option<(usize, usize)> {
    let line = stdout
        .lines()
        .rev()
        .find_map(|line| line.strip_prefix("truth test: "))?;
    let (agree, total) = line.strip_suffix(" agree")?.split_once('/')?;
    Some((agree.parse().ok()?, total.parse().ok()?))
}

#[test]
fn every_extension_and_run_time_case_behaves_as_distrolint_says_on_both_python_bases() {
    assert!(
        running_as_root(),
        "the truth test needs root: it builds root filesystems and imports under chroot \
         (run `cargo test --test real_world truth::` as root)"
    );
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/scripts/truth-test.py");
    let output = Command::new("python3")
        .arg(script)
        .args(["--distrolint", env!("CARGO_BIN_EXE_distrolint")])
        .output()
        .expect("run scripts/truth-test.py with python3");
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);

    match output.status.code() {
        Some(0) => {}
        Some(1) => panic!("distrolint disagrees with the real outcome:\n{stdout}"),
        _ => panic!(
            "the truth test could not run ({}):\n{stderr}\n{stdout}",
            output.status
        ),
    }
    let (agree, total) = agreement(&stdout).expect("an agreement line");
    assert_eq!(agree, total, "{stdout}");
    // Both bases, with the wheels, Debian's packages and the ABI mismatches:
    // far more than a handful of files.
    assert!(
        total > 200,
        "only {total} files were compared; inputs are missing:\n{stdout}"
    );
    // Each part printed its own total; a part that did not run would leave
    // the overall count looking fine.
    for part in [
        "python3-debian12",
        "python3-debian12 run time",
        "python3-debian12-without-zoneinfo",
        "python3-debian12-without-zoneinfo + tzdata",
        "python3-debian13",
        "python3-debian13 run time",
    ] {
        let prefix = format!("{part}: ");
        assert!(
            stdout
                .lines()
                .any(|line| line.starts_with(&prefix) && line.ends_with(" agree")),
            "no result for {part}:\n{stdout}"
        );
    }
    // The table and timings, for `cargo test --test real_world truth:: -- --nocapture`.
    println!("{stdout}");
}
