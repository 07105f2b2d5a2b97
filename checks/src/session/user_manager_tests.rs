use super::*;
use crate::model::Status;
use crate::os_release::OsRelease;
use crate::testing::put;
use std::os::unix::net::UnixListener;
use std::path::Path;

fn debian() -> Distro {
    Distro::from_os_release(&OsRelease::parse("ID=debian\n"))
}

fn facts() -> Facts {
    Facts {
        name: "alice".into(),
        uid: 1000,
        is_root: false,
        systemd: true,
        manager: true,
        bus: true,
        entry: None,
        named_bus_reachable: false,
    }
}

fn via_runuser() -> Entry {
    Entry {
        loginuid: Some(0),
        switched_by: Some("runuser".into()),
        ancestors: vec!["runuser".into(), "bash".into()],
        ..Default::default()
    }
}

#[test]
fn without_systemd_it_skips_naming_cgroupfs() {
    let mut f = facts();
    f.systemd = false;
    f.entry = Some(via_runuser());
    let out = judge(&f, &debian());
    assert_eq!(out.status, Status::Skip);
    assert!(out.is(Code::NoSystemd));
    let reason = out.skip_reason.unwrap();
    assert!(reason.contains("cgroupfs"), "{reason}");
    assert!(reason.contains("dockerd-rootless.sh"), "{reason}");
    assert!(out
        .evidence
        .contains(&Evidence::fact("parents", "runuser < bash")));
}

#[test]
fn a_healthy_session_passes_and_root_passes() {
    assert_eq!(judge(&facts(), &debian()).status, Status::Pass);
    let mut root = facts();
    root.is_root = true;
    root.manager = false;
    assert_eq!(judge(&root, &debian()).status, Status::Pass);
}

#[test]
fn no_manager_warns_with_the_ways_in() {
    let mut f = facts();
    f.manager = false;
    f.bus = false;
    let out = judge(&f, &debian());
    assert_eq!(out.status, Status::Warn);
    assert!(out.is(Code::NoUserManager));
    assert!(out
        .message
        .contains("/run/user/1000/systemd/private is missing"));
    assert!(
        out.remediation[0].commands.is_empty(),
        "interactive: no script step"
    );
    assert!(out.remediation[0]
        .summary
        .contains("`machinectl shell alice@`"));
    assert!(out.remediation[0]
        .summary
        .contains("systemd-run --user -M alice@"));
    assert_eq!(
        out.remediation[1].commands,
        vec!["loginctl enable-linger alice"]
    );
}

#[test]
fn no_manager_after_runuser_is_no_login_session() {
    let mut f = facts();
    f.manager = false;
    f.entry = Some(via_runuser());
    let out = judge(&f, &debian());
    assert_eq!(out.status, Status::Warn);
    assert!(out.is(Code::NoLoginSession));
    assert!(out.names(Code::NoUserManager));
    assert!(
        out.message
            .starts_with("this shell was entered with runuser"),
        "{}",
        out.message
    );
}

#[test]
fn no_bus_warns_with_the_package() {
    let mut f = facts();
    f.bus = false;
    let out = judge(&f, &debian());
    assert_eq!(out.status, Status::Warn);
    assert!(out.is(Code::NoUserBus));
    assert_eq!(
        out.remediation[0].commands,
        vec!["apt-get install -y dbus-user-session"]
    );
}

#[test]
fn a_bus_elsewhere_fails_when_reachable_and_warns_otherwise() {
    let mut f = facts();
    f.entry = Some(Entry {
        bus_address: Some("unix:path=/run/dbus/system_bus_socket".into()),
        loginuid: Some(1000),
        ..Default::default()
    });
    f.named_bus_reachable = true;
    let out = judge(&f, &debian());
    assert_eq!(out.status, Status::Fail);
    assert!(out.is(Code::BusElsewhere));
    assert!(out.message.contains("the system bus"), "{}", out.message);
    assert_eq!(
        out.remediation[0].commands,
        vec!["export DBUS_SESSION_BUS_ADDRESS=unix:path=/run/user/1000/bus"]
    );
    f.entry.as_mut().unwrap().bus_address = Some("unix:path=/run/user/0/bus".into());
    f.named_bus_reachable = false;
    let out = judge(&f, &debian());
    assert_eq!(out.status, Status::Warn);
    assert!(out.is(Code::BusElsewhere));
    assert!(out.message.contains("not alice's bus"), "{}", out.message);
    // Its own bus is fine.
    f.entry.as_mut().unwrap().bus_address = Some("unix:path=/run/user/1000/bus".into());
    assert_eq!(judge(&f, &debian()).status, Status::Pass);
}

