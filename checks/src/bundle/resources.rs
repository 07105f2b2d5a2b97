//! `bundle.resources`: `linux.resources` limits the subject's runtime can
//! apply. A rootless runc 1.1 (cgroupfs driver, no `cgroupsPath`) tries to
//! create the container's cgroup and, when it may not, drops it: on cgroup v1
//! and hybrid hosts `Set` then fails for the first subsystem with a limit
//! (`cannot set memory limit: container could not join or create cgroup`,
//! libcontainer/cgroups/fs/fs.go); on v2 without delegation `Apply` fails
//! (`rootless needs no limits + no cgrouppath when no permission is granted
//! for cgroups`, fs2/fs2.go). Device rules are ignored when rootless, and zero
//! values set nothing, so `runc spec --rootless` passes. The host facts are
//! `cgroup.delegation`'s typed cgroup mode and the target runtime.
//!
//! crun 1.8.1 refuses a hybrid host with controllers on its v2 hierarchy
//! before it reads a bundle; `runtime.oci-runtime` reports that, so a bundle
//! predicted for crun there is blocked by it rather than judged twice.
//!
//! Decisions: docs/checks/bundle.md, section `bundle.resources`.

use super::problems::{conclude, jq, Problem};
use super::target::{target, Target};
use super::{with_spec, Code};
use crate::cgroupfs::Mode;
use crate::check::{CheckDef, Context, Outcome};
use crate::model::{Evidence, Remediation};
use crate::spec::{Resources, Spec};
use std::path::Path;

pub static RESOURCES: CheckDef = CheckDef {
    id: "bundle.resources",
    title: "bundle resource limits",
    description: "linux.resources sets limits only where the subject's runtime can create or \
                  join a cgroup for them: none on cgroup v1 or hybrid hosts and v2 hosts without \
                  delegation when rootless; no unified map on v1.",
    codes: &[
        Code::NoBundle.code(),
        Code::UnifiedOnV1.code(),
        Code::ResourcesWithoutCgroup.code(),
        Code::ResourcesPartial.code(),
        Code::CgroupModeUnknown.code(),
    ],
    probes: &[],
    run,
};

fn run(ctx: &Context<'_>) -> Outcome {
    with_spec(ctx, |ctx, bundle, spec| {
        let target = target(ctx);
        let runtimes = ctx.outcome_of(&crate::runtime::OCI_RUNTIME);
        let refuses_host = target.as_ref().is_some_and(|t| {
            runtimes
                .oci_runtimes()
                .any(|r| r.name == t.name && !r.runs_here)
        });
        if refuses_host {
            let mut out = Outcome::blocked(&crate::runtime::OCI_RUNTIME);
            if let Some(t) = &target {
                out.message = format!(
                    "blocked by runtime.oci-runtime: {} does not run on this host at all",
                    t.label()
                );
                out.skip_reason = Some(out.message.clone());
            }
            return out;
        }
        let mode = ctx.outcome_of(&crate::cgroup::DELEGATION).cgroup_mode();
        judge(&ResourceFacts::gather(
            spec,
            &bundle.dir,
            !ctx.subject.is_root(),
            mode,
            target,
        ))
    })
}

/// What the resources judge needs.
#[derive(Clone, Debug, PartialEq)]
pub struct ResourceFacts {
    pub rootless: bool,
    pub mode: Option<Mode>,
    pub target: Option<Target>,
    /// `(v1 subsystem, v2 controller, field)` for every limit set, in the
    /// order runc 1.1's v1 manager sets its subsystems.
    pub limits: Vec<(&'static str, &'static str, String)>,
    pub unified: Vec<String>,
    pub config_path: String,
}

impl ResourceFacts {
    pub fn gather(
        spec: &Spec,
        dir: &Path,
        rootless: bool,
        mode: Option<Mode>,
        target: Option<Target>,
    ) -> Self {
        let resources = spec
            .linux
            .as_ref()
            .and_then(|l| l.resources.clone())
            .unwrap_or_default();
        ResourceFacts {
            rootless,
            mode,
            target,
            limits: limits(&resources),
            unified: resources
                .unified
                .clone()
                .unwrap_or_default()
                .into_keys()
                .collect(),
            config_path: dir.join("config.json").display().to_string(),
        }
    }
}

