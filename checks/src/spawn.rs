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

use nix::errno::Errno;
use std::io;

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
