//! config.json, read as runc reads it, and the [`BundleInput`] a bundle run
//! hands its checks (through [`crate::check::Context::bundle`]).
//!
//! runc decodes the file with Go's `json.NewDecoder(f).Decode(&spec)`: it reads
//! ONE JSON value and ignores whatever follows it, ignores unknown fields, and
//! treats `null` like an absent field. [`load`] does the same with
//! serde_json's stream deserializer, into plain serde types that hold only the
//! fields the bundle checks judge (everything else is skipped unread, so an
//! unknown capability name or a future field never rejects a config that runc
//! accepts, which oci-spec's enums would). Go's case-insensitive key matching
//! and its tolerance of duplicate keys are not reproduced, except that a
//! duplicate key is re-read the Go way (last one wins). Invalid UTF-8 becomes
//! U+FFFD, as Go decodes it.
//!
//! The file is never opened unless it is a regular file (a FIFO would block),
//! and files above [`CONFIG_LIMIT`] are not read at all.

use serde::Deserialize;
use std::fs;
use std::io::Read;
use std::path::{Path, PathBuf};

/// A bundle, with config.json loaded once.
#[derive(Clone, Debug, PartialEq)]
pub struct BundleInput {
    /// The bundle directory as given (a real path, not under HostFs).
    pub dir: PathBuf,
    /// config.json, parsed, or why it could not be.
    pub config: Result<Loaded, ConfigError>,
    /// The runtime to predict for (`bundle --runtime NAME`); `None` for the
    /// one installed.
    pub runtime: Option<String>,
}

impl BundleInput {
    /// Reads `dir/config.json` as runc does (see [`load`]).
    pub fn load(dir: &Path) -> Self {
        BundleInput {
            dir: dir.to_path_buf(),
            config: load(dir),
            runtime: None,
        }
    }

    /// The same bundle, predicted for `runtime` (`None`: the one installed).
    pub fn for_runtime(mut self, runtime: Option<String>) -> Self {
        self.runtime = runtime;
        self
    }
}

/// The largest config.json the doctor reads. runc has no limit; real configs
/// are a few KiB, and a 64 MiB one still parses in well under a second.
pub const CONFIG_LIMIT: u64 = 64 * 1024 * 1024;

/// The parts of an OCI runtime spec the bundle checks judge.
#[derive(Clone, Debug, Default, Deserialize, PartialEq)]
#[serde(default)]
pub struct Spec {
    #[serde(rename = "ociVersion")]
    pub oci_version: Option<String>,
    pub root: Option<Root>,
    pub process: Option<Process>,
    pub mounts: Option<Vec<Mount>>,
    pub linux: Option<Linux>,
    /// `hostname` (needs a UTS namespace).
    pub hostname: Option<String>,
    /// `domainname` (runtime-spec 1.1; runc 1.1 does not know the field).
    pub domainname: Option<String>,
}

/// `root`: the rootfs.
#[derive(Clone, Debug, Default, Deserialize, PartialEq)]
#[serde(default)]
pub struct Root {
    pub path: Option<String>,
    pub readonly: Option<bool>,
}

/// `process`: what runs in the container.
#[derive(Clone, Debug, Default, Deserialize, PartialEq)]
#[serde(default)]
pub struct Process {
    pub terminal: Option<bool>,
    pub user: Option<User>,
    pub args: Option<Vec<String>>,
    pub env: Option<Vec<String>>,
    pub cwd: Option<String>,
    pub capabilities: Option<Capabilities>,
    /// `process.rlimits`: set on the container process before it execs.
    pub rlimits: Option<Vec<Rlimit>>,
    /// `process.oomScoreAdj` (Go `*int`).
    #[serde(rename = "oomScoreAdj")]
    pub oom_score_adj: Option<i64>,
    /// `process.apparmorProfile`.
    #[serde(rename = "apparmorProfile")]
    pub apparmor_profile: Option<String>,
    /// `process.selinuxLabel`.
    #[serde(rename = "selinuxLabel")]
    pub selinux_label: Option<String>,
    /// `process.consoleSize` (Go `*Box` of two `uint`s).
    #[serde(rename = "consoleSize")]
    pub console_size: Option<ConsoleSize>,
    /// `process.scheduler`, kept as raw JSON: runc 1.1's spec types do not
    /// have it, so no value of it is a decode error there.
    pub scheduler: Option<serde_json::Value>,
    /// `process.ioPriority`, raw JSON for the same reason.
    #[serde(rename = "ioPriority")]
    pub io_priority: Option<serde_json::Value>,
}

