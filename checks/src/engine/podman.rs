//! `engine.podman`: whether `podman run --rm IMAGE true` will start a
//! container for the subject, with the subject's own configuration.
//!
//! Gathers podman's effective containers.conf
//! ([`crate::engines::containers_conf`]) and storage
//! ([`crate::engines::storage`]), its version from dpkg when dpkg vouches
//! for the binary (else from the net-helper probe's `podman --version`; the
//! check itself never runs podman), and the outcomes of the host checks podman depends on, through
//! [`Context::outcome_of`]; the pure [`judge`] walks them in the order
//! podman meets them (user namespace, runtime directory, storage, OCI
//! runtime, network) and states a [`Fact::Engine`] with the verdict and the
//! checks that block it, most decisive first.
//!
//! Decisions: docs/checks/engine.md, section `engine.podman`.

use super::Code;
use crate::cgroupfs::unified_hierarchy_fix;
use crate::check::{CheckDef, Context, EngineVerdict, Fact, OciRuntime, Outcome, Verdict};
use crate::distro::Distro;
use crate::engines::containers_conf::{self, major_minor, upstream_version, Podman, Source};
use crate::engines::storage::{self, Driver, EngineEnv, Storage};
use crate::model::{CommonCode, Evidence, Remediation, Status};
use crate::probe::ProbeKind;
use crate::shell::quote;
use std::path::{Path, PathBuf};

pub static PODMAN: CheckDef = CheckDef {
    id: "engine.podman",
    title: "podman",
    description: "Whether `podman run` will start a container for the subject: podman's \
                  effective containers.conf (runtime, network, cgroup manager) and storage, \
                  judged against the host checks it depends on; states the engine's verdict \
                  and the checks that block it. Skipped when podman is not installed.",
    codes: &[
        Code::PodmanNotInstalled.code(),
        Code::PodmanUndecided.code(),
        Code::ConfigInvalid.code(),
        Code::UsernsFails.code(),
        Code::SingleIdMapping.code(),
        Code::RuntimeDirFails.code(),
        Code::StorageFails.code(),
        Code::RuntimeMissing.code(),
        Code::RuntimeRefused.code(),
        Code::NetworkHelperFails.code(),
        Code::TunFails.code(),
    ],
    probes: &[
        ProbeKind::UsernsCreate,
        ProbeKind::MultiMap,
        ProbeKind::StorageDriver,
        ProbeKind::NetHelper,
        ProbeKind::NetTun,
    ],
    run,
};

/// A host check podman depends on, and what it concluded.
#[derive(Clone, Debug)]
pub struct Dep {
    pub def: &'static CheckDef,
    pub outcome: Outcome,
}

/// Everything the judge reads.
#[derive(Clone, Debug)]
pub struct Facts {
    pub subject: String,
    pub path: PathBuf,
    /// The upstream version (`4.3.1`): from dpkg when the binary is the one
    /// its package installed, unchanged, else what `podman --version` said
    /// in the net-helper probe.
    pub version: Option<String>,
    /// Where the version came from (`dpkg`, `podman --version`).
    pub version_from: &'static str,
    pub conf: Podman,
    pub storage: Option<Storage>,
    /// The drivers the store under the graph root was made with.
    pub store_drivers: Vec<String>,
    /// The subject's own containers.conf, and whether it exists.
    pub user_conf: PathBuf,
    pub user_conf_exists: bool,
    /// `$CONTAINERS_CONF`, which replaces every other file.
    pub containers_conf_env: Option<String>,
    /// The user's file is at its default place (`~/.config/containers`).
    pub user_conf_default_place: bool,
    /// The outcomes of the checks below, in podman's order.
    pub deps: Vec<Dep>,
}

impl Facts {
    fn dep(&self, def: &CheckDef) -> Option<&Outcome> {
        self.deps.iter().find(|d| d.def == def).map(|d| &d.outcome)
    }
}

fn run(ctx: &Context<'_>) -> Outcome {
    let Some(path) = ctx.host.look_path("podman", &ctx.subject.path) else {
        return Outcome::skip(
            Code::PodmanNotInstalled,
            "podman is not installed (not on the subject's PATH)",
        );
    };
    judge(&gather(ctx, path), &ctx.distro)
}

