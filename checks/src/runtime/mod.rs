//! The runtime environment: XDG_RUNTIME_DIR and the installed OCI runtimes.
//!
//! [`xdg`] judges the directory runc and crun keep their state in; [`oci`]
//! finds runc, crun and youki, learns their versions through [`version`] and
//! knows their rootless limits on this host's cgroup layout.

use crate::model::Outcome;
use crate::registry::{CheckDef, Context};

pub mod oci;
pub mod version;
pub mod xdg;

pub static XDG_RUNTIME_DIR: CheckDef = CheckDef {
    id: "runtime.xdg-runtime-dir",
    title: "runtime directory",
    description: "XDG_RUNTIME_DIR is set, exists, is owned by the subject, has mode 0700 and \
                  is writable: the runtimes keep their state there.",
    probes: &[],
    run: xdg_runtime_dir,
};

pub static OCI_RUNTIME: CheckDef = CheckDef {
    id: "runtime.oci-runtime",
    title: "OCI runtime",
    description: "Which of runc, crun and youki are installed, their versions, and known \
                  rootless limits of those versions on this host.",
    probes: &[],
    run: oci_runtime,
};

fn xdg_runtime_dir(ctx: &Context<'_>) -> Outcome {
    xdg::judge(&xdg::gather(ctx.host, ctx.subject))
}

fn oci_runtime(ctx: &Context<'_>) -> Outcome {
    oci::judge(&oci::gather(ctx.host, ctx.subject), &ctx.distro)
}
