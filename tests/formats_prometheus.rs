//! The prometheus format, read by its real consumers: node_exporter's
//! textfile collector scrapes a `--report prometheus=...` file, and promtool
//! lints it and unit-tests the fleet alert rules of docs/fleet/.
//!
//! tests/tools.sh unpacks both from Debian's packages into target/tools/
//! (as root); without them those tests say why and skip.

use crate::formats::{hostile_bundle, troubled};
use crate::harness::Test;
use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

fn tool(package: &str, binary: &str) -> Option<PathBuf> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("target/tools")
        .join(package)
        .join("usr/bin")
        .join(binary);
    if path.is_file() {
        Some(path)
    } else {
        eprintln!(
            "skipped: {} is absent (tests/tools.sh fetches it as root)",
            path.display()
        );
        None
    }
}

/// The samples of a text exposition, as (series, value), with the family
/// each `# TYPE` line declared.
fn samples(text: &str) -> Vec<(String, String)> {
    let mut typed: Vec<String> = Vec::new();
    let mut out = Vec::new();
    for line in text.lines() {
        if let Some(rest) = line.strip_prefix("# TYPE ") {
            let (name, kind) = rest.split_once(' ').unwrap();
            assert_eq!(kind, "gauge", "{line}");
            typed.push(name.to_string());
        } else if !line.starts_with('#') {
            let (series, value) = line.rsplit_once(' ').unwrap();
            let name = series.split('{').next().unwrap();
            assert!(typed.iter().any(|t| t == name), "{name} has no TYPE");
            assert!(
                value.parse::<f64>().is_ok(),
                "{line}: no timestamp, a number"
            );
            out.push((series.to_string(), value.to_string()));
        }
    }
    out
}

