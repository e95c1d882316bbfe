//! Lowering ruff's AST into the IR.

use std::cell::RefCell;

use ruff_python_ast::visitor::transformer::{self, Transformer};
use ruff_python_ast::visitor::{self, Visitor};
use ruff_python_ast::{self as ast, Expr as AstExpr, Stmt};
use ruff_text_size::Ranged;

use super::common::{
    concat, falls, if_statement, keep, percent_prefix, raised, spells, try_ends, Clause,
};
use super::{with_stack, Lowered, MAX_NESTING};
use crate::python::ir::{
    Binding, BindingKind, Call, CallId, Comparison, Ending, Expr, Function, Handler, Import,
    Keyword, Module, Param, ParamKind, Scope, ScopeId, ScopeKind, Span, Try,
};

/// Trees deeper than this are taken apart iteratively instead of dropped.
const DISMANTLE_DEPTH: usize = 400;

pub(super) fn lower(text: &str) -> Lowered {
    let parsed = ruff_python_parser::parse_unchecked_source(text, ast::PySourceType::Python);
    let first_error = parsed
        .errors()
        .first()
        .map(|e| (e.error.to_string(), u32::from(e.location.start())));
    let clean = parsed.errors().is_empty();
    let mut lowering = Lowering::new(text);
    with_stack(|| lowering.body(parsed.suite()));
    let deepest = lowering.deepest;
    let too_deep_at = lowering.too_deep_at;
    let mut module = lowering.module;
    module.statement_starts = parsed
        .suite()
        .iter()
        .map(|statement| u32::from(statement.range().start()))
        .collect();
    if deepest > DISMANTLE_DEPTH {
        dismantle(parsed.into_syntax().body);
    }
    Lowered {
        module,
        first_error,
        clean,
        too_deep_at,
    }
}

struct Lowering<'s> {
    text: &'s str,
    module: Module,
    scope: ScopeId,
    /// Inside how many `except` handlers the current statement is.
    handlers: usize,
    depth: usize,
    deepest: usize,
    too_deep_at: Option<u32>,
}

fn span(range: ruff_text_size::TextRange) -> Span {
    Span {
        start: range.start().into(),
        end: range.end().into(),
    }
}

impl<'s> Lowering<'s> {
    fn new(text: &'s str) -> Self {
        Lowering {
            text,
            module: Module {
                scopes: vec![Scope::new(ScopeKind::Module, None)],
                calls: Vec::new(),
                statement_starts: Vec::new(),
                branches: Vec::new(),
                tries: Vec::new(),
            },
            scope: 0,
            handlers: 0,
            depth: 0,
            deepest: 0,
            too_deep_at: None,
        }
    }

    /// Runs `f` one level deeper, on a grown stack when needed; returns
    /// `None` past [`MAX_NESTING`].
    fn nested<T>(&mut self, offset: u32, f: impl FnOnce(&mut Self) -> T) -> Option<T> {
        if self.depth >= MAX_NESTING {
            self.too_deep_at.get_or_insert(offset);
            return None;
        }
        self.depth += 1;
        self.deepest = self.deepest.max(self.depth);
        let result = with_stack(|| f(self));
        self.depth -= 1;
        Some(result)
    }

    fn bind(&mut self, name: &str, kind: BindingKind, offset: u32) {
        let mut scope = self.scope;
        if self.module.scopes[scope].globals.iter().any(|g| g == name) {
            scope = 0;
        }
        self.module.scopes[scope].bindings.push(Binding {
            name: name.to_string(),
            kind,
            offset,
            in_handler: self.handlers > 0,
        });
    }

    fn push_scope(&mut self, kind: ScopeKind) -> ScopeId {
        self.module.scopes.push(Scope::new(kind, Some(self.scope)));
        let id = self.module.scopes.len() - 1;
        std::mem::replace(&mut self.scope, id)
    }

    /// Lowers a block and returns how it may end.
    fn body(&mut self, body: &[Stmt]) -> Vec<Ending> {
        let mut ends = falls();
        for (i, stmt) in body.iter().enumerate() {
            let offset = stmt.range().start().into();
            // The rest of the block, for an `if` that may leave it.
            let after = match (body.get(i + 1), body.last()) {
                (Some(next), Some(last)) => Some(Span {
                    start: next.range().start().into(),
                    end: last.range().end().into(),
                }),
                _ => None,
            };
            ends = self
                .nested(offset, |this| this.stmt(stmt, after))
                .unwrap_or_else(falls);
        }
        ends
    }

