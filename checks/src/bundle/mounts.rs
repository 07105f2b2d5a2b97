//! `bundle.mounts`: mounts a rootless container cannot make.
//!
//! In a new user namespace the kernel lets `sysfs` be mounted only with a
//! network namespace owned by it, `mqueue` only with an own ipc namespace and
//! `proc` only with an own pid namespace (EPERM otherwise); rootless runc
//! refuses `uid=`/`gid=` data options naming ids the mappings lack, and
//! id-mapped mounts; bind sources must exist. `cgroup` mounts are fine: runc
//! falls back to a bind of the host hierarchy (cgroup v1 hybrid included).
//!
//! Decisions: docs/checks/bundle.md, section `bundle.mounts`.

use super::mapping_rules::{to_host, Userns};
use super::{with_spec, Code};
use crate::check::{CheckDef, Context, Outcome};
use crate::model::{Evidence, Remediation};
use crate::shell::quote;
use crate::spec::{IdMapping, Mount, Spec};
use std::path::Path;

pub static MOUNTS: CheckDef = CheckDef {
    id: "bundle.mounts",
    title: "bundle mounts",
    description: "No mount a rootless container cannot make: sysfs without a network \
                  namespace, mqueue without an ipc namespace, proc without a pid namespace, \
                  uid=/gid= options naming unmapped ids, id-mapped mounts, missing bind \
                  sources.",
    codes: &[
        Code::NoBundle.code(),
        Code::NoNewUserNamespace.code(),
        Code::IdmappedMount.code(),
        Code::UnmappedIdOption.code(),
        Code::SysfsWithoutNetns.code(),
        Code::MqueueWithoutIpcns.code(),
        Code::ProcWithoutPidns.code(),
        Code::BindSourceMissing.code(),
    ],
    probes: &[],
    run,
};

fn run(ctx: &Context<'_>) -> Outcome {
    with_spec(ctx, |ctx, bundle, spec| {
        let exists = |p: &str| ctx.host.exists(p);
        let facts = MountFacts::gather(spec, &bundle.dir, !ctx.subject.is_root(), &exists);
        judge(&facts)
    })
}

/// What the mounts judge needs.
#[derive(Clone, Debug, PartialEq)]
pub struct MountFacts {
    pub rootless: bool,
    pub userns: Userns,
    pub new_net: bool,
    pub new_ipc: bool,
    pub new_pid: bool,
    pub mounts: Vec<Mount>,
    /// Per mount: `Some(exists)` for bind mounts, `None` for others.
    pub bind_source_exists: Vec<Option<bool>>,
    pub uid_maps: Vec<IdMapping>,
    pub gid_maps: Vec<IdMapping>,
    pub config_path: String,
}

/// True when the mount is a bind mount.
pub fn is_bind(m: &Mount) -> bool {
    m.kind.as_deref() == Some("bind")
        || m.options
            .iter()
            .flatten()
            .any(|o| o == "bind" || o == "rbind")
}

impl MountFacts {
    /// From the spec; bind sources are checked with `exists(source)` for
    /// absolute (host) paths and on the bundle for relative ones.
    pub fn gather(
        spec: &Spec,
        dir: &Path,
        rootless: bool,
        host_exists: &dyn Fn(&str) -> bool,
    ) -> Self {
        let mounts = spec.mounts.clone().unwrap_or_default();
        let bind_source_exists = mounts
            .iter()
            .map(|m| {
                if !is_bind(m) {
                    return None;
                }
                let source = m.source.as_deref().unwrap_or("");
                Some(if source.starts_with('/') {
                    host_exists(source)
                } else {
                    !source.is_empty() && dir.join(source).exists()
                })
            })
            .collect();
        MountFacts {
            rootless,
            userns: Userns::of(spec),
            new_net: spec.creates_namespace("network"),
            new_ipc: spec.creates_namespace("ipc"),
            new_pid: spec.creates_namespace("pid"),
            mounts,
            bind_source_exists,
            uid_maps: spec.uid_mappings().to_vec(),
            gid_maps: spec.gid_mappings().to_vec(),
            config_path: dir.join("config.json").display().to_string(),
        }
    }
}

/// One mount runc cannot make, and why.
struct Problem {
    /// 0: runc's validator refuses it; 1: the mount itself fails later.
    stage: u8,
    code: Code,
    message: String,
    fix: Remediation,
}

fn jq(config: &str, filter: &str) -> String {
    let new = format!("{config}.new");
    let (config, new) = (quote(config), quote(&new));
    format!("jq {} {config} > {new} && mv {new} {config}", quote(filter))
}

fn eperm(kind: &str, dst: &str) -> String {
    format!(
        "runc will fail: error mounting \"{kind}\" to rootfs at \"{dst}\": ... operation not \
         permitted"
    )
}

