//! Applying the rule set to every call in a module.
//!
//! For each call: resolve the callee; find the callable it is; read the
//! arguments the callable says matter (through `functools.partial`,
//! `*args` and `**{...}` where they are literal); reduce them to facts — the
//! shell state and the program with its state on the base — and let each
//! applicable rule pick its first matching case. A rule that fires can
//! suppress others on the same call (a shell program is DL203, not also
//! DL301).

mod handled;

use super::handling::Handling;
use super::ir::{Call, CallId, Expr, Module, ScopeId};
use super::reachability::Unreachable;
use super::resolve::{shell_words, Callee, Resolver, Val};
use super::source::Source;
use super::wrappers::{
    Wrapper, WrapperTable, WrapperUse, PROGRAM_SOURCE_FIELD, SHELL_SOURCE_FIELD,
};
use super::PythonContext;
use crate::base::BaseImage;
use crate::finding::Finding;
use crate::rules::{
    render, ArgSpec, Callable, Case, Needs, ProgramState, RuleSet, ShellState, SubjectKind,
    SubjectState,
};

/// What a call does, as far as can be known statically.
#[derive(Debug, Clone)]
struct Facts {
    shell: ShellState,
    program: Program,
    subject: Subject,
    /// The command line a shell would run, as the argv list it can be
    /// passed as instead: a literal of plain words only.
    argv: Option<Vec<String>>,
}

/// The value of a callable's subject argument.
#[derive(Debug, Clone, PartialEq)]
enum Subject {
    Absent,
    Unknown,
    /// `None` passed: for dlopen, the running program itself.
    Nothing,
    Literal(String),
}

#[derive(Debug, Clone, PartialEq)]
enum Program {
    Absent,
    Unknown,
    Interpreter,
    Named(String),
}

/// An argument's value as the callee will see it.
#[derive(Debug, Clone, PartialEq)]
enum Arg {
    Absent,
    /// Not passed by name or position, but an unknown `*args` or
    /// `**mapping` may hold it.
    Hidden,
    Value(Val),
}

/// The arguments of a call, with a `functools.partial`'s bound arguments in
/// front; each with the scope it is evaluated in.
struct Arguments<'m> {
    positional: Vec<(ScopeId, &'m Expr)>,
    keywords: Vec<(ScopeId, Option<&'m str>, &'m Expr)>,
}

impl<'m> Arguments<'m> {
    /// The argument passed as `name=`, the call's own over a partial's.
    fn keyword(&self, name: &str) -> Option<(ScopeId, &'m Expr)> {
        self.keywords
            .iter()
            .rev()
            .find(|(_, keyword, _)| *keyword == Some(name))
            .map(|(scope, _, expr)| (*scope, *expr))
    }
}

pub(super) fn check_module(
    module: &Module,
    source: &Source<'_>,
    path: &std::path::Path,
    ctx: &PythonContext<'_>,
    resolver: &Resolver<'_>,
    unreachable: &Unreachable,
    wrappers_here: &[Wrapper],
) -> Vec<Finding> {
    let callees: Vec<Callee> = module
        .calls
        .iter()
        .map(|call| resolver.callee(&call.func, call.scope))
        .collect();
    // A partial called in this file is reported where it is called; one that
    // is only passed around is reported where it is made.
    let mut partials_called = vec![false; module.calls.len()];
    for callee in &callees {
        let mut current = callee;
        while let Callee::Partial { target, call } = current {
            partials_called[*call] = true;
            current = target;
        }
    }
    let handling = Handling::new(module, resolver, ctx.rules);
    let mut findings = Vec::new();
    let mut interner = crate::finding::Interner::default();
    let mut keep = |found: Vec<Finding>, findings: &mut Vec<Finding>| {
        for mut finding in found {
            interner.share(&mut finding);
            findings.push(finding);
        }
    };
    for (id, call) in module.calls.iter().enumerate() {
        if unreachable.contains(call.span.start) {
            continue;
        }
        let checker = CallChecker {
            ctx,
            resolver,
            source,
            path,
            handling: &handling,
            wrappers_here,
        };
        if let Some(site) = checker.call_site(id, call, &callees[id]) {
            keep(checker.findings(&site), &mut findings);
        }
        if !partials_called[id] {
            if let Some(site) = checker.partial_creation(id, call, &callees[id]) {
                keep(checker.findings(&site), &mut findings);
            }
        }
    }
    findings
}

