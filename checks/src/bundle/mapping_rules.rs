//! The rules `bundle.uid-mappings` and `bundle.gid-mappings` share: will
//! runc, started by the subject, be able to set up the configured user
//! namespace? Also the mapping arithmetic the other bundle checks use
//! ([`to_host`], [`host_is_mapped`], [`show`], [`Userns`]).
//!
//! The rules follow runc's pipeline and the first one broken names the error
//! runc prints: a `user` namespace is listed; mappings are non-empty;
//! container id 0 is mapped; container 0 is the subject's own id (exec.fifo /
//! fchown chown); entries are well-formed (size > 0, no overlap, within 32
//! bits, at most 5 when runc hands them to the helper); when the map is not
//! exactly `{0 -> own id, 1}` the helper must be usable and every entry
//! authorised (own id with size 1, or inside the subject's subordinate
//! ranges).
//!
//! Decisions: docs/checks/bundle.md, section `bundle.uid-mappings`.

use super::{host_facts, Code};
use crate::check::{Context, Outcome};
use crate::distro::{Component, Distro};
use crate::model::{Evidence, Remediation, Status};
use crate::shell::quote;
use crate::spec::{BundleInput, IdMapping, Spec};
use crate::subordinate::{subject_ranges, SubidFile};

/// The codes of `bundle.uid-mappings` and `bundle.gid-mappings`.
pub const CODES: &[crate::model::Code] = &[
    Code::NoBundle.code(),
    Code::NotRootless.code(),
    Code::NoUserNamespace.code(),
    Code::UsernsJoined.code(),
    Code::NoMappings.code(),
    Code::ContainerRootUnmapped.code(),
    Code::RootNotOwnId.code(),
    Code::MalformedEntry.code(),
    Code::HelperUnusable.code(),
    Code::OutsideSubordinateRanges.code(),
    Code::TooManyEntries.code(),
    Code::HelperUnknown.code(),
];

/// uid or gid.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum IdKind {
    Uid,
    Gid,
}

impl IdKind {
    /// "uid" or "gid".
    pub fn name(self) -> &'static str {
        match self {
            IdKind::Uid => "uid",
            IdKind::Gid => "gid",
        }
    }

    fn helper(self) -> &'static str {
        match self {
            IdKind::Uid => "newuidmap",
            IdKind::Gid => "newgidmap",
        }
    }

    fn field(self) -> &'static str {
        match self {
            IdKind::Uid => "uidMappings",
            IdKind::Gid => "gidMappings",
        }
    }

    fn file(self) -> &'static str {
        match self {
            IdKind::Uid => "/etc/subuid",
            IdKind::Gid => "/etc/subgid",
        }
    }
}

/// How the config asks for a user namespace.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Userns {
    /// Not listed in linux.namespaces.
    Absent,
    /// Joined from a path (its mappings come from the running namespace).
    Joined(String),
    /// A new one.
    New,
}

impl Userns {
    /// From the spec.
    pub fn of(spec: &Spec) -> Self {
        match spec.namespace("user") {
            None => Userns::Absent,
            Some(ns) => match ns.path.as_deref() {
                Some(path) if !path.is_empty() => Userns::Joined(path.to_string()),
                _ => Userns::New,
            },
        }
    }
}

/// What `idmap.newuidmap` / `idmap.newgidmap` concluded, as far as it
/// matters: the judge decides on the status; the message is evidence only.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HelperFact {
    pub status: Status,
    /// The helper check's code (`None` on a pass, or when it was not needed).
    pub code: Option<crate::model::Code>,
    pub message: String,
}

impl HelperFact {
    /// The helper is not needed: its check does not run.
    pub fn not_needed() -> Self {
        HelperFact {
            status: Status::Skip,
            code: None,
            message: "not needed".into(),
        }
    }

    /// What the helper check concluded.
    pub fn of(outcome: Outcome) -> Self {
        HelperFact {
            status: outcome.status,
            code: outcome.code,
            message: outcome.message,
        }
    }
}

/// Everything the mapping judge needs.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MapFacts {
    pub kind: IdKind,
    /// The subject's name, for messages and fixes.
    pub subject: String,
    /// True when runc runs as a non-root user (RootlessEUID).
    pub rootless: bool,
    pub userns: Userns,
    pub mappings: Vec<IdMapping>,
    /// The subject's uid (uid kind) or primary gid (gid kind).
    pub own_id: u32,
    /// Host ids container 0 may map to for the exec.fifo chown to succeed:
    /// the own uid; or the primary gid and supplementary groups.
    pub chown_ok: Vec<u32>,
    /// The subject's subordinate ranges `(start, count)`.
    pub ranges: Vec<(u32, u32)>,
    pub helper: HelperFact,
    /// config.json's path, for the edit commands.
    pub config_path: String,
}

