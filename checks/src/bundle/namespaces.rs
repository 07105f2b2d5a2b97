//! `bundle.namespaces`: the namespace list, the namespace paths to join, and
//! the settings that need a namespace of the container's own (`hostname`,
//! `domainname`, `linux.sysctl`, `maskedPaths`/`readonlyPaths`), as runc 1.1
//! converts and validates them (specconv, `configs/validate`), then joins the
//! paths (nsexec) and writes the sysctls (container init).
//!
//! A missing user namespace in a rootless config is `bundle.uid-mappings`'s
//! finding (`no-user-namespace`), not repeated here. Namespace paths are opened
//! as the subject (bundle checks run as the subject); the doctor never calls
//! setns: the type comes from the opened file's `/proc/self/fd` link
//! (`net:[4026531840]`), and whether setns is permitted from the rule that a
//! rootless runc joins the paths before it creates the new user namespace,
//! where the subject has no CAP_SYS_ADMIN.
//!
//! Decisions: docs/checks/bundle.md, section `bundle.namespaces`.

use super::problems::{conclude, jq, Problem};
use super::target::{target, Target};
use super::{with_spec, Code};
use crate::check::{CheckDef, Context, Outcome};
use crate::model::{Evidence, Remediation};
use crate::spec::Spec;
use std::fs;
use std::os::unix::fs::MetadataExt;
use std::path::Path;

pub static NAMESPACES: CheckDef = CheckDef {
    id: "bundle.namespaces",
    title: "bundle namespaces",
    description: "Every namespace type is one the runtime knows, listed once; namespace paths \
                  exist, open for the subject, are namespaces of their type and can be joined \
                  rootless; hostname, domainname, sysctls and masked paths have the namespaces \
                  they need, as runc's validator demands.",
    codes: &[
        Code::NoBundle.code(),
        Code::UnknownNamespace.code(),
        Code::DuplicateNamespace.code(),
        Code::NamespacePathMissing.code(),
        Code::NamespacePathUnopenable.code(),
        Code::NotANamespace.code(),
        Code::NamespaceJoinDenied.code(),
        Code::HostnameWithoutUts.code(),
        Code::Domainname.code(),
        Code::MaskedPathsWithoutMountns.code(),
        Code::SysctlNeedsNetns.code(),
        Code::SysctlNeedsIpcns.code(),
        Code::SysctlConflictsHostname.code(),
        Code::SysctlNotNamespaced.code(),
        Code::SysctlNotWritable.code(),
    ],
    probes: &[],
    run,
};

fn run(ctx: &Context<'_>) -> Outcome {
    with_spec(ctx, |ctx, bundle, spec| {
        let facts = NamespaceFacts::gather(
            spec,
            &bundle.dir,
            !ctx.subject.is_root(),
            target(ctx),
            &probe_path,
            &|key| Path::new("/proc/sys").join(key.replace('.', "/")).exists(),
        );
        judge(&facts)
    })
}

/// What opening a namespace path as the subject found.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PathFact {
    /// lstat failed (runc: `namespace path: lstat PATH: ...`).
    Missing(String),
    /// open(O_RDONLY) failed (nsexec: `failed to open PATH: ...`).
    Unopenable(String),
    /// Opened; the nsfs type (`net`, `mnt`, ...) or `None` when not a
    /// namespace; whether it is the doctor's own (the host's) netns.
    Opened {
        nstype: Option<String>,
        host_net: bool,
    },
}