/// Judges each call of a wrapper in `module` as a call of the callable it
/// wraps, and says how each fills the wrapper's `shell=`.
pub(super) fn check_wrapper_calls(
    module: &Module,
    source: &Source<'_>,
    path: &std::path::Path,
    ctx: &PythonContext<'_>,
    resolver: &Resolver<'_>,
    unreachable: &Unreachable,
    wrappers: &WrapperTable,
) -> (Vec<Finding>, Vec<WrapperUse>) {
    let handling = Handling::new(module, resolver, ctx.rules);
    let checker = CallChecker {
        ctx,
        resolver,
        source,
        path,
        handling: &handling,
        wrappers_here: &[],
    };
    let mut findings = Vec::new();
    let mut uses = Vec::new();
    for (id, call) in module.calls.iter().enumerate() {
        let qualified = match resolver.callee(&call.func, call.scope) {
            Callee::Qualified(q) => q,
            // A function called in the module that defines it: `def` binds
            // a name the resolver does not give a value.
            Callee::Unknown => match (&call.func, ctx.module_path.as_deref()) {
                (Expr::Name { id, .. }, Some(module_path)) => format!("{module_path}.{id}"),
                _ => continue,
            },
            _ => continue,
        };
        let Some(wrapper) = wrappers.get(&qualified) else {
            continue;
        };
        let arguments = Arguments {
            positional: call.args.iter().map(|a| (call.scope, a)).collect(),
            keywords: call
                .keywords
                .iter()
                .map(|k| (call.scope, k.name.as_deref(), &k.value))
                .collect(),
        };
        let may_pass_shell = wrapper.callable.shell.as_ref().is_some_and(|spec| {
            match checker.argument(&arguments, spec) {
                Arg::Absent => false,
                Arg::Value(value) => value.truthy() != Some(false),
                Arg::Hidden => true,
            }
        });
        uses.push(WrapperUse {
            qualified: qualified.clone(),
            may_pass_shell,
        });
        if unreachable.contains(call.span.start) {
            continue;
        }
        let site = Site {
            id,
            call,
            callable: &wrapper.callable,
            callee: format!("{qualified} → {}", wrapper.callee),
            via: None,
            arguments,
            creation: false,
        };
        let mut found = checker.findings(&site);
        if let Some((sentence, summary)) = &wrapper.handles_failure {
            for finding in &mut found {
                let inside = format!("{}, in {}", wrapper.qualified, wrapper.path.display());
                handled_inside(finding, ctx.rules, &inside, sentence, summary);
            }
        }
        findings.extend(found);
    }
    (findings, uses)
}

/// A finding at a wrapper's call whose failure the wrapper itself catches:
/// lowered as the rule says a handled failure is, unless the caller
/// already handles it.
fn handled_inside(
    finding: &mut Finding,
    rules: &RuleSet,
    wrapper: &str,
    sentence: &str,
    summary: &str,
) {
    if finding.fields.contains_key("handled") {
        return;
    }
    let Some(handled) = rules
        .rules
        .iter()
        .find(|rule| rule.code == finding.code)
        .and_then(|rule| rule.handled)
    else {
        return;
    };
    if handled.needs == Needs::Subject {
        return;
    }
    finding.severity = finding.severity.min(handled.severity);
    finding.message = format!("{}; handled inside {wrapper}: {sentence}", finding.message).into();
    finding.fields.insert(
        "handled".to_string(),
        format!("inside {wrapper}: {summary}").into(),
    );
}

impl CallChecker<'_, '_> {
    /// The environment variable whose default is the program: the program
    /// is written `os.getenv("FFMPEG", "ffmpeg")`, or a name assigned that.
    fn environment_variable_of_program(&self, site: &Site<'_, '_>) -> Option<String> {
        let (scope, mut expr) = self.program_expression(site)?;
        if let Expr::Name { id, offset } = expr {
            expr = self.resolver.assigned_value(id, scope, *offset)?.0;
        }
        let Expr::Call(id) = expr else {
            return None;
        };
        let call = self.module().calls.get(*id)?;
        let Callee::Qualified(callee) = self.resolver.callee(&call.func, call.scope) else {
            return None;
        };
        if !matches!(callee.as_str(), "os.getenv" | "os.environ.get") {
            return None;
        }
        match self.resolver.value(call.args.first()?, call.scope) {
            Val::Str { value, .. } => Some(value),
            _ => None,
        }
    }
}

