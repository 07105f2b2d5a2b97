//! `runtime.oci-runtime`: which OCI runtimes are installed, and whether they can
//! run rootless containers here.
//!
//! Each of runc, crun and youki is looked up on the subject's PATH, then in the
//! usual system directories (Debian installs runc in /usr/sbin, which a user's
//! PATH lacks; podman and docker find it there anyway). On the real host its
//! version comes from `NAME --version`, run only when the binary is owned by
//! root (or by the subject when the subject runs the doctor) and not writable
//! by others; on a fixture host the version stays unknown. The judge knows the
//! rootless limits of those versions on this host's cgroup layout (read
//! through [`crate::cgroupfs`]); each limit is a note with its code, and the
//! outcome carries the code of the most serious note: one that stops a
//! runtime from running before one that only limits it, then in the order of
//! [`BY_SERIOUSNESS`].
//!
//! Decisions: docs/checks/runtime.md, section `runtime.oci-runtime`.

use super::procfs::{self, ProcfsFacts};
use super::version::{self, CommandRun, Version};
use super::Code;
use crate::cgroupfs::{self, unified_hierarchy_fix, Hierarchy, HYBRID_UNIFIED};
use crate::check::{CheckDef, Context, Fact, OciRuntime, Outcome};
use crate::distro::{Component, Distro};
use crate::host::HostFs;
use crate::model::{Evidence, Remediation, Status};
use crate::packages::{self, Packaged};
use crate::privdrop::Creds;
use crate::shell::quote;
use crate::subject::Subject;
use std::os::unix::fs::MetadataExt;
use std::path::PathBuf;

pub static OCI_RUNTIME: CheckDef = CheckDef {
    id: "runtime.oci-runtime",
    title: "OCI runtime",
    description: "Which of runc, crun and youki are installed, their versions, and known \
                  rootless limits of those versions on this host.",
    codes: &[
        Code::NoneInstalled.code(),
        Code::CrunRefusesHybrid.code(),
        Code::RuncUnreadable.code(),
        Code::RuncMapsOneId.code(),
        Code::YoukiMappingPanic.code(),
        Code::RuncGroupReadable.code(),
        Code::RuncPredatesCgroupV2.code(),
        Code::RuncPrerelease.code(),
        Code::VersionNotStarted.code(),
        Code::RuncProcfsNoSetgroups.code(),
        Code::RuncProcfsInLxc.code(),
    ],
    probes: &[],
    run,
};

fn run(ctx: &Context<'_>) -> Outcome {
    let outcome = judge(&gather(ctx.host, ctx.subject), &ctx.distro);
    // The tools beside the runtimes, for the engines section (typed facts only).
    super::tools::state(outcome, super::tools::gather(ctx.host, ctx.subject))
}

/// The codes of the notes, most serious first: the outcome carries the first
/// of them among the notes that stop a runtime, or else among all notes.
pub const BY_SERIOUSNESS: [Code; 9] = [
    Code::CrunRefusesHybrid,
    Code::RuncUnreadable,
    Code::RuncProcfsNoSetgroups,
    Code::RuncProcfsInLxc,
    Code::RuncMapsOneId,
    Code::YoukiMappingPanic,
    Code::RuncGroupReadable,
    // Stops runc on a v2 host (and then outranks every limit); elsewhere it
    // matters least.
    Code::RuncPredatesCgroupV2,
    Code::RuncPrerelease,
];

/// Where runtimes live when they are not on the subject's PATH.
pub const SYSTEM_DIRS: &str = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

/// The message crun prints on a hybrid host with v2 controllers.
pub const CRUN_HYBRID_ERROR: &str =
    "cgroups in hybrid mode not supported, drop all controllers from cgroupv2";

/// An OCI runtime the doctor knows.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    Runc,
    Crun,
    Youki,
}

impl Kind {
    /// Every known runtime, in report order.
    pub const ALL: [Kind; 3] = [Kind::Runc, Kind::Crun, Kind::Youki];

    /// The program name.
    pub fn name(self) -> &'static str {
        match self {
            Kind::Runc => "runc",
            Kind::Crun => "crun",
            Kind::Youki => "youki",
        }
    }
}

/// Owner and mode of the binary (following symlinks).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BinaryMeta {
    pub uid: u32,
    pub gid: u32,
    /// `mode & 0o7777`.
    pub mode: u32,
}

/// How the version was (or was not) learnt.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum VersionSource {
    /// The binary's dpkg package, the file unchanged since it was installed.
    Packaged(Packaged),
    /// `--version` was not run, and why.
    NotRun(String),
    /// `--version` was run.
    Ran(CommandRun),
}

/// One installed runtime.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Installed {
    pub kind: Kind,
    /// Where it was found.
    pub path: PathBuf,
    /// Found on the subject's PATH (rather than only in a system directory).
    pub on_path: bool,
    pub meta: Option<BinaryMeta>,
    pub version: VersionSource,
}

/// Everything the judge needs.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Facts {
    pub subject_name: String,
    pub subject_uid: u32,
    pub subject_gid: u32,
    pub subject_is_root: bool,
    pub installed: Vec<Installed>,
    pub hierarchy: Hierarchy,
    /// What runc's hardened /proc access depends on.
    pub procfs: ProcfsFacts,
}

/// Reads the facts. A version comes from the binary's dpkg package when the
/// file is unchanged since dpkg installed it ([`packages::unchanged`]); only
/// a binary without one is asked with `--version`, on the real host, all of
/// them side by side.
pub fn gather(host: &HostFs, subject: &Subject) -> Facts {
    let mut installed: Vec<Installed> = Vec::new();
    let mut to_ask: Vec<usize> = Vec::new();
    for kind in Kind::ALL {
        if let Some((item, ask)) = find(host, subject, kind) {
            if ask {
                to_ask.push(installed.len());
            }
            installed.push(item);
        }
    }
    ask_versions(&mut installed, &to_ask, subject);
    Facts {
        subject_name: subject.name.clone(),
        subject_uid: subject.uid,
        subject_gid: subject.gid,
        subject_is_root: subject.is_root(),
        installed,
        hierarchy: cgroupfs::gather(host),
        procfs: ProcfsFacts::gather(host),
    }
}

