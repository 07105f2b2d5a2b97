//! `engine.docker`: whether rootless Docker, started by `dockerd-rootless.sh`
//! (moby 20.10) for the subject, runs `docker run --rm IMAGE true`.
//!
//! Gathers the setup ([`crate::engines::docker`]: the script, the PATH the
//! daemon runs with, rootlesskit, runc, iptables and its modules,
//! daemon.json, the user unit, the client's endpoint), the network driver
//! ([`crate::engines::network`]) and the storage driver
//! ([`crate::engines::storage`]), reads the outcomes of the host checks the
//! daemon depends on, and judges all of it in [`judge`], a pure function. It
//! never starts or executes docker, dockerd or rootlesskit; versions come
//! from dpkg. The verdict is stated as a `Fact::Engine` named `docker`.
//!
//! Decisions: docs/checks/engine.md, section `engine.docker`.

use super::Code;
use crate::check::{CheckDef, Context, EngineVerdict, Fact, Finding, Outcome, Verdict};
use crate::distro::Distro;
use crate::engines::docker::{self as setup, Backend, Module, Setup};
use crate::engines::network::{self as net, Engine, Found, Helper, Installed, Source};
use crate::engines::storage::{self, Driver, EngineEnv, Storage};
use crate::model::{CommonCode, Evidence, Remediation, Status};
use crate::probe::ProbeKind;
use std::path::PathBuf;

pub static DOCKER: CheckDef = CheckDef {
    id: "engine.docker",
    title: "rootless Docker",
    description: "When dockerd-rootless.sh is installed: whether rootless Docker started by it \
                  runs a container for the subject. Its own setup (dockerd, rootlesskit, runc \
                  and iptables on the daemon's PATH, the iptables modules, the RootlessKit \
                  network and port drivers, daemon.json's storage driver, the user unit, the \
                  client's socket) and the host checks it depends on; never starts a daemon.",
    codes: &[
        Code::DockerNotInstalled.code(),
        Code::DockerUndecided.code(),
        Code::DockerHostCheckFailed.code(),
        Code::DockerdMissing.code(),
        Code::RootlesskitMissing.code(),
        Code::DockerRuncMissing.code(),
        Code::NetworkDriverMissing.code(),
        Code::NetworkDriverUnsupported.code(),
        Code::PortDriverInvalid.code(),
        Code::IptablesMissing.code(),
        Code::IptablesModuleMissing.code(),
        Code::DaemonJsonInvalid.code(),
        Code::StorageDriverUnusable.code(),
        Code::PriorDrivers.code(),
        Code::DockerVfs.code(),
        Code::ClientEndpoint.code(),
        Code::NoUserUnit.code(),
    ],
    probes: &[
        ProbeKind::UsernsCreate,
        ProbeKind::NetTun,
        ProbeKind::NetHelper,
        ProbeKind::Overlay,
        ProbeKind::FuseOverlayfs,
    ],
    run,
};

/// The host checks rootless Docker depends on, their outcomes.
#[derive(Clone, Debug, Default)]
pub struct Deps {
    pub outcomes: Vec<(&'static CheckDef, Outcome)>,
}

impl Deps {
    fn get(&self, def: &'static CheckDef) -> Option<&Outcome> {
        self.outcomes
            .iter()
            .find(|(d, _)| *d == def)
            .map(|(_, o)| o)
    }
}

/// Everything the judge reads.
#[derive(Clone, Debug)]
pub struct Facts {
    pub setup: Setup,
    /// The network driver as resolved.
    pub net: net::Resolved,
    /// The path of the network driver's binary, when it has one and it is found.
    pub net_binary: Option<PathBuf>,
    pub storage: Storage,
    /// The subject's XDG_RUNTIME_DIR (the daemon's socket is in it).
    pub xdg_runtime_dir: Option<PathBuf>,
    pub uid: u32,
    /// The filesystem type (mountinfo) of the data-root, or of its nearest
    /// existing ancestor.
    pub data_root_fs: Option<String>,
}

fn run(ctx: &Context<'_>) -> Outcome {
    let Some(script) = setup::rootless_script(ctx.host, ctx.subject) else {
        return Outcome::skip(
            Code::DockerNotInstalled,
            format!(
                "rootless docker is not installed: no {} on the subject's PATH nor in {}",
                setup::SCRIPT,
                setup::DEBIAN_CONTRIB
            ),
        );
    };
    let env = EngineEnv::of(ctx.host, ctx.subject);
    let storages = storage::resolve(ctx.host, ctx.subject, &env);
    let Some(store) = storages
        .into_iter()
        .find(|s| s.engine == storage::Engine::Docker)
    else {
        return Outcome::skip(Code::DockerNotInstalled, "rootless docker is not installed");
    };
    let home = env
        .home
        .as_ref()
        .map_or_else(|| ctx.subject.home.clone(), PathBuf::from);
    let config_home = env
        .xdg_config_home
        .as_ref()
        .filter(|d| d.starts_with('/'))
        .map(PathBuf::from);
    let setup = setup::gather(
        ctx.host,
        ctx.subject,
        script.clone(),
        &home,
        config_home.as_deref(),
        &store.graphroot,
    );
    let (net, net_binary) = resolve_net(ctx, &setup);
    let mut deps = Deps::default();
    let mut wanted: Vec<&'static CheckDef> = vec![
        &crate::userns::CREATE,
        &crate::idmap::NEWUIDMAP,
        &crate::idmap::NEWGIDMAP,
        &crate::subid::SUBUID,
        &crate::subid::SUBGID,
        &crate::runtime::XDG_RUNTIME_DIR,
        &crate::runtime::OCI_RUNTIME,
        &crate::cgroup::DELEGATION,
    ];
    if net.helper.is_some_and(Helper::needs_tun) {
        wanted.push(&crate::network::TUN);
    }
    if net.helper == Some(Helper::Slirp4netns) {
        wanted.push(&crate::network::HELPER);
    }
    if store.driver != Driver::Named("vfs".into()) {
        wanted.extend([&crate::mount::OVERLAY, &crate::mount::FUSE_OVERLAYFS]);
    }
    for def in wanted {
        deps.outcomes.push((def, ctx.outcome_of(def)));
    }
    let mounts = crate::mountinfo::read(ctx.host);
    let data_root_fs = storage::existing_ancestor(ctx.host, &store.graphroot)
        .and_then(|p| crate::mountinfo::mount_of(&mounts, &p).map(|m| m.fs_type.clone()));
    let facts = Facts {
        setup,
        net,
        net_binary,
        storage: store,
        xdg_runtime_dir: ctx.subject.xdg_runtime_dir.clone(),
        uid: ctx.subject.uid,
        data_root_fs,
    };
    judge(&facts, &deps, &ctx.distro)
}

