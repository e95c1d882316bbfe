//! Python source analysis: every call that runs a shell or a program the
//! base image does not ship, resolved through imports and aliases, judged
//! against the base, and explained.
//!
//! The orchestrator calls [`analyse_file`] once per file, from many threads;
//! [`may_match`] first lets it skip files that cannot hold a finding. Inside,
//! the steps are: decode the bytes as Python would ([`source`]), parse into a
//! small IR ([`parse`], the only module that knows the parsers), resolve
//! names ([`resolve`]), and apply the data-driven rules ([`crate::rules`], from
//! `rules/*.toml`): call matchers to each call ([`check`]), query matchers
//! to the syntax tree ([`queries`]).
//!
//! A file is never skipped silently: one that cannot be decoded is a DL903
//! finding, one that neither parser reads cleanly is a DL904 finding beside
//! whatever findings the recovered parts give.

mod check;
mod handling;
pub mod ir;
pub mod parse;
mod queries;
mod reachability;
pub mod resolve;
pub mod source;
pub mod wrappers;

use std::collections::BTreeSet;
use std::path::Path;

use crate::rules::RuleSet;

use crate::base::BaseImage;
use crate::finding::{Distribution, Family, Finding};

/// Code for a file whose bytes are not text in its declared encoding.
pub const UNDECODABLE: &str = "DL903";
/// Code for a file neither parser can read completely.
pub const UNPARSABLE: &str = "DL904";

/// What [`analyse_file`] needs besides the file.
#[derive(Debug, Clone)]
pub struct PythonContext<'a> {
    pub base: &'a BaseImage,
    /// The installed distribution the file belongs to; `None` for the
    /// application's own code.
    pub distribution: Option<Distribution>,
    pub rules: &'a RuleSet,
    /// The file's dotted module name when known (`pkg.sub.mod`), for
    /// relative imports.
    pub module_path: Option<String>,
    /// The distributions installed in the scanned trees, by normalized
    /// name ([`crate::rules::normalized_distribution_name`]), for the `installed`
    /// condition.
    pub installed: &'a BTreeSet<String>,
}

/// Analyses one Python file. Never panics on any input; a file that cannot
/// be read as Python yields a diagnostic finding instead.
pub fn analyse_file(path: &Path, bytes: &[u8], ctx: &PythonContext<'_>) -> Vec<Finding> {
    analyse_file_and_wrappers(path, bytes, ctx).0
}

/// [`analyse_file`], and the wrappers the file defines when it is the
/// application's own code with a known module name (see [`wrappers`]).
pub fn analyse_file_and_wrappers(
    path: &Path,
    bytes: &[u8],
    ctx: &PythonContext<'_>,
) -> (Vec<Finding>, Vec<wrappers::Wrapper>) {
    let source = match source::Source::decode(bytes) {
        Ok(source) => source,
        Err(error) => {
            let rendered = ctx.rules.render_native(
                UNDECODABLE,
                None,
                Some(ctx.base),
                &[("error", error.to_string())],
            );
            let mut finding = Finding::new(
                UNDECODABLE,
                rendered.severity,
                Family::Scan,
                path,
                rendered.message,
                rendered.help,
            )
            .with_field("family", Family::Scan.as_str());
            finding.distribution = ctx.distribution.clone();
            return (vec![finding], Vec::new());
        }
    };
    let parsed = parse::parse(&source.text);
    let is_package = path.file_stem().is_some_and(|s| s == "__init__");
    let resolver = resolve::Resolver::new(&parsed.module, ctx.module_path.as_deref(), is_package);
    let unreachable = reachability::Unreachable::find(&parsed.module, &resolver);
    let resolver = unreachable.prune(resolver);
    let mut found_wrappers = match (&ctx.distribution, &ctx.module_path) {
        (None, Some(module_path)) => {
            wrappers::find(&parsed.module, &resolver, ctx.rules, module_path, path)
        }
        _ => Vec::new(),
    };
    if !found_wrappers.is_empty() {
        let handling = handling::Handling::new(&parsed.module, &resolver, ctx.rules);
        let line = |offset: u32| source.location(offset as usize, offset as usize).line;
        for wrapper in &mut found_wrappers {
            let failure = handling::Failure {
                call: wrapper.call,
                raises: Some(wrapper.callable.raises.as_slice())
                    .filter(|raises| !raises.is_empty()),
                keys: Vec::new(),
                returns_none: false,
                program: None,
            };
            let call = &parsed.module.calls[wrapper.call];
            if let handling::Verdict::Handled(handled) = handling.judge(call, &failure) {
                wrapper.handles_failure =
                    Some((handled.sentence("the program", line), handled.summary(line)));
            }
        }
    }
    let mut findings = check::check_module(
        &parsed.module,
        &source,
        path,
        ctx,
        &resolver,
        &unreachable,
        &found_wrappers,
    );
    // The statements are known only from a clean parse; otherwise the
    // query rules parse the whole file.
    let statement_starts: &[u32] = match parsed.status {
        parse::Status::Clean => &parsed.module.statement_starts,
        _ => &[],
    };
    findings.extend(queries::check_queries(
        &source,
        path,
        ctx,
        statement_starts,
        &unreachable,
    ));
    if let Some(finding) = parse_diagnostic(path, &source, &parsed.status, ctx) {
        findings.push(finding);
    }
    (findings, found_wrappers)
}

