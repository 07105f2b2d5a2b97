//! `runtime.xdg-runtime-dir`: the directory the runtimes keep their state in.
//!
//! runc keeps its state in `$XDG_RUNTIME_DIR/runc` and crun in
//! `$XDG_RUNTIME_DIR/crun`; with the variable unset both fall back to
//! `/run/runc` and `/run/crun`, which an unprivileged user cannot create
//! (`mkdir /run/runc: permission denied`). [`gather`] reads the variable, the
//! path (following a symlink inside the host root) and its mount; [`judge`] is
//! pure over those facts. A failure's code is that of the first problem its
//! message names; further problems are `also` facts.
//!
//! Decisions: docs/checks/runtime.md, section `runtime.xdg-runtime-dir`.

use super::Code;
use crate::check::{CheckDef, Context, Outcome};
use crate::host::HostFs;
use crate::model::{Evidence, Remediation};
use crate::mountinfo;
use crate::shell::{quote, quote_path};
use crate::subject::Subject;
use std::os::unix::fs::MetadataExt;
use std::path::PathBuf;

pub static XDG_RUNTIME_DIR: CheckDef = CheckDef {
    id: "runtime.xdg-runtime-dir",
    title: "runtime directory",
    description: "XDG_RUNTIME_DIR is set, exists, is owned by the subject, has mode 0700 and \
                  is writable: the runtimes keep their state there.",
    codes: &[
        Code::Unset.code(),
        Code::Missing.code(),
        Code::DanglingSymlink.code(),
        Code::Unreadable.code(),
        Code::NotADirectory.code(),
        Code::OtherUsersDir.code(),
        Code::WrongOwner.code(),
        Code::WrongMode.code(),
        Code::ReadOnlyMount.code(),
        Code::Symlink.code(),
    ],
    probes: &[],
    run,
};

fn run(ctx: &Context<'_>) -> Outcome {
    judge(&gather(ctx.host, ctx.subject))
}

/// What a stat of the directory (after following a symlink) said.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Meta {
    pub is_dir: bool,
    pub uid: u32,
    pub gid: u32,
    /// Permission bits, including setuid/setgid/sticky (`mode & 0o7777`).
    pub mode: u32,
}

/// The directory as found.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Entry {
    /// XDG_RUNTIME_DIR is not set.
    Unset,
    /// Nothing at that path.
    Missing,
    /// The path could not be examined (permission denied on a parent, ...).
    Unreadable(String),
    /// Something is there.
    Present {
        /// The symlink target when the path itself is a symlink.
        link: Option<PathBuf>,
        /// The stat of what the path leads to; `None` for a dangling symlink.
        meta: Option<Meta>,
    },
}

/// Everything the judge needs.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Facts {
    pub subject_name: String,
    pub subject_uid: u32,
    pub subject_gid: u32,
    pub subject_is_root: bool,
    /// The value of XDG_RUNTIME_DIR, if set.
    pub value: Option<PathBuf>,
    /// `/run/user/UID`, what a login session provides.
    pub login_dir: PathBuf,
    /// Whether `/run/user/UID` exists (advice when the variable is unset).
    pub login_dir_exists: bool,
    pub entry: Entry,
    /// The mount point when the directory sits on a read-only mount.
    pub read_only_mount: Option<PathBuf>,
}

/// Reads the facts through the host seam.
pub fn gather(host: &HostFs, subject: &Subject) -> Facts {
    let login_dir = PathBuf::from(format!("/run/user/{}", subject.uid));
    let value = subject.xdg_runtime_dir.clone();
    let entry = match &value {
        None => Entry::Unset,
        Some(path) => examine(host, path),
    };
    let read_only_mount = match (&value, &entry) {
        (Some(path), Entry::Present { meta: Some(_), .. }) => {
            host.canonicalize(path).ok().and_then(|real| {
                let mounts = mountinfo::read(host);
                mountinfo::mount_of(&mounts, &real)
                    .filter(|m| m.has_option("ro"))
                    .map(|m| m.mount_point.clone())
            })
        }
        _ => None,
    };
    Facts {
        subject_name: subject.name.clone(),
        subject_uid: subject.uid,
        subject_gid: subject.gid,
        subject_is_root: subject.is_root(),
        login_dir_exists: host.metadata(&login_dir).is_ok_and(|m| m.is_dir()),
        login_dir,
        value,
        entry,
        read_only_mount,
    }
}

