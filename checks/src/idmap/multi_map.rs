//! `idmap.multi-map`: judge the live multi-range mapping probe.

use crate::model::Outcome;
use crate::registry::Context;

pub(super) fn run(_ctx: &Context<'_>) -> Outcome {
    Outcome::skip("not implemented yet")
}
