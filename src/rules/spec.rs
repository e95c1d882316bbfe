//! What a rule file says: the serde types of `rules/*.toml`.
//!
//! These types are the file format and nothing else; [`super::compile`]
//! checks them and builds the matchers that run. Unknown keys are errors, so
//! a typo in a rule file fails loudly instead of silently disabling a check.
//! Values that a load error may have to point at keep their span
//! ([`Spanned`]), so the error names the line and column.
//!
//! The doc comments here are also the descriptions of the JSON Schema
//! (`schema/rule.schema.json`, generated from these types), which is what an
//! editor shows while completing a rule file: write them for rule authors.
//!
//! A file holds two kinds of table, and any file may hold either:
//!
//! - `[[callable]]`: facts about a Python API that starts programs — its
//!   qualified names, and where its argv, program, shell command and
//!   `shell=` flag are passed. Groups (`spawn`, `exec`, ...) let rules refer
//!   to many callables at once; adding a callable to a group extends every
//!   rule that uses the group.
//! - `[[rule]]`: a code and its documentation, one matcher (`callables`,
//!   `query` or `native`), and cases: conditions on what was found, each
//!   with a severity, message and help.

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::Deserialize;
use toml::Spanned;

/// A distrolint rule file (`rules/*.toml`, or a file in a directory given to
/// `--rules`). See docs/rules.md.
#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
#[schemars(title = "distrolint rule file")]
pub struct RuleFile {
    /// Program names that are shells (`sh`, `bash`, ...), matched on the
    /// program's base name. Adds to the built-in list.
    #[serde(default)]
    pub shell_programs: Vec<String>,
    /// Words a shell runs without starting a program (`cd`, `export`, ...).
    /// Adds to the built-in list.
    #[serde(default)]
    pub shell_builtins: Vec<String>,
    /// Python APIs that start programs, for call matchers.
    #[serde(default)]
    #[schemars(with = "Vec<CallableSpec>")]
    pub callable: Vec<Spanned<CallableSpec>>,
    /// The rules.
    #[serde(default)]
    #[schemars(with = "Vec<RuleSpec>")]
    pub rule: Vec<Spanned<RuleSpec>>,
}

/// Where one argument of a callable is passed: a position, a keyword, or
/// both (`subprocess.run(args=...)`).
#[derive(Debug, Clone, Default, Deserialize, JsonSchema, PartialEq, Eq)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct ArgSpec {
    /// 0-based position of the argument.
    #[serde(default)]
    pub position: Option<usize>,
    /// Keyword name of the argument.
    #[serde(default)]
    pub keyword: Option<String>,
}

