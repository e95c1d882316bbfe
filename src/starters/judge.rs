//! The one judgement every starter format shares: a command, as its file
//! gives it, against the image it runs in.
//!
//! - A command line handed to `/bin/sh -c` needs `/bin/sh` in the image
//!   (DL801).
//! - An argv started directly needs its program there, looked up as the
//!   runtime does: a bare name on the image's PATH, a path against its
//!   WORKDIR (DL802).
//! - Words that replace only the image's CMD are appended to its
//!   ENTRYPOINT; behind a Python ENTRYPOINT the first is a script file
//!   (DL803).
//!
//! Each help proposes a command that itself passes this judgement on the
//! same image: the program when the image has it, else the image's Python
//! (`python3.13 -m gunicorn`, a `urllib` health check), spelled the way the
//! file would spell it.

use std::path::Path;

use super::codes::{self, ARGS_BEHIND_PYTHON_ENTRYPOINT, MISSING_PROGRAM, SHELL_COMMAND};
use super::target::TargetImage;
use crate::base::{normalize, ExecutableKind};
use crate::dockerfile::exec_form::exec_form;
use crate::dockerfile::final_image::ImageEntrypoint;
use crate::dockerfile::image::Presence;
use crate::dockerfile::{is_python, is_shell};
use crate::finding::{Finding, Location, Severity};
use crate::rules::RuleSet;

/// When the command runs, for what its failure does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum When {
    /// The container's main process.
    Start,
    /// A compose health check.
    HealthCheck,
    LivenessProbe,
    ReadinessProbe,
    StartupProbe,
    /// A Procfile process, started by the platform that reads the file.
    Process,
    /// A supervisord program.
    Supervised,
    /// A uwsgi hook at one of its start-up phases.
    Hook,
    /// A daemon uwsgi starts and watches.
    Daemon,
    /// A uwsgi cron task.
    Scheduled,
}

impl When {
    fn consequence(self) -> &'static str {
        match self {
            When::Start => "the container does not start",
            When::HealthCheck => "every health check fails and the container is marked unhealthy",
            When::LivenessProbe => {
                "every liveness probe fails and the kubelet restarts the container, again and again"
            }
            When::ReadinessProbe => {
                "the readiness probe never succeeds, so the pod never receives traffic"
            }
            When::StartupProbe => {
                "the startup probe never succeeds and the kubelet kills the container"
            }
            When::Process => "whatever starts this process through a shell fails to start it",
            When::Supervised => "supervisord cannot spawn the program and marks it FATAL",
            When::Hook => "the hook never runs",
            When::Daemon => "the daemon never starts, and uwsgi keeps respawning it",
            When::Scheduled => "the scheduled command never runs",
        }
    }

    /// The error the runtime reports for a program it cannot find.
    fn error(self, program: &str) -> String {
        match self {
            When::Supervised => format!("spawnerr: can't find command '{program}'"),
            When::Process | When::Hook | When::Daemon | When::Scheduled => {
                format!("{program}: No such file or directory")
            }
            _ if program.contains('/') => {
                format!("exec: \"{program}\": stat {program}: no such file or directory")
            }
            _ => format!("exec: \"{program}\": executable file not found in $PATH"),
        }
    }
}

/// How the file would spell a suggested argv.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Spelling {
    /// A YAML key with a flow list: `command: ["a", "b"]`.
    Field(&'static str),
    /// A compose health check: `test: ["CMD", "a", "b"]`.
    HealthcheckTest,
    /// The Dockerfile's exec form: `ENTRYPOINT ["a", "b"]`.
    Dockerfile,
    /// supervisord's `command=a b`.
    Supervisord,
}

impl Spelling {
    fn spell(self, argv: &[String]) -> String {
        let json = serde_json::to_string(argv).unwrap_or_default();
        match self {
            Spelling::Field(field) => format!("{field}: {json}"),
            Spelling::HealthcheckTest => {
                let with_cmd: Vec<&str> = std::iter::once("CMD")
                    .chain(argv.iter().map(String::as_str))
                    .collect();
                format!(
                    "test: {}",
                    serde_json::to_string(&with_cmd).unwrap_or_default()
                )
            }
            Spelling::Dockerfile => format!("ENTRYPOINT {json}"),
            Spelling::Supervisord => {
                let words: Vec<String> = argv.iter().map(|w| shell_quoted(w)).collect();
                format!("command={}", words.join(" "))
            }
        }
    }
}

