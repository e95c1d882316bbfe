//! Objects the image's loader or Python refuses: symbol versions, C library,
//! architecture, Python ABI, and bases with no loader or no Python.

use crate::support;

use distrolint::elf::check_tree;
use distrolint::finding::Severity;
use support::elf_builder::{build, DistributionSpec, Kind, ObjectSpec, TreeSpec, VersionNeedSpec};
use support::{base, dump, field, with_code};

fn extension(path: &str, needed: &[&str]) -> ObjectSpec {
    ObjectSpec {
        path: path.into(),
        kind: Kind::Extension,
        needed: needed.iter().map(|s| s.to_string()).collect(),
        ..Default::default()
    }
}

fn single(spec: ObjectSpec) -> TreeSpec {
    TreeSpec {
        objects: vec![spec],
        ..Default::default()
    }
}

#[test]
fn an_extension_built_on_a_newer_glibc_fails_on_python3_debian12_with_the_loaders_words() {
    let built = build(&single(ObjectSpec {
        needs_versions: vec![VersionNeedSpec {
            library: "libc.so.6".into(),
            version: "GLIBC_2.38".into(),
        }],
        ..extension(
            "fast/_speed.cpython-311-x86_64-linux-gnu.so",
            &["libc.so.6"],
        )
    }));
    let base = base("python3-debian12");
    let findings = check_tree(distrolint::checks::builtin_rules(), &built.tree, &base);
    let ext = built.path("fast/_speed.cpython-311-x86_64-linux-gnu.so");
    let too_new = with_code(&findings, &ext, "DL102");
    assert_eq!(too_new.len(), 1, "{}", dump(&findings));
    let finding = too_new[0];
    assert_eq!(finding.severity, Severity::Error);
    assert_eq!(field(finding, "library"), "libc.so.6");
    assert_eq!(field(finding, "version_needed"), "GLIBC_2.38");
    assert_eq!(field(finding, "provided"), "GLIBC_2.36");
    assert_eq!(
        field(finding, "error"),
        format!(
            "version `GLIBC_2.38' not found (required by {})",
            ext.display()
        )
    );
    assert_eq!(findings.len(), 1, "{}", dump(&findings));

    // The same file on python3-debian13 (glibc 2.41) is fine as far as glibc
    // goes; only its Python tag is wrong there.
    let findings = check_tree(
        distrolint::checks::builtin_rules(),
        &built.tree,
        &support::base("python3-debian13"),
    );
    assert!(
        with_code(&findings, &ext, "DL102").is_empty(),
        "{}",
        dump(&findings)
    );
}

#[test]
fn a_version_missing_from_a_vendored_library_is_checked_against_its_own_definitions() {
    let built = build(&TreeSpec {
        objects: vec![
            ObjectSpec {
                runpath: vec!["$ORIGIN".into()],
                needs_versions: vec![VersionNeedSpec {
                    library: "libvend.so.1".into(),
                    version: "VEND_2.0".into(),
                }],
                ..extension(
                    "pkg/_ext.cpython-313-x86_64-linux-gnu.so",
                    &["libvend.so.1"],
                )
            },
            ObjectSpec {
                path: "pkg/libvend.so.1".into(),
                soname: Some("libvend.so.1".into()),
                defines_versions: vec!["VEND_1.0".into()],
                ..Default::default()
            },
        ],
        ..Default::default()
    });
    let findings = check_tree(
        distrolint::checks::builtin_rules(),
        &built.tree,
        &base("python3-debian13"),
    );
    let ext = built.path("pkg/_ext.cpython-313-x86_64-linux-gnu.so");
    let too_new = with_code(&findings, &ext, "DL102");
    assert_eq!(too_new.len(), 1, "{}", dump(&findings));
    assert_eq!(field(too_new[0], "provided"), "VEND_1.0");
}

