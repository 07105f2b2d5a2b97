//! The report model: what a check concludes and why.
//!
//! A check ends in one [`Outcome`]: a [`Status`], a one-line message, the
//! [`Evidence`] it was judged on and the [`Remediation`]s that fix it. These are
//! plain data; renderers turn them into human text, JSON and the other formats.

use serde::{Deserialize, Serialize};
use std::fmt;

/// How a check ended.
///
/// For gating, `Pass < Skip < Warn < Fail`; `Error` is outside that order: the
/// check could not be evaluated, which makes a run inconclusive (exit 3) unless
/// a gate tripped anyway.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    /// The requirement is met.
    Pass,
    /// Not applicable here, or blocked by a failed dependency.
    Skip,
    /// Works, but degraded or risky.
    Warn,
    /// Rootless containers will fail, or the requirement is unmet.
    Fail,
    /// The check itself could not be evaluated (timeout, unexpected errno, a bug).
    Error,
}

impl Status {
    /// Every status, in gating order.
    pub const ALL: [Status; 5] = [
        Status::Pass,
        Status::Skip,
        Status::Warn,
        Status::Fail,
        Status::Error,
    ];

    /// The lower-case wire name: `pass`, `skip`, `warn`, `fail`, `error`.
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Pass => "pass",
            Status::Skip => "skip",
            Status::Warn => "warn",
            Status::Fail => "fail",
            Status::Error => "error",
        }
    }
}

impl fmt::Display for Status {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One fact a verdict rests on.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Evidence {
    /// A line (or the whole) of a file; `line` is 1-based.
    File {
        path: String,
        line: Option<u32>,
        text: String,
    },
    /// A kernel or system setting and its value.
    Setting { name: String, value: String },
    /// A command that was run and what it answered.
    Command {
        argv: Vec<String>,
        exit_code: Option<i32>,
        stderr: String,
    },
    /// A live probe and its result.
    Probe {
        name: String,
        ok: bool,
        errno: Option<String>,
        detail: String,
    },
    /// Anything else worth showing, as a name and a value.
    Fact { name: String, value: String },
}

impl Evidence {
    /// A whole file, or a file without a meaningful line.
    pub fn file(path: impl Into<String>, text: impl Into<String>) -> Self {
        Evidence::File {
            path: path.into(),
            line: None,
            text: text.into(),
        }
    }

    /// One line of a file, 1-based.
    pub fn file_line(path: impl Into<String>, line: u32, text: impl Into<String>) -> Self {
        Evidence::File {
            path: path.into(),
            line: Some(line),
            text: text.into(),
        }
    }

    /// A setting and its value.
    pub fn setting(name: impl Into<String>, value: impl Into<String>) -> Self {
        Evidence::Setting {
            name: name.into(),
            value: value.into(),
        }
    }

    /// A named fact.
    pub fn fact(name: impl Into<String>, value: impl Into<String>) -> Self {
        Evidence::Fact {
            name: name.into(),
            value: value.into(),
        }
    }
}

/// One way to fix what a check found.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Remediation {
    /// What the fix does, in a line.
    pub summary: String,
    /// Shell commands, in order.
    pub commands: Vec<String>,
    /// Whether the commands must run as root.
    pub requires_root: bool,
    /// Whether the fix survives a reboot.
    pub persistent: bool,
    /// Another way to the same end as an earlier fix of the same check; the
    /// `setup` script leaves alternatives out.
    pub alternative: bool,
    /// A shell test that succeeds when the fix is already in place, so that
    /// a script running the commands twice does no harm.
    pub unless: Option<String>,
}

impl Remediation {
    /// A fix that needs root and persists, the common case.
    pub fn root(summary: impl Into<String>, commands: Vec<String>) -> Self {
        Remediation {
            summary: summary.into(),
            commands,
            requires_root: true,
            persistent: true,
            alternative: false,
            unless: None,
        }
    }

    /// Marks the fix as another way to the same end as an earlier one.
    pub fn alternative(mut self) -> Self {
        self.alternative = true;
        self
    }

    /// Skips the commands when `test` (a shell test) shows the fix is in place.
    pub fn unless(mut self, test: impl Into<String>) -> Self {
        self.unless = Some(test.into());
        self
    }

    /// Marks the fix as lasting only until reboot.
    pub fn until_reboot(mut self) -> Self {
        self.persistent = false;
        self
    }

    /// Marks the fix as one the subject can apply without root.
    pub fn as_user(mut self) -> Self {
        self.requires_root = false;
        self
    }
}

/// What a check concluded.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Outcome {
    pub status: Status,
    /// One line, lower case, naming the path or value it is about.
    pub message: String,
    pub evidence: Vec<Evidence>,
    pub remediation: Vec<Remediation>,
    /// Why the check was skipped; set only with [`Status::Skip`].
    pub skip_reason: Option<String>,
}

impl Outcome {
    fn new(status: Status, message: impl Into<String>) -> Self {
        Outcome {
            status,
            message: message.into(),
            evidence: Vec::new(),
            remediation: Vec::new(),
            skip_reason: None,
        }
    }

    pub fn pass(message: impl Into<String>) -> Self {
        Outcome::new(Status::Pass, message)
    }

    pub fn warn(message: impl Into<String>) -> Self {
        Outcome::new(Status::Warn, message)
    }

    pub fn fail(message: impl Into<String>) -> Self {
        Outcome::new(Status::Fail, message)
    }

    pub fn error(message: impl Into<String>) -> Self {
        Outcome::new(Status::Error, message)
    }

    /// A skip; the reason doubles as the message.
    pub fn skip(reason: impl Into<String>) -> Self {
        let reason = reason.into();
        let mut outcome = Outcome::new(Status::Skip, reason.clone());
        outcome.skip_reason = Some(reason);
        outcome
    }

    /// A skip because another check did not pass: "blocked by ID".
    pub fn blocked_by(id: &str) -> Self {
        Outcome::skip(format!("blocked by {id}"))
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
