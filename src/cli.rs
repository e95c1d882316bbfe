//! The command line, in two steps as ripgrep does it: clap parses and
//! validates flags into `Cli`, and `settings` turns them into what the scan
//! needs (a loaded base image, the paths, the report options).

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::options::{FailOn, Format, Scope};

#[derive(Debug, Parser)]
#[command(
    name = "distrolint",
    version,
    about = "Finds what will break when a Python application moves onto a distroless image",
    long_about = "distrolint reads an application and its installed packages without running them, \
                  and reports what will fail on the chosen distroless base image: native extensions \
                  whose libraries the image lacks, symbol versions newer than its C library, Python \
                  ABI mismatches, and (as rules grow) shell and program use.\n\n\
                  Exit status: 0 when nothing at or above --fail-on was found (or with --exit-zero), \
                  1 when something was, 2 on a usage or tool error."
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
    /// List the rules, test their examples, or print the rule-file schema.
    Rules(RulesArgs),
    /// Print a rule's documentation: what it finds, why it breaks, what to
    /// do instead.
    Explain {
        /// A rule code (`DL201`) or name (`shell-always`).
        code: String,
        /// Also load the rule files in DIR (repeatable).
        #[arg(long = "rules", value_name = "DIR")]
        rules: Vec<PathBuf>,
    },
}

#[derive(Debug, Args)]
pub struct CheckArgs {
    /// Files or directories to check: the application, a virtualenv, a
    /// site-packages directory, a `pip install -t` target. Default: `.`.
    #[arg(value_name = "PATH")]
    pub paths: Vec<PathBuf>,

    /// The base image: a name (`python3-debian12`), an alias, or an image
    /// reference (`gcr.io/distroless/python3-debian12:nonroot`). See
    /// `distrolint bases`. Default: the configuration's, else the one the
    /// final stage of the Dockerfiles among PATHs is built on, else
    /// python3-debian13.
    #[arg(long, value_name = "NAME", conflicts_with = "base_file")]
    pub base: Option<String>,

    /// A base image manifest file, as written by `distrolint bases import`.
    #[arg(long, value_name = "FILE")]
    pub base_file: Option<PathBuf>,

    /// The Dockerfile that builds the application's image (repeatable).
    /// Default: the Dockerfiles in each scanned directory and its
    /// `docker/`, `container/` and `deploy/`, except those named for
    /// another purpose (`Dockerfile.dev`, `test.Dockerfile`). They choose
    /// the base; with --base, they are judged as if their final stage were
    /// built on it. Other Dockerfiles are judged on the image their FROM
    /// names when a manifest describes it, and otherwise for syntax only.
    #[arg(long, value_name = "PATH")]
    pub dockerfile: Vec<PathBuf>,

    /// The Dockerfile stage the image is built from (`docker build
    /// --target`): its FROM picks the base, and it is the stage judged.
    /// Default: the last stage.
    #[arg(long, value_name = "STAGE")]
    pub target: Option<String>,

    /// Output format: `human`, `json` (docs/json-output.md), `sarif`
    /// (SARIF 2.1.0 for code scanning), `github` (workflow annotations) or
    /// `gitlab` (Code Quality report).
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub format: Format,

    /// Write the report to FILE instead of standard output.
    #[arg(short, long, value_name = "FILE")]
    pub output: Option<PathBuf>,

    /// The lowest severity that makes the exit status 1 (default: the
    /// configuration's `fail-on`, else `error`).
    #[arg(long, value_enum)]
    pub fail_on: Option<FailOn>,

    /// Exit 0 even when findings reach --fail-on (errors of distrolint
    /// itself still exit 2).
    #[arg(long)]
    pub exit_zero: bool,

    /// Print how many findings each code has instead of the findings
    /// (as text, or as JSON with --format json).
    #[arg(long)]
    pub statistics: bool,

    /// Which code to report on: the application's own (`app`), the
    /// installed distributions (`deps`), or both (the default).
    #[arg(long, value_enum)]
    pub scope: Option<Scope>,

    /// Report findings in test code too: test directories (`tests/`,
    /// `test/`, `testing/`), `test_*.py`, `*_test.py`, `conftest.py` and
    /// Django's `tests.py`, in the application and in installed
    /// distributions; and in the application's tooling: `setup.py`,
    /// `noxfile.py`, `docs/`, `examples/`, `ci/`, `.github/`, and web
    /// assets (`static/`, `node_modules/`). Without it they are left out
    /// and counted.
    #[arg(long)]
    pub include_tests: bool,

    /// Report only these codes, prefixes (`DL2`) or families (`shell`),
    /// comma-separated; replaces the configuration's `select`.
    #[arg(long, value_name = "CODES", value_delimiter = ',')]
    pub select: Option<Vec<String>>,

