//! Judging newuidmap or newgidmap from gathered facts (pure).
//!
//! The copy on the subject's PATH is the one runc runs. It passes when it is
//! a root-owned regular file that is setuid root or carries CAP_SETUID
//! (newgidmap: CAP_SETGID) as a permitted file capability with the effective
//! flag, sits on a mount without `nosuid`, and NoNewPrivs is not set; a file
//! the subject cannot execute is a warning. Missing, off PATH, unprivileged,
//! `nosuid` and NoNewPrivs are failures; several at once are all named.

use super::filecaps::cap_name;
use super::helper::{CapsState, FileInfo, FileKind, HelperFacts, Located, MapTool, STANDARD_DIRS};
use crate::distro::{Component, Distro};
use crate::model::{Evidence, Outcome, Remediation};
use crate::shell::{quote, quote_path};
use std::path::Path;

/// How a copy of the helper gets (or fails to get) its privilege.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Privilege {
    SetuidRoot,
    FileCaps(String),
    /// Why neither works, as a clause following the path ("is owned by ...").
    None(String),
}

fn privilege(info: &FileInfo, tool: MapTool) -> Privilege {
    if info.uid != 0 {
        return Privilege::None(format!("is owned by uid {}, not root", info.uid));
    }
    if info.mode & 0o4000 != 0 {
        return match &info.caps {
            // A setuid-root program with file capabilities gets just those
            // (capabilities(7)); shadow's helper then cannot open the target's
            // map file: "open of uid_map failed: Permission denied".
            CapsState::Decoded(caps) if caps.rootid.unwrap_or(0) == 0 => Privilege::None(format!(
                "is setuid root but also carries the file capabilities {caps}, so the kernel \
                 grants it only those and it fails with \"open of {}_map failed: Permission \
                 denied\"",
                if tool == MapTool::Uid { "uid" } else { "gid" }
            )),
            _ => Privilege::SetuidRoot,
        };
    }
    let cap = cap_name(tool.capability());
    let why = match &info.caps {
        CapsState::Decoded(caps) if caps.grants_on_host(tool.capability()) => {
            return Privilege::FileCaps(caps.to_string());
        }
        CapsState::Decoded(caps) if !caps.permits(tool.capability()) => {
            format!("its file capabilities {caps} lack {cap}")
        }
        CapsState::Decoded(caps) if !caps.effective => {
            format!("its file capabilities {caps} lack the effective flag")
        }
        CapsState::Decoded(caps) => format!(
            "its file capabilities {caps} belong to the user namespace whose root is uid {}, \
             so the host ignores them",
            caps.rootid.unwrap_or(0)
        ),
        CapsState::Invalid(e) => format!("its {e}, so the kernel ignores it"),
        CapsState::Unreadable(e) => format!("its file capabilities are unreadable ({e})"),
        CapsState::None => "it has no file capabilities".to_string(),
    };
    Privilege::None(format!("is neither setuid root nor {cap}+ep: {why}"))
}

fn owner_name(id: u32) -> String {
    if id == 0 {
        "root".to_string()
    } else {
        id.to_string()
    }
}

/// `0755 root:root, no file capabilities`, `4755 root:root`,
/// `0755 root:root, file capabilities cap_setuid+ep`.
fn mode_text(info: &FileInfo) -> String {
    let base = format!(
        "{:04o} {}:{}",
        info.mode,
        owner_name(info.uid),
        owner_name(info.gid)
    );
    let caps = match &info.caps {
        CapsState::None if info.mode & 0o4000 != 0 => return base,
        CapsState::None => "no file capabilities".to_string(),
        CapsState::Decoded(caps) => format!("file capabilities {caps}"),
        CapsState::Invalid(e) => format!("malformed file capabilities ({e})"),
        CapsState::Unreadable(e) => format!("file capabilities unreadable ({e})"),
    };
    let kind = match info.kind {
        FileKind::Regular => "",
        FileKind::Directory => ", a directory",
        FileKind::Other => ", not a regular file",
    };
    format!("{base}{kind}, {caps}")
}