/// The version `podman --version` printed in the net-helper probe (it asks
/// podman whenever dpkg cannot vouch for the binary): `4.3.1` from
/// `podman version 4.3.1`.
fn asked_version(ctx: &Context<'_>, path: &Path) -> Option<String> {
    let live = crate::live::Live::get(ctx, ProbeKind::NetHelper);
    let text = crate::live::fact(live.report()?, &format!("version:{}", path.display()))?;
    let word = text
        .split_whitespace()
        .skip_while(|w| !w.eq_ignore_ascii_case("version"))
        .nth(1)?;
    let version = upstream_version(word);
    major_minor(&version).map(|_| version)
}

/// Reads podman's configuration and the outcomes of the checks it needs.
pub fn gather(ctx: &Context<'_>, path: PathBuf) -> Facts {
    let (host, subject) = (ctx.host, ctx.subject);
    let (version, version_from) = match crate::packages::unchanged(host, &path) {
        Some(packaged) => (Some(upstream_version(&packaged.version)), "dpkg"),
        None => (asked_version(ctx, &path), "podman --version"),
    };
    let env = EngineEnv::of(host, subject);
    let conf = containers_conf::resolve(
        host,
        subject,
        &env,
        version.as_deref().and_then(major_minor),
    );
    let storage = storage::resolve(host, subject, &env)
        .into_iter()
        .find(|s| s.engine == storage::Engine::Podman);
    let store_drivers = storage
        .as_ref()
        .map(|s| layer_drivers(host, &s.graphroot))
        .unwrap_or_default();
    let user_conf = containers_conf::user_file(subject, &env);
    let mut defs: Vec<&'static CheckDef> = vec![
        &crate::userns::CREATE,
        &crate::subid::SUBUID,
        &crate::subid::SUBGID,
        &crate::idmap::MULTI_MAP,
        &crate::runtime::XDG_RUNTIME_DIR,
        &crate::storage::GRAPHROOT,
        &crate::storage::DRIVER,
        &crate::runtime::OCI_RUNTIME,
    ];
    if conf.network_needs_tun() {
        defs.extend([&crate::network::HELPER, &crate::network::TUN]);
    }
    let deps = if conf.problem.is_some() {
        Vec::new()
    } else {
        defs.into_iter()
            .map(|def| Dep {
                def,
                outcome: ctx.outcome_of(def),
            })
            .collect()
    };
    Facts {
        subject: subject.name.clone(),
        path,
        version,
        version_from,
        user_conf_exists: host.exists(&user_conf),
        user_conf_default_place: env.xdg_config_home.is_none(),
        user_conf,
        containers_conf_env: env.containers_conf.clone(),
        conf,
        storage,
        store_drivers,
        deps,
    }
}

/// containers/storage keeps each driver's layers in `<driver>-layers`.
fn layer_drivers(host: &crate::host::HostFs, graphroot: &Path) -> Vec<String> {
    let mut out: Vec<String> = host
        .read_dir_names(graphroot)
        .unwrap_or_default()
        .into_iter()
        .filter_map(|n| n.strip_suffix("-layers").map(str::to_string))
        .filter(|d| !d.is_empty())
        .collect();
    out.sort();
    out
}

/// One reason podman will fail.
struct Block {
    def: &'static CheckDef,
    code: Code,
    text: String,
    fixes: Vec<Remediation>,
}

/// What a dependency means for podman.
enum Said {
    /// It passed, warned, or skipped for a reason that does not concern
    /// podman.
    Fine,
    Failed,
    /// It did not conclude (a probe not run, timed out, broken; an error).
    Undecided(String),
}

