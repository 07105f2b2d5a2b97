//! Judge and fixture tests of `subid.auto-userns`.

use super::*;
use crate::check::coded_as_declared;
use crate::model::Status;
use crate::os_release::OsRelease;
use crate::probe::NoProbes;
use crate::subject::Subject;

fn entry(owner: &str, start: u64, count: u64, line: u32) -> Entry {
    Entry {
        owner: owner.into(),
        start,
        count,
        line,
    }
}

fn facts(uid: Vec<Entry>, gid: Vec<Entry>) -> Facts {
    Facts {
        user: "containers".into(),
        account: true,
        max_size: MAX_SIZE,
        uid: FileFacts {
            taken: uid.iter().map(|e| (e.start, e.count)).collect(),
            entries: uid,
            used: Vec::new(),
        },
        gid: FileFacts {
            taken: gid.iter().map(|e| (e.start, e.count)).collect(),
            entries: gid,
            used: Vec::new(),
        },
        stores: Vec::new(),
        account_ids: vec![(0, 1)],
    }
}

fn judged(facts: &Facts) -> Outcome {
    let outcome = judge(facts);
    assert!(coded_as_declared(&AUTO_USERNS, &outcome), "{outcome:?}");
    outcome
}

#[test]
fn a_full_range_in_both_files_passes() {
    let f = facts(
        vec![entry("containers", 2_000_000, 65536, 3)],
        vec![entry("containers", 2_000_000, 65536, 3)],
    );
    let outcome = judged(&f);
    assert_eq!(outcome.status, Status::Pass, "{}", outcome.message);
    assert!(outcome.message.contains("65536 uids and 65536 gids free"));
}

#[test]
fn no_range_in_either_file_warns_with_podmans_words_and_the_useradd_fix() {
    let mut f = facts(Vec::new(), vec![entry("containers", 2_000_000, 65536, 1)]);
    f.account = false;
    let outcome = judged(&f);
    assert_eq!(outcome.status, Status::Warn);
    assert!(outcome.is(Code::ContainersNoEntry));
    assert!(outcome.message.contains("no range in /etc/subuid"));
    assert!(outcome.message.contains("Cannot find mappings for user"));
    let fixes = format!("{:?}", outcome.remediation);
    assert!(fixes.contains("useradd"), "{fixes}");
    assert!(fixes.contains("--add-subuids 100000-165535"), "{fixes}");
}

#[test]
fn an_existing_account_gets_no_useradd() {
    let outcome = judged(&facts(Vec::new(), Vec::new()));
    assert!(outcome.is(Code::ContainersNoEntry));
    assert!(outcome.message.contains("/etc/subuid or /etc/subgid"));
    let fixes = format!("{:?}", outcome.remediation);
    assert!(!fixes.contains("useradd --comment"), "{fixes}");
    assert!(fixes.contains("usermod --add-subuids"), "{fixes}");
}

#[test]
fn fewer_ids_than_the_largest_namespace_warn() {
    let f = facts(
        vec![entry("containers", 2_000_000, 1000, 1)],
        vec![entry("containers", 2_000_000, 65536, 1)],
    );
    let outcome = judged(&f);
    assert_eq!(outcome.status, Status::Warn);
    assert!(outcome.is(Code::ContainersFewIds));
    assert!(outcome.message.contains("1000 free subordinate uids"));
}

#[test]
fn ids_held_by_existing_containers_are_not_free() {
    let mut f = facts(
        vec![entry("containers", 2_000_000, 65536, 1)],
        vec![entry("containers", 2_000_000, 65536, 1)],
    );
    f.uid.used = vec![(2_000_000, 1024), (1_000, 5)];
    let outcome = judged(&f);
    assert!(outcome.is(Code::ContainersFewIds));
    assert!(
        outcome.message.contains("64512 free"),
        "{}",
        outcome.message
    );
    assert!(outcome.message.contains("1024 held"), "{}", outcome.message);
}

#[test]
fn a_configured_max_size_is_the_bar() {
    let mut f = facts(
        vec![entry("containers", 2_000_000, 4096, 1)],
        vec![entry("containers", 2_000_000, 4096, 1)],
    );
    f.max_size = 4096;
    assert_eq!(judged(&f).status, Status::Pass);
}

#[test]
fn free_ids_merge_overlaps_and_subtract_holes() {
    let entries = [entry("c", 10, 10, 1), entry("c", 15, 10, 2)];
    assert_eq!(free_ids(&entries, &[]), 15);
    assert_eq!(free_ids(&entries, &[(12, 3), (0, 11), (24, 100)]), 10);
}

#[test]
fn container_maps_read_uidmap_and_gidmap_and_survive_garbage() {
    let text = r#"[{"id":"a","uidmap":[{"container_id":0,"host_id":2000000,"size":1024}],
        "gidmap":[{"container_id":0,"host_id":2000000,"size":1024}]},{"id":"b"}]"#;
    let (uids, gids, mapped) = container_maps(text);
    assert_eq!(uids, vec![(2_000_000, 1024)]);
    assert_eq!(gids, vec![(2_000_000, 1024)]);
    assert_eq!(mapped, 1);
    assert_eq!(container_maps("{").2, 0);
    assert_eq!(container_maps("{}").2, 0);
}

