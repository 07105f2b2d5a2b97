#!/usr/bin/env bash
# Benchmark: a full `rootless-doctor check` (all live probes), `bundle` and
# `explain` over a 10 MB log, side by side with Docker's rootless
# prerequisite script (`dockerd-rootless-setuptool.sh check --skip-iptables`,
# static checks only) and `podman info` (Debian's podman, which sets up its
# rootless user namespace and storage), as an unprivileged user with
# XDG_RUNTIME_DIR set.
# Wall time with hyperfine, peak memory with GNU time. Run as root on Debian:
#   bash bench/compare.sh [USER]      (default: $ROOTLESS_DOCTOR_TEST_USER or rdtest)
# The docker script comes from Debian's docker.io package: its installed
# /usr/share/docker.io/contrib when docker.io is installed, else unpacked with
# `apt-get download` and `dpkg -x` (installing it would start a daemon).
set -euo pipefail
cd "$(dirname "$0")/.."
user=${1:-${ROOTLESS_DOCTOR_TEST_USER:-rdtest}}
id "$user" >/dev/null
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq hyperfine time busybox-static runc podman >/dev/null
cargo build --release --quiet
work=$(mktemp -d /tmp/rd-bench.XXXXXX)
# podman leaves its rootless pause process behind (podman 4.3's is podman
# itself, "podman pause"); end the one this run's XDG_RUNTIME_DIR started, by
# its pid file, and nothing else of the user's.
trap 'pause=$(cat "$work/xdg/libpod/tmp/pause.pid" 2>/dev/null) && kill "$pause" 2>/dev/null; rm -rf "$work"' EXIT
chmod 755 "$work"
cp target/release/rootless-doctor "$work/"
contrib=/usr/share/docker.io/contrib
if [ ! -x "$contrib/dockerd-rootless-setuptool.sh" ]; then
    (cd "$work" && apt-get download docker.io >/dev/null 2>&1 && dpkg -x docker.io_*.deb docker)
    contrib="$work/docker/usr/share/docker.io/contrib"
fi
install -d -m 0700 -o "$user" "$work/xdg" "$work/home"
mkdir -p "$work/b/rootfs/bin" && cp /bin/busybox "$work/b/rootfs/bin/" && ln -s busybox "$work/b/rootfs/bin/sh"
chown -R "$user" "$work/b"
(cd "$work/b" && runuser -u "$user" -- runc spec --rootless)
python3 - "$work/log" <<'PY'
import sys
line = 'time="2024-05-01T10:00:00Z" level=info msg="pulling layer sha256:%064d"\n'
with open(sys.argv[1], "w") as f:
    for i in range(10 * 1024 * 1024 // len(line % 0)):
        f.write(line % i)
        if i == 70000:
            f.write('Error: nsenter: mapping tool not present\n')
PY
chmod 644 "$work/log"
as_user="runuser -u $user -- env -i PATH=$contrib:/usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin HOME=$work/home XDG_RUNTIME_DIR=$work/xdg"
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
hyperfine --warmup 2 --runs 20 -N --ignore-failure \
    -n docker-check "$as_user $contrib/dockerd-rootless-setuptool.sh check --skip-iptables" \
    -n podman-info "$as_user podman info" \
    -n doctor-check "$as_user $work/rootless-doctor --format json" \
    -n doctor-bundle "$as_user $work/rootless-doctor bundle $work/b --format json" \
    -n doctor-explain-10MB "$as_user sh -c '$work/rootless-doctor explain --no-probe < $work/log'"
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
peak() {
    local name=$1; shift
    /usr/bin/time -f "$name: peak RSS %M KiB" $as_user "$@" >/dev/null 2>"$work/time.err" || true
    tail -1 "$work/time.err"
}
peak docker-check "$contrib/dockerd-rootless-setuptool.sh" check --skip-iptables
peak podman-info podman info
peak doctor-check "$work/rootless-doctor" --format json
peak doctor-bundle "$work/rootless-doctor" bundle "$work/b" --format json
/usr/bin/time -f "doctor-explain-10MB: peak RSS %M KiB" $as_user "$work/rootless-doctor" explain --no-probe < "$work/log" >/dev/null 2>"$work/time.err" || true
tail -1 "$work/time.err"
