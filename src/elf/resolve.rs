//! The dynamic loader, simulated inside the target image.
//!
//! For one root object (an extension module, a program, or a library that
//! something may open), [`Resolver::load`] does what glibc's `ld.so` does
//! when it maps that object: it walks the DT_NEEDED lists breadth-first — the
//! root's needs in order, then each of theirs — reusing an object that is
//! already loaded when the name matches the name it was loaded under or its
//! DT_SONAME, and searching for a new name in this order:
//!
//! 1. DT_RPATH of the requesting object, then of the object that loaded it,
//!    and so on up to the root — but only when the requester has no
//!    DT_RUNPATH, and an object with a DT_RUNPATH contributes no DT_RPATH;
//! 2. DT_RUNPATH of the requester alone (it is not inherited);
//! 3. the image's `ld.so.cache`, then its default directories.
//!
//! `LD_LIBRARY_PATH` would sit between 1 and 2; the image does not set it.
//! The loader itself, and for an extension module the C library Python
//! already has loaded, answer to their names before any search: they always
//! come from the image.
//! A file of the wrong class, byte order or machine is skipped, as the loader
//! skips it, and the search goes on. After the walk, every symbol version
//! each loaded object requires (DT_VERNEED) is checked against the object its
//! file name resolved to.
//!
//! The real loader stops at the first failure; the simulation records every
//! failure, in the order the loader would meet them, so that a user learns
//! about all of them at once. Base libraries are leaves: manifests do not
//! list their dependencies, and the base is taken to be self-consistent.
//! Everything is read from the tree handed over by discovery and from the
//! base manifest; nothing from the host. Lookups are memoised per (target,
//! search list, name), so a package of fifty extension modules sharing one
//! vendored directory costs one search per library.

use std::collections::{HashMap, HashSet, VecDeque};
use std::path::{Path, PathBuf};

use super::search_path::{Location, SearchContext, SearchEntry};
use super::tree_fs::{normalize_path, TreeFs, TreeHit};
use super::{ElfInfo, ElfTree};
use crate::base::{BaseImage, LibcKind, Library};

/// The kind of ELF file a loader accepts: its own machine, class and byte
/// order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Target {
    pub machine: u16,
    pub is_64: bool,
    pub little_endian: bool,
}

/// Why the loader passed over a file with the right name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Incompatibility {
    Class,
    ByteOrder,
    Machine,
}

impl Target {
    /// The loader of an image of architecture `arch` (`uname -m` spelling).
    pub fn for_architecture(arch: &str) -> Option<Target> {
        use goblin::elf::header::*;
        let (machine, is_64, little_endian) = match arch {
            "x86_64" | "amd64" => (EM_X86_64, true, true),
            "x32" => (EM_X86_64, false, true),
            "i386" | "i486" | "i586" | "i686" => (EM_386, false, true),
            "aarch64" | "arm64" => (EM_AARCH64, true, true),
            "armv7l" | "armv7" | "armhf" | "arm" => (EM_ARM, false, true),
            "ppc64le" => (EM_PPC64, true, true),
            "ppc64" => (EM_PPC64, true, false),
            "s390x" => (EM_S390, true, false),
            "riscv64" => (EM_RISCV, true, true),
            _ => return None,
        };
        Some(Target {
            machine,
            is_64,
            little_endian,
        })
    }

    /// The loader an object was built for.
    pub fn of(info: &ElfInfo) -> Target {
        Target {
            machine: info.machine,
            is_64: info.is_64,
            little_endian: info.little_endian,
        }
    }

    /// Why this loader would refuse `info`, if it would.
    pub fn refuses(&self, info: &ElfInfo) -> Option<Incompatibility> {
        if info.is_64 != self.is_64 {
            Some(Incompatibility::Class)
        } else if info.little_endian != self.little_endian {
            Some(Incompatibility::ByteOrder)
        } else if info.machine != self.machine {
            Some(Incompatibility::Machine)
        } else {
            None
        }
    }
}