/// One entry of `process.rlimits` (Go: `{Type string; Hard, Soft uint64}`).
#[derive(Clone, Debug, Default, Deserialize, PartialEq, Eq)]
#[serde(default)]
pub struct Rlimit {
    #[serde(rename = "type")]
    pub kind: Option<String>,
    pub hard: Option<u64>,
    pub soft: Option<u64>,
}

/// `process.consoleSize`.
#[derive(Clone, Copy, Debug, Default, Deserialize, PartialEq, Eq)]
#[serde(default)]
pub struct ConsoleSize {
    pub height: Option<u64>,
    pub width: Option<u64>,
}

impl Process {
    /// The PATH of `process.env`, the last `PATH=` entry winning (as runc
    /// applies them in order); `None` when there is none.
    pub fn path_var(&self) -> Option<&str> {
        self.env
            .iter()
            .flatten()
            .filter_map(|entry| entry.strip_prefix("PATH="))
            .next_back()
    }
}

/// `process.user`: container ids.
#[derive(Clone, Debug, Default, Deserialize, PartialEq)]
#[serde(default)]
pub struct User {
    pub uid: Option<u32>,
    pub gid: Option<u32>,
    #[serde(rename = "additionalGids")]
    pub additional_gids: Option<Vec<u32>>,
}

/// `process.capabilities`: only the effective set matters here.
#[derive(Clone, Debug, Default, Deserialize, PartialEq)]
#[serde(default)]
pub struct Capabilities {
    pub effective: Option<Vec<String>>,
}

/// One entry of `mounts`.
#[derive(Clone, Debug, Default, Deserialize, PartialEq)]
#[serde(default)]
pub struct Mount {
    pub destination: Option<String>,
    pub source: Option<String>,
    #[serde(rename = "type")]
    pub kind: Option<String>,
    pub options: Option<Vec<String>>,
    #[serde(rename = "uidMappings")]
    pub uid_mappings: Option<Vec<IdMapping>>,
    #[serde(rename = "gidMappings")]
    pub gid_mappings: Option<Vec<IdMapping>>,
}

/// `linux`: namespaces and id mappings.
#[derive(Clone, Debug, Default, Deserialize, PartialEq)]
#[serde(default)]
pub struct Linux {
    pub namespaces: Option<Vec<Namespace>>,
    #[serde(rename = "uidMappings")]
    pub uid_mappings: Option<Vec<IdMapping>>,
    #[serde(rename = "gidMappings")]
    pub gid_mappings: Option<Vec<IdMapping>>,
    /// `linux.sysctl`, key -> value.
    pub sysctl: Option<std::collections::BTreeMap<String, String>>,
    pub resources: Option<Resources>,
    pub seccomp: Option<Seccomp>,
    pub devices: Option<Vec<Device>>,
    #[serde(rename = "maskedPaths")]
    pub masked_paths: Option<Vec<String>>,
    #[serde(rename = "readonlyPaths")]
    pub readonly_paths: Option<Vec<String>>,
}

/// `linux.resources`: the limits that need a cgroup, with Go's types (a
/// wrong JSON type is a decode error, as in runc). Lists whose entries are
/// not judged are read as [`serde::de::IgnoredAny`] (their count matters).
#[derive(Clone, Debug, Default, Deserialize, PartialEq)]
#[serde(default)]
pub struct Resources {
    pub memory: Option<MemoryResources>,
    pub cpu: Option<CpuResources>,
    pub pids: Option<PidsResources>,
    #[serde(rename = "blockIO")]
    pub block_io: Option<BlockIoResources>,
    #[serde(rename = "hugepageLimits")]
    pub hugepage_limits: Option<Vec<HugepageLimit>>,
    pub network: Option<NetworkResources>,
    pub rdma: Option<std::collections::BTreeMap<String, serde::de::IgnoredAny>>,
    pub unified: Option<std::collections::BTreeMap<String, String>>,
}

