//! What a check is, what it concludes, and the engine that runs checks.
//!
//! Each check is a [`CheckDef`]: a stable id, a title, a description (the
//! text of `list`, the man page and docs), the finding [`Code`]s it may give,
//! the live probes it needs and a `run` function. A check concludes in one
//! [`Outcome`]: a [`Status`], a one-line message, the [`Evidence`] it was
//! judged on, the [`Remediation`]s that fix it and, unless it passed, the code
//! of what it found and the check that blocked it. Judges build non-pass
//! outcomes from a [`Finding`] or the coded constructors, so no outcome lacks
//! its code.
//!
//! A check may ask for another's outcome through [`Context::outcome_of`];
//! outcomes are memoised, so every check runs at most once, and a panic in a
//! check becomes [`Status::Error`] (code `check-panicked`) instead of a crash.
//! The ordered lists of checks are in [`crate::registry`]; this module knows
//! none of them, so the families below it never import the registry.

use crate::cgroupfs;
use crate::distro::Distro;
use crate::host::HostFs;
use crate::model::{Code, CommonCode, Evidence, Remediation, Status};
use crate::os_release::OsRelease;
use crate::probe::{ProbeKind, Probes};
use crate::spec::BundleInput;
use crate::subject::Subject;
use std::cell::{Cell, RefCell};
use std::collections::BTreeMap;
use std::fmt;
use std::panic::{self, AssertUnwindSafe};
use std::path::PathBuf;
use std::time::{Duration, Instant};

/// One check: its identity, its documentation and its logic.
pub struct CheckDef {
    /// `family.name`, stable forever.
    pub id: &'static str,
    /// A short noun phrase.
    pub title: &'static str,
    /// What the check establishes and how, one paragraph.
    pub description: &'static str,
    /// The finding codes of this check's non-pass outcomes, besides the
    /// [`CommonCode`]s every check may give; unique within the check.
    pub codes: &'static [Code],
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

    /// Whether an outcome of this check may carry `code`: one of its own
    /// codes or a common one.
    pub fn gives(&self, code: Code) -> bool {
        self.codes.contains(&code) || CommonCode::ALL.iter().any(|c| c.code() == code)
    }

    /// The code of this check with the wire name `name`.
    pub fn code_named(&self, name: &str) -> Option<Code> {
        self.codes
            .iter()
            .copied()
            .chain(CommonCode::ALL.iter().map(|c| c.code()))
            .find(|code| code.as_str() == name)
    }
}

impl fmt::Debug for CheckDef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("CheckDef").field(&self.id).finish()
    }
}

/// Checks are the same when their ids are: ids are unique.
impl PartialEq for CheckDef {
    fn eq(&self, other: &Self) -> bool {
        self.id == other.id
    }
}

impl Eq for CheckDef {}

/// What a check concluded.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Outcome {
    pub status: Status,
    /// One line, lower case, naming the path or value it is about.
    pub message: String,
    pub evidence: Vec<Evidence>,
    pub remediation: Vec<Remediation>,
    /// Why the check was skipped; set only with [`Status::Skip`].
    pub skip_reason: Option<String>,
    /// What was found: set on every non-pass outcome, `None` on a pass.
    pub code: Option<Code>,
    /// The codes of further problems the message names after the first
    /// (`…; also: …`), in the order named; empty on a pass.
    pub also: Vec<Code>,
    /// The check whose result made this one skip (code `blocked`).
    pub blocked_by: Option<&'static CheckDef>,
    /// What the check states for the programs that read its result (the
    /// capabilities, the engine verdicts), typed; not part of the report.
    pub facts: Vec<Fact>,
}

/// A typed fact a check states beside its evidence, for programs to read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Fact {
    /// `cgroup.delegation`: how much of the cgroup hierarchy the subject has.
    CgroupMode(cgroupfs::Mode),
    /// `runtime.oci-runtime`: one installed OCI runtime, in the order found.
    OciRuntime(OciRuntime),
    /// `engine.*`: an installed engine's effective setup and whether it will
    /// start a container for the subject (the `engines` section).
    Engine(EngineVerdict),
    /// `runtime.oci-runtime`: a container tool other than an OCI runtime
    /// (bwrap, apptainer, nerdctl) found by a stat, never run.
    Tool(Tool),
    /// A check that judges each installed engine on its own
    /// (`network.helper`, `storage.graphroot`, `storage.driver`): what it
    /// found for one engine, so a problem of one engine is not charged to
    /// another.
    ForEngine(EngineFinding),
}