/// Opens `path` as the doctor's process (the subject) and reads what it is,
/// without blocking and without acting on a device: the path is first opened
/// `O_PATH` (no driver `open`, no FIFO wait), and only a regular file (nsfs
/// files are regular) is reopened for reading through `/proc/self/fd`. Anything
/// else (a device, a FIFO, a socket, a directory) is not a namespace; whether
/// runc's own `open` would fail on it is asked with access(2), never by
/// opening it (a watchdog arms, a tape rewinds, a serial line raises DTR).
pub fn probe_path(path: &str) -> PathFact {
    use std::os::fd::AsRawFd;
    use std::os::unix::fs::OpenOptionsExt;
    if let Err(e) = fs::symlink_metadata(path) {
        return PathFact::Missing(go_error(&e));
    }
    let handle = match fs::OpenOptions::new()
        .read(true)
        .custom_flags(nix::libc::O_PATH)
        .open(path)
    {
        Ok(handle) => handle,
        Err(e) => return PathFact::Unopenable(c_error(&e)),
    };
    let meta = match handle.metadata() {
        Ok(meta) => meta,
        Err(e) => return PathFact::Unopenable(c_error(&e)),
    };
    if !meta.is_file() {
        return match nix::unistd::access(path, nix::unistd::AccessFlags::R_OK) {
            Err(errno) => PathFact::Unopenable(c_error(&std::io::Error::from(errno))),
            Ok(()) => PathFact::Opened {
                nstype: None,
                host_net: false,
            },
        };
    }
    let file = match fs::OpenOptions::new()
        .read(true)
        .custom_flags(nix::libc::O_NONBLOCK | nix::libc::O_NOCTTY)
        .open(format!("/proc/self/fd/{}", handle.as_raw_fd()))
    {
        Ok(file) => file,
        Err(e) => return PathFact::Unopenable(c_error(&e)),
    };
    let link = fs::read_link(format!("/proc/self/fd/{}", file.as_raw_fd()))
        .map(|l| l.display().to_string())
        .unwrap_or_default();
    let host_net = match (file.metadata(), fs::metadata("/proc/self/ns/net")) {
        (Ok(a), Ok(b)) => a.dev() == b.dev() && a.ino() == b.ino(),
        _ => false,
    };
    PathFact::Opened {
        nstype: nstype_of_link(&link),
        host_net,
    }
}

/// `net` of `net:[4026531840]`, for the namespace kinds nsfs names.
pub fn nstype_of_link(link: &str) -> Option<String> {
    let (kind, rest) = link.split_once(":[")?;
    let known = [
        "cgroup",
        "ipc",
        "mnt",
        "net",
        "pid",
        "pid_for_children",
        "time",
        "time_for_children",
        "user",
        "uts",
    ];
    (known.contains(&kind) && rest.ends_with(']')).then(|| kind.to_string())
}

/// The nsfs name of a spec namespace type.
fn nsfs_name(kind: &str) -> &str {
    match kind {
        "network" => "net",
        "mount" => "mnt",
        other => other,
    }
}

/// "no such file or directory", as Go prints an errno.
fn go_error(e: &std::io::Error) -> String {
    c_error(e).to_lowercase()
}

/// "No such file or directory", as strerror prints an errno.
fn c_error(e: &std::io::Error) -> String {
    let text = e.to_string();
    match text.find(" (os error") {
        Some(cut) => text[..cut].to_string(),
        None => text,
    }
}

/// What the namespaces judge needs.
#[derive(Clone, Debug, PartialEq)]
pub struct NamespaceFacts {
    pub rootless: bool,
    /// `runc 1.1.5`, ...; `None`: predicted as runc 1.1.
    pub target: Option<Target>,
    /// `(type, path)` in config order.
    pub namespaces: Vec<(String, String)>,
    /// Per namespace with a path: what opening it found (same order).
    pub paths: Vec<Option<PathFact>>,
    pub hostname: String,
    pub domainname: String,
    pub sysctl: Vec<String>,
    pub masked: usize,
    /// `net.*` sysctls (dotted) with no /proc/sys file in the subject's
    /// network namespace.
    pub sysctl_absent: Vec<String>,
    pub config_path: String,
}

impl NamespaceFacts {
    pub fn gather(
        spec: &Spec,
        dir: &Path,
        rootless: bool,
        target: Option<Target>,
        probe: &dyn Fn(&str) -> PathFact,
        sysctl_exists: &dyn Fn(&str) -> bool,
    ) -> Self {
        let namespaces: Vec<(String, String)> = spec
            .linux
            .as_ref()
            .and_then(|l| l.namespaces.clone())
            .unwrap_or_default()
            .into_iter()
            .map(|ns| (ns.kind.unwrap_or_default(), ns.path.unwrap_or_default()))
            .collect();
        let paths = namespaces
            .iter()
            .map(|(_, path)| (!path.is_empty()).then(|| probe(path)))
            .collect();
        let linux = spec.linux.clone().unwrap_or_default();
        let sysctl: Vec<String> = linux.sysctl.unwrap_or_default().into_keys().collect();
        let sysctl_absent = sysctl
            .iter()
            .map(|k| dotted(k))
            .filter(|k| k.starts_with("net.") && !k.contains("..") && !sysctl_exists(k))
            .collect();
        NamespaceFacts {
            rootless,
            target,
            namespaces,
            paths,
            hostname: spec.hostname.clone().unwrap_or_default(),
            domainname: spec.domainname.clone().unwrap_or_default(),
            sysctl,
            sysctl_absent,
            masked: linux.masked_paths.map_or(0, |v| v.len())
                + linux.readonly_paths.map_or(0, |v| v.len()),
            config_path: dir.join("config.json").display().to_string(),
        }
    }

