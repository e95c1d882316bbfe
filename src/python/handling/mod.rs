//! Failures the code already handles. A call that fails on the base is not
//! broken there when the code has planned for the failure:
//!
//! - **caught**: the call is in the body of a `try` statement (any
//!   enclosing one, innermost first, in the same function) whose first
//!   matching handler catches what the call raises there — for a missing
//!   program, `FileNotFoundError`, `OSError` or one of its old names,
//!   `Exception`, `BaseException`, a bare `except:`, or a tuple holding one
//!   — and degrades;
//! - **guarded**: the call runs only when a test found what it needs
//!   (`if shutil.which("tesseract"):`, `if os.path.exists(path):`, the
//!   `else` of `if not shutil.which(x):`, the code after
//!   `if not shutil.which(x): return`), the test naming the same program by
//!   the same literal or the same name;
//! - **checked**: a lookup that returns `None` instead of failing
//!   (`shutil.which`, `find_library`) whose result a test like those
//!   checks;
//! - **an import's fallback**: a package installer started in the handler
//!   of a `try` that only imports (`try: import psycopg2` / `except
//!   ImportError: pip install …`) runs only when the image lacks that
//!   dependency.
//!
//! *Degrades* means the code that runs instead does not end by raising or
//! exiting: a handler whose last statement is `raise`, `raise X(...)` or
//! `sys.exit(...)` (or an `if` whose branches may end so) does not handle
//! the failure, it reports it. What it raises is passed on to the `try`
//! statements around the handler, which may handle that in turn; a class
//! that cannot be named statically is handled by nobody. The same holds
//! for what a guard runs when the program is absent
//! (`if not shutil.which("x"): raise RuntimeError(...)` handles nothing).
//!
//! Limits: only the last statement of a block is read (a handler that
//! raises in the middle of its block on some condition still degrades);
//! code in a `def` or `lambda` inside a `try` or a guarded block is not
//! protected by it, since it runs later; a name is compared by its
//! spelling, not followed through reassignment; `contextlib.suppress` and
//! an application's own `which` (a function that walks `PATH`) are not
//! recognised, so what they protect is still reported as it was.

mod guards;
mod nesting;

use std::cell::OnceCell;

use crate::rules::exceptions::Exception;
use guards::Guards;
use nesting::Nesting;

use super::ir::{BindingKind, Call, CallId, Ending, Expr, Handler, Module, ScopeId, ScopeKind};
use super::resolve::{Callee, Resolver};
use crate::rules::RuleSet;

/// Programs that install Python packages: started in the handler of a
/// failed import, they install what the image left out.
const INSTALLERS: &[&str] = &[
    "pip",
    "pip3",
    "uv",
    "poetry",
    "pipenv",
    "pdm",
    "conda",
    "mamba",
    "micromamba",
    "easy_install",
];

/// How deep handlers that raise again are followed outwards.
const MAX_RERAISE: usize = 16;

/// Calls that end the program: `sys.exit` raises SystemExit, which handlers
/// may catch; the others end the process at once.
const EXITS: &[&str] = &["sys.exit", "builtins.exit", "builtins.quit"];
const TERMINATES: &[&str] = &["os._exit", "os.abort"];

/// A name for what a failing call needs, as guards compare them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Key {
    /// A known string: `"tesseract"`, `"/bin/sh"`.
    Literal(String),
    /// A variable holding it: `tess` in `subprocess.run([tess])`.
    Name(String),
}

/// How one call fails on the base.
#[derive(Debug)]
pub struct Failure<'a> {
    pub call: CallId,
    /// The exception it raises, its class then its bases up to a built-in
    /// one; `None` when it raises nothing (`os.system` returns 127).
    pub raises: Option<&'a [String]>,
    /// What a guard must establish: the keys of the program, shell or
    /// subject that is missing.
    pub keys: Vec<Key>,
    /// It returns `None` when what it looks for is absent.
    pub returns_none: bool,
    /// The program the call starts, directly or through a shell, when it
    /// is known.
    pub program: Option<String>,
}

/// Whether the code handles a failure.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    Handled(Handled),
    /// Not handled; with the handler that catches it but raises again,
    /// when there is one.
    Unhandled(Option<Reraised>),
}

