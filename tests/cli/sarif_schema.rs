//! `--format sarif` as GitHub code scanning receives it: the corpus's
//! report validates against the official SARIF 2.1.0 JSON schema (vendored
//! in tests/data/sarif/, see its README for where it came from), and has
//! what code scanning needs beyond the schema — every rule in the driver,
//! repository-relative URIs, 1-based regions, unique fingerprints.

use crate::support;

use std::collections::HashSet;
use std::path::Path;
use std::process::Command;

use serde_json::Value;
use support::elf_builder::{build, DistributionSpec, Kind, ObjectSpec, TreeSpec};

fn schema_validator() -> jsonschema::Validator {
    let path =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/sarif/sarif-schema-2.1.0.json");
    let text = std::fs::read_to_string(&path).expect("the vendored SARIF schema");
    let mut schema: Value = serde_json::from_str(&text).expect("the schema is JSON");
    // The `language` patterns (of `run` and `toolComponent`) end in a lone
    // `]`, a literal in ECMAScript regular expressions, which the crate's
    // check of the meta-schema (`format: regex`, not optional) refuses.
    // Escaping it keeps the meaning; the vendored file stays byte-for-byte
    // as published, and distrolint writes no `language` anyway.
    let escaped = escape_lone_brackets(&mut schema);
    assert_eq!(escaped, 2, "the schema changed; look at its patterns again");
    jsonschema::validator_for(&schema).expect("the SARIF schema compiles")
}

const LANGUAGE_PATTERN: &str = "^[a-zA-Z]{2}|^[a-zA-Z]{2}-[a-zA-Z]{2}]?$";

fn escape_lone_brackets(value: &mut Value) -> usize {
    match value {
        Value::Object(map) => map
            .iter_mut()
            .map(|(key, child)| {
                if key == "pattern" && child == LANGUAGE_PATTERN {
                    *child = Value::from(LANGUAGE_PATTERN.replace("]?$", "\\]?$"));
                    1
                } else {
                    escape_lone_brackets(child)
                }
            })
            .sum(),
        Value::Array(items) => items.iter_mut().map(escape_lone_brackets).sum(),
        _ => 0,
    }
}

