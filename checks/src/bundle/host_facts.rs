//! The host facts bundle checks rely on: the subject's subordinate ranges,
//! the subject's groups, and the host's ELF machine.
//!
//! STAND-IN: [`subject_ranges`] is a small private parser of /etc/subuid and
//! /etc/subgid kept until `crate::subid::subject_ranges` (same signature)
//! lands; the lead swaps the call in `idmap.rs` and deletes it. It follows
//! shadow's format: `owner:start:count`, exactly three fields, owner a login
//! name or a numeric uid (both files are keyed by the USER), numbers as
//! `strtoul` base 0 reads them (leading `0` octal, `0x` hex), trailing junk
//! rejecting the line, `count == 0` lines skipped. NSS `subid:` sources are
//! not consulted.

use crate::host::HostFs;
use crate::subject::Subject;
use object::Architecture;

/// Which subordinate id file.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SubidFile {
    Uid,
    Gid,
}

impl SubidFile {
    /// `/etc/subuid` or `/etc/subgid`.
    pub fn path(self) -> &'static str {
        match self {
            SubidFile::Uid => "/etc/subuid",
            SubidFile::Gid => "/etc/subgid",
        }
    }
}

/// The subject's `(start, count)` ranges in the file; empty when the file is
/// missing, unreadable or has no entry for them. STAND-IN, see the module doc.
pub fn subject_ranges(host: &HostFs, subject: &Subject, file: SubidFile) -> Vec<(u32, u32)> {
    host.read_text(file.path())
        .map(|text| parse_ranges(&text, &subject.name, subject.uid))
        .unwrap_or_default()
}

fn parse_ranges(text: &str, name: &str, uid: u32) -> Vec<(u32, u32)> {
    text.lines()
        .filter_map(|line| {
            let fields: Vec<&str> = line.split(':').collect();
            let [owner, start, count] = fields[..] else {
                return None;
            };
            let owned = owner == name || parse_c_ulong(owner) == Some(u64::from(uid));
            let start = parse_c_ulong(start)?;
            let count = parse_c_ulong(count)?;
            if !owned || count == 0 || start > u64::from(u32::MAX) {
                return None;
            }
            if count > (1u64 << 32) - start {
                return None;
            }
            Some((start as u32, count.min(u64::from(u32::MAX)) as u32))
        })
        .collect()
}

/// `strtoul(s, &end, 0)` with `*end == '\0'` required; leading blanks allowed.
fn parse_c_ulong(s: &str) -> Option<u64> {
    let s = s.trim_start_matches([' ', '\t']);
    let s = s.strip_prefix('+').unwrap_or(s);
    if let Some(hex) = s.strip_prefix("0x").or_else(|| s.strip_prefix("0X")) {
        u64::from_str_radix(hex, 16).ok()
    } else if s.len() > 1 && s.starts_with('0') {
        u64::from_str_radix(&s[1..], 8).ok()
    } else if s.is_empty() {
        None
    } else {
        s.parse().ok()
    }
}

/// The groups a rootless runc started by the subject runs with: their
/// primary gid and every /etc/group entry listing them. runc never calls
/// setgroups in rootless mode, so the container process keeps these.
pub fn subject_groups(host: &HostFs, subject: &Subject) -> Vec<u32> {
    let mut groups = vec![subject.gid];
    if let Ok(text) = host.read_text("/etc/group") {
        for line in text.lines() {
            let fields: Vec<&str> = line.split(':').collect();
            if fields.len() < 4 {
                continue;
            }
            let member = fields[3].split(',').any(|m| m.trim() == subject.name);
            if let (true, Ok(gid)) = (member, fields[2].parse::<u32>()) {
                if !groups.contains(&gid) {
                    groups.push(gid);
                }
            }
        }
    }
    groups
}

/// The host's architecture as object names it, from the doctor's own build
/// target (the doctor runs natively on the host it diagnoses).
pub fn host_architecture() -> Architecture {
    architecture_of(std::env::consts::ARCH)
}

/// `std::env::consts::ARCH` names mapped to object's.
pub fn architecture_of(arch: &str) -> Architecture {
    match arch {
        "x86_64" => Architecture::X86_64,
        "x86" => Architecture::I386,
        "aarch64" => Architecture::Aarch64,
        "arm" => Architecture::Arm,
        "riscv64" => Architecture::Riscv64,
        "riscv32" => Architecture::Riscv32,
        "powerpc64" => Architecture::PowerPc64,
        "powerpc" => Architecture::PowerPc,
        "s390x" => Architecture::S390x,
        "loongarch64" => Architecture::LoongArch64,
        "mips64" => Architecture::Mips64,
        "mips" => Architecture::Mips,
        "sparc64" => Architecture::Sparc64,
        _ => Architecture::Unknown,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_names_numeric_owners_and_c_numbers() {
        let text = "alice:100000:65536\n1000:0x30000:010\nbob:200000:65536\n\
                    alice:300000:0\nalice:400000:5 \nalice:1:2:3\n";
        assert_eq!(
            parse_ranges(text, "alice", 1000),
            vec![(100000, 65536), (0x30000, 8)]
        );
        assert!(parse_ranges(text, "carol", 1002).is_empty());
    }

    #[test]
    fn architecture_names_map() {
        assert_eq!(architecture_of("x86_64"), Architecture::X86_64);
        assert_eq!(architecture_of("aarch64"), Architecture::Aarch64);
        assert_eq!(architecture_of("weird"), Architecture::Unknown);
    }
}
