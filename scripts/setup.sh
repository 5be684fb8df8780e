# Shared by scripts/run and scripts/test: system libraries, a virtual environment, the package.
# Sourced, not run. Expects EXTRA ("" or "[test]") and SYSTEM_PACKAGES to be set.

set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
VENV=${GD_EXPLORER_VENV:-$ROOT/.venv}

say() { printf 'gd-explorer: %s\n' "$*" >&2; }

# Qt needs a few X11/OpenGL libraries that minimal Debian and Ubuntu systems lack.
install_system_packages() {
    [ "$(uname -s)" = Linux ] && command -v dpkg-query >/dev/null 2>&1 || return 0
    local missing=() pkg
    for pkg in "$@"; do
        dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" \
            || missing+=("$pkg")
    done
    [ ${#missing[@]} -eq 0 ] && return 0
    local sudo=()
    if [ "$(id -u)" -ne 0 ]; then
        if command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
            sudo=(sudo)
        else
            say "these system packages are missing: ${missing[*]}"
            say "install them with:  sudo apt-get install ${missing[*]}"
            exit 1
        fi
    fi
    say "installing system packages: ${missing[*]}"
    "${sudo[@]}" apt-get update -qq
    DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq \
        --no-install-recommends "${missing[@]}" >/dev/null
}

find_python() {
    local candidate
    for candidate in python3.13 python3.12 python3.11 python3 python; do
        if command -v "$candidate" >/dev/null 2>&1 &&
            "$candidate" -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
            echo "$candidate"
            return 0
        fi
    done
    say "Python 3.11 or newer is needed; none was found on PATH"
    exit 1
}

make_venv() {
    local python
    python=$(find_python)
    if [ ! -x "$VENV/bin/python" ]; then
        say "creating a virtual environment in $VENV"
        if ! "$python" -m venv "$VENV" 2>/dev/null; then
            # Debian splits venv support into its own package.
            install_system_packages "python3-venv"
            rm -rf "$VENV"
            "$python" -m venv "$VENV"
        fi
    fi
    say "installing gd-explorer$EXTRA and its dependencies"
    "$VENV/bin/python" -m pip install -q --disable-pip-version-check -e "$ROOT$EXTRA"
}

QT_PACKAGES=(libgl1 libegl1 libgl1-mesa-dri libglib2.0-0 libfontconfig1 libdbus-1-3
    libxkbcommon0 libxkbcommon-x11-0 libxcb-cursor0 libxcb-icccm4 libxcb-keysyms1
    libxcb-shape0)

install_system_packages "${QT_PACKAGES[@]}" ${SYSTEM_PACKAGES[@]+"${SYSTEM_PACKAGES[@]}"}
make_venv
