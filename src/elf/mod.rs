//! ELF analysis: what each shared object needs, and whether the base image
//! (plus the scanned tree) provides it.
//!
//! Discovery hands over every ELF file it found, already inspected, together
//! with the symlinks of the scanned roots; this module simulates the dynamic
//! loader of the *target image* over them. It never reads the host's
//! libraries, `/etc/ld.so.conf` or `LD_LIBRARY_PATH`.
//!
//! The pieces, in the order data flows through them: `loader_view` reads the
//! parts of one file that linking uses and `inspect` what they say; `tree_fs` is the scanned tree as an in-memory file system;
//! `search_path` turns RPATH/RUNPATH entries into places to look; `resolve`
//! is the loader simulation; `check` picks the roots and turns their loads
//! into findings through `rules` (one file per code, listed in `rules::CHECKS`);
//! `python_abi` is what Python makes of an extension's file name.

pub mod check;
pub mod inspect;
mod library_hints;
pub mod loader_view;
pub mod python_abi;
pub mod resolve;
pub mod rules;
pub mod search_path;
pub mod tree_fs;

use std::path::PathBuf;

pub use crate::discovery::TreeSymlink;
use crate::finding::Distribution;
pub use check::check_tree;
pub use inspect::{ElfError, ElfInfo};

/// One ELF file of the scanned tree.
#[derive(Debug, Clone)]
pub struct ElfObject {
    /// Lexically normalised path as discovered (root joined with the path
    /// below it); this is also what findings show.
    pub path: PathBuf,
    /// Index into `ElfTree::roots` of the root it was found under.
    pub root: usize,
    pub info: ElfInfo,
    pub distribution: Option<Distribution>,
    /// The `Tag:` values of the distribution's `WHEEL` file
    /// (`cp311-cp311-manylinux_2_17_x86_64`, `cp37-abi3-…`), when known.
    pub wheel_tags: Vec<String>,
}

/// Everything the loader simulation needs from discovery.
#[derive(Debug, Clone, Default)]
pub struct ElfTree {
    pub roots: Vec<PathBuf>,
    /// Where each root really is on this machine (absolute, through the
    /// links of its spelling), when known. An absolute RUNPATH that points
    /// there points into the tree: a venv is copied to the path it was
    /// built at. Empty when unknown.
    pub root_locations: Vec<PathBuf>,
    pub objects: Vec<ElfObject>,
    pub symlinks: Vec<TreeSymlink>,
}