/// What happens instead of the failure; offsets are into the source.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Handled {
    /// The call is skipped when what it needs is absent.
    Guarded { test: String, at: u32 },
    /// The lookup's `None` result is tested.
    Checked { at: u32 },
    /// The call is in the handler of a `try` that only imports a module:
    /// it runs only when that dependency is not installed.
    ImportFallback { module: String, at: u32 },
    /// A handler catches the exception and carries on.
    Caught {
        exception: String,
        /// `except OSError`, or `a bare except`.
        clause: String,
        at: u32,
    },
}

/// A handler that catches the exception and raises again.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reraised {
    pub exception: String,
    pub at: u32,
    /// What it does: `raises it again`, `raises RuntimeError`, `exits`.
    pub then: String,
}

impl Handled {
    /// The sentence a finding's message ends with; `what` names what the
    /// call needs (`` `tesseract` ``), `line` turns an offset into a line.
    pub fn sentence(&self, what: &str, line: impl Fn(u32) -> u32) -> String {
        match self {
            Handled::Guarded { test, at } => format!(
                "the call is skipped when {what} is absent: it is guarded by {test} at line {}",
                line(*at)
            ),
            Handled::Checked { at } => format!(
                "the None result is tested at line {}, so the code that needs {what} is skipped when it is absent",
                line(*at)
            ),
            Handled::ImportFallback { module, at } => format!(
                "it runs only when `import {module}` fails (the handler at line {}), so it never runs in an image that installs {module}",
                line(*at)
            ),
            Handled::Caught {
                exception,
                clause,
                at,
            } => format!(
                "the {exception} is caught at line {} ({clause}), whose handler runs instead",
                line(*at)
            ),
        }
    }

    /// A short form for the finding's `handled` field.
    pub fn summary(&self, line: impl Fn(u32) -> u32) -> String {
        match self {
            Handled::Guarded { test, at } => format!("guarded by {test} at line {}", line(*at)),
            Handled::Checked { at } => format!("result tested at line {}", line(*at)),
            Handled::ImportFallback { module, at } => {
                format!("runs only when import {module} fails (line {})", line(*at))
            }
            Handled::Caught { clause, at, .. } => {
                format!("caught at line {} ({clause})", line(*at))
            }
        }
    }
}

impl Reraised {
    pub fn sentence(&self, line: impl Fn(u32) -> u32) -> String {
        format!(
            "the {} is caught at line {}, but its handler {} and nothing around it handles that",
            self.exception,
            line(self.at),
            self.then
        )
    }
}

/// The handling analysis of one module; the guards are found the first
/// time a call needs them.
pub struct Handling<'r, 'm> {
    resolver: &'r Resolver<'m>,
    module: &'m Module,
    /// For the lookups that return `None` (`returns-none` callables).
    rules: &'r RuleSet,
    guards: OnceCell<Guards>,
    /// The bodies of the module's `try` statements.
    tries: OnceCell<Nesting>,
}

impl<'r, 'm> Handling<'r, 'm> {
    pub fn new(module: &'m Module, resolver: &'r Resolver<'m>, rules: &'r RuleSet) -> Self {
        Handling {
            resolver,
            module,
            rules,
            guards: OnceCell::new(),
            tries: OnceCell::new(),
        }
    }

    /// The keys naming `expr`'s value, for [`Failure::keys`].
    pub fn keys(&self, expr: &Expr, scope: ScopeId) -> Vec<Key> {
        guards::keys(self.resolver, expr, scope)
    }

    /// Whether the code handles `failure` of `call`: a guard first (it says
    /// most plainly what happens), then a test of the result, then a
    /// handler.
    pub fn judge(&self, call: &Call, failure: &Failure<'_>) -> Verdict {
        let guards = self
            .guards
            .get_or_init(|| Guards::find(self.module, self.resolver, self.rules));
        if !failure.keys.is_empty() {
            for index in guards.holding(call.span.start) {
                let Some(guard) = guards.guards.get(index) else {
                    continue;
                };
                if !runs_inline(self.module, call.scope, guard.scope) {
                    continue;
                }
                let fact = guard
                    .facts
                    .iter()
                    .find(|fact| fact.keys.iter().any(|k| failure.keys.contains(k)));
                if let Some(fact) = fact {
                    return Verdict::Handled(Handled::Guarded {
                        test: fact.test.clone(),
                        at: fact.at,
                    });
                }
            }
        }
        if failure.returns_none {
            if let Some(&at) = guards.checked.get(&failure.call) {
                return Verdict::Handled(Handled::Checked { at });
            }
        }
        if self.starts_an_installer(failure) {
            if let Some(fallback) = self.import_fallback(call) {
                return Verdict::Handled(fallback);
            }
        }
        let Some(exception) = failure.raises.and_then(Exception::declared) else {
            return Verdict::Unhandled(None);
        };
        match self.caught(&exception, call.span.start, call.scope, 0) {
            Ok(handled) => Verdict::Handled(handled),
            Err(reraised) => Verdict::Unhandled(reraised),
        }
    }

