//! `bases import` on a small root filesystem made of real ELF files compiled
//! here with `cc`: a C library stand-in with a release banner, a library
//! with a soname and a version script, programs whose loader is or is not
//! there, scripts whose interpreter is missing, and a merged-/usr layout.
//! The same tree is imported as a directory, a tar and a gzip-compressed
//! tar, and must give the same manifest.

use std::fs;
use std::os::unix::fs::{symlink, PermissionsExt};
use std::path::{Path, PathBuf};
use std::process::Command;

use distrolint::base::{parse_manifest, BaseImage, ExecutableKind, LibcKind};
use distrolint::base_import::{
    import_rootfs, parse_tag_variant, to_toml, ImportError, ImportOptions,
};

fn cc(args: &[&str], dir: &Path) {
    let status = Command::new("cc")
        .args(args)
        .current_dir(dir)
        .status()
        .expect("these tests compile real ELF files and need a C compiler (`cc`)");
    assert!(status.success(), "cc {args:?} failed");
}

fn write(path: &Path, text: &str) {
    fs::create_dir_all(path.parent().unwrap()).unwrap();
    fs::write(path, text).unwrap();
}

fn write_executable(path: &Path, text: &str) {
    write(path, text);
    fs::set_permissions(path, fs::Permissions::from_mode(0o755)).unwrap();
}

/// Builds the tree under `root`; sources go to `build`.
fn make_rootfs(root: &Path, build: &Path) {
    fs::create_dir_all(build).unwrap();
    // The C library stand-in: glibc's soname, banner and version nodes.
    write(
        &build.join("libc.c"),
        "const char __libc_banner[] = \"GNU C Library (test) stable release version 2.99.\";\n\
         int libc_ok(void) { return 1; }\n",
    );
    write(
        &build.join("libc.map"),
        "GLIBC_2.2.5 { global: libc_ok; local: *; };\nGLIBC_2.99 { global: __libc_banner; } GLIBC_2.2.5;\n",
    );
    cc(
        &[
            "-shared",
            "-fPIC",
            "-o",
            "libc.so.6",
            "libc.c",
            "-nostdlib",
            "-Wl,-soname,libc.so.6",
            "-Wl,--version-script=libc.map",
        ],
        build,
    );
    write(&build.join("foo.c"), "int foo(void) { return 42; }\n");
    write(
        &build.join("foo.map"),
        "FOO_1.0 { global: foo; local: *; };\n",
    );
    cc(
        &[
            "-shared",
            "-fPIC",
            "-o",
            "libfoo.so.1.0",
            "foo.c",
            "-Wl,-soname,libfoo.so.1",
            "-Wl,--version-script=foo.map",
        ],
        build,
    );
    // The "loader": any shared object at the path programs name.
    write(&build.join("ld.c"), "int ld_ok(void) { return 0; }\n");
    cc(
        &[
            "-shared",
            "-fPIC",
            "-nostdlib",
            "-o",
            "ld-test.so.1",
            "ld.c",
            "-Wl,-soname,ld-test.so.1",
        ],
        build,
    );
    write(
        &build.join("app.c"),
        "int foo(void);\nint main(void) { return foo(); }\n",
    );
    cc(
        &[
            "-o",
            "app",
            "app.c",
            "-L.",
            "-l:libfoo.so.1.0",
            "-Wl,--dynamic-linker=/lib/ld-test.so.1",
        ],
        build,
    );
    cc(
        &[
            "-o",
            "orphan",
            "app.c",
            "-L.",
            "-l:libfoo.so.1.0",
            "-Wl,--dynamic-linker=/lib/ld-missing.so.1",
        ],
        build,
    );
    write(
        &build.join("ext.c"),
        "void *PyInit__ext(void) { return 0; }\n",
    );
    cc(
        &[
            "-shared",
            "-fPIC",
            "-o",
            "_ext.cpython-312-x86_64-linux-gnu.so",
            "ext.c",
        ],
        build,
    );

    let copy = |from: &str, to: &str| {
        let to = root.join(to);
        fs::create_dir_all(to.parent().unwrap()).unwrap();
        fs::copy(build.join(from), &to).unwrap();
    };
    copy("libc.so.6", "usr/lib/x86_64-linux-gnu/libc.so.6");
    copy("libfoo.so.1.0", "usr/lib/libfoo.so.1.0");
    copy("ld-test.so.1", "usr/lib/ld-test.so.1");
    copy("app", "usr/bin/app");
    copy("app", "usr/bin/env");
    copy("app", "usr/bin/python3.12");
    copy("orphan", "usr/bin/orphan");
    copy(
        "_ext.cpython-312-x86_64-linux-gnu.so",
        "usr/lib/python3.12/lib-dynload/_ext.cpython-312-x86_64-linux-gnu.so",
    );
    symlink("libfoo.so.1.0", root.join("usr/lib/libfoo.so.1")).unwrap();
    // Merged /usr.
    symlink("usr/lib", root.join("lib")).unwrap();
    symlink("usr/bin", root.join("bin")).unwrap();
    // An absolute link to a library the host has but the image does not:
    // it must not be resolved on the host.
    symlink(
        "/lib/x86_64-linux-gnu/libm.so.6",
        root.join("usr/lib/libm.so.6"),
    )
    .unwrap();

    write_executable(&root.join("usr/bin/needs-sh"), "#!/bin/sh\necho hi\n");
    write_executable(&root.join("usr/bin/via-env"), "#!/usr/bin/env app\n");
    write_executable(
        &root.join("usr/bin/via-env-missing"),
        "#!/usr/bin/env node\n",
    );
    write(&root.join("usr/bin/not-executable"), "data\n");
    symlink("app", root.join("usr/bin/app-link")).unwrap();
    symlink("/usr/bin/python3.12", root.join("usr/bin/python3")).unwrap();
    symlink("nowhere", root.join("usr/bin/dangling")).unwrap();

    write(
        &root.join("var/lib/dpkg/status.d/libfoo1"),
        "Package: libfoo1\nVersion: 1.0-1\nArchitecture: amd64\nDescription: foo\n a library\n",
    );
    // dpkg names the file under /lib; it lives in /usr/lib here.
    write(
        &root.join("var/lib/dpkg/status.d/libfoo1.md5sums"),
        "0123456789abcdef0123456789abcdef  lib/libfoo.so.1.0\n",
    );
    write(
        &root.join("var/lib/dpkg/status.d/python3.12-minimal"),
        "Package: python3.12-minimal\nVersion: 3.12.1-2\nArchitecture: amd64\n",
    );
    write(
        &root.join("var/lib/dpkg/status.d/python3.12-minimal.md5sums"),
        "0123456789abcdef0123456789abcdef  usr/bin/python3.12\n",
    );
    write(&root.join("usr/share/zoneinfo/UTC"), "TZif");
    write(
        &root.join("etc/ssl/certs/ca-certificates.crt"),
        "-----BEGIN CERTIFICATE-----\n",
    );
    fs::create_dir_all(root.join("usr/lib/locale/C.utf8")).unwrap();
}

