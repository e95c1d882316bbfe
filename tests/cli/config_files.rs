//! The configuration file as a repository uses it: found from the scanned
//! path upwards, overridden by `--config` and by flags, and refused with the
//! place of the mistake when it says something wrong.

use crate::support;

use std::path::Path;
use std::process::Command;

use serde_json::Value;
use support::elf_builder::{build, DistributionSpec, Kind, ObjectSpec, TreeSpec};

fn run_in(cwd: &Path, args: &[&str]) -> (i32, String, String) {
    let output = Command::new(env!("CARGO_BIN_EXE_distrolint"))
        .current_dir(cwd)
        .env("NO_COLOR", "1")
        .args(args)
        .output()
        .expect("run distrolint");
    (
        output.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

/// `CODE path:line` of every finding of a JSON report.
fn found(stdout: &str) -> Vec<String> {
    let doc: Value = serde_json::from_str(stdout).unwrap_or_else(|e| panic!("{e}: {stdout}"));
    doc["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            format!(
                "{} {}:{}",
                f["code"].as_str().unwrap(),
                f["path"].as_str().unwrap(),
                f["line"]
            )
        })
        .collect()
}

fn write(root: &Path, name: &str, text: &str) {
    let path = root.join(name);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

/// A repository: the service's code, a script, a vendored module.
/// `app/service/jobs.py` has a DL201 (error) and a DL202 (warning).
fn repository() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    write(
        root,
        "app/service/jobs.py",
        "import os, subprocess\n\ndef run(cmd, use_shell):\n    os.system(cmd)\n    subprocess.run([\"python3\", cmd], shell=use_shell)\n",
    );
    write(
        root,
        "app/scripts/release.py",
        "import os\nos.system(\"true\")\n",
    );
    write(
        root,
        "app/vendor/sh.py",
        "import os\nos.popen(\"true\").read()\n",
    );
    dir
}

fn check_json(cwd: &Path, path: &str, extra: &[&str]) -> Vec<String> {
    let mut args = vec!["check", path, "--format", "json", "--fail-on", "never"];
    args.extend_from_slice(extra);
    let (code, stdout, stderr) = run_in(cwd, &args);
    assert_eq!(code, 0, "{stderr}");
    found(&stdout)
}

#[test]
fn pyproject_table_is_found_from_the_scanned_path_upwards() {
    let repo = repository();
    write(
        repo.path(),
        "pyproject.toml",
        "[project]\nname = \"svc\"\n\n[tool.ruff]\nline-length = 100\n\n[tool.distrolint]\nignore = [\"DL202\"]\nexclude = [\"vendor\"]\n\n[tool.distrolint.per-file-ignores]\n\"app/scripts/*.py\" = [\"shell\"]\n",
    );
    // Run from elsewhere, on a directory below the configuration.
    let elsewhere = tempfile::tempdir().unwrap();
    let target = repo.path().join("app/service");
    let findings = check_json(elsewhere.path(), target.to_str().unwrap(), &[]);
    assert_eq!(findings.len(), 1, "{findings:?}");
    assert!(findings[0].starts_with("DL201 "), "{findings:?}");

    let findings = check_json(repo.path(), "app", &[]);
    assert_eq!(findings, ["DL201 app/service/jobs.py:4"]);
    // --isolated ignores it.
    let findings = check_json(repo.path(), "app", &["--isolated"]);
    assert_eq!(findings.len(), 4, "{findings:?}");
}