    /// The span from the first statement of `body` to the end of its last.
    fn block_span(body: &[Stmt]) -> Option<Span> {
        match (body.first(), body.last()) {
            (Some(first), Some(last)) => Some(Span {
                start: first.range().start().into(),
                end: last.range().end().into(),
            }),
            _ => None,
        }
    }

    /// Lowers one statement and returns how it may end; `after` is the rest
    /// of its block.
    fn stmt(&mut self, stmt: &Stmt, after: Option<Span>) -> Vec<Ending> {
        let offset: u32 = stmt.range().start().into();
        match stmt {
            Stmt::FunctionDef(def) => {
                for decorator in &def.decorator_list {
                    self.visit(&decorator.expression);
                }
                self.parameters_outside(&def.parameters);
                if let Some(returns) = &def.returns {
                    self.visit(returns);
                }
                self.bind(&def.name.id, BindingKind::Opaque, offset);
                let outer = self.push_scope(ScopeKind::Function);
                self.parameters_inside(&def.parameters);
                self.module.scopes[self.scope].function = Some(Function {
                    name: def.name.id.to_string(),
                    params: parameter_list(&def.parameters),
                });
                let handlers = std::mem::take(&mut self.handlers);
                self.body(&def.body);
                self.handlers = handlers;
                self.scope = outer;
                falls()
            }
            Stmt::ClassDef(class) => {
                for decorator in &class.decorator_list {
                    self.visit(&decorator.expression);
                }
                if let Some(arguments) = &class.arguments {
                    for arg in &arguments.args {
                        self.visit(arg);
                    }
                    for keyword in &arguments.keywords {
                        self.visit(&keyword.value);
                    }
                }
                self.bind(&class.name.id, BindingKind::Opaque, offset);
                let outer = self.push_scope(ScopeKind::Class);
                let handlers = std::mem::take(&mut self.handlers);
                self.body(&class.body);
                self.handlers = handlers;
                self.scope = outer;
                falls()
            }
            Stmt::Return(ret) => {
                if let Some(value) = &ret.value {
                    self.visit(value);
                }
                vec![Ending::Leaves]
            }
            Stmt::Break(_) | Stmt::Continue(_) => vec![Ending::Leaves],
            Stmt::Delete(del) => {
                for target in &del.targets {
                    self.target(target, None);
                }
                falls()
            }
            Stmt::TypeAlias(alias) => {
                self.target(&alias.name, None);
                self.visit(&alias.value);
                falls()
            }
            Stmt::Assign(assign) => {
                let value = self.value(&assign.value);
                for target in &assign.targets {
                    self.target(target, Some(value.clone()));
                }
                falls()
            }
            Stmt::AugAssign(aug) => {
                self.visit(&aug.value);
                self.target(&aug.target, None);
                falls()
            }
            Stmt::AnnAssign(ann) => {
                self.visit(&ann.annotation);
                if let Some(value) = &ann.value {
                    let value = self.value(value);
                    self.target(&ann.target, Some(value));
                } else if !matches!(&*ann.target, AstExpr::Name(_)) {
                    self.visit(&ann.target);
                }
                falls()
            }
            Stmt::For(for_) => {
                self.visit(&for_.iter);
                self.target(&for_.target, None);
                self.body(&for_.body);
                self.body(&for_.orelse);
                falls()
            }
            Stmt::While(while_) => {
                self.visit(&while_.test);
                self.body(&while_.body);
                self.body(&while_.orelse);
                falls()
            }
            Stmt::If(if_) => {
                let clauses = &if_.elif_else_clauses;
                // What runs when the test at clause `i` fails: the clauses
                // after it, up to the end of the whole statement.
                let otherwise = |i: usize| {
                    clauses.get(i).map(|clause| Span {
                        start: clause.range.start().into(),
                        end: if_.range.end().into(),
                    })
                };
                let test = self.value(&if_.test);
                let ends = self.body(&if_.body);
                let mut lowered = vec![Clause {
                    test: Some(test),
                    body: Self::block_span(&if_.body),
                    ends,
                    otherwise: otherwise(0),
                }];
                for (i, clause) in clauses.iter().enumerate() {
                    let test = clause.test.as_ref().map(|test| self.value(test));
                    let ends = self.body(&clause.body);
                    lowered.push(Clause {
                        test,
                        body: Self::block_span(&clause.body),
                        ends,
                        otherwise: otherwise(i + 1),
                    });
                }
                if_statement(&mut self.module, self.scope, lowered, after)
            }
            Stmt::With(with) => {
                for item in &with.items {
                    self.visit(&item.context_expr);
                    if let Some(vars) = &item.optional_vars {
                        self.target(vars, None);
                    }
                }
                self.body(&with.body)
            }
            Stmt::Match(match_) => {
                self.visit(&match_.subject);
                for case in &match_.cases {
                    let mut captures = PatternCaptures::default();
                    captures.visit_pattern(&case.pattern);
                    for (name, at) in captures.names {
                        self.bind(&name, BindingKind::Opaque, at);
                    }
                    for value in captures.values {
                        self.visit(value);
                    }
                    if let Some(guard) = &case.guard {
                        self.visit(guard);
                    }
                    self.body(&case.body);
                }
                // A subject no case matches runs on; the cases' own endings
                // are not followed (tree-sitter nests them differently).
                falls()
            }
            Stmt::Raise(raise) => {
                let exc = raise.exc.as_ref().map(|exc| raised(self.value(exc)));
                if let Some(cause) = &raise.cause {
                    self.visit(cause);
                }
                vec![Ending::Raises(exc)]
            }
            Stmt::Try(try_) => {
                let body_ends = self.body(&try_.body);
                let mut handlers = Vec::new();
                for handler in &try_.handlers {
                    let ast::ExceptHandler::ExceptHandler(handler) = handler;
                    let catches = handler.type_.as_ref().map(|type_| self.value(type_));
                    self.handlers += 1;
                    if let Some(name) = &handler.name {
                        self.bind(&name.id, BindingKind::Opaque, name.range.start().into());
                    }
                    let ends = self.body(&handler.body);
                    self.handlers -= 1;
                    handlers.push(Handler {
                        start: handler.range.start().into(),
                        end: handler.range.end().into(),
                        catches,
                        name: handler.name.as_ref().map(|name| name.id.to_string()),
                        ends,
                    });
                }
                let orelse = (!try_.orelse.is_empty()).then(|| self.body(&try_.orelse));
                let finally = (!try_.finalbody.is_empty()).then(|| self.body(&try_.finalbody));
                let handler_ends: Vec<Vec<Ending>> =
                    handlers.iter().map(|h| h.ends.clone()).collect();
                if let (Some(body), false) = (Self::block_span(&try_.body), handlers.is_empty()) {
                    self.module.tries.push(Try {
                        scope: self.scope,
                        body,
                        handlers,
                    });
                }
                try_ends(body_ends, orelse, handler_ends, finally)
            }
            Stmt::Assert(assert) => {
                self.visit(&assert.test);
                if let Some(msg) = &assert.msg {
                    self.visit(msg);
                }
                falls()
            }
            Stmt::Import(import) => {
                for alias in &import.names {
                    let dotted = alias.name.id.to_string();
                    match &alias.asname {
                        Some(asname) => self.bind(
                            &asname.id,
                            BindingKind::Module(Import {
                                level: 0,
                                module: dotted,
                            }),
                            offset,
                        ),
                        None => {
                            let first = dotted.split('.').next().unwrap_or_default().to_string();
                            self.bind(
                                &first.clone(),
                                BindingKind::Module(Import {
                                    level: 0,
                                    module: first,
                                }),
                                offset,
                            );
                        }
                    }
                }
                falls()
            }
            Stmt::ImportFrom(from) => {
                let import = Import {
                    level: from.level,
                    module: from
                        .module
                        .as_ref()
                        .map(|m| m.id.to_string())
                        .unwrap_or_default(),
                };
                for alias in &from.names {
                    if alias.name.id.as_str() == "*" {
                        self.module.scopes[self.scope]
                            .star_imports
                            .push((import.clone(), offset));
                        continue;
                    }
                    let bound = alias.asname.as_ref().unwrap_or(&alias.name);
                    self.bind(
                        &bound.id,
                        BindingKind::FromImport {
                            from: import.clone(),
                            name: alias.name.id.to_string(),
                        },
                        offset,
                    );
                }
                falls()
            }
            Stmt::Global(global) => {
                let names = global.names.iter().map(|n| n.id.to_string());
                self.module.scopes[self.scope].globals.extend(names);
                falls()
            }
            // A call on its own may end the block: `sys.exit(1)`.
            Stmt::Expr(expr) => match &*expr.value {
                AstExpr::Call(_) => match self.value(&expr.value) {
                    Expr::Call(id) => vec![Ending::Calls(id)],
                    _ => falls(),
                },
                value => {
                    self.visit(value);
                    falls()
                }
            },
            Stmt::Nonlocal(_) | Stmt::Pass(_) | Stmt::IpyEscapeCommand(_) => falls(),
        }
    }

