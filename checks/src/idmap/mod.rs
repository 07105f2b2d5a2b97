//! Id mapping: newuidmap and newgidmap, and a real multi-range map.
//!
//! `idmap.newuidmap` and `idmap.newgidmap` find the helpers the way runc does
//! (`helper_facts.rs`) and judge their privilege (`helper_judge.rs`): setuid
//! root or a file capability, not defeated by `nosuid` or NoNewPrivs.
//! `idmap.multi-map` maps a real child through them. Decisions:
//! docs/checks/idmap.md and docs/checks/idmap-multi-map.md.

pub mod codes;
pub use crate::filecaps;
mod helper_facts;
mod helper_judge;
mod multi_map;
mod newgidmap;
mod newuidmap;
#[cfg(test)]
mod tests;

pub use codes::Code;
pub use multi_map::MULTI_MAP;
pub use newgidmap::NEWGIDMAP;
pub use newuidmap::NEWUIDMAP;
