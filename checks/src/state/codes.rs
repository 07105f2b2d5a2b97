//! Finding codes of the `state` family: one per kind of non-pass outcome,
//! kebab-case, stable like the check ids. Documented per check in
//! docs/checks/state.md.

crate::finding_codes! {
    /// Finding codes of the `state` family.
    pub enum Code {
        /// Fail (`state.pause-process`): podman's pause process or
        /// rootlesskit's child holds a user namespace whose uid_map or
        /// gid_map differs from what /etc/subuid and /etc/subgid give the
        /// subject today; the engine keeps joining it.
        StaleMappings = "stale-mappings",
        /// Warn (`state.pause-process`): podman's tmp dir (its `alive` file or
        /// `pause.pid`) was written before this boot, so podman skipped the
        /// state refresh it does after a reboot.
        StaleBoot = "stale-boot",
        /// Warn or fail (`state.pause-process`): a pid file names a live
        /// process that is not the engine's namespace holder (the pid was
        /// reused).
        PidReused = "pid-reused",
    }
}
