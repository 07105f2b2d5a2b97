//! Live: `subid.auto-userns` against real rootful podman 4.3.1. As root, with
//! a busybox image imported from a tarball into a scratch store (its own
//! storage.conf through `CONTAINERS_STORAGE_CONF`, `--root`, `--runroot`,
//! `--tmpdir`, vfs, no events), `podman run --rm --userns=auto IMAGE true`
//! runs in each state of the `containers` user's ranges, and the doctor
//! (root diagnosing itself, reading the same storage.conf) judges the same
//! state. Podman fails exactly when the ranges are missing or leave fewer
//! ids than a namespace (1024 for busybox), and the doctor must then warn
//! with the code that names why; when the doctor passes podman must run. The
//! doctor's bar is the largest namespace (65536), so a range of 5000 ids
//! (podman runs busybox) is a documented warn.
//!
//! /etc/subuid and /etc/subgid are restored byte for byte by guards, even on
//! failure; the test skips when a `containers` entry or account exists
//! already (it never touches one it did not make) and creates no account.
//! `/var/lib/containers` (podman's blob-info cache) is removed afterwards
//! when the test created it. Runtime flags for this hybrid-cgroup VM: runc,
//! cgroupfs, no network, and ulimits inside the host's hard limits.

use crate::live::{live, parse_report, Restore, PATH};
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

const IMAGE: &str = "localhost/rd-auto-userns-bb";
/// A block far above any user's range on a test machine.
const START: u64 = 3_000_000_000;

/// Removes `/var/lib/containers` when dropped, if it did not exist before.
struct RemoveIfNew(Option<PathBuf>);

impl RemoveIfNew {
    fn save(path: &str) -> Self {
        RemoveIfNew((!Path::new(path).exists()).then(|| PathBuf::from(path)))
    }
}

impl Drop for RemoveIfNew {
    fn drop(&mut self) {
        if let Some(path) = &self.0 {
            let _ = fs::remove_dir_all(path);
        }
    }
}

struct Store {
    dir: PathBuf,
    conf: PathBuf,
}

impl Store {
    fn new(base: &Path) -> Store {
        let dir = base.join("auto-userns-store");
        for sub in ["root", "run", "tmp"] {
            fs::create_dir_all(dir.join(sub)).unwrap();
        }
        let conf = dir.join("storage.conf");
        fs::write(
            &conf,
            format!(
                "[storage]\ndriver = \"vfs\"\ngraphroot = \"{0}/root\"\nrunroot = \"{0}/run\"\n",
                dir.display()
            ),
        )
        .unwrap();
        Store { dir, conf }
    }

    fn podman(&self, args: &[&str]) -> Output {
        let d = self.dir.display();
        Command::new("timeout")
            .arg("120")
            .arg("podman")
            .args([
                format!("--root={d}/root"),
                format!("--runroot={d}/run"),
                format!("--tmpdir={d}/tmp"),
                "--storage-driver=vfs".into(),
                "--cgroup-manager=cgroupfs".into(),
                "--runtime=runc".into(),
                "--events-backend=none".into(),
            ])
            .args(args)
            .env_clear()
            .env("PATH", PATH)
            .env("HOME", "/root")
            .env("CONTAINERS_STORAGE_CONF", &self.conf)
            .output()
            .unwrap()
    }

    fn run_auto(&self) -> Output {
        self.podman(&[
            "run",
            "--rm",
            "--network=none",
            "--ulimit=nofile=1024:1024",
            "--ulimit=nproc=1024:1024",
            "--userns=auto",
            IMAGE,
            "true",
        ])
    }

    fn doctor(&self, exe: &Path) -> serde_json::Value {
        let out = Command::new(exe)
            .args([
                "check",
                "--no-probe",
                "--only",
                "subid.auto-userns",
                "--format",
                "json",
                "--fail-on",
                "never",
            ])
            .env_clear()
            .env("PATH", PATH)
            .env("HOME", "/root")
            .env("CONTAINERS_STORAGE_CONF", &self.conf)
            .output()
            .unwrap();
        parse_report(&out)
    }
}

impl Drop for Store {
    fn drop(&mut self) {
        let _ = self.podman(&["rm", "--all", "--force"]);
        let _ = fs::remove_dir_all(&self.dir);
    }
}

/// Writes `line` (or nothing) after the saved contents of both files.
fn set_entries(subuid: &[u8], subgid: &[u8], line: Option<&str>) {
    for (path, saved) in [("/etc/subuid", subuid), ("/etc/subgid", subgid)] {
        let mut bytes = saved.to_vec();
        if let Some(line) = line {
            if !bytes.is_empty() && !bytes.ends_with(b"\n") {
                bytes.push(b'\n');
            }
            bytes.extend_from_slice(line.as_bytes());
            bytes.push(b'\n');
        }
        fs::write(path, bytes).unwrap();
    }
}

