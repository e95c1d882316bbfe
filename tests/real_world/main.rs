//! Real packages from PyPI and Debian (fetched and cached by scripts/), the truth test under chroot, the Wagtail site, and the labelled real applications.
//!
//! One test binary per group: forty binaries spent most of a test build
//! linking the same library forty times.

#[path = "../support/mod.rs"]
mod support;

mod interpreter_venv;
mod packages;
mod python_wheels;
mod realapps;
mod root_spelling;
mod truth;
mod wagtail_site;
