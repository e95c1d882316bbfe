//! The application's own functions that start programs for their callers
//! (issue 14, "wrappers and values"): `def run(cmd, **kwargs):
//! subprocess.Popen(cmd, **kwargs)`. Inside such a function the program is
//! a parameter, so the call there names no program; the program is written
//! where the function is called, often in another module (`run(["wget",
//! url])` in `extractors/wget.py`).
//!
//! A scan finds them in two passes. While each file is analysed, a
//! module-level `def` whose parameter reaches the program of a callable the
//! rules know becomes a [`Wrapper`]: a callable of its own, with the
//! callee's rules, whose program is that parameter. When every file is
//! done, the application's files that mention a wrapper's name are read
//! again and each call of it is judged as a call of the callable it wraps
//! (`archivebox.system.run → subprocess.Popen starts wget`).
//!
//! `**kwargs` forwarded to the callee carries `shell=` and the rest through:
//! the call inside the wrapper then has a shell value nobody can know, but
//! once the callers are known, the shell is whatever they pass. A wrapper
//! whose callers were all found and none of which passes `shell` (or a
//! mapping that may hold it) does not run a shell, and its own "shell
//! unknown" finding is withdrawn.
//!
//! Only the application's code is followed (not installed distributions):
//! its callers are few, and reading a venv twice would double the scan.
//! Methods (`self.run(...)`) are not followed: the receiver's class is not
//! known.

use std::collections::BTreeMap;
use std::path::PathBuf;

use super::ir::{CallId, Expr, Module, Param, ParamKind, ScopeKind};
use super::resolve::{Callee, Resolver};
use crate::rules::{ArgSpec, Callable, RuleSet};

/// A function of the application that passes a parameter on as the program
/// of a callable the rules know.
#[derive(Debug, Clone)]
pub struct Wrapper {
    /// `pkg.module.function`.
    pub qualified: String,
    /// The qualified name of the callable it calls (`subprocess.Popen`).
    pub callee: String,
    /// The wrapper as a callable: the callee's rules, with each argument
    /// the wrapper passes on moved to where its caller writes it.
    pub callable: Callable,
    /// The file it is defined in.
    pub path: PathBuf,
    /// The call inside it that starts the program.
    pub call: CallId,
    /// When the wrapper itself catches the failure of that call (its
    /// `try`/`except OSError` around it): what happens instead, as a
    /// sentence and as the short form of a finding's `handled` field.
    pub handles_failure: Option<(String, String)>,
    /// How the call inside passes on its caller's `shell=`: `**kwargs`
    /// or `*args`, when it does.
    pub shell_through: Option<String>,
}

impl Wrapper {
    /// What a finding at the call inside says its unknown shell comes
    /// from ([`SHELL_SOURCE_FIELD`]).
    pub fn shell_source(&self) -> Option<String> {
        let through = self.shell_through.as_ref()?;
        Some(format!("{through} of {}", self.qualified))
    }

    /// What a finding at the call inside says its unknown program comes
    /// from ([`PROGRAM_SOURCE_FIELD`]).
    pub fn program_source(&self) -> String {
        format!("the callers of {}", self.qualified)
    }
}

/// How a call of a wrapper fills it: whether the caller may pass `shell=`.
#[derive(Debug, Clone)]
pub struct WrapperUse {
    pub qualified: String,
    pub may_pass_shell: bool,
}

/// The field a "shell unknown" finding at a wrapper's call carries: where
/// the shell value comes from. Once the callers are known, the finding is
/// withdrawn unless one of them may pass a shell.
pub const SHELL_SOURCE_FIELD: &str = "shell-from";
/// The field a "program unknown" finding at a wrapper's call carries: the
/// program comes from its callers, each call of which is judged instead.
pub const PROGRAM_SOURCE_FIELD: &str = "program-from";

