//! The parser against each construct BuildKit accepts, and against garbage.

use super::*;
use crate::dockerfile::ast::{Args, Command, Heredoc, Keyword};

fn parse_ok(text: &str) -> Dockerfile {
    let df = parse_str(text);
    assert!(df.errors.is_empty(), "unexpected errors: {:?}", df.errors);
    df
}

fn shell_text(instruction: &Instruction) -> &str {
    match instruction.command() {
        Some(Command::Shell(word)) => &word.text,
        other => panic!("expected shell form, got {other:?}"),
    }
}

fn exec_args(instruction: &Instruction) -> Vec<&str> {
    match instruction.command() {
        Some(Command::Exec { args, .. }) => args.iter().map(|w| w.text.as_str()).collect(),
        other => panic!("expected exec form, got {other:?}"),
    }
}

fn heredocs(instruction: &Instruction) -> Vec<(&str, String, bool, bool)> {
    instruction
        .heredocs
        .iter()
        .map(|h: &Heredoc| (h.name.as_str(), h.content(), h.expand, h.chomp))
        .collect()
}

#[test]
fn directives_are_read_only_at_the_top() {
    let df = parse_ok(
        "# syntax=docker/dockerfile:1.7\n#escape = `\n# check=skip=all\nFROM a\n# escape=\\\n",
    );
    let names: Vec<_> = df
        .directives
        .iter()
        .map(|d| (d.name.as_str(), d.value.as_str()))
        .collect();
    assert_eq!(
        names,
        vec![
            ("syntax", "docker/dockerfile:1.7"),
            ("escape", "`"),
            ("check", "skip=all")
        ]
    );
    assert_eq!(df.escape, '`');

    // A blank line, a plain comment or an unknown directive ends them.
    for text in [
        "\n# escape=`\nFROM a\n",
        "# hello\n# escape=`\nFROM a\n",
        "# unknown=x\n# escape=`\nFROM a\n",
    ] {
        let df = parse_ok(text);
        assert_eq!(df.escape, '\\', "{text:?}");
        assert!(df.directive("escape").is_none(), "{text:?}");
    }
}

#[test]
fn bad_directives_are_errors_with_their_line() {
    let df = parse_str("# escape=x\nFROM a\n");
    assert_eq!(df.errors.len(), 1);
    assert!(df.errors[0].message.contains("invalid escape token"));
    assert_eq!(df.location(df.errors[0].span).line, 1);

    let df = parse_str("# syntax=a\n# syntax=b\nFROM a\n");
    assert_eq!(df.errors.len(), 1);
    assert!(df.errors[0].message.contains("only one syntax"));
    assert_eq!(df.location(df.errors[0].span).line, 2);
}

#[test]
fn the_escape_directive_changes_the_continuation_character() {
    let df = parse_ok("# escape=`\nFROM mcr.microsoft.com/windows\nRUN dir c:\\ `\n  && echo done\nCOPY a\\b c:\\app\\\n");
    let run = &df.instructions[1];
    assert_eq!(shell_text(run), "dir c:\\   && echo done");
    // With ` as escape, a trailing backslash is just a character.
    let copy = &df.instructions[2];
    match &copy.args {
        Args::List { words, json: false } => assert_eq!(words[1].text, "c:\\app\\"),
        other => panic!("{other:?}"),
    }
}

#[test]
fn continuations_skip_comments_and_empty_lines() {
    let text = "FROM a\nRUN apt-get update \\\n    # a comment inside\n\n    && apt-get install -y curl \\  \n\t&& rm -rf /var/lib/apt/lists/*\nCMD x\n";
    let df = parse_ok(text);
    assert_eq!(df.instructions.len(), 3);
    let run = &df.instructions[1];
    assert_eq!(
        shell_text(run),
        "apt-get update     && apt-get install -y curl \t&& rm -rf /var/lib/apt/lists/*"
    );
    assert_eq!(df.location(run.span).line, 2);
    assert_eq!(df.source.line_of(run.span.end), 6);
    // The word's span covers the file from its first to its last character.
    let Some(Command::Shell(word)) = run.command() else {
        panic!()
    };
    assert!(df.text(word.span).starts_with("apt-get update \\\n"));
    assert!(df.text(word.span).ends_with("lists/*"));
    assert_eq!(df.instructions[2].keyword, Keyword::Cmd);
}

