#!/usr/bin/env bash
# The step of secr's GitHub Action (action.yml). The runner starts it with the inputs in
# INPUT_* variables and the identity in SECR_TOKEN; it writes workflow commands on stdout and
# file commands to $GITHUB_ENV, $GITHUB_OUTPUT and $GITHUB_PATH. In order:
#
#   1. register the token for masking; install secr (a release, checked against SHA256SUMS, or
#      the `binary` input) and put it on PATH; pin the roster root (SECR_ROSTER_ROOT, also for
#      later steps);
#   2. for export or run: read the environment once and print every value's masks, before any
#      other output;
#   3. say which secr runs, warn loudly when no roster root is pinned, verify if asked;
#   4. write the values to $GITHUB_ENV (heredoc syntax with a random delimiter no value
#      contains) and/or run the command with `secr run`.
#
# Nothing here prints a value or the token, and `set -x` must never be added.
# Tests/release/test_action.py runs this script the way the runner does.
set -euo pipefail
umask 077

# Workflow command data: the runner decodes %25, %0D and %0A.
command_data() {
    local text=${1//%/%25}
    text=${text//$'\r'/%0D}
    printf '%s' "${text//$'\n'/%0A}"
}
error() { printf '::error title=secr::%s\n' "$(command_data "$*")"; }
warning() { printf '::warning title=secr::%s\n' "$(command_data "$*")"; }
fail() { error "$@"; exit 1; }
is_true() { case ${1:-} in true|True|TRUE|yes|1) return 0 ;; *) return 1 ;; esac; }

: "${GITHUB_ENV:?not running as a GitHub Actions step: GITHUB_ENV is not set}"
: "${GITHUB_OUTPUT:?}" "${GITHUB_PATH:?}" "${RUNNER_TEMP:?}"

# 1. The token first: GitHub masks secrets.* values already, but the token may come from
# elsewhere. Its comment lines (the public key, a date) are not secret; every other line is
# (the rule secr's own masks follow, Sources/SecrCore/Output/LogMasks.swift).
if [ -n "${SECR_TOKEN:-}" ]; then
    while IFS= read -r line || [ -n "$line" ]; do
        case $line in '#'*) continue ;; esac
        [[ $line == *[![:space:]]* ]] && printf '::add-mask::%s\n' "${line//%/%25}"
    done <<< "${SECR_TOKEN//$'\r'/$'\n'}"
fi

bin=$RUNNER_TEMP/secr-bin
mkdir -p "$bin"
if [ -n "${INPUT_BINARY:-}" ]; then
    [ -x "$INPUT_BINARY" ] || fail "binary: $INPUT_BINARY is not an executable file"
    install -m 0755 "$INPUT_BINARY" "$bin/secr"
