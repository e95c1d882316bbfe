//! The dlopen and data families judged per base: the same snippet gives the
//! answer each image gives when the code runs there (see
//! `../shared/reference/distroless-images.md`, "How things fail there").

use crate::support::python as support;

use std::process::Command;

use distrolint::finding::Finding;
use distrolint::rules::RuleSet;

const BASES: [&str; 3] = [
    "python3-debian12",
    "python3-debian13",
    "chainguard-python-latest",
];

fn findings_on(base: &str, source: &str) -> Vec<Finding> {
    let rules = RuleSet::builtin(distrolint::checks::NATIVE).unwrap();
    let base = support::base(base);
    support::analyse(source.as_bytes(), &base, &rules, "app/native.py")
}

fn with_code<'f>(findings: &'f [Finding], code: &str) -> Vec<&'f Finding> {
    findings.iter().filter(|f| f.code == code).collect()
}

#[test]
fn find_library_is_always_none_on_debian12_and_cache_bound_elsewhere() {
    let source = "import ctypes.util\nlibc = ctypes.util.find_library('c')\nzbar = ctypes.util.find_library('zbar')\n";
    let debian12 = findings_on("python3-debian12", source);
    let lines: Vec<u32> = with_code(&debian12, "DL402")
        .iter()
        .map(|f| f.location.unwrap().line)
        .collect();
    assert_eq!(lines, [2, 3], "{debian12:#?}");
    assert!(debian12[0]
        .message
        .contains("always returns None on python3-debian12"));

    for base in ["python3-debian13", "chainguard-python-latest"] {
        let found = findings_on(base, source);
        let dl402 = with_code(&found, "DL402");
        assert_eq!(dl402.len(), 1, "{base}: {found:#?}");
        let zbar = dl402[0];
        assert_eq!(zbar.location.unwrap().line, 3);
        assert!(
            zbar.message
                .contains("no libzbar.* is in the image's /etc/ld.so.cache"),
            "{}",
            zbar.message
        );
        assert!(zbar.message.contains(base), "{}", zbar.message);
    }
}

#[test]
fn opening_libmagic_fails_on_every_python_base_and_libc_opens_everywhere() {
    let source =
        "import ctypes\nmagic = ctypes.CDLL('libmagic.so.1')\nlibc = ctypes.CDLL('libc.so.6')\n";
    for base in BASES {
        let found = findings_on(base, source);
        let dl401 = with_code(&found, "DL401");
        assert_eq!(dl401.len(), 1, "{base}: {found:#?}");
        let f = dl401[0];
        assert_eq!(f.location.unwrap().line, 2);
        assert_eq!(f.severity.to_string(), "error");
        assert!(f.message.contains("`libmagic.so.1`"), "{}", f.message);
        assert!(f.message.contains(base), "{}", f.message);
        assert!(
            f.message
                .contains("libmagic.so.1: cannot open shared object file"),
            "{}",
            f.message
        );
        assert_eq!(f.fields["subject"], "libmagic.so.1");
    }
}

#[test]
fn cffi_short_names_go_through_find_library() {
    // cffi tries find_library("c") for a name without `.` or `/`: that works
    // where the cache lists libc, and never on python3-debian12.
    let source = "from cffi import FFI\nffi = FFI()\nlibc = ffi.dlopen('c')\n";
    assert_eq!(
        with_code(&findings_on("python3-debian12", source), "DL401").len(),
        1
    );
    assert!(with_code(&findings_on("python3-debian13", source), "DL401").is_empty());
}

#[test]
fn zoneinfo_fails_only_on_chainguard() {
    let source = "from zoneinfo import ZoneInfo\nparis = ZoneInfo('Europe/Paris')\n";
    for base in ["python3-debian12", "python3-debian13"] {
        assert!(
            with_code(&findings_on(base, source), "DL501").is_empty(),
            "{base}"
        );
    }
    let chainguard = findings_on("chainguard-python-latest", source);
    let f = with_code(&chainguard, "DL501")[0];
    assert_eq!(f.severity.to_string(), "error");
    assert!(
        f.message
            .contains("No time zone found with key Europe/Paris"),
        "{}",
        f.message
    );
}

#[test]
fn legacy_zone_names_fail_on_a_debian13_image_without_tzdata_legacy() {
    let rules = RuleSet::builtin(distrolint::checks::NATIVE).unwrap();
    let mut base = support::base("python3-debian13");
    base.name = "trixie-without-tzdata-legacy".into();
    base.facts.zoneinfo_legacy = false;
    let source = b"from zoneinfo import ZoneInfo\npacific = ZoneInfo('US/Pacific')\nparis = ZoneInfo('Europe/Paris')\n";
    let found = support::analyse(source, &base, &rules, "app/tz.py");
    let dl501 = with_code(&found, "DL501");
    assert_eq!(dl501.len(), 1, "{found:#?}");
    assert_eq!(dl501[0].location.unwrap().line, 2);
    assert!(dl501[0]
        .message
        .contains("legacy time-zone name `US/Pacific`"));
}

