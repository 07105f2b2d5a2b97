//! Finding codes of the `runtime` family: one per kind of non-pass outcome,
//! kebab-case, stable like the check ids. Documented per check in
//! docs/checks/runtime.md.

crate::finding_codes! {
    /// Finding codes of the `runtime` family.
    pub enum Code {
        // runtime.xdg-runtime-dir
        /// Warn: XDG_RUNTIME_DIR is not set for a non-root subject, so runc and
        /// crun fall back to /run/runc and /run/crun, which they cannot create.
        Unset = "unset",
        /// Fail: XDG_RUNTIME_DIR names a path where nothing exists.
        Missing = "missing",
        /// Fail: XDG_RUNTIME_DIR is a symlink whose target does not exist.
        DanglingSymlink = "dangling-symlink",
        /// Error: the path could not be examined (permission denied on a parent, ...).
        Unreadable = "unreadable",
        /// Fail: something other than a directory is at the path.
        NotADirectory = "not-a-directory",
        /// Fail: the directory is another user's `/run/user/N`, typically leaked
        /// through su or sudo.
        OtherUsersDir = "other-users-dir",
        /// Fail: the directory is owned by another uid than the subject's.
        WrongOwner = "wrong-owner",
        /// Fail: the directory's mode is not 0700 (including no owner write bit).
        WrongMode = "wrong-mode",
        /// Fail: the directory sits on a read-only mount.
        ReadOnlyMount = "read-only-mount",
        /// Warn: XDG_RUNTIME_DIR is a symlink to a directory that is otherwise fine.
        Symlink = "symlink",

        // runtime.oci-runtime
        /// Warn: none of runc, crun and youki is installed.
        NoneInstalled = "none-installed",
        /// Fail or warn: crun refuses this hybrid cgroup host, whose v2 side has
        /// controllers; fail when no other runtime can run.
        CrunRefusesHybrid = "crun-refuses-hybrid",
        /// Fail or warn: the subject cannot read the runc binary, which runc
        /// must do to start a container; fail when no other runtime can run.
        RuncUnreadable = "runc-unreadable",
        /// Warn: runc before 1.0.0-rc5 maps only one id in rootless containers.
        RuncMapsOneId = "runc-maps-one-id",
        /// Warn: youki before 0.7.0 panics on one uid mapping with several gid
        /// mappings.
        YoukiMappingPanic = "youki-mapping-panic",
        /// Warn: the runc binary is readable only through a group that is not
        /// the subject's primary group.
        RuncGroupReadable = "runc-group-readable",
        /// Fail or warn: runc before 1.0.0-rc91 has no cgroup v2 support; it
        /// cannot run on a v2 host, elsewhere it is a warning.
        RuncPredatesCgroupV2 = "runc-predates-cgroup-v2",
        /// Warn: runc is a 1.0.0 release candidate.
        RuncPrerelease = "runc-prerelease",
        /// Error: `NAME --version` could not be started because no process
        /// could be created (a seccomp filter refusing `clone3`, a process
        /// limit), so the rootless limits of that version are unknown.
        VersionNotStarted = "version-not-started",
        /// Fail or warn: runc's hardened /proc access (1.2.8, 1.3.3,
        /// 1.4.0-rc.3 up to 1.4.0) and no /proc/self/setgroups on this
        /// kernel: every container fails ("unable to setup user: unsafe procfs
        /// detected"); fail when no other runtime can run.
        RuncProcfsNoSetgroups = "runc-procfs-no-setgroups",
        /// Warn: runc's hardened /proc access (1.2.8, 1.3.3, 1.4.0-rc.3 and
        /// later) inside an LXC/Incus/LXD container, whose AppArmor profile
        /// may refuse its private procfs.
        RuncProcfsInLxc = "runc-procfs-in-lxc",

        // runtime.bwrap
        /// Skip: bwrap is not on the subject's PATH nor in the system
        /// directories.
        BwrapNotInstalled = "bwrap-not-installed",
        /// Fail: bwrap is not setuid root but its file capabilities give it
        /// permitted capabilities at exec, so it refuses to run ("Unexpected
        /// capabilities but not setuid").
        BwrapFileCaps = "bwrap-file-caps",
        /// Fail: the doctor, run as the subject, holds ambient capabilities,
        /// which bwrap inherits and refuses the same way.
        BwrapAmbientCaps = "bwrap-ambient-caps",
        /// Error: bwrap's `security.capability` could not be read or is not
        /// a valid value.
        BwrapCapsUnknown = "bwrap-caps-unknown",
    }
}