/// A Python API that starts a program or a shell.
#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct CallableSpec {
    /// Qualified names, as they resolve through imports: `os.system`,
    /// `subprocess.run`, `acme.shell.run`.
    #[serde(default)]
    #[schemars(with = "Vec<String>")]
    pub names: Vec<Spanned<String>>,
    /// Method names matched on a receiver that does not resolve to a module
    /// (`subprocess_shell` for `loop.subprocess_shell`, whose `loop` is any
    /// event loop).
    #[serde(default)]
    #[schemars(with = "Vec<String>")]
    pub methods: Vec<Spanned<String>>,
    /// Groups rules refer to as `@group` (built in: `spawn`, `exec`,
    /// `shell-command`, `lookup`).
    #[serde(default)]
    pub groups: Vec<String>,
    /// An argv: a list whose first item is the program, or a string (the
    /// program itself, or a shell command when the shell flag is true).
    #[serde(default)]
    #[schemars(with = "Option<ArgSpec>")]
    pub argv: Option<Spanned<ArgSpec>>,
    /// The program path alone (`os.execv(path, args)`).
    #[serde(default)]
    #[schemars(with = "Option<ArgSpec>")]
    pub program: Option<Spanned<ArgSpec>>,
    /// A command line that always goes through the shell (`os.system`).
    #[serde(default)]
    #[schemars(with = "Option<ArgSpec>")]
    pub command: Option<Spanned<ArgSpec>>,
    /// The `shell=` flag: when true, the argv is a shell command.
    #[serde(default)]
    #[schemars(with = "Option<ArgSpec>")]
    pub shell: Option<Spanned<ArgSpec>>,
    /// The program the call always starts, named by no argument: a library
    /// that drives a command-line tool (`pytesseract.image_to_string` runs
    /// `tesseract`). An argument that names the program wins over it.
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    pub starts: Option<Spanned<String>>,
    /// `executable=`: replaces the program the argv names.
    #[serde(default)]
    #[schemars(with = "Option<ArgSpec>")]
    pub executable: Option<Spanned<ArgSpec>>,
    /// The one argument the call is about, when it is not a program: the
    /// library `ctypes.CDLL` opens, the key `zoneinfo.ZoneInfo` reads, the
    /// locale `locale.setlocale` sets. Its `kind` says how its state on the
    /// base is judged (the `subject` condition).
    #[serde(default)]
    #[schemars(with = "Option<SubjectSpec>")]
    pub subject: Option<Spanned<SubjectSpec>>,
    /// What happens when this call cannot run its shell or program, for the
    /// `{error}` placeholder (a rule case may say it instead).
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    pub error: Option<Spanned<String>>,
    /// The exception the call raises when it cannot start its program or
    /// shell, or open its subject: the class, then its bases up to a
    /// built-in one (`["FileNotFoundError"]`,
    /// `["zoneinfo.ZoneInfoNotFoundError", "KeyError"]`); a name without a
    /// dot is a built-in class. A `try` whose handler catches it handles
    /// the failure (see the rule's `handled`). Empty, the default: the call
    /// raises nothing (`os.system` returns 127).
    #[serde(default)]
    #[schemars(with = "Vec<String>")]
    pub raises: Vec<Spanned<String>>,
    /// The call returns `None` when what it looks for is absent
    /// (`shutil.which`, `ctypes.util.find_library`): code that tests the
    /// result handles the failure.
    #[serde(default)]
    pub returns_none: bool,
}

/// The subject argument of a callable: where it is passed, and what kind of
/// thing it names.
#[derive(Debug, Clone, Deserialize, JsonSchema, PartialEq, Eq)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct SubjectSpec {
    /// 0-based position of the argument.
    #[serde(default)]
    pub position: Option<usize>,
    /// Keyword name of the argument.
    #[serde(default)]
    pub keyword: Option<String>,
    /// How the argument's value is judged against the base.
    pub kind: SubjectKind,
}

/// What a subject argument names, which decides its state.
#[derive(Debug, Clone, Copy, Deserialize, JsonSchema, PartialEq, Eq)]
#[serde(rename_all = "kebab-case")]
pub enum SubjectKind {
    /// A shared library opened with dlopen: a path (containing `/`) is that
    /// file in the image; a bare name is searched like the loader does,
    /// in `/etc/ld.so.cache` when the base has one, then the default
    /// directories. `found` or `missing`; `None` (the program itself) is
    /// `found`.
    Library,
    /// cffi's `dlopen`: a name with `.` or `/` is tried as `library`
    /// first; then (and for a short name such as `"cairo"`) it is looked
    /// up as `library-name`.
    CffiLibrary,
    /// A short library name for `ctypes.util.find_library` (`"magic"`):
    /// `found` when the base has ldconfig and an entry of its ld.so.cache
    /// starts with `lib<name>.`, else `missing`.
    LibraryName,
    /// A locale name for `setlocale`: `found` for `C`, `POSIX` and the
    /// base's `locales` (the codeset compared the way glibc does, `UTF-8` =
    /// `utf8`; C.UTF-8 is one of them only where the base has it), and for
    /// `""` when the base's `LANG` is one of these or unset; else `missing`.
    Locale,
    /// Any string: `literal` when it is known.
    Text,
}

