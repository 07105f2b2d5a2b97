//! `bundle.process-settings`: what runc applies to the process before it
//! execs, in runc's order: the SELinux label (the config validator), the
//! rlimit names (`strToRlimit`), the terminal (`setupIO`), oomScoreAdj
//! (nsexec, as the subject before the user namespace), the rlimits (`prlimit`
//! on the init process, as the subject), the AppArmor profile (init, just
//! before exec). `process.scheduler` and `process.ioPriority` are judged for
//! the target runtime (runc 1.1 and crun 1.8 do not know them).
//!
//! Decisions: docs/checks/bundle.md, section `bundle.process-settings`.

use super::rlimits::{self, show, Limits};
use super::target::{target, Target};
use super::{process, with_spec, Code};
use crate::check::{CheckDef, Context, Finding, Outcome};
use crate::host::HostFs;
use crate::model::{Evidence, Remediation, Status};
use crate::spec::{Rlimit, Spec};

pub static PROCESS_SETTINGS: CheckDef = CheckDef {
    id: "bundle.process-settings",
    title: "process settings",
    description: "What runc applies to the process before exec is allowed: rlimit names runc \
                  knows, soft at most hard, hard limits within the subject's own; oomScoreAdj \
                  in range and not below the subject's; a terminal when process.terminal asks \
                  for one; an AppArmor profile only where AppArmor is enabled and the profile \
                  loaded; a SELinux label only where SELinux is enabled; scheduler and \
                  ioPriority for the target runtime.",
    codes: &[
        Code::NoBundle.code(),
        Code::SelinuxDisabled.code(),
        Code::RlimitUnknown.code(),
        Code::TerminalUnavailable.code(),
        Code::OomScoreAdjInvalid.code(),
        Code::OomScoreAdjTooLow.code(),
        Code::RlimitSoftAboveHard.code(),
        Code::RlimitAboveHard.code(),
        Code::ApparmorDisabled.code(),
        Code::ApparmorProfileNotLoaded.code(),
        Code::ApparmorProfileUnknown.code(),
        Code::SchedulingUnverified.code(),
        Code::SchedulingInvalid.code(),
    ],
    probes: &[],
    run,
};

fn run(ctx: &Context<'_>) -> Outcome {
    with_spec(ctx, |ctx, _, spec| {
        let facts = gather(ctx, spec);
        judge(&facts)
    })
}

/// AppArmor as runc 1.1.5 finds it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct AppArmor {
    /// /sys/kernel/security/apparmor exists and
    /// /sys/module/apparmor/parameters/enabled starts with `Y`.
    pub enabled: bool,
    /// The loaded profile names; `None` when unreadable.
    pub profiles: Option<Vec<String>>,
    /// The file runc writes: /proc/self/attr/apparmor/exec when it exists,
    /// else /proc/self/attr/exec.
    pub attr_path: String,
}

/// Everything the judge needs.
#[derive(Clone, Debug, PartialEq)]
pub struct SettingsFacts {
    pub process_present: bool,
    /// The subject is root (runc is not rootless: it may raise limits).
    pub root: bool,
    pub rlimits: Vec<Rlimit>,
    pub limits: Limits,
    /// fs.nr_open: no RLIMIT_NOFILE above it, even for root.
    pub nr_open: Option<u64>,
    pub oom_score_adj: Option<i64>,
    /// The subject's oom_score_adj, and where it came from.
    pub own_oom: i64,
    pub oom_source: String,
    pub terminal: bool,
    /// Whether runc started from here has a terminal (`None`: unknown).
    pub has_terminal: Option<bool>,
    pub scheduler: bool,
    pub io_priority: bool,
    /// What runc 1.2's config validator says of `process.scheduler` and
    /// `process.ioPriority`, when it refuses them.
    pub scheduling_refused: Option<String>,
    pub target: Option<Target>,
    pub apparmor_profile: String,
    pub apparmor: AppArmor,
    pub selinux_label: String,
    pub selinux_enabled: bool,
}

/// Whether the doctor's own process has a terminal as runc's `initHostConsole`
/// looks for one: stderr, stdout or stdin a tty, else /dev/tty opens.
fn own_terminal() -> bool {
    use std::os::fd::AsFd;
    let ttys = [
        nix::unistd::isatty(std::io::stderr().as_fd()),
        nix::unistd::isatty(std::io::stdout().as_fd()),
        nix::unistd::isatty(std::io::stdin().as_fd()),
    ];
    ttys.iter().any(|t| matches!(t, Ok(true))) || std::fs::File::open("/dev/tty").is_ok()
}

