//! distrolint: finds what will break when a Python application moves onto a
//! distroless container image.
//!
//! Data flows one way: command line → settings → discovery → per-file
//! analysis in parallel → findings → report → exit status. Each step has one
//! module; only the binary's `main` prints or exits.

pub mod base;
pub mod base_import;
pub mod bases_cmd;
pub mod checks;
pub mod cli;
pub mod discovery;
pub mod dockerfile;
pub mod dollar_names;
pub mod elf;
pub mod finding;
pub mod gate;
pub mod interpreter;
pub mod options;
pub mod output_file;
pub mod provided_programs;
pub mod python;
pub mod report;
pub mod rules;
pub mod rules_cmd;
pub mod scan;
pub mod settings;
pub mod starters;
pub mod text_position;
pub mod tree_files;

use std::io::{self, Write};
use std::path::PathBuf;
use std::time::Duration;

use finding::Severity;
use options::{FailOn, Format};
use report::ReportInput;
use settings::CheckSettings;

/// A finished check, whose report has been written: the exit status it
/// implies, and notes for standard error.
pub struct Outcome {
    pub status: u8,
    pub elapsed: Duration,
    /// Short lines for the user beside the report (a written baseline,
    /// stale baseline entries).
    pub notes: Vec<String>,
}

/// The exit status for a set of findings: 1 when any reaches `fail_on`.
pub fn exit_status(findings: &[finding::Finding], fail_on: FailOn) -> u8 {
    let threshold = match fail_on {
        FailOn::Error => Severity::Error,
        FailOn::Warning => Severity::Warning,
        FailOn::Info => Severity::Info,
        FailOn::Never => return 0,
    };
    u8::from(findings.iter().any(|f| f.severity >= threshold))
}

/// glibc's malloc, set for many short-lived files on a few threads:
/// - One arena per analysis thread, and the main thread's. glibc gives
///   threads up to eight arenas per core, and each keeps the pages its
///   threads freed: with the walker's threads beside the analysis threads
///   that made peak RSS on the benchmark venv 42.5 MiB on two threads,
///   against 37.5 MiB with three arenas at the same speed. (Two arenas:
///   35 MiB, but one run in three took twice as long, its threads waiting
///   on a shared arena's lock.)
/// - A fixed mmap threshold of 256 KiB. glibc raises the threshold to the
///   size of each mapped block freed, so after the first large file the
///   big buffers of every later one (its bytes, ruff's token list)
///   come from an arena and stay there; with the threshold fixed they are
///   mapped and given back when freed: peak RSS 32.2 to 31.3 MiB on two
///   threads, 30.5 to 28.1 MiB on one, at the same speed.
fn tune_malloc(threads: usize) {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    {
        let arenas = i32::try_from(threads.max(1) + 1).unwrap_or(i32::MAX);
        // SAFETY: mallopt only sets a malloc parameter; it is called before
        // the scan starts its threads.
        unsafe {
            libc::mallopt(libc::M_ARENA_MAX, arenas);
            libc::mallopt(libc::M_MMAP_THRESHOLD, 256 * 1024);
        }
    }
    #[cfg(not(all(target_os = "linux", target_env = "gnu")))]
    let _ = threads;
}

/// The configuration's `exclude` and `app` as discovery applies them;
/// `excluded` counts the paths left out, for the report.
fn discovery_options(
    settings: &CheckSettings,
    excluded: std::sync::Arc<std::sync::atomic::AtomicUsize>,
) -> discovery::DiscoveryOptions {
    let gate = &settings.gate;
    let patterns = gate.exclude.clone();
    let cwd = gate.cwd.clone();
    discovery::DiscoveryOptions {
        exclude: (!patterns.is_empty()).then(|| {
            std::sync::Arc::new(move |path: &std::path::Path| {
                let hit = patterns.is_match(path, &cwd);
                if hit {
                    excluded.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                }
                hit
            }) as discovery::ExcludeFn
        }),
        app: settings
            .app
            .iter()
            .map(|a| discovery::normalize_path(&gate.cwd.join(a)))
            .collect(),
    }
}

/// Opens where the report goes. Called once the findings are ready, so a
/// check that fails leaves no half-written report file behind.
pub type OpenReport<'a> = dyn FnMut() -> miette::Result<Box<dyn Write + 'a>> + 'a;