#[test]
fn in_one_directory_the_dedicated_files_win_over_pyproject() {
    let repo = repository();
    write(
        repo.path(),
        "pyproject.toml",
        "[tool.distrolint]\nselect = [\"DL202\"]\n",
    );
    assert_eq!(
        check_json(repo.path(), "app", &[]),
        ["DL202 app/service/jobs.py:5"]
    );
    write(
        repo.path(),
        "distrolint.toml",
        "select = [\"DL201\"]\nexclude = [\"app/scripts\", \"app/vendor\"]\n",
    );
    assert_eq!(
        check_json(repo.path(), "app", &[]),
        ["DL201 app/service/jobs.py:4"]
    );
    write(
        repo.path(),
        ".distrolint.toml",
        "select = [\"shell\"]\nexclude = [\"vendor\"]\n",
    );
    assert_eq!(
        check_json(repo.path(), "app", &[]),
        [
            "DL201 app/scripts/release.py:2",
            "DL201 app/service/jobs.py:4",
            "DL202 app/service/jobs.py:5"
        ]
    );
    // --config replaces discovery.
    write(repo.path(), "ci/strict.toml", "select = [\"DL202\"]\n");
    assert_eq!(
        check_json(repo.path(), "app", &["--config", "ci/strict.toml"]),
        ["DL202 app/service/jobs.py:5"]
    );
}

#[test]
fn flags_override_the_file() {
    let repo = repository();
    write(
        repo.path(),
        "distrolint.toml",
        "base = \"python3-debian12\"\nselect = [\"DL202\"]\nignore = [\"DL201\"]\nfail-on = \"warning\"\nscope = \"deps\"\n",
    );
    let (code, stdout, _) = run_in(
        repo.path(),
        &["check", "app", "--format", "json", "--scope", "app"],
    );
    assert_eq!(code, 1, "fail-on = warning from the file: {stdout}");
    let doc: Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(doc["base"]["name"], "python3-debian12");
    assert_eq!(doc["base"]["chosen_by"], "base in distrolint.toml");
    assert_eq!(found(&stdout), ["DL202 app/service/jobs.py:5"]);

    let (code, stdout, _) = run_in(
        repo.path(),
        &[
            "check",
            "app",
            "--format",
            "json",
            "--scope",
            "app",
            "--fail-on",
            "error",
            "--select",
            "DL2,DL3",
            "--base",
            "python3-debian13",
        ],
    );
    assert_eq!(
        code, 0,
        "--fail-on error wins, DL201 stays ignored: {stdout}"
    );
    let doc: Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(doc["base"]["name"], "python3-debian13");
    assert_eq!(found(&stdout), ["DL202 app/service/jobs.py:5"]);
    // scope = "deps" from the file, when no flag says otherwise: the app is
    // not reported.
    let (_, stdout, _) = run_in(repo.path(), &["check", "app", "--format", "json"]);
    assert!(found(&stdout).is_empty(), "{stdout}");
}

/// The first line of miette's source box, `[file:line:column]`.
fn error_place(stderr: &str) -> String {
    let start = stderr
        .find("─[")
        .unwrap_or_else(|| panic!("no source shown:\n{stderr}"));
    let rest = &stderr[start + "─[".len()..];
    let place = &rest[..rest.find(']').unwrap()];
    place.rsplit('/').next().unwrap().to_string()
}

#[test]
fn mistakes_are_errors_that_point_into_the_file() {
    let repo = repository();
    let cases: &[(&str, &str, &str, &str)] = &[
        (
            "distrolint.toml",
            "select = [\"DL201\"]\nfail_on = \"warning\"\n",
            "distrolint.toml:2:1",
            "unknown field `fail_on`",
        ),
        (
            "distrolint.toml",
            "ignore = [\"DL201\", \"DL2O2\"]\n",
            "distrolint.toml:1:20",
            "unknown rule code or family `DL2O2`",
        ),
        (
            "pyproject.toml",
            "[project]\nname = \"x\"\n\n[tool.distrolint]\nexclude = \"tests\"\n",
            "pyproject.toml:5:11",
            "invalid type: string \"tests\"",
        ),
        (
            "distrolint.toml",
            "fail-on = \"warnings\"\n",
            "distrolint.toml:1:11",
            "unknown value `warnings`",
        ),
        (
            "distrolint.toml",
            "base = \"alpine\"\n",
            "distrolint.toml:1:8",
            "unknown base image `alpine`",
        ),
        (
            "distrolint.toml",
            "[per-file-ignores]\n\"tests/**\" = [\"DL999\"]\n",
            "distrolint.toml:2:15",
            "DL999",
        ),
    ];
    for (name, text, place, message) in cases {
        let dir = tempfile::tempdir().unwrap();
        write(dir.path(), name, text);
        write(dir.path(), "app/x.py", "x = 1\n");
        let (code, _, stderr) = run_in(dir.path(), &["check", "app"]);
        assert_eq!(code, 2, "{name}: {text}\n{stderr}");
        assert_eq!(error_place(&stderr), *place, "{stderr}");
        assert!(stderr.contains(message), "{message} not in:\n{stderr}");
    }
    drop(repo);
}

