//! DL711: a `USER name` whose name the base's `/etc/passwd` lacks.
//!
//! Docker accepts any numeric uid, but a name is looked up in the image's
//! own `/etc/passwd` when the container starts (and for every RUN after the
//! USER), and the lookup fails with `unable to find user NAME: no matching
//! entries in passwd file`. The accounts come from the base's manifest (read
//! from the root filesystem the manifest was generated from); a manifest
//! that does not list them judges nothing. A COPY that puts an
//! `/etc/passwd` in the image replaces the base's, so nothing is judged
//! then either. Only the USER in effect when the container starts is
//! judged: an earlier one that a later USER replaces fails only the RUN
//! steps between them.

use super::check::Checker;
use super::codes::{self, USER_ACCOUNT_MISSING};
use super::image::{ImageState, Presence};
use crate::finding::Severity;

impl<'a> Checker<'a> {
    pub(super) fn user_account(&mut self, state: &ImageState<'a>) {
        // The base's own USER is numeric on every built-in image, and a
        // name it sets is the base's business.
        let Some((user, Some(span))) = state.user() else {
            return;
        };
        let name = user.split(':').next().unwrap_or_default();
        if name.is_empty() || name.bytes().all(|b| b.is_ascii_digit()) {
            return;
        }
        if self.base.has_account(name) != Some(false) {
            return;
        }
        let (severity, maybe) = match state.presence("/etc/passwd") {
            Presence::Missing => (None, String::new()),
            Presence::Maybe(step) | Presence::Unseen(step) => (
                Some(Severity::Info),
                format!(
                    " — unless the step on line {} writes an /etc/passwd that has it, which distrolint cannot see",
                    self.df.location(step).line
                ),
            ),
            _ => return,
        };
        let accounts = &self.base.facts.accounts;
        let Some(instead) = accounts
            .iter()
            .find(|a| a.name == "nonroot")
            .or_else(|| accounts.iter().find(|a| a.uid != 0))
        else {
            return;
        };
        let values = [
            ("user", user.to_string()),
            ("name", name.to_string()),
            (
                "accounts",
                accounts
                    .iter()
                    .map(|a| format!("{} ({})", a.name, a.uid))
                    .collect::<Vec<_>>()
                    .join(", "),
            ),
            ("instead", instead.name.clone()),
            ("instead-uid", instead.uid.to_string()),
            ("maybe", maybe),
        ];
        let finding = codes::finding(
            &USER_ACCOUNT_MISSING,
            self.path,
            self.df.location(span),
            Some(self.base),
            None,
            |rule| severity.unwrap_or(rule),
            &values,
        )
        .with_field("instruction", "USER")
        .with_field("user", user);
        self.findings.push(finding);
    }
}
