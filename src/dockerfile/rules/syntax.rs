//! DL700: what the Dockerfile parser could not read.

use std::path::Path;

use super::NativeCheck;
use crate::base::BaseImage;
use crate::dockerfile::Dockerfile;
use crate::finding::Finding;
use crate::rules::RuleSet;

pub const SYNTAX: NativeCheck = NativeCheck {
    code: "DL700",
    variants: &["docker-frontend", "other-frontend"],
    placeholders: &["error", "more", "frontend"],
    templates: true,
};

/// At most this many DL700 findings per file: garbage named `Dockerfile`
/// should not flood the report.
const MAX_SYNTAX_FINDINGS: usize = 10;

/// DL700 for each error the parser met, up to `MAX_SYNTAX_FINDINGS`.
pub fn findings(
    rules: &RuleSet,
    path: &Path,
    df: &Dockerfile,
    base: Option<&BaseImage>,
) -> Vec<Finding> {
    let total = df.errors.len();
    // Another frontend (`# syntax=someone/else`) may accept what
    // `docker/dockerfile:1` does not.
    let other_frontend = df
        .directive("syntax")
        .map(|d| d.value.as_str())
        .filter(|v| !is_docker_frontend(v));
    let variant = match other_frontend {
        Some(_) => "other-frontend",
        None => "docker-frontend",
    };
    df.errors
        .iter()
        .take(MAX_SYNTAX_FINDINGS)
        .enumerate()
        .map(|(i, error)| {
            let more = if i + 1 == MAX_SYNTAX_FINDINGS && total > MAX_SYNTAX_FINDINGS {
                format!(
                    " ({} more errors after this one are not listed)",
                    total - MAX_SYNTAX_FINDINGS
                )
            } else {
                String::new()
            };
            let values = [
                ("error", error.message.clone()),
                ("more", more),
                ("frontend", other_frontend.unwrap_or_default().to_string()),
            ];
            super::finding(
                rules,
                &SYNTAX,
                path,
                df.location(error.span),
                base,
                Some(variant),
                &values,
            )
        })
        .collect()
}

/// `docker/dockerfile:1`, `docker.io/docker/dockerfile:1.7-labs`, … — the
/// frontend this parser follows.
fn is_docker_frontend(image: &str) -> bool {
    let image = image.split_whitespace().next().unwrap_or("");
    let image = image
        .strip_prefix("docker.io/")
        .or_else(|| image.strip_prefix("index.docker.io/"))
        .unwrap_or(image);
    image == "docker/dockerfile"
        || image.starts_with("docker/dockerfile:")
        || image.starts_with("docker/dockerfile@")
        || image.starts_with("docker/dockerfile-upstream")
}