    /// Defaults and annotations are evaluated where the `def` is.
    fn parameters_outside(&mut self, params: &ast::Parameters) {
        for param in params.iter() {
            if let Some(default) = param.default() {
                self.visit(default);
            }
            if let Some(annotation) = param.annotation() {
                self.visit(annotation);
            }
        }
    }

    fn parameters_inside(&mut self, params: &ast::Parameters) {
        for param in params.iter() {
            let name = param.name();
            self.bind(name, BindingKind::Opaque, name.range.start().into());
        }
    }

    /// Binds an assignment target; `value` is the assigned value when the
    /// target is a single name.
    fn target(&mut self, target: &AstExpr, value: Option<Expr>) {
        match target {
            AstExpr::Name(name) => {
                let kind = match value {
                    Some(value) => BindingKind::Assign(value),
                    None => BindingKind::Opaque,
                };
                self.bind(&name.id, kind, name.range.start().into());
            }
            AstExpr::Tuple(ast::ExprTuple { elts, .. })
            | AstExpr::List(ast::ExprList { elts, .. }) => {
                for elt in elts {
                    self.target(elt, None);
                }
            }
            AstExpr::Starred(starred) => self.target(&starred.value, None),
            other => {
                // `obj.attr = ...`, `d[k] = ...`: no binding, but the
                // sub-expressions are evaluated.
                self.visit(other);
            }
        }
    }

