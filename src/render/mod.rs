//! Renderers: turn a finished [`Report`](crate::report::Report) into text.
//! They never call into checks; the JSON renderer has its own wire types.

pub(crate) mod explain;
pub(crate) mod human;
pub(crate) mod json;
pub(crate) mod mappings;
