//! Evidence: what the text says beyond its wording, and how it moves the
//! ranking of candidates.
//!
//! Contract:
//! - [`HINTS`] are fragment patterns (the catalogue's syntax, normalised the
//!   same way) searched for on every line with the causes' patterns, in the
//!   same pass: the program that printed a line (runc, crun, rootlesskit,
//!   bwrap, LXC tools), the setting the paste tells of (inside a container,
//!   an LXD host, Ubuntu 23.10+, Debian or Arch, a su/sudo session), and
//!   triggers for the decoders.
//! - The decoders read the raw line (numbers are masked in the normalised
//!   one) only when a trigger matched it: `requested U:G` (containers/storage's
//!   chown error), `newuidmap PID IN OUT COUNT…` / `newgidmap …` argument lists
//!   (with or without brackets), and `/sys/fs/cgroup/<first component>` paths.
//!   They keep at most [`MAX_DECODED`] items of each kind, so memory stays
//!   bounded whatever the paste.
//! - [`deltas`] turns the evidence into score changes for one cause, each with
//!   its reason, without the host (`--no-probe`) or with the subject's real
//!   ids and subordinate ranges ([`HostIds`]). It is a pure function of the
//!   evidence, the host ids and the cause id: the ranking stays deterministic.

/// Most decoded items of one kind kept per paste.
pub const MAX_DECODED: usize = 16;

/// Bits of [`Evidence::hints`].
pub mod hint {
    /// The paste says it ran inside a container, a Kubernetes pod or CI job.
    pub const CONTAINER: u32 = 1 << 0;
    /// An LXD or LXC container host.
    pub const LXD: u32 = 1 << 1;
    /// Ubuntu 23.10 or later (the AppArmor userns restriction), or an AppArmor
    /// denial or the restriction's knob named.
    pub const UBUNTU_APPARMOR: u32 = 1 << 2;
    /// Debian, Arch or linux-hardened (kernel.unprivileged_userns_clone).
    pub const DEBIAN_ARCH: u32 = 1 << 3;
    /// The user was switched with su, sudo or runuser (no login session).
    pub const SU_SUDO: u32 = 1 << 4;
    /// Debian 10 or older, whose kernels default to
    /// kernel.unprivileged_userns_clone=0.
    pub const DEBIAN_OLD: u32 = 1 << 5;
    /// Printed by runc.
    pub const RUNC: u32 = 1 << 8;
    /// Printed by crun.
    pub const CRUN: u32 = 1 << 9;
    /// Printed by RootlessKit.
    pub const ROOTLESSKIT: u32 = 1 << 10;
    /// Printed by bubblewrap.
    pub const BWRAP: u32 = 1 << 11;
    /// Printed by an LXC tool.
    pub const LXC_TOOL: u32 = 1 << 12;
    /// Printed by podman or buildah.
    pub const PODMAN: u32 = 1 << 13;
    /// Decoder trigger: an id mapping helper's argument list may follow.
    pub const IDMAP_ARGS: u32 = 1 << 20;
    /// Decoder trigger: `requested U:G`.
    pub const REQUESTED: u32 = 1 << 21;
    /// Decoder trigger: a cgroup path.
    pub const CGROUP_PATH: u32 = 1 << 22;
    /// The decoder triggers.
    pub const TRIGGERS: u32 = IDMAP_ARGS | REQUESTED | CGROUP_PATH;
}

