//! Runtime versions: parsing `NAME --version` output, and running it safely.
//!
//! Parsing is pure ([`Version::parse`], [`Version::from_output`]). Running
//! ([`run_capped`]) starts the program with a clean environment in its own
//! process group, polls `try_wait` up to a deadline, then kills the group and
//! reaps it; output is drained without blocking and capped, so a hostile or
//! hung binary costs at most the timeout.

use crate::privdrop::{self, Creds};
use crate::spawn;
use std::io::Read;
use std::os::unix::process::CommandExt;
use std::path::Path;
use std::process::{Child, Stdio};
use std::time::{Duration, Instant};

/// How long a `--version` may take.
pub const VERSION_TIMEOUT: Duration = Duration::from_secs(2);

/// The most output kept from each stream.
pub const OUTPUT_LIMIT: usize = 16 * 1024;

/// A dotted version with an optional pre-release tag (`1.0.0-rc92`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Version {
    pub major: u64,
    pub minor: u64,
    pub patch: u64,
    /// The pre-release part after `-` (`rc92`), without build metadata.
    pub pre: Option<String>,
    /// The version as printed (`1.1.5+ds1`).
    pub raw: String,
}

impl Version {
    /// Parses `1.1.5`, `1.1.5+ds1`, `1.0.0-rc92`, `1.8.1~dfsg`, `0.3`.
    pub fn parse(token: &str) -> Option<Version> {
        let raw: String = token.chars().take(64).collect();
        let core = raw.split(['+', '~']).next().unwrap_or("");
        let (numbers, pre) = match core.split_once('-') {
            Some((numbers, pre)) => (numbers, Some(pre.to_string()).filter(|p| !p.is_empty())),
            None => (core, None),
        };
        let mut parts = numbers.split('.');
        let mut next = |required: bool| -> Option<u64> {
            match parts.next() {
                Some(p) => p.parse().ok(),
                None if required => None,
                None => Some(0),
            }
        };
        let major = next(true)?;
        let minor = next(true)?;
        let patch = next(false)?;
        Some(Version {
            major,
            minor,
            patch,
            pre,
            raw,
        })
    }

    /// The version of a dpkg upstream version (`1.1.5+ds1`, `1.0.0~rc92+dfsg1`):
    /// Debian writes a pre-release with `~`, which sorts it before the
    /// release, where `--version` prints `-`. `raw` stays as dpkg has it.
    pub fn from_upstream(upstream: &str) -> Option<Version> {
        let dashed = upstream.replacen('~', "-", 1);
        let mut version = Version::parse(&dashed)?;
        version.raw = upstream.chars().take(64).collect();
        Some(version)
    }

    /// The version in `NAME --version` output: the word after `version` on
    /// the first line that has one followed by a number.
    pub fn from_output(stdout: &str) -> Option<Version> {
        stdout.lines().take(8).find_map(|line| {
            let words: Vec<&str> = line.split_whitespace().collect();
            words
                .windows(2)
                .find(|w| {
                    w[0].eq_ignore_ascii_case("version")
                        && w[1].starts_with(|c: char| c.is_ascii_digit())
                })
                .and_then(|w| Version::parse(w[1]))
        })
    }

    /// True when this version comes before the release `major.minor.patch`
    /// (a pre-release of it counts as before).
    pub fn is_before(&self, major: u64, minor: u64, patch: u64) -> bool {
        let own = (self.major, self.minor, self.patch);
        own < (major, minor, patch) || (own == (major, minor, patch) && self.pre.is_some())
    }

    /// The release-candidate number of `rcN` pre-releases.
    pub fn rc(&self) -> Option<u64> {
        // `rc92` (runc 1.0) and `rc.3` (runc 1.4).
        let pre = self.pre.as_deref()?.strip_prefix("rc")?;
        let pre = pre.strip_prefix('.').unwrap_or(pre);
        let digits: String = pre.chars().take_while(char::is_ascii_digit).collect();
        digits.parse().ok()
    }

    /// True for runc before `1.0.0-rcN` (every 0.x, and 1.0.0 candidates below N).
    pub fn is_before_rc(&self, n: u64) -> bool {
        if !self.is_before(1, 0, 0) {
            return false;
        }
        if (self.major, self.minor, self.patch) != (1, 0, 0) {
            return true;
        }
        self.rc().is_some_and(|rc| rc < n)
    }
}

/// What running a command gave.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CommandRun {
    pub argv: Vec<String>,
    /// The exit code; `None` when killed, timed out or never started.
    pub exit_code: Option<i32>,
    pub stdout: String,
    pub stderr: String,
    /// Why it did not finish normally (could not start, timed out).
    pub failure: Option<String>,
    /// Why no process could be created at all, an errno text (see
    /// [`crate::spawn::no_process`]): the doctor's sandbox failed, not the
    /// program.
    pub not_created: Option<String>,
}

