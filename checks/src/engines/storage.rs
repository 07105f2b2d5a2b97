//! Where each installed container engine keeps its rootless storage, and
//! which graph driver it is configured to use, resolved as the engine
//! resolves it. Shared by the `storage` checks, the probe plan and, later,
//! the engine checks.
//!
//! Podman (containers/storage 1.43, as in Debian 12's podman 4.3.1,
//! `types/options.go` and `types/utils.go`):
//!
//! - the user's file is `$CONTAINERS_STORAGE_CONF`, else
//!   `$XDG_CONFIG_HOME/containers/storage.conf`, else
//!   `~/.config/containers/storage.conf`;
//! - the system file is `$CONTAINERS_STORAGE_CONF`, else
//!   `/etc/containers/storage.conf` when it exists, else
//!   `/usr/share/containers/storage.conf`;
//! - without a user file: the graph root is the system file's
//!   `rootless_storage_path` (`$UID` and `$HOME` expanded), else
//!   `$XDG_DATA_HOME/containers/storage`, else
//!   `~/.local/share/containers/storage` (home with its links resolved). The
//!   driver is the system file's when it is one a rootless store may use
//!   (`overlay`, `overlay2`, `btrfs`, `vfs`), then `$STORAGE_DRIVER`; and when
//!   none is named, **`vfs`** (`getRootlessStorageOpts`). Of the system
//!   file's driver options only `ignore_chown_errors` is kept: its
//!   `mount_program` does not reach a rootless store. This is why podman 4.3.1
//!   on Debian 12, which installs no storage.conf (containers-storage is only
//!   suggested), stores rootless images with vfs;
//! - with a user file: its `driver` (`$STORAGE_DRIVER` overrides it; none
//!   means that containers/storage picks one: overlay first, natively or
//!   with fuse-overlayfs when native overlay fails and fuse-overlayfs is on
//!   PATH, else vfs), its `graphroot`, else its `rootless_storage_path`, else
//!   the default above, and its `mount_program`.
//!
//! Rootless Docker (only when `dockerd-rootless.sh` is installed): the
//! `data-root` and `storage-driver` of `~/.config/docker/daemon.json`
//! (`$XDG_CONFIG_HOME/docker/daemon.json`), else
//! `$XDG_DATA_HOME/docker` or `~/.local/share/docker`, and the driver dockerd
//! picks: overlay2, then fuse-overlayfs, then vfs.
//!
//! storage.conf is TOML; only the keys above are read, by a small line
//! reader (`key = "value"` under `[storage]`, `[storage.options]` and
//! `[storage.options.overlay]`), which ignores everything else.

use crate::host::HostFs;
use crate::subject::Subject;
use std::path::{Component, Path, PathBuf};

/// The parts of the subject's environment the engines read.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct EngineEnv {
    /// `$HOME`, which the engines read (Go's homedir.Get) instead of the
    /// account's home.
    pub home: Option<String>,
    pub xdg_data_home: Option<String>,
    pub xdg_config_home: Option<String>,
    pub containers_storage_conf: Option<String>,
    pub storage_driver: Option<String>,
    /// `$CONTAINERS_CONF`: the one containers.conf podman then reads.
    pub containers_conf: Option<String>,
    /// `$DBUS_SESSION_BUS_ADDRESS`: whether podman sees a user session.
    pub dbus_session_bus_address: Option<String>,
}

impl EngineEnv {
    /// The environment of the doctor's own process when the subject is the
    /// invoker on the real host; a login's defaults (nothing set) otherwise.
    pub fn of(host: &HostFs, subject: &Subject) -> Self {
        if !subject.is_invoker || !host.is_real() {
            return EngineEnv::default();
        }
        let var = |name: &str| std::env::var(name).ok().filter(|v| !v.is_empty());
        EngineEnv {
            home: var("HOME").filter(|h| h.starts_with('/')),
            xdg_data_home: var("XDG_DATA_HOME"),
            xdg_config_home: var("XDG_CONFIG_HOME"),
            containers_storage_conf: var("CONTAINERS_STORAGE_CONF"),
            storage_driver: var("STORAGE_DRIVER"),
            containers_conf: var("CONTAINERS_CONF"),
            dbus_session_bus_address: var("DBUS_SESSION_BUS_ADDRESS"),
        }
    }
}

/// A container engine with rootless storage.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Engine {
    Podman,
    Docker,
}