/// One call matched to a callable, with everything needed to judge it.
struct Site<'m, 'r> {
    id: CallId,
    call: &'m Call,
    callable: &'r Callable,
    callee: String,
    via: Option<String>,
    arguments: Arguments<'m>,
    /// Checking a partial where it is made: arguments not bound yet are not
    /// "unknown", they are simply not there.
    creation: bool,
}

struct CallChecker<'c, 'm> {
    ctx: &'c PythonContext<'c>,
    resolver: &'c Resolver<'m>,
    source: &'c Source<'c>,
    path: &'c std::path::Path,
    handling: &'c Handling<'c, 'm>,
    /// The wrappers this module defines, whose calls inside take their
    /// program and shell from the callers.
    wrappers_here: &'c [Wrapper],
}

impl<'c, 'm> CallChecker<'c, 'm> {
    fn module(&self) -> &'m Module {
        self.resolver.module()
    }

    fn written(&self, call: &Call) -> String {
        let text = self
            .source
            .text
            .get(call.func_span.start as usize..call.func_span.end as usize)
            .unwrap_or("");
        let compact: String = text.split_whitespace().collect::<Vec<_>>().join(" ");
        if compact.chars().count() > 60 {
            let short: String = compact.chars().take(57).collect();
            format!("{short}...")
        } else {
            compact
        }
    }

    fn call_site(&self, id: CallId, call: &'m Call, callee: &Callee) -> Option<Site<'m, 'c>> {
        let rules = self.ctx.rules;
        // Unwrap partials, outermost first; their bound arguments come before
        // the call's own, innermost first.
        let mut layers = Vec::new();
        let mut target = callee;
        while let Callee::Partial {
            target: inner,
            call,
        } = target
        {
            layers.push(*call);
            target = inner;
        }
        let (callable, name) = match target {
            Callee::Qualified(q) => match rules.callable_named(q) {
                Some(c) => (c, q.clone()),
                None => {
                    // `mylib.loop.subprocess_exec`: a method name on
                    // something we resolved but do not know.
                    let method = q.rsplit('.').next().unwrap_or(q);
                    let c = rules.callable_method(method).filter(|_| q.contains('.'))?;
                    (c, self.written(call))
                }
            },
            Callee::Method(method) => (rules.callable_method(method)?, self.written(call)),
            _ => return None,
        };
        let mut positional: Vec<(ScopeId, &'m Expr)> = Vec::new();
        let mut keywords: Vec<(ScopeId, Option<&'m str>, &'m Expr)> = Vec::new();
        for &partial in layers.iter().rev() {
            let made = &self.module().calls[partial];
            positional.extend(made.args.iter().skip(1).map(|a| (made.scope, a)));
            keywords.extend(
                made.keywords
                    .iter()
                    .map(|k| (made.scope, k.name.as_deref(), &k.value)),
            );
        }
        positional.extend(call.args.iter().map(|a| (call.scope, a)));
        keywords.extend(
            call.keywords
                .iter()
                .map(|k| (call.scope, k.name.as_deref(), &k.value)),
        );
        let written = self.written(call);
        Some(Site {
            id,
            call,
            callable,
            via: via(&written, &name),
            callee: name,
            arguments: Arguments {
                positional,
                keywords,
            },
            creation: false,
        })
    }

    fn partial_creation(
        &self,
        id: CallId,
        call: &'m Call,
        callee: &Callee,
    ) -> Option<Site<'m, 'c>> {
        let Callee::Qualified(q) = callee else {
            return None;
        };
        if q != "functools.partial" {
            return None;
        }
        let target = call.args.first()?;
        let Callee::Qualified(name) = self.resolver.callee(target, call.scope) else {
            return None;
        };
        let callable = self.ctx.rules.callable_named(&name)?;
        Some(Site {
            id,
            call,
            callable,
            via: Some(self.written(call)),
            callee: name,
            arguments: Arguments {
                positional: call.args.iter().skip(1).map(|a| (call.scope, a)).collect(),
                keywords: call
                    .keywords
                    .iter()
                    .map(|k| (call.scope, k.name.as_deref(), &k.value))
                    .collect(),
            },
            creation: true,
        })
    }

    /// The value the callee receives for `spec`.
    fn argument(&self, args: &Arguments<'m>, spec: &ArgSpec) -> Arg {
        let resolver = self.resolver;
        if let Some((scope, expr)) = spec.keyword.as_deref().and_then(|k| args.keyword(k)) {
            return Arg::Value(resolver.value(expr, scope));
        }
        let mut hidden = false;
        if let Some(position) = spec.position {
            let mut index = 0;
            for (scope, expr) in &args.positional {
                let value = resolver.value(expr, *scope);
                match value {
                    Val::Starred(inner) => match *inner {
                        Val::List(items) => {
                            if position < index + items.len() {
                                return Arg::Value(items[position - index].clone());
                            }
                            index += items.len();
                        }
                        // `*args` of unknown length covers every later position.
                        _ => return Arg::Hidden,
                    },
                    value => {
                        if index == position {
                            return Arg::Value(value);
                        }
                        index += 1;
                    }
                }
            }
        }
        if let Some(keyword) = &spec.keyword {
            for (scope, name, expr) in args.keywords.iter().rev() {
                if name.is_some() {
                    continue;
                }
                match resolver.value(expr, *scope) {
                    Val::Dict(items) => {
                        for (key, value) in items.iter().rev() {
                            match key {
                                Some(Val::Str { value: k, .. }) if k == keyword => {
                                    return Arg::Value(value.clone());
                                }
                                Some(Val::Str { .. }) => {}
                                _ => hidden = true,
                            }
                        }
                    }
                    _ => hidden = true,
                }
            }
        }
        if hidden {
            Arg::Hidden
        } else {
            Arg::Absent
        }
    }

    fn facts(&self, site: &Site<'m, 'c>) -> Facts {
        let callable = site.callable;
        let rules = self.ctx.rules;
        let arg = |spec: &Option<ArgSpec>| {
            spec.as_ref()
                .map(|spec| self.argument(&site.arguments, spec))
        };
        let shell = if callable.command.is_some() {
            ShellState::Always
        } else {
            match arg(&callable.shell) {
                None | Some(Arg::Absent) => ShellState::False,
                Some(Arg::Hidden) => ShellState::Unknown,
                Some(Arg::Value(v)) => match v.truthy() {
                    Some(true) => ShellState::True,
                    Some(false) => ShellState::False,
                    None => ShellState::Unknown,
                },
            }
        };
        let through_shell = shell != ShellState::False;
        let from_arg = |arg: Option<Arg>, form: Form| -> Option<Program> {
            match arg? {
                Arg::Absent => None,
                Arg::Hidden => Some(Program::Unknown),
                Arg::Value(v) => Some(program_of(&v, form, rules)),
            }
        };
        let mut program = None;
        // An `executable=` hidden in `**kwargs` is too rare to outweigh a
        // literal argv, so only one passed by name or position counts.
        if let Some(Arg::Value(v)) = arg(&callable.executable) {
            // `executable=None` means "not given".
            if v != Val::None {
                program = Some(program_of(&v, Form::Path, rules));
            }
        }
        if program.is_none() {
            program = from_arg(arg(&callable.command), Form::Command);
        }
        if program.is_none() {
            program = from_arg(arg(&callable.program), Form::Path);
        }
        if program.is_none() {
            let form = if through_shell {
                Form::ShellArgv
            } else {
                Form::Argv
            };
            program = from_arg(arg(&callable.argv), form);
        }
        if program.is_none() {
            program = callable.starts.clone().map(Program::Named);
        }
        let program = match program {
            Some(Program::Unknown) if site.creation => Program::Absent,
            Some(p) => p,
            None => Program::Absent,
        };
        let subject = match callable
            .subject
            .as_ref()
            .map(|(spec, _)| self.argument(&site.arguments, spec))
        {
            None | Some(Arg::Absent) => Subject::Absent,
            Some(Arg::Hidden) if site.creation => Subject::Absent,
            Some(Arg::Hidden) => Subject::Unknown,
            Some(Arg::Value(value)) => subject_of(&value),
        };
        let subject = match subject {
            Subject::Unknown if site.creation => Subject::Absent,
            s => s,
        };
        let command = if callable.command.is_some() {
            arg(&callable.command)
        } else if through_shell {
            arg(&callable.argv)
        } else {
            None
        };
        let argv = match command {
            Some(Arg::Value(Val::Str { value, .. })) => plain_words(&value),
            _ => None,
        };
        Facts {
            shell,
            program,
            subject,
            argv,
        }
    }

    fn findings(&self, site: &Site<'m, 'c>) -> Vec<Finding> {
        let facts = self.facts(site);
        let rules = self.ctx.rules;
        let base = self.ctx.base;
        let judged = Judged {
            program: program_state(&facts.program, base),
            is_shell: matches!(&facts.program, Program::Named(p) if rules.is_shell_program(p)),
            subject: subject_state(
                &facts.subject,
                site.callable.subject.as_ref().map(|s| s.1),
                base,
            ),
        };
        let mut fired: Vec<(usize, &Case)> = Vec::new();
        for &index in &site.callable.rules {
            let rule = &rules.rules[index];
            let case = rule
                .cases
                .iter()
                .find(|case| holds(case, &facts, &judged, self.ctx));
            if let Some(case) = case {
                fired.push((index, case));
            }
        }
        let kept: Vec<(usize, &Case)> = fired
            .iter()
            .copied()
            .filter(|(i, _)| {
                let code = rules.rules[*i].code.as_str();
                let suppressors: Vec<&crate::rules::Rule> = fired
                    .iter()
                    .map(|(j, _)| &rules.rules[*j])
                    .filter(|r| r.suppresses.iter().any(|s| s == code))
                    .collect();
                if suppressors.iter().any(|r| !r.is_builtin()) {
                    rules.count_suppressed_by_user_rule();
                }
                suppressors.is_empty()
            })
            .collect();
        // A call's failure is judged once for each thing its rules say it
        // needs.
        let mut verdicts = Vec::new();
        kept.into_iter()
            .map(|(i, case)| {
                let finding = self.finding(site, &facts, i, case);
                match rules.rules[i].handled {
                    Some(handled) => self.judged(finding, handled, site, &facts, &mut verdicts),
                    None => finding,
                }
            })
            .collect()
    }

    fn finding(&self, site: &Site<'m, 'c>, facts: &Facts, index: usize, case: &Case) -> Finding {
        let rules = self.ctx.rules;
        let base = self.ctx.base;
        let rule = &rules.rules[index];
        let program_text = match &facts.program {
            Program::Named(p) => p.clone(),
            Program::Interpreter => match &base.python {
                Some(py) => format!("sys.executable ({})", py.executable),
                None => "sys.executable".to_string(),
            },
            _ => String::new(),
        };
        let interpreter = match &facts.program {
            Program::Named(p) => base
                .find_executable(p)
                .and_then(|e| e.interpreter.clone())
                .unwrap_or_default(),
            _ => String::new(),
        };
        let call_text = match &site.via {
            Some(via) => format!("{} via {via}", site.callee),
            None => site.callee.clone(),
        };
        let simple = |name: &str| -> String {
            match name {
                "callee" => site.callee.clone(),
                "via" => site.via.clone().unwrap_or_default(),
                "call" => call_text.clone(),
                "program" => program_text.clone(),
                "base" => base.name.clone(),
                "shell" => "/bin/sh".to_string(),
                "interpreter" => interpreter.clone(),
                "python" => base
                    .python
                    .as_ref()
                    .map(|p| p.executable.clone())
                    .unwrap_or_default(),
                "subject" => match &facts.subject {
                    Subject::Literal(value) => value.clone(),
                    Subject::Nothing => "None".to_string(),
                    _ => String::new(),
                },
                "ca-bundle" => base.facts.ca_bundle.clone().unwrap_or_default(),
                "locales" => base.locales_text(),
                "lang" => base.facts.lang.clone().unwrap_or_default(),
                "argv" => facts
                    .argv
                    .as_ref()
                    .map(|words| {
                        let quoted: Vec<String> =
                            words.iter().map(|w| format!("\"{w}\"")).collect();
                        format!("[{}]", quoted.join(", "))
                    })
                    .unwrap_or_default(),
                _ => String::new(),
            }
        };
        let error_template = case
            .error
            .clone()
            .or_else(|| site.callable.error.clone())
            .unwrap_or_default();
        let error = render(&error_template, &simple);
        let values = |name: &str| -> String {
            if name == "error" {
                error.clone()
            } else {
                simple(name)
            }
        };
        let mut message = render(&case.message, &values);
        let default_of = match &facts.program {
            Program::Named(_) => self.environment_variable_of_program(site),
            _ => None,
        };
        if let Some(variable) = &default_of {
            message.push_str(&format!(
                " (`{program_text}` is the default of the environment variable {variable}, used when it is not set)"
            ));
        }
        let help = render(&case.help, &values);
        let span = site.call.span;
        let location = self.source.location(span.start as usize, span.end as usize);
        let mut finding = Finding::new(
            &rule.code,
            case.severity,
            rule.family,
            self.path,
            message,
            help,
        )
        .with_location(location)
        .with_field("callee", site.callee.clone())
        .with_field("family", rule.family.as_str());
        if let Some(via) = &site.via {
            finding = finding.with_field("via", via.clone());
        }
        if !program_text.is_empty() {
            finding = finding.with_field("program", program_text);
        }
        if let Some(variable) = default_of {
            finding = finding.with_field("default-of", variable);
        }
        if let Subject::Literal(value) = &facts.subject {
            finding = finding.with_field("subject", value.clone());
        }
        if let Some(wrapper) = self.wrappers_here.iter().find(|w| w.call == site.id) {
            match rule.handled.map(|h| h.needs) {
                Some(Needs::Shell) if facts.shell == ShellState::Unknown => {
                    if let Some(source) = wrapper.shell_source() {
                        finding = finding.with_field(SHELL_SOURCE_FIELD, source);
                    }
                }
                Some(Needs::Program) if facts.program == Program::Unknown => {
                    finding = finding.with_field(PROGRAM_SOURCE_FIELD, wrapper.program_source());
                }
                _ => {}
            }
        }
        finding.distribution = self.ctx.distribution.clone();
        finding
    }
}

