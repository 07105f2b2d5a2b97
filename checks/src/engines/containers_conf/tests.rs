use super::*;
use crate::testing::alice;
use std::fs;

fn host_with(files: &[(&str, &str)]) -> (tempfile::TempDir, HostFs) {
    let dir = tempfile::tempdir().unwrap();
    for (path, text) in files {
        let full = dir.path().join(path.trim_start_matches('/'));
        fs::create_dir_all(full.parent().unwrap()).unwrap();
        fs::write(&full, text).unwrap();
    }
    let host = HostFs::rooted(dir.path());
    (dir, host)
}

const SYSTEM: &str = "/usr/share/containers/containers.conf";
const ETC: &str = "/etc/containers/containers.conf";
const USER: &str = "/home/alice/.config/containers/containers.conf";

fn names(files: &[PathBuf]) -> Vec<String> {
    files.iter().map(|f| f.display().to_string()).collect()
}

#[test]
fn keys_are_decoded_and_a_file_that_is_not_toml_is_refused() {
    let keys = parse(
        "# c\n[containers]\nnetns = \"host\"\n[network]\n\
         default_rootless_network_cmd = \"pasta\"\n[engine]\nruntime = \"runc\"\n\
         cgroup_manager = 'cgroupfs'\nhelper_binaries_dir = [\"/opt/h\"]\n\
         [engine.runtimes]\nrunc = [\n  \"/opt/runc\",\n]\n",
    )
    .unwrap();
    assert_eq!(keys.netns.as_deref(), Some("host"));
    assert_eq!(keys.default_rootless_network_cmd.as_deref(), Some("pasta"));
    assert_eq!(keys.runtime.as_deref(), Some("runc"));
    assert_eq!(keys.cgroup_manager.as_deref(), Some("cgroupfs"));
    assert_eq!(keys.helper_binaries_dir, Some(vec!["/opt/h".to_string()]));
    assert_eq!(keys.runtimes["runc"], ["/opt/runc"]);
    assert!(parse("[engine\nruntime = \"runc\"\n").is_err());
    assert!(parse("[engine]\nruntime = 1\n").is_err());
    assert!(parse("[engine]\nruntimes = \"x\"\n").is_err());
    assert_eq!(parse("").unwrap(), Keys::default());
}

#[test]
fn files_come_system_then_drop_ins_then_the_users_own() {
    let (_dir, host) = host_with(&[
        (SYSTEM, ""),
        (ETC, ""),
        ("/etc/containers/containers.conf.d/20-b.conf", ""),
        ("/etc/containers/containers.conf.d/10-a.conf", ""),
        ("/etc/containers/containers.conf.d/notes.txt", ""),
        (USER, ""),
        (
            "/home/alice/.config/containers/containers.conf.d/x.conf",
            "",
        ),
    ]);
    let env = EngineEnv::default();
    assert_eq!(
        names(&files(&host, &alice(), &env).unwrap()),
        [
            SYSTEM,
            ETC,
            "/etc/containers/containers.conf.d/10-a.conf",
            "/etc/containers/containers.conf.d/20-b.conf",
            USER,
            "/home/alice/.config/containers/containers.conf.d/x.conf",
        ]
    );
    // Root reads no user file.
    let mut root = alice();
    root.uid = 0;
    assert_eq!(files(&host, &root, &env).unwrap().len(), 4);
    // XDG_CONFIG_HOME moves the user's file.
    let env = EngineEnv {
        xdg_config_home: Some("/cfg".into()),
        ..Default::default()
    };
    assert_eq!(files(&host, &alice(), &env).unwrap().len(), 4);
}

#[test]
fn containers_conf_replaces_every_file_and_must_exist() {
    let (_dir, host) = host_with(&[(SYSTEM, ""), (USER, ""), ("/tmp/only.conf", "")]);
    let env = EngineEnv {
        containers_conf: Some("/tmp/only.conf".into()),
        ..Default::default()
    };
    assert_eq!(
        names(&files(&host, &alice(), &env).unwrap()),
        ["/tmp/only.conf"]
    );
    let env = EngineEnv {
        containers_conf: Some("/tmp/gone.conf".into()),
        ..Default::default()
    };
    let err = files(&host, &alice(), &env).unwrap_err();
    assert!(
        err.contains("CONTAINERS_CONF file: stat /tmp/gone.conf"),
        "{err}"
    );
    let podman = resolve(&host, &alice(), &env, Some((4, 3)));
    assert!(podman.problem.is_some());
}