/// Hint patterns and the bits they set.
pub static HINTS: &[(&str, u32)] = &[
    ("inside a container", hint::CONTAINER),
    ("inside the container", hint::CONTAINER),
    ("in a container", hint::CONTAINER),
    ("inside docker", hint::CONTAINER),
    ("docker-in-docker", hint::CONTAINER),
    ("docker:dind", hint::CONTAINER),
    ("/.dockerenv", hint::CONTAINER),
    ("kubepods", hint::CONTAINER),
    ("kubernetes", hint::CONTAINER),
    ("gitlab-runner", hint::CONTAINER),
    ("nested container", hint::CONTAINER),
    ("podman in podman", hint::CONTAINER),
    ("codespaces", hint::CONTAINER),
    ("lxd", hint::LXD),
    ("lxc container", hint::LXD),
    ("ubuntu 23.10", hint::UBUNTU_APPARMOR),
    ("ubuntu 24.04", hint::UBUNTU_APPARMOR),
    ("ubuntu-24.04", hint::UBUNTU_APPARMOR),
    ("ubuntu 24.10", hint::UBUNTU_APPARMOR),
    ("ubuntu 25.04", hint::UBUNTU_APPARMOR),
    ("ubuntu 25.10", hint::UBUNTU_APPARMOR),
    ("noble", hint::UBUNTU_APPARMOR),
    ("apparmor=\"denied\"", hint::UBUNTU_APPARMOR),
    (
        "apparmor_restrict_unprivileged_userns",
        hint::UBUNTU_APPARMOR,
    ),
    ("apparmor-userns", hint::UBUNTU_APPARMOR),
    ("debian", hint::DEBIAN_ARCH),
    ("arch linux", hint::DEBIAN_ARCH),
    ("archlinux", hint::DEBIAN_ARCH),
    ("linux-hardened", hint::DEBIAN_ARCH),
    ("stretch", hint::DEBIAN_OLD),
    ("buster", hint::DEBIAN_OLD),
    ("jessie", hint::DEBIAN_OLD),
    ("debian 9", hint::DEBIAN_OLD),
    ("debian 10", hint::DEBIAN_OLD),
    ("sudo -u ", hint::SU_SUDO),
    ("sudo -iu ", hint::SU_SUDO),
    ("sudo su", hint::SU_SUDO),
    ("^su - ", hint::SU_SUDO),
    ("$ su ", hint::SU_SUDO),
    ("# su ", hint::SU_SUDO),
    ("runuser -u ", hint::SU_SUDO),
    (
        "$dbus_session_bus_address and $xdg_runtime_dir not defined",
        hint::SU_SUDO,
    ),
    ("runc run failed", hint::RUNC),
    ("runc create failed", hint::RUNC),
    ("nsenter:", hint::RUNC),
    ("nsexec-", hint::RUNC),
    ("crun:", hint::CRUN),
    ("[rootlesskit:", hint::ROOTLESSKIT),
    ("bwrap:", hint::BWRAP),
    ("lxc-start", hint::LXC_TOOL),
    ("lxc-create", hint::LXC_TOOL),
    ("lxc-usernsexec", hint::LXC_TOOL),
    ("lxc_map_ids", hint::LXC_TOOL),
    ("podman", hint::PODMAN),
    ("buildah", hint::PODMAN),
    ("newuidmap ", hint::IDMAP_ARGS),
    ("newgidmap ", hint::IDMAP_ARGS),
    ("requested ", hint::REQUESTED),
    ("/sys/fs/cgroup/", hint::CGROUP_PATH),
];

/// A newuidmap or newgidmap argument list: `(inside, outside, count)` triples.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct IdMapArgs {
    /// newgidmap rather than newuidmap.
    pub gid: bool,
    /// The triples after the pid, in order.
    pub triples: Vec<(u64, u64, u64)>,
}

/// What the decoders and hints found in a paste.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Evidence {
    /// [`hint`] bits seen anywhere in the paste.
    pub hints: u32,
    /// `requested U:G` pairs.
    pub requested: Vec<(u64, u64)>,
    /// Id mapping helpers' argument lists.
    pub id_maps: Vec<IdMapArgs>,
    /// A cgroup v1 hierarchy path (`/sys/fs/cgroup/pids/…`): its controller.
    pub cgroup_v1: Option<String>,
    /// A cgroup v2 path (`/sys/fs/cgroup/user.slice/…`, `cgroup.subtree_control`).
    pub cgroup_v2: bool,
}

