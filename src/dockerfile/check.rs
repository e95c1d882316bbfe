//! The walk over the final stage that hands each instruction to the checks
//! of [`super::rules`]: commands that need a shell the base does not have
//! (DL701–DL703), a SHELL naming a missing program (DL704), exec-form
//! commands whose program is missing (DL705), Python trees copied from
//! build stages (DL706–DL708), a CMD handed to the base's Python (DL709),
//! locale variables (DL710) and a USER the base's `/etc/passwd` lacks
//! (DL711).
//!
//! The final stage and the stages it is built `FROM` run on the same base,
//! so their instructions are walked in build order (with the ONBUILD
//! triggers of a parent stage at the start of its child), keeping the image
//! state of [`ImageState`]. RUN steps are judged where they run, with what
//! was copied in before them; CMD, ENTRYPOINT and HEALTHCHECK are judged
//! once, as the finished image will use them (the last of each, with the
//! rule that an ENTRYPOINT drops a CMD inherited from the parent), with
//! everything the stages copy in.

use std::path::Path;

use super::ast::{Args, Command, Dockerfile, Instruction, Keyword, Word};
use super::copied_from::CopiedFrom;
use super::image::{ContextView, ImageState, ShellInUse};
use super::stages::{Stage, Stages};
use crate::base::BaseImage;
use crate::finding::Finding;
use crate::rules::RuleSet;

/// Findings for the final stage of `df` on `base`.
pub fn check(
    rules: &RuleSet,
    df: &Dockerfile,
    stages: &Stages,
    base: &BaseImage,
    path: &Path,
    context: ContextView<'_>,
) -> Vec<Finding> {
    let Some(last) = stages.final_stage() else {
        return Vec::new();
    };
    let chain = stages.chain(last.index);
    let mut checker = Checker {
        rules,
        df,
        path,
        base,
        findings: Vec::new(),
        copies: Vec::new(),
    };
    let mut state = ImageState::new(base, df.escape, &stages.global_args).with_context(context);
    let mut image = ImageConfig::default();
    let mut shells = Vec::new();
    for (k, stage) in chain.iter().enumerate() {
        state.enter_stage();
        image.cmd_set_here = false;
        let triggers = k
            .checked_sub(1)
            .map(|parent| onbuild_triggers(df, chain[parent]))
            .unwrap_or_default();
        let own = stage
            .body
            .clone()
            .filter_map(|i| df.instructions.get(i))
            .filter(|i| i.keyword != Keyword::Onbuild);
        for instruction in triggers.into_iter().chain(own) {
            checker.step(instruction, stage, &mut state, &mut image, &mut shells);
        }
    }
    checker.finish(&state, &image, &shells);
    let commands: Vec<&Command> = [&image.entrypoint, &image.cmd]
        .into_iter()
        .flatten()
        .map(|d| d.command)
        .collect();
    let copies = std::mem::take(&mut checker.copies);
    checker.python_trees(stages, &copies, &state, &commands);
    checker.findings
}

fn onbuild_triggers<'d>(df: &'d Dockerfile, stage: &Stage) -> Vec<&'d Instruction> {
    stage
        .body
        .clone()
        .filter_map(|i| df.instructions.get(i))
        .filter(|i| i.keyword == Keyword::Onbuild)
        .map(Instruction::triggered)
        .filter(|i| i.keyword != Keyword::Onbuild)
        .collect()
}

/// A CMD, ENTRYPOINT or HEALTHCHECK as the image config keeps it.
#[derive(Clone)]
pub(super) struct Dispatched<'d> {
    pub instruction: &'d Instruction,
    pub command: &'d Command,
    /// The SHELL in effect when it was dispatched.
    pub shell: ShellInUse,
    pub stage: String,
}

#[derive(Default)]
struct ImageConfig<'d> {
    cmd: Option<Dispatched<'d>>,
    /// Whether the current stage set CMD itself (an ENTRYPOINT then keeps it).
    cmd_set_here: bool,
    entrypoint: Option<Dispatched<'d>>,
    healthcheck: Option<Dispatched<'d>>,
}

/// When a command runs, for the consequence of its failure.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum When {
    Build,
    Start,
    HealthCheck,
}

impl When {
    pub fn as_str(self) -> &'static str {
        match self {
            When::Build => "build",
            When::Start => "start",
            When::HealthCheck => "health-check",
        }
    }

    pub fn consequence(self) -> &'static str {
        match self {
            When::Build => "the build stops at this step",
            When::Start => "the container does not start",
            When::HealthCheck => {
                "every health check fails and Docker marks the container unhealthy"
            }
        }
    }
}

pub(super) struct Checker<'a> {
    pub rules: &'a RuleSet,
    pub df: &'a Dockerfile,
    pub path: &'a Path,
    pub base: &'a BaseImage,
    pub findings: Vec<Finding>,
    /// The COPY --from instructions so far, resolved where they ran.
    pub copies: Vec<CopiedFrom>,
}