impl Engine {
    pub fn name(self) -> &'static str {
        match self {
            Engine::Podman => "podman",
            Engine::Docker => "rootless docker",
        }
    }

    /// The engine's name in the report's `engines` section.
    pub fn entry(self) -> &'static str {
        match self {
            Engine::Podman => "podman",
            Engine::Docker => "docker",
        }
    }
}

/// How the driver was chosen.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Driver {
    /// A configuration file or `$STORAGE_DRIVER` names it.
    Named(String),
    /// Nothing names one: the engine tries overlay (natively, then with
    /// fuse-overlayfs when it is installed), then vfs.
    Auto,
    /// Nothing names one and the engine falls back to vfs without trying
    /// overlay (podman without a user storage.conf).
    DefaultVfs,
}

/// One engine's rootless storage, as the engine resolves it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Storage {
    pub engine: Engine,
    /// The graph root (podman) or data-root (docker), absolute.
    pub graphroot: PathBuf,
    pub driver: Driver,
    /// overlay's `mount_program` (fuse-overlayfs), when configured.
    pub mount_program: Option<PathBuf>,
    /// The file the settings came from, if any.
    pub config: Option<PathBuf>,
    /// A problem reading the configuration (the engine may refuse to start).
    pub config_problem: Option<String>,
}

impl Storage {
    /// The driver the engine uses when overlay is what it tries first.
    pub fn wants_overlay(&self) -> bool {
        match &self.driver {
            Driver::Named(name) => name == "overlay" || name == "overlay2",
            Driver::Auto => true,
            Driver::DefaultVfs => false,
        }
    }

    /// The driver as a word: `overlay`, `vfs`, `automatic`.
    pub fn driver_text(&self) -> String {
        match &self.driver {
            Driver::Named(name) => name.clone(),
            Driver::Auto => "automatic (overlay, else vfs)".into(),
            Driver::DefaultVfs => "vfs".into(),
        }
    }
}

/// Every installed engine's storage for `subject`: podman first, then
/// rootless Docker.
pub fn resolve(host: &HostFs, subject: &Subject, env: &EngineEnv) -> Vec<Storage> {
    let mut out = Vec::new();
    if host.look_path("podman", &subject.path).is_some() {
        out.push(podman(host, subject, env));
    }
    if crate::engines::docker::rootless_script(host, subject).is_some() {
        out.push(docker(host, subject, env));
    }
    out
}

/// `$XDG_DATA_HOME`, else the resolved home's `.local/share`.
fn data_home(host: &HostFs, subject: &Subject, env: &EngineEnv) -> PathBuf {
    match &env.xdg_data_home {
        Some(dir) if dir.starts_with('/') => PathBuf::from(dir),
        _ => resolved(host, &home(subject, env)).join(".local/share"),
    }
}

/// `$HOME` of the invoker, else the account's home.
fn home(subject: &Subject, env: &EngineEnv) -> PathBuf {
    env.home
        .as_ref()
        .map_or_else(|| subject.home.clone(), PathBuf::from)
}

pub(crate) fn config_home(subject: &Subject, env: &EngineEnv) -> PathBuf {
    match &env.xdg_config_home {
        Some(dir) if dir.starts_with('/') => PathBuf::from(dir),
        _ => home(subject, env).join(".config"),
    }
}

/// The path with its links resolved, else cleaned (Go's EvalSymlinks, then
/// filepath.Clean).
fn resolved(host: &HostFs, path: &Path) -> PathBuf {
    host.canonicalize(path).unwrap_or_else(|_| clean(path))
}

fn clean(path: &Path) -> PathBuf {
    let mut out = PathBuf::from("/");
    for part in path.components() {
        match part {
            Component::Normal(name) => out.push(name),
            Component::ParentDir => {
                out.pop();
            }
            _ => {}
        }
    }
    out
}

/// `$UID`, `$HOME` and `${HOME}` expanded, links resolved.
fn expand(host: &HostFs, subject: &Subject, env: &EngineEnv, path: &str) -> PathBuf {
    let home = home(subject, env);
    let home = home.to_string_lossy();
    let text = path
        .replace("$UID", &subject.uid.to_string())
        .replace("${HOME}", &home)
        .replace("$HOME", &home)
        .replace("$USER", &subject.name);
    resolved(host, Path::new(&text))
}

