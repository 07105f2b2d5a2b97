//! A list of problems one bundle check found, concluded into one outcome:
//! failures before warnings, each kind in the order the runtime meets them
//! (`stage`), the first as the message, the others as `also` and evidence.
//! Used by `bundle.namespaces`, `bundle.resources`, `bundle.seccomp` and
//! `bundle.devices`.

use super::Code;
use crate::check::Outcome;
use crate::model::{Evidence, Remediation, Status};

/// One thing the runtime refuses (or warns about), and why.
#[derive(Clone, Debug)]
pub struct Problem {
    /// `Fail` or `Warn`.
    pub status: Status,
    /// When the runtime meets it: 0 spec conversion, 1 validation, 2 before
    /// the namespaces, 3 nsexec, 4 container init.
    pub stage: u8,
    pub code: Code,
    pub message: String,
    pub fix: Option<Remediation>,
}

impl Problem {
    pub fn fail(stage: u8, code: Code, message: impl Into<String>) -> Self {
        Problem {
            status: Status::Fail,
            stage,
            code,
            message: message.into(),
            fix: None,
        }
    }

    pub fn warn(stage: u8, code: Code, message: impl Into<String>) -> Self {
        Problem {
            status: Status::Warn,
            ..Problem::fail(stage, code, message)
        }
    }

    pub fn fix(mut self, fix: Remediation) -> Self {
        self.fix = Some(fix);
        self
    }
}

/// The outcome of `problems`: a pass with `pass` when there are none.
pub fn conclude(mut problems: Vec<Problem>, evidence: Vec<Evidence>, pass: String) -> Outcome {
    problems.sort_by_key(|p| (p.status != Status::Fail, p.stage));
    let Some(first) = problems.first() else {
        return Outcome::pass(pass).with_all(evidence);
    };
    let mut out = Outcome::judged(first.status, first.code, first.message.clone())
        .also(problems.iter().skip(1).map(|p| p.code))
        .with_all(evidence);
    for p in problems.iter().skip(1) {
        out = out.with(Evidence::fact("also", p.message.clone()));
    }
    let mut fixes: Vec<Remediation> = Vec::new();
    for fix in problems.into_iter().filter_map(|p| p.fix) {
        if !fixes.contains(&fix) {
            fixes.push(fix);
        }
    }
    out.fixes(fixes)
}

/// `jq FILTER config > config.new && mv config.new config`, quoted.
pub fn jq(config: &str, filter: &str) -> String {
    use crate::shell::quote;
    let new = format!("{config}.new");
    let (config, new) = (quote(config), quote(&new));
    format!("jq {} {config} > {new} && mv {new} {config}", quote(filter))
}
