//! JUnit XML, as CI systems (GitLab, Jenkins, GitHub test reporters) read it.
//!
//! Contract: `<testsuites>` holding one `<testsuite name="rootless-doctor">`
//! with one `<testcase classname="FAMILY" name="CHECK-ID">` per check, in
//! report order. fail and error carry `<failure type="fail|error">` whose
//! message is the check's message and whose text is its evidence and fixes;
//! skip carries `<skipped message=...>`; a warning passes, its text in
//! `<system-out>`. Counts: tests = checks, failures = fail + error,
//! skipped = skip, errors = 0. Every value is XML-escaped, and characters
//! XML 1.0 forbids (control characters other than tab, LF and CR; U+FFFE,
//! U+FFFF) are dropped: evidence can hold any byte of a hostile file.

use crate::render::plain::problem_text;
use crate::report::Report;
use checks::Status;
use std::fmt::Write as _;

/// Renders the report as one JUnit XML document.
pub(crate) fn render(report: &Report) -> String {
    let tests = report.results.len();
    let failures = report.count(Status::Fail) + report.count(Status::Error);
    let skipped = report.count(Status::Skip);
    let time: f64 = report
        .results
        .iter()
        .map(|r| r.duration.as_secs_f64())
        .sum();
    let counts =
        format!("tests=\"{tests}\" failures=\"{failures}\" errors=\"0\" skipped=\"{skipped}\"");
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    let _ = writeln!(
        out,
        "<testsuites name=\"rootless-doctor\" {counts} time=\"{time:.3}\">"
    );
    let _ = writeln!(
        out,
        "  <testsuite name=\"rootless-doctor\" {counts} time=\"{time:.3}\" hostname=\"{}\">",
        attr(&report.host.hostname)
    );
    properties(&mut out, report);
    for result in &report.results {
        let outcome = &result.outcome;
        let _ = write!(
            out,
            "    <testcase classname=\"{}\" name=\"{}\" time=\"{:.3}\"",
            attr(result.def.category()),
            attr(result.def.id),
            result.duration.as_secs_f64()
        );
        let message = attr(&outcome.message);
        match outcome.status {
            Status::Pass => out.push_str("/>\n"),
            Status::Skip => {
                let _ = writeln!(
                    out,
                    ">\n      <skipped message=\"{message}\"/>\n    </testcase>"
                );
            }
            Status::Warn => {
                let _ = writeln!(
                    out,
                    ">\n      <system-out>warning: {}</system-out>\n    </testcase>",
                    text(&problem_text(result))
                );
            }
            Status::Fail | Status::Error => {
                let _ = writeln!(
                    out,
                    ">\n      <failure message=\"{message}\" type=\"{}\">{}</failure>\n    </testcase>",
                    outcome.status,
                    text(&problem_text(result))
                );
            }
        }
    }
    out.push_str("  </testsuite>\n</testsuites>\n");
    out
}

/// The run's context: tool version, subject, bundle, the capabilities and
/// the engines (`engine.NAME`: works, fails or unknown, and
/// `engine.NAME.blocked_by` when it fails).
fn properties(out: &mut String, report: &Report) {
    let mut props = vec![
        ("version".to_string(), env!("CARGO_PKG_VERSION").to_string()),
        ("subject".to_string(), report.subject.name.clone()),
        ("subject.uid".to_string(), report.subject.uid.to_string()),
        ("exit_code".to_string(), report.exit_code.to_string()),
    ];
    if let Some(bundle) = &report.bundle {
        props.push(("bundle".to_string(), bundle.display().to_string()));
    }
    if let Some(caps) = &report.capabilities {
        let flag = |v: Option<bool>| v.map_or("unknown".to_string(), |b| b.to_string());
        props.extend([
            ("capability.userns".to_string(), flag(caps.userns)),
            ("capability.single_id".to_string(), flag(caps.single_id)),
            ("capability.multi_id".to_string(), flag(caps.multi_id)),
            ("capability.bind_mount".to_string(), flag(caps.bind_mount)),
            (
                "capability.overlay".to_string(),
                caps.overlay.map_or("unknown", |o| o.as_str()).to_string(),
            ),
            (
                "capability.cgroup".to_string(),
                caps.cgroup.map_or("unknown", |m| m.as_str()).to_string(),
            ),
        ]);
    }
    for engine in report.engines.iter().flatten() {
        props.push((
            format!("engine.{}", engine.name),
            engine.verdict.as_str().to_string(),
        ));
        if !engine.blocked_by.is_empty() {
            let ids: Vec<&str> = engine.blocked_by.iter().map(|c| c.id).collect();
            props.push((format!("engine.{}.blocked_by", engine.name), ids.join(",")));
        }
    }
    out.push_str("    <properties>\n");
    for (name, value) in props {
        let _ = writeln!(
            out,
            "      <property name=\"{}\" value=\"{}\"/>",
            attr(&name),
            attr(&value)
        );
    }
    out.push_str("    </properties>\n");
}

/// Whether XML 1.0 allows `c` in a document at all.
fn allowed(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\r' | '\u{20}'..='\u{D7FF}' | '\u{E000}'..='\u{FFFD}')
        || c >= '\u{10000}'
}

/// Character data: `&`, `<` and `>` escaped, forbidden characters dropped.
pub(crate) fn text(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for c in value.chars().filter(|&c| allowed(c)) {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            // A bare CR would be read back as LF.
            '\r' => out.push_str("&#13;"),
            c => out.push(c),
        }
    }
    out
}

/// An attribute value in double quotes; tab, LF and CR are character
/// references, which survive the parser's attribute-value normalisation.
pub(crate) fn attr(value: &str) -> String {
    text(value)
        .replace('"', "&quot;")
        .replace('\'', "&apos;")
        .replace('\t', "&#9;")
        .replace('\n', "&#10;")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_and_drops_what_xml_forbids() {
        assert_eq!(
            text("a<b>&c\u{0}\u{1b}\u{FFFE}\r\n"),
            "a&lt;b&gt;&amp;c&#13;\n"
        );
        assert_eq!(attr("\"x'\t\n"), "&quot;x&apos;&#9;&#10;");
    }
}