    /// Whether the program that fails is a package installer (`pip`, `uv`,
    /// ...).
    fn starts_an_installer(&self, failure: &Failure<'_>) -> bool {
        failure.program.as_deref().is_some_and(|program| {
            let name = program.rsplit('/').next().unwrap_or(program);
            INSTALLERS.contains(&name)
        })
    }

    /// When `call` runs only because an import failed: it is in a handler
    /// that catches `ModuleNotFoundError`, of a `try` whose body does
    /// nothing but import (`try: import psycopg2` / `except ImportError:
    /// pip install it`). Whether the image installs that module is the
    /// Dockerfile's business; the installer is not what breaks. Other
    /// fallbacks (the `tesseract` program when `pytesseract` is not
    /// installed) run whenever an optional dependency is left out, and stay
    /// reported.
    fn import_fallback(&self, call: &Call) -> Option<Handled> {
        let missing_module = Exception::builtin("ModuleNotFoundError")?;
        let offset = call.span.start;
        for statement in &self.module.tries {
            let Some(handler) = statement
                .handlers
                .iter()
                .find(|h| h.start <= offset && offset < h.end)
            else {
                continue;
            };
            if !runs_inline(self.module, call.scope, statement.scope)
                || self
                    .catches(handler, &missing_module, statement.scope)
                    .is_none()
                || self
                    .module
                    .calls
                    .iter()
                    .any(|c| statement.body.contains(c.span.start))
            {
                continue;
            }
            let mut imported = None;
            let mut only_imports = true;
            for binding in &self.module.scopes[statement.scope].bindings {
                if !statement.body.contains(binding.offset) {
                    continue;
                }
                match &binding.kind {
                    BindingKind::Module(import) | BindingKind::FromImport { from: import, .. } => {
                        imported.get_or_insert_with(|| import.module.clone());
                    }
                    _ => only_imports = false,
                }
            }
            match imported {
                Some(module) if only_imports && !module.is_empty() => {
                    return Some(Handled::ImportFallback {
                        module,
                        at: handler.start,
                    });
                }
                _ => {}
            }
        }
        None
    }

    /// Whether `exception`, raised at `offset` in `scope`, is handled by the
    /// `try` statements around it.
    fn caught(
        &self,
        exception: &Exception,
        offset: u32,
        scope: ScopeId,
        depth: usize,
    ) -> Result<Handled, Option<Reraised>> {
        if depth > MAX_RERAISE {
            return Err(None);
        }
        let tries = self
            .tries
            .get_or_init(|| Nesting::new(self.module.tries.iter().map(|t| t.body)));
        let around = tries
            .holding(offset)
            .into_iter()
            .filter_map(|index| self.module.tries.get(index))
            .filter(|t| runs_inline(self.module, scope, t.scope));
        for statement in around {
            // The first handler that matches is the one that runs.
            let Some((handler, clause)) = statement
                .handlers
                .iter()
                .find_map(|h| self.catches(h, exception, statement.scope).map(|c| (h, c)))
            else {
                continue;
            };
            let reraised = |then: String| Reraised {
                exception: exception.name().to_string(),
                at: handler.start,
                then,
            };
            let mut passed_on = Vec::new();
            for ending in &handler.ends {
                match self.outcome(ending, exception, handler, statement.scope) {
                    Outcome::CarriesOn => {}
                    Outcome::Raises(next, then) => passed_on.push((next, then)),
                    Outcome::Unknown(then) => return Err(Some(reraised(then))),
                }
            }
            let mut handled_outside = None;
            for (next, then) in passed_on {
                match self.caught(&next, handler.start, statement.scope, depth + 1) {
                    Ok(handled) => {
                        handled_outside.get_or_insert(handled);
                    }
                    Err(_) => return Err(Some(reraised(then))),
                }
            }
            return Ok(handled_outside.unwrap_or(Handled::Caught {
                exception: exception.name().to_string(),
                clause,
                at: handler.start,
            }));
        }
        Err(None)
    }

