//! Where the engines keep the pid of the process that holds the subject's
//! long-lived user namespace, resolved as the engine resolves it. Host facts
//! shared by `state.pause-process` and, later, the engine checks.
//!
//! Podman 4.3.1 (libpod/runtime.go, pkg/util/utils_supported.go,
//! containers/common 0.50.1 pkg/config/default.go):
//!
//! - the pause process's pid is in `pause.pid` of libpod's tmp dir
//!   (`GetRootlessPauseProcessPidPathGivenDir(config.Engine.TmpDir)`), next to
//!   the `alive` file whose absence makes podman refresh its state after a
//!   reboot. The tmp dir is containers.conf's `[engine] tmp_dir` (the last
//!   file that sets it wins), else `<runtime dir>/libpod/tmp`; it is not
//!   storage.conf's `runroot`, which holds the store's run state
//!   (`<runtime dir>/containers`). Podman's C entry point joins
//!   `$XDG_RUNTIME_DIR/libpod/tmp/pause.pid` directly, the same file by default;
//! - the runtime dir is `$XDG_RUNTIME_DIR`, else `/run/user/<uid>` when it is
//!   the subject's and writable only by them, else `$TMPDIR/podman-run-<uid>`
//!   (`/tmp` here: the subject's TMPDIR is not known), else `$HOME/rundir`
//!   (containers/common `util.GetRuntimeDir`).
//!
//! Rootless Docker (`dockerd-rootless.sh`, which runs dockerd under
//! rootlesskit): rootlesskit writes its child's pid (the process that holds
//! the user namespace) to `child_pid` in its state dir. Docker 20.10's script
//! passes no `--state-dir`, so rootlesskit 1.1 makes one with
//! `os.MkdirTemp("", "rootlesskit")` (`$TMPDIR/rootlesskit<digits>`, removed
//! when it exits cleanly); later scripts pass
//! `$XDG_RUNTIME_DIR/dockerd-rootless`. Both are looked at.
//!
//! These files are in directories the subject controls. When root diagnoses
//! another user, [`open_subject_file`] opens them without following a
//! symlink at any step, and only when they are the subject's own (see
//! docs/privileges.md): a link planted there never makes root read a file
//! the subject could not.

use super::storage::{Engine, EngineEnv};
use crate::host::HostFs;
use crate::subject::Subject;
use std::fs::File;
use std::os::unix::fs::MetadataExt;
use std::path::{Component, Path, PathBuf};

/// A file naming the process that holds an engine's user namespace.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PidFile {
    pub engine: Engine,
    /// `pause.pid` or `child_pid`.
    pub path: PathBuf,
    /// The directory of podman's `alive` file (its tmp dir); `None` for
    /// rootlesskit.
    pub tmp_dir: Option<PathBuf>,
}

/// Podman's rootless runtime dir for `subject`, as containers/common picks it.
pub fn runtime_dir(host: &HostFs, subject: &Subject, env: &EngineEnv) -> Option<PathBuf> {
    if let Some(dir) = &subject.xdg_runtime_dir {
        return Some(dir.clone());
    }
    let owned = |dir: &Path| {
        host.metadata(dir).is_ok_and(|m| {
            // containers/common's isWriteableOnlyByOwner.
            m.is_dir() && m.uid() == subject.uid && m.mode() & 0o722 == 0o700
        })
    };
    let run_user = PathBuf::from(format!("/run/user/{}", subject.uid));
    if owned(&run_user) {
        return Some(run_user);
    }
    let tmp = PathBuf::from(format!("/tmp/podman-run-{}", subject.uid));
    if owned(&tmp) {
        return Some(tmp);
    }
    let home = env
        .home
        .as_ref()
        .map_or_else(|| subject.home.clone(), PathBuf::from);
    Some(home.join("rundir"))
}

