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
    use crate::python::ir::{Expr, MAX_EXPR_DEPTH};

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
    use crate::python::ir::{BindingKind, Expr};

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
