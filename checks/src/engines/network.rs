//! The rootless engines on the subject's PATH and the user-mode network
//! helper each will use.
//!
//! - podman: the network of its effective containers.conf, resolved by
//!   [`super::containers_conf`] (every file podman reads, `$CONTAINERS_CONF`
//!   and the drop-in directories included): slirp4netns up to podman 4.3,
//!   `[network] default_rootless_network_cmd` from podman 4.4, pasta by
//!   default from podman 5; `[containers] netns = "host"` or `"none"` needs
//!   no helper. The helper is searched in podman's helper directories, then
//!   on the PATH (`[engine] network_cmd_path` names slirp4netns outright).
//! - rootless Docker (`dockerd-rootless.sh` on the PATH, or Debian's copy in
//!   /usr/share/docker.io/contrib) and nerdctl
//!   (`containerd-rootless.sh`): RootlessKit, with the network driver of
//!   `DOCKERD_ROOTLESS_ROOTLESSKIT_NET` / `CONTAINERD_ROOTLESS_ROOTLESSKIT_NET`
//!   when the subject's systemd user unit sets it, else the scripts' own
//!   default: slirp4netns when installed, else vpnkit.
//!
//! Everything here is static: podman's version comes from its dpkg package
//! when the binary is unchanged since dpkg installed it
//! ([`crate::packages::unchanged`]), else from the `net-helper` probe, and
//! [`resolve`] takes the major version as input. The helpers' packages are
//! read the same way ([`Found::packaged`]).

use super::containers_conf::{self, major_minor, upstream_version};
use super::storage::EngineEnv;
use crate::host::HostFs;
use crate::packages::{self, Packaged};
use crate::subject::Subject;
use std::path::{Path, PathBuf};

/// Where podman looks for its helpers before the PATH (containers.conf
/// `helper_binaries_dir` default).
pub const PODMAN_HELPER_DIRS: &str =
    "/usr/local/libexec/podman:/usr/local/lib/podman:/usr/libexec/podman:/usr/lib/podman";

/// A rootless engine.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Engine {
    Podman,
    /// Rootless Docker, started by `dockerd-rootless.sh`.
    Docker,
    /// nerdctl with rootless containerd (`containerd-rootless.sh`).
    Nerdctl,
}

impl Engine {
    pub fn name(self) -> &'static str {
        match self {
            Engine::Podman => "podman",
            Engine::Docker => "rootless docker",
            Engine::Nerdctl => "nerdctl",
        }
    }

    /// The engine's name in the report's `engines` section.
    pub fn entry(self) -> &'static str {
        match self {
            Engine::Podman => "podman",
            Engine::Docker => "docker",
            Engine::Nerdctl => "nerdctl",
        }
    }

    /// The binary whose presence on the PATH says the engine is installed.
    pub fn binary(self) -> &'static str {
        match self {
            Engine::Podman => "podman",
            Engine::Docker => "dockerd-rootless.sh",
            Engine::Nerdctl => "containerd-rootless.sh",
        }
    }
}

/// A user-mode network helper.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Helper {
    Slirp4netns,
    Pasta,
    Vpnkit,
    /// RootlessKit's `lxc-user-nic` driver (a setuid helper, no tap of its own).
    LxcUserNic,
    /// RootlessKit's `host` driver, or `--network=host`: no helper.
    Host,
}

impl Helper {
    pub fn name(self) -> &'static str {
        match self {
            Helper::Slirp4netns => "slirp4netns",
            Helper::Pasta => "pasta",
            Helper::Vpnkit => "vpnkit",
            Helper::LxcUserNic => "lxc-user-nic",
            Helper::Host => "host",
        }
    }

    /// The helper with this name, as configuration files spell it.
    pub fn from_name(name: &str) -> Option<Self> {
        Some(match name {
            "slirp4netns" => Helper::Slirp4netns,
            "pasta" | "passt" => Helper::Pasta,
            "vpnkit" => Helper::Vpnkit,
            "lxc-user-nic" => Helper::LxcUserNic,
            "host" | "none" => Helper::Host,
            _ => return None,
        })
    }

    /// True when the helper opens /dev/net/tun to make its tap device.
    pub fn needs_tun(self) -> bool {
        matches!(self, Helper::Slirp4netns | Helper::Pasta | Helper::Vpnkit)
    }

    /// The lowest version the engines accept: slirp4netns 0.4.0 (podman
    /// refuses older ones: "slirp4netns seems older than v0.4.0"); none else.
    pub fn minimum(self) -> Option<(u64, u64, u64)> {
        match self {
            Helper::Slirp4netns => Some((0, 4, 0)),
            _ => None,
        }
    }
}

