//! Dockerfile syntax: lines, parser directives, continuations, comments and
//! heredocs, following BuildKit's frontend (`dockerfile:1`).
//!
//! The reading order is BuildKit's: parser directives are recognised only
//! at the top (the first line that is not one ends them); an instruction's
//! first line loses its leading whitespace; a line ending in the escape
//! character (optionally followed by blanks) continues on the next one;
//! comment lines and empty lines inside a continued instruction are skipped;
//! after a RUN/COPY/ADD line that names heredocs, their bodies are read
//! verbatim, in order, up to each delimiter line. The arguments of each
//! instruction are read in [`super::args`].
//!
//! Nothing here panics or gives up: an error is recorded with its span and
//! parsing goes on with the next line, so one typo does not hide the rest of
//! the file from the checks.

use super::args;
use super::ast::{Directive, Dockerfile, Heredoc, Instruction, Keyword, ParseError};
use super::logical::Logical;
use super::source::{Source, Span};
use super::words::{is_space, split_words, unquote};

/// Parses a Dockerfile read from disk.
pub fn parse(bytes: &[u8]) -> Dockerfile {
    parse_source(Source::decode(bytes))
}

/// Parses Dockerfile text.
pub fn parse_str(text: &str) -> Dockerfile {
    parse_source(Source::new(text.to_string()))
}

fn parse_source(source: Source) -> Dockerfile {
    let lines = split_lines(source.text(), source.body_start());
    let mut parser = Parser {
        text: source.text(),
        lines: &lines,
        next: 0,
        escape: '\\',
        directives: Vec::new(),
        directives_done: false,
        errors: Vec::new(),
    };
    let instructions = parser.instructions();
    let (directives, escape, mut errors) = (parser.directives, parser.escape, parser.errors);
    check_structure(&instructions, &mut errors);
    errors.sort_by_key(|e| e.span.start);
    Dockerfile {
        source,
        directives,
        escape,
        instructions,
        errors,
    }
}

/// One physical line: its content (without `\r\n`) and where the next
/// begins.
#[derive(Debug, Clone, Copy)]
struct Line {
    start: usize,
    end: usize,
}

fn split_lines(text: &str, body_start: usize) -> Vec<Line> {
    let mut lines = Vec::new();
    let mut start = body_start.min(text.len());
    let bytes = text.as_bytes();
    while start < text.len() {
        let newline = memchr::memchr(b'\n', &bytes[start..]).map(|i| start + i);
        let mut end = newline.unwrap_or(text.len());
        while end > start && bytes[end - 1] == b'\r' {
            end -= 1;
        }
        lines.push(Line { start, end });
        start = newline.map_or(text.len(), |n| n + 1);
    }
    lines
}

struct Parser<'a> {
    text: &'a str,
    lines: &'a [Line],
    next: usize,
    escape: char,
    directives: Vec<Directive>,
    directives_done: bool,
    errors: Vec<ParseError>,
}

