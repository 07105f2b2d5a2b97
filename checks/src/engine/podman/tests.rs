use super::*;
use crate::engines::containers_conf::{Runtime, Setting};
use crate::testing::debian;
use crate::{idmap, network, runtime, subid, userns};

fn setting(value: &str) -> Setting {
    Setting {
        value: value.into(),
        source: Source::Default("podman's default".into()),
    }
}

fn conf(runtime: &str, path: Option<&str>) -> Podman {
    Podman {
        files: vec!["/usr/share/containers/containers.conf".into()],
        problem: None,
        runtime: Runtime {
            name: runtime.into(),
            source: Source::Default("podman's default".into()),
            path: path.map(PathBuf::from),
        },
        cgroup_manager: setting("cgroupfs"),
        network: setting("slirp4netns"),
        network_cmd: Some("/usr/bin/slirp4netns".into()),
        helper_binaries_dir: Vec::new(),
    }
}

fn oci(name: &'static str, path: &str, runs_here: bool) -> Fact {
    Fact::OciRuntime(OciRuntime {
        name,
        path: path.into(),
        version: None,
        runs_here,
    })
}

/// The Debian 12 hybrid host: crun refused, runc fine.
fn runtimes_hybrid() -> Outcome {
    Outcome::warn(
        runtime::Code::CrunRefusesHybrid,
        "runc can run here; crun refuses",
    )
    .stating(oci("runc", "/usr/sbin/runc", true))
    .stating(oci("crun", "/usr/bin/crun", false))
}

fn passing(def: &'static CheckDef) -> Dep {
    Dep {
        def,
        outcome: Outcome::pass("fine"),
    }
}

fn facts(conf: Podman, runtimes: Outcome) -> Facts {
    let mut deps: Vec<Dep> = [
        &userns::CREATE,
        &subid::SUBUID,
        &subid::SUBGID,
        &idmap::MULTI_MAP,
        &runtime::XDG_RUNTIME_DIR,
        &crate::storage::GRAPHROOT,
        &crate::storage::DRIVER,
        &network::HELPER,
        &network::TUN,
    ]
    .into_iter()
    .map(passing)
    .collect();
    deps.push(Dep {
        def: &runtime::OCI_RUNTIME,
        outcome: runtimes,
    });
    Facts {
        subject: "alice".into(),
        path: "/usr/bin/podman".into(),
        version: Some("4.3.1".into()),
        version_from: "dpkg",
        conf,
        storage: Some(Storage {
            engine: storage::Engine::Podman,
            graphroot: "/home/alice/.local/share/containers/storage".into(),
            driver: Driver::DefaultVfs,
            mount_program: None,
            config: None,
            config_problem: None,
        }),
        store_drivers: Vec::new(),
        user_conf: "/home/alice/.config/containers/containers.conf".into(),
        user_conf_exists: false,
        containers_conf_env: None,
        user_conf_default_place: true,
        deps,
    }
}

fn set(facts: &mut Facts, def: &'static CheckDef, outcome: Outcome) {
    facts
        .deps
        .iter_mut()
        .find(|d| d.def == def)
        .unwrap()
        .outcome = outcome;
}

fn engine(outcome: &Outcome) -> &EngineVerdict {
    outcome.engines().next().expect("an engine fact")
}

#[test]
fn crun_on_a_hybrid_host_fails_and_the_first_fix_is_the_users_runc() {
    let f = facts(conf("crun", Some("/usr/bin/crun")), runtimes_hybrid());
    let out = judge(&f, &debian());
    assert_eq!(out.status, Status::Fail);
    assert!(out.is(Code::RuntimeRefused), "{out:?}");
    assert!(out.message.contains("hybrid mode"), "{}", out.message);
    let e = engine(&out);
    assert_eq!(e.verdict, Verdict::Fails);
    assert_eq!(e.blocked_by, vec![&runtime::OCI_RUNTIME]);
    assert_eq!(
        (
            e.runtime.as_deref(),
            e.storage_driver.as_deref(),
            e.network.as_deref()
        ),
        (Some("crun"), Some("vfs"), Some("slirp4netns"))
    );
    let first = &out.remediation[0];
    assert!(!first.requires_root && !first.alternative);
    assert_eq!(
        first.commands,
        [
            "mkdir -p ~/.config/containers",
            "test -e ~/.config/containers/containers.conf || printf '%s\\n' '[engine]' \
             'runtime = \"runc\"' > ~/.config/containers/containers.conf",
        ]
    );
    assert_eq!(
        first.unless.as_deref(),
        Some("test -e ~/.config/containers/containers.conf")
    );
    assert!(out.remediation[1].alternative && out.remediation[1].requires_root);
}

