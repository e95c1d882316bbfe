//! DL805: the account a compose service runs as, against the image's
//! `/etc/passwd`.
//!
//! A `user` given by name is looked up in the image's own `/etc/passwd`
//! when the container starts; on a distroless base that file is fixed
//! (root, nobody, nonroot), so the `app` account a Debian image's
//! `RUN useradd app` made is not there. The judgement is DL711's
//! ([`missing_account`]), asked of the image the service runs.

use std::path::Path;

use super::codes::{finding, USER_ACCOUNT_MISSING};
use super::TargetImage;
use crate::dockerfile::missing_account;
use crate::finding::{Finding, Location};
use crate::rules::RuleSet;

/// The `user` of one service, as written.
pub struct ServiceUser {
    /// "service `web`'s `user`".
    pub what: String,
    pub user: String,
    pub location: Location,
}

/// The finding for `user` in the file at `path`, run in `image`; `None`
/// when the account is there, is a number, or cannot be judged.
pub fn judge(
    rules: &RuleSet,
    user: &ServiceUser,
    path: &Path,
    image: &TargetImage<'_>,
) -> Option<Finding> {
    let missing = missing_account(&user.user, image.base, &image.state)?;
    let mut values = vec![
        ("what", user.what.clone()),
        ("user", user.user.clone()),
        ("image", image.label()),
    ];
    values.extend(missing.values(|step| image.dockerfile_line(step)));
    Some(
        finding(
            rules,
            &USER_ACCOUNT_MISSING,
            path,
            Some(user.location),
            image.base,
            None,
            &values,
        )
        .with_severity_instead(missing.severity())
        .with_field("user", user.user.clone()),
    )
}