/// What the file gives.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Given {
    /// A command line handed to `/bin/sh -c`; the variant of DL801 that
    /// words its help.
    ShellLine { text: String, variant: &'static str },
    /// An argv started directly.
    Argv(Vec<String>),
    /// Words that replace only the image's CMD (compose `command`,
    /// Kubernetes `args`), with the field that would set the ENTRYPOINT.
    AfterEntrypoint {
        words: Vec<String>,
        entrypoint_field: &'static str,
    },
}

/// One command a starter file gives.
#[derive(Debug, Clone)]
pub struct StartedCommand {
    /// "the Procfile's `web` process", "service `web`'s `command`".
    pub what: String,
    pub when: When,
    pub given: Given,
    pub spelling: Spelling,
    /// Where the command (or its program) is written.
    pub location: Location,
}

/// The finding for `command` in the file at `path`, if it fails in `image`.
pub fn judge(
    rules: &RuleSet,
    command: &StartedCommand,
    path: &Path,
    image: &TargetImage<'_>,
) -> Option<Finding> {
    match &command.given {
        Given::ShellLine { text, variant } => {
            shell_line(rules, command, text, variant, path, image)
        }
        Given::Argv(argv) => argv_program(rules, command, argv, path, image),
        Given::AfterEntrypoint {
            words,
            entrypoint_field,
        } => after_entrypoint(rules, command, words, entrypoint_field, path, image),
    }
}

fn shell_line(
    rules: &RuleSet,
    command: &StartedCommand,
    text: &str,
    variant: &str,
    path: &Path,
    image: &TargetImage<'_>,
) -> Option<Finding> {
    let shell = "/bin/sh";
    let presence = image.state.presence(shell);
    let absence = absence(shell, &presence, image)?;
    // `curl -f URL || exit 1`, the usual health check: the part before
    // `||` is what must work.
    let argv = exec_form(text)
        .or_else(|_| exec_form(text.split("||").next().unwrap_or(text)))
        .ok()
        .and_then(|json| serde_json::from_str::<Vec<String>>(&json).ok());
    let suggestion = match argv.as_deref().and_then(|argv| working_argv(argv, image)) {
        Some(argv) => command.spelling.spell(&argv),
        None => python_instead(image, command.spelling),
    };
    let values = [
        ("what", command.what.clone()),
        ("runs", format!("`{shell} -c \"{}\"`", excerpt(text))),
        ("absent", absence.clause),
        ("consequence", command.when.consequence().to_string()),
        ("error", command.when.error(shell)),
        ("maybe", absence.maybe),
        ("image", image.label()),
        ("suggestion", suggestion.clone()),
        ("program", shell.to_string()),
        ("needs", String::new()),
    ];
    let finding = codes::finding(
        rules,
        &SHELL_COMMAND,
        path,
        Some(command.location),
        image.base,
        Some(variant),
        &values,
    )
    .with_severity_instead(absence.severity);
    Some(
        finding
            .with_field("command", text)
            .with_field("suggestion", suggestion),
    )
}

fn argv_program(
    rules: &RuleSet,
    command: &StartedCommand,
    argv: &[String],
    path: &Path,
    image: &TargetImage<'_>,
) -> Option<Finding> {
    let program = argv.first()?;
    let presence = image.state.presence(program);
    let absence = absence(program, &presence, image)?;
    let name = program.rsplit('/').next().unwrap_or(program);
    let (variant, needs) = match &presence {
        Presence::NotRunnable(executable) => (
            "not-runnable",
            executable
                .interpreter
                .as_deref()
                .map_or("what it needs".to_string(), |i| format!("`{i}`")),
        ),
        _ if is_shell(name) => ("shell", String::new()),
        _ if matches!(name, "curl" | "wget") => ("http-client", String::new()),
        _ if !program.contains('/') && image.base.python.is_some() => {
            ("python-tool", String::new())
        }
        _ => ("other", String::new()),
    };
    let suggestion = match working_argv(argv, image) {
        Some(argv) => command.spelling.spell(&argv),
        None => python_instead(image, command.spelling),
    };
    let values = [
        ("what", command.what.clone()),
        (
            "runs",
            excerpt(&serde_json::to_string(argv).unwrap_or_default()),
        ),
        ("absent", absence.clause),
        ("consequence", command.when.consequence().to_string()),
        ("error", command.when.error(program)),
        ("maybe", absence.maybe),
        ("image", image.label()),
        ("suggestion", suggestion.clone()),
        ("program", program.clone()),
        ("needs", needs),
    ];
    let finding = codes::finding(
        rules,
        &MISSING_PROGRAM,
        path,
        Some(command.location),
        image.base,
        Some(variant),
        &values,
    )
    .with_severity_instead(absence.severity);
    Some(
        finding
            .with_field("program", program.as_str())
            .with_field("suggestion", suggestion),
    )
}