pub use super::containers_conf::Source;

/// An installed engine as found statically.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Installed {
    pub engine: Engine,
    pub path: PathBuf,
    /// A helper named by configuration, and where.
    pub configured: Option<(String, Source)>,
    /// The version of the package that installed it (dpkg), when known
    /// without running it.
    pub packaged: Option<String>,
}

/// Everything found statically: engines and the helper binaries.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct Found {
    pub engines: Vec<Installed>,
    /// The slirp4netns an engine would run, if any.
    pub slirp4netns: Option<PathBuf>,
    /// The pasta an engine would run, if any.
    pub pasta: Option<PathBuf>,
    pub vpnkit: Option<PathBuf>,
    pub rootlesskit: Option<PathBuf>,
    /// The dpkg packages of the helper binaries above that are unchanged
    /// since dpkg installed them, by the path found.
    pub packages: Vec<(PathBuf, Packaged)>,
}

impl Found {
    /// The path of a helper binary, if found.
    pub fn helper_path(&self, helper: Helper) -> Option<&PathBuf> {
        match helper {
            Helper::Slirp4netns => self.slirp4netns.as_ref(),
            Helper::Pasta => self.pasta.as_ref(),
            Helper::Vpnkit => self.vpnkit.as_ref(),
            Helper::LxcUserNic | Helper::Host => None,
        }
    }

    /// The package of a helper binary found above, when dpkg vouches for it.
    pub fn packaged(&self, path: &Path) -> Option<&Packaged> {
        self.packages
            .iter()
            .find(|(p, _)| p == path)
            .map(|(_, packaged)| packaged)
    }

    /// Podman's major version from its package, `None` when podman is not
    /// installed or its package does not tell (epoch and revision dropped).
    pub fn podman_major(&self) -> Option<u64> {
        self.engines
            .iter()
            .find(|e| e.engine == Engine::Podman)?
            .packaged
            .as_deref()
            .and_then(|v| {
                // As `network.helper` reads it: `MAJOR.MINOR` at least.
                let core = packages::upstream(v).split(['+', '~', '-']).next()?;
                let mut parts = core.split('.').map(|p| p.parse::<u64>().ok());
                let major = parts.next()??;
                parts.next()??;
                Some(major)
            })
    }

    /// The helpers the engines may use: those [`resolve`] gives, or every
    /// one when podman's version (which decides its default) is unknown.
    pub fn in_use(&self) -> Vec<Helper> {
        let podman_unknown = self
            .engines
            .iter()
            .any(|e| e.engine == Engine::Podman && e.packaged.is_none());
        if podman_unknown {
            return vec![Helper::Slirp4netns, Helper::Pasta, Helper::Vpnkit];
        }
        resolve(self, self.podman_major())
            .iter()
            .filter_map(|r| r.helper)
            .collect()
    }

    /// The slirp4netns the `net-helper` probe starts: only when an engine
    /// may use it (nothing reads the start otherwise).
    pub fn slirp4netns_to_start(&self) -> Option<PathBuf> {
        self.slirp4netns
            .clone()
            .filter(|_| self.in_use().contains(&Helper::Slirp4netns))
    }

