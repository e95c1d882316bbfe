//! DL710: an `ENV` naming a locale the base does not have.

use super::NativeCheck;
use crate::dockerfile::ast::{Args, Instruction, Keyword};
use crate::dockerfile::check::Checker;
use crate::dockerfile::image::ImageState;

pub const ENV_LOCALE_MISSING: NativeCheck = NativeCheck {
    code: "DL710",
    variants: &[],
    placeholders: &["variable", "locale", "locales", "suggestion"],
    templates: true,
};

/// The variables glibc reads a locale name from.
fn is_locale_variable(name: &str) -> bool {
    name == "LANG"
        || name == "LC_ALL"
        || name.strip_prefix("LC_").is_some_and(|category| {
            !category.is_empty() && category.chars().all(|c| c.is_ascii_uppercase())
        })
}

impl<'a> Checker<'a> {
    /// DL710 for each locale variable `instruction` (an ENV) sets to a
    /// locale the base lacks.
    pub(in crate::dockerfile) fn env_locale(
        &mut self,
        instruction: &Instruction,
        state: &ImageState<'a>,
    ) {
        let (Keyword::Env, Args::Pairs(pairs)) = (&instruction.keyword, &instruction.args) else {
            return;
        };
        for pair in pairs {
            if !is_locale_variable(&pair.key.text) {
                continue;
            }
            let Some(value) = pair.value.as_ref() else {
                continue;
            };
            let Some(locale) = state.expand(value) else {
                continue;
            };
            // An empty value means "not set": glibc looks further.
            if locale.is_empty() || self.base.has_locale(&locale) {
                continue;
            }
            let suggestion = if self.base.has_locale("C.UTF-8") {
                "C.UTF-8"
            } else {
                "C"
            };
            let values = [
                ("variable", pair.key.text.clone()),
                ("locale", locale.clone()),
                ("locales", self.base.locales_text()),
                ("suggestion", suggestion.to_string()),
            ];
            let finding = super::finding(
                self.rules,
                &ENV_LOCALE_MISSING,
                self.path,
                self.df.location(value.span),
                Some(self.base),
                None,
                &values,
            )
            .with_field("locale", locale);
            self.findings.push(finding);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::is_locale_variable;

    #[test]
    fn the_variables_glibc_reads() {
        for name in ["LANG", "LC_ALL", "LC_CTYPE", "LC_TIME", "LC_MESSAGES"] {
            assert!(is_locale_variable(name), "{name}");
        }
        for name in ["LANGUAGE", "LC_", "LC_all", "PYTHONIOENCODING"] {
            assert!(!is_locale_variable(name), "{name}");
        }
    }
}
