//! `distrolint rules list`, `rules test`, `rules schema` and `explain`: the
//! rule author's commands. Each returns its text and exit status; only
//! `main` prints.
//!
//! `rules test` is what makes a rule trustworthy without reading Rust: it
//! runs every rule's `invalid` snippets (each must produce the rule's code)
//! and `valid` snippets (none may), on the default base, through the same
//! analysis `check` uses. A failure names the rule, where the snippet is
//! written, the snippet, and what the analysis reported instead.

use std::collections::BTreeSet;
use std::fmt::Write as _;
use std::path::Path;

use crate::base::BaseImage;
use crate::cli::{ListFormat, RulesCommand};
use crate::finding::Finding;
use crate::python::{analyse_file, PythonContext};
use crate::rules::spec::RuleFile;
use crate::rules::RuleSet;
use crate::rules::{normalized_distribution_name, Example, Matcher, Rule, Status};

/// A command's output and exit status (0 success, 1 failures).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CommandOutput {
    pub text: String,
    pub status: u8,
}

/// `rules list`: every rule, as a table or JSON.
pub fn list(rules: &RuleSet, json: bool) -> String {
    let mut sorted: Vec<&Rule> = rules.rules.iter().collect();
    sorted.sort_by(|a, b| a.code.cmp(&b.code));
    if json {
        let entries: Vec<serde_json::Value> = sorted
            .iter()
            .map(|rule| {
                serde_json::json!({
                    "code": rule.code,
                    "name": rule.name,
                    "family": rule.family.as_str(),
                    "severity": rule.severity.to_string(),
                    "status": rule.status.as_str(),
                    "matcher": rule.matcher.kind(),
                    "summary": rule.summary,
                    "file": rule.file,
                })
            })
            .collect();
        let mut text = serde_json::to_string_pretty(&entries).unwrap_or_default();
        text.push('\n');
        return text;
    }
    let width = |f: &dyn Fn(&Rule) -> usize| sorted.iter().map(|r| f(r)).max().unwrap_or(0);
    let code_w = width(&|r| r.code.len()).max(4);
    let name_w = width(&|r| r.name.len()).max(4);
    let family_w = width(&|r| r.family.as_str().len()).max(6);
    let mut text = String::new();
    let _ = writeln!(
        text,
        "{:code_w$}  {:name_w$}  {:family_w$}  {:8}  {:10}  {:7}  SUMMARY",
        "CODE", "NAME", "FAMILY", "SEVERITY", "STATUS", "MATCHER"
    );
    for rule in sorted {
        let _ = writeln!(
            text,
            "{:code_w$}  {:name_w$}  {:family_w$}  {:8}  {:10}  {:7}  {}",
            rule.code,
            rule.name,
            rule.family.as_str(),
            rule.severity.to_string(),
            rule.status.as_str(),
            rule.matcher.kind(),
            rule.summary
        );
    }
    text
}

/// `rules test`: every rule's examples, on `base`.
pub fn test(rules: &RuleSet, base: &BaseImage) -> CommandOutput {
    let mut text = String::new();
    let (mut passed, mut failed, mut skipped) = (0, 0, 0);
    let mut sorted: Vec<&Rule> = rules.rules.iter().collect();
    sorted.sort_by(|a, b| a.code.cmp(&b.code));
    for rule in sorted {
        let why_skipped = match (&rule.matcher, rule.status) {
            (_, Status::Removed) => Some("removed"),
            (Matcher::Native(check), _) if check.templates => {
                Some("native: its examples are the test suite's fixtures")
            }
            (Matcher::Native(_), _) => Some("native: a documented scan diagnostic"),
            _ => None,
        };
        if let Some(why) = why_skipped {
            skipped += 1;
            let _ = writeln!(text, "skip  {} {} ({why})", rule.code, rule.name);
            continue;
        }
        let problems = rule_problems(rule, rules, base);
        if problems.is_empty() {
            passed += 1;
            let _ = writeln!(
                text,
                "ok    {} {} ({} invalid, {} valid)",
                rule.code,
                rule.name,
                rule.invalid.len(),
                rule.valid.len()
            );
        } else {
            failed += 1;
            let _ = writeln!(
                text,
                "FAIL  {} {} ({}:{})",
                rule.code, rule.name, rule.file, rule.line
            );
            for problem in problems {
                for line in problem.lines() {
                    let _ = writeln!(text, "      {line}");
                }
            }
        }
    }
    let verdict = if failed == 0 { "ok" } else { "FAILED" };
    let _ = writeln!(
        text,
        "\nrules test {verdict}: {passed} rules passed, {failed} failed, {skipped} skipped (on {})",
        base.name
    );
    CommandOutput {
        text,
        status: u8::from(failed > 0),
    }
}