/// Gathers the facts of one kind of mapping for the bundle under test.
pub fn gather(ctx: &Context<'_>, bundle: &BundleInput, spec: &Spec, kind: IdKind) -> MapFacts {
    let (mappings, own_id, file) = match kind {
        IdKind::Uid => (spec.uid_mappings(), ctx.subject.uid, SubidFile::Uid),
        IdKind::Gid => (spec.gid_mappings(), ctx.subject.gid, SubidFile::Gid),
    };
    let chown_ok = match kind {
        IdKind::Uid => vec![ctx.subject.uid],
        IdKind::Gid => host_facts::subject_groups(ctx.host, ctx.subject),
    };
    let userns = Userns::of(spec);
    let simple = mappings.len() == 1 && mappings[0].size == 1 && mappings[0].host_id == own_id;
    // The helper check only matters (and only runs) when runc would use it.
    let helper = if userns == Userns::New && !mappings.is_empty() && !simple {
        HelperFact::of(ctx.outcome_of(match kind {
            IdKind::Uid => &crate::idmap::NEWUIDMAP,
            IdKind::Gid => &crate::idmap::NEWGIDMAP,
        }))
    } else {
        HelperFact::not_needed()
    };
    MapFacts {
        kind,
        subject: ctx.subject.name.clone(),
        rootless: !ctx.subject.is_root(),
        userns,
        mappings: mappings.to_vec(),
        own_id,
        chown_ok,
        ranges: subject_ranges(ctx.host, ctx.subject, file),
        helper,
        config_path: bundle.dir.join("config.json").display().to_string(),
    }
}

/// The host id a container id maps to.
pub fn to_host(maps: &[IdMapping], id: u32) -> Option<u32> {
    maps.iter().find_map(|m| {
        let offset = id.checked_sub(m.container_id)?;
        (offset < m.size).then(|| m.host_id.wrapping_add(offset))
    })
}

/// True when `host` lies in one of the mappings' host ranges.
pub fn host_is_mapped(maps: &[IdMapping], host: u32) -> bool {
    maps.iter()
        .any(|m| host.checked_sub(m.host_id).is_some_and(|o| o < m.size))
}

/// `0->1000 (1), 1->100000 (65536)`.
///
/// At most [`SHOWN_ENTRIES`] entries are listed, then how many more there are:
/// a config may hold thousands, and evidence stays readable (and small enough
/// for the answer of a bundle read as the subject).
pub fn show(maps: &[IdMapping]) -> String {
    if maps.is_empty() {
        return "none".into();
    }
    let mut text = maps
        .iter()
        .take(SHOWN_ENTRIES)
        .map(|m| format!("{}->{} ({})", m.container_id, m.host_id, m.size))
        .collect::<Vec<_>>()
        .join(", ");
    if maps.len() > SHOWN_ENTRIES {
        text.push_str(&format!(", ... ({} entries in all)", maps.len()));
    }
    text
}

/// How many mapping entries evidence lists.
pub const SHOWN_ENTRIES: usize = 16;

fn show_ranges(ranges: &[(u32, u32)]) -> String {
    if ranges.is_empty() {
        return "none".into();
    }
    ranges
        .iter()
        .map(|&(s, c)| format!("{s}-{} ({c} ids)", u64::from(s) + u64::from(c) - 1))
        .collect::<Vec<_>>()
        .join(", ")
}

/// True when `[start, start+count)` lies inside the union of `ranges`
/// (shadow's have_range chains adjacent and overlapping entries).
fn covered(ranges: &[(u32, u32)], start: u32, count: u32) -> bool {
    let mut spans: Vec<(u64, u64)> = ranges
        .iter()
        .map(|&(s, c)| (u64::from(s), u64::from(s) + u64::from(c)))
        .collect();
    spans.sort_unstable();
    let (want_start, want_end) = (u64::from(start), u64::from(start) + u64::from(count));
    let mut reach: Option<u64> = None; // end of the merged span containing want_start
    for (s, e) in spans {
        match reach {
            None if s <= want_start && want_start < e => reach = Some(e),
            Some(r) if s <= r => reach = Some(r.max(e)),
            _ => {}
        }
    }
    reach.is_some_and(|r| r >= want_end)
}

