//! From what the files say ([`super::spec`]) to what runs ([`RuleSet`]):
//! every check a rule file can fail, each reported where the mistake is.

use std::collections::{BTreeMap, HashMap};
use std::ops::Range;

use toml::Spanned;

use super::error::{RuleError, StringPlace};
use super::native::{native_check, NativeChecks};
use super::query::QueryMatcher;
use super::spec::{
    CallableSpec, CaseSpec, FamilySpec, RuleFile, RuleSpec, SeveritySpec, StatusSpec,
};
use super::template::unknown_placeholder;
use super::{
    ArgSpec, Callable, Case, Example, Handled, Matcher, Rule, RuleSet, Status, PLACEHOLDERS,
    QUERY_PLACEHOLDERS,
};
use crate::finding::{Family, Severity};
use crate::rules::prefilter::Prefilter;
use crate::text_position::line_column;

/// One file being compiled: its name and text, for errors.
struct Place<'f> {
    file: &'f str,
    text: &'f str,
    /// The checks built into the program, which native rules describe.
    natives: &'f NativeChecks,
}

impl Place<'_> {
    fn error(&self, span: Range<usize>, message: String) -> RuleError {
        RuleError::at(self.file, self.text, span, message)
    }

    fn line(&self, offset: usize) -> usize {
        line_column(self.text, offset).0
    }

    /// An error at `range` of the string value `value`.
    fn error_in(&self, value: &Spanned<String>, range: Range<usize>, message: String) -> RuleError {
        self.error(StringPlace::of(self.text, value).span(range), message)
    }
}

pub(super) fn compile(
    files: &[(String, String, RuleFile)],
    natives: &NativeChecks,
) -> Result<RuleSet, RuleError> {
    let mut set = RuleSet::default();
    let mut groups: BTreeMap<String, Vec<usize>> = BTreeMap::new();
    for (file, text, parsed) in files {
        let place = Place {
            file,
            text,
            natives,
        };
        set.shell_programs
            .extend(parsed.shell_programs.iter().cloned());
        set.shell_builtins
            .extend(parsed.shell_builtins.iter().cloned());
        for spec in &parsed.callable {
            add_callable(&mut set, &mut groups, spec, &place)?;
        }
    }
    // Where each code is first defined, for the duplicate error.
    let mut defined: HashMap<String, (String, usize)> = HashMap::new();
    let mut pending_suppressions = Vec::new();
    for (file, text, parsed) in files {
        let place = Place {
            file,
            text,
            natives,
        };
        for spec in &parsed.rule {
            let spec = spec.get_ref();
            let code = spec.code.get_ref();
            if let Some((first_file, first_line)) = defined.get(code) {
                return Err(place.error(
                    spec.code.span(),
                    format!("rule code {code} is defined twice (first in {first_file}, line {first_line})"),
                ));
            }
            check_code(spec, &place)?;
            defined.insert(
                code.clone(),
                (file.clone(), place.line(spec.code.span().start)),
            );
            let index = set.rules.len();
            let rule = compile_rule(spec, &place)?;
            if matches!(rule.matcher, Matcher::Call) && rule.is_active() {
                for target in spec.callables.iter().flatten() {
                    for i in callable_targets(&set, &groups, target, code, &place)? {
                        if !set.callables[i].rules.contains(&index) {
                            set.callables[i].rules.push(index);
                        }
                    }
                }
            }
            if matches!(rule.matcher, Matcher::Query(_)) && rule.is_active() {
                set.queries.push(index);
            }
            for suppressed in spec.suppresses.iter().chain(&spec.absorbs) {
                pending_suppressions.push((file.as_str(), text.as_str(), suppressed.clone()));
            }
            set.rules.push(rule);
        }
    }
    for (file, text, suppressed) in pending_suppressions {
        if !defined.contains_key(suppressed.get_ref()) {
            return Err(Place {
                file,
                text,
                natives,
            }
            .error(
                suppressed.span(),
                format!("names {}, which is not a rule", suppressed.get_ref()),
            ));
        }
    }
    let requirements: Vec<_> = set
        .query_rules()
        .map(|(_, query)| (query.requirements(), query.shapes()))
        .collect();
    set.prefilter =
        Prefilter::new(set.callable_names(), set.method_names()).with_queries(&requirements);
    Ok(set)
}

