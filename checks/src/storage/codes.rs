//! Finding codes of the `storage` family: one per kind of non-pass outcome,
//! kebab-case, stable like the check ids. Documented per check in
//! docs/checks/storage.md.

crate::finding_codes! {
    /// Finding codes of the `storage` family.
    pub enum Code {
        /// Skip: no container engine with rootless storage is installed
        /// (neither podman nor dockerd-rootless.sh on the subject's PATH).
        NoEngine = "no-engine",
        /// `storage.graphroot`: the storage is on NFS, CIFS, GPFS, Lustre or
        /// another network filesystem.
        NetworkFilesystem = "network-filesystem",
        /// `storage.graphroot`: the storage filesystem is mounted noexec.
        Noexec = "noexec",
        /// Warn (`storage.graphroot`): mounted nosuid.
        Nosuid = "nosuid",
        /// Warn (`storage.graphroot`): the storage is on tmpfs (lost at reboot,
        /// held in memory).
        VolatileFilesystem = "volatile-filesystem",
        /// Warn (`storage.graphroot`): the storage is on overlay, aufs, zfs or
        /// ecryptfs, where native overlay needs a mount program.
        NeedsMountProgram = "needs-mount-program",
        /// Warn (`storage.graphroot`): less than 2 GiB free.
        LowSpace = "low-space",
        /// Warn (`storage.graphroot`): a parent directory the subject owns
        /// lets no other id through (a 0700 home).
        ParentNotTraversable = "parent-not-traversable",
        /// `storage.graphroot`: the subject cannot reach the storage path.
        Unreachable = "unreachable",
        /// Warn (`storage.graphroot`, `storage.driver`): the engine's
        /// configuration could not be read.
        ConfigUnreadable = "config-unreadable",
        /// Warn (`storage.driver`): the engine stores with vfs (no storage.conf
        /// names a driver, or one names vfs): it works, but is slow and large.
        VfsFallback = "vfs-fallback",
        /// Warn (`storage.driver`): native overlay fails on the storage
        /// filesystem, and the engine uses fuse-overlayfs instead.
        FuseFallback = "fuse-fallback",
        /// `storage.driver`: the storage filesystem gives no file types in
        /// directory entries (xfs with ftype=0), and no fallback works.
        NoDType = "no-d-type",
        /// `storage.driver`: a whiteout (a 0/0 character device) cannot be
        /// created on the storage filesystem, and no fallback works.
        WhiteoutRefused = "whiteout-refused",
        /// `storage.driver`: the kernel refused the overlay mount on the
        /// storage filesystem, and no fallback works.
        OverlayRefused = "overlay-refused",
        /// `storage.driver`: overlay mounted, but deleting or replacing a lower
        /// file did not leave a whiteout or an opaque directory.
        OverlayBroken = "overlay-broken",
        /// `storage.driver`: the configured mount program (fuse-overlayfs)
        /// does not work on the storage filesystem.
        MountProgramFailed = "mount-program-failed",
        /// Error (`storage.driver`): the probe failed before its test (the
        /// namespaces, the scratch directory) for a reason no rule explains.
        ProbeFailed = "probe-failed",
        /// Skip (`storage.driver`): the storage path lies under a directory
        /// the subject does not own, so the probe has nowhere to work.
        NowhereToProbe = "nowhere-to-probe",
        /// `storage.driver`: the store under the graph root was made with
        /// another driver than the one the configuration now gives (podman:
        /// "database graph driver … does not match our graph driver …").
        StoreDriverMismatch = "store-driver-mismatch",
    }
}
