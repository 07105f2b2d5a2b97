//! The GitHub Actions job summary: Markdown appended to the file named by
//! `$GITHUB_STEP_SUMMARY`.
//!
//! Contract: a heading naming the subject and the host (or the bundle), the
//! capabilities and engines of a host report, a table of every check (id, status,
//! message), then each problem's fix commands in fenced code blocks. Table
//! cells escape `|`, `&`, `<`, `>` and line breaks, and a fence is longer
//! than any run of backticks in its commands, so host data cannot break out
//! of either. The file is appended to, never truncated; when it cannot be
//! written the doctor says so on stderr and carries on with the same exit code.

use crate::render::plain::{capability_rows, engine_setup, engine_verdict, who_runs, Works};
use crate::report::Report;
use checks::capabilities::Capabilities;
use checks::check::EngineVerdict;
use checks::Status;
use std::fmt::Write as _;
use std::io::Write as _;

/// The environment variable GitHub Actions points at the summary file.
pub(crate) const STEP_SUMMARY_ENV: &str = "GITHUB_STEP_SUMMARY";

/// Appends the summary when `$GITHUB_STEP_SUMMARY` is set and not empty.
pub(crate) fn append_if_requested(report: &Report) {
    let Some(path) = std::env::var_os(STEP_SUMMARY_ENV).filter(|p| !p.is_empty()) else {
        return;
    };
    let path = std::path::PathBuf::from(path);
    let written = std::fs::OpenOptions::new()
        .append(true)
        .create(true)
        .open(&path)
        .and_then(|mut file| file.write_all(render(report).as_bytes()));
    if let Err(err) = written {
        eprintln!(
            "rootless-doctor: cannot append the step summary to {}: {err}",
            path.display()
        );
    }
}

/// The Markdown summary of a report.
pub(crate) fn render(report: &Report) -> String {
    let mut out = String::new();
    let subject = &report.subject;
    let _ = match &report.bundle {
        Some(bundle) => writeln!(
            out,
            "## rootless-doctor: bundle {} for {} (uid {})\n",
            cell(&bundle.display().to_string()),
            cell(&subject.name),
            subject.uid
        ),
        None => writeln!(
            out,
            "## rootless-doctor: {} (uid {}) on {}\n",
            cell(&subject.name),
            subject.uid,
            cell(&report.host.hostname)
        ),
    };
    if let Some(caps) = &report.capabilities {
        capabilities(
            &mut out,
            caps,
            report.engines.as_deref().unwrap_or_default(),
        );
    }
    out.push_str("| check | status | message |\n|---|---|---|\n");
    for result in &report.results {
        let status = result.outcome.status;
        let _ = writeln!(
            out,
            "| `{}` | {} {} | {} |",
            result.def.id,
            icon(status),
            status,
            cell(&result.outcome.message)
        );
    }
    let _ = writeln!(
        out,
        "\n{}; exit code {}\n",
        report.counts(),
        report.exit_code
    );
    fixes(&mut out, report);
    out
}

fn icon(status: Status) -> &'static str {
    match status {
        Status::Pass => "✅",
        Status::Skip => "⏭️",
        Status::Warn => "⚠️",
        Status::Fail => "❌",
        Status::Error => "💥",
    }
}

fn capabilities(out: &mut String, caps: &Capabilities, engines: &[EngineVerdict]) {
    out.push_str("| what works here | |\n|---|---|\n");
    for (name, works) in capability_rows(caps) {
        let value = match works {
            Works::Flag(Some(true)) => "yes",
            Works::Flag(Some(false)) => "no",
            Works::Overlay(Some(kind)) => kind.as_str(),
            Works::Cgroup(Some(mode)) => mode,
            Works::Flag(None) | Works::Overlay(None) | Works::Cgroup(None) => "unknown",
        };
        let _ = writeln!(out, "| {name} | {} |", cell(value));
    }
    for engine in engines {
        let value = format!("{}{}", engine_verdict(engine), engine_setup(engine));
        let _ = writeln!(out, "| {} | {} |", engine.name, cell(&value));
    }
    out.push('\n');
}

fn fixes(out: &mut String, report: &Report) {
    let problems = report.results.iter().filter(|r| {
        matches!(
            r.outcome.status,
            Status::Warn | Status::Fail | Status::Error
        ) && !r.outcome.remediation.is_empty()
    });
    for result in problems {
        let _ = writeln!(out, "### `{}`\n", result.def.id);
        for fix in &result.outcome.remediation {
            let _ = writeln!(out, "{} ({}):\n", cell(&fix.summary), who_runs(fix));
            if fix.commands.is_empty() {
                continue;
            }
            let body = fix.commands.join("\n");
            let fence = "`".repeat(longest_backtick_run(&body).max(2) + 1);
            let _ = writeln!(out, "{fence}sh\n{body}\n{fence}\n");
        }
    }
}

fn longest_backtick_run(text: &str) -> usize {
    text.split(|c| c != '`').map(str::len).max().unwrap_or(0)
}

/// Text safe inside a Markdown table cell: one line, no column break, no HTML.
pub(crate) fn cell(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.trim_end().chars() {
        match c {
            '|' => out.push_str("\\|"),
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '\n' => out.push_str("<br>"),
            c if c.is_control() => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_stay_in_their_column_and_row() {
        assert_eq!(cell("a|b\n<i>&\r"), "a\\|b<br>&lt;i&gt;&amp;");
    }

    #[test]
    fn fences_outrun_backticks() {
        assert_eq!(longest_backtick_run("echo ```x`` y"), 3);
        assert_eq!(longest_backtick_run("plain"), 0);
    }
}
