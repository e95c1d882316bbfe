//! Settings: the command line and the configuration file turned into what a
//! check needs.
//!
//! This is where a base name becomes a loaded manifest, where the
//! configuration is found and merged (a flag wins over the file, the file
//! over the defaults), and where defaults are applied, so that the scan,
//! the gate and the reporters never look at raw flags.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::base::{self, BaseImage};
use crate::cli::CheckArgs;
use crate::dockerfile::pick;
use crate::gate::baseline::Baseline;
use crate::gate::catalogue::{catalogue, RuleInfo};
use crate::gate::config::{self, BaseChoice, Config, ConfigSource};
use crate::gate::paths::PathPatterns;
use crate::gate::select::{self, RuleSelection, Selector};
use crate::gate::Gate;
use crate::options::{FailOn, Format, Scope};
use crate::rules::RuleSet;
use crate::tree_files::{self, NamedBy, ReadError};

#[derive(Debug, Clone)]
pub struct CheckSettings {
    pub paths: Vec<PathBuf>,
    pub base: BaseImage,
    /// How the base was chosen, shown in reports.
    pub base_source: String,
    /// The image's Dockerfiles judged as if built on the base (the
    /// pre-migration check), said once in every report.
    pub judged_as_if: Vec<crate::dockerfile::pick::JudgedAsIf>,
    pub format: Format,
    /// Where the report goes; standard output when `None`.
    pub output: Option<PathBuf>,
    pub fail_on: FailOn,
    pub exit_zero: bool,
    pub statistics: bool,
    pub threads: Option<usize>,
    pub color: bool,
    pub rules: Arc<RuleSet>,
    pub scope: Scope,
    /// Suppressions, selection, baseline.
    pub gate: Gate,
    /// Record the findings here instead of reporting them.
    pub write_baseline: Option<PathBuf>,
    /// The configuration file in use.
    pub config: Option<PathBuf>,
    /// The user rule directories loaded into `rules`: `--rules`, then the
    /// configuration's `rules`.
    pub rule_dirs: Vec<PathBuf>,
    /// First-party paths from the configuration (`app`); recorded for
    /// discovery to use.
    pub app: Vec<PathBuf>,
    /// How Dockerfiles in the scanned trees are judged.
    pub dockerfile: crate::dockerfile::CheckOptions,
    /// Report findings in test code too.
    pub include_tests: bool,
}

fn usage_error(message: String, help: &str) -> miette::Report {
    miette::miette!(
        code = "distrolint::usage",
        help = help.to_string(),
        "{message}"
    )
}

