//! File capabilities: the `security.capability` extended attribute, read
//! through [`HostFs`] ([`read`]) and decoded ([`decode`]). A host fact below
//! the families: `idmap.newuidmap`/`idmap.newgidmap` judge the helpers' caps,
//! `runtime.oci-runtime` bwrap's.
//!
//! The value is a `struct vfs_cap_data` (linux/capability.h), little endian:
//! a `magic_etc` word whose high byte is the revision and whose bit 0 is the
//! effective flag, then one (revision 1) or two (revisions 2 and 3)
//! `{permitted, inheritable}` word pairs, low word first; revision 3 ends with
//! the `rootid` of the user namespace the capability belongs to. Like the
//! kernel, [`decode`] accepts only the exact size of each revision. It is a
//! pure function over bytes and never panics: garbage is an error value.

use crate::host::HostFs;
use std::fmt;
use std::io;
use std::path::Path;

/// `VFS_CAP_REVISION_MASK`: the revision lives in the high byte of `magic_etc`.
const REVISION_MASK: u32 = 0xFF00_0000;
/// `VFS_CAP_REVISION_1`: 32-bit sets.
const REVISION_1: u32 = 0x0100_0000;
/// `VFS_CAP_REVISION_2`: 64-bit sets.
const REVISION_2: u32 = 0x0200_0000;
/// `VFS_CAP_REVISION_3`: 64-bit sets and a namespace root uid.
const REVISION_3: u32 = 0x0300_0000;
/// `VFS_CAP_FLAGS_EFFECTIVE`: permitted capabilities are raised as effective at exec.
const FLAGS_EFFECTIVE: u32 = 0x0000_0001;

/// `CAP_SETGID`: bit 6.
pub const CAP_SETGID: u32 = 6;
/// `CAP_SETUID`: bit 7.
pub const CAP_SETUID: u32 = 7;

/// Capability names by number, as libcap spells them.
const NAMES: [&str; 41] = [
    "cap_chown",
    "cap_dac_override",
    "cap_dac_read_search",
    "cap_fowner",
    "cap_fsetid",
    "cap_kill",
    "cap_setgid",
    "cap_setuid",
    "cap_setpcap",
    "cap_linux_immutable",
    "cap_net_bind_service",
    "cap_net_broadcast",
    "cap_net_admin",
    "cap_net_raw",
    "cap_ipc_lock",
    "cap_ipc_owner",
    "cap_sys_module",
    "cap_sys_rawio",
    "cap_sys_chroot",
    "cap_sys_ptrace",
    "cap_sys_pacct",
    "cap_sys_admin",
    "cap_sys_boot",
    "cap_sys_nice",
    "cap_sys_resource",
    "cap_sys_time",
    "cap_sys_tty_config",
    "cap_mknod",
    "cap_lease",
    "cap_audit_write",
    "cap_audit_control",
    "cap_setfcap",
    "cap_mac_override",
    "cap_mac_admin",
    "cap_syslog",
    "cap_wake_alarm",
    "cap_block_suspend",
    "cap_audit_read",
    "cap_perfmon",
    "cap_bpf",
    "cap_checkpoint_restore",
];

/// The name of capability `bit` (`cap_setuid`), or `cap_N` past the known ones.
pub fn cap_name(bit: u32) -> String {
    usize::try_from(bit)
        .ok()
        .and_then(|i| NAMES.get(i))
        .map(|name| name.to_string())
        .unwrap_or_else(|| format!("cap_{bit}"))
}

/// A decoded `security.capability` value.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FileCaps {
    /// 1, 2 or 3.
    pub revision: u8,
    /// The permitted set, one bit per capability.
    pub permitted: u64,
    /// The inheritable set.
    pub inheritable: u64,
    /// Whether permitted capabilities become effective at exec.
    pub effective: bool,
    /// Revision 3 only: the uid (as seen by the reader) of the root of the
    /// user namespace the capability is for.
    pub rootid: Option<u32>,
}

impl FileCaps {
    /// True when capability `bit` is in the permitted set.
    pub fn permits(&self, bit: u32) -> bool {
        bit < 64 && self.permitted & (1u64 << bit) != 0
    }

