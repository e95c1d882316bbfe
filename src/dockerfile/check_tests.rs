//! The Dockerfile checks in the situations users are in.

use super::*;
use crate::finding::Severity;

/// The built-in bases, parsed once for all tests.
fn base(name: &str) -> BaseImage {
    static BASES: std::sync::OnceLock<Vec<BaseImage>> = std::sync::OnceLock::new();
    let bases = BASES.get_or_init(crate::base::builtin);
    crate::base::find_in(bases, name)
        .expect("built-in base")
        .clone()
}

fn run(text: &str, base_name: &str) -> Vec<Finding> {
    let base = base(base_name);
    let mut findings = analyse_dockerfile(
        crate::checks::builtin_rules(),
        Path::new("Dockerfile"),
        text.as_bytes(),
        Some(&base),
    )
    .findings;
    findings.sort_by_key(|f| f.location.map(|l| (l.line, l.column)));
    findings
}

/// `(code, line, severity)` of each finding.
fn summary(findings: &[Finding]) -> Vec<(String, u32, Severity)> {
    findings
        .iter()
        .map(|f| (f.code.clone(), f.location.map_or(0, |l| l.line), f.severity))
        .collect()
}

fn one(findings: &[Finding], code: &str) -> Finding {
    let matching: Vec<_> = findings.iter().filter(|f| f.code == code).collect();
    assert_eq!(matching.len(), 1, "{code} in {findings:#?}");
    matching[0].clone()
}

#[test]
fn pip_install_in_the_distroless_stage_stops_the_build() {
    let findings = run(
        "FROM gcr.io/distroless/python3-debian12\nCOPY . /app\nRUN pip install -r /app/requirements.txt\nCMD [\"/app/main.py\"]\n",
        "python3-debian12",
    );
    assert_eq!(
        summary(&findings),
        vec![("DL701".into(), 3, Severity::Error)]
    );
    let f = &findings[0];
    assert!(
        f.message
            .contains("`/bin/sh -c \"pip install -r /app/requirements.txt\"`"),
        "{}",
        f.message
    );
    assert!(
        f.message.contains("python3-debian12 does not have"),
        "{}",
        f.message
    );
    assert!(
        f.message
            .contains("`exec: \"/bin/sh\": stat /bin/sh: no such file or directory`"),
        "{}",
        f.message
    );
    assert!(f.help.contains("build stage"), "{}", f.help);
    let loc = f.location.unwrap();
    assert_eq!((loc.line, loc.column), (3, 5));
    assert_eq!(f.fields["when"], "build");
    assert_eq!(f.fields["instruction"], "RUN");
}

#[test]
fn the_same_steps_in_a_build_stage_are_fine() {
    let findings = run(
        "FROM python:3.11-slim AS build\nRUN pip install --target /deps -r requirements.txt\nHEALTHCHECK CMD curl -f localhost || exit 1\nFROM gcr.io/distroless/python3-debian12\nCOPY --from=build /deps /usr/lib/python3/dist-packages\nCOPY app.py .\nCMD [\"app.py\"]\n",
        "python3-debian12",
    );
    assert!(findings.is_empty(), "{findings:#?}");
}

#[test]
fn shell_form_cmd_gets_an_exec_form_rewrite() {
    let findings = run(
        "FROM gcr.io/distroless/python3-debian13\nCMD gunicorn -b 0.0.0.0:8000 app:app\n",
        "python3-debian13",
    );
    let f = one(&findings, "DL702");
    assert!(
        f.message.contains("the container does not start"),
        "{}",
        f.message
    );
    assert!(
        f.message.contains("can't open file '/bin/sh'"),
        "{}",
        f.message
    );
    // The image has no gunicorn either: an exec-form CMD of it would fail
    // too, so the help proposes no command.
    assert!(
        f.help.starts_with("`gunicorn` is not on this image either"),
        "{}",
        f.help
    );
    assert_eq!(
        f.fields["suggestion"],
        "[\"gunicorn\",\"-b\",\"0.0.0.0:8000\",\"app:app\"]"
    );
}

