//! What a parsed Dockerfile is: directives, instructions with their flags and
//! arguments, heredocs, and the errors `docker build` would stop at.
//!
//! Every piece carries the byte span it was read from, so a finding can point
//! at the offending part. Texts are *logical*: a line continuation is removed
//! (`RUN a \` + `  b` reads `a   b`), while spans point into the file; a span
//! of a continued argument therefore covers the continuation characters too.

use super::source::{Source, Span};
use crate::finding::Location;

/// A parsed Dockerfile. Parsing never fails: what could not be read is in
/// `errors`, and everything else is still there to analyse.
#[derive(Debug, Clone)]
pub struct Dockerfile {
    pub source: Source,
    /// Parser directives from the top of the file (`# syntax=`, `# escape=`,
    /// `# check=`).
    pub directives: Vec<Directive>,
    /// The escape character: `\` unless `# escape=` says `` ` ``.
    pub escape: char,
    pub instructions: Vec<Instruction>,
    /// In file order. `docker build` stops at the first.
    pub errors: Vec<ParseError>,
}

impl Dockerfile {
    pub fn location(&self, span: Span) -> Location {
        self.source.location(span)
    }

    /// The text of the file at `span`.
    pub fn text(&self, span: Span) -> &str {
        let text = self.source.text();
        text.get(span.start..span.end.min(text.len())).unwrap_or("")
    }

    pub fn directive(&self, name: &str) -> Option<&Directive> {
        self.directives.iter().find(|d| d.name == name)
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Directive {
    /// Lower-case name (`syntax`, `escape`, `check`).
    pub name: String,
    pub value: String,
    /// The whole comment line.
    pub span: Span,
}

/// Something `docker build` rejects, at the place it would name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseError {
    pub message: String,
    pub span: Span,
}

/// A piece of text and where it came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Word {
    /// The logical text: continuations removed, JSON strings decoded; quotes
    /// of shell-like words kept (expansion removes them).
    pub text: String,
    pub span: Span,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Keyword {
    Add,
    Arg,
    Cmd,
    Copy,
    Entrypoint,
    Env,
    Expose,
    From,
    Healthcheck,
    Label,
    Maintainer,
    Onbuild,
    Run,
    Shell,
    Stopsignal,
    User,
    Volume,
    Workdir,
    /// Not an instruction BuildKit knows; `docker build` rejects it.
    Unknown,
}

impl Keyword {
    pub fn from_name(name: &str) -> Keyword {
        match name.to_ascii_lowercase().as_str() {
            "add" => Keyword::Add,
            "arg" => Keyword::Arg,
            "cmd" => Keyword::Cmd,
            "copy" => Keyword::Copy,
            "entrypoint" => Keyword::Entrypoint,
            "env" => Keyword::Env,
            "expose" => Keyword::Expose,
            "from" => Keyword::From,
            "healthcheck" => Keyword::Healthcheck,
            "label" => Keyword::Label,
            "maintainer" => Keyword::Maintainer,
            "onbuild" => Keyword::Onbuild,
            "run" => Keyword::Run,
            "shell" => Keyword::Shell,
            "stopsignal" => Keyword::Stopsignal,
            "user" => Keyword::User,
            "volume" => Keyword::Volume,
            "workdir" => Keyword::Workdir,
            _ => Keyword::Unknown,
        }
    }

