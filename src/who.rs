//! Who is diagnosed: turns `--user`, sudo and the invoking user into a
//! [`Subject`], once, before any check runs.
//!
//! Root with `--user` diagnoses that user; root under sudo without it, the
//! user behind `SUDO_UID`; root with neither, root itself. A user other than
//! root may only name themselves.

use anyhow::{bail, Context as _};
use checks::accounts::{self, Account};
use checks::host::HostFs;
use checks::subject::Subject;

/// How the subject was chosen, for the report header.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Chosen {
    /// The invoking user, diagnosing themselves.
    Invoker,
    /// Named with `--user` by root.
    Flag,
    /// The user behind sudo.
    Sudo,
    /// Root itself, with no one else named.
    RootItself,
}

/// The subject and how it was chosen.
pub(crate) struct Who {
    pub(crate) subject: Subject,
    pub(crate) chosen: Chosen,
    /// The doctor runs as root.
    pub(crate) running_as_root: bool,
}

/// Resolves the subject. `fixture` relaxes the root rule: on a fixture host
/// nothing live runs, so anyone may name any user of the fixture.
pub(crate) fn resolve(host: &HostFs, user: Option<&str>, fixture: bool) -> anyhow::Result<Who> {
    let euid = nix::unistd::geteuid().as_raw();
    let running_as_root = euid == 0;
    let invoker = invoking_account(host, euid)?;
    let env = |name: &str| std::env::var(name).ok();
    let (subject, chosen) = match user {
        Some(query) => {
            let account =
                accounts::lookup(host, query).with_context(|| format!("unknown user '{query}'"))?;
            if account.uid == invoker.uid {
                let subject = Subject::invoker(account, env("XDG_RUNTIME_DIR"), env("PATH"));
                (subject, Chosen::Invoker)
            } else if running_as_root || fixture {
                (Subject::other(account), Chosen::Flag)
            } else {
                bail!(
                    "--user {query}: diagnosing another user needs root (run it with sudo, \
                     or as {} without --user)",
                    account.name
                );
            }
        }
        None if running_as_root => match sudo_account(host) {
            Some(account) => (Subject::other(account), Chosen::Sudo),
            None => {
                let subject = Subject::invoker(invoker, env("XDG_RUNTIME_DIR"), env("PATH"));
                (subject, Chosen::RootItself)
            }
        },
        None => (
            Subject::invoker(invoker, env("XDG_RUNTIME_DIR"), env("PATH")),
            Chosen::Invoker,
        ),
    };
    Ok(Who {
        subject,
        chosen,
        running_as_root,
    })
}

fn invoking_account(host: &HostFs, euid: u32) -> anyhow::Result<Account> {
    if let Some(account) = accounts::lookup(host, &euid.to_string()) {
        return Ok(account);
    }
    // An account the passwd database does not know (a container's arbitrary
    // uid): diagnose it by number.
    let gid = nix::unistd::getegid().as_raw();
    Ok(Account {
        name: euid.to_string(),
        uid: euid,
        gid,
        home: std::env::var_os("HOME")
            .unwrap_or_else(|| "/".into())
            .into(),
    })
}

fn sudo_account(host: &HostFs) -> Option<Account> {
    let uid = std::env::var("SUDO_UID").ok()?;
    let account = accounts::lookup(host, uid.trim())?;
    (account.uid != 0).then_some(account)
}