/// The limits `resources` sets, as runc 1.1 applies them (a zero or absent
/// value sets nothing; device rules are not limits).
pub fn limits(r: &Resources) -> Vec<(&'static str, &'static str, String)> {
    let mut out = Vec::new();
    let mut push = |set: bool, v1: &'static str, v2: &'static str, field: &str| {
        if set {
            out.push((v1, v2, field.to_string()));
        }
    };
    let nz = |v: Option<i64>| v.is_some_and(|v| v != 0);
    let nzu = |v: Option<u64>| v.is_some_and(|v| v != 0);
    let cpu = r.cpu.clone().unwrap_or_default();
    let memory = r.memory.clone().unwrap_or_default();
    push(
        cpu.cpus.as_deref().is_some_and(|s| !s.is_empty()),
        "cpuset",
        "cpuset",
        "cpu.cpus",
    );
    push(
        cpu.mems.as_deref().is_some_and(|s| !s.is_empty()),
        "cpuset",
        "cpuset",
        "cpu.mems",
    );
    push(nz(memory.limit), "memory", "memory", "memory.limit");
    push(
        nz(memory.reservation),
        "memory",
        "memory",
        "memory.reservation",
    );
    push(nz(memory.swap), "memory", "memory", "memory.swap");
    // memory.kernel and memory.kernelTCP: runc 1.1 ignores them
    // ("Kernel memory settings are ignored"), on v1 and v2 alike. The v2
    // manager writes neither swappiness nor the OOM killer switch
    // (fs2 isMemorySet: limit, reservation, swap).
    push(
        memory.swappiness.is_some(),
        "memory",
        "",
        "memory.swappiness",
    );
    push(
        memory.disable_oom_killer == Some(true),
        "memory",
        "",
        "memory.disableOOMKiller",
    );
    push(nzu(cpu.shares), "cpu", "cpu", "cpu.shares");
    push(nz(cpu.quota), "cpu", "cpu", "cpu.quota");
    push(nzu(cpu.period), "cpu", "cpu", "cpu.period");
    // Real-time bandwidth is v1 only (fs2 isCpuSet: shares, quota, period).
    push(nz(cpu.realtime_runtime), "cpu", "", "cpu.realtimeRuntime");
    push(nzu(cpu.realtime_period), "cpu", "", "cpu.realtimePeriod");
    push(
        r.pids.as_ref().is_some_and(|p| nz(p.limit)),
        "pids",
        "pids",
        "pids.limit",
    );
    if let Some(io) = &r.block_io {
        let any =
            |v: &Option<Vec<serde::de::IgnoredAny>>| v.as_ref().is_some_and(|v| !v.is_empty());
        // fs2 isIoSet leaves leafWeight out (v1 only).
        let v2 = io.weight.is_some_and(|w| w != 0)
            || any(&io.weight_device)
            || any(&io.throttle_read_bps)
            || any(&io.throttle_write_bps)
            || any(&io.throttle_read_iops)
            || any(&io.throttle_write_iops);
        push(
            v2 || io.leaf_weight.is_some_and(|w| w != 0),
            "blkio",
            if v2 { "io" } else { "" },
            "blockIO",
        );
    }
    push(
        r.hugepage_limits.as_ref().is_some_and(|v| !v.is_empty()),
        "hugetlb",
        "hugetlb",
        "hugepageLimits",
    );
    if let Some(net) = &r.network {
        push(
            net.class_id.is_some_and(|c| c != 0),
            "net_cls",
            "",
            "network.classID",
        );
        push(
            net.priorities.as_ref().is_some_and(|v| !v.is_empty()),
            "net_prio",
            "",
            "network.priorities",
        );
    }
    push(
        r.rdma.as_ref().is_some_and(|m| !m.is_empty()),
        "rdma",
        "rdma",
        "rdma",
    );
    // The v2 manager writes each unified key as a file of the container's
    // cgroup (setUnified); v1 refuses the map as a whole (`unified-on-v1`).
    for key in r.unified.iter().flatten().map(|(k, _)| k) {
        let controller = match key.split_once('.') {
            Some(("memory", _)) => "memory",
            Some(("pids", _)) => "pids",
            _ => "unified",
        };
        out.push(("", controller, format!("unified.{key}")));
    }
    out
}

fn drop_limits(config: &str) -> Remediation {
    Remediation::root(
        "drop the limits (keep the device rules), or run with cgroup v2 and delegation \
         (rootless-doctor explains: cgroup.delegation)",
        vec![jq(
            config,
            ".linux.resources |= (if . then {devices: .devices} else . end)",
        )],
    )
    .as_user()
}

