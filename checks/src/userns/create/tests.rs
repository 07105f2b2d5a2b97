//! The `userns.create` judge, one test per cause.

use super::*;
use crate::model::CommonCode;
use crate::model::Status;
use crate::nsenv::Knob;
use crate::os_release::OsRelease;
use crate::testing::debian;
use crate::userns::profiles::Coverage;

fn failed(step: &str, errno: &str) -> Live {
    Live::Report(ProbeReport {
        ok: false,
        step: Some(step.into()),
        errno: Some(errno.into()),
        detail: format!("{step} failed"),
        ..Default::default()
    })
}

fn with_fact(live: Live, name: &str, value: &str) -> Live {
    let Live::Report(mut report) = live else {
        return live;
    };
    report.facts.insert(name.into(), value.into());
    Live::Report(report)
}

fn facts(probe: Live) -> Facts {
    let mut knobs = Knobs::unknown();
    knobs.clone = Knob::of("1");
    knobs.max_user = Knob::of("63000");
    knobs.apparmor = Knob::of("0");
    Facts {
        uid: 1000,
        gid: 1000,
        probe,
        knobs,
        sandbox: Sandbox::default(),
        profiles: Profiles::default(),
    }
}

fn ok(caps: &str) -> Live {
    let mut report = ProbeReport {
        ok: true,
        detail: "mapped".into(),
        ..Default::default()
    };
    report.facts.insert("uid_map".into(), "0 1000 1".into());
    report.facts.insert("cap_sys_admin".into(), caps.into());
    Live::Report(report)
}

fn judged(f: &Facts) -> Outcome {
    let outcome = judge(f, &debian());
    assert!(
        crate::check::coded_as_declared(&CREATE, &outcome),
        "{outcome:?}"
    );
    outcome
}

fn has_setting(outcome: &Outcome, name: &str, value: &str) -> bool {
    outcome.evidence.contains(&Evidence::setting(name, value))
}

#[test]
fn success_passes_and_names_the_uid() {
    let outcome = judged(&facts(ok("yes")));
    assert_eq!(outcome.status, Status::Pass);
    assert_eq!(outcome.code, None);
    assert_eq!(
        outcome.message,
        "created a user namespace and mapped uid 1000 to 0"
    );
    assert!(
        matches!(&outcome.evidence[0], Evidence::Probe { ok: true, name, .. } if name == "userns-create")
    );
    assert!(outcome
        .evidence
        .contains(&Evidence::fact("uid_map", "0 1000 1")));
}

#[test]
fn not_run_skips_timeouts_and_broken_probes_are_errors() {
    let outcome = judged(&facts(Live::NotRun("live probes not run: x".into())));
    assert_eq!(outcome.status, Status::Skip);
    assert!(outcome.is(CommonCode::ProbeNotRun));
    assert_eq!(
        outcome.skip_reason.as_deref(),
        Some("live probes not run: x")
    );
    let outcome = judged(&facts(Live::TimedOut(3.0)));
    assert_eq!(outcome.status, Status::Error);
    assert!(outcome.is(CommonCode::ProbeTimedOut));
    assert_eq!(
        outcome.message,
        "the userns-create probe timed out after 3 s"
    );
    let outcome = judged(&facts(Live::Broken("no output".into())));
    assert_eq!(outcome.status, Status::Error);
    assert!(outcome.is(CommonCode::ProbeBroken));
}

#[test]
fn eperm_with_the_clone_sysctl_at_zero() {
    let mut f = facts(failed("unshare", "EPERM"));
    f.knobs.clone = Knob::of("0");
    let outcome = judged(&f);
    assert_eq!(outcome.status, Status::Fail);
    assert!(outcome.is(Code::CloneSysctlOff));
    assert!(outcome
        .message
        .starts_with("kernel.unprivileged_userns_clone is 0"));
    assert!(has_setting(
        &outcome,
        "kernel.unprivileged_userns_clone",
        "0"
    ));
    assert_eq!(
        outcome.remediation[0].commands,
        ["sysctl -w kernel.unprivileged_userns_clone=1"]
    );
    assert!(outcome.remediation[1].persistent);
}