/// What a check that judges engines one by one found for one of them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct EngineFinding {
    /// The engine, as the `engines` section names it (`podman`, `docker`,
    /// `nerdctl`).
    pub engine: &'static str,
    /// `pass`, or the status of the finding about this engine.
    pub status: Status,
    /// The finding's code; `None` on a pass.
    pub code: Option<Code>,
}

/// A container tool found on the subject's PATH or in the system
/// directories, by a stat only.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Tool {
    /// `bwrap`, `apptainer` or `nerdctl`.
    pub name: &'static str,
    pub path: PathBuf,
    /// Owned by root with the setuid bit (a setuid bwrap needs no
    /// unprivileged user namespaces).
    pub setuid_root: bool,
    /// Its `security.capability` (a non-setuid bwrap with file capabilities
    /// refuses to run: `runtime.bwrap`).
    pub file_caps: crate::filecaps::CapsState,
}

/// Whether an engine will start a container for the subject.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Verdict {
    Works,
    Fails,
    /// The evidence was not gathered (a probe deselected, timed out or in
    /// error).
    Unknown,
}

impl Verdict {
    pub fn as_str(self) -> &'static str {
        match self {
            Verdict::Works => "works",
            Verdict::Fails => "fails",
            Verdict::Unknown => "unknown",
        }
    }
}

/// One installed engine as its check (or the runtime checks) found it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EngineVerdict {
    /// `podman`, `docker` (rootless), `nerdctl`, `runc`, `crun`, `youki`,
    /// `bwrap` or `apptainer`.
    pub name: &'static str,
    /// The binary that says it is installed.
    pub path: PathBuf,
    pub version: Option<String>,
    pub verdict: Verdict,
    /// The checks whose failures make it fail, most decisive first; empty
    /// unless the verdict is `Fails`.
    pub blocked_by: Vec<&'static CheckDef>,
    /// The OCI runtime it runs containers with.
    pub runtime: Option<String>,
    /// The storage driver it would use for the subject now.
    pub storage_driver: Option<String>,
    /// The user-mode network helper it uses.
    pub network: Option<String>,
}

/// An installed OCI runtime as `runtime.oci-runtime` found it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OciRuntime {
    /// `runc`, `crun` or `youki`.
    pub name: &'static str,
    /// Where it was found (the subject's PATH first).
    pub path: PathBuf,
    /// `(major, minor, patch)` from `--version`, when it printed one.
    pub version: Option<(u64, u64, u64)>,
    /// Nothing known stops it on this host (crun on a hybrid cgroup host does
    /// not run at all).
    pub runs_here: bool,
}

impl Fact {
    /// The cgroup mode, when this fact states one.
    fn cgroup_mode(&self) -> Option<cgroupfs::Mode> {
        match self {
            Fact::CgroupMode(mode) => Some(*mode),
            _ => None,
        }
    }

    /// The runtime, when this fact states one.
    fn oci_runtime(&self) -> Option<&OciRuntime> {
        match self {
            Fact::OciRuntime(runtime) => Some(runtime),
            _ => None,
        }
    }

    /// The engine verdict, when this fact states one.
    fn engine(&self) -> Option<&EngineVerdict> {
        match self {
            Fact::Engine(engine) => Some(engine),
            _ => None,
        }
    }

    /// The container tool, when this fact states one.
    fn tool(&self) -> Option<&Tool> {
        match self {
            Fact::Tool(tool) => Some(tool),
            _ => None,
        }
    }

    /// The finding about one engine, when this fact states one.
    fn for_engine(&self) -> Option<&EngineFinding> {
        match self {
            Fact::ForEngine(found) => Some(found),
            _ => None,
        }
    }
}

