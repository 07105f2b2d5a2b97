//! The human report: a header, what works here, then one block per check.
//!
//! Problems (warn, fail, error) show their evidence and fixes; passes and
//! skips show one line unless `-v` asks for everything.

use crate::color::Palette;
use crate::render::plain::{capability_rows, engine_setup, engine_verdict, Works};
use crate::report::Report;
use crate::who::Chosen;
use checks::capabilities::{Capabilities, Overlay};
use checks::check::{EngineVerdict, Verdict};
use checks::{CheckResult, Evidence, Status};
use std::fmt::Write as _;

/// Renders the report for a terminal.
pub(crate) fn render(report: &Report, palette: Palette, verbose: bool) -> String {
    let mut out = String::new();
    header(&mut out, report, palette);
    if let Some(caps) = &report.capabilities {
        let engines = report.engines.as_deref().unwrap_or_default();
        capabilities(&mut out, caps, engines, palette);
    }
    let _ = writeln!(out, "{}", palette.heading("Checks"));
    let width = report.id_width();
    let mut family = None;
    for result in &report.results {
        if family.is_some_and(|f| f != result.def.category()) {
            out.push('\n');
        }
        family = Some(result.def.category());
        check(&mut out, result, palette, verbose, width);
    }
    summary(&mut out, report, palette);
    out
}

fn header(out: &mut String, report: &Report, palette: Palette) {
    let host = &report.host;
    let distro = host
        .os_release
        .pretty_name
        .clone()
        .unwrap_or_else(|| "unknown distribution".to_string());
    let _ = writeln!(
        out,
        "{} {} on {} ({}, kernel {}, {})",
        palette.heading("rootless-doctor"),
        env!("CARGO_PKG_VERSION"),
        host.hostname,
        distro,
        host.kernel_release,
        host.arch
    );
    let subject = &report.subject;
    let how = match report.chosen {
        Chosen::Invoker => "",
        Chosen::Flag => ", named with --user",
        Chosen::Sudo => ", the user behind sudo",
        Chosen::RootItself => "",
    };
    let _ = writeln!(
        out,
        "subject: {} (uid {}, gid {}{how})",
        subject.name, subject.uid, subject.gid
    );
    if report.chosen == Chosen::RootItself {
        let warning = "diagnosing root itself: rootless containers run as a normal user; \
                       run this as that user, or as root with --user NAME";
        let _ = writeln!(out, "{}", palette.status(Status::Warn, warning));
    }
    if let Some(bundle) = &report.bundle {
        let _ = writeln!(out, "bundle: {}", bundle.display());
    }
    if let Some(why) = &host.container {
        let _ = writeln!(
            out,
            "running inside a container or nested namespace ({why})"
        );
    }
    out.push('\n');
}

fn capabilities(
    out: &mut String,
    caps: &Capabilities,
    engines: &[EngineVerdict],
    palette: Palette,
) {
    let _ = writeln!(out, "{}", palette.heading("What works here"));
    for (name, works) in capability_rows(caps) {
        let value = match works {
            Works::Flag(Some(true)) => palette.status(Status::Pass, "yes"),
            Works::Flag(Some(false)) => palette.status(Status::Fail, "no"),
            Works::Overlay(Some(Overlay::None)) => palette.status(Status::Fail, "none"),
            Works::Overlay(Some(kind)) => palette.status(Status::Pass, kind.as_str()),
            Works::Cgroup(Some("delegated")) => palette.status(Status::Pass, "delegated"),
            Works::Cgroup(Some(mode)) => palette.status(Status::Warn, mode),
            Works::Flag(None) | Works::Overlay(None) | Works::Cgroup(None) => {
                palette.muted("unknown")
            }
        };
        let _ = writeln!(out, "  {name:<32} {value}");
    }
    // One line per installed engine, coloured like the capabilities.
    for engine in engines {
        let text = engine_verdict(engine);
        let value = match engine.verdict {
            Verdict::Works => palette.status(Status::Pass, &text),
            Verdict::Fails => palette.status(Status::Fail, &text),
            Verdict::Unknown => palette.muted(&text),
        };
        let _ = writeln!(out, "  {:<32} {value}{}", engine.name, engine_setup(engine));
    }
    out.push('\n');
}