    fn contains(&self, kind: &str) -> bool {
        self.namespaces.iter().any(|(k, _)| k == kind)
    }

    fn path_of(&self, kind: &str) -> Option<&str> {
        self.namespaces
            .iter()
            .find(|(k, _)| k == kind)
            .map(|(_, p)| p.as_str())
    }

    fn is_crun(&self) -> bool {
        self.target.as_ref().is_some_and(|t| t.name == "crun")
    }

    fn label(&self) -> String {
        self.target
            .as_ref()
            .map_or_else(|| "runc 1.1".to_string(), Target::label)
    }
}

/// runc's `convertSysctlVariableToDotsSeparator`: `net/ipv4/x` -> `net.ipv4.x`.
pub fn dotted(key: &str) -> String {
    match key.find(['.', '/']) {
        Some(i) if key.as_bytes()[i] == b'/' => key
            .chars()
            .map(|c| match c {
                '.' => '/',
                '/' => '.',
                c => c,
            })
            .collect(),
        _ => key.to_string(),
    }
}

/// The namespace types runc 1.1 knows (specconv's namespaceMapping).
const RUNC_TYPES: &[&str] = &["pid", "network", "mount", "user", "ipc", "uts", "cgroup"];

const IPC_SYSCTLS: &[&str] = &[
    "kernel.msgmax",
    "kernel.msgmnb",
    "kernel.msgmni",
    "kernel.sem",
    "kernel.shmall",
    "kernel.shmmax",
    "kernel.shmmni",
    "kernel.shm_rmid_forced",
];

/// `net.core.*` keys the kernel keeps per network namespace
/// (net/core/sysctl_net_core.c `netns_core_table`); the rest of net.core is
/// global and not writable from a user namespace.
const NETNS_CORE: &[&str] = &[
    "net.core.somaxconn",
    "net.core.optmem_max",
    "net.core.txrehash",
    "net.core.tstamp_allow_data",
    "net.core.xfrm_aevent_etime",
    "net.core.xfrm_aevent_rseqth",
    "net.core.xfrm_larval_drop",
    "net.core.xfrm_acq_expires",
];

fn init_net_only(key: &str) -> bool {
    key.starts_with("net.core.") && !NETNS_CORE.contains(&key)
}

fn add_ns(config: &str, kind: &str) -> Remediation {
    Remediation::root(
        format!("add a {kind} namespace"),
        vec![jq(
            config,
            &format!(".linux.namespaces += [{{\"type\":\"{kind}\"}}]"),
        )],
    )
    .as_user()
}

fn drop_sysctl(config: &str, key: &str) -> Remediation {
    Remediation::root(
        format!("drop the {key} sysctl (set it on the host, if at all)"),
        vec![jq(config, &format!("del(.linux.sysctl[{key:?}])"))],
    )
    .as_user()
}