    /// The binaries whose `--version` the `net-helper` probe runs, only
    /// those whose answer `network.helper` reads and nothing else tells:
    /// podman when its package does not tell its version; the helper each
    /// engine uses (every installed one when podman's version, which
    /// decides its default, is unknown): slirp4netns only without a package
    /// version (its live start shows that it runs), pasta and vpnkit always
    /// (`--version` is the only run they get).
    pub fn tools(&self) -> Vec<PathBuf> {
        let podman = self
            .engines
            .iter()
            .find(|e| e.engine == Engine::Podman && e.packaged.is_none())
            .map(|e| e.path.clone());
        let in_use = self.in_use();
        let mut tools: Vec<PathBuf> = podman.into_iter().collect();
        for helper in [Helper::Slirp4netns, Helper::Pasta, Helper::Vpnkit] {
            let Some(path) = self.helper_path(helper) else {
                continue;
            };
            let asked = match helper {
                Helper::Slirp4netns => self.packaged(path).is_none(),
                _ => true,
            };
            if in_use.contains(&helper) && asked && !tools.contains(path) {
                tools.push(path.clone());
            }
        }
        tools
    }
}

/// The network driver a systemd user unit's `Environment=` sets for `var`.
pub fn unit_env(text: &str, var: &str) -> Option<String> {
    let prefix = format!("{var}=");
    let words: Vec<&str> = text
        .lines()
        .filter_map(|l| l.trim().strip_prefix("Environment="))
        .flat_map(str::split_whitespace)
        .collect();
    words
        .iter()
        .rev()
        .find_map(|word| word.trim_matches('"').strip_prefix(prefix.as_str()))
        .map(|v| v.trim_matches('"').chars().take(64).collect())
}

/// Finds the engines on the subject's PATH and the helpers they would run.
pub fn gather(host: &HostFs, subject: &Subject) -> Found {
    let look = |name: &str| host.look_path(name, &subject.path);
    let podman_look = |name: &str| {
        host.look_path(name, PODMAN_HELPER_DIRS)
            .or_else(|| host.look_path(name, &subject.path))
    };
    let mut found = Found {
        slirp4netns: podman_look("slirp4netns"),
        pasta: podman_look("pasta"),
        vpnkit: look("vpnkit"),
        rootlesskit: look("rootlesskit"),
        ..Found::default()
    };
    if let Some(path) = look("podman") {
        let packaged = packages::unchanged(host, &path).map(|p| p.version);
        let version = packaged
            .as_deref()
            .and_then(|p| major_minor(&upstream_version(p)));
        let conf = containers_conf::resolve(host, subject, &EngineEnv::of(host, subject), version);
        if conf.network.value == "slirp4netns" {
            if let Some(cmd) = &conf.network_cmd {
                found.slirp4netns = Some(cmd.clone());
            }
        }
        let configured = match &conf.network.source {
            Source::Config { .. } => {
                Some((conf.network.value.clone(), conf.network.source.clone()))
            }
            Source::Default(_) => None,
        };
        found.engines.push(Installed {
            engine: Engine::Podman,
            path,
            configured,
            packaged,
        });
    }
    let home = subject.home.display().to_string();
    for (engine, unit, var) in [
        (
            Engine::Docker,
            "docker.service",
            "DOCKERD_ROOTLESS_ROOTLESSKIT_NET",
        ),
        (
            Engine::Nerdctl,
            "containerd.service",
            "CONTAINERD_ROOTLESS_ROOTLESSKIT_NET",
        ),
    ] {
        let path = match engine {
            Engine::Docker => crate::engines::docker::rootless_script(host, subject),
            _ => look(engine.binary()),
        };
        let Some(path) = path else {
            continue;
        };
        let file = format!("{home}/.config/systemd/user/{unit}");
        let configured = host
            .read_text(&file)
            .ok()
            .and_then(|text| unit_env(&text, var))
            .map(|value| {
                let setting = var.to_string();
                (value, Source::Config { file, setting })
            });
        found.engines.push(Installed {
            engine,
            path,
            configured,
            packaged: None,
        });
    }
    // The helpers as the engines would run them (`network_cmd_path` included).
    for path in [&found.slirp4netns, &found.pasta, &found.vpnkit]
        .into_iter()
        .flatten()
    {
        if let Some(packaged) = packages::unchanged(host, path) {
            found.packages.push((path.clone(), packaged));
        }
    }
    found
}

