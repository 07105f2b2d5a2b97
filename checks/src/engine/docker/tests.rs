use super::*;
use crate::engines::docker::{DaemonJson, DockerEnv};
use crate::model::Code as AnyCode;
use crate::{idmap, mount, network, runtime, subid, userns};

fn debian() -> Distro {
    Distro::from_os_release(&crate::os_release::OsRelease::parse("ID=debian\n"))
}

fn setup() -> Setup {
    Setup {
        script: "/usr/share/docker.io/contrib/dockerd-rootless.sh".into(),
        package: Some(("docker.io".into(), "20.10.24+dfsg1-1+deb12u1+b6".into())),
        daemon_path: "/usr/share/docker.io/contrib:/usr/sbin:/usr/bin:/bin".into(),
        path_source: "the subject's PATH".into(),
        dockerd: Some("/usr/sbin/dockerd".into()),
        rootlesskit: Some("/usr/bin/rootlesskit".into()),
        rootlesskit_version: Some("1.1.0-1+b4".into()),
        runc: Some("/usr/sbin/runc".into()),
        iptables: Some("/usr/sbin/iptables".into()),
        backend: Some(Backend::Nft),
        modules: vec![
            ("nf_tables", Module::Loaded),
            ("nft_chain_nat", Module::Loadable),
        ],
        env: DockerEnv {
            docker_host: Some("unix:///run/user/1000/docker.sock".into()),
            known: true,
            ..DockerEnv::default()
        },
        ..Setup::default()
    }
}

fn facts(setup: Setup, driver: Driver) -> Facts {
    Facts {
        setup,
        net: net::Resolved {
            engine: Engine::Docker,
            helper: Some(Helper::Slirp4netns),
            name: "slirp4netns".into(),
            source: Source::Default("dockerd-rootless.sh's default".into()),
        },
        net_binary: Some("/usr/bin/slirp4netns".into()),
        storage: Storage {
            engine: storage::Engine::Docker,
            graphroot: "/home/alice/.local/share/docker".into(),
            driver,
            mount_program: None,
            config: None,
            config_problem: None,
        },
        xdg_runtime_dir: Some("/run/user/1000".into()),
        uid: 1000,
        data_root_fs: Some("ext4".into()),
    }
}

fn healthy() -> Deps {
    let mut deps = Deps::default();
    for def in [
        &userns::CREATE,
        &idmap::NEWUIDMAP,
        &idmap::NEWGIDMAP,
        &subid::SUBUID,
        &subid::SUBGID,
        &runtime::XDG_RUNTIME_DIR,
        &runtime::OCI_RUNTIME,
        &network::TUN,
        &network::HELPER,
        &mount::OVERLAY,
    ] {
        deps.outcomes.push((def, Outcome::pass("fine")));
    }
    deps.outcomes.push((
        &mount::FUSE_OVERLAYFS,
        Outcome::skip(mount::Code::NotNeeded, "not needed: native overlay works"),
    ));
    deps
}

fn set(deps: &mut Deps, def: &'static CheckDef, outcome: Outcome) {
    deps.outcomes.retain(|(d, _)| *d != def);
    deps.outcomes.push((def, outcome));
}

fn engine(outcome: &Outcome) -> &EngineVerdict {
    outcome.engines().next().expect("an engine verdict")
}

fn blocked_ids(outcome: &Outcome) -> Vec<&'static str> {
    engine(outcome).blocked_by.iter().map(|d| d.id).collect()
}

#[test]
fn a_healthy_setup_works_with_overlay2() {
    let outcome = judge(&facts(setup(), Driver::Auto), &healthy(), &debian());
    assert_eq!(outcome.status, Status::Pass, "{outcome:?}");
    let e = engine(&outcome);
    assert_eq!(e.verdict, Verdict::Works);
    assert_eq!(e.version.as_deref(), Some("20.10.24"));
    assert_eq!(e.storage_driver.as_deref(), Some("overlay2"));
    assert_eq!(e.network.as_deref(), Some("slirp4netns"));
    assert!(e.blocked_by.is_empty());
    assert!(crate::check::coded_as_declared(&DOCKER, &outcome));
}

