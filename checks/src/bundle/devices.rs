//! `bundle.devices`: `linux.devices` a rootless container can have. In a user
//! namespace mknod is not allowed, so runc 1.1 (rootfs_linux.go createDevices,
//! `useBindMount`) bind-mounts the HOST node at the same path instead of
//! creating it: the entry's type, major, minor, mode and owner are not used,
//! and a path with no host node fails (`error creating device nodes: mount
//! /dev/x:...: no such file or directory`). A host node the subject cannot
//! open is still bound (mount does not open it), but is useless inside; the
//! doctor never opens device nodes (opening one can act: a tape rewinds, a
//! watchdog arms), it asks access(2) as the subject. An invalid type fails at
//! spec conversion for everyone (`invalid device type "x"`).
//!
//! Decisions: docs/checks/bundle.md, section `bundle.devices`.

use super::problems::{conclude, jq, Problem};
use super::{with_spec, Code};
use crate::check::{CheckDef, Context, Outcome};
use crate::model::{Evidence, Remediation};
use crate::spec::{Device, Spec};
use std::fs;
use std::os::unix::fs::{FileTypeExt, MetadataExt};
use std::path::Path;

pub static DEVICES: CheckDef = CheckDef {
    id: "bundle.devices",
    title: "bundle devices",
    description: "Every linux.devices entry has a valid type and, when the container runs in a \
                  user namespace (where runc binds the host node instead of mknod), a host node \
                  at its path that the subject can reach; nodes that differ from the entry or \
                  that the subject cannot open are reported.",
    codes: &[
        Code::NoBundle.code(),
        Code::DeviceInvalidType.code(),
        Code::DeviceHostMissing.code(),
        Code::DeviceHostUnreachable.code(),
        Code::DeviceUnusable.code(),
    ],
    probes: &[],
    run,
};

fn run(ctx: &Context<'_>) -> Outcome {
    with_spec(ctx, |ctx, bundle, spec| {
        judge(&DeviceFacts::gather(
            spec,
            &bundle.dir,
            !ctx.subject.is_root(),
            &host_node,
        ))
    })
}

/// The host node at a device path, as the subject sees it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum HostNode {
    /// Nothing there (ENOENT, ENOTDIR).
    Missing(String),
    /// The path cannot be looked up (EACCES on a directory, ...).
    Unreachable(String),
    /// There: its type letter (`c`, `b`, `p` or `-` for anything else),
    /// major, minor, and whether the subject may read and write it.
    Present {
        kind: char,
        major: u64,
        minor: u64,
        usable: bool,
    },
}

/// Stats `path` (never opens it) and asks access(R_OK|W_OK) as the subject.
pub fn host_node(path: &str) -> HostNode {
    let meta = match fs::metadata(path) {
        Ok(meta) => meta,
        Err(e)
            if matches!(
                e.raw_os_error(),
                Some(nix::libc::ENOENT | nix::libc::ENOTDIR)
            ) =>
        {
            return HostNode::Missing("no such file or directory".into())
        }
        Err(e) => return HostNode::Unreachable(e.to_string()),
    };
    let t = meta.file_type();
    let kind = if t.is_char_device() {
        'c'
    } else if t.is_block_device() {
        'b'
    } else if t.is_fifo() {
        'p'
    } else {
        '-'
    };
    let rdev = meta.rdev();
    let usable = nix::unistd::access(
        path,
        nix::unistd::AccessFlags::R_OK | nix::unistd::AccessFlags::W_OK,
    )
    .is_ok();
    HostNode::Present {
        kind,
        major: nix::sys::stat::major(rdev),
        minor: nix::sys::stat::minor(rdev),
        usable,
    }
}

/// What the devices judge needs.
#[derive(Clone, Debug, PartialEq)]
pub struct DeviceFacts {
    /// runc binds host nodes (rootless, or a user namespace in the config).
    pub bind: bool,
    pub devices: Vec<Device>,
    /// Per device: the host node, when runc would bind it.
    pub host: Vec<Option<HostNode>>,
    pub rootfs: String,
    pub config_path: String,
}

impl DeviceFacts {
    pub fn gather(
        spec: &Spec,
        dir: &Path,
        rootless: bool,
        node: &dyn Fn(&str) -> HostNode,
    ) -> Self {
        let bind = rootless || spec.namespace("user").is_some();
        let devices = spec
            .linux
            .as_ref()
            .and_then(|l| l.devices.clone())
            .unwrap_or_default();
        let host = devices
            .iter()
            .map(|d| {
                let path = d.path.as_deref().unwrap_or("");
                (bind && relevant(path)).then(|| node(path))
            })
            .collect();
        let root = spec
            .root
            .as_ref()
            .and_then(|r| r.path.clone())
            .unwrap_or_default();
        DeviceFacts {
            bind,
            devices,
            host,
            rootfs: dir.join(root).display().to_string(),
            config_path: dir.join("config.json").display().to_string(),
        }
    }
}

/// runc skips an entry without a path (cgroup only) and /dev/ptmx.
fn relevant(path: &str) -> bool {
    !path.is_empty() && Path::new(path) != Path::new("/dev/ptmx")
}

