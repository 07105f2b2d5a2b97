//! `setup`: the one-time root shell script that fixes what `check` found.
//!
//! The script is made from the same remediation data as the report: for each
//! failed or warned check, its fixes that need root, minus alternatives, each
//! guarded by its `unless` test so a second run does no harm. A step that
//! fails is reported and the others still run; the script exits 1 if any
//! failed. Fixes that change how the machine boots are printed commented out,
//! to opt into. Fixes the user applies themselves, and problems no command
//! fixes, are listed as comments at the end. The doctor never runs the script.

use checks::subject::Subject;
use checks::{CheckResult, Remediation, Status};
use std::fmt::Write as _;

/// Checks whose fixes change how the machine boots (the kernel command line,
/// the cgroup hierarchy): offered commented out.
const OPT_IN_CHECKS: &[&str] = &[
    "cgroup.delegation",
    "runtime.oci-runtime",
    "network.ports",
    "network.ping",
];

/// Findings (check id, code) whose fixes change the whole machine's mounts
/// (`mount --make-rshared /` for `mount.bind`'s `root-not-shared`): offered
/// commented out like the boot changes.
const OPT_IN_FINDINGS: &[(&str, &str)] = &[("mount.bind", "root-not-shared")];

/// The script for `subject`, from a host report's results.
pub(crate) fn script(results: &[CheckResult], subject: &Subject, distro_name: &str) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "#!/bin/sh");
    let _ = writeln!(
        out,
        "# rootless-doctor {} setup for {} (uid {}) on {distro_name}",
        env!("CARGO_PKG_VERSION"),
        subject.name,
        subject.uid
    );
    let _ = writeln!(out, "# Read it, then run it once as root: sudo sh FILE");
    let _ = writeln!(
        out,
        "# Every step is skipped when already done; running it twice is harmless."
    );
    let _ = writeln!(out, "set -u");
    let _ = writeln!(out, "failed=0");
    let _ = writeln!(
        out,
        "step_failed() {{ echo \"rootless-doctor setup: the step for $1 failed\" >&2; failed=1; }}"
    );
    let problems: Vec<&CheckResult> = results
        .iter()
        .filter(|r| matches!(r.outcome.status, Status::Fail | Status::Warn))
        .collect();
    if problems.is_empty() {
        let _ = writeln!(
            out,
            "\n# Nothing needs fixing: every check passed or does not apply here."
        );
        let _ = writeln!(out, "exit 0");
        return out;
    }
    let mut seen: Vec<&[String]> = Vec::new();
    let mut manual = Vec::new();
    for result in &problems {
        let opt_in = OPT_IN_CHECKS.contains(&result.def.id)
            || OPT_IN_FINDINGS.iter().any(|(id, code)| {
                *id == result.def.id && result.outcome.code.is_some_and(|c| c.as_str() == *code)
            });
        for fix in result.outcome.remediation.iter().filter(|f| !f.alternative) {
            if !fix.requires_root || fix.commands.is_empty() {
                manual.push((result, fix));
                continue;
            }
            if seen.contains(&fix.commands.as_slice()) {
                continue;
            }
            seen.push(&fix.commands);
            step(&mut out, result, fix, opt_in);
        }
        if result.outcome.remediation.is_empty() {
            let _ = writeln!(
                out,
                "\n# {}: {}\n# no command fixes this; see `rootless-doctor check`",
                result.def.id,
                one_line(&result.outcome.message)
            );
        }
    }
    let _ = writeln!(out, "\nexit $failed");
    if !manual.is_empty() {
        let _ = writeln!(
            out,
            "\n# Not done by this script (as {} or by hand):",
            subject.name
        );
        for (result, fix) in manual {
            let _ = writeln!(out, "#   {}: {}", result.def.id, one_line(&fix.summary));
            for command in &fix.commands {
                let _ = writeln!(out, "#     {command}");
            }
        }
    }
    out
}

fn step(out: &mut String, result: &CheckResult, fix: &Remediation, opt_in: bool) {
    let _ = writeln!(
        out,
        "\n# {}: {}",
        result.def.id,
        one_line(&result.outcome.message)
    );
    let _ = writeln!(out, "# {}", one_line(&fix.summary));
    let prefix = if opt_in {
        let _ = writeln!(
            out,
            "# Optional, changes how the machine boots or mounts: remove the '#' to apply."
        );
        "# "
    } else {
        ""
    };
    let indent = if fix.unless.is_some() { "  " } else { "" };
    if let Some(test) = &fix.unless {
        let _ = writeln!(out, "{prefix}if ! {{ {test}; }} 2>/dev/null; then");
    }
    let _ = writeln!(out, "{prefix}{indent}{{");
    for command in &fix.commands {
        let lines: Vec<&str> = command.lines().collect();
        let _ = write!(out, "{prefix}{indent}  {{ ");
        for (i, line) in lines.iter().enumerate() {
            if i > 0 {
                let _ = write!(out, "\n{prefix}{indent}    ");
            }
            out.push_str(line);
        }
        let _ = writeln!(out, "; }} &&");
    }
    let _ = writeln!(out, "{prefix}{indent}  true");
    let _ = writeln!(out, "{prefix}{indent}}} || step_failed {}", result.def.id);
    if fix.unless.is_some() {
        let _ = writeln!(out, "{prefix}fi");
    }
}

/// Messages and summaries as one comment line.
fn one_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}
