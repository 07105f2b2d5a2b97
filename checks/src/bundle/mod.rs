//! Bundle preflight: predicts what runc will do with an OCI bundle
//! (config.json + rootfs) for the subject on this host, and says why.
//!
//! The checks are [`CheckDef`]s in [`BUNDLE_CHECKS`], in report order, with
//! the same model as host checks. Their bundle reaches them through
//! [`run_bundle`], which loads config.json once ([`BundleInput::load`]),
//! installs it for the duration of the run and evaluates each check through
//! [`Context::run`] (so a panic becomes an error outcome, as for host checks).
//! Called any other way, a bundle check reports an error. Every check
//! depends on `bundle.config` ("blocked by bundle.config" when it did not
//! pass) and `bundle.process` also on `bundle.rootfs`.
//!
//! The bundle is user data on the real filesystem: it is read directly, not
//! through [`crate::host::HostFs`], with size caps; host facts (subordinate
//! ranges, groups, newuidmap usability) come through the context. Every
//! failing check names the runtime error it predicts. A [`Context`] memoises
//! outcomes by id: use a fresh one per bundle. When root acts for a user, the
//! CLI goes through [`as_subject::run_bundle_for`], which reads the bundle in
//! a child that is the user (docs/privileges.md).

pub mod as_subject;
pub mod config;
pub mod exec;
pub mod host_facts;
pub mod idmap;
pub mod mounts;
pub mod process;
pub mod resolve;
pub mod spec;
pub mod user;

#[cfg(test)]
mod tests;

pub use crate::subid::{subject_ranges, SubidFile};
pub use spec::{ConfigError, Loaded, Spec};

use crate::model::{Outcome, Status};
use crate::registry::{CheckDef, CheckResult, Context};
use std::cell::RefCell;
use std::path::{Path, PathBuf};
use std::rc::Rc;

/// A bundle, with config.json loaded once.
#[derive(Clone, Debug, PartialEq)]
pub struct BundleInput {
    /// The bundle directory as given (a real path, not under HostFs).
    pub dir: PathBuf,
    /// config.json, parsed, or why it could not be.
    pub config: Result<Loaded, ConfigError>,
}

impl BundleInput {
    /// Reads `dir/config.json` as runc does (see [`spec`]).
    pub fn load(dir: &Path) -> Self {
        BundleInput {
            dir: dir.to_path_buf(),
            config: spec::load(dir),
        }
    }
}

thread_local! {
    static CURRENT: RefCell<Option<Rc<BundleInput>>> = const { RefCell::new(None) };
}

/// Restores the previous bundle when dropped.
struct Installed(Option<Rc<BundleInput>>);

impl Installed {
    fn new(bundle: Rc<BundleInput>) -> Self {
        Installed(CURRENT.with(|c| c.replace(Some(bundle))))
    }
}

impl Drop for Installed {
    fn drop(&mut self) {
        let previous = self.0.take();
        CURRENT.with(|c| *c.borrow_mut() = previous);
    }
}

/// Runs every bundle check, in order, on the bundle in `dir`.
pub fn run_bundle(ctx: &Context<'_>, dir: &Path) -> Vec<CheckResult> {
    run_loaded(ctx, BundleInput::load(dir))
}

/// Runs every bundle check on an already loaded bundle.
pub fn run_loaded(ctx: &Context<'_>, bundle: BundleInput) -> Vec<CheckResult> {
    let _installed = Installed::new(Rc::new(bundle));
    ctx.run(BUNDLE_CHECKS)
}

