//! Field messages: errors users pasted into public issue trackers, each with
//! its source and the cause the thread settled (a maintainer's diagnosis or
//! the reporter's confirmed fix), and the checks that confirm that cause on a
//! host. Unlike `messages.rs`, which pins the whole ranked candidate list,
//! this table measures one thing: how often `explain` ranks the settled cause
//! first from the text alone (no probes). The floor in
//! [`field_messages_rank_the_settled_cause_first`] is the honest share at the
//! time it was set; raise it when the ranking improves, never lower it to
//! hide a regression. Run with `--nocapture` to see the share and each miss.
//!
//! Sources are `owner/repo#N` (issue or pull request; the podman and buildah
//! repositories appear under the `podman-container-tools` owner in the
//! archive they were read from, issue numbers unchanged) or a URL.
//! Messages are copied as pasted, with unrelated log noise trimmed.

use super::super::{explain, CAUSES};
use crate::registry::{BUNDLE_CHECKS, HOST_CHECKS};

struct Field {
    source: &'static str,
    text: &'static str,
    cause: &'static str,
    checks: &'static [&'static str],
}

const fn field(
    source: &'static str,
    text: &'static str,
    cause: &'static str,
    checks: &'static [&'static str],
) -> Field {
    Field {
        source,
        text,
        cause,
        checks,
    }
}

/// Check ids being added on other branches at the time this table was
/// written (session, state, limits and engine families); accepted as known
/// so rows can name the check that will confirm their cause.
const PENDING_CHECKS: &[&str] = &[
    "session.user-manager",
    "session.linger",
    "state.pause-process",
    "limits.nofile",
    "engine.podman",
    "engine.docker",
];

const CLONE_OFF: &str = "userns-clone-sysctl-disabled";
const APPARMOR: &str = "ubuntu-apparmor-userns-restriction";
const SANDBOX: &str = "userns-blocked-in-container-sandbox";
const NO_UIDMAP: &str = "newuidmap-missing";
const UIDMAP_UNPRIV: &str = "newuidmap-unprivileged";
const NO_SUBUID: &str = "subuid-no-entry";
const SUBUID_SMALL: &str = "subuid-range-insufficient";
const RANGE_INVALID: &str = "subuid-range-invalid";
const TARGET_OWNER: &str = "newuidmap-target-owner-mismatch";
const STALE_PAUSE: &str = "subuid-stale-pause-process";
const XDG_INVALID: &str = "xdg-runtime-dir-invalid";
const NO_SYSTEMD: &str = "no-user-systemd-or-dbus";
const RLIMIT: &str = "rlimit-nofile-too-low";
const STALE_BOOT: &str = "podman-run-dir-survived-reboot";
const RLIMIT_CHECKS: &[&str] = &["limits.nofile", "bundle.process-settings"];
const CGROUP_V1: &str = "cgroup-v1-rootless-no-limits";
const OVERLAY_KERNEL: &str = "overlay-rootless-kernel-unsupported";
const BACKING_FS: &str = "overlay-backing-fs-unsupported";
const NO_DEV_FUSE: &str = "fuse-device-unavailable";
const NO_FUSE_OVERLAYFS: &str = "fuse-overlayfs-or-fusermount-missing";
const NETWORK_FS: &str = "storage-on-network-fs";
const DRIVER_MISMATCH: &str = "storage-driver-config-mismatch";
const NO_SPACE: &str = "storage-no-space";
const LOW_PORT: &str = "privileged-port-bind-denied";
const PING: &str = "ping-group-range";
const NET_HELPER: &str = "rootless-net-helper-missing";
const PASTA_APPARMOR: &str = "pasta-apparmor-denied";
const TUN: &str = "tun-device-missing";
const CLIENT_ENDPOINT: &str = "rootless-client-endpoint";
const IPTABLES: &str = "docker-rootless-iptables";
const SLIRP_SANDBOX: &str = "slirp4netns-sandbox-denied";
const NOT_DELEGATED: &str = "cgroup-controller-not-delegated";
const ROOTLESS_CONFIG: &str = "runc-rootless-config";
const SETUPTOOL: &str = "docker-rootless-setuptool";
const EXEC_FORMAT: &str = "exec-format-error";
const NOT_EXECUTABLE: &str = "exec-permission-denied";
const NOT_IN_PATH: &str = "exec-not-found-in-path";
const INTERPRETER: &str = "exec-enoent-interpreter-or-crlf";

const SYSCTL_CHECKS: &[&str] = &["userns.clone-sysctl", "userns.create"];
const APPARMOR_CHECKS: &[&str] = &["userns.apparmor", "userns.create"];
const MULTI_MAP: &[&str] = &["idmap.multi-map"];
const CREATE: &[&str] = &["userns.create"];
const IDMAP: &[&str] = &["idmap.newuidmap", "idmap.newgidmap"];
const IDMAP_PRIV: &[&str] = &["idmap.newuidmap", "idmap.newgidmap", "idmap.multi-map"];
const SUBID: &[&str] = &["subid.subuid", "subid.subgid"];
const PAUSE: &[&str] = &["state.pause-process"];
const XDG: &[&str] = &["runtime.xdg-runtime-dir"];
const XDG_SESSION: &[&str] = &["runtime.xdg-runtime-dir", "session.user-manager"];
const USER_MANAGER: &[&str] = &["session.user-manager", "cgroup.delegation"];
const CGROUP: &[&str] = &["cgroup.delegation"];
const OVERLAY: &[&str] = &["mount.overlay"];
const BACKING: &[&str] = &["storage.driver", "storage.graphroot"];
const FUSE: &[&str] = &["mount.fuse-overlayfs"];
const DRIVER: &[&str] = &["storage.driver"];
const GRAPHROOT: &[&str] = &["storage.graphroot"];
const PORTS: &[&str] = &["network.ports"];
const PING_CHECKS: &[&str] = &["network.ping"];
const MAPPING_CHECKS: &[&str] = &["bundle.uid-mappings", "bundle.gid-mappings"];
const HELPER: &[&str] = &["network.helper"];
const TUN_CHECKS: &[&str] = &["network.tun"];
const PROCESS: &[&str] = &["bundle.process"];
const NONE: &[&str] = &[];