/// What is wrong with one rule's examples; empty when they behave.
fn rule_problems(rule: &Rule, rules: &RuleSet, base: &BaseImage) -> Vec<String> {
    let mut problems = Vec::new();
    if rule.invalid.is_empty() {
        problems.push(format!(
            "has no `invalid` example: add a snippet it must fire on ({})",
            rule.file
        ));
    }
    for (kind, examples, must_fire) in [
        ("invalid", &rule.invalid, true),
        ("valid", &rule.valid, false),
    ] {
        for example in examples {
            let findings = match run_example(example, rules, base) {
                Ok(findings) => findings,
                Err(problem) => {
                    problems.push(format!(
                        "{kind} example at {}:{}: {problem}",
                        rule.file, example.line
                    ));
                    continue;
                }
            };
            let fired = findings.iter().any(|f| f.code == rule.code);
            if fired == must_fire {
                continue;
            }
            let what = if must_fire {
                format!(
                    "{kind} example at {}:{} did not fire",
                    rule.file, example.line
                )
            } else {
                format!("{kind} example at {}:{} fired", rule.file, example.line)
            };
            let mut problem = format!("{what}:\n{}", quote(&example.code));
            let shown: Vec<&Finding> = if must_fire {
                findings.iter().collect()
            } else {
                findings.iter().filter(|f| f.code == rule.code).collect()
            };
            if shown.is_empty() {
                problem.push_str("\n  reported: nothing");
            }
            for finding in shown {
                let at = finding
                    .location
                    .map(|l| format!("{}:{}", l.line, l.column))
                    .unwrap_or_default();
                let _ = write!(
                    problem,
                    "\n  reported: {} {} at {at}: {}",
                    finding.code, finding.severity, finding.message
                );
            }
            problems.push(problem);
        }
    }
    problems
}

/// Runs one snippet. Its first line may set the situation it needs, for
/// rules that only fire on some bases or depend on what is installed:
/// `# distrolint-example: base=chainguard-python-latest installed=tzdata,django`.
fn run_example(
    example: &Example,
    rules: &RuleSet,
    base: &BaseImage,
) -> Result<Vec<Finding>, String> {
    let mut chosen = None;
    let mut installed = BTreeSet::new();
    let first = example.code.lines().next().unwrap_or("");
    if let Some(settings) = first.trim().strip_prefix("# distrolint-example:") {
        for setting in settings.split_whitespace() {
            match setting.split_once('=') {
                Some(("base", name)) => {
                    chosen = Some(crate::base::find(name).map_err(|e| e.to_string())?);
                }
                Some(("installed", names)) => installed.extend(
                    names
                        .split(',')
                        .filter(|n| !n.is_empty())
                        .map(normalized_distribution_name),
                ),
                _ => {
                    return Err(format!(
                        "unknown example setting `{setting}` (known: base=NAME, installed=NAME,...)"
                    ))
                }
            }
        }
    }
    let ctx = PythonContext {
        base: chosen.as_ref().unwrap_or(base),
        distribution: None,
        rules,
        module_path: Some("example".into()),
        installed: &installed,
    };
    Ok(analyse_file(
        Path::new("example.py"),
        example.code.as_bytes(),
        &ctx,
    ))
}

fn quote(code: &str) -> String {
    code.trim_end_matches('\n')
        .lines()
        .map(|l| format!("  | {l}"))
        .collect::<Vec<_>>()
        .join("\n")
}

