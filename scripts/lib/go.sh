# shellcheck shell=bash
# Finding or installing a Go that can build the module, and building the
# binary (source it after common.sh).

# wanted_go prints the Go version go.mod names on its go line.
wanted_go() { sed -n 's/^go \([0-9][0-9.]*\).*/\1/p' "$ROOT/go.mod" | head -n 1; }

# version_at_least A B succeeds when version A >= version B (both like 1.23.5).
version_at_least() { [ "$(printf '%s\n%s\n' "$1" "$2" | sort -V | head -n 1)" = "$2" ]; }

# installed_go prints the version of the go on PATH itself (run outside the
# module so that it does not switch toolchains), or nothing when there is
# none.
installed_go() {
    command -v go >/dev/null 2>&1 || return 0
    (cd / && { GOTOOLCHAIN=local go version 2>/dev/null || true; }) | sed -n 's/^go version go\([0-9][0-9.]*\).*/\1/p'
}

# install_go_from_apt installs Debian's golang-go. Bookworm's own is 1.19,
# too old to fetch newer toolchains, so there it comes from
# bookworm-backports (Go 1.23).
install_go_from_apt() {
    local codename=""
    if [ -r /etc/os-release ]; then
        codename="$(. /etc/os-release && echo "${VERSION_CODENAME:-}")"
    fi
    if [ "$codename" != bookworm ]; then
        say "installing golang-go with apt-get"
        apt_get update
        apt_get install --no-install-recommends golang-go
        return
    fi
    if ! grep -rqs bookworm-backports /etc/apt/sources.list /etc/apt/sources.list.d/; then
        say "adding bookworm-backports to apt's sources for Go 1.23"
        printf '%s\n' \
            'Types: deb' \
            'URIs: http://deb.debian.org/debian' \
            'Suites: bookworm-backports' \
            'Components: main' \
            'Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg' |
            as_root tee /etc/apt/sources.list.d/bookworm-backports.sources >/dev/null
    fi
    say "installing golang-go from bookworm-backports"
    apt_get update
    apt_get install --no-install-recommends -t bookworm-backports golang-go
}

# ensure_go leaves a go on PATH that builds the module: go.mod's version, or
# Go >= 1.21, which downloads go.mod's exact toolchain from the module proxy
# by itself (GOTOOLCHAIN=auto).
ensure_go() {
    local want have
    want="$(wanted_go)"
    [ -n "$want" ] || die "no go line in $ROOT/go.mod"
    if ! command -v go >/dev/null 2>&1 && [ -x /usr/local/go/bin/go ]; then
        export PATH="/usr/local/go/bin:$PATH"
    fi
    have="$(installed_go)"
    if [ -n "$have" ] && version_at_least "$have" "$want"; then
        return 0
    fi
    if [ -z "$have" ] || ! version_at_least "$have" 1.21; then
        say "Go ${have:-is missing}${have:+ is too old to fetch toolchains}; need >= 1.21"
        install_go_from_apt
        hash -r
        have="$(installed_go)"
        [ -n "$have" ] || die "go is still missing after installing golang-go"
    fi
    export GOTOOLCHAIN=auto
    say "Go $have fetches go$want from the module proxy (GOTOOLCHAIN=auto)"
    (cd "$ROOT" && go version >/dev/null) || die "could not get go$want from the Go module proxy"
}

# build_tessera builds cmd/tessera to the path given.
build_tessera() {
    say "building $1 (the first build compiles Fyne's C code, about 4 min on 2 cores; later ones take seconds)"
    go -C "$ROOT" build -o "$1" ./cmd/tessera
}
