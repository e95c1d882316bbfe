//! DL701–DL705: commands that need a shell the base does not have (RUN,
//! CMD/ENTRYPOINT, HEALTHCHECK in shell form), a SHELL naming a missing
//! program, and exec-form commands whose program is missing. Each finding
//! gets its facts here: the exact failure (the build step that stops, the
//! container that does not start, the health check that fails, with
//! Docker's own error), the rewrite when one exists, which form of the
//! rule's wording applies, and the severity adjustment (info when a RUN
//! step may have made the missing program). The wording itself is in
//! `rules/dockerfile.toml`; [`crate::dockerfile::check`] decides *which*
//! commands are judged and against what state.

use super::NativeCheck;
use crate::base::ExecutableKind;
use crate::dockerfile::ast::{Instruction, Keyword, Word};
use crate::dockerfile::check::{Checker, Dispatched, When};
use crate::dockerfile::exec_form::exec_form;
use crate::dockerfile::image::{ImageState, Presence, ShellInUse};
use crate::dockerfile::source::Span;
use crate::finding::{Finding, Severity};

/// What the shell-form checks (DL701–DL703) fill.
const SHELL_FORM_PLACEHOLDERS: &[&str] = &[
    "through",
    "runs",
    "absent",
    "consequence",
    "error",
    "maybe",
    "suggestion",
    "program",
    "feature",
    "keyword",
    "shell",
    "entrypoint-line",
    "entrypoint-program",
    "python-note",
    "exec-keyword",
    "entrypoint-note",
];

pub const SHELL_FORM_RUN: NativeCheck = NativeCheck {
    code: "DL701",
    variants: &["exec-form", "program-missing", "file-mode", "shell-feature"],
    placeholders: SHELL_FORM_PLACEHOLDERS,
    templates: true,
};

pub const SHELL_FORM_COMMAND: NativeCheck = NativeCheck {
    code: "DL702",
    variants: &[
        "exec-form",
        "program-missing",
        "shell-feature",
        "behind-entrypoint-exec-form",
        "behind-entrypoint-shell-feature",
    ],
    placeholders: SHELL_FORM_PLACEHOLDERS,
    templates: true,
};

pub const SHELL_FORM_HEALTHCHECK: NativeCheck = NativeCheck {
    code: "DL703",
    variants: &["exec-form", "python", "no-python"],
    placeholders: SHELL_FORM_PLACEHOLDERS,
    templates: true,
};

pub const MISSING_SHELL: NativeCheck = NativeCheck {
    code: "DL704",
    variants: &[],
    placeholders: &["absent", "error", "maybe", "shell"],
    templates: true,
};

pub const MISSING_PROGRAM: NativeCheck = NativeCheck {
    code: "DL705",
    variants: &[
        "not-runnable",
        "env-shebang",
        "file-mode",
        "shell",
        "http-client",
        "python-tool",
        "other",
    ],
    placeholders: &[
        "what",
        "absent",
        "consequence",
        "error",
        "maybe",
        "program",
        "needs",
    ],
    templates: true,
};

