//! Tests that a program (or file) is there before the code uses it:
//! `if shutil.which("tesseract"):`, `if os.path.exists(path):`,
//! `if not shutil.which("x"): return`, `tess = shutil.which("x")` then
//! `if tess is not None:`.
//!
//! A test counts only through what it says when true or false: the call
//! itself, `not`, `is None`/`is not None` (and `==`/`!=` None), the operands
//! of `and` (when true) and of `or` (when false), and a name assigned such
//! a test once. What it establishes is named by keys — the literal and the
//! name it was given — which a guarded call must share: a guard on another
//! program guards nothing.

use std::collections::HashMap;

use super::nesting::Nesting;
use super::{may_raise, Key};
use crate::python::ir::{Call, CallId, Comparison, Ending, Expr, Module, ScopeId, Span};
use crate::python::resolve::{Callee, Resolver, Val};
use crate::rules::{ArgSpec, RuleSet};

/// How far a test is followed through names.
const MAX_DEPTH: usize = 16;

/// Functions true only when the path exists. Lookups that return `None`
/// when what they look for is absent (`shutil.which`) are the rules'
/// `returns-none` callables.
const PATH_TESTS: &[&str] = &[
    "os.path.exists",
    "os.path.lexists",
    "os.path.isfile",
    "os.access",
];
/// `pathlib.Path(p).exists()` and its kind.
const PATH_CLASSES: &[&str] = &["pathlib.Path", "pathlib.PosixPath"];
const PATH_METHODS: &[&str] = &["exists", "is_file"];

/// What a test establishes about one program or path.
#[derive(Debug, Clone)]
pub struct Fact {
    /// The names of what is present.
    pub keys: Vec<Key>,
    /// The call that tests it (`shutil.which(...)`).
    pub call: CallId,
    /// Its qualified name, as the message quotes it.
    pub test: String,
    /// Where the `if` tests it.
    pub at: u32,
}

/// Code that runs only when what `facts` name is present, and whose
/// alternative does not end by raising.
#[derive(Debug)]
pub struct Guard {
    pub span: Span,
    pub scope: ScopeId,
    pub facts: Vec<Fact>,
}

/// Every guard of a module, and every lookup whose result a test checks.
#[derive(Debug, Default)]
pub struct Guards {
    pub guards: Vec<Guard>,
    /// Lookup calls (`shutil.which`) a test checks for `None`, with where.
    pub checked: HashMap<CallId, u32>,
    /// The guards' spans.
    nesting: Nesting,
}

impl Guards {
    pub fn find(module: &Module, resolver: &Resolver<'_>, rules: &RuleSet) -> Guards {
        let tests = Tests {
            resolver,
            module,
            rules,
        };
        let mut found = Guards::default();
        for branch in &module.branches {
            let present = tests.implies(&branch.test, branch.scope, true, 0);
            let absent = tests.implies(&branch.test, branch.scope, false, 0);
            if present.is_empty() && absent.is_empty() {
                continue;
            }
            let raises = |ends: &[Ending]| may_raise(ends, module, resolver);
            if !present.is_empty() && !raises(&branch.otherwise_ends) {
                found.note_checked(&present);
                found.guards.push(Guard {
                    span: branch.then,
                    scope: branch.scope,
                    facts: present,
                });
            }
            if absent.is_empty() || raises(&branch.then_ends) {
                continue;
            }
            found.note_checked(&absent);
            if let Some(otherwise) = branch.otherwise {
                found.guards.push(Guard {
                    span: otherwise,
                    scope: branch.scope,
                    facts: absent.clone(),
                });
            }
            // `if not shutil.which("x"): return`: what follows runs only
            // when the test was false.
            let leaves = !branch.then_ends.is_empty()
                && branch.then_ends.iter().all(|e| matches!(e, Ending::Leaves));
            if let (Some(after), true) = (branch.after, leaves) {
                found.guards.push(Guard {
                    span: after,
                    scope: branch.scope,
                    facts: absent,
                });
            }
        }
        found.nesting = Nesting::new(found.guards.iter().map(|g| g.span));
        found
    }

    /// The guards whose code holds `offset`, innermost first, as indices
    /// into [`Guards::guards`].
    pub fn holding(&self, offset: u32) -> Vec<usize> {
        self.nesting.holding(offset)
    }

    fn note_checked(&mut self, facts: &[Fact]) {
        for fact in facts {
            self.checked.entry(fact.call).or_insert(fact.at);
        }
    }
}

