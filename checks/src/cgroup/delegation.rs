//! `cgroup.delegation`: which cgroup controllers the subject may use.
//!
//! On cgroup v2, systemd delegates controllers to each user's service manager
//! (`user@UID.service`); its `cgroup.controllers` lists what rootless
//! containers can limit. [`gather`] reads the hierarchy (through
//! [`crate::cgroupfs`]), that file and the kernel command line; [`judge`] is
//! pure over them. Missing limits are a warning, never a failure: containers
//! still run. Every outcome states the [`Mode`] as a typed
//! [`Fact::CgroupMode`], which the capabilities read, and shows it as the
//! `cgroup mode` evidence fact.
//!
//! Decisions: docs/checks/cgroup.md, section `cgroup.delegation`.

use super::Code;
use crate::cgroupfs::{self, unified_hierarchy_fix, Hierarchy, Mode, CGROUP_ROOT};
use crate::check::{CheckDef, Context, Fact, Outcome};
use crate::distro::Distro;
use crate::host::HostFs;
use crate::model::{Evidence, Remediation};
use crate::shell::quote;
use crate::subject::Subject;

pub static DELEGATION: CheckDef = CheckDef {
    id: "cgroup.delegation",
    title: "cgroup delegation",
    description: "cgroup v2 with cpu, memory, pids and io delegated to the subject's systemd \
                  user slice; v1, hybrid or undelegated is a warning (resource limits \
                  unavailable), not a failure.",
    codes: &[
        Code::V1OrHybrid.code(),
        Code::NotMounted.code(),
        Code::PartlyDelegated.code(),
        Code::NothingDelegated.code(),
        Code::NoUserManager.code(),
        Code::NotSystemdManaged.code(),
        Code::Unreadable.code(),
    ],
    probes: &[],
    run,
};

fn run(ctx: &Context<'_>) -> Outcome {
    judge(&gather(ctx.host, ctx.subject), &ctx.distro)
}

/// The name of the evidence fact that shows the mode in the report.
const MODE_FACT: &str = "cgroup mode";

/// The controllers a rootless container's limits need.
pub const WANTED: [&str; 4] = ["cpu", "io", "memory", "pids"];

/// The drop-in that delegates every controller to user managers.
pub const DROP_IN: &str = "/etc/systemd/system/user@.service.d/delegate.conf";

/// The user manager's cgroup, as found.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ServiceCgroup {
    /// Its `cgroup.controllers`, split.
    Controllers(Vec<String>),
    /// No `user@UID.service` cgroup: the user manager is not running.
    Missing,
    /// It exists but could not be read.
    Unreadable(String),
}

/// Everything the judge needs.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Facts {
    pub hierarchy: Hierarchy,
    pub subject_name: String,
    pub subject_uid: u32,
    pub subject_gid: u32,
    pub subject_is_root: bool,
    /// Host path of `cgroup.controllers` of the user manager's cgroup.
    pub controllers_path: String,
    /// Only meaningful on v2.
    pub service: ServiceCgroup,
    /// `/sys/fs/cgroup/user.slice` exists: systemd manages the hierarchy.
    pub systemd_slices: bool,
    /// Kernel command-line words that choose the hierarchy.
    pub cmdline_switches: Vec<String>,
}

/// `/sys/fs/cgroup/user.slice/user-UID.slice/user@UID.service/cgroup.controllers`.
pub fn controllers_path(uid: u32) -> String {
    format!("{CGROUP_ROOT}/user.slice/user-{uid}.slice/user@{uid}.service/cgroup.controllers")
}

/// Reads the facts through the host seam.
pub fn gather(host: &HostFs, subject: &Subject) -> Facts {
    let hierarchy = cgroupfs::gather(host);
    let path = controllers_path(subject.uid);
    let service = match host.read_text(&path) {
        Ok(text) => ServiceCgroup::Controllers(cgroupfs::split_controllers(&text)),
        Err(e) if e.is_not_found() => ServiceCgroup::Missing,
        Err(e) => ServiceCgroup::Unreadable(e.to_string()),
    };
    let cmdline_switches = host
        .read_text("/proc/cmdline")
        .map(|text| hierarchy_switches(&text))
        .unwrap_or_default();
    Facts {
        hierarchy,
        subject_name: subject.name.clone(),
        subject_uid: subject.uid,
        subject_gid: subject.gid,
        subject_is_root: subject.is_root(),
        controllers_path: path,
        service,
        systemd_slices: host.exists(format!("{CGROUP_ROOT}/user.slice")),
        cmdline_switches,
    }
}

