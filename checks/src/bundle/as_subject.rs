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

use super::{run_bundle, BUNDLE_CHECKS};
use crate::host::HostFs;
use crate::model::Outcome;
use crate::os_release::OsRelease;
use crate::privdrop::{self, Creds};
use crate::probe::{NoProbes, PROBE_ARG};
use crate::registry::{CheckResult, Context};
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
}

/// One check's answer from the child.
#[derive(Clone, Debug, Serialize, Deserialize)]
struct Answer {
    id: String,
    outcome: Outcome,
    duration_ms: f64,
}

/// Runs every bundle check on `dir` (made absolute against the current
/// directory) with the subject's rights: in-process when the doctor is the
/// subject, else in a child that is the subject, bounded by `timeout`.
pub fn run_bundle_for(ctx: &Context<'_>, dir: &Path, timeout: Duration) -> Vec<CheckResult> {
    let dir = std::path::absolute(dir).unwrap_or_else(|_| dir.to_path_buf());
    match Creds::for_subject(ctx.subject) {
        Some(creds) if ctx.host.is_real() => {
            in_child(Path::new(SELF_EXE), ctx.subject, &dir, creds, timeout)
        }
        _ => run_bundle(ctx, &dir),
    }
}

fn in_child(
    exe: &Path,
    subject: &Subject,
    dir: &Path,
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
        .and_then(|stdout| answers(&stdout));
    match result {
        Ok(results) => results,
        Err(why) => {
            let message = format!("cannot read the bundle as {}: {why}", subject.name);
            BUNDLE_CHECKS
                .iter()
                .map(|def| CheckResult {
                    def,
                    outcome: Outcome::error(message.clone()),
                    duration: Duration::ZERO,
                })
                .collect()
        }
    }
}

/// The child's answers as results, in report order; every check must answer.
fn answers(stdout: &[u8]) -> Result<Vec<CheckResult>, String> {
    if stdout.len() >= crate::probe::ANSWER_CAP {
        return Err(format!(
            "the answer is larger than {} bytes",
            crate::probe::ANSWER_CAP
        ));
    }
    let answers: Vec<Answer> =
        serde_json::from_slice(stdout).map_err(|e| format!("invalid answer: {e}"))?;
    BUNDLE_CHECKS
        .iter()
        .map(|def| {
            let answer = answers
                .iter()
                .find(|a| a.id == def.id)
                .ok_or_else(|| format!("no answer for {}", def.id))?;
            Ok(CheckResult {
                def,
                outcome: answer.outcome.clone(),
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
    let ctx = Context::new(&host, &subject, &os, &NoProbes);
    let answers: Vec<Answer> = run_bundle(&ctx, &request.dir)
        .into_iter()
        .map(|r| Answer {
            id: r.def.id.to_string(),
            outcome: r.outcome,
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
    use crate::model::Status;

    #[test]
    fn answers_come_back_in_report_order_and_all_are_needed() {
        let all: Vec<Answer> = BUNDLE_CHECKS
            .iter()
            .rev()
            .map(|def| Answer {
                id: def.id.to_string(),
                outcome: Outcome::fail(format!("{} failed", def.id)),
                duration_ms: 1.5,
            })
            .collect();
        let text = serde_json::to_vec(&all).unwrap();
        let results = answers(&text).unwrap();
        let ids: Vec<&str> = results.iter().map(|r| r.def.id).collect();
        let expected: Vec<&str> = BUNDLE_CHECKS.iter().map(|d| d.id).collect();
        assert_eq!(ids, expected);
        assert_eq!(results[0].outcome.status, Status::Fail);
        assert_eq!(results[0].duration, Duration::from_micros(1500));
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
            Path::new("/b"),
            creds,
            Duration::from_secs(1),
        );
        assert_eq!(results.len(), BUNDLE_CHECKS.len());
        for r in &results {
            assert_eq!(r.outcome.status, Status::Error);
            assert_eq!(
                r.outcome.message,
                "cannot read the bundle as alice: cannot start: not an absolute path: relative/doctor"
            );
        }
    }
}
