//! The report's plain data: [`Status`], finding [`Code`]s, [`Evidence`] and
//! [`Remediation`]. A check's conclusion, the [`Outcome`](crate::check::Outcome),
//! is built from them in `check.rs`; renderers turn them into human text, JSON
//! and the other formats.

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

/// At most `max` bytes of `text`, cut on a character boundary, marked when cut.
pub fn cap(text: &str, max: usize) -> String {
    if text.len() <= max {
        return text.to_string();
    }
    let mut end = max;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    format!("{}...", &text[..end])
}

/// A finding code: the stable, kebab-case name of one kind of non-pass
/// outcome of a check (`clone-sysctl-off`, `range-too-small`, `blocked`).
///
/// Codes are unique within a check and never renamed; programs (explain, the
/// capabilities, users' CI) decide on a check's id and code, never on its
/// message. Each family declares its codes as an enum with
/// [`finding_codes!`](crate::finding_codes), which converts into this type;
/// [`CommonCode`] holds the few that any check may give.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Code(&'static str);

impl Code {
    /// A code with this name; families declare theirs with
    /// [`finding_codes!`](crate::finding_codes) rather than calling this.
    pub const fn new(name: &'static str) -> Self {
        Code(name)
    }

    /// The wire name.
    pub const fn as_str(self) -> &'static str {
        self.0
    }
}

impl fmt::Display for Code {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.0)
    }
}

impl Serialize for Code {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.0)
    }
}

/// Declares a family's finding codes: an enum whose variants each carry
/// their kebab-case wire name and a doc comment saying what they mean, with
/// `ALL`, `code()` and `as_str()`, and a conversion into [`Code`].
///
/// ```
/// checks::finding_codes! {
///     /// Codes of an example family.
///     pub enum Code {
///         /// The knob is off.
///         KnobOff = "knob-off",
///     }
/// }
/// assert_eq!(Code::KnobOff.as_str(), "knob-off");
/// ```
#[macro_export]
macro_rules! finding_codes {
    (
        $(#[$meta:meta])*
        $vis:vis enum $name:ident {
            $( $(#[$vmeta:meta])* $variant:ident = $text:literal, )+
        }
    ) => {
        $(#[$meta])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
        $vis enum $name {
            $( $(#[$vmeta])* $variant, )+
        }

        impl $name {
            /// Every code of the enum, in declaration order.
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            /// The code as the report carries it.
            pub const fn code(self) -> $crate::model::Code {
                match self {
                    $( $name::$variant => $crate::model::Code::new($text), )+
                }
            }

            /// The wire name.
            pub const fn as_str(self) -> &'static str {
                self.code().as_str()
            }
        }

        impl From<$name> for $crate::model::Code {
            fn from(code: $name) -> Self {
                code.code()
            }
        }
    };
}

finding_codes! {
    /// Codes any check may give, besides its family's own.
    pub enum CommonCode {
        /// Skipped: a check this one depends on did not pass (`blocked_by` names it).
        Blocked = "blocked",
        /// Skipped: live probes were not run (`--no-probe`, or a fixture host
        /// without canned results).
        ProbeNotRun = "probe-not-run",
        /// Error: the live probe was killed at its `--timeout` deadline.
        ProbeTimedOut = "probe-timed-out",
        /// Error: the live probe could not be started, or said nothing intelligible.
        ProbeBroken = "probe-broken",
        /// Error: the check itself panicked; a bug, reported instead of a crash.
        CheckPanicked = "check-panicked",
        /// Error: the child that evaluates the check as the subject could not
        /// start, timed out, or answered something unreadable.
        ChildFailed = "child-failed",
        /// Skipped: the check judges what root's own engines use, and the
        /// subject is not root; explain leaves the causes it decides undecided.
        RootOnly = "root-only",
    }
}