/// The C library an object was linked against, when it says.
pub fn libc_of(info: &ElfInfo) -> Option<LibcKind> {
    let interp = info.interpreter.as_deref().unwrap_or("");
    if interp.contains("ld-musl-") || info.needed.iter().any(|n| n.starts_with("libc.musl-")) {
        Some(LibcKind::Musl)
    } else if interp.contains("ld-linux") || info.needed.iter().any(|n| n == "libc.so.6") {
        Some(LibcKind::Glibc)
    } else {
        None
    }
}

/// A DT_NEEDED entry the loader opens as a path rather than searching for:
/// it contains `/`, or a token (`$ORIGIN/libfoo.so`) that makes it one.
fn is_path_name(name: &str) -> bool {
    name.contains('/')
}

/// Where a name was found.
#[derive(Debug, Clone, Copy)]
pub enum Provider<'a> {
    /// An object of the scanned tree (index into `ElfTree::objects`).
    Tree(usize),
    /// A library of the base image.
    Base(&'a Library),
}

impl Provider<'_> {
    /// The index into `ElfTree::objects`, for a tree object.
    pub fn tree_index(&self) -> Option<usize> {
        match self {
            Provider::Tree(i) => Some(*i),
            Provider::Base(_) => None,
        }
    }

    /// The same file (the loader compares device and inode; we compare
    /// index or image path).
    fn same(&self, other: &Provider<'_>) -> bool {
        self.key() == other.key()
    }

    /// What [`Provider::same`] compares.
    fn key(&self) -> ProviderKey {
        match self {
            Provider::Tree(i) => ProviderKey::Tree(*i),
            Provider::Base(library) => ProviderKey::Base(library.path.clone()),
        }
    }
}

/// A file's identity in a load: tree index or image path.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
enum ProviderKey {
    Tree(usize),
    Base(String),
}

/// A file with the wanted name that the loader passed over.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rejected {
    pub object: usize,
    pub why: Incompatibility,
}

/// The outcome of one search for a name.
#[derive(Debug, Clone, Default)]
pub struct Lookup<'a> {
    pub found: Option<Provider<'a>>,
    pub rejected: Vec<Rejected>,
}

/// The search path entries of one object, expanded once.
#[derive(Debug, Clone)]
pub struct ObjectSearchPath {
    pub origin: PathBuf,
    pub rpath: Vec<SearchEntry>,
    pub runpath: Vec<SearchEntry>,
}

/// One object of a simulated load.
#[derive(Debug, Clone)]
pub struct LoadedObject<'a> {
    pub provider: Provider<'a>,
    /// Names the loader matches later requests against: the names it was
    /// requested as, and its DT_SONAME.
    pub names: Vec<String>,
    /// The object whose request loaded it (index into `RootLoad::loaded`);
    /// its RPATH is inherited from there.
    pub parent: Option<usize>,
    /// Every object that needs it, in load order.
    pub requested_by: Vec<usize>,
}

/// A name nothing provides.
#[derive(Debug, Clone)]
pub struct MissingLibrary {
    pub name: String,
    /// Indexes into `RootLoad::loaded`, first requester first.
    pub requested_by: Vec<usize>,
    pub rejected: Vec<Rejected>,
    /// Where the first requester's search looked, for the report.
    pub searched: Vec<String>,
    /// Tree objects with that name that the search did not reach: the file
    /// is there, but not on the requester's search path.
    pub off_path: Vec<usize>,
}

/// A symbol version that the object providing a file does not define.
#[derive(Debug, Clone)]
pub struct VersionFailure {
    /// Index into `RootLoad::loaded` of the object that needs it.
    pub requester: usize,
    /// The file name as the requester's DT_VERNEED spells it.
    pub library: String,
    /// Index into `RootLoad::loaded` of the object the file resolved to.
    pub provider: usize,
    pub version: String,
}

