//! The catalogue of causes, in causal order: user namespaces, id mapping,
//! the login session, cgroups, storage, network, exec, nesting and hardening,
//! then engine-specific setup. A user namespace failure explains every later
//! line, so earlier entries rank first among equals; [`CAUSES`] keeps that
//! order exactly, section after section.
//!
//! Each section file holds the causes of one area as typed data, with the
//! patterns and fixes only it uses; this module holds the constructors, the
//! wording several sections share, and the order of the sections. Cause ids
//! are a stable contract (add, never rename); `docs/explain.md` lists them in
//! this order.
//!
//! Messages were copied from the tools' sources, their issue trackers, and real
//! runs of runc 1.1.5 and crun 1.8.1 (Debian 12); each pattern is written as
//! the tool prints it and normalised at first use (see `normalize`). Fragments
//! joined by `…` must appear in order; a leading `^` anchors the first fragment
//! at the start of the normalised line.
//!
//! A cause names the checks that confirm it by their `CheckDef` statics:
//! `confirmed_by(&CHECK)` when any fail or warn of the check supports it,
//! `confirmed_by_codes(&CHECK, &[...])` when only a fail or warn carrying one
//! of those finding codes does (see [`confirm`](fn@super::confirm)).

mod cgroup;
mod engines;
mod exec;
mod idmap;
mod nested;
mod network;
mod session;
mod storage;
mod userns;

use super::{Cause, CheckRef, Fix, Pattern, Strength};
use crate::check::CheckDef;
use crate::model::Code;

/// The sections, in causal order.
const SECTIONS: &[&[Cause]] = &[
    userns::CAUSES,
    idmap::CAUSES,
    session::CAUSES,
    cgroup::CAUSES,
    storage::CAUSES,
    network::CAUSES,
    exec::CAUSES,
    nested::CAUSES,
    engines::CAUSES,
];

/// How many causes the sections hold.
const COUNT: usize = {
    let mut count = 0;
    let mut s = 0;
    while s < SECTIONS.len() {
        count += SECTIONS[s].len();
        s += 1;
    }
    count
};

/// The sections laid end to end, at compile time.
static ALL: [Cause; COUNT] = {
    let mut all = [SECTIONS[0][0]; COUNT];
    let mut k = 0;
    let mut s = 0;
    while s < SECTIONS.len() {
        let mut i = 0;
        while i < SECTIONS[s].len() {
            all[k] = SECTIONS[s][i];
            k += 1;
            i += 1;
        }
        s += 1;
    }
    all
};

/// Every known cause, in causal order.
pub static CAUSES: &[Cause] = &ALL;

const fn named(text: &'static str) -> Pattern {
    Pattern {
        text,
        strength: Strength::Named,
    }
}
const fn specific(text: &'static str) -> Pattern {
    Pattern {
        text,
        strength: Strength::Specific,
    }
}
const fn shared(text: &'static str) -> Pattern {
    Pattern {
        text,
        strength: Strength::Shared,
    }
}
const fn follow_up(text: &'static str) -> Pattern {
    Pattern {
        text,
        strength: Strength::FollowUp,
    }
}

/// `check` confirms the cause with any fail or warn.
const fn confirmed_by(check: &'static CheckDef) -> CheckRef {
    CheckRef {
        check,
        codes: &[],
        rules_out: None,
    }
}

/// `check` confirms the cause only with a fail or warn carrying one of `codes`.
const fn confirmed_by_codes(check: &'static CheckDef, codes: &'static [Code]) -> CheckRef {
    CheckRef {
        check,
        codes,
        rules_out: None,
    }
}

/// Like [`confirmed_by_codes`], but an outcome against the cause rules it
/// out only when `rules_out` says so (see [`CheckRef::rules_out`]).
const fn confirmed_by_codes_ruling_out_if(
    check: &'static CheckDef,
    codes: &'static [Code],
    rules_out: fn(&crate::check::Outcome) -> bool,
) -> CheckRef {
    CheckRef {
        check,
        codes,
        rules_out: Some(rules_out),
    }
}

const fn root(summary: &'static str, commands: &'static [&'static str]) -> Fix {
    Fix {
        summary,
        commands,
        requires_root: true,
        persistent: true,
    }
}
const fn root_now(summary: &'static str, commands: &'static [&'static str]) -> Fix {
    Fix {
        summary,
        commands,
        requires_root: true,
        persistent: false,
    }
}
const fn user(summary: &'static str, commands: &'static [&'static str]) -> Fix {
    Fix {
        summary,
        commands,
        requires_root: false,
        persistent: true,
    }
}

// Follow-up lines: consequences printed after the real error, shared by
// several causes.
const FINAL_CHILD_PID: Pattern = follow_up("final child's pid from pipe…eof");
const SYNC_USERMAP: Pattern = follow_up("failed to sync with parent: read(sync_usermap_ack)");
const LDCONFIG: Pattern = follow_up("ldconfig failed, exit status 256");
const ROOTLESSKIT_FAILED: Pattern = follow_up("rootlesskit failed, see the error messages");
const REEXEC: Pattern = follow_up("cannot re-exec process");
const INIT_P: Pattern = follow_up("write init-p: broken pipe");
const DOCKER_SERVICE: Pattern = follow_up("failed to start docker.service");
const DOCKER_SERVICE_JOB: Pattern = follow_up("job for docker.service failed");

// newuidmap wording, shared by the helper and range causes, the AppArmor
// restriction, an outer sandbox and LXC.
const NEWUIDMAP_EPERM: Pattern = shared("write to uid_map failed: operation not permitted");
const NEWGIDMAP_EPERM: Pattern = shared("write to gid_map failed: operation not permitted");
const CRUN_UID_MAP_EPERM: Pattern = shared("write to \"uid_map\": operation not permitted");
const CRUN_GID_MAP_EPERM: Pattern = shared("write to \"gid_map\": operation not permitted");
const SETUP_NAMESPACE_USING: Pattern = shared("cannot set up namespace using");
const SETUP_NAMESPACE_USING_OLD: Pattern = shared("cannot setup namespace using");
const FAILED_NEWUID_MAP: Pattern = shared("failed to use newuid map on");
const FAILED_NEWGID_MAP: Pattern = shared("failed to use newgid map on");

// /proc mount wording shared by nested-proc-masked and
// userns-blocked-in-container-sandbox.
const MOUNT_PROC_CRUN: Pattern = shared("mount \"…proc\" to \"");
const MOUNT_PROC_BWRAP: Pattern = shared("can't mount proc on");
const MOUNT_PROC_RUNC: Pattern = shared("mounting \"proc\" to rootfs");
const MOUNT_PROC_RUNC12: Pattern = shared("mount src=proc,");
const MOUNT_PROC_SHELL: Pattern = shared("mount: /proc: permission denied");

// Storage wording shared by storage-on-network-fs and selinux-relabel-denied.
const LSETXATTR_ENOTSUP: Pattern = shared("lsetxattr…operation not supported");