/// Runs a check, passes its findings through the gate, and writes the
/// report to what `open` opens (or writes the baseline). The report is
/// written as it is rendered, never held whole in memory.
pub fn check(settings: &CheckSettings, open: &mut OpenReport<'_>) -> miette::Result<Outcome> {
    let excluded = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let suppressed_by_rules_before = settings.rules.suppressed_by_user_rules();
    let request = scan::ScanRequest {
        paths: settings.paths.clone(),
        base: settings.base.clone(),
        rules: settings.rules.clone(),
        scope: settings.scope,
        discovery: discovery_options(settings, excluded.clone()),
        dockerfile: settings.dockerfile.clone(),
        include_tests: settings.include_tests,
    };
    tune_malloc(
        settings
            .threads
            .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get())),
    );
    let outcome = match settings.threads {
        Some(threads) => rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .map_err(|e| miette::miette!("cannot start {threads} threads: {e}"))?
            .install(|| scan::run(&request)),
        None => scan::run(&request),
    };
    let gate = &settings.gate;
    let python_files = if gate.report_unused_ignores {
        python_files_in_scope(settings)
    } else {
        Vec::new()
    };
    let mut gated = gate.filter(outcome.findings, &python_files);
    gated.summary.excluded = excluded.load(std::sync::atomic::Ordering::Relaxed);
    gated.summary.suppressed_by_rules =
        settings.rules.suppressed_by_user_rules() - suppressed_by_rules_before;
    let mut notes = Vec::new();

    if let Some(path) = &settings.write_baseline {
        let baseline = gate.baseline_of(&gated);
        baseline.write(path)?;
        notes.push(format!(
            "Wrote {} findings ({} entries) to the baseline {}.",
            baseline.findings(),
            baseline.entries.len(),
            path.display()
        ));
        return Ok(Outcome {
            status: 0,
            elapsed: outcome.elapsed,
            notes,
        });
    }

    let gated = gate.finish(gated);
    if let Some((path, baseline)) = &gated.summary.baseline {
        if !baseline.stale.is_empty() {
            let stale: usize = baseline.stale.iter().map(|e| e.count).sum();
            notes.push(format!(
                "{stale} findings in the baseline {} no longer occur; rewrite it with --write-baseline to shrink it.",
                path.display()
            ));
        }
    }
    // Decided on every finding, before a report hides any (report::bound).
    let status = if settings.exit_zero {
        0
    } else {
        exit_status(&gated.findings, settings.fail_on)
    };
    let (findings, fingerprints) = report::bound::bound(gated.findings, gated.fingerprints);
    let input = ReportInput {
        base: &settings.base,
        base_source: settings.base_source.clone(),
        judged_as_if: &settings.judged_as_if,
        starter_files: &outcome.starter_files,
        findings: &findings,
        fingerprints: &fingerprints,
        stats: outcome.stats,
        elapsed: outcome.elapsed,
        color: settings.color,
        rules: &gate.known,
        gate: &gated.summary,
        cwd: &gate.cwd,
    };
    let mut out = io::BufWriter::with_capacity(64 * 1024, open()?);
    let rendered = if settings.statistics {
        match settings.format {
            Format::Json => report::statistics::render_json(&input, &mut out),
            _ => report::statistics::render_text(&input, &mut out),
        }
    } else {
        report::render(settings.format, &input, &mut out)
    };
    match rendered.and_then(|()| out.flush()) {
        // `distrolint check | head`: the reader has what it wanted.
        Err(err) if err.kind() == io::ErrorKind::BrokenPipe => {}
        Err(err) => return Err(miette::miette!("cannot write the report: {err}")),
        Ok(()) => {}
    }
    Ok(Outcome {
        status,
        elapsed: outcome.elapsed,
        notes,
    })
}

/// The Python files the check covers, for finding suppression comments in
/// files without findings. Discovery runs a second time (a walk, no
/// analysis); only `--report-unused-ignores` asks for it.
fn python_files_in_scope(settings: &CheckSettings) -> Vec<PathBuf> {
    let discovery = discovery::discover(&settings.paths);
    discovery
        .files
        .into_iter()
        .filter(|f| f.path.extension().is_some_and(|e| e == "py" || e == "pyw"))
        .filter(|f| settings.scope.includes(f.origin))
        .filter(|f| !settings.gate.is_excluded(&f.path))
        .map(|f| f.path)
        .collect()
}
