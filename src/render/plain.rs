//! Plain-text pieces shared by the renderers: a check's problem as a
//! multi-line text block, one-line sanitising, and the rows of the "what works
//! here" table.
//!
//! The text is uncoloured and unescaped; each renderer escapes it for its
//! own consumer.

use crate::render::human::describe;
use checks::capabilities::{Capabilities, Overlay};
use checks::{CheckResult, Remediation};
use std::fmt::Write as _;

/// One value of the "what works here" table, for each renderer to show.
pub(crate) enum Works<'a> {
    /// Works, does not, or unknown.
    Flag(Option<bool>),
    /// The overlay kind found, if known.
    Overlay(Option<Overlay>),
    /// The cgroup mode found, if known.
    Cgroup(Option<&'a str>),
}

/// The "what works here" rows, in order, named as people read them.
pub(crate) fn capability_rows(caps: &Capabilities) -> [(&'static str, Works<'_>); 6] {
    [
        ("user namespaces", Works::Flag(caps.userns)),
        ("single-id containers", Works::Flag(caps.single_id)),
        (
            "multi-id containers (65536 ids)",
            Works::Flag(caps.multi_id),
        ),
        ("bind mounts", Works::Flag(caps.bind_mount)),
        ("overlay", Works::Overlay(caps.overlay)),
        (
            "cgroup resource limits",
            Works::Cgroup(caps.cgroup.map(|m| m.as_str())),
        ),
    ]
}

/// Who runs a fix, and whether it lasts, as the human report says it.
pub(crate) fn who_runs(fix: &Remediation) -> &'static str {
    match (fix.requires_root, fix.persistent) {
        (true, true) => "as root",
        (true, false) => "as root, until reboot",
        (false, true) => "as the user",
        (false, false) => "as the user, until reboot",
    }
}

/// The check's message, then its evidence, then its fixes with their
/// commands, one per line (commands indented by four spaces).
pub(crate) fn problem_text(result: &CheckResult) -> String {
    let outcome = &result.outcome;
    let mut out = outcome.message.clone();
    for evidence in &outcome.evidence {
        let _ = write!(out, "\n  {}", describe(evidence).trim_end());
    }
    let _ = write!(out, "{}", fixes_text(result));
    out
}

/// The fixes of a check, each a `fix (who): summary` line followed by its
/// commands indented by four spaces; empty when there are none.
pub(crate) fn fixes_text(result: &CheckResult) -> String {
    let mut out = String::new();
    for fix in &result.outcome.remediation {
        let _ = write!(out, "\nfix ({}): {}", who_runs(fix), fix.summary);
        for command in &fix.commands {
            let _ = write!(out, "\n    {command}");
        }
    }
    out
}

/// `text` on one line: every control character (CR, LF, escape, ...)
/// becomes a space, so a line built from host data stays one line.
pub(crate) fn one_line(text: &str) -> String {
    text.chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_line_leaves_no_line_break_or_escape() {
        assert_eq!(one_line("a\r\nb\u{1b}[31mc\td"), "a  b [31mc d");
    }
}
