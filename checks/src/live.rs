//! What the live-probe judges share: a probe's result as a plain value, its
//! evidence, and the outcomes every live check gives when the probe did not
//! report (not run: skip; timed out or broken: error).
//!
//! `userns.create`, `idmap.multi-map` and the `mount.*` checks all start from
//! a [`Live`] value, so their judges stay pure and are tested from hand-built
//! reports.

use crate::check::{Context, Outcome};
use crate::model::{CommonCode, Evidence};
use crate::probe::{ProbeKind, ProbeOutcome, ProbeReport};

/// A probe's result as the judges see it.
#[derive(Clone, Debug, PartialEq)]
pub enum Live {
    /// Live probes are not available here; the reason says why.
    NotRun(String),
    /// The probe was killed at its deadline.
    TimedOut(f64),
    /// The probe could not run or said nothing intelligible.
    Broken(String),
    /// The probe ran and reported.
    Report(ProbeReport),
}

impl Live {
    /// Asks the context for a probe.
    pub fn get(ctx: &Context<'_>, kind: ProbeKind) -> Self {
        Self::from_outcome(ctx.probes.get(kind), ctx.host.is_real())
    }

    /// Turns a probe outcome into a [`Live`]; `real_host` explains a missing one.
    pub fn from_outcome(outcome: Option<ProbeOutcome>, real_host: bool) -> Self {
        match outcome {
            None if real_host => Live::NotRun("live probes not run: probes are disabled".into()),
            None => Live::NotRun(
                "live probes not run: this is a fixture host without canned probe results".into(),
            ),
            Some(ProbeOutcome::TimedOut { seconds }) => Live::TimedOut(seconds),
            Some(ProbeOutcome::Broken { reason }) => Live::Broken(reason),
            Some(ProbeOutcome::Report(report)) => Live::Report(report),
        }
    }

    /// The report, when the probe ran.
    pub fn report(&self) -> Option<&ProbeReport> {
        match self {
            Live::Report(report) => Some(report),
            _ => None,
        }
    }
}

/// The step at which a probe fails when it could not create a process it
/// needs (a sandbox refusing clone3, a process limit): it learnt nothing.
pub const SPAWN_STEP: &str = "spawn";

/// The probe's report, or the outcome every live check gives when it did
/// not report (not run: skip; timed out or broken: error), or when it could
/// not start a process it needs (its `spawn` step: error, `probe-broken`).
// The outcome goes straight back to the caller's caller, once per check.
#[allow(clippy::result_large_err)]
pub fn reported(kind: ProbeKind, live: &Live) -> Result<&ProbeReport, Outcome> {
    match live {
        Live::NotRun(reason) => Err(Outcome::skip(CommonCode::ProbeNotRun, reason.clone())),
        Live::TimedOut(seconds) => Err(Outcome::error(
            CommonCode::ProbeTimedOut,
            format!(
                "the {kind} probe timed out after {} s",
                seconds_text(*seconds)
            ),
        )
        .with(Evidence::Probe {
            name: kind.name().into(),
            ok: false,
            errno: None,
            detail: format!("killed after {} s", seconds_text(*seconds)),
        })),
        Live::Report(report) if report.step.as_deref() == Some(SPAWN_STEP) => Err(Outcome::error(
            CommonCode::ProbeBroken,
            format!("the {kind} probe could not run: {}", report.detail),
        )
        .with(probe_evidence(kind, report))),
        Live::Broken(reason) => Err(Outcome::error(
            CommonCode::ProbeBroken,
            format!("the {kind} probe could not run: {reason}"),
        )
        .with(Evidence::Probe {
            name: kind.name().into(),
            ok: false,
            errno: None,
            detail: reason.clone(),
        })),
        Live::Report(report) => Ok(report),
    }
}

/// Seconds without a needless fraction: `5`, `2.5`.
pub fn seconds_text(seconds: f64) -> String {
    if seconds.is_finite() && seconds.fract() == 0.0 {
        format!("{seconds:.0}")
    } else {
        format!("{seconds:.1}")
    }
}

/// The probe evidence of a report: name, ok, errno and a detail naming the step.
pub fn probe_evidence(kind: ProbeKind, report: &ProbeReport) -> Evidence {
    let detail = match (&report.step, report.detail.is_empty()) {
        (Some(step), true) => format!("failed at {step}"),
        (Some(step), false) if !report.detail.contains(step.as_str()) => {
            format!("failed at {step}: {}", report.detail)
        }
        _ => report.detail.clone(),
    };
    Evidence::Probe {
        name: kind.name().into(),
        ok: report.ok,
        errno: report.errno.clone(),
        detail: cap(&detail, 2000),
    }
}

/// A probe fact by name.
pub fn fact<'r>(report: &'r ProbeReport, name: &str) -> Option<&'r str> {
    report.facts.get(name).map(String::as_str)
}

pub use crate::model::cap;

/// `errno at step`, or whichever of them is known, for messages.
pub fn failure_text(report: &ProbeReport) -> String {
    match (&report.errno, &report.step) {
        (Some(errno), Some(step)) => format!("{errno} at {step}"),
        (Some(errno), None) => errno.clone(),
        (None, Some(step)) => format!("failure at {step}"),
        (None, None) => "an unnamed failure".into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn missing_probes_say_why() {
        let Live::NotRun(real) = Live::from_outcome(None, true) else {
            panic!()
        };
        assert!(real.contains("disabled"));
        let Live::NotRun(fixture) = Live::from_outcome(None, false) else {
            panic!()
        };
        assert!(fixture.contains("fixture host"));
    }

    #[test]
    fn timeouts_and_broken_probes_are_errors() {
        let timed = reported(ProbeKind::Overlay, &Live::TimedOut(5.0)).unwrap_err();
        assert_eq!(timed.status, crate::Status::Error);
        assert_eq!(timed.message, "the overlay probe timed out after 5 s");
        let broken = reported(ProbeKind::Overlay, &Live::Broken("no output".into())).unwrap_err();
        assert_eq!(broken.message, "the overlay probe could not run: no output");
        assert_eq!(seconds_text(2.5), "2.5");
        assert!(timed.is(crate::model::CommonCode::ProbeTimedOut));
        assert!(broken.is(crate::model::CommonCode::ProbeBroken));
        assert!(reported(ProbeKind::Overlay, &Live::Report(ProbeReport::default())).is_ok());
    }

    #[test]
    fn cap_cuts_on_char_boundaries() {
        assert_eq!(cap("abc", 5), "abc");
        assert_eq!(cap("ééé", 3), "é...");
    }

    #[test]
    fn probe_evidence_names_the_step() {
        let report = ProbeReport {
            ok: false,
            step: Some("unshare".into()),
            errno: Some("EPERM".into()),
            detail: "operation not permitted".into(),
            ..Default::default()
        };
        let Evidence::Probe { detail, errno, .. } =
            probe_evidence(ProbeKind::UsernsCreate, &report)
        else {
            panic!()
        };
        assert_eq!(detail, "failed at unshare: operation not permitted");
        assert_eq!(errno.as_deref(), Some("EPERM"));
        assert_eq!(failure_text(&report), "EPERM at unshare");
    }
}