/// Runs `--version` of `installed[i]` for each `i` in `which`: each is a
/// process start (a Go runtime for runc), so they run side by side; one that
/// gets no thread (a sandbox refusing `clone3`, a process limit) runs here,
/// in turn.
fn ask_versions(installed: &mut [Installed], which: &[usize], subject: &Subject) {
    let ask = |path: &std::path::Path| {
        VersionSource::Ran(version::run_capped(
            path,
            &["--version"],
            &subject.path,
            Creds::for_subject(subject),
            version::VERSION_TIMEOUT,
        ))
    };
    let answers: Vec<(usize, VersionSource)> = std::thread::scope(|scope| {
        let asks: Vec<(usize, Ask<'_>)> = which
            .iter()
            .map(|&i| {
                let path = installed[i].path.clone();
                let ask = &ask;
                let ran = match std::thread::Builder::new().spawn_scoped(scope, move || ask(&path))
                {
                    Ok(handle) => Ask::Thread(handle),
                    Err(_) => Ask::Done(ask(&installed[i].path)),
                };
                (i, ran)
            })
            .collect();
        asks.into_iter()
            .map(|(i, ran)| {
                let source = match ran {
                    Ask::Thread(handle) => handle.join().unwrap_or_else(|_| {
                        VersionSource::NotRun("not run: its lookup failed".into())
                    }),
                    Ask::Done(source) => source,
                };
                (i, source)
            })
            .collect()
    });
    for (i, source) in answers {
        installed[i].version = source;
    }
}

/// One `--version`: on a thread of its own, or done already.
enum Ask<'scope> {
    Thread(std::thread::ScopedJoinHandle<'scope, VersionSource>),
    Done(VersionSource),
}

/// The runtime `kind` where the subject's engines would find it, and whether
/// its version must still be asked of the binary.
fn find(host: &HostFs, subject: &Subject, kind: Kind) -> Option<(Installed, bool)> {
    let (path, on_path) = match host.look_path(kind.name(), &subject.path) {
        Some(path) => (path, true),
        None => (host.look_path(kind.name(), SYSTEM_DIRS)?, false),
    };
    let meta = host.metadata(&path).ok().map(|m| BinaryMeta {
        uid: m.uid(),
        gid: m.gid(),
        mode: m.mode() & 0o7777,
    });
    let refused = meta.as_ref().and_then(|m| refuse_to_run(m, subject));
    // The package's word is taken only for a binary the doctor would run.
    let packaged = refused
        .is_none()
        .then(|| packages::unchanged(host, &path))
        .flatten();
    let (version, ask) = match (packaged, refused) {
        (Some(packaged), _) => (VersionSource::Packaged(packaged), false),
        (None, _) if !host.is_real() => (
            VersionSource::NotRun("not run on a fixture host".into()),
            false,
        ),
        (None, Some(reason)) => (VersionSource::NotRun(reason), false),
        (None, None) => (VersionSource::NotRun("not run yet".into()), true),
    };
    let item = Installed {
        kind,
        path,
        on_path,
        meta,
        version,
    };
    Some((item, ask))
}

/// Why the doctor will not execute this binary (it may run as root).
fn refuse_to_run(meta: &BinaryMeta, subject: &Subject) -> Option<String> {
    if meta.mode & 0o022 != 0 {
        return Some(format!(
            "not run: writable by group or others (mode {:04o})",
            meta.mode
        ));
    }
    let trusted_owner =
        meta.uid == 0 || (subject.is_invoker && !subject.is_root() && meta.uid == subject.uid);
    (!trusted_owner).then(|| format!("not run: owned by uid {}", meta.uid))
}

/// What the judge makes of one runtime.
struct Assessment {
    label: String,
    /// Reasons it cannot run, or limits it has.
    notes: Vec<Note>,
    evidence: Vec<Evidence>,
    fixes: Vec<Remediation>,
}

impl Assessment {
    /// No note stops it.
    fn can_run(&self) -> bool {
        !self.notes.iter().any(|n| n.stops)
    }

    /// A reason it cannot run here.
    fn cannot_run(&mut self, code: Code, text: String) {
        self.notes.push(Note {
            code,
            text,
            stops: true,
        });
    }

    /// A limit it has here.
    fn limit(&mut self, code: Code, text: String) {
        self.notes.push(Note {
            code,
            text,
            stops: false,
        });
    }
}

/// One reason a runtime cannot run, or one limit it has.
struct Note {
    code: Code,
    /// A clause of the message.
    text: String,
    /// The runtime cannot run here because of it.
    stops: bool,
}

/// The code of the most serious note: a stopping one first, then by
/// [`BY_SERIOUSNESS`].
fn most_serious<'a>(notes: impl IntoIterator<Item = &'a Note>) -> Option<Code> {
    notes
        .into_iter()
        .min_by_key(|n| {
            let rank = BY_SERIOUSNESS
                .iter()
                .position(|c| *c == n.code)
                .unwrap_or(BY_SERIOUSNESS.len());
            (!n.stops, rank)
        })
        .map(|n| n.code)
}

/// The version of the binary's package, or the one `--version` printed
/// when it ran and succeeded.
fn version_of(item: &Installed) -> Option<Version> {
    match &item.version {
        VersionSource::Packaged(packaged) => Version::from_upstream(packaged.upstream()),
        VersionSource::Ran(run) if run.exit_code == Some(0) => Version::from_output(&run.stdout),
        _ => None,
    }
}