fn path_text(located: &Located) -> String {
    match &located.canonical {
        Some(canonical) if canonical != &located.path => {
            format!("{} -> {}", located.path.display(), canonical.display())
        }
        _ => located.path.display().to_string(),
    }
}

/// The path as a user reads it in a message: `/bin/newuidmap (/usr/bin/newuidmap)`.
fn path_words(located: &Located) -> String {
    match &located.canonical {
        Some(canonical) if canonical != &located.path => {
            format!("{} ({})", located.path.display(), canonical.display())
        }
        _ => located.path.display().to_string(),
    }
}

fn dir_of(path: &Path) -> String {
    path.parent()
        .map(|p| p.display().to_string())
        .unwrap_or_else(|| "/".to_string())
}

/// True when this copy would work if it were the one runc runs.
fn works(located: &Located, tool: MapTool) -> bool {
    located.file.as_ref().is_ok_and(|info| {
        info.kind == FileKind::Regular
            && !matches!(privilege(info, tool), Privilege::None(_))
            && !info.mount.as_ref().is_some_and(|m| m.nosuid)
    })
}

fn in_standard_dir(located: &Located) -> bool {
    [Some(located.path.as_path()), located.canonical.as_deref()]
        .into_iter()
        .flatten()
        .any(|p| {
            STANDARD_DIRS
                .iter()
                .any(|d| p.parent() == Some(Path::new(d)))
        })
}

fn subject_can_execute(facts: &HelperFacts, info: &FileInfo) -> bool {
    facts.subject_uid == 0
        || info.mode & 0o001 != 0
        || (info.uid == facts.subject_uid && info.mode & 0o100 != 0)
        || (info.gid == facts.subject_gid && info.mode & 0o010 != 0)
}

/// Installs the package, or reinstalls it when it is installed but its file
/// is gone (a package manager's plain install then does nothing).
fn install_fix(distro: &Distro) -> Remediation {
    let package = distro.package(Component::Uidmap);
    Remediation::root(
        format!("install {package}, which provides newuidmap and newgidmap (or reinstall it if its files are gone)"),
        vec![format!("{} || {}", distro.reinstall(package), distro.install(&[package]))],
    )
}

/// The fixes that give a copy its privilege back.
fn privilege_fixes(located: &Located, tool: MapTool, distro: &Distro) -> Vec<Remediation> {
    let package = distro.package(Component::Uidmap);
    let target = located.target().display().to_string();
    let word = quote_path(located.target());
    let first = if in_standard_dir(located) {
        Remediation::root(
            format!(
                "reinstall {package}, which restores the privileges of {}",
                tool.name()
            ),
            vec![distro.reinstall(package)],
        )
    } else {
        install_fix(distro)
    };
    vec![
        first,
        Remediation::root(
            format!("or make {target} setuid root by hand"),
            vec![
                format!("chown root:root {word}"),
                format!("chmod u+s {word}"),
            ],
        )
        .alternative(),
        Remediation::root(
            format!(
                "or give {target} the {}+ep file capability instead",
                cap_name(tool.capability())
            ),
            vec![format!("setcap {}+ep {word}", cap_name(tool.capability()))],
        )
        .alternative(),
    ]
}

/// A mount whose files only root controls: not FUSE (its owner decides what
/// the files are), not below a directory users write to.
fn system_mount(point: &Path, fs_type: &str) -> bool {
    const USER_AREAS: &[&str] = &["/home", "/tmp", "/var/tmp", "/run/user", "/media", "/mnt"];
    !fs_type.starts_with("fuse") && !USER_AREAS.iter().any(|area| point.starts_with(area))
}

fn path_first_fix(good: &Located) -> Remediation {
    let dir = dir_of(&good.path);
    Remediation::root(
        format!(
            "put {dir} first on the PATH the runtime is started with (shell profile, \
             systemd unit Environment=), so that {} is found",
            good.path.display()
        ),
        vec![format!("export PATH={}:\"$PATH\"", quote(&dir))],
    )
    .as_user()
}

