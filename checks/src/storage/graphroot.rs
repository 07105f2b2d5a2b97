//! `storage.graphroot`: the filesystem under each installed engine's
//! rootless storage path, resolved as the engine resolves it
//! ([`crate::engines::storage`]): its type and mount options (mountinfo), its
//! free space (statvfs, on the real host), whether the container's other ids
//! can traverse its parent directories, and its SELinux label.
//!
//! Decisions: docs/checks/storage.md, section `storage.graphroot`.

use super::Code;
use crate::check::{CheckDef, Context, EngineFinding, Fact, Finding, Outcome};
use crate::engines::storage::{self, EngineEnv, Storage, NEEDS_MOUNT_PROGRAM, NETWORK_FS};
use crate::host::HostFs;
use crate::model::{Evidence, Remediation, Status};
use crate::mountinfo::{self, Mount};
use crate::subject::Subject;
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};

pub static GRAPHROOT: CheckDef = CheckDef {
    id: "storage.graphroot",
    title: "container storage filesystem",
    description: "The filesystem under each installed engine's rootless storage path: not a \
                  network filesystem, not noexec, room left, parents traversable.",
    codes: &[
        Code::NoEngine.code(),
        Code::NetworkFilesystem.code(),
        Code::Noexec.code(),
        Code::Nosuid.code(),
        Code::VolatileFilesystem.code(),
        Code::NeedsMountProgram.code(),
        Code::LowSpace.code(),
        Code::ParentNotTraversable.code(),
        Code::Unreachable.code(),
        Code::ConfigUnreadable.code(),
    ],
    probes: &[],
    run,
};

/// Less free space than this is a warning.
pub const LOW_SPACE: u64 = 2 << 30;

/// A directory on the way to the storage path.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Parent {
    pub path: PathBuf,
    pub mode: u32,
    pub uid: u32,
    pub gid: u32,
}

/// What is known about one engine's storage path.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PathFacts {
    pub storage: Storage,
    /// The storage path when it exists, else its nearest existing ancestor.
    pub at: Option<PathBuf>,
    pub exists: bool,
    /// The mount holding `at`.
    pub mount: Option<Mount>,
    /// Bytes free to an unprivileged user (real host only).
    pub free: Option<u64>,
    /// The existing directories from `/` to `at`'s parent.
    pub parents: Vec<Parent>,
    /// `security.selinux` of `at`, when SELinux is enforcing.
    pub selinux_label: Option<String>,
}

/// Gathers the facts of each engine's storage path.
pub fn gather(host: &HostFs, subject: &Subject) -> Vec<PathFacts> {
    let mounts = mountinfo::read(host);
    let enforcing = host
        .read_value("/sys/fs/selinux/enforce")
        .ok()
        .flatten()
        .is_some_and(|v| v == "1");
    storage::resolve(host, subject, &EngineEnv::of(host, subject))
        .into_iter()
        .map(|s| {
            let at = storage::existing_ancestor(host, &s.graphroot);
            let exists = at.as_deref() == Some(s.graphroot.as_path());
            let mount = at
                .as_deref()
                .and_then(|p| mountinfo::mount_of(&mounts, p))
                .cloned();
            let free = at
                .as_deref()
                .filter(|_| host.is_real())
                .and_then(|p| nix::sys::statvfs::statvfs(p).ok())
                .map(|v| v.blocks_available().saturating_mul(v.fragment_size()));
            let parents = at.as_deref().map(|p| parents(host, p)).unwrap_or_default();
            let selinux_label = at
                .as_deref()
                .filter(|_| enforcing)
                .and_then(|p| host.xattr(p, "security.selinux").ok().flatten())
                .map(|v| {
                    String::from_utf8_lossy(&v)
                        .trim_end_matches('\0')
                        .to_string()
                });
            PathFacts {
                storage: s,
                at,
                exists,
                mount,
                free,
                parents,
                selinux_label,
            }
        })
        .collect()
}

fn parents(host: &HostFs, at: &Path) -> Vec<Parent> {
    let mut out: Vec<Parent> = at
        .ancestors()
        .skip(1)
        .filter_map(|p| {
            let meta = host.metadata(p).ok()?;
            Some(Parent {
                path: p.to_path_buf(),
                mode: meta.mode() & 0o7777,
                uid: meta.uid(),
                gid: meta.gid(),
            })
        })
        .collect();
    out.reverse();
    out
}

fn run(ctx: &Context<'_>) -> Outcome {
    judge(&gather(ctx.host, ctx.subject), ctx.subject)
}

