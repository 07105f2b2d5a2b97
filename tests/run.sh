#!/usr/bin/env bash
# Runs every test of rootless-doctor: lints, unit tests, fixture hosts, and
# (as root) the live tests that compare the doctor with real runc.
#
# As root it first installs the real parts from Debian's packages and creates
# a throwaway unprivileged user (removed again at the end if it created it).
# Without root it runs everything else and reports the live tests as skipped.
# As root it ends with tests/package.sh: the Debian package built, installed,
# run and purged, and `cargo install --path .`.
set -euo pipefail
cd "$(dirname "$0")/.."

test_user=${ROOTLESS_DOCTOR_TEST_USER:-rdtest}
created_user=""
made_policy=""

cleanup() {
    if [ -n "$made_policy" ]; then
        rm -f /usr/sbin/policy-rc.d
    fi
    if [ -n "$created_user" ]; then
        pkill -KILL -u "$created_user" 2>/dev/null || true
        userdel -r "$created_user" 2>/dev/null || true
    fi
}
trap cleanup EXIT

if [ "$(id -u)" = 0 ]; then
    packages="uidmap fuse-overlayfs runc crun busybox-static libcap2-bin attr python3-seccomp strace"
    # Rootless networking for tests/network_truth.rs: podman with slirp4netns, ip.
    packages="$packages podman slirp4netns iproute2"
    # bwrap, a bare runtime of tests/engine_runtimes_truth.rs.
    packages="$packages bubblewrap"
    # Rootless Docker for tests/engine_docker_truth.rs (dockerd-rootless.sh
    # from docker.io, rootlesskit, the iptables dockerd runs).
    packages="$packages docker.io rootlesskit iptables"
    # The consumers of the man page and completion scripts, and dpkg-shlibdeps
    # for the package's Depends (tests/shell.rs, tests/package.sh).
    packages="$packages groff-base mandoc man-db zsh fish dpkg-dev"
    missing=""
    for p in $packages; do
        dpkg -s "$p" >/dev/null 2>&1 || missing="$missing $p"
    done
    if [ -n "$missing" ]; then
        echo "installing:$missing"
        # Without systemd, docker.io's init script would start a rootful
        # dockerd on install: policy-rc.d forbids every service start while
        # apt-get runs (and the trap removes it if apt-get fails).
        if [ ! -e /usr/sbin/policy-rc.d ]; then
            printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d
            chmod 755 /usr/sbin/policy-rc.d
            made_policy=1
        fi
        apt-get update -qq
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $missing >/dev/null
        if [ -n "$made_policy" ]; then
            rm -f /usr/sbin/policy-rc.d
            made_policy=""
        fi
    fi
    if ! id "$test_user" >/dev/null 2>&1; then
        useradd --create-home --shell /bin/sh "$test_user"
        created_user=$test_user
    fi
    # useradd allocates subordinate ranges on Debian; make sure they exist.
    if ! grep -q "^$test_user:" /etc/subuid; then
        usermod --add-subuids 300000-365535 --add-subgids 300000-365535 "$test_user"
    fi
    export ROOTLESS_DOCTOR_TEST_USER=$test_user
else
    echo "not root: the live tests will be skipped"
fi

# node_exporter and promtool, unpacked under target/tools/ for tests/formats_prometheus.rs.
bash tests/tools.sh

cargo fmt --all -- --check
cargo clippy --workspace --all-targets --locked -- -D warnings
cargo test --workspace --locked

# As root: build, install, run and purge the Debian package; cargo install.
if [ "$(id -u)" = 0 ]; then
    bash tests/package.sh
fi

# Fuzzing: each cargo-fuzz target for a bounded time (skipped without nightly).
bash tests/fuzz.sh
