//! Prometheus text exposition for node_exporter's textfile collector.
//!
//! Contract (metric names are stable; docs/formats.md lists them): every
//! family has `# HELP` and `# TYPE` lines, every sample is a gauge without a
//! timestamp, and label values escape `\`, `"` and line feeds.
//!
//! - `rootless_doctor_check_status{check,status}`: 1 for the check's status,
//!   0 for the other four, for every check in the report;
//! - `rootless_doctor_checks{status}`: how many checks ended in each status;
//! - `rootless_doctor_capability{capability}` (host reports): 1 or 0 for
//!   userns, single_id, multi_id and bind_mount, only when known;
//! - `rootless_doctor_capability_mode{capability,mode}` (host reports): for
//!   overlay (native, fuse-overlayfs, none) and cgroup (delegated, partial,
//!   undelegated, v1), 1 for the mode found and 0 for the others, only when
//!   known;
//! - `rootless_doctor_capability_known{capability}` (host reports): 1 when
//!   the capability's evidence was gathered, 0 when it is unknown;
//! - `rootless_doctor_engine_works{engine}` (host reports): 1 when the
//!   engine will start a container, 0 when not, only when known;
//! - `rootless_doctor_engine_known{engine}` (host reports): 1 when its
//!   verdict is known, 0 when unknown, for every installed engine;
//! - `rootless_doctor_exit_code`, `rootless_doctor_last_run_timestamp_seconds`;
//! - `rootless_doctor_report_info{subject,uid,kind,bundle}` and
//!   `rootless_doctor_build_info{version}`: 1.

use crate::report::Report;
use checks::capabilities::Overlay;
use checks::check::{EngineVerdict, Verdict};
use checks::Status;
use std::fmt::Write as _;

const OVERLAY_MODES: [Overlay; 3] = [Overlay::Native, Overlay::FuseOverlayfs, Overlay::None];
const CGROUP_MODES: [&str; 4] = ["delegated", "partial", "undelegated", "v1"];

/// Renders the report as a textfile-collector file; `now` is the Unix time
/// of the run (a sample value, never a sample timestamp).
pub(crate) fn render(report: &Report, now: f64) -> String {
    let mut out = String::new();
    family(
        &mut out,
        "rootless_doctor_check_status",
        "Status of each check: 1 for the status it ended in, 0 for the other four.",
    );
    for result in &report.results {
        for status in Status::ALL {
            let value = u8::from(result.outcome.status == status);
            let _ = writeln!(
                out,
                "rootless_doctor_check_status{{check=\"{}\",status=\"{status}\"}} {value}",
                label(result.def.id)
            );
        }
    }
    family(
        &mut out,
        "rootless_doctor_checks",
        "Number of checks that ended in each status.",
    );
    for status in Status::ALL {
        let _ = writeln!(
            out,
            "rootless_doctor_checks{{status=\"{status}\"}} {}",
            report.count(status)
        );
    }
    if let Some(caps) = &report.capabilities {
        let flags = [
            ("userns", caps.userns),
            ("single_id", caps.single_id),
            ("multi_id", caps.multi_id),
            ("bind_mount", caps.bind_mount),
        ];
        let samples: Vec<String> = flags
            .iter()
            .filter_map(|(name, value)| {
                value.map(|works| {
                    format!(
                        "rootless_doctor_capability{{capability=\"{name}\"}} {}",
                        u8::from(works)
                    )
                })
            })
            .collect();
        family_of(
            &mut out,
            "rootless_doctor_capability",
            "Whether a container mode works here (1) or not (0); absent when unknown.",
            &samples,
        );
        let mut modes = Vec::new();
        if let Some(overlay) = caps.overlay {
            for mode in OVERLAY_MODES {
                modes.push(mode_sample("overlay", mode.as_str(), mode == overlay));
            }
        }
        if let Some(cgroup) = caps.cgroup.map(|m| m.as_str()) {
            for mode in CGROUP_MODES {
                modes.push(mode_sample("cgroup", mode, mode == cgroup));
            }
            if !CGROUP_MODES.contains(&cgroup) {
                modes.push(mode_sample("cgroup", cgroup, true));
            }
        }
        family_of(
            &mut out,
            "rootless_doctor_capability_mode",
            "The overlay and cgroup mode found: 1 for it, 0 for the others; absent when unknown.",
            &modes,
        );
        family(
            &mut out,
            "rootless_doctor_capability_known",
            "Whether the evidence for a capability was gathered (1) or it is unknown (0).",
        );
        let known = flags
            .iter()
            .map(|(name, value)| (*name, value.is_some()))
            .chain([
                ("overlay", caps.overlay.is_some()),
                ("cgroup", caps.cgroup.is_some()),
            ]);
        for (name, known) in known {
            let _ = writeln!(
                out,
                "rootless_doctor_capability_known{{capability=\"{name}\"}} {}",
                u8::from(known)
            );
        }
    }
    if let Some(engines) = &report.engines {
        engine_families(&mut out, engines);
    }
    family(
        &mut out,
        "rootless_doctor_exit_code",
        "The exit code of the run (0 ok, 1 gate tripped, 3 inconclusive).",
    );
    let _ = writeln!(out, "rootless_doctor_exit_code {}", report.exit_code);
    family(
        &mut out,
        "rootless_doctor_last_run_timestamp_seconds",
        "Unix time at which the report was written.",
    );
    let _ = writeln!(out, "rootless_doctor_last_run_timestamp_seconds {now:.3}");
    family(
        &mut out,
        "rootless_doctor_report_info",
        "Who was diagnosed, and whether a host or a bundle.",
    );
    let (kind, bundle) = match &report.bundle {
        Some(path) => ("bundle", path.display().to_string()),
        None => ("host", String::new()),
    };
    let _ = writeln!(
        out,
        "rootless_doctor_report_info{{subject=\"{}\",uid=\"{}\",kind=\"{kind}\",bundle=\"{}\"}} 1",
        label(&report.subject.name),
        report.subject.uid,
        label(&bundle)
    );
    family(
        &mut out,
        "rootless_doctor_build_info",
        "The version of rootless-doctor that wrote the report.",
    );
    let _ = writeln!(
        out,
        "rootless_doctor_build_info{{version=\"{}\"}} 1",
        label(env!("CARGO_PKG_VERSION"))
    );
    out
}

