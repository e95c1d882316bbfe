//! Every command a help text proposes must itself pass distrolint on the
//! same base (issue 15, "Fixes that work on the base"): advice that fails
//! where it is given is a second bug for the user to find.
//!
//! The corpus is checked as the corpus tests check it, each finding's help
//! is rendered, the Dockerfile instructions, argv lists and Python calls it
//! proposes are taken out of it, and each alternative is checked again on
//! the same base:
//!
//! - Dockerfile findings (`corpus/dockerfile/`): the proposal is appended to
//!   the case's own Dockerfile, so it is judged with everything the case
//!   copied and set before it (the build context too, for `context=scan`
//!   cases); no error or warning may point at an appended line.
//! - Python findings (`corpus/python/`): a proposed Python call with a
//!   literal argv (`subprocess.run(["git", "status"])`) becomes a module of
//!   its own, and a proposed exec-form argv or Dockerfile line becomes a
//!   Dockerfile `FROM` the base; neither may be reported.
//!
//! What is checkable, and what is not:
//! - `RUN`, `CMD`, `ENTRYPOINT`, `SHELL` and `HEALTHCHECK CMD` followed by a
//!   JSON array: checked. An array with `...` (or `…`) proposes an open
//!   argv; the elements before it are checked.
//! - A bare JSON array in a Dockerfile finding's help is an argv for the
//!   instruction the finding is about (its `instruction` field): checked as
//!   that instruction.
//! - `ENV NAME=VALUE`, `USER NAME`, and `COPY` with its flags and two or
//!   more paths: checked.
//! - `FROM …` proposes a build stage, which is not judged against the base;
//!   `COPY --from the result` and `COPY with that destination` name no
//!   paths; a `#!` line is not an instruction: none is checkable.
//! - Python: only the `subprocess` calls with a literal list as their
//!   first argument; `shlex.split(...)`, `ctypes.CDLL("lib….so.N")` with a
//!   placeholder soname, and prose ("do the work in Python") are not
//!   commands distrolint can judge.
//!
//! - Not covered: the interpreter corpus (`corpus/interpreter/`, trees
//!   written from `case.toml` by the analysis tests), whose DL601 help
//!   proposes `["python3", "SCRIPT"]` with the script's path in the project
//!   (below the scanned root, never the scanning machine's); where the tree
//!   lands in the image is not known there (the test at the end holds that).
//!
//! Alternatives (`X, or Y`) are checked one at a time: instructions a help
//! joins with "with" or "and" stay together.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Command;

use distrolint::base::{builtin, find_in, BaseImage};
use distrolint::dockerfile::{
    analyse, analyse_dockerfile, choose_base, is_dockerfile_name, locate_context, parse,
    ContextView, Stages,
};
use distrolint::finding::{Finding, Severity};

fn repo() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// What a help text proposes, in one alternative.
#[derive(Debug, Clone, Default, PartialEq, Eq, PartialOrd, Ord)]
struct Proposal {
    /// Whole Dockerfile instructions.
    instructions: Vec<String>,
    /// Python statements.
    python: Vec<String>,
}

impl Proposal {
    fn is_empty(&self) -> bool {
        self.instructions.is_empty() && self.python.is_empty()
    }
}

const EXEC_KEYWORDS: &[&str] = &["RUN", "CMD", "ENTRYPOINT", "SHELL"];

/// The alternatives of `help`, split at ` or `, ` or,` and `(or `
/// outside brackets and quotes.
fn alternatives(help: &str) -> Vec<String> {
    let mut parts = Vec::new();
    let mut current = String::new();
    let mut depth = 0i32;
    let mut quoted = false;
    let chars: Vec<char> = help.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if quoted {
            current.push(c);
            if c == '\\' && i + 1 < chars.len() {
                current.push(chars[i + 1]);
                i += 2;
                continue;
            }
            if c == '"' {
                quoted = false;
            }
            i += 1;
            continue;
        }
        match c {
            '"' if depth > 0 => quoted = true,
            '[' => depth += 1,
            ']' => depth -= 1,
            _ => {}
        }
        let rest: String = chars[i..].iter().take(4).collect();
        if depth == 0 && (rest == " or " || rest == " or," || rest == "(or ") {
            parts.push(std::mem::take(&mut current));
            i += 3;
            continue;
        }
        current.push(c);
        i += 1;
    }
    parts.push(current);
    parts
}

