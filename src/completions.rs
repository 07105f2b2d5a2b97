//! Shell completion scripts, generated from the clap command that also
//! serves `--help` ([`Cli`]), so a new option, value or subcommand is
//! completed without an edit here. Hidden options (the testing ones) are left
//! out.

use crate::cli::Cli;
use clap::CommandFactory;
use clap_complete::Shell;

/// The program name the scripts complete.
const BIN: &str = "rootless-doctor";

/// The completion script for `shell`.
pub(crate) fn generate(shell: Shell) -> String {
    let mut command = visible(Cli::command());
    let mut script = Vec::new();
    clap_complete::generate(shell, &mut command, BIN, &mut script);
    let script = String::from_utf8_lossy(&script).into_owned();
    match shell {
        Shell::Bash => fix_bash_states(&script),
        _ => script,
    }
}

/// clap_complete 4.6 spells the bash state of a subcommand two ways when the
/// program name has a hyphen (`rootless__doctor__subcmd__list` where the words
/// are walked, `rootless__subcmd__doctor__subcmd__list` in the case arms), so
/// nothing after a subcommand would complete (clap-rs/clap#6421). Spell the
/// arms as the walk does; once clap_complete is fixed this changes nothing.
fn fix_bash_states(script: &str) -> String {
    let wrong = BIN.replace('-', "__subcmd__");
    let right = BIN.replace('-', "__");
    script.replace(&wrong, &right)
}

/// The command without hidden arguments: clap_complete offers every argument,
/// hidden or not, so the completion scripts are generated from this copy.
fn visible(command: clap::Command) -> clap::Command {
    let mut copy = clap::Command::new(command.get_name().to_string())
        .hide(command.is_hide_set())
        .visible_aliases(command.get_visible_aliases().map(str::to_string))
        .args(
            command
                .get_arguments()
                .filter(|a| !a.is_hide_set())
                .cloned(),
        );
    if let Some(about) = command.get_about() {
        copy = copy.about(about.clone());
    }
    if let Some(about) = command.get_long_about() {
        copy = copy.long_about(about.clone());
    }
    if let Some(version) = command.get_version() {
        copy = copy.version(version.to_string());
    }
    if let Some(name) = command.get_bin_name() {
        copy = copy.bin_name(name.to_string());
    }
    copy.subcommands(command.get_subcommands().cloned().map(visible))
}