    /// True when a process started from this file in the initial user
    /// namespace holds capability `bit` as effective: permitted, the
    /// effective flag set, and no namespace root other than uid 0.
    pub fn grants_on_host(&self, bit: u32) -> bool {
        self.permits(bit) && self.effective && self.rootid.unwrap_or(0) == 0
    }
}

impl fmt::Display for FileCaps {
    /// libcap's text form, e.g. `cap_setuid+ep`, `cap_setgid+p`,
    /// `cap_setuid+eip [rootid=100000]`; `empty` when no set has a bit.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let both = self.permitted & self.inheritable;
        let groups = [
            (both, if self.effective { "eip" } else { "ip" }),
            (
                self.permitted & !both,
                if self.effective { "ep" } else { "p" },
            ),
            (self.inheritable & !both, "i"),
        ];
        let mut parts = Vec::new();
        for (mask, flags) in groups {
            if mask != 0 {
                let names: Vec<String> = (0..64)
                    .filter(|bit| mask & (1u64 << bit) != 0)
                    .map(cap_name)
                    .collect();
                parts.push(format!("{}+{flags}", names.join(",")));
            }
        }
        if parts.is_empty() {
            f.write_str("empty")?;
        } else {
            f.write_str(&parts.join(" "))?;
        }
        if let Some(rootid) = self.rootid {
            write!(f, " [rootid={rootid}]")?;
        }
        Ok(())
    }
}

/// The file capability attribute of one file, as far as it could be read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum CapsState {
    /// No `security.capability` (or a filesystem without extended attributes).
    None,
    Decoded(FileCaps),
    /// Present but not a valid `vfs_cap_data`; the kernel ignores it.
    Invalid(CapsError),
    /// Reading the attribute failed.
    Unreadable(String),
}

/// Reads and decodes the `security.capability` of `path` (symlinks followed).
pub fn read(host: &HostFs, path: &Path) -> CapsState {
    match host.xattr(path, "security.capability") {
        Ok(None) => CapsState::None,
        Ok(Some(bytes)) => match decode(&bytes) {
            Ok(caps) => CapsState::Decoded(caps),
            Err(e) => CapsState::Invalid(e),
        },
        Err(e) if e.kind() == io::ErrorKind::Unsupported => CapsState::None,
        Err(e) => CapsState::Unreadable(e.to_string()),
    }
}

/// What of this process's `/proc/self/status` decides the capabilities a
/// program it executes starts with; each `None` when the field is missing.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ProcessCaps {
    /// `NoNewPrivs` (Linux 4.10+): set, exec grants no file capabilities.
    pub no_new_privs: Option<bool>,
    /// `CapInh`: kept at exec where the file's inheritable set allows.
    pub inheritable: Option<u64>,
    /// `CapAmb` (Linux 4.3+): kept at exec of a program without file caps.
    pub ambient: Option<u64>,
}

impl ProcessCaps {
    /// Reads `/proc/self/status` through `host`.
    pub fn read(host: &HostFs) -> Self {
        host.read_text("/proc/self/status")
            .map(|text| Self::parse(&text))
            .unwrap_or_default()
    }

    /// Parses the text of a `/proc/PID/status`.
    pub fn parse(status: &str) -> Self {
        let field = |name: &str| {
            status.lines().find_map(|line| {
                let (key, value) = line.split_once(':')?;
                (key == name).then(|| value.trim().to_string())
            })
        };
        let mask = |name: &str| field(name).and_then(|v| u64::from_str_radix(&v, 16).ok());
        ProcessCaps {
            no_new_privs: field("NoNewPrivs").and_then(|v| match v.as_str() {
                "0" => Some(false),
                "1" => Some(true),
                _ => None,
            }),
            inheritable: mask("CapInh"),
            ambient: mask("CapAmb"),
        }
    }
}

/// The names of the capabilities in `mask`, comma-joined (`cap_net_admin`).
pub fn names(mask: u64) -> String {
    (0..64)
        .filter(|bit| mask & (1u64 << bit) != 0)
        .map(cap_name)
        .collect::<Vec<_>>()
        .join(",")
}

