//! Shell integration: completion scripts and the man page.
//!
//! Both are generated from the clap command that also serves `--help`
//! ([`Cli`]), so a new option, value or subcommand shows up in them without an
//! edit here. Hidden options (the testing ones) are left out of both. The man
//! page adds sections clap cannot know: every check with its description (the
//! same registries `list` prints), exit status, environment, files and see
//! also; all text goes through the `roff` crate, which escapes it.

use crate::cli::Cli;
use crate::exit;
use checks::bundle::BUNDLE_CHECKS;
use checks::registry::{CheckDef, HOST_CHECKS};
use clap::CommandFactory;
use clap_complete::Shell;
use clap_mangen::roff::{bold, italic, roman, Roff};
use clap_mangen::Man;

/// The program name the scripts complete and the man page documents.
const BIN: &str = "rootless-doctor";

/// The completion script for `shell`.
pub(crate) fn completions(shell: Shell) -> String {
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

/// The man page, roff for section 1.
pub(crate) fn man_page() -> anyhow::Result<String> {
    let command = Cli::command().disable_help_subcommand(true);
    let man = Man::new(command.clone());
    let mut page = Vec::new();
    title(&command).to_writer(&mut page)?;
    man.render_name_section(&mut page)?;
    man.render_synopsis_section(&mut page)?;
    man.render_description_section(&mut page)?;
    man.render_options_section(&mut page)?;
    subcommands(&command).to_writer(&mut page)?;
    checks_section().to_writer(&mut page)?;
    fixed_sections().to_writer(&mut page)?;
    man.render_version_section(&mut page)?;
    see_also().to_writer(&mut page)?;
    Ok(tidy(&String::from_utf8(page)?))
}

/// The `.TH` line: clap_mangen drops its empty date argument, which shifts
/// the source into the date's place, so it is written here with a date:
/// SOURCE_DATE_EPOCH when set (reproducible builds), else today (UTC).
fn title(command: &clap::Command) -> Roff {
    let seconds = std::env::var("SOURCE_DATE_EPOCH")
        .ok()
        .and_then(|text| text.trim().parse::<u64>().ok())
        .unwrap_or_else(|| {
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map(|d| d.as_secs())
                .unwrap_or(0)
        });
    let source = format!("{BIN} {}", command.get_version().unwrap_or_default());
    let mut roff = Roff::new();
    roff.control(
        "TH",
        [
            BIN.to_uppercase().as_str(),
            "1",
            iso_date(seconds).as_str(),
            source.as_str(),
            "User Commands",
        ],
    );
    roff
}

/// `YYYY-MM-DD` of a Unix time (proleptic Gregorian, UTC).
fn iso_date(seconds: u64) -> String {
    // Howard Hinnant's days-to-civil algorithm, for days since 1970-01-01.
    let days = (seconds / 86_400) as i64 + 719_468;
    let era = days.div_euclid(146_097);
    let day_of_era = days.rem_euclid(146_097);
    let year_of_era =
        (day_of_era - day_of_era / 1460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let month_index = (5 * day_of_year + 2) / 153;
    let day = day_of_year - (153 * month_index + 2) / 5 + 1;
    let month = if month_index < 10 {
        month_index + 3
    } else {
        month_index - 9
    };
    let year = year_of_era + era * 400 + i64::from(month <= 2);
    format!("{year:04}-{month:02}-{day:02}")
}

/// Each part rendered on its own repeats the roff crate's apostrophe
/// preamble; keep the first. clap_mangen separates an option's help from its
/// possible values with `.br`, a blank line and `.br`, which mandoc -Tlint
/// flags; one `.sp` says the same.
fn tidy(page: &str) -> String {
    const PREAMBLE: &str = ".ie \\n(.g .ds Aq \\(aq\n.el .ds Aq '\n";
    let page = match page.split_once(PREAMBLE) {
        Some((head, rest)) => format!("{head}{PREAMBLE}{}", rest.replace(PREAMBLE, "")),
        None => page.to_string(),
    };
    page.replace("\n.br\n\n.br\n", "\n.sp\n")
}

/// SUBCOMMANDS: each with its arguments and its own (non-global) options, in
/// this one page rather than clap_mangen's references to per-command pages.
fn subcommands(command: &clap::Command) -> Roff {
    let mut roff = Roff::new();
    roff.control("SH", ["SUBCOMMANDS"]);
    for sub in command.get_subcommands().filter(|s| !s.is_hide_set()) {
        let mut head = vec![bold(sub.get_name())];
        for arg in sub.get_positionals().filter(|a| !a.is_hide_set()) {
            let name = arg
                .get_value_names()
                .map(|names| names.join(" "))
                .unwrap_or_else(|| arg.get_id().as_str().to_uppercase());
            let (open, close) = if arg.is_required_set() {
                ("", "")
            } else {
                ("[", "]")
            };
            head.extend([roman(format!(" {open}")), italic(name), roman(close)]);
        }
        roff.control("TP", []).text(head);
        let about = sub.get_long_about().or_else(|| sub.get_about());
        if let Some(about) = about {
            paragraphs(&mut roff, &about.to_string());
        }
        let own: Vec<&clap::Arg> = sub
            .get_arguments()
            .filter(|a| !a.is_hide_set() && !a.is_global_set() && !a.is_positional())
            .collect();
        for arg in own {
            roff.control("RS", []).control("TP", []);
            let mut flag = vec![bold(format!("--{}", arg.get_long().unwrap_or_default()))];
            if let Some(names) = arg.get_value_names() {
                flag.extend([roman(" "), italic(names.join(" "))]);
            }
            roff.text(flag);
            if let Some(help) = arg.get_long_help().or_else(|| arg.get_help()) {
                paragraphs(&mut roff, &help.to_string());
            }
            roff.control("RE", []);
        }
    }
    roff
}

/// CHECKS: every check id with its title and description, host checks first.
fn checks_section() -> Roff {
    let mut roff = Roff::new();
    roff.control("SH", ["CHECKS"]);
    roff.text([roman(
        "Host checks run in this order for check; bundle checks for bundle. \
         Ids are stable; list prints them, and --only and --skip take them.",
    )]);
    for def in HOST_CHECKS.iter().chain(BUNDLE_CHECKS) {
        check_entry(&mut roff, def);
    }
    roff
}

fn check_entry(roff: &mut Roff, def: &CheckDef) {
    roff.control("TP", [])
        .text([bold(def.id), roman(format!(" - {}", def.title))]);
    paragraphs(roff, def.description);
}

/// EXIT STATUS, ENVIRONMENT and FILES.
fn fixed_sections() -> Roff {
    let mut roff = Roff::new();
    roff.control("SH", ["EXIT STATUS"]);
    let statuses = [
        (exit::OK, "nothing at or above the --fail-on gate (default fail), and no check ended in error; explain, setup, list, completions and man always exit 0 on valid arguments"),
        (exit::GATE, "at least one check ended at or above the --fail-on gate; mappings: the subject has no subordinate range"),
        (exit::USAGE, "usage error (bad option, unknown check id, unknown user), or the doctor could not start"),
        (exit::INCONCLUSIVE, "no gate tripped, but some check ended in error (for example a probe timed out)"),
    ];
    for (code, meaning) in statuses {
        definition(&mut roff, code.to_string(), meaning);
    }
    roff.control("SH", ["ENVIRONMENT"]);
    let variables = [
        ("NO_COLOR", "when set and not empty, the human report is not coloured (--color auto)"),
        ("CLICOLOR_FORCE", "when set and not 0, the human report is coloured even when standard output is not a terminal (--color auto)"),
        ("SUDO_UID", "run as root under sudo without --user, the doctor diagnoses this user"),
        ("XDG_RUNTIME_DIR", "the runtime directory the runtimes keep their state in, checked by runtime.xdg-runtime-dir; for another user it is /run/user/UID"),
        ("PATH", "where newuidmap, newgidmap, fuse-overlayfs and the OCI runtimes are looked up, as runc looks them up"),
        ("GITHUB_STEP_SUMMARY", "in GitHub Actions, the file the github format appends its summary to"),
    ];
    for (name, meaning) in variables {
        definition(&mut roff, name.to_string(), meaning);
    }
    roff.control("SH", ["FILES"]);
    let files = [
        (
            "/etc/subuid, /etc/subgid",
            "subordinate uid and gid ranges (subid.subuid, subid.subgid, mappings)",
        ),
        (
            "/etc/passwd, /etc/group",
            "accounts, for the subject and for overlaps with subordinate ranges",
        ),
        (
            "/etc/nsswitch.conf",
            "a subid: source means the files above may not be authoritative",
        ),
        (
            "/proc/sys/kernel/unprivileged_userns_clone",
            "the Debian and Arch user namespace switch (userns.clone-sysctl)",
        ),
        (
            "/proc/sys/user/max_user_namespaces",
            "the user namespace limit (userns.max-namespaces)",
        ),
        (
            "/proc/sys/kernel/apparmor_restrict_unprivileged_userns",
            "the Ubuntu AppArmor restriction (userns.apparmor)",
        ),
        (
            "/dev/fuse",
            "needed by fuse-overlayfs (mount.fuse-overlayfs)",
        ),
        (
            "/run/user/UID",
            "the subject's runtime directory (runtime.xdg-runtime-dir)",
        ),
        (
            "/sys/fs/cgroup",
            "the cgroup hierarchy and its delegation (cgroup.delegation)",
        ),
        (
            "/etc/os-release, /usr/lib/os-release",
            "the distribution, for the commands that fix a problem",
        ),
    ];
    for (path, meaning) in files {
        definition(&mut roff, path.to_string(), meaning);
    }
    roff
}

/// SEE ALSO.
fn see_also() -> Roff {
    let mut roff = Roff::new();
    roff.control("SH", ["SEE ALSO"]);
    let pages = [
        "runc(8)",
        "crun(1)",
        "podman(1)",
        "newuidmap(1)",
        "newgidmap(1)",
        "subuid(5)",
        "subgid(5)",
        "user_namespaces(7)",
        "fuse-overlayfs(1)",
    ];
    let mut line = Vec::new();
    for (i, page) in pages.iter().enumerate() {
        let (name, section) = page.split_once('(').unwrap_or((page, ")"));
        if i > 0 {
            line.push(roman(", "));
        }
        line.extend([bold(name), roman(format!("({section}"))]);
    }
    roff.text(line);
    roff.text([roman(
        "The documentation in /usr/share/doc/rootless-doctor (installed from \
         the package), one section per check id.",
    )]);
    roff
}

/// A tagged paragraph: the term in bold, its meaning below.
fn definition(roff: &mut Roff, term: String, meaning: &str) {
    roff.control("TP", []).text([bold(term)]);
    paragraphs(roff, meaning);
}

/// Text as roff paragraphs: blank lines separate paragraphs, other line breaks
/// and runs of white space are folded, so no blank or control line is emitted.
fn paragraphs(roff: &mut Roff, text: &str) {
    let mut first = true;
    for paragraph in text.split("\n\n") {
        let words: Vec<&str> = paragraph.split_whitespace().collect();
        if words.is_empty() {
            continue;
        }
        if !first {
            roff.control("IP", []);
        }
        roff.text([roman(words.join(" "))]);
        first = false;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_are_civil_utc_days() {
        assert_eq!(iso_date(0), "1970-01-01");
        assert_eq!(iso_date(951_782_400), "2000-02-29");
        assert_eq!(iso_date(1_709_251_199), "2024-02-29");
        assert_eq!(iso_date(1_735_689_600), "2025-01-01");
    }

    #[test]
    fn the_page_keeps_one_preamble_and_no_blank_lines() {
        let page = man_page().expect("man page");
        assert_eq!(page.matches(".ds Aq \\(aq").count(), 1);
        assert!(page.starts_with(".ie "));
        assert!(!page.contains("\n\n"), "blank line in the page");
    }
}