fn said(outcome: &Outcome) -> Said {
    match outcome.status {
        Status::Pass | Status::Warn => Said::Fine,
        Status::Fail => Said::Failed,
        Status::Error => Said::Undecided(code_text(outcome)),
        Status::Skip if outcome.is(CommonCode::ProbeNotRun) => Said::Undecided(code_text(outcome)),
        Status::Skip if outcome.is(crate::storage::Code::NowhereToProbe) => {
            Said::Undecided(code_text(outcome))
        }
        // Blocked by a failed helper or range (idmap.multi-map by a
        // newuidmap without privilege): what it establishes does not work.
        // userns.create, which may block it for want of a probe, is judged
        // on its own first.
        Status::Skip
            if outcome
                .blocked_by
                .is_some_and(|by| !std::ptr::eq(by, &crate::userns::CREATE)) =>
        {
            Said::Failed
        }
        Status::Skip => Said::Fine,
    }
}

/// What `outcome` says for podman: its finding about podman when its check
/// judges engines one by one (a problem of rootless Docker's storage or
/// network helper is not podman's), else [`said`].
/// podman's name in the report's `engines` section.
const ENTRY: &str = "podman";

fn said_for_podman(outcome: &Outcome) -> Said {
    match outcome.for_engine(ENTRY) {
        Some((Status::Fail, _)) => Said::Failed,
        Some((Status::Error, _)) => Said::Undecided(podman_code_text(outcome)),
        Some(_) => Said::Fine,
        None => said(outcome),
    }
}

/// The code of `outcome`'s finding about podman, as [`code_text`] words it.
fn podman_code_text(outcome: &Outcome) -> String {
    match outcome.for_engine(ENTRY) {
        Some((_, Some(code))) => code.as_str().to_string(),
        _ => code_text(outcome),
    }
}

fn code_text(outcome: &Outcome) -> String {
    outcome
        .code
        .map_or_else(|| outcome.status.to_string(), |c| c.as_str().to_string())
}

/// The driver `podman info` reports as `.Store.GraphDriverName`.
pub fn driver_name(facts: &Facts) -> Option<String> {
    let s = facts.storage.as_ref()?;
    let configured = match &s.driver {
        Driver::Named(name) => name.clone(),
        Driver::DefaultVfs => "vfs".into(),
        Driver::Auto => {
            let vfs = facts
                .dep(&crate::storage::DRIVER)
                .is_some_and(|o| o.names(crate::storage::Code::VfsFallback));
            if vfs { "vfs" } else { "overlay" }.into()
        }
    };
    // A store made with another driver keeps it (podman's database wins).
    match facts.store_drivers.first() {
        Some(recorded) if !facts.store_drivers.contains(&configured) => Some(recorded.clone()),
        _ => Some(configured),
    }
}

