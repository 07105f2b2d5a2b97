//! `net-tun` and `net-helper`: the network probes.
//!
//! `net-tun` steps: `unshare` (a new user + network namespace), `map`, `open`
//! (/dev/net/tun read-write, as the subject mapped to 0), `tap` (`ip tuntap
//! add tap0 mode tap` inside the namespace: TUNSETIFF with CAP_NET_ADMIN of
//! the namespace). Facts: `dev-net-tun` (`missing`, or `char MAJ:MIN mode
//! 0NNN uid U gid G`), `misc-tun` (`listed`/`unlisted`: the tun driver in
//! /proc/misc), `sys-module-tun` (`present`/`absent`), `seccomp`,
//! `no-new-privs`, `devices-list` (the cgroup v1 device rules, when readable),
//! `ip` (the ip binary used), `ip-stderr`. The tap device lives in the probe's
//! network namespace and goes with it when the probe exits.
//!
//! `net-helper` starts each of the plan's `net_tools` with `--version`
//! (facts `version:PATH`, `exit:PATH`) and, while they run, when the plan
//! names a slirp4netns, starts it for real as podman 4 does: in a new user +
//! network namespace, `slirp4netns --configure --mtu=65520
//! --disable-host-loopback --enable-sandbox --enable-seccomp --ready-fd=R
//! --exit-fd=E PID tap0`, waits for it to say it is ready, then closes the
//! exit pipe and reaps it; then it collects the `--version` runs (each
//! bounded by [`VERSION_WAIT`] from its start). Steps: `spawn` (no process
//! could be created), `unshare`, `map`, `start-slirp4netns` (it exited or did
//! not get ready within [`READY_WAIT`]; its stderr is the
//! `slirp4netns-stderr` fact). Every wait sleeps in `poll` on the children's
//! pipes ([`crate::spawn::Backoff`]), never in fixed ticks.

use super::super::plan::ProbePlan;
use super::{describe, fact_text, map_self, status_fields, Failure, Step};
use nix::errno::Errno;
use nix::fcntl::{fcntl, FcntlArg, FdFlag, OFlag};
use nix::sched::{unshare, CloneFlags};
use nix::unistd::{getgid, getuid, pipe2};
use std::collections::BTreeMap;
use std::io::Read;
use std::os::fd::{AsFd, AsRawFd, BorrowedFd, OwnedFd};
use std::os::unix::fs::{FileTypeExt, MetadataExt};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// How long a `--version` may take.
const VERSION_WAIT: Duration = Duration::from_secs(2);
/// How long slirp4netns may take to get ready.
const READY_WAIT: Duration = Duration::from_secs(3);
/// How long slirp4netns may take to exit once told to.
const EXIT_WAIT: Duration = Duration::from_secs(1);
/// Where the probe looks for `ip`.
const IP_PATHS: [&str; 4] = ["/usr/sbin/ip", "/sbin/ip", "/usr/bin/ip", "/bin/ip"];
pub(crate) const TUN: &str = "/dev/net/tun";

/// The `net-tun` probe.
pub(super) fn tun(facts: &mut BTreeMap<String, String>) -> Step {
    facts.insert("dev-net-tun".into(), describe_node(Path::new(TUN)));
    let misc = std::fs::read_to_string("/proc/misc").unwrap_or_default();
    let listed = misc
        .lines()
        .any(|l| l.split_whitespace().nth(1) == Some("tun"));
    facts.insert(
        "misc-tun".into(),
        if listed { "listed" } else { "unlisted" }.into(),
    );
    let module = Path::new("/sys/module/tun").exists();
    facts.insert(
        "sys-module-tun".into(),
        if module { "present" } else { "absent" }.into(),
    );
    let status = status_fields();
    for (key, name) in [("Seccomp", "seccomp"), ("NoNewPrivs", "no-new-privs")] {
        if let Some(value) = status.get(key) {
            facts.insert(name.into(), value.clone());
        }
    }
    if let Some(rules) = device_rules() {
        facts.insert("devices-list".into(), fact_text(&rules));
    }
    enter_user_and_net_ns()?;
    let file = std::fs::OpenOptions::new()
        .read(true)
        .write(true)
        .open(TUN)
        .map_err(|e| Failure::io("open", &e, &format!("opening {TUN} read-write")))?;
    drop(file);
    let Some(ip) = IP_PATHS.iter().find(|p| Path::new(p).exists()) else {
        facts.insert("ip".into(), "none".into());
        return Ok(format!(
            "opened {TUN} in a user + network namespace (no ip binary to create a tap device)"
        ));
    };
    facts.insert("ip".into(), ip.to_string());
    let out = run_bounded(
        Command::new(ip).args(["tuntap", "add", "dev", "tap0", "mode", "tap"]),
        VERSION_WAIT,
    )?
    .map_err(|e| Failure::plain("tap", format!("running {ip} tuntap: {e}")))?;
    if !out.stderr.trim().is_empty() {
        facts.insert("ip-stderr".into(), fact_text(&out.stderr));
    }
    if out.code != Some(0) {
        let errno = errno_in(&out.stderr);
        return Err(Failure {
            step: "tap",
            errno,
            detail: format!(
                "{ip} tuntap add dev tap0 mode tap failed: {}",
                fact_text(&out.stderr)
            ),
        });
    }
    Ok(format!(
        "opened {TUN} and created tap0 in a user + network namespace"
    ))
}

