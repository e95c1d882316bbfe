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
//!
//! The judgement itself ([`missing_account`]) is shared with DL805, a
//! compose service's `user`, which runs into the same lookup.

use super::NativeCheck;
use crate::base::BaseImage;
use crate::dockerfile::check::Checker;
use crate::dockerfile::image::{ImageState, Presence};
use crate::dockerfile::source::Span;
use crate::finding::Severity;

pub const USER_ACCOUNT_MISSING: NativeCheck = NativeCheck {
    code: "DL711",
    variants: &[],
    placeholders: &[
        "user",
        "name",
        "accounts",
        "instead",
        "instead-uid",
        "maybe",
    ],
    templates: true,
};

/// A user, named as USER or compose's `user` write it (`name[:group]`),
/// whose account the image's `/etc/passwd` may lack.
pub(crate) struct MissingAccount {
    pub name: String,
    /// The step that may write an `/etc/passwd` distrolint cannot see:
    /// then it is a note, not an error.
    pub unless: Option<Span>,
    /// The base's accounts, `root (0), nobody (65534), …`.
    pub accounts: String,
    /// The account to use instead, and its uid.
    pub instead: (String, u32),
}

impl MissingAccount {
    /// The severity the rule's own is lowered to, if any.
    pub fn severity(&self) -> Option<Severity> {
        self.unless.map(|_| Severity::Info)
    }

    /// The placeholders both rules fill alike; `step_line` words where the
    /// step that may write `/etc/passwd` is.
    pub fn values(&self, step_line: impl Fn(Span) -> String) -> [(&'static str, String); 5] {
        let maybe = self
            .unless
            .map(|step| {
                format!(
                    " — unless the step on {} writes an /etc/passwd that has it, which distrolint cannot see",
                    step_line(step)
                )
            })
            .unwrap_or_default();
        [
            ("name", self.name.clone()),
            ("accounts", self.accounts.clone()),
            ("instead", self.instead.0.clone()),
            ("instead-uid", self.instead.1.to_string()),
            ("maybe", maybe),
        ]
    }
}

/// Whether `user` names an account that `base`, in the image `state`
/// describes, does not have; `None` for a numeric uid, an account the base
/// has, an `/etc/passwd` the Dockerfile copies in, or a base whose
/// manifest lists no accounts.
pub(crate) fn missing_account(
    user: &str,
    base: &BaseImage,
    state: &ImageState<'_>,
) -> Option<MissingAccount> {
    let name = user.split(':').next().unwrap_or_default();
    if name.is_empty() || name.bytes().all(|b| b.is_ascii_digit()) || name.contains('$') {
        return None;
    }
    if base.has_account(name) != Some(false) {
        return None;
    }
    let unless = match state.presence("/etc/passwd") {
        Presence::Missing => None,
        Presence::Maybe(step) | Presence::Unseen(step) => Some(step),
        _ => return None,
    };
    let accounts = &base.facts.accounts;
    let instead = accounts
        .iter()
        .find(|a| a.name == "nonroot")
        .or_else(|| accounts.iter().find(|a| a.uid != 0))?;
    Some(MissingAccount {
        name: name.to_string(),
        unless,
        accounts: accounts
            .iter()
            .map(|a| format!("{} ({})", a.name, a.uid))
            .collect::<Vec<_>>()
            .join(", "),
        instead: (instead.name.clone(), instead.uid),
    })
}

impl<'a> Checker<'a> {
    pub(in crate::dockerfile) fn user_account(&mut self, state: &ImageState<'a>) {
        // The base's own USER is numeric on every built-in image, and a
        // name it sets is the base's business.
        let Some((user, Some(span))) = state.user() else {
            return;
        };
        let Some(missing) = missing_account(user, self.base, state) else {
            return;
        };
        let df = self.df;
        let mut values = vec![("user", user.to_string())];
        values.extend(missing.values(|step| format!("line {}", df.location(step).line)));
        let finding = super::finding(
            self.rules,
            &USER_ACCOUNT_MISSING,
            self.path,
            self.df.location(span),
            Some(self.base),
            None,
            &values,
        )
        .with_severity_instead(missing.severity())
        .with_field("instruction", "USER")
        .with_field("user", user);
        self.findings.push(finding);
    }
}