/// The verdict, the outcome, and the engine fact.
pub fn judge(facts: &Facts, distro: &Distro) -> Outcome {
    let podman = match &facts.version {
        Some(v) => format!("podman {v}"),
        None => "podman".to_string(),
    };
    let mut evidence = vec![Evidence::fact(
        "podman",
        format!(
            "{}{}",
            facts.path.display(),
            facts
                .version
                .as_ref()
                .map(|v| format!(" ({v}, from {})", facts.version_from))
                .unwrap_or_default()
        ),
    )];
    let conf = &facts.conf;
    let files = if conf.files.is_empty() {
        "none".to_string()
    } else {
        conf.files
            .iter()
            .map(|f| f.display().to_string())
            .collect::<Vec<_>>()
            .join(", ")
    };
    evidence.push(Evidence::fact("containers.conf files", files));
    evidence.push(Evidence::fact(
        "OCI runtime",
        format!(
            "{} ({}; {})",
            conf.runtime.name,
            conf.runtime
                .path
                .as_ref()
                .map_or("not found".to_string(), |p| p.display().to_string()),
            conf.runtime.source.text()
        ),
    ));
    evidence.push(Evidence::fact(
        "cgroup manager",
        format!(
            "{} ({})",
            conf.cgroup_manager.value,
            conf.cgroup_manager.source.text()
        ),
    ));
    evidence.push(Evidence::fact(
        "network",
        format!(
            "{}{} ({})",
            conf.network.value,
            conf.network_cmd
                .as_ref()
                .map(|p| format!(" {}", p.display()))
                .unwrap_or_default(),
            conf.network.source.text()
        ),
    ));
    let storage_driver = driver_name(facts);
    if let Some(s) = &facts.storage {
        evidence.push(Evidence::fact(
            "storage",
            format!(
                "{} in {}",
                storage_driver.as_deref().unwrap_or("?"),
                s.graphroot.display()
            ),
        ));
    }
    let mut verdict = EngineVerdict {
        name: "podman",
        path: facts.path.clone(),
        version: facts.version.clone(),
        verdict: Verdict::Works,
        blocked_by: Vec::new(),
        runtime: Some(conf.runtime.program()),
        storage_driver,
        network: Some(conf.network.value.clone()),
    };

    if let Some(problem) = &conf.problem {
        verdict.verdict = Verdict::Fails;
        verdict.blocked_by = vec![&PODMAN];
        return Outcome::fail(
            Code::ConfigInvalid,
            format!(
                "{podman} refuses every command for {}: {problem}",
                facts.subject
            ),
        )
        .with_all(evidence)
        .stating(Fact::Engine(verdict));
    }

    let (blocks, undecided, warnings) = walk(facts, distro);
    if let Some(first) = blocks.first() {
        verdict.verdict = Verdict::Fails;
        for b in &blocks {
            if !verdict.blocked_by.contains(&b.def) {
                verdict.blocked_by.push(b.def);
            }
        }
        let mut message = format!(
            "{podman} cannot start containers for {}: {}",
            facts.subject, first.text
        );
        for b in &blocks[1..] {
            message.push_str("; also: ");
            message.push_str(&b.text);
        }
        return Outcome::fail(first.code, message)
            .also(blocks[1..].iter().map(|b| b.code))
            .with_all(evidence)
            .fixes(blocks.iter().flat_map(|b| b.fixes.clone()))
            .stating(Fact::Engine(verdict));
    }
    if !undecided.is_empty() {
        verdict.verdict = Verdict::Unknown;
        return Outcome::skip(
            Code::PodmanUndecided,
            format!(
                "whether {podman} starts containers for {} is unknown: {} did not conclude",
                facts.subject,
                undecided.join(", ")
            ),
        )
        .with_all(evidence)
        .stating(Fact::Engine(verdict));
    }
    let summary = format!(
        "{podman} will start containers for {}: runtime {}, storage {}, network {}",
        facts.subject,
        conf.runtime.program(),
        verdict.storage_driver.as_deref().unwrap_or("?"),
        conf.network.value
    );
    let outcome = match warnings.first() {
        Some((code, text)) => Outcome::warn(*code, format!("{summary}; but {text}")),
        None => Outcome::pass(summary),
    };
    outcome.with_all(evidence).stating(Fact::Engine(verdict))
}