/// AppArmor facts from `host`.
pub fn apparmor(host: &HostFs) -> AppArmor {
    let enabled = host.exists("/sys/kernel/security/apparmor")
        && host
            .read("/sys/module/apparmor/parameters/enabled")
            .is_ok_and(|b| b.len() > 1 && b[0] == b'Y');
    let profiles = host
        .read_text("/sys/kernel/security/apparmor/profiles")
        .ok()
        .map(|text| parse_profiles(&text));
    let attr_path = if host.exists("/proc/self/attr/apparmor/exec") {
        "/proc/self/attr/apparmor/exec"
    } else {
        "/proc/self/attr/exec"
    };
    AppArmor {
        enabled,
        profiles,
        attr_path: attr_path.into(),
    }
}

/// Profile names of /sys/kernel/security/apparmor/profiles (`name (mode)`).
pub fn parse_profiles(text: &str) -> Vec<String> {
    text.lines()
        .filter_map(|line| {
            let line = line.trim_end();
            let name = match line.rfind(" (") {
                Some(cut) if line.ends_with(')') => &line[..cut],
                _ => line,
            };
            (!name.is_empty()).then(|| name.to_string())
        })
        .collect()
}

/// Gathers the facts for the subject of `ctx`.
pub fn gather(ctx: &Context<'_>, spec: &Spec) -> SettingsFacts {
    let host = ctx.host;
    // A login of another user starts at 0; the doctor's own value is the one
    // the subject's runc inherits when the doctor is the subject.
    let (own_oom, oom_source) = if ctx.subject.is_invoker {
        match host
            .read_text("/proc/self/oom_score_adj")
            .ok()
            .and_then(|t| t.trim().parse().ok())
        {
            Some(v) => (v, "the doctor's own /proc/self/oom_score_adj".to_string()),
            None => (
                0,
                "the default (/proc/self/oom_score_adj unreadable)".to_string(),
            ),
        }
    } else {
        (
            0,
            format!("the value a login of {} starts with", ctx.subject.name),
        )
    };
    SettingsFacts {
        root: ctx.subject.is_root(),
        limits: rlimits::subject_limits(host, ctx.subject),
        nr_open: host
            .read_text("/proc/sys/fs/nr_open")
            .ok()
            .and_then(|t| t.trim().parse().ok()),
        own_oom,
        oom_source,
        has_terminal: (ctx.subject.is_invoker && host.is_real()).then(own_terminal),
        target: target(ctx),
        apparmor: apparmor(host),
        selinux_enabled: host.exists("/sys/fs/selinux/enforce"),
        ..SettingsFacts::of_spec(spec)
    }
}

impl SettingsFacts {
    /// The spec's side of the facts; the host's side neutral (a rootless
    /// subject with unknown limits, oom_score_adj 0, no terminal known, no
    /// target runtime, no LSM enabled).
    pub fn of_spec(spec: &Spec) -> Self {
        let process = spec.process.clone().unwrap_or_default();
        SettingsFacts {
            process_present: spec.process.is_some(),
            root: false,
            rlimits: process.rlimits.clone().unwrap_or_default(),
            limits: Limits::default(),
            nr_open: None,
            oom_score_adj: process.oom_score_adj,
            own_oom: 0,
            oom_source: "the default".into(),
            terminal: process.terminal.unwrap_or(false),
            has_terminal: None,
            scheduler: process.scheduler.is_some(),
            io_priority: process.io_priority.is_some(),
            scheduling_refused: runc12_scheduling(
                process.scheduler.as_ref(),
                process.io_priority.as_ref(),
            ),
            target: None,
            apparmor_profile: process.apparmor_profile.clone().unwrap_or_default(),
            apparmor: AppArmor::default(),
            selinux_label: process.selinux_label.clone().unwrap_or_default(),
            selinux_enabled: false,
        }
    }
}

fn edit(summary: impl Into<String>) -> Remediation {
    Remediation::root(summary, vec![]).as_user()
}