#[test]
fn single_quoted_exec_form_is_shell_form() {
    let findings = run(
        "FROM gcr.io/distroless/python3-debian13\nCOPY app.py /app.py\nCMD ['app.py']\n",
        "python3-debian13",
    );
    let f = one(&findings, "DL702");
    // The base's Python ENTRYPOINT runs the copied script: CMD stays CMD.
    assert!(f.help.ends_with(": CMD [\"app.py\"]"), "{}", f.help);
}

#[test]
fn a_shell_form_cmd_behind_an_exec_entrypoint_reaches_python_as_arguments() {
    let findings = run(
        "FROM gcr.io/distroless/python3-debian13\nENTRYPOINT [\"python3\"]\nCMD app.py --port $PORT\n",
        "python3-debian13",
    );
    let f = one(&findings, "DL702");
    assert!(
        f.message
            .contains("arguments `/bin/sh -c \"app.py --port $PORT\"` of the ENTRYPOINT on line 2"),
        "{}",
        f.message
    );
    assert!(
        f.message.contains("can't open file '/bin/sh'"),
        "{}",
        f.message
    );
    assert!(f.help.contains("`$` expansion"), "{}", f.help);
}

#[test]
fn only_the_commands_the_image_keeps_are_judged() {
    // An overridden CMD is harmless; a shell-form ENTRYPOINT makes CMD dead.
    let findings = run(
        "FROM gcr.io/distroless/python3-debian13\nCOPY app.py .\nCMD python app.py\nCMD [\"app.py\"]\n",
        "python3-debian13",
    );
    assert!(findings.is_empty(), "{findings:#?}");
    let findings = run(
        "FROM gcr.io/distroless/python3-debian13\nENTRYPOINT python app.py\nCMD also ignored\n",
        "python3-debian13",
    );
    assert_eq!(
        summary(&findings),
        vec![("DL702".into(), 2, Severity::Error)]
    );
    // An ENTRYPOINT in a child stage drops the CMD it inherits.
    let findings = run(
        "FROM gcr.io/distroless/python3-debian13 AS base\nCMD python app.py\nFROM base\nENTRYPOINT [\"python3\", \"app.py\"]\n",
        "python3-debian13",
    );
    assert!(findings.is_empty(), "{findings:#?}");
    // ... but keeps one set in its own stage.
    let findings = run(
        "FROM gcr.io/distroless/python3-debian13 AS base\nFROM base\nCMD python app.py\nENTRYPOINT [\"python3\"]\n",
        "python3-debian13",
    );
    assert_eq!(
        summary(&findings),
        vec![("DL702".into(), 3, Severity::Error)]
    );
}

#[test]
fn healthchecks_warn() {
    let findings = run(
        "FROM gcr.io/distroless/python3-debian13\nHEALTHCHECK --interval=30s CMD curl -f http://localhost:8000/ || exit 1\n",
        "python3-debian13",
    );
    let f = one(&findings, "DL703");
    assert_eq!(f.severity, Severity::Warning);
    assert!(
        f.message.contains("marks the container unhealthy"),
        "{}",
        f.message
    );
    assert!(f.help.contains("urllib"), "{}", f.help);
    let findings = run(
        "FROM gcr.io/distroless/python3-debian13\nHEALTHCHECK CMD [\"curl\", \"-f\", \"http://localhost/\"]\n",
        "python3-debian13",
    );
    let f = one(&findings, "DL705");
    assert_eq!(f.severity, Severity::Warning);
    assert!(f.help.contains("urllib"), "{}", f.help);
    let findings = run(
        "FROM gcr.io/distroless/python3-debian13\nHEALTHCHECK CMD curl localhost\nHEALTHCHECK NONE\n",
        "python3-debian13",
    );
    assert!(findings.is_empty(), "{findings:#?}");
}

