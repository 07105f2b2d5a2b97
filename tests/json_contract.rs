//! The JSON report is one document on stdout, valid against the schema.

use crate::harness::{assert_valid_report, Test};

#[test]
fn a_host_report_is_valid_and_complete() {
    let (run, report) = Test::new().json();
    assert_eq!(report["schema_version"], 1);
    assert_eq!(report["tool"]["name"], "rootless-doctor");
    assert_eq!(report["subject"]["name"], "alice");
    assert_eq!(report["subject"]["uid"], 1000);
    assert_eq!(report["host"]["os_release"]["id"], "debian");
    assert!(
        report["capabilities"].is_object(),
        "host reports carry capabilities"
    );
    assert!(
        report.get("bundle").is_none(),
        "host reports carry no bundle"
    );
    assert!(report["engines"].is_array(), "host reports carry engines");
    assert_eq!(
        report["checks"].as_array().unwrap().len(),
        checks::HOST_CHECKS.len()
    );
    assert_eq!(report["summary"]["exit_code"], run.code);
    for check in report["checks"].as_array().unwrap() {
        let id = check["id"].as_str().unwrap();
        assert_eq!(check["category"], id.split('.').next().unwrap());
        if check["status"] == "skip" {
            assert!(
                check["skip_reason"].is_string(),
                "{id} skipped without a reason"
            );
        } else {
            assert!(check["skip_reason"].is_null(), "{id}");
        }
        if check["status"] == "fail" || check["status"] == "warn" {
            assert!(
                !check["evidence"].as_array().unwrap().is_empty(),
                "{id} has no evidence"
            );
            assert!(
                !check["remediation"].as_array().unwrap().is_empty(),
                "{id} has no fix"
            );
        }
    }
}

#[test]
fn the_schema_rejects_what_the_contract_forbids() {
    let (_, mut report) = Test::new().json();
    report["checks"][0]["status"] = "fine".into();
    let result = std::panic::catch_unwind(|| assert_valid_report(&report));
    assert!(
        result.is_err(),
        "a status outside the five must not validate"
    );
}

#[test]
fn a_bundle_report_has_no_engines_nor_capabilities() {
    let parent = tempfile::tempdir().unwrap();
    let bundle = crate::formats::hostile_bundle(parent.path());
    let (_, report) = Test::new()
        .args(&["bundle", bundle.to_str().unwrap()])
        .json();
    assert!(report.get("engines").is_none(), "{report:#}");
    assert!(report.get("capabilities").is_none(), "{report:#}");
}