fn not_on_path(facts: &HelperFacts, distro: &Distro) -> Outcome {
    let name = facts.tool.name();
    let path = Evidence::setting("PATH", facts.path_var.as_str());
    let Some(other) = facts
        .elsewhere
        .iter()
        .find(|l| works(l, facts.tool))
        .or_else(|| facts.elsewhere.first())
    else {
        return Outcome::fail(format!("{name} not found on PATH {}", facts.path_var))
            .with(path)
            .fix(install_fix(distro));
    };
    let dir = dir_of(&other.path);
    let mut outcome = Outcome::fail(format!(
        "{name} is in {dir} but not on PATH {}; runc reports \"mapping tool not present\"",
        facts.path_var
    ))
    .with(path)
    .with(Evidence::fact("path", path_text(other)));
    if let Ok(info) = &other.file {
        outcome = outcome.with(Evidence::fact("mode", mode_text(info)));
    }
    outcome = outcome.fix(
        Remediation::root(
            format!(
                "add {dir} to the PATH the runtime is started with (shell profile, \
                 systemd unit Environment=)"
            ),
            vec![format!("export PATH=\"$PATH:{dir}\"")],
        )
        .as_user(),
    );
    if !works(other, facts.tool) {
        outcome = outcome.fixes(privilege_fixes(other, facts.tool, distro));
    }
    outcome
}

/// Judges one helper.
pub(crate) fn judge(facts: &HelperFacts, distro: &Distro) -> Outcome {
    let Some(found) = &facts.on_path else {
        return not_on_path(facts, distro);
    };
    let tool = facts.tool;
    let shown = path_words(found);
    let mut evidence = vec![Evidence::fact("path", path_text(found))];
    let info = match &found.file {
        Ok(info) => info,
        Err(e) => return Outcome::error(format!("cannot inspect {shown}: {e}")).with_all(evidence),
    };
    evidence.push(Evidence::fact("mode", mode_text(info)));

    let mut failures: Vec<String> = Vec::new();
    let mut fixes: Vec<Remediation> = Vec::new();
    let good_elsewhere = facts.elsewhere.iter().find(|l| works(l, tool));

    let (how, unprivileged) = match privilege(info, tool) {
        Privilege::SetuidRoot => (Some("is setuid root".to_string()), None),
        Privilege::FileCaps(caps) => (Some(format!("has the file capability {caps}")), None),
        Privilege::None(why) => (None, Some(format!("{shown} {why}"))),
    };
    let unusable = if info.kind == FileKind::Regular {
        unprivileged
    } else {
        Some(format!("{shown} is not a regular file"))
    };
    if let Some(problem) = unusable {
        failures.push(problem);
        if let Some(good) = good_elsewhere {
            fixes.push(path_first_fix(good));
            evidence.push(Evidence::fact("privileged copy", path_text(good)));
        }
        // A user's own copy (e.g. ~/.nix-profile/bin) is not worth repairing
        // when a working one is installed: the PATH fix is enough.
        if good_elsewhere.is_none() || in_standard_dir(found) {
            fixes.extend(privilege_fixes(found, tool, distro));
        }
    }
    if let Some(mount) = info.mount.as_ref().filter(|m| m.nosuid) {
        let point = mount.mount_point.display();
        failures.push(format!(
            "{point} is mounted nosuid, which disables setuid and file capabilities"
        ));
        evidence.push(Evidence::fact(
            "mount",
            format!("{point} {} {}", mount.options, mount.fs_type),
        ));
        if fixes.is_empty() {
            if let Some(good) = good_elsewhere {
                fixes.push(path_first_fix(good));
            }
        }
        // Only a system mount: remounting a FUSE or user-writable mount suid
        // would let its owner serve setuid-root programs.
        if system_mount(&mount.mount_point, &mount.fs_type) {
            fixes.push(
                Remediation::root(
                    format!(
                        "remount {point} with suid (to keep it, drop nosuid from its entry in \
                         /etc/fstab or its mount unit)"
                    ),
                    vec![format!(
                        "mount -o remount,suid {}",
                        quote_path(&mount.mount_point)
                    )],
                )
                .until_reboot(),
            );
        }
    }
    if let Some(nnp) = facts.no_new_privs {
        evidence.push(Evidence::setting("NoNewPrivs", if nnp { "1" } else { "0" }));
        if nnp {
            failures
                .push("NoNewPrivs is set, so setuid and file capabilities are ignored".to_string());
            fixes.push(Remediation::root(
                "start the runtime outside whatever set NoNewPrivs (a systemd unit's \
                 NoNewPrivileges=yes, a container started with no-new-privileges, a sandbox); \
                 it is inherited and cannot be cleared",
                Vec::new(),
            ));
        }
    }

    if !failures.is_empty() {
        return Outcome::fail(failures.join("; "))
            .with_all(evidence)
            .fixes(fixes);
    }
    if !subject_can_execute(facts, info) {
        return Outcome::warn(format!(
            "{shown} may not be executable by {}: mode {:04o}, group {}",
            facts.subject_name,
            info.mode,
            owner_name(info.gid)
        ))
        .with_all(evidence)
        .fix(Remediation::root(
            format!("let every user execute {}", found.target().display()),
            vec![format!("chmod o+x {}", quote_path(found.target()))],
        ));
    }
    let Some(how) = how else {
        return Outcome::error(format!("{shown}: privilege could not be determined"))
            .with_all(evidence);
    };
    Outcome::pass(format!("{shown} {how}")).with_all(evidence)
}