impl<'a> Checker<'a> {
    fn step<'d>(
        &mut self,
        instruction: &'d Instruction,
        stage: &Stage,
        state: &mut ImageState<'a>,
        image: &mut ImageConfig<'d>,
        shells: &mut Vec<(String, &'d Word)>,
    ) {
        let dispatched = |command: &'d Command, state: &ImageState<'_>| Dispatched {
            instruction,
            command,
            shell: state.shell().clone(),
            stage: stage.label(),
        };
        match (&instruction.keyword, &instruction.args) {
            (Keyword::Run, Args::Command(command)) => {
                let during = state.with_mounts(instruction);
                let failed = match command {
                    Command::Shell(word) => match shebang_script(self.df, instruction, word) {
                        Some(interpreter) => self.exec_program(
                            instruction,
                            &interpreter,
                            When::Build,
                            &during,
                            &stage.label(),
                            Some(instruction.heredocs[0].word),
                        ),
                        None => self.shell_form(
                            instruction,
                            word,
                            during.shell(),
                            When::Build,
                            &during,
                            &stage.label(),
                            None,
                        ),
                    },
                    Command::Exec { args, .. } => match args.first() {
                        Some(program) => self.exec_program(
                            instruction,
                            program,
                            When::Build,
                            &during,
                            &stage.label(),
                            None,
                        ),
                        None => false,
                    },
                };
                if !failed {
                    state.ran(instruction.span);
                }
            }
            (Keyword::Cmd, Args::Command(command)) => {
                image.cmd = Some(dispatched(command, state));
                image.cmd_set_here = true;
            }
            (Keyword::Entrypoint, Args::Command(command)) => {
                image.entrypoint = Some(dispatched(command, state));
                if !image.cmd_set_here {
                    image.cmd = None;
                }
            }
            (Keyword::Healthcheck, Args::Healthcheck(Some(command))) => {
                image.healthcheck = Some(dispatched(command, state));
            }
            (Keyword::Healthcheck, Args::Healthcheck(None)) => image.healthcheck = None,
            (Keyword::Shell, Args::Command(Command::Exec { args, .. })) => {
                if let Some(program) = args.first() {
                    shells.push((stage.label(), program));
                }
                state.apply(instruction);
            }
            (Keyword::Env, _) => {
                self.env_locale(instruction, state);
                state.apply(instruction);
            }
            _ => {
                if let Some(copy) = CopiedFrom::of(instruction, state) {
                    self.copies.push(copy);
                }
                state.apply(instruction);
            }
        }
    }

    fn finish(
        &mut self,
        state: &ImageState<'a>,
        image: &ImageConfig<'_>,
        shells: &[(String, &Word)],
    ) {
        let entrypoint = image.entrypoint.as_ref();
        let entrypoint_is_shell =
            entrypoint.is_some_and(|e| matches!(e.command, Command::Shell(_)));
        if let Some(entry) = entrypoint {
            self.command(entry, When::Start, state, None);
        }
        if let Some(cmd) = image.cmd.as_ref().filter(|_| !entrypoint_is_shell) {
            match (cmd.command, entrypoint.map(|e| e.command)) {
                (Command::Shell(_), entry) => {
                    let behind = match entry {
                        Some(Command::Exec { args, .. }) if !args.is_empty() => {
                            entrypoint.map(|e| (e, args[0].text.as_str()))
                        }
                        _ => None,
                    };
                    self.command(cmd, When::Start, state, behind);
                }
                // Only with `ENTRYPOINT []` is CMD's first word the program;
                // otherwise it is handed to an ENTRYPOINT: the Dockerfile's,
                // or, when it sets none, the base's own.
                (Command::Exec { .. }, Some(Command::Exec { args, .. })) if args.is_empty() => {
                    self.command(cmd, When::Start, state, None);
                }
                (Command::Exec { .. }, None) => self.cmd_behind_base_entrypoint(cmd, state),
                _ => {}
            }
        }
        if let Some(health) = &image.healthcheck {
            self.command(health, When::HealthCheck, state, None);
        }
        for (stage, program) in shells {
            self.shell_instruction(program, state, stage);
        }
        self.user_account(state);
    }

    /// A CMD, ENTRYPOINT or HEALTHCHECK command of the finished image.
    /// `behind`: the exec-form ENTRYPOINT a shell-form CMD is handed to.
    fn command(
        &mut self,
        dispatched: &Dispatched<'_>,
        when: When,
        state: &ImageState<'a>,
        behind: Option<(&Dispatched<'_>, &str)>,
    ) {
        match dispatched.command {
            Command::Shell(word) => {
                self.shell_form(
                    dispatched.instruction,
                    word,
                    &dispatched.shell,
                    when,
                    state,
                    &dispatched.stage,
                    behind,
                );
            }
            Command::Exec { args, .. } => {
                if let Some(program) = args.first() {
                    self.exec_program(
                        dispatched.instruction,
                        program,
                        when,
                        state,
                        &dispatched.stage,
                        None,
                    );
                }
            }
        }
    }
}

/// The `#!` interpreter of a `RUN <<EOF` whose whole command is one heredoc
/// starting with `#!`: BuildKit runs such a script directly, without a shell.
fn shebang_script(df: &Dockerfile, instruction: &Instruction, command: &Word) -> Option<Word> {
    let [heredoc] = instruction.heredocs.as_slice() else {
        return None;
    };
    if command.text.trim() != df.text(heredoc.word) {
        return None;
    }
    let content = heredoc.content();
    let line = content.lines().next()?.strip_prefix("#!")?;
    let interpreter = line.split_whitespace().next()?;
    Some(Word {
        text: interpreter.to_string(),
        span: heredoc.word,
    })
}
