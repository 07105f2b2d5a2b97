//! `userns.create`: judge the live `userns-create` probe, which unshares a
//! user namespace as the subject and maps the own uid to 0.
//!
//! Success passes, unless the namespace came without CAP_SYS_ADMIN (the
//! AppArmor restriction's second shape), which fails. A failure is turned
//! into its cause from the errno, the step and the host facts, in the order
//! that decides shared errnos:
//!
//! - `unshare` EPERM: the clone sysctl at 0; else the AppArmor restriction;
//!   else a seccomp filter (`Seccomp: 2`); else a container sandbox; else an
//!   unexplained EPERM (a chroot, a service's RestrictNamespaces=).
//! - `unshare` EACCES: the AppArmor restriction, else another security module.
//! - `unshare` ENOSPC: `user.max_user_namespaces` 0, or its limit reached.
//! - `unshare` EUSERS: nesting deeper than 32 user namespaces.
//! - `unshare` EINVAL: no user namespace support (`/proc/self/ns/user`
//!   missing), or RHEL 7's way of saying the limit is 0; otherwise an error.
//! - EPERM/EACCES at `setgroups`, `uid_map`, `gid_map`: the AppArmor
//!   restriction's capability-less namespace, or the sandbox, or the kernel's
//!   own-id mapping rule, explained.
//!
//! Not run: skip. Timed out or broken: error. An errno no rule explains: error.

use super::apparmor;
use super::env::{Knobs, Sandbox, MAX_USER, RHEL7_ENABLE, SELF_NS_USER};
use super::fixes;
use super::live::{self, Live};
use super::profiles::Profiles;
use crate::distro::Distro;
use crate::model::{Evidence, Outcome, Remediation};
use crate::probe::{ProbeKind, ProbeReport};
use crate::registry::Context;

/// Everything the judge needs.
#[derive(Clone, Debug, PartialEq)]
pub struct Facts {
    pub uid: u32,
    pub gid: u32,
    pub probe: Live,
    pub knobs: Knobs,
    pub sandbox: Sandbox,
    /// Runtime coverage by AppArmor profiles; gathered when the restriction is on.
    pub profiles: Profiles,
}

/// Gathers the facts through the context.
pub fn gather(ctx: &Context<'_>) -> Facts {
    let knobs = Knobs::gather(ctx.host);
    let profiles = if knobs.apparmor_restricts() {
        Profiles::gather(ctx.host, &ctx.subject.path)
    } else {
        Profiles::default()
    };
    Facts {
        uid: ctx.subject.uid,
        gid: ctx.subject.gid,
        probe: Live::get(ctx, ProbeKind::UsernsCreate),
        knobs,
        sandbox: Sandbox::gather(ctx.host),
        profiles,
    }
}

pub(super) fn run(ctx: &Context<'_>) -> Outcome {
    judge(&gather(ctx), &ctx.distro)
}

/// A cause: the message and its fixes.
struct Cause {
    status: crate::model::Status,
    message: String,
    fixes: Vec<Remediation>,
    evidence: Vec<Evidence>,
}

impl Cause {
    fn fail(message: impl Into<String>, fixes: impl IntoIterator<Item = Remediation>) -> Self {
        Cause {
            status: crate::model::Status::Fail,
            message: message.into(),
            fixes: fixes.into_iter().collect(),
            evidence: Vec::new(),
        }
    }

    fn error(message: impl Into<String>) -> Self {
        Cause {
            status: crate::model::Status::Error,
            message: message.into(),
            fixes: Vec::new(),
            evidence: Vec::new(),
        }
    }

    fn with(mut self, evidence: impl IntoIterator<Item = Evidence>) -> Self {
        self.evidence.extend(evidence);
        self
    }
}