/// The network driver the script picks, through the shared resolution, with
/// the helpers looked up on the daemon's PATH as the script looks them up.
fn resolve_net(ctx: &Context<'_>, s: &Setup) -> (net::Resolved, Option<PathBuf>) {
    let look = |name: &str| ctx.host.look_path(name, &s.daemon_path);
    let found = Found {
        engines: vec![Installed {
            engine: Engine::Docker,
            path: s.script.clone(),
            configured: s.configured_net().map(|(value, file)| {
                (
                    value,
                    Source::Config {
                        file,
                        setting: "DOCKERD_ROOTLESS_ROOTLESSKIT_NET".into(),
                    },
                )
            }),
            packaged: None,
        }],
        slirp4netns: look("slirp4netns"),
        vpnkit: look("vpnkit"),
        rootlesskit: s.rootlesskit.clone(),
        ..Found::default()
    };
    let resolved = net::resolve(&found, None).remove(0);
    let binary = match resolved.helper {
        Some(Helper::LxcUserNic) => [
            "/usr/lib/x86_64-linux-gnu/lxc/lxc-user-nic",
            "/usr/libexec/lxc/lxc-user-nic",
            "/usr/lib/lxc/lxc-user-nic",
        ]
        .iter()
        .map(PathBuf::from)
        .find(|p| ctx.host.exists(p)),
        Some(h) => found.helper_path(h).cloned(),
        None => None,
    };
    (resolved, binary)
}

/// What the judge collects.
#[derive(Default)]
struct Verdicts {
    fails: Vec<Finding>,
    warns: Vec<Finding>,
    blocked_by: Vec<&'static CheckDef>,
    unknown: Vec<String>,
    notes: Vec<String>,
}

impl Verdicts {
    /// A host check's outcome: a failure blocks, a missing result leaves the
    /// verdict unknown.
    fn host(&mut self, def: &'static CheckDef, outcome: Option<&Outcome>, blocks: bool) {
        let Some(o) = outcome else { return };
        match o.status {
            Status::Fail | Status::Warn if blocks && !self.blocked_by.contains(&def) => {
                self.blocked_by.push(def);
            }
            Status::Fail | Status::Warn if blocks => {}
            Status::Error => self.unknown.push(format!("{} ended in error", def.id)),
            Status::Skip if !o.is(CommonCode::Blocked) && probe_missing(o) => self
                .unknown
                .push(format!("{} was not evaluated ({})", def.id, o.message)),
            _ => {}
        }
    }
}

/// True when a skip means the evidence was not gathered.
fn probe_missing(o: &Outcome) -> bool {
    [
        CommonCode::ProbeNotRun,
        CommonCode::ProbeTimedOut,
        CommonCode::ProbeBroken,
        CommonCode::ChildFailed,
    ]
    .iter()
    .any(|c| o.is(*c))
}