/// The `net-helper` probe.
pub(super) fn helper(plan: &ProbePlan, facts: &mut BTreeMap<String, String>) -> Step {
    // The --version runs start first, in the probe's own namespaces, and
    // run while slirp4netns starts.
    let mut asked: Vec<(String, Running)> = Vec::new();
    for tool in &plan.net_tools {
        let key = tool.display().to_string();
        match start_bounded(Command::new(tool).arg("--version"), VERSION_WAIT)? {
            Ok(running) => asked.push((key, running)),
            Err(e) => {
                facts.insert(format!("exit:{key}"), e);
            }
        }
    }
    let started = match plan.slirp4netns.as_deref() {
        None => Ok("ran the network helpers' --version".into()),
        Some(slirp) => enter_user_and_net_ns().and_then(|()| start_slirp4netns(slirp, facts)),
    };
    for (key, running) in asked {
        let out = running.finish();
        let text: Vec<&str> = out.stdout.lines().take(6).collect();
        facts.insert(format!("version:{key}"), fact_text(&text.join("\n")));
        let exit = out.code.map_or("killed".into(), |c| c.to_string());
        facts.insert(format!("exit:{key}"), exit);
        if out.code != Some(0) && !out.stderr.trim().is_empty() {
            facts.insert(format!("stderr:{key}"), fact_text(&out.stderr));
        }
    }
    started
}

fn start_slirp4netns(slirp: &Path, facts: &mut BTreeMap<String, String>) -> Step {
    let step = "start-slirp4netns";
    let pipe = || pipe2(OFlag::O_CLOEXEC).map_err(|e| Failure::errno(step, e, "pipe2"));
    let (ready_r, ready_w) = pipe()?;
    let (exit_r, exit_w) = pipe()?;
    for fd in [&ready_w, &exit_r] {
        fcntl(fd, FcntlArg::F_SETFD(FdFlag::empty()))
            .map_err(|e| Failure::errno(step, e, "fcntl"))?;
    }
    let pid = std::process::id().to_string();
    let child = Command::new(slirp)
        .args([
            "--configure",
            "--mtu=65520",
            "--disable-host-loopback",
            "--enable-sandbox",
            "--enable-seccomp",
            &format!("--ready-fd={}", ready_w.as_raw_fd()),
            &format!("--exit-fd={}", exit_r.as_raw_fd()),
            &pid,
            "tap0",
        ])
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| {
            let step = if crate::spawn::no_process(&e) {
                "spawn"
            } else {
                step
            };
            Failure::io(step, &e, &format!("starting {}", slirp.display()))
        });
    drop(ready_w);
    drop(exit_r);
    let mut child = child?;
    let mut err = Drain::new(child.stderr.take().map(OwnedFd::from));
    let ready = await_ready(&ready_r, &mut child, &mut err);
    drop(exit_w);
    let status = settle(&mut child, &mut [&mut err], Instant::now() + EXIT_WAIT);
    if status.is_none() {
        super::stop(&mut child);
    }
    err.read();
    let stderr = err.text();
    if !stderr.trim().is_empty() {
        facts.insert("slirp4netns-stderr".into(), fact_text(&stderr));
    }
    if ready {
        return Ok(format!(
            "started {} with its sandbox and seccomp filter in a user + network namespace",
            slirp.display()
        ));
    }
    let how = match status.and_then(|s| s.code()) {
        Some(code) => format!("exited with status {code}"),
        None => format!("was not ready within {} s", READY_WAIT.as_secs()),
    };
    let first = stderr
        .lines()
        .find(|l| !l.starts_with("WARNING"))
        .unwrap_or("")
        .to_string();
    Err(Failure {
        step,
        errno: errno_in(&stderr),
        detail: format!("{} {how}: {}", slirp.display(), fact_text(&first)),
    })
}