fn installed(paths: &[&str]) -> Vec<(String, String)> {
    paths
        .iter()
        .map(|p| (p.to_string(), String::new()))
        .collect()
}

fn with_files(extra: &[(&str, &str)], bins: &[&str]) -> (tempfile::TempDir, HostFs) {
    let mut all: Vec<(String, String)> = installed(bins);
    all.extend(extra.iter().map(|(p, t)| (p.to_string(), t.to_string())));
    let refs: Vec<(&str, &str)> = all.iter().map(|(p, t)| (p.as_str(), t.as_str())).collect();
    let (dir, host) = host_with(&refs);
    for bin in bins {
        use std::os::unix::fs::PermissionsExt;
        let full = dir.path().join(bin.trim_start_matches('/'));
        fs::set_permissions(full, fs::Permissions::from_mode(0o755)).unwrap();
    }
    (dir, host)
}

const DEBIAN_BINS: &[&str] = &["/usr/bin/crun", "/usr/sbin/runc", "/usr/bin/slirp4netns"];

#[test]
fn the_default_runtime_is_crun_when_installed_and_the_last_file_wins() {
    let (_d, host) = with_files(&[(SYSTEM, "[engine]\n")], DEBIAN_BINS);
    let p = resolve(&host, &alice(), &EngineEnv::default(), Some((4, 3)));
    assert_eq!(p.problem, None);
    assert_eq!(p.runtime.name, "crun");
    assert_eq!(p.runtime.path, Some(PathBuf::from("/usr/bin/crun")));
    assert!(matches!(p.runtime.source, Source::Default(_)));

    let (_d, host) = with_files(
        &[
            (ETC, "[engine]\nruntime = \"crun\"\n"),
            (USER, "[engine]\nruntime = \"runc\"\n"),
        ],
        DEBIAN_BINS,
    );
    let p = resolve(&host, &alice(), &EngineEnv::default(), Some((4, 3)));
    assert_eq!(p.runtime.name, "runc");
    assert_eq!(p.runtime.path, Some(PathBuf::from("/usr/sbin/runc")));
    assert_eq!(p.runtime.source.file(), Some(USER));

    // A user drop-in comes after the user's file.
    let dropin = "/home/alice/.config/containers/containers.conf.d/z.conf";
    let (_d, host) = with_files(
        &[
            (USER, "[engine]\nruntime = \"runc\"\n"),
            (dropin, "[engine]\nruntime = \"crun\"\n"),
        ],
        DEBIAN_BINS,
    );
    let p = resolve(&host, &alice(), &EngineEnv::default(), Some((4, 3)));
    assert_eq!(
        (p.runtime.name.as_str(), p.runtime.source.file()),
        ("crun", Some(dropin))
    );

    // CONTAINERS_CONF replaces the user's file.
    let (_d, host) = with_files(
        &[
            (USER, "[engine]\nruntime = \"runc\"\n"),
            ("/srv/c.conf", "[containers]\n"),
        ],
        DEBIAN_BINS,
    );
    let env = EngineEnv {
        containers_conf: Some("/srv/c.conf".into()),
        ..Default::default()
    };
    assert_eq!(
        resolve(&host, &alice(), &env, Some((4, 3))).runtime.name,
        "crun"
    );
}

#[test]
fn runtime_paths_come_from_engine_runtimes_and_a_missing_one_is_none() {
    let (_d, host) = with_files(
        &[(
            USER,
            "[engine]\nruntime = \"runc\"\n[engine.runtimes]\nrunc = [\"/opt/runc\"]\n",
        )],
        &["/usr/sbin/runc", "/opt/runc"],
    );
    let p = resolve(&host, &alice(), &EngineEnv::default(), Some((4, 3)));
    assert_eq!(p.runtime.path, Some(PathBuf::from("/opt/runc")));

    let (_d, host) = with_files(&[(USER, "[engine]\nruntime = \"youki\"\n")], DEBIAN_BINS);
    let p = resolve(&host, &alice(), &EngineEnv::default(), Some((4, 3)));
    assert_eq!(
        (p.runtime.name.as_str(), p.runtime.path.clone()),
        ("youki", None)
    );

    // An empty runtime leaves libpod's choice: runc without cgroup v2.
    let (_d, host) = with_files(&[(USER, "[engine]\nruntime = \"\"\n")], DEBIAN_BINS);
    let p = resolve(&host, &alice(), &EngineEnv::default(), Some((4, 3)));
    assert_eq!(p.runtime.name, "runc");

    // Only runc installed: runc is the default.
    let (_d, host) = with_files(&[], &["/usr/sbin/runc"]);
    let p = resolve(&host, &alice(), &EngineEnv::default(), Some((4, 3)));
    assert_eq!(p.runtime.program(), "runc");
}