#[test]
fn every_check_has_one_status_and_the_capabilities_are_there() {
    let (_, report) = troubled().json();
    let run = troubled().args(&["--format", "prometheus"]).run().code(1);
    let samples = samples(&run.stdout);
    let value = |series: &str| {
        samples
            .iter()
            .find(|(s, _)| s == series)
            .map(|(_, v)| v.as_str())
            .unwrap_or_else(|| panic!("no {series} in\n{}", run.stdout))
    };
    assert_eq!(
        value(r#"rootless_doctor_check_status{check="subid.subgid",status="fail"}"#),
        "1"
    );
    assert_eq!(
        value(r#"rootless_doctor_check_status{check="subid.subgid",status="pass"}"#),
        "0"
    );
    let status_samples: Vec<_> = samples
        .iter()
        .filter(|(s, _)| s.starts_with("rootless_doctor_check_status{"))
        .collect();
    assert_eq!(status_samples.len(), checks::HOST_CHECKS.len() * 5);
    assert_eq!(
        status_samples.iter().filter(|(_, v)| v == "1").count(),
        checks::HOST_CHECKS.len()
    );
    // No probes ran: the live capabilities are unknown, so absent.
    assert_eq!(
        value(r#"rootless_doctor_capability_known{capability="userns"}"#),
        "0"
    );
    assert!(!run
        .stdout
        .contains(r#"rootless_doctor_capability{capability="userns"}"#));
    assert_eq!(value("rootless_doctor_exit_code"), "1");
    for status in ["pass", "skip", "warn", "fail", "error"] {
        let series = format!(r#"rootless_doctor_checks{{status="{status}"}}"#);
        assert_eq!(value(&series), report["summary"][status].to_string());
    }
    value(&format!(
        r#"rootless_doctor_build_info{{version="{}"}}"#,
        env!("CARGO_PKG_VERSION")
    ));
}

/// A node_exporter with only the textfile collector, killed when dropped.
struct NodeExporter {
    child: Child,
    port: u16,
}

impl Drop for NodeExporter {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl NodeExporter {
    fn start(binary: &Path, dir: &Path) -> Self {
        let port = TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .unwrap()
            .port();
        let child = Command::new(binary)
            .args(["--collector.disable-defaults", "--collector.textfile"])
            .arg(format!("--collector.textfile.directory={}", dir.display()))
            .arg(format!("--web.listen-address=127.0.0.1:{port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        NodeExporter { child, port }
    }

    /// GET /metrics, retrying until it listens (10 s at most).
    fn scrape(&self) -> String {
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            match TcpStream::connect(("127.0.0.1", self.port)) {
                Ok(mut stream) => {
                    stream
                        .write_all(b"GET /metrics HTTP/1.0\r\nHost: localhost\r\n\r\n")
                        .unwrap();
                    let mut response = String::new();
                    stream.read_to_string(&mut response).unwrap();
                    assert!(response.starts_with("HTTP/1.0 200"), "{response}");
                    return response;
                }
                Err(e) if Instant::now() < deadline => {
                    let _ = e;
                    std::thread::sleep(Duration::from_millis(100));
                }
                Err(e) => panic!("node_exporter does not listen on {}: {e}", self.port),
            }
        }
    }
}

#[test]
fn node_exporter_reads_the_report_file() {
    let Some(binary) = tool("prometheus-node-exporter", "prometheus-node-exporter") else {
        return;
    };
    let (_, report) = troubled().json();
    let dir = tempfile::tempdir().unwrap();
    let prom = dir.path().join("rootless-doctor.prom");
    troubled()
        .args(&["--report", &format!("prometheus={}", prom.display())])
        .run()
        .code(1);
    let exporter = NodeExporter::start(&binary, dir.path());
    let metrics = exporter.scrape();
    let mut expected = vec![
        "node_textfile_scrape_error 0".to_string(),
        r#"rootless_doctor_check_status{check="subid.subgid",status="fail"} 1"#.to_string(),
        r#"rootless_doctor_check_status{check="subid.subgid",status="pass"} 0"#.to_string(),
        "rootless_doctor_exit_code 1".to_string(),
    ];
    for status in ["pass", "skip", "warn", "fail", "error"] {
        let count = &report["summary"][status];
        expected.push(format!(
            r#"rootless_doctor_checks{{status="{status}"}} {count}"#
        ));
    }
    // The capabilities agree with the JSON report's.
    for name in ["userns", "single_id", "multi_id", "bind_mount"] {
        let value = &report["capabilities"][name];
        let known = u8::from(!value.is_null());
        expected.push(format!(
            r#"rootless_doctor_capability_known{{capability="{name}"}} {known}"#
        ));
        if let Some(works) = value.as_bool() {
            let works = u8::from(works);
            expected.push(format!(
                r#"rootless_doctor_capability{{capability="{name}"}} {works}"#
            ));
        }
    }
    if let Some(mode) = report["capabilities"]["cgroup"].as_str() {
        expected.push(format!(
            r#"rootless_doctor_capability_mode{{capability="cgroup",mode="{mode}"}} 1"#
        ));
    }
    for line in &expected {
        assert!(
            metrics.lines().any(|l| l == line),
            "no {line:?} in\n{metrics}"
        );
    }
    let ours = metrics
        .lines()
        .filter(|l| l.starts_with("rootless_doctor_capability{"))
        .count();
    assert_eq!(
        ours,
        expected
            .iter()
            .filter(|l| l.starts_with("rootless_doctor_capability{"))
            .count()
    );
    assert!(metrics.contains("node_textfile_mtime_seconds{file="));
}

#[test]
fn node_exporter_reads_the_engine_gauges() {
    let Some(binary) = tool("prometheus-node-exporter", "prometheus-node-exporter") else {
        return;
    };
    let (_, report) = crate::formats::with_runtimes().json();
    let dir = tempfile::tempdir().unwrap();
    let prom = dir.path().join("rootless-doctor.prom");
    crate::formats::with_runtimes()
        .args(&["--report", &format!("prometheus={}", prom.display())])
        .run();
    let exporter = NodeExporter::start(&binary, dir.path());
    let metrics = exporter.scrape();
    let mut expected = vec!["node_textfile_scrape_error 0".to_string()];
    let engines = report["engines"].as_array().expect("engines");
    assert!(!engines.is_empty(), "{report:#}");
    for engine in engines {
        let name = engine["name"].as_str().unwrap();
        let verdict = engine["verdict"].as_str().unwrap();
        expected.push(format!(
            r#"rootless_doctor_engine_known{{engine="{name}"}} {}"#,
            u8::from(verdict != "unknown")
        ));
        if verdict != "unknown" {
            expected.push(format!(
                r#"rootless_doctor_engine_works{{engine="{name}"}} {}"#,
                u8::from(verdict == "works")
            ));
        }
    }
    for line in &expected {
        assert!(
            metrics.lines().any(|l| l == line),
            "no {line:?} in\n{metrics}"
        );
    }
}

#[test]
fn promtool_accepts_the_metrics_and_the_fleet_rules() {
    let Some(promtool) = tool("prometheus", "promtool") else {
        return;
    };
    // A host report, and a bundle report whose path needs label escaping.
    let parent = tempfile::tempdir().unwrap();
    let bundle = hostile_bundle(parent.path());
    let host = Test::new().args(&["--format", "prometheus"]).run();
    // A host with engines, known and unknown.
    let engines = crate::formats::with_runtimes()
        .args(&["--format", "prometheus"])
        .run();
    let unknown = crate::formats::with_runtimes()
        .probes("{}")
        .args(&["--format", "prometheus"])
        .run();
    assert!(engines.stdout.contains("rootless_doctor_engine_works{"));
    let bundle = Test::new()
        .args(&["bundle", bundle.to_str().unwrap(), "--format", "prometheus"])
        .run();
    assert!(
        bundle.stdout.contains(r"%0A\n::warning"),
        "{}",
        bundle.stdout
    );
    for text in [
        &host.stdout,
        &bundle.stdout,
        &engines.stdout,
        &unknown.stdout,
    ] {
        let mut lint = Command::new(&promtool)
            .args(["check", "metrics"])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        lint.stdin
            .take()
            .unwrap()
            .write_all(text.as_bytes())
            .unwrap();
        let lint = lint.wait_with_output().unwrap();
        assert!(
            lint.status.success() && lint.stdout.is_empty() && lint.stderr.is_empty(),
            "promtool check metrics:\n{}{}\non\n{text}",
            String::from_utf8_lossy(&lint.stdout),
            String::from_utf8_lossy(&lint.stderr)
        );
    }
    let fleet = Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/fleet");
    for args in [
        vec!["check", "rules", "rootless-doctor.rules.yml"],
        vec!["test", "rules", "rootless-doctor.rules.test.yml"],
    ] {
        let out = Command::new(&promtool)
            .args(&args)
            .current_dir(&fleet)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "promtool {args:?}:\n{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
    }
}
