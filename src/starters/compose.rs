//! Compose files: for each service that runs the application's image (its
//! `build` is the judged Dockerfile) or a known base (its `image` names
//! one), the `command`, `entrypoint` and `healthcheck.test`, and the
//! `user` it runs as.
//!
//! Compose splits a `command` or `entrypoint` given as a string into words
//! and runs them directly: unlike a Dockerfile's shell form, no
//! `/bin/sh -c` is involved (the compose specification says so, and tells
//! users to write `sh -c '…'` themselves when they want a shell). So both
//! are argvs, and `command` replaces only the image's CMD: behind a Python
//! ENTRYPOINT it names a script (DL803). A health check given as a string
//! or `["CMD-SHELL", "…"]` does go through `/bin/sh -c`; `["CMD", …]` is an
//! argv. A word holding a `${VARIABLE}` is not judged: its value is not in
//! the file. Services of other images (redis, postgres) are not judged
//! against the application's base.

use std::path::Path;

use super::account::ServiceUser;
use super::judge::{Given, Spelling, StartedCommand, When};
use super::text::Text;
use super::yaml::{NodeId, Yaml};
use super::{Judging, TargetImage};
use crate::dockerfile::words::{split_words, unquote};

/// Whether a file name is a compose file's: `compose.yaml`,
/// `docker-compose.yml`, `docker-compose.prod.yaml`, …
pub fn is_compose_name(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    let Some(stem) = lower
        .strip_suffix(".yml")
        .or_else(|| lower.strip_suffix(".yaml"))
    else {
        return false;
    };
    stem == "compose"
        || stem.starts_with("compose.")
        || stem == "docker-compose"
        || stem.starts_with("docker-compose.")
}

/// What the services judged start and run as, each with its image.
#[derive(Default)]
pub struct Services<'j> {
    pub commands: Vec<(StartedCommand, TargetImage<'j>)>,
    pub users: Vec<(ServiceUser, TargetImage<'j>)>,
}

/// The commands and `user` of each service judged, each with the image it
/// runs in.
pub fn services<'j>(
    path: &Path,
    text: &Text<'_>,
    yaml: &Yaml,
    judging: &'j Judging<'j>,
) -> Services<'j> {
    let mut found = Services::default();
    let directory = path.parent().unwrap_or(Path::new("."));
    for &document in &yaml.documents {
        let Some(services) = yaml.get(document, "services") else {
            continue;
        };
        for (name, service) in yaml.pairs(services) {
            let Some(image) = service_image(yaml, service, directory, judging) else {
                continue;
            };
            if let Some(id) = yaml.get(service, "user") {
                if let Some(user) = yaml.scalar(id) {
                    let (start, end) = yaml.span(id);
                    found.users.push((
                        ServiceUser {
                            what: format!("service `{name}`'s `user`"),
                            user: user.to_string(),
                            location: text.location(start, end),
                        },
                        image.clone(),
                    ));
                }
            }
            for command in service_commands(text, yaml, &name, service) {
                found.commands.push((command, image.clone()));
            }
        }
    }
    found
}

/// The image a service runs, when it is one distrolint judges.
fn service_image<'j>(
    yaml: &Yaml,
    service: NodeId,
    directory: &Path,
    judging: &'j Judging<'j>,
) -> Option<TargetImage<'j>> {
    if let Some(build) = yaml.get(service, "build") {
        let (context, dockerfile) = match yaml.scalar(build) {
            Some(context) => (context.to_string(), "Dockerfile".to_string()),
            None => (
                yaml.get(build, "context")
                    .and_then(|c| yaml.scalar(c))
                    .unwrap_or(".")
                    .to_string(),
                yaml.get(build, "dockerfile")
                    .and_then(|d| yaml.scalar(d))
                    .unwrap_or("Dockerfile")
                    .to_string(),
            ),
        };
        let dockerfile = directory.join(context).join(dockerfile);
        return judging
            .app
            .is_built_by(&dockerfile)
            .then(|| judging.app.clone());
    }
    let image = yaml.scalar(yaml.get(service, "image")?)?;
    judging.image_named(image)
}

fn service_commands(
    text: &Text<'_>,
    yaml: &Yaml,
    name: &str,
    service: NodeId,
) -> Vec<StartedCommand> {
    let mut commands = Vec::new();
    let location = |id: NodeId| {
        let (start, end) = yaml.span(id);
        text.location(start, end)
    };
    let entrypoint = yaml.get(service, "entrypoint");
    if let Some(id) = entrypoint {
        if let Some(words) = words_of(yaml, id) {
            commands.push(StartedCommand {
                what: format!("service `{name}`'s `entrypoint`"),
                when: When::Start,
                given: Given::Argv(words),
                spelling: Spelling::Field("entrypoint"),
                location: location(id),
            });
        }
    }
    // With an `entrypoint` of its own, `command` is its arguments.
    if let (Some(id), None) = (yaml.get(service, "command"), entrypoint) {
        if let Some(words) = words_of(yaml, id) {
            commands.push(StartedCommand {
                what: format!("service `{name}`'s `command`"),
                when: When::Start,
                given: Given::AfterEntrypoint {
                    words,
                    entrypoint_field: "entrypoint",
                },
                spelling: Spelling::Field("command"),
                location: location(id),
            });
        }
    }
    if let Some(test) = yaml.at(service, &["healthcheck", "test"]) {
        let what = format!("service `{name}`'s health check");
        let given = match (yaml.scalar(test), yaml.strings(test)) {
            (Some(line), _) => Some(Given::ShellLine {
                text: line.to_string(),
                variant: "healthcheck",
            }),
            (None, Some(words)) => match words.split_first() {
                Some((form, rest)) if form == "CMD-SHELL" => Some(Given::ShellLine {
                    text: rest.join(" "),
                    variant: "healthcheck",
                }),
                Some((form, rest)) if form == "CMD" && !rest.iter().any(|w| w.contains('$')) => {
                    Some(Given::Argv(rest.to_vec()))
                }
                _ => None,
            },
            _ => None,
        };
        if let Some(given) = given {
            commands.push(StartedCommand {
                what,
                when: When::HealthCheck,
                given,
                spelling: Spelling::HealthcheckTest,
                location: location(test),
            });
        }
    }
    commands
}

/// A `command` or `entrypoint` as words: a list, or a string compose
/// splits; `None` when empty or when its program is not literal.
fn words_of(yaml: &Yaml, id: NodeId) -> Option<Vec<String>> {
    let words = match yaml.scalar(id) {
        Some(line) => split_words(line, '\\', false)
            .into_iter()
            .map(|(a, b)| unquote(&line[a..b], '\\'))
            .collect(),
        None => yaml.strings(id)?,
    };
    let first = words.first()?;
    (!first.contains('$')).then_some(words)
}