fn marker(status: Status) -> &'static str {
    match status {
        Status::Pass => "pass ",
        Status::Skip => "skip ",
        Status::Warn => "warn ",
        Status::Fail => "FAIL ",
        Status::Error => "ERROR",
    }
}

fn check(out: &mut String, result: &CheckResult, palette: Palette, verbose: bool, width: usize) {
    let outcome = &result.outcome;
    let _ = writeln!(
        out,
        "  {} {:<width$}  {}",
        palette.status(outcome.status, marker(outcome.status)),
        result.def.id,
        outcome.message
    );
    let detailed = verbose || matches!(outcome.status, Status::Warn | Status::Fail | Status::Error);
    if !detailed {
        return;
    }
    if let (true, Some(code)) = (verbose, outcome.code) {
        let _ = writeln!(out, "          {}", palette.muted(&format!("code: {code}")));
    }
    for evidence in &outcome.evidence {
        // Multi-line values (a uid_map) keep the indentation of the block.
        let text = describe(evidence)
            .trim_end()
            .replace('\n', "\n            ");
        let _ = writeln!(out, "          {}", palette.muted(&text));
    }
    for fix in &outcome.remediation {
        let who = match (fix.requires_root, fix.persistent) {
            (true, true) => "as root",
            (true, false) => "as root, until reboot",
            (false, true) => "as the user",
            (false, false) => "as the user, until reboot",
        };
        let _ = writeln!(out, "          fix ({who}): {}", fix.summary);
        for command in &fix.commands {
            let _ = writeln!(out, "            {}", palette.command(command));
        }
    }
}

/// One line (or block) of evidence as the human report shows it; the other
/// text renderers reuse it.
pub(crate) fn describe(evidence: &Evidence) -> String {
    match evidence {
        Evidence::File {
            path,
            line: Some(line),
            text,
        } => format!("{path}:{line}: {text}"),
        Evidence::File {
            path,
            line: None,
            text,
        } => format!("{path}: {text}"),
        Evidence::Setting { name, value } => format!("{name} = {value}"),
        Evidence::Command {
            argv,
            exit_code,
            stderr,
        } => {
            let code = exit_code.map_or("no exit code".to_string(), |c| format!("exit {c}"));
            let stderr = stderr.trim();
            if stderr.is_empty() {
                format!("$ {} ({code})", argv.join(" "))
            } else {
                format!("$ {} ({code}): {stderr}", argv.join(" "))
            }
        }
        Evidence::Probe {
            name,
            ok,
            errno,
            detail,
        } => {
            let verdict = if *ok { "ok" } else { "failed" };
            match errno {
                Some(errno) => format!("probe {name}: {verdict} ({errno}): {detail}"),
                None => format!("probe {name}: {verdict}: {detail}"),
            }
        }
        Evidence::Fact { name, value } => format!("{name}: {value}"),
    }
}

fn summary(out: &mut String, report: &Report, palette: Palette) {
    out.push('\n');
    let parts: Vec<String> = Status::ALL
        .iter()
        .map(|&status| {
            let text = format!("{} {}", report.count(status), status);
            if report.count(status) > 0 && status != Status::Pass {
                palette.status(status, &text)
            } else {
                text
            }
        })
        .collect();
    let _ = writeln!(out, "{}: {}", palette.heading("summary"), parts.join(", "));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn command_evidence_names_the_exit_and_stderr() {
        let evidence = Evidence::Command {
            argv: vec!["newuidmap".into(), "42".into()],
            exit_code: Some(1),
            stderr: "newuidmap: Could not set caps\n".into(),
        };
        assert_eq!(
            describe(&evidence),
            "$ newuidmap 42 (exit 1): newuidmap: Could not set caps"
        );
        let plain = Palette::plain();
        assert_eq!(plain.status(Status::Fail, "FAIL "), "FAIL ");
    }
}
