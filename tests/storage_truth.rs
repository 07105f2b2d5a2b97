//! Live: storage.graphroot and storage.driver against podman, as the test
//! user, with a private HOME (so the user's graph root is under it):
//! ext4 with no storage.conf (both say vfs), ext4 with driver overlay (both
//! say native overlay), a tmpfs mounted noexec at the storage (the doctor
//! fails noexec, podman run fails with permission denied), and overlay with
//! fuse-overlayfs as mount_program with /dev/fuse 0600 and 0666 (the doctor
//! fails then passes, podman run fails then works). Each state is undone in
//! a guard (unmount, /dev/fuse's mode, `podman system reset`). xfs with
//! ftype=0 cannot be made here (kernels without CONFIG_XFS_SUPPORT_V4 refuse
//! V4 filesystems, and V5 requires ftype=1): fixture tests cover it.

use crate::live::{live, parse_report, Live, RestoreMode};
use std::fs;
use std::os::unix::fs::{chown, PermissionsExt};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

const PATH: &str = "/usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin";

struct Home {
    dir: PathBuf,
}

impl Home {
    fn new(live: &Live) -> Home {
        let dir = live.dir.path().join("home");
        fs::create_dir_all(dir.join("xdg")).unwrap();
        fs::set_permissions(&dir, fs::Permissions::from_mode(0o755)).unwrap();
        fs::set_permissions(dir.join("xdg"), fs::Permissions::from_mode(0o700)).unwrap();
        chown(&dir, Some(live.uid), Some(live.gid)).unwrap();
        chown(dir.join("xdg"), Some(live.uid), Some(live.gid)).unwrap();
        Home { dir }
    }

    fn run(&self, live: &Live, argv: &[&str]) -> Output {
        Command::new("runuser")
            .args(["-u", &live.user, "--", "env", "-i"])
            .arg(format!("PATH={PATH}"))
            .arg(format!("HOME={}", self.dir.display()))
            .arg(format!(
                "XDG_RUNTIME_DIR={}",
                self.dir.join("xdg").display()
            ))
            .args(argv)
            .output()
            .expect("runuser")
    }

    fn doctor(&self, live: &Live) -> serde_json::Value {
        let exe = live.exe();
        let output = self.run(
            live,
            &[
                exe.to_str().unwrap(),
                "--format",
                "json",
                "--only",
                "storage.graphroot,storage.driver",
            ],
        );
        parse_report(&output)
    }

    fn verdict(report: &serde_json::Value, id: &str) -> (String, String) {
        let check = crate::harness::check(report, id);
        (
            check["status"].as_str().unwrap_or("").to_string(),
            check["code"].as_str().unwrap_or("").to_string(),
        )
    }

    fn podman_driver(&self, live: &Live) -> String {
        let out = self.run(
            live,
            &["podman", "info", "--format", "{{.Store.GraphDriverName}}"],
        );
        String::from_utf8_lossy(&out.stdout).trim().to_string()
    }

    /// Imports a busybox image and runs `busybox true` with runc.
    fn podman_runs(&self, live: &Live, tar: &Path) -> (bool, String) {
        let script = format!(
            "podman import -q {} localhost/bb >/dev/null && \
             podman run --rm --net=none --runtime /usr/sbin/runc localhost/bb /bin/busybox true",
            tar.display()
        );
        let out = self.run(live, &["timeout", "120", "sh", "-c", &script]);
        (
            out.status.success(),
            String::from_utf8_lossy(&out.stderr).into_owned(),
        )
    }

    fn conf(&self, live: &Live, text: Option<&str>) {
        let dir = self.dir.join(".config/containers");
        match text {
            Some(text) => {
                fs::create_dir_all(&dir).unwrap();
                fs::write(dir.join("storage.conf"), text).unwrap();
                for p in [
                    self.dir.join(".config"),
                    dir.clone(),
                    dir.join("storage.conf"),
                ] {
                    chown(p, Some(live.uid), Some(live.gid)).unwrap();
                }
            }
            None => {
                let _ = fs::remove_file(dir.join("storage.conf"));
            }
        }
    }

    /// Resets the store (as the user) and removes it.
    fn reset(&self, live: &Live) {
        let _ = self.run(live, &["podman", "system", "reset", "--force"]);
        let _ = fs::remove_dir_all(self.dir.join(".local"));
    }
}

/// Unmounts when dropped.
struct Unmount(PathBuf);

impl Drop for Unmount {
    fn drop(&mut self) {
        let _ = Command::new("umount").arg(&self.0).status();
    }
}

fn podman_installed() -> bool {
    Path::new("/usr/bin/podman").exists() && Path::new("/bin/busybox").exists()
}

