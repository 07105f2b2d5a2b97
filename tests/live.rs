//! Live ground truth: the doctor's verdicts against what real runc does.
//!
//! These run only as root with `ROOTLESS_DOCTOR_TEST_USER` naming a throwaway
//! unprivileged user (tests/run.sh sets both up); otherwise each test says it
//! is skipped and returns. They run one at a time (a process-wide lock), since
//! some change host state (a copy of newuidmap on PATH, /etc/subuid, the mode
//! of /dev/fuse) and restore it in a guard that runs even when they fail.

use crate::harness::binary;
use serde_json::Value;
use std::fs;
use std::os::unix::fs::{chown, symlink, PermissionsExt};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::{Mutex, MutexGuard};

pub(crate) static ONE_AT_A_TIME: Mutex<()> = Mutex::new(());

/// A prepared live environment for the test user.
pub(crate) struct Live {
    pub(crate) user: String,
    pub(crate) uid: u32,
    pub(crate) gid: u32,
    /// World-readable dir with the doctor's binary and the bundles.
    pub(crate) dir: tempfile::TempDir,
    /// The user's XDG_RUNTIME_DIR for these runs (0700, owned by the user).
    pub(crate) xdg: PathBuf,
    _lock: MutexGuard<'static, ()>,
}

/// The live environment, or `None` (with a note on stderr) when it cannot be had.
pub(crate) fn live(test: &str) -> Option<Live> {
    let lock = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
    let Ok(user) = std::env::var("ROOTLESS_DOCTOR_TEST_USER") else {
        eprintln!(
            "skipped {test}: ROOTLESS_DOCTOR_TEST_USER is not set (run tests/run.sh as root)"
        );
        return None;
    };
    if !nix::unistd::geteuid().is_root() {
        eprintln!("skipped {test}: live tests need root to act as {user}");
        return None;
    }
    let account = nix::unistd::User::from_name(&user).ok().flatten()?;
    let (uid, gid) = (account.uid.as_raw(), account.gid.as_raw());
    let dir = tempfile::Builder::new()
        .prefix("rd-live-")
        .tempdir_in("/tmp")
        .ok()?;
    fs::set_permissions(dir.path(), fs::Permissions::from_mode(0o755)).ok()?;
    let exe = dir.path().join("rootless-doctor");
    fs::copy(binary(), &exe).ok()?;
    fs::set_permissions(&exe, fs::Permissions::from_mode(0o755)).ok()?;
    let xdg = dir.path().join("xdg");
    fs::create_dir(&xdg).ok()?;
    fs::set_permissions(&xdg, fs::Permissions::from_mode(0o700)).ok()?;
    chown(&xdg, Some(uid), Some(gid)).ok()?;
    Some(Live {
        user,
        uid,
        gid,
        dir,
        xdg,
        _lock: lock,
    })
}

/// The default PATH of the test user's runs.
pub(crate) const PATH: &str = "/usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin";

impl Live {
    /// The doctor's binary, executable by the test user.
    pub(crate) fn exe(&self) -> PathBuf {
        self.dir.path().join("rootless-doctor")
    }

    /// Runs `argv` as the test user with a clean environment.
    pub(crate) fn as_user(&self, argv: &[&str], path: &str) -> Output {
        Command::new("runuser")
            .args(["-u", &self.user, "--", "env", "-i"])
            .arg(format!("PATH={path}"))
            .arg(format!("XDG_RUNTIME_DIR={}", self.xdg.display()))
            .arg(format!("HOME={}", self.dir.path().display()))
            .args(argv)
            .output()
            .expect("runuser")
    }

    /// The test user's processes (zombies included), as "pid state command".
    pub(crate) fn processes(&self) -> Vec<String> {
        let output = Command::new("ps")
            .args(["-u", &self.user, "-o", "pid=,stat=,args="])
            .output()
            .expect("ps");
        String::from_utf8_lossy(&output.stdout)
            .lines()
            .map(|line| line.trim().to_string())
            .collect()
    }

    /// The test user's processes that were not there `before`.
    pub(crate) fn new_processes(&self, before: &[String]) -> Vec<String> {
        self.processes()
            .into_iter()
            .filter(|p| !before.contains(p))
            .collect()
    }

