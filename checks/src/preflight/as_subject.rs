//! Reading a bundle with the subject's rights, when root acts for a user.
//!
//! A bundle is the user's tree: config.json, the rootfs and args[0] inside it
//! may be symlinks anywhere, including into files only root may read
//! (`config.json -> /etc/shadow`, `rootfs -> /root/...`). Root reading them
//! for the user would both leak what the user cannot see and give verdicts
//! the user's own run would not. So [`run_bundle_for`] evaluates the bundle
//! checks in a child that is the subject (`/proc/self/exe __probe
//! bundle-as-subject <request-json>`, started through [`crate::privdrop`]:
//! groups cleared, gid then uid dropped, empty environment) and takes back
//! their outcomes as JSON; the child opens every file of the bundle exactly
//! as the user would. Without [`Creds`] (the doctor is the subject, or root
//! diagnoses itself) the checks run in-process. A child that fails, times out
//! or answers garbage turns every bundle check into `error`, never a guess.

use super::run_loaded;
use crate::check::{CheckDef, CheckResult, Context, Outcome};
use crate::host::HostFs;
use crate::model::{CommonCode, Evidence, Remediation, Status};
use crate::os_release::OsRelease;
use crate::privdrop::{self, Creds};
use crate::probe::{NoProbes, PROBE_ARG};
use crate::registry::{find, find_bundle};
use crate::spec::BundleInput;
use crate::subject::Subject;
use serde::{Deserialize, Serialize};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::Duration;

/// The role of the bundle-reading child.
pub const ROLE: &str = "bundle-as-subject";
/// The executable the child is started from in production.
const SELF_EXE: &str = "/proc/self/exe";

/// What the child is asked: the bundle and who reads it.
#[derive(Debug, Serialize, Deserialize)]
struct Request {
    dir: PathBuf,
    name: String,
    uid: u32,
    gid: u32,
    home: PathBuf,
    xdg_runtime_dir: Option<PathBuf>,
    path: String,
    /// The ids of the selected checks, in report order.
    checks: Vec<String>,
    /// The runtime to predict for (`--runtime`), or `None`.
    runtime: Option<String>,
}

/// One check's answer from the child.
#[derive(Clone, Debug, Serialize, Deserialize)]
struct Answer {
    id: String,
    outcome: WireOutcome,
    duration_ms: f64,
}

/// An [`Outcome`] as the child sends it: the code and the blocking check by name.
#[derive(Clone, Debug, Serialize, Deserialize)]
struct WireOutcome {
    status: Status,
    message: String,
    evidence: Vec<Evidence>,
    remediation: Vec<Remediation>,
    skip_reason: Option<String>,
    code: Option<String>,
    also: Vec<String>,
    blocked_by: Option<String>,
}

impl WireOutcome {
    fn of(outcome: Outcome) -> Self {
        WireOutcome {
            status: outcome.status,
            message: outcome.message,
            evidence: outcome.evidence,
            remediation: outcome.remediation,
            skip_reason: outcome.skip_reason,
            code: outcome.code.map(|c| c.as_str().to_string()),
            also: outcome
                .also
                .iter()
                .map(|c| c.as_str().to_string())
                .collect(),
            blocked_by: outcome.blocked_by.map(|d| d.id.to_string()),
        }
    }

    /// The outcome of `def`; names that `def` does not declare, or checks
    /// that do not exist, make the whole answer invalid.
    fn outcome(self, def: &CheckDef) -> Result<Outcome, String> {
        let code = match &self.code {
            Some(name) => Some(
                def.code_named(name)
                    .ok_or_else(|| format!("{} has no code '{name}'", def.id))?,
            ),
            None => None,
        };
        let also = self
            .also
            .iter()
            .map(|name| {
                def.code_named(name)
                    .ok_or_else(|| format!("{} has no code '{name}'", def.id))
            })
            .collect::<Result<Vec<_>, String>>()?;
        let blocked_by = match &self.blocked_by {
            Some(id) => Some(
                find_bundle(id)
                    .or_else(|| find(id))
                    .ok_or_else(|| format!("no check '{id}'"))?,
            ),
            None => None,
        };
        Ok(Outcome {
            status: self.status,
            message: self.message,
            evidence: self.evidence,
            remediation: self.remediation,
            skip_reason: self.skip_reason,
            code,
            also,
            blocked_by,
            facts: Vec::new(),
        })
    }
}

