//! Name resolution over the IR, in the manner of ruff's semantic model:
//! what a callee expression refers to (`sp.run` → `subprocess.run`), and what
//! an argument's value is when it can be known statically.
//!
//! Lookup follows Python's scoping: a name bound anywhere in a function is
//! local to it; class bodies are invisible to the functions inside them;
//! `global` sends a name to the module. Within the scope of the use, the
//! latest binding before the use wins; from a nested function, the scope's
//! last binding (the function runs later). A binding made in an `except`
//! handler is a fallback (`try: import x` / `except ImportError: x = None`),
//! so the binding it replaces is tried too.
//!
//! Values are only known for names bound exactly once in their scope, to an
//! expression that is itself known; anything else is [`Val::Unknown`], which
//! the rules treat as "cannot tell", never as "safe".
//!
//! Names that come from strings (`getattr(os, "system")`,
//! `importlib.import_module("os")`, `__import__("subprocess")`) are only
//! resolved from string literals that spell them verbatim. That keeps the
//! prefilter's promise: every name we resolve is written in the file.

use std::cell::RefCell;
use std::collections::HashMap;

use super::ir::{
    Binding, BindingKind, CallId, Comparison, Expr, Import, Module, ScopeId, ScopeKind,
};

const MAX_RESOLUTION_DEPTH: usize = 24;

/// A list or dict value with more parts than this is unknown: built from
/// names, a value can double in size at every line.
const MAX_VALUE_PARTS: usize = 4096;

/// Builtin functions that matter for resolution.
const BUILTINS: &[&str] = &["getattr", "__import__", "str"];

/// What a callee expression refers to.
#[derive(Debug, Clone, PartialEq)]
pub enum Callee {
    /// A module or something in one, by its dotted name.
    Qualified(String),
    /// The result of `functools.partial(target, ...)` made by `call`.
    Partial {
        target: Box<Callee>,
        call: CallId,
    },
    /// An attribute on a receiver we cannot resolve (`loop.subprocess_shell`).
    Method(String),
    Unknown,
}

/// A statically known value, or not.
#[derive(Debug, Clone, PartialEq)]
pub enum Val {
    Str {
        value: String,
        verbatim: bool,
    },
    StrPrefix(String),
    Int(i64),
    Number {
        is_zero: bool,
    },
    Bool(bool),
    None,
    List(Vec<Val>),
    Dict(Vec<(Option<Val>, Val)>),
    Starred(Box<Val>),
    /// `sys.executable`: the base's own Python.
    Interpreter,
    Unknown,
}

impl Val {
    /// Python truthiness; `None` when it cannot be known.
    pub fn truthy(&self) -> Option<bool> {
        match self {
            Val::Str { value, .. } => Some(!value.is_empty()),
            Val::StrPrefix(prefix) if !prefix.is_empty() => Some(true),
            Val::Int(i) => Some(*i != 0),
            Val::Number { is_zero } => Some(!is_zero),
            Val::Bool(b) => Some(*b),
            Val::None => Some(false),
            Val::List(items) if items.iter().all(|i| !matches!(i, Val::Starred(_))) => {
                Some(!items.is_empty())
            }
            Val::List(items) if !items.is_empty() => Some(true),
            Val::Dict(items) if items.iter().any(|(k, _)| k.is_some()) => Some(true),
            Val::Dict(items) if items.is_empty() => Some(false),
            Val::Interpreter => Some(true),
            _ => None,
        }
    }
}

/// `val`, or unknown when it has more than [`MAX_VALUE_PARTS`] parts.
fn bounded(val: Val) -> Val {
    fn parts(val: &Val) -> usize {
        match val {
            Val::List(items) => 1 + items.iter().map(parts).sum::<usize>(),
            Val::Dict(items) => {
                1 + items
                    .iter()
                    .map(|(k, v)| k.as_ref().map_or(0, parts) + parts(v))
                    .sum::<usize>()
            }
            Val::Starred(inner) => 1 + parts(inner),
            _ => 1,
        }
    }
    if parts(&val) > MAX_VALUE_PARTS {
        Val::Unknown
    } else {
        val
    }
}

