#!/usr/bin/env bash
# Installs the Debian packages Streamer Studio needs, only those that are absent.
#   packaging/install-system-deps.sh test   # offscreen Qt for the tests (CI), the validators of
#                                           # resources/ and a C compiler (tests/packaging)
#   packaging/install-system-deps.sh gui    # + X11/xcb libraries for a real window
#   packaging/install-system-deps.sh dist   # gui + test: `make dist` bundles the X11/xcb libraries
#   packaging/install-system-deps.sh bench  # + rclone, the sync benchmark's peer
# On a machine without apt-get (macOS, Windows) it does nothing: pip wheels carry Qt there.
set -euo pipefail
group="${1:-test}"

base=(libegl1 libgl1 libxkbcommon0 libfontconfig1 libfreetype6 libdbus-1-3 libglib2.0-0 fonts-dejavu-core)
gui=(libxkbcommon-x11-0 libxcb-cursor0 libxcb-icccm4 libxcb-keysyms1 libxcb-image0 libxcb-render-util0
     libxcb-shape0 libxcb-xinerama0 libxcb-randr0 libxcb-xkb1)
bench=(rclone)
# desktop-file-validate and appstreamcli check resources/; gcc builds tests/packaging's broken plugin.
checks=(desktop-file-utils appstream gcc libc6-dev)

case "$group" in
  test) want=("${base[@]}" "${checks[@]}") ;;
  gui) want=("${base[@]}" "${gui[@]}") ;;
  dist) want=("${base[@]}" "${gui[@]}" "${checks[@]}") ;;
  bench) want=("${base[@]}" "${bench[@]}") ;;
  *) echo "usage: $0 test|gui|dist|bench" >&2; exit 2 ;;
esac

command -v apt-get >/dev/null 2>&1 || { echo "no apt-get here; skipping Debian packages"; exit 0; }
command -v dpkg-query >/dev/null 2>&1 || exit 0

missing=()
for pkg in "${want[@]}"; do
  status=$(dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null || true)
  [[ "$status" == "install ok installed" ]] || missing+=("$pkg")
done
[ ${#missing[@]} -eq 0 ] && exit 0

echo "Installing Debian packages: ${missing[*]}"
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
