#!/usr/bin/env bash
# Packaging test (root only; tests/run.sh calls it last): builds the .deb with
# packaging/deb.sh, inspects it, installs it, runs the INSTALLED binary, man
# page and bash completion, and purges the package again, even on failure.
# A rootless-doctor installed before this ran is never touched: the install
# part is skipped instead. Then `cargo install --path .` into a temp root,
# which reuses target/release, and runs that binary.
set -euo pipefail
cd "$(dirname "$0")/.."

CARGO_DEB_VERSION=3.8.0
pkg=rootless-doctor
installed_by_us=""
cargo_root=""
passed=0
skipped=0

fail() {
    echo "package.sh: $*" >&2
    exit 1
}

cleanup() {
    if [ -n "$installed_by_us" ]; then
        dpkg --purge "$pkg" >/dev/null || echo "package.sh: could not purge $pkg" >&2
    fi
    if [ -n "$cargo_root" ]; then
        rm -rf "$cargo_root"
    fi
}
trap cleanup EXIT

[ "$(id -u)" = 0 ] || fail "needs root (it installs and removes the package)"

if [ "$(cargo deb --version 2>/dev/null)" != "cargo-deb $CARGO_DEB_VERSION" ]; then
    echo "installing cargo-deb $CARGO_DEB_VERSION (about 2 minutes on 2 cores)"
    cargo install cargo-deb --version "$CARGO_DEB_VERSION" --locked --quiet
fi

deb=$(bash packaging/deb.sh)
[ -f "$deb" ] || fail "packaging/deb.sh printed '$deb', which is not a file"
echo "built $deb"

# What is in the package, and its control fields.
info=$(dpkg-deb -I "$deb")
for field in "Package: $pkg" "Section: utils" "Priority: optional" \
    "Recommends: uidmap" "Suggests: runc | crun, fuse-overlayfs" "Depends: libc6"; do
    grep -qF "$field" <<<"$info" || fail "control lacks '$field':
$info"
done
contents=$(dpkg-deb -c "$deb" | awk '{print $6}')
for path in ./usr/bin/rootless-doctor \
    ./usr/share/man/man1/rootless-doctor.1.gz \
    ./usr/share/bash-completion/completions/rootless-doctor \
    ./usr/share/zsh/vendor-completions/_rootless-doctor \
    ./usr/share/fish/vendor_completions.d/rootless-doctor.fish \
    ./usr/share/doc/rootless-doctor/README.md \
    ./usr/share/doc/rootless-doctor/copyright \
    ./usr/share/doc/rootless-doctor/architecture.md \
    ./usr/share/doc/rootless-doctor/install.md \
    ./usr/share/doc/rootless-doctor/checks/userns.md \
    ./usr/share/doc/rootless-doctor/examples/systemd/rootless-doctor.service \
    ./usr/share/doc/rootless-doctor/examples/systemd/rootless-doctor.timer; do
    grep -qxF "$path" <<<"$contents" || fail "the package lacks $path"
done
if command -v lintian >/dev/null; then
    lintian --no-tag-display-limit "$deb" || echo "package.sh: lintian complained (not fatal)"
else
    echo "lintian is not installed: skipping it"
fi
passed=$((passed + 1))

version=$(sed -n 's/^version = "\(.*\)"$/\1/p' Cargo.toml | head -n 1)
if dpkg -s "$pkg" >/dev/null 2>&1 || [ -e /usr/bin/rootless-doctor ]; then
    echo "skipped installing the package: a rootless-doctor is already installed here"
    skipped=$((skipped + 1))
else
    installed_by_us=yes
    dpkg -i "$deb" >/dev/null
    [ "$(/usr/bin/rootless-doctor --version)" = "rootless-doctor $version" ] ||
        fail "installed --version says '$(/usr/bin/rootless-doctor --version)'"
    /usr/bin/rootless-doctor list | grep -q '^userns.create ' || fail "installed list lacks userns.create"
    page=$(man -w "$pkg") || fail "man -w $pkg finds no page"
    [ "$page" = /usr/share/man/man1/rootless-doctor.1.gz ] || fail "man -w found $page"
    MANPAGER=cat MANWIDTH=100 man "$pkg" 2>/dev/null | grep -q '^EXIT STATUS' ||
        fail "man $pkg does not render an EXIT STATUS section"
    # The installed bash completion, as bash-completion would load it.
    offered=$(bash --norc --noprofile -c '
        source /usr/share/bash-completion/completions/rootless-doctor
        func=$(complete -p rootless-doctor | sed -n "s/.* -F \([^ ]*\) .*/\1/p")
        COMP_WORDS=(rootless-doctor comp); COMP_CWORD=1
        "$func" rootless-doctor comp rootless-doctor
        printf "%s\n" "${COMPREPLY[@]}"')
    [ "$offered" = completions ] || fail "installed bash completion offers '$offered'"
    dpkg --purge "$pkg" >/dev/null
    installed_by_us=""
    [ ! -e /usr/bin/rootless-doctor ] || fail "purging left /usr/bin/rootless-doctor behind"
    echo "installed, ran and purged $deb"
    passed=$((passed + 1))
fi

# cargo install reuses target/release, which deb.sh just built.
cargo_root=$(mktemp -d)
cargo install --path . --locked --root "$cargo_root" --quiet
[ "$("$cargo_root/bin/rootless-doctor" --version)" = "rootless-doctor $version" ] ||
    fail "cargo-installed binary reports the wrong version"
"$cargo_root/bin/rootless-doctor" list | grep -q '^bundle.config ' || fail "cargo-installed list"
passed=$((passed + 1))
echo "package: $passed passed, 0 failed, $skipped skipped"