/// Judges the namespaces and the settings that need them.
pub fn judge(facts: &NamespaceFacts) -> Outcome {
    let config = &facts.config_path;
    let runtime = facts.label();
    let mut problems = Vec::new();
    let mut evidence = vec![Evidence::fact("predicted for", runtime.clone())];
    let mut seen: Vec<&str> = Vec::new();
    for (i, (kind, path)) in facts.namespaces.iter().enumerate() {
        evidence.push(Evidence::fact(
            format!("linux.namespaces[{i}]"),
            if path.is_empty() {
                format!("{kind} (new)")
            } else {
                format!("{kind} joined from {path}")
            },
        ));
        // Go prints the struct with %q: {"time" ""}.
        let go = format!("{{{kind:?} {path:?}}}");
        let known = if facts.is_crun() {
            RUNC_TYPES.contains(&kind.as_str()) || kind == "time"
        } else {
            RUNC_TYPES.contains(&kind.as_str())
        };
        if !known {
            problems.push(
                Problem::fail(
                    0,
                    Code::UnknownNamespace,
                    format!(
                        "linux.namespaces[{i}] has type {kind:?}, which {runtime} does not know; \
                         runc will fail: namespace {go} does not exist"
                    ),
                )
                .fix(
                    Remediation::root(
                        format!("drop the {kind:?} namespace"),
                        vec![jq(
                            config,
                            &format!(".linux.namespaces |= map(select(.type != {kind:?}))"),
                        )],
                    )
                    .as_user(),
                ),
            );
            continue;
        }
        if seen.contains(&kind.as_str()) {
            problems.push(Problem::fail(
                0,
                Code::DuplicateNamespace,
                format!(
                    "linux.namespaces lists {kind:?} twice; runc will fail: malformed spec file: \
                     duplicated ns {go}"
                ),
            ));
            continue;
        }
        seen.push(kind);
        match facts.paths.get(i).cloned().flatten() {
            None => {}
            Some(PathFact::Missing(err)) => problems.push(Problem::fail(
                2,
                Code::NamespacePathMissing,
                format!(
                    "the {kind} namespace path {path} does not exist; runc will fail: namespace \
                     path: lstat {path}: {err}"
                ),
            )),
            Some(PathFact::Unopenable(err)) => problems.push(Problem::fail(
                3,
                Code::NamespacePathUnopenable,
                format!(
                    "the {kind} namespace path {path} cannot be opened by the subject ({err}); \
                     runc will fail: nsexec-1: failed to open {path}: {err}"
                ),
            )),
            Some(PathFact::Opened { nstype, .. }) => {
                let want = nsfs_name(kind);
                let nsflag = match kind.as_str() {
                    "network" => "net",
                    "mount" => "mnt",
                    other => other,
                };
                if nstype.as_deref() != Some(want) {
                    problems.push(Problem::fail(
                        3,
                        Code::NotANamespace,
                        format!(
                            "the {kind} namespace path {path} is {}; runc will fail: nsexec-1: \
                             failed to setns into {nsflag} namespace: Invalid argument",
                            match &nstype {
                                Some(t) => format!("a {t} namespace, not a {want} one"),
                                None => "not a namespace file".to_string(),
                            }
                        ),
                    ));
                } else if facts.rootless
                    && kind != "user"
                    && facts.path_of("user").is_none_or(str::is_empty)
                {
                    problems.push(
                        Problem::fail(
                            3,
                            Code::NamespaceJoinDenied,
                            format!(
                                "the {kind} namespace {path} is joined by path without joining \
                                 its user namespace; a rootless runc joins it before it creates \
                                 the container's user namespace, without CAP_SYS_ADMIN; runc \
                                 will fail: nsexec-1: failed to setns into {nsflag} namespace: \
                                 Operation not permitted"
                            ),
                        )
                        .fix(
                            Remediation::root(
                                format!(
                                    "let the container create its own {kind} namespace (drop \
                                     the path), or also join the user namespace that owns it"
                                ),
                                vec![jq(
                                    config,
                                    &format!(
                                        "(.linux.namespaces[] | select(.type == {kind:?})) |= \
                                         del(.path)"
                                    ),
                                )],
                            )
                            .as_user(),
                        ),
                    );
                }
            }
        }
    }
    if facts
        .path_of("user")
        .is_some_and(|p| !p.is_empty() && facts.rootless)
    {
        evidence.push(Evidence::fact(
            "note",
            "whether the subject owns the joined user namespace is not known without an \
             ioctl(NS_GET_OWNER_UID); runc fails with `failed to setns into user namespace: \
             Operation not permitted` when it does not",
        ));
    }
    // Validator: hostname, masked paths, sysctls.
    if !facts.hostname.is_empty() && !facts.contains("uts") {
        problems.push(
            Problem::fail(
                1,
                Code::HostnameWithoutUts,
                format!(
                    "hostname {:?} is set without a UTS namespace; runc will fail: unable to set \
                     hostname without a private UTS namespace",
                    facts.hostname
                ),
            )
            .fix(add_ns(config, "uts")),
        );
    }
    if !facts.domainname.is_empty() {
        let uts = facts.contains("uts");
        match &facts.target {
            Some(t) if t.name == "crun" && !uts => problems.push(
                Problem::fail(
                    4,
                    Code::Domainname,
                    format!(
                        "domainname {:?} is set without a UTS namespace; crun will fail: \
                         domainname requires the UTS namespace",
                        facts.domainname
                    ),
                )
                .fix(add_ns(config, "uts")),
            ),
            Some(t) if t.name == "crun" => {}
            Some(t) if t.name == "runc" && !t.is_before("runc", 1, 2) => {
                if !uts {
                    problems.push(
                        Problem::fail(
                            1,
                            Code::Domainname,
                            format!(
                                "domainname {:?} is set without a UTS namespace; runc will fail: \
                                 unable to set domainname without a private UTS namespace",
                                facts.domainname
                            ),
                        )
                        .fix(add_ns(config, "uts")),
                    )
                }
            }
            _ => problems.push(Problem::warn(
                1,
                Code::Domainname,
                format!(
                    "domainname {:?} is ignored: {runtime} predates the field (runtime-spec 1.1), \
                     so the container keeps the domain name of its UTS namespace",
                    facts.domainname
                ),
            )),
        }
    }
    if facts.masked > 0 && !facts.contains("mount") {
        problems.push(
            Problem::fail(
                1,
                Code::MaskedPathsWithoutMountns,
                format!(
                    "{} maskedPaths/readonlyPaths without a mount namespace; runc will fail: \
                     unable to restrict sys entries without a private MNT namespace",
                    facts.masked
                ),
            )
            .fix(add_ns(config, "mount")),
        );
    }
    let new_userns = facts.path_of("user").is_some_and(str::is_empty);
    for key in &facts.sysctl {
        let s = dotted(key);
        evidence.push(Evidence::fact("linux.sysctl", s.clone()));
        if IPC_SYSCTLS.contains(&s.as_str()) || s.starts_with("fs.mqueue.") {
            if !facts.contains("ipc") {
                problems.push(
                    Problem::fail(
                        1,
                        Code::SysctlNeedsIpcns,
                        format!(
                            "sysctl {s} needs an ipc namespace; runc will fail: sysctl {s:?} is \
                             not allowed in the hosts ipc namespace"
                        ),
                    )
                    .fix(add_ns(config, "ipc")),
                );
            }
            continue;
        }
        if s.starts_with("net.") {
            let host_net = match facts.path_of("network") {
                None => true,
                Some("") => false,
                Some(_) => facts
                    .namespaces
                    .iter()
                    .zip(&facts.paths)
                    .find(|((k, _), _)| k == "network")
                    .is_some_and(|(_, p)| {
                        matches!(p, Some(PathFact::Opened { host_net: true, .. }))
                    }),
            };
            let file = format!("/proc/sys/{}", s.replace('.', "/"));
            if !host_net && facts.sysctl_absent.contains(&s) {
                problems.push(
                    Problem::fail(
                        4,
                        Code::SysctlNotWritable,
                        format!(
                            "sysctl {s} does not exist on this host ({file} is missing); runc \
                             will fail: open {file}: no such file or directory"
                        ),
                    )
                    .fix(drop_sysctl(config, key)),
                );
            } else if !host_net && new_userns && facts.rootless && init_net_only(&s) {
                problems.push(
                    Problem::fail(
                        4,
                        Code::SysctlNotWritable,
                        format!(
                            "sysctl {s} is global (only the host's network namespace has it), \
                             and its file stays owned by the host's root; runc will fail: open \
                             {file}: permission denied"
                        ),
                    )
                    .fix(drop_sysctl(config, key)),
                );
            }
            if host_net {
                problems.push(
                    Problem::fail(
                        1,
                        Code::SysctlNeedsNetns,
                        format!(
                            "sysctl {s} needs a network namespace of the container's own; runc \
                             will fail: sysctl {s:?} not allowed in host network namespace"
                        ),
                    )
                    .fix(add_ns(config, "network")),
                );
            }
            continue;
        }
        if facts.contains("uts") {
            match s.as_str() {
                "kernel.domainname" => {
                    if new_userns && facts.rootless {
                        problems.push(
                            Problem::fail(
                                4,
                                Code::SysctlNotWritable,
                                "sysctl kernel.domainname is namespaced, but in a user \
                                     namespace /proc/sys/kernel/domainname stays owned by the \
                                     host's root; runc will fail: open \
                                     /proc/sys/kernel/domainname: permission denied",
                            )
                            .fix(drop_sysctl(config, key)),
                        );
                    }
                    continue;
                }
                "kernel.hostname" => {
                    problems.push(
                        Problem::fail(
                            1,
                            Code::SysctlConflictsHostname,
                            "sysctl kernel.hostname conflicts with the hostname field; runc \
                                 will fail: sysctl \"kernel.hostname\" is not allowed as it \
                                 conflicts with the OCI \"hostname\" field",
                        )
                        .fix(drop_sysctl(config, key)),
                    );
                    continue;
                }
                _ => {}
            }
        }
        problems.push(
            Problem::fail(
                1,
                Code::SysctlNotNamespaced,
                format!(
                    "sysctl {s} is not in a namespace the container has; runc will fail: sysctl \
                     {s:?} is not in a separate kernel namespace"
                ),
            )
            .fix(drop_sysctl(config, key)),
        );
    }
    conclude(
        problems,
        evidence,
        format!(
            "{} namespaces, {} sysctls: {runtime} accepts them",
            facts.namespaces.len(),
            facts.sysctl.len()
        ),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Status;

    fn facts(namespaces: &[(&str, &str)]) -> NamespaceFacts {
        NamespaceFacts {
            rootless: true,
            target: None,
            namespaces: namespaces
                .iter()
                .map(|(k, p)| (k.to_string(), p.to_string()))
                .collect(),
            paths: namespaces
                .iter()
                .map(|(k, p)| {
                    (!p.is_empty()).then(|| PathFact::Opened {
                        nstype: Some(nsfs_name(k).to_string()),
                        host_net: false,
                    })
                })
                .collect(),
            hostname: String::new(),
            domainname: String::new(),
            sysctl: vec![],
            masked: 0,
            sysctl_absent: vec![],
            config_path: "/b/config.json".into(),
        }
    }

    const ROOTLESS: &[(&str, &str)] = &[
        ("pid", ""),
        ("ipc", ""),
        ("uts", ""),
        ("mount", ""),
        ("user", ""),
    ];

    #[test]
    fn runc_spec_rootless_passes_and_cgroup_and_network_namespaces_too() {
        let mut f = facts(ROOTLESS);
        f.hostname = "runc".into();
        f.masked = 10;
        assert_eq!(judge(&f).status, Status::Pass);
        let mut more = ROOTLESS.to_vec();
        more.extend([("network", ""), ("cgroup", "")]);
        let mut f = facts(&more);
        f.sysctl = vec!["net.ipv4.ping_group_range".into(), "kernel.shmmax".into()];
        assert_eq!(judge(&f).status, Status::Pass);
        f.sysctl = vec!["net.core.rmem_max".into()];
        assert!(judge(&f).is(Code::SysctlNotWritable));
        f.sysctl = vec!["net.ipv4.nope".into()];
        f.sysctl_absent = vec!["net.ipv4.nope".into()];
        assert!(judge(&f)
            .message
            .ends_with("open /proc/sys/net/ipv4/nope: no such file or directory"));
    }

    #[test]
    fn time_is_unknown_to_runc_1_1_with_its_exact_error() {
        let mut more = ROOTLESS.to_vec();
        more.push(("time", ""));
        let out = judge(&facts(&more));
        assert!(out.is(Code::UnknownNamespace), "{out:?}");
        assert!(out
            .message
            .contains("namespace {\"time\" \"\"} does not exist"));
    }

    #[test]
    fn duplicates_and_hostname_without_uts() {
        let mut more = ROOTLESS.to_vec();
        more.push(("ipc", ""));
        assert!(judge(&facts(&more)).is(Code::DuplicateNamespace));
        let no_uts: Vec<_> = ROOTLESS.iter().copied().filter(|n| n.0 != "uts").collect();
        let mut f = facts(&no_uts);
        f.hostname = "runc".into();
        let out = judge(&f);
        assert!(out.is(Code::HostnameWithoutUts));
        assert!(out
            .message
            .ends_with("unable to set hostname without a private UTS namespace"));
    }

    #[test]
    fn sysctl_rules_follow_runcs_validator() {
        let cases = [
            ("net.ipv4.ip_forward", Some(Code::SysctlNeedsNetns)),
            ("net/ipv4/ip_forward", Some(Code::SysctlNeedsNetns)),
            ("kernel.shmmax", None),
            ("fs.mqueue.queues_max", None),
            ("vm.swappiness", Some(Code::SysctlNotNamespaced)),
            ("kernel.hostname", Some(Code::SysctlConflictsHostname)),
            ("kernel.domainname", Some(Code::SysctlNotWritable)),
        ];
        for (key, want) in cases {
            let mut f = facts(ROOTLESS);
            f.sysctl = vec![key.into()];
            let out = judge(&f);
            assert_eq!(out.code, want.map(|c| c.code()), "{key}: {out:?}");
        }
        let no_ipc: Vec<_> = ROOTLESS.iter().copied().filter(|n| n.0 != "ipc").collect();
        let mut f = facts(&no_ipc);
        f.sysctl = vec!["kernel.shmmax".into()];
        assert!(judge(&f)
            .message
            .ends_with("sysctl \"kernel.shmmax\" is not allowed in the hosts ipc namespace"));
    }

    #[test]
    fn dotted_swaps_separators_only_when_the_first_is_a_slash() {
        assert_eq!(
            dotted("net/ipv4/conf/eno2.100/rp_filter"),
            "net.ipv4.conf.eno2/100.rp_filter"
        );
        assert_eq!(dotted("net.ipv4.ip_forward"), "net.ipv4.ip_forward");
        assert_eq!(dotted(""), "");
    }

    #[test]
    fn joined_paths_are_judged_by_what_opening_them_found() {
        let mut more = ROOTLESS.to_vec();
        more.push(("network", "/proc/1/ns/net"));
        let mut f = facts(&more);
        assert!(judge(&f).is(Code::NamespaceJoinDenied));
        f.rootless = false;
        assert_eq!(judge(&f).status, Status::Pass);
        f.paths[5] = Some(PathFact::Unopenable("Permission denied".into()));
        assert!(judge(&f).is(Code::NamespacePathUnopenable));
        f.paths[5] = Some(PathFact::Missing("no such file or directory".into()));
        assert!(judge(&f).is(Code::NamespacePathMissing));
        f.paths[5] = Some(PathFact::Opened {
            nstype: None,
            host_net: false,
        });
        assert!(judge(&f).is(Code::NotANamespace));
        assert_eq!(nstype_of_link("net:[4026531840]").as_deref(), Some("net"));
        assert_eq!(nstype_of_link("pipe:[1]"), None);
    }

    #[test]
    fn probe_path_reads_namespaces_and_never_opens_other_files() {
        assert_eq!(
            probe_path("/proc/self/ns/net"),
            PathFact::Opened {
                nstype: Some("net".into()),
                host_net: true,
            }
        );
        assert!(matches!(
            probe_path("/proc/self/ns/mnt"),
            PathFact::Opened { nstype: Some(t), host_net: false } if t == "mnt"
        ));
        assert!(matches!(
            probe_path("/nonexistent-rootless-doctor"),
            PathFact::Missing(_)
        ));
        // A device and a FIFO are judged without being opened (a FIFO with
        // no writer would block a plain open).
        let not_ns = PathFact::Opened {
            nstype: None,
            host_net: false,
        };
        assert_eq!(probe_path("/dev/null"), not_ns);
        let dir = tempfile::tempdir().unwrap();
        let fifo = dir.path().join("fifo");
        nix::unistd::mkfifo(&fifo, nix::sys::stat::Mode::from_bits_truncate(0o600)).unwrap();
        assert_eq!(probe_path(fifo.to_str().unwrap()), not_ns);
        assert_eq!(probe_path(dir.path().to_str().unwrap()), not_ns);
    }

    #[test]
    fn domainname_is_ignored_by_runc_1_1_and_needs_uts_in_crun() {
        let no_uts: Vec<_> = ROOTLESS.iter().copied().filter(|n| n.0 != "uts").collect();
        let mut f = facts(&no_uts);
        f.domainname = "example".into();
        assert_eq!(judge(&f).status, Status::Warn);
        f.target = Some(Target {
            name: "crun".into(),
            version: Some((1, 8, 1)),
        });
        assert!(judge(&f).is(Code::Domainname));
        assert_eq!(judge(&f).status, Status::Fail);
    }
}