/// Decides the outcome.
pub fn judge(facts: &Facts, distro: &Distro) -> Outcome {
    let kind = ProbeKind::UsernsCreate;
    if let Some(outcome) = live::unreported(kind, &facts.probe) {
        return outcome;
    }
    let Live::Report(report) = &facts.probe else {
        return Outcome::error("unreachable: the probe reported nothing");
    };
    let mut evidence = vec![live::probe_evidence(kind, report)];
    for name in ["uid_map", "gid_map", "cap_sys_admin"] {
        if let Some(value) = live::fact(report, name).filter(|v| !v.is_empty()) {
            evidence.push(Evidence::fact(name, live::cap(value, 300)));
        }
    }
    if report.ok && live::fact(report, "cap_sys_admin") != Some("no") {
        return Outcome::pass(format!(
            "created a user namespace and mapped uid {} to 0",
            facts.uid
        ))
        .with_all(evidence);
    }
    evidence.extend(facts.knobs.evidence());
    let seccomp = seccomp(facts, report);
    if let Some(value) = &seccomp {
        evidence.push(Evidence::fact("seccomp", format!("Seccomp: {value}")));
    }
    if let Some(value) = live::fact(report, "nonewprivs").or(facts.sandbox.no_new_privs.as_deref())
    {
        evidence.push(Evidence::fact("nonewprivs", format!("NoNewPrivs: {value}")));
    }
    evidence.extend(facts.sandbox.evidence());
    let cause = cause(facts, report, seccomp.as_deref() == Some("2"), distro);
    let outcome = match cause.status {
        crate::model::Status::Error => Outcome::error(cause.message),
        _ => Outcome::fail(cause.message),
    };
    outcome
        .with_all(evidence)
        .with_all(cause.evidence)
        .fixes(cause.fixes)
}

/// `Seccomp:` as the probe saw it, else as the doctor sees it.
fn seccomp(facts: &Facts, report: &ProbeReport) -> Option<String> {
    live::fact(report, "seccomp")
        .map(str::to_string)
        .or_else(|| facts.sandbox.seccomp.clone())
}

