//! The check itself: discovery, per-file analysis in parallel, the ELF
//! loader simulation over everything found, and the findings in report
//! order.
//!
//! Every file is analysed on its own and in isolation: a file that cannot be
//! read, is malformed, or makes an analyser panic yields one diagnostic for
//! that file and the scan goes on. Results are sorted at the end, so the
//! output does not depend on the number of threads or their scheduling.

use std::collections::BTreeMap;
use std::io::Read;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use rayon::prelude::*;

use crate::base::BaseImage;
use crate::discovery::packaged::Packaged;
use crate::discovery::{self, DiscoveredFile, Discovery, DiscoveryOptions, Origin};
use crate::dockerfile;
use crate::elf::{self, inspect, ElfObject, ElfTree};
use crate::finding::{self, Family, Finding, Severity};
use crate::interpreter::{self, Script};
use crate::options::Scope;
use crate::provided_programs::ProvidedPrograms;
use crate::python::wrappers::{
    Wrapper, WrapperTable, WrapperUse, PROGRAM_SOURCE_FIELD, SHELL_SOURCE_FIELD,
};
use crate::python::{self, PythonContext};
use crate::rules::RuleSet;
use crate::starters::{self, ImageDockerfile, Judging, StarterFileRead, TargetImage};

/// What the user asked to check.
#[derive(Debug, Clone)]
pub struct ScanRequest {
    pub paths: Vec<PathBuf>,
    pub base: BaseImage,
    pub rules: Arc<RuleSet>,
    pub scope: Scope,
    /// Exclusions and first-party paths from the configuration.
    pub discovery: DiscoveryOptions,
    /// How Dockerfiles found in the trees are judged.
    pub dockerfile: dockerfile::CheckOptions,
    /// Report findings in test code and the application's tooling too (see
    /// `discovery::test_code`).
    pub include_tests: bool,
}

#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct ScanStats {
    pub files: usize,
    pub elf_files: usize,
    pub python_files: usize,
    pub distributions: usize,
    pub skipped_special: usize,
    /// Findings in test code, left out of the report.
    pub test_code_findings: usize,
    /// Findings in the application's build, documentation, CI and example
    /// tooling, left out of the report.
    pub tooling_findings: usize,
    /// Findings in files that installing the project does not ship (see
    /// `discovery::packaged`), left out of the report.
    pub unpackaged_findings: usize,
}

#[derive(Debug)]
pub struct ScanOutcome {
    pub findings: Vec<Finding>,
    pub stats: ScanStats,
    pub elapsed: Duration,
    /// The files read for the commands they start (see `starters`), by
    /// path.
    pub starter_files: Vec<StarterFileRead>,
}

/// What one file contributed.
#[derive(Default)]
/// One file's result. Most files give nothing, and the results of every
/// file are held until the tree checks run, so the rare large parts are
/// boxed: inline, they made the result of an empty file 400 bytes.
struct FileResult {
    findings: Vec<Finding>,
    elf: Option<Box<ElfObject>>,
    script: Option<Box<Script>>,
    is_python: bool,
    wrappers: Vec<Wrapper>,
    starter: Option<Box<StarterFileRead>>,
}

