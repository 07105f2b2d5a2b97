//! Rootless Docker's setup as `dockerd-rootless.sh` (moby 20.10) would find
//! it for the subject: where the script is, the PATH the daemon runs with,
//! the RootlessKit drivers, daemon.json's `iptables`, the systemd user unit,
//! the iptables binary and its kernel modules, and where the client points.
//! Host facts only (layer 3): nothing is started, nothing is executed.
//!
//! - Installed: `dockerd-rootless.sh` on the subject's PATH (upstream's
//!   docker-ce-rootless-extras and static tarballs put it in /usr/bin or next
//!   to dockerd), else Debian's and Ubuntu's docker.io copy in
//!   [`DEBIAN_CONTRIB`], which is not on any PATH.
//! - The daemon's PATH: the `Environment=PATH=` of the systemd user unit
//!   `docker.service` when systemd runs and the unit exists (the setup tool
//!   writes `$BIN:/sbin:/usr/sbin:$PATH` there), else the subject's PATH.
//!   The script runs `rootlesskit`, `slirp4netns`, `dockerd` from it, and
//!   dockerd runs `iptables` and `runc` from it.
//! - The network driver: `DOCKERD_ROOTLESS_ROOTLESSKIT_NET` of the unit or
//!   the invoker's environment, else slirp4netns when installed (the script
//!   asks `slirp4netns --help` for `--netns-type`, i.e. 0.4.0 or later),
//!   else vpnkit (resolution in [`crate::engines::network`]). The port
//!   driver: `DOCKERD_ROOTLESS_ROOTLESSKIT_PORT_DRIVER`, default `builtin`.
//! - iptables: dockerd's bridge driver runs the `iptables` binary unless
//!   daemon.json says `"iptables": false` or the daemon has
//!   `--iptables=false`. The backend is read from where the binary's links
//!   lead (`xtables-nft-multi` or `xtables-legacy-multi`).
//! - Kernel modules are looked up without loading anything: /proc/modules
//!   (loaded), `/lib/modules/$(uname -r)/modules.builtin` (built in),
//!   `/lib/modules/$(uname -r)/modules.dep` (installed, so the kernel can
//!   load it on request); a kernel without module support (no
//!   /proc/modules) has whatever it has built in, which /proc/config.gz is
//!   not needed for: ip_tables built in shows /proc/net/ip_tables_names.

use crate::host::HostFs;
use crate::subject::Subject;
use std::path::{Path, PathBuf};

/// Where Debian's and Ubuntu's docker.io install the rootless scripts.
pub const DEBIAN_CONTRIB: &str = "/usr/share/docker.io/contrib";

/// The script that starts rootless Docker.
pub const SCRIPT: &str = "dockerd-rootless.sh";

/// The systemd user unit the setup tool writes.
pub const UNIT: &str = "docker.service";

/// The rootless Docker script for the subject: on the PATH, else Debian's.
pub fn rootless_script(host: &HostFs, subject: &Subject) -> Option<PathBuf> {
    host.look_path(SCRIPT, &subject.path)
        .or_else(|| host.look_path(SCRIPT, DEBIAN_CONTRIB))
}

/// The parts of the subject's environment rootless Docker reads, known only
/// when the subject runs the doctor on the real host.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct DockerEnv {
    pub docker_host: Option<String>,
    pub docker_context: Option<String>,
    pub net: Option<String>,
    pub port_driver: Option<String>,
    /// True when the values above are the subject's own environment.
    pub known: bool,
}

impl DockerEnv {
    /// The doctor's own environment when the subject is the invoker on the
    /// real host; unknown otherwise.
    pub fn of(host: &HostFs, subject: &Subject) -> Self {
        if !subject.is_invoker || !host.is_real() {
            return DockerEnv::default();
        }
        let var = |name: &str| {
            std::env::var(name)
                .ok()
                .filter(|v| !v.is_empty())
                .map(|v| v.chars().take(256).collect())
        };
        DockerEnv {
            docker_host: var("DOCKER_HOST"),
            docker_context: var("DOCKER_CONTEXT"),
            net: var("DOCKERD_ROOTLESS_ROOTLESSKIT_NET"),
            port_driver: var("DOCKERD_ROOTLESS_ROOTLESSKIT_PORT_DRIVER"),
            known: true,
        }
    }
}