/// The subject's ids as the host has them (`explain` without `--no-probe`).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct HostIds {
    /// The subject's uid.
    pub uid: u32,
    /// The subject's gid.
    pub gid: u32,
    /// The subject's ranges in /etc/subuid, `(start, count)`.
    pub subuid: Vec<(u32, u32)>,
    /// The subject's ranges in /etc/subgid.
    pub subgid: Vec<(u32, u32)>,
}

impl Evidence {
    /// Runs the decoders whose triggers are in `line_hints` on a raw line.
    pub(super) fn decode(&mut self, raw: &[u8], line_hints: u32) {
        if line_hints & hint::REQUESTED != 0 {
            decode_requested(raw, &mut self.requested);
        }
        if line_hints & hint::IDMAP_ARGS != 0 {
            decode_id_maps(raw, &mut self.id_maps);
        }
        if line_hints & hint::CGROUP_PATH != 0 {
            decode_cgroup(raw, self);
        }
    }
}

fn lower_find(hay: &[u8], needle: &[u8], from: usize) -> Option<usize> {
    if needle.is_empty() || hay.len() < needle.len() {
        return None;
    }
    (from..=hay.len() - needle.len())
        .find(|&i| hay[i..i + needle.len()].eq_ignore_ascii_case(needle))
}

/// Reads a decimal number at `at`: its value (saturating) and the index after it.
fn number(raw: &[u8], at: usize) -> Option<(u64, usize)> {
    let mut i = at;
    let mut value: u64 = 0;
    while i < raw.len() && raw[i].is_ascii_digit() {
        value = value
            .saturating_mul(10)
            .saturating_add(u64::from(raw[i] - b'0'));
        i += 1;
    }
    (i > at).then_some((value, i))
}

fn decode_requested(raw: &[u8], out: &mut Vec<(u64, u64)>) {
    let mut from = 0;
    while let Some(at) = lower_find(raw, b"requested ", from) {
        from = at + 1;
        let Some((uid, after)) = number(raw, at + "requested ".len()) else {
            continue;
        };
        if raw.get(after) != Some(&b':') {
            continue;
        }
        let Some((gid, _)) = number(raw, after + 1) else {
            continue;
        };
        if out.len() < MAX_DECODED && !out.contains(&(uid, gid)) {
            out.push((uid, gid));
        }
    }
}

fn decode_id_maps(raw: &[u8], out: &mut Vec<IdMapArgs>) {
    for (name, gid) in [(&b"newuidmap "[..], false), (&b"newgidmap "[..], true)] {
        let mut from = 0;
        while let Some(at) = lower_find(raw, name, from) {
            from = at + 1;
            let mut i = at + name.len();
            let mut numbers = Vec::new();
            loop {
                while i < raw.len() && matches!(raw[i], b' ' | b'[' | b']' | b',') {
                    i += 1;
                }
                match number(raw, i) {
                    Some((n, after)) if numbers.len() < 3 * 340 + 1 => {
                        numbers.push(n);
                        i = after;
                    }
                    _ => break,
                }
            }
            if numbers.len() < 4 {
                continue;
            }
            let triples: Vec<(u64, u64, u64)> = numbers[1..]
                .chunks_exact(3)
                .map(|t| (t[0], t[1], t[2]))
                .collect();
            let args = IdMapArgs { gid, triples };
            if out.len() < MAX_DECODED && !out.contains(&args) {
                out.push(args);
            }
        }
    }
}

/// cgroup v1 hierarchies (and named ones) as mounted under /sys/fs/cgroup.
const V1_CONTROLLERS: &[&str] = &[
    "cpu",
    "cpuacct",
    "cpuset",
    "memory",
    "pids",
    "blkio",
    "devices",
    "freezer",
    "net_cls",
    "net_prio",
    "perf_event",
    "hugetlb",
    "rdma",
    "misc",
    "systemd",
];