fn examine(host: &HostFs, path: &std::path::Path) -> Entry {
    let lstat = match host.symlink_metadata(path) {
        Ok(meta) => meta,
        Err(e) if e.is_not_found() => return Entry::Missing,
        Err(e) => return Entry::Unreadable(e.to_string()),
    };
    let link = lstat
        .file_type()
        .is_symlink()
        .then(|| host.read_link(path).unwrap_or_else(|_| PathBuf::from("?")));
    // Follow the link inside the host root (an absolute target is a host path).
    let meta = match link {
        None => Some(lstat),
        Some(_) => host
            .canonicalize(path)
            .ok()
            .and_then(|real| host.metadata(real).ok()),
    };
    Entry::Present {
        link,
        meta: meta.map(|m| Meta {
            is_dir: m.is_dir(),
            uid: m.uid(),
            gid: m.gid(),
            mode: m.mode() & 0o7777,
        }),
    }
}

/// Decides the outcome.
pub fn judge(facts: &Facts) -> Outcome {
    let Some(path) = &facts.value else {
        return unset(facts);
    };
    let shown = path.display().to_string();
    let setting = Evidence::setting("XDG_RUNTIME_DIR", shown.clone());
    let (link, meta) = match &facts.entry {
        Entry::Unset => return unset(facts),
        Entry::Missing => return missing(facts, &shown, None).with(setting),
        Entry::Unreadable(reason) => {
            return Outcome::error(
                Code::Unreadable,
                format!("cannot examine XDG_RUNTIME_DIR {shown}: {reason}"),
            )
            .with(setting)
        }
        Entry::Present { link, meta } => (link, meta),
    };
    let link_fact = link
        .as_ref()
        .map(|target| Evidence::fact("symlink", format!("{shown} -> {}", target.display())));
    let Some(meta) = meta else {
        let target = link.as_ref().map(|t| t.display().to_string());
        return missing(facts, &shown, target)
            .with(setting)
            .with_all(link_fact);
    };

    let name = &facts.subject_name;
    let (uid, gid) = (facts.subject_uid, facts.subject_gid);
    let stat = Evidence::fact(
        "stat",
        format!(
            "{shown}: {}, owner {}:{}, mode {:04o}",
            if meta.is_dir {
                "directory"
            } else {
                "not a directory"
            },
            meta.uid,
            meta.gid,
            meta.mode
        ),
    );
    // Each problem with its code, in the order the message names them.
    let mut problems: Vec<(Code, String)> = Vec::new();
    let mut fixes: Vec<Remediation> = Vec::new();
    let owned = meta.uid == uid;

    if !meta.is_dir {
        problems.push((
            Code::NotADirectory,
            format!("XDG_RUNTIME_DIR {shown} is not a directory"),
        ));
        fixes.push(replace_fix(facts, &shown));
    } else {
        if !owned {
            let leaked = is_other_login_dir(path, uid);
            problems.push((
                if leaked {
                    Code::OtherUsersDir
                } else {
                    Code::WrongOwner
                },
                format!(
                    "XDG_RUNTIME_DIR {shown} is owned by uid {}, not by {name} ({uid})",
                    meta.uid
                ),
            ));
            fixes.push(if leaked {
                point_at_login_dir(facts)
            } else {
                Remediation::root(
                    format!("give {shown} to {name}"),
                    vec![format!("chown {uid}:{gid} {}", quote(&shown))],
                )
            });
        }
        if meta.mode & 0o777 != 0o700 {
            problems.push((
                Code::WrongMode,
                format!(
                    "XDG_RUNTIME_DIR {shown} has mode {:04o}, not 0700",
                    meta.mode & 0o777
                ),
            ));
        }
        // Without the owner write bit the mode is never 0700, so this is
        // never the first problem: it shares the wrong-mode code.
        if meta.mode & 0o200 == 0 {
            problems.push((
                Code::WrongMode,
                format!("XDG_RUNTIME_DIR {shown} is not writable by {name}"),
            ));
        }
        if meta.mode & 0o777 != 0o700 || meta.mode & 0o200 == 0 {
            let chmod = Remediation::root(
                format!("make {shown} private to its owner"),
                vec![format!("chmod 0700 {}", quote(&shown))],
            );
            fixes.push(if owned { chmod.as_user() } else { chmod });
        }
        if let Some(mount) = &facts.read_only_mount {
            problems.push((
                Code::ReadOnlyMount,
                format!(
                    "XDG_RUNTIME_DIR {shown} is on a read-only mount ({})",
                    mount.display()
                ),
            ));
            fixes.push(if path == &facts.login_dir {
                Remediation::root(
                    format!("remount {} read-write", mount.display()),
                    vec![format!("mount -o remount,rw {}", quote_path(mount))],
                )
                .until_reboot()
            } else {
                point_at_login_dir(facts)
            });
        }
    }

    if let Some((code, first)) = problems.first() {
        let more = problems.len() - 1;
        let message = if more == 0 {
            first.clone()
        } else {
            format!(
                "{first} (and {more} more problem{})",
                if more == 1 { "" } else { "s" }
            )
        };
        return Outcome::fail(*code, message)
            .also(problems.iter().skip(1).map(|(code, _)| *code))
            .with(setting)
            .with(stat)
            .with_all(link_fact)
            .with_all(
                problems
                    .iter()
                    .skip(1)
                    .map(|(_, p)| Evidence::fact("also", p.clone())),
            )
            .fixes(fixes);
    }

    if let Some(target) = link {
        return Outcome::warn(
            Code::Symlink,
            format!(
                "XDG_RUNTIME_DIR {shown} is a symlink to {}; the runtimes follow it, but a \
                 runtime directory is normally a real directory",
                target.display()
            ),
        )
        .with(setting)
        .with(stat)
        .with_all(link_fact)
        .fix(
            Remediation::root(
                format!(
                    "point XDG_RUNTIME_DIR at the real directory {}",
                    target.display()
                ),
                vec![format!("export XDG_RUNTIME_DIR={}", quote_path(target))],
            )
            .as_user(),
        );
    }

    let mut outcome = Outcome::pass(format!(
        "XDG_RUNTIME_DIR {shown} is a private directory owned by {name}"
    ))
    .with(setting)
    .with(stat);
    if path != &facts.login_dir {
        outcome = outcome.with(Evidence::fact(
            "note",
            format!(
                "not the login session's {}: tools that look for the systemd user bus there \
                 will not find it through XDG_RUNTIME_DIR",
                facts.login_dir.display()
            ),
        ));
    }
    outcome
}