/// The JSON array starting at the beginning of `text` (after blanks), as
/// words, with an open `...` dropped; `None` when there is none.
fn json_array(text: &str) -> Option<(Vec<String>, usize)> {
    let start = text.len() - text.trim_start().len();
    let body = &text[start..];
    if !body.starts_with('[') {
        return None;
    }
    let mut depth = 0;
    let mut quoted = false;
    let mut escaped = false;
    let mut end = None;
    for (i, c) in body.char_indices() {
        if quoted {
            match (escaped, c) {
                (true, _) => escaped = false,
                (false, '\\') => escaped = true,
                (false, '"') => quoted = false,
                _ => {}
            }
            continue;
        }
        match c {
            '"' => quoted = true,
            '[' => depth += 1,
            ']' => {
                depth -= 1;
                if depth == 0 {
                    end = Some(i + 1);
                    break;
                }
            }
            _ => {}
        }
    }
    let end = end?;
    let array = &body[..end];
    let closed = array
        .replace(", ...]", "]")
        .replace(", …]", "]")
        .replace(",...]", "]");
    let words: Vec<String> = serde_json::from_str(&closed).ok()?;
    Some((words, start + end))
}

/// Everything `help` proposes, per alternative. `keyword`: the instruction
/// a bare argv is for (a Dockerfile finding's), if any.
fn proposals(help: &str, keyword: Option<&str>) -> Vec<Proposal> {
    alternatives(help)
        .iter()
        .map(|alternative| proposal(alternative, keyword))
        .filter(|p| !p.is_empty())
        .collect()
}

fn proposal(text: &str, keyword: Option<&str>) -> Proposal {
    let mut found = Proposal::default();
    let mut i = 0;
    let bytes = text.as_bytes();
    while i < text.len() {
        if !text.is_char_boundary(i) {
            i += 1;
            continue;
        }
        let rest = &text[i..];
        let at_word = i == 0 || !bytes[i - 1].is_ascii_alphanumeric() && bytes[i - 1] != b'_';
        if at_word {
            if let Some((statement, used)) = python_call(rest) {
                found.python.push(statement);
                i += used;
                continue;
            }
            if let Some((instruction, used)) = instruction(rest, keyword) {
                found.instructions.push(instruction);
                i += used;
                continue;
            }
        }
        i += rest.chars().next().map_or(1, char::len_utf8);
    }
    found
}

/// A Dockerfile instruction at the start of `text`, with the bytes it used.
fn instruction(text: &str, keyword: Option<&str>) -> Option<(String, usize)> {
    let word_end = text
        .find(|c: char| !c.is_ascii_alphanumeric() && c != '_')
        .unwrap_or(text.len());
    let word = &text[..word_end];
    let after = &text[word_end..];
    if word == "HEALTHCHECK" {
        let rest = after.trim_start().strip_prefix("CMD")?;
        let (words, used) = json_array(rest)?;
        let skipped = after.len() - after.trim_start().len() + 3;
        return Some((
            format!("HEALTHCHECK CMD {}", to_json(&words)),
            word_end + skipped + used,
        ));
    }
    if EXEC_KEYWORDS.contains(&word) {
        let (words, used) = json_array(after)?;
        return Some((format!("{word} {}", to_json(&words)), word_end + used));
    }
    if word == "ENV" || word == "USER" {
        let value = after.strip_prefix(' ')?.split_whitespace().next()?;
        let value = value.trim_end_matches([',', ';', ')', '.']);
        let valid = match word {
            "ENV" => value.split_once('=').is_some_and(|(name, _)| {
                !name.is_empty()
                    && name
                        .bytes()
                        .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || b == b'_')
            }),
            _ => !value.is_empty() && !value.starts_with('{'),
        };
        return valid.then(|| (format!("{word} {value}"), word_end + 1 + value.len()));
    }
    if word == "COPY" {
        let mut words = Vec::new();
        for w in after.split_whitespace() {
            let w = w.trim_end_matches([',', ';', ')']);
            if w.starts_with("--") && w.contains('=') || w.starts_with('/') || w.starts_with("./") {
                words.push(w.to_string());
            } else {
                break;
            }
        }
        let paths = words.iter().filter(|w| !w.starts_with("--")).count();
        return (paths >= 2).then(|| {
            let line = format!("COPY {}", words.join(" "));
            (line, word_end)
        });
    }
    if word.is_empty() && text.starts_with('[') {
        let keyword = keyword?;
        let (words, used) = json_array(text)?;
        return Some((format!("{keyword} {}", to_json(&words)), used));
    }
    None
}

