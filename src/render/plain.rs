//! Plain-text pieces shared by the renderers: a check's problem as a
//! multi-line text block, one-line sanitising, and the rows of the "what works
//! here" table (the capabilities, then one row per engine).
//!
//! The text is uncoloured and unescaped; each renderer escapes it for its
//! own consumer.

use crate::render::human::describe;
use checks::capabilities::{Capabilities, Overlay};
use checks::check::{EngineVerdict, Verdict};
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

/// An engine's verdict as its "what works here" row says it: `works`,
/// `unknown`, or `fails: ` and the checks that block it, most decisive first.
pub(crate) fn engine_verdict(engine: &EngineVerdict) -> String {
    match engine.verdict {
        Verdict::Fails if !engine.blocked_by.is_empty() => {
            let ids: Vec<&str> = engine.blocked_by.iter().map(|c| c.id).collect();
            format!("fails: {}", ids.join(", "))
        }
        verdict => verdict.as_str().to_string(),
    }
}

/// An engine's setup as its row shows it after the verdict: the runtime
/// (unless it is the engine itself), storage driver and network helper it
/// uses, as far as known, in parentheses, on one line; empty when none is.
pub(crate) fn engine_setup(engine: &EngineVerdict) -> String {
    let runtime = engine.runtime.as_deref().filter(|r| *r != engine.name);
    let parts: Vec<String> = [
        runtime,
        engine.storage_driver.as_deref(),
        engine.network.as_deref(),
    ]
    .into_iter()
    .flatten()
    .map(one_line)
    .collect();
    if parts.is_empty() {
        String::new()
    } else {
        format!(" ({})", parts.join(", "))
    }
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
    fn an_engine_row_names_its_blockers_and_its_setup_on_one_line() {
        let mut podman = EngineVerdict {
            name: "podman",
            path: "/usr/bin/podman".into(),
            version: None,
            verdict: Verdict::Fails,
            blocked_by: vec![&checks::network::TUN, &checks::runtime::OCI_RUNTIME],
            runtime: Some("crun".into()),
            storage_driver: Some("vfs".into()),
            network: Some("slirp\n4netns".into()),
        };
        assert_eq!(
            format!("{}{}", engine_verdict(&podman), engine_setup(&podman)),
            "fails: network.tun, runtime.oci-runtime (crun, vfs, slirp 4netns)"
        );
        podman.verdict = Verdict::Unknown;
        podman.blocked_by.clear();
        assert_eq!(engine_verdict(&podman), "unknown");
        let runc = EngineVerdict {
            name: "runc",
            runtime: Some("runc".into()),
            storage_driver: None,
            network: None,
            verdict: Verdict::Works,
            ..podman
        };
        assert_eq!(
            format!("{}{}", engine_verdict(&runc), engine_setup(&runc)),
            "works"
        );
    }

    #[test]
    fn one_line_leaves_no_line_break_or_escape() {
        assert_eq!(one_line("a\r\nb\u{1b}[31mc\td"), "a  b [31mc d");
    }
}