/// The findings of the calls of `wrappers` in one file of the application,
/// and how each call fills the wrapper's `shell=`. A file that cannot be
/// decoded gives nothing here: its first analysis reported that.
pub fn check_wrapper_calls(
    path: &Path,
    bytes: &[u8],
    ctx: &PythonContext<'_>,
    wrappers: &wrappers::WrapperTable,
) -> (Vec<Finding>, Vec<wrappers::WrapperUse>) {
    let Ok(source) = source::Source::decode(bytes) else {
        return (Vec::new(), Vec::new());
    };
    let parsed = parse::parse(&source.text);
    let is_package = path.file_stem().is_some_and(|s| s == "__init__");
    let resolver = resolve::Resolver::new(&parsed.module, ctx.module_path.as_deref(), is_package);
    let unreachable = reachability::Unreachable::find(&parsed.module, &resolver);
    let resolver = unreachable.prune(resolver);
    check::check_wrapper_calls(
        &parsed.module,
        &source,
        path,
        ctx,
        &resolver,
        &unreachable,
        wrappers,
    )
}

/// Whether `bytes`, the module `module_path` when known, may hold a finding
/// under `rules`; `false` means [`analyse_file`] with that module path would
/// report nothing but diagnostics about decoding or parsing, so the file may
/// be skipped.
pub fn may_match(bytes: &[u8], rules: &RuleSet, module_path: Option<&str>) -> bool {
    rules.prefilter().may_match(bytes, module_path)
}

fn parse_diagnostic(
    path: &Path,
    source: &source::Source<'_>,
    status: &parse::Status,
    ctx: &PythonContext<'_>,
) -> Option<Finding> {
    let (variant, error, offset) = match status {
        // Both parsers accept a NUL inside a string literal; CPython refuses
        // the file wherever the NUL is.
        parse::Status::Clean | parse::Status::FallbackClean { .. } => {
            let nul = memchr::memchr(0, source.text.as_bytes())?;
            ("nul-byte", String::new(), nul as u32)
        }
        parse::Status::Broken { error, offset } => ("broken", error.clone(), *offset),
        parse::Status::TooDeep { offset } => ("too-deep", String::new(), *offset),
    };
    let rendered = ctx.rules.render_native(
        UNPARSABLE,
        Some(variant),
        Some(ctx.base),
        &[("error", error), ("depth", parse::MAX_NESTING.to_string())],
    );
    let location = source.location(offset as usize, offset as usize);
    let mut finding = Finding::new(
        UNPARSABLE,
        rendered.severity,
        Family::Scan,
        path,
        rendered.message,
        rendered.help,
    )
    .with_location(location)
    .with_field("family", Family::Scan.as_str());
    finding.distribution = ctx.distribution.clone();
    Some(finding)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Both parsers must find the same things in the corpus, so a file that
    /// only tree-sitter can read loses nothing.
    #[test]
    fn the_fallback_parser_finds_what_the_primary_finds_in_the_corpus() {
        let Ok(base) = crate::base::find("python3-debian13") else {
            return;
        };
        let rules = RuleSet::builtin(crate::checks::NATIVE).unwrap();
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus/python");
        let mut entries: Vec<_> = std::fs::read_dir(&dir)
            .unwrap()
            .filter_map(Result::ok)
            .map(|e| e.path())
            .filter(|p| p.extension().is_some_and(|x| x == "py"))
            .collect();
        entries.sort();
        let mut differences = Vec::new();
        for path in entries {
            let bytes = std::fs::read(&path).unwrap();
            let source = source::Source::decode(&bytes).unwrap();
            let primary = parse::parse(&source.text);
            if primary.status != parse::Status::Clean {
                continue;
            }
            let fallback = parse::parse_with_fallback_only(&source.text);
            let ctx = PythonContext {
                base: &base,
                distribution: None,
                rules: &rules,
                module_path: Some("asyncio.corpus_helper".into()),
                installed: &BTreeSet::new(),
            };
            let run = |module: &ir::Module| -> Vec<(u32, String, String)> {
                let resolver = resolve::Resolver::new(module, ctx.module_path.as_deref(), false);
                let unreachable = reachability::Unreachable::find(module, &resolver);
                let resolver = unreachable.prune(resolver);
                let mut found: Vec<_> =
                    check::check_module(module, &source, &path, &ctx, &resolver, &unreachable, &[])
                        .into_iter()
                        .map(|f| {
                            (
                                f.location.map(|l| l.line).unwrap_or(0),
                                f.code,
                                f.message.to_string(),
                            )
                        })
                        .collect();
                found.sort();
                found
            };
            let (a, b) = (run(&primary.module), run(&fallback));
            for item in a.iter().filter(|x| !b.contains(x)) {
                differences.push(format!("{}: only ruff: {item:?}", path.display()));
            }
            for item in b.iter().filter(|x| !a.contains(x)) {
                differences.push(format!("{}: only tree-sitter: {item:?}", path.display()));
            }
        }
        assert!(differences.is_empty(), "{}", differences.join("\n"));
    }

    #[test]
    fn the_rule_set_can_be_shared_across_worker_threads() {
        fn shared<T: Send + Sync>() {}
        shared::<RuleSet>();
        shared::<PythonContext<'static>>();
    }
}