/// One rule: a stable code, its documentation, one matcher, and the cases
/// that turn a match into a finding.
///
/// The matcher is whichever of `callables`, `query` or `native` is given;
/// exactly one must be.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct RuleSpec {
    /// Stable code, e.g. `DL201`: letters then digits. Never reused, even
    /// when the rule is removed. `DL` codes are distrolint's own; use a
    /// prefix of your own (`ACME001`) for local rules.
    #[schemars(with = "String", regex(pattern = r"^[A-Z]+[0-9]+$"))]
    pub code: Spanned<String>,
    /// Short kebab-case name, e.g. `shell-always`.
    #[schemars(regex(pattern = r"^[a-z][a-z0-9]*(-[a-z0-9]+)*$"))]
    pub name: String,
    /// What kind of breakage the rule is about; `--select` and `--ignore`
    /// accept family names.
    pub family: FamilySpec,
    /// `stable` (the default), `preview`, `deprecated` or `removed`. A
    /// removed rule never fires; its entry stays so its code is not reused.
    #[serde(default)]
    pub status: StatusSpec,
    /// One line: what the rule finds.
    pub summary: String,
    /// The severity of every case that does not give its own. A rule with
    /// no `[[rule.case]]` has one case: this severity, the rule's message
    /// and help, no conditions.
    #[serde(default)]
    pub severity: Option<SeveritySpec>,
    /// Call matcher: the callables the rule applies to — qualified names
    /// (`os.system`), method names (`.subprocess_shell`) or groups
    /// (`@spawn`). The callables are declared with `[[callable]]`.
    #[serde(default)]
    #[schemars(with = "Option<Vec<String>>")]
    pub callables: Option<Vec<Spanned<String>>>,
    /// Query matcher: a tree-sitter-python query (S-expressions with
    /// captures and `#eq?`, `#match?`, `#any-of?` predicates). Each match
    /// is a finding, placed at the `capture` node.
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    pub query: Option<Spanned<String>>,
    /// Query matcher: the capture (without `@`) whose node gives the
    /// finding's position. Default: the query's first capture.
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    pub capture: Option<Spanned<String>>,
    /// Native matcher: the check is built into distrolint (the ELF loader
    /// simulation, scan diagnostics); the file gives its code,
    /// documentation, severity and message templates. Only for codes
    /// distrolint implements.
    #[serde(default)]
    pub native: bool,
    /// Codes that do not fire on the same call when this rule does.
    #[serde(default)]
    #[schemars(with = "Vec<String>")]
    pub suppresses: Vec<Spanned<String>>,
    /// Codes whose finding at the same place (file, line and column) is
    /// the same cause seen from another side, and becomes part of this
    /// rule's finding: `os.system("chown …")` is one finding that says both
    /// that there is no shell and that `chown` is missing. Applied after
    /// selection, suppression comments and `[[accept]]`, so a code the run
    /// does not report absorbs nothing and the other stays a finding.
    #[serde(default)]
    #[schemars(with = "Vec<String>")]
    pub absorbs: Vec<Spanned<String>>,
    /// What the finding says the base lacks, for the report's list of what
    /// the application needs: its kind, and the finding field that names
    /// it (or a fixed name).
    #[serde(default)]
    pub lacks: Option<LacksSpec>,
    /// Call matcher: how a finding changes when the code already handles
    /// the failure — a `try` catches what the callable `raises`, a test
    /// such as `if shutil.which("x"):` guards the call, or the `None` a
    /// `returns-none` callable gives is tested. Without it, handling
    /// changes nothing (a rule that bans a program stays as it is).
    #[serde(default)]
    #[schemars(with = "Option<HandledSpec>")]
    pub handled: Option<Spanned<HandledSpec>>,
    /// The finding's message: a template with `{placeholders}` (which ones
    /// depends on the matcher; `{{` and `}}` are literal braces). The
    /// default for every case.
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    pub message: Option<Spanned<String>>,
    /// How to fix it: a template like `message`. The default for every case.
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    pub help: Option<Spanned<String>>,
    /// Call matcher: the `{error}` placeholder's text, when the callable's
    /// own is not the right one.
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    pub error: Option<Spanned<String>>,
    /// Tried in order; the first whose conditions hold produces the finding.
    /// No case holding means no finding.
    #[serde(default)]
    #[schemars(with = "Vec<CaseSpec>")]
    pub case: Vec<Spanned<CaseSpec>>,
    /// The documentation `distrolint explain CODE` prints (Markdown): what
    /// it finds, why it breaks on distroless, an example, what to do
    /// instead, references.
    #[serde(default)]
    pub docs: Option<String>,
    /// Python snippets that must produce this rule's code on the default
    /// base (`distrolint rules test` runs them).
    #[serde(default)]
    #[schemars(with = "Vec<String>")]
    pub invalid: Vec<Spanned<String>>,
    /// Python snippets that must not.
    #[serde(default)]
    #[schemars(with = "Vec<String>")]
    pub valid: Vec<Spanned<String>>,
}