/// A `subprocess` call whose first argument is a literal list.
fn python_call(text: &str) -> Option<(String, usize)> {
    let call = ["run", "call", "check_call", "check_output", "Popen"]
        .iter()
        .find_map(|f| {
            text.strip_prefix(&format!("subprocess.{f}("))
                .map(|rest| (f, rest))
        })?;
    let (function, rest) = call;
    json_array(rest)?;
    // The call runs to its closing parenthesis, outside strings.
    let mut depth = 1;
    let mut quoted = false;
    let mut end = None;
    for (i, c) in rest.char_indices() {
        match c {
            '"' => quoted = !quoted,
            '(' | '[' if !quoted => depth += 1,
            ')' | ']' if !quoted => {
                depth -= 1;
                if depth == 0 {
                    end = Some(i + 1);
                    break;
                }
            }
            _ => {}
        }
    }
    let end = end?;
    let used = text.len() - rest.len() + end;
    Some((format!("subprocess.{function}({}", &rest[..end]), used))
}

fn to_json(words: &[String]) -> String {
    serde_json::to_string(words).unwrap()
}

#[test]
fn proposals_are_read_out_of_the_help_texts_as_users_would_copy_them() {
    let help = "write it in exec form (JSON, double quotes): CMD [\"gunicorn\", \"app:app\"]";
    assert_eq!(
        proposals(help, Some("CMD"))[0].instructions,
        ["CMD [\"gunicorn\",\"app:app\"]"]
    );
    let help = "copy `x` in from the build stage (a virtualenv: COPY --from=build /venv /venv with ENV PATH=/venv/bin:$PATH), or, if it is a Python tool, run it with the image's Python: [\"python\", \"-m\", \"x\", ...]";
    let found = proposals(help, Some("ENTRYPOINT"));
    assert_eq!(
        found[0].instructions,
        ["COPY --from=build /venv /venv", "ENV PATH=/venv/bin:$PATH"]
    );
    assert_eq!(
        found[1].instructions,
        ["ENTRYPOINT [\"python\",\"-m\",\"x\"]"]
    );
    let help =
        "use exec form, e.g. HEALTHCHECK CMD [\"python3\", \"-c\", \"import a; a.b('http://x/')\"]";
    assert_eq!(
        proposals(help, None)[0].instructions,
        ["HEALTHCHECK CMD [\"python3\",\"-c\",\"import a; a.b('http://x/')\"]"]
    );
    let help = "drop shell=True and pass an argv list: subprocess.run([\"git\", \"status\"]) (shlex.split(\"git status\") for a fixed string)";
    assert_eq!(
        proposals(help, None)[0].python,
        ["subprocess.run([\"git\", \"status\"])"]
    );
    // Prose that names an instruction proposes nothing.
    assert!(proposals(
        "do this step in a build stage and COPY --from the result",
        Some("RUN")
    )
    .is_empty());
    assert!(proposals("run it as USER {instead}", None).is_empty());
}

/// Whether a finding is one a proposal must not have.
fn fails(finding: &Finding) -> bool {
    finding.severity >= Severity::Warning
}

fn header(text: &str, key: &str) -> Option<String> {
    text.lines().take(5).find_map(|line| {
        let rest = line.trim().strip_prefix("# distrolint-corpus:")?;
        rest.split_whitespace()
            .find_map(|kv| kv.strip_prefix(&format!("{key}=")).map(str::to_string))
    })
}

fn dockerfile_cases() -> Vec<PathBuf> {
    let mut cases = Vec::new();
    for dir in std::fs::read_dir(repo().join("corpus/dockerfile")).unwrap() {
        let dir = dir.unwrap().path();
        if !dir.is_dir() {
            continue;
        }
        for file in std::fs::read_dir(&dir).unwrap() {
            let file = file.unwrap().path();
            if is_dockerfile_name(&file.file_name().unwrap().to_string_lossy()) {
                cases.push(file);
            }
        }
    }
    cases.sort();
    cases
}

