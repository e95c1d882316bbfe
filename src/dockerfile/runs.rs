//! The programs a Dockerfile starts by path: the first word of each
//! ENTRYPOINT, CMD, HEALTHCHECK and RUN, and of each simple command in a
//! shell-form one. A script in the tree is executed by the kernel (and its
//! `#!` line read) only when something starts it like that; `python
//! manage.py` starts Python, not `manage.py`.

use super::ast::{Command, Dockerfile, Keyword};

/// Every program `df` starts, as written (`./manage.py`,
/// `/app/entrypoint.sh`, `gunicorn`), in instruction order.
pub fn programs_started(df: &Dockerfile) -> Vec<String> {
    let mut programs = Vec::new();
    for instruction in &df.instructions {
        let instruction = instruction.triggered();
        if !matches!(
            instruction.keyword,
            Keyword::Run | Keyword::Cmd | Keyword::Entrypoint | Keyword::Healthcheck
        ) {
            continue;
        }
        match instruction.command() {
            Some(Command::Exec { args, .. }) => {
                programs.extend(args.first().map(|w| w.text.clone()));
            }
            Some(Command::Shell(word)) => programs.extend(shell_programs(&word.text)),
            None => {}
        }
    }
    programs
}

/// The first word of each simple command of a shell line, past `exec`,
/// `env` and variable assignments; quotes are dropped, anything cleverer
/// (substitutions, functions) is not followed.
fn shell_programs(text: &str) -> Vec<String> {
    let mut programs = Vec::new();
    for command in text.split(['\n', ';', '&', '|', '(', ')', '`']) {
        let words = command
            .split_whitespace()
            .map(|w| w.trim_matches(['"', '\'']))
            .skip_while(|w| {
                matches!(*w, "exec" | "env" | "then" | "do" | "else" | "!" | "\\")
                    || (w.contains('=') && !w.starts_with('='))
                    || w.starts_with('-')
            });
        if let Some(first) = words.into_iter().next() {
            programs.push(first.to_string());
        }
    }
    programs
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dockerfile::parse_str;

    #[test]
    fn programs_in_every_form() {
        let df = parse_str(
            "FROM x\nRUN pip install . && ./scripts/setup.sh\nHEALTHCHECK CMD [\"/app/health.py\"]\nENTRYPOINT [\"/app/docker/entrypoint.sh\"]\nCMD exec env A=1 ./manage.py runserver | tee log\n",
        );
        assert_eq!(
            programs_started(&df),
            [
                "pip",
                "./scripts/setup.sh",
                "/app/health.py",
                "/app/docker/entrypoint.sh",
                "./manage.py",
                "tee"
            ]
        );
        let df = parse_str("FROM x\nCMD [\"python\", \"manage.py\", \"runserver\"]\n");
        assert_eq!(programs_started(&df), ["python"]);
    }
}
