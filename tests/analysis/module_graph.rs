//! The module structure of `src/`: no circle of files that name each other,
//! and no file that names a module of a higher layer than its own (`LAYERS`).
//!
//! Each file is a node; an arrow is a path the file spells out: a `use`
//! tree, or an inline `crate::`, `super::` or `self::` path (and, in the
//! file that declares a module, a path starting with that module's name).
//! A text scanner finds them, not a Rust parser: the paths are all the graph
//! needs, and std alone reads the ~140 files in milliseconds. A form the
//! scanner does not know would hide arrows silently, so
//! `scanner_reads_the_forms_used_in_src` pins the forms this crate uses.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// Each top-level module of `src/` (the file's or folder's name; `lib` is
/// `src/lib.rs` alone, `main` the binary) and its layer, lower = more basic.
/// A file may name modules of its own layer or below. A module missing here
/// fails the test, so that a new module's place is decided, not inherited.
const LAYERS: &[(&str, u32)] = &[
    ("finding", 0),
    ("dollar_names", 0),
    ("output_file", 0),
    ("tree_files", 0),
    ("text_position", 0),
    ("discovery", 1),
    ("base", 2),
    ("provided_programs", 2),
    ("options", 2),
    ("rules", 3),
    ("python", 4),
    ("elf", 4),
    ("interpreter", 4),
    ("dockerfile", 4),
    ("starters", 4),
    ("checks", 5),
    ("base_import", 8),
    ("scan", 5),
    ("gate", 6),
    ("report", 7),
    ("cli", 8),
    ("settings", 8),
    ("rules_cmd", 8),
    ("bases_cmd", 8),
    ("lib", 9),
    ("main", 10),
];

/// The binary's own module path: `crate::` in `src/main.rs` means the
/// binary, and its `distrolint::` means the library's root.
const BINARY: &str = "(binary)";

#[test]
fn src_has_no_module_circles_and_no_upward_arrows() {
    let graph = Graph::read(&Path::new(env!("CARGO_MANIFEST_DIR")).join("src"));
    assert!(
        graph.files.len() > 1 && graph.modules.contains_key(&[][..]),
        "no src/lib.rs among {} files: the test reads the wrong directory",
        graph.files.len()
    );
    let problems = graph.problems(LAYERS);
    assert!(
        problems.is_empty(),
        "the modules of src/ (graph and LAYERS in {}):\n{}",
        file!(),
        problems.join("\n")
    );
}

/// The scanner on the forms `src/` writes: if one of them stopped being
/// read, arrows would vanish and the graph test would pass on a broken tree.
#[test]
fn scanner_reads_the_forms_used_in_src() {
    let text = r###"
        //! Docs name crate::doc_comment and /* crate::not_a_block */.
        /// crate::doc_line
        /* crate::block /* nested crate::deeper */ still crate::comment */
        use crate::finding::{self, Family, Finding};
        pub use crate::rules::NativeCheck;
        pub(crate) use verdict::{is_python, is_shell};
        use crate::a::{b, c::{d, e as f}, g::*};
        use super::super::up::Thing;
        use self::child::{parse as parse_it, Error};
        use ::external::Ignored;
        use crate::{
            base::BaseImage,
            scan::ScanStats,
        };
        #[cfg(test)]
        #[path = "check_tests.rs"]
        mod tests;
        #[diagnostic(code(crate::not_a_path), help("{}", crate::nor_this))]
        #![allow(crate::nor_this)]
        pub mod verdict;
        fn f<'a>(x: &'a str) -> char {
            let s = "crate::in_string \" crate::after_escape";
            let r = r#"crate::in_raw "quoted" crate::raw"#;
            let q = ('"', '\'', b'"', '\u{2192}', '→');
            let code = crate::python::UNDECODABLE;
            super::template::render(x, Self::new(), Vec::<u8>::new());
            verdict::is_python(x)
        }
        mod inline {
            use super::*;
            fn g() { crate::inner::call(); }
        }
        fn h() { crate::after_inline::X; }
    "###;
    let scanned = scan(&lex(text));
    assert_eq!(
        scanned.children,
        [
            ("tests".to_string(), Some("check_tests.rs".to_string())),
            ("verdict".to_string(), None),
        ]
    );
    let found: Vec<String> = scanned
        .paths
        .iter()
        .map(|p| {
            let inline = p.inline.iter().map(|m| format!("{m}/")).collect::<String>();
            format!("{inline}{}", p.segments.join("::"))
        })
        .collect();
    let expected = [
        "crate::finding::self",
        "crate::finding::Family",
        "crate::finding::Finding",
        "crate::rules::NativeCheck",
        "verdict::is_python",
        "verdict::is_shell",
        "crate::a::b",
        "crate::a::c::d",
        "crate::a::c::e",
        "crate::a::g::*",
        "super::super::up::Thing",
        "self::child::parse",
        "self::child::Error",
        "::::external::Ignored",
        "crate::base::BaseImage",
        "crate::scan::ScanStats",
        "crate::python::UNDECODABLE",
        "super::template::render",
        "verdict::is_python",
        "inline/super::*",
        "inline/crate::inner::call",
        "crate::after_inline::X",
    ];
    assert_eq!(found, expected);
}