struct Tests<'r, 'm> {
    resolver: &'r Resolver<'m>,
    module: &'m Module,
    rules: &'r RuleSet,
}

impl Tests<'_, '_> {
    /// What holds when `test`, evaluated in `scope`, is `when`.
    fn implies(&self, test: &Expr, scope: ScopeId, when: bool, depth: usize) -> Vec<Fact> {
        if depth > MAX_DEPTH {
            return Vec::new();
        }
        match test {
            Expr::Call(id) if when => self.presence(*id).into_iter().collect(),
            Expr::Name { id, offset } => {
                let Some((value, value_scope)) = self.resolver.assigned_value(id, scope, *offset)
                else {
                    return Vec::new();
                };
                let mut facts = self.implies(value, value_scope, when, depth + 1);
                for fact in &mut facts {
                    fact.keys.push(Key::Name(id.clone()));
                    fact.at = *offset;
                }
                facts
            }
            Expr::Not(operand) => self.implies(operand, scope, !when, depth + 1),
            Expr::Compare { left, rest } => match rest.as_slice() {
                [(Comparison::Is | Comparison::Eq, Expr::None)] => {
                    self.implies(left, scope, !when, depth + 1)
                }
                [(Comparison::IsNot | Comparison::NotEq, Expr::None)] => {
                    self.implies(left, scope, when, depth + 1)
                }
                _ => Vec::new(),
            },
            // `a and b` is true only when both are; `a or b` false only
            // when both are.
            Expr::BoolOp { and, values } if *and == when => values
                .iter()
                .flat_map(|value| self.implies(value, scope, when, depth + 1))
                .collect(),
            _ => Vec::new(),
        }
    }

    /// The fact a call establishes when it returns something true.
    fn presence(&self, id: CallId) -> Option<Fact> {
        let call = self.module.calls.get(id)?;
        let (test, subject, scope) = match self.resolver.callee(&call.func, call.scope) {
            Callee::Qualified(name) if PATH_TESTS.contains(&name.as_str()) => {
                (name, call.args.first()?, call.scope)
            }
            Callee::Qualified(name) => {
                let lookup = self
                    .rules
                    .callable_named(&name)
                    .filter(|callable| callable.returns_none)?;
                let spec = [&lookup.program, &lookup.argv]
                    .into_iter()
                    .flatten()
                    .next()
                    .or(lookup.subject.as_ref().map(|(spec, _)| spec))?;
                (name, argument(call, spec)?, call.scope)
            }
            Callee::Method(method) if PATH_METHODS.contains(&method.as_str()) => {
                let Expr::Attribute { value, .. } = &call.func else {
                    return None;
                };
                let Expr::Call(inner) = value.as_ref() else {
                    return None;
                };
                let made = self.module.calls.get(*inner)?;
                match self.resolver.callee(&made.func, made.scope) {
                    Callee::Qualified(class) if PATH_CLASSES.contains(&class.as_str()) => {
                        (format!("{class}.{method}"), made.args.first()?, made.scope)
                    }
                    _ => return None,
                }
            }
            _ => return None,
        };
        let keys = keys(self.resolver, subject, scope);
        (!keys.is_empty()).then_some(Fact {
            keys,
            call: id,
            test,
            at: call.span.start,
        })
    }
}

/// The expression passed for `spec`, by keyword or at its position.
fn argument<'m>(call: &'m Call, spec: &ArgSpec) -> Option<&'m Expr> {
    let keyword = spec.keyword.as_deref().and_then(|name| {
        call.keywords
            .iter()
            .find(|k| k.name.as_deref() == Some(name))
            .map(|k| &k.value)
    });
    let positional = spec.position.and_then(|position| {
        let before = call.args.get(..position)?;
        if before.iter().any(|arg| matches!(arg, Expr::Starred(_))) {
            return None;
        }
        call.args.get(position)
    });
    keyword.or(positional)
}

/// The keys that name `expr`'s value: its name when it is one, and its
/// string when that is known.
pub fn keys(resolver: &Resolver<'_>, expr: &Expr, scope: ScopeId) -> Vec<Key> {
    let mut keys = Vec::new();
    if let Expr::Name { id, .. } = expr {
        keys.push(Key::Name(id.clone()));
    }
    if let Val::Str { value, .. } = resolver.value(expr, scope) {
        keys.push(Key::Literal(value));
    }
    keys
}