fn check_code(spec: &RuleSpec, place: &Place<'_>) -> Result<(), RuleError> {
    let code = spec.code.get_ref();
    let letters = code.trim_end_matches(|c: char| c.is_ascii_digit());
    let well_formed = !letters.is_empty()
        && letters.len() < code.len()
        && letters.chars().all(|c| c.is_ascii_uppercase());
    if !well_formed {
        return Err(place.error(
            spec.code.span(),
            format!(
                "rule code `{code}` must be capital letters then digits, like DL201 or ACME001"
            ),
        ));
    }
    Ok(())
}

fn add_callable(
    set: &mut RuleSet,
    groups: &mut BTreeMap<String, Vec<usize>>,
    spanned: &Spanned<CallableSpec>,
    place: &Place<'_>,
) -> Result<(), RuleError> {
    let spec = spanned.get_ref();
    let index = set.callables.len();
    if spec.names.is_empty() && spec.methods.is_empty() {
        return Err(place.error(
            spanned.span(),
            "a [[callable]] needs `names` or `methods`".into(),
        ));
    }
    for arg in [
        &spec.argv,
        &spec.program,
        &spec.command,
        &spec.shell,
        &spec.executable,
    ]
    .into_iter()
    .flatten()
    {
        if arg.get_ref().position.is_none() && arg.get_ref().keyword.is_none() {
            return Err(place.error(
                arg.span(),
                "an argument needs a `position`, a `keyword` or both".into(),
            ));
        }
    }
    let subject = spec.subject.as_ref().map(|s| {
        let subject = s.get_ref();
        let arg = ArgSpec {
            position: subject.position,
            keyword: subject.keyword.clone(),
        };
        (arg, subject.kind, s.span())
    });
    if let Some((arg, _, span)) = &subject {
        if arg.position.is_none() && arg.keyword.is_none() {
            return Err(place.error(
                span.clone(),
                "a subject needs a `position`, a `keyword` or both".into(),
            ));
        }
    }
    if let Some(error) = &spec.error {
        let known: Vec<String> = PLACEHOLDERS.iter().map(|p| p.to_string()).collect();
        check_template(error, &known, place)?;
    }
    check_raises(&spec.raises, place)?;
    if let Some(starts) = &spec.starts {
        let program = starts.get_ref();
        if program.is_empty() || program.contains(char::is_whitespace) {
            return Err(place.error(
                starts.span(),
                "`starts` names one program: no spaces, not empty".into(),
            ));
        }
    }
    for name in &spec.names {
        if set.by_name.insert(name.get_ref().clone(), index).is_some() {
            return Err(place.error(
                name.span(),
                format!("callable {} is defined twice", name.get_ref()),
            ));
        }
    }
    for method in &spec.methods {
        if set
            .by_method
            .insert(method.get_ref().clone(), index)
            .is_some()
        {
            return Err(place.error(
                method.span(),
                format!("method {} is defined twice", method.get_ref()),
            ));
        }
    }
    for group in &spec.groups {
        groups.entry(group.clone()).or_default().push(index);
    }
    set.callables.push(Callable {
        names: spec.names.iter().map(|n| n.get_ref().clone()).collect(),
        methods: spec.methods.iter().map(|n| n.get_ref().clone()).collect(),
        argv: spec.argv.as_ref().map(|a| a.get_ref().clone()),
        program: spec.program.as_ref().map(|a| a.get_ref().clone()),
        command: spec.command.as_ref().map(|a| a.get_ref().clone()),
        shell: spec.shell.as_ref().map(|a| a.get_ref().clone()),
        executable: spec.executable.as_ref().map(|a| a.get_ref().clone()),
        starts: spec.starts.as_ref().map(|s| s.get_ref().clone()),
        subject: subject.map(|(arg, kind, _)| (arg, kind)),
        error: spec.error.as_ref().map(|e| e.get_ref().clone()),
        raises: spec.raises.iter().map(|r| r.get_ref().clone()).collect(),
        returns_none: spec.returns_none,
        rules: Vec::new(),
    });
    Ok(())
}