/// Everything one root's load did.
#[derive(Debug, Clone)]
pub struct RootLoad<'a> {
    /// Index into `ElfTree::objects`.
    pub root: usize,
    /// In load order; `loaded[0]` is the root.
    pub loaded: Vec<LoadedObject<'a>>,
    /// In the order the loader would fail on them; the first is the one the
    /// real loader's error names.
    pub missing: Vec<MissingLibrary>,
    pub version_failures: Vec<VersionFailure>,
    /// Loaded objects linked against the other C library; their own needs
    /// were not followed.
    pub foreign_libc: Vec<usize>,
}

impl RootLoad<'_> {
    /// `loaded` indexes from the root down to `index`.
    pub fn chain(&self, index: usize) -> Vec<usize> {
        let mut chain = vec![index];
        let mut current = index;
        while let Some(parent) = self.loaded[current].parent {
            chain.push(parent);
            current = parent;
        }
        chain.reverse();
        chain
    }

    /// The tree objects this load maps, the root included.
    pub fn tree_objects(&self) -> impl Iterator<Item = usize> + '_ {
        self.loaded.iter().filter_map(|l| match l.provider {
            Provider::Tree(i) => Some(i),
            Provider::Base(_) => None,
        })
    }
}

/// How a load is judged.
#[derive(Debug, Clone, Copy)]
pub struct LoadOptions {
    /// The loader's kind of ELF file.
    pub target: Target,
    /// The image's C library: loaded objects linked against another one are
    /// recorded and not followed. `None` follows everything.
    pub libc: Option<LibcKind>,
    /// Whether the root is opened inside a running Python, which has the
    /// image's C library loaded already: a request for it is answered by
    /// name, whatever a RUNPATH would find first.
    pub in_python: bool,
}

/// The loader simulation over one tree and one base.
pub struct Resolver<'a> {
    tree: &'a ElfTree,
    base: &'a BaseImage,
    fs: TreeFs,
    context: SearchContext,
    paths: Vec<ObjectSearchPath>,
    lists: HashMap<Vec<Location>, u32>,
    memo: HashMap<(Target, u32, String), Lookup<'a>>,
    /// Tree objects by every name a request could use for them: DT_SONAME,
    /// file name, and the names of links to them.
    by_name: HashMap<String, Vec<usize>>,
}

impl<'a> Resolver<'a> {
    pub fn new(tree: &'a ElfTree, base: &'a BaseImage) -> Self {
        let fs = TreeFs::new(tree);
        let context = SearchContext::new(base);
        let paths = tree
            .objects
            .iter()
            .map(|object| {
                let origin = normalize_path(object.path.parent().unwrap_or(Path::new("")));
                let expand = |entries: &[String]| -> Vec<SearchEntry> {
                    entries
                        .iter()
                        .map(|e| context.expand(&fs, e, &origin, object.root))
                        .collect()
                };
                ObjectSearchPath {
                    rpath: expand(&object.info.rpath),
                    runpath: expand(&object.info.runpath),
                    origin: origin.clone(),
                }
            })
            .collect();
        let mut by_name: HashMap<String, Vec<usize>> = HashMap::new();
        let mut add = |name: &str, index: usize| {
            let entry = by_name.entry(name.to_string()).or_default();
            if !entry.contains(&index) {
                entry.push(index);
            }
        };
        for (index, object) in tree.objects.iter().enumerate() {
            if let Some(soname) = &object.info.soname {
                add(soname, index);
            }
            if let Some(file) = object.path.file_name() {
                add(&file.to_string_lossy(), index);
            }
        }
        for link in &tree.symlinks {
            if let (Some(file), Some(TreeHit::Object(index))) =
                (link.path.file_name(), fs.lookup(link.root, &link.path))
            {
                add(&file.to_string_lossy(), index);
            }
        }
        Resolver {
            tree,
            base,
            fs,
            context,
            paths,
            lists: HashMap::new(),
            memo: HashMap::new(),
            by_name,
        }
    }