/// Waits up to [`READY_WAIT`] for slirp4netns to write to its ready pipe;
/// false when it exits, closes the pipe or takes too long. Its stderr is
/// read meanwhile, so it never blocks on a full pipe.
fn await_ready(ready_r: &OwnedFd, child: &mut Child, err: &mut Drain) -> bool {
    if fcntl(ready_r, FcntlArg::F_SETFL(OFlag::O_NONBLOCK)).is_err() {
        return false;
    }
    let deadline = Instant::now() + READY_WAIT;
    let mut backoff = crate::spawn::Backoff::default();
    let mut byte = [0u8; 1];
    loop {
        match nix::unistd::read(ready_r, &mut byte) {
            Ok(1) => return true,
            Ok(_) => return false,
            Err(Errno::EAGAIN) | Err(Errno::EINTR) => {}
            Err(_) => return false,
        }
        err.read();
        if Instant::now() >= deadline || matches!(child.try_wait(), Ok(Some(_))) {
            return matches!(nix::unistd::read(ready_r, &mut byte), Ok(1));
        }
        let mut fds = vec![ready_r.as_fd()];
        fds.extend(err.fd());
        backoff.pause(&fds, deadline);
    }
}

/// Reads `drains` until `child` exits or `deadline` passes; its exit
/// status, `None` when it is still running (the caller stops it).
fn settle(
    child: &mut Child,
    drains: &mut [&mut Drain],
    deadline: Instant,
) -> Option<std::process::ExitStatus> {
    let mut backoff = crate::spawn::Backoff::default();
    loop {
        for drain in drains.iter_mut() {
            drain.read();
        }
        match child.try_wait() {
            Ok(Some(status)) => return Some(status),
            Ok(None) if Instant::now() < deadline => {}
            _ => return None,
        }
        let fds: Vec<BorrowedFd<'_>> = drains.iter().filter_map(|d| d.fd()).collect();
        backoff.pause(&fds, deadline);
    }
}

/// Up to [`OUTPUT_CAP`] bytes of a child's pipe, read without blocking.
struct Drain {
    pipe: Option<std::fs::File>,
    buf: Vec<u8>,
}

/// The most kept of one stream.
const OUTPUT_CAP: usize = 64 << 10;

impl Drain {
    /// A pipe that cannot be made non-blocking is not read at all.
    fn new(fd: Option<OwnedFd>) -> Self {
        let pipe = fd
            .filter(|fd| fcntl(fd, FcntlArg::F_SETFL(OFlag::O_NONBLOCK)).is_ok())
            .map(std::fs::File::from);
        Drain {
            pipe,
            buf: Vec::new(),
        }
    }

    /// Reads what is there now, in a bounded number of reads.
    fn read(&mut self) {
        let Some(pipe) = self.pipe.as_mut() else {
            return;
        };
        let mut chunk = [0u8; 4096];
        for _ in 0..64 {
            match pipe.read(&mut chunk) {
                Ok(0) => {
                    self.pipe = None;
                    return;
                }
                Ok(n) => {
                    let room = OUTPUT_CAP.saturating_sub(self.buf.len());
                    self.buf.extend_from_slice(&chunk[..n.min(room)]);
                }
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
                Err(_) => return,
            }
        }
    }

    fn text(&self) -> String {
        String::from_utf8_lossy(&self.buf).into_owned()
    }

    /// The pipe, while it is open.
    fn fd(&self) -> Option<BorrowedFd<'_>> {
        self.pipe.as_ref().map(AsFd::as_fd)
    }
}

/// Unshares a user and a network namespace and maps the own ids to 0.
fn enter_user_and_net_ns() -> Result<(), Failure> {
    let (uid, gid) = (getuid().as_raw(), getgid().as_raw());
    unshare(CloneFlags::CLONE_NEWUSER | CloneFlags::CLONE_NEWNET)
        .map_err(|e| Failure::errno("unshare", e, "unshare(CLONE_NEWUSER|CLONE_NEWNET)"))?;
    map_self(uid, gid)
        .map_err(|(file, e)| Failure::io("map", &e, &format!("writing /proc/self/{file}")))
}

/// `missing`, or `char 10:200 mode 0600 uid 0 gid 0`.
fn describe_node(path: &Path) -> String {
    match std::fs::metadata(path) {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => "missing".into(),
        Err(e) => format!("unreadable: {e}"),
        Ok(meta) => {
            let kind = if meta.file_type().is_char_device() {
                "char"
            } else {
                "not-a-char-device"
            };
            let rdev = meta.rdev();
            format!(
                "{kind} {}:{} mode {:04o} uid {} gid {}",
                nix::sys::stat::major(rdev),
                nix::sys::stat::minor(rdev),
                meta.mode() & 0o7777,
                meta.uid(),
                meta.gid()
            )
        }
    }
}

