//! The GitHub Action (`action.yml`), run step by step as a runner would run
//! a composite action: each step's `if:` is evaluated, `${{ … }}` is
//! substituted, `run:` scripts run in bash with `GITHUB_OUTPUT` and
//! `GITHUB_ACTION_PATH`, and step outputs feed later steps. A `uses:` step
//! (GitHub's own SARIF upload) cannot run outside GitHub: it is recorded
//! with its inputs, and the test checks what it would have been given.
//!
//! The expression language is the small part the action uses: `inputs.*`,
//! `steps.*.outputs.*`, string literals, `==`, `!=`, `&&`, `||`, `!`,
//! parentheses and the status functions. As on GitHub, an `if:` without a
//! status function means `success() && (…)`.

use std::collections::HashMap;
use std::path::Path;
use std::process::Command;

use yaml_rust2::{Yaml, YamlLoader};

#[derive(Debug, Clone, PartialEq)]
enum Value {
    Text(String),
    Bool(bool),
}

impl Value {
    fn truthy(&self) -> bool {
        match self {
            Value::Bool(b) => *b,
            Value::Text(t) => !t.is_empty(),
        }
    }

    fn text(&self) -> String {
        match self {
            Value::Bool(b) => b.to_string(),
            Value::Text(t) => t.clone(),
        }
    }
}

/// What the expressions can see.
struct Context<'a> {
    inputs: &'a HashMap<String, String>,
    outputs: &'a HashMap<String, HashMap<String, String>>,
    failed: bool,
}

impl Context<'_> {
    fn lookup(&self, name: &str) -> Value {
        let parts: Vec<&str> = name.split('.').collect();
        let text = match parts.as_slice() {
            ["inputs", input] => self.inputs.get(*input).cloned(),
            ["steps", id, "outputs", output] => {
                self.outputs.get(*id).and_then(|o| o.get(*output)).cloned()
            }
            _ => panic!("the action uses `{name}`, which this runner does not know"),
        };
        Value::Text(text.unwrap_or_default())
    }
}

#[derive(Debug, Clone, PartialEq)]
enum Token {
    Name(String),
    Literal(String),
    Op(&'static str),
}

fn tokens(expression: &str) -> Vec<Token> {
    let mut out = Vec::new();
    let chars: Vec<char> = expression.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c.is_whitespace() {
            i += 1;
        } else if c == '\'' {
            let start = i + 1;
            i = start;
            while chars[i] != '\'' {
                i += 1;
            }
            out.push(Token::Literal(chars[start..i].iter().collect()));
            i += 1;
        } else if let Some(op) = ["==", "!=", "&&", "||", "!", "(", ")"]
            .into_iter()
            .find(|op| chars[i..].iter().collect::<String>().starts_with(op))
        {
            out.push(Token::Op(op));
            i += op.len();
        } else {
            let start = i;
            while i < chars.len() && (chars[i].is_alphanumeric() || "._-".contains(chars[i])) {
                i += 1;
            }
            assert!(i > start, "cannot read `{expression}` at {i}");
            out.push(Token::Name(chars[start..i].iter().collect()));
        }
    }
    out
}

/// A recursive-descent evaluator: `||` below `&&` below `==`/`!=` below
/// `!` and atoms.
struct Evaluator<'a, 'c> {
    tokens: Vec<Token>,
    at: usize,
    context: &'a Context<'c>,
}

impl Evaluator<'_, '_> {
    fn peek(&self) -> Option<&Token> {
        self.tokens.get(self.at)
    }

    fn eat(&mut self, op: &str) -> bool {
        let found = matches!(self.peek(), Some(Token::Op(o)) if *o == op);
        self.at += usize::from(found);
        found
    }

    fn or(&mut self) -> Value {
        let mut value = self.and();
        while self.eat("||") {
            let right = self.and();
            value = Value::Bool(value.truthy() || right.truthy());
        }
        value
    }

