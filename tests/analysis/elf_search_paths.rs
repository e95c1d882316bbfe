//! Search-path corners the linker will not produce on demand (an object with
//! both DT_RPATH and DT_RUNPATH), and tree layouts (relative roots, linked
//! directories, links into the image): checked on hand-written `ElfInfo`s,
//! which is what discovery hands over.

use crate::support;

use std::path::PathBuf;

use distrolint::base::{BaseImage, Library};
use distrolint::elf::inspect::VersionNeed;
use distrolint::elf::{check_tree, ElfInfo, ElfObject, ElfTree, TreeSymlink};
use support::{base, dump, field};

const ET_DYN: u16 = 3;

struct Obj {
    path: &'static str,
    soname: Option<&'static str>,
    needed: &'static [&'static str],
    rpath: &'static [&'static str],
    runpath: &'static [&'static str],
    extension: bool,
}

const LIB: Obj = Obj {
    path: "",
    soname: None,
    needed: &[],
    rpath: &[],
    runpath: &[],
    extension: false,
};

fn object(root: &str, spec: &Obj) -> ElfObject {
    let strings = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
    let module = spec
        .path
        .rsplit('/')
        .next()
        .unwrap()
        .split('.')
        .next()
        .unwrap();
    ElfObject {
        path: PathBuf::from(root).join(spec.path),
        root: 0,
        info: ElfInfo {
            is_64: true,
            little_endian: true,
            machine: 62,
            elf_type: ET_DYN,
            soname: spec.soname.map(str::to_string),
            needed: strings(spec.needed),
            rpath: strings(spec.rpath),
            runpath: strings(spec.runpath),
            interpreter: None,
            dynamic: true,
            version_needs: vec![],
            version_defs: vec![],
            python_init: if spec.extension {
                vec![format!("PyInit_{module}")]
            } else {
                vec![]
            },
        },
        distribution: None,
        wheel_tags: vec![],
    }
}

fn tree(root: &str, objects: &[Obj], links: &[(&str, &str)]) -> ElfTree {
    ElfTree {
        roots: vec![PathBuf::from(root)],
        // The fake absolute roots stand for where a tree really is.
        root_locations: vec![PathBuf::from(root)]
            .into_iter()
            .filter(|r| r.is_absolute())
            .collect(),
        objects: objects.iter().map(|o| object(root, o)).collect(),
        symlinks: links
            .iter()
            .map(|(path, target)| TreeSymlink {
                path: PathBuf::from(root).join(path),
                target: PathBuf::from(target),
                root: 0,
            })
            .collect(),
    }
}