/// The helper an engine will use.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Resolved {
    pub engine: Engine,
    /// `None` when the configuration names a helper the doctor does not know.
    pub helper: Option<Helper>,
    /// The name as configured or defaulted.
    pub name: String,
    pub source: Source,
}

/// The helper each engine uses; `podman_major` is podman's major version
/// when known (unknown: podman 4's default, slirp4netns, is assumed unless
/// only pasta is installed).
pub fn resolve(found: &Found, podman_major: Option<u64>) -> Vec<Resolved> {
    found
        .engines
        .iter()
        .map(|installed| {
            let (name, source) = match (&installed.configured, installed.engine) {
                (Some((name, source)), _) => (name.clone(), source.clone()),
                (None, Engine::Podman) => match podman_major {
                    Some(major) if major >= 5 => ("pasta".into(), default("podman 5's default")),
                    Some(major) => (
                        "slirp4netns".into(),
                        default(&format!("podman {major}'s default")),
                    ),
                    None if found.slirp4netns.is_none() && found.pasta.is_some() => (
                        "pasta".into(),
                        default("podman's default (version unknown, only pasta installed)"),
                    ),
                    None => (
                        "slirp4netns".into(),
                        default("podman 4's default (podman's version unknown)"),
                    ),
                },
                (None, engine) => {
                    let script = engine.binary();
                    if found.slirp4netns.is_some() || found.vpnkit.is_none() {
                        (
                            "slirp4netns".into(),
                            default(&format!("{script}'s default")),
                        )
                    } else {
                        (
                            "vpnkit".into(),
                            default(&format!("{script}'s default without slirp4netns")),
                        )
                    }
                }
            };
            Resolved {
                engine: installed.engine,
                helper: Helper::from_name(&name),
                name,
                source,
            }
        })
        .collect()
}

fn default(why: &str) -> Source {
    Source::Default(why.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unit_environment_is_read() {
        let unit = "[Service]\nEnvironment=PATH=/bin \"DOCKERD_ROOTLESS_ROOTLESSKIT_NET=pasta\"\n";
        assert_eq!(
            unit_env(unit, "DOCKERD_ROOTLESS_ROOTLESSKIT_NET").as_deref(),
            Some("pasta")
        );
        assert_eq!(unit_env(unit, "OTHER"), None);
    }

    fn podman(configured: Option<&str>) -> Found {
        Found {
            engines: vec![Installed {
                engine: Engine::Podman,
                path: "/usr/bin/podman".into(),
                configured: configured.map(|c| {
                    (
                        c.to_string(),
                        Source::Config {
                            file: "/etc/containers/containers.conf".into(),
                            setting: "default_rootless_network_cmd".into(),
                        },
                    )
                }),
                packaged: None,
            }],
            slirp4netns: Some("/usr/bin/slirp4netns".into()),
            ..Found::default()
        }
    }

    #[test]
    fn podman_defaults_by_major_version_and_config_wins() {
        let r = resolve(&podman(None), Some(4));
        assert_eq!(r[0].helper, Some(Helper::Slirp4netns));
        assert_eq!(
            resolve(&podman(None), Some(5))[0].helper,
            Some(Helper::Pasta)
        );
        assert_eq!(
            resolve(&podman(Some("pasta")), Some(4))[0].helper,
            Some(Helper::Pasta)
        );
        let odd = resolve(&podman(Some("teleport")), Some(4));
        assert_eq!((odd[0].helper, odd[0].name.as_str()), (None, "teleport"));
        assert_eq!(
            resolve(&podman(None), None)[0].helper,
            Some(Helper::Slirp4netns)
        );
    }

    #[test]
    fn rootless_docker_falls_back_to_vpnkit() {
        let found = Found {
            engines: vec![Installed {
                engine: Engine::Docker,
                path: "/usr/bin/dockerd-rootless.sh".into(),
                configured: None,
                packaged: None,
            }],
            vpnkit: Some("/usr/bin/vpnkit".into()),
            ..Found::default()
        };
        assert_eq!(resolve(&found, None)[0].helper, Some(Helper::Vpnkit));
    }
}