/// The findings of the Dockerfile `text` at `path` on `base`, as the corpus
/// test reads the case (the build context for `context=scan`).
fn check_dockerfile(path: &Path, text: &str, base: &BaseImage) -> Vec<Finding> {
    let bytes = text.as_bytes();
    match header(text, "context") {
        Some(_) => {
            let df = parse(bytes);
            let stages = Stages::of(&df);
            let located = locate_context(path, path.parent().unwrap(), &df, &stages);
            let view = match &located {
                Some(context) => ContextView::Located(context),
                None => ContextView::NotFound,
            };
            analyse(
                distrolint::checks::builtin_rules(),
                path,
                &df,
                &stages,
                Some(base),
                view,
            )
            .findings
        }
        None => {
            analyse_dockerfile(distrolint::checks::builtin_rules(), path, bytes, Some(base))
                .findings
        }
    }
}

/// The failures a proposal made by appending `instructions` to `text`.
fn failures_of_appended(
    path: &Path,
    text: &str,
    instructions: &[String],
    base: &BaseImage,
) -> Vec<String> {
    let mut combined = text.trim_end().to_string();
    let first_new_line = combined.lines().count() as u32 + 1;
    for line in instructions {
        combined.push('\n');
        combined.push_str(line);
    }
    combined.push('\n');
    check_dockerfile(path, &combined, base)
        .iter()
        .filter(|f| fails(f) && f.location.is_some_and(|l| l.line >= first_new_line))
        .map(|f| format!("{} {}: {}", f.code, f.severity, f.message))
        .collect()
}

#[test]
fn every_command_a_dockerfile_finding_proposes_passes_on_the_same_base() {
    let bases = builtin();
    let mut problems = Vec::new();
    let mut checked = 0;
    let mut codes_checked = BTreeSet::new();
    for path in dockerfile_cases() {
        let text = String::from_utf8_lossy(&std::fs::read(&path).unwrap()).into_owned();
        let base = match header(&text, "base") {
            Some(name) => find_in(&bases, &name).unwrap(),
            None => match choose_base(&parse(text.as_bytes()), &bases).base() {
                Some(base) => base,
                None => continue,
            },
        };
        let shown = path.strip_prefix(repo()).unwrap().display().to_string();
        for finding in check_dockerfile(&path, &text, base) {
            let help = finding.help.to_string();
            let keyword = finding
                .fields
                .get("instruction")
                .and_then(|v| v.as_str())
                .filter(|k| ["RUN", "CMD", "ENTRYPOINT", "HEALTHCHECK"].contains(k));
            // A bare argv for a HEALTHCHECK is its CMD.
            let keyword = keyword.map(|k| {
                if k == "HEALTHCHECK" {
                    "HEALTHCHECK CMD"
                } else {
                    k
                }
            });
            for proposal in proposals(&help, keyword) {
                if proposal.instructions.is_empty() {
                    continue;
                }
                checked += 1;
                codes_checked.insert(finding.code.clone());
                for failure in failures_of_appended(&path, &text, &proposal.instructions, base) {
                    problems.push(format!(
                        "{shown}:{} {} proposes {:?}, which fails: {failure}",
                        finding.location.map_or(0, |l| l.line),
                        finding.code,
                        proposal.instructions
                    ));
                }
            }
        }
    }
    assert!(
        problems.is_empty(),
        "{} help texts propose commands that fail on their own base:\n{}",
        problems.len(),
        problems.join("\n")
    );
    assert!(
        checked >= 20,
        "only {checked} proposals were found in the corpus: the extraction broke"
    );
    for code in [
        "DL701", "DL702", "DL703", "DL705", "DL709", "DL710", "DL711",
    ] {
        assert!(
            codes_checked.contains(code),
            "no proposal of {code} was checked (checked: {codes_checked:?})"
        );
    }
}

fn distrolint(args: &[&str]) -> serde_json::Value {
    let output = Command::new(env!("CARGO_BIN_EXE_distrolint"))
        .args(args)
        .output()
        .expect("run distrolint");
    let code = output.status.code();
    assert!(
        matches!(code, Some(0 | 1)),
        "distrolint {args:?} exited {code:?}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    serde_json::from_slice(&output.stdout).expect("JSON report")
}

/// The error and warning findings of a check of `dir` on `base`.
fn failing_findings(dir: &Path, base: &str) -> Vec<String> {
    let report = distrolint(&[
        "check",
        dir.to_str().unwrap(),
        "--base",
        base,
        "--isolated",
        "--format",
        "json",
    ]);
    report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| matches!(f["severity"].as_str(), Some("error" | "warning")))
        .map(|f| format!("{} {}", f["code"], f["message"]))
        .collect()
}