/// Where paths lead: `super` from a file, from an inline module and from a
/// `#[path]` file; `crate::` and `distrolint::` in the binary and in a
/// module it declares; a module's parts.
#[test]
fn paths_lead_to_the_files_rust_reads() {
    let files = [
        (
            "src/lib.rs",
            "pub mod a; pub mod b; use a::Thing; pub struct Root;",
        ),
        (
            "src/main.rs",
            "use distrolint::b::Other; mod cmd; pub struct Args;
             #[diagnostic(code(distrolint::b::not_a_path))] struct E;
             fn main() { distrolint::a::x::run(); }",
        ),
        ("src/cmd.rs", "use crate::Args; use distrolint::b::Other;"),
        (
            "src/a/mod.rs",
            "pub mod x; pub use x::run; pub struct Thing;",
        ),
        (
            "src/a/x.rs",
            "use super::Thing; use crate::b::Other; pub fn run() {}
             #[cfg(test)] #[path = \"x_tests.rs\"] mod tests;
             #[cfg(test)] mod inline { use super::*; }",
        ),
        (
            "src/a/x_tests.rs",
            "use super::run; use super::super::super::Root;",
        ),
        (
            "src/b.rs",
            "pub struct Other; fn f() { crate::a::x::run(); super::Root; }",
        ),
    ];
    let graph = Graph::new(
        files
            .iter()
            .map(|(path, text)| (path.to_string(), text.to_string()))
            .collect(),
    );
    let arrows: Vec<String> = graph
        .arrows()
        .iter()
        .map(|(&(from, to), names)| {
            let names: Vec<&str> = names.iter().map(String::as_str).collect();
            let (from, to) = (&graph.files[from].path, &graph.files[to].path);
            format!("{from} -> {to}: {}", names.join(", "))
        })
        .collect();
    assert_eq!(
        arrows,
        [
            "src/a/mod.rs -> src/a/x.rs: run",
            "src/a/x.rs -> src/b.rs: Other",
            "src/b.rs -> src/a/x.rs: run",
            "src/b.rs -> src/lib.rs: Root",
            "src/cmd.rs -> src/b.rs: Other",
            "src/cmd.rs -> src/main.rs: Args",
            "src/lib.rs -> src/a/mod.rs: Thing",
            "src/main.rs -> src/a/x.rs: run",
            "src/main.rs -> src/b.rs: Other",
        ],
        "x_tests.rs is test code (declared under #[cfg(test)]): no arrow of it counts"
    );
    assert_eq!(
        graph.problems(&[("a", 1), ("b", 0), ("lib", 2), ("gone", 0)]),
        [
            "circle 1 of 4 files: src/a/mod.rs, src/a/x.rs, src/b.rs, src/lib.rs",
            "  src/a/mod.rs -> src/a/x.rs: run",
            "  src/a/x.rs -> src/b.rs: Other",
            "  src/b.rs -> src/a/x.rs: run",
            "  src/b.rs -> src/lib.rs: Root",
            "  src/lib.rs -> src/a/mod.rs: Thing",
            "upward: b (0) -> a (1): src/b.rs -> src/a/x.rs: run",
            "upward: b (0) -> lib (2): src/b.rs -> src/lib.rs: Root",
            "add src/cmd to LAYERS",
            "add src/main to LAYERS",
            "remove gone from LAYERS: there is no src/gone",
        ]
    );
}

