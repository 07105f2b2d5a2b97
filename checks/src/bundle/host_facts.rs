//! The host facts bundle checks rely on: the subject's subordinate ranges,
//! the subject's groups, and the host's ELF machine.
//!
//! The subordinate ranges come from [`crate::subordinate::subject_ranges`], as
//! newuidmap would find them.

use crate::host::HostFs;
use crate::subject::Subject;
use object::Architecture;

/// The groups a rootless runc started by the subject runs with: their
/// primary gid and every /etc/group entry listing them. runc never calls
/// setgroups in rootless mode, so the container process keeps these.
pub fn subject_groups(host: &HostFs, subject: &Subject) -> Vec<u32> {
    let mut groups = vec![subject.gid];
    for group in crate::accounts::local_groups(host) {
        if group.members.contains(&subject.name) && !groups.contains(&group.gid) {
            groups.push(group.gid);
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
    fn architecture_names_map() {
        assert_eq!(architecture_of("x86_64"), Architecture::X86_64);
        assert_eq!(architecture_of("aarch64"), Architecture::Aarch64);
        assert_eq!(architecture_of("weird"), Architecture::Unknown);
    }
}
