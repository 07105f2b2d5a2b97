//! `runtime.bwrap`: whether bwrap starts at all for the subject. bwrap
//! (0.4 and later; 0.8.0 read) refuses to run when it is not setuid and yet
//! holds permitted capabilities after exec, before it looks at its arguments
//! (`acquire_privs`: "Unexpected capabilities but not setuid, old file caps
//! config?"), unless the real uid is 0.
//!
//! The bwrap found for the engines ([`super::tools`]: the subject's PATH,
//! then the system directories) is judged from its typed facts: setuid root,
//! its file capabilities ([`crate::filecaps`]), the mount holding it
//! (nosuid ignores file capabilities), and this process's NoNewPrivs
//! (ignores them too), inheritable and ambient capabilities (read only when
//! the doctor runs as the subject itself; root diagnosing a user cannot know
//! the capabilities of the user's callers).
//!
//! Decisions: docs/checks/runtime.md, section `runtime.bwrap`.

use super::tools;
use super::Code;
use crate::check::{CheckDef, Context, Finding, Outcome, Tool};
use crate::distro::Distro;
use crate::filecaps::{self, CapsState, ProcessCaps};
use crate::host::HostFs;
use crate::model::{Evidence, Remediation};
use crate::mountinfo;
use crate::shell::quote;
use crate::subject::Subject;

pub static BWRAP: CheckDef = CheckDef {
    id: "runtime.bwrap",
    title: "bubblewrap starts",
    description: "bwrap is setuid root, or holds no capabilities when it starts (no file \
                  capabilities, no inherited ones), which a non-setuid bwrap refuses.",
    codes: &[
        Code::BwrapNotInstalled.code(),
        Code::BwrapFileCaps.code(),
        Code::BwrapAmbientCaps.code(),
        Code::BwrapCapsUnknown.code(),
    ],
    probes: &[],
    run,
};

/// What decides whether bwrap keeps capabilities at exec.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Facts {
    /// The bwrap the engines section lists, if any.
    pub tool: Option<Tool>,
    /// The subject's uid (bwrap run by uid 0 keeps its capabilities).
    pub uid: u32,
    /// The mount holding bwrap is nosuid (file capabilities ignored).
    pub nosuid: bool,
    /// This process's NoNewPrivs, inheritable and ambient capabilities, when
    /// the doctor runs as the subject (else all `None`).
    pub process: ProcessCaps,
}

fn run(ctx: &Context<'_>) -> Outcome {
    judge(&gather(ctx.host, ctx.subject), &ctx.distro)
}

/// Gathers the facts for `subject`.
pub fn gather(host: &HostFs, subject: &Subject) -> Facts {
    let tool = tools::gather(host, subject)
        .into_iter()
        .find(|t| t.name == "bwrap");
    let nosuid = tool.as_ref().is_some_and(|t| {
        let target = host
            .canonicalize(&t.path)
            .unwrap_or_else(|_| t.path.clone());
        let mounts = mountinfo::read(host);
        mountinfo::mount_of(&mounts, &target).is_some_and(|m| m.has_option("nosuid"))
    });
    let process = if subject.is_invoker {
        ProcessCaps::read(host)
    } else {
        ProcessCaps::default()
    };
    Facts {
        tool,
        uid: subject.uid,
        nosuid,
        process,
    }
}

