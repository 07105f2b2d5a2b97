//! `userns.create`: judge the live `userns-create` probe, which unshares a
//! user namespace as the subject and maps the own uid to 0.
//!
//! Success passes, unless the namespace came without CAP_SYS_ADMIN. A
//! failure is turned into its cause, a [`Finding`] with its own code, from
//! the errno, the step and the host facts ([`Facts`]), in the order that
//! decides errnos several causes share. The judge is pure; [`gather`] reads
//! the facts.
//!
//! Decisions: docs/checks/userns.md, section `userns.create`.

use super::apparmor;
use super::profiles::Profiles;
use super::Code;
use crate::check::{CheckDef, Context, Finding, Outcome};
use crate::distro::Distro;
use crate::live::{self, Live};
use crate::model::{Evidence, Remediation};
use crate::nsenv::fixes;
use crate::nsenv::{Knobs, Sandbox, MAX_USER, RHEL7_ENABLE, SELF_NS_USER};
use crate::probe::{ProbeKind, ProbeReport};

pub static CREATE: CheckDef = CheckDef {
    id: "userns.create",
    title: "create a user namespace",
    description: "Live: an unprivileged user namespace can be created and the own id mapped \
                  to 0; on failure the errno is mapped to its cause (sysctl, limit reached, \
                  seccomp filter, nesting depth, AppArmor).",
    codes: &[
        Code::CloneSysctlOff.code(),
        Code::ApparmorRestriction.code(),
        Code::CaplessNamespace.code(),
        Code::SeccompFilter.code(),
        Code::ContainerSandbox.code(),
        Code::UnexplainedEperm.code(),
        Code::SecurityModuleDenied.code(),
        Code::MaxNamespacesZero.code(),
        Code::LimitReached.code(),
        Code::NestingTooDeep.code(),
        Code::NoUsernsSupport.code(),
        Code::Rhel7Disabled.code(),
        Code::KernelTooOld.code(),
        Code::SandboxConfinesMapping.code(),
        Code::MappingRefused.code(),
        Code::NotRootInside.code(),
        Code::UnexpectedErrno.code(),
    ],
    probes: &[ProbeKind::UsernsCreate],
    run,
};

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

fn run(ctx: &Context<'_>) -> Outcome {
    judge(&gather(ctx), &ctx.distro)
}

