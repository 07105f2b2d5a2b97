//! Running a command: from parsed arguments to rendered output and an exit code.

use crate::cli::{Cli, Command, Format};
use crate::color::Palette;
use crate::report::{HostInfo, Report};
use crate::{exit, render, who};
use anyhow::{bail, Context as _};
use checks::host::HostFs;
use checks::os_release::OsRelease;
use checks::probe::{CannedProbes, NoProbes, Probes};
use checks::registry::{self, CheckDef, HOST_CHECKS};
use checks::{capabilities, Context};

/// What to print on stdout, and how to exit.
pub(crate) struct Output {
    pub(crate) text: String,
    pub(crate) exit_code: u8,
}

/// Runs the command the user asked for.
pub(crate) fn run(cli: &Cli) -> anyhow::Result<Output> {
    match cli.command.as_ref().unwrap_or(&Command::Check) {
        Command::Check => check(cli),
        Command::List => Ok(Output {
            text: list(),
            exit_code: exit::OK,
        }),
    }
}

fn list() -> String {
    let width = HOST_CHECKS.iter().map(|d| d.id.len()).max().unwrap_or(0);
    HOST_CHECKS
        .iter()
        .map(|def| format!("{:<width$}  {}\n", def.id, def.title))
        .collect()
}

/// The checks `--only` and `--skip` leave, in report order; unknown ids are usage errors.
fn select(only: &[String], skip: &[String]) -> anyhow::Result<Vec<&'static CheckDef>> {
    for id in only.iter().chain(skip) {
        if registry::find(id).is_none() {
            bail!("unknown check id '{id}' (`rootless-doctor list` shows them all)");
        }
    }
    Ok(HOST_CHECKS
        .iter()
        .copied()
        .filter(|def| only.is_empty() || only.iter().any(|id| id == def.id))
        .filter(|def| !skip.iter().any(|id| id == def.id))
        .collect())
}

fn check(cli: &Cli) -> anyhow::Result<Output> {
    let global = &cli.global;
    let selected = select(&global.only, &global.skip)?;
    let host = match &global.test_root {
        Some(root) => HostFs::rooted(root),
        None => HostFs::real(),
    };
    let who = who::resolve(&host, global.user.as_deref(), global.test_root.is_some())?;
    let os = OsRelease::read(&host);
    let probes = probes(cli)?;
    let ctx = Context::new(&host, &who.subject, &os, probes.as_ref());
    let results = ctx.run(&selected);
    let exit_code = exit::for_statuses(results.iter().map(|r| r.outcome.status), global.fail_on);
    let report = Report {
        host: HostInfo::gather(
            os.clone(),
            who.running_as_root,
            checks::container::container_hint(&host),
        ),
        subject: who.subject.clone(),
        chosen: who.chosen,
        capabilities: Some(capabilities::derive(&results)),
        results,
        exit_code,
    };
    let text = match global.format {
        Format::Human => {
            render::human::render(&report, Palette::decide(global.color), global.verbose)
        }
        Format::Json => render::json::render(&report),
    };
    Ok(Output { text, exit_code })
}

/// Where live probe outcomes come from: replayed, none, or (on the real host) live.
fn probes(cli: &Cli) -> anyhow::Result<Box<dyn Probes>> {
    let global = &cli.global;
    if let Some(path) = &global.test_probes {
        let text = std::fs::read_to_string(path)
            .with_context(|| format!("cannot read {}", path.display()))?;
        let canned = CannedProbes::from_json(&text)
            .map_err(|e| anyhow::anyhow!("{}: {e}", path.display()))?;
        return Ok(Box::new(canned));
    }
    Ok(Box::new(NoProbes))
}
