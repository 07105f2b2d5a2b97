//! `explain`: from a pasted error message to its causes, and the checks that
//! confirm or rule them out on this host.
//!
//! Contract:
//! - [`CAUSES`] is the catalogue: stable kebab-case ids, a title, an
//!   explanation, the message patterns that point at the cause, the checks that
//!   confirm it (by [`CheckDef`] and finding code, never by message) and a
//!   generic remediation.
//! - [`explain`] (and [`explain_reader`] for a stream) reads a paste line by
//!   line, normalises each line ([`normalize()`]) and matches it against the
//!   patterns. It runs in time linear in the input and in bounded memory (a line
//!   longer than [`WINDOW`] bytes is read in overlapping windows), never panics
//!   and never prints. Candidates come back ranked; several causes for the same
//!   text are all returned.
//! - [`confirm()`] judges each candidate against check results: `Some(true)` when
//!   one of its checks failed or warned with a code that names the cause,
//!   `Some(false)` when every one of its checks gave a conclusive answer and none
//!   supports it, `None` otherwise (see [`confirm()`] for the exact rule).
//! - [`wire`] holds the serde types of the JSON document (`schema_version` 1,
//!   `docs/explain.schema.json`).
//!
//! Pattern syntax: a pattern is one or more fragments separated by `…`; each
//! fragment is normalised like the paste, and the fragments must occur in that
//! order on one line (anything may sit between them). No regular expressions.

mod catalog;
mod confirm;
pub mod evidence;
mod matcher;
pub mod normalize;
pub mod weights;
pub mod wire;

#[cfg(test)]
mod tests;

pub use catalog::CAUSES;
pub use confirm::{confirm, confirm_outcomes, remediation, Confirmed};
pub use evidence::{Evidence, HostIds};
pub use matcher::WINDOW;
pub use normalize::normalize;

use crate::check::CheckDef;
use crate::model::{Code, Remediation};
use std::io::{self, Read};

/// How strongly a pattern points at its cause; also the ranking order.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Strength {
    /// The tool names the cause itself (it read the knob or the file).
    Named,
    /// A message only this cause produces. Like `Named`, it explains its line:
    /// shared and follow-up candidates that matched a line together with a
    /// named or specific cause are dropped.
    Specific,
    /// Generic wording that several causes share; the checks decide.
    Shared,
    /// A consequence line printed after the real error (`can't get final
    /// child's PID from pipe: EOF`, `ldconfig failed`). Only reported when the
    /// paste holds nothing else, and then flagged as needing the earlier lines.
    FollowUp,
}

impl Strength {
    /// The wire name: `named`, `specific`, `shared`, `follow-up`.
    pub fn as_str(self) -> &'static str {
        match self {
            Strength::Named => "named",
            Strength::Specific => "specific",
            Strength::Shared => "shared",
            Strength::FollowUp => "follow-up",
        }
    }
}

/// One message pattern of a cause.
#[derive(Debug)]
pub struct Pattern {
    /// Fragments separated by `…`, written as the tool prints them.
    pub text: &'static str,
    /// How strongly it points at the cause.
    pub strength: Strength,
}

impl Pattern {
    /// Whether this is a follow-up line rather than the error itself.
    pub fn is_follow_up(&self) -> bool {
        self.strength == Strength::FollowUp
    }
}

/// A check that can confirm a cause, and the findings of it that do.
#[derive(Clone, Copy, Debug)]
pub struct CheckRef {
    /// A host or bundle check (`userns::CLONE_SYSCTL`, `bundle::USER`, …).
    pub check: &'static CheckDef,
    /// A fail or warn of the check supports the cause only when it carries
    /// one of these codes (codes the check declares); empty means any fail or
    /// warn supports it.
    pub codes: &'static [Code],
    /// When set, an outcome that would count against the cause (a pass, a
    /// skip of its own, a fail or warn with another code) does so only when
    /// this returns true, read from the outcome's typed facts; otherwise it
    /// is inconclusive. For a check whose pass cannot rule the cause out
    /// everywhere (it sees only some of the cause's triggers).
    pub rules_out: Option<fn(&crate::check::Outcome) -> bool>,
}

impl CheckRef {
    /// The check's id.
    pub fn id(&self) -> &'static str {
        self.check.id
    }
}

/// A distribution-independent fix, in the report's remediation shape.
#[derive(Debug)]
pub struct Fix {
    /// What the fix does, in a line.
    pub summary: &'static str,
    /// Shell commands, in order; empty when the fix is a change to describe.
    pub commands: &'static [&'static str],
    /// Whether the commands must run as root.
    pub requires_root: bool,
    /// Whether the fix survives a reboot.
    pub persistent: bool,
}

impl Fix {
    /// The fix as a report [`Remediation`].
    pub fn to_remediation(&self) -> Remediation {
        let mut fix = Remediation::root(
            self.summary,
            self.commands.iter().map(|c| c.to_string()).collect(),
        );
        fix.requires_root = self.requires_root;
        fix.persistent = self.persistent;
        fix
    }
}

/// One known cause of rootless container failures.
///
/// `Copy` so that the catalogue's sections can be laid end to end at compile
/// time; every field is a `'static` reference.
#[derive(Clone, Copy, Debug)]
pub struct Cause {
    /// Stable kebab-case id.
    pub id: &'static str,
    /// A short noun phrase, lower case.
    pub title: &'static str,
    /// Why it happens, a few sentences.
    pub explanation: &'static str,
    /// The messages that point at it.
    pub patterns: &'static [Pattern],
    /// The checks that confirm it on a host or bundle.
    pub checks: &'static [CheckRef],
    /// Generic remediation, independent of the distribution.
    pub remediation: &'static [Fix],
    /// More specific causes that explain the same text: when one of them
    /// matched anywhere in the paste, this cause is dropped.
    pub yields_to: &'static [&'static str],
}

