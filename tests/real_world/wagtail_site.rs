//! The most common layout for a distroless image, end to end: a Wagtail
//! site whose requirements were installed into the project (`pip install -r
//! requirements.txt -t .`), the whole directory copied into the image, judged
//! under the Dockerfiles a team moving it would write
//! (`corpus/sites/wagtail/`).
//!
//! `scripts/fetch-wagtail-site.sh` builds the site from the real packages
//! (`wagtail start mysite`, then pip for each base's Python; cached). Each
//! variant of `corpus/sites/wagtail/variants.toml` puts its Dockerfile at the
//! top of a copy of the site, runs `distrolint check .` there, and is checked
//! both ways against the findings listed. On top of the lists, the verdicts
//! the scenario is about are asserted by name, so that a reviewer updating a
//! list cannot drop one unnoticed. The truth test imports the same trees in
//! the rebuilt python3-debian12 and python3-debian13 images.

use crate::support;

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use serde::Deserialize;
use serde_json::Value;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Variants {
    variant: Vec<Variant>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Variant {
    name: String,
    description: String,
    dockerfile: String,
    /// The tree of fetch-wagtail-site.sh: `cp311`, `cp313`, `cp314`,
    /// `cp314-tzdata`.
    tree: String,
    /// `--base`; without it the final stage's FROM chooses.
    base: Option<String>,
    /// `CODE SEVERITY PATH[:LINE]`.
    expect: Vec<String>,
}

fn corpus() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus/sites/wagtail")
}

fn variants() -> Vec<Variant> {
    let path = corpus().join("variants.toml");
    let text = fs::read_to_string(&path).unwrap();
    let variants: Variants =
        toml::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    variants.variant
}

/// One variant's report: the exit status and the findings.
struct Checked {
    code: i32,
    findings: Vec<Value>,
    /// Findings in test code, left out.
    in_tests: u64,
}

fn check(site: &Path, variant: &Variant) -> Checked {
    let dir = tempfile::Builder::new()
        .prefix("distrolint-wagtail-")
        .tempdir()
        .unwrap();
    let root = dir.path().join("mysite");
    fs::create_dir(&root).unwrap();
    let source = site.join("trees").join(&variant.tree).join("mysite");
    assert!(source.is_dir(), "{} is missing", source.display());
    support::copy_tree(&source, &root);
    // `wagtail start` writes a Dockerfile of its own; the team's replaces it.
    let dockerfile = root.join("Dockerfile");
    let _ = fs::remove_file(&dockerfile);
    fs::copy(corpus().join(&variant.dockerfile), &dockerfile).unwrap();

    let mut command = Command::new(env!("CARGO_BIN_EXE_distrolint"));
    command
        .current_dir(&root)
        .args(["check", ".", "--format", "json", "--isolated"]);
    if let Some(base) = &variant.base {
        command.args(["--base", base]);
    }
    let output = command.output().expect("run distrolint");
    let code = output.status.code().unwrap_or(-1);
    let report: Value = serde_json::from_slice(&output.stdout).unwrap_or_else(|e| {
        panic!(
            "{}: exit {code}, not JSON ({e}):\n{}",
            variant.name,
            String::from_utf8_lossy(&output.stderr)
        )
    });
    Checked {
        code,
        findings: report["findings"].as_array().cloned().unwrap_or_default(),
        in_tests: report["summary"]["test_code_findings"]
            .as_u64()
            .unwrap_or(0),
    }
}

fn describe(finding: &Value) -> String {
    let mut text = format!(
        "{} {} {}",
        finding["code"].as_str().unwrap(),
        finding["severity"].as_str().unwrap(),
        finding["path"].as_str().unwrap()
    );
    if let Some(line) = finding["line"].as_u64() {
        text.push_str(&format!(":{line}"));
    }
    text
}

fn count(items: impl IntoIterator<Item = String>) -> BTreeMap<String, usize> {
    let mut counts = BTreeMap::new();
    for item in items {
        *counts.entry(item).or_insert(0) += 1;
    }
    counts
}

fn is(finding: &Value, code: &str, path: &str) -> bool {
    finding["code"] == code && finding["path"] == path
}

