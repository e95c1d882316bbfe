//! The Dockerfile rules: one table of stable codes (DL7xx), each with its
//! default severity, a one-line summary, the reasoning `distrolint rule`
//! prints, and the default help. The messages of individual findings are
//! written in [`super::check`], because they quote the instruction.
//!
//! The table has the shape of the native-library table (`elf::codes`), so
//! the catalogue can list it the same way, and it is kept apart from the
//! checking code so that it can move into `rules/` data once the rule format
//! settles. Codes are never reused.

use crate::finding::{Family, Finding, Location, Severity};

/// One Dockerfile rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DockerfileRule {
    pub code: &'static str,
    pub name: &'static str,
    pub severity: Severity,
    /// One line: what the rule finds.
    pub summary: &'static str,
    /// What it does, why it breaks, an example, and what to do instead.
    pub explanation: &'static str,
    /// The fix, when the finding has nothing more specific to say.
    pub help: &'static str,
}

impl DockerfileRule {
    /// A finding of this rule at `location` in the Dockerfile at `path`.
    pub fn finding(
        &self,
        path: &std::path::Path,
        severity: Severity,
        location: Location,
        message: impl Into<String>,
        help: impl Into<String>,
    ) -> Finding {
        Finding::new(self.code, severity, Family::Dockerfile, path, message, help)
            .with_location(location)
    }
}

pub const SYNTAX: DockerfileRule = DockerfileRule {
    code: "DL700",
    name: "dockerfile-syntax",
    severity: Severity::Warning,
    summary: "a Dockerfile that docker build rejects before it starts",
    explanation: "\
What it does: reads the Dockerfile as BuildKit's `dockerfile:1` frontend \
does (parser directives, continuations, heredocs, JSON and shell forms, \
instruction arguments) and reports what that frontend refuses: an \
unterminated heredoc, an unknown instruction (often a line whose previous \
line lacks its `\\`), a `FROM` with the wrong number of words, a non-string \
JSON array, an instruction before the first `FROM`.

Why it breaks: `docker build` stops with `failed to solve: dockerfile parse \
error` before any step runs. The checks that follow still look at the rest of \
the file, but may miss what the error hides.

Instead: fix the line; `docker build --check` shows the same error.",
    help: "fix the line; `docker build --check .` reports the same error without building",
};

pub const SHELL_FORM_RUN: DockerfileRule = DockerfileRule {
    code: "DL701",
    name: "shell-form-run-without-shell",
    severity: Severity::Error,
    summary: "a shell-form RUN in the final stage on a base without the shell it needs",
    explanation: "\
What it does: finds `RUN command` (shell form, heredocs included) in the \
final stage and the stages it is built `FROM`, when the base has no \
`/bin/sh` (or no program named by a `SHELL` instruction) and no COPY or ADD \
in those stages puts one there.

Why it breaks: Docker runs a shell-form RUN as `/bin/sh -c \"command\"`. \
Distroless images and Chainguard `latest` have no `/bin/sh`, so the build \
stops at that step with `exec: \"/bin/sh\": stat /bin/sh: no such file or \
directory`.

Example: `FROM gcr.io/distroless/python3-debian12` followed by \
`RUN pip install -r requirements.txt`.

Instead: do the work in a build stage that has a shell (`FROM python:3.11-slim \
AS build`) and `COPY --from=build` the result; or, if the step must run in \
the final image, write it in exec form with a program the image has: \
`RUN [\"python\", \"-c\", \"…\"]`.",
    help: "do this step in a build stage that has a shell and COPY --from=build the result, or write it in exec form with a program the image has, e.g. RUN [\"python\", \"-c\", \"...\"]",
};

