//! Confirming or ruling out candidate causes with check results.
//!
//! Contract: each [`CheckRef`] of a cause reads the result of its check and
//! gives one verdict, from the outcome's status, finding code and `blocked_by`
//! alone (never from its wording):
//! - **supports**: the check ended in `fail` or `warn`, and the reference lists
//!   no codes or the outcome names one of them (as its code, or among the
//!   further problems of `also`);
//! - **against**: the check ended in `pass`; or in `fail`/`warn` with another
//!   code (it found a different problem); or in `skip` without `blocked_by`
//!   for a reason of its own (the feature is absent or not needed here, so the
//!   cause cannot apply);
//! - **inconclusive**: the check did not run, ended in `error`, or was skipped
//!   because another check blocked it (`blocked_by` is set), because its live
//!   probe was not run (code `probe-not-run`), or because it judges root's
//!   engines and the subject is not root (code `root-only`); or the reference
//!   has a `rules_out` test (over the outcome's typed facts) that an outcome
//!   otherwise against the cause does not pass.
//!
//! A cause is confirmed (`Some(true)`) when at least one check supports it,
//! ruled out (`Some(false)`) when it has checks, all of them are against it,
//! and `None` otherwise (no checks, or some inconclusive and none supporting).
//! The result keeps the explanation's order, stably re-ranked: confirmed
//! first, then undecided, then ruled out.

use super::{Cause, CheckRef, Explanation, Match};
use crate::check::{CheckDef, CheckResult, Outcome};
use crate::model::{CommonCode, Remediation, Status};

/// A candidate cause with its verdict on this host.
#[derive(Clone, Debug)]
pub struct Confirmed {
    /// The candidate, as found in the paste.
    pub candidate: Match,
    /// `Some(true)` confirmed, `Some(false)` ruled out, `None` undecided.
    pub confirmed: Option<bool>,
    /// Ids of the checks that support the cause.
    pub supported_by: Vec<&'static str>,
    /// The fixes: those of the supporting checks (distribution-aware), then the
    /// cause's generic ones.
    pub remediation: Vec<Remediation>,
}

impl Confirmed {
    /// The cause.
    pub fn cause(&self) -> &'static Cause {
        self.candidate.cause
    }
}

/// What one check's result says about a cause.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Verdict {
    Supports,
    Against,
    Inconclusive,
}

/// Judges every candidate of `explanation` against host or bundle results.
pub fn confirm(explanation: &Explanation, results: &[CheckResult]) -> Vec<Confirmed> {
    let pairs: Vec<(&'static CheckDef, &Outcome)> =
        results.iter().map(|r| (r.def, &r.outcome)).collect();
    confirm_outcomes(explanation, &pairs)
}

/// Like [`confirm`], from `(check, outcome)` pairs (bundle checks, tests).
pub fn confirm_outcomes(
    explanation: &Explanation,
    results: &[(&'static CheckDef, &Outcome)],
) -> Vec<Confirmed> {
    let mut out: Vec<Confirmed> = explanation
        .matches
        .iter()
        .map(|m| judge_cause(m, results))
        .collect();
    out.sort_by_key(|c| match c.confirmed {
        Some(true) => 0,
        None => 1,
        Some(false) => 2,
    });
    out
}

fn judge_cause(candidate: &Match, results: &[(&'static CheckDef, &Outcome)]) -> Confirmed {
    let cause = candidate.cause;
    let mut supported_by = Vec::new();
    let mut all_against = !cause.checks.is_empty();
    let mut fixes: Vec<Remediation> = Vec::new();
    for check in cause.checks {
        let outcome = results
            .iter()
            .find(|(def, _)| **def == *check.check)
            .map(|(_, o)| *o);
        match verdict(check, outcome) {
            Verdict::Supports => {
                all_against = false;
                if !supported_by.contains(&check.id()) {
                    supported_by.push(check.id());
                }
                if let Some(o) = outcome {
                    for r in &o.remediation {
                        if !fixes.contains(r) {
                            fixes.push(r.clone());
                        }
                    }
                }
            }
            Verdict::Against => {}
            Verdict::Inconclusive => all_against = false,
        }
    }
    let confirmed = if !supported_by.is_empty() {
        Some(true)
    } else if all_against {
        Some(false)
    } else {
        None
    };
    for r in remediation(cause) {
        if !fixes.contains(&r) {
            fixes.push(r);
        }
    }
    Confirmed {
        candidate: candidate.clone(),
        confirmed,
        supported_by,
        remediation: fixes,
    }
}

/// The generic remediation of a cause (what `--no-probe` shows).
pub fn remediation(cause: &Cause) -> Vec<Remediation> {
    cause
        .remediation
        .iter()
        .map(|f| f.to_remediation())
        .collect()
}

/// The verdict of one check's outcome (`None`: it did not run) on a cause.
fn verdict(check: &CheckRef, outcome: Option<&Outcome>) -> Verdict {
    let Some(outcome) = outcome else {
        return Verdict::Inconclusive;
    };
    match (read(check, outcome), check.rules_out) {
        (Verdict::Against, Some(rules_out)) if !rules_out(outcome) => Verdict::Inconclusive,
        (verdict, _) => verdict,
    }
}

/// The verdict of the outcome's status and codes alone.
fn read(check: &CheckRef, outcome: &Outcome) -> Verdict {
    match outcome.status {
        Status::Error => Verdict::Inconclusive,
        Status::Pass => Verdict::Against,
        Status::Skip if outcome.blocked_by.is_some() => Verdict::Inconclusive,
        // Its probe was not run: nothing was learnt about the cause.
        Status::Skip if outcome.is(CommonCode::ProbeNotRun) => Verdict::Inconclusive,
        // It judges root's engines and the subject is not root: not decided.
        Status::Skip if outcome.is(CommonCode::RootOnly) => Verdict::Inconclusive,
        Status::Skip => Verdict::Against,
        Status::Warn | Status::Fail => {
            let named = check.codes.iter().any(|&code| outcome.names(code));
            if check.codes.is_empty() || named {
                Verdict::Supports
            } else {
                Verdict::Against
            }
        }
    }
}