#[test]
fn a_continuation_at_the_end_of_the_file_ends_the_instruction() {
    let df = parse_ok("FROM a\nRUN echo \\");
    assert_eq!(shell_text(&df.instructions[1]), "echo");
}

#[test]
fn heredocs_are_read_verbatim() {
    let text = "FROM a\nRUN <<EOF\n#!/bin/sh\necho \"$HOME\" \\\n# not a comment\nEOF\nCMD x\n";
    let df = parse_ok(text);
    let run = &df.instructions[1];
    assert_eq!(
        heredocs(run),
        vec![(
            "EOF",
            "#!/bin/sh\necho \"$HOME\" \\\n# not a comment\n".to_string(),
            true,
            false
        )]
    );
    assert_eq!(df.source.line_of(run.span.end), 6);
    assert_eq!(df.instructions[2].keyword, Keyword::Cmd);
    let heredoc = &run.heredocs[0];
    assert_eq!(df.text(heredoc.word), "<<EOF");
    assert_eq!(df.text(heredoc.body_span), heredoc.body);
}

#[test]
fn chomped_quoted_and_spaced_heredocs() {
    let text = "FROM a\nRUN <<-'END' python3 - << \"PY\"\n\techo $x\n\tEND\nprint(1)\nPY\n";
    let df = parse_ok(text);
    assert_eq!(
        heredocs(&df.instructions[1]),
        vec![
            ("END", "echo $x\n".to_string(), false, true),
            ("PY", "print(1)\n".to_string(), false, false),
        ]
    );
    let df = parse_ok("FROM a\nRUN 3<<EOF cat /dev/fd/3\nhi\nEOF\n");
    assert_eq!(df.instructions[1].heredocs[0].name, "EOF");
}

#[test]
fn several_heredocs_are_read_in_order() {
    // BuildKit reads X's body to its delimiter, then Y's.
    let df = parse_ok("FROM a\nCOPY <<X <<Y /dest/\nY\nX\nX\nY\n");
    assert_eq!(
        heredocs(&df.instructions[1]),
        vec![
            ("X", "Y\n".to_string(), true, false),
            ("Y", "X\n".to_string(), true, false)
        ]
    );
}

