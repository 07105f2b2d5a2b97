//! What each installed container engine is configured to use, resolved from
//! the subject's PATH and the engines' own configuration files: host facts
//! shared by several check families (layer 3).
//!
//! [`network`]: the engines found and the user-mode network helper each uses.

pub mod network;
