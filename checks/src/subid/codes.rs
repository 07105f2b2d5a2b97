//! Finding codes of the `subid` family: one per kind of non-pass outcome,
//! kebab-case, stable like the check ids. `subid.subuid` and `subid.subgid`
//! give the same codes; `subid.auto-userns` its own two. Documented per check in docs/checks/subid.md.

crate::finding_codes! {
    /// Finding codes of the `subid` family.
    pub enum Code {
        /// Fail: the file (`/etc/subuid` or `/etc/subgid`) does not exist.
        FileMissing = "file-missing",
        /// Fail: the file is a symlink; shadow opens it with `O_NOFOLLOW` and fails.
        FileSymlink = "file-symlink",
        /// Fail: the file exists but cannot be read.
        FileUnreadable = "file-unreadable",
        /// Fail: the file is larger than the 64 MiB the doctor reads.
        FileTooLarge = "file-too-large",
        /// Fail: the subject has no valid entry in the file.
        NoEntry = "no-entry",
        /// Fail: one of the subject's ranges holds the subject's own uid (gid).
        HoldsOwnId = "holds-own-id",
        /// Fail: one of the subject's ranges reaches past the last id, 4294967294.
        PastIdSpace = "past-id-space",
        /// Warn: one of the subject's ranges overlaps another user's range.
        OverlapsOtherRange = "overlaps-other-range",
        /// Warn: the subject has fewer than 65536 subordinate ids in all.
        TooFewIds = "too-few-ids",
        /// Warn: the subject's ranges hold the id of an existing user (group).
        HoldsAccountId = "holds-account-id",
        /// Warn: the file has lines shadow ignores.
        MalformedLines = "malformed-lines",
        /// Warn: the file does not end in a newline (shadow 4.19 and later refuse it).
        NoFinalNewline = "no-final-newline",
        /// Warn: `subid:` in nsswitch.conf names a source other than `files`.
        NssSource = "nss-source",
        /// Warn (`subid.auto-userns`): the `containers` user, whose ranges rootful
        /// `--userns=auto` hands out, has no range in /etc/subuid or /etc/subgid.
        ContainersNoEntry = "containers-no-entry",
        /// Warn (`subid.auto-userns`): the `containers` user's ranges leave fewer
        /// free ids than the largest automatic namespace (65536).
        ContainersFewIds = "containers-few-ids",
        /// Skip (`subid.auto-userns`): none of podman, buildah and CRI-O, which
        /// hand out `--userns=auto` ids, is installed.
        NoEngine = "no-engine",
    }
}