/// What a rule's finding becomes when the code handles the failure.
#[derive(Debug, Clone, Copy, Deserialize, JsonSchema, PartialEq, Eq)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct HandledSpec {
    /// The finding's severity then (its code and fingerprint stay).
    pub severity: SeveritySpec,
    /// What the call needs that the base may lack, which a guard must test
    /// for: the call's program, the shell, or its subject argument.
    pub needs: Needs,
}

/// What a rule's findings say the base lacks.
#[derive(Debug, Clone, Deserialize, JsonSchema, PartialEq, Eq)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct LacksSpec {
    pub kind: LackKind,
    /// The finding field that names what is lacking (`program`, `library`,
    /// `subject`, `locale`, `user`). Without it, or when a finding does not
    /// have the field, `name` names it.
    #[serde(default)]
    pub field: Option<String>,
    /// The name when no field gives one (`/bin/sh`, `tzdata`).
    #[serde(default)]
    pub name: Option<String>,
}

/// The kinds of thing an application may need from its base, in the order
/// the report lists them.
#[derive(Debug, Clone, Copy, Deserialize, JsonSchema, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[serde(rename_all = "kebab-case")]
pub enum LackKind {
    /// A shell (`/bin/sh`).
    Shell,
    /// A program started by name or path.
    Program,
    /// A shared library (linked or opened at run time).
    Library,
    /// Data files: time zones, locales, CA certificates.
    Data,
    /// Something of the Python interpreter: its version, its ABI, a module.
    Python,
    /// A user account in the image's `/etc/passwd`.
    Account,
}

impl LackKind {
    pub fn as_str(self) -> &'static str {
        match self {
            LackKind::Shell => "shell",
            LackKind::Program => "program",
            LackKind::Library => "library",
            LackKind::Data => "data",
            LackKind::Python => "python",
            LackKind::Account => "account",
        }
    }
}

/// What a call needs that the base may lack.
#[derive(Debug, Clone, Copy, Deserialize, JsonSchema, PartialEq, Eq, Hash)]
#[serde(rename_all = "kebab-case")]
pub enum Needs {
    /// The program it starts. Started through a shell, a missing program
    /// makes the shell exit with status 127: nothing is raised.
    Program,
    /// `/bin/sh`.
    Shell,
    /// The callable's subject (a library, a zone, a locale).
    Subject,
}

/// What kind of breakage a rule is about.
#[derive(Debug, Clone, Copy, Deserialize, JsonSchema, PartialEq, Eq)]
#[serde(rename_all = "kebab-case")]
pub enum FamilySpec {
    /// Shared libraries, symbol versions, C library, architecture, Python ABI.
    NativeLibrary,
    /// Calls that need /bin/sh.
    Shell,
    /// Programs started by name or path.
    Exec,
    /// Libraries opened at run time (ctypes, dlopen).
    Dlopen,
    /// Data files the code expects on the system.
    Data,
    /// The Python interpreter itself.
    Interpreter,
    /// The Dockerfile.
    Dockerfile,
    /// Other files that start processes in the image: compose, Kubernetes,
    /// Procfile, supervisord, uwsgi.
    Starters,
    /// Files that could not be analysed, and distrolint's own diagnostics.
    Scan,
}

#[derive(Debug, Clone, Copy, Default, Deserialize, JsonSchema, PartialEq, Eq)]
#[serde(rename_all = "kebab-case")]
pub enum StatusSpec {
    /// Fires, and its behaviour is settled.
    #[default]
    Stable,
    /// Fires; its wording or reach may still change.
    Preview,
    /// Fires, but will be removed; its documentation says what replaces it.
    Deprecated,
    /// Never fires; kept so that its code is never given to another rule.
    Removed,
}

#[derive(Debug, Clone, Copy, Deserialize, JsonSchema, PartialEq, Eq)]
#[serde(rename_all = "kebab-case")]
pub enum SeveritySpec {
    Info,
    Warning,
    Error,
}

/// A case: conditions, and the finding they produce.
#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct CaseSpec {
    /// All given conditions must hold; none given holds always.
    #[serde(default)]
    #[schemars(with = "Option<Conditions>")]
    pub when: Option<Spanned<Conditions>>,
    /// Default: the rule's `severity`.
    #[serde(default)]
    pub severity: Option<SeveritySpec>,
    /// Default: the rule's `message`.
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    pub message: Option<Spanned<String>>,
    /// Default: the rule's `help`.
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    pub help: Option<Spanned<String>>,
    /// Call matcher: default the rule's `error`, else the callable's.
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    pub error: Option<Spanned<String>>,
}

