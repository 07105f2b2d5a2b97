//! How the doctor's own session was entered, read only: its environment, its
//! audit login uid and its parent processes.
//!
//! Only meaningful when the subject runs the doctor (`Subject::is_invoker`):
//! then the doctor's environment is the one the subject's engines inherit.
//! All of it is read through [`HostFs`] from `/proc/self` (environ,
//! loginuid, stat) and `/proc/PID/stat` of the ancestors, so fixture hosts
//! can lay it out. A shell entered with su, sudo or runuser keeps the audit
//! login uid of the session it came from (pam_loginuid sets it only at a
//! real login); when no login uid was ever set, a switching program among
//! the ancestors tells the same.
//!
//! Decisions: docs/checks/session.md, section `session.user-manager`.

use crate::host::HostFs;

/// The login uid of a process that never went through a login.
pub const LOGINUID_UNSET: u32 = u32::MAX;

/// Programs that switch users without starting a login session.
pub const SWITCHERS: &[&str] = &[
    "su", "sudo", "runuser", "doas", "pkexec", "sudo-rs", "su-rs",
];

/// How many ancestors are walked at most.
const MAX_ANCESTORS: usize = 32;

/// The doctor's own session, as it was entered.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Entry {
    /// DBUS_SESSION_BUS_ADDRESS, if set.
    pub bus_address: Option<String>,
    /// XDG_RUNTIME_DIR, if set.
    pub xdg_runtime_dir: Option<String>,
    /// XDG_SESSION_ID, if set (pam_systemd sets it at a login).
    pub session_id: Option<String>,
    /// /proc/self/loginuid; `None` when it could not be read.
    pub loginuid: Option<u32>,
    /// The nearest ancestor that switches users (`runuser`), if any.
    pub switched_by: Option<String>,
    /// The ancestors' names, nearest first, as read.
    pub ancestors: Vec<String>,
}

impl Entry {
    /// Whether the session was entered without a login of the subject: the
    /// login uid is another user's, or no login uid was set and a switching
    /// program started it.
    pub fn without_login(&self, uid: u32) -> bool {
        match self.loginuid {
            Some(LOGINUID_UNSET) | None => self.switched_by.is_some(),
            Some(login) => login != uid,
        }
    }

    /// The path DBUS_SESSION_BUS_ADDRESS names (`unix:path=P`), if it names one.
    pub fn bus_path(&self) -> Option<&str> {
        bus_path(self.bus_address.as_deref()?)
    }
}

/// The `unix:path=` of a D-Bus address as containers/common reads it
/// (`CheckCgroupsAndAdjustConfig`): the address split on `,` only, the first
/// part that starts with `unix:path=`, the rest of that part taken whole
/// (a `;` and what follows stay in the path podman stats).
pub fn bus_path(address: &str) -> Option<&str> {
    address
        .split(',')
        .find_map(|part| part.strip_prefix("unix:path="))
        .filter(|p| !p.is_empty())
}

/// Reads the doctor's own session through the host seam.
pub fn gather(host: &HostFs) -> Entry {
    let environ = host.read("/proc/self/environ").unwrap_or_default();
    let var = |name: &str| -> Option<String> {
        environ
            .split(|&b| b == 0)
            .filter_map(|entry| {
                let text = String::from_utf8_lossy(entry);
                let (key, value) = text.split_once('=')?;
                (key == name).then(|| value.to_string())
            })
            .next()
            .filter(|v| !v.is_empty())
    };
    let loginuid = host
        .read_value("/proc/self/loginuid")
        .ok()
        .flatten()
        .and_then(|v| v.parse::<u32>().ok());
    let ancestors = ancestors(host);
    let switched_by = ancestors
        .iter()
        .find(|name| SWITCHERS.contains(&name.as_str()))
        .cloned();
    Entry {
        bus_address: var("DBUS_SESSION_BUS_ADDRESS"),
        xdg_runtime_dir: var("XDG_RUNTIME_DIR"),
        session_id: var("XDG_SESSION_ID"),
        loginuid,
        switched_by,
        ancestors,
    }
}

/// `(comm, ppid)` of a `/proc/PID/stat` line; comm may hold spaces and
/// parentheses, so it runs to the last `)`.
pub fn parse_stat(text: &str) -> Option<(String, u32)> {
    let open = text.find('(')?;
    let close = text.rfind(')')?;
    let comm = text.get(open + 1..close)?.to_string();
    let mut rest = text.get(close + 1..)?.split_whitespace();
    let _state = rest.next()?;
    let ppid = rest.next()?.parse().ok()?;
    Some((comm, ppid))
}

