//! Locales: which names `setlocale` accepts on an image.

use super::BaseImage;

impl BaseImage {
    /// Whether `setlocale` accepts `name` on the image. glibc builds only C
    /// and POSIX in; every other locale, C.UTF-8 included (glibc 2.35
    /// ships it as data, which Debian puts in libc-bin), must be compiled
    /// into the image. `""` is the locale the environment names: the
    /// image's `LANG`, else C. glibc compares codesets in a normalized form
    /// (lower case, letters and digits only: `UTF-8` is `utf8`).
    pub fn has_locale(&self, name: &str) -> bool {
        let name = match (name, &self.facts.lang) {
            ("", Some(lang)) => lang.as_str(),
            _ => name,
        };
        let normalized = normalized_locale(name);
        ["", "C", "POSIX"].contains(&normalized.as_str())
            || self
                .facts
                .locales
                .iter()
                .any(|l| normalized_locale(l) == normalized)
    }

    /// The locales the image has, as code spells them: "C, POSIX, C.UTF-8".
    pub fn locales_text(&self) -> String {
        let mut all = vec!["C".to_string(), "POSIX".to_string()];
        // Named as code spells it, not as the directory /usr/lib/locale/C.utf8.
        all.extend(self.facts.locales.iter().map(|l| match l.as_str() {
            "C.utf8" => "C.UTF-8".to_string(),
            _ => l.clone(),
        }));
        all.join(", ")
    }
}

fn normalized_locale(name: &str) -> String {
    let (rest, modifier) = match name.split_once('@') {
        Some((rest, modifier)) => (rest, Some(modifier)),
        None => (name, None),
    };
    let mut out = match rest.split_once('.') {
        Some((language, codeset)) => {
            let codeset: String = codeset
                .chars()
                .filter(char::is_ascii_alphanumeric)
                .map(|c| c.to_ascii_lowercase())
                .collect();
            format!("{language}.{codeset}")
        }
        None => rest.to_string(),
    };
    if let Some(modifier) = modifier {
        out.push('@');
        out.push_str(modifier);
    }
    out
}