pub fn run(request: &ScanRequest) -> ScanOutcome {
    let started = Instant::now();
    let discovery = discovery::discover_with(&request.paths, &request.discovery);
    // The image the starter files' commands run in, built once: the
    // Dockerfile's stages are walked for it.
    let image_dockerfile = catch_unwind(AssertUnwindSafe(|| {
        ImageDockerfile::find(
            &request.dockerfile,
            &request.base,
            &discovery.root_locations,
        )
    }))
    .ok()
    .flatten();
    let image = Judging {
        rules: &request.rules,
        app: TargetImage::new(&request.base, image_dockerfile.as_ref()),
        app_names: discovery
            .root_locations
            .iter()
            .filter_map(|root| root.file_name())
            .map(|name| name.to_string_lossy().to_ascii_lowercase())
            .collect(),
    };

    let results: Vec<FileResult> = discovery
        .files
        .par_iter()
        .map(|file| analyse_isolated(file, &discovery, request, &image))
        .collect();

    let mut findings = discovery.problems.clone();
    let mut scripts = Vec::new();
    let mut tree = ElfTree {
        roots: discovery.roots.clone(),
        root_locations: discovery.root_locations.clone(),
        objects: Vec::new(),
        symlinks: discovery.symlinks.clone(),
    };
    let mut stats = ScanStats {
        files: discovery.files.len(),
        distributions: discovery.distributions.len(),
        skipped_special: discovery.skipped_special,
        ..Default::default()
    };
    let mut per_file = Vec::with_capacity(results.len());
    let mut wrappers = Vec::new();
    let mut starter_files = Vec::new();
    for result in results {
        starter_files.extend(result.starter.map(|read| *read));
        if !result.findings.is_empty() {
            per_file.push(result.findings);
        }
        wrappers.extend(result.wrappers);
        if result.is_python {
            stats.python_files += 1;
        }
        if let Some(object) = result.elf {
            stats.elf_files += 1;
            tree.objects.push(*object);
        }
        scripts.extend(result.script.map(|script| *script));
    }
    let elf_findings = whole_tree_check(request, "the ELF loader simulation", || {
        elf::check_tree(&request.rules, &tree, &request.base)
    });
    let interpreter_findings = whole_tree_check(request, "the interpreter checks", || {
        let started = request.dockerfile.programs_started();
        interpreter::check_tree(
            &request.rules,
            &discovery,
            &scripts,
            &request.base,
            started.as_deref(),
        )
    });
    // The list is sized once: grown by doubling, a million findings were
    // held twice over while it moved.
    findings.reserve_exact(
        per_file.iter().map(Vec::len).sum::<usize>()
            + elf_findings.len()
            + interpreter_findings.len(),
    );
    for file_findings in per_file {
        findings.extend(file_findings);
    }
    follow_wrappers(wrappers, &discovery, request, &mut findings);
    findings.extend(elf_findings);
    findings.extend(interpreter_findings);
    ProvidedPrograms::for_findings(&discovery, &findings).soften(&mut findings);

    if request.scope != Scope::All {
        // ELF resolution needed every object; the report shows only the
        // chosen side. Paths not in the walk (a root itself) count as app.
        findings.retain(|f| {
            let origin = discovery
                .file(&f.path)
                .map(|file| file.origin)
                .unwrap_or_else(|| {
                    discovery.origin_outside_walk(&f.path, f.distribution.is_some())
                });
            request.scope.includes(origin)
        });
    }
    finding::sort_and_dedup(&mut findings);
    if !request.include_tests {
        // Without a Dockerfile to say what ships, a project with packaging
        // metadata ships what installing it copies.
        let packaged = request
            .dockerfile
            .image_dockerfiles
            .is_empty()
            .then(|| Packaged::of(&discovery));
        findings.retain(|f| {
            let Some(file) = discovery.file(&f.path) else {
                return true;
            };
            let counter = if file.test_code {
                &mut stats.test_code_findings
            // A Dockerfile the user named as the image's is not tooling,
            // wherever it is.
            } else if file.tooling && !request.dockerfile.builds_the_image(&f.path) {
                &mut stats.tooling_findings
            } else if packaged
                .as_ref()
                .is_some_and(|p| p.left_out(&discovery, file))
            {
                &mut stats.unpackaged_findings
            } else {
                return true;
            };
            *counter += 1;
            false
        });
    }
    starter_files.sort();
    ScanOutcome {
        findings,
        stats,
        elapsed: started.elapsed(),
        starter_files,
    }
}