/// The names of the doctor's ancestors, nearest first, up to PID 1.
fn ancestors(host: &HostFs) -> Vec<String> {
    let mut names = Vec::new();
    let Some((_, mut pid)) = host
        .read_text("/proc/self/stat")
        .ok()
        .and_then(|t| parse_stat(&t))
    else {
        return names;
    };
    while pid > 1 && names.len() < MAX_ANCESTORS {
        let Some((comm, ppid)) = host
            .read_text(format!("/proc/{pid}/stat"))
            .ok()
            .and_then(|t| parse_stat(&t))
        else {
            break;
        };
        names.push(comm);
        // PIDs wrap, so a parent may have a larger PID; the cap bounds loops.
        pid = ppid;
    }
    names
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::put;

    #[test]
    fn stat_lines_with_odd_names_parse() {
        assert_eq!(
            parse_stat("42 (runuser) S 7 42 42 0 -1"),
            Some(("runuser".into(), 7))
        );
        assert_eq!(
            parse_stat("42 (a) b) (c) S 9 1"),
            Some(("a) b) (c".into(), 9))
        );
        assert_eq!(parse_stat("garbage"), None);
        assert_eq!(parse_stat("1 (x) S notanumber"), None);
        assert_eq!(parse_stat(""), None);
    }

    #[test]
    fn bus_paths_are_read_as_podman_reads_them() {
        assert_eq!(
            bus_path("unix:path=/run/user/1000/bus"),
            Some("/run/user/1000/bus")
        );
        assert_eq!(
            bus_path("unix:path=/run/user/0/bus,guid=abc"),
            Some("/run/user/0/bus")
        );
        assert_eq!(bus_path("unix:abstract=/tmp/dbus-x,guid=1"), None);
        assert_eq!(bus_path("unix:path="), None);
        // podman splits on `,` only: the `;` alternative stays in the path.
        assert_eq!(
            bus_path("unix:path=/run/user/1000/bus;unix:path=/x"),
            Some("/run/user/1000/bus;unix:path=/x")
        );
    }

    #[test]
    fn without_login_prefers_the_login_uid() {
        let mut entry = Entry {
            loginuid: Some(1000),
            switched_by: Some("sudo".into()),
            ..Default::default()
        };
        assert!(!entry.without_login(1000), "sudo -u self inside a login");
        entry.loginuid = Some(0);
        assert!(entry.without_login(1000));
        entry.loginuid = Some(LOGINUID_UNSET);
        assert!(entry.without_login(1000));
        entry.switched_by = None;
        assert!(!entry.without_login(1000));
        entry.loginuid = None;
        assert!(!entry.without_login(1000));
    }

    #[test]
    fn gathered_from_a_fixture_proc() {
        let tmp = tempfile::tempdir().unwrap();
        let root = tmp.path();
        std::fs::create_dir_all(root.join("proc/self")).unwrap();
        std::fs::write(
            root.join("proc/self/environ"),
            b"PATH=/usr/bin\0DBUS_SESSION_BUS_ADDRESS=unix:path=/run/user/0/bus\0XDG_SESSION_ID=\0\xff=x\0",
        )
        .unwrap();
        put(root, "/proc/self/loginuid", "0");
        put(root, "/proc/self/stat", "300 (rootless-doctor) R 200 1 1");
        put(root, "/proc/200/stat", "200 (runuser) S 100 1 1");
        put(root, "/proc/100/stat", "100 (bash) S 1 1 1");
        let entry = gather(&HostFs::rooted(root));
        assert_eq!(
            entry.bus_address.as_deref(),
            Some("unix:path=/run/user/0/bus")
        );
        assert_eq!(entry.session_id, None, "empty is unset");
        assert_eq!(entry.xdg_runtime_dir, None);
        assert_eq!(entry.loginuid, Some(0));
        assert_eq!(entry.ancestors, vec!["runuser", "bash"]);
        assert_eq!(entry.switched_by.as_deref(), Some("runuser"));
        assert!(entry.without_login(1000));
    }

    #[test]
    fn a_parent_loop_is_bounded() {
        let tmp = tempfile::tempdir().unwrap();
        let root = tmp.path();
        put(root, "/proc/self/stat", "5 (me) R 7 1 1");
        put(root, "/proc/7/stat", "7 (a) S 8 1 1");
        put(root, "/proc/8/stat", "8 (b) S 7 1 1");
        let entry = gather(&HostFs::rooted(root));
        assert_eq!(entry.ancestors.len(), MAX_ANCESTORS);
        assert_eq!(entry.loginuid, None);
        assert!(!entry.without_login(1000));
    }
}
