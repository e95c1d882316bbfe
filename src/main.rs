//! The `distrolint` binary: parse the command line, run, print, exit.
//!
//! Only this file prints to the terminal, writes the report, or chooses the
//! exit status: 0 nothing at or above `--fail-on` (or `--exit-zero`), 1
//! something is, 2 usage or tool error.
//! A closed pipe (`distrolint check | head`) ends output quietly.

use std::cell::RefCell;
use std::io::{self, IsTerminal, Write};
use std::process::ExitCode;

use clap::Parser;
use miette::Report;

use distrolint::cli::{BasesCommand, Cli, Command};
use distrolint::report::escape::display_lines;
use distrolint::{base_import, settings, Outcome};

fn main() -> ExitCode {
    // Errors are escaped before they are written (see below), which would
    // mangle miette's own colour sequences; they are written without colour.
    let _ = miette::set_hook(Box::new(|_| {
        Box::new(miette::MietteHandlerOpts::new().color(false).build())
    }));
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(err) => {
            // --help and --version are not errors.
            let code = if err.use_stderr() { 2 } else { 0 };
            let _ = err.print();
            return ExitCode::from(code);
        }
    };
    match run(cli) {
        Ok(status) => ExitCode::from(status),
        Err(report) => {
            if is_broken_pipe(&report) {
                return ExitCode::SUCCESS;
            }
            // An error may quote the scanned tree (a path, a line of a
            // configuration file found there): no control character of it
            // reaches the CI log or the terminal raw.
            let text = format!("{report:?}");
            eprintln!("{}", display_lines(&text));
            ExitCode::from(2)
        }
    }
}

fn is_broken_pipe(report: &Report) -> bool {
    report
        .downcast_ref::<io::Error>()
        .is_some_and(|e| e.kind() == io::ErrorKind::BrokenPipe)
}

/// A write that hit a closed pipe is not an error; every other failure is.
fn finish_write(result: io::Result<()>) -> miette::Result<()> {
    match result {
        Err(err) if err.kind() == io::ErrorKind::BrokenPipe => Ok(()),
        other => other.map_err(|e| miette::miette!("cannot write the report: {e}")),
    }
}

fn run(cli: Cli) -> miette::Result<u8> {
    match cli.command {
        Command::Check(args) => {
            let to_terminal = args.output.is_none() && io::stdout().is_terminal();
            let color = to_terminal && std::env::var_os("NO_COLOR").is_none();
            let settings = settings::CheckSettings::from_args(args, color)?;
            // A report file is written beside its path and renamed into
            // place once complete (see output_file): never through a link
            // the scanned tree planted there.
            let replacement: RefCell<Option<distrolint::output_file::Replacement>> =
                RefCell::new(None);
            let output = settings.output.clone();
            let mut open = || -> miette::Result<Box<dyn Write>> {
                Ok(match &output {
                    Some(path) => {
                        let started = distrolint::output_file::Replacement::begin(path)
                            .map_err(|e| miette::miette!("cannot write {}: {e}", path.display()))?;
                        let file = started
                            .writer()
                            .map_err(|e| miette::miette!("cannot write {}: {e}", path.display()))?;
                        *replacement.borrow_mut() = Some(started);
                        Box::new(file)
                    }
                    None => Box::new(io::stdout().lock()),
                })
            };
            let checked = distrolint::check(&settings, &mut open);
            let started = replacement.into_inner();
            let Outcome {
                status,
                elapsed,
                notes,
            } = match checked {
                Ok(outcome) => {
                    if let (Some(started), Some(path)) = (started, &settings.output) {
                        started
                            .commit()
                            .map_err(|e| miette::miette!("cannot write {}: {e}", path.display()))?;
                    }
                    outcome
                }
                Err(err) => {
                    if let Some(started) = started {
                        started.abandon();
                    }
                    return Err(err);
                }
            };
            let mut stderr = io::stderr();
            for note in notes {
                let _ = writeln!(stderr, "{}", display_lines(&note));
            }
            if settings.format == distrolint::options::Format::Human && !settings.statistics {
                let _ = writeln!(stderr, "Finished in {:.2?}.", elapsed);
            }
            Ok(status)
        }
        Command::Rules(args) => {
            let output = distrolint::rules_cmd::run(args.command)?;
            let stdout = io::stdout();
            let mut out = stdout.lock();
            finish_write(
                out.write_all(output.text.as_bytes())
                    .and_then(|_| out.flush()),
            )?;
            Ok(output.status)
        }
        Command::Explain { code, rules } => {
            let output = distrolint::rules_cmd::run_explain(&code, &rules)?;
            let stdout = io::stdout();
            let mut out = stdout.lock();
            finish_write(
                out.write_all(output.text.as_bytes())
                    .and_then(|_| out.flush()),
            )?;
            Ok(output.status)
        }
        Command::Bases(args) => {
            let text = match args.command.unwrap_or(BasesCommand::List) {
                BasesCommand::List => distrolint::bases_cmd::list(),
                BasesCommand::Show { name, format } => distrolint::bases_cmd::show(&name, format)?,
                BasesCommand::Import {
                    source,
                    name,
                    images,
                    aliases,
                    summary,
                    path,
                    lang,
                    entrypoint,
                    user,
                    workdir,
                    tag_variants,
                    method,
                    output,
                } => {
                    let tag_variants = tag_variants
                        .iter()
                        .map(|spec| base_import::parse_tag_variant(spec))
                        .collect::<Result<Vec<_>, _>>()
                        .map_err(|e| miette::miette!("{e}"))?;
                    let options = base_import::ImportOptions {
                        name,
                        images,
                        aliases,
                        summary,
                        path: path
                            .map(|p| p.split(':').map(str::to_string).collect())
                            .unwrap_or_else(base_import::default_path),
                        lang,
                        entrypoint,
                        user,
                        workdir,
                        tag_variants,
                        date: None,
                        method,
                    };
                    let manifest = base_import::import_rootfs(&source, &options)
                        .map_err(|e| miette::miette!("{e}"))?;
                    let text = base_import::to_toml(&manifest);
                    if let Some(output) = output {
                        std::fs::write(&output, text).map_err(|e| {
                            miette::miette!("cannot write {}: {e}", output.display())
                        })?;
                        return Ok(0);
                    }
                    text
                }
            };
            let stdout = io::stdout();
            let mut out = stdout.lock();
            finish_write(out.write_all(text.as_bytes()).and_then(|_| out.flush()))?;
            Ok(0)
        }
    }
}
