//! cgroups: whether resource limits are available to rootless containers.
//!
//! [`layout`] tells the hierarchy (v2, hybrid, v1) from the mount table and is
//! shared with `runtime.oci-runtime`; [`delegation`] judges what the subject's
//! systemd user manager may use.

use crate::model::Outcome;
use crate::registry::{CheckDef, Context};

pub mod delegation;
pub mod layout;

pub static DELEGATION: CheckDef = CheckDef {
    id: "cgroup.delegation",
    title: "cgroup delegation",
    description: "cgroup v2 with cpu, memory, pids and io delegated to the subject's systemd \
                  user slice; v1, hybrid or undelegated is a warning (resource limits \
                  unavailable), not a failure.",
    probes: &[],
    run: run_delegation,
};

fn run_delegation(ctx: &Context<'_>) -> Outcome {
    let facts = delegation::gather(ctx.host, ctx.subject);
    delegation::judge(&facts, &ctx.distro)
}
