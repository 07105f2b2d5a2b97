//! A fluent builder for running the doctor against a fixture host.
//!
//! `Test::new()` lays out a small, healthy Debian host in a temp dir (os-release,
//! passwd, group, subuid, subgid, sysctls, mountinfo, process status); tests
//! overwrite or remove files, add canned probe results, run the binary with
//! `--test-root`, and assert on what it printed and how it exited.

use std::fs;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::Command;

/// The built binary under test.
pub(crate) fn binary() -> PathBuf {
    PathBuf::from(env!("CARGO_BIN_EXE_rootless-doctor"))
}

/// A fixture host and the arguments to run the doctor with.
pub(crate) struct Test {
    root: tempfile::TempDir,
    args: Vec<String>,
    env: Vec<(String, String)>,
    probes: Option<String>,
    user: Option<String>,
}

/// What a run printed and how it exited.
#[derive(Debug)]
pub(crate) struct Run {
    pub(crate) code: i32,
    pub(crate) stdout: String,
    pub(crate) stderr: String,
}

const HEALTHY: &[(&str, &str)] = &[
    (
        "etc/os-release",
        "PRETTY_NAME=\"Debian GNU/Linux 12 (bookworm)\"\nID=debian\nVERSION_ID=\"12\"\n",
    ),
    (
        "etc/passwd",
        "root:x:0:0:root:/root:/bin/bash\n\
         alice:x:1000:1000:Alice:/home/alice:/bin/bash\n\
         bob:x:1001:1001:Bob:/home/bob:/bin/bash\n",
    ),
    ("etc/group", "root:x:0:\nalice:x:1000:\nbob:x:1001:\n"),
    ("etc/subuid", "alice:100000:65536\nbob:165536:65536\n"),
    ("etc/subgid", "alice:100000:65536\nbob:165536:65536\n"),
    ("proc/sys/user/max_user_namespaces", "63704\n"),
    ("proc/sys/user/max_mnt_namespaces", "63704\n"),
    ("proc/sys/kernel/osrelease", "6.1.0-18-amd64\n"),
    (
        "proc/self/status",
        "Name:\trootless-doctor\nNoNewPrivs:\t0\nSeccomp:\t0\n",
    ),
    ("proc/self/uid_map", "         0          0 4294967295\n"),
    (
        "proc/self/mountinfo",
        "22 1 254:1 / / rw,relatime shared:1 - ext4 /dev/vda1 rw\n",
    ),
    (
        "proc/1/limits",
        "Limit                     Soft Limit           Hard Limit           Units     \n\
         Max processes             63704                63704                processes \n\
         Max open files            1024                 1048576              files     \n",
    ),
];

impl Test {
    /// A healthy Debian fixture host; the subject is alice (uid 1000).
    pub(crate) fn new() -> Self {
        let test = Test {
            root: tempfile::tempdir().expect("temp dir"),
            args: Vec::new(),
            env: Vec::new(),
            probes: None,
            user: Some("alice".to_string()),
        };
        HEALTHY
            .iter()
            .fold(test, |test, (path, text)| test.file(path, text))
    }

    /// Diagnoses this user (`--user`) instead of alice.
    pub(crate) fn user(mut self, user: &str) -> Self {
        self.user = Some(user.to_string());
        self
    }

    /// The fixture's root directory.
    pub(crate) fn root(&self) -> &Path {
        self.root.path()
    }

    /// Writes a file of the fixture host (path relative to its `/`).
    pub(crate) fn file(self, path: &str, contents: &str) -> Self {
        let full = self.root.path().join(path);
        fs::create_dir_all(full.parent().expect("parent")).expect("create dirs");
        fs::write(&full, contents).expect("write fixture file");
        self
    }

    /// Sets a fixture file's mode.
    pub(crate) fn mode(self, path: &str, mode: u32) -> Self {
        let full = self.root.path().join(path);
        fs::set_permissions(full, fs::Permissions::from_mode(mode)).expect("chmod");
        self
    }

    /// Removes a file of the fixture host.
    pub(crate) fn remove(self, path: &str) -> Self {
        fs::remove_file(self.root.path().join(path)).expect("remove fixture file");
        self
    }

    /// Replays these probe outcomes (the canned-probes JSON document).
    pub(crate) fn probes(mut self, json: &str) -> Self {
        self.probes = Some(json.to_string());
        self
    }

    /// Appends arguments.
    pub(crate) fn args(mut self, args: &[&str]) -> Self {
        self.args.extend(args.iter().map(|a| a.to_string()));
        self
    }

    /// Sets an environment variable for the run.
    pub(crate) fn env(mut self, key: &str, value: &str) -> Self {
        self.env.push((key.to_string(), value.to_string()));
        self
    }