/// All given conditions must hold; an absent condition holds always.
/// `shell`, `program`, `program-is-shell`, `program-in`,
/// `command-is-argv`, `subject` and `subject-in` are for call matchers, `variant` for native ones; `base` and
/// `installed` are for every matcher.
#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct Conditions {
    /// The call's shell state is one of these.
    #[serde(default)]
    pub shell: Option<Vec<ShellState>>,
    /// The program's state on the base is one of these.
    #[serde(default)]
    pub program: Option<Vec<ProgramState>>,
    /// Whether the program is one of `shell-programs`.
    #[serde(default)]
    pub program_is_shell: Option<bool>,
    /// The program (its path, or its base name) is one of these.
    #[serde(default)]
    pub program_in: Option<Vec<String>>,
    /// Whether the command line the shell would run is a literal of plain
    /// words only (no quotes, operators, globs or expansions), which can be
    /// passed as an argv list as it is: `{argv}` then spells that list.
    #[serde(default)]
    pub command_is_argv: Option<bool>,
    /// Native matcher: the form of finding the built-in check produces
    /// (listed per code in docs/rules.md).
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    pub variant: Option<Spanned<String>>,
    /// The state of the call's subject argument (see `[[callable]]`
    /// `subject`) is one of these.
    #[serde(default)]
    pub subject: Option<Vec<SubjectState>>,
    /// The subject is a literal equal to one of these strings.
    #[serde(default)]
    pub subject_in: Option<Vec<String>>,
    /// Facts about the base image.
    #[serde(default)]
    pub base: BTreeMap<BaseFact, bool>,
    /// Whether a distribution (by name, compared as pip does: case and
    /// `-_.` runs do not matter) is installed in the scanned trees, e.g.
    /// `installed = { tzdata = false }`.
    #[serde(default)]
    pub installed: BTreeMap<String, bool>,
}

#[derive(Debug, Clone, Copy, Deserialize, JsonSchema, PartialEq, Eq, Hash)]
#[serde(rename_all = "kebab-case")]
pub enum SubjectState {
    /// The callable has no subject, or it is not passed.
    Absent,
    /// Passed, but its value cannot be known statically.
    Unknown,
    /// A known value (subjects of kind `text`).
    Literal,
    /// The base has what the subject names.
    Found,
    /// The base lacks what the subject names.
    Missing,
}

#[derive(Debug, Clone, Copy, Deserialize, JsonSchema, PartialEq, Eq, Hash)]
#[serde(rename_all = "kebab-case")]
pub enum ShellState {
    /// The callable always runs `/bin/sh` (`os.system`).
    Always,
    /// `shell=` is true.
    True,
    /// `shell=` is false or not given, or the callable has no shell.
    False,
    /// `shell=` is given a value that cannot be known statically.
    Unknown,
}

#[derive(Debug, Clone, Copy, Deserialize, JsonSchema, PartialEq, Eq, Hash)]
#[serde(rename_all = "kebab-case")]
pub enum ProgramState {
    /// No program (not passed, or a shell builtin such as `cd`).
    Absent,
    /// Passed, but its value cannot be known statically.
    Unknown,
    /// The base ships it and it can run.
    Found,
    /// The base does not ship it.
    Missing,
    /// The base ships it but it cannot start (a `#!/bin/bash` script on an
    /// image without bash).
    NotRunnable,
}

#[derive(Debug, Clone, Copy, Deserialize, JsonSchema, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[serde(rename_all = "kebab-case")]
pub enum BaseFact {
    /// The base has `/bin/sh`.
    BinSh,
    /// The base has a Python interpreter.
    Python,
    /// The base has `/usr/bin/env`.
    UsrBinEnv,
    /// The base has time-zone data in `/usr/share/zoneinfo`.
    Zoneinfo,
    /// The base has the legacy zone names (`US/Pacific`, ...).
    ZoneinfoLegacy,
    /// The base has a CA bundle.
    CaBundle,
    /// The base has `ldconfig`.
    Ldconfig,
    /// The base has `/etc/ld.so.cache`.
    LdSoCache,
}