#[test]
fn enospc_with_the_limit_at_zero_or_used_up() {
    let mut f = facts(failed("unshare", "ENOSPC"));
    f.knobs.max_user = Knob::of("0");
    let outcome = judged(&f);
    assert_eq!(outcome.status, Status::Fail);
    assert!(outcome.is(Code::MaxNamespacesZero));
    assert!(outcome.message.starts_with("user.max_user_namespaces is 0"));
    assert_eq!(
        outcome.remediation[0].commands,
        ["sysctl -w user.max_user_namespaces=28633"]
    );
    f.knobs.max_user = Knob::of("10");
    let outcome = judged(&f);
    assert!(outcome.is(Code::LimitReached));
    assert!(outcome.message.contains("the limit of 10 user namespaces"));
    f.knobs.max_user = Knob::Absent;
    let outcome = judged(&f);
    assert_eq!(outcome.status, Status::Fail);
    assert!(outcome.is(Code::LimitReached));
    assert!(outcome.message.contains("unreadable"));
}

#[test]
fn eusers_is_the_nesting_depth() {
    let outcome = judged(&facts(failed("unshare", "EUSERS")));
    assert_eq!(outcome.status, Status::Fail);
    assert!(outcome.is(Code::NestingTooDeep));
    assert!(outcome.message.contains("nesting depth"));
    assert!(!outcome.remediation.is_empty());
}

#[test]
fn apparmor_denial_and_capless_namespaces() {
    let mut f = facts(failed("unshare", "EACCES"));
    f.knobs.apparmor = Knob::of("1");
    f.profiles.runtimes.push(Coverage {
        tool: "podman".into(),
        path: "/usr/bin/podman".into(),
        profile: Some("/etc/apparmor.d/podman".into()),
    });
    f.profiles.runtimes.push(Coverage {
        tool: "runc".into(),
        path: "/usr/sbin/runc".into(),
        profile: None,
    });
    let outcome = judged(&f);
    assert_eq!(outcome.status, Status::Fail);
    assert!(outcome.is(Code::ApparmorRestriction));
    assert!(outcome.message.starts_with(
        "kernel.apparmor_restrict_unprivileged_userns is 1: unshare(CLONE_NEWUSER) was denied"
    ));
    assert!(outcome.message.contains("podman is covered"));
    assert!(outcome.remediation[0].commands[0].contains("profile runc /usr/sbin/runc"));
    // EPERM at unshare (some Ubuntu kernels) and EPERM at uid_map (the transition).
    f.probe = failed("unshare", "EPERM");
    let outcome = judged(&f);
    assert!(outcome.is(Code::ApparmorRestriction));
    assert!(outcome.message.contains("was denied"));
    f.probe = failed("uid_map", "EPERM");
    let outcome = judged(&f);
    assert_eq!(outcome.status, Status::Fail);
    assert!(outcome.is(Code::ApparmorRestriction));
    assert!(outcome.message.contains("had no capabilities"));
    assert!(outcome.message.contains("/proc/self/uid_map"));
    // Created and mapped, but without CAP_SYS_ADMIN.
    f.probe = ok("no");
    let outcome = judged(&f);
    assert_eq!(outcome.status, Status::Fail);
    assert!(outcome.is(Code::ApparmorRestriction));
    assert!(outcome.message.contains("no capabilities"));
}

#[test]
fn a_capless_namespace_without_apparmor_still_fails() {
    let outcome = judged(&facts(ok("no")));
    assert_eq!(outcome.status, Status::Fail);
    assert!(outcome.is(Code::CaplessNamespace));
    assert!(outcome.message.contains("no CAP_SYS_ADMIN"));
}

#[test]
fn seccomp_in_a_container() {
    let mut f = facts(with_fact(failed("unshare", "EPERM"), "seccomp", "2"));
    f.sandbox.dockerenv = true;
    let outcome = judged(&f);
    assert_eq!(outcome.status, Status::Fail);
    assert!(outcome.is(Code::SeccompFilter));
    assert_eq!(
        outcome.message,
        "a seccomp filter forbids unshare(CLONE_NEWUSER) (EPERM, Seccomp: 2); the doctor runs \
         inside a container"
    );
    assert!(outcome
        .evidence
        .contains(&Evidence::fact("seccomp", "Seccomp: 2")));
    assert!(outcome
        .evidence
        .contains(&Evidence::fact("container", "/.dockerenv exists")));
    assert!(outcome.remediation[0].commands[0].contains("seccomp=unconfined"));
}