    /// The clause text when `handler` catches `exception`.
    fn catches(&self, handler: &Handler, exception: &Exception, scope: ScopeId) -> Option<String> {
        let Some(catches) = &handler.catches else {
            return Some("a bare except".to_string());
        };
        self.classes(catches, scope, 0)
            .into_iter()
            .find(|class| exception.caught_by(class))
            .map(|class| {
                format!(
                    "except {}",
                    class.strip_prefix("builtins.").unwrap_or(&class)
                )
            })
    }

    /// The classes an `except` clause names, as far as they can be named.
    fn classes(&self, expr: &Expr, scope: ScopeId, depth: usize) -> Vec<String> {
        if depth > MAX_RERAISE {
            return Vec::new();
        }
        match expr {
            Expr::List(items) => items
                .iter()
                .flat_map(|item| self.classes(item, scope, depth + 1))
                .collect(),
            Expr::Name { id, offset } => {
                // `ERRORS = (OSError, ValueError)` then `except ERRORS:`.
                if let Some((value, value_scope)) = self.resolver.assigned_value(id, scope, *offset)
                {
                    if matches!(value, Expr::List(_) | Expr::Name { .. }) {
                        return self.classes(value, value_scope, depth + 1);
                    }
                }
                qualified(self.resolver, expr, scope).into_iter().collect()
            }
            _ => qualified(self.resolver, expr, scope).into_iter().collect(),
        }
    }

    /// What a handler that caught `exception` does at one of its endings.
    fn outcome(
        &self,
        ending: &Ending,
        exception: &Exception,
        handler: &Handler,
        scope: ScopeId,
    ) -> Outcome {
        let again = || Outcome::Raises(exception.clone(), "raises it again".to_string());
        match ending {
            Ending::Falls | Ending::Leaves => Outcome::CarriesOn,
            Ending::Raises(None) => again(),
            Ending::Raises(Some(raised)) => {
                if let (Expr::Name { id, .. }, Some(name)) = (raised, &handler.name) {
                    if id == name {
                        return again();
                    }
                }
                let class = match raised {
                    Expr::Call(id) => self.module.calls.get(*id).map(|call| &call.func),
                    other => Some(other),
                };
                let name = class.and_then(|class| qualified(self.resolver, class, scope));
                match name.as_deref().and_then(Exception::builtin) {
                    Some(next) => {
                        let then = format!("raises {}", next.name());
                        Outcome::Raises(next, then)
                    }
                    None => Outcome::Unknown(match name {
                        Some(name) => format!("raises {name}"),
                        None => "raises another exception".to_string(),
                    }),
                }
            }
            Ending::Calls(id) => match stops(*id, self.module, self.resolver) {
                Stop::No => Outcome::CarriesOn,
                Stop::Raising => match Exception::builtin("SystemExit") {
                    Some(exit) => Outcome::Raises(exit, "exits".to_string()),
                    None => Outcome::Unknown("exits".to_string()),
                },
                Stop::Process => Outcome::Unknown("ends the process".to_string()),
            },
        }
    }
}

enum Outcome {
    CarriesOn,
    /// Raises this, as the message says it.
    Raises(Exception, String),
    /// Raises something no handler can be shown to catch.
    Unknown(String),
}

/// Whether a call ends the program.
enum Stop {
    No,
    /// By raising SystemExit.
    Raising,
    /// At once, past every handler.
    Process,
}

fn stops(id: CallId, module: &Module, resolver: &Resolver<'_>) -> Stop {
    let Some(call) = module.calls.get(id) else {
        return Stop::No;
    };
    match qualified(resolver, &call.func, call.scope).as_deref() {
        Some(name) if EXITS.contains(&name) => Stop::Raising,
        Some(name) if TERMINATES.contains(&name) => Stop::Process,
        _ => Stop::No,
    }
}

/// Whether a block ending in one of `ends` may raise or exit.
pub(super) fn may_raise(ends: &[Ending], module: &Module, resolver: &Resolver<'_>) -> bool {
    ends.iter().any(|ending| match ending {
        Ending::Raises(_) => true,
        Ending::Calls(id) => !matches!(stops(*id, module, resolver), Stop::No),
        Ending::Falls | Ending::Leaves => false,
    })
}

