//! The human form of `explain`: each candidate cause, whether this host
//! confirms it, why, and the fix.

use crate::color::Palette;
use checks::explain::wire::ExplainDoc;
use checks::{CheckResult, Status};
use std::fmt::Write as _;

/// Renders the explanation for a terminal.
pub(crate) fn render(doc: &ExplainDoc, results: &[CheckResult], palette: Palette) -> String {
    let mut out = String::new();
    if doc.causes.is_empty() {
        let _ = writeln!(
            out,
            "No known cause matches this text. Run `rootless-doctor check` to examine this \
             host, or `rootless-doctor bundle DIR` for a bundle."
        );
        return out;
    }
    if doc.needs_more {
        let _ = writeln!(
            out,
            "{}",
            palette.status(
                Status::Warn,
                "This text only shows a follow-up error; paste the lines before it for the \
                 cause. The likely causes:"
            )
        );
        out.push('\n');
    }
    for cause in &doc.causes {
        let verdict = match cause.confirmed {
            Some(true) => palette.status(Status::Fail, "confirmed on this host"),
            Some(false) => palette.status(Status::Pass, "ruled out on this host"),
            None => palette.muted("not decided on this host"),
        };
        let _ = writeln!(
            out,
            "{} {} ({verdict})",
            palette.heading(cause.title),
            palette.muted(&format!("[{}]", cause.id))
        );
        let _ = writeln!(out, "  line {}: {}", cause.line, cause.excerpt);
        for line in wrap(cause.explanation, 76) {
            let _ = writeln!(out, "  {line}");
        }
        for reason in &cause.evidence {
            let _ = writeln!(out, "  {} {reason}", palette.muted("evidence"));
        }
        for id in &cause.checks {
            if let Some(result) = results.iter().find(|r| r.def.id == *id) {
                let _ = writeln!(
                    out,
                    "  {} {}: {}",
                    palette.status(result.outcome.status, result.outcome.status.as_str()),
                    id,
                    result.outcome.message
                );
            }
        }
        for fix in &cause.remediation {
            let who = if fix.requires_root {
                "as root"
            } else {
                "as the user"
            };
            let _ = writeln!(out, "  fix ({who}): {}", fix.summary);
            for command in &fix.commands {
                let _ = writeln!(out, "    {}", palette.command(command));
            }
        }
        out.push('\n');
    }
    out
}

fn wrap(text: &str, width: usize) -> Vec<String> {
    let mut lines = Vec::new();
    let mut line = String::new();
    for word in text.split_whitespace() {
        if !line.is_empty() && line.len() + 1 + word.len() > width {
            lines.push(std::mem::take(&mut line));
        }
        if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(word);
    }
    if !line.is_empty() {
        lines.push(line);
    }
    lines
}