/// The systemd user unit, as far as the doctor reads it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Unit {
    pub file: PathBuf,
    pub path: Option<String>,
    pub net: Option<String>,
    pub port_driver: Option<String>,
    /// The words of `ExecStart=` after the script.
    pub flags: Vec<String>,
}

/// Reads the unit text.
pub fn parse_unit(file: PathBuf, text: &str) -> Unit {
    use crate::engines::network::unit_env;
    let flags = text
        .lines()
        .filter_map(|l| l.trim().strip_prefix("ExecStart="))
        .next_back()
        .map(|l| l.split_whitespace().skip(1).map(str::to_string).collect())
        .unwrap_or_default();
    Unit {
        path: unit_env(text, "PATH"),
        net: unit_env(text, "DOCKERD_ROOTLESS_ROOTLESSKIT_NET"),
        port_driver: unit_env(text, "DOCKERD_ROOTLESS_ROOTLESSKIT_PORT_DRIVER"),
        flags,
        file,
    }
}

/// daemon.json's keys that decide whether the daemon starts.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct DaemonJson {
    pub file: Option<PathBuf>,
    /// `"iptables"`, when the file sets it.
    pub iptables: Option<bool>,
    /// Why the daemon would refuse the file (not JSON, not an object).
    pub problem: Option<String>,
}

/// Parses daemon.json text as dockerd does (an object, or it refuses).
pub fn parse_daemon_json(file: PathBuf, text: &str) -> DaemonJson {
    let mut out = DaemonJson {
        file: Some(file.clone()),
        ..DaemonJson::default()
    };
    match serde_json::from_str::<serde_json::Value>(text) {
        Ok(serde_json::Value::Object(map)) => {
            out.iptables = map.get("iptables").and_then(serde_json::Value::as_bool);
        }
        Ok(_) => out.problem = Some(format!("{} is not a JSON object", file.display())),
        Err(e) => out.problem = Some(format!("{} is not valid JSON: {e}", file.display())),
    }
    out
}

/// The iptables backend, from the binary's link target.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Backend {
    Nft,
    Legacy,
    Unknown,
}

/// Whether the kernel has a module, looked up without loading it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Module {
    Loaded,
    BuiltIn,
    /// Installed under /lib/modules: the kernel loads it when asked.
    Loadable,
    Absent,
    /// The kernel has no module support and nothing says it is built in.
    Unknown,
}

impl Module {
    pub fn text(self) -> &'static str {
        match self {
            Module::Loaded => "loaded",
            Module::BuiltIn => "built in",
            Module::Loadable => "not loaded, installed (loaded on request)",
            Module::Absent => "neither loaded, built in nor installed",
            Module::Unknown => "unknown (no module support in the kernel)",
        }
    }
}

/// Everything the `engine.docker` check reads from the host.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Setup {
    pub script: PathBuf,
    /// `(package, version)` of the package that installed the script.
    pub package: Option<(String, String)>,
    /// The PATH the script and the daemon run with, and where it came from.
    pub daemon_path: String,
    pub path_source: String,
    pub dockerd: Option<PathBuf>,
    pub rootlesskit: Option<PathBuf>,
    pub rootlesskit_version: Option<String>,
    pub runc: Option<PathBuf>,
    pub iptables: Option<PathBuf>,
    pub backend: Option<Backend>,
    /// (module, state) for the modules of the backend.
    pub modules: Vec<(&'static str, Module)>,
    /// True when systemd manages services here.
    pub systemd: bool,
    pub unit: Option<Unit>,
    pub daemon_json: DaemonJson,
    pub env: DockerEnv,
    /// The endpoint of the current CLI context (`~/.docker/config.json`),
    /// when it is not `default`: (context, host).
    pub context: Option<(String, Option<String>)>,
    /// The rootful socket exists.
    pub rootful_socket: bool,
    /// The storage driver dirs already in the data-root.
    pub prior_drivers: Vec<String>,
    /// Binaries the daemon runs that are not on its PATH but installed in a
    /// usual directory (Debian's /usr/sbin): (name, where).
    pub off_path: Vec<(String, PathBuf)>,
}