#[test]
fn a_refused_tun_device_blocks_it() {
    let mut deps = healthy();
    set(
        &mut deps,
        &network::TUN,
        Outcome::fail(network::Code::TunMode, "/dev/net/tun is mode 0600"),
    );
    let outcome = judge(&facts(setup(), Driver::Auto), &deps, &debian());
    assert_eq!(outcome.status, Status::Fail);
    assert!(outcome.is(Code::DockerHostCheckFailed));
    assert_eq!(blocked_ids(&outcome), ["network.tun"]);
    assert!(!outcome.remediation.is_empty());
}

#[test]
fn iptables_off_the_daemon_s_path_fails_unless_disabled() {
    let mut s = setup();
    s.iptables = None;
    s.backend = None;
    s.off_path = vec![("iptables".into(), "/usr/sbin/iptables".into())];
    let outcome = judge(&facts(s.clone(), Driver::Auto), &healthy(), &debian());
    assert!(outcome.is(Code::IptablesMissing), "{outcome:?}");
    assert!(outcome.message.contains("Iptables not found"));
    assert!(outcome.message.contains("/usr/sbin/iptables is installed"));
    assert!(outcome.remediation[0].commands[0].starts_with("PATH=/sbin:/usr/sbin:$PATH "));
    assert_eq!(blocked_ids(&outcome), ["engine.docker"]);
    s.daemon_json = DaemonJson {
        file: Some("/home/alice/.config/docker/daemon.json".into()),
        iptables: Some(false),
        problem: None,
    };
    let outcome = judge(&facts(s, Driver::Auto), &healthy(), &debian());
    assert_eq!(engine(&outcome).verdict, Verdict::Works, "{outcome:?}");
}

#[test]
fn legacy_iptables_needs_ip_tables_in_the_kernel_already() {
    let mut s = setup();
    s.backend = Some(Backend::Legacy);
    s.modules = vec![
        ("ip_tables", Module::Loadable),
        ("iptable_nat", Module::Loadable),
        ("iptable_filter", Module::Loaded),
    ];
    let outcome = judge(&facts(s.clone(), Driver::Auto), &healthy(), &debian());
    assert!(outcome.is(Code::IptablesModuleMissing), "{outcome:?}");
    assert!(outcome.message.contains("ip_tables"));
    assert!(!outcome.message.contains("iptable_nat"));
    s.modules[0].1 = Module::BuiltIn;
    let outcome = judge(&facts(s.clone(), Driver::Auto), &healthy(), &debian());
    assert_eq!(outcome.status, Status::Pass, "{outcome:?}");
    // A kernel without module support is not judged a missing module.
    s.modules = vec![("ip_tables", Module::Unknown)];
    let outcome = judge(&facts(s, Driver::Auto), &healthy(), &debian());
    assert_eq!(outcome.status, Status::Pass, "{outcome:?}");
}

#[test]
fn an_unevaluated_tun_check_leaves_it_unknown() {
    let mut deps = healthy();
    set(
        &mut deps,
        &network::TUN,
        Outcome::skip(CommonCode::ProbeNotRun, "probes were not run"),
    );
    let outcome = judge(&facts(setup(), Driver::Auto), &deps, &debian());
    assert_eq!(outcome.status, Status::Skip);
    assert!(outcome.is(Code::DockerUndecided));
    assert_eq!(engine(&outcome).verdict, Verdict::Unknown);
    assert!(engine(&outcome).blocked_by.is_empty());
}

#[test]
fn storage_drivers_as_dockerd_picks_them() {
    let outcome = judge(
        &facts(setup(), Driver::Named("vfs".into())),
        &healthy(),
        &debian(),
    );
    assert!(outcome.is(Code::DockerVfs));
    assert_eq!(engine(&outcome).verdict, Verdict::Works);
    assert_eq!(engine(&outcome).storage_driver.as_deref(), Some("vfs"));
    // Native overlay refused, fuse-overlayfs installed but /dev/fuse closed:
    // dockerd picks fuse-overlayfs (it only looks for the binary) and every
    // container's mount fails.
    let mut deps = healthy();
    set(
        &mut deps,
        &mount::OVERLAY,
        Outcome::fail(mount::Code::KernelTooOld, "kernel 5.4"),
    );
    set(
        &mut deps,
        &mount::FUSE_OVERLAYFS,
        Outcome::fail(mount::Code::DevFuseNotOpenable, "/dev/fuse 0600"),
    );
    let outcome = judge(&facts(setup(), Driver::Auto), &deps, &debian());
    assert_eq!(blocked_ids(&outcome), ["mount.fuse-overlayfs"]);
    assert_eq!(
        engine(&outcome).storage_driver.as_deref(),
        Some("fuse-overlayfs")
    );
    // Without fuse-overlayfs: vfs, and it works.
    set(
        &mut deps,
        &mount::FUSE_OVERLAYFS,
        Outcome::skip(mount::Code::NotInstalled, "no fuse-overlayfs"),
    );
    let outcome = judge(&facts(setup(), Driver::Auto), &deps, &debian());
    assert_eq!(engine(&outcome).verdict, Verdict::Works);
    assert_eq!(engine(&outcome).storage_driver.as_deref(), Some("vfs"));
    // overlay2 named where it does not work: the daemon does not start.
    let outcome = judge(
        &facts(setup(), Driver::Named("overlay2".into())),
        &deps,
        &debian(),
    );
    assert!(outcome.is(Code::StorageDriverUnusable), "{outcome:?}");
}

