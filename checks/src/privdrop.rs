//! Starting a child on behalf of the subject: the one place that decides
//! with whose credentials and in what environment the doctor runs a program.
//!
//! Contract: [`Creds::for_subject`] is `Some` exactly when the doctor runs as
//! root for another, non-root user (`--user`, or sudo's `SUDO_UID`). Every
//! program the doctor starts goes through [`command`]: an absolute path (no
//! PATH search), an empty environment (no `LD_PRELOAD`, `LD_LIBRARY_PATH`,
//! `GCONV_PATH`, `BASH_ENV` or anything else is inherited; callers add the
//! few variables they chose), working directory `/`, and with [`Creds`] the
//! subject's identity, set in the child before exec: std's `Command` sets the
//! gid, clears the supplementary groups (`setgroups(0, NULL)`, as root) and
//! then sets the uid, so nothing of root's identity survives into the child.

use crate::subject::Subject;
use std::io;
use std::os::unix::process::CommandExt;
use std::path::Path;
use std::process::Command;

/// The identity a child takes when root acts for the subject.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Creds {
    pub uid: u32,
    pub gid: u32,
}

impl Creds {
    /// The subject's identity when this process is root acting for another,
    /// non-root user; `None` when the doctor runs as the subject (or root
    /// diagnoses itself), so children keep the doctor's own identity.
    pub fn for_subject(subject: &Subject) -> Option<Creds> {
        let acting_for_another = !subject.is_invoker && !subject.is_root();
        (acting_for_another && nix::unistd::geteuid().is_root()).then_some(Creds {
            uid: subject.uid,
            gid: subject.gid,
        })
    }
}

/// A command for `program` with an empty environment, working directory `/`
/// and, with `creds`, the subject's identity; fails on a relative path.
pub fn command(program: &Path, creds: Option<Creds>) -> io::Result<Command> {
    if !program.is_absolute() {
        return Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            format!("not an absolute path: {}", program.display()),
        ));
    }
    let mut command = Command::new(program);
    command.env_clear().current_dir("/");
    if let Some(creds) = creds {
        command.gid(creds.gid).uid(creds.uid);
    }
    Ok(command)
}

#[cfg(test)]
mod tests;