    /// Lowers an expression whose value is needed, recording every call
    /// inside it.
    fn value(&mut self, expr: &AstExpr) -> Expr {
        self.expr(expr, true)
    }

    /// Walks an expression only for the calls and bindings inside it; its
    /// value is not built (no allocation for names and literals).
    fn visit(&mut self, expr: &AstExpr) {
        self.expr(expr, false);
    }

    fn expr(&mut self, expr: &AstExpr, want: bool) -> Expr {
        let offset: u32 = expr.range().start().into();
        self.nested(offset, |this| this.expr_inner(expr, want))
            .unwrap_or(Expr::Other)
    }

    fn exprs(&mut self, exprs: &[AstExpr], want: bool) -> Vec<Expr> {
        let lowered = exprs.iter().map(|e| self.expr(e, want));
        if want {
            lowered.collect()
        } else {
            lowered.for_each(drop);
            Vec::new()
        }
    }

    fn expr_inner(&mut self, expr: &AstExpr, want: bool) -> Expr {
        let depth = self.depth;
        let leaf = matches!(
            expr,
            AstExpr::Name(_)
                | AstExpr::StringLiteral(_)
                | AstExpr::BytesLiteral(_)
                | AstExpr::NumberLiteral(_)
                | AstExpr::BooleanLiteral(_)
                | AstExpr::NoneLiteral(_)
                | AstExpr::EllipsisLiteral(_)
        );
        if leaf && !want {
            return Expr::Other;
        }
        let lowered = match expr {
            AstExpr::BoolOp(op) => {
                let values = self.exprs(&op.values, want);
                if !want {
                    return Expr::Other;
                }
                Expr::BoolOp {
                    and: op.op == ast::BoolOp::And,
                    values,
                }
            }
            AstExpr::Named(named) => {
                let value = self.value(&named.value);
                self.target(&named.target, Some(value.clone()));
                value
            }
            AstExpr::BinOp(bin) => {
                let left = self.expr(&bin.left, want);
                let right = self.expr(&bin.right, want);
                match bin.op {
                    ast::Operator::Add => concat(left, right),
                    ast::Operator::Mod => match left {
                        Expr::Str { value, .. } | Expr::StrPrefix(value) => {
                            Expr::StrPrefix(percent_prefix(&value))
                        }
                        _ => Expr::Other,
                    },
                    _ => Expr::Other,
                }
            }
            AstExpr::UnaryOp(unary) => {
                let operand = self.expr(&unary.operand, want);
                match (unary.op, operand) {
                    (ast::UnaryOp::Not, Expr::Bool(b)) => Expr::Bool(!b),
                    (ast::UnaryOp::Not, operand) if want => Expr::Not(Box::new(operand)),
                    (ast::UnaryOp::USub, Expr::Int(i)) => Expr::Int(i.wrapping_neg()),
                    _ => Expr::Other,
                }
            }
            AstExpr::Lambda(lambda) => {
                if let Some(params) = &lambda.parameters {
                    self.parameters_outside(params);
                }
                let outer = self.push_scope(ScopeKind::Lambda);
                if let Some(params) = &lambda.parameters {
                    self.parameters_inside(params);
                }
                self.visit(&lambda.body);
                self.scope = outer;
                Expr::Other
            }
            AstExpr::If(if_) => {
                let test = self.expr(&if_.test, want);
                let then = self.expr(&if_.body, want);
                let otherwise = self.expr(&if_.orelse, want);
                if !want {
                    return Expr::Other;
                }
                Expr::Conditional {
                    test: Box::new(test),
                    then: Box::new(then),
                    otherwise: Box::new(otherwise),
                }
            }
            AstExpr::Dict(dict) => {
                let items: Vec<(Option<Expr>, Expr)> = dict
                    .items
                    .iter()
                    .map(|item| {
                        let key = item.key.as_ref().map(|k| self.expr(k, want));
                        (key, self.expr(&item.value, want))
                    })
                    .collect();
                Expr::Dict(items)
            }
            AstExpr::Set(set) => Expr::List(self.exprs(&set.elts, want)),
            AstExpr::ListComp(comp) => {
                self.comprehension(&comp.generators, &[&comp.elt]);
                Expr::Other
            }
            AstExpr::SetComp(comp) => {
                self.comprehension(&comp.generators, &[&comp.elt]);
                Expr::Other
            }
            AstExpr::Generator(comp) => {
                self.comprehension(&comp.generators, &[&comp.elt]);
                Expr::Other
            }
            AstExpr::DictComp(comp) => {
                let mut elts: Vec<&AstExpr> = vec![&comp.value];
                if let Some(key) = &comp.key {
                    elts.push(key);
                }
                self.comprehension(&comp.generators, &elts);
                Expr::Other
            }
            AstExpr::Await(e) => {
                self.visit(&e.value);
                Expr::Other
            }
            AstExpr::Yield(e) => {
                if let Some(value) = &e.value {
                    self.visit(value);
                }
                Expr::Other
            }
            AstExpr::YieldFrom(e) => {
                self.visit(&e.value);
                Expr::Other
            }
            AstExpr::Compare(cmp) => {
                let left = self.expr(&cmp.left, want);
                let comparators = self.exprs(&cmp.comparators, want);
                if !want {
                    return Expr::Other;
                }
                let ops: Option<Vec<Comparison>> = cmp
                    .ops
                    .iter()
                    .map(|op| match op {
                        ast::CmpOp::Eq => Some(Comparison::Eq),
                        ast::CmpOp::NotEq => Some(Comparison::NotEq),
                        ast::CmpOp::In => Some(Comparison::In),
                        ast::CmpOp::NotIn => Some(Comparison::NotIn),
                        ast::CmpOp::Is => Some(Comparison::Is),
                        ast::CmpOp::IsNot => Some(Comparison::IsNot),
                        _ => None,
                    })
                    .collect();
                match ops {
                    Some(ops) => Expr::Compare {
                        left: Box::new(left),
                        rest: ops.into_iter().zip(comparators).collect(),
                    },
                    _ => Expr::Other,
                }
            }
            AstExpr::Call(call) => self.call(call),
            AstExpr::FString(fstring) => {
                let mut prefix = String::new();
                let mut complete = true;
                for element in fstring.value.elements() {
                    match element {
                        ast::InterpolatedStringElement::Literal(lit) if complete => {
                            prefix.push_str(&lit.value);
                        }
                        ast::InterpolatedStringElement::Literal(_) => {}
                        ast::InterpolatedStringElement::Interpolation(interp) => {
                            complete = false;
                            self.visit(&interp.expression);
                        }
                    }
                }
                // Literal parts between f-strings of an implicit
                // concatenation are not in `elements()`; only trust the
                // prefix when there are none.
                let only_fstrings = fstring
                    .value
                    .as_slice()
                    .iter()
                    .all(|part| matches!(part, ast::FStringPart::FString(_)));
                match (complete, only_fstrings) {
                    (true, true) => Expr::Str {
                        value: prefix,
                        verbatim: false,
                    },
                    (false, true) => Expr::StrPrefix(prefix),
                    _ => Expr::Other,
                }
            }
            AstExpr::TString(tstring) => {
                for element in tstring.value.elements() {
                    if let ast::InterpolatedStringElement::Interpolation(interp) = element {
                        self.visit(&interp.expression);
                    }
                }
                Expr::Other
            }
            AstExpr::StringLiteral(lit) => {
                let value = lit.value.to_str().to_string();
                let source = &self.text[lit.range()];
                let verbatim = !lit.value.is_implicit_concatenated() && spells(source, &value);
                Expr::Str { value, verbatim }
            }
            AstExpr::BytesLiteral(lit) => {
                let bytes: Vec<u8> = lit.value.bytes().collect();
                Expr::Str {
                    value: String::from_utf8_lossy(&bytes).into_owned(),
                    verbatim: false,
                }
            }
            AstExpr::NumberLiteral(num) => match &num.value {
                ast::Number::Int(int) => match int.as_i64() {
                    Some(i) => Expr::Int(i),
                    None => Expr::Number { is_zero: false },
                },
                ast::Number::Float(f) => Expr::Number { is_zero: *f == 0.0 },
                ast::Number::Complex { real, imag } => Expr::Number {
                    is_zero: *real == 0.0 && *imag == 0.0,
                },
            },
            AstExpr::BooleanLiteral(b) => Expr::Bool(b.value),
            AstExpr::NoneLiteral(_) => Expr::None,
            AstExpr::EllipsisLiteral(_) => Expr::Other,
            AstExpr::Attribute(attr) => {
                let value = self.expr(&attr.value, want);
                if !want {
                    return Expr::Other;
                }
                Expr::Attribute {
                    value: Box::new(value),
                    attr: attr.attr.id.to_string(),
                }
            }
            AstExpr::Subscript(sub) => {
                self.visit(&sub.value);
                self.visit(&sub.slice);
                Expr::Other
            }
            AstExpr::Starred(starred) => Expr::Starred(Box::new(self.expr(&starred.value, want))),
            AstExpr::Name(name) => Expr::Name {
                id: name.id.to_string(),
                offset: name.range.start().into(),
            },
            AstExpr::List(list) => Expr::List(self.exprs(&list.elts, want)),
            AstExpr::Tuple(tuple) => Expr::List(self.exprs(&tuple.elts, want)),
            AstExpr::Slice(slice) => {
                for part in [&slice.lower, &slice.upper, &slice.step]
                    .into_iter()
                    .flatten()
                {
                    self.visit(part);
                }
                Expr::Other
            }
            AstExpr::IpyEscapeCommand(_) => Expr::Other,
        };
        if keep(depth) {
            lowered
        } else {
            Expr::Other
        }
    }

