//! Exception classes as `except` clauses match them: a class catches an
//! exception when it is the exception's class or one of its bases.
//!
//! Built-in classes are known with their bases (Python 3.13's hierarchy);
//! any other class is known only as far as a rule file declares it
//! (`raises = ["zoneinfo.ZoneInfoNotFoundError", "KeyError"]`). A class
//! that cannot be named statically catches nothing here, and an exception
//! of a class whose bases are unknown is caught by nothing but itself: both
//! keep a finding rather than drop it.

/// Every built-in exception class and its bases.
const BUILTIN: &[(&str, &[&str])] = &[
    ("BaseException", &[]),
    ("BaseExceptionGroup", &["BaseException"]),
    ("GeneratorExit", &["BaseException"]),
    ("KeyboardInterrupt", &["BaseException"]),
    ("SystemExit", &["BaseException"]),
    ("Exception", &["BaseException"]),
    ("ArithmeticError", &["Exception"]),
    ("FloatingPointError", &["ArithmeticError"]),
    ("OverflowError", &["ArithmeticError"]),
    ("ZeroDivisionError", &["ArithmeticError"]),
    ("AssertionError", &["Exception"]),
    ("AttributeError", &["Exception"]),
    ("BufferError", &["Exception"]),
    ("EOFError", &["Exception"]),
    ("ExceptionGroup", &["BaseExceptionGroup", "Exception"]),
    ("ImportError", &["Exception"]),
    ("ModuleNotFoundError", &["ImportError"]),
    ("LookupError", &["Exception"]),
    ("IndexError", &["LookupError"]),
    ("KeyError", &["LookupError"]),
    ("MemoryError", &["Exception"]),
    ("NameError", &["Exception"]),
    ("UnboundLocalError", &["NameError"]),
    ("OSError", &["Exception"]),
    ("BlockingIOError", &["OSError"]),
    ("ChildProcessError", &["OSError"]),
    ("ConnectionError", &["OSError"]),
    ("BrokenPipeError", &["ConnectionError"]),
    ("ConnectionAbortedError", &["ConnectionError"]),
    ("ConnectionRefusedError", &["ConnectionError"]),
    ("ConnectionResetError", &["ConnectionError"]),
    ("FileExistsError", &["OSError"]),
    ("FileNotFoundError", &["OSError"]),
    ("InterruptedError", &["OSError"]),
    ("IsADirectoryError", &["OSError"]),
    ("NotADirectoryError", &["OSError"]),
    ("PermissionError", &["OSError"]),
    ("ProcessLookupError", &["OSError"]),
    ("TimeoutError", &["OSError"]),
    ("ReferenceError", &["Exception"]),
    ("RuntimeError", &["Exception"]),
    ("NotImplementedError", &["RuntimeError"]),
    ("PythonFinalizationError", &["RuntimeError"]),
    ("RecursionError", &["RuntimeError"]),
    ("StopAsyncIteration", &["Exception"]),
    ("StopIteration", &["Exception"]),
    ("SyntaxError", &["Exception"]),
    ("IndentationError", &["SyntaxError"]),
    ("TabError", &["IndentationError"]),
    ("SystemError", &["Exception"]),
    ("TypeError", &["Exception"]),
    ("ValueError", &["Exception"]),
    ("UnicodeError", &["ValueError"]),
    ("UnicodeDecodeError", &["UnicodeError"]),
    ("UnicodeEncodeError", &["UnicodeError"]),
    ("UnicodeTranslateError", &["UnicodeError"]),
    ("Warning", &["Exception"]),
    ("BytesWarning", &["Warning"]),
    ("DeprecationWarning", &["Warning"]),
    ("EncodingWarning", &["Warning"]),
    ("FutureWarning", &["Warning"]),
    ("ImportWarning", &["Warning"]),
    ("PendingDeprecationWarning", &["Warning"]),
    ("ResourceWarning", &["Warning"]),
    ("RuntimeWarning", &["Warning"]),
    ("SyntaxWarning", &["Warning"]),
    ("UnicodeWarning", &["Warning"]),
    ("UserWarning", &["Warning"]),
];

/// Names of OSError kept for compatibility (PEP 3151): catching one of
/// them is catching OSError.
const OS_ERROR_ALIASES: &[&str] = &[
    "builtins.EnvironmentError",
    "builtins.IOError",
    "os.error",
    "socket.error",
    "select.error",
];

/// An exception as handlers see it: its class and every base, qualified
/// (`builtins.FileNotFoundError`, `builtins.OSError`, ...).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Exception {
    classes: Vec<String>,
}