/// Decides the outcome over every engine's storage path: the worst finding
/// leads, the others are named after it.
pub fn judge(paths: &[PathFacts], subject: &Subject) -> Outcome {
    if paths.is_empty() {
        return Outcome::skip(
            Code::NoEngine,
            "no container engine with rootless storage is installed (neither podman nor \
             dockerd-rootless.sh is on PATH)",
        );
    }
    let mut findings: Vec<Finding> = Vec::new();
    let mut evidence = Vec::new();
    let mut per_engine = Vec::new();
    for facts in paths {
        evidence.extend(path_evidence(facts));
        let found = judge_path(facts, subject);
        let worst = found.iter().max_by_key(|f| f.status);
        per_engine.push(Fact::ForEngine(EngineFinding {
            engine: facts.storage.engine.entry(),
            status: worst.map_or(Status::Pass, |f| f.status),
            code: worst.map(|f| f.code),
        }));
        findings.extend(found);
    }
    let outcome = judge_findings(paths, findings, evidence);
    per_engine.into_iter().fold(outcome, Outcome::stating)
}

/// The outcome of every engine's findings together.
fn judge_findings(
    paths: &[PathFacts],
    mut findings: Vec<Finding>,
    evidence: Vec<Evidence>,
) -> Outcome {
    if findings.is_empty() {
        let list: Vec<String> = paths
            .iter()
            .map(|f| {
                format!(
                    "{} {} on {}",
                    f.storage.engine.name(),
                    f.storage.graphroot.display(),
                    f.mount.as_ref().map_or("?", |m| m.fs_type.as_str())
                )
            })
            .collect();
        return Outcome::pass(format!(
            "storage on a local filesystem: {}",
            list.join("; ")
        ))
        .with_all(evidence);
    }
    findings.sort_by_key(|f| std::cmp::Reverse(f.status));
    let first = findings.remove(0);
    let also: Vec<_> = findings.iter().map(|f| f.code).collect();
    let mut message = first.message.clone();
    for other in findings.iter().take(3) {
        message.push_str("; also ");
        message.push_str(&other.message);
    }
    let fixes: Vec<Remediation> = first
        .fixes
        .iter()
        .cloned()
        .chain(findings.iter().flat_map(|f| f.fixes.iter().cloned()))
        .collect();
    let mut finding = Finding::new(first.status, first.code, message).fixes(fixes);
    finding.evidence = first.evidence;
    finding.outcome_after(evidence).also(also)
}

fn path_evidence(facts: &PathFacts) -> Vec<Evidence> {
    let engine = facts.storage.engine.name();
    let mut out = vec![Evidence::fact(
        format!("{engine} storage"),
        facts.storage.graphroot.display().to_string(),
    )];
    if let Some(config) = &facts.storage.config {
        out.push(Evidence::fact(
            format!("{engine} configuration"),
            config.display().to_string(),
        ));
    }
    if let Some(mount) = &facts.mount {
        out.push(Evidence::fact(
            format!("{engine} storage mount"),
            format!(
                "{} ({}) on {}, {}",
                mount.mount_point.display(),
                mount.fs_type,
                mount.source,
                mount.options.join(",")
            ),
        ));
    }
    if let Some(free) = facts.free {
        out.push(Evidence::fact(
            format!("{engine} storage free"),
            format!("{:.1} GiB", free as f64 / (1u64 << 30) as f64),
        ));
    }
    if let Some(label) = &facts.selinux_label {
        out.push(Evidence::fact(
            format!("{engine} storage SELinux label"),
            label.clone(),
        ));
    }
    out
}

