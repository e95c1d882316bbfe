//! Parsing Python source into the analysis IR. The only module that knows
//! which parsers exist: everything after it sees [`crate::python::ir`].
//!
//! ruff's parser is the primary one: fast, current with Python 3.13/3.14
//! syntax, and it recovers from errors. When it reports syntax errors we also
//! parse with tree-sitter-python, whose grammar still accepts Python 2's
//! `print` and `exec` statements (shipped inside some packages). If
//! tree-sitter reads the file cleanly, its IR is used; if both fail, the IR
//! of whichever parse recovered more calls is used and the file is marked
//! [`Status::Broken`], so it is never skipped silently.
//!
//! Deep nesting: ruff's parser grows its own stack. Lowering recurses through
//! `stacker::maybe_grow` and stops descending at [`MAX_NESTING`] levels —
//! CPython itself refuses to compile far shallower code ("too many nested
//! parentheses" past 200 brackets; a `RecursionError` in its compiler past a
//! few thousand operators) — and the file is marked broken. Dropping a deep
//! ruff tree would recurse once per level, so deep trees are taken apart
//! iteratively instead (see `ruff::dismantle`).

mod ruff;
mod tree_sitter;

use super::ir::Module;

/// Lowering stops descending this deep.
pub const MAX_NESTING: usize = 5_000;

/// Stack left before `stacker` switches to a fresh segment, and its size.
const RED_ZONE: usize = 128 * 1024;
const STACK_SEGMENT: usize = 2 * 1024 * 1024;

/// Runs `f` with at least [`RED_ZONE`] bytes of stack available.
fn with_stack<T>(f: impl FnOnce() -> T) -> T {
    stacker::maybe_grow(RED_ZONE, STACK_SEGMENT, f)
}

#[derive(Debug)]
pub struct Parsed {
    pub module: Module,
    pub status: Status,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Status {
    /// ruff parsed the file without errors.
    Clean,
    /// ruff could not, tree-sitter could (typically Python 2 syntax).
    FallbackClean { primary_error: String },
    /// Neither parser read the whole file; the IR covers what they recovered.
    Broken { error: String, offset: u32 },
    /// Nesting beyond [`MAX_NESTING`]: the deeper parts were not analysed.
    TooDeep { offset: u32 },
}

/// Parses `text` (already decoded) into the IR.
pub fn parse(text: &str) -> Parsed {
    let primary = ruff::lower(text);
    if let Some(offset) = primary.too_deep_at {
        return Parsed {
            module: primary.module,
            status: Status::TooDeep { offset },
        };
    }
    let Some((error, offset)) = primary.first_error else {
        return Parsed {
            module: primary.module,
            status: Status::Clean,
        };
    };
    let fallback = tree_sitter::lower(text);
    if fallback.clean && fallback.too_deep_at.is_none() {
        return Parsed {
            module: fallback.module,
            status: Status::FallbackClean {
                primary_error: error,
            },
        };
    }
    let module = if fallback.too_deep_at.is_none()
        && fallback.module.calls.len() > primary.module.calls.len()
    {
        fallback.module
    } else {
        primary.module
    };
    Parsed {
        module,
        status: Status::Broken { error, offset },
    }
}

/// The IR from tree-sitter alone, for tests that hold the fallback to the
/// primary's results.
#[cfg(test)]
pub(crate) fn parse_with_fallback_only(text: &str) -> Module {
    tree_sitter::lower(text).module
}

/// What one parser produced.
struct Lowered {
    module: Module,
    /// The first syntax error and its offset (ruff), or `None`.
    first_error: Option<(String, u32)>,
    /// Whether the parser reported no errors at all.
    clean: bool,
    too_deep_at: Option<u32>,
}

/// Helpers shared by both lowerings.
mod common {
    use crate::python::ir::{Branch, Ending, Expr, Module, ScopeId, Span, MAX_EXPR_DEPTH};

    /// How many ways a block may end are kept; past that, the block may
    /// raise something unknown. An `elif` chain of thousands of clauses
    /// would otherwise keep, for each clause, every later clause's ending.
    const MAX_ENDINGS: usize = 16;

    /// The endings of an empty block, or one whose last statement is not
    /// `return`, `raise`, a call or a compound statement.
    pub fn falls() -> Vec<Ending> {
        vec![Ending::Falls]
    }

    /// Adds `more` to `ends`, keeping one `Falls` and one `Leaves`.
    pub fn merge(ends: &mut Vec<Ending>, more: impl IntoIterator<Item = Ending>) {
        for ending in more {
            let repeated = match ending {
                Ending::Falls => ends.iter().any(|e| matches!(e, Ending::Falls)),
                Ending::Leaves => ends.iter().any(|e| matches!(e, Ending::Leaves)),
                _ => false,
            };
            if !repeated {
                ends.push(ending);
            }
        }
        if ends.len() > MAX_ENDINGS {
            *ends = vec![Ending::Raises(Some(Expr::Other))];
        }
    }