impl<'a> Checker<'a> {
    /// DL701–DL703 for a shell-form command whose shell is missing; returns
    /// whether it was reported.
    #[allow(clippy::too_many_arguments)]
    pub(in crate::dockerfile) fn shell_form(
        &mut self,
        instruction: &Instruction,
        word: &Word,
        shell: &ShellInUse,
        when: When,
        state: &ImageState<'a>,
        stage: &str,
        behind: Option<(&Dispatched<'_>, &str)>,
    ) -> bool {
        let presence = state.presence(&shell.program);
        let Some(absence) = self.absence(&shell.program, &presence) else {
            return false;
        };
        let keyword = instruction.keyword_text();
        let shell_name = &shell.program;
        let through = match shell.set_by {
            Some(span) => format!("through the SHELL on line {} ", self.df.location(span).line),
            None => String::new(),
        };
        let error = exec_error(shell_name, &presence);
        let suggestion = exec_form(&word.text);
        let (json, feature) = match &suggestion {
            Ok(json) => (json.clone(), String::new()),
            Err(feature) => (String::new(), feature.clone()),
        };
        let program = serde_json::from_str::<Vec<String>>(&json)
            .ok()
            .and_then(|words| words.into_iter().next())
            .unwrap_or_default();
        let mut values = vec![
            ("through", through),
            (
                "runs",
                format!("`{shell_name} -c \"{}\"`", excerpt(&word.text)),
            ),
            ("absent", absence.clause.clone()),
            ("consequence", when.consequence().to_string()),
            ("error", error.clone()),
            ("maybe", absence.maybe.clone()),
            ("suggestion", json.clone()),
            ("program", program.clone()),
            ("feature", feature),
            ("keyword", keyword.clone()),
            ("shell", shell_name.clone()),
        ];
        let (check, variant) = match (instruction.keyword, when) {
            (Keyword::Run, _) => {
                let variant = match &suggestion {
                    Err(_) => "shell-feature".to_string(),
                    Ok(_) => match state.presence(&program) {
                        Presence::OnImage | Presence::Copied(_) => "exec-form".to_string(),
                        _ if sets_file_mode(&program) => "file-mode".to_string(),
                        _ => "program-missing".to_string(),
                    },
                };
                (SHELL_FORM_RUN, variant)
            }
            (_, When::HealthCheck) => {
                let variant = match &suggestion {
                    Ok(json) if !mentions_missing_tool(json) => "exec-form",
                    _ if self.base.python.is_some() => "python",
                    _ => "no-python",
                };
                (SHELL_FORM_HEALTHCHECK, variant.to_string())
            }
            _ => {
                // An exec-form CMD with no ENTRYPOINT of the Dockerfile's
                // own is handed to the base's (DL709): the rewrite must be
                // the ENTRYPOINT then, which replaces the base's.
                let handed_to_base_python = behind.is_none()
                    && instruction.keyword == Keyword::Cmd
                    && matches!(self.base.facts.entrypoint.as_slice(), [entry] if is_python(entry))
                    && !python_runs_it(&program, state);
                let exec_keyword = if handed_to_base_python {
                    values.push((
                        "entrypoint-note",
                        format!(
                            " (as the ENTRYPOINT, which replaces the base's [\"{}\"]: an exec-form CMD would be handed to it as a script to run)",
                            self.base.facts.entrypoint[0]
                        ),
                    ));
                    "ENTRYPOINT".to_string()
                } else {
                    values.push(("entrypoint-note", String::new()));
                    keyword.clone()
                };
                values.push(("exec-keyword", exec_keyword));
                let program_runs = matches!(
                    state.presence(&program),
                    Presence::OnImage | Presence::Copied(_)
                ) || (instruction.keyword == Keyword::Cmd
                    && !handed_to_base_python
                    && python_runs_it(&program, state));
                let form = match &suggestion {
                    Ok(_) if behind.is_none() && !program_runs => "program-missing",
                    Ok(_) => "exec-form",
                    Err(_) => "shell-feature",
                };
                let python_entry = match behind {
                    Some((_, program)) => is_python(program),
                    None => instruction.keyword == Keyword::Cmd && self.base.python.is_some(),
                };
                let python_note = match (python_entry, behind) {
                    (false, _) => String::new(),
                    (true, Some(_)) => {
                        format!("; Python stops with `can't open file '{shell_name}'`")
                    }
                    (true, None) => format!(
                        "; behind an image ENTRYPOINT that runs Python, as on the distroless python images, Python stops with `can't open file '{shell_name}'`"
                    ),
                };
                values.push(("python-note", python_note));
                let variant = match behind {
                    Some((entry, program)) => {
                        values.push((
                            "entrypoint-line",
                            self.df
                                .location(entry.instruction.name.span)
                                .line
                                .to_string(),
                        ));
                        values.push(("entrypoint-program", program.to_string()));
                        format!("behind-entrypoint-{form}")
                    }
                    None => form.to_string(),
                };
                (SHELL_FORM_COMMAND, variant)
            }
        };
        let mut finding = self
            .finding(
                &check,
                &variant,
                &absence,
                word.span,
                &values,
                instruction,
                stage,
                when,
            )
            .with_field("shell", shell_name.as_str())
            .with_field("error", error);
        if let Ok(json) = suggestion {
            finding = finding.with_field("suggestion", json);
        }
        self.findings.push(finding);
        true
    }

    /// DL705 for an exec-form program that is missing; returns whether it
    /// was reported. `label`: where to point instead of the program word (a
    /// heredoc's `<<EOF`).
    pub(in crate::dockerfile) fn exec_program(
        &mut self,
        instruction: &Instruction,
        program: &Word,
        when: When,
        state: &ImageState<'a>,
        stage: &str,
        label: Option<Span>,
    ) -> bool {
        let name = program.text.as_str();
        let presence = state.presence(name);
        let Some(absence) = self.absence(name, &presence) else {
            return false;
        };
        let error = exec_error(name, &presence);
        let keyword = instruction.keyword_text();
        let what = match label {
            Some(_) => "the `#!` line of this RUN's heredoc script names".to_string(),
            None if when == When::HealthCheck => "HEALTHCHECK runs".to_string(),
            None => format!("{keyword} runs"),
        };
        let (variant, needs) = self.missing_program_variant(name, label.is_some(), &presence);
        let values = [
            ("what", what),
            ("absent", absence.clause.clone()),
            ("consequence", when.consequence().to_string()),
            ("error", error.clone()),
            ("maybe", absence.maybe.clone()),
            ("program", name.to_string()),
            ("needs", needs),
        ];
        let finding = self
            .finding(
                &MISSING_PROGRAM,
                variant,
                &absence,
                label.unwrap_or(program.span),
                &values,
                instruction,
                stage,
                when,
            )
            .with_field("program", name)
            .with_field("error", error);
        self.findings.push(finding);
        true
    }

    /// Which advice fits a missing program, and what a program that cannot
    /// run needs.
    fn missing_program_variant(
        &self,
        program: &str,
        shebang: bool,
        presence: &Presence<'_>,
    ) -> (&'static str, String) {
        let base_name = program.rsplit('/').next().unwrap_or(program);
        if let Presence::NotRunnable(executable) = presence {
            let needs = executable
                .interpreter
                .as_deref()
                .map_or("what it needs".to_string(), |i| format!("`{i}`"));
            return ("not-runnable", needs);
        }
        let variant = if shebang && base_name == "env" {
            "env-shebang"
        } else if sets_file_mode(base_name) {
            "file-mode"
        } else if is_shell(base_name) {
            "shell"
        } else if matches!(base_name, "curl" | "wget") && self.base.python.is_some() {
            "http-client"
        } else if !program.contains('/') && self.base.python.is_some() {
            "python-tool"
        } else {
            "other"
        };
        (variant, String::new())
    }

    /// DL704 for a SHELL whose program the finished stages do not have.
    pub(in crate::dockerfile) fn shell_instruction(
        &mut self,
        program: &Word,
        state: &ImageState<'a>,
        stage: &str,
    ) {
        let presence = state.presence(&program.text);
        let Some(absence) = self.absence(&program.text, &presence) else {
            return;
        };
        let error = exec_error(&program.text, &presence);
        let values = [
            ("absent", absence.clause.clone()),
            ("error", error.clone()),
            ("maybe", absence.maybe.clone()),
            ("shell", program.text.clone()),
        ];
        let finding = super::finding(
            self.rules,
            &MISSING_SHELL,
            self.path,
            self.df.location(program.span),
            Some(self.base),
            None,
            &values,
        )
        .with_severity_instead(absence.severity)
        .with_field("instruction", "SHELL")
        .with_field("stage", stage)
        .with_field("shell", program.text.as_str())
        .with_field("error", error);
        self.findings.push(finding);
    }

    #[allow(clippy::too_many_arguments)]
    fn finding(
        &self,
        check: &NativeCheck,
        variant: &str,
        absence: &Absence,
        span: Span,
        values: &[(&str, String)],
        instruction: &Instruction,
        stage: &str,
        when: When,
    ) -> Finding {
        let mut finding = super::finding(
            self.rules,
            check,
            self.path,
            self.df.location(span),
            Some(self.base),
            Some(variant),
            values,
        );
        finding.severity = match (absence.severity, when) {
            (Some(lowered), _) => lowered,
            // Kubernetes ignores HEALTHCHECK: a failing one is at most a
            // warning.
            (None, When::HealthCheck) => finding.severity.min(Severity::Warning),
            (None, _) => finding.severity,
        };
        finding
            .with_field("instruction", instruction.keyword_text())
            .with_field("stage", stage)
            .with_field("when", when.as_str())
    }

    /// How `program` is absent, or `None` when it is (or may well be) there.
    fn absence(&self, program: &str, presence: &Presence<'_>) -> Option<Absence> {
        let base = &self.base.name;
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
                    format!("`{program}`, which is on {base} but cannot run ({why})"),
                    None,
                    String::new(),
                )
            }
            Presence::Unseen(span) => {
                let place = if program.contains('/') {
                    format!("`{program}`, which {base} does not have")
                } else {
                    format!("`{program}`, which is not on {base}'s PATH")
                };
                (
                    place,
                    Some(Severity::Info),
                    format!(
                        " — unless the COPY on line {} puts it there: its source is not in the scanned tree, so distrolint cannot see what it holds",
                        self.df.location(*span).line
                    ),
                )
            }
            Presence::Missing | Presence::Maybe(_) => {
                let clause = if program.contains('/') {
                    format!("`{program}`, which {base} does not have and no COPY or ADD puts there")
                } else {
                    format!(
                        "`{program}`, which is not on {base}'s PATH and no COPY or ADD puts there"
                    )
                };
                match presence {
                    Presence::Maybe(span) => (
                        clause,
                        Some(Severity::Info),
                        format!(
                            " — unless the step on line {} makes it, which distrolint cannot see",
                            self.df.location(*span).line
                        ),
                    ),
                    _ => (clause, None, String::new()),
                }
            }
        };
        Some(Absence {
            clause,
            severity,
            maybe,
        })
    }
}