/// The cgroup v1 device rules of this process, when readable.
fn device_rules() -> Option<String> {
    let text = std::fs::read_to_string("/proc/self/cgroup").ok()?;
    let path = text.lines().find_map(|line| {
        let mut parts = line.splitn(3, ':');
        let (_, controllers, path) = (parts.next()?, parts.next()?, parts.next()?);
        controllers
            .split(',')
            .any(|c| c == "devices")
            .then(|| path.to_string())
    })?;
    std::fs::read_to_string(format!("/sys/fs/cgroup/devices{path}/devices.list")).ok()
}

/// The errno named in a tool's message (`Permission denied` is EACCES).
fn errno_in(text: &str) -> Option<Errno> {
    let lower = text.to_lowercase();
    [
        ("permission denied", Errno::EACCES),
        ("operation not permitted", Errno::EPERM),
        ("no such file or directory", Errno::ENOENT),
        ("no such device", Errno::ENODEV),
    ]
    .into_iter()
    .find(|(words, _)| lower.contains(words))
    .map(|(_, errno)| errno)
}

struct Ran {
    code: Option<i32>,
    stdout: String,
    stderr: String,
}

/// A tool started by [`start_bounded`], not yet collected.
struct Running {
    child: Child,
    out: Drain,
    err: Drain,
    deadline: Instant,
}

impl Running {
    /// Reads its output until it exits or its time is up (then its group
    /// is killed); what it said and how it ended.
    fn finish(mut self) -> Ran {
        let status = settle(
            &mut self.child,
            &mut [&mut self.out, &mut self.err],
            self.deadline,
        );
        if status.is_none() {
            super::stop(&mut self.child);
        }
        self.out.read();
        self.err.read();
        Ran {
            code: status.and_then(|s| s.code()),
            stdout: self.out.text(),
            stderr: self.err.text(),
        }
    }
}

/// Starts `command` with stdin null and its output on pipes, to be collected
/// with [`Running::finish`] within `wait` of now. The outer `Err` is the
/// probe's own `spawn` failure, when no process could be created at all (a
/// sandbox refusing clone3, a process limit), not the tool's; the inner one
/// says why the tool could not start.
fn start_bounded(
    command: &mut Command,
    wait: Duration,
) -> Result<Result<Running, String>, Failure> {
    let child = command
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn();
    let mut child = match child {
        Ok(child) => child,
        Err(e) if crate::spawn::no_process(&e) => {
            let program = command.get_program().to_string_lossy().into_owned();
            return Err(Failure::io("spawn", &e, &format!("starting {program}")));
        }
        Err(e) => {
            return Ok(Err(e
                .raw_os_error()
                .map_or(e.to_string(), |c| describe(Errno::from_raw(c)))))
        }
    };
    // Read while waiting: a tool that fills its pipe is not stalled, and one
    // that leaves a process holding the pipe cannot block the probe.
    let out = Drain::new(child.stdout.take().map(OwnedFd::from));
    let err = Drain::new(child.stderr.take().map(OwnedFd::from));
    Ok(Ok(Running {
        child,
        out,
        err,
        deadline: Instant::now() + wait,
    }))
}

/// Runs `command` for at most `wait` ([`start_bounded`], then
/// [`Running::finish`]).
fn run_bounded(command: &mut Command, wait: Duration) -> Result<Result<Ran, String>, Failure> {
    Ok(start_bounded(command, wait)?.map(Running::finish))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tool_messages_name_their_errno() {
        assert_eq!(
            errno_in("open(\"/dev/net/tun\"): Permission denied"),
            Some(Errno::EACCES)
        );
        assert_eq!(
            errno_in("ioctl(TUNSETIFF): Operation not permitted"),
            Some(Errno::EPERM)
        );
        assert_eq!(errno_in("odd"), None);
    }

    #[test]
    fn missing_nodes_are_named() {
        assert_eq!(describe_node(Path::new("/nonexistent/tun")), "missing");
        assert!(describe_node(Path::new("/dev/null")).starts_with("char 1:3 mode 0666"));
    }

    #[test]
    fn a_process_left_holding_the_pipe_does_not_stall_the_run() {
        let started = Instant::now();
        let ran = run_bounded(
            Command::new("/bin/sh").args(["-c", "echo version 1.2.3; sleep 5 & echo $!"]),
            Duration::from_secs(2),
        )
        .unwrap()
        .unwrap();
        let elapsed = started.elapsed();
        if let Some(pid) = ran.stdout.lines().nth(1).and_then(|l| l.parse().ok()) {
            let _ = nix::sys::signal::kill(
                nix::unistd::Pid::from_raw(pid),
                nix::sys::signal::Signal::SIGKILL,
            );
        }
        assert_eq!(ran.code, Some(0));
        assert!(
            ran.stdout.starts_with("version 1.2.3\n"),
            "{:?}",
            ran.stdout
        );
        assert!(elapsed < Duration::from_secs(2), "{elapsed:?}");
    }
}