else
    case ${RUNNER_OS:-}/${RUNNER_ARCH:-} in
        Linux/X64) platform=linux-x86_64 ;;
        *) fail "there is no prebuilt secr for ${RUNNER_OS:-?} ${RUNNER_ARCH:-?} yet (only Linux X64): build secr from source in an earlier step and give its path in the binary input" ;;
    esac
    glibc=$(getconf GNU_LIBC_VERSION 2>/dev/null | awk '{print $2}')
    if [ -z "$glibc" ] || [ "$(printf '%s\n' 2.36 "$glibc" | sort -V | head -n1)" != 2.36 ]; then
        fail "the prebuilt secr needs glibc 2.36 or newer and this runner has ${glibc:-none}: use runs-on: ubuntu-24.04 (or newer), or build secr from source and give its path in the binary input"
    fi
    version=${INPUT_VERSION:-}
    if [ -z "$version" ]; then
        [[ ${SECR_ACTION_REF:-} =~ ^v([0-9]+\.[0-9]+\.[0-9]+.*)$ ]] \
            || fail "say which secr release to install (version: 0.2.0): this action is used at '${SECR_ACTION_REF:-?}', not at a release tag"
        version=${BASH_REMATCH[1]}
    fi
    file=secr-$version-$platform
    base=${SECR_RELEASE_BASE_URL:-https://github.com/${SECR_ACTION_REPOSITORY:?}/releases/download/v$version}
    curl -fsSL --retry 3 -o "$bin/secr.download" "$base/$file" || fail "cannot download $base/$file"
    curl -fsSL --retry 3 -o "$bin/SHA256SUMS" "$base/SHA256SUMS" || fail "cannot download $base/SHA256SUMS"
    expected=$(awk -v name="$file" '$2 == name || $2 == "*" name { print $1 }' "$bin/SHA256SUMS")
    actual=$(sha256sum "$bin/secr.download" | cut -d' ' -f1)
    if [ -z "$expected" ] || [ "$expected" != "$actual" ]; then
        rm -f "$bin/secr.download"
        fail "$file does not match its checksum in SHA256SUMS (expected ${expected:-none}, got $actual): not installed"
    fi
    chmod 0755 "$bin/secr.download" && mv "$bin/secr.download" "$bin/secr"
fi
secr=$bin/secr
echo "$bin" >> "$GITHUB_PATH"
echo "secr=$secr" >> "$GITHUB_OUTPUT"

cd "${INPUT_WORKING_DIRECTORY:-.}"
unpinned=false
[ -z "${INPUT_STORE:-}" ] || export SECR_STORE=$INPUT_STORE

# Without a pinned root a fresh runner trusts whatever roster the checkout holds.
if [ -n "${INPUT_ROSTER_ROOT:-}" ]; then
    [[ $INPUT_ROSTER_ROOT =~ ^[A-Za-z0-9_-]+$ ]] || fail "roster-root: '$INPUT_ROSTER_ROOT' is not a roster root (print it with \`secr pin\`)"
    export SECR_ROSTER_ROOT=$INPUT_ROSTER_ROOT
    echo "SECR_ROSTER_ROOT=$SECR_ROSTER_ROOT" >> "$GITHUB_ENV"
else
    unpinned=true
fi
if [ -n "${INPUT_ROSTER_HEAD:-}" ]; then
    [[ $INPUT_ROSTER_HEAD =~ ^[0-9]+:[A-Za-z0-9_-]+$ ]] || fail "roster-head: '$INPUT_ROSTER_HEAD' is not SEQ:HASH (print it with \`secr pin --head\`)"
    export SECR_ROSTER_HEAD=$INPUT_ROSTER_HEAD
    echo "SECR_ROSTER_HEAD=$SECR_ROSTER_HEAD" >> "$GITHUB_ENV"
fi

export_values=false
is_true "${INPUT_EXPORT:-}" && export_values=true
needs_values=false
if [ "$export_values" = true ] || [ -n "${INPUT_RUN:-}" ]; then needs_values=true; fi
if [ "$needs_values" = true ]; then
    # Read the environment once. secr registers each value for masking itself (GITHUB_ACTIONS
    # is true in a step): its ::add-mask:: lines arrive on its stderr, which goes to a file here
    # and is replayed on stdout before any other line, so the order is the runner's reading order.
    environment=${INPUT_ENVIRONMENT:-development}
    mask=()
    is_true "${INPUT_MASK:-true}" || mask=(--no-mask)
    [ -n "${SECR_TOKEN:-}" ] || fail "the token input is empty: give the identity of a member who may read $environment (for example token: \${{ secrets.SECR_STAGING_TOKEN }})"
    diagnostics=$RUNNER_TEMP/secr-diagnostics.$$
    status_file=$RUNNER_TEMP/secr-status.$$
    trap 'rm -f "$diagnostics" "$status_file"' EXIT
    entries=()
    mapfile -t -d '' entries < <(
        status=0
        "$secr" -e "$environment" pull --format nul "${mask[@]}" 2>"$diagnostics" || status=$?
        echo "$status" > "$status_file")
    status=$(cat "$status_file")
    grep -a '^::add-mask::' "$diagnostics" || true
    grep -av '^::add-mask::' "$diagnostics" >&2 || true
    if [ "$status" != 0 ]; then
        reason=$(grep -a -m1 '^secr: error:' "$diagnostics" | sed 's/^secr: error: //' || true)
        error "cannot read the $environment environment (secr exit $status): ${reason:-see the lines above}"
        exit "$status"
    fi
fi

# Only now anything else: every value's mask is already out.
echo "secr: using $("$secr" --version) from $secr"
if [ "$unpinned" = true ]; then
    warning "roster-root is not set: this runner has pinned nothing, so a pull request that replaces the whole store (a new roster signed by a new owner) would be trusted. Run \`secr pin\` and give its output as roster-root."
fi

if is_true "${INPUT_VERIFY:-}"; then
    status=0
    "$secr" verify || status=$?
    if [ "$status" != 0 ]; then
        error "secr verify found problems in the store (exit $status, listed above)"
        exit "$status"
    fi
fi

[ "$needs_values" = true ] || exit 0

if [ "$export_values" = true ]; then
    # Variables that steer the runner and the actions after this one are not secr's to set.
    delimiter=secr_$(od -An -N16 -tx1 /dev/urandom | tr -d ' \n')
    keys=() refused=() block=
    for entry in "${entries[@]}"; do
        key=${entry%%=*} value=${entry#*=}
        [[ $key =~ ^[A-Za-z_][A-Za-z0-9_]*$ ]] || fail "secr printed a key that is no variable name"
        case $key in GITHUB_*|RUNNER_*|ACTIONS_*|INPUT_*|STATE_*) refused+=("$key"); continue ;; esac
        # The runner ends a value at the first line equal to the delimiter.
        [[ $'\n'$value$'\n' != *$'\n'$delimiter$'\n'* ]] || fail "the value of $key contains the delimiter line; run again"
        block+=$key'<<'$delimiter$'\n'$value$'\n'$delimiter$'\n'
        keys+=("$key")
    done
    printf '%s' "$block" >> "$GITHUB_ENV"
    echo "keys=${keys[*]}" >> "$GITHUB_OUTPUT"
    [ ${#refused[@]} -eq 0 ] || warning "not exported: ${refused[*]}: variables named GITHUB_*, RUNNER_*, ACTIONS_*, INPUT_* or STATE_* steer the runner and other actions; rename these keys"
    echo "secr: exported ${#keys[@]} secrets of $environment into the job's environment: ${keys[*]}"
fi
unset entries block value entry

if [ -n "${INPUT_RUN:-}" ]; then
    # The values are masked already (above); secr run reads them again and runs the command.
    exec "$secr" -e "$environment" run --no-mask -- bash -e -o pipefail -c "$INPUT_RUN"
fi
