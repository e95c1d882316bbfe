//! Test code: what a test runner collects, not what the image runs.
//!
//! Test suites start the project's own command line, call `git`, `gcc` or a
//! shell to build fixtures, and load libraries to poke at them; none of it
//! runs in the container, and on real applications it was most of what was
//! reported. A file is test code by the conventions the runners themselves
//! use, read below its package tree (or below the scanned root for the
//! application):
//!
//! - a directory named `tests`, `test`, `testing` or `_testing` on the way
//!   (pytest's and unittest's layout; `numpy/_core/tests`,
//!   `numpy/testing`, `pandas/_testing`, Django's `tests/` packages);
//! - a file pytest collects: `test_*.py`, `*_test.py`, and its
//!   `conftest.py`;
//! - Django's per-app `tests.py`.
//!
//! The application's build, documentation, CI and example tooling and its
//! web assets are left out the same way ([`is_tooling`]): `setup.py` at its
//! root, and `docs/`, `examples/`, `ci/`, `.github/`, `static/`,
//! `node_modules/` and the like anywhere in it.
//!
//! Names alone decide, so a module that happens to be called `testing` in
//! production code is left out too; `--include-tests` reports everything,
//! and the report always says how many findings were left out.

use std::path::Path;

use super::normal_parts;

const TEST_DIRS: &[&str] = &["tests", "test", "testing", "_testing"];

/// Directories of an application that hold what builds, documents or
/// demonstrates it, never what its image runs: Sphinx's `docs/conf.py`
/// calling `make`, CI jobs, the examples' own images and scripts; and its
/// web assets, which a web server serves and nothing executes (an npm
/// package's `bin/cli.js` vendored under `static/`).
const TOOLING_DIRS: &[&str] = &[
    "static",
    "node_modules",
    "bower_components",
    "docs",
    "doc",
    "examples",
    "example",
    "benchmarks",
    "ci",
    ".ci",
    ".github",
    ".gitlab",
    ".circleci",
    ".devcontainer",
];

/// Files at an application's root that only packaging and developer
/// tools run: `setup.py` runs when a wheel is built (in the build stage, if
/// at all), nox, fabric, doit and paver files on developers' machines.
const TOOLING_FILES: &[&str] = &[
    "setup.py",
    "noxfile.py",
    "fabfile.py",
    "dodo.py",
    "pavement.py",
];

/// Whether `relative` (a path of the application below its scanned root)
/// is build, documentation, CI or example tooling rather than the
/// application.
pub fn is_tooling(relative: &Path) -> bool {
    match normal_parts(relative).split_last() {
        Some((file, [])) => TOOLING_FILES.contains(file),
        Some((_, dirs)) => dirs.iter().any(|dir| TOOLING_DIRS.contains(dir)),
        None => false,
    }
}

/// Whether `relative` (a path below its package tree or scanned root) is
/// test code.
pub fn is_test_code(relative: &Path) -> bool {
    let mut components = normal_parts(relative);
    let Some(file) = components.pop() else {
        return false;
    };
    if components.iter().any(|dir| TEST_DIRS.contains(dir)) {
        return true;
    }
    let Some(stem) = file.strip_suffix(".py") else {
        return false;
    };
    stem.starts_with("test_") || stem.ends_with("_test") || stem == "conftest" || stem == "tests"
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn build_docs_ci_and_examples_are_tooling() {
        for path in [
            "setup.py",
            "noxfile.py",
            "docs/source/conf.py",
            "examples/postgres/hub/Dockerfile",
            "ci/check_sdist.py",
            ".github/workflows/build.sh",
            "share/app/examples/run.sh",
            "share/app/static/components/requirejs/bin/r.js",
            "frontend/node_modules/.bin/webpack",
        ] {
            assert!(is_tooling(Path::new(path)), "{path}");
        }
        for path in [
            "app/setup.py",
            "app/views.py",
            "manage.py",
            "Dockerfile",
            "documents/consumer.py",
            "scripts/entrypoint.sh",
        ] {
            assert!(!is_tooling(Path::new(path)), "{path}");
        }
    }

    #[test]
    fn the_runners_conventions_are_test_code() {
        for path in [
            "tests/test_views.py",
            "tests/fixtures/run.sh",
            "numpy/_core/tests/_locales.py",
            "numpy/_core/tests/examples/cython/checks.cpython-313-x86_64-linux-gnu.so",
            "numpy/testing/_private/utils.py",
            "pandas/_testing/__init__.py",
            "app/test_models.py",
            "app/models_test.py",
            "conftest.py",
            "polls/tests.py",
            "test/support/script_helper.py",
        ] {
            assert!(is_test_code(Path::new(path)), "{path}");
        }
    }

    #[test]
    fn code_that_only_mentions_tests_is_not() {
        for path in [
            "app/views.py",
            "testsuite_runner.py",
            "app/contest.py",
            "app/latest.py",
            "attestation/verify.py",
            "tests",
            "app/test_data.json",
            "pytest/__init__.py",
            "_pytest/python.py",
            "app/testing_tools.py",
        ] {
            assert!(!is_test_code(Path::new(path)), "{path}");
        }
    }
}