/// The second pass over the application's Python files: each call of a
/// function that starts the program its caller names (see
/// `python::wrappers`) is judged where it is written. A wrapper whose
/// callers were all found, none of them passing `shell=`, loses its own
/// "shell unknown" finding.
fn follow_wrappers(
    wrappers: Vec<Wrapper>,
    discovery: &Discovery,
    request: &ScanRequest,
    findings: &mut Vec<Finding>,
) {
    let table = WrapperTable::new(wrappers);
    if table.is_empty() {
        return;
    }
    // A file that calls a wrapper spells its name; most do not, and are
    // not parsed again.
    let Ok(mentions) = aho_corasick::AhoCorasick::new(table.function_names()) else {
        return;
    };
    let results: Vec<(Vec<Finding>, Vec<WrapperUse>)> = discovery
        .files
        .par_iter()
        .filter(|file| {
            is_python_source(&file.path)
                && file.origin == Origin::Application
                && file.distribution.is_none()
                && request.scope.includes(file.origin)
        })
        .map(|file| {
            let calls = || {
                let Ok(Some((bytes, _mode))) = read_regular(file) else {
                    return (Vec::new(), Vec::new());
                };
                if !mentions.is_match(&bytes) {
                    return (Vec::new(), Vec::new());
                }
                let context = PythonContext {
                    base: &request.base,
                    distribution: None,
                    rules: &request.rules,
                    module_path: discovery.module_path(file),
                    installed: discovery.distributions.names(),
                };
                python::check_wrapper_calls(&file.path, &bytes, &context, &table)
            };
            catch_unwind(AssertUnwindSafe(calls)).unwrap_or_else(|panic| {
                (
                    vec![internal_error(&file.path, "wrapper analysis", &panic)],
                    Vec::new(),
                )
            })
        })
        .collect();
    // Per wrapper: whether a call was found, and whether one may pass a
    // shell.
    let mut called: BTreeMap<String, bool> = BTreeMap::new();
    for (mut found, uses) in results {
        finding::intern(&mut found);
        findings.extend(found);
        for call in uses {
            *called.entry(call.qualified).or_default() |= call.may_pass_shell;
        }
    }
    // A wrapper's callers say what its own call starts: its "program
    // unknown" finding gives way to theirs, and so does its "shell
    // unknown" one when none of them may pass a shell.
    let mut withdrawn: Vec<(&Path, &str, String)> = Vec::new();
    for wrapper in table.iter() {
        let Some(&may_pass_shell) = called.get(&wrapper.qualified) else {
            continue;
        };
        let path = wrapper.path.as_path();
        withdrawn.push((path, PROGRAM_SOURCE_FIELD, wrapper.program_source()));
        if let (false, Some(source)) = (may_pass_shell, wrapper.shell_source()) {
            withdrawn.push((path, SHELL_SOURCE_FIELD, source));
        }
    }
    if !withdrawn.is_empty() {
        findings.retain(|f| {
            !withdrawn.iter().any(|(path, field, source)| {
                f.fields.get(field).and_then(|v| v.as_str()) == Some(source.as_str())
                    && f.path == *path
            })
        });
    }
}

/// Runs a check over the whole tree; a panic in it is one DL900 on the
/// first scanned path, and the findings of every other check stand.
fn whole_tree_check(
    request: &ScanRequest,
    stage: &str,
    check: impl FnOnce() -> Vec<Finding>,
) -> Vec<Finding> {
    catch_unwind(AssertUnwindSafe(check)).unwrap_or_else(|panic| {
        let root = request
            .paths
            .first()
            .map(PathBuf::as_path)
            .unwrap_or(Path::new("."));
        vec![internal_error(root, stage, &panic)]
    })
}

fn analyse_isolated(
    file: &DiscoveredFile,
    discovery: &Discovery,
    request: &ScanRequest,
    image: &Judging<'_>,
) -> FileResult {
    match catch_unwind(AssertUnwindSafe(|| {
        analyse_file(file, discovery, request, image)
    })) {
        Ok(mut result) => {
            // Every result is held until the scan ends; a file's repeated
            // texts are kept once (the Python checker shares its own as it
            // goes, this covers the other analysers).
            finding::intern(&mut result.findings);
            // Held until every file is done: without the room a growing
            // list keeps (up to as much again).
            result.findings.shrink_to_fit();
            result
        }
        Err(panic) => FileResult {
            findings: vec![internal_error(&file.path, "analysis", &panic)],
            ..Default::default()
        },
    }
}

