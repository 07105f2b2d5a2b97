//! `bundle.config` and `bundle.rootfs`: config.json reads as runc reads it,
//! and root.path names a directory runc accepts.

use super::spec::{ConfigError, Loaded, Spec, CONFIG_LIMIT};
use crate::model::{Evidence, Outcome, Remediation};
use crate::shell::{quote, quote_path};
use std::fs;
use std::path::{Component, Path, PathBuf};

fn regenerate(dir: &Path) -> Remediation {
    Remediation::root(
        "write a fresh rootless config.json into the bundle (then re-apply your changes)",
        vec![format!("cd {} && runc spec --rootless", quote_path(dir))],
    )
    .as_user()
}

/// Judges how config.json loaded.
pub fn judge_config(dir: &Path, loaded: &Result<Loaded, ConfigError>) -> Outcome {
    let path = dir.join("config.json").display().to_string();
    match loaded {
        Ok(loaded) => {
            let version = loaded.spec.oci_version.as_deref().unwrap_or("(not set)");
            let mut out = Outcome::pass(format!(
                "{path} parses as an OCI runtime spec (ociVersion {version}, {} bytes)",
                loaded.size
            ))
            .with(Evidence::fact("ociVersion", version));
            if loaded.trailing {
                out = out.with(Evidence::fact(
                    "after the JSON object",
                    "more bytes, which runc ignores (it decodes one JSON value)",
                ));
            }
            out
        }
        Err(ConfigError::Missing) => Outcome::fail(format!(
            "no config.json in {}; runc will fail: JSON specification file config.json not found",
            dir.display()
        ))
        .with(Evidence::fact("bundle", dir.display().to_string()))
        .fix(regenerate(dir)),
        Err(ConfigError::NotAFile { kind }) => Outcome::fail(format!(
            "{path} is {kind}, not a file; runc will fail reading it (a fifo would even block it)"
        ))
        .with(Evidence::fact("config.json", *kind))
        .fix(regenerate(dir)),
        Err(ConfigError::TooLarge { size }) => Outcome::error(format!(
            "{path} is {size} bytes, more than the {} MiB the doctor reads; not checked",
            CONFIG_LIMIT / (1024 * 1024)
        ))
        .with(Evidence::fact("size", size.to_string())),
        Err(ConfigError::Unreadable { reason }) => Outcome::fail(format!(
            "cannot read {path}: {reason}; runc will fail the same way"
        ))
        .with(Evidence::fact("error", reason.clone()))
        .fix(
            Remediation::root(
                "make config.json readable by the user who runs the runtime",
                vec![format!("chmod a+r {}", quote(&path))],
            )
            .as_user(),
        ),
        Err(ConfigError::Empty) => {
            Outcome::fail(format!("{path} is empty; runc will fail: EOF")).fix(regenerate(dir))
        }
        Err(ConfigError::Syntax {
            line,
            column,
            message,
            excerpt,
        }) => Outcome::fail(format!(
            "{path} is not valid JSON at line {line} column {column}: {message}; runc will fail \
             parsing it (Go reports it as invalid character ... or unexpected EOF)"
        ))
        .with(Evidence::file_line(
            path.clone(),
            *line as u32,
            excerpt.clone(),
        ))
        .fix(
            Remediation::root(
                format!("fix the JSON at line {line} column {column}"),
                vec![format!("python3 -m json.tool {}", quote(&path))],
            )
            .as_user(),
        ),
        Err(ConfigError::Type {
            line,
            column,
            message,
            excerpt,
        }) => {
            let at = if *line > 0 {
                format!(" at line {line} column {column}")
            } else {
                String::new()
            };
            let mut out = Outcome::fail(format!(
                "{path} has a field of the wrong type{at}: {message}; runc will fail: json: \
                 cannot unmarshal ... into Go struct field"
            ));
            if *line > 0 {
                out = out.with(Evidence::file_line(
                    path.clone(),
                    *line as u32,
                    excerpt.clone(),
                ));
            }
            out.fix(
                Remediation::root(
                    "give the field the type the runtime spec requires (ids are unsigned numbers, args and env are lists of strings)",
                    vec![format!("python3 -m json.tool {}", quote(&path))],
                )
                .as_user(),
            )
        }
    }
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
            return Outcome::fail(format!(
                "rootfs {host} cannot be used: {e}; runc will fail: invalid rootfs: stat {host}: \
                 no such file or directory"
            ))
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
            return Outcome::fail(format!(
                "rootfs {host} is not a directory; runc requires a directory (it fails entering \
                 it: not a directory)"
            ))
            .with_all(evidence)
            .fix(
                Remediation::root("point root.path at the unpacked rootfs directory", vec![])
                    .as_user(),
            );
        }
        Ok(true) => {}
    }
    if let Some(link) = &facts.symlink {
        return Outcome::fail(format!(
            "root.path goes through the symlink {}; runc will fail: invalid rootfs: not an \
             absolute path, or a symlink",
            link.display()
        ))
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
    fn a_hostile_bundle_path_stays_one_word_in_the_fix() {
        let fix = regenerate(Path::new("/tmp/b; touch /tmp/pwned $(id)"));
        assert_eq!(
            fix.commands,
            ["cd '/tmp/b; touch /tmp/pwned $(id)' && runc spec --rootless"]
        );
    }

    #[test]
    fn config_errors_name_line_and_runc() {
        let dir = Path::new("/b");
        let out = judge_config(
            dir,
            &Err(ConfigError::Syntax {
                line: 3,
                column: 7,
                message: "expected `,` or `}`".into(),
                excerpt: "  \"x\" 1".into(),
            }),
        );
        assert!(out.message.contains("line 3 column 7"), "{}", out.message);
        assert_eq!(
            out.evidence[0],
            Evidence::file_line("/b/config.json", 3, "  \"x\" 1")
        );
        let out = judge_config(dir, &Err(ConfigError::Missing));
        assert_eq!(
            out.message,
            "no config.json in /b; runc will fail: JSON specification file config.json not found"
        );
        let out = judge_config(dir, &Err(ConfigError::TooLarge { size: 1 << 30 }));
        assert_eq!(out.status, crate::Status::Error);
    }

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
