//! podman's effective containers.conf for the subject, resolved as podman
//! 4.3.1 and containers/common 0.50.1 resolve it (`pkg/config/config.go`,
//! `default.go`, `systemd.go`; libpod `runtime.go`, `oci_conmon_common.go`,
//! `networking_slirp4netns.go`, `pkg/specgen/container_validate.go`).
//!
//! - **Files**, each later one overriding the keys it sets: when
//!   `$CONTAINERS_CONF` is set it **replaces** every other file (and podman
//!   stops when it does not exist: "CONTAINERS_CONF file: …"); otherwise
//!   /usr/share/containers/containers.conf, /etc/containers/containers.conf,
//!   /etc/containers/containers.conf.d/*.conf (sorted), then, for a non-root
//!   subject, `$XDG_CONFIG_HOME/containers/containers.conf` (else
//!   `$HOME/.config/containers/containers.conf`) and its `.d` directory. A
//!   file that is not TOML, or a drop-in directory that cannot be listed,
//!   stops every podman command.
//! - **OCI runtime**: `[engine] runtime` (an empty one is libpod's choice:
//!   runc, crun on a unified cgroup v2 host), else the first of crun, runc, runj,
//!   kata, runsc with one of its `[engine.runtimes]` paths present or found
//!   on the PATH (`findRuntime`), else runc (crun on a unified cgroup v2
//!   host). Its binary is the first regular file among its
//!   `[engine.runtimes]` paths, else the PATH's; a runtime named by an
//!   absolute path is that path. None found: "default OCI runtime … not
//!   found".
//! - **cgroup manager**: `[engine] cgroup_manager`, else systemd when PID 1 is
//!   systemd (but cgroupfs for a rootless subject without the unified
//!   hierarchy), else cgroupfs; a rootless systemd manager without a user
//!   D-Bus session falls back to cgroupfs.
//! - **network**: `[containers] netns` (default `private`); a rootless
//!   `private`, `default` or `bridge` network is made by slirp4netns (podman
//!   4.3 knows no pasta; pasta is podman 5's default, and podman 4.4 and later
//!   read `[network] default_rootless_network_cmd`). slirp4netns is
//!   `[engine] network_cmd_path`, else the PATH's (podman 4.3 does not search
//!   `helper_binaries_dir` for it).
//!
//! Only these keys are read; the whole file is decoded as TOML so that a file
//! podman would refuse is refused here too. Decisions:
//! docs/checks/engine.md, section `engine.podman`.

use super::storage::EngineEnv;
use crate::host::HostFs;
use crate::subject::Subject;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// Where a setting came from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Source {
    /// The engine's default for its version (or for what is installed).
    Default(String),
    /// A configuration file set it.
    Config { file: String, setting: String },
}

impl Source {
    pub fn text(&self) -> String {
        match self {
            Source::Default(why) => why.clone(),
            Source::Config { file, setting } => format!("{setting} in {file}"),
        }
    }

    /// The file that set it, if one did.
    pub fn file(&self) -> Option<&str> {
        match self {
            Source::Default(_) => None,
            Source::Config { file, .. } => Some(file),
        }
    }
}

/// A value and where it came from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Setting {
    pub value: String,
    pub source: Source,
}

/// The runtimes podman searches for by default, in `findRuntime`'s order.
pub const SEARCH_ORDER: [&str; 5] = ["crun", "runc", "runj", "kata", "runsc"];

/// The compiled-in `[engine.runtimes]` of containers/common 0.50.1 (the
/// paths podman tries for each runtime name).
pub const DEFAULT_RUNTIMES: &[(&str, &[&str])] = &[
    (
        "crun",
        &[
            "/usr/bin/crun",
            "/usr/sbin/crun",
            "/usr/local/bin/crun",
            "/usr/local/sbin/crun",
            "/sbin/crun",
            "/bin/crun",
            "/run/current-system/sw/bin/crun",
        ],
    ),
    (
        "runc",
        &[
            "/usr/bin/runc",
            "/usr/sbin/runc",
            "/usr/local/bin/runc",
            "/usr/local/sbin/runc",
            "/sbin/runc",
            "/bin/runc",
            "/usr/lib/cri-o-runc/sbin/runc",
            "/run/current-system/sw/bin/runc",
        ],
    ),
    ("runj", &["/usr/local/bin/runj"]),
    (
        "kata",
        &[
            "/usr/bin/kata-runtime",
            "/usr/sbin/kata-runtime",
            "/usr/local/bin/kata-runtime",
            "/usr/local/sbin/kata-runtime",
            "/sbin/kata-runtime",
            "/bin/kata-runtime",
            "/usr/bin/kata-qemu",
            "/usr/bin/kata-fc",
        ],
    ),
    (
        "runsc",
        &[
            "/usr/bin/runsc",
            "/usr/sbin/runsc",
            "/usr/local/bin/runsc",
            "/usr/local/sbin/runsc",
            "/bin/runsc",
            "/sbin/runsc",
            "/run/current-system/sw/bin/runsc",
        ],
    ),
    ("krun", &["/usr/bin/krun", "/usr/local/bin/krun"]),
];

