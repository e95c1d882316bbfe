//! Files other than the Dockerfile that start processes in the image, each
//! judged against that image: a Procfile, supervisord's programs, uwsgi's
//! shell hooks, daemons and cron tasks, compose services and Kubernetes
//! containers.
//!
//! Every format is read by its own module into [`judge::StartedCommand`]s
//! — what runs, how (a command line for `/bin/sh -c`, an argv, words that
//! replace only the image's CMD) and where it is written — and one shared
//! judgement ([`judge::judge`]) decides each against the image:
//! [`target::TargetImage`], the final stage of the Dockerfile that builds
//! the application's image when one is judged, else the base manifest.
//! Whether a program is there is the Dockerfile checks' own question,
//! asked of that image state.
//!
//! Only the application's files are read, and not those whose name or
//! place says they serve something else (`docker-compose.dev.yml`,
//! `tests/`, `examples/`; see [`kind_of`]). A file that cannot be read
//! (too large, not UTF-8, malformed) is one DL804 and the scan goes on.
//! Nothing in these files is executed or expanded: a compose variable or
//! a supervisord `%(ENV_X)s` stays as written, and the command it feeds is
//! judged only when its program is literal.

mod account;
pub mod codes;
mod compose;
mod ini;
pub mod judge;
mod kubernetes;
mod procfile;
mod supervisord;
pub mod target;
mod text;
mod uwsgi;
mod yaml;

use std::path::{Path, PathBuf};

use serde::Serialize;

use crate::dockerfile::pick::names_another_purpose;
use crate::finding::Finding;
use crate::rules::RuleSet;
pub use target::{ImageDockerfile, TargetImage};
use text::Text;

/// The formats read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum StarterKind {
    Procfile,
    Supervisord,
    Uwsgi,
    Compose,
    Kubernetes,
}

impl StarterKind {
    pub fn as_str(self) -> &'static str {
        match self {
            StarterKind::Procfile => "Procfile",
            StarterKind::Supervisord => "supervisord configuration",
            StarterKind::Uwsgi => "uwsgi ini file",
            StarterKind::Compose => "compose file",
            StarterKind::Kubernetes => "Kubernetes manifest",
        }
    }
}

/// What a file's name says it may be; its text decides the ini dialects.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Candidate {
    Procfile,
    /// `*.ini`, `*.conf`: supervisord or uwsgi, by their sections.
    Ini,
    Compose,
    /// Any other `*.yaml`, `*.yml`: a Kubernetes manifest when it says so.
    Yaml,
}

/// What a check judges starter files against.
pub struct Judging<'b> {
    /// The run's rules, which word the findings.
    pub rules: &'b RuleSet,
    /// The application's image.
    pub app: TargetImage<'b>,
    /// The names the application's image goes by in a registry: the
    /// scanned roots' directory names, lower-cased.
    pub app_names: Vec<String>,
}

impl<'b> Judging<'b> {
    /// The image an `image:` reference runs, when distrolint judges it: a
    /// known base alone, or the application's image by its name.
    pub fn image_named(&self, reference: &str) -> Option<TargetImage<'b>> {
        if let Some(base) = crate::base::find_in(crate::dockerfile::builtin_bases(), reference) {
            return Some(TargetImage::new(base, None));
        }
        let without_digest = reference.split('@').next().unwrap_or(reference);
        let last = without_digest.rsplit('/').next().unwrap_or(without_digest);
        let name = last.split(':').next().unwrap_or(last).to_ascii_lowercase();
        self.app_names.contains(&name).then(|| self.app.clone())
    }
}

/// Files larger than this are refused unread: real ones are kilobytes,
/// and a rendered Helm chart of a large platform a few megabytes.
pub const MAX_BYTES: u64 = 16 * 1024 * 1024;

/// The starter format a file may be, by its name; `None` for other files
/// and for those whose name says they are for development, tests, CI or
/// examples (`Procfile.dev`, `uwsgi-local.ini`), which the image does not
/// run.
pub fn kind_of(path: &Path) -> Option<Candidate> {
    let name = path.file_name()?.to_str()?;
    if names_another_purpose(name) {
        return None;
    }
    let lower = name.to_ascii_lowercase();
    if name == "Procfile" {
        Some(Candidate::Procfile)
    } else if lower.ends_with(".ini") || lower.ends_with(".conf") {
        Some(Candidate::Ini)
    } else if compose::is_compose_name(name) {
        Some(Candidate::Compose)
    } else if lower.ends_with(".yaml") || lower.ends_with(".yml") {
        // A Helm chart's templates are not YAML until rendered.
        let in_templates = path
            .parent()
            .and_then(|p| p.file_name())
            .is_some_and(|d| d == "templates");
        (!in_templates).then_some(Candidate::Yaml)
    } else {
        None
    }
}

/// A file read for the commands it starts, as the report lists it.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct StarterFileRead {
    pub path: PathBuf,
    pub kind: StarterKind,
    /// What its commands were judged in (see [`TargetImage::label`]).
    pub judged_against: String,
}

/// What one starter file gave.
#[derive(Debug, Default)]
pub struct StarterAnalysis {
    pub findings: Vec<Finding>,
    /// `None` for a file that turned out not to be a starter (an ini file
    /// of some other program).
    pub read: Option<StarterFileRead>,
}

