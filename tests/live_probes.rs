//! Live probes on the real host, run by the real doctor binary.
//!
//! These tests start `rootless-doctor __probe ...` children through
//! `LiveProbes::run`, as root dropping to a throwaway test user, and check
//! the reports and that nothing survives (scratch directories, fuse mounts,
//! probe processes). They need root and a test user with a subordinate range:
//!
//! ```sh
//! useradd -m rdtest && usermod --add-subuids 200000-265535 --add-subgids 200000-265535 rdtest
//! ROOTLESS_DOCTOR_TEST_USER=rdtest cargo test --test integration live_probes
//! ```
//!
//! Without root or without `ROOTLESS_DOCTOR_TEST_USER` they pass after saying
//! why they did nothing.

use checks::probe::{LiveProbes, ProbeKind, ProbeOutcome, ProbePlan, ProbeReport, Probes};
use std::io::Write;
use std::os::unix::fs::{MetadataExt, PermissionsExt};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

const TIMEOUT: Duration = Duration::from_secs(10);

/// The live tests look for leftovers of any probe, so they run one at a time,
/// together with the other live tests.
fn serial() -> std::sync::MutexGuard<'static, ()> {
    crate::live::ONE_AT_A_TIME
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

struct TestUser {
    name: String,
    uid: u32,
    gid: u32,
}

/// The test user, or `None` (after saying why) when these tests cannot run.
fn test_user() -> Option<TestUser> {
    let say = |why: &str| {
        let _ = writeln!(std::io::stderr(), "live probe test skipped: {why}");
    };
    if !nix::unistd::geteuid().is_root() {
        say("not running as root");
        return None;
    }
    let Ok(name) = std::env::var("ROOTLESS_DOCTOR_TEST_USER") else {
        say("ROOTLESS_DOCTOR_TEST_USER is not set");
        return None;
    };
    match nix::unistd::User::from_name(&name) {
        Ok(Some(user)) => Some(TestUser {
            name,
            uid: user.uid.as_raw(),
            gid: user.gid.as_raw(),
        }),
        _ => {
            say(&format!("no user '{name}'"));
            None
        }
    }
}

/// The user's first range in /etc/subuid or /etc/subgid, by name or uid.
fn subordinate(file: &str, user: &TestUser) -> Option<(u32, u32)> {
    let text = std::fs::read_to_string(file).ok()?;
    text.lines().find_map(|line| {
        let mut fields = line.split(':');
        let owner = fields.next()?;
        if owner != user.name && owner != user.uid.to_string() {
            return None;
        }
        Some((fields.next()?.parse().ok()?, fields.next()?.parse().ok()?))
    })
}

fn look_path(name: &str) -> Option<PathBuf> {
    ["/usr/local/bin", "/usr/bin", "/bin", "/usr/sbin", "/sbin"]
        .iter()
        .map(|dir| Path::new(dir).join(name))
        .find(|path| path.is_file())
}

fn plan_for(user: &TestUser) -> ProbePlan {
    ProbePlan {
        drop_privileges: true,
        newuidmap: look_path("newuidmap"),
        newgidmap: look_path("newgidmap"),
        subuid: subordinate("/etc/subuid", user),
        subgid: subordinate("/etc/subgid", user),
        fuse_overlayfs: look_path("fuse-overlayfs"),
        scratch_parent: PathBuf::from("/tmp"),
        ..ProbePlan::new(user.uid, user.gid)
    }
}

fn doctor() -> &'static Path {
    Path::new(env!("CARGO_BIN_EXE_rootless-doctor"))
}

fn report(probes: &LiveProbes, kind: ProbeKind) -> ProbeReport {
    match probes.get(kind) {
        Some(ProbeOutcome::Report(report)) => report,
        other => panic!("{kind}: expected a report, got {other:?}"),
    }
}

/// Live processes of `uid` whose command line contains `needle` (zombies
/// have an empty command line: killed helpers of a killed probe are
/// reparented to init, which reaps them in its own time).
fn processes_of(uid: u32, needle: &str) -> Vec<String> {
    let mut found = Vec::new();
    let Ok(entries) = std::fs::read_dir("/proc") else {
        return found;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        let Ok(meta) = std::fs::metadata(&path) else {
            continue;
        };
        if meta.uid() != uid || !meta.is_dir() {
            continue;
        }
        let cmdline = std::fs::read(path.join("cmdline")).unwrap_or_default();
        let cmdline = String::from_utf8_lossy(&cmdline).replace('\0', " ");
        if cmdline.contains(needle) {
            found.push(format!(
                "{}: {cmdline}",
                entry.file_name().to_string_lossy()
            ));
        }
    }
    found
}