/// Podman's libpod tmp dir: the one its database recorded at first use
/// ([`recorded_tmp_dir`]), else containers.conf's `[engine] tmp_dir`, else
/// `<runtime dir>/libpod/tmp`.
pub fn podman_tmp_dir(host: &HostFs, subject: &Subject, env: &EngineEnv) -> Option<PathBuf> {
    if let Some(dir) = recorded_tmp_dir(host, subject, env) {
        return Some(dir);
    }
    // The last file that sets it wins, as in podman's layering.
    let configured = super::containers_conf::files(host, subject, env)
        .unwrap_or_default()
        .iter()
        .rev()
        .filter_map(|file| read_conf(host, subject, file))
        .filter_map(|text| super::containers_conf::parse(&text).ok()?.tmp_dir)
        .find(|dir| dir.starts_with('/'));
    if let Some(dir) = configured {
        return Some(PathBuf::from(dir));
    }
    Some(runtime_dir(host, subject, env)?.join("libpod/tmp"))
}

/// The most of podman's database the doctor reads; its runtime-config bucket
/// is written at first use, near the start.
const MAX_DB: u64 = 16 << 20;

/// The tmp dir podman's database recorded when podman first ran: key
/// `tmp-dir` of its `runtime-config` bucket in `<graph root>/libpod/
/// bolt_state.db`. Podman 4.3.1 prefers it to every configured one
/// ("Overriding tmp dir ... with ... from database", libpod/runtime.go), so
/// a first run without XDG_RUNTIME_DIR pins the tmp dir to disk for good.
pub fn recorded_tmp_dir(host: &HostFs, subject: &Subject, env: &EngineEnv) -> Option<PathBuf> {
    let storage = super::storage::resolve(host, subject, env)
        .into_iter()
        .find(|s| s.engine == Engine::Podman)?;
    let db = storage.graphroot.join("libpod/bolt_state.db");
    let mut bytes = Vec::new();
    use std::io::Read;
    open_subject_file(host, subject, &db)?
        .take(MAX_DB)
        .read_to_end(&mut bytes)
        .ok()?;
    bolt_value(&bytes, b"tmp-dir")
        .filter(|v| v.starts_with('/') && !v.contains('\0'))
        .map(PathBuf::from)
}

/// The value of `key` in a bbolt (boltdb) file: a leaf element is four
/// little-endian u32 (flags 0, pos, ksize, vsize) `pos` bytes before its key,
/// and the value follows the key. The first element found wins.
pub fn bolt_value(db: &[u8], key: &[u8]) -> Option<String> {
    let u32_at = |at: usize| {
        db.get(at..at + 4)
            .map(|b| u32::from_le_bytes([b[0], b[1], b[2], b[3]]) as usize)
    };
    // A key stands in a few places of a real database; a file made of the
    // key over and over is bounded to this many candidates, each looked at
    // over at most 64 KiB, so a hostile file cannot stall the run.
    const MAX_CANDIDATES: usize = 64;
    let mut from = 0;
    let mut candidates = 0;
    while let Some(found) = db.get(from..)?.windows(key.len()).position(|w| w == key) {
        candidates += 1;
        if candidates > MAX_CANDIDATES {
            return None;
        }
        let k = from + found;
        let lowest = k.saturating_sub(1 << 16);
        for h in (lowest..=k.saturating_sub(16)).rev() {
            if k < 16 {
                break;
            }
            if u32_at(h) == Some(0)
                && u32_at(h + 4) == Some(k - h)
                && u32_at(h + 8) == Some(key.len())
            {
                let size = u32_at(h + 12)?;
                let start = k + key.len();
                let value = db.get(start..start.checked_add(size)?)?;
                return std::str::from_utf8(value).ok().map(str::to_string);
            }
        }
        from = k + 1;
    }
    None
}

/// A containers.conf file: the subject's own (under their home) through
/// [`open_subject_file`], the system's as it is.
fn read_conf(host: &HostFs, subject: &Subject, path: &Path) -> Option<String> {
    if !path.starts_with(&subject.home) {
        return host
            .read_text_up_to(path, 1 << 20)
            .ok()
            .map(|(text, _)| text);
    }
    use std::io::Read;
    let mut bytes = Vec::new();
    open_subject_file(host, subject, path)?
        .take(1 << 20)
        .read_to_end(&mut bytes)
        .ok()?;
    Some(String::from_utf8_lossy(&bytes).into_owned())
}