fn internal_error(path: &Path, stage: &str, panic: &Box<dyn std::any::Any + Send>) -> Finding {
    let detail = panic
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| panic.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "unknown panic".to_string());
    Finding::new(
        "DL900",
        Severity::Warning,
        Family::Scan,
        path,
        format!(
            "internal error during {stage} of {}: {detail}",
            path.display()
        ),
        "this is a bug in distrolint; please report it with the file that caused it",
    )
}

fn read_problem(path: &Path, err: &std::io::Error) -> Finding {
    Finding::new(
        "DL901",
        Severity::Error,
        Family::Scan,
        path,
        format!("cannot read {}: {err}", path.display()),
        "fix the permissions or exclude the path; the rest of the scan went on",
    )
}

/// Whether a name looks like a shared object (`x.so`, `libx.so.1.2`), for
/// telling the user that a file meant to be one is not ELF.
fn looks_like_shared_object(path: &Path) -> bool {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy())
        .unwrap_or_default();
    name.ends_with(".so") || name.contains(".so.")
}

fn is_python_source(path: &Path) -> bool {
    path.extension().is_some_and(|e| e == "py" || e == "pyw")
}

/// A `.pth` file: `site` runs its `import` lines at every interpreter
/// start on the image, before the application, so they are code to check.
fn is_path_configuration(path: &Path) -> bool {
    path.extension().is_some_and(|e| e == "pth")
}

/// The `import` lines of a `.pth` file as `site` sees them (a line that
/// starts with `import` and a space or tab is executed; every other line is
/// a directory or a comment), the rest blanked so that lines keep their
/// numbers.
fn path_configuration_code(bytes: &[u8]) -> Vec<u8> {
    // `site` reads the file as utf-8-sig.
    let bytes = bytes.strip_prefix(b"\xef\xbb\xbf").unwrap_or(bytes);
    let mut code = Vec::with_capacity(bytes.len());
    for line in bytes.split_inclusive(|&b| b == b'\n') {
        if line.starts_with(b"import ") || line.starts_with(b"import\t") {
            code.extend_from_slice(line);
            if !line.ends_with(b"\n") {
                code.push(b'\n');
            }
        } else {
            code.push(b'\n');
        }
    }
    code
}

fn analyse_path_configuration(
    file: &DiscoveredFile,
    discovery: &Discovery,
    request: &ScanRequest,
) -> Vec<Finding> {
    match read_regular(file) {
        Ok(Some((bytes, _mode))) => {
            let code = path_configuration_code(&bytes);
            let context = PythonContext {
                base: &request.base,
                distribution: discovery.distribution_of(file),
                rules: &request.rules,
                module_path: None,
                installed: discovery.distributions.names(),
            };
            python::analyse_file(&file.path, &code, &context)
        }
        Ok(None) => Vec::new(),
        Err(err) if err.kind() == std::io::ErrorKind::NotFound => Vec::new(),
        Err(err) => {
            let mut problem = read_problem(&file.path, &err);
            problem.distribution = discovery.distribution_of(file);
            vec![problem]
        }
    }
}

