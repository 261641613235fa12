#!/usr/bin/env bash
# Proves that the release needs nothing but glibc. Builds a minimal Debian root
# (debootstrap --variant=minbase: no git, no libgit2, libsodium, mbedtls, libssh2, krb5 or Swift
# runtime), installs dist/secr_*.deb into it with dpkg -i, and runs secr's main commands there
# with chroot: keygen, init, set, get, pull, run, member add, verify, log, scan --staged and the
# example project. Then it adds git to the root, the one program a merge needs, and merges two
# branches through secr's merge driver.
#
# usage: Tests/release/minimal-root.sh DIST_DIR [ROOT]
#   ROOT: an existing minbase root to reuse (it is changed); default: a fresh one, removed after.
set -euo pipefail
if [ "$(id -u)" != 0 ]; then
    echo "minimal root: skipped, it needs root for debootstrap and chroot (CI runs it as root)"
    exit 0
fi
repo=$(cd "$(dirname "$0")/../.." && pwd)
dist=$(cd "${1:?usage: minimal-root.sh DIST_DIR [ROOT]}" && pwd)
deb=$(ls "$dist"/secr_*.deb)
passed=0 failed=0
check() { # NAME COMMAND…
    local name=$1; shift
    if "$@"; then passed=$((passed + 1)); echo "ok   $name"; else failed=$((failed + 1)); echo "FAIL $name"; fi
}