fn podman(host: &HostFs, subject: &Subject, env: &EngineEnv) -> Storage {
    let user_file = match &env.containers_storage_conf {
        Some(path) => PathBuf::from(path),
        None => config_home(subject, env).join("containers/storage.conf"),
    };
    let default_root = data_home(host, subject, env).join("containers/storage");
    let from_env = env.storage_driver.clone().map(|d| normal_driver(&d));
    if host.exists(&user_file) {
        let (conf, problem) = read_conf(host, &user_file);
        let graphroot = conf
            .graphroot
            .or(conf.rootless_storage_path)
            .map(|p| expand(host, subject, env, &p))
            .unwrap_or(default_root);
        let driver = match from_env.or(conf.driver.map(|d| normal_driver(&d))) {
            Some(name) if !name.is_empty() => Driver::Named(name),
            _ => Driver::Auto,
        };
        return Storage {
            engine: Engine::Podman,
            graphroot,
            driver,
            mount_program: conf.mount_program.map(PathBuf::from),
            config: Some(user_file),
            config_problem: problem,
        };
    }
    let system = [
        "/etc/containers/storage.conf",
        "/usr/share/containers/storage.conf",
    ]
    .into_iter()
    .map(PathBuf::from)
    .find(|p| host.exists(p));
    let (conf, problem) = match &system {
        Some(path) => read_conf(host, path),
        None => (Conf::default(), None),
    };
    let graphroot = conf
        .rootless_storage_path
        .map(|p| expand(host, subject, env, &p))
        .unwrap_or(default_root);
    let named = conf
        .driver
        .filter(|d| ["overlay", "overlay2", "btrfs", "vfs"].contains(&d.as_str()))
        .map(|d| normal_driver(&d));
    let driver = match from_env.or(named) {
        Some(name) if !name.is_empty() => Driver::Named(name),
        _ => Driver::DefaultVfs,
    };
    Storage {
        engine: Engine::Podman,
        graphroot,
        driver,
        mount_program: None,
        config: system,
        config_problem: problem,
    }
}

fn normal_driver(name: &str) -> String {
    if name == "overlay2" {
        "overlay".into()
    } else {
        name.to_string()
    }
}

fn docker(host: &HostFs, subject: &Subject, env: &EngineEnv) -> Storage {
    let file = config_home(subject, env).join("docker/daemon.json");
    let default_root = data_home(host, subject, env).join("docker");
    let mut storage = Storage {
        engine: Engine::Docker,
        graphroot: default_root,
        driver: Driver::Auto,
        mount_program: None,
        config: None,
        config_problem: None,
    };
    // Capped like storage.conf: the file is the user's, and may be anything.
    let text = match host.read_text_up_to(&file, 1 << 20) {
        Ok((text, _)) => text,
        Err(e) if e.is_not_found() => return storage,
        Err(e) => {
            storage.config_problem = Some(format!("cannot read {}: {e}", file.display()));
            return storage;
        }
    };
    storage.config = Some(file.clone());
    match serde_json::from_str::<serde_json::Value>(&text) {
        Ok(value) => {
            if let Some(root) = value.get("data-root").and_then(|v| v.as_str()) {
                if root.starts_with('/') {
                    storage.graphroot = resolved(host, Path::new(root));
                }
            }
            if let Some(driver) = value.get("storage-driver").and_then(|v| v.as_str()) {
                if !driver.is_empty() {
                    storage.driver = Driver::Named(driver.to_string());
                }
            }
        }
        Err(e) => {
            storage.config_problem = Some(format!("{} is not valid JSON: {e}", file.display()))
        }
    }
    storage
}

/// The storage.conf keys the resolution reads.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Conf {
    pub driver: Option<String>,
    pub graphroot: Option<String>,
    /// `runroot` of `[storage]` (a transient store keeps its containers
    /// there).
    pub runroot: Option<String>,
    pub rootless_storage_path: Option<String>,
    pub mount_program: Option<String>,
    /// `root-auto-userns-user` of `[storage.options]`: whose subordinate ids
    /// rootful `--userns=auto` hands out (`containers` when unset).
    pub root_auto_userns_user: Option<String>,
    /// `auto-userns-max-size` of `[storage.options]` (65536 when unset or 0).
    pub auto_userns_max_size: Option<u32>,
}

fn read_conf(host: &HostFs, path: &Path) -> (Conf, Option<String>) {
    match host.read_text_up_to(path, 1 << 20) {
        Ok((text, _)) => (parse_conf(&text), None),
        Err(e) => (
            Conf::default(),
            Some(format!("cannot read {}: {e}", path.display())),
        ),
    }
}