/// Decides the outcome.
pub fn judge(facts: &Facts, distro: &Distro) -> Outcome {
    let kind = ProbeKind::UsernsCreate;
    let report = match live::reported(kind, &facts.probe) {
        Ok(report) => report,
        Err(outcome) => return outcome,
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
    cause(facts, report, seccomp.as_deref() == Some("2"), distro).outcome_after(evidence)
}

/// `Seccomp:` as the probe saw it, else as the doctor sees it.
fn seccomp(facts: &Facts, report: &ProbeReport) -> Option<String> {
    live::fact(report, "seccomp")
        .map(str::to_string)
        .or_else(|| facts.sandbox.seccomp.clone())
}

/// The cause of a failed (or capability-less) probe, as a finding.
fn cause(facts: &Facts, report: &ProbeReport, filtered: bool, distro: &Distro) -> Finding {
    let errno = report.errno.as_deref().unwrap_or("");
    let step = report.step.as_deref().unwrap_or("");
    let knobs = &facts.knobs;
    let failed = live::failure_text(report);
    if report.ok {
        // Mapped, but without CAP_SYS_ADMIN.
        return if knobs.apparmor_restricts() {
            apparmor_cause(facts, distro, "the new user namespace had no capabilities")
        } else {
            Finding::fail(
                Code::CaplessNamespace,
                "created a user namespace, but it had no CAP_SYS_ADMIN: a security module \
                 confines the probe, and runtimes cannot mount anything in such a namespace",
            )
            .fixes([sandbox_fix(&facts.sandbox)])
        };
    }
    match (step, errno) {
        ("unshare", "EPERM") if knobs.clone_disabled() => Finding::fail(
            Code::CloneSysctlOff,
            "kernel.unprivileged_userns_clone is 0: unshare(CLONE_NEWUSER) fails with EPERM",
        )
        .fixes(fixes::clone_sysctl(distro)),
        ("unshare", "EPERM" | "EACCES") if knobs.apparmor_restricts() => {
            apparmor_cause(facts, distro, "unshare(CLONE_NEWUSER) was denied")
        }
        ("unshare", "EPERM" | "ENOSYS") if filtered => {
            let place = facts
                .sandbox
                .where_clause()
                .map(|w| format!("; {w}"))
                .unwrap_or_default();
            Finding::fail(
                Code::SeccompFilter,
                format!(
                    "a seccomp filter forbids unshare(CLONE_NEWUSER) ({errno}, Seccomp: 2){place}"
                ),
            )
            .fixes([sandbox_fix(&facts.sandbox)])
        }
        ("unshare", "EPERM" | "EACCES") if facts.sandbox.in_container() => Finding::fail(
            Code::ContainerSandbox,
            format!(
                "unshare(CLONE_NEWUSER) failed with {errno}: the doctor runs inside a container \
                 whose sandbox forbids user namespaces"
            ),
        )
        .fixes([fixes::relax_container()]),
        ("unshare", "EPERM") => Finding::fail(
            Code::UnexplainedEperm,
            "unshare(CLONE_NEWUSER) failed with EPERM, and no sysctl, AppArmor restriction or \
             seccomp filter explains it: a chroot, or a service's RestrictNamespaces=, also \
             forbids user namespaces",
        )
        .fixes([Remediation::root(
            "run the doctor and the runtimes from a login shell, outside a chroot or a \
             sandboxed service",
            vec!["systemctl show -p RestrictNamespaces -p SystemCallFilter UNIT".into()],
        )]),
        ("unshare", "EACCES") => Finding::fail(
            Code::SecurityModuleDenied,
            "unshare(CLONE_NEWUSER) failed with EACCES: a security module denies user \
             namespaces to this process",
        )
        .fixes([sandbox_fix(&facts.sandbox)]),
        ("unshare", "ENOSPC") => enospc(knobs, distro),
        ("unshare", "EUSERS") => Finding::fail(
            Code::NestingTooDeep,
            "unshare(CLONE_NEWUSER) failed with EUSERS: the user namespace nesting depth limit \
             (32) is reached",
        )
        .fixes([Remediation::root(
            "start the runtimes from a less deeply nested user namespace (the host, or \
             the outermost container)",
            vec!["cat /proc/self/uid_map".into()],
        )])
        .with(
            facts
                .sandbox
                .uid_map
                .as_ref()
                .map(|m| Evidence::file("/proc/self/uid_map", m.clone())),
        ),
        ("unshare", "EINVAL" | "ENOSYS") if !knobs.ns_user_exists => Finding::fail(
            Code::NoUsernsSupport,
            format!(
                "unshare(CLONE_NEWUSER) failed with {errno} and {SELF_NS_USER} does not exist: \
                 the kernel was built without user namespace support (CONFIG_USER_NS)"
            ),
        )
        .fixes([Remediation::root(
            "boot a kernel built with CONFIG_USER_NS=y (the distribution's stock kernel)",
            vec![distro.install(&[fixes::kernel_package(distro)])],
        )])
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
            Finding::fail(
                Code::Rhel7Disabled,
                "unshare(CLONE_NEWUSER) failed with EINVAL: user namespaces are disabled on this \
                 RHEL 7 kernel (user.max_user_namespaces is 0 or user_namespace.enable is N)",
            )
            .fixes(list)
            .with(
                knobs
                    .rhel7_enable
                    .value()
                    .map(|v| Evidence::file(RHEL7_ENABLE, v)),
            )
        }
        ("setgroups", "ENOENT") => Finding::fail(
            Code::KernelTooOld,
            "/proc/self/setgroups does not exist: the kernel is older than 3.19 and cannot map \
             ids the way the runtimes do",
        )
        .fixes([Remediation::root(
            "upgrade to a kernel of 3.19 or later (5.11 or later for native overlay)",
            vec![distro.install(&[fixes::kernel_package(distro)])],
        )]),
        ("setgroups" | "uid_map" | "gid_map", "EPERM" | "EACCES") => {
            map_cause(facts, step, errno, filtered, distro)
        }
        ("verify", _) => Finding::fail(
            Code::NotRootInside,
            format!(
                "the user namespace was created and mapped, but the probe is not uid 0 in it: \
                 {}",
                if report.detail.is_empty() {
                    "the map was not applied".to_string()
                } else {
                    report.detail.clone()
                }
            ),
        )
        .fixes([sandbox_fix(&facts.sandbox)]),
        _ => Finding::error(
            Code::UnexpectedErrno,
            format!(
                "creating a user namespace failed with an unexpected {failed}{}",
                if report.detail.is_empty() {
                    String::new()
                } else {
                    format!(": {}", report.detail)
                }
            ),
        ),
    }
}

