//! The manifests embedded from `rules/bases/`: they all load, their names
//! do not collide, and the facts the whole tool leans on hold in the
//! generated data (they are checked here, never typed into it).

use std::collections::BTreeSet;

use distrolint::base::{self, BaseImage, LibcKind};

const EXPECTED: &[&str] = &[
    "static-debian12",
    "base-nossl-debian12",
    "base-debian12",
    "cc-debian12",
    "python3-debian12",
    "static-debian13",
    "base-nossl-debian13",
    "base-debian13",
    "cc-debian13",
    "python3-debian13",
    "chainguard-python-latest",
    "chainguard-python-latest-dev",
];

fn get(name: &str) -> BaseImage {
    base::find(name).unwrap_or_else(|_| panic!("no built-in base named {name}"))
}

fn program_names(base: &BaseImage) -> BTreeSet<&str> {
    base.executables
        .iter()
        .map(|e| e.path.rsplit('/').next().unwrap_or_default())
        .collect()
}

#[test]
fn every_embedded_manifest_loads_and_names_are_unique() {
    let bases = base::builtin();
    let mut names = BTreeSet::new();
    let mut references = BTreeSet::new();
    for b in &bases {
        assert!(names.insert(b.name.as_str()), "{} twice", b.name);
        for reference in b.images.iter().chain(&b.aliases) {
            assert!(
                references.insert(reference.as_str()),
                "{reference} is claimed by two manifests"
            );
        }
        // library_at searches by path with a binary search.
        let paths: Vec<&str> = b.libraries.iter().map(|l| l.path.as_str()).collect();
        let mut sorted = paths.clone();
        sorted.sort();
        assert_eq!(paths, sorted, "{}: libraries are not sorted", b.name);
        assert!(
            !b.provenance.method.is_empty(),
            "{}: no provenance method",
            b.name
        );
    }
    for name in EXPECTED {
        assert!(names.contains(name), "missing built-in base {name}");
    }
    assert!(names.contains(base::DEFAULT_BASE));
}

#[test]
fn python3_debian12_is_python_3_11_on_glibc_2_36_without_a_shell() {
    let b = get("python3-debian12");
    let python = b.python.as_ref().unwrap();
    assert!(python.version.starts_with("3.11."), "{}", python.version);
    assert_eq!(python.soabi, "cpython-311-x86_64-linux-gnu");
    assert_eq!(b.libc.newest_versions["GLIBC"], "2.36");
    assert!(!b.facts.bin_sh);
    assert!(!b.facts.usr_bin_env);
    assert!(!b.loader.ld_so_cache);
    assert!(!b.facts.ldconfig);
    assert_eq!(
        program_names(&b),
        BTreeSet::from(["python", "python3", "python3.11"])
    );
    assert!(b.find_system_library("libc.so.6").is_some());
    assert!(b.find_executable("python").is_some_and(|e| e.runnable));
}

#[test]
fn python3_debian13_is_python_3_13_on_glibc_2_41_with_a_loader_cache() {
    let b = get("python3-debian13");
    let python = b.python.as_ref().unwrap();
    assert!(python.version.starts_with("3.13."), "{}", python.version);
    assert_eq!(python.soabi, "cpython-313-x86_64-linux-gnu");
    assert_eq!(b.libc.newest_versions["GLIBC"], "2.41");
    assert!(b.loader.ld_so_cache);
    assert!(b
        .loader
        .cache_entries
        .iter()
        .any(|e| e.soname == "libc.so.6"));
    assert!(b.facts.ldconfig);
    assert!(!b.facts.bin_sh);
    // Merged /usr: the loader's /lib spelling reaches /usr/lib.
    assert!(b.library_at("/lib/x86_64-linux-gnu/libc.so.6").is_some());
    // ldd is there but is a bash script that cannot run.
    assert!(b.find_executable("ldd").is_some_and(|e| !e.runnable));
}