/// The words of a kernel command line that choose the cgroup hierarchy.
pub fn hierarchy_switches(cmdline: &str) -> Vec<String> {
    cmdline
        .split_whitespace()
        .filter(|word| {
            word.starts_with("systemd.unified_cgroup_hierarchy")
                || word.starts_with("systemd.legacy_systemd_cgroup_controller")
                || word.starts_with("cgroup_no_v1")
        })
        .take(8)
        .map(|word| word.chars().take(120).collect())
        .collect()
}

/// The mode the facts amount to.
pub fn mode(facts: &Facts) -> Mode {
    match &facts.hierarchy {
        Hierarchy::Hybrid { .. } | Hierarchy::Legacy => Mode::V1,
        Hierarchy::Unmounted => Mode::Undelegated,
        Hierarchy::Unified if facts.subject_is_root => Mode::Delegated,
        Hierarchy::Unified => match &facts.service {
            ServiceCgroup::Controllers(list) => {
                let has = |name: &str| list.iter().any(|c| c == name);
                if has("memory") && has("pids") {
                    Mode::Delegated
                } else if WANTED.iter().any(|w| has(w)) {
                    Mode::Partial
                } else {
                    Mode::Undelegated
                }
            }
            ServiceCgroup::Missing | ServiceCgroup::Unreadable(_) => Mode::Undelegated,
        },
    }
}

/// Decides the outcome.
pub fn judge(facts: &Facts, distro: &Distro) -> Outcome {
    let mode = mode(facts);
    let mode_fact = Evidence::fact(MODE_FACT, mode.as_str());
    let hierarchy_fact = Evidence::fact("cgroup hierarchy", describe(&facts.hierarchy));
    let cmdline = (!facts.cmdline_switches.is_empty())
        .then(|| Evidence::file("/proc/cmdline", facts.cmdline_switches.join(" ")));
    let base = move |outcome: Outcome| {
        outcome
            .stating(Fact::CgroupMode(mode))
            .with(mode_fact)
            .with(hierarchy_fact)
            .with_all(cmdline)
    };
    let name = &facts.subject_name;

    if facts.subject_is_root {
        let message = match facts.hierarchy {
            Hierarchy::Unmounted => {
                return base(Outcome::warn(
                    Code::NotMounted,
                    "no cgroup filesystem is mounted under /sys/fs/cgroup: resource limits \
                     are unavailable",
                ))
                .fix(mount_cgroup2_fix());
            }
            Hierarchy::Unified => "root manages the cgroup v2 hierarchy directly",
            _ => "root manages the cgroup v1 hierarchy directly; rootless users get no limits here",
        };
        return base(Outcome::pass(message));
    }

    match &facts.hierarchy {
        Hierarchy::Hybrid { .. } | Hierarchy::Legacy => base(Outcome::warn(
            Code::V1OrHybrid,
            format!(
                "cgroup {} hierarchy: rootless containers of {name} run without resource \
                 limits (cgroup v2 is needed for them)",
                facts.hierarchy.name()
            ),
        ))
        .fix(unified_hierarchy_fix(distro)),
        Hierarchy::Unmounted => base(Outcome::warn(
            Code::NotMounted,
            "no cgroup filesystem is mounted under /sys/fs/cgroup: resource limits are \
             unavailable",
        ))
        .fix(mount_cgroup2_fix()),
        Hierarchy::Unified => judge_unified(facts, base),
    }
}