/// The pid files that may name a process holding one of the subject's
/// long-lived user namespaces: podman's `pause.pid` and rootlesskit's
/// `child_pid` files, those that exist.
pub fn pid_files(host: &HostFs, subject: &Subject, env: &EngineEnv) -> Vec<PidFile> {
    let mut out = Vec::new();
    // The tmp dir podman uses, and the file its C entry point joins before
    // reading any configuration, when that is another.
    let mut tmps: Vec<PathBuf> = podman_tmp_dir(host, subject, env).into_iter().collect();
    if let Some(xdg) = &subject.xdg_runtime_dir {
        let shortcut = xdg.join("libpod/tmp");
        if !tmps.contains(&shortcut) {
            tmps.push(shortcut);
        }
    }
    for tmp in tmps {
        let path = tmp.join("pause.pid");
        if open_subject_file(host, subject, &path).is_some() {
            out.push(PidFile {
                engine: Engine::Podman,
                path,
                tmp_dir: Some(tmp),
            });
        }
    }
    let mut state_dirs = Vec::new();
    if let Some(xdg) = &subject.xdg_runtime_dir {
        state_dirs.push(xdg.join("dockerd-rootless"));
    }
    let mut temp: Vec<String> = host
        .read_dir_names("/tmp")
        .unwrap_or_default()
        .into_iter()
        .filter(|n| {
            n.strip_prefix("rootlesskit")
                .is_some_and(|rest| rest.bytes().all(|b| b.is_ascii_digit()))
        })
        .collect();
    temp.sort();
    state_dirs.extend(temp.into_iter().map(|n| Path::new("/tmp").join(n)));
    for dir in state_dirs {
        let owned = host
            .symlink_metadata(&dir)
            .is_ok_and(|m| m.is_dir() && m.uid() == subject.uid);
        let path = dir.join("child_pid");
        if owned && open_subject_file(host, subject, &path).is_some() {
            out.push(PidFile {
                engine: Engine::Docker,
                path,
                tmp_dir: None,
            });
        }
    }
    out
}