static FIELD: &[Field] = &[
    // ---------------- userns-clone-sysctl-disabled
    // Debian 10 defaults kernel.unprivileged_userns_clone to 0; setting it to 1 fixed it (reporter)
    field("apptainer/singularity#4361", "$ singularity build --fakeroot ...\nERROR  : Failed to create container namespaces", CLONE_OFF, SYSCTL_CHECKS),
    // ---------------- ubuntu-apparmor-userns-restriction
    // Void's AppArmor update forced the flatpak profile into enforce mode; disabling it fixed bwrap (maintainer)
    field("void-linux/void-packages#52655", "$ flatpak run md.obsidian.Obsidian \nbwrap: setting up uid map: Permission denied\nerror: ldconfig failed, exit status 256", APPARMOR, APPARMOR_CHECKS),
    // Ubuntu 24.04's AppArmor restriction; the rootlesskit profile fixed it (maintainer)
    field("containerd/nerdctl#3063", "[INFO] Checking RootlessKit functionality\n[rootlesskit:parent] error: failed to start the child: fork/exec /proc/self/exe: operation not permitted\n[ERROR] RootlessKit failed, see the error messages and https://rootlesscontaine.rs/getting-started/common/ .", APPARMOR, APPARMOR_CHECKS),
    // Ubuntu 24.04's userns restriction leaves bwrap without capabilities in its namespace; an AppArmor profile fixed it (reporter)
    field("genodelabs/goa#133", "bwrap: loopback: Failed RTM_NEWADDR: Operation not permitted\nchild process exited abnormally", APPARMOR, APPARMOR_CHECKS),
    // Ubuntu 24.04: kernel.apparmor_restrict_unprivileged_userns=0 fixed it (reporter)
    field("TNG/oh-my-agentic-coder#2", "omac sandbox: bwrap is installed but not functional (user namespaces disabled?): exit status 1 — bwrap: setting up uid map: Permission denied", APPARMOR, APPARMOR_CHECKS),
    // ubuntu-24.04 runners restrict unprivileged user namespaces through AppArmor (runner-images#11489)
    field("actions/runner-images#10443", "skopeo copy containers-storage:ghcr.io/raboo/redir:build-amd64 oci-archive:/tmp/amd64-oci.tar\nError during unshare(...): Operation not permitted", APPARMOR, APPARMOR_CHECKS),
    // the shim names the sysctl itself
    field("docker/sbx-releases#15", "ERROR: failed to create sandbox: create sandbox: create sandbox: run sandbox: start container: container start: Error response from daemon: creating containerd task for container e89252cd1ec4: failed to start shim: start failed: failed to create TTRPC connection: unsupported protocol: time=\"2026-04-04T20:56:15+01:00\" level=warning msg=\"apparmor_restrict_unprivileged_userns=1 prevents user namespace creation; shim will run without mount namespace isolation\" runtime=io.containerd.nerdbox.v1", APPARMOR, APPARMOR_CHECKS),
    // ---------------- userns-blocked-in-container-sandbox
    // podman in an unprivileged Kubernetes pod
    field("podman-container-tools/podman#15785", "cannot clone: Operation not permitted\nError: cannot re-exec process", SANDBOX, CREATE),
    // the Actions job container was unprivileged; running it --privileged fixed the release build
    field("pixie-io/pixie#2011", "time=\"2024-09-05T22:47:26Z\" level=warning msg=\"\\\"/\\\" is not a shared mount, this could cause issues or missing mounts with rootless containers\"\ncannot clone: Operation not permitted\nError: cannot re-exec process", SANDBOX, CREATE),
    // the GitLab docker executor was not privileged (maintainer)
    field("moby/buildkit#3292", "could not connect to unix:///run/user/1000/buildkit/buildkitd.sock after 10 trials\n[rootlesskit:parent] error: failed to start the child: fork/exec /proc/self/exe: operation not permitted", SANDBOX, CREATE),
    // ---------------- newuidmap-missing
    // the Ubuntu package lacked the uidmap dependency; installing uidmap fixed it
    field("podman-container-tools/podman#2211", "$ podman images\n\nERRO[0000] cannot find newuidmap: exec: \"newuidmap\": executable file not found in $PATH", NO_UIDMAP, IDMAP),
    // same for buildah: newgidmap comes with uidmap
    field("podman-container-tools/buildah#3251", "$ buildah images\nError: error running newgidmap: exec: \"newgidmap\": executable file not found in $PATH:\nERRO[0000] error running newgidmap: : exec: \"newgidmap\": executable file not found in $PATH", NO_UIDMAP, IDMAP),
    // without uidmap podman fell back to a single mapping, so the pull failed (maintainers added uidmap to the install steps)
    field("podman-container-tools/podman#2916", "$ podman pull docker://fedora:latest\nWARN[0000] using rootless single mapping into the namespace. This might break some images. Check /etc/subuid and /etc/subgid for adding subids \nTrying to pull docker://fedora:latest...Getting image source signatures\nERRO[0010] Error while applying layer: ApplyLayer exit status 1 stdout:  stderr: there might not be enough IDs available in the namespace (requested 192:192 for /run/systemd/netif): lchown /run/systemd/netif: invalid argument ", NO_UIDMAP, IDMAP),
    // ---------------- newuidmap-unprivileged
    // newuidmap built from source into $HOME has no setuid/file caps; the distribution's uidmap worked (reporter)
    field("rootless-containers/rootlesskit#326", "Sep 27 14:44:14 ubuntu-server dockerd-rootless.sh[3117122]: [rootlesskit:parent] error: failed to setup UID/GID map: newuidmap 3117138 [0 1002 1 1 231072 65536] failed: newuidmap: write to uid_map failed: Operation not permitted\nSep 27 14:44:14 ubuntu-server dockerd-rootless.sh[3117122]: : exit status 1", UIDMAP_UNPRIV, IDMAP_PRIV),
    // the jail's newuidmap had lost its file capabilities; `rpm --restore shadow-utils` fixed it (reporter)
    field("Jip-Hop/jailmaker#149", "ERRO[0000] running `/usr/bin/newuidmap 280 0 1000 1 1 65536 65536`: newuidmap: write to uid_map failed: Operation not permitted", UIDMAP_UNPRIV, IDMAP_PRIV),
    // the image's newuidmap had lost its file capabilities; reinstalling shadow restored cap_setuid (reporter)
    field("lxc/lxc-ci#955", "$ podman run hello-world\nERRO[0000] running `/usr/bin/newuidmap 1514 0 1000 1 1 100000 65536`: newuidmap: Could not set caps\nError: cannot set up namespace using \"/usr/bin/newuidmap\": should have setuid or have filecaps setuid: exit status 1", UIDMAP_UNPRIV, IDMAP_PRIV),
    // ---------------- subuid-no-entry
    // Arch ships no /etc/subuid
    field("podman-container-tools/podman#15611", "ERRO[0000] cannot find UID/GID for user username: open /etc/subuid: no such file or directory - check rootless mode in man pages. \nWARN[0000] Using rootless single mapping into the namespace. This might break some images. Check /etc/subuid and /etc/subgid for adding sub*ids if not using a network user \nError: kernel does not support overlay fs: 'overlay' is not supported over extfs at \"/home/username/.local/share/containers/storage/overlay\": backing file system is unsupported for this graph driver", NO_SUBUID, SUBID),
    // the reporter had no /etc/subuid or /etc/subgid; allocating a range fixed it
    field("podman-container-tools/buildah#1857", "ERRO[0009] Error while applying layer: ApplyLayer exit status 1 stdout:  stderr: there might not be enough IDs available in the namespace (requested 192:192 for /run/systemd/netif): lchown /run/systemd/netif: invalid argument", NO_SUBUID, SUBID),
    field("podman-container-tools/buildah#926", "time=\"2018-08-13T15:10:43Z\" level=error msg=\"error reading allowed ID mappings: error reading subuid mappings for user \\\"limited\\\" and subgid mappings for group \\\"limited\\\": No subuid ranges found for user \\\"limited\\\" in /etc/subuid\"", NO_SUBUID, SUBID),
    // the image shipped /etc/subuid but no /etc/subgid; adding it fixed rootlesskit
    field("wolfi-dev/os#7106", "[rootlesskit:parent] error: failed to setup UID/GID map: failed to compute uid/gid map: open /etc/subgid: no such file or directory", NO_SUBUID, SUBID),
    // Arch ships no /etc/subuid; setting up the ranges per the Arch wiki fixed the pull
    field("89luca89/distrobox#92", "Error: writing blob: adding layer with blob \"sha256:76dc685b05eef986dc43ae2b364bad8843fa810e94339085a29b1fb89d5e9779\": Error processing tar file(exit status 1): potentially insufficient UIDs or GIDs available in user namespace (requested 0:12 for /var/spool/mail): Check /etc/subuid and /etc/subgid: lchown /var/spool/mail: invalid argument", NO_SUBUID, SUBID),
    // root has no subordinate ranges of its own
    field("containers/toolbox#267", "[root@coreos ~]# toolbox \ntoolbox: /etc/subgid and /etc/subuid don't have entries for user root\nSee the podman(1), subgid(5), subuid(5) and usermod(8) manuals for more\ninformation.", NO_SUBUID, SUBID),
    // ---------------- subuid-range-insufficient
    // the tar's owner uid 4204350 is outside the range; re-tarring as 0:0 fixed it
    field("podman-desktop/podman-desktop#3444", r#"{"cause":"invalid argument","message":"potentially insufficient UIDs or GIDs available in user namespace (requested 4204350:4204350 for /var/tmp/libpod_builder108973413/build/Containerfile): Check /etc/subuid and /etc/subgid if configured locally and run \"podman system migrate\": lchown /var/tmp/libpod_builder108973413/build/Containerfile: invalid argument","response":500}"#, SUBUID_SMALL, SUBID),
    // the image holds a file owned by uid 205001, past the default 65536 subordinate ids (maintainer, moby/moby#43576)
    field("rootless-containers/rootlesskit#304", "failed to register layer: ApplyLayer exit status 1 stdout:  stderr: lchown /usr/local/bin/docker-credential-gcr: invalid argument", SUBUID_SMALL, SUBID),
    // maintainer: not enough subordinate ids for the image's owners
    field("fleetbase/fleetbase#347", "failed to register layer: failed to Lchown \"/usr/src/node_modules/buffer-equal-constant-time/.npmignore\" for UID 718322462, GID 454177323 (try increasing the number of subordinate IDs in /etc/subuid and /etc/subgid): lchown /usr/src/node_modules/buffer-equal-constant-time/.npmignore: invalid argument", SUBUID_SMALL, SUBID),
    // buildah inside a container that has only 65536 ids; the image owns /home by 65534 (reporter)
    field("docker-library/busybox#107", "error creating build container: Error committing the finished image: error adding layer with blob \"sha256:b71f96345d44b237decc0c2d6c2f9ad0d17fde83dad7579608f1f0764d9686f2\": Error processing tar file(exit status 1): potentially insufficient UIDs or GIDs available in user namespace (requested 65534:65534 for /home): Check /etc/subuid and /etc/subgid: lchown /home: invalid argument", SUBUID_SMALL, SUBID),
    // ---------------- subuid-stale-pause-process
    // subuid was set up; `podman system migrate` fixed it
    field("podman-container-tools/podman#3421", "Error: error creating libpod runtime: there might not be enough IDs available in the namespace (requested 100000:100000 for /home/jon/.local/share/containers/storage/overlay/l): chown /home/jon/.local/share/containers/storage/overlay/l: invalid argument", STALE_PAUSE, PAUSE),
    // pause.pid pointed at a process that no longer existed; moving /run/user/<uid>/libpod away fixed it
    field("podman-container-tools/podman#4057", "$ podman container ls\nError: could not get runtime: open /proc/1445/ns/user: no such file or directory", STALE_PAUSE, PAUSE),
    // ---------------- subuid-range-invalid
    // /etc/subuid held a line with the user's own uid (dog:1001:1); removing it fixed it (reporter, fixed in PR #623)
    field("rootless-containers/rootlesskit#476", "[rootlesskit:parent] error: failed to setup UID/GID map: newuidmap 41685 [0 1001 1 1 1001 1 2 165536 65536] failed: newuidmap: write to uid_map failed: Invalid argument", RANGE_INVALID, SUBID),
    // --uidmap 0:0:2 spans two extents of the rootless namespace, which the kernel refuses (maintainer)
    field("podman-container-tools/podman#8816", "$ podman run --uidmap 0:0:2 --rm fedora echo hi\nError: writing file `/proc/664087/gid_map`: Operation not permitted: OCI permission denied", RANGE_INVALID, MULTI_MAP),
    // subuid and subgid ranges for the user differed; making them equal fixed it (reporter)
    field("nestybox/sysbox#566", "failed to create sysbox-mgr: failed to setup subid allocator: could not find matching subuid and subgids range for user sysbox", RANGE_INVALID, SUBID),
    // ---------------- newuidmap-target-owner-mismatch
    // the process's gid (1107) is not the passwd primary gid (100)
    field("apptainer/apptainer#1751", "newgidmap: Target 8153 is owned by a different user: uid:4290 pw_uid:4290 st_uid:4290, gid:1107 pw_gid:100 st_gid:1107\nERROR  : 'newgidmap' execution failed. Check that 'newgidmap' is setuid root or has setcap cap_setgid+eip.\nERROR  : Error while waiting event for user namespace mappings: Success", TARGET_OWNER, MULTI_MAP),
    // ---------------- runc-rootless-config
    // the default `runc spec` is for root; an unprivileged user needs `runc spec --rootless` (maintainer)
    field("opencontainers/runc#1782", "$ runc run mycontainerid\nrootless containers require user namespaces", ROOTLESS_CONFIG, MAPPING_CHECKS),
    // ---------------- xdg-runtime-dir-invalid
    // sudo -E carried the user's XDG_RUNTIME_DIR into a root podman
    field("openshift-metal3/dev-scripts#899", "Error: could not get runtime: error creating runtime static files directory /var/lib/containers/storage/libpod: mkdir /var/lib/containers/storage: permission denied", XDG_INVALID, XDG),
    // su does not start a login session: systemctl --user cannot reach the user's bus
    field("docker/docs#14491", "Failed to connect to bus: Operation not permitted", XDG_INVALID, XDG_SESSION),
    // setuptool with no XDG_RUNTIME_DIR (maintainer: log in through a real session)
    field("docker/docker-install#326", "[INFO] systemd not detected, dockerd-rootless.sh needs to be started manually:\n\nPATH=/home/valheim/bin:/sbin:/usr/sbin:$PATH dockerd-rootless.sh", XDG_INVALID, XDG_SESSION),
    // `su - user1 -c podman`: no login session (troubleshooting §31)
    field("https://github.com/containers/podman/blob/main/troubleshooting.md#31-podman-run-fails-with-erro0000-xdg_runtime_dir-directory-runuser0-is-not-owned-by-the-current-user-or-error-creating-tmpdir-mkdir-runuser1000-permission-denied", "# su - user1 -c 'podman images'\nError: creating tmpdir: mkdir /run/user/1000: permission denied", XDG_INVALID, XDG_SESSION),
    // dockerd-rootless.sh with XDG_RUNTIME_DIR unset (troubleshooting)
    field("https://github.com/docker/docs/blob/main/content/manuals/engine/security/rootless/troubleshoot.md", "could not get XDG_RUNTIME_DIR", XDG_INVALID, XDG),
    // /run/user/<uid> does not exist or is not writable for the user (no login session)
    field("podman-container-tools/podman#3712", "ERRO[0000] unable to make temp dir /run/user/43228", XDG_INVALID, XDG_SESSION),
    // the runroot had fallen back to /tmp/storage-run-1000 on a disk /tmp; deleting it (or a tmpfs /tmp) fixed it
    field("fitbeard/automation-platform#166", "Error: current system boot ID differs from cached boot ID; an unhandled reboot has occurred. Please delete directories \"/tmp/storage-run-1000/containers\" and \"/tmp/storage-run-1000/libpod/tmp\" and re-run Podman", STALE_BOOT, XDG),
    // ---------------- no-user-systemd-or-dbus
    // CentOS 7 has no usable systemd user instance (maintainer)
    field("containerd/nerdctl#686", "[ERROR] Needs systemd (systemctl --user)\nFailed to get D-Bus connection: No such file or directory", NO_SYSTEMD, USER_MANAGER),
    // podman run through sudo/su in CI: no systemd user session for the cgroup scope (maintainers)
    field("podman-container-tools/podman#16529", "error running container: from /usr/bin/crun creating container for [/bin/sh -c date]: sd-bus call: Permission denied", NO_SYSTEMD, USER_MANAGER),
    // installing dbus-user-session fixed it (reporter)
    field("alvistack/ansible-role-podman#25", "$ podman version\nWARN[0000] Failed to add pause process to systemd sandbox cgroup: dbus: couldn't determine address of session bus", NO_SYSTEMD, USER_MANAGER),
    // ---------------- rlimit-nofile-too-low
    // podman's default nproc limit above the user's hard limit; raising it fixed it (maintainer)
    field("podman-container-tools/podman#7510", "error setting rlimit type 6: operation not permitted", RLIMIT, RLIMIT_CHECKS),
    // --ulimit=host works around it: the default nofile exceeds the unit's hard limit
    field("podman-container-tools/podman#6668", "Error: unable to start container \"redis\": container_linux.go:344: starting container process caused \"process_linux.go:424: container init caused \\\"process_linux.go:353: setting rlimits for ready process caused \\\\\\\"error setting rlimit type 7: operation not permitted\\\\\\\"\\\"\": OCI runtime permission denied error", RLIMIT, RLIMIT_CHECKS),
    // nested podman: the inner container asks for RLIMIT_NOFILE 1048576, above the outer container's hard limit
    field("podman-container-tools/podman#24508", "Error: crun: setrlimit `RLIMIT_NOFILE`: Operation not permitted: OCI permission denied", RLIMIT, RLIMIT_CHECKS),
    // ---------------- cgroup-v1-rootless-no-limits
    // dockerd refuses the systemd cgroup driver rootless on cgroup v1 (maintainer PR)
    field("moby/moby#40666", "$ dockerd-rootless.sh   --exec-opt native.cgroupdriver=systemd  --experimental\nfailed to start daemon: exec-opt native.cgroupdriver=systemd requires cgroup v2 for rootless mode", CGROUP_V1, CGROUP),
    // ---------------- cgroup-controller-not-delegated
    // Fedora 36 does not delegate cpuset to users; delegating it fixed the cluster (commenter, k3d#1084)
    field("k3d-io/k3d#1082", "failed to find cpu cgroup (v2)", NOT_DELEGATED, CGROUP),
    // CI runners delegate no cpu controller to the rootless user; the limits were dropped
    field("quarkusio/quarkus#33090", "\"cause\":\"OCI runtime error\",\"message\":\"crun: the requested cgroup controller `cpu` is not available: OCI runtime error\",\"response\":500}", NOT_DELEGATED, CGROUP),
    // ---------------- overlay-rootless-kernel-unsupported
    // kernel overlay cannot mknod whiteouts for a rootless user; fuse-overlayfs is the fix (troubleshooting §15)
    field("https://github.com/containers/podman/blob/main/troubleshooting.md#15-rootless-podman-build-fails-when-using-overlayfs", "Error: creating build container: Error committing the finished image: error adding layer with blob \"sha256:8d3eac894db4dc4154377ad28643dfe6625ff0e54bcfa63e0d04921f1a8ef7f8\": Error processing tar file(exit status 1): operation not permitted", OVERLAY_KERNEL, OVERLAY),
    // Debian 10's kernel overlay in a user namespace cannot make opaque directories; the `overlay` driver worked
    field("rootless-containers/rootlesskit#154", "failed to register layer: Error processing tar file(exit status 1): replaceDirWithOverlayOpaque(\"/root/buildinfo\") failed: createDirWithOverlayOpaque(\"/root/rdwoo893274543\") failed: failed to mkdir /root/rdwoo893274543/m/d: mkdir /root/rdwoo893274543/m/d: input/output error", OVERLAY_KERNEL, OVERLAY),
    // the board's kernel was built without CONFIG_OVERLAY_FS (maintainer)
    field("xiaomi-latte-dev/xiaomi-latte-flash_tools#1", "Error: configure storage: kernel does not support overlay fs: 'overlay' is not supported over btrfs at \"/home/user/.local/share/containers/storage/overlay\": backing file system is unsupported for this graph driver", OVERLAY_KERNEL, OVERLAY),
    // rootless kernel overlay cannot mknod the whiteouts; fuse-overlayfs as mount_program (maintainer, buildah#1745)
    field("podman-container-tools/buildah#1709", "error committing container \"alpine-working-container\" to \"\": error copying layers and metadata for container \"5c77e22cdb9772b46833bf727d0c6f0139a5e4fad137286ac432fb6f72a1a520\": Error committing the finished image: error adding layer with blob \"sha256:d722205207d33a3bdaee8e1ab92a2bb66d31ac78dc06fb836b9d46e490dd8faa\": Error processing tar file(exit status 1): operation not permitted\nERRO[0002] exit status 1", OVERLAY_KERNEL, OVERLAY),
    // ---------------- overlay-backing-fs-unsupported
    // XFS without d_type; a new XFS with ftype=1 worked (reporter)
    field("podman-container-tools/podman#545", "ERRO[0000] Could not get runtime: kernel does not support overlay fs: driver not supported", BACKING_FS, BACKING),
    // XFS made with ftype=0: overlayfs needs d_type on the upper fs (maintainers reproduced it)
    field("moby/moby#22937", "docker: Error response from daemon: error creating overlay mount to /tmp/tmp.8MfbWfl0lN/overlay/5b597886628faa4323251a510a571036ebafaa23e39775ac1965dbe7b01bd529-init/merged: invalid argument.\noverlayfs: upper fs needs to support d_type.", BACKING_FS, BACKING),
    // the store on XFS without d_type
    field("podman-container-tools/buildah#310", "WARN[0000] overlay: the backing xfs filesystem is formatted without d_type support, which leads to incorrect behavior. Reformat the filesystem with ftype=1 to enable d_type s\nupport. Running without d_type is not supported.", BACKING_FS, BACKING),
    // ---------------- fuse-device-unavailable
    // podman in an OpenShift pod without /dev/fuse (maintainer: add the device)
    field("podman-container-tools/podman#6667", "Error: error mounting storage for container c967d9189c3ca165788ca68d069cafd3a3f60fd95eb86c6726c6ef3215a20918: error creating overlay mount to /home/.local/share/containers/storage/overlay/a8e3377a8f75d187a906823f1d8da6bfe5d37771b2d0a4354444f86f722a854c/merged: using mount program /usr/bin/fuse-overlayfs: fuse: device not found, try 'modprobe fuse' first\nfuse-overlayfs: cannot mount: No such file or directory\n: exit status 1", NO_DEV_FUSE, FUSE),
    // the fuse module not loaded on the host (troubleshooting §24)
    field("https://github.com/containers/podman/blob/main/troubleshooting.md#24-podman-container-images-fail-with-fuse-device-not-found-when-run", "error mounting container \"1ae176ca72b3da7c70af31db7434bcf6f94b07dbc0328bc7e4e8fc9579d0dc2e\": error mounting build container \"1ae176ca72b3da7c70af31db7434bcf6f94b07dbc0328bc7e4e8fc9579d0dc2e\": error creating overlay mount to /var/lib/containers/storage/overlay/30c058cdadc888177361dd14a7ed7edab441c58525b341df321f07bc11440e68/merged: using mount program /usr/bin/fuse-overlayfs: fuse: device not found, try 'modprobe fuse' first\nfuse-overlayfs: cannot mount: No such device\n: exit status 1", NO_DEV_FUSE, FUSE),
    // the fuse module was not loaded on the node; `modprobe fuse` on the host fixed it (reporter)
    field("podman-container-tools/buildah#2084", "error mounting new container: error mounting build container \"6f17a2a37df4352dc6a08bfbac27d3464a7a38e9d7919c47652854f36be4094e\": error creating overlay mount to /var/lib/containers/storage/overlay/be6fb89e2de7c93593f090fe3ba231d07695315b60e38cd561d11792009caa06/merged: using mount program /usr/bin/fuse-overlayfs: fuse: device not found, try 'modprobe fuse' first", NO_DEV_FUSE, FUSE),
    // ---------------- fuse-overlayfs-or-fusermount-missing
    // daemon.json asks for fuse-overlayfs but the package had been removed
    field("MagnaCapax/PMSS#643", "level=error msg=\"exec: \\\"fuse-overlayfs\\\": executable file not found in $PATH\" storage-driver=fuse-overlayfs\nfailed to start daemon: error initializing graphdriver: driver not supported: fuse-overlayfs\n[rootlesskit:parent] error: child exited: exit status 1", NO_FUSE_OVERLAYFS, FUSE),
    // ---------------- storage-on-network-fs
    // the troubleshooting entry for rootless builds on an NFS home (maintainers)
    field("podman-container-tools/buildah#1661", "ERRO[0014] Error while applying layer: ApplyLayer exit status 1 stdout:  stderr: open /root/.bash_logout: permission denied\nerror creating build container: Error committing the finished image: error adding layer with blob \"sha256:a02a4930cb5d36f3290eb84f4bfa30668ef2e9fe3a1fb73ec015fc58b9958b17\": ApplyLayer exit status 1 stdout:  stderr: open /root/.bash_logout: permission denied", NETWORK_FS, GRAPHROOT),
    // graphroot on SAN-backed shared storage; moving graphroot to /var/tmp fixed the pull (reporter)
    field("podman-container-tools/podman#8179", "ERR[0047] Error pulling image ref gitlab-ee.tar: Error committing the finished image: error adding layer with blob \"sha256:some-hashed-code\": Error processing tar file(exit status 1): lchown /etc/gshadow: operation not permitted", NETWORK_FS, GRAPHROOT),
    // docker's data-root on NFS (maintainers documented it)
    field("docker/docs#13275", "docker: failed to register layer: ApplyLayer exit status 1 stdout:  stderr: open /root/.bash_logout: permission denied.", NETWORK_FS, GRAPHROOT),
    // the docker data directory on an NFS export of a NAS (netbooted Pi)
    field("Stirling-Tools/Stirling-PDF#849", "failed to register layer: lsetxattr security.capability /usr/libexec/gstreamer-1.0/gst-ptp-helper: operation not supported", NETWORK_FS, GRAPHROOT),
    // ---------------- storage-driver-config-mismatch
    // storage.conf switched to overlay after the store was made with vfs (maintainers)
    field("podman-container-tools/podman#7446", "$ podman system reset\nERRO[0000] User-selected graph driver \"overlay\" overwritten by graph driver \"vfs\" from database - delete libpod local files to resolve \nError: vfs driver does not support overlay.mount_program options", DRIVER_MISMATCH, DRIVER),
    field("podman-container-tools/podman#2347", "Could not get runtime: database storage graph driver overlay does not match our storage graph driver vfs: database configuration mismatch", DRIVER_MISMATCH, DRIVER),
    // stale store after a distribution upgrade; removing it fixed the tests
    field("os-autoinst/os-autoinst-distri-opensuse#21036", "Error: database graph driver \"\" does not match our graph driver\n\"overlay\": database configuration mismatch", DRIVER_MISMATCH, DRIVER),
    // ---------------- storage-no-space
    field("podman-container-tools/podman#19377", "Error: writing blob: adding layer with blob \"sha256:[hash]\": processing tar file(write /usr/local/lib/python3.8/site-packages/azure/mgmt/web/v2018_02_01/models/__pycache__/_models_py3.cpython-38.pyc: no space left on device): exit status 1", NO_SPACE, GRAPHROOT),
    // the root filesystem holding /var/tmp filled up while the graphroot had room
    field("podman-container-tools/podman#11107", "Error: Error writing blob: error storing blob to file \"/var/tmp/storage280617948/6\": write /var/tmp/storage280617948/6: no space left on device", NO_SPACE, GRAPHROOT),
    // ---------------- privileged-port-bind-denied
    field("rootless-containers/rootlesskit#192", "Error: failed to expose ports via rootlessport: \"cannot expose privileged port 80, you might need to add \\\"net.ipv4.ip_unprivileged_port_start=0\\\" (currently 1024) to /etc/sysctl.conf, or choose a larger port number (>= 1024): listen tcp 0.0.0.0:80: bind: permission denied\\n\"", LOW_PORT, PORTS),
    field("moby/moby#40860", "docker: Error response from daemon: driver failed programming external connectivity on endpoint brave_murdock (71e0f00b4a8555cefd15d984d15f4dc255e4caa2ca5cc72df8a04e463afc13b2): Error starting userland proxy: error while calling PortManager.AddPort(): cannot expose privileged port 80, you might need to add \"net.ipv4.ip_unprivileged_port_start=0\" (currently 1024) to /etc/sysctl.conf, or set CAP_NET_BIND_SERVICE on rootlesskit binary: listen tcp 0.0.0.0:80: bind: permission denied.", LOW_PORT, PORTS),
    field("IBM/project-ai-services#846", "ERRO[0003] \"rootlessport cannot expose privileged port 443, you can add 'net.ipv4.ip_unprivileged_port_start=443' to /etc/sysctl.conf (currently 1024), or choose a larger port number (>= 1024): listen tcp 0.0.0.0:443: bind: permission denied\"\nError: unable to start container \"f72329a97540825bb753ec41806021c9fd15890ae54f6874b2f13e2c6bc8890a\": starting some containers: internal libpod error", LOW_PORT, PORTS),
    // ---------------- ping-group-range
    // maintainer: set net.ipv4.ping_group_range to cover the user's group
    field("alpinelinux/docker-alpine#60", "/ $ ping 8.8.8.8\nPING 8.8.8.8 (8.8.8.8): 56 data bytes\nping: permission denied (are you root?)", PING, PING_CHECKS),
    // ---------------- rootless-net-helper-missing
    field("podman-container-tools/podman#25516", "Error: could not find pasta, the network namespace can't be configured: exec: \"pasta\": executable file not found in $PATH", NET_HELPER, HELPER),
    // Ubuntu 18.04 has no slirp4netns package
    field("docker/hub-feedback#2213", "Mar 01 14:47:15 xps dockerd-rootless.sh[2570]: Either slirp4netns (>= v0.4.0) or vpnkit needs to be installed\nMar 01 14:47:15 xps dockerd-rootless.sh[2570]: + exit 1", NET_HELPER, HELPER),
    // ---------------- tun-device-missing
    // podman inside LXC inside docker: the tun device node was not passed in (maintainer)
    field("podman-container-tools/podman#10001", "Error: /usr/bin/slirp4netns failed: \"open(\"/dev/net/tun\"): Operation not permitted WARNING: Support for seccomp is experimental; child failed(1)", TUN, TUN_CHECKS),
    // a kernel update without reboot: the tun module could not be loaded (maintainer: load tun)
    field("podman-container-tools/podman#9543", "podman system service: /usr/bin/slirp4netns failed: open(\"/dev/net/tun\")", TUN, TUN_CHECKS),
    // ---------------- pasta-apparmor-denied
    // Debian's passt AppArmor profile blocked the netns path; unloading the profile fixed it (maintainer)
    field("podman-container-tools/podman#22681", "AVC apparmor=\"DENIED\" operation=\"open\" profile=\"passt\" name=\"/run/user/1000/netns/netns-fc48cae4-8a15-67d8-f96d-f2e683d49dc5\" pid=2292 comm=\"passt.avx2\" requested_mask=\"r\" denied_mask=\"r\" fsuid=1000 ouid=0", PASTA_APPARMOR, HELPER),
    // Debian's passt profile does not cover a netns under /var/tmp (maintainers)
    field("podman-container-tools/podman#22625", "Error: setting up Pasta: pasta failed with exit code 1:\nCouldn't open network namespace /var/tmp/...cut...: Permission denied", PASTA_APPARMOR, HELPER),
    // the passt AppArmor profile from the third-party repository denied the netns path (dmesg shows it)
    field("podman-container-tools/podman#22937", "Error: pasta failed with exit code 1:\nCouldn't open network namespace /run/user/1001/netns/netns-a7f183ff-5cf7-a9ab-304f-23d76da9450a: Permission denied\n[  214.033148] audit: type=1400 audit(1717774894.345:18): apparmor=\"DENIED\" operation=\"open\" profile=\"passt\" name=\"/run/user/1001/netns/netns-ee1afd7a-c406-0b45-7e3e-9283cb35e0b1\" pid=929 comm=\"pasta\" requested_mask=\"r\" denied_mask=\"r\" fsuid=1001 ouid=0", PASTA_APPARMOR, HELPER),
    // ---------------- slirp4netns-sandbox-denied
    // Ubuntu 24.04's AppArmor denies pivot_root to the slirp4netns sandbox inside LXD (slirp4netns#348, lxd#13389)
    field("rootless-containers/usernetes#337", "[rootlesskit:parent] error: failed to setup network &{logWriter:0xc000212b20 binary:slirp4netns mtu:65520 ipnet:<nil> disableHostLoopback:true apiSocketPath: enableSandbox:true enableSeccomp:true enableIPv6:false ifname:tap0 infoMu:{w:{state:0 sema:0} writerSem:0 readerSem:0 readerCount:{_:{} v:0} readerWait:{_:{} v:0}} info:<nil>}: waiting for ready fd (/usr/bin/slirp4netns --mtu 65520 -r 3 --disable-host-loopback --enable-sandbox --enable-seccomp 2724 tap0): slirp4netns failed\n[rootlesskit:child ] error: EOF", SLIRP_SANDBOX, HELPER),
    // ---------------- docker-rootless-iptables
    // Ubuntu 26.04 has no ip_tables module loaded; the project installs with SKIP_IPTABLES=1 (freeipa-container#738)
    field("freeipa/freeipa-container#733", "# Missing system requirements. Please run following commands to\n# install the requirements and run this installer again.\n# Alternatively iptables checks can be disabled with SKIP_IPTABLES=1\n\ncat <<EOF | sudo sh -x\n\nmodprobe ip_tables\nEOF", IPTABLES, NONE),
    // EL10 ships nf_tables only; the setup tool learnt to check nf_tables (moby#49727)
    field("moby/moby#49020", "[ERROR] Missing system requirements. Run the following commands to\n[ERROR] install the requirements and run this tool again.\n[ERROR] Alternatively iptables checks can be disabled with --skip-iptables .\n\n########## BEGIN ##########\nsudo sh -eux <<EOF\n# Load ip_tables module\nmodprobe ip_tables\nEOF\n########## END ##########", IPTABLES, NONE),
    // ---------------- docker-rootless-setuptool
    // the system-wide socket was still there after disabling the service; the docs now say to stop it (docs#19992)
    field("docker/docs#19992", "[ERROR] Aborting because rootful Docker (/var/run/docker.sock) is running and accessible. Set --force to ignore.", SETUPTOOL, NONE),
    // ---------------- exec-format-error
    // an arm64 image on x86_64 (maintainer re-pushed an amd64 image)
    field("kparuchuri/foto-gallery#5", "exec /entryPoint.sh: exec format error", EXEC_FORMAT, PROCESS),
    // an amd64 image on a Raspberry Pi; an aarch64 build fixed it
    field("hat3ph/adguard-unbound#1", "adguard-unbound    | exec /opt/entrypoint.sh: exec format error", EXEC_FORMAT, PROCESS),
    // amd64 image on a Raspberry Pi 4; installing qemu-user-static fixed it (reporter)
    field("postalserver/postal#1601", "Creating postal_runner_run ... done\nstandard_init_linux.go:228: exec user process caused: exec format error\nERROR: 1", EXEC_FORMAT, PROCESS),
    // docker pulled the ARM image on an amd64 host (maintainer, confirmed)
    field("nakla/sbfspot#10", "standard_init_linux.go:228 exec user process caused: exec format error", EXEC_FORMAT, PROCESS),
    // a tini binary for another architecture; the distribution's tini fixed it (reporter)
    field("krallin/tini#234", "fork/exec /tini: exec format error", EXEC_FORMAT, PROCESS),
    // architecture mismatch (reporter)
    field("azixus/ARK_Ascended_Docker#37", "Attaching to asa-server-1\nasa_server-1 exec /tini: exec format error", EXEC_FORMAT, PROCESS),
    // the arm64 image shipped an amd64 tini
    field("onedr0p/containers#178", "$ k logs -n media unpackerr-5c76bc9d8d-9ww74\nexec /sbin/tini: exec format error", EXEC_FORMAT, PROCESS),
    // an image for another architecture (maintainer)
    field("hpc/charliecloud#1898", "ch-run[121666]: error: can't execve(2): /sbin/ldconfig: Exec format error (ch_core.c:549 8)", EXEC_FORMAT, PROCESS),
    // the image had no arm64 build; the maintainer published one
    field("FSchiltz/Helse#268", "exec /usr/bin/dotnet: exec format error", EXEC_FORMAT, PROCESS),
    // no ARM image of it exists (maintainer)
    field("DomiStyle/docker-idrac6#32", "standard_init_linux.go:211: exec user process caused “exec format error”", EXEC_FORMAT, PROCESS),
    // the arm64 tags held x86_64 binaries from the CI build (maintainer)
    field("bitnami/minideb#99", "standard_init_linux.go:219 exec user process caused: exec format error", EXEC_FORMAT, PROCESS),
    // images built on an Apple-silicon Mac were arm64 and ran on amd64 ECS; building with --platform linux/amd64 fixed it
    field("aws-samples/one-observability-demo#266", "exec /usr/bin/java: exec format error\nexec ./app: exec format error\nexec /usr/bin/dotnet: exec format error", EXEC_FORMAT, PROCESS),
    // the image is amd64-only; the host was an Apple M-series (maintainer: no ARM support)
    field("vulhub/vulhub#457", " ! web The requested image's platform (linux/amd64) does not match the detected host platform (linux/arm64/v8) and no specific platform was requested 0.0s \nAttaching to ssti-web-1\nssti-web-1  | exec /bin/sh: exec format error\nssti-web-1 exited with code 1", EXEC_FORMAT, PROCESS),
    // the egg's image is amd64-only and the node was arm64 (maintainer)
    field("pelican-eggs/eggs#1595", "Server crashed with error: standard_init_linux.go:228: exec user process caused: exec format error", EXEC_FORMAT, PROCESS),
    // ---------------- exec-enoent-interpreter-or-crlf
    // CRLF line endings in the entrypoint: `#!/bin/sh\r` names no interpreter (fixed by converting to LF)
    field("fossasia/eventyay#2849", "exec /usr/src/app/entrypoint.sh: no such file or directory", INTERPRETER, PROCESS),
    // CRLF shebang (root cause and fix in PR #138)
    field("ericc-ch/copilot-api#137", "exec /entrypoint.sh: no such file or directory", INTERPRETER, PROCESS),
    // the reporter converted the scripts from CRLF to LF
    field("GoteoFoundation/goteo#632", "exec /usr/local/bin/entrypoint.sh: no such file or directory", INTERPRETER, PROCESS),
    // CRLF from git on Windows (issue title and the fix)
    field("anthropics/claude-quickstarts#196", "exec ./entrypoint.sh: no such file or directory", INTERPRETER, PROCESS),
    // a glibc binary on Alpine: the glibc loader is missing; libc6-compat and a loader symlink fixed it
    field("MatthiasLohr/docker-f5fpc#26", "Error loading shared library ld-linux-x86-64.so.2: No such file or directory (needed by /usr/local/bin/f5fpc)", INTERPRETER, PROCESS),
    // a glibc-built java on Alpine lacks its libraries (maintainer: use a glibc-based image)
    field("sgerrand/alpine-pkg-glibc#97", "./java: error while loading shared libraries: libz.so.1: cannot open shared object file: No such file or directory", INTERPRETER, PROCESS),
    // a Windows checkout gave the entrypoint CRLF line endings (commenter's fix confirmed by others)
    field("CTFd/CTFd#2598", "ctfd-1   | exec /opt/CTFd/docker-entrypoint.sh: no such file or directory", INTERPRETER, PROCESS),
    // the action's script said #!/bin/bash on an Alpine image
    field("cadwallion/publish-rubygems-action#4", "standard_init_linux.go:211: exec user process caused \"no such file or directory\"", INTERPRETER, PROCESS),
    // ---------------- exec-not-found-in-path
    // arguments passed to an image without an ENTRYPOINT became the command
    field("BioContainers/containers#23", "Error response from daemon: Cannot start container 44303d2fc534577941fb4f29f33ebf5c030ae6fd18c27646c709cde043ab110c: [8] System error: exec: \"-p\": executable file not found in $PATH", NOT_IN_PATH, PROCESS),
    // the whole command was quoted as one program name (maintainer)
    field("oh-my-fish/dockerfiles#5", "docker: Error response from daemon: OCI runtime create failed: container_linux.go:348: starting container process caused \"exec: \\\"ls ~l\\\": executable file not found in $PATH\": unknown.", NOT_IN_PATH, PROCESS),
    // Alpine images ship no bash; use sh (maintainer)
    field("docker-library/php#469", "rpc error: code = 2 desc = oci runtime error: exec failed: container_linux.go:247: starting container process caused \"exec: \\\"bash\\\": executable file not found in $PATH\"", NOT_IN_PATH, PROCESS),
    // the image had moved to Alpine, which has no bash (fixed in #58)
    field("wuhan2020/api-server#59", "docker: Error response from daemon: OCI runtime create failed: container_linux.go:349: starting container process caused \"exec: \\\"bash\\\": executable file not found in $PATH\": unknown.", NOT_IN_PATH, PROCESS),
    // ---------------- exec-permission-denied
    // the entrypoint lost its x bit; chmod +x in the Dockerfile fixed it
    field("eNMS-automation/eNMS#94", "docker: Error response from daemon: OCI runtime create failed: container_linux.go:348: starting container process caused \"exec: \\\"./boot.sh\\\": permission denied\": unknown.", NOT_EXECUTABLE, PROCESS),
    // chmod +x fixed it (reporter)
    field("ahmetb/cloud-run-static-outbound-ip#1", "[FATAL tini (2)] exec ./entrypoint.sh failed: Permission denied", NOT_EXECUTABLE, PROCESS),
    // a clone lost the x bit of entrypoint.sh; RUN chmod +x fixed it
    field("Griesbacher/omd-grafana-container#2", "docker: Error response from daemon: invalid header field value \"oci runtime error: container_linux.go:247: starting container process caused \\\"exec: \\\\\\\"/entrypoint.sh\\\\\\\": permission denied\\\"\\n\".", NOT_EXECUTABLE, PROCESS),
    // RUN chmod +x /entrypoint.sh fixed it (reporter)
    field("infamousjoeg/conjur-action#17", "docker: Error response from daemon: failed to create shim task: OCI runtime create failed: runc create failed: unable to start container process: exec: \"/entrypoint.sh\": permission denied: unknown.", NOT_EXECUTABLE, PROCESS),
    // the copied entrypoint lacked its x bit, so the PATH lookup skipped it; chmod +x fixed it (maintainer)
    field("docker-library/postgres#296", "docker: Error response from daemon: oci runtime error: container_linux.go:247: starting container process caused \"exec: \\\"docker-entrypoint.sh\\\": executable file not found in $PATH\".", NOT_EXECUTABLE, PROCESS),
    // same: the file was added without +x (reporter)
    field("BretFisher/node-docker-good-defaults#51", "ERROR: for node  Cannot start service node: OCI runtime create failed: container_linux.go:348: starting container process caused \"exec: \\\"docker-entrypoint.sh\\\": executable file not found in $PATH\": unknown", NOT_EXECUTABLE, PROCESS),
    // chmod +x docker-entrypoint.sh fixed it (reporter)
    field("docker-library/mysql#227", "docker: Error response from daemon: invalid header field value \"oci runtime error: container_linux.go:247: starting container process caused \\\"exec: \\\\\\\"docker-entrypoint.sh\\\\\\\": executable file not found in $PATH\\\"\\n\".", NOT_EXECUTABLE, PROCESS),
    // chmod +x on the copied script (maintainers)
    field("moby/moby#27182", "docker: Error response from daemon: oci runtime error: exec: \"docker-entrypoint.sh\": executable file not found in $PATH.", NOT_EXECUTABLE, PROCESS),
    // ---------------- rootless-client-endpoint
    // root's shell carried DOCKER_HOST for the rootless daemon (reporter)
    field("NixOS/nixpkgs#265419", "Cannot connect to the Docker daemon at unix:///run/user/0/docker.sock. Is the docker daemon running?", CLIENT_ENDPOINT, XDG),
    // the rootless CLI had no context or DOCKER_HOST and dialled the system socket (maintainer: v22 uses the rootless context)
    field("docker/docker-install#260", "Server:\nERROR: Cannot connect to Docker daemon at unix:///var/run/docker.sock. Is the docker daemon running?\nerrors pretty printing info", CLIENT_ENDPOINT, XDG),
    // docker-py dials /var/run/docker.sock unless DOCKER_HOST points at the rootless socket
    field("binbashar/le-ref-architecture-doc#209", "[10:40:04.464] ERROR    Docker daemon doesn't seem to be responding. Please check it is up and running correctly before re-running the command.", CLIENT_ENDPOINT, XDG),
];

/// Every check id there is, plus the ones pending on other branches.
fn known_check(id: &str) -> bool {
    HOST_CHECKS.iter().chain(BUNDLE_CHECKS).any(|c| c.id == id) || PENDING_CHECKS.contains(&id)
}

#[test]
fn field_rows_name_known_causes_and_checks() {
    for r in FIELD {
        assert!(
            CAUSES.iter().any(|c| c.id == r.cause),
            "{}: unknown cause {}",
            r.source,
            r.cause
        );
        for check in r.checks {
            assert!(known_check(check), "{}: unknown check {check}", r.source);
        }
        assert!(!r.source.is_empty() && !r.text.trim().is_empty());
    }
}

#[test]
fn field_rows_are_distinct() {
    for (i, r) in FIELD.iter().enumerate() {
        assert!(
            !FIELD[..i].iter().any(|o| o.text == r.text),
            "{}: the same text twice",
            r.source
        );
    }
}

/// The share of rows whose settled cause `explain` ranks first, in percent,
/// rounded down: 102 of 121 (84%) when the table was written, 107 of 121
/// (88%) with the field weights and evidence decoders, 111 of 121 (91%) once
/// a shell script's name "not found in $PATH" weighed its missing x bit.
const FLOOR_PERCENT: usize = 91;

#[test]
// The measurement is this test's output (`--nocapture` shows it).
#[allow(clippy::print_stdout)]
fn field_messages_rank_the_settled_cause_first() {
    let mut first = 0;
    let mut misses = Vec::new();
    for r in FIELD {
        let e = explain(r.text);
        let got: Vec<&str> = e.matches.iter().map(|m| m.cause.id).collect();
        if got.first() == Some(&r.cause) {
            first += 1;
        } else {
            misses.push(format!(
                "  [{}] {:?}\n    expected {}\n    got      {:?}",
                r.source, r.text, r.cause, got
            ));
        }
    }
    let total = FIELD.len();
    println!("{first} of {total} field messages rank the settled cause first");
    for m in &misses {
        println!("{m}");
    }
    assert!(
        first * 100 >= FLOOR_PERCENT * total,
        "{first} of {total} field messages rank the settled cause first, below the floor of {FLOOR_PERCENT}%"
    );
}