#[test]
fn a_musllinux_wheel_on_a_glibc_image_is_reported_once_not_as_a_cascade() {
    let built = build(&TreeSpec {
        objects: vec![
            ObjectSpec {
                runpath: vec!["$ORIGIN/../orjson.libs".into()],
                ..extension(
                    "orjson/orjson.cpython-313-x86_64-linux-musl.so",
                    &["libgcc_s-a04fdf82.so.1", "libc.musl-x86_64.so.1"],
                )
            },
            ObjectSpec {
                path: "orjson.libs/libgcc_s-a04fdf82.so.1".into(),
                soname: Some("libgcc_s-a04fdf82.so.1".into()),
                needed: vec!["libc.musl-x86_64.so.1".into()],
                ..Default::default()
            },
        ],
        distributions: vec![DistributionSpec {
            name: "orjson".into(),
            version: "3.10.7".into(),
            wheel_tags: vec!["cp313-cp313-musllinux_1_2_x86_64".into()],
            files: vec!["orjson/".into(), "orjson.libs/".into()],
        }],
        ..Default::default()
    });
    let findings = check_tree(
        distrolint::checks::builtin_rules(),
        &built.tree,
        &base("python3-debian13"),
    );
    let ext = built.path("orjson/orjson.cpython-313-x86_64-linux-musl.so");
    let wrong_libc = with_code(&findings, &ext, "DL103");
    assert_eq!(wrong_libc.len(), 1, "{}", dump(&findings));
    assert_eq!(field(wrong_libc[0], "library"), "libc.musl-x86_64.so.1");
    assert!(
        wrong_libc[0].help.contains("manylinux"),
        "{}",
        wrong_libc[0].help
    );
    assert!(
        findings.iter().all(|f| f.code != "DL101"),
        "{}",
        dump(&findings)
    );
    // Its vendored musl library is the wheel's, reached by the extension:
    // not a second report.
    assert!(
        findings.iter().all(|f| f.path == ext),
        "{}",
        dump(&findings)
    );
    // The platform part of the tag is wrong too: Python will not even find it.
    assert_eq!(
        with_code(&findings, &ext, "DL105").len(),
        1,
        "{}",
        dump(&findings)
    );
}

#[test]
fn a_wheel_installed_on_an_arm64_laptop_is_the_wrong_architecture_for_an_amd64_image() {
    let built = build(&TreeSpec {
        objects: vec![
            ObjectSpec {
                machine: Some("aarch64".into()),
                runpath: vec!["$ORIGIN/../pkg.libs".into()],
                ..extension(
                    "pkg/_ext.cpython-313-aarch64-linux-gnu.so",
                    &["libv.so.1", "libc.so.6"],
                )
            },
            ObjectSpec {
                path: "pkg.libs/libv.so.1".into(),
                soname: Some("libv.so.1".into()),
                machine: Some("aarch64".into()),
                ..Default::default()
            },
        ],
        ..Default::default()
    });
    let findings = check_tree(
        distrolint::checks::builtin_rules(),
        &built.tree,
        &base("python3-debian13"),
    );
    let ext = built.path("pkg/_ext.cpython-313-aarch64-linux-gnu.so");
    let arch = with_code(&findings, &ext, "DL104");
    assert_eq!(arch.len(), 1, "{}", dump(&findings));
    assert_eq!(field(arch[0], "architecture"), "aarch64");
    assert_eq!(field(arch[0], "expected"), "x86_64");
    assert!(
        findings.iter().all(|f| f.code != "DL101"),
        "{}",
        dump(&findings)
    );
    // The vendored aarch64 library goes with its extension: one report.
    assert!(
        with_code(&findings, &built.path("pkg.libs/libv.so.1"), "DL104").is_empty(),
        "{}",
        dump(&findings)
    );
}

