//! The subject: the user being diagnosed, built once.
//!
//! No check calls getuid() or reads the environment itself; they read the
//! [`Subject`]. That is what makes a root run with `--user alice` judge the same
//! things as alice's own run.

use crate::accounts::Account;
use std::path::PathBuf;

/// The PATH a subject is given when the doctor cannot see their environment.
pub const LOGIN_PATH: &str = "/usr/local/bin:/usr/bin:/bin";

/// Who is diagnosed, and the environment their runtimes would see.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Subject {
    pub name: String,
    pub uid: u32,
    pub gid: u32,
    pub home: PathBuf,
    /// XDG_RUNTIME_DIR as the subject's runtimes would see it.
    pub xdg_runtime_dir: Option<PathBuf>,
    /// The PATH that the subject's runc searches for newuidmap.
    pub path: String,
    /// True when the subject is the process running the doctor (their own
    /// environment is known); false when root diagnoses someone else.
    pub is_invoker: bool,
}

impl Subject {
    /// The invoking user, with their own XDG_RUNTIME_DIR and PATH.
    pub fn invoker(
        account: Account,
        xdg_runtime_dir: Option<String>,
        path: Option<String>,
    ) -> Self {
        Subject {
            name: account.name,
            uid: account.uid,
            gid: account.gid,
            home: account.home,
            xdg_runtime_dir: xdg_runtime_dir.filter(|v| !v.is_empty()).map(PathBuf::from),
            path: path
                .filter(|v| !v.is_empty())
                .unwrap_or_else(|| LOGIN_PATH.to_string()),
            is_invoker: true,
        }
    }

    /// Another user, seen by root: a login session's defaults are assumed.
    pub fn other(account: Account) -> Self {
        Subject {
            xdg_runtime_dir: Some(PathBuf::from(format!("/run/user/{}", account.uid))),
            name: account.name,
            uid: account.uid,
            gid: account.gid,
            home: account.home,
            path: LOGIN_PATH.to_string(),
            is_invoker: false,
        }
    }

    /// True when the subject is root.
    pub fn is_root(&self) -> bool {
        self.uid == 0
    }
}