/// Where the daemon's binaries are usually installed.
pub const USUAL_DIRS: &str = "/usr/sbin:/sbin:/usr/local/sbin:/usr/local/bin:/usr/bin:/bin";

impl Setup {
    /// Where `name` is installed, when it is not on the daemon's PATH.
    pub fn off_path(&self, name: &str) -> Option<&Path> {
        self.off_path
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, p)| p.as_path())
    }
}

impl Setup {
    /// The network driver named by the unit or the environment, and where.
    pub fn configured_net(&self) -> Option<(String, String)> {
        if let Some(net) = self.unit.as_ref().and_then(|u| u.net.clone()) {
            let file = self.unit.as_ref().map(|u| u.file.display().to_string());
            return Some((net, file.unwrap_or_default()));
        }
        self.env
            .net
            .clone()
            .map(|n| (n, "the environment".to_string()))
    }

    /// The port driver and where it came from.
    pub fn port_driver(&self) -> (String, String) {
        if let Some(p) = self.unit.as_ref().and_then(|u| u.port_driver.clone()) {
            return (p, "the unit".into());
        }
        match &self.env.port_driver {
            Some(p) => (p.clone(), "the environment".into()),
            None => ("builtin".into(), "dockerd-rootless.sh's default".into()),
        }
    }

    /// Whether dockerd runs iptables: daemon.json's setting, overridden by
    /// the unit's `--iptables=false`.
    pub fn iptables_enabled(&self) -> (bool, String) {
        if let Some(unit) = &self.unit {
            if unit
                .flags
                .iter()
                .any(|f| f == "--iptables=false" || f == "--iptables=0")
            {
                return (
                    false,
                    format!("--iptables=false in {}", unit.file.display()),
                );
            }
        }
        match (self.daemon_json.iptables, &self.daemon_json.file) {
            (Some(false), Some(file)) => {
                (false, format!("\"iptables\": false in {}", file.display()))
            }
            _ => (true, "dockerd's default".into()),
        }
    }
}

