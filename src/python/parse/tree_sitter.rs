//! Lowering a tree-sitter-python tree into the IR: the fallback for files
//! ruff cannot read, mostly Python 2 (`print "x"`, `exec "..."`,
//! `except E, e:`). It covers the same forms as the ruff lowering for
//! imports, assignments, scopes and calls; node kinds it does not know are
//! walked for the calls inside them and their value is unknown.

use tree_sitter::{Node, Parser};

use super::common::{concat, falls, if_statement, keep, percent_prefix, raised, try_ends, Clause};
use super::{with_stack, Lowered, MAX_NESTING};
use crate::python::ir::{
    Binding, BindingKind, Call, Comparison, Ending, Expr, Handler, Import, Keyword, Module, Scope,
    ScopeId, ScopeKind, Span, Try,
};

pub(super) fn lower(text: &str) -> Lowered {
    let mut parser = Parser::new();
    let language: tree_sitter::Language = tree_sitter_python::LANGUAGE.into();
    let empty = || Lowered {
        module: Module {
            scopes: vec![Scope::new(ScopeKind::Module, None)],
            calls: Vec::new(),
            statement_starts: Vec::new(),
            branches: Vec::new(),
            tries: Vec::new(),
        },
        first_error: Some(("tree-sitter could not parse the file".into(), 0)),
        clean: false,
        too_deep_at: None,
    };
    if parser.set_language(&language).is_err() {
        return empty();
    }
    let Some(tree) = parser.parse(text, None) else {
        return empty();
    };
    let root = tree.root_node();
    let mut lowering = Lowering {
        text,
        module: empty().module,
        scope: 0,
        handlers: 0,
        depth: 0,
        too_deep_at: None,
        backquote_at: None,
    };
    with_stack(|| lowering.block(root));
    let first_error = if root.has_error() {
        let at = first_error_node(root);
        Some((
            "tree-sitter-python could not parse it either".to_string(),
            at.map(|n| n.start_byte() as u32).unwrap_or(0),
        ))
    } else {
        // The grammar reads Python 2 backquotes as a string; the expression
        // inside them is not analysed, so the file is not clean.
        lowering.backquote_at.map(|at| {
            (
                "a Python 2 backquote expression (`...`) was not analysed".to_string(),
                at,
            )
        })
    };
    Lowered {
        module: lowering.module,
        clean: first_error.is_none(),
        first_error,
        too_deep_at: lowering.too_deep_at,
    }
}

fn first_error_node(root: Node<'_>) -> Option<Node<'_>> {
    let mut cursor = root.walk();
    loop {
        let node = cursor.node();
        if node.is_error() || node.is_missing() {
            return Some(node);
        }
        if node.has_error() && cursor.goto_first_child() {
            continue;
        }
        loop {
            if cursor.goto_next_sibling() {
                break;
            }
            if !cursor.goto_parent() {
                return None;
            }
        }
    }
}

struct Lowering<'s> {
    text: &'s str,
    module: Module,
    scope: ScopeId,
    handlers: usize,
    depth: usize,
    too_deep_at: Option<u32>,
    backquote_at: Option<u32>,
}

fn span(node: Node<'_>) -> Span {
    Span {
        start: node.start_byte() as u32,
        end: node.end_byte() as u32,
    }
}

fn named_children(node: Node<'_>) -> Vec<Node<'_>> {
    let mut cursor = node.walk();
    node.named_children(&mut cursor).collect()
}

/// The named children of an expression without fields of its own (a
/// comparison's operands, a conditional's three parts), comments left out:
/// a parenthesized expression may hold them between its lines.
fn operands(node: Node<'_>) -> Vec<Node<'_>> {
    named_children(node)
        .into_iter()
        .filter(|child| child.kind() != "comment")
        .collect()
}

fn field_children<'t>(node: Node<'t>, field: &str) -> Vec<Node<'t>> {
    let mut cursor = node.walk();
    node.children_by_field_name(field, &mut cursor).collect()
}