fn host(files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let podman = dir.path().join("usr/bin/podman");
    std::fs::create_dir_all(podman.parent().unwrap()).unwrap();
    std::fs::write(&podman, "#!/bin/sh\n").unwrap();
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&podman, std::fs::Permissions::from_mode(0o755)).unwrap();
    for (path, text) in files {
        let full = dir.path().join(path);
        std::fs::create_dir_all(full.parent().unwrap()).unwrap();
        std::fs::write(full, text).unwrap();
    }
    dir
}

fn run_as(dir: &tempfile::TempDir, subject: &Subject) -> Outcome {
    let host = HostFs::rooted(dir.path());
    let os = OsRelease::parse("ID=debian\n");
    let ctx = Context::new(&host, subject, &os, &NoProbes);
    ctx.outcome_of(&AUTO_USERNS)
}

const PASSWD: &str = "root:x:0:0::/root:/bin/sh\nalice:x:1000:1000::/home/alice:/bin/sh\n\
                      containers:x:999:999::/:/usr/sbin/nologin\n";

fn root() -> Subject {
    Subject::other(Account {
        name: "root".into(),
        uid: 0,
        gid: 0,
        home: "/root".into(),
    })
}

#[test]
fn fixture_a_containers_entry_by_uid_and_a_store_with_a_mapped_container() {
    let dir = host(&[
        ("etc/passwd", PASSWD),
        ("etc/subuid", "999:2000000:65536\n"),
        ("etc/subgid", "containers:2000000:65536\n"),
        (
            "var/lib/containers/storage/overlay-containers/containers.json",
            r#"[{"uidmap":[{"container_id":0,"host_id":2000000,"size":2048}]}]"#,
        ),
    ]);
    let outcome = run_as(&dir, &root());
    assert!(outcome.is(Code::ContainersFewIds), "{outcome:?}");
    assert!(outcome.message.contains("63488 free subordinate uids"));
    let dir = host(&[
        ("etc/passwd", PASSWD),
        ("etc/subuid", "999:2000000:65536\n"),
        ("etc/subgid", "containers:2000000:65536\n"),
    ]);
    assert_eq!(run_as(&dir, &root()).status, Status::Pass);
}

#[test]
fn fixture_volatile_and_transient_containers_hold_ids_too() {
    // storage 1.45+: `--rm` containers in volatile-containers.json; a
    // transient store keeps its files under the runroot.
    for path in [
        "var/lib/containers/storage/overlay-containers/volatile-containers.json",
        "run/containers/storage/overlay-containers/containers.json",
        "srv/run/overlay-containers/volatile-containers.json",
    ] {
        let dir = host(&[
            ("etc/passwd", PASSWD),
            ("etc/subuid", "containers:2000000:65536\n"),
            ("etc/subgid", "containers:2000000:65536\n"),
            (
                "etc/containers/storage.conf",
                "[storage]\nrunroot = \"/srv/run\"\n",
            ),
            (
                path,
                r#"[{"uidmap":[{"container_id":0,"host_id":2000000,"size":2048}]}]"#,
            ),
        ]);
        let outcome = run_as(&dir, &root());
        if path.starts_with("run/") {
            // Not the configured runroot: not podman's store.
            assert_eq!(outcome.status, Status::Pass, "{path}: {outcome:?}");
        } else {
            assert!(outcome.is(Code::ContainersFewIds), "{path}: {outcome:?}");
        }
    }
}

#[test]
fn fixture_storage_conf_names_another_user_and_graphroot() {
    let dir = host(&[
        ("etc/passwd", PASSWD),
        ("etc/subuid", "containers:2000000:65536\n"),
        ("etc/subgid", "containers:2000000:65536\n"),
        (
            "etc/containers/storage.conf",
            "[storage]\ngraphroot = \"/srv/store\"\n[storage.options]\n\
             root-auto-userns-user = \"pool\"\nauto-userns-max-size = 4096\n",
        ),
    ]);
    let outcome = run_as(&dir, &root());
    assert!(outcome.is(Code::ContainersNoEntry), "{outcome:?}");
    assert!(outcome.message.contains("pool has no range"));
}

#[test]
fn fixture_without_podman_buildah_or_crio_root_is_not_judged() {
    let dir = host(&[("etc/passwd", PASSWD)]);
    std::fs::remove_file(dir.path().join("usr/bin/podman")).unwrap();
    let outcome = run_as(&dir, &root());
    assert_eq!(outcome.status, Status::Skip);
    assert!(outcome.is(Code::NoEngine));
}

#[test]
fn fixture_a_non_root_subject_is_not_judged() {
    let dir = host(&[("etc/passwd", PASSWD)]);
    let alice = Subject::other(Account {
        name: "alice".into(),
        uid: 1000,
        gid: 1000,
        home: "/home/alice".into(),
    });
    let outcome = run_as(&dir, &alice);
    assert_eq!(outcome.status, Status::Skip);
    assert!(outcome.is(CommonCode::RootOnly));
}
