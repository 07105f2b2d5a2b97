//! `bundle.uid-mappings`: can runc, started by the subject, write the
//! configured uid map? The rules are in [`super::mapping_rules`].
//!
//! Decisions: docs/checks/bundle.md, section `bundle.uid-mappings`.

use super::mapping_rules::{self, IdKind};
use super::with_spec;
use crate::check::{CheckDef, Context, Outcome};

pub static UID_MAPPINGS: CheckDef = CheckDef {
    id: "bundle.uid-mappings",
    title: "bundle uid mappings",
    description: "A user namespace is configured; container uid 0 is mapped, to the subject's \
                  own uid; every other host range lies inside the subject's /etc/subuid \
                  ranges; newuidmap is usable when more than the own uid is mapped; at most 5 \
                  well-formed entries.",
    codes: mapping_rules::CODES,
    probes: &[],
    run,
};

fn run(ctx: &Context<'_>) -> Outcome {
    with_spec(ctx, |ctx, bundle, spec| {
        let facts = mapping_rules::gather(ctx, bundle, spec, IdKind::Uid);
        mapping_rules::judge(&facts, &ctx.distro)
    })
}