#[derive(Debug, Clone, PartialEq)]
enum Tok {
    Ident(String),
    /// A string literal's text, escapes as written: only `#[path]` reads it.
    Str(String),
    /// `::`
    Sep,
    Punct(u8),
}

fn is_ident(c: u8) -> bool {
    c.is_ascii_alphanumeric() || c == b'_' || c >= 0x80
}

/// The file's tokens, without comments, and with char literals dropped:
/// what a comment or a literal says about `crate::x` is no arrow.
fn lex(text: &str) -> Vec<Tok> {
    let b = text.as_bytes();
    let mut toks = Vec::new();
    let mut i = 0;
    while i < b.len() {
        let c = b[i];
        if c.is_ascii_whitespace() {
            i += 1;
        } else if b[i..].starts_with(b"//") {
            i = b[i..]
                .iter()
                .position(|&c| c == b'\n')
                .map_or(b.len(), |n| i + n);
        } else if b[i..].starts_with(b"/*") {
            let mut depth = 0;
            while i < b.len() {
                if b[i..].starts_with(b"/*") {
                    depth += 1;
                    i += 2;
                } else if b[i..].starts_with(b"*/") {
                    depth -= 1;
                    i += 2;
                    if depth == 0 {
                        break;
                    }
                } else {
                    i += 1;
                }
            }
        } else if c == b'"' {
            let mut j = i + 1;
            while j < b.len() && b[j] != b'"' {
                j += if b[j] == b'\\' { 2 } else { 1 };
            }
            let end = j.min(b.len());
            toks.push(Tok::Str(text[i + 1..end].to_string()));
            i = end + 1;
        } else if c == b'\'' {
            i = after_quote(text, i);
        } else if b[i..].starts_with(b"::") {
            toks.push(Tok::Sep);
            i += 2;
        } else if is_ident(c) {
            let start = i;
            while i < b.len() && is_ident(b[i]) {
                i += 1;
            }
            let word = &text[start..i];
            let raw = match word {
                "r" | "br" | "cr" => raw_string(text, i),
                _ => None,
            };
            match raw {
                Some((content, end)) => {
                    toks.push(Tok::Str(content.to_string()));
                    i = end;
                }
                None => toks.push(Tok::Ident(word.to_string())),
            }
        } else {
            toks.push(Tok::Punct(c));
            i += 1;
        }
    }
    toks
}

/// Past the char literal at `i` (`'"'` must not open a string), or past
/// the quote of a lifetime or label, whose name is lexed next.
fn after_quote(text: &str, i: usize) -> usize {
    let b = text.as_bytes();
    if b.get(i + 1) == Some(&b'\\') {
        // '\'' and '\\': the escaped character is never the end.
        let mut j = i + 3;
        while j < b.len() && b[j] != b'\'' {
            j += 1;
        }
        return j + 1;
    }
    match text[i + 1..].chars().next() {
        Some(ch) if b.get(i + 1 + ch.len_utf8()) == Some(&b'\'') => i + 2 + ch.len_utf8(),
        _ => i + 1,
    }
}

/// The raw string (`r#"..."#`) whose hashes or quote start at `i`: its
/// text and where it ends.
fn raw_string(text: &str, i: usize) -> Option<(&str, usize)> {
    let rest = &text[i..];
    let hashes = rest.len() - rest.trim_start_matches('#').len();
    let body = rest[hashes..].strip_prefix('"')?;
    let close = format!("\"{}", "#".repeat(hashes));
    let n = body.find(&close)?;
    Some((&body[..n], i + hashes + 1 + n + close.len()))
}

/// A path a file names, with the inline modules (`mod tests { }`) it is
/// written in.
#[derive(Debug)]
struct Named {
    inline: Vec<String>,
    segments: Vec<String>,
}

#[derive(Debug, Default)]
struct Scanned {
    /// `mod name;` outside inline modules, with its `#[path = "..."]`.
    children: Vec<(String, Option<String>)>,
    /// The children declared under `#[cfg(test)]`: test code, not part of
    /// the structure (a unit test may load the whole registry of checks).
    test_children: Vec<String>,
    /// Every `use` leaf, and every inline path starting with a lower-case
    /// name (a module, a crate, `crate`, `super`, `self`): which of them
    /// lead into `src/` is decided once all files are known.
    paths: Vec<Named>,
}