    /// Runs the doctor against the fixture host.
    pub(crate) fn run(self) -> Run {
        let mut command = Command::new(binary());
        command.arg("--test-root").arg(self.root.path());
        if let Some(json) = &self.probes {
            let path = self.root.path().join("canned-probes.json");
            fs::write(&path, json).expect("write canned probes");
            command.arg("--test-probes").arg(path);
        }
        if let Some(user) = &self.user {
            command.args(["--user", user]);
        }
        command
            .args(&self.args)
            .env_remove("NO_COLOR")
            .env_remove("CLICOLOR_FORCE")
            .envs(self.env.iter().map(|(k, v)| (k, v)));
        let output = command.output().expect("run rootless-doctor");
        Run {
            code: output.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
        }
    }

    /// Runs with `--format json` and returns the parsed report, after checking
    /// it against docs/report.schema.json.
    pub(crate) fn json(self) -> (Run, serde_json::Value) {
        let run = self.args(&["--format", "json"]).run();
        let report: serde_json::Value = serde_json::from_str(&run.stdout)
            .unwrap_or_else(|e| panic!("stdout is not one JSON document ({e}):\n{}", run.stdout));
        assert_valid_report(&report);
        (run, report)
    }
}

/// Panics unless `report` matches docs/report.schema.json.
pub(crate) fn assert_valid_report(report: &serde_json::Value) {
    let schema_path = Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/report.schema.json");
    let schema: serde_json::Value =
        serde_json::from_str(&fs::read_to_string(schema_path).expect("read schema"))
            .expect("schema is JSON");
    let validator = jsonschema::validator_for(&schema).expect("schema compiles");
    let errors: Vec<String> = validator
        .iter_errors(report)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect();
    assert!(
        errors.is_empty(),
        "report violates the schema:\n{}",
        errors.join("\n")
    );
    // An engine fails exactly when checks block it, and those are host checks.
    for engine in report["engines"].as_array().into_iter().flatten() {
        let blocked_by = engine["blocked_by"].as_array().expect("blocked_by");
        assert_eq!(
            engine["verdict"] == "fails",
            !blocked_by.is_empty(),
            "an engine fails exactly when checks block it: {engine}"
        );
        for id in blocked_by {
            let id = id.as_str().unwrap_or_default();
            assert!(
                checks::registry::find(id).is_some(),
                "engine {} is blocked by an unknown check {id}",
                engine["name"]
            );
        }
    }
    for check in report["checks"].as_array().into_iter().flatten() {
        let id = check["id"].as_str().unwrap_or_default();
        let def = checks::registry::find(id)
            .or_else(|| checks::registry::find_bundle(id))
            .unwrap_or_else(|| panic!("the report has an unknown check {id}"));
        match check["code"].as_str() {
            Some(code) => assert!(
                def.code_named(code).is_some(),
                "{id} reported code '{code}', which it does not declare"
            ),
            None => assert_eq!(
                check["status"], "pass",
                "{id} is not a pass but has no code"
            ),
        }
        for code in check["also"].as_array().into_iter().flatten() {
            let code = code.as_str().unwrap_or_default();
            assert!(
                def.code_named(code).is_some(),
                "{id} reported further code '{code}', which it does not declare"
            );
        }
    }
}

/// The check with this id in a JSON report.
pub(crate) fn check<'a>(report: &'a serde_json::Value, id: &str) -> &'a serde_json::Value {
    report["checks"]
        .as_array()
        .expect("checks array")
        .iter()
        .find(|c| c["id"] == id)
        .unwrap_or_else(|| panic!("no check {id} in the report"))
}

/// The status of the check with this id in a JSON report.
pub(crate) fn status<'a>(report: &'a serde_json::Value, id: &str) -> &'a str {
    check(report, id)["status"].as_str().expect("status string")
}

/// The `engines` entry named `name` in a JSON report, if the report has one.
pub(crate) fn engine<'a>(
    report: &'a serde_json::Value,
    name: &str,
) -> Option<&'a serde_json::Value> {
    report["engines"]
        .as_array()?
        .iter()
        .find(|e| e["name"] == name)
}

/// The check ids an `engines` entry names in `blocked_by`, in order.
pub(crate) fn blocked_by(entry: &serde_json::Value) -> Vec<String> {
    entry["blocked_by"]
        .as_array()
        .map(|a| {
            a.iter()
                .filter_map(|v| v.as_str().map(String::from))
                .collect()
        })
        .unwrap_or_default()
}

impl Run {
    /// Asserts the exit code, showing the output when it differs.
    pub(crate) fn code(self, expected: i32) -> Self {
        assert_eq!(
            self.code, expected,
            "exit code\nstdout:\n{}\nstderr:\n{}",
            self.stdout, self.stderr
        );
        self
    }

    /// Asserts that stderr contains `text`.
    pub(crate) fn stderr_has(self, text: &str) -> Self {
        assert!(
            self.stderr.contains(text),
            "stderr lacks {text:?}:\n{}",
            self.stderr
        );
        self
    }

    /// Asserts that stdout contains `text`.
    pub(crate) fn stdout_has(self, text: &str) -> Self {
        assert!(
            self.stdout.contains(text),
            "stdout lacks {text:?}:\n{}",
            self.stdout
        );
        self
    }
}
