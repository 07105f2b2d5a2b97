//! What each installed container engine is configured to use, resolved from
//! the subject's PATH and the engines' own configuration files: host facts
//! shared by several check families, the probe plan and the engine checks
//! (layer 3).
//!
//! [`containers_conf`]: podman's effective containers.conf (runtime, cgroup
//! manager, network); [`network`]: the engines found and the user-mode
//! network helper each uses; [`storage`]: each engine's storage paths and
//! driver; [`state`]: the pid files naming the processes that hold each engine's
//! long-lived user namespace; [`docker`]: rootless Docker's script, daemon
//! PATH, drivers, iptables and client endpoint.

pub mod containers_conf;
pub mod docker;
pub mod network;
pub mod state;
pub mod storage;
