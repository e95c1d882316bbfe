//! DL101: a needed library that neither the image nor the scanned tree has.

use std::path::Path;

use serde_json::Value;

use super::NativeCheck;
use super::{chain_clause, describe, LoadView, Subject};
use crate::base::BaseImage;
use crate::elf::inspect::machine_name;
use crate::elf::library_hints::LibraryHints;
use crate::elf::resolve::{Incompatibility, MissingLibrary};
use crate::elf::search_path::DirIssue;
use crate::elf::tree_fs::{normalize_path, relative_path};
use crate::elf::ElfObject;
use crate::finding::Finding;
use crate::rules::RuleSet;

pub const CHECK: NativeCheck = NativeCheck {
    code: "DL101",
    variants: &["needed", "interpreter"],
    placeholders: &[
        "headline",
        "needer",
        "library",
        "whereabouts",
        "chain",
        "rejected",
        "outcome",
        "outside",
        "unreached",
        "package-note",
        "fixes",
        "object",
        "interpreter",
        "loader-note",
        "loader",
    ],
    templates: true,
};

/// DL101 for one name a root's load could not find.
pub fn finding(view: &LoadView<'_, '_>, missing: &MissingLibrary, first_missing: bool) -> Finding {
    let tree = view.resolver.tree();
    let base = view.resolver.base();
    let root = view.root();
    let requester = missing.requested_by[0];
    let mut chain = view.chain(requester);
    chain.push(missing.name.clone());
    let needed_by = view.name(requester);

    let wrong_class = missing
        .rejected
        .iter()
        .find(|r| r.why == Incompatibility::Class);
    let error = match wrong_class {
        Some(r) => format!(
            "{}: wrong ELF class: ELFCLASS{}",
            missing.name,
            if tree.objects[r.object].info.is_64 {
                64
            } else {
                32
            }
        ),
        None => format!(
            "{}: cannot open shared object file: No such file or directory",
            missing.name
        ),
    };
    let who = if requester == 0 {
        "it".to_string()
    } else {
        needed_by.clone()
    };
    let off_path: Vec<&ElfObject> = missing.off_path.iter().map(|&i| &tree.objects[i]).collect();
    let whereabouts = if off_path.is_empty() {
        "which is in neither the image nor the scanned tree".to_string()
    } else {
        let paths: Vec<String> = off_path
            .iter()
            .map(|o| o.path.display().to_string())
            .collect();
        format!(
            "which the image lacks; the scanned tree has it at {}, but no RPATH/RUNPATH of {} leads there",
            paths.join(" and "),
            if requester == 0 { "it".to_string() } else { needed_by.clone() }
        )
    };
    let mut rejected_notes = String::new();
    for rejected in &missing.rejected {
        let object = &tree.objects[rejected.object];
        rejected_notes.push_str(&format!(
            " {} has that name but is built for {}; the loader skips it.",
            object.path.display(),
            machine_name(object.info.machine, object.info.is_64)
        ));
    }
    let outcome = if first_missing {
        format!(" {}.", view.subject.raises(&error))
    } else if let Some(first) = view.load.missing.first().filter(|f| f.name != missing.name) {
        format!(
            " The loader stops at {} first; this library is missing as well.",
            first.name
        )
    } else {
        String::new()
    };
    let mut outside = String::new();
    let requester_object = view.tree_object(requester);
    if let Some(index) = view.load.loaded[requester].provider.tree_index() {
        let paths = view.resolver.search_path(index);
        for (kind, entries) in [("RPATH", &paths.rpath), ("RUNPATH", &paths.runpath)] {
            for entry in entries
                .iter()
                .filter(|e| e.issue == Some(DirIssue::OutsideTree))
            {
                outside.push_str(&format!(
                    " Its {kind} entry `{}` leads outside the scanned directory; if the library is there, scan the directory that contains it too.",
                    entry.written
                ));
            }
        }
    }
    let (package_note, fixes) = help(
        base,
        &missing.name,
        root,
        requester_object,
        off_path.first().copied(),
    );

    let mut finding = super::finding(
        view.rules,
        &CHECK,
        root,
        base,
        Some("needed"),
        |s| view.subject.severity(s),
        &[
            ("headline", view.headline()),
            ("needer", who),
            ("library", missing.name.clone()),
            ("whereabouts", whereabouts),
            ("chain", chain_clause(&chain)),
            ("rejected", rejected_notes),
            ("outcome", outcome),
            ("outside", outside),
            ("unreached", view.subject.unreached_note(root)),
            ("package-note", package_note),
            ("fixes", fixes),
        ],
    )
    .with_field("library", missing.name.clone())
    .with_field("chain", chain)
    .with_field("needed_by", needed_by)
    .with_field("first_missing", first_missing)
    .with_field("error", error)
    .with_field("searched", missing.searched.clone());
    if !off_path.is_empty() {
        let paths: Vec<Value> = off_path
            .iter()
            .map(|o| Value::from(o.path.display().to_string()))
            .collect();
        finding = finding.with_field("in_tree", paths);
    }
    if missing.requested_by.len() > 1 {
        let others: Vec<Value> = missing.requested_by[1..]
            .iter()
            .map(|&i| Value::from(view.name(i)))
            .collect();
        finding = finding.with_field("also_needed_by", others);
    }
    finding
}

