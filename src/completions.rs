//! Shell completion scripts, generated from the clap command that also
//! serves `--help` ([`Cli`]), so a new option, value or subcommand is
//! completed without an edit here. Hidden options (the testing ones) are left
//! out. Two gaps of clap_complete 4.6 are repaired from the same command: bash
//! with a hyphenated program name, and fish's positional values.

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
        Shell::Fish => script + &fish_positional_values(&command),
        _ => script,
    }
}

/// clap_complete 4.6 writes fish completions for options only, so
/// `completions <TAB>` offered files (clap-rs/clap#6295): add the possible
/// values of each subcommand's positional arguments, from the same command.
fn fish_positional_values(command: &clap::Command) -> String {
    let condition = format!("__fish_{}_using_subcommand", BIN.replace('-', "_"));
    let mut lines = String::new();
    for sub in command.get_subcommands().filter(|s| !s.is_hide_set()) {
        for arg in sub.get_positionals().filter(|a| !a.is_hide_set()) {
            let values: Vec<String> = arg
                .get_possible_values()
                .iter()
                .filter(|v| !v.is_hide_set())
                .map(|v| v.get_name().to_string())
                .collect();
            if !values.is_empty() {
                lines.push_str(&format!(
                    "complete -c {BIN} -n \"{condition} {}\" -f -a \"{}\"\n",
                    sub.get_name(),
                    values.join(" ")
                ));
            }
        }
    }
    lines
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
