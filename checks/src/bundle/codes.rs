//! Finding codes of the `bundle` family: one per kind of non-pass outcome,
//! kebab-case, stable like the check ids. Documented per check in
//! docs/checks/bundle.md.

crate::finding_codes! {
    /// Finding codes of the `bundle` family.
    pub enum Code {
        /// Error: a bundle check ran without a bundle (a programming error).
        NoBundle = "no-bundle",

        // bundle.config
        /// Fail: the bundle has no config.json.
        ConfigMissing = "config-missing",
        /// Fail: config.json is a directory, FIFO, socket or device.
        ConfigNotAFile = "config-not-a-file",
        /// Error: config.json is larger than the doctor reads.
        ConfigTooLarge = "config-too-large",
        /// Fail: config.json cannot be read.
        ConfigUnreadable = "config-unreadable",
        /// Fail: config.json is empty.
        ConfigEmpty = "config-empty",
        /// Fail: config.json is not valid JSON.
        SyntaxError = "syntax-error",
        /// Fail: a field of config.json has the wrong type.
        TypeError = "type-error",

        // bundle.rootfs
        /// Fail: no `root` or an empty `root.path`.
        RootPathMissing = "root-path-missing",
        /// Fail: the rootfs cannot be stat'ed (missing).
        RootfsMissing = "rootfs-missing",
        /// Fail: the rootfs is not a directory.
        RootfsNotADirectory = "rootfs-not-a-directory",
        /// Fail: a component of `root.path` is a symlink.
        RootfsSymlinkComponent = "rootfs-symlink-component",

        // bundle.process
        /// Fail: config.json has no `process`.
        NoProcess = "no-process",
        /// Fail: `process.cwd` is empty.
        CwdEmpty = "cwd-empty",
        /// Fail: `process.cwd` is relative.
        CwdRelative = "cwd-relative",
        /// Fail: `process.args` is empty.
        ArgsEmpty = "args-empty",
        /// Fail: args[0], a path, does not resolve in the rootfs.
        ProgramNotFound = "program-not-found",
        /// Fail: args[0] is a directory.
        ProgramIsDirectory = "program-is-directory",
        /// Fail: args[0] is a regular file without an x bit for the container user.
        ProgramNotExecutable = "program-not-executable",
        /// Fail: args[0] is not a regular file.
        ProgramNotRegular = "program-not-regular",
        /// Fail: process.env sets no PATH and args[0] is a bare name.
        PathUnset = "path-unset",
        /// Fail: no PATH directory of process.env holds an executable args[0].
        NotOnPath = "not-on-path",
        /// Fail: args[0] is found through a relative PATH entry.
        RelativePathEntry = "relative-path-entry",
        /// Fail: neither an ELF binary nor a `#!` script.
        UnknownFormat = "unknown-format",
        /// Fail: a damaged ELF header.
        DamagedElf = "damaged-elf",
        /// Fail: an ELF of another machine than the host's.
        WrongArchitecture = "wrong-architecture",
        /// Fail: an ELF file that is neither an executable nor a shared object.
        NotAnExecutableElf = "not-an-executable-elf",
        /// Fail: the ELF's PT_INTERP cannot be read.
        BadPtInterp = "bad-pt-interp",
        /// Fail: the ELF loader is missing from the rootfs.
        LoaderMissing = "loader-missing",
        /// Fail: the ELF loader is not an executable file for the container user.
        LoaderNotExecutable = "loader-not-executable",
        /// Fail: the ELF loader is a script.
        LoaderNotElf = "loader-not-elf",
        /// Fail: the `#!` interpreter is missing from the rootfs.
        InterpreterMissing = "interpreter-missing",
        /// Fail: the `#!` interpreter is not an executable file for the container user.
        InterpreterNotExecutable = "interpreter-not-executable",
        /// Fail: a `#!` line without an interpreter.
        ShebangEmpty = "shebang-empty",
        /// Fail: the `#!` line ends in a carriage return.
        CrlfShebang = "crlf-shebang",
        /// Fail: `#!` interpreters nested deeper than the kernel follows.
        InterpretersTooDeep = "interpreters-too-deep",
        /// Error: a resolved file of the rootfs could not be stat'ed.
        StatFailed = "stat-failed",
        /// Error: the gathered facts stop before a verdict (a bug).
        IncompleteFacts = "incomplete-facts",

        // bundle.user
        /// Fail: process.user.uid is not mapped.
        UidUnmapped = "uid-unmapped",
        /// Fail: process.user.gid is not mapped.
        GidUnmapped = "gid-unmapped",
        /// Fail: process.user.additionalGids is set.
        AdditionalGids = "additional-gids",

        // bundle.user and bundle.mounts
        /// Skip: no new user namespace in the config.
        NoNewUserNamespace = "no-new-user-namespace",

        // bundle.uid-mappings and bundle.gid-mappings
        /// Skip: the subject is root, so runc is not rootless.
        NotRootless = "not-rootless",
        /// Fail: no user namespace in linux.namespaces.
        NoUserNamespace = "no-user-namespace",
        /// Skip: the user namespace is joined from a path.
        UsernsJoined = "userns-joined",
        /// Fail: the mappings are empty.
        NoMappings = "no-mappings",
        /// Fail: container id 0 is not mapped.
        ContainerRootUnmapped = "container-root-unmapped",
        /// Fail: container id 0 maps to an id the subject cannot chown to.
        RootNotOwnId = "root-not-own-id",
        /// Fail: an entry the kernel rejects (size 0, overlap, past 32 bits, too many).
        MalformedEntry = "malformed-entry",
        /// Fail: newuidmap/newgidmap is needed and not usable.
        HelperUnusable = "helper-unusable",
        /// Fail: a host range outside the subject's subordinate ranges.
        OutsideSubordinateRanges = "outside-subordinate-ranges",
        /// Fail: more than 5 entries for the helper.
        TooManyEntries = "too-many-entries",
        /// Warn: the mappings fit, but whether the helper is usable is unknown.
        HelperUnknown = "helper-unknown",

        // bundle.mounts
        /// Fail: an id-mapped mount.
        IdmappedMount = "idmapped-mount",
        /// Fail: a `uid=`/`gid=` mount option naming an unmapped id.
        UnmappedIdOption = "unmapped-id-option",
        /// Fail: sysfs without a network namespace of the container's own.
        SysfsWithoutNetns = "sysfs-without-netns",
        /// Fail: mqueue without an ipc namespace of the container's own.
        MqueueWithoutIpcns = "mqueue-without-ipcns",
        /// Fail: proc without a pid namespace of the container's own.
        ProcWithoutPidns = "proc-without-pidns",
        /// Fail: a bind mount whose source does not exist.
        BindSourceMissing = "bind-source-missing",

        // bundle.process: execve's limits
        /// Fail: one string of process.args or process.env is longer than MAX_ARG_STRLEN.
        ArgumentTooLong = "argument-too-long",
        /// Fail: process.args and process.env exceed the kernel's limit for the stack limit.
        ArgumentsTooLong = "arguments-too-long",

        // bundle.process-settings
        /// Fail: a process.rlimits type runc does not know.
        RlimitUnknown = "rlimit-unknown",
        /// Fail: a soft limit above its hard limit.
        RlimitSoftAboveHard = "rlimit-soft-above-hard",
        /// Fail: a hard limit above the subject's own hard limit.
        RlimitAboveHard = "rlimit-above-hard",
        /// Fail: process.oomScoreAdj outside -1000..1000.
        OomScoreAdjInvalid = "oom-score-adj-invalid",
        /// Fail: process.oomScoreAdj below the subject's own.
        OomScoreAdjTooLow = "oom-score-adj-too-low",
        /// Warn: process.terminal without a terminal here.
        TerminalUnavailable = "terminal-unavailable",
        /// Warn: process.scheduler or process.ioPriority that the target runtime applies and that may be refused.
        SchedulingUnverified = "scheduling-unverified",
        /// Fail: process.scheduler or process.ioPriority that runc 1.2's config validator refuses.
        SchedulingInvalid = "scheduling-invalid",
        /// Fail: process.apparmorProfile where AppArmor is not enabled.
        ApparmorDisabled = "apparmor-disabled",
        /// Fail: process.apparmorProfile names a profile that is not loaded.
        ApparmorProfileNotLoaded = "apparmor-profile-not-loaded",
        /// Warn: whether the AppArmor profile is loaded is unknown.
        ApparmorProfileUnknown = "apparmor-profile-unknown",
        /// Fail: process.selinuxLabel where SELinux is disabled.
        SelinuxDisabled = "selinux-disabled",

        // bundle.namespaces
        /// Fail: a namespace type the runtime does not know (runc 1.1: `time`).
        UnknownNamespace = "unknown-namespace",
        /// Fail: a namespace type listed twice.
        DuplicateNamespace = "duplicate-namespace",
        /// Fail: a namespace `path` that does not exist.
        NamespacePathMissing = "namespace-path-missing",
        /// Fail: a namespace `path` the subject cannot open.
        NamespacePathUnopenable = "namespace-path-unopenable",
        /// Fail: a namespace `path` that is not a namespace of that type.
        NotANamespace = "not-a-namespace",
        /// Fail: a namespace the rootless subject may not setns into.
        NamespaceJoinDenied = "namespace-join-denied",
        /// Fail: `hostname` without a UTS namespace.
        HostnameWithoutUts = "hostname-without-uts",
        /// Warn or fail: `domainname` (runc 1.1 ignores it; crun needs a UTS namespace).
        Domainname = "domainname",
        /// Fail: maskedPaths/readonlyPaths without a mount namespace.
        MaskedPathsWithoutMountns = "masked-paths-without-mountns",
        /// Fail: a `net.*` sysctl without a network namespace of the container's own.
        SysctlNeedsNetns = "sysctl-needs-netns",
        /// Fail: an ipc sysctl without an ipc namespace.
        SysctlNeedsIpcns = "sysctl-needs-ipcns",
        /// Fail: `kernel.hostname` as a sysctl (conflicts with `hostname`).
        SysctlConflictsHostname = "sysctl-conflicts-hostname",
        /// Fail: a sysctl that is in no namespace the config creates.
        SysctlNotNamespaced = "sysctl-not-namespaced",
        /// Fail: a namespaced sysctl the container root cannot write in a user namespace.
        SysctlNotWritable = "sysctl-not-writable",

        // bundle.resources
        /// Fail: limits set where the subject gets no cgroup for them.
        ResourcesWithoutCgroup = "resources-without-cgroup",
        /// Fail: `linux.resources.unified` on a cgroup v1 or hybrid host.
        UnifiedOnV1 = "unified-on-v1",
        /// Warn: limits for controllers that may not be delegated.
        ResourcesPartial = "resources-partial",
        /// Warn: the cgroup mode is not known (cgroup.delegation did not state it).
        CgroupModeUnknown = "cgroup-mode-unknown",

        // bundle.seccomp
        /// Fail: a seccomp action the runtime does not know.
        SeccompUnknownAction = "seccomp-unknown-action",
        /// Fail: a seccomp architecture the runtime does not know.
        SeccompUnknownArch = "seccomp-unknown-arch",
        /// Fail: a seccomp argument operator the runtime does not know.
        SeccompUnknownOperator = "seccomp-unknown-operator",
        /// Fail: seccomp `flags`, which runc 1.1 does not support.
        SeccompFlags = "seccomp-flags",
        /// Fail: SCMP_ACT_NOTIFY as the default action or for `write`.
        SeccompNotifyMisuse = "seccomp-notify-misuse",
        /// Fail: an empty syscall name.
        SeccompEmptyName = "seccomp-empty-name",
        /// Fail: an argument index past the 6 syscall arguments.
        SeccompArgIndex = "seccomp-arg-index",
        /// Warn: syscall names libseccomp does not know (ignored).
        SeccompUnknownSyscall = "seccomp-unknown-syscall",

        // bundle.devices
        /// Fail: a device type other than c, u, b, p.
        DeviceInvalidType = "device-invalid-type",
        /// Fail: rootless, no host node at the device path to bind.
        DeviceHostMissing = "device-host-missing",
        /// Fail: rootless, the host node's path cannot be reached by the subject.
        DeviceHostUnreachable = "device-host-unreachable",
        /// Warn: the bound host node differs from the entry or the subject cannot open it.
        DeviceUnusable = "device-unusable",
    }
}