impl<'s> Lowering<'s> {
    fn text(&self, node: Node<'_>) -> &'s str {
        self.text.get(node.byte_range()).unwrap_or("")
    }

    fn nested<T>(&mut self, node: Node<'_>, f: impl FnOnce(&mut Self) -> T) -> Option<T> {
        if self.depth >= MAX_NESTING {
            self.too_deep_at.get_or_insert(node.start_byte() as u32);
            return None;
        }
        self.depth += 1;
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

    /// A module or block: every named child is a statement (or an ERROR
    /// node, walked like one). Returns how the block may end.
    fn block(&mut self, node: Node<'_>) -> Vec<Ending> {
        let statements = operands(node);
        let mut ends = falls();
        for (i, child) in statements.iter().enumerate() {
            // The rest of the block, for an `if` that may leave it.
            let after = match (statements.get(i + 1), statements.last()) {
                (Some(next), Some(last)) => Some(Span {
                    start: next.start_byte() as u32,
                    end: last.end_byte() as u32,
                }),
                _ => None,
            };
            ends = self
                .nested(*child, |this| this.statement(*child, after))
                .unwrap_or_else(falls);
        }
        ends
    }

    /// Lowers one statement and returns how it may end, as the ruff
    /// lowering does; `after` is the rest of its block.
    fn statement(&mut self, node: Node<'_>, after: Option<Span>) -> Vec<Ending> {
        match node.kind() {
            "return_statement" | "break_statement" | "continue_statement" => {
                self.stmt(node);
                vec![Ending::Leaves]
            }
            "raise_statement" => {
                let cause = node.child_by_field_name("cause");
                let mut exc = None;
                for child in operands(node) {
                    if cause.is_some_and(|c| c.id() == child.id()) {
                        self.expr(child);
                    } else {
                        exc = Some(raised(self.expr(child)));
                    }
                }
                vec![Ending::Raises(exc)]
            }
            "expression_statement" => match operands(node).as_slice() {
                [only] if only.kind() == "call" => match self.expr(*only) {
                    Expr::Call(id) => vec![Ending::Calls(id)],
                    _ => falls(),
                },
                _ => {
                    self.stmt(node);
                    falls()
                }
            },
            "if_statement" => self.if_statement(node, after),
            "try_statement" => self.try_statement(node),
            "with_statement" => {
                for child in named_children(node) {
                    if child.kind() == "with_clause" {
                        for item in named_children(child) {
                            self.with_item(item);
                        }
                    }
                }
                let mut ends = falls();
                for child in named_children(node) {
                    if child.kind() == "block" {
                        ends = self.block(child);
                    }
                }
                ends
            }
            _ => {
                self.stmt(node);
                falls()
            }
        }
    }

    fn stmt(&mut self, node: Node<'_>) {
        let offset = node.start_byte() as u32;
        match node.kind() {
            "import_statement" => {
                for name in field_children(node, "name") {
                    self.import_name(name, offset);
                }
            }
            "import_from_statement" => {
                let Some(module) = node.child_by_field_name("module_name") else {
                    return;
                };
                let from = self.import_source(module);
                for child in named_children(node) {
                    if child.kind() == "wildcard_import" {
                        self.module.scopes[self.scope]
                            .star_imports
                            .push((from.clone(), offset));
                    }
                }
                for name in field_children(node, "name") {
                    let (imported, bound) = match name.kind() {
                        "aliased_import" => (
                            name.child_by_field_name("name").map(|n| self.text(n)),
                            name.child_by_field_name("alias").map(|n| self.text(n)),
                        ),
                        _ => (Some(self.text(name)), Some(self.text(name))),
                    };
                    if let (Some(imported), Some(bound)) = (imported, bound) {
                        let kind = BindingKind::FromImport {
                            from: from.clone(),
                            name: imported.to_string(),
                        };
                        self.bind(bound, kind, offset);
                    }
                }
            }
            "future_import_statement"
            | "pass_statement"
            | "break_statement"
            | "continue_statement"
            | "comment" => {}
            "decorated_definition" => {
                for child in named_children(node) {
                    if child.kind() == "decorator" {
                        self.children_exprs(child);
                    }
                }
                if let Some(def) = node.child_by_field_name("definition") {
                    self.statement(def, None);
                }
            }
            "function_definition" => {
                let params = node.child_by_field_name("parameters");
                if let Some(params) = params {
                    self.parameter_defaults(params);
                }
                if let Some(ret) = node.child_by_field_name("return_type") {
                    self.expr(ret);
                }
                if let Some(name) = node.child_by_field_name("name") {
                    self.bind(self.text(name), BindingKind::Opaque, offset);
                }
                let outer = self.push_scope(ScopeKind::Function);
                if let Some(params) = params {
                    self.parameter_names(params);
                }
                let handlers = std::mem::take(&mut self.handlers);
                if let Some(body) = node.child_by_field_name("body") {
                    self.block(body);
                }
                self.handlers = handlers;
                self.scope = outer;
            }
            "class_definition" => {
                if let Some(bases) = node.child_by_field_name("superclasses") {
                    self.children_exprs(bases);
                }
                if let Some(name) = node.child_by_field_name("name") {
                    self.bind(self.text(name), BindingKind::Opaque, offset);
                }
                let outer = self.push_scope(ScopeKind::Class);
                let handlers = std::mem::take(&mut self.handlers);
                if let Some(body) = node.child_by_field_name("body") {
                    self.block(body);
                }
                self.handlers = handlers;
                self.scope = outer;
            }
            "global_statement" => {
                for child in named_children(node) {
                    let name = self.text(child).to_string();
                    self.module.scopes[self.scope].globals.push(name);
                }
            }
            "expression_statement" => {
                for child in named_children(node) {
                    self.expr(child);
                }
            }
            "for_statement" => {
                if let Some(right) = node.child_by_field_name("right") {
                    self.expr(right);
                }
                if let Some(left) = node.child_by_field_name("left") {
                    self.target(left, None);
                }
                self.blocks_of(node);
            }
            "with_statement" | "try_statement" | "if_statement" | "raise_statement" => {
                self.statement(node, None);
            }
            "block" => {
                self.block(node);
            }
            "while_statement" | "elif_clause" | "else_clause" | "finally_clause"
            | "match_statement" | "case_clause" => {
                for child in named_children(node) {
                    match child.kind() {
                        "block" => {
                            self.block(child);
                        }
                        "elif_clause" | "else_clause" | "case_clause" => self.stmt(child),
                        _ if child.kind().ends_with("_statement") => {
                            self.statement(child, None);
                        }
                        _ => {
                            self.expr(child);
                        }
                    }
                }
            }
            "delete_statement" => {
                for child in named_children(node) {
                    self.target(child, None);
                }
            }
            // print, exec, return, raise, assert, ERROR and anything new:
            // walk for calls.
            _ => {
                for child in named_children(node) {
                    if child.kind() == "block" || child.kind().ends_with("_statement") {
                        self.statement(child, None);
                    } else {
                        self.expr(child);
                    }
                }
            }
        }
    }

    /// Like ruff's lowering: a branch for the `if` and for each `elif`,
    /// whose `otherwise` runs from the next clause to the statement's end.
    fn if_statement(&mut self, node: Node<'_>, after: Option<Span>) -> Vec<Ending> {
        let end = node.end_byte() as u32;
        let alternatives = field_children(node, "alternative");
        let otherwise = |i: usize| {
            alternatives.get(i).map(|clause| Span {
                start: clause.start_byte() as u32,
                end,
            })
        };
        let mut clauses = vec![(node, otherwise(0))];
        for (i, clause) in alternatives.iter().enumerate() {
            clauses.push((*clause, otherwise(i + 1)));
        }
        let mut lowered = Vec::new();
        for (clause, otherwise) in clauses {
            let condition = clause.child_by_field_name("condition");
            let test = condition.map(|condition| self.expr(condition));
            let body = clause
                .child_by_field_name("consequence")
                .or_else(|| clause.child_by_field_name("body"));
            let mut ends = falls();
            // The clause's own children, minus the condition just lowered
            // and the clauses lowered in this loop.
            for child in named_children(clause) {
                let is_condition = condition.is_some_and(|c| c.id() == child.id());
                match child.kind() {
                    "elif_clause" | "else_clause" => {}
                    _ if is_condition => {}
                    "block" => ends = self.block(child),
                    _ if child.kind().ends_with("_statement") => {
                        self.statement(child, None);
                    }
                    _ => {
                        self.expr(child);
                    }
                }
            }
            lowered.push(Clause {
                test,
                body: body.map(span),
                ends,
                otherwise,
            });
        }
        if_statement(&mut self.module, self.scope, lowered, after)
    }

    /// A loop's body and `else` block.
    fn blocks_of(&mut self, node: Node<'_>) {
        for child in named_children(node) {
            match child.kind() {
                "block" => {
                    self.block(child);
                }
                "else_clause" => self.stmt(child),
                _ => {}
            }
        }
    }

    /// A `try` statement: its handlers are recorded with the block they
    /// protect.
    fn try_statement(&mut self, node: Node<'_>) -> Vec<Ending> {
        let body = node.child_by_field_name("body");
        let mut body_ends = falls();
        let mut orelse = None;
        let mut finally = None;
        let mut handlers = Vec::new();
        for child in named_children(node) {
            match child.kind() {
                "block" => body_ends = self.block(child),
                "except_clause" | "except_group_clause" => {
                    handlers.push(self.except_clause(child));
                }
                "else_clause" | "finally_clause" => {
                    let mut ends = falls();
                    for part in named_children(child) {
                        if part.kind() == "block" {
                            ends = self.block(part);
                        }
                    }
                    if child.kind() == "else_clause" {
                        orelse = Some(ends);
                    } else {
                        finally = Some(ends);
                    }
                }
                _ => {
                    self.statement(child, None);
                }
            }
        }
        let handler_ends: Vec<Vec<Ending>> = handlers.iter().map(|h| h.ends.clone()).collect();
        if let (Some(body), false) = (body, handlers.is_empty()) {
            self.module.tries.push(Try {
                scope: self.scope,
                body: span(body),
                handlers,
            });
        }
        try_ends(body_ends, orelse, handler_ends, finally)
    }

    fn with_item(&mut self, item: Node<'_>) {
        let Some(value) = item.child_by_field_name("value") else {
            self.children_exprs(item);
            return;
        };
        if value.kind() == "as_pattern" {
            let children = named_children(value);
            if let Some(first) = children.first() {
                self.expr(*first);
            }
            if let Some(alias) = value.child_by_field_name("alias") {
                self.target(alias, None);
            }
        } else {
            self.expr(value);
        }
    }

    /// An `except` clause: what it catches, the name it binds and how its
    /// block may end.
    fn except_clause(&mut self, node: Node<'_>) -> Handler {
        let values: Vec<Node<'_>> = field_children(node, "value")
            .into_iter()
            .filter(|child| child.kind() != "comment")
            .collect();
        let alias = node.child_by_field_name("alias");
        let mut catches = None;
        let mut name = None;
        match values.as_slice() {
            // Python 3 spelling: `except E as e`.
            [pattern] if pattern.kind() == "as_pattern" => {
                catches = operands(*pattern).first().map(|first| self.expr(*first));
                if let Some(target) = pattern.child_by_field_name("alias") {
                    name = self.handler_name(target);
                }
            }
            [only] => catches = Some(self.expr(*only)),
            // Python 2 spelling: `except E, e`.
            [class, target, ..] => {
                catches = Some(self.expr(*class));
                name = self.handler_name(*target);
            }
            [] => {}
        }
        if let Some(alias) = alias {
            name = self.handler_name(alias);
        }
        for child in named_children(node) {
            let lowered = values.iter().any(|v| v.id() == child.id())
                || alias.is_some_and(|a| a.id() == child.id());
            if !lowered && !matches!(child.kind(), "block" | "comment") {
                self.expr(child);
            }
        }
        self.handlers += 1;
        let mut ends = falls();
        for child in named_children(node) {
            if child.kind() == "block" {
                ends = self.block(child);
            }
        }
        self.handlers -= 1;
        Handler {
            start: node.start_byte() as u32,
            end: node.end_byte() as u32,
            catches,
            name,
            ends,
        }
    }

    /// Binds the name an `except` clause gives the exception, and returns it
    /// when it is a plain name.
    fn handler_name(&mut self, target: Node<'_>) -> Option<String> {
        self.handlers += 1;
        self.target(target, None);
        self.handlers -= 1;
        let identifier = if target.kind() == "identifier" {
            Some(target)
        } else {
            operands(target)
                .into_iter()
                .find(|child| child.kind() == "identifier")
        };
        identifier.map(|node| self.text(node).to_string())
    }

    fn import_name(&mut self, name: Node<'_>, offset: u32) {
        match name.kind() {
            "aliased_import" => {
                let dotted = name
                    .child_by_field_name("name")
                    .map(|n| self.text(n).to_string())
                    .unwrap_or_default();
                if let Some(alias) = name.child_by_field_name("alias") {
                    let kind = BindingKind::Module(Import {
                        level: 0,
                        module: compact(&dotted),
                    });
                    self.bind(self.text(alias), kind, offset);
                }
            }
            _ => {
                let dotted = compact(self.text(name));
                let first = dotted.split('.').next().unwrap_or_default().to_string();
                let kind = BindingKind::Module(Import {
                    level: 0,
                    module: first.clone(),
                });
                self.bind(&first, kind, offset);
            }
        }
    }

    fn import_source(&self, module: Node<'_>) -> Import {
        if module.kind() == "relative_import" {
            let mut level = 0;
            let mut dotted = String::new();
            for child in named_children(module) {
                match child.kind() {
                    "import_prefix" => level = self.text(child).matches('.').count() as u32,
                    _ => dotted = compact(self.text(child)),
                }
            }
            Import {
                level,
                module: dotted,
            }
        } else {
            Import {
                level: 0,
                module: compact(self.text(module)),
            }
        }
    }

    fn parameter_defaults(&mut self, params: Node<'_>) {
        for param in named_children(params) {
            if let Some(value) = param.child_by_field_name("value") {
                self.expr(value);
            }
            if let Some(type_) = param.child_by_field_name("type") {
                self.expr(type_);
            }
        }
    }

    fn parameter_names(&mut self, params: Node<'_>) {
        for param in named_children(params) {
            let name = match param.kind() {
                "identifier" => Some(param),
                "default_parameter" | "typed_default_parameter" => {
                    param.child_by_field_name("name")
                }
                _ => None,
            };
            match name {
                Some(name) => self.bind(
                    self.text(name),
                    BindingKind::Opaque,
                    name.start_byte() as u32,
                ),
                None => self.bind_identifiers(param),
            }
        }
    }

    /// Binds every identifier under `node` to something unknown (tuple
    /// parameters, splats, unpacking targets).
    fn bind_identifiers(&mut self, node: Node<'_>) {
        if node.kind() == "identifier" {
            self.bind(
                self.text(node),
                BindingKind::Opaque,
                node.start_byte() as u32,
            );
            return;
        }
        if node.kind() == "type" {
            return;
        }
        for child in named_children(node) {
            self.nested(child, |this| this.bind_identifiers(child));
        }
    }

    fn target(&mut self, target: Node<'_>, value: Option<Expr>) {
        match target.kind() {
            "identifier" => {
                let kind = match value {
                    Some(value) => BindingKind::Assign(value),
                    None => BindingKind::Opaque,
                };
                self.bind(self.text(target), kind, target.start_byte() as u32);
            }
            "pattern_list"
            | "tuple_pattern"
            | "list_pattern"
            | "tuple"
            | "list"
            | "list_splat_pattern"
            | "parenthesized_expression"
            | "expression_list"
            | "as_pattern_target" => {
                for child in named_children(target) {
                    self.target(child, None);
                }
            }
            _ => {
                self.expr(target);
            }
        }
    }

    fn children_exprs(&mut self, node: Node<'_>) {
        for child in named_children(node) {
            self.expr(child);
        }
    }

    fn expr(&mut self, node: Node<'_>) -> Expr {
        self.nested(node, |this| this.expr_inner(node))
            .unwrap_or(Expr::Other)
    }

    fn expr_inner(&mut self, node: Node<'_>) -> Expr {
        let depth = self.depth;
        let lowered = match node.kind() {
            "identifier" => Expr::Name {
                id: self.text(node).to_string(),
                offset: node.start_byte() as u32,
            },
            "attribute" => {
                let object = node
                    .child_by_field_name("object")
                    .map(|o| self.expr(o))
                    .unwrap_or(Expr::Other);
                match node.child_by_field_name("attribute") {
                    Some(attr) => Expr::Attribute {
                        value: Box::new(object),
                        attr: self.text(attr).to_string(),
                    },
                    None => Expr::Other,
                }
            }
            "call" => self.call(node),
            "string" => self.string(node),
            "concatenated_string" => {
                let mut parts = named_children(node).into_iter().map(|c| self.expr(c));
                let first = parts.next().unwrap_or(Expr::Other);
                let joined = parts.fold(first, concat);
                match joined {
                    Expr::Str { value, .. } => Expr::Str {
                        value,
                        verbatim: false,
                    },
                    other => other,
                }
            }
            "integer" => match parse_int(self.text(node)) {
                Some(i) => Expr::Int(i),
                None => Expr::Number { is_zero: false },
            },
            "float" => Expr::Number {
                is_zero: self
                    .text(node)
                    .trim_end_matches(['j', 'J'])
                    .parse::<f64>()
                    .is_ok_and(|f| f == 0.0),
            },
            "true" => Expr::Bool(true),
            "false" => Expr::Bool(false),
            "none" => Expr::None,
            "list" | "tuple" | "set" | "expression_list" => Expr::List(
                named_children(node)
                    .into_iter()
                    .map(|c| self.expr(c))
                    .collect(),
            ),
            "dictionary" => {
                let mut items = Vec::new();
                for child in named_children(node) {
                    match child.kind() {
                        "pair" => {
                            let key = child.child_by_field_name("key").map(|k| self.expr(k));
                            let value = child
                                .child_by_field_name("value")
                                .map(|v| self.expr(v))
                                .unwrap_or(Expr::Other);
                            items.push((key, value));
                        }
                        "dictionary_splat" => {
                            let inner = named_children(child)
                                .first()
                                .map(|c| self.expr(*c))
                                .unwrap_or(Expr::Other);
                            items.push((None, inner));
                        }
                        _ => {
                            self.expr(child);
                        }
                    }
                }
                Expr::Dict(items)
            }
            "parenthesized_expression" => {
                let children = named_children(node);
                match children.as_slice() {
                    [only] => self.expr(*only),
                    _ => {
                        self.children_exprs(node);
                        Expr::Other
                    }
                }
            }
            "binary_operator" => {
                let left = node
                    .child_by_field_name("left")
                    .map(|l| self.expr(l))
                    .unwrap_or(Expr::Other);
                let right = node
                    .child_by_field_name("right")
                    .map(|r| self.expr(r))
                    .unwrap_or(Expr::Other);
                let op = node
                    .child_by_field_name("operator")
                    .map(|o| self.text(o))
                    .unwrap_or("");
                match op {
                    "+" => concat(left, right),
                    "%" => match left {
                        Expr::Str { value, .. } | Expr::StrPrefix(value) => {
                            Expr::StrPrefix(percent_prefix(&value))
                        }
                        _ => Expr::Other,
                    },
                    _ => Expr::Other,
                }
            }
            "not_operator" => match node.child_by_field_name("argument").map(|a| self.expr(a)) {
                Some(Expr::Bool(b)) => Expr::Bool(!b),
                Some(operand) => Expr::Not(Box::new(operand)),
                None => Expr::Other,
            },
            "conditional_expression" => {
                // `then if test else otherwise`: the grammar names no fields.
                let parts: Vec<Expr> = operands(node)
                    .into_iter()
                    .map(|child| self.expr(child))
                    .collect();
                match <[Expr; 3]>::try_from(parts) {
                    Ok([then, test, otherwise]) => Expr::Conditional {
                        test: Box::new(test),
                        then: Box::new(then),
                        otherwise: Box::new(otherwise),
                    },
                    Err(_) => Expr::Other,
                }
            }
            "boolean_operator" => {
                let left = node.child_by_field_name("left").map(|l| self.expr(l));
                let right = node.child_by_field_name("right").map(|r| self.expr(r));
                let op = node.child_by_field_name("operator").map(|o| o.kind());
                match (left, op, right) {
                    (Some(left), Some(op @ ("and" | "or")), Some(right)) => Expr::BoolOp {
                        and: op == "and",
                        values: vec![left, right],
                    },
                    _ => Expr::Other,
                }
            }
            "comparison_operator" => {
                let operators = field_children(node, "operators");
                let lowered: Vec<Expr> = operands(node).into_iter().map(|o| self.expr(o)).collect();
                let ops: Option<Vec<Comparison>> = operators
                    .iter()
                    .map(|op| match op.kind() {
                        "==" => Some(Comparison::Eq),
                        "!=" => Some(Comparison::NotEq),
                        "in" => Some(Comparison::In),
                        "not in" => Some(Comparison::NotIn),
                        "is" => Some(Comparison::Is),
                        "is not" => Some(Comparison::IsNot),
                        _ => None,
                    })
                    .collect();
                let mut lowered = lowered.into_iter();
                match (lowered.next(), ops) {
                    (Some(left), Some(ops)) if ops.len() == lowered.len() => Expr::Compare {
                        left: Box::new(left),
                        rest: ops.into_iter().zip(lowered).collect(),
                    },
                    _ => Expr::Other,
                }
            }
            "unary_operator" => {
                let operand = node.child_by_field_name("argument").map(|a| self.expr(a));
                let op = node.child_by_field_name("operator").map(|o| self.text(o));
                match (op, operand) {
                    (Some("-"), Some(Expr::Int(i))) => Expr::Int(i.wrapping_neg()),
                    _ => Expr::Other,
                }
            }
            "list_splat" => {
                let inner = named_children(node)
                    .first()
                    .map(|c| self.expr(*c))
                    .unwrap_or(Expr::Other);
                Expr::Starred(Box::new(inner))
            }
            "named_expression" => {
                let value = node
                    .child_by_field_name("value")
                    .map(|v| self.expr(v))
                    .unwrap_or(Expr::Other);
                if let Some(name) = node.child_by_field_name("name") {
                    self.target(name, Some(value.clone()));
                }
                value
            }
            "assignment" => {
                // `a = b = value` nests assignments on the right.
                let value = node
                    .child_by_field_name("right")
                    .map(|r| self.expr(r))
                    .unwrap_or(Expr::Other);
                if let Some(type_) = node.child_by_field_name("type") {
                    self.expr(type_);
                }
                if let Some(left) = node.child_by_field_name("left") {
                    let value = node.child_by_field_name("right").map(|_| value.clone());
                    self.target(left, value);
                }
                value
            }
            "augmented_assignment" => {
                if let Some(right) = node.child_by_field_name("right") {
                    self.expr(right);
                }
                if let Some(left) = node.child_by_field_name("left") {
                    self.target(left, None);
                }
                Expr::Other
            }
            "lambda" => {
                let params = node.child_by_field_name("parameters");
                if let Some(params) = params {
                    self.parameter_defaults(params);
                }
                let outer = self.push_scope(ScopeKind::Lambda);
                if let Some(params) = params {
                    self.parameter_names(params);
                }
                if let Some(body) = node.child_by_field_name("body") {
                    self.expr(body);
                }
                self.scope = outer;
                Expr::Other
            }
            "list_comprehension"
            | "set_comprehension"
            | "dictionary_comprehension"
            | "generator_expression" => {
                self.comprehension(node);
                Expr::Other
            }
            _ => {
                for child in named_children(node) {
                    if child.kind() == "block" || child.kind().ends_with("_statement") {
                        self.stmt(child);
                    } else {
                        self.expr(child);
                    }
                }
                Expr::Other
            }
        };
        if keep(depth) {
            lowered
        } else {
            Expr::Other
        }
    }

    fn comprehension(&mut self, node: Node<'_>) {
        let clauses: Vec<Node<'_>> = named_children(node)
            .into_iter()
            .filter(|c| c.kind() == "for_in_clause" || c.kind() == "if_clause")
            .collect();
        let first_iter = clauses.first().and_then(|c| c.child_by_field_name("right"));
        if let Some(iter) = first_iter {
            self.expr(iter);
        }
        let outer = self.push_scope(ScopeKind::Nested);
        for clause in &clauses {
            if clause.kind() == "for_in_clause" {
                if let Some(left) = clause.child_by_field_name("left") {
                    self.target(left, None);
                }
                for right in field_children(*clause, "right") {
                    if Some(right) != first_iter {
                        self.expr(right);
                    }
                }
            } else {
                self.children_exprs(*clause);
            }
        }
        for child in named_children(node) {
            if child.kind() != "for_in_clause" && child.kind() != "if_clause" {
                self.expr(child);
            }
        }
        self.scope = outer;
    }

    fn call(&mut self, node: Node<'_>) -> Expr {
        let Some(function) = node.child_by_field_name("function") else {
            self.children_exprs(node);
            return Expr::Other;
        };
        let func = self.expr(function);
        let mut args = Vec::new();
        let mut keywords = Vec::new();
        if let Some(arguments) = node.child_by_field_name("arguments") {
            if arguments.kind() == "generator_expression" {
                args.push(self.expr(arguments));
            } else {
                for arg in named_children(arguments) {
                    match arg.kind() {
                        "keyword_argument" => {
                            let name = arg
                                .child_by_field_name("name")
                                .map(|n| self.text(n).to_string());
                            let value = arg
                                .child_by_field_name("value")
                                .map(|v| self.expr(v))
                                .unwrap_or(Expr::Other);
                            keywords.push(Keyword { name, value });
                        }
                        "dictionary_splat" => {
                            let value = named_children(arg)
                                .first()
                                .map(|c| self.expr(*c))
                                .unwrap_or(Expr::Other);
                            keywords.push(Keyword { name: None, value });
                        }
                        "comment" => {}
                        _ => args.push(self.expr(arg)),
                    }
                }
            }
        }
        let id = self.module.calls.len();
        self.module.calls.push(Call {
            scope: self.scope,
            func,
            args,
            keywords,
            span: span(node),
            func_span: span(function),
        });
        Expr::Call(id)
    }

    fn string(&mut self, node: Node<'_>) -> Expr {
        let mut value = String::new();
        // After an interpolation only a prefix of the value is known.
        let mut prefix_only = false;
        let mut escapes = false;
        for child in named_children(node) {
            match child.kind() {
                "string_start" => {
                    let start = self.text(child).to_ascii_lowercase();
                    if start.contains('`') {
                        self.backquote_at.get_or_insert(child.start_byte() as u32);
                    }
                    escapes |= start.contains('f') || start.contains('b');
                }
                "string_content" => {
                    // Escape sequences are children of the content.
                    let mut last = child.start_byte();
                    for inner in named_children(child) {
                        if inner.kind() == "escape_sequence" {
                            if !prefix_only {
                                value.push_str(
                                    self.text.get(last..inner.start_byte()).unwrap_or(""),
                                );
                                value.push_str(&unescape(self.text(inner)));
                            }
                            last = inner.end_byte();
                            escapes = true;
                        }
                    }
                    if !prefix_only {
                        value.push_str(self.text.get(last..child.end_byte()).unwrap_or(""));
                    }
                }
                "interpolation" => {
                    prefix_only = true;
                    self.children_exprs(child);
                }
                "escape_sequence" => {
                    if !prefix_only {
                        value.push_str(&unescape(self.text(child)));
                    }
                    escapes = true;
                }
                _ => {}
            }
        }
        if prefix_only {
            Expr::StrPrefix(value)
        } else {
            Expr::Str {
                value,
                verbatim: !escapes,
            }
        }
    }
}

/// `a . b` as written in a dotted name, without spaces or comments.
fn compact(dotted: &str) -> String {
    dotted.chars().filter(|c| !c.is_whitespace()).collect()
}

fn parse_int(text: &str) -> Option<i64> {
    let t = text.replace('_', "").to_ascii_lowercase();
    let t = t.trim_end_matches('l');
    if let Some(hex) = t.strip_prefix("0x") {
        i64::from_str_radix(hex, 16).ok()
    } else if let Some(oct) = t.strip_prefix("0o") {
        i64::from_str_radix(oct, 8).ok()
    } else if let Some(bin) = t.strip_prefix("0b") {
        i64::from_str_radix(bin, 2).ok()
    } else {
        t.parse().ok()
    }
}

fn unescape(escape: &str) -> String {
    match escape {
        "\\n" => "\n".into(),
        "\\t" => "\t".into(),
        "\\r" => "\r".into(),
        "\\\\" => "\\".into(),
        "\\'" => "'".into(),
        "\\\"" => "\"".into(),
        "\\0" => "\0".into(),
        other => match other
            .strip_prefix("\\x")
            .and_then(|h| u8::from_str_radix(h, 16).ok())
        {
            Some(b) => char::from(b).to_string(),
            None => other.to_string(),
        },
    }
}
