//! The container tools beside the OCI runtimes: bwrap, apptainer and nerdctl,
//! found for the `engines` section of the report.
//!
//! Contract: each is looked up on the subject's PATH, then in the system
//! directories ([`super::oci_runtime::SYSTEM_DIRS`]), by a stat only (never
//! executed; its file capabilities read); what is found is stated as a typed [`Fact::Tool`] on
//! `runtime.oci-runtime`'s outcome, which says nothing more about it (no
//! message, evidence or code changes). Absent tools state nothing.

use super::oci_runtime::SYSTEM_DIRS;
use crate::check::{Fact, Outcome, Tool};
use crate::filecaps;
use crate::host::HostFs;
use crate::subject::Subject;
use std::os::unix::fs::MetadataExt;

/// The tools looked for, in report order.
pub const NAMES: [&str; 3] = ["bwrap", "apptainer", "nerdctl"];

/// The tools found, in the order of [`NAMES`].
pub fn gather(host: &HostFs, subject: &Subject) -> Vec<Tool> {
    NAMES
        .iter()
        .filter_map(|&name| {
            let path = host
                .look_path(name, &subject.path)
                .or_else(|| host.look_path(name, SYSTEM_DIRS))?;
            let setuid_root = host
                .metadata(&path)
                .is_ok_and(|m| m.uid() == 0 && m.mode() & 0o4000 != 0);
            let file_caps = filecaps::read(host, &path);
            Some(Tool {
                name,
                path,
                setuid_root,
                file_caps,
            })
        })
        .collect()
}

/// `outcome` stating each tool found.
pub fn state(outcome: Outcome, tools: Vec<Tool>) -> Outcome {
    tools
        .into_iter()
        .fold(outcome, |out, tool| out.stating(Fact::Tool(tool)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::filecaps::CapsState;
    use crate::testing::{alice, put};
    use std::os::unix::fs::PermissionsExt;

    fn executable(root: &std::path::Path, path: &str) {
        put(root, path, "#!/bin/sh\n");
        let real = root.join(path.trim_start_matches('/'));
        std::fs::set_permissions(real, std::fs::Permissions::from_mode(0o755)).unwrap();
    }

    #[test]
    fn found_on_path_then_in_system_dirs_in_report_order() {
        let dir = tempfile::tempdir().unwrap();
        executable(dir.path(), "/usr/local/bin/nerdctl");
        executable(dir.path(), "/usr/sbin/bwrap");
        put(dir.path(), "/usr/bin/apptainer", "not executable");
        let host = HostFs::rooted(dir.path());
        let tools = gather(&host, &alice());
        let found: Vec<(&str, String)> = tools
            .iter()
            .map(|t| (t.name, t.path.display().to_string()))
            .collect();
        assert_eq!(
            found,
            [
                ("bwrap", "/usr/sbin/bwrap".to_string()),
                ("nerdctl", "/usr/local/bin/nerdctl".to_string())
            ]
        );
        // Mode 0755: no setuid bit, whoever owns them; no file caps.
        assert!(tools.iter().all(|t| !t.setuid_root));
        assert!(tools.iter().all(|t| t.file_caps == CapsState::None));
    }

    #[test]
    fn tools_are_stated_in_order_and_change_nothing_else() {
        let tools = vec![
            Tool {
                name: "bwrap",
                path: "/usr/bin/bwrap".into(),
                setuid_root: true,
                file_caps: CapsState::None,
            },
            Tool {
                name: "nerdctl",
                path: "/usr/local/bin/nerdctl".into(),
                setuid_root: false,
                file_caps: CapsState::None,
            },
        ];
        let before = Outcome::pass("installed: runc");
        let after = state(before.clone(), tools.clone());
        assert_eq!(after.tools().cloned().collect::<Vec<_>>(), tools);
        assert_eq!(after.message, before.message);
        assert_eq!(after.status, before.status);
        assert_eq!(after.evidence, before.evidence);
    }
}
