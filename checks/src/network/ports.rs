//! `network.ports`: `net.ipv4.ip_unprivileged_port_start`, and which
//! published ports below it fail. Rootless port forwarders (podman's
//! rootlessport, RootlessKit's port drivers) bind on the host as the
//! subject, without CAP_NET_BIND_SERVICE. The judge is pure over the value.
//!
//! Decisions: docs/checks/network.md, section `network.ports`.

use super::Code;
use crate::check::{CheckDef, Context, Outcome};
use crate::distro::Distro;
use crate::model::{Evidence, Remediation};
use crate::nsenv::{fixes, Knob};

pub static PORTS: CheckDef = CheckDef {
    id: "network.ports",
    title: "unprivileged port range",
    description: "net.ipv4.ip_unprivileged_port_start lets the subject publish ports 80 and \
                  443; a higher start is a warning naming the ports that fail.",
    codes: &[Code::PrivilegedPorts.code(), Code::SysctlUnreadable.code()],
    probes: &[],
    run,
};

/// The sysctl's file.
pub const PORT_START: &str = "/proc/sys/net/ipv4/ip_unprivileged_port_start";
/// The value the fixes set (the one podman's own error message suggests).
pub const FIX_VALUE: u32 = 80;
/// Ports commonly published, named when they fall below the start.
const COMMON: [u32; 6] = [22, 25, 53, 80, 443, 853];

fn run(ctx: &Context<'_>) -> Outcome {
    judge(
        &Knob::read(ctx.host, PORT_START),
        ctx.subject.is_root(),
        &ctx.distro,
    )
}

/// The two fixes: the sysctl at [`FIX_VALUE`] now and at every boot.
pub fn fixes(distro: &Distro) -> [Remediation; 2] {
    fixes::sysctl(
        distro,
        "net.ipv4.ip_unprivileged_port_start",
        &FIX_VALUE.to_string(),
        "99-rootless-unprivileged-port-start.conf",
    )
}

/// Decides the outcome.
pub fn judge(knob: &Knob, subject_is_root: bool, distro: &Distro) -> Outcome {
    let value = match knob {
        Knob::Absent => {
            return Outcome::skip(
                Code::SysctlUnreadable,
                "kernel has no net.ipv4.ip_unprivileged_port_start (before Linux 4.11): \
                 ports below 1024 need root",
            )
        }
        Knob::Unreadable(e) => return Outcome::error(Code::SysctlUnreadable, e.clone()),
        Knob::Value(v) => v,
    };
    let setting = Evidence::setting("net.ipv4.ip_unprivileged_port_start", value.clone());
    let Some(start) = knob.int().and_then(|v| u32::try_from(v).ok()) else {
        return Outcome::error(
            Code::SysctlUnreadable,
            format!(
                "{PORT_START} reads '{}', not a port",
                crate::live::cap(value, 40)
            ),
        )
        .with(setting);
    };
    if subject_is_root {
        return Outcome::pass(format!(
            "net.ipv4.ip_unprivileged_port_start is {start}; root binds any port"
        ))
        .with(setting);
    }
    if start <= 1 {
        return Outcome::pass(format!(
            "net.ipv4.ip_unprivileged_port_start is {start}: every port can be published"
        ))
        .with(setting);
    }
    let below: Vec<String> = COMMON
        .iter()
        .filter(|p| **p < start)
        .map(u32::to_string)
        .collect();
    let named = if below.is_empty() {
        String::new()
    } else {
        format!(" (like {})", below.join(", "))
    };
    let range = format!("ports 1-{}{named}", start - 1);
    if start <= FIX_VALUE {
        return Outcome::pass(format!(
            "net.ipv4.ip_unprivileged_port_start is {start}: ports {start} and up, 80 and 443 \
             among them, can be published; {range} still cannot"
        ))
        .with(setting);
    }
    Outcome::warn(
        Code::PrivilegedPorts,
        format!(
            "net.ipv4.ip_unprivileged_port_start is {start}: publishing {range} fails \
             (podman: \"rootlessport cannot expose privileged port 80 ... bind: permission \
             denied\"); publish a port >= {start} or lower the sysctl"
        ),
    )
    .with(setting)
    .fixes(fixes(distro))
    .fix(
        Remediation::root(
            format!("or publish a host port >= {start}, e.g. -p 8080:80"),
            vec![],
        )
        .as_user()
        .alternative(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Status;

    fn debian() -> Distro {
        Distro::from_os_release(&crate::os_release::OsRelease::parse("ID=debian\n"))
    }

    #[test]
    fn the_default_warns_and_names_the_web_ports() {
        let outcome = judge(&Knob::of("1024"), false, &debian());
        assert_eq!(outcome.status, Status::Warn);
        assert!(outcome.is(Code::PrivilegedPorts));
        assert!(outcome
            .message
            .contains("ports 1-1023 (like 22, 25, 53, 80, 443, 853)"));
        assert_eq!(
            outcome.remediation[0].commands,
            ["sysctl -w net.ipv4.ip_unprivileged_port_start=80"]
        );
        assert!(outcome.remediation[1].persistent);
    }

    #[test]
    fn eighty_passes_and_still_names_what_fails() {
        let outcome = judge(&Knob::of("80"), false, &debian());
        assert_eq!(outcome.status, Status::Pass);
        assert!(outcome
            .message
            .contains("ports 1-79 (like 22, 25, 53) still cannot"));
        assert_eq!(judge(&Knob::of("0"), false, &debian()).status, Status::Pass);
    }

    #[test]
    fn root_absent_and_garbage() {
        assert_eq!(
            judge(&Knob::of("1024"), true, &debian()).status,
            Status::Pass
        );
        assert_eq!(judge(&Knob::Absent, false, &debian()).status, Status::Skip);
        let odd = judge(&Knob::of("-5"), false, &debian());
        assert_eq!(odd.status, Status::Error);
        assert!(odd.is(Code::SysctlUnreadable));
    }
}
