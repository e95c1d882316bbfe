//! Settings: the command line turned into what a check needs.
//!
//! This is where a base name becomes a loaded manifest and where defaults
//! are applied, so that the scan and the reporters never look at raw flags.

use std::path::PathBuf;

use crate::base::{self, BaseImage};
use crate::cli::{CheckArgs, FailOn};
use crate::python::RuleSet;
use crate::report::Format;
use crate::scan::Scope;
use std::sync::Arc;

#[derive(Debug, Clone)]
pub struct CheckSettings {
    pub paths: Vec<PathBuf>,
    pub base: BaseImage,
    /// How the base was chosen, shown in reports.
    pub base_source: String,
    pub format: Format,
    pub fail_on: FailOn,
    pub threads: Option<usize>,
    pub color: bool,
    pub rules: Arc<RuleSet>,
    pub scope: Scope,
}

impl CheckSettings {
    pub fn from_args(args: CheckArgs, color: bool) -> miette::Result<Self> {
        let (base, base_source) = if let Some(file) = &args.base_file {
            (
                base::from_file(file)?,
                format!("--base-file {}", file.display()),
            )
        } else if let Some(name) = &args.base {
            (base::find(name)?, format!("--base {name}"))
        } else {
            (base::find(base::DEFAULT_BASE)?, "default".to_string())
        };
        let paths = if args.paths.is_empty() {
            vec![PathBuf::from(".")]
        } else {
            args.paths
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
        let rules = RuleSet::builtin()
            .map_err(|e| miette::miette!("the built-in rules do not load: {e}"))?;
        Ok(CheckSettings {
            rules: Arc::new(rules),
            scope: args.scope,
            paths,
            base,
            base_source,
            format: args.format,
            fail_on: args.fail_on,
            threads: args.threads,
            color,
        })
    }
}
