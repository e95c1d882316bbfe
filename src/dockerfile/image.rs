//! What the final image looks like while its stages' instructions run: the
//! environment (`PATH` above all), the working directory, the `SHELL`, and
//! where COPY and ADD put files. [`ImageState::presence`] answers "is this
//! program there?" from the base manifest plus those files.
//!
//! A COPY from the build context puts what the context holds (see
//! `context`): a directory's files, a file at its destination. Where the
//! sources cannot be seen — another stage, an image, a URL, a link, a
//! context outside the scan — it stays on the side of not knowing: any file
//! under the destination may exist. A context source the scan looked for
//! and did not find lowers a "missing" to a "maybe", as a RUN step does (it
//! could have made any file). A value that depends on an unknown variable
//! makes `PATH` or `WORKDIR` unknown, and then nothing that depends on them
//! is judged.

use std::collections::BTreeMap;

use super::ast::{Args, Instruction, Keyword, Word};
use super::context::{has_wildcard, BuildContext, Entry};
use super::source::Span;
use super::words::expand;
use crate::base::{normalize, BaseImage, Executable};

/// Where a COPY or ADD put files.
#[derive(Debug, Clone)]
enum Placed {
    /// Anything at or below this image path (links resolved): sources
    /// distrolint cannot see.
    Under { path: String, span: Span },
    /// One file of the build context, at this image path.
    File { path: String, span: Span },
    /// The files of the context directory `source`, below the image path
    /// `path`.
    Tree {
        path: String,
        source: String,
        span: Span,
    },
    /// A context source the scan did not find (generated before the build,
    /// or the context is not where distrolint looked): maybe under `path`.
    Unseen { path: String, span: Span },
    /// A destination that depends on values we cannot see.
    Unknown { span: Span },
}

/// What distrolint can see of the build context.
#[derive(Debug, Clone, Copy)]
pub enum ContextView<'c> {
    /// No tree was scanned (a Dockerfile analysed on its own): what a COPY
    /// copies is presumed to be whatever is asked for.
    Presumed,
    /// The context found in the scanned tree.
    Located(&'c BuildContext),
    /// The tree was scanned but holds none of the COPY sources.
    NotFound,
}

/// The `SHELL` in effect for a shell-form instruction.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ShellInUse {
    /// `/bin/sh` by default.
    pub program: String,
    /// The program word of the `SHELL` instruction that set it.
    pub set_by: Option<Span>,
}

impl ShellInUse {
    pub fn is_default(&self) -> bool {
        self.set_by.is_none()
    }
}

/// Is a program there?
#[derive(Debug, Clone, PartialEq)]
pub enum Presence<'b> {
    /// The base has it and it can run.
    OnImage,
    /// A COPY or ADD puts a file at (or above) one of the paths looked at.
    Copied(Span),
    /// The base has it, but it cannot start (a script whose interpreter is
    /// missing).
    NotRunnable(&'b Executable),
    /// Not found, but a RUN step (or a COPY to an unknown place) before it
    /// might have made it.
    Maybe(Span),
    /// Not found, but a COPY from the build context whose source the scan
    /// did not find puts files where it would be.
    Unseen(Span),
    /// Where to look depends on what the file does not say.
    Unknowable,
    /// Neither the base nor the stages have it.
    Missing,
}

#[derive(Debug, Clone)]
pub struct ImageState<'b> {
    base: &'b BaseImage,
    escape: char,
    global_args: BTreeMap<String, Option<String>>,
    stage_args: BTreeMap<String, Option<String>>,
    env: BTreeMap<String, String>,
    /// Variables set to a value that uses something we cannot see.
    unknown_env: std::collections::BTreeSet<String>,
    /// `None` once `ENV PATH=…` used something unknown.
    path: Option<Vec<String>>,
    workdir: Option<String>,
    /// The user the container runs as and the USER that set it (none: the
    /// base's); `None` once a USER used something unknown.
    user: Option<(String, Option<Span>)>,
    shell: ShellInUse,
    placed: Vec<Placed>,
    runs: Vec<Span>,
    context: ContextView<'b>,
}

impl<'b> ImageState<'b> {
    pub fn new(
        base: &'b BaseImage,
        escape: char,
        global_args: &BTreeMap<String, Option<String>>,
    ) -> Self {
        ImageState {
            base,
            escape,
            global_args: global_args.clone(),
            stage_args: BTreeMap::new(),
            env: BTreeMap::new(),
            unknown_env: Default::default(),
            path: Some(base.facts.path.clone()),
            // A relative COPY or WORKDIR, and a relative program, start from
            // the base's own WORKDIR: `/` on distroless, /home/nonroot on
            // its `:nonroot` tags.
            workdir: Some(normalize(base.workdir())),
            user: Some((base.user().to_string(), None)),
            shell: ShellInUse {
                program: "/bin/sh".to_string(),
                set_by: None,
            },
            placed: Vec::new(),
            runs: Vec::new(),
            context: ContextView::Presumed,
        }
    }