fn help(
    base: &BaseImage,
    name: &str,
    root: &ElfObject,
    requester: Option<&ElfObject>,
    in_tree: Option<&ElfObject>,
) -> (String, String) {
    let hints = LibraryHints::get();
    let lib_dir = base
        .loader
        .default_search_path
        .iter()
        .find(|d| d.starts_with("/usr/lib/"))
        .or_else(|| base.loader.default_search_path.first())
        .cloned()
        .unwrap_or_else(|| "/usr/lib".into());
    let requester_file = requester
        .and_then(|o| o.path.file_name())
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "the object that needs it".into());
    let mut fixes = Vec::new();
    match (requester, in_tree) {
        (Some(requester), Some(found)) if requester.root == found.root => {
            let from = normalize_path(requester.path.parent().unwrap_or(Path::new("")));
            let to = normalize_path(found.path.parent().unwrap_or(Path::new("")));
            let relative = relative_path(&from, &to);
            let runpath = if relative.as_os_str().is_empty() {
                "$ORIGIN".to_string()
            } else {
                format!("$ORIGIN/{}", relative.display())
            };
            fixes.push(format!(
                "point the RUNPATH of {requester_file} at the copy in the tree (`patchelf --set-rpath '{runpath}' {requester_file}`)"
            ));
            fixes.push(format!("copy it into {lib_dir}, which the loader searches"));
        }
        _ => {
            fixes.push(format!(
                "copy {name} and the libraries it needs from the build stage into {lib_dir}, which the loader searches (`COPY --from=build {lib_dir}/{name}* {lib_dir}/`)"
            ));
            fixes.push(format!(
                "place it beside the package and give {requester_file} a RUNPATH of `$ORIGIN` (`auditwheel repair` vendors libraries this way into `<package>.libs/`)"
            ));
        }
    }
    if let Some(dist) = &root.distribution {
        fixes.push(format!(
            "install a manylinux wheel of {0} that vendors its libraries (`pip install --only-binary :all: {0}`; some projects publish it as a separate package, such as psycopg2-binary)",
            dist.name
        ));
    }
    let bases = hints.bases_providing(name, base);
    if !bases.is_empty() {
        fixes.push(format!("choose a base that ships it: {}", bases.join(", ")));
    }
    let package_note = hints
        .package(name)
        .map(|package| format!("Debian ships {name} in the package {package}. "))
        .unwrap_or_default();
    let fixes = fixes.join("; or ");
    let mut chars = fixes.chars();
    let fixes = match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    };
    (package_note, fixes)
}

/// DL101 for a program whose PT_INTERP the image lacks: the kernel cannot
/// start it at all.
pub fn missing_interpreter(
    rules: &RuleSet,

    object: &ElfObject,
    interpreter: &str,
    base: &BaseImage,
    subject: Subject,
) -> Finding {
    let present = base
        .loader
        .interpreter
        .as_deref()
        .map(|i| format!(" (the image's loader is {i})"))
        .unwrap_or_default();
    super::finding(
        rules,
        &CHECK,
        object,
        base,
        Some("interpreter"),
        |s| subject.severity(s),
        &[
            ("object", describe(object)),
            ("interpreter", interpreter.to_string()),
            ("loader-note", present),
            (
                "loader",
                base.loader
                    .interpreter
                    .as_deref()
                    .unwrap_or("/lib64/ld-linux-x86-64.so.2")
                    .to_string(),
            ),
        ],
    )
    .with_field("library", interpreter)
    .with_field(
        "chain",
        vec![object.path.display().to_string(), interpreter.to_string()],
    )
    .with_field("needed_by", object.path.display().to_string())
    .with_field("first_missing", true)
    .with_field("error", "No such file or directory")
}
