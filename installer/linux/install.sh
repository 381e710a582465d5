#!/usr/bin/env bash
# Installs Tickerdesk for the current user under ~/.local (or $PREFIX): the app folder, a launcher on PATH,
# a desktop entry and icons. Records every file it places in a manifest that uninstall.sh reads.
# Run from the unpacked tarball: ./install.sh [--monitor-service]
# --monitor-service also writes the systemd user unit that keeps alerts running with the window closed.
set -euo pipefail
with_service=0
for arg in "$@"; do
  case "$arg" in
    --monitor-service) with_service=1 ;;
    *) echo "install.sh: unknown option $arg (only --monitor-service)" >&2; exit 2 ;;
  esac
done
here="$(cd "$(dirname "$0")" && pwd)"
prefix="${PREFIX:-$HOME/.local}"
app_dir="$prefix/lib/tickerdesk"
manifest="$app_dir/.installed-files"

if [[ ! -x "$here/tickerdesk/tickerdesk" ]]; then
  echo "install.sh: no tickerdesk/tickerdesk next to this script; run it from the unpacked tarball" >&2
  exit 1
fi
if [[ -f "$manifest" ]]; then
  echo "Replacing the installed Tickerdesk (your settings, watchlists and alerts are kept)"
  PREFIX="$prefix" "$here/uninstall.sh" --quiet
fi

# Every directory this creates is recorded too, so uninstall.sh removes exactly what was added.
created=()
ensure_dir() {
  local dir="$1"
  while [[ ! -d "$dir" ]]; do created+=("$dir"); dir="$(dirname "$dir")"; done
  mkdir -p "$1"
}
ensure_dir "$app_dir"
ensure_dir "$prefix/bin"
ensure_dir "$prefix/share/applications"
cp -a "$here/tickerdesk/." "$app_dir/"
: > "$manifest.new"
# (Paths are joined by the shell, not sed: a folder named with & or | would be taken for sed's syntax.)
(cd "$app_dir" && find . -mindepth 1 ! -name ".installed-files*" | sort -r) |
  while IFS= read -r path; do printf '%s\n' "$app_dir${path#.}"; done >> "$manifest.new"

launcher="$prefix/bin/tickerdesk"
{
  echo '#!/bin/sh'
  echo '# Tickerdesk launcher (installed by install.sh)'
  printf 'exec %q "$@"\n' "$app_dir/tickerdesk"  # quoted for sh whatever the folder's name holds
} > "$launcher"
chmod 755 "$launcher"
echo "$launcher" >> "$manifest.new"

# A desktop entry's Exec= argument (the Desktop Entry Specification): % doubled; with a blank or another
# reserved character, the whole in double quotes, with " ` $ \ escaped by a backslash that is itself written
# twice (the string escape applies first).
desktop_arg() {
  local arg="${1//%/%%}"
  if [[ "$arg" =~ [][[:space:]\"\'\\\<\>~\|\&\;\$\*\?\#\(\)\`] ]]; then
    arg="${arg//\\/\\\\\\\\}"
    arg="${arg//\"/\\\\\"}"
    arg="${arg//\`/\\\\\`}"
    arg="${arg//\$/\\\\\$}"
    arg="\"$arg\""
  fi
  printf '%s' "$arg"
}
entry="$prefix/share/applications/tickerdesk.desktop"
exec_line="Exec=$(desktop_arg "$launcher")"
while IFS= read -r line; do
  if [[ "$line" == "Exec=tickerdesk" ]]; then printf '%s\n' "$exec_line"; else printf '%s\n' "$line"; fi
done < "$here/tickerdesk.desktop" > "$entry"
echo "$entry" >> "$manifest.new"

for png in "$here"/icons/tickerdesk-*.png; do
  size="$(basename "$png" .png)"; size="${size#tickerdesk-}"
  target="$prefix/share/icons/hicolor/${size}x${size}/apps/tickerdesk.png"
  ensure_dir "$(dirname "$target")"
  cp "$png" "$target"
  echo "$target" >> "$manifest.new"
done
svg="$prefix/share/icons/hicolor/scalable/apps/tickerdesk.svg"
ensure_dir "$(dirname "$svg")"
cp "$here/icons/tickerdesk.svg" "$svg"
echo "$svg" >> "$manifest.new"
for dir in "${created[@]}"; do echo "$dir" >> "$manifest.new"; done
mv "$manifest.new" "$manifest"

# No cache rebuilds (update-desktop-database, gtk-update-icon-cache): they would write files that are not
# ours to remove, and desktops pick up new entries and icons under ~/.local/share by themselves.

echo "Tickerdesk installed: run 'tickerdesk' or find it in your applications menu."
if [[ "$with_service" == 1 ]]; then
  "$launcher" monitor --install-service
else
  echo "Alerts while the window is closed: run install.sh --monitor-service, or 'tickerdesk monitor --install-service'."
fi
case ":$PATH:" in
  *":$prefix/bin:"*) ;;
  *) echo "Note: $prefix/bin is not on your PATH; add it, or start $launcher" ;;
esac
