//! Processes that probes leave behind are reaped by the doctor itself.
//!
//! A probe killed at its deadline orphans its helpers (the multi-map holder, a
//! fuse-overlayfs); the kernel hands orphans to the nearest "child subreaper",
//! else to init, which may take its time to reap them. The doctor makes itself
//! that subreaper before starting probes and reaps what arrives afterwards, so
//! a finished run leaves no process behind, not even a zombie.

use nix::errno::Errno;
use nix::sys::wait::{waitpid, WaitPidFlag, WaitStatus};
use nix::unistd::Pid;
use std::time::{Duration, Instant};

/// How long to wait for killed orphans to be handed over and reaped.
const GRACE: Duration = Duration::from_secs(2);

/// Makes this process the subreaper of its descendants.
pub(crate) fn adopt() {
    // Without it, orphans go to init as before; nothing else changes.
    let _ = nix::sys::prctl::set_child_subreaper(true);
}

/// Reaps every child left, waiting up to [`GRACE`] for those still exiting.
/// Call only when no child of this process is meant to be running.
pub(crate) fn reap() {
    let deadline = Instant::now() + GRACE;
    loop {
        match waitpid(Pid::from_raw(-1), Some(WaitPidFlag::WNOHANG)) {
            Ok(WaitStatus::StillAlive) => {
                if Instant::now() >= deadline {
                    return;
                }
                std::thread::sleep(Duration::from_millis(10));
            }
            Ok(_) => continue,
            Err(Errno::EINTR) => continue,
            Err(_) => return,
        }
    }
}
