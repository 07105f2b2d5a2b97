use super::*;
use crate::model::Status;
use crate::testing::put;

fn pair(soft: u64, hard: u64) -> Option<Pair> {
    Some(Pair {
        soft: Some(soft),
        hard: Some(hard),
    })
}

fn facts(nofile: Option<Pair>, nproc: Option<Pair>) -> Facts {
    Facts {
        name: "alice".into(),
        uid: 1000,
        is_root: false,
        systemd: false,
        own: true,
        nofile,
        nproc,
        sources: Vec::new(),
        nr_open: Some(1_048_576),
        unreadable: None,
    }
}

#[test]
fn a_low_hard_nofile_warns_with_the_value() {
    let out = judge(&facts(pair(1024, 4096), pair(96362, 96362)));
    assert_eq!(out.status, Status::Warn);
    assert!(out.is(Code::NofileLow));
    assert!(
        out.message.contains("is 4096 (below 65536)"),
        "{}",
        out.message
    );
    assert!(out.message.contains("4096:4096"), "{}", out.message);
    assert!(out
        .evidence
        .contains(&Evidence::setting("RLIMIT_NOFILE", "1024:4096")));
    assert_eq!(
        out.remediation[0].commands,
        vec![
            "echo 'alice - nofile 1048576' > /etc/security/limits.d/90-rootless-alice-nofile.conf"
        ]
    );
    assert_eq!(out.remediation.len(), 1, "no systemd, no drop-in");
}

#[test]
fn the_soft_nofile_does_not_matter_since_podman_raises_it() {
    let out = judge(&facts(pair(1024, 1_048_576), pair(96362, 96362)));
    assert_eq!(out.status, Status::Pass);
    assert!(out.message.contains("1048576:1048576"), "{}", out.message);
    let out = judge(&facts(pair(1024, 524_288), pair(96362, 96362)));
    assert_eq!(out.status, Status::Pass);
    assert!(out.message.contains("524288:524288"), "{}", out.message);
}

#[test]
fn a_low_nproc_warns_and_both_are_named() {
    let out = judge(&facts(pair(1024, 1_048_576), pair(1024, 200_000)));
    assert_eq!(out.status, Status::Warn);
    assert!(out.is(Code::NprocLow));
    assert_eq!(
        out.remediation[0].commands,
        vec!["echo 'alice soft nproc 65536' > /etc/security/limits.d/90-rootless-alice-nproc.conf"]
    );
    let out = judge(&facts(pair(1024, 4096), pair(1024, 1024)));
    assert!(out.is(Code::NofileLow));
    assert!(out.names(Code::NprocLow));
    assert!(out.message.contains("; also: "));
    assert!(out.remediation[1].commands[0].contains("alice - nproc 65536"));
}

#[test]
fn systemd_hosts_get_a_user_manager_drop_in() {
    let mut f = facts(pair(1024, 4096), pair(96362, 96362));
    f.systemd = true;
    let out = judge(&f);
    assert_eq!(out.remediation.len(), 2);
    assert_eq!(
        out.remediation[1].commands,
        vec![
            "mkdir -p /etc/systemd/system/user@1000.service.d",
            "printf '[Service]\\nLimitNOFILE=1048576\\n' > /etc/systemd/system/user@1000.service.d/90-rootless-nofile.conf",
            "systemctl daemon-reload",
        ]
    );
}

#[test]
fn unlimited_passes_and_root_passes_and_unreadable_errors() {
    let unlimited = Some(Pair {
        soft: None,
        hard: None,
    });
    assert_eq!(judge(&facts(unlimited, unlimited)).status, Status::Pass);
    let mut root = facts(pair(1024, 4096), None);
    root.is_root = true;
    assert_eq!(judge(&root).status, Status::Pass);
    let mut broken = facts(None, None);
    broken.unreadable = Some("cannot read /proc/self/limits: denied".into());
    let out = judge(&broken);
    assert_eq!(out.status, Status::Error);
    assert!(out.is(Code::Unreadable));
}

#[test]
fn every_outcome_carries_a_declared_code() {
    for nofile in [pair(1024, 4096), pair(1024, 1_048_576), None] {
        for nproc in [pair(10, 10), pair(5000, 5000), None] {
            let out = judge(&facts(nofile, nproc));
            assert!(crate::check::coded_as_declared(&NOFILE, &out), "{out:?}");
        }
    }
}

mod fixture {
    use super::*;

    const LIMITS: &str = "\
Limit                     Soft Limit           Hard Limit           Units     
Max processes             96362                96362                processes 
Max open files            1024                 4096                 files     
";

    #[test]
    fn the_invokers_own_limits() {
        let tmp = tempfile::tempdir().unwrap();
        let root = tmp.path();
        let run = || crate::testing::run_with(root, "", &crate::probe::NoProbes, &NOFILE);
        let out = run();
        assert_eq!(out.status, Status::Error);
        assert!(out.is(Code::Unreadable));
        put(root, "/proc/self/limits", LIMITS);
        let out = run();
        assert!(out.is(Code::NofileLow));
        assert!(out.message.contains("is 4096"));
    }

    #[test]
    fn another_users_login_is_estimated() {
        let tmp = tempfile::tempdir().unwrap();
        let root = tmp.path();
        put(root, "/proc/1/limits", LIMITS);
        put(root, "/etc/group", "alice:x:1000:\ndev:x:2000:alice\n");
        let host = HostFs::rooted(root);
        let mut subject = crate::testing::alice();
        subject.is_invoker = false;
        let out = judge(&gather(&host, &subject));
        assert!(out.is(Code::NofileLow), "{out:?}");
        assert!(out
            .message
            .starts_with("alice's hard open-file limit at login is 4096"));
        put(
            root,
            "/etc/security/limits.d/10-dev.conf",
            "@dev hard nofile 1048576\n",
        );
        let out = judge(&gather(&host, &subject));
        assert_eq!(out.status, Status::Pass, "{out:?}");
        assert!(out.evidence.contains(&Evidence::file_line(
            "/etc/security/limits.d/10-dev.conf",
            1,
            "@dev hard nofile 1048576"
        )));
        // With systemd, its default replaces init's limits as the baseline.
        std::fs::remove_file(root.join("etc/security/limits.d/10-dev.conf")).unwrap();
        std::fs::create_dir_all(root.join("run/systemd/system")).unwrap();
        let out = judge(&gather(&host, &subject));
        assert_eq!(out.status, Status::Pass, "{out:?}");
        assert!(out.message.contains("524288:524288"), "{}", out.message);
    }
}