/// Reads and judges one file of the candidate kind. Never panics on any
/// input.
pub fn analyse(
    path: &Path,
    candidate: Candidate,
    bytes: &[u8],
    judging: &Judging<'_>,
) -> StarterAnalysis {
    let image = &judging.app;
    let rules = judging.rules;
    let Ok(text) = std::str::from_utf8(bytes) else {
        return match candidate {
            // An ini or YAML file of any program may be in another
            // encoding; a Procfile and a compose file are surely ours.
            Candidate::Ini | Candidate::Yaml => StarterAnalysis::default(),
            Candidate::Compose => unreadable(
                path,
                StarterKind::Compose,
                "it is not UTF-8 text".to_string(),
                judging,
            ),
            Candidate::Procfile => unreadable(
                path,
                StarterKind::Procfile,
                "it is not UTF-8 text".to_string(),
                judging,
            ),
        };
    };
    let text = Text::new(text);
    let (kind, commands) = match candidate {
        Candidate::Procfile => (StarterKind::Procfile, procfile::commands(&text)),
        Candidate::Ini if supervisord::is_supervisord(text.text) => {
            (StarterKind::Supervisord, supervisord::commands(&text))
        }
        Candidate::Ini if uwsgi::is_uwsgi(text.text) => {
            (StarterKind::Uwsgi, uwsgi::commands(&text))
        }
        Candidate::Ini => return StarterAnalysis::default(),
        Candidate::Compose => return read_yaml(path, &text, StarterKind::Compose, judging),
        Candidate::Yaml if kubernetes::may_be_manifest(text.text) => {
            return read_yaml(path, &text, StarterKind::Kubernetes, judging)
        }
        Candidate::Yaml => return StarterAnalysis::default(),
    };
    let findings = commands
        .iter()
        .filter_map(|command| judge::judge(rules, command, path, image))
        .collect();
    StarterAnalysis {
        findings,
        read: Some(StarterFileRead {
            path: path.to_path_buf(),
            kind,
            judged_against: image.label(),
        }),
    }
}

/// A compose file or Kubernetes manifest: each service or container is
/// judged in the image it runs.
fn read_yaml(
    path: &Path,
    text: &Text<'_>,
    kind: StarterKind,
    judging: &Judging<'_>,
) -> StarterAnalysis {
    let yaml = match yaml::Yaml::read(text) {
        Ok(yaml) => yaml,
        Err(error) => return unreadable(path, kind, error, judging),
    };
    let (commands, users) = match kind {
        StarterKind::Compose => {
            let services = compose::services(path, text, &yaml, judging);
            (services.commands, services.users)
        }
        _ => (kubernetes::commands(text, &yaml, judging), Vec::new()),
    };
    // A manifest of other software only: nothing of ours was read.
    if kind == StarterKind::Kubernetes && commands.is_empty() {
        return StarterAnalysis::default();
    }
    let mut judged_against: Vec<String> = commands.iter().map(|(_, image)| image.label()).collect();
    judged_against.sort();
    judged_against.dedup();
    let mut findings: Vec<Finding> = commands
        .iter()
        .filter_map(|(command, image)| judge::judge(judging.rules, command, path, image))
        .collect();
    findings.extend(
        users
            .iter()
            .filter_map(|(user, image)| account::judge(judging.rules, user, path, image)),
    );
    StarterAnalysis {
        findings,
        read: Some(StarterFileRead {
            path: path.to_path_buf(),
            kind,
            judged_against: if judged_against.is_empty() {
                "nothing: no service runs the application's image or a known base".to_string()
            } else {
                judged_against.join("; ")
            },
        }),
    }
}

/// DL804 for a file refused for its size, without reading it.
pub fn too_large(
    path: &Path,
    candidate: Candidate,
    size: u64,
    judging: &Judging<'_>,
) -> StarterAnalysis {
    let error = format!(
        "it is {size} bytes, more than the {} MiB distrolint reads of such a file",
        MAX_BYTES / (1024 * 1024)
    );
    match candidate {
        Candidate::Procfile => unreadable(path, StarterKind::Procfile, error, judging),
        Candidate::Compose => unreadable(path, StarterKind::Compose, error, judging),
        // Not read, so not told apart: an ini or YAML file of any program.
        Candidate::Ini | Candidate::Yaml => StarterAnalysis {
            findings: vec![unreadable_finding(
                path,
                "a configuration file",
                error,
                judging,
            )],
            read: None,
        },
    }
}

/// DL804 for a file of `kind` that cannot be read.
pub fn unreadable(
    path: &Path,
    kind: StarterKind,
    error: String,
    judging: &Judging<'_>,
) -> StarterAnalysis {
    StarterAnalysis {
        findings: vec![unreadable_finding(
            path,
            &format!("a {}", kind.as_str()),
            error,
            judging,
        )],
        read: Some(StarterFileRead {
            path: path.to_path_buf(),
            kind,
            judged_against: "nothing: it could not be read".to_string(),
        }),
    }
}

fn unreadable_finding(path: &Path, kind: &str, error: String, judging: &Judging<'_>) -> Finding {
    let values = [
        ("file", path.display().to_string()),
        ("kind", kind.to_string()),
        ("error", error),
    ];
    codes::finding(
        judging.rules,
        &codes::UNREADABLE,
        path,
        None,
        judging.app.base,
        None,
        &values,
    )
}