fn overlap(a: (u32, u32), b: (u32, u32)) -> bool {
    let (a0, a1) = (u64::from(a.0), u64::from(a.0) + u64::from(a.1));
    let (b0, b1) = (u64::from(b.0), u64::from(b.0) + u64::from(b.1));
    a0 < b1 && b0 < a1
}

/// The problems with well-formedness the kernel rejects with EINVAL.
fn malformed(maps: &[IdMapping]) -> Vec<String> {
    let mut problems = Vec::new();
    for (i, m) in maps.iter().enumerate() {
        if m.size == 0 {
            problems.push(format!("entry {} ({}) has size 0", i + 1, show(&[*m])));
        }
        // The kernel's extents may not wrap: first + count must stay below
        // 2^32, so id 4294967295 can never be mapped.
        let too_big = |id: u32| u64::from(id) + u64::from(m.size) >= 1 << 32;
        if too_big(m.container_id) || too_big(m.host_id) {
            problems.push(format!(
                "entry {} ({}) runs past the 32-bit id space",
                i + 1,
                show(&[*m])
            ));
        }
        for (j, n) in maps.iter().enumerate().skip(i + 1) {
            if m.size > 0 && n.size > 0 {
                if overlap((m.container_id, m.size), (n.container_id, n.size)) {
                    problems.push(format!(
                        "entries {} and {} overlap on the container side",
                        i + 1,
                        j + 1
                    ));
                }
                if overlap((m.host_id, m.size), (n.host_id, n.size)) {
                    problems.push(format!(
                        "entries {} and {} overlap on the host side",
                        i + 1,
                        j + 1
                    ));
                }
            }
        }
    }
    if maps.len() > 340 {
        problems.push(format!(
            "{} entries; the kernel accepts at most 340",
            maps.len()
        ));
    }
    problems
}

fn jq_edit(config: &str, filter: &str) -> String {
    let new = format!("{config}.new");
    let (config, new) = (quote(config), quote(&new));
    format!("jq {} {config} > {new} && mv {new} {config}", quote(filter))
}

fn regenerate_fix(facts: &MapFacts) -> Remediation {
    Remediation::root(
        format!(
            "map {}'s own {} to container 0 and the subordinate range after it: print mappings \
             that fit {} and put them in linux.{} of config.json",
            facts.subject,
            facts.kind.name(),
            facts.kind.file(),
            facts.kind.field()
        ),
        vec!["rootless-doctor mappings --format json".into()],
    )
    .as_user()
}