/// `rootless_doctor_engine_works` (absent when unknown, like the
/// capabilities) and `rootless_doctor_engine_known`; nothing when no engine
/// is installed.
fn engine_families(out: &mut String, engines: &[EngineVerdict]) {
    let works: Vec<String> = engines
        .iter()
        .filter_map(|e| {
            let value = match e.verdict {
                Verdict::Works => 1,
                Verdict::Fails => 0,
                Verdict::Unknown => return None,
            };
            Some(format!(
                "rootless_doctor_engine_works{{engine=\"{}\"}} {value}",
                label(e.name)
            ))
        })
        .collect();
    family_of(
        out,
        "rootless_doctor_engine_works",
        "Whether an installed engine will start a container here (1) or not (0); absent when unknown.",
        &works,
    );
    let known: Vec<String> = engines
        .iter()
        .map(|e| {
            format!(
                "rootless_doctor_engine_known{{engine=\"{}\"}} {}",
                label(e.name),
                u8::from(e.verdict != Verdict::Unknown)
            )
        })
        .collect();
    family_of(
        out,
        "rootless_doctor_engine_known",
        "Whether an installed engine's verdict is known (1) or unknown (0).",
        &known,
    );
}

fn family(out: &mut String, name: &str, help: &str) {
    let _ = writeln!(out, "# HELP {name} {help}\n# TYPE {name} gauge");
}

/// A family with its samples; nothing at all when there are none.
fn family_of(out: &mut String, name: &str, help: &str, samples: &[String]) {
    if samples.is_empty() {
        return;
    }
    family(out, name, help);
    for sample in samples {
        let _ = writeln!(out, "{sample}");
    }
}

fn mode_sample(capability: &str, mode: &str, found: bool) -> String {
    format!(
        "rootless_doctor_capability_mode{{capability=\"{capability}\",mode=\"{}\"}} {}",
        label(mode),
        u8::from(found)
    )
}

/// A label value: `\`, `"` and LF escaped as the text format requires.
pub(crate) fn label(value: &str) -> String {
    value
        .replace('\\', "\\\\")
        .replace('"', "\\\"")
        .replace('\n', "\\n")
}

/// The Unix time now, for [`render`].
pub(crate) fn now() -> f64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0.0, |d| d.as_secs_f64())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn label_values_escape_backslash_quote_and_newline() {
        assert_eq!(label("a\\b\"c\nd"), "a\\\\b\\\"c\\nd");
    }
}