/// Opens a file in a directory the subject controls. The subject's own run
/// opens it as the engine would (links followed), non-blocking and only when
/// it is a regular file (a FIFO there cannot hang the run). When root acts for another
/// user, every step from `/` is opened with O_NOFOLLOW, the directories must
/// be root's or the subject's, and the file a regular file of the
/// subject's (owners are checked on the real host only: a fixture's files
/// belong to whoever runs the tests).
pub fn open_subject_file(host: &HostFs, subject: &Subject, path: &Path) -> Option<File> {
    if subject.is_invoker {
        // Non-blocking, and only a regular file: a FIFO planted at the path
        // would otherwise hang the open.
        use std::os::unix::fs::OpenOptionsExt;
        let file = std::fs::OpenOptions::new()
            .read(true)
            .custom_flags(libc::O_NONBLOCK)
            .open(host.resolve(path))
            .ok()?;
        return file.metadata().is_ok_and(|m| m.is_file()).then_some(file);
    }
    use nix::fcntl::{open, openat, OFlag};
    use nix::sys::stat::Mode;
    let check_owner = host.is_real();
    let owned_by = |file: &File, dir: bool| {
        let Ok(meta) = file.metadata() else {
            return false;
        };
        let kind = if dir { meta.is_dir() } else { meta.is_file() };
        let owner = meta.uid() == subject.uid || (dir && meta.uid() == 0);
        kind && (owner || !check_owner)
    };
    let flags = OFlag::O_RDONLY | OFlag::O_CLOEXEC | OFlag::O_NOFOLLOW;
    let mut current =
        File::from(open(host.root(), flags | OFlag::O_DIRECTORY, Mode::empty()).ok()?);
    let parts: Vec<_> = path
        .components()
        .filter_map(|c| match c {
            Component::Normal(name) => Some(name.to_owned()),
            _ => None,
        })
        .collect();
    if path.components().any(|c| c == Component::ParentDir) || parts.is_empty() {
        return None;
    }
    for (i, name) in parts.iter().enumerate() {
        let last = i + 1 == parts.len();
        let extra = if last {
            OFlag::O_NONBLOCK
        } else {
            OFlag::O_DIRECTORY
        };
        let next =
            File::from(openat(&current, name.as_os_str(), flags | extra, Mode::empty()).ok()?);
        // Directories above the subject's own (/, /run, /tmp) are root's.
        if !owned_by(&next, !last) {
            return None;
        }
        current = next;
    }
    Some(current)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::alice;
    use std::fs;

    #[test]
    fn the_pause_pid_is_in_libpods_tmp_dir_and_containers_conf_moves_it() {
        let dir = tempfile::tempdir().unwrap();
        let host = HostFs::rooted(dir.path());
        let mut subject = alice();
        subject.xdg_runtime_dir = Some("/run/user/1000".into());
        let env = EngineEnv::default();
        assert_eq!(
            podman_tmp_dir(&host, &subject, &env),
            Some(PathBuf::from("/run/user/1000/libpod/tmp"))
        );
        assert!(pid_files(&host, &subject, &env).is_empty());
        let pause = dir.path().join("run/user/1000/libpod/tmp/pause.pid");
        fs::create_dir_all(pause.parent().unwrap()).unwrap();
        fs::write(&pause, "4242").unwrap();
        let found = pid_files(&host, &subject, &env);
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].engine, Engine::Podman);
        assert_eq!(
            found[0].path,
            PathBuf::from("/run/user/1000/libpod/tmp/pause.pid")
        );
        let conf = dir
            .path()
            .join("home/alice/.config/containers/containers.conf");
        fs::create_dir_all(conf.parent().unwrap()).unwrap();
        fs::write(&conf, "[engine]\ntmp_dir = \"/var/tmp/podman\"\n").unwrap();
        assert_eq!(
            podman_tmp_dir(&host, &subject, &env),
            Some(PathBuf::from("/var/tmp/podman"))
        );
    }

    /// A bbolt leaf page holding podman's runtime-config keys.
    fn leaf(pairs: &[(&str, &str)]) -> Vec<u8> {
        let mut page = vec![0u8; 16];
        let headers = 16 + 16 * pairs.len();
        let mut data = Vec::new();
        for (i, (k, v)) in pairs.iter().enumerate() {
            let at = 16 + 16 * i;
            let pos = headers + data.len() - at;
            for n in [0, pos, k.len(), v.len()] {
                page.extend((n as u32).to_le_bytes());
            }
            data.extend(k.bytes());
            data.extend(v.bytes());
        }
        page.extend(data);
        page
    }

    #[test]
    fn the_tmp_dir_is_read_from_podmans_database() {
        let page = leaf(&[
            ("run-root", "/tmp/a/containers"),
            (
                "static-dir",
                "/home/alice/.local/share/containers/storage/libpod",
            ),
            ("tmp-dir", "/tmp/a/libpod/tmp"),
            ("volume-path", "/home/alice/v"),
        ]);
        assert_eq!(
            bolt_value(&page, b"tmp-dir").as_deref(),
            Some("/tmp/a/libpod/tmp")
        );
        assert_eq!(
            bolt_value(&page, b"volume-path").as_deref(),
            Some("/home/alice/v")
        );
        assert_eq!(bolt_value(&page, b"graph-root"), None);
        assert_eq!(bolt_value(b"tmp-dir", b"tmp-dir"), None);
        assert_eq!(bolt_value(&page[..page.len() - 20], b"volume-path"), None);
        // A hostile database of the key over and over ends at once.
        let hostile = b"tmp-dir".repeat(2 << 20);
        let started = std::time::Instant::now();
        assert_eq!(bolt_value(&hostile, b"tmp-dir"), None);
        assert!(started.elapsed() < std::time::Duration::from_secs(5));
        // In a fixture host with podman installed, the database wins.
        let dir = tempfile::tempdir().unwrap();
        let host = HostFs::rooted(dir.path());
        let mut subject = alice();
        subject.path = "/usr/bin".into();
        subject.is_invoker = false;
        for (path, bytes) in [
            ("usr/bin/podman", Vec::new()),
            (
                "home/alice/.local/share/containers/storage/libpod/bolt_state.db",
                page,
            ),
            ("tmp/a/libpod/tmp/pause.pid", b"42".to_vec()),
        ] {
            let full = dir.path().join(path);
            fs::create_dir_all(full.parent().unwrap()).unwrap();
            fs::write(&full, bytes).unwrap();
        }
        use std::os::unix::fs::PermissionsExt;
        fs::set_permissions(
            dir.path().join("usr/bin/podman"),
            fs::Permissions::from_mode(0o755),
        )
        .unwrap();
        let env = EngineEnv::default();
        assert_eq!(
            podman_tmp_dir(&host, &subject, &env),
            Some(PathBuf::from("/tmp/a/libpod/tmp"))
        );
        let found = pid_files(&host, &subject, &env);
        assert_eq!(found[0].path, PathBuf::from("/tmp/a/libpod/tmp/pause.pid"));
    }

    #[test]
    fn without_xdg_runtime_dir_the_home_rundir_is_the_last_resort() {
        let dir = tempfile::tempdir().unwrap();
        let host = HostFs::rooted(dir.path());
        let mut subject = alice();
        subject.xdg_runtime_dir = None;
        assert_eq!(
            runtime_dir(&host, &subject, &EngineEnv::default()),
            Some(PathBuf::from("/home/alice/rundir"))
        );
    }

    #[test]
    fn rootlesskit_state_dirs_of_the_subject_are_found() {
        let dir = tempfile::tempdir().unwrap();
        let host = HostFs::rooted(dir.path());
        let mut subject = alice();
        subject.uid = nix::unistd::getuid().as_raw();
        subject.xdg_runtime_dir = Some("/run/user/1000".into());
        for d in [
            "tmp/rootlesskit123",
            "tmp/rootlesskitx",
            "run/user/1000/dockerd-rootless",
        ] {
            fs::create_dir_all(dir.path().join(d)).unwrap();
            fs::write(dir.path().join(d).join("child_pid"), "77").unwrap();
        }
        let found: Vec<PathBuf> = pid_files(&host, &subject, &EngineEnv::default())
            .into_iter()
            .map(|f| f.path)
            .collect();
        assert_eq!(
            found,
            [
                PathBuf::from("/run/user/1000/dockerd-rootless/child_pid"),
                PathBuf::from("/tmp/rootlesskit123/child_pid"),
            ]
        );
    }

    #[test]
    fn root_for_another_user_follows_no_link() {
        let dir = tempfile::tempdir().unwrap();
        let host = HostFs::rooted(dir.path());
        let mut subject = alice();
        subject.is_invoker = false;
        let tmp = dir.path().join("run/user/1000/libpod/tmp");
        fs::create_dir_all(&tmp).unwrap();
        fs::write(dir.path().join("secret"), "1").unwrap();
        std::os::unix::fs::symlink(dir.path().join("secret"), tmp.join("pause.pid")).unwrap();
        let path = Path::new("/run/user/1000/libpod/tmp/pause.pid");
        assert!(open_subject_file(&host, &subject, path).is_none());
        // A linked directory on the way is refused too.
        fs::create_dir_all(dir.path().join("elsewhere/tmp")).unwrap();
        fs::write(dir.path().join("elsewhere/tmp/pause.pid"), "1").unwrap();
        fs::remove_dir_all(dir.path().join("run/user/1000/libpod")).unwrap();
        std::os::unix::fs::symlink(
            dir.path().join("elsewhere"),
            dir.path().join("run/user/1000/libpod"),
        )
        .unwrap();
        assert!(open_subject_file(&host, &subject, path).is_none());
        // The subject's own run follows links as podman does.
        subject.is_invoker = true;
        assert!(open_subject_file(&host, &subject, path).is_some());
        // A plain file is opened for root as well.
        fs::remove_file(dir.path().join("run/user/1000/libpod")).unwrap();
        fs::create_dir_all(&tmp).unwrap();
        fs::write(tmp.join("pause.pid"), "1").unwrap();
        subject.is_invoker = false;
        assert!(open_subject_file(&host, &subject, path).is_some());
    }

    #[test]
    fn the_subjects_own_run_opens_no_fifo() {
        let dir = tempfile::tempdir().unwrap();
        let host = HostFs::rooted(dir.path());
        let fifo = dir.path().join("child_pid");
        nix::unistd::mkfifo(&fifo, nix::sys::stat::Mode::from_bits_truncate(0o600)).unwrap();
        let mut subject = alice();
        subject.is_invoker = true;
        let started = std::time::Instant::now();
        assert!(open_subject_file(&host, &subject, Path::new("/child_pid")).is_none());
        assert!(started.elapsed() < std::time::Duration::from_secs(5));
        fs::write(dir.path().join("pid"), "42\n").unwrap();
        assert!(open_subject_file(&host, &subject, Path::new("/pid")).is_some());
    }
}