/// The blocks, the undecided checks and the warnings, in podman's order.
fn walk(facts: &Facts, distro: &Distro) -> (Vec<Block>, Vec<String>, Vec<(Code, String)>) {
    let conf = &facts.conf;
    let mut blocks = Vec::new();
    let mut undecided = Vec::new();
    let mut warnings = Vec::new();
    let mut consider = |def: &'static CheckDef, code: Code, text: &dyn Fn(&Outcome) -> String| {
        let Some(outcome) = facts.dep(def) else {
            return;
        };
        match said_for_podman(outcome) {
            Said::Fine => {}
            Said::Failed => blocks.push(Block {
                def,
                code,
                text: text(outcome),
                fixes: Vec::new(),
            }),
            Said::Undecided(why) => undecided.push(format!("{} ({why})", def.id)),
        }
    };

    consider(&crate::userns::CREATE, Code::UsernsFails, &|_| {
        "it cannot create its user namespace (userns.create fails; podman: \"cannot clone\", \
         \"cannot re-exec process\")"
            .into()
    });
    let no_subids = [&crate::subid::SUBUID, &crate::subid::SUBGID]
        .iter()
        .any(|def| {
            facts.dep(def).is_some_and(|o| {
                o.status == Status::Fail
                    && (o.is(crate::subid::Code::NoEntry) || o.is(crate::subid::Code::FileMissing))
            })
        });
    if no_subids {
        warnings.push((
            Code::SingleIdMapping,
            "the subject has no subordinate ids, so podman maps only its own id (\"Using \
             rootless single mapping into the namespace. This might break some images\"): \
             images with files of other owners fail"
                .to_string(),
        ));
    } else {
        consider(&crate::idmap::MULTI_MAP, Code::UsernsFails, &|_| {
            "newuidmap/newgidmap do not map the subordinate ids (idmap.multi-map fails), and \
             podman stops when the ranges it was given cannot be mapped"
                .into()
        });
    }
    consider(
        &crate::runtime::XDG_RUNTIME_DIR,
        Code::RuntimeDirFails,
        &|o| {
            format!(
                "its runtime directory is unusable (runtime.xdg-runtime-dir: {})",
                code_text(o)
            )
        },
    );
    if facts.storage.is_some() {
        consider(&crate::storage::GRAPHROOT, Code::StorageFails, &|o| {
            format!(
                "its storage path does not work (storage.graphroot: {})",
                podman_code_text(o)
            )
        });
        consider(&crate::storage::DRIVER, Code::StorageFails, &|o| {
            format!(
                "its storage driver does not work (storage.driver: {})",
                podman_code_text(o)
            )
        });
    }

    // The OCI runtime: podman creates the container with it before the
    // network helper starts.
    match &conf.runtime.path {
        None => blocks.push(Block {
            def: &crate::runtime::OCI_RUNTIME,
            code: Code::RuntimeMissing,
            text: format!(
                "its OCI runtime {} is not installed (podman: \"default OCI runtime \\\"{}\\\" \
                 not found: invalid argument\"; {})",
                conf.runtime.name,
                conf.runtime.name,
                conf.runtime.source.text()
            ),
            fixes: Vec::new(),
        }),
        Some(path) => match facts.dep(&crate::runtime::OCI_RUNTIME) {
            None => {}
            Some(outcome) => {
                let found: Vec<&OciRuntime> = outcome.oci_runtimes().collect();
                let program = conf.runtime.program();
                let mine = found
                    .iter()
                    .find(|r| r.path == *path)
                    .or_else(|| found.iter().find(|r| r.name == program));
                match mine {
                    Some(r) if !r.runs_here => {
                        let other: Option<&OciRuntime> = found
                            .iter()
                            .copied()
                            .find(|o| o.runs_here && o.name != r.name);
                        let hybrid = outcome.names(crate::runtime::Code::CrunRefusesHybrid);
                        let why = if hybrid && r.name == "crun" {
                            "crun refuses this hybrid cgroup host (\"cgroups in hybrid mode \
                             not supported, drop all controllers from cgroupv2\")"
                                .to_string()
                        } else {
                            format!("{} does not run here", r.name)
                        };
                        blocks.push(Block {
                            def: &crate::runtime::OCI_RUNTIME,
                            code: Code::RuntimeRefused,
                            text: format!(
                                "its OCI runtime is {} ({}), and {why}",
                                r.name,
                                conf.runtime.source.text()
                            ),
                            fixes: runtime_fixes(facts, other, hybrid, distro),
                        });
                    }
                    Some(_) => {}
                    None => match said(outcome) {
                        Said::Undecided(why) => {
                            undecided.push(format!("{} ({why})", crate::runtime::OCI_RUNTIME.id))
                        }
                        _ => undecided.push(format!(
                            "{} (the doctor does not judge the runtime {program})",
                            crate::runtime::OCI_RUNTIME.id
                        )),
                    },
                }
            }
        },
    }

    // The network: slirp4netns (or pasta) opens /dev/net/tun.
    if conf.network_needs_tun() {
        let helper = &conf.network.value;
        if conf.network_cmd.is_none() {
            blocks.push(Block {
                def: &crate::network::HELPER,
                code: Code::NetworkHelperFails,
                text: format!(
                    "its network helper {helper} is not installed (podman: \"could not find \
                     {helper}, the network namespace can't be configured\")"
                ),
                fixes: Vec::new(),
            });
        } else if let Some(outcome) = facts.dep(&crate::network::HELPER) {
            // A helper another engine lacks is not podman's problem.
            match said_for_podman(outcome) {
                Said::Failed => blocks.push(Block {
                    def: &crate::network::HELPER,
                    code: Code::NetworkHelperFails,
                    text: format!(
                        "its network helper {helper} does not start (network.helper: {})",
                        podman_code_text(outcome)
                    ),
                    fixes: Vec::new(),
                }),
                Said::Undecided(why) => {
                    undecided.push(format!("{} ({why})", crate::network::HELPER.id))
                }
                _ => {}
            }
        }
        if let Some(outcome) = facts.dep(&crate::network::TUN) {
            match said(outcome) {
                Said::Failed => blocks.push(Block {
                    def: &crate::network::TUN,
                    code: Code::TunFails,
                    text: format!(
                        "{helper} cannot open /dev/net/tun or make its tap device (network.tun: \
                         {}; podman: \"{helper} failed: open(\\\"/dev/net/tun\\\"): Permission \
                         denied\")",
                        code_text(outcome)
                    ),
                    fixes: Vec::new(),
                }),
                Said::Undecided(why) => {
                    undecided.push(format!("{} ({why})", crate::network::TUN.id))
                }
                Said::Fine => {}
            }
        }
    }
    (blocks, undecided, warnings)
}