    /// The doctor's JSON report of the test user's own run.
    pub(crate) fn doctor(&self, path: &str, args: &[&str]) -> Value {
        let exe = self.exe();
        let mut argv = vec![exe.to_str().unwrap(), "--format", "json"];
        argv.extend(args);
        let output = self.as_user(&argv, path);
        parse_report(&output)
    }

    /// The test user's subordinate range start in `file` (/etc/subuid or /etc/subgid).
    pub(crate) fn first_range(&self, file: &str) -> Option<(u32, u32)> {
        fs::read_to_string(file).ok()?.lines().find_map(|line| {
            let fields: Vec<&str> = line.split(':').collect();
            (fields.len() == 3 && (fields[0] == self.user || fields[0] == self.uid.to_string()))
                .then(|| Some((fields[1].parse().ok()?, fields[2].parse().ok()?)))
                .flatten()
        })
    }

    /// A busybox bundle owned by the test user, made with `runc spec --rootless`.
    /// With `multi`, the mappings give 65536 ids: own id -> 0, the subordinate range -> 1..
    pub(crate) fn bundle(&self, name: &str, multi: bool) -> PathBuf {
        let bundle = self.dir.path().join(name);
        let bin = bundle.join("rootfs/bin");
        fs::create_dir_all(&bin).unwrap();
        fs::copy("/bin/busybox", bin.join("busybox")).unwrap();
        for applet in ["sh", "true", "id"] {
            symlink("busybox", bin.join(applet)).unwrap();
        }
        chown_tree(&bundle, self.uid, self.gid);
        let spec = self.as_user(
            &[
                "runc",
                "spec",
                "--rootless",
                "--bundle",
                bundle.to_str().unwrap(),
            ],
            PATH,
        );
        assert!(
            spec.status.success(),
            "runc spec: {}",
            String::from_utf8_lossy(&spec.stderr)
        );
        let config_path = bundle.join("config.json");
        let mut config: Value =
            serde_json::from_str(&fs::read_to_string(&config_path).unwrap()).unwrap();
        config["process"]["terminal"] = false.into();
        config["process"]["args"] = serde_json::json!(["/bin/true"]);
        if multi {
            let (uid_start, _) = self.first_range("/etc/subuid").expect("subuid range");
            let (gid_start, _) = self.first_range("/etc/subgid").expect("subgid range");
            config["linux"]["uidMappings"] = serde_json::json!([
                {"containerID": 0, "hostID": self.uid, "size": 1},
                {"containerID": 1, "hostID": uid_start, "size": 65535}]);
            config["linux"]["gidMappings"] = serde_json::json!([
                {"containerID": 0, "hostID": self.gid, "size": 1},
                {"containerID": 1, "hostID": gid_start, "size": 65535}]);
        }
        fs::write(&config_path, serde_json::to_string_pretty(&config).unwrap()).unwrap();
        chown_tree(&bundle, self.uid, self.gid);
        bundle
    }

    /// Whether real runc starts the bundle's container as the test user.
    pub(crate) fn runc_starts(&self, bundle: &Path, path: &str) -> (bool, String) {
        let root = self.xdg.join("runc");
        let id = format!("rd-{}", bundle.file_name().unwrap().to_string_lossy());
        let output = self.as_user(
            &[
                "runc",
                "--root",
                root.to_str().unwrap(),
                "run",
                "--bundle",
                bundle.to_str().unwrap(),
                &id,
            ],
            path,
        );
        let _ = self.as_user(
            &[
                "runc",
                "--root",
                root.to_str().unwrap(),
                "delete",
                "-f",
                &id,
            ],
            path,
        );
        (
            output.status.success(),
            String::from_utf8_lossy(&output.stderr).into_owned(),
        )
    }
}