#[test]
fn every_command_a_python_finding_proposes_passes_on_the_same_base() {
    let bases = builtin();
    let mut files: Vec<PathBuf> = std::fs::read_dir(repo().join("corpus/python"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "py"))
        .collect();
    files.sort();
    let mut problems = Vec::new();
    let mut checked = 0;
    let mut codes_checked = BTreeSet::new();
    let mut seen = BTreeSet::new();
    for file in files {
        let text = std::fs::read_to_string(&file).unwrap();
        let base_name = header(&text, "base").unwrap_or_else(|| "python3-debian13".into());
        let Some(base) = find_in(&bases, &base_name) else {
            continue;
        };
        let report = distrolint(&[
            "check",
            file.to_str().unwrap(),
            "--base",
            &base_name,
            "--isolated",
            "--include-tests",
            "--format",
            "json",
        ]);
        for finding in report["findings"].as_array().unwrap() {
            let Some(help) = finding["help"].as_str() else {
                continue;
            };
            for proposal in proposals(help, Some("ENTRYPOINT")) {
                // The same advice on the same base is checked once.
                if !seen.insert((base.name.clone(), proposal.clone())) {
                    continue;
                }
                checked += 1;
                codes_checked.insert(finding["code"].as_str().unwrap_or_default().to_string());
                let dir = tempfile::tempdir().unwrap();
                if !proposal.python.is_empty() {
                    let module = format!("import subprocess\n\n{}\n", proposal.python.join("\n"));
                    std::fs::write(dir.path().join("proposal.py"), module).unwrap();
                }
                if !proposal.instructions.is_empty() {
                    let image = base
                        .images
                        .first()
                        .cloned()
                        .unwrap_or_else(|| base.name.clone());
                    let dockerfile =
                        format!("FROM {image}\n{}\n", proposal.instructions.join("\n"));
                    std::fs::write(dir.path().join("Dockerfile"), dockerfile).unwrap();
                }
                for failure in failing_findings(dir.path(), &base_name) {
                    problems.push(format!(
                        "{} {} on {base_name} proposes {proposal:?}, which fails: {failure}",
                        file.strip_prefix(repo()).unwrap().display(),
                        finding["code"]
                    ));
                }
            }
        }
    }
    assert!(
        problems.is_empty(),
        "{} help texts propose commands that fail on their own base:\n{}",
        problems.len(),
        problems.join("\n")
    );
    // The Python rules whose help proposes a Dockerfile line or an argv
    // today; a rule that starts to propose one is checked without a change
    // here, one that stops is a reason to look at the extraction.
    assert!(
        checked >= 1 && codes_checked.contains("DL502"),
        "checked {checked} proposals of {codes_checked:?}"
    );
}

/// DL601's help names the script by its path in the project, not by where
/// the scanning machine keeps the checkout.
#[test]
fn a_script_in_help_is_named_by_its_path_in_the_project() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let tools = dir.path().join("project/tools");
    std::fs::create_dir_all(&tools).unwrap();
    let script = tools.join("reindex.py");
    std::fs::write(&script, "#!/usr/bin/env python\nprint('reindex')\n").unwrap();
    std::fs::set_permissions(&script, std::fs::Permissions::from_mode(0o755)).unwrap();
    let output = Command::new(env!("CARGO_BIN_EXE_distrolint"))
        .current_dir(dir.path())
        .args([
            "check",
            "project",
            "--isolated",
            "--base",
            "python3-debian13",
            "--format",
            "json",
            "--fail-on",
            "never",
        ])
        .output()
        .unwrap();
    let doc: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let help = doc["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["code"] == "DL601")
        .and_then(|f| f["help"].as_str())
        .unwrap_or_else(|| panic!("no DL601: {doc:#}"))
        .to_string();
    assert!(
        help.contains(r#"["python3", "tools/reindex.py"]"#),
        "{help}"
    );
    assert!(!help.contains("project/"), "{help}");
}
