//! The CI formats (github, junit) and `--report FORMAT=PATH`, read back by
//! real parsers: the GitHub runner's workflow-command grammar, and roxmltree
//! for JUnit XML. Prometheus is in `formats_prometheus`.

use crate::harness::{Run, Test};
use std::fs;
use std::os::unix::fs::PermissionsExt;
use std::path::Path;

/// A line of a hostile /etc/subuid: control characters, XML and Markdown
/// specials, a percent escape and a workflow command of its own.
pub(crate) const HOSTILE: &str =
    "\u{1}<x a=\"q\">&amp;]]>'|\u{1b}[31m%0A\r::warning title=pwned::pwned\u{7f}";

/// A fixture host with a pass, skips (no probes), a warning (a malformed,
/// hostile subuid line) and a failure (no /etc/subgid).
pub(crate) fn troubled() -> Test {
    Test::new()
        .file(
            "etc/subuid",
            &format!("alice:100000:65536\nbob:165536:65536\n{HOSTILE}\n"),
        )
        .remove("etc/subgid")
}

/// The statuses of a JSON run of the same host, by check id.
fn statuses(test: Test) -> Vec<(String, String)> {
    let (_, report) = test.json();
    statuses_of(&report)
}

fn statuses_of(report: &serde_json::Value) -> Vec<(String, String)> {
    report["checks"]
        .as_array()
        .expect("checks")
        .iter()
        .map(|c| {
            (
                c["id"].as_str().unwrap().into(),
                c["status"].as_str().unwrap().into(),
            )
        })
        .collect()
}

/// A workflow command as the Actions runner parses one from a log line.
#[derive(Debug)]
struct WorkflowCommand {
    command: String,
    properties: Vec<(String, String)>,
    data: String,
}

fn unescape(text: &str, property: bool) -> String {
    let mut text = text.replace("%0D", "\r").replace("%0A", "\n");
    if property {
        text = text.replace("%3A", ":").replace("%2C", ",");
    }
    text.replace("%25", "%")
}

/// The runner's grammar (actions/runner `ActionCommand`): `::NAME[ K=V[,K=V]...]::DATA`
/// at the start of the line once leading blanks are trimmed, or else the
/// older `##[NAME ...]DATA` anywhere in the line.
fn parse_command(line: &str) -> Option<WorkflowCommand> {
    let Some(rest) = line.trim_start().strip_prefix("::") else {
        let legacy = &line[line.find("##[")? + 3..];
        let end = legacy.find(']')?;
        let command = legacy[..end].split(' ').next().unwrap_or_default();
        return Some(WorkflowCommand {
            command: command.to_string(),
            properties: Vec::new(),
            data: legacy[end + 1..].to_string(),
        });
    };
    let end = rest.find("::")?;
    let (head, data) = (&rest[..end], &rest[end + 2..]);
    let (command, props) = head.split_once(' ').unwrap_or((head, ""));
    let properties = props
        .split(',')
        .filter(|p| !p.is_empty())
        .filter_map(|p| p.split_once('='))
        .map(|(k, v)| (k.to_string(), unescape(v, true)))
        .collect();
    Some(WorkflowCommand {
        command: command.to_string(),
        properties,
        data: unescape(data, false),
    })
}

/// The text of the hostile line as the subid check reports it (it escapes
/// control characters itself), from a JSON run.
fn hostile_evidence() -> String {
    let (_, report) = troubled().json();
    let check = crate::harness::check(&report, "subid.subuid");
    check["evidence"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|e| e["text"].as_str())
        .find(|t| t.contains("pwned"))
        .expect("the hostile line is evidence")
        .to_string()
}

/// A bundle directory whose name holds raw control characters, a line
/// break, XML and Markdown specials and a workflow command; bundle reports
/// carry the path unescaped, in messages, evidence and fix commands.
pub(crate) fn hostile_bundle(parent: &Path) -> std::path::PathBuf {
    let dir = parent.join(
        "b\u{1}<&\"'|%0A\n::warning title=x::pwned\u{1b}[31m\r ##[stop-commands]tok\n  ::error::y",
    );
    fs::create_dir(&dir).unwrap();
    dir
}