#[test]
fn copy_from_a_heredoc_to_a_path() {
    let df = parse_ok("FROM a\nCOPY --chmod=755 <<EOF /usr/local/bin/hello\n#!/usr/bin/python3\nprint('hi')\nEOF\n");
    let copy = &df.instructions[1];
    assert_eq!(
        copy.flag("chmod").and_then(|f| f.value.as_deref()),
        Some("755")
    );
    match &copy.args {
        Args::List { words, json: false } => {
            assert_eq!(words[0].text, "<<EOF");
            assert_eq!(words[1].text, "/usr/local/bin/hello");
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(copy.heredocs.len(), 1);
}

#[test]
fn what_is_not_a_heredoc() {
    // JSON form, a quoted `<<`, `<<` glued to a word, and instructions that
    // take no heredocs.
    for text in [
        "FROM a\nRUN [\"sh\", \"-c\", \"cat <<EOF\"]\nCMD x\n",
        "FROM a\nRUN echo \"<<EOF\"\nCMD x\n",
        "FROM a\nRUN cat<<EOF\nCMD x\n",
        "FROM a\nCMD cat <<EOF\nENV a=b\n",
    ] {
        let df = parse_ok(text);
        assert_eq!(df.instructions.len(), 3, "{text:?}");
        assert!(df.instructions[1].heredocs.is_empty(), "{text:?}");
    }
}

#[test]
fn an_unterminated_heredoc_is_an_error_at_its_marker() {
    let df = parse_str("FROM a\nRUN <<EOF\necho hi\n");
    assert_eq!(df.errors.len(), 1);
    assert!(df.errors[0].message.contains("unterminated heredoc"));
    assert_eq!(df.text(df.errors[0].span), "<<EOF");
    assert_eq!(df.instructions[1].heredocs[0].body, "echo hi\n");
}

#[test]
fn exec_form_and_shell_form() {
    let text = r#"FROM a
RUN ["python", "-m", "pip", "install", "x"]
RUN python -m pip install x
CMD [ "gunicorn" , "app:app" ]
CMD ['python', 'app.py']
ENTRYPOINT ["/bin/sh", "-c", "exec \"$0\""]
ENTRYPOINT python app.py
HEALTHCHECK --interval=30s CMD ["python", "-c", "print(1)"]
HEALTHCHECK CMD curl -f http://localhost/ || exit 1
HEALTHCHECK NONE
SHELL ["/bin/bash", "-o", "pipefail", "-c"]
"#;
    let df = parse_ok(text);
    let i = &df.instructions;
    assert_eq!(
        exec_args(&i[1]),
        vec!["python", "-m", "pip", "install", "x"]
    );
    assert_eq!(shell_text(&i[2]), "python -m pip install x");
    assert_eq!(exec_args(&i[3]), vec!["gunicorn", "app:app"]);
    // Single quotes are not JSON: this is shell form.
    assert_eq!(shell_text(&i[4]), "['python', 'app.py']");
    assert_eq!(exec_args(&i[5]), vec!["/bin/sh", "-c", "exec \"$0\""]);
    assert_eq!(shell_text(&i[6]), "python app.py");
    assert_eq!(
        i[7].flag("interval").and_then(|f| f.value.as_deref()),
        Some("30s")
    );
    assert_eq!(exec_args(&i[7]), vec!["python", "-c", "print(1)"]);
    assert_eq!(shell_text(&i[8]), "curl -f http://localhost/ || exit 1");
    assert_eq!(i[9].args, Args::Healthcheck(None));
    assert_eq!(exec_args(&i[10]), vec!["/bin/bash", "-o", "pipefail", "-c"]);
    // Each JSON string's span is its literal in the file.
    let Some(Command::Exec { args, .. }) = i[3].command() else {
        panic!()
    };
    assert_eq!(df.text(args[1].span), "\"app:app\"");
    let loc = df.location(args[0].span);
    assert_eq!((loc.line, loc.column), (4, 7));
}

#[test]
fn json_with_escapes_and_continuations() {
    let df = parse_ok("FROM a\nCMD [\"python\", \\\n     \"-c\", \"print(\\\"\\u00e9\\\")\"]\n");
    assert_eq!(
        exec_args(&df.instructions[1]),
        vec!["python", "-c", "print(\"é\")"]
    );
    let Some(Command::Exec { args, .. }) = df.instructions[1].command() else {
        panic!()
    };
    assert_eq!(df.location(args[1].span).line, 3);
}

#[test]
fn a_json_array_of_non_strings_is_rejected() {
    let df = parse_str("FROM a\nCMD [\"python\", 1]\n");
    assert_eq!(df.errors.len(), 1);
    assert!(df.errors[0].message.contains("strings only"));
    // Broken JSON is plain shell form, as in BuildKit.
    let df = parse_ok("FROM a\nCMD [\"python\", \"app.py\",]\n");
    assert_eq!(shell_text(&df.instructions[1]), "[\"python\", \"app.py\",]");
}

#[test]
fn shell_must_be_json() {
    let df = parse_str("FROM a\nSHELL /bin/bash -c\n");
    assert_eq!(df.errors.len(), 1);
    assert!(df.errors[0].message.contains("JSON form"));
}

#[test]
fn from_lines_in_all_their_forms() {
    let text = "ARG REGISTRY=gcr.io\nARG TAG\nFROM --platform=$BUILDPLATFORM python:3.12-slim AS build\nfrom ${REGISTRY}/distroless/python3-debian12:nonroot@sha256:0123 as Final\nFROM build\n";
    let df = parse_ok(text);
    let froms: Vec<_> = df
        .instructions
        .iter()
        .filter_map(|i| match &i.args {
            Args::From { image, alias } => Some((
                i.flag("platform").and_then(|f| f.value.clone()),
                image.text.as_str(),
                alias.as_ref().map(|a| a.text.as_str()),
            )),
            _ => None,
        })
        .collect();
    assert_eq!(
        froms,
        vec![
            (
                Some("$BUILDPLATFORM".to_string()),
                "python:3.12-slim",
                Some("build")
            ),
            (
                None,
                "${REGISTRY}/distroless/python3-debian12:nonroot@sha256:0123",
                Some("Final")
            ),
            (None, "build", None),
        ]
    );
    let Args::Pairs(pairs) = &df.instructions[0].args else {
        panic!()
    };
    assert_eq!(pairs[0].key.text, "REGISTRY");
    assert_eq!(
        pairs[0].value.as_ref().map(|v| v.text.as_str()),
        Some("gcr.io")
    );
}

#[test]
fn malformed_from_lines() {
    for (text, needle) in [
        ("FROM\n", "one or three"),
        ("FROM a b\n", "one or three"),
        ("FROM a AS 1st\n", "invalid name"),
        ("FROM a AS b c\n", "one or three"),
    ] {
        let df = parse_str(text);
        assert!(
            df.errors.iter().any(|e| e.message.contains(needle)),
            "{text:?}: {:?}",
            df.errors
        );
    }
}

#[test]
fn pairs_in_arg_env_and_label() {
    let df = parse_ok("FROM a\nARG A B=\"x y\" C=\nENV PATH=/venv/bin:$PATH LANG=C.UTF-8\nENV LEGACY some value here\nLABEL org.opencontainers.image.title=\"my app\"\n");
    let pairs = |i: usize| match &df.instructions[i].args {
        Args::Pairs(p) => p
            .iter()
            .map(|p| (p.key.text.clone(), p.value.as_ref().map(|v| v.text.clone())))
            .collect::<Vec<_>>(),
        other => panic!("{other:?}"),
    };
    assert_eq!(
        pairs(1),
        vec![
            ("A".into(), None),
            ("B".into(), Some("\"x y\"".into())),
            ("C".into(), Some(String::new()))
        ]
    );
    assert_eq!(
        pairs(2),
        vec![
            ("PATH".into(), Some("/venv/bin:$PATH".into())),
            ("LANG".into(), Some("C.UTF-8".into()))
        ]
    );
    assert_eq!(
        pairs(3),
        vec![("LEGACY".into(), Some("some value here".into()))]
    );
    let df2 = parse_str("FROM a\nENV A=1 B\nENV =x\nENV ONLYKEY\n");
    assert_eq!(df2.errors.len(), 3, "{:?}", df2.errors);
}

#[test]
fn onbuild_wraps_an_instruction() {
    let df = parse_ok("FROM a\nONBUILD RUN --mount=type=cache,target=/root/.cache pip install -r requirements.txt\nONBUILD COPY <<EOF /x\nhi\nEOF\n");
    let inner = df.instructions[1].triggered();
    assert_eq!(inner.keyword, Keyword::Run);
    assert_eq!(
        inner.flag("mount").and_then(|f| f.value.as_deref()),
        Some("type=cache,target=/root/.cache")
    );
    assert_eq!(shell_text(inner), "pip install -r requirements.txt");
    assert_eq!(df.instructions[2].triggered().heredocs.len(), 1);
    assert_eq!(df.source.line_of(df.instructions[2].span.end), 5);

    for (text, needle) in [
        ("FROM a\nONBUILD ONBUILD RUN x\n", "chaining"),
        ("FROM a\nONBUILD FROM b\n", "FROM isn't allowed"),
        ("FROM a\nONBUILD\n", "at least one"),
    ] {
        let df = parse_str(text);
        assert!(
            df.errors.iter().any(|e| e.message.contains(needle)),
            "{text:?}: {:?}",
            df.errors
        );
    }
}

#[test]
fn run_flags_with_quotes_and_the_double_dash() {
    let df =
        parse_ok("FROM a\nRUN --mount=type=secret,id=\"my id\" --network=none -- --not-a-flag\n");
    let run = &df.instructions[1];
    let flags: Vec<_> = run
        .flags
        .iter()
        .map(|f| (f.name.as_str(), f.value.as_deref()))
        .collect();
    assert_eq!(
        flags,
        vec![
            ("mount", Some("type=secret,id=my id")),
            ("network", Some("none"))
        ]
    );
    assert_eq!(shell_text(run), "--not-a-flag");
    let df = parse_str("FROM a\nCMD --port 8000\n");
    assert!(
        df.errors[0].message.contains("unknown flag: port"),
        "{:?}",
        df.errors
    );
    // The flag stays in the command, where it was probably meant to be.
    assert_eq!(shell_text(&df.instructions[1]), "--port 8000");
}

#[test]
fn keywords_are_case_insensitive_and_unknown_ones_are_errors() {
    let df = parse_str("from a\nRun echo\napt-get install x\n");
    assert_eq!(df.instructions[0].keyword, Keyword::From);
    assert_eq!(df.instructions[1].keyword, Keyword::Run);
    assert_eq!(df.instructions[2].keyword, Keyword::Unknown);
    assert_eq!(df.errors.len(), 1);
    assert!(df.errors[0]
        .message
        .contains("unknown instruction: APT-GET"));
    assert_eq!(df.location(df.errors[0].span).line, 3);
}

#[test]
fn structure_errors() {
    let df = parse_str("RUN echo\nFROM a\n");
    assert!(df.errors[0].message.contains("before the first FROM"));
    let df = parse_str("# only a comment\n\n");
    assert!(df.errors[0].message.contains("no instructions"));
    let df = parse_str("ARG A=1\n");
    assert!(df.errors[0].message.contains("no FROM"));
}

#[test]
fn crlf_bom_and_indentation() {
    let df = parse_ok("\u{feff}FROM a\r\n    RUN echo a \\\r\n      b\r\nCMD [\"x\"]\r\n");
    assert_eq!(shell_text(&df.instructions[1]), "echo a       b");
    let loc = df.location(df.instructions[1].name.span);
    assert_eq!((loc.line, loc.column), (2, 5));
    assert_eq!(exec_args(&df.instructions[2]), vec!["x"]);
    assert_eq!(df.location(df.instructions[0].name.span).column, 1);
}

#[test]
fn other_instructions_keep_their_text() {
    let df = parse_ok("FROM a\nWORKDIR /app\nUSER nonroot:nonroot\nEXPOSE 8000/tcp 9000\nVOLUME [\"/data\"]\nSTOPSIGNAL SIGTERM\nMAINTAINER me\n");
    match &df.instructions[1].args {
        Args::Text(w) => assert_eq!(w.text, "/app"),
        other => panic!("{other:?}"),
    }
    match &df.instructions[3].args {
        Args::List { words, json: false } => assert_eq!(words.len(), 2),
        other => panic!("{other:?}"),
    }
    match &df.instructions[4].args {
        Args::List { words, json: true } => assert_eq!(words[0].text, "/data"),
        other => panic!("{other:?}"),
    }
}

/// A small deterministic generator, so the garbage is the same on every run.
struct Lcg(u64);

impl Lcg {
    fn next(&mut self) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        self.0 >> 33
    }
}

#[test]
fn garbage_never_panics_and_spans_stay_in_the_file() {
    let pieces: &[&[u8]] = &[
        b"FROM ",
        b"RUN ",
        b"COPY ",
        b"ONBUILD ",
        b"HEALTHCHECK ",
        b"CMD ",
        b"SHELL ",
        b"ENV ",
        b"ARG ",
        b"<<",
        b"<<-",
        b"EOF",
        b"\n",
        b"\r\n",
        b"\\",
        b"`",
        b"[",
        b"]",
        b"\"",
        b"'",
        b"# escape=`\n",
        b"# syntax=x\n",
        b"${",
        b"}",
        b"$",
        b"=",
        b"--",
        b"AS ",
        b" ",
        b"\t",
        b"\xff",
        b"\xc3",
        b"\xe2\x82",
        b"\xef\xbb\xbf",
        b"{",
        b",",
        b"1",
        b"NONE",
        b"#",
    ];
    let mut rng = Lcg(42);
    for _ in 0..3000 {
        let len = (rng.next() % 40) as usize;
        let mut bytes = Vec::new();
        for _ in 0..len {
            bytes.extend_from_slice(pieces[(rng.next() as usize) % pieces.len()]);
        }
        let df = parse(&bytes);
        let n = df.source.text().len();
        assert_eq!(n, bytes.len());
        for error in &df.errors {
            assert!(error.span.end <= n, "{bytes:?}: {error:?}");
            let _ = df.location(error.span);
        }
        for instruction in &df.instructions {
            assert!(instruction.span.end <= n, "{bytes:?}: {instruction:?}");
            assert!(instruction.name.span.end <= n);
            for flag in &instruction.flags {
                assert!(flag.span.end <= n);
            }
            if let Some(command) = instruction.command() {
                assert!(command.span().end <= n);
            }
        }
    }
    // And raw random bytes.
    for _ in 0..500 {
        let len = (rng.next() % 200) as usize;
        let bytes: Vec<u8> = (0..len).map(|_| rng.next() as u8).collect();
        let _ = parse(&bytes);
    }
}