#[test]
fn seccomp_outside_a_container_and_from_the_doctors_own_status() {
    let mut f = facts(failed("unshare", "EPERM"));
    f.sandbox.seccomp = Some("2".into());
    let outcome = judged(&f);
    assert!(outcome.is(Code::SeccompFilter));
    assert_eq!(
        outcome.message,
        "a seccomp filter forbids unshare(CLONE_NEWUSER) (EPERM, Seccomp: 2)"
    );
    assert!(outcome.remediation[0]
        .summary
        .contains("RestrictNamespaces"));
    // A nested user namespace is named too.
    f.sandbox.uid_map = Some("0 1000 1".into());
    assert!(judged(&f)
        .message
        .ends_with("inside a nested user namespace"));
}

#[test]
fn eperm_in_a_container_without_seccomp() {
    let mut f = facts(failed("unshare", "EPERM"));
    f.sandbox.containerenv = true;
    let outcome = judged(&f);
    assert!(outcome.message.contains("inside a container"));
    assert_eq!(outcome.status, Status::Fail);
    assert!(outcome.is(Code::ContainerSandbox));
    f.probe = failed("unshare", "EACCES");
    assert!(judged(&f).is(Code::ContainerSandbox));
}

#[test]
fn unexplained_eperm_and_eacces_still_fail() {
    let outcome = judged(&facts(failed("unshare", "EPERM")));
    assert_eq!(outcome.status, Status::Fail);
    assert!(outcome.is(Code::UnexplainedEperm));
    assert!(outcome.message.contains("chroot"));
    let outcome = judged(&facts(failed("unshare", "EACCES")));
    assert_eq!(outcome.status, Status::Fail);
    assert!(outcome.is(Code::SecurityModuleDenied));
    assert!(outcome.message.contains("security module"));
}

#[test]
fn einval_without_kernel_support() {
    let mut f = facts(failed("unshare", "EINVAL"));
    f.knobs.ns_user_exists = false;
    let outcome = judged(&f);
    assert_eq!(outcome.status, Status::Fail);
    assert!(outcome.is(Code::NoUsernsSupport));
    assert!(outcome.message.contains("CONFIG_USER_NS"));
    assert!(outcome
        .evidence
        .contains(&Evidence::fact("/proc/self/ns/user", "missing")));
}

#[test]
fn einval_on_rhel7_is_the_limit() {
    let mut f = facts(failed("unshare", "EINVAL"));
    f.knobs.max_user = Knob::of("0");
    f.knobs.rhel7_enable = Knob::of("N");
    f.knobs.kernel_release = Some("3.10.0-1160.el7.x86_64".into());
    let outcome = judge(
        &f,
        &Distro::from_os_release(&OsRelease::parse("ID=centos\nVERSION_ID=7\n")),
    );
    assert_eq!(outcome.status, Status::Fail);
    assert!(outcome.is(Code::Rhel7Disabled));
    assert!(outcome.message.contains("RHEL 7"));
    assert!(outcome
        .remediation
        .iter()
        .any(|r| r.commands[0].contains("user_namespace.enable=1")));
}

#[test]
fn einval_otherwise_is_an_error() {
    let outcome = judged(&facts(failed("unshare", "EINVAL")));
    assert_eq!(outcome.status, Status::Error);
    assert!(outcome.is(Code::UnexpectedErrno));
    assert!(outcome.message.contains("unexpected EINVAL at unshare"));
}

#[test]
fn map_writes_refused() {
    let outcome = judged(&facts(failed("uid_map", "EPERM")));
    assert_eq!(outcome.status, Status::Fail);
    assert!(outcome.is(Code::MappingRefused));
    assert!(outcome
        .message
        .contains("writing \"0 1000 1\" to /proc/self/uid_map failed with EPERM"));
    let outcome = judged(&facts(failed("setgroups", "EACCES")));
    assert!(outcome.is(Code::MappingRefused));
    assert!(outcome.message.contains("/proc/self/setgroups"));
    let mut f = facts(failed("gid_map", "EPERM"));
    f.sandbox.pid1_cgroup = Some("0::/kubepods/x".into());
    let outcome = judged(&f);
    assert!(outcome.is(Code::SandboxConfinesMapping));
    assert!(outcome.message.contains("inside a container"));
    let outcome = judged(&facts(failed("setgroups", "ENOENT")));
    assert!(outcome.is(Code::KernelTooOld));
    assert!(outcome.message.contains("older than 3.19"));
}