fn scan(toks: &[Tok]) -> Scanned {
    let mut out = Scanned::default();
    // Each inline module's name and the brace depth inside it.
    let mut inline: Vec<(String, usize)> = Vec::new();
    // Inside a `#[cfg(test)]` inline module (the brace depth inside it):
    // its paths are test code's.
    let mut test_depth: Option<usize> = None;
    // A `#[cfg(test)]` was read and the item it applies to has not begun.
    let mut test_attr = false;
    let mut depth: usize = 0;
    let mut path_attr = None;
    let mut i = 0;
    while i < toks.len() {
        let inline_names = || inline.iter().map(|(name, _)| name.clone()).collect();
        match &toks[i] {
            Tok::Punct(b'{') => {
                depth += 1;
                test_attr = false;
            }
            Tok::Punct(b';') => test_attr = false,
            Tok::Punct(b'}') => {
                // Unbalanced braces (a macro's) must not stop the scan.
                depth = depth.saturating_sub(1);
                if test_depth.is_some_and(|d| d > depth) {
                    test_depth = None;
                }
                if inline.last().is_some_and(|&(_, d)| d > depth) {
                    inline.pop();
                }
            }
            Tok::Punct(b'#') => {
                if let [Tok::Punct(b'['), Tok::Ident(cfg), Tok::Punct(b'('), Tok::Ident(test), Tok::Punct(b')'), Tok::Punct(b']'), ..] =
                    &toks[i + 1..]
                {
                    if cfg == "cfg" && test == "test" {
                        test_attr = true;
                        i += 7;
                        continue;
                    }
                }
                if let [Tok::Punct(b'['), Tok::Ident(attr), Tok::Punct(b'='), Tok::Str(file), Tok::Punct(b']'), ..] =
                    &toks[i + 1..]
                {
                    if attr == "path" {
                        path_attr = Some(file.clone());
                        i += 6;
                        continue;
                    }
                }
                // Other attributes name no modules, but may look like paths:
                // miette's `code(distrolint::bases::read)`.
                let open = i + 1 + usize::from(toks.get(i + 1) == Some(&Tok::Punct(b'!')));
                if toks.get(open) == Some(&Tok::Punct(b'[')) {
                    let mut brackets = 0;
                    i = open;
                    while let Some(tok) = toks.get(i) {
                        i += 1;
                        match tok {
                            Tok::Punct(b'[') => brackets += 1,
                            Tok::Punct(b']') if brackets == 1 => break,
                            Tok::Punct(b']') => brackets -= 1,
                            _ => {}
                        }
                    }
                    continue;
                }
            }
            Tok::Ident(word) if word == "mod" => {
                if let Some(Tok::Ident(name)) = toks.get(i + 1) {
                    match toks.get(i + 2) {
                        Some(Tok::Punct(b'{')) => {
                            depth += 1;
                            inline.push((name.clone(), depth));
                            if std::mem::take(&mut test_attr) && test_depth.is_none() {
                                test_depth = Some(depth);
                            }
                            i += 3;
                            continue;
                        }
                        Some(Tok::Punct(b';')) if inline.is_empty() => {
                            out.children.push((name.clone(), path_attr.take()));
                            if test_attr {
                                out.test_children.push(name.clone());
                            }
                        }
                        _ => {}
                    }
                }
            }
            Tok::Ident(word) if word == "use" => {
                let mut leaves = Vec::new();
                i = use_tree(toks, i + 1, Vec::new(), &mut leaves);
                if std::mem::take(&mut test_attr) || test_depth.is_some() {
                    continue;
                }
                for segments in leaves {
                    out.paths.push(Named {
                        inline: inline_names(),
                        segments,
                    });
                }
                continue;
            }
            Tok::Ident(first)
                if first.starts_with(|c: char| c.is_ascii_lowercase())
                    && toks.get(i + 1) == Some(&Tok::Sep)
                    && (i == 0 || toks[i - 1] != Tok::Sep) =>
            {
                let mut segments = vec![first.clone()];
                let mut j = i + 1;
                while let (Some(Tok::Sep), Some(Tok::Ident(next))) = (toks.get(j), toks.get(j + 1))
                {
                    segments.push(next.clone());
                    j += 2;
                }
                i = j;
                if test_depth.is_some() {
                    continue;
                }
                out.paths.push(Named {
                    inline: inline_names(),
                    segments,
                });
                continue;
            }
            _ => {}
        }
        i += 1;
    }
    out
}