fn judge_unified(facts: &Facts, base: impl FnOnce(Outcome) -> Outcome) -> Outcome {
    let name = &facts.subject_name;
    let uid = facts.subject_uid;
    let path = &facts.controllers_path;
    match &facts.service {
        ServiceCgroup::Controllers(list) => {
            let text = list.join(" ");
            let evidence = Evidence::file(path.clone(), text.clone());
            let missing: Vec<&str> = WANTED
                .iter()
                .copied()
                .filter(|w| !list.iter().any(|c| c == w))
                .collect();
            if missing.is_empty() {
                return base(Outcome::pass(format!(
                    "cpu, io, memory and pids are delegated to {name}'s systemd user manager \
                     (user@{uid}.service)"
                )))
                .with(evidence);
            }
            let (code, delegated) = if text.is_empty() {
                (Code::NothingDelegated, "no controllers are".to_string())
            } else {
                (
                    Code::PartlyDelegated,
                    format!(
                        "only {text} {} ",
                        if list.len() == 1 { "is" } else { "are" }
                    ),
                )
            };
            let delegated = delegated.trim_end();
            base(Outcome::warn(
                code,
                format!(
                    "{delegated} delegated to {name}'s systemd user manager \
                     (user@{uid}.service): no {} limits for rootless containers",
                    missing.join(", ")
                ),
            ))
            .with(evidence)
            .fix(delegate_fix())
        }
        ServiceCgroup::Missing if facts.systemd_slices => base(Outcome::warn(
            Code::NoUserManager,
            format!(
                "{name} has no running systemd user manager (no user@{uid}.service cgroup): \
                 nothing is delegated, resource limits are unavailable"
            ),
        ))
        .with(Evidence::fact("missing", path.clone()))
        .fix(Remediation::root(
            format!(
                "keep {name}'s systemd user manager running (lingering), or log in as \
                     {name} through ssh or `machinectl shell {name}@`"
            ),
            vec![format!("loginctl enable-linger {}", quote(name))],
        ))
        .fix(delegate_fix()),
        ServiceCgroup::Missing => base(Outcome::warn(
            Code::NotSystemdManaged,
            format!(
                "cgroup v2 is not managed by systemd here (no /sys/fs/cgroup/user.slice): \
                 nothing is delegated to {name}, resource limits are unavailable"
            ),
        ))
        .with(Evidence::fact("missing", path.clone()))
        .fix(manual_delegation_fix(name, uid, facts.subject_gid)),
        ServiceCgroup::Unreadable(reason) => base(Outcome::warn(
            Code::Unreadable,
            format!("cannot read {path}: treating the controllers as not delegated"),
        ))
        .with(Evidence::fact("read error", reason.clone()))
        .fix(delegate_fix()),
    }
}

fn describe(hierarchy: &Hierarchy) -> String {
    match hierarchy {
        Hierarchy::Unified => "v2 (unified, /sys/fs/cgroup is cgroup2)".to_string(),
        Hierarchy::Hybrid {
            unified_controllers,
        } => {
            let v2 = match unified_controllers {
                Some(list) if list.is_empty() => "no controllers".to_string(),
                Some(list) => format!("controllers: {}", list.join(" ")),
                None => "controllers unknown".to_string(),
            };
            format!("hybrid (v1 controllers, v2 at /sys/fs/cgroup/unified with {v2})")
        }
        Hierarchy::Legacy => "v1 (legacy)".to_string(),
        Hierarchy::Unmounted => "none mounted".to_string(),
    }
}

/// The systemd drop-in that delegates cpu, cpuset, io, memory and pids.
pub fn delegate_fix() -> Remediation {
    Remediation::root(
        "delegate cpu, cpuset, io, memory and pids to every user's systemd manager, then \
         log out and in again (or reboot)",
        vec![
            "mkdir -p /etc/systemd/system/user@.service.d".to_string(),
            format!("printf '[Service]\\nDelegate=cpu cpuset io memory pids\\n' > {DROP_IN}"),
            "systemctl daemon-reload".to_string(),
        ],
    )
}

fn mount_cgroup2_fix() -> Remediation {
    Remediation::root(
        "mount the cgroup v2 hierarchy (a container or minimal init may have left it out)",
        vec!["mount -t cgroup2 none /sys/fs/cgroup".to_string()],
    )
    .until_reboot()
}