    fn comprehension(&mut self, generators: &[ast::Comprehension], elts: &[&AstExpr]) {
        // The first iterable is evaluated in the enclosing scope.
        if let Some(first) = generators.first() {
            self.visit(&first.iter);
        }
        let outer = self.push_scope(ScopeKind::Nested);
        for (i, generator) in generators.iter().enumerate() {
            if i > 0 {
                self.visit(&generator.iter);
            }
            self.target(&generator.target, None);
            for cond in &generator.ifs {
                self.visit(cond);
            }
        }
        for elt in elts {
            self.visit(elt);
        }
        self.scope = outer;
    }

    fn call(&mut self, call: &ast::ExprCall) -> Expr {
        let func = self.value(&call.func);
        let args = call.arguments.args.iter().map(|a| self.value(a)).collect();
        let keywords = call
            .arguments
            .keywords
            .iter()
            .map(|k| Keyword {
                name: k.arg.as_ref().map(|a| a.id.to_string()),
                value: self.value(&k.value),
            })
            .collect();
        let id: CallId = self.module.calls.len();
        self.module.calls.push(Call {
            scope: self.scope,
            func,
            args,
            keywords,
            span: span(call.range()),
            func_span: span(call.func.range()),
        });
        Expr::Call(id)
    }
}

/// Names a `match` pattern binds, and the value expressions inside it.
#[derive(Default)]
struct PatternCaptures<'a> {
    names: Vec<(String, u32)>,
    values: Vec<&'a AstExpr>,
}