#[test]
fn a_compiled_locale_is_missing_on_every_python_base() {
    let source = "import locale\nlocale.setlocale(locale.LC_ALL, 'en_US.UTF-8')\nlocale.setlocale(locale.LC_ALL, 'POSIX')\n";
    for base in BASES {
        let found = findings_on(base, source);
        let dl502 = with_code(&found, "DL502");
        assert_eq!(dl502.len(), 1, "{base}: {found:#?}");
        assert_eq!(dl502[0].location.unwrap().line, 2);
        assert!(
            dl502[0]
                .message
                .contains("locale.Error: unsupported locale setting"),
            "{}",
            dl502[0].message
        );
    }
}

/// glibc ships C.UTF-8 as compiled data (Debian's libc-bin), not built in:
/// python3-debian12 lacks it, and its LANG=C.UTF-8 makes `""` fail too.
/// Chainguard sets no LANG, so `""` is C there.
#[test]
fn c_utf8_and_the_environment_locale_fail_only_on_debian12() {
    let source = "import locale\nlocale.setlocale(locale.LC_ALL, 'C.UTF-8')\nlocale.setlocale(locale.LC_ALL, '')\n";
    let debian12 = findings_on("python3-debian12", source);
    let dl502 = with_code(&debian12, "DL502");
    let lines: Vec<u32> = dl502.iter().map(|f| f.location.unwrap().line).collect();
    assert_eq!(lines, [2, 3], "{debian12:#?}");
    assert!(
        dl502[0]
            .message
            .contains("`C.UTF-8`, which python3-debian12 does not have (it has C, POSIX)"),
        "{}",
        dl502[0].message
    );
    assert!(
        dl502[1]
            .message
            .contains("python3-debian12 sets LANG=C.UTF-8, a locale it does not have"),
        "{}",
        dl502[1].message
    );
    for base in ["python3-debian13", "chainguard-python-latest"] {
        let found = findings_on(base, source);
        assert!(with_code(&found, "DL502").is_empty(), "{base}: {found:#?}");
    }
}

/// Writes an application that uses zoneinfo, and optionally a virtualenv
/// with the tzdata distribution installed by pip.
fn django_like_tree(with_tzdata: bool) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let app = dir.path().join("app");
    std::fs::create_dir_all(&app).unwrap();
    std::fs::write(
        app.join("clock.py"),
        "from zoneinfo import ZoneInfo\nPARIS = ZoneInfo('Europe/Paris')\n",
    )
    .unwrap();
    let site = dir.path().join("venv/lib/python3.14/site-packages");
    std::fs::create_dir_all(&site).unwrap();
    if with_tzdata {
        std::fs::create_dir_all(site.join("tzdata/zoneinfo/Europe")).unwrap();
        std::fs::write(site.join("tzdata/__init__.py"), "IANA_VERSION = '2025b'\n").unwrap();
        std::fs::write(site.join("tzdata/zoneinfo/Europe/Paris"), b"TZif2").unwrap();
        let meta = site.join("tzdata-2025.2.dist-info");
        std::fs::create_dir_all(&meta).unwrap();
        std::fs::write(
            meta.join("METADATA"),
            "Metadata-Version: 2.1\nName: tzdata\nVersion: 2025.2\n\n",
        )
        .unwrap();
        std::fs::write(
            meta.join("RECORD"),
            "tzdata/__init__.py,,\ntzdata/zoneinfo/Europe/Paris,,\ntzdata-2025.2.dist-info/METADATA,,\n",
        )
        .unwrap();
    }
    dir
}

fn check_codes(tree: &std::path::Path) -> String {
    let output = Command::new(env!("CARGO_BIN_EXE_distrolint"))
        .env("NO_COLOR", "1")
        .args(["check", "--isolated", "--base", "chainguard-python-latest"])
        .arg(tree)
        .output()
        .unwrap();
    String::from_utf8_lossy(&output.stdout).into_owned()
}

#[test]
fn a_tzdata_distribution_in_the_scanned_tree_provides_the_zones() {
    let without = django_like_tree(false);
    assert!(check_codes(without.path()).contains("DL501"));
    let with = django_like_tree(true);
    let report = check_codes(with.path());
    assert!(!report.contains("DL501"), "{report}");
}
