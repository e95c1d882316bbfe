//! Procfile: `name: command` lines that Heroku, Cloud Native Buildpacks,
//! honcho and foreman start. Every one of them hands the command to a
//! shell (Heroku and the buildpacks' launcher `bash -c`, honcho and foreman
//! `/bin/sh -c`), so each line needs one in the image that runs it. Docker
//! never reads a Procfile: when the image's own ENTRYPOINT and CMD start
//! the application, the file matters only where a platform still reads it,
//! which is why the finding is a warning. Lines are matched as Heroku
//! matches them (`^[A-Za-z0-9_-]+:\s*(.+)$`); anything else is ignored, as
//! Heroku ignores it.

use super::judge::{Given, Spelling, StartedCommand, When};
use super::text::Text;

pub fn commands(text: &Text<'_>) -> Vec<StartedCommand> {
    let mut commands = Vec::new();
    let mut offset = 0;
    for line in text.text.split_inclusive('\n') {
        let start = offset;
        offset += line.len();
        let body = line.trim_end_matches(['\n', '\r']);
        let Some((name, rest)) = body.split_once(':') else {
            continue;
        };
        let named = !name.is_empty()
            && name
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
        let command = rest.trim();
        if !named || command.is_empty() {
            continue;
        }
        let command_start = start + name.len() + 1 + (rest.len() - rest.trim_start().len());
        commands.push(StartedCommand {
            what: format!("the Procfile's `{name}` process"),
            when: When::Process,
            given: Given::ShellLine {
                text: command.to_string(),
                variant: "procfile",
            },
            spelling: Spelling::Dockerfile,
            location: text.location(command_start, command_start + command.len()),
        });
    }
    commands
}
