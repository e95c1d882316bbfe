//! Rules are data: a team can cover its own wrapper library or ban a
//! program by writing a rule file, with no Rust and no rebuild; mistakes in
//! a rule file are load errors that say where.

use crate::support::python as support;

use distrolint::python::may_match;
use distrolint::rules::{RuleError, RuleSet};

const WRAPPER_RULES: &str = r#"
# A company wrapper: acme.shell.run(argv, use_shell=False) starts programs.
[[callable]]
names = ["acme.shell.run"]
groups = ["spawn", "acme"]
argv = { position = 0, keyword = "argv" }
shell = { keyword = "use_shell" }
error = "acme.shell.CommandFailed: {program} not found"

# The platform team bans apt-get in services.
[[rule]]
code = "ACME001"
name = "no-apt-get"
family = "exec"
summary = "apt-get at run time"
callables = ["@spawn"]
help = "install packages in the Dockerfile, not at run time"

[[rule.case]]
when = { program-in = ["apt-get"] }
severity = "error"
message = "{call} runs apt-get at run time on {base}"
"#;

#[test]
fn a_wrapper_library_and_a_ban_work_from_a_rule_directory() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("acme.toml"), WRAPPER_RULES).unwrap();
    let rules = RuleSet::builtin_with_dirs(distrolint::checks::NATIVE, &[dir.path()])
        .expect("user rules load");
    let base = support::base("python3-debian13");
    let source = b"from acme import shell as sh\n\
        sh.run(['git', 'pull'])\n\
        sh.run('ls', use_shell=True)\n\
        import subprocess\n\
        subprocess.run(['apt-get', 'install', '-y', 'curl'])\n";
    assert!(may_match(source, &rules, None));
    let findings = support::analyse(source, &base, &rules, "service.py");
    let got: Vec<(u32, &str)> = findings
        .iter()
        .map(|f| (f.location.unwrap().line, f.code.as_str()))
        .collect();
    // The wrapper joins the built-in `spawn` rules: DL301 and DL202 fire.
    assert!(got.contains(&(2, "DL301")), "{got:?}");
    assert!(got.contains(&(3, "DL202")), "{got:?}");
    assert!(got.contains(&(5, "ACME001")), "{got:?}");
    let acme = findings.iter().find(|f| f.code == "ACME001").unwrap();
    assert_eq!(
        &*acme.message,
        "subprocess.run runs apt-get at run time on python3-debian13"
    );
    let wrapped = findings.iter().find(|f| f.code == "DL301").unwrap();
    assert!(
        wrapped.message.contains("acme.shell.run via sh"),
        "{}",
        wrapped.message
    );
}

#[test]
fn a_rule_directory_alone_loads_without_the_built_ins() {
    let dir = tempfile::tempdir().unwrap();
    let alone = WRAPPER_RULES.replace("\"@spawn\"", "\"@acme\"");
    std::fs::write(dir.path().join("acme.toml"), alone).unwrap();
    let rules = RuleSet::load_dir(distrolint::checks::NATIVE, dir.path()).unwrap();
    assert_eq!(rules.rules.len(), 1);
    assert!(rules.callable_named("os.system").is_none());
}

fn load_error(text: &str) -> String {
    match RuleSet::from_sources(
        distrolint::checks::NATIVE,
        [("bad.toml".to_string(), text.to_string())],
    ) {
        Ok(_) => panic!("expected a load error for:\n{text}"),
        Err(RuleError::Invalid(invalid)) => {
            let at = invalid.span.map(|s| s.offset());
            format!(
                "{} @{}",
                invalid.message,
                at.map(|a| a.to_string()).unwrap_or_default()
            )
        }
        Err(other) => panic!("unexpected error {other}"),
    }
}

