//! Kubernetes manifests (one document or many, as `kubectl` and `helm
//! template` write them): the containers and init containers of a Pod,
//! Deployment, StatefulSet, DaemonSet, ReplicaSet, Job or CronJob.
//!
//! For each container: `command` replaces the image's ENTRYPOINT (its
//! `args`, or nothing, follow), so its program must be in the image;
//! `args` alone replaces only the CMD and is handed to the image's
//! ENTRYPOINT — the interpreter, on the distroless python images (DL803);
//! an `exec` probe is an argv run in the container (`["sh", "-c", …]` is
//! the classic failure).
//!
//! Which containers: those whose `image` names a known base (judged on
//! that base alone), and those whose image's name (the last part of its
//! repository) is the application's — the name of a scanned root directory
//! (`registry.example.com/team/shop:1.4` for a tree named `shop`). Other
//! images (redis, a log shipper sidecar) run other software and are not
//! judged. Helm chart templates (a file below `templates/`) are not YAML
//! until rendered and are not read; `helm template` output is.

use super::judge::{Given, Spelling, StartedCommand, When};
use super::text::Text;
use super::yaml::{NodeId, Yaml};
use super::{Judging, TargetImage};

/// Whether a YAML file's text may be a workload manifest, before parsing.
pub fn may_be_manifest(text: &str) -> bool {
    text.contains("apiVersion") && text.contains("containers")
}

/// The commands of the containers judged, each with its image.
pub fn commands<'j>(
    text: &Text<'_>,
    yaml: &Yaml,
    judging: &'j Judging<'j>,
) -> Vec<(StartedCommand, TargetImage<'j>)> {
    let mut found = Vec::new();
    for &document in &yaml.documents {
        let Some(kind) = yaml.get(document, "kind").and_then(|k| yaml.scalar(k)) else {
            continue;
        };
        let pod_path: &[&str] = match kind {
            "Pod" => &["spec"],
            "Deployment" | "StatefulSet" | "DaemonSet" | "ReplicaSet" | "Job" => {
                &["spec", "template", "spec"]
            }
            "CronJob" => &["spec", "jobTemplate", "spec", "template", "spec"],
            _ => continue,
        };
        let Some(pod) = yaml.at(document, pod_path) else {
            continue;
        };
        for list in ["initContainers", "containers"] {
            let Some(containers) = yaml.get(pod, list).and_then(|c| yaml.sequence(c)) else {
                continue;
            };
            for &container in containers {
                let Some(image) = yaml
                    .get(container, "image")
                    .and_then(|i| yaml.scalar(i))
                    .and_then(|i| judging.image_named(i))
                else {
                    continue;
                };
                let name = yaml
                    .get(container, "name")
                    .and_then(|n| yaml.scalar(n))
                    .unwrap_or("?");
                for command in container_commands(text, yaml, kind, name, container) {
                    found.push((command, image.clone()));
                }
            }
        }
    }
    found
}

fn container_commands(
    text: &Text<'_>,
    yaml: &Yaml,
    kind: &str,
    name: &str,
    container: NodeId,
) -> Vec<StartedCommand> {
    let location = |id: NodeId| {
        let (start, end) = yaml.span(id);
        text.location(start, end)
    };
    let literal = |words: Vec<String>| {
        words
            .first()
            .is_some_and(|first| !first.contains("$("))
            .then_some(words)
    };
    let mut commands = Vec::new();
    let command = yaml.get(container, "command");
    let args = yaml.get(container, "args");
    match (command, args) {
        (Some(id), _) => {
            if let Some(words) = yaml.strings(id).and_then(literal) {
                let at = yaml
                    .sequence(id)
                    .and_then(|s| s.first().copied())
                    .unwrap_or(id);
                commands.push(StartedCommand {
                    what: format!("{kind} container `{name}`'s `command`"),
                    when: When::Start,
                    given: Given::Argv(words),
                    spelling: Spelling::Field("command"),
                    location: location(at),
                });
            }
        }
        (None, Some(id)) => {
            if let Some(words) = yaml.strings(id).and_then(literal) {
                let at = yaml
                    .sequence(id)
                    .and_then(|s| s.first().copied())
                    .unwrap_or(id);
                commands.push(StartedCommand {
                    what: format!("{kind} container `{name}`'s `args`"),
                    when: When::Start,
                    given: Given::AfterEntrypoint {
                        words,
                        entrypoint_field: "command",
                    },
                    spelling: Spelling::Field("args"),
                    location: location(at),
                });
            }
        }
        (None, None) => {}
    }
    for (probe, when) in [
        ("livenessProbe", When::LivenessProbe),
        ("readinessProbe", When::ReadinessProbe),
        ("startupProbe", When::StartupProbe),
    ] {
        let Some(id) = yaml.at(container, &[probe, "exec", "command"]) else {
            continue;
        };
        if let Some(words) = yaml.strings(id).and_then(literal) {
            let at = yaml
                .sequence(id)
                .and_then(|s| s.first().copied())
                .unwrap_or(id);
            commands.push(StartedCommand {
                what: format!("{kind} container `{name}`'s {probe}"),
                when,
                given: Given::Argv(words),
                spelling: Spelling::Field("command"),
                location: location(at),
            });
        }
    }
    commands
}