fn options() -> ImportOptions {
    ImportOptions {
        name: "fake".into(),
        images: vec!["example.org/fake".into()],
        aliases: vec!["fake-alias".into()],
        summary: "a made-up image".into(),
        date: Some("2026-01-02".into()),
        method: Some("built by tests/cli/base_import.rs".into()),
        ..ImportOptions::default()
    }
}

struct Fixture {
    _dir: tempfile::TempDir,
    root: PathBuf,
    work: PathBuf,
}

fn fixture() -> Fixture {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("rootfs");
    let work = dir.path().join("work");
    fs::create_dir_all(&root).unwrap();
    make_rootfs(&root, &work.join("build"));
    Fixture {
        _dir: dir,
        root,
        work,
    }
}

/// The tree as a tar, with symlinks stored as links.
fn tar_of(root: &Path, out: &Path, gzip: bool) {
    let file = fs::File::create(out).unwrap();
    let sink: Box<dyn std::io::Write> = if gzip {
        Box::new(flate2::write::GzEncoder::new(
            file,
            flate2::Compression::fast(),
        ))
    } else {
        Box::new(file)
    };
    let mut builder = tar::Builder::new(sink);
    builder.follow_symlinks(false);
    builder.append_dir_all(".", root).unwrap();
    builder.into_inner().unwrap().flush().unwrap();
}

