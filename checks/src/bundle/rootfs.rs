//! `bundle.rootfs`: root.path names a directory runc accepts (relative to
//! the bundle or absolute, a directory, no symlink among its own
//! components).
//!
//! Decisions: docs/checks/bundle.md, section `bundle.rootfs`.

use super::{with_spec, Code};
use crate::check::{CheckDef, Context, Outcome};
use crate::model::{Evidence, Remediation};
use crate::shell::{quote, quote_path};
use crate::spec::{BundleInput, Spec};
use std::fs;
use std::path::{Component, Path, PathBuf};

pub static ROOTFS: CheckDef = CheckDef {
    id: "bundle.rootfs",
    title: "bundle rootfs",
    description: "root.path (relative to the bundle, or absolute) exists, is a directory and \
                  has no symlink among its own components, as runc requires.",
    codes: &[
        Code::NoBundle.code(),
        Code::RootPathMissing.code(),
        Code::RootfsMissing.code(),
        Code::RootfsNotADirectory.code(),
        Code::RootfsSymlinkComponent.code(),
    ],
    probes: &[],
    run,
};

fn run(ctx: &Context<'_>) -> Outcome {
    with_spec(ctx, |_, bundle, spec| outcome(bundle, spec))
}

/// The outcome of `bundle.rootfs` for this bundle (also consulted, without
/// the memo, by `bundle.process`).
pub fn outcome(bundle: &BundleInput, spec: &Spec) -> Outcome {
    judge_rootfs(&gather_rootfs(&bundle.dir, spec))
}

/// The facts of `root.path`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RootfsFacts {
    /// root.path as written; `None` when `root` or its path is absent.
    pub path: Option<String>,
    /// Where it is on the host.
    pub host_path: Option<PathBuf>,
    /// `Ok(true)` a directory, `Ok(false)` something else, `Err` stat error.
    pub is_dir: Result<bool, String>,
    /// A symlink met while walking root.path's own components.
    pub symlink: Option<PathBuf>,
}

/// The rootfs on the host: root.path, relative to the bundle or absolute.
pub fn rootfs_path(dir: &Path, spec: &Spec) -> Option<PathBuf> {
    let path = spec.root.as_ref()?.path.as_deref()?;
    (!path.is_empty()).then(|| dir.join(path))
}

/// Gathers root.path's facts.
pub fn gather_rootfs(dir: &Path, spec: &Spec) -> RootfsFacts {
    let path = spec.root.as_ref().and_then(|r| r.path.clone());
    let host_path = rootfs_path(dir, spec);
    let is_dir = match &host_path {
        Some(p) => fs::metadata(p)
            .map(|m| m.is_dir())
            .map_err(|e| e.to_string()),
        None => Err("no root.path".into()),
    };
    let symlink = path.as_deref().and_then(|p| {
        let p = Path::new(p);
        let mut at = if p.is_absolute() {
            PathBuf::from("/")
        } else {
            dir.to_path_buf()
        };
        for component in p.components() {
            match component {
                Component::Normal(n) => at.push(n),
                Component::ParentDir => {
                    at.pop();
                }
                _ => continue,
            }
            if fs::symlink_metadata(&at).is_ok_and(|m| m.file_type().is_symlink()) {
                return Some(at);
            }
        }
        None
    });
    RootfsFacts {
        path,
        host_path,
        is_dir,
        symlink,
    }
}

/// Judges root.path.
pub fn judge_rootfs(facts: &RootfsFacts) -> Outcome {
    let Some(path) = facts.path.as_deref().filter(|p| !p.is_empty()) else {
        return Outcome::fail(
            Code::RootPathMissing,
            "config.json has no root.path; runc will fail: root must be specified",
        )
        .fix(
            Remediation::root(
                "name the rootfs directory in root.path (runc spec writes \"rootfs\")",
                vec![],
            )
            .as_user(),
        );
    };
    let host = facts
        .host_path
        .as_ref()
        .map(|p| p.display().to_string())
        .unwrap_or_default();
    let evidence = vec![
        Evidence::fact("root.path", path),
        Evidence::fact("rootfs on the host", host.clone()),
    ];
    match &facts.is_dir {
        Err(e) => {
            return Outcome::fail(
                Code::RootfsMissing,
                format!(
                    "rootfs {host} cannot be used: {e}; runc will fail: invalid rootfs: stat {host}: \
                     no such file or directory"
                ),
            )
            .with_all(evidence)
            .fix(
                Remediation::root(
                    "create the rootfs, e.g. from a busybox or distribution image",
                    vec![format!("mkdir -p {}", quote(&host))],
                )
                .as_user(),
            );
        }
        Ok(false) => {
            return Outcome::fail(
                Code::RootfsNotADirectory,
                format!(
                    "rootfs {host} is not a directory; runc requires a directory (it fails entering \
                     it: not a directory)"
                ),
            )
            .with_all(evidence)
            .fix(
                Remediation::root("point root.path at the unpacked rootfs directory", vec![])
                    .as_user(),
            );
        }
        Ok(true) => {}
    }
    if let Some(link) = &facts.symlink {
        return Outcome::fail(
            Code::RootfsSymlinkComponent,
            format!(
                "root.path goes through the symlink {}; runc will fail: invalid rootfs: not an \
                 absolute path, or a symlink",
                link.display()
            ),
        )
        .with_all(evidence)
        .fix(
            Remediation::root(
                "use the symlink's target in root.path",
                vec![format!("readlink -f {}", quote_path(link))],
            )
            .as_user(),
        );
    }
    Outcome::pass(format!("rootfs {host} is a directory")).with_all(evidence)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rootfs_rules() {
        let base = RootfsFacts {
            path: Some("rootfs".into()),
            host_path: Some("/b/rootfs".into()),
            is_dir: Ok(true),
            symlink: None,
        };
        assert_eq!(judge_rootfs(&base).status, crate::Status::Pass);
        let missing = RootfsFacts {
            is_dir: Err("No such file or directory (os error 2)".into()),
            ..base.clone()
        };
        assert!(judge_rootfs(&missing).message.contains("invalid rootfs"));
        let linked = RootfsFacts {
            symlink: Some("/b/rootfs".into()),
            ..base.clone()
        };
        assert!(judge_rootfs(&linked).message.contains("or a symlink"));
        let none = RootfsFacts { path: None, ..base };
        assert!(judge_rootfs(&none)
            .message
            .contains("root must be specified"));
    }
}