/// `linux.resources.memory` (Go: `*int64`, `*uint64`, `*bool`).
#[derive(Clone, Debug, Default, Deserialize, PartialEq)]
#[serde(default)]
pub struct MemoryResources {
    pub limit: Option<i64>,
    pub reservation: Option<i64>,
    pub swap: Option<i64>,
    pub kernel: Option<i64>,
    #[serde(rename = "kernelTCP")]
    pub kernel_tcp: Option<i64>,
    pub swappiness: Option<u64>,
    #[serde(rename = "disableOOMKiller")]
    pub disable_oom_killer: Option<bool>,
}

/// `linux.resources.cpu`.
#[derive(Clone, Debug, Default, Deserialize, PartialEq)]
#[serde(default)]
pub struct CpuResources {
    pub shares: Option<u64>,
    pub quota: Option<i64>,
    pub period: Option<u64>,
    #[serde(rename = "realtimeRuntime")]
    pub realtime_runtime: Option<i64>,
    #[serde(rename = "realtimePeriod")]
    pub realtime_period: Option<u64>,
    pub cpus: Option<String>,
    pub mems: Option<String>,
}

/// `linux.resources.pids`.
#[derive(Clone, Debug, Default, Deserialize, PartialEq)]
#[serde(default)]
pub struct PidsResources {
    pub limit: Option<i64>,
}

/// `linux.resources.blockIO`.
#[derive(Clone, Debug, Default, Deserialize, PartialEq)]
#[serde(default)]
pub struct BlockIoResources {
    pub weight: Option<u16>,
    #[serde(rename = "leafWeight")]
    pub leaf_weight: Option<u16>,
    #[serde(rename = "weightDevice")]
    pub weight_device: Option<Vec<serde::de::IgnoredAny>>,
    #[serde(rename = "throttleReadBpsDevice")]
    pub throttle_read_bps: Option<Vec<serde::de::IgnoredAny>>,
    #[serde(rename = "throttleWriteBpsDevice")]
    pub throttle_write_bps: Option<Vec<serde::de::IgnoredAny>>,
    #[serde(rename = "throttleReadIOPSDevice")]
    pub throttle_read_iops: Option<Vec<serde::de::IgnoredAny>>,
    #[serde(rename = "throttleWriteIOPSDevice")]
    pub throttle_write_iops: Option<Vec<serde::de::IgnoredAny>>,
}

/// One `linux.resources.hugepageLimits` entry.
#[derive(Clone, Debug, Default, Deserialize, PartialEq)]
#[serde(default)]
pub struct HugepageLimit {
    #[serde(rename = "pageSize")]
    pub page_size: Option<String>,
    pub limit: Option<u64>,
}

/// `linux.resources.network`.
#[derive(Clone, Debug, Default, Deserialize, PartialEq)]
#[serde(default)]
pub struct NetworkResources {
    #[serde(rename = "classID")]
    pub class_id: Option<u32>,
    pub priorities: Option<Vec<serde::de::IgnoredAny>>,
}

/// `linux.seccomp`.
#[derive(Clone, Debug, Default, Deserialize, PartialEq)]
#[serde(default)]
pub struct Seccomp {
    #[serde(rename = "defaultAction")]
    pub default_action: Option<String>,
    pub architectures: Option<Vec<String>>,
    pub flags: Option<Vec<String>>,
    pub syscalls: Option<Vec<SeccompSyscall>>,
}

/// One `linux.seccomp.syscalls` entry.
#[derive(Clone, Debug, Default, Deserialize, PartialEq)]
#[serde(default)]
pub struct SeccompSyscall {
    pub names: Option<Vec<String>>,
    pub action: Option<String>,
    pub args: Option<Vec<SeccompArg>>,
}

/// One seccomp argument condition (Go: `uint`, `uint64`, `uint64`, string).
#[derive(Clone, Debug, Default, Deserialize, PartialEq)]
#[serde(default)]
pub struct SeccompArg {
    pub index: Option<u64>,
    pub value: Option<u64>,
    #[serde(rename = "valueTwo")]
    pub value_two: Option<u64>,
    pub op: Option<String>,
}