#[test]
fn a_failed_verify_fails() {
    let outcome = judged(&facts(failed("verify", "")));
    assert_eq!(outcome.status, Status::Fail);
    assert!(outcome.is(Code::NotRootInside));
    assert!(outcome.message.contains("not uid 0"));
}

#[test]
fn unknown_errnos_are_errors() {
    let outcome = judged(&facts(failed("unshare", "ENOMEM")));
    assert_eq!(outcome.status, Status::Error);
    assert!(outcome.is(Code::UnexpectedErrno));
    assert!(outcome.message.contains("ENOMEM at unshare"));
}

#[test]
fn every_fail_has_evidence_and_a_fix() {
    let cases = [
        failed("unshare", "EPERM"),
        failed("unshare", "EACCES"),
        failed("unshare", "ENOSPC"),
        failed("unshare", "EUSERS"),
        failed("uid_map", "EPERM"),
        failed("setgroups", "ENOENT"),
        failed("verify", ""),
        ok("no"),
    ];
    for probe in cases {
        let outcome = judged(&facts(probe));
        assert_eq!(outcome.status, Status::Fail, "{outcome:?}");
        assert!(!outcome.evidence.is_empty());
        assert!(!outcome.remediation.is_empty(), "{outcome:?}");
        assert!(outcome
            .remediation
            .iter()
            .all(|r| !r.commands.is_empty() && !r.summary.is_empty()));
    }
}

#[test]
fn every_cause_has_its_own_code() {
    let mut codes = Vec::new();
    let mut clone_off = facts(failed("unshare", "EPERM"));
    clone_off.knobs.clone = Knob::of("0");
    codes.push(judged(&clone_off).code);
    let mut apparmor = facts(failed("unshare", "EACCES"));
    apparmor.knobs.apparmor = Knob::of("1");
    codes.push(judged(&apparmor).code);
    codes.push(judged(&facts(ok("no"))).code);
    let mut seccomp = facts(failed("unshare", "EPERM"));
    seccomp.sandbox.seccomp = Some("2".into());
    codes.push(judged(&seccomp).code);
    let mut container = facts(failed("unshare", "EPERM"));
    container.sandbox.dockerenv = true;
    codes.push(judged(&container).code);
    codes.push(judged(&facts(failed("unshare", "EPERM"))).code);
    codes.push(judged(&facts(failed("unshare", "EACCES"))).code);
    let mut zero = facts(failed("unshare", "ENOSPC"));
    zero.knobs.max_user = Knob::of("0");
    codes.push(judged(&zero).code);
    codes.push(judged(&facts(failed("unshare", "ENOSPC"))).code);
    codes.push(judged(&facts(failed("unshare", "EUSERS"))).code);
    let mut unsupported = facts(failed("unshare", "ENOSYS"));
    unsupported.knobs.ns_user_exists = false;
    codes.push(judged(&unsupported).code);
    codes.push(judged(&facts(failed("setgroups", "ENOENT"))).code);
    let mut nested = facts(failed("uid_map", "EPERM"));
    nested.sandbox.uid_map = Some("0 1000 1".into());
    codes.push(judged(&nested).code);
    codes.push(judged(&facts(failed("gid_map", "EACCES"))).code);
    codes.push(judged(&facts(failed("verify", ""))).code);
    codes.push(judged(&facts(failed("unshare", "EINVAL"))).code);
    let names: Vec<&str> = codes.iter().map(|c| c.unwrap().as_str()).collect();
    assert_eq!(
        names,
        [
            "clone-sysctl-off",
            "apparmor-restriction",
            "capless-namespace",
            "seccomp-filter",
            "container-sandbox",
            "unexplained-eperm",
            "security-module-denied",
            "max-namespaces-zero",
            "limit-reached",
            "nesting-too-deep",
            "no-userns-support",
            "kernel-too-old",
            "sandbox-confines-mapping",
            "mapping-refused",
            "not-root-inside",
            "unexpected-errno",
        ]
    );
}
