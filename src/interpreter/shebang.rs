//! The `#!` line, read the way the Linux kernel reads it
//! (`fs/binfmt_script.c`), so that what distrolint judges is what `execve`
//! will try to start.
//!
//! The kernel looks at the first 256 bytes of the file only (the rest of a
//! longer line is cut off), ends the interpreter at the first space, tab or
//! NUL, and passes everything after it — spaces included, trailing spaces and
//! tabs removed — as one single argument. Nothing else is split: a carriage
//! return stays part of the interpreter's name, which is why a script saved
//! with Windows line endings fails with "No such file or directory". A line
//! the kernel refuses (no interpreter, or an interpreter path cut off by the
//! 256-byte limit) is `None`: exec fails with "Exec format error" on every
//! image, which is not a matter of the base.

/// The bytes of a file the kernel reads for `#!` (`BINPRM_BUF_SIZE`).
pub const KERNEL_BUFFER: usize = 256;

/// What the kernel will start for a script.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Shebang {
    /// The interpreter path, exactly as the kernel will open it (lossily
    /// decoded for messages; a path that is not UTF-8 exists on no image).
    pub interpreter: String,
    /// The one optional argument, as the kernel passes it.
    pub argument: Option<String>,
}

impl Shebang {
    /// The line as it reads, for messages.
    pub fn line(&self) -> String {
        match &self.argument {
            Some(argument) => format!("#!{} {argument}", self.interpreter),
            None => format!("#!{}", self.interpreter),
        }
    }

    /// The program `env` is asked to find: the first word of the argument
    /// that is neither an option nor a `NAME=value` assignment. With `-S`
    /// env splits the argument itself; without it the whole argument is one
    /// program name, which only works when it has no spaces.
    pub fn env_program(&self) -> Option<&str> {
        let argument = self.argument.as_deref()?;
        argument
            .split([' ', '\t'])
            .filter(|w| !w.is_empty())
            .find(|w| !w.starts_with('-') && !w.contains('='))
    }
}

/// Parses the first bytes of a file; `None` when it is not a script the
/// kernel would start.
pub fn parse(head: &[u8]) -> Option<Shebang> {
    // The kernel's buffer is zeroed before the file is read into it, so a
    // short file reads as if padded with NULs.
    let mut buf = [0u8; KERNEL_BUFFER];
    let filled = head.len().min(KERNEL_BUFFER);
    buf[..filled].copy_from_slice(&head[..filled]);
    if &buf[..2] != b"#!" {
        return None;
    }
    let last = KERNEL_BUFFER - 1;
    let space_or_tab = |c: u8| c == b' ' || c == b'\t';
    let next_non_blank = |from: usize, to: usize| (from..to).find(|&i| !space_or_tab(buf[i]));
    let next_terminator =
        |from: usize, to: usize| (from..to).find(|&i| space_or_tab(buf[i]) || buf[i] == 0);

    let mut end = match buf.iter().position(|&c| c == b'\n') {
        Some(newline) => newline,
        None => {
            // No newline in the buffer: the line is cut. The kernel accepts
            // it only if the interpreter's name ends within the buffer.
            let name = next_non_blank(2, last)?;
            next_terminator(name, last)?;
            last
        }
    };
    while end > 2 && space_or_tab(buf[end - 1]) {
        end -= 1;
    }
    let name = next_non_blank(2, end)?;
    let separator = next_terminator(name, end);
    let interpreter = &buf[name..separator.unwrap_or(end)];
    let argument = separator
        .filter(|&s| buf[s] != 0)
        .and_then(|s| next_non_blank(s, end))
        .map(|start| {
            let argument = &buf[start..end];
            // Passed on as a C string: a NUL ends it.
            let cut = argument
                .iter()
                .position(|&c| c == 0)
                .unwrap_or(argument.len());
            String::from_utf8_lossy(&argument[..cut]).into_owned()
        });
    Some(Shebang {
        interpreter: String::from_utf8_lossy(interpreter).into_owned(),
        argument,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parsed(text: &[u8]) -> Option<(String, Option<String>)> {
        parse(text).map(|s| (s.interpreter, s.argument))
    }

    #[test]
    fn one_interpreter_and_at_most_one_argument() {
        assert_eq!(
            parsed(b"#!/bin/sh\necho hi\n"),
            Some(("/bin/sh".into(), None))
        );
        assert_eq!(
            parsed(b"#! /usr/bin/env  python3 -u \t\nprint()\n"),
            Some(("/usr/bin/env".into(), Some("python3 -u".into())))
        );
        assert_eq!(
            parsed(b"#!/usr/local/bin/python3.11"),
            Some(("/usr/local/bin/python3.11".into(), None))
        );
    }

    #[test]
    fn a_carriage_return_belongs_to_the_name() {
        assert_eq!(
            parsed(b"#!/usr/bin/python3\r\n"),
            Some(("/usr/bin/python3\r".into(), None))
        );
    }

    #[test]
    fn lines_the_kernel_refuses() {
        assert_eq!(parsed(b"#!\n"), None);
        assert_eq!(parsed(b"#!   \t\n"), None);
        assert_eq!(parsed(b"# comment\n"), None);
        assert_eq!(parsed(b"#"), None);
        // An interpreter path that runs past the buffer is cut off.
        let mut long = b"#!/".to_vec();
        long.extend(std::iter::repeat_n(b'a', 300));
        assert_eq!(parsed(&long), None);
    }

    #[test]
    fn a_long_argument_is_cut_at_the_buffer() {
        let mut line = b"#!/usr/bin/env ".to_vec();
        line.extend(std::iter::repeat_n(b'x', 400));
        let (interpreter, argument) = parsed(&line).unwrap();
        assert_eq!(interpreter, "/usr/bin/env");
        assert_eq!(
            argument.unwrap().len(),
            KERNEL_BUFFER - 1 - "#!/usr/bin/env ".len()
        );
    }

    #[test]
    fn env_finds_the_program_after_options_and_assignments() {
        let s = parse(b"#!/usr/bin/env -S PYTHONUNBUFFERED=1 python3 -u\n").unwrap();
        assert_eq!(s.env_program(), Some("python3"));
        let s = parse(b"#!/usr/bin/env\n").unwrap();
        assert_eq!(s.env_program(), None);
    }
}