/// One `linux.devices` entry (Go: `int64` major/minor, `*uint32` mode and ids).
#[derive(Clone, Debug, Default, Deserialize, PartialEq)]
#[serde(default)]
pub struct Device {
    pub path: Option<String>,
    #[serde(rename = "type")]
    pub kind: Option<String>,
    pub major: Option<i64>,
    pub minor: Option<i64>,
    #[serde(rename = "fileMode")]
    pub file_mode: Option<u32>,
    pub uid: Option<u32>,
    pub gid: Option<u32>,
}

/// One entry of `linux.namespaces`.
#[derive(Clone, Debug, Default, Deserialize, PartialEq)]
#[serde(default)]
pub struct Namespace {
    #[serde(rename = "type")]
    pub kind: Option<String>,
    pub path: Option<String>,
}

/// One id mapping, `{containerID, hostID, size}`.
#[derive(Clone, Copy, Debug, Default, Deserialize, PartialEq, Eq)]
#[serde(default)]
pub struct IdMapping {
    #[serde(rename = "containerID")]
    pub container_id: u32,
    #[serde(rename = "hostID")]
    pub host_id: u32,
    pub size: u32,
}

impl Spec {
    /// The namespace entry of this type, if listed.
    pub fn namespace(&self, kind: &str) -> Option<&Namespace> {
        self.linux
            .as_ref()?
            .namespaces
            .iter()
            .flatten()
            .find(|ns| ns.kind.as_deref() == Some(kind))
    }

    /// True when a NEW namespace of this type is created (listed, no path).
    pub fn creates_namespace(&self, kind: &str) -> bool {
        self.namespace(kind)
            .is_some_and(|ns| ns.path.as_deref().unwrap_or("").is_empty())
    }

    /// `linux.uidMappings` (empty when absent).
    pub fn uid_mappings(&self) -> &[IdMapping] {
        self.linux
            .as_ref()
            .and_then(|l| l.uid_mappings.as_deref())
            .unwrap_or(&[])
    }

    /// `linux.gidMappings` (empty when absent).
    pub fn gid_mappings(&self) -> &[IdMapping] {
        self.linux
            .as_ref()
            .and_then(|l| l.gid_mappings.as_deref())
            .unwrap_or(&[])
    }
}

/// Why config.json could not be used.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ConfigError {
    /// No config.json in the bundle.
    Missing,
    /// It exists but is not a regular file (`kind`: "a directory", "a fifo", ...).
    NotAFile { kind: &'static str },
    /// Larger than [`CONFIG_LIMIT`]; not read.
    TooLarge { size: u64 },
    /// Could not be opened or read.
    Unreadable { reason: String },
    /// Empty, or nothing but whitespace (Go: `EOF`).
    Empty,
    /// Not JSON, or cut short; 1-based line and column.
    Syntax {
        line: usize,
        column: usize,
        message: String,
        /// The offending line, at most 200 characters of it.
        excerpt: String,
    },
    /// JSON, but a field has the wrong type; 1-based line and column (0
    /// when unknown).
    Type {
        line: usize,
        column: usize,
        message: String,
        excerpt: String,
    },
}

/// config.json, read and parsed.
#[derive(Clone, Debug, PartialEq)]
pub struct Loaded {
    /// Where it was read.
    pub path: PathBuf,
    /// Its size in bytes.
    pub size: u64,
    /// True when bytes follow the first JSON value (runc ignores them).
    pub trailing: bool,
    pub spec: Spec,
}

/// Reads `dir/config.json` as runc does.
pub fn load(dir: &Path) -> Result<Loaded, ConfigError> {
    let path = dir.join("config.json");
    let meta = match fs::metadata(&path) {
        Ok(meta) => meta,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Err(ConfigError::Missing),
        Err(e) => {
            return Err(ConfigError::Unreadable {
                reason: e.to_string(),
            })
        }
    };
    if !meta.is_file() {
        return Err(ConfigError::NotAFile {
            kind: file_kind(&meta),
        });
    }
    if meta.len() > CONFIG_LIMIT {
        return Err(ConfigError::TooLarge { size: meta.len() });
    }
    let mut bytes = Vec::new();
    fs::File::open(&path)
        .and_then(|f| f.take(CONFIG_LIMIT + 1).read_to_end(&mut bytes))
        .map_err(|e| ConfigError::Unreadable {
            reason: e.to_string(),
        })?;
    if bytes.len() as u64 > CONFIG_LIMIT {
        return Err(ConfigError::TooLarge {
            size: bytes.len() as u64,
        });
    }
    let (spec, trailing) = parse(&bytes)?;
    Ok(Loaded {
        path,
        size: bytes.len() as u64,
        trailing,
        spec,
    })
}

