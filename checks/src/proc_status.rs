//! A process's `/proc/PID/status`, read through the host prefix: its fields
//! by name, and whether the process is still running.
//!
//! Contract: [`ProcStatus::read`] reads the file once; a pid that does not
//! exist (or a file that cannot be read) is `None`. Nothing here signals,
//! joins or waits for the process.

use crate::host::HostFs;

/// The text of one process's status file.
#[derive(Clone, Debug)]
pub struct ProcStatus {
    text: String,
}

impl ProcStatus {
    /// The status of `pid`, `None` when /proc has no such process.
    pub fn read(host: &HostFs, pid: u32) -> Option<Self> {
        host.read_text(format!("/proc/{pid}/status"))
            .ok()
            .map(Self::parse)
    }

    /// The status from its text.
    pub fn parse(text: String) -> Self {
        ProcStatus { text }
    }

    /// The value of the field `name` (with its colon: `Uid:`), trimmed.
    pub fn field(&self, name: &str) -> Option<&str> {
        self.text
            .lines()
            .find_map(|l| l.strip_prefix(name))
            .map(str::trim)
    }

    /// The first number of the field `name` (`Uid:` gives the real uid).
    pub fn first(&self, name: &str) -> Option<u32> {
        self.field(name)?.split_whitespace().next()?.parse().ok()
    }

    /// False for a zombie (`Z`) or a dead (`X`) process.
    pub fn running(&self) -> bool {
        !self
            .field("State:")
            .is_some_and(|s| s.starts_with('Z') || s.starts_with('X'))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_numbers_and_zombies() {
        let s = ProcStatus::parse(
            "Name:\tpodman pause\nState:\tS (sleeping)\nPPid:\t1\nUid:\t1000\t1000\t1000\t1000\n"
                .into(),
        );
        assert_eq!(s.field("Name:"), Some("podman pause"));
        assert_eq!(s.first("Uid:"), Some(1000));
        assert_eq!(s.first("PPid:"), Some(1));
        assert_eq!(s.first("Gid:"), None);
        assert!(s.running());
        assert!(!ProcStatus::parse("State:\tZ (zombie)\n".into()).running());
        assert!(!ProcStatus::parse("State:\tX (dead)\n".into()).running());
        // No State line: taken as running (old kernels always write one).
        assert!(ProcStatus::parse("Uid:\tx\n".into()).running());
        assert_eq!(ProcStatus::parse("Uid:\tx\n".into()).first("Uid:"), None);
    }
}
