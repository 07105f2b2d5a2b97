//! `userns.create`: judge the live user namespace probe.

use crate::model::Outcome;
use crate::registry::Context;

pub(super) fn run(_ctx: &Context<'_>) -> Outcome {
    Outcome::skip("not implemented yet")
}
