//! Table of real messages → expected causes (in rank order) and the checks of
//! the top cause. Sources are cited per row: `[issue: …]` (an issue or pull
//! request), `[src: …]` (the tool's source or binary), `[doc: …]` (its
//! documentation), and `[captured]` for runs of Debian 12's runc 1.1.5 /
//! crun 1.8.1 as user nobody on the CI host (busybox bundle,
//! `runc spec --rootless`, one change per run).

use super::super::explain;

const CLONE_OFF: &str = "userns-clone-sysctl-disabled";
const MAX_ZERO: &str = "userns-max-zero";
const NO_USERNS: &str = "userns-kernel-unsupported";
const APPARMOR: &str = "ubuntu-apparmor-userns-restriction";
const PROFILE_PATH: &str = "ubuntu-apparmor-profile-path-mismatch";
const UNSHARE_2504: &str = "ubuntu-2504-unshare-userns-restrict";
const SANDBOX: &str = "userns-blocked-in-container-sandbox";
const CHROOT: &str = "userns-in-chroot";
const LIMIT: &str = "userns-limit-or-nesting-exhausted";
const NO_UIDMAP: &str = "newuidmap-missing";
const UIDMAP_UNPRIV: &str = "newuidmap-unprivileged";
const NO_SUBUID: &str = "subuid-no-entry";
const SUBUID_SMALL: &str = "subuid-range-insufficient";
const STALE_PAUSE: &str = "subuid-stale-pause-process";
const RANGE_INVALID: &str = "subuid-range-invalid";
const TARGET_OWNER: &str = "newuidmap-target-owner-mismatch";
const ROOTLESS_CONFIG: &str = "runc-rootless-config";
const AUTO_NO_IDS: &str = "userns-auto-no-ids";
const ROOT_UNMAPPED: &str = "bundle-root-unmapped";
const FIFO: &str = "runc-exec-fifo-chown";
const MAP_INVALID: &str = "bundle-id-map-invalid";
const USER_UNMAPPED: &str = "bundle-user-unmapped";
const ADD_GIDS: &str = "bundle-additional-gids";
const MOUNT_OPT: &str = "bundle-mount-option-unmapped";
const MOUNT_UNSUP: &str = "bundle-mount-rootless-unsupported";
const XDG_INVALID: &str = "xdg-runtime-dir-invalid";
const NO_SYSTEMD: &str = "no-user-systemd-or-dbus";
const LINGER: &str = "linger-disabled";
const NOT_SHARED: &str = "root-mount-not-shared";
const CGROUP_V1: &str = "cgroup-v1-rootless-no-limits";
const NOT_DELEGATED: &str = "cgroup-controller-not-delegated";
const CGROUPFS: &str = "cgroup-no-systemd-cgroupfs-denied";
const HYBRID: &str = "crun-cgroup-hybrid-unsupported";
const OVERLAY_KERNEL: &str = "overlay-rootless-kernel-unsupported";
const BACKING_FS: &str = "overlay-backing-fs-unsupported";
const NO_DEV_FUSE: &str = "fuse-device-unavailable";
const NO_FUSE_OVERLAYFS: &str = "fuse-overlayfs-or-fusermount-missing";
const NETWORK_FS: &str = "storage-on-network-fs";
const DRIVER_MISMATCH: &str = "storage-driver-config-mismatch";
const NOEXEC: &str = "storage-noexec";
const WHITEOUT: &str = "overlay-whiteout-nested";
const NO_SPACE: &str = "storage-no-space";
const LOW_PORT: &str = "privileged-port-bind-denied";
const PING: &str = "ping-group-range";
const NET_HELPER: &str = "rootless-net-helper-missing";
const TUN: &str = "tun-device-missing";
const PASTA_APPARMOR: &str = "pasta-apparmor-denied";
const SLIRP_SANDBOX: &str = "slirp4netns-sandbox-denied";
const IPTABLES: &str = "docker-rootless-iptables";
const EXEC_FORMAT: &str = "exec-format-error";
const INTERPRETER: &str = "exec-enoent-interpreter-or-crlf";
const NOT_IN_PATH: &str = "exec-not-found-in-path";
const NOT_EXECUTABLE: &str = "exec-permission-denied";
const RUNC_UNREADABLE: &str = "runc-binary-not-readable";
const CONFIG: &str = "bundle-config-invalid";
const ROOTFS: &str = "bundle-rootfs-invalid";
const TTY: &str = "runc-tty-console-socket";
const PROC_MASKED: &str = "nested-proc-masked";
const SYSFS: &str = "sysfs-mount-denied";
const BWRAP_CAPS: &str = "bwrap-unexpected-capabilities";
const SELINUX: &str = "selinux-relabel-denied";
const DEVICES: &str = "rootless-privileged-device-limits";
const PROCFS_HARDENING: &str = "runc-procfs-hardening-regression";
const APPTAINER: &str = "apptainer-fakeroot";
const LXC: &str = "lxc-unprivileged-setup";
const SETUPTOOL: &str = "docker-rootless-setuptool";
const NERDCTL: &str = "nerdctl-rootless-not-running";
const CLIENT_ENDPOINT: &str = "rootless-client-endpoint";
const STALE_BOOT: &str = "podman-run-dir-survived-reboot";
const RLIMIT: &str = "rlimit-nofile-too-low";
const RLIMIT_CHECKS: &[&str] = &["limits.nofile", "bundle.process-settings"];

// Candidate sets that one errno wording leaves ambiguous: the checks decide.
// The order is the field's: how often each cause is behind the wording in
// public issue threads (docs/explain.md, "Field weights").
// podman's clone and containers/storage's unshare: outer containers first.
const EPERM_CLONE: &[&str] = &[SANDBOX, APPARMOR, CLONE_OFF, CHROOT];
// rootlesskit's fork/exec: Ubuntu 24.04 hosts first.
const EPERM_FORK_EXEC: &[&str] = &[APPARMOR, SANDBOX, CLONE_OFF, CHROOT];
// util-linux unshare and bwrap: outer containers, then the Debian/Arch sysctl.
const EPERM_UNSHARE: &[&str] = &[SANDBOX, CLONE_OFF, APPARMOR, CHROOT];
// runc's nsexec: the sysctl (Arch, Debian) first, then outer containers.
const EPERM_NSEXEC: &[&str] = &[CLONE_OFF, SANDBOX, APPARMOR, CHROOT];
const EACCES_FORK_EXEC: &[&str] = &[APPARMOR, SANDBOX, PROFILE_PATH];
const EACCES_USERNS: &[&str] = &[APPARMOR, PROFILE_PATH, SANDBOX];
const EINVAL_USERNS: &[&str] = &[MAX_ZERO, NO_USERNS];
const ENOSPC_USERNS: &[&str] = &[MAX_ZERO, LIMIT];
const UID_MAP_EPERM: &[&str] = &[APPARMOR, SANDBOX];
const NEWUIDMAP_EPERM: &[&str] = &[UIDMAP_UNPRIV, SANDBOX, RANGE_INVALID, APPARMOR, LXC];
const SETUP_NAMESPACE: &[&str] = &[UIDMAP_UNPRIV, RANGE_INVALID, SANDBOX, APPARMOR];
// containers/storage's chown error: the requested ids decide.
const IDS_SMALL_ID: &[&str] = &[NO_SUBUID, STALE_PAUSE, SUBUID_SMALL];
const IDS_LARGE_ID: &[&str] = &[SUBUID_SMALL, STALE_PAUSE, NO_SUBUID];

struct Row {
    /// Where the message comes from: `[issue: …]`, `[src: …]`, `[doc: …]`,
    /// `[captured]`, `[notes: …]`, with what the thread found when it matters.
    source: &'static str,
    text: &'static str,
    causes: &'static [&'static str],
    checks: &'static [&'static str],
}

const fn row(
    source: &'static str,
    text: &'static str,
    causes: &'static [&'static str],
    checks: &'static [&'static str],
) -> Row {
    Row {
        source,
        text,
        causes,
        checks,
    }
}

const SYSCTL_CHECKS: &[&str] = &["userns.clone-sysctl", "userns.create"];
const MAX_CHECKS: &[&str] = &["userns.max-namespaces"];
const CREATE: &[&str] = &["userns.create"];
const APPARMOR_CHECKS: &[&str] = &["userns.apparmor", "userns.create"];
const IDMAP_CHECKS: &[&str] = &["idmap.newuidmap", "idmap.newgidmap"];
const IDMAP_PRIV_CHECKS: &[&str] = &["idmap.newuidmap", "idmap.newgidmap", "idmap.multi-map"];
const SUBID_CHECKS: &[&str] = &["subid.subuid", "subid.subgid"];
const RANGE_CHECKS: &[&str] = &[
    "subid.subuid",
    "subid.subgid",
    "idmap.multi-map",
    "bundle.uid-mappings",
    "bundle.gid-mappings",
];
const MAPPING_CHECKS: &[&str] = &["bundle.uid-mappings", "bundle.gid-mappings"];
const XDG: &[&str] = &["runtime.xdg-runtime-dir", "session.user-manager"];
const SESSION_CHECKS: &[&str] = &[
    "cgroup.delegation",
    "runtime.xdg-runtime-dir",
    "session.user-manager",
];
const LINGER_CHECKS: &[&str] = &["session.linger"];
const CGROUP: &[&str] = &["cgroup.delegation"];
const PROCESS: &[&str] = &["bundle.process"];
const PORTS: &[&str] = &["network.ports"];
const PING_CHECKS: &[&str] = &["network.ping"];
const HELPER: &[&str] = &["network.helper"];
const TUN_CHECKS: &[&str] = &["network.tun", "engine.podman"];
const GRAPHROOT: &[&str] = &["storage.graphroot"];
const DRIVER: &[&str] = &["storage.driver"];
const BACKING: &[&str] = &["storage.driver", "storage.graphroot"];
const NONE: &[&str] = &[];
const STATE: &[&str] = &["state.pause-process"];
const ENGINE_DOCKER: &[&str] = &["engine.docker"];