/// The AppArmor restriction in one of its shapes, naming the covered runtimes.
fn apparmor_cause(facts: &Facts, distro: &Distro, shape: &str) -> Finding {
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
    Finding::fail(
        Code::ApparmorRestriction,
        format!(
            "kernel.apparmor_restrict_unprivileged_userns is 1: {shape}; unconfined runtimes \
             need an AppArmor profile with userns{note}"
        ),
    )
    .fixes(apparmor::restriction_fixes(&facts.profiles, distro))
    .with(apparmor::coverage_evidence(&facts.profiles))
}

/// ENOSPC at unshare: the limit is 0, or used up.
fn enospc(knobs: &Knobs, distro: &Distro) -> Finding {
    let finding = match knobs.max_user.int() {
        Some(0) => Finding::fail(
            Code::MaxNamespacesZero,
            "user.max_user_namespaces is 0: unshare(CLONE_NEWUSER) fails with ENOSPC",
        ),
        Some(n) => Finding::fail(
            Code::LimitReached,
            format!(
                "unshare(CLONE_NEWUSER) failed with ENOSPC: the limit of {n} user namespaces \
                 (user.max_user_namespaces) is used up, here or in an enclosing namespace"
            ),
        ),
        None => Finding::fail(
            Code::LimitReached,
            format!(
                "unshare(CLONE_NEWUSER) failed with ENOSPC: a user namespace limit is reached \
                 ({MAX_USER} unreadable here)"
            ),
        ),
    };
    finding.fixes(fixes::max_namespaces(distro, "user.max_user_namespaces"))
}

/// EPERM or EACCES writing setgroups, uid_map or gid_map.
fn map_cause(facts: &Facts, step: &str, errno: &str, filtered: bool, distro: &Distro) -> Finding {
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
        return Finding::fail(
            Code::SandboxConfinesMapping,
            format!(
                "created a user namespace, but writing {file} failed with {errno}; {place}, \
                 whose sandbox confines new namespaces"
            ),
        )
        .fixes([sandbox_fix(&facts.sandbox)]);
    }
    let what = match step {
        "setgroups" => "writing \"deny\" to /proc/self/setgroups".to_string(),
        "uid_map" => format!("writing \"0 {} 1\" to /proc/self/uid_map", facts.uid),
        _ => format!("writing \"0 {} 1\" to /proc/self/gid_map", facts.gid),
    };
    Finding::fail(
        Code::MappingRefused,
        format!(
            "created a user namespace, but {what} failed with {errno}: the kernel lets a process \
             map only its own id, once, and a security module (SELinux, an LSM policy) refused \
             even that"
        ),
    )
    .fixes([sandbox_fix(&facts.sandbox)])
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