/// Decides the outcome and the engine verdict.
pub fn judge(f: &Facts, deps: &Deps, distro: &Distro) -> Outcome {
    let s = &f.setup;
    let mut v = Verdicts::default();
    let mut evidence = vec![
        Evidence::fact("script", s.script.display().to_string()),
        Evidence::fact(
            "daemon PATH",
            format!("{} ({})", s.daemon_path, s.path_source),
        ),
    ];
    if let Some((pkg, version)) = &s.package {
        evidence.push(Evidence::fact("package", format!("{pkg} {version}")));
    }

    // The daemon refuses a daemon.json it cannot parse.
    if let Some(problem) = &s.daemon_json.problem {
        v.fails.push(
            Finding::fail(
                Code::DaemonJsonInvalid,
                format!(
                    "dockerd refuses to start: {problem} (\"unable to configure the Docker daemon \
                 with file ...\")"
                ),
            )
            .fixes([Remediation::root(
                "make daemon.json a JSON object, or remove it",
                vec![],
            )
            .as_user()]),
        );
    }
    own_binaries(s, distro, &mut v, &mut evidence);
    host_checks(deps, &mut v);
    network_part(f, deps, distro, &mut v, &mut evidence);
    iptables_part(s, distro, &mut v, &mut evidence);
    let driver = storage_part(f, deps, &mut v, &mut evidence);
    client_part(f, &mut v, &mut evidence);
    unit_part(s, &mut v);

    let verdict = if !v.fails.is_empty() || !v.blocked_by.is_empty() {
        Verdict::Fails
    } else if !v.unknown.is_empty() {
        Verdict::Unknown
    } else {
        Verdict::Works
    };
    let mut blocked_by = v.blocked_by.clone();
    if !v.fails.is_empty() {
        blocked_by.push(&DOCKER);
    }
    let engine = EngineVerdict {
        name: "docker",
        path: s.script.clone(),
        version: s
            .package
            .as_ref()
            .map(|(_, v)| crate::packages::upstream_version(v)),
        verdict,
        blocked_by: if verdict == Verdict::Fails {
            blocked_by
        } else {
            Vec::new()
        },
        runtime: Some("runc".into()),
        storage_driver: driver,
        network: Some(f.net.name.clone()),
    };
    outcome(v, verdict, evidence).stating(Fact::Engine(engine))
}

fn outcome(v: Verdicts, verdict: Verdict, evidence: Vec<Evidence>) -> Outcome {
    let Verdicts {
        fails,
        warns,
        blocked_by,
        unknown,
        notes,
    } = v;
    let blocked_text = (!blocked_by.is_empty()).then(|| {
        let ids: Vec<&str> = blocked_by.iter().map(|d| d.id).collect();
        format!("the host checks {} failed", ids.join(", "))
    });
    match verdict {
        Verdict::Fails => {
            let mut findings: Vec<Finding> = fails;
            if let Some(text) = blocked_text {
                findings.insert(
                    0,
                    Finding::fail(
                        Code::DockerHostCheckFailed,
                        format!("{text}, so rootless docker cannot start containers"),
                    )
                    .fixes([Remediation::root(
                        "fix what the failed host checks name (their own fixes)",
                        vec![format!(
                            "rootless-doctor --only {}",
                            blocked_by
                                .iter()
                                .map(|d| d.id)
                                .collect::<Vec<_>>()
                                .join(",")
                        )],
                    )
                    .as_user()]),
                );
            }
            findings.extend(warns);
            combine(
                findings,
                evidence,
                "rootless docker will not run containers: ",
            )
        }
        Verdict::Unknown => {
            let mut message = format!(
                "whether rootless docker runs containers is unknown: {}",
                unknown.join("; ")
            );
            for w in &warns {
                message.push_str("; also: ");
                message.push_str(&w.message);
            }
            Outcome::skip(Code::DockerUndecided, message)
                .also(warns.iter().map(|w| w.code))
                .with_all(evidence)
                .fixes(warns.into_iter().flat_map(|w| w.fixes))
        }
        Verdict::Works if !warns.is_empty() => {
            combine(warns, evidence, "rootless docker runs containers, but: ")
        }
        Verdict::Works => Outcome::pass(format!(
            "rootless docker runs containers: {}",
            notes.join("; ")
        ))
        .with_all(evidence),
    }
}

/// The first finding leads; the others follow as `also`.
fn combine(findings: Vec<Finding>, evidence: Vec<Evidence>, lead: &str) -> Outcome {
    let mut it = findings.into_iter();
    let Some(first) = it.next() else {
        return Outcome::pass(lead.trim_end_matches([':', ' ']).to_string());
    };
    let rest: Vec<Finding> = it.collect();
    let mut message = format!("{lead}{}", first.message);
    for f in &rest {
        message.push_str("; also: ");
        message.push_str(&f.message);
    }
    let mut fixes: Vec<Remediation> = Vec::new();
    for fix in std::iter::once(&first)
        .chain(&rest)
        .flat_map(|f| f.fixes.clone())
    {
        if !fixes.contains(&fix) {
            fixes.push(fix);
        }
    }
    Outcome::judged(first.status, first.code, message)
        .also(rest.iter().map(|f| f.code))
        .with_all(evidence)
        .with_all(first.evidence)
        .fixes(fixes)
}