fn analyse_file(
    file: &DiscoveredFile,
    discovery: &Discovery,
    request: &ScanRequest,
    image: &Judging<'_>,
) -> FileResult {
    let mut result = FileResult::default();
    if is_path_configuration(&file.path) {
        if request.scope.includes(file.origin) {
            result.is_python = true;
            result.findings = analyse_path_configuration(file, discovery, request);
        }
        return result;
    }
    if is_python_source(&file.path) {
        if request.scope.includes(file.origin) {
            result.is_python = true;
            analyse_python(file, discovery, request, &mut result);
        }
        return result;
    }
    if is_dockerfile(&file.path) {
        // The application's Dockerfiles; one shipped inside an installed
        // distribution describes some other image.
        if file.origin == Origin::Application && request.scope.includes(file.origin) {
            result.findings = analyse_dockerfile(file, discovery, request);
        }
        return result;
    }
    if let Some(candidate) = starters::kind_of(&file.path) {
        // The application's own, and not its tests' or tooling's: those
        // start nothing in the image.
        if file.origin == Origin::Application
            && !file.test_code
            && !file.tooling
            && request.scope.includes(file.origin)
        {
            let analysed = analyse_starter(file, candidate, image);
            result.findings = analysed.findings;
            result.starter = analysed.read.map(Box::new);
        }
        return result;
    }
    // The magic number decides what a file is; names can lie.
    let (mut handle, meta) = match open_regular(&file.path) {
        Ok(Some(opened)) => opened,
        Ok(None) => return result,
        Err(err) => {
            // A file deleted between the walk and now is not a problem of
            // the scanned tree.
            if err.kind() != std::io::ErrorKind::NotFound {
                result.findings.push(read_problem(&file.path, &err));
            }
            return result;
        }
    };
    let mut magic = [0u8; 4];
    let magic_len = match read_prefix(&mut handle, &mut magic) {
        Ok(n) => n,
        Err(err) => {
            result.findings.push(read_problem(&file.path, &err));
            return result;
        }
    };
    if magic.starts_with(b"#!") {
        result.script =
            read_script_head(&file.path, &mut handle, &meta, &magic[..magic_len]).map(Box::new);
        return result;
    }
    if inspect::has_elf_magic(&magic[..magic_len]) {
        // Only the pieces dynamic linking reads, by positioned reads: a
        // library truncated while it is read is then a malformed file, not
        // a SIGBUS that ends the scan (a mapped file would be).
        let bytes = match elf::loader_view::read(&handle, meta.len()) {
            Ok(bytes) => bytes,
            Err(err) => {
                result.findings.push(read_problem(&file.path, &err));
                return result;
            }
        };
        match inspect::inspect(&bytes) {
            Ok(info) => {
                let distribution = file.distribution.map(|i| discovery.distributions.get(i));
                result.elf = Some(Box::new(ElfObject {
                    path: file.path.clone(),
                    root: file.root,
                    info,
                    distribution: distribution.map(|d| d.distribution.clone()),
                    wheel_tags: distribution
                        .map(|d| d.wheel_tags.clone())
                        .unwrap_or_default(),
                }));
            }
            Err(err) => {
                result.findings.push(
                    Finding::new(
                        "DL902",
                        Severity::Warning,
                        Family::Scan,
                        &file.path,
                        format!("{} starts like an ELF file but cannot be read as one: {err}", file.path.display()),
                        "if this library is loaded, the loader will refuse it too; reinstall the distribution that ships it",
                    ),
                );
            }
        }
        with_distribution(&mut result.findings, file, discovery);
        return result;
    }
    if looks_like_shared_object(&file.path) && meta.len() > 0 {
        result.findings.push(Finding::new(
            "DL902",
            Severity::Warning,
            Family::Scan,
            &file.path,
            format!("{} is named like a shared object but is not an ELF file", file.path.display()),
            "if Python or ctypes loads it, the loader will fail with `invalid ELF header`; reinstall the distribution that ships it",
        ));
    }
    with_distribution(&mut result.findings, file, discovery);
    result
}

fn is_dockerfile(path: &Path) -> bool {
    path.file_name()
        .and_then(|n| n.to_str())
        .is_some_and(dockerfile::is_dockerfile_name)
}

fn analyse_dockerfile(
    file: &DiscoveredFile,
    discovery: &Discovery,
    request: &ScanRequest,
) -> Vec<Finding> {
    match read_regular(file) {
        Ok(Some((bytes, _mode))) => dockerfile::analyse_in_check(
            &request.rules,
            &file.path,
            &discovery.roots[file.root],
            &bytes,
            &request.base,
            &request.dockerfile,
        ),
        Ok(None) => Vec::new(),
        Err(err) if err.kind() == std::io::ErrorKind::NotFound => Vec::new(),
        Err(err) => vec![read_problem(&file.path, &err)],
    }
}

