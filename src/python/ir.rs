//! The small intermediate form the analysis works on: scopes with their
//! bindings, and every call with its callee expression and literal-ish
//! arguments.
//!
//! Both parsers (ruff's, and tree-sitter for what ruff cannot read) lower
//! their trees into this form, so nothing after `parse` depends on either.
//! It keeps only what resolution and the rules need; anything else becomes
//! [`Expr::Other`], which always means "value not known", never "safe".
//!
//! Expressions are kept to a bounded depth ([`MAX_EXPR_DEPTH`]); a deeper
//! sub-expression is `Other`. Calls live in one flat list and are referred to
//! by index, so nesting calls does not deepen the tree, and every call in the
//! file is analysed whatever its depth.

/// How deep an argument expression is kept before it becomes `Other`.
pub const MAX_EXPR_DEPTH: usize = 24;

pub type ScopeId = usize;
pub type CallId = usize;

/// A byte range in the decoded source text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Span {
    pub start: u32,
    pub end: u32,
}

#[derive(Debug, Default)]
pub struct Module {
    /// Scope 0 is the module itself.
    pub scopes: Vec<Scope>,
    pub calls: Vec<Call>,
    /// Where each top-level statement starts, in order; empty when the
    /// parser did not say (the query rules then parse the whole file).
    pub statement_starts: Vec<u32>,
    /// Every `if` and `elif`, for the code a test rules out on the base
    /// (`if sys.platform == "win32":`; see `reachability`) and the code a
    /// test skips when a program is absent (`if shutil.which("x"):`; see
    /// `handling`).
    pub branches: Vec<Branch>,
    /// Every `try` statement with handlers, for the failures they catch.
    pub tries: Vec<Try>,
}

/// One `if` or `elif` test and the code it chooses between.
#[derive(Debug)]
pub struct Branch {
    pub scope: ScopeId,
    pub test: Expr,
    /// The statements run when the test is true.
    pub then: Span,
    /// The `elif` and `else` clauses after it, run when it is false.
    pub otherwise: Option<Span>,
    /// How the statements run when the test is true can end.
    pub then_ends: Vec<Ending>,
    /// How the code run when the test is false can end: the later clauses'
    /// bodies, and falling through when there is no `else`.
    pub otherwise_ends: Vec<Ending>,
    /// For an `if` (not an `elif`): the statements after the whole `if`
    /// statement in the same block, which run only when no clause left it
    /// (`if not shutil.which("x"): return`).
    pub after: Option<Span>,
}

/// How a block of statements can end, judged from its last statement (and,
/// for an `if`, `try` or `with` there, from the blocks inside it).
#[derive(Debug, Clone)]
pub enum Ending {
    /// Runs on to whatever follows.
    Falls,
    /// `return`, `break` or `continue`.
    Leaves,
    /// `raise`, with what is raised; `None` for a bare `raise`.
    Raises(Option<Expr>),
    /// A call as the last statement: `sys.exit(1)` raises SystemExit,
    /// most others fall through.
    Calls(CallId),
}

/// A `try` statement with at least one `except` clause.
#[derive(Debug)]
pub struct Try {
    pub scope: ScopeId,
    /// The statements its handlers protect: not the handlers themselves,
    /// nor the `else` and `finally` blocks.
    pub body: Span,
    pub handlers: Vec<Handler>,
}

/// One `except` (or `except*`) clause.
#[derive(Debug)]
pub struct Handler {
    /// Where the clause starts, for its line.
    pub start: u32,
    /// Where the clause, its block included, ends.
    pub end: u32,
    /// The class, or tuple of classes, it catches; `None` for a bare
    /// `except:`.
    pub catches: Option<Expr>,
    /// The name `as` binds (or Python 2's `except E, name`).
    pub name: Option<String>,
    pub ends: Vec<Ending>,
}

