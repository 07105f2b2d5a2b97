//! `mount.bind`'s `root-not-shared` against the real tools, as the test user.
//!
//! Two states, neither changing the host's own `/`:
//!
//! - `host`: this host's `/` as it is (private on the test VM, shared on a
//!   systemd host);
//! - `shared`: a new mount namespace made by root with `unshare --mount
//!   --propagation shared`, whose copy of `/` is shared (a peer group of its
//!   own), and the runs as the user inside it.
//!
//! In each state the test reads the first mountinfo line for `/` itself,
//! runs `podman info` (fresh HOME and XDG_RUNTIME_DIR, so podman sets up its
//! user namespace and reaches its propagation test) and `rootlesskit
//! --propagation=rslave true`, and the doctor (`--only mount.bind`). The
//! doctor must warn `root-not-shared` exactly when podman prints `"/" is not
//! a shared mount` and RootlessKit `Setting child propagation to "rslave" is
//! not supported`, and pass otherwise. Podman's pause process and anything
//! left running from the scratch directories are killed by pid when the
//! state ends. Skipped with a reason when not root, without
//! `ROOTLESS_DOCTOR_TEST_USER`, or without podman or rootlesskit.

use crate::engine_podman_truth::Scratch;
use crate::harness::assert_valid_report;
use crate::live::{live, parse_report, Live};
use serde_json::Value;
use std::path::Path;

/// Their warnings, without logrus's quoting (`msg="\"/\" is not ..."`).
const PODMAN_WARNING: &str = "is not a shared mount, this could cause issues";
const ROOTLESSKIT_WARNING: &str = "Setting child propagation to";

/// The propagation fields of the first `/` line of mountinfo, as read by a
/// shell in `wrapper` (the test's own reading, not the doctor's parser).
fn root_fields(live: &Live, scratch: &Scratch, wrapper: &[&str]) -> String {
    let out = scratch.run_in(
        live,
        wrapper,
        &[
            "awk",
            "$5 == \"/\" { for (i = 7; $i != \"-\"; i++) printf \"%s \", $i; exit }",
            "/proc/self/mountinfo",
        ],
    );
    assert!(out.status.success(), "awk: {out:?}");
    String::from_utf8_lossy(&out.stdout).trim().to_string()
}

fn installed(tool: &str) -> bool {
    ["/usr/bin", "/usr/sbin", "/usr/local/bin"]
        .iter()
        .any(|d| Path::new(d).join(tool).exists())
}

/// Runs the tools and the doctor in one state; returns a disagreement, if any.
fn compare(live: &Live, name: &str, wrapper: &[&str]) -> Option<String> {
    let scratch = Scratch::new(live, &format!("mount-{name}"));
    let fields = root_fields(live, &scratch, wrapper);
    let shared = fields.split(' ').any(|f| f.starts_with("shared:"));
    let podman = scratch.run_in(
        live,
        wrapper,
        &["podman", "info", "--format", "{{.Host.Arch}}"],
    );
    let podman_err = String::from_utf8_lossy(&podman.stderr).to_string();
    assert!(podman.status.success(), "{name}: podman info: {podman_err}");
    let kit = scratch.run_in(
        live,
        wrapper,
        &["rootlesskit", "--propagation=rslave", "true"],
    );
    let kit_err = String::from_utf8_lossy(&kit.stderr).to_string();
    assert!(kit.status.success(), "{name}: rootlesskit: {kit_err}");
    let exe = live.exe();
    let out = scratch.run_in(
        live,
        wrapper,
        &[
            exe.to_str().unwrap(),
            "--format",
            "json",
            "--only",
            "mount.bind",
        ],
    );
    let report: Value = parse_report(&out);
    assert_valid_report(&report);
    let check = &report["checks"][0];
    let (status, code) = (
        check["status"].as_str().unwrap_or("?"),
        check["code"].as_str().unwrap_or("-"),
    );
    let podman_warns = podman_err.contains(PODMAN_WARNING);
    let kit_warns = kit_err.contains(ROOTLESSKIT_WARNING);
    eprintln!(
        "{name:<7} / [{fields}] podman warns: {podman_warns}, rootlesskit warns: {kit_warns}; \
         doctor: {status} {code}; bind mounts: {}",
        report["capabilities"]["bind_mount"]
    );
    // The tools agree with each other and with the test's own reading.
    assert_eq!(podman_warns, !shared, "{name}: podman: {podman_err}");
    assert_eq!(kit_warns, !shared, "{name}: rootlesskit: {kit_err}");
    // The warning leaves the bind mount usable.
    assert_eq!(report["capabilities"]["bind_mount"], true, "{report:#}");
    let doctor_warns = status == "warn" && code == "root-not-shared";
    let doctor_passes = status == "pass";
    if (podman_warns && doctor_warns) || (!podman_warns && doctor_passes) {
        None
    } else {
        Some(format!(
            "{name}: / is [{fields}], podman warns: {podman_warns}, the doctor: {status} \
             {code}\n{report:#}"
        ))
    }
}

fn tools_here(test: &str) -> Option<Live> {
    let live = live(test)?;
    for tool in ["podman", "rootlesskit"] {
        if !installed(tool) {
            eprintln!("skipped {test}: {tool} is not installed");
            return None;
        }
    }
    Some(live)
}

#[test]
fn root_propagation_agrees_with_podman_and_rootlesskit_on_this_host() {
    let Some(live) = tools_here("root_propagation_agrees_with_podman_and_rootlesskit_on_this_host")
    else {
        return;
    };
    let disagreement = compare(&live, "host", &[]);
    assert!(disagreement.is_none(), "{}", disagreement.unwrap());
}

#[test]
fn a_shared_root_in_a_mount_namespace_passes_like_podman() {
    let Some(live) = tools_here("a_shared_root_in_a_mount_namespace_passes_like_podman") else {
        return;
    };
    let wrapper = ["unshare", "--mount", "--propagation", "shared", "--"];
    let disagreement = compare(&live, "shared", &wrapper);
    assert!(disagreement.is_none(), "{}", disagreement.unwrap());
}