/// Reads the keys of [`Conf`] from storage.conf text.
pub fn parse_conf(text: &str) -> Conf {
    let mut conf = Conf::default();
    let mut section = String::new();
    for line in text.lines() {
        let line = strip_comment(line).trim();
        if let Some(name) = line.strip_prefix('[').and_then(|l| l.strip_suffix(']')) {
            section = name
                .trim()
                .trim_matches('[')
                .trim_matches(']')
                .trim()
                .into();
            continue;
        }
        let Some((key, value)) = line.split_once('=') else {
            continue;
        };
        let key = key.trim().trim_matches('"');
        if section == "storage.options" && key == "auto-userns-max-size" {
            conf.auto_userns_max_size = value.trim().parse().ok().filter(|n| *n > 0);
            continue;
        }
        let Some(value) = string_value(value.trim()) else {
            continue;
        };
        match (section.as_str(), key) {
            ("storage", "driver") => conf.driver = Some(value),
            ("storage", "graphroot") => conf.graphroot = Some(value),
            ("storage", "runroot") => conf.runroot = Some(value),
            ("storage", "rootless_storage_path") => conf.rootless_storage_path = Some(value),
            ("storage.options", "root-auto-userns-user") => {
                conf.root_auto_userns_user = Some(value).filter(|v| !v.is_empty())
            }
            ("storage.options" | "storage.options.overlay", "mount_program") => {
                conf.mount_program = Some(value).filter(|v| !v.is_empty())
            }
            _ => {}
        }
    }
    conf
}

/// The line up to a `#` outside a string.
fn strip_comment(line: &str) -> &str {
    let mut quote = None;
    for (i, c) in line.char_indices() {
        match (c, quote) {
            ('"' | '\'', None) => quote = Some(c),
            (c, Some(q)) if c == q => quote = None,
            ('#', None) => return &line[..i],
            _ => {}
        }
    }
    line
}

/// A TOML basic or literal string; other values are not strings.
fn string_value(value: &str) -> Option<String> {
    if let Some(inner) = value.strip_prefix('\'').and_then(|v| v.strip_suffix('\'')) {
        return Some(inner.to_string());
    }
    let inner = value.strip_prefix('"')?.strip_suffix('"')?;
    Some(inner.replace("\\\"", "\"").replace("\\\\", "\\"))
}

/// Where a probe may work next to `graphroot` without changing the host: the
/// graph root itself when it exists, else its nearest existing ancestor;
/// `None` when that directory is not the subject's (the probe then cannot
/// create its scratch directory there, and must not try elsewhere).
pub fn probe_dir(host: &HostFs, subject: &Subject, graphroot: &Path) -> Option<PathBuf> {
    let dir = existing_ancestor(host, graphroot)?;
    use std::os::unix::fs::MetadataExt;
    let meta = host.metadata(&dir).ok()?;
    (meta.is_dir() && (meta.uid() == subject.uid || subject.is_root())).then_some(dir)
}

/// `path` when it exists, else its nearest existing ancestor.
pub fn existing_ancestor(host: &HostFs, path: &Path) -> Option<PathBuf> {
    path.ancestors()
        .find(|p| host.exists(p))
        .map(Path::to_path_buf)
}

/// Filesystem names by statfs magic (linux/magic.h and containers/storage's
/// FsNames); the ones the storage checks judge.
const MAGICS: &[(u64, &str)] = &[
    (0xef53, "ext4"),
    (0x5846_5342, "xfs"),
    (0x9123_683e, "btrfs"),
    (0x0102_1994, "tmpfs"),
    (0x794c_7630, "overlay"),
    (0x6969, "nfs"),
    (0xff53_4d42, "cifs"),
    (0xfe53_4d42, "smb2"),
    (0x517b, "smb"),
    (0x4750_4653, "gpfs"),
    (0x0bd0_0bd0, "lustre"),
    (0x00c3_6400, "ceph"),
    (0x5346_414f, "afs"),
    (0x6b41_4653, "kafs"),
    (0x0102_1997, "9p"),
    (0x6573_5546, "fuse"),
    (0xf15f, "ecryptfs"),
    (0x2fc1_2fc1, "zfs"),
    (0x6175_6673, "aufs"),
    (0x7461_636f, "ocfs2"),
    (0x1916_1108, "fhgfs"),
];

