//! The loader simulation: where each needed library is found, and what is
//! reported when it is not.

use crate::support;

use distrolint::elf::check_tree;
use distrolint::finding::Severity;
use support::elf_builder::{build, DistributionSpec, Kind, ObjectSpec, SymlinkSpec, TreeSpec};
use support::{base, dump, field, with_code};

fn extension(path: &str, needed: &[&str]) -> ObjectSpec {
    ObjectSpec {
        path: path.into(),
        kind: Kind::Extension,
        needed: needed.iter().map(|s| s.to_string()).collect(),
        ..Default::default()
    }
}

fn library(path: &str, soname: &str, needed: &[&str]) -> ObjectSpec {
    ObjectSpec {
        path: path.into(),
        soname: Some(soname.into()),
        needed: needed.iter().map(|s| s.to_string()).collect(),
        ..Default::default()
    }
}

fn dist(name: &str, version: &str, files: &[&str]) -> DistributionSpec {
    DistributionSpec {
        name: name.into(),
        version: version.into(),
        wheel_tags: vec![],
        files: files.iter().map(|s| s.to_string()).collect(),
    }
}

#[test]
fn a_numpy_like_wheel_finds_its_vendored_libraries_through_origin_runpath() {
    let built = build(&TreeSpec {
        objects: vec![
            ObjectSpec {
                runpath: vec!["$ORIGIN/../../numpy.libs".into()],
                ..extension(
                    "numpy/core/_multiarray_umath.cpython-313-x86_64-linux-gnu.so",
                    &[
                        "libopenblas64_p-r0-0cf96a72.3.23.dev.so",
                        "libm.so.6",
                        "libc.so.6",
                    ],
                )
            },
            ObjectSpec {
                runpath: vec!["$ORIGIN".into()],
                ..library(
                    "numpy.libs/libopenblas64_p-r0-0cf96a72.3.23.dev.so",
                    "libopenblas64_p-r0-0cf96a72.3.23.dev.so",
                    &["libgfortran-040039e1.so.5.0.0", "libm.so.6", "libc.so.6"],
                )
            },
            library(
                "numpy.libs/libgfortran-040039e1.so.5.0.0",
                "libgfortran-040039e1.so.5.0.0",
                &["libc.so.6"],
            ),
        ],
        distributions: vec![dist("numpy", "2.1.0", &["numpy/", "numpy.libs/"])],
        ..Default::default()
    });
    let findings = check_tree(
        distrolint::checks::builtin_rules(),
        &built.tree,
        &base("python3-debian13"),
    );
    assert!(
        findings.is_empty(),
        "expected no findings:\n{}",
        dump(&findings)
    );
}

#[test]
fn a_psycopg2_built_against_libpq_on_python3_debian13_names_libpq_so_5() {
    let built = build(&TreeSpec {
        objects: vec![extension(
            "psycopg2/_psycopg.cpython-313-x86_64-linux-gnu.so",
            &["libpq.so.5", "libc.so.6"],
        )],
        distributions: vec![dist("psycopg2", "2.9.10", &["psycopg2/"])],
        ..Default::default()
    });
    let base = base("python3-debian13");
    let findings = check_tree(distrolint::checks::builtin_rules(), &built.tree, &base);
    let ext = built.path("psycopg2/_psycopg.cpython-313-x86_64-linux-gnu.so");
    let missing = with_code(&findings, &ext, "DL101");
    assert_eq!(missing.len(), 1, "{}", dump(&findings));
    let finding = missing[0];
    assert_eq!(finding.severity, Severity::Error);
    assert_eq!(field(finding, "library"), "libpq.so.5");
    assert_eq!(
        field(finding, "error"),
        "libpq.so.5: cannot open shared object file: No such file or directory"
    );
    assert_eq!(finding.fields["first_missing"], true);
    assert_eq!(finding.distribution.as_ref().unwrap().name, "psycopg2");
    assert!(
        finding.message.contains("python3-debian13"),
        "{}",
        finding.message
    );
    assert!(
        finding.message.contains("psycopg2 2.9.10"),
        "{}",
        finding.message
    );
    assert!(finding.help.contains("psycopg2-binary"), "{}", finding.help);
    assert_eq!(findings.len(), 1, "{}", dump(&findings));
}