fn unset(facts: &Facts) -> Outcome {
    let login = facts.login_dir.display().to_string();
    let name = &facts.subject_name;
    let setting = Evidence::setting("XDG_RUNTIME_DIR", "(unset)");
    if facts.subject_is_root {
        return Outcome::pass(
            "XDG_RUNTIME_DIR is not set; root's runtimes keep their state in /run/runc and \
             /run/crun",
        )
        .with(setting);
    }
    let outcome = Outcome::warn(
        Code::Unset,
        format!(
            "XDG_RUNTIME_DIR is not set for {name}: runc and crun then keep their state in \
             /run/runc and /run/crun, which {name} cannot create; a login session sets it to \
             {login}"
        ),
    )
    .with(setting)
    .with(Evidence::fact(
        login.clone(),
        if facts.login_dir_exists {
            "exists"
        } else {
            "does not exist"
        },
    ));
    if facts.login_dir_exists {
        outcome.fix(point_at_login_dir(facts))
    } else {
        outcome.fix(linger_fix(name)).fix(point_at_login_dir(facts))
    }
}

fn missing(facts: &Facts, shown: &str, link_target: Option<String>) -> Outcome {
    let name = &facts.subject_name;
    let (code, message) = match &link_target {
        Some(target) => (
            Code::DanglingSymlink,
            format!("XDG_RUNTIME_DIR {shown} is a symlink to {target}, which does not exist"),
        ),
        None => (
            Code::Missing,
            format!("XDG_RUNTIME_DIR {shown} does not exist"),
        ),
    };
    let outcome = Outcome::fail(code, message);
    if facts.value.as_ref() == Some(&facts.login_dir) && link_target.is_none() {
        let (uid, gid) = (facts.subject_uid, facts.subject_gid);
        outcome.fix(linger_fix(name)).fix(
            Remediation::root(
                format!("create {shown} for {name} now (logind removes it at the last logout)"),
                vec![format!(
                    "install -d -m 0700 -o {uid} -g {gid} {}",
                    quote(shown)
                )],
            )
            .until_reboot(),
        )
    } else if facts.login_dir_exists {
        outcome.fix(point_at_login_dir(facts))
    } else {
        outcome.fix(
            Remediation::root(
                format!("create {shown} as {name}, private"),
                vec![
                    format!("mkdir -p {}", quote(shown)),
                    format!("chmod 0700 {}", quote(shown)),
                ],
            )
            .as_user(),
        )
    }
}