/// The compiled-in `helper_binaries_dir`.
pub const DEFAULT_HELPER_DIRS: [&str; 4] = [
    "/usr/local/libexec/podman",
    "/usr/local/lib/podman",
    "/usr/libexec/podman",
    "/usr/lib/podman",
];

/// The largest containers.conf read (real ones are tens of KiB).
const CAP: u64 = 1 << 20;

/// The keys of one containers.conf file that the resolution reads.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Keys {
    pub runtime: Option<String>,
    pub runtimes: BTreeMap<String, Vec<String>>,
    pub cgroup_manager: Option<String>,
    pub helper_binaries_dir: Option<Vec<String>>,
    pub network_cmd_path: Option<String>,
    pub default_rootless_network_cmd: Option<String>,
    pub netns: Option<String>,
    /// `[engine] tmp_dir`: libpod's tmp dir (where `pause.pid` and `alive`
    /// live).
    pub tmp_dir: Option<String>,
}

/// Decodes one file's text as podman does: the whole file must be TOML, and
/// the keys read must have their types.
pub fn parse(text: &str) -> Result<Keys, String> {
    let table: toml::Table = text.parse().map_err(|e: toml::de::Error| {
        e.message().lines().next().unwrap_or("not TOML").to_string()
    })?;
    let mut keys = Keys::default();
    let section = |name: &str| -> Result<Option<&toml::Table>, String> {
        match table.get(name) {
            None => Ok(None),
            Some(toml::Value::Table(t)) => Ok(Some(t)),
            Some(_) => Err(format!("{name} is not a table")),
        }
    };
    let string = |t: &toml::Table, table: &str, key: &str| -> Result<Option<String>, String> {
        match t.get(key) {
            None => Ok(None),
            Some(toml::Value::String(s)) => Ok(Some(s.chars().take(4096).collect())),
            Some(_) => Err(format!("{table}.{key} is not a string")),
        }
    };
    let strings = |v: &toml::Value, what: &str| -> Result<Vec<String>, String> {
        let toml::Value::Array(items) = v else {
            return Err(format!("{what} is not an array"));
        };
        items
            .iter()
            .map(|i| match i {
                toml::Value::String(s) => Ok(s.clone()),
                _ => Err(format!("{what} holds a value that is not a string")),
            })
            .collect()
    };
    if let Some(engine) = section("engine")? {
        keys.runtime = string(engine, "engine", "runtime")?;
        keys.cgroup_manager = string(engine, "engine", "cgroup_manager")?;
        keys.network_cmd_path = string(engine, "engine", "network_cmd_path")?;
        keys.tmp_dir = string(engine, "engine", "tmp_dir")?;
        if let Some(v) = engine.get("helper_binaries_dir") {
            keys.helper_binaries_dir = Some(strings(v, "engine.helper_binaries_dir")?);
        }
        match engine.get("runtimes") {
            None => {}
            Some(toml::Value::Table(runtimes)) => {
                for (name, paths) in runtimes {
                    let what = format!("engine.runtimes.{name}");
                    keys.runtimes.insert(name.clone(), strings(paths, &what)?);
                }
            }
            Some(_) => return Err("engine.runtimes is not a table".into()),
        }
    }
    if let Some(network) = section("network")? {
        keys.default_rootless_network_cmd =
            string(network, "network", "default_rootless_network_cmd")?;
    }
    if let Some(containers) = section("containers")? {
        keys.netns = string(containers, "containers", "netns")?;
    }
    Ok(keys)
}

