//! Host facts that explain a failed mount probe, gathered through
//! [`HostFs`]: the kernel release (native overlay in a user namespace needs
//! 5.11, or an Ubuntu kernel), SELinux enforcement (5.13 then), the
//! filesystem under the probe's scratch directory, `/dev/fuse`, the
//! namespace limits and the sandbox signs.

use crate::host::HostFs;
use crate::model::Evidence;
use crate::mountinfo;
use crate::nsenv::{Knobs, Sandbox, OSRELEASE};
use crate::subject::Subject;
use std::os::unix::fs::{FileTypeExt, MetadataExt};
use std::path::PathBuf;

/// `/dev/fuse` as stat sees it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum DevFuse {
    Missing,
    /// Present: whether it is a character device, and its permission bits.
    Present {
        char_device: bool,
        mode: u32,
    },
    Unknown(String),
}

/// The facts shared by the mount judges.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MountEnv {
    pub knobs: Knobs,
    pub sandbox: Sandbox,
    /// `uname -r`.
    pub kernel_release: Option<String>,
    /// `/proc/version` names Ubuntu (whose kernels allow overlay in a user namespace since 2015).
    pub ubuntu_kernel: bool,
    /// `/sys/fs/selinux/enforce` is 1.
    pub selinux_enforcing: bool,
    /// Where the probes make their scratch directory, and its filesystem type.
    pub scratch: Option<(String, String)>,
    pub dev_fuse: DevFuse,
}

impl MountEnv {
    /// Reads the facts for `subject`.
    pub fn gather(host: &HostFs, subject: &Subject) -> Self {
        let parent = subject
            .xdg_runtime_dir
            .clone()
            .filter(|dir| host.metadata(dir).is_ok_and(|m| m.is_dir()))
            .unwrap_or_else(|| PathBuf::from("/tmp"));
        let scratch = host.canonicalize(&parent).ok().and_then(|real| {
            let mounts = mountinfo::read(host);
            mountinfo::mount_of(&mounts, &real)
                .map(|m| (real.display().to_string(), m.fs_type.clone()))
        });
        let dev_fuse = match host.metadata("/dev/fuse") {
            Ok(meta) => DevFuse::Present {
                char_device: meta.file_type().is_char_device(),
                mode: meta.mode() & 0o7777,
            },
            Err(e) if e.is_not_found() => DevFuse::Missing,
            Err(e) => DevFuse::Unknown(e.to_string()),
        };
        MountEnv {
            knobs: Knobs::gather(host),
            sandbox: Sandbox::gather(host),
            kernel_release: host.read_value(OSRELEASE).ok().flatten(),
            ubuntu_kernel: host
                .read_text("/proc/version")
                .is_ok_and(|v| v.to_ascii_lowercase().contains("ubuntu")),
            selinux_enforcing: host
                .read_value("/sys/fs/selinux/enforce")
                .ok()
                .flatten()
                .as_deref()
                == Some("1"),
            scratch,
            dev_fuse,
        }
    }

    /// A host where nothing is known (for tests).
    pub fn unknown() -> Self {
        MountEnv {
            knobs: Knobs::unknown(),
            sandbox: Sandbox::default(),
            kernel_release: None,
            ubuntu_kernel: false,
            selinux_enforcing: false,
            scratch: None,
            dev_fuse: DevFuse::Unknown("not gathered".into()),
        }
    }

    /// The kernel's major and minor version.
    pub fn kernel_version(&self) -> Option<(u32, u32)> {
        kernel_version(self.kernel_release.as_deref()?)
    }

    /// The kernel evidence: release and, when enforcing, SELinux.
    pub fn kernel_evidence(&self) -> Vec<Evidence> {
        let mut out = Vec::new();
        if let Some(release) = &self.kernel_release {
            out.push(Evidence::setting("kernel.osrelease", release.clone()));
        }
        if self.selinux_enforcing {
            out.push(Evidence::file("/sys/fs/selinux/enforce", "1"));
        }
        out
    }

    /// The scratch directory's filesystem, as a fact.
    pub fn scratch_evidence(&self) -> Option<Evidence> {
        self.scratch
            .as_ref()
            .map(|(path, fs)| Evidence::fact("scratch filesystem", format!("{path}: {fs}")))
    }
}

/// `5.10.0-18-amd64` is (5, 10).
pub fn kernel_version(release: &str) -> Option<(u32, u32)> {
    let mut parts = release.split(|c: char| !c.is_ascii_digit());
    let major = parts.next()?.parse().ok()?;
    let minor = parts.next()?.parse().ok()?;
    Some((major, minor))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kernel_versions_parse() {
        assert_eq!(kernel_version("5.10.0-18-amd64"), Some((5, 10)));
        assert_eq!(kernel_version("6.1.0"), Some((6, 1)));
        assert_eq!(kernel_version("3.10.0-1160.el7.x86_64"), Some((3, 10)));
        assert_eq!(kernel_version("weird"), None);
    }

    #[test]
    fn gathers_from_a_fixture() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        let put = |p: &str, t: &str| {
            let real = root.join(p.trim_start_matches('/'));
            std::fs::create_dir_all(real.parent().unwrap()).unwrap();
            std::fs::write(real, t).unwrap();
        };
        put("/proc/sys/kernel/osrelease", "5.4.0-42-generic\n");
        put("/proc/version", "Linux version 5.4.0-42-generic (buildd@lgw01-amd64-038) (gcc version 9.3.0 (Ubuntu 9.3.0-10ubuntu2))\n");
        put("/sys/fs/selinux/enforce", "1");
        put(
            "/proc/self/mountinfo",
            "22 1 254:1 / / rw,relatime shared:1 - ext4 /dev/vda1 rw\n\
             40 22 0:50 / /tmp rw,nosuid,nodev shared:20 - tmpfs tmpfs rw\n",
        );
        std::fs::create_dir_all(root.join("tmp")).unwrap();
        put("/dev/fuse", "");
        let subject = crate::testing::alice();
        let env = MountEnv::gather(&HostFs::rooted(root), &subject);
        assert_eq!(env.kernel_version(), Some((5, 4)));
        assert!(env.ubuntu_kernel);
        assert!(env.selinux_enforcing);
        // /run/user/1000 does not exist in the fixture: the probes use /tmp.
        assert_eq!(env.scratch, Some(("/tmp".into(), "tmpfs".into())));
        assert!(matches!(
            env.dev_fuse,
            DevFuse::Present {
                char_device: false,
                ..
            }
        ));
    }
}