#[test]
fn github_annotates_every_problem_once_and_nothing_else() {
    let expected = statuses(troubled());
    let run = troubled().args(&["--format", "github"]).run().code(1);
    let commands: Vec<WorkflowCommand> = run.stdout.lines().filter_map(parse_command).collect();
    let problems: Vec<(String, &str)> = expected
        .iter()
        .filter_map(|(id, status)| match status.as_str() {
            "fail" | "error" => Some((id.clone(), "error")),
            "warn" => Some((id.clone(), "warning")),
            _ => None,
        })
        .collect();
    let annotated: Vec<(String, &str)> = commands
        .iter()
        .map(|c| {
            assert_eq!(c.properties.len(), 1, "{c:?}");
            assert_eq!(c.properties[0].0, "title");
            (c.properties[0].1.clone(), c.command.as_str())
        })
        .collect();
    assert_eq!(annotated, problems, "stdout:\n{}", run.stdout);
    assert!(problems.iter().any(|(id, _)| id == "subid.subuid"));
    assert!(problems.iter().any(|(id, _)| id == "subid.subgid"));
    // The hostile line arrives intact inside the data, and the fix command too.
    let subuid = commands
        .iter()
        .find(|c| c.properties[0].1 == "subid.subuid")
        .unwrap();
    assert!(
        subuid.data.contains(&hostile_evidence()),
        "{:?}",
        subuid.data
    );
    let subgid = commands
        .iter()
        .find(|c| c.properties[0].1 == "subid.subgid")
        .unwrap();
    assert!(
        subgid.data.contains("\nfix (as root): "),
        "{:?}",
        subgid.data
    );
    // Then one readable line per check, none of which the runner would take
    // for a command.
    for (id, status) in &expected {
        let line = run
            .stdout
            .lines()
            .find(|l| l.split_whitespace().nth(1) == Some(id.as_str()))
            .unwrap_or_else(|| panic!("no log line for {id}"));
        assert!(line.starts_with(status.as_str()), "{line}");
    }
    assert_eq!(
        run.stdout.lines().filter(|l| l.starts_with("::")).count(),
        problems.len(),
        "only the annotations are workflow commands"
    );
}

#[test]
fn github_appends_a_step_summary_and_survives_an_unwritable_one() {
    let dir = tempfile::tempdir().unwrap();
    let summary = dir.path().join("summary.md");
    fs::write(&summary, "earlier step\n").unwrap();
    let path = summary.to_str().unwrap();
    troubled()
        .env("GITHUB_STEP_SUMMARY", path)
        .args(&["--format", "github"])
        .run()
        .code(1);
    let text = fs::read_to_string(&summary).unwrap();
    assert!(
        text.starts_with("earlier step\n## rootless-doctor: alice (uid 1000)"),
        "{text}"
    );
    assert!(text.contains("| what works here | |"), "{text}");
    assert!(text.contains("| `subid.subgid` | ❌ fail |"), "{text}");
    assert!(text.contains("```sh\n"), "fix commands are fenced:\n{text}");
    // Every table row has exactly its three cells: nothing from the hostile
    // line opened a column.
    for row in text.lines().filter(|l| l.starts_with("| `")) {
        let cells = row.replace("\\|", "").matches('|').count();
        assert_eq!(cells, 4, "{row}");
    }
    // A directory cannot be appended to: said on stderr, same exit code.
    troubled()
        .env("GITHUB_STEP_SUMMARY", dir.path().to_str().unwrap())
        .args(&["--format", "github"])
        .run()
        .code(1)
        .stderr_has(&format!(
            "cannot append the step summary to {}",
            dir.path().display()
        ));
}

/// Parses JUnit XML with roxmltree, panicking with the text when it is not XML.
fn junit(text: &str) -> roxmltree::Document<'_> {
    roxmltree::Document::parse(text).unwrap_or_else(|e| panic!("not XML ({e}):\n{text}"))
}

fn attr<'a>(node: roxmltree::Node<'a, '_>, name: &str) -> &'a str {
    node.attribute(name)
        .unwrap_or_else(|| panic!("no {name} on {node:?}"))
}