#[test]
fn an_existing_user_file_is_edited_and_containers_conf_is_named() {
    let mut f = facts(conf("crun", Some("/usr/bin/crun")), runtimes_hybrid());
    f.user_conf_exists = true;
    let fix = &judge(&f, &debian()).remediation[0];
    assert!(fix.commands.is_empty());
    assert!(fix
        .summary
        .contains("runtime = \"runc\" in the [engine] table of /home/alice"));
    f.containers_conf_env = Some("/srv/c.conf".into());
    let fix = &judge(&f, &debian()).remediation[0];
    assert!(fix.summary.contains("/srv/c.conf"), "{}", fix.summary);
}

#[test]
fn runc_works_with_every_check_passing() {
    let f = facts(conf("runc", Some("/usr/sbin/runc")), runtimes_hybrid());
    let out = judge(&f, &debian());
    assert_eq!(out.status, Status::Pass, "{out:?}");
    let e = engine(&out);
    assert_eq!(e.verdict, Verdict::Works);
    assert!(e.blocked_by.is_empty());
    assert_eq!(e.version.as_deref(), Some("4.3.1"));
}

#[test]
fn failures_are_listed_in_podmans_order() {
    let mut f = facts(conf("crun", Some("/usr/bin/crun")), runtimes_hybrid());
    set(
        &mut f,
        &network::TUN,
        Outcome::fail(network::Code::TunMode, "0600"),
    );
    let out = judge(&f, &debian());
    assert!(out.is(Code::RuntimeRefused));
    assert_eq!(out.also, vec![Code::TunFails.code()]);
    assert_eq!(
        engine(&out).blocked_by,
        vec![&runtime::OCI_RUNTIME, &network::TUN]
    );
    // runc: the tun alone.
    let mut f = facts(conf("runc", Some("/usr/sbin/runc")), runtimes_hybrid());
    set(
        &mut f,
        &network::TUN,
        Outcome::fail(network::Code::TunMode, "0600"),
    );
    let out = judge(&f, &debian());
    assert!(out.is(Code::TunFails));
    assert_eq!(engine(&out).blocked_by, vec![&network::TUN]);
    // Storage comes before the runtime.
    set(
        &mut f,
        &crate::storage::DRIVER,
        Outcome::fail(crate::storage::Code::MountProgramFailed, "fuse"),
    );
    assert_eq!(
        engine(&judge(&f, &debian())).blocked_by,
        vec![&crate::storage::DRIVER, &network::TUN]
    );
}

#[test]
fn a_network_without_a_helper_does_not_need_the_tun() {
    let mut c = conf("runc", Some("/usr/sbin/runc"));
    c.network = setting("host");
    c.network_cmd = None;
    let mut f = facts(c, runtimes_hybrid());
    set(
        &mut f,
        &network::TUN,
        Outcome::fail(network::Code::TunMode, "0600"),
    );
    assert_eq!(engine(&judge(&f, &debian())).verdict, Verdict::Works);
    // slirp4netns not installed.
    let mut c = conf("runc", Some("/usr/sbin/runc"));
    c.network_cmd = None;
    let out = judge(&facts(c, runtimes_hybrid()), &debian());
    assert!(out.is(Code::NetworkHelperFails));
}

#[test]
fn an_undecided_check_makes_the_verdict_unknown_unless_another_fails() {
    let mut f = facts(conf("runc", Some("/usr/sbin/runc")), runtimes_hybrid());
    set(
        &mut f,
        &network::TUN,
        Outcome::error(CommonCode::ProbeTimedOut, "killed"),
    );
    let out = judge(&f, &debian());
    assert_eq!(out.status, Status::Skip);
    assert!(out.is(Code::PodmanUndecided));
    assert!(
        out.message.contains("network.tun (probe-timed-out)"),
        "{}",
        out.message
    );
    assert_eq!(engine(&out).verdict, Verdict::Unknown);
    set(
        &mut f,
        &userns::CREATE,
        Outcome::fail(userns::Code::CloneSysctlOff, "denied"),
    );
    assert_eq!(engine(&judge(&f, &debian())).verdict, Verdict::Fails);
}

#[test]
fn no_subordinate_ids_is_a_single_mapping_warning() {
    let mut f = facts(conf("runc", Some("/usr/sbin/runc")), runtimes_hybrid());
    set(
        &mut f,
        &subid::SUBUID,
        Outcome::fail(subid::Code::NoEntry, "none"),
    );
    set(&mut f, &idmap::MULTI_MAP, Outcome::blocked(&subid::SUBUID));
    let out = judge(&f, &debian());
    assert!(out.is(Code::SingleIdMapping), "{out:?}");
    assert_eq!(engine(&out).verdict, Verdict::Works);
    // With ranges that newuidmap cannot map, podman stops.
    let mut f = facts(conf("runc", Some("/usr/sbin/runc")), runtimes_hybrid());
    set(
        &mut f,
        &idmap::MULTI_MAP,
        Outcome::fail(idmap::Code::HelperFailed, "refused"),
    );
    let out = judge(&f, &debian());
    assert!(out.is(Code::UsernsFails));
    assert_eq!(engine(&out).blocked_by, vec![&idmap::MULTI_MAP]);
    // A newuidmap without privilege blocks idmap.multi-map: podman stops
    // with the mapping tool's error, it does not fall back.
    let mut f = facts(conf("runc", Some("/usr/sbin/runc")), runtimes_hybrid());
    set(
        &mut f,
        &idmap::MULTI_MAP,
        Outcome::blocked(&idmap::NEWUIDMAP),
    );
    let out = judge(&f, &debian());
    assert!(out.is(Code::UsernsFails), "{out:?}");
    assert_eq!(engine(&out).verdict, Verdict::Fails);
}

