//! `network.ping`: `net.ipv4.ping_group_range` against the gids that need
//! ICMP sockets: the subject's own gid (ping on the host, and container root
//! in `--network=host` containers) and the subordinate gids its containers'
//! other gids map to. A container with its own network namespace gets the
//! engine's range there (podman sets `0 0`), so the host range only matters
//! for the host network. The judge is pure over the value and the gids.
//!
//! Decisions: docs/checks/network.md, section `network.ping`.

use super::Code;
use crate::check::{CheckDef, Context, Outcome};
use crate::distro::Distro;
use crate::model::{Evidence, Remediation};
use crate::nsenv::{fixes, Knob};
use crate::subordinate::{subject_ranges, SubidFile};

pub static PING: CheckDef = CheckDef {
    id: "network.ping",
    title: "unprivileged ICMP sockets",
    description: "net.ipv4.ping_group_range covers the subject's gid and the subordinate \
                  gids its containers map to, so ping works without CAP_NET_RAW on the host \
                  network; otherwise a warning naming the gids left out.",
    codes: &[Code::PingRange.code(), Code::SysctlUnreadable.code()],
    probes: &[],
    run,
};

/// The sysctl's file.
pub const PING_RANGE: &str = "/proc/sys/net/ipv4/ping_group_range";
/// The widest range the kernel accepts.
pub const ALL_GROUPS: &str = "0 2147483647";

fn run(ctx: &Context<'_>) -> Outcome {
    let subgids = subject_ranges(ctx.host, ctx.subject, SubidFile::Gid);
    judge(
        &Knob::read(ctx.host, PING_RANGE),
        ctx.subject.gid,
        ctx.subject.is_root(),
        &subgids,
        &ctx.distro,
    )
}

/// The two fixes: every group, now and at every boot.
pub fn fixes(distro: &Distro) -> [Remediation; 2] {
    let [mut now, persist] = fixes::sysctl(
        distro,
        "net.ipv4.ping_group_range",
        ALL_GROUPS,
        "99-rootless-ping-group-range.conf",
    );
    // The value has a space: one shell word.
    now.commands = vec![format!(
        "sysctl -w 'net.ipv4.ping_group_range={ALL_GROUPS}'"
    )];
    [now, persist]
}

/// `lo hi` as the kernel prints it (tab-separated).
pub fn parse(value: &str) -> Option<(u64, u64)> {
    let mut words = value.split_whitespace().map(str::parse::<u64>);
    match (words.next(), words.next(), words.next()) {
        (Some(Ok(lo)), Some(Ok(hi)), None) => Some((lo, hi)),
        _ => None,
    }
}

/// Decides the outcome; `subgids` are the subject's subordinate gid ranges
/// (start, count).
pub fn judge(
    knob: &Knob,
    gid: u32,
    subject_is_root: bool,
    subgids: &[(u32, u32)],
    distro: &Distro,
) -> Outcome {
    let value = match knob {
        Knob::Absent => {
            return Outcome::skip(
                Code::SysctlUnreadable,
                "kernel has no net.ipv4.ping_group_range (before Linux 3.0)",
            )
        }
        Knob::Unreadable(e) => return Outcome::error(Code::SysctlUnreadable, e.clone()),
        Knob::Value(v) => v,
    };
    let shown = value.split_whitespace().collect::<Vec<_>>().join(" ");
    let setting = Evidence::setting("net.ipv4.ping_group_range", shown.clone());
    let Some((lo, hi)) = parse(value) else {
        return Outcome::error(
            Code::SysctlUnreadable,
            format!(
                "{PING_RANGE} reads '{}', not two gids",
                crate::live::cap(&shown, 40)
            ),
        )
        .with(setting);
    };
    if subject_is_root {
        return Outcome::pass(format!(
            "net.ipv4.ping_group_range is {shown}; root pings with CAP_NET_RAW"
        ))
        .with(setting);
    }
    let covers = |g: u64| lo <= g && g <= hi;
    let mut missing = Vec::new();
    if !covers(u64::from(gid)) {
        missing.push(format!(
            "gid {gid} (the subject's own, root in --network=host containers)"
        ));
    }
    for &(start, count) in subgids.iter().filter(|(_, c)| *c > 0) {
        let (first, last) = (u64::from(start), u64::from(start) + u64::from(count) - 1);
        if !(covers(first) && covers(last)) {
            missing.push(format!(
                "subordinate gids {first}-{last} (container gids 1 and up)"
            ));
        }
    }
    if missing.is_empty() {
        return Outcome::pass(format!(
            "net.ipv4.ping_group_range is {shown}: gid {gid} and its subordinate gids may open \
             ICMP sockets"
        ))
        .with(setting);
    }
    let none = lo > hi;
    let what = if none {
        "no group may open ICMP sockets".to_string()
    } else {
        format!("it leaves out {}", missing.join(" and "))
    };
    Outcome::warn(
        Code::PingRange,
        format!(
            "net.ipv4.ping_group_range is {shown}: {what}, so ping without CAP_NET_RAW fails on \
             the host and in --network=host containers (\"ping: socket: operation not \
             permitted\", busybox: \"permission denied (are you root?)\")"
        ),
    )
    .with(setting)
    .fixes(fixes(distro))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Status;

    fn debian() -> Distro {
        Distro::from_os_release(&crate::os_release::OsRelease::parse("ID=debian\n"))
    }

    #[test]
    fn the_kernel_default_allows_no_group() {
        let outcome = judge(
            &Knob::of("1\t0"),
            1001,
            false,
            &[(100000, 65536)],
            &debian(),
        );
        assert_eq!(outcome.status, Status::Warn);
        assert!(outcome.is(Code::PingRange));
        assert!(
            outcome.message.contains("is 1 0: no group may open"),
            "{}",
            outcome.message
        );
        assert_eq!(
            outcome.remediation[0].commands,
            ["sysctl -w 'net.ipv4.ping_group_range=0 2147483647'"]
        );
    }

    #[test]
    fn every_group_passes_and_partial_ranges_name_the_gap() {
        let all = judge(
            &Knob::of("0\t2147483647"),
            1001,
            false,
            &[(100000, 65536)],
            &debian(),
        );
        assert_eq!(all.status, Status::Pass);
        let own = judge(
            &Knob::of("1001 1001"),
            1001,
            false,
            &[(100000, 65536)],
            &debian(),
        );
        assert_eq!(own.status, Status::Warn);
        assert!(own.message.contains("subordinate gids 100000-165535"));
        assert!(!own.message.contains("gid 1001 (the"));
    }

    #[test]
    fn garbage_root_and_absent() {
        assert_eq!(
            judge(&Knob::of("1 0"), 0, true, &[], &debian()).status,
            Status::Pass
        );
        assert_eq!(
            judge(&Knob::of("x"), 1, false, &[], &debian()).status,
            Status::Error
        );
        assert_eq!(
            judge(&Knob::Absent, 1, false, &[], &debian()).status,
            Status::Skip
        );
        assert_eq!(parse("0 1 2"), None);
    }
}
