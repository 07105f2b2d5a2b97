//! The runtime a bundle is preflighted for: the one named by
//! `bundle --runtime NAME`, else the first installed runtime that runs on this
//! host (runc, then crun, then youki), else the first installed one, as
//! `runtime.oci-runtime` found them. Checks whose verdict depends on the
//! runtime or its version (what runc 1.1 ignores and 1.2 enforces, what crun
//! refuses) judge against it, and say which runtime they predicted for.

use crate::check::Context;

/// The runtime a verdict is predicted for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Target {
    /// `runc`, `crun` or `youki`.
    pub name: String,
    /// `(major, minor, patch)`, when the installed binary told it (`None`
    /// also for a runtime named by `--runtime` that is not installed).
    pub version: Option<(u64, u64, u64)>,
}

impl Target {
    /// Whether this is `name` at a version before `major.minor` (an unknown
    /// version is taken as the one Debian 12 ships: runc 1.1, crun 1.8).
    pub fn is_before(&self, name: &str, major: u64, minor: u64) -> bool {
        if self.name != name {
            return false;
        }
        let (have_major, have_minor, _) = self.version.unwrap_or(match name {
            "crun" => (1, 8, 1),
            _ => (1, 1, 5),
        });
        (have_major, have_minor) < (major, minor)
    }

    /// `runc 1.1.5`, or `runc (version unknown)`, for messages.
    pub fn label(&self) -> String {
        match self.version {
            Some((a, b, c)) => format!("{} {a}.{b}.{c}", self.name),
            None => format!("{} (version unknown)", self.name),
        }
    }
}

/// The target runtime of the bundle under test; `None` when no runtime is
/// installed and none was named.
pub fn target(ctx: &Context<'_>) -> Option<Target> {
    let requested = ctx.bundle.and_then(|b| b.runtime.as_deref());
    let found = ctx.outcome_of(&crate::runtime::OCI_RUNTIME);
    let mut installed = found.oci_runtimes();
    let pick = match requested {
        Some(name) => installed.find(|r| r.name == name),
        None => {
            let all: Vec<_> = installed.collect();
            all.iter()
                .find(|r| r.runs_here)
                .or_else(|| all.first())
                .copied()
        }
    };
    match (pick, requested) {
        (Some(runtime), _) => Some(Target {
            name: runtime.name.to_string(),
            version: runtime.version,
        }),
        (None, Some(name)) => Some(Target {
            name: name.to_string(),
            version: None,
        }),
        (None, None) => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn runc(version: Option<(u64, u64, u64)>) -> Target {
        Target {
            name: "runc".into(),
            version,
        }
    }

    #[test]
    fn versions_compare_by_major_and_minor_and_default_to_debian_12() {
        assert!(runc(Some((1, 1, 5))).is_before("runc", 1, 2));
        assert!(!runc(Some((1, 2, 0))).is_before("runc", 1, 2));
        assert!(runc(None).is_before("runc", 1, 2));
        assert!(!runc(None).is_before("crun", 1, 9));
        assert_eq!(runc(Some((1, 1, 5))).label(), "runc 1.1.5");
        assert_eq!(runc(None).label(), "runc (version unknown)");
    }
}
