//! The decoders, the field weights and the host-aware scoring.

use super::super::evidence::{hint, HostIds, IdMapArgs};
use super::super::weights::FIELD_WEIGHTS;
use super::super::{explain, find, Explanation};

fn ids(e: &Explanation) -> Vec<&'static str> {
    e.matches.iter().map(|m| m.cause.id).collect()
}

#[test]
fn every_field_weight_names_a_pattern_of_its_cause() {
    for f in FIELD_WEIGHTS {
        let cause = find(f.cause).unwrap_or_else(|| panic!("no cause {}", f.cause));
        assert!(
            cause.patterns.iter().any(|p| p.text == f.pattern),
            "{} lists no pattern {:?}",
            f.cause,
            f.pattern
        );
        assert!((0..=100).contains(&f.weight), "{f:?}");
    }
}

#[test]
fn requested_ids_are_decoded() {
    let e = explain("Error processing tar file(exit status 1): potentially insufficient UIDs or GIDs available in user namespace (requested 172761424:0 for /usr/bin/x): Check /etc/subuid and /etc/subgid: lchown /usr/bin/x: invalid argument");
    assert_eq!(e.decoded.requested, [(172761424, 0)]);
    assert_eq!(e.matches[0].cause.id, "subuid-range-insufficient");
    assert!(e.matches[0].evidence[0].starts_with("+60: requested id 172761424"));
}

#[test]
fn requested_ids_against_the_host_ranges() {
    let text = "potentially insufficient UIDs or GIDs available in user namespace (requested 1000:1000 for /home/arch): Check /etc/subuid and /etc/subgid: lchown /home/arch: invalid argument";
    let e = explain(text);
    assert_eq!(e.matches[0].cause.id, "subuid-no-entry");
    let ranges = |r: &[(u32, u32)]| HostIds {
        uid: 1001,
        gid: 1001,
        subuid: r.to_vec(),
        subgid: r.to_vec(),
    };
    // Ranges big enough: the running namespace predates them.
    let host = e.with_host(&ranges(&[(100000, 65536)]));
    assert_eq!(host.matches[0].cause.id, "subuid-stale-pause-process");
    // Ranges too small for id 1000.
    let host = e.with_host(&ranges(&[(100000, 500)]));
    assert_eq!(host.matches[0].cause.id, "subuid-range-insufficient");
    // No range at all.
    let host = e.with_host(&ranges(&[]));
    assert_eq!(host.matches[0].cause.id, "subuid-no-entry");
}

#[test]
fn id_map_arguments_are_decoded_in_both_shapes() {
    let e = explain("[rootlesskit:parent] error: failed to setup UID/GID map: newuidmap 10225 [0 1000000 1 1 100000 15665550] failed: newuidmap: write to uid_map failed: Operation not permitted");
    assert_eq!(
        e.decoded.id_maps,
        [IdMapArgs {
            gid: false,
            triples: vec![(0, 1000000, 1), (1, 100000, 15665550)]
        }]
    );
    // The own id 1000000 inside 100000+15665550: the range is at fault.
    assert_eq!(e.matches[0].cause.id, "subuid-range-invalid");
    let e = explain("ERRO[0000] running `/usr/bin/newgidmap 4242 0 1000 1 1 100000 65536`: newgidmap: write to gid_map failed: Operation not permitted");
    assert_eq!(
        e.decoded.id_maps,
        [IdMapArgs {
            gid: true,
            triples: vec![(0, 1000, 1), (1, 100000, 65536)]
        }]
    );
    assert_eq!(e.matches[0].cause.id, "newuidmap-unprivileged");
}

#[test]
fn overlapping_ranges_point_at_the_range() {
    let e = explain("newuidmap 4242 0 1000 1 1 100000 65536 65537 120000 65536\nnewuidmap: write to uid_map failed: Operation not permitted");
    assert_eq!(e.matches[0].cause.id, "subuid-range-invalid");
}