/// Judges the devices.
pub fn judge(facts: &DeviceFacts) -> Outcome {
    let config = &facts.config_path;
    let mut problems = Vec::new();
    let mut evidence = Vec::new();
    let drop = |path: &str| {
        Remediation::root(
            format!("drop the {path} entry, or create the node on the host (as root)"),
            vec![jq(
                config,
                &format!(".linux.devices |= map(select(.path != {path:?}))"),
            )],
        )
        .as_user()
    };
    for (i, d) in facts.devices.iter().enumerate() {
        let path = d.path.clone().unwrap_or_default();
        let kind = d.kind.clone().unwrap_or_default();
        let (major, minor) = (d.major.unwrap_or(0), d.minor.unwrap_or(0));
        evidence.push(Evidence::fact(
            format!("linux.devices[{i}]"),
            format!("{path} type {kind:?} {major}:{minor}"),
        ));
        if !matches!(kind.as_str(), "c" | "u" | "b" | "p") {
            problems.push(
                Problem::fail(
                    0,
                    Code::DeviceInvalidType,
                    format!(
                        "device {path} has type {kind:?}; runc will fail: invalid device type \
                         {kind:?}"
                    ),
                )
                .fix(Remediation::root("use type c, b or p", vec![]).as_user()),
            );
            continue;
        }
        let dest = format!(
            "{}/{}",
            facts.rootfs.trim_end_matches('/'),
            path.trim_start_matches('/')
        );
        match facts.host.get(i).cloned().flatten() {
            None => {}
            Some(HostNode::Missing(err)) => problems.push(
                Problem::fail(
                    4,
                    Code::DeviceHostMissing,
                    format!(
                        "device {path}: in a user namespace runc binds the host's node instead \
                         of mknod, and the host has none; runc will fail: error creating device \
                         nodes: mount {path}:{dest} (via /proc/self/fd/N), flags: 0x1000: {err}"
                    ),
                )
                .fix(drop(&path)),
            ),
            Some(HostNode::Unreachable(err)) => problems.push(
                Problem::fail(
                    4,
                    Code::DeviceHostUnreachable,
                    format!(
                        "device {path}: runc binds the host's node, which the subject cannot \
                         reach ({err}); runc will fail: error creating device nodes: mount \
                         {path}:{dest} ...: permission denied"
                    ),
                )
                .fix(drop(&path)),
            ),
            Some(HostNode::Present {
                kind: host_kind,
                major: hmaj,
                minor: hmin,
                usable,
            }) => {
                let want = if kind == "u" {
                    'c'
                } else {
                    kind.chars().next().unwrap_or('c')
                };
                let same = host_kind == want
                    && (want == 'p'
                        || (i64::try_from(hmaj) == Ok(major) && i64::try_from(hmin) == Ok(minor)));
                if !same {
                    problems.push(Problem::warn(
                        4,
                        Code::DeviceUnusable,
                        format!(
                            "device {path}: runc binds the host's node ({host_kind} {hmaj}:{hmin}), \
                             not the {kind} {major}:{minor} the entry describes"
                        ),
                    ));
                } else if !usable && host_kind != 'p' {
                    problems.push(Problem::warn(
                        4,
                        Code::DeviceUnusable,
                        format!(
                            "device {path}: runc binds the host's node, which the subject cannot \
                             open for reading and writing, so the container cannot use it either"
                        ),
                    ));
                }
            }
        }
    }
    conclude(
        problems,
        evidence,
        format!(
            "{} devices: {}",
            facts.devices.len(),
            if facts.bind {
                "each is bound from the host's node"
            } else {
                "runc creates them with mknod"
            }
        ),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Status;

    fn device(path: &str, kind: &str, major: i64, minor: i64) -> Device {
        Device {
            path: Some(path.into()),
            kind: Some(kind.into()),
            major: Some(major),
            minor: Some(minor),
            ..Device::default()
        }
    }

    fn facts(devices: Vec<Device>, host: Vec<Option<HostNode>>) -> DeviceFacts {
        DeviceFacts {
            bind: true,
            devices,
            host,
            rootfs: "/b/rootfs".into(),
            config_path: "/b/config.json".into(),
        }
    }

    fn present(kind: char, major: u64, minor: u64, usable: bool) -> Option<HostNode> {
        Some(HostNode::Present {
            kind,
            major,
            minor,
            usable,
        })
    }

    #[test]
    fn a_host_node_binds_even_when_the_subject_cannot_open_it() {
        let ok = facts(
            vec![device("/dev/fuse", "c", 10, 229)],
            vec![present('c', 10, 229, true)],
        );
        assert_eq!(judge(&ok).status, Status::Pass);
        let closed = facts(
            vec![device("/dev/fuse", "c", 10, 229)],
            vec![present('c', 10, 229, false)],
        );
        let out = judge(&closed);
        assert_eq!(out.status, Status::Warn);
        assert!(out.is(Code::DeviceUnusable));
    }

    #[test]
    fn a_missing_host_node_fails_and_a_bad_type_fails_for_everyone() {
        let missing = facts(
            vec![device("/dev/nope0", "c", 10, 229)],
            vec![Some(HostNode::Missing("no such file or directory".into()))],
        );
        let out = judge(&missing);
        assert!(out.is(Code::DeviceHostMissing));
        assert!(out
            .message
            .ends_with("flags: 0x1000: no such file or directory"));
        let mut bad = facts(vec![device("/dev/fuse", "x", 10, 229)], vec![None]);
        bad.bind = false;
        assert!(judge(&bad).message.ends_with("invalid device type \"x\""));
    }

    #[test]
    fn a_different_host_node_warns_and_mknod_as_root_passes() {
        let other = facts(
            vec![device("/dev/null", "b", 9, 9)],
            vec![present('c', 1, 3, true)],
        );
        assert_eq!(judge(&other).status, Status::Warn);
        let mut root = facts(vec![device("/dev/nope0", "c", 10, 229)], vec![None]);
        root.bind = false;
        assert_eq!(judge(&root).status, Status::Pass);
    }
}