fn assert_nothing_left(user: &TestUser, extra_needle: Option<&str>) {
    let leftovers: Vec<String> = std::fs::read_dir("/tmp")
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|name| name.starts_with("rootless-doctor-probe."))
        .collect();
    assert!(leftovers.is_empty(), "scratch left in /tmp: {leftovers:?}");
    let mounts = std::fs::read_to_string("/proc/self/mountinfo").unwrap();
    assert!(
        !mounts.contains("rootless-doctor-probe."),
        "a probe mount is visible on the host"
    );
    let probes = processes_of(user.uid, "__probe");
    assert!(probes.is_empty(), "probe processes survived: {probes:?}");
    if let Some(needle) = extra_needle {
        let others = processes_of(user.uid, needle);
        assert!(others.is_empty(), "helper processes survived: {others:?}");
    }
}

#[test]
fn live_probes_for_the_test_user() {
    let _serial = serial();
    let Some(user) = test_user() else {
        return;
    };
    let plan = plan_for(&user);
    let probes = LiveProbes::run(doctor(), &ProbeKind::ALL, &plan, TIMEOUT);

    let userns = report(&probes, ProbeKind::UsernsCreate);
    assert!(userns.ok, "{userns:?}");
    assert_eq!(userns.facts["uid_map"], format!("0 {} 1", user.uid));
    assert_eq!(userns.facts["gid_map"], format!("0 {} 1", user.gid));

    let multi = report(&probes, ProbeKind::MultiMap);
    match (plan.subuid, plan.subgid) {
        (Some((start, count)), Some(_)) if count > 0 => {
            assert!(multi.ok, "{multi:?}");
            let n = count.min(65535);
            assert_eq!(
                multi.facts["uid_map"],
                format!("0 {} 1\n1 {start} {n}", user.uid)
            );
            assert_eq!(multi.facts["ids"], (u64::from(n) + 1).to_string());
        }
        _ => assert_eq!(multi.step.as_deref(), Some("newuidmap"), "{multi:?}"),
    }

    let bind = report(&probes, ProbeKind::BindMount);
    assert!(bind.ok, "{bind:?}");

    // Native overlay in a user namespace needs Linux 5.11; whatever the
    // kernel says, it must be a report that names a step when it fails.
    let overlay = report(&probes, ProbeKind::Overlay);
    assert!(overlay.ok || overlay.step.is_some(), "{overlay:?}");
    assert!(overlay.facts.contains_key("options") || !overlay.ok);

    let fuse = report(&probes, ProbeKind::FuseOverlayfs);
    if plan.fuse_overlayfs.is_none() {
        assert_eq!(fuse.step.as_deref(), Some("find"), "{fuse:?}");
    } else if !openable_by(Path::new("/dev/fuse"), &user) {
        assert_eq!(fuse.step.as_deref(), Some("open-dev-fuse"), "{fuse:?}");
        assert_eq!(fuse.errno.as_deref(), Some("EACCES"));
        assert_eq!(fuse.facts["dev-fuse"], "EACCES");
    } else {
        assert!(fuse.ok, "{fuse:?}");
    }

    assert_nothing_left(&user, Some("fuse-overlayfs"));
}

/// Whether the mode bits let `user` read and write the file (no ACLs here).
fn openable_by(path: &Path, user: &TestUser) -> bool {
    let Ok(meta) = std::fs::metadata(path) else {
        return false;
    };
    let mode = meta.mode();
    if meta.uid() == user.uid {
        mode & 0o600 == 0o600
    } else if meta.gid() == user.gid {
        mode & 0o060 == 0o060
    } else {
        mode & 0o006 == 0o006
    }
}

#[test]
fn a_hanging_probe_costs_its_timeout_and_leaves_nothing() {
    let _serial = serial();
    let Some(user) = test_user() else {
        return;
    };
    // A newuidmap and a fuse-overlayfs that never return, somewhere the test
    // user can execute them. The fuse probe gives up by itself after 2 s, so
    // with a 1 s timeout the runner kills both groups (fuse only gets that far
    // when /dev/fuse is open to the user).
    let dir = tempfile::Builder::new()
        .prefix("rd-live-test.")
        .tempdir()
        .unwrap();
    std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o755)).unwrap();
    let hang = |name: &str| {
        let path = dir.path().join(name);
        std::fs::write(&path, "#!/bin/sh\nexec sleep 97.25\n").unwrap();
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).unwrap();
        Some(path)
    };
    let plan = ProbePlan {
        newuidmap: hang("newuidmap"),
        fuse_overlayfs: hang("fuse-overlayfs"),
        ..plan_for(&user)
    };
    let started = Instant::now();
    let probes = LiveProbes::run(
        doctor(),
        &[
            ProbeKind::MultiMap,
            ProbeKind::FuseOverlayfs,
            ProbeKind::UsernsCreate,
        ],
        &plan,
        Duration::from_millis(1000),
    );
    let elapsed = started.elapsed();
    assert!(elapsed < Duration::from_secs(3), "took {elapsed:?}");
    assert_eq!(
        probes.get(ProbeKind::MultiMap),
        Some(ProbeOutcome::TimedOut { seconds: 1.0 })
    );
    if openable_by(Path::new("/dev/fuse"), &user) {
        assert_eq!(
            probes.get(ProbeKind::FuseOverlayfs),
            Some(ProbeOutcome::TimedOut { seconds: 1.0 })
        );
    }
    // The fast probe is not held back by the slow ones.
    assert!(report(&probes, ProbeKind::UsernsCreate).ok);
    assert_nothing_left(&user, Some("97.25"));
}

