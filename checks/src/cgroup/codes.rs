//! Finding codes of the `cgroup` family: one per kind of non-pass outcome,
//! kebab-case, stable like the check ids. Documented per check in
//! docs/checks/cgroup.md.

crate::finding_codes! {
    /// Finding codes of the `cgroup` family.
    pub enum Code {
        /// Warn: the host runs cgroup v1 or the v1/v2 hybrid layout; rootless
        /// containers get no resource limits.
        V1OrHybrid = "v1-or-hybrid",
        /// Warn: no cgroup filesystem is mounted under /sys/fs/cgroup.
        NotMounted = "not-mounted",
        /// Warn: cgroup v2, but only some of cpu, io, memory and pids are
        /// delegated to the subject's systemd user manager.
        PartlyDelegated = "partly-delegated",
        /// Warn: cgroup v2, and no controllers at all are delegated to the
        /// subject's systemd user manager.
        NothingDelegated = "nothing-delegated",
        /// Warn: systemd manages cgroup v2 but the subject has no running user
        /// manager (no `user@UID.service` cgroup).
        NoUserManager = "no-user-manager",
        /// Warn: cgroup v2 is not managed by systemd (no user.slice), so nothing
        /// is delegated.
        NotSystemdManaged = "not-systemd-managed",
        /// Warn: the user manager's `cgroup.controllers` could not be read.
        Unreadable = "unreadable",
    }
}
