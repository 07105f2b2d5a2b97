//! `bundle.gid-mappings`: can runc, started by the subject, write the
//! configured gid map? The rules are in [`super::mapping_rules`].
//!
//! Decisions: docs/checks/bundle.md, section `bundle.gid-mappings`.

use super::mapping_rules::{self, IdKind};
use super::with_spec;
use crate::check::{CheckDef, Context, Outcome};

pub static GID_MAPPINGS: CheckDef = CheckDef {
    id: "bundle.gid-mappings",
    title: "bundle gid mappings",
    description: "Container gid 0 is mapped, to the subject's gid (or one of their groups); \
                  every other host range lies inside the subject's /etc/subgid ranges; \
                  newgidmap is usable when more than the own gid is mapped; at most 5 \
                  well-formed entries.",
    codes: mapping_rules::CODES,
    probes: &[],
    run,
};

fn run(ctx: &Context<'_>) -> Outcome {
    with_spec(ctx, |ctx, bundle, spec| {
        let facts = mapping_rules::gather(ctx, bundle, spec, IdKind::Gid);
        mapping_rules::judge(&facts, &ctx.distro)
    })
}
