//! What each Dockerfile finding says: the message with the exact failure
//! (the build step that stops, the container that does not start, the
//! health check that fails, with Docker's own error), the help with a
//! rewrite when one exists, and the severity (info when a RUN step may have
//! made the missing program). [`super::check`] decides *which* commands are
//! judged and against what state; this module only words the verdict.

use super::ast::{Instruction, Keyword, Word};
use super::check::{Checker, Dispatched, When};
use super::codes::{
    DockerfileRule, MISSING_PROGRAM, MISSING_SHELL, SHELL_FORM_COMMAND, SHELL_FORM_HEALTHCHECK,
    SHELL_FORM_RUN,
};
use super::exec_form::exec_form;
use super::image::{ImageState, Presence, ShellInUse};
use super::source::Span;
use crate::base::ExecutableKind;
use crate::finding::{Finding, Severity};

impl<'a> Checker<'a> {
    /// DL701–DL703 for a shell-form command whose shell is missing; returns
    /// whether it was reported.
    #[allow(clippy::too_many_arguments)]
    pub(super) fn shell_form(
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
        let runs = format!("`{shell_name} -c \"{}\"`", excerpt(&word.text));
        let through = match shell.set_by {
            Some(span) => format!("through the SHELL on line {} ", self.df.location(span).line),
            None => String::new(),
        };
        let error = exec_error(shell_name, &presence);
        let (rule, message) = match (instruction.keyword, when) {
            (Keyword::Run, _) => (
                SHELL_FORM_RUN,
                format!(
                    "shell-form RUN runs {through}as {runs} and needs {}: {} with `{error}`",
                    absence.clause,
                    when.consequence()
                ),
            ),
            (_, When::HealthCheck) => (
                SHELL_FORM_HEALTHCHECK,
                format!(
                    "shell-form HEALTHCHECK runs {through}as {runs} in the container and needs {}: {} (`{error}`)",
                    absence.clause,
                    when.consequence()
                ),
            ),
            _ => {
                let mut message = match behind {
                    Some((entry, program)) => format!(
                        "shell-form CMD becomes the arguments {runs} of the ENTRYPOINT on line {} and needs {}: `{program}` is handed a path that does not exist",
                        self.df.location(entry.instruction.name.span).line,
                        absence.clause
                    ),
                    None => format!(
                        "shell-form {keyword} runs {through}as {runs} and needs {}: {} (`{error}`)",
                        absence.clause,
                        when.consequence()
                    ),
                };
                let python_entry = match behind {
                    Some((_, program)) => is_python(program),
                    None => instruction.keyword == Keyword::Cmd && self.base.python.is_some(),
                };
                if python_entry {
                    message.push_str(&format!(
                        "{} Python stops with `can't open file '{shell_name}'`",
                        if behind.is_some() {
                            ";"
                        } else {
                            "; behind an image ENTRYPOINT that runs Python, as on the distroless python images,"
                        }
                    ));
                }
                (SHELL_FORM_COMMAND, message)
            }
        };
        let suggestion = exec_form(&word.text);
        let help = self.shell_form_help(instruction, rule, &suggestion, state);
        let mut finding = self
            .finding(
                rule,
                &absence,
                word.span,
                message,
                help,
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

    fn shell_form_help(
        &self,
        instruction: &Instruction,
        rule: DockerfileRule,
        suggestion: &Result<String, String>,
        state: &ImageState<'a>,
    ) -> String {
        let keyword = instruction.keyword_text();
        if rule.code == SHELL_FORM_HEALTHCHECK.code {
            return match suggestion {
                Ok(json) if !mentions_missing_tool(json) => {
                    format!("write it in exec form: HEALTHCHECK CMD {json}")
                }
                _ if self.base.python.is_some() => rule.help.to_string(),
                _ => "use exec form with a program the image has (a small static health-check program you COPY in); curl and wget are not on distroless images".to_string(),
            };
        }
        match suggestion {
            Ok(json) if rule.code == SHELL_FORM_RUN.code => {
                let program = serde_json::from_str::<Vec<String>>(json)
                    .ok()
                    .and_then(|words| words.into_iter().next())
                    .unwrap_or_default();
                match state.presence(&program) {
                    Presence::OnImage | Presence::Copied(_) => format!(
                        "write it in exec form, which runs without a shell: RUN {json} (or do this step in a build stage and COPY --from the result)"
                    ),
                    _ => format!(
                        "do this step in a build stage that has a shell and COPY --from the result (`{program}` is not on this image either)"
                    ),
                }
            }
            Ok(json) => format!("write it in exec form (JSON, double quotes): {keyword} {json}"),
            Err(feature) if rule.code == SHELL_FORM_RUN.code => format!(
                "do this step in a build stage that has a shell and COPY --from the result (it uses {feature}, which needs a shell)"
            ),
            Err(feature) => format!(
                "it uses {feature}, which needs a shell: move that logic into the program or a Python entry script and write {keyword} in exec form, e.g. {keyword} [\"python\", \"/app/start.py\"]"
            ),
        }
    }

    /// DL705 for an exec-form program that is missing; returns whether it
    /// was reported. `label`: where to point instead of the program word (a
    /// heredoc's `<<EOF`).
    pub(super) fn exec_program(
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
        let message = format!(
            "{what} {}: {} (`{error}`)",
            absence.clause,
            when.consequence()
        );
        let help = self.missing_program_help(name, label.is_some(), &presence);
        let finding = self
            .finding(
                MISSING_PROGRAM,
                &absence,
                label.unwrap_or(program.span),
                message,
                help,
                instruction,
                stage,
                when,
            )
            .with_field("program", name)
            .with_field("error", error);
        self.findings.push(finding);
        true
    }

    fn missing_program_help(
        &self,
        program: &str,
        shebang: bool,
        presence: &Presence<'_>,
    ) -> String {
        let base_name = program.rsplit('/').next().unwrap_or(program);
        if let Presence::NotRunnable(executable) = presence {
            let needs = executable
                .interpreter
                .as_deref()
                .map_or("what it needs".to_string(), |i| format!("`{i}`"));
            return format!(
                "`{program}` needs {needs}, which the image lacks: run it in a build stage, or use a program that runs on this image"
            );
        }
        if shebang && base_name == "env" {
            return "distroless images have no /usr/bin/env: name the interpreter by its path in the `#!` line, e.g. #!/usr/bin/python3".to_string();
        }
        if is_shell(base_name) {
            return "the image has no shell: run the program itself in exec form, or do this work in a build stage".to_string();
        }
        if matches!(base_name, "curl" | "wget") && self.base.python.is_some() {
            return SHELL_FORM_HEALTHCHECK
                .help
                .replace("use exec form", "check with the image's Python instead");
        }
        if !program.contains('/') && self.base.python.is_some() {
            return format!(
                "copy `{program}` in from the build stage (a virtualenv: COPY --from=build /venv /venv with ENV PATH=/venv/bin:$PATH), or, if it is a Python tool, run it with the image's Python: [\"python\", \"-m\", \"{program}\", ...]"
            );
        }
        MISSING_PROGRAM.help.to_string()
    }

    /// DL704 for a SHELL whose program the finished stages do not have.
    pub(super) fn shell_instruction(
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
        let message = format!(
            "SHELL names {}: every shell-form RUN, CMD, ENTRYPOINT or HEALTHCHECK after it fails with `{error}`",
            absence.clause
        );
        let location = self.df.location(program.span);
        let severity = absence.severity.unwrap_or(MISSING_SHELL.severity);
        let finding = MISSING_SHELL
            .finding(
                self.path,
                severity,
                location,
                message + &absence.maybe,
                MISSING_SHELL.help,
            )
            .with_field("instruction", "SHELL")
            .with_field("stage", stage)
            .with_field("shell", program.text.as_str())
            .with_field("error", error);
        self.findings.push(finding);
    }

    #[allow(clippy::too_many_arguments)]
    fn finding(
        &self,
        rule: DockerfileRule,
        absence: &Absence,
        span: Span,
        message: String,
        help: String,
        instruction: &Instruction,
        stage: &str,
        when: When,
    ) -> Finding {
        let default = match when {
            When::HealthCheck => Severity::Warning.min(rule.severity),
            _ => rule.severity,
        };
        let severity = absence.severity.unwrap_or(default);
        rule.finding(
            self.path,
            severity,
            self.df.location(span),
            message + &absence.maybe,
            help,
        )
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

fn is_shell(name: &str) -> bool {
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

fn is_python(program: &str) -> bool {
    let name = program.rsplit('/').next().unwrap_or(program);
    name == "python"
        || name
            .strip_prefix("python")
            .is_some_and(|v| v.chars().all(|c| c.is_ascii_digit() || c == '.'))
}

fn mentions_missing_tool(json: &str) -> bool {
    json.starts_with("[\"curl\"") || json.starts_with("[\"wget\"")
}
