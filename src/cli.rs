//! Command-line arguments: what the user can ask for, validated but not acted on.

use clap::{Args, Parser, Subcommand, ValueEnum};
use std::path::PathBuf;

/// Tells exactly why rootless containers fail on this machine, and how to fix it.
#[derive(Debug, Parser)]
#[command(name = "rootless-doctor", version, about, long_about = None)]
pub(crate) struct Cli {
    #[command(subcommand)]
    pub(crate) command: Option<Command>,
    #[command(flatten)]
    pub(crate) global: Global,
}

/// What to do; a bare `rootless-doctor` is `check`.
#[derive(Debug, Subcommand)]
pub(crate) enum Command {
    /// Diagnose this host for rootless containers (the default).
    Check,
    /// Preflight an OCI bundle (config.json and rootfs) against this host.
    Bundle {
        /// The bundle directory.
        #[arg(default_value = ".")]
        dir: PathBuf,
        /// Predict for this runtime (and its installed version) rather than
        /// the first installed one that runs here.
        #[arg(long, value_name = "NAME", value_parser = ["runc", "crun", "youki"])]
        runtime: Option<String>,
    },
    /// Explain a pasted error message (TEXT, or standard input when absent) and
    /// confirm its cause on this host.
    Explain {
        /// The message or log; read from standard input when absent.
        text: Option<String>,
        /// Also confirm exec and mapping causes against this OCI bundle.
        #[arg(long, value_name = "DIR")]
        bundle: Option<PathBuf>,
    },
    /// Print a root shell script that fixes what `check` finds (it runs nothing).
    Setup,
    /// Print uid/gid mappings for config.json that fit /etc/subuid and /etc/subgid
    /// (`--format human|json|runc`; runc: the `linux` object with just the two keys).
    Mappings,
    /// One line per check: its id, then its title.
    List,
    /// Print a completion script for this shell (install it where your shell
    /// looks for completions; see docs/install.md).
    Completions {
        /// The shell to complete in.
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
    /// Print the manual page (roff, section 1): `rootless-doctor man | man -l -`.
    Man,
}

/// Options shared by every command; they work before or after it.
#[derive(Debug, Args)]
pub(crate) struct Global {
    /// Diagnose this user (name or uid); another user than yourself needs root.
    #[arg(long, global = true, value_name = "NAME|UID")]
    pub(crate) user: Option<String>,
    /// Run only these checks (comma-separated ids).
    #[arg(long, global = true, value_delimiter = ',', value_name = "IDS")]
    pub(crate) only: Vec<String>,
    /// Leave out these checks (comma-separated ids).
    #[arg(long, global = true, value_delimiter = ',', value_name = "IDS")]
    pub(crate) skip: Vec<String>,
    /// Exit 1 when any check ends at or above this status.
    #[arg(long, global = true, value_enum, default_value_t = FailOn::Fail)]
    pub(crate) fail_on: FailOn,
    /// Output format: human or json; check and bundle also github, junit
    /// and prometheus; mappings also runc.
    #[arg(long, global = true, value_enum, default_value_t = Format::Human)]
    pub(crate) format: Format,
    /// check and bundle: also write the report in FORMAT to PATH, atomically
    /// (repeatable; FORMAT is human, json, github, junit or prometheus).
    #[arg(long, global = true, value_name = "FORMAT=PATH",
          value_parser = parse_report_target)]
    pub(crate) report: Vec<ReportTarget>,
    /// When to colour the human report.
    #[arg(long, global = true, value_enum, default_value_t = ColorChoice::Auto)]
    pub(crate) color: ColorChoice,
    /// Seconds each live probe may take before it is killed.
    #[arg(long, global = true, default_value_t = 5.0, value_name = "SECS",
          value_parser = parse_timeout)]
    pub(crate) timeout: f64,
    /// Judge from files and settings only; run no live probe.
    #[arg(long, global = true)]
    pub(crate) no_probe: bool,
    /// Show evidence for every check, not only for problems.
    #[arg(short, long, global = true)]
    pub(crate) verbose: bool,
    /// Testing: read the host's files under this directory instead of `/`
    /// (implies --no-probe unless --test-probes replays probe results).
    #[arg(long, global = true, hide = true, value_name = "DIR")]
    pub(crate) test_root: Option<PathBuf>,
    /// Testing: replay live probe outcomes from this JSON file.
    #[arg(long, global = true, hide = true, value_name = "FILE")]
    pub(crate) test_probes: Option<PathBuf>,
}

/// The gate for exit code 1.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub(crate) enum FailOn {
    Fail,
    Warn,
    Never,
}

/// Report formats.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub(crate) enum Format {
    Human,
    Json,
    /// `mappings` only: the `linux` object of config.json.
    Runc,
    /// `check` and `bundle`: GitHub Actions annotations and a step summary.
    Github,
    /// `check` and `bundle`: a JUnit XML test report.
    Junit,
    /// `check` and `bundle`: node_exporter textfile-collector metrics.
    Prometheus,
}

impl Format {
    /// The formats a `check` or `bundle` report can be rendered in.
    pub(crate) const REPORTS: [Format; 5] = [
        Format::Human,
        Format::Json,
        Format::Github,
        Format::Junit,
        Format::Prometheus,
    ];

    /// The name the user types.
    pub(crate) fn name(self) -> String {
        self.to_possible_value()
            .map(|v| v.get_name().to_string())
            .unwrap_or_default()
    }
}

/// One `--report FORMAT=PATH`: a report format and the file it goes to.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct ReportTarget {
    pub(crate) format: Format,
    pub(crate) path: PathBuf,
}

fn parse_report_target(text: &str) -> Result<ReportTarget, String> {
    let (name, path) = text
        .split_once('=')
        .ok_or_else(|| format!("'{text}' is not FORMAT=PATH"))?;
    let format = Format::REPORTS
        .into_iter()
        .find(|f| f.name() == name)
        .ok_or_else(|| {
            let names: Vec<String> = Format::REPORTS.iter().map(|f| f.name()).collect();
            format!(
                "unknown report format '{name}' in '{text}' (one of {})",
                names.join(", ")
            )
        })?;
    if path.is_empty() {
        return Err(format!("'{text}' names no file after '='"));
    }
    Ok(ReportTarget {
        format,
        path: PathBuf::from(path),
    })
}

/// Colour policy.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub(crate) enum ColorChoice {
    Auto,
    Always,
    Never,
}

fn parse_timeout(text: &str) -> Result<f64, String> {
    let secs: f64 = text
        .parse()
        .map_err(|_| format!("'{text}' is not a number of seconds"))?;
    if secs.is_finite() && secs > 0.0 && secs <= 3600.0 {
        Ok(secs)
    } else {
        Err(format!("'{text}' is not between 0 and 3600 seconds"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn report_targets_parse_and_refuse_what_they_must() {
        let target = parse_report_target("junit=out/a=b.xml").expect("parses");
        assert_eq!(target.format, Format::Junit);
        assert_eq!(target.path, PathBuf::from("out/a=b.xml"));
        let no_eq = parse_report_target("junit").expect_err("no '='");
        assert!(no_eq.contains("'junit'"), "{no_eq}");
        let unknown = parse_report_target("xml=a.xml").expect_err("unknown format");
        assert!(unknown.contains("'xml'"), "{unknown}");
        assert!(
            parse_report_target("runc=a.json").is_err(),
            "runc is no report"
        );
        assert!(parse_report_target("json=").is_err(), "empty path");
    }
}