fn replace_fix(facts: &Facts, shown: &str) -> Remediation {
    if facts.login_dir_exists && facts.value.as_ref() != Some(&facts.login_dir) {
        return point_at_login_dir(facts);
    }
    let (uid, gid) = (facts.subject_uid, facts.subject_gid);
    Remediation::root(
        format!("move what is at {shown} aside and create the directory"),
        vec![
            format!("mv {0} {0}.not-a-directory", quote(shown)),
            format!("install -d -m 0700 -o {uid} -g {gid} {}", quote(shown)),
        ],
    )
}

/// True for `/run/user/N` with N another user's uid (a leak through su or sudo).
fn is_other_login_dir(path: &std::path::Path, uid: u32) -> bool {
    path.strip_prefix("/run/user")
        .ok()
        .and_then(|rest| rest.to_str())
        .and_then(|n| n.parse::<u32>().ok())
        .is_some_and(|n| n != uid)
}

fn linger_fix(name: &str) -> Remediation {
    Remediation::root(
        format!(
            "give {name} a lasting runtime directory and user manager (lingering); then log in \
             as {name} through `ssh {name}@localhost` or `machinectl shell {name}@`, not su or sudo"
        ),
        vec![format!("loginctl enable-linger {}", quote(name))],
    )
}

fn point_at_login_dir(facts: &Facts) -> Remediation {
    let login = facts.login_dir.display();
    Remediation::root(
        format!(
            "point XDG_RUNTIME_DIR at {}'s own runtime directory {login} (also in the shell \
             profile or service that starts the containers)",
            facts.subject_name
        ),
        vec![format!(
            "export XDG_RUNTIME_DIR={}",
            quote_path(&facts.login_dir)
        )],
    )
    .as_user()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Status;

    fn facts(value: Option<&str>, entry: Entry) -> Facts {
        Facts {
            subject_name: "alice".into(),
            subject_uid: 1000,
            subject_gid: 1000,
            subject_is_root: false,
            value: value.map(PathBuf::from),
            login_dir: PathBuf::from("/run/user/1000"),
            login_dir_exists: false,
            entry,
            read_only_mount: None,
        }
    }

    fn dir(uid: u32, mode: u32) -> Entry {
        Entry::Present {
            link: None,
            meta: Some(Meta {
                is_dir: true,
                uid,
                gid: uid,
                mode,
            }),
        }
    }

    const LOGIN: Option<&str> = Some("/run/user/1000");

    #[test]
    fn a_private_owned_directory_passes() {
        let out = judge(&facts(LOGIN, dir(1000, 0o700)));
        assert_eq!(out.status, Status::Pass);
        assert_eq!(out.code, None);
        assert_eq!(
            out.message,
            "XDG_RUNTIME_DIR /run/user/1000 is a private directory owned by alice"
        );
        let elsewhere = judge(&facts(Some("/home/alice/.run"), dir(1000, 0o700)));
        assert_eq!(elsewhere.status, Status::Pass);
        assert!(elsewhere
            .evidence
            .iter()
            .any(|e| matches!(e, Evidence::Fact { name, .. } if name == "note")));
    }

    #[test]
    fn unset_warns_and_names_the_login_dir() {
        let out = judge(&facts(None, Entry::Unset));
        assert_eq!(out.status, Status::Warn);
        assert!(out.is(Code::Unset));
        assert!(out.message.contains("/run/user/1000"), "{}", out.message);
        assert!(out.message.contains("/run/runc"));
        assert_eq!(
            out.remediation[0].commands,
            vec!["loginctl enable-linger alice"]
        );
        assert!(out.remediation[0].requires_root);
        assert!(out.remediation[0]
            .summary
            .contains("machinectl shell alice@"));
        let mut exists = facts(None, Entry::Unset);
        exists.login_dir_exists = true;
        let out = judge(&exists);
        assert_eq!(out.status, Status::Warn);
        assert_eq!(
            out.remediation[0].commands,
            vec!["export XDG_RUNTIME_DIR=/run/user/1000"]
        );
        assert!(!out.remediation[0].requires_root);
    }

    #[test]
    fn unset_for_root_passes() {
        let mut f = facts(None, Entry::Unset);
        f.subject_is_root = true;
        assert_eq!(judge(&f).status, Status::Pass);
    }

    #[test]
    fn missing_fails_with_linger_and_a_directory_for_now() {
        let out = judge(&facts(LOGIN, Entry::Missing));
        assert_eq!(out.status, Status::Fail);
        assert!(out.is(Code::Missing));
        assert_eq!(out.message, "XDG_RUNTIME_DIR /run/user/1000 does not exist");
        assert_eq!(
            out.remediation[0].commands,
            vec!["loginctl enable-linger alice"]
        );
        assert_eq!(
            out.remediation[1].commands,
            vec!["install -d -m 0700 -o 1000 -g 1000 /run/user/1000"]
        );
        assert!(!out.remediation[1].persistent);
        let custom = judge(&facts(Some("/tmp/alice-run"), Entry::Missing));
        assert_eq!(custom.status, Status::Fail);
        assert!(!custom.remediation[0].requires_root);
    }

    #[test]
    fn another_users_dir_fails_and_points_home() {
        let out = judge(&facts(Some("/run/user/0"), dir(0, 0o700)));
        assert_eq!(out.status, Status::Fail);
        assert!(out.is(Code::OtherUsersDir));
        assert_eq!(
            out.message,
            "XDG_RUNTIME_DIR /run/user/0 is owned by uid 0, not by alice (1000)"
        );
        assert_eq!(
            out.remediation[0].commands,
            vec!["export XDG_RUNTIME_DIR=/run/user/1000"]
        );
        let out = judge(&facts(LOGIN, dir(1001, 0o700)));
        assert!(out.is(Code::WrongOwner));
        assert_eq!(
            out.remediation[0].commands,
            vec!["chown 1000:1000 /run/user/1000"]
        );
        assert!(out.remediation[0].requires_root);
    }

    #[test]
    fn a_wrong_mode_fails_with_chmod_as_the_owner() {
        let out = judge(&facts(LOGIN, dir(1000, 0o755)));
        assert_eq!(out.status, Status::Fail);
        assert!(out.is(Code::WrongMode));
        assert_eq!(
            out.message,
            "XDG_RUNTIME_DIR /run/user/1000 has mode 0755, not 0700"
        );
        assert_eq!(
            out.remediation[0].commands,
            vec!["chmod 0700 /run/user/1000"]
        );
        assert!(!out.remediation[0].requires_root);
    }

    #[test]
    fn not_writable_is_reported_too() {
        let out = judge(&facts(LOGIN, dir(1000, 0o500)));
        assert_eq!(out.status, Status::Fail);
        assert!(out.is(Code::WrongMode));
        assert!(
            out.message.ends_with("(and 1 more problem)"),
            "{}",
            out.message
        );
        assert!(out.evidence.contains(&Evidence::fact(
            "also",
            "XDG_RUNTIME_DIR /run/user/1000 is not writable by alice"
        )));
        assert_eq!(out.remediation.len(), 1);
    }

    #[test]
    fn a_file_fails() {
        let entry = Entry::Present {
            link: None,
            meta: Some(Meta {
                is_dir: false,
                uid: 1000,
                gid: 1000,
                mode: 0o600,
            }),
        };
        let out = judge(&facts(LOGIN, entry));
        assert_eq!(out.status, Status::Fail);
        assert!(out.is(Code::NotADirectory));
        assert_eq!(
            out.message,
            "XDG_RUNTIME_DIR /run/user/1000 is not a directory"
        );
        assert_eq!(out.remediation[0].commands.len(), 2);
    }

    #[test]
    fn a_symlink_is_reported() {
        let good = Entry::Present {
            link: Some(PathBuf::from("/run/user/1000")),
            meta: Some(Meta {
                is_dir: true,
                uid: 1000,
                gid: 1000,
                mode: 0o700,
            }),
        };
        let out = judge(&facts(Some("/home/alice/run"), good));
        assert_eq!(out.status, Status::Warn);
        assert!(out.is(Code::Symlink));
        assert!(out.message.contains("is a symlink to /run/user/1000"));
        let dangling = Entry::Present {
            link: Some(PathBuf::from("/nowhere")),
            meta: None,
        };
        let out = judge(&facts(Some("/home/alice/run"), dangling));
        assert_eq!(out.status, Status::Fail);
        assert!(out.is(Code::DanglingSymlink));
        assert!(out.message.contains("which does not exist"));
    }

    #[test]
    fn a_read_only_mount_fails() {
        let mut f = facts(LOGIN, dir(1000, 0o700));
        f.read_only_mount = Some(PathBuf::from("/run"));
        let out = judge(&f);
        assert_eq!(out.status, Status::Fail);
        assert!(out.is(Code::ReadOnlyMount));
        assert!(out.message.contains("read-only mount (/run)"));
        assert_eq!(
            out.remediation[0].commands,
            vec!["mount -o remount,rw /run"]
        );
    }

    #[test]
    fn an_unexaminable_path_is_an_error() {
        let out = judge(&facts(LOGIN, Entry::Unreadable("permission denied".into())));
        assert_eq!(out.status, Status::Error);
        assert!(out.is(Code::Unreadable));
    }

    #[test]
    fn every_outcome_carries_a_declared_code() {
        let mut root = facts(None, Entry::Unset);
        root.subject_is_root = true;
        let mut read_only = facts(LOGIN, dir(1000, 0o700));
        read_only.read_only_mount = Some(PathBuf::from("/run"));
        let dangling = Entry::Present {
            link: Some(PathBuf::from("/nowhere")),
            meta: None,
        };
        for f in [
            root,
            read_only,
            facts(None, Entry::Unset),
            facts(LOGIN, Entry::Missing),
            facts(LOGIN, Entry::Unreadable("denied".into())),
            facts(LOGIN, dangling),
            facts(LOGIN, dir(1000, 0o700)),
            facts(LOGIN, dir(1001, 0o500)),
            facts(Some("/run/user/0"), dir(0, 0o755)),
        ] {
            let out = judge(&f);
            assert!(
                crate::check::coded_as_declared(&XDG_RUNTIME_DIR, &out),
                "{out:?}"
            );
        }
    }

    mod fixture {
        use super::*;
        use std::fs;
        use std::os::unix::fs::{symlink, PermissionsExt};

        fn subject(uid: u32, xdg: Option<&str>) -> Subject {
            let mut s = Subject::other(crate::accounts::Account {
                name: "alice".into(),
                uid,
                gid: uid,
                home: "/home/alice".into(),
            });
            s.xdg_runtime_dir = xdg.map(PathBuf::from);
            s
        }

        fn run_dir(root: &std::path::Path, uid: u32, mode: u32) -> PathBuf {
            let dir = root.join(format!("run/user/{uid}"));
            fs::create_dir_all(&dir).unwrap();
            fs::set_permissions(&dir, fs::Permissions::from_mode(mode)).unwrap();
            dir
        }

        #[test]
        fn judged_through_a_fixture_tree() {
            let tmp = tempfile::tempdir().unwrap();
            let owner = fs::metadata(tmp.path()).unwrap().uid();
            let host = HostFs::rooted(tmp.path());
            let xdg = format!("/run/user/{owner}");

            // Missing.
            let out = judge(&gather(&host, &subject(owner, Some(&xdg))));
            assert_eq!(out.status, Status::Fail);
            assert!(out.is(Code::Missing));

            // Private and owned.
            run_dir(tmp.path(), owner, 0o700);
            let facts = gather(&host, &subject(owner, Some(&xdg)));
            assert!(facts.login_dir_exists);
            assert_eq!(judge(&facts).status, Status::Pass);

            // Wrong mode.
            run_dir(tmp.path(), owner, 0o755);
            let out = judge(&gather(&host, &subject(owner, Some(&xdg))));
            assert_eq!(out.status, Status::Fail);
            assert!(out.is(Code::WrongMode));
            assert!(out.message.contains("mode 0755"));

            // Owned by someone else: the subject is another uid.
            run_dir(tmp.path(), owner, 0o700);
            let other = owner + 1;
            let out = judge(&gather(&host, &subject(other, Some(&xdg))));
            assert_eq!(out.status, Status::Fail);
            assert!(out.is(Code::OtherUsersDir));
            assert!(out.message.contains(&format!("owned by uid {owner}")));
        }

        #[test]
        fn symlinks_and_read_only_mounts_in_a_fixture() {
            let tmp = tempfile::tempdir().unwrap();
            let owner = fs::metadata(tmp.path()).unwrap().uid();
            let host = HostFs::rooted(tmp.path());
            run_dir(tmp.path(), owner, 0o700);
            fs::create_dir_all(tmp.path().join("home")).unwrap();
            symlink(format!("/run/user/{owner}"), tmp.path().join("home/run")).unwrap();
            let facts = gather(&host, &subject(owner, Some("/home/run")));
            assert!(matches!(
                facts.entry,
                Entry::Present {
                    link: Some(_),
                    meta: Some(_)
                }
            ));
            assert_eq!(judge(&facts).status, Status::Warn);

            fs::create_dir_all(tmp.path().join("proc/self")).unwrap();
            fs::write(
                tmp.path().join("proc/self/mountinfo"),
                "20 1 0:5 / /run ro,nosuid,nodev - tmpfs tmpfs ro,mode=755\n",
            )
            .unwrap();
            let xdg = format!("/run/user/{owner}");
            let facts = gather(&host, &subject(owner, Some(&xdg)));
            assert_eq!(facts.read_only_mount, Some(PathBuf::from("/run")));
            let out = judge(&facts);
            assert_eq!(out.status, Status::Fail);
            assert!(out.is(Code::ReadOnlyMount));
        }

        #[test]
        fn unset_in_a_fixture() {
            let tmp = tempfile::tempdir().unwrap();
            let host = HostFs::rooted(tmp.path());
            let facts = gather(&host, &subject(1000, None));
            assert_eq!(facts.entry, Entry::Unset);
            assert!(!facts.login_dir_exists);
            let out = judge(&facts);
            assert_eq!(out.status, Status::Warn);
            assert!(out.is(Code::Unset));
        }
    }
}