#[test]
fn a_missing_runtime_or_a_bad_file_fails() {
    let out = judge(&facts(conf("youki", None), runtimes_hybrid()), &debian());
    assert!(out.is(Code::RuntimeMissing));
    assert!(
        out.message.contains("default OCI runtime"),
        "{}",
        out.message
    );
    let mut c = conf("runc", Some("/usr/sbin/runc"));
    c.problem = Some("decode configuration /x: expected".into());
    let mut f = facts(c, runtimes_hybrid());
    f.deps.clear();
    let out = judge(&f, &debian());
    assert!(out.is(Code::ConfigInvalid));
    assert_eq!(engine(&out).blocked_by, vec![&PODMAN]);
}

#[test]
fn the_reported_driver_is_what_podman_info_says() {
    let mut f = facts(conf("runc", Some("/usr/sbin/runc")), runtimes_hybrid());
    assert_eq!(driver_name(&f).as_deref(), Some("vfs"));
    f.storage.as_mut().unwrap().driver = Driver::Named("overlay".into());
    assert_eq!(driver_name(&f).as_deref(), Some("overlay"));
    f.store_drivers = vec!["vfs".into()];
    assert_eq!(driver_name(&f).as_deref(), Some("vfs"));
    f.store_drivers.clear();
    f.storage.as_mut().unwrap().driver = Driver::Auto;
    assert_eq!(driver_name(&f).as_deref(), Some("overlay"));
}

/// A finding of a check that judges engines one by one, about `engine`.
fn for_engine(engine: &'static str, status: Status, code: impl Into<crate::model::Code>) -> Fact {
    Fact::ForEngine(crate::check::EngineFinding {
        engine,
        status,
        code: Some(code.into()),
    })
}

fn passes_for(engine: &'static str) -> Fact {
    Fact::ForEngine(crate::check::EngineFinding {
        engine,
        status: Status::Pass,
        code: None,
    })
}

#[test]
fn rootless_dockers_helper_or_storage_failing_is_not_podmans() {
    let mut f = facts(conf("runc", Some("/usr/sbin/runc")), runtimes_hybrid());
    // rootless Docker's vpnkit is missing; podman's slirp4netns started.
    set(
        &mut f,
        &network::HELPER,
        Outcome::fail(network::Code::HelperMissing, "rootless docker uses vpnkit")
            .stating(passes_for("podman"))
            .stating(for_engine(
                "docker",
                Status::Fail,
                network::Code::HelperMissing,
            )),
    );
    // Docker's data-root is on NFS; podman's graphroot is fine.
    set(
        &mut f,
        &crate::storage::GRAPHROOT,
        Outcome::fail(
            crate::storage::Code::NetworkFilesystem,
            "rootless docker on nfs",
        )
        .stating(passes_for("podman"))
        .stating(for_engine(
            "docker",
            Status::Fail,
            crate::storage::Code::NetworkFilesystem,
        )),
    );
    let out = judge(&f, &debian());
    assert_eq!(engine(&out).verdict, Verdict::Works, "{out:?}");
    assert!(engine(&out).blocked_by.is_empty(), "{out:?}");
}

#[test]
fn podmans_own_helper_failing_is_named_with_its_own_code() {
    let mut f = facts(conf("runc", Some("/usr/sbin/runc")), runtimes_hybrid());
    set(
        &mut f,
        &network::HELPER,
        Outcome::fail(network::Code::HelperMissing, "rootless docker uses vpnkit")
            .also([network::Code::HelperStartFailed])
            .stating(for_engine(
                "podman",
                Status::Fail,
                network::Code::HelperStartFailed,
            ))
            .stating(for_engine(
                "docker",
                Status::Fail,
                network::Code::HelperMissing,
            )),
    );
    let out = judge(&f, &debian());
    assert_eq!(engine(&out).verdict, Verdict::Fails);
    assert_eq!(engine(&out).blocked_by, vec![&network::HELPER]);
    assert!(
        out.message.contains("network.helper: helper-start-failed"),
        "{}",
        out.message
    );
}