/// Reads the use tree at `i` into its leaves (`a::{b, c::*}` gives `a::b`
/// and `a::c::*`; `a::{self}` gives `a::self`) and returns where it ends.
fn use_tree(
    toks: &[Tok],
    mut i: usize,
    mut prefix: Vec<String>,
    leaves: &mut Vec<Vec<String>>,
) -> usize {
    loop {
        match toks.get(i) {
            Some(Tok::Ident(name)) => {
                prefix.push(name.clone());
                i += 1;
                if toks.get(i) == Some(&Tok::Sep) {
                    i += 1;
                    continue;
                }
                if matches!(toks.get(i), Some(Tok::Ident(word)) if word == "as") {
                    i += 2;
                }
                leaves.push(prefix);
                return i;
            }
            // `use ::name`: another crate, never a module of this one.
            Some(Tok::Sep) => {
                prefix.push("::".to_string());
                i += 1;
            }
            Some(Tok::Punct(b'*')) => {
                prefix.push("*".to_string());
                leaves.push(prefix);
                return i + 1;
            }
            Some(Tok::Punct(b'{')) => {
                i += 1;
                while let Some(tok) = toks.get(i) {
                    match tok {
                        Tok::Punct(b'}') => return i + 1,
                        Tok::Punct(b',') => i += 1,
                        _ => {
                            let next = use_tree(toks, i, prefix.clone(), leaves);
                            if next == i {
                                return i;
                            }
                            i = next;
                        }
                    }
                }
                return i;
            }
            _ => return i,
        }
    }
}

struct SrcFile {
    /// `src/elf/codes.rs`
    path: String,
    /// `["elf", "codes"]`; `[]` for `src/lib.rs`, `[BINARY]` for `src/main.rs`.
    module: Vec<String>,
    /// How much of `module` is the crate's root: 1 in the binary, else 0.
    root: usize,
    /// Test code: a file declared under `#[cfg(test)]`, or inside one.
    test: bool,
    scanned: Scanned,
}

struct Graph {
    /// Sorted by path, so that indices sort like paths.
    files: Vec<SrcFile>,
    modules: BTreeMap<Vec<String>, usize>,
}

impl Graph {
    fn read(src: &Path) -> Graph {
        let mut paths = Vec::new();
        rust_files(src, "src", &mut paths);
        Graph::new(
            paths
                .into_iter()
                .map(|path| {
                    let text = std::fs::read_to_string(src.join(&path["src/".len()..]))
                        .unwrap_or_else(|e| panic!("cannot read {path}: {e}"));
                    (path, text)
                })
                .collect(),
        )
    }

    /// The graph of `(path, text)` files, paths like `src/elf/codes.rs`.
    fn new(mut texts: Vec<(String, String)>) -> Graph {
        texts.sort();
        let mut files: Vec<SrcFile> = texts
            .into_iter()
            .map(|(path, text)| {
                let inner = path
                    .strip_prefix("src/")
                    .unwrap()
                    .strip_suffix(".rs")
                    .unwrap();
                let (module, root) = match inner {
                    "lib" => (Vec::new(), 0),
                    "main" => (vec![BINARY.to_string()], 1),
                    _ => {
                        let mut parts: Vec<String> = inner.split('/').map(String::from).collect();
                        if parts.last().is_some_and(|p| p == "mod") {
                            parts.pop();
                        }
                        (parts, 0)
                    }
                };
                SrcFile {
                    module,
                    root,
                    test: false,
                    scanned: scan(&lex(&text)),
                    path,
                }
            })
            .collect();
        // Modules follow the `mod` declarations from both crate roots, as
        // rustc reads them: `#[path = "parse_tests.rs"] mod tests;` in
        // src/dockerfile/parse.rs makes that file `dockerfile::parse::tests`
        // (its `super` is parse), and a module the binary declares is the
        // binary's. A file nothing declares keeps the module of its path.
        let index: BTreeMap<String, usize> = files
            .iter()
            .enumerate()
            .map(|(i, f)| (f.path.clone(), i))
            .collect();
        let mut queue: Vec<usize> = ["src/lib.rs", "src/main.rs"]
            .iter()
            .filter_map(|path| index.get(*path).copied())
            .collect();
        let mut seen = BTreeSet::new();
        while let Some(i) = queue.pop() {
            if !seen.insert(i) {
                continue;
            }
            let file = &files[i];
            let (dir, name) = file.path.rsplit_once('/').unwrap();
            let owns_dir = name == "mod.rs" || file.module.len() == file.root;
            let children_dir = match owns_dir {
                true => dir.to_string(),
                false => file.path.trim_end_matches(".rs").to_string(),
            };
            let mut declared = Vec::new();
            for (child, attr) in &file.scanned.children {
                let candidates = match attr {
                    Some(attr) => vec![normalize(&format!("{dir}/{attr}"))],
                    None => vec![
                        format!("{children_dir}/{child}.rs"),
                        format!("{children_dir}/{child}/mod.rs"),
                    ],
                };
                for candidate in candidates {
                    if let Some(&j) = index.get(&candidate) {
                        let module = [&file.module[..], std::slice::from_ref(child)].concat();
                        let test = file.test || file.scanned.test_children.contains(child);
                        declared.push((j, module, file.root, test));
                    }
                }
            }
            for (j, module, root, test) in declared {
                files[j].module = module;
                files[j].root = root;
                files[j].test = test;
                queue.push(j);
            }
        }
        let modules = files
            .iter()
            .enumerate()
            .map(|(i, f)| (f.module.clone(), i))
            .collect();
        Graph { files, modules }
    }