fn judge_path(facts: &PathFacts, subject: &Subject) -> Vec<Finding> {
    let root = facts.storage.graphroot.display().to_string();
    let engine = facts.storage.engine.name();
    let mut out = Vec::new();
    if let Some(problem) = &facts.storage.config_problem {
        out.push(Finding::warn(
            Code::ConfigUnreadable,
            format!("{engine}'s storage configuration: {problem}"),
        ));
    }
    let where_ = if facts.exists {
        root.clone()
    } else {
        match &facts.at {
            Some(at) => format!("{root} (not created yet; judged at {})", at.display()),
            None => root.clone(),
        }
    };
    if let Some(blocked) = unreachable(facts, subject) {
        out.push(
            Finding::fail(
                Code::Unreachable,
                format!(
                    "{engine}'s storage {where_} is out of reach: {} (mode {:04o}, owner {}) \
                     does not let uid {} through",
                    blocked.path.display(),
                    blocked.mode,
                    blocked.uid,
                    subject.uid
                ),
            )
            .fixes([move_storage(facts)]),
        );
    }
    let Some(mount) = &facts.mount else {
        return out;
    };
    let fs = mount.fs_type.as_str();
    if NETWORK_FS.contains(&fs) {
        out.push(
            Finding::fail(
                Code::NetworkFilesystem,
                format!(
                    "{engine}'s storage {where_} is on {fs} ({}): a network file system with \
                     user namespaces is not supported (the server checks file owners by real \
                     uid, so layers owned by subordinate ids fail with 'lchown ... operation \
                     not permitted', and native overlay is refused)",
                    mount.source
                ),
            )
            .fixes([move_storage(facts)]),
        );
    } else if NEEDS_MOUNT_PROGRAM.contains(&fs) {
        out.push(Finding::warn(
            Code::NeedsMountProgram,
            format!(
                "{engine}'s storage {where_} is on {fs}: 'overlay' is not supported over {fs}, \
                 a mount_program (fuse-overlayfs) is required, or vfs is used"
            ),
        ));
    } else if fs == "tmpfs" {
        out.push(Finding::warn(
            Code::VolatileFilesystem,
            format!(
                "{engine}'s storage {where_} is on tmpfs: images and containers are lost at \
                 reboot and held in memory"
            ),
        ));
    }
    if mount.has_option("noexec") {
        out.push(
            Finding::fail(
                Code::Noexec,
                format!(
                    "{engine}'s storage {where_} is on {} mounted noexec: no program in a \
                     container can run (the runtime fails with 'permission denied' at exec)",
                    mount.mount_point.display()
                ),
            )
            .fixes([
                Remediation::root(
                    format!("remount {} without noexec", mount.mount_point.display()),
                    vec![format!(
                        "mount -o remount,exec {}",
                        crate::shell::quote(&mount.mount_point.display().to_string())
                    )],
                )
                .until_reboot(),
                move_storage(facts).alternative(),
            ]),
        );
    }
    if mount.has_option("nosuid") {
        out.push(Finding::warn(
            Code::Nosuid,
            format!(
                "{engine}'s storage {where_} is on {} mounted nosuid: setuid programs in \
                 containers (sudo, su, ping on some images) do not gain privileges",
                mount.mount_point.display()
            ),
        ));
    }
    if let Some(free) = facts.free.filter(|f| *f < LOW_SPACE) {
        out.push(Finding::warn(
            Code::LowSpace,
            format!(
                "{engine}'s storage {where_} has {:.1} GiB free: pulls fail with 'no space \
                 left on device'",
                free as f64 / (1u64 << 30) as f64
            ),
        ));
    }
    if let Some(closed) = facts.parents.iter().find(|p| {
        p.path == subject.home && p.uid == subject.uid && p.mode & 0o001 == 0 && !subject.is_root()
    }) {
        out.push(
            Finding::warn(
                Code::ParentNotTraversable,
                format!(
                    "{} (mode {:04o}) lets no other id through: container users other than \
                     root (--userns=keep-id, a non-root USER) cannot reach {engine}'s storage \
                     below it ('permission denied')",
                    closed.path.display(),
                    closed.mode
                ),
            )
            .fixes([Remediation::root(
                format!("let other ids search {}", closed.path.display()),
                vec![format!(
                    "chmod o+x {}",
                    crate::shell::quote(&closed.path.display().to_string())
                )],
            )
            .as_user()]),
        );
    }
    out
}

/// The first parent the subject cannot search, when the subject is not root.
fn unreachable<'f>(facts: &'f PathFacts, subject: &Subject) -> Option<&'f Parent> {
    if subject.is_root() {
        return None;
    }
    facts.parents.iter().find(|p| {
        let bit = if p.uid == subject.uid {
            0o100
        } else if p.gid == subject.gid {
            0o010
        } else {
            0o001
        };
        p.mode & bit == 0
    })
}

