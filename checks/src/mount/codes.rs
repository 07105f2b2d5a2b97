//! Finding codes of the `mount` family: one per kind of non-pass outcome,
//! kebab-case, stable like the check ids. Documented per check in
//! docs/checks/mount.md. The four codes of a probe that failed before its
//! mount (`namespace-limit`, `namespace-creation-failed`, `mapping-failed`,
//! `scratch-dir-failed`) mean the same cause in all three checks.

crate::finding_codes! {
    /// Finding codes of the `mount` family.
    pub enum Code {
        /// Creating the user and mount namespace failed with ENOSPC:
        /// `user.max_mnt_namespaces` is 0, or a namespace limit is used up.
        NamespaceLimit = "namespace-limit",
        /// Creating the user and mount namespace failed with another errno:
        /// the container or service sandbox the doctor runs in forbids it
        /// (or a RHEL 7.4-7.5 kernel, for EPERM).
        NamespaceCreationFailed = "namespace-creation-failed",
        /// Mapping the own id in the new user namespace failed.
        MappingFailed = "mapping-failed",
        /// Error: the probe could not make its scratch directory.
        ScratchDirFailed = "scratch-dir-failed",
        /// `mount.bind`: the bind mount failed with EPERM or EACCES: a
        /// container profile or another security module forbids mounts.
        MountDenied = "mount-denied",
        /// `mount.bind`: the bind mount succeeded, but the file written in its
        /// source is not visible at its target.
        BindNotVisible = "bind-not-visible",
        /// Error (`mount.bind`): the probe failed with an errno at a step no
        /// rule explains.
        UnexpectedFailure = "unexpected-failure",
        /// Error (`mount.overlay`, `mount.fuse-overlayfs`): the probe failed at
        /// a step no rule explains.
        UnexpectedStep = "unexpected-step",
        /// Warn (`mount.overlay`): native overlayfs does not work in a user
        /// namespace, but fuse-overlayfs works instead.
        NativeUnavailableFuseWorks = "native-unavailable-fuse-works",
        /// `mount.overlay`: the kernel is older than 5.11 and not an Ubuntu
        /// kernel; fuse-overlayfs does not work either.
        KernelTooOld = "kernel-too-old",
        /// `mount.overlay`: kernel 5.11 or 5.12 with SELinux enforcing, which
        /// needs 5.13; fuse-overlayfs does not work either.
        SelinuxKernelTooOld = "selinux-kernel-too-old",
        /// `mount.overlay`: the scratch directory is on a filesystem overlayfs
        /// refuses as its upper layer; fuse-overlayfs does not work either.
        BadUpperFilesystem = "bad-upper-filesystem",
        /// `mount.overlay`: ENODEV, the kernel has no overlay filesystem;
        /// fuse-overlayfs does not work either.
        NoOverlayInKernel = "no-overlay-in-kernel",
        /// `mount.overlay`: EINVAL, overlayfs rejected the mount options;
        /// fuse-overlayfs does not work either.
        OptionsRejected = "options-rejected",
        /// `mount.overlay`: the kernel refused the mount with an errno no rule
        /// explains; fuse-overlayfs does not work either.
        MountRefused = "mount-refused",
        /// `mount.overlay`: it mounted, but a write through the merged directory
        /// did not land in the upper directory; fuse-overlayfs does not work
        /// either.
        WriteNotInUpper = "write-not-in-upper",
        /// Skip (`mount.fuse-overlayfs`): native overlay works, and
        /// fuse-overlayfs is not installed or /dev/fuse cannot be opened.
        NotNeeded = "not-needed",
        /// `mount.fuse-overlayfs`: the fuse-overlayfs binary is not found.
        NotInstalled = "not-installed",
        /// `mount.fuse-overlayfs`: /dev/fuse does not exist (the fuse module
        /// is not loaded, or the container has no such device).
        DevFuseMissing = "dev-fuse-missing",
        /// `mount.fuse-overlayfs`: /dev/fuse exists but the subject cannot open it.
        DevFuseNotOpenable = "dev-fuse-not-openable",
        /// `mount.fuse-overlayfs`: fuse-overlayfs could not mount.
        MountFailed = "mount-failed",
        /// `mount.fuse-overlayfs`: it mounted, but writing through it failed.
        WriteFailed = "write-failed",
        /// `mount.fuse-overlayfs`: it mounted, but unmounting it failed.
        UnmountFailed = "unmount-failed",
        /// Warn (`mount.idmapped`): the kernel has no idmapped mounts (ENOSYS,
        /// before Linux 5.12).
        IdmapKernelTooOld = "idmap-kernel-too-old",
        /// Warn (`mount.idmapped`): the storage filesystem does not support
        /// idmapped mounts (EINVAL from mount_setattr).
        IdmapFilesystemUnsupported = "idmap-filesystem-unsupported",
        /// Warn (`mount.idmapped`): the subject may not idmap the storage
        /// filesystem (EPERM: no CAP_SYS_ADMIN over it); root can.
        IdmapNotPermitted = "idmap-not-permitted",
        /// Warn (`mount.idmapped`): the probe failed another way.
        IdmapFailed = "idmap-failed",
        /// Warn (`mount.bind`, or among the further problems of its
        /// failure): `/` is not in a shared peer group (no `shared:` field
        /// in mountinfo), which podman warns about and RootlessKit's
        /// `--propagation=rslave` cannot honour.
        RootNotShared = "root-not-shared",
    }
}