    /// The canonical upper-case spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            Keyword::Add => "ADD",
            Keyword::Arg => "ARG",
            Keyword::Cmd => "CMD",
            Keyword::Copy => "COPY",
            Keyword::Entrypoint => "ENTRYPOINT",
            Keyword::Env => "ENV",
            Keyword::Expose => "EXPOSE",
            Keyword::From => "FROM",
            Keyword::Healthcheck => "HEALTHCHECK",
            Keyword::Label => "LABEL",
            Keyword::Maintainer => "MAINTAINER",
            Keyword::Onbuild => "ONBUILD",
            Keyword::Run => "RUN",
            Keyword::Shell => "SHELL",
            Keyword::Stopsignal => "STOPSIGNAL",
            Keyword::User => "USER",
            Keyword::Volume => "VOLUME",
            Keyword::Workdir => "WORKDIR",
            Keyword::Unknown => "UNKNOWN",
        }
    }

    /// RUN, COPY and ADD read heredocs (in shell form).
    pub fn takes_heredocs(self) -> bool {
        matches!(self, Keyword::Run | Keyword::Copy | Keyword::Add)
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Instruction {
    pub keyword: Keyword,
    /// The keyword as written (`run`, `Run`, `RUN`).
    pub name: Word,
    /// `--name[=value]` before the arguments (`RUN --mount=…`,
    /// `COPY --from=build`, `FROM --platform=…`, `HEALTHCHECK --interval=…`).
    pub flags: Vec<Flag>,
    pub args: Args,
    /// Bodies read after the line for `<<WORD` arguments, in order.
    pub heredocs: Vec<Heredoc>,
    /// From the keyword to the end of the last line, heredoc bodies included.
    pub span: Span,
}

impl Instruction {
    /// The keyword as the user wrote it, upper-cased.
    pub fn keyword_text(&self) -> String {
        self.name.text.to_ascii_uppercase()
    }

    pub fn flag(&self, name: &str) -> Option<&Flag> {
        self.flags.iter().find(|f| f.name == name)
    }

    /// The command of RUN, CMD, ENTRYPOINT, SHELL and `HEALTHCHECK CMD`.
    pub fn command(&self) -> Option<&Command> {
        match &self.args {
            Args::Command(command) | Args::Healthcheck(Some(command)) => Some(command),
            _ => None,
        }
    }

    /// The instruction an ONBUILD carries, or this one.
    pub fn triggered(&self) -> &Instruction {
        match &self.args {
            Args::Onbuild(inner) => inner,
            _ => self,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Flag {
    /// Without the dashes: `mount`, `from`, `platform`.
    pub name: String,
    /// Quotes removed; `None` for a bare `--link`.
    pub value: Option<String>,
    pub span: Span,
}

/// How RUN, CMD, ENTRYPOINT, SHELL and `HEALTHCHECK CMD` give their command.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Command {
    /// A JSON array of strings: run as given, no shell.
    Exec { args: Vec<Word>, span: Span },
    /// Anything else: Docker runs it with the SHELL in effect, by default
    /// `/bin/sh -c`.
    Shell(Word),
}

impl Command {
    pub fn span(&self) -> Span {
        match self {
            Command::Exec { span, .. } => *span,
            Command::Shell(word) => word.span,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Args {
    /// Nothing after the keyword (and flags).
    None,
    From {
        image: Word,
        /// The stage name after `AS`, as written.
        alias: Option<Word>,
    },
    /// RUN, CMD, ENTRYPOINT, SHELL.
    Command(Command),
    /// `HEALTHCHECK CMD …`, or `None` for `HEALTHCHECK NONE`.
    Healthcheck(Option<Command>),
    Onbuild(Box<Instruction>),
    /// ARG, ENV, LABEL: `key=value` pairs (or ENV's legacy `key value`).
    Pairs(Vec<Pair>),
    /// COPY, ADD, VOLUME, EXPOSE: the words, or the JSON array's strings.
    List {
        words: Vec<Word>,
        json: bool,
    },
    /// WORKDIR, USER, MAINTAINER, STOPSIGNAL, and unknown instructions.
    Text(Word),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pair {
    pub key: Word,
    /// Raw: quotes and `$VAR` still in it. `None` for `ARG NAME`.
    pub value: Option<Word>,
}

/// A here-document: `<<EOF`, `<<-EOF`, `<<"EOF"`, `3<<EOF`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Heredoc {
    /// The delimiter without quotes.
    pub name: String,
    /// `false` when the delimiter was quoted: no `$VAR` expansion in the body.
    pub expand: bool,
    /// `<<-`: leading tabs are removed from the body and the delimiter line.
    pub chomp: bool,
    /// The `<<WORD` in the instruction line.
    pub word: Span,
    /// The body as written, every line with its `\n`.
    pub body: String,
    pub body_span: Span,
}

impl Heredoc {
    /// The body as the build sees it (tabs chomped for `<<-`).
    pub fn content(&self) -> String {
        if !self.chomp {
            return self.body.clone();
        }
        self.body
            .split_inclusive('\n')
            .map(|line| line.trim_start_matches('\t'))
            .collect()
    }
}
