//! The man page's own sections: SUBCOMMANDS (one page, not clap_mangen's
//! references to per-command pages), CHECKS (the registries `list` prints),
//! EXIT STATUS (src/exit.rs), ENVIRONMENT, FILES and SEE ALSO.

use crate::exit;
use crate::render::github_summary::STEP_SUMMARY_ENV;
use checks::registry::BUNDLE_CHECKS;
use checks::registry::HOST_CHECKS;
use checks::CheckDef;
use clap_mangen::roff::{bold, italic, roman, Roff};

/// SUBCOMMANDS: each with its arguments and its own (non-global) options, in
/// this one page rather than clap_mangen's references to per-command pages.
pub(super) fn subcommands(command: &clap::Command) -> Roff {
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
pub(super) fn checks() -> Roff {
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
pub(super) fn fixed() -> Roff {
    let mut roff = Roff::new();
    roff.control("SH", ["EXIT STATUS"]);
    let statuses = [
        (exit::OK, "nothing at or above the --fail-on gate (default fail), and no check ended in error; explain, setup, list, completions and man always exit 0 on valid arguments"),
        (exit::GATE, "at least one check ended at or above the --fail-on gate; mappings: the subject has no subordinate range"),
        (exit::USAGE, "usage error (bad option, unknown check id, unknown user), the doctor could not start, or a --report file could not be written (the other outputs still show the code the checks gave)"),
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
        (STEP_SUMMARY_ENV, "when set and not empty (GitHub Actions sets it), --format github appends a Markdown summary to this file"),
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
pub(super) fn see_also() -> Roff {
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
    fn hostile_text_stays_text() {
        let mut roff = Roff::new();
        paragraphs(
            &mut roff,
            ".SH FAKE\n'tr ab\n\nback\\slash -- dash\n.\\\" comment",
        );
        let out = roff.to_roff();
        let lines: Vec<&str> = out.lines().collect();
        // Only the paragraph break is a control line; text lines cannot start one.
        assert_eq!(
            lines,
            [
                r"\&.SH FAKE 'tr ab",
                ".IP",
                r#"back\\slash \-\- dash .\\" comment"#
            ]
        );
    }

    #[test]
    fn every_check_has_an_entry() {
        let page = checks().to_roff();
        for def in HOST_CHECKS.iter().chain(BUNDLE_CHECKS) {
            let id = def.id.replace('-', r"\-");
            assert!(
                page.contains(&format!(r"\fB{id}\fR")),
                "no entry for {}",
                def.id
            );
        }
    }
}