#[test]
fn network_probes_for_the_test_user() {
    let _serial = serial();
    let Some(user) = test_user() else {
        return;
    };
    let slirp4netns = look_path("slirp4netns");
    let plan = ProbePlan {
        net_tools: slirp4netns.iter().cloned().collect(),
        slirp4netns: slirp4netns.clone(),
        ..plan_for(&user)
    };
    let kinds = [ProbeKind::NetTun, ProbeKind::NetHelper];
    let probes = LiveProbes::run(doctor(), &kinds, &plan, TIMEOUT);
    let tun = report(&probes, ProbeKind::NetTun);
    let dev = Path::new("/dev/net/tun");
    if !dev.exists() {
        assert_eq!(
            (tun.step.as_deref(), tun.errno.as_deref()),
            (Some("open"), Some("ENOENT")),
            "{tun:?}"
        );
        assert_eq!(tun.facts["dev-net-tun"], "missing");
    } else if !openable_by(dev, &user) {
        assert_eq!(
            (tun.step.as_deref(), tun.errno.as_deref()),
            (Some("open"), Some("EACCES")),
            "{tun:?}"
        );
    } else {
        assert!(tun.ok, "{tun:?}");
    }
    let helper = report(&probes, ProbeKind::NetHelper);
    if let Some(path) = &slirp4netns {
        let key = path.display().to_string();
        assert!(helper.facts[&format!("version:{key}")].starts_with("slirp4netns version"));
        assert_eq!(helper.facts[&format!("exit:{key}")], "0");
        // slirp4netns starts exactly when the device opens.
        assert_eq!(helper.ok, tun.ok, "{helper:?} vs {tun:?}");
    }
    assert_nothing_left(&user, Some("slirp4netns"));
}

/// The test user's live processes (zombies, with an empty command line, are
/// reaped by init in its own time and not counted).
fn user_pids(uid: u32) -> std::collections::BTreeMap<String, String> {
    processes_of(uid, "")
        .into_iter()
        .filter_map(|line| {
            let (pid, cmdline) = line.split_once(": ")?;
            (!cmdline.trim().is_empty()).then(|| (pid.to_string(), cmdline.to_string()))
        })
        .collect()
}

/// A storage directory the test user owns, as `storage::probe_dir` picks one
/// (the graph root or its nearest ancestor the subject owns), in a temp dir
/// root removes at the end.
fn storage_dir_for(user: &TestUser) -> (tempfile::TempDir, PathBuf) {
    let top = tempfile::Builder::new()
        .prefix("rd-live-storage.")
        .tempdir()
        .unwrap();
    std::fs::set_permissions(top.path(), std::fs::Permissions::from_mode(0o755)).unwrap();
    let dir = top.path().join("storage");
    std::fs::create_dir(&dir).unwrap();
    std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o700)).unwrap();
    std::os::unix::fs::chown(&dir, Some(user.uid), Some(user.gid)).unwrap();
    (top, dir)
}

/// Nothing of the probes is left: no scratch directory in the scratch parent
/// or the storage directory, no mount of theirs in the host's mountinfo, no
/// process of the user that was not there before, and the storage directory
/// as it was.
fn assert_hygiene(
    user: &TestUser,
    storage: &Path,
    before: &std::collections::BTreeMap<String, String>,
) {
    assert_nothing_left(user, None);
    let inside: Vec<String> = std::fs::read_dir(storage)
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    assert!(inside.is_empty(), "left next to the storage: {inside:?}");
    let meta = std::fs::metadata(storage).unwrap();
    assert_eq!(
        (meta.uid(), meta.gid(), meta.mode() & 0o7777),
        (user.uid, user.gid, 0o700),
        "the storage directory changed"
    );
    let mounts = std::fs::read_to_string("/proc/self/mountinfo").unwrap();
    let needle = storage.display().to_string();
    assert!(
        !mounts.lines().any(|l| l.contains(&needle)),
        "a mount under the storage directory is visible on the host"
    );
    // Killed helpers are reparented and die a moment later: give them 2 s.
    let deadline = Instant::now() + Duration::from_secs(2);
    loop {
        let new: Vec<String> = user_pids(user.uid)
            .into_iter()
            .filter(|(pid, _)| !before.contains_key(pid))
            .map(|(pid, cmd)| format!("{pid}: {cmd}"))
            .collect();
        if new.is_empty() {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "processes of {} survived the probes: {new:?}",
            user.name
        );
        std::thread::sleep(Duration::from_millis(50));
    }
}