#[test]
fn junit_is_well_formed_with_consistent_counts_and_hostile_text() {
    let expected = statuses(troubled());
    let run = troubled().args(&["--format", "junit"]).run().code(1);
    let doc = junit(&run.stdout);
    let root = doc.root_element();
    assert_eq!(root.tag_name().name(), "testsuites");
    let suites: Vec<_> = root
        .children()
        .filter(|n| n.has_tag_name("testsuite"))
        .collect();
    assert_eq!(suites.len(), 1);
    let suite = suites[0];
    assert_eq!(attr(suite, "name"), "rootless-doctor");
    let cases: Vec<_> = suite
        .children()
        .filter(|n| n.has_tag_name("testcase"))
        .collect();
    assert_eq!(cases.len(), expected.len());
    let count = |s: &[&str]| {
        expected
            .iter()
            .filter(|(_, st)| s.contains(&st.as_str()))
            .count()
    };
    for node in [root, suite] {
        assert_eq!(attr(node, "tests"), expected.len().to_string());
        assert_eq!(
            attr(node, "failures"),
            count(&["fail", "error"]).to_string()
        );
        assert_eq!(attr(node, "skipped"), count(&["skip"]).to_string());
        assert_eq!(attr(node, "errors"), "0");
    }
    for (case, (id, status)) in cases.iter().zip(&expected) {
        assert_eq!(attr(*case, "name"), id);
        assert_eq!(attr(*case, "classname"), id.split('.').next().unwrap());
        let child = |tag: &str| case.children().find(|n| n.has_tag_name(tag));
        match status.as_str() {
            "fail" | "error" => assert_eq!(attr(child("failure").unwrap(), "type"), status),
            "skip" => assert!(child("skipped").is_some(), "{id}"),
            "warn" => assert!(child("system-out").is_some(), "{id}"),
            _ => assert!(case.first_element_child().is_none(), "{id}"),
        }
    }
    // The hostile subuid line comes back exactly.
    let out = cases
        .iter()
        .find(|c| attr(**c, "name") == "subid.subuid")
        .and_then(|c| c.children().find(|n| n.has_tag_name("system-out")))
        .and_then(|n| n.text())
        .unwrap();
    assert!(out.contains(&hostile_evidence()), "{out:?}");
    let failure = cases
        .iter()
        .find(|c| attr(**c, "name") == "subid.subgid")
        .and_then(|c| c.children().find(|n| n.has_tag_name("failure")))
        .unwrap();
    assert!(attr(failure, "message").contains("/etc/subgid"));
    assert!(failure.text().unwrap().contains("fix (as root): "));
}

/// What XML 1.0 can hold of `text`: control characters other than tab,
/// LF and CR dropped.
fn storable(text: &str) -> String {
    text.chars()
        .filter(|c| *c >= ' ' || matches!(c, '\t' | '\n' | '\r'))
        .collect()
}

#[test]
fn a_hostile_bundle_path_stays_inside_junit_and_github() {
    let parent = tempfile::tempdir().unwrap();
    let bundle = hostile_bundle(parent.path());
    let path = bundle.to_str().unwrap();
    let run = Test::new()
        .args(&["bundle", path, "--format", "junit"])
        .run()
        .code(1);
    let doc = junit(&run.stdout);
    let config = doc
        .descendants()
        .find(|n| n.attribute("name") == Some("bundle.config"))
        .unwrap();
    assert_eq!(attr(config, "classname"), "bundle");
    let failure = config
        .children()
        .find(|n| n.has_tag_name("failure"))
        .unwrap();
    assert!(attr(failure, "message").contains(&storable(path)));
    assert!(failure.text().unwrap().contains(&storable(path)));
    let property = doc
        .descendants()
        .find(|n| n.attribute("name") == Some("bundle"))
        .unwrap();
    assert_eq!(attr(property, "value"), storable(path));

    let run = Test::new()
        .args(&["bundle", path, "--format", "github"])
        .run()
        .code(1);
    let commands: Vec<_> = run.stdout.lines().filter_map(parse_command).collect();
    assert_eq!(
        commands.len(),
        1,
        "one annotation, for bundle.config:\n{}",
        run.stdout
    );
    assert_eq!(commands[0].command, "error");
    assert!(commands[0].data.contains(path), "{:?}", commands[0].data);
    assert_eq!(
        run.stdout.lines().filter(|l| l.starts_with("::")).count(),
        1
    );
}