#[cfg(test)]
mod tests {
    use super::super::filecaps::FileCaps;
    use super::super::helper::MountFacts;
    use super::*;
    use crate::model::Status;
    use crate::os_release::OsRelease;
    use crate::testing::debian;
    use std::path::PathBuf;

    fn fedora() -> Distro {
        Distro::from_os_release(&OsRelease::parse("ID=fedora\n"))
    }

    fn root_mount() -> Option<MountFacts> {
        Some(MountFacts {
            mount_point: PathBuf::from("/"),
            options: "rw,relatime".into(),
            fs_type: "ext4".into(),
            nosuid: false,
        })
    }

    fn info(mode: u32, uid: u32, caps: CapsState) -> FileInfo {
        FileInfo {
            kind: FileKind::Regular,
            uid,
            gid: uid,
            mode,
            caps,
            mount: root_mount(),
        }
    }

    fn at(path: &str, file: FileInfo) -> Located {
        Located {
            path: PathBuf::from(path),
            canonical: Some(PathBuf::from(path)),
            file: Ok(file),
        }
    }

    fn facts(tool: MapTool, on_path: Option<Located>) -> HelperFacts {
        HelperFacts {
            tool,
            path_var: "/usr/local/bin:/usr/bin:/bin".into(),
            subject_name: "alice".into(),
            subject_uid: 1000,
            subject_gid: 1000,
            on_path,
            elsewhere: Vec::new(),
            no_new_privs: Some(false),
        }
    }

    fn caps(permitted: u64, effective: bool, rootid: Option<u32>) -> CapsState {
        CapsState::Decoded(FileCaps {
            revision: if rootid.is_some() { 3 } else { 2 },
            permitted,
            inheritable: 0,
            effective,
            rootid,
        })
    }

    fn commands(outcome: &Outcome) -> Vec<String> {
        outcome
            .remediation
            .iter()
            .flat_map(|r| r.commands.clone())
            .collect()
    }