/// Reads one starter file, refusing it unread when it is larger than any
/// real one (`starters::MAX_BYTES`).
fn analyse_starter(
    file: &DiscoveredFile,
    candidate: starters::Candidate,
    judging: &Judging<'_>,
) -> starters::StarterAnalysis {
    let (handle, meta) = match open_regular(&file.path) {
        Ok(Some(opened)) => opened,
        Ok(None) => return Default::default(),
        Err(err) if err.kind() == std::io::ErrorKind::NotFound => return Default::default(),
        Err(err) => {
            return starters::StarterAnalysis {
                findings: vec![read_problem(&file.path, &err)],
                read: None,
            }
        }
    };
    if meta.len() > starters::MAX_BYTES {
        return starters::too_large(&file.path, candidate, meta.len(), judging);
    }
    let mut bytes = Vec::with_capacity(meta.len() as usize);
    // The file may grow after the check above.
    if let Err(err) = handle.take(starters::MAX_BYTES + 1).read_to_end(&mut bytes) {
        return starters::StarterAnalysis {
            findings: vec![read_problem(&file.path, &err)],
            read: None,
        };
    }
    if bytes.len() as u64 > starters::MAX_BYTES {
        return starters::too_large(&file.path, candidate, bytes.len() as u64, judging);
    }
    starters::analyse(&file.path, candidate, &bytes, judging)
}

/// Reads and analyses one Python file. Files that mention none of the
/// names the rules look for cannot hold a finding and are not parsed — the
/// main speed lever — unless they are not plain UTF-8 text, or declare an
/// encoding they cannot be decoded with, in which case the full analysis
/// runs so that an undecodable file is still reported.
fn analyse_python(
    file: &DiscoveredFile,
    discovery: &Discovery,
    request: &ScanRequest,
    result: &mut FileResult,
) {
    let (bytes, mode) = match read_regular(file) {
        Ok(Some(read)) => read,
        Ok(None) => return,
        Err(err) if err.kind() == std::io::ErrorKind::NotFound => return,
        Err(err) => {
            let mut problem = read_problem(&file.path, &err);
            problem.distribution = discovery.distribution_of(file);
            result.findings.push(problem);
            return;
        }
    };
    // `./manage.py` started directly runs whatever its `#!` line names.
    result.script = interpreter::read_script(
        &file.path,
        &bytes[..bytes.len().min(interpreter::SCRIPT_HEAD)],
        mode,
    )
    .map(Box::new);
    (result.findings, result.wrappers) = analyse_python_source(file, discovery, request, &bytes);
}

fn analyse_python_source(
    file: &DiscoveredFile,
    discovery: &Discovery,
    request: &ScanRequest,
    bytes: &[u8],
) -> (Vec<Finding>, Vec<Wrapper>) {
    // Plain text may still declare an encoding Python cannot use (an
    // unknown name, a cookie contradicting the BOM): such a file must not
    // be skipped. Only a file mentioning `coding` near its top pays for
    // the decode.
    let plain_text = !bytes.contains(&0)
        && std::str::from_utf8(bytes).is_ok()
        && (!mentions_coding_near_top(bytes) || python::source::Source::decode(bytes).is_ok());
    let module_path = discovery.module_path(file);
    if plain_text && !python::may_match(bytes, &request.rules, module_path.as_deref()) {
        return (Vec::new(), Vec::new());
    }
    let context = PythonContext {
        base: &request.base,
        distribution: discovery.distribution_of(file),
        rules: &request.rules,
        module_path,
        installed: discovery.distributions.names(),
    };
    python::analyse_file_and_wrappers(&file.path, bytes, &context)
}

