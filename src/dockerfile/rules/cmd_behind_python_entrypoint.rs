//! DL709: an exec-form CMD handed to the base's own Python ENTRYPOINT.
//!
//! The distroless and Chainguard python images set their interpreter as
//! the image's ENTRYPOINT. A Dockerfile that sets none of its own hands its
//! exec-form CMD to that interpreter, whose first argument is a script
//! file: `CMD ["gunicorn", "app:app"]` runs `python3.13 gunicorn app:app`,
//! and Python stops when WORKDIR holds no file named `gunicorn`.

use super::commands::{is_python, is_shell};
use super::NativeCheck;
use crate::dockerfile::ast::Command;
use crate::dockerfile::check::{Checker, Dispatched};
use crate::dockerfile::image::{ImageState, Presence};
use crate::finding::Severity;

pub const CMD_BEHIND_PYTHON_ENTRYPOINT: NativeCheck = NativeCheck {
    code: "DL709",
    variants: &[
        "python",
        "python-tool",
        "python-tool-on-path",
        "shell",
        "script",
    ],
    placeholders: &[
        "cmd",
        "entrypoint",
        "runs",
        "first",
        "script",
        "maybe",
        "suggestion",
    ],
    templates: true,
};

impl<'a> Checker<'a> {
    /// DL709 for `cmd`, the final image's CMD, when the stages set no
    /// ENTRYPOINT and the base's runs Python.
    pub(in crate::dockerfile) fn cmd_behind_base_entrypoint(
        &mut self,
        cmd: &Dispatched<'_>,
        state: &ImageState<'a>,
    ) {
        let [entrypoint] = self.base.facts.entrypoint.as_slice() else {
            return;
        };
        if !is_python(entrypoint) {
            return;
        }
        let Command::Exec { args, .. } = cmd.command else {
            return;
        };
        let Some(first) = args.first() else {
            return;
        };
        let Some(word) = state.expand(first) else {
            return;
        };
        // `-m`, `-c`, `-u`: options of Python itself.
        if word.is_empty() || word.starts_with('-') {
            return;
        }
        let relative = if word.contains('/') {
            word.clone()
        } else {
            format!("./{word}")
        };
        let (severity, maybe) = match state.presence(&relative) {
            Presence::Missing => (None, String::new()),
            Presence::Maybe(span) | Presence::Unseen(span) => (
                Some(Severity::Info),
                format!(
                    " — unless the step on line {} puts it there, which distrolint cannot see",
                    self.df.location(span).line
                ),
            ),
            _ => return,
        };
        let Some(script) = state.absolute(&word) else {
            return;
        };
        let name = word.rsplit('/').next().unwrap_or(&word);
        let rest: Vec<String> = args[1..].iter().map(|w| w.text.clone()).collect();
        let (variant, suggestion) = if is_python(name) {
            ("python", json_list(rest.iter().map(String::as_str)))
        } else if is_shell(name) {
            ("shell", String::new())
        } else if !word.contains('/') && !word.ends_with(".py") {
            let module = name.replace('-', "_");
            let words = ["-m", module.as_str()]
                .into_iter()
                .chain(rest.iter().map(String::as_str));
            // Only a program the image has can be proposed as the
            // ENTRYPOINT: one the stages copy onto PATH.
            let variant = match state.presence(&word) {
                Presence::OnImage | Presence::Copied(_) => "python-tool-on-path",
                _ => "python-tool",
            };
            (variant, json_list(words))
        } else {
            ("script", String::new())
        };
        let all: Vec<String> = args.iter().map(|w| w.text.clone()).collect();
        let values = [
            ("cmd", json_list(all.iter().map(String::as_str))),
            ("entrypoint", entrypoint.clone()),
            ("runs", all.join(" ")),
            ("first", word.clone()),
            ("script", script),
            ("maybe", maybe),
            ("suggestion", suggestion),
        ];
        let finding = super::finding(
            self.rules,
            &CMD_BEHIND_PYTHON_ENTRYPOINT,
            self.path,
            self.df.location(first.span),
            Some(self.base),
            Some(variant),
            &values,
        )
        .with_severity_instead(severity)
        .with_field("instruction", cmd.instruction.keyword_text())
        .with_field("stage", cmd.stage.as_str())
        .with_field("program", word);
        self.findings.push(finding);
    }
}

/// `["a", "b"]`, as a Dockerfile's exec form writes it.
fn json_list<'w>(words: impl Iterator<Item = &'w str>) -> String {
    serde_json::to_string(&words.collect::<Vec<_>>()).unwrap_or_default()
}
