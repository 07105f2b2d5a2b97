//! Fixture tests: gather and judge newuidmap/newgidmap through a rooted [`HostFs`].
//!
//! Files made here are owned by whoever runs the tests. Where that matters
//! (ownership, setuid root, file capabilities) the tests read the owner back
//! and assert what follows from it, so they are deterministic as root and as
//! a normal user; setuid root and file capabilities are only exercised for
//! real when the runner is root (the judge tests cover them by hand).

use super::helper_facts::{self as helper, locate, CapsState, MapTool};
use super::{Code, MULTI_MAP, NEWGIDMAP, NEWUIDMAP};
use crate::check::{CheckDef, Context, Outcome};
use crate::host::HostFs;
use crate::model::{self, Evidence, Status};
use crate::os_release::OsRelease;
use crate::probe::NoProbes;
use crate::subject::Subject;
use std::fs;
use std::os::unix::fs::{symlink, MetadataExt, PermissionsExt};
use std::path::{Path, PathBuf};

const PATH: &str = "/usr/local/bin:/usr/bin:/bin";

fn alice(path: &str) -> Subject {
    Subject {
        name: "alice".into(),
        uid: 1000,
        gid: 1000,
        home: "/home/alice".into(),
        xdg_runtime_dir: Some("/run/user/1000".into()),
        path: path.into(),
        is_invoker: true,
    }
}

fn put(root: &Path, host_path: &str, mode: u32) -> PathBuf {
    let real = root.join(host_path.trim_start_matches('/'));
    fs::create_dir_all(real.parent().unwrap()).unwrap();
    fs::write(&real, "#!/bin/sh\n").unwrap();
    fs::set_permissions(&real, fs::Permissions::from_mode(mode)).unwrap();
    real
}

fn write(root: &Path, host_path: &str, text: &str) {
    let real = root.join(host_path.trim_start_matches('/'));
    fs::create_dir_all(real.parent().unwrap()).unwrap();
    fs::write(real, text).unwrap();
}

fn run(root: &Path, def: &'static CheckDef, path: &str) -> Outcome {
    let host = HostFs::rooted(root);
    let subject = alice(path);
    let os = OsRelease::parse("ID=debian\n");
    let ctx = Context::new(&host, &subject, &os, &NoProbes);
    // Through the context, which asserts the outcome's code is declared.
    ctx.outcome_of(def)
}

/// The code of a plain 0755 file made by the test: who owns it decides.
fn unprivileged(root: &Path, host_path: &str) -> Code {
    let real = root.join(host_path.trim_start_matches('/'));
    if fs::metadata(real).unwrap().uid() == 0 {
        Code::NotPrivileged
    } else {
        Code::NotRootOwned
    }
}

fn fact<'o>(outcome: &'o Outcome, name: &str) -> Option<&'o str> {
    outcome.evidence.iter().find_map(|e| match e {
        Evidence::Fact { name: n, value } if n == name => Some(value.as_str()),
        _ => None,
    })
}

fn commands(outcome: &Outcome) -> Vec<String> {
    outcome
        .remediation
        .iter()
        .flat_map(|r| r.commands.clone())
        .collect()
}