/// The containers.conf files podman reads for `subject`, in order, or why
/// podman stops before reading them.
pub fn files(host: &HostFs, subject: &Subject, env: &EngineEnv) -> Result<Vec<PathBuf>, String> {
    if let Some(path) = &env.containers_conf {
        if !host.exists(path) {
            return Err(format!(
                "CONTAINERS_CONF file: stat {path}: no such file or directory"
            ));
        }
        return Ok(vec![PathBuf::from(path)]);
    }
    let mut out: Vec<PathBuf> = [
        "/usr/share/containers/containers.conf",
        "/etc/containers/containers.conf",
    ]
    .into_iter()
    .map(PathBuf::from)
    .filter(|p| host.exists(p))
    .collect();
    dropins(
        host,
        Path::new("/etc/containers/containers.conf.d"),
        &mut out,
    )?;
    if !subject.is_root() {
        let user = user_file(subject, env);
        if host.exists(&user) {
            out.push(user.clone());
        }
        let mut dir = user.into_os_string();
        dir.push(".d");
        dropins(host, Path::new(&dir), &mut out)?;
    }
    Ok(out)
}

/// The subject's own containers.conf (whether or not it exists).
pub fn user_file(subject: &Subject, env: &EngineEnv) -> PathBuf {
    super::storage::config_home(subject, env).join("containers/containers.conf")
}

/// The `*.conf` entries of `dir`, sorted (`addConfigs`: one level, a missing
/// directory is none, any other error stops podman).
fn dropins(host: &HostFs, dir: &Path, out: &mut Vec<PathBuf>) -> Result<(), String> {
    match host.read_dir_names(dir) {
        Ok(mut names) => {
            names.retain(|n| n.ends_with(".conf"));
            // WalkDir skips directories, not links to them (podman then
            // fails to read the link as a file).
            names.retain(|n| !host.symlink_metadata(dir.join(n)).is_ok_and(|m| m.is_dir()));
            names.sort();
            out.extend(names.into_iter().map(|n| dir.join(n)));
            Ok(())
        }
        Err(e) if e.is_not_found() => Ok(()),
        Err(e) => Err(format!("cannot list {}: {e}", dir.display())),
    }
}

/// podman's OCI runtime.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Runtime {
    /// The name (`crun`) or, when configured so, an absolute path.
    pub name: String,
    pub source: Source,
    /// Its binary; `None` when podman finds none ("default OCI runtime …
    /// not found").
    pub path: Option<PathBuf>,
}

impl Runtime {
    /// The program name: the name, or the file name of a path.
    pub fn program(&self) -> String {
        match &self.path {
            Some(path) if self.name.starts_with('/') => path
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default(),
            _ => self.name.clone(),
        }
    }
}

/// podman's effective configuration for the subject.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Podman {
    /// The files read, in order.
    pub files: Vec<PathBuf>,
    /// Why podman refuses to start at all (a missing `$CONTAINERS_CONF`, a
    /// file that is not TOML), if it does.
    pub problem: Option<String>,
    pub runtime: Runtime,
    pub cgroup_manager: Setting,
    /// `slirp4netns`, `pasta`, `host`, `none`, or another `netns` mode
    /// (`container:…`, `ns:…`), as `podman run` without `--network` uses.
    pub network: Setting,
    /// The network helper's binary, when the network needs one and it was
    /// found.
    pub network_cmd: Option<PathBuf>,
    pub helper_binaries_dir: Vec<String>,
}

impl Podman {
    /// True when the network is made by a helper that opens /dev/net/tun.
    pub fn network_needs_tun(&self) -> bool {
        matches!(self.network.value.as_str(), "slirp4netns" | "pasta")
    }
}

/// The upstream version of a Debian package version: `1:4.3.1+ds1-8` ->
/// `4.3.1` (read where the package versions are).
pub use crate::packages::upstream_version;

/// `(major, minor)` of a version like `4.3.1`.
pub fn major_minor(version: &str) -> Option<(u64, u64)> {
    let mut parts = version.split('.');
    let major = parts.next()?.parse().ok()?;
    let minor = parts.next().and_then(|m| m.parse().ok()).unwrap_or(0);
    Some((major, minor))
}

/// The host facts the defaults depend on.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HostDefaults {
    /// PID 1 is systemd (`/proc/1/comm`).
    pub systemd: bool,
    /// /sys/fs/cgroup is the unified cgroup v2 hierarchy.
    pub unified: bool,
    /// A user D-Bus session is reachable (`$DBUS_SESSION_BUS_ADDRESS`'s
    /// socket, else /run/user/UID/bus).
    pub user_bus: bool,
}