fn ext(path: &'static str, needed: &'static [&'static str]) -> Obj {
    Obj {
        path,
        needed,
        extension: true,
        ..LIB
    }
}

fn missing_names(tree: &ElfTree, base: &BaseImage) -> Vec<String> {
    let findings = check_tree(distrolint::checks::builtin_rules(), tree, base);
    let mut names: Vec<String> = findings
        .iter()
        .filter(|f| f.code == "DL101")
        .map(|f| field(f, "library").to_string())
        .collect();
    names.sort();
    names
}

#[test]
fn an_object_with_runpath_has_its_rpath_ignored() {
    let t = tree(
        "/scan/site",
        &[
            Obj {
                rpath: &["$ORIGIN/by-rpath"],
                runpath: &["$ORIGIN/by-runpath"],
                ..ext(
                    "pkg/_ext.cpython-313-x86_64-linux-gnu.so",
                    &["libonly-rpath.so.1"],
                )
            },
            Obj {
                path: "pkg/by-rpath/libonly-rpath.so.1",
                soname: Some("libonly-rpath.so.1"),
                ..LIB
            },
        ],
        &[],
    );
    assert_eq!(
        missing_names(&t, &base("python3-debian13")),
        ["libonly-rpath.so.1"]
    );
}

#[test]
fn an_ancestor_with_runpath_passes_on_no_rpath() {
    // The extension has both; its RPATH is ignored, so libmid's request for
    // libleaf cannot inherit it.
    let t = tree(
        "/scan/site",
        &[
            Obj {
                rpath: &["$ORIGIN/deps"],
                runpath: &["$ORIGIN/deps"],
                ..ext("pkg/_ext.cpython-313-x86_64-linux-gnu.so", &["libmid.so.1"])
            },
            Obj {
                path: "pkg/deps/libmid.so.1",
                soname: Some("libmid.so.1"),
                needed: &["libleaf.so.1"],
                ..LIB
            },
            Obj {
                path: "pkg/deps/libleaf.so.1",
                soname: Some("libleaf.so.1"),
                ..LIB
            },
        ],
        &[],
    );
    assert_eq!(
        missing_names(&t, &base("python3-debian13")),
        ["libleaf.so.1"]
    );
}

#[test]
fn braced_origin_and_a_linked_vendor_directory_resolve_in_the_tree() {
    let t = tree(
        "/scan/site",
        &[
            Obj {
                runpath: &["${ORIGIN}/../pkg.libs"],
                ..ext("pkg/_ext.cpython-313-x86_64-linux-gnu.so", &["libv.so.1"])
            },
            Obj {
                path: "real.libs/libv.so.1.0",
                soname: Some("libv.so.1"),
                ..LIB
            },
        ],
        &[
            ("pkg.libs", "real.libs"),
            ("real.libs/libv.so.1", "libv.so.1.0"),
        ],
    );
    let findings = check_tree(
        distrolint::checks::builtin_rules(),
        &t,
        &base("python3-debian13"),
    );
    assert!(findings.is_empty(), "{}", dump(&findings));
}

#[test]
fn a_scan_of_the_current_directory_resolves_relative_paths() {
    let t = tree(
        ".",
        &[
            Obj {
                runpath: &["$ORIGIN/../pkg.libs"],
                ..ext(
                    "pkg/_ext.cpython-313-x86_64-linux-gnu.so",
                    &["libv.so.1", "libgone.so.1"],
                )
            },
            Obj {
                path: "pkg.libs/libv.so.1",
                soname: Some("libv.so.1"),
                ..LIB
            },
        ],
        &[],
    );
    // Discovery spells paths below `.` without the leading `./`.
    let mut t = t;
    for o in &mut t.objects {
        o.path = o.path.strip_prefix(".").unwrap().to_path_buf();
    }
    assert_eq!(
        missing_names(&t, &base("python3-debian13")),
        ["libgone.so.1"]
    );
}

#[test]
fn an_extension_directly_in_a_root_spelled_dot_finds_its_vendored_library() {
    // `pip install -t .` puts pillow_heif's module at the top of the tree;
    // its RPATH `$ORIGIN/pillow_heif.libs` must stay inside the tree when
    // the root is `.` (an empty directory once normalised), not become
    // `/pillow_heif.libs`.
    let mut t = tree(
        ".",
        &[
            Obj {
                rpath: &["$ORIGIN/pillow_heif.libs"],
                ..ext(
                    "_pillow_heif.cpython-313-x86_64-linux-gnu.so",
                    &["libheif-e72ea93c.so.1.23.6"],
                )
            },
            Obj {
                path: "pillow_heif.libs/libheif-e72ea93c.so.1.23.6",
                soname: Some("libheif-e72ea93c.so.1.23.6"),
                ..LIB
            },
        ],
        &[],
    );
    t.roots = vec![PathBuf::from("")];
    for o in &mut t.objects {
        o.path = o.path.strip_prefix(".").unwrap().to_path_buf();
    }
    let findings = check_tree(
        distrolint::checks::builtin_rules(),
        &t,
        &base("python3-debian13"),
    );
    assert!(findings.is_empty(), "{}", dump(&findings));
}

#[test]
fn an_absolute_runpath_is_matched_against_where_the_root_really_is() {
    // The venv of `COPY --from=build /opt/venv /opt/venv`, scanned as `.`
    // from inside it: the root's spelling is empty, its location is not.
    let mut t = tree(
        ".",
        &[
            Obj {
                runpath: &["/opt/venv/lib"],
                ..ext(
                    "lib/python3.13/site-packages/pkg/_ext.cpython-313-x86_64-linux-gnu.so",
                    &["libbundled.so.2"],
                )
            },
            Obj {
                path: "lib/libbundled.so.2",
                soname: Some("libbundled.so.2"),
                ..LIB
            },
        ],
        &[],
    );
    t.roots = vec![PathBuf::from("")];
    t.root_locations = vec![PathBuf::from("/opt/venv")];
    for o in &mut t.objects {
        o.path = o.path.strip_prefix(".").unwrap().to_path_buf();
    }
    let findings = check_tree(
        distrolint::checks::builtin_rules(),
        &t,
        &base("python3-debian13"),
    );
    assert!(findings.is_empty(), "{}", dump(&findings));
    // Without a known location the same RUNPATH leads nowhere in the image.
    t.root_locations.clear();
    let findings = check_tree(
        distrolint::checks::builtin_rules(),
        &t,
        &base("python3-debian13"),
    );
    let codes: Vec<&str> = findings.iter().map(|f| f.code.as_str()).collect();
    assert_eq!(codes, ["DL101", "DL106"], "{}", dump(&findings));
}

#[test]
fn an_absolute_runpath_inside_a_scanned_venv_resolves_in_the_tree() {
    // `COPY --from=build /opt/venv /opt/venv`: the venv keeps its path.
    let t = tree(
        "/opt/venv",
        &[
            Obj {
                runpath: &["/opt/venv/lib"],
                ..ext(
                    "lib/python3.13/site-packages/pkg/_ext.cpython-313-x86_64-linux-gnu.so",
                    &["libbundled.so.2"],
                )
            },
            Obj {
                path: "lib/libbundled.so.2",
                soname: Some("libbundled.so.2"),
                ..LIB
            },
        ],
        &[],
    );
    let findings = check_tree(
        distrolint::checks::builtin_rules(),
        &t,
        &base("python3-debian13"),
    );
    assert!(findings.is_empty(), "{}", dump(&findings));
}

#[test]
fn lib_token_expands_to_the_images_multiarch_directory() {
    let mut image = base("python3-debian13");
    let dir = image
        .loader
        .default_search_path
        .iter()
        .find(|d| d.starts_with("/lib/") || d.starts_with("/usr/lib/"))
        .cloned()
        .expect("a multiarch directory");
    let triplet = dir.rsplit('/').next().unwrap().to_string();
    image.libraries.push(Library {
        path: format!("/usr/lib/{triplet}/custom/libcustom.so.1"),
        soname: Some("libcustom.so.1".into()),
        link_target: None,
        versions: vec![],
        package: None,
    });
    image.libraries.sort_by(|a, b| a.path.cmp(&b.path));
    let t = tree(
        "/scan/site",
        &[Obj {
            runpath: &["/usr/$LIB/custom"],
            ..ext(
                "pkg/_ext.cpython-313-x86_64-linux-gnu.so",
                &["libcustom.so.1"],
            )
        }],
        &[],
    );
    let findings = check_tree(distrolint::checks::builtin_rules(), &t, &image);
    assert!(findings.is_empty(), "{}", dump(&findings));
}

#[test]
fn a_needed_entry_spelled_as_an_origin_path_is_opened_directly() {
    let t = tree(
        "/scan/site",
        &[
            ext(
                "pkg/_ext.cpython-313-x86_64-linux-gnu.so",
                &["$ORIGIN/libdirect.so", "$ORIGIN/libabsent.so"],
            ),
            Obj {
                path: "pkg/libdirect.so",
                ..LIB
            },
        ],
        &[],
    );
    assert_eq!(
        missing_names(&t, &base("python3-debian13")),
        ["$ORIGIN/libabsent.so"]
    );
}

#[test]
fn a_tree_link_into_the_image_finds_the_images_library() {
    let t = tree(
        "/scan/site",
        &[Obj {
            runpath: &["$ORIGIN"],
            ..ext("pkg/_ext.cpython-313-x86_64-linux-gnu.so", &["libzz.so.1"])
        }],
        &[("pkg/libzz.so.1", "/lib/x86_64-linux-gnu/libc.so.6")],
    );
    let findings = check_tree(
        distrolint::checks::builtin_rules(),
        &t,
        &base("python3-debian13"),
    );
    assert!(findings.is_empty(), "{}", dump(&findings));
}

#[test]
fn a_runpath_climbing_out_of_the_scanned_directory_is_named_when_a_library_is_missing() {
    let t = tree(
        "/scan/env/lib/python3.13/site-packages",
        &[Obj {
            runpath: &["$ORIGIN/../../../.."],
            ..ext(
                "pkg/_ext.cpython-313-x86_64-linux-gnu.so",
                &["libconda-only.so.3"],
            )
        }],
        &[],
    );
    let findings = check_tree(
        distrolint::checks::builtin_rules(),
        &t,
        &base("python3-debian13"),
    );
    assert_eq!(findings.len(), 1, "{}", dump(&findings));
    assert!(
        findings[0]
            .message
            .contains("leads outside the scanned directory"),
        "{}",
        findings[0].message
    );
}

#[test]
fn an_unknown_absolute_directory_is_a_warning_but_an_image_library_directory_is_not() {
    let t = tree(
        "/scan/site",
        &[Obj {
            runpath: &[
                "/srv/app/native",
                "/usr/lib/x86_64-linux-gnu/openblas-pthread",
            ],
            ..ext("pkg/_ext.cpython-313-x86_64-linux-gnu.so", &["libc.so.6"])
        }],
        &[],
    );
    let findings = check_tree(
        distrolint::checks::builtin_rules(),
        &t,
        &base("python3-debian13"),
    );
    assert_eq!(findings.len(), 1, "{}", dump(&findings));
    assert_eq!(findings[0].code, "DL106");
    assert_eq!(field(&findings[0], "directory"), "/srv/app/native");
}

#[test]
fn an_extension_gets_the_c_library_python_already_loaded_not_a_copy_in_the_tree() {
    let mut t = tree(
        "/scan/site",
        &[
            Obj {
                runpath: &["$ORIGIN"],
                ..ext("pkg/_ext.cpython-313-x86_64-linux-gnu.so", &["libc.so.6"])
            },
            Obj {
                path: "pkg/libc.so.6",
                soname: Some("libc.so.6"),
                ..LIB
            },
        ],
        &[],
    );
    t.objects[0].info.version_needs = vec![VersionNeed {
        file: "libc.so.6".into(),
        versions: vec!["GLIBC_2.99".into()],
    }];
    t.objects[1].info.version_defs = vec!["GLIBC_2.2.5".into(), "GLIBC_2.99".into()];
    let findings = check_tree(
        distrolint::checks::builtin_rules(),
        &t,
        &base("python3-debian13"),
    );
    let too_new: Vec<_> = findings.iter().filter(|f| f.code == "DL102").collect();
    assert_eq!(too_new.len(), 1, "{}", dump(&findings));
    assert!(
        too_new[0].message.contains("the image's"),
        "{}",
        too_new[0].message
    );
}

#[test]
fn a_library_in_the_tree_but_off_the_search_path_is_named_with_a_runpath_that_reaches_it() {
    let t = tree(
        "/scan/site",
        &[
            ext(
                "pkg/sub/_ext.cpython-313-x86_64-linux-gnu.so",
                &["libnear.so.1"],
            ),
            Obj {
                path: "pkg.libs/libnear.so.1.4",
                soname: Some("libnear.so.1"),
                ..LIB
            },
        ],
        &[],
    );
    let findings = check_tree(
        distrolint::checks::builtin_rules(),
        &t,
        &base("python3-debian13"),
    );
    assert_eq!(findings.len(), 1, "{}", dump(&findings));
    let finding = &findings[0];
    assert_eq!(finding.code, "DL101");
    assert_eq!(
        finding.fields["in_tree"],
        serde_json::json!(["/scan/site/pkg.libs/libnear.so.1.4"])
    );
    assert!(
        finding
            .help
            .contains("patchelf --set-rpath '$ORIGIN/../../pkg.libs'"),
        "{}",
        finding.help
    );
}

#[test]
fn a_glibc_extension_on_a_musl_image_is_reported_for_its_c_library() {
    // No built-in base uses musl; an Alpine-like manifest is what
    // `--base-file` would bring.
    let mut alpine = base("python3-debian13");
    alpine.name = "alpine-python".into();
    alpine.libc.kind = distrolint::base::LibcKind::Musl;
    let t = tree(
        "/scan/site",
        &[ext(
            "pkg/_ext.cpython-313-x86_64-linux-gnu.so",
            &["libstdc++.so.6", "libc.so.6"],
        )],
        &[],
    );
    let findings = check_tree(distrolint::checks::builtin_rules(), &t, &alpine);
    let codes: Vec<&str> = findings.iter().map(|f| f.code.as_str()).collect();
    assert_eq!(codes, ["DL103"], "{}", dump(&findings));
    assert_eq!(field(&findings[0], "libc"), "glibc");
}