    /// What a `raise` raises, kept only as far as its class can be read:
    /// a name, an attribute or a call (whose callee is the class).
    pub fn raised(expr: Expr) -> Expr {
        match expr {
            Expr::Name { .. } | Expr::Attribute { .. } | Expr::Call(_) => expr,
            _ => Expr::Other,
        }
    }

    /// The endings of a `try` statement: its body's (or, when the body runs
    /// on, its `else` block's) and its handlers'; a `finally` block that
    /// never runs on decides alone.
    pub fn try_ends(
        body: Vec<Ending>,
        orelse: Option<Vec<Ending>>,
        handlers: impl IntoIterator<Item = Vec<Ending>>,
        finally: Option<Vec<Ending>>,
    ) -> Vec<Ending> {
        if let Some(finally) = &finally {
            if !finally.iter().any(|e| matches!(e, Ending::Falls)) {
                return finally.clone();
            }
        }
        let mut ends = Vec::new();
        let body_falls = body.iter().any(|e| matches!(e, Ending::Falls));
        match orelse {
            Some(orelse) if body_falls => {
                merge(
                    &mut ends,
                    body.into_iter().filter(|e| !matches!(e, Ending::Falls)),
                );
                merge(&mut ends, orelse);
            }
            _ => merge(&mut ends, body),
        }
        for handler in handlers {
            merge(&mut ends, handler);
        }
        ends
    }

    /// One clause of an `if` statement, lowered.
    pub struct Clause {
        /// `None` for the `else` clause.
        pub test: Option<Expr>,
        /// The clause's statements; `None` when it has none (a broken tree).
        pub body: Option<Span>,
        pub ends: Vec<Ending>,
        /// The clauses after this one, to the end of the statement.
        pub otherwise: Option<Span>,
    }

    /// Records the branches of one `if` statement, whose clauses are given
    /// in order, and returns how the statement may end. `after` is the rest
    /// of the block the statement is in.
    pub fn if_statement(
        module: &mut Module,
        scope: ScopeId,
        clauses: Vec<Clause>,
        after: Option<Span>,
    ) -> Vec<Ending> {
        let has_else = clauses.last().is_some_and(|c| c.test.is_none());
        // What runs when the tests so far fail, built from the last clause
        // back: the later clauses, and nothing without an `else`.
        let mut later = if has_else { Vec::new() } else { falls() };
        let mut branches = Vec::new();
        for (i, clause) in clauses.into_iter().enumerate().rev() {
            let otherwise_ends = later.clone();
            merge(&mut later, clause.ends.iter().cloned());
            let (Some(test), Some(then)) = (clause.test, clause.body) else {
                continue;
            };
            if matches!(test, Expr::Other) {
                continue;
            }
            branches.push(Branch {
                scope,
                test,
                then,
                otherwise: clause.otherwise,
                then_ends: clause.ends,
                otherwise_ends,
                after: if i == 0 { after } else { None },
            });
        }
        branches.reverse();
        module.branches.extend(branches);
        later
    }

    /// Whether `source`, the text of one string literal token, spells
    /// `value` exactly: optional `r`/`u` prefix, quotes, no escapes.
    pub fn spells(source: &str, value: &str) -> bool {
        let body = source.trim_start_matches(['r', 'R', 'u', 'U']);
        for quote in ["\"\"\"", "'''", "\"", "'"] {
            if let Some(inner) = body
                .strip_prefix(quote)
                .and_then(|rest| rest.strip_suffix(quote))
            {
                return inner == value && !inner.contains('\\');
            }
        }
        false
    }

    /// The known beginning of `"text %s" % x`: up to the first `%`.
    pub fn percent_prefix(format: &str) -> String {
        match format.find('%') {
            Some(pos) => format[..pos].to_string(),
            None => format.to_string(),
        }
    }

    /// `left + right` when the left side is a known string or list (a
    /// list's later items may be unknown; its first one still names the
    /// program).
    pub fn concat(left: Expr, right: Expr) -> Expr {
        match (left, right) {
            (Expr::List(mut a), Expr::List(b)) => {
                a.extend(b);
                Expr::List(a)
            }
            (Expr::List(mut a), _) => {
                a.push(Expr::Starred(Box::new(Expr::Other)));
                Expr::List(a)
            }
            (Expr::Str { value: a, .. }, Expr::Str { value: b, .. }) => Expr::Str {
                value: a + &b,
                verbatim: false,
            },
            (Expr::Str { value, .. } | Expr::StrPrefix(value), _) => Expr::StrPrefix(value),
            _ => Expr::Other,
        }
    }