pub struct Resolver<'m> {
    module: &'m Module,
    /// Per scope: each name's bindings in source order.
    by_name: Vec<HashMap<&'m str, Vec<&'m Binding>>>,
    /// The package relative imports are relative to, when known.
    package: Option<String>,
    /// The value of each assignment whose value was asked for, by the
    /// assigned expression: evaluated once, however many names lead to it
    /// (`X2 = [X1, X1]` on every line would otherwise double the work per
    /// line).
    assigned: RefCell<HashMap<*const Expr, Val>>,
}

impl<'m> Resolver<'m> {
    /// `module_path` is the file's dotted module name; `is_package` says the
    /// file is a package's `__init__.py` (its own name is then the package).
    pub fn new(module: &'m Module, module_path: Option<&str>, is_package: bool) -> Self {
        let package = module_path.and_then(|m| {
            if is_package {
                Some(m.to_string())
            } else {
                m.rsplit_once('.').map(|(parent, _)| parent.to_string())
            }
        });
        let by_name = module
            .scopes
            .iter()
            .map(|scope| {
                let mut names: HashMap<&str, Vec<&Binding>> = HashMap::new();
                for binding in &scope.bindings {
                    names
                        .entry(binding.name.as_str())
                        .or_default()
                        .push(binding);
                }
                names
            })
            .collect();
        Resolver {
            module,
            by_name,
            package,
            assigned: RefCell::default(),
        }
    }

    /// The bindings of `name` in `scope`, in source order.
    fn bindings(&self, scope: ScopeId, name: &str) -> &[&'m Binding] {
        self.by_name[scope]
            .get(name)
            .map(Vec::as_slice)
            .unwrap_or(&[])
    }

