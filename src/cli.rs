//! The command line, in two steps as ripgrep does it: clap parses and
//! validates flags into `Cli`, and `settings` turns them into what the scan
//! needs (a loaded base image, the paths, the report options).

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::report::Format;
use crate::scan::Scope;

#[derive(Debug, Parser)]
#[command(
    name = "distrolint",
    version,
    about = "Finds what will break when a Python application moves onto a distroless image",
    long_about = "distrolint reads an application and its installed packages without running them, \
                  and reports what will fail on the chosen distroless base image: native extensions \
                  whose libraries the image lacks, symbol versions newer than its C library, Python \
                  ABI mismatches, and (as rules grow) shell and program use.\n\n\
                  Exit status: 0 when nothing at or above --fail-on was found, 1 when something was, \
                  2 on a usage or tool error."
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Check an application and its installed packages against a base image.
    Check(CheckArgs),
    /// List, show or create base image manifests.
    Bases(BasesArgs),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, ValueEnum)]
pub enum FailOn {
    /// Fail only on errors (the default).
    Error,
    /// Fail on warnings and errors.
    Warning,
    /// Never fail because of findings.
    Never,
}

#[derive(Debug, Args)]
pub struct CheckArgs {
    /// Files or directories to check: the application, a virtualenv, a
    /// site-packages directory, a `pip install -t` target. Default: `.`.
    #[arg(value_name = "PATH")]
    pub paths: Vec<PathBuf>,

    /// The base image: a name (`python3-debian12`), an alias, or an image
    /// reference (`gcr.io/distroless/python3-debian12:nonroot`). See
    /// `distrolint bases`. Default: python3-debian13.
    #[arg(long, value_name = "NAME", conflicts_with = "base_file")]
    pub base: Option<String>,

    /// A base image manifest file, as written by `distrolint bases import`.
    #[arg(long, value_name = "FILE")]
    pub base_file: Option<PathBuf>,

    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub format: Format,

    /// The lowest severity that makes the exit status 1.
    #[arg(long, value_enum, default_value_t = FailOn::Error)]
    pub fail_on: FailOn,

    /// Which code to report on: the application's own (`app`), the
    /// installed distributions (`deps`), or both.
    #[arg(long, value_enum, default_value_t = Scope::All)]
    pub scope: Scope,

    /// Number of threads for the analysis (default: one per core). Output is
    /// the same for any number.
    #[arg(long, value_name = "N")]
    pub threads: Option<usize>,
}

#[derive(Debug, Args)]
pub struct BasesArgs {
    #[command(subcommand)]
    pub command: Option<BasesCommand>,
}

#[derive(Debug, Subcommand)]
pub enum BasesCommand {
    /// List the built-in base images (the default).
    List,
    /// Print one base image's manifest.
    Show {
        /// Name, alias or image reference.
        name: String,
        /// `toml` prints the manifest as stored; `summary` the key facts.
        #[arg(long, value_enum, default_value_t = ShowFormat::Summary)]
        format: ShowFormat,
    },
    /// Read a root filesystem (a directory, or a tar as `docker export`
    /// writes it) and write its manifest.
    Import {
        /// The root filesystem: a directory, a `.tar` or a `.tar.gz`.
        source: PathBuf,
        /// The manifest's name, used with --base.
        #[arg(long)]
        name: String,
        /// An image reference this manifest describes (repeatable).
        #[arg(long = "image", value_name = "REF")]
        images: Vec<String>,
        /// Another name accepted by --base (repeatable).
        #[arg(long = "alias", value_name = "NAME")]
        aliases: Vec<String>,
        /// A one-line description.
        #[arg(long, default_value = "")]
        summary: String,
        /// The PATH the image sets, colon-separated. Default: the one every
        /// distroless image sets.
        #[arg(long, value_name = "DIRS")]
        path: Option<String>,
        /// How the root filesystem was made, for the provenance record.
        #[arg(long)]
        method: Option<String>,
        /// Where to write the manifest (default: standard output).
        #[arg(short, long, value_name = "FILE")]
        output: Option<PathBuf>,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ShowFormat {
    Summary,
    Toml,
    Json,
}