#[test]
fn a_switched_shell_warns_only_when_nothing_leads_to_the_bus() {
    let mut f = facts();
    f.entry = Some(via_runuser());
    let out = judge(&f, &debian());
    assert_eq!(out.status, Status::Warn);
    assert!(out.is(Code::NoLoginSession));
    assert!(out.message.contains("failed to connect to bus"));
    assert!(out.remediation.iter().any(|r| r.alternative));
    f.entry.as_mut().unwrap().xdg_runtime_dir = Some("/run/user/1000".into());
    let out = judge(&f, &debian());
    assert_eq!(out.status, Status::Pass);
    assert!(out
        .evidence
        .iter()
        .any(|e| matches!(e, Evidence::Fact { name, .. } if name == "note")));
}

#[test]
fn every_outcome_carries_a_declared_code() {
    let mut cases = Vec::new();
    for systemd in [false, true] {
        for manager in [false, true] {
            for bus in [false, true] {
                for entry in [None, Some(via_runuser()), Some(Entry::default())] {
                    let mut f = facts();
                    f.systemd = systemd;
                    f.manager = manager;
                    f.bus = bus;
                    f.entry = entry;
                    cases.push(f);
                }
            }
        }
    }
    for f in cases {
        let out = judge(&f, &debian());
        assert!(
            crate::check::coded_as_declared(&USER_MANAGER, &out),
            "{out:?}"
        );
    }
}

mod fixture {
    use super::*;

    fn socket(root: &Path, host_path: &str) -> UnixListener {
        let real = root.join(host_path.trim_start_matches('/'));
        std::fs::create_dir_all(real.parent().unwrap()).unwrap();
        UnixListener::bind(real).unwrap()
    }

    fn run(root: &Path) -> Outcome {
        crate::testing::run_with(root, "ID=debian\n", &crate::probe::NoProbes, &USER_MANAGER)
    }

    #[test]
    fn the_systemd_states_through_a_fixture_tree() {
        let tmp = tempfile::tempdir().unwrap();
        let root = tmp.path();
        assert!(run(root).is(Code::NoSystemd));
        std::fs::create_dir_all(root.join("run/systemd/system")).unwrap();
        // A file where the socket belongs is no manager.
        put(root, "/run/user/1000/systemd/private", "");
        assert!(run(root).is(Code::NoUserManager));
        std::fs::remove_file(root.join("run/user/1000/systemd/private")).unwrap();
        let _manager = socket(root, "/run/user/1000/systemd/private");
        assert!(run(root).is(Code::NoUserBus));
        let _bus = socket(root, "/run/user/1000/bus");
        assert_eq!(run(root).status, Status::Pass);
    }

    #[test]
    fn the_invokers_environment_through_a_fixture_proc() {
        let tmp = tempfile::tempdir().unwrap();
        let root = tmp.path();
        std::fs::create_dir_all(root.join("run/systemd/system")).unwrap();
        let _manager = socket(root, "/run/user/1000/systemd/private");
        let _bus = socket(root, "/run/user/1000/bus");
        let _system = socket(root, "/run/dbus/system_bus_socket");
        put(
            root,
            "/proc/self/environ",
            "DBUS_SESSION_BUS_ADDRESS=unix:path=/run/dbus/system_bus_socket\0",
        );
        put(root, "/proc/self/loginuid", "1000");
        let out = run(root);
        assert_eq!(out.status, Status::Fail);
        assert!(out.is(Code::BusElsewhere));
        // Entered with su from root's login, with an empty environment.
        put(root, "/proc/self/environ", "PATH=/usr/bin\0");
        put(root, "/proc/self/loginuid", "0");
        put(root, "/proc/self/stat", "9 (rootless-doctor) R 8 1 1");
        put(root, "/proc/8/stat", "8 (su) S 1 1 1");
        let out = run(root);
        assert_eq!(out.status, Status::Warn);
        assert!(out.is(Code::NoLoginSession));
        assert!(out.message.contains("entered with su"), "{}", out.message);
    }
}
