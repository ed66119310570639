# shellcheck shell=bash disable=SC2034 # ROOT is for the scripts that source this
# Shared by the scripts in scripts/ (source it): the repository root,
# messages, and running a command as root.

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
PROG="$(basename "$0")"

say() { printf '%s: %s\n' "$PROG" "$*" >&2; }

die() {
    say "error: $*"
    exit 1
}

# When set -e stops a script, say where.
set -E
trap 'say "error: \"$BASH_COMMAND\" failed with status $? (${BASH_SOURCE[0]:-$PROG}:$LINENO)"' ERR

# as_root runs a command as root: directly when we are root, else with sudo.
as_root() {
    if [ "$(id -u)" -eq 0 ]; then
        "$@"
    elif command -v sudo >/dev/null 2>&1; then
        sudo "$@"
    else
        die "need root or sudo to run: $*"
    fi
}

# apt_get runs apt-get as root without questions.
apt_get() { as_root env DEBIAN_FRONTEND=noninteractive apt-get -y -q "$@"; }