fn after_entrypoint(
    rules: &RuleSet,
    command: &StartedCommand,
    words: &[String],
    entrypoint_field: &str,
    path: &Path,
    image: &TargetImage<'_>,
) -> Option<Finding> {
    let entrypoint = match &image.entrypoint {
        ImageEntrypoint::Base(words) => words.iter().cloned().map(Some).collect(),
        ImageEntrypoint::Exec(words) => words.clone(),
        // A shell-form ENTRYPOINT ignores the words; its own finding is
        // the Dockerfile's.
        ImageEntrypoint::Shell => return None,
    };
    let entrypoint: Vec<String> = entrypoint.into_iter().collect::<Option<_>>()?;
    match entrypoint.as_slice() {
        // No ENTRYPOINT: the words are the argv.
        [] => {
            let as_argv = StartedCommand {
                given: Given::Argv(words.to_vec()),
                ..command.clone()
            };
            return judge(rules, &as_argv, path, image);
        }
        [python] if is_python(python) => {}
        _ => return None,
    }
    let python = &entrypoint[0];
    let first = words.first()?;
    if first.is_empty() || first.starts_with('-') {
        return None;
    }
    let relative = if first.contains('/') {
        first.clone()
    } else {
        format!("./{first}")
    };
    let (severity, maybe) = match image.state.presence(&relative) {
        Presence::Missing => (None, String::new()),
        Presence::Maybe(span) | Presence::Unseen(span) => (
            Some(Severity::Info),
            format!(
                " — unless the step on {} puts it there, which distrolint cannot see",
                image.dockerfile_line(span)
            ),
        ),
        _ => return None,
    };
    let script = match (first.starts_with('/'), image.state.workdir()) {
        (true, _) => normalize(first),
        (false, Some(workdir)) => normalize(&format!("{workdir}/{first}")),
        (false, None) => return None,
    };
    let name = first.rsplit('/').next().unwrap_or(first);
    let rest = &words[1..];
    let (variant, suggestion) = if is_python(name) {
        ("python", rest.to_vec())
    } else if is_shell(name) {
        ("shell", vec!["-m".to_string(), "your_module".to_string()])
    } else if !first.contains('/') && !first.ends_with(".py") {
        let mut argv = vec!["-m".to_string(), name.replace('-', "_")];
        argv.extend(rest.iter().cloned());
        ("python-tool", argv)
    } else {
        ("script", Vec::new())
    };
    let suggestion = command.spelling.spell(&suggestion);
    let values = [
        ("what", command.what.clone()),
        ("given", serde_json::to_string(words).unwrap_or_default()),
        ("entrypoint", python.clone()),
        ("runs", excerpt(&words.join(" "))),
        ("first", first.clone()),
        ("script", script),
        ("maybe", maybe),
        ("image", image.label()),
        ("suggestion", suggestion.clone()),
        ("entrypoint-field", format!("`{entrypoint_field}`")),
    ];
    let finding = codes::finding(
        rules,
        &ARGS_BEHIND_PYTHON_ENTRYPOINT,
        path,
        Some(command.location),
        image.base,
        Some(variant),
        &values,
    )
    .with_severity_instead(severity);
    Some(
        finding
            .with_field("program", first.as_str())
            .with_field("suggestion", suggestion),
    )
}

/// Why a program is not in the image, or `None` when it is (or may be).
struct Absence {
    clause: String,
    severity: Option<Severity>,
    maybe: String,
}

