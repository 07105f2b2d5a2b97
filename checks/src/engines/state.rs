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

use super::storage::{Engine, EngineEnv};
use crate::host::HostFs;
use crate::subject::Subject;
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};

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
            m.is_dir() && m.uid() == subject.uid && m.mode() & 0o022 == 0 && m.mode() & 0o700 != 0
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

/// Podman's libpod tmp dir: containers.conf's `[engine] tmp_dir`, else
/// `<runtime dir>/libpod/tmp`.
pub fn podman_tmp_dir(host: &HostFs, subject: &Subject, env: &EngineEnv) -> Option<PathBuf> {
    let configured = super::network::containers_conf_files(host, subject)
        .iter()
        .rev()
        .filter_map(|file| host.read_text_up_to(file, 1 << 20).ok())
        .filter_map(|(text, _)| super::network::toml_string(&text, "engine", "tmp_dir"))
        .find(|dir| dir.starts_with('/'));
    if let Some(dir) = configured {
        return Some(PathBuf::from(dir));
    }
    Some(runtime_dir(host, subject, env)?.join("libpod/tmp"))
}

/// The pid files that may name a process holding one of the subject's
/// long-lived user namespaces: podman's `pause.pid` and rootlesskit's
/// `child_pid` files, those that exist.
pub fn pid_files(host: &HostFs, subject: &Subject, env: &EngineEnv) -> Vec<PidFile> {
    let mut out = Vec::new();
    if let Some(tmp) = podman_tmp_dir(host, subject, env) {
        let path = tmp.join("pause.pid");
        if host.exists(&path) {
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
        if owned && host.exists(&path) {
            out.push(PidFile {
                engine: Engine::Docker,
                path,
                tmp_dir: None,
            });
        }
    }
    out
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
}
