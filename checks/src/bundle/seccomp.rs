//! `bundle.seccomp`: a `linux.seccomp` profile runc 1.1 and its libseccomp
//! (2.5.4) accept. specconv converts actions, architectures and operators by
//! name (libcontainer/seccomp/config.go) and refuses `flags`; at container
//! init `InitSeccomp` refuses SCMP_ACT_NOTIFY as the default action or for
//! `write`, an empty syscall name and an argument index past 5, and ignores a
//! syscall name libseccomp cannot resolve (logged at debug level only): the
//! doctor warns about those, naming them. The names libseccomp 2.5.4 resolves
//! are every row of its src/syscalls.csv (`seccomp_syscalls.txt`).
//!
//! Decisions: docs/checks/bundle.md, section `bundle.seccomp`.

use super::problems::{conclude, Problem};
use super::target::{target, Target};
use super::{with_spec, Code};
use crate::check::{CheckDef, Context, Outcome};
use crate::model::{Evidence, Remediation};
use crate::spec::{Seccomp, Spec};

pub static SECCOMP: CheckDef = CheckDef {
    id: "bundle.seccomp",
    title: "bundle seccomp profile",
    description: "linux.seccomp names only actions, architectures and operators the runtime \
                  knows, no flags (runc 1.1), no SCMP_ACT_NOTIFY default, argument indexes \
                  0-5, no empty syscall name; syscall names libseccomp does not know are \
                  reported, as runc ignores them.",
    codes: &[
        Code::NoBundle.code(),
        Code::SeccompFlags.code(),
        Code::SeccompUnknownArch.code(),
        Code::SeccompUnknownAction.code(),
        Code::SeccompUnknownOperator.code(),
        Code::SeccompNotifyMisuse.code(),
        Code::SeccompEmptyName.code(),
        Code::SeccompArgIndex.code(),
        Code::SeccompUnknownSyscall.code(),
    ],
    probes: &[],
    run,
};

fn run(ctx: &Context<'_>) -> Outcome {
    with_spec(ctx, |ctx, _, spec| judge(spec, target(ctx).as_ref()))
}

/// Syscall names libseccomp 2.5.4 resolves (its syscalls.csv, any arch).
const SYSCALLS: &str = include_str!("seccomp_syscalls.txt");

/// Whether libseccomp 2.5.4 resolves `name`.
pub fn known_syscall(name: &str) -> bool {
    SYSCALLS.lines().any(|line| line == name)
}

const ACTIONS: &[&str] = &[
    "SCMP_ACT_KILL",
    "SCMP_ACT_ERRNO",
    "SCMP_ACT_TRAP",
    "SCMP_ACT_ALLOW",
    "SCMP_ACT_TRACE",
    "SCMP_ACT_LOG",
    "SCMP_ACT_NOTIFY",
    "SCMP_ACT_KILL_THREAD",
    "SCMP_ACT_KILL_PROCESS",
];

const ARCHES: &[&str] = &[
    "SCMP_ARCH_X86",
    "SCMP_ARCH_X86_64",
    "SCMP_ARCH_X32",
    "SCMP_ARCH_ARM",
    "SCMP_ARCH_AARCH64",
    "SCMP_ARCH_MIPS",
    "SCMP_ARCH_MIPS64",
    "SCMP_ARCH_MIPS64N32",
    "SCMP_ARCH_MIPSEL",
    "SCMP_ARCH_MIPSEL64",
    "SCMP_ARCH_MIPSEL64N32",
    "SCMP_ARCH_PPC",
    "SCMP_ARCH_PPC64",
    "SCMP_ARCH_PPC64LE",
    "SCMP_ARCH_S390",
    "SCMP_ARCH_S390X",
];

const OPERATORS: &[&str] = &[
    "SCMP_CMP_NE",
    "SCMP_CMP_LT",
    "SCMP_CMP_LE",
    "SCMP_CMP_EQ",
    "SCMP_CMP_GE",
    "SCMP_CMP_GT",
    "SCMP_CMP_MASKED_EQ",
];

/// The action class runc's getAction maps a name to (KILL and KILL_THREAD
/// are the same libseccomp action); used to skip rules equal to the default.
fn action_class(action: &str) -> &str {
    match action {
        "SCMP_ACT_KILL" => "SCMP_ACT_KILL_THREAD",
        other => other,
    }
}

/// Judges `linux.seccomp`.
pub fn judge(spec: &Spec, target: Option<&Target>) -> Outcome {
    let runtime = target.map_or_else(|| "runc 1.1".to_string(), Target::label);
    let Some(seccomp) = spec.linux.as_ref().and_then(|l| l.seccomp.as_ref()) else {
        return Outcome::pass("no seccomp profile");
    };
    let mut evidence = vec![Evidence::fact("predicted for", runtime.clone())];
    let problems = problems(seccomp, &mut evidence);
    let rules = seccomp.syscalls.as_ref().map_or(0, Vec::len);
    conclude(
        problems,
        evidence,
        format!("the seccomp profile ({rules} rules) is one {runtime} loads"),
    )
}

