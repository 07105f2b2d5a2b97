//! Confirming or ruling out candidate causes with check results.
//!
//! Contract: each [`CheckRef`] of a cause reads the result of the check with
//! that id and gives one verdict:
//! - **supports**: the check ended in `fail` or `warn`, and its `when` list is
//!   empty or one of its substrings occurs in the outcome's message or skip
//!   reason (lower-cased; evidence is not matched, since it also lists facts
//!   that rule causes out);
//! - **against**: the check ended in `pass`; or in `fail`/`warn` for a reason
//!   its `when` list does not recognise (it found a different problem); or in
//!   `skip` for a reason other than `blocked by …` (the feature is absent or
//!   not needed here, so the cause cannot apply);
//! - **inconclusive**: the check did not run, ended in `error`, or was skipped
//!   as `blocked by` another check.
//!
//! A cause is confirmed (`Some(true)`) when at least one check supports it,
//! ruled out (`Some(false)` ) when it has checks, all of them are against it,
//! and `None` otherwise (no checks, or some inconclusive and none supporting).
//! The result keeps the explanation's order, stably re-ranked: confirmed
//! first, then undecided, then ruled out.

use super::{Cause, CheckRef, Explanation, Match};
use crate::model::{Outcome, Remediation, Status};
use crate::registry::CheckResult;

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

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Verdict {
    Supports,
    Against,
    Inconclusive,
}

/// Judges every candidate of `explanation` against host or bundle results.
pub fn confirm(explanation: &Explanation, results: &[CheckResult]) -> Vec<Confirmed> {
    let pairs: Vec<(&str, &Outcome)> = results.iter().map(|r| (r.def.id, &r.outcome)).collect();
    confirm_outcomes(explanation, &pairs)
}

/// Like [`confirm`], from `(check id, outcome)` pairs (bundle checks, tests).
pub fn confirm_outcomes(explanation: &Explanation, results: &[(&str, &Outcome)]) -> Vec<Confirmed> {
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

fn judge_cause(candidate: &Match, results: &[(&str, &Outcome)]) -> Confirmed {
    let cause = candidate.cause;
    let mut supported_by = Vec::new();
    let mut all_against = !cause.checks.is_empty();
    let mut fixes: Vec<Remediation> = Vec::new();
    for check in cause.checks {
        let outcome = results
            .iter()
            .find(|(id, _)| *id == check.id)
            .map(|(_, o)| *o);
        match verdict(check, outcome) {
            Verdict::Supports => {
                all_against = false;
                if !supported_by.contains(&check.id) {
                    supported_by.push(check.id);
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

fn verdict(check: &CheckRef, outcome: Option<&Outcome>) -> Verdict {
    let Some(outcome) = outcome else {
        return Verdict::Inconclusive;
    };
    match outcome.status {
        Status::Error => Verdict::Inconclusive,
        Status::Pass => Verdict::Against,
        Status::Skip => {
            let reason = outcome.skip_reason.as_deref().unwrap_or(&outcome.message);
            if reason
                .trim_start()
                .to_ascii_lowercase()
                .starts_with("blocked by")
            {
                Verdict::Inconclusive
            } else {
                Verdict::Against
            }
        }
        Status::Warn | Status::Fail => {
            if check.when.is_empty() {
                return Verdict::Supports;
            }
            let text = outcome_text(outcome);
            if check.when.iter().any(|w| text.contains(w)) {
                Verdict::Supports
            } else {
                Verdict::Against
            }
        }
    }
}

/// Message and skip reason of an outcome, lower-cased, for `when`. The
/// message names the cause a check found; evidence also lists facts that
/// ruled other causes out (a `Seccomp: 0` line), so it is not matched.
fn outcome_text(outcome: &Outcome) -> String {
    let mut text = outcome.message.clone();
    if let Some(reason) = &outcome.skip_reason {
        text.push('\n');
        text.push_str(reason);
    }
    text.to_lowercase()
}
