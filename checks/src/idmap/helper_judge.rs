//! Judging newuidmap or newgidmap from gathered facts (pure), and the run
//! that `idmap.newuidmap` and `idmap.newgidmap` share.
//!
//! The copy on the subject's PATH is the one runc runs. It passes when it is
//! a root-owned regular file that is setuid root or carries CAP_SETUID
//! (newgidmap: CAP_SETGID) as a permitted file capability with the effective
//! flag, sits on a mount without `nosuid`, and NoNewPrivs is not set; a file
//! the subject cannot execute is a warning. Each cause found is a [`Finding`]
//! with its code, wording and fixes; several at once are all named, in one
//! outcome under the code of the first. Decisions: docs/checks/idmap.md,
//! section `idmap.newuidmap`.

use super::codes::Code;
use super::filecaps::cap_name;
use super::helper_facts::{
    self, CapsState, FileInfo, FileKind, HelperFacts, Located, MapTool, STANDARD_DIRS,
};
use crate::check::{Context, Finding, Outcome};
use crate::distro::{Component, Distro};
use crate::model::{self, Evidence, Remediation};
use crate::shell::{quote, quote_path};
use std::path::Path;

/// The codes of `idmap.newuidmap` and `idmap.newgidmap`: everything [`judge`] gives.
pub(super) const CODES: &[model::Code] = &[
    Code::NotFound.code(),
    Code::NotOnPath.code(),
    Code::Uninspectable.code(),
    Code::NotRegularFile.code(),
    Code::NotRootOwned.code(),
    Code::SetuidWithFileCaps.code(),
    Code::NotPrivileged.code(),
    Code::FileCapsLackCapability.code(),
    Code::FileCapsNotEffective.code(),
    Code::FileCapsNamespaced.code(),
    Code::FileCapsInvalid.code(),
    Code::FileCapsUnreadable.code(),
    Code::NosuidMount.code(),
    Code::NoNewPrivs.code(),
    Code::NotExecutable.code(),
];

/// Gathers the facts about one helper, then judges them.
pub(super) fn run(ctx: &Context<'_>, tool: MapTool) -> Outcome {
    let facts = helper_facts::gather(ctx.host, ctx.subject, tool);
    judge(&facts, &ctx.distro)
}

/// How a copy of the helper gets (or fails to get) its privilege.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Privilege {
    SetuidRoot,
    FileCaps(String),
    /// Why neither works: its code, and a clause following the path ("is
    /// owned by ...").
    None(Code, String),
}