impl<'a> Visitor<'a> for PatternCaptures<'a> {
    fn visit_pattern(&mut self, pattern: &'a ast::Pattern) {
        match pattern {
            ast::Pattern::MatchAs(p) => {
                if let Some(name) = &p.name {
                    self.names
                        .push((name.id.to_string(), name.range.start().into()));
                }
            }
            ast::Pattern::MatchStar(p) => {
                if let Some(name) = &p.name {
                    self.names
                        .push((name.id.to_string(), name.range.start().into()));
                }
            }
            ast::Pattern::MatchMapping(p) => {
                if let Some(name) = &p.rest {
                    self.names
                        .push((name.id.to_string(), name.range.start().into()));
                }
            }
            _ => {}
        }
        visitor::walk_pattern(self, pattern);
    }

    fn visit_expr(&mut self, expr: &'a AstExpr) {
        self.values.push(expr);
    }
}

/// Takes a deep tree apart without recursing once per level: each
/// expression's children are moved onto a work list before it is dropped.
fn dismantle(body: impl IntoIterator<Item = Stmt>) {
    let collector = Dismantle::default();
    for mut stmt in body {
        collector.visit_stmt(&mut stmt);
        drop(stmt);
    }
    loop {
        let next = collector.pending.borrow_mut().pop();
        let Some(mut expr) = next else { break };
        transformer::walk_expr(&collector, &mut expr);
        drop(expr);
    }
}