    /// The file a path leads to, and the name it takes there (the item
    /// after the module, or the module's own name), if it leads into src/.
    fn target(&self, from: usize, named: &Named) -> Option<(usize, String)> {
        let file = &self.files[from];
        let segments = &named.segments;
        let first = segments.first()?.as_str();
        let here = || [&file.module[..], &named.inline[..]].concat();
        let (mut base, mut rest) = match first {
            "crate" => (file.module[..file.root].to_vec(), &segments[1..]),
            "distrolint" if file.root == 1 => (Vec::new(), &segments[1..]),
            "self" => (here(), &segments[1..]),
            "super" => (here(), &segments[..]),
            _ if named.inline.is_empty()
                && file.scanned.children.iter().any(|(c, _)| c == first) =>
            {
                (file.module.clone(), &segments[..])
            }
            _ => return None,
        };
        while rest.first().is_some_and(|s| s == "super") {
            if base.len() <= file.root {
                return None;
            }
            base.pop();
            rest = &rest[1..];
        }
        // A trailing `self` (`use a::{self}`) names the module `a`.
        base.extend(rest.iter().filter(|s| *s != "self").cloned());
        let n = (0..=base.len())
            .rev()
            .find(|&n| self.modules.contains_key(&base[..n]))?;
        let name = base.get(n).or(base.last()).map_or("crate", String::as_str);
        Some((self.modules[&base[..n]], name.to_string()))
    }

    /// Each counted arrow between two files, with the names taken.
    fn arrows(&self) -> BTreeMap<(usize, usize), BTreeSet<String>> {
        let mut arrows: BTreeMap<_, BTreeSet<_>> = BTreeMap::new();
        for (from, file) in self.files.iter().enumerate() {
            if file.test {
                continue;
            }
            for named in &file.scanned.paths {
                let Some((to, name)) = self.target(from, named) else {
                    continue;
                };
                let (a, b) = (&file.module, &self.files[to].module);
                // A module's parts, at any depth, use what its interface
                // (mod.rs, or a.rs beside a/) shares with them, and the
                // interface names its parts: only the first is left out, so
                // a circle that runs through an interface is still seen.
                let part_of = |outer: &[String], inner: &[String]| {
                    let crate_root = outer.is_empty() || outer == [BINARY];
                    !crate_root && inner.len() > outer.len() && inner.starts_with(outer)
                };
                if from != to && !part_of(b, a) {
                    arrows.entry((from, to)).or_default().insert(name);
                }
            }
        }
        arrows
    }