/// Gathers the setup of the script at `script`. `home` and `config_home`
/// come from [`crate::engines::storage::EngineEnv`] resolution (`$HOME`,
/// `$XDG_CONFIG_HOME`); `data_root` is the resolved data-root.
pub fn gather(
    host: &HostFs,
    subject: &Subject,
    script: PathBuf,
    home: &Path,
    xdg_config_home: Option<&Path>,
    data_root: &Path,
) -> Setup {
    let systemd = host.exists("/run/systemd/system");
    let cfg = xdg_config_home.map_or_else(|| home.join(".config"), Path::to_path_buf);
    let unit_file = cfg.join("systemd/user").join(UNIT);
    let unit = host
        .read_text_up_to(&unit_file, 1 << 16)
        .ok()
        .map(|(text, _)| parse_unit(unit_file.clone(), &text));
    let (daemon_path, path_source) = match unit.as_ref().and_then(|u| u.path.clone()) {
        Some(path) if systemd => (path, format!("Environment=PATH of {}", unit_file.display())),
        _ => (subject.path.clone(), "the subject's PATH".to_string()),
    };
    let look = |name: &str| host.look_path(name, &daemon_path);
    let rootlesskit = look("docker-rootlesskit").or_else(|| look("rootlesskit"));
    // Only the rootlesskit package carries rootlesskit's own version
    // (docker-ce-rootless-extras ships it under Docker's version).
    let rootlesskit_version = rootlesskit
        .as_ref()
        .and_then(|p| crate::packages::dpkg_package_version(host, "rootlesskit", p));
    let package = ["docker.io", "docker-ce-rootless-extras", "moby-engine"]
        .iter()
        .find_map(|pkg| {
            crate::packages::dpkg_package_version(host, pkg, &script).map(|v| (pkg.to_string(), v))
        });
    let iptables = look("iptables");
    let backend = iptables.as_ref().map(|p| backend(host, p));
    let modules = match backend {
        Some(Backend::Legacy) => vec!["ip_tables", "iptable_nat", "iptable_filter"],
        Some(Backend::Nft) => vec!["nf_tables", "nft_chain_nat", "nft_compat"],
        _ => vec!["ip_tables", "nf_tables"],
    }
    .into_iter()
    .map(|m| (m, module(host, m)))
    .collect();
    let daemon_json_file = cfg.join("docker/daemon.json");
    let daemon_json = match host.read_text_up_to(&daemon_json_file, 1 << 20) {
        Ok((text, _)) => parse_daemon_json(daemon_json_file, &text),
        Err(e) if e.is_not_found() => DaemonJson::default(),
        Err(e) => DaemonJson {
            problem: Some(format!("cannot read {}: {e}", daemon_json_file.display())),
            file: Some(daemon_json_file),
            iptables: None,
        },
    };
    let env = DockerEnv::of(host, subject);
    let context = current_context(host, home, env.docker_context.as_deref());
    let mut prior_drivers: Vec<String> = host
        .read_dir_names(data_root)
        .unwrap_or_default()
        .into_iter()
        .filter(|n| ["overlay2", "fuse-overlayfs", "vfs", "btrfs", "zfs"].contains(&n.as_str()))
        .filter(|n| {
            host.read_dir_names(data_root.join(n))
                .is_ok_and(|e| e.iter().any(|x| x != "l"))
        })
        .collect();
    prior_drivers.sort();
    let off_path = ["dockerd", "runc", "iptables", "rootlesskit"]
        .into_iter()
        .filter(|name| look(name).is_none())
        .filter_map(|name| {
            host.look_path(name, USUAL_DIRS)
                .map(|p| (name.to_string(), p))
        })
        .collect();
    Setup {
        script,
        package,
        dockerd: look("dockerd"),
        rootlesskit,
        rootlesskit_version,
        runc: look("runc"),
        iptables,
        backend,
        modules,
        systemd,
        unit,
        daemon_json,
        context,
        rootful_socket: host.exists("/var/run/docker.sock") || host.exists("/run/docker.sock"),
        prior_drivers,
        off_path,
        daemon_path,
        path_source,
        env,
    }
}

/// The backend of the iptables at `path`, from where its links lead.
pub fn backend(host: &HostFs, path: &Path) -> Backend {
    let mut current = path.to_path_buf();
    for _ in 0..8 {
        let name = current.file_name().and_then(|n| n.to_str()).unwrap_or("");
        if name.contains("nft") {
            return Backend::Nft;
        }
        if name.contains("legacy") {
            return Backend::Legacy;
        }
        match host.read_link(&current) {
            Ok(target) => {
                current = if target.is_absolute() {
                    target
                } else {
                    current.parent().unwrap_or(Path::new("/")).join(target)
                }
            }
            Err(_) => break,
        }
    }
    Backend::Unknown
}