/// The fix for `name` off the daemon's PATH: the directory it is in (else
/// /usr/sbin, Debian's) put on that PATH.
fn path_fix(s: &Setup, name: &str) -> Remediation {
    let dir = s
        .off_path(name)
        .and_then(|p| p.parent())
        .map_or_else(|| "/usr/sbin".to_string(), |d| d.display().to_string());
    if s.path_source.starts_with("Environment=PATH") {
        return Remediation::root(
            format!(
                "add {dir} to Environment=PATH= in the user unit docker.service, then \
                 systemctl --user daemon-reload and restart docker"
            ),
            vec![],
        )
        .as_user();
    }
    let path = if dir == "/usr/sbin" || dir == "/sbin" {
        "/sbin:/usr/sbin:$PATH".to_string()
    } else {
        format!("{dir}:/sbin:/usr/sbin:$PATH")
    };
    Remediation::root(
        format!("start dockerd-rootless.sh with {dir} on its PATH, as the setup tool's unit does"),
        vec![format!(
            "PATH={path} {}",
            crate::shell::quote(&s.script.display().to_string())
        )],
    )
    .as_user()
}

/// `, but it is installed as PATH` when it is, else nothing.
fn installed_at(s: &Setup, name: &str) -> String {
    s.off_path(name)
        .map(|p| format!(" ({} is installed, in a directory not on it)", p.display()))
        .unwrap_or_default()
}

fn own_binaries(s: &Setup, distro: &Distro, v: &mut Verdicts, evidence: &mut Vec<Evidence>) {
    match &s.dockerd {
        Some(path) => evidence.push(Evidence::fact("dockerd", path.display().to_string())),
        None => v.fails.push(
            Finding::fail(
                Code::DockerdMissing,
                format!(
                    "dockerd is not on the PATH dockerd-rootless.sh runs with ({}){}: the \
                     script ends with \"exec: dockerd: not found\"",
                    crate::model::cap(&s.daemon_path, 120),
                    installed_at(s, "dockerd")
                ),
            )
            .fixes([
                path_fix(s, "dockerd"),
                Remediation::root("install dockerd", vec![distro.install(&["docker.io"])])
                    .alternative(),
            ]),
        ),
    }
    match &s.rootlesskit {
        Some(path) => evidence.push(Evidence::fact(
            "rootlesskit",
            match &s.rootlesskit_version {
                Some(version) => format!("{} ({version})", path.display()),
                None => path.display().to_string(),
            },
        )),
        None => v.fails.push(
            Finding::fail(
                Code::RootlesskitMissing,
                format!(
                    "neither rootlesskit nor docker-rootlesskit is on the daemon's PATH{}: \
                     dockerd-rootless.sh stops with \"rootlesskit needs to be installed\"",
                    installed_at(s, "rootlesskit")
                ),
            )
            .fixes([if s.off_path("rootlesskit").is_some() {
                path_fix(s, "rootlesskit")
            } else {
                Remediation::root(
                    "install rootlesskit",
                    vec![distro.install(&["rootlesskit"])],
                )
            }]),
        ),
    }
    if s.runc.is_none() {
        v.fails.push(
            Finding::fail(
                Code::DockerRuncMissing,
                format!(
                    "runc is not on the daemon's PATH{}: dockerd starts, but every container \
                     fails with `exec: \"runc\": executable file not found in $PATH`",
                    installed_at(s, "runc")
                ),
            )
            .fixes([path_fix(s, "runc")]),
        );
    }
}

fn host_checks(deps: &Deps, v: &mut Verdicts) {
    // RootlessKit makes a user namespace with newuidmap and newgidmap and
    // the subject's subordinate ranges: any failure there stops it.
    for def in [
        &crate::userns::CREATE,
        &crate::idmap::NEWUIDMAP,
        &crate::idmap::NEWGIDMAP,
        &crate::subid::SUBUID,
        &crate::subid::SUBGID,
    ] {
        let o = deps.get(def);
        v.host(def, o.filter(|o| o.status != Status::Warn), true);
        if let Some(o) = o.filter(|o| o.status == Status::Warn) {
            v.host(def, Some(o), false);
        }
    }
    // dockerd-rootless.sh: "XDG_RUNTIME_DIR needs to be set and writable".
    if let Some(o) = deps.get(&crate::runtime::XDG_RUNTIME_DIR) {
        // Only a mode that is too open and nothing else (no `also`: a
        // directory that is not writable shares the `wrong-mode` code)
        // leaves the script's `-w` test passing.
        let only_too_open = o.is(crate::runtime::Code::WrongMode) && o.also.is_empty();
        let blocks = o.is(crate::runtime::Code::Unset)
            || (o.status == Status::Fail && !only_too_open && !o.is(crate::runtime::Code::Symlink));
        if blocks {
            v.blocked_by.push(&crate::runtime::XDG_RUNTIME_DIR);
        } else {
            v.host(&crate::runtime::XDG_RUNTIME_DIR, Some(o), false);
        }
    }
    // dockerd runs containers with runc.
    if let Some(o) = deps.get(&crate::runtime::OCI_RUNTIME) {
        if o.oci_runtimes().any(|r| r.name == "runc" && !r.runs_here) {
            v.blocked_by.push(&crate::runtime::OCI_RUNTIME);
        }
    }
    if let Some(o) = deps.get(&crate::cgroup::DELEGATION) {
        if o.status != Status::Pass {
            v.notes
                .push("containers run without cgroup limits (cgroup.delegation)".into());
        }
    }
}