fn assess(item: &Installed, facts: &Facts, distro: &Distro) -> Assessment {
    let name = item.kind.name();
    let shown = item.path.display().to_string();
    let parsed = version_of(item);
    let label = match &parsed {
        Some(v) => format!("{name} {}", v.raw),
        None => format!("{name} (version unknown)"),
    };
    let mut a = Assessment {
        label,
        notes: Vec::new(),
        evidence: Vec::new(),
        fixes: Vec::new(),
    };
    let location = if item.on_path {
        shown.clone()
    } else {
        format!("{shown} (not on {}'s PATH)", facts.subject_name)
    };
    let version_text = match (&parsed, &item.version) {
        (Some(v), VersionSource::Packaged(packaged)) => {
            format!("{} ({})", v.raw, packaged.describe())
        }
        (Some(v), _) => v.raw.clone(),
        (None, VersionSource::Packaged(packaged)) => {
            format!("unknown, {} is not a version", packaged.describe())
        }
        (None, VersionSource::NotRun(reason)) => format!("unknown, {reason}"),
        (None, VersionSource::Ran(run)) => match &run.failure {
            Some(failure) => format!("unknown, --version {failure}"),
            None => "unknown, --version printed no version".to_string(),
        },
    };
    a.evidence.push(Evidence::fact(
        name,
        format!("{location}, version {version_text}"),
    ));
    if let VersionSource::Ran(run) = &item.version {
        if run.exit_code != Some(0) || parsed.is_none() {
            a.evidence.push(Evidence::Command {
                argv: run.argv.clone(),
                exit_code: run.exit_code,
                stderr: run.stderr.chars().take(2000).collect(),
            });
        }
    }

    match item.kind {
        Kind::Runc => assess_runc(&mut a, item, parsed.as_ref(), facts, distro),
        Kind::Crun => assess_crun(&mut a, facts, distro),
        Kind::Youki => assess_youki(&mut a, parsed.as_ref(), distro),
    }
    a
}

fn assess_runc(
    a: &mut Assessment,
    item: &Installed,
    version: Option<&Version>,
    facts: &Facts,
    distro: &Distro,
) {
    let shown = item.path.display().to_string();
    // runc re-executes a copy of itself (CVE-2019-5736 fix, 1.0.0-rc6 and later).
    let clones_itself = version.is_none_or(|v| !v.is_before_rc(6));
    if let (Some(meta), true, false) = (&item.meta, clones_itself, facts.subject_is_root) {
        match readable(meta, facts) {
            Readable::Yes => {}
            Readable::No => {
                a.cannot_run(
                    Code::RuncUnreadable,
                    format!(
                        "{shown} is not readable by {} (mode {:04o}): runc must read its own \
                         binary to start a container",
                        facts.subject_name, meta.mode
                    ),
                );
                a.fixes.push(Remediation::root(
                    format!("let every user read {shown}"),
                    vec![format!("chmod 0755 {}", quote(&shown))],
                ));
            }
            Readable::GroupOnly => {
                a.limit(
                    Code::RuncGroupReadable,
                    format!(
                        "{shown} is readable only by group {} (mode {:04o}): runc starts for {} \
                         only if they are in that group",
                        meta.gid, meta.mode, facts.subject_name
                    ),
                );
                a.fixes.push(Remediation::root(
                    format!("let every user read {shown}"),
                    vec![format!("chmod 0755 {}", quote(&shown))],
                ));
            }
        }
    }
    let Some(v) = version else { return };
    assess_procfs(a, v, facts, distro);
    if !v.is_before(1, 0, 0) {
        return;
    }
    let upgrade = Remediation::root(
        "upgrade runc to a 1.x release",
        vec![distro.install(&[distro.package(Component::Runc)])],
    );
    if v.is_before_rc(91) && facts.hierarchy == Hierarchy::Unified {
        a.cannot_run(
            Code::RuncPredatesCgroupV2,
            format!(
                "runc {} predates cgroup v2 support (1.0.0-rc91) and this host is cgroup v2",
                v.raw
            ),
        );
    } else if v.is_before_rc(91) {
        a.limit(
            Code::RuncPredatesCgroupV2,
            format!("runc {} predates cgroup v2 support (1.0.0-rc91)", v.raw),
        );
    }
    if v.is_before_rc(5) {
        a.limit(
            Code::RuncMapsOneId,
            format!(
                "runc {} maps only one id in rootless containers (multiple mappings need \
                 1.0.0-rc5)",
                v.raw
            ),
        );
    }
    if !v.is_before_rc(91) {
        a.limit(
            Code::RuncPrerelease,
            format!(
                "runc {} is a pre-release of 1.0.0; rootless fixes landed since",
                v.raw
            ),
        );
    }
    a.fixes.push(upgrade);
}

/// runc's hardened /proc access against what this host shows
/// ([`procfs`]).
fn assess_procfs(a: &mut Assessment, v: &Version, facts: &Facts, distro: &Distro) {
    if !procfs::hardened(v) {
        return;
    }
    let crun = Remediation::root(
        "use crun instead of runc (podman: runtime = \"crun\" in containers.conf; Docker: \
         \"default-runtime\" in daemon.json), or a runc that predates or fixes this",
        vec![distro.install(&[distro.package(Component::Crun)])],
    )
    .alternative();
    if facts.procfs.setgroups == Some(false) && procfs::setgroups_fatal(v) {
        a.cannot_run(
            Code::RuncProcfsNoSetgroups,
            format!(
                "runc {} opens /proc/self/setgroups through its hardened procfs, and this \
                 kernel has none: every container fails (\"unable to setup user: unsafe procfs \
                 detected: ... proc/self/setgroups: no such file or directory\"; fixed in \
                 1.4.1)",
                v.raw
            ),
        );
        a.fixes.push(Remediation::root(
            "upgrade runc to 1.4.1 or later (or use crun)",
            vec![distro.install(&[distro.package(Component::Runc)])],
        ));
        a.fixes.push(crun);
        a.evidence.extend(facts.procfs.evidence());
    } else if let Some(lxc) = &facts.procfs.lxc {
        a.limit(
            Code::RuncProcfsInLxc,
            format!(
                "runc {} reaches /proc through a private procfs, which the AppArmor profile of \
                 an LXC/Incus container may refuse ({lxc}): \"unsafe procfs detected\" or \
                 \"reopen fd N: permission denied\" at container init until the host's \
                 LXC/Incus is updated",
                v.raw
            ),
        );
        a.fixes.push(Remediation::root(
            "on the LXC/Incus host: update LXC/Incus (or Proxmox's pve-lxc) to a release whose \
             AppArmor rules for nested containers allow runc's private procfs",
            vec![],
        ));
        a.fixes.push(crun);
        a.evidence.extend(facts.procfs.evidence());
    }
}