    fn and(&mut self) -> Value {
        let mut value = self.comparison();
        while self.eat("&&") {
            let right = self.comparison();
            value = Value::Bool(value.truthy() && right.truthy());
        }
        value
    }

    fn comparison(&mut self) -> Value {
        let left = self.unary();
        if self.eat("==") {
            let right = self.unary();
            return Value::Bool(left.text().eq_ignore_ascii_case(&right.text()));
        }
        if self.eat("!=") {
            let right = self.unary();
            return Value::Bool(!left.text().eq_ignore_ascii_case(&right.text()));
        }
        left
    }

    fn unary(&mut self) -> Value {
        if self.eat("!") {
            return Value::Bool(!self.unary().truthy());
        }
        if self.eat("(") {
            let value = self.or();
            assert!(self.eat(")"), "unbalanced parentheses");
            return value;
        }
        let token = self.tokens[self.at].clone();
        self.at += 1;
        match token {
            Token::Literal(text) => Value::Text(text),
            Token::Name(name) if self.eat("(") => {
                assert!(self.eat(")"), "status functions take no arguments");
                match name.as_str() {
                    "always" => Value::Bool(true),
                    "success" => Value::Bool(!self.context.failed),
                    "failure" => Value::Bool(self.context.failed),
                    "cancelled" => Value::Bool(false),
                    other => panic!("unknown function {other}()"),
                }
            }
            Token::Name(name) if name == "true" || name == "false" => Value::Bool(name == "true"),
            Token::Name(name) => self.context.lookup(&name),
            Token::Op(op) => panic!("unexpected `{op}`"),
        }
    }
}

fn evaluate(expression: &str, context: &Context<'_>) -> Value {
    let mut evaluator = Evaluator {
        tokens: tokens(expression),
        at: 0,
        context,
    };
    let value = evaluator.or();
    assert_eq!(
        evaluator.at,
        evaluator.tokens.len(),
        "trailing tokens in `{expression}`"
    );
    value
}

/// `text` with every `${{ expression }}` replaced by its value.
fn substitute(text: &str, context: &Context<'_>) -> String {
    let mut out = String::new();
    let mut rest = text;
    while let Some(start) = rest.find("${{") {
        out.push_str(&rest[..start]);
        let end = rest[start..].find("}}").expect("unclosed ${{") + start;
        out.push_str(&evaluate(&rest[start + 3..end], context).text());
        rest = &rest[end + 2..];
    }
    out.push_str(rest);
    out
}

/// Whether a step's `if:` holds; no `if:` means `success()`.
fn condition_holds(condition: Option<&str>, context: &Context<'_>) -> bool {
    let Some(condition) = condition else {
        return !context.failed;
    };
    let expression = condition
        .trim()
        .strip_prefix("${{")
        .and_then(|c| c.strip_suffix("}}"))
        .unwrap_or(condition);
    let uses_status = ["always(", "success(", "failure(", "cancelled("]
        .iter()
        .any(|f| expression.contains(f));
    let holds = evaluate(expression, context).truthy();
    if uses_status {
        holds
    } else {
        !context.failed && holds
    }
}

#[derive(Debug)]
struct StepRun {
    name: String,
    /// `None`: skipped by its `if:`.
    status: Option<i32>,
    stdout: String,
    /// For a `uses:` step: what it uses and its `with:` inputs.
    uses: Option<(String, HashMap<String, String>)>,
}

struct Run {
    steps: Vec<StepRun>,
    outputs: HashMap<String, HashMap<String, String>>,
    failed: bool,
}

impl Run {
    fn step(&self, name: &str) -> &StepRun {
        self.steps
            .iter()
            .find(|s| s.name == name)
            .unwrap_or_else(|| panic!("no step {name}"))
    }
}

fn yaml_map(yaml: &Yaml) -> HashMap<String, String> {
    yaml.as_hash()
        .map(|hash| {
            hash.iter()
                .map(|(k, v)| {
                    let value = match v {
                        Yaml::String(s) => s.clone(),
                        Yaml::Boolean(b) => b.to_string(),
                        Yaml::Integer(i) => i.to_string(),
                        other => panic!("unexpected value {other:?}"),
                    };
                    (k.as_str().unwrap().to_string(), value)
                })
                .collect()
        })
        .unwrap_or_default()
}