/// Judges the settings.
pub fn judge(facts: &SettingsFacts) -> Outcome {
    if !facts.process_present {
        return Outcome::blocked(&process::PROCESS);
    }
    let mut problems: Vec<Finding> = Vec::new();
    let mut notes: Vec<String> = Vec::new();
    let runtime = facts.target.as_ref().map_or(
        "runc 1.1.5 (no runtime installed)".to_string(),
        Target::label,
    );

    if !facts.selinux_label.is_empty() && !facts.selinux_enabled {
        problems.push(
            Finding::fail(
                Code::SelinuxDisabled,
                format!(
                    "process.selinuxLabel is {:?} but SELinux is not enabled here; runc will fail: \
                     selinux label is specified in config, but selinux is disabled or not supported",
                    facts.selinux_label
                ),
            )
            .fixes([edit("remove process.selinuxLabel")]),
        );
    }
    for (i, limit) in facts.rlimits.iter().enumerate() {
        let kind = limit.kind.clone().unwrap_or_default();
        if rlimits::number_of(&kind).is_none() {
            problems.push(
                Finding::fail(
                    Code::RlimitUnknown,
                    format!(
                        "process.rlimits[{i}] has type {kind:?}; runc will fail: wrong rlimit \
                         value: {kind}"
                    ),
                )
                .fixes([edit(format!("use one of {}", rlimits::names().join(", ")))]),
            );
        }
    }
    if facts.terminal {
        match facts.has_terminal {
            Some(false) => problems.push(
                Finding::warn(
                    Code::TerminalUnavailable,
                    "process.terminal is true and there is no terminal here: `runc run` without \
                     -d started like the doctor will fail: open /dev/tty: no such device or \
                     address; `runc run -d` and `runc create` need --console-socket (else: cannot \
                     allocate tty if runc will detach without setting console socket)",
                )
                .fixes([edit(
                    "set process.terminal to false, or run runc in a terminal, or pass \
                     --console-socket with -d",
                )]),
            ),
            Some(true) => notes.push(
                "process.terminal: runc run uses this terminal (runc run -d and runc create \
                 need --console-socket)"
                    .into(),
            ),
            None => notes.push(
                "process.terminal: runc run needs a terminal, runc run -d and runc create \
                 --console-socket"
                    .into(),
            ),
        }
    }
    if let Some(adj) = facts.oom_score_adj {
        if !(-1000..=1000).contains(&adj) {
            problems.push(
                Finding::fail(
                    Code::OomScoreAdjInvalid,
                    format!(
                        "process.oomScoreAdj is {adj}, outside -1000..1000; runc will fail: \
                         failed to update /proc/self/oom_score_adj: Invalid argument (then: can't get final \
                         child's PID from pipe: EOF)"
                    ),
                )
                .fixes([edit("set process.oomScoreAdj between -1000 and 1000")]),
            );
        } else if adj < facts.own_oom && !facts.root {
            problems.push(
                Finding::fail(
                    Code::OomScoreAdjTooLow,
                    format!(
                        "process.oomScoreAdj is {adj}, below {} ({}); lowering it needs \
                         CAP_SYS_RESOURCE; runc will fail: failed to update \
                         /proc/self/oom_score_adj: Permission denied (then: can't get final child's PID \
                         from pipe: EOF)",
                        facts.own_oom, facts.oom_source
                    ),
                )
                .fixes([edit(format!(
                    "remove process.oomScoreAdj or set it to {} or more",
                    facts.own_oom
                ))]),
            );
        }
    }
    for (i, limit) in facts.rlimits.iter().enumerate() {
        let kind = limit.kind.clone().unwrap_or_default();
        let Some(number) = rlimits::number_of(&kind) else {
            continue;
        };
        let (soft, hard) = (limit.soft.unwrap_or(0), limit.hard.unwrap_or(0));
        if soft > hard {
            problems.push(
                Finding::fail(
                    Code::RlimitSoftAboveHard,
                    format!(
                        "process.rlimits[{i}] ({kind}) has soft {} above hard {}; runc will fail: \
                         error setting rlimit type {number}: invalid argument",
                        show(soft),
                        show(hard)
                    ),
                )
                .fixes([edit("make soft at most hard")]),
            );
            continue;
        }
        let own = facts.limits.get(number);
        let over_nr_open = kind == "RLIMIT_NOFILE" && facts.nr_open.is_some_and(|n| hard > n);
        let over_own = !facts.root && own.is_some_and(|own| hard > own.hard);
        if over_nr_open || over_own {
            let (bound, why) = if over_nr_open {
                (
                    facts.nr_open.unwrap_or(0),
                    "fs.nr_open, which binds even root".to_string(),
                )
            } else {
                (
                    own.map_or(0, |l| l.hard),
                    format!(
                        "the hard limit of {}; only CAP_SYS_RESOURCE raises it",
                        facts.limits.source
                    ),
                )
            };
            problems.push(
                Finding::fail(
                    Code::RlimitAboveHard,
                    format!(
                        "process.rlimits[{i}] ({kind}) sets hard {} above {} ({why}); runc will \
                         fail: error setting rlimit type {number}: operation not permitted",
                        show(hard),
                        show(bound)
                    ),
                )
                .fixes([edit(format!(
                    "set hard (and soft) of {kind} to {} or less",
                    show(bound)
                ))]),
            );
        }
    }
    if !facts.apparmor_profile.is_empty() {
        let profile = &facts.apparmor_profile;
        let error = |errno: &str| {
            format!(
                "runc will fail: unable to apply apparmor profile: apparmor failed to apply \
                 profile: write {}: {errno}",
                facts.apparmor.attr_path
            )
        };
        if !facts.apparmor.enabled {
            problems.push(
                Finding::fail(
                    Code::ApparmorDisabled,
                    format!(
                        "process.apparmorProfile is {profile:?} but AppArmor is not enabled here \
                         (runc 1.1.5 applies it anyway); {}",
                        error("invalid argument")
                    ),
                )
                .fixes([edit("remove process.apparmorProfile")]),
            );
        } else if profile != "unconfined" {
            match &facts.apparmor.profiles {
                Some(loaded) if !loaded.iter().any(|p| p == profile) => problems.push(
                    Finding::fail(
                        Code::ApparmorProfileNotLoaded,
                        format!(
                            "AppArmor profile {profile:?} of process.apparmorProfile is not \
                             loaded; {}",
                            error("no such file or directory")
                        ),
                    )
                    .fixes([Remediation::root(
                        "load the profile, or name a loaded one",
                        vec!["aa-status".into()],
                    )]),
                ),
                Some(_) => {}
                None => problems.push(
                    Finding::warn(
                        Code::ApparmorProfileUnknown,
                        format!(
                            "cannot read /sys/kernel/security/apparmor/profiles: whether \
                         {profile:?} is loaded is unknown (runc fails with no such file or \
                         directory when it is not)"
                        ),
                    )
                    .fixes([Remediation::root(
                        "check that the profile is loaded",
                        vec!["aa-status".into()],
                    )]),
                ),
            }
        }
    }
    if facts.scheduler || facts.io_priority {
        let fields = match (facts.scheduler, facts.io_priority) {
            (true, true) => "process.scheduler and process.ioPriority",
            (true, false) => "process.scheduler",
            _ => "process.ioPriority",
        };
        let ignored = match &facts.target {
            None => true,
            Some(t) => {
                t.is_before("runc", 1, 2)
                    || t.is_before("crun", 1, 9)
                    || (t.name != "runc" && t.name != "crun")
            }
        };
        let refused = facts
            .scheduling_refused
            .as_ref()
            .filter(|_| facts.target.as_ref().is_some_and(|t| t.name == "runc"));
        if ignored {
            notes.push(format!(
                "{fields}: ignored by {runtime} (the process keeps the default scheduling)"
            ));
        } else if let Some(why) = refused {
            problems.push(
                Finding::fail(
                    Code::SchedulingInvalid,
                    format!("{runtime} refuses the config before it starts anything: {why}"),
                )
                .fixes([edit(format!("correct {fields}"))]),
            );
        } else {
            problems.push(
                Finding::warn(
                    Code::SchedulingUnverified,
                    format!(
                        "{fields} will be applied by {runtime}: not verified here; a real-time \
                     policy (SCHED_FIFO, SCHED_RR) needs an RLIMIT_RTPRIO at least its priority, \
                     a negative nice an RLIMIT_NICE, and the IOPRIO_CLASS_RT class \
                     CAP_SYS_ADMIN, none of which a rootless container has by default"
                    ),
                )
                .fixes([edit(format!(
                    "remove {fields} unless the limits allow them"
                ))]),
            );
        }
    }

    let mut evidence = vec![Evidence::fact("predicted for", runtime.clone())];
    if !facts.rlimits.is_empty() {
        evidence.push(Evidence::fact(
            "subject's limits",
            facts.limits.source.clone(),
        ));
    }
    if facts.oom_score_adj.is_some() {
        evidence.push(Evidence::fact(
            "subject's oom_score_adj",
            format!("{} ({})", facts.own_oom, facts.oom_source),
        ));
    }
    evidence.extend(notes.iter().map(|n| Evidence::fact("note", n.clone())));
    // Failures first, in runc's order; then warnings.
    problems.sort_by_key(|p| p.status != Status::Fail);
    let Some(first) = problems.first().cloned() else {
        let set = [
            (!facts.rlimits.is_empty()).then_some("rlimits"),
            facts.oom_score_adj.map(|_| "oomScoreAdj"),
            facts.terminal.then_some("terminal"),
            (!facts.apparmor_profile.is_empty()).then_some("apparmorProfile"),
            (!facts.selinux_label.is_empty()).then_some("selinuxLabel"),
        ]
        .into_iter()
        .flatten()
        .collect::<Vec<_>>();
        let what = if set.is_empty() {
            "no process settings to apply".to_string()
        } else {
            format!("{} can be applied", set.join(", "))
        };
        return Outcome::pass(format!("{what} ({runtime})")).with_all(evidence);
    };
    let mut out = Outcome::judged(first.status, first.code, first.message.clone())
        .also(problems.iter().skip(1).map(|p| p.code))
        .with_all(evidence);
    for p in problems.iter().skip(1) {
        out = out.with(Evidence::fact("also", p.message.clone()));
    }
    out.fixes(problems.into_iter().flat_map(|p| p.fixes))
}