fn network_part(
    f: &Facts,
    deps: &Deps,
    distro: &Distro,
    v: &mut Verdicts,
    evidence: &mut Vec<Evidence>,
) {
    let s = &f.setup;
    let r = &f.net;
    evidence.push(Evidence::fact(
        "network driver",
        format!("{} ({})", r.name, r.source.text()),
    ));
    let rootlesskit_major = s
        .rootlesskit_version
        .as_deref()
        .map(crate::packages::upstream_version)
        .and_then(|v| v.split('.').next().and_then(|m| m.parse::<u64>().ok()));
    match r.helper {
        None => v.fails.push(
            Finding::fail(
                Code::NetworkDriverUnsupported,
                format!(
                    "DOCKERD_ROOTLESS_ROOTLESSKIT_NET is '{}' ({}), a network driver rootlesskit \
                 does not have: it exits before dockerd starts",
                    crate::model::cap(&r.name, 40),
                    r.source.text()
                ),
            )
            .fixes([net_fix()]),
        ),
        Some(Helper::Pasta) if rootlesskit_major.is_none() => v.unknown.push(
            "rootlesskit's version is unknown, so whether it has the pasta network driver \
             (2.0 and later) is not known"
                .into(),
        ),
        Some(Helper::Pasta) if rootlesskit_major.is_some_and(|m| m < 2) => v.fails.push(
            Finding::fail(
                Code::NetworkDriverUnsupported,
                format!(
                    "DOCKERD_ROOTLESS_ROOTLESSKIT_NET is pasta ({}), which rootlesskit has only \
                     from 2.0 ({}): it exits before dockerd starts",
                    r.source.text(),
                    s.rootlesskit_version
                        .as_deref()
                        .unwrap_or("version unknown")
                ),
            )
            .fixes([net_fix()]),
        ),
        Some(Helper::Host) => v
            .unknown
            .push("the RootlessKit network driver 'host' is not judged by the doctor".into()),
        Some(helper) if f.net_binary.is_none() => {
            let text = match &r.source {
                Source::Default(_) => "dockerd-rootless.sh stops with \"Either slirp4netns \
                                       (>= v0.4.0) or vpnkit needs to be installed\""
                    .to_string(),
                Source::Config { .. } => format!(
                    "rootlesskit fails with \"exec: \\\"{}\\\": executable file not found in \
                     $PATH\"",
                    helper.name()
                ),
            };
            let package = if helper == Helper::LxcUserNic {
                "lxc"
            } else {
                helper.name()
            };
            v.fails.push(
                Finding::fail(
                    Code::NetworkDriverMissing,
                    format!(
                        "the RootlessKit network driver {} ({}) is not on the daemon's PATH: \
                         {text}",
                        helper.name(),
                        r.source.text()
                    ),
                )
                .fixes([Remediation::root(
                    format!("install {package}"),
                    vec![distro.install(&[package])],
                )]),
            );
        }
        Some(helper) => {
            if helper.needs_tun() {
                v.host(&crate::network::TUN, deps.get(&crate::network::TUN), true);
            }
            if helper == Helper::Slirp4netns {
                if let Some(o) = deps.get(&crate::network::HELPER) {
                    // network.helper's finding about rootless Docker, when it
                    // judged engines one by one.
                    let start_failed = crate::network::Code::HelperStartFailed.code();
                    let failed = match o.for_engine("docker") {
                        Some((Status::Fail, code)) => code == Some(start_failed),
                        Some(_) => false,
                        None => o.names(start_failed),
                    };
                    if failed {
                        v.blocked_by.push(&crate::network::HELPER);
                    }
                }
            }
            v.notes.push(format!("network {}", helper.name()));
        }
    }
    let (port, from) = s.port_driver();
    let valid = match port.as_str() {
        "builtin" | "none" => true,
        "slirp4netns" => r.helper == Some(Helper::Slirp4netns),
        _ => false,
    };
    if !valid {
        v.fails.push(
            Finding::fail(
                Code::PortDriverInvalid,
                format!(
                    "the RootlessKit port driver '{}' ({from}) {}: rootlesskit exits before \
                 dockerd starts",
                    crate::model::cap(&port, 40),
                    if port == "slirp4netns" {
                        "needs the slirp4netns network driver"
                    } else {
                        "is none of builtin, slirp4netns, none"
                    }
                ),
            )
            .fixes([Remediation::root(
                "unset DOCKERD_ROOTLESS_ROOTLESSKIT_PORT_DRIVER (builtin is the default)",
                vec![],
            )
            .as_user()]),
        );
    }
}