/// The script in a file that starts with `#!` (`magic`, already read): the
/// first bytes the kernel and pip's launcher form need, and the mode bits.
/// A file that cannot be read further is judged on what was read.
fn read_script_head(
    path: &Path,
    handle: &mut std::fs::File,
    meta: &std::fs::Metadata,
    magic: &[u8],
) -> Option<Script> {
    use std::os::unix::fs::PermissionsExt;
    let mode = meta.permissions().mode();
    let mut head = vec![0u8; interpreter::SCRIPT_HEAD];
    head[..magic.len()].copy_from_slice(magic);
    let read = read_prefix(handle, &mut head[magic.len()..]).unwrap_or(0);
    head.truncate(magic.len() + read);
    interpreter::read_script(path, &head, mode)
}

/// The whole of a file the walk found, if it still is that regular file,
/// with its mode bits.
fn read_regular(file: &DiscoveredFile) -> std::io::Result<Option<(Vec<u8>, u32)>> {
    use std::os::unix::fs::PermissionsExt;
    let Some((mut handle, meta)) = open_regular(&file.path)? else {
        return Ok(None);
    };
    let mut bytes = Vec::with_capacity(meta.len() as usize);
    handle.read_to_end(&mut bytes)?;
    Ok(Some((bytes, meta.permissions().mode())))
}

/// Opens a file the walk found as a regular file, if it still is the same
/// regular file: the tree may change while it is scanned. A FIFO put in
/// its place would block a plain open until someone writes to it, and a
/// link put in its place could lead out of the scanned root, so the open
/// neither blocks nor follows a final link, and what was opened is checked
/// to be a regular file (`fstat`). `None` for a file that is no longer a
/// regular file; deleted files are `NotFound` errors. The metadata of what
/// was opened comes along, so that callers need not ask for it again.
fn open_regular(path: &Path) -> std::io::Result<Option<(std::fs::File, std::fs::Metadata)>> {
    use std::os::unix::fs::OpenOptionsExt;
    // O_NOFOLLOW: a file swapped for a link after the walk is not followed
    // out of the tree. O_NONBLOCK: one swapped for a FIFO does not block the
    // open; it is then no regular file and is left alone.
    let handle = match std::fs::OpenOptions::new()
        .read(true)
        .custom_flags(libc::O_NOFOLLOW | libc::O_NONBLOCK)
        .open(path)
    {
        Ok(handle) => handle,
        Err(err) if err.raw_os_error() == Some(libc::ELOOP) => return Ok(None),
        Err(err) => return Err(err),
    };
    let opened = handle.metadata()?;
    Ok(opened.is_file().then_some((handle, opened)))
}

/// Whether "coding" occurs in the first two lines, where PEP 263 puts an
/// encoding declaration.
fn mentions_coding_near_top(bytes: &[u8]) -> bool {
    let second_line_end = memchr::memchr_iter(b'\n', bytes)
        .nth(1)
        .unwrap_or(bytes.len());
    memchr::memmem::find(&bytes[..second_line_end], b"coding").is_some()
}

fn with_distribution(findings: &mut [Finding], file: &DiscoveredFile, discovery: &Discovery) {
    if let Some(dist) = discovery.distribution_of(file) {
        for f in findings.iter_mut().filter(|f| f.distribution.is_none()) {
            f.distribution = Some(dist.clone());
        }
    }
}

/// Reads up to `buf.len()` bytes, tolerating short reads.
fn read_prefix(handle: &mut std::fs::File, buf: &mut [u8]) -> std::io::Result<usize> {
    let mut filled = 0;
    while filled < buf.len() {
        match handle.read(&mut buf[filled..]) {
            Ok(0) => break,
            Ok(n) => filled += n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(filled)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_import_lines_of_a_pth_file_are_code_and_lines_keep_their_numbers() {
        let pth = b"\xef\xbb\xbf/opt/extra\n# import os\nimport os; os.system('x')\n  import sys\nimport\tsite";
        assert_eq!(
            path_configuration_code(pth),
            b"\n\nimport os; os.system('x')\n\nimport\tsite\n"
        );
    }
}