fn manual_delegation_fix(name: &str, uid: u32, gid: u32) -> Remediation {
    let dir = format!("{CGROUP_ROOT}/rootless-{name}");
    let file = |leaf: &str| quote(&format!("{dir}/{leaf}")).into_owned();
    Remediation::root(
        format!(
            "without systemd, delegate a cgroup to {name} by hand; runtimes must be pointed \
             at it (cgroupsPath, --cgroup-parent)"
        ),
        vec![
            format!("echo '+cpu +io +memory +pids' > {CGROUP_ROOT}/cgroup.subtree_control"),
            format!("mkdir -p {}", quote(&dir)),
            format!(
                "chown {uid}:{gid} {} {} {} {}",
                quote(&dir),
                file("cgroup.procs"),
                file("cgroup.threads"),
                file("cgroup.subtree_control")
            ),
        ],
    )
    .until_reboot()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check::coded_as_declared;
    use crate::model::Status;
    use crate::os_release::OsRelease;
    use crate::testing::debian;

    fn facts(hierarchy: Hierarchy, service: ServiceCgroup) -> Facts {
        Facts {
            hierarchy,
            subject_name: "alice".into(),
            subject_uid: 1000,
            subject_gid: 1000,
            subject_is_root: false,
            controllers_path: controllers_path(1000),
            service,
            systemd_slices: true,
            cmdline_switches: Vec::new(),
        }
    }

    fn controllers(list: &str) -> ServiceCgroup {
        ServiceCgroup::Controllers(cgroupfs::split_controllers(list))
    }

    /// The stated mode, checked against the evidence fact the report shows.
    fn mode_of(outcome: &Outcome) -> &'static str {
        let mode = outcome.cgroup_mode().expect("mode fact").as_str();
        assert!(outcome
            .evidence
            .contains(&Evidence::fact("cgroup mode", mode)));
        mode
    }

    #[test]
    fn all_four_delegated_passes() {
        let f = facts(
            Hierarchy::Unified,
            controllers("cpuset cpu io memory pids\n"),
        );
        let out = judge(&f, &debian());
        assert_eq!(out.status, Status::Pass);
        assert_eq!(out.code, None);
        assert_eq!(mode_of(&out), "delegated");
        assert!(out.message.contains("user@1000.service"), "{}", out.message);
    }

    #[test]
    fn systemd_default_memory_pids_is_delegated_but_warns() {
        let out = judge(
            &facts(Hierarchy::Unified, controllers("memory pids")),
            &debian(),
        );
        assert_eq!(out.status, Status::Warn);
        assert!(out.is(Code::PartlyDelegated));
        assert_eq!(mode_of(&out), "delegated");
        assert_eq!(
            out.message,
            "only memory pids are delegated to alice's systemd user manager \
             (user@1000.service): no cpu, io limits for rootless containers"
        );
        assert!(out.remediation[0].commands[1].contains(DROP_IN));
        assert!(out.remediation[0].requires_root);
    }

    #[test]
    fn some_controllers_are_partial() {
        let out = judge(&facts(Hierarchy::Unified, controllers("cpu")), &debian());
        assert_eq!(out.status, Status::Warn);
        assert!(out.is(Code::PartlyDelegated));
        assert_eq!(mode_of(&out), "partial");
        assert!(out.message.starts_with("only cpu is delegated"));
    }

    #[test]
    fn none_is_undelegated() {
        let out = judge(&facts(Hierarchy::Unified, controllers("")), &debian());
        assert_eq!(out.status, Status::Warn);
        assert!(out.is(Code::NothingDelegated));
        assert_eq!(mode_of(&out), "undelegated");
        assert!(out.message.starts_with("no controllers are delegated"));
        let cpuset_only = judge(&facts(Hierarchy::Unified, controllers("cpuset")), &debian());
        assert_eq!(mode_of(&cpuset_only), "undelegated");
        assert!(cpuset_only.is(Code::PartlyDelegated));
    }

    #[test]
    fn a_missing_user_manager_is_undelegated_with_linger_fix() {
        let out = judge(
            &facts(Hierarchy::Unified, ServiceCgroup::Missing),
            &debian(),
        );
        assert_eq!(out.status, Status::Warn);
        assert!(out.is(Code::NoUserManager));
        assert_eq!(mode_of(&out), "undelegated");
        assert_eq!(
            out.remediation[0].commands,
            vec!["loginctl enable-linger alice"]
        );
        let mut no_systemd = facts(Hierarchy::Unified, ServiceCgroup::Missing);
        no_systemd.systemd_slices = false;
        let out = judge(&no_systemd, &debian());
        assert_eq!(out.status, Status::Warn);
        assert!(out.is(Code::NotSystemdManaged));
        assert!(out.message.contains("not managed by systemd"));
        assert!(out.remediation[0].commands[2].starts_with("chown 1000:1000"));
    }

    #[test]
    fn v1_and_hybrid_warn_with_a_boot_fix() {
        let hybrid = Hierarchy::Hybrid {
            unified_controllers: Some(vec!["hugetlb".into()]),
        };
        let mut f = facts(hybrid, ServiceCgroup::Missing);
        f.cmdline_switches = vec!["systemd.unified_cgroup_hierarchy=0".into()];
        let out = judge(&f, &debian());
        assert_eq!(out.status, Status::Warn);
        assert!(out.is(Code::V1OrHybrid));
        assert_eq!(mode_of(&out), "v1");
        assert!(out.message.starts_with("cgroup hybrid hierarchy"));
        assert!(out.evidence.contains(&Evidence::file(
            "/proc/cmdline",
            "systemd.unified_cgroup_hierarchy=0"
        )));
        let fix = &out.remediation[0];
        assert_eq!(fix.commands.last().unwrap(), "update-grub");
        assert!(fix.requires_root);

        let out = judge(&facts(Hierarchy::Legacy, ServiceCgroup::Missing), &debian());
        assert_eq!(out.status, Status::Warn);
        assert!(out.is(Code::V1OrHybrid));
        assert_eq!(mode_of(&out), "v1");
        assert!(out.message.starts_with("cgroup v1 hierarchy"));
    }

    #[test]
    fn boot_fix_follows_the_distribution() {
        let fix = |release: &str| {
            unified_hierarchy_fix(&Distro::from_os_release(&OsRelease::parse(release)))
        };
        assert_eq!(
            fix("ID=fedora\n").commands,
            vec!["grubby --update-kernel=ALL --args=systemd.unified_cgroup_hierarchy=1"]
        );
        assert!(fix("ID=opensuse-leap\n").commands[2].starts_with("grub2-mkconfig"));
        assert!(fix("ID=alpine\n").commands[1].contains("rc_cgroup_mode=\"unified\""));
        assert!(fix("ID=centos\nVERSION_ID=7\n").commands.is_empty());
    }

    #[test]
    fn the_grub_edit_strips_before_adding() {
        // Stripping every old value first makes running it twice harmless.
        let commands = unified_hierarchy_fix(&debian()).commands;
        assert!(commands[1].contains("s/systemd\\.unified_cgroup_hierarchy=[^ \"]* *//g"));
        assert!(
            commands[1].contains("s/^GRUB_CMDLINE_LINUX=\"/&systemd.unified_cgroup_hierarchy=1 /")
        );
    }

    #[test]
    fn root_needs_no_delegation() {
        let mut f = facts(Hierarchy::Unified, ServiceCgroup::Missing);
        f.subject_is_root = true;
        let out = judge(&f, &debian());
        assert_eq!(out.status, Status::Pass);
        assert_eq!(mode_of(&out), "delegated");
        f.hierarchy = Hierarchy::Legacy;
        let out = judge(&f, &debian());
        assert_eq!(out.status, Status::Pass);
        assert_eq!(mode_of(&out), "v1");
    }

    #[test]
    fn unmounted_cgroups_warn() {
        let out = judge(
            &facts(Hierarchy::Unmounted, ServiceCgroup::Missing),
            &debian(),
        );
        assert_eq!(out.status, Status::Warn);
        assert!(out.is(Code::NotMounted));
        assert_eq!(mode_of(&out), "undelegated");
        assert!(!out.remediation.is_empty());
        let mut root = facts(Hierarchy::Unmounted, ServiceCgroup::Missing);
        root.subject_is_root = true;
        let out = judge(&root, &debian());
        assert_eq!(out.status, Status::Warn);
        assert!(out.is(Code::NotMounted));
        assert_eq!(mode_of(&out), "undelegated");
    }

    #[test]
    fn unreadable_controllers_warn() {
        let f = facts(
            Hierarchy::Unified,
            ServiceCgroup::Unreadable("permission denied".into()),
        );
        let out = judge(&f, &debian());
        assert_eq!(out.status, Status::Warn);
        assert!(out.is(Code::Unreadable));
        assert_eq!(mode_of(&out), "undelegated");
    }

    #[test]
    fn every_outcome_carries_a_declared_code_and_states_the_mode() {
        let mut no_systemd = facts(Hierarchy::Unified, ServiceCgroup::Missing);
        no_systemd.systemd_slices = false;
        let mut root = facts(Hierarchy::Legacy, ServiceCgroup::Missing);
        root.subject_is_root = true;
        for f in [
            no_systemd,
            root,
            facts(Hierarchy::Unified, controllers("cpu io memory pids")),
            facts(Hierarchy::Unified, controllers("memory pids")),
            facts(Hierarchy::Unified, controllers("")),
            facts(Hierarchy::Unified, ServiceCgroup::Missing),
            facts(
                Hierarchy::Unified,
                ServiceCgroup::Unreadable("denied".into()),
            ),
            facts(Hierarchy::Legacy, ServiceCgroup::Missing),
            facts(Hierarchy::Unmounted, ServiceCgroup::Missing),
        ] {
            let out = judge(&f, &debian());
            assert!(coded_as_declared(&DELEGATION, &out), "{out:?}");
            assert_eq!(out.cgroup_mode(), Some(mode(&f)));
        }
    }

    #[test]
    fn switches_are_picked_from_the_command_line() {
        assert_eq!(
            hierarchy_switches("quiet systemd.unified_cgroup_hierarchy=0 cgroup_no_v1=all ro"),
            vec!["systemd.unified_cgroup_hierarchy=0", "cgroup_no_v1=all"]
        );
    }

    mod fixture {
        use super::*;
        use std::fs;

        fn subject(uid: u32) -> Subject {
            Subject::other(crate::accounts::Account {
                name: "alice".into(),
                uid,
                gid: uid,
                home: "/home/alice".into(),
            })
        }

        fn write(root: &std::path::Path, path: &str, text: &str) {
            let full = root.join(path);
            fs::create_dir_all(full.parent().unwrap()).unwrap();
            fs::write(full, text).unwrap();
        }

        #[test]
        fn unified_host_with_default_delegation() {
            let dir = tempfile::tempdir().unwrap();
            write(
                dir.path(),
                "proc/self/mountinfo",
                "26 22 0:23 / /sys/fs/cgroup rw,nosuid - cgroup2 cgroup2 rw,nsdelegate\n",
            );
            write(
                dir.path(),
                "sys/fs/cgroup/user.slice/user-1000.slice/user@1000.service/cgroup.controllers",
                "memory pids\n",
            );
            let host = HostFs::rooted(dir.path());
            let f = gather(&host, &subject(1000));
            assert_eq!(f.hierarchy, Hierarchy::Unified);
            assert_eq!(f.service, controllers("memory pids"));
            assert!(f.systemd_slices);
            let out = judge(&f, &debian());
            assert_eq!(out.status, Status::Warn);
            assert!(out.is(Code::PartlyDelegated));
            assert_eq!(mode_of(&out), "delegated");
            // Another user has no manager running.
            let f = gather(&host, &subject(1001));
            assert_eq!(f.service, ServiceCgroup::Missing);
            let out = judge(&f, &debian());
            assert!(out.is(Code::NoUserManager));
            assert_eq!(mode_of(&out), "undelegated");
        }

        #[test]
        fn hybrid_host_like_the_ci_machine() {
            let dir = tempfile::tempdir().unwrap();
            write(
                dir.path(),
                "proc/self/mountinfo",
                "31 23 0:28 / /sys/fs/cgroup rw,relatime - tmpfs tmpfs rw,mode=755\n\
                 35 31 0:32 / /sys/fs/cgroup/memory rw,relatime - cgroup cgroup rw,memory\n\
                 41 31 0:38 / /sys/fs/cgroup/unified rw,relatime - cgroup2 cgroup2 rw\n",
            );
            write(
                dir.path(),
                "sys/fs/cgroup/unified/cgroup.controllers",
                "hugetlb\n",
            );
            write(dir.path(), "proc/cmdline", "quiet console=ttyS0\n");
            let host = HostFs::rooted(dir.path());
            let f = gather(&host, &subject(1000));
            assert!(f.hierarchy.hybrid_with_v2_controllers());
            assert!(f.cmdline_switches.is_empty());
            let out = judge(&f, &debian());
            assert_eq!(out.status, Status::Warn);
            assert!(out.is(Code::V1OrHybrid));
            assert_eq!(mode_of(&out), "v1");
        }
    }
}