/// Runs `program args` (an absolute path) with a clean environment (`PATH`,
/// `LC_ALL=C`), no stdin, working directory `/`, in its own process group,
/// for at most `timeout`; with `creds`, as the subject (see
/// [`crate::privdrop`]).
pub fn run_capped(
    program: &Path,
    args: &[&str],
    path_var: &str,
    creds: Option<Creds>,
    timeout: Duration,
) -> CommandRun {
    let mut argv = vec![program.display().to_string()];
    argv.extend(args.iter().map(|a| a.to_string()));
    let mut run = CommandRun {
        argv,
        exit_code: None,
        stdout: String::new(),
        stderr: String::new(),
        failure: None,
        not_created: None,
    };
    let mut command = match privdrop::command(program, creds) {
        Ok(command) => command,
        Err(e) => {
            run.failure = Some(format!("cannot start: {e}"));
            return run;
        }
    };
    let spawned = command
        .args(args)
        .env("PATH", path_var)
        .env("LC_ALL", "C")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .process_group(0)
        .spawn();
    let mut child = match spawned {
        Ok(child) => child,
        Err(e) => {
            let errno = spawn::errno_text(&e);
            run.failure = Some(format!("cannot start: {errno}"));
            run.not_created = spawn::no_process(&e).then_some(errno);
            return run;
        }
    };
    let (mut out, mut err) = (Vec::new(), Vec::new());
    let nonblocking = set_nonblocking(&child);
    let deadline = Instant::now() + timeout;
    loop {
        if nonblocking {
            drain(&mut child, &mut out, &mut err);
        }
        match child.try_wait() {
            Ok(Some(status)) => {
                if nonblocking {
                    drain(&mut child, &mut out, &mut err);
                }
                run.exit_code = status.code();
                if status.code().is_none() {
                    run.failure = Some(format!("ended by {status}"));
                }
                break;
            }
            Ok(None) if Instant::now() < deadline => std::thread::sleep(Duration::from_millis(1)),
            Ok(None) => {
                kill_group(&mut child);
                run.failure = Some(format!("timed out after {} s", timeout.as_secs()));
                break;
            }
            Err(e) => {
                kill_group(&mut child);
                run.failure = Some(format!("cannot wait: {e}"));
                break;
            }
        }
    }
    run.stdout = String::from_utf8_lossy(&out).into_owned();
    run.stderr = String::from_utf8_lossy(&err).into_owned();
    run
}

fn set_nonblocking(child: &Child) -> bool {
    use nix::fcntl::{fcntl, FcntlArg, OFlag};
    let set =
        |fd: std::os::fd::BorrowedFd<'_>| fcntl(fd, FcntlArg::F_SETFL(OFlag::O_NONBLOCK)).is_ok();
    use std::os::fd::AsFd;
    match (&child.stdout, &child.stderr) {
        (Some(o), Some(e)) => set(o.as_fd()) && set(e.as_fd()),
        _ => false,
    }
}

/// Reads what is available without blocking; keeps at most [`OUTPUT_LIMIT`].
fn drain(child: &mut Child, out: &mut Vec<u8>, err: &mut Vec<u8>) {
    fn read_some(stream: Option<&mut impl Read>, into: &mut Vec<u8>) {
        let Some(stream) = stream else { return };
        let mut buf = [0u8; 4096];
        // A bounded number of reads: a chatty child cannot keep us here.
        for _ in 0..64 {
            match stream.read(&mut buf) {
                Ok(0) | Err(_) => return,
                Ok(n) => {
                    let room = OUTPUT_LIMIT.saturating_sub(into.len());
                    into.extend_from_slice(&buf[..n.min(room)]);
                }
            }
        }
    }
    read_some(child.stdout.as_mut(), out);
    read_some(child.stderr.as_mut(), err);
}

fn kill_group(child: &mut Child) {
    use nix::sys::signal::{killpg, Signal};
    use nix::unistd::Pid;
    if let Ok(pid) = i32::try_from(child.id()) {
        let _ = killpg(Pid::from_raw(pid), Signal::SIGKILL);
    }
    let _ = child.kill();
    let _ = child.wait();
}

#[cfg(test)]
pub(crate) mod samples {
    /// `runc --version` of Debian 12's runc package, captured on the CI machine.
    pub(crate) const RUNC_1_1_5: &str = "runc version 1.1.5+ds1\ncommit: 1.1.5+ds1-1+deb12u1\n\
        spec: 1.0.2-dev\ngo: go1.19.8\nlibseccomp: 2.5.4\n";
    /// `crun --version` of Debian 12's crun package, captured on the CI machine.
    pub(crate) const CRUN_1_8_1: &str = "crun version 1.8.1\n\
        commit: f8a096be060b22ccd3d5f3ebe44108517fbf6c30\nrundir: /run/crun\nspec: 1.0.0\n\
        +SYSTEMD +SELINUX +APPARMOR +CAP +SECCOMP +EBPF +YAJL\n";
    /// `youki --version` as youki 0.3 prints it.
    pub(crate) const YOUKI_0_3_0: &str = "youki version 0.3.0\ncommit: 0.3.0-0-a8f0a7b\n";
}