/// Whether the kernel has `name`, looked up without loading anything.
pub fn module(host: &HostFs, name: &str) -> Module {
    let loaded = |text: &str| {
        text.lines()
            .any(|l| l.split_whitespace().next() == Some(name))
    };
    let listed = |text: &str| {
        text.lines().any(|l| {
            let path = l.split(':').next().unwrap_or("");
            let file = path.rsplit('/').next().unwrap_or("");
            let stem = file.split(".ko").next().unwrap_or("");
            stem.replace('-', "_") == name
        })
    };
    let release = host
        .read_text("/proc/sys/kernel/osrelease")
        .map(|r| r.trim().to_string())
        .unwrap_or_default();
    let dir = format!("/lib/modules/{release}");
    let builtin = host
        .read_text_up_to(format!("{dir}/modules.builtin"), 4 << 20)
        .is_ok_and(|(t, _)| listed(&t));
    // A table shows in /proc/net once its module is in the kernel.
    let proc_net = match name {
        "ip_tables" => host.exists("/proc/net/ip_tables_names"),
        _ => false,
    };
    match host.read_text_up_to("/proc/modules", 4 << 20) {
        Ok((text, _)) if loaded(&text) => Module::Loaded,
        _ if builtin => Module::BuiltIn,
        Ok(_) if proc_net => Module::BuiltIn,
        Ok(_) => {
            let dep = host
                .read_text_up_to(format!("{dir}/modules.dep"), 16 << 20)
                .is_ok_and(|(t, _)| listed(&t));
            if dep {
                Module::Loadable
            } else {
                Module::Absent
            }
        }
        Err(_) if proc_net => Module::BuiltIn,
        Err(_) => Module::Unknown,
    }
}

