//! Running a batch of commands at once, each in its own process group, under
//! one deadline, without helper threads or signal handlers.
//!
//! Contract: every command is spawned immediately with stdin null and stdout
//! and stderr on non-blocking pipes that are drained on every turn of a single
//! poll loop (capped: output beyond the cap is read and dropped, so a chatty
//! child can neither block on a full pipe nor exhaust memory). When a group
//! leader exits, the rest of its group is killed before the leader is reaped
//! (the zombie still holds the group id, so the id cannot have been reused).
//! At the deadline every remaining group is sent SIGKILL and reaped within a
//! short grace period; such a run ends with `status: None`. Between turns
//! the loop sleeps in `poll` on the open pipes ([`crate::spawn::Backoff`]):
//! output and a child's exit wake it at once, and an idle run costs no CPU.

use nix::fcntl::{fcntl, FcntlArg, OFlag};
use nix::sys::signal::{killpg, Signal};
use nix::sys::wait::{waitid, Id, WaitPidFlag, WaitStatus};
use nix::unistd::Pid;
use std::fs::File;
use std::io::{self, Read};
use std::os::fd::{AsFd, BorrowedFd, OwnedFd};
use std::os::unix::process::CommandExt;
use std::process::{Child, Command, ExitStatus, Stdio};
use std::thread::sleep;
use std::time::{Duration, Instant};

/// At most this much of a child's stdout is kept.
pub(crate) const STDOUT_CAP: usize = 1 << 20;
/// At most this much of a child's stderr is kept.
pub(crate) const STDERR_CAP: usize = 64 << 10;
/// How long a killed group may take to be reaped before it is abandoned.
const KILL_GRACE: Duration = Duration::from_secs(1);
/// The pause between turns of the loop that reaps killed groups.
const TICK: Duration = Duration::from_millis(1);
/// Reads per pipe per turn, so a child that writes without pause cannot keep
/// the loop from looking at the clock.
const READS_PER_TURN: usize = 32;

/// How one command ended.
#[derive(Debug)]
pub(crate) struct Finished {
    /// The child's pid, which is also its process group id.
    pub(crate) pid: u32,
    /// The exit status; `None` when the group was killed at the deadline.
    pub(crate) status: Option<ExitStatus>,
    /// Standard output, at most [`STDOUT_CAP`] bytes.
    pub(crate) stdout: Vec<u8>,
    /// Standard error, at most [`STDERR_CAP`] bytes.
    pub(crate) stderr: Vec<u8>,
}

/// Runs all `commands` concurrently, each in a new process group, and returns
/// their ends in the same order. Spawn failures come back as errors.
pub(crate) fn run_all(commands: Vec<Command>, timeout: Duration) -> Vec<io::Result<Finished>> {
    let deadline = Instant::now() + timeout;
    let mut slots: Vec<Slot> = commands.into_iter().map(Slot::spawn).collect();
    let mut backoff = crate::spawn::Backoff::default();
    loop {
        let mut pending = false;
        for slot in &mut slots {
            if let Slot::Running(run) = slot {
                run.drain();
                if run.leader_exited() {
                    *slot = Slot::Done(Ok(run.finish()));
                } else {
                    pending = true;
                }
            }
        }
        if !pending {
            break;
        }
        if Instant::now() >= deadline {
            kill_all(&mut slots);
            break;
        }
        let fds: Vec<BorrowedFd<'_>> = slots
            .iter()
            .filter_map(|slot| match slot {
                Slot::Running(run) => Some(run.fds()),
                Slot::Done(_) => None,
            })
            .flatten()
            .collect();
        backoff.pause(&fds, deadline);
    }
    slots
        .into_iter()
        .map(|slot| match slot {
            Slot::Done(result) => result,
            Slot::Running(_) => Err(io::Error::other("probe runner lost track of a child")),
        })
        .collect()
}