pub const SHELL_FORM_COMMAND: DockerfileRule = DockerfileRule {
    code: "DL702",
    name: "shell-form-command-without-shell",
    severity: Severity::Error,
    summary: "a shell-form CMD or ENTRYPOINT on a base without /bin/sh",
    explanation: "\
What it does: finds the CMD and ENTRYPOINT the image will actually use (the \
last of each in the final stage and the stages it is built `FROM`; a CMD \
that a shell-form ENTRYPOINT ignores is not reported) when they are in shell \
form and the base has no shell for them.

Why it breaks: Docker stores a shell-form CMD or ENTRYPOINT as `/bin/sh -c \
\"command\"`. With no `/bin/sh` the container does not start (`exec: \
\"/bin/sh\": stat /bin/sh: no such file or directory`). A shell-form CMD \
behind an exec-form ENTRYPOINT (such as the distroless python images' own \
`python3`) is handed to it as the arguments `/bin/sh -c …`, and Python \
stops with `can't open file '/bin/sh'`. `CMD ['python', 'app.py']` with \
single quotes is not JSON, so it is shell form too.

Example: `CMD gunicorn -b 0.0.0.0:8000 app:app` on \
gcr.io/distroless/python3-debian13.

Instead: exec form, `CMD [\"gunicorn\", \"-b\", \"0.0.0.0:8000\", \
\"app:app\"]` (JSON, double quotes). Shell features (`&&`, `$VAR`, pipes) \
belong in the program or a Python entry script.",
    help:
        "write it in exec form (a JSON array with double quotes), e.g. CMD [\"python\", \"app.py\"]",
};

pub const SHELL_FORM_HEALTHCHECK: DockerfileRule = DockerfileRule {
    code: "DL703",
    name: "shell-form-healthcheck-without-shell",
    severity: Severity::Warning,
    summary: "a shell-form HEALTHCHECK CMD on a base without /bin/sh",
    explanation: "\
What it does: finds the HEALTHCHECK the image will use when its command is \
in shell form and the base has no shell for it.

Why it breaks: Docker runs `HEALTHCHECK CMD command` as `/bin/sh -c \
\"command\"` inside the container at every interval. With no `/bin/sh` every \
check fails and Docker (Compose, Swarm) marks the container unhealthy and \
may restart it. Kubernetes ignores HEALTHCHECK, hence a warning.

Example: `HEALTHCHECK CMD curl -f http://localhost:8000/ || exit 1` (curl is \
not on distroless images either).

Instead: exec form with a program the image has, e.g. \
`HEALTHCHECK CMD [\"python3\", \"-c\", \"import urllib.request; \
urllib.request.urlopen('http://localhost:8000/')\"]`.",
    help: "use exec form with a program the image has, e.g. HEALTHCHECK CMD [\"python3\", \"-c\", \"import urllib.request; urllib.request.urlopen('http://localhost:8000/')\"]",
};

pub const MISSING_SHELL: DockerfileRule = DockerfileRule {
    code: "DL704",
    name: "shell-instruction-missing-program",
    severity: Severity::Error,
    summary: "a SHELL instruction naming a program the image does not have",
    explanation: "\
What it does: checks the program of each `SHELL [\"…\"]` in the final stage \
and the stages it is built `FROM` against the base's executables and what \
the stages COPY or ADD.

Why it breaks: every later shell-form RUN, CMD, ENTRYPOINT and HEALTHCHECK \
is run with that program; if it is not there they fail with `exec: \
\"/bin/bash\": stat /bin/bash: no such file or directory`.

Example: `SHELL [\"/bin/bash\", \"-o\", \"pipefail\", \"-c\"]` kept from a \
python:3.12-slim Dockerfile after switching to distroless.

Instead: drop the SHELL and write the instructions in exec form; or use a \
shell the image has (a distroless `:debug` image has `/busybox/sh`).",
    help: "drop the SHELL instruction and write the instructions that used it in exec form (a distroless :debug image has /busybox/sh if you need a shell while debugging)",
};

pub const MISSING_PROGRAM: DockerfileRule = DockerfileRule {
    code: "DL705",
    name: "exec-form-missing-program",
    severity: Severity::Error,
    summary: "an exec-form command whose program is neither on the image nor copied in",
    explanation: "\
What it does: resolves the program of an exec-form RUN, ENTRYPOINT, \
HEALTHCHECK CMD (and CMD when ENTRYPOINT is reset with `ENTRYPOINT []`) the \
way the kernel and Docker do: a bare name on the PATH the stages set (`ENV \
PATH=…`, else the base's), a relative path against WORKDIR. It is fine when \
the base has it, or when a COPY or ADD in those stages puts a file there \
(any COPY whose destination covers the path counts, since the copied files \
are not known). A RUN step could make anything, so a program missing after \
one is reported as info. The `#!` interpreter of a `RUN <<EOF` script is \
checked the same way. CMD behind the image's own ENTRYPOINT is not checked: \
the base manifests do not record it.

Why it breaks: the container does not start, the build step fails, or every \
health check fails: `exec: \"gunicorn\": executable file not found in \
$PATH`.

Example: `ENTRYPOINT [\"gunicorn\", \"app:app\"]` where only site-packages \
was copied from the build stage, not the `gunicorn` script.

Instead: copy the program from the build stage (a virtualenv: `COPY \
--from=build /venv /venv` with `ENV PATH=/venv/bin:$PATH`), or run a Python \
tool through the image's Python: `[\"python\", \"-m\", \"gunicorn\", …]`.",
    help: "copy the program in from the build stage (e.g. COPY --from=build /venv /venv with ENV PATH=/venv/bin:$PATH), or run a Python tool with the image's Python: [\"python\", \"-m\", \"NAME\", ...]",
};

/// Every Dockerfile rule, by code.
pub const RULES: &[DockerfileRule] = &[
    SYNTAX,
    SHELL_FORM_RUN,
    SHELL_FORM_COMMAND,
    SHELL_FORM_HEALTHCHECK,
    MISSING_SHELL,
    MISSING_PROGRAM,
];

/// The rule with `code`, if it is a Dockerfile rule.
pub fn rule(code: &str) -> Option<&'static DockerfileRule> {
    RULES.iter().find(|r| r.code == code)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_unique_in_order_and_documented() {
        let codes: Vec<_> = RULES.iter().map(|r| r.code).collect();
        let mut sorted = codes.clone();
        sorted.sort();
        sorted.dedup();
        assert_eq!(
            codes, sorted,
            "keep the table in code order, each code once"
        );
        for rule in RULES {
            assert!(rule.code.starts_with("DL7"), "{}", rule.code);
            assert!(!rule.summary.is_empty() && !rule.help.is_empty());
            for section in ["What it does:", "Why it breaks:", "Instead:"] {
                assert!(
                    rule.explanation.contains(section),
                    "{} lacks {section}",
                    rule.code
                );
            }
        }
        assert_eq!(
            rule("DL705").map(|r| r.name),
            Some("exec-form-missing-program")
        );
        assert!(rule("DL101").is_none());
    }
}
