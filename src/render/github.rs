//! GitHub Actions: workflow-command annotations for stdout.
//!
//! Contract: one `::error title=ID::MESSAGE` per check that failed or ended
//! in error, one `::warning title=ID::MESSAGE` per warning, in report order;
//! passes and skips get none. MESSAGE is the check's message, evidence and
//! fixes (with their commands), multi-line, escaped exactly as the runner
//! unescapes workflow commands (data: `%` `\r` `\n`; property values also
//! `:` and `,`). Then one plain line per check and a summary line; a plain
//! line starts with a status word, holds no control character, and has every
//! `##[` broken up (the runner also reads the older `##[command]` form anywhere
//! in a line), so no text read from the host can start a workflow command.
//!
//! The Markdown step summary is in [`super::github_summary`].

use crate::render::plain::{one_line, problem_text};
use crate::report::Report;
use checks::Status;
use std::fmt::Write as _;

/// Renders the annotations and the readable per-check log.
pub(crate) fn render(report: &Report) -> String {
    let mut out = String::new();
    for result in &report.results {
        let command = match result.outcome.status {
            Status::Fail | Status::Error => "error",
            Status::Warn => "warning",
            Status::Pass | Status::Skip => continue,
        };
        let _ = writeln!(
            out,
            "::{command} title={}::{}",
            escape_property(result.def.id),
            escape_data(&problem_text(result))
        );
    }
    let width = report.id_width();
    for result in &report.results {
        let status = result.outcome.status;
        let _ = writeln!(
            out,
            "{:<5} {:<width$}  {}",
            status.as_str(),
            result.def.id,
            log_line(&result.outcome.message)
        );
    }
    let _ = writeln!(
        out,
        "rootless-doctor summary: {} (exit code {})",
        report.counts(),
        report.exit_code
    );
    out
}

/// Escapes a workflow command's data (the text after `::`).
pub(crate) fn escape_data(text: &str) -> String {
    text.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// Escapes a workflow command's property value (`title=...`).
pub(crate) fn escape_property(text: &str) -> String {
    escape_data(text).replace(':', "%3A").replace(',', "%2C")
}

/// Host text for a plain log line: one line, with `##[` broken up so the
/// runner cannot read it as a workflow command (`##[stop-commands]` would
/// silence every later command of the step).
fn log_line(text: &str) -> String {
    one_line(text).replace("##[", "# #[")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_follow_the_runner() {
        assert_eq!(escape_data("100%\r\nok: a,b"), "100%25%0D%0Aok: a,b");
        assert_eq!(escape_property("a:b,c%\n"), "a%3Ab%2Cc%25%0A");
        // `%` first: an escape already in the text survives the round trip.
        assert_eq!(escape_data("%0A"), "%250A");
    }
}
