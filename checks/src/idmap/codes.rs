//! Finding codes of the `idmap` family: one per kind of non-pass outcome,
//! kebab-case, stable like the check ids. Documented per check in
//! docs/checks/idmap.md and docs/checks/idmap-multi-map.md. The codes of the
//! helper checks are shared by `idmap.newuidmap` and `idmap.newgidmap` and
//! mean the same cause for either helper.

crate::finding_codes! {
    /// Finding codes of the `idmap` family.
    pub enum Code {
        // idmap.newuidmap and idmap.newgidmap.
        /// Fail: the helper is nowhere: not on the subject's PATH, not in a
        /// standard directory.
        NotFound = "not-found",
        /// Fail: the helper is installed in a standard directory that is not
        /// on the subject's PATH; runc reports "mapping tool not present".
        NotOnPath = "not-on-path",
        /// Error: the helper on PATH could not be stat'ed.
        Uninspectable = "uninspectable",
        /// Fail: the helper on PATH is not a regular file.
        NotRegularFile = "not-regular-file",
        /// Fail: the helper on PATH is not owned by root.
        NotRootOwned = "not-root-owned",
        /// Fail: the helper is setuid root but also carries file
        /// capabilities, so the kernel grants it only those.
        SetuidWithFileCaps = "setuid-with-file-caps",
        /// Fail: the helper is neither setuid root nor carries any file
        /// capability.
        NotPrivileged = "not-privileged",
        /// Fail: the helper's file capabilities lack CAP_SETUID (newgidmap:
        /// CAP_SETGID).
        FileCapsLackCapability = "file-caps-lack-capability",
        /// Fail: the helper's file capabilities lack the effective flag.
        FileCapsNotEffective = "file-caps-not-effective",
        /// Fail: the helper's file capabilities belong to a user namespace
        /// (revision 3, non-zero root uid), so the host ignores them.
        FileCapsNamespaced = "file-caps-namespaced",
        /// Fail: the helper's `security.capability` is not a valid
        /// `vfs_cap_data`, so the kernel ignores it.
        FileCapsInvalid = "file-caps-invalid",
        /// Fail: the helper's `security.capability` could not be read.
        FileCapsUnreadable = "file-caps-unreadable",
        /// Fail: the helper sits on a `nosuid` mount, which disables setuid
        /// and file capabilities.
        NosuidMount = "nosuid-mount",
        /// Fail: NoNewPrivs is set, so setuid and file capabilities are ignored.
        NoNewPrivs = "no-new-privs",
        /// Warn: the subject may not be allowed to execute the helper.
        NotExecutable = "not-executable",

        // idmap.multi-map.
        /// Warn: the helpers mapped fewer than 65536 ids.
        TooFewIds = "too-few-ids",
        /// Fail: the helpers succeeded, but the maps read back lack the ranges.
        MapsIncomplete = "maps-incomplete",
        /// Fail: a helper refused the subordinate range: /etc/subuid or
        /// /etc/subgid does not give it to the subject as shadow reads it.
        RangeNotAllowed = "range-not-allowed",
        /// Fail: a helper could not raise its capabilities ("Could not set caps").
        HelperUnprivileged = "helper-unprivileged",
        /// Fail: a helper refused the target process as owned by another user
        /// (`/proc` mounted with `hidepid=` or `gid=`).
        TargetOwnerMismatch = "target-owner-mismatch",
        /// Fail: a helper cannot read /etc/subuid or /etc/subgid.
        SubidUnreadable = "subid-unreadable",
        /// Fail: a helper cannot find the subject in the passwd database.
        UserUnresolvable = "user-unresolvable",
        /// Fail: the kernel refused a helper's write to uid_map or gid_map.
        MapWriteRefused = "map-write-refused",
        /// Fail: a helper could not be run (missing, exit 127).
        HelperNotRun = "helper-not-run",
        /// Fail: a helper failed with a message no rule explains.
        HelperFailed = "helper-failed",
        /// Error: a helper rejected the probe's arguments (its usage message).
        ArgumentsRejected = "arguments-rejected",
        /// Error: the probe failed at a step of its own (spawn, unshare,
        /// read-map) or an unknown one.
        UnexpectedFailure = "unexpected-failure",
    }
}