/// Parses a JSON report, showing the output when it is not one.
/// A busybox image as the tarball `DIR/NAME.tar`, for `podman import` and
/// `docker import` (nothing reaches a registry): /bin/busybox with /bin/sh
/// and /bin/true linked to it, a root-only /etc/passwd and /etc/group, built
/// in `DIR/NAME-rootfs`; mode 0644, so the test user can read it.
pub(crate) fn busybox_tar(dir: &Path, name: &str) -> PathBuf {
    let rootfs = dir.join(format!("{name}-rootfs"));
    fs::create_dir_all(rootfs.join("bin")).unwrap();
    fs::create_dir_all(rootfs.join("etc")).unwrap();
    fs::copy("/bin/busybox", rootfs.join("bin/busybox")).unwrap();
    for applet in ["sh", "true"] {
        symlink("busybox", rootfs.join("bin").join(applet)).unwrap();
    }
    fs::write(rootfs.join("etc/passwd"), "root:x:0:0:root:/root:/bin/sh\n").unwrap();
    fs::write(rootfs.join("etc/group"), "root:x:0:\n").unwrap();
    let tar = dir.join(format!("{name}.tar"));
    let ok = Command::new("tar")
        .arg("-C")
        .arg(&rootfs)
        .arg("-cf")
        .arg(&tar)
        .arg(".")
        .status()
        .unwrap()
        .success();
    assert!(ok, "tar -cf {}", tar.display());
    fs::set_permissions(&tar, fs::Permissions::from_mode(0o644)).unwrap();
    tar
}

pub(crate) fn parse_report(output: &Output) -> Value {
    serde_json::from_slice(&output.stdout).unwrap_or_else(|e| {
        panic!(
            "not a JSON report ({e}); stdout:\n{}\nstderr:\n{}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        )
    })
}

fn chown_tree(path: &Path, uid: u32, gid: u32) {
    let status = Command::new("chown")
        .args(["-hR", &format!("{uid}:{gid}")])
        .arg(path)
        .status()
        .unwrap();
    assert!(status.success());
}

/// Restores a file's bytes and mode when dropped, even when a test fails.
pub(crate) struct Restore {
    path: PathBuf,
    bytes: Vec<u8>,
    mode: u32,
}

impl Restore {
    pub(crate) fn save(path: impl Into<PathBuf>) -> Self {
        let path = path.into();
        let bytes = fs::read(&path).unwrap_or_default();
        let mode = fs::metadata(&path)
            .map(|m| m.permissions().mode())
            .unwrap_or(0o644);
        Restore { path, bytes, mode }
    }
}

impl Drop for Restore {
    fn drop(&mut self) {
        let _ = fs::write(&self.path, &self.bytes);
        let _ = fs::set_permissions(&self.path, fs::Permissions::from_mode(self.mode & 0o7777));
    }
}

/// Restores a file exactly (bytes, owner, mode, extended attributes such as
/// file capabilities) from a `cp -a` copy when dropped.
pub(crate) struct RestoreExactly {
    path: PathBuf,
    saved: tempfile::TempDir,
}

impl RestoreExactly {
    pub(crate) fn save(path: impl Into<PathBuf>) -> Self {
        let path = path.into();
        // Private (0700, created exclusively): the copy may be a root-only file.
        let saved = tempfile::Builder::new()
            .permissions(fs::Permissions::from_mode(0o700))
            .tempdir()
            .unwrap();
        let status = Command::new("cp")
            .arg("-a")
            .arg(&path)
            .arg(saved.path().join("file"))
            .status()
            .unwrap();
        assert!(status.success(), "cannot save {}", path.display());
        RestoreExactly { path, saved }
    }
}

impl Drop for RestoreExactly {
    fn drop(&mut self) {
        let _ = Command::new("cp")
            .arg("-a")
            .arg(self.saved.path().join("file"))
            .arg(&self.path)
            .status();
    }
}

/// Restores a device node's or file's mode (not its bytes) when dropped.
pub(crate) struct RestoreMode {
    path: PathBuf,
    mode: u32,
}

impl RestoreMode {
    pub(crate) fn save(path: impl Into<PathBuf>) -> Self {
        let path = path.into();
        let mode = fs::metadata(&path)
            .map(|m| m.permissions().mode())
            .unwrap_or(0o600);
        RestoreMode { path, mode }
    }
}

impl Drop for RestoreMode {
    fn drop(&mut self) {
        let _ = fs::set_permissions(&self.path, fs::Permissions::from_mode(self.mode & 0o7777));
    }
}