#[derive(Default)]
struct Dismantle {
    pending: RefCell<Vec<AstExpr>>,
}

impl Transformer for Dismantle {
    fn visit_stmt(&self, stmt: &mut Stmt) {
        with_stack(|| transformer::walk_stmt(self, stmt));
    }

    fn visit_expr(&self, expr: &mut AstExpr) {
        let placeholder = AstExpr::NoneLiteral(ast::ExprNoneLiteral::default());
        self.pending
            .borrow_mut()
            .push(std::mem::replace(expr, placeholder));
    }
}

/// The parameters of a `def` as a caller fills them.
fn parameter_list(params: &ast::Parameters) -> Vec<Param> {
    let mut list = Vec::new();
    let positional = params
        .posonlyargs
        .iter()
        .map(|p| (p, false))
        .chain(params.args.iter().map(|p| (p, true)));
    for (index, (param, by_name)) in positional.enumerate() {
        list.push(Param {
            name: param.parameter.name.id.to_string(),
            kind: ParamKind::Positional { index, by_name },
            unset_is_false: unset_is_false(param),
        });
    }
    if let Some(vararg) = &params.vararg {
        list.push(Param {
            name: vararg.name.id.to_string(),
            kind: ParamKind::VarPositional {
                index: params.posonlyargs.len() + params.args.len(),
            },
            unset_is_false: true,
        });
    }
    for param in &params.kwonlyargs {
        list.push(Param {
            name: param.parameter.name.id.to_string(),
            kind: ParamKind::KeywordOnly,
            unset_is_false: unset_is_false(param),
        });
    }
    if let Some(kwarg) = &params.kwarg {
        list.push(Param {
            name: kwarg.name.id.to_string(),
            kind: ParamKind::VarKeyword,
            unset_is_false: true,
        });
    }
    list
}

fn unset_is_false(param: &ast::ParameterWithDefault) -> bool {
    match param.default.as_deref() {
        None | Some(AstExpr::NoneLiteral(_)) => true,
        Some(AstExpr::BooleanLiteral(b)) => !b.value,
        Some(AstExpr::NumberLiteral(n)) => {
            matches!(&n.value, ast::Number::Int(i) if *i == ast::Int::ZERO)
        }
        Some(AstExpr::StringLiteral(s)) => s.value.is_empty(),
        Some(_) => false,
    }
}
