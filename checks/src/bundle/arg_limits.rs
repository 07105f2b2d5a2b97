//! Part of `bundle.process`: will `execve` take the arguments and environment?
//!
//! runc's init execs `args[0]` (as `exec.LookPath` found it) with process.args
//! and an environment made of process.env the Go way (`os.Setenv` per entry
//! after `os.Clearenv`: one entry per name, at its first position, the last
//! value winning) plus `HOME` when process.env sets none (or an empty one).
//! The kernel (fs/exec.c, `bprm_stack_limits` and `copy_strings`, Linux 6.1
//! and later) refuses with E2BIG:
//!
//! - a single string longer than `MAX_ARG_STRLEN` (32 pages, 131072 bytes on
//!   4 KiB pages) counting its NUL;
//! - strings (the file name, every env and arg string, each with its NUL)
//!   that do not fit in `limit - pointers`, where
//!   `limit = max(min(_STK_LIM / 4 * 3, RLIMIT_STACK soft / 4), ARG_MAX)`
//!   (`_STK_LIM` 8 MiB, `ARG_MAX` 32 pages) and `pointers` is
//!   `(max(argc, 1) + envc) * sizeof(void *)`.
//!
//! The stack limit is the one the process has when it execs: the last
//! `RLIMIT_STACK` of process.rlimits (runc sets them before), else the
//! subject's soft stack limit, which runc inherits.

use super::rlimits::{self, Limits, INFINITY};
use super::Code;
use crate::check::Finding;
use crate::model::{Evidence, Remediation};
use crate::spec::Spec;

/// Pages of 4 KiB (the page size of every architecture Debian ships but
/// ppc64el and some arm64 kernels; larger pages only raise these limits).
const PAGE: u64 = 4096;
/// `MAX_ARG_STRLEN`: the longest single string, NUL included.
pub const MAX_ARG_STRLEN: u64 = 32 * PAGE;
/// `ARG_MAX`: the floor of the strings' limit.
pub const ARG_MAX: u64 = 32 * PAGE;
/// `_STK_LIM`.
const STK_LIM: u64 = 8 * 1024 * 1024;
const POINTER: u64 = std::mem::size_of::<usize>() as u64;

/// What the kernel will count.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ArgFacts {
    /// The file name execve gets (args[0] as looked up).
    pub filename: String,
    pub args: Vec<String>,
    /// The environment as runc's init builds it.
    pub env: Vec<String>,
    /// The soft stack limit at exec time, and where it came from.
    pub stack_soft: Option<u64>,
    pub stack_from_config: bool,
}

/// The environment runc's init passes to execve.
pub fn exec_env(env: &[String]) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for entry in env {
        let Some((name, _)) = entry.split_once('=') else {
            continue;
        };
        match out
            .iter_mut()
            .find(|e| e.split_once('=').map(|(n, _)| n) == Some(name))
        {
            Some(existing) => *existing = entry.clone(),
            None => out.push(entry.clone()),
        }
    }
    if !out
        .iter()
        .any(|e| e.strip_prefix("HOME=").is_some_and(|v| !v.is_empty()))
    {
        // HOME of the container user from its /etc/passwd; "/" is the shortest.
        out.retain(|e| !e.starts_with("HOME="));
        out.push("HOME=/".into());
    }
    out
}

/// The facts for `spec`, with execve's file name and the subject's limits.
pub fn gather(spec: &Spec, filename: &str, limits: &Limits) -> ArgFacts {
    let process = spec.process.as_ref();
    let from_config = process
        .and_then(|p| p.rlimits.as_ref())
        .and_then(|r| {
            r.iter()
                .rfind(|l| l.kind.as_deref() == Some("RLIMIT_STACK"))
        })
        .map(|l| l.soft.unwrap_or(0));
    let stack = rlimits::number_of("RLIMIT_STACK").unwrap_or(3);
    ArgFacts {
        filename: filename.to_string(),
        args: process.and_then(|p| p.args.clone()).unwrap_or_default(),
        env: exec_env(process.and_then(|p| p.env.as_deref()).unwrap_or(&[])),
        stack_soft: from_config.or_else(|| limits.get(stack).map(|l| l.soft)),
        stack_from_config: from_config.is_some(),
    }
}

/// The kernel's limit on the strings, for a soft stack limit.
pub fn strings_limit(stack_soft: u64) -> u64 {
    (STK_LIM / 4 * 3).min(stack_soft / 4).max(ARG_MAX)
}

fn counted(s: &str) -> u64 {
    s.len() as u64 + 1
}

fn shrink_fix() -> Remediation {
    Remediation::root(
        "pass large data in a file (a bind mount) instead of process.args or process.env",
        vec![],
    )
    .as_user()
}

