//! `limits.nofile`: the subject's open-file and process limits against what
//! the engines give containers.
//!
//! Podman raises its soft RLIMIT_NOFILE to the hard limit at start
//! (cmd/podman/early_init_linux.go) and, rootless, gives each container
//! `min(1048576, hard)` open files and the caller's own RLIMIT_NPROC
//! (pkg/specgen/generate/oci.go `addRlimits`); rootful Docker's unit gives
//! 1048576 files (contrib/init/systemd/docker.service) and rootless Docker's
//! containers inherit the limits dockerd-rootless.sh was started with. A
//! `--ulimit` above the hard limit is refused by the runtime. [`gather`]
//! reads the subject's limits (the doctor's own /proc/self/limits when the
//! subject runs it, else what a login of theirs would get: [`super::login`]);
//! [`judge`] is pure.
//!
//! Decisions: docs/checks/limits.md, section `limits.nofile`.

use super::login::{self, Item};
use super::Code;
use crate::accounts;
use crate::check::{CheckDef, Context, Outcome};
use crate::host::HostFs;
use crate::model::{Evidence, Remediation};
use crate::pam_limits::{self, show, Pair, User};
use crate::shell::quote;
use crate::subject::Subject;
use crate::systemd;

/// What podman asks for containers (libpod/define/config.go
/// `RLimitDefaultValue`) and rootful Docker's unit sets.
pub const ENGINE_NOFILE: u64 = 1_048_576;
/// Below this hard RLIMIT_NOFILE the check warns.
pub const NOFILE_LOW: u64 = 65_536;
/// Below this soft RLIMIT_NPROC the check warns.
pub const NPROC_LOW: u64 = 4_096;
/// The soft RLIMIT_NPROC the fix sets.
pub const NPROC_FIX: u64 = 65_536;

pub static NOFILE: CheckDef = CheckDef {
    id: "limits.nofile",
    title: "open-file and process limits",
    description: "The subject's hard RLIMIT_NOFILE is at least 65536 and its soft RLIMIT_NPROC \
                  at least 4096: podman gives rootless containers min(1048576, hard) open \
                  files and the caller's process limit, and refuses a --ulimit above the hard \
                  limit. Read from the doctor's own limits when the subject runs it, else from \
                  what a login would get (limits.conf, systemd's defaults).",
    codes: &[
        Code::NofileLow.code(),
        Code::NprocLow.code(),
        Code::Unreadable.code(),
    ],
    probes: &[],
    run,
};

fn run(ctx: &Context<'_>) -> Outcome {
    judge(&gather(ctx.host, ctx.subject))
}

/// Everything the judge needs.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Facts {
    pub name: String,
    pub uid: u32,
    pub is_root: bool,
    pub systemd: bool,
    /// The limits are the doctor's own (the subject runs it), not an estimate.
    pub own: bool,
    pub nofile: Option<Pair>,
    pub nproc: Option<Pair>,
    /// How the values were found.
    pub sources: Vec<Evidence>,
    /// /proc/sys/fs/nr_open: the most any nofile limit can be.
    pub nr_open: Option<u64>,
    /// Why the limits could not be read.
    pub unreadable: Option<String>,
}

/// Reads the facts through the host seam.
pub fn gather(host: &HostFs, subject: &Subject) -> Facts {
    let systemd = systemd::booted(host);
    let nr_open = host
        .read_value("/proc/sys/fs/nr_open")
        .ok()
        .flatten()
        .and_then(|v| v.parse().ok());
    let mut facts = Facts {
        name: subject.name.clone(),
        uid: subject.uid,
        is_root: subject.is_root(),
        systemd,
        own: subject.is_invoker,
        nofile: None,
        nproc: None,
        sources: Vec::new(),
        nr_open,
        unreadable: None,
    };
    if subject.is_invoker {
        match host.read_text("/proc/self/limits") {
            Ok(text) => {
                facts.nofile =
                    pam_limits::find(&text, pam_limits::RESOURCES[pam_limits::NOFILE].label);
                facts.nproc =
                    pam_limits::find(&text, pam_limits::RESOURCES[pam_limits::NPROC].label);
                if facts.nofile.is_none() {
                    facts.unreadable =
                        Some("/proc/self/limits has no \"Max open files\" line".into());
                }
                facts.sources.push(Evidence::fact(
                    "source",
                    "/proc/self/limits: the doctor's own, inherited from this login",
                ));
            }
            Err(e) => facts.unreadable = Some(e.to_string()),
        }
        return facts;
    }
    let groups = accounts::local_groups(host);
    let user = User {
        name: &subject.name,
        uid: subject.uid,
        gid: subject.gid,
        groups: &groups,
    };
    facts.sources.push(Evidence::fact(
        "source",
        format!(
            "what a login of {} would get (pam_limits over the inherited limits)",
            subject.name
        ),
    ));
    for item in [Item::Nofile, Item::Nproc] {
        let Some(estimate) = login::estimate(host, &user, item, systemd, nr_open) else {
            continue;
        };
        facts.sources.extend(estimate.evidence);
        match item {
            Item::Nofile => facts.nofile = Some(estimate.pair),
            Item::Nproc => facts.nproc = Some(estimate.pair),
        }
    }
    if facts.nofile.is_none() {
        facts.unreadable =
            Some("neither systemd's DefaultLimitNOFILE nor /proc/1/limits could be read".into());
    }
    facts
}