/// The states of a call's facts on the base, which cases test.
struct Judged {
    program: ProgramState,
    is_shell: bool,
    subject: SubjectState,
}

fn holds(case: &Case, facts: &Facts, judged: &Judged, ctx: &PythonContext<'_>) -> bool {
    let when = &case.when;
    let (state, is_shell) = (judged.program, judged.is_shell);
    if let Some(states) = &when.subject {
        if !states.contains(&judged.subject) {
            return false;
        }
    }
    if let Some(values) = &when.subject_in {
        let Subject::Literal(value) = &facts.subject else {
            return false;
        };
        if !values.contains(value) {
            return false;
        }
    }
    if let Some(shell) = &when.shell {
        if !shell.contains(&facts.shell) {
            return false;
        }
    }
    if let Some(states) = &when.program {
        if !states.contains(&state) {
            return false;
        }
    }
    if let Some(want) = when.program_is_shell {
        if want != is_shell {
            return false;
        }
    }
    if let Some(want) = when.command_is_argv {
        if want != facts.argv.is_some() {
            return false;
        }
    }
    if let Some(names) = &when.program_in {
        let Program::Named(p) = &facts.program else {
            return false;
        };
        let base_name = p.rsplit('/').next().unwrap_or(p);
        if !names.iter().any(|n| n == p || n == base_name) {
            return false;
        }
    }
    when.context_holds(ctx.base, ctx.installed)
}