#[test]
fn a_shell_kept_from_the_slim_image() {
    let findings = run(
        "FROM gcr.io/distroless/python3-debian13\nSHELL [\"/bin/bash\", \"-o\", \"pipefail\", \"-c\"]\nRUN echo hi | tee /x\n",
        "python3-debian13",
    );
    assert_eq!(
        summary(&findings),
        vec![
            ("DL704".into(), 2, Severity::Error),
            ("DL701".into(), 3, Severity::Error)
        ]
    );
    let run_finding = one(&findings, "DL701");
    assert!(
        run_finding.message.contains("through the SHELL on line 2"),
        "{}",
        run_finding.message
    );
    assert!(
        run_finding
            .message
            .contains("`/bin/bash -c \"echo hi | tee /x\"`"),
        "{}",
        run_finding.message
    );
    let shell = one(&findings, "DL704");
    assert_eq!(shell.location.unwrap().column, 8);
}

#[test]
fn a_shell_copied_in_is_a_shell() {
    let findings = run(
        "FROM gcr.io/distroless/python3-debian13\nCOPY --from=busybox:1.36-uclibc /bin/busybox /bin/sh\nRUN echo ok\nCMD python3 app.py\n",
        "python3-debian13",
    );
    assert!(findings.is_empty(), "{findings:#?}");
    // A shell mounted for one step serves that step only (the next one is
    // info: the first step ran, and could have left a shell behind).
    let findings = run(
        "FROM gcr.io/distroless/python3-debian13\nRUN --mount=from=busybox:musl,src=/bin,dst=/bin mkdir /data\nRUN echo later\n",
        "python3-debian13",
    );
    assert_eq!(
        summary(&findings),
        vec![("DL701".into(), 3, Severity::Info)]
    );
    // Copied after the RUN is too late for the RUN, in time for CMD.
    let findings = run(
        "FROM gcr.io/distroless/python3-debian13\nRUN echo early\nCOPY --from=busybox:1.36-uclibc /bin/busybox /bin/sh\nCMD python3 app.py\n",
        "python3-debian13",
    );
    assert_eq!(
        summary(&findings),
        vec![("DL701".into(), 2, Severity::Error)]
    );
}

#[test]
fn exec_form_programs_are_looked_up() {
    let findings = run(
        "FROM gcr.io/distroless/python3-debian13\nCOPY --from=build /usr/local/lib/python3.13/site-packages /usr/lib/python3/dist-packages\nENTRYPOINT [\"gunicorn\", \"app:app\"]\n",
        "python3-debian13",
    );
    let f = one(&findings, "DL705");
    assert_eq!(f.severity, Severity::Error);
    assert!(
        f.message
            .contains("`gunicorn`, which is not on python3-debian13's PATH"),
        "{}",
        f.message
    );
    assert!(
        f.message
            .contains("`exec: \"gunicorn\": executable file not found in $PATH`"),
        "{}",
        f.message
    );
    assert!(
        f.help.contains("\"python3\", \"-m\", \"gunicorn\""),
        "{}",
        f.help
    );
    assert_eq!(f.location.unwrap().column, 13);

    for ok in [
        "FROM gcr.io/distroless/python3-debian13\nCOPY --from=build /venv /venv\nENV PATH=/venv/bin:$PATH\nENTRYPOINT [\"gunicorn\", \"app:app\"]\n",
        "FROM gcr.io/distroless/python3-debian13\nENTRYPOINT [\"python\", \"-m\", \"gunicorn\"]\n",
        "FROM gcr.io/distroless/python3-debian13\nWORKDIR /app\nCOPY bin/ ./bin/\nENTRYPOINT [\"./bin/serve\"]\n",
        "FROM gcr.io/distroless/python3-debian13\nENV PATH=$VENV/bin:$PATH\nENTRYPOINT [\"gunicorn\"]\n",
        // CMD is handed to the image's own ENTRYPOINT, Python, as the
        // script it runs: one the image has, or a module.
        "FROM gcr.io/distroless/python3-debian13\nCOPY gunicorn.py /\nCMD [\"gunicorn.py\"]\n",
        "FROM gcr.io/distroless/python3-debian13\nCMD [\"-m\", \"gunicorn\"]\n",
    ] {
        let findings = run(ok, "python3-debian13");
        assert!(findings.is_empty(), "{ok}\n{findings:#?}");
    }
    // With the ENTRYPOINT reset, CMD's first word is the program.
    let findings = run(
        "FROM gcr.io/distroless/python3-debian13\nENTRYPOINT []\nCMD [\"gunicorn\"]\n",
        "python3-debian13",
    );
    assert_eq!(
        summary(&findings),
        vec![("DL705".into(), 3, Severity::Error)]
    );
}