/// Parses the first JSON value of `bytes` as a spec; returns it and whether
/// anything but whitespace follows it.
pub fn parse(bytes: &[u8]) -> Result<(Spec, bool), ConfigError> {
    // Go's decoder replaces invalid UTF-8 in strings with U+FFFD instead of
    // failing (found by fuzzing: serde_json refused such a config runc runs).
    let text = String::from_utf8_lossy(bytes);
    let bytes = text.as_bytes();
    let mut stream = serde_json::Deserializer::from_slice(bytes).into_iter::<Option<Spec>>();
    match stream.next() {
        None => Err(ConfigError::Empty),
        // serde's derive also reads a struct from an array; Go refuses it
        // (found by fuzzing: `[]` passed as an empty spec).
        Some(Ok(_)) if bytes.iter().find(|b| !b.is_ascii_whitespace()) == Some(&b'[') => {
            Err(ConfigError::Type {
                line: 0,
                column: 0,
                message: "json: cannot unmarshal array into Go value of type specs.Spec".into(),
                excerpt: String::new(),
            })
        }
        Some(Ok(spec)) => {
            let offset = stream.byte_offset();
            let trailing = bytes[offset..].iter().any(|b| !b.is_ascii_whitespace());
            Ok((spec.unwrap_or_default(), trailing))
        }
        Some(Err(e)) if e.is_data() && e.to_string().starts_with("duplicate field") => {
            reparse_with_duplicates(bytes)
        }
        Some(Err(e)) if e.is_data() => {
            // Go scans the whole value for syntax before it unmarshals, so a
            // syntax error anywhere beats an earlier type error (found by
            // fuzzing).
            let syntax = serde_json::Deserializer::from_slice(bytes)
                .into_iter::<serde::de::IgnoredAny>()
                .next();
            match syntax {
                Some(Err(syntax)) => Err(classify(&syntax, bytes)),
                _ => Err(classify(&e, bytes)),
            }
        }
        Some(Err(e)) => Err(classify(&e, bytes)),
    }
}

/// Go keeps the last of duplicate keys; serde's derive rejects them. Read the
/// value generically (serde_json's map keeps the last) and convert.
fn reparse_with_duplicates(bytes: &[u8]) -> Result<(Spec, bool), ConfigError> {
    let mut stream = serde_json::Deserializer::from_slice(bytes).into_iter::<serde_json::Value>();
    let value = match stream.next() {
        None => return Err(ConfigError::Empty),
        Some(Err(e)) => return Err(classify(&e, bytes)),
        Some(Ok(value)) => value,
    };
    let offset = stream.byte_offset();
    let trailing = bytes[offset..].iter().any(|b| !b.is_ascii_whitespace());
    let spec: Option<Spec> = serde_json::from_value(value).map_err(|e| ConfigError::Type {
        line: 0,
        column: 0,
        message: e.to_string(),
        excerpt: String::new(),
    })?;
    Ok((spec.unwrap_or_default(), trailing))
}

/// Line `line` (1-based) of `bytes`, cut to 200 characters.
fn line_of(bytes: &[u8], line: usize) -> String {
    let text = bytes
        .split(|&b| b == b'\n')
        .nth(line.saturating_sub(1))
        .unwrap_or(&[]);
    let text = String::from_utf8_lossy(&text[..text.len().min(800)]);
    text.chars().take(200).collect()
}

fn classify(e: &serde_json::Error, bytes: &[u8]) -> ConfigError {
    // serde_json appends " at line L column C"; the fields carry them.
    let text = e.to_string();
    let message = match text.rfind(" at line ") {
        Some(cut) => text[..cut].to_string(),
        None => text,
    };
    if e.is_data() {
        ConfigError::Type {
            line: e.line(),
            column: e.column(),
            message,
            excerpt: line_of(bytes, e.line()),
        }
    } else {
        ConfigError::Syntax {
            line: e.line(),
            column: e.column(),
            message,
            excerpt: line_of(bytes, e.line()),
        }
    }
}