fn subject_of(value: &Val) -> Subject {
    match value {
        Val::Str { value, .. } => Subject::Literal(value.clone()),
        Val::None => Subject::Nothing,
        // `setlocale(LC_ALL, ("de_DE", "UTF-8"))`: Python joins the pair.
        Val::List(items) => match items.as_slice() {
            [Val::Str {
                value: language, ..
            }, Val::Str {
                value: encoding, ..
            }] => Subject::Literal(format!("{language}.{encoding}")),
            _ => Subject::Unknown,
        },
        _ => Subject::Unknown,
    }
}

fn subject_state(subject: &Subject, kind: Option<SubjectKind>, base: &BaseImage) -> SubjectState {
    let Some(kind) = kind else {
        return SubjectState::Absent;
    };
    match (subject, kind) {
        (Subject::Absent, _) => SubjectState::Absent,
        (Subject::Unknown, _) => SubjectState::Unknown,
        (Subject::Nothing, SubjectKind::Library) => SubjectState::Found,
        // `setlocale(category, None)` only asks.
        (Subject::Nothing, SubjectKind::Locale) => SubjectState::Absent,
        (Subject::Nothing, _) => SubjectState::Unknown,
        (Subject::Literal(value), SubjectKind::Library) => library_state(value, base),
        (Subject::Literal(value), SubjectKind::LibraryName) => found_if(in_ldconfig(value, base)),
        (Subject::Literal(value), SubjectKind::CffiLibrary) => {
            let direct = if value.contains(['.', '/']) {
                library_state(value, base)
            } else {
                SubjectState::Missing
            };
            match direct {
                SubjectState::Missing => found_if(in_ldconfig(value, base)),
                state => state,
            }
        }
        (Subject::Literal(value), SubjectKind::Locale) => found_if(base.has_locale(value)),
        (Subject::Literal(_), SubjectKind::Text) => SubjectState::Literal,
    }
}