#[test]
fn several_prior_drivers_without_a_named_one_fail() {
    let mut s = setup();
    s.prior_drivers = vec!["fuse-overlayfs".into(), "overlay2".into()];
    let outcome = judge(&facts(s, Driver::Auto), &healthy(), &debian());
    assert!(outcome.is(Code::PriorDrivers), "{outcome:?}");
}

#[test]
fn a_client_on_the_rootful_socket_is_a_warning() {
    let mut s = setup();
    s.env.docker_host = None;
    let outcome = judge(&facts(s.clone(), Driver::Auto), &healthy(), &debian());
    assert!(outcome.is(Code::ClientEndpoint), "{outcome:?}");
    assert!(outcome.message.contains("/var/run/docker.sock"));
    assert_eq!(engine(&outcome).verdict, Verdict::Works);
    s.env.docker_host = Some("unix:///run/user/1001/docker.sock".into());
    let outcome = judge(&facts(s.clone(), Driver::Auto), &healthy(), &debian());
    assert!(outcome.message.contains("uid 1001"), "{outcome:?}");
    // Unknown environment (root diagnosing a user) and no context: not judged.
    s.env = DockerEnv::default();
    let outcome = judge(&facts(s, Driver::Auto), &healthy(), &debian());
    assert_eq!(outcome.status, Status::Pass, "{outcome:?}");
}

#[test]
fn own_binaries_missing_from_the_daemon_s_path() {
    let mut s = setup();
    s.dockerd = None;
    s.runc = None;
    let outcome = judge(&facts(s, Driver::Auto), &healthy(), &debian());
    assert!(outcome.is(Code::DockerdMissing));
    assert!(outcome.names(Code::DockerRuncMissing));
    assert!(outcome.message.contains("exec: dockerd: not found"));
}

#[test]
fn network_and_port_drivers() {
    let mut f = facts(setup(), Driver::Auto);
    f.net.helper = Some(Helper::Pasta);
    f.net.name = "pasta".into();
    let outcome = judge(&f, &healthy(), &debian());
    assert!(outcome.is(Code::NetworkDriverUnsupported), "{outcome:?}");
    let mut f = facts(setup(), Driver::Auto);
    f.net_binary = None;
    let outcome = judge(&f, &healthy(), &debian());
    assert!(outcome.is(Code::NetworkDriverMissing));
    assert!(outcome.message.contains("Either slirp4netns"));
    let mut s = setup();
    s.env.port_driver = Some("teleport".into());
    let outcome = judge(&facts(s, Driver::Auto), &healthy(), &debian());
    assert!(outcome.is(Code::PortDriverInvalid));
}

#[test]
fn a_failed_user_namespace_blocks_and_an_invalid_daemon_json_fails() {
    let mut deps = healthy();
    set(
        &mut deps,
        &userns::CREATE,
        Outcome::fail(AnyCode::new("x"), "no user namespaces"),
    );
    let outcome = judge(&facts(setup(), Driver::Auto), &deps, &debian());
    assert_eq!(blocked_ids(&outcome), ["userns.create"]);
    let mut s = setup();
    s.daemon_json = crate::engines::docker::parse_daemon_json("/d.json".into(), "{");
    let outcome = judge(&facts(s, Driver::Auto), &healthy(), &debian());
    assert!(outcome.is(Code::DaemonJsonInvalid));
}

#[test]
fn systemd_without_the_user_unit_warns() {
    let mut s = setup();
    s.systemd = true;
    let outcome = judge(&facts(s, Driver::Auto), &healthy(), &debian());
    assert!(outcome.is(Code::NoUserUnit), "{outcome:?}");
}