/// The name of a statfs magic, when it is one of [`MAGICS`].
pub fn fs_magic_name(magic: u64) -> Option<&'static str> {
    MAGICS
        .iter()
        .find(|(m, _)| *m == magic)
        .map(|(_, name)| *name)
}

/// Network and cluster filesystems (mountinfo types), on which
/// containers/storage refuses native overlay in a user namespace and whose
/// servers check file ownership by the real uid.
pub const NETWORK_FS: &[&str] = &[
    "nfs",
    "nfs4",
    "cifs",
    "smb3",
    "smb2",
    "smbfs",
    "gpfs",
    "lustre",
    "ceph",
    "afs",
    "kafs",
    "ncpfs",
    "ocfs2",
    "panfs",
    "prl_fs",
    "vboxsf",
    "vxfs",
    "beegfs",
    "fhgfs",
    "glusterfs",
    "fuse.glusterfs",
    "fuse.sshfs",
    "9p",
    "acfs",
];

/// Filesystems on which native overlay needs a mount program
/// (containers/storage: "'overlay' is not supported over ..., a
/// mount_program is required").
pub const NEEDS_MOUNT_PROGRAM: &[&str] = &["overlay", "aufs", "zfs", "ecryptfs"];

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::alice;
    use std::fs;

    fn host_with(files: &[(&str, &str)]) -> (tempfile::TempDir, HostFs) {
        let dir = tempfile::tempdir().unwrap();
        for (path, text) in files {
            let full = dir.path().join(path.trim_start_matches('/'));
            fs::create_dir_all(full.parent().unwrap()).unwrap();
            fs::write(&full, text).unwrap();
        }
        let host = HostFs::rooted(dir.path());
        (dir, host)
    }

    fn podman_installed() -> Vec<(&'static str, &'static str)> {
        vec![("/usr/bin/podman", "")]
    }

    fn make_exec(dir: &Path, path: &str) {
        use std::os::unix::fs::PermissionsExt;
        let full = dir.join(path.trim_start_matches('/'));
        fs::set_permissions(full, fs::Permissions::from_mode(0o755)).unwrap();
    }

    #[test]
    fn storage_conf_keys_are_read() {
        let conf = parse_conf(
            "# comment\n[storage]\ndriver = \"overlay\" # trailing\n\
             graphroot = '/srv/x'\nrunroot = \"/run/x\"\n[storage.options]\n\
             additionalimagestores = [\n]\n[storage.options.overlay]\n\
             mount_program = \"/usr/bin/fuse-overlayfs\"\nmountopt = \"nodev\"\n",
        );
        assert_eq!(conf.driver.as_deref(), Some("overlay"));
        assert_eq!(conf.graphroot.as_deref(), Some("/srv/x"));
        assert_eq!(
            conf.mount_program.as_deref(),
            Some("/usr/bin/fuse-overlayfs")
        );
        assert_eq!(parse_conf("driver = \"vfs\"\n").driver, None);
    }

    #[test]
    fn podman_without_any_storage_conf_uses_vfs() {
        let (dir, host) = host_with(&podman_installed());
        make_exec(dir.path(), "/usr/bin/podman");
        let mut subject = alice();
        subject.path = "/usr/bin".into();
        let found = resolve(&host, &subject, &EngineEnv::default());
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].engine, Engine::Podman);
        assert_eq!(found[0].driver, Driver::DefaultVfs);
        assert_eq!(
            found[0].graphroot,
            PathBuf::from("/home/alice/.local/share/containers/storage")
        );
        assert!(!found[0].wants_overlay());
    }

    #[test]
    fn podman_system_file_driver_and_rootless_path() {
        let mut files = podman_installed();
        files.push((
            "/etc/containers/storage.conf",
            "[storage]\ndriver = \"overlay2\"\nrootless_storage_path = \"/var/tmp/$UID/storage\"\n\
             [storage.options.overlay]\nmount_program = \"/usr/bin/fuse-overlayfs\"\n",
        ));
        let (dir, host) = host_with(&files);
        make_exec(dir.path(), "/usr/bin/podman");
        let mut subject = alice();
        subject.path = "/usr/bin".into();
        let s = &resolve(&host, &subject, &EngineEnv::default())[0];
        assert_eq!(s.driver, Driver::Named("overlay".into()));
        assert_eq!(s.graphroot, PathBuf::from("/var/tmp/1000/storage"));
        // The system file's mount_program does not reach a rootless store.
        assert_eq!(s.mount_program, None);
        // A driver a rootless store may not use is dropped.
        let (dir, host) = host_with(&[
            ("/usr/bin/podman", ""),
            (
                "/usr/share/containers/storage.conf",
                "[storage]\ndriver = \"devicemapper\"\n",
            ),
        ]);
        make_exec(dir.path(), "/usr/bin/podman");
        let s = &resolve(&host, &subject, &EngineEnv::default())[0];
        assert_eq!(s.driver, Driver::DefaultVfs);
    }

    #[test]
    fn podman_user_file_wins_and_env_overrides() {
        let mut files = podman_installed();
        files.push((
            "/home/alice/.config/containers/storage.conf",
            "[storage]\ndriver = \"overlay\"\ngraphroot = \"$HOME/store\"\n\
             [storage.options.overlay]\nmount_program = \"/usr/bin/fuse-overlayfs\"\n",
        ));
        let (dir, host) = host_with(&files);
        make_exec(dir.path(), "/usr/bin/podman");
        let mut subject = alice();
        subject.path = "/usr/bin".into();
        let s = &resolve(&host, &subject, &EngineEnv::default())[0];
        assert_eq!(s.driver, Driver::Named("overlay".into()));
        assert_eq!(s.graphroot, PathBuf::from("/home/alice/store"));
        assert_eq!(
            s.mount_program.as_deref(),
            Some(Path::new("/usr/bin/fuse-overlayfs"))
        );
        let env = EngineEnv {
            storage_driver: Some("vfs".into()),
            ..Default::default()
        };
        let s = &resolve(&host, &subject, &env)[0];
        assert_eq!(s.driver, Driver::Named("vfs".into()));
        // A user file without a driver: containers/storage picks one.
        let (dir, host) = host_with(&[
            ("/usr/bin/podman", ""),
            ("/home/alice/.config/containers/storage.conf", "[storage]\n"),
        ]);
        make_exec(dir.path(), "/usr/bin/podman");
        let env = EngineEnv {
            xdg_data_home: Some("/data".into()),
            ..Default::default()
        };
        let s = &resolve(&host, &subject, &env)[0];
        assert_eq!(s.driver, Driver::Auto);
        assert_eq!(s.graphroot, PathBuf::from("/data/containers/storage"));
    }

    #[test]
    fn docker_rootless_reads_daemon_json() {
        let (dir, host) = host_with(&[
            ("/usr/bin/dockerd-rootless.sh", ""),
            (
                "/home/alice/.config/docker/daemon.json",
                r#"{"data-root": "/srv/docker", "storage-driver": "fuse-overlayfs"}"#,
            ),
        ]);
        make_exec(dir.path(), "/usr/bin/dockerd-rootless.sh");
        let mut subject = alice();
        subject.path = "/usr/bin".into();
        let s = &resolve(&host, &subject, &EngineEnv::default())[0];
        assert_eq!(s.engine, Engine::Docker);
        assert_eq!(s.graphroot, PathBuf::from("/srv/docker"));
        assert_eq!(s.driver, Driver::Named("fuse-overlayfs".into()));
        let (dir, host) = host_with(&[("/usr/bin/dockerd-rootless.sh", "")]);
        make_exec(dir.path(), "/usr/bin/dockerd-rootless.sh");
        let s = &resolve(&host, &subject, &EngineEnv::default())[0];
        assert_eq!(
            s.graphroot,
            PathBuf::from("/home/alice/.local/share/docker")
        );
        assert_eq!(s.driver, Driver::Auto);
        assert!(resolve(
            &HostFs::rooted(dir.path().join("none")),
            &subject,
            &EngineEnv::default()
        )
        .is_empty());
    }

    #[test]
    fn the_probe_dir_is_the_nearest_existing_ancestor() {
        let (dir, host) = host_with(&[("/home/alice/.profile", "")]);
        let _ = dir;
        let subject = alice();
        assert_eq!(
            existing_ancestor(
                &host,
                Path::new("/home/alice/.local/share/containers/storage")
            ),
            Some(PathBuf::from("/home/alice"))
        );
        assert_eq!(clean(Path::new("/a/../b/./c")), PathBuf::from("/b/c"));
        // The temp dir belongs to whoever runs the test, not to alice (1000)
        // unless that is the runner.
        let mine = nix::unistd::getuid().as_raw() == subject.uid;
        assert_eq!(
            probe_dir(&host, &subject, Path::new("/home/alice/x")).is_some(),
            mine
        );
    }
}
