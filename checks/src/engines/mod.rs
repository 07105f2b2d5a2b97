//! What each installed container engine is configured to use: neutral host
//! facts shared by the storage checks, the probe plan and the engine checks.

pub mod storage;
