//! Embeds the data files under `rules/` into the binary, so that adding a base
//! manifest or a rule file needs no change to Rust code.

use std::env;
use std::fmt::Write as _;
use std::fs;
use std::path::Path;

fn main() {
    let out_dir = env::var("OUT_DIR").expect("cargo sets OUT_DIR");
    let root = env::var("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR");
    embed(
        &root,
        "rules/bases",
        "toml",
        &Path::new(&out_dir).join("embedded_bases.rs"),
    );
    embed(
        &root,
        "rules",
        "toml",
        &Path::new(&out_dir).join("embedded_rules.rs"),
    );
}

/// Writes `&[(file name, contents)]` for every `*.EXT` directly in `dir`,
/// sorted by name so the binary does not depend on directory order.
fn embed(root: &str, dir: &str, ext: &str, out: &Path) {
    let dir_path = Path::new(root).join(dir);
    println!("cargo:rerun-if-changed={}", dir_path.display());
    let mut names: Vec<String> = fs::read_dir(&dir_path)
        .map(|entries| {
            entries
                .filter_map(Result::ok)
                .filter(|e| e.file_type().map(|t| t.is_file()).unwrap_or(false))
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .filter(|n| n.ends_with(&format!(".{ext}")))
                .collect()
        })
        .unwrap_or_default();
    names.sort();
    let mut code = String::from("&[\n");
    for name in &names {
        let path = dir_path.join(name);
        println!("cargo:rerun-if-changed={}", path.display());
        writeln!(
            code,
            "    ({:?}, include_str!({:?})),",
            name,
            path.display().to_string()
        )
        .unwrap();
    }
    code.push_str("]\n");
    fs::write(out, code).expect("write embedded file list");
}