fn decode_cgroup(raw: &[u8], ev: &mut Evidence) {
    let prefix = b"/sys/fs/cgroup/";
    let mut from = 0;
    while let Some(at) = lower_find(raw, prefix, from) {
        from = at + 1;
        let start = at + prefix.len();
        let end = raw[start..]
            .iter()
            .position(|&c| {
                !(c.is_ascii_alphanumeric() || matches!(c, b'_' | b',' | b'.' | b'-' | b'@' | b'='))
            })
            .map_or(raw.len(), |p| start + p);
        let component = String::from_utf8_lossy(&raw[start..end]).to_ascii_lowercase();
        let is_dir = raw.get(end) == Some(&b'/');
        let v1 = is_dir
            && (component.starts_with("name=")
                || component.split(',').all(|c| V1_CONTROLLERS.contains(&c)));
        if v1 {
            if ev.cgroup_v1.is_none() {
                ev.cgroup_v1 = Some(component);
            }
        } else if component == "unified" {
            // The v2 mount of a hybrid host: v1 for the controllers.
            if ev.cgroup_v1.is_none() {
                ev.cgroup_v1 = Some(component);
            }
        } else if component.ends_with(".slice")
            || component.starts_with("cgroup.")
            || component.contains(".max")
            || component == "init.scope"
        {
            ev.cgroup_v2 = true;
        }
    }
}

const CLONE_OFF: &str = "userns-clone-sysctl-disabled";
const APPARMOR: &str = "ubuntu-apparmor-userns-restriction";
const PROFILE_PATH: &str = "ubuntu-apparmor-profile-path-mismatch";
const SANDBOX: &str = "userns-blocked-in-container-sandbox";
const UNPRIV: &str = "newuidmap-unprivileged";
const NO_SUBUID: &str = "subuid-no-entry";
const SMALL: &str = "subuid-range-insufficient";
const STALE: &str = "subuid-stale-pause-process";
const RANGE: &str = "subuid-range-invalid";
const LXC: &str = "lxc-unprivileged-setup";
const XDG: &str = "xdg-runtime-dir-invalid";
const NO_SYSTEMD: &str = "no-user-systemd-or-dbus";
const CGROUP_V1: &str = "cgroup-v1-rootless-no-limits";
const NOT_DELEGATED: &str = "cgroup-controller-not-delegated";
const CGROUPFS: &str = "cgroup-no-systemd-cgroupfs-denied";

/// Ids a user namespace built from `ranges` holds: the own id plus the ranges.
fn namespace_size(ranges: &[(u32, u32)]) -> u64 {
    1 + ranges.iter().map(|&(_, c)| u64::from(c)).sum::<u64>()
}

/// The score changes the evidence makes for `cause`, each with its reason.
pub fn deltas(ev: &Evidence, host: Option<&HostIds>, cause: &str) -> Vec<(i32, String)> {
    let mut out = Vec::new();
    requested(ev, host, cause, &mut out);
    id_maps(ev, host, cause, &mut out);
    cgroup(ev, cause, &mut out);
    hints(ev, cause, &mut out);
    out
}