/// Moving the storage to a local disk.
fn move_storage(facts: &PathFacts) -> Remediation {
    match facts.storage.engine {
        storage::Engine::Podman => super::user_storage_conf(
            &facts.storage,
            "put podman's storage on a local disk",
            "[storage]; driver = \"overlay\"; graphroot = \"/var/tmp/USER/containers/storage\"",
            &[
                "'[storage]'".to_string(),
                "'driver = \"overlay\"'".to_string(),
                "'graphroot = \"/var/tmp/'\"$(id -un)\"'/containers/storage\"'".to_string(),
            ],
            "then `podman system reset`",
            &[],
        ),
        storage::Engine::Docker => Remediation::root(
            "put rootless Docker's data-root on a local disk in ~/.config/docker/daemon.json",
            vec![],
        )
        .as_user(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engines::storage::{Driver, Engine};
    use crate::model::Status;
    use crate::testing::alice;

    fn mount(fs: &str, options: &str) -> Mount {
        mountinfo::parse(&format!(
            "30 22 0:25 / /home rw,{options} shared:5 - {fs} server:/export rw\n"
        ))
        .remove(0)
    }

    fn facts(fs: &str, options: &str) -> PathFacts {
        PathFacts {
            storage: Storage {
                engine: Engine::Podman,
                graphroot: "/home/alice/.local/share/containers/storage".into(),
                driver: Driver::DefaultVfs,
                mount_program: None,
                config: None,
                config_problem: None,
            },
            at: Some("/home/alice/.local/share/containers/storage".into()),
            exists: true,
            mount: Some(mount(fs, options)),
            free: Some(50 << 30),
            parents: vec![
                Parent {
                    path: "/".into(),
                    mode: 0o755,
                    uid: 0,
                    gid: 0,
                },
                Parent {
                    path: "/home".into(),
                    mode: 0o755,
                    uid: 0,
                    gid: 0,
                },
                Parent {
                    path: "/home/alice".into(),
                    mode: 0o755,
                    uid: 1000,
                    gid: 1000,
                },
            ],
            selinux_label: None,
        }
    }

    #[test]
    fn a_local_disk_passes() {
        let outcome = judge(&[facts("ext4", "relatime")], &alice());
        assert_eq!(outcome.status, Status::Pass, "{}", outcome.message);
        assert!(outcome.message.contains("on ext4"));
    }

    #[test]
    fn no_engine_skips() {
        let outcome = judge(&[], &alice());
        assert_eq!(outcome.status, Status::Skip);
        assert!(outcome.is(Code::NoEngine));
    }

    #[test]
    fn network_filesystems_fail() {
        for fs in ["nfs", "nfs4", "cifs", "gpfs", "lustre", "ceph"] {
            let outcome = judge(&[facts(fs, "relatime")], &alice());
            assert_eq!(outcome.status, Status::Fail, "{fs}");
            assert!(outcome.is(Code::NetworkFilesystem));
            assert!(outcome
                .message
                .contains("a network file system with user namespaces is not supported"));
        }
    }

    #[test]
    fn each_engine_gets_its_own_finding() {
        let podman = facts("ext4", "relatime");
        let mut docker = facts("nfs4", "relatime");
        docker.storage.engine = Engine::Docker;
        let outcome = judge(&[podman, docker], &alice());
        assert_eq!(outcome.status, Status::Fail);
        assert_eq!(
            outcome.for_engine("docker"),
            Some((Status::Fail, Some(Code::NetworkFilesystem.code())))
        );
        assert_eq!(outcome.for_engine("podman"), Some((Status::Pass, None)));
    }

    #[test]
    fn noexec_fails_nosuid_and_tmpfs_warn() {
        let outcome = judge(&[facts("tmpfs", "noexec,nosuid")], &alice());
        assert_eq!(outcome.status, Status::Fail);
        assert!(outcome.is(Code::Noexec));
        assert!(outcome.names(Code::Nosuid));
        assert!(outcome.names(Code::VolatileFilesystem));
        assert!(outcome.remediation[0].commands[0].contains("remount,exec /home"));
        let outcome = judge(&[facts("tmpfs", "relatime")], &alice());
        assert_eq!(outcome.status, Status::Warn);
        assert!(outcome.is(Code::VolatileFilesystem));
        let outcome = judge(&[facts("overlay", "relatime")], &alice());
        assert!(outcome.is(Code::NeedsMountProgram));
        assert!(outcome
            .message
            .contains("'overlay' is not supported over overlay"));
    }

    #[test]
    fn space_parents_and_reach() {
        let mut f = facts("xfs", "relatime");
        f.free = Some(1 << 30);
        let outcome = judge(&[f], &alice());
        assert!(outcome.is(Code::LowSpace));
        let mut f = facts("ext4", "relatime");
        f.parents[2].mode = 0o700;
        f.parents.push(Parent {
            path: "/home/alice/.local".into(),
            mode: 0o700,
            uid: 1000,
            gid: 1000,
        });
        let outcome = judge(&[f.clone()], &alice());
        assert_eq!(outcome.status, Status::Warn);
        assert!(outcome.is(Code::ParentNotTraversable));
        assert!(outcome.message.contains("/home/alice (mode 0700)"));
        assert_eq!(outcome.remediation[0].commands, ["chmod o+x /home/alice"]);
        f.parents[1].mode = 0o700;
        let outcome = judge(&[f], &alice());
        assert_eq!(outcome.status, Status::Fail);
        assert!(outcome.is(Code::Unreachable));
    }

    #[test]
    fn a_missing_store_is_judged_at_its_ancestor() {
        let mut f = facts("ext4", "noexec");
        f.exists = false;
        f.at = Some("/home/alice".into());
        let outcome = judge(&[f], &alice());
        assert!(outcome.is(Code::Noexec));
        assert!(outcome
            .message
            .contains("not created yet; judged at /home/alice"));
    }
}