fn privilege(info: &FileInfo, tool: MapTool) -> Privilege {
    if info.uid != 0 {
        return Privilege::None(
            Code::NotRootOwned,
            format!("is owned by uid {}, not root", info.uid),
        );
    }
    if info.mode & 0o4000 != 0 {
        return match &info.caps {
            // A setuid-root program with file capabilities gets just those
            // (capabilities(7)); shadow's helper then cannot open the target's
            // map file: "open of uid_map failed: Permission denied".
            CapsState::Decoded(caps) if caps.rootid.unwrap_or(0) == 0 => Privilege::None(
                Code::SetuidWithFileCaps,
                format!(
                    "is setuid root but also carries the file capabilities {caps}, so the \
                     kernel grants it only those and it fails with \"open of {}_map failed: \
                     Permission denied\"",
                    if tool == MapTool::Uid { "uid" } else { "gid" }
                ),
            ),
            _ => Privilege::SetuidRoot,
        };
    }
    let cap = cap_name(tool.capability());
    let (code, why) = match &info.caps {
        CapsState::Decoded(caps) if caps.grants_on_host(tool.capability()) => {
            return Privilege::FileCaps(caps.to_string());
        }
        CapsState::Decoded(caps) if !caps.permits(tool.capability()) => (
            Code::FileCapsLackCapability,
            format!("its file capabilities {caps} lack {cap}"),
        ),
        CapsState::Decoded(caps) if !caps.effective => (
            Code::FileCapsNotEffective,
            format!("its file capabilities {caps} lack the effective flag"),
        ),
        CapsState::Decoded(caps) => (
            Code::FileCapsNamespaced,
            format!(
                "its file capabilities {caps} belong to the user namespace whose root is uid \
                 {}, so the host ignores them",
                caps.rootid.unwrap_or(0)
            ),
        ),
        CapsState::Invalid(e) => (
            Code::FileCapsInvalid,
            format!("its {e}, so the kernel ignores it"),
        ),
        CapsState::Unreadable(e) => (
            Code::FileCapsUnreadable,
            format!("its file capabilities are unreadable ({e})"),
        ),
        CapsState::None => (
            Code::NotPrivileged,
            "it has no file capabilities".to_string(),
        ),
    };
    Privilege::None(code, format!("is neither setuid root nor {cap}+ep: {why}"))
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
            && !matches!(privilege(info, tool), Privilege::None(..))
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
        // A package manager that cannot fetch the installed version (apt
        // without fresh lists: "Reinstallation of uidmap is not possible")
        // still exits 0, so the step ends by testing what it was for.
        let cap = cap_name(tool.capability());
        Remediation::root(
            format!(
                "reinstall {package}, which restores the privileges of {}",
                tool.name()
            ),
            vec![
                distro.reinstall(package),
                format!("[ -u {word} ] || getcap {word} | grep -q {cap}"),
            ],
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

/// No copy on PATH: `not-found`, or `not-on-path` naming the copy elsewhere.
fn not_on_path(facts: &HelperFacts, distro: &Distro) -> Finding {
    let name = facts.tool.name();
    let path = Evidence::setting("PATH", facts.path_var.as_str());
    let Some(other) = facts
        .elsewhere
        .iter()
        .find(|l| works(l, facts.tool))
        .or_else(|| facts.elsewhere.first())
    else {
        return Finding::fail(
            Code::NotFound,
            format!("{name} not found on PATH {}", facts.path_var),
        )
        .with([path])
        .fixes([install_fix(distro)]);
    };
    let dir = dir_of(&other.path);
    let mut finding = Finding::fail(
        Code::NotOnPath,
        format!(
            "{name} is in {dir} but not on PATH {}; runc reports \"mapping tool not present\"",
            facts.path_var
        ),
    )
    .with([path, Evidence::fact("path", path_text(other))])
    .with(
        other
            .file
            .as_ref()
            .ok()
            .map(|info| Evidence::fact("mode", mode_text(info))),
    )
    .fixes([Remediation::root(
        format!(
            "add {dir} to the PATH the runtime is started with (shell profile, \
             systemd unit Environment=)"
        ),
        vec![format!("export PATH=\"$PATH:{dir}\"")],
    )
    .as_user()]);
    if !works(other, facts.tool) {
        finding = finding.fixes(privilege_fixes(other, facts.tool, distro));
    }
    finding
}

/// How the copy on PATH is privileged (`is setuid root`), or why it cannot
/// work at all (not a regular file, unprivileged) with the fixes: a working
/// copy elsewhere first on PATH, and repairing this one unless it is a
/// user's own copy (e.g. ~/.nix-profile/bin) and a working one is installed.
fn usable(
    found: &Located,
    info: &FileInfo,
    tool: MapTool,
    good_elsewhere: Option<&Located>,
    distro: &Distro,
) -> Result<String, Finding> {
    let shown = path_words(found);
    let cause = match (info.kind, privilege(info, tool)) {
        (FileKind::Regular, Privilege::SetuidRoot) => return Ok("is setuid root".to_string()),
        (FileKind::Regular, Privilege::FileCaps(caps)) => {
            return Ok(format!("has the file capability {caps}"));
        }
        (FileKind::Regular, Privilege::None(code, why)) => {
            Finding::fail(code, format!("{shown} {why}"))
        }
        _ => Finding::fail(
            Code::NotRegularFile,
            format!("{shown} is not a regular file"),
        ),
    };
    let mut cause = cause
        .fixes(good_elsewhere.map(path_first_fix))
        .with(good_elsewhere.map(|good| Evidence::fact("privileged copy", path_text(good))));
    if good_elsewhere.is_none() || in_standard_dir(found) {
        cause = cause.fixes(privilege_fixes(found, tool, distro));
    }
    Err(cause)
}

/// The copy sits on a `nosuid` mount. `good_elsewhere` is a working copy to
/// put first on PATH, when no earlier cause offered it already.
fn nosuid_mount(info: &FileInfo, good_elsewhere: Option<&Located>) -> Option<Finding> {
    let mount = info.mount.as_ref().filter(|m| m.nosuid)?;
    let point = mount.mount_point.display();
    let mut finding = Finding::fail(
        Code::NosuidMount,
        format!("{point} is mounted nosuid, which disables setuid and file capabilities"),
    )
    .with([Evidence::fact(
        "mount",
        format!("{point} {} {}", mount.options, mount.fs_type),
    )])
    .fixes(good_elsewhere.map(path_first_fix));
    // Only a system mount: remounting a FUSE or user-writable mount suid
    // would let its owner serve setuid-root programs.
    if system_mount(&mount.mount_point, &mount.fs_type) {
        finding = finding.fixes([Remediation::root(
            format!(
                "remount {point} with suid (to keep it, drop nosuid from its entry in \
                 /etc/fstab or its mount unit)"
            ),
            vec![format!(
                "mount -o remount,suid {}",
                quote_path(&mount.mount_point)
            )],
        )
        .until_reboot()]);
    }
    Some(finding)
}

/// NoNewPrivs is set; its setting is evidence whatever its value.
fn no_new_privs(facts: &HelperFacts) -> Option<Finding> {
    (facts.no_new_privs == Some(true)).then(|| {
        Finding::fail(
            Code::NoNewPrivs,
            "NoNewPrivs is set, so setuid and file capabilities are ignored",
        )
        .fixes([Remediation::root(
            "start the runtime outside whatever set NoNewPrivs (a systemd unit's \
             NoNewPrivileges=yes, a container started with no-new-privileges, a sandbox); \
             it is inherited and cannot be cleared",
            Vec::new(),
        )])
    })
}

/// Several causes as one finding: the first one's code (the others' in
/// `also`), every message joined by `; `, every fix and piece of evidence in
/// order.
fn all_named(first: Finding, rest: impl IntoIterator<Item = Finding>) -> Finding {
    rest.into_iter().fold(first, |mut all, next| {
        all.message = format!("{}; {}", all.message, next.message);
        all.also.push(next.code);
        all.also.extend(next.also);
        all.fixes(next.fixes).with(next.evidence)
    })
}

/// Judges one helper.
pub(super) fn judge(facts: &HelperFacts, distro: &Distro) -> Outcome {
    let Some(found) = &facts.on_path else {
        return not_on_path(facts, distro).outcome();
    };
    let tool = facts.tool;
    let shown = path_words(found);
    let mut evidence = vec![Evidence::fact("path", path_text(found))];
    let info = match &found.file {
        Ok(info) => info,
        Err(e) => {
            return Outcome::error(Code::Uninspectable, format!("cannot inspect {shown}: {e}"))
                .with_all(evidence)
        }
    };
    evidence.push(Evidence::fact("mode", mode_text(info)));
    let nnp = facts
        .no_new_privs
        .map(|nnp| Evidence::setting("NoNewPrivs", if nnp { "1" } else { "0" }));
    let good_elsewhere = facts.elsewhere.iter().find(|l| works(l, tool));

    let how = match usable(found, info, tool, good_elsewhere, distro) {
        Ok(how) => how,
        Err(cause) => {
            let rest = nosuid_mount(info, None)
                .into_iter()
                .chain(no_new_privs(facts));
            return all_named(cause, rest).with(nnp).outcome_after(evidence);
        }
    };
    let mut causes = nosuid_mount(info, good_elsewhere)
        .into_iter()
        .chain(no_new_privs(facts));
    if let Some(first) = causes.next() {
        return all_named(first, causes).with(nnp).outcome_after(evidence);
    }
    evidence.extend(nnp);
    if !subject_can_execute(facts, info) {
        return Outcome::warn(
            Code::NotExecutable,
            format!(
                "{shown} may not be executable by {}: mode {:04o}, group {}",
                facts.subject_name,
                info.mode,
                owner_name(info.gid)
            ),
        )
        .with_all(evidence)
        .fix(Remediation::root(
            format!("let every user execute {}", found.target().display()),
            vec![format!("chmod o+x {}", quote_path(found.target()))],
        ));
    }
    Outcome::pass(format!("{shown} {how}")).with_all(evidence)
}

#[cfg(test)]
mod tests {
    use super::super::filecaps::FileCaps;
    use super::super::helper_facts::MountFacts;
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
        assert!(outcome.is(Code::SetuidWithFileCaps));
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
        assert_eq!(outcome.code, None);
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
        assert!(outcome.is(Code::FileCapsLackCapability));
        assert_eq!(
            commands(&outcome),
            [
                "dnf reinstall -y shadow-utils",
                "[ -u /usr/bin/newgidmap ] || getcap /usr/bin/newgidmap | grep -q cap_setgid",
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
        assert!(outcome.is(Code::FileCapsNotEffective));

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
        assert!(outcome.is(Code::FileCapsNamespaced));
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
        assert!(outcome.is(Code::NotPrivileged));
        assert_eq!(
            fact(&outcome, "mode"),
            Some("0755 root:root, no file capabilities")
        );
        assert_eq!(
            commands(&outcome),
            [
                "apt-get install --reinstall -y uidmap",
                "[ -u /usr/bin/newuidmap ] || getcap /usr/bin/newuidmap | grep -q cap_setuid",
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
        assert!(outcome.is(Code::NotRootOwned));
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
        assert!(outcome.is(Code::NotPrivileged));
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
        assert!(outcome.is(Code::NotFound));
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
        assert!(outcome.is(Code::NotOnPath));
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
        assert!(outcome.is(Code::NosuidMount));
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
        assert!(outcome.is(Code::NoNewPrivs));
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
        // The code is the first cause's, the others' follow it; the fixes
        // are every cause's, in order.
        assert!(outcome.is(Code::NotPrivileged));
        assert_eq!(outcome.also, [Code::NoNewPrivs.code()]);
        assert_eq!(
            commands(&outcome),
            [
                "apt-get install --reinstall -y uidmap",
                "[ -u /usr/bin/newuidmap ] || getcap /usr/bin/newuidmap | grep -q cap_setuid",
                "chown root:root /usr/bin/newuidmap",
                "chmod u+s /usr/bin/newuidmap",
                "setcap cap_setuid+ep /usr/bin/newuidmap",
            ]
        );
        assert!(outcome.remediation[3].summary.contains("NoNewPrivileges="));
        assert_eq!(
            outcome.evidence.last(),
            Some(&Evidence::setting("NoNewPrivs", "1"))
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
        assert!(outcome.is(Code::NotExecutable));
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
        assert!(outcome.is(Code::NotRegularFile));
        assert_eq!(
            outcome.remediation[0].commands,
            [
                "apt-get install --reinstall -y uidmap",
                "[ -u /usr/bin/newgidmap ] || getcap /usr/bin/newgidmap | grep -q cap_setgid"
            ]
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
        assert!(outcome.is(Code::Uninspectable));
        assert_eq!(
            outcome.message,
            "cannot inspect /usr/bin/newuidmap: cannot read /usr/bin/newuidmap: permission denied"
        );
    }

    #[test]
    fn malformed_or_unreadable_file_capabilities_fail() {
        let invalid = super::super::filecaps::decode(&[1, 0, 0, 2]).unwrap_err();
        let f = facts(
            MapTool::Uid,
            Some(at(
                "/usr/bin/newuidmap",
                info(0o755, 0, CapsState::Invalid(invalid)),
            )),
        );
        let outcome = judge(&f, &debian());
        assert_eq!(outcome.status, Status::Fail);
        assert!(outcome.is(Code::FileCapsInvalid));
        assert_eq!(
            outcome.message,
            "/usr/bin/newuidmap is neither setuid root nor cap_setuid+ep: its file capability \
             revision 2 needs 20 bytes, found 4, so the kernel ignores it"
        );

        let f = facts(
            MapTool::Uid,
            Some(at(
                "/usr/bin/newuidmap",
                info(0o755, 0, CapsState::Unreadable("permission denied".into())),
            )),
        );
        let outcome = judge(&f, &debian());
        assert_eq!(outcome.status, Status::Fail);
        assert!(outcome.is(Code::FileCapsUnreadable));
        assert!(
            outcome
                .message
                .ends_with("its file capabilities are unreadable (permission denied)"),
            "{}",
            outcome.message
        );
    }

    #[test]
    fn a_nosuid_copy_points_at_a_working_one_before_the_remount() {
        let mut file = info(0o4755, 0, CapsState::None);
        file.mount = Some(MountFacts {
            mount_point: PathBuf::from("/opt"),
            options: "rw,nosuid".into(),
            fs_type: "ext4".into(),
            nosuid: true,
        });
        let mut f = facts(MapTool::Uid, Some(at("/opt/bin/newuidmap", file)));
        f.elsewhere
            .push(at("/usr/bin/newuidmap", info(0o4755, 0, CapsState::None)));
        let outcome = judge(&f, &debian());
        assert!(outcome.is(Code::NosuidMount));
        assert_eq!(
            commands(&outcome),
            [
                "export PATH=/usr/bin:\"$PATH\"",
                "mount -o remount,suid /opt",
            ]
        );
        // No "privileged copy" evidence: that belongs to an unusable copy.
        assert_eq!(fact(&outcome, "privileged copy"), None);

        // An unusable copy on the same mount offers the working one once.
        let mut file = info(0o755, 0, CapsState::None);
        file.mount = f
            .on_path
            .as_ref()
            .unwrap()
            .file
            .as_ref()
            .unwrap()
            .mount
            .clone();
        f.on_path = Some(at("/opt/bin/newuidmap", file));
        let outcome = judge(&f, &debian());
        assert!(outcome.is(Code::NotPrivileged));
        assert_eq!(
            commands(&outcome),
            [
                "export PATH=/usr/bin:\"$PATH\"",
                "mount -o remount,suid /opt",
            ]
        );
        assert_eq!(
            outcome.message,
            "/opt/bin/newuidmap is neither setuid root nor cap_setuid+ep: it has no file \
             capabilities; /opt is mounted nosuid, which disables setuid and file capabilities"
        );
        let names: Vec<&str> = outcome
            .evidence
            .iter()
            .map(|e| match e {
                Evidence::Fact { name, .. } | Evidence::Setting { name, .. } => name.as_str(),
                _ => "",
            })
            .collect();
        assert_eq!(
            names,
            ["path", "mode", "privileged copy", "mount", "NoNewPrivs"]
        );
    }
}
