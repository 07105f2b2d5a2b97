//! User namespaces: whether the kernel lets the subject create one.
//!
//! Static checks read the knobs that decide it (`kernel.unprivileged_userns_clone`,
//! `user.max_user_namespaces`, `kernel.apparmor_restrict_unprivileged_userns`);
//! `userns.create` tries it for real.

use crate::model::Outcome;
use crate::probe::ProbeKind;
use crate::registry::{CheckDef, Context};

mod create;

pub static CLONE_SYSCTL: CheckDef = CheckDef {
    id: "userns.clone-sysctl",
    title: "unprivileged user namespace sysctl",
    description: "kernel.unprivileged_userns_clone (a Debian and Arch kernel patch) is 1; \
                  skipped where the kernel has no such knob.",
    probes: &[],
    run: clone_sysctl,
};

pub static MAX_NAMESPACES: CheckDef = CheckDef {
    id: "userns.max-namespaces",
    title: "user namespace limit",
    description: "user.max_user_namespaces and user.max_mnt_namespaces are above 0 \
                  (below 1024 is a warning).",
    probes: &[],
    run: max_namespaces,
};

pub static APPARMOR: CheckDef = CheckDef {
    id: "userns.apparmor",
    title: "AppArmor user namespace restriction",
    description: "kernel.apparmor_restrict_unprivileged_userns (Ubuntu 23.10+) and what it \
                  does to the runtimes; skipped where the knob is absent.",
    probes: &[ProbeKind::UsernsCreate],
    run: apparmor,
};

pub static CREATE: CheckDef = CheckDef {
    id: "userns.create",
    title: "create a user namespace",
    description: "Live: an unprivileged user namespace can be created and the own id mapped \
                  to 0; on failure the errno is mapped to its cause (sysctl, limit reached, \
                  seccomp filter, nesting depth, AppArmor).",
    probes: &[ProbeKind::UsernsCreate],
    run: create::run,
};

fn clone_sysctl(_ctx: &Context<'_>) -> Outcome {
    Outcome::skip("not implemented yet")
}

fn max_namespaces(_ctx: &Context<'_>) -> Outcome {
    Outcome::skip("not implemented yet")
}

fn apparmor(_ctx: &Context<'_>) -> Outcome {
    Outcome::skip("not implemented yet")
}