/// Judges the mounts.
pub fn judge(facts: &MountFacts) -> Outcome {
    if facts.userns != Userns::New {
        return Outcome::skip(
            Code::NoNewUserNamespace,
            "not applicable: no new user namespace (see bundle.uid-mappings)",
        );
    }
    let config = &facts.config_path;
    let mut problems: Vec<Problem> = Vec::new();
    let mut evidence = Vec::new();
    for (i, m) in facts.mounts.iter().enumerate() {
        let kind = m.kind.as_deref().unwrap_or("");
        let dst = m.destination.as_deref().unwrap_or("");
        let options = m.options.clone().unwrap_or_default();
        evidence.push(Evidence::fact(
            format!("mounts[{i}]"),
            format!(
                "{dst} type {} source {} options [{}]",
                if kind.is_empty() { "(none)" } else { kind },
                m.source.as_deref().unwrap_or("(none)"),
                options.join(",")
            ),
        ));
        let idmapped = m.uid_mappings.as_ref().is_some_and(|v| !v.is_empty())
            || m.gid_mappings.as_ref().is_some_and(|v| !v.is_empty());
        if idmapped && facts.rootless {
            problems.push(Problem {
                stage: 0,
                code: Code::IdmappedMount,
                message: format!("{dst} is an id-mapped mount; runc will fail: id-mapped mounts are not supported for rootless containers"),
                fix: Remediation::root("drop uidMappings/gidMappings from the mount", vec![]).as_user(),
            });
        }
        match kind {
            "sysfs" if !facts.new_net => problems.push(Problem {
                stage: 1,
                code: Code::SysfsWithoutNetns,
                message: format!(
                    "sysfs at {dst} needs a network namespace of the container's own (none in linux.namespaces); {} (crun falls back to a bind of /sys for a read-only sysfs)",
                    eperm("sysfs", dst)
                ),
                fix: Remediation::root(
                    "bind the host's /sys instead, as runc spec --rootless does (or add a network namespace)",
                    vec![jq(config, "(.mounts[] | select(.type==\"sysfs\")) |= {\"destination\":\"/sys\",\"type\":\"none\",\"source\":\"/sys\",\"options\":[\"rbind\",\"nosuid\",\"noexec\",\"nodev\",\"ro\"]}")],
                )
                .as_user(),
            }),
            "mqueue" if !facts.new_ipc => problems.push(Problem {
                stage: 1,
                code: Code::MqueueWithoutIpcns,
                message: format!("mqueue at {dst} needs an ipc namespace of the container's own; {}", eperm("mqueue", dst)),
                fix: Remediation::root("add an ipc namespace", vec![jq(config, ".linux.namespaces += [{\"type\":\"ipc\"}]")]).as_user(),
            }),
            "proc" if !facts.new_pid => problems.push(Problem {
                stage: 1,
                code: Code::ProcWithoutPidns,
                message: format!("proc at {dst} needs a pid namespace of the container's own; {}", eperm("proc", dst)),
                fix: Remediation::root("add a pid namespace", vec![jq(config, ".linux.namespaces += [{\"type\":\"pid\"}]")]).as_user(),
            }),
            "cgroup" | "cgroup2" => evidence.push(Evidence::fact(
                format!("mounts[{i}] note"),
                "runc binds the host cgroup hierarchy when it cannot mount cgroupfs in a user namespace",
            )),
            _ => {}
        }
        if facts.rootless {
            for option in &options {
                let (maps, kind_name) = if let Some(v) = option.strip_prefix("uid=") {
                    (Some((v, &facts.uid_maps)), "uid")
                } else if let Some(v) = option.strip_prefix("gid=") {
                    (Some((v, &facts.gid_maps)), "gid")
                } else {
                    (None, "")
                };
                let Some((value, maps)) = maps else { continue };
                let Ok(id) = value.parse::<u32>() else {
                    continue;
                };
                if to_host(maps, id).is_none() {
                    problems.push(Problem {
                        stage: 0,
                        code: Code::UnmappedIdOption,
                        message: format!(
                            "the {dst} mount has option {option}, and container {kind_name} {id} is not mapped; runc will fail: cannot specify {option} mount option for rootless container: user namespaces enabled, but no mapping found for {kind_name} {id} (crun: mount `{kind}` to `{}`: Invalid argument)",
                            dst.trim_start_matches('/')
                        ),
                        fix: Remediation::root(
                            format!("remove {option}, as runc spec --rootless does (or map {kind_name} {id})"),
                            vec![jq(config, "(.mounts[] | select(.options) | .options) |= map(select(test(\"^[ug]id=\") | not))")],
                        )
                        .as_user(),
                    });
                }
            }
        }
        if facts.bind_source_exists.get(i).copied().flatten() == Some(false) {
            let src = m.source.as_deref().unwrap_or("");
            problems.push(Problem {
                stage: 1,
                code: Code::BindSourceMissing,
                message: format!("bind source {src:?} of {dst} does not exist; runc will fail: error mounting \"{src}\" to rootfs at \"{dst}\": ... no such file or directory"),
                fix: Remediation::root("create the source or remove the mount", vec![]).as_user(),
            });
        }
    }
    // runc validates the config before it mounts anything: report in that order.
    problems.sort_by_key(|p| p.stage);
    let Some(first) = problems.first() else {
        return Outcome::pass(format!(
            "{} mounts can be made in a rootless container",
            facts.mounts.len()
        ))
        .with_all(evidence);
    };
    let mut out = Outcome::fail(first.code, first.message.clone())
        .also(problems.iter().skip(1).map(|p| p.code))
        .with_all(evidence);
    for p in problems.iter().skip(1) {
        out = out.with(Evidence::fact("also", p.message.clone()));
    }
    out.fixes(problems.into_iter().map(|p| p.fix))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Status;

    fn mount(kind: &str, dst: &str, options: &[&str]) -> Mount {
        Mount {
            destination: Some(dst.into()),
            source: Some(kind.into()),
            kind: Some(kind.into()),
            options: Some(options.iter().map(|s| s.to_string()).collect()),
            ..Mount::default()
        }
    }

    fn facts(mounts: Vec<Mount>) -> MountFacts {
        let n = mounts.len();
        MountFacts {
            rootless: true,
            userns: Userns::New,
            new_net: false,
            new_ipc: true,
            new_pid: true,
            mounts,
            bind_source_exists: vec![None; n],
            uid_maps: vec![IdMapping {
                container_id: 0,
                host_id: 1000,
                size: 1,
            }],
            gid_maps: vec![IdMapping {
                container_id: 0,
                host_id: 1000,
                size: 1,
            }],
            config_path: "/b/config.json".into(),
        }
    }

    #[test]
    fn runc_spec_rootless_mounts_pass() {
        let f = facts(vec![
            mount("proc", "/proc", &[]),
            mount("tmpfs", "/dev", &["nosuid", "mode=755"]),
            mount(
                "devpts",
                "/dev/pts",
                &["nosuid", "newinstance", "ptmxmode=0666", "mode=0620"],
            ),
            mount("mqueue", "/dev/mqueue", &[]),
            mount("cgroup", "/sys/fs/cgroup", &["ro"]),
        ]);
        assert_eq!(judge(&f).status, Status::Pass);
    }

    #[test]
    fn sysfs_without_netns_and_unmapped_gid_fail() {
        let f = facts(vec![
            mount("sysfs", "/sys", &["ro"]),
            mount("devpts", "/dev/pts", &["gid=5"]),
        ]);
        let out = judge(&f);
        assert_eq!(out.status, Status::Fail);
        assert!(
            out.message.contains("cannot specify gid=5 mount option"),
            "{}",
            out.message
        );
        assert!(out.is(Code::UnmappedIdOption), "validator stage first");
        assert!(out.evidence.iter().any(|e| matches!(e, Evidence::Fact { value, .. } if value.contains("error mounting \"sysfs\""))));
        assert_eq!(out.remediation.len(), 2);
        let f = MountFacts {
            new_net: true,
            ..facts(vec![mount("sysfs", "/sys", &[])])
        };
        assert_eq!(judge(&f).status, Status::Pass);
    }

    #[test]
    fn missing_bind_source_fails() {
        let mut f = facts(vec![mount("none", "/data", &["rbind"])]);
        f.bind_source_exists = vec![Some(false)];
        assert!(judge(&f).message.contains("no such file or directory"));
        assert!(judge(&f).is(Code::BindSourceMissing));
    }

    #[test]
    fn each_problem_has_its_code() {
        let cases = [
            (mount("sysfs", "/sys", &[]), Code::SysfsWithoutNetns),
            (
                mount("devpts", "/dev/pts", &["uid=7"]),
                Code::UnmappedIdOption,
            ),
            (
                Mount {
                    uid_mappings: Some(vec![IdMapping {
                        container_id: 0,
                        host_id: 0,
                        size: 1,
                    }]),
                    ..mount("tmpfs", "/data", &[])
                },
                Code::IdmappedMount,
            ),
        ];
        for (m, code) in cases {
            let out = judge(&facts(vec![m]));
            assert_eq!(out.status, Status::Fail, "{}", out.message);
            assert!(out.is(code), "{:?} for {}", out.code, out.message);
        }
        let f = MountFacts {
            new_ipc: false,
            new_pid: false,
            ..facts(vec![mount("mqueue", "/dev/mqueue", &[])])
        };
        assert!(judge(&f).is(Code::MqueueWithoutIpcns));
        let f = MountFacts {
            new_pid: false,
            ..facts(vec![mount("proc", "/proc", &[])])
        };
        assert!(judge(&f).is(Code::ProcWithoutPidns));
        let f = MountFacts {
            userns: Userns::Absent,
            ..facts(vec![])
        };
        assert!(judge(&f).is(Code::NoNewUserNamespace));
    }
}