fn assess_crun(a: &mut Assessment, facts: &Facts, distro: &Distro) {
    if !facts.hierarchy.hybrid_with_v2_controllers() {
        return;
    }
    let controllers = facts
        .hierarchy
        .unified_controllers_text()
        .unwrap_or_default();
    a.cannot_run(
        Code::CrunRefusesHybrid,
        format!(
            "crun refuses this hybrid cgroup host, whose v2 hierarchy has controllers \
             ({controllers}): \"{CRUN_HYBRID_ERROR}\""
        ),
    );
    a.evidence.push(Evidence::file(
        format!("{HYBRID_UNIFIED}/cgroup.controllers"),
        controllers,
    ));
    a.fixes.push(unified_hierarchy_fix(distro));
}

fn assess_youki(a: &mut Assessment, version: Option<&Version>, distro: &Distro) {
    let Some(v) = version else { return };
    if v.is_before(0, 7, 0) {
        a.limit(
            Code::YoukiMappingPanic,
            format!(
                "youki {} panics when a config maps one uid range and several gid ranges \
                 (fixed in 0.7.0)",
                v.raw
            ),
        );
        a.fixes.push(Remediation::root(
            "upgrade youki to 0.7.0 or later (or use runc or crun)",
            vec![distro.install(&[distro.package(Component::Runc)])],
        ));
    }
}

enum Readable {
    Yes,
    No,
    /// Readable through a group that is not the subject's primary group.
    GroupOnly,
}

fn readable(meta: &BinaryMeta, facts: &Facts) -> Readable {
    let bits = if meta.uid == facts.subject_uid {
        meta.mode & 0o400
    } else if meta.gid == facts.subject_gid {
        meta.mode & 0o040
    } else {
        meta.mode & 0o004
    };
    if bits != 0 {
        Readable::Yes
    } else if meta.uid != facts.subject_uid && meta.mode & 0o040 != 0 {
        Readable::GroupOnly
    } else {
        Readable::No
    }
}

/// Decides the outcome.
pub fn judge(facts: &Facts, distro: &Distro) -> Outcome {
    let hierarchy = Evidence::fact("cgroup hierarchy", facts.hierarchy.name());
    if facts.installed.is_empty() {
        let crun_ok = !facts.hierarchy.hybrid_with_v2_controllers();
        let runc = distro.package(Component::Runc);
        let summary = if crun_ok {
            "install runc (or crun)".to_string()
        } else {
            "install runc (crun cannot run on this hybrid cgroup host)".to_string()
        };
        return Outcome::warn(
            Code::NoneInstalled,
            format!(
                "no OCI runtime (runc, crun, youki) found on {}'s PATH or in the system \
                 directories",
                facts.subject_name
            ),
        )
        .with(Evidence::setting("searched", SYSTEM_DIRS))
        .with(hierarchy)
        .fix(Remediation::root(summary, vec![distro.install(&[runc])]));
    }

    let assessed: Vec<Assessment> = facts
        .installed
        .iter()
        .map(|item| assess(item, facts, distro))
        .collect();
    let runnable: Vec<&Assessment> = assessed.iter().filter(|a| a.can_run()).collect();
    let notes: Vec<&Note> = assessed.iter().flat_map(|a| &a.notes).collect();
    let texts: Vec<&str> = notes.iter().map(|n| n.text.as_str()).collect();
    let noted: Vec<Code> = notes.iter().map(|n| n.code).collect();
    let chosen = most_serious(notes);
    // The other notes' codes, once each, in the order the message names them.
    let mut also: Vec<Code> = Vec::new();
    for code in noted {
        if Some(code) != chosen && !also.contains(&code) {
            also.push(code);
        }
    }
    // A runtime that cannot run has a note saying why, so no notes means all can.
    let mut outcome = match chosen {
        Some(code) if runnable.is_empty() => {
            let mut out = Outcome::fail(
                code,
                format!("no installed runtime can run here: {}", texts.join("; ")),
            );
            let has_runc = facts.installed.iter().any(|i| i.kind == Kind::Runc);
            if !has_runc && facts.hierarchy != Hierarchy::Unified {
                out = out.fix(Remediation::root(
                    "install runc, which runs on this cgroup layout",
                    vec![distro.install(&[distro.package(Component::Runc)])],
                ));
            }
            out
        }
        Some(code) => {
            let works: Vec<&str> = runnable.iter().map(|a| a.label.as_str()).collect();
            Outcome::warn(
                code,
                format!("{} can run here; {}", works.join(", "), texts.join("; ")),
            )
        }
        None => {
            let labels: Vec<String> = assessed
                .iter()
                .zip(&facts.installed)
                .map(|(a, i)| format!("{} ({})", a.label, i.path.display()))
                .collect();
            Outcome::pass(format!("installed: {}", labels.join(", ")))
        }
    };
    outcome = not_started(outcome.also(also), facts);
    for (a, item) in assessed.iter().zip(&facts.installed) {
        outcome = outcome.stating(Fact::OciRuntime(OciRuntime {
            name: item.kind.name(),
            path: item.path.clone(),
            version: version_of(item).map(|v| (v.major, v.minor, v.patch)),
            runs_here: a.can_run(),
        }));
    }
    for a in assessed {
        outcome = outcome.with_all(a.evidence);
        for fix in a.fixes {
            if !outcome.remediation.contains(&fix) {
                outcome = outcome.fix(fix);
            }
        }
    }
    outcome.with(hierarchy)
}

