//! supervisord: the `command=` of each `[program:x]` (and
//! `[fcgi-program:x]`, `[eventlistener:x]`) section. supervisord splits the
//! command with Python's `shlex` and executes it directly, looking a bare
//! name up on its own PATH — no shell is involved unless the command names
//! one (`command=sh -c "…"`), which the image then needs. A command whose
//! program comes from a `%(ENV_X)s` expansion is not judged: its value is
//! not in the file.

use super::ini;
use super::judge::{Given, Spelling, StartedCommand, When};
use super::text::Text;
use crate::dockerfile::words::{split_words, unquote};

/// Whether `text` looks like a supervisord configuration.
pub fn is_supervisord(text: &str) -> bool {
    text.contains("[program:") || text.contains("[supervisord]")
}

pub fn commands(text: &Text<'_>) -> Vec<StartedCommand> {
    let mut commands = Vec::new();
    for entry in ini::entries(text.text, true) {
        let Some((kind, name)) = entry.section.split_once(':') else {
            continue;
        };
        if !matches!(kind, "program" | "fcgi-program" | "eventlistener") || entry.key != "command" {
            continue;
        }
        let line = entry.value.replace('\n', " ");
        let argv: Vec<String> = split_words(&line, '\\', false)
            .into_iter()
            .map(|(a, b)| unquote(&line[a..b], '\\'))
            .collect();
        if argv.is_empty() || argv[0].contains("%(") {
            continue;
        }
        commands.push(StartedCommand {
            what: format!("supervisord's program `{name}`"),
            when: When::Supervised,
            given: Given::Argv(argv),
            spelling: Spelling::Supervisord,
            location: text.location(entry.span.0, entry.span.1),
        });
    }
    commands
}