/// Sends SIGKILL to every group still running and reaps them, bounded.
fn kill_all(slots: &mut [Slot]) {
    for slot in slots.iter_mut() {
        if let Slot::Running(run) = slot {
            let _ = killpg(run.pgid(), Signal::SIGKILL);
        }
    }
    let grace_end = Instant::now() + KILL_GRACE;
    loop {
        let mut pending = false;
        for slot in slots.iter_mut() {
            if let Slot::Running(run) = slot {
                run.drain();
                match run.child.try_wait() {
                    Ok(Some(_)) | Err(_) => *slot = Slot::Done(Ok(run.timed_out())),
                    Ok(None) => pending = true,
                }
            }
        }
        if !pending || Instant::now() >= grace_end {
            break;
        }
        sleep(TICK);
    }
    // A child that survives SIGKILL this long is stuck in the kernel; leave it
    // unreaped rather than hang the doctor.
    for slot in slots.iter_mut() {
        if let Slot::Running(run) = slot {
            *slot = Slot::Done(Ok(run.timed_out()));
        }
    }
}

enum Slot {
    Running(Box<Run>),
    Done(io::Result<Finished>),
}

impl Slot {
    fn spawn(mut command: Command) -> Slot {
        command
            .process_group(0)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        let mut child = match command.spawn() {
            Ok(child) => child,
            Err(e) => return Slot::Done(Err(e)),
        };
        let stdout = Capture::new(child.stdout.take().map(OwnedFd::from), STDOUT_CAP);
        let stderr = Capture::new(child.stderr.take().map(OwnedFd::from), STDERR_CAP);
        Slot::Running(Box::new(Run {
            child,
            stdout,
            stderr,
        }))
    }
}

struct Run {
    child: Child,
    stdout: Capture,
    stderr: Capture,
}

impl Run {
    fn pgid(&self) -> Pid {
        Pid::from_raw(i32::try_from(self.child.id()).unwrap_or(i32::MAX))
    }

    fn drain(&mut self) {
        self.stdout.drain();
        self.stderr.drain();
    }

    /// The pipes still open.
    fn fds(&self) -> impl Iterator<Item = BorrowedFd<'_>> {
        [&self.stdout, &self.stderr]
            .into_iter()
            .filter_map(|capture| capture.pipe.as_ref().map(AsFd::as_fd))
    }

    /// True once the leader is a zombie (not reaped: WNOWAIT).
    fn leader_exited(&self) -> bool {
        let flags = WaitPidFlag::WEXITED | WaitPidFlag::WNOHANG | WaitPidFlag::WNOWAIT;
        match waitid(Id::Pid(self.pgid()), flags) {
            Ok(WaitStatus::StillAlive) => false,
            Ok(_) => true,
            Err(nix::errno::Errno::EINTR) => false,
            // ECHILD: nothing left to wait for.
            Err(_) => true,
        }
    }

    /// The leader exited: kill what is left of its group, reap it, drain.
    fn finish(&mut self) -> Finished {
        let _ = killpg(self.pgid(), Signal::SIGKILL);
        let status = self.child.wait().ok();
        self.drain();
        Finished {
            pid: self.child.id(),
            status: status.or_else(|| self.child.try_wait().ok().flatten()),
            stdout: std::mem::take(&mut self.stdout.buf),
            stderr: std::mem::take(&mut self.stderr.buf),
        }
    }

    fn timed_out(&mut self) -> Finished {
        self.drain();
        Finished {
            pid: self.child.id(),
            status: None,
            stdout: std::mem::take(&mut self.stdout.buf),
            stderr: std::mem::take(&mut self.stderr.buf),
        }
    }
}

/// One non-blocking pipe and what was read from it.
struct Capture {
    pipe: Option<File>,
    buf: Vec<u8>,
    cap: usize,
}

impl Capture {
    fn new(fd: Option<OwnedFd>, cap: usize) -> Capture {
        // A pipe that cannot be made non-blocking is not read at all: reading
        // it could block the loop. The child may then block on it and time out.
        let pipe = fd
            .filter(|fd| fcntl(fd, FcntlArg::F_SETFL(OFlag::O_NONBLOCK)).is_ok())
            .map(File::from);
        Capture {
            pipe,
            buf: Vec::new(),
            cap,
        }
    }