impl Span {
    pub fn contains(&self, offset: u32) -> bool {
        self.start <= offset && offset < self.end
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ScopeKind {
    Module,
    Class,
    Function,
    /// Comprehensions: function-like for name lookup, run where they are
    /// written.
    Nested,
    /// Lambdas: function-like, run whenever they are called.
    Lambda,
}

#[derive(Debug)]
pub struct Scope {
    pub kind: ScopeKind,
    pub parent: Option<ScopeId>,
    pub bindings: Vec<Binding>,
    /// Names declared `global` here: they live in the module scope.
    pub globals: Vec<String>,
    /// Modules imported with `from M import *`, with the statement's offset.
    pub star_imports: Vec<(Import, u32)>,
    /// For the body of a `def`: its name and parameters, so that a call
    /// passing a parameter on to `subprocess` makes the function a wrapper
    /// (see `wrappers`). `None` for every other scope, and for functions
    /// read by the fallback parser.
    pub function: Option<Function>,
}

/// A `def`'s name and parameters.
#[derive(Debug, Clone)]
pub struct Function {
    pub name: String,
    pub params: Vec<Param>,
}

#[derive(Debug, Clone)]
pub struct Param {
    pub name: String,
    pub kind: ParamKind,
    /// A caller that leaves it out leaves it false: no default, or a
    /// literal `False`, `None`, `0` or `""` one. (A flag like `shell=`
    /// left out is then off.)
    pub unset_is_false: bool,
}

/// How a caller passes a parameter's value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ParamKind {
    /// At `index` among the positional arguments, and by name unless it is
    /// positional-only (before `/`).
    Positional { index: usize, by_name: bool },
    /// Only by name (after `*` or `*args`).
    KeywordOnly,
    /// `*args`: every positional argument from `index` on.
    VarPositional { index: usize },
    /// `**kwargs`: every keyword no other parameter takes.
    VarKeyword,
}

impl Scope {
    pub fn new(kind: ScopeKind, parent: Option<ScopeId>) -> Scope {
        Scope {
            kind,
            parent,
            bindings: Vec::new(),
            globals: Vec::new(),
            star_imports: Vec::new(),
            function: None,
        }
    }
}

#[derive(Debug, Clone)]
pub struct Binding {
    pub name: String,
    pub kind: BindingKind,
    /// Where the binding happens; lookups prefer the latest one before a use.
    pub offset: u32,
    /// Made inside an `except` handler: a fallback for a binding made in the
    /// `try` body (`try: import x` / `except ImportError: x = None`).
    pub in_handler: bool,
}

/// A module named by an import statement; `level` counts leading dots.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Import {
    pub level: u32,
    /// The dotted module after the dots; empty for `from . import x`.
    pub module: String,
}

#[derive(Debug, Clone)]
pub enum BindingKind {
    /// `import a.b` binds `a` to module `a`; `import a.b as c` binds `c` to
    /// `a.b`.
    Module(Import),
    /// `from M import name [as alias]`: the binding is `M.name`.
    FromImport { from: Import, name: String },
    /// `name = value` (single name target, including `a = b = value`,
    /// annotated assignments with a value, and walrus).
    Assign(Expr),
    /// `def`, `class`, parameters, loop targets, `with ... as`, `except ...
    /// as`, augmented assignments, `del`, unpacking: bound to something we do
    /// not model.
    Opaque,
}

#[derive(Debug)]
pub struct Call {
    pub scope: ScopeId,
    pub func: Expr,
    pub args: Vec<Expr>,
    pub keywords: Vec<Keyword>,
    /// The whole call, from the callee to the closing parenthesis.
    pub span: Span,
    /// Just the callee expression, for quoting what the user wrote.
    pub func_span: Span,
}

#[derive(Debug, Clone)]
pub struct Keyword {
    /// `None` for `**mapping`.
    pub name: Option<String>,
    pub value: Expr,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Comparison {
    Eq,
    NotEq,
    In,
    NotIn,
    Is,
    IsNot,
}

#[derive(Debug, Clone)]
pub enum Expr {
    Name {
        id: String,
        offset: u32,
    },
    Attribute {
        value: Box<Expr>,
        attr: String,
    },
    Call(CallId),
    /// A string literal. `verbatim` is true when the source spells the value
    /// exactly (one literal, no escapes, no implicit concatenation): only
    /// such strings may name a module or attribute (see `prefilter`).
    Str {
        value: String,
        verbatim: bool,
    },
    /// A string whose beginning is known: f-strings, `"git " + x`,
    /// `"rm %s" % x`, `"ls {}".format(x)`.
    StrPrefix(String),
    Int(i64),
    /// A number that is not a small integer (float, complex, big int):
    /// known, and truthy unless zero.
    Number {
        is_zero: bool,
    },
    Bool(bool),
    None,
    /// List, tuple or set display.
    List(Vec<Expr>),
    /// `left == right`, `left in (...)`, `left is None`, chained:
    /// `a == b != c`. Only equality, membership and identity, whose result
    /// follows from known strings and `None`; any other comparison is
    /// `Other`.
    Compare {
        left: Box<Expr>,
        rest: Vec<(Comparison, Expr)>,
    },
    /// `a and b and c` when `and`, else `a or b or c`.
    BoolOp {
        and: bool,
        values: Vec<Expr>,
    },
    Not(Box<Expr>),
    /// `then if test else otherwise`.
    Conditional {
        test: Box<Expr>,
        then: Box<Expr>,
        otherwise: Box<Expr>,
    },
    /// Dict display; a `None` key is a `**mapping` entry.
    Dict(Vec<(Option<Expr>, Expr)>),
    Starred(Box<Expr>),
    Other,
}
