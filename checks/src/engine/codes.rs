//! Finding codes of the `engine` family: one per kind of non-pass outcome,
//! kebab-case, stable like the check ids. Documented per check in
//! docs/checks/engine.md. Each check keeps its codes in its own block.

crate::finding_codes! {
    /// Finding codes of the `engine` family.
    pub enum Code {
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
    }
}