    fn drain(&mut self) {
        let Some(pipe) = self.pipe.as_mut() else {
            return;
        };
        let mut chunk = [0u8; 8192];
        for _ in 0..READS_PER_TURN {
            match pipe.read(&mut chunk) {
                Ok(0) => {
                    self.pipe = None;
                    return;
                }
                Ok(n) => {
                    let room = self.cap.saturating_sub(self.buf.len());
                    self.buf.extend_from_slice(&chunk[..n.min(room)]);
                }
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => return,
                Err(_) => {
                    self.pipe = None;
                    return;
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sh(script: &str) -> Command {
        let mut cmd = Command::new("/bin/sh");
        cmd.arg("-c").arg(script);
        cmd
    }

    /// True once no live process is left in the group. Killed stragglers are
    /// reparented to init and stay zombies (still in the group) until init
    /// reaps them, so zombies do not count; SIGKILL is asynchronous, so wait
    /// a little for it to land.
    fn group_is_gone(pgid: u32) -> bool {
        let until = Instant::now() + Duration::from_secs(2);
        while Instant::now() < until {
            if live_members(pgid) == 0 {
                return true;
            }
            sleep(Duration::from_millis(20));
        }
        false
    }

    fn live_members(pgid: u32) -> usize {
        let entries = std::fs::read_dir("/proc").unwrap();
        entries
            .flatten()
            .filter_map(|e| std::fs::read_to_string(e.path().join("stat")).ok())
            .filter(|stat| {
                // pid (comm) state ppid pgrp ...
                let Some((_, rest)) = stat.rsplit_once(')') else {
                    return false;
                };
                let fields: Vec<&str> = rest.split_whitespace().collect();
                fields.len() > 2 && fields[0] != "Z" && fields[2] == pgid.to_string()
            })
            .count()
    }

    #[test]
    fn a_sleeping_group_is_killed_at_the_deadline() {
        let started = Instant::now();
        // The shell leads the group; the background sleep is a straggler.
        let results = run_all(
            vec![sh("sleep 30 & sleep 30; wait")],
            Duration::from_millis(300),
        );
        let elapsed = started.elapsed();
        let finished = results.into_iter().next().unwrap().unwrap();
        assert_eq!(finished.status, None);
        assert!(elapsed < Duration::from_secs(3), "took {elapsed:?}");
        assert!(elapsed >= Duration::from_millis(300), "took {elapsed:?}");
        assert!(
            group_is_gone(finished.pid),
            "something of the group survived"
        );
    }

    #[test]
    fn stragglers_of_a_finished_leader_are_killed() {
        let started = Instant::now();
        let results = run_all(vec![sh("sleep 30 & echo hi")], Duration::from_secs(20));
        let finished = results.into_iter().next().unwrap().unwrap();
        assert!(started.elapsed() < Duration::from_secs(5));
        assert!(finished.status.unwrap().success());
        assert_eq!(finished.stdout, b"hi\n");
        assert!(group_is_gone(finished.pid), "the background sleep survived");
    }

    #[test]
    fn output_larger_than_a_pipe_does_not_deadlock() {
        let results = run_all(
            vec![sh("head -c 300000 /dev/zero; echo oops >&2")],
            Duration::from_secs(20),
        );
        let finished = results.into_iter().next().unwrap().unwrap();
        assert!(finished.status.unwrap().success());
        assert_eq!(finished.stdout.len(), 300000);
        assert_eq!(finished.stderr, b"oops\n");
    }

    #[test]
    fn endless_output_is_capped_and_timed_out() {
        let results = run_all(vec![sh("exec yes")], Duration::from_millis(400));
        let finished = results.into_iter().next().unwrap().unwrap();
        assert_eq!(finished.status, None);
        assert!(finished.stdout.len() <= STDOUT_CAP);
        assert!(!finished.stdout.is_empty());
        assert!(group_is_gone(finished.pid));
    }

    #[test]
    fn commands_run_concurrently_and_keep_their_order() {
        let started = Instant::now();
        let results = run_all(
            vec![
                sh("sleep 0.3; echo one"),
                Command::new("/nonexistent/binary"),
                sh("sleep 0.3; echo three; exit 3"),
            ],
            Duration::from_secs(20),
        );
        assert!(started.elapsed() < Duration::from_millis(1500));
        let mut results = results.into_iter();
        assert_eq!(results.next().unwrap().unwrap().stdout, b"one\n");
        assert_eq!(
            results.next().unwrap().unwrap_err().kind(),
            io::ErrorKind::NotFound
        );
        let third = results.next().unwrap().unwrap();
        assert_eq!(third.stdout, b"three\n");
        assert_eq!(third.status.unwrap().code(), Some(3));
    }
}