/// The assertions the scenario is about, by variant name.
fn scenario_problems(variant: &Variant, findings: &[Value]) -> Vec<String> {
    let mut problems = Vec::new();
    let mut require = |ok: bool, what: &str| {
        if !ok {
            problems.push(format!("{}: {what}", variant.name));
        }
    };
    let native = findings.iter().filter(|f| f["family"] == "native-library");
    let dockerfile: Vec<&Value> = findings
        .iter()
        .filter(|f| f["family"] == "dockerfile")
        .collect();
    let zone = findings
        .iter()
        .filter(|f| f["code"] == "DL501" || f["code"] == "DL503");
    match variant.name.as_str() {
        // The Python of the base is the one the requirements were installed
        // for: every extension module loads (the truth test imports them).
        "slim-d13" | "d12" | "cg" | "cgtz" => require(
            native.count() == 0,
            "a native finding on a module that loads",
        ),
        // cp313 modules on 3.11 and 3.14: each one is reported.
        "slim-d12" | "slim-cg" => require(
            native.filter(|f| f["code"] == "DL105").count() == 11,
            "not every cp313 extension module is reported as not importable",
        ),
        _ => {}
    }
    if variant.name == "ctl" {
        require(
            dockerfile.len() == 1 && is(dockerfile[0], "DL705", "Dockerfile"),
            "the busybox copy in the final stage is not the one Dockerfile finding",
        );
    } else {
        // RUN steps and the busybox copy of build stages are not the image's.
        require(dockerfile.is_empty(), "a Dockerfile finding");
    }
    match variant.name.as_str() {
        "cg" | "slim-cg" => require(
            findings.iter().any(|f| {
                is(f, "DL503", "mysite/settings/base.py")
                    && f["line"] == 124
                    && f["distribution"].is_null()
            }),
            "the site's own USE_TZ = True is not reported as the application's",
        ),
        "cgtz" => require(zone.count() == 0, "a zone finding with tzdata installed"),
        _ => {}
    }
    problems
}

#[test]
fn the_wagtail_site_gets_exactly_its_expected_findings_under_each_dockerfile() {
    let site = support::fetched("fetch-wagtail-site.sh", "fetch-wagtail-site");
    let variants = variants();
    assert!(variants.len() >= 7, "variants are missing");
    let mut problems = Vec::new();
    let mut table = Vec::new();
    for variant in &variants {
        assert!(
            !variant.description.trim().is_empty(),
            "{}: describe the variant",
            variant.name
        );
        let checked = check(&site, variant);
        let reported = count(checked.findings.iter().map(describe));
        let expected = count(variant.expect.iter().cloned());
        for (finding, &n) in &expected {
            let got = reported.get(finding).copied().unwrap_or(0);
            if got < n {
                problems.push(format!(
                    "{}: expected but not found: {finding}",
                    variant.name
                ));
            }
        }
        for (finding, &n) in &reported {
            if expected.get(finding).copied().unwrap_or(0) < n {
                problems.push(format!("{}: unexpected: {finding}", variant.name));
            }
        }
        let want_code = if checked.findings.iter().any(|f| f["severity"] == "error") {
            1
        } else {
            0
        };
        if checked.code != want_code {
            problems.push(format!(
                "{}: exit {} with these findings (expected {want_code})",
                variant.name, checked.code
            ));
        }
        problems.extend(scenario_problems(variant, &checked.findings));
        let mut by_code = count(
            checked
                .findings
                .iter()
                .map(|f| f["code"].as_str().unwrap().to_string()),
        )
        .into_iter()
        .map(|(code, n)| format!("{code} {n}"))
        .collect::<Vec<_>>();
        by_code.sort();
        let own = checked
            .findings
            .iter()
            .filter(|f| f["distribution"].is_null())
            .count();
        table.push(format!(
            "{:<10} {:>3} findings ({own} the site's own; {} in test code left out): {}",
            variant.name,
            checked.findings.len(),
            checked.in_tests,
            by_code.join(", ")
        ));
    }
    // For `cargo test --test real_world packages:: wagtail_site:: -- --nocapture`.
    println!("{}", table.join("\n"));
    assert!(
        problems.is_empty(),
        "{} problem(s):\n{}",
        problems.len(),
        problems.join("\n")
    );
}