fn files_in(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

#[test]
fn reports_go_to_files_besides_stdout() {
    let dir = tempfile::tempdir().unwrap();
    let at = |name: &str| dir.path().join(name).to_str().unwrap().to_string();
    let (xml, human, json) = (at("r.xml"), at("r.txt"), at("r.json"));
    fs::write(&xml, "stale").unwrap();
    let (run, stdout_report) = troubled()
        .args(&["--color", "always", "--report", &format!("junit={xml}")])
        .args(&[
            "--report",
            &format!("human={human}"),
            "--report",
            &format!("json={json}"),
        ])
        .json();
    let run: Run = run.code(1);
    junit(&fs::read_to_string(&xml).unwrap());
    let text = fs::read_to_string(&human).unwrap();
    assert!(
        text.contains("subid.subgid") && !text.contains('\u{1b}'),
        "{text}"
    );
    let from_file: serde_json::Value =
        serde_json::from_str(&fs::read_to_string(&json).unwrap()).unwrap();
    assert_eq!(from_file["checks"], stdout_report["checks"]);
    for path in [&xml, &human, &json] {
        let mode = fs::metadata(path).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o644, "{path}");
    }
    assert_eq!(
        files_in(dir.path()),
        ["r.json", "r.txt", "r.xml"],
        "no temp file left"
    );
    assert!(run.stderr.is_empty(), "{}", run.stderr);
}

#[test]
fn bad_report_targets_are_usage_errors_and_write_failures_exit_2() {
    Test::new()
        .args(&["--report", "xml=out.xml"])
        .run()
        .code(2)
        .stderr_has("unknown report format 'xml'");
    Test::new()
        .args(&["--report", "junit"])
        .run()
        .code(2)
        .stderr_has("'junit'");
    Test::new()
        .args(&["explain", "x", "--report", "json=/tmp/x.json"])
        .run()
        .code(2)
        .stderr_has("--report");
    Test::new()
        .args(&["mappings", "--format", "prometheus"])
        .run()
        .code(2)
        .stderr_has("--format prometheus");
    // The other files are still written, stdout still gets its report.
    let dir = tempfile::tempdir().unwrap();
    let good = dir.path().join("ok.xml");
    let run = Test::new()
        .args(&["--report", "junit=/nonexistent/dir/r.xml"])
        .args(&["--report", &format!("junit={}", good.display())])
        .args(&["--fail-on", "never"])
        .run()
        .code(2)
        .stderr_has("cannot write /nonexistent/dir/r.xml")
        .stdout_has("subid.subuid");
    assert!(good.exists(), "{}", run.stderr);
}

/// A fixture host with runc, crun and bwrap installed, whose user namespaces
/// and bind mounts work (replayed probes), and a runtime directory for alice.
pub(crate) fn with_runtimes() -> Test {
    let test = Test::new()
        .file("usr/sbin/runc", "#!/bin/sh\n")
        .mode("usr/sbin/runc", 0o755)
        .file("usr/bin/crun", "#!/bin/sh\n")
        .mode("usr/bin/crun", 0o755)
        .file("usr/bin/bwrap", "#!/bin/sh\n")
        .mode("usr/bin/bwrap", 0o755)
        .probes(
            r#"{"userns-create": {"report": {"ok": true, "facts": {"uid_map": "0 1000 1"}}},
                "bind-mount": {"report": {"ok": true}}}"#,
        );
    let run_dir = test.root().join("run/user/1000");
    fs::create_dir_all(&run_dir).unwrap();
    fs::set_permissions(&run_dir, fs::Permissions::from_mode(0o700)).unwrap();
    // Only root can give it to alice; otherwise it is someone else's.
    let _ = std::os::unix::fs::chown(&run_dir, Some(1000), Some(1000));
    test
}