/// The qualified name `expr` refers to; a name nothing binds is a builtin.
fn qualified(resolver: &Resolver<'_>, expr: &Expr, scope: ScopeId) -> Option<String> {
    match resolver.callee(expr, scope) {
        Callee::Qualified(name) => Some(name),
        _ => match expr {
            Expr::Name { id, offset } if resolver.is_builtin_name(id, scope, *offset) => {
                Some(format!("builtins.{id}"))
            }
            _ => None,
        },
    }
}

/// Whether code in scope `inner` runs when the code around it in `outer`
/// does: through class bodies and comprehensions, not through a `def` or a
/// `lambda`, which run when called.
fn runs_inline(module: &Module, inner: ScopeId, outer: ScopeId) -> bool {
    let mut current = inner;
    // Scopes form a tree; the bound only guards against a malformed one.
    for _ in 0..module.scopes.len() + 1 {
        if current == outer {
            return true;
        }
        let Some(scope) = module.scopes.get(current) else {
            return false;
        };
        match (scope.kind, scope.parent) {
            (ScopeKind::Class | ScopeKind::Nested, Some(parent)) => current = parent,
            _ => return false,
        }
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::python::parse;

    const MISSING: &[&str] = &["FileNotFoundError"];

    /// The verdict on the first call to `subprocess.run` in `python`, whose
    /// program `tesseract` is missing, with each parser.
    fn verdicts(python: &str) -> Vec<Verdict> {
        let rules = RuleSet::builtin(crate::checks::NATIVE).unwrap();
        let raises: Vec<String> = MISSING.iter().map(|s| s.to_string()).collect();
        let modules = [
            parse::parse(python).module,
            parse::parse_with_fallback_only(python),
        ];
        modules
            .iter()
            .map(|module| {
                let resolver = Resolver::new(module, None, false);
                let handling = Handling::new(module, &resolver, &rules);
                let (id, call) = module
                    .calls
                    .iter()
                    .enumerate()
                    .find(|(_, call)| {
                        resolver.callee(&call.func, call.scope)
                            == Callee::Qualified("subprocess.run".into())
                    })
                    .expect("a subprocess.run call");
                let failure = Failure {
                    call: id,
                    raises: Some(&raises),
                    keys: vec![Key::Literal("tesseract".into())],
                    returns_none: false,
                    program: Some("tesseract".into()),
                };
                handling.judge(call, &failure)
            })
            .collect()
    }

    /// Both parsers' verdict, which must agree.
    fn verdict(python: &str) -> Verdict {
        let both = verdicts(python);
        assert_eq!(
            both[0], both[1],
            "ruff and tree-sitter disagree on:\n{python}"
        );
        both[0].clone()
    }

    fn is_handled(python: &str) -> bool {
        matches!(verdict(python), Verdict::Handled(_))
    }

    #[test]
    fn a_handler_that_logs_and_carries_on_handles_the_missing_program() {
        let python = "import subprocess\ndef f():\n    try:\n        subprocess.run(['tesseract'])\n    except OSError as error:\n        log(error)\n";
        assert_eq!(
            verdict(python),
            Verdict::Handled(Handled::Caught {
                exception: "FileNotFoundError".into(),
                clause: "except OSError".into(),
                at: python.find("except").unwrap() as u32,
            })
        );
    }

    #[test]
    fn a_handler_of_another_class_or_one_that_raises_does_not() {
        let wrong = "import subprocess\ntry:\n    subprocess.run(['tesseract'])\nexcept subprocess.SubprocessError:\n    pass\n";
        assert_eq!(verdict(wrong), Verdict::Unhandled(None));
        let raising = "import subprocess\ntry:\n    subprocess.run(['tesseract'])\nexcept OSError:\n    if quiet:\n        pass\n    else:\n        raise\n";
        let Verdict::Unhandled(Some(reraised)) = verdict(raising) else {
            panic!("a handler that may raise again handles nothing");
        };
        assert_eq!(reraised.then, "raises it again");
        let terminating = "import os, subprocess\ntry:\n    subprocess.run(['tesseract'])\nexcept OSError:\n    os._exit(1)\n";
        assert!(!is_handled(terminating));
    }

    #[test]
    fn a_finally_that_returns_swallows_what_the_handler_raises() {
        // `return` in `finally` discards the exception in flight: the try
        // statement, seen from outside, carries on. The handler itself
        // still raises, so the inner try does not handle the failure...
        let inner = "import subprocess\ndef f():\n    try:\n        subprocess.run(['tesseract'])\n    except OSError:\n        raise\n";
        assert!(!is_handled(inner));
        // ...but an outer one that catches what it raises does.
        let outer = "import subprocess\ndef f():\n    try:\n        try:\n            subprocess.run(['tesseract'])\n        except OSError:\n            raise ValueError('no tesseract')\n    except ValueError:\n        return None\n";
        assert!(is_handled(outer));
        let unknown = "import subprocess\nclass Missing(Exception): pass\ndef f():\n    try:\n        try:\n            subprocess.run(['tesseract'])\n        except OSError:\n            raise Missing()\n    except Exception:\n        return None\n";
        assert!(
            !is_handled(unknown),
            "the bases of a class of the module are not followed"
        );
    }

    #[test]
    fn guards_count_through_not_is_none_and_or_and_a_name() {
        for test in [
            "if shutil.which('tesseract'):\n    subprocess.run(['tesseract'])\n",
            "if shutil.which('tesseract') and ready:\n    subprocess.run(['tesseract'])\n",
            "if shutil.which('tesseract') != None:\n    subprocess.run(['tesseract'])\n",
            "if not (shutil.which('gs') is None or shutil.which('tesseract') is None):\n    subprocess.run(['tesseract'])\n",
            "found = shutil.which('tesseract') is not None\nif found:\n    subprocess.run(['tesseract'])\n",
            "if shutil.which('tesseract') is None:\n    pass\nelif ready:\n    subprocess.run(['tesseract'])\n",
        ] {
            let python = format!("import shutil, subprocess\n{test}");
            assert!(is_handled(&python), "{python}");
        }
        for test in [
            "if shutil.which('tesseract') or ready:\n    subprocess.run(['tesseract'])\n",
            "if shutil.which('tesseract') is None:\n    subprocess.run(['tesseract'])\n",
            "if shutil.which('gs'):\n    subprocess.run(['tesseract'])\n",
            "if shutil.which('tesseract'):\n    pass\nsubprocess.run(['tesseract'])\n",
            "if not shutil.which('tesseract'):\n    log('missing')\nsubprocess.run(['tesseract'])\n",
        ] {
            let python = format!("import shutil, subprocess\n{test}");
            assert!(!is_handled(&python), "{python}");
        }
    }

    #[test]
    fn an_early_return_guards_only_the_rest_of_its_block() {
        let python = "import shutil, subprocess\ndef f(items):\n    for item in items:\n        if not shutil.which('tesseract'):\n            break\n        subprocess.run(['tesseract', item])\n";
        assert!(is_handled(python));
        let outside = "import shutil, subprocess\ndef f(items):\n    for item in items:\n        if not shutil.which('tesseract'):\n            break\n    subprocess.run(['tesseract'])\n";
        assert!(!is_handled(outside));
    }

    #[test]
    fn code_in_a_function_defined_inside_runs_later_but_a_comprehension_runs_now() {
        let def = "import subprocess\ntry:\n    def f():\n        subprocess.run(['tesseract'])\nexcept OSError:\n    pass\n";
        assert!(!is_handled(def));
        let lambda = "import subprocess\ntry:\n    f = lambda: subprocess.run(['tesseract'])\nexcept OSError:\n    pass\n";
        assert!(!is_handled(lambda));
        let comprehension = "import subprocess\ntry:\n    done = [subprocess.run(['tesseract', i]) for i in items]\nexcept OSError:\n    pass\n";
        assert!(is_handled(comprehension));
        let class = "import subprocess\ntry:\n    class Tool:\n        version = subprocess.run(['tesseract'])\nexcept OSError:\n    pass\n";
        assert!(is_handled(class));
    }

    #[test]
    fn python2_except_with_a_comma_binds_the_name_it_raises_again() {
        // Only tree-sitter reads it; ruff's verdict is on a broken tree.
        let python = "import subprocess\ntry:\n    subprocess.run(['tesseract'])\nexcept OSError, e:\n    raise e\n";
        let tree_sitter = verdicts(python).pop().unwrap();
        let Verdict::Unhandled(Some(reraised)) = tree_sitter else {
            panic!("{tree_sitter:?}");
        };
        assert_eq!(reraised.then, "raises it again");
    }
}
