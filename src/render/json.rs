//! The JSON report, schema_version 1 (docs/report.schema.json).
//!
//! Wire types are separate from the model so the contract changes only on
//! purpose. Optional values are `null`, never absent.

use crate::report::Report;
use checks::capabilities::Capabilities;
use checks::check::EngineVerdict;
use checks::{CheckResult, Evidence, Remediation, Status};
use serde::Serialize;

/// The version of this document's shape.
pub(crate) const SCHEMA_VERSION: u32 = 1;

#[derive(Serialize)]
struct WireReport<'a> {
    schema_version: u32,
    tool: WireTool,
    host: WireHost<'a>,
    subject: WireSubject<'a>,
    #[serde(skip_serializing_if = "Option::is_none")]
    capabilities: Option<WireCapabilities>,
    #[serde(skip_serializing_if = "Option::is_none")]
    engines: Option<Vec<WireEngine<'a>>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    bundle: Option<WireBundle>,
    summary: WireSummary,
    checks: Vec<WireCheck<'a>>,
}

#[derive(Serialize)]
struct WireTool {
    name: &'static str,
    version: &'static str,
}

#[derive(Serialize)]
struct WireHost<'a> {
    kernel_release: &'a str,
    arch: &'a str,
    hostname: &'a str,
    os_release: WireOsRelease<'a>,
    running_as_root: bool,
    in_container: bool,
}

#[derive(Serialize)]
struct WireOsRelease<'a> {
    id: &'a str,
    id_like: &'a [String],
    version_id: Option<&'a str>,
    pretty_name: Option<&'a str>,
}

#[derive(Serialize)]
struct WireSubject<'a> {
    name: &'a str,
    uid: u32,
    gid: u32,
}

/// One entry of `engines` (host reports only).
#[derive(Serialize)]
struct WireEngine<'a> {
    name: &'static str,
    path: String,
    version: Option<&'a str>,
    verdict: &'static str,
    blocked_by: Vec<&'static str>,
    runtime: Option<&'a str>,
    storage_driver: Option<&'a str>,
    network: Option<&'a str>,
}

impl<'a> From<&'a EngineVerdict> for WireEngine<'a> {
    fn from(e: &'a EngineVerdict) -> Self {
        WireEngine {
            name: e.name,
            path: e.path.display().to_string(),
            version: e.version.as_deref(),
            verdict: e.verdict.as_str(),
            blocked_by: e.blocked_by.iter().map(|c| c.id).collect(),
            runtime: e.runtime.as_deref(),
            storage_driver: e.storage_driver.as_deref(),
            network: e.network.as_deref(),
        }
    }
}

#[derive(Serialize)]
struct WireCapabilities {
    userns: Option<bool>,
    single_id: Option<bool>,
    multi_id: Option<bool>,
    bind_mount: Option<bool>,
    overlay: Option<&'static str>,
    cgroup: Option<&'static str>,
}

#[derive(Serialize)]
struct WireBundle {
    path: String,
}

#[derive(Serialize)]
struct WireSummary {
    pass: usize,
    warn: usize,
    fail: usize,
    skip: usize,
    error: usize,
    exit_code: u8,
}

#[derive(Serialize)]
struct WireCheck<'a> {
    id: &'static str,
    category: &'static str,
    title: &'static str,
    status: &'static str,
    message: &'a str,
    evidence: Vec<WireEvidence<'a>>,
    remediation: Vec<WireRemediation<'a>>,
    skip_reason: Option<&'a str>,
    /// The finding code; null exactly when the check passed.
    code: Option<&'static str>,
    /// The codes of further problems the message names.
    also: Vec<&'static str>,
    /// The id of the check that made this one skip, or null.
    blocked_by: Option<&'static str>,
    duration_ms: f64,
}

#[derive(Serialize)]
#[serde(tag = "kind", rename_all = "lowercase")]
enum WireEvidence<'a> {
    File {
        path: &'a str,
        line: Option<u32>,
        text: &'a str,
    },
    Setting {
        name: &'a str,
        value: &'a str,
    },
    Command {
        argv: &'a [String],
        exit_code: Option<i32>,
        stderr: &'a str,
    },
    Probe {
        name: &'a str,
        ok: bool,
        errno: Option<&'a str>,
        detail: &'a str,
    },
    Fact {
        name: &'a str,
        value: &'a str,
    },
}

#[derive(Serialize)]
struct WireRemediation<'a> {
    summary: &'a str,
    commands: &'a [String],
    requires_root: bool,
    persistent: bool,
    alternative: bool,
    unless: Option<&'a str>,
}

