//! The `engines` section of a host report: one verdict per installed engine,
//! derived from check results by one pure function, like the capabilities.
//!
//! Contract: an engine appears when a check stated a [`Fact::Engine`] for it
//! (`engine.podman`, `engine.docker`), or, for the bare runtimes, when
//! `runtime.oci-runtime` found it (a [`Fact::OciRuntime`] for runc, crun and
//! youki, a [`Fact::Tool`] for bwrap, apptainer and nerdctl). Entries come in
//! the order of [`ORDER`], one per name, the first statement winning. Results
//! are read by their check ([`CheckDef`] statics), status, code, `blocked_by`
//! and typed facts, never by message text.
//!
//! A bare runtime's verdict is what its own container start needs, each need
//! read from one check ([`Gate`]): `fails` as soon as one is known to fail
//! (`blocked_by` names those checks in the order the runtime meets them, so
//! the first is the error it prints), else `unknown` when one was not
//! gathered (deselected, skipped for a reason of its own, in error), else
//! `works`. What each needs:
//!
//! - runc and youki (`runc spec --rootless`, then `run`): its state directory
//!   (`runtime.xdg-runtime-dir`: with XDG_RUNTIME_DIR unset a user's runc
//!   uses `/run/runc`, "mkdir /run/runc: permission denied"), then nothing
//!   known stopping the binary (`runtime.oci-runtime`), then a user namespace
//!   (`userns.create`) and bind mounts in it (`mount.bind`): the single-id
//!   capability.
//! - crun: the same, but it creates the container before it joins cgroups,
//!   so `userns.create` comes before `runtime.oci-runtime` (its refusal of a
//!   hybrid cgroup host), and `mount.bind` (done in the container after the
//!   cgroups) last.
//! - bwrap (`bwrap --unshare-user --ro-bind / / true`): works when it is
//!   setuid root; else it must start without capabilities
//!   (`runtime.bwrap`: file capabilities or inherited ones make it refuse
//!   before anything else), then `userns.create`, then `mount.bind`.
//! - apptainer (its unprivileged mode): `userns.create`, then `mount.bind`.
//! - nerdctl (rootless containerd through RootlessKit): first rootless
//!   containerd running for the subject (`engine.nerdctl`, which nerdctl
//!   looks for before anything else; its skip for a root subject is no
//!   need), then `userns.create`, the 65536-id map (`idmap.multi-map`),
//!   `mount.bind`, and a runc that runs here.
//!
//! [`Fact::Engine`]: crate::check::Fact::Engine
//! [`Fact::OciRuntime`]: crate::check::Fact::OciRuntime
//! [`Fact::Tool`]: crate::check::Fact::Tool

use crate::check::{CheckDef, CheckResult, EngineVerdict, OciRuntime, Tool, Verdict};
use crate::model::Status;
use crate::{engine, idmap, mount, runtime, userns};

/// The engines' names, in report order (docs/report.schema.json's `engines`).
pub const ORDER: &[&str] = &[
    "podman",
    "docker",
    "nerdctl",
    "runc",
    "crun",
    "youki",
    "bwrap",
    "apptainer",
];

/// The engines section of a host report.
pub fn derive(results: &[CheckResult]) -> Vec<EngineVerdict> {
    let mut out: Vec<EngineVerdict> = Vec::new();
    let stated = results.iter().flat_map(|r| r.outcome.engines().cloned());
    for engine in stated.chain(bare(results)) {
        if !out.iter().any(|e| e.name == engine.name) {
            out.push(engine);
        }
    }
    out.sort_by_key(|e| {
        ORDER
            .iter()
            .position(|n| *n == e.name)
            .unwrap_or(ORDER.len())
    });
    out
}

/// What one check says of one need of an engine.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Gate {
    /// The need is met.
    Holds,
    /// It is not, because of this check (the root of a chain of blocked
    /// skips).
    Blocks(&'static CheckDef),
    /// Its evidence was not gathered.
    Unknown,
}

