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

# Prints "X.Y path" for every Python 3.11 or newer on PATH or in pyenv's versions folder,
# one per X.Y (the first found: PATH before pyenv), oldest first. Bash 3.2 (macOS) safe.
find_pythons() {
    local candidate version name found=""
    local versions=${PYENV_ROOT:-$HOME/.pyenv}/versions
    local candidates=(python3 python)
    while read -r name; do
        candidates+=("$name")
    done < <(compgen -c python3. | grep -E '^python3\.[0-9]+$' | sort -u)
    # pyenv's shims only run the versions selected globally; the others are still there.
    for candidate in "$versions"/*/bin/python3.*; do
        [[ $candidate =~ /python3\.[0-9]+$ ]] && candidates+=("$candidate")
    done
    for candidate in "${candidates[@]}"; do
        version=$("$candidate" -c 'import sys
if sys.version_info >= (3, 11): print("%d.%d" % sys.version_info[:2])' 2>/dev/null) || continue
        [ -n "$version" ] || continue
        case $found in *"|$version "*) continue ;; esac
        found="$found|$version $(command -v "$candidate")"
    done
    if [ -z "$found" ]; then
        say "Python 3.11 or newer is needed; none was found on PATH or in $versions"
        return 1
    fi
    printf '%s' "${found#|}" | tr '|' '\n' | sort -t. -k1,1n -k2,2n
}

venv_version() {
    "$1/bin/python" -c 'import sys; print("%d.%d" % sys.version_info[:2])' 2>/dev/null
}

# make_venv PYTHON X.Y FOLDER: a virtual environment of that Python with gd-explorer$EXTRA.
make_venv() {
    local python=$1 version=$2 venv=$3
    if [ -f "$venv/pyvenv.cfg" ] && [ "$(venv_version "$venv")" != "$version" ]; then
        say "$venv is not Python $version (or its Python is gone); making it again"
        rm -rf "$venv"
    fi
    if [ ! -x "$venv/bin/python" ]; then
        say "creating a virtual environment of Python $version in $venv"
        if ! "$python" -m venv "$venv" 2>/dev/null; then
            # Debian splits venv support into its own package.
            install_system_packages "python$version-venv"
            rm -rf "$venv"
            "$python" -m venv "$venv"
        fi
    fi
    say "installing gd-explorer$EXTRA and its dependencies for Python $version"
    "$venv/bin/python" -m pip install -q --disable-pip-version-check -e "$ROOT$EXTRA"
}

QT_PACKAGES=(libgl1 libegl1 libgl1-mesa-dri libglib2.0-0 libfontconfig1 libdbus-1-3
    libxkbcommon0 libxkbcommon-x11-0 libxcb-cursor0 libxcb-icccm4 libxcb-keysyms1
    libxcb-shape0)

install_system_packages "${QT_PACKAGES[@]}" ${SYSTEM_PACKAGES[@]+"${SYSTEM_PACKAGES[@]}"}
PYTHONS=$(find_pythons)
read -r OLDEST_VERSION OLDEST_PYTHON <<<"$(head -n 1 <<<"$PYTHONS")"
read -r NEWEST_VERSION NEWEST_PYTHON <<<"$(tail -n 1 <<<"$PYTHONS")"
# .venv (what scripts/run uses, and mypy's python_version) gets the oldest supported
# Python; scripts/test adds the newest beside it.
make_venv "$OLDEST_PYTHON" "$OLDEST_VERSION" "$VENV"
