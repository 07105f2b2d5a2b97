//! The JSON document of `rootless-doctor explain`, schema_version 1.
//!
//! Contract: [`ExplainDoc`] serialises to the shape described by
//! `docs/explain.schema.json`. `checks` holds the host or bundle check results
//! that were run, already in the report's wire shape (the CLI renders them with
//! its own report types and passes them in as JSON values); it is empty with
//! `--no-probe`. Field order is fixed; optional values are `null`, not absent.

use super::{Confirmed, Explanation, Match};
use crate::model::Remediation;
use serde::Serialize;

/// The schema version of the explain document.
pub const SCHEMA_VERSION: u32 = 1;

/// The whole explain document.
#[derive(Clone, Debug, Serialize)]
pub struct ExplainDoc {
    pub schema_version: u32,
    /// True when only follow-up lines were recognised: paste the earlier lines.
    pub needs_more: bool,
    /// Candidate causes, best first; empty for unknown text.
    pub causes: Vec<WireCause>,
    /// The check results that were run, in the host report's shape.
    pub checks: Vec<serde_json::Value>,
}

/// One candidate cause.
#[derive(Clone, Debug, Serialize)]
pub struct WireCause {
    pub id: &'static str,
    pub title: &'static str,
    pub explanation: &'static str,
    /// Ids of the checks that confirm or rule out this cause.
    pub checks: Vec<&'static str>,
    /// true confirmed on this host, false ruled out, null undecided.
    pub confirmed: Option<bool>,
    /// The checks whose result supports the cause.
    pub supported_by: Vec<&'static str>,
    /// `named`, `specific`, `shared` or `follow-up`.
    pub strength: &'static str,
    /// 1-based line of the paste that matched.
    pub line: usize,
    /// That line, trimmed and capped.
    pub excerpt: String,
    /// Field weight plus evidence: orders candidates of one strength.
    pub score: i32,
    /// Why the evidence moved the score (`+60: requested id … lies past …`).
    pub evidence: Vec<String>,
    pub remediation: Vec<WireRemediation>,
}

/// One fix, in the report's remediation shape.
#[derive(Clone, Debug, Serialize)]
pub struct WireRemediation {
    pub summary: String,
    pub commands: Vec<String>,
    pub requires_root: bool,
    pub persistent: bool,
}

impl From<&Remediation> for WireRemediation {
    fn from(r: &Remediation) -> Self {
        WireRemediation {
            summary: r.summary.clone(),
            commands: r.commands.clone(),
            requires_root: r.requires_root,
            persistent: r.persistent,
        }
    }
}

fn cause_of(
    m: &Match,
    confirmed: Option<bool>,
    supported_by: Vec<&'static str>,
    fixes: &[Remediation],
) -> WireCause {
    WireCause {
        id: m.cause.id,
        title: m.cause.title,
        explanation: m.cause.explanation,
        checks: m.cause.check_ids(),
        confirmed,
        supported_by,
        strength: m.strength.as_str(),
        line: m.line,
        excerpt: m.excerpt.clone(),
        score: m.score,
        evidence: m.evidence.clone(),
        remediation: fixes.iter().map(WireRemediation::from).collect(),
    }
}

impl ExplainDoc {
    /// The document for a paste explained from the text alone (`--no-probe`):
    /// every `confirmed` is null and the remediation is the generic one.
    pub fn from_text(explanation: &Explanation) -> Self {
        ExplainDoc {
            schema_version: SCHEMA_VERSION,
            needs_more: explanation.needs_more(),
            causes: explanation
                .matches
                .iter()
                .map(|m| cause_of(m, None, Vec::new(), &super::remediation(m.cause)))
                .collect(),
            checks: Vec::new(),
        }
    }

    /// The document after confirmation; `checks` are the results that were
    /// run, rendered by the caller in the report's check shape.
    pub fn from_confirmed(
        explanation: &Explanation,
        confirmed: &[Confirmed],
        checks: Vec<serde_json::Value>,
    ) -> Self {
        ExplainDoc {
            schema_version: SCHEMA_VERSION,
            needs_more: explanation.needs_more(),
            causes: confirmed
                .iter()
                .map(|c| {
                    cause_of(
                        &c.candidate,
                        c.confirmed,
                        c.supported_by.clone(),
                        &c.remediation,
                    )
                })
                .collect(),
            checks,
        }
    }
}
