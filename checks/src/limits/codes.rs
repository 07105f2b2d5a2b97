//! Finding codes of the `limits` family: one per kind of non-pass outcome,
//! kebab-case, stable like the check ids. Documented per check in
//! docs/checks/limits.md.

crate::finding_codes! {
    /// Finding codes of the `limits` family.
    pub enum Code {
        // limits.nofile
        /// Warn: the subject's hard RLIMIT_NOFILE is below 65536, so podman
        /// gives containers fewer open files than images expect and
        /// `--ulimit nofile` above it is refused.
        NofileLow = "nofile-low",
        /// Warn: the subject's soft RLIMIT_NPROC is below 4096; it counts every
        /// process of the subject's uid, and podman passes it to containers.
        NprocLow = "nproc-low",
        /// Error: the limits could not be read (/proc/self/limits).
        Unreadable = "unreadable",
    }
}