#[test]
fn a_run_step_before_makes_a_missing_program_a_maybe() {
    let findings = run(
        "FROM gcr.io/distroless/python3-debian13\nRUN [\"python3\", \"-m\", \"venv\", \"/venv\"]\nENTRYPOINT [\"/venv/bin/gunicorn\"]\n",
        "python3-debian13",
    );
    let f = one(&findings, "DL705");
    assert_eq!(f.severity, Severity::Info);
    assert!(
        f.message.contains("unless the step on line 2 makes it"),
        "{}",
        f.message
    );
}

#[test]
fn a_script_whose_interpreter_is_missing_cannot_run() {
    let findings = run(
        "FROM gcr.io/distroless/python3-debian13\nRUN [\"ldd\", \"/usr/bin/python3\"]\n",
        "python3-debian13",
    );
    let f = one(&findings, "DL705");
    assert!(
        f.message
            .contains("is on python3-debian13 but cannot run (a script for `/bin/bash`"),
        "{}",
        f.message
    );
}

#[test]
fn heredoc_scripts_run_by_their_shebang() {
    let findings = run(
        "FROM gcr.io/distroless/python3-debian13\nRUN <<EOF\n#!/usr/bin/env python3\nprint('hi')\nEOF\n",
        "python3-debian13",
    );
    let f = one(&findings, "DL705");
    assert!(f.message.contains("`#!` line"), "{}", f.message);
    assert!(f.help.contains("#!/usr/bin/python3"), "{}", f.help);
    assert_eq!(f.location.unwrap().line, 2);
    let findings = run(
        "FROM gcr.io/distroless/python3-debian13\nRUN <<EOF\n#!/usr/bin/python3\nprint('hi')\nEOF\n",
        "python3-debian13",
    );
    assert!(findings.is_empty(), "{findings:#?}");
    // Without a shebang, or with more than the heredoc, the shell runs it.
    let findings = run(
        "FROM gcr.io/distroless/python3-debian13\nRUN python3 <<EOF\nprint('hi')\nEOF\n",
        "python3-debian13",
    );
    assert_eq!(
        summary(&findings),
        vec![("DL701".into(), 2, Severity::Error)]
    );
}

#[test]
fn onbuild_triggers_run_in_the_child_stage() {
    let text = "FROM gcr.io/distroless/python3-debian13 AS base\nONBUILD RUN echo hi\nFROM base\nCMD [\"-m\", \"app\"]\n";
    let findings = run(text, "python3-debian13");
    assert_eq!(
        summary(&findings),
        vec![("DL701".into(), 2, Severity::Error)]
    );
    // In the final stage itself they only run for images built FROM it.
    let findings = run(
        "FROM gcr.io/distroless/python3-debian13\nONBUILD RUN echo hi\n",
        "python3-debian13",
    );
    assert!(findings.is_empty(), "{findings:#?}");
}