/// Decides the outcome.
pub fn judge(facts: &Facts) -> Outcome {
    let mut evidence = Vec::new();
    if let Some(pair) = facts.nofile {
        evidence.push(Evidence::setting("RLIMIT_NOFILE", pair.show()));
    }
    if let Some(pair) = facts.nproc {
        evidence.push(Evidence::setting("RLIMIT_NPROC", pair.show()));
    }
    evidence.extend(facts.sources.iter().cloned());
    if let Some(reason) = &facts.unreadable {
        return Outcome::error(
            Code::Unreadable,
            format!("cannot read {}'s open-file limit: {reason}", facts.name),
        )
        .with_all(evidence);
    }
    if facts.is_root {
        return Outcome::pass(format!(
            "root raises its own limits: podman gives root's containers {ENGINE_NOFILE} open files"
        ))
        .with_all(evidence);
    }
    let name = &facts.name;
    let nofile_hard = facts.nofile.and_then(|p| p.hard);
    let nproc_soft = facts.nproc.and_then(|p| p.soft);
    let nofile_low = nofile_hard.is_some_and(|h| h < NOFILE_LOW);
    let nproc_low = nproc_soft.is_some_and(|s| s < NPROC_LOW);
    let given = nofile_hard.map_or(ENGINE_NOFILE, |h| h.min(ENGINE_NOFILE));
    let at = if facts.own { "" } else { " at login" };
    let mut problems: Vec<(Code, String)> = Vec::new();
    let mut fixes = Vec::new();
    if nofile_low {
        problems.push((
            Code::NofileLow,
            format!(
                "{name}'s hard open-file limit{at} is {} (below {NOFILE_LOW}): podman gives its \
                 containers {given}:{given} open files instead of {ENGINE_NOFILE}, and a \
                 --ulimit nofile above {given} fails (runc: \"error setting rlimit type 7: \
                 operation not permitted\")",
                show(nofile_hard)
            ),
        ));
        fixes.extend(raise(facts, Item::Nofile));
    }
    if nproc_low {
        problems.push((
            Code::NprocLow,
            format!(
                "{name}'s process limit{at} is {} (below {NPROC_LOW}): it counts every process of \
                 uid {} and podman passes it to its containers, so they fail to fork \
                 (\"resource temporarily unavailable\")",
                show(nproc_soft),
                facts.uid
            ),
        ));
        fixes.extend(raise(facts, Item::Nproc));
    }
    if let Some((code, first)) = problems.first() {
        let message = match problems.get(1) {
            Some((_, second)) => format!("{first}; also: {second}"),
            None => first.clone(),
        };
        return Outcome::warn(*code, message)
            .also(problems.iter().skip(1).map(|(c, _)| *c))
            .with_all(evidence)
            .fixes(fixes);
    }
    Outcome::pass(format!(
        "{name}'s hard open-file limit{at} is {} and its process limit {}: podman gives its containers \
         {given}:{given} open files",
        show(nofile_hard),
        show(nproc_soft)
    ))
    .with_all(evidence)
}

/// The value a fix sets: what podman asks for, within fs.nr_open.
fn target(facts: &Facts, item: Item) -> u64 {
    match item {
        Item::Nofile => facts
            .nr_open
            .map_or(ENGINE_NOFILE, |n| n.min(ENGINE_NOFILE)),
        Item::Nproc => NPROC_FIX,
    }
}

/// The fixes that raise `item` for the subject: a limits.d file (read by
/// pam_limits at every login) and, where systemd runs, the user manager's
/// unit (its services and their containers do not go through pam_limits).
fn raise(facts: &Facts, item: Item) -> Vec<Remediation> {
    let name = &facts.name;
    let value = target(facts, item);
    let conf = item.conf_name();
    let file = format!("/etc/security/limits.d/90-rootless-{name}-{conf}.conf");
    // A soft-only line keeps a hard process limit that is already higher.
    let kind = match (item, facts.nproc.map(|p| p.hard)) {
        (Item::Nproc, Some(hard)) if hard.is_none_or(|h| h >= value) => "soft",
        _ => "-",
    };
    let line = format!("{name} {kind} {conf} {value}");
    let mut fixes = vec![Remediation::root(
        format!(
            "raise {name}'s {conf} limit to {value} for every login (pam_limits); log in again: \
             `ulimit -H` can only lower a hard limit"
        ),
        vec![format!("echo {} > {}", quote(&line), quote(&file))],
    )
    .unless(format!("grep -qsx {} {}", quote(&line), quote(&file)))];
    if facts.systemd {
        let dir = format!("/etc/systemd/system/user@{}.service.d", facts.uid);
        let dropin = format!("{dir}/90-rootless-{conf}.conf");
        let setting = format!("{}={value}", item.systemd_name());
        fixes.push(
            Remediation::root(
                format!(
                    "and for {name}'s systemd user manager and its units (rootless dockerd, \
                     podman's units): a user@.service drop-in, in force from the manager's next \
                     start (log out everywhere, or `systemctl restart user@{}.service`)",
                    facts.uid
                ),
                vec![
                    format!("mkdir -p {}", quote(&dir)),
                    format!("printf '[Service]\\n{setting}\\n' > {}", quote(&dropin)),
                    "systemctl daemon-reload".to_string(),
                ],
            )
            .unless(format!("grep -qsx '{setting}' {}", quote(&dropin))),
        );
    }
    fixes
}

#[cfg(test)]
#[path = "nofile_tests.rs"]
mod tests;
