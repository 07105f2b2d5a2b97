//! Starting threads and processes where a sandbox may refuse them.
//!
//! A seccomp filter can refuse the system calls that create threads and
//! processes. Docker before 20.10.10 refused `clone3` with EPERM, and glibc
//! 2.34 and later then can start neither a thread (`pthread_create`) nor a
//! `posix_spawn` child (which std's `Command` uses when it can); a pids
//! cgroup or `RLIMIT_NPROC` at its limit refuses both with EAGAIN. A doctor
//! is run exactly where things are broken, so the doctor never panics on
//! that: it starts threads only through `std::thread::Builder` (which
//! returns the error instead of panicking) and does the work inline when no
//! thread can be had; a child that cannot be started ends the checks that
//! needed it in `error`, naming the errno ([`errno_text`]).
//!
//! Waiting for children uses no busy loop ([`pause`], [`Backoff`]): the
//! waiter sleeps in `poll` on the children's pipes, so output and an exit
//! (the pipes close) wake it at once, and only checks the clock and reaps
//! between pauses that grow from 0.2 ms to 10 ms while nothing happens.

use nix::errno::Errno;
use nix::poll::{ppoll, PollFd, PollFlags};
use nix::sys::time::TimeSpec;
use std::io;
use std::os::fd::BorrowedFd;
use std::time::{Duration, Instant};

/// Sleeps until one of `fds` is readable or closed by its writers, or for
/// `at_most`; true when a pipe woke it (there is something to read).
pub fn pause(fds: &[BorrowedFd<'_>], at_most: Duration) -> bool {
    if fds.is_empty() {
        std::thread::sleep(at_most);
        return false;
    }
    let mut polled: Vec<PollFd<'_>> = fds
        .iter()
        .map(|fd| PollFd::new(*fd, PollFlags::POLLIN))
        .collect();
    let timeout = TimeSpec::from_duration(at_most);
    matches!(ppoll(&mut polled, Some(timeout), None), Ok(n) if n > 0)
}

/// The pause between looks at children that have not said anything: it
/// starts short (a child that just closed its pipes is reaped a moment
/// later) and doubles up to 10 ms while nothing happens.
#[derive(Debug)]
pub struct Backoff {
    step: Duration,
}

impl Default for Backoff {
    fn default() -> Self {
        Backoff {
            step: Backoff::FIRST,
        }
    }
}

impl Backoff {
    const FIRST: Duration = Duration::from_micros(200);
    const LONGEST: Duration = Duration::from_millis(10);

    /// Pauses on `fds` ([`pause`]) for the current step, at most until
    /// `deadline`; a wake-up by a pipe starts the steps over.
    pub fn pause(&mut self, fds: &[BorrowedFd<'_>], deadline: Instant) {
        let left = deadline.saturating_duration_since(Instant::now());
        if pause(fds, self.step.min(left)) {
            self.step = Backoff::FIRST;
        } else {
            self.step = (self.step * 2).min(Backoff::LONGEST);
        }
    }
}

/// `EPERM (operation not permitted)` for an error with an errno, else the
/// error's own text.
pub fn errno_text(err: &io::Error) -> String {
    match err.raw_os_error() {
        Some(code) => {
            let errno = Errno::from_raw(code);
            format!("{errno:?} ({})", errno.desc().to_lowercase())
        }
        None => err.to_string(),
    }
}

/// `cannot start a thread: EPERM (operation not permitted)`.
pub fn thread_refused(err: &io::Error) -> String {
    format!("cannot start a thread: {}", errno_text(err))
}

/// Whether a failed spawn says that no process could be created at all
/// (`clone` or `clone3` refused by a filter, out of processes or memory),
/// as far as the errno tells, rather than that the program could not be
/// executed (ENOENT, EACCES, ENOEXEC, ...), which is a fact about the
/// program that the checks judge.
pub fn no_process(err: &io::Error) -> bool {
    matches!(
        err.raw_os_error().map(Errno::from_raw),
        Some(Errno::EPERM | Errno::EAGAIN | Errno::ENOMEM | Errno::ENOSYS)
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::fd::AsFd;

    #[test]
    fn a_pause_ends_when_a_pipe_has_something_or_closes() {
        let (read, write) = nix::unistd::pipe().unwrap();
        let started = Instant::now();
        assert!(!pause(&[read.as_fd()], Duration::from_millis(30)));
        assert!(started.elapsed() >= Duration::from_millis(25));
        nix::unistd::write(&write, b"x").unwrap();
        let started = Instant::now();
        assert!(pause(&[read.as_fd()], Duration::from_secs(5)));
        assert!(started.elapsed() < Duration::from_secs(2));
        let (read, write) = nix::unistd::pipe().unwrap();
        drop(write);
        assert!(pause(&[read.as_fd()], Duration::from_secs(5)));
        // Nothing to wait on: a plain sleep.
        let started = Instant::now();
        assert!(!pause(&[], Duration::from_millis(5)));
        assert!(started.elapsed() >= Duration::from_millis(5));
    }

    #[test]
    fn backoff_grows_while_idle_and_never_passes_the_deadline() {
        let (read, _write) = nix::unistd::pipe().unwrap();
        let mut backoff = Backoff::default();
        let deadline = Instant::now() + Duration::from_millis(40);
        let mut turns = 0;
        while Instant::now() < deadline {
            backoff.pause(&[read.as_fd()], deadline);
            turns += 1;
        }
        // 0.2, 0.4, 0.8, ... 10 ms: a handful of turns, not one per tick.
        assert!((3..=20).contains(&turns), "{turns} turns");
        assert!(Instant::now() < deadline + Duration::from_millis(15));
    }

    #[test]
    fn errnos_are_named_and_described() {
        let eperm = io::Error::from_raw_os_error(1);
        assert_eq!(errno_text(&eperm), "EPERM (operation not permitted)");
        assert_eq!(
            thread_refused(&eperm),
            "cannot start a thread: EPERM (operation not permitted)"
        );
        let plain = io::Error::other("no errno here");
        assert_eq!(errno_text(&plain), "no errno here");
    }

    #[test]
    fn only_creation_errnos_mean_no_process() {
        for code in [Errno::EPERM, Errno::EAGAIN, Errno::ENOMEM, Errno::ENOSYS] {
            assert!(no_process(&io::Error::from_raw_os_error(code as i32)));
        }
        for code in [Errno::ENOENT, Errno::EACCES, Errno::ENOEXEC, Errno::ETXTBSY] {
            assert!(!no_process(&io::Error::from_raw_os_error(code as i32)));
        }
        assert!(!no_process(&io::Error::other("x")));
    }
}
