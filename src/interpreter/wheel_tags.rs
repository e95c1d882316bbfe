//! Which wheel tags a given CPython accepts, as pip decides when it picks a
//! wheel (PEP 425; the order of `packaging.tags.sys_tags`).
//!
//! Only the interpreter and ABI parts are judged here; the platform part
//! (manylinux, musllinux, architecture) is what the ELF checks see in the
//! extension files themselves.

/// The Python a tag is judged against: `minor` 11 and ABI `cp311` for
/// CPython 3.11.
#[derive(Debug, Clone)]
pub struct TargetPython {
    pub minor: u32,
    pub abi: String,
}

impl TargetPython {
    /// From the base's full version and extension tag
    /// (`3.11.2`, `cpython-311-x86_64-linux-gnu`).
    pub fn new(version: &str, soabi: &str) -> Option<TargetPython> {
        let mut parts = version.split('.');
        if parts.next()? != "3" {
            return None;
        }
        let minor = parts.next()?.parse().ok()?;
        let abi = soabi
            .strip_prefix("cpython-")
            .and_then(|rest| rest.split('-').next())
            .map(|digits| format!("cp{digits}"))
            .unwrap_or_else(|| format!("cp3{minor}"));
        Some(TargetPython { minor, abi })
    }

    /// Whether pip on this Python would install a wheel carrying `tag`.
    /// Compressed tag sets (`py2.py3-none-any`) match when any member does.
    pub fn accepts(&self, tag: &str) -> bool {
        let mut parts = tag.splitn(3, '-');
        let (Some(interpreters), Some(abis), Some(_platform)) =
            (parts.next(), parts.next(), parts.next())
        else {
            return false;
        };
        interpreters.split('.').any(|interpreter| {
            abis.split('.')
                .any(|abi| self.accepts_pair(interpreter, abi))
        })
    }

    fn accepts_pair(&self, interpreter: &str, abi: &str) -> bool {
        if let Some(version) = interpreter.strip_prefix("py") {
            // Generic tags: `py3`, or `py3Y` for this minor version and
            // older, with no ABI.
            return abi == "none"
                && (version == "3" || minor_of(version).is_some_and(|y| y <= self.minor));
        }
        let Some(y) = interpreter.strip_prefix("cp").and_then(minor_of) else {
            return false;
        };
        match abi {
            "abi3" => y <= self.minor,
            "none" => y == self.minor,
            abi => y == self.minor && abi == self.abi,
        }
    }
}

/// Whether `tag` has the shape of a wheel tag: three non-empty parts of
/// letters, digits, `_` and `.` (for compressed sets). Anything else in a
/// `WHEEL` file says nothing about the Python it was built for.
pub fn is_well_formed(tag: &str) -> bool {
    let parts: Vec<&str> = tag.split('-').collect();
    parts.len() == 3
        && parts.iter().all(|p| {
            !p.is_empty()
                && p.chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '.')
        })
}

/// `312` → 12; `3` or `27` → none (not a Python 3 minor version).
pub fn minor_of(version: &str) -> Option<u32> {
    let rest = version.strip_prefix('3')?;
    if rest.is_empty() {
        return None;
    }
    rest.parse().ok()
}

/// Why no tag of a wheel is accepted, for the finding's wording, with the
/// Python the wheel was built for (`3.12`) when it names one.
pub fn mismatch(tags: &[String], target: &TargetPython) -> (&'static str, String) {
    let pairs: Vec<(&str, &str)> = tags
        .iter()
        .filter_map(|t| {
            let mut p = t.splitn(3, '-');
            Some((p.next()?, p.next()?))
        })
        .collect();
    let cpython = |interpreter: &str| interpreter.strip_prefix("cp").and_then(minor_of);
    if let Some(y) = pairs
        .iter()
        .filter(|(_, abi)| *abi == "abi3")
        .filter_map(|(i, _)| cpython(i))
        .min()
    {
        if y > target.minor {
            return ("abi3-too-new", format!("3.{y}"));
        }
    }
    let python_two = |i: &str| i.starts_with("py2") || i.starts_with("cp2");
    if !pairs.is_empty() && pairs.iter().all(|(i, _)| i.split('.').all(python_two)) {
        return ("python2", "2".to_string());
    }
    let version = pairs
        .iter()
        .find_map(|(i, _)| cpython(i).or_else(|| i.strip_prefix("py").and_then(minor_of)));
    match version {
        Some(y) => ("other-version", format!("3.{y}")),
        None => ("other-implementation", String::new()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn py311() -> TargetPython {
        TargetPython::new("3.11.2", "cpython-311-x86_64-linux-gnu").unwrap()
    }

    #[test]
    fn what_pip_on_cpython_311_installs() {
        let t = py311();
        for tag in [
            "py3-none-any",
            "py2.py3-none-any",
            "py38-none-any",
            "cp311-cp311-manylinux_2_17_x86_64",
            "cp38-abi3-manylinux_2_28_x86_64",
            "cp311-none-linux_x86_64",
        ] {
            assert!(t.accepts(tag), "{tag}");
        }
        for tag in [
            "cp312-cp312-manylinux_2_17_x86_64",
            "cp312-abi3-manylinux_2_17_x86_64",
            "py312-none-any",
            "py2-none-any",
            "cp313-cp313t-manylinux_2_17_x86_64",
            "cp311-cp311d-linux_x86_64",
            "pp310-pypy310_pp73-manylinux_2_17_x86_64",
            "cp312-none-any",
            "garbage",
        ] {
            assert!(!t.accepts(tag), "{tag}");
        }
    }

    #[test]
    fn free_threaded_bases_want_their_own_abi() {
        let t = TargetPython::new("3.13.1", "cpython-313t-x86_64-linux-gnu").unwrap();
        assert!(t.accepts("cp313-cp313t-manylinux_2_17_x86_64"));
        assert!(!t.accepts("cp313-cp313-manylinux_2_17_x86_64"));
    }

    #[test]
    fn mismatches_are_named() {
        let t = py311();
        let tags = |list: &[&str]| list.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert_eq!(
            mismatch(&tags(&["cp312-cp312-manylinux_2_17_x86_64"]), &t),
            ("other-version", "3.12".into())
        );
        assert_eq!(
            mismatch(&tags(&["cp312-abi3-manylinux_2_17_x86_64"]), &t),
            ("abi3-too-new", "3.12".into())
        );
        assert_eq!(
            mismatch(&tags(&["py2-none-any"]), &t),
            ("python2", "2".into())
        );
        assert!(!is_well_formed("---"));
        assert!(!is_well_formed("cp311-cp311"));
        assert!(is_well_formed("py2.py3-none-any"));
        assert_eq!(
            mismatch(&tags(&["pp310-pypy310_pp73-linux_x86_64"]), &t).0,
            "other-implementation"
        );
    }
}