/// When some `--version` could not be started because no process could be
/// created, the verdict lacks what those versions would have told: an error
/// (`version-not-started`) that names the errno, then what is known; a fail
/// stays a fail and names it after its own problems.
fn not_started(outcome: Outcome, facts: &Facts) -> Outcome {
    let mut commands = Vec::new();
    let mut errnos: Vec<&str> = Vec::new();
    for item in &facts.installed {
        if let VersionSource::Ran(CommandRun {
            not_created: Some(errno),
            ..
        }) = &item.version
        {
            commands.push(format!("{} --version", item.path.display()));
            if !errnos.contains(&errno.as_str()) {
                errnos.push(errno);
            }
        }
    }
    if commands.is_empty() {
        return outcome;
    }
    let whose = if commands.len() == 1 {
        "its version"
    } else {
        "their versions"
    };
    let clause = format!(
        "cannot start {}: {}; the rootless limits of {whose} are unknown",
        commands.join(", "),
        errnos.join(", ")
    );
    if outcome.status == Status::Fail {
        let message = format!("{}; {clause}", outcome.message);
        return Outcome { message, ..outcome }.also([Code::VersionNotStarted]);
    }
    let mut error = Outcome::error(
        Code::VersionNotStarted,
        format!("{clause}; {}", outcome.message),
    );
    error.also = outcome.code.into_iter().chain(outcome.also).collect();
    Outcome {
        evidence: outcome.evidence,
        remediation: outcome.remediation,
        ..error
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Status;
    use crate::os_release::OsRelease;
    use crate::runtime::version::samples::*;
    use crate::testing::debian;

    fn ran(argv0: &str, stdout: &str) -> VersionSource {
        VersionSource::Ran(CommandRun {
            argv: vec![argv0.into(), "--version".into()],
            exit_code: Some(0),
            stdout: stdout.into(),
            stderr: String::new(),
            failure: None,
            not_created: None,
        })
    }

    fn installed(kind: Kind, path: &str, version: VersionSource) -> Installed {
        Installed {
            kind,
            path: PathBuf::from(path),
            on_path: true,
            meta: Some(BinaryMeta {
                uid: 0,
                gid: 0,
                mode: 0o755,
            }),
            version,
        }
    }

    fn runc_115() -> Installed {
        installed(
            Kind::Runc,
            "/usr/sbin/runc",
            ran("/usr/sbin/runc", RUNC_1_1_5),
        )
    }

    fn crun_181() -> Installed {
        installed(
            Kind::Crun,
            "/usr/bin/crun",
            ran("/usr/bin/crun", CRUN_1_8_1),
        )
    }

    fn hybrid(controllers: &str) -> Hierarchy {
        Hierarchy::Hybrid {
            unified_controllers: Some(cgroupfs::split_controllers(controllers)),
        }
    }

    fn facts(installed: Vec<Installed>, hierarchy: Hierarchy) -> Facts {
        Facts {
            subject_name: "alice".into(),
            subject_uid: 1000,
            subject_gid: 1000,
            subject_is_root: false,
            installed,
            hierarchy,
            procfs: ProcfsFacts {
                setgroups: Some(true),
                lxc: None,
            },
        }
    }

    fn runc(version: &str) -> Installed {
        installed(
            Kind::Runc,
            "/usr/sbin/runc",
            ran(
                "/usr/sbin/runc",
                &format!("runc version {version}\ncommit: v{version}\nspec: 1.2.1\n"),
            ),
        )
    }

    #[test]
    fn hardened_runc_without_setgroups_cannot_run_and_older_or_fixed_ones_can() {
        let mut f = facts(vec![runc("1.3.3")], Hierarchy::Unified);
        f.procfs.setgroups = Some(false);
        let out = judge(&f, &debian());
        assert_eq!(out.status, Status::Fail);
        assert!(out.is(Code::RuncProcfsNoSetgroups));
        assert!(out
            .message
            .contains("unable to setup user: unsafe procfs detected"));
        assert!(!out.oci_runtimes().next().unwrap().runs_here);
        assert!(out
            .evidence
            .iter()
            .any(|e| matches!(e, Evidence::Fact { name, .. } if name == "/proc/self/setgroups")));
        // With crun beside it: a warning, runc alone cannot run.
        let mut with_crun = facts(vec![runc("1.4.0-rc.3"), crun_181()], Hierarchy::Unified);
        with_crun.procfs.setgroups = Some(false);
        let out = judge(&with_crun, &debian());
        assert_eq!(out.status, Status::Warn);
        assert!(out.is(Code::RuncProcfsNoSetgroups));
        let runs: Vec<bool> = out.oci_runtimes().map(|r| r.runs_here).collect();
        assert_eq!(runs, [false, true]);
        // Before the hardening, or fixed (1.4.1), or setgroups present: nothing.
        for (version, setgroups) in [
            ("1.1.5", Some(false)),
            ("1.3.2", Some(false)),
            ("1.4.0-rc.2", Some(false)),
            ("1.4.1", Some(false)),
            ("1.3.3", Some(true)),
            ("1.3.3", None),
        ] {
            let mut f = facts(vec![runc(version)], Hierarchy::Unified);
            f.procfs.setgroups = setgroups;
            let out = judge(&f, &debian());
            assert_eq!(
                out.status,
                Status::Pass,
                "{version} {setgroups:?}: {}",
                out.message
            );
        }
    }

    #[test]
    fn hardened_runc_in_an_lxc_container_warns() {
        let mut f = facts(vec![runc("1.2.8")], Hierarchy::Unified);
        f.procfs.lxc = Some("AppArmor label lxc-container-default-cgns (enforce)".into());
        let out = judge(&f, &debian());
        assert_eq!(out.status, Status::Warn);
        assert!(out.is(Code::RuncProcfsInLxc));
        assert!(out.message.contains("lxc-container-default-cgns"));
        assert!(out.oci_runtimes().next().unwrap().runs_here);
        assert!(out
            .remediation
            .iter()
            .any(|r| r.summary.contains("LXC/Incus")));
        // runc 1.1.5 inside the same container: no note.
        f.installed = vec![runc_115()];
        assert_eq!(judge(&f, &debian()).status, Status::Pass);
        // Missing setgroups outranks the container: it stops runc.
        let mut both = facts(vec![runc("1.3.4")], Hierarchy::Unified);
        both.procfs.lxc = Some("x".into());
        both.procfs.setgroups = Some(false);
        assert!(judge(&both, &debian()).is(Code::RuncProcfsNoSetgroups));
    }

    #[test]
    fn runc_and_crun_on_v2_pass() {
        let out = judge(
            &facts(vec![runc_115(), crun_181()], Hierarchy::Unified),
            &debian(),
        );
        assert_eq!(out.status, Status::Pass);
        assert_eq!(out.code, None);
        assert_eq!(
            out.message,
            "installed: runc 1.1.5+ds1 (/usr/sbin/runc), crun 1.8.1 (/usr/bin/crun)"
        );
        assert!(out
            .evidence
            .contains(&Evidence::fact("runc", "/usr/sbin/runc, version 1.1.5+ds1")));
    }

    #[test]
    fn the_ci_machine_crun_cannot_run_runc_can() {
        let out = judge(
            &facts(vec![runc_115(), crun_181()], hybrid("hugetlb\n")),
            &debian(),
        );
        assert_eq!(out.status, Status::Warn);
        assert!(out.is(Code::CrunRefusesHybrid));
        assert!(
            out.message
                .starts_with("runc 1.1.5+ds1 can run here; crun refuses"),
            "{}",
            out.message
        );
        assert!(out.message.contains(CRUN_HYBRID_ERROR));
        assert!(out.evidence.contains(&Evidence::file(
            "/sys/fs/cgroup/unified/cgroup.controllers",
            "hugetlb"
        )));
        assert_eq!(out.remediation[0].commands.last().unwrap(), "update-grub");
    }

    #[test]
    fn crun_alone_on_that_host_fails() {
        let out = judge(&facts(vec![crun_181()], hybrid("hugetlb")), &debian());
        assert_eq!(out.status, Status::Fail);
        assert!(out.is(Code::CrunRefusesHybrid));
        assert!(out
            .message
            .starts_with("no installed runtime can run here: crun refuses"));
        assert_eq!(out.remediation[0].commands, vec!["apt-get install -y runc"]);
        // An empty v2 side is fine for crun.
        let out = judge(&facts(vec![crun_181()], hybrid("")), &debian());
        assert_eq!(out.status, Status::Pass);
        let out = judge(&facts(vec![crun_181()], Hierarchy::Legacy), &debian());
        assert_eq!(out.status, Status::Pass);
    }

    #[test]
    fn nothing_installed_warns() {
        let out = judge(&facts(Vec::new(), Hierarchy::Unified), &debian());
        assert_eq!(out.status, Status::Warn);
        assert!(out.is(Code::NoneInstalled));
        assert_eq!(out.remediation[0].commands, vec!["apt-get install -y runc"]);
        assert_eq!(out.remediation[0].summary, "install runc (or crun)");
        let fedora = Distro::from_os_release(&OsRelease::parse("ID=fedora\n"));
        let out = judge(&facts(Vec::new(), hybrid("hugetlb")), &fedora);
        assert_eq!(out.remediation[0].commands, vec!["dnf install -y runc"]);
        assert!(out.remediation[0].summary.contains("crun cannot run"));
    }

    #[test]
    fn an_unreadable_runc_cannot_run() {
        let mut runc = runc_115();
        runc.meta = Some(BinaryMeta {
            uid: 0,
            gid: 0,
            mode: 0o711,
        });
        let out = judge(&facts(vec![runc], Hierarchy::Unified), &debian());
        assert_eq!(out.status, Status::Fail);
        assert!(out.is(Code::RuncUnreadable));
        assert!(out.message.contains("is not readable by alice (mode 0711)"));
        assert_eq!(
            out.remediation[0].commands,
            vec!["chmod 0755 /usr/sbin/runc"]
        );
        // Root reads anything.
        let mut runc = runc_115();
        runc.meta.as_mut().unwrap().mode = 0o711;
        let mut f = facts(vec![runc], Hierarchy::Unified);
        f.subject_is_root = true;
        assert_eq!(judge(&f, &debian()).status, Status::Pass);
        // Group-readable through another group: a warning.
        let mut runc = runc_115();
        runc.meta = Some(BinaryMeta {
            uid: 0,
            gid: 50,
            mode: 0o750,
        });
        let out = judge(&facts(vec![runc], Hierarchy::Unified), &debian());
        assert_eq!(out.status, Status::Warn);
        assert!(out.is(Code::RuncGroupReadable));
    }

    #[test]
    fn old_runc_limits() {
        let rc90 = installed(
            Kind::Runc,
            "/usr/bin/runc",
            ran("/usr/bin/runc", "runc version 1.0.0-rc90\ncommit: x\n"),
        );
        let out = judge(&facts(vec![rc90.clone()], Hierarchy::Unified), &debian());
        assert_eq!(out.status, Status::Fail);
        assert!(out.is(Code::RuncPredatesCgroupV2));
        assert!(out.message.contains("predates cgroup v2 support"));
        let out = judge(&facts(vec![rc90], Hierarchy::Legacy), &debian());
        assert_eq!(out.status, Status::Warn);
        assert!(out.is(Code::RuncPredatesCgroupV2));
        let ancient = installed(
            Kind::Runc,
            "/usr/bin/runc",
            ran("/usr/bin/runc", "runc version 0.1.1\nspec: 0.4.0\n"),
        );
        let out = judge(&facts(vec![ancient.clone()], Hierarchy::Legacy), &debian());
        assert_eq!(out.status, Status::Warn);
        // Mapping one id limits more than lacking cgroup v2 on a v1 host.
        assert!(out.is(Code::RuncMapsOneId));
        assert!(out.message.contains("maps only one id"));
        // On a v2 host it cannot run at all, which comes first.
        let out = judge(&facts(vec![ancient], Hierarchy::Unified), &debian());
        assert_eq!(out.status, Status::Fail);
        assert!(out.is(Code::RuncPredatesCgroupV2));
        let rc95 = installed(
            Kind::Runc,
            "/usr/bin/runc",
            ran("/usr/bin/runc", "runc version 1.0.0-rc95\n"),
        );
        let out = judge(&facts(vec![rc95], Hierarchy::Unified), &debian());
        assert_eq!(out.status, Status::Warn);
        assert!(out.is(Code::RuncPrerelease));
        assert!(out.message.contains("pre-release of 1.0.0"));
    }

    #[test]
    fn old_youki_warns() {
        let youki = installed(
            Kind::Youki,
            "/usr/bin/youki",
            ran("/usr/bin/youki", YOUKI_0_3_0),
        );
        let out = judge(&facts(vec![youki], Hierarchy::Unified), &debian());
        assert_eq!(out.status, Status::Warn);
        assert!(out.is(Code::YoukiMappingPanic));
        assert!(out
            .message
            .starts_with("youki 0.3.0 can run here; youki 0.3.0 panics"));
    }

    #[test]
    fn a_runtime_that_cannot_run_outranks_limits_of_one_that_can() {
        let rc95 = installed(
            Kind::Runc,
            "/usr/bin/runc",
            ran("/usr/bin/runc", "runc version 1.0.0-rc95\n"),
        );
        let youki = installed(
            Kind::Youki,
            "/usr/bin/youki",
            ran("/usr/bin/youki", YOUKI_0_3_0),
        );
        let out = judge(
            &facts(vec![rc95, crun_181(), youki], hybrid("hugetlb")),
            &debian(),
        );
        assert_eq!(out.status, Status::Warn);
        assert!(out.is(Code::CrunRefusesHybrid));
        assert!(
            out.message
                .starts_with("runc 1.0.0-rc95, youki 0.3.0 can run here; runc"),
            "{}",
            out.message
        );
    }

    #[test]
    fn every_note_code_is_ranked_and_declared() {
        for code in BY_SERIOUSNESS {
            assert!(OCI_RUNTIME.codes.contains(&code.code()), "{code:?}");
        }
        // Besides the notes: none-installed and version-not-started.
        assert_eq!(BY_SERIOUSNESS.len() + 2, OCI_RUNTIME.codes.len());
        let cases = [
            facts(Vec::new(), Hierarchy::Unified),
            facts(vec![runc_115(), crun_181()], Hierarchy::Unified),
            facts(vec![runc_115(), crun_181()], hybrid("hugetlb")),
            facts(vec![crun_181()], hybrid("hugetlb")),
        ];
        for f in cases {
            let out = judge(&f, &debian());
            assert!(
                crate::check::coded_as_declared(&OCI_RUNTIME, &out),
                "{out:?}"
            );
        }
    }

    #[test]
    fn unknown_versions_are_said_so() {
        let mut runc = runc_115();
        runc.version = VersionSource::NotRun("not run on a fixture host".into());
        runc.on_path = false;
        let out = judge(&facts(vec![runc], Hierarchy::Unified), &debian());
        assert_eq!(out.status, Status::Pass);
        assert_eq!(
            out.message,
            "installed: runc (version unknown) (/usr/sbin/runc)"
        );
        assert!(out.evidence.contains(&Evidence::fact(
            "runc",
            "/usr/sbin/runc (not on alice's PATH), version unknown, not run on a fixture host"
        )));
        let mut failing = runc_115();
        failing.version = VersionSource::Ran(CommandRun {
            argv: vec!["/usr/sbin/runc".into(), "--version".into()],
            exit_code: Some(126),
            stdout: String::new(),
            stderr: "exec format error".into(),
            failure: None,
            not_created: None,
        });
        let out = judge(&facts(vec![failing], Hierarchy::Unified), &debian());
        assert!(out.evidence.iter().any(|e| matches!(
            e,
            Evidence::Command {
                exit_code: Some(126),
                ..
            }
        )));
    }

    fn not_created(path: &str) -> VersionSource {
        VersionSource::Ran(CommandRun {
            argv: vec![path.into(), "--version".into()],
            exit_code: None,
            stdout: String::new(),
            stderr: String::new(),
            failure: Some("cannot start: EPERM (operation not permitted)".into()),
            not_created: Some("EPERM (operation not permitted)".into()),
        })
    }

    #[test]
    fn a_version_that_no_process_could_run_is_an_error() {
        let mut runc = runc_115();
        runc.version = not_created("/usr/sbin/runc");
        let out = judge(&facts(vec![runc.clone()], Hierarchy::Unified), &debian());
        assert_eq!(out.status, Status::Error);
        assert!(out.is(Code::VersionNotStarted));
        assert_eq!(
            out.message,
            "cannot start /usr/sbin/runc --version: EPERM (operation not permitted); the \
             rootless limits of its version are unknown; installed: runc (version unknown) \
             (/usr/sbin/runc)"
        );
        assert!(out.also.is_empty());
        assert!(out.evidence.contains(&Evidence::fact(
            "runc",
            "/usr/sbin/runc, version unknown, --version cannot start: EPERM (operation not \
             permitted)"
        )));
        // What is known without the versions is kept: crun's refusal, as a further code.
        let mut crun = crun_181();
        crun.version = not_created("/usr/bin/crun");
        let out = judge(
            &facts(vec![runc, crun.clone()], hybrid("hugetlb\n")),
            &debian(),
        );
        assert_eq!(out.status, Status::Error);
        assert!(out.is(Code::VersionNotStarted));
        assert_eq!(out.also, vec![Code::CrunRefusesHybrid.code()]);
        assert!(crate::check::coded_as_declared(&OCI_RUNTIME, &out));
        assert!(
            out.message.starts_with(
                "cannot start /usr/sbin/runc --version, /usr/bin/crun --version: EPERM \
                 (operation not permitted); the rootless limits of their versions are unknown; \
                 runc (version unknown) can run here; crun refuses"
            ),
            "{}",
            out.message
        );
        assert!(!out.remediation.is_empty());
        // A fail stays a fail and names the error after its own problems.
        let out = judge(&facts(vec![crun], hybrid("hugetlb\n")), &debian());
        assert_eq!(out.status, Status::Fail);
        assert!(out.is(Code::CrunRefusesHybrid));
        assert_eq!(out.also, vec![Code::VersionNotStarted.code()]);
        assert!(crate::check::coded_as_declared(&OCI_RUNTIME, &out));
        assert!(
            out.message.ends_with(
                "; cannot start /usr/bin/crun --version: EPERM (operation not permitted); the \
                 rootless limits of its version are unknown"
            ),
            "{}",
            out.message
        );
        // A program that could not be executed is a fact about it, not an error.
        let mut missing = runc_115();
        missing.version = VersionSource::Ran(CommandRun {
            not_created: None,
            failure: Some("cannot start: ENOENT (no such file or directory)".into()),
            ..match not_created("/usr/sbin/runc") {
                VersionSource::Ran(run) => run,
                VersionSource::NotRun(_) | VersionSource::Packaged(_) => unreachable!(),
            }
        });
        let out = judge(&facts(vec![missing], Hierarchy::Unified), &debian());
        assert_eq!(out.status, Status::Pass);
    }

    #[test]
    fn only_trusted_binaries_are_run() {
        let subject = |is_invoker| Subject {
            name: "alice".into(),
            uid: 1000,
            gid: 1000,
            home: "/home/alice".into(),
            xdg_runtime_dir: None,
            path: "/usr/bin".into(),
            is_invoker,
        };
        let meta = |uid, mode| BinaryMeta { uid, gid: 0, mode };
        assert_eq!(refuse_to_run(&meta(0, 0o755), &subject(false)), None);
        assert!(refuse_to_run(&meta(0, 0o777), &subject(true)).is_some());
        assert!(refuse_to_run(&meta(1000, 0o755), &subject(false)).is_some());
        assert_eq!(refuse_to_run(&meta(1000, 0o755), &subject(true)), None);
        assert!(refuse_to_run(&meta(1001, 0o755), &subject(true)).is_some());
    }

    mod fixture {
        use super::*;
        use std::fs;
        use std::os::unix::fs::PermissionsExt;

        fn put(root: &std::path::Path, path: &str, text: &str, mode: u32) {
            let full = root.join(path.trim_start_matches('/'));
            fs::create_dir_all(full.parent().unwrap()).unwrap();
            fs::write(&full, text).unwrap();
            fs::set_permissions(&full, fs::Permissions::from_mode(mode)).unwrap();
        }

        #[test]
        fn finds_runtimes_off_path_and_reads_the_layout() {
            let tmp = tempfile::tempdir().unwrap();
            put(tmp.path(), "/usr/sbin/runc", "", 0o755);
            put(tmp.path(), "/usr/bin/crun", "", 0o755);
            put(
                tmp.path(),
                "/proc/self/mountinfo",
                "31 23 0:28 / /sys/fs/cgroup rw - tmpfs tmpfs rw\n\
                 35 31 0:32 / /sys/fs/cgroup/memory rw - cgroup cgroup rw,memory\n\
                 41 31 0:38 / /sys/fs/cgroup/unified rw - cgroup2 cgroup2 rw\n",
                0o644,
            );
            put(
                tmp.path(),
                "/sys/fs/cgroup/unified/cgroup.controllers",
                "hugetlb\n",
                0o644,
            );
            let host = HostFs::rooted(tmp.path());
            let subject = Subject::other(crate::accounts::Account {
                name: "alice".into(),
                uid: 1000,
                gid: 1000,
                home: "/home/alice".into(),
            });
            let f = gather(&host, &subject);
            assert_eq!(f.installed.len(), 2);
            assert_eq!(f.installed[0].path, PathBuf::from("/usr/sbin/runc"));
            assert!(!f.installed[0].on_path);
            assert!(f.installed[1].on_path);
            assert!(matches!(f.installed[0].version, VersionSource::NotRun(_)));
            let out = judge(&f, &debian());
            assert_eq!(out.status, Status::Warn);
            assert!(out.is(Code::CrunRefusesHybrid));
            assert!(out
                .message
                .starts_with("runc (version unknown) can run here; crun refuses"));
        }

        #[test]
        fn an_unchanged_packaged_runtime_has_its_package_version_without_running() {
            let tmp = tempfile::tempdir().unwrap();
            put(tmp.path(), "/usr/sbin/runc", "", 0o755);
            put(tmp.path(), "/usr/bin/crun", "", 0o755);
            put(
                tmp.path(),
                "/var/lib/dpkg/status",
                "Package: runc\nStatus: install ok installed\nVersion: 1.0.0~rc92+dfsg1-5\n",
                0o644,
            );
            put(
                tmp.path(),
                "/var/lib/dpkg/info/runc.md5sums",
                "0123  usr/sbin/runc\n",
                0o644,
            );
            let host = HostFs::rooted(tmp.path());
            let subject = Subject::other(crate::accounts::Account {
                name: "alice".into(),
                uid: 1000,
                gid: 1000,
                home: "/home/alice".into(),
            });
            let f = gather(&host, &subject);
            assert!(matches!(f.installed[0].version, VersionSource::Packaged(_)));
            // crun has no package here: on a fixture host it is never run.
            assert!(matches!(f.installed[1].version, VersionSource::NotRun(_)));
            let out = judge(&f, &debian());
            assert!(out.is(Code::RuncPrerelease), "{out:?}");
            assert!(out
                .message
                .contains("runc 1.0.0~rc92+dfsg1 is a pre-release"));
            assert!(out.evidence.contains(&Evidence::fact(
                "runc",
                "/usr/sbin/runc (not on alice's PATH), version 1.0.0~rc92+dfsg1 (dpkg package \
                 runc 1.0.0~rc92+dfsg1-5, /usr/sbin/runc unchanged since installed)"
            )));
            // A binary others may write is neither run nor vouched for.
            put(tmp.path(), "/usr/sbin/runc", "", 0o757);
            let f = gather(&host, &subject);
            assert!(matches!(f.installed[0].version, VersionSource::NotRun(_)));
        }

        #[test]
        fn an_empty_host_has_no_runtime() {
            let tmp = tempfile::tempdir().unwrap();
            let host = HostFs::rooted(tmp.path());
            let subject = Subject::other(crate::accounts::Account {
                name: "alice".into(),
                uid: 1000,
                gid: 1000,
                home: "/home/alice".into(),
            });
            let f = gather(&host, &subject);
            assert!(f.installed.is_empty());
            assert_eq!(f.hierarchy, Hierarchy::Unmounted);
            let out = judge(&f, &debian());
            assert_eq!(out.status, Status::Warn);
            assert!(out.is(Code::NoneInstalled));
        }
    }
}