/// Judges the resources.
pub fn judge(facts: &ResourceFacts) -> Outcome {
    let config = &facts.config_path;
    let runtime = facts
        .target
        .as_ref()
        .map_or_else(|| "runc 1.1".to_string(), Target::label);
    let is_runc = facts.target.as_ref().is_none_or(|t| t.name == "runc");
    let mut evidence = vec![
        Evidence::fact("predicted for", runtime.clone()),
        Evidence::fact(
            "cgroup mode",
            facts.mode.map_or("unknown", Mode::as_str).to_string(),
        ),
    ];
    for (v1, v2, field) in &facts.limits {
        evidence.push(Evidence::fact(
            "limit",
            format!(
                "linux.resources.{field} (v1 {}, v2 {})",
                if v1.is_empty() { "ignores it" } else { v1 },
                if v2.is_empty() { "ignores it" } else { v2 }
            ),
        ));
    }
    let mut problems = Vec::new();
    if !facts.unified.is_empty() && facts.mode == Some(Mode::V1) {
        problems.push(
            Problem::fail(
                1,
                Code::UnifiedOnV1,
                format!(
                    "linux.resources.unified sets {} on a cgroup v1 host; runc will fail: invalid \
                     configuration: cannot use unified on cgroup v1",
                    facts.unified.join(", ")
                ),
            )
            .fix(
                Remediation::root(
                    "drop linux.resources.unified",
                    vec![jq(config, "del(.linux.resources.unified)")],
                )
                .as_user(),
            ),
        );
    }
    // The limits the manager of this cgroup mode writes (v1: fs, v2: fs2).
    let limits: Vec<_> = facts
        .limits
        .iter()
        .filter(|(v1, v2, _)| match facts.mode {
            None => true,
            Some(Mode::V1) => !v1.is_empty(),
            Some(_) => !v2.is_empty(),
        })
        .collect();
    if facts.rootless && !limits.is_empty() {
        let fields: Vec<&str> = limits.iter().map(|(_, _, f)| f.as_str()).collect();
        match facts.mode {
            None => problems.push(Problem::warn(
                4,
                Code::CgroupModeUnknown,
                format!(
                    "linux.resources sets {}, and whether the subject gets a cgroup for them is \
                     unknown (cgroup.delegation did not state the cgroup mode)",
                    fields.join(", ")
                ),
            )),
            Some(Mode::V1) if is_runc => {
                let first = limits[0].0;
                problems.push(
                    Problem::fail(
                        4,
                        Code::ResourcesWithoutCgroup,
                        format!(
                            "linux.resources sets {} on a cgroup v1/hybrid host, where a \
                             rootless container gets no cgroup; runc will fail: cannot set \
                             {first} limit: container could not join or create cgroup",
                            fields.join(", ")
                        ),
                    )
                    .fix(drop_limits(config)),
                );
            }
            Some(Mode::V1) => problems.push(
                Problem::fail(
                    4,
                    Code::ResourcesWithoutCgroup,
                    format!(
                        "linux.resources sets {} on a cgroup v1/hybrid host, where a rootless \
                         container gets no cgroup; {runtime} cannot apply them",
                        fields.join(", ")
                    ),
                )
                .fix(drop_limits(config)),
            ),
            Some(Mode::Undelegated) => problems.push(
                Problem::fail(
                    4,
                    Code::ResourcesWithoutCgroup,
                    format!(
                        "linux.resources sets {} and the subject has no delegated cgroup v2 \
                         subtree; runc will fail: rootless needs no limits + no cgrouppath when \
                         no permission is granted for cgroups: ... permission denied",
                        fields.join(", ")
                    ),
                )
                .fix(drop_limits(config)),
            ),
            Some(Mode::Partial) => problems.push(Problem::warn(
                4,
                Code::ResourcesPartial,
                format!(
                    "linux.resources sets {}; only some controllers are delegated to the subject, \
                     and a limit for one that is not fails (cgroup.delegation lists them)",
                    fields.join(", ")
                ),
            )),
            Some(Mode::Delegated) => {
                let beyond: Vec<&str> = limits
                    .iter()
                    .filter(|(_, v2, _)| !matches!(*v2, "memory" | "pids"))
                    .map(|(_, _, f)| f.as_str())
                    .collect();
                if !beyond.is_empty() {
                    problems.push(Problem::warn(
                        4,
                        Code::ResourcesPartial,
                        format!(
                            "linux.resources sets {}, beyond the memory and pids controllers a \
                             default delegation grants; it fails unless those controllers are \
                             delegated too (cgroup.delegation lists them)",
                            beyond.join(", ")
                        ),
                    ));
                }
            }
        }
    }
    conclude(
        problems,
        evidence,
        if limits.is_empty() {
            "linux.resources sets no limit that needs a cgroup".to_string()
        } else if facts.rootless {
            format!("{runtime} can apply the limits in the subject's delegated cgroup")
        } else {
            format!("{runtime} runs as root and manages the cgroups")
        },
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::spec::{MemoryResources, PidsResources};
    use crate::Status;

    fn facts(mode: Option<Mode>, r: Resources) -> ResourceFacts {
        ResourceFacts {
            rootless: true,
            mode,
            target: None,
            limits: limits(&r),
            unified: r.unified.unwrap_or_default().into_keys().collect(),
            config_path: "/b/config.json".into(),
        }
    }

    fn memory(limit: i64) -> Resources {
        Resources {
            memory: Some(MemoryResources {
                limit: Some(limit),
                ..MemoryResources::default()
            }),
            ..Resources::default()
        }
    }

    #[test]
    fn v1_rootless_limits_fail_with_runcs_message_for_the_first_subsystem() {
        let out = judge(&facts(Some(Mode::V1), memory(100_000_000)));
        assert!(out.is(Code::ResourcesWithoutCgroup), "{out:?}");
        assert!(out
            .message
            .ends_with("cannot set memory limit: container could not join or create cgroup"));
        let mut r = memory(1);
        r.pids = Some(PidsResources { limit: Some(10) });
        assert!(judge(&facts(Some(Mode::V1), r))
            .message
            .contains("cannot set memory limit"));
    }

    #[test]
    fn zero_values_and_device_rules_set_nothing() {
        assert_eq!(
            judge(&facts(Some(Mode::V1), memory(0))).status,
            Status::Pass
        );
        assert_eq!(
            judge(&facts(Some(Mode::V1), Resources::default())).status,
            Status::Pass
        );
    }

    #[test]
    fn v2_verdicts_follow_delegation_and_root_is_fine() {
        assert_eq!(
            judge(&facts(Some(Mode::Delegated), memory(1))).status,
            Status::Pass
        );
        assert!(judge(&facts(Some(Mode::Undelegated), memory(1))).is(Code::ResourcesWithoutCgroup));
        assert_eq!(
            judge(&facts(Some(Mode::Partial), memory(1))).status,
            Status::Warn
        );
        assert_eq!(judge(&facts(None, memory(1))).status, Status::Warn);
        let mut f = facts(Some(Mode::V1), memory(1));
        f.rootless = false;
        assert_eq!(judge(&f).status, Status::Pass);
    }

    #[test]
    fn each_cgroup_manager_is_judged_by_what_it_writes() {
        // runc 1.1 ignores kernel memory everywhere.
        let kernel = Resources {
            memory: Some(MemoryResources {
                kernel: Some(1 << 30),
                kernel_tcp: Some(1 << 20),
                ..MemoryResources::default()
            }),
            ..Resources::default()
        };
        assert_eq!(
            judge(&facts(Some(Mode::V1), kernel.clone())).status,
            Status::Pass
        );
        assert_eq!(
            judge(&facts(Some(Mode::Undelegated), kernel)).status,
            Status::Pass
        );
        // Swappiness: v1 writes it, fs2 does not.
        let swappiness = Resources {
            memory: Some(MemoryResources {
                swappiness: Some(10),
                ..MemoryResources::default()
            }),
            ..Resources::default()
        };
        assert!(judge(&facts(Some(Mode::V1), swappiness.clone()))
            .message
            .ends_with("cannot set memory limit: container could not join or create cgroup"));
        assert_eq!(
            judge(&facts(Some(Mode::Undelegated), swappiness)).status,
            Status::Pass
        );
        // A unified key is a file fs2 writes in the container's cgroup.
        let unified = Resources {
            unified: Some([("memory.max".to_string(), "1".to_string())].into()),
            ..Resources::default()
        };
        assert!(judge(&facts(Some(Mode::Undelegated), unified.clone()))
            .is(Code::ResourcesWithoutCgroup));
        assert_eq!(
            judge(&facts(Some(Mode::Delegated), unified)).status,
            Status::Pass
        );
    }

    #[test]
    fn unified_on_v1_fails_even_for_root() {
        let r = Resources {
            unified: Some([("memory.max".to_string(), "1".to_string())].into()),
            ..Resources::default()
        };
        let mut f = facts(Some(Mode::V1), r);
        f.rootless = false;
        let out = judge(&f);
        assert!(out.is(Code::UnifiedOnV1));
        assert!(out.message.ends_with("cannot use unified on cgroup v1"));
    }
}
