//! Running a command: from parsed arguments to rendered output and an exit code.

use crate::cli::{Cli, ColorChoice, Command, Format};
use crate::color::Palette;
use crate::report::{HostInfo, Report};
use crate::{exit, render, who};
use anyhow::{bail, Context as _};
use checks::explain::confirm;
use checks::explain::wire::ExplainDoc;
use checks::host::HostFs;
use checks::mappings::mappings_for;
use checks::os_release::OsRelease;
use checks::preflight::run_bundle_for;
use checks::probe::{plan_for, CannedProbes, LiveProbes, NoProbes, ProbeKind, Probes};
use checks::registry::{self, BUNDLE_CHECKS, HOST_CHECKS};
use checks::subordinate::{subject_ranges, SubidFile};
use checks::CheckDef;
use checks::{capabilities, Context};

/// What to print on stdout, and how to exit.
pub(crate) struct Output {
    pub(crate) text: String,
    pub(crate) exit_code: u8,
}

/// Runs the command the user asked for.
pub(crate) fn run(cli: &Cli) -> anyhow::Result<Output> {
    let command = cli.command.as_ref().unwrap_or(&Command::Check);
    if !cli.global.report.is_empty() && !matches!(command, Command::Check | Command::Bundle { .. })
    {
        bail!("only `check` and `bundle` take --report");
    }
    match command {
        Command::Check => check(cli),
        Command::Bundle { dir, runtime } => bundle(cli, dir, runtime.as_deref()),
        Command::Explain { text, bundle } => explain(cli, text.as_deref(), bundle.as_deref()),
        Command::Setup => setup(cli),
        Command::Mappings => mappings(cli),
        Command::List => {
            reject_format(cli.global.format, &[Format::Human], "list")?;
            Ok(Output {
                text: list(),
                exit_code: exit::OK,
            })
        }
        Command::Completions { shell } => {
            reject_format(cli.global.format, &[Format::Human], "completions")?;
            Ok(Output {
                text: crate::completions::generate(*shell),
                exit_code: exit::OK,
            })
        }
        Command::Man => {
            reject_format(cli.global.format, &[Format::Human], "man")?;
            Ok(Output {
                text: crate::man::page()?,
                exit_code: exit::OK,
            })
        }
    }
}

fn list() -> String {
    let all = || HOST_CHECKS.iter().chain(BUNDLE_CHECKS);
    let width = all().map(|d| d.id.len()).max().unwrap_or(0);
    all()
        .map(|def| format!("{:<width$}  {}\n", def.id, def.title))
        .collect()
}

/// The checks of `list` that `--only` and `--skip` leave, in report order;
/// unknown ids are usage errors. `kind` names the list in the error.
fn select(
    list: &[&'static CheckDef],
    kind: &str,
    cli: &Cli,
) -> anyhow::Result<Vec<&'static CheckDef>> {
    registry::select(list, &cli.global.only, &cli.global.skip).map_err(|id| {
        anyhow::anyhow!("unknown {kind}check id '{id}' (`rootless-doctor list` shows them all)")
    })
}

/// The host, the subject and the distribution of a run.
struct Scene {
    host: HostFs,
    who: who::Who,
    os: OsRelease,
}

impl Scene {
    fn new(cli: &Cli) -> anyhow::Result<Self> {
        let global = &cli.global;
        let host = match &global.test_root {
            Some(root) => HostFs::rooted(root),
            None => HostFs::real(),
        };
        let who = who::resolve(&host, global.user.as_deref(), global.test_root.is_some())?;
        let os = OsRelease::read(&host);
        Ok(Scene { host, who, os })
    }

