//! The integration tests: the built binary, run as a user would run it.
//!
//! One test binary (`autotests = false`); each module is a feature area.
//! `harness` has the fluent [`harness::Test`] builder for fixture hosts.

mod auto_userns_truth;
mod bundle_truth;
mod cli;
mod engine_docker_truth;
mod engine_podman_fixture;
mod engine_podman_truth;
mod engine_runtimes_truth;
mod explain;
mod fixture_hosts;
mod formats;
mod formats_prometheus;
mod ground_truth;
mod harness;
mod json_contract;
mod live;
mod live_privsafe;
mod live_probes;
mod live_sandbox;
mod mount_truth;
mod nerdctl_truth;
mod network_truth;
mod session_fixtures;
mod session_truth;
mod setup_truth;
mod shell;
mod state_truth;
mod storage_truth;
mod trace;
