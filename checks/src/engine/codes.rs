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
    }
}