    /// Runs the selected host checks, with the live probes they need.
    fn run_checks(
        &self,
        cli: &Cli,
        selected: &[&'static CheckDef],
    ) -> anyhow::Result<Vec<checks::CheckResult>> {
        let probes = probes(cli, &self.host, &self.who, selected)?;
        let ctx = Context::new(&self.host, &self.who.subject, &self.os, probes.as_ref());
        let results = ctx.run(selected);
        // Once every probe has been waited for, reap what killed probes orphaned.
        probes.wait();
        crate::orphans::reap();
        Ok(results)
    }
}

impl Scene {
    /// The rendered report of a `check` or `bundle` run, and its exit code.
    fn report(
        &self,
        cli: &Cli,
        results: Vec<checks::CheckResult>,
        capabilities: Option<capabilities::Capabilities>,
        bundle: Option<std::path::PathBuf>,
    ) -> Output {
        let global = &cli.global;
        let exit_code =
            exit::for_statuses(results.iter().map(|r| r.outcome.status), global.fail_on);
        // Host reports only, like the capabilities.
        let engines = capabilities
            .as_ref()
            .map(|_| checks::verdicts::derive(&results));
        let report = Report {
            host: HostInfo::gather(
                self.os.clone(),
                self.who.running_as_root,
                checks::container::container_hint(&self.host),
            ),
            subject: self.who.subject.clone(),
            chosen: self.who.chosen,
            capabilities,
            engines,
            bundle,
            results,
            exit_code,
        };
        let palette = Palette::decide(global.color);
        let text = render::report(&report, global.format, palette, global.verbose);
        if global.format == Format::Github {
            render::github_summary::append_if_requested(&report);
        }
        let mut exit_code = exit_code;
        for target in &global.report {
            // A file never gets colour, whatever the terminal.
            let plain = Palette::decide(ColorChoice::Never);
            let contents = render::report(&report, target.format, plain, global.verbose);
            if let Err(err) = crate::report_file::write_atomic(&target.path, &contents) {
                eprintln!("rootless-doctor: {err:#}");
                exit_code = exit::USAGE;
            }
        }
        Output { text, exit_code }
    }
}

fn reject_format(format: Format, allowed: &[Format], command: &str) -> anyhow::Result<()> {
    if allowed.contains(&format) {
        Ok(())
    } else {
        bail!("`{command}` does not take --format {}", format.name())
    }
}

fn check(cli: &Cli) -> anyhow::Result<Output> {
    let global = &cli.global;
    reject_format(global.format, &Format::REPORTS, "check")?;
    let selected = select(HOST_CHECKS, "", cli)?;
    let scene = Scene::new(cli)?;
    let results = scene.run_checks(cli, &selected)?;
    let capabilities = capabilities::derive(&results);
    Ok(scene.report(cli, results, Some(capabilities), None))
}

fn bundle(cli: &Cli, dir: &std::path::Path, runtime: Option<&str>) -> anyhow::Result<Output> {
    let global = &cli.global;
    reject_format(global.format, &Format::REPORTS, "bundle")?;
    let selected = select(BUNDLE_CHECKS, "bundle ", cli)?;
    let scene = Scene::new(cli)?;
    let dir = std::path::absolute(dir).unwrap_or_else(|_| dir.to_path_buf());
    let ctx = Context::new(&scene.host, &scene.who.subject, &scene.os, &NoProbes);
    let timeout = std::time::Duration::from_secs_f64(global.timeout);
    let results = run_bundle_for(ctx, &dir, runtime, &selected, timeout);
    Ok(scene.report(cli, results, None, Some(dir)))
}

fn explain(
    cli: &Cli,
    text: Option<&str>,
    bundle_dir: Option<&std::path::Path>,
) -> anyhow::Result<Output> {
    let global = &cli.global;
    reject_format(global.format, &[Format::Human, Format::Json], "explain")?;
    let explanation = match text {
        Some(text) => checks::explain::explain(text),
        None => checks::explain::explain_reader(std::io::stdin().lock())
            .context("cannot read the message from standard input")?,
    };
    let (doc, results) = if global.no_probe || explanation.is_unknown() {
        (ExplainDoc::from_text(&explanation), Vec::new())
    } else {
        let wanted: Vec<&str> = explanation
            .matches
            .iter()
            .flat_map(|m| m.cause.check_ids())
            .collect();
        let selected: Vec<&'static CheckDef> = HOST_CHECKS
            .iter()
            .copied()
            .filter(|def| wanted.contains(&def.id))
            .collect();
        let scene = Scene::new(cli)?;
        // The decoders compare the paste's numbers with the subject's ids.
        let explanation = explanation.with_host(&host_ids(&scene));
        let mut results = scene.run_checks(cli, &selected)?;
        let bundle_selected: Vec<&'static CheckDef> = BUNDLE_CHECKS
            .iter()
            .copied()
            .filter(|def| wanted.contains(&def.id))
            .collect();
        if let (Some(dir), false) = (bundle_dir, bundle_selected.is_empty()) {
            let ctx = Context::new(&scene.host, &scene.who.subject, &scene.os, &NoProbes);
            results.extend(run_bundle_for(
                ctx,
                dir,
                None,
                &bundle_selected,
                std::time::Duration::from_secs_f64(global.timeout),
            ));
        }
        let confirmed = confirm(&explanation, &results);
        let checks = render::json::check_values(&results);
        (
            ExplainDoc::from_confirmed(&explanation, &confirmed, checks),
            results,
        )
    };
    let text = match global.format {
        Format::Json => {
            let mut text = serde_json::to_string_pretty(&doc)?;
            text.push('\n');
            text
        }
        _ => render::explain::render(&doc, &results, Palette::decide(global.color)),
    };
    Ok(Output {
        text,
        exit_code: exit::OK,
    })
}

/// The subject's ids and subordinate ranges, for explain's decoders.
fn host_ids(scene: &Scene) -> checks::explain::HostIds {
    use checks::subordinate::{subject_ranges, SubidFile};
    let subject = &scene.who.subject;
    checks::explain::HostIds {
        uid: subject.uid,
        gid: subject.gid,
        subuid: subject_ranges(&scene.host, subject, SubidFile::Uid),
        subgid: subject_ranges(&scene.host, subject, SubidFile::Gid),
    }
}

fn setup(cli: &Cli) -> anyhow::Result<Output> {
    reject_format(cli.global.format, &[Format::Human], "setup")?;
    let selected = select(HOST_CHECKS, "", cli)?;
    let scene = Scene::new(cli)?;
    let results = scene.run_checks(cli, &selected)?;
    let distro = scene
        .os
        .pretty_name
        .clone()
        .unwrap_or_else(|| "an unknown distribution".to_string());
    Ok(Output {
        text: crate::setup::script(&results, &scene.who.subject, &distro),
        exit_code: exit::OK,
    })
}

fn mappings(cli: &Cli) -> anyhow::Result<Output> {
    let format = cli.global.format;
    reject_format(
        format,
        &[Format::Human, Format::Json, Format::Runc],
        "mappings",
    )?;
    let scene = Scene::new(cli)?;
    let subject = &scene.who.subject;
    let uid_ranges = subject_ranges(&scene.host, subject, SubidFile::Uid);
    let gid_ranges = subject_ranges(&scene.host, subject, SubidFile::Gid);
    if uid_ranges.is_empty() || gid_ranges.is_empty() {
        let missing: Vec<&str> = [(&uid_ranges, "/etc/subuid"), (&gid_ranges, "/etc/subgid")]
            .iter()
            .filter(|(ranges, _)| ranges.is_empty())
            .map(|(_, file)| *file)
            .collect();
        eprintln!(
            "rootless-doctor: {} has no subordinate range in {}; \
             `rootless-doctor setup` prints the commands that add one",
            subject.name,
            missing.join(" and ")
        );
        return Ok(Output {
            text: String::new(),
            exit_code: exit::GATE,
        });
    }
    let uids = mappings_for(subject.uid, &uid_ranges);
    let gids = mappings_for(subject.gid, &gid_ranges);
    let text = crate::render::mappings::render(format, subject, &uids, &gids);
    Ok(Output {
        text,
        exit_code: exit::OK,
    })
}

/// Where live probe outcomes come from: replayed from a file, none (a fixture
/// host, or `--no-probe`), or live on the real host, all started at once.
fn probes(
    cli: &Cli,
    host: &HostFs,
    who: &who::Who,
    selected: &[&'static CheckDef],
) -> anyhow::Result<Box<dyn Probes>> {
    let global = &cli.global;
    if let Some(path) = &global.test_probes {
        let text = std::fs::read_to_string(path)
            .with_context(|| format!("cannot read {}", path.display()))?;
        let canned = CannedProbes::from_json(&text)
            .map_err(|e| anyhow::anyhow!("{}: {e}", path.display()))?;
        return Ok(Box::new(canned));
    }
    if global.no_probe || !host.is_real() {
        return Ok(Box::new(NoProbes));
    }
    let kinds = probes_needed(selected);
    if kinds.is_empty() {
        return Ok(Box::new(NoProbes));
    }
    let subject = &who.subject;
    let drop_privileges = who.running_as_root && subject.uid != 0;
    let plan = plan_for(host, subject, drop_privileges);
    let timeout = std::time::Duration::from_secs_f64(global.timeout);
    crate::orphans::adopt();
    Ok(Box::new(BackgroundProbes::start(kinds, plan, timeout)))
}

/// Live probes running in a thread of their own while the static checks are
/// judged; the first check that needs an outcome waits for all of them. Where
/// no thread can be started (a seccomp filter refusing `clone3`, a process
/// limit), the probes run at once on this thread instead: slower, as
/// complete.
struct BackgroundProbes {
    running: std::sync::Mutex<Option<std::thread::JoinHandle<LiveProbes>>>,
    done: std::sync::OnceLock<Option<LiveProbes>>,
}

impl BackgroundProbes {
    fn start(
        kinds: Vec<ProbeKind>,
        plan: checks::probe::ProbePlan,
        timeout: std::time::Duration,
    ) -> Self {
        let exe = std::path::Path::new(LiveProbes::SELF_EXE);
        let (inline_kinds, inline_plan) = (kinds.clone(), plan.clone());
        let spawned = std::thread::Builder::new()
            .name("probes".to_string())
            .spawn(move || LiveProbes::run(exe, &kinds, &plan, timeout));
        let done = std::sync::OnceLock::new();
        let running = match spawned {
            Ok(handle) => Some(handle),
            Err(_) => {
                let _ = done.set(Some(LiveProbes::run(
                    exe,
                    &inline_kinds,
                    &inline_plan,
                    timeout,
                )));
                None
            }
        };
        BackgroundProbes {
            running: std::sync::Mutex::new(running),
            done,
        }
    }

    fn finished(&self) -> Option<&LiveProbes> {
        self.done
            .get_or_init(|| {
                let handle = self.running.lock().ok()?.take()?;
                handle.join().ok()
            })
            .as_ref()
    }
}

impl Probes for BackgroundProbes {
    fn get(&self, kind: ProbeKind) -> Option<checks::probe::ProbeOutcome> {
        match self.finished() {
            Some(probes) => probes.get(kind),
            None => Some(checks::probe::ProbeOutcome::Broken {
                reason: "the probe runner stopped unexpectedly".to_string(),
            }),
        }
    }

    fn wait(&self) {
        self.finished();
    }
}

/// The probes the selected checks consult; every live probe also needs to know
/// whether a user namespace can be created at all (the others are blocked by it).
fn probes_needed(selected: &[&'static CheckDef]) -> Vec<ProbeKind> {
    let mut kinds: Vec<ProbeKind> = selected
        .iter()
        .flat_map(|def| def.probes.iter().copied())
        .collect();
    if !kinds.is_empty() {
        kinds.push(ProbeKind::UsernsCreate);
    }
    kinds.sort();
    kinds.dedup();
    kinds
}