fn iptables_part(s: &Setup, distro: &Distro, v: &mut Verdicts, evidence: &mut Vec<Evidence>) {
    let (enabled, why) = s.iptables_enabled();
    if !enabled {
        evidence.push(Evidence::fact("iptables", format!("disabled ({why})")));
        return;
    }
    let bypass = Remediation::root(
        "or run without iptables (no NAT for published ports' source addresses): \
         {\"iptables\": false} in ~/.config/docker/daemon.json",
        vec![],
    )
    .as_user()
    .alternative();
    let Some(path) = &s.iptables else {
        v.fails.push(
            Finding::fail(
                Code::IptablesMissing,
                format!(
                    "dockerd runs iptables (iptables is not disabled in daemon.json) but none is \
                     on its PATH ({}){}: it stops with \"failed to create NAT chain DOCKER: \
                     Iptables not found\"",
                    crate::model::cap(&s.daemon_path, 120),
                    installed_at(s, "iptables")
                ),
            )
            .fixes([
                if s.off_path("iptables").is_some() {
                    path_fix(s, "iptables")
                } else {
                    Remediation::root("install iptables", vec![distro.install(&["iptables"])])
                },
                bypass,
            ]),
        );
        return;
    };
    let backend = s.backend.unwrap_or(Backend::Unknown);
    evidence.push(Evidence::fact(
        "iptables",
        format!(
            "{} ({})",
            path.display(),
            match backend {
                Backend::Nft => "nf_tables backend",
                Backend::Legacy => "legacy backend",
                Backend::Unknown => "backend unknown",
            }
        ),
    ));
    for (name, state) in &s.modules {
        evidence.push(Evidence::fact(format!("module {name}"), state.text()));
    }
    // iptables runs as root of RootlessKit's user namespace: the kernel
    // loads table and match modules on request (request_module needs no
    // capability), but iptables-legacy's own `modprobe ip_tables` needs
    // CAP_SYS_MODULE in the initial namespace, so ip_tables must already be
    // in the kernel.
    let missing: Vec<&str> = s
        .modules
        .iter()
        .filter(|(name, state)| {
            matches!(
                (backend, *name, state),
                (_, _, Module::Absent) | (Backend::Legacy, "ip_tables", Module::Loadable)
            )
        })
        .map(|(name, _)| *name)
        .collect();
    let relevant = match backend {
        Backend::Unknown => false,
        _ => !missing.is_empty(),
    };
    if relevant {
        let list = missing.join(", ");
        v.fails.push(
            Finding::fail(
                Code::IptablesModuleMissing,
                format!(
                    "iptables inside RootlessKit needs the kernel modules {list}, which are not \
                     loaded and cannot be loaded from its user namespace: dockerd stops with \
                     \"failed to create NAT chain DOCKER: iptables failed: ... can't \
                     initialize iptables table `nat'\""
                ),
            )
            .fixes([
                Remediation::root(
                    format!("load {list} now and at boot"),
                    vec![
                        format!("modprobe -a {}", missing.join(" ")),
                        format!(
                            "printf '%s\\n' {} > /etc/modules-load.d/rootless-docker.conf",
                            missing.join(" ")
                        ),
                    ],
                ),
                bypass,
            ]),
        );
    }
}

