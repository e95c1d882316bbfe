//! uwsgi ini files: the options of the `[uwsgi]` section that run a shell
//! command. uwsgi hands each to `/bin/sh -c`: the `exec-*` hooks
//! (`exec-asap`, `exec-pre-app`, `exec-as-root`, …), a `hook-*` option
//! whose action is `exec:`, the daemons it starts and watches
//! (`attach-daemon`, `smart-attach-daemon`, `smart-attach-daemon2`,
//! `attach-control-daemon`) and its cron tasks (`cron`, `unique-cron`,
//! whose first five words are the schedule). Key=value forms
//! (`attach-daemon2`, `cron2`) name the command in `cmd=`.

use super::ini;
use super::judge::{Given, Spelling, StartedCommand, When};
use super::text::Text;

/// Whether `text` looks like a uwsgi ini file.
pub fn is_uwsgi(text: &str) -> bool {
    text.lines().any(|l| l.trim() == "[uwsgi]")
}

pub fn commands(text: &Text<'_>) -> Vec<StartedCommand> {
    let mut commands = Vec::new();
    for entry in ini::entries(text.text, false) {
        if entry.section != "uwsgi" {
            continue;
        }
        let key = entry.key.as_str();
        let value = entry.value.as_str();
        let (when, command) = if key.starts_with("exec-") {
            (When::Hook, Some(value.to_string()))
        } else if key.starts_with("hook-") {
            (When::Hook, value.strip_prefix("exec:").map(str::to_string))
        } else if matches!(
            key,
            "attach-daemon"
                | "smart-attach-daemon"
                | "smart-attach-daemon-as-root"
                | "attach-control-daemon"
                | "attach-daemon-as-root"
        ) {
            (When::Daemon, Some(value.to_string()))
        } else if matches!(key, "attach-daemon2" | "smart-attach-daemon2") {
            (When::Daemon, key_value(value, "cmd"))
        } else if matches!(key, "cron" | "unique-cron") {
            (When::Scheduled, after_schedule(value))
        } else if key == "cron2" {
            (When::Scheduled, key_value(value, "cmd"))
        } else {
            continue;
        };
        let Some(command) = command.filter(|c| !c.trim().is_empty()) else {
            continue;
        };
        commands.push(StartedCommand {
            what: format!("uwsgi's `{key}`"),
            when,
            given: Given::ShellLine {
                text: command,
                variant: "uwsgi",
            },
            spelling: Spelling::Field("command"),
            location: text.location(entry.span.0, entry.span.1),
        });
    }
    commands
}

/// `cmd=…` of a uwsgi key=value option (the command is last: it may hold
/// commas).
fn key_value(value: &str, key: &str) -> Option<String> {
    let at = value.find(&format!("{key}="))?;
    Some(value[at + key.len() + 1..].to_string())
}

/// The command of `cron = MIN HOUR DAY MONTH WEEKDAY command`.
fn after_schedule(value: &str) -> Option<String> {
    let mut rest = value.trim_start();
    for _ in 0..5 {
        let end = rest.find(char::is_whitespace)?;
        rest = rest[end..].trim_start();
    }
    Some(rest.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_schedule_is_not_the_command() {
        assert_eq!(
            after_schedule("-1 -1 -1 -1 -1 python3 manage.py clearsessions").as_deref(),
            Some("python3 manage.py clearsessions")
        );
        assert_eq!(after_schedule("-1 -1"), None);
        assert_eq!(
            key_value("freq=3,cmd=touch /tmp/a,b", "cmd").as_deref(),
            Some("touch /tmp/a,b")
        );
    }
}