impl CheckSettings {
    pub fn from_args(args: CheckArgs, color: bool) -> miette::Result<Self> {
        let paths = if args.paths.is_empty() {
            vec![PathBuf::from(".")]
        } else {
            args.paths.clone()
        };
        for path in &paths {
            // A path that does not exist is a usage error, not a finding:
            // checking nothing must not look like a clean result.
            if std::fs::symlink_metadata(path).is_err() {
                return Err(miette::miette!(
                    code = "distrolint::no_such_path",
                    help = "check the spelling; distrolint reads the paths it is given and the directories below them",
                    "no such file or directory: {}",
                    path.display()
                ));
            }
        }
        if args.threads == Some(0) {
            return Err(miette::miette!("--threads must be at least 1"));
        }
        if args.statistics && !matches!(args.format, Format::Human | Format::Json) {
            return Err(usage_error(
                "--statistics prints text or JSON".into(),
                "use it with --format human or --format json",
            ));
        }
        let cwd = std::env::current_dir()
            .map_err(|e| miette::miette!("cannot read the current directory: {e}"))?;
        let config_source = find_config(&args, &paths[0], &cwd)?;
        // User rules load before the configuration is checked: its
        // selectors may name their codes.
        let mut named_rule_dirs: Vec<(PathBuf, NamedBy)> = args
            .rules
            .iter()
            .map(|dir| (dir.clone(), NamedBy::User))
            .collect();
        if let Some(source) = &config_source {
            named_rule_dirs.extend(source.rule_dirs());
        }
        let rule_dirs: Vec<PathBuf> = named_rule_dirs.iter().map(|(d, _)| d.clone()).collect();
        if args.strict_config {
            refuse_suppressing_tree_rules(&named_rule_dirs)?;
        }
        let rules = if named_rule_dirs.is_empty() {
            crate::checks::builtin_rules().clone()
        } else {
            Arc::new(
                RuleSet::builtin_with_named_dirs(crate::checks::NATIVE, &named_rule_dirs)
                    .map_err(miette::Report::new)?,
            )
        };
        let known = catalogue(&rules);
        let config = config_source
            .map(|source| source.check(&known))
            .transpose()?;
        let lowered_by = lowering_in_effect(&args, config.as_ref())?;
        let image_dockerfiles = image_dockerfiles(&args, &paths)?;
        let (base, base_source, base_is_given) =
            choose_base(&args, config.as_ref(), &image_dockerfiles, &cwd)?;
        let judged_as_if = match base_is_given {
            true => pick::judged_as_if(&image_dockerfiles, args.target.as_deref(), &base)
                .into_iter()
                .map(|mut judged| {
                    judged.path =
                        PathBuf::from(crate::gate::paths::report_path(&judged.path, &cwd));
                    judged
                })
                .collect(),
            false => Vec::new(),
        };

        let select = match &args.select {
            Some(list) => Some(parse_flag_selectors("--select", list, &known)?),
            None => config.as_ref().and_then(|c| c.select.clone()),
        };
        let mut ignore = config
            .as_ref()
            .map(|c| c.ignore.clone())
            .unwrap_or_default();
        ignore.extend(parse_flag_selectors("--ignore", &args.ignore, &known)?);

        let mut gate = Gate::open(known, cwd);
        gate.selection = RuleSelection { select, ignore };
        gate.report_unused_ignores = args.report_unused_ignores;
        gate.lowered_by = lowered_by;
        if let Some(config) = &config {
            gate.exclude = PathPatterns::new(&config.root, &config.exclude)
                .map_err(|(_, e)| miette::miette!("invalid exclude glob: {e}"))?;
            for accept in &config.accept {
                let path = match &accept.path {
                    Some(glob) => Some(
                        PathPatterns::new(&config.root, std::slice::from_ref(glob))
                            .map_err(|(_, e)| miette::miette!("invalid glob `{glob}`: {e}"))?,
                    ),
                    None => None,
                };
                gate.accept.push((accept.clone(), path));
            }
            gate.config_path = Some(config.path.clone());
            for (pattern, selectors) in &config.per_file_ignores {
                let patterns = PathPatterns::new(&config.root, std::slice::from_ref(pattern))
                    .map_err(|(_, e)| miette::miette!("invalid glob `{pattern}`: {e}"))?;
                gate.per_file_ignores.push((patterns, selectors.clone()));
            }
        }
        if let Some(path) = &args.baseline {
            gate.baseline = Some((path.clone(), Baseline::load(path)?));
        }

        Ok(CheckSettings {
            rules,
            scope: args
                .scope
                .or(config.as_ref().and_then(|c| c.scope))
                .unwrap_or(Scope::All),
            include_tests: args.include_tests || config.as_ref().is_some_and(|c| c.include_tests),
            fail_on: args
                .fail_on
                .or(config.as_ref().and_then(|c| c.fail_on))
                .unwrap_or(FailOn::Error),
            paths,
            base,
            base_source,
            judged_as_if,
            format: args.format,
            output: args.output,
            exit_zero: args.exit_zero,
            statistics: args.statistics,
            threads: args.threads,
            color,
            gate,
            write_baseline: args.write_baseline,
            rule_dirs,
            app: config.as_ref().map(|c| c.app.clone()).unwrap_or_default(),
            dockerfile: crate::dockerfile::CheckOptions::new(
                args.target.clone(),
                base_is_given,
                &image_dockerfiles,
            ),
            config: config.map(|c| c.path),
        })
    }
}

/// The configuration's keys that lower the gate and that no flag
/// overrides; under `--strict-config`, an error when a configuration from
/// the scanned tree has any.
fn lowering_in_effect(
    args: &CheckArgs,
    config: Option<&Config>,
) -> miette::Result<Vec<config::Lowering>> {
    let Some(config) = config else {
        return Ok(Vec::new());
    };
    let overridden = |key: &str| match key {
        "fail-on" => args.fail_on.is_some() || args.exit_zero,
        "select" => args.select.is_some(),
        "scope" => args.scope.is_some(),
        "base-file" => args.base.is_some() || args.base_file.is_some(),
        _ => false,
    };
    let lowering: Vec<config::Lowering> = config
        .lowering
        .iter()
        .filter(|l| !overridden(&l.key))
        .cloned()
        .collect();
    if args.strict_config && matches!(config.named, NamedBy::Tree { .. }) && !lowering.is_empty() {
        let keys: Vec<String> = lowering.iter().map(|l| format!("  {l}")).collect();
        return Err(miette::miette!(
            code = "distrolint::strict_config",
            help = "under --strict-config a configuration in the scanned tree may only add checks; give the settings that remove them on the command line or with --config FILE from outside the tree",
            "the configuration {} lowers the gate, which --strict-config does not allow:\n{}",
            config.path.display(),
            keys.join("\n")
        ));
    }
    Ok(lowering)
}

