# shellcheck shell=bash disable=SC2034 # the package lists are used by the scripts
# Debian packages the build and the tests need, and installing the missing
# ones (source it after common.sh).

# BUILD_PACKAGES build cmd/tessera: cgo for Fyne's GL and windowing, GTK for
# the native file dialogs, OpenBLAS for the engine's matrix products.
# libc6-dev is only a recommendation of gcc, and we skip recommendations;
# ca-certificates lets Go fetch modules and toolchains over https.
BUILD_PACKAGES=(
    ca-certificates gcc libc6-dev pkg-config
    libgl1-mesa-dev libx11-dev libxcursor-dev libxrandr-dev libxinerama-dev libxi-dev libxxf86vm-dev
    libgtk-3-dev
    libopenblas-dev
)

# TEST_PACKAGES run the real binary on a virtual display and look at it.
TEST_PACKAGES=(xvfb xauth libgl1-mesa-dri imagemagick xdotool)

# missing_packages prints those of its arguments that dpkg has not installed.
missing_packages() {
    local p
    for p in "$@"; do
        if [ "$(dpkg-query -W -f='${db:Status-Status}' "$p" 2>/dev/null)" != installed ]; then
            echo "$p"
        fi
    done
}

# install_packages installs those of its arguments that are missing, and
# touches apt only when something is.
install_packages() {
    command -v dpkg-query >/dev/null 2>&1 || die "not a Debian system (no dpkg-query); install by hand: $*"
    local missing
    mapfile -t missing < <(missing_packages "$@")
    if [ "${#missing[@]}" -eq 0 ]; then
        return 0
    fi
    say "installing ${missing[*]}"
    apt_get update
    apt_get install --no-install-recommends "${missing[@]}"
}