#[test]
fn a_missing_transitive_library_is_reported_with_its_chain_and_the_loaders_first_failure() {
    // _ext needs libA (vendored, found) then libgone1; libA needs libgone2.
    // Breadth-first, the loader tries libgone1 before it reads libA's needs,
    // so the loader's error names libgone1.
    let built = build(&TreeSpec {
        objects: vec![
            ObjectSpec {
                runpath: vec!["$ORIGIN/libs".into()],
                ..extension(
                    "pkg/_ext.cpython-313-x86_64-linux-gnu.so",
                    &["libA.so.1", "libgone1.so.1", "libc.so.6"],
                )
            },
            ObjectSpec {
                runpath: vec!["$ORIGIN".into()],
                ..library(
                    "pkg/libs/libA.so.1",
                    "libA.so.1",
                    &["libgone2.so.2", "libc.so.6"],
                )
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
    assert_eq!(missing.len(), 2, "{}", dump(&findings));
    let gone1 = missing
        .iter()
        .find(|f| field(f, "library") == "libgone1.so.1")
        .unwrap();
    let gone2 = missing
        .iter()
        .find(|f| field(f, "library") == "libgone2.so.2")
        .unwrap();
    assert_eq!(gone1.fields["first_missing"], true);
    assert_eq!(gone2.fields["first_missing"], false);
    let lib_a = built.path("pkg/libs/libA.so.1").display().to_string();
    assert_eq!(
        gone2.fields["chain"],
        serde_json::json!([ext.display().to_string(), lib_a, "libgone2.so.2"])
    );
    assert_eq!(field(gone2, "needed_by"), lib_a);
    assert!(
        gone2.message.contains("libgone1.so.1 first"),
        "{}",
        gone2.message
    );
    // The vendored library's problem is the extension's, not reported again
    // on the library itself.
    assert!(with_code(&findings, &built.path("pkg/libs/libA.so.1"), "DL101").is_empty());
}

#[test]
fn runpath_is_not_inherited_by_a_transitive_dependency_but_rpath_is() {
    // Both extensions load libmid from their own directory; libmid needs
    // libleaf, which sits only in the extension's search directory. Through
    // RUNPATH the loader does not search the extension's path for libmid's
    // needs; through RPATH it does.
    let spec = |dtag_runpath: bool| {
        let (runpath, rpath) = if dtag_runpath {
            (vec!["$ORIGIN/vendor".to_string()], vec![])
        } else {
            (vec![], vec!["$ORIGIN/vendor".to_string()])
        };
        TreeSpec {
            objects: vec![
                ObjectSpec {
                    runpath,
                    rpath,
                    ..extension(
                        "pkg/_ext.cpython-313-x86_64-linux-gnu.so",
                        &["libmid.so.1", "libc.so.6"],
                    )
                },
                library("pkg/vendor/libmid.so.1", "libmid.so.1", &["libleaf.so.1"]),
                library("pkg/vendor/libleaf.so.1", "libleaf.so.1", &[]),
            ],
            ..Default::default()
        }
    };
    let base = base("python3-debian13");

    let with_runpath = build(&spec(true));
    let findings = check_tree(
        distrolint::checks::builtin_rules(),
        &with_runpath.tree,
        &base,
    );
    let ext = with_runpath.path("pkg/_ext.cpython-313-x86_64-linux-gnu.so");
    let missing = with_code(&findings, &ext, "DL101");
    assert_eq!(missing.len(), 1, "{}", dump(&findings));
    assert_eq!(field(missing[0], "library"), "libleaf.so.1");
    assert_eq!(
        field(missing[0], "needed_by"),
        with_runpath
            .path("pkg/vendor/libmid.so.1")
            .display()
            .to_string()
    );

    let with_rpath = build(&spec(false));
    let findings = check_tree(distrolint::checks::builtin_rules(), &with_rpath.tree, &base);
    assert!(
        findings.is_empty(),
        "RPATH is inherited:\n{}",
        dump(&findings)
    );
}

#[test]
fn a_vendored_library_reached_through_its_soname_symlink_is_found() {
    let built = build(&TreeSpec {
        objects: vec![
            ObjectSpec {
                runpath: vec!["$ORIGIN/../foo.libs".into()],
                ..extension(
                    "foo/_foo.cpython-313-x86_64-linux-gnu.so",
                    &["libfoo.so.1", "libc.so.6"],
                )
            },
            library("foo.libs/libfoo.so.1.2.3", "libfoo.so.1", &["libc.so.6"]),
        ],
        symlinks: vec![SymlinkSpec {
            path: "foo.libs/libfoo.so.1".into(),
            target: "libfoo.so.1.2.3".into(),
        }],
        ..Default::default()
    });
    let findings = check_tree(
        distrolint::checks::builtin_rules(),
        &built.tree,
        &base("python3-debian13"),
    );
    assert!(findings.is_empty(), "{}", dump(&findings));
}

#[test]
fn a_runpath_into_the_ci_runners_home_warns_and_the_library_it_hid_is_missing() {
    let built = build(&TreeSpec {
        objects: vec![ObjectSpec {
            runpath: vec!["/home/runner/work/pkg/build/lib".into(), "$ORIGIN".into()],
            ..extension(
                "pkg/_ext.cpython-313-x86_64-linux-gnu.so",
                &["libbuilt.so.0", "libc.so.6"],
            )
        }],
        ..Default::default()
    });
    let findings = check_tree(
        distrolint::checks::builtin_rules(),
        &built.tree,
        &base("python3-debian13"),
    );
    let ext = built.path("pkg/_ext.cpython-313-x86_64-linux-gnu.so");
    let warnings = with_code(&findings, &ext, "DL106");
    assert_eq!(warnings.len(), 1, "{}", dump(&findings));
    assert_eq!(warnings[0].severity, Severity::Warning);
    assert_eq!(
        field(warnings[0], "directory"),
        "/home/runner/work/pkg/build/lib"
    );
    assert_eq!(field(warnings[0], "kind"), "RUNPATH");
    let missing = with_code(&findings, &ext, "DL101");
    assert_eq!(missing.len(), 1, "{}", dump(&findings));
    assert_eq!(field(missing[0], "library"), "libbuilt.so.0");
}

#[test]
fn a_library_only_opened_through_ctypes_gets_warnings_not_errors() {
    let built = build(&TreeSpec {
        objects: vec![
            library(
                "pkg/_native/libhelper.so",
                "libhelper.so",
                &["libmissing.so.3", "libc.so.6"],
            ),
            // Loaded by libhelper only: reported through libhelper, not again.
            ObjectSpec {
                runpath: vec!["$ORIGIN".into()],
                ..library(
                    "pkg/_native/libinner.so",
                    "libinner.so",
                    &["libalso-missing.so.1"],
                )
            },
        ],
        ..Default::default()
    });
    let findings = check_tree(
        distrolint::checks::builtin_rules(),
        &built.tree,
        &base("python3-debian13"),
    );
    let helper = built.path("pkg/_native/libhelper.so");
    let missing = with_code(&findings, &helper, "DL101");
    assert_eq!(missing.len(), 1, "{}", dump(&findings));
    assert_eq!(missing[0].severity, Severity::Warning);
    assert!(
        missing[0].message.contains("ctypes"),
        "{}",
        missing[0].message
    );
    // libinner is unreached too (nothing loads it), so it is its own root.
    let inner = built.path("pkg/_native/libinner.so");
    assert_eq!(
        with_code(&findings, &inner, "DL101").len(),
        1,
        "{}",
        dump(&findings)
    );
}

#[test]
fn a_library_loaded_by_an_unreached_library_is_reported_through_it_only() {
    let built = build(&TreeSpec {
        objects: vec![
            ObjectSpec {
                runpath: vec!["$ORIGIN".into()],
                ..library(
                    "lib/libtop.so",
                    "libtop.so",
                    &["libbelow.so.1", "libc.so.6"],
                )
            },
            library("lib/libbelow.so.1", "libbelow.so.1", &["libabsent.so.9"]),
        ],
        ..Default::default()
    });
    let findings = check_tree(
        distrolint::checks::builtin_rules(),
        &built.tree,
        &base("python3-debian13"),
    );
    let missing: Vec<_> = findings.iter().filter(|f| f.code == "DL101").collect();
    assert_eq!(missing.len(), 1, "{}", dump(&findings));
    assert_eq!(missing[0].path, built.path("lib/libtop.so"));
    assert_eq!(
        missing[0].fields["chain"].as_array().unwrap().len(),
        3,
        "{:#?}",
        missing[0].fields
    );
}

#[test]
fn a_program_whose_libraries_are_missing_fails_to_start() {
    let built = build(&TreeSpec {
        objects: vec![ObjectSpec {
            path: "bin/tool".into(),
            kind: Kind::Executable,
            interpreter: Some("/lib64/ld-linux-x86-64.so.2".into()),
            needed: vec!["libcurl.so.4".into(), "libc.so.6".into()],
            ..Default::default()
        }],
        ..Default::default()
    });
    let findings = check_tree(
        distrolint::checks::builtin_rules(),
        &built.tree,
        &base("python3-debian12"),
    );
    let tool = built.path("bin/tool");
    let missing = with_code(&findings, &tool, "DL101");
    assert_eq!(missing.len(), 1, "{}", dump(&findings));
    assert_eq!(missing[0].severity, Severity::Error);
    assert!(
        missing[0]
            .message
            .contains("error while loading shared libraries"),
        "{}",
        missing[0].message
    );
}

#[test]
fn a_program_with_a_foreign_interpreter_path_cannot_start() {
    let built = build(&TreeSpec {
        objects: vec![ObjectSpec {
            path: "bin/tool".into(),
            kind: Kind::Executable,
            interpreter: Some("/nix/store/abc-glibc-2.39/lib/ld-linux-x86-64.so.2".into()),
            needed: vec!["libc.so.6".into()],
            ..Default::default()
        }],
        ..Default::default()
    });
    let findings = check_tree(
        distrolint::checks::builtin_rules(),
        &built.tree,
        &base("python3-debian12"),
    );
    let missing = with_code(&findings, &built.path("bin/tool"), "DL101");
    assert_eq!(missing.len(), 1, "{}", dump(&findings));
    assert_eq!(
        field(missing[0], "library"),
        "/nix/store/abc-glibc-2.39/lib/ld-linux-x86-64.so.2"
    );
}

#[test]
fn a_static_program_needs_nothing() {
    let built = build(&TreeSpec {
        objects: vec![ObjectSpec {
            path: "bin/static-tool".into(),
            kind: Kind::StaticExecutable,
            ..Default::default()
        }],
        ..Default::default()
    });
    assert!(!built.tree.objects[0].info.dynamic);
    for name in ["python3-debian13", "static-debian12"] {
        let findings = check_tree(
            distrolint::checks::builtin_rules(),
            &built.tree,
            &base(name),
        );
        assert!(findings.is_empty(), "{name}:\n{}", dump(&findings));
    }
}
