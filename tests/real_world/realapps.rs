//! Precision and recall on real applications nobody here wrote
//! (corpus/realapps/, issue 14 "Measure it honestly").
//!
//! Each `corpus/realapps/APP/app.toml` pins a source archive from PyPI and
//! the base the application is judged against; `scripts/fetch-realapps.sh`
//! unpacks it. `labels.toml` says, for every error or warning distrolint
//! reports on the application (and for the breakage it misses), whether it
//! is real, decided by reading the code. This test runs the built binary on
//! each application and:
//!
//! - fails on a reported error or warning that has no label, so a change
//!   that reports something new cannot pass before someone has read it;
//! - prints precision (real among reported) and recall (reported among real)
//!   per application and overall;
//! - fails when the overall figures fall below `floors.toml`.
//!
//! `cargo test --test real_world realapps -- --nocapture` shows the table.

use crate::support;

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use serde::Deserialize;
use serde_json::Value;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct App {
    package: String,
    version: String,
    sha256: String,
    base: String,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct Labels {
    #[serde(default)]
    place: Vec<Label>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Label {
    code: String,
    /// Relative to the unpacked sdist's root.
    path: String,
    /// Absent for findings about a whole file (a script's `#!` line).
    line: Option<u64>,
    real: bool,
    reason: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Floors {
    precision: f64,
    recall: f64,
}

/// What a label and a finding are matched on.
type Key = (String, String, Option<u64>);

fn key_of(label: &Label) -> Key {
    (label.code.clone(), label.path.clone(), label.line)
}

fn describe(key: &Key) -> String {
    match key.2 {
        Some(line) => format!("{} {}:{line}", key.0, key.1),
        None => format!("{} {}", key.0, key.1),
    }
}

fn corpus() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus/realapps")
}

fn read_toml<T: serde::de::DeserializeOwned>(path: &Path) -> T {
    let text = fs::read_to_string(path).unwrap_or_else(|e| panic!("read {}: {e}", path.display()));
    toml::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// Every application of the set, by directory name.
fn apps() -> Vec<(String, App, Labels)> {
    let mut apps = Vec::new();
    for entry in fs::read_dir(corpus()).unwrap() {
        let dir = entry.unwrap().path();
        if !dir.join("app.toml").is_file() {
            continue;
        }
        let name = dir.file_name().unwrap().to_string_lossy().into_owned();
        let app: App = read_toml(&dir.join("app.toml"));
        let labels_path = dir.join("labels.toml");
        assert!(
            labels_path.is_file(),
            "{name}: no labels.toml; every application of the set is labelled"
        );
        let labels: Labels = read_toml(&labels_path);
        apps.push((name, app, labels));
    }
    apps.sort_by(|a, b| a.0.cmp(&b.0));
    // Issue 14 asks for at least five applications; three are labelled in
    // this tree so far, and a set that shrank would still look like a pass.
    assert!(apps.len() >= 3, "the labelled set lost applications");
    apps
}

/// The application's reported errors and warnings, as match keys (one per
/// finding: two findings at one place are two reports).
fn reported(src: &Path, base: &str) -> Vec<Key> {
    // --isolated: a configuration file in the archive or on this machine
    // must not change what is measured; the figures are for the defaults.
    let output = Command::new(env!("CARGO_BIN_EXE_distrolint"))
        .current_dir(src)
        .args([
            "check",
            ".",
            "--format",
            "json",
            "--isolated",
            "--base",
            base,
        ])
        .output()
        .expect("run distrolint");
    let code = output.status.code().unwrap_or(-1);
    assert!(
        code == 0 || code == 1,
        "{}: exit {code}:\n{}",
        src.display(),
        String::from_utf8_lossy(&output.stderr)
    );
    let report: Value = serde_json::from_slice(&output.stdout)
        .unwrap_or_else(|e| panic!("{}: not JSON ({e})", src.display()));
    report["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .filter(|f| f["severity"] == "error" || f["severity"] == "warning")
        .map(|f| {
            (
                f["code"].as_str().unwrap().to_string(),
                f["path"].as_str().unwrap().to_string(),
                f["line"].as_u64(),
            )
        })
        .collect()
}

/// Counts of one application, or of all.
#[derive(Debug, Default, Clone, Copy)]
struct Tally {
    /// Reported errors and warnings.
    reported: usize,
    /// Those labelled real.
    reported_real: usize,
    /// Labels that are real.
    real: usize,
    /// Real labels some reported finding matches.
    real_found: usize,
}

impl Tally {
    fn add(&mut self, other: Tally) {
        self.reported += other.reported;
        self.reported_real += other.reported_real;
        self.real += other.real;
        self.real_found += other.real_found;
    }

    /// Nothing reported means nothing false was reported.
    fn precision(&self) -> Option<f64> {
        (self.reported > 0).then(|| self.reported_real as f64 / self.reported as f64)
    }

    /// No real breakage to find means none was missed.
    fn recall(&self) -> Option<f64> {
        (self.real > 0).then(|| self.real_found as f64 / self.real as f64)
    }
}

/// One line of the printed table.
fn row(table: &mut String, name: &str, t: &Tally) {
    writeln!(
        table,
        "{:<14} {:>8} {:>6} {:>6} {:>6} {:>10} {:>8}",
        name,
        t.reported,
        t.reported_real,
        t.real,
        t.real_found,
        ratio(t.precision()),
        ratio(t.recall())
    )
    .unwrap();
}

fn ratio(value: Option<f64>) -> String {
    value.map_or_else(|| "-".to_string(), |v| format!("{v:.4}"))
}

fn tally(labels: &Labels, reported: &[Key], unlabelled: &mut Vec<String>, app: &str) -> Tally {
    let by_key: BTreeMap<Key, &Label> = labels.place.iter().map(|l| (key_of(l), l)).collect();
    let mut tally = Tally::default();
    let mut found = BTreeSet::new();
    for key in reported {
        tally.reported += 1;
        match by_key.get(key) {
            Some(label) => {
                found.insert(key.clone());
                if label.real {
                    tally.reported_real += 1;
                }
            }
            None => unlabelled.push(format!("{app}: {}", describe(key))),
        }
    }
    for label in labels.place.iter().filter(|l| l.real) {
        tally.real += 1;
        if found.contains(&key_of(label)) {
            tally.real_found += 1;
        }
    }
    tally
}

#[test]
fn realapps_labels_parse_and_name_places_that_exist() {
    let cache = support::fetched("fetch-realapps.sh", "fetch-realapps");
    let mut problems = Vec::new();
    for (name, app, labels) in apps() {
        let src = cache.join(&name).join("src");
        assert!(src.is_dir(), "{} is missing", src.display());
        if app.package.is_empty() || app.version.is_empty() || app.base.is_empty() {
            problems.push(format!("{name}: app.toml needs package, version and base"));
        }
        if app.sha256.len() != 64 || !app.sha256.bytes().all(|b| b.is_ascii_hexdigit()) {
            problems.push(format!("{name}: sha256 is not 64 hex digits"));
        }
        let mut seen = BTreeSet::new();
        for label in &labels.place {
            let place = format!("{name}: {}", describe(&key_of(label)));
            if !seen.insert(key_of(label)) {
                problems.push(format!("{place}: labelled twice"));
            }
            let code_ok = label.code.len() == 5
                && label.code.starts_with("DL")
                && label.code[2..].bytes().all(|b| b.is_ascii_digit());
            if !code_ok {
                problems.push(format!("{place}: not a DLnnn code"));
            }
            if label.reason.trim().len() < 20 {
                problems.push(format!("{place}: the reason does not say why"));
            }
            // A typo in a path or line would leave a label that matches
            // nothing: a real one would quietly count as missed, a false one
            // would quietly stop counting.
            let file = src.join(&label.path);
            if label.path.starts_with('/') || label.path.split('/').any(|c| c == "..") {
                problems.push(format!("{place}: the path leaves the tree"));
                continue;
            }
            if !file.is_file() {
                problems.push(format!("{place}: no such file in the unpacked sdist"));
                continue;
            }
            if let Some(line) = label.line {
                let lines = fs::read(&file).unwrap().split(|&b| b == b'\n').count() as u64;
                if line == 0 || line > lines {
                    problems.push(format!("{place}: the file has {lines} lines"));
                }
            }
        }
    }
    assert!(
        problems.is_empty(),
        "{} problem(s):\n{}",
        problems.len(),
        problems.join("\n")
    );
}

#[test]
fn realapps_precision_and_recall_hold_their_floors() {
    let cache = support::fetched("fetch-realapps.sh", "fetch-realapps");
    let floors: Floors = read_toml(&corpus().join("floors.toml"));
    let mut unlabelled = Vec::new();
    let mut overall = Tally::default();
    let mut table = String::new();
    writeln!(
        table,
        "{:<14} {:>8} {:>6} {:>6} {:>6} {:>10} {:>8}",
        "app", "reported", "real", "labels", "found", "precision", "recall"
    )
    .unwrap();
    for (name, app, labels) in apps() {
        let src = cache.join(&name).join("src");
        let found = reported(&src, &app.base);
        let t = tally(&labels, &found, &mut unlabelled, &name);
        row(&mut table, &name, &t);
        overall.add(t);
    }
    row(&mut table, "overall", &overall);
    println!("{table}");

    assert!(
        unlabelled.is_empty(),
        "{} reported error/warning finding(s) without a label; read the code behind each \
         and add it to corpus/realapps/APP/labels.toml:\n{}\n\n{table}",
        unlabelled.len(),
        unlabelled.join("\n")
    );
    let precision = overall.precision().unwrap_or(1.0);
    let recall = overall.recall().unwrap_or(1.0);
    assert!(
        precision >= floors.precision && recall >= floors.recall,
        "below the floors of corpus/realapps/floors.toml (precision {}, recall {}):\n{table}",
        floors.precision,
        floors.recall
    );
    // The floors only ever move up: say when they can.
    for (what, value, floor) in [
        ("precision", precision, floors.precision),
        ("recall", recall, floors.recall),
    ] {
        let today = (value * 100.0).floor() / 100.0;
        if today > floor {
            println!("{what} is {value:.4}: raise its floor in corpus/realapps/floors.toml to {today:.2}");
        }
    }
}