#[test]
fn named_fuse_overlayfs_with_dev_fuse_closed_fails_every_container() {
    let named = || facts(setup(), Driver::Named("fuse-overlayfs".into()));
    let mut deps = healthy();
    set(
        &mut deps,
        &mount::FUSE_OVERLAYFS,
        Outcome::skip(mount::Code::NotNeeded, "not needed: native overlay works")
            .also([mount::Code::DevFuseNotOpenable]),
    );
    let outcome = judge(&named(), &deps, &debian());
    assert!(outcome.is(Code::StorageDriverUnusable), "{outcome:?}");
    assert!(outcome.message.contains("fuse: failed to open /dev/fuse"));
    set(
        &mut deps,
        &mount::FUSE_OVERLAYFS,
        Outcome::skip(mount::Code::NotNeeded, "not needed: native overlay works")
            .also([mount::Code::NotInstalled]),
    );
    let outcome = judge(&named(), &deps, &debian());
    assert!(
        outcome.message.contains("driver not supported"),
        "{outcome:?}"
    );
    set(&mut deps, &mount::FUSE_OVERLAYFS, Outcome::pass("mounted"));
    let outcome = judge(&named(), &deps, &debian());
    assert_eq!(engine(&outcome).verdict, Verdict::Works);
    assert_eq!(
        engine(&outcome).storage_driver.as_deref(),
        Some("fuse-overlayfs")
    );
}

#[test]
fn a_data_root_on_overlay_or_nfs_gets_no_overlay2() {
    let mut f = facts(setup(), Driver::Auto);
    f.data_root_fs = Some("overlay".into());
    let mut deps = healthy();
    set(
        &mut deps,
        &mount::FUSE_OVERLAYFS,
        Outcome::skip(mount::Code::NotNeeded, "not needed: native overlay works")
            .also([mount::Code::NotInstalled]),
    );
    let outcome = judge(&f, &deps, &debian());
    assert_eq!(engine(&outcome).storage_driver.as_deref(), Some("vfs"));
    assert!(outcome.is(Code::DockerVfs), "{outcome:?}");
    let mut f = facts(setup(), Driver::Named("overlay2".into()));
    f.data_root_fs = Some("nfs4".into());
    let outcome = judge(&f, &healthy(), &debian());
    assert!(outcome.is(Code::StorageDriverUnusable), "{outcome:?}");
    assert!(outcome.message.contains("nfs4"));
}

#[test]
fn a_data_root_on_btrfs_gets_the_btrfs_driver_first() {
    let mut f = facts(setup(), Driver::Auto);
    f.data_root_fs = Some("btrfs".into());
    let outcome = judge(&f, &healthy(), &debian());
    assert_eq!(engine(&outcome).storage_driver.as_deref(), Some("btrfs"));
    assert_eq!(engine(&outcome).verdict, Verdict::Works, "{outcome:?}");
    // A driver named in daemon.json still wins.
    let mut f = facts(setup(), Driver::Named("vfs".into()));
    f.data_root_fs = Some("btrfs".into());
    let outcome = judge(&f, &healthy(), &debian());
    assert_eq!(engine(&outcome).storage_driver.as_deref(), Some("vfs"));
}

#[test]
fn podmans_slirp4netns_failing_alone_is_not_dockers() {
    use crate::check::EngineFinding;
    let found = |engine, status, code: Option<AnyCode>| {
        Fact::ForEngine(EngineFinding {
            engine,
            status,
            code,
        })
    };
    let start_failed = network::Code::HelperStartFailed.code();
    let mut deps = healthy();
    set(
        &mut deps,
        &network::HELPER,
        Outcome::fail(network::Code::HelperStartFailed, "podman's slirp4netns")
            .stating(found("podman", Status::Fail, Some(start_failed)))
            .stating(found("docker", Status::Pass, None)),
    );
    let outcome = judge(&facts(setup(), Driver::Auto), &deps, &debian());
    assert!(blocked_ids(&outcome).is_empty(), "{outcome:?}");
    set(
        &mut deps,
        &network::HELPER,
        Outcome::fail(network::Code::HelperStartFailed, "slirp4netns")
            .stating(found("podman", Status::Fail, Some(start_failed)))
            .stating(found("docker", Status::Fail, Some(start_failed))),
    );
    let outcome = judge(&facts(setup(), Driver::Auto), &deps, &debian());
    assert_eq!(blocked_ids(&outcome), ["network.helper"]);
}
