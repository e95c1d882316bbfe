//! Dockerfiles and Containerfiles: what breaks when the final stage runs on
//! a distroless base.
//!
//! The parser is our own. The crates on crates.io at the time of writing
//! (`dockerfile-parser` 0.9, a pest grammar; `dockerfile-parser-rs` 3.4)
//! read neither the `# escape=` directive nor heredocs in general (the
//! first has none, the second only a literal `<<EOF`), and the second keeps
//! no positions. BuildKit's frontend is the reference: [`parse`] reads
//! lines, directives, continuations and heredocs as it does, [`args`] the
//! arguments of each instruction, [`words`] words and `${VAR}` expansion.
//!
//! Module map:
//! - [`source`]: the file's text (invalid UTF-8 kept byte for byte) and
//!   positions;
//! - [`ast`]: the parsed Dockerfile, every piece with its byte span;
//! - [`parse`], [`args`], [`words`]: the parser;
//! - [`stages`]: stages, `ARG` substitution in `FROM`, the final stage's
//!   image and the base manifest that describes it.

pub mod args;
pub mod ast;
pub mod parse;
pub mod source;
pub mod stages;
pub mod words;

pub use ast::{Args, Command, Dockerfile, Heredoc, Instruction, Keyword, ParseError, Word};
pub use parse::{parse, parse_str};
pub use source::Span;
pub use stages::{choose_base, final_base, BaseChoice, ImageRef, Stages};
