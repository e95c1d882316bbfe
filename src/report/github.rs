//! `--format github`: GitHub Actions workflow commands, one per finding, so
//! that a workflow step annotates the pull request without uploading
//! anything.
//!
//! `::error file=app/x.py,line=10,col=5,title=DL201::message`. The runner
//! parses these lines itself, so values are escaped as it expects: `%`,
//! carriage return and newline everywhere, and also `:` and `,` in the
//! properties. Native-library findings have no line and annotate the file.
//!
//! Before that, scanned text is escaped for display (`report::escape`): the
//! runner's own escapes keep a value on its line, but an ESC or a bidi
//! override would still reach the log viewer raw.

use std::io::{self, Write};

use super::escape::display;
use super::ReportInput;
use crate::finding::Severity;

fn command(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "notice",
    }
}

/// Escapes a command's message.
pub fn escape_data(text: &str) -> String {
    text.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// Escapes a property value (`file=`, `title=`).
pub fn escape_property(text: &str) -> String {
    escape_data(text).replace(':', "%3A").replace(',', "%2C")
}

pub fn render(input: &ReportInput, out: &mut dyn Write) -> io::Result<()> {
    for finding in input.findings {
        let mut properties = vec![format!(
            "file={}",
            escape_property(&display(&input.path(finding)))
        )];
        if let Some(location) = finding.location {
            properties.push(format!("line={}", location.line));
            properties.push(format!("col={}", location.column));
        }
        properties.push(format!(
            "title={}",
            escape_property(&display(&finding.code))
        ));
        writeln!(
            out,
            "::{} {}::{}",
            command(finding.severity),
            properties.join(","),
            escape_data(&format!(
                "{}\nhelp: {}",
                display(&finding.message),
                display(&finding.help)
            ))
        )?;
    }
    for line in input.gate.weakenings() {
        writeln!(
            out,
            "::warning title=distrolint gate::{}",
            escape_data(&line)
        )?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn runner_syntax_is_escaped() {
        assert_eq!(escape_data("50% done\nnext"), "50%25 done%0Anext");
        assert_eq!(escape_property("a:b,c"), "a%3Ab%2Cc");
    }
}