fn cause(facts: &Facts, report: &ProbeReport, filtered: bool, distro: &Distro) -> Cause {
    let errno = report.errno.as_deref().unwrap_or("");
    let step = report.step.as_deref().unwrap_or("");
    let knobs = &facts.knobs;
    let failed = live::failure_text(report);
    if report.ok {
        // Mapped, but without CAP_SYS_ADMIN.
        return if knobs.apparmor_restricts() {
            apparmor_cause(facts, distro, "the new user namespace had no capabilities")
        } else {
            Cause::fail(
                "created a user namespace, but it had no CAP_SYS_ADMIN: a security module \
                 confines the probe, and runtimes cannot mount anything in such a namespace",
                [sandbox_fix(&facts.sandbox)],
            )
        };
    }
    match (step, errno) {
        ("unshare", "EPERM") if knobs.clone_disabled() => Cause::fail(
            "kernel.unprivileged_userns_clone is 0: unshare(CLONE_NEWUSER) fails with EPERM",
            fixes::clone_sysctl(distro),
        ),
        ("unshare", "EPERM" | "EACCES") if knobs.apparmor_restricts() => {
            apparmor_cause(facts, distro, "unshare(CLONE_NEWUSER) was denied")
        }
        ("unshare", "EPERM" | "ENOSYS") if filtered => {
            let place = facts
                .sandbox
                .where_clause()
                .map(|w| format!("; {w}"))
                .unwrap_or_default();
            Cause::fail(
                format!(
                    "a seccomp filter forbids unshare(CLONE_NEWUSER) ({errno}, Seccomp: 2){place}"
                ),
                [sandbox_fix(&facts.sandbox)],
            )
        }
        ("unshare", "EPERM" | "EACCES") if facts.sandbox.in_container() => Cause::fail(
            format!(
                "unshare(CLONE_NEWUSER) failed with {errno}: the doctor runs inside a container \
                 whose sandbox forbids user namespaces"
            ),
            [fixes::relax_container()],
        ),
        ("unshare", "EPERM") => Cause::fail(
            "unshare(CLONE_NEWUSER) failed with EPERM, and no sysctl, AppArmor restriction or \
             seccomp filter explains it: a chroot, or a service's RestrictNamespaces=, also \
             forbids user namespaces",
            [Remediation::root(
                "run the doctor and the runtimes from a login shell, outside a chroot or a \
                 sandboxed service",
                vec!["systemctl show -p RestrictNamespaces -p SystemCallFilter UNIT".into()],
            )],
        ),
        ("unshare", "EACCES") => Cause::fail(
            "unshare(CLONE_NEWUSER) failed with EACCES: a security module denies user \
             namespaces to this process",
            [sandbox_fix(&facts.sandbox)],
        ),
        ("unshare", "ENOSPC") => enospc(knobs, distro),
        ("unshare", "EUSERS") => Cause::fail(
            "unshare(CLONE_NEWUSER) failed with EUSERS: the user namespace nesting depth limit \
             (32) is reached",
            [Remediation::root(
                "start the runtimes from a less deeply nested user namespace (the host, or \
                 the outermost container)",
                vec!["cat /proc/self/uid_map".into()],
            )],
        )
        .with(
            facts
                .sandbox
                .uid_map
                .as_ref()
                .map(|m| Evidence::file("/proc/self/uid_map", m.clone())),
        ),
        ("unshare", "EINVAL" | "ENOSYS") if !knobs.ns_user_exists => Cause::fail(
            format!(
                "unshare(CLONE_NEWUSER) failed with {errno} and {SELF_NS_USER} does not exist: \
                 the kernel was built without user namespace support (CONFIG_USER_NS)"
            ),
            [Remediation::root(
                "boot a kernel built with CONFIG_USER_NS=y (the distribution's stock kernel)",
                vec![distro.install(&[fixes::kernel_package(distro)])],
            )],
        )
        .with([Evidence::fact(SELF_NS_USER, "missing")]),
        ("unshare", "EINVAL")
            if knobs.is_rhel7_kernel()
                && (knobs.max_user.int() == Some(0) || knobs.rhel7_enable.value() == Some("N")) =>
        {
            let mut list: Vec<Remediation> =
                fixes::max_namespaces(distro, "user.max_user_namespaces").into();
            if knobs.rhel7_enable.value() == Some("N") {
                list.push(Remediation::root(
                    "enable user namespaces at boot (RHEL/CentOS 7.2-7.5)",
                    vec![
                        "grubby --args=user_namespace.enable=1 --update-kernel=ALL".into(),
                        "reboot".into(),
                    ],
                ));
            }
            Cause::fail(
                "unshare(CLONE_NEWUSER) failed with EINVAL: user namespaces are disabled on this \
                 RHEL 7 kernel (user.max_user_namespaces is 0 or user_namespace.enable is N)",
                list,
            )
            .with(
                knobs
                    .rhel7_enable
                    .value()
                    .map(|v| Evidence::file(RHEL7_ENABLE, v)),
            )
        }
        ("setgroups", "ENOENT") => Cause::fail(
            "/proc/self/setgroups does not exist: the kernel is older than 3.19 and cannot map \
             ids the way the runtimes do",
            [Remediation::root(
                "upgrade to a kernel of 3.19 or later (5.11 or later for native overlay)",
                vec![distro.install(&[fixes::kernel_package(distro)])],
            )],
        ),
        ("setgroups" | "uid_map" | "gid_map", "EPERM" | "EACCES") => {
            map_cause(facts, step, errno, filtered, distro)
        }
        ("verify", _) => Cause::fail(
            format!(
                "the user namespace was created and mapped, but the probe is not uid 0 in it: \
                 {}",
                if report.detail.is_empty() {
                    "the map was not applied".to_string()
                } else {
                    report.detail.clone()
                }
            ),
            [sandbox_fix(&facts.sandbox)],
        ),
        _ => Cause::error(format!(
            "creating a user namespace failed with an unexpected {failed}{}",
            if report.detail.is_empty() {
                String::new()
            } else {
                format!(": {}", report.detail)
            }
        )),
    }
}