/// A callable's `raises`: class names, the last a built-in class, whose
/// bases distrolint knows, so that `except Exception:` can be matched.
fn check_raises(raises: &[Spanned<String>], place: &Place<'_>) -> Result<(), RuleError> {
    for name in raises {
        let well_formed = !name.get_ref().is_empty()
            && name.get_ref().split('.').all(|part| {
                !part.is_empty()
                    && part.chars().all(|c| c.is_alphanumeric() || c == '_')
                    && !part.starts_with(|c: char| c.is_ascii_digit())
            });
        if !well_formed {
            return Err(place.error(
                name.span(),
                format!("`{}` is not a class name", name.get_ref()),
            ));
        }
    }
    if let Some(last) = raises.last() {
        if !super::exceptions::is_builtin(last.get_ref()) {
            return Err(place.error(
                last.span(),
                format!(
                    "`raises` ends with {}, which is not a built-in exception class: list the class's bases up to one (`[\"zoneinfo.ZoneInfoNotFoundError\", \"KeyError\"]`)",
                    last.get_ref()
                ),
            ));
        }
    }
    Ok(())
}

/// The callables a rule's `callables` entry stands for.
fn callable_targets(
    set: &RuleSet,
    groups: &BTreeMap<String, Vec<usize>>,
    target: &Spanned<String>,
    code: &str,
    place: &Place<'_>,
) -> Result<Vec<usize>, RuleError> {
    let name = target.get_ref();
    let missing = |what: String| place.error(target.span(), format!("rule {code} names {what}"));
    if let Some(group) = name.strip_prefix('@') {
        groups.get(group).cloned().ok_or_else(|| {
            missing(format!(
                "group @{group}, which no [[callable]] is in (known: {})",
                groups
                    .keys()
                    .map(|g| format!("@{g}"))
                    .collect::<Vec<_>>()
                    .join(", ")
            ))
        })
    } else if let Some(method) = name.strip_prefix('.') {
        set.by_method
            .get(method)
            .map(|&i| vec![i])
            .ok_or_else(|| missing(format!("method .{method}, which no [[callable]] lists")))
    } else {
        set.by_name
            .get(name.as_str())
            .map(|&i| vec![i])
            .ok_or_else(|| missing(format!("{name}, which no [[callable]] defines")))
    }
}

fn compile_rule(spec: &RuleSpec, place: &Place<'_>) -> Result<Rule, RuleError> {
    let code = spec.code.get_ref();
    let code_span = spec.code.span();
    let matchers = [spec.callables.is_some(), spec.query.is_some(), spec.native]
        .into_iter()
        .filter(|&given| given)
        .count();
    if matchers != 1 {
        let what = if matchers == 0 {
            "no matcher"
        } else {
            "more than one matcher"
        };
        return Err(place.error(
            code_span,
            format!("rule {code} has {what}: give exactly one of `callables` (a call matcher), `query` (a tree-sitter query) or `native = true`"),
        ));
    }
    if let (Some(capture), None) = (&spec.capture, &spec.query) {
        return Err(place.error(
            capture.span(),
            "`capture` belongs to a query matcher; this rule has no `query`".into(),
        ));
    }
    let matcher = if let Some(query) = &spec.query {
        let capture = spec.capture.as_ref().map(|c| c.get_ref().as_str());
        let compiled = QueryMatcher::compile(query.get_ref(), capture).map_err(|problem| {
            // A capture that does not exist is a mistake in `capture`.
            match (&spec.capture, problem.range.is_empty()) {
                (Some(capture), true) => place.error(capture.span(), problem.message),
                _ => place.error_in(query, problem.range, problem.message),
            }
        })?;
        Matcher::Query(Box::new(compiled))
    } else if spec.native {
        let check = native_check(place.natives, code).ok_or_else(|| {
            place.error(
                code_span.clone(),
                format!("no check built into distrolint has code {code}; `native = true` is only for distrolint's own checks (use `callables` or `query`)"),
            )
        })?;
        if let Some(example) = spec.valid.first().or(spec.invalid.first()) {
            return Err(place.error(
                example.span(),
                "a native rule has no inline examples; its examples are the fixtures of the test suite (corpus/native)".into(),
            ));
        }
        Matcher::Native(check)
    } else {
        Matcher::Call
    };
    if let (Some(handled), false) = (&spec.handled, matches!(matcher, Matcher::Call)) {
        return Err(place.error(handled.span(), "`handled` is for call matchers only".into()));
    }
    if spec.error.is_some() && !matches!(matcher, Matcher::Call) {
        let span = spec
            .error
            .as_ref()
            .map(|e| e.span())
            .unwrap_or(code_span.clone());
        return Err(place.error(span, "`error` is for call matchers only".into()));
    }

    let cases = compile_cases(spec, &matcher, place)?;
    let severity = spec
        .severity
        .map(severity_of)
        .or_else(|| cases.iter().map(|c| c.severity).max())
        .unwrap_or(Severity::Warning);
    let example = |s: &Spanned<String>| Example {
        code: s.get_ref().clone(),
        line: place.line(s.span().start),
    };
    Ok(Rule {
        code: code.clone(),
        name: spec.name.clone(),
        family: family(spec.family),
        status: match spec.status {
            StatusSpec::Stable => Status::Stable,
            StatusSpec::Preview => Status::Preview,
            StatusSpec::Deprecated => Status::Deprecated,
            StatusSpec::Removed => Status::Removed,
        },
        summary: spec.summary.clone(),
        severity,
        matcher,
        suppresses: spec
            .suppresses
            .iter()
            .map(|s| s.get_ref().clone())
            .collect(),
        absorbs: spec.absorbs.iter().map(|s| s.get_ref().clone()).collect(),
        lacks: lacks(spec, place)?,
        handled: spec.handled.as_ref().map(|h| Handled {
            severity: severity_of(h.get_ref().severity),
            needs: h.get_ref().needs,
        }),
        cases,
        message: spec.message.as_ref().map(|m| m.get_ref().clone()),
        help: spec.help.as_ref().map(|m| m.get_ref().clone()),
        docs: spec.docs.clone(),
        valid: spec.valid.iter().map(example).collect(),
        invalid: spec.invalid.iter().map(example).collect(),
        file: place.file.to_string(),
        line: place.line(code_span.start),
    })
}

