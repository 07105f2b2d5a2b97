//! Whether the doctor itself runs inside a container or a nested user namespace.
//!
//! A container's seccomp filter or its own user namespace explains failures
//! that the host's settings do not, so the report header and the live checks
//! say so.

use crate::host::HostFs;

/// Why the doctor believes it runs in a container, if it does.
pub fn container_hint(host: &HostFs) -> Option<String> {
    for marker in ["/.dockerenv", "/run/.containerenv"] {
        if host.symlink_metadata(marker).is_ok() {
            return Some(format!("{marker} exists"));
        }
    }
    if let Ok(cgroup) = host.read_text("/proc/1/cgroup") {
        let engines = ["docker", "kubepods", "containerd", "libpod", "lxc"];
        if let Some(engine) = engines.iter().find(|e| cgroup.contains(*e)) {
            return Some(format!("/proc/1/cgroup names {engine}"));
        }
    }
    if let Ok(map) = host.read_text("/proc/self/uid_map") {
        if !is_initial_map(&map) {
            return Some(format!(
                "/proc/self/uid_map is not the initial namespace's: {}",
                map.split_whitespace().collect::<Vec<_>>().join(" ")
            ));
        }
    }
    None
}

/// The initial user namespace maps every id to itself: `0 0 4294967295`.
fn is_initial_map(map: &str) -> bool {
    let fields: Vec<&str> = map.split_whitespace().collect();
    fields == ["0", "0", "4294967295"]
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::fs;

    #[test]
    fn markers_cgroups_and_nested_maps_are_noticed() {
        let dir = tempfile::tempdir().unwrap();
        let host = HostFs::rooted(dir.path());
        fs::create_dir_all(dir.path().join("proc/self")).unwrap();
        fs::create_dir_all(dir.path().join("proc/1")).unwrap();
        fs::write(
            dir.path().join("proc/self/uid_map"),
            "         0          0 4294967295\n",
        )
        .unwrap();
        fs::write(dir.path().join("proc/1/cgroup"), "0::/init.scope\n").unwrap();
        assert_eq!(container_hint(&host), None);
        fs::write(dir.path().join("proc/self/uid_map"), "0 1000 1\n").unwrap();
        assert!(container_hint(&host).unwrap().contains("0 1000 1"));
        fs::write(
            dir.path().join("proc/1/cgroup"),
            "0::/kubepods/besteffort/pod1\n",
        )
        .unwrap();
        assert_eq!(
            container_hint(&host).unwrap(),
            "/proc/1/cgroup names kubepods"
        );
        fs::write(dir.path().join(".dockerenv"), "").unwrap();
        assert_eq!(container_hint(&host).unwrap(), "/.dockerenv exists");
    }
}