fn absence(program: &str, presence: &Presence<'_>, image: &TargetImage<'_>) -> Option<Absence> {
    let where_ = image.label();
    let missing = if program.contains('/') {
        format!("`{program}`, which {where_} does not have")
    } else {
        format!("`{program}`, which is not on the PATH of {where_}")
    };
    let (clause, severity, maybe) = match presence {
        Presence::OnImage | Presence::Copied(_) | Presence::Unknowable => return None,
        Presence::NotRunnable(executable) => {
            let why = match (&executable.kind, &executable.interpreter) {
                (ExecutableKind::Script, Some(interpreter)) => {
                    format!("a script for `{interpreter}`, which the image lacks")
                }
                _ => "it cannot start there".to_string(),
            };
            (
                format!("`{program}`, which is in {where_} but cannot run ({why})"),
                None,
                String::new(),
            )
        }
        Presence::Missing => (missing, None, String::new()),
        Presence::Maybe(span) | Presence::Unseen(span) => (
            missing,
            Some(Severity::Info),
            format!(
                " — unless the step on {} puts it there, which distrolint cannot see",
                image.dockerfile_line(*span)
            ),
        ),
    };
    Some(Absence {
        clause,
        severity,
        maybe,
    })
}

/// An argv doing what `argv` means with what the image has: `argv`
/// itself when its program is there, the inner command of `sh -c "…"`,
/// a Python check for `curl`/`wget`, a Python tool through the image's
/// Python. `None` when nothing obvious does.
fn working_argv(argv: &[String], image: &TargetImage<'_>) -> Option<Vec<String>> {
    let program = argv.first()?;
    if matches!(
        image.state.presence(program),
        Presence::OnImage | Presence::Copied(_)
    ) {
        return Some(argv.to_vec());
    }
    let name = program.rsplit('/').next().unwrap_or(program);
    let python = image.base.python.as_ref()?.executable.clone();
    if is_shell(name) {
        let script = argv.iter().skip_while(|w| *w != "-c").nth(1)?;
        let inner: Vec<String> = serde_json::from_str(&exec_form(script).ok()?).ok()?;
        if inner
            .first()
            .is_some_and(|p| is_shell(p.rsplit('/').next().unwrap_or(p)))
        {
            return None;
        }
        return working_argv(&inner, image);
    }
    if matches!(name, "curl" | "wget") {
        let url = argv.iter().find(|w| w.contains("://"))?;
        return Some(vec![
            python,
            "-c".to_string(),
            format!("import urllib.request; urllib.request.urlopen('{url}', timeout=5)"),
        ]);
    }
    if is_python(name) {
        let mut fixed = vec![python];
        fixed.extend(argv[1..].iter().cloned());
        return Some(fixed);
    }
    if program.contains('/') || name.ends_with(".py") || name.ends_with(".sh") {
        return None;
    }
    let mut fixed = vec![python, "-m".to_string(), name.replace('-', "_")];
    fixed.extend(argv[1..].iter().cloned());
    Some(fixed)
}

/// The fallback suggestion: the image's Python, or plain words without one.
fn python_instead(image: &TargetImage<'_>, spelling: Spelling) -> String {
    match &image.base.python {
        Some(python) => spelling.spell(&[
            python.executable.clone(),
            "-m".to_string(),
            "your_module".to_string(),
        ]),
        None => "a program the Dockerfile copies into the image, as an argv".to_string(),
    }
}

/// `word` as a POSIX shell (and Python's shlex, which supervisord uses)
/// reads it back.
fn shell_quoted(word: &str) -> String {
    if !word.is_empty()
        && word
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_./:=@%+,".contains(c))
    {
        word.to_string()
    } else {
        format!("'{}'", word.replace('\'', "'\"'\"'"))
    }
}

/// The first line of a command, at most 80 characters, whitespace
/// collapsed.
fn excerpt(command: &str) -> String {
    let line = command.lines().next().unwrap_or("");
    let collapsed = line.split_whitespace().collect::<Vec<_>>().join(" ");
    let mut chars = collapsed.chars();
    let short: String = chars.by_ref().take(80).collect();
    if chars.next().is_some() || command.lines().nth(1).is_some() {
        format!("{short}…")
    } else {
        short
    }
}