/// Whether `ctypes.util.find_library(name)` finds the library: it reads
/// `ldconfig -p` (the ld.so.cache) for a `lib<name>.` entry; its other
/// two ways, gcc and ld, are never on these images.
fn in_ldconfig(name: &str, base: &BaseImage) -> bool {
    let prefix = format!("lib{name}.");
    base.facts.ldconfig
        && base.loader.ld_so_cache
        && base
            .loader
            .cache_entries
            .iter()
            .any(|e| e.soname.starts_with(&prefix))
}

fn found_if(found: bool) -> SubjectState {
    if found {
        SubjectState::Found
    } else {
        SubjectState::Missing
    }
}

/// Where dlopen finds `name` when the Python process opens it: a path is
/// that file; a bare name goes through the cache and the default
/// directories (the interpreter has no RUNPATH, and distroless sets no
/// LD_LIBRARY_PATH). A relative path depends on the working directory,
/// most likely the application's own file, so it is not judged.
fn library_state(name: &str, base: &BaseImage) -> SubjectState {
    if name.is_empty() {
        return SubjectState::Unknown;
    }
    if name.starts_with('/') {
        return found_if(base.library_at(&crate::base::normalize(name)).is_some());
    }
    if name.contains('/') {
        return SubjectState::Unknown;
    }
    found_if(base.find_system_library(name).is_some())
}