    pub fn module(&self) -> &'m Module {
        self.module
    }

    /// The absolute dotted name an import refers to.
    pub fn absolute(&self, import: &Import) -> Option<String> {
        if import.level == 0 {
            return Some(import.module.clone());
        }
        let package = self.package.as_deref()?;
        let mut parts: Vec<&str> = package.split('.').collect();
        for _ in 1..import.level {
            parts.pop()?;
        }
        if parts.is_empty() {
            return None;
        }
        let mut name = parts.join(".");
        if !import.module.is_empty() {
            name.push('.');
            name.push_str(&import.module);
        }
        Some(name)
    }

    /// Candidate bindings for `name` used at `offset` in `scope`, most likely
    /// first; empty when the name is not bound in any enclosing scope.
    fn lookup(&self, name: &str, scope: ScopeId, offset: u32) -> Vec<(ScopeId, &'m Binding)> {
        let scopes = &self.module.scopes;
        let mut current = Some(scope);
        let mut same_scope = true;
        if scopes[scope].globals.iter().any(|g| g == name) {
            current = Some(0);
            same_scope = false;
        }
        while let Some(s) = current {
            let this = &scopes[s];
            let visible = same_scope || this.kind != ScopeKind::Class;
            if visible {
                let bindings = self.bindings(s, name).to_vec();
                if !bindings.is_empty() {
                    let before: Vec<&Binding> = if same_scope {
                        bindings
                            .iter()
                            .copied()
                            .filter(|b| b.offset < offset)
                            .collect()
                    } else {
                        Vec::new()
                    };
                    let pool = if before.is_empty() { bindings } else { before };
                    return candidates(&pool).into_iter().map(|b| (s, b)).collect();
                }
            }
            current = this.parent;
            same_scope = false;
        }
        Vec::new()
    }

    /// Star imports visible from `scope` (only the module may have them in
    /// Python 3; Python 2 allowed them in functions), latest first.
    fn star_imports(&self, scope: ScopeId) -> Vec<String> {
        let mut found = Vec::new();
        let mut current = Some(scope);
        while let Some(s) = current {
            let this = &self.module.scopes[s];
            for (import, _) in this.star_imports.iter().rev() {
                if let Some(module) = self.absolute(import) {
                    found.push(module);
                }
            }
            current = this.parent;
        }
        found
    }

    /// What `expr`, evaluated in `scope`, refers to as a callee.
    pub fn callee(&self, expr: &Expr, scope: ScopeId) -> Callee {
        self.callee_at(expr, scope, 0)
    }

    fn callee_at(&self, expr: &Expr, scope: ScopeId, depth: usize) -> Callee {
        if depth > MAX_RESOLUTION_DEPTH {
            return Callee::Unknown;
        }
        match expr {
            Expr::Name { id, offset } => self.name_callee(id, scope, *offset, depth),
            Expr::Attribute { value, attr } => match self.callee_at(value, scope, depth + 1) {
                Callee::Qualified(q) => Callee::Qualified(format!("{q}.{attr}")),
                _ => Callee::Method(attr.clone()),
            },
            Expr::Call(id) => self.call_result(*id, depth),
            _ => Callee::Unknown,
        }
    }

    fn name_callee(&self, id: &str, scope: ScopeId, offset: u32, depth: usize) -> Callee {
        let candidates = self.lookup(id, scope, offset);
        if candidates.is_empty() {
            // Unbound here: one of the builtins we model (no module we care
            // about star-exports those names), else a star import.
            if BUILTINS.contains(&id) {
                return Callee::Qualified(format!("builtins.{id}"));
            }
            if let Some(module) = self.star_imports(scope).into_iter().next() {
                return Callee::Qualified(format!("{module}.{id}"));
            }
            return Callee::Unknown;
        }
        for (binding_scope, binding) in candidates {
            let callee = match &binding.kind {
                BindingKind::Module(import) => match self.absolute(import) {
                    Some(name) => Callee::Qualified(name),
                    None => Callee::Unknown,
                },
                BindingKind::FromImport { from, name } => match self.absolute(from) {
                    Some(module) if !module.is_empty() => {
                        Callee::Qualified(format!("{module}.{name}"))
                    }
                    _ => Callee::Unknown,
                },
                BindingKind::Assign(value) => self.callee_at(value, binding_scope, depth + 1),
                BindingKind::Opaque => Callee::Unknown,
            };
            if callee != Callee::Unknown {
                return callee;
            }
        }
        Callee::Unknown
    }

    /// What calling `id` returns, when that is a module, an attribute or a
    /// partial we can name.
    fn call_result(&self, id: CallId, depth: usize) -> Callee {
        let Some(call) = self.module.calls.get(id) else {
            return Callee::Unknown;
        };
        let Callee::Qualified(func) = self.callee_at(&call.func, call.scope, depth + 1) else {
            return Callee::Unknown;
        };
        let arg = |i: usize| call.args.get(i);
        let keyword = |name: &str| {
            call.keywords
                .iter()
                .find(|k| k.name.as_deref() == Some(name))
                .map(|k| &k.value)
        };
        let literal_name =
            |expr: Option<&Expr>| match expr.map(|e| self.value_at(e, call.scope, depth + 1)) {
                Some(Val::Str {
                    value,
                    verbatim: true,
                }) if is_dotted_name(&value) => Some(value),
                _ => None,
            };
        match func.as_str() {
            "importlib.import_module" => match literal_name(arg(0).or(keyword("name"))) {
                Some(name) => Callee::Qualified(name),
                None => Callee::Unknown,
            },
            "builtins.__import__" | "importlib.__import__" => {
                let Some(name) = literal_name(arg(0).or(keyword("name"))) else {
                    return Callee::Unknown;
                };
                let fromlist = arg(3)
                    .or(keyword("fromlist"))
                    .map(|e| self.value_at(e, call.scope, depth + 1).truthy());
                match fromlist {
                    // `__import__("os.path")` returns `os`.
                    None | Some(Some(false)) => {
                        Callee::Qualified(name.split('.').next().unwrap_or_default().to_string())
                    }
                    Some(Some(true)) => Callee::Qualified(name),
                    Some(None) => Callee::Unknown,
                }
            }
            "builtins.getattr" => {
                let Some(object) = arg(0) else {
                    return Callee::Unknown;
                };
                let Some(attr) = literal_name(arg(1)) else {
                    return Callee::Unknown;
                };
                match self.callee_at(object, call.scope, depth + 1) {
                    Callee::Qualified(q) => Callee::Qualified(format!("{q}.{attr}")),
                    _ => Callee::Method(attr),
                }
            }
            "functools.partial" => match arg(0) {
                Some(target) => Callee::Partial {
                    target: Box::new(self.callee_at(target, call.scope, depth + 1)),
                    call: id,
                },
                None => Callee::Unknown,
            },
            _ => Callee::Unknown,
        }
    }

    /// The value of `expr` in `scope`, as far as it can be known.
    pub fn value(&self, expr: &Expr, scope: ScopeId) -> Val {
        self.value_at(expr, scope, 0)
    }

    fn value_at(&self, expr: &Expr, scope: ScopeId, depth: usize) -> Val {
        if depth > MAX_RESOLUTION_DEPTH {
            return Val::Unknown;
        }
        match expr {
            Expr::Str { value, verbatim } => Val::Str {
                value: value.clone(),
                verbatim: *verbatim,
            },
            Expr::StrPrefix(prefix) => Val::StrPrefix(prefix.clone()),
            Expr::Int(i) => Val::Int(*i),
            Expr::Number { is_zero } => Val::Number { is_zero: *is_zero },
            Expr::Bool(b) => Val::Bool(*b),
            Expr::None => Val::None,
            Expr::List(items) => bounded(Val::List(
                items
                    .iter()
                    .map(|i| self.value_at(i, scope, depth + 1))
                    .collect(),
            )),
            Expr::Dict(items) => bounded(Val::Dict(
                items
                    .iter()
                    .map(|(k, v)| {
                        (
                            k.as_ref().map(|k| self.value_at(k, scope, depth + 1)),
                            self.value_at(v, scope, depth + 1),
                        )
                    })
                    .collect(),
            )),
            Expr::Starred(inner) => Val::Starred(Box::new(self.value_at(inner, scope, depth + 1))),
            Expr::Name { id, offset } => {
                let candidates = self.lookup(id, scope, *offset);
                if let Some((value, binding_scope)) = self.only_assignment(id, &candidates) {
                    return self.assignment_value(value, binding_scope, depth);
                }
                match candidates.as_slice() {
                    [(_, binding)] if matches!(binding.kind, BindingKind::FromImport { .. }) => {
                        match self.name_callee(id, scope, *offset, depth + 1) {
                            Callee::Qualified(q) => known_constant(&q),
                            _ => Val::Unknown,
                        }
                    }
                    _ => Val::Unknown,
                }
            }
            Expr::Attribute { .. } => match self.callee_at(expr, scope, depth + 1) {
                Callee::Qualified(q) => known_constant(&q),
                _ => Val::Unknown,
            },
            Expr::Call(id) => self.call_value(*id, depth),
            Expr::Compare { left, rest } => {
                let mut left = self.value_at(left, scope, depth + 1);
                let mut all_known = true;
                for (op, right) in rest {
                    let right = self.value_at(right, scope, depth + 1);
                    match compare(*op, &left, &right) {
                        // `a == b == c` is `a == b and b == c`.
                        Some(false) => return Val::Bool(false),
                        Some(true) => {}
                        None => all_known = false,
                    }
                    left = right;
                }
                if all_known {
                    Val::Bool(true)
                } else {
                    Val::Unknown
                }
            }
            Expr::BoolOp { and, values } => {
                // Python's own rule: the first operand that decides, else
                // the last; its value, not just its truth.
                let Some((last, decided_by)) = values.split_last() else {
                    return Val::Unknown;
                };
                for value in decided_by {
                    let value = self.value_at(value, scope, depth + 1);
                    match value.truthy() {
                        Some(truth) if truth != *and => return value,
                        Some(_) => {}
                        None => return Val::Unknown,
                    }
                }
                self.value_at(last, scope, depth + 1)
            }
            Expr::Conditional {
                test,
                then,
                otherwise,
            } => match self.value_at(test, scope, depth + 1).truthy() {
                Some(true) => self.value_at(then, scope, depth + 1),
                Some(false) => self.value_at(otherwise, scope, depth + 1),
                None => Val::Unknown,
            },
            Expr::Not(operand) => match self.value_at(operand, scope, depth + 1).truthy() {
                Some(truth) => Val::Bool(!truth),
                None => Val::Unknown,
            },
            Expr::Other => Val::Unknown,
        }
    }

    /// Whether `id`, used at `offset` in `scope`, can only be a builtin:
    /// nothing binds it in any enclosing scope and no star import may.
    pub fn is_builtin_name(&self, id: &str, scope: ScopeId, offset: u32) -> bool {
        self.lookup(id, scope, offset).is_empty() && self.star_imports(scope).is_empty()
    }

    /// The expression `id`, used at `offset` in `scope`, was assigned, with
    /// the scope it is evaluated in; only for a name bound once in its
    /// scope, which has one static value.
    pub fn assigned_value(
        &self,
        id: &str,
        scope: ScopeId,
        offset: u32,
    ) -> Option<(&'m Expr, ScopeId)> {
        self.only_assignment(id, &self.lookup(id, scope, offset))
    }

    /// The assigned expression when `candidates` are one assignment and
    /// `id` is bound once in its scope.
    fn only_assignment(
        &self,
        id: &str,
        candidates: &[(ScopeId, &'m Binding)],
    ) -> Option<(&'m Expr, ScopeId)> {
        match candidates {
            [(binding_scope, binding)] => match &binding.kind {
                BindingKind::Assign(value) if self.bindings(*binding_scope, id).len() == 1 => {
                    Some((value, *binding_scope))
                }
                _ => None,
            },
            _ => None,
        }
    }

    /// The value of an assigned expression, evaluated once however many
    /// names lead to it.
    fn assignment_value(&self, value: &'m Expr, scope: ScopeId, depth: usize) -> Val {
        let key: *const Expr = value;
        if let Some(known) = self.assigned.borrow().get(&key) {
            return known.clone();
        }
        // A name reached again while its value is computed (a cycle) is
        // unknown.
        self.assigned.borrow_mut().insert(key, Val::Unknown);
        let known = self.value_at(value, scope, depth + 1);
        self.assigned.borrow_mut().insert(key, known.clone());
        known
    }

    /// The same resolver without the bindings made in code that never
    /// runs (`never_runs` of a binding's offset): `if sys.platform ==
    /// "win32": shell = True` binds nothing on the base. A predicate rather
    /// than `reachability`'s type, which itself asks this resolver.
    pub fn without_bindings_where(mut self, never_runs: impl Fn(u32) -> bool) -> Self {
        // Values found with those bindings may differ without them.
        self.assigned.get_mut().clear();
        for names in &mut self.by_name {
            for bindings in names.values_mut() {
                bindings.retain(|binding| !never_runs(binding.offset));
            }
        }
        self
    }

    /// Values of calls we can evaluate: `shlex.split("literal")`, and
    /// `shutil.which("prog")`, which stands for the program it looks up.
    fn call_value(&self, id: CallId, depth: usize) -> Val {
        let Some(call) = self.module.calls.get(id) else {
            return Val::Unknown;
        };
        // A method of a known string: `"git status".split()`,
        // `sys.platform.startswith("win")`.
        if let Expr::Attribute { value, attr } = &call.func {
            if call.keywords.is_empty() {
                if let Val::Str { value, .. } = self.value_at(value, call.scope, depth + 1) {
                    let args: Vec<Val> = call
                        .args
                        .iter()
                        .map(|a| self.value_at(a, call.scope, depth + 1))
                        .collect();
                    if let Some(result) = string_method(&value, attr, &args) {
                        return result;
                    }
                }
            }
        }
        let Callee::Qualified(func) = self.callee_at(&call.func, call.scope, depth + 1) else {
            return Val::Unknown;
        };
        let first = call
            .args
            .first()
            .map(|a| self.value_at(a, call.scope, depth + 1));
        match (func.as_str(), first) {
            ("shlex.split", Some(Val::Str { value, .. })) => match shell_words(&value) {
                Some(words) => Val::List(
                    words
                        .into_iter()
                        .map(|w| Val::Str {
                            value: w,
                            verbatim: false,
                        })
                        .collect(),
                ),
                None => Val::Unknown,
            },
            ("shutil.which", Some(program @ (Val::Str { .. } | Val::Interpreter))) => program,
            // What runs unless the operator sets the variable: the finding
            // says it is a default (see `environment_default`).
            ("os.getenv" | "os.environ.get", Some(Val::Str { .. })) => {
                match environment_default(call) {
                    Some(default) => match self.value_at(default, call.scope, depth + 1) {
                        value @ Val::Str { .. } => value,
                        _ => Val::Unknown,
                    },
                    None => Val::Unknown,
                }
            }
            ("os.fspath" | "builtins.str", Some(Val::Interpreter)) => Val::Interpreter,
            (name, None) => platform_text(PLATFORM_CALLS, name),
            _ => Val::Unknown,
        }
    }
}

/// What the platform answers on every base distrolint knows, all Linux:
/// there `sys.platform == "win32"` is false and the code it guards never
/// runs (see `reachability`). Twisted's `runtime.platformType` is how
/// Twisted applications ask the same question.
pub const PLATFORM_VALUES: &[(&str, &str)] = &[
    ("sys.platform", "linux"),
    ("os.name", "posix"),
    ("twisted.python.runtime.platformType", "posix"),
];
/// Calls without arguments that return the platform's name.
pub const PLATFORM_CALLS: &[(&str, &str)] = &[("platform.system", "Linux")];

/// Values every base image shares: its interpreter and its platform.
fn known_constant(qualified: &str) -> Val {
    if qualified == "sys.executable" {
        return Val::Interpreter;
    }
    platform_text(PLATFORM_VALUES, qualified)
}

fn platform_text(table: &[(&str, &str)], qualified: &str) -> Val {
    match table.iter().find(|(name, _)| *name == qualified) {
        Some((_, value)) => Val::Str {
            value: value.to_string(),
            verbatim: false,
        },
        None => Val::Unknown,
    }
}

/// `==`, `!=`, `in` and `not in` between values known well enough: two
/// strings, or a string and a display of strings; `is` and `is not`
/// against `None`.
fn compare(op: Comparison, left: &Val, right: &Val) -> Option<bool> {
    let text = |val: &Val| match val {
        Val::Str { value, .. } => Some(value.clone()),
        _ => None,
    };
    let contains = || -> Option<bool> {
        let needle = text(left)?;
        match right {
            Val::Str { value, .. } => Some(value.contains(&needle)),
            Val::List(items) => {
                let items: Option<Vec<String>> = items.iter().map(text).collect();
                Some(items?.contains(&needle))
            }
            _ => None,
        }
    };
    match op {
        Comparison::Eq => Some(text(left)? == text(right)?),
        Comparison::NotEq => Some(text(left)? != text(right)?),
        Comparison::In => contains(),
        Comparison::NotIn => contains().map(|found| !found),
        Comparison::Is => same_object(left, right),
        Comparison::IsNot => same_object(left, right).map(|same| !same),
    }
}

/// `left is right`, known only when one side is `None`: whether any other
/// two values are one object is up to the interpreter.
fn same_object(left: &Val, right: &Val) -> Option<bool> {
    let is_none = |val: &Val| match val {
        Val::None => Some(true),
        Val::Unknown | Val::Starred(_) => None,
        _ => Some(false),
    };
    match (is_none(left)?, is_none(right)?) {
        (true, other) | (other, true) => Some(other),
        (false, false) => None,
    }
}

/// The string methods a platform test uses, on a known string.
fn string_method(value: &str, method: &str, args: &[Val]) -> Option<Val> {
    let text = |value: String| Val::Str {
        value,
        verbatim: false,
    };
    // `startswith` takes one prefix or a tuple of them.
    let affixes = || -> Option<Vec<String>> {
        match args {
            [Val::Str { value, .. }] => Some(vec![value.clone()]),
            [Val::List(items)] => items
                .iter()
                .map(|item| match item {
                    Val::Str { value, .. } => Some(value.clone()),
                    _ => None,
                })
                .collect(),
            _ => None,
        }
    };
    match (method, args) {
        ("split", []) => Some(Val::List(
            value
                .split_whitespace()
                .map(|word| text(word.to_string()))
                .collect(),
        )),
        ("lower" | "casefold", []) => Some(text(value.to_lowercase())),
        ("upper", []) => Some(text(value.to_uppercase())),
        ("startswith", _) => Some(Val::Bool(
            affixes()?.iter().any(|a| value.starts_with(a.as_str())),
        )),
        ("endswith", _) => Some(Val::Bool(
            affixes()?.iter().any(|a| value.ends_with(a.as_str())),
        )),
        _ => None,
    }
}

/// The binding that applies, then the ones it may be a fallback for.
fn candidates<'b>(pool: &[&'b Binding]) -> Vec<&'b Binding> {
    let Some(&last) = pool.last() else {
        return Vec::new();
    };
    let mut out = vec![last];
    if last.in_handler {
        out.extend(
            pool.iter()
                .rev()
                .skip(1)
                .filter(|b| !b.in_handler)
                .take(1)
                .copied(),
        );
    }
    out
}