    /// One line per circle, arrow in a circle, upward arrow and LAYERS
    /// mistake, in a fixed order.
    fn problems(&self, layers: &[(&str, u32)]) -> Vec<String> {
        let arrows = self.arrows();
        let path = |i: usize| self.files[i].path.as_str();
        let names =
            |key: &(usize, usize)| arrows[key].iter().cloned().collect::<Vec<_>>().join(", ");
        let mut problems = Vec::new();

        let mut edges = vec![Vec::new(); self.files.len()];
        for &(from, to) in arrows.keys() {
            edges[from].push(to);
        }
        let mut circles = strongly_connected(&edges);
        circles.retain(|c| c.len() > 1);
        for circle in &mut circles {
            circle.sort_unstable();
        }
        circles.sort();
        for (n, circle) in circles.iter().enumerate() {
            let files: Vec<&str> = circle.iter().map(|&i| path(i)).collect();
            problems.push(format!(
                "circle {} of {} files: {}",
                n + 1,
                circle.len(),
                files.join(", ")
            ));
            for key in arrows
                .keys()
                .filter(|(a, b)| circle.contains(a) && circle.contains(b))
            {
                problems.push(format!(
                    "  {} -> {}: {}",
                    path(key.0),
                    path(key.1),
                    names(key)
                ));
            }
        }

        let top = |i: usize| {
            let inner = path(i).strip_prefix("src/").unwrap();
            inner.split('/').next().unwrap().trim_end_matches(".rs")
        };
        let layer = |module: &str| layers.iter().find(|(m, _)| *m == module).map(|&(_, l)| l);
        for key in arrows.keys() {
            let (from, to) = (top(key.0), top(key.1));
            if let (Some(lf), Some(lt)) = (layer(from), layer(to)) {
                if lt > lf {
                    problems.push(format!(
                        "upward: {from} ({lf}) -> {to} ({lt}): {} -> {}: {}",
                        path(key.0),
                        path(key.1),
                        names(key)
                    ));
                }
            }
        }

        let tops: BTreeSet<&str> = (0..self.files.len()).map(top).collect();
        for module in &tops {
            if layer(module).is_none() {
                problems.push(format!("add src/{module} to LAYERS"));
            }
        }
        for (module, _) in layers {
            if !tops.contains(module) {
                problems.push(format!(
                    "remove {module} from LAYERS: there is no src/{module}"
                ));
            }
        }
        problems
    }
}

fn rust_files(dir: &Path, rel: &str, out: &mut Vec<String>) {
    let entries =
        std::fs::read_dir(dir).unwrap_or_else(|e| panic!("cannot list {}: {e}", dir.display()));
    for entry in entries {
        let entry = entry.unwrap();
        let name = entry.file_name().to_string_lossy().into_owned();
        let path = format!("{rel}/{name}");
        if entry.file_type().unwrap().is_dir() {
            rust_files(&entry.path(), &path, out);
        } else if name.ends_with(".rs") {
            out.push(path);
        }
    }
}

fn normalize(path: &str) -> String {
    let mut parts: Vec<&str> = Vec::new();
    for part in path.split('/') {
        match part {
            "." | "" => {}
            ".." => {
                parts.pop();
            }
            _ => parts.push(part),
        }
    }
    parts.join("/")
}

/// Tarjan's strongly connected components.
fn strongly_connected(edges: &[Vec<usize>]) -> Vec<Vec<usize>> {
    struct State<'a> {
        edges: &'a [Vec<usize>],
        index: Vec<Option<usize>>,
        low: Vec<usize>,
        stack: Vec<usize>,
        on_stack: Vec<bool>,
        next: usize,
        out: Vec<Vec<usize>>,
    }
    fn visit(s: &mut State, v: usize) {
        s.index[v] = Some(s.next);
        s.low[v] = s.next;
        s.next += 1;
        s.stack.push(v);
        s.on_stack[v] = true;
        for &w in &s.edges[v] {
            match s.index[w] {
                None => {
                    visit(s, w);
                    s.low[v] = s.low[v].min(s.low[w]);
                }
                Some(iw) if s.on_stack[w] => s.low[v] = s.low[v].min(iw),
                Some(_) => {}
            }
        }
        if Some(s.low[v]) == s.index[v] {
            let mut component = Vec::new();
            loop {
                let w = s.stack.pop().unwrap();
                s.on_stack[w] = false;
                component.push(w);
                if w == v {
                    break;
                }
            }
            s.out.push(component);
        }
    }
    let n = edges.len();
    let mut s = State {
        edges,
        index: vec![None; n],
        low: vec![0; n],
        stack: Vec::new(),
        on_stack: vec![false; n],
        next: 0,
        out: Vec::new(),
    };
    for v in 0..n {
        if s.index[v].is_none() {
            visit(&mut s, v);
        }
    }
    s.out
}