/// How the program is read from an argument.
#[derive(Debug, Clone, Copy)]
enum Form {
    /// A program path (`os.execv(path, ...)`, `executable=`).
    Path,
    /// A shell command line (`os.system(cmd)`).
    Command,
    /// An argv list or, without a shell, a string naming the program.
    Argv,
    /// An argv when `shell=True`: a string (or the list's first item) is a
    /// command line.
    ShellArgv,
}

fn program_of(value: &Val, form: Form, rules: &RuleSet) -> Program {
    match (form, value) {
        (_, Val::Interpreter) => Program::Interpreter,
        (Form::Path | Form::Argv, Val::Str { value, .. }) => Program::Named(value.clone()),
        (Form::Command | Form::ShellArgv, Val::Str { value, .. }) => {
            command_program(value, true, rules)
        }
        (Form::Command | Form::ShellArgv, Val::StrPrefix(prefix)) => {
            command_program(prefix, false, rules)
        }
        (Form::Argv | Form::ShellArgv, Val::List(items)) => match items.first() {
            Some(Val::Starred(_)) | None => Program::Unknown,
            Some(first) => {
                let inner = if matches!(form, Form::ShellArgv) {
                    Form::Command
                } else {
                    Form::Path
                };
                program_of(first, inner, rules)
            }
        },
        _ => Program::Unknown,
    }
}

/// The words of a command line that means the same without a shell: no
/// quotes, escapes, operators, globs, expansions or comments, and no
/// leading `NAME=value`. `None` for anything else.
fn plain_words(command: &str) -> Option<Vec<String>> {
    let plain = |c: char| c.is_ascii_alphanumeric() || "-_./=:,@%+".contains(c);
    if !command.chars().all(|c| plain(c) || c == ' ' || c == '\t') {
        return None;
    }
    let words: Vec<String> = command.split_whitespace().map(str::to_string).collect();
    let first = words.first()?;
    (!first.contains('=')).then_some(words)
}

/// The program a shell command line starts: its first word, after variable
/// assignments and `exec`; nothing for a builtin (`cd`, `export`, ...).
/// `complete` is false when only a prefix of the command is known.
fn command_program(command: &str, complete: bool, rules: &RuleSet) -> Program {
    const OPERATORS: &str = "|&;<>()\n";
    let mut rest = command;
    loop {
        rest = rest.trim_start_matches([' ', '\t']);
        let end = rest
            .find(|c: char| c == ' ' || c == '\t' || OPERATORS.contains(c))
            .unwrap_or(rest.len());
        let raw = &rest[..end];
        if raw.is_empty() || (end == rest.len() && !complete) {
            // An operator first (`(cd x)`), nothing at all, or a word that may
            // continue past what is known.
            return Program::Unknown;
        }
        if raw.contains(['$', '`', '*', '?', '[', '~', '{']) {
            return Program::Unknown;
        }
        let word = match shell_words(raw).as_deref() {
            Some([word]) => word.to_string(),
            _ => return Program::Unknown,
        };
        rest = &rest[end..];
        if is_assignment(&word) || word == "exec" || word == "command" {
            continue;
        }
        return finish_word(&word, rules);
    }
}