/// `explain CODE`: a rule's documentation, as `ruff rule` prints it. A
/// rule's name works too.
pub fn explain(rules: &RuleSet, code: &str) -> Result<String, String> {
    let wanted = code.trim();
    let rule = rules
        .rules
        .iter()
        .find(|r| r.code.eq_ignore_ascii_case(wanted) || r.name == wanted)
        .ok_or_else(|| {
            let near: Vec<&str> = rules
                .rules
                .iter()
                .filter(|r| {
                    let prefix = &wanted[..wanted.len().min(3)];
                    r.code.starts_with(&prefix.to_ascii_uppercase())
                })
                .map(|r| r.code.as_str())
                .take(12)
                .collect();
            if near.is_empty() {
                format!(
                    "no rule has code or name `{wanted}`; `distrolint rules list` shows them all"
                )
            } else {
                format!(
                    "no rule has code or name `{wanted}`; codes like it: {}",
                    near.join(", ")
                )
            }
        })?;
    Ok(rule.reference_markdown())
}

/// `rules docs DIR`: one Markdown page per rule (`DIR/DL201.md`, the text
/// `explain` prints) and an index (`DIR/README.md`). The built-in pages
/// are `docs/rules/`, which a test keeps equal to this output, and which
/// SARIF's `helpUri` points at.
pub fn write_docs(rules: &RuleSet, dir: &std::path::Path) -> std::io::Result<usize> {
    std::fs::create_dir_all(dir)?;
    let mut index = String::from(
        "# Rule reference\n\nOne page per rule, generated from `rules/*.toml` by\n\
         `distrolint rules docs docs/rules`; `distrolint explain CODE` prints the same page.\n\n\
         | Code | Name | Family | Severity | Summary |\n|---|---|---|---|---|\n",
    );
    let mut written = 0;
    let mut sorted: Vec<&Rule> = rules.rules.iter().collect();
    sorted.sort_by(|a, b| a.code.cmp(&b.code));
    for rule in sorted {
        std::fs::write(
            dir.join(format!("{}.md", rule.code)),
            rule.reference_markdown(),
        )?;
        let _ = writeln!(
            index,
            "| [{code}]({code}.md) | {} | {} | {} | {} |",
            rule.name,
            rule.family.as_str(),
            rule.severity,
            rule.summary.replace('|', "\\|"),
            code = rule.code,
        );
        written += 1;
    }
    std::fs::write(dir.join("README.md"), index)?;
    Ok(written)
}

/// `rules schema`: the JSON Schema of rule files, generated from the serde
/// types (`schema/rule.schema.json` is this output).
pub fn schema() -> String {
    let schema = schemars::schema_for!(RuleFile);
    let mut text = serde_json::to_string_pretty(&schema).unwrap_or_default();
    text.push('\n');
    text
}

/// Runs `distrolint rules ...`.
pub fn run(command: RulesCommand) -> miette::Result<CommandOutput> {
    let load = |dirs: &[std::path::PathBuf]| -> miette::Result<RuleSet> {
        RuleSet::builtin_with_dirs(crate::checks::NATIVE, dirs).map_err(miette::Report::new)
    };
    match command {
        RulesCommand::List { format, rules } => Ok(CommandOutput {
            text: list(&load(&rules)?, format == ListFormat::Json),
            status: 0,
        }),
        RulesCommand::Test { dirs, base } => {
            let rules = load(&dirs)?;
            let base = crate::base::find(base.as_deref().unwrap_or(crate::base::DEFAULT_BASE))?;
            Ok(test(&rules, &base))
        }
        RulesCommand::Schema => Ok(CommandOutput {
            text: schema(),
            status: 0,
        }),
        RulesCommand::Docs { dir, rules } => {
            let written = write_docs(&load(&rules)?, &dir).map_err(|e| {
                miette::miette!("cannot write the rule pages to {}: {e}", dir.display())
            })?;
            Ok(CommandOutput {
                text: format!(
                    "wrote {written} rule pages and README.md to {}\n",
                    dir.display()
                ),
                status: 0,
            })
        }
    }
}

/// Runs `distrolint explain CODE`.
pub fn run_explain(code: &str, dirs: &[std::path::PathBuf]) -> miette::Result<CommandOutput> {
    let rules =
        RuleSet::builtin_with_dirs(crate::checks::NATIVE, dirs).map_err(miette::Report::new)?;
    let text = explain(&rules, code).map_err(|message| {
        miette::miette!(
            code = "distrolint::unknown_rule",
            help = "`distrolint rules list` shows every code",
            "{message}"
        )
    })?;
    Ok(CommandOutput { text, status: 0 })
}