/// E2BIG from execve, or `None` when the strings fit.
pub fn judge(facts: &ArgFacts) -> Option<Finding> {
    let e2big = format!(
        "runc will fail: exec {}: argument list too long (crun: exec container process: \
         Argument list too long)",
        facts.filename
    );
    let strings = facts
        .args
        .iter()
        .map(|a| ("process.args", a))
        .chain(facts.env.iter().map(|e| ("process.env", e)));
    for (field, s) in strings {
        if counted(s) > MAX_ARG_STRLEN {
            let shown: String = s.chars().take(40).collect();
            return Some(
                Finding::fail(
                    Code::ArgumentTooLong,
                    format!(
                        "an entry of {field} ({shown:?}...) is {} bytes with its NUL; the kernel \
                         takes at most {MAX_ARG_STRLEN} (MAX_ARG_STRLEN) per string; {e2big}",
                        counted(s)
                    ),
                )
                .fixes([shrink_fix()]),
            );
        }
    }
    let stack = facts.stack_soft?;
    let limit = strings_limit(stack);
    let pointers = (facts.args.len().max(1) as u64 + facts.env.len() as u64) * POINTER;
    let total = counted(&facts.filename)
        + facts.args.iter().map(|a| counted(a)).sum::<u64>()
        + facts.env.iter().map(|e| counted(e)).sum::<u64>();
    if total.saturating_add(pointers) > limit {
        let source = if facts.stack_from_config {
            "RLIMIT_STACK of process.rlimits"
        } else {
            "the soft stack limit runc inherits"
        };
        return Some(
            Finding::fail(
                Code::ArgumentsTooLong,
                format!(
                    "process.args and process.env come to {total} bytes of strings plus {pointers} \
                     of pointers; with a stack limit of {} ({source}) the kernel allows {limit}; \
                     {e2big}",
                    if stack == INFINITY {
                        "unlimited".to_string()
                    } else {
                        format!("{stack} bytes")
                    }
                ),
            )
            .with([
                Evidence::fact("strings (NULs included)", total.to_string()),
                Evidence::fact(
                    "argc + envc",
                    (facts.args.len() + facts.env.len()).to_string(),
                ),
                Evidence::fact("kernel limit", limit.to_string()),
            ])
            .fixes([
                shrink_fix(),
                Remediation::root(
                    "or raise the stack limit: RLIMIT_STACK in process.rlimits (within your hard \
                     limit), or ulimit -s before runc",
                    vec![],
                )
                .as_user(),
            ]),
        );
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn facts(args: Vec<String>, env: Vec<String>, stack: Option<u64>) -> ArgFacts {
        ArgFacts {
            filename: "/bin/true".into(),
            args,
            env: exec_env(&env),
            stack_soft: stack,
            stack_from_config: false,
        }
    }

    #[test]
    fn the_limit_follows_bprm_stack_limits() {
        assert_eq!(strings_limit(8 * 1024 * 1024), 2 * 1024 * 1024);
        assert_eq!(strings_limit(INFINITY), 6 * 1024 * 1024);
        assert_eq!(strings_limit(64 * 1024), ARG_MAX);
    }

    #[test]
    fn env_is_built_like_runc_init() {
        let env = exec_env(&[
            "A=1".into(),
            "B=2".into(),
            "A=3".into(),
            "junk".into(),
            "HOME=".into(),
        ]);
        assert_eq!(env, ["A=3", "B=2", "HOME=/"]);
        assert_eq!(exec_env(&["HOME=/x".into()]), ["HOME=/x"]);
    }

    #[test]
    fn sizes_at_the_edge() {
        let stack = Some(8 * 1024 * 1024);
        // 3 MB of environment fails; 1.9 MB passes.
        let big: Vec<String> = (0..30)
            .map(|i| format!("V{i}={}", "x".repeat(100_000)))
            .collect();
        let f = judge(&facts(vec!["/bin/true".into()], big, stack)).unwrap();
        assert_eq!(f.code, Code::ArgumentsTooLong.code());
        let ok: Vec<String> = (0..19)
            .map(|i| format!("V{i}={}", "x".repeat(100_000)))
            .collect();
        assert!(judge(&facts(vec!["/bin/true".into()], ok, stack)).is_none());
        // One string of 131072 bytes with its NUL passes, one more byte fails.
        let edge = format!("V={}", "x".repeat(131_071 - 2));
        assert!(judge(&facts(vec!["/bin/true".into()], vec![edge.clone()], stack)).is_none());
        let over = format!("{edge}x");
        let f = judge(&facts(vec!["/bin/true".into()], vec![over], stack)).unwrap();
        assert_eq!(f.code, Code::ArgumentTooLong.code());
        // Exactly at the limit: strings + pointers == limit passes.
        let limit = strings_limit(8 * 1024 * 1024);
        let fixed = counted("/bin/true") * 2 + counted("HOME=/") + 3 * POINTER;
        let mut env = Vec::new();
        let mut left = limit - fixed;
        while left > 0 {
            let take = left.min(100_000);
            // "V{n}=" + payload + NUL + a pointer
            let prefix = format!("V{}=", env.len());
            let payload = take.saturating_sub(prefix.len() as u64 + 1 + POINTER);
            env.push(format!("{prefix}{}", "y".repeat(payload as usize)));
            left -= prefix.len() as u64 + payload + 1 + POINTER;
            if left < 64 {
                break;
            }
        }
        let argv = vec!["/bin/true".to_string()];
        let f = facts(argv, env, stack);
        let total: u64 = counted(&f.filename)
            + f.args.iter().map(|a| counted(a)).sum::<u64>()
            + f.env.iter().map(|e| counted(e)).sum::<u64>()
            + (f.args.len() + f.env.len()) as u64 * POINTER;
        assert!(total <= limit);
        assert!(judge(&f).is_none());
        // Unknown stack limit: only the per-string rule.
        assert!(judge(&facts(vec!["x".into()], vec![], None)).is_none());
    }
}