#[test]
fn fail_on_and_exit_zero_decide_the_exit_status() {
    // An error (DL201), a warning (DL202) and a note (DL905: a RECORD row
    // that cannot be read).
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    write(
        root,
        "app/a.py",
        "import os, subprocess\ndef f(c, use_shell):\n    os.system(c)\n    subprocess.run([\"python3\", c], shell=use_shell)\n",
    );
    write(root, "site-packages/pkg/__init__.py", "");
    write(
        root,
        "site-packages/pkg-1.0.dist-info/METADATA",
        "Name: pkg\nVersion: 1.0\n",
    );
    write(
        root,
        "site-packages/pkg-1.0.dist-info/RECORD",
        "pkg/__init__.py,,\n,,\n",
    );
    let status = |args: &[&str]| {
        let mut all = vec!["check", "app", "site-packages", "--isolated"];
        all.extend_from_slice(args);
        run_in(root, &all).0
    };
    let (_, stdout, _) = run_in(
        root,
        &["check", "site-packages", "--isolated", "--format", "json"],
    );
    assert!(stdout.contains("\"DL905\""), "{stdout}");

    assert_eq!(status(&[]), 1);
    assert_eq!(status(&["--exit-zero"]), 0);
    assert_eq!(status(&["--fail-on", "never"]), 0);
    // Each level, with only what is below it left.
    assert_eq!(status(&["--fail-on", "error", "--ignore", "DL201"]), 0);
    assert_eq!(status(&["--fail-on", "warning", "--ignore", "DL201"]), 1);
    assert_eq!(status(&["--fail-on", "warning", "--ignore", "DL2,DL3"]), 0);
    assert_eq!(status(&["--fail-on", "info", "--ignore", "DL2,DL3"]), 1);
    assert_eq!(
        status(&["--fail-on", "info", "--ignore", "DL2,DL3,DL905"]),
        0
    );
    // From the file, the same.
    write(
        root,
        "distrolint.toml",
        "fail-on = \"info\"\nignore = [\"DL2\", \"DL3\"]\n",
    );
    assert_eq!(run_in(root, &["check", "app", "site-packages"]).0, 1);
    assert_eq!(
        run_in(root, &["check", "app", "site-packages", "--exit-zero"]).0,
        0
    );
    // A bad selector on the command line is a usage error.
    assert_eq!(run_in(root, &["check", "app", "--select", "DL2X"]).0, 2);
}