static ROWS: &[Row] = &[
    // ---------------- userns-clone-sysctl-disabled
    row("[src: bubblewrap bubblewrap.c] [issue: containers/bubblewrap#324]", "bwrap: No permissions to creating new namespace, likely because the kernel does not allow non-privileged user namespaces. On e.g. debian this can be enabled with 'sysctl kernel.unprivileged_userns_clone=1'.", &[CLONE_OFF, SANDBOX, CHROOT], SYSCTL_CHECKS),
    row("[issue: bedrocklinux/bedrocklinux-userland#303]", "bwrap: No permissions to create new namespace, likely because the kernel does not allow non-privileged user namespaces. See <https://deb.li/bubblewrap> or <file:///usr/share/doc/bubblewrap/README.Debian.gz>.", &[CLONE_OFF, SANDBOX, CHROOT], SYSCTL_CHECKS),
    row("[src: podman pkg/rootless/rootless_linux.c check_proc_sys_userns_file]", "cannot clone: Operation not permitted\nuser namespaces are not enabled in /proc/sys/kernel/unprivileged_userns_clone\nError: cannot re-exec process", &[CLONE_OFF], SYSCTL_CHECKS),
    row("[src: podman rootless_linux.c]", "cannot clone: Operation not permitted", EPERM_CLONE, CREATE),
    row("[src: rootlesskit pkg/parent/warn.go] [doc: docker/docs troubleshoot.md]", "[rootlesskit:parent] error: failed to start the child: fork/exec /proc/self/exe: operation not permitted\n/proc/sys/kernel/unprivileged_userns_clone needs to be set to 1.", &[CLONE_OFF], SYSCTL_CHECKS),
    row("[issue: opencontainers/runc#1929]", r#"container_linux.go:337: starting container process caused "process_linux.go:302: running exec setns process for init caused \"exit status 39\"""#, &[CLONE_OFF], SYSCTL_CHECKS),
    row("[issue: genuinetools/img#148 (Arch)]", "nsenter: failed to unshare namespaces: Operation not permitted", EPERM_NSEXEC, SYSCTL_CHECKS),
    row("[src: apptainer cmd/starter/c/starter.c nserror()]", "ERROR  : Failed to create user namespace: user namespace requires to set /proc/sys/kernel/unprivileged_userns_clone to 1", &[CLONE_OFF], SYSCTL_CHECKS),
    row("[issue: lxc/go-lxc#134]", "lxc-start c1 20190101 ERROR    start - start.c:lxc_spawn:1737 - Operation not permitted - Failed to clone a new set of namespaces", &[CLONE_OFF, APPARMOR, SANDBOX], SYSCTL_CHECKS),
    row("[issue: lucabrunox/nix-user-chroot#10 (Debian stretch), binpash/try#129]", "unshare: unshare failed: Operation not permitted", EPERM_UNSHARE, CREATE),
    row("[src: youki info]", "user  enabled (root only)", &[CLONE_OFF], SYSCTL_CHECKS),
    row("[src: runc 1.1 nsexec]", "nsexec-1[4242]: failed to unshare user namespace: Operation not permitted", EPERM_NSEXEC, SYSCTL_CHECKS),
    // ---------------- userns-max-zero
    row("[issue: podman#7704]", "cannot clone: Invalid argument\nuser namespaces are not enabled in /proc/sys/user/max_user_namespaces\nError: could not get runtime: cannot re-exec process", &[MAX_ZERO], MAX_CHECKS),
    row("[doc: docker/docs troubleshoot.md]", "[rootlesskit:parent] error: failed to start the child: fork/exec /proc/self/exe: no space left on device", ENOSPC_USERNS, MAX_CHECKS),
    row("[src: rootlesskit warn.go]", "/proc/sys/user/max_user_namespaces needs to be set to non-zero.", &[MAX_ZERO], MAX_CHECKS),
    row("[src: bubblewrap.c] [issue: containers/bubblewrap#102, #216 (CentOS 7.4)]", "bwrap: Creating new namespace failed, likely because the kernel does not support user namespaces.  bwrap must be installed setuid on such systems.", EINVAL_USERNS, MAX_CHECKS),
    row("[src: bubblewrap.c]", "bwrap: Creating new namespace failed: nesting depth or /proc/sys/user/max_*_namespaces exceeded (ENOSPC)", ENOSPC_USERNS, MAX_CHECKS),
    row("[issue: apptainer/singularity#6341, sylabs/singularity#1741]", "FATAL:   while extracting image.sif: root filesystem extraction failed: extract command failed: ERROR  : Failed to create user namespace: user namespace disabled", &[MAX_ZERO], MAX_CHECKS),
    row("[src: starter.c]", "ERROR  : Failed to create user namespace: maximum number of user namespaces exceeded, check /proc/sys/user/max_user_namespaces", &[MAX_ZERO, LIMIT], MAX_CHECKS),
    row("[issue: apptainer/singularity#1529]", "ERROR  : Failed invoking the NEWUSER namespace runtime: Invalid argument", EINVAL_USERNS, MAX_CHECKS),
    row("[issue: apptainer/apptainer#2455]", "ERROR  : Failed to create container process: No space left on device", &[MAX_ZERO, APPTAINER], MAX_CHECKS),
    row("[issue: canonical/lxd#4720]", "ERROR    lxc_start - start.c:lxc_spawn:1634 - Invalid argument - Failed to clone a new set of namespaces", EINVAL_USERNS, MAX_CHECKS),
    row("[issue: moby/moby#35336]", r#"oci runtime error: container_linux.go:265: starting container process caused "process_linux.go:284: running exec setns process for init caused \"exit status 40\"""#, &[MAX_ZERO], MAX_CHECKS),
    row("[issue: hpc/charliecloud#133]", "ch-run[1234]: can't init user+mount namespaces: Operation not permitted (ch-run.c:519 1)", &[MAX_ZERO], MAX_CHECKS),
    // ---------------- userns-kernel-unsupported
    row("[issue: firehol/firehol#195]", "unshare: unshare failed: Invalid argument", EINVAL_USERNS, MAX_CHECKS),
    row("[issue: nix-community/nix-user-chroot#19]", "thread 'main' panicked at 'unshare failed: Sys(EINVAL)', src/main.rs:140:9", &[NO_USERNS], CREATE),
    row("[issue: containers/bubblewrap#473]", "bwrap: Creating new namespace failed: Function not implemented", &[NO_USERNS], CREATE),
    row("[src: starter.c]", "ERROR  : Failed to create user namespace: user namespace not supported by your system", &[NO_USERNS], CREATE),
    row("[issue: canonical/lxd#1606]", "error: failed to clone (0x30000011): Invalid argument (includes CLONE_NEWUSER)", &[NO_USERNS], CREATE),
    row("[issue: rootless-containers/rootlesskit#286]", "[rootlesskit:parent] error: fork/exec /proc/self/exe: invalid argument", EINVAL_USERNS, MAX_CHECKS),
    row("[src: runc]", "runc run failed: user namespaces aren't enabled in the kernel", &[NO_USERNS], CREATE),
    // ---------------- ubuntu-apparmor-userns-restriction / ubuntu-apparmor-profile-path-mismatch
    row("[issue: podman-desktop#7256, flathub/com.valvesoftware.Steam#1302]", "bwrap: Creating new namespace failed: Permission denied\nerror: ldconfig failed, exit status 256", &[APPARMOR, PROFILE_PATH], APPARMOR_CHECKS),
    row("[issue: podman#24642, mgoltzsche/podman-static#111]", "cannot clone: Permission denied\nError: cannot re-exec process", EACCES_USERNS, APPARMOR_CHECKS),
    row("[issue: podman#24642]", "failed to reexec: Permission denied", &[APPARMOR, PROFILE_PATH], APPARMOR_CHECKS),
    row("[src: rootlesskit pkg/parent/warn.go] [issue: containerd/nerdctl PR#3820]", r#"WARN[0000] [rootlesskit:parent] This error might have happened because /proc/sys/kernel/apparmor_restrict_unprivileged_userns is set to 1  error="fork/exec /proc/self/exe: permission denied""#, &[APPARMOR, PROFILE_PATH], APPARMOR_CHECKS),
    row("[issue: k3s-io/k3s#11900]", "FATA[0000] failed to start the child: fork/exec /proc/self/exe: operation not permitted", EPERM_FORK_EXEC, APPARMOR_CHECKS),
    row("[issue: apptainer/apptainer#2027]", "INFO   : A system administrator may need to enable user namespaces, install\nINFO   :   apptainer-suid, or compile with ./mconfig --with-suid\nERROR  : Failed to create user namespace: Permission denied", &[APPARMOR, PROFILE_PATH], APPARMOR_CHECKS),
    row("[issue: podman-desktop#7256]", "[12:12:0101/000000.000:FATAL:credentials.cc(127)] Check failed: . : Permission denied (13)", &[APPARMOR], APPARMOR_CHECKS),
    row("[issue: igo95862/bubblejail#179]", "Unusable sandbox! If you are running on Ubuntu 23.10+ or another Linux distro that has disabled unprivileged user namespaces with AppArmor, see https://chromium.googlesource.com/chromium/src/+/main/docs/security/apparmor-userns-restrictions.md.", &[APPARMOR], APPARMOR_CHECKS),
    row("[issue: flatpak/flatpak#5462]", r#"audit: type=1400 audit(1700000000.000:100): apparmor="DENIED" operation="userns_create" class="namespace" info="User namespace creation restricted" error=-13 profile="unconfined" pid=4242 comm="flatpak-bwrap" requested="userns_create" denied="userns_create""#, &[APPARMOR], APPARMOR_CHECKS),
    row("[issue: Kron4ek/Conty#139, DevToys-app/DevToys#1373]", "bwrap: setting up uid map: Permission denied", UID_MAP_EPERM, APPARMOR_CHECKS),
    row("[issue: Heroic-Games-Launcher#4102]", "pressure-vessel-wrap[12345]: E: Child process exited with code 1: bwrap: setting up uid map: Permission denied.", UID_MAP_EPERM, APPARMOR_CHECKS),
    row("[issue: gominimal/minimal#610, youki-dev/youki#3298]", "unshare: write failed /proc/self/uid_map: Operation not permitted", UID_MAP_EPERM, APPARMOR_CHECKS),
    row("[issue: NVIDIA/OpenShell#1895]", "write /proc/self/setgroups (nested userns is capability-restricted; caller must provide CAP_SYS_ADMIN): Permission denied", UID_MAP_EPERM, APPARMOR_CHECKS),
    row("[issue: DevToys#1373]", r#"apparmor="DENIED" operation="capable" class="cap" profile="unprivileged_userns" pid=4242 comm="bwrap" capability=8  capname="setpcap""#, &[APPARMOR], APPARMOR_CHECKS),
    // ---------------- ubuntu-2504-unshare-userns-restrict
    row("[issue: rootless-containers/rootlesskit#494]", r#"[rootlesskit:child ] error: failed to create a detached netns on "/tmp/rootlesskit1234/netns": failed to execute [unshare -n mount --bind /proc/self/ns/net /tmp/rootlesskit1234/netns]: exit status 32 (out="mount: /tmp/rootlesskit1234/netns: permission denied.\n       dmesg(1) may have more information after failed mount system call.\n")"#, &[UNSHARE_2504], &["userns.apparmor"]),
    // ---------------- userns-blocked-in-container-sandbox
    row("[issue: podman#8463]", "Error during unshare(CLONE_NEWUSER): Operation not permitted\ntime=\"2020-11-24T00:00:00Z\" level=error msg=\"error parsing PID \\\"\\\": strconv.Atoi: parsing \\\"\\\": invalid syntax\"", EPERM_CLONE, CREATE),
    row("[issue: rootless-containers/rootlesskit#68]", "[rootlesskit:parent] error: failed to start the child: fork/exec /proc/self/exe: permission denied", EACCES_FORK_EXEC, APPARMOR_CHECKS),
    row("[issue: flatpak/flatpak#1326]", "bwrap: Creating new namespace failed: Operation not permitted", EPERM_UNSHARE, CREATE),
    row("[issue: flatpak/flatpak#1326]", "bwrap: pivot_root: Operation not permitted", &[SANDBOX], CREATE),
    row("[issue: NERSC/shifter#317]", r#""unshare: unshare failed: Operation not permitted""#, EPERM_UNSHARE, CREATE),
    row("follow-up only [issue: podman#8463]", r#"level=error msg="error parsing PID \"\": strconv.Atoi: parsing \"\": invalid syntax""#, &[SANDBOX], CREATE),
    // ---------------- userns-limit-or-nesting-exhausted
    row("[src: rootlesskit warn.go]", "WARN[0000] [rootlesskit:parent] /proc/sys/user/max_user_namespaces=15 may be low. Consider setting to >= 1024.", &[LIMIT], &["userns.max-namespaces", "userns.create"]),
    row("[src: apptainer starter.c]", "ERROR  : Failed to create user namespace: limit on the nesting depth of user namespaces was exceeded", &[LIMIT], &["userns.max-namespaces", "userns.create"]),
    // ---------------- newuidmap-missing
    row("[src: podman pkg/rootless/rootless_linux.go] [doc: podman troubleshooting.md §9]", "Error: command required for rootless mode with multiple IDs: exec: \"newuidmap\": executable file not found in $PATH", &[NO_UIDMAP], IDMAP_CHECKS),
    row("[issue: NixOS/nixpkgs#238070]", "Error during setresgid(0): Invalid argument\nERRO[0000] finding newgidmap: exec: \"newgidmap\": executable file not found in $PATH", &[NO_UIDMAP], IDMAP_CHECKS),
    row("[src: runc libcontainer/nsenter/nsexec.c try_mapping_tool]", "nsenter: mapping tool not present", &[NO_UIDMAP], IDMAP_CHECKS),
    row("[captured] runc 1.1.5, uidMappings with a second range, PATH without newuidmap", "time=\"2026-11-29T03:28:56Z\" level=fatal msg=\"nsexec-0[5397]: mapping tool not present: Operation not permitted\"\ntime=\"2026-11-29T03:28:56Z\" level=fatal msg=\"nsexec-1[5399]: failed to sync with parent: read(SYNC_USERMAP_ACK): Success\"\ntime=\"2026-11-29T03:28:56Z\" level=warning msg=\"unable to get oom kill count\" error=\"no directory specified for memory.oom_control\"\ntime=\"2026-11-29T03:28:56Z\" level=error msg=\"runc run failed: unable to start container process: can't get final child's PID from pipe: EOF\"", &[NO_UIDMAP], IDMAP_CHECKS),
    row("[src: crun src/libcrun/linux.c]", "crun: unable to invoke `newuidmap`, will try creating a user namespace with single mapping as an alternative", &[NO_UIDMAP, UIDMAP_UNPRIV], IDMAP_CHECKS),
    row("[src: moby contrib/dockerd-rootless-setuptool.sh]", "[ERROR] newuidmap binary not found. Please install with a package manager.", &[NO_UIDMAP], IDMAP_CHECKS),
    row("[src: podman rootless_linux.go]", "WARN[0000] Using rootless single mapping into the namespace. This might break some images. Check /etc/subuid and /etc/subgid for adding sub*ids if not using a network user", &[NO_UIDMAP, NO_SUBUID], IDMAP_CHECKS),
    row("[src: youki]", "newuidmap/newgidmap binaries could not be found in path", &[NO_UIDMAP], IDMAP_CHECKS),
    // ---------------- newuidmap-unprivileged
    row("[src: shadow lib/idmapping.c] [issue: podman#7106, buildah#3834]", "newuidmap: write to uid_map failed: Operation not permitted", NEWUIDMAP_EPERM, IDMAP_PRIV_CHECKS),
    row("[src: shadow lib/idmapping.c] [issue: moby/moby#41812]", "newuidmap: Could not set caps", &[UIDMAP_UNPRIV], IDMAP_PRIV_CHECKS),
    row("[src: podman rootless_linux.go] [issue: NixOS/nix#15953]", "ERRO[0000] running `/usr/bin/newuidmap 4242 0 1000 1 1 100000 65536`: newuidmap: write to uid_map failed: Operation not permitted\nError: cannot set up namespace using \"/usr/bin/newuidmap\": should have setuid or have filecaps setuid: exit status 1", &[UIDMAP_UNPRIV], IDMAP_PRIV_CHECKS),
    row("[issue: podman#2788]", "Error: cannot setup namespace using newuidmap: exit status 1", SETUP_NAMESPACE, IDMAP_PRIV_CHECKS),
    row("[issue: podman#21738]", r#"invalid internal status, try resetting the pause process with "podman system migrate": cannot set up namespace using "/usr/bin/newuidmap": exit status 1"#, &[STALE_PAUSE], STATE),
    row("[src: rootlesskit pkg/parent/parent.go] [issue: moby#41812]", "[rootlesskit:parent] error: failed to setup UID/GID map: newuidmap 4242 [0 1000 1 1 165536 65536] failed: newuidmap: Could not set caps\n: exit status 1", &[UIDMAP_UNPRIV], IDMAP_PRIV_CHECKS),
    row("[issue: buildah#3834]", "error from newuidmap: newuidmap: write to uid_map failed: Operation not permitted", NEWUIDMAP_EPERM, IDMAP_PRIV_CHECKS),
    row("[issue: buildah#2123]", "writing file '/proc/4242/gid_map': Operation not permitted", &[UIDMAP_UNPRIV], IDMAP_PRIV_CHECKS),
    row("[src: crun]", "crun: write to `uid_map`: Operation not permitted", &[UIDMAP_UNPRIV, RANGE_INVALID], IDMAP_PRIV_CHECKS),
    // ---------------- subuid-no-entry
    row("[issue: 89luca89/distrobox#1511]", "ERRO[0000] cannot find UID/GID for user alice: no subuid ranges found for user \"alice\" in /etc/subuid - check rootless mode in man pages.\nWARN[0000] Using rootless single mapping into the namespace. This might break some images. Check /etc/subuid and /etc/subgid for adding sub*ids if not using a network user", &[NO_SUBUID], SUBID_CHECKS),
    row("[issue: podman#1182]", "ERRO[0000] No subuid ranges found for user \"rene\"", &[NO_SUBUID], SUBID_CHECKS),
    row("[src: rootlesskit idtools.go] [issue: rootless-containers/rootlesskit#470]", "[rootlesskit:parent] error: failed to setup UID/GID map: failed to compute uid/gid map: No subuid ranges found for user 1001 (\"testuser\")", &[NO_SUBUID], SUBID_CHECKS),
    row("[src: apptainer build_linux.go]", "INFO:    User not listed in /etc/subuid, trying root-mapped namespace", &[APPTAINER], &["subid.subuid", "userns.create"]),
    row("[issue: canonical/lxd#235]", "error: shared's user has no subuids", &[NO_SUBUID], SUBID_CHECKS),
    row("[issue: docker/docker-install#120]", "Could not find records for the current user alice from /etc/subgid", &[NO_SUBUID], SUBID_CHECKS),
    // ---------------- subuid-range-insufficient
    row("[issue: kanidm/kanidm#393]", "Error processing tar file(exit status 1): potentially insufficient UIDs or GIDs available in user namespace (requested 0:42 for /etc/shadow): Check /etc/subuid and /etc/subgid: lchown /etc/shadow: invalid argument", IDS_SMALL_ID, SUBID_CHECKS),
    row("[src: containers/storage PR#303] [issue: podman#7090]", "there might not be enough IDs available in the namespace (requested 40000000:40000000 for /.git): lchown /.git: invalid argument", IDS_LARGE_ID, SUBID_CHECKS),
    row("[doc: docker/docs troubleshoot.md]", "docker: failed to register layer: Error processing tar file(exit status 1): lchown /usr/bin/foo: invalid argument", &[NO_SUBUID, SUBUID_SMALL, STALE_PAUSE], SUBID_CHECKS),
    row("[doc: podman troubleshooting §10]", r#"Error: container create failed: container_linux.go:344: starting container process caused "setup user: invalid argument""#, &[NO_SUBUID, SUBUID_SMALL, USER_UNMAPPED], SUBID_CHECKS),
    row("[issue: podman#8592]", "chown: /data/file: Invalid argument", &[SUBUID_SMALL], SUBID_CHECKS),
    // ---------------- subuid-stale-pause-process
    row("[src: podman pkg/domain/infra/abi/system_linux.go]", r#"fatal error, invalid internal status, unable to create a new pause process: exit status 1. Try running "podman system migrate" and if that doesn't work reboot to recover"#, &[STALE_PAUSE], STATE),
    row("[src: podman system_linux.go]", r#"Failed to join existing conmon namespace, creating a new rootless podman user namespace. If there are existing container running please stop them with "podman system migrate" to reset the namespace"#, &[STALE_PAUSE], STATE),
    row("[src: containers/storage v1.43.0 pkg/idtools/idtools.go, as podman 4.3.1 prints it]", r#"Error: writing blob: adding layer with blob "sha256:3331450fb84f": Error processing tar file(exit status 1): potentially insufficient UIDs or GIDs available in user namespace (requested 0:42 for /etc/gshadow): Check /etc/subuid and /etc/subgid if configured locally and run podman-system-migrate: lchown /etc/gshadow: invalid argument"#, &[NO_SUBUID, STALE_PAUSE, SUBUID_SMALL], SUBID_CHECKS),
    row("[captured] podman 4.3.1 import of a layer with a gid-42 file, its pause process made before the user had a range", r#"Error: writing blob: adding layer with blob "sha256:9ebbabfb5d78": ApplyLayer stdout:  stderr: potentially insufficient UIDs or GIDs available in user namespace (requested 0:42 for /): Check /etc/subuid and /etc/subgid if configured locally and run podman-system-migrate: lchown /: invalid argument exit status 1"#, &[NO_SUBUID, STALE_PAUSE, SUBUID_SMALL], SUBID_CHECKS),
    row("[src: podman v4.3.1 pkg/domain/infra/abi/system.go, pkg/rootless/rootless_linux.go]", r#"time="2026-12-03T12:40:00Z" level=error msg="invalid internal status, try resetting the pause process with \"podman system migrate\": could not find any running process: no such process""#, &[STALE_PAUSE, STALE_BOOT], STATE),
    // ---------------- subuid-range-invalid
    row("[captured] runc 1.1.5, uidMappings 1→100000 (size 1000) outside nobody's ranges", "newuidmap: uid range [1-1001) -> [100000-101000) not allowed\ntime=\"2026-11-29T03:28:56Z\" level=fatal msg=\"nsexec-0[5344]: failed to use newuid map on 5346: Operation not permitted\"\ntime=\"2026-11-29T03:28:56Z\" level=fatal msg=\"nsexec-1[5346]: failed to sync with parent: read(SYNC_USERMAP_ACK): Success\"", &[RANGE_INVALID], RANGE_CHECKS),
    row("[issue: moby/moby#49810]", "[rootlesskit:parent] error: failed to setup UID/GID map: newuidmap 3326 [0 222586300 1 1 524288 1073741824] failed: newuidmap: write to uid_map failed: Invalid argument", &[RANGE_INVALID], RANGE_CHECKS),
    row("[src: podman rootless_linux.go]", r#"invalid configuration: the specified mapping 1000:65536 in "/etc/subuid" includes the user UID"#, &[RANGE_INVALID], RANGE_CHECKS),
    row("[issue: project-stacker/stacker#150]", "error: failed adding idmap entry: {true false 205743 0 1}: Host id is in the range of subids", &[RANGE_INVALID], RANGE_CHECKS),
    row("[issue: shadow-maint/shadow#459]", "useradd: can't get unique subordinate UID range", &[RANGE_INVALID], RANGE_CHECKS),
    row("[issue: podman#8182] follow-up only", "Error: container_linux.go:370: starting container process caused: process_linux.go:338: getting the final child's pid from pipe caused: EOF: OCI runtime error", &[CLONE_OFF, MAX_ZERO, APPARMOR, SANDBOX, NO_UIDMAP, UIDMAP_UNPRIV, RANGE_INVALID, MAP_INVALID], SYSCTL_CHECKS),
    // ---------------- newuidmap-target-owner-mismatch
    row("[src: shadow src/newuidmap.c] [issue: lxc/lxc#4084]", "newuidmap: Target process 4242 is owned by a different user: uid:0 pw_uid:0 st_uid:0, gid:402 pw_gid:0 st_gid:402", &[TARGET_OWNER], &["idmap.multi-map"]),
    // ---------------- runc-rootless-config and the bundle causes
    row("[captured] runc 1.1.5, no user namespace in config.json", "time=\"2026-11-29T03:28:57Z\" level=error msg=\"runc run failed: rootless container requires user namespaces\"", &[ROOTLESS_CONFIG], MAPPING_CHECKS),
    row("[captured] runc 1.1.5, empty uidMappings", "time=\"2026-11-29T03:28:57Z\" level=error msg=\"runc run failed: User namespaces enabled, but no uid mappings found.\"", &[ROOTLESS_CONFIG], MAPPING_CHECKS),
    row("[src: runc 1.2+]", "runc run failed: user namespaces enabled, but no uid mappings found", &[ROOTLESS_CONFIG], MAPPING_CHECKS),
    row("[src: crun linux.c] [issue: containers/crun#180]", "crun: non root user need to have an 'user' namespace", &[ROOTLESS_CONFIG], MAPPING_CHECKS),
    row("[src: youki]", "rootless container requires valid user namespace definition", &[ROOTLESS_CONFIG], MAPPING_CHECKS),
    row("[captured] runc 1.1.5, uidMappings start at container id 1", "time=\"2026-11-29T03:28:57Z\" level=error msg=\"runc run failed: User namespaces enabled, but no user mapping found.\"", &[ROOT_UNMAPPED], MAPPING_CHECKS),
    row("[src: runc 1.2+]", "runc run failed: user namespaces enabled, but no mapping found for uid 0", &[ROOT_UNMAPPED], MAPPING_CHECKS),
    row("[captured] runc 1.1.5, container 0 mapped to a subordinate uid (runc create)", "time=\"2026-11-29T03:29:04Z\" level=error msg=\"runc create failed: chown /tmp/expl-cap/xdg/runc/f1/exec.fifo: operation not permitted\"", &[FIFO], MAPPING_CHECKS),
    row("[captured] runc 1.1.5, spec generated by root (0→0), run by nobody in the foreground", "time=\"2026-11-29T03:28:43Z\" level=error msg=\"runc run failed: fchown fd 7: operation not permitted\"", &[FIFO], MAPPING_CHECKS),
    row("[notes: warptools/warpforge _notes/using-runc.md]", "ERRO[0000] chown /run/user/1000/runc/mycontainer/exec.fifo: operation not permitted", &[FIFO], MAPPING_CHECKS),
    row("[captured] runc 1.1.5, overlapping uidMappings", "time=\"2026-11-29T03:28:58Z\" level=fatal msg=\"nsexec-0[5734]: failed to update /proc/5737/uid_map: Invalid argument\"\ntime=\"2026-11-29T03:28:58Z\" level=error msg=\"runc run failed: unable to start container process: can't get final child's PID from pipe: EOF\"", &[MAP_INVALID], MAPPING_CHECKS),
    row("[captured] runc 1.1.5, process.user.uid 1000 unmapped", "time=\"2026-11-29T03:28:56Z\" level=error msg=\"runc run failed: unable to start container process: unable to setup user: cannot set uid to unmapped user in user namespace\"", &[USER_UNMAPPED], &["bundle.user"]),
    row("[src: runc 1.2+]", "runc run failed: unable to start container process: error during container init: cannot setuid to unmapped uid 1000 in user namespace", &[USER_UNMAPPED], &["bundle.user"]),
    row("[captured] runc 1.1.5, additionalGids [5]", "time=\"2026-11-29T03:28:56Z\" level=error msg=\"runc run failed: unable to start container process: unable to setup user: cannot set any additional groups in a rootless container\"", &[ADD_GIDS], &["bundle.user"]),
    row("[captured] runc 1.1.5, devpts mount with gid=5", "time=\"2026-11-29T03:28:58Z\" level=error msg=\"runc run failed: cannot specify gid= mount options for unmapped gid in rootless containers\"", &[MOUNT_OPT], &["bundle.mounts"]),
    row("[src: runc main]", "runc run failed: cannot specify gid=5 mount option for rootless container: user namespaces enabled, but no mapping found for gid 5", &[MOUNT_OPT], &["bundle.mounts"]),
    row("[src: runc 1.1]", "cannot specify gid=5 mount option for rootless container: User namespaces enabled, but no group mapping found.", &[MOUNT_OPT], &["bundle.mounts"]),
    row("[src: crun]", "crun: mount `devpts` to `dev/pts`: Invalid argument", &[MOUNT_OPT], &["bundle.mounts"]),
    row("[src: runc 1.2+]", "runc run failed: id-mapped mounts are not supported for rootless containers", &[MOUNT_UNSUP], &["bundle.mounts"]),
    row("[captured] runc 1.1.5, root.path missing", "time=\"2026-11-29T03:28:58Z\" level=error msg=\"runc run failed: invalid rootfs: stat /tmp/expl-cap/b/nonexist: no such file or directory\"", &[ROOTFS], &["bundle.rootfs"]),
    row("[captured] runc 1.1.5, terminal true with -d", "time=\"2026-11-29T03:28:57Z\" level=error msg=\"runc run failed: cannot allocate tty if runc will detach without setting console socket\"", &[TTY], NONE),
    row("[src: runc]", "JSON specification file config.json not found", &[CONFIG], &["bundle.config", "bundle.process"]),
    row("[src: runc]", "runc run failed: args must not be empty", &[CONFIG], &["bundle.config", "bundle.process"]),
    // ---------------- userns-auto-no-ids
    row("[issue: coreos/fedora-coreos-tracker#2056]", "ERRO[0000] Cannot find mappings for user \"containers\": no subuid ranges found for user \"containers\" in /etc/subuid\nError: creating container storage: not enough unused IDs in user namespace", &[AUTO_NO_IDS], &["subid.auto-userns"]),
    row("[captured] podman 4.3.1 as root, --userns=auto, no containers entry", "time=\"2026-12-03T15:51:02Z\" level=error msg=\"Cannot find mappings for user \\\"containers\\\": no subuid ranges found for user \\\"containers\\\" in /etc/subuid\"\nError: creating container storage: could not find enough available IDs", &[AUTO_NO_IDS], &["subid.auto-userns"]),
    row("[captured] podman 4.3.1 as root, --userns=auto, containers:3000000:1000", "Error: creating container storage: could not find enough available IDs", &[AUTO_NO_IDS], &["subid.auto-userns"]),
    // ---------------- xdg-runtime-dir-invalid
    row("[doc: podman troubleshooting §31]", "ERRO[0000] XDG_RUNTIME_DIR directory \"/run/user/0\" is not owned by the current user", &[XDG_INVALID], XDG),
    row("[issue: podman#6383]", "Error: could not get runtime: error generating default config from memory: cannot mkdir /run/user/0/libpod: mkdir /run/user/0/libpod: permission denied", &[XDG_INVALID], XDG),
    row("[issue: containers/storage#1505]", "unable to make rootless runtime: mkdir /run/user/0/containers: permission denied", &[XDG_INVALID], XDG),
    row("[src: moby contrib/dockerd-rootless.sh]", "XDG_RUNTIME_DIR needs to be set and writable", &[XDG_INVALID], XDG),
    row("[src: moby setuptool]", "[ERROR] Aborting because systemd was detected but XDG_RUNTIME_DIR (\"\") is not set, does not exist, or is not writable", &[XDG_INVALID], XDG),
    row("[src: nerdctl pkg/rootlessutil/xdg_linux.go]", "environment variable XDG_RUNTIME_DIR is not set, see https://rootlesscontaine.rs/getting-started/common/login/", &[XDG_INVALID], XDG),
    row("[captured] runc 1.1.5 as nobody without XDG_RUNTIME_DIR", "time=\"2026-11-29T03:28:43Z\" level=error msg=\"runc run failed: lstat /run/runc/c2: permission denied\"", &[XDG_INVALID], XDG),
    row("[issue: opencontainers/runc#1413]", "mkdir /run/runc: permission denied", &[XDG_INVALID], XDG),
    row("[src: runc main.go]", "the path in $XDG_RUNTIME_DIR must be writable by the user", &[XDG_INVALID], XDG),
    // ---------------- no-user-systemd-or-dbus
    row("[src: containers/common pkg/config/config.go] [issue: podman#10717]", "WARN[0000] The cgroupv2 manager is set to systemd but there is no systemd user session available", &[NO_SYSTEMD], SESSION_CHECKS),
    row("[issue: podman#25824]", "Error: unable to start container \"abc\": crun: sd-bus call: Interactive authentication required.: Permission denied: OCI permission denied", &[NO_SYSTEMD], SESSION_CHECKS),
    row("[issue: containers/crun#1346]", "Error: crun: cannot open sd-bus: No such file or directory", &[NO_SYSTEMD], SESSION_CHECKS),
    row("[doc: docker/docs troubleshoot.md]", "docker: Error response from daemon: OCI runtime create failed: container_linux.go:380: starting container process caused: process_linux.go:385: applying cgroup configuration for process caused: error while starting unit \"docker-abc.scope\" with properties [...]: read unix @->/run/systemd/private: read: connection reset by peer: unknown.", &[NO_SYSTEMD], SESSION_CHECKS),
    row("[issue: opencontainers/runc#2163]", "systemd cgroup flag passed, but systemd support for managing cgroups is not available: OCI runtime error", &[NO_SYSTEMD], SESSION_CHECKS),
    row("[issue: podman#25824]", "creating cgroup user.slice/user-1000.slice/user@1000.service/user.slice/libpod-abc.scope: dial unix /run/user/1000/bus: connect: connection refused", &[XDG_INVALID, NO_SYSTEMD], XDG),
    row("[doc: docker/docs troubleshoot.md]", "Failed to connect to bus: No such file or directory", &[XDG_INVALID, NO_SYSTEMD], XDG),
    row("[src: runc]", "failed to connect to dbus (hint: for rootless containers, maybe you need to install dbus-user-session package, see https://github.com/opencontainers/runc/blob/master/docs/cgroup-v2.md): dial unix /run/user/1000/bus: connect: no such file or directory", &[NO_SYSTEMD], SESSION_CHECKS),
    // ---------------- linger-disabled / rootless-client-endpoint
    row("[issue: docker/docker-install#208]", "Cannot connect to the Docker daemon at unix:///run/user/1000/docker.sock. Is the docker daemon running?", &[LINGER, CLIENT_ENDPOINT], LINGER_CHECKS),
    row("[issue: docker/docker-install#260]", "Cannot connect to the Docker daemon at unix:///var/run/docker.sock. Is the docker daemon running?", &[CLIENT_ENDPOINT], &["runtime.xdg-runtime-dir", "engine.docker"]),
    row("[src: podman cmd/podman/root.go]", "Cannot connect to Podman. Please verify your connection to the Linux system using `podman system connection list`, or try `podman machine init` and `podman machine start` to manage a new Linux VM", &[CLIENT_ENDPOINT], &["runtime.xdg-runtime-dir", "engine.docker"]),
    // ---------------- root-mount-not-shared
    row("[src: podman rootless_linux.go] [issue: microsoft/WSL#8922]", "WARN[0000] \"/\" is not a shared mount, this could cause issues or missing mounts with rootless containers", &[NOT_SHARED], &["mount.bind"]),
    row("[src: rootlesskit warn.go]", "The host root filesystem is mounted as \"master:478\". Setting child propagation to \"rslave\" is not supported.", &[NOT_SHARED], &["mount.bind"]),
    row("[src: rootlesskit warn.go]", "WARN[0000] The host root filesystem is mounted as \"\". Setting child propagation to \"rslave\" is not supported.", &[NOT_SHARED], &["mount.bind"]),
    // ---------------- cgroup-v1-rootless-no-limits
    row("[issue: podman#17582]", "WARN[0000] Resource limits are not supported and ignored on cgroups V1 rootless systems", &[CGROUP_V1], CGROUP),
    row("[issue: podman#6084]", "Error: invalid configuration, cannot specify resource limits without cgroups v2 and --cgroup-manager=systemd", &[CGROUP_V1], CGROUP),
    row("[issue: root-project/root PR#14146]", "runc: runc create failed: unable to start container process: error during container init: error setting cgroup config for procHooks process: cannot set memory limit: container could not join or create cgroup", &[CGROUP_V1], CGROUP),
    row("[issue: podman#7417]", "Error: cannot set limits without cgroups: OCI runtime error", &[CGROUP_V1], CGROUP),
    row("[src: moby daemon/info_unix.go]", "WARNING: Running in rootless-mode without cgroups. To enable cgroups in rootless-mode, you need to boot the system in cgroup v2 mode.", &[CGROUP_V1], CGROUP),
    row("[issue: opencontainers/runc#1801]", r#"container_linux.go:348: starting container process caused "process_linux.go:279: applying cgroup configuration for process caused \"mountpoint for cgroup not found\"""#, &[CGROUP_V1], CGROUP),
    row("[issue: microsoft/WSL#10050]", "Error: stats is not supported in rootless mode without cgroups v2", &[CGROUP_V1], CGROUP),
    // ---------------- cgroup-controller-not-delegated
    row("[doc: podman troubleshooting §26]", "Error: OCI runtime error: crun: the requested cgroup controller `cpu` is not available", &[NOT_DELEGATED], CGROUP),
    row("[issue: podman#7959]", "Error: opening file `cpu.max` for writing: Permission denied: OCI runtime permission denied error", &[NOT_DELEGATED], CGROUP),
    row("[issue: kubernetes/minikube#14871]", "ERROR: UserNS: cpu controller needs to be delegated", &[NOT_DELEGATED], CGROUP),
    row("[issue: kubernetes-sigs/kind#2254]", "ERROR: failed to create cluster: running kind with rootless provider requires setting systemd property \"Delegate=yes\", see https://kind.sigs.k8s.io/docs/user/rootless/", &[NOT_DELEGATED], CGROUP),
    row("[src: nerdctl containerd-rootless-setuptool.sh]", "[WARNING] The cgroup v2 controller \"cpu\" is not delegated for the current user (\"/sys/fs/cgroup/user.slice/user-1000.slice/user@1000.service/cgroup.controllers\"), see https://rootlesscontaine.rs/getting-started/common/cgroup2/", &[NOT_DELEGATED], CGROUP),
    // ---------------- cgroup-no-systemd-cgroupfs-denied
    row("[issue: podman#11563]", "Rootless podman run: mkdir /sys/fs/cgroup/abc: permission denied: OCI permission denied", &[NOT_DELEGATED, CGROUPFS, CGROUP_V1], CGROUP),
    row("[issue: opencontainers/runc#2339]", "open /sys/fs/cgroup/cgroup.subtree_control: permission denied", &[NOT_DELEGATED, CGROUPFS, CGROUP_V1], CGROUP),
    row("[issue: containers/crun#118]", "cannot configure rootless cgroup using the cgroupfs manager", &[CGROUPFS], CGROUP),
    // ---------------- crun hybrid
    row("[captured] crun 1.8.1, any `crun run` on the CI host (cgroup v1/v2 hybrid)", "cgroups in hybrid mode not supported, drop all controllers from cgroupv2", &[HYBRID], &["runtime.oci-runtime", "cgroup.delegation", "engine.podman"]),
    // ---------------- storage
    row("[issue: podman#2659]", "Error: kernel does not support overlay fs: overlay: the backing xfs filesystem is formatted without d_type support", &[BACKING_FS], BACKING),
    row("[issue: docker/for-linux#836]", "docker: Error response from daemon: error creating overlay mount to /home/u/.local/share/docker/overlay/abc-init/merged: operation not permitted.", &[OVERLAY_KERNEL], &["mount.overlay"]),
    row("[issue: podman#17230]", "Error: kernel does not support overlay fs: 'overlay' is not supported over btrfs at \"/home/u/.local/share/containers/storage/overlay\": backing file system is unsupported for this graph driver", &[BACKING_FS], &["storage.driver", "storage.graphroot"]),
    row("[doc: podman troubleshooting §24]", "fuse: device not found, try 'modprobe fuse' first\nfuse-overlayfs: cannot mount: No such device", &[NO_DEV_FUSE], &["mount.fuse-overlayfs"]),
    row("[issue: containerd/fuse-overlayfs-snapshotter#4]", "fuse-overlayfs not functional, make sure running with kernel >= 4.18: failed to mount fuse-overlayfs ({Type:fuse3.fuse-overlayfs Source:overlay}) on /x/merged: no such device", &[NO_DEV_FUSE], &["mount.fuse-overlayfs"]),
    row("[src: storage overlay.go]", "overlay: can't stat program \"/usr/bin/fuse-overlayfs\": stat /usr/bin/fuse-overlayfs: no such file or directory", &[NO_FUSE_OVERLAYFS], &["mount.fuse-overlayfs"]),
    row("[issue: containers/fuse-overlayfs PR#20]", "fuse: failed to exec fusermount3: No such file or directory", &[NO_FUSE_OVERLAYFS], &["mount.fuse-overlayfs"]),
    row("[src: storage overlay.go] [issue: podman#19132]", "WARN[0000] Network file system detected as backing store.  Enforcing overlay option `force_mask=\"700\"`.  Add it to storage.conf to silence this warning", &[NETWORK_FS], &["storage.graphroot"]),
    row("[issue: podman#1908]", "ERRO[0004] Error while applying layer: ApplyLayer exit status 1 stdout:  stderr: lchown /etc/gshadow: operation not permitted", &[NETWORK_FS], &["storage.graphroot"]),
    row("[issue: podman#5114]", "ERRO[0000] User-selected graph driver \"overlay\" overwritten by graph driver \"vfs\" from database - delete libpod local files to resolve", &[DRIVER_MISMATCH], DRIVER),
    row("[src: podman libpod/sqlite_state.go] [issue: podman#24738]", "Error: database graph driver \"\" does not match our graph driver \"overlay\": database configuration mismatch", &[DRIVER_MISMATCH], DRIVER),
    row("[issue: openshift/lightspeed-rag-content#788]", "Error: kernel does not support overlay fs: unable to create kernel-style whiteout: permission denied", &[WHITEOUT], &["storage.driver"]),
    // ---------------- storage: the field's wordings (issue "Network and storage")
    row("[issue: https://github.com/podman-container-tools/podman/issues/8521] graph root on nfs4", "ERRO[0000] [graphdriver] prior storage driver overlay failed: kernel does not support overlay fs: 'overlay' is not supported over nfs at \"/storage/sami/overlay\": backing file system is unsupported for this graph driver \nError: kernel does not support overlay fs: 'overlay' is not supported over nfs at \"/storage/sami/overlay\": backing file system is unsupported for this graph driver", &[NETWORK_FS], GRAPHROOT),
    row("[issue: https://github.com/podman-container-tools/podman/issues/5721] ext4 host without overlay", "ERRO[0000] [graphdriver] prior storage driver overlay failed: kernel does not support overlay fs: 'overlay' is not supported over extfs at \"/var/lib/containers/storage/overlay\": backing file system is unsupported for this graph driver", &[BACKING_FS], BACKING),
    row("[issue: https://github.com/podman-container-tools/buildah/issues/1831] nested, storage on the container's overlay", "ERRO[0000] 'overlay' is not supported over overlayfs    \n'overlay' is not supported over overlayfs: backing file system is unsupported for this graph driver", &[BACKING_FS], BACKING),
    row("[issue: https://github.com/noseka1/toolbox-container/issues/2] nested podman", "Error: 'overlay' is not supported over overlayfs, a mount_program is required: backing file system is unsupported for this graph driver", &[BACKING_FS], BACKING),
    row("[issue: https://github.com/podman-container-tools/buildah/issues/3666] as quoted there", "overlay is not supported over overlayfs, a mount program is required; backing file system is unsupported for this graph driver", &[BACKING_FS], BACKING),
    row("[issue: https://github.com/podman-container-tools/podman/issues/24605] fuse-overlayfs as mount_program, no /dev/fuse", "Error: mounting storage for container d177806b3b74: creating overlay mount to /root/.local/share/containers/overlay/29c1dabe5011/merged, mount_data=\"lowerdir=/root/.local/share/containers/overlay/l/2WWYIAOTHEQVOJNHPJREJU5LV7\": using mount program /usr/bin/fuse-overlayfs: unknown argument ignored: lazytime\nunknown argument ignored: xino=off\nfuse: device not found, try 'modprobe fuse' first\nfuse-overlayfs: cannot mount: no such file or directory\n: exit status 1", &[NO_DEV_FUSE], &["mount.fuse-overlayfs"]),
    row("[issue: https://github.com/podman-container-tools/podman/issues/2347] --storage-driver vfs on an overlay store", "Could not get runtime: database storage graph driver overlay does not match our storage graph driver vfs: database configuration mismatch", &[DRIVER_MISMATCH], DRIVER),
    row("[issue: https://github.com/podman-container-tools/podman/issues/8705] storage.conf says vfs, the store is overlay", "ERRO[0000] User-selected graph driver \"vfs\" overwritten by graph driver \"overlay\" from database - delete libpod local files to resolve \nError: kernel does not support overlay fs: 'overlay' is not supported over extfs at \"/var/home/rugk/.local/share/containers/storage/overlay\": backing file system is unsupported for this graph driver", &[BACKING_FS, DRIVER_MISMATCH], BACKING),
    row("[issue: https://github.com/podman-container-tools/buildah/issues/310] xfs ftype=0", "WARN[0000] overlay: the backing xfs filesystem is formatted without d_type support, which leads to incorrect behavior. Reformat the filesystem with ftype=1 to enable d_type support. Running without d_type is not supported.", &[BACKING_FS], BACKING),
    row("[issue: https://github.com/docker/for-linux/issues/419] docker info", "WARNING: overlay2: the backing xfs filesystem is formatted without d_type support, which leads to incorrect behavior.", &[BACKING_FS], BACKING),
    row("[captured] podman 4.3.1 (Debian 12) as the test user: a vfs store, then storage.conf driver = \"overlay\"", r#"time="2026-12-03T11:20:44Z" level=error msg="User-selected graph driver \"overlay\" overwritten by graph driver \"vfs\" from database - delete libpod local files to resolve.  May prevent use of images created by other tools""#, &[DRIVER_MISMATCH], DRIVER),
    row("[captured] the same store, `podman --storage-driver overlay info`", "Error: database storage graph driver \"vfs\" does not match our storage graph driver \"overlay\": database configuration mismatch", &[DRIVER_MISMATCH], DRIVER),
    row("[issue: https://github.com/podman-container-tools/podman/issues/19377]", "Error: writing blob: adding layer with blob \"sha256:4e2b\": processing tar file(write /usr/local/lib/python3.8/site-packages/azure/mgmt/web/v2018_02_01/models/__pycache__/_models_py3.cpython-38.pyc: no space left on device): exit status 1", &[NO_SPACE], GRAPHROOT),
    row("[issue: https://github.com/podman-container-tools/podman/issues/16192]", "Error: error committing container for step {Env:[PATH=/usr/local/sbin]}: error copying layers and metadata for container \"26babb7d177e\": writing blob: adding layer with blob \"sha256:d80cf574e859\": Error processing tar file(exit status 1): write /u01/jdk/jre/lib/amd64/libjfxwebkit.so: no space left on device", &[NO_SPACE], GRAPHROOT),
    row("[issue: https://github.com/containers/qm/issues/623]", "Error: 1 error occurred:\n\t* mkdir /var/lib/containers/storage/overlay/7d613c5cd23c/merged.1: no space left on device", &[NO_SPACE], GRAPHROOT),
    row("[issue: https://github.com/docker/docs/pull/13275] rootless Docker, data-root on NFS", "docker: failed to register layer: ApplyLayer exit status 1 stdout:  stderr: open /root/.bash_logout: permission denied.", &[NETWORK_FS], GRAPHROOT),
    row("[issue: https://github.com/podman-container-tools/podman/pull/2137] troubleshooting: home mounted noexec", r#"podman run centos:7
standard_init_linux.go:203: exec user process caused "permission denied""#, &[NOT_EXECUTABLE, NOEXEC], PROCESS),
    row("Not storage: too few subordinate ids, though printed while a layer is stored. [src: containers/storage pkg/idtools checkChownErr] [issue: https://github.com/containers/storage/pull/747]", "Error: writing blob: adding layer with blob \"sha256:caf8\": processing tar file(potentially insufficient UIDs or GIDs available in user namespace (requested 0:42 for /etc/shadow): Check /etc/subuid and /etc/subgid if configured locally and run \"podman system migrate\": lchown /etc/shadow: invalid argument): exit status 1", IDS_SMALL_ID, SUBID_CHECKS),
    row("Not a rootless cause: a container's mount still held (EBUSY), rootful or rootless alike. [issue: https://github.com/pterodactyl/panel/issues/3773]", "Error response from daemon: container 24773d7e124a: driver \"overlay2\" failed to remove root filesystem: unlinkat /var/lib/docker/overlay2/c334e333/merged: device or resource busy", &[], NONE),
    // ---------------- network
    row("[src: rootlesskit pkg/port/builtin/parent/parent.go]", "docker: Error response from daemon: driver failed programming external connectivity on endpoint web (abc): Error starting userland proxy: error while calling PortManager.AddPort(): cannot expose privileged port 80, you can add 'net.ipv4.ip_unprivileged_port_start=80' to /etc/sysctl.conf (currently 1024), or set CAP_NET_BIND_SERVICE on rootlesskit binary, or choose a larger port number (>= 1024): listen tcp4 0.0.0.0:80: bind: permission denied", &[LOW_PORT], PORTS),
    row("[doc: podman troubleshooting §48]", "Error: pasta failed with exit code 1:\nListen failed for HOST TCP port */80: Permission denied\nCouldn't listen on requested TCP ports", &[LOW_PORT, PASTA_APPARMOR], PORTS),
    row("[issue: mcdonc/klangk#2045]", "ping: socket: Operation not permitted", &[PING], PING_CHECKS),
    row("[issue: podman#1234]", "ERRO[0000] could not find slirp4netns, the network namespace won't be configured: exec: \"slirp4netns\": executable file not found in $PATH", &[NET_HELPER], HELPER),
    row("[issue: openwrt/packages#25818]", r#"Error: /usr/bin/slirp4netns failed: "WARNING: Support for seccomp is experimental\nopen(\"/dev/net/tun\"): No such file or directory\nchild failed(1)""#, &[TUN], TUN_CHECKS),
    row("[issue: podman#22937]", "Couldn't open network namespace /run/user/1001/netns/netns-abc: Permission denied", &[PASTA_APPARMOR], HELPER),
    row("[issue: https://github.com/gutmensch/docker-dmarc-report/issues/66] podman's rootlessport", "Error: rootlessport cannot expose privileged port 80, you can add 'net.ipv4.ip_unprivileged_port_start=80' to /etc/sysctl.conf (currently 1024), or choose a larger port number (>= 1024): listen tcp 0.0.0.0:80: bind: permission denied", &[LOW_PORT], PORTS),
    row("[captured] podman 4.3.1 with /dev/net/tun 0600 on the CI host (Debian 12), as in the issue", r#"Error: /usr/bin/slirp4netns failed: "open("/dev/net/tun"): Permission denied
WARNING: Support for seccomp is experimental
WARNING: Support for IPv6 is experimental
child failed(1)
""#, &[TUN], TUN_CHECKS),
    row("[issue: https://github.com/rootless-containers/slirp4netns/issues/249]", r#"Error: /home/tc/.nix-profile/bin/slirp4netns failed: "sent tapfd=7 for tap0
WARNING: Support for seccomp is experimental
received tapfd=7
cannot pivot_root to /tmp
create_sandbox failed
do_slirp is exiting
do_slirp failed
parent failed
""#, &[SLIRP_SANDBOX], HELPER),
    row("[issue: https://github.com/rootless-containers/slirp4netns/issues/161]", "slirp4netns failed: \"sent tapfd=7 for tap0\nWARNING: Support for sandboxing is experimental\nreceived tapfd=7\ncannot mount tmpfs on /tmp\ncreate_sandbox failed\ndo_slirp is exiting\"", &[SLIRP_SANDBOX], HELPER),
    row("[issue: https://github.com/podman-container-tools/podman/issues/26157]", "Error: pasta failed with exit code 1: netns dir open: Permission denied, exiting", &[PASTA_APPARMOR], HELPER),
    row("[issue: https://github.com/podman-container-tools/podman/issues/22937] the kernel's audit line", r#"audit: type=1400 audit(1717774894.345:18): apparmor="DENIED" operation="open" profile="passt" name="/run/user/1001/netns/netns-ee1afd7a" pid=929 comm="pasta" requested_mask="r" denied_mask="r" fsuid=1001 ouid=0"#, &[PASTA_APPARMOR], HELPER),
    row("[issue: linuxserver/docker-wps-office#8]", "failed to start daemon: Error initializing network controller: error obtaining controller instance: failed to register \"bridge\" driver: failed to create NAT chain DOCKER: iptables failed: iptables -t nat -N DOCKER: modprobe: FATAL: Module ip_tables not found in directory /lib/modules/6.1.0", &[IPTABLES], ENGINE_DOCKER),
    row("[captured] docker.io 20.10.24's dockerd-rootless.sh with iptables off the daemon's PATH", "failed to start daemon: Error initializing network controller: error obtaining controller instance: failed to create NAT chain DOCKER: Iptables not found", &[IPTABLES], ENGINE_DOCKER),
    // ---------------- exec-format-error
    row("[issue: balena-io-library/base-images#408]", r#"standard_init_linux.go:190: exec user process caused "exec format error""#, &[EXEC_FORMAT], PROCESS),
    row("[captured] runc 1.1.5, args[0] a file of garbage with an x bit", "exec /g: exec format error", &[EXEC_FORMAT], PROCESS),
    row("[issue: multiarch/qemu-user-static#199]", "WARNING: The requested image's platform (linux/amd64) does not match the detected host platform (linux/arm64/v8) and no specific platform was requested\nexec /register: exec format error", &[EXEC_FORMAT], PROCESS),
    row("[doc: podman troubleshooting §27]", "crun: exec container process '/bin/sh': Exec format error", &[EXEC_FORMAT], PROCESS),
    // ---------------- exec-enoent-interpreter-or-crlf
    row("[issue: getredash/redash#5331]", "standard_init_linux.go:219: exec user process caused: no such file or directory", &[INTERPRETER], PROCESS),
    row("[issue: testdrivenio/testdriven-app-2.4#15 (CRLF)]", r#"standard_init_linux.go:207: exec user process caused "no such file or directory""#, &[INTERPRETER], PROCESS),
    row("[captured] runc 1.1.5, #!/bin/bash script on busybox", "exec /s.sh: no such file or directory", &[INTERPRETER], PROCESS),
    row("[issue: dreamfactorysoftware/df-docker#110]", "exec /docker-entrypoint.sh: no such file or directory", &[INTERPRETER], PROCESS),
    row("[src: crun container.c]", "crun: exec container process (missing dynamic library?) `/app/server`: No such file or directory", &[INTERPRETER], PROCESS),
    // ---------------- exec-not-found-in-path
    row("[captured] runc 1.1.5, args [\"nonexistent\"]", "time=\"2026-11-29T03:28:54Z\" level=error msg=\"runc run failed: unable to start container process: exec: \\\"nonexistent\\\": executable file not found in $PATH\"", &[NOT_IN_PATH], PROCESS),
    row("[captured] runc 1.1.5, args [\"/nonexistent\"]", "time=\"2026-11-29T03:28:54Z\" level=error msg=\"runc run failed: unable to start container process: exec: \\\"/nonexistent\\\": stat /nonexistent: no such file or directory\"", &[NOT_IN_PATH], PROCESS),
    row("[issue: containers/crun#1688]", "Error: crun: executable file `nonexistent` not found in $PATH: No such file or directory: OCI runtime attempted to invoke a command that was not found", &[NOT_IN_PATH], PROCESS),
    row("[issue: opencontainers/runc#1490]", r#"container_linux.go:259: starting container process caused "exec: \"sleep\": executable file not found in $PATH""#, &[NOT_IN_PATH], PROCESS),
    row("[issue: moby/moby#31702]", r#"container_linux.go:247: starting container process caused "exec: \"/etc/service/emby/run/emby.sh\": stat /etc/service/emby/run/emby.sh: not a directory""#, &[NOT_IN_PATH], PROCESS),
    row("[src: youki]", "PATH environment variable is not set", &[NOT_IN_PATH], PROCESS),
    // ---------------- exec-permission-denied / storage-noexec
    row("[captured] runc 1.1.5, args[0] mode 0644", "time=\"2026-11-29T03:28:55Z\" level=error msg=\"runc run failed: unable to start container process: exec: \\\"/nx\\\": permission denied\"", &[NOT_EXECUTABLE, NOEXEC], PROCESS),
    row("[issue: emk/rust-musl-builder#20]", r#"standard_init_linux.go:178: exec user process caused "permission denied""#, &[NOT_EXECUTABLE, NOEXEC], PROCESS),
    row("[src: crun 1.21+]", "crun: the path `/app` exists but it is not executable", &[NOT_EXECUTABLE], PROCESS),
    row("[src: runc 1.1.5+ built with Go < 1.20]", "runc run failed: unable to start container process: eaccess /app: permission denied", &[NOT_EXECUTABLE, NOEXEC], PROCESS),
    // ---------------- runc-binary-not-readable
    row("[issue: opencontainers/runc#4449]", "runc run failed: unable to create new parent process: unable to create safe /proc/self/exe clone for runc init: opening current binary: open /proc/self/exe: permission denied", &[RUNC_UNREADABLE], &["runtime.oci-runtime"]),
    row("[issue: runc PR#2018]", "nsenter: could not ensure we are a cloned binary: Permission denied\ncontainer_linux.go:345: starting container process caused \"process_linux.go:293: copying bootstrap data to pipe caused \\\"write init-p: broken pipe\\\"\"", &[RUNC_UNREADABLE], &["runtime.oci-runtime"]),
    // ---------------- nested-proc-masked
    row("[issue: podman#20453]", "Error: crun: mount `proc` to `proc`: Operation not permitted: OCI permission denied", &[SANDBOX, PROC_MASKED], CREATE),
    row("[issue: opencontainers/runc#3602]", r#"container_linux.go:380: starting container process caused: process_linux.go:545: container init caused: rootfs_linux.go:76: mounting "proc" to rootfs at "/proc" caused: mount through procfd: operation not permitted"#, &[SANDBOX, PROC_MASKED], CREATE),
    row("[src: bubblewrap.c] [issue: flatpak/flatpak#538]", "bwrap: Can't mount proc on /newroot/proc: Operation not permitted", &[SANDBOX, PROC_MASKED], CREATE),
    row("[issue: opencontainers/runc#4542]", "error mounting \"proc\" to rootfs at \"/proc\": mount src=proc, dst=/proc, dstFd=/proc/thread-self/fd/8, flags=0xe: operation not permitted", &[SANDBOX, PROC_MASKED], CREATE),
    // ---------------- sysfs-mount-denied
    row("[issue: opencontainers/runc#3970]", r#"Error: runc: container_linux.go:380: starting container process caused: process_linux.go:545: container init caused: rootfs_linux.go:75: mounting "sysfs" to rootfs at "/sys" caused: mount through procfd: operation not permitted: OCI permission denied"#, &[SYSFS], &["bundle.mounts"]),
    row("[issue: moby#42166]", "WARN[0000] failed to mount sysfs, falling back to read-only mount: operation not permitted", &[SYSFS], &["bundle.mounts"]),
    // ---------------- bwrap-unexpected-capabilities / selinux-relabel-denied / rootless-privileged-device-limits
    row("[src: bubblewrap.c] [issue: NixOS/nixpkgs#312195]", "bwrap: Unexpected capabilities but not setuid, old file caps config?", &[BWRAP_CAPS], &["runtime.bwrap"]),
    row("[doc: podman troubleshooting §45]", "Error: lsetxattr(label=system_u:object_r:container_file_t:s0) /var/test: operation not permitted", &[SELINUX], NONE),
    row("[issue: podman#12492]", "Error: lsetxattr /mnt/mynfs/: operation not supported", &[NETWORK_FS, SELINUX], &["storage.graphroot"]),
    row("[issue: podman#4371]", r#"Error: container_linux.go:346: starting container process caused "process_linux.go:449: container init caused \"open /dev/console: permission denied\"": OCI runtime permission denied error"#, &[DEVICES], NONE),
    // ---------------- runc-procfs-hardening-regression
    row("[issue: opencontainers/runc#4963]", "runc create failed: unable to start container process: error during container init: error closing exec fds: get handle to /proc/thread-self/fd: unsafe procfs detected: openat2 fsmount:fscontext:proc/thread-self/fd/: operation not permitted", &[PROCFS_HARDENING], &["runtime.oci-runtime"]),
    row("[issue: opencontainers/runc#4968]", "runc create failed: unable to start container process: error during container init: open sysctl net.ipv4.ip_unprivileged_port_start file: reopen fd 8: permission denied: unknown", &[PROCFS_HARDENING], &["runtime.oci-runtime"]),
    row("[issue: opencontainers/runc#4984]", "docker: Error response from daemon: failed to create task for container: failed to create shim task: OCI runtime create failed: runc create failed: unable to start container process: error during container init: unable to setup user: unsafe procfs detected: openat2 fsmount:fscontext:proc/self/setgroups: operation not permitted: unknown", &[PROCFS_HARDENING], &["runtime.oci-runtime"]),
    row("[issue: telnetdoogie/synology-docker#51] [src: runc libcontainer/init_linux.go]", "runc create failed: unable to start container process: error during container init: unable to setup user: unsafe procfs detected: openat2 fsmount:fscontext:proc/self/setgroups: no such file or directory: unknown", &[PROCFS_HARDENING], &["runtime.oci-runtime"]),
    row("[issue: moby/moby#52972]", "error during container init: can't mask dir \"/proc/acpi\": mount src=tmpfs, dst=/proc/acpi, flags=MS_RDONLY, data=nr_blocks=1,nr_inodes=1: invalid argument", &[PROCFS_HARDENING], &["runtime.oci-runtime"]),
    // ---------------- engine setup
    row("[issue: apptainer/apptainer#783]", "fakeroot: error while starting the `faked' daemon.", &[APPTAINER], &["subid.subuid", "userns.create"]),
    row("[issue: lxc/lxc PR#265]", "Running with euid of 40000 but not CLONE_NEWUSER, check your config files.", &[LXC], &["subid.subuid", "subid.subgid", "idmap.newuidmap"]),
    row("[src: moby setuptool]", "[ERROR] Refusing to install rootless Docker as the root user", &[SETUPTOOL], ENGINE_DOCKER),
    row("[src: nerdctl pkg/rootlessutil/parent_linux.go]", "FATA[0000] rootless containerd not running? (hint: use `containerd-rootless-setuptool.sh install` to start rootless containerd): stat /run/user/1000/containerd-rootless: no such file or directory", &[NERDCTL], &["engine.nerdctl"]),
    row("[src: nerdctl pkg/rootlessutil/parent_linux.go] RootlessKitChildPid's os.Stat", "FATA[0000] stat /run/user/1000/containerd-rootless/child_pid: no such file or directory", &[NERDCTL], &["engine.nerdctl"]),
    // ---------------- more util-linux, youki, crun wordings
    row("[src: util-linux 2.38.1 unshare (strings of /usr/bin/unshare)] write failed %s on the gid map", "unshare: write failed /proc/self/gid_map: Operation not permitted", UID_MAP_EPERM, APPARMOR_CHECKS),
    row("[src: util-linux 2.38.1 unshare] setgroups", "unshare: write failed /proc/self/setgroups: Permission denied", UID_MAP_EPERM, APPARMOR_CHECKS),
    row("[src: util-linux unshare] ENOSPC when the namespace limit is used up", "unshare: unshare failed: No space left on device", ENOSPC_USERNS, MAX_CHECKS),
    row("[src: util-linux unshare] AppArmor `open` denial of the map file", "unshare: cannot open /proc/self/uid_map: Permission denied", UID_MAP_EPERM, APPARMOR_CHECKS),
    row("[src: youki]", "executable 'foo' not found in $PATH", &[NOT_IN_PATH], PROCESS),
    row("[src: youki]", "executable 'app' at path '\"/app\"' does not have correct permissions", &[NOT_EXECUTABLE], PROCESS),
    row("[src: crun 1.21+]", "crun: executable file `/app` not found: No such file or directory", &[NOT_IN_PATH], PROCESS),
    row("[src: youki]", "unprivileged user can't set supplementary groups", &[ADD_GIDS], &["bundle.user"]),
    row("[src: youki]", "mount options require mapping valid uid inside the container with new user namespace", &[MOUNT_OPT], &["bundle.mounts"]),
    row("[src: runc cgroup v2]", "rootless needs no limits + no cgrouppath when no permission is granted for cgroups: mkdir /sys/fs/cgroup/foo: permission denied", &[NOT_DELEGATED, CGROUPFS, CGROUP_V1], CGROUP),
    row("[src: runc systemd driver]", "cannot use rootless systemd cgroups manager on cgroup v1", &[CGROUP_V1], CGROUP),
    // ---------------- the field's wordings (issue 14): su/sudo sessions, tmpdir, boot id, rlimits
    row("[issue: podman-container-tools/podman#5094] mkdir /run/user/1001 refused; podman 4+ drops \"error \"", "Error: creating tmpdir: mkdir /run/user/1000: permission denied", &[XDG_INVALID], XDG),
    row("[issue: freedomofpress/dangerzone#792] podman run through sudo -u", "Error: error creating tmpdir: mkdir /run/user/1001: permission denied", &[XDG_INVALID], XDG),
    row("[issue: microsoft/vscode-remote-release#8268]", "Error: creating events dirs: mkdir /run/user/1000/libpod: permission denied", &[XDG_INVALID], XDG),
    row("[issue: podman-container-tools/podman#8052] su user: XDG_RUNTIME_DIR still /run/user/0", "ERRO[0000] cannot mkdir /run/user/0/libpod: mkdir /run/user/0/libpod: permission denied", &[XDG_INVALID], XDG),
    row("[issue: podman-container-tools/podman#10547] sudo -u: no /run/user/<uid>", "$ sudo -u builder podman images\nWARN[0000] \"/run/user/1001\" directory set by $XDG_RUNTIME_DIR does not exist. Either create the directory or unset $XDG_RUNTIME_DIR.: stat /run/user/1001: no such file or directory: Trying to pull image in the event that it is a public image.", &[XDG_INVALID], XDG),
    row("[src: systemd src/shared/bus-util.c] systemctl --user after su or sudo", "Failed to connect to bus: $DBUS_SESSION_BUS_ADDRESS and $XDG_RUNTIME_DIR not defined (consider using --machine=<user>@.host --user to connect to bus of other user)", &[XDG_INVALID], XDG),
    row("[issue: podman-container-tools/podman#10717] sudo -u on Fedora 34: the warnings are context, newuidmap failed", "WARN[0000] The cgroupv2 manager is set to systemd but there is no systemd user session available\nWARN[0000] For using systemd, you may need to login using an user session\nWARN[0000] Alternatively, you can enable lingering with: `loginctl enable-linger 1000` (possibly as root)\nWARN[0000] Falling back to --cgroup-manager=cgroupfs\nError: cannot setup namespace using newuidmap: exit status 1", &[UIDMAP_UNPRIV, RANGE_INVALID, SANDBOX, APPARMOR, NO_SYSTEMD], IDMAP_PRIV_CHECKS),
    row("[issue: podman-container-tools/podman PR#22278] podman 5's unhandled-reboot check", "Error: current system boot ID differs from cached boot ID; an unhandled reboot has occurred. Please delete directories \"/tmp/storage-run-1000/containers\" and \"/tmp/storage-run-1000/libpod/tmp\" and re-run Podman", &[STALE_BOOT], &["state.pause-process", "runtime.xdg-runtime-dir"]),
    row("[issue: podman-container-tools/podman#6668] rootless pod under systemd", r#"Error: unable to start container "redis": container_linux.go:344: starting container process caused "process_linux.go:424: container init caused \"process_linux.go:353: setting rlimits for ready process caused \\\"error setting rlimit type 7: operation not permitted\\\"\"": OCI runtime permission denied error"#, &[RLIMIT], RLIMIT_CHECKS),
    row("[issue: podman-container-tools/podman#17358] RHEL 8.7, cgroup v1", r#"level=error msg="runc create failed: unable to start container process: error during container init: error setting rlimits for ready process: error setting rlimit type 7: operation not permitted": OCI permission denied"#, &[RLIMIT], RLIMIT_CHECKS),
    row("[issue: kubernetes/minikube#21547] rootless docker driver", "docker: Error response from daemon: failed to create task for container: failed to create shim task: OCI runtime create failed: runc create failed: unable to start container process: error during container init: error setting rlimit type 7: operation not permitted: unknown.", &[RLIMIT], RLIMIT_CHECKS),
    row("[issue: podman-container-tools/podman#7510] toolbox after a system upgrade", "Error: unable to start container \"fedora-toolbox-32\": error setting rlimit type 6: operation not permitted: OCI runtime permission denied error", &[RLIMIT], RLIMIT_CHECKS),
    row("[src: crun 1.8.1 src/libcrun/linux.c setrlimit]", "Error: crun: setrlimit `RLIMIT_NOFILE`: Operation not permitted: OCI permission denied", &[RLIMIT], RLIMIT_CHECKS),
    // ---------------- numbers, paths and settings decide (issue 14)
    row("[issue: moby/moby#42546] the own uid 1000000 inside 100000+15665550", "[rootlesskit:parent] error: failed to setup UID/GID map: newuidmap 10225 [0 1000000 1 1 100000 15665550] failed: newuidmap: write to uid_map failed: Operation not permitted\n: exit status 1", &[RANGE_INVALID, UIDMAP_UNPRIV, SANDBOX, APPARMOR, LXC], RANGE_CHECKS),
    row("[issue: moby/buildkit#3297] rootless buildkit on an LXD-based host", "[rootlesskit:parent] error: failed to setup UID/GID map: newuidmap 11 [0 1000 1 1 100000 65536] failed: newuidmap: write to uid_map failed: Operation not permitted\n: exit status 1\nMaybe you are already inside a user namespace, such as LXD, or LXD-based cloud service?", &[SANDBOX, UIDMAP_UNPRIV, LXC, APPARMOR, RANGE_INVALID], CREATE),
    row("[issue: podman-container-tools/podman#23596] spack-built shadow without setuid", "ERRO[0000] running `/home/u/spack/opt/shadow-4.15.1/bin/newuidmap 1019899 0 1000 1 1 100000 65536`: newuidmap: write to uid_map failed: Operation not permitted\nError: cannot set up namespace using \"/home/u/spack/opt/shadow-4.15.1/bin/newuidmap\": should have setuid or have filecaps setuid: exit status 1", &[UIDMAP_UNPRIV], IDMAP_PRIV_CHECKS),
    row("[issue: podman-container-tools/podman#7106] newuidmap without file capabilities", "$ newuidmap $! 0 100000 65536\nnewuidmap: write to uid_map failed: Operation not permitted", NEWUIDMAP_EPERM, IDMAP_PRIV_CHECKS),
    row("[issue: podman-desktop/podman-desktop#3444] an LDAP uid 4204350 far past any range", "{\"cause\":\"invalid argument\",\"message\":\"potentially insufficient UIDs or GIDs available in user namespace (requested 4204350:4204350 for /var/tmp/libpod_builder108973413/build/Containerfile): Check /etc/subuid and /etc/subgid if configured locally and run \\\"podman system migrate\\\": lchown /var/tmp/libpod_builder108973413/build/Containerfile: invalid argument\",\"response\":500}", IDS_LARGE_ID, SUBID_CHECKS),
    row("[issue: sickcodes/dock-droid#18] /etc/subuid empty", "Error: writing blob: adding layer with blob \"sha256:737951ef1355\": Error processing tar file(exit status 1): potentially insufficient UIDs or GIDs available in user namespace (requested 1000:1000 for /home/arch): Check /etc/subuid and /etc/subgid: lchown /home/arch: invalid argument", IDS_SMALL_ID, SUBID_CHECKS),
    row("[issue: systemd/systemd#33581] AlmaLinux 8: cgroup v1", "Error: mkdir /sys/fs/cgroup/devices/user.slice/runtime: permission denied", &[CGROUP_V1, CGROUPFS, NOT_DELEGATED], CGROUP),
    row("[issue: podman-container-tools/podman#19940] cgroup v1 host", "Error: OCI runtime error: runc: runc create failed: unable to start container process: unable to apply cgroup configuration: mkdir /sys/fs/cgroup/pids/user.slice/user-1000.slice/libpod-abc: permission denied", &[CGROUP_V1, CGROUPFS, NOT_DELEGATED], CGROUP),
    row("[issue: podman-container-tools/podman#11563] cgroup v2 without delegation", "Error: mkdir /sys/fs/cgroup/user.slice/user-1000.slice/session-2.scope/libpod-abc: permission denied: OCI permission denied", &[NOT_DELEGATED, CGROUPFS, CGROUP_V1], CGROUP),
    row("[issue: mgoltzsche/podman-static#70] podman in a Kubernetes-hosted runner", "cannot clone: Operation not permitted\nError: cannot re-exec process", EPERM_CLONE, CREATE),
    row("[issue: podman-container-tools/podman#22606] podman info inside a docker build", "Step 5/12 : RUN podman info\ncannot clone: Operation not permitted\nError: cannot re-exec process", EPERM_CLONE, CREATE),
    row("[issue: containerd/nerdctl#3063] Ubuntu 24.04", "[INFO] Checking RootlessKit functionality\n[rootlesskit:parent] error: failed to start the child: fork/exec /proc/self/exe: operation not permitted\n[ERROR] RootlessKit failed, see the error messages and https://rootlesscontaine.rs/getting-started/common/ .", EPERM_FORK_EXEC, APPARMOR_CHECKS),
    row("[issue: k3s-io/k3s#1234] k3s --rootless inside docker", "docker run --rm rancher/k3s:v1.0.0 server --rootless -t testtoken\ntime=\"2019-12-21T11:23:44.213414927Z\" level=fatal msg=\"failed to start the child: fork/exec /proc/self/exe: operation not permitted\"\n(inside a container: needs --privileged)", &[SANDBOX, APPARMOR, CLONE_OFF, CHROOT], CREATE),
    row("[issue: rootless-containers/rootlesskit#172] buildkit in a Debian 9 container", "jenkins@407b28127b28:/tmp$ ./rootlesskit bin/buildkitd\n[rootlesskit:parent] error: failed to start the child: fork/exec /proc/self/exe: operation not permitted\nrunning inside docker on Debian 9 (stretch)", &[SANDBOX, CLONE_OFF, APPARMOR, CHROOT], CREATE),
    row("[issue: podman-container-tools/skopeo#2559] Ubuntu 24, 6.8 kernel", "Error during unshare(CLONE_NEWUSER): Operation not permitted\nLinux hanwen-flow 6.8.0-55-generic #57-Ubuntu SMP PREEMPT_DYNAMIC x86_64 GNU/Linux (Ubuntu 24.04)", &[APPARMOR, SANDBOX, CLONE_OFF, CHROOT], APPARMOR_CHECKS),
    row("[issue: lxc/lxc#2461] unprivileged lxc-create", "lxc-create: test: conf.c: lxc_map_ids: 2863 newuidmap failed to write mapping \"newuidmap: write to uid_map failed: Operation not permitted\": newuidmap 19145 0 10000 1 1001 1001 1\nerror mapping child", &[UIDMAP_UNPRIV, LXC, SANDBOX, APPARMOR, RANGE_INVALID], IDMAP_PRIV_CHECKS),
    // ---------------- rlimit-nofile-too-low
    row("[issue: podman#7082]", "Error: container_linux.go:367: starting container process caused: process_linux.go:459: container init caused: process_linux.go:382: setting rlimits for ready process caused: error setting rlimit type 7: operation not permitted: OCI runtime permission denied error", &[RLIMIT], RLIMIT_CHECKS),
    row("[issue: containers/toolbox#557]", "Error: unable to start container \"a72044990a2e86f778be8c1051e0e58475247bcc428d44d0f1d6acfbf4ffd2c0\": setrlimit `RLIMIT_NPROC`: Operation not permitted: OCI runtime permission denied error", &[RLIMIT], RLIMIT_CHECKS),
    row("[issue: podman#6857] (soft above hard: EINVAL)", "Error: setrlimit `RLIMIT_NOFILE`: Invalid argument: OCI runtime error", &[RLIMIT], RLIMIT_CHECKS),
    row("[issue: podman#17860]", "Error: OCI runtime error: crun: openat2 `proc/sys`: Too many open files", &[RLIMIT], RLIMIT_CHECKS),
    row("[issue: vespa-engine/vespa#26110]", "common-env.sh : line 237: ulimit open files: cannot modify limit: Operation not permitted", &[RLIMIT], RLIMIT_CHECKS),
    // ---------------- follow-ups only
    row("[src: moby setuptool]", "[ERROR] RootlessKit failed, see the error messages and https://rootlesscontaine.rs/getting-started/common/ . Set --force to ignore.", &[CLONE_OFF, MAX_ZERO, APPARMOR, SANDBOX, NO_UIDMAP, NO_SUBUID], SYSCTL_CHECKS),
    row("[issue: podman#10802]", "Error: cannot re-exec process", &[CLONE_OFF, MAX_ZERO, APPARMOR, SANDBOX], SYSCTL_CHECKS),
];

/// Whether the row's expected first cause comes first (for a row that no
/// cause may claim: whether nothing matched).
fn first_is_right(row: &Row, got: &[&str]) -> bool {
    row.causes.first() == got.first()
}

/// Runs the table: the share of rows whose first cause is right, and every
/// difference from the expected order or the top cause's checks.
fn run_table(rows: &[Row]) -> (usize, Vec<String>) {
    let mut right = 0;
    let mut failures = Vec::new();
    for (i, r) in rows.iter().enumerate() {
        let e = explain(r.text);
        let got: Vec<&str> = e.matches.iter().map(|m| m.cause.id).collect();
        if first_is_right(r, &got) {
            right += 1;
        }
        if got != r.causes {
            failures.push(format!(
                "row {i} {}: {:?}\n  expected {:?}\n  got      {:?}",
                r.source, r.text, r.causes, got
            ));
            continue;
        }
        // A row with no causes is a wording no cause may claim.
        let Some(top) = e.matches.first() else {
            continue;
        };
        let checks = top.cause.check_ids();
        if checks != r.checks {
            failures.push(format!(
                "row {i} {}: {:?}\n  expected checks {:?}\n  got             {:?}",
                r.source, r.text, r.checks, checks
            ));
        }
    }
    (right, failures)
}

#[test]
// The share is the table's report, shown with --nocapture.
#[allow(clippy::print_stdout)]
fn real_messages_map_to_their_causes() {
    let (right, failures) = run_table(ROWS);
    let share = format!(
        "{right} of {} rows rank the expected first cause first ({:.1}%)",
        ROWS.len(),
        100.0 * right as f64 / ROWS.len() as f64
    );
    println!("{share}");
    assert!(
        failures.is_empty(),
        "{share}; {} of {} rows differ:\n{}",
        failures.len(),
        ROWS.len(),
        failures.join("\n")
    );
}

#[test]
fn every_row_cites_its_source() {
    const KINDS: &[&str] = &["[issue: ", "[src: ", "[doc: ", "[captured]", "[notes: "];
    for r in ROWS {
        assert!(
            KINDS.iter().any(|k| r.source.contains(k)),
            "no source for {:?}: {:?}",
            r.text,
            r.source
        );
    }
}

#[test]
fn the_table_is_large() {
    assert!(ROWS.len() >= 200, "{} rows", ROWS.len());
}