/// Why a `security.capability` value could not be decoded.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum CapsError {
    /// Fewer than the four bytes of `magic_etc`.
    #[error("file capability value is {len} bytes, too short for a header")]
    TooShort { len: usize },
    /// A revision byte the kernel does not know.
    #[error("file capability revision {revision:#010x} is unknown")]
    UnknownRevision { revision: u32 },
    /// The size does not match the revision.
    #[error("file capability revision {revision} needs {expected} bytes, found {len}")]
    WrongLength {
        revision: u8,
        expected: usize,
        len: usize,
    },
}

fn word(bytes: &[u8], index: usize) -> u32 {
    let start = index * 4;
    bytes
        .get(start..start + 4)
        .and_then(|slice| <[u8; 4]>::try_from(slice).ok())
        .map(u32::from_le_bytes)
        .unwrap_or(0)
}

/// Decodes a `security.capability` value.
pub fn decode(bytes: &[u8]) -> Result<FileCaps, CapsError> {
    if bytes.len() < 4 {
        return Err(CapsError::TooShort { len: bytes.len() });
    }
    let magic = word(bytes, 0);
    let (revision, expected) = match magic & REVISION_MASK {
        REVISION_1 => (1u8, 12usize),
        REVISION_2 => (2, 20),
        REVISION_3 => (3, 24),
        other => return Err(CapsError::UnknownRevision { revision: other }),
    };
    if bytes.len() != expected {
        return Err(CapsError::WrongLength {
            revision,
            expected,
            len: bytes.len(),
        });
    }
    let (permitted, inheritable) = if revision == 1 {
        (u64::from(word(bytes, 1)), u64::from(word(bytes, 2)))
    } else {
        (
            u64::from(word(bytes, 1)) | u64::from(word(bytes, 3)) << 32,
            u64::from(word(bytes, 2)) | u64::from(word(bytes, 4)) << 32,
        )
    };
    Ok(FileCaps {
        revision,
        permitted,
        inheritable,
        effective: magic & FLAGS_EFFECTIVE != 0,
        rootid: (revision == 3).then(|| word(bytes, 5)),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hex(text: &str) -> Vec<u8> {
        (0..text.len())
            .step_by(2)
            .map(|i| u8::from_str_radix(&text[i..i + 2], 16).unwrap())
            .collect()
    }

    // Values written by `setcap` and read back with `getfattr -e hex` on
    // Debian 12 (libcap2-bin 2.66, kernel 6.x).
    const SETUID_EP: &str = "0100000280000000000000000000000000000000";
    const SETGID_EP: &str = "0100000240000000000000000000000000000000";
    const BOTH_P: &str = "00000002c0000000000000000000000000000000";
    const SETUID_EIP: &str = "0100000280000000800000000000000000000000";
    // `setcap cap_setuid+ep` run as root of a user namespace whose root is
    // host uid 100000 (getcap: `cap_setuid=ep [rootid=100000]`).
    const SETUID_EP_ROOTID: &str = "0100000380000000000000000000000000000000a0860100";

    #[test]
    fn process_status_fields() {
        let caps = ProcessCaps::parse(
            "Name:\tbash\nCapInh:\t0000000000000000\nCapAmb:\t0000000000001000\n\
             NoNewPrivs:\t1\n",
        );
        assert_eq!(caps.no_new_privs, Some(true));
        assert_eq!(caps.inheritable, Some(0));
        assert_eq!(caps.ambient, Some(1 << 12));
        assert_eq!(names(1 << 12 | 1 << 21), "cap_net_admin,cap_sys_admin");
        assert_eq!(
            ProcessCaps::parse("NoNewPrivs:\tx\n"),
            ProcessCaps::default()
        );
    }

    #[test]
    fn decodes_setcap_output() {
        let caps = decode(&hex(SETUID_EP)).unwrap();
        assert_eq!(caps.revision, 2);
        assert_eq!(caps.permitted, 1 << CAP_SETUID);
        assert_eq!(caps.inheritable, 0);
        assert!(caps.effective);
        assert_eq!(caps.rootid, None);
        assert!(caps.grants_on_host(CAP_SETUID));
        assert!(!caps.grants_on_host(CAP_SETGID));
        assert_eq!(caps.to_string(), "cap_setuid+ep");

        let caps = decode(&hex(SETGID_EP)).unwrap();
        assert!(caps.grants_on_host(CAP_SETGID));
        assert!(!caps.permits(CAP_SETUID));
        assert_eq!(caps.to_string(), "cap_setgid+ep");

        let caps = decode(&hex(BOTH_P)).unwrap();
        assert!(!caps.effective);
        assert!(caps.permits(CAP_SETUID) && caps.permits(CAP_SETGID));
        assert!(!caps.grants_on_host(CAP_SETUID));
        assert_eq!(caps.to_string(), "cap_setgid,cap_setuid+p");

        let caps = decode(&hex(SETUID_EIP)).unwrap();
        assert_eq!(caps.inheritable, 1 << CAP_SETUID);
        assert_eq!(caps.to_string(), "cap_setuid+eip");
    }

    #[test]
    fn revision_3_carries_the_namespace_root() {
        let caps = decode(&hex(SETUID_EP_ROOTID)).unwrap();
        assert_eq!(caps.revision, 3);
        assert_eq!(caps.rootid, Some(100_000));
        assert!(caps.permits(CAP_SETUID) && caps.effective);
        assert!(!caps.grants_on_host(CAP_SETUID));
        assert_eq!(caps.to_string(), "cap_setuid+ep [rootid=100000]");
        let mut rooted_at_zero = hex(SETUID_EP_ROOTID);
        rooted_at_zero[20..].fill(0);
        assert!(decode(&rooted_at_zero).unwrap().grants_on_host(CAP_SETUID));
    }

    #[test]
    fn revision_1_has_32_bit_sets_and_high_words_count_in_revision_2() {
        let caps = decode(&hex("010000018000000040000000")).unwrap();
        assert_eq!(caps.revision, 1);
        assert_eq!(caps.permitted, 1 << CAP_SETUID);
        assert_eq!(caps.inheritable, 1 << CAP_SETGID);
        let caps = decode(&hex("0000000200000000000000000100000000000000")).unwrap();
        assert!(caps.permits(32));
        assert_eq!(caps.to_string(), "cap_mac_override+p");
        let caps = decode(&hex("0000000200000000000000000000008000000000")).unwrap();
        assert!(caps.permits(63));
        assert_eq!(caps.to_string(), "cap_63+p");
        assert_eq!(
            decode(&hex("0100000200000000000000000000000000000000"))
                .unwrap()
                .to_string(),
            "empty"
        );
    }

    #[test]
    fn garbage_is_an_error_not_a_panic() {
        assert_eq!(decode(&[]), Err(CapsError::TooShort { len: 0 }));
        assert_eq!(decode(&[1, 0, 0]), Err(CapsError::TooShort { len: 3 }));
        assert_eq!(
            decode(&hex("01000004")),
            Err(CapsError::UnknownRevision {
                revision: 0x0400_0000
            })
        );
        assert_eq!(
            decode(&hex("0100000280000000")),
            Err(CapsError::WrongLength {
                revision: 2,
                expected: 20,
                len: 8
            })
        );
        // A revision 2 value with a trailing rootid is not revision 3.
        let mut long = hex(SETUID_EP);
        long.extend([0, 0, 0, 0]);
        assert!(matches!(decode(&long), Err(CapsError::WrongLength { .. })));
        // Every prefix and every single-byte corruption decodes or errs.
        let valid = hex(SETUID_EP_ROOTID);
        for len in 0..=valid.len() {
            let _ = decode(&valid[..len]);
        }
        for i in 0..valid.len() {
            for value in [0u8, 0x7f, 0xff] {
                let mut bytes = valid.clone();
                bytes[i] = value;
                let _ = decode(&bytes).map(|caps| caps.to_string());
            }
        }
    }

    #[test]
    fn names_follow_libcap() {
        assert_eq!(cap_name(CAP_SETUID), "cap_setuid");
        assert_eq!(cap_name(CAP_SETGID), "cap_setgid");
        assert_eq!(cap_name(40), "cap_checkpoint_restore");
        assert_eq!(cap_name(41), "cap_41");
    }
}