#[test]
fn native_library_findings_are_accepted_by_library_and_distribution() {
    // psycopg2 built from source: it needs libpq and libldap, neither in
    // the image. The team copies libpq in with its Dockerfile.
    let built = build(&TreeSpec {
        objects: vec![ObjectSpec {
            path: "psycopg2/_psycopg.cpython-313-x86_64-linux-gnu.so".into(),
            kind: Kind::Extension,
            needed: vec!["libpq.so.5".into(), "libldap-2.5.so.0".into()],
            ..Default::default()
        }],
        distributions: vec![DistributionSpec {
            name: "psycopg2".into(),
            version: "2.9.9".into(),
            wheel_tags: vec!["cp313-cp313-linux_x86_64".into()],
            files: vec!["psycopg2/".into()],
        }],
        ..Default::default()
    });
    let libraries = |stdout: &str| -> Vec<String> {
        let doc: Value = serde_json::from_str(stdout).unwrap();
        doc["findings"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| {
                format!(
                    "{} {}",
                    f["code"].as_str().unwrap(),
                    f["library"].as_str().unwrap_or("-")
                )
            })
            .collect()
    };
    let (_, stdout, _) = run_in(
        &built.root,
        &["check", ".", "--format", "json", "--isolated"],
    );
    assert_eq!(
        libraries(&stdout),
        ["DL101 libldap-2.5.so.0", "DL101 libpq.so.5"]
    );

    write(
        &built.root,
        "distrolint.toml",
        "[[accept]]\nlibrary = \"libpq.so.5\"\ndistribution = \"Psycopg2\"\nreason = \"the Dockerfile copies libpq from the build stage\"\n\n[[accept]]\ndistribution = \"pillow\"\ncodes = [\"native-library\"]\n",
    );
    let (code, stdout, stderr) = run_in(&built.root, &["check", ".", "--format", "json"]);
    assert_eq!(code, 1, "{stderr}");
    assert_eq!(libraries(&stdout), ["DL101 libldap-2.5.so.0"]);
    let doc: Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(doc["summary"]["gate"]["ignored"], 1);

    // The entry for a distribution that is not installed accepts nothing.
    let (_, stdout, _) = run_in(
        &built.root,
        &["check", ".", "--format", "json", "--report-unused-ignores"],
    );
    let doc: Value = serde_json::from_str(&stdout).unwrap();
    let unused = doc["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["code"] == "DL910")
        .expect("the unused [[accept]] entry");
    assert_eq!(unused["path"], "distrolint.toml");
    assert_eq!(unused["line"], 6, "{unused}");
    assert!(
        unused["message"]
            .as_str()
            .unwrap()
            .contains("distribution pillow"),
        "{unused}"
    );
}

/// `run_in` with a secret in the environment, as a CI runner has one.
fn run_with_secret(cwd: &Path, args: &[&str]) -> (i32, String) {
    let output = Command::new(env!("CARGO_BIN_EXE_distrolint"))
        .current_dir(cwd)
        .env("NO_COLOR", "1")
        .env("DISTROLINT_TEST_SECRET", "s3cr3t-runner-token")
        .args(args)
        .output()
        .expect("run distrolint");
    let all = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    (output.status.code().unwrap_or(-1), all)
}

#[test]
fn files_the_tree_names_outside_itself_are_refused_and_not_shown() {
    let outside = tempfile::tempdir().unwrap();
    write(
        outside.path(),
        "creds/credentials.toml",
        "[registry]\ntoken = \"s3cr3t-runner-token\"\n",
    );
    let creds = outside.path().join("creds");
    let cases: Vec<(&str, String)> = vec![
        // A configuration that is itself a link to the environment.
        ("link", String::new()),
        ("base-file", "base-file = \"/proc/self/environ\"\n".into()),
        (
            "rules",
            format!("rules = [{:?}]\n", creds.display().to_string()),
        ),
        ("git", "base-file = \".git/config\"\n".into()),
        ("link-in-rules", "rules = [\"ci/rules\"]\n".into()),
    ];
    for (what, config) in cases {
        let dir = tempfile::tempdir().unwrap();
        write(dir.path(), "app/x.py", "x = 1\n");
        write(
            dir.path(),
            ".git/config",
            "[remote \"origin\"]\n\turl = https://x:s3cr3t-runner-token@example.com/r\n",
        );
        std::fs::create_dir_all(dir.path().join("ci/rules")).unwrap();
        std::os::unix::fs::symlink(
            creds.join("credentials.toml"),
            dir.path().join("ci/rules/shared.toml"),
        )
        .unwrap();
        if what == "link" {
            std::os::unix::fs::symlink("/proc/self/environ", dir.path().join("distrolint.toml"))
                .unwrap();
        } else {
            write(dir.path(), "distrolint.toml", &config);
        }
        let (code, all) = run_with_secret(dir.path(), &["check", "app"]);
        assert_eq!(code, 2, "{what}: {all}");
        assert!(!all.contains("s3cr3t"), "{what} leaked:\n{all}");
        assert!(
            all.contains("refus") || all.contains("may not be read"),
            "{what}: {all}"
        );
    }
}

#[test]
fn a_file_of_the_tree_that_is_not_toml_is_placed_but_not_quoted() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "app/x.py", "x = 1\n");
    write(
        dir.path(),
        "ci/.env",
        "DEPLOY_KEY=s3cr3t-runner-token\nB=2\n",
    );
    write(dir.path(), "distrolint.toml", "base-file = \"ci/.env\"\n");
    let (code, all) = run_with_secret(dir.path(), &["check", "app"]);
    assert_eq!(code, 2, "{all}");
    assert!(!all.contains("s3cr3t"), "leaked:\n{all}");
    assert!(all.contains("ci/.env:1:"), "{all}");

    // The same file named on the command line is the user's own: shown.
    let (code, all) = run_with_secret(
        dir.path(),
        &["check", "app", "--isolated", "--base-file", "ci/.env"],
    );
    assert_eq!(code, 2, "{all}");
    assert!(all.contains("DEPLOY_KEY"), "{all}");

    // A TOML document the user wrote is still shown with its mistake.
    write(dir.path(), "distrolint.toml", "select = [\"DL2O1\"]\n");
    let (code, all) = run_with_secret(dir.path(), &["check", "app"]);
    assert_eq!(code, 2, "{all}");
    assert!(all.contains("select = [\"DL2O1\"]"), "{all}");
}

