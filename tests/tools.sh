#!/usr/bin/env bash
# Fetches the real consumers of the doctor's CI and fleet formats, without
# installing them: the textfile collector of prometheus-node-exporter, and
# promtool from prometheus. `apt-get download` + `dpkg -x` unpack them under
# target/tools/ (no service is installed or started, nothing is left in /etc).
#
# The tests find them there (tests/formats.rs) and skip with a reason when
# they are absent, as in runs without root. Safe to run again: packages
# already unpacked are not fetched twice.
set -euo pipefail
cd "$(dirname "$0")/.."

tools=target/tools
mkdir -p "$tools/debs"

fetch() { # package, the binary it must provide
    local package=$1 binary=$2
    if [ -x "$tools/$package/$binary" ]; then
        return 0
    fi
    if ! ls "$tools/debs/${package}"_*.deb >/dev/null 2>&1; then
        if ! (cd "$tools/debs" && apt-get download -qq "$package" 2>/dev/null); then
            apt-get update -qq
            (cd "$tools/debs" && apt-get download -qq "$package")
        fi
    fi
    rm -rf "$tools/$package"
    dpkg -x "$tools/debs/${package}"_*.deb "$tools/$package"
    test -x "$tools/$package/$binary"
}

if [ "$(id -u)" != 0 ]; then
    echo "not root: node_exporter and promtool are not fetched; their tests will be skipped"
    exit 0
fi
fetch prometheus-node-exporter usr/bin/prometheus-node-exporter
fetch prometheus usr/bin/promtool
echo "tools: $(ls -d "$tools"/prometheus*/usr/bin/* | tr '\n' ' ')"
