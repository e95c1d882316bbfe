//! Every kind of mistake in a rule file is a load error that names the line
//! and column where the mistake is — not the first place the same text
//! happens to appear.

use distrolint::rules::{RuleError, RuleSet};

/// (line, column, message) of the error loading `text` as `bad.toml`.
fn error_at(text: &str) -> (usize, usize, String) {
    match RuleSet::from_sources(
        distrolint::checks::NATIVE,
        [("bad.toml".to_string(), text.to_string())],
    ) {
        Ok(_) => panic!("expected a load error for:\n{text}"),
        Err(RuleError::Invalid(invalid)) => (invalid.line, invalid.column, invalid.message),
        Err(other) => panic!("unexpected error {other}"),
    }
}

/// 1-based (line, column) of the `nth` (0-based) occurrence of `needle`.
fn position(text: &str, needle: &str, nth: usize) -> (usize, usize) {
    let at = text
        .match_indices(needle)
        .nth(nth)
        .expect("needle present")
        .0;
    let before = &text[..at];
    let line = before.matches('\n').count() + 1;
    let column = before[before.rfind('\n').map(|i| i + 1).unwrap_or(0)..]
        .chars()
        .count()
        + 1;
    (line, column)
}

fn assert_at(text: &str, needle: &str, nth: usize, message_part: &str) {
    let (line, column, message) = error_at(text);
    assert!(message.contains(message_part), "{message}");
    assert_eq!((line, column), position(text, needle, nth), "{message}");
}

const QUERY_RULE: &str = r#"[[rule]]
code = "X1"
name = "x"
family = "shell"
summary = "s"
severity = "warning"
message = "found {@s}"
help = "h"
query = '''
((string_content) @s
 (#eq? @s "/bin/sh"))
'''
invalid = ["X = '/bin/sh'\n"]
"#;

#[test]
fn a_valid_query_rule_loads() {
    RuleSet::from_sources(
        distrolint::checks::NATIVE,
        [("ok.toml".to_string(), QUERY_RULE.to_string())],
    )
    .unwrap();
}

#[test]
fn an_unknown_key_is_reported_at_the_key() {
    let text = QUERY_RULE.replace("summary = \"s\"", "sumary = \"s\"");
    assert_at(&text, "sumary", 0, "unknown field `sumary`");
}

#[test]
fn a_duplicate_code_is_reported_at_the_second_definition() {
    let text = format!("{QUERY_RULE}\n{QUERY_RULE}");
    assert_at(
        &text,
        "\"X1\"",
        1,
        "X1 is defined twice (first in bad.toml, line 2)",
    );
}

#[test]
fn a_bad_query_is_reported_inside_the_query() {
    let text = QUERY_RULE.replace("(string_content) @s", "(string_contnt) @s");
    assert_at(&text, "string_contnt", 0, "invalid query");
}

#[test]
fn an_unknown_predicate_is_reported_at_its_name() {
    let text = QUERY_RULE.replace("#eq?", "#equals?");
    assert_at(&text, "#equals?", 0, "unknown predicate #equals?");
}

#[test]
fn a_bad_regex_is_reported_at_the_offending_character() {
    let text = QUERY_RULE.replace(r#"(#eq? @s "/bin/sh")"#, r#"(#match? @s "^/bin/(ba|sh")"#);
    assert_at(&text, "(ba|sh", 0, "invalid regex");
}

#[test]
fn an_unknown_placeholder_is_reported_at_the_placeholder() {
    // `{@s}` appears earlier in the file; the error is at `{@path}`.
    let text = QUERY_RULE.replace("help = \"h\"", "help = \"h {@s} {@path}\"");
    assert_at(&text, "{@path}", 0, "unknown placeholder {@path}");
    // Escapes before the placeholder do not shift the position.
    let text = QUERY_RULE.replace("help = \"h\"", "help = \"tab\\there: {colour}\"");
    assert_at(&text, "{colour}", 0, "unknown placeholder {colour}");
}

#[test]
fn a_capture_the_query_lacks_is_reported_at_capture() {
    let text = QUERY_RULE.replace("invalid =", "capture = \"path\"\ninvalid =");
    assert_at(&text, "\"path\"", 0, "no capture @path");
}

#[test]
fn a_rule_without_a_matcher_is_reported_at_its_code() {
    let start = QUERY_RULE.find("query =").unwrap();
    let end = QUERY_RULE.find("invalid =").unwrap();
    let text = format!("{}{}", &QUERY_RULE[..start], &QUERY_RULE[end..]);
    assert_at(&text, "\"X1\"", 0, "has no matcher");
}

#[test]
fn a_call_condition_in_a_query_rule_is_reported_at_the_condition() {
    let text = format!("{QUERY_RULE}\n[[rule.case]]\nwhen = {{ program = [\"missing\"] }}\n");
    assert_at(&text, "{ program", 0, "conditions on calls");
}

#[test]
fn an_unknown_group_is_reported_at_the_entry() {
    let text = "[[callable]]\nnames = [\"a.b\"]\ngroups = [\"g\"]\n[[rule]]\ncode = \"X2\"\nname = \"x\"\nfamily = \"exec\"\nsummary = \"s\"\nseverity = \"error\"\nmessage = \"m\"\nhelp = \"h\"\ncallables = [\"@g\", \"@gg\"]\n";
    assert_at(text, "\"@gg\"", 0, "group @gg");
}

#[test]
fn a_native_rule_for_a_code_distrolint_lacks_is_an_error() {
    let text = "[[rule]]\ncode = \"ACME9\"\nname = \"x\"\nfamily = \"exec\"\nsummary = \"s\"\nseverity = \"error\"\nnative = true\n";
    assert_at(text, "\"ACME9\"", 0, "no check built into distrolint");
}

#[test]
fn the_rendered_diagnostic_shows_the_file_line_and_column() {
    let text = QUERY_RULE.replace("#eq?", "#equals?");
    let err = RuleSet::from_sources(
        distrolint::checks::NATIVE,
        [("bad.toml".to_string(), text.clone())],
    )
    .unwrap_err();
    let (line, column) = position(&text, "#equals?", 0);
    assert!(
        err.to_string()
            .starts_with(&format!("invalid rule file bad.toml:{line}:{column}:")),
        "{err}"
    );
    let mut rendered = String::new();
    miette::GraphicalReportHandler::new_themed(miette::GraphicalTheme::unicode_nocolor())
        .render_report(&mut rendered, &err)
        .unwrap();
    assert!(
        rendered.contains(&format!("bad.toml:{line}:{column}")),
        "{rendered}"
    );
}

#[test]
fn a_starts_that_is_not_one_program_is_reported_at_its_value() {
    let text = r#"[[callable]]
names = ["acme.ocr"]
groups = ["acme"]
starts = "tesseract --psm 6"
"#;
    assert_at(
        text,
        "\"tesseract --psm 6\"",
        0,
        "`starts` names one program",
    );
}

#[test]
fn lacks_without_a_field_or_a_name_is_reported_at_the_rule() {
    let text = QUERY_RULE.replace(
        "family = \"shell\"",
        "family = \"shell\"\nlacks = { kind = \"program\" }",
    );
    assert_at(
        &text,
        "\"X1\"",
        0,
        "`lacks` needs a `field`, a `name` or both",
    );
}

#[test]
fn absorbing_an_unknown_code_is_reported_at_the_code() {
    let text = QUERY_RULE.replace(
        "family = \"shell\"",
        "family = \"shell\"\nabsorbs = [\"DL999\"]",
    );
    assert_at(&text, "\"DL999\"", 0, "names DL999, which is not a rule");
}