fn apparmor_cause(facts: &Facts, distro: &Distro, shape: &str) -> Cause {
    let covered: Vec<&str> = facts
        .profiles
        .runtimes
        .iter()
        .filter(|c| c.profile.is_some())
        .map(|c| c.tool.as_str())
        .collect();
    let note = if covered.is_empty() {
        String::new()
    } else {
        format!(
            " ({} {} covered by a profile that allows userns and may work)",
            covered.join(", "),
            if covered.len() > 1 { "are" } else { "is" }
        )
    };
    Cause::fail(
        format!(
            "kernel.apparmor_restrict_unprivileged_userns is 1: {shape}; unconfined runtimes \
             need an AppArmor profile with userns{note}"
        ),
        apparmor::restriction_fixes(&facts.profiles, distro),
    )
    .with(apparmor::coverage_evidence(&facts.profiles))
}

fn enospc(knobs: &Knobs, distro: &Distro) -> Cause {
    let fixes = fixes::max_namespaces(distro, "user.max_user_namespaces");
    match knobs.max_user.int() {
        Some(0) => Cause::fail(
            "user.max_user_namespaces is 0: unshare(CLONE_NEWUSER) fails with ENOSPC",
            fixes,
        ),
        Some(n) => Cause::fail(
            format!(
                "unshare(CLONE_NEWUSER) failed with ENOSPC: the limit of {n} user namespaces \
                 (user.max_user_namespaces) is used up, here or in an enclosing namespace"
            ),
            fixes,
        ),
        None => Cause::fail(
            format!(
                "unshare(CLONE_NEWUSER) failed with ENOSPC: a user namespace limit is reached \
                 ({MAX_USER} unreadable here)"
            ),
            fixes,
        ),
    }
}

fn map_cause(facts: &Facts, step: &str, errno: &str, filtered: bool, distro: &Distro) -> Cause {
    let file = format!("/proc/self/{step}");
    if facts.knobs.apparmor_restricts() {
        return apparmor_cause(
            facts,
            distro,
            &format!(
                "the new user namespace had no capabilities (writing {file} failed with {errno})"
            ),
        );
    }
    if filtered || facts.sandbox.in_container() || facts.sandbox.nested_userns() {
        let place = facts
            .sandbox
            .where_clause()
            .unwrap_or("the doctor runs under a seccomp filter");
        return Cause::fail(
            format!(
                "created a user namespace, but writing {file} failed with {errno}; {place}, \
                 whose sandbox confines new namespaces"
            ),
            [sandbox_fix(&facts.sandbox)],
        );
    }
    let what = match step {
        "setgroups" => "writing \"deny\" to /proc/self/setgroups".to_string(),
        "uid_map" => format!("writing \"0 {} 1\" to /proc/self/uid_map", facts.uid),
        _ => format!("writing \"0 {} 1\" to /proc/self/gid_map", facts.gid),
    };
    Cause::fail(
        format!(
            "created a user namespace, but {what} failed with {errno}: the kernel lets a process \
             map only its own id, once, and a security module (SELinux, an LSM policy) refused \
             even that"
        ),
        [sandbox_fix(&facts.sandbox)],
    )
}

fn sandbox_fix(sandbox: &Sandbox) -> Remediation {
    if sandbox.in_container() {
        fixes::relax_container()
    } else {
        Remediation::root(
            "lift the seccomp filter or security policy of the service or sandbox that starts \
             the runtimes (systemd: RestrictNamespaces=no, no SystemCallFilter= on unshare)",
            vec!["systemctl show -p RestrictNamespaces -p SystemCallFilter UNIT".into()],
        )
    }
}

#[cfg(test)]
mod tests;