/// Calls `judge` with the installed bundle and its spec, or says why not.
fn with_spec(
    ctx: &Context<'_>,
    judge: fn(&Context<'_>, &BundleInput, &Spec) -> Outcome,
) -> Outcome {
    let Some(bundle) = CURRENT.with(|c| c.borrow().clone()) else {
        return Outcome::error("no bundle: bundle checks run through bundle::run_bundle");
    };
    match &bundle.config {
        Ok(loaded) => judge(ctx, &bundle, &loaded.spec),
        Err(_) => Outcome::blocked_by("bundle.config"),
    }
}

fn run_config(_ctx: &Context<'_>) -> Outcome {
    match CURRENT.with(|c| c.borrow().clone()) {
        Some(bundle) => config::judge_config(&bundle.dir, &bundle.config),
        None => Outcome::error("no bundle: bundle checks run through bundle::run_bundle"),
    }
}

fn rootfs_outcome(bundle: &BundleInput, spec: &Spec) -> Outcome {
    config::judge_rootfs(&config::gather_rootfs(&bundle.dir, spec))
}

fn run_rootfs(ctx: &Context<'_>) -> Outcome {
    with_spec(ctx, |_, bundle, spec| rootfs_outcome(bundle, spec))
}

fn run_process(ctx: &Context<'_>) -> Outcome {
    with_spec(ctx, |ctx, bundle, spec| {
        let rootfs = match config::rootfs_path(&bundle.dir, spec) {
            Some(path) if rootfs_outcome(bundle, spec).status == Status::Pass => path,
            _ => return Outcome::blocked_by("bundle.rootfs"),
        };
        let groups = host_facts::subject_groups(ctx.host, ctx.subject);
        let facts = process::gather(spec, &rootfs, &groups, host_facts::host_architecture());
        process::judge(&facts)
    })
}

fn run_user(ctx: &Context<'_>) -> Outcome {
    with_spec(ctx, |ctx, _, spec| {
        user::judge(&user::UserFacts::of(spec, !ctx.subject.is_root()))
    })
}

fn mapping_facts(
    ctx: &Context<'_>,
    bundle: &BundleInput,
    spec: &Spec,
    kind: idmap::IdKind,
) -> idmap::MapFacts {
    let (mappings, own_id, file, helper_id) = match kind {
        idmap::IdKind::Uid => (
            spec.uid_mappings(),
            ctx.subject.uid,
            SubidFile::Uid,
            "idmap.newuidmap",
        ),
        idmap::IdKind::Gid => (
            spec.gid_mappings(),
            ctx.subject.gid,
            SubidFile::Gid,
            "idmap.newgidmap",
        ),
    };
    let chown_ok = match kind {
        idmap::IdKind::Uid => vec![ctx.subject.uid],
        idmap::IdKind::Gid => host_facts::subject_groups(ctx.host, ctx.subject),
    };
    let userns = idmap::Userns::of(spec);
    let simple = mappings.len() == 1 && mappings[0].size == 1 && mappings[0].host_id == own_id;
    // The helper check only matters (and only runs) when runc would use it.
    let helper = if userns == idmap::Userns::New && !mappings.is_empty() && !simple {
        let outcome = ctx.outcome_of(helper_id);
        idmap::HelperFact {
            status: outcome.status,
            message: outcome.message,
        }
    } else {
        idmap::HelperFact {
            status: Status::Skip,
            message: "not needed".into(),
        }
    };
    idmap::MapFacts {
        kind,
        subject: ctx.subject.name.clone(),
        rootless: !ctx.subject.is_root(),
        userns,
        mappings: mappings.to_vec(),
        own_id,
        chown_ok,
        ranges: subject_ranges(ctx.host, ctx.subject, file),
        helper,
        config_path: bundle.dir.join("config.json").display().to_string(),
    }
}

fn run_uid_mappings(ctx: &Context<'_>) -> Outcome {
    with_spec(ctx, |ctx, bundle, spec| {
        let facts = mapping_facts(ctx, bundle, spec, idmap::IdKind::Uid);
        idmap::judge(&facts, &ctx.distro)
    })
}

fn run_gid_mappings(ctx: &Context<'_>) -> Outcome {
    with_spec(ctx, |ctx, bundle, spec| {
        let facts = mapping_facts(ctx, bundle, spec, idmap::IdKind::Gid);
        idmap::judge(&facts, &ctx.distro)
    })
}

fn run_mounts(ctx: &Context<'_>) -> Outcome {
    with_spec(ctx, |ctx, bundle, spec| {
        let exists = |p: &str| ctx.host.exists(p);
        let facts = mounts::MountFacts::gather(spec, &bundle.dir, !ctx.subject.is_root(), &exists);
        mounts::judge(&facts)
    })
}

pub static CONFIG: CheckDef = CheckDef {
    id: "bundle.config",
    title: "bundle config.json",
    description: "config.json exists in the bundle, is a regular file and parses as an OCI \
                  runtime spec the way runc reads it (one JSON value, trailing bytes ignored); \
                  a syntax error is reported with its line and column.",
    probes: &[],
    run: run_config,
};

pub static ROOTFS: CheckDef = CheckDef {
    id: "bundle.rootfs",
    title: "bundle rootfs",
    description: "root.path (relative to the bundle, or absolute) exists, is a directory and \
                  has no symlink among its own components, as runc requires.",
    probes: &[],
    run: run_rootfs,
};

pub static PROCESS: CheckDef = CheckDef {
    id: "bundle.process",
    title: "container process",
    description: "process.args[0] is resolved exactly as runc will: PATH from process.env, \
                  every symlink resolved inside the rootfs and never outside it; the target \
                  exists, is a regular file, is executable for the container user; an ELF \
                  binary matches the host's machine and its PT_INTERP loader is in the rootfs; \
                  a script's #! interpreter is in the rootfs and the line has no CR.",
    probes: &[],
    run: run_process,
};

pub static USER: CheckDef = CheckDef {
    id: "bundle.user",
    title: "container user",
    description: "process.user.uid and gid lie inside the container side of the mappings, and \
                  there are no additionalGids, which rootless runc refuses.",
    probes: &[],
    run: run_user,
};

pub static UID_MAPPINGS: CheckDef = CheckDef {
    id: "bundle.uid-mappings",
    title: "bundle uid mappings",
    description: "A user namespace is configured; container uid 0 is mapped, to the subject's \
                  own uid; every other host range lies inside the subject's /etc/subuid \
                  ranges; newuidmap is usable when more than the own uid is mapped; at most 5 \
                  well-formed entries.",
    probes: &[],
    run: run_uid_mappings,
};

pub static GID_MAPPINGS: CheckDef = CheckDef {
    id: "bundle.gid-mappings",
    title: "bundle gid mappings",
    description: "Container gid 0 is mapped, to the subject's gid (or one of their groups); \
                  every other host range lies inside the subject's /etc/subgid ranges; \
                  newgidmap is usable when more than the own gid is mapped; at most 5 \
                  well-formed entries.",
    probes: &[],
    run: run_gid_mappings,
};

pub static MOUNTS: CheckDef = CheckDef {
    id: "bundle.mounts",
    title: "bundle mounts",
    description: "No mount a rootless container cannot make: sysfs without a network \
                  namespace, mqueue without an ipc namespace, proc without a pid namespace, \
                  uid=/gid= options naming unmapped ids, id-mapped mounts, missing bind \
                  sources.",
    probes: &[],
    run: run_mounts,
};

/// Every bundle check, in report order.
pub static BUNDLE_CHECKS: &[&CheckDef] = &[
    &CONFIG,
    &ROOTFS,
    &PROCESS,
    &USER,
    &UID_MAPPINGS,
    &GID_MAPPINGS,
    &MOUNTS,
];