/// (state, entry line, a container holding ids first, podman runs, doctor
/// status, code).
type State = (
    &'static str,
    Option<String>,
    bool,
    bool,
    &'static str,
    &'static str,
);

fn has_containers(text: &str) -> bool {
    text.lines().any(|l| l.starts_with("containers:"))
}

#[test]
fn auto_userns_agrees_with_rootful_podman() {
    let Some(live) = live("auto_userns_agrees_with_rootful_podman") else {
        return;
    };
    if !Path::new("/usr/bin/podman").exists() || !Path::new("/bin/busybox").exists() {
        eprintln!("skipped auto_userns_agrees_with_rootful_podman: podman or busybox-static is not installed");
        return;
    }
    let subuid = fs::read("/etc/subuid").unwrap_or_default();
    let subgid = fs::read("/etc/subgid").unwrap_or_default();
    let passwd = fs::read_to_string("/etc/passwd").unwrap_or_default();
    if has_containers(&String::from_utf8_lossy(&subuid))
        || has_containers(&String::from_utf8_lossy(&subgid))
        || has_containers(&passwd)
    {
        eprintln!(
            "skipped auto_userns_agrees_with_rootful_podman: a `containers` user or entry exists"
        );
        return;
    }
    let _cache = RemoveIfNew::save("/var/lib/containers");
    let _uid_guard = Restore::save("/etc/subuid");
    let _gid_guard = Restore::save("/etc/subgid");
    let store = Store::new(live.dir.path());
    let tar = crate::live::busybox_tar(live.dir.path(), "auto-userns-bb");
    let import = store.podman(&["import", "-q", tar.to_str().unwrap(), IMAGE]);
    assert!(
        import.status.success(),
        "podman import: {}",
        String::from_utf8_lossy(&import.stderr)
    );

    let states: &[State] = &[
        (
            "no containers entry",
            None,
            false,
            false,
            "warn",
            "containers-no-entry",
        ),
        (
            "containers:1000",
            Some(format!("containers:{START}:1000")),
            false,
            false,
            "warn",
            "containers-few-ids",
        ),
        (
            "containers:65536",
            Some(format!("containers:{START}:65536")),
            false,
            true,
            "pass",
            "",
        ),
        (
            "containers:65536, 65000 held",
            Some(format!("containers:{START}:65536")),
            true,
            false,
            "warn",
            "containers-few-ids",
        ),
        (
            "containers:5000",
            Some(format!("containers:{START}:5000")),
            false,
            true,
            "warn",
            "containers-few-ids",
        ),
    ];
    let mut table = vec![format!(
        "{:<32} {:<8} {:<6} code",
        "state", "podman", "doctor"
    )];
    let mut failures = Vec::new();
    for (name, line, hold, runs, status, code) in states {
        set_entries(&subuid, &subgid, line.as_deref());
        let _ = store.podman(&["rm", "--all", "--force"]);
        if *hold {
            let created = store.podman(&[
                "create",
                "--network=none",
                "--userns=auto:size=65000",
                IMAGE,
                "true",
            ]);
            assert!(
                created.status.success(),
                "{name}: podman create: {}",
                String::from_utf8_lossy(&created.stderr)
            );
        }
        let ran = store.run_auto();
        let stderr = String::from_utf8_lossy(&ran.stderr).to_string();
        let report = store.doctor(&live.exe());
        let check = report["checks"]
            .as_array()
            .and_then(|a| a.iter().find(|c| c["id"] == "subid.auto-userns"))
            .cloned()
            .unwrap_or_default();
        let got_status = check["status"].as_str().unwrap_or("").to_string();
        let got_code = check["code"].as_str().unwrap_or("").to_string();
        table.push(format!(
            "{name:<32} {:<8} {got_status:<6} {got_code}",
            if ran.status.success() {
                "runs"
            } else {
                "fails"
            }
        ));
        if ran.status.success() != *runs {
            failures.push(format!(
                "{name}: podman expected runs={runs}; stderr:\n{stderr}"
            ));
        }
        if !ran.status.success() && !stderr.contains("could not find enough available IDs") {
            failures.push(format!(
                "{name}: podman failed for another reason:\n{stderr}"
            ));
        }
        if line.is_none() && !stderr.contains("Cannot find mappings for user \\\"containers\\\"") {
            failures.push(format!(
                "{name}: podman did not name the containers user:\n{stderr}"
            ));
        }
        if got_status != *status || got_code != *code {
            failures.push(format!(
                "{name}: doctor {got_status} {got_code}, expected {status} {code}: {check:#}"
            ));
        }
        // The contract: a pass means podman runs; podman failing means a warn.
        if got_status == "pass" && !ran.status.success() {
            failures.push(format!(
                "{name}: doctor passed but podman failed:\n{stderr}"
            ));
        }
    }
    set_entries(&subuid, &subgid, None);
    eprintln!("{}", table.join("\n"));
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}