#[test]
fn an_amd64_extension_skips_a_vendored_library_of_another_architecture() {
    let built = build(&TreeSpec {
        objects: vec![
            ObjectSpec {
                runpath: vec!["$ORIGIN".into()],
                ..extension(
                    "pkg/_ext.cpython-313-x86_64-linux-gnu.so",
                    &["libv.so.1", "libc.so.6"],
                )
            },
            ObjectSpec {
                path: "pkg/libv.so.1".into(),
                soname: Some("libv.so.1".into()),
                machine: Some("aarch64".into()),
                ..Default::default()
            },
        ],
        ..Default::default()
    });
    let findings = check_tree(
        distrolint::checks::builtin_rules(),
        &built.tree,
        &base("python3-debian13"),
    );
    let ext = built.path("pkg/_ext.cpython-313-x86_64-linux-gnu.so");
    let missing = with_code(&findings, &ext, "DL101");
    assert_eq!(missing.len(), 1, "{}", dump(&findings));
    assert!(
        missing[0].message.contains("aarch64"),
        "{}",
        missing[0].message
    );
    assert_eq!(findings.len(), 1, "{}", dump(&findings));
}

#[test]
fn a_cpython_311_extension_cannot_be_imported_by_python3_debian13() {
    let built = build(&TreeSpec {
        objects: vec![extension(
            "psycopg2/_psycopg.cpython-311-x86_64-linux-gnu.so",
            &["libc.so.6"],
        )],
        distributions: vec![DistributionSpec {
            name: "psycopg2-binary".into(),
            version: "2.9.10".into(),
            wheel_tags: vec!["cp311-cp311-manylinux_2_17_x86_64".into()],
            files: vec!["psycopg2/".into()],
        }],
        ..Default::default()
    });
    let findings = check_tree(
        distrolint::checks::builtin_rules(),
        &built.tree,
        &base("python3-debian13"),
    );
    let ext = built.path("psycopg2/_psycopg.cpython-311-x86_64-linux-gnu.so");
    let abi = with_code(&findings, &ext, "DL105");
    assert_eq!(abi.len(), 1, "{}", dump(&findings));
    assert!(
        abi[0].message.contains("CPython 3.11"),
        "{}",
        abi[0].message
    );
    assert!(
        abi[0]
            .message
            .contains("_psycopg.cpython-313-x86_64-linux-gnu.so"),
        "{}",
        abi[0].message
    );
    assert!(
        abi[0].message.contains("psycopg2._psycopg"),
        "{}",
        abi[0].message
    );
    assert_eq!(field(abi[0], "expected"), "cpython-313-x86_64-linux-gnu");
    assert_eq!(findings.len(), 1, "{}", dump(&findings));

    // On the image with Python 3.11 it is fine.
    let findings = check_tree(
        distrolint::checks::builtin_rules(),
        &built.tree,
        &base("python3-debian12"),
    );
    assert!(findings.is_empty(), "{}", dump(&findings));
}

#[test]
fn a_stable_abi_module_needing_a_newer_python_than_the_base_is_reported() {
    let spec = |tag: &str| TreeSpec {
        objects: vec![extension(
            "cryptography/hazmat/bindings/_rust.abi3.so",
            &["libc.so.6"],
        )],
        distributions: vec![DistributionSpec {
            name: "cryptography".into(),
            version: "44.0.0".into(),
            wheel_tags: vec![format!("{tag}-abi3-manylinux_2_28_x86_64")],
            files: vec!["cryptography/".into()],
        }],
        ..Default::default()
    };
    let newer = build(&spec("cp312"));
    let findings = check_tree(
        distrolint::checks::builtin_rules(),
        &newer.tree,
        &base("python3-debian12"),
    );
    let abi = with_code(
        &findings,
        &newer.path("cryptography/hazmat/bindings/_rust.abi3.so"),
        "DL105",
    );
    assert_eq!(abi.len(), 1, "{}", dump(&findings));
    assert!(abi[0].message.contains("3.12"), "{}", abi[0].message);

    let older = build(&spec("cp37"));
    let findings = check_tree(
        distrolint::checks::builtin_rules(),
        &older.tree,
        &base("python3-debian12"),
    );
    assert!(findings.is_empty(), "{}", dump(&findings));
}

