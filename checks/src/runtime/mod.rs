//! The runtime environment: XDG_RUNTIME_DIR and the installed OCI runtimes.

use crate::model::Outcome;
use crate::registry::{CheckDef, Context};

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

fn xdg_runtime_dir(_ctx: &Context<'_>) -> Outcome {
    Outcome::skip("not implemented yet")
}

fn oci_runtime(_ctx: &Context<'_>) -> Outcome {
    Outcome::skip("not implemented yet")
}