impl HostDefaults {
    pub fn gather(host: &HostFs, subject: &Subject, env: &EngineEnv) -> Self {
        let systemd = host
            .read_text("/proc/1/comm")
            .is_ok_and(|c| c.trim_end() == "systemd");
        // cgroup v2 alone: its root files are at /sys/fs/cgroup itself.
        let unified = host.exists("/sys/fs/cgroup/cgroup.controllers");
        let user_bus = match &env.dbus_session_bus_address {
            Some(address) => address
                .split(',')
                .find_map(|p| p.strip_prefix("unix:path="))
                .is_none_or(|socket| host.exists(socket)),
            None => host.exists(format!("/run/user/{}/bus", subject.uid)),
        };
        HostDefaults {
            systemd,
            unified,
            user_bus,
        }
    }
}

/// Resolves podman's configuration for `subject`; `version` is podman's
/// `(major, minor)` when known (unknown: podman 4.3's behaviour).
pub fn resolve(
    host: &HostFs,
    subject: &Subject,
    env: &EngineEnv,
    version: Option<(u64, u64)>,
) -> Podman {
    let defaults = HostDefaults::gather(host, subject, env);
    let mut layers = Vec::new();
    let mut problem = None;
    let files = match files(host, subject, env) {
        Ok(files) => files,
        Err(e) => {
            problem = Some(e);
            Vec::new()
        }
    };
    for file in &files {
        let keys = host
            .read_text_up_to(file, CAP)
            .map_err(|e| format!("cannot read {}: {e}", file.display()))
            .and_then(|(text, _)| {
                parse(&text).map_err(|e| format!("decode configuration {}: {e}", file.display()))
            });
        match keys {
            Ok(keys) => layers.push((file.display().to_string(), keys)),
            Err(e) => {
                problem.get_or_insert(e);
            }
        }
    }
    let lookup = |name: &str| host.look_path(name, &subject.path);
    resolve_layers(
        &layers,
        &defaults,
        !subject.is_root(),
        version,
        &|p: &str| host.metadata(p).ok().map(|m| m.is_file()),
        &lookup,
    )
    .with(files, problem)
}

impl Podman {
    fn with(mut self, files: Vec<PathBuf>, problem: Option<String>) -> Self {
        self.files = files;
        self.problem = problem;
        self
    }
}

/// The last layer's value of a key, and where it came from.
fn last<'a>(
    layers: &'a [(String, Keys)],
    key: &str,
    get: impl Fn(&'a Keys) -> Option<&'a String>,
) -> Option<Setting> {
    layers.iter().rev().find_map(|(file, keys)| {
        get(keys).map(|v| Setting {
            value: v.clone(),
            source: Source::Config {
                file: file.clone(),
                setting: key.to_string(),
            },
        })
    })
}

