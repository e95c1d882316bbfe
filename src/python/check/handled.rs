//! What a call's findings become when the code handles its failure (see
//! `handling`): the rule's `handled` severity and a sentence on what
//! happens instead, or a note that a handler catches the failure but
//! raises again. The code and fingerprint stay.

use super::{Arguments, CallChecker, Facts, Program, Site, Subject};
use crate::finding::{Finding, Severity};
use crate::python::handling::{Failure, Key, Verdict};
use crate::python::ir::{Expr, ScopeId};
use crate::rules::{ArgSpec, Handled, Needs, ShellState};

impl<'c, 'm> CallChecker<'c, 'm> {
    /// `finding` as the handling of its call's failure makes it; `verdicts`
    /// keeps the call's verdicts, one for each thing its rules need.
    pub(super) fn judged(
        &self,
        mut finding: Finding,
        handled: Handled,
        site: &Site<'m, 'c>,
        facts: &Facts,
        verdicts: &mut Vec<(Needs, Verdict)>,
    ) -> Finding {
        let verdict = match verdicts.iter().find(|(needs, _)| *needs == handled.needs) {
            Some((_, verdict)) => verdict.clone(),
            None => {
                let failure = self.failure(site, facts, handled.needs);
                let verdict = self.handling.judge(site.call, &failure);
                verdicts.push((handled.needs, verdict.clone()));
                verdict
            }
        };
        self.apply(
            &mut finding,
            &verdict,
            handled.severity,
            site,
            facts,
            handled.needs,
        );
        finding
    }

    /// How the call fails on the base, as far as handling it goes.
    fn failure(&self, site: &Site<'m, 'c>, facts: &Facts, needs: Needs) -> Failure<'c> {
        let callable = site.callable;
        let mut keys = Vec::new();
        let mut add = |more: Vec<Key>| {
            for key in more {
                if !keys.contains(&key) {
                    keys.push(key);
                }
            }
        };
        match needs {
            Needs::Program => {
                if let Program::Named(program) = &facts.program {
                    add(vec![Key::Literal(program.clone())]);
                }
                if let Some((scope, expr)) = self.program_expression(site) {
                    add(self.handling.keys(expr, scope));
                }
            }
            Needs::Shell => add(vec![
                Key::Literal("/bin/sh".to_string()),
                Key::Literal("sh".to_string()),
            ]),
            Needs::Subject => {
                let subject = callable
                    .subject
                    .as_ref()
                    .and_then(|(spec, _)| self.expression(&site.arguments, spec));
                if let Some((scope, expr)) = subject {
                    add(self.handling.keys(expr, scope));
                }
            }
        }
        // Through a shell, a missing program is the shell's exit status
        // 127, not an exception; only a program started directly raises.
        let direct = !(needs == Needs::Program && facts.shell != ShellState::False);
        Failure {
            call: site.id,
            raises: (direct && !callable.raises.is_empty()).then_some(callable.raises.as_slice()),
            keys,
            returns_none: callable.returns_none,
            program: match &facts.program {
                Program::Named(program) => Some(program.clone()),
                _ => None,
            },
        }
    }

    /// The expression the program is read from, when one argument is it:
    /// `executable=`, the program argument, or the argv list's first item.
    pub(super) fn program_expression(&self, site: &Site<'m, 'c>) -> Option<(ScopeId, &'m Expr)> {
        let callable = site.callable;
        if let Some(found) = callable
            .executable
            .as_ref()
            .and_then(|spec| self.expression(&site.arguments, spec))
            .filter(|(_, expr)| !matches!(expr, Expr::None))
        {
            return Some(found);
        }
        if callable.command.is_some() {
            return None;
        }
        if let Some(spec) = &callable.program {
            return self.expression(&site.arguments, spec);
        }
        let (scope, argv) = self.expression(&site.arguments, callable.argv.as_ref()?)?;
        match argv {
            Expr::List(items) => items
                .first()
                .filter(|first| !matches!(first, Expr::Starred(_)))
                .map(|first| (scope, first)),
            _ => None,
        }
    }

    /// The expression passed for `spec`, by keyword or at its position
    /// (not through `*args` or `**mapping`).
    fn expression(&self, args: &Arguments<'m>, spec: &ArgSpec) -> Option<(ScopeId, &'m Expr)> {
        if let Some(found) = spec.keyword.as_deref().and_then(|k| args.keyword(k)) {
            return Some(found);
        }
        let position = spec.position?;
        let before = args.positional.get(..position)?;
        if before
            .iter()
            .any(|(_, expr)| matches!(expr, Expr::Starred(_)))
        {
            return None;
        }
        args.positional
            .get(position)
            .filter(|(_, expr)| !matches!(expr, Expr::Starred(_)))
            .map(|(scope, expr)| (*scope, *expr))
    }

    /// Turns a finding into what the code makes of the failure: a handled
    /// one takes the rule's `handled` severity (never a stronger one) and
    /// says what happens instead; one a handler catches and raises again
    /// says so.
    fn apply(
        &self,
        finding: &mut Finding,
        verdict: &Verdict,
        severity: Severity,
        site: &Site<'m, 'c>,
        facts: &Facts,
        needs: Needs,
    ) {
        let line = |offset: u32| self.source.location(offset as usize, offset as usize).line;
        match verdict {
            Verdict::Handled(handled) => {
                let what = self.needed(site, facts, needs);
                finding.severity = finding.severity.min(severity);
                finding.message = format!(
                    "{}; handled: {}",
                    finding.message,
                    handled.sentence(&what, line)
                )
                .into();
                finding
                    .fields
                    .insert("handled".to_string(), handled.summary(line).into());
            }
            Verdict::Unhandled(Some(reraised)) => {
                finding.message =
                    format!("{}; {}", finding.message, reraised.sentence(line)).into();
            }
            Verdict::Unhandled(None) => {}
        }
    }

    /// What the call needs, as a handled finding names it.
    fn needed(&self, site: &Site<'m, 'c>, facts: &Facts, needs: Needs) -> String {
        let named = |expr: Option<(ScopeId, &Expr)>| match expr {
            Some((_, Expr::Name { id, .. })) => Some(format!("`{id}`")),
            _ => None,
        };
        match needs {
            Needs::Shell => "/bin/sh".to_string(),
            Needs::Program => match &facts.program {
                Program::Named(program) => format!("`{program}`"),
                _ => named(self.program_expression(site)).unwrap_or_else(|| "the program".into()),
            },
            Needs::Subject => match &facts.subject {
                Subject::Literal(value) => format!("`{value}`"),
                _ => named(
                    site.callable
                        .subject
                        .as_ref()
                        .and_then(|(spec, _)| self.expression(&site.arguments, spec)),
                )
                .unwrap_or_else(|| "it".into()),
            },
        }
    }
}