    /// The state with the build context the COPY sources are read from.
    pub fn with_context(mut self, context: ContextView<'b>) -> Self {
        self.context = context;
        self
    }

    pub fn base(&self) -> &'b BaseImage {
        self.base
    }

    /// A new stage starts: its `ARG`s are its own; the image config (ENV,
    /// WORKDIR, SHELL) carries over.
    pub fn enter_stage(&mut self) {
        self.stage_args.clear();
    }

    pub fn shell(&self) -> &ShellInUse {
        &self.shell
    }

    /// The PATH in effect, when known.
    pub fn path(&self) -> Option<&[String]> {
        self.path.as_deref()
    }

    pub fn workdir(&self) -> Option<&str> {
        self.workdir.as_deref()
    }

    /// The user the container runs as, as the last USER (or the base's
    /// configuration) names it (`nonroot`, `1000:1000`), with the USER
    /// instruction's argument that set it; `None` when that USER used a
    /// variable we cannot see.
    pub fn user(&self) -> Option<(&str, Option<Span>)> {
        self.user
            .as_ref()
            .map(|(user, span)| (user.as_str(), *span))
    }

    /// An environment variable the stages set: `None` when unset,
    /// `Some(None)` when set to a value we cannot see.
    pub fn env(&self, name: &str) -> Option<Option<&str>> {
        match self.env.get(name) {
            Some(value) => Some(Some(value)),
            None if self.unknown_env.contains(name) => Some(None),
            None => None,
        }
    }

    /// Records that a RUN step ran (it may have made files).
    pub fn ran(&mut self, span: Span) {
        self.runs.push(span);
    }

    fn variable(&self, name: &str) -> Option<String> {
        if let Some(value) = self.env.get(name) {
            return Some(value.clone());
        }
        if let Some(value) = self.stage_args.get(name) {
            return value.clone();
        }
        if name == "PATH" {
            return self.path.as_ref().map(|p| p.join(":"));
        }
        None
    }

    /// Expands a word with the variables in effect; `None` when it uses one
    /// we cannot see.
    pub(super) fn expand(&self, word: &Word) -> Option<String> {
        let expanded = expand(&word.text, self.escape, &|name| self.variable(name));
        expanded.is_exact().then_some(expanded.value)
    }

    /// `path` made absolute against WORKDIR, normalized, links resolved.
    pub(super) fn absolute(&self, path: &str) -> Option<String> {
        Some(self.base.resolve_links(&self.spelled(path)?))
    }

    /// `path` made absolute against WORKDIR and normalized, as written: the
    /// base's links not resolved.
    fn spelled(&self, path: &str) -> Option<String> {
        let joined = if path.starts_with('/') {
            path.to_string()
        } else {
            format!("{}/{path}", self.workdir.as_deref()?)
        };
        Some(normalize(&joined))
    }

    /// Applies what an instruction changes in the image config or files.
    /// Commands (RUN, CMD, …) are left to the caller.
    pub fn apply(&mut self, instruction: &Instruction) {
        match (&instruction.keyword, &instruction.args) {
            (Keyword::Env, Args::Pairs(pairs)) => {
                for pair in pairs {
                    let value = pair.value.as_ref().and_then(|v| self.expand(v));
                    let key = pair.key.text.clone();
                    if key == "PATH" {
                        self.path = value.as_ref().map(|v| {
                            v.split(':')
                                .filter(|d| !d.is_empty())
                                .map(str::to_string)
                                .collect()
                        });
                    }
                    match value {
                        Some(value) => {
                            self.unknown_env.remove(&key);
                            self.env.insert(key, value);
                        }
                        None => {
                            self.env.remove(&key);
                            self.unknown_env.insert(key);
                        }
                    }
                }
            }
            (Keyword::Arg, Args::Pairs(pairs)) => {
                for pair in pairs {
                    let value = match &pair.value {
                        Some(v) => self.expand(v),
                        None => self.global_args.get(&pair.key.text).cloned().flatten(),
                    };
                    self.stage_args.insert(pair.key.text.clone(), value);
                }
            }
            (Keyword::User, Args::Text(word)) => {
                self.user = self.expand(word).map(|user| (user, Some(word.span)));
            }
            (Keyword::Workdir, Args::Text(word)) => {
                self.workdir = self.expand(word).and_then(|dir| self.absolute(&dir));
            }
            (Keyword::Shell, Args::Command(super::ast::Command::Exec { args, .. })) => {
                if let Some(program) = args.first() {
                    self.shell = ShellInUse {
                        program: program.text.clone(),
                        set_by: Some(program.span),
                    };
                }
            }
            (Keyword::Copy | Keyword::Add, Args::List { words, .. }) if words.len() >= 2 => {
                let span = instruction.span;
                let (destination_word, sources) = words.split_last().expect("two words");
                let written = self.expand(destination_word);
                let Some(destination) = written.as_deref().and_then(|d| self.absolute(d)) else {
                    self.placed.push(Placed::Unknown { span });
                    return;
                };
                let into_directory = sources.len() > 1
                    || written
                        .as_deref()
                        .is_some_and(|d| d.ends_with('/') || d == "." || d.ends_with("/."));
                let from_context = instruction.flag("from").is_none();
                for source in sources {
                    let placed = match (self.context, self.expand(source)) {
                        (ContextView::Located(context), Some(text))
                            if from_context && is_context_path(instruction.keyword, &text) =>
                        {
                            context_placements(context, &text, &destination, into_directory, span)
                        }
                        (ContextView::NotFound, Some(text))
                            if from_context && is_context_path(instruction.keyword, &text) =>
                        {
                            vec![Placed::Unseen {
                                path: destination.clone(),
                                span,
                            }]
                        }
                        _ => vec![Placed::Under {
                            path: destination.clone(),
                            span,
                        }],
                    };
                    self.placed.extend(placed);
                }
            }
            _ => {}
        }
    }

    /// The state a RUN step sees with its `--mount`s: a bind or cache mount
    /// may put anything at its target for that step.
    pub fn with_mounts(&self, instruction: &Instruction) -> ImageState<'b> {
        let mut state = self.clone();
        for flag in instruction.flags.iter().filter(|f| f.name == "mount") {
            let Some(value) = &flag.value else { continue };
            let mut kind = "bind";
            let mut target = None;
            for option in value.split(',') {
                match option.split_once('=') {
                    Some(("type", v)) => kind = v,
                    Some(("target" | "dst" | "destination", v)) => target = Some(v),
                    _ => {}
                }
            }
            if !matches!(kind, "bind" | "cache") {
                continue;
            }
            let Some(target) = target else { continue };
            let word = Word {
                text: target.to_string(),
                span: flag.span,
            };
            let placed = match self.expand(&word).and_then(|t| self.absolute(&t)) {
                Some(path) => Placed::Under {
                    path,
                    span: flag.span,
                },
                None => Placed::Unknown { span: flag.span },
            };
            state.placed.push(placed);
        }
        state
    }

    /// Whether `program` (a name looked up on PATH, or a path) is there now.
    pub fn presence(&self, program: &str) -> Presence<'b> {
        // Each place looked at, as written and with the base's links
        // resolved: a context directory copied to `/` holds `bin/sh` under
        // the first spelling even where the base's `/bin` is a link.
        let written: Vec<String> = if program.contains('/') {
            match self.spelled(program) {
                Some(path) => vec![path],
                None => return Presence::Unknowable,
            }
        } else {
            if program.is_empty() {
                return Presence::Unknowable;
            }
            let Some(path) = &self.path else {
                return Presence::Unknowable;
            };
            path.iter()
                .filter(|dir| dir.starts_with('/'))
                .map(|dir| normalize(&format!("{dir}/{program}")))
                .collect()
        };
        let candidates: Vec<String> = written
            .iter()
            .map(|path| self.base.resolve_links(path))
            .collect();
        for (candidate, spelled) in candidates.iter().zip(&written) {
            for placed in &self.placed {
                if let Some(span) = self.provides(placed, candidate, spelled) {
                    return Presence::Copied(span);
                }
            }
        }
        let sh = self.base.resolve_links("/bin/sh");
        let mut not_runnable = None;
        for candidate in &candidates {
            if *candidate == sh && self.base.facts.bin_sh {
                return Presence::OnImage;
            }
            if let Some(executable) = self.base.find_executable(candidate) {
                if executable.runnable {
                    return Presence::OnImage;
                }
                not_runnable.get_or_insert(executable);
            }
        }
        if let Some(executable) = not_runnable {
            return Presence::NotRunnable(executable);
        }
        if let Some(span) = self.placed.iter().rev().find_map(|p| match p {
            Placed::Unseen { path, span } if candidates.iter().any(|c| covers(path, c)) => {
                Some(*span)
            }
            _ => None,
        }) {
            return Presence::Unseen(span);
        }
        let unknown_copy = self.placed.iter().rev().find_map(|p| match p {
            Placed::Unknown { span } => Some(*span),
            _ => None,
        });
        match self.runs.last().copied().or(unknown_copy) {
            Some(span) => Presence::Maybe(span),
            None => Presence::Missing,
        }
    }

    /// The COPY that puts a file at `candidate` (spelled `spelled` before
    /// the base's links were resolved), if `placed` does.
    fn provides(&self, placed: &Placed, candidate: &str, spelled: &str) -> Option<Span> {
        match placed {
            Placed::Under { path, span } => covers(path, candidate).then_some(*span),
            Placed::File { path, span } => (path == candidate).then_some(*span),
            Placed::Tree { path, source, span } => {
                let ContextView::Located(context) = self.context else {
                    return Some(*span);
                };
                [candidate, spelled].into_iter().find_map(|place| {
                    let below = below(path, place)?;
                    let entry = context.entry(&format!("{source}/{below}"));
                    matches!(entry, Entry::File | Entry::Opaque).then_some(*span)
                })
            }
            Placed::Unseen { .. } | Placed::Unknown { .. } => None,
        }
    }
}