/// An engine's verdict as the human report and the github summary show it.
fn verdict_text(engine: &serde_json::Value) -> String {
    let blocked_by: Vec<&str> = engine["blocked_by"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c.as_str().unwrap())
        .collect();
    match engine["verdict"].as_str().unwrap() {
        "fails" => format!("fails: {}", blocked_by.join(", ")),
        verdict => verdict.to_string(),
    }
}

#[test]
fn every_format_shows_each_engine_as_the_json_report_does() {
    let (_, report) = with_runtimes().json();
    let engines = report["engines"].as_array().expect("engines");
    let names: Vec<&str> = engines
        .iter()
        .map(|e| e["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["runc", "crun", "bwrap"], "{report:#}");
    let bwrap = &engines[2];
    assert_eq!(bwrap["verdict"], "works", "{report:#}");
    assert_eq!(bwrap["runtime"], serde_json::Value::Null);
    let runc = &engines[0];
    assert_eq!(runc["runtime"], "runc");
    assert_eq!(runc["path"], "/usr/sbin/runc");
    if nix::unistd::geteuid().is_root() {
        // A runtime directory of alice's own: nothing stops runc.
        assert_eq!(runc["verdict"], "works", "{report:#}");
    } else {
        assert_eq!(
            runc["blocked_by"],
            serde_json::json!(["runtime.xdg-runtime-dir"])
        );
    }

    let human = with_runtimes().run();
    let dir = tempfile::tempdir().unwrap();
    let summary = dir.path().join("summary.md");
    with_runtimes()
        .env("GITHUB_STEP_SUMMARY", summary.to_str().unwrap())
        .args(&["--format", "github"])
        .run();
    let summary = fs::read_to_string(&summary).unwrap();
    let xml = with_runtimes().args(&["--format", "junit"]).run().stdout;
    let junit = junit(&xml);
    let property = |name: &str| {
        junit
            .descendants()
            .find(|n| n.has_tag_name("property") && n.attribute("name") == Some(name))
            .and_then(|n| n.attribute("value"))
            .map(str::to_string)
    };
    let prom = with_runtimes()
        .args(&["--format", "prometheus"])
        .run()
        .stdout;
    for engine in engines {
        let name = engine["name"].as_str().unwrap();
        let text = verdict_text(engine);
        let line = format!("  {name:<32} {text}");
        assert!(
            human.stdout.lines().any(|l| l == line),
            "no {line:?} under what works here:\n{}",
            human.stdout
        );
        let row = format!("| {name} | {text} |");
        assert!(
            summary.lines().any(|l| l == row),
            "no {row:?} in\n{summary}"
        );
        let verdict = engine["verdict"].as_str().unwrap();
        assert_eq!(
            property(&format!("engine.{name}")).as_deref(),
            Some(verdict)
        );
        let blocked = property(&format!("engine.{name}.blocked_by"));
        assert_eq!(blocked.is_some(), verdict == "fails", "{xml}");
        let known = u8::from(verdict != "unknown");
        let sample = format!("rootless_doctor_engine_known{{engine=\"{name}\"}} {known}");
        assert!(prom.lines().any(|l| l == sample), "no {sample} in\n{prom}");
        let works = format!("rootless_doctor_engine_works{{engine=\"{name}\"}} ");
        match verdict {
            "unknown" => assert!(!prom.contains(&works), "{prom}"),
            _ => assert!(
                prom.lines()
                    .any(|l| l == format!("{works}{}", u8::from(verdict == "works"))),
                "{prom}"
            ),
        }
    }
    // Without probes, user namespaces are unknown, and so is bwrap.
    let (_, report) = with_runtimes().probes("{}").json();
    assert_eq!(report["engines"][2]["verdict"], "unknown", "{report:#}");
    let prom = with_runtimes()
        .probes("{}")
        .args(&["--format", "prometheus"])
        .run()
        .stdout;
    assert!(
        prom.contains("rootless_doctor_engine_known{engine=\"bwrap\"} 0"),
        "{prom}"
    );
    assert!(
        !prom.contains("rootless_doctor_engine_works{engine=\"bwrap\"}"),
        "{prom}"
    );
}