fn lacks(spec: &RuleSpec, place: &Place<'_>) -> Result<Option<super::Lack>, RuleError> {
    let Some(lacks) = &spec.lacks else {
        return Ok(None);
    };
    if lacks.field.is_none() && lacks.name.is_none() {
        return Err(place.error(
            spec.code.span(),
            format!(
                "rule {}: `lacks` needs a `field`, a `name` or both",
                spec.code.get_ref()
            ),
        ));
    }
    Ok(Some(super::Lack {
        kind: lacks.kind,
        field: lacks.field.clone(),
        name: lacks.name.clone(),
    }))
}

fn compile_cases(
    spec: &RuleSpec,
    matcher: &Matcher,
    place: &Place<'_>,
) -> Result<Vec<Case>, RuleError> {
    let code = spec.code.get_ref();
    // A rule without cases is one case with no conditions.
    let implicit;
    let cases: Vec<(&CaseSpec, Range<usize>)> = if spec.case.is_empty() {
        if spec.severity.is_none() {
            return Err(place.error(
                spec.code.span(),
                format!("rule {code} needs a `severity`, or [[rule.case]] tables that give one"),
            ));
        }
        implicit = CaseSpec::default();
        vec![(&implicit, spec.code.span())]
    } else {
        spec.case.iter().map(|c| (c.get_ref(), c.span())).collect()
    };
    let known: Vec<String> = match matcher {
        Matcher::Call => PLACEHOLDERS.iter().map(|p| p.to_string()).collect(),
        Matcher::Query(q) => QUERY_PLACEHOLDERS
            .iter()
            .map(|p| p.to_string())
            .chain(q.capture_names().iter().map(|c| format!("@{c}")))
            .collect(),
        Matcher::Native(check) => std::iter::once("base")
            .chain(check.placeholders.iter().copied().filter(|p| *p != "base"))
            .map(str::to_string)
            .collect(),
    };
    let templated = match matcher {
        Matcher::Native(check) => check.templates,
        _ => true,
    };
    let mut compiled = Vec::new();
    for (case, span) in cases {
        let Some(severity) = case.severity.or(spec.severity) else {
            return Err(place.error(
                span,
                format!("this case of rule {code} needs a `severity` (or the rule one)"),
            ));
        };
        let message = case.message.as_ref().or(spec.message.as_ref());
        let help = case.help.as_ref().or(spec.help.as_ref());
        if templated && (message.is_none() || help.is_none()) {
            return Err(place.error(
                span,
                format!("rule {code}: every case needs a message and help (its own or the rule's)"),
            ));
        }
        let error = case.error.as_ref().or(spec.error.as_ref());
        for template in [message, help, error].into_iter().flatten() {
            check_template(template, &known, place)?;
        }
        let when = case
            .when
            .as_ref()
            .map(|w| w.get_ref().clone())
            .unwrap_or_default();
        if let Some(when_spanned) = &case.when {
            check_conditions(&when, when_spanned.span(), matcher, place)?;
        }
        compiled.push(Case {
            when,
            severity: severity_of(severity),
            message: message.map(|m| m.get_ref().clone()).unwrap_or_default(),
            help: help.map(|m| m.get_ref().clone()).unwrap_or_default(),
            error: error.map(|e| e.get_ref().clone()),
        });
    }
    if let Matcher::Native(check) = matcher {
        for variant in check.variants {
            let covered = compiled.iter().any(|c| match &c.when.variant {
                None => true,
                Some(v) => v.get_ref() == variant,
            });
            if !covered {
                return Err(place.error(
                    spec.code.span(),
                    format!("rule {code} has no case for the variant `{variant}` its check produces (variants: {})", check.variants.join(", ")),
                ));
            }
        }
    }
    Ok(compiled)
}