/// Under `--strict-config`: a rule from a directory the scanned tree names
/// may add findings but not remove others with `suppresses`.
fn refuse_suppressing_tree_rules(dirs: &[(PathBuf, NamedBy)]) -> miette::Result<()> {
    for (dir, named) in dirs {
        if !matches!(named, NamedBy::Tree { .. }) {
            continue;
        }
        let only_these = RuleSet::builtin_with_named_dirs(
            crate::checks::NATIVE,
            &[(dir.clone(), named.clone())],
        )
        .map_err(miette::Report::new)?;
        if let Some(rule) = only_these
            .rules
            .iter()
            .find(|r| !r.is_builtin() && !r.suppresses.is_empty())
        {
            return Err(miette::miette!(
                code = "distrolint::strict_config",
                help = "under --strict-config rules from the scanned tree may only add findings",
                "rule {} ({}:{}) suppresses {}, which --strict-config does not allow",
                rule.code,
                rule.file,
                rule.line,
                rule.suppresses.join(", ")
            ));
        }
    }
    Ok(())
}

/// `--config FILE`, or the file found from the first scanned path upwards;
/// nothing with `--isolated`.
fn find_config(
    args: &CheckArgs,
    first_path: &Path,
    cwd: &Path,
) -> miette::Result<Option<ConfigSource>> {
    if args.isolated {
        return Ok(None);
    }
    if let Some(path) = &args.config {
        return match ConfigSource::read(path, NamedBy::User)? {
            Some(source) => Ok(Some(source)),
            None => Err(usage_error(
                format!("{} has no [tool.distrolint] table", path.display()),
                "add the table, or name a distrolint.toml",
            )),
        };
    }
    config::find(&crate::gate::paths::absolute(first_path, cwd))
}

/// The Dockerfiles that build the application's image: those named with
/// `--dockerfile`, else the ones in the conventional places of `paths`.
fn image_dockerfiles(args: &CheckArgs, paths: &[PathBuf]) -> miette::Result<Vec<PathBuf>> {
    if args.dockerfile.is_empty() {
        return Ok(pick::dockerfiles_among(paths));
    }
    for path in &args.dockerfile {
        if !path.is_file() {
            return Err(usage_error(
                format!("--dockerfile {}: no such file", path.display()),
                "name the Dockerfile that builds the application's image, relative to the current directory",
            ));
        }
    }
    Ok(args.dockerfile.clone())
}

/// The base, how it was chosen, and whether the user named it: `--base-file`,
/// `--base`, the configuration, the image's Dockerfiles, the default.
fn choose_base(
    args: &CheckArgs,
    config: Option<&Config>,
    dockerfiles: &[PathBuf],
    cwd: &Path,
) -> miette::Result<(BaseImage, String, bool)> {
    if let Some(file) = &args.base_file {
        return Ok((
            base::from_file(file)?,
            format!("--base-file {}", file.display()),
            true,
        ));
    }
    if let Some(name) = &args.base {
        return Ok((base::find(name)?, format!("--base {name}"), true));
    }
    if let Some(config) = config {
        let shown = crate::gate::paths::report_path(&config.path, cwd);
        match &config.base {
            Some(BaseChoice::Name(name)) => {
                return Ok((base::find(name)?, format!("base in {shown}"), true))
            }
            Some(BaseChoice::File(file)) => {
                let text = tree_files::read_text(file, &config.named).map_err(|e| match e {
                    ReadError::Refused(refused) => miette::Report::new(refused),
                    ReadError::Io(source) => miette::Report::new(base::BaseError::Read {
                        path: file.display().to_string(),
                        source,
                    }),
                })?;
                let show = config.named.may_show(&text);
                return Ok((
                    base::parse_manifest_shown(&file.display().to_string(), &text, show)?,
                    format!("base-file in {shown}"),
                    true,
                ));
            }
            None => {}
        }
    }
    let shown = |path: &Path| crate::gate::paths::report_path(path, cwd);
    match pick::base_from_dockerfiles(
        dockerfiles,
        args.target.as_deref(),
        &base::builtin(),
        &shown,
    ) {
        Ok(Some(picked)) => Ok((picked.base, picked.source, false)),
        Ok(None) => Ok((
            base::find(base::DEFAULT_BASE)?,
            "default".to_string(),
            false,
        )),
        Err(error) => Err(miette::miette!(
            code = "distrolint::dockerfile_base",
            help = error.help,
            "{}",
            error.message
        )),
    }
}

fn parse_flag_selectors(
    flag: &str,
    list: &[String],
    known: &[RuleInfo],
) -> miette::Result<Vec<Selector>> {
    let mut out = Vec::new();
    for item in list {
        out.extend(select::parse_list(item, known).map_err(|reason| {
            usage_error(
                format!("{flag}: {reason}"),
                "`distrolint check --statistics` shows the codes found; docs/ci.md lists the families",
            )
        })?);
    }
    Ok(out)
}