/// Runs the repository's `action.yml` in `workspace` with `given` inputs.
fn run_action(workspace: &Path, given: &[(&str, &str)]) -> Run {
    let repository = Path::new(env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(repository.join("action.yml")).unwrap();
    let action = &YamlLoader::load_from_str(&text).unwrap()[0];
    assert_eq!(action["runs"]["using"].as_str(), Some("composite"));
    let mut inputs: HashMap<String, String> = action["inputs"]
        .as_hash()
        .unwrap()
        .iter()
        .map(|(name, spec)| {
            let default = match &spec["default"] {
                Yaml::String(s) => s.clone(),
                Yaml::BadValue => String::new(),
                other => panic!("unexpected default {other:?}"),
            };
            (name.as_str().unwrap().to_string(), default)
        })
        .collect();
    for (name, value) in given {
        assert!(inputs.contains_key(*name), "the action has no input {name}");
        inputs.insert(name.to_string(), value.to_string());
    }
    // The binary under test comes first on PATH, so the install step finds
    // it instead of building one.
    let binary = Path::new(env!("CARGO_BIN_EXE_distrolint"));
    let path = format!(
        "{}:{}",
        binary.parent().unwrap().display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let scratch = tempfile::tempdir().unwrap();
    let mut run = Run {
        steps: Vec::new(),
        outputs: HashMap::new(),
        failed: false,
    };
    for (index, step) in action["runs"]["steps"].as_vec().unwrap().iter().enumerate() {
        let name = step["name"].as_str().unwrap_or("(unnamed)").to_string();
        let context = Context {
            inputs: &inputs,
            outputs: &run.outputs,
            failed: run.failed,
        };
        if !condition_holds(step["if"].as_str(), &context) {
            run.steps.push(StepRun {
                name,
                status: None,
                stdout: String::new(),
                uses: None,
            });
            continue;
        }
        if let Some(uses) = step["uses"].as_str() {
            let with = yaml_map(&step["with"])
                .into_iter()
                .map(|(k, v)| (k, substitute(&v, &context)))
                .collect();
            run.steps.push(StepRun {
                name,
                status: Some(0),
                stdout: String::new(),
                uses: Some((uses.to_string(), with)),
            });
            continue;
        }
        assert_eq!(step["shell"].as_str(), Some("bash"), "{name}");
        let script = substitute(step["run"].as_str().unwrap(), &context);
        let env: Vec<(String, String)> = yaml_map(&step["env"])
            .into_iter()
            .map(|(k, v)| (k, substitute(&v, &context)))
            .collect();
        let output_file = scratch.path().join(format!("output-{index}"));
        std::fs::write(&output_file, "").unwrap();
        let script_file = scratch.path().join(format!("step-{index}.sh"));
        std::fs::write(&script_file, script).unwrap();
        let output = Command::new("bash")
            .args(["--noprofile", "--norc", "-eo", "pipefail"])
            .arg(&script_file)
            .current_dir(workspace)
            .env("PATH", &path)
            .env("GITHUB_OUTPUT", &output_file)
            .env("GITHUB_ACTION_PATH", repository)
            .envs(env)
            .output()
            .unwrap();
        let status = output.status.code().unwrap_or(-1);
        if let Some(id) = step["id"].as_str() {
            let written = std::fs::read_to_string(&output_file).unwrap();
            let outputs = run.outputs.entry(id.to_string()).or_default();
            for line in written.lines() {
                if let Some((key, value)) = line.split_once('=') {
                    outputs.insert(key.to_string(), value.to_string());
                }
            }
        }
        run.failed |= status != 0;
        run.steps.push(StepRun {
            name,
            status: Some(status),
            stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
            uses: None,
        });
    }
    run
}

fn workspace(source: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("app.py"), source).unwrap();
    dir
}

const SHELL_USE: &str = "import os\nos.system('convert in.png out.jpg')\n";

#[test]
fn findings_are_uploaded_as_sarif_and_then_fail_the_step() {
    let dir = workspace(SHELL_USE);
    let run = run_action(dir.path(), &[]);
    assert_eq!(run.step("Install distrolint").status, Some(0));
    assert_eq!(run.step("Run distrolint").status, Some(0));
    assert_eq!(run.outputs["check"]["exit-code"], "1");
    let upload = run.step("Upload SARIF to code scanning");
    let (uses, with) = upload.uses.as_ref().expect("the upload runs");
    assert!(
        uses.starts_with("github/codeql-action/upload-sarif@"),
        "{uses}"
    );
    assert_eq!(with["category"], "distrolint");
    // What the upload would read: a SARIF report with the finding.
    let sarif: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dir.path().join(&with["sarif_file"])).unwrap())
            .unwrap();
    assert_eq!(sarif["version"], "2.1.0");
    let rules: Vec<&str> = sarif["runs"][0]["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["ruleId"].as_str().unwrap())
        .collect();
    assert!(rules.contains(&"DL201"), "{rules:?}");
    assert_eq!(run.step("Fail on findings").status, Some(1));
    assert!(run.failed);
}