/// A rule in the tree that fires on every shell call as a note and
/// suppresses the built-in error there.
const QUIETING_RULE: &str = r#"
[[rule]]
code = "ACME900"
name = "quiet-shell"
family = "shell"
summary = "turns the shell error into a note"
callables = ["@shell-command"]
suppresses = ["DL201", "DL301"]
help = "nothing"

[[rule.case]]
severity = "info"
message = "{call} is fine"
"#;

fn json_of(stdout: &str) -> Value {
    serde_json::from_str(stdout).unwrap_or_else(|e| panic!("{e}: {stdout}"))
}

#[test]
fn every_weakening_of_the_gate_is_counted_and_named() {
    let repo = repository();
    let root = repo.path();
    write(
        root,
        "distrolint.toml",
        "fail-on = \"never\"\nselect = []\nignore = [\"ALL\"]\n",
    );
    let (code, stdout, stderr) = run_in(root, &["check", "app", "--format", "json"]);
    assert_eq!(code, 0, "{stderr}");
    let doc = json_of(&stdout);
    let lowered: Vec<String> = doc["summary"]["gate"]["lowered_by"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| {
            format!(
                "{} {}:{}",
                l["key"].as_str().unwrap(),
                l["path"].as_str().unwrap(),
                l["line"]
            )
        })
        .collect();
    assert_eq!(
        lowered,
        [
            "select distrolint.toml:2",
            "ignore distrolint.toml:3",
            "fail-on distrolint.toml:1"
        ]
    );
    let (_, human, _) = run_in(root, &["check", "app"]);
    assert!(
        human.contains("Gate weakened: the configuration lowers the gate: select = [] (distrolint.toml:2); ignore = [\"ALL\"] (distrolint.toml:3)"),
        "{human}"
    );
    assert!(
        human.contains("fail-on = \"never\" (distrolint.toml:1)"),
        "{human}"
    );

    // Excluding everything is not a clean result.
    write(root, "distrolint.toml", "exclude = [\"**\"]\n");
    let (code, stdout, _) = run_in(root, &["check", "app", "--format", "json"]);
    assert_eq!(code, 0);
    let doc = json_of(&stdout);
    assert!(
        doc["summary"]["gate"]["excluded"].as_u64().unwrap() > 0,
        "{doc:#}"
    );
    let (_, human, _) = run_in(root, &["check", "app"]);
    assert!(human.contains("paths were not scanned"), "{human}");
    let (_, statistics, _) = run_in(root, &["check", "app", "--statistics"]);
    assert!(
        statistics.contains("paths were not scanned"),
        "{statistics}"
    );
    let (_, github, _) = run_in(root, &["check", "app", "--format", "github"]);
    assert!(
        github.contains("::warning title=distrolint gate::"),
        "{github}"
    );
    let (_, sarif, _) = run_in(root, &["check", "app", "--format", "sarif"]);
    let sarif = json_of(&sarif);
    assert_eq!(
        sarif["runs"][0]["properties"]["gate"]["lowered_by"][0]["key"],
        "exclude"
    );

    // A rule in the tree that swallows the built-in error is counted.
    write(root, "ci/rules/quiet.toml", QUIETING_RULE);
    write(root, "distrolint.toml", "rules = [\"ci/rules\"]\n");
    let (code, stdout, stderr) = run_in(root, &["check", "app", "--format", "json"]);
    assert_eq!(code, 0, "{stderr}");
    let doc = json_of(&stdout);
    assert_eq!(doc["summary"]["gate"]["suppressed_by_rules"], 3, "{doc:#}");
    assert!(
        !found(&stdout).iter().any(|f| f.starts_with("DL201")),
        "{stdout}"
    );
}