#[test]
fn lookup_follows_path_order_and_symlinks() {
    let dir = tempfile::tempdir().unwrap();
    let real = put(dir.path(), "/usr/bin/newuidmap", 0o755);
    symlink("usr/bin", dir.path().join("bin")).unwrap();
    let host = HostFs::rooted(dir.path());
    assert_eq!(
        locate(&host, "/bin:/usr/bin", MapTool::Uid),
        Some(PathBuf::from("/bin/newuidmap"))
    );
    assert_eq!(locate(&host, "/usr/local/bin", MapTool::Uid), None);
    assert_eq!(locate(&host, PATH, MapTool::Gid), None);

    let facts = helper::gather(&host, &alice("/bin"), MapTool::Uid);
    let found = facts.on_path.as_ref().unwrap();
    assert_eq!(found.path, PathBuf::from("/bin/newuidmap"));
    assert_eq!(
        found.canonical.as_deref(),
        Some(Path::new("/usr/bin/newuidmap"))
    );
    // /usr/bin/newuidmap and /bin/newuidmap are one file: nothing "elsewhere".
    assert!(facts.elsewhere.is_empty(), "{:?}", facts.elsewhere);
    let info = found.file.as_ref().unwrap();
    assert_eq!(info.mode, 0o755);
    assert_eq!(info.caps, CapsState::None);

    let outcome = run(dir.path(), &NEWUIDMAP, "/bin");
    assert_eq!(outcome.status, Status::Fail);
    assert_eq!(
        fact(&outcome, "path"),
        Some("/bin/newuidmap -> /usr/bin/newuidmap")
    );
    let owner = fs::metadata(real).unwrap().uid();
    let expected = if owner == 0 {
        "/bin/newuidmap (/usr/bin/newuidmap) is neither setuid root nor cap_setuid+ep: \
         it has no file capabilities"
            .to_string()
    } else {
        format!("/bin/newuidmap (/usr/bin/newuidmap) is owned by uid {owner}, not root")
    };
    assert_eq!(outcome.message, expected);
    assert!(outcome.is(if owner == 0 {
        Code::NotPrivileged
    } else {
        Code::NotRootOwned
    }));
}

#[test]
fn missing_everywhere_asks_to_install() {
    let dir = tempfile::tempdir().unwrap();
    let outcome = run(dir.path(), &NEWGIDMAP, PATH);
    assert_eq!(outcome.status, Status::Fail);
    assert_eq!(
        outcome.message,
        format!("newgidmap not found on PATH {PATH}")
    );
    assert!(outcome.is(Code::NotFound));
    assert!(outcome.evidence.contains(&Evidence::setting("PATH", PATH)));
    assert_eq!(
        commands(&outcome),
        ["apt-get install --reinstall -y uidmap || apt-get install -y uidmap"]
    );
}

#[test]
fn installed_off_path_asks_to_extend_path() {
    let dir = tempfile::tempdir().unwrap();
    put(dir.path(), "/usr/sbin/newuidmap", 0o755);
    // Not executable: look_path skips it, like exec.LookPath.
    put(dir.path(), "/usr/local/bin/newuidmap", 0o644);
    let outcome = run(dir.path(), &NEWUIDMAP, PATH);
    assert_eq!(outcome.status, Status::Fail);
    assert!(
        outcome
            .message
            .starts_with("newuidmap is in /usr/sbin but not on PATH"),
        "{}",
        outcome.message
    );
    assert!(outcome.is(Code::NotOnPath));
    assert_eq!(
        outcome.remediation[0].commands,
        ["export PATH=\"$PATH:/usr/sbin\""]
    );
    assert_eq!(fact(&outcome, "path"), Some("/usr/sbin/newuidmap"));
}

#[test]
fn a_file_not_owned_by_root_fails() {
    let dir = tempfile::tempdir().unwrap();
    let real = put(dir.path(), "/usr/bin/newuidmap", 0o755);
    if fs::metadata(&real).unwrap().uid() == 0 {
        std::os::unix::fs::chown(&real, Some(4242), Some(4242)).unwrap();
    }
    let owner = fs::metadata(&real).unwrap().uid();
    let outcome = run(dir.path(), &NEWUIDMAP, PATH);
    assert_eq!(outcome.status, Status::Fail);
    assert_eq!(
        outcome.message,
        format!("/usr/bin/newuidmap is owned by uid {owner}, not root")
    );
    assert!(outcome.is(Code::NotRootOwned));
    assert!(commands(&outcome).contains(&"apt-get install --reinstall -y uidmap".to_string()));
}

