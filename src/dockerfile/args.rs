//! The arguments of one instruction, read the way BuildKit's line parsers
//! read them: builder flags first (`--name=value`), then per instruction a
//! JSON array or shell form (RUN, CMD, ENTRYPOINT, SHELL, `HEALTHCHECK CMD`),
//! whitespace-separated words (FROM, EXPOSE, and COPY/ADD/VOLUME unless
//! JSON), `key=value` pairs (ARG, ENV, LABEL), a nested instruction
//! (ONBUILD), or one string.
//!
//! What `docker build` would reject is recorded as a [`ParseError`] and the
//! instruction is kept with whatever could be read.

use super::ast::{Args, Command, Flag, Instruction, Keyword, Pair, ParseError, Word};
use super::logical::Logical;
use super::source::Span;
use super::words::{is_space, split_whitespace, split_words, unquote};

/// Reads the instruction that starts at logical offset `from`.
pub(super) fn instruction(
    logical: &Logical,
    from: usize,
    escape: char,
    errors: &mut Vec<ParseError>,
) -> Instruction {
    let text = logical.text.as_str();
    let start = skip_space(text, from);
    let name_end = text[start..]
        .find(is_space)
        .map_or(text.len(), |i| start + i);
    let name = logical.word(start, name_end);
    let keyword = Keyword::from_name(&name.text);
    let end = text.trim_end_matches(is_space).len().max(name_end);
    let after_name = skip_space(text, name_end).min(end);
    let (flags, mut args_start) = flags(logical, after_name, end, escape);
    if !accepts_flags(keyword) {
        // BuildKit rejects the flag (reported below); what follows reads
        // better with it, e.g. `CMD --port 8000` meant as arguments.
        args_start = after_name;
    }
    let reader = Reader {
        logical,
        start: args_start,
        end,
        escape,
    };
    let mut instruction = Instruction {
        keyword,
        name,
        flags,
        args: Args::None,
        heredocs: Vec::new(),
        span: logical.span(start, end),
    };
    instruction.args = reader.args(&instruction, errors);
    if !instruction.flags.is_empty() && !accepts_flags(keyword) {
        if let Some(flag) = instruction.flags.first() {
            errors.push(ParseError {
                message: format!(
                    "{} takes no flags: unknown flag: {}",
                    instruction.keyword_text(),
                    flag.name
                ),
                span: flag.span,
            });
        }
    }
    instruction
}

/// Instructions that take builder flags. The exact flag names change with
/// BuildKit releases, so only instructions that take none are checked.
fn accepts_flags(keyword: Keyword) -> bool {
    matches!(
        keyword,
        Keyword::From
            | Keyword::Run
            | Keyword::Copy
            | Keyword::Add
            | Keyword::Healthcheck
            | Keyword::Unknown
    )
}

fn skip_space(text: &str, from: usize) -> usize {
    let from = from.min(text.len());
    text[from..]
        .find(|c: char| !is_space(c))
        .map_or(text.len(), |i| from + i)
}

/// Leading `--flag[=value]` words; returns them and where the arguments
/// start. A bare `--` ends the flags.
fn flags(logical: &Logical, mut at: usize, end: usize, escape: char) -> (Vec<Flag>, usize) {
    let text = &logical.text[..end];
    let mut flags = Vec::new();
    while text[at..].starts_with("--") {
        let word_end = split_words(&text[at..], escape, false)
            .first()
            .map_or(text.len(), |&(_, e)| at + e);
        let word = &text[at..word_end];
        let next = skip_space(text, word_end);
        if word == "--" {
            return (flags, next);
        }
        let body = &word[2..];
        let (name, value) = match body.split_once('=') {
            Some((n, v)) => (n, Some(unquote(v, escape))),
            None => (body, None),
        };
        flags.push(Flag {
            name: name.to_ascii_lowercase(),
            value,
            span: logical.span(at, word_end),
        });
        at = next;
    }
    (flags, at)
}

/// The argument text of one instruction, `start..end` of the logical line.
struct Reader<'a> {
    logical: &'a Logical,
    start: usize,
    end: usize,
    escape: char,
}