fn is_dotted_name(s: &str) -> bool {
    !s.is_empty()
        && s.split('.').all(|part| {
            !part.is_empty()
                && part.chars().all(|c| c.is_alphanumeric() || c == '_')
                && !part.starts_with(|c: char| c.is_ascii_digit())
        })
}

/// POSIX-shell-like word splitting as `shlex.split` does it: whitespace,
/// single and double quotes, backslashes. `None` for unbalanced quotes.
pub fn shell_words(s: &str) -> Option<Vec<String>> {
    let mut words = Vec::new();
    let mut word = String::new();
    let mut in_word = false;
    let mut chars = s.chars();
    while let Some(c) = chars.next() {
        match c {
            '\'' => {
                in_word = true;
                loop {
                    match chars.next()? {
                        '\'' => break,
                        ch => word.push(ch),
                    }
                }
            }
            '"' => {
                in_word = true;
                loop {
                    match chars.next()? {
                        '"' => break,
                        '\\' => {
                            let next = chars.next()?;
                            if !matches!(next, '"' | '\\' | '$' | '`') {
                                word.push('\\');
                            }
                            word.push(next);
                        }
                        ch => word.push(ch),
                    }
                }
            }
            '\\' => {
                in_word = true;
                if let Some(next) = chars.next() {
                    word.push(next);
                }
            }
            c if c.is_whitespace() => {
                if in_word {
                    words.push(std::mem::take(&mut word));
                    in_word = false;
                }
            }
            c => {
                in_word = true;
                word.push(c);
            }
        }
    }
    if in_word {
        words.push(word);
    }
    Some(words)
}

/// The default argument of an `os.getenv(NAME, DEFAULT)` or
/// `os.environ.get(NAME, DEFAULT)` call.
pub fn environment_default(call: &super::ir::Call) -> Option<&Expr> {
    call.args.get(1).or_else(|| {
        call.keywords
            .iter()
            .find(|k| k.name.as_deref() == Some("default"))
            .map(|k| &k.value)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shlex_split_like_python() {
        assert_eq!(
            shell_words("git commit -m 'a b' \"c\\\"d\"").unwrap(),
            vec!["git", "commit", "-m", "a b", "c\"d"]
        );
        assert_eq!(shell_words("'unbalanced"), None);
    }

    #[test]
    fn dotted_names_only() {
        assert!(is_dotted_name("os.path"));
        assert!(!is_dotted_name("os..path"));
        assert!(!is_dotted_name("rm -rf"));
    }
}