#[test]
fn static_has_no_c_library_and_base_has_no_libstdcxx() {
    for release in ["debian12", "debian13"] {
        let s = get(&format!("static-{release}"));
        assert_eq!(s.libc.kind, LibcKind::None, "static-{release}");
        assert!(s.loader.interpreter.is_none(), "static-{release}");
        let b = get(&format!("base-{release}"));
        assert!(b.find_system_library("libc.so.6").is_some());
        assert!(b.find_system_library("libssl.so.3").is_some());
        assert!(b.find_system_library("libstdc++.so.6").is_none());
        let nossl = get(&format!("base-nossl-{release}"));
        assert!(nossl.find_system_library("libssl.so.3").is_none());
        let cc = get(&format!("cc-{release}"));
        assert!(cc.find_system_library("libstdc++.so.6").is_some());
        assert!(cc.find_system_library("libgcc_s.so.1").is_some());
    }
}

#[test]
fn chainguard_latest_has_no_tzdata_and_latest_dev_has_a_shell() {
    let latest = get("chainguard-python-latest");
    assert!(!latest.facts.zoneinfo);
    assert!(!latest.facts.bin_sh);
    assert_eq!(latest.libc.version.as_deref(), Some("2.43"));
    assert_eq!(
        latest.python.as_ref().unwrap().soabi,
        "cpython-314-x86_64-linux-gnu"
    );
    assert!(latest.loader.ld_so_cache);
    assert!(latest
        .provenance
        .method
        .contains("not read from a root filesystem"));
    let dev = get("chainguard-python-latest-dev");
    assert!(dev.facts.bin_sh);
    assert!(!dev.facts.zoneinfo);
    assert!(dev.find_executable("/bin/sh").is_some());
}

#[test]
fn chainguard_references_pick_the_right_variant() {
    let name = |q: &str| base::find(q).map(|b| b.name).unwrap();
    assert_eq!(
        name("cgr.dev/chainguard/python"),
        "chainguard-python-latest"
    );
    assert_eq!(
        name("cgr.dev/chainguard/python:latest"),
        "chainguard-python-latest"
    );
    assert_eq!(
        name("cgr.dev/chainguard/python:latest-dev"),
        "chainguard-python-latest-dev"
    );
    assert_eq!(
        name("gcr.io/distroless/python3-debian12:nonroot"),
        "python3-debian12:nonroot"
    );
    assert_eq!(
        name("gcr.io/distroless/python3-debian12:nonroot@sha256:0123"),
        "python3-debian12:nonroot"
    );
    assert_eq!(
        name("gcr.io/distroless/python3-debian12:latest"),
        "python3-debian12"
    );
    assert_eq!(name("python3-debian13:nonroot"), "python3-debian13:nonroot");
}

#[test]
fn a_nonroot_tag_is_its_image_with_another_user_and_workdir() {
    let root = get("python3-debian13");
    let nonroot = get("gcr.io/distroless/python3-debian13:nonroot");
    assert_eq!((root.user(), root.workdir()), ("0", "/"));
    assert_eq!(
        (nonroot.user(), nonroot.workdir()),
        ("65532", "/home/nonroot")
    );
    assert_eq!(nonroot.libraries, root.libraries);
    assert_eq!(nonroot.executables, root.executables);
    // Chainguard runs as nonroot and leaves WORKDIR unset; its accounts are
    // not known to the curated table.
    let chainguard = get("chainguard-python-latest");
    assert_eq!((chainguard.user(), chainguard.workdir()), ("65532", "/"));
    assert_eq!(chainguard.has_account("app"), None);
    // Every distroless image has the accounts distroless writes itself.
    for name in [
        "static-debian12",
        "python3-debian12",
        "cc-debian13",
        "python3-debian13",
    ] {
        let base = get(name);
        for account in ["root", "nobody", "nonroot"] {
            assert_eq!(base.has_account(account), Some(true), "{name}: {account}");
        }
        assert_eq!(base.has_account("app"), Some(false), "{name}");
    }
}
