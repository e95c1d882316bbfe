//! The JSON Schema for rule files is generated from the serde types; the
//! committed copy must match, and every built-in rule file and the guide's
//! examples must validate against it.
//!
//! To refresh it: `cargo run -- rules schema > schema/rule.schema.json`, or
//! run this test with DISTROLINT_UPDATE_SCHEMA=1.

use crate::support::rules as support;

use std::path::Path;

use serde_json::Value;

fn schema_path() -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("schema/rule.schema.json")
}

#[test]
fn the_committed_schema_is_up_to_date() {
    let generated = distrolint::rules_cmd::schema();
    if std::env::var_os("DISTROLINT_UPDATE_SCHEMA").is_some() {
        std::fs::write(schema_path(), &generated).unwrap();
    }
    let committed = std::fs::read_to_string(schema_path()).unwrap_or_default();
    assert!(
        committed == generated,
        "schema/rule.schema.json is stale: run `cargo run -- rules schema > schema/rule.schema.json`"
    );
}

fn validator() -> jsonschema::Validator {
    let schema: Value = serde_json::from_str(&distrolint::rules_cmd::schema()).unwrap();
    jsonschema::validator_for(&schema).expect("the schema compiles")
}

fn check(validator: &jsonschema::Validator, name: &str, text: &str) -> Vec<String> {
    let toml: toml::Value = toml::from_str(text).unwrap();
    let json = serde_json::to_value(&toml).unwrap();
    validator
        .iter_errors(&json)
        .map(|e| format!("{name}: {e} at {}", e.instance_path()))
        .collect()
}

#[test]
fn built_in_rule_files_and_the_guides_examples_validate() {
    let validator = validator();
    let mut problems = Vec::new();
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("rules");
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "toml") {
            let text = std::fs::read_to_string(&path).unwrap();
            problems.extend(check(&validator, &path.display().to_string(), &text));
        }
    }
    for (name, text) in support::guide_files() {
        if name.ends_with(".toml") {
            problems.extend(check(&validator, &name, &text));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn the_schema_rejects_what_the_loader_rejects() {
    let validator = validator();
    let bad = "[[rule]]\ncode = \"x1\"\nname = \"x\"\nfamily = \"shel\"\nsumary = \"s\"\n";
    assert!(check(&validator, "bad", bad).len() >= 3);
}