#[test]
fn a_clean_tree_uploads_and_passes() {
    let dir = workspace("import shutil\nshutil.rmtree('cache')\n");
    let run = run_action(dir.path(), &[]);
    assert_eq!(run.outputs["check"]["exit-code"], "0");
    assert!(run.step("Upload SARIF to code scanning").uses.is_some());
    assert_eq!(run.step("Fail on findings").status, None);
    assert!(!run.failed);
}

#[test]
fn without_upload_the_findings_become_annotations() {
    let dir = workspace(SHELL_USE);
    let run = run_action(dir.path(), &[("upload", "false")]);
    let check = run.step("Run distrolint");
    assert!(
        check.stdout.contains("::error file=app.py,line=2"),
        "{}",
        check.stdout
    );
    assert_eq!(run.step("Upload SARIF to code scanning").status, None);
    assert_eq!(run.step("Fail on findings").status, Some(1));
    // And with fail-on-findings off, the job passes.
    let run = run_action(
        dir.path(),
        &[("upload", "false"), ("fail-on-findings", "false")],
    );
    assert_eq!(run.step("Fail on findings").status, None);
    assert!(!run.failed);
}

#[test]
fn a_usage_error_fails_the_check_step_and_uploads_nothing() {
    let dir = workspace(SHELL_USE);
    let run = run_action(dir.path(), &[("args", ". --no-such-option")]);
    assert_eq!(run.outputs["check"]["exit-code"], "2");
    assert_eq!(run.step("Run distrolint").status, Some(2));
    assert_eq!(run.step("Upload SARIF to code scanning").status, None);
    assert_eq!(run.step("Fail on findings").status, None);
    assert!(run.failed);
}

#[test]
fn the_expression_subset_behaves_like_github() {
    let inputs = HashMap::from([("flag".to_string(), "TRUE".to_string())]);
    let outputs = HashMap::new();
    let context = Context {
        inputs: &inputs,
        outputs: &outputs,
        failed: true,
    };
    // Comparisons of strings ignore case; a missing output is ''.
    assert!(evaluate("inputs.flag == 'true'", &context).truthy());
    assert!(evaluate("steps.x.outputs.y == ''", &context).truthy());
    assert!(!evaluate("!(inputs.flag != 'true') && false", &context).truthy());
    // No status function: success() is implied, and a step failed.
    assert!(!condition_holds(
        Some("${{ inputs.flag == 'true' }}"),
        &context
    ));
    assert!(condition_holds(
        Some("${{ always() && inputs.flag == 'true' }}"),
        &context
    ));
    assert_eq!(substitute("a ${{ inputs.flag }} b", &context), "a TRUE b");
}