impl Cause {
    /// The ids of the checks that confirm this cause.
    pub fn check_ids(&self) -> Vec<&'static str> {
        self.checks.iter().map(CheckRef::id).collect()
    }
}

/// The cause with this id.
pub fn find(id: &str) -> Option<&'static Cause> {
    CAUSES.iter().find(|c| c.id == id)
}

/// One candidate cause found in the paste.
#[derive(Clone, Debug)]
pub struct Match {
    /// The cause.
    pub cause: &'static Cause,
    /// 1-based line of the paste where its strongest pattern matched first.
    pub line: usize,
    /// That line as pasted, trimmed and capped at [`EXCERPT_MAX`] bytes.
    pub excerpt: String,
    /// The strength of that pattern.
    pub strength: Strength,
    /// The field weight of the cause for the wording that matched
    /// ([`weights`]), the best among its patterns of that strength.
    pub weight: i32,
    /// The weight plus the evidence's changes: orders candidates of equal
    /// strength (higher first).
    pub score: i32,
    /// Why the evidence moved the score, one reason per change, with the
    /// change (`+60: requested id … lies past …`).
    pub evidence: Vec<String>,
    /// Every line the cause matched was a warning (`WARN[…]`,
    /// `level=warning`, `WARNING:`): context rather than the failure.
    pub warning_only: bool,
}

/// Longest excerpt kept per match, in bytes.
pub const EXCERPT_MAX: usize = 400;

/// What a paste says.
#[derive(Clone, Debug, Default)]
pub struct Explanation {
    /// Candidate causes, best first.
    pub matches: Vec<Match>,
    /// Only follow-up lines were found: the real error is printed above them,
    /// so the user should paste the earlier lines. The matches are the causes
    /// that usually precede such a line.
    pub follow_up_only: bool,
    /// What the decoders and hints read in the paste (numbers, paths,
    /// programs, setting); [`Explanation::with_host`] weighs it again against
    /// the host's ids.
    pub decoded: Evidence,
}

impl Explanation {
    /// Whether the earlier lines are needed (same as `follow_up_only`).
    pub fn needs_more(&self) -> bool {
        self.follow_up_only
    }

    /// Whether nothing in the paste was recognised.
    pub fn is_unknown(&self) -> bool {
        self.matches.is_empty()
    }

    /// The same candidates scored again with the subject's real ids and
    /// subordinate ranges (`explain` without `--no-probe`): requested ids and
    /// id mapping arguments are compared with the host's ranges.
    pub fn with_host(&self, host: &HostIds) -> Explanation {
        let mut out = self.clone();
        for m in &mut out.matches {
            score(m, &self.decoded, Some(host));
        }
        rank(&mut out.matches);
        out
    }
}

/// Sets a candidate's score and evidence from its weight and the paste's evidence.
pub(crate) fn score(m: &mut Match, decoded: &Evidence, host: Option<&HostIds>) {
    let changes = evidence::deltas(decoded, host, m.cause.id);
    m.score = m.weight + changes.iter().map(|(d, _)| d).sum::<i32>();
    m.evidence = changes
        .into_iter()
        .map(|(d, why)| format!("{d:+}: {why}"))
        .collect();
}

/// The ranking: when some candidate matched an error line, candidates seen
/// only on warning lines go last (a warning is context, not the failure);
/// then strength (named, specific, shared, follow-up), then score (higher
/// first), then catalogue order. Deterministic.
pub(crate) fn rank(matches: &mut [Match]) {
    let demote = matches.iter().any(|m| !m.warning_only);
    let index = |c: &Cause| {
        CAUSES
            .iter()
            .position(|k| std::ptr::eq(k, c))
            .unwrap_or(usize::MAX)
    };
    matches.sort_by_key(|m| {
        (
            demote && m.warning_only,
            m.strength,
            std::cmp::Reverse(m.score),
            index(m.cause),
        )
    });
}

/// Explains a paste held in memory.
pub fn explain(text: &str) -> Explanation {
    explain_bytes(text.as_bytes())
}

/// Explains a paste of arbitrary bytes (invalid UTF-8 is tolerated).
pub fn explain_bytes(bytes: &[u8]) -> Explanation {
    let mut scan = matcher::Scan::new();
    for line in bytes.split(|&b| b == b'\n') {
        scan.line(line);
    }
    scan.finish()
}

/// Explains a paste read from a stream, in bounded memory.
pub fn explain_reader<R: Read>(reader: R) -> io::Result<Explanation> {
    let mut scan = matcher::Scan::new();
    let mut reader = reader;
    let mut buf = vec![0u8; 64 * 1024];
    // The current line, kept to at most WINDOW bytes; longer lines are fed in
    // overlapping windows as they stream past.
    let mut line: Vec<u8> = Vec::with_capacity(WINDOW);
    let mut long = false;
    loop {
        let n = match reader.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        for &b in &buf[..n] {
            if b == b'\n' {
                scan.line_end(&line, long);
                line.clear();
                long = false;
                continue;
            }
            line.push(b);
            if line.len() >= WINDOW {
                scan.window(&line);
                let keep = matcher::OVERLAP;
                let tail = line.len() - keep;
                line.drain(..tail);
                long = true;
            }
        }
    }
    if !line.is_empty() || long {
        scan.line_end(&line, long);
    }
    Ok(scan.finish())
}