/// The wrappers defined in `module` (`module_path`), which `resolver`
/// resolves.
pub fn find(
    module: &Module,
    resolver: &Resolver<'_>,
    rules: &RuleSet,
    module_path: &str,
    path: &std::path::Path,
) -> Vec<Wrapper> {
    let mut found: Vec<Wrapper> = Vec::new();
    for (id, call) in module.calls.iter().enumerate() {
        let scope = &module.scopes[call.scope];
        let Some(function) = &scope.function else {
            continue;
        };
        // A method's callers write `self.name(...)`, which does not say
        // which class it is.
        if scope.kind != ScopeKind::Function || scope.parent != Some(0) {
            continue;
        }
        let Callee::Qualified(callee) = resolver.callee(&call.func, call.scope) else {
            continue;
        };
        let Some(inner) = rules.callable_named(&callee) else {
            continue;
        };
        let qualified = format!("{module_path}.{}", function.name);
        if found.iter().any(|w| w.qualified == qualified) {
            continue;
        }
        let passing = Passing {
            module,
            resolver,
            call: id,
            params: &function.params,
        };
        let Some((callable, shell_through)) = passing.derive(inner, &qualified) else {
            continue;
        };
        found.push(Wrapper {
            qualified,
            callee,
            callable,
            path: path.to_path_buf(),
            call: id,
            handles_failure: None,
            shell_through,
        });
    }
    found
}

/// One call inside a function, read for what it passes on.
struct Passing<'a, 'm> {
    module: &'m Module,
    resolver: &'a Resolver<'m>,
    call: CallId,
    params: &'m [Param],
}

/// Where an argument of the inner call comes from.
enum Source<'m> {
    /// Not written, and not forwarded.
    Absent,
    /// A parameter of the wrapper, which its caller fills here.
    Parameter(ArgSpec),
    /// Not written, but the wrapper's `*args` or `**kwargs` pass on what
    /// its caller writes, at `spec`; `through` says which.
    Forwarded { spec: ArgSpec, through: String },
    /// Written inside the wrapper.
    Fixed(&'m Expr),
    /// Behind a `*args` or `**mapping` that is not the wrapper's own.
    Unknown,
}

impl<'a, 'm> Passing<'a, 'm> {
    /// The wrapper as a callable, and the name of the `**kwargs` its
    /// `shell=` comes from; `None` when its program is not a parameter, or
    /// something it passes on cannot be followed.
    fn derive(&self, inner: &Callable, qualified: &str) -> Option<(Callable, Option<String>)> {
        if inner.subject.is_some() {
            return None;
        }
        let mut derived = Callable {
            names: vec![qualified.to_string()],
            methods: Vec::new(),
            argv: None,
            program: None,
            command: None,
            shell: None,
            executable: None,
            starts: None,
            subject: None,
            error: inner.error.clone(),
            raises: inner.raises.clone(),
            returns_none: inner.returns_none,
            rules: inner.rules.clone(),
        };
        let mut program_passed = false;
        for (spec, slot) in [
            (&inner.argv, &mut derived.argv),
            (&inner.program, &mut derived.program),
            (&inner.command, &mut derived.command),
        ] {
            let Some(spec) = spec else { continue };
            match self.source(spec) {
                Source::Parameter(outer) => {
                    *slot = Some(outer);
                    program_passed = true;
                }
                Source::Forwarded { spec, .. } => {
                    *slot = Some(spec);
                    program_passed = true;
                }
                Source::Absent => {}
                // The program is chosen inside the wrapper: the call there
                // is judged as it is.
                Source::Fixed(_) | Source::Unknown => return None,
            }
        }
        if !program_passed {
            return None;
        }
        if let Some(spec) = &inner.executable {
            derived.executable = match self.source(spec) {
                Source::Absent => None,
                Source::Parameter(outer) => Some(outer),
                Source::Forwarded { spec, .. } => Some(spec),
                Source::Fixed(_) | Source::Unknown => return None,
            };
        }
        let mut shell_through = None;
        if let Some(spec) = &inner.shell {
            match self.source(spec) {
                Source::Absent => {}
                Source::Parameter(outer) => {
                    let param = outer
                        .keyword
                        .as_deref()
                        .and_then(|name| self.params.iter().find(|p| p.name == name));
                    let param = param.or_else(|| {
                        self.params.iter().find(|p| {
                            matches!(p.kind, ParamKind::Positional { index, .. }
                                if Some(index) == outer.position)
                        })
                    })?;
                    // A caller that leaves a `shell=True` default alone
                    // runs a shell the call site does not show.
                    if !param.unset_is_false {
                        return None;
                    }
                    shell_through = Some(format!("parameter `{}`", param.name));
                    derived.shell = Some(outer);
                }
                Source::Forwarded { spec, through } => {
                    derived.shell = Some(spec);
                    shell_through = Some(through);
                }
                Source::Fixed(expr) => {
                    let scope = self.module.calls[self.call].scope;
                    match self.resolver.value(expr, scope).truthy() {
                        // `shell=True` inside: whatever the caller passes
                        // is a shell command.
                        Some(true) => derived.command = derived.argv.take(),
                        Some(false) => {}
                        None => return None,
                    }
                }
                Source::Unknown => return None,
            }
        }
        Some((derived, shell_through))
    }

