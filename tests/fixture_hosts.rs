//! Fake hosts end to end: files under --test-root, probe outcomes replayed.

use crate::harness::{check, status, Test};

#[test]
fn a_missing_subuid_file_fails_with_a_fix() {
    let (run, report) = Test::new()
        .remove("etc/subuid")
        .args(&["--only", "subid.subuid"])
        .json();
    assert_eq!(run.code, 1);
    assert_eq!(status(&report, "subid.subuid"), "fail");
    let fix = &check(&report, "subid.subuid")["remediation"][0];
    assert!(fix["commands"][0]
        .as_str()
        .unwrap()
        .starts_with("usermod --add-subuids"));
}
