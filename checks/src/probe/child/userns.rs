//! `userns-create`: unshare a user namespace and map the own ids to 0.
//!
//! Steps: `unshare`, `setgroups`, `uid_map`, `gid_map`, `verify`. Facts:
//! `seccomp` and `nonewprivs` (from /proc/self/status before unsharing),
//! `uid_map` and `gid_map` (as read back), `cap_eff` (the effective set in the
//! new namespace), `cap_sys_admin.test` (`ok` or the errno of an operation
//! that needs CAP_SYS_ADMIN in the namespace: unsharing a UTS namespace) and
//! `cap_sys_admin` (`yes` when the effective set has it and the test worked).
//! The capability test matters because an LSM (AppArmor's
//! `unprivileged_userns` profile) can deny capabilities that /proc still lists.
//! Capabilities are granted at unshare and do not change with the maps, so
//! they are taken right after unsharing, and are known even when mapping fails.

use super::{describe, map_self, read_map, status_fields, Failure, Step};
use nix::sched::{unshare, CloneFlags};
use nix::unistd::{getgid, getuid};
use std::collections::BTreeMap;

/// The bit of CAP_SYS_ADMIN in a capability set.
const CAP_SYS_ADMIN_BIT: u32 = 21;

/// Runs the probe.
pub(super) fn probe(facts: &mut BTreeMap<String, String>) -> Step {
    let status = status_fields();
    let field = |name: &str| {
        status
            .get(name)
            .cloned()
            .unwrap_or_else(|| "unknown".into())
    };
    facts.insert("seccomp".into(), field("Seccomp"));
    facts.insert("nonewprivs".into(), field("NoNewPrivs"));
    let (uid, gid) = (getuid().as_raw(), getgid().as_raw());
    unshare(CloneFlags::CLONE_NEWUSER)
        .map_err(|e| Failure::errno("unshare", e, "unshare(CLONE_NEWUSER)"))?;
    capability_facts(facts);
    let mapped = map_self(uid, gid);
    for name in ["uid_map", "gid_map"] {
        if let Ok(map) = read_map(&format!("/proc/self/{name}")) {
            facts.insert(name.into(), map);
        }
    }
    if let Err((file, e)) = mapped {
        return Err(Failure::io(file, &e, &format!("writing /proc/self/{file}")));
    }
    let now = getuid();
    if !now.is_root() {
        return Err(Failure::plain(
            "verify",
            format!(
                "after mapping uid {uid} to 0 the process still has uid {now} in the namespace"
            ),
        ));
    }
    Ok(format!(
        "created a user namespace and mapped uid {uid} and gid {gid} to 0"
    ))
}

fn capability_facts(facts: &mut BTreeMap<String, String>) {
    let cap_eff = status_fields().get("CapEff").cloned().unwrap_or_default();
    let in_set = u64::from_str_radix(&cap_eff, 16)
        .map(has_cap_sys_admin)
        .unwrap_or(false);
    let test = unshare(CloneFlags::CLONE_NEWUTS);
    facts.insert("cap_eff".into(), cap_eff);
    facts.insert(
        "cap_sys_admin.test".into(),
        match test {
            Ok(()) => "ok".into(),
            Err(e) => describe(e),
        },
    );
    let yes = in_set && test.is_ok();
    facts.insert(
        "cap_sys_admin".into(),
        if yes { "yes" } else { "no" }.into(),
    );
}

fn has_cap_sys_admin(set: u64) -> bool {
    set & (1 << CAP_SYS_ADMIN_BIT) != 0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cap_sys_admin_is_bit_21() {
        assert!(has_cap_sys_admin(0x000001fffeffffff));
        assert!(has_cap_sys_admin(1 << 21));
        assert!(!has_cap_sys_admin(0));
        assert!(!has_cap_sys_admin(0x000001fffeffffff & !(1 << 21)));
    }
}