#[test]
fn a_base_with_a_shell_has_nothing_to_say() {
    let text = "FROM cgr.dev/chainguard/python:latest-dev\nRUN pip install x\nCMD python app.py\nHEALTHCHECK CMD python -c 1\n";
    let findings = run(text, "chainguard-python-latest-dev");
    assert!(findings.is_empty(), "{findings:#?}");
    let findings = run(text, "chainguard-python-latest");
    assert_eq!(findings.len(), 3, "{findings:#?}");
}

#[test]
fn the_explicit_base_judges_an_unresolved_from() {
    let findings = run(
        "ARG BASE\nFROM ${BASE}\nCMD python app.py\n",
        "python3-debian12",
    );
    assert_eq!(
        summary(&findings),
        vec![("DL702".into(), 3, Severity::Error)]
    );
}

#[test]
fn without_a_base_only_syntax_is_checked() {
    let analysis = analyse_dockerfile(
        crate::checks::builtin_rules(),
        Path::new("Dockerfile"),
        b"FROM python:3.12-slim\nRUN echo \\\napt-get install\nRUN <<EOF\n",
        None,
    );
    let codes: Vec<_> = analysis.findings.iter().map(|f| f.code.as_str()).collect();
    assert_eq!(codes, vec!["DL700"]);
    assert!(analysis.findings[0]
        .message
        .contains("unterminated heredoc"));
    assert_eq!(
        analysis.final_base.map(|i| i.reference).as_deref(),
        Some("python:3.12-slim")
    );
}

#[test]
fn garbage_is_capped() {
    let text = "FROM a\n".to_string() + &"bogus x\n".repeat(30);
    let analysis = analyse_dockerfile(
        crate::checks::builtin_rules(),
        Path::new("Dockerfile"),
        text.as_bytes(),
        None,
    );
    assert_eq!(analysis.findings.len(), 10);
    assert!(analysis.findings[9].message.contains("20 more errors"));
}

#[test]
fn dockerfile_names() {
    for name in [
        "Dockerfile",
        "dockerfile",
        "Containerfile",
        "Dockerfile.prod",
        "prod.Dockerfile",
        "app.containerfile",
    ] {
        assert!(is_dockerfile_name(name), "{name}");
    }
    for name in [
        "Dockerfile.",
        ".dockerfile",
        "Dockerfiles",
        "mydockerfile",
        "docker-compose.yml",
        ".dockerignore",
    ] {
        assert!(!is_dockerfile_name(name), "{name}");
    }
}

#[test]
fn another_frontend_makes_syntax_errors_info() {
    let text = b"# syntax=example.org/my-frontend:2\nFROM a\nFANCY thing\n";
    let analysis = analyse_dockerfile(
        crate::checks::builtin_rules(),
        Path::new("Dockerfile"),
        text,
        None,
    );
    assert_eq!(analysis.findings.len(), 1);
    assert_eq!(analysis.findings[0].severity, Severity::Info);
    assert!(analysis.findings[0]
        .message
        .contains("example.org/my-frontend:2"));
    let text = b"# syntax=docker/dockerfile:1.7-labs\nFROM a\nFANCY thing\n";
    let analysis = analyse_dockerfile(
        crate::checks::builtin_rules(),
        Path::new("Dockerfile"),
        text,
        None,
    );
    assert_eq!(analysis.findings[0].severity, Severity::Warning);
}

/// A small deterministic generator, so the garbage is the same on every run.
struct Lcg(u64);

impl Lcg {
    fn next(&mut self) -> usize {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (self.0 >> 33) as usize
    }
}

