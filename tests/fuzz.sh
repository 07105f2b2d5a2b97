#!/usr/bin/env bash
# Runs every cargo-fuzz target of rootless-doctor for a bounded time (see
# docs/fuzzing.md). Needs the nightly toolchain; without it, says so and
# exits 0. Each target runs on a COPY of its corpus in a temp dir, so the
# committed corpus never grows; a crash fails the script and leaves the input
# in fuzz/artifacts/<target>/.
#
#   FUZZ_SECONDS   seconds per target (default 20)
set -euo pipefail
cd "$(dirname "$0")/../fuzz"

seconds=${FUZZ_SECONDS:-20}
cargo_fuzz_version=0.13.2

if ! cargo +nightly --version >/dev/null 2>&1; then
    echo "fuzz: no nightly toolchain; skipped (rustup toolchain install nightly)"
    exit 0
fi
if [ "$(cargo fuzz --version 2>/dev/null | awk '{print $2}')" != "$cargo_fuzz_version" ]; then
    cargo install cargo-fuzz --version "$cargo_fuzz_version" --locked
fi

cargo +nightly fuzz build
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# A crash aborts without unwinding: the process_resolution target's temp
# rootfs would be left behind, so the targets' temp dirs live in $work too.
mkdir "$work/tmp"
for target in $(cargo +nightly fuzz list); do
    cp -r "corpus/$target" "$work/$target"
    echo "fuzz: $target for ${seconds}s"
    TMPDIR="$work/tmp" cargo +nightly fuzz run "$target" "$work/$target" -- \
        -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
        2>"$work/$target.log" || {
        tail -40 "$work/$target.log"
        echo "fuzz: $target crashed; the input is in fuzz/artifacts/$target/"
        exit 1
    }
    grep -E '^stat::number_of_executed_units' "$work/$target.log" || true
done