/// runc 1.2's config validation of `process.scheduler` and
/// `process.ioPriority` (libcontainer/configs/validate: `scheduler`,
/// `ioPriority`), with its messages; `None` when it accepts them. A value of
/// the wrong JSON type is left to the runtime's decoder.
pub fn runc12_scheduling(
    scheduler: Option<&serde_json::Value>,
    io_priority: Option<&serde_json::Value>,
) -> Option<String> {
    let int = |v: &serde_json::Value, key: &str| v.get(key).and_then(|n| n.as_i64()).unwrap_or(0);
    if let Some(s) = scheduler.filter(|s| s.is_object()) {
        let policy = s.get("policy").and_then(|p| p.as_str()).unwrap_or("");
        if policy.is_empty() {
            return Some("scheduler policy is required".into());
        }
        let nice = int(s, "nice");
        if matches!(policy, "SCHED_OTHER" | "SCHED_BATCH") && !(-20..=19).contains(&nice) {
            return Some(format!(
                "invalid scheduler.nice: {nice} when scheduler.policy is {policy}"
            ));
        }
        if int(s, "priority") != 0 && !matches!(policy, "SCHED_FIFO" | "SCHED_RR") {
            return Some(
                "scheduler.priority can only be specified for SchedFIFO or SchedRR policy".into(),
            );
        }
        let timed = ["runtime", "deadline", "period"]
            .iter()
            .any(|key| int(s, key) != 0);
        if policy != "SCHED_DEADLINE" && timed {
            return Some(
                "scheduler runtime/deadline/period can only be specified for SchedDeadline policy"
                    .into(),
            );
        }
    }
    if let Some(io) = io_priority.filter(|io| io.is_object()) {
        let priority = int(io, "priority");
        if !(0..=7).contains(&priority) {
            return Some(format!("invalid ioPriority.Priority: {priority}"));
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::bundle::rlimits::Limit;

    fn facts() -> SettingsFacts {
        let mut limits = Limits::default();
        limits.by_number[7] = Some(Limit {
            soft: 1024,
            hard: 4096,
        });
        SettingsFacts {
            process_present: true,
            root: false,
            rlimits: vec![],
            limits,
            nr_open: Some(1048576),
            oom_score_adj: None,
            own_oom: 0,
            oom_source: "test".into(),
            terminal: false,
            has_terminal: None,
            scheduler: false,
            io_priority: false,
            scheduling_refused: None,
            target: Some(Target {
                name: "runc".into(),
                version: Some((1, 1, 5)),
            }),
            apparmor_profile: String::new(),
            apparmor: AppArmor {
                enabled: false,
                profiles: None,
                attr_path: "/proc/self/attr/exec".into(),
            },
            selinux_label: String::new(),
            selinux_enabled: false,
        }
    }

    fn rlimit(kind: &str, soft: u64, hard: u64) -> Rlimit {
        Rlimit {
            kind: Some(kind.into()),
            soft: Some(soft),
            hard: Some(hard),
        }
    }

    #[test]
    fn rlimits_within_the_hard_limit_pass_and_others_fail_like_runc() {
        let mut f = facts();
        f.rlimits = vec![rlimit("RLIMIT_NOFILE", 1024, 4096)];
        assert_eq!(judge(&f).status, Status::Pass);
        f.rlimits = vec![rlimit("RLIMIT_NOFILE", 1024, 8192)];
        let out = judge(&f);
        assert!(out.is(Code::RlimitAboveHard), "{out:?}");
        assert!(out
            .message
            .contains("error setting rlimit type 7: operation not permitted"));
        f.root = true;
        assert_eq!(judge(&f).status, Status::Pass);
        f.rlimits = vec![rlimit("RLIMIT_NOFILE", 1024, 2_000_000)];
        assert!(judge(&f).is(Code::RlimitAboveHard));
        f.root = false;
        f.rlimits = vec![rlimit("RLIMIT_NOFILE", 4096, 1024)];
        assert!(judge(&f).is(Code::RlimitSoftAboveHard));
        f.rlimits = vec![rlimit("RLIMIT_NOPE", 1, 1), rlimit("RLIMIT_CORE", 0, 0)];
        let out = judge(&f);
        assert!(out.is(Code::RlimitUnknown));
        assert!(out.message.contains("wrong rlimit value: RLIMIT_NOPE"));
        // Unknown own limits: nothing to compare with.
        f.rlimits = vec![rlimit("RLIMIT_CORE", 0, 10)];
        assert_eq!(judge(&f).status, Status::Pass);
    }

    #[test]
    fn oom_score_adj_below_the_subjects_fails_and_above_passes() {
        let mut f = facts();
        f.oom_score_adj = Some(100);
        assert_eq!(judge(&f).status, Status::Pass);
        f.oom_score_adj = Some(-5);
        let out = judge(&f);
        assert!(out.is(Code::OomScoreAdjTooLow));
        assert!(out
            .message
            .contains("failed to update /proc/self/oom_score_adj: Permission denied"));
        f.oom_score_adj = Some(1001);
        assert!(judge(&f).is(Code::OomScoreAdjInvalid));
        f.root = true;
        f.oom_score_adj = Some(-500);
        assert_eq!(judge(&f).status, Status::Pass);
    }

    #[test]
    fn terminal_without_one_is_a_warning_naming_runc_run() {
        let mut f = facts();
        f.terminal = true;
        assert_eq!(judge(&f).status, Status::Pass);
        f.has_terminal = Some(true);
        assert_eq!(judge(&f).status, Status::Pass);
        f.has_terminal = Some(false);
        let out = judge(&f);
        assert_eq!(out.status, Status::Warn);
        assert!(out.is(Code::TerminalUnavailable));
        assert!(out.message.contains("`runc run` without -d"));
        // A failure goes first, the warning after it.
        f.oom_score_adj = Some(-1);
        let out = judge(&f);
        assert_eq!(out.status, Status::Fail);
        assert_eq!(out.also, vec![Code::TerminalUnavailable.code()]);
    }

    #[test]
    fn lsm_settings_follow_runc_1_1_5() {
        let mut f = facts();
        f.selinux_label = "system_u:system_r:container_t:s0".into();
        assert!(judge(&f).is(Code::SelinuxDisabled));
        f.selinux_enabled = true;
        assert_eq!(judge(&f).status, Status::Pass);
        f.apparmor_profile = "docker-default".into();
        let out = judge(&f);
        assert!(out.is(Code::ApparmorDisabled));
        assert!(out
            .message
            .contains("write /proc/self/attr/exec: invalid argument"));
        f.apparmor.enabled = true;
        assert!(judge(&f).is(Code::ApparmorProfileUnknown));
        f.apparmor.profiles = Some(parse_profiles("docker-default (enforce)\nman (complain)\n"));
        assert_eq!(judge(&f).status, Status::Pass);
        f.apparmor_profile = "nope".into();
        assert!(judge(&f).is(Code::ApparmorProfileNotLoaded));
        f.apparmor_profile = "unconfined".into();
        assert_eq!(judge(&f).status, Status::Pass);
    }

    #[test]
    fn apparmor_facts_come_from_the_host_tree() {
        let tmp = tempfile::tempdir().unwrap();
        let root = tmp.path();
        for dir in [
            "sys/kernel/security/apparmor",
            "sys/module/apparmor/parameters",
            "proc/self/attr/apparmor",
        ] {
            std::fs::create_dir_all(root.join(dir)).unwrap();
        }
        std::fs::write(root.join("sys/module/apparmor/parameters/enabled"), "Y\n").unwrap();
        std::fs::write(
            root.join("sys/kernel/security/apparmor/profiles"),
            "docker-default (enforce)\n/usr/bin/man (complain)\n",
        )
        .unwrap();
        std::fs::write(root.join("proc/self/attr/apparmor/exec"), "").unwrap();
        let found = apparmor(&HostFs::rooted(root));
        assert!(found.enabled);
        assert_eq!(
            found.profiles,
            Some(vec!["docker-default".into(), "/usr/bin/man".into()])
        );
        assert_eq!(found.attr_path, "/proc/self/attr/apparmor/exec");
        std::fs::write(root.join("sys/module/apparmor/parameters/enabled"), "N\n").unwrap();
        assert!(!apparmor(&HostFs::rooted(root)).enabled);
        let empty = tempfile::tempdir().unwrap();
        let none = apparmor(&HostFs::rooted(empty.path()));
        assert!(!none.enabled);
        assert_eq!(none.attr_path, "/proc/self/attr/exec");
    }

    #[test]
    fn runc_12_validates_scheduler_and_io_priority() {
        let v = |text: &str| serde_json::from_str::<serde_json::Value>(text).unwrap();
        let sched = |text: &str| runc12_scheduling(Some(&v(text)), None);
        assert_eq!(sched(r#"{"policy": "SCHED_FIFO", "priority": 10}"#), None);
        assert_eq!(
            sched(r#"{"nice": 1}"#).as_deref(),
            Some("scheduler policy is required")
        );
        assert_eq!(
            sched(r#"{"policy": "SCHED_OTHER", "nice": 20}"#).as_deref(),
            Some("invalid scheduler.nice: 20 when scheduler.policy is SCHED_OTHER")
        );
        assert!(sched(r#"{"policy": "SCHED_OTHER", "priority": 1}"#)
            .unwrap()
            .starts_with("scheduler.priority can only"));
        assert!(sched(r#"{"policy": "SCHED_FIFO", "runtime": 5}"#)
            .unwrap()
            .starts_with("scheduler runtime/deadline/period"));
        assert_eq!(sched(r#"{"policy": "SCHED_DEADLINE", "runtime": 5}"#), None);
        let io = |text: &str| runc12_scheduling(None, Some(&v(text)));
        assert_eq!(io(r#"{"class": "IOPRIO_CLASS_BE", "priority": 7}"#), None);
        assert_eq!(
            io(r#"{"class": "IOPRIO_CLASS_BE", "priority": 8}"#).as_deref(),
            Some("invalid ioPriority.Priority: 8")
        );
    }

    #[test]
    fn scheduling_depends_on_the_target_runtime() {
        let mut f = facts();
        f.scheduler = true;
        let out = judge(&f);
        assert_eq!(out.status, Status::Pass);
        assert!(out
            .evidence
            .iter()
            .any(|e| format!("{e:?}").contains("ignored by runc 1.1.5")));
        f.target = Some(Target {
            name: "runc".into(),
            version: Some((1, 2, 0)),
        });
        let out = judge(&f);
        assert!(out.is(Code::SchedulingUnverified));
        assert!(out.message.contains("runc 1.2.0"));
        // What runc 1.2's validator refuses fails before anything starts.
        f.scheduling_refused = Some("invalid ioPriority.Priority: 9".into());
        let out = judge(&f);
        assert_eq!(out.status, Status::Fail);
        assert!(out.is(Code::SchedulingInvalid));
        assert!(out.message.contains("invalid ioPriority.Priority: 9"));
        f.scheduling_refused = None;
        f.target = Some(Target {
            name: "crun".into(),
            version: Some((1, 8, 1)),
        });
        assert_eq!(judge(&f).status, Status::Pass);
    }
}