#[test]
fn storage_idmap_and_network_probes_leave_nothing_behind() {
    let _serial = serial();
    let Some(user) = test_user() else {
        return;
    };
    let (_top, storage) = storage_dir_for(&user);
    let slirp4netns = look_path("slirp4netns");
    let fuse = look_path("fuse-overlayfs");
    let plan = ProbePlan {
        storage_dir: Some(storage.clone()),
        // Tried when native overlay fails, as containers/storage does.
        storage_mount_program: fuse.clone(),
        net_tools: slirp4netns.iter().cloned().collect(),
        slirp4netns: slirp4netns.clone(),
        ..plan_for(&user)
    };
    let kinds = [
        ProbeKind::StorageDriver,
        ProbeKind::IdmappedMount,
        ProbeKind::NetTun,
        ProbeKind::NetHelper,
    ];
    // One at a time, so each one's own leftovers are caught.
    for kind in kinds {
        let before = user_pids(user.uid);
        let started = Instant::now();
        let probes = LiveProbes::run(doctor(), &[kind], &plan, TIMEOUT);
        let elapsed = started.elapsed();
        assert!(
            elapsed < TIMEOUT + Duration::from_secs(2),
            "{kind} took {elapsed:?}"
        );
        let got = report(&probes, kind);
        match kind {
            ProbeKind::StorageDriver => {
                assert_eq!(
                    got.facts.get("dir").map(String::as_str),
                    Some(storage.to_str().unwrap()),
                    "{got:?}"
                );
                // A failure names its step (the kernel decides which).
                assert!(got.ok || got.step.is_some(), "{got:?}");
            }
            ProbeKind::IdmappedMount => {
                assert!(got.ok || got.step.is_some(), "{got:?}")
            }
            _ => {}
        }
        assert_hygiene(&user, &storage, &before);
    }
    // All four together, as a check run starts them.
    let before = user_pids(user.uid);
    let started = Instant::now();
    let probes = LiveProbes::run(doctor(), &kinds, &plan, TIMEOUT);
    assert!(started.elapsed() < TIMEOUT + Duration::from_secs(2));
    for kind in kinds {
        report(&probes, kind);
    }
    assert_hygiene(&user, &storage, &before);
}

#[test]
fn storage_and_network_probes_killed_at_their_timeout_leave_nothing_behind() {
    let _serial = serial();
    let Some(user) = test_user() else {
        return;
    };
    let (top, storage) = storage_dir_for(&user);
    // A mount program and a network tool that never return, where the test
    // user can execute them (in the root-owned top directory, not in the
    // storage directory the probe must leave empty).
    let hang = |name: &str| {
        let path = top.path().join(name);
        std::fs::write(&path, "#!/bin/sh\nexec sleep 97.75\n").unwrap();
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).unwrap();
        path
    };
    let plan = ProbePlan {
        storage_dir: Some(storage.clone()),
        storage_mount_program: Some(hang("fuse-overlayfs")),
        storage_mount_program_configured: true,
        net_tools: vec![hang("slirp4netns")],
        slirp4netns: None,
        ..plan_for(&user)
    };
    let before = user_pids(user.uid);
    let started = Instant::now();
    let probes = LiveProbes::run(
        doctor(),
        &[ProbeKind::StorageDriver, ProbeKind::NetHelper],
        &plan,
        Duration::from_millis(1000),
    );
    let elapsed = started.elapsed();
    assert!(elapsed < Duration::from_secs(3), "took {elapsed:?}");
    assert_eq!(
        probes.get(ProbeKind::NetHelper),
        Some(ProbeOutcome::TimedOut { seconds: 1.0 })
    );
    // The mount program only runs when /dev/fuse opens for the user.
    if openable_by(Path::new("/dev/fuse"), &user) {
        assert_eq!(
            probes.get(ProbeKind::StorageDriver),
            Some(ProbeOutcome::TimedOut { seconds: 1.0 })
        );
    }
    assert_hygiene(&user, &storage, &before);
    assert!(processes_of(user.uid, "97.75").is_empty());
}