#[cfg(test)]
mod tests {
    use super::samples::*;
    use super::*;

    #[test]
    fn parses_real_outputs() {
        let runc = Version::from_output(RUNC_1_1_5).unwrap();
        assert_eq!((runc.major, runc.minor, runc.patch), (1, 1, 5));
        assert_eq!(runc.pre, None);
        assert_eq!(runc.raw, "1.1.5+ds1");
        let crun = Version::from_output(CRUN_1_8_1).unwrap();
        assert_eq!((crun.major, crun.minor, crun.patch), (1, 8, 1));
        let old =
            Version::from_output("runc version 1.0.0-rc92\ncommit: ff819c7\nspec: 1.0.2-dev\n")
                .unwrap();
        assert_eq!(old.rc(), Some(92));
        assert!(Version::from_output("garbage\n\x00\u{fffd}").is_none());
        assert!(Version::from_output("").is_none());
    }

    #[test]
    fn reads_dpkg_upstream_versions() {
        let v = Version::from_upstream("1.1.5+ds1").unwrap();
        assert_eq!(
            (v.major, v.minor, v.patch, v.pre.as_deref()),
            (1, 1, 5, None)
        );
        assert_eq!(v.raw, "1.1.5+ds1");
        let rc = Version::from_upstream("1.0.0~rc92+dfsg1").unwrap();
        assert_eq!(rc.rc(), Some(92));
        assert_eq!(Version::parse("1.4.0-rc.3").unwrap().rc(), Some(3));
        assert!(rc.is_before(1, 0, 0));
        assert_eq!(rc.raw, "1.0.0~rc92+dfsg1");
        assert_eq!(
            Version::from_upstream("1.8.1").map(|v| (v.major, v.minor, v.patch)),
            Some((1, 8, 1))
        );
        assert!(Version::from_upstream("git").is_none());
    }

    #[test]
    fn orders_pre_releases_before_the_release() {
        let v = |s| Version::parse(s).unwrap();
        assert!(v("1.0.0-rc92").is_before(1, 0, 0));
        assert!(!v("1.0.0").is_before(1, 0, 0));
        assert!(v("0.1.1").is_before(1, 0, 0));
        assert!(!v("1.1.5+ds1").is_before(1, 0, 0));
        assert!(v("0.6.0").is_before(0, 7, 0));
        assert!(v("1.0.0-rc90").is_before_rc(91));
        assert!(!v("1.0.0-rc91").is_before_rc(91));
        assert!(!v("1.0.0").is_before_rc(91));
        assert!(v("0.1.1").is_before_rc(5));
        assert!(!v("1.0.0-rc6").is_before_rc(5));
        assert_eq!(v("0.3").patch, 0);
        assert!(Version::parse("x.y").is_none());
        assert!(Version::parse("1").is_none());
    }

    #[test]
    fn runs_and_captures_a_command() {
        let run = run_capped(
            Path::new("/bin/sh"),
            &["-c", "echo out; echo err >&2; exit 3"],
            "/usr/bin:/bin",
            None,
            VERSION_TIMEOUT,
        );
        assert_eq!(run.exit_code, Some(3));
        assert_eq!(run.stdout, "out\n");
        assert_eq!(run.stderr, "err\n");
        assert_eq!(run.failure, None);
    }

    #[test]
    fn a_hung_command_is_killed_at_the_deadline() {
        let started = Instant::now();
        let run = run_capped(
            Path::new("/bin/sh"),
            &["-c", "sleep 30 & sleep 30"],
            "/usr/bin:/bin",
            None,
            Duration::from_millis(200),
        );
        assert!(started.elapsed() < Duration::from_secs(5));
        assert_eq!(run.exit_code, None);
        assert!(run.failure.unwrap().starts_with("timed out"));
    }

    #[test]
    fn output_is_capped_and_a_missing_program_is_reported() {
        let run = run_capped(
            Path::new("/bin/sh"),
            &["-c", "head -c 200000 /dev/zero | tr '\\0' x"],
            "/usr/bin:/bin",
            None,
            VERSION_TIMEOUT,
        );
        assert_eq!(run.stdout.len(), OUTPUT_LIMIT);
        let run = run_capped(
            Path::new("/nonexistent/runc"),
            &["--version"],
            "/bin",
            None,
            VERSION_TIMEOUT,
        );
        assert_eq!(
            run.failure.as_deref(),
            Some("cannot start: ENOENT (no such file or directory)")
        );
        assert_eq!(run.not_created, None);
        let run = run_capped(
            Path::new("runc"),
            &["--version"],
            "/bin",
            None,
            VERSION_TIMEOUT,
        );
        assert_eq!(
            run.failure.as_deref(),
            Some("cannot start: not an absolute path: runc")
        );
    }
}