/// Whether a COPY or ADD source names a path of the build context: not a
/// heredoc, not a URL or git repository, and not a local archive, which
/// ADD unpacks (its members are not looked at).
fn is_context_path(keyword: Keyword, source: &str) -> bool {
    if source.starts_with("<<") {
        return false;
    }
    if keyword != Keyword::Add {
        return true;
    }
    let remote = source.contains("://") || source.starts_with("git@");
    let archive = [
        ".tar", ".tgz", ".tar.gz", ".tar.bz2", ".tbz2", ".tar.xz", ".txz", ".tar.zst",
    ]
    .iter()
    .any(|ext| source.ends_with(ext));
    !remote && !archive
}

/// What a COPY of the context path `source` to `destination` places.
fn context_placements(
    context: &BuildContext,
    source: &str,
    destination: &str,
    into_directory: bool,
    span: Span,
) -> Vec<Placed> {
    let sources = if has_wildcard(source) {
        match context.expand(source) {
            Some(matched) if matched.is_empty() => {
                return vec![Placed::Unseen {
                    path: destination.to_string(),
                    span,
                }]
            }
            Some(matched) => matched,
            None => {
                return vec![Placed::Under {
                    path: destination.to_string(),
                    span,
                }]
            }
        }
    } else {
        vec![source.to_string()]
    };
    let into_directory = into_directory || sources.len() > 1;
    let mut placed = Vec::new();
    for source in sources {
        match context.entry(&source) {
            Entry::Dir => placed.push(Placed::Tree {
                path: destination.to_string(),
                source,
                span,
            }),
            Entry::File => {
                let name = source.rsplit('/').next().unwrap_or(&source);
                let inside = normalize(&format!("{destination}/{name}"));
                // Without a trailing slash the destination is the file,
                // unless the image already has a directory there, which
                // distrolint does not know: both are taken.
                if !into_directory {
                    placed.push(Placed::File {
                        path: destination.to_string(),
                        span,
                    });
                }
                placed.push(Placed::File { path: inside, span });
            }
            Entry::Opaque => placed.push(Placed::Under {
                path: destination.to_string(),
                span,
            }),
            Entry::Absent => placed.push(Placed::Unseen {
                path: destination.to_string(),
                span,
            }),
        }
    }
    placed
}

