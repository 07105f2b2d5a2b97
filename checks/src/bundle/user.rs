//! `bundle.user`: process.user is mapped, and has no additional groups,
//! which rootless runc refuses.
//!
//! Decisions: docs/checks/bundle.md, section `bundle.user`.

use super::mapping_rules::{show, to_host, Userns};
use super::{process, uid_mappings, with_spec, Code};
use crate::check::{CheckDef, Context, Outcome};
use crate::model::{Evidence, Remediation};
use crate::spec::{IdMapping, Spec};

pub static USER: CheckDef = CheckDef {
    id: "bundle.user",
    title: "container user",
    description: "process.user.uid and gid lie inside the container side of the mappings, and \
                  there are no additionalGids, which rootless runc refuses.",
    codes: &[
        Code::NoBundle.code(),
        Code::NoNewUserNamespace.code(),
        Code::UidUnmapped.code(),
        Code::GidUnmapped.code(),
        Code::AdditionalGids.code(),
    ],
    probes: &[],
    run,
};

fn run(ctx: &Context<'_>) -> Outcome {
    with_spec(ctx, |ctx, _, spec| {
        judge(&UserFacts::of(spec, !ctx.subject.is_root()))
    })
}

/// What the user judge needs.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UserFacts {
    pub rootless: bool,
    pub userns: Userns,
    pub process_present: bool,
    pub uid: u32,
    pub gid: u32,
    pub additional_gids: Vec<u32>,
    pub uid_maps: Vec<IdMapping>,
    pub gid_maps: Vec<IdMapping>,
}

impl UserFacts {
    /// From the spec.
    pub fn of(spec: &Spec, rootless: bool) -> Self {
        let user = spec
            .process
            .as_ref()
            .and_then(|p| p.user.clone())
            .unwrap_or_default();
        UserFacts {
            rootless,
            userns: Userns::of(spec),
            process_present: spec.process.is_some(),
            uid: user.uid.unwrap_or(0),
            gid: user.gid.unwrap_or(0),
            additional_gids: user.additional_gids.unwrap_or_default(),
            uid_maps: spec.uid_mappings().to_vec(),
            gid_maps: spec.gid_mappings().to_vec(),
        }
    }
}

fn fix_user() -> Remediation {
    Remediation::root(
        "set process.user to ids inside the mappings (0 is container root), or widen the \
         mappings with rootless-doctor mappings",
        vec!["rootless-doctor mappings --format json".into()],
    )
    .as_user()
}