/// The result of `check`, if reported.
fn result_of<'a>(results: &'a [CheckResult], check: &CheckDef) -> Option<&'a CheckResult> {
    results.iter().find(|r| r.def == check)
}

/// The check at the root of a chain of blocked skips starting at `check`.
fn root_cause(results: &[CheckResult], check: &'static CheckDef) -> &'static CheckDef {
    let mut cause = check;
    // Bounded: a chain is at most as long as the report.
    for _ in 0..results.len() {
        match result_of(results, cause).map(|r| (r.outcome.status, r.outcome.blocked_by)) {
            Some((Status::Skip, Some(by))) => cause = by,
            _ => break,
        }
    }
    cause
}

/// A check's status as a need: pass or warn holds, fail blocks, a skip
/// because a dependency failed blocks with the dependency's root, anything
/// else (another skip, error, not reported) is unknown.
pub fn gate(results: &[CheckResult], check: &'static CheckDef) -> Gate {
    let Some(result) = result_of(results, check) else {
        return Gate::Unknown;
    };
    match result.outcome.status {
        Status::Pass | Status::Warn => Gate::Holds,
        Status::Fail => Gate::Blocks(check),
        Status::Skip => match result.outcome.blocked_by {
            Some(by) => Gate::Blocks(root_cause(results, by)),
            None => Gate::Unknown,
        },
        Status::Error => Gate::Unknown,
    }
}

/// The state directory runc and crun create under XDG_RUNTIME_DIR (or
/// `/run/runc`, `/run/crun` when it is unset).
fn state_dir(results: &[CheckResult]) -> Gate {
    let check = &runtime::XDG_RUNTIME_DIR;
    let Some(result) = result_of(results, check) else {
        return Gate::Unknown;
    };
    let outcome = &result.outcome;
    let wrong_mode = runtime::Code::WrongMode.code();
    match outcome.status {
        // Unset for a user: /run/runc, which the user cannot create.
        Status::Warn if outcome.code == Some(runtime::Code::Unset.code()) => Gate::Blocks(check),
        // A directory of the user's own whose only problem is a mode other
        // than 0700 (still writable: not-writable is a second wrong-mode):
        // the runtime creates its directory in it all the same.
        Status::Fail if outcome.code == Some(wrong_mode) && outcome.also.is_empty() => Gate::Holds,
        _ => gate(results, check),
    }
}

/// Whether `runtime.oci-runtime` knows of nothing stopping this runtime.
fn runs_here(results: &[CheckResult], runtime: &OciRuntime) -> Gate {
    let check = &runtime::OCI_RUNTIME;
    if !runtime.runs_here {
        return Gate::Blocks(check);
    }
    match result_of(results, check).map(|r| r.outcome.status) {
        // Some version could not be learnt: its limits are unknown.
        Some(Status::Error) | None => Gate::Unknown,
        Some(_) => Gate::Holds,
    }
}

/// The verdict of `gates`, in the order the engine meets them.
pub fn verdict(gates: &[Gate]) -> (Verdict, Vec<&'static CheckDef>) {
    let mut blocked_by: Vec<&'static CheckDef> = Vec::new();
    for gate in gates {
        if let Gate::Blocks(check) = gate {
            if !blocked_by.contains(check) {
                blocked_by.push(check);
            }
        }
    }
    if !blocked_by.is_empty() {
        (Verdict::Fails, blocked_by)
    } else if gates.contains(&Gate::Unknown) {
        (Verdict::Unknown, blocked_by)
    } else {
        (Verdict::Works, blocked_by)
    }
}

/// The bare runtimes and tools `runtime.oci-runtime` found, with verdicts.
fn bare(results: &[CheckResult]) -> Vec<EngineVerdict> {
    let Some(found) = result_of(results, &runtime::OCI_RUNTIME) else {
        return Vec::new();
    };
    let runtimes: Vec<&OciRuntime> = found.outcome.oci_runtimes().collect();
    let mut out: Vec<EngineVerdict> = runtimes.iter().map(|rt| oci_runtime(results, rt)).collect();
    out.extend(found.outcome.tools().map(|t| tool(results, t, &runtimes)));
    out
}

fn oci_runtime(results: &[CheckResult], rt: &OciRuntime) -> EngineVerdict {
    let userns = gate(results, &userns::CREATE);
    let bind = gate(results, &mount::BIND);
    let state = state_dir(results);
    let binary = runs_here(results, rt);
    let gates = if rt.name == "crun" {
        [state, userns, binary, bind]
    } else {
        [state, binary, userns, bind]
    };
    let (verdict, blocked_by) = verdict(&gates);
    EngineVerdict {
        name: rt.name,
        path: rt.path.clone(),
        version: rt.version.map(|(a, b, c)| format!("{a}.{b}.{c}")),
        verdict,
        blocked_by,
        runtime: Some(rt.name.to_string()),
        storage_driver: None,
        network: None,
    }
}

/// Whether rootless containerd runs for the subject (`engine.nerdctl`): a
/// skip of its own (root's nerdctl uses the system containerd) is no need.
fn rootless_containerd(results: &[CheckResult]) -> Gate {
    let check = &engine::NERDCTL;
    match result_of(results, check).map(|r| (r.outcome.status, r.outcome.blocked_by)) {
        Some((Status::Skip, None)) => Gate::Holds,
        _ => gate(results, check),
    }
}

fn tool(results: &[CheckResult], tool: &Tool, runtimes: &[&OciRuntime]) -> EngineVerdict {
    let userns = gate(results, &userns::CREATE);
    let bind = gate(results, &mount::BIND);
    let runc = runtimes.iter().find(|rt| rt.name == "runc");
    let (gates, runtime) = match tool.name {
        "bwrap" if tool.setuid_root => (vec![], None),
        "bwrap" => (vec![gate(results, &runtime::BWRAP), userns, bind], None),
        "nerdctl" => (
            vec![
                rootless_containerd(results),
                userns,
                gate(results, &idmap::MULTI_MAP),
                bind,
                runc.map_or(Gate::Blocks(&runtime::OCI_RUNTIME), |rt| {
                    runs_here(results, rt)
                }),
            ],
            runc.map(|rt| rt.name.to_string()),
        ),
        _ => (vec![userns, bind], None),
    };
    let (verdict, blocked_by) = verdict(&gates);
    EngineVerdict {
        name: tool.name,
        path: tool.path.clone(),
        version: None,
        verdict,
        blocked_by,
        runtime,
        storage_driver: None,
        network: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check::{Fact, Outcome};
    use crate::model::{Code, CommonCode};
    use std::time::Duration;

    fn result(def: &'static CheckDef, outcome: Outcome) -> CheckResult {
        CheckResult {
            def,
            outcome,
            duration: Duration::ZERO,
        }
    }

    fn runtime(name: &'static str, runs_here: bool) -> Fact {
        Fact::OciRuntime(OciRuntime {
            name,
            path: format!("/usr/bin/{name}").into(),
            version: Some((1, 1, 5)),
            runs_here,
        })
    }

    fn tool(name: &'static str, setuid_root: bool) -> Fact {
        Fact::Tool(Tool {
            name,
            path: format!("/usr/bin/{name}").into(),
            setuid_root,
            file_caps: crate::filecaps::CapsState::None,
        })
    }

    /// This host as the doctor sees it: runc runs, crun refuses the hybrid
    /// cgroup host, bwrap is installed; everything else passes.
    fn healthy() -> Vec<CheckResult> {
        let found = Outcome::warn(runtime::Code::CrunRefusesHybrid, "runc can run here")
            .stating(runtime("runc", true))
            .stating(runtime("crun", false))
            .stating(tool("bwrap", false));
        vec![
            result(&userns::CREATE, Outcome::pass("ok")),
            result(&idmap::MULTI_MAP, Outcome::pass("ok")),
            result(&mount::BIND, Outcome::pass("ok")),
            result(&runtime::XDG_RUNTIME_DIR, Outcome::pass("ok")),
            result(&runtime::OCI_RUNTIME, found),
            result(&runtime::BWRAP, Outcome::pass("ok")),
        ]
    }

    fn replace(results: &mut [CheckResult], def: &'static CheckDef, outcome: Outcome) {
        results.iter_mut().find(|r| r.def == def).unwrap().outcome = outcome;
    }

    fn entry<'a>(engines: &'a [EngineVerdict], name: &str) -> &'a EngineVerdict {
        engines.iter().find(|e| e.name == name).unwrap()
    }

    fn ids(engine: &EngineVerdict) -> Vec<&'static str> {
        engine.blocked_by.iter().map(|c| c.id).collect()
    }

    #[test]
    fn runc_works_crun_is_refused_and_bwrap_works_in_report_order() {
        let engines = derive(&healthy());
        let names: Vec<&str> = engines.iter().map(|e| e.name).collect();
        assert_eq!(names, ["runc", "crun", "bwrap"]);
        let runc = entry(&engines, "runc");
        assert_eq!(runc.verdict, Verdict::Works);
        assert!(runc.blocked_by.is_empty());
        assert_eq!(runc.version.as_deref(), Some("1.1.5"));
        assert_eq!(runc.runtime.as_deref(), Some("runc"));
        assert_eq!(
            (runc.storage_driver.as_ref(), runc.network.as_ref()),
            (None, None)
        );
        let crun = entry(&engines, "crun");
        assert_eq!(crun.verdict, Verdict::Fails);
        assert_eq!(ids(crun), ["runtime.oci-runtime"]);
        assert_eq!(entry(&engines, "bwrap").verdict, Verdict::Works);
        assert_eq!(entry(&engines, "bwrap").version, None);
    }

    #[test]
    fn an_unset_runtime_dir_fails_runc_and_crun_first_but_not_bwrap() {
        let mut results = healthy();
        replace(
            &mut results,
            &runtime::XDG_RUNTIME_DIR,
            Outcome::warn(runtime::Code::Unset, "reworded"),
        );
        let engines = derive(&results);
        assert_eq!(ids(entry(&engines, "runc")), ["runtime.xdg-runtime-dir"]);
        assert_eq!(
            ids(entry(&engines, "crun")),
            ["runtime.xdg-runtime-dir", "runtime.oci-runtime"]
        );
        assert_eq!(entry(&engines, "bwrap").verdict, Verdict::Works);
        // A symlink warning is no obstacle; a mode-only problem neither.
        replace(
            &mut results,
            &runtime::XDG_RUNTIME_DIR,
            Outcome::warn(runtime::Code::Symlink, "x"),
        );
        assert_eq!(entry(&derive(&results), "runc").verdict, Verdict::Works);
        replace(
            &mut results,
            &runtime::XDG_RUNTIME_DIR,
            Outcome::fail(runtime::Code::WrongMode, "x"),
        );
        assert_eq!(entry(&derive(&results), "runc").verdict, Verdict::Works);
        let unwritable =
            Outcome::fail(runtime::Code::WrongMode, "x").also([runtime::Code::WrongMode]);
        replace(&mut results, &runtime::XDG_RUNTIME_DIR, unwritable);
        assert_eq!(entry(&derive(&results), "runc").verdict, Verdict::Fails);
    }

    #[test]
    fn no_user_namespaces_fail_everything_naming_the_root_cause() {
        let mut results = healthy();
        results.insert(
            0,
            result(
                &userns::MAX_NAMESPACES,
                Outcome::fail(Code::new("zero"), "x"),
            ),
        );
        replace(
            &mut results,
            &userns::CREATE,
            Outcome::blocked(&userns::MAX_NAMESPACES),
        );
        replace(
            &mut results,
            &mount::BIND,
            Outcome::blocked(&userns::CREATE),
        );
        let engines = derive(&results);
        assert_eq!(ids(entry(&engines, "runc")), ["userns.max-namespaces"]);
        // crun meets the user namespace before its cgroup refusal.
        assert_eq!(
            ids(entry(&engines, "crun")),
            ["userns.max-namespaces", "runtime.oci-runtime"]
        );
        assert_eq!(ids(entry(&engines, "bwrap")), ["userns.max-namespaces"]);
        // A setuid bwrap needs none.
        replace(
            &mut results,
            &runtime::OCI_RUNTIME,
            Outcome::pass("x").stating(tool("bwrap", true)),
        );
        let engines = derive(&results);
        assert_eq!(entry(&engines, "bwrap").verdict, Verdict::Works);
    }

    #[test]
    fn a_bind_mount_warning_on_a_private_root_changes_no_verdict() {
        let mut results = healthy();
        replace(
            &mut results,
            &mount::BIND,
            Outcome::warn(mount::Code::RootNotShared, "/ is not a shared mount"),
        );
        let engines = derive(&results);
        assert_eq!(entry(&engines, "runc").verdict, Verdict::Works);
        assert_eq!(entry(&engines, "bwrap").verdict, Verdict::Works);
        assert_eq!(ids(entry(&engines, "crun")), ["runtime.oci-runtime"]);
        assert_eq!(crate::capabilities::derive(&results).bind_mount, Some(true));
    }

    #[test]
    fn bwrap_with_capabilities_fails_bwrap_only_and_first() {
        let mut results = healthy();
        replace(
            &mut results,
            &runtime::BWRAP,
            Outcome::fail(runtime::Code::BwrapFileCaps, "x"),
        );
        let engines = derive(&results);
        assert_eq!(ids(entry(&engines, "bwrap")), ["runtime.bwrap"]);
        assert_eq!(entry(&engines, "runc").verdict, Verdict::Works);
        assert_eq!(ids(entry(&engines, "crun")), ["runtime.oci-runtime"]);
        // bwrap refuses before it creates the user namespace.
        replace(
            &mut results,
            &userns::CREATE,
            Outcome::fail(Code::new("x"), "x"),
        );
        assert_eq!(
            ids(entry(&derive(&results), "bwrap")),
            ["runtime.bwrap", "userns.create"]
        );
        // Not gathered: unknown; a setuid bwrap needs none of it.
        let mut results = healthy();
        results.retain(|r| r.def != &runtime::BWRAP);
        assert_eq!(entry(&derive(&results), "bwrap").verdict, Verdict::Unknown);
        replace(
            &mut results,
            &runtime::OCI_RUNTIME,
            Outcome::pass("x").stating(tool("bwrap", true)),
        );
        assert_eq!(entry(&derive(&results), "bwrap").verdict, Verdict::Works);
    }

    #[test]
    fn evidence_not_gathered_is_unknown_never_a_guess() {
        let mut results = healthy();
        replace(
            &mut results,
            &mount::BIND,
            Outcome::skip(CommonCode::ProbeNotRun, "deselected"),
        );
        let engines = derive(&results);
        assert_eq!(entry(&engines, "runc").verdict, Verdict::Unknown);
        assert!(entry(&engines, "runc").blocked_by.is_empty());
        assert_eq!(entry(&engines, "bwrap").verdict, Verdict::Unknown);
        // A known failure still decides.
        assert_eq!(entry(&engines, "crun").verdict, Verdict::Fails);
        // Deselected: not reported at all.
        results.retain(|r| r.def != &userns::CREATE && r.def != &mount::BIND);
        assert_eq!(entry(&derive(&results), "runc").verdict, Verdict::Unknown);
        // A version that could not be learnt leaves runc's limits unknown.
        let mut results = healthy();
        replace(
            &mut results,
            &runtime::OCI_RUNTIME,
            Outcome::error(runtime::Code::VersionNotStarted, "x").stating(runtime("runc", true)),
        );
        assert_eq!(entry(&derive(&results), "runc").verdict, Verdict::Unknown);
        // Without runtime.oci-runtime nothing says what is installed.
        let mut results = healthy();
        results.retain(|r| r.def != &runtime::OCI_RUNTIME);
        assert!(derive(&results).is_empty());
    }

    #[test]
    fn nerdctl_needs_the_multi_id_map_and_a_runc_and_apptainer_a_user_namespace() {
        let mut results = healthy();
        let found = Outcome::pass("x")
            .stating(runtime("runc", true))
            .stating(tool("apptainer", false))
            .stating(tool("nerdctl", false));
        replace(&mut results, &runtime::OCI_RUNTIME, found);
        results.push(result(&engine::NERDCTL, Outcome::pass("running")));
        let engines = derive(&results);
        let names: Vec<&str> = engines.iter().map(|e| e.name).collect();
        assert_eq!(names, ["nerdctl", "runc", "apptainer"]);
        assert_eq!(entry(&engines, "nerdctl").verdict, Verdict::Works);
        assert_eq!(entry(&engines, "nerdctl").runtime.as_deref(), Some("runc"));
        assert_eq!(entry(&engines, "apptainer").verdict, Verdict::Works);
        replace(
            &mut results,
            &idmap::MULTI_MAP,
            Outcome::fail(Code::new("x"), "x"),
        );
        let engines = derive(&results);
        assert_eq!(ids(entry(&engines, "nerdctl")), ["idmap.multi-map"]);
        assert_eq!(entry(&engines, "apptainer").verdict, Verdict::Works);
        let no_runc = Outcome::pass("x").stating(tool("nerdctl", false));
        replace(&mut results, &runtime::OCI_RUNTIME, no_runc);
        assert_eq!(
            ids(entry(&derive(&results), "nerdctl")),
            ["idmap.multi-map", "runtime.oci-runtime"]
        );
    }

    #[test]
    fn nerdctl_fails_first_without_rootless_containerd_and_a_root_skip_is_no_need() {
        let mut results = healthy();
        let found = Outcome::pass("x")
            .stating(runtime("runc", true))
            .stating(tool("nerdctl", false));
        replace(&mut results, &runtime::OCI_RUNTIME, found);
        // Not reported (deselected): unknown.
        assert_eq!(
            entry(&derive(&results), "nerdctl").verdict,
            Verdict::Unknown
        );
        results.push(result(
            &engine::NERDCTL,
            Outcome::fail(engine::Code::ContainerdNotRunning, "not running"),
        ));
        replace(
            &mut results,
            &idmap::MULTI_MAP,
            Outcome::fail(Code::new("x"), "x"),
        );
        let engines = derive(&results);
        assert_eq!(entry(&engines, "nerdctl").verdict, Verdict::Fails);
        assert_eq!(
            ids(entry(&engines, "nerdctl")),
            ["engine.nerdctl", "idmap.multi-map"]
        );
        // runc's own verdict does not read it.
        assert_eq!(entry(&engines, "runc").verdict, Verdict::Works);
        replace(&mut results, &idmap::MULTI_MAP, Outcome::pass("ok"));
        replace(
            &mut results,
            &engine::NERDCTL,
            Outcome::skip(engine::Code::NerdctlRootSubject, "root"),
        );
        assert_eq!(entry(&derive(&results), "nerdctl").verdict, Verdict::Works);
    }

    #[test]
    fn a_stated_engine_wins_over_nothing_and_keeps_its_place() {
        let mut results = healthy();
        let podman = EngineVerdict {
            name: "podman",
            path: "/usr/bin/podman".into(),
            version: Some("4.3.1".into()),
            verdict: Verdict::Fails,
            blocked_by: vec![&runtime::OCI_RUNTIME],
            runtime: Some("crun".into()),
            storage_driver: Some("vfs".into()),
            network: Some("slirp4netns".into()),
        };
        results.push(result(
            &userns::APPARMOR,
            Outcome::pass("x").stating(Fact::Engine(podman.clone())),
        ));
        let engines = derive(&results);
        assert_eq!(engines[0], podman);
        assert_eq!(engines.len(), 4);
    }
}
