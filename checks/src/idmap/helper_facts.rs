//! Gathering the facts about newuidmap or newgidmap.
//!
//! The helper is looked up on the subject's PATH exactly as runc does it
//! (`exec.LookPath` in runc's own environment), then the standard
//! directories are searched too, so that "installed but not on PATH" and "a
//! privileged copy exists elsewhere" can be told apart from "missing". Each
//! copy is canonicalized and stat'ed; its `security.capability` is decoded and
//! the mount holding it found in mountinfo. NoNewPrivs comes from
//! /proc/self/status. Everything goes through [`HostFs`]; nothing here judges.

use crate::filecaps;
pub(crate) use crate::filecaps::CapsState;
use crate::host::HostFs;
use crate::mountinfo::{self, Mount};
use crate::subject::Subject;
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};

/// Directories where distributions install the helpers (NixOS: its wrappers).
pub(crate) const STANDARD_DIRS: [&str; 5] = [
    "/usr/bin",
    "/usr/sbin",
    "/bin",
    "/sbin",
    "/run/wrappers/bin",
];

/// Which of the two mapping helpers.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub(crate) enum MapTool {
    /// `newuidmap`, which needs CAP_SETUID.
    Uid,
    /// `newgidmap`, which needs CAP_SETGID.
    Gid,
}

impl MapTool {
    /// The command name: `newuidmap` or `newgidmap`.
    pub(crate) fn name(self) -> &'static str {
        match self {
            MapTool::Uid => "newuidmap",
            MapTool::Gid => "newgidmap",
        }
    }

    /// The capability the helper needs: CAP_SETUID or CAP_SETGID.
    pub(crate) fn capability(self) -> u32 {
        match self {
            MapTool::Uid => filecaps::CAP_SETUID,
            MapTool::Gid => filecaps::CAP_SETGID,
        }
    }
}

/// The helper as runc would find it: the first executable `tool` on
/// `path_var` (Go `exec.LookPath` semantics), as written on PATH (not
/// canonicalized). `None` when runc would report "mapping tool not present".
pub(crate) fn locate(host: &HostFs, path_var: &str, tool: MapTool) -> Option<PathBuf> {
    host.look_path(tool.name(), path_var)
}

/// What kind of file a path names (after following symlinks).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum FileKind {
    Regular,
    Directory,
    Other,
}

/// The facts about the mount holding a helper.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct MountFacts {
    pub(crate) mount_point: PathBuf,
    /// Per-mount options, comma-joined as in mountinfo.
    pub(crate) options: String,
    pub(crate) fs_type: String,
    pub(crate) nosuid: bool,
}

impl MountFacts {
    fn from_mount(mount: &Mount) -> Self {
        MountFacts {
            mount_point: mount.mount_point.clone(),
            options: mount.options.join(","),
            fs_type: mount.fs_type.clone(),
            nosuid: mount.has_option("nosuid"),
        }
    }
}

/// One stat'ed file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct FileInfo {
    pub(crate) kind: FileKind,
    pub(crate) uid: u32,
    pub(crate) gid: u32,
    /// Permission bits including setuid, setgid and sticky (`& 0o7777`).
    pub(crate) mode: u32,
    pub(crate) caps: CapsState,
    /// `None` when mountinfo could not be read or has no matching line.
    pub(crate) mount: Option<MountFacts>,
}

/// One copy of the helper.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Located {
    /// As found (on PATH or in a standard directory).
    pub(crate) path: PathBuf,
    /// With every symlink resolved; `None` when that failed.
    pub(crate) canonical: Option<PathBuf>,
    /// The stat of the file the path leads to, or why it failed.
    pub(crate) file: Result<FileInfo, String>,
}

impl Located {
    /// The path that was inspected: the canonical one when known.
    pub(crate) fn target(&self) -> &Path {
        self.canonical.as_deref().unwrap_or(&self.path)
    }
}

/// Everything the judge of one helper needs.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct HelperFacts {
    pub(crate) tool: MapTool,
    /// The PATH the subject's runc searches.
    pub(crate) path_var: String,
    pub(crate) subject_name: String,
    pub(crate) subject_uid: u32,
    pub(crate) subject_gid: u32,
    /// The copy runc would run.
    pub(crate) on_path: Option<Located>,
    /// Copies in [`STANDARD_DIRS`] that are not the one on PATH (by canonical path).
    pub(crate) elsewhere: Vec<Located>,
    /// `NoNewPrivs` of this process; `None` when /proc/self/status lacks it.
    pub(crate) no_new_privs: Option<bool>,
}

/// Gathers the facts about `tool` for `subject`.
pub(crate) fn gather(host: &HostFs, subject: &Subject, tool: MapTool) -> HelperFacts {
    let mounts = mountinfo::read(host);
    let on_path = locate(host, &subject.path, tool).map(|path| inspect(host, &mounts, path));
    let mut seen: Vec<PathBuf> = on_path.iter().map(|l| l.target().to_path_buf()).collect();
    let mut elsewhere = Vec::new();
    for dir in STANDARD_DIRS {
        let path = Path::new(dir).join(tool.name());
        if host.symlink_metadata(&path).is_err() {
            continue;
        }
        let located = inspect(host, &mounts, path);
        if seen.iter().any(|p| p == located.target()) {
            continue;
        }
        seen.push(located.target().to_path_buf());
        elsewhere.push(located);
    }
    HelperFacts {
        tool,
        path_var: subject.path.clone(),
        subject_name: subject.name.clone(),
        subject_uid: subject.uid,
        subject_gid: subject.gid,
        on_path,
        elsewhere,
        no_new_privs: filecaps::ProcessCaps::read(host).no_new_privs,
    }
}

fn inspect(host: &HostFs, mounts: &[Mount], path: PathBuf) -> Located {
    let canonical = host.canonicalize(&path).ok();
    let target = canonical.clone().unwrap_or_else(|| path.clone());
    let file = host
        .metadata(&target)
        .map(|meta| {
            let file_type = meta.file_type();
            FileInfo {
                kind: if file_type.is_file() {
                    FileKind::Regular
                } else if file_type.is_dir() {
                    FileKind::Directory
                } else {
                    FileKind::Other
                },
                uid: meta.uid(),
                gid: meta.gid(),
                mode: meta.mode() & 0o7777,
                caps: filecaps::read(host, &target),
                mount: mountinfo::mount_of(mounts, &target).map(MountFacts::from_mount),
            }
        })
        .map_err(|e| e.to_string());
    Located {
        path,
        canonical,
        file,
    }
}