#[test]
fn a_nosuid_mount_is_found_in_mountinfo() {
    let dir = tempfile::tempdir().unwrap();
    put(dir.path(), "/usr/bin/newuidmap", 0o755);
    write(
        dir.path(),
        "/proc/self/mountinfo",
        "22 1 254:1 / / rw,relatime shared:1 - ext4 /dev/vda1 rw\n\
         40 22 0:40 / /usr rw,nosuid,nodev,relatime shared:2 - ext4 /dev/vdb rw\n",
    );
    let outcome = run(dir.path(), &NEWUIDMAP, PATH);
    assert_eq!(outcome.status, Status::Fail);
    assert!(
        outcome
            .message
            .contains("/usr is mounted nosuid, which disables setuid and file capabilities"),
        "{}",
        outcome.message
    );
    assert_eq!(
        fact(&outcome, "mount"),
        Some("/usr rw,nosuid,nodev,relatime ext4")
    );
    // The file is unprivileged too (0755), and that cause comes first.
    assert!(outcome.is(unprivileged(dir.path(), "/usr/bin/newuidmap")));
    assert!(commands(&outcome).contains(&"mount -o remount,suid /usr".to_string()));
}

#[test]
fn no_new_privs_is_read_from_proc_self_status() {
    let dir = tempfile::tempdir().unwrap();
    put(dir.path(), "/usr/bin/newgidmap", 0o755);
    write(
        dir.path(),
        "/proc/self/status",
        "Name:\trootless-doctor\nSeccomp:\t0\nNoNewPrivs:\t1\nSpeculation_Store_Bypass:\tthread vulnerable\n",
    );
    let outcome = run(dir.path(), &NEWGIDMAP, PATH);
    assert_eq!(outcome.status, Status::Fail);
    assert!(outcome
        .message
        .contains("NoNewPrivs is set, so setuid and file capabilities are ignored"));
    // The file is unprivileged too (0755), and that cause comes first.
    assert!(outcome.is(unprivileged(dir.path(), "/usr/bin/newgidmap")));
    assert!(outcome
        .evidence
        .contains(&Evidence::setting("NoNewPrivs", "1")));

    write(dir.path(), "/proc/self/status", "NoNewPrivs:\t0\n");
    let facts = helper::gather(&HostFs::rooted(dir.path()), &alice(PATH), MapTool::Gid);
    assert_eq!(facts.no_new_privs, Some(false));
    write(dir.path(), "/proc/self/status", "NoNewPrivs:\tgarbage\n");
    let facts = helper::gather(&HostFs::rooted(dir.path()), &alice(PATH), MapTool::Gid);
    assert_eq!(facts.no_new_privs, None);
}

/// Only a root runner can make a root-owned setuid file or set a file
/// capability; otherwise the judge tests cover these cases.
#[test]
fn real_setuid_root_and_file_capabilities_pass_when_the_runner_is_root() {
    let dir = tempfile::tempdir().unwrap();
    let uid_tool = put(dir.path(), "/usr/bin/newuidmap", 0o4755);
    if fs::metadata(&uid_tool).unwrap().uid() != 0 {
        return;
    }
    let outcome = run(dir.path(), &NEWUIDMAP, PATH);
    assert_eq!(outcome.status, Status::Pass, "{outcome:?}");
    assert_eq!(outcome.message, "/usr/bin/newuidmap is setuid root");

    let gid_tool = put(dir.path(), "/usr/bin/newgidmap", 0o755);
    // `setcap cap_setgid+ep`; tmpfs and most filesystems accept it as root.
    let value = [
        0x01, 0, 0, 0x02, 0x40, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    ];
    if xattr::set(&gid_tool, "security.capability", &value).is_err() {
        return;
    }
    let outcome = run(dir.path(), &NEWGIDMAP, PATH);
    assert_eq!(outcome.status, Status::Pass, "{outcome:?}");
    assert_eq!(
        outcome.message,
        "/usr/bin/newgidmap has the file capability cap_setgid+ep"
    );
    assert_eq!(
        fact(&outcome, "mode"),
        Some("0755 root:root, file capabilities cap_setgid+ep")
    );
}

#[test]
fn the_family_codes_are_split_between_its_checks() {
    assert_eq!(NEWUIDMAP.codes, NEWGIDMAP.codes);
    let mut given: Vec<model::Code> = NEWUIDMAP
        .codes
        .iter()
        .chain(MULTI_MAP.codes)
        .copied()
        .collect();
    let declared = given.len();
    given.sort();
    given.dedup();
    assert_eq!(given.len(), declared, "a code declared twice");
    let mut all: Vec<model::Code> = Code::ALL.iter().map(|c| c.code()).collect();
    all.sort();
    assert_eq!(given, all);
}