#[test]
fn checks_never_panic_on_scrambled_dockerfiles() {
    // Lines of real instructions, shuffled and cut: every check runs on
    // every kind of half-formed stage.
    let pieces = [
        "FROM gcr.io/distroless/python3-debian13 AS a\n",
        "FROM a\n",
        "FROM python:3.11-slim AS a\n",
        "FROM debian:12-slim AS a\n",
        "RUN apt-get install python3 && python3 -m venv --copies /v -p\n",
        "RUN uv venv --python\n",
        "ENV VIRTUAL_ENV=${VIRTUAL_ENV\n",
        "ENV VIRTUAL_ENV=/v\n",
        "COPY --from=a /v /v\n",
        "FROM ${X:-a}\n",
        "ARG X=gcr.io/distroless/python3-debian12\n",
        "RUN echo hi \\\n",
        "RUN <<EOF\n#!/usr/bin/env python3\nEOF\n",
        "RUN <<-EOF\n\t#!\n\tEOF\n",
        "RUN [\"\"]\n",
        "RUN --mount=type=bind,target= x\n",
        "CMD []\n",
        "CMD x\n",
        "ENTRYPOINT []\n",
        "ENTRYPOINT [\"/\"]\n",
        "HEALTHCHECK CMD [\"curl\"]\n",
        "HEALTHCHECK NONE\n",
        "SHELL [\"\"]\n",
        "SHELL [\"sh\", \"-c\"]\n",
        "ONBUILD RUN x\n",
        "ONBUILD ONBUILD RUN x\n",
        "COPY a $UNKNOWN\n",
        "COPY a ../../..\n",
        "COPY <<EOF\n",
        "WORKDIR ..\n",
        "WORKDIR $NOPE\n",
        "ENV PATH=\n",
        "ENV PATH=${PATH:+$PATH:}/x\n",
        "# expect: DL701\n",
        "\\\n",
        "\u{e9}\u{fffd}\n",
    ];
    let debian13 = base("python3-debian13");
    let mut rng = Lcg(7);
    for _ in 0..2000 {
        let mut text = String::new();
        for _ in 0..rng.next() % 12 {
            text.push_str(pieces[rng.next() % pieces.len()]);
        }
        let cut = rng.next() % (text.len() + 1);
        let bytes = &text.as_bytes()[..cut];
        let analysis = analyse_dockerfile(
            crate::checks::builtin_rules(),
            Path::new("Dockerfile"),
            bytes,
            Some(&debian13),
        );
        for finding in &analysis.findings {
            let location = finding.location.expect("every finding has a place");
            assert!(location.offset + location.length <= bytes.len(), "{text:?}");
        }
    }
}

#[test]
fn a_venv_from_the_python_image_links_to_an_interpreter_distroless_lacks() {
    let build = "FROM python:3.11-slim AS build\nRUN python -m venv /venv && /venv/bin/pip install -r requirements.txt\n";
    let findings = run(
        &format!("{build}FROM gcr.io/distroless/python3-debian12\nCOPY --from=build /venv /venv\nENTRYPOINT [\"/venv/bin/python\", \"-m\", \"app\"]\n"),
        "python3-debian12",
    );
    assert_eq!(
        summary(&findings),
        vec![("DL708".into(), 4, Severity::Error)]
    );
    let f = &findings[0];
    // The label is on the source, the venv as the build stage made it.
    assert_eq!(f.location.unwrap().column, 19);
    for says in [
        "symlink to /usr/local/bin/python,",
        "(FROM python:3.11-slim on line 1)",
        "`exec /venv/bin/python: no such file or directory`",
    ] {
        assert!(f.message.contains(says), "{says}: {}", f.message);
    }
    for says in [
        "/usr/bin/python3.11",
        "FROM debian:12-slim with python3-venv from apt",
        "/usr/local/lib/python3.11/dist-packages",
    ] {
        assert!(f.help.contains(says), "{says}: {}", f.help);
    }

    let findings = run(
        &format!(
            "{}FROM gcr.io/distroless/python3-debian12\nCOPY --from=build /venv /venv\n",
            build.replace("venv /venv", "venv --copies /venv")
        ),
        "python3-debian12",
    );
    let f = one(&findings, "DL708");
    assert!(
        f.message
            .contains("loads libpython3.11.so.1.0 and /usr/local/lib/python3.11")
            && f.message
                .contains("libpython3.11.so.1.0: cannot open shared object file"),
        "{}",
        f.message
    );

    // Chainguard has libpython3.14 in its cache path, so only the standard
    // library is missing; its builder is latest-dev.
    let findings = run(
        "FROM python:3.14-slim AS build\nRUN python -m venv --copies /venv\nFROM cgr.dev/chainguard/python:latest\nCOPY --from=build /venv /venv\nENTRYPOINT [\"/venv/bin/python\"]\n",
        "chainguard-python-latest",
    );
    let f = one(&findings, "DL708");
    assert!(
        f.message.contains("No module named 'encodings'"),
        "{}",
        f.message
    );
    assert!(!f.message.contains("libpython3.14.so"), "{}", f.message);
    assert!(
        f.help.contains("FROM cgr.dev/chainguard/python:latest-dev"),
        "{}",
        f.help
    );
}