#[test]
fn a_file_that_is_not_toml_stops_podman() {
    let (_d, host) = with_files(&[(USER, "[engine\n")], DEBIAN_BINS);
    let p = resolve(&host, &alice(), &EngineEnv::default(), Some((4, 3)));
    let problem = p.problem.unwrap();
    assert!(
        problem.starts_with(&format!("decode configuration {USER}")),
        "{problem}"
    );
}

#[test]
fn the_network_is_slirp4netns_on_podman_4_3_whatever_newer_keys_say() {
    let pasta = "[network]\ndefault_rootless_network_cmd = \"pasta\"\n";
    let (_d, host) = with_files(&[(USER, pasta)], DEBIAN_BINS);
    let p = resolve(&host, &alice(), &EngineEnv::default(), Some((4, 3)));
    assert_eq!(p.network.value, "slirp4netns");
    assert_eq!(p.network_cmd, Some(PathBuf::from("/usr/bin/slirp4netns")));
    assert!(p.network_needs_tun());
    let p = resolve(&host, &alice(), &EngineEnv::default(), Some((4, 4)));
    assert_eq!(p.network.value, "pasta");
    assert_eq!(p.network_cmd, None);
    let (_d, host) = with_files(&[], DEBIAN_BINS);
    assert_eq!(
        resolve(&host, &alice(), &EngineEnv::default(), Some((5, 0)))
            .network
            .value,
        "pasta"
    );
    let (_d, host) = with_files(&[(ETC, "[containers]\nnetns = \"host\"\n")], DEBIAN_BINS);
    let p = resolve(&host, &alice(), &EngineEnv::default(), Some((4, 3)));
    assert_eq!(p.network.value, "host");
    assert!(!p.network_needs_tun());
    let (_d, host) = with_files(
        &[(ETC, "[engine]\nnetwork_cmd_path = \"/opt/slirp4netns\"\n")],
        &["/opt/slirp4netns"],
    );
    let p = resolve(&host, &alice(), &EngineEnv::default(), Some((4, 3)));
    assert_eq!(p.network_cmd, Some(PathBuf::from("/opt/slirp4netns")));
}

#[test]
fn the_cgroup_manager_follows_pid_1_the_hierarchy_and_the_session() {
    let defaults = |systemd, unified, user_bus| HostDefaults {
        systemd,
        unified,
        user_bus,
    };
    let manager = |layers: &[(String, Keys)], d: &HostDefaults| {
        resolve_layers(layers, d, true, Some((4, 3)), &|_| None, &|_| None)
            .cgroup_manager
            .value
    };
    assert_eq!(manager(&[], &defaults(false, true, true)), "cgroupfs");
    assert_eq!(manager(&[], &defaults(true, false, true)), "cgroupfs");
    assert_eq!(manager(&[], &defaults(true, true, true)), "systemd");
    assert_eq!(manager(&[], &defaults(true, true, false)), "cgroupfs");
    let systemd = Keys {
        cgroup_manager: Some("systemd".into()),
        ..Keys::default()
    };
    assert_eq!(
        manager(&[("f".into(), systemd)], &defaults(false, false, true)),
        "systemd"
    );
}

#[test]
fn debian_versions_give_their_upstream_part() {
    assert_eq!(upstream_version("4.3.1+ds1-8+deb12u1+b3"), "4.3.1");
    assert_eq!(upstream_version("1:5.0.2-1"), "5.0.2");
    assert_eq!(major_minor("4.3.1"), Some((4, 3)));
    assert_eq!(major_minor("x"), None);
}