/// Judges one kind of mapping.
pub fn judge(facts: &MapFacts, distro: &Distro) -> Outcome {
    let kind = facts.kind.name();
    let field = facts.kind.field();
    let maps = &facts.mappings;
    let mut evidence = vec![
        Evidence::fact(format!("linux.{field}"), show(maps)),
        Evidence::fact(
            format!("{}'s {kind}", facts.subject),
            facts.own_id.to_string(),
        ),
    ];
    if !facts.rootless {
        return Outcome::skip(
            Code::NotRootless,
            "not applicable: runc started by root is not rootless",
        )
        .with_all(evidence);
    }
    match &facts.userns {
        Userns::Absent => {
            return Outcome::fail(
                Code::NoUserNamespace,
                "no user namespace in linux.namespaces; runc will fail: rootless container \
                 requires user namespaces (crun adds one with a warning)",
            )
            .with_all(evidence)
            .fix(
                Remediation::root(
                    "add a user namespace to config.json (runc spec --rootless writes one)",
                    vec![jq_edit(
                        &facts.config_path,
                        ".linux.namespaces += [{\"type\":\"user\"}]",
                    )],
                )
                .as_user(),
            )
            .fix(regenerate_fix(facts));
        }
        Userns::Joined(path) => {
            return Outcome::skip(
                Code::UsernsJoined,
                format!(
                    "not applicable: the user namespace is joined from {path}, whose own \
                     mappings apply"
                ),
            )
            .with_all(evidence);
        }
        Userns::New => {}
    }
    if maps.is_empty() {
        return Outcome::fail(
            Code::NoMappings,
            format!(
                "linux.{field} is empty; runc will fail: user namespaces enabled, but no {kind} \
                 mappings found (runc 1.0/1.1: User namespaces enabled, but no {kind} mappings found.)"
            ),
        )
        .with_all(evidence)
        .fix(regenerate_fix(facts));
    }
    let Some(root_host) = to_host(maps, 0) else {
        let (new, old) = match facts.kind {
            IdKind::Uid => ("uid 0", "user"),
            IdKind::Gid => ("gid 0", "group"),
        };
        return Outcome::fail(
            Code::ContainerRootUnmapped,
            format!(
                "container {kind} 0 is not mapped in linux.{field}; runc will fail: user namespaces \
                 enabled, but no mapping found for {new} (runc 1.0/1.1: User namespaces enabled, but \
                 no {old} mapping found.)"
            ),
        )
        .with_all(evidence)
        .fix(regenerate_fix(facts));
    };
    evidence.push(Evidence::fact(
        format!("container {kind} 0 maps to host {kind}"),
        root_host.to_string(),
    ));
    if !facts.chown_ok.contains(&root_host) {
        let whose = match facts.kind {
            IdKind::Uid => format!("{}'s own uid {}", facts.subject, facts.own_id),
            IdKind::Gid => format!(
                "one of {}'s groups ({})",
                facts.subject,
                facts
                    .chown_ok
                    .iter()
                    .map(u32::to_string)
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        };
        return Outcome::fail(
            Code::RootNotOwnId,
            format!(
                "container {kind} 0 maps to host {kind} {root_host}, not {whose}; runc will fail: \
                 chown <runc state dir>/<id>/exec.fifo: operation not permitted (a foreground run \
                 without a terminal: fchown fd N: operation not permitted); crun does not chown"
            ),
        )
        .with_all(evidence)
        .fix(regenerate_fix(facts))
        .fix(
            Remediation::root(
                "or keep these mappings and run the runtime as root of a user namespace you own \
                 (podman unshare runc ..., rootlesskit runc ...), or use crun",
                vec![],
            )
            .as_user()
            .alternative(),
        );
    }
    let bad = malformed(maps);
    if !bad.is_empty() {
        let helper = facts.kind.helper();
        return Outcome::fail(
            Code::MalformedEntry,
            format!(
                "linux.{field} is malformed: {}; runc will fail: nsexec-0[PID]: failed to update \
                 /proc/PID/{kind}_map: Invalid argument",
                bad.join("; ")
            ),
        )
        .with_all(evidence)
        .with_all(bad.iter().map(|b| Evidence::fact("malformed", b.clone())))
        .fix(regenerate_fix(facts))
        .fix(
            Remediation::root(
                format!("make every entry's size above 0 and the ranges disjoint ({helper} rejects the rest)"),
                vec![],
            )
            .as_user(),
        );
    }
    let direct = maps.len() == 1 && maps[0].size == 1 && maps[0].host_id == facts.own_id;
    if direct {
        return Outcome::pass(format!(
            "linux.{field} maps only {}'s own {kind} {} to container 0, which runc writes \
             without {}",
            facts.subject,
            facts.own_id,
            facts.kind.helper()
        ))
        .with_all(evidence);
    }
    let helper = facts.kind.helper();
    evidence.push(Evidence::fact(
        format!(
            "{} subordinate {kind} ranges in {}",
            facts.subject,
            facts.kind.file()
        ),
        show_ranges(&facts.ranges),
    ));
    evidence.push(Evidence::fact(
        format!("idmap.{helper}"),
        format!("{}: {}", facts.helper.status, facts.helper.message),
    ));
    let refused: Vec<&IdMapping> = maps
        .iter()
        .filter(|m| {
            let own = m.size == 1 && m.host_id == facts.own_id;
            !(own || covered(&facts.ranges, m.host_id, m.size))
        })
        .collect();
    let describe = |m: &IdMapping| {
        format!(
            "{kind} range [{}-{}) -> [{}-{}) not allowed",
            m.container_id,
            u64::from(m.container_id) + u64::from(m.size),
            m.host_id,
            u64::from(m.host_id) + u64::from(m.size)
        )
    };
    // The order in which runc meets them: helper present, ranges allowed, caps.
    if facts.helper.status == Status::Fail {
        return Outcome::fail(
            Code::HelperUnusable,
            format!(
                "linux.{field} needs {helper} (more than the own {kind}), which is not usable: {}; \
                 runc will fail: nsexec-0[PID]: mapping tool not present (missing), or {helper}: \
                 Could not set caps (not privileged), then failed to use new{kind} map on PID",
                facts.helper.message
            ),
        )
        .with_all(evidence)
        .with_all(
            refused
                .iter()
                .map(|m| Evidence::fact(format!("then {helper} would refuse"), describe(m))),
        )
        .fix(Remediation::root(
            format!("install {helper}"),
            vec![distro.install(&[distro.package(Component::Uidmap)])],
        ))
        .fix(Remediation::root(
            format!("restore {helper}'s setuid bit or file capability"),
            vec![distro.reinstall(distro.package(Component::Uidmap))],
        ));
    }
    if let Some(first) = refused.first() {
        let (lo, hi) = (
            first.host_id,
            u64::from(first.host_id) + u64::from(first.size) - 1,
        );
        return Outcome::fail(
            Code::OutsideSubordinateRanges,
            format!(
                "host {kind}s {lo}-{hi} are outside {}'s subordinate ranges in {} ({}); runc will \
                 fail: {helper}: {}, then failed to use new{kind} map on PID",
                facts.subject,
                facts.kind.file(),
                show_ranges(&facts.ranges),
                describe(first)
            ),
        )
        .with_all(evidence)
        .with_all(
            refused
                .iter()
                .map(|m| Evidence::fact(format!("{helper} would refuse"), describe(m))),
        )
        .fix(regenerate_fix(facts))
        .fix(
            Remediation::root(
                format!(
                    "or allocate those ids to {} in {}",
                    facts.subject,
                    facts.kind.file()
                ),
                vec![format!(
                    "usermod --add-sub{kind}s {lo}-{hi} {}",
                    quote(&facts.subject)
                )],
            )
            .alternative(),
        );
    }
    if maps.len() > 5 {
        return Outcome::fail(
            Code::TooManyEntries,
            format!(
                "linux.{field} has {} entries; runc passes at most 5 to {helper} (its argv has 20 \
                 slots) and fails or maps partially beyond that (crun: 6)",
                maps.len()
            ),
        )
        .with_all(evidence)
        .fix(
            Remediation::root(
                "merge adjacent entries so that at most 5 remain",
                vec!["rootless-doctor mappings --format json".into()],
            )
            .as_user(),
        );
    }
    match facts.helper.status {
        Status::Pass | Status::Warn => Outcome::pass(format!(
            "linux.{field} ({}) fits {}'s own {kind} and subordinate ranges; {helper} is usable",
            show(maps),
            facts.subject
        ))
        .with_all(evidence),
        _ => Outcome::warn(
            Code::HelperUnknown,
            format!(
                "linux.{field} fits {}'s subordinate ranges, but whether {helper} is usable is \
                 unknown (idmap.{helper}: {})",
                facts.subject, facts.helper.message
            ),
        )
        .with_all(evidence)
        .fix(Remediation::root(
            format!(
                "make sure {helper} is installed (rootless-doctor check --only idmap.{helper})"
            ),
            vec![distro.install(&[distro.package(Component::Uidmap)])],
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::os_release::OsRelease;

    fn m(c: u32, h: u32, s: u32) -> IdMapping {
        IdMapping {
            container_id: c,
            host_id: h,
            size: s,
        }
    }

    fn facts(mappings: Vec<IdMapping>) -> MapFacts {
        MapFacts {
            kind: IdKind::Uid,
            subject: "alice".into(),
            rootless: true,
            userns: Userns::New,
            mappings,
            own_id: 1000,
            chown_ok: vec![1000],
            ranges: vec![(100000, 65536)],
            helper: HelperFact {
                status: Status::Pass,
                code: None,
                message: "ok".into(),
            },
            config_path: "/b/config.json".into(),
        }
    }

    fn judged(f: &MapFacts) -> Outcome {
        judge(f, &Distro::from_os_release(&OsRelease::default()))
    }

    #[test]
    fn own_id_alone_passes_without_the_helper() {
        let mut f = facts(vec![m(0, 1000, 1)]);
        f.helper.status = Status::Fail;
        assert_eq!(judged(&f).status, Status::Pass);
    }

    #[test]
    fn a_good_multi_map_passes() {
        let out = judged(&facts(vec![m(0, 1000, 1), m(1, 100000, 65536)]));
        assert_eq!(out.status, Status::Pass, "{}", out.message);
    }

    #[test]
    fn missing_userns_and_empty_maps_fail_with_runc_words() {
        let mut f = facts(vec![]);
        f.userns = Userns::Absent;
        let out = judged(&f);
        assert!(out
            .message
            .contains("rootless container requires user namespaces"));
        assert!(out.is(Code::NoUserNamespace));
        assert!(!out.remediation.is_empty());
        f.userns = Userns::New;
        let out = judged(&f);
        assert!(out
            .message
            .contains("user namespaces enabled, but no uid mappings found"));
        assert!(out.is(Code::NoMappings));
    }

    #[test]
    fn unmapped_root_and_foreign_root_fail() {
        let out = judged(&facts(vec![m(1, 1000, 1)]));
        assert!(
            out.message.contains("no mapping found for uid 0"),
            "{}",
            out.message
        );
        assert!(out.is(Code::ContainerRootUnmapped));
        let out = judged(&facts(vec![m(0, 100000, 65536)]));
        assert_eq!(out.status, Status::Fail);
        assert!(out.message.contains("exec.fifo"), "{}", out.message);
        assert!(out.is(Code::RootNotOwnId));
    }

    #[test]
    fn ranges_outside_the_allocation_are_named() {
        let out = judged(&facts(vec![m(0, 1000, 1), m(1, 200000, 65536)]));
        assert_eq!(out.status, Status::Fail);
        assert!(
            out.message
                .contains("uid range [1-65537) -> [200000-265536) not allowed"),
            "{}",
            out.message
        );
        assert!(out.message.contains("100000-165535"));
        assert!(out.is(Code::OutsideSubordinateRanges));
        assert!(out.remediation[1].commands[0].starts_with("usermod --add-subuids 200000-265535"));
    }

    #[test]
    fn chained_ranges_are_allowed() {
        let mut f = facts(vec![m(0, 1000, 1), m(1, 100000, 131072)]);
        f.ranges = vec![(100000, 65536), (165536, 65536)];
        assert_eq!(judged(&f).status, Status::Pass);
    }

    #[test]
    fn helper_state_decides_multi_maps() {
        let mut f = facts(vec![m(0, 1000, 1), m(1, 100000, 65536)]);
        f.helper.status = Status::Fail;
        let out = judged(&f);
        assert!(out.message.contains("mapping tool not present"));
        assert!(out.is(Code::HelperUnusable));
        assert!(out.remediation[0].commands[0].contains("uidmap"));
        f.helper.status = Status::Skip;
        assert_eq!(judged(&f).status, Status::Warn);
        assert!(judged(&f).is(Code::HelperUnknown));
        f.helper.status = Status::Error;
        assert!(judged(&f).is(Code::HelperUnknown));
    }

    #[test]
    fn malformed_and_too_many_entries_fail() {
        let out = judged(&facts(vec![m(0, 1000, 1), m(1, 100000, 0)]));
        assert!(out.message.contains("Invalid argument"), "{}", out.message);
        assert!(out.is(Code::MalformedEntry));
        let out = judged(&facts(vec![m(0, 1000, 1), m(0, 100000, 10)]));
        assert!(out.message.contains("overlap on the container side"));
        assert!(out.is(Code::MalformedEntry));
        let mut maps = vec![m(0, 1000, 1)];
        maps.extend((0..5).map(|i| m(1 + i * 10, 100000 + i * 10, 10)));
        let out = judged(&facts(maps));
        assert!(out.message.contains("at most 5"), "{}", out.message);
        assert!(out.is(Code::TooManyEntries));
    }

    #[test]
    fn gid_root_may_be_a_supplementary_group() {
        let mut f = facts(vec![m(0, 27, 1), m(1, 100000, 65536)]);
        f.kind = IdKind::Gid;
        f.chown_ok = vec![1000, 27];
        // 27 is a group of alice but not her own gid: newgidmap refuses it.
        let out = judged(&f);
        assert!(
            out.message
                .contains("gid range [0-1) -> [27-28) not allowed"),
            "{}",
            out.message
        );
    }

    #[test]
    fn root_and_joined_namespaces_are_not_judged() {
        let mut f = facts(vec![m(0, 100000, 65536)]);
        f.rootless = false;
        let out = judged(&f);
        assert_eq!(out.status, Status::Skip);
        assert!(out.is(Code::NotRootless));
        f.rootless = true;
        f.userns = Userns::Joined("/proc/1/ns/user".into());
        let out = judged(&f);
        assert_eq!(out.status, Status::Skip);
        assert!(out.is(Code::UsernsJoined));
    }

    #[test]
    fn lookups() {
        let maps = [m(0, 1000, 1), m(1, 100000, 65536)];
        assert_eq!(to_host(&maps, 0), Some(1000));
        assert_eq!(to_host(&maps, 65536), Some(165535));
        assert_eq!(to_host(&maps, 65537), None);
        assert!(host_is_mapped(&maps, 100000));
        assert!(!host_is_mapped(&maps, 999));
    }
}