impl<'a> From<&'a Evidence> for WireEvidence<'a> {
    fn from(evidence: &'a Evidence) -> Self {
        match evidence {
            Evidence::File { path, line, text } => WireEvidence::File {
                path,
                line: *line,
                text,
            },
            Evidence::Setting { name, value } => WireEvidence::Setting { name, value },
            Evidence::Command {
                argv,
                exit_code,
                stderr,
            } => WireEvidence::Command {
                argv,
                exit_code: *exit_code,
                stderr,
            },
            Evidence::Probe {
                name,
                ok,
                errno,
                detail,
            } => WireEvidence::Probe {
                name,
                ok: *ok,
                errno: errno.as_deref(),
                detail,
            },
            Evidence::Fact { name, value } => WireEvidence::Fact { name, value },
        }
    }
}

impl<'a> From<&'a Remediation> for WireRemediation<'a> {
    fn from(fix: &'a Remediation) -> Self {
        WireRemediation {
            summary: &fix.summary,
            commands: &fix.commands,
            requires_root: fix.requires_root,
            persistent: fix.persistent,
            alternative: fix.alternative,
            unless: fix.unless.as_deref(),
        }
    }
}

impl From<&Capabilities> for WireCapabilities {
    fn from(caps: &Capabilities) -> Self {
        WireCapabilities {
            userns: caps.userns,
            single_id: caps.single_id,
            multi_id: caps.multi_id,
            bind_mount: caps.bind_mount,
            overlay: caps.overlay.map(|o| o.as_str()),
            cgroup: caps.cgroup.map(|m| m.as_str()),
        }
    }
}

fn wire_check(r: &CheckResult) -> WireCheck<'_> {
    WireCheck {
        id: r.def.id,
        category: r.def.category(),
        title: r.def.title,
        status: r.outcome.status.as_str(),
        message: &r.outcome.message,
        evidence: r.outcome.evidence.iter().map(WireEvidence::from).collect(),
        remediation: r
            .outcome
            .remediation
            .iter()
            .map(WireRemediation::from)
            .collect(),
        skip_reason: r.outcome.skip_reason.as_deref(),
        code: r.outcome.code.map(|c| c.as_str()),
        also: r.outcome.also.iter().map(|c| c.as_str()).collect(),
        blocked_by: r.outcome.blocked_by.map(|d| d.id),
        duration_ms: (r.duration.as_secs_f64() * 1e6).round() / 1e3,
    }
}

/// The results as the report's `checks` entries, for documents that embed them.
pub(crate) fn check_values(results: &[CheckResult]) -> Vec<serde_json::Value> {
    results
        .iter()
        .map(|r| serde_json::to_value(wire_check(r)).unwrap_or(serde_json::Value::Null))
        .collect()
}

/// Renders the report as one pretty-printed JSON document.
pub(crate) fn render(report: &Report) -> String {
    let host = &report.host;
    let wire = WireReport {
        schema_version: SCHEMA_VERSION,
        tool: WireTool {
            name: env!("CARGO_PKG_NAME"),
            version: env!("CARGO_PKG_VERSION"),
        },
        host: WireHost {
            kernel_release: &host.kernel_release,
            arch: &host.arch,
            hostname: &host.hostname,
            os_release: WireOsRelease {
                id: &host.os_release.id,
                id_like: &host.os_release.id_like,
                version_id: host.os_release.version_id.as_deref(),
                pretty_name: host.os_release.pretty_name.as_deref(),
            },
            running_as_root: host.running_as_root,
            in_container: host.container.is_some(),
        },
        subject: WireSubject {
            name: &report.subject.name,
            uid: report.subject.uid,
            gid: report.subject.gid,
        },
        capabilities: report.capabilities.as_ref().map(WireCapabilities::from),
        engines: report
            .engines
            .as_ref()
            .map(|all| all.iter().map(WireEngine::from).collect()),
        bundle: report.bundle.as_ref().map(|path| WireBundle {
            path: path.display().to_string(),
        }),
        summary: WireSummary {
            pass: report.count(Status::Pass),
            warn: report.count(Status::Warn),
            fail: report.count(Status::Fail),
            skip: report.count(Status::Skip),
            error: report.count(Status::Error),
            exit_code: report.exit_code,
        },
        checks: report.results.iter().map(wire_check).collect(),
    };
    let mut text = serde_json::to_string_pretty(&wire).unwrap_or_else(|e| {
        format!(
            "{{\"schema_version\": {SCHEMA_VERSION}, \"error\": \"cannot serialise report: {e}\"}}"
        )
    });
    text.push('\n');
    text
}