    fn param(&self, expr: &Expr) -> Option<&'m Param> {
        let Expr::Name { id, .. } = expr else {
            return None;
        };
        self.params.iter().find(|p| p.name == *id)
    }

    /// Where the inner call's argument `spec` comes from.
    fn source(&self, spec: &ArgSpec) -> Source<'m> {
        let call = &self.module.calls[self.call];
        let written = spec
            .keyword
            .as_deref()
            .and_then(|k| {
                call.keywords
                    .iter()
                    .find(|kw| kw.name.as_deref() == Some(k))
                    .map(|kw| &kw.value)
            })
            .or_else(|| {
                let position = spec.position?;
                // A starred argument up to the position moves it.
                let up_to = call.args.iter().take(position + 1);
                if up_to.clone().any(|a| matches!(a, Expr::Starred(_))) {
                    return None;
                }
                call.args.get(position)
            });
        if let Some(expr) = written {
            return match self.param(expr).map(|p| (p, p.kind)) {
                Some((p, ParamKind::Positional { index, by_name })) => Source::Parameter(ArgSpec {
                    position: Some(index),
                    keyword: by_name.then(|| p.name.clone()),
                }),
                Some((p, ParamKind::KeywordOnly)) => Source::Parameter(ArgSpec {
                    position: None,
                    keyword: Some(p.name.clone()),
                }),
                Some(_) => Source::Unknown,
                None => Source::Fixed(expr),
            };
        }
        let mut position = None;
        if let Some(wanted) = spec.position {
            if let Some(at) = call.args.iter().position(|a| matches!(a, Expr::Starred(_))) {
                // Only the wrapper's own `*args`, last, passes its caller's
                // positions straight through.
                let Expr::Starred(inner) = &call.args[at] else {
                    return Source::Unknown;
                };
                match self.param(inner) {
                    Some(Param {
                        kind: ParamKind::VarPositional { index },
                        ..
                    }) if at + 1 == call.args.len() => {
                        if wanted >= at {
                            position = Some(index + wanted - at);
                        }
                    }
                    _ => return Source::Unknown,
                }
            }
        }
        let mut kwargs = None;
        for keyword in call.keywords.iter().filter(|k| k.name.is_none()) {
            match self.param(&keyword.value) {
                Some(p) if p.kind == ParamKind::VarKeyword => kwargs = Some(p.name.clone()),
                _ => return Source::Unknown,
            }
        }
        let keyword = kwargs.as_ref().and(spec.keyword.clone());
        if position.is_none() && keyword.is_none() {
            return Source::Absent;
        }
        let through = match (&kwargs, position) {
            (Some(kwargs), _) => format!("**{kwargs}"),
            (None, _) => "*args".to_string(),
        };
        Source::Forwarded {
            spec: ArgSpec { position, keyword },
            through,
        }
    }
}

/// The wrappers of one scan, by qualified name.
#[derive(Debug, Default)]
pub struct WrapperTable {
    by_name: BTreeMap<String, Wrapper>,
}

impl WrapperTable {
    pub fn new(wrappers: Vec<Wrapper>) -> Self {
        let mut by_name = BTreeMap::new();
        for wrapper in wrappers {
            // Two files with one module name (two roots): the first found
            // stands; scan order is the sorted walk, so the choice is stable.
            by_name.entry(wrapper.qualified.clone()).or_insert(wrapper);
        }
        WrapperTable { by_name }
    }

    pub fn is_empty(&self) -> bool {
        self.by_name.is_empty()
    }

    pub fn get(&self, qualified: &str) -> Option<&Wrapper> {
        self.by_name.get(qualified)
    }

    pub fn iter(&self) -> impl Iterator<Item = &Wrapper> {
        self.by_name.values()
    }

    /// The functions' own names, which a file calling one must mention.
    pub fn function_names(&self) -> Vec<&str> {
        let mut names: Vec<&str> = self
            .by_name
            .keys()
            .map(|q| q.rsplit('.').next().unwrap_or(q))
            .collect();
        names.sort_unstable();
        names.dedup();
        names
    }
}