    /// Whether an expression at `depth` should still be kept in the IR.
    pub fn keep(depth: usize) -> bool {
        depth < MAX_EXPR_DEPTH
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::python::ir::{BindingKind, Ending, Expr, Span};

    /// How a block ends, without the expressions: `F`alls, `L`eaves,
    /// `R`aises, `C`alls.
    fn kinds(ends: &[Ending]) -> String {
        ends.iter()
            .map(|ending| match ending {
                Ending::Falls => 'F',
                Ending::Leaves => 'L',
                Ending::Raises(_) => 'R',
                Ending::Calls(_) => 'C',
            })
            .collect()
    }

    /// The parts of a module that say how failures are handled, in a form
    /// both parsers' modules can be compared in.
    fn handling_outline(module: &Module) -> Vec<String> {
        let text = |span: Option<Span>| span.map(|s| (s.start, s.end));
        let mut outline: Vec<String> = module
            .branches
            .iter()
            .map(|b| {
                format!(
                    "if {:?} else {:?} after {:?}: {} / {}",
                    text(Some(b.then)),
                    text(b.otherwise),
                    text(b.after),
                    kinds(&b.then_ends),
                    kinds(&b.otherwise_ends)
                )
            })
            .collect();
        for t in &module.tries {
            for h in &t.handlers {
                outline.push(format!(
                    "try {:?} except at {} catches {} as {:?}: {}",
                    text(Some(t.body)),
                    h.start,
                    h.catches.is_some(),
                    h.name,
                    kinds(&h.ends)
                ));
            }
        }
        outline.sort();
        outline
    }

    #[test]
    fn both_parsers_see_the_same_tries_guards_and_endings() {
        let python = "\
import shutil, subprocess, sys
def f(items):
    if not shutil.which('x'):  # why
        return None
    for item in items:
        try:
            subprocess.run(['x', item])
        except (OSError, ValueError) as error:
            if error:
                raise
            else:
                sys.exit(1)
        except:
            raise RuntimeError('x') from None
        else:
            pass
        finally:
            log()
        try:
            pass
        except* KeyError:
            continue
    if shutil.which('y'):
        subprocess.run(['y'])
    elif items:
        pass
    else:
        raise SystemExit
    with open('z') as z:
        return z
";
        let ruff = parse(python);
        assert_eq!(ruff.status, Status::Clean);
        let outline = handling_outline(&ruff.module);
        assert_eq!(
            outline,
            handling_outline(&parse_with_fallback_only(python)),
            "{python}"
        );
        let at = |text: &str| python.find(text).unwrap();
        let expected = [
            format!(
                "except at {} catches true as Some(\"error\"): CR",
                at("except (")
            ),
            format!("except at {} catches false as None: R", at("except:")),
            format!("except at {} catches true as None: L", at("except*")),
        ];
        for handler in &expected {
            assert!(
                outline.iter().any(|line| line.ends_with(handler)),
                "{handler} in {outline:#?}"
            );
        }
        // `if not shutil.which('x'): return` guards the rest of the body.
        assert!(
            outline
                .iter()
                .any(|line| line.contains("after Some") && line.ends_with(": L / F")),
            "{outline:#?}"
        );
    }

    #[test]
    fn a_long_elif_chain_keeps_a_bounded_account_of_its_endings() {
        let mut python = String::from("def f(k):\n    if k == 0:\n        raise E(0)\n");
        for i in 1..2_000 {
            python.push_str(&format!("    elif k == {i}:\n        raise E({i})\n"));
        }
        for module in [parse(&python).module, parse_with_fallback_only(&python)] {
            assert_eq!(module.branches.len(), 2_000);
            assert!(module
                .branches
                .iter()
                .all(|b| b.otherwise_ends.len() <= 16 && !b.otherwise_ends.is_empty()));
            // Every clause raises, so whatever is kept after a clause says
            // so, but for the last, after which the chain runs on.
            let (last, others) = module.branches.split_last().unwrap();
            assert!(others.iter().all(|b| b
                .otherwise_ends
                .iter()
                .any(|e| matches!(e, Ending::Raises(_)))));
            assert_eq!(kinds(&last.otherwise_ends), "F");
        }
    }

    #[test]
    fn python3_is_parsed_by_ruff() {
        let parsed = parse("import subprocess as sp\nsp.run(['ls'], shell=False)\n");
        assert_eq!(parsed.status, Status::Clean);
        assert_eq!(parsed.module.calls.len(), 1);
        let b = &parsed.module.scopes[0].bindings[0];
        assert_eq!(b.name, "sp");
        assert!(matches!(&b.kind, BindingKind::Module(i) if i.module == "subprocess"));
    }

    #[test]
    fn python2_print_and_exec_fall_back_to_tree_sitter() {
        let parsed = parse("import os\nprint \"hello\"\nexec \"x = 1\"\nos.system('ls')\n");
        assert!(
            matches!(parsed.status, Status::FallbackClean { .. }),
            "{:?}",
            parsed.status
        );
        assert!(parsed
            .module
            .calls
            .iter()
            .any(|c| matches!(&c.func, Expr::Attribute { attr, .. } if attr == "system")));
    }

    #[test]
    fn garbage_is_broken_but_keeps_what_it_recovered() {
        let parsed = parse("import os\nos.system('ls')\n)))) def (((:\n");
        assert!(
            matches!(parsed.status, Status::Broken { .. }),
            "{:?}",
            parsed.status
        );
        assert_eq!(parsed.module.calls.len(), 1);
    }
}