/// Decides the outcome.
pub fn judge(facts: &Facts, distro: &Distro) -> Outcome {
    let Some(tool) = &facts.tool else {
        return Outcome::skip(Code::BwrapNotInstalled, "bwrap is not installed");
    };
    let path = tool.path.display().to_string();
    let caps_evidence = Evidence::fact(
        "file capabilities",
        format!("{path}: {}", describe(&tool.file_caps)),
    );
    if facts.uid == 0 {
        return Outcome::pass(format!(
            "{path} runs as root here: bwrap keeps root's capabilities (uid 0)"
        ))
        .with(caps_evidence);
    }
    if tool.setuid_root {
        return Outcome::pass(format!(
            "{path} is setuid root: bwrap drops its privileges itself"
        ))
        .with(caps_evidence);
    }
    let ignored = if facts.process.no_new_privs == Some(true) {
        Some("NoNewPrivs is set")
    } else if facts.nosuid {
        Some("its mount is nosuid")
    } else {
        None
    };
    let gained = match &tool.file_caps {
        CapsState::Decoded(caps) if ignored.is_none() && caps.rootid.unwrap_or(0) == 0 => {
            caps.permitted | (caps.inheritable & facts.process.inheritable.unwrap_or(0))
        }
        CapsState::Invalid(e) => {
            return Finding::error(
                Code::BwrapCapsUnknown,
                format!("{path} has a security.capability bwrap cannot start with: {e}"),
            )
            .fixes([remove_caps(&path, distro)])
            .with([caps_evidence])
            .outcome();
        }
        CapsState::Unreadable(e) => {
            return Finding::error(
                Code::BwrapCapsUnknown,
                format!("the file capabilities of {path} could not be read: {e}"),
            )
            .outcome();
        }
        _ => 0,
    };
    if gained != 0 {
        return Finding::fail(
            Code::BwrapFileCaps,
            format!(
                "{path} is not setuid but has file capabilities ({}): started by uid {} it \
                 holds {} and refuses to run: \"bwrap: Unexpected capabilities but not setuid, \
                 old file caps config?\"",
                describe(&tool.file_caps),
                facts.uid,
                filecaps::names(gained)
            ),
        )
        .fixes([remove_caps(&path, distro)])
        .with([caps_evidence])
        .outcome();
    }
    if let Some(ambient) = facts.process.ambient.filter(|a| *a != 0) {
        return Finding::fail(
            Code::BwrapAmbientCaps,
            format!(
                "this process holds ambient capabilities ({}), which {path} inherits: it \
                 refuses to run: \"bwrap: Unexpected capabilities but not setuid, old file \
                 caps config?\"",
                filecaps::names(ambient)
            ),
        )
        .fixes([Remediation::root(
            "start bwrap's caller without capabilities (a unit's AmbientCapabilities= and \
             CapabilityBoundingSet= emptied, or `capsh --drop=...` before it)",
            vec![],
        )])
        .with([Evidence::file(
            "/proc/self/status",
            format!("CapAmb:\t{ambient:016x}"),
        )])
        .outcome();
    }
    let why = match (&tool.file_caps, ignored) {
        (CapsState::Decoded(_), Some(why)) => format!("its file capabilities are ignored ({why})"),
        (CapsState::Decoded(_), None) => {
            "its file capabilities belong to another user namespace".into()
        }
        _ => "it has no file capabilities".into(),
    };
    Outcome::pass(format!(
        "{path} is not setuid and {why}: it starts without capabilities and uses an \
         unprivileged user namespace"
    ))
    .with(caps_evidence)
}

/// libcap's text of the capabilities, `none` without them.
fn describe(caps: &CapsState) -> String {
    match caps {
        CapsState::None => "none".into(),
        CapsState::Decoded(caps) => caps.to_string(),
        CapsState::Invalid(e) => format!("invalid: {e}"),
        CapsState::Unreadable(e) => format!("unreadable: {e}"),
    }
}

