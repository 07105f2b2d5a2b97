//! Container storage: where each installed engine keeps its rootless images
//! and containers, and whether its driver works on that filesystem.
//!
//! [`graphroot`] holds `storage.graphroot` (the filesystem under each
//! engine's storage path: type, mount options, free space, traversal,
//! SELinux label); [`driver`] holds `storage.driver` (the driver each engine
//! will use, tested live on that filesystem). Both read the engines'
//! resolution from [`crate::engines::storage`].
//!
//! Decisions: docs/checks/storage.md.

pub mod codes;
pub mod driver;
pub mod graphroot;

pub use codes::Code;
pub use driver::DRIVER;
pub use graphroot::GRAPHROOT;

use crate::engines::storage::Storage;
use crate::model::Remediation;

/// The subject's own storage.conf, as the printed commands name it.
const USER_CONF: &str = "~/.config/containers/storage.conf";

/// A fix that puts settings into the subject's storage.conf, safe to run
/// twice: when podman read no user file, the commands create it from the
/// shell `words` (one line each; never appended: a second `[storage]` table
/// breaks the file) and then run `after`; when one exists, the fix says what
/// to set in it (`settings`), without commands.
fn user_storage_conf(
    s: &Storage,
    what: &str,
    settings: &str,
    words: &[String],
    then: &str,
    after: &[&str],
) -> Remediation {
    let users_own = s.config.as_ref().is_some_and(|file| {
        file.ends_with("containers/storage.conf")
            && !file.starts_with("/etc")
            && !file.starts_with("/usr")
    });
    if users_own {
        let file = s.config.as_ref().map(|f| f.display().to_string());
        return Remediation::root(
            format!(
                "{what}: set {settings} in {}, {then}",
                file.as_deref().unwrap_or(USER_CONF)
            ),
            vec![],
        )
        .as_user();
    }
    let mut commands = vec![
        "mkdir -p ~/.config/containers".to_string(),
        format!(
            "test -e {USER_CONF} || printf '%s\\n' {} > {USER_CONF}",
            words.join(" ")
        ),
    ];
    commands.extend(after.iter().map(|c| c.to_string()));
    Remediation::root(
        format!("{what}: {settings} in {USER_CONF}, {then}"),
        commands,
    )
    .as_user()
    .unless(format!("test -e {USER_CONF}"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engines::storage::{Driver, Engine};

    fn storage(config: Option<&str>) -> Storage {
        Storage {
            engine: Engine::Podman,
            graphroot: "/home/alice/.local/share/containers/storage".into(),
            driver: Driver::DefaultVfs,
            mount_program: None,
            config: config.map(Into::into),
            config_problem: None,
        }
    }

    #[test]
    fn a_new_storage_conf_is_created_never_appended_and_an_existing_one_is_edited() {
        let words = [
            "'[storage]'".to_string(),
            "'driver = \"overlay\"'".to_string(),
        ];
        let fresh = user_storage_conf(&storage(None), "store", "s", &words, "then", &["x"]);
        assert_eq!(
            fresh.commands,
            [
                "mkdir -p ~/.config/containers",
                "test -e ~/.config/containers/storage.conf || printf '%s\\n' '[storage]' \
                 'driver = \"overlay\"' > ~/.config/containers/storage.conf",
                "x",
            ]
        );
        assert!(fresh.commands.iter().all(|c| !c.contains(">>")));
        assert_eq!(
            fresh.unless.as_deref(),
            Some("test -e ~/.config/containers/storage.conf")
        );
        let system = storage(Some("/etc/containers/storage.conf"));
        assert!(
            !user_storage_conf(&system, "store", "s", &words, "then", &[])
                .commands
                .is_empty()
        );
        let own = storage(Some("/home/alice/.config/containers/storage.conf"));
        let edit = user_storage_conf(
            &own,
            "store",
            "driver = \"overlay\"",
            &words,
            "then",
            &["x"],
        );
        assert!(edit.commands.is_empty());
        assert!(edit
            .summary
            .contains("set driver = \"overlay\" in /home/alice/.config/containers/storage.conf"));
    }
}