/// Runs `distrolint check ARGS --format sarif` in `cwd`.
fn sarif(cwd: &Path, args: &[&str]) -> Value {
    let output = Command::new(env!("CARGO_BIN_EXE_distrolint"))
        .current_dir(cwd)
        .arg("check")
        .args(args)
        .args(["--format", "sarif", "--fail-on", "never"])
        .output()
        .expect("run distrolint");
    assert_eq!(
        output.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    serde_json::from_slice(&output.stdout).expect("SARIF output is JSON")
}

fn assert_valid(document: &Value) {
    let validator = schema_validator();
    let errors: Vec<String> = validator
        .iter_errors(document)
        .map(|e| format!("{e} at {}", e.instance_path()))
        .collect();
    assert!(
        errors.is_empty(),
        "schema violations:\n{}",
        errors.join("\n")
    );
}

fn results(document: &Value) -> &Vec<Value> {
    document["runs"][0]["results"].as_array().expect("results")
}

/// Checks what code scanning relies on beyond the schema.
fn assert_code_scanning_shape(document: &Value) {
    let run = &document["runs"][0];
    let rules = run["tool"]["driver"]["rules"].as_array().expect("rules");
    let ids: Vec<&str> = rules.iter().map(|r| r["id"].as_str().unwrap()).collect();
    for rule in rules {
        for key in [
            "name",
            "shortDescription",
            "fullDescription",
            "help",
            "defaultConfiguration",
        ] {
            assert!(rule.get(key).is_some(), "rule {} lacks {key}", rule["id"]);
        }
        // Code scanning shows the Markdown help beside an alert: the rule's
        // whole reference page, headed by its name and code.
        let markdown = rule["help"]["markdown"].as_str().expect("help.markdown");
        let heading = format!(
            "# {} ({})",
            rule["name"].as_str().unwrap(),
            rule["id"].as_str().unwrap()
        );
        assert!(markdown.starts_with(&heading), "{markdown}");
    }
    let mut fingerprints = HashSet::new();
    for result in results(document) {
        let id = result["ruleId"].as_str().expect("ruleId");
        let index = result["ruleIndex"].as_u64().expect("ruleIndex") as usize;
        assert_eq!(ids[index], id);
        let location = &result["locations"][0]["physicalLocation"];
        let uri = location["artifactLocation"]["uri"].as_str().unwrap();
        assert!(!uri.starts_with('/') && !uri.starts_with("./"), "{uri}");
        assert_eq!(location["artifactLocation"]["uriBaseId"], "%SRCROOT%");
        if let Some(region) = location.get("region") {
            assert!(region["startLine"].as_u64().unwrap() >= 1);
            assert!(region["startColumn"].as_u64().unwrap() >= 1);
        }
        let fingerprint = result["partialFingerprints"]["distrolintFingerprint/v1"]
            .as_str()
            .expect("a fingerprint");
        assert!(
            fingerprints.insert(fingerprint.to_string()),
            "{fingerprint} twice"
        );
    }
}

#[test]
fn the_python_corpus_and_the_demo_app_validate_as_sarif() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let document = sarif(root, &["corpus/python", "corpus/demo/app"]);
    assert_valid(&document);
    assert_code_scanning_shape(&document);
    let results = results(&document);
    assert!(results.len() > 50, "{} results", results.len());
    let invoice = results
        .iter()
        .find(|r| {
            r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
                == "corpus/demo/app/invoice.py"
        })
        .expect("the demo app's os.system");
    assert_eq!(invoice["ruleId"], "DL201");
    assert_eq!(invoice["level"], "error");
    assert_eq!(
        invoice["locations"][0]["physicalLocation"]["region"]["startLine"],
        10
    );
    // The validator does reject what the schema forbids.
    let mut broken = document.clone();
    broken["runs"][0]["results"][0]["level"] = Value::from("fatal");
    broken["runs"][0]["results"][1]
        .as_object_mut()
        .unwrap()
        .remove("message");
    assert_eq!(schema_validator().iter_errors(&broken).count(), 2);
    let driver_rules = document["runs"][0]["tool"]["driver"]["rules"]
        .as_array()
        .unwrap();
    for code in ["DL101", "DL107", "DL201", "DL303", "DL904", "DL910"] {
        assert!(
            driver_rules.iter().any(|r| r["id"] == code),
            "{code} not in the driver"
        );
    }
}

#[test]
fn native_findings_point_at_the_shared_object_without_a_region() {
    let built = build(&TreeSpec {
        objects: vec![ObjectSpec {
            path: "fastimg/_core.cpython-313-x86_64-linux-gnu.so".into(),
            kind: Kind::Extension,
            needed: vec!["libjpeg.so.62".into()],
            ..Default::default()
        }],
        distributions: vec![DistributionSpec {
            name: "fastimg".into(),
            version: "2.1.0".into(),
            wheel_tags: vec!["cp313-cp313-linux_x86_64".into()],
            files: vec!["fastimg/".into()],
        }],
        ..Default::default()
    });
    std::fs::write(built.root.join("fastimg/broken.so"), "not ELF").unwrap();
    let document = sarif(&built.root, &["."]);
    assert_valid(&document);
    assert_code_scanning_shape(&document);
    let missing = results(&document)
        .iter()
        .find(|r| r["ruleId"] == "DL101")
        .expect("a DL101 result");
    let location = &missing["locations"][0]["physicalLocation"];
    assert_eq!(
        location["artifactLocation"]["uri"],
        "fastimg/_core.cpython-313-x86_64-linux-gnu.so"
    );
    assert!(location.get("region").is_none(), "{location}");
    assert_eq!(missing["properties"]["library"], "libjpeg.so.62");
    assert!(results(&document).iter().any(|r| r["ruleId"] == "DL902"));
}