fn executable<'a>(base: &'a BaseImage, path: &str) -> &'a distrolint::base::Executable {
    base.executables
        .iter()
        .find(|e| e.path == path)
        .unwrap_or_else(|| panic!("{path} is not among the executables"))
}

#[test]
fn a_merged_usr_rootfs_is_described_from_its_files() {
    let fx = fixture();
    let base = import_rootfs(&fx.root, &options()).unwrap();

    assert_eq!(base.name, "fake");
    assert_eq!(base.architecture, "x86_64");
    assert_eq!(base.libc.kind, LibcKind::Glibc);
    assert_eq!(base.libc.version.as_deref(), Some("2.99"));
    assert_eq!(
        base.libc.newest_versions.get("GLIBC").map(String::as_str),
        Some("2.99")
    );

    // The library, its soname link, and its package found through /lib.
    let foo = base.library_at("/usr/lib/libfoo.so.1.0").unwrap();
    assert_eq!(foo.soname.as_deref(), Some("libfoo.so.1"));
    assert_eq!(foo.versions, ["FOO_1.0"]);
    assert_eq!(foo.package.as_deref(), Some("libfoo1"));
    let link = base
        .libraries
        .iter()
        .find(|l| l.path == "/usr/lib/libfoo.so.1")
        .unwrap();
    assert_eq!(link.link_target.as_deref(), Some("libfoo.so.1.0"));
    assert_eq!(
        base.library_at("/lib/libfoo.so.1").map(|l| l.path.as_str()),
        Some("/usr/lib/libfoo.so.1.0")
    );
    assert!(base.find_system_library("libfoo.so.1").is_some());
    assert!(base.find_system_library("libc.so.6").is_some());
    // The host's libm is not the image's.
    assert!(base
        .libraries
        .iter()
        .all(|l| l.path != "/usr/lib/libm.so.6"));
    let paths: Vec<&str> = base.libraries.iter().map(|l| l.path.as_str()).collect();
    let mut sorted = paths.clone();
    sorted.sort();
    assert_eq!(paths, sorted, "libraries are sorted by path");

    let links: Vec<(&str, &str)> = base
        .links
        .iter()
        .map(|l| (l.path.as_str(), l.target.as_str()))
        .collect();
    assert_eq!(links, [("/bin", "usr/bin"), ("/lib", "usr/lib")]);

    assert_eq!(
        base.loader.interpreter.as_deref(),
        Some("/lib/ld-test.so.1")
    );
    assert!(!base.loader.ld_so_cache);
    assert_eq!(
        base.loader.default_search_path,
        [
            "/lib/x86_64-linux-gnu",
            "/usr/lib/x86_64-linux-gnu",
            "/lib",
            "/usr/lib"
        ],
        "the multiarch directories (both spellings exist through /lib), then /lib and /usr/lib"
    );

    let app = executable(&base, "/usr/bin/app");
    assert_eq!(app.kind, ExecutableKind::Elf);
    assert!(app.runnable);
    assert!(
        !executable(&base, "/usr/bin/orphan").runnable,
        "its loader is missing"
    );
    let needs_sh = executable(&base, "/usr/bin/needs-sh");
    assert_eq!(needs_sh.kind, ExecutableKind::Script);
    assert_eq!(needs_sh.interpreter.as_deref(), Some("/bin/sh"));
    assert!(!needs_sh.runnable, "there is no /bin/sh");
    assert!(executable(&base, "/usr/bin/via-env").runnable);
    assert!(!executable(&base, "/usr/bin/via-env-missing").runnable);
    let app_link = executable(&base, "/usr/bin/app-link");
    assert_eq!(app_link.kind, ExecutableKind::Symlink);
    assert_eq!(app_link.link_target.as_deref(), Some("app"));
    assert!(app_link.runnable);
    assert!(!executable(&base, "/usr/bin/dangling").runnable);
    assert!(base
        .executables
        .iter()
        .all(|e| e.path != "/usr/bin/not-executable"));
    // /bin is the same directory as /usr/bin: listed once, found both ways.
    assert!(base
        .executables
        .iter()
        .all(|e| !e.path.starts_with("/bin/")));
    assert_eq!(
        base.find_executable("/bin/app").map(|e| e.path.as_str()),
        Some("/usr/bin/app")
    );

    let python = base.python.as_ref().unwrap();
    assert_eq!(python.version, "3.12.1");
    assert_eq!(python.soabi, "cpython-312-x86_64-linux-gnu");
    assert_eq!(python.executable, "/usr/bin/python3.12");
    assert_eq!(
        python.package_dirs,
        [
            "/usr/local/lib/python3.12/dist-packages",
            "/usr/lib/python3/dist-packages"
        ]
    );
    assert_eq!(
        executable(&base, "/usr/bin/python3.12").package.as_deref(),
        Some("python3.12-minimal")
    );

    assert!(!base.facts.bin_sh);
    assert!(base.facts.usr_bin_env);
    assert!(base.facts.zoneinfo);
    assert!(!base.facts.zoneinfo_legacy);
    assert_eq!(
        base.facts.ca_bundle.as_deref(),
        Some("/etc/ssl/certs/ca-certificates.crt")
    );
    assert_eq!(base.facts.locales, ["C.utf8"]);
    // A root filesystem does not say what LANG the image sets.
    assert_eq!(base.facts.lang, None);
    assert!(!base.facts.ldconfig);

    let packages: Vec<(&str, &str)> = base
        .provenance
        .packages
        .iter()
        .map(|p| (p.name.as_str(), p.version.as_str()))
        .collect();
    assert_eq!(
        packages,
        [("libfoo1", "1.0-1"), ("python3.12-minimal", "3.12.1-2")]
    );
    assert_eq!(base.provenance.date, "2026-01-02");
    assert_eq!(base.provenance.method, "built by tests/cli/base_import.rs");
}