    fn fact<'o>(outcome: &'o Outcome, name: &str) -> Option<&'o str> {
        outcome.evidence.iter().find_map(|e| match e {
            Evidence::Fact { name: n, value } if n == name => Some(value.as_str()),
            _ => None,
        })
    }

    #[test]
    fn setuid_root_with_file_capabilities_fails() {
        // cap_setgid=ep, revision 2, as setcap writes it.
        let bytes = [
            1u8, 0, 0, 2, 0x40, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
        ];
        let caps = CapsState::Decoded(super::super::filecaps::decode(&bytes).unwrap());
        let f = facts(
            MapTool::Gid,
            Some(at("/usr/bin/newgidmap", info(0o4755, 0, caps))),
        );
        let outcome = judge(&f, &debian());
        assert_eq!(outcome.status, crate::Status::Fail, "{}", outcome.message);
        assert!(
            outcome.message.contains("grants it only those"),
            "{}",
            outcome.message
        );
    }

    #[test]
    fn setuid_root_passes() {
        let f = facts(
            MapTool::Uid,
            Some(at("/usr/bin/newuidmap", info(0o4755, 0, CapsState::None))),
        );
        let outcome = judge(&f, &debian());
        assert_eq!(outcome.status, Status::Pass);
        assert_eq!(outcome.message, "/usr/bin/newuidmap is setuid root");
        assert_eq!(fact(&outcome, "mode"), Some("4755 root:root"));
        assert!(outcome
            .evidence
            .contains(&Evidence::setting("NoNewPrivs", "0")));
    }

    #[test]
    fn the_right_file_capability_passes() {
        let f = facts(
            MapTool::Uid,
            Some(at(
                "/usr/bin/newuidmap",
                info(0o755, 0, caps(1 << 7, true, None)),
            )),
        );
        let outcome = judge(&f, &fedora());
        assert_eq!(outcome.status, Status::Pass, "{outcome:?}");
        assert_eq!(
            outcome.message,
            "/usr/bin/newuidmap has the file capability cap_setuid+ep"
        );
        assert_eq!(
            fact(&outcome, "mode"),
            Some("0755 root:root, file capabilities cap_setuid+ep")
        );
        let f = facts(
            MapTool::Gid,
            Some(at(
                "/usr/bin/newgidmap",
                info(0o755, 0, caps(1 << 6, true, None)),
            )),
        );
        assert_eq!(judge(&f, &fedora()).status, Status::Pass);
    }

    #[test]
    fn newgidmap_needs_cap_setgid_not_cap_setuid() {
        let f = facts(
            MapTool::Gid,
            Some(at(
                "/usr/bin/newgidmap",
                info(0o755, 0, caps(1 << 7, true, None)),
            )),
        );
        let outcome = judge(&f, &fedora());
        assert_eq!(outcome.status, Status::Fail);
        assert_eq!(
            outcome.message,
            "/usr/bin/newgidmap is neither setuid root nor cap_setgid+ep: \
             its file capabilities cap_setuid+ep lack cap_setgid"
        );
        assert_eq!(
            commands(&outcome),
            [
                "dnf reinstall -y shadow-utils",
                "chown root:root /usr/bin/newgidmap",
                "chmod u+s /usr/bin/newgidmap",
                "setcap cap_setgid+ep /usr/bin/newgidmap",
            ]
        );
    }

    #[test]
    fn capabilities_without_effective_or_for_a_namespace_fail() {
        let f = facts(
            MapTool::Uid,
            Some(at(
                "/usr/bin/newuidmap",
                info(0o755, 0, caps(1 << 7, false, None)),
            )),
        );
        let outcome = judge(&f, &debian());
        assert_eq!(outcome.status, Status::Fail);
        assert!(
            outcome.message.ends_with("lack the effective flag"),
            "{}",
            outcome.message
        );

        let f = facts(
            MapTool::Uid,
            Some(at(
                "/usr/bin/newuidmap",
                info(0o755, 0, caps(1 << 7, true, Some(100_000))),
            )),
        );
        let outcome = judge(&f, &debian());
        assert_eq!(outcome.status, Status::Fail);
        assert!(
            outcome.message.contains("root is uid 100000"),
            "{}",
            outcome.message
        );
    }

    #[test]
    fn plain_0755_root_fails_with_reinstall_and_manual_fixes() {
        let f = facts(
            MapTool::Uid,
            Some(at("/usr/bin/newuidmap", info(0o755, 0, CapsState::None))),
        );
        let outcome = judge(&f, &debian());
        assert_eq!(outcome.status, Status::Fail);
        assert_eq!(
            outcome.message,
            "/usr/bin/newuidmap is neither setuid root nor cap_setuid+ep: \
             it has no file capabilities"
        );
        assert_eq!(
            fact(&outcome, "mode"),
            Some("0755 root:root, no file capabilities")
        );
        assert_eq!(
            commands(&outcome),
            [
                "apt-get install --reinstall -y uidmap",
                "chown root:root /usr/bin/newuidmap",
                "chmod u+s /usr/bin/newuidmap",
                "setcap cap_setuid+ep /usr/bin/newuidmap",
            ]
        );
        assert!(outcome.remediation.iter().all(|r| r.requires_root));
    }

    #[test]
    fn setuid_but_not_root_owned_fails() {
        let f = facts(
            MapTool::Uid,
            Some(at(
                "/usr/bin/newuidmap",
                info(0o4755, 1000, CapsState::None),
            )),
        );
        let outcome = judge(&f, &debian());
        assert_eq!(outcome.status, Status::Fail);
        assert_eq!(
            outcome.message,
            "/usr/bin/newuidmap is owned by uid 1000, not root"
        );
        assert_eq!(fact(&outcome, "mode"), Some("4755 1000:1000"));
    }

    #[test]
    fn a_user_copy_first_on_path_points_at_the_privileged_one() {
        let mut f = facts(
            MapTool::Uid,
            Some(at(
                "/home/alice/.nix-profile/bin/newuidmap",
                info(0o555, 0, CapsState::None),
            )),
        );
        f.elsewhere
            .push(at("/usr/bin/newuidmap", info(0o4755, 0, CapsState::None)));
        let outcome = judge(&f, &debian());
        assert_eq!(outcome.status, Status::Fail);
        assert_eq!(
            outcome.remediation[0].commands,
            ["export PATH=/usr/bin:\"$PATH\""]
        );
        assert!(!outcome.remediation[0].requires_root);
        assert_eq!(
            fact(&outcome, "privileged copy"),
            Some("/usr/bin/newuidmap")
        );
        assert_eq!(outcome.remediation.len(), 1);
        // Not package-managed where it is and nothing better installed:
        // install, not reinstall.
        f.elsewhere.clear();
        let outcome = judge(&f, &debian());
        assert_eq!(
            outcome.remediation[0].commands,
            ["apt-get install --reinstall -y uidmap || apt-get install -y uidmap"]
        );
    }

    #[test]
    fn missing_fails_with_the_install_command() {
        let outcome = judge(&facts(MapTool::Uid, None), &debian());
        assert_eq!(outcome.status, Status::Fail);
        assert_eq!(
            outcome.message,
            "newuidmap not found on PATH /usr/local/bin:/usr/bin:/bin"
        );
        assert_eq!(
            commands(&outcome),
            ["apt-get install --reinstall -y uidmap || apt-get install -y uidmap"]
        );
        let outcome = judge(&facts(MapTool::Gid, None), &fedora());
        assert_eq!(
            commands(&outcome),
            ["dnf reinstall -y shadow-utils || dnf install -y shadow-utils"]
        );
    }

    #[test]
    fn off_path_fails_naming_the_directory() {
        let mut f = facts(MapTool::Uid, None);
        f.elsewhere
            .push(at("/usr/sbin/newuidmap", info(0o4755, 0, CapsState::None)));
        let outcome = judge(&f, &debian());
        assert_eq!(outcome.status, Status::Fail);
        assert_eq!(
            outcome.message,
            "newuidmap is in /usr/sbin but not on PATH /usr/local/bin:/usr/bin:/bin; \
             runc reports \"mapping tool not present\""
        );
        assert_eq!(commands(&outcome), ["export PATH=\"$PATH:/usr/sbin\""]);
    }

    #[test]
    fn nosuid_mount_fails_even_when_setuid() {
        let mut file = info(0o4755, 0, CapsState::None);
        file.mount = Some(MountFacts {
            mount_point: PathBuf::from("/opt"),
            options: "rw,nosuid,nodev".into(),
            fs_type: "ext4".into(),
            nosuid: true,
        });
        let f = facts(MapTool::Uid, Some(at("/opt/bin/newuidmap", file)));
        let outcome = judge(&f, &debian());
        assert_eq!(outcome.status, Status::Fail);
        assert_eq!(
            outcome.message,
            "/opt is mounted nosuid, which disables setuid and file capabilities"
        );
        assert_eq!(fact(&outcome, "mount"), Some("/opt rw,nosuid,nodev ext4"));
        assert_eq!(commands(&outcome), ["mount -o remount,suid /opt"]);
        assert!(!outcome.remediation[0].persistent);
    }

    #[test]
    fn no_new_privs_fails_even_when_setuid() {
        let mut f = facts(
            MapTool::Uid,
            Some(at("/usr/bin/newuidmap", info(0o4755, 0, CapsState::None))),
        );
        f.no_new_privs = Some(true);
        let outcome = judge(&f, &debian());
        assert_eq!(outcome.status, Status::Fail);
        assert_eq!(
            outcome.message,
            "NoNewPrivs is set, so setuid and file capabilities are ignored"
        );
        assert!(outcome
            .evidence
            .contains(&Evidence::setting("NoNewPrivs", "1")));
        assert!(outcome.remediation[0].summary.contains("NoNewPrivileges="));
    }

    #[test]
    fn several_problems_are_all_named() {
        let mut f = facts(
            MapTool::Uid,
            Some(at("/usr/bin/newuidmap", info(0o755, 0, CapsState::None))),
        );
        f.no_new_privs = Some(true);
        let outcome = judge(&f, &debian());
        assert_eq!(
            outcome.message.matches("; ").count(),
            1,
            "{}",
            outcome.message
        );
    }

    #[test]
    fn a_symlinked_path_shows_both_names() {
        let mut located = at("/usr/bin/newuidmap", info(0o4755, 0, CapsState::None));
        located.path = PathBuf::from("/bin/newuidmap");
        let outcome = judge(&facts(MapTool::Uid, Some(located)), &debian());
        assert_eq!(
            outcome.message,
            "/bin/newuidmap (/usr/bin/newuidmap) is setuid root"
        );
        assert_eq!(
            fact(&outcome, "path"),
            Some("/bin/newuidmap -> /usr/bin/newuidmap")
        );
    }

    #[test]
    fn not_executable_by_the_subject_warns() {
        let f = facts(
            MapTool::Uid,
            Some(at("/usr/bin/newuidmap", info(0o4750, 0, CapsState::None))),
        );
        let outcome = judge(&f, &debian());
        assert_eq!(outcome.status, Status::Warn);
        assert_eq!(commands(&outcome), ["chmod o+x /usr/bin/newuidmap"]);
    }

    #[test]
    fn not_a_regular_file_fails() {
        let mut file = info(0o4755, 0, CapsState::None);
        file.kind = FileKind::Other;
        let f = facts(MapTool::Gid, Some(at("/usr/bin/newgidmap", file)));
        let outcome = judge(&f, &debian());
        assert_eq!(outcome.status, Status::Fail);
        assert_eq!(outcome.message, "/usr/bin/newgidmap is not a regular file");
        assert_eq!(
            outcome.remediation[0].commands,
            ["apt-get install --reinstall -y uidmap"]
        );
    }

    #[test]
    fn a_stat_failure_is_an_error() {
        let located = Located {
            path: PathBuf::from("/usr/bin/newuidmap"),
            canonical: None,
            file: Err("cannot read /usr/bin/newuidmap: permission denied".into()),
        };
        let outcome = judge(&facts(MapTool::Uid, Some(located)), &debian());
        assert_eq!(outcome.status, Status::Error);
    }
}