/// The driver dockerd will use, judged; `None` when not predictable.
fn storage_part(
    f: &Facts,
    deps: &Deps,
    v: &mut Verdicts,
    evidence: &mut Vec<Evidence>,
) -> Option<String> {
    let st = &f.storage;
    evidence.push(Evidence::fact(
        "data-root",
        st.graphroot.display().to_string(),
    ));
    let prior: Vec<&String> = f
        .setup
        .prior_drivers
        .iter()
        .filter(|d| d.as_str() != "vfs")
        .collect();
    let (named, source) = match &st.driver {
        Driver::Named(name) => (Some(name.clone()), "daemon.json"),
        _ if prior.len() > 1 => {
            let list: Vec<&str> = prior.iter().map(|s| s.as_str()).collect();
            v.fails.push(
                Finding::fail(
                    Code::PriorDrivers,
                    format!(
                        "{} holds data of several drivers ({}) and daemon.json names none: \
                     dockerd stops with \"contains several valid graphdrivers\"",
                        st.graphroot.display(),
                        list.join(", ")
                    ),
                )
                .fixes([Remediation::root(
                    format!(
                        "name the driver to keep in daemon.json: {{\"storage-driver\": \"{}\"}}",
                        list[0]
                    ),
                    vec![],
                )
                .as_user()]),
            );
            return None;
        }
        _ if prior.len() == 1 => (Some(prior[0].clone()), "the data-root's existing data"),
        _ => (None, ""),
    };
    let overlay = deps.get(&crate::mount::OVERLAY);
    let fuse = deps.get(&crate::mount::FUSE_OVERLAYFS);
    // overlay2 mounts in the data-root: a filesystem that takes no overlay
    // upper dir in a user namespace refuses it whatever mount.overlay's
    // scratch dir said.
    let refusing_fs = f
        .data_root_fs
        .as_deref()
        .filter(|fs| storage::NEEDS_MOUNT_PROGRAM.contains(fs) || storage::NETWORK_FS.contains(fs));
    if let Some(fs) = f.data_root_fs.as_deref() {
        evidence.push(Evidence::fact("data-root filesystem", fs));
    }
    let native_ok = match refusing_fs {
        Some(_) => Some(false),
        None => overlay.map(|o| o.status == Status::Pass),
    };
    let native_why = match refusing_fs {
        Some(fs) => format!("the data-root is on {fs}"),
        None => "mount.overlay failed".to_string(),
    };
    let fuse_state = fuse.map(fuse_state);
    let unusable = |v: &mut Verdicts, name: &str, why: String| {
        v.fails.push(
            Finding::fail(
                Code::StorageDriverUnusable,
                format!(
                    "{source} gives the {name} storage driver, which does not work here ({why}): \
                     dockerd stops with \"error initializing graphdriver: driver not supported\""
                ),
            )
            .fixes([Remediation::root(
                "name a driver that works here in daemon.json ({\"storage-driver\": \"vfs\"} always does)",
                vec![],
            )
            .as_user()]),
        );
    };
    let driver = match named.as_deref() {
        Some("vfs") => "vfs".to_string(),
        Some("overlay2") | Some("overlay") => {
            match native_ok {
                Some(true) => {}
                Some(false) => unusable(v, "overlay2", native_why.clone()),
                None => v.unknown.push("mount.overlay was not evaluated".into()),
            }
            "overlay2".into()
        }
        Some("fuse-overlayfs") => {
            match fuse_state {
                Some(Fuse::Works) => {}
                Some(Fuse::NotInstalled) => unusable(
                    v,
                    "fuse-overlayfs",
                    "fuse-overlayfs is not installed".into(),
                ),
                Some(Fuse::DevFuseClosed) => v.fails.push(fuse_closed(source)),
                // It starts (Init only looks for the binary), and every
                // container's mount fails.
                Some(Fuse::Broken) => v.blocked_by.push(&crate::mount::FUSE_OVERLAYFS),
                Some(Fuse::Unknown) | None => v
                    .unknown
                    .push("mount.fuse-overlayfs was not evaluated".into()),
            }
            "fuse-overlayfs".into()
        }
        Some(other) => {
            v.notes.push(format!("storage driver {other} not judged"));
            other.to_string()
        }
        // dockerd's priority list starts with btrfs, whose Init only asks
        // that the data-root be on btrfs (and bind-mounts it onto itself,
        // which its user namespace may); zfs, next, needs /dev/zfs open for
        // writing, which rootless dockerd never has.
        None if f.data_root_fs.as_deref() == Some("btrfs") => {
            v.notes
                .push("storage driver btrfs (the data-root is on btrfs)".into());
            "btrfs".into()
        }
        None => match (native_ok, fuse_state) {
            (Some(true), _) => "overlay2".into(),
            (None, _) => {
                v.unknown.push("mount.overlay was not evaluated".into());
                return None;
            }
            (Some(false), Some(Fuse::Works)) => "fuse-overlayfs".into(),
            // mount.fuse-overlayfs skips as not-needed where its own scratch
            // dir takes native overlay: the cause is then stated here.
            (Some(false), Some(Fuse::DevFuseClosed))
                if fuse.is_some_and(|o| o.status == Status::Skip) =>
            {
                v.fails.push(fuse_closed("dockerd's own choice"));
                "fuse-overlayfs".into()
            }
            (Some(false), Some(Fuse::Broken | Fuse::DevFuseClosed)) => {
                // dockerd picks fuse-overlayfs because the binary is there;
                // mounting then fails for every container.
                v.blocked_by.push(&crate::mount::FUSE_OVERLAYFS);
                "fuse-overlayfs".into()
            }
            (Some(false), Some(Fuse::NotInstalled)) => "vfs".into(),
            (Some(false), Some(Fuse::Unknown) | None) => {
                v.unknown
                    .push("mount.fuse-overlayfs was not evaluated".into());
                return None;
            }
        },
    };
    if driver == "vfs" {
        v.warns.push(vfs_finding(named.is_some(), source));
    }
    evidence.push(Evidence::fact("storage driver", driver.clone()));
    v.notes.push(format!("storage {driver}"));
    Some(driver)
}

/// What `mount.fuse-overlayfs` found, for rootless Docker.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Fuse {
    Works,
    NotInstalled,
    /// Installed, but /dev/fuse cannot be opened (reported as `not-needed`
    /// where native overlay works).
    DevFuseClosed,
    /// Found and failing otherwise.
    Broken,
    Unknown,
}