    /// Tree objects a request for `name` would accept if the search reached
    /// their directory: same soname or file name, and a kind of file the
    /// target loads.
    pub fn tree_candidates(&self, name: &str, target: Target) -> Vec<usize> {
        self.by_name
            .get(name)
            .map(|found| {
                found
                    .iter()
                    .copied()
                    .filter(|&i| target.refuses(&self.tree.objects[i].info).is_none())
                    .collect()
            })
            .unwrap_or_default()
    }

    pub fn tree(&self) -> &'a ElfTree {
        self.tree
    }

    pub fn base(&self) -> &'a BaseImage {
        self.base
    }

    /// The expanded RPATH and RUNPATH of object `index`.
    pub fn search_path(&self, index: usize) -> &ObjectSearchPath {
        &self.paths[index]
    }

    /// Simulates loading tree object `root` and everything it needs.
    pub fn load(&mut self, root: usize, options: LoadOptions) -> RootLoad<'a> {
        let info = &self.tree.objects[root].info;
        let mut load = RootLoad {
            root,
            loaded: vec![LoadedObject {
                provider: Provider::Tree(root),
                // Opened by path: only its DT_SONAME matches later requests.
                names: info.soname.iter().cloned().collect(),
                parent: None,
                requested_by: Vec::new(),
            }],
            missing: Vec::new(),
            version_failures: Vec::new(),
            foreign_libc: Vec::new(),
        };
        load.loaded.extend(self.preloaded(options));
        // Indexes over `load.loaded` and `load.missing`, so that a file with
        // 100 000 needs costs 100 000 lookups, not their square.
        let mut by_name: HashMap<String, usize> = HashMap::new();
        let mut by_provider: HashMap<ProviderKey, usize> = HashMap::new();
        for (j, loaded) in load.loaded.iter().enumerate() {
            by_provider.entry(loaded.provider.key()).or_insert(j);
            for name in &loaded.names {
                by_name.entry(name.clone()).or_insert(j);
            }
        }
        let mut missing_by_name: HashMap<String, usize> = HashMap::new();
        let mut queue = VecDeque::from([0usize]);
        while let Some(current) = queue.pop_front() {
            let Provider::Tree(object) = load.loaded[current].provider else {
                continue;
            };
            let info = &self.tree.objects[object].info;
            if current != 0 {
                if let (Some(image), Some(own)) = (options.libc, libc_of(info)) {
                    if image != own && image != LibcKind::None {
                        load.foreign_libc.push(current);
                        continue;
                    }
                }
            }
            for name in &info.needed {
                if let Some(&j) = by_name.get(name) {
                    load.loaded[j].requested_by.push(current);
                    continue;
                }
                let lookup = self.find(&load, current, name, options.target);
                match lookup.found {
                    Some(provider) => {
                        if let Some(&j) = by_provider.get(&provider.key()) {
                            load.loaded[j].names.push(name.clone());
                            by_name.insert(name.clone(), j);
                            load.loaded[j].requested_by.push(current);
                            continue;
                        }
                        let mut names = vec![name.clone()];
                        if let Some(soname) = self.soname_of(provider) {
                            if soname != name {
                                names.push(soname.to_string());
                            }
                        }
                        let j = load.loaded.len();
                        by_provider.insert(provider.key(), j);
                        for name in &names {
                            by_name.entry(name.clone()).or_insert(j);
                        }
                        load.loaded.push(LoadedObject {
                            provider,
                            names,
                            parent: Some(current),
                            requested_by: vec![current],
                        });
                        queue.push_back(j);
                    }
                    None => match missing_by_name.get(name) {
                        Some(&k) => load.missing[k].requested_by.push(current),
                        None => {
                            let searched = self.searched(&load, current, name);
                            let file = name.rsplit('/').next().unwrap_or(name);
                            missing_by_name.insert(name.clone(), load.missing.len());
                            load.missing.push(MissingLibrary {
                                name: name.clone(),
                                requested_by: vec![current],
                                rejected: lookup.rejected,
                                searched,
                                off_path: self.tree_candidates(file, options.target),
                            })
                        }
                    },
                }
            }
        }
        load.version_failures = self.check_versions(&load);
        load
    }

    /// What the process has loaded before the root: the loader itself
    /// (always, and it answers to its own name), and the C library when
    /// Python is the one opening the root. Both come from the image, never
    /// from the tree.
    fn preloaded(&self, options: LoadOptions) -> Vec<LoadedObject<'a>> {
        let base = self.base;
        let mut preloaded: Vec<LoadedObject<'a>> = Vec::new();
        let mut add = |library: &'a Library, name: &str| {
            let provider = Provider::Base(library);
            if preloaded.iter().any(|p| p.provider.same(&provider)) {
                return;
            }
            let mut names = vec![name.to_string()];
            if let Some(soname) = &library.soname {
                if soname != name {
                    names.push(soname.clone());
                }
            }
            preloaded.push(LoadedObject {
                provider,
                names,
                parent: None,
                requested_by: Vec::new(),
            });
        };
        if let Some(interpreter) = base.loader.interpreter.as_deref() {
            if let Some(library) = base.library_at(interpreter) {
                add(
                    library,
                    interpreter.rsplit('/').next().unwrap_or(interpreter),
                );
            }
        }
        if options.in_python && base.libc.kind == LibcKind::Glibc {
            if let Some(library) = base.find_system_library("libc.so.6") {
                add(library, "libc.so.6");
            }
        }
        preloaded
    }

    fn soname_of(&self, provider: Provider<'a>) -> Option<&'a str> {
        match provider {
            Provider::Tree(i) => self.tree.objects[i].info.soname.as_deref(),
            Provider::Base(lib) => lib.soname.as_deref(),
        }
    }

    /// Searches for `name` on behalf of `load.loaded[requester]`.
    fn find(
        &mut self,
        load: &RootLoad<'a>,
        requester: usize,
        name: &str,
        target: Target,
    ) -> Lookup<'a> {
        let Provider::Tree(object) = load.loaded[requester].provider else {
            return Lookup::default();
        };
        if is_path_name(name) {
            return self.find_path(object, name, target);
        }
        let list = self.search_list(load, requester);
        let id = match self.lists.get(&list) {
            Some(&id) => id,
            None => {
                let id = self.lists.len() as u32;
                self.lists.insert(list.clone(), id);
                id
            }
        };
        let key = (target, id, name.to_string());
        if let Some(hit) = self.memo.get(&key) {
            return hit.clone();
        }
        let lookup = self.search(&list, name, target);
        self.memo.insert(key, lookup.clone());
        lookup
    }

    /// Where a failed search for `name` looked, for the report.
    fn searched(&self, load: &RootLoad<'a>, requester: usize, name: &str) -> Vec<String> {
        let Provider::Tree(object) = load.loaded[requester].provider else {
            return Vec::new();
        };
        if is_path_name(name) {
            let entry = self.context.expand(
                &self.fs,
                name,
                &self.paths[object].origin,
                self.tree.objects[object].root,
            );
            return entry.location.iter().map(Location::display).collect();
        }
        let mut searched: Vec<String> = self
            .search_list(load, requester)
            .iter()
            .map(Location::display)
            .collect();
        if self.base.loader.ld_so_cache {
            searched.push("/etc/ld.so.cache".into());
        }
        searched.extend(self.base.loader.default_search_path.iter().cloned());
        searched
    }

    /// The directories searched for a request by `load.loaded[requester]`,
    /// before the system ones.
    fn search_list(&self, load: &RootLoad<'a>, requester: usize) -> Vec<Location> {
        let Provider::Tree(object) = load.loaded[requester].provider else {
            return Vec::new();
        };
        let mut list = Vec::new();
        let usable = |entries: &[SearchEntry]| -> Vec<Location> {
            entries.iter().filter_map(|e| e.location.clone()).collect()
        };
        if self.tree.objects[object].info.runpath.is_empty() {
            let mut current = Some(requester);
            while let Some(i) = current {
                if let Provider::Tree(o) = load.loaded[i].provider {
                    // An object with DT_RUNPATH has its DT_RPATH ignored.
                    if self.tree.objects[o].info.runpath.is_empty() {
                        list.extend(usable(&self.paths[o].rpath));
                    }
                }
                current = load.loaded[i].parent;
            }
        }
        list.extend(usable(&self.paths[object].runpath));
        list
    }

    fn search(&self, list: &[Location], name: &str, target: Target) -> Lookup<'a> {
        let mut lookup = Lookup::default();
        for dir in list {
            match self.file_at(&dir.join(name)) {
                Some(Provider::Tree(i)) => match target.refuses(&self.tree.objects[i].info) {
                    None => {
                        lookup.found = Some(Provider::Tree(i));
                        return lookup;
                    }
                    Some(why) => {
                        if !lookup.rejected.iter().any(|r| r.object == i) {
                            lookup.rejected.push(Rejected { object: i, why });
                        }
                    }
                },
                Some(found) => {
                    lookup.found = Some(found);
                    return lookup;
                }
                None => {}
            }
        }
        lookup.found = self.base.find_system_library(name).map(Provider::Base);
        lookup
    }

    /// A DT_NEEDED entry that is a path (it contains `/`, perhaps through
    /// `$ORIGIN`): opened directly, no search.
    fn find_path(&self, object: usize, name: &str, target: Target) -> Lookup<'a> {
        let entry = self.context.expand(
            &self.fs,
            name,
            &self.paths[object].origin,
            self.tree.objects[object].root,
        );
        let mut lookup = Lookup::default();
        if let Some(location) = &entry.location {
            match self.file_at(location) {
                Some(Provider::Tree(i)) => match target.refuses(&self.tree.objects[i].info) {
                    None => lookup.found = Some(Provider::Tree(i)),
                    Some(why) => lookup.rejected.push(Rejected { object: i, why }),
                },
                other => lookup.found = other,
            }
        }
        lookup
    }

    /// The file at `location`, following links in the tree and the image.
    fn file_at(&self, location: &Location) -> Option<Provider<'a>> {
        match location {
            Location::Tree { root, path } => match self.fs.lookup(*root, path)? {
                TreeHit::Object(i) => Some(Provider::Tree(i)),
                TreeHit::Image(path) => self.base.library_at(&path).map(Provider::Base),
            },
            Location::Image(path) => self.base.library_at(path).map(Provider::Base),
        }
    }

    /// DT_VERNEED of every loaded tree object against what its files resolved
    /// to. A file the loader could not find is reported as missing already.
    fn check_versions(&self, load: &RootLoad<'a>) -> Vec<VersionFailure> {
        let mut failures = Vec::new();
        let mut seen: HashSet<(&str, &str)> = HashSet::new();
        for (requester, loaded) in load.loaded.iter().enumerate() {
            let Provider::Tree(object) = loaded.provider else {
                continue;
            };
            if load.foreign_libc.contains(&requester) {
                continue;
            }
            for need in &self.tree.objects[object].info.version_needs {
                let Some(provider) = load
                    .loaded
                    .iter()
                    .position(|l| l.names.contains(&need.file))
                else {
                    continue;
                };
                for version in &need.versions {
                    let defined = match load.loaded[provider].provider {
                        // No DT_VERDEF at all: glibc only warns.
                        Provider::Tree(p) => {
                            let defs = &self.tree.objects[p].info.version_defs;
                            defs.is_empty() || defs.contains(version)
                        }
                        Provider::Base(library) => self.base.defines_version(library, version),
                    };
                    if !defined && seen.insert((need.file.as_str(), version.as_str())) {
                        failures.push(VersionFailure {
                            requester,
                            library: need.file.clone(),
                            provider,
                            version: version.clone(),
                        });
                    }
                }
            }
        }
        failures
    }
}
