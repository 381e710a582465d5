#!/usr/bin/env bash
# Removes exactly what install.sh placed (listed in its manifest). Your data (watchlists, alerts, settings
# under ~/.local/share/Tickerdesk and ~/.config/Tickerdesk) stays unless you pass --purge.
set -euo pipefail
prefix="${PREFIX:-$HOME/.local}"
app_dir="$prefix/lib/tickerdesk"
manifest="$app_dir/.installed-files"
quiet=0 purge=0
for arg in "$@"; do
  case "$arg" in
    --quiet) quiet=1 ;;
    --purge) purge=1 ;;
    *) echo "usage: uninstall.sh [--purge] [--quiet]" >&2; exit 2 ;;
  esac
done
if [[ ! -f "$manifest" ]]; then
  echo "uninstall.sh: Tickerdesk is not installed under $prefix" >&2
  exit 1
fi
# The monitor's service runs the program about to be removed: stop and remove it first (not on an upgrade).
unit="${XDG_CONFIG_HOME:-$HOME/.config}/systemd/user/tickerdesk-monitor.service"
if ((!quiet)) && [[ -f "$unit" && -x "$prefix/lib/tickerdesk/tickerdesk" ]]; then
  "$prefix/lib/tickerdesk/tickerdesk" monitor --uninstall-service || true
fi
dirs=()
while IFS= read -r path; do
  [[ -z "$path" ]] && continue
  case "$path" in "$prefix" | "$prefix"/*) ;; *) continue ;; esac  # never outside the prefix
  if [[ -d "$path" && ! -L "$path" ]]; then
    dirs+=("$path")
  else
    rm -f "$path"
  fi
done < "$manifest"
rm -f "$manifest"
# Directories last, deepest first; one that holds something the installer did not put there stays.
while IFS= read -r dir; do
  rmdir "$dir" 2>/dev/null || true
done < <(printf '%s\n' "${dirs[@]}" | awk '{ print length, $0 }' | sort -rn | cut -d' ' -f2-)
if ((purge)); then
  rm -rf "${XDG_DATA_HOME:-$HOME/.local/share}/Tickerdesk" "${XDG_CONFIG_HOME:-$HOME/.config}/Tickerdesk" \
         "${XDG_CACHE_HOME:-$HOME/.cache}/Tickerdesk"
fi
((quiet)) || echo "Tickerdesk removed.$( ((purge)) && echo ' Its data was deleted too.' || echo ' Your data was kept.')"