#[test]
fn a_tar_and_a_gzipped_tar_give_the_same_manifest_as_the_directory() {
    let fx = fixture();
    let from_dir = import_rootfs(&fx.root, &options()).unwrap();
    for (name, gzip) in [("rootfs.tar", false), ("rootfs.tar.gz", true)] {
        let archive = fx.work.join(name);
        tar_of(&fx.root, &archive, gzip);
        let from_tar = import_rootfs(&archive, &options()).unwrap();
        assert_eq!(from_tar, from_dir, "{name}");
    }
}

#[test]
fn a_hard_link_in_a_tar_is_the_file_it_names() {
    let fx = fixture();
    let archive = fx.work.join("hardlink.tar");
    let mut builder = tar::Builder::new(fs::File::create(&archive).unwrap());
    builder.follow_symlinks(false);
    builder.append_dir_all(".", &fx.root).unwrap();
    let mut header = tar::Header::new_gnu();
    header.set_entry_type(tar::EntryType::Link);
    header.set_size(0);
    header.set_mode(0o755);
    builder
        .append_link(&mut header, "usr/bin/app-hardlink", "./usr/bin/app")
        .unwrap();
    builder.into_inner().unwrap();
    let base = import_rootfs(&archive, &options()).unwrap();
    let hard = executable(&base, "/usr/bin/app-hardlink");
    assert_eq!(hard.kind, ExecutableKind::Elf);
    assert!(hard.runnable);
}

#[test]
fn the_written_toml_says_it_is_generated_and_reads_back() {
    let fx = fixture();
    let base = import_rootfs(&fx.root, &options()).unwrap();
    let text = to_toml(&base);
    assert!(text.starts_with("# Generated by `distrolint bases import`"));
    assert!(text.contains("do not edit"));
    let back = parse_manifest("fake.toml", &text).unwrap();
    assert_eq!(back, base);
    assert_eq!(
        to_toml(&import_rootfs(&fx.root, &options()).unwrap()),
        text,
        "output is deterministic"
    );
}

#[test]
fn the_lang_the_image_sets_is_written_when_given_and_reads_back() {
    let fx = fixture();
    let options = ImportOptions {
        lang: Some("C.UTF-8".into()),
        ..options()
    };
    let base = import_rootfs(&fx.root, &options).unwrap();
    let text = to_toml(&base);
    assert!(text.contains("\nlang = \"C.UTF-8\"\n"), "{text}");
    let back = parse_manifest("fake.toml", &text).unwrap();
    assert_eq!(back.facts.lang.as_deref(), Some("C.UTF-8"));
    assert!(!to_toml(&import_rootfs(&fx.root, &self::options()).unwrap()).contains("lang ="));
}