/// The fixes of a refused runtime: the user's own containers.conf naming a
/// runtime that runs here first, the host-level one (cgroup v2) as the
/// alternative.
fn runtime_fixes(
    facts: &Facts,
    other: Option<&OciRuntime>,
    hybrid: bool,
    distro: &Distro,
) -> Vec<Remediation> {
    let mut fixes = Vec::new();
    if let Some(other) = other {
        let value = if containers_conf::DEFAULT_RUNTIMES
            .iter()
            .any(|(n, paths)| *n == other.name && paths.iter().any(|p| Path::new(p) == other.path))
        {
            other.name.to_string()
        } else {
            other.path.display().to_string()
        };
        fixes.push(user_runtime_fix(facts, &value));
    }
    if hybrid {
        let fix = unified_hierarchy_fix(distro);
        fixes.push(if fixes.is_empty() {
            fix
        } else {
            fix.alternative()
        });
    }
    fixes
}

/// `[engine] runtime = "VALUE"` in the containers.conf podman reads last.
fn user_runtime_fix(facts: &Facts, value: &str) -> Remediation {
    let setting = format!("runtime = \"{value}\"");
    let what = format!("make podman use {value}");
    if let Some(env) = &facts.containers_conf_env {
        return Remediation::root(
            format!(
                "{what}: set {setting} in the [engine] table of {env}, the only containers.conf \
                 podman reads while CONTAINERS_CONF is set"
            ),
            vec![],
        )
        .as_user();
    }
    let user = facts.user_conf.display().to_string();
    // The user's own file, or a user drop-in read after it, sets the runtime.
    if let Source::Config { file, .. } = &facts.conf.runtime.source {
        if *file == user || file.starts_with(&format!("{user}.d/")) {
            return Remediation::root(
                format!("{what}: change the runtime in {file} to {setting}"),
                vec![],
            )
            .as_user();
        }
    }
    if facts.user_conf_exists {
        return Remediation::root(
            format!("{what}: set {setting} in the [engine] table of {user}"),
            vec![],
        )
        .as_user();
    }
    let (file, dir) = if facts.user_conf_default_place {
        (
            "~/.config/containers/containers.conf".to_string(),
            "~/.config/containers".to_string(),
        )
    } else {
        let dir = facts
            .user_conf
            .parent()
            .map(|d| quote(&d.to_string_lossy()).into_owned())
            .unwrap_or_default();
        (quote(&user).into_owned(), dir)
    };
    Remediation::root(
        format!("{what}: {setting} in the [engine] table of {file}, a new file"),
        vec![
            format!("mkdir -p {dir}"),
            format!("test -e {file} || printf '%s\\n' '[engine]' '{setting}' > {file}"),
        ],
    )
    .as_user()
    .unless(format!("test -e {file}"))
}

#[cfg(test)]
mod tests;