fn check_conditions(
    when: &super::Conditions,
    span: Range<usize>,
    matcher: &Matcher,
    place: &Place<'_>,
) -> Result<(), RuleError> {
    let call_only = when.shell.is_some()
        || when.program.is_some()
        || when.program_is_shell.is_some()
        || when.program_in.is_some()
        || when.command_is_argv.is_some()
        || when.subject.is_some()
        || when.subject_in.is_some();
    if call_only && !matches!(matcher, Matcher::Call) {
        return Err(place.error(
            span,
            format!("`shell`, `program`, `program-is-shell`, `program-in`, `command-is-argv`, `subject` and `subject-in` are conditions on calls; a {} rule can only use `base`{}", matcher.kind(), if matches!(matcher, Matcher::Native(_)) { " and `variant`" } else { " and `installed`" }),
        ));
    }
    if !when.installed.is_empty() && matches!(matcher, Matcher::Native(_)) {
        return Err(place.error(
            span,
            "`installed` is a condition of call and query rules; native checks do not see the installed distributions".into(),
        ));
    }
    if let Some(variant) = &when.variant {
        match matcher {
            Matcher::Native(check) if check.variants.contains(&variant.get_ref().as_str()) => {}
            Matcher::Native(check) => {
                return Err(place.error_in(
                    variant,
                    0..variant.get_ref().len(),
                    format!(
                        "unknown variant `{}`; {} has {}",
                        variant.get_ref(),
                        check.code,
                        if check.variants.is_empty() {
                            "none".to_string()
                        } else {
                            check.variants.join(", ")
                        }
                    ),
                ))
            }
            _ => {
                return Err(place.error(
                    variant.span(),
                    "`variant` is a condition of native rules".into(),
                ))
            }
        }
    }
    Ok(())
}

/// Checks every `{placeholder}` of a template, reporting an unknown one at
/// its position in the file.
fn check_template(
    template: &Spanned<String>,
    known: &[String],
    place: &Place<'_>,
) -> Result<(), RuleError> {
    let is_known = |name: &str| known.iter().any(|k| k == name);
    if let Some((name, range)) = unknown_placeholder(template.get_ref(), &is_known) {
        let list = if known.is_empty() {
            "none".to_string()
        } else {
            known
                .iter()
                .map(|k| format!("{{{k}}}"))
                .collect::<Vec<_>>()
                .join(", ")
        };
        return Err(place.error_in(
            template,
            range,
            format!("unknown placeholder {{{name}}}; known here: {list}"),
        ));
    }
    Ok(())
}

fn severity_of(spec: SeveritySpec) -> Severity {
    match spec {
        SeveritySpec::Info => Severity::Info,
        SeveritySpec::Warning => Severity::Warning,
        SeveritySpec::Error => Severity::Error,
    }
}

fn family(spec: FamilySpec) -> Family {
    match spec {
        FamilySpec::NativeLibrary => Family::NativeLibrary,
        FamilySpec::Shell => Family::Shell,
        FamilySpec::Exec => Family::Exec,
        FamilySpec::Dlopen => Family::Dlopen,
        FamilySpec::Data => Family::Data,
        FamilySpec::Interpreter => Family::Interpreter,
        FamilySpec::Dockerfile => Family::Dockerfile,
        FamilySpec::Starters => Family::Starters,
        FamilySpec::Scan => Family::Scan,
    }
}