#[test]
fn storage_verdicts_agree_with_podman() {
    let Some(live) = live("storage_verdicts_agree_with_podman") else {
        return;
    };
    if !podman_installed() {
        eprintln!("skipped: podman or busybox-static is not installed");
        return;
    }
    let home = Home::new(&live);
    let tar = crate::live::busybox_tar(live.dir.path(), "bb");
    struct Reset<'a>(&'a Home, &'a Live);
    impl Drop for Reset<'_> {
        fn drop(&mut self) {
            self.0.reset(self.1);
        }
    }
    let _reset = Reset(&home, &live);

    // ext4, no storage.conf: vfs, the containers/storage 1.43 default.
    let report = home.doctor(&live);
    assert_eq!(Home::verdict(&report, "storage.graphroot").0, "pass");
    assert_eq!(
        Home::verdict(&report, "storage.driver"),
        ("warn".into(), "vfs-fallback".into())
    );
    assert_eq!(home.podman_driver(&live), "vfs");
    home.reset(&live);

    // ext4, driver = "overlay": native overlay.
    home.conf(&live, Some("[storage]\ndriver = \"overlay\"\n"));
    let report = home.doctor(&live);
    assert_eq!(Home::verdict(&report, "storage.driver").0, "pass");
    assert_eq!(home.podman_driver(&live), "overlay");
    let (runs, err) = home.podman_runs(&live, &tar);
    assert!(runs, "{err}");
    home.reset(&live);
    home.conf(&live, None);

    // The storage on a tmpfs mounted noexec.
    let store = home.dir.join(".local/share/containers");
    fs::create_dir_all(&store).unwrap();
    for p in [
        home.dir.join(".local"),
        home.dir.join(".local/share"),
        store.clone(),
    ] {
        chown(p, Some(live.uid), Some(live.gid)).unwrap();
    }
    let ok = Command::new("mount")
        .args(["-t", "tmpfs", "-o"])
        .arg(format!(
            "noexec,size=64m,mode=0700,uid={},gid={}",
            live.uid, live.gid
        ))
        .arg("tmpfs")
        .arg(&store)
        .status()
        .unwrap()
        .success();
    assert!(ok, "cannot mount a tmpfs");
    {
        let _unmount = Unmount(store.clone());
        let report = home.doctor(&live);
        assert_eq!(
            Home::verdict(&report, "storage.graphroot"),
            ("fail".into(), "noexec".into())
        );
        let (runs, err) = home.podman_runs(&live, &tar);
        assert!(!runs);
        assert!(err.contains("permission denied"), "{err}");
        home.reset(&live);
    }

    // fuse-overlayfs as mount_program, /dev/fuse 0600 then 0666.
    home.conf(
        &live,
        Some(
            "[storage]\ndriver = \"overlay\"\n[storage.options.overlay]\n\
             mount_program = \"/usr/bin/fuse-overlayfs\"\n",
        ),
    );
    let _fuse = RestoreMode::save("/dev/fuse");
    fs::set_permissions("/dev/fuse", fs::Permissions::from_mode(0o600)).unwrap();
    let report = home.doctor(&live);
    assert_eq!(
        Home::verdict(&report, "storage.driver"),
        ("fail".into(), "mount-program-failed".into())
    );
    let (runs, _) = home.podman_runs(&live, &tar);
    assert!(!runs, "podman ran with /dev/fuse 0600");
    home.reset(&live);
    fs::set_permissions("/dev/fuse", fs::Permissions::from_mode(0o666)).unwrap();
    let report = home.doctor(&live);
    assert_eq!(Home::verdict(&report, "storage.driver").0, "pass");
    let (runs, err) = home.podman_runs(&live, &tar);
    assert!(runs, "{err}");
}

/// A store podman made with vfs (Debian 12's default), then storage.conf
/// naming overlay: podman keeps vfs and says so, refuses `--storage-driver
/// overlay`, and the doctor warns `store-driver-mismatch`. Only the private
/// HOME changes; the store is reset at the end.
#[test]
fn a_store_made_with_vfs_then_overlay_configured_agrees_with_podman() {
    let Some(live) = live("a_store_made_with_vfs_then_overlay_configured_agrees_with_podman")
    else {
        return;
    };
    if !podman_installed() {
        eprintln!("skipped: podman is not installed");
        return;
    }
    let home = Home::new(&live);
    struct Reset<'a>(&'a Home, &'a Live);
    impl Drop for Reset<'_> {
        fn drop(&mut self) {
            self.0.reset(self.1);
        }
    }
    let _reset = Reset(&home, &live);
    assert_eq!(home.podman_driver(&live), "vfs");
    let report = home.doctor(&live);
    assert_eq!(
        Home::verdict(&report, "storage.driver"),
        ("warn".into(), "vfs-fallback".into())
    );

    home.conf(&live, Some("[storage]\ndriver = \"overlay\"\n"));
    let info = home.run(
        &live,
        &["podman", "info", "--format", "{{.Store.GraphDriverName}}"],
    );
    // podman logs in logfmt: msg="User-selected graph driver \"overlay\" ..."
    let stderr = String::from_utf8_lossy(&info.stderr).replace('\\', "");
    assert_eq!(
        String::from_utf8_lossy(&info.stdout).trim(),
        "vfs",
        "{stderr}"
    );
    assert!(
        stderr.contains(r#"User-selected graph driver "overlay" overwritten by graph driver "vfs" from database"#),
        "{stderr}"
    );
    let refused = home.run(&live, &["podman", "--storage-driver", "overlay", "info"]);
    let refused_err = String::from_utf8_lossy(&refused.stderr);
    assert!(!refused.status.success());
    assert!(
        refused_err.contains("does not match our") && refused_err.contains("graph driver"),
        "{refused_err}"
    );
    let report = home.doctor(&live);
    let (status, code) = Home::verdict(&report, "storage.driver");
    assert_eq!(
        (status.as_str(), code.as_str()),
        ("warn", "store-driver-mismatch"),
        "{report:#}"
    );
    // And explain confirms the cause from podman's own words.
    let exe = live.exe();
    let explained = home.run(
        &live,
        &[
            exe.to_str().unwrap(),
            "explain",
            "--format",
            "json",
            &refused_err,
        ],
    );
    let explained: serde_json::Value = serde_json::from_slice(&explained.stdout)
        .unwrap_or_else(|e| panic!("explain printed no JSON ({e})"));
    let cause = &explained["causes"][0];
    assert_eq!(
        cause["id"], "storage-driver-config-mismatch",
        "{explained:#}"
    );
    assert_eq!(cause["confirmed"], true, "{explained:#}");
}