impl Outcome {
    /// An outcome of any status; `code` is dropped on a pass, which has none.
    pub fn judged(status: Status, code: impl Into<Code>, message: impl Into<String>) -> Self {
        let message = message.into();
        Outcome {
            status,
            skip_reason: (status == Status::Skip).then(|| message.clone()),
            message,
            evidence: Vec::new(),
            remediation: Vec::new(),
            code: (status != Status::Pass).then(|| code.into()),
            also: Vec::new(),
            blocked_by: None,
            facts: Vec::new(),
        }
    }

    /// The requirement is met.
    pub fn pass(message: impl Into<String>) -> Self {
        Outcome {
            status: Status::Pass,
            message: message.into(),
            evidence: Vec::new(),
            remediation: Vec::new(),
            skip_reason: None,
            code: None,
            also: Vec::new(),
            blocked_by: None,
            facts: Vec::new(),
        }
    }

    /// Works, but degraded or risky.
    pub fn warn(code: impl Into<Code>, message: impl Into<String>) -> Self {
        Outcome::judged(Status::Warn, code, message)
    }

    /// Rootless containers will fail, or the requirement is unmet.
    pub fn fail(code: impl Into<Code>, message: impl Into<String>) -> Self {
        Outcome::judged(Status::Fail, code, message)
    }

    /// The check could not be evaluated.
    pub fn error(code: impl Into<Code>, message: impl Into<String>) -> Self {
        Outcome::judged(Status::Error, code, message)
    }

    /// A skip; the reason doubles as the message.
    pub fn skip(code: impl Into<Code>, reason: impl Into<String>) -> Self {
        Outcome::judged(Status::Skip, code, reason)
    }

    /// A skip because `dependency` did not pass: "blocked by ID", code
    /// `blocked`, and `blocked_by` naming it.
    pub fn blocked(dependency: &'static CheckDef) -> Self {
        let mut outcome =
            Outcome::skip(CommonCode::Blocked, format!("blocked by {}", dependency.id));
        outcome.blocked_by = Some(dependency);
        outcome
    }

    /// Whether the outcome carries `code` (as its first finding).
    pub fn is(&self, code: impl Into<Code>) -> bool {
        self.code == Some(code.into())
    }

    /// Whether the outcome names `code`, first or among the further problems.
    pub fn names(&self, code: impl Into<Code>) -> bool {
        let code = code.into();
        self.code == Some(code) || self.also.contains(&code)
    }

    /// Adds the codes of further problems the message names.
    pub fn also<C: Into<Code>>(mut self, codes: impl IntoIterator<Item = C>) -> Self {
        if self.status != Status::Pass {
            self.also.extend(codes.into_iter().map(Into::into));
        }
        self
    }

    /// States a typed fact.
    pub fn stating(mut self, fact: Fact) -> Self {
        self.facts.push(fact);
        self
    }

    /// The OCI runtimes this outcome states, in the order found.
    pub fn oci_runtimes(&self) -> impl Iterator<Item = &OciRuntime> {
        self.facts.iter().filter_map(Fact::oci_runtime)
    }

    /// The engine verdicts this outcome states.
    pub fn engines(&self) -> impl Iterator<Item = &EngineVerdict> {
        self.facts.iter().filter_map(Fact::engine)
    }

    /// The container tools this outcome states, in the order found.
    pub fn tools(&self) -> impl Iterator<Item = &Tool> {
        self.facts.iter().filter_map(Fact::tool)
    }

    /// What this outcome found for `engine`, when its check judges engines
    /// one by one: the worst of its findings about `engine` (status and
    /// code), and a pass when it judged only other engines. `None` when the
    /// outcome states nothing per engine (a skip, a block, an error, a check
    /// that does not judge engines): read its status instead.
    pub fn for_engine(&self, engine: &str) -> Option<(Status, Option<Code>)> {
        let mut stated = self.facts.iter().filter_map(Fact::for_engine).peekable();
        stated.peek()?;
        Some(
            stated
                .filter(|found| found.engine == engine)
                .max_by_key(|found| found.status)
                .map_or((Status::Pass, None), |found| (found.status, found.code)),
        )
    }

    /// The cgroup mode this outcome states, if any.
    pub fn cgroup_mode(&self) -> Option<cgroupfs::Mode> {
        self.facts.iter().find_map(Fact::cgroup_mode)
    }

    pub fn with(mut self, evidence: Evidence) -> Self {
        self.evidence.push(evidence);
        self
    }

