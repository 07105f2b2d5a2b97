//! Finding codes of the `engine` family: one per kind of non-pass outcome,
//! kebab-case, stable like the check ids. Documented per check in
//! docs/checks/engine.md. Each check keeps its codes in its own block.

crate::finding_codes! {
    /// Finding codes of the `engine` family.
    pub enum Code {
        // ---- engine.podman ----
        /// Skip: podman is not on the subject's PATH.
        PodmanNotInstalled = "not-installed",
        /// Skip: a check podman depends on did not conclude (a probe not
        /// run, timed out or broken), so the verdict is unknown.
        PodmanUndecided = "undecided",
        /// Fail: podman refuses every command: `$CONTAINERS_CONF` names no
        /// file, or a containers.conf is not TOML or cannot be read.
        ConfigInvalid = "config-invalid",
        /// Fail: podman cannot create its user namespace or map its ids
        /// (`userns.create`, `idmap.multi-map`).
        UsernsFails = "userns-fails",
        /// Warn: the subject has no subordinate ids, so podman maps only the
        /// subject's own id; images with files of other owners fail.
        SingleIdMapping = "single-id-mapping",
        /// Fail: XDG_RUNTIME_DIR is unusable (`runtime.xdg-runtime-dir`).
        RuntimeDirFails = "runtime-dir-fails",
        /// Fail: podman's storage does not work (`storage.graphroot`,
        /// `storage.driver`).
        StorageFails = "storage-fails",
        /// Fail: the OCI runtime podman is configured with is not installed.
        RuntimeMissing = "runtime-missing",
        /// Fail: the OCI runtime podman is configured with does not run on
        /// this host (`runtime.oci-runtime`: crun on a hybrid cgroup host).
        RuntimeRefused = "runtime-refused",
        /// Fail: the network helper podman's default network needs is
        /// missing or does not start (`network.helper`).
        NetworkHelperFails = "network-helper-fails",
        /// Fail: the network helper cannot open /dev/net/tun or make its tap
        /// device (`network.tun`).
        TunFails = "tun-fails",
        // ---- end engine.podman ----
        // ---- engine.docker ----
        /// Skip: dockerd-rootless.sh is neither on the subject's PATH nor in
        /// Debian's /usr/share/docker.io/contrib.
        DockerNotInstalled = "not-installed",
        /// Skip: a check rootless Docker depends on was not evaluated (a
        /// probe not run, timed out or broken), so the verdict is unknown.
        DockerUndecided = "undecided",
        /// Fail: a host check rootless Docker depends on failed (the
        /// engine's `blocked_by` names it).
        DockerHostCheckFailed = "host-check-failed",
        /// Fail: dockerd is not on the PATH dockerd-rootless.sh runs with.
        DockerdMissing = "dockerd-missing",
        /// Fail: neither rootlesskit nor docker-rootlesskit is on that PATH.
        RootlesskitMissing = "rootlesskit-missing",
        /// Fail: runc is not on the PATH the daemon runs with.
        DockerRuncMissing = "runc-missing",
        /// Fail: the RootlessKit network driver is not installed.
        NetworkDriverMissing = "network-driver-missing",
        /// Fail: the configured RootlessKit network driver is one this
        /// RootlessKit does not have.
        NetworkDriverUnsupported = "network-driver-unsupported",
        /// Fail: the RootlessKit port driver is unknown or needs another
        /// network driver.
        PortDriverInvalid = "port-driver-invalid",
        /// Fail: dockerd runs iptables but finds none on its PATH.
        IptablesMissing = "iptables-missing",
        /// Fail: a kernel module iptables needs is missing and cannot be
        /// loaded from inside RootlessKit's user namespace.
        IptablesModuleMissing = "iptables-module-missing",
        /// Fail: daemon.json is not a JSON object, so dockerd refuses to start.
        DaemonJsonInvalid = "daemon-json-invalid",
        /// Fail: the storage driver daemon.json names does not work here.
        StorageDriverUnusable = "storage-driver-unusable",
        /// Fail: the data-root holds several drivers' data and none is named.
        PriorDrivers = "prior-drivers",
        /// Warn: rootless Docker will store images with vfs.
        DockerVfs = "vfs",
        /// Warn: the client points at the rootful daemon's socket, another
        /// user's, or no rootless daemon's.
        ClientEndpoint = "client-endpoint",
        /// Warn: systemd runs here but the user unit docker.service is missing.
        NoUserUnit = "no-user-unit",
        // ---- end engine.docker ----
        // ---- engine.nerdctl ----
        /// Skip: nerdctl is neither on the subject's PATH nor in the system
        /// directories.
        NerdctlNotInstalled = "not-installed",
        /// Skip: the subject is root, whose nerdctl uses the system
        /// containerd, not rootless containerd.
        NerdctlRootSubject = "root-subject",
        /// Fail: rootless containerd was never started for the subject (no
        /// `$XDG_RUNTIME_DIR/containerd-rootless`, or no XDG_RUNTIME_DIR).
        ContainerdNotRunning = "containerd-not-running",
        /// Fail: RootlessKit's state dir was left behind, but the child its
        /// `child_pid` names is gone (or the file is missing or garbage).
        ContainerdStale = "containerd-stale",
        // ---- end engine.nerdctl ----
    }
}