#[test]
fn id_map_arguments_against_the_host_ranges() {
    let text = "ERRO[0000] running `/usr/bin/newuidmap 4242 0 1001 1 1 300000 65536`: newuidmap: write to uid_map failed: Operation not permitted";
    let e = explain(text);
    assert_eq!(e.matches[0].cause.id, "newuidmap-unprivileged");
    let host = HostIds {
        uid: 1001,
        gid: 1001,
        subuid: vec![(100000, 65536)],
        subgid: vec![(100000, 65536)],
    };
    let e = e.with_host(&host);
    assert_eq!(e.matches[0].cause.id, "subuid-range-invalid");
    assert!(e.matches[0]
        .evidence
        .iter()
        .any(|r| r.contains("300000+65536")));
}

#[test]
fn cgroup_paths_tell_v1_from_v2() {
    let v1 = explain("Error: mkdir /sys/fs/cgroup/devices/user.slice/runtime: permission denied");
    assert_eq!(v1.decoded.cgroup_v1.as_deref(), Some("devices"));
    assert_eq!(v1.matches[0].cause.id, "cgroup-v1-rootless-no-limits");
    let v2 = explain("Error: mkdir /sys/fs/cgroup/user.slice/user-1000.slice/x: permission denied");
    assert!(v2.decoded.cgroup_v2 && v2.decoded.cgroup_v1.is_none());
    assert_eq!(v2.matches[0].cause.id, "cgroup-controller-not-delegated");
    // A v2 file at the root is not a v1 controller.
    let root = explain("open /sys/fs/cgroup/cpu.max: permission denied");
    assert!(root.decoded.cgroup_v1.is_none());
}

#[test]
fn programs_and_settings_are_hints() {
    let e = explain("bwrap: Creating new namespace failed: Operation not permitted\nthis runs inside a container on Ubuntu 24.04");
    assert_ne!(e.decoded.hints & hint::BWRAP, 0);
    assert_ne!(e.decoded.hints & hint::CONTAINER, 0);
    assert_ne!(e.decoded.hints & hint::UBUNTU_APPARMOR, 0);
    let e = explain(
        "cannot clone: Operation not permitted\n$ lsb_release -d: Ubuntu 24.04.1 LTS (noble)",
    );
    assert_eq!(e.matches[0].cause.id, "ubuntu-apparmor-userns-restriction");
    let e = explain(
        "newuidmap: write to uid_map failed: Operation not permitted\nthe host is an LXD container",
    );
    assert_eq!(e.matches[0].cause.id, "userns-blocked-in-container-sandbox");
}

#[test]
fn warnings_are_context_when_an_error_follows() {
    let e = explain("WARN[0000] \"/\" is not a shared mount, this could cause issues or missing mounts with rootless containers\ncannot clone: Operation not permitted\nError: cannot re-exec process");
    assert_eq!(e.matches[0].cause.id, "userns-blocked-in-container-sandbox");
    assert_eq!(e.matches.last().unwrap().cause.id, "root-mount-not-shared");
    // Alone, a warning is still the answer.
    let e = explain("WARN[0000] \"/\" is not a shared mount, this could cause issues or missing mounts with rootless containers");
    assert_eq!(ids(&e), ["root-mount-not-shared"]);
}

#[test]
fn the_ranking_is_deterministic() {
    let text = "newuidmap 10225 [0 1000000 1 1 100000 15665550]\ncannot clone: Operation not permitted\nrequested 5:5";
    let first = ids(&explain(text));
    for _ in 0..5 {
        assert_eq!(ids(&explain(text)), first);
    }
}

#[test]
fn decoded_items_are_bounded() {
    let mut text = String::new();
    for i in 0..1000 {
        text.push_str(&format!("requested {i}:{i} newuidmap {i} 0 {i} 1\n"));
    }
    let e = explain(&text);
    assert!(e.decoded.requested.len() <= super::super::evidence::MAX_DECODED);
    assert!(e.decoded.id_maps.len() <= super::super::evidence::MAX_DECODED);
}
