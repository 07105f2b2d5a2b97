//! Finding codes of the `userns` family: one per kind of non-pass outcome,
//! kebab-case, stable like the check ids. Documented per check in
//! docs/checks/userns.md. A code given by two checks means the same cause in
//! both (`clone-sysctl-off` from the knob, or from the errno it explains).

crate::finding_codes! {
    /// Finding codes of the `userns` family.
    pub enum Code {
        /// Skip: the kernel has no such knob (`kernel.unprivileged_userns_clone`,
        /// `kernel.apparmor_restrict_unprivileged_userns`, or, for
        /// `userns.max-namespaces`, the limits of kernels older than 4.9).
        KnobAbsent = "knob-absent",
        /// Error: a knob's file exists but cannot be read.
        KnobUnreadable = "knob-unreadable",
        /// Error: a knob's file holds something other than an integer.
        KnobNotInteger = "knob-not-integer",
        /// `kernel.unprivileged_userns_clone` is 0: only root may create user
        /// namespaces (`userns.create`: unshare failed with EPERM for it).
        CloneSysctlOff = "clone-sysctl-off",
        /// `user.max_user_namespaces` (or, for `userns.max-namespaces`,
        /// `user.max_mnt_namespaces`) is 0 (`userns.create`: unshare failed
        /// with ENOSPC for it).
        MaxNamespacesZero = "max-namespaces-zero",
        /// Warn: a namespace limit is between 1 and 1023, which a few
        /// containers can use up.
        MaxNamespacesLow = "max-namespaces-low",
        /// The kernel has no user namespace support: no `/proc/self/ns/user`
        /// (`userns.create`: unshare failed with EINVAL or ENOSYS for it).
        NoUsernsSupport = "no-userns-support",
        /// The AppArmor restriction bit an unconfined process and runtimes are
        /// not covered by a profile with `userns` (`userns.create`: it denied
        /// unshare, or left the namespace without capabilities).
        ApparmorRestriction = "apparmor-restriction",
        /// Warn: the AppArmor restriction bit the doctor, but every installed
        /// runtime is covered by a profile that allows userns.
        RuntimesCovered = "runtimes-covered",
        /// Warn: the AppArmor restriction is on and did not bite the doctor's
        /// probe, but some runtime has no profile that allows userns.
        RuntimesUncovered = "runtimes-uncovered",
        /// Warn: the AppArmor restriction is on, and the probe could not
        /// confirm whether it bites.
        RestrictionUnconfirmed = "restriction-unconfirmed",
        /// The namespace was created without CAP_SYS_ADMIN, and not by the
        /// AppArmor restriction: a security module confines the probe.
        CaplessNamespace = "capless-namespace",
        /// A seccomp filter (`Seccomp: 2`) forbids unshare(CLONE_NEWUSER).
        SeccompFilter = "seccomp-filter",
        /// unshare(CLONE_NEWUSER) failed with EPERM or EACCES inside a
        /// container whose sandbox forbids user namespaces.
        ContainerSandbox = "container-sandbox",
        /// unshare(CLONE_NEWUSER) failed with EPERM and no knob, AppArmor or
        /// seccomp explains it (a chroot, a service's RestrictNamespaces=).
        UnexplainedEperm = "unexplained-eperm",
        /// unshare(CLONE_NEWUSER) failed with EACCES: a security module denies it.
        SecurityModuleDenied = "security-module-denied",
        /// unshare(CLONE_NEWUSER) failed with ENOSPC under a non-zero (or
        /// unreadable) `user.max_user_namespaces`: the limit is used up.
        LimitReached = "limit-reached",
        /// unshare(CLONE_NEWUSER) failed with EUSERS: nested deeper than 32
        /// user namespaces.
        NestingTooDeep = "nesting-too-deep",
        /// unshare(CLONE_NEWUSER) failed with EINVAL on a RHEL 7 kernel whose
        /// user namespaces are disabled (limit 0 or `user_namespace.enable` N).
        Rhel7Disabled = "rhel7-disabled",
        /// `/proc/self/setgroups` does not exist: a kernel older than 3.19.
        KernelTooOld = "kernel-too-old",
        /// Writing setgroups, uid_map or gid_map failed with EPERM or EACCES
        /// inside a container, nested namespace or seccomp filter.
        SandboxConfinesMapping = "sandbox-confines-mapping",
        /// Writing setgroups, uid_map or gid_map failed with EPERM or EACCES
        /// though only the own id was mapped: a security module refused it.
        MappingRefused = "mapping-refused",
        /// The namespace was created and mapped, but the probe is not uid 0 in it.
        NotRootInside = "not-root-inside",
        /// Error: the probe failed with an errno at a step no rule explains.
        UnexpectedErrno = "unexpected-errno",
    }
}