impl<'a> Parser<'a> {
    fn line_text(&self, line: Line) -> &'a str {
        self.text.get(line.start..line.end).unwrap_or("")
    }

    fn instructions(&mut self) -> Vec<Instruction> {
        let mut instructions = Vec::new();
        while self.next < self.lines.len() {
            let line = self.lines[self.next];
            self.next += 1;
            let raw = self.line_text(line);
            let trimmed = raw.trim_start();
            let lead = raw.len() - trimmed.len();
            self.directive(trimmed, Span::new(line.start, line.end));
            if trimmed.is_empty() || trimmed.starts_with('#') {
                continue;
            }
            let mut logical = Logical::default();
            let (content, mut continues) = self.trim_continuation(trimmed);
            logical.push(line.start + lead, content);
            let mut last = line;
            while continues && self.next < self.lines.len() {
                let line = self.lines[self.next];
                self.next += 1;
                last = line;
                let raw = self.line_text(line);
                let trimmed = raw.trim_start();
                if trimmed.is_empty() || trimmed.starts_with('#') {
                    continue;
                }
                let (content, more) = self.trim_continuation(raw);
                logical.push(line.start, content);
                continues = more;
            }
            let mut instruction = args::instruction(&logical, 0, self.escape, &mut self.errors);
            instruction.span = instruction.span.to(Span::new(line.start + lead, last.end));
            self.read_heredocs(&logical, &mut instruction);
            instructions.push(instruction);
        }
        if instructions.is_empty() {
            let end = self.text.len();
            self.errors.push(ParseError {
                message: "the file has no instructions (docker build needs at least a FROM)"
                    .to_string(),
                span: Span::new(end, end),
            });
        }
        instructions
    }

    /// Records `# name=value` while directives are still allowed.
    fn directive(&mut self, trimmed: &str, span: Span) {
        if self.directives_done {
            return;
        }
        let Some((name, value)) = directive_parts(trimmed) else {
            self.directives_done = true;
            return;
        };
        let name = name.to_ascii_lowercase();
        if !matches!(name.as_str(), "syntax" | "escape" | "check") {
            self.directives_done = true;
            return;
        }
        if self.directives.iter().any(|d| d.name == name) {
            self.errors.push(ParseError {
                message: format!("only one {name} parser directive can be used"),
                span,
            });
            return;
        }
        if name == "escape" {
            match value {
                "\\" => self.escape = '\\',
                "`" => self.escape = '`',
                other => self.errors.push(ParseError {
                    message: format!("invalid escape token '{other}' does not match ` or \\"),
                    span,
                }),
            }
        }
        self.directives.push(Directive {
            name,
            value: value.to_string(),
            span,
        });
    }

    /// Removes a trailing escape character (and blanks after it); says
    /// whether the instruction continues.
    fn trim_continuation<'s>(&self, line: &'s str) -> (&'s str, bool) {
        let without_blanks = line.trim_end_matches([' ', '\t']);
        match without_blanks.strip_suffix(self.escape) {
            Some(content) => (content, true),
            None => (line, false),
        }
    }

    /// Reads the bodies of the heredocs the instruction names.
    fn read_heredocs(&mut self, logical: &Logical, instruction: &mut Instruction) {
        let target = match &mut instruction.args {
            super::ast::Args::Onbuild(inner) => inner.as_mut(),
            _ => instruction as &mut Instruction,
        };
        if !target.keyword.takes_heredocs() || !logical.text.contains("<<") {
            return;
        }
        if matches!(
            target.args,
            super::ast::Args::Command(super::ast::Command::Exec { .. })
                | super::ast::Args::List { json: true, .. }
        ) {
            return;
        }
        let mut heredocs = Vec::new();
        let mut end = None;
        for (start, stop) in split_words(&logical.text, '\\', true) {
            let Some(marker) = heredoc_marker(&logical.text[start..stop]) else {
                continue;
            };
            let word = logical.span(start, stop);
            let body_start = self
                .lines
                .get(self.next)
                .map_or(self.text.len(), |l| l.start);
            let mut terminated = false;
            while self.next < self.lines.len() {
                let line = self.lines[self.next];
                self.next += 1;
                let mut candidate = self.line_text(line);
                if marker.chomp {
                    candidate = candidate.trim_start_matches('\t');
                }
                if candidate == marker.name {
                    let body_end = line.start;
                    heredocs.push(Heredoc {
                        name: marker.name.clone(),
                        expand: marker.expand,
                        chomp: marker.chomp,
                        word,
                        body: self.text[body_start..body_end].to_string(),
                        body_span: Span::new(body_start, body_end),
                    });
                    end = Some(line.end);
                    terminated = true;
                    break;
                }
            }
            if !terminated {
                let body_end = self.text.len();
                self.errors.push(ParseError {
                    message: format!(
                        "unterminated heredoc: no line `{}` ends it before the end of the file",
                        marker.name
                    ),
                    span: word,
                });
                heredocs.push(Heredoc {
                    name: marker.name,
                    expand: marker.expand,
                    chomp: marker.chomp,
                    word,
                    body: self.text[body_start.min(body_end)..body_end].to_string(),
                    body_span: Span::new(body_start, body_end),
                });
                end = Some(body_end);
                break;
            }
        }
        if let Some(end) = end {
            target.span = target.span.to(Span::new(target.span.start, end));
            instruction.span = instruction.span.to(Span::new(instruction.span.start, end));
            if let super::ast::Args::Onbuild(inner) = &mut instruction.args {
                inner.heredocs = heredocs;
                return;
            }
        }
        instruction.heredocs = heredocs;
    }
}

/// `# name = value` → (name, value), as the directive syntax allows.
fn directive_parts(line: &str) -> Option<(&str, &str)> {
    let rest = line.strip_prefix('#')?.trim_start();
    let name_end = rest
        .char_indices()
        .find(|&(i, c)| !(c.is_ascii_alphabetic() || (i > 0 && c.is_ascii_digit())))
        .map_or(rest.len(), |(i, _)| i);
    if name_end == 0 {
        return None;
    }
    let (name, after) = rest.split_at(name_end);
    let value = after.trim_start().strip_prefix('=')?.trim();
    if value.is_empty() {
        return None;
    }
    Some((name, value))
}

struct HeredocMarker {
    name: String,
    expand: bool,
    chomp: bool,
}

/// `[n]<<[-][ ]WORD` as one shell word (quotes allowed around WORD).
fn heredoc_marker(word: &str) -> Option<HeredocMarker> {
    let digits = word.bytes().take_while(u8::is_ascii_digit).count();
    let rest = word[digits..].strip_prefix("<<")?;
    let (chomp, rest) = match rest.strip_prefix('-') {
        Some(r) => (true, r),
        None => (false, rest),
    };
    let rest = rest.trim_start_matches(is_space);
    if rest.is_empty() || rest.contains('<') {
        return None;
    }
    let name = unquote(rest, '\\');
    if name.is_empty() {
        return None;
    }
    Some(HeredocMarker {
        expand: !rest.contains(['\'', '"']),
        name,
        chomp,
    })
}

/// What BuildKit rejects after parsing: instructions before the first FROM
/// other than ARG.
fn check_structure(instructions: &[Instruction], errors: &mut Vec<ParseError>) {
    for instruction in instructions {
        match instruction.keyword {
            Keyword::From => return,
            Keyword::Arg => {}
            _ => {
                errors.push(ParseError {
                    message: format!(
                        "{} before the first FROM: only ARG may come before it (\"no build stage in current context\")",
                        instruction.keyword_text()
                    ),
                    span: instruction.name.span,
                });
                return;
            }
        }
    }
    if let Some(last) = instructions.last() {
        errors.push(ParseError {
            message: "the file has no FROM, so there is no build stage".to_string(),
            span: last.name.span,
        });
    }
}

#[cfg(test)]
#[path = "parse_tests.rs"]
mod tests;