/// The pure part of [`resolve`]: `stat` tells whether a path exists
/// (`Some(is regular file)`), `lookup` searches the subject's PATH.
pub fn resolve_layers(
    layers: &[(String, Keys)],
    defaults: &HostDefaults,
    rootless: bool,
    version: Option<(u64, u64)>,
    stat: &dyn Fn(&str) -> Option<bool>,
    lookup: &dyn Fn(&str) -> Option<PathBuf>,
) -> Podman {
    let mut runtimes: BTreeMap<String, Vec<String>> = DEFAULT_RUNTIMES
        .iter()
        .map(|(n, p)| (n.to_string(), p.iter().map(|s| s.to_string()).collect()))
        .collect();
    for (_, keys) in layers {
        for (name, paths) in &keys.runtimes {
            runtimes.insert(name.clone(), paths.clone());
        }
    }
    // A file that empties `runtime` leaves libpod's own choice: runc, or
    // crun on a unified cgroup v2 host.
    let libpod_default = |why: &str| {
        let name = if defaults.unified { "crun" } else { "runc" };
        Setting {
            value: name.into(),
            source: Source::Default(why.into()),
        }
    };
    let configured = last(layers, "runtime", |k| k.runtime.as_ref());
    let runtime_setting = match configured {
        Some(s) if s.value.is_empty() => Some(libpod_default(&format!(
            "libpod's default: {} is empty",
            s.source.text()
        ))),
        other => other,
    }
    .or_else(|| {
        SEARCH_ORDER
            .iter()
            .find(|name| {
                runtimes
                    .get(**name)
                    .is_some_and(|paths| paths.iter().any(|p| stat(p).is_some()))
                    || lookup(name).is_some()
            })
            .map(|name| Setting {
                value: name.to_string(),
                source: Source::Default(format!(
                    "podman's default: the first of {} installed",
                    SEARCH_ORDER.join(", ")
                )),
            })
    })
    .unwrap_or_else(|| libpod_default("libpod's default when no runtime is installed"));
    let name = runtime_setting.value.clone();
    let path = if name.starts_with('/') {
        stat(&name).filter(|f| *f).map(|_| PathBuf::from(&name))
    } else {
        match runtimes.get(&name) {
            None => None,
            Some(paths) => paths
                .iter()
                .find(|p| stat(p) == Some(true))
                .map(PathBuf::from)
                .or_else(|| lookup(&name)),
        }
    };
    let runtime = Runtime {
        name,
        source: runtime_setting.source,
        path,
    };

    let cgroup_manager = {
        let mut setting = last(layers, "cgroup_manager", |k| k.cgroup_manager.as_ref())
            .unwrap_or_else(|| {
                let (value, why) = if !defaults.systemd {
                    ("cgroupfs", "podman's default: PID 1 is not systemd")
                } else if rootless && !defaults.unified {
                    (
                        "cgroupfs",
                        "podman's default for a rootless user without cgroup v2",
                    )
                } else {
                    ("systemd", "podman's default: PID 1 is systemd")
                };
                Setting {
                    value: value.into(),
                    source: Source::Default(why.into()),
                }
            });
        if rootless && setting.value == "systemd" && !defaults.user_bus {
            setting = Setting {
                value: "cgroupfs".into(),
                source: Source::Default(format!(
                    "systemd ({}), but no systemd user session: podman falls back to cgroupfs",
                    setting.source.text()
                )),
            };
        }
        setting
    };

    let helper_binaries_dir = layers
        .iter()
        .rev()
        .find_map(|(_, k)| k.helper_binaries_dir.clone())
        .unwrap_or_else(|| DEFAULT_HELPER_DIRS.iter().map(|s| s.to_string()).collect());

    let netns = last(layers, "netns", |k| k.netns.as_ref()).filter(|s| !s.value.is_empty());
    let network = match netns {
        Some(s) if !matches!(s.value.as_str(), "private" | "default" | "bridge") => {
            let mode = s.value.split(':').next().unwrap_or("").to_string();
            Setting {
                value: mode,
                source: s.source,
            }
        }
        _ if !rootless => Setting {
            value: "bridge".into(),
            source: Source::Default("podman's default for root".into()),
        },
        _ => rootless_helper(layers, version),
    };
    let network_cmd = match network.value.as_str() {
        "slirp4netns" => match last(layers, "network_cmd_path", |k| k.network_cmd_path.as_ref()) {
            Some(p) if !p.value.is_empty() => stat(&p.value).map(|_| PathBuf::from(&p.value)),
            _ => lookup("slirp4netns"),
        },
        "pasta" => helper_binaries_dir
            .iter()
            .map(|d| format!("{}/pasta", d.trim_end_matches('/')))
            .find(|p| stat(p) == Some(true))
            .map(PathBuf::from)
            .or_else(|| lookup("pasta")),
        _ => None,
    };
    Podman {
        files: Vec::new(),
        problem: None,
        runtime,
        cgroup_manager,
        network,
        network_cmd,
        helper_binaries_dir,
    }
}

/// The helper of a rootless `private` network: slirp4netns up to podman
/// 4.3; from 4.4 `default_rootless_network_cmd`, whose default is pasta from
/// podman 5.
fn rootless_helper(layers: &[(String, Keys)], version: Option<(u64, u64)>) -> Setting {
    let reads_key = version.is_none_or(|v| v >= (4, 4));
    if reads_key {
        if let Some(s) = last(layers, "default_rootless_network_cmd", |k| {
            k.default_rootless_network_cmd.as_ref()
        })
        .filter(|s| !s.value.is_empty())
        {
            return s;
        }
    }
    match version {
        Some((major, _)) if major >= 5 => Setting {
            value: "pasta".into(),
            source: Source::Default("podman 5's default".into()),
        },
        Some((major, minor)) => Setting {
            value: "slirp4netns".into(),
            source: Source::Default(format!("podman {major}.{minor}'s default")),
        },
        None => Setting {
            value: "slirp4netns".into(),
            source: Source::Default("podman 4's default (podman's version unknown)".into()),
        },
    }
}

#[cfg(test)]
mod tests;