    /// Do not report these codes, prefixes or families, comma-separated;
    /// added to the configuration's `ignore`.
    #[arg(long, value_name = "CODES", value_delimiter = ',')]
    pub ignore: Vec<String>,

    /// Use this configuration file instead of looking for one
    /// (`[tool.distrolint]` in pyproject.toml, distrolint.toml or
    /// .distrolint.toml, from the first PATH upwards).
    #[arg(long, value_name = "FILE", conflicts_with = "isolated")]
    pub config: Option<PathBuf>,

    /// Ignore every configuration file.
    #[arg(long)]
    pub isolated: bool,

    /// For CI on untrusted code: a configuration found in the scanned tree
    /// may only add checks. Its keys that turn checks off or let findings
    /// pass (select, ignore, per-file-ignores, exclude, accept, scope other
    /// than all, fail-on = "never", base-file) and rules that suppress
    /// other codes are errors. --config FILE is still the user's own.
    #[arg(long)]
    pub strict_config: bool,

    /// Report only findings that this baseline (written by
    /// --write-baseline) does not account for.
    #[arg(long, value_name = "FILE")]
    pub baseline: Option<PathBuf>,

    /// Record the current findings as accepted in FILE, and report nothing.
    #[arg(long, value_name = "FILE", conflicts_with_all = ["baseline", "statistics"])]
    pub write_baseline: Option<PathBuf>,

    /// Report suppression comments that suppress nothing (DL910).
    #[arg(long)]
    pub report_unused_ignores: bool,

    /// Number of threads for the analysis (default: one per core). Output is
    /// the same for any number.
    #[arg(long, value_name = "N")]
    pub threads: Option<usize>,

    /// Load the rule files (`*.toml`) in DIR beside the built-in rules
    /// (repeatable; added to the configuration's `rules`). See
    /// docs/rules.md.
    #[arg(long = "rules", value_name = "DIR")]
    pub rules: Vec<PathBuf>,
}

#[derive(Debug, Args)]
pub struct BasesArgs {
    #[command(subcommand)]
    pub command: Option<BasesCommand>,
}

// `Import` carries every flag of the command; the enum is parsed once per
// run, so its size does not matter and boxing would only blur the derive.
#[allow(clippy::large_enum_variant)]
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
        /// The LANG the image sets (the distroless python images set
        /// C.UTF-8), which `setlocale(category, "")` takes. Default: none.
        #[arg(long, value_name = "LOCALE")]
        lang: Option<String>,
        /// The ENTRYPOINT the image's configuration sets, one word per
        /// use of the flag (the distroless python images: their
        /// interpreter). Default: none.
        #[arg(long = "entrypoint", value_name = "WORD", allow_hyphen_values = true)]
        entrypoint: Vec<String>,
        /// The USER the image's configuration sets, as written there
        /// (distroless: `0`). Default: none, which Docker runs as root.
        #[arg(long, value_name = "USER")]
        user: Option<String>,
        /// The WORKDIR the image's configuration sets (distroless: `/`).
        /// Default: none, which Docker takes as `/`.
        #[arg(long, value_name = "DIR")]
        workdir: Option<String>,
        /// A tag of the same image whose configuration sets another USER
        /// and WORKDIR over the same files, as TAG:USER:WORKDIR
        /// (distroless: `nonroot:65532:/home/nonroot`); repeatable.
        #[arg(long = "tag-variant", value_name = "TAG:USER:WORKDIR")]
        tag_variants: Vec<String>,
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

#[derive(Debug, Args)]
pub struct RulesArgs {
    #[command(subcommand)]
    pub command: RulesCommand,
}

#[derive(Debug, Subcommand)]
pub enum RulesCommand {
    /// Every rule: code, name, family, default severity, status, matcher.
    List {
        #[arg(long, value_enum, default_value_t = ListFormat::Text)]
        format: ListFormat,
        /// Also load the rule files in DIR (repeatable).
        #[arg(long = "rules", value_name = "DIR")]
        rules: Vec<PathBuf>,
    },
    /// Run every rule's `valid` and `invalid` examples (the built-in rules
    /// and those in each DIR); exit 1 if any fails.
    Test {
        /// Directories of rule files to load beside the built-in ones.
        #[arg(value_name = "DIR")]
        dirs: Vec<PathBuf>,
        /// The base the examples run on (default: python3-debian13).
        #[arg(long, value_name = "NAME")]
        base: Option<String>,
    },
    /// Print the JSON Schema of rule files (schema/rule.schema.json).
    Schema,
    /// Write one Markdown page per rule, and an index, to DIR (the
    /// repository's docs/rules is this output).
    Docs {
        #[arg(value_name = "DIR")]
        dir: PathBuf,
        /// Also load the rule files in DIR (repeatable).
        #[arg(long = "rules", value_name = "DIR")]
        rules: Vec<PathBuf>,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ListFormat {
    Text,
    Json,
}