fn fuse_state(o: &Outcome) -> Fuse {
    match o.status {
        Status::Pass => Fuse::Works,
        _ if o.is(crate::mount::Code::NotInstalled) => Fuse::NotInstalled,
        _ if o.is(crate::mount::Code::DevFuseNotOpenable)
            || o.is(crate::mount::Code::DevFuseMissing) =>
        {
            Fuse::DevFuseClosed
        }
        // `not-needed` names the state behind it in `also`.
        Status::Skip if o.names(crate::mount::Code::NotInstalled) => Fuse::NotInstalled,
        Status::Skip if o.names(crate::mount::Code::DevFuseNotOpenable) => Fuse::DevFuseClosed,
        Status::Skip | Status::Error => Fuse::Unknown,
        _ => Fuse::Broken,
    }
}

fn fuse_closed(source: &str) -> Finding {
    Finding::fail(
        Code::StorageDriverUnusable,
        format!(
            "{source} gives the fuse-overlayfs storage driver, but /dev/fuse cannot be opened \
             (see mount.fuse-overlayfs): dockerd starts, and every container fails with \
             \"fuse: failed to open /dev/fuse: Permission denied\""
        ),
    )
    .fixes([
        Remediation::root(
            "let users open /dev/fuse",
            vec!["chmod 0666 /dev/fuse".into()],
        ),
        Remediation::root(
            "or let rootless docker use overlay2: remove \"storage-driver\" from daemon.json",
            vec![],
        )
        .as_user()
        .alternative(),
    ])
}

fn vfs_finding(named: bool, source: &str) -> Finding {
    Finding::warn(
        Code::DockerVfs,
        format!(
            "rootless docker stores images with vfs ({}): every layer is a full copy, slow and \
             large",
            if named {
                format!("{source} names it")
            } else {
                "neither native overlay nor fuse-overlayfs works".to_string()
            }
        ),
    )
    .fixes([Remediation::root(
        "use overlay2 where native overlay works in a user namespace (kernel 5.11+), else \
         fuse-overlayfs: {\"storage-driver\": \"fuse-overlayfs\"} in daemon.json",
        vec![],
    )
    .as_user()])
}

fn net_fix() -> Remediation {
    Remediation::root(
        "unset DOCKERD_ROOTLESS_ROOTLESSKIT_NET (slirp4netns is the default) or name slirp4netns",
        vec![],
    )
    .as_user()
}

/// The socket the client uses, against the daemon's.
fn client_part(f: &Facts, v: &mut Verdicts, evidence: &mut Vec<Evidence>) {
    let s = &f.setup;
    let own = f
        .xdg_runtime_dir
        .as_ref()
        .map(|d| d.join("docker.sock").display().to_string());
    let (endpoint, from) = if let Some(host) = &s.env.docker_host {
        (host.clone(), "DOCKER_HOST".to_string())
    } else if let Some((name, host)) = &s.context {
        match host {
            Some(host) => (host.clone(), format!("the CLI context {name}")),
            None => return,
        }
    } else if s.env.known {
        (
            "unix:///var/run/docker.sock".to_string(),
            "the client's default (DOCKER_HOST unset, no CLI context)".to_string(),
        )
    } else {
        return;
    };
    evidence.push(Evidence::fact(
        "client endpoint",
        format!("{endpoint} ({from})"),
    ));
    let Some(path) = endpoint.strip_prefix("unix://") else {
        return;
    };
    if Some(path.to_string()) == own {
        return;
    }
    let own_text = own
        .clone()
        .unwrap_or_else(|| "$XDG_RUNTIME_DIR/docker.sock".into());
    let what = if path == "/var/run/docker.sock" || path == "/run/docker.sock" {
        "the rootful daemon's socket: docker talks to the system daemon, or fails with \
         \"permission denied while trying to connect to the Docker daemon socket\" / \
         \"Cannot connect to the Docker daemon at unix:///var/run/docker.sock\""
            .to_string()
    } else if let Some(uid) = path
        .strip_prefix("/run/user/")
        .and_then(|r| r.split('/').next())
        .and_then(|u| u.parse::<u32>().ok())
        .filter(|u| *u != f.uid)
    {
        format!("the socket of uid {uid}'s rootless daemon, not this user's")
    } else {
        "not this user's rootless daemon's socket".to_string()
    };
    v.warns.push(
        Finding::warn(
            Code::ClientEndpoint,
            format!(
                "the docker client uses {endpoint} ({from}), {what}; the rootless daemon \
                 listens on unix://{own_text}"
            ),
        )
        .fixes([Remediation::root(
            "point the client at the rootless daemon",
            vec![format!("export DOCKER_HOST=unix://{own_text}")],
        )
        .as_user()]),
    );
}

fn unit_part(s: &Setup, v: &mut Verdicts) {
    if !s.systemd {
        v.notes
            .push("no systemd here: dockerd-rootless.sh is started by hand".into());
        return;
    }
    if s.unit.is_none() {
        v.warns.push(
            Finding::warn(
                Code::NoUserUnit,
                "systemd runs here but the user unit docker.service does not exist: rootless \
                 docker does not start at login",
            )
            .fixes([Remediation::root(
                "install the user unit",
                vec!["dockerd-rootless-setuptool.sh install".into()],
            )
            .as_user()]),
        );
    }
}

#[cfg(test)]
mod tests;