#[test]
fn a_cache_written_by_ldconfig_is_read() {
    let ldconfig = ["/sbin/ldconfig", "/usr/sbin/ldconfig"]
        .into_iter()
        .find(|p| Path::new(p).exists());
    let Some(ldconfig) = ldconfig else {
        eprintln!("no ldconfig on this machine; skipped");
        return;
    };
    let fx = fixture();
    write(
        &fx.root.join("etc/ld.so.conf"),
        "/usr/lib\n/usr/lib/x86_64-linux-gnu\n",
    );
    let status = Command::new(ldconfig)
        .args(["-X", "-r"])
        .arg(&fx.root)
        .status()
        .unwrap();
    assert!(status.success());
    let base = import_rootfs(&fx.root, &options()).unwrap();
    assert!(base.loader.ld_so_cache);
    assert!(
        base.loader
            .cache_entries
            .iter()
            .any(|e| e.soname == "libfoo.so.1"),
        "{:?}",
        base.loader.cache_entries
    );
    assert!(
        base.provenance.notes.is_empty(),
        "{:?}",
        base.provenance.notes
    );
}

#[test]
fn a_rootfs_with_nothing_but_data_has_no_libc_and_no_loader() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    write(
        &root.join("var/lib/dpkg/status.d/base-files"),
        "Package: base-files\nVersion: 13.8\nArchitecture: amd64\n",
    );
    write(&root.join("etc/os-release"), "ID=debian\n");
    let base = import_rootfs(root, &options()).unwrap();
    assert_eq!(
        base.architecture, "x86_64",
        "from the package's architecture"
    );
    assert_eq!(base.libc.kind, LibcKind::None);
    assert_eq!(base.loader.interpreter, None);
    assert!(base.python.is_none());
    assert!(base.libraries.is_empty());
}

#[test]
fn a_missing_source_or_an_empty_archive_is_an_error_naming_it() {
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("nope");
    let err = import_rootfs(&missing, &options()).unwrap_err();
    assert!(matches!(err, ImportError::Io { .. }));
    assert!(err.to_string().contains("nope"));

    let garbage = dir.path().join("garbage.tar");
    fs::write(&garbage, vec![0u8; 2048]).unwrap();
    let err = import_rootfs(&garbage, &options()).unwrap_err();
    assert!(err.to_string().contains("garbage.tar"), "{err}");
}

#[test]
fn the_accounts_come_from_etc_passwd_and_the_user_and_tags_from_the_options() {
    let fx = fixture();
    write(
        &fx.root.join("etc/passwd"),
        "root:x:0:0:root:/root:/sbin/nologin\n\
         nonroot:x:65532:65532:nonroot:/home/nonroot:/sbin/nologin\n\
         broken line\n",
    );
    let options = ImportOptions {
        user: Some("0".into()),
        workdir: Some("/".into()),
        tag_variants: vec![parse_tag_variant("nonroot:65532:/home/nonroot").unwrap()],
        ..options()
    };
    let base = import_rootfs(&fx.root, &options).unwrap();
    let names: Vec<(&str, u32, &str)> = base
        .facts
        .accounts
        .iter()
        .map(|a| (a.name.as_str(), a.uid, a.home.as_str()))
        .collect();
    assert_eq!(
        names,
        [("root", 0, "/root"), ("nonroot", 65532, "/home/nonroot")]
    );
    assert!(
        base.provenance
            .notes
            .iter()
            .any(|n| n.contains("\"broken line\"")),
        "{:?}",
        base.provenance.notes
    );
    let back = parse_manifest("fake.toml", &to_toml(&base)).unwrap();
    assert_eq!(back, base);
    let nonroot = back.for_tag(&back.tag_variants[0]);
    assert_eq!(nonroot.name, "fake:nonroot");
    assert_eq!(nonroot.images, ["example.org/fake:nonroot"]);
    assert_eq!(
        (nonroot.user(), nonroot.workdir()),
        ("65532", "/home/nonroot")
    );
    assert!(parse_tag_variant("nonroot:65532:home").is_err());
    assert!(parse_tag_variant("nonroot").is_err());
    // Without the file the accounts are unknown, not empty of names.
    let bare = import_rootfs(&fixture().root, &self::options()).unwrap();
    assert_eq!(bare.has_account("root"), None);
}