/// Why a program is not there, for the message.
struct Absence {
    /// "`/bin/sh`, which python3-debian13 does not have …"
    clause: String,
    /// A severity that overrides the rule's (info when a RUN may have made it).
    severity: Option<Severity>,
    /// The "unless a RUN made it" tail, or nothing.
    maybe: String,
}

/// The error Docker (runc) reports when it cannot start `program`.
fn exec_error(program: &str, presence: &Presence<'_>) -> String {
    match presence {
        Presence::NotRunnable(executable) => {
            format!("exec {}: no such file or directory", executable.path)
        }
        _ if program.contains('/') => {
            format!("exec: \"{program}\": stat {program}: no such file or directory")
        }
        _ => format!("exec: \"{program}\": executable file not found in $PATH"),
    }
}

/// The first line of a command, at most 60 characters, whitespace collapsed.
fn excerpt(command: &str) -> String {
    let line = command.lines().next().unwrap_or("");
    let collapsed = line.split_whitespace().collect::<Vec<_>>().join(" ");
    let mut chars = collapsed.chars();
    let short: String = chars.by_ref().take(60).collect();
    if chars.next().is_some() || command.lines().nth(1).is_some() {
        format!("{short}…")
    } else {
        short
    }
}

pub(crate) fn is_shell(name: &str) -> bool {
    matches!(
        name,
        "sh" | "bash"
            | "dash"
            | "zsh"
            | "ksh"
            | "ash"
            | "mksh"
            | "busybox"
            | "fish"
            | "csh"
            | "tcsh"
    )
}

/// chmod, chown and chgrp: what `COPY --chmod`/`--chown` does as the file
/// is copied in, with no program in the image.
fn sets_file_mode(program: &str) -> bool {
    let name = program.rsplit('/').next().unwrap_or(program);
    matches!(name, "chmod" | "chown" | "chgrp")
}

pub(crate) fn is_python(program: &str) -> bool {
    let name = program.rsplit('/').next().unwrap_or(program);
    name == "python"
        || name
            .strip_prefix("python")
            .is_some_and(|v| v.chars().all(|c| c.is_ascii_digit() || c == '.'))
}

/// Whether the base's Python ENTRYPOINT, handed an exec-form CMD starting
/// with `first`, has something to run: one of its options, or a script the
/// image has at that path (relative to WORKDIR).
fn python_runs_it(first: &str, state: &ImageState<'_>) -> bool {
    if first.starts_with('-') {
        return true;
    }
    let script = if first.contains('/') {
        first.to_string()
    } else {
        format!("./{first}")
    };
    matches!(
        state.presence(&script),
        Presence::OnImage | Presence::Copied(_)
    )
}

fn mentions_missing_tool(json: &str) -> bool {
    json.starts_with("[\"curl\"") || json.starts_with("[\"wget\"")
}