/// What a `[`…`]` argument turned out to be.
enum Bracketed {
    Strings(Vec<Word>, Span),
    /// Valid JSON, but not only strings: BuildKit rejects it.
    NotStrings(Span),
    /// Not JSON: shell form.
    NotJson,
}

impl Reader<'_> {
    fn rest(&self) -> &str {
        &self.logical.text[self.start..self.end]
    }

    fn whole(&self) -> Word {
        self.logical.word(self.start, self.end)
    }

    fn error(&self, errors: &mut Vec<ParseError>, span: Span, message: String) {
        errors.push(ParseError { message, span });
    }

    fn args(&self, instruction: &Instruction, errors: &mut Vec<ParseError>) -> Args {
        let keyword = instruction.keyword;
        let name = instruction.keyword_text();
        let empty = self.rest().is_empty();
        let at_keyword = instruction.name.span;
        match keyword {
            Keyword::Run | Keyword::Cmd | Keyword::Entrypoint => match self.command(errors) {
                Some(command) => Args::Command(command),
                None => Args::None,
            },
            Keyword::Shell => match self.command(errors) {
                Some(Command::Exec { args, span }) if !args.is_empty() => {
                    Args::Command(Command::Exec { args, span })
                }
                Some(command) => {
                    let message = match &command {
                        Command::Exec { .. } => "SHELL requires at least one argument",
                        Command::Shell(_) => {
                            "SHELL requires the arguments to be in JSON form, e.g. SHELL [\"/bin/bash\", \"-c\"]"
                        }
                    };
                    self.error(errors, command.span(), message.to_string());
                    Args::Command(command)
                }
                None => {
                    self.error(
                        errors,
                        at_keyword,
                        "SHELL requires at least one argument".into(),
                    );
                    Args::None
                }
            },
            Keyword::Healthcheck => self.healthcheck(at_keyword, errors),
            Keyword::From => self.from(at_keyword, errors),
            Keyword::Onbuild => self.onbuild(at_keyword, errors),
            Keyword::Arg => self.pairs(&name, at_keyword, false, errors),
            Keyword::Env | Keyword::Label => self.pairs(&name, at_keyword, true, errors),
            Keyword::Copy | Keyword::Add | Keyword::Volume => {
                let minimum = if keyword == Keyword::Volume { 1 } else { 2 };
                self.list(&name, at_keyword, minimum, true, errors)
            }
            Keyword::Expose => self.list(&name, at_keyword, 1, false, errors),
            Keyword::Workdir | Keyword::User | Keyword::Maintainer | Keyword::Stopsignal => {
                if empty {
                    self.error(
                        errors,
                        at_keyword,
                        format!("{name} requires exactly one argument"),
                    );
                    Args::None
                } else {
                    Args::Text(self.whole())
                }
            }
            Keyword::Unknown => {
                self.error(
                    errors,
                    at_keyword,
                    format!(
                        "unknown instruction: {name} (if this line belongs to the instruction above, end that line with `{}`)",
                        self.escape
                    ),
                );
                if empty {
                    Args::None
                } else {
                    Args::Text(self.whole())
                }
            }
        }
    }

    /// JSON array or shell form; `None` when there is nothing.
    fn command(&self, errors: &mut Vec<ParseError>) -> Option<Command> {
        if self.rest().is_empty() {
            return None;
        }
        Some(match self.json() {
            Bracketed::Strings(args, span) => Command::Exec { args, span },
            Bracketed::NotStrings(span) => {
                self.error(
                    errors,
                    span,
                    "when using JSON array syntax, arrays must be comprised of strings only".into(),
                );
                Command::Shell(self.whole())
            }
            Bracketed::NotJson => Command::Shell(self.whole()),
        })
    }

    fn json(&self) -> Bracketed {
        let rest = self.rest();
        if !rest.starts_with('[') {
            return Bracketed::NotJson;
        }
        let span = self.logical.span(self.start, self.end);
        match serde_json::from_str::<serde_json::Value>(rest) {
            Ok(serde_json::Value::Array(items)) => {
                if items.iter().all(serde_json::Value::is_string) {
                    Bracketed::Strings(self.json_strings(rest), span)
                } else {
                    Bracketed::NotStrings(span)
                }
            }
            _ => Bracketed::NotJson,
        }
    }

    /// The strings of a JSON array already known to be valid, with spans.
    fn json_strings(&self, rest: &str) -> Vec<Word> {
        let bytes = rest.as_bytes();
        let mut words = Vec::new();
        let mut i = 1;
        while i < bytes.len() {
            match bytes[i] {
                b'"' => {
                    let mut j = i + 1;
                    while j < bytes.len() && bytes[j] != b'"' {
                        j += if bytes[j] == b'\\' { 2 } else { 1 };
                    }
                    let end = (j + 1).min(bytes.len());
                    let literal = rest.get(i..end).unwrap_or("");
                    words.push(Word {
                        text: serde_json::from_str::<String>(literal).unwrap_or_default(),
                        span: self.logical.span(self.start + i, self.start + end),
                    });
                    i = end;
                }
                b']' => break,
                _ => i += 1,
            }
        }
        words
    }

    fn healthcheck(&self, at_keyword: Span, errors: &mut Vec<ParseError>) -> Args {
        let rest = self.rest();
        let Some(&(first_start, first_end)) = split_whitespace(rest).first() else {
            self.error(
                errors,
                at_keyword,
                "HEALTHCHECK requires CMD or NONE".into(),
            );
            return Args::None;
        };
        let first = &rest[first_start..first_end];
        let after = skip_space(rest, first_end);
        if first.eq_ignore_ascii_case("none") {
            if after < rest.len() {
                self.error(
                    errors,
                    self.logical.span(self.start + after, self.end),
                    "HEALTHCHECK NONE takes no arguments".into(),
                );
            }
            return Args::Healthcheck(None);
        }
        if !first.eq_ignore_ascii_case("cmd") {
            self.error(
                errors,
                self.logical
                    .span(self.start + first_start, self.start + first_end),
                format!("unknown type {first:?} in HEALTHCHECK (try CMD)"),
            );
            return Args::None;
        }
        let inner = Reader {
            start: self.start + after,
            ..*self
        };
        match inner.command(errors) {
            Some(command) => Args::Healthcheck(Some(command)),
            None => {
                self.error(
                    errors,
                    at_keyword,
                    "HEALTHCHECK CMD requires a command".into(),
                );
                Args::None
            }
        }
    }

    fn from(&self, at_keyword: Span, errors: &mut Vec<ParseError>) -> Args {
        let words: Vec<Word> = split_whitespace(self.rest())
            .into_iter()
            .map(|(a, b)| self.logical.word(self.start + a, self.start + b))
            .collect();
        let has_as = words.len() >= 3 && words[1].text.eq_ignore_ascii_case("as");
        if !(words.len() == 1 || (words.len() == 3 && has_as)) {
            let span = match (words.first(), words.last()) {
                (Some(a), Some(b)) => a.span.to(b.span),
                _ => at_keyword,
            };
            self.error(
                errors,
                span,
                "FROM requires either one or three arguments: FROM image [AS name]".into(),
            );
        }
        let mut words = words.into_iter();
        let Some(image) = words.next() else {
            return Args::None;
        };
        let alias = if has_as { words.nth(1) } else { None };
        if let Some(alias) = &alias {
            if !valid_stage_name(&alias.text) {
                self.error(
                    errors,
                    alias.span,
                    format!(
                        "invalid name for build stage: {:?}, name can't start with a number or contain symbols",
                        alias.text
                    ),
                );
            }
        }
        Args::From { image, alias }
    }

    fn onbuild(&self, at_keyword: Span, errors: &mut Vec<ParseError>) -> Args {
        if self.rest().is_empty() {
            self.error(
                errors,
                at_keyword,
                "ONBUILD requires at least one argument".into(),
            );
            return Args::None;
        }
        let inner = instruction(self.logical, self.start, self.escape, errors);
        let problem = match inner.keyword {
            Keyword::Onbuild => Some("chaining ONBUILD via `ONBUILD ONBUILD` isn't allowed"),
            Keyword::From => Some("FROM isn't allowed as an ONBUILD trigger"),
            Keyword::Maintainer => Some("MAINTAINER isn't allowed as an ONBUILD trigger"),
            _ => None,
        };
        if let Some(problem) = problem {
            self.error(errors, inner.name.span, problem.to_string());
        }
        Args::Onbuild(Box::new(inner))
    }

    /// ARG (`NAME[=value]`…) or ENV/LABEL (`key=value`…, or the legacy
    /// `key value`).
    fn pairs(
        &self,
        name: &str,
        at_keyword: Span,
        legacy_form: bool,
        errors: &mut Vec<ParseError>,
    ) -> Args {
        let rest = self.rest();
        let words = split_words(rest, self.escape, false);
        if words.is_empty() {
            self.error(
                errors,
                at_keyword,
                format!("{name} requires at least one argument"),
            );
            return Args::None;
        }
        let word = |(a, b): (usize, usize)| self.logical.word(self.start + a, self.start + b);
        let (first_start, first_end) = words[0];
        if legacy_form && !rest[first_start..first_end].contains('=') {
            let value_start = skip_space(rest, first_end);
            if value_start >= rest.len() {
                self.error(
                    errors,
                    self.logical.span(self.start, self.end),
                    format!("{name} must have two arguments: {name} key=value"),
                );
            }
            let value = (value_start < rest.len()).then(|| word((value_start, rest.len())));
            return Args::Pairs(vec![Pair {
                key: word(words[0]),
                value,
            }]);
        }
        let mut pairs = Vec::new();
        for (a, b) in words {
            let text = &rest[a..b];
            match text.find('=') {
                Some(eq) => {
                    if eq == 0 {
                        self.error(
                            errors,
                            self.logical.span(self.start + a, self.start + b),
                            format!("{name} names can not be blank"),
                        );
                    }
                    pairs.push(Pair {
                        key: word((a, a + eq)),
                        value: Some(word((a + eq + 1, b))),
                    });
                }
                None if !legacy_form => pairs.push(Pair {
                    key: word((a, b)),
                    value: None,
                }),
                None => {
                    self.error(
                        errors,
                        self.logical.span(self.start + a, self.start + b),
                        format!("syntax error - can't find = in {text:?}. Must be of the form: name=value"),
                    );
                }
            }
        }
        Args::Pairs(pairs)
    }

    fn list(
        &self,
        name: &str,
        at_keyword: Span,
        minimum: usize,
        json_allowed: bool,
        errors: &mut Vec<ParseError>,
    ) -> Args {
        let (words, json) = match json_allowed.then(|| self.json()) {
            Some(Bracketed::Strings(words, _)) => (words, true),
            Some(Bracketed::NotStrings(span)) => {
                self.error(
                    errors,
                    span,
                    "when using JSON array syntax, arrays must be comprised of strings only".into(),
                );
                (self.whitespace_words(), false)
            }
            _ => (self.whitespace_words(), false),
        };
        if words.len() < minimum {
            let what = if minimum == 1 {
                "at least one argument".to_string()
            } else {
                format!("at least {minimum} arguments")
            };
            self.error(errors, at_keyword, format!("{name} requires {what}"));
        }
        Args::List { words, json }
    }

    fn whitespace_words(&self) -> Vec<Word> {
        split_whitespace(self.rest())
            .into_iter()
            .map(|(a, b)| self.logical.word(self.start + a, self.start + b))
            .collect()
    }
}

/// BuildKit's rule for `AS name`: a letter, then letters, digits, `-`, `_`,
/// `.` (compared in lower case).
pub fn valid_stage_name(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    let mut chars = lower.chars();
    chars.next().is_some_and(|c| c.is_ascii_lowercase())
        && chars.all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || "-_.".contains(c))
}
