//! `distrolint bases`: list and show the base image manifests.

use std::fmt::Write as _;

use crate::base::{self, BaseImage, LibcKind};
use crate::cli::ShowFormat;

fn yes_no(value: bool) -> &'static str {
    if value {
        "yes"
    } else {
        "no"
    }
}

fn libc_label(base: &BaseImage) -> String {
    match base.libc.kind {
        LibcKind::None => "none".into(),
        LibcKind::Musl => format!("musl {}", base.libc.version.as_deref().unwrap_or("?")),
        LibcKind::Glibc => format!(
            "glibc {}",
            base.libc
                .newest_versions
                .get("GLIBC")
                .or(base.libc.version.as_ref())
                .map(String::as_str)
                .unwrap_or("?")
        ),
    }
}

/// One row per built-in base: name, aliases, Python, C library, /bin/sh.
pub fn list() -> String {
    let bases = base::builtin();
    let rows: Vec<[String; 5]> = bases
        .iter()
        .filter(|b| b.variant_tag.is_none())
        .map(|b| {
            [
                b.name.clone(),
                b.python
                    .as_ref()
                    .map(|p| p.version.clone())
                    .unwrap_or_else(|| "-".into()),
                libc_label(b),
                yes_no(b.facts.bin_sh).to_string(),
                b.aliases.join(", "),
            ]
        })
        .collect();
    let header = ["NAME", "PYTHON", "LIBC", "/bin/sh", "ALIASES"];
    let mut widths = header.map(str::len);
    for row in &rows {
        for (w, cell) in widths.iter_mut().zip(row) {
            *w = (*w).max(cell.chars().count());
        }
    }
    let mut out = String::new();
    let mut line = |cells: &[&str]| {
        let mut text = String::new();
        for (i, cell) in cells.iter().enumerate() {
            if i + 1 == cells.len() {
                text.push_str(cell);
            } else {
                let _ = write!(text, "{cell:<width$}  ", width = widths[i]);
            }
        }
        out.push_str(text.trim_end());
        out.push('\n');
    };
    line(&header);
    for row in &rows {
        let cells: Vec<&str> = row.iter().map(String::as_str).collect();
        line(&cells);
    }
    let mut tags: Vec<&str> = bases
        .iter()
        .filter_map(|b| b.variant_tag.as_deref())
        .collect();
    tags.sort();
    tags.dedup();
    if !tags.is_empty() {
        let _ = writeln!(
            out,
            "\nTags with their own USER and WORKDIR over the same files: {} (`NAME:TAG`).",
            tags.iter()
                .map(|t| format!(":{t}"))
                .collect::<Vec<_>>()
                .join(", ")
        );
    }
    let _ = writeln!(
        out,
        "\nDefault: {}. Use `distrolint bases show NAME` for details.",
        base::DEFAULT_BASE
    );
    out
}

pub fn show(name: &str, format: ShowFormat) -> miette::Result<String> {
    let base = base::find(name)?;
    Ok(match format {
        ShowFormat::Toml => toml::to_string_pretty(&base).map_err(|e| miette::miette!("{e}"))?,
        ShowFormat::Json => {
            let mut text =
                serde_json::to_string_pretty(&base).map_err(|e| miette::miette!("{e}"))?;
            text.push('\n');
            text
        }
        ShowFormat::Summary => summary(&base),
    })
}

/// ` (nonroot)` when the image's passwd names the numeric `user`.
fn account_name(base: &BaseImage, user: &str) -> String {
    user.parse::<u32>()
        .ok()
        .and_then(|uid| base.facts.accounts.iter().find(|a| a.uid == uid))
        .map(|a| format!(" ({})", a.name))
        .unwrap_or_default()
}

fn summary(base: &BaseImage) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "{}", base.name);
    let _ = writeln!(out, "  {}", base.summary);
    let _ = writeln!(out, "  images:        {}", base.images.join(", "));
    if !base.aliases.is_empty() {
        let _ = writeln!(out, "  aliases:       {}", base.aliases.join(", "));
    }
    let _ = writeln!(out, "  architecture:  {}", base.architecture);
    let _ = writeln!(out, "  C library:     {}", libc_label(base));
    for (family, version) in &base.libc.newest_versions {
        let _ = writeln!(out, "    newest {family}_{version}");
    }
    match &base.python {
        Some(p) => {
            let _ = writeln!(
                out,
                "  Python:        {} ({}) at {}",
                p.version, p.soabi, p.executable
            );
        }
        None => {
            let _ = writeln!(out, "  Python:        none");
        }
    }
    let _ = writeln!(out, "  /bin/sh:       {}", yes_no(base.facts.bin_sh));
    let _ = writeln!(out, "  /usr/bin/env:  {}", yes_no(base.facts.usr_bin_env));
    let _ = writeln!(out, "  ld.so.cache:   {}", yes_no(base.loader.ld_so_cache));
    let _ = writeln!(out, "  ldconfig:      {}", yes_no(base.facts.ldconfig));
    let _ = writeln!(out, "  zoneinfo:      {}", yes_no(base.facts.zoneinfo));
    let _ = writeln!(
        out,
        "  CA bundle:     {}",
        base.facts.ca_bundle.as_deref().unwrap_or("none")
    );
    let _ = writeln!(
        out,
        "  locales:       {}",
        if base.facts.locales.is_empty() {
            "none beyond C/POSIX".to_string()
        } else {
            base.facts.locales.join(", ")
        }
    );
    let _ = writeln!(
        out,
        "  LANG:          {}",
        base.facts.lang.as_deref().unwrap_or("not set (\"\" is C)")
    );
    let _ = writeln!(
        out,
        "  ENTRYPOINT:    {}",
        if base.facts.entrypoint.is_empty() {
            "not set".to_string()
        } else {
            serde_json::to_string(&base.facts.entrypoint).unwrap_or_default()
        }
    );
    let _ = writeln!(
        out,
        "  USER:          {}",
        match &base.facts.user {
            Some(user) => format!("{user}{}", account_name(base, user)),
            None => "not set (root)".to_string(),
        }
    );
    let _ = writeln!(
        out,
        "  WORKDIR:       {}",
        base.facts.workdir.as_deref().unwrap_or("not set (/)")
    );
    for variant in &base.tag_variants {
        let _ = writeln!(
            out,
            "    tag :{}: USER {}{}, WORKDIR {}",
            variant.tag,
            variant.user,
            account_name(base, &variant.user),
            variant.workdir
        );
    }
    let _ = writeln!(
        out,
        "  accounts:      {}",
        if base.facts.accounts.is_empty() {
            "not known".to_string()
        } else {
            base.facts
                .accounts
                .iter()
                .map(|a| format!("{} ({})", a.name, a.uid))
                .collect::<Vec<_>>()
                .join(", ")
        }
    );
    let _ = writeln!(
        out,
        "  library path:  {}",
        base.loader.default_search_path.join(":")
    );
    let _ = writeln!(
        out,
        "  libraries:     {}",
        base.libraries
            .iter()
            .filter(|l| l.link_target.is_none())
            .count()
    );
    let runnable: Vec<String> = base
        .executables
        .iter()
        .map(|e| {
            let name = e.path.rsplit('/').next().unwrap_or(&e.path);
            if e.runnable {
                name.to_string()
            } else {
                format!("{name} (cannot run)")
            }
        })
        .collect();
    let _ = writeln!(out, "  executables:   {}", runnable.join(", "));
    let _ = writeln!(
        out,
        "  provenance:    {} ({})",
        base.provenance.method, base.provenance.date
    );
    out
}