/// "a directory", "a fifo", ... for messages.
pub fn file_kind(meta: &fs::Metadata) -> &'static str {
    use std::os::unix::fs::FileTypeExt;
    let t = meta.file_type();
    if t.is_dir() {
        "a directory"
    } else if t.is_fifo() {
        "a fifo"
    } else if t.is_socket() {
        "a socket"
    } else if t.is_block_device() || t.is_char_device() {
        "a device"
    } else if t.is_symlink() {
        "a symlink"
    } else if t.is_file() {
        "a regular file"
    } else {
        "not a regular file"
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_array_is_not_a_spec() {
        assert!(matches!(parse(b" [] "), Err(ConfigError::Type { .. })));
    }

    #[test]
    fn invalid_utf8_is_replaced_like_go() {
        let (spec, _) = parse(b"{\"process\":{\"args\":[\"sh\xff\"]},\"x\":\"\x8e\"}").unwrap();
        let args = spec.process.unwrap().args.unwrap();
        assert_eq!(args, ["sh\u{fffd}"]);
    }

    #[test]
    fn trailing_garbage_is_ignored_like_go() {
        let (spec, trailing) = parse(br#"{"ociVersion":"1.0.2"} }}garbage"#).unwrap();
        assert_eq!(spec.oci_version.as_deref(), Some("1.0.2"));
        assert!(trailing);
    }

    #[test]
    fn unknown_fields_and_nulls_are_accepted() {
        let text = br#"{"process":{"args":["sh"],"capabilities":{"bounding":["CAP_NOT_REAL"],"effective":null}},"future":{"x":1},"linux":null}"#;
        let (spec, trailing) = parse(text).unwrap();
        assert!(!trailing);
        assert_eq!(spec.process.unwrap().args.unwrap(), vec!["sh".to_string()]);
        assert!(spec.linux.is_none());
    }

    #[test]
    fn syntax_errors_carry_line_and_column() {
        let err = parse(b"{\n  \"ociVersion\": \"1.0.2\",\n  \"process\": {\n}\n").unwrap_err();
        match err {
            ConfigError::Syntax { line, column, .. } => assert_eq!((line, column), (5, 0)),
            other => panic!("{other:?}"),
        }
        let err = parse(b"{\n  \"root\": {\"path\": \"rootfs\",}\n}").unwrap_err();
        match err {
            ConfigError::Syntax {
                line,
                column,
                message,
                excerpt,
            } => {
                assert!(excerpt.contains("rootfs"), "{excerpt}");
                assert_eq!(line, 2);
                assert!(column > 20, "{column}");
                assert!(!message.contains("at line"), "{message}");
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn wrong_types_are_type_errors() {
        let err = parse(b"{\"process\": {\"user\": {\"uid\": \"root\"}}}").unwrap_err();
        assert!(
            matches!(&err, ConfigError::Type { line: 1, message, .. } if message.contains("invalid type")),
            "{err:?}"
        );
        let err = parse(b"{\"process\": {\"user\": {\"uid\": -1}}}").unwrap_err();
        assert!(matches!(err, ConfigError::Type { .. }));
    }

    #[test]
    fn empty_and_null_follow_go() {
        assert_eq!(parse(b"  \n").unwrap_err(), ConfigError::Empty);
        assert_eq!(parse(b"null").unwrap().0, Spec::default());
    }

    #[test]
    fn duplicate_keys_keep_the_last_like_go() {
        let (spec, _) = parse(br#"{"ociVersion":"a","ociVersion":"b"}"#).unwrap();
        assert_eq!(spec.oci_version.as_deref(), Some("b"));
    }

    #[test]
    fn path_of_process_env_last_wins() {
        let process = Process {
            env: Some(vec![
                "PATH=/a".into(),
                "TERM=xterm".into(),
                "PATH=/b:/c".into(),
            ]),
            ..Process::default()
        };
        assert_eq!(process.path_var(), Some("/b:/c"));
        assert_eq!(Process::default().path_var(), None);
    }
}
