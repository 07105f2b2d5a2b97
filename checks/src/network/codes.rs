//! Finding codes of the `network` family: one per kind of non-pass outcome,
//! kebab-case, stable like the check ids. Documented per check in
//! docs/checks/network.md.

crate::finding_codes! {
    /// Finding codes of the `network` family.
    pub enum Code {
        /// Skip: no rootless engine is on the subject's PATH.
        NoEngine = "no-engine",
        /// Fail: the helper an engine will use is not installed.
        HelperMissing = "helper-missing",
        /// Fail: the helper is older than its engine accepts.
        HelperTooOld = "helper-too-old",
        /// Warn: the configuration names a helper the doctor does not know.
        HelperUnknown = "helper-unknown",
        /// Fail: the helper does not run (`--version` failed).
        HelperCannotRun = "helper-cannot-run",
        /// Fail: slirp4netns, started for real, did not get ready.
        HelperStartFailed = "helper-start-failed",
        /// Warn: slirp4netns was built without libseccomp (`--enable-seccomp` fails).
        HelperNoSeccomp = "helper-no-seccomp",
        /// Warn: pasta runs under the passt AppArmor profile, which some
        /// podman versions' namespace paths do not match.
        PastaApparmor = "pasta-apparmor",
        /// Fail/warn: /dev/net/tun does not exist.
        TunMissing = "tun-missing",
        /// Fail/warn: /dev/net/tun's mode refuses the subject.
        TunMode = "tun-mode",
        /// Fail/warn: a cgroup device rule or a sandbox refuses /dev/net/tun.
        TunRefused = "tun-refused",
        /// Fail/warn: the kernel has no tun driver.
        TunModuleAbsent = "tun-module-absent",
        /// Fail/warn: /dev/net/tun opens but no tap device can be created.
        TapRefused = "tap-refused",
        /// Error: the tun probe failed in a way the doctor does not recognise.
        TunUnexplained = "tun-unexplained",
        /// Warn: ports below net.ipv4.ip_unprivileged_port_start cannot be published.
        PrivilegedPorts = "privileged-ports",
        /// Warn: net.ipv4.ping_group_range leaves out gids that need ICMP sockets.
        PingRange = "ping-range",
        /// Error or skip: a sysctl could not be read, or is not what the kernel writes.
        SysctlUnreadable = "sysctl-unreadable",
    }
}