root=${2:-} work=
cleanup() {
    umount "$root/proc" 2>/dev/null || true
    [ -z "$work" ] || rm -rf --one-file-system "$work"
}
trap cleanup EXIT
if [ -z "$root" ]; then
    work=$(mktemp -d /tmp/secr-minimal-root.XXXXXX)
    root=$work/root
    suite=$(. /etc/os-release && echo "$VERSION_CODENAME")
    mirror=$(sed -n 's/^URIs: *\(http[^ ]*debian\)\/*$/\1/p' /etc/apt/sources.list.d/debian.sources 2>/dev/null | head -n1)
    mirror=${mirror:-http://deb.debian.org/debian}
    echo "debootstrap --variant=minbase $suite from $mirror (about two minutes)"
    debootstrap --variant=minbase "$suite" "$root" "$mirror" > "$work/debootstrap.log" 2>&1 \
        || { tail -20 "$work/debootstrap.log"; exit 1; }
fi
# Every Linux system has /proc, and Swift programs read their arguments from /proc/self/cmdline:
# a chroot needs it mounted (nothing else of the host is).
mount -t proc proc "$root/proc"
in_root() { chroot "$root" /usr/bin/env -i HOME=/work/home PATH=/usr/bin:/bin LANG=C.UTF-8 "$@"; }

# What the root lacks: every library secr's build links (Debian's and the toolchain's).
lacks_build_libraries() {
    local found
    found=$(find "$root/usr/lib" "$root/lib" -name 'libgit2*' -o -name 'libsodium*' -o -name 'libswift*' -o -name 'libmbed*' \
        -o -name 'libssh2*' -o -name 'libgssapi*' -o -name 'libkrb5*' -o -name 'libhttp_parser*' -o -name 'libdispatch*' \
        -o -name 'libFoundation*' -o -name 'libBlocksRuntime*' -o -name 'libssl*' -o -name 'libcrypto*' 2>/dev/null)
    [ -z "$found" ] || { echo "the root has: $found"; return 1; }
    [ ! -e "$root/usr/bin/git" ]
}
check "the minimal root has none of the build's libraries, and no git" lacks_build_libraries

check "dpkg -i installs the .deb in the minimal root (its Depends are met there)" \
    bash -c "cp '$deb' '$root/tmp/secr.deb' && chroot '$root' dpkg -i /tmp/secr.deb >/dev/null"
check "the package put the man page, completions and hook in place" bash -c "
    for f in usr/bin/secr usr/share/man/man1/secr.1.gz usr/share/bash-completion/completions/secr \
             usr/share/zsh/vendor-completions/_secr usr/share/fish/vendor_completions.d/secr.fish usr/share/secr/pre-commit; do
        [ -e '$root'/\$f ] || { echo missing \$f; exit 1; }
    done"
loads_only_glibc() {
    local loaded
    loaded=$(in_root LD_DEBUG=files secr --version 2>&1 >/dev/null | sed -n 's/.*file=\([^ ]*\).*generating link map.*/\1/p' | sort -u)
    echo "  secr loads: $(echo $loaded)"
    ! echo "$loaded" | grep -vE '^(/lib/x86_64-linux-gnu/|/usr/lib/x86_64-linux-gnu/)?(libc\.so\.6|libm\.so\.6)$' | grep -q .
}
check "at run time secr loads glibc's libc and libm and nothing else" loads_only_glibc

# A repository: git init is done from outside (the root has no git); secr commits with libgit2.
mkdir -p "$root/work/home" "$root/work/repo"
git -C "$root/work/repo" init -q -b main
git -C "$root/work/repo" config user.name Owner
git -C "$root/work/repo" config user.email owner@example.invalid
owner=(SECR_IDENTITY_FILE=/work/owner.key)
run_in_repo() { chroot "$root" /usr/bin/env -i HOME=/work/home PATH=/usr/bin:/bin LANG=C.UTF-8 "${owner[@]}" sh -c "cd /work/repo && $1"; }
check "keygen" run_in_repo 'secr keygen -o /work/owner.key >/dev/null 2>&1 && secr keygen -o /work/dev.key > /work/dev.pub 2>/dev/null'
check "init (a commit through the linked-in libgit2)" run_in_repo 'secr init --name owner >/dev/null 2>&1 && test -f .secr/roster'
check "set" run_in_repo 'secr set DATABASE_URL=postgres://db/app "GREETING=hello there" -e staging 2>/dev/null'
check "get" run_in_repo 'test "$(secr get DATABASE_URL -e staging)" = postgres://db/app'
check "pull" run_in_repo 'secr pull -e staging --format json | grep -q "\"GREETING\": \"hello there\""'
check "run" run_in_repo 'test "$(secr run -e staging -- sh -c "echo \$GREETING")" = "hello there"'
check "member add" run_in_repo 'secr member add dev "$(cat /work/dev.pub)" --role developer >/dev/null 2>&1'
check "verify" run_in_repo 'secr verify >/dev/null 2>&1'
check "log" run_in_repo 'secr log | grep -q "set DATABASE_URL"'
printf 'DATABASE_URL=postgres://db/app\n' > "$root/work/repo/.env"
git -C "$root/work/repo" add -f .env
check "scan --staged finds the staged .env (exit 5)" run_in_repo 'secr scan --staged >/dev/null 2>&1; test $? = 5'
git -C "$root/work/repo" rm -q --cached .env && rm "$root/work/repo/.env"
check "scan --staged passes a clean index" run_in_repo 'secr scan --staged >/dev/null 2>&1'
cp -r "$repo/.secr-example" "$root/work/example"
check "the example project, as the README runs it" \
    in_root sh -c 'SECR_IDENTITY="$(cat /work/example/identities/developer.key)" secr --store /work/example/store pull -e development | grep -q ^DATABASE_URL='

# A merge needs git: add it (with what it depends on), then merge two branches through the
# driver that secr init registered.
cp /etc/resolv.conf "$root/etc/resolv.conf"
if chroot "$root" sh -c 'apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends git' >/dev/null 2>&1; then
    check "secr still loads only glibc with git's libraries in the root" loads_only_glibc
    merge() {
        run_in_repo '
            git config --get merge.secr.driver | grep -q "secr merge" &&
            git checkout -q -b feature && secr set FEATURE_FLAG=on -e staging >/dev/null 2>&1 &&
            git checkout -q main && secr set MAIN_ONLY=yes -e staging >/dev/null 2>&1 &&
            git merge -q --no-edit feature >/dev/null 2>&1 &&
            test "$(secr get FEATURE_FLAG -e staging)" = on && test "$(secr get MAIN_ONLY -e staging)" = yes &&
            test "$(git rev-list --parents -n1 HEAD | wc -w)" = 3 && secr verify >/dev/null 2>&1'
    }
    check "a merge through secr's merge driver" merge
else
    failed=$((failed + 1))
    echo "FAIL could not install git into the minimal root (apt-get in the chroot)"
fi

echo "minimal root: $passed passed, $failed failed"
[ "$failed" = 0 ]
