#!/usr/bin/env bash
# Installs the few system libraries Qt needs, when run as root on Debian/Ubuntu and any are missing.
# Usage: system-deps.sh [--gui]   (--gui adds what a real X11 window needs beyond offscreen rendering)
set -euo pipefail

packages=(libglib2.0-0 libgl1 libxkbcommon0 libegl1 libfreetype6 libfontconfig1 libdbus-1-3 fonts-dejavu-core
          desktop-file-utils dbus-daemon)
if [[ "${1:-}" == "--gui" ]]; then
  packages+=(libxkbcommon-x11-0 libxcb-cursor0 libxcb-icccm4 libxcb-keysyms1 libxcb-shape0 libxcb-randr0 libxcb-render-util0 libxcb-image0 libxcb-xinerama0)
fi

if ! command -v dpkg-query >/dev/null 2>&1 || ! command -v apt-get >/dev/null 2>&1; then
  exit 0  # not Debian/Ubuntu: see the README for the packages to install
fi
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
((${#missing[@]})) || exit 0
if [[ $(id -u) -ne 0 ]]; then
  echo "Qt needs these system packages: ${missing[*]}" >&2
  echo "Install them with: sudo apt-get install -y --no-install-recommends ${missing[*]}" >&2
  exit 0
fi
echo "Installing system libraries for Qt: ${missing[*]}"
apt-get update -qq
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}"