fn requested(ev: &Evidence, host: Option<&HostIds>, cause: &str, out: &mut Vec<(i32, String)>) {
    let Some(&(u, g)) = ev.requested.iter().max_by_key(|(u, g)| (*u).max(*g)) else {
        return;
    };
    let max = u.max(g);
    if let Some(h) = host {
        let (uids, gids) = (namespace_size(&h.subuid), namespace_size(&h.subgid));
        let missing = (u > 0 && h.subuid.is_empty()) || (g > 0 && h.subgid.is_empty());
        if missing {
            if cause == NO_SUBUID {
                out.push((
                    80,
                    format!("requested {u}:{g}, and the subject has no subordinate range here"),
                ));
            }
        } else if u < uids && g < gids {
            match cause {
                STALE => out.push((80, format!(
                    "requested {u}:{g} fits the {uids} uids and {gids} gids the subject's ranges give: the running user namespace was made before them"
                ))),
                SMALL => out.push((-40, format!("the subject's ranges ({uids} uids, {gids} gids) hold {u}:{g}"))),
                NO_SUBUID => out.push((-40, "the subject has subordinate ranges here".to_string())),
                _ => {}
            }
        } else {
            match cause {
                SMALL => out.push((80, format!(
                    "requested {u}:{g} lies past the {uids} uids and {gids} gids the subject's ranges give"
                ))),
                NO_SUBUID => out.push((-40, "the subject has subordinate ranges here".to_string())),
                _ => {}
            }
        }
        return;
    }
    if max >= 65536 {
        match cause {
            SMALL => out.push((60, format!(
                "requested id {max} lies past a default 65536-id range: the range is too small for this image (or the image needs ignore_chown_errors)"
            ))),
            NO_SUBUID => out.push((-20, format!("id {max} is large: a namespace with ranges is missing that one id, not all of them"))),
            _ => {}
        }
    } else if max > 0 {
        match cause {
            NO_SUBUID => out.push((20, format!(
                "requested id {max} fits any default 65536-id range: the namespace holds fewer ids than /etc/subuid would give"
            ))),
            STALE => out.push((10, format!("requested id {max} fits a default range: the namespace may predate the ranges"))),
            SMALL => out.push((-20, format!("id {max} is below 65536, which any default range holds"))),
            _ => {}
        }
    }
}

/// What is wrong with one argument list on its face, if anything.
fn id_map_fault(args: &IdMapArgs, own: Option<u64>) -> Option<String> {
    let t = &args.triples;
    let own = own.or_else(|| {
        t.iter()
            .find(|&&(i, _, c)| i == 0 && c == 1)
            .map(|&(_, o, _)| o)
    });
    if let Some(own) = own {
        if let Some(&(_, o, c)) = t
            .iter()
            .find(|&&(_, o, c)| c > 1 && own >= o && own < o.saturating_add(c))
        {
            return Some(format!(
                "the own id {own} lies inside the mapped range {o}-{} (count {c})",
                o.saturating_add(c) - 1
            ));
        }
    }
    for (k, a) in t.iter().enumerate() {
        if a.1.saturating_add(a.2) > 1 << 32 {
            return Some(format!(
                "the range {}+{} runs past the 32-bit id space",
                a.1, a.2
            ));
        }
        for b in &t[k + 1..] {
            if a.1 < b.1.saturating_add(b.2) && b.1 < a.1.saturating_add(a.2) {
                return Some(format!(
                    "the host ranges {}+{} and {}+{} overlap",
                    a.1, a.2, b.1, b.2
                ));
            }
            if a.0 < b.0.saturating_add(b.2) && b.0 < a.0.saturating_add(a.2) {
                return Some(format!(
                    "the namespace ranges {}+{} and {}+{} overlap",
                    a.0, a.2, b.0, b.2
                ));
            }
        }
    }
    None
}

