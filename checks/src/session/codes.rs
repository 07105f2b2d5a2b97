//! Finding codes of the `session` family: one per kind of non-pass outcome,
//! kebab-case, stable like the check ids. Documented per check in
//! docs/checks/session.md.

crate::finding_codes! {
    /// Finding codes of the `session` family.
    pub enum Code {
        // session.user-manager and session.linger
        /// Skip: systemd is not the init system (no /run/systemd/system), so
        /// there is no user manager and no lingering; the engines use cgroupfs
        /// and no user units.
        NoSystemd = "no-systemd",

        // session.user-manager
        /// Warn: no systemd user manager runs for the subject
        /// (/run/user/UID/systemd/private is missing).
        NoUserManager = "no-user-manager",
        /// Warn: the user manager runs but there is no user bus socket
        /// (/run/user/UID/bus): the user D-Bus is not installed.
        NoUserBus = "no-user-bus",
        /// Fail or warn: DBUS_SESSION_BUS_ADDRESS points at the system bus or
        /// another user's bus; fail when that socket is reachable (podman asks
        /// it for scopes and is refused), warn when not (podman falls back to
        /// cgroupfs).
        BusElsewhere = "bus-elsewhere",
        /// Warn: the shell was entered with su, sudo or runuser, without a
        /// login session, and its environment does not lead to the user bus.
        NoLoginSession = "no-login-session",

        // session.linger
        /// Warn: lingering is off, so the user manager and its services and
        /// containers stop at the last logout.
        LingerOff = "linger-off",
    }
}
