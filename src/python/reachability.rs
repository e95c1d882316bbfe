//! Code that never runs on the base because a platform test rules it out:
//! the body of `if sys.platform == "win32":`, the `else` of
//! `if os.name == "posix":`, an `elif platform.system() == "Darwin":`.
//! Libraries keep their Windows and macOS paths beside the Linux one
//! (`os.system("")` to turn on ANSI colours in a Windows console,
//! `ctypes.CDLL("kernel32")`), and reporting those would be noise on a
//! Linux image.
//!
//! Only tests that read the platform (`sys.platform`, `os.name`,
//! `platform.system()`, directly or through a name assigned once, such as
//! `WINDOWS = sys.platform.startswith("win")`) prune anything. A test that
//! is false for another reason (`if DEBUG:` with `DEBUG = False`) still
//! counts as code that may run: such flags are set from outside the module.

use std::collections::HashMap;

use super::ir::{Expr, Module, ScopeId, Span};
use super::resolve::{Callee, Resolver, PLATFORM_CALLS, PLATFORM_VALUES};

/// How far a test is followed through names and calls.
const MAX_DEPTH: usize = 16;

/// The source ranges that never run on the base, disjoint and in order.
#[derive(Debug, Default)]
pub struct Unreachable {
    spans: Vec<Span>,
}

impl Unreachable {
    /// The branches of `module` that a platform test rules out on Linux.
    pub fn find(module: &Module, resolver: &Resolver<'_>) -> Self {
        let mut platform = PlatformReads {
            resolver,
            assigned: HashMap::new(),
        };
        let mut spans = Vec::new();
        for branch in &module.branches {
            if !platform.reads(&branch.test, branch.scope, 0) {
                continue;
            }
            match resolver.value(&branch.test, branch.scope).truthy() {
                Some(false) => spans.push(branch.then),
                Some(true) => spans.extend(branch.otherwise),
                None => {}
            }
        }
        // Branches nest, and an `elif` chain's `otherwise` ranges share
        // their end: merged into disjoint ranges in order, a lookup is a
        // binary search even in a file of thousands of platform tests.
        spans.sort_by_key(|span| (span.start, span.end));
        let mut merged: Vec<Span> = Vec::with_capacity(spans.len());
        for span in spans {
            match merged.last_mut() {
                Some(last) if span.start <= last.end => last.end = last.end.max(span.end),
                _ => merged.push(span),
            }
        }
        Unreachable { spans: merged }
    }

    pub fn is_empty(&self) -> bool {
        self.spans.is_empty()
    }

    /// Whether the code at byte `offset` never runs.
    /// `resolver` without the bindings made in code that never runs.
    pub fn prune<'r>(&self, resolver: Resolver<'r>) -> Resolver<'r> {
        if self.is_empty() {
            return resolver;
        }
        resolver.without_bindings_where(|offset| self.contains(offset))
    }

    pub fn contains(&self, offset: u32) -> bool {
        // The last range starting at or before `offset` is the only one
        // that can hold it.
        let after = self.spans.partition_point(|span| span.start <= offset);
        after > 0 && self.spans[after - 1].contains(offset)
    }
}

/// Which expressions depend on the platform.
struct PlatformReads<'r, 'm> {
    resolver: &'r Resolver<'m>,
    /// The answer for each assigned value already followed, so that names
    /// built from names are looked at once each.
    assigned: HashMap<*const Expr, bool>,
}

impl PlatformReads<'_, '_> {
    fn reads(&mut self, expr: &Expr, scope: ScopeId, depth: usize) -> bool {
        if depth > MAX_DEPTH {
            return false;
        }
        let resolver = self.resolver;
        match expr {
            Expr::Name { id, offset } => {
                if is_platform_name(resolver.callee(expr, scope)) {
                    return true;
                }
                let Some((value, value_scope)) = resolver.assigned_value(id, scope, *offset) else {
                    return false;
                };
                let key: *const Expr = value;
                if let Some(known) = self.assigned.get(&key) {
                    return *known;
                }
                self.assigned.insert(key, false);
                let reads = self.reads(value, value_scope, depth + 1);
                self.assigned.insert(key, reads);
                reads
            }
            Expr::Attribute { .. } => is_platform_name(resolver.callee(expr, scope)),
            Expr::Call(id) => {
                let Some(call) = resolver.module().calls.get(*id) else {
                    return false;
                };
                match resolver.callee(&call.func, call.scope) {
                    Callee::Qualified(name) if PLATFORM_CALLS.iter().any(|(n, _)| *n == name) => {
                        true
                    }
                    // A method of the platform's string: `sys.platform.lower()`.
                    _ => match &call.func {
                        Expr::Attribute { value, .. } => self.reads(value, call.scope, depth + 1),
                        _ => false,
                    },
                }
            }
            Expr::Compare { left, rest } => {
                self.reads(left, scope, depth + 1)
                    || rest.iter().any(|(_, e)| self.reads(e, scope, depth + 1))
            }
            Expr::BoolOp { values, .. } => values.iter().any(|e| self.reads(e, scope, depth + 1)),
            Expr::Not(operand) => self.reads(operand, scope, depth + 1),
            Expr::Conditional {
                test,
                then,
                otherwise,
            } => [test, then, otherwise]
                .into_iter()
                .any(|e| self.reads(e, scope, depth + 1)),
            _ => false,
        }
    }
}

fn is_platform_name(callee: Callee) -> bool {
    matches!(callee, Callee::Qualified(name) if PLATFORM_VALUES.iter().any(|(n, _)| *n == name))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn unreachable(spans: &[(u32, u32)]) -> Unreachable {
        Unreachable {
            spans: spans
                .iter()
                .map(|&(start, end)| Span { start, end })
                .collect(),
        }
    }

    #[test]
    fn nested_and_touching_ranges_merge_into_disjoint_ones() {
        let python = "import sys\n\
            if sys.platform == 'win32':\n    a()\n    if sys.platform == 'darwin':\n        b()\n\
            elif sys.platform == 'cygwin':\n    c()\n\
            else:\n    d()\n\
            e()\n";
        let parsed = crate::python::parse::parse(python);
        let resolver = Resolver::new(&parsed.module, None, false);
        let found = Unreachable::find(&parsed.module, &resolver);
        let at = |text: &str| python.find(text).unwrap() as u32;
        // `b()`'s range lies inside `a()`'s; `c()`'s is apart from both.
        assert_eq!(found.spans.len(), 2, "{found:?}");
        for dead in ["a()", "b()", "c()"] {
            assert!(found.contains(at(dead)), "{dead} never runs");
        }
        for live in ["d()", "e()", "import sys"] {
            assert!(!found.contains(at(live)), "{live} runs");
        }
    }

    #[test]
    fn a_lookup_finds_the_one_range_that_can_hold_the_offset() {
        let found = unreachable(&[(10, 20), (30, 40)]);
        let hits: Vec<u32> = (0..50).filter(|&o| found.contains(o)).collect();
        let expected: Vec<u32> = (10..20).chain(30..40).collect();
        assert_eq!(hits, expected);
        assert!(!unreachable(&[]).contains(0));
    }
}