fn id_maps(ev: &Evidence, host: Option<&HostIds>, cause: &str, out: &mut Vec<(i32, String)>) {
    if ev.id_maps.is_empty() {
        return;
    }
    let own = |args: &IdMapArgs| host.map(|h| u64::from(if args.gid { h.gid } else { h.uid }));
    if let Some(fault) = ev.id_maps.iter().find_map(|a| id_map_fault(a, own(a))) {
        if cause == RANGE {
            out.push((80, format!("the id mapping asked for is invalid: {fault}")));
        }
        return;
    }
    let Some(h) = host else {
        if cause == RANGE {
            out.push((-15, "the id mapping asked for is well formed".to_string()));
        }
        return;
    };
    // Every triple must be the own id or inside one of the subject's ranges.
    let outside = ev.id_maps.iter().find_map(|a| {
        let (own, ranges) = if a.gid {
            (h.gid, &h.subgid)
        } else {
            (h.uid, &h.subuid)
        };
        a.triples
            .iter()
            .find(|&&(_, o, c)| {
                let own_only = o == u64::from(own) && c == 1;
                let inside = ranges.iter().any(|&(s, n)| {
                    o >= u64::from(s) && o.saturating_add(c) <= u64::from(s) + u64::from(n)
                });
                !own_only && !inside
            })
            .map(|&(_, o, c)| (a.gid, o, c))
    });
    match (outside, cause) {
        (Some((gid, o, c)), RANGE) => out.push((
            60,
            format!(
                "the range {o}+{c} is not among the subject's ranges in {}",
                if gid { "/etc/subgid" } else { "/etc/subuid" }
            ),
        )),
        (None, RANGE) => out.push((
            -30,
            "the ranges asked for are the subject's own".to_string(),
        )),
        (None, UNPRIV) => out.push((
            10,
            "the ranges asked for are the subject's own: the helper or the kernel refused them"
                .to_string(),
        )),
        _ => {}
    }
}

fn cgroup(ev: &Evidence, cause: &str, out: &mut Vec<(i32, String)>) {
    if let Some(controller) = &ev.cgroup_v1 {
        match cause {
            CGROUP_V1 => out.push((
                60,
                format!("/sys/fs/cgroup/{controller}/ is a cgroup v1 hierarchy"),
            )),
            NOT_DELEGATED => out.push((
                -30,
                format!("/sys/fs/cgroup/{controller}/ is cgroup v1, where nothing is delegated"),
            )),
            _ => {}
        }
    } else if ev.cgroup_v2 {
        match cause {
            NOT_DELEGATED => out.push((30, "the cgroup path is a cgroup v2 one".to_string())),
            CGROUPFS => out.push((10, "the cgroup path is a cgroup v2 one".to_string())),
            CGROUP_V1 => out.push((-30, "the cgroup path is a cgroup v2 one".to_string())),
            _ => {}
        }
    }
}

fn hints(ev: &Evidence, cause: &str, out: &mut Vec<(i32, String)>) {
    let has = |bit: u32| ev.hints & bit != 0;
    if has(hint::CONTAINER) && cause == SANDBOX {
        out.push((40, "the paste says it ran inside a container".to_string()));
    }
    if has(hint::LXD) {
        match cause {
            SANDBOX => out.push((40, "the paste names an LXD/LXC container host".to_string())),
            LXC => out.push((15, "the paste names LXD/LXC".to_string())),
            _ => {}
        }
    }
    if has(hint::LXC_TOOL) && cause == LXC {
        out.push((40, "printed by an LXC tool".to_string()));
    }
    if has(hint::UBUNTU_APPARMOR) {
        match cause {
            APPARMOR => out.push((40, "the paste names Ubuntu 23.10+ or AppArmor".to_string())),
            PROFILE_PATH => out.push((20, "the paste names Ubuntu 23.10+ or AppArmor".to_string())),
            _ => {}
        }
    }
    if has(hint::DEBIAN_ARCH) && cause == CLONE_OFF {
        out.push((
            30,
            "the paste names Debian, Arch or linux-hardened".to_string(),
        ));
    }
    // Debian 10 and older ship the sysctl off by default.
    if has(hint::DEBIAN_OLD) && cause == CLONE_OFF {
        out.push((15, "the paste names Debian 10 or older".to_string()));
    }
    if has(hint::SU_SUDO) {
        match cause {
            XDG => out.push((
                30,
                "the user was switched with su/sudo/runuser: no login session".to_string(),
            )),
            NO_SYSTEMD => out.push((
                20,
                "the user was switched with su/sudo/runuser: no user manager".to_string(),
            )),
            _ => {}
        }
    }
    if has(hint::BWRAP) && cause == APPARMOR {
        out.push((
            10,
            "printed by bwrap, the desktop sandboxes Ubuntu 24.04 restricts".to_string(),
        ));
    }
}