#[test]
fn on_distroless_static_a_dynamic_program_is_reported_once_for_the_missing_loader() {
    let built = build(&TreeSpec {
        objects: vec![ObjectSpec {
            path: "bin/server".into(),
            kind: Kind::Executable,
            interpreter: Some("/lib64/ld-linux-x86-64.so.2".into()),
            needed: vec![
                "libssl.so.3".into(),
                "libcrypto.so.3".into(),
                "libc.so.6".into(),
            ],
            ..Default::default()
        }],
        ..Default::default()
    });
    let findings = check_tree(
        distrolint::checks::builtin_rules(),
        &built.tree,
        &base("static-debian12"),
    );
    let server = built.path("bin/server");
    let no_loader = with_code(&findings, &server, "DL107");
    assert_eq!(no_loader.len(), 1, "{}", dump(&findings));
    assert_eq!(no_loader[0].severity, Severity::Error);
    assert_eq!(
        findings.len(),
        1,
        "no cascade expected:\n{}",
        dump(&findings)
    );
}

#[test]
fn an_extension_module_on_an_image_without_python_cannot_be_imported_at_all() {
    let built = build(&single(extension(
        "pkg/_ext.cpython-311-x86_64-linux-gnu.so",
        &["libc.so.6"],
    )));
    let findings = check_tree(
        distrolint::checks::builtin_rules(),
        &built.tree,
        &base("cc-debian12"),
    );
    let ext = built.path("pkg/_ext.cpython-311-x86_64-linux-gnu.so");
    let no_python = with_code(&findings, &ext, "DL108");
    assert_eq!(no_python.len(), 1, "{}", dump(&findings));
    assert_eq!(findings.len(), 1, "{}", dump(&findings));
}

#[test]
fn an_extension_next_to_its_own_python_on_cc_is_judged_against_that_python() {
    let built = build(&TreeSpec {
        objects: vec![
            extension(
                "lib/python3.12/site-packages/pkg/_ext.cpython-311-x86_64-linux-gnu.so",
                &["libc.so.6"],
            ),
            ObjectSpec {
                path: "bin/python3.12".into(),
                kind: Kind::Executable,
                interpreter: Some("/lib64/ld-linux-x86-64.so.2".into()),
                needed: vec!["libc.so.6".into()],
                ..Default::default()
            },
        ],
        ..Default::default()
    });
    let findings = check_tree(
        distrolint::checks::builtin_rules(),
        &built.tree,
        &base("cc-debian12"),
    );
    let ext = built.path("lib/python3.12/site-packages/pkg/_ext.cpython-311-x86_64-linux-gnu.so");
    assert!(
        with_code(&findings, &ext, "DL108").is_empty(),
        "{}",
        dump(&findings)
    );
    let abi = with_code(&findings, &ext, "DL105");
    assert_eq!(abi.len(), 1, "{}", dump(&findings));
    assert!(
        abi[0].message.contains("bin/python3.12"),
        "{}",
        abi[0].message
    );
}

#[test]
fn an_untagged_extension_from_a_cp311_wheel_is_found_but_built_for_the_wrong_python() {
    let built = build(&TreeSpec {
        objects: vec![extension("rapid/_core.so", &["libc.so.6"])],
        distributions: vec![DistributionSpec {
            name: "rapid".into(),
            version: "0.3.0".into(),
            wheel_tags: vec!["cp311-cp311-manylinux_2_17_x86_64".into()],
            files: vec!["rapid/".into()],
        }],
        ..Default::default()
    });
    let findings = check_tree(
        distrolint::checks::builtin_rules(),
        &built.tree,
        &base("python3-debian13"),
    );
    let abi = with_code(&findings, &built.path("rapid/_core.so"), "DL105");
    assert_eq!(abi.len(), 1, "{}", dump(&findings));
    assert_eq!(field(abi[0], "found"), "cp311");
    let findings = check_tree(
        distrolint::checks::builtin_rules(),
        &built.tree,
        &base("python3-debian12"),
    );
    assert!(findings.is_empty(), "{}", dump(&findings));
}
