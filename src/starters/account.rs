//! DL805: the account a compose service runs as, against the image's
//! `/etc/passwd`.
//!
//! A `user` given by name is looked up in the image's own `/etc/passwd`
//! when the container starts; on a distroless base that file is fixed
//! (root, nobody, nonroot), so the `app` account a Debian image's
//! `RUN useradd app` made is not there. The judgement is DL711's, asked of
//! the image the service runs: the base's accounts, unless a step of the
//! Dockerfile copies an `/etc/passwd` in (then nothing is judged) or may
//! have written one (then it is a note that says which step).

use std::path::Path;

use super::codes::{finding, USER_ACCOUNT_MISSING};
use super::TargetImage;
use crate::dockerfile::image::Presence;
use crate::finding::{Finding, Location, Severity};

/// The `user` of one service, as written.
pub struct ServiceUser {
    /// "service `web`'s `user`".
    pub what: String,
    pub user: String,
    pub location: Location,
}

/// The finding for `user` in the file at `path`, run in `image`; `None`
/// when the account is there, is a number, or cannot be judged.
pub fn judge(user: &ServiceUser, path: &Path, image: &TargetImage<'_>) -> Option<Finding> {
    let name = user.user.split(':').next().unwrap_or_default();
    if name.is_empty() || name.bytes().all(|b| b.is_ascii_digit()) || name.contains('$') {
        return None;
    }
    if image.base.has_account(name) != Some(false) {
        return None;
    }
    let (severity, maybe) = match image.state.presence("/etc/passwd") {
        Presence::Missing => (None, String::new()),
        Presence::Maybe(step) | Presence::Unseen(step) => (
            Some(Severity::Info),
            format!(
                " — unless the step on {} writes an /etc/passwd that has it, which distrolint cannot see",
                image.dockerfile_line(step)
            ),
        ),
        _ => return None,
    };
    let accounts = &image.base.facts.accounts;
    let instead = accounts
        .iter()
        .find(|a| a.name == "nonroot")
        .or_else(|| accounts.iter().find(|a| a.uid != 0))?;
    let values = [
        ("what", user.what.clone()),
        ("user", user.user.clone()),
        ("name", name.to_string()),
        ("image", image.label()),
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
    Some(
        finding(
            &USER_ACCOUNT_MISSING,
            path,
            Some(user.location),
            image.base,
            None,
            severity,
            &values,
        )
        .with_field("user", user.user.clone()),
    )
}
