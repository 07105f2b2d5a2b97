//! `explain` end to end: the JSON document matches its schema, and the same
//! pasted text is confirmed as different causes on different fake hosts.

use crate::harness::Test;
use serde_json::Value;
use std::path::Path;

const FORK_EXEC: &str = "[rootlesskit:parent] error: failed to start the child: \
                         fork/exec /proc/self/exe: operation not permitted";

fn explain(test: Test, text: &str) -> Value {
    let run = test
        .args(&["explain", text, "--format", "json"])
        .run()
        .code(0);
    let doc: Value = serde_json::from_str(&run.stdout).expect("one JSON document");
    let schema_path = Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/explain.schema.json");
    let schema: Value =
        serde_json::from_str(&std::fs::read_to_string(schema_path).unwrap()).unwrap();
    let validator = jsonschema::validator_for(&schema).expect("schema compiles");
    let errors: Vec<String> = validator.iter_errors(&doc).map(|e| e.to_string()).collect();
    assert!(errors.is_empty(), "{errors:?}\n{doc:#}");
    doc
}

fn confirmed(doc: &Value) -> Vec<&str> {
    doc["causes"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["confirmed"] == true)
        .map(|c| c["id"].as_str().unwrap())
        .collect()
}

const EPERM_AT_UNSHARE: &str =
    r#"{"userns-create": {"report": {"ok": false, "step": "unshare", "errno": "EPERM"}}}"#;

#[test]
fn one_message_three_hosts_three_causes() {
    let sysctl = Test::new()
        .file("proc/sys/kernel/unprivileged_userns_clone", "0\n")
        .probes(EPERM_AT_UNSHARE);
    let doc = explain(sysctl, FORK_EXEC);
    assert_eq!(confirmed(&doc), ["userns-clone-sysctl-disabled"], "{doc:#}");

    let apparmor = Test::new()
        .file("proc/sys/kernel/apparmor_restrict_unprivileged_userns", "1\n")
        .file("etc/os-release", "ID=ubuntu\nID_LIKE=debian\nVERSION_ID=\"24.04\"\n")
        .probes(r#"{"userns-create": {"report": {"ok": false, "step": "uid_map", "errno": "EPERM", "facts": {"cap_sys_admin": "no"}}}}"#);
    let doc = explain(apparmor, FORK_EXEC);
    assert_eq!(
        confirmed(&doc),
        ["ubuntu-apparmor-userns-restriction"],
        "{doc:#}"
    );

    let sandbox = Test::new()
        .file(
            "proc/self/status",
            "Name:\trootless-doctor\nNoNewPrivs:\t1\nSeccomp:\t2\n",
        )
        .file(".dockerenv", "")
        .probes(EPERM_AT_UNSHARE);
    let doc = explain(sandbox, FORK_EXEC);
    assert_eq!(
        confirmed(&doc),
        ["userns-blocked-in-container-sandbox"],
        "{doc:#}"
    );
}

#[test]
fn unknown_text_and_no_probe() {
    let doc = explain(Test::new(), "the coffee machine is empty");
    assert!(doc["causes"].as_array().unwrap().is_empty());
    let doc = explain(Test::new().args(&["--no-probe"]), FORK_EXEC);
    assert!(doc["causes"]
        .as_array()
        .unwrap()
        .iter()
        .all(|c| c["confirmed"].is_null()));
    assert!(doc["checks"].as_array().unwrap().is_empty());
}

#[test]
fn a_follow_up_line_alone_asks_for_more() {
    let run = Test::new()
        .args(&["explain", "runc run failed: unable to start container process: can't get final child's PID from pipe: EOF"])
        .run()
        .code(0);
    assert!(
        run.stdout.contains("paste the lines before it"),
        "{}",
        run.stdout
    );
}

/// The numbers of a paste are compared with the subject's ranges when
/// explain may read the host; with --no-probe they are judged on their face.
#[test]
fn requested_ids_against_the_subjects_ranges() {
    const CHOWN: &str = "Error processing tar file(exit status 1): potentially insufficient \
                         UIDs or GIDs available in user namespace (requested 1000:1000 for \
                         /home/arch): Check /etc/subuid and /etc/subgid: lchown /home/arch: \
                         invalid argument";
    let first = |doc: &Value| doc["causes"][0]["id"].as_str().unwrap().to_string();
    // Text alone: id 1000 fits any default range, so no range at all comes first.
    let doc = explain(Test::new().args(&["--no-probe"]), CHOWN);
    assert_eq!(first(&doc), "subuid-no-entry", "{doc:#}");
    assert!(doc["causes"][0]["evidence"][0]
        .as_str()
        .unwrap()
        .starts_with("+20: requested id 1000"));
    // alice has 100000:65536: the ids fit, the running namespace predates them.
    let doc = explain(
        Test::new()
            .file("etc/subuid", "alice:100000:65536\n")
            .file("etc/subgid", "alice:100000:65536\n"),
        CHOWN,
    );
    assert_eq!(first(&doc), "subuid-stale-pause-process", "{doc:#}");
    // alice has 500 ids: too few for 1000.
    let doc = explain(
        Test::new()
            .file("etc/subuid", "alice:100000:500\n")
            .file("etc/subgid", "alice:100000:500\n"),
        CHOWN,
    );
    assert_eq!(first(&doc), "subuid-range-insufficient", "{doc:#}");
}

/// The cause's state for `id`: `Some(true)` confirmed, `Some(false)` ruled out.
fn verdict_of(doc: &Value, id: &str) -> Option<bool> {
    doc["causes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == id)
        .and_then(|c| c["confirmed"].as_bool())
}

#[test]
fn podman_s_shared_mount_warning_is_confirmed_on_a_private_root_only() {
    const WARNING: &str = "WARN[0000] \"/\" is not a shared mount, this could cause issues \
                           or missing mounts with rootless containers";
    const BIND_OK: &str = r#"{"userns-create": {"report": {"ok": true, "facts": {"cap_sys_admin": "yes"}}},
        "bind-mount": {"report": {"ok": true}}}"#;
    let private = Test::new()
        .file(
            "proc/self/mountinfo",
            "22 1 254:1 / / rw,relatime - ext4 /dev/vda1 rw\n",
        )
        .probes(BIND_OK);
    let doc = explain(private, WARNING);
    assert_eq!(confirmed(&doc), ["root-mount-not-shared"], "{doc:#}");
    // The healthy fixture's / is shared: mount.bind passes and rules it out.
    let doc = explain(Test::new().probes(BIND_OK), WARNING);
    assert_eq!(
        verdict_of(&doc, "root-mount-not-shared"),
        Some(false),
        "{doc:#}"
    );
}