/// Runs the `selected` bundle checks on `dir` (made absolute against the
/// current directory) with the subject's rights: in-process when the doctor is
/// the subject, else in a child that is the subject, bounded by `timeout`.
pub fn run_bundle_for(
    ctx: Context<'_>,
    dir: &Path,
    runtime: Option<&str>,
    selected: &[&'static CheckDef],
    timeout: Duration,
) -> Vec<CheckResult> {
    let dir = std::path::absolute(dir).unwrap_or_else(|_| dir.to_path_buf());
    match Creds::for_subject(ctx.subject) {
        Some(creds) if ctx.host.is_real() => in_child(
            Path::new(SELF_EXE),
            ctx.subject,
            (&dir, runtime),
            selected,
            creds,
            timeout,
        ),
        _ => run_loaded(
            ctx,
            &BundleInput::load(&dir).for_runtime(runtime.map(str::to_string)),
            selected,
        ),
    }
}

fn in_child(
    exe: &Path,
    subject: &Subject,
    (dir, runtime): (&Path, Option<&str>),
    selected: &[&'static CheckDef],
    creds: Creds,
    timeout: Duration,
) -> Vec<CheckResult> {
    let request = Request {
        dir: dir.to_path_buf(),
        name: subject.name.clone(),
        uid: subject.uid,
        gid: subject.gid,
        home: subject.home.clone(),
        xdg_runtime_dir: subject.xdg_runtime_dir.clone(),
        path: subject.path.clone(),
        checks: selected.iter().map(|def| def.id.to_string()).collect(),
        runtime: runtime.map(str::to_string),
    };
    let result = serde_json::to_string(&request)
        .map_err(|e| format!("cannot encode the request: {e}"))
        .and_then(|json| {
            let mut command =
                privdrop::command(exe, Some(creds)).map_err(|e| format!("cannot start: {e}"))?;
            command
                .args([PROBE_ARG, ROLE, &json])
                .env("PATH", crate::subject::LOGIN_PATH)
                .env("LANG", "C");
            crate::probe::run_one(command, timeout)
        })
        .and_then(|stdout| answers(&stdout, selected));
    match result {
        Ok(results) => results,
        Err(why) => {
            let message = format!("cannot read the bundle as {}: {why}", subject.name);
            selected
                .iter()
                .map(|&def| CheckResult {
                    def,
                    outcome: Outcome::error(CommonCode::ChildFailed, message.clone()),
                    duration: Duration::ZERO,
                })
                .collect()
        }
    }
}

/// The child's answers as results, in report order; every selected check
/// must answer.
fn answers(stdout: &[u8], selected: &[&'static CheckDef]) -> Result<Vec<CheckResult>, String> {
    if stdout.len() >= crate::probe::ANSWER_CAP {
        return Err(format!(
            "the answer is larger than {} bytes",
            crate::probe::ANSWER_CAP
        ));
    }
    let answers: Vec<Answer> =
        serde_json::from_slice(stdout).map_err(|e| format!("invalid answer: {e}"))?;
    selected
        .iter()
        .map(|&def| {
            let answer = answers
                .iter()
                .find(|a| a.id == def.id)
                .ok_or_else(|| format!("no answer for {}", def.id))?;
            Ok(CheckResult {
                def,
                outcome: answer.outcome.clone().outcome(def)?,
                // Whatever the child claims, a duration is never a panic.
                duration: Duration::try_from_secs_f64(answer.duration_ms / 1000.0)
                    .unwrap_or(Duration::ZERO),
            })
        })
        .collect()
}

/// The child's `main`: runs the bundle checks in-process as whoever runs it
/// and prints their outcomes as one JSON array. Returns the exit code.
pub fn child_main(request: &str) -> i32 {
    // Not traceable by the user it runs as: its answer is root's report.
    let _ = nix::sys::prctl::set_dumpable(false);
    let request: Request = match serde_json::from_str(request) {
        Ok(request) => request,
        Err(e) => {
            let _ = writeln!(std::io::stderr(), "invalid bundle request: {e}");
            return 2;
        }
    };
    let subject = Subject {
        name: request.name,
        uid: request.uid,
        gid: request.gid,
        home: request.home,
        xdg_runtime_dir: request.xdg_runtime_dir,
        path: request.path,
        is_invoker: false,
    };
    let host = HostFs::real();
    let os = OsRelease::read(&host);
    let mut selected = Vec::new();
    for id in &request.checks {
        match find_bundle(id) {
            Some(def) => selected.push(def),
            None => {
                let _ = writeln!(std::io::stderr(), "invalid bundle request: no check '{id}'");
                return 2;
            }
        }
    }
    let ctx = Context::new(&host, &subject, &os, &NoProbes);
    let input = BundleInput::load(&request.dir).for_runtime(request.runtime);
    let answers: Vec<Answer> = run_loaded(ctx, &input, &selected)
        .into_iter()
        .map(|r| Answer {
            id: r.def.id.to_string(),
            outcome: WireOutcome::of(r.outcome),
            duration_ms: r.duration.as_secs_f64() * 1000.0,
        })
        .collect();
    match serde_json::to_string(&answers) {
        Ok(text) => {
            let _ = writeln!(std::io::stdout(), "{text}");
            0
        }
        Err(e) => {
            let _ = writeln!(std::io::stderr(), "cannot encode the answers: {e}");
            1
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::registry::BUNDLE_CHECKS;

    #[test]
    fn answers_come_back_in_report_order_and_all_are_needed() {
        let all: Vec<Answer> = BUNDLE_CHECKS
            .iter()
            .rev()
            .map(|def| Answer {
                id: def.id.to_string(),
                outcome: WireOutcome::of(Outcome::blocked(BUNDLE_CHECKS[0])),
                duration_ms: 1.5,
            })
            .collect();
        let text = serde_json::to_vec(&all).unwrap();
        let answers = |text: &[u8]| answers(text, BUNDLE_CHECKS);
        let results = answers(&text).unwrap();
        let ids: Vec<&str> = results.iter().map(|r| r.def.id).collect();
        let expected: Vec<&str> = BUNDLE_CHECKS.iter().map(|d| d.id).collect();
        assert_eq!(ids, expected);
        assert_eq!(results[0].outcome.status, Status::Skip);
        assert_eq!(results[0].outcome.blocked_by, Some(BUNDLE_CHECKS[0]));
        assert!(results[0].outcome.is(CommonCode::Blocked));
        assert_eq!(results[0].duration, Duration::from_micros(1500));
        let mut unknown = all.clone();
        unknown[0].outcome.code = Some("no-such-code".into());
        let text = serde_json::to_vec(&unknown).unwrap();
        assert!(answers(&text)
            .unwrap_err()
            .contains("has no code 'no-such-code'"));
        let text = serde_json::to_vec(&all[1..]).unwrap();
        assert!(answers(&text).unwrap_err().starts_with("no answer for"));
        assert!(answers(b"{").unwrap_err().starts_with("invalid answer"));
        let mut wild = all.clone();
        wild[0].duration_ms = 1e300;
        wild[1].duration_ms = -5.0;
        let results = answers(&serde_json::to_vec(&wild).unwrap()).unwrap();
        assert_eq!(results.len(), BUNDLE_CHECKS.len());
        let huge = vec![b' '; crate::probe::ANSWER_CAP];
        assert!(answers(&huge).unwrap_err().contains("larger than"));
    }

    #[test]
    fn a_child_that_cannot_answer_makes_every_check_an_error() {
        let subject = Subject::other(crate::accounts::Account {
            name: "alice".into(),
            uid: 4242,
            gid: 4242,
            home: "/home/alice".into(),
        });
        let creds = Creds {
            uid: 4242,
            gid: 4242,
        };
        let results = in_child(
            Path::new("relative/doctor"),
            &subject,
            (Path::new("/b"), None),
            BUNDLE_CHECKS,
            creds,
            Duration::from_secs(1),
        );
        assert_eq!(results.len(), BUNDLE_CHECKS.len());
        for r in &results {
            assert_eq!(r.outcome.status, Status::Error);
            assert!(r.outcome.is(CommonCode::ChildFailed));
            assert_eq!(
                r.outcome.message,
                "cannot read the bundle as alice: cannot start: not an absolute path: relative/doctor"
            );
        }
    }
}
