//! rootless-doctor: tells exactly why rootless containers fail on this
//! machine, and how to fix it.
//!
//! The binary is the CLI only: arguments, choosing the subject, running the
//! checks of the `checks` crate, rendering and exit codes. The hidden
//! `__probe` entry point runs first, before any thread starts, because live
//! probes unshare namespaces in a fresh single-threaded process.

mod cli;
mod color;
mod completions;
mod exit;
mod man;
mod orphans;
mod render;
mod report;
mod report_file;
mod run;
mod setup;
mod who;

use clap::Parser;
use std::io::Write;
use std::process::ExitCode;

fn main() -> ExitCode {
    if std::env::args().nth(1).as_deref() == Some(checks::probe::PROBE_ARG) {
        let args: Vec<String> = std::env::args().skip(2).collect();
        std::process::exit(checks::children::child_main(&args));
    }
    quiet_panics_inside_checks();
    let cli = cli::Cli::parse();
    let code = match run::run(&cli) {
        Ok(output) => {
            // A closed stdout (`| head`) ends quietly with the same code.
            let mut stdout = std::io::stdout().lock();
            let _ = stdout
                .write_all(output.text.as_bytes())
                .and_then(|()| stdout.flush());
            output.exit_code
        }
        Err(err) => {
            eprintln!("rootless-doctor: {err:#}");
            exit::USAGE
        }
    };
    ExitCode::from(code)
}

/// A panic inside a check is reported as that check's `error`; the default
/// hook would also print it to stderr, so stay quiet there and only there.
fn quiet_panics_inside_checks() {
    let default = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        if !checks::check::in_check() {
            default(info);
        }
    }));
}