impl Exception {
    /// The built-in class `name` (`builtins.RuntimeError` or
    /// `RuntimeError`), when there is one.
    pub fn builtin(name: &str) -> Option<Exception> {
        let short = name.strip_prefix("builtins.").unwrap_or(name);
        let canonical = canonical(&format!("builtins.{short}"));
        let short = canonical.strip_prefix("builtins.")?;
        BUILTIN.iter().any(|(class, _)| *class == short).then(|| {
            let mut classes = Vec::new();
            add_with_bases(short, &mut classes);
            Exception { classes }
        })
    }

    /// An exception a rule file declares: its class, then its bases up to a
    /// built-in one, whose own bases are known. Names without a dot are
    /// built-in classes.
    pub fn declared(chain: &[String]) -> Option<Exception> {
        let (last, own) = chain.split_last()?;
        let mut classes: Vec<String> = own.iter().map(|name| qualified(name)).collect();
        match Exception::builtin(last) {
            Some(builtin) => classes.extend(builtin.classes),
            None => classes.push(qualified(last)),
        }
        Some(Exception { classes })
    }

    /// Whether `class` (qualified) catches it.
    pub fn caught_by(&self, class: &str) -> bool {
        let class = canonical(class);
        self.classes.contains(&class)
    }

    /// The class's name as code usually writes it: `FileNotFoundError`,
    /// `locale.Error`.
    pub fn name(&self) -> &str {
        let first = self.classes.first().map(String::as_str).unwrap_or("");
        first.strip_prefix("builtins.").unwrap_or(first)
    }
}

/// Whether `name` is a built-in exception class (or an alias of one).
pub fn is_builtin(name: &str) -> bool {
    Exception::builtin(name).is_some()
}

fn qualified(name: &str) -> String {
    if name.contains('.') {
        name.to_string()
    } else {
        format!("builtins.{name}")
    }
}

fn canonical(class: &str) -> String {
    if OS_ERROR_ALIASES.contains(&class) {
        "builtins.OSError".to_string()
    } else {
        class.to_string()
    }
}

/// Adds `builtins.<short>` and its bases, each once, depth first.
fn add_with_bases(short: &str, classes: &mut Vec<String>) {
    let name = format!("builtins.{short}");
    if classes.contains(&name) {
        return;
    }
    classes.push(name);
    let bases = BUILTIN
        .iter()
        .find(|(class, _)| *class == short)
        .map(|(_, bases)| *bases)
        .unwrap_or(&[]);
    for base in bases {
        add_with_bases(base, classes);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_missing_program_is_caught_by_its_bases_and_their_old_names_only() {
        let missing = Exception::builtin("FileNotFoundError").unwrap();
        for class in [
            "builtins.FileNotFoundError",
            "builtins.OSError",
            "builtins.EnvironmentError",
            "builtins.IOError",
            "os.error",
            "builtins.Exception",
            "builtins.BaseException",
        ] {
            assert!(missing.caught_by(class), "{class}");
        }
        for class in [
            "subprocess.SubprocessError",
            "subprocess.CalledProcessError",
            "builtins.PermissionError",
            "builtins.ValueError",
            "builtins.KeyboardInterrupt",
        ] {
            assert!(!missing.caught_by(class), "{class}");
        }
        assert_eq!(missing.name(), "FileNotFoundError");
    }

    #[test]
    fn a_declared_class_brings_the_bases_of_its_builtin_base() {
        let chain = [
            "zoneinfo.ZoneInfoNotFoundError".to_string(),
            "KeyError".to_string(),
        ];
        let zone = Exception::declared(&chain).unwrap();
        assert!(zone.caught_by("zoneinfo.ZoneInfoNotFoundError"));
        assert!(zone.caught_by("builtins.LookupError"));
        assert!(zone.caught_by("builtins.Exception"));
        assert!(!zone.caught_by("builtins.OSError"));
        assert_eq!(zone.name(), "zoneinfo.ZoneInfoNotFoundError");
        assert!(Exception::declared(&[]).is_none());
    }

    #[test]
    fn an_exception_group_has_both_bases() {
        let group = Exception::builtin("ExceptionGroup").unwrap();
        assert!(group.caught_by("builtins.BaseExceptionGroup"));
        assert!(group.caught_by("builtins.Exception"));
        assert!(Exception::builtin("builtins.NoSuchError").is_none());
        assert!(is_builtin("IOError"));
    }

    #[test]
    fn every_base_in_the_table_is_itself_in_the_table() {
        for (class, bases) in BUILTIN {
            for base in *bases {
                assert!(BUILTIN.iter().any(|(c, _)| c == base), "{class}: {base}");
            }
        }
    }
}