fn finish_word(word: &str, rules: &RuleSet) -> Program {
    if rules.is_shell_builtin(word) {
        Program::Absent
    } else {
        Program::Named(word.to_string())
    }
}

fn is_assignment(word: &str) -> bool {
    match word.split_once('=') {
        Some((name, _)) => {
            !name.is_empty()
                && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
                && !name.starts_with(|c: char| c.is_ascii_digit())
        }
        None => false,
    }
}

fn program_state(program: &Program, base: &BaseImage) -> ProgramState {
    match program {
        Program::Absent => ProgramState::Absent,
        Program::Unknown => ProgramState::Unknown,
        Program::Interpreter => match &base.python {
            Some(py) => executable_state(base, &py.executable),
            None => ProgramState::Missing,
        },
        // `./run.sh`, `bin/tool`: relative to the working directory at run
        // time, most likely the application's own file, not the base's.
        Program::Named(name) if name.contains('/') && !name.starts_with('/') => {
            ProgramState::Unknown
        }
        Program::Named(name) => executable_state(base, name),
    }
}

fn executable_state(base: &BaseImage, program: &str) -> ProgramState {
    let Some(found) = base.find_executable(program) else {
        return ProgramState::Missing;
    };
    // Follow the image's own symlinks (bounded) to what actually runs.
    let mut current = found;
    for _ in 0..8 {
        if !current.runnable {
            return ProgramState::NotRunnable;
        }
        let Some(target) = &current.link_target else {
            break;
        };
        let path = if target.starts_with('/') {
            target.clone()
        } else {
            let dir = current.path.rsplit_once('/').map(|(d, _)| d).unwrap_or("");
            format!("{dir}/{target}")
        };
        match base.find_executable(&crate::base::normalize(&path)) {
            Some(next) => current = next,
            None => break,
        }
    }
    ProgramState::Found
}

/// The alias a call was written through, when it differs from the
/// qualified name: `sp.check_output` for `subprocess.check_output` gives
/// `sp`; `getattr(os, "system")` is quoted whole.
fn via(written: &str, qualified: &str) -> Option<String> {
    if written.is_empty() || written == qualified {
        return None;
    }
    let is_chain = written
        .split('.')
        .all(|p| !p.is_empty() && p.chars().all(|c| c.is_alphanumeric() || c == '_'));
    if !is_chain {
        return Some(written.to_string());
    }
    let w: Vec<&str> = written.split('.').collect();
    let q: Vec<&str> = qualified.split('.').collect();
    let common = w
        .iter()
        .rev()
        .zip(q.iter().rev())
        .take_while(|(a, b)| a == b)
        .count();
    let w_rest = &w[..w.len() - common];
    let q_rest = &q[..q.len() - common];
    if w_rest.is_empty() || w_rest == q_rest {
        None
    } else {
        Some(w_rest.join("."))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn via_names_the_alias_only() {
        assert_eq!(
            via("sp.check_output", "subprocess.check_output").as_deref(),
            Some("sp")
        );
        assert_eq!(via("os.system", "os.system"), None);
        assert_eq!(via("system", "os.system"), None);
        assert_eq!(via("s", "os.system").as_deref(), Some("s"));
        assert_eq!(
            via("getattr(os, \"system\")", "os.system").as_deref(),
            Some("getattr(os, \"system\")")
        );
    }

    #[test]
    fn shell_commands_name_their_first_program() {
        let rules = RuleSet::builtin(crate::checks::NATIVE).unwrap();
        let p = |c: &str, complete: bool| command_program(c, complete, &rules);
        assert_eq!(p("ls -l", true), Program::Named("ls".into()));
        assert_eq!(p("LANG=C git status", true), Program::Named("git".into()));
        assert_eq!(p("cd /tmp && make", true), Program::Absent);
        assert_eq!(p("git ", false), Program::Named("git".into()));
        assert_eq!(p("gi", false), Program::Unknown);
        assert_eq!(p("$(which git) log", true), Program::Unknown);
        assert_eq!(p("rm -rf build; make", true), Program::Named("rm".into()));
        assert_eq!(p("echo hi | tee x", true), Program::Absent);
    }
}