    pub fn with_all(mut self, evidence: impl IntoIterator<Item = Evidence>) -> Self {
        self.evidence.extend(evidence);
        self
    }

    pub fn fix(mut self, remediation: Remediation) -> Self {
        self.remediation.push(remediation);
        self
    }

    pub fn fixes(mut self, remediation: impl IntoIterator<Item = Remediation>) -> Self {
        self.remediation.extend(remediation);
        self
    }
}

/// What a judge found, before it becomes an [`Outcome`]: a non-pass status,
/// its code, its wording, its fixes and the evidence of its own. Judges that
/// work out a cause return one, so the cause owns its wording and its fixes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Finding {
    pub status: Status,
    pub code: Code,
    /// The codes of further problems the message names after the first.
    pub also: Vec<Code>,
    /// One line, lower case, naming the path or value it is about.
    pub message: String,
    pub fixes: Vec<Remediation>,
    pub evidence: Vec<Evidence>,
}

impl Finding {
    /// A finding of this status and code.
    pub fn new(status: Status, code: impl Into<Code>, message: impl Into<String>) -> Self {
        Finding {
            status,
            code: code.into(),
            also: Vec::new(),
            message: message.into(),
            fixes: Vec::new(),
            evidence: Vec::new(),
        }
    }

    /// A failure.
    pub fn fail(code: impl Into<Code>, message: impl Into<String>) -> Self {
        Finding::new(Status::Fail, code, message)
    }

    /// A warning.
    pub fn warn(code: impl Into<Code>, message: impl Into<String>) -> Self {
        Finding::new(Status::Warn, code, message)
    }

    /// The check could not be evaluated.
    pub fn error(code: impl Into<Code>, message: impl Into<String>) -> Self {
        Finding::new(Status::Error, code, message)
    }

    /// Adds fixes.
    pub fn fixes(mut self, fixes: impl IntoIterator<Item = Remediation>) -> Self {
        self.fixes.extend(fixes);
        self
    }

    /// Adds evidence.
    pub fn with(mut self, evidence: impl IntoIterator<Item = Evidence>) -> Self {
        self.evidence.extend(evidence);
        self
    }

    /// Adds the codes of further problems the message names.
    pub fn also<C: Into<Code>>(mut self, codes: impl IntoIterator<Item = C>) -> Self {
        self.also.extend(codes.into_iter().map(Into::into));
        self
    }

    /// The outcome: `first` evidence (a probe's, say), then the finding's own.
    pub fn outcome_after(self, first: impl IntoIterator<Item = Evidence>) -> Outcome {
        Outcome::judged(self.status, self.code, self.message)
            .also(self.also)
            .with_all(first)
            .with_all(self.evidence)
            .fixes(self.fixes)
    }

    /// The outcome.
    pub fn outcome(self) -> Outcome {
        self.outcome_after([])
    }
}

impl From<Finding> for Outcome {
    fn from(finding: Finding) -> Self {
        finding.outcome()
    }
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
    /// The bundle under test: set for a bundle run, `None` for a host run.
    pub bundle: Option<&'a BundleInput>,
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
            bundle: None,
            memo: RefCell::new(BTreeMap::new()),
        }
    }

    /// The same context with a bundle under test; use a fresh context per
    /// bundle, since outcomes are memoised by id.
    pub fn with_bundle(mut self, bundle: &'a BundleInput) -> Self {
        self.bundle = Some(bundle);
        self
    }

    /// The outcome of `def`, running it if it has not run yet.
    pub fn outcome_of(&self, def: &'static CheckDef) -> Outcome {
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
                Outcome::error(
                    CommonCode::CheckPanicked,
                    format!("check panicked: {}", panic_message(&*payload)),
                )
            });
        IN_CHECK.with(|flag| flag.set(was_in_check));
        debug_assert!(
            coded_as_declared(def, &outcome),
            "{} ended in {} with code {:?} (also {:?}), which it does not declare",
            def.id,
            outcome.status,
            outcome.code,
            outcome.also
        );
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