#[test]
fn a_venv_is_fine_where_its_interpreter_is_and_unjudged_where_it_cannot_be_placed() {
    for ok in [
        // Debian's python3 is the distroless one, at the same path.
        "FROM debian:12-slim AS build\nRUN apt-get update && apt-get install -y python3-venv && python3 -m venv /venv\n",
        // The interpreter is copied in too.
        "FROM python:3.11-slim AS build\nRUN python -m venv /venv\nFROM gcr.io/distroless/python3-debian12\nCOPY --from=build /usr/local /usr/local\n",
        // uv may download a Python of its own for a version request.
        "FROM python:3.11-slim AS build\nRUN uv venv --python 3.11 /venv\n",
        // An image we know nothing about.
        "FROM registry.example/builder:1 AS build\nRUN python3 -m venv /venv\n",
        // Debian without python3 from apt: whatever made it, we cannot say.
        "FROM debian:12-slim AS build\nRUN python3 -m venv /venv\n",
    ] {
        let text = if ok.contains("distroless") {
            format!("{ok}COPY --from=build /venv /venv\nENTRYPOINT [\"/venv/bin/python\"]\n")
        } else {
            format!("{ok}FROM gcr.io/distroless/python3-debian12\nCOPY --from=build /venv /venv\nENTRYPOINT [\"/venv/bin/python\"]\n")
        };
        let findings = run(&text, "python3-debian12");
        assert!(findings.iter().all(|f| f.code != "DL708"), "{text}\n{findings:#?}");
    }
}

#[test]
fn a_venv_on_another_python_is_told_to_use_the_bases_interpreter_not_another_python_image() {
    let findings = run(
        "FROM python:3.12-slim AS build\nRUN python -m venv /venv\nFROM gcr.io/distroless/python3-debian12\nCOPY --from=build /venv /venv\nENTRYPOINT [\"/venv/bin/python\"]\n",
        "python3-debian12",
    );
    let f = one(&findings, "DL707");
    assert!(
        f.help
            .contains("FROM debian:12-slim with python3-venv from apt")
            && !f.help.contains("python:3.11-slim"),
        "{}",
        f.help
    );
    one(&findings, "DL708");
}

#[test]
fn a_shell_form_cmd_on_a_python_entrypoint_is_rewritten_as_the_entrypoint() {
    // CMD ["python3", "-m", "myapp"] would be handed to the base's
    // /usr/bin/python3.13 as a script named python3.
    let findings = run(
        "FROM gcr.io/distroless/python3-debian13\nCMD python3 -m myapp\n",
        "python3-debian13",
    );
    let f = one(&findings, "DL702");
    assert!(
        f.help
            .ends_with(": ENTRYPOINT [\"python3\",\"-m\",\"myapp\"]"),
        "{}",
        f.help
    );
    assert!(f.help.contains("replaces the base's"), "{}", f.help);
}
