#!/usr/bin/env bash
# Installs what scripts/release built, the way a user would, each from a clean state, and uses
# it on the example project: `make install PREFIX=…` (scripts/install) and the npm packages
# (`npm pack`ed tarballs installed with `npm install -g --offline` into a fresh prefix: the
# registry is not needed, nor reachable here). The .deb is installed in Tests/release/minimal-root.sh.
#
# usage: Tests/release/channels.sh DIST_DIR
set -euo pipefail
repo=$(cd "$(dirname "$0")/../.." && pwd)
dist=$(cd "${1:?usage: channels.sh DIST_DIR}" && pwd)
binary=$(find "$dist" -maxdepth 1 -name 'secr-*-linux-*' ! -name '*.tgz' ! -name '*.deb' | head -n1)
version=$(basename "$binary" | cut -d- -f2)
work=$(mktemp -d /tmp/secr-channels.XXXXXX)
trap 'rm -rf "$work"' EXIT
passed=0 failed=0
check() {
    local name=$1; shift
    if "$@"; then passed=$((passed + 1)); echo "ok   $name"; else failed=$((failed + 1)); echo "FAIL $name"; fi
}
# Runs an installed secr as a newcomer would, in a HOME of its own, on a copy of the example.
example() { # SECR
    local home=$work/home-$RANDOM
    mkdir -p "$home" && cp -r "$repo/.secr-example" "$home/example"
    env -i HOME="$home" PATH=/usr/bin:/bin LANG=C.UTF-8 \
        SECR_IDENTITY="$(cat "$home/example/identities/developer.key")" \
        "$1" --store "$home/example/store" pull -e development 2>/dev/null | grep -q '^DATABASE_URL=postgres://'
}

only_glibc() {
    ! readelf -d "$binary" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p' \
        | grep -vE '^(libc\.so\.6|libm\.so\.6|ld-linux-x86-64\.so\.2)$' | grep -q . \
        && ! readelf -d "$binary" | grep -qE 'RUNPATH|RPATH'
}
check "readelf: the binary needs libc, libm and the loader, and has no RUNPATH" only_glibc
check "the binary is named with version and platform, and says its version" \
    bash -c "[ \"\$('$binary' --version)\" = 'secr $version' ]"

# make install PREFIX=…
prefix=$work/prefix
check "make install PREFIX=… installs the built binary" make -s -C "$repo" install PREFIX="$prefix" BINARY="$binary"
check "… with the man page, completions for bash, zsh and fish, and the hook" bash -c "
    for f in bin/secr share/man/man1/secr.1 share/bash-completion/completions/secr share/zsh/site-functions/_secr \
             share/fish/vendor_completions.d/secr.fish share/secr/pre-commit; do [ -s '$prefix'/\$f ] || exit 1; done
    grep -q '^\.TH SECR 1' '$prefix/share/man/man1/secr.1'"
check "… and the installed secr runs the example" example "$prefix/bin/secr"

# npm: the launcher and the platform package, offline.
npm_prefix=$work/npm
check "npm install -g --offline of the two tarballs" \
    bash -c "cd '$work' && npm install -g --offline --no-audit --no-fund --prefix '$npm_prefix' \
        '$dist/secr-cli-linux-x64-$version.tgz' '$dist/secr-cli-$version.tgz' >/dev/null 2>&1"
check "npm's secr --version" bash -c "[ \"\$(env -i PATH='$npm_prefix/bin':/usr/bin:/bin '$npm_prefix/bin/secr' --version)\" = 'secr $version' ]"
check "npm's secr pull on the example" example "$npm_prefix/bin/secr"
check "npm's launcher passes the exit status through" \
    bash -c "env -i PATH='$npm_prefix/bin':/usr/bin:/bin '$npm_prefix/bin/secr' frobnicate >/dev/null 2>&1; [ \$? = 2 ]"
check "the platform package declares os, cpu and libc" \
    bash -c "tar xzf '$dist/secr-cli-linux-x64-$version.tgz' -O package/package.json | grep -q '\"os\": \[\"linux\"\]' &&
             tar xzf '$dist/secr-cli-linux-x64-$version.tgz' -O package/package.json | grep -q '\"cpu\": \[\"x64\"\]'"
check "the launcher depends on it at the same version" \
    bash -c "tar xzf '$dist/secr-cli-$version.tgz' -O package/package.json | grep -q '\"@secr/cli-linux-x64\": \"$version\"'"
check "SHA256SUMS matches every artifact" bash -c "cd '$dist' && sha256sum --quiet -c SHA256SUMS"

echo "channels: $passed passed, $failed failed"
[ "$failed" = 0 ]