/// Judges process.user.
pub fn judge(facts: &UserFacts) -> Outcome {
    if !facts.process_present {
        return Outcome::blocked(&process::PROCESS);
    }
    let mut evidence = vec![
        Evidence::fact(
            "process.user",
            format!(
                "uid {} gid {} additionalGids {:?}",
                facts.uid, facts.gid, facts.additional_gids
            ),
        ),
        Evidence::fact("linux.uidMappings", show(&facts.uid_maps)),
        Evidence::fact("linux.gidMappings", show(&facts.gid_maps)),
    ];
    if facts.userns != Userns::New {
        return Outcome::skip(
            Code::NoNewUserNamespace,
            "not applicable: no new user namespace (see bundle.uid-mappings)",
        )
        .with_all(evidence);
    }
    if facts.uid_maps.is_empty() || facts.gid_maps.is_empty() {
        return Outcome::blocked(&uid_mappings::UID_MAPPINGS).with_all(evidence);
    }
    let Some(host_uid) = to_host(&facts.uid_maps, facts.uid) else {
        return Outcome::fail(
            Code::UidUnmapped,
            format!(
                "process.user.uid {} is not mapped by linux.uidMappings; runc will fail: cannot \
                 setuid to unmapped uid {} in user namespace (runc 1.1: cannot set uid to unmapped \
                 user in user namespace)",
                facts.uid, facts.uid
            ),
        )
        .with_all(evidence)
        .fix(fix_user());
    };
    let Some(host_gid) = to_host(&facts.gid_maps, facts.gid) else {
        return Outcome::fail(
            Code::GidUnmapped,
            format!(
                "process.user.gid {} is not mapped by linux.gidMappings; runc will fail: cannot \
                 setgid to unmapped gid {} in user namespace (runc 1.1: cannot set gid to unmapped \
                 user in user namespace)",
                facts.gid, facts.gid
            ),
        )
        .with_all(evidence)
        .fix(fix_user());
    };
    evidence.push(Evidence::fact(
        "on the host",
        format!("uid {host_uid} gid {host_gid}"),
    ));
    if facts.rootless && !facts.additional_gids.is_empty() {
        let unmapped: Vec<String> = facts
            .additional_gids
            .iter()
            .filter(|g| to_host(&facts.gid_maps, **g).is_none())
            .map(u32::to_string)
            .collect();
        if !unmapped.is_empty() {
            evidence.push(Evidence::fact(
                "unmapped additionalGids",
                unmapped.join(", "),
            ));
        }
        return Outcome::fail(
            Code::AdditionalGids,
            format!(
                "process.user.additionalGids is {:?}; runc will fail: cannot set any additional \
                 groups in a rootless container (crun ignores them silently)",
                facts.additional_gids
            ),
        )
        .with_all(evidence)
        .fix(
            Remediation::root(
                "remove process.user.additionalGids (rootless runc never calls setgroups)",
                vec![],
            )
            .as_user(),
        );
    }
    Outcome::pass(format!(
        "process.user uid {} gid {} are mapped (host uid {host_uid}, gid {host_gid})",
        facts.uid, facts.gid
    ))
    .with_all(evidence)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Status;

    fn facts() -> UserFacts {
        let m = |c, h, s| IdMapping {
            container_id: c,
            host_id: h,
            size: s,
        };
        UserFacts {
            rootless: true,
            userns: Userns::New,
            process_present: true,
            uid: 0,
            gid: 0,
            additional_gids: vec![],
            uid_maps: vec![m(0, 1000, 1), m(1, 100000, 65536)],
            gid_maps: vec![m(0, 1000, 1)],
        }
    }

    #[test]
    fn mapped_user_passes_unmapped_fails() {
        assert_eq!(judge(&facts()).status, Status::Pass);
        let f = UserFacts {
            uid: 70000,
            ..facts()
        };
        assert!(judge(&f)
            .message
            .contains("cannot setuid to unmapped uid 70000 in user namespace"));
        assert!(judge(&f).is(Code::UidUnmapped));
        let f = UserFacts { gid: 5, ..facts() };
        assert!(judge(&f)
            .message
            .contains("cannot setgid to unmapped gid 5"));
        assert!(judge(&f).is(Code::GidUnmapped));
    }

    #[test]
    fn additional_groups_fail_rootless() {
        let f = UserFacts {
            additional_gids: vec![0, 10],
            ..facts()
        };
        let out = judge(&f);
        assert!(out.message.contains("cannot set any additional groups"));
        assert!(out.is(Code::AdditionalGids));
        assert!(out
            .evidence
            .contains(&Evidence::fact("unmapped additionalGids", "10")));
    }

    #[test]
    fn without_userns_it_is_not_applicable() {
        let f = UserFacts {
            userns: Userns::Absent,
            ..facts()
        };
        assert_eq!(judge(&f).status, Status::Skip);
        assert!(judge(&f).is(Code::NoNewUserNamespace));
    }

    #[test]
    fn blocked_by_the_check_that_reports_the_cause() {
        let f = UserFacts {
            process_present: false,
            ..facts()
        };
        assert_eq!(judge(&f).blocked_by, Some(&process::PROCESS));
        let f = UserFacts {
            gid_maps: vec![],
            ..facts()
        };
        let out = judge(&f);
        assert_eq!(out.blocked_by, Some(&uid_mappings::UID_MAPPINGS));
        assert_eq!(
            out.skip_reason.as_deref(),
            Some("blocked by bundle.uid-mappings")
        );
    }
}