#[test]
fn mistakes_in_rule_files_are_reported_where_they_are() {
    let typo = "[[callable]]\nnames = [\"a.b\"]\ngrups = [\"x\"]\n";
    let err = load_error(typo);
    assert!(err.contains("unknown field `grups`"), "{err}");
    assert!(
        err.ends_with(&format!("@{}", typo.find("grups").unwrap())),
        "{err}"
    );

    let rule = |body: &str| {
        format!("[[callable]]\nnames = [\"a.b\"]\ngroups = [\"g\"]\nargv = {{ position = 0 }}\n[[rule]]\ncode = \"X1\"\nname = \"x\"\nfamily = \"exec\"\nsummary = \"s\"\n{body}")
    };
    let err = load_error(&rule("callables = [\"@nope\"]\n[[rule.case]]\nseverity = \"error\"\nmessage = \"m\"\nhelp = \"h\"\n"));
    assert!(err.contains("group @nope"), "{err}");
    let err = load_error(&rule("callables = [\"@g\"]\n[[rule.case]]\nseverity = \"error\"\nmessage = \"{colour}\"\nhelp = \"h\"\n"));
    assert!(err.contains("unknown placeholder {colour}"), "{err}");
    let err = load_error(&rule(
        "callables = [\"@g\"]\n[[rule.case]]\nseverity = \"error\"\nmessage = \"m\"\n",
    ));
    assert!(err.contains("needs a message and help"), "{err}");
    let err = load_error(&rule("callables = [\"@g\"]\nsuppresses = [\"DL999\"]\n[[rule.case]]\nseverity = \"error\"\nmessage = \"m\"\nhelp = \"h\"\n"));
    assert!(err.contains("DL999"), "{err}");
    let err = load_error(&rule("callables = [\"@g\"]\n[[rule.case]]\nseverity = \"fatal\"\nmessage = \"m\"\nhelp = \"h\"\n"));
    assert!(err.contains("fatal"), "{err}");
}

#[test]
fn a_code_defined_twice_is_an_error_even_across_files() {
    let dir = tempfile::tempdir().unwrap();
    let copy = "[[rule]]\ncode = \"DL201\"\nname = \"again\"\nfamily = \"shell\"\nsummary = \"s\"\ncallables = [\"os.system\"]\n[[rule.case]]\nseverity = \"error\"\nmessage = \"m\"\nhelp = \"h\"\n";
    std::fs::write(dir.path().join("dup.toml"), copy).unwrap();
    let err = RuleSet::builtin_with_dirs(distrolint::checks::NATIVE, &[dir.path()]).unwrap_err();
    assert!(err.to_string().contains("DL201 is defined twice"), "{err}");
}

/// A shell command of plain words whose program the base has is fixed by
/// its own argv, which the help spells out; a command the shell would
/// read differently (quotes, redirections) or whose program is missing
/// keeps the general advice.
#[test]
fn the_shell_help_spells_out_the_argv_of_a_plain_command() {
    let rules = RuleSet::builtin(distrolint::checks::NATIVE).unwrap();
    let base = support::base("python3-debian13");
    let findings = support::analyse(
        b"import os, subprocess\n\
          os.system('python3 manage.py migrate --noinput')\n\
          subprocess.check_output('python3 -V', shell=True)\n\
          subprocess.run(\"python3 -c 'print(1)'\", shell=True)\n\
          subprocess.run('git status', shell=True)\n\
          subprocess.run('LANG=C python3 -V', shell=True)\n",
        &base,
        &rules,
        "app/tasks.py",
    );
    let help = |line: u32| -> String {
        findings
            .iter()
            .find(|f| f.location.map(|l| l.line) == Some(line) && f.code.starts_with("DL20"))
            .map(|f| f.help.to_string())
            .unwrap_or_else(|| panic!("no shell finding on line {line}: {findings:#?}"))
    };
    assert!(
        help(2).contains(
            r#"subprocess.run(["python3", "manage.py", "migrate", "--noinput"], check=True)"#
        ),
        "{}",
        help(2)
    );
    assert!(
        help(3).contains(r#"subprocess.check_output(["python3", "-V"])"#),
        "{}",
        help(3)
    );
    for line in [4, 5, 6] {
        assert!(
            help(line).contains("shlex.split"),
            "line {line}: {}",
            help(line)
        );
    }
}
