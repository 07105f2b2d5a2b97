//! User namespaces: whether the kernel lets the subject create one.
//!
//! Static checks read the knobs that decide it (`kernel.unprivileged_userns_clone`,
//! `user.max_user_namespaces`, `kernel.apparmor_restrict_unprivileged_userns`);
//! `userns.create` tries it for real.
//!
//! [`env`] gathers the knobs and the sandbox signs, [`live`] is what every
//! live-probe judge shares (also used by the `mount` family and
//! `idmap.multi-map`), [`fixes`] the remediations, [`profiles`] the AppArmor
//! profile scan.

use crate::model::Outcome;
use crate::probe::ProbeKind;
use crate::registry::{CheckDef, Context};

pub mod apparmor;
pub mod clone_sysctl;
pub mod create;
pub mod env;
pub mod fixes;
pub mod live;
pub mod max_namespaces;
pub mod profiles;

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

fn clone_sysctl(ctx: &Context<'_>) -> Outcome {
    clone_sysctl::judge(&env::Knob::read(ctx.host, env::CLONE), &ctx.distro)
}

fn max_namespaces(ctx: &Context<'_>) -> Outcome {
    let facts = max_namespaces::Facts::from_knobs(&env::Knobs::gather(ctx.host));
    max_namespaces::judge(&facts, &ctx.distro)
}

fn apparmor(ctx: &Context<'_>) -> Outcome {
    let knob = env::Knob::read(ctx.host, env::APPARMOR);
    // Only consult the probe and the profiles when the knob is on.
    let on = knob.int().is_some_and(|v| v != 0);
    let facts = apparmor::Facts {
        unconfined: env::Knob::read(ctx.host, env::APPARMOR_UNCONFINED),
        probe: if on {
            live::Live::get(ctx, ProbeKind::UsernsCreate)
        } else {
            live::Live::NotRun("not needed".into())
        },
        profiles: if on {
            profiles::Profiles::gather(ctx.host, &ctx.subject.path)
        } else {
            profiles::Profiles::default()
        },
        knob,
    };
    apparmor::judge(&facts, &ctx.distro)
}

#[cfg(test)]
pub(crate) mod fixture_tests;