/// `path` relative to `directory`, when it is strictly below it.
fn below<'p>(directory: &str, path: &'p str) -> Option<&'p str> {
    let rest = if directory == "/" {
        path.strip_prefix('/')?
    } else {
        path.strip_prefix(directory)?.strip_prefix('/')?
    };
    (!rest.is_empty()).then_some(rest)
}

/// Whether files placed under `destination` could include `path`.
fn covers(destination: &str, path: &str) -> bool {
    destination == "/"
        || path == destination
        || path
            .strip_prefix(destination)
            .is_some_and(|rest| rest.starts_with('/'))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dockerfile::parse_str;

    fn state_after<'b>(base: &'b BaseImage, text: &str) -> ImageState<'b> {
        let df = parse_str(text);
        let mut state = ImageState::new(base, df.escape, &BTreeMap::new());
        for instruction in &df.instructions {
            state.apply(instruction);
        }
        state
    }

    fn debian13() -> BaseImage {
        crate::base::find("python3-debian13").unwrap()
    }

    #[test]
    fn programs_on_the_image_and_on_its_path() {
        let base = debian13();
        let state = state_after(&base, "FROM x\n");
        assert_eq!(state.presence("python3"), Presence::OnImage);
        assert_eq!(state.presence("/bin/python3.13"), Presence::OnImage);
        assert_eq!(state.presence("gunicorn"), Presence::Missing);
        assert_eq!(state.presence("/bin/sh"), Presence::Missing);
        assert!(
            matches!(state.presence("ldd"), Presence::NotRunnable(e) if e.path.ends_with("ldd"))
        );
    }

    #[test]
    fn copies_and_path_changes() {
        let base = debian13();
        let state = state_after(
            &base,
            "FROM x\nARG VENV=/venv\nCOPY --from=build $VENV $VENV\nENV PATH=\"$VENV/bin:$PATH\"\nWORKDIR /app\nCOPY run.sh .\n",
        );
        assert!(matches!(state.presence("gunicorn"), Presence::Copied(_)));
        assert!(matches!(
            state.presence("/venv/bin/python"),
            Presence::Copied(_)
        ));
        assert!(matches!(state.presence("./run.sh"), Presence::Copied(_)));
        // The venv's python3 comes first on the new PATH.
        assert!(matches!(state.presence("python3"), Presence::Copied(_)));
        assert_eq!(state.presence("/usr/bin/python3"), Presence::OnImage);
        assert_eq!(state.presence("/venvx/bin/a"), Presence::Missing);
        assert_eq!(state.path().map(|p| p[0].as_str()), Some("/venv/bin"));
    }

    #[test]
    fn a_copy_through_a_merged_usr_link_counts() {
        let base = debian13();
        let state = state_after(
            &base,
            "FROM x\nCOPY --from=busybox /bin/busybox /usr/bin/sh\n",
        );
        assert!(matches!(state.presence("/bin/sh"), Presence::Copied(_)));
        assert!(matches!(state.presence("sh"), Presence::Copied(_)));
    }

    #[test]
    fn a_run_mount_lends_its_target_for_one_step() {
        let base = debian13();
        let df = parse_str(
            "FROM x\nRUN --mount=type=bind,from=busybox:musl,source=/bin,target=/bin echo\nRUN --mount=type=secret,id=x,target=/bin echo\n",
        );
        let state = ImageState::new(&base, '\\', &BTreeMap::new());
        assert!(matches!(
            state.with_mounts(&df.instructions[1]).presence("/bin/sh"),
            Presence::Copied(_)
        ));
        assert_eq!(
            state.with_mounts(&df.instructions[2]).presence("/bin/sh"),
            Presence::Missing
        );
        assert_eq!(state.presence("/bin/sh"), Presence::Missing);
    }

    #[test]
    fn a_relative_copy_lands_in_the_workdir_of_the_base_and_user_follows_user() {
        let nonroot = crate::base::find("gcr.io/distroless/python3-debian13:nonroot").unwrap();
        let state = state_after(&nonroot, "FROM x\nCOPY run.sh .\n");
        assert!(matches!(
            state.presence("/home/nonroot/run.sh"),
            Presence::Copied(_)
        ));
        assert!(matches!(state.presence("./run.sh"), Presence::Copied(_)));
        assert_eq!(state.presence("/run.sh"), Presence::Missing);
        assert_eq!(state.user(), Some(("65532", None)));
        let root = debian13();
        let state = state_after(&root, "FROM x\nUSER app:app\nUSER $WHO\n");
        assert_eq!(state.user(), None);
        let state = state_after(&root, "FROM x\nARG WHO=app\nUSER ${WHO}:staff\n");
        assert_eq!(state.user().map(|(user, _)| user), Some("app:staff"));
        assert_eq!(state_after(&root, "FROM x\n").user(), Some(("0", None)));
    }

    #[test]
    fn unknown_values_are_not_judged() {
        let base = debian13();
        let state = state_after(&base, "FROM x\nENV PATH=$VENV/bin:$PATH\n");
        assert_eq!(state.presence("gunicorn"), Presence::Unknowable);
        assert_eq!(state.presence("/usr/bin/python3"), Presence::OnImage);
        let state = state_after(&base, "FROM x\nWORKDIR $APP\n");
        assert_eq!(state.presence("./run"), Presence::Unknowable);
        let state = state_after(&base, "FROM x\nCOPY x $DEST\n");
        assert!(matches!(state.presence("gunicorn"), Presence::Maybe(_)));
    }
}