/// The current CLI context when it is not `default`, with its endpoint:
/// `$DOCKER_CONTEXT`, else `currentContext` of `~/.docker/config.json`.
fn current_context(
    host: &HostFs,
    home: &Path,
    from_env: Option<&str>,
) -> Option<(String, Option<String>)> {
    let name = match from_env {
        Some(name) => name.to_string(),
        None => {
            let (text, _) = host
                .read_text_up_to(home.join(".docker/config.json"), 1 << 20)
                .ok()?;
            let value: serde_json::Value = serde_json::from_str(&text).ok()?;
            value.get("currentContext")?.as_str()?.to_string()
        }
    };
    if name.is_empty() || name == "default" {
        return None;
    }
    // The CLI keeps each context in a directory named by the SHA-256 of its
    // name; the name is also inside, which is what is matched here.
    let meta_dir = home.join(".docker/contexts/meta");
    let endpoint = host
        .read_dir_names(&meta_dir)
        .unwrap_or_default()
        .into_iter()
        .take(256)
        .filter_map(|d| {
            host.read_text_up_to(meta_dir.join(d).join("meta.json"), 1 << 20)
                .ok()
        })
        .filter_map(|(t, _)| serde_json::from_str::<serde_json::Value>(&t).ok())
        .find(|v| v.get("Name").and_then(|n| n.as_str()) == Some(name.as_str()))
        .and_then(|v| {
            v.pointer("/Endpoints/docker/Host")
                .and_then(|h| h.as_str())
                .map(str::to_string)
        });
    Some((name.chars().take(64).collect(), endpoint))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::alice;
    use std::fs;

    #[test]
    fn unit_and_daemon_json_are_read() {
        let unit = parse_unit(
            "/u".into(),
            "[Service]\nEnvironment=PATH=/usr/bin:/sbin:/usr/sbin:/bin\n\
             Environment=DOCKERD_ROOTLESS_ROOTLESSKIT_NET=vpnkit\n\
             ExecStart=/usr/bin/dockerd-rootless.sh --iptables=false\n",
        );
        assert_eq!(unit.path.as_deref(), Some("/usr/bin:/sbin:/usr/sbin:/bin"));
        assert_eq!(unit.net.as_deref(), Some("vpnkit"));
        assert_eq!(unit.flags, ["--iptables=false"]);
        let json = parse_daemon_json("/d".into(), r#"{"iptables": false}"#);
        assert_eq!(json.iptables, Some(false));
        assert!(parse_daemon_json("/d".into(), "[1]").problem.is_some());
        assert!(parse_daemon_json("/d".into(), "{").problem.is_some());
    }

    #[test]
    fn modules_are_looked_up_without_loading() {
        let dir = tempfile::tempdir().unwrap();
        let put = |path: &str, text: &str| {
            let real = dir.path().join(path.trim_start_matches('/'));
            fs::create_dir_all(real.parent().unwrap()).unwrap();
            fs::write(real, text).unwrap();
        };
        put("/proc/sys/kernel/osrelease", "6.1.0-13-amd64\n");
        put(
            "/proc/modules",
            "ip_tables 32768 1 iptable_filter, Live 0x0\n",
        );
        put(
            "/lib/modules/6.1.0-13-amd64/modules.builtin",
            "kernel/net/netfilter/x_tables.ko\n",
        );
        put(
            "/lib/modules/6.1.0-13-amd64/modules.dep",
            "kernel/net/ipv4/netfilter/iptable_nat.ko.xz: kernel/net/netfilter/nf_nat.ko.xz\n",
        );
        let host = HostFs::rooted(dir.path());
        assert_eq!(module(&host, "ip_tables"), Module::Loaded);
        assert_eq!(module(&host, "x_tables"), Module::BuiltIn);
        assert_eq!(module(&host, "iptable_nat"), Module::Loadable);
        assert_eq!(module(&host, "nf_tables"), Module::Absent);
        fs::remove_file(dir.path().join("proc/modules")).unwrap();
        assert_eq!(module(&host, "nf_tables"), Module::Unknown);
        put("/proc/net/ip_tables_names", "");
        assert_eq!(module(&host, "ip_tables"), Module::BuiltIn);
    }

    #[test]
    fn the_backend_follows_the_links() {
        let dir = tempfile::tempdir().unwrap();
        let sbin = dir.path().join("usr/sbin");
        let alt = dir.path().join("etc/alternatives");
        fs::create_dir_all(&sbin).unwrap();
        fs::create_dir_all(&alt).unwrap();
        std::os::unix::fs::symlink("/etc/alternatives/iptables", sbin.join("iptables")).unwrap();
        std::os::unix::fs::symlink("/usr/sbin/iptables-legacy", alt.join("iptables")).unwrap();
        let host = HostFs::rooted(dir.path());
        assert_eq!(
            backend(&host, Path::new("/usr/sbin/iptables")),
            Backend::Legacy
        );
        assert_eq!(
            backend(&host, Path::new("/usr/sbin/other")),
            Backend::Unknown
        );
    }

    #[test]
    fn debian_s_script_counts_as_installed() {
        let dir = tempfile::tempdir().unwrap();
        let script = dir
            .path()
            .join("usr/share/docker.io/contrib/dockerd-rootless.sh");
        fs::create_dir_all(script.parent().unwrap()).unwrap();
        fs::write(&script, "#!/bin/sh\n").unwrap();
        use std::os::unix::fs::PermissionsExt;
        fs::set_permissions(&script, fs::Permissions::from_mode(0o755)).unwrap();
        let host = HostFs::rooted(dir.path());
        assert_eq!(
            rootless_script(&host, &alice()),
            Some(PathBuf::from(
                "/usr/share/docker.io/contrib/dockerd-rootless.sh"
            ))
        );
    }

    #[test]
    fn a_fixture_host_is_gathered_as_the_script_would_see_it() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let put = |path: &str, text: &str, exec: bool| {
            let real = dir.path().join(path.trim_start_matches('/'));
            fs::create_dir_all(real.parent().unwrap()).unwrap();
            fs::write(&real, text).unwrap();
            if exec {
                fs::set_permissions(&real, fs::Permissions::from_mode(0o755)).unwrap();
            }
        };
        put(
            "/usr/share/docker.io/contrib/dockerd-rootless.sh",
            "#!/bin/sh\n",
            true,
        );
        for bin in [
            "/usr/sbin/dockerd",
            "/usr/sbin/runc",
            "/usr/bin/rootlesskit",
        ] {
            put(bin, "", true);
        }
        put("/usr/sbin/iptables-legacy", "", true);
        std::os::unix::fs::symlink("iptables-legacy", dir.path().join("usr/sbin/iptables"))
            .unwrap();
        put(
            "/var/lib/dpkg/info/rootlesskit.list",
            "/usr/bin/rootlesskit\n",
            false,
        );
        put(
            "/var/lib/dpkg/status",
            "Package: rootlesskit\nStatus: install ok installed\nVersion: 1.1.0-1+b4\n",
            false,
        );
        put(
            "/home/alice/.config/docker/daemon.json",
            r#"{"iptables": false, "storage-driver": "vfs"}"#,
            false,
        );
        put("/home/alice/.local/share/docker/vfs/dir/x", "", false);
        put(
            "/home/alice/.docker/config.json",
            r#"{"currentContext": "rootless"}"#,
            false,
        );
        put(
            "/home/alice/.docker/contexts/meta/0123/meta.json",
            r#"{"Name": "rootless", "Endpoints": {"docker": {"Host": "unix:///run/user/1000/docker.sock"}}}"#,
            false,
        );
        let host = HostFs::rooted(dir.path());
        let mut subject = alice();
        subject.path = "/usr/bin:/bin".into();
        let script = rootless_script(&host, &subject).unwrap();
        let home = PathBuf::from("/home/alice");
        let s = gather(
            &host,
            &subject,
            script,
            &home,
            None,
            Path::new("/home/alice/.local/share/docker"),
        );
        // /usr/sbin is not on an ordinary user's PATH.
        assert_eq!(s.dockerd, None);
        assert_eq!(s.runc, None);
        assert_eq!(s.off_path("dockerd"), Some(Path::new("/usr/sbin/dockerd")));
        assert_eq!(
            s.off_path("iptables"),
            Some(Path::new("/usr/sbin/iptables"))
        );
        assert_eq!(s.rootlesskit, Some(PathBuf::from("/usr/bin/rootlesskit")));
        assert_eq!(s.rootlesskit_version.as_deref(), Some("1.1.0-1+b4"));
        assert!(!s.iptables_enabled().0);
        assert_eq!(s.prior_drivers, ["vfs"]);
        assert_eq!(
            s.context,
            Some((
                "rootless".into(),
                Some("unix:///run/user/1000/docker.sock".into())
            ))
        );
        assert!(!s.systemd);
        // With /usr/sbin on the PATH, and a unit that systemd would use.
        subject.path = "/usr/sbin:/usr/bin:/bin".into();
        put("/run/systemd/system/.keep", "", false);
        put(
            "/home/alice/.config/systemd/user/docker.service",
            "[Service]\nEnvironment=PATH=/usr/bin:/bin\nExecStart=/usr/bin/dockerd-rootless.sh\n",
            false,
        );
        let s = gather(
            &host,
            &subject,
            "/usr/share/docker.io/contrib/dockerd-rootless.sh".into(),
            &home,
            None,
            Path::new("/home/alice/.local/share/docker"),
        );
        assert!(s.systemd);
        assert_eq!(s.daemon_path, "/usr/bin:/bin");
        assert_eq!(s.dockerd, None, "the unit's PATH wins where systemd runs");
        subject.path = "/usr/sbin:/usr/bin:/bin".into();
        fs::remove_file(
            dir.path()
                .join("home/alice/.config/systemd/user/docker.service"),
        )
        .unwrap();
        let s = gather(
            &host,
            &subject,
            "/usr/share/docker.io/contrib/dockerd-rootless.sh".into(),
            &home,
            None,
            Path::new("/home/alice/.local/share/docker"),
        );
        assert_eq!(s.dockerd, Some(PathBuf::from("/usr/sbin/dockerd")));
        assert_eq!(s.backend, Some(Backend::Legacy));
    }
}