fn problems(s: &Seccomp, evidence: &mut Vec<Evidence>) -> Vec<Problem> {
    let mut out = Vec::new();
    let default = s.default_action.clone().unwrap_or_default();
    let syscalls = s.syscalls.clone().unwrap_or_default();
    evidence.push(Evidence::fact(
        "linux.seccomp",
        format!(
            "defaultAction {default:?}, architectures {:?}, {} rules",
            s.architectures.clone().unwrap_or_default(),
            syscalls.len()
        ),
    ));
    if default.is_empty() && syscalls.is_empty() {
        return out;
    }
    let fix = |what: &str| {
        Remediation::root(
            format!("{what} in linux.seccomp (runc features lists what this runc knows)"),
            vec!["runc features".into()],
        )
        .as_user()
    };
    // specconv.SetupSeccomp, in its order; it stops at the first.
    let mut convert = Vec::new();
    if s.flags.as_ref().is_some_and(|f| !f.is_empty()) {
        convert.push(
            Problem::fail(
                0,
                Code::SeccompFlags,
                "linux.seccomp.flags is set; runc will fail: seccomp flags are not yet supported \
                 by runc",
            )
            .fix(fix("drop flags")),
        );
    }
    for arch in s.architectures.iter().flatten() {
        if !ARCHES.contains(&arch.as_str()) {
            convert.push(
                Problem::fail(
                    0,
                    Code::SeccompUnknownArch,
                    format!(
                        "seccomp architecture {arch:?} is unknown; runc will fail: string {arch} \
                         is not a valid arch for seccomp"
                    ),
                )
                .fix(fix("use SCMP_ARCH_ names")),
            );
        }
    }
    let bad_action = |action: &str, at: &str| {
        Problem::fail(
            0,
            Code::SeccompUnknownAction,
            format!(
                "seccomp {at} {action:?} is not an action runc knows; runc will fail: string \
                 {action} is not a valid action for seccomp"
            ),
        )
        .fix(fix("use SCMP_ACT_ names"))
    };
    if !ACTIONS.contains(&default.as_str()) {
        convert.push(bad_action(&default, "defaultAction"));
    }
    for (i, call) in syscalls.iter().enumerate() {
        let action = call.action.clone().unwrap_or_default();
        if !ACTIONS.contains(&action.as_str()) {
            convert.push(bad_action(&action, &format!("syscalls[{i}].action")));
            continue;
        }
        if call.names.as_ref().is_none_or(Vec::is_empty) {
            continue;
        }
        for arg in call.args.iter().flatten() {
            let op = arg.op.clone().unwrap_or_default();
            if !OPERATORS.contains(&op.as_str()) {
                convert.push(
                    Problem::fail(
                        0,
                        Code::SeccompUnknownOperator,
                        format!(
                            "seccomp syscalls[{i}] has operator {op:?}; runc will fail: string \
                             {op} is not a valid operator for seccomp"
                        ),
                    )
                    .fix(fix("use SCMP_CMP_ operators")),
                );
            }
        }
    }
    if !convert.is_empty() {
        return convert;
    }
    // InitSeccomp, at container init.
    let mut unknown = Vec::new();
    for call in &syscalls {
        let action = call.action.clone().unwrap_or_default();
        if action == "SCMP_ACT_NOTIFY" && call.names.iter().flatten().any(|n| n == "write") {
            out.push(Problem::fail(
                4,
                Code::SeccompNotifyMisuse,
                "SCMP_ACT_NOTIFY is set for write; runc will fail: unable to init seccomp: \
                 SCMP_ACT_NOTIFY cannot be used for the write syscall",
            ));
        }
    }
    if out.is_empty() && default == "SCMP_ACT_NOTIFY" {
        out.push(Problem::fail(
            4,
            Code::SeccompNotifyMisuse,
            "SCMP_ACT_NOTIFY is the default action; runc will fail: unable to init seccomp: \
             SCMP_ACT_NOTIFY cannot be used as default action",
        ));
    }
    if !out.is_empty() {
        return out;
    }
    'calls: for call in &syscalls {
        let action = call.action.clone().unwrap_or_default();
        for name in call.names.iter().flatten() {
            if name.is_empty() {
                out.push(Problem::fail(
                    4,
                    Code::SeccompEmptyName,
                    "a seccomp rule names the empty syscall; runc will fail: unable to init \
                     seccomp: empty string is not a valid syscall",
                ));
                break 'calls;
            }
            if action_class(&action) == action_class(&default) {
                continue;
            }
            if !known_syscall(name) {
                if !unknown.contains(name) {
                    unknown.push(name.clone());
                }
                continue;
            }
            if let Some(index) = call
                .args
                .iter()
                .flatten()
                .filter_map(|a| a.index)
                .find(|&i| i > 5)
            {
                out.push(Problem::fail(
                    4,
                    Code::SeccompArgIndex,
                    format!(
                        "the seccomp rule for {name} tests argument index {index}; runc will \
                         fail: unable to init seccomp: error creating seccomp syscall condition \
                         for syscall {name}: syscalls only have up to 6 arguments ({index} given)"
                    ),
                ));
                break 'calls;
            }
        }
    }
    if !unknown.is_empty() {
        out.push(Problem::warn(
            4,
            Code::SeccompUnknownSyscall,
            format!(
                "libseccomp 2.5.4 does not know syscall {}; runc ignores {} (logged at debug \
                 level only), so the profile does not filter {}",
                unknown.join(", "),
                if unknown.len() == 1 { "it" } else { "them" },
                if unknown.len() == 1 { "it" } else { "them" }
            ),
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::spec::{Linux, SeccompArg, SeccompSyscall};
    use crate::Status;

    fn spec(seccomp: Seccomp) -> Spec {
        Spec {
            linux: Some(Linux {
                seccomp: Some(seccomp),
                ..Linux::default()
            }),
            ..Spec::default()
        }
    }

    fn rule(names: &[&str], action: &str, args: Vec<SeccompArg>) -> SeccompSyscall {
        SeccompSyscall {
            names: Some(names.iter().map(|s| s.to_string()).collect()),
            action: Some(action.into()),
            args: Some(args),
        }
    }

    fn allow(rules: Vec<SeccompSyscall>) -> Seccomp {
        Seccomp {
            default_action: Some("SCMP_ACT_ALLOW".into()),
            syscalls: Some(rules),
            ..Seccomp::default()
        }
    }

    fn arg(index: u64, op: &str) -> SeccompArg {
        SeccompArg {
            index: Some(index),
            value: Some(1),
            value_two: None,
            op: Some(op.into()),
        }
    }

    #[test]
    fn a_good_profile_passes_and_unknown_syscalls_warn_by_name() {
        let good = allow(vec![rule(
            &["mkdir"],
            "SCMP_ACT_ERRNO",
            vec![arg(0, "SCMP_CMP_EQ")],
        )]);
        assert_eq!(judge(&spec(good), None).status, Status::Pass);
        let out = judge(
            &spec(allow(vec![rule(
                &["nosuchcall", "mkdir"],
                "SCMP_ACT_ERRNO",
                vec![],
            )])),
            None,
        );
        assert!(out.is(Code::SeccompUnknownSyscall));
        assert_eq!(out.status, Status::Warn);
        assert!(out.message.contains("nosuchcall"));
    }

    #[test]
    fn unknown_names_fail_with_runcs_exact_errors() {
        let out = judge(
            &spec(allow(vec![rule(&["mkdir"], "SCMP_ACT_NOPE", vec![])])),
            None,
        );
        assert!(out
            .message
            .ends_with("string SCMP_ACT_NOPE is not a valid action for seccomp"));
        let mut arch = allow(vec![]);
        arch.architectures = Some(vec!["SCMP_ARCH_NOPE".into()]);
        assert!(judge(&spec(arch), None).is(Code::SeccompUnknownArch));
        let op = allow(vec![rule(
            &["mkdir"],
            "SCMP_ACT_ERRNO",
            vec![arg(0, "SCMP_CMP_NOPE")],
        )]);
        assert!(judge(&spec(op), None)
            .message
            .ends_with("string SCMP_CMP_NOPE is not a valid operator for seccomp"));
    }

    #[test]
    fn init_time_refusals() {
        let notify = Seccomp {
            default_action: Some("SCMP_ACT_NOTIFY".into()),
            ..Seccomp::default()
        };
        assert!(judge(&spec(notify), None).is(Code::SeccompNotifyMisuse));
        let idx = allow(vec![rule(
            &["mkdir"],
            "SCMP_ACT_ERRNO",
            vec![arg(7, "SCMP_CMP_EQ")],
        )]);
        assert!(judge(&spec(idx), None)
            .message
            .ends_with("syscalls only have up to 6 arguments (7 given)"));
        let empty = allow(vec![rule(&[""], "SCMP_ACT_ERRNO", vec![])]);
        assert!(judge(&spec(empty), None).is(Code::SeccompEmptyName));
        let mut flags = allow(vec![]);
        flags.flags = Some(vec!["SECCOMP_FILTER_FLAG_LOG".into()]);
        assert!(judge(&spec(flags), None).is(Code::SeccompFlags));
    }

    #[test]
    fn an_empty_profile_is_no_profile() {
        assert_eq!(judge(&spec(Seccomp::default()), None).status, Status::Pass);
        assert!(known_syscall("mkdir") && known_syscall("accept") && !known_syscall(""));
    }
}
