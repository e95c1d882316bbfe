//! Writing the files distrolint produces (`--output`, `--write-baseline`)
//! without writing through whatever the scanned tree put at that path.
//!
//! The default report path of the GitHub Action, `distrolint.sarif`, is in
//! the checked-out tree, so a pull request can commit it as a symlink to
//! any file the runner may write. Opening the path for writing would follow
//! the link and truncate that file. Instead the report goes to a new file
//! beside the target (created exclusively, so nothing existing is opened)
//! and is renamed over it; a target that is a symlink is refused, so the
//! attempt is visible rather than silently replaced.

use std::io::Write;
use std::path::{Path, PathBuf};

/// Replaces the file at `path` with `bytes`.
pub fn replace(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let replacement = Replacement::begin(path)?;
    match replacement
        .writer()
        .and_then(|mut file| file.write_all(bytes))
    {
        Ok(()) => replacement.commit(),
        Err(e) => {
            replacement.abandon();
            Err(e)
        }
    }
}

/// A report being written: a new file beside its target, renamed over the
/// target by [`Replacement::commit`] once complete, so that a report can be
/// written as it is rendered.
pub struct Replacement {
    target: PathBuf,
    temporary: PathBuf,
    file: std::fs::File,
}

impl Replacement {
    /// Starts replacing `path`; refuses a `path` that is a symbolic link.
    pub fn begin(path: &Path) -> std::io::Result<Replacement> {
        refuse_link(path)?;
        let (temporary, file) = create_beside(path)?;
        Ok(Replacement {
            target: path.to_path_buf(),
            temporary,
            file,
        })
    }

    /// A handle that writes into the new file.
    pub fn writer(&self) -> std::io::Result<std::fs::File> {
        self.file.try_clone()
    }

    /// Puts the written file in the target's place.
    pub fn commit(self) -> std::io::Result<()> {
        let renamed = self
            .file
            .sync_all()
            .and_then(|_| std::fs::rename(&self.temporary, &self.target));
        if renamed.is_err() {
            let _ = std::fs::remove_file(&self.temporary);
        }
        renamed
    }

    /// Leaves the target as it was.
    pub fn abandon(self) {
        let _ = std::fs::remove_file(&self.temporary);
    }
}

fn refuse_link(path: &Path) -> std::io::Result<()> {
    if let Ok(meta) = std::fs::symlink_metadata(path) {
        if meta.file_type().is_symlink() {
            return Err(std::io::Error::new(
                std::io::ErrorKind::AlreadyExists,
                "it is a symbolic link; distrolint does not write through links (remove it first)",
            ));
        }
    }
    Ok(())
}

/// A new file in `path`'s directory, under a name nobody else uses.
fn create_beside(path: &Path) -> std::io::Result<(PathBuf, std::fs::File)> {
    let name = path
        .file_name()
        .ok_or_else(|| std::io::Error::new(std::io::ErrorKind::InvalidInput, "not a file name"))?;
    let directory = match path.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent,
        _ => Path::new("."),
    };
    let mut attempt = 0u32;
    loop {
        let mut temporary_name = std::ffi::OsString::from(".");
        temporary_name.push(name);
        temporary_name.push(format!(".{}.{attempt}.tmp", std::process::id()));
        let temporary = directory.join(temporary_name);
        // `create_new` is O_CREAT|O_EXCL: a link planted at this name is
        // an error, never followed.
        match std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&temporary)
        {
            Ok(file) => return Ok((temporary, file)),
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists && attempt < 100 => {
                attempt += 1;
            }
            Err(e) => return Err(e),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_file_is_replaced_and_a_link_is_refused_with_its_target_untouched() {
        let dir = tempfile::tempdir().unwrap();
        let report = dir.path().join("report.sarif");
        std::fs::write(&report, "old").unwrap();
        replace(&report, b"new").unwrap();
        assert_eq!(std::fs::read_to_string(&report).unwrap(), "new");

        let victim = dir.path().join("victim");
        std::fs::write(&victim, "precious").unwrap();
        let link = dir.path().join("link.sarif");
        std::os::unix::fs::symlink(&victim, &link).unwrap();
        assert!(replace(&link, b"report").is_err());
        assert_eq!(std::fs::read_to_string(&victim).unwrap(), "precious");
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 3);
    }
}