#[test]
fn strict_config_lets_the_tree_add_checks_but_not_remove_them() {
    let repo = repository();
    let root = repo.path();
    let lowering = [
        ("fail-on = \"never\"\n", "fail-on"),
        ("select = []\n", "select"),
        ("ignore = [\"ALL\"]\n", "ignore"),
        ("exclude = [\"**\"]\n", "exclude"),
        ("scope = \"deps\"\n", "scope"),
        (
            "[per-file-ignores]\n\"app/**\" = [\"DL2\"]\n",
            "per-file-ignores",
        ),
        ("[[accept]]\ncodes = [\"DL201\"]\n", "accept"),
    ];
    for (text, key) in lowering {
        write(root, "distrolint.toml", text);
        let (code, _, stderr) = run_in(root, &["check", "app", "--strict-config"]);
        assert_eq!(code, 2, "{text}: {stderr}");
        assert!(
            stderr.contains(key) && stderr.contains("distrolint.toml"),
            "{stderr}"
        );
        // Without the flag the same file is obeyed (and named in the summary).
        let (code, _, stderr) = run_in(root, &["check", "app"]);
        assert_ne!(code, 2, "{text}: {stderr}");
    }

    write(root, "ci/rules/quiet.toml", QUIETING_RULE);
    write(root, "distrolint.toml", "rules = [\"ci/rules\"]\n");
    let (code, _, stderr) = run_in(root, &["check", "app", "--strict-config"]);
    assert_eq!(code, 2, "{stderr}");
    assert!(
        stderr.contains("ACME900") && stderr.contains("suppresses"),
        "{stderr}"
    );

    // Adding checks is allowed: a stricter fail-on, everything selected.
    write(
        root,
        "distrolint.toml",
        "fail-on = \"warning\"\nselect = [\"ALL\"]\n",
    );
    let (code, _, stderr) = run_in(root, &["check", "app", "--strict-config"]);
    assert_eq!(code, 1, "{stderr}");

    // A file the user names is theirs, strict or not.
    let own = tempfile::tempdir().unwrap();
    write(own.path(), "ci.toml", "ignore = [\"ALL\"]\n");
    let own_config = own.path().join("ci.toml");
    let (code, _, stderr) = run_in(
        root,
        &[
            "check",
            "app",
            "--strict-config",
            "--config",
            own_config.to_str().unwrap(),
        ],
    );
    assert_eq!(code, 0, "{stderr}");
}

#[test]
fn a_configuration_may_link_and_point_anywhere_inside_its_git_work_tree() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    std::fs::create_dir_all(root.join(".git")).unwrap();
    write(root, "svc/app/x.py", "import os\nos.system(\"x\")\n");
    write(root, "shared/distrolint.toml", "select = [\"DL201\"]\n");
    std::os::unix::fs::symlink(
        "../shared/distrolint.toml",
        root.join("svc/distrolint.toml"),
    )
    .unwrap();
    let (code, stdout, stderr) = run_in(&root.join("svc"), &["check", "app", "--format", "json"]);
    assert_eq!(code, 1, "{stderr}");
    assert_eq!(found(&stdout), ["DL201 app/x.py:2"]);
}