/// A pass has no code; every other outcome has one the check declares, and
/// so are its further codes.
pub fn coded_as_declared(def: &CheckDef, outcome: &Outcome) -> bool {
    let further = outcome.also.iter().all(|&code| def.gives(code));
    match (outcome.status, outcome.code) {
        (Status::Pass, code) => code.is_none() && outcome.also.is_empty(),
        (_, Some(code)) => def.gives(code) && further,
        (_, None) => false,
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

    fn alice() -> Subject {
        Subject::other(crate::accounts::Account {
            name: "alice".into(),
            uid: 1000,
            gid: 1000,
            home: "/home/alice".into(),
        })
    }

    #[test]
    fn a_finding_per_engine_is_read_for_that_engine_only() {
        let code = CommonCode::Blocked.code();
        let found = |engine, status, code| {
            Fact::ForEngine(EngineFinding {
                engine,
                status,
                code,
            })
        };
        let out = Outcome::fail(CommonCode::Blocked, "docker's helper is missing")
            .stating(found("podman", Status::Pass, None))
            .stating(found("docker", Status::Warn, Some(code)))
            .stating(found("docker", Status::Fail, Some(code)));
        assert_eq!(out.for_engine("docker"), Some((Status::Fail, Some(code))));
        assert_eq!(out.for_engine("podman"), Some((Status::Pass, None)));
        // Judged engines one by one, but not this one: nothing of its own.
        assert_eq!(out.for_engine("nerdctl"), Some((Status::Pass, None)));
        // A check that states nothing per engine: read its status instead.
        assert_eq!(Outcome::fail(code, "x").for_engine("podman"), None);
    }

    #[test]
    fn a_panicking_check_becomes_an_error() {
        static BOOM: CheckDef = CheckDef {
            id: "test.boom",
            title: "boom",
            description: "panics",
            codes: &[],
            probes: &[],
            run: |_| panic!("kaboom at /etc/subuid"),
        };
        let host = HostFs::rooted("/nonexistent");
        let subject = alice();
        let os = OsRelease::default();
        let ctx = Context::new(&host, &subject, &os, &crate::probe::NoProbes);
        let results = ctx.run(&[&BOOM]);
        assert_eq!(results[0].outcome.status, Status::Error);
        assert!(results[0].outcome.is(CommonCode::CheckPanicked));
        assert_eq!(
            results[0].outcome.message,
            "check panicked: kaboom at /etc/subuid"
        );
        assert!(!in_check());
    }

    #[test]
    fn blocked_names_its_dependency_by_value() {
        static DEP: CheckDef = CheckDef {
            id: "test.dep",
            title: "dep",
            description: "a dependency",
            codes: &[],
            probes: &[],
            run: |_| Outcome::pass("fine"),
        };
        let outcome = Outcome::blocked(&DEP);
        assert_eq!(outcome.status, Status::Skip);
        assert!(outcome.is(CommonCode::Blocked));
        assert_eq!(outcome.blocked_by, Some(&DEP));
        assert_eq!(outcome.skip_reason.as_deref(), Some("blocked by test.dep"));
    }

    #[test]
    fn a_pass_carries_no_code_and_others_must_declare_theirs() {
        static DEF: CheckDef = CheckDef {
            id: "test.def",
            title: "def",
            description: "declares one code",
            codes: &[Code::new("knob-off")],
            probes: &[],
            run: |_| Outcome::pass("fine"),
        };
        assert!(Outcome::judged(Status::Pass, Code::new("x"), "ok")
            .code
            .is_none());
        assert!(coded_as_declared(&DEF, &Outcome::pass("ok")));
        assert!(coded_as_declared(
            &DEF,
            &Outcome::fail(Code::new("knob-off"), "off")
        ));
        assert!(coded_as_declared(&DEF, &Outcome::blocked(&DEF)));
        assert!(!coded_as_declared(
            &DEF,
            &Outcome::fail(Code::new("other"), "off")
        ));
        let more = Outcome::fail(Code::new("knob-off"), "off; also: other");
        assert!(!coded_as_declared(
            &DEF,
            &more.clone().also([Code::new("other")])
        ));
        assert!(coded_as_declared(&DEF, &more.also([Code::new("knob-off")])));
        assert!(Outcome::pass("ok")
            .also([Code::new("knob-off")])
            .also
            .is_empty());
    }
}
