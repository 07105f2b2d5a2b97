//! The registry of checks and the engine that runs them.
//!
//! Each check is a [`CheckDef`]: a stable id, a title, a description (the text
//! of `list`, the man page and docs), the live probes it needs and a `run`
//! function. [`HOST_CHECKS`] lists them in report order. A check may ask for
//! another's outcome through [`Context::outcome_of`]; outcomes are memoised, so
//! every check runs at most once, and a panic in a check becomes
//! [`Status::Error`](crate::Status::Error) instead of a crash.

use crate::distro::Distro;
use crate::host::HostFs;
use crate::model::Outcome;
use crate::os_release::OsRelease;
use crate::probe::{ProbeKind, Probes};
use crate::subject::Subject;
use crate::{cgroup, idmap, mount, runtime, subid, userns};
use std::cell::{Cell, RefCell};
use std::collections::BTreeMap;
use std::panic::{self, AssertUnwindSafe};
use std::time::{Duration, Instant};

/// One check: its identity, its documentation and its logic.
#[derive(Debug)]
pub struct CheckDef {
    /// `family.name`, stable forever.
    pub id: &'static str,
    /// A short noun phrase.
    pub title: &'static str,
    /// What the check establishes and how, one paragraph.
    pub description: &'static str,
    /// Live probes the check consults (started early, concurrently).
    pub probes: &'static [ProbeKind],
    /// Gathers facts through the context and judges them.
    pub run: fn(&Context<'_>) -> Outcome,
}

impl CheckDef {
    /// The family: the part of the id before the dot.
    pub fn category(&self) -> &'static str {
        self.id.split('.').next().unwrap_or(self.id)
    }
}

/// Every host check, in report order.
pub static HOST_CHECKS: &[&CheckDef] = &[
    &userns::CLONE_SYSCTL,
    &userns::MAX_NAMESPACES,
    &userns::APPARMOR,
    &userns::CREATE,
    &idmap::NEWUIDMAP,
    &idmap::NEWGIDMAP,
    &idmap::MULTI_MAP,
    &subid::SUBUID,
    &subid::SUBGID,
    &mount::BIND,
    &mount::OVERLAY,
    &mount::FUSE_OVERLAYFS,
    &runtime::XDG_RUNTIME_DIR,
    &runtime::OCI_RUNTIME,
    &cgroup::DELEGATION,
];

/// The host check with this id.
pub fn find(id: &str) -> Option<&'static CheckDef> {
    HOST_CHECKS.iter().copied().find(|def| def.id == id)
}

/// What one check concluded, and how long it took.
#[derive(Clone, Debug)]
pub struct CheckResult {
    pub def: &'static CheckDef,
    pub outcome: Outcome,
    pub duration: Duration,
}

/// Everything a check may read.
pub struct Context<'a> {
    pub host: &'a HostFs,
    pub subject: &'a Subject,
    pub os: &'a OsRelease,
    pub distro: Distro,
    pub probes: &'a dyn Probes,
    memo: RefCell<BTreeMap<&'static str, (Outcome, Duration)>>,
}

thread_local! {
    static IN_CHECK: Cell<bool> = const { Cell::new(false) };
}

/// True while a check runs on this thread; a panic hook uses it to stay quiet,
/// since the panic is reported as the check's error.
pub fn in_check() -> bool {
    IN_CHECK.with(Cell::get)
}

impl<'a> Context<'a> {
    pub fn new(
        host: &'a HostFs,
        subject: &'a Subject,
        os: &'a OsRelease,
        probes: &'a dyn Probes,
    ) -> Self {
        Context {
            host,
            subject,
            os,
            distro: Distro::from_os_release(os),
            probes,
            memo: RefCell::new(BTreeMap::new()),
        }
    }

    /// The outcome of the host check `id`, running it if it has not run yet.
    ///
    /// # Panics
    /// When `id` is not a registered host check (a programming error, which
    /// the registry tests rule out).
    pub fn outcome_of(&self, id: &str) -> Outcome {
        let def = find(id).unwrap_or_else(|| panic!("unknown check id '{id}'"));
        self.evaluate(def).0
    }

    fn evaluate(&self, def: &'static CheckDef) -> (Outcome, Duration) {
        if let Some(done) = self.memo.borrow().get(def.id) {
            return done.clone();
        }
        let started = Instant::now();
        let was_in_check = IN_CHECK.with(|flag| flag.replace(true));
        let outcome =
            panic::catch_unwind(AssertUnwindSafe(|| (def.run)(self))).unwrap_or_else(|payload| {
                Outcome::error(format!("check panicked: {}", panic_message(&*payload)))
            });
        IN_CHECK.with(|flag| flag.set(was_in_check));
        let done = (outcome, started.elapsed());
        self.memo.borrow_mut().insert(def.id, done.clone());
        done
    }

    /// Runs the selected checks and returns them in the order given. Checks
    /// that consult no live probe run first, so that they overlap with probes
    /// still running in the background.
    pub fn run(&self, selected: &[&'static CheckDef]) -> Vec<CheckResult> {
        for def in selected.iter().filter(|def| def.probes.is_empty()) {
            self.evaluate(def);
        }
        selected
            .iter()
            .map(|&def| {
                let (outcome, duration) = self.evaluate(def);
                CheckResult {
                    def,
                    outcome,
                    duration,
                }
            })
            .collect()
    }
}

fn panic_message(payload: &(dyn std::any::Any + Send)) -> String {
    payload
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "unknown panic".to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeSet;

    #[test]
    fn ids_are_unique_lowercase_kebab_family_dot_name() {
        let mut seen = BTreeSet::new();
        for def in HOST_CHECKS {
            assert!(seen.insert(def.id), "duplicate id {}", def.id);
            let (family, name) = def.id.split_once('.').expect("family.name");
            for part in [family, name] {
                assert!(!part.is_empty());
                assert!(part
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-'));
            }
            assert!(
                !def.title.is_empty() && !def.description.is_empty(),
                "{}",
                def.id
            );
        }
    }

    #[test]
    fn a_panicking_check_becomes_an_error() {
        static BOOM: CheckDef = CheckDef {
            id: "test.boom",
            title: "boom",
            description: "panics",
            probes: &[],
            run: |_| panic!("kaboom at /etc/subuid"),
        };
        let host = HostFs::rooted("/nonexistent");
        let subject = Subject::other(crate::accounts::Account {
            name: "alice".into(),
            uid: 1000,
            gid: 1000,
            home: "/home/alice".into(),
        });
        let os = OsRelease::default();
        let ctx = Context::new(&host, &subject, &os, &crate::probe::NoProbes);
        let results = ctx.run(&[&BOOM]);
        assert_eq!(results[0].outcome.status, crate::Status::Error);
        assert_eq!(
            results[0].outcome.message,
            "check panicked: kaboom at /etc/subuid"
        );
        assert!(!in_check());
    }
}