/// Dropping bwrap's file capabilities (the package installs it without
/// them, or setuid root on old distributions).
fn remove_caps(path: &str, distro: &Distro) -> Remediation {
    Remediation::root(
        format!(
            "remove the file capabilities of {path} (bwrap 0.4 and later support setuid root \
             or none; `{}` restores the packaged file)",
            distro.reinstall("bubblewrap")
        ),
        vec![format!("setcap -r {}", quote(path))],
    )
    .unless(format!("test -z \"$(getcap {})\"", quote(path)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::filecaps::{decode, FileCaps};
    use crate::model::Status;
    use crate::testing::debian;

    const NET_ADMIN: u64 = 1 << 12;

    fn caps(permitted: u64, rootid: Option<u32>) -> CapsState {
        CapsState::Decoded(FileCaps {
            revision: if rootid.is_some() { 3 } else { 2 },
            permitted,
            inheritable: 0,
            effective: true,
            rootid,
        })
    }

    fn facts(file_caps: CapsState, setuid_root: bool) -> Facts {
        Facts {
            tool: Some(Tool {
                name: "bwrap",
                path: "/usr/bin/bwrap".into(),
                setuid_root,
                file_caps,
            }),
            uid: 1000,
            nosuid: false,
            process: ProcessCaps::default(),
        }
    }

    #[test]
    fn plain_bwrap_passes_and_absent_skips() {
        let outcome = judge(&facts(CapsState::None, false), &debian());
        assert_eq!(outcome.status, Status::Pass);
        assert!(outcome.message.contains("no file capabilities"));
        let mut none = facts(CapsState::None, false);
        none.tool = None;
        let outcome = judge(&none, &debian());
        assert_eq!(outcome.status, Status::Skip);
        assert!(outcome.is(Code::BwrapNotInstalled));
    }

    #[test]
    fn file_caps_without_setuid_fail_with_bwrap_s_words() {
        let outcome = judge(&facts(caps(NET_ADMIN, None), false), &debian());
        assert_eq!(outcome.status, Status::Fail);
        assert!(outcome.is(Code::BwrapFileCaps));
        assert!(outcome.message.contains("cap_net_admin+ep"));
        assert!(outcome
            .message
            .contains("Unexpected capabilities but not setuid"));
        assert_eq!(
            outcome.remediation[0].commands,
            ["setcap -r /usr/bin/bwrap"]
        );
        assert!(outcome.remediation[0]
            .summary
            .contains("apt-get install --reinstall"));
        // Permitted without the effective flag still counts: bwrap reads the
        // permitted set.
        let p_only = decode(&[
            0, 0, 0, 2, 0, 0x10, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
        ]);
        let outcome = judge(
            &facts(CapsState::Decoded(p_only.unwrap()), false),
            &debian(),
        );
        assert!(outcome.is(Code::BwrapFileCaps), "{}", outcome.message);
    }

    #[test]
    fn setuid_root_uid_0_nosuid_nnp_and_namespaced_caps_pass() {
        let with_caps = || facts(caps(NET_ADMIN, None), false);
        assert_eq!(
            judge(&facts(caps(NET_ADMIN, None), true), &debian()).status,
            Status::Pass
        );
        let mut root = with_caps();
        root.uid = 0;
        assert_eq!(judge(&root, &debian()).status, Status::Pass);
        let mut nosuid = with_caps();
        nosuid.nosuid = true;
        let outcome = judge(&nosuid, &debian());
        assert_eq!(outcome.status, Status::Pass);
        assert!(outcome.message.contains("nosuid"));
        let mut nnp = with_caps();
        nnp.process.no_new_privs = Some(true);
        assert_eq!(judge(&nnp, &debian()).status, Status::Pass);
        let namespaced = facts(caps(NET_ADMIN, Some(100000)), false);
        assert_eq!(judge(&namespaced, &debian()).status, Status::Pass);
        // An empty capability set is no capability.
        assert_eq!(
            judge(&facts(caps(0, None), false), &debian()).status,
            Status::Pass
        );
    }

    #[test]
    fn ambient_and_inherited_caps_of_the_caller() {
        let mut ambient = facts(CapsState::None, false);
        ambient.process.ambient = Some(NET_ADMIN);
        let outcome = judge(&ambient, &debian());
        assert_eq!(outcome.status, Status::Fail);
        assert!(outcome.is(Code::BwrapAmbientCaps));
        assert!(outcome.message.contains("cap_net_admin"));
        // Inheritable caps count where the file's inheritable set allows.
        let mut inherited = facts(
            CapsState::Decoded(FileCaps {
                revision: 2,
                permitted: 0,
                inheritable: NET_ADMIN,
                effective: false,
                rootid: None,
            }),
            false,
        );
        assert_eq!(judge(&inherited, &debian()).status, Status::Pass);
        inherited.process.inheritable = Some(NET_ADMIN);
        assert!(judge(&inherited, &debian()).is(Code::BwrapFileCaps));
    }

    #[test]
    fn unreadable_or_invalid_caps_are_errors() {
        let outcome = judge(
            &facts(CapsState::Unreadable("EIO".into()), false),
            &debian(),
        );
        assert_eq!(outcome.status, Status::Error);
        assert!(outcome.is(Code::BwrapCapsUnknown));
        let invalid = decode(&[1, 0, 0, 2]).unwrap_err();
        let outcome = judge(&facts(CapsState::Invalid(invalid), false), &debian());
        assert_eq!(outcome.status, Status::Error);
    }

    #[test]
    fn gathers_through_the_host_and_reads_process_caps_only_as_the_subject() {
        let dir = tempfile::tempdir().unwrap();
        crate::testing::put(dir.path(), "/usr/bin/bwrap", "#!/bin/sh\n");
        let real = dir.path().join("usr/bin/bwrap");
        std::fs::set_permissions(&real, std::os::unix::fs::PermissionsExt::from_mode(0o755))
            .unwrap();
        crate::testing::put(
            dir.path(),
            "/proc/self/mountinfo",
            "1 0 0:1 / / rw,nosuid - ext4 /dev/vda1 rw\n",
        );
        crate::testing::put(
            dir.path(),
            "/proc/self/status",
            "CapAmb:\t0000000000001000\n",
        );
        let host = HostFs::rooted(dir.path());
        let mut subject = crate::testing::alice();
        subject.is_invoker = false;
        let facts = gather(&host, &subject);
        assert_eq!(
            facts.tool.as_ref().unwrap().path,
            std::path::Path::new("/usr/bin/bwrap")
        );
        assert!(facts.nosuid);
        assert_eq!(facts.process.ambient, None);
        subject.is_invoker = true;
        assert_eq!(gather(&host, &subject).process.ambient, Some(NET_ADMIN));
    }
}
